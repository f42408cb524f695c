"""What `dangjian list` shows: rows of members (the roster, 花名册), orgs, meetings,
notices and unpaid dues, with their column keys, headings and cell kinds.

Keys are English and stable (JSON uses them); headings follow the language in use.
The roster's headings are the ones :mod:`~dangjian_cli.records.roster` recognises, so
a roster written by `list members --format xlsx` imports back unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..i18n import _, kind_name, language
from ..records import model as m
from ..records.repository import Records
from ..records.roll import stage_reached
from ..records.roster import GENDER_NAMES, MEMBER_COLUMNS, STATUS_NAMES
from .sheets import DATE, INT, MONEY, TEXT

WHATS = ("members", "orgs", "meetings", "notices", "dues")


@dataclass(slots=True)
class Listing:
    """A table: column keys, their headings and kinds, rows keyed by column."""

    title: str
    columns: list[str]
    headers: list[str]
    kinds: list[str]
    rows: list[dict[str, Any]] = field(default_factory=list)
    #: columns a terminal table leaves out first, and those wrapped
    drop: tuple[str, ...] = ()
    wrap: tuple[str, ...] = ()


def status_on(mb: m.Member, day: date | None) -> str | None:
    """A member's status on ``day`` from the pipeline dates (the record's own without a day;
    None: not yet in the pipeline on that day)."""
    if day is None:
        return mb.status
    if mb.left_on and day >= mb.left_on:
        return mb.status if mb.status in m.LEFT_STATUSES else "withdrawn"
    stage = stage_reached(mb, day)
    if stage is not None:
        return stage
    if mb.status in ("applicant", "activist", "candidate") and not any(
        getattr(mb, f) for f in m.PIPELINE
    ):
        return mb.status
    return None


def _zh() -> bool:
    return language() == "zh"


def status_text(status: str | None) -> str | None:
    if status and _zh() and status in STATUS_NAMES:
        return STATUS_NAMES[status][0]
    return status


def gender_text(gender: str | None) -> str | None:
    if gender and _zh() and gender in GENDER_NAMES:
        return GENDER_NAMES[gender][0]
    return gender


#: roster columns in order, with their kinds
ROSTER: tuple[tuple[str, str], ...] = (
    ("id", TEXT),
    ("name", TEXT),
    ("gender", TEXT),
    ("ethnicity", TEXT),
    ("birth_date", DATE),
    ("id_number", TEXT),
    ("education", TEXT),
    ("status", TEXT),
    ("applied", DATE),
    ("activist_since", DATE),
    ("candidate_since", DATE),
    ("admitted", DATE),
    ("full_since", DATE),
    ("left_on", DATE),
    ("org", TEXT),
    ("org_name", TEXT),
    ("phone", TEXT),
    ("occupation", TEXT),
)


#: a field a record does not have (getattr's default where None is a value)
_ABSENT = object()


def roster_heading(key: str) -> str:
    """The roster heading of a member field: 姓名 in Chinese, the key in English."""
    names = MEMBER_COLUMNS[key]
    return names[0] if _zh() else key


def members(
    records: Records,
    scope: set[str] | None,
    as_of: date | None,
    status: str | None,
) -> Listing:
    """The roster: one row per member kept by an org in ``scope`` (on ``as_of``).

    Without ``status``, people who have left are not listed."""
    cols = [k for k, _kind in ROSTER]
    listing = Listing(
        _("Members"),
        cols,
        [roster_heading(k) for k in cols],
        [kind for _k, kind in ROSTER],
        drop=(
            "occupation",
            "left_on",
            "applied",
            "activist_since",
            "candidate_since",
            "ethnicity",
            "education",
            "org_name",
            "birth_date",
            "phone",
            "id_number",
        ),
    )
    orgs = records.orgs
    zh = _zh()  # the language asked once, not twice a row
    for mid in sorted(records.members):
        mb = records.members[mid]
        st = status_on(mb, as_of)
        if st is None:
            continue
        if status is not None:
            if st != status:
                continue
        elif st in m.LEFT_STATUSES:
            continue
        org = mb.org_on(as_of) if as_of else mb.org
        if scope is not None and org not in scope:
            continue
        row: dict[str, Any] = {}
        for k in cols:
            value = getattr(mb, k, _ABSENT)
            if value is not _ABSENT:
                row[k] = value
        row["id"] = mid
        row["status"] = STATUS_NAMES[st][0] if zh and st in STATUS_NAMES else st
        gender = mb.gender
        row["gender"] = GENDER_NAMES[gender][0] if zh and gender in GENDER_NAMES else gender
        row["org"] = org
        row["org_name"] = orgs[org].name if org in orgs else None
        listing.rows.append(row)
    return listing


def orgs(records: Records, scope: set[str] | None, as_of: date | None) -> Listing:
    day = as_of or date.today()
    counts: dict[str, int] = {}
    for mb in records.members.values():
        if mb.status_on(day) in m.MEMBER_NOW:
            org = mb.org_on(day)
            if org:
                counts[org] = counts.get(org, 0) + 1
    cols = ["id", "name", "kind", "kind_name", "parent", "secretary", "members"]
    cols += ["committee_elected", "established"]
    heads = [_("id"), _("name"), _("kind"), _("kind name"), _("parent"), _("secretary")]
    heads += [_("members"), _("committee elected"), _("established")]
    listing = Listing(
        _("Orgs"),
        cols,
        heads,
        [TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, INT, DATE, DATE],
        drop=("established", "committee_elected", "kind", "parent"),
    )
    for oid in sorted(records.orgs):
        org = records.orgs[oid]
        if scope is not None and oid not in scope:
            continue
        if as_of and not org.exists_on(as_of):
            continue
        listing.rows.append(
            {
                "id": oid,
                "name": org.name,
                "kind": org.kind,
                "kind_name": kind_name(org.kind or ""),
                "parent": org.parent,
                "secretary": org.secretary,
                "members": counts.get(oid, 0),
                "committee_elected": org.committee.elected if org.committee else None,
                "established": org.established,
            }
        )
    return listing


def meetings(records: Records, scope: set[str] | None, as_of: date | None) -> Listing:
    cols = ["org", "date", "kind", "kind_name", "topic", "attendees", "path"]
    heads = [_("org"), _("date"), _("kind"), _("kind name"), _("topic"), _("attendees")]
    heads += [_("path")]
    listing = Listing(
        _("Meetings"),
        cols,
        heads,
        [TEXT, DATE, TEXT, TEXT, TEXT, INT, TEXT],
        drop=("path", "kind"),
        wrap=("topic",),
    )
    for mt in records.meetings:
        if scope is not None and mt.org not in scope:
            continue
        if as_of and mt.date and mt.date > as_of:
            continue
        listing.rows.append(
            {
                "org": mt.org,
                "date": mt.date,
                "kind": mt.kind,
                "kind_name": kind_name(mt.kind or ""),
                "topic": mt.topic,
                "attendees": len(mt.attendees),
                "path": mt.path,
            }
        )
    listing.rows.sort(key=lambda r: (r["date"] or date.min, r["org"]))
    return listing


def notices(records: Records, scope: set[str] | None, as_of: date | None) -> Listing:
    cols = ["number", "kind", "kind_name", "issuer", "target", "issued_on", "deadline"]
    cols += ["rectified_on"]
    heads = [_("number"), _("kind"), _("kind name"), _("issuer"), _("target"), _("issued on")]
    heads += [_("deadline"), _("rectified on")]
    listing = Listing(
        _("Notices"), cols, heads, [TEXT, TEXT, TEXT, TEXT, TEXT, DATE, DATE, DATE], drop=("kind",)
    )
    for nt in records.notices:
        if scope is not None and nt.target not in scope and nt.issuer not in scope:
            continue
        if as_of and nt.issued_on and nt.issued_on > as_of:
            continue
        listing.rows.append(
            {
                "number": nt.number or f"{nt.year}/{nt.id}",
                "kind": nt.kind,
                "kind_name": kind_name(nt.kind or ""),
                "issuer": nt.issuer,
                "target": nt.target,
                "issued_on": nt.issued_on,
                "deadline": nt.deadline,
                "rectified_on": nt.rectified_on,
            }
        )
    listing.rows.sort(key=lambda r: (r["issued_on"] or date.min, r["number"]))
    return listing


def _month_no(text: str | None) -> int | None:
    try:
        return int(text[:4]) * 12 + int(text[5:7]) - 1  # type: ignore[index]
    except (TypeError, ValueError):
        return None


def _month_label(number: int) -> str:
    year, month = divmod(number, 12)
    return f"{year:04d}-{month + 1:02d}"


def unpaid_dues(
    records: Records, scope: set[str] | None, as_of: date, status: str | None = None
) -> Listing:
    """Per member, the months owed and not paid by ``as_of``: from the later of admission
    and ``tracking_since`` to the last month ended before ``as_of`` (as the dues rule)."""
    cols = ["member", "name", "org", "months_unpaid", "first_unpaid", "last_paid", "unpaid"]
    cols += ["amount_last_paid"]
    heads = [_("member"), _("name"), _("org"), _("months unpaid"), _("first unpaid")]
    heads += [_("last paid"), _("unpaid months"), _("last amount")]
    listing = Listing(
        _("Unpaid dues"),
        cols,
        heads,
        [TEXT, TEXT, TEXT, INT, TEXT, TEXT, TEXT, MONEY],
        drop=("amount_last_paid", "unpaid"),
        wrap=("unpaid",),
    )
    last = as_of.year * 12 + as_of.month - 2
    tracking = records.settings.tracking_since
    for mid in sorted(records.members):
        mb = records.members[mid]
        now = mb.status_on(as_of)
        if now not in m.MEMBER_NOW or (status and now != status) or mb.admitted is None:
            continue
        org = mb.org_on(as_of)
        if scope is not None and org not in scope:
            continue
        start = max(mb.admitted, tracking) if tracking else mb.admitted
        first = start.year * 12 + start.month - 1
        paid = {}
        for row in mb.dues:
            n = _month_no(row.month)
            if n is not None and (row.paid_on is None or row.paid_on <= as_of):
                paid[n] = row
        unpaid = [n for n in range(first, last + 1) if n not in paid]
        if not unpaid:
            continue
        last_paid = max(paid) if paid else None
        listing.rows.append(
            {
                "member": mid,
                "name": mb.name,
                "org": org,
                "months_unpaid": len(unpaid),
                "first_unpaid": _month_label(unpaid[0]),
                "last_paid": _month_label(last_paid) if last_paid is not None else None,
                "unpaid": _ranges(unpaid),
                "amount_last_paid": paid[last_paid].amount if last_paid is not None else None,
            }
        )
    listing.rows.sort(key=lambda r: (-r["months_unpaid"], r["org"] or "", r["member"]))
    return listing


def _ranges(numbers: Iterable[int]) -> str:
    """2026-01..2026-03, 2026-05: runs of months."""
    out: list[str] = []
    run: list[int] = []
    for n in numbers:
        if run and n == run[-1] + 1:
            run.append(n)
            continue
        if run:
            out.append(_run(run))
        run = [n]
    if run:
        out.append(_run(run))
    return ", ".join(out)


def _run(run: list[int]) -> str:
    if len(run) == 1:
        return _month_label(run[0])
    return f"{_month_label(run[0])}..{_month_label(run[-1])}"


def masked_rows(listing: Listing, show_personal: bool) -> list[list[Any]]:
    """The listing's rows as cell lists, personal data masked unless ``show_personal``."""
    from ..privacy import mask_data

    out = []
    for r in listing.rows:
        if show_personal:
            out.append([r.get(c) for c in listing.columns])
        else:
            out.append([mask_data(r.get(c), c) for c in listing.columns])
    return out
