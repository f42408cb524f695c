"""The dues standard of a member for a month (the 2008 dues rules).

A member's ``[[dues_base]]`` rows say, from a month on (``since``), how the
standard is found: a share of the monthly income after tax for ``salary`` and
``retiree``, the amount given for ``farmer`` and ``other``, a fixed 0.20 for
``student``, ``unemployed`` and ``low_income``. The row in force for a month is
the last one whose ``since`` is not after it. Pure functions of the record: the
dues checks, ``dues pay`` (the default amount) and the dues listings share them.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from ..records import model as m

#: (highest base, rate) per bracket, lowest first; above the last, ``TOP`` (of the whole base)
SALARY_BRACKETS: tuple[tuple[Decimal, Decimal], ...] = (
    (Decimal("3000"), Decimal("0.005")),
    (Decimal("5000"), Decimal("0.01")),
    (Decimal("10000"), Decimal("0.015")),
)
SALARY_TOP = Decimal("0.02")
RETIREE_BRACKETS: tuple[tuple[Decimal, Decimal], ...] = ((Decimal("5000"), Decimal("0.005")),)
RETIREE_TOP = Decimal("0.01")
#: the fixed monthly amount of members without income of their own
FLAT = Decimal("0.20")
FLAT_CATEGORIES = ("student", "unemployed", "low_income")
#: categories whose standard is the row's own ``amount``
GIVEN_CATEGORIES = ("farmer", "other")
CENT = Decimal("0.01")


def base_for(member: m.Member, month: str) -> m.DuesBase | None:
    """The ``[[dues_base]]`` row in force in ``month`` (``YYYY-MM``), if any."""
    found: m.DuesBase | None = None
    for row in member.dues_base:
        if row.since and row.since <= month and (found is None or row.since >= found.since):
            found = row
    return found


def standard_of(row: m.DuesBase) -> Decimal | None:
    """The monthly standard a ``[[dues_base]]`` row gives (None: the row lacks what it needs)."""
    if row.category in FLAT_CATEGORIES:
        return FLAT
    if row.category in GIVEN_CATEGORIES:
        return _cents(row.amount) if row.amount is not None else None
    if row.category == "salary":
        return _rated(row.base, SALARY_BRACKETS, SALARY_TOP)
    if row.category == "retiree":
        return _rated(row.base, RETIREE_BRACKETS, RETIREE_TOP)
    return None


def standard_for(member: m.Member, month: str) -> Decimal | None:
    """A member's dues standard for ``month`` (None: no base row, or an incomplete one)."""
    row = base_for(member, month)
    return standard_of(row) if row is not None else None


def _rated(
    base: Decimal | None, brackets: tuple[tuple[Decimal, Decimal], ...], top: Decimal
) -> Decimal | None:
    if base is None:
        return None
    rate = next((r for highest, r in brackets if base <= highest), top)
    return _cents(base * rate)


def _cents(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
