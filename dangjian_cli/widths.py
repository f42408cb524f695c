"""Tables that fit the terminal: display widths (East Asian characters count double),
columns shortened with an ellipsis or wrapped, a summary line cut to fit.

A listing is fitted when it goes to a terminal (to ``COLUMNS``, else the
terminal's width) or when ``DANGJIAN_WIDTH`` names a width. Output that goes to a
file or a pipe is otherwise never cut, nor is anything under ``--wide``.
"""

from __future__ import annotations

import os
import shutil
import sys

#: the narrowest a shortened column becomes (in display cells)
MIN_COLUMN = 6
#: tabulate's "simple" format puts two spaces between columns
GAP = 2
#: ... and makes each column two cells wider than its header (tabulate.MIN_PADDING)
HEADER_PAD = 2
#: a summary line is cut to this many cells (and to the terminal, when narrower)
SUMMARY_WIDTH = 100

_state: dict[str, bool] = {"wide": False}


def set_wide(wide: bool) -> None:
    """``--wide``: show every column whole, whatever the terminal."""
    _state["wide"] = bool(wide)


def width() -> int | None:
    """The width tables are fitted to, or None (``--wide``, a file, a pipe).

    ``DANGJIAN_WIDTH`` fits any output to that width (tests, ``watch``); otherwise
    only a terminal is fitted, to ``COLUMNS`` or its own width. ``COLUMNS`` alone
    never cuts what goes to a pipe: some programs export it to every child (curses
    does), and a clerk's ``> file.txt`` should get every character.
    """
    if _state["wide"]:
        return None
    forced = os.environ.get("DANGJIAN_WIDTH", "").strip()
    if forced.isdigit() and int(forced) > 0:
        return int(forced)
    try:
        if not os.isatty(sys.stdout.fileno()):
            return None
    except (AttributeError, OSError, ValueError):
        return None
    given = os.environ.get("COLUMNS", "").strip()
    if given.isdigit() and int(given) > 0:
        return int(given)
    return shutil.get_terminal_size().columns


def cells(text: str) -> int:
    """Display width of one line: a Chinese character takes two cells."""
    from wcwidth import wcswidth

    found = wcswidth(text)
    return found if found >= 0 else len(text)


def _block(text: str) -> int:
    return max((cells(line) for line in text.split("\n")), default=0)


def shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` cells, ending with an ellipsis when cut."""
    if cells(text) <= limit:
        return text
    from wcwidth import wcwidth

    out, used = [], 0
    for char in text:
        w = max(wcwidth(char), 0)
        if used + w > limit - 1:
            break
        out.append(char)
        used += w
    return "".join(out) + "…"


def wrap(text: str, limit: int) -> str:
    """``text`` broken into lines of at most ``limit`` cells (at spaces where it can)."""
    from wcwidth import wcwidth

    lines: list[str] = []
    for paragraph in text.split("\n"):
        line, used = "", 0
        for word in _words(paragraph):
            w = cells(word)
            if used + w > limit and line:
                lines.append(line.rstrip())
                line, used = word.lstrip(), cells(word.lstrip())
                continue
            line += word
            used += w
        while cells(line) > limit:  # a word longer than the column: cut it by cells
            head, taken = "", 0
            for char in line:
                cw = max(wcwidth(char), 0)
                if taken + cw > limit:
                    break
                head += char
                taken += cw
            lines.append(head)
            line = line[len(head) :]
        lines.append(line.rstrip())
    return "\n".join(lines)


def _words(text: str) -> list[str]:
    """Words with their following space; each CJK character is a word of its own."""
    words: list[str] = []
    current = ""
    for char in text:
        if cells(char) == 2:
            if current:
                words.append(current)
                current = ""
            words.append(char)
        else:
            current += char
            if char == " ":
                words.append(current)
                current = ""
    if current:
        words.append(current)
    return words


def fit(
    table: list[list[str]],
    headers: list[str],
    limit: int | None,
    wrapped: frozenset[int] = frozenset(),
    keep: frozenset[int] = frozenset(),
    drop: tuple[int, ...] = (),
) -> tuple[list[str], list[list[str]]]:
    """``headers`` and the cells of ``table``, narrowed to at most ``limit`` cells wide.

    The widest column gives way first, one cell at a time, never below its header
    or :data:`MIN_COLUMN` (columns in ``keep``, such as ids and dates, never give
    way); when that is not enough, the columns in ``drop`` are left out, in that
    order. Columns in ``wrapped`` (long text) are wrapped onto several lines, the
    others shortened with an ellipsis. A table that fits, or no ``limit``, is
    returned as it is.
    """
    if limit is None or not headers:
        return headers, table
    # tabulate makes a column at least its header plus HEADER_PAD wide
    natural = [_block(h) + HEADER_PAD for h in headers]
    for row in table:
        for i, cell in enumerate(row):
            natural[i] = max(natural[i], _block(cell))
    floor = [
        natural[i]
        if i in keep
        else min(natural[i], max(MIN_COLUMN, _block(headers[i]) + HEADER_PAD))
        for i in range(len(headers))
    ]
    shown = list(range(len(headers)))
    for column in drop:  # a column left out reads better than every column cut
        if sum(natural[i] for i in shown) + GAP * (len(shown) - 1) <= limit:
            break
        if column in shown and len(shown) > 1:
            shown.remove(column)
    widths = {i: natural[i] for i in shown}
    excess = sum(widths.values()) + GAP * (len(shown) - 1) - limit
    while excess > 0:
        candidates = [i for i in shown if widths[i] > floor[i]]
        if not candidates:
            break
        widest = max(candidates, key=lambda i: (widths[i], i in wrapped))
        second = max((widths[i] for i in candidates if i != widest), default=floor[widest])
        step = min(excess, widths[widest] - max(second, floor[widest]) or 1)
        widths[widest] -= step
        excess -= step
    out = []
    for row in table:
        fitted = []
        for i in shown:
            cell = row[i]
            if _block(cell) <= widths[i]:
                fitted.append(cell)
            elif i in wrapped:
                fitted.append(wrap(cell, widths[i]))
            else:
                fitted.append("\n".join(shorten(line, widths[i]) for line in cell.split("\n")))
        out.append(fitted)
    return [headers[i] for i in shown], out


def summary(
    head: str,
    parts: list[str],
    limit: int = SUMMARY_WIDTH,
    more: str = "+{n}",
    colon: str = ": ",
    comma: str = ", ",
) -> str:
    """``head: part, part, ...`` with as many parts as fit in ``limit`` cells (and the
    terminal, when narrower); the rest counted by ``more`` (``+{n}``). ``colon`` and
    ``comma`` are the punctuation of the language (``：`` and ``，`` in Chinese)."""
    terminal = width()
    if terminal is not None:
        limit = min(limit, terminal)
    if _state["wide"]:
        limit = 10**9
    if not parts:
        return shorten(head, limit)
    line = f"{head}{colon}"
    shown: list[str] = []
    for k, part in enumerate(parts):
        rest = len(parts) - k - 1
        tail = f"{comma}{more.format(n=rest)}" if rest else ""
        candidate = comma.join([*shown, part])
        if cells(line + candidate + tail) <= limit:
            shown.append(part)
            continue
        left = more.format(n=len(parts) - len(shown))
        text = line + comma.join([*shown, left]) if shown else line + left
        return text if cells(text) <= limit else shorten(head, limit)
    return line + comma.join(shown)
