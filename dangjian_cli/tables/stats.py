"""The party-statistics tables a county sends up (`dangjian stats`).

Members are the party members (probationary and full) kept on the day by an org
in scope. Every member table counts each of them once (an unknown value is its own
row), so their totals agree with each other and with the year's balance: members at
the start of the year, plus those admitted and transferred in, less those
transferred out and those who left, is the number on the day. The flows are per
member, between 31 December of the year before and the day: someone admitted and
transferred away in the same year is in neither count.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from ..i18n import _, kind_name
from ..records import model as m
from ..records.repository import Records
from .listing import gender_text, status_text

#: (label, lowest age, highest age) of the age bands, as the annual statistics count them
AGE_BANDS = (
    ("≤30", 0, 30),
    ("31-35", 31, 35),
    ("36-40", 36, 40),
    ("41-45", 41, 45),
    ("46-50", 46, 50),
    ("51-55", 51, 55),
    ("56-60", 56, 60),
    ("61-70", 61, 70),
    ("≥71", 71, 999),
)
#: party standing (党龄, whole years since admitted)
STANDING_BANDS = (
    ("<5", 0, 4),
    ("5-9", 5, 9),
    ("10-19", 10, 19),
    ("20-29", 20, 29),
    ("30-39", 30, 39),
    ("40-49", 40, 49),
    ("≥50", 50, 999),
)


@dataclass(slots=True)
class Table:
    key: str
    title: str
    rows: list[tuple[str, int]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(n for _label, n in self.rows)


def years_between(start: date, day: date) -> int:
    years = day.year - start.year
    if (day.month, day.day) < (start.month, start.day):
        years -= 1
    return years


def _band(value: int | None, bands: tuple[tuple[str, int, int], ...]) -> str:
    if value is None:
        return _("unknown")
    for label, low, high in bands:
        if low <= value <= high:
            return label
    return _("unknown")


def counted(mb: m.Member, day: date, scope: set[str] | None) -> bool:
    """A party member on ``day`` kept by an org in ``scope``."""
    if mb.status_on(day) not in m.MEMBER_NOW:
        return False
    return scope is None or mb.org_on(day) in scope


def _ordered(counter: Counter[str], order: tuple[str, ...] = ()) -> list[tuple[str, int]]:
    unknown = _("unknown")
    rows = [(k, counter[k]) for k in order if counter.get(k)]
    rest = sorted((k, n) for k, n in counter.items() if k not in order and k != unknown)
    rows += sorted(rest, key=lambda kn: -kn[1])
    if counter.get(unknown):
        rows.append((unknown, counter[unknown]))
    return rows


def compute(records: Records, day: date, scope: set[str] | None) -> list[Table]:
    """Every statistics table for ``day`` (see the module's note on totals)."""
    unknown = _("unknown")
    now = [mb for mb in records.members.values() if counted(mb, day, scope)]
    status = Counter(status_text(mb.status_on(day)) or unknown for mb in now)
    gender = Counter(gender_text(mb.gender) or unknown for mb in now)
    ages = Counter(
        _band(years_between(mb.birth_date, day) if mb.birth_date else None, AGE_BANDS) for mb in now
    )
    education = Counter((mb.education or unknown) for mb in now)
    ethnicity = Counter((mb.ethnicity or unknown) for mb in now)
    standing = Counter(
        _band(years_between(mb.admitted, day) if mb.admitted else None, STANDING_BANDS)
        for mb in now
    )
    tables = [
        Table(
            "status",
            _("Members by status"),
            _ordered(status, tuple(status_text(s) or s for s in ("full", "probationary"))),
        ),
        Table(
            "gender",
            _("Members by gender"),
            _ordered(gender, tuple(gender_text(g) or g for g in ("male", "female"))),
        ),
        Table("age", _("Members by age"), _ordered(ages, tuple(b[0] for b in AGE_BANDS))),
        Table("education", _("Members by education"), _ordered(education)),
        Table("ethnicity", _("Members by ethnicity"), _ordered(ethnicity)),
        Table(
            "standing",
            _("Members by party standing (years)"),
            _ordered(standing, tuple(b[0] for b in STANDING_BANDS)),
        ),
    ]
    orgs = [
        o for oid, o in records.orgs.items() if (scope is None or oid in scope) and o.exists_on(day)
    ]
    kinds = Counter(kind_name(o.kind or "") or unknown for o in orgs)
    committee = Counter(
        _("with a committee") if o.committee else _("without a committee") for o in orgs
    )
    tables.append(Table("org_kind", _("Orgs by kind"), _ordered(kinds)))
    tables.append(Table("org_committee", _("Orgs by committee"), _ordered(committee)))
    tables.append(_flows(records, day, scope, len(now)))
    return tables


def _flows(records: Records, day: date, scope: set[str] | None, total: int) -> Table:
    """The year's balance: start, admitted, transferred in and out, left, and the day."""
    start = date(day.year - 1, 12, 31)
    begin = admitted = moved_in = moved_out = left = converted = 0
    for mb in records.members.values():
        before = counted(mb, start, scope)
        after = counted(mb, day, scope)
        begin += before
        if mb.full_since and start < mb.full_since <= day and after:
            converted += 1
        if before == after:
            continue
        if after:
            if mb.admitted and start < mb.admitted <= day:
                admitted += 1
            else:
                moved_in += 1
        elif mb.status_on(day) in m.MEMBER_NOW or mb.status == "transferred_out":
            moved_out += 1
        else:
            left += 1
    rows = [
        (_("members on 1 January"), begin),
        (_("newly admitted"), admitted),
        (_("transferred in"), moved_in),
        (_("transferred out"), -moved_out),
        (_("left (withdrew, expelled, died)"), -left),
    ]
    table = Table("flows", _("The year's changes"), rows)
    table.rows.append((_("members on the day"), total))
    table.rows.append((_("converted to full (within the members)"), converted))
    return table
