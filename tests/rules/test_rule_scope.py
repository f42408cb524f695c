"""``evaluate(orgs=..., statuses=...)`` skip work early: they must equal filtering afterwards.

The listings ask the engine for findings only, and `status` / documents for one org;
the engine then skips met members and other orgs' subjects before building them.
These properties pin that the shortcut never changes an obligation.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from dangjian_cli.records import model as m
from dangjian_cli.records.repository import Records, load
from dangjian_cli.records.store import FolderStore
from dangjian_cli.rules.catalog import load_rules
from dangjian_cli.rules.engine import FINDINGS, MET, OVERDUE, STATUSES, evaluate

SAMPLE = Path(__file__).resolve().parents[2] / "sample_repo"

as_of_days = st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 6, 30))
status_sets = st.sampled_from([FINDINGS, (OVERDUE,), (MET,), ("upcoming", "due"), STATUSES])


@cache
def sample() -> Records:
    return load(FolderStore(SAMPLE))


@settings(max_examples=20, deadline=None)
@given(as_of_days, status_sets, st.sets(st.sampled_from(sorted(sample().orgs)), max_size=4))
def test_sample_scope_and_statuses_equal_filtering_afterwards(as_of, statuses, orgs):
    records = sample()
    everything = evaluate(records, as_of)
    assert evaluate(records, as_of, statuses=statuses) == [
        ob for ob in everything if ob.status in statuses
    ]
    assert evaluate(records, as_of, orgs=orgs) == [ob for ob in everything if ob.org in orgs]


# ---- dues ledgers of any shape ----------------------------------------------------

months = st.builds(
    lambda y, mo: f"{y}-{mo:02d}", st.integers(2024, 2027), st.integers(1, 12)
) | st.sampled_from(["2026-13", "bad", "2026/05", ""])
paid_days = st.none() | st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31))
ledgers = st.lists(st.builds(m.Dues, month=months, paid_on=paid_days), max_size=30)
members = st.lists(
    st.tuples(
        ledgers,
        st.dates(min_value=date(2023, 1, 1), max_value=date(2027, 1, 1)),  # admitted
        st.sampled_from(["full", "probationary"]),
        st.booleans(),  # converted to full a year after admission
    ),
    min_size=1,
    max_size=6,
)


def county(rows: list[tuple[list[m.Dues], date, str, bool]], tracking: date | None) -> Records:
    settings_ = m.Settings(path="dangjian.toml", id="dangjian", tracking_since=tracking)
    orgs = {
        "a": m.Org(path="orgs/a.toml", id="a", name="A", kind="village_branch"),
        "b": m.Org(path="orgs/b.toml", id="b", name="B", kind="village_branch"),
    }
    people = {}
    for n, (dues, admitted, status, converted) in enumerate(rows):
        member_id = f"m{n}"
        people[member_id] = m.Member(
            path=f"members/{member_id}.toml",
            id=member_id,
            name=member_id,
            org="ab"[n % 2],
            status=status,
            admitted=admitted,
            full_since=admitted + timedelta(days=365) if converted else None,
            dues=dues,
        )
    return Records(store=None, settings=settings_, orgs=orgs, members=people)  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None)
@given(
    members,
    as_of_days,
    st.none() | st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 6, 1)),
    st.integers(1, 8),
    st.integers(1, 8),
    status_sets,
)
def test_dues_and_probation_findings_equal_filtering_afterwards(
    rows, as_of, tracking, due_months, overdue_months, statuses
):
    records = county(rows, tracking)
    rules = load_rules(records.settings)
    # due_months above overdue_months is allowed by the catalogue: still the same answer
    rules["dues"] = dataclasses.replace(
        rules["dues"], due_months=due_months, overdue_months=overdue_months
    )
    rules = {rule_id: rules[rule_id] for rule_id in ("dues", "probation-conversion")}
    everything = evaluate(records, as_of, rules=rules)
    assert evaluate(records, as_of, rules=rules, statuses=statuses) == [
        ob for ob in everything if ob.status in statuses
    ]
    assert evaluate(records, as_of, rules=rules, orgs=["b"]) == [
        ob for ob in everything if ob.org == "b"
    ]
