"""Widths of a document table's columns, measured from what the cells hold.

A clerk reads a table by its rows: an org's name broken into fragments of one or
two characters, or a row three lines tall because a figure column kept its header
on one line, makes a 300-org county report run to dozens of pages. So the widths
follow an order of what matters:

1. every column at its readable minimum: a figure never wrapped, a header in at
   most three lines (no character alone on a line, no Latin word broken), a text
   column as wide as its longest cell up to ``READABLE`` CJK characters (twice as
   many Latin letters);
2. text columns wide enough for a name on one line (up to ``NAME`` characters):
   a row's height is paid on every row, a header's once a page;
3. figure columns with their header in at most two lines;
4. figure columns as wide as their header (up to five characters on one line);
5. text columns as wide as their longest cell, then any room left to the text.

A table whose text columns get a name's width by the simpler rule of earlier
versions (figures at their header's width, text columns share the rest) keeps it.
A table whose minimums are wider than the page gives way first in its long text
columns (down to four characters), then everywhere; a template should split such
a table (as the work report's participation tables are split).
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Sequence
from functools import lru_cache

#: a cell holding a figure (amount, count, share, ratio): right-aligned, its column narrow
AMOUNT = re.compile(r"^-?[\d,]+(\.\d+)?%?$|^—$|^\d+/\d+$")
CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")

#: the cell's left and right margins, in points
PAD = 12.0
#: header cells are bold: Latin letters measured this much wider, to be safe; a CJK
#: character keeps its em (a little more, for the face drawn in its place)
BOLD = 1.1
DRAWN = 1.05
#: ems a text column keeps before a figure column gives up any of its comfort
READABLE = 7
#: ems for a name (an org's, a rule's) on one line
NAME = 16

#: a line does not start with these, nor end with an opening bracket
_CLOSE = "）》」』】〕”’，。、；：？！%)]}.,;:?!"
_OPEN = "（《「『【〔“‘([{"


# remembered: a county's tables measure the same names and figures thousands of times
@lru_cache(maxsize=1 << 16)
def text_width(text: str, size: float, latin: float = 0.64) -> float:
    """Width in points of ``text`` at ``size``: CJK and full-width characters one em, Latin
    letters and digits as wide as the widest stand-in face (DejaVu Sans) draws them."""
    return sum(
        size if CJK.match(ch) else size * (latin / 2 if ch in ",.:;'!| " else latin) for ch in text
    )


#: Word and LibreOffice set a little space between CJK text and Latin letters or digits
#: (w:autoSpaceDE, w:autoSpaceDN on by default): `2025 年 10 月`
_AUTOSPACE = re.compile(
    r"(?<=[\u2e80-\u9fff\uf900-\ufaff])(?=[A-Za-z0-9])|(?<=[A-Za-z0-9])(?=[\u2e80-\u9fff\uf900-\ufaff])"
)


@lru_cache(maxsize=1 << 16)
def autospace(text: str, size: float) -> float:
    """The space in points added between CJK and Latin text in ``text``: a quarter em each."""
    return 0.25 * size * len(_AUTOSPACE.findall(text))


def _tokens(text: str) -> list[tuple[str, bool]]:
    """Pieces a line never breaks inside, each with whether a space comes before it:
    a Latin word, a CJK character with the opening bracket before it and the
    closing punctuation after it."""
    out: list[tuple[str, bool]] = []
    for m in re.finditer(r"[!-~]+|\S", text):
        piece = m.group()
        spaced = m.start() > 0 and text[m.start() - 1].isspace()
        if out and not spaced and (piece[0] in _CLOSE or out[-1][0][-1] in _OPEN):
            out[-1] = (out[-1][0] + piece, out[-1][1])
        else:
            out.append((piece, spaced))
    return out


def _gaps(tokens: list[tuple[str, bool]], measure: Callable[[str], float]) -> list[float]:
    """The space before each token on a line it shares with the one before: a word
    space, or the space a renderer sets between CJK and Latin (`2025` `年`)."""
    gaps = [0.0] if tokens else []
    for (before, _), (piece, spaced) in itertools.pairwise(tokens):
        if spaced:
            gaps.append(measure(" "))
        else:
            pair = before[-1] + piece[0]
            gaps.append(max(0.0, measure(pair) - measure(pair[0]) - measure(pair[1])))
    return gaps


def _wrap(
    tokens: list[tuple[str, bool]], width: float, measure: Callable[[str], float]
) -> list[list[str]]:
    """The lines a greedy line breaker makes of ``tokens`` in ``width`` points."""
    lines: list[list[str]] = []
    used = 0.0
    for (piece, _), gap in zip(tokens, _gaps(tokens, measure), strict=True):
        w = measure(piece)
        if lines and used + gap + w <= width + 1e-6:
            lines[-1].append(piece)
            used += gap + w
        else:
            lines.append([piece])
            used = w
    return lines


def _lone(lines: list[list[str]]) -> bool:
    """A line of one CJK character in a header of several lines (`线上组织生` / `活`)."""
    return len(lines) > 1 and any(
        len(line) == 1 and len(CJK.sub("", line[0])) == 0 and len(line[0]) == 1 for line in lines
    )


def header_fit(text: str, lines: int, measure: Callable[[str], float]) -> float:
    """The narrowest width (points, without the cell's margins) that sets ``text`` in at
    most ``lines`` lines with no word broken and no character alone on a line."""
    tokens = _tokens(text)
    if not tokens:
        return 0.0
    widths = [measure(p) for p, _ in tokens]
    gaps = _gaps(tokens, measure)
    candidates = sorted(
        w
        for w in {
            sum(widths[a:b]) + sum(gaps[a + 1 : b])
            for a, b in itertools.combinations(range(len(tokens) + 1), 2)
        }
        if w >= max(widths)  # no word wider than its line
    )
    for width in candidates:
        wrapped = _wrap(tokens, width, measure)
        if len(wrapped) <= lines and not _lone(wrapped):
            return width
    return candidates[-1]


def column_widths(
    rows: Sequence[Sequence[str]], size: float, avail: float, latin: float = 0.64
) -> list[float]:
    """Widths in points of a table's columns (``rows[0]`` the header) that together span
    ``avail`` points, for text at ``size`` points whose Latin letters are ``latin`` em."""
    cols = len(rows[0])
    head = [rows[0][c] for c in range(cols)]
    body_rows = rows[1:]

    def measure(value: str) -> float:
        return text_width(value, size, latin) + autospace(value, size)

    def bold(value: str) -> float:
        return text_width(value, DRAWN * size, BOLD * latin / DRAWN) + autospace(value, size)

    def figure(value: str) -> float:
        # a figure is never wrapped: % measured as a full em
        face = max(latin, 0.572)  # a CJK face's digits drawn by another face are wider
        return text_width(value.replace("%", "％"), size, face) + autospace(value, size)

    def widest(c: int, body_only: bool) -> float:
        cells = [r[c] for r in (body_rows if body_only else rows) if c < len(r)]
        return max([0.0, *(measure(line) for v in cells for line in v.split("\n"))])

    def widest_safe(c: int) -> float:
        # a short text (a date, a name) measured as a figure is, so that it stays on its line
        cells = [r[c] for r in body_rows if c < len(r)]
        return max([0.0, *(figure(line) for v in cells for line in v.split("\n"))])

    def longest_word(c: int) -> float:
        cells = [r[c] for r in body_rows if c < len(r)]
        return max([0.0, *(measure(w) for v in cells for w in re.findall(r"[!-~]+", v))])

    figures = [
        all(AMOUNT.match(r[c]) or not r[c] for r in body_rows if c < len(r)) for c in range(cols)
    ]
    text = [c for c in range(cols) if not figures[c]]
    body = [
        max([0.0, *(figure(r[c]) for r in body_rows if c < len(r))])
        if figures[c]
        else widest(c, True)
        for c in range(cols)
    ]
    # a Latin word of the header is never broken
    words = [max([0.0, *(bold(w) for w in re.findall(r"[!-~]+", h))]) for h in head]
    natural = [max(widest(c, False), 2 * size) + PAD for c in range(cols)]
    plan, comfort, crowded = _simple(rows, size, avail, figures, body, words, natural, bold)

    def ems(c: int, count: int) -> float:
        # ``count`` characters of the column's text: a CJK character says what about
        # two Latin letters do (measured wide, so a little less than two)
        cells = "".join(r[c] for r in body_rows if c < len(r))
        cjk = len(CJK.findall(cells))
        if 2 * cjk >= len(cells.replace(" ", "")):
            return count * size
        return 1.6 * count * latin * size

    lo = [
        PAD
        + max(
            body[c] if figures[c] else max(min(widest_safe(c), ems(c, READABLE)), longest_word(c)),
            words[c],
            header_fit(h, 3, bold),
        )
        for c, h in enumerate(head)
    ]
    name = {c: max(lo[c], min(natural[c], ems(c, NAME) + PAD)) for c in text}
    if (
        not crowded
        and all(plan[c] >= lo[c] - 0.5 for c in range(cols))
        and all(plan[c] >= name[c] - 0.5 for c in text)
    ):
        widths = plan
    else:
        if sum(lo) >= avail:
            # too many columns (the template should split the table): the text columns
            # that wrap anyway give way first, down to four characters; then every column
            ordered = list(lo)
            least = {
                c: PAD + max(4 * size, longest_word(c), words[c], header_fit(head[c], 3, bold))
                for c in text
                if body[c] > lo[c] - PAD
            }
            spare = sum(max(0.0, lo[c] - w) for c, w in least.items())
            share = min(1.0, (sum(lo) - avail) / spare) if spare else 0.0
            for c, w in least.items():
                ordered[c] -= share * max(0.0, lo[c] - w)
            ordered = [w * avail / sum(ordered) for w in ordered]
        else:
            two = [PAD + max(body[c], words[c], header_fit(h, 2, bold)) for c, h in enumerate(head)]
            ordered = list(lo)
            room = avail - sum(ordered)
            for targets in (
                name,
                {c: two[c] for c in range(cols) if figures[c]},
                {c: max(two[c], comfort[c]) for c in range(cols) if figures[c]},
                {c: natural[c] for c in text},
            ):
                room = _fill(ordered, targets, room)
            _share(ordered, text or list(range(cols)), natural, room)
        # the simpler rule's widths stay where they make no more lines
        lines = _line_counter(body_rows, cols, measure)
        widths = plan if lines(plan) <= lines(ordered) else ordered
    _no_lone_header(widths, head, body, words, figures, natural, bold, size)
    return widths


def _line_counter(
    body_rows: Sequence[Sequence[str]], cols: int, measure: Callable[[str], float]
) -> Callable[[list[float]], int]:
    """How many lines the body rows take at given widths (each row as tall as its tallest
    cell; a cell's lines estimated from its measured width)."""
    cells = [
        [[measure(line) for line in r[c].split("\n")] if c < len(r) else [] for c in range(cols)]
        for r in body_rows
    ]

    def count(widths: list[float]) -> int:
        room = [max(1.0, w - PAD) for w in widths]
        return sum(
            max(
                [
                    1,
                    *(
                        sum(max(1, math.ceil(w / room[c] - 1e-6)) for w in row[c])
                        for c in range(cols)
                    ),
                ]
            )
            for row in cells
        )

    return count


def _fill(widths: list[float], targets: dict[int, float], room: float) -> float:
    """Widen columns towards their targets, in proportion to what each lacks; the room left."""
    need = {c: max(0.0, t - widths[c]) for c, t in targets.items()}
    total = sum(need.values())
    if total <= 0 or room <= 0:
        return room
    share = min(1.0, room / total)
    for c, n in need.items():
        widths[c] += n * share
    return room - total * share


def _share(widths: list[float], cols: list[int], natural: list[float], room: float) -> None:
    """Give ``room`` to ``cols`` in proportion to how much each holds."""
    weight = sum(natural[c] for c in cols) or 1.0
    for c in cols:
        widths[c] += room * natural[c] / weight


def _no_lone_header(
    widths: list[float],
    head: list[str],
    body: list[float],
    words: list[float],
    figures: list[bool],
    natural: list[float],
    bold: Callable[[str], float],
    size: float,
) -> None:
    """A figure column whose header could leave one character on its last line
    (`线上组织生` / `活`) is narrowed to balanced lines (`线上组` / `织生活`); the text
    columns take the width freed. One held wide by its figures takes a line fewer
    (`书记参训` on one line, not `书记参` / `训`) when the text columns have room to spare.

    The line breaks are judged twice, as measured (bold, the margins as set) and as a
    renderer may draw them (an em a character, a point of tolerance): a width between
    the two would break one way in LibreOffice and the other in Word."""
    text = [c for c in range(len(widths)) if not figures[c]]
    if not text:
        return

    def drawn(value: str) -> float:
        return sum(size if CJK.match(ch) else bold(ch) for ch in value)

    for c, h in enumerate(head):
        if not figures[c]:
            continue
        tokens = _tokens(h)
        lines = _wrap(tokens, widths[c] - PAD, bold)
        if not _lone(lines) and not _lone(_wrap(tokens, widths[c] - PAD + 2.2, drawn)):
            continue
        narrow = PAD + max(body[c], words[c], header_fit(h, len(lines), bold))
        if narrow < widths[c] and not _lone(_wrap(tokens, narrow - PAD + 2.2, drawn)):
            freed, widths[c] = widths[c] - narrow, narrow
            lacking = [k for k in text if natural[k] > widths[k]]
            _share(widths, lacking or text, natural, freed)
        elif len(lines) > 1:
            # its figures hold it too wide: a line fewer, if the text columns can spare it
            wide = PAD + max(body[c], words[c], header_fit(h, len(lines) - 1, bold))
            slack = {k: widths[k] - natural[k] for k in text if widths[k] > natural[k]}
            need = wide - widths[c]
            if 0 < need <= sum(slack.values()):
                for k, spare in slack.items():
                    widths[k] -= need * spare / sum(slack.values())
                widths[c] = wide


def _simple(
    rows: Sequence[Sequence[str]],
    size: float,
    avail: float,
    figures: list[bool],
    body: list[float],
    words: list[float],
    natural: list[float],
    bold: Callable[[str], float],
) -> tuple[list[float], list[float], bool]:
    """The simpler rule: figures and short words as wide as their header (two lines when
    longer than five characters), text columns share the rest by how much they hold.

    Returns the widths, each figure column's comfortable width, and whether the
    text columns could not get even their headers' width (a crowded table: the text
    columns then share what the figures leave, by their headers' width)."""
    cols = len(rows[0])
    header = [bold(h) for h in rows[0]]
    # a header may wrap to two lines, never character by character
    floor = [
        max(min(header[c], max(5 * size, header[c] / 2)), 2 * size, words[c]) + PAD
        for c in range(cols)
    ]
    short = [figures[c] or body[c] <= 6 * size for c in range(cols)]
    comfort = [max(floor[c], body[c] + PAD) for c in range(cols)]
    widths = [comfort[c] if short[c] else natural[c] for c in range(cols)]
    # the room goes to the long texts, else to any words, else to every column
    flex = (
        [c for c in range(cols) if not short[c]]
        or [c for c in range(cols) if not figures[c]]
        or list(range(cols))
    )
    if len(flex) > 1:  # a modest text column (依据) keeps its lines; the widest wraps
        widest_col = max(flex, key=lambda k: natural[k])
        for c in list(flex):
            if c != widest_col and natural[c] <= 0.3 * avail:
                widths[c] = natural[c]
                flex.remove(c)
    room = avail - sum(widths[c] for c in range(cols) if c not in flex)
    if room < sum(floor[c] for c in flex):
        # too many figures: figures keep their width (a wrapped amount misleads),
        # the text columns share what is left by their floors
        words_cols = [c for c in range(cols) if not figures[c]]
        left = avail - sum(widths[c] for c in range(cols) if figures[c])
        want = sum(floor[c] for c in words_cols)
        if words_cols and left >= 2 * size * len(words_cols):
            for c in words_cols:
                widths[c] = left * floor[c] / want
        else:
            widths = [w * avail / sum(widths) for w in widths]
        return widths, comfort, True
    weight = sum(natural[c] for c in flex) or 1.0
    for c in flex:
        widths[c] = room * natural[c] / weight
    # a flex column narrower than its floor borrows from the widest
    for c in flex:
        if widths[c] < floor[c]:
            donor = max(flex, key=lambda k: widths[k])
            widths[donor] -= floor[c] - widths[c]
            widths[c] = floor[c]
    return widths, comfort, False
