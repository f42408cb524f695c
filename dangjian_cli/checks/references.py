"""References: every org, member and meeting id a record names must exist."""

from __future__ import annotations

from collections.abc import Iterator

from ..i18n import say
from ..problems import Key, Problem, error
from ..records import layout
from . import Context, check


class _Refs:
    """Shared lookups so each reference check is one line per field.

    Built once per validation (the four checks share it): finding the ids whose
    file did not load is a pass over every path.
    """

    def __init__(self, ctx: Context) -> None:
        self.orgs = ctx.records.orgs
        self.members = ctx.records.members
        # ids whose file exists but did not load: its own error says why, and every
        # reference to it would only repeat that error in other files
        self.orgs_unloaded = _unloaded(ctx, "orgs/", self.orgs)
        self.members_unloaded = _unloaded(ctx, "members/", self.members)
        # records loaded on a change's scope: what lies beyond it exists too
        self.elsewhere = ctx.records.elsewhere

    def _beyond(self, folder: str, value: str) -> bool:
        """Whether ``value``'s file lies beyond a scoped load (and so exists)."""
        return self.elsewhere is not None and self.elsewhere(f"{folder}{value}.toml")

    def org(self, path: str, value: str | None, key: Key, what: str) -> Iterator[Problem]:
        if value is not None and not self.known_org(value):
            yield error(
                "E-REF-ORG", path, say("{what} names unknown org {id!r}", what=what, id=value), key
            )

    def member(self, path: str, value: str | None, key: Key, what: str) -> Iterator[Problem]:
        if not self.known_member(value):
            yield error(
                "E-REF-MEMBER",
                path,
                say("{what} names unknown member {id!r}", what=what, id=value),
                key,
            )

    def known_org(self, value: str) -> bool:
        return value in self.orgs or value in self.orgs_unloaded or self._beyond("orgs/", value)

    def known_member(self, value: str | None) -> bool:
        """True for None too: an absent field names nobody."""
        return (
            value is None
            or value in self.members
            or value in self.members_unloaded
            or self._beyond("members/", value)
        )

    def members_list(self, path: str, values: list[str], key: Key, what: str) -> Iterator[Problem]:
        members, unloaded = self.members, self.members_unloaded
        for i, value in enumerate(values):
            if value not in members and value not in unloaded:
                yield from self.member(path, value, (*key, i), what)


def _refs(ctx: Context) -> _Refs:
    refs = ctx.shared.get("refs")
    if refs is None:
        refs = ctx.shared["refs"] = _Refs(ctx)
    return refs


def _unloaded(ctx: Context, folder: str, loaded: dict[str, object]) -> set[str]:
    ids = {p[len(folder) : -5] for p in ctx.records.listed(folder.rstrip("/"))}
    return ids.difference(loaded)


@check("E-REF-ORG", "E-REF-MEMBER", reads=("orgs", "members"))
def org_references(ctx: Context) -> Iterator[Problem]:
    """An org's parent, secretary, committee, pairings and contact points exist."""
    refs = _refs(ctx)
    for org in ctx.records.orgs.values():
        p = org.path
        yield from refs.org(p, org.parent, ("parent",), "`parent`")
        yield from refs.member(p, org.secretary, ("secretary",), "`secretary`")
        for i, ch in enumerate(org.secretary_changes):
            key = ("secretary_changes", i)
            yield from refs.member(p, ch.from_, (*key, "from"), "`secretary_changes.from`")
            yield from refs.member(p, ch.to, (*key, "to"), "`secretary_changes.to`")
            yield from refs.org(p, ch.approved_by, (*key, "approved_by"), "`approved_by`")
        if org.committee:
            yield from refs.members_list(
                p, org.committee.members, ("committee", "members"), "`committee.members`"
            )
        for i, pair in enumerate(org.pairing):
            yield from refs.org(p, pair.org, ("pairing", i, "org"), "`pairing.org`")
        for i, cp in enumerate(org.contact_points):
            key = ("contact_points", i)
            yield from refs.member(p, cp.cadre, (*key, "cadre"), "`contact_points.cadre`")
            yield from refs.org(p, cp.org, (*key, "org"), "`contact_points.org`")


@check("E-REF-ORG", reads=("orgs", "members"))
def member_references(ctx: Context) -> Iterator[Problem]:
    """A member's org exists (transfers may name outside organisations)."""
    refs = _refs(ctx)
    for member in ctx.records.members.values():
        yield from refs.org(member.path, member.org, ("org",), "`org`")


@check(
    "E-REF-ORG", "E-REF-MEMBER", heavy=True, reads=("meetings", "members", "orgs"), each="meetings"
)
def meeting_references(ctx: Context) -> Iterator[Problem]:
    """A meeting's org folder, attendees, absentees, chair and recorder exist."""
    refs = _refs(ctx)
    known = refs.known_member
    loaded = refs.members.__contains__  # the usual case, tested in C
    for mt in ctx.records.meetings:
        p = mt.path
        if not refs.known_org(mt.org):
            yield error("E-REF-ORG", p, say("meeting folder names unknown org {id!r}", id=mt.org))
        # most meetings name only known members: test before making generators
        if not all(map(loaded, mt.attendees)):
            yield from refs.members_list(p, mt.attendees, ("attendees",), "`attendees`")
        for i, ab in enumerate(mt.absent):
            yield from refs.member(p, ab.member, ("absent", i, "member"), "`absent.member`")
        if not (known(mt.chair) and known(mt.recorder)):  # (None is known: no one)
            yield from refs.member(p, mt.chair, ("chair",), "`chair`")
            yield from refs.member(p, mt.recorder, ("recorder",), "`recorder`")
        # a lecturer may be an outside speaker written by name; an id-like value must exist
        if mt.lecturer and layout.SLUG.match(mt.lecturer):
            yield from refs.member(p, mt.lecturer, ("lecturer",), "`lecturer`")


@check(
    "E-REF-ORG",
    "E-REF-MEMBER",
    reads=(
        "assessments",
        "funds",
        "letters",
        "members",
        "notices",
        "orgs",
        "reports",
        "trainings",
        "weak",
    ),
)
def document_references(ctx: Context) -> Iterator[Problem]:
    """Funds, letters, reports, notices, assessments, weak records and trainings name
    existing orgs and members."""
    refs = _refs(ctx)
    r = ctx.records
    for ledger in r.funds:
        if not refs.known_org(ledger.org):
            yield error(
                "E-REF-ORG",
                ledger.path,
                say("fund folder names unknown org {id!r}", id=ledger.org),
            )
    for letter in r.letters:
        yield from refs.org(letter.path, letter.parent, ("parent",), "`parent`")
        yield from refs.org(letter.path, letter.org, ("org",), "`org`")
    for report in r.reports:
        yield from refs.org(report.path, report.org, ("org",), "`org`")
        yield from refs.org(report.path, report.to, ("to",), "`to`")
    for notice in r.notices:
        yield from refs.org(notice.path, notice.issuer, ("issuer",), "`issuer`")
        target = notice.target
        if (
            target
            and not refs.known_org(target)
            and target not in refs.members
            and target not in refs.members_unloaded
        ):
            yield error(
                "E-REF-TARGET",
                notice.path,
                say("`target` names neither an org nor a member: {id!r}", id=target),
                ("target",),
            )
    for a in r.assessments:
        yield from refs.org(a.path, a.org, ("org",), "`org`")
        yield from refs.member(a.path, a.secretary, ("secretary",), "`secretary`")
    for weak in r.weak:
        if not refs.known_org(weak.org):
            yield error(
                "E-REF-ORG", weak.path, say("file name names unknown org {id!r}", id=weak.org)
            )
    for t in r.trainings:
        yield from refs.org(t.path, t.organiser, ("organiser",), "`organiser`")
        for i, p in enumerate(t.participants):
            key = ("participants", i, "member")
            yield from refs.member(t.path, p.member, key, "`participants.member`")


@check("E-CYCLE", reads=("orgs",))
def parent_tree(ctx: Context) -> Iterator[Problem]:
    """Parents form a tree: following `parent` never comes back to where it started."""
    orgs = ctx.records.orgs
    reported: set[str] = set()
    for start in sorted(orgs):
        seen: list[str] = []
        current: str | None = start
        while current in orgs and current not in seen:
            seen.append(current)
            current = orgs[current].parent
        if current in seen and current not in reported:
            cycle = seen[seen.index(current) :]
            reported.update(cycle)
            yield error(
                "E-CYCLE",
                orgs[current].path,
                say("parents form a cycle: {cycle}", cycle=" -> ".join([*cycle, current])),
                ("parent",),
            )
