"""The funding guarantee investigation report (§11): fiscal and dues money per org.

For each org and money source: the balance brought forward (every entry dated
before the year), income and expense in the year, and the closing balance; then
expense by category and source. Amounts are Decimal throughout.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..records.model import FUND_CATEGORIES, FUND_SOURCES
from ..records.names import need_org
from .common import Document, imprint, org_view, render_docx
from .words import word

ZERO = Decimal(0)


def funding_context(
    records: Any,
    org_id: str,
    year: int,
    subtree: bool,
    lang: str,
    dated: date | None = None,
    problems: list[str] | None = None,
) -> dict[str, Any]:
    """The template values of a funding report dated ``dated`` (default today);
    ``problems`` are the paragraphs of the problems-and-suggestions section (none:
    the section is left out)."""
    need_org(records, org_id)
    orgs = records.subtree(org_id) if subtree else [org_id]
    keep = set(orgs)
    first, last = date(year, 1, 1), date(year, 12, 31)
    opening: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    income: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    expense: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    by_category: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for ledger in records.funds:
        if ledger.org not in keep:
            continue
        for e in ledger.entry:
            if e.date is None or e.amount is None or e.date > last:
                continue
            key = (ledger.org, e.source or "other")
            sign = 1 if e.direction == "income" else -1
            if e.date < first:
                opening[key] += sign * e.amount
            elif e.direction == "income":
                income[key] += e.amount
            else:
                expense[key] += e.amount
                by_category[(e.category or "other", e.source or "other")] += e.amount
    balance_rows = []
    for o in orgs:
        name = org_view(records, o)["name"]
        before = len(balance_rows)
        for source in FUND_SOURCES:
            key = (o, source)
            if not (opening[key] or income[key] or expense[key]):
                continue
            balance_rows.append(
                {
                    "org": name,
                    "source": word("source", source, lang),
                    "opening": opening[key],
                    "income": income[key],
                    "expense": expense[key],
                    "closing": opening[key] + income[key] - expense[key],
                }
            )
        if len(balance_rows) == before:  # no money kept: the org is still counted
            balance_rows.append(
                {
                    "org": name,
                    "source": "—",
                    "opening": ZERO,
                    "income": ZERO,
                    "expense": ZERO,
                    "closing": ZERO,
                }
            )
    category_rows = []
    for category in FUND_CATEGORIES:
        amounts = {s: by_category.get((category, s), ZERO) for s in FUND_SOURCES}
        total = sum(amounts.values(), ZERO)
        if total:
            category_rows.append(
                {"category": word("category", category, lang), **amounts, "total": total}
            )
    dues_collected = ZERO
    for mb in records.members.values():
        if mb.org in keep:
            for d in mb.dues:
                if d.month and d.month.startswith(f"{year}-") and d.amount is not None:
                    dues_collected += d.amount

    def total(field: str) -> Decimal:
        return sum((r[field] for r in balance_rows), ZERO)

    return {
        "year": year,
        "org": org_view(records, org_id),
        "subtree": subtree,
        "org_count": len(orgs),
        "balances": balance_rows,
        "categories": category_rows,
        "source_labels": {s: word("source", s, lang) for s in FUND_SOURCES},
        "totals": {
            "opening": total("opening"),
            "income": total("income"),
            "expense": total("expense"),
            "closing": total("closing"),
            "fiscal_income": sum((v for (o, s), v in income.items() if s == "fiscal"), ZERO),
            "dues_income": sum((v for (o, s), v in income.items() if s == "dues_retained"), ZERO),
            "other_income": sum((v for (o, s), v in income.items() if s == "other"), ZERO),
            "income_by_source": [
                {
                    "source": word("source", src, lang),
                    "amount": sum((v for (o, s), v in income.items() if s == src), ZERO),
                }
                for src in FUND_SOURCES
            ],
            "by_source": {s: sum((r[s] for r in category_rows), ZERO) for s in FUND_SOURCES},
        },
        "dues_collected": dues_collected,
        "dated": dated or date.today(),
        "problems": [p.strip() for p in problems or [] if p.strip()],
        "imprint": imprint(records, org_view(records, org_id)["name"], dated or date.today()),
    }


def funding_document(
    org_id: str, year: int, subtree: bool, lang: str, repo_root: Path | None, context: Any
) -> Document:
    """The funding report of :func:`funding_context`'s values."""
    suffix = "-subtree" if subtree else ""
    return Document(
        f"funding-{year}-{org_id}{suffix}.docx", render_docx(repo_root, lang, "funding", context)
    )
