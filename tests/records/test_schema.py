from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from dangjian_cli.records import layout
from dangjian_cli.records.repository import load_file
from dangjian_cli.records.schema import money


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (12, Decimal("12")),
        ("1200.50", Decimal("1200.50")),
        (" 7.5 ", Decimal("7.5")),
        (12.5, Decimal("12.5")),
        (0.1, Decimal("0.1")),
        (12.345, None),
        ("12.345", None),
        ("twelve", None),
        (True, None),
        (1e20, None),
    ],
)
def test_money_is_exact_or_refused(raw, expected):
    assert money(raw) == expected


def test_member_is_built_with_typed_rows():
    data = b"""
name = "A"
org = "b"
status = "full"
admitted = 2020-01-01
full_since = 2021-01-01
[[transfers]]
date = 2022-03-01
from = "x"
to = "b"
[[dues]]
month = "2026-01"
amount = "12.50"
paid_on = 2026-01-10
[stars]
2025 = 4
"""
    member, problems = load_file(layout.member_path("a"), data)
    assert problems == []
    assert member.id == "a" and member.full_since == date(2021, 1, 1)
    assert member.transfers[0].from_ == "x"
    assert member.dues[0].amount == Decimal("12.50")
    assert member.stars == {"2025": 4}


def test_every_problem_of_a_file_is_reported():
    data = b"""
name = 5
kind = "villag_branch"
established = "2020-01-01"
party_groups = "yes"
colour = "red"
"""
    _, problems = load_file("orgs/x.toml", data)
    got = sorted((p.code, p.key) for p in problems)
    assert got == [
        ("E-ENUM", ("kind",)),
        ("E-TYPE", ("established",)),
        ("E-TYPE", ("name",)),
        ("E-TYPE", ("party_groups",)),
        ("W-UNKNOWN-FIELD", ("colour",)),
    ]
    hint = next(p.hint for p in problems if p.code == "E-ENUM")
    assert hint == "did you mean 'village_branch'?"


def test_a_personal_value_of_the_wrong_type_is_quoted_masked():
    data = b'name = "A"\norg = "b"\nstatus = "applicant"\n'
    data += b"id_number = 360731198406287031\nphone = 13812345678\nbirth_date = 1984\n"
    _, problems = load_file(layout.member_path("a"), data)
    messages = {p.key: p.message for p in problems if p.code == "E-TYPE"}
    assert (
        messages[("id_number",)] == "`id_number` must be a string, got integer '360731********7031'"
    )
    assert messages[("phone",)] == "`phone` must be a string, got integer '138****5678'"
    assert messages[("birth_date",)] == "`birth_date` must be a date, got integer 1984"


def test_meeting_takes_org_from_its_folder():
    data = b'kind = "theme_day"\ndate = 2026-03-15\nattendees = []\n'
    meeting, problems = load_file("meetings/qs/2026-03-15-theme_day.toml", data)
    assert problems == [] and meeting.org == "qs"
