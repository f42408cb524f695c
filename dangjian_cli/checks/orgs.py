"""Orgs: the top of the tree, secretary changes between elections (§6), branch size."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from ..i18n import Word, say
from ..problems import Problem, error, warning
from ..records import model as m
from . import Context, check

#: how high a committee stands; only the highest parentless ones may be the top
_RANK = {"county_committee": 0, "township_committee": 1, "street_committee": 1}
#: branches whose secretary changes between elections need the parent's decision (§6)
_SECTION6_KINDS = ("village_branch", "community_branch")
SMALL_BRANCH = 3
COMMITTEE_FROM = 7
LARGE_BRANCH = 50


@check("E-REQUIRED", reads=("orgs",))
def parent_required(ctx: Context) -> Iterator[Problem]:
    """Every org but the top names its `parent`.

    The top is a party committee with no parent: a county committee, or where the
    repository holds no parentless county committee (a township keeping its own
    records), the township/street committees without parent. A branch or leading
    group always has a parent, and so does a township when a county is the top.
    """
    tops = [o for o in ctx.records.orgs.values() if o.parent is None and o.kind in _RANK]
    best = min((_RANK[o.kind] for o in tops), default=None)  # type: ignore[index]
    for org in ctx.records.orgs.values():
        if org.parent is not None or org.kind is None:
            continue
        if org.kind in _RANK and _RANK[org.kind] == best:
            continue
        yield error(
            "E-REQUIRED",
            org.path,
            say(
                "missing required field `parent` (kind {kind} is not the top of the tree)",
                kind=Word(org.kind),
            ),
            ("kind",),
        )


def _full_counts(ctx: Context) -> tuple[Counter[str], Counter[str]]:
    """Full members and current members (probationary or full) kept by each org."""
    full: Counter[str] = Counter()
    now: Counter[str] = Counter()
    for mb in ctx.records.members.values():
        if mb.org and mb.status in m.MEMBER_NOW:
            now[mb.org] += 1
            if mb.status == "full":
                full[mb.org] += 1
    return full, now


@check("W-SMALL-BRANCH", "W-NO-COMMITTEE", "W-LARGE-BRANCH", dated=True, reads=("members", "orgs"))
def branch_size(ctx: Context) -> Iterator[Problem]:
    """Branch size by the standing rules: at least 3 full members; a committee from 7
    full members; a plain `branch` of more than 50 members should become a general
    branch.

    Counted on current statuses, for branches not dissolved. A general branch is
    not held to the minimum of 3: its members usually sit in its sub-branches.
    """
    full, now = _full_counts(ctx)
    for org in ctx.records.orgs.values():
        if not org.is_branch or (org.dissolved and org.dissolved <= ctx.today):
            continue
        n_full = full[org.id]
        if n_full < SMALL_BRANCH and org.kind != "general_branch":
            yield warning(
                "W-SMALL-BRANCH",
                org.path,
                say(
                    "only {n} full member; a branch needs at least {least}", n=1, least=SMALL_BRANCH
                )
                if n_full == 1
                else say(
                    "only {n} full members; a branch needs at least {least}",
                    n=n_full,
                    least=SMALL_BRANCH,
                ),
                ("kind",),
            )
        if n_full >= COMMITTEE_FROM and org.committee is None:
            yield warning(
                "W-NO-COMMITTEE",
                org.path,
                say(
                    "{n} full members but no committee; a branch of {least} or more elects one",
                    n=n_full,
                    least=COMMITTEE_FROM,
                ),
                ("kind",),
            )
        if org.kind == "branch" and now[org.id] > LARGE_BRANCH:
            yield warning(
                "W-LARGE-BRANCH",
                org.path,
                say(
                    "{n} members in a plain branch (more than {most}); "
                    "it should become a general branch",
                    n=now[org.id],
                    most=LARGE_BRANCH,
                ),
                ("kind",),
            )


@check("E-SECRETARY-CHANGE", reads=("meetings", "orgs"))
def secretary_changes(ctx: Context) -> Iterator[Problem]:
    """§6: a village or community secretary replaced between elections is decided by
    the parent org at a meeting held on or before the change, and approved by the
    county (`approved_by`, a county committee, and `approved_on`).

    A change is "at an election" when it falls on the committee's `elected` date or
    on the date of a meeting of the org that held an election; other changes are
    between elections. The approval may not come before the deciding meeting.
    """
    refs: dict[str, m.Meeting] | None = None
    for org in ctx.records.orgs.values():
        if org.kind not in _SECTION6_KINDS or not org.secretary_changes:
            continue
        elections = {mt.date for mt in ctx.records.meetings_of(org.id) if mt.election}
        if org.committee and org.committee.elected:
            elections.add(org.committee.elected)
        for i, ch in enumerate(org.secretary_changes):
            if ch.date is None or ch.date in elections:
                continue
            key = ("secretary_changes", i)
            what = say("secretary change of {day} (between elections)", day=ch.date)
            if ch.decided_at is None:
                yield error(
                    "E-SECRETARY-CHANGE",
                    org.path,
                    say(
                        "{what} needs `decided_at`: the parent org's meeting that decided it",
                        what=what,
                    ),
                    key,
                )
            else:
                if refs is None:
                    refs = ctx.records.meeting_refs()
                meeting = refs.get(ch.decided_at)
                if meeting is None:
                    yield error(
                        "E-SECRETARY-CHANGE",
                        org.path,
                        say("`decided_at` names no meeting: {ref!r}", ref=ch.decided_at),
                        (*key, "decided_at"),
                        hint=say("write it as <parent org>/<meeting file name without .toml>"),
                    )
                elif meeting.org != org.parent:
                    yield error(
                        "E-SECRETARY-CHANGE",
                        org.path,
                        say(
                            "`decided_at` {ref!r} is a meeting of {org!r}, "
                            "not of the parent org {parent!r}",
                            ref=ch.decided_at,
                            org=meeting.org,
                            parent=org.parent,
                        ),
                        (*key, "decided_at"),
                    )
                elif meeting.date and meeting.date > ch.date:
                    yield error(
                        "E-SECRETARY-CHANGE",
                        org.path,
                        say(
                            "`decided_at` meeting of {held} is after the change of {day}",
                            held=meeting.date,
                            day=ch.date,
                        ),
                        (*key, "decided_at"),
                    )
                elif meeting.date and ch.approved_on and ch.approved_on < meeting.date:
                    yield error(
                        "E-SECRETARY-CHANGE",
                        org.path,
                        say(
                            "`approved_on` {day} is before the deciding meeting of {held}",
                            day=ch.approved_on,
                            held=meeting.date,
                        ),
                        (*key, "approved_on"),
                    )
            for name in ("approved_by", "approved_on"):
                if getattr(ch, name) is None:
                    yield error(
                        "E-SECRETARY-CHANGE",
                        org.path,
                        say("{what} needs `{name}` (county approval)", what=what, name=name),
                        key,
                    )
            approver = ctx.records.orgs.get(ch.approved_by or "")
            if approver and approver.kind != "county_committee":
                yield error(
                    "E-SECRETARY-CHANGE",
                    org.path,
                    say(
                        "`approved_by` {org!r} is a {kind}, not the county committee",
                        org=ch.approved_by,
                        kind=Word(approver.kind or ""),
                    ),
                    (*key, "approved_by"),
                )
