"""Properties of the engine over many as-of days: windows, status order, periods in range."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from dangjian_cli.records.repository import Records, load
from dangjian_cli.records.store import FolderStore
from dangjian_cli.rules.catalog import PERIODIC_TYPES, load_rules
from dangjian_cli.rules.engine import (
    STATUSES,
    deadline_status,
    evaluate,
    periodic_status,
    window_start,
)
from dangjian_cli.rules.periods import PERIOD_KINDS, parse_period, period_of

SAMPLE = Path(__file__).resolve().parents[2] / "sample_repo"
RANK = {"upcoming": 0, "met": 0, "due": 1, "overdue": 2}

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))


@cache
def sample() -> Records:
    return load(FolderStore(SAMPLE))


@given(
    st.sampled_from(list(PERIOD_KINDS)),
    days,
    st.integers(0, 400),
    st.integers(0, 400),
    st.integers(0, 60),
)
def test_a_short_period_only_gets_worse_with_time(kind, day, a, b, grace):
    period = period_of(kind, day)
    early, late = sorted((period.start + timedelta(days=a), period.start + timedelta(days=b)))
    first, _ = periodic_status(period, 0, 1, early, grace)
    second, deadline = periodic_status(period, 0, 1, late, grace)
    assert RANK[first] <= RANK[second]
    assert second == ("overdue" if late > deadline else "due")
    assert periodic_status(period, 1, 1, late, grace)[0] == "met"


@given(days, days)
def test_deadline_status_is_overdue_exactly_after_the_deadline(deadline, as_of):
    status = deadline_status(False, deadline, "30d", as_of)
    assert (status == "overdue") == (as_of > deadline)
    assert (status == "upcoming") == (as_of < deadline - timedelta(days=30))


@given(days, st.one_of(st.none(), days))
def test_window_start_is_the_later_of_tracking_and_a_year_back(as_of, tracking):
    records = sample()
    settings_ = type(records.settings)(path="dangjian.toml", id="dangjian", tracking_since=tracking)
    start = window_start(settings_, as_of)
    assert start <= as_of or (tracking is not None and start == tracking)
    assert start >= (tracking or date.min)
    assert (as_of - start).days <= 366 or start == tracking


@settings(max_examples=25, deadline=None)
@given(st.dates(min_value=date(2025, 2, 1), max_value=date(2027, 3, 31)))
def test_sample_obligations_stay_inside_the_window(as_of):
    records = sample()
    rules = load_rules(records.settings)
    start = window_start(records.settings, as_of)
    for ob in evaluate(records, as_of):
        assert ob.status in STATUSES
        assert ob.found >= 0 and ob.required >= 1
        rule = rules[ob.rule]
        if rule.type in PERIODIC_TYPES:
            period = parse_period(ob.period)
            assert period.end >= start and period.start <= as_of
            assert period.kind == rule.period
        elif rule.type in ("pairing", "project"):
            assert ob.period == str(as_of.year) and ob.status in ("met", "overdue")
        if ob.status == "overdue" and ob.deadline is not None:
            assert ob.deadline < as_of
