"""Calendar periods (month, quarter, half, year) and the date arithmetic rules need
(whole months and years are moved by :mod:`dangjian_cli.dates`, shared with the checks).

A clerk names periods as fava does: ``2026-03``, ``2026-Q1``, ``2026-H1``, ``2026``.
Everything here is pure date arithmetic, so it is tested by properties, not examples.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache, lru_cache

from ..dates import add_months

#: period kinds, shortest first; value: months per period
PERIOD_KINDS: dict[str, int] = {"month": 1, "quarter": 3, "half": 6, "year": 12}

_LABEL = re.compile(r"(?P<year>\d{4})(?:-(?:(?P<month>\d{2})|[Qq](?P<q>[1-4])|[Hh](?P<h>[12])))?\Z")


@dataclass(frozen=True, slots=True, order=True)
class Period:
    """One calendar period: ``start`` and ``end`` are both inside it."""

    start: date
    end: date
    kind: str

    @property
    def label(self) -> str:
        y, mo = self.start.year, self.start.month
        if self.kind == "month":
            return f"{y}-{mo:02d}"
        if self.kind == "quarter":
            return f"{y}-Q{(mo - 1) // 3 + 1}"
        if self.kind == "half":
            return f"{y}-H{(mo - 1) // 6 + 1}"
        return f"{y}"

    def next(self) -> Period:
        return period_of(self.kind, self.end + timedelta(days=1))

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def __str__(self) -> str:
        return self.label


def _check_kind(kind: str) -> int:
    try:
        return PERIOD_KINDS[kind]
    except KeyError:
        raise ValueError(
            f"unknown period {kind!r} (expected one of {', '.join(PERIOD_KINDS)})"
        ) from None


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def period_of(kind: str, day: date) -> Period:
    """The period of ``kind`` that ``day`` falls in."""
    size = _check_kind(kind)
    first_month = (day.month - 1) // size * size + 1
    last_month = first_month + size - 1
    return Period(date(day.year, first_month, 1), month_end(day.year, last_month), kind)


# remembered: a county's obligations carry a few hundred labels, read 180,000 times
@lru_cache(maxsize=4096)
def parse_period(label: str) -> Period:
    """``2026-03`` / ``2026-Q1`` / ``2026-H1`` / ``2026`` (also ``2026-h1``) to a Period."""
    found = _LABEL.match(label.strip())
    if not found:
        raise ValueError(f"{label!r} is not a period (2026-03, 2026-Q1, 2026-H1 or 2026)")
    year = int(found["year"])
    if found["month"]:
        month = int(found["month"])
        if not 1 <= month <= 12:
            raise ValueError(f"{label!r}: month must be 01..12")
        return period_of("month", date(year, month, 1))
    if found["q"]:
        return period_of("quarter", date(year, (int(found["q"]) - 1) * 3 + 1, 1))
    if found["h"]:
        return period_of("half", date(year, (int(found["h"]) - 1) * 6 + 1, 1))
    return period_of("year", date(year, 1, 1))


def periods_between(kind: str, first: date, last: date) -> Iterator[Period]:
    """Every period of ``kind`` that overlaps ``first``..``last`` (inclusive), in order."""
    if last < first:
        return
    period = period_of(kind, first)
    while period.start <= last:
        yield period
        period = period.next()


_SPAN = re.compile(r"(?P<n>\d+)\s*(?P<unit>[dmy])\Z")


def parse_span(text: str) -> tuple[int, str]:
    """``30d``, ``6m``, ``1y`` to (number, unit)."""
    found = _SPAN.match(str(text).strip().lower())
    if not found:
        raise ValueError(f"{text!r} is not a span like 30d, 6m or 1y")
    return int(found["n"]), found["unit"]


@cache
def _span(text: str) -> tuple[int, str]:
    """parse_span, remembered: rules shift every member's and period's date by one span."""
    return parse_span(text)


def shift(day: date, span: str, sign: int = 1) -> date:
    """``day`` plus (or minus, ``sign=-1``) a span such as ``30d``, ``6m`` or ``1y``."""
    n, unit = _span(span) if isinstance(span, str) else parse_span(span)
    if unit == "d":
        return day + timedelta(days=sign * n)
    return add_months(day, sign * n * (12 if unit == "y" else 1))
