"""The well-formed record's path: one builder per kind, written out from the schema.

:class:`schema.Builder` reads any table, however wrong, and says every problem it
meets; it pays for that on every field of every file (a lookup of the field's
spec, a test of its kind, a call per row): about a third of a cold load of a
county. Nearly every file is well formed, and for those the work is known
beforehand from the schema alone. So each spec of :data:`schema.SPECS` is turned
into a Python function (as ``dataclasses`` writes ``__init__``) that takes each
field by name, tests its type in line and calls the model's class with its
values in order; the moment anything is not plainly well formed (a field it does
not know, a wrong type, a value outside its choices or dates, a missing required
field, a settings table), it gives up and returns None, and the caller builds
the record with :class:`schema.Builder` as before. A record it returns is
therefore the one the Builder makes (same values, strings interned and dates
shared alike) with no problems; ``tests/records/test_fast_build.py`` compares the
two on every sample, synthetic and mutated file.

It also counts what ``parse``'s limits count (keys and items, tables): a document
it builds is one whose containers are all the schema's, nested at most four deep,
so within the limits exactly when the counts are; a record past them is left to
the checked path, which refuses it with ``E-TOO-BIG``. The limits' own walk of the
document is then not needed for the well-formed files.

Nothing of the records repository is ever run: the code is written from the
package's own schema (names as ``repr`` literals), once per process and kind
(:data:`WRITE_FROM`: a small repository is not worth the writing).
"""

from __future__ import annotations

import dataclasses
import math
import sys
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from . import layout
from . import model as m
from . import schema as s
from .parse import MAX_DEPTH, MAX_TABLES, MAX_VALUES

#: a builder: (table, counts [values, tables], fixed fields) -> record or None
Fast = Callable[[dict[str, Any], list[int], dict[str, Any]], Any]

_MISSING = object()

#: the deepest nesting a fast-built document can have (record, rows, row, strings)
_DEPTH = 4
assert _DEPTH < MAX_DEPTH


def _field_code(i: int, f: s.Field, env: dict[str, Any], subs: dict[int, str]) -> list[str]:
    """Lines that check the raw value ``x`` of field ``i`` and set ``v{i}``."""
    v = f"v{i}"
    choices = ""
    if f.choices is not None:
        env[f"CH{i}"] = f.choices
        choices = f" or x not in CH{i}"
    kind = f.type
    if kind == s.STR:
        return [
            f"if type(x) is not str{choices}: return None",
            f"{v} = intern(x) if len(x) <= SHARE else x",
        ]
    if kind == s.DATE:
        return [
            "if type(x) is not date or not EARLIEST <= x <= LATEST: return None",
            f"{v} = share_date(x, x)",
        ]
    if kind == s.BOOL:
        return ["if type(x) is not bool: return None", f"{v} = x"]
    if kind == s.INT:
        return [f"if type(x) is not int{choices}: return None", f"{v} = x"]
    if kind == s.MONEY:  # an amount seen before, else ``money`` (which keeps it)
        return [
            f"{v} = amounts.get(x) if type(x) is str else None",
            f"if {v} is None:",
            f"    {v} = money(x)",
            f"    if {v} is None: return None",
        ]
    if kind == s.STRS:
        return [
            "if type(x) is not list: return None",
            "c[0] += len(x)",
            f"{v} = []",
            "for y in x:",
            "    if type(y) is not str: return None",
            f"    {v}.append(intern(y) if len(y) <= SHARE else y)",
        ]
    if kind == s.ROW:
        return [
            "if type(x) is not dict: return None",
            "c[1] += 1",
            f"{v} = {subs[i]}(x, c, NOTHING)",
            f"if {v} is None: return None",
        ]
    if kind == s.ROWS:
        return [
            "if type(x) is not list: return None",
            "c[0] += len(x)",
            "c[1] += len(x)",  # each row a table
            f"{v} = []",
            "for y in x:",
            "    if type(y) is not dict: return None",
            f"    y = {subs[i]}(y, c, NOTHING)",
            "    if y is None: return None",
            f"    {v}.append(y)",
        ]
    if kind == s.STARS:
        return [
            "if type(x) is not dict: return None",
            "c[0] += len(x)",
            "c[1] += 1",
            f"{v} = {{}}",
            "for k, y in x.items():",
            "    if not is_year(k) or type(y) is not int or not 1 <= y <= 5: return None",
            f"    {v}[k] = y",
        ]
    if kind == s.HOURS:
        return [
            "if type(x) is int and 0 <= x <= MAX_HOURS:",
            f"    {v} = Decimal(x)",
            "elif type(x) is float and isfinite(x) and 0 <= x <= MAX_HOURS:",
            f"    {v} = Decimal(repr(x))",
            "else: return None",
        ]
    if kind == s.DATES:
        return [
            "if type(x) is list:",
            "    c[0] += len(x)",
            "else:",
            "    x = (x,)",
            f"{v} = []",
            "for y in x:",
            "    if type(y) is not date or not EARLIEST <= y <= LATEST: return None",
            f"    {v}.append(y)",
        ]
    # a free table (the settings' [rules]...): any shape, left to the Builder and
    # the limits' walk
    return ["return None"]


def compile_spec(spec: s.Spec, fixed: tuple[str, ...] = ()) -> Fast:
    """The fast builder of ``spec``; ``fixed`` names the fields the caller gives
    (a record's path and id, and what its place says, ``repository._FIXED``).
    Each builder counts its table's keys; the caller counts it as a table."""
    env: dict[str, Any] = {
        "intern": sys.intern,
        "SHARE": s.SHARE_UP_TO,
        "date": date,
        "EARLIEST": s.EARLIEST,
        "LATEST": s.LATEST,
        "share_date": s._DATES.setdefault,
        "money": s.money,
        "amounts": s._AMOUNTS,
        "Decimal": Decimal,
        "isfinite": math.isfinite,
        "MAX_HOURS": s.MAX_HOURS,
        "is_year": layout.YEAR.match,
        "NOTHING": {},
        "MISSING": _MISSING,
        "cls": spec.cls,
    }
    model = dataclasses.fields(spec.cls)
    known = {fd.name for fd in model}
    attrs = {f.attr or name: i for i, (name, f) in enumerate(spec.fields.items())}
    if not set(attrs) <= known or not set(fixed) <= known:  # pragma: no cover - our bug
        raise RuntimeError(f"schema of {spec.cls.__name__} does not fit its model")
    # what each of the model's fields is when the table does not give it
    defaults: dict[str, str] = {}
    for j, fd in enumerate(model):
        if fd.name in fixed:
            defaults[fd.name] = f"fixed[{fd.name!r}]"
        elif fd.default is not dataclasses.MISSING:
            env[f"D{j}"] = fd.default
            defaults[fd.name] = f"D{j}"
        elif fd.default_factory is not dataclasses.MISSING:
            env[f"D{j}"] = fd.default_factory
            defaults[fd.name] = f"D{j}()"
        else:  # pragma: no cover - path and id are always fixed
            raise RuntimeError(f"{spec.cls.__name__}.{fd.name} has no default")
    subs: dict[int, str] = {}
    lines = ["def build(data, c, fixed):", "    n = 0"]
    for i, (name, f) in enumerate(spec.fields.items()):
        if f.sub is not None:
            subs[i] = f"SUB{i}"
            env[subs[i]] = compile_spec(f.sub)
        lines.append(f"    x = data.get({name!r}, MISSING)")
        lines.append("    if x is MISSING:")
        if f.required:
            lines.append("        return None")
        else:
            lines.append(f"        v{i} = {defaults[f.attr or name]}")
        lines.append("    else:")
        lines.append("        n += 1")
        lines += ["        " + line for line in _field_code(i, f, env, subs)]
    lines.append("    if n != len(data): return None")  # a field the spec does not know
    lines.append("    c[0] += n")
    args = [f"v{attrs[fd.name]}" if fd.name in attrs else defaults[fd.name] for fd in model]
    lines.append(f"    return cls({', '.join(args)})")
    exec("\n".join(lines), env)  # code written from the package's own schema
    return env["build"]


def _compile(kind: str) -> Fast:
    from .repository import _FIXED

    fixed = ("path", "id")
    if kind in _FIXED:
        fixed += tuple(_FIXED[kind](layout.Location(kind, "2000", "2000")))
    return compile_spec(s.SPECS[kind], fixed)


#: the builders written so far, by kind
_BUILDERS: dict[str, Fast] = {}
#: files of each kind built by the Builder while its fast builder is not written
_SEEN: dict[str, int] = {}
#: a kind's builder is written once this many of its files were read (writing
#: them all costs ~20 ms: more than a small repository's whole build saves)
WRITE_FROM = 256


def prepare() -> None:
    """Write every kind's builder now (before a large load forks its workers, so
    that they inherit them)."""
    for kind in s.SPECS:
        if kind not in _BUILDERS:
            _BUILDERS[kind] = _compile(kind)


def fast_record(kind: str, doc: dict[str, Any], fixed: dict[str, Any]) -> m.Record | None:
    """The record of a well-formed, parsed ``doc`` of ``kind`` with the ``fixed``
    fields, as :class:`schema.Builder` makes it with no problems; None if the
    document is anything but plainly well formed or is past ``parse``'s limits
    (the Builder and the limits' walk then decide), or if few files of its kind
    were read yet."""
    build = _BUILDERS.get(kind)
    if build is None:
        seen = _SEEN[kind] = _SEEN.get(kind, 0) + 1
        if seen < WRITE_FROM:
            return None
        build = _BUILDERS[kind] = _compile(kind)
    counts = [0, 1]
    try:
        record = build(doc, counts, fixed)
    except Exception:  # untrusted input: the checked path says what is wrong
        return None
    if record is None or counts[0] > MAX_VALUES or counts[1] > MAX_TABLES:
        return None
    return record
