"""Meetings: file name agrees with the record, attendance is consistent, quorum is met."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from ..i18n import say
from ..problems import Problem, error
from ..records import layout
from ..records import model as m
from . import Context, check


@check("E-MEETING-DATE", heavy=True, reads=("meetings",), each="meetings")
def name_matches(ctx: Context) -> Iterator[Problem]:
    """A meeting's `date` and `kind` are the ones its file name spells out."""
    for mt in ctx.records.meetings:
        stem = mt.path.rsplit("/", 1)[-1][:-5]
        parts = layout.MEETING_STEM.match(stem)
        if parts is None:  # pragma: no cover - the layout refuses such files first
            continue
        if mt.date is not None and mt.date.isoformat() != parts["date"]:
            yield error(
                "E-MEETING-DATE",
                mt.path,
                say(
                    "`date` {date} differs from the file name's date {named}",
                    date=mt.date,
                    named=parts["date"],
                ),
                ("date",),
                hint=say("rename the file or correct the date"),
            )
        if mt.kind is not None and mt.kind != parts["kind"]:
            yield error(
                "E-MEETING-DATE",
                mt.path,
                say(
                    "`kind` {kind!r} differs from the file name's kind {named!r}",
                    kind=mt.kind,
                    named=parts["kind"],
                ),
                ("kind",),
            )


@check("E-ATTENDANCE", heavy=True, reads=("meetings",), each="meetings")
def attendance(ctx: Context) -> Iterator[Problem]:
    """Nobody is listed twice as attending, twice as absent, or as both."""
    for mt in ctx.records.meetings:
        if not mt.absent and len(set(mt.attendees)) == len(mt.attendees):
            continue  # the usual case: nobody absent, nobody twice
        seen: set[str] = set()
        for i, who in enumerate(mt.attendees):
            if who in seen:
                yield error(
                    "E-ATTENDANCE",
                    mt.path,
                    say("{who!r} is listed twice in `attendees`", who=who),
                    ("attendees", i),
                )
            seen.add(who)
        absent: set[str] = set()
        for i, ab in enumerate(mt.absent):
            if ab.member is None:
                continue
            key = ("absent", i, "member")
            if ab.member in seen:
                yield error(
                    "E-ATTENDANCE",
                    mt.path,
                    say("{who!r} is listed both in `attendees` and as absent", who=ab.member),
                    key,
                )
            elif ab.member in absent:
                yield error(
                    "E-ATTENDANCE",
                    mt.path,
                    say("{who!r} is listed twice as absent", who=ab.member),
                    key,
                )
            absent.add(ab.member)


def _roll(ctx: Context) -> dict[str, list[m.Member]]:
    """Members who may ever have belonged to each org (own org or a transfer end).

    Built once so that quorum costs one pass over a few members per meeting,
    not over the whole membership.
    """
    roll: dict[str, list[m.Member]] = defaultdict(list)
    for mb in ctx.records.members.values():
        orgs = {mb.org} | {t.to for t in mb.transfers} | {t.from_ for t in mb.transfers}
        for org in orgs:
            if org:
                roll[org].append(mb)
    return roll


def _need(total: int, num: int, den: int) -> int:
    """Smallest count that is more than num/den of ``total``."""
    return total * num // den + 1


@check("E-QUORUM", heavy=True, reads=("meetings", "members", "orgs"), each="meetings")
def quorum(ctx: Context) -> Iterator[Problem]:
    """A branch assembly has more than half of the org's voting (full) members present,
    more than 4/5 when it holds an election; a committee meeting more than half of
    the committee.

    Members excused with approval on the day (`[[quorum_exempt]]`: away, ill) leave
    the count of those due to attend.

    Only voting members among the attendees count (probationary members and guests
    may attend but do not make the quorum). An org with no voting member on the
    roll that day is not checked: there is nothing recorded to measure against. A
    committee meeting is checked only from the committee's `elected` date on,
    because the file lists only the current committee.
    """
    roll: dict[str, list[m.Member]] | None = None
    for mt in ctx.records.meetings:
        if mt.date is None:
            continue
        present = set(mt.attendees)
        if mt.kind == "branch_assembly":
            if roll is None:
                roll = _roll(ctx)
            # members excused with approval ([[quorum_exempt]]) are not due unless they came
            voting = {
                mb.id
                for mb in roll.get(mt.org, ())
                if mb.is_voting_in(mt.org, mt.date)
                and (mb.id in present or not (mb.quorum_exempt and mb.exempt_on(mt.date)))
            }
            if not voting:
                continue
            came = len(voting & present)
            num, den = (4, 5) if mt.election else (1, 2)
            need = _need(len(voting), num, den)
            if came < need:
                counted = {"voting": len(voting), "need": need, "came": came}
                yield error(
                    "E-QUORUM",
                    mt.path,
                    say(
                        "an election needs more than 4/5 of {voting} voting members ({need}); "
                        "{came} present",
                        **counted,
                    )
                    if mt.election
                    else say(
                        "a branch assembly needs more than half of {voting} voting members "
                        "({need}); {came} present",
                        **counted,
                    ),
                    ("attendees",),
                )
        elif mt.kind == "branch_committee":
            org = ctx.records.orgs.get(mt.org)
            committee = org.committee if org else None
            if committee is None or not committee.members:
                continue
            if committee.elected and mt.date < committee.elected:
                continue
            seats = set(committee.members)
            came = len(seats & present)
            need = _need(len(seats), 1, 2)
            if came < need:
                yield error(
                    "E-QUORUM",
                    mt.path,
                    say(
                        "a committee meeting needs more than half of {seats} committee "
                        "members ({need}); {came} present",
                        seats=len(seats),
                        need=need,
                        came=came,
                    ),
                    ("attendees",),
                )
