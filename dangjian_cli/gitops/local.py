"""The head of a change judged from a whole check of its base: what each member's
own file decides is found again for the changed files only.

A change spread over a county (a dues row for members in every branch, meetings
of most orgs retitled) names most orgs, so the scoped check (:mod:`.scope`)
would load and judge nearly the whole county twice; ``review`` then judges the
head whole, the base's problems and findings taken from its snapshot. Most of
that whole judgement is per member, and a million dues rows are its cost: the
checks registered ``local`` (``checks.local_checks``) and the rules of a local
type (``rules.engine.LOCAL_TYPES``) judge each member on its own record (with the
settings, and for rules which orgs exist). For those, the head's answer is the
base's whole answer on the unchanged files, and a judgement of the changed
members alone; everything else is judged on the whole head as before.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from ..problems import Problem
from ..records import layout
from ..records.repository import Records, assemble
from ..rules.engine import Obligation


def head_problems(
    base: list[Problem], head: Records, changed: Iterable[str], day: date
) -> list[Problem]:
    """The head's problems on ``day`` (unlocated, sorted as ``validate`` sorts
    them), from ``base``, a whole check of the base on ``day``, and ``changed``,
    the paths that differ."""
    from ..checks import local_checks, validate

    changed = set(changed)
    codes = {code for chk in local_checks() for code in chk.codes}

    def own(p: Problem) -> bool:  # what a member's own unchanged file decides
        return p.code in codes and p.path not in changed

    out = [p for p in validate(head, day, locate=False, local=False) if not own(p)]
    out.extend(p for p in base if own(p))
    out.extend(validate(_alone(head, changed), day, locate=False, local=True))
    out.sort(key=Problem.sort_key)
    return out


def head_findings(
    base: list[Obligation],
    head: Records,
    changed: Iterable[str],
    as_of: date,
    statuses: Iterable[str],
) -> list[Obligation] | None:
    """The head's obligations of ``statuses`` on ``as_of`` (sorted as ``evaluate``
    sorts them), from ``base``, the base's whole answer to the same question; None
    when the change touches an org (a member's obligations read which orgs exist)."""
    from ..rules.catalog import load_rules
    from ..rules.engine import _SORT_KEY, LOCAL_TYPES, evaluate

    changed = set(changed)
    if any(p.startswith("orgs/") for p in changed):
        return None
    rules = load_rules(head.settings)
    local = {k: r for k, r in rules.items() if r.type in LOCAL_TYPES}
    other = {k: r for k, r in rules.items() if k not in local}
    members = {_member_id(p) for p in changed} - {None}
    statuses = list(statuses)
    out = evaluate(head, as_of, rules=other, statuses=statuses)
    out.extend(o for o in base if o.rule in local and o.subject not in members)
    out.extend(evaluate(_alone(head, changed), as_of, rules=local, statuses=statuses))
    out.sort(key=_SORT_KEY)
    return out


def _member_id(path: str) -> str | None:
    try:
        loc = layout.classify(path)
    except layout.LayoutError:
        return None
    return loc.id if loc.kind == layout.MEMBER else None


def _alone(records: Records, changed: set[str]) -> Records:
    """The changed members of ``records`` with the settings and every org, and nothing
    else: what a local check or rule reads of a changed member."""
    keep = {layout.SETTINGS_FILE, *(p for p in changed if _member_id(p) is not None)}
    paths = [p for p in records.paths if p in keep or p.startswith("orgs/")]
    by_path = {p: records.by_path[p] for p in paths if p in records.by_path}
    return assemble(records.store, paths, by_path, [])
