"""Participation and the people who lead: party groups, attendance, appraisal, study.

Evaluators of the rule types of builtin.toml that read who took part, not only
whether a meeting was held:

* ``party-group`` counts each of a branch's ``[[groups]]`` on its own (the
  ``meetings`` type, per group: see :func:`group_obligations`);
* ``attendance`` (self-withdrawal-review): six consecutive months without attending
  any of the org's counted meetings, absences with a reason and approved
  exemptions excused (the party constitution's six-month rule);
* ``appraisal`` (appraisal-coverage): every full member graded in the year's
  democratic appraisal;
* ``disposition`` (unqualified-followup): an ``unqualified`` grade disposed of within
  ``deadline``, and a correction judged by its ``until``;
* ``study-hours``: a member's hours of a calendar year, from the trainings they took
  part in (trainings/<yyyy>/<id>.toml) and their org's party lessons they attended;
* ``secretary-training`` and ``secretary-lesson``: the secretary in office at the
  year's end took part in a training for secretaries, and lectured a party lesson
  in the org, that year.

Upgrading must not bury a clerk: a rule names in ``needs`` the record it reads
(``grades``, ``quorum_exempt``, ``trainings``). Until the repository sets
``applies_from`` for it in dangjian.toml, the rule is not judged and ``overdue``
prints one summary line for it (engine.unapplied) instead of a finding per
member; from then on, deadlines from that day are judged. The adoption is a
setting, not a guess from the records: every check of a part of the repository
(a review, a snapshot) then agrees with a check of the whole.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from ..records import model as m
from . import engine as e
from .catalog import Rule
from .periods import shift


def _judged(run: e.Run, rule: Rule) -> bool:
    """Whether the rule is judged: a rule that ``needs`` a record is judged only once
    the repository says from when it keeps it (``applies_from``; engine.unapplied)."""
    return not (rule.needs and rule.applies_from is None)


def _before_adoption(rule: Rule, deadline: date) -> bool:
    """A deadline before the day the repository began keeping the rule's records."""
    return rule.applies_from is not None and deadline < rule.applies_from


def _period_before_adoption(rule: Rule, first: date) -> bool:
    """A period (a year of study, of training) that began before the repository kept the
    rule's records: part of it was never recorded, so it is not judged."""
    return rule.applies_from is not None and first < rule.applies_from


# ---- party groups ---------------------------------------------------------------------


def group_obligations(
    run: e.Run, rule: Rule, org: m.Org, slots: list[Any]
) -> Iterator[e.Obligation]:
    """The monthly party-group obligations of an org with ``[[groups]]``, one per group.

    The subject is ``<org>/<group>``: a group that did not meet is short even when
    the branch's other groups met.
    """
    dates: dict[str, list[date]] = defaultdict(list)
    for mt in run.records.meetings_of(org.id):
        if mt.kind == rule.counts and mt.date is not None and mt.group:
            dates[mt.group].append(mt.date)
    for group in org.groups:
        if not group.id:
            continue
        held = sorted(dates.get(group.id, ()))
        subject = f"{org.id}/{group.id}"
        name = f"{org.name or org.id} {group.name or group.id}"
        for _p, label, first, last, deadline, short in slots:
            found = e._count(held, first, last) if held else 0
            status = e.MET if found >= rule.min else short
            if run.unwanted(status):
                continue
            yield e.Obligation(
                subject,
                name,
                org.id,
                rule.id,
                label,
                status,
                rule.min,
                found,
                deadline,
                rule.clause,
            )


# ---- attendance ---------------------------------------------------------------------


def attendance_index(
    records: Any, kinds: Iterable[str]
) -> tuple[dict[str, list[date]], dict[str, list[tuple[date, frozenset[str]]]]]:
    """Per member, the days they attended or were excused (with a reason) from a counted
    meeting; per org, each counted meeting's day with the members it excused."""
    wanted = set(kinds)
    seen: dict[str, list[date]] = defaultdict(list)
    held: dict[str, list[tuple[date, frozenset[str]]]] = defaultdict(list)
    for mt in records.meetings:
        if mt.kind not in wanted or mt.date is None:
            continue
        excused = frozenset(ab.member for ab in mt.absent if ab.member and ab.reason)
        for who in mt.attendees:
            seen[who].append(mt.date)
        for who in excused:
            seen[who].append(mt.date)
        held[mt.org].append((mt.date, excused))
    for days in seen.values():
        days.sort()
    for rows in held.values():
        rows.sort(key=lambda row: row[0])
    return dict(seen), dict(held)


def _since(mb: m.Member, org: str, day: date, tracking: date | None) -> date | None:
    """The first day a member was due at ``org``'s meetings in their current stay."""
    start = mb.admitted
    for t in mb.transfers:
        if t.to == org and t.date and t.date <= day and (start is None or t.date > start):
            start = t.date
    if start is None:
        return None
    return max(start, tracking) if tracking else start


def last_seen(
    mb: m.Member, org: str, day: date, seen: list[date], tracking: date | None
) -> date | None:
    """The last day on or before ``day`` the member took part, was excused, or was exempt
    (or, lacking one, the day they became due); None if never due."""
    start = _since(mb, org, day, tracking)
    if start is None or start > day:
        return None
    last = start
    if seen:
        from bisect import bisect_right

        i = bisect_right(seen, day)
        if i:
            last = max(last, seen[i - 1])
    for ex in mb.quorum_exempt:
        if ex.since is None or ex.since > day:
            continue
        if ex.until is None or ex.until >= day:
            return day  # exempt today
        last = max(last, ex.until)
    return last


def _attendance(run: e.Run, rule: Rule) -> Iterator[e.Obligation]:
    """``months`` consecutive months without taking part: a finding on the member."""
    if not _judged(run, rule):
        return
    day = run.as_of
    seen, held = attendance_index(run.records, rule.meeting_kinds)
    orgs = run.records.orgs
    span = f"{rule.months}m"
    for member_id in run.member_ids:
        mb = run.records.members[member_id]
        if mb.status not in m.MEMBER_NOW or mb.status_on(day) is None:
            continue
        org_id = run.member_org(mb)
        org = orgs.get(org_id)
        if org is None or (rule.kinds and org.kind not in rule.kinds) or not run.kept(org_id):
            continue
        last = last_seen(mb, org_id, day, seen.get(mb.id, []), run.tracking_since)
        if last is None:
            continue
        deadline = shift(last, span) - timedelta(days=1)
        if _before_adoption(rule, deadline):
            continue
        missed = sum(
            1 for d, excused in held.get(org_id, ()) if last < d <= day and mb.id not in excused
        )
        status = e.deadline_status(False, deadline, rule.due_before, day)
        if status == e.UPCOMING or not missed:
            status = e.MET
        if run.unwanted(status):
            continue
        yield e._member_obligation(
            mb, org_id, rule, str(deadline.year), status, 1, int(status == e.MET), deadline
        )


def attendance_rows(
    records: Any,
    org_id: str,
    year: int,
    kinds: Iterable[str],
    members: Iterable[m.Member] | None = None,
    span: tuple[date, date] | None = None,
) -> list[dict]:
    """Each member of ``org_id`` in ``year``: meetings due, attended, excused, and the rate.

    A meeting is due for a member who was a (probationary or full) member of the org
    on its day; an absence with a reason or an approved exemption excuses it; the
    rate is attended / (due - excused). ``members``: the members who may have
    belonged to the org (default: all; a county's summary passes each org's own);
    ``span``: the first and last day counted, within ``year`` (default: all of it).
    """
    wanted = set(kinds)
    first, last = span or (date(year, 1, 1), date(year, 12, 31))
    meetings = [
        mt
        for mt in records.meetings_of(org_id)
        if mt.kind in wanted and mt.date is not None and first <= mt.date <= last
    ]
    out = []
    if not meetings:
        return out
    pool = records.members.values() if members is None else members
    for mb in sorted(pool, key=lambda x: x.id):
        due = attended = excused = 0
        for mt in meetings:
            if mb.status_on(mt.date) is None or mb.org_on(mt.date) != org_id:
                continue
            if mt.kind == "party_group" and mt.group:
                org = records.orgs.get(org_id)
                group = next((g for g in org.groups if g.id == mt.group), None) if org else None
                if group is not None and group.members and mb.id not in group.members:
                    continue  # another group's meeting
            due += 1
            if mb.id in mt.attendees:
                attended += 1
            elif mb.exempt_on(mt.date) or any(ab.member == mb.id and ab.reason for ab in mt.absent):
                excused += 1
        if not due:
            continue
        owed = due - excused
        out.append(
            {
                "member": mb.id,
                "name": mb.name or mb.id,
                "org": org_id,
                "due": due,
                "attended": attended,
                "excused": excused,
                "rate": round(attended / owed, 3) if owed else None,
            }
        )
    return out


# ---- democratic appraisal -----------------------------------------------------------


def _appraisals(records: Any, org_id: str) -> list[m.Meeting]:
    return [
        mt
        for mt in records.meetings_of(org_id)
        if mt.kind == "democratic_appraisal" and mt.date is not None
    ]


def _appraisal(run: e.Run, rule: Rule) -> Iterator[e.Obligation]:
    """Every full member of a branch graded in the year's democratic appraisal.

    Judged for each year whose appraisal was held (the democratic-appraisal rule owes
    the meeting itself): the members full on the day of the year's last appraisal
    meeting must be graded in one of the year's appraisal meetings.
    """
    if not _judged(run, rule):
        return
    day = run.as_of
    members = run.records.members
    roll: dict[str, list[m.Member]] = defaultdict(list)
    for mb in members.values():
        for org in {mb.org} | {t.to for t in mb.transfers}:
            if org:
                roll[org].append(mb)
    for org in e._orgs(run, rule):
        meetings = [mt for mt in _appraisals(run.records, org.id) if mt.date <= day]  # type: ignore[operator]
        years: dict[int, list[m.Meeting]] = defaultdict(list)
        for mt in meetings:
            years[mt.date.year].append(mt)  # type: ignore[union-attr]
        for year, held in sorted(years.items()):
            last = max(mt.date for mt in held)  # type: ignore[type-var]
            deadline = last + timedelta(days=rule.grace_days)  # type: ignore[operator]
            if deadline < run.window_start or _before_adoption(rule, deadline):
                continue
            graded = {g.member for mt in held for g in mt.grades if g.member and g.grade}
            for mb in sorted(roll.get(org.id, ()), key=lambda x: x.id):
                if not mb.is_voting_in(org.id, last):  # type: ignore[arg-type]
                    continue
                done = mb.id in graded
                status = e.MET if done else (e.DUE if day <= deadline else e.OVERDUE)
                if run.unwanted(status):
                    continue
                yield e._member_obligation(
                    mb, org.id, rule, str(year), status, 1, int(done), deadline
                )


def unqualified(records: Any) -> list[tuple[m.Meeting, str]]:
    """(appraisal meeting, member) for every ``unqualified`` grade."""
    return [
        (mt, g.member)
        for mt in records.meetings
        if mt.kind == "democratic_appraisal" and mt.date is not None
        for g in mt.grades
        if g.grade == "unqualified" and g.member
    ]


def _disposition(run: e.Run, rule: Rule) -> Iterator[e.Obligation]:
    """An ``unqualified`` grade disposed of within ``deadline`` of the appraisal; a
    correction's ``until`` passed without ``corrected_on`` is overdue."""
    if not _judged(run, rule):
        return
    day = run.as_of
    span = (rule.deadline or "+30d").lstrip("+")
    members = run.records.members
    for mt, who in unqualified(run.records):
        mb = members.get(who)
        if mb is None or mt.date > day:  # type: ignore[operator]
            continue
        org = mt.org
        if not run.kept(org):
            continue
        deadline = shift(mt.date, span)  # type: ignore[arg-type]
        if _before_adoption(rule, deadline):
            continue
        rows = sorted(
            (d for d in mb.dispositions if d.date and mt.date <= d.date <= day),  # type: ignore[operator]
            key=lambda d: d.date,  # type: ignore[arg-type,return-value]
        )
        done = bool(rows)
        if done and deadline < run.window_start and not any(r.kind == "correction" for r in rows):
            continue
        status = e.deadline_status(done, deadline, rule.due_before, day)
        status, late = e._late(status, rows[0].date if done else None, deadline)
        if not run.unwanted(status):
            year = str(mt.date.year)  # type: ignore[union-attr]
            yield e._member_obligation(mb, org, rule, year, status, 1, int(done), deadline, late)
        for row in rows:
            if row.kind != "correction" or row.until is None:
                continue
            closed = row.corrected_on is not None and row.corrected_on <= day
            if closed and row.until < run.window_start:
                continue
            status = e.deadline_status(closed, row.until, rule.due_before, day)
            if run.unwanted(status):
                continue
            yield e._member_obligation(
                mb, org, rule, f"{row.until:%Y-%m}", status, 1, int(closed), row.until
            )


# ---- study hours and training ---------------------------------------------------------

#: one training a member took part in: the day it ended, its audience, the hours earned
Taken = tuple[date, str | None, Decimal]
#: the meetings whose attendance counts as study when a rule names none
LESSON_KINDS = ("party_lesson",)


def member_trainings(records: Any) -> dict[str, list[Taken]]:
    """Per member, every training they took part in (the trainings are few; their
    participants are read once)."""
    out: dict[str, list[Taken]] = defaultdict(list)
    for t in records.trainings:
        last = t.last_day
        if last is None:
            continue
        seen: set[str] = set()
        for p in t.participants:
            if not p.member or p.member in seen:
                continue  # a participant listed twice counts once (E-TRAINING)
            seen.add(p.member)
            hours = p.hours if p.hours is not None else t.hours
            out[p.member].append((last, t.audience, hours or Decimal(0)))
    return dict(out)


def trainings_by_member(run: e.Run) -> dict[str, list[Taken]]:
    """:func:`member_trainings`, built once per evaluation."""
    found = run.shared.get("trainings")
    if found is None:
        found = run.shared["trainings"] = member_trainings(run.records)
    return found


def training_hours(
    taken: Iterable[Taken], first: date, last: date, audiences: Iterable[str] = ()
) -> Decimal:
    """The hours of the trainings (of ``audiences``, or any) that ended in ``first``..``last``."""
    wanted = set(audiences)
    return sum(
        (h for day, aud, h in taken if first <= day <= last and (not wanted or aud in wanted)),
        Decimal(0),
    )


def lessons_attended(
    records: Any,
    kinds: Iterable[str],
    upto: date,
    only: Mapping[str, m.Member] | None = None,
) -> Counter[tuple[str, int]]:
    """(member, year) -> how many of their own org's meetings of ``kinds`` (party
    lessons) they attended by ``upto``. A lesson of another org does not count: a
    member studies with the branch that keeps their membership. ``only``: the
    members (by id) whose lessons are wanted; the others are not counted."""
    wanted = set(kinds)
    member = (records.members if only is None else only).get
    counts: dict[tuple[str, int], int] = {}
    count = counts.get
    for mt in records.meetings:
        day = mt.date
        if mt.kind not in wanted or day is None or day > upto:
            continue
        org, year = mt.org, day.year
        for who in mt.attendees:
            mb = member(who)
            if mb is not None and (mb.org_on(day) if mb.transfers else mb.org) == org:
                key = (who, year)
                counts[key] = count(key, 0) + 1
    return Counter(counts)


def owes_study(mb: m.Member, year: int, last: date) -> bool:
    """A member owes a year's study hours if they were a (probationary or full) member
    on its first day and still are on ``last`` (a member admitted during the year
    owes from the next)."""
    return mb.status_on(date(year, 1, 1)) in m.MEMBER_NOW and mb.status_on(last) is not None


def _study(run: e.Run, rule: Rule) -> Iterator[e.Obligation]:
    """At least ``min_hours`` a calendar year per member, from the trainings ended in the
    year and ``lesson_hours`` for each of their org's party lessons they attended."""
    if not _judged(run, rule):
        return
    day = run.as_of
    members = run.records.members
    taken = trainings_by_member(run)
    # judging a few members (Run.only): only their lessons are counted
    only = {i: members[i] for i in run.member_ids} if run.only is not None else None
    lessons = lessons_attended(run.records, rule.meeting_kinds or LESSON_KINDS, day, only)
    for p in run.periods("year"):
        year = p.start.year
        deadline = p.end + timedelta(days=rule.grace_days)
        if _period_before_adoption(rule, p.start):
            continue
        last = min(p.end, day)
        for member_id in run.member_ids:
            mb = members[member_id]
            if mb.status not in rule.kinds or not owes_study(mb, year, last):
                continue
            org = run.member_org(mb)
            if not run.kept(org):
                continue
            hours = training_hours(taken.get(member_id, ()), p.start, last)
            hours += rule.lesson_hours * lessons[(member_id, year)]
            status = e.deadline_status(hours >= rule.min_hours, deadline, rule.due_before, day)
            if run.unwanted(status):
                continue
            yield e._member_obligation(
                mb, org, rule, str(year), status, rule.min_hours, hours_value(hours), deadline
            )


def study_rows(records: Any, orgs: Iterable[str], year: int, rule: Rule, upto: date) -> list[dict]:
    """Each member of ``orgs`` who owes ``year``'s study hours: hours of training,
    party lessons attended and their hours, the total against the standard, and the
    shortfall (as the study-hours rule counts them, by ``upto`` at the latest)."""
    first, last = date(year, 1, 1), min(date(year, 12, 31), upto)
    wanted = set(orgs)
    taken = member_trainings(records)
    owing: dict[str, tuple[m.Member, str | None]] = {}
    for mb in sorted(records.members.values(), key=lambda x: x.id):
        org = mb.org_on(last) if mb.transfers else mb.org
        if org not in wanted or mb.status not in rule.kinds or not owes_study(mb, year, last):
            continue
        owing[mb.id] = (mb, org)
    # only the owing members' lessons: the county's other attendees go uncounted
    only = {mid: mb for mid, (mb, _org) in owing.items()}
    lessons = lessons_attended(records, rule.meeting_kinds or LESSON_KINDS, last, only)
    out = []
    for mb, org in owing.values():
        trained = training_hours(taken.get(mb.id, ()), first, last)
        count = lessons[(mb.id, year)]
        total = trained + rule.lesson_hours * count
        out.append(
            {
                "org": org,
                "member": mb.id,
                "name": mb.name or mb.id,
                "trainings": hours_value(trained),
                "lessons": count,
                "lesson_hours": rule.lesson_hours * count,
                "total": hours_value(total),
                "standard": rule.min_hours,
                "shortfall": hours_value(max(Decimal(rule.min_hours) - total, Decimal(0))),
            }
        )
    return out


def hours_value(hours: Decimal | int) -> int | float:
    """Hours as a plain number: 24, or 31.5. An int when whole, so that a whole
    number prints and serialises as before (``24``, not ``24.0``); a float
    otherwise, so that JSON gives a number a consumer can compare and sum (a
    training's hours have a decimal or two: the float prints them exactly)."""
    hours = Decimal(hours)
    return int(hours) if hours == hours.to_integral_value() else float(hours)


def secretary_on(org: m.Org, day: date) -> str | None:
    """The org's secretary on ``day``, following ``[[secretary_changes]]`` (the record's
    `secretary` from the last change on, or where it records none)."""
    changes = sorted(
        (ch for ch in org.secretary_changes if ch.date and ch.to),
        key=lambda ch: ch.date,  # type: ignore[arg-type,return-value]
    )
    if not changes:
        return org.secretary
    if day < changes[0].date:  # type: ignore[operator]
        return changes[0].from_
    current = changes[0].to
    for ch in changes[1:]:
        if ch.date > day:  # type: ignore[operator]
            return current
        current = ch.to
    return org.secretary or current


def _trainings_of(run: e.Run, rule: Rule, org: m.Org, who: str, first: date, last: date) -> int:
    taken = trainings_by_member(run).get(who, ())
    wanted = set(rule.audiences)
    return sum(
        1 for day, aud, _h in taken if first <= day <= last and (not wanted or aud in wanted)
    )


def _lectures_of(run: e.Run, rule: Rule, org: m.Org, who: str, first: date, last: date) -> int:
    dates = run.index.lectures.get((org.id, rule.counts or "party_lesson", who))
    return e._count(dates, first, last) if dates else 0


def _secretary(count: Any) -> Any:
    """An evaluator of what the secretary in office at a period's end owes in it: ``min``
    of what ``count`` counts (trainings for secretaries, lessons lectured in the org)."""

    def evaluate(run: e.Run, rule: Rule) -> Iterator[e.Obligation]:
        if not _judged(run, rule):
            return
        day = run.as_of
        members = run.records.members
        for p in run.periods(rule.period or "year"):
            deadline = p.end + timedelta(days=rule.grace_days)
            if _period_before_adoption(rule, p.start):
                continue
            last = min(p.end, day)
            for org in e._orgs(run, rule):
                if not e.owed_in(org, p):
                    continue
                who = secretary_on(org, last)
                if not who:
                    continue
                found = count(run, rule, org, who, p.start, last)
                status = e.deadline_status(found >= rule.min, deadline, rule.due_before, day)
                if run.unwanted(status):
                    continue
                mb = members.get(who)
                yield e.Obligation(
                    who,
                    (mb.name if mb else None) or who,
                    org.id,
                    rule.id,
                    p.label,
                    status,
                    rule.min,
                    found,
                    deadline,
                    rule.clause,
                )

    return evaluate


EVALUATORS = {
    "attendance": _attendance,
    "appraisal": _appraisal,
    "disposition": _disposition,
    "study-hours": _study,
    "secretary-training": _secretary(_trainings_of),
    "secretary-lesson": _secretary(_lectures_of),
}
