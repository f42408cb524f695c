"""Who is on an org's roll on a day, and who left it in a span of days.

A record keeps a person's present status; reports and `status` need the status
on a past day: a member who died in 2024 is not on a 2026 roll, one admitted in
August is not on June's, one who left in the period is counted apart.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

from .model import LEFT_STATUSES, STAGE_STARTS

#: the stages before admission (probationary and full: ``Member.status_on``)
_BEFORE_ADMISSION = STAGE_STARTS[2:]


def stage_reached(
    member: Any, day: date, stages: tuple[tuple[str, str], ...] = STAGE_STARTS
) -> str | None:
    """The status begun by the latest of the ``stages`` dates (field, status; the
    latest stage first) that is on or before ``day``; None if none is."""
    for field, status in stages:
        since = getattr(member, field)
        if since is not None and since <= day:
            return status
    return None


def roll_status(member: Any, day: date) -> str | None:
    """The status a person had on the roll on ``day``; None before joining the
    pipeline or after leaving (a leaver without ``left_on`` left before any report)."""
    if member.left_on is not None and day >= member.left_on:
        return None
    if member.status in LEFT_STATUSES:
        if member.left_on is None:
            return None
        day = min(day, member.left_on - timedelta(days=1))
    status = member.status_on(day)
    if status is not None:
        return status
    stage = stage_reached(member, day, _BEFORE_ADMISSION)
    if stage is not None:
        return stage
    if member.status in ("applicant", "activist", "candidate") and not any(
        (member.applied, member.activist_since, member.candidate_since)
    ):
        return member.status  # no dates kept: take the record's word for it
    return None


def roll(records: Any, keep: set[str], start: date, end: date) -> tuple[Counter, Counter]:
    """People on the roll of the orgs in ``keep`` at ``end`` by status, and those who
    left in ``start``..``end`` by how they left (never counted in the first)."""
    present: Counter[str] = Counter()
    left: Counter[str] = Counter()
    for mb in records.members.values():
        if mb.left_on is not None and start <= mb.left_on <= end:
            if mb.org_on(mb.left_on - timedelta(days=1)) in keep:
                left[mb.status if mb.status in LEFT_STATUSES else "transferred_out"] += 1
            continue
        status = roll_status(mb, end)
        if status is not None and mb.org_on(end) in keep:
            present[status] += 1
    return present, left
