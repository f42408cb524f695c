"""Record-level differences: what a change did to each field of a record.

Two parsed TOML documents are flattened to dotted keys (``committee.elected``);
scalars change from a value to another, lists gain and lose items (an array of
tables such as ``[[dues]]`` gains and loses whole rows). This is what a clerk
reviewing a merge request wants instead of TOML line diffs.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from ..i18n import _
from ..output import plain

ADDED = "added"
REMOVED = "removed"
RENAMED = "renamed"
CHANGED = "changed"
KINDS = (ADDED, REMOVED, RENAMED, CHANGED)


@dataclass
class FieldChange:
    """One field's change: ``before`` -> ``after``, or list items added/removed."""

    field: str
    before: Any = None
    after: Any = None
    added: list[Any] = field(default_factory=list)
    removed: list[Any] = field(default_factory=list)
    is_list: bool = False

    def as_dict(self) -> dict[str, Any]:
        if self.is_list:
            return {
                "field": self.field,
                "added": plain(self.added),
                "removed": plain(self.removed),
            }
        return {"field": self.field, "before": plain(self.before), "after": plain(self.after)}

    def text(self) -> str:
        if self.is_list:
            parts = [f"+{show(v)}" for v in self.added] + [f"-{show(v)}" for v in self.removed]
            return f"{self.field}: {', '.join(parts)}"
        return f"{self.field}: {show(self.before)} → {show(self.after)}"


@dataclass
class RecordChange:
    """One record added, removed, renamed or changed, with its field changes."""

    change: str
    path: str
    old_path: str | None = None
    fields: list[FieldChange] = field(default_factory=list)
    #: the file could not be parsed on one side: fields are not known
    unreadable: bool = False

    def as_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"change": self.change, "path": self.path}
        if self.old_path is not None:
            d["old_path"] = self.old_path
        d["fields"] = [f.as_dict() for f in self.fields]
        if self.unreadable:
            d["unreadable"] = True
        return d


def flatten(doc: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested tables as dotted keys; lists (also arrays of tables) stay values."""
    out: dict[str, Any] = {}
    for key, value in doc.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            out.update(flatten(value, name + "."))
        else:
            out[name] = value
    return out


def field_changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[FieldChange]:
    """Every field that differs between two documents, in key order."""
    old = flatten(before or {})
    new = flatten(after or {})
    out: list[FieldChange] = []
    for key in sorted(old.keys() | new.keys()):
        a, b = old.get(key), new.get(key)
        if _same(a, b):
            continue
        if isinstance(a or b, list) and isinstance(a or [], list) and isinstance(b or [], list):
            added, removed = _list_delta(a or [], b or [])
            out.append(FieldChange(key, a, b, added, removed, is_list=True))
            continue
        out.append(FieldChange(key, a, b))
    return out


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


def _canon(value: Any) -> str:
    return json.dumps(plain(value), sort_keys=True, ensure_ascii=False, default=str)


def _identical(a: Any, b: Any) -> bool:
    """Equal, and of the same types all the way down (so of one canonical form)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_identical(v, b[k]) for k, v in a.items())
    if isinstance(a, list):
        return len(a) == len(b) and all(_identical(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _list_delta(a: list[Any], b: list[Any]) -> tuple[list[Any], list[Any]]:
    """Items of ``b`` not in ``a`` and items of ``a`` not in ``b`` (as multisets)."""
    # the items both lists begin with match each other: a row added to a member's
    # many dues rows leaves them all alike, and their canonical forms unmade
    same = 0
    while same < len(a) and same < len(b) and _identical(a[same], b[same]):
        same += 1
    a, b = a[same:], b[same:]
    a_canon = [_canon(v) for v in a]  # once each: a member's dues rows are many
    b_canon = [_canon(v) for v in b]
    left = Counter(a_canon)
    right = Counter(b_canon)
    added: list[Any] = []
    removed: list[Any] = []
    seen: Counter[str] = Counter()
    for v, c in zip(b, b_canon, strict=True):
        seen[c] += 1
        if seen[c] > left[c]:
            added.append(v)
    seen.clear()
    for v, c in zip(a, a_canon, strict=True):
        seen[c] += 1
        if seen[c] > right[c]:
            removed.append(v)
    return added, removed


def show(value: Any) -> str:
    """A value as a clerk would write it in TOML (absent values as ``(none)``)."""
    if value is None:
        return _("(none)")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (date, datetime, time)):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(show(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {show(v)}" for k, v in value.items()) + "}"
    return str(value)
