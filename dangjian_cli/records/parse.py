"""Reading a record's bytes into a TOML document, and finding lines on demand.

``tomllib`` does the parsing (about 7x faster than tomlkit here); it keeps no
positions, so :func:`locate` finds the line of a key by a light scan of the text,
run only for files that have a problem to report.
"""

from __future__ import annotations

import re
import tomllib
from typing import Any

from ..problems import Key, Problem, error

BOM = b"\xef\xbb\xbf"
_AT = re.compile(r"\(at line (\d+), column (\d+)\)")
_AT_END = "(at end of document)"


def decode(path: str, data: bytes) -> tuple[str | None, Problem | None]:
    """UTF-8 text of a record, or the problem that stops it being read."""
    if data.startswith(BOM):
        return None, error(
            "E-ENCODING",
            path,
            "file starts with a UTF-8 byte-order mark",
            line=1,
            hint="save it as UTF-8 without BOM",
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, error(
            "E-ENCODING",
            path,
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x})",
            line=line,
            hint="records are UTF-8; a GBK file must be re-saved as UTF-8",
        )
    return text, None


def parse(path: str, data: bytes) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The TOML document in ``data``, or the problems that stop it being read."""
    text, problem = decode(path, data)
    if problem is not None:
        return None, [problem]
    assert text is not None
    if not text.strip():
        return None, [error("E-EMPTY", path, "file is empty", line=1)]
    try:
        return tomllib.loads(text), []
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        line = column = None
        m = _AT.search(msg)
        if m:
            line, column = int(m.group(1)), int(m.group(2))
            msg = msg[: m.start()].rstrip()
        elif _AT_END in msg:
            line = text.count("\n") + (0 if text.endswith("\n") else 1)
            msg = msg.replace(_AT_END, "").rstrip() + " at end of file"
        return None, [error("E-TOML", path, f"TOML syntax: {msg}", line=line, column=column)]


_HEADER = re.compile(r"\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_ASSIGN = re.compile(
    r"\s*((?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*'))*)\s*="
)
_KEYPART = re.compile(r"[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*'")


def _split_key(raw: str) -> tuple[str, ...]:
    return tuple(p.strip("\"'") for p in _KEYPART.findall(raw))


def key_lines(text: str) -> list[tuple[int, Key]]:
    """(line, key path) of every table header and assignment that opens a line.

    Lines inside multi-line strings and arrays are skipped, so a minutes text that
    happens to contain ``x = 1`` is not taken for a key.
    """
    out: list[tuple[int, Key]] = []
    context: Key = ()
    array_counts: dict[Key, int] = {}
    in_string: str | None = None
    depth = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if in_string:
            if in_string in line:
                in_string = None
            continue
        if depth > 0:
            depth += _bracket_balance(line)
            continue
        header = _HEADER.match(line)
        if header and not _ASSIGN.match(line):
            names = _split_key(header.group(2))
            if header.group(1) == "[[":
                index = array_counts.get(names, 0)
                array_counts[names] = index + 1
                context = (*names, index)
            else:
                context = _with_indices(names, array_counts)
            out.append((number, context))
            continue
        assign = _ASSIGN.match(line)
        if assign:
            out.append((number, context + _split_key(assign.group(1))))
            rest = line[assign.end() :]
            for quote in ('"""', "'''"):
                if rest.count(quote) == 1:
                    in_string = quote
            if in_string is None:
                depth = max(0, _bracket_balance(rest))
    return out


def _with_indices(names: tuple[str, ...], array_counts: dict[Key, int]) -> Key:
    """``[dues.extra]`` under the third ``[[dues]]`` is ``("dues", 2, "extra")``."""
    out: list[str | int] = []
    for i in range(len(names)):
        out.append(names[i])
        count = array_counts.get(names[: i + 1])
        if count and i < len(names) - 1:
            out.append(count - 1)
    return tuple(out)


def _bracket_balance(fragment: str) -> int:
    balance = 0
    in_str: str | None = None
    for ch in fragment:
        if in_str:
            if ch == in_str:
                in_str = None
        elif ch in "\"'":
            in_str = ch
        elif ch == "#":
            break
        elif ch in "[{":
            balance += 1
        elif ch in "]}":
            balance -= 1
    return balance


def locate(text: str, key: Key) -> int:
    """Line of the longest prefix of ``key`` that the file spells out; 1 if none."""
    best_line, best_len = 1, 0
    for number, path in key_lines(text):
        n = _common_prefix(path, key)
        if n == len(path) and n > best_len:
            best_line, best_len = number, n
            if n == len(key):
                break
    return best_line


def _common_prefix(a: Key, b: Key) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n
