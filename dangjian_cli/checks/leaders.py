"""Who may lead (§4, §6): secretaries and committee members belong to the org they lead.

A branch's secretary must be a full member of that branch on every day of the
term; a party committee's (county, township, street) a full member of an org in
its subtree; a branch committee's members members of the branch (full or
probationary). A term runs from the secretary change that named the secretary
(or the committee's election, or the org's founding) to the next change, or to
the day of the check.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from ..i18n import Message, Word, say
from ..problems import Key, Problem, error
from ..records import model as m
from . import Context, check


def _terms(org: m.Org, today: date) -> list[tuple[str, date, date, Key]]:
    """(secretary, first day, last day, key) of each term the record states.

    Without ``[[secretary_changes]]`` the current secretary is judged on the day
    of the check only (and from the committee's election when one is recorded):
    the record does not say since when they lead.
    """
    end = min(today, org.dissolved) if org.dissolved else today
    changes = sorted(
        ((i, ch) for i, ch in enumerate(org.secretary_changes) if ch.date and ch.to),
        key=lambda pair: pair[1].date,  # type: ignore[arg-type,return-value]
    )
    out: list[tuple[str, date, date, Key]] = []
    for n, (i, ch) in enumerate(changes):
        if ch.date > end:  # type: ignore[operator]
            break
        last = end
        if n + 1 < len(changes):
            last = min(end, changes[n + 1][1].date - timedelta(days=1))  # type: ignore[operator]
        out.append((ch.to, ch.date, last, ("secretary_changes", i, "to")))  # type: ignore[arg-type]
    if org.secretary and not any(who == org.secretary for who, *_ in out[-1:]):
        first = end
        if org.committee and org.committee.elected and org.committee.elected <= end:
            first = org.committee.elected
        if changes and changes[-1][1].date and changes[-1][1].date <= end:
            first = max(first, changes[-1][1].date)  # type: ignore[type-var]
        out.append((org.secretary, first, end, ("secretary",)))
    return out


def _days_to_check(mb: m.Member, first: date, last: date) -> list[date]:
    """The days on which a member's org or status may change within a term."""
    days = {first, last}
    for t in mb.transfers:
        if t.date and first < t.date <= last:
            days.add(t.date)
    for d in (mb.left_on, mb.full_since, mb.admitted):
        if d and first < d <= last:
            days.add(d)
    return sorted(days)


def _first_outside(
    mb: m.Member, orgs: set[str], first: date, last: date, statuses: tuple[str, ...]
) -> tuple[date, Message] | None:
    """The first day of the term the member is not a member of ``orgs`` in ``statuses``."""
    for day in _days_to_check(mb, first, last):
        status = mb.status_on(day)
        if status not in statuses:
            if status is None:
                return day, say("is not a party member on {day}", day=day)
            return day, say("is {status} on {day}", status=Word(status), day=day)
        where = mb.org_on(day)
        if where not in orgs:
            return day, say("belongs to {org!r} on {day}", org=where, day=day)
    return None


@check("E-SECRETARY", dated=True, reads=("members", "orgs"))
def secretaries(ctx: Context) -> Iterator[Problem]:
    """A secretary is a full member of the branch (or, for a party committee, of an
    org in its subtree) on every day of the term; a branch committee's members are
    members of the branch (full or probationary)."""
    records = ctx.records
    members = records.members
    for org in records.orgs.values():
        if org.kind is None or org.kind == "leading_group":
            continue
        if org.is_branch:
            scope = {org.id}
            where = say("branch {org!r}", org=org.id)
        elif org.kind in m.COMMITTEE_KINDS:
            scope = set(records.subtree(org.id))
            where = say("an org under {org!r}", org=org.id)
        else:
            continue
        for who, first, last, key in _terms(org, ctx.today):
            mb = members.get(who)
            if mb is None:
                continue  # E-REFERENCE says so
            outside = _first_outside(mb, scope, first, last, ("full",))
            if outside is not None:
                yield error(
                    "E-SECRETARY",
                    org.path,
                    say(
                        "secretary {who!r} must be a full member of {where} from {first} "
                        "to {last}, but {why}",
                        who=who,
                        where=where,
                        first=first,
                        last=last,
                        why=outside[1],
                    ),
                    key,
                )
        if not org.is_branch or org.committee is None or not org.committee.elected:
            continue
        first = org.committee.elected
        last = min(ctx.today, org.dissolved) if org.dissolved else ctx.today
        if first > last:
            continue
        for i, who in enumerate(org.committee.members):
            mb = members.get(who)
            if mb is None:
                continue
            outside = _first_outside(mb, {org.id}, first, last, m.MEMBER_NOW)
            if outside is not None:
                yield error(
                    "E-SECRETARY",
                    org.path,
                    say(
                        "committee member {who!r} must be a member of branch {org!r} "
                        "from the election of {first}, but {why}",
                        who=who,
                        org=org.id,
                        first=first,
                        why=outside[1],
                    ),
                    ("committee", "members", i),
                )
