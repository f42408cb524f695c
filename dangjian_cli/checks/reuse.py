"""A whole check after a change, from a whole check before it: what the change
cannot touch is kept, the rest is judged again.

Each check says which kinds of record it reads (``Check.reads``: top folders,
the settings, and a member's dues rows apart from the rest of the member) and,
where it judges one record at a time, which kind (``Check.each``). Then:

- a check that reads none of the kinds a change touched finds what it found
  before: its problems are kept;
- a check that judges the records of a kind one by one, where the change
  touched that kind alone among what it reads, is run on the changed records of
  that kind (with the other kinds it reads); its problems on every other record
  are kept;
- any other check is run on the whole.

Checks that share a code are decided together (a kept problem is known by its
code, not by the check that found it). A review of a change spread over a
county (a dues row for members in every branch, a few hundred meetings) thus
runs the meeting checks on its meetings and keeps the rest, where running every
check on the head cost more than the rest of the review (``gitops.local``).
Tests hold each check to its declaration: it reads nothing else, and a check of
one record at a time finds the same on a few records as among all of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from ..problems import Problem
from ..records import layout
from ..records.repository import Records, assemble
from . import Check, Context, registry, run_one

#: the kinds of record a change can touch besides the top folders
SETTINGS, DUES = "settings", "dues"
#: a kind and the parts of its records a check may read apart (dues rows of a member)
_FAMILY = {"members": frozenset({"members", DUES})}


def family(kind: str) -> frozenset[str]:
    """``kind`` and its parts read apart (``members``: the dues too)."""
    return _FAMILY.get(kind, frozenset({kind}))


def kind_of(path: str) -> str | None:
    """The kind of record a path holds: its top folder, or ``settings``; None for
    a file outside the layout (it makes a load problem, and no check reads it)."""
    if path == layout.SETTINGS_FILE:
        return SETTINGS
    top = path.split("/", 1)[0]
    return top if "/" in path and top in layout.FOLDERS else None


def groups() -> list[list[Check]]:
    """The registered checks, those sharing a code in one group, in registry order."""
    checks = registry()
    out: list[list[Check]] = []
    for chk in checks:
        codes = set(chk.codes)
        joined = [g for g in out if any(codes & set(c.codes) for c in g)]
        out = [g for g in out if all(g is not j for j in joined)]
        out.append(sorted([chk, *(c for g in joined for c in g)], key=checks.index))
    out.sort(key=lambda g: checks.index(g[0]))
    return out


def rejudge(
    kept: list[Problem],
    head: Records,
    touched: set[str],
    changed: Mapping[str, set[str]],
    day: date,
) -> list[Problem]:
    """The head's check problems on ``day`` (unlocated, unsorted; no load problems).

    ``kept`` are the checks' problems on the other side of the change, on the
    same day (its load problems taken out); ``touched`` the kinds the change
    touched (:func:`kind_of`, and ``dues`` where a member's dues rows changed);
    ``changed`` the changed paths (either side's) by kind.
    """
    out: list[Problem] = []
    whole: Context | None = None
    narrowed: dict[str, Context] = {}
    for group in groups():
        codes = {code for chk in group for code in chk.codes}
        plan = _plan(group, touched)
        if plan is None:  # judged on the whole head again
            whole = whole or Context(head, day)
            out.extend(p for chk in group for p in run_one(whole, chk))
            continue
        anew = {path for kind in plan for path in changed.get(kind, ())}
        out.extend(p for p in kept if p.code in codes and p.path not in anew)
        for kind, checks in plan.items():
            ctx = narrowed.get(kind)
            if ctx is None:
                reads = frozenset().union(*(chk.reads or () for chk in checks))
                ctx = narrowed[kind] = Context(
                    narrow(head, kind, changed.get(kind, ()), reads), day
                )
            out.extend(p for chk in checks for p in run_one(ctx, chk))
    return out


def _plan(group: list[Check], touched: set[str]) -> dict[str, list[Check]] | None:
    """For each kind whose changed records are judged alone, the checks that judge
    them ({}: keep every problem of the group); None: run the group on the whole."""
    hit = [chk for chk in group if chk.reads is None or chk.reads & touched]
    plan: dict[str, list[Check]] = {}
    for chk in hit:
        if chk.reads is None or chk.each is None or not chk.reads & touched <= family(chk.each):
            return None
        plan.setdefault(chk.each, [])
    for kind in plan:
        # every check of the group reading records of this kind judges them one by one
        readers = [chk for chk in group if chk.reads is None or chk.reads & family(kind)]
        if any(chk.each != kind for chk in readers):
            return None
        plan[kind] = readers
    return plan


def narrow(records: Records, kind: str, keep: Iterable[str], reads: Iterable[str]) -> Records:
    """``records`` with only the ``keep`` records of ``kind`` and whole of the other
    kinds ``reads`` names (and the settings, which every record is read with)."""
    keep = set(keep)
    folders = {k for k in reads if k in layout.FOLDERS} - {kind}
    paths = [p for p in records.listed(kind) if p in keep]
    for folder in sorted({*folders, layout.SETTINGS_FILE}):
        paths.extend(records.listed(folder))
    paths.sort()
    by_path = records.by_path
    found = {p: by_path[p] for p in paths if p in by_path}
    out = assemble(records.store, paths, found, [])
    out.elsewhere = records.elsewhere
    return out
