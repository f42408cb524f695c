"""Fund ledgers: complete entries, the right year, no dues money for subsidies,
and per org and source a balance that never goes below zero."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from ..i18n import Message, say
from ..problems import Problem, error
from ..records import model as m
from . import Context, check


def _entries(ctx: Context) -> Iterator[tuple[m.FundLedger, int, m.FundEntry]]:
    """Every ledger entry with its ledger and row index (for the problem's key)."""
    for ledger in ctx.records.funds:
        for i, e in enumerate(ledger.entry):
            yield ledger, i, e


@check("E-REQUIRED", reads=("funds",), each="funds")
def expense_category(ctx: Context) -> Iterator[Problem]:
    """An expense says what it paid for (`category`): reports add up by category."""
    for ledger, i, e in _entries(ctx):
        if e.direction == "expense" and e.category is None:
            yield error(
                "E-REQUIRED",
                ledger.path,
                say("missing required field `entry.category` (every expense has one)"),
                ("entry", i),
            )


@check("E-FUND-AMOUNT", reads=("funds",), each="funds")
def positive_amounts(ctx: Context) -> Iterator[Problem]:
    """An entry's amount is more than zero: `direction` carries the sign."""
    for ledger, i, e in _entries(ctx):
        if e.amount is not None and e.amount <= 0:
            yield error(
                "E-FUND-AMOUNT",
                ledger.path,
                say(
                    "amount {amount} must be more than zero (use `direction` for the sign)",
                    amount=e.amount,
                ),
                ("entry", i, "amount"),
            )


@check("E-FUND-YEAR", reads=("funds",), each="funds")
def entry_year(ctx: Context) -> Iterator[Problem]:
    """Each entry is dated in its ledger's year (funds/<org>/<yyyy>.toml)."""
    for ledger, i, e in _entries(ctx):
        if e.date is not None and e.date.year != ledger.year:
            yield error(
                "E-FUND-YEAR",
                ledger.path,
                say(
                    "entry dated {day} is outside the ledger's year {year}",
                    day=e.date,
                    year=ledger.year,
                ),
                ("entry", i, "date"),
            )


@check("E-FUND-SUBSIDY", reads=("funds",), each="funds")
def dues_not_for_subsidy(ctx: Context) -> Iterator[Problem]:
    """Retained dues may not pay cadre salaries or benefits (category `subsidy`)."""
    for ledger, i, e in _entries(ctx):
        if e.direction == "expense" and e.source == "dues_retained" and e.category == "subsidy":
            yield error(
                "E-FUND-SUBSIDY",
                ledger.path,
                say(
                    "retained dues may not pay a subsidy ({day}, {amount})",
                    day=e.date,
                    amount=e.amount,
                ),
                ("entry", i, "category"),
                hint=say("pay subsidies from fiscal or other money"),
            )


def _source(source: str) -> Message | str:
    """A fund source as said in a message (English: its id, as the record spells it)."""
    names = {
        "fiscal": say("fiscal"),
        "dues_retained": say("dues_retained"),
        "other": say("other"),
    }
    return names.get(source, source)


@check("E-FUND-NEGATIVE", reads=("funds",))
def balance_never_negative(ctx: Context) -> Iterator[Problem]:
    """Per org and source, the running balance over all that org's ledgers in date
    order never goes below zero.

    Within one day incomes count before expenses (the day's order inside a file is
    not meaningful). A problem is reported where the balance first goes below zero,
    and again only after it has recovered, so one missing income is one problem.
    """
    rows: dict[tuple[str, str], list[tuple[date, int, int, str, int, m.FundEntry]]]
    rows = defaultdict(list)
    for ledger, i, e in _entries(ctx):
        if e.date is None or e.source is None or e.amount is None:
            continue
        if e.direction not in ("income", "expense"):
            continue
        order = 0 if e.direction == "income" else 1
        rows[(ledger.org, e.source)].append((e.date, order, ledger.year, ledger.path, i, e))
    for (org, source), entries in sorted(rows.items()):
        entries.sort(key=lambda r: r[:5])
        balance = Decimal(0)
        negative = False
        for day, _, _, path, i, e in entries:
            assert e.amount is not None
            balance += e.amount if e.direction == "income" else -e.amount
            if balance < 0 and not negative:
                yield error(
                    "E-FUND-NEGATIVE",
                    path,
                    say(
                        "{source} balance of {org} goes negative on {day}: {balance}",
                        source=_source(source),
                        org=org,
                        day=day,
                        balance=balance,
                    ),
                    ("entry", i, "amount"),
                )
            negative = balance < 0
