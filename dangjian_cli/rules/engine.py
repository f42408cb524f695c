"""The obligations engine: records + rules + an as-of date in, obligations out.

docs/rules.md states the rules. Records are indexed once (meetings by org and
kind, lectures by org, kind and lecturer, reports / letters / assessments by org
and period); each rule then visits only its own subjects (orgs, members,
notices) and looks counts up in the index, so the cost grows with the number of
records plus orgs × rules × periods, never with records × rules. What every
subject of a rule shares (its periods, their labels, deadlines and the status of
a shortfall) is worked out once per rule; ``orgs`` and ``statuses`` drop subjects
before their obligations are built, so a listing of findings on a county builds a
few thousand obligations, not a hundred thousand.

Choices where the rules are silent (also noted in builtin.toml):

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

import gc
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from operator import attrgetter
from typing import Any

from ..dates import add_months, add_years
from ..records import model as m
from .catalog import Rule, load_rules
from .periods import (
    Period,
    month_end,
    parse_period,
    period_of,
    periods_between,
    shift,
)

MET, DUE, OVERDUE, UPCOMING = "met", "due", "overdue", "upcoming"
#: a finding covered by a rectified notice (see rules/settle.py): not listed again
SETTLED = "settled"
#: a report, letter or debriefing filed after its deadline (``days_late`` says by how much)
MET_LATE = "met_late"
STATUSES = (MET, MET_LATE, DUE, OVERDUE, UPCOMING)
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
    "notice",
    "days_late",
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
    #: what was counted: meetings, months paid, or hours (study-hours and
    #: candidate-training: 31.5 stays 31.5; an int when whole, see
    #: :func:`.participation.hours_value`)
    found: int | float
    deadline: date | None
    clause: str
    #: the notice a `rectification` finding is about, or (status settled) the
    #: rectified notice that settled this finding
    notice: str | None = None
    #: status met_late: how many days after the deadline it was filed
    days_late: int | None = None

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
            "notice": self.notice,
            "days_late": self.days_late,
        }

    def sort_key(self) -> tuple[str, str, str, str]:
        return (self.org, self.rule, self.period, self.subject)


#: the order evaluate sorts obligations in: Obligation.sort_key without a Python
#: call per obligation
obligation_order = attrgetter("org", "rule", "period", "subject")


# ---- the index ---------------------------------------------------------------------


@dataclass
class Index:
    """What rules count, gathered in one pass over the records."""

    meetings: dict[tuple[str, str], list[date]]
    lectures: dict[tuple[str, str, str], list[date]]
    reports: dict[tuple[str, str], list[date]]
    letters: dict[tuple[str, int], list[date]]
    assessments: dict[tuple[str, int], list[date | None]]


def build_index(records: Any, orgs: set[str] | None = None) -> Index:
    """The index; with ``orgs``, the meetings of other orgs are left out.

    Lectures are kept for every org: a contact point's lessons are held at another.
    """
    meetings: dict[tuple[str, str], list[date]] = {}
    lectures: dict[tuple[str, str, str], list[date]] = {}
    for mt in records.meetings:
        day, kind = mt.date, mt.kind
        if day is None or kind is None:
            continue
        if mt.lecturer:
            lectures.setdefault((mt.org, kind, mt.lecturer), []).append(day)
        if orgs is not None and mt.org not in orgs:
            continue
        key = (mt.org, kind)
        dates = meetings.get(key)
        if dates is None:
            meetings[key] = [day]
        else:
            dates.append(day)
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
    return Index(meetings, lectures, dict(reports), dict(letters), dict(assessments))


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
    """The inputs every evaluator shares, and what they would otherwise each recompute."""

    records: Any
    as_of: date
    window_start: date
    tracking_since: date | None
    #: the responsible orgs kept (None: all); evaluators skip other subjects early
    keep: set[str] | None = None
    #: the statuses kept (None: all); evaluators build no obligation of another
    wanted: frozenset[str] | None = None
    #: the members judged (None: all): the rules judging members one by one judge
    #: only these (:attr:`member_ids`)
    only: frozenset[str] | None = None
    #: transfers dated from this day on stay with the sending org until received
    #: (rule transfer-receipt, once adopted; None: a transfer moves the member at once)
    receipts_from: date | None = None
    #: what several evaluators read and the first of them builds (the trainings by member)
    shared: dict[str, Any] = field(default_factory=dict)
    _org_ids: list[str] | None = None
    _member_ids: list[str] | None = None
    _periods: dict[str, list[Period]] = field(default_factory=dict)

    _index: Index | None = None

    @property
    def index(self) -> Index:
        """The meetings, lectures and filed reports by org, made when first read (the
        study hours read none of it)."""
        if self._index is None:
            self._index = build_index(self.records, self.keep)
        return self._index

    def org_name(self, org_id: str) -> str:
        org = self.records.orgs.get(org_id)
        return (org.name if org else None) or org_id

    def member_org(self, member: m.Member) -> str:
        """The org responsible for a member on ``as_of`` (the file's org if it moved out)."""
        # Member.org_on sorts the transfers; most members have none
        org = member.org_on(self.as_of) if member.transfers else member.org
        if member.transfers and self.receipts_from is not None:
            org = self._sender(member) or org
        return org if org in self.records.orgs else (member.org or "")

    def _sender(self, member: m.Member) -> str | None:
        """The sending org of a transfer not yet received on ``as_of`` (transfer-receipt:
        until the receipt it stays responsible for the member), else None."""
        orgs = self.records.orgs
        moves = [t for t in member.transfers if t.date and t.date <= self.as_of]
        if not moves:
            return None
        last = max(moves, key=attrgetter("date"))
        received = last.received_on is not None and last.received_on <= self.as_of
        if received or last.from_ not in orgs or last.to not in orgs:
            return None
        return last.from_ if last.date >= self.receipts_from else None  # type: ignore[operator]

    def kept(self, org_id: str) -> bool:
        return self.keep is None or org_id in self.keep

    def unwanted(self, status: str) -> bool:
        return self.wanted is not None and status not in self.wanted

    @property
    def org_ids(self) -> list[str]:
        if self._org_ids is None:
            self._org_ids = sorted(self.records.orgs)
        return self._org_ids

    @property
    def member_ids(self) -> list[str]:
        if self._member_ids is None:
            members = self.records.members
            self._member_ids = sorted(
                members if self.only is None else self.only.intersection(members)
            )
        return self._member_ids

    def periods(self, kind: str) -> list[Period]:
        """The periods of ``kind`` from the window start to ``as_of``, computed once."""
        found = self._periods.get(kind)
        if found is None:
            if self.window_start > self.as_of:
                # as-of before tracking_since: the period running on as-of is still
                # owed (and due) if it ends on or after the window start
                current = period_of(kind, self.as_of)
                found = [current] if current.end >= self.window_start else []
            else:
                found = list(periods_between(kind, self.window_start, self.as_of))
            self._periods[kind] = found
        return found


def window_start(settings: m.Settings | None, as_of: date, since: date | None = None) -> date:
    """First day evaluated: ``since``, else the later of tracking_since and as_of - 12 months."""
    if since is not None:
        return since
    start = add_months(as_of, -12)
    tracking = settings.tracking_since if settings is not None else None
    return max(start, tracking) if tracking else start


def tracked_from(settings: m.Settings | None, start: date) -> date:
    """``start``, or ``tracking_since`` when later: the window rule of ``overdue``
    (nothing before tracking_since is owed) for callers that evaluate a year or a
    report's span (rank, status, reports)."""
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


def _deadline_of(rule: Rule, period: Period) -> date:
    spec = rule.deadline or "+0d"
    if spec.startswith("+"):
        return shift(period.end, spec[1:])
    month, day = (int(x) for x in spec.split("-"))
    year = period.start.year
    return date(year, month, min(day, month_end(year, month).day))


#: one period of a rule's window with what every subject shares for it: the period,
#: its label, its first day, the last day counted (its end, or ``as_of`` if sooner),
#: its deadline, and the status of a subject that falls short
_Slot = tuple[Period, str, date, date, date, str]


def _periodic_slots(run: Run, rule: Rule) -> list[_Slot]:
    """The window's periods for a meetings or contact-lesson rule (see periodic_status)."""
    out: list[_Slot] = []
    for p in run.periods(rule.period or "year"):
        short, deadline = periodic_status(p, 0, 1, run.as_of, rule.grace_days)
        out.append((p, p.label, p.start, min(p.end, run.as_of), deadline, short))
    return out


def _filed_slots(run: Run, rule: Rule) -> list[_Slot]:
    """The window's periods for a document rule (see deadline_status)."""
    out: list[_Slot] = []
    for p in run.periods(rule.period or "year"):
        deadline = _deadline_of(rule, p)
        short = deadline_status(False, deadline, rule.due_before, run.as_of)
        out.append((p, p.label, p.start, min(p.end, run.as_of), deadline, short))
    return out


def _owed_slots(org: m.Org, slots: list[_Slot]) -> list[_Slot]:
    """The slots ``org`` owes (all of them unless it began or ended inside the window)."""
    if not org.established and not org.dissolved:
        return slots
    return [slot for slot in slots if owed_in(org, slot[0])]


def _orgs(run: Run, rule: Rule) -> Iterator[m.Org]:
    orgs = run.records.orgs
    keep = run.keep
    for org_id in run.org_ids:
        if keep is not None and org_id not in keep:
            continue
        org = orgs[org_id]
        if rule.applies_to_org(org, orgs):
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
    slots = _periodic_slots(run, rule)
    meetings = run.index.meetings
    kind = rule.counts or ""
    rule_id, required, clause = rule.id, rule.min, rule.clause
    wanted = run.wanted
    for org in _orgs(run, rule):
        if org.groups and kind == "party_group":
            # a branch that records its groups owes each group's meetings
            from .participation import group_obligations

            yield from group_obligations(run, rule, org, _owed_slots(org, slots))
            continue
        dates = meetings.get((org.id, kind))
        name = org.name or org.id
        for _, label, first, last, deadline, short in _owed_slots(org, slots):
            found = _count(dates, first, last) if dates else 0
            status = MET if found >= required else short
            if wanted is not None and status not in wanted:
                continue
            yield Obligation(
                org.id, name, org.id, rule_id, label, status, required, found, deadline, clause
            )


def _filed(
    lookup: Callable[[Index], tuple[dict[Any, list[Any]], bool]],
) -> Callable[[Run, Rule], Iterator[Obligation]]:
    """An evaluator for a document owed per period by a deadline (report, letter, assessment).

    ``lookup`` gives the index table and whether it is keyed by period label (else by year).
    """

    def evaluate(run: Run, rule: Rule) -> Iterator[Obligation]:
        slots = _filed_slots(run, rule)
        table, by_label = lookup(run.index)
        as_of = run.as_of
        for org in _orgs(run, rule):
            for p, label, _, _, deadline, short in _owed_slots(org, slots):
                filed = table.get((org.id, label if by_label else p.start.year))
                found = sum(1 for d in filed if d is None or d <= as_of) if filed else 0
                status = MET if found >= rule.min else short
                late = None
                if status == MET and filed:
                    late = _days_late(filed, rule.min, deadline, as_of)
                    if late:
                        status = MET_LATE
                if not run.unwanted(status):
                    ob = _org_obligation(org, rule, label, status, found, deadline)
                    ob.days_late = late
                    yield ob

    return evaluate


def _days_late(filed: list[Any], needed: int, deadline: date, as_of: date) -> int | None:
    """Days after ``deadline`` the ``needed``-th filing came (None: in time, or undated)."""
    dated = sorted(d for d in filed if d is not None and d <= as_of)
    if len(dated) < needed or len(dated) < len([d for d in filed if d is None or d <= as_of]):
        return None  # an undated filing (an assessment without assessed_on) is taken as in time
    day = dated[needed - 1]
    return (day - deadline).days if day > deadline else None


_report = _filed(lambda index: (index.reports, True))
_letter = _filed(lambda index: (index.letters, False))
_assessment = _filed(lambda index: (index.assessments, False))


def _contact_lesson(run: Run, rule: Rule) -> Iterator[Obligation]:
    slots = _periodic_slots(run, rule)
    orgs = run.records.orgs
    for org in _orgs(run, rule):
        for cp in org.contact_points:
            if not cp.cadre or not cp.org:
                continue
            target = orgs.get(cp.org)
            cadre = run.records.members.get(cp.cadre)
            name = f"{cadre.name if cadre else cp.cadre} @ {run.org_name(cp.org)}"
            dates = run.index.lectures.get((cp.org, rule.counts or "", cp.cadre), [])
            for p, label, first, last, deadline, short in slots:
                if not owed_in(org, p) or (target is not None and not owed_in(target, p)):
                    continue
                if cp.since and cp.since > first:
                    continue
                found = _count(dates, first, last)
                yield Obligation(
                    cp.cadre,
                    name,
                    org.id,
                    rule.id,
                    label,
                    MET if found >= rule.min else short,
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
    for org_id in run.org_ids:
        org = orgs[org_id]
        if not run.kept(org_id) or not org.exists_on(day):
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
    member: m.Member,
    org: str,
    rule: Rule,
    label: str,
    status: str,
    required: int,
    found: int | float,
    deadline: date | None,
    days_late: int | None = None,
) -> Obligation:
    """A member's obligation under ``rule``, owed by ``org`` (the member's org, or
    the sending org while a transfer is not received)."""
    return Obligation(
        member.id,
        member.name or member.id,
        org,
        rule.id,
        label,
        status,
        required,
        found,
        deadline,
        rule.clause,
        days_late=days_late,
    )


def _probation(run: Run, rule: Rule) -> Iterator[Obligation]:
    day = run.as_of
    members = run.records.members
    kinds = (*rule.kinds, "full")
    term = (rule.deadline or "+1y").lstrip("+")
    deadlines: dict[date, date] = {}  # by admission day: a county admits on few days
    skip_met = run.unwanted(MET)
    for member_id in run.member_ids:
        mb = members[member_id]
        # a full member's conversion counts as met (or, before full_since, as still owed)
        if mb.status not in kinds or not mb.admitted or mb.admitted > day:
            continue
        done = mb.full_since is not None and mb.full_since <= day
        if mb.status == "full" and mb.full_since is None:
            continue
        if done and skip_met:
            continue  # met, and only findings are wanted
        if mb.probation_extended_to:
            # an extended probation ends on the (last) day it was extended to;
            # validate judges whether the extension itself was allowed
            deadline = max(mb.probation_extended_to)
        else:
            deadline = deadlines.get(mb.admitted)
            if deadline is None:
                deadline = deadlines[mb.admitted] = shift(mb.admitted, term)
        if done and deadline < run.window_start:
            continue
        org = run.member_org(mb)
        if not run.kept(org):
            continue
        status = deadline_status(done, deadline, rule.due_before, day)
        if not run.unwanted(status):
            yield _member_obligation(
                mb, org, rule, str(deadline.year), status, 1, int(done), deadline
            )


def unapplied(rules: dict[str, Rule]) -> list[Rule]:
    """Rules that need a record the repository does not keep yet (no ``applies_from``).

    They are not judged: a repository that never kept talks or approvals would get
    a finding for every member. ``overdue`` prints one line for each instead.
    """
    return [r for r in rules.values() if r.needs and r.applies_from is None]


def _judged_from(rule: Rule) -> date | None:
    """The first deadline a rule judges (None: every one); see :func:`unapplied`."""
    return rule.applies_from


def _late(status: str, done_on: date | None, deadline: date) -> tuple[str, int | None]:
    """met_late, with the days, when a step was done after its deadline."""
    if status == MET and done_on is not None and done_on > deadline:
        return MET_LATE, (done_on - deadline).days
    return status, None


def _step(run: Run, rule: Rule) -> Iterator[Obligation]:
    """A member's step due within ``deadline`` of another (talk, approvals, lost contact)."""
    if rule.needs and rule.applies_from is None:
        return
    day = run.as_of
    span = (rule.deadline or "+1m").lstrip("+")
    start_field, done_field = rule.start or "", rule.done or ""
    first = _judged_from(rule)
    members = run.records.members
    for member_id in run.member_ids:
        mb = members[member_id]
        if mb.status not in rule.kinds:
            continue
        start = getattr(mb, start_field, None)
        if start is None or start > day:
            continue
        deadline = shift(start, span)
        if first is not None and deadline < first:
            continue
        done_on = getattr(mb, done_field, None)
        done = done_on is not None and done_on <= day
        if done and deadline < run.window_start:
            continue
        org = run.member_org(mb)
        if not run.kept(org):
            continue
        status, late = _late(
            deadline_status(done, deadline, rule.due_before, day), done_on, deadline
        )
        if not run.unwanted(status):
            label = str(deadline.year)
            yield _member_obligation(mb, org, rule, label, status, 1, int(done), deadline, late)


def _training(run: Run, rule: Rule) -> Iterator[Obligation]:
    """``min_hours`` of training by the day of admission: the member's ``training_hours``
    and the hours of the trainings for ``audiences`` (candidates) they took part in,
    ended by that day (trainings/<yyyy>/<id>.toml)."""
    if rule.needs and rule.applies_from is None:
        return
    from .participation import hours_value, trainings_by_member

    day = run.as_of
    first = _judged_from(rule)
    members = run.records.members
    taken = trainings_by_member(run)
    for member_id in run.member_ids:
        mb = members[member_id]
        deadline = mb.admitted
        if mb.status not in rule.kinds or deadline is None:
            continue
        if first is not None and deadline < first:
            continue
        hours = mb.training_hours or 0
        for last_day, audience, earned in taken.get(member_id, ()):
            if last_day <= min(deadline, day) and (
                not rule.audiences or audience in rule.audiences
            ):
                hours += earned
        done = hours >= rule.min_hours
        if done and deadline < run.window_start:
            continue
        org = run.member_org(mb)
        if not run.kept(org):
            continue
        status = deadline_status(done, deadline, rule.due_before, day)
        if not run.unwanted(status):
            yield _member_obligation(
                mb,
                org,
                rule,
                str(deadline.year),
                status,
                rule.min_hours,
                hours_value(hours),
                deadline,
            )


def _receipt(run: Run, rule: Rule) -> Iterator[Obligation]:
    """A transfer between two orgs of the repository received within ``deadline``.

    The finding is the sending org's: it stays responsible until the receipt.
    """
    if rule.needs and rule.applies_from is None:
        return
    day = run.as_of
    orgs = run.records.orgs
    span = (rule.deadline or "+1m").lstrip("+")
    first = _judged_from(rule)
    members = run.records.members
    for member_id in run.member_ids:
        mb = members[member_id]
        if not mb.transfers or mb.status not in rule.kinds:
            continue
        for t in mb.transfers:
            if t.date is None or t.date > day or t.from_ not in orgs or t.to not in orgs:
                continue
            deadline = shift(t.date, span)
            if first is not None and deadline < first:
                continue
            done = t.received_on is not None and t.received_on <= day
            if done and deadline < run.window_start:
                continue
            org = t.from_ or ""
            if not run.kept(org):
                continue
            status = deadline_status(done, deadline, rule.due_before, day)
            status, late = _late(status, t.received_on, deadline)
            if not run.unwanted(status):
                label = str(deadline.year)
                yield _member_obligation(mb, org, rule, label, status, 1, int(done), deadline, late)


def _mobile(run: Run, rule: Rule) -> Iterator[Obligation]:
    """A member away (``mobile``) for ``deadline`` or more at one place owes a transfer.

    A transfer dated on or after the day the member left meets it; a member back
    before the deadline owes none.
    """
    day = run.as_of
    span = (rule.deadline or "+6m").lstrip("+")
    members = run.records.members
    for member_id in run.member_ids:
        mb = members[member_id]
        mob = mb.mobile
        if mob is None or mob.since is None or mb.status not in rule.kinds:
            continue
        if mob.since > day:
            continue
        deadline = shift(mob.since, span)
        if mob.until is not None and mob.until < deadline:
            continue  # back before it was owed
        done = any(t.date and mob.since <= t.date <= day for t in mb.transfers)
        if (done or mob.until is not None) and deadline < run.window_start:
            continue
        org = run.member_org(mb)
        if not run.kept(org):
            continue
        status = deadline_status(done, deadline, rule.due_before, day)
        if not run.unwanted(status):
            yield _member_obligation(
                mb, org, rule, str(deadline.year), status, 1, int(done), deadline
            )


def _judged_by_validate(run: Run, rule: Rule) -> Iterator[Obligation]:
    """Rules that are limits on records (an interval, the dues standard), not deadlines."""
    return iter(())


class _MonthNumbers(dict[str, int | None]):
    """``2026-03`` to a running month number (year * 12 + month - 1), None if not a month.

    A county's dues rows name a few dozen distinct months: each is parsed once.
    """

    def __missing__(self, month: str) -> int | None:
        try:
            number: int | None = int(month[:4]) * 12 + int(month[5:7]) - 1
        except ValueError:
            number = None  # validation reports a bad month
        self[month] = number
        return number


def _dues(run: Run, rule: Rule) -> Iterator[Obligation]:
    day = run.as_of
    last = day.year * 12 + day.month - 2  # the last ended month, as a running month number
    label = _month(last)
    members = run.records.members
    numbers = _MonthNumbers()
    deadlines: dict[int, date] = {}
    tracking = run.tracking_since
    # a run of unpaid months shorter than this is met (see the status below)
    short_run = min(rule.due_months, rule.overdue_months)
    skip_met = run.unwanted(MET)
    for member_id in run.member_ids:
        mb = members[member_id]
        if mb.status not in rule.kinds or mb.status_on(day) not in m.MEMBER_NOW:
            continue
        start_day = mb.admitted
        if start_day is None:
            continue
        if tracking and tracking > start_day:
            start_day = tracking
        first = start_day.year * 12 + start_day.month - 1
        if mb.dues_base:
            # a member with base rows owes dues from the first row (not before admission)
            since = min((numbers[r.since] for r in mb.dues_base if r.since), default=None)
            if since is not None:
                admitted = mb.admitted.year * 12 + mb.admitted.month - 1
                first = max(since, admitted)
        if first > last:
            continue
        org = run.member_org(mb)
        if not run.kept(org):
            continue
        if skip_met and (
            last - first + 1 < short_run
            or _paid_within(mb.dues, numbers, last - short_run + 1, last, day)
        ):
            continue  # met: the unpaid run cannot reach short_run
        paid = {
            numbers[row.month]
            for row in mb.dues
            if row.month and (row.paid_on is None or row.paid_on <= day)
        }
        paid.discard(None)
        found = len(paid.intersection(range(first, last + 1)))
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
        if run.unwanted(status):
            continue
        deadline: date | None = None
        if run_length:
            due_month = last - run_length + rule.overdue_months  # first unpaid + overdue - 1
            deadline = deadlines.get(due_month)
            if deadline is None:
                deadline = deadlines[due_month] = month_end(*_ym(due_month))
        yield _member_obligation(mb, org, rule, label, status, last - first + 1, found, deadline)


def _paid_within(
    dues: list[m.Dues], numbers: _MonthNumbers, first: int, last: int, day: date
) -> bool:
    """Whether a month in ``first``..``last`` was paid by ``day``.

    Looks from the end: ledgers are kept in month order, so a member who pays is
    known after a row or two, not after every row (any order gives the same answer).
    """
    for row in reversed(dues):
        if row.month and (row.paid_on is None or row.paid_on <= day):
            number = numbers[row.month]
            if number is not None and first <= number <= last:
                return True
    return False


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
            notice.number,
        )


def _followup(run: Run, rule: Rule) -> Iterator[Obligation]:
    """A ``poor`` debriefing grade: a notice of ``rule.kinds`` (an admonition) to the org
    or its secretary is due within ``deadline`` of the debriefing (§3).

    The debriefing day is ``assessed_on``, else 31 January after the year. The
    finding is filed under the graded org (as its other findings are, so that a
    change to its records re-judges it), though its parent issues the notice.
    """
    day = run.as_of
    records = run.records
    issued: dict[str, list[date]] = defaultdict(list)
    for notice in records.notices:
        if notice.kind in rule.kinds and notice.target and notice.issued_on:
            issued[notice.target].append(notice.issued_on)
    span = (rule.deadline or "+30d").lstrip("+")
    for asm in sorted(records.assessments, key=attrgetter("path")):
        if asm.grade != "poor":
            continue
        year = asm.year if asm.year is not None else _folder_year(asm.path)
        org_id = asm.org or asm.id
        org = records.orgs.get(org_id)
        if year is None or org is None:
            continue
        start = getattr(asm, "assessed_on", None) or date(year + 1, 1, 31)
        if start > day:
            continue  # the grade is not known yet
        deadline = shift(start, span)
        targets = (org_id, asm.secretary or org.secretary or "")
        done = any(start <= d <= day for t in targets if t for d in issued.get(t, ()))
        if done and deadline < run.window_start:
            continue
        if not run.kept(org_id):
            continue
        status = deadline_status(done, deadline, rule.due_before, day)
        if not run.unwanted(status):
            yield Obligation(
                org_id,
                org.name or org_id,
                org_id,
                rule.id,
                str(deadline.year),
                status,
                1,
                int(done),
                deadline,
                rule.clause,
            )


def _weak(run: Run, rule: Rule) -> Iterator[Obligation]:
    """A weak and lax organisation (weak/<yyyy>/<org>.toml) rectified by its deadline (§12)."""
    day = run.as_of
    for rec in sorted(getattr(run.records, "weak", ()), key=attrgetter("path")):
        if rec.deadline is None:
            continue
        org_id = rec.org or rec.id
        if not run.kept(org_id):
            continue
        done = rec.rectified_on is not None and rec.rectified_on <= day
        if done and rec.deadline < run.window_start:
            continue
        status = deadline_status(done, rec.deadline, rule.due_before, day)
        if not run.unwanted(status):
            yield Obligation(
                org_id,
                run.org_name(org_id),
                org_id,
                rule.id,
                str(rec.deadline.year),
                status,
                1,
                int(done),
                rec.deadline,
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
    "followup": _followup,
    "weak": _weak,
    "step": _step,
    "training": _training,
    "receipt": _receipt,
    "mobile": _mobile,
    "interval": _judged_by_validate,
    "dues-standard": _judged_by_validate,
}

#: what the index of one evaluation reads (``build_index``)
_INDEXED = ("meetings", "reports", "letters", "assessments")

#: the kinds of record each rule type reads (as ``checks.Check.reads`` names them:
#: top folders, the settings, a member's dues rows apart): a change to none of
#: them leaves the type's obligations as they were (``gitops.local``); a test
#: watches every type's reads
READS: dict[str, frozenset[str]] = {
    kind: frozenset({"orgs", "settings", *reads})
    for kind, reads in {
        "meetings": _INDEXED,
        "report": _INDEXED,
        "letter": _INDEXED,
        "assessment": _INDEXED,
        "contact-lesson": (*_INDEXED, "members"),
        "secretary-lesson": (*_INDEXED, "members"),
        "pairing": (),
        "project": (),
        "election": (),
        "probation": ("members",),
        "step": ("members",),
        "mobile": ("members",),
        "receipt": ("members",),
        "training": ("members", "trainings"),
        "secretary-training": ("members", "trainings"),
        "dues": ("members", "dues"),
        "notice": ("members", "notices"),
        "followup": ("assessments", "notices"),
        "weak": ("weak",),
        "attendance": ("meetings", "members"),
        "appraisal": ("meetings", "members"),
        "disposition": ("meetings", "members"),
        "study-hours": ("meetings", "members", "trainings"),
        "interval": (),
        "dues-standard": (),
    }.items()
}

#: rule types whose obligations are about single members, each judged on the
#: member's own record, the settings and which orgs exist (never on meetings or
#: other members): a change to a few members is evaluated on those members alone,
#: the others' obligations kept from a whole evaluation (``gitops.local``)
LOCAL_TYPES = frozenset({"dues"})


def _evaluator(rule_type: str) -> Callable[[Run, Rule], Iterable[Obligation]]:
    """The evaluator of a rule type; participation's (rules/participation.py, which
    imports this module) are added on first use."""
    found = EVALUATORS.get(rule_type)
    if found is None:
        from .participation import EVALUATORS as more

        EVALUATORS.update(more)
        found = EVALUATORS[rule_type]
    return found


def evaluate(
    records: Any,
    as_of: date,
    since: date | None = None,
    rules: dict[str, Rule] | None = None,
    orgs: Iterable[str] | None = None,
    statuses: Iterable[str] | None = None,
    members: Iterable[str] | None = None,
) -> list[Obligation]:
    """Every obligation of the repository at ``as_of``, sorted by org, rule, period, subject.

    ``rules`` defaults to the repository's catalogue (builtin + dangjian.toml);
    ``orgs`` keeps only obligations whose responsible org is among them, and
    ``statuses`` only those with one of these statuses (a listing of findings
    then never builds, nor sorts, the many that are met). ``members``: the rules
    that judge members one by one judge only these (``Run.only``).
    """
    # the obligations are many small acyclic objects: collecting while they are
    # made only walks them again (a tenth of the time on a county)
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _evaluate(records, as_of, since, rules, orgs, statuses, members)
    finally:
        if collecting:
            gc.enable()


def _evaluate(
    records: Any,
    as_of: date,
    since: date | None,
    rules: dict[str, Rule] | None,
    orgs: Iterable[str] | None,
    statuses: Iterable[str] | None,
    members: Iterable[str] | None = None,
) -> list[Obligation]:
    if rules is None:
        rules = load_rules(records.settings)
    settings = records.settings
    keep = set(orgs) if orgs is not None else None
    run = Run(
        records=records,
        as_of=as_of,
        window_start=window_start(settings, as_of, since),
        tracking_since=settings.tracking_since if settings is not None else None,
        keep=keep,
        wanted=frozenset(statuses) if statuses is not None else None,
        only=frozenset(members) if members is not None else None,
        # the repository's catalogue, not the --rule selection: who answers for a
        # member must not depend on which rules are listed
        receipts_from=_receipts_from(load_rules(settings)),
    )
    out: list[Obligation] = []
    for rule in rules.values():
        out.extend(_evaluator(rule.type)(run, rule))
    if keep is not None:
        out = [ob for ob in out if ob.org in keep]
    if run.wanted is not None:
        out = [ob for ob in out if ob.status in run.wanted]
    out.sort(key=obligation_order)  # stable: ties keep each evaluator's order
    return out


def _receipts_from(rules: dict[str, Rule]) -> date | None:
    """From when transfers wait for their receipt (the adopted transfer-receipt rule)."""
    for rule in rules.values():
        if rule.type == "receipt" and rule.applies_from is not None:
            return rule.applies_from
    return None


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
    "unapplied",
    "window_start",
]
