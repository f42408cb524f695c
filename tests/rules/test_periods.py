"""Period arithmetic: labels, boundaries and month shifts, by example and by property."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dangjian_cli.dates import add_months, add_years
from dangjian_cli.rules.periods import (
    PERIOD_KINDS,
    parse_period,
    period_of,
    periods_between,
    shift,
)

days = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))
kinds = st.sampled_from(list(PERIOD_KINDS))


@pytest.mark.parametrize(
    ("kind", "day", "label", "start", "end"),
    [
        ("month", date(2024, 2, 29), "2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("month", date(2025, 2, 1), "2025-02", date(2025, 2, 1), date(2025, 2, 28)),
        ("quarter", date(2026, 3, 31), "2026-Q1", date(2026, 1, 1), date(2026, 3, 31)),
        ("quarter", date(2026, 4, 1), "2026-Q2", date(2026, 4, 1), date(2026, 6, 30)),
        ("half", date(2026, 6, 30), "2026-H1", date(2026, 1, 1), date(2026, 6, 30)),
        ("half", date(2026, 7, 1), "2026-H2", date(2026, 7, 1), date(2026, 12, 31)),
        ("year", date(2026, 12, 31), "2026", date(2026, 1, 1), date(2026, 12, 31)),
    ],
)
def test_period_of_edges(kind, day, label, start, end):
    period = period_of(kind, day)
    assert (period.label, period.start, period.end) == (label, start, end)


@given(kinds, days)
def test_period_contains_its_day_and_labels_round_trip(kind, day):
    period = period_of(kind, day)
    assert period.start <= day <= period.end
    assert parse_period(period.label) == period
    assert period.start.day == 1
    assert (period.end + timedelta(days=1)).day == 1  # ends on a month's last day


@given(kinds, days)
def test_next_period_follows_without_gap(kind, day):
    period = period_of(kind, day)
    following = period.next()
    assert following.start == period.end + timedelta(days=1)
    assert following.kind == kind


@given(kinds, days, st.integers(min_value=0, max_value=800))
def test_periods_between_cover_the_span_once(kind, first, length):
    last = first + timedelta(days=length)
    periods = list(periods_between(kind, first, last))
    assert periods[0].contains(first) and periods[-1].contains(last)
    for before, after in itertools.pairwise(periods):
        assert after.start == before.end + timedelta(days=1)


@given(days, st.integers(min_value=-240, max_value=240))
def test_add_months_lands_in_the_right_month(day, n):
    moved = add_months(day, n)
    assert moved.year * 12 + moved.month == day.year * 12 + day.month + n
    assert moved.day == day.day or moved.day < day.day  # clamped only at a month's end
    if moved.day < day.day:
        assert (moved + timedelta(days=1)).day == 1


def test_29_february_plus_a_year_is_28_february():
    assert add_years(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)
    assert shift(date(2026, 3, 31), "1m") == date(2026, 4, 30)
    assert shift(date(2026, 7, 20), "30d", -1) == date(2026, 6, 20)


@pytest.mark.parametrize("bad", ["2026-13", "2026-Q5", "2026-H3", "26-01", "2026-1", "Q1"])
def test_bad_labels_are_refused(bad):
    with pytest.raises(ValueError):
        parse_period(bad)


def test_lower_case_half_labels_of_report_files_are_read():
    assert parse_period("2025-h2").label == "2025-H2"
