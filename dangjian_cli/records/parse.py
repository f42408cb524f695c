"""Reading a record's bytes into a TOML document, and finding lines on demand.

tomli's compiled build does the parsing: the parser the standard library's
``tomllib`` was made from, with the same results and the same error messages,
compiled with mypyc (about 3.5x the speed of ``tomllib``, 20x that of tomlkit).
It is held below 2.4, which reads TOML 1.1 (trailing commas and newlines in
inline tables, ``\\x`` escapes, times without seconds): records stay TOML 1.0, as
every clerk's other tools read them.
Where no compiled wheel exists the pure-Python tomli or ``tomllib`` serves, with
the same results. A Rust parser (rtoml) is 2.5x faster again, but it reads
documents that TOML 1.0 refuses (a trailing comma or a newline in an inline
table, a time without seconds, an escape like ``\\x41``), so a record it accepts could
differ from what every other TOML reader sees: it is not used. The parser keeps
no positions, so :func:`locate` finds the line of a key by a light scan of the
text, run only for files that have a problem to report.

:func:`parse` is the one way a record is read, everywhere in the package.

A records repository is untrusted input: whatever the parser raises on a file
(its own decode error, ``ValueError`` for an integer of more than 4,300 digits,
``RecursionError`` for arrays nested thousands deep...) becomes an ``E-TOML``
problem naming the file, and a record past the :data:`LIMITS` (bytes, keys,
tables, nesting) is refused whole with ``E-TOO-BIG`` before anything else reads
it, so that no check, diff or output ever walks a pathological document.
"""

from __future__ import annotations

import re
from typing import Any

try:  # the compiled wheel where one exists; the same parser as tomllib either way
    import tomli as _toml
except ImportError:  # pragma: no cover - tomli is a dependency
    import tomllib as _toml

from ..i18n import Message, say
from ..problems import Key, Problem, error
from .store import MAX_BYTES

BOM = b"\xef\xbb\xbf"

#: the parser: its ``loads`` and the error it raises for what it cannot read (any
#: other exception it raises is caught too, so another parser module fits here)
_loads = _toml.loads
_DecodeError: type[Exception] = _toml.TOMLDecodeError
#: for TOML a clerk hands in that is not a record (a column map): the same parser
loads = _toml.loads
DecodeError: type[Exception] = _toml.TOMLDecodeError

#: the most keys and array items in one record, at every level (a member with
#: 10 years of monthly dues rows has ~380; a ledger of 2,000 entries ~16,000)
MAX_VALUES = 20_000
#: the most tables in one record, inline tables and ``[[rows]]`` included (10
#: years of monthly dues: 121; the sample's largest ledger: 11 entries)
MAX_TABLES = 2_000
#: the deepest nesting of tables and arrays (real records: 3)
MAX_DEPTH = 16
_AT = re.compile(r"\(at line (\d+), column (\d+)\)")
_AT_END = "(at end of document)"


def decode(path: str, data: bytes) -> tuple[str | None, Problem | None]:
    """UTF-8 text of a record, or the problem that stops it being read."""
    if data.startswith(BOM):
        return None, error(
            "E-ENCODING",
            path,
            say("file starts with a UTF-8 byte-order mark"),
            line=1,
            hint=say("save it as UTF-8 without BOM"),
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, error(
            "E-ENCODING",
            path,
            say("not valid UTF-8 (byte 0x{byte})", byte=format(data[exc.start], "02x")),
            line=line,
            hint=say("records are UTF-8; a GBK file must be re-saved as UTF-8"),
        )
    return text, None


def parse(path: str, data: bytes) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The TOML document in ``data``, or the problems that stop it being read.

    Never raises: whatever the parser or the limits refuse is one problem.
    """
    text, doc, problems = parse_unlimited(path, data)
    if doc is None:
        return None, problems
    assert text is not None
    problems = limits(path, text, doc)
    return (None, problems) if problems else (doc, [])


def parse_unlimited(
    path: str, data: bytes
) -> tuple[str | None, dict[str, Any] | None, list[Problem]]:
    """The text and TOML document in ``data`` (or the problems that stop it being
    read) with the limits (keys, tables, nesting) not checked yet: :func:`limits` must judge the
    document before anything else reads it, unless the caller knows it is within
    them (``records.fast`` counts as it builds)."""
    if len(data) > MAX_BYTES:
        return None, None, [_too_big(path, larger_than())]
    text, problem = decode(path, data)
    if problem is not None:
        return None, None, [problem]
    assert text is not None
    if not text or text.isspace():  # (strip would copy every file once more)
        return text, None, [error("E-EMPTY", path, say("file is empty"), line=1)]
    try:
        doc = _loads(text)
    except _DecodeError as exc:
        return text, None, [_syntax(path, text, exc)]
    except RecursionError:
        return (
            text,
            None,
            [error("E-TOML", path, say("values nested too deeply to read"), line=_deep_line(text))],
        )
    except Exception as exc:  # untrusted input: any failure is the file's
        return text, None, [_unreadable(path, text, exc)]
    return text, doc, []


def limits(path: str, text: str, doc: dict[str, Any]) -> list[Problem]:
    """The problem of a parsed document past the limits ([] if within them)."""
    why = _over_limits(doc)  # ~8% of the parse's own cost
    if why:
        line = _deep_line(text) if "deep" in why.template else 1
        return [_too_big(path, why, line)]
    return []


def _syntax(path: str, text: str, exc: Exception) -> Problem:
    msg = str(exc)
    line = column = None
    m = _AT.search(msg)
    if m:
        line, column = int(m.group(1)), int(m.group(2))
        msg = msg[: m.start()].rstrip()
    elif _AT_END in msg:
        line = text.count("\n") + (0 if text.endswith("\n") else 1)
        msg = msg.replace(_AT_END, "").rstrip()
        return error("E-TOML", path, say("TOML syntax: {why} at end of file", why=msg), line=line)
    return error("E-TOML", path, say("TOML syntax: {why}", why=msg), line=line, column=column)


_LONG_NUMBER = re.compile(r"[0-9_]{4000,}")


def _unreadable(path: str, text: str, exc: Exception) -> Problem:
    """A parser failure other than a syntax error, said in the clerk's terms."""
    found = _LONG_NUMBER.search(text)
    if isinstance(exc, ValueError) and found:
        line = text.count("\n", 0, found.start()) + 1
        return error("E-TOML", path, say("number too long to read (over 4,000 digits)"), line=line)
    detail = str(exc).splitlines()[0][:120] if str(exc) else ""
    what = type(exc).__name__ + (f": {detail}" if detail else "")
    return error("E-TOML", path, say("cannot read as TOML ({why})", why=what), line=1)


def _deep_line(text: str) -> int:
    """The line where brackets first nest past :data:`MAX_DEPTH` (1 if none does)."""
    depth = 0
    line = 1
    for ch in text:
        if ch == "\n":
            line += 1
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return line
        elif ch in "]}":
            depth = max(0, depth - 1)
    return 1


def larger_than() -> Message:
    """Why a file past :data:`MAX_BYTES` is refused."""
    return say("file is larger than {mib} MiB", mib=MAX_BYTES // (1024 * 1024))


def _too_big(path: str, why: Message, line: int = 1) -> Problem:
    return error(
        "E-TOO-BIG",
        path,
        say("{why}; refused", why=why),
        line=line,
        hint=say("a record this large is not a real record: split it or remove what was added"),
    )


def _over_limits(doc: dict[str, Any]) -> Message | None:
    """Why a parsed document is past the limits, or None (one walk, no recursion)."""
    values = 0
    tables = 1
    todo: list[tuple[Any, int]] = [(doc, 1)]
    while todo:
        node, depth = todo.pop()
        items = node.values() if type(node) is dict else node
        values += len(node)
        for value in items:
            t = type(value)
            if t is dict or t is list:
                if depth >= MAX_DEPTH:
                    return say("values nested more than {n} deep", n=MAX_DEPTH)
                if t is dict:
                    tables += 1
                todo.append((value, depth + 1))
        if values > MAX_VALUES:
            return say("more than {n} keys and values", n=format(MAX_VALUES, ","))
        if tables > MAX_TABLES:
            return say("more than {n} tables", n=format(MAX_TABLES, ","))
    return None


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
    return Locator(text).line(key)


class Locator:
    """Lines of many keys of one file: the text is scanned once, and each key then
    costs a few lookups (locating every problem of a file with thousands of them
    was quadratic: 27 s for 2,000)."""

    def __init__(self, text: str) -> None:
        self._first: dict[Key, int] = {}
        for number, path in key_lines(text):
            self._first.setdefault(path, number)

    def line(self, key: Key) -> int:
        """Line of the longest prefix of ``key`` spelled out (its first spelling)."""
        first = self._first
        for n in range(len(key), 0, -1):
            found = first.get(key[:n])
            if found is not None:
                return found
        return 1
