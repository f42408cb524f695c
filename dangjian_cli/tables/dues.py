"""Dues listings: each member's standard for a month (the table a branch posts) and a
year's statement, month by month and member by member (standard, paid, paid late,
unpaid), with totals.

The standard comes from the member's ``[[dues_base]]`` rows and the repository's
scale (rule ``dues-standard``, :mod:`~dangjian_cli.rules.dues`). A member without a
row has no known standard: the listings leave it blank and count such members, so a
repository that keeps no bases gets one line about it, not a blank per member.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..i18n import _
from ..records import model as m
from ..records.repository import Records
from ..rules.dues import Scale, base_for, how_found, scale_of, standard_of
from .listing import Listing
from .sheets import MONEY, TEXT

ZERO = Decimal("0.00")


def month_end(month: str) -> date:
    """The last day of ``YYYY-MM``."""
    year, mon = int(month[:4]), int(month[5:7])
    nxt = date(year + mon // 12, mon % 12 + 1, 1)
    return nxt - timedelta(days=1)


def _owes(mb: m.Member, month: str, scope: set[str] | None, end: date | None = None) -> str | None:
    """The org a member owes ``month``'s dues to (None: not a member then, or out of
    scope); ``end``, the month's last day, when the caller knows it."""
    end = end or month_end(month)
    if mb.status_on(end) not in m.MEMBER_NOW:
        return None
    org = mb.org_on(end) if mb.transfers else mb.org
    if scope is not None and org not in scope:
        return None
    return org


@dataclass(slots=True)
class Unknown:
    """Members listed without a standard (no ``[[dues_base]]`` row in force)."""

    count: int = 0
    total: int = 0

    def line(self) -> str | None:
        """The one summary line about them, or None when every member has a standard."""
        if not self.count:
            return None
        return _(
            "{n} of {total} members have no [[dues_base]] row in force: their standard "
            "is unknown and their payments are not checked against it "
            "(README: adopting the dues standard)"
        ).format(n=self.count, total=self.total)


def standards(records: Records, scope: set[str] | None, month: str) -> tuple[Listing, Unknown]:
    """Each member's standard for ``month``: category, base or amount, how it is found."""
    scale = scale_of(records.settings)
    cols = ["member", "name", "org", "category", "base", "amount", "standard", "how", "since"]
    heads = [_("member"), _("name"), _("org"), _("category"), _("base"), _("amount")]
    heads += [_("standard"), _("how found"), _("since")]
    listing = Listing(
        _("Dues standard {month}").format(month=month),
        cols,
        heads,
        [TEXT, TEXT, TEXT, TEXT, MONEY, MONEY, MONEY, TEXT, TEXT],
        drop=("how", "since", "amount"),
    )
    unknown = Unknown()
    for mid in sorted(records.members):
        mb = records.members[mid]
        org = _owes(mb, month, scope)
        if org is None:
            continue
        unknown.total += 1
        row = base_for(mb, month)
        standard = standard_of(row, scale) if row is not None else None
        if standard is None:
            unknown.count += 1
        listing.rows.append(
            {
                "member": mid,
                "name": mb.name,
                "org": org,
                "category": row.category if row else None,
                "base": row.base if row else None,
                "amount": row.amount if row else None,
                "standard": standard,
                "how": how_found(row, scale).text() if row is not None else None,
                "since": row.since if row else None,
            }
        )
    listing.rows.sort(key=lambda r: (r["org"] or "", r["member"]))
    return listing, unknown


def _months(year: int, as_of: date) -> list[str]:
    """The months of ``year`` that have ended by ``as_of``."""
    return [f"{year}-{mon:02d}" for mon in range(1, 13) if month_end(f"{year}-{mon:02d}") < as_of]


def statement(
    records: Records, scope: set[str] | None, year: int, as_of: date
) -> tuple[Listing, Unknown]:
    """The year's dues, month by month and member by member, with a total per month and
    for the year. ``paid`` is what was paid by the month's end, ``paid_late`` what was
    paid after it (by ``as_of``), ``unpaid`` the standard not paid."""
    scale: Scale = scale_of(records.settings)
    cols = ["month", "member", "name", "org", "standard", "paid", "paid_late", "unpaid"]
    heads = [_("month"), _("member"), _("name"), _("org"), _("standard"), _("paid")]
    heads += [_("paid late"), _("unpaid")]
    listing = Listing(
        _("Dues statement {year}").format(year=year),
        cols,
        heads,
        [TEXT, TEXT, TEXT, TEXT, MONEY, MONEY, MONEY, MONEY],
    )
    unknown = Unknown()
    without: set[str] = set()
    members: set[str] = set()
    grand = {"standard": ZERO, "paid": ZERO, "paid_late": ZERO, "unpaid": ZERO}
    months = _months(year, as_of)
    lines = month_lines(records, scope, months, as_of, scale)
    for month in months:
        sums = dict.fromkeys(grand, ZERO)
        for line in lines[month]:
            members.add(line["member"])
            if line["standard"] is None:
                without.add(line["member"])
            listing.rows.append(line)
            for key in sums:
                sums[key] += line[key] or ZERO
        listing.rows.append({"month": month, "member": _("total"), **sums})
        for key in grand:
            grand[key] += sums[key]
    listing.rows.append({"month": str(year), "member": _("total"), **grand})
    unknown.count, unknown.total = len(without), len(members)
    return listing, unknown


def month_lines(
    records: Records, scope: set[str] | None, months: list[str], as_of: date, scale: Scale
) -> dict[str, list[dict[str, Any]]]:
    """Per month of ``months``, each member's line: the org owed, the standard (None: no
    base row in force), paid by the month's end, paid after it (by ``as_of``), and the
    standard unpaid, members in id order. One reckoning for the statement, ``status``
    and the work report; each member's payments are read once for all the months."""
    out: dict[str, list[dict[str, Any]]] = {month: [] for month in months}
    ends = {month: month_end(month) for month in months}
    for mid in sorted(records.members):
        mb = records.members[mid]
        if scope is not None and not mb.transfers and mb.org not in scope:
            continue  # owes no month to the scope (as _owes finds): its dues go unread
        # the months it owes to the scope, found before its dues rows are read
        owed = [(month, _owes(mb, month, scope, ends[month])) for month in months]
        owed = [(month, org) for month, org in owed if org is not None]
        if not owed:
            continue
        payments: dict[str, list[m.Dues]] = {}
        for due in mb.dues:
            # a payment dated after as_of is not known on the day
            if (
                due.month in out
                and due.amount is not None
                and (due.paid_on is None or due.paid_on <= as_of)
            ):
                payments.setdefault(due.month, []).append(due)
        standards: dict[int, Decimal | None] = {}  # each base row's standard, reckoned once
        for month, org in owed:
            row = base_for(mb, month) if mb.dues_base else None
            standard = None
            if row is not None:
                if id(row) not in standards:
                    standards[id(row)] = standard_of(row, scale)
                standard = standards[id(row)]
            paid = late = ZERO
            for due in payments.get(month, ()):
                if due.paid_on is not None and due.paid_on > ends[month]:
                    late += due.amount
                else:
                    paid += due.amount
            unpaid = max(standard - paid - late, ZERO) if standard is not None else None
            out[month].append(
                {
                    "month": month,
                    "member": mid,
                    "name": mb.name,
                    "org": org,
                    "standard": standard,
                    "paid": paid,
                    "paid_late": late,
                    "unpaid": unpaid,
                }
            )
    return out


def collected(
    records: Records, scope: set[str], start: date, end: date, as_of: date
) -> tuple[list[dict[str, Any]], Unknown]:
    """Per org of ``scope``, the months from ``start`` to ``end`` that have ended by
    ``as_of`` (a work report's span): the standard owed against what was paid, paid
    late and left unpaid, and how many members paid; members without a standard are
    counted, not guessed."""
    scale = scale_of(records.settings)
    sums: dict[str, dict[str, Any]] = {}
    members: set[str] = set()
    without: set[str] = set()
    months = [
        f"{i // 12}-{i % 12 + 1:02d}"
        for i in range(start.year * 12 + start.month - 1, end.year * 12 + end.month)
    ]
    # a month not ended by as_of owes nothing yet
    months = [month for month in months if month_end(month) < as_of]
    for month_rows in month_lines(records, scope, months, as_of, scale).values():
        for line in month_rows:
            members.add(line["member"])
            org = sums.setdefault(
                line["org"],
                {
                    "standard": ZERO,
                    "paid": ZERO,
                    "paid_late": ZERO,
                    "unpaid": ZERO,
                    "payers": set(),
                },
            )
            if line["standard"] is None:
                without.add(line["member"])
            for key in ("standard", "paid", "paid_late", "unpaid"):
                org[key] += line[key] or ZERO
            if line["paid"] or line["paid_late"]:
                org["payers"].add(line["member"])
    rows = [
        {
            "org": org,
            **{k: v for k, v in sums[org].items() if k != "payers"},
            "payers": len(sums[org]["payers"]),
        }
        for org in sorted(sums)
    ]
    return rows, Unknown(len(without), len(members))


def write_docx(path: Path, listing: Listing, rows: list[list[Any]]) -> None:
    """The listing as a Word table (a title, then a header row and the rows), written atomically."""
    import io

    from docx import Document

    from ..records.write import write_atomic

    doc = Document()
    doc.add_heading(listing.title, level=1)
    table = doc.add_table(rows=1, cols=len(listing.headers))
    table.style = "Table Grid"
    for cell, head in zip(table.rows[0].cells, listing.headers, strict=True):
        cell.text = head
    for values in rows:
        cells = table.add_row().cells
        for cell, value, kind in zip(cells, values, listing.kinds, strict=True):
            if value is None:
                cell.text = ""
            elif kind == MONEY:
                cell.text = f"{Decimal(value):.2f}"
            else:
                cell.text = str(value)
    buffer = io.BytesIO()
    doc.save(buffer)
    write_atomic(path, buffer.getvalue())
