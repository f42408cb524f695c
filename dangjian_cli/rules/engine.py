"""The obligations engine: records + rules + an as-of date in, obligations out.

DOMAIN.md §3 is the specification. Records are indexed once (meetings by org and
kind, lectures by org, kind and lecturer, reports / letters / assessments by org
and period); each rule then visits only its own subjects (orgs, members,
notices) and looks counts up in the index, so the cost grows with the number of
records plus orgs × rules × periods, never with records × rules.

Choices where DOMAIN.md is silent (also noted in builtin.toml):

* Meetings, reports, letters and lectures dated after ``as_of`` do not count yet.
* Periodic rules (meetings, reports, letters, assessments, contact-point lessons)
  evaluate the periods that end on or after the window start and begin on or
  before ``as_of``. One-off deadlines (probation, committee election,
  rectification) are reported whenever they are unmet on ``as_of``, however old:
  an overdue conversion is a fact about the member today, not about a past period;
  met ones are kept only when their deadline falls in the window (for ``rank``).
* A contact point owes a lesson for a period only if it was set up by the
  period's first day (the same rule as an org's lifetime).
* Dues: a run shorter than ``due_months`` is not a finding ("met"); the deadline
  shown is the last day before the run reaches ``overdue_months``.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ..records import model as m
from .catalog import Rule, load_rules
from .periods import Period, add_months, add_years, month_end, parse_period, periods_between, shift

MET, DUE, OVERDUE, UPCOMING = "met", "due", "overdue", "upcoming"
STATUSES = (MET, DUE, OVERDUE, UPCOMING)
FINDINGS = (OVERDUE, DUE)
#: the JSON / CSV fields of an obligation, in order (issue 3)
FIELDS = (
    "subject",
    "subject_name",
    "org",
    "rule",
    "period",
    "status",
    "required",
    "found",
    "deadline",
    "clause",
)
#: org kinds a helping branch must pair with (§9)
PAIRABLE = ("village_branch", "community_branch")


@dataclass(slots=True)
class Obligation:
    """One thing owed by one subject for one period, and whether it was done."""

    subject: str
    subject_name: str
    org: str
    rule: str
    period: str
    status: str
    required: int
    found: int
    deadline: date | None
    clause: str

    @property
    def is_finding(self) -> bool:
        return self.status in FINDINGS

    def as_dict(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "subject_name": self.subject_name,
            "org": self.org,
            "rule": self.rule,
            "period": self.period,
            "status": self.status,
            "required": self.required,
            "found": self.found,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "clause": self.clause,
        }

    def sort_key(self) -> tuple[str, str, str, str]:
        return (self.org, self.rule, self.period, self.subject)


# ---- the index ---------------------------------------------------------------------


@dataclass
class Index:
    """What rules count, gathered in one pass over the records."""

    meetings: dict[tuple[str, str], list[date]]
    lectures: dict[tuple[str, str, str], list[date]]
    reports: dict[tuple[str, str], list[date]]
    letters: dict[tuple[str, int], list[date]]
    assessments: dict[tuple[str, int], list[date | None]]


def build_index(records: Any) -> Index:
    meetings: dict[tuple[str, str], list[date]] = defaultdict(list)
    lectures: dict[tuple[str, str, str], list[date]] = defaultdict(list)
    for mt in records.meetings:
        if mt.date is None or mt.kind is None:
            continue
        meetings[(mt.org, mt.kind)].append(mt.date)
        if mt.lecturer:
            lectures[(mt.org, mt.kind, mt.lecturer)].append(mt.date)
    for dates in meetings.values():
        dates.sort()
    for dates in lectures.values():
        dates.sort()
    reports: dict[tuple[str, str], list[date]] = defaultdict(list)
    for rp in records.reports:
        label = rp.period or rp.id
        try:
            period = parse_period(label)
        except ValueError:
            continue
        org = rp.org or rp.path.split("/")[1]
        if rp.submitted_on:
            reports[(org, period.label)].append(rp.submitted_on)
    letters: dict[tuple[str, int], list[date]] = defaultdict(list)
    for lt in records.letters:
        if lt.signed_on:
            letters[(lt.org or lt.id, lt.year)].append(lt.signed_on)
    assessments: dict[tuple[str, int], list[date | None]] = defaultdict(list)
    for asm in records.assessments:
        year = asm.year if asm.year is not None else _folder_year(asm.path)
        if year is not None:
            assessments[(asm.org or asm.id, year)].append(getattr(asm, "assessed_on", None))
    return Index(dict(meetings), dict(lectures), dict(reports), dict(letters), dict(assessments))


def _folder_year(path: str) -> int | None:
    parts = path.split("/")
    return int(parts[1]) if len(parts) > 2 and parts[1].isdigit() else None


def _count(dates: list[date], first: date, last: date) -> int:
    """How many of the sorted ``dates`` fall in ``first``..``last``."""
    if last < first:
        return 0
    return bisect_right(dates, last) - bisect_left(dates, first)


# ---- one evaluation --------------------------------------------------------------


@dataclass
class Run:
    """The inputs every evaluator shares."""

    records: Any
    as_of: date
    window_start: date
    tracking_since: date | None
    index: Index

    def org_name(self, org_id: str) -> str:
        org = self.records.orgs.get(org_id)
        return (org.name if org else None) or org_id

    def member_org(self, member: m.Member) -> str:
        """The org responsible for a member on ``as_of`` (the file's org if it moved out)."""
        org = member.org_on(self.as_of)
        return org if org in self.records.orgs else (member.org or "")


def window_start(settings: m.Settings | None, as_of: date, since: date | None = None) -> date:
    """First day evaluated: ``since``, else the later of tracking_since and as_of - 12 months."""
    if since is not None:
        return since
    start = add_months(as_of, -12)
    tracking = settings.tracking_since if settings is not None else None
    return max(start, tracking) if tracking else start


def owed_in(org: m.Org, period: Period) -> bool:
    """An org owes a period if it existed on its first day and lasted to its last."""
    if org.established and org.established > period.start:
        return False
    return not (org.dissolved and org.dissolved < period.end)


def periodic_status(
    period: Period, found: int, required: int, as_of: date, grace_days: int
) -> tuple[str, date]:
    """met / due (current, or ended within grace) / overdue, and the last day before overdue."""
    deadline = period.end + timedelta(days=grace_days)
    if found >= required:
        return MET, deadline
    if as_of <= deadline:
        return DUE, deadline
    return OVERDUE, deadline


def deadline_status(done: bool, deadline: date, due_before: str, as_of: date) -> str:
    """met; overdue the day after the deadline; due from ``due_before`` ahead; else upcoming."""
    if done:
        return MET
    if as_of > deadline:
        return OVERDUE
    if as_of >= shift(deadline, due_before, -1):
        return DUE
    return UPCOMING


def _periods(run: Run, rule: Rule) -> list[Period]:
    return list(periods_between(rule.period or "year", run.window_start, run.as_of))


def _deadline_of(rule: Rule, period: Period) -> date:
    spec = rule.deadline or "+0d"
    if spec.startswith("+"):
        return shift(period.end, spec[1:])
    month, day = (int(x) for x in spec.split("-"))
    year = period.start.year
    return date(year, month, min(day, month_end(year, month).day))


def _orgs(run: Run, rule: Rule) -> Iterator[m.Org]:
    for org_id in sorted(run.records.orgs):
        org = run.records.orgs[org_id]
        if rule.applies_to_org(org, run.records.orgs):
            yield org


def _org_obligation(
    org: m.Org, rule: Rule, label: str, status: str, found: int, deadline: date | None
) -> Obligation:
    return Obligation(
        org.id,
        org.name or org.id,
        org.id,
        rule.id,
        label,
        status,
        rule.min,
        found,
        deadline,
        rule.clause,
    )


# ---- evaluators, one per rule type ---------------------------------------------


def _meetings(run: Run, rule: Rule) -> Iterator[Obligation]:
    periods = _periods(run, rule)
    for org in _orgs(run, rule):
        dates = run.index.meetings.get((org.id, rule.counts or ""), [])
        for p in periods:
            if not owed_in(org, p):
                continue
            found = _count(dates, p.start, min(p.end, run.as_of))
            status, deadline = periodic_status(p, found, rule.min, run.as_of, rule.grace_days)
            yield _org_obligation(org, rule, p.label, status, found, deadline)


def _filed(
    lookup: Callable[[m.Org, Period], list[Any]],
) -> Callable[[Run, Rule], Iterator[Obligation]]:
    """An evaluator for a document owed per period by a deadline (report, letter, assessment)."""

    def evaluate(run: Run, rule: Rule) -> Iterator[Obligation]:
        periods = _periods(run, rule)
        for org in _orgs(run, rule):
            for p in periods:
                if not owed_in(org, p):
                    continue
                found = sum(1 for d in lookup(org, p) if d is None or d <= run.as_of)
                deadline = _deadline_of(rule, p)
                status = deadline_status(found >= rule.min, deadline, rule.due_before, run.as_of)
                yield _org_obligation(org, rule, p.label, status, found, deadline)

    return evaluate


def _report(run: Run, rule: Rule) -> Iterator[Obligation]:
    return _filed(lambda org, p: run.index.reports.get((org.id, p.label), []))(run, rule)


def _letter(run: Run, rule: Rule) -> Iterator[Obligation]:
    return _filed(lambda org, p: run.index.letters.get((org.id, p.start.year), []))(run, rule)


def _assessment(run: Run, rule: Rule) -> Iterator[Obligation]:
    return _filed(lambda org, p: run.index.assessments.get((org.id, p.start.year), []))(run, rule)


def _contact_lesson(run: Run, rule: Rule) -> Iterator[Obligation]:
    periods = _periods(run, rule)
    orgs = run.records.orgs
    for org in _orgs(run, rule):
        for cp in org.contact_points:
            if not cp.cadre or not cp.org:
                continue
            target = orgs.get(cp.org)
            cadre = run.records.members.get(cp.cadre)
            name = f"{cadre.name if cadre else cp.cadre} @ {run.org_name(cp.org)}"
            dates = run.index.lectures.get((cp.org, rule.counts or "", cp.cadre), [])
            for p in periods:
                if not owed_in(org, p) or (target is not None and not owed_in(target, p)):
                    continue
                if cp.since and cp.since > p.start:
                    continue
                found = _count(dates, p.start, min(p.end, run.as_of))
                status, deadline = periodic_status(p, found, rule.min, run.as_of, rule.grace_days)
                yield Obligation(
                    cp.cadre,
                    name,
                    org.id,
                    rule.id,
                    p.label,
                    status,
                    rule.min,
                    found,
                    deadline,
                    rule.clause,
                )


def _active(since: date | None, until: date | None, day: date) -> bool:
    return (since is None or since <= day) and (until is None or until >= day)


def _pairing(run: Run, rule: Rule) -> Iterator[Obligation]:
    orgs = run.records.orgs
    day = run.as_of
    helpers: Counter[str] = Counter()
    helped: Counter[str] = Counter()
    for org in orgs.values():
        if not org.exists_on(day):
            continue
        for pr in org.pairing:
            target = orgs.get(pr.org or "")
            if target is None or not _active(pr.since, pr.until, day) or not target.exists_on(day):
                continue
            helped[target.id] += 1
            if target.kind in PAIRABLE:
                helpers[org.id] += 1
    label = str(day.year)
    for org_id in sorted(orgs):
        org = orgs[org_id]
        if not org.exists_on(day):
            continue
        if rule.applies_to_org(org, orgs):
            found = helpers[org.id]
        elif org.poor_village:
            found = helped[org.id]
        else:
            continue
        yield _org_obligation(org, rule, label, MET if found >= rule.min else OVERDUE, found, None)


def _project(run: Run, rule: Rule) -> Iterator[Obligation]:
    day = run.as_of
    for org in _orgs(run, rule):
        if not org.exists_on(day):
            continue
        found = sum(1 for pj in org.projects if _active(pj.started, pj.ended, day))
        status = MET if found >= rule.min else OVERDUE
        yield _org_obligation(org, rule, str(day.year), status, found, None)


def _member_obligation(
    run: Run,
    member: m.Member,
    rule: Rule,
    label: str,
    status: str,
    required: int,
    found: int,
    deadline: date | None,
) -> Obligation:
    return Obligation(
        member.id,
        member.name or member.id,
        run.member_org(member),
        rule.id,
        label,
        status,
        required,
        found,
        deadline,
        rule.clause,
    )


def _probation(run: Run, rule: Rule) -> Iterator[Obligation]:
    day = run.as_of
    for member_id in sorted(run.records.members):
        mb = run.records.members[member_id]
        # a full member's conversion counts as met (or, before full_since, as still owed)
        if mb.status not in (*rule.kinds, "full") or not mb.admitted or mb.admitted > day:
            continue
        done = mb.full_since is not None and mb.full_since <= day
        if mb.status == "full" and mb.full_since is None:
            continue
        deadline = shift(mb.admitted, (rule.deadline or "+1y").lstrip("+"))
        if done and deadline < run.window_start:
            continue
        status = deadline_status(done, deadline, rule.due_before, day)
        yield _member_obligation(run, mb, rule, str(deadline.year), status, 1, int(done), deadline)


def _dues(run: Run, rule: Rule) -> Iterator[Obligation]:
    day = run.as_of
    last = day.year * 12 + day.month - 2  # the last ended month, as a running month number
    for member_id in sorted(run.records.members):
        mb = run.records.members[member_id]
        if mb.status not in rule.kinds or mb.status_on(day) not in m.MEMBER_NOW:
            continue
        start_day = mb.admitted
        if start_day is None:
            continue
        if run.tracking_since and run.tracking_since > start_day:
            start_day = run.tracking_since
        first = start_day.year * 12 + start_day.month - 1
        if first > last:
            continue
        paid: set[int] = set()
        for row in mb.dues:
            month = row.month
            if month and (row.paid_on is None or row.paid_on <= day):
                try:
                    paid.add(int(month[:4]) * 12 + int(month[5:7]) - 1)
                except ValueError:
                    continue  # validation reports a bad month
        found = sum(1 for index in paid if first <= index <= last)
        index = last
        while index >= first and index not in paid:
            index -= 1
        run_length = last - index
        if run_length >= rule.overdue_months:
            status = OVERDUE
        elif run_length >= rule.due_months:
            status = DUE
        else:
            status = MET
        first_unpaid = last - run_length + 1
        deadline = month_end(*_ym(first_unpaid + rule.overdue_months - 1)) if run_length else None
        yield _member_obligation(
            run, mb, rule, _month(last), status, last - first + 1, found, deadline
        )


def _ym(index: int) -> tuple[int, int]:
    year, month = divmod(index, 12)
    return year, month + 1


def _month(index: int) -> str:
    year, month = _ym(index)
    return f"{year}-{month:02d}"


def _election(run: Run, rule: Rule) -> Iterator[Obligation]:
    day = run.as_of
    for org in _orgs(run, rule):
        committee = org.committee
        if committee is None or committee.elected is None or not org.exists_on(day):
            continue
        if committee.elected > day:
            continue
        term = committee.term_years or (
            rule.long_term_years if org.kind in rule.long_term_kinds else rule.term_years
        )
        deadline = add_years(committee.elected, term)
        status = deadline_status(False, deadline, rule.due_before, day)
        yield _org_obligation(org, rule, str(deadline.year), status, 0, deadline)


def _notice(run: Run, rule: Rule) -> Iterator[Obligation]:
    day = run.as_of
    records = run.records
    for notice in sorted(records.notices, key=lambda n: n.path):
        if notice.kind not in rule.kinds or notice.deadline is None or not notice.target:
            continue
        if notice.issued_on and notice.issued_on > day:
            continue
        done = notice.rectified_on is not None and notice.rectified_on <= day
        if done and notice.deadline < run.window_start:
            continue
        status = deadline_status(done, notice.deadline, rule.due_before, day)
        target = notice.target
        if target in records.orgs:
            org, name = target, run.org_name(target)
        elif target in records.members:
            member = records.members[target]
            org, name = run.member_org(member), member.name or target
        else:
            org, name = target, target
        yield Obligation(
            target,
            name,
            org,
            rule.id,
            str(notice.deadline.year),
            status,
            1,
            int(done),
            notice.deadline,
            rule.clause,
        )


EVALUATORS: dict[str, Callable[[Run, Rule], Iterable[Obligation]]] = {
    "meetings": _meetings,
    "report": _report,
    "letter": _letter,
    "assessment": _assessment,
    "contact-lesson": _contact_lesson,
    "pairing": _pairing,
    "project": _project,
    "probation": _probation,
    "dues": _dues,
    "election": _election,
    "notice": _notice,
}


def evaluate(
    records: Any,
    as_of: date,
    since: date | None = None,
    rules: dict[str, Rule] | None = None,
    orgs: Iterable[str] | None = None,
) -> list[Obligation]:
    """Every obligation of the repository at ``as_of``, sorted by org, rule, period, subject.

    ``rules`` defaults to the repository's catalogue (builtin + dangjian.toml);
    ``orgs`` keeps only obligations whose responsible org is among them.
    """
    if rules is None:
        rules = load_rules(records.settings)
    settings = records.settings
    run = Run(
        records=records,
        as_of=as_of,
        window_start=window_start(settings, as_of, since),
        tracking_since=settings.tracking_since if settings is not None else None,
        index=build_index(records),
    )
    out: list[Obligation] = []
    for rule in rules.values():
        out.extend(EVALUATORS[rule.type](run, rule))
    if orgs is not None:
        keep = set(orgs)
        out = [ob for ob in out if ob.org in keep]
    out.sort(key=Obligation.sort_key)
    return out


def findings(obligations: Iterable[Obligation], *statuses: str) -> list[Obligation]:
    """The obligations whose status is one of ``statuses`` (default: due and overdue)."""
    wanted = statuses or FINDINGS
    return [ob for ob in obligations if ob.status in wanted]


def summary(obligations: Iterable[Obligation]) -> Counter[str]:
    """How many obligations per rule (for the summary line)."""
    return Counter(ob.rule for ob in obligations)


__all__ = [
    "FIELDS",
    "Obligation",
    "add_years",
    "evaluate",
    "findings",
    "summary",
    "window_start",
]
