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
- the rules by what they read too (``rules.engine.READS``): a rule type reading
  nothing the change touched keeps its findings; the rules of a local type
  (``rules.engine.LOCAL_TYPES``, the dues) judge each member on its own record
  (with the settings and which orgs exist), so only the changed members are
  judged; the study hours, where only meetings changed of what they read, are
  judged for those who attended a changed lesson; the others on the whole head.

The parts are jobs shared out between two processes, each giving only its
difference. A change of the settings leaves no obligation standing: every rule
reads them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import fields
from datetime import date
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from ..problems import Problem
from ..records import layout
from ..records import model as m
from ..records.repository import Records
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
) -> tuple[list[Problem], Delta | None]:
    """The head's problems on ``day`` (sorted as ``validate`` sorts them; lines
    found for the changed files' alone), from ``problems``, a whole check of
    ``base`` on ``day``, and ``changed``, the paths that differ; and the
    obligations of ``statuses`` on ``day`` only the head has and only the base has
    (:func:`findings_delta` of whole evaluations), from ``findings``, the base's
    whole answer (None: not kept for this day, and worked out here too).

    The rules are evaluated in parts, each part's difference found where it is
    evaluated: the study hours (of those attending a changed lesson, where the
    change touched nothing else they read), the other rules that are not local
    (of the types reading what the change touched, ``rules.engine.READS``), and
    the local ones (the dues), whose difference is that of the changed members
    alone (each member's obligations read its own record, the settings and which
    orgs exist). No difference is given (None) when the settings changed: a rule
    may then be of another part on each side.
    """
    from ..checks import share
    from ..checks.reuse import SETTINGS, rejudge
    from ..rules.engine import READS, obligation_order

    changed = set(changed)
    statuses = list(statuses)
    touched, by_kind = touched_kinds(base, head, changed)
    kept = _without(problems, base.problems)
    jobs: list[Callable[[], Any]] = []
    if SETTINGS not in touched:
        study, rest, local = _parts(head)
        # a change of meetings alone, of what study reads, changes the study hours
        # of those who attended a changed lesson, on either side
        others = READS["study-hours"] - {"meetings"}
        few = None if touched & others else _attending(base, head, by_kind, study)
        # the other rules, of the types that read what the change touched
        rest = {k: r for k, r in rest.items() if READS.get(r.type, touched) & touched}
        # the local ones, of the changed members (whose obligations read which orgs exist)
        members = None if "orgs" in touched else {_member_id(p) for p in changed} - {None}
        jobs = [
            _part_delta(findings, base, head, day, study, statuses, few),
            _part_delta(findings, base, head, day, rest, statuses),
            _part_delta(findings, base, head, day, local, statuses, members),
        ]

    def checked() -> list[Problem]:
        # the lines of the problems of changed files (what a review shows of them)
        # found in the process that found them, not after
        found = rejudge(kept, head, touched, by_kind, day)
        head.locate([p for p in found if p.path in changed])
        return found

    jobs.insert(0, checked)
    done = share(head, jobs)
    found = [*head.problems, *done.pop(0)]
    found.sort(key=Problem.sort_key)
    if not done:
        return found, None
    introduced = [o for new, _ in done for o in new]
    resolved = [o for _, old in done for o in old]
    introduced.sort(key=obligation_order)
    resolved.sort(key=obligation_order)
    return found, (introduced, resolved)


Delta = tuple[list[Obligation], list[Obligation]]


def findings_delta(before: list[Obligation], after: list[Obligation]) -> Delta:
    """The obligations of ``after`` that ``before`` has not, and those of ``before``
    that ``after`` has not, each in its order (one is the same obligation as
    another when it is of the same subject, rule and period, with the same status)."""
    key = attrgetter("subject", "rule", "period", "status")
    old = set(map(key, before))
    new = set(map(key, after))
    return [o for o in after if key(o) not in old], [o for o in before if key(o) not in new]


def _part_delta(
    findings: list[Obligation] | None,
    base: Records,
    head: Records,
    day: date,
    rules: dict[str, Rule],
    statuses: list[str],
    members: set[str] | None = None,
) -> Callable[[], Delta]:
    """A job: the difference of the base's and the head's obligations of ``rules``,
    each evaluated whole (the base's taken from ``findings`` where kept), or for
    ``members`` alone (rules judging each member, whose others are alike: the
    study hours of those attending a changed lesson, the dues of the changed
    members)."""
    from ..rules.engine import evaluate

    def job() -> Delta:
        ids = set(rules)
        if findings is not None:
            before = [
                o for o in findings if o.rule in ids and (members is None or o.subject in members)
            ]
        else:
            before = evaluate(base, day, rules=rules, statuses=statuses, members=members)
        after = evaluate(head, day, rules=rules, statuses=statuses, members=members)
        return findings_delta(before, after)

    return job


def _attending(
    base: Records, head: Records, by_kind: dict[str, set[str]], rules: dict[str, Rule]
) -> set[str]:
    """Who attended a changed meeting of a kind the study ``rules`` count as a
    lesson, on either side: the members whose lessons a change of meetings counts
    differently."""
    from ..rules.participation import LESSON_KINDS

    kinds = {kind for rule in rules.values() for kind in (rule.meeting_kinds or LESSON_KINDS)}
    out: set[str] = set()
    for path in by_kind.get("meetings", ()):
        for side in (base, head):
            meeting = side.by_path.get(path)
            if isinstance(meeting, m.Meeting) and meeting.kind in kinds:
                out.update(meeting.attendees)
    return out


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
