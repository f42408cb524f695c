"""The dues standard of a member for a month: each bracket edge and each category."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dangjian_cli.records import model as m
from dangjian_cli.rules.dues import base_for, standard_for


def _member(*rows: m.DuesBase) -> m.Member:
    return m.Member(
        path="members/a.toml", id="a", name="A", org="v", status="full", dues_base=list(rows)
    )


@pytest.mark.parametrize(
    ("category", "base", "amount", "standard"),
    [
        ("salary", "3000.00", None, "15.00"),
        ("salary", "3000.01", None, "30.00"),
        ("salary", "5000", None, "50.00"),
        ("salary", "5000.01", None, "75.00"),
        ("salary", "10000", None, "150.00"),
        ("salary", "10000.01", None, "200.00"),
        ("salary", "2999.99", None, "15.00"),  # 14.99995 rounds half-up to the cent
        ("salary", "1001", None, "5.01"),  # 5.005 -> 5.01, never banker's 5.00
        ("retiree", "5000", None, "25.00"),
        ("retiree", "5000.01", None, "50.00"),
        ("farmer", None, "0.50", "0.50"),
        ("other", None, "3", "3.00"),
        ("student", None, None, "0.20"),
        ("unemployed", None, None, "0.20"),
        ("low_income", None, None, "0.20"),
    ],
)
def test_standard_per_bracket_edge_and_category(category, base, amount, standard):
    row = m.DuesBase(
        since="2026-01",
        category=category,
        base=Decimal(base) if base else None,
        amount=Decimal(amount) if amount else None,
    )
    assert standard_for(_member(row), "2026-03") == Decimal(standard)


def test_the_row_in_force_is_the_last_one_begun():
    early = m.DuesBase(since="2025-07", category="salary", base=Decimal("4000"))
    later = m.DuesBase(since="2026-04", category="retiree", base=Decimal("4000"))
    member = _member(later, early)  # written out of order: the month decides
    assert standard_for(member, "2025-06") is None
    assert base_for(member, "2026-03") is early
    assert standard_for(member, "2026-03") == Decimal("40.00")
    assert standard_for(member, "2026-04") == Decimal("20.00")


def test_no_standard_without_what_the_category_needs():
    assert standard_for(_member(), "2026-01") is None
    assert standard_for(_member(m.DuesBase(since="2026-01", category="salary")), "2026-01") is None
    assert standard_for(_member(m.DuesBase(since="2026-01", category="farmer")), "2026-01") is None
