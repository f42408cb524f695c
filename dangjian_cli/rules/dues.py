"""The dues standard of a member for a month (the 2008 dues rules).

A member's ``[[dues_base]]`` rows say, from a month on (``since``), how the
standard is found: a share of the monthly income after tax for ``salary`` and
``retiree``, the amount given for ``farmer`` and ``other``, a fixed 0.20 for
``student``, ``unemployed`` and ``low_income``. The row in force for a month is
the last one whose ``since`` is not after it. Pure functions of the record: the
dues checks, ``dues pay`` (the default amount) and the dues listings share them.

The brackets and amounts are rule data (rule ``dues-standard`` of builtin.toml),
so a county can follow a new scale from its dangjian.toml: :func:`scale_of`
reads them, and :data:`DEFAULT` is the built-in scale.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..i18n import Message, Word, say
from ..records import model as m

CENT = Decimal("0.01")
#: categories whose standard is the fixed ``flat`` amount
FLAT_CATEGORIES = ("student", "unemployed", "low_income")
#: categories whose standard is the row's own ``amount``
GIVEN_CATEGORIES = ("farmer", "other")
#: categories whose standard is a share of the row's ``base``
RATED_CATEGORIES = ("salary", "retiree")
#: the rule whose data the scale is
RULE = "dues-standard"

Brackets = tuple[tuple[Decimal, Decimal], ...]


@dataclass(frozen=True, slots=True)
class Scale:
    """The brackets (highest base, rate) per rated category and the fixed amounts."""

    salary: Brackets
    salary_top: Decimal
    retiree: Brackets
    retiree_top: Decimal
    flat: Decimal
    farmer_min: Decimal
    farmer_max: Decimal


def _brackets(limits: Any, rates: Any) -> tuple[Brackets, Decimal]:
    """Limits and per-cent rates (one more rate than limits) as (limit, fraction) pairs."""
    fractions = [Decimal(str(r)) / 100 for r in rates]
    pairs = tuple((Decimal(str(lim)), f) for lim, f in zip(limits, fractions, strict=False))
    return pairs, fractions[len(pairs)] if len(fractions) > len(pairs) else fractions[-1]


def make_scale(rule: Any) -> Scale:
    """The scale of a ``dues-standard`` rule (see builtin.toml)."""
    salary, salary_top = _brackets(rule.salary_limits, rule.salary_rates)
    retiree, retiree_top = _brackets(rule.retiree_limits, rule.retiree_rates)
    return Scale(
        salary,
        salary_top,
        retiree,
        retiree_top,
        Decimal(rule.flat),
        Decimal(rule.farmer_min),
        Decimal(rule.farmer_max),
    )


def scale_of(settings: m.Settings | None) -> Scale:
    """The repository's scale: the built-in one with its dangjian.toml overrides."""
    from .catalog import _make, builtin, load_rules

    rule = load_rules(settings).get(RULE) if settings is not None else None
    return make_scale(rule if rule is not None else _make(RULE, builtin()[RULE]))


def _default() -> Scale:
    from .catalog import _make, builtin

    return make_scale(_make(RULE, builtin()[RULE]))


#: the built-in scale (the 2008 rules)
DEFAULT = _default()


def base_for(member: m.Member, month: str) -> m.DuesBase | None:
    """The ``[[dues_base]]`` row in force in ``month`` (``YYYY-MM``), if any."""
    found: m.DuesBase | None = None
    for row in member.dues_base:
        if row.since and row.since <= month and (found is None or row.since >= found.since):
            found = row
    return found


def standard_of(row: m.DuesBase, scale: Scale = DEFAULT) -> Decimal | None:
    """The monthly standard a ``[[dues_base]]`` row gives (None: the row lacks what it needs)."""
    if row.category in FLAT_CATEGORIES:
        return scale.flat
    if row.category in GIVEN_CATEGORIES:
        return _cents(row.amount) if row.amount is not None else None
    if row.category == "salary":
        return _rated(row.base, scale.salary, scale.salary_top)
    if row.category == "retiree":
        return _rated(row.base, scale.retiree, scale.retiree_top)
    return None


def standard_for(member: m.Member, month: str, scale: Scale = DEFAULT) -> Decimal | None:
    """A member's dues standard for ``month`` (None: no base row, or an incomplete one)."""
    row = base_for(member, month)
    return standard_of(row, scale) if row is not None else None


def how_found(row: m.DuesBase, scale: Scale = DEFAULT) -> Message:
    """How a row's standard is found, for messages and listings: ``salary base 4200.00
    x 1%`` (said in the reader's language)."""
    category = Word(row.category or "")
    if row.category in FLAT_CATEGORIES:
        return say("{category}: a fixed {amount}", category=category, amount=scale.flat)
    if row.category in GIVEN_CATEGORIES:
        return say("{category}: the amount given", category=category)
    brackets, top = (
        (scale.salary, scale.salary_top)
        if row.category == "salary"
        else (scale.retiree, scale.retiree_top)
    )
    if row.base is None:
        return say("{category}: no base", category=category)
    rate = next((r for highest, r in brackets if row.base <= highest), top)
    return say(
        "{category} base {base} x {rate}", category=category, base=row.base, rate=_percent(rate)
    )


def row_problem(row: m.DuesBase, scale: Scale = DEFAULT) -> Message | None:
    """Why a ``[[dues_base]]`` row gives no standard, or gives one out of range."""
    if row.category in RATED_CATEGORIES and row.base is None:
        return say(
            "category {category!r} needs `base` (monthly income after tax)", category=row.category
        )
    if row.category in GIVEN_CATEGORIES and row.amount is None:
        return say(
            "category {category!r} needs `amount` (the monthly amount)", category=row.category
        )
    if (
        row.category == "farmer"
        and row.amount is not None
        and not scale.farmer_min <= row.amount <= scale.farmer_max
    ):
        return say(
            "a farmer's amount is from {low} to {high}, got {amount}",
            low=scale.farmer_min,
            high=scale.farmer_max,
            amount=row.amount,
        )
    if row.base is not None and row.base < 0:
        return say("`base` {base} is below zero", base=row.base)
    return None


def _percent(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"


def _rated(base: Decimal | None, brackets: Brackets, top: Decimal) -> Decimal | None:
    if base is None:
        return None
    rate = next((r for highest, r in brackets if base <= highest), top)
    return _cents(base * rate)


def _cents(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
