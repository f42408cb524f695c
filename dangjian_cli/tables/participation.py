"""What `dangjian list attendance` and `list study-hours` show: each member's
meetings due, attended and excused in a year, and the rate."""

from __future__ import annotations

from typing import Any

from ..i18n import _
from ..records.repository import Records
from .listing import Listing
from .sheets import INT, TEXT


def _rate(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f}%"


def attendance(records: Records, scope: set[str] | None, year: int) -> Listing:
    """Per member of each org in scope: the org's counted meetings (branch assemblies,
    party group meetings, party lessons, theme days) due in ``year``, attended,
    excused (an absence with a reason, an approved exemption) and the attendance
    rate (attended of those not excused)."""
    from ..rules.catalog import load_rules
    from ..rules.participation import attendance_rows

    rule = load_rules(records.settings).get("self-withdrawal-review")
    kinds: Any = (
        rule.meeting_kinds
        if rule is not None and rule.meeting_kinds
        else ("branch_assembly", "party_group", "party_lesson", "theme_day")
    )
    cols = ["org", "member", "name", "due", "attended", "excused", "rate"]
    heads = [
        _("org"),
        _("member"),
        _("name"),
        _("meetings due"),
        _("attended"),
        _("excused"),
        _("attendance rate"),
    ]
    listing = Listing(
        _("Attendance {year}").format(year=year),
        cols,
        heads,
        [TEXT, TEXT, TEXT, INT, INT, INT, TEXT],
        drop=("org",),
    )
    orgs = sorted(scope) if scope is not None else sorted(records.orgs)
    for org_id in orgs:
        for row in attendance_rows(records, org_id, year, kinds):
            row["rate"] = _rate(row["rate"])
            listing.rows.append(row)
    return listing
