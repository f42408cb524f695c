"""The head of a change judged from a whole check of its base: what the change
cannot touch is kept, the rest found again.

A change spread over a county (a dues row for members in every branch, meetings
of most orgs retitled) names most orgs, so the scoped check (:mod:`.scope`)
would load and judge nearly the whole county twice; ``review`` then judges the
head from the base's snapshot, its whole check and findings on the review's day:

- the checks by what they read (``checks.reuse``): a check reading nothing the
  change touched keeps its problems; one judging records one by one is run on
  the changed ones (the dues checks on the changed members, the meeting checks
  on the changed meetings); the rest run on the whole head;
- the rules of a local type (``rules.engine.LOCAL_TYPES``, the dues) judge each
  member on its own record (with the settings and which orgs exist): the base's
  answer on the unchanged members stands, the changed members are judged alone;
- every other rule is judged on the whole head, in two jobs shared out with the
  checks between two processes.

A change of the settings leaves no obligation standing: every rule reads them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import fields
from datetime import date
from typing import TYPE_CHECKING, Any

from ..problems import Problem
from ..records import layout
from ..records import model as m
from ..records.repository import Records, assemble
from ..rules.engine import Obligation

if TYPE_CHECKING:
    from ..rules.catalog import Rule


def judge_head(
    problems: list[Problem],
    findings: list[Obligation] | None,
    base: Records,
    head: Records,
    changed: Iterable[str],
    day: date,
    statuses: Iterable[str],
) -> tuple[list[Problem], list[Obligation] | None, list[Obligation]]:
    """The head's problems on ``day`` (unlocated, sorted as ``validate`` sorts
    them) and its obligations of ``statuses`` on ``day`` (sorted as ``evaluate``
    sorts them), from ``problems``, a whole check of ``base`` on ``day``,
    ``findings``, its whole answer to the same question, and ``changed``, the
    paths that differ; and the base's obligations.

    Where ``findings`` is None (not kept for this day) the base's are worked out
    too, beside the rest. The head's are None when the change touches an org (a
    member's obligations read which orgs exist) or the settings.
    """
    from ..checks import share
    from ..checks.reuse import SETTINGS, rejudge
    from ..rules.engine import evaluate, obligation_order

    changed = set(changed)
    statuses = list(statuses)
    touched, by_kind = touched_kinds(base, head, changed)
    kept = _without(problems, base.problems)
    study, rest, local = _parts(head)
    # a member's obligations read which orgs exist, and every rule the settings
    derived = not touched & {"orgs", SETTINGS}
    jobs: list[Callable[[], Any]] = []
    if findings is None:  # the base's, the dues of every member the largest part
        jobs += [_evaluating(base, day, part, statuses) for part in _parts(base)[::-1]]
    if derived:
        jobs += [_evaluating(head, day, part, statuses) for part in (study, rest)]
    jobs.append(lambda: rejudge(kept, head, touched, by_kind, day))
    done = share(head, jobs)
    found = [*head.problems, *done.pop()]
    found.sort(key=Problem.sort_key)
    if findings is None:
        findings = [o for part in done[:3] for o in part]
        findings.sort(key=obligation_order)
        done = done[3:]
    if not derived:
        return found, None, findings
    alone = _alone(head, changed)
    members = {_member_id(p) for p in changed} - {None}
    out = [o for part in done for o in part]
    out.extend(o for o in findings if o.rule in local and o.subject not in members)
    out.extend(evaluate(alone, day, rules=local, statuses=statuses))
    out.sort(key=obligation_order)
    return found, out, findings


def _parts(records: Records) -> tuple[dict[str, Rule], dict[str, Rule], dict[str, Rule]]:
    """The repository's rules in three parts, each evaluated on its own: the study
    hours (alone as costly as most others together), the other rules that are not
    local, and the local ones (``rules.engine.LOCAL_TYPES``: the dues)."""
    from ..rules.catalog import load_rules
    from ..rules.engine import LOCAL_TYPES

    rules = load_rules(records.settings)
    local = {k: r for k, r in rules.items() if r.type in LOCAL_TYPES}
    study = {k: r for k, r in rules.items() if r.type == "study-hours"}
    rest = {k: r for k, r in rules.items() if k not in local and k not in study}
    return study, rest, local


def _evaluating(
    records: Records, day: date, rules: dict[str, Rule], statuses: list[str]
) -> Callable[[], list[Obligation]]:
    from ..rules.engine import evaluate

    return lambda: evaluate(records, day, rules=rules, statuses=statuses)


def touched_kinds(
    base: Records, head: Records, changed: Iterable[str]
) -> tuple[set[str], dict[str, set[str]]]:
    """The kinds of record a change touched (``checks.reuse.kind_of``; a member
    whose dues rows alone changed touches ``dues``, not ``members``), and the
    changed paths by kind."""
    from ..checks.reuse import DUES, kind_of

    touched: set[str] = set()
    by_kind: dict[str, set[str]] = {}
    for path in changed:
        kind = kind_of(path)
        if kind is None:
            continue
        by_kind.setdefault(kind, set()).add(path)
        if kind == "members":
            touched.add(DUES)
            if not _dues_apart(base.by_path.get(path), head.by_path.get(path)):
                touched.add(kind)
        else:
            touched.add(kind)
    return touched, by_kind


#: a member's fields but its dues rows
_NOT_DUES = tuple(f.name for f in fields(m.Member) if f.name != "dues")


def _dues_apart(old: m.Record | None, new: m.Record | None) -> bool:
    """Whether two members differ in their dues rows alone."""
    if type(old) is not m.Member or type(new) is not m.Member:
        return False
    return all(getattr(old, name) == getattr(new, name) for name in _NOT_DUES)


def _without(problems: list[Problem], loaded: list[Problem]) -> list[Problem]:
    """``problems`` less one of each of ``loaded`` (a whole check less its load
    problems: what its checks found)."""
    left = Counter(p.identity() for p in loaded)
    out: list[Problem] = []
    for p in problems:
        ident = p.identity()
        if left[ident] > 0:
            left[ident] -= 1
        else:
            out.append(p)
    return out


def _member_id(path: str) -> str | None:
    try:
        loc = layout.classify(path)
    except layout.LayoutError:
        return None
    return loc.id if loc.kind == layout.MEMBER else None


def _alone(records: Records, changed: set[str]) -> Records:
    """The changed members of ``records`` with the settings and every org, and nothing
    else: what a rule of a local type reads of a changed member."""
    keep = {layout.SETTINGS_FILE, *(p for p in changed if _member_id(p) is not None)}
    paths = [p for p in records.paths if p in keep or p.startswith("orgs/")]
    by_path = {p: records.by_path[p] for p in paths if p in records.by_path}
    return assemble(records.store, paths, by_path, [])
