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

from collections.abc import Callable, Iterable
from datetime import date

from ..problems import Problem
from ..records import layout
from ..records.repository import Records, assemble
from ..rules.engine import Obligation


def judge_head(
    problems: list[Problem],
    findings: list[Obligation] | None,
    head: Records,
    changed: Iterable[str],
    day: date,
    statuses: Iterable[str],
) -> tuple[list[Problem], list[Obligation] | None]:
    """The head's problems on ``day`` (unlocated, sorted as ``validate`` sorts
    them) and its obligations of ``statuses`` on ``day`` (sorted as ``evaluate``
    sorts them), from ``problems`` and ``findings``, a whole check and the whole
    answer to the same question of the base, and ``changed``, the paths that differ.

    The findings are None when the base's are unknown or the change touches an
    org (a member's obligations read which orgs exist). What is judged on the
    whole head, the checks and the rules that are not local, is judged in one
    queue: the rules beside the checks, on the two cores the checks share.
    """
    from ..checks import NOT_DONE, local_checks, validate, validate_alongside
    from ..rules.catalog import load_rules
    from ..rules.engine import LOCAL_TYPES, evaluate, obligation_order

    changed = set(changed)
    statuses = list(statuses)
    codes = {code for chk in local_checks() for code in chk.codes}

    def own(p: Problem) -> bool:  # what a member's own unchanged file decides
        return p.code in codes and p.path not in changed

    alone = _alone(head, changed)
    if findings is None or any(p.startswith("orgs/") for p in changed):
        found = validate(head, day, locate=False, local=False)
        return _problems(found, problems, alone, own, day), None
    rules = load_rules(head.settings)
    local = {k: r for k, r in rules.items() if r.type in LOCAL_TYPES}
    other = {k: r for k, r in rules.items() if k not in local}
    found, beside = validate_alongside(
        head,
        lambda: evaluate(head, day, rules=other, statuses=statuses),
        day,
        locate=False,
        local=False,
    )
    out = evaluate(head, day, rules=other, statuses=statuses) if beside is NOT_DONE else beside
    members = {_member_id(p) for p in changed} - {None}
    out.extend(o for o in findings if o.rule in local and o.subject not in members)
    out.extend(evaluate(alone, day, rules=local, statuses=statuses))
    out.sort(key=obligation_order)
    return _problems(found, problems, alone, own, day), out


def _problems(
    found: list[Problem],
    base: list[Problem],
    alone: Records,
    own: Callable[[Problem], bool],
    day: date,
) -> list[Problem]:
    """The head's problems: ``found`` on the whole head by the checks that are not
    local, the base's own problems of unchanged members, the changed members' anew."""
    from ..checks import validate

    out = [p for p in found if not own(p)]
    out.extend(p for p in base if own(p))
    out.extend(validate(alone, day, locate=False, local=True))
    out.sort(key=Problem.sort_key)
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
