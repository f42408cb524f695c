"""The dues checks' shortcut for a plainly kept member finds what the rows do.

``dues_standard`` and ``dues_months`` skip a member whose rows certainly break
nothing (``_plainly_kept``, ``_nothing_new``). On random members, many of them
plainly kept and many not, each check gives the same problems, in the same
order (or the same error), as with the shortcut never taken.
"""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

import pytest

from dangjian_cli.checks import Context
from dangjian_cli.checks import members as member_family
from dangjian_cli.records import model as m
from dangjian_cli.records.repository import Records
from dangjian_cli.rules import member_checks

MONTHS = ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-13", "25-01", None]
AMOUNTS = [Decimal("8.00"), Decimal("8"), Decimal("15.00"), Decimal("0"), Decimal("-1"), None]
CATEGORIES = ["salary", "retiree", "farmer", "student", "other", "bogus", None]
BASES = [Decimal("1600.00"), Decimal("4000"), Decimal("-5"), Decimal("1E+40"), None]
SINCES = ["2025-01", "2025-03", "", None]


def _base(rng: random.Random) -> m.DuesBase:
    return m.DuesBase(
        since=rng.choice(SINCES),
        category=rng.choice(CATEGORIES),
        base=rng.choice(BASES),
        amount=rng.choice(AMOUNTS),
    )


def _member(rng: random.Random, n: int) -> m.Member:
    if rng.random() < 0.5:  # plainly kept, or nearly: one amount, each month once
        amount = rng.choice(AMOUNTS[:3])
        months = rng.sample(MONTHS[:5], rng.randint(1, 5))
        dues = [m.Dues(month=mo, amount=amount) for mo in months]
        if rng.random() < 0.3:  # one row spoils it
            dues.insert(
                rng.randrange(len(dues) + 1), m.Dues(rng.choice(MONTHS), rng.choice(AMOUNTS))
            )
        base = m.DuesBase(since="2025-01", category="retiree", base=Decimal("1600.00"))
        bases = [base] if rng.random() < 0.7 else [_base(rng) for _ in range(rng.randint(0, 2))]
    else:
        dues = [
            m.Dues(month=rng.choice(MONTHS), amount=rng.choice(AMOUNTS))
            for _ in range(rng.randint(0, 6))
        ]
        bases = [_base(rng) for _ in range(rng.randint(0, 3))]
    return m.Member(
        path=f"members/m{n:04d}.toml",
        id=f"m{n:04d}",
        name="A",
        org="v",
        status="full",
        dues=dues,
        dues_base=bases,
    )


def _found(check, records: Records) -> list[dict] | str:
    try:
        return [p.as_dict() for p in check(Context(records, date(2026, 1, 1)))]
    except Exception as exc:  # the same error either way
        return type(exc).__name__


@pytest.mark.parametrize("seed", range(40))
def test_shortcuts_change_nothing(seed, monkeypatch):
    rng = random.Random(seed)
    settings = m.Settings(path="dangjian.toml", id="dangjian")
    members = [_member(rng, n) for n in range(60)]
    records = Records(store=None, settings=settings, members={mb.id: mb for mb in members})
    taken = {"standard": 0, "months": 0}

    def counted(name, real):
        def run(*args):
            kept = real(*args)
            taken[name] += kept
            return kept

        return run

    monkeypatch.setattr(
        member_checks, "_plainly_kept", counted("standard", member_checks._plainly_kept)
    )
    monkeypatch.setattr(
        member_family, "_nothing_new", counted("months", member_family._nothing_new)
    )
    fast = [
        _found(member_checks.dues_standard, records),
        _found(member_family.dues_months, records),
    ]
    monkeypatch.setattr(member_checks, "_plainly_kept", lambda mb, scale: False)
    monkeypatch.setattr(member_family, "_nothing_new", lambda mb, months: False)
    slow = [
        _found(member_checks.dues_standard, records),
        _found(member_family.dues_months, records),
    ]
    assert fast == slow
    # the shortcuts were taken (unless the check stopped on an amount it cannot
    # round, before any member plainly kept), and the rows still found something
    assert taken["standard"] or isinstance(fast[0], str)
    assert taken["months"]
    assert fast[0] or fast[1]
