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
  ``deadline``, and a correction judged by its ``until``.

Upgrading must not bury a clerk: a rule names in ``needs`` the record it reads
(``grades``, ``quorum_exempt``, ``trainings``). Until the repository sets
``applies_from`` for it in dangjian.toml, the rule is not judged and ``overdue``
prints one summary line for it (engine.unapplied) instead of a finding per
member; from then on, deadlines from that day are judged. The adoption is a
setting, not a guess from the records: every check of a part of the repository
(a review, a snapshot) then agrees with a check of the whole.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
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
        yield e.Obligation(
            mb.id,
            mb.name or mb.id,
            org_id,
            rule.id,
            str(deadline.year),
            status,
            1,
            0 if status != e.MET else 1,
            deadline,
            rule.clause,
        )


def attendance_rows(records: Any, org_id: str, year: int, kinds: Iterable[str]) -> list[dict]:
    """Each member of ``org_id`` in ``year``: meetings due, attended, excused, and the rate.

    A meeting is due for a member who was a (probationary or full) member of the org
    on its day; an absence with a reason or an approved exemption excuses it; the
    rate is attended / (due - excused).
    """
    wanted = set(kinds)
    meetings = [
        mt
        for mt in records.meetings_of(org_id)
        if mt.kind in wanted and mt.date is not None and mt.date.year == year
    ]
    out = []
    for mb in sorted(records.members.values(), key=lambda x: x.id):
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
                yield e.Obligation(
                    mb.id,
                    mb.name or mb.id,
                    org.id,
                    rule.id,
                    str(year),
                    status,
                    1,
                    int(done),
                    deadline,
                    rule.clause,
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
        late = (rows[0].date - deadline).days if done and rows[0].date > deadline else None  # type: ignore[operator]
        if late:
            status = e.MET_LATE
        if not run.unwanted(status):
            yield e.Obligation(
                mb.id,
                mb.name or mb.id,
                org,
                rule.id,
                str(mt.date.year),  # type: ignore[union-attr]
                status,
                1,
                int(done),
                deadline,
                rule.clause,
                None,
                late,
            )
        for row in rows:
            if row.kind != "correction" or row.until is None:
                continue
            closed = row.corrected_on is not None and row.corrected_on <= day
            if closed and row.until < run.window_start:
                continue
            status = e.deadline_status(closed, row.until, rule.due_before, day)
            if run.unwanted(status):
                continue
            yield e.Obligation(
                mb.id,
                mb.name or mb.id,
                org,
                rule.id,
                f"{row.until:%Y-%m}",
                status,
                1,
                int(closed),
                row.until,
                rule.clause,
            )


EVALUATORS = {
    "attendance": _attendance,
    "appraisal": _appraisal,
    "disposition": _disposition,
}
