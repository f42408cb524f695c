"""Letters, reports, notices and assessments filed where their content says."""

from __future__ import annotations

import pytest

LETTER = 'parent = "town"\norg = "{org}"\nsigned_on = {day}\ntasks = ["Hold meetings"]\n'
REPORT = 'org = "{org}"\nto = "county"\nperiod = "{period}"\nsubmitted_on = 2026-07-10\n'
NOTICE = """kind = "rectification"
number = "Town [2026] No. 3"
issuer = "town"
target = "village"
issued_on = {issued}
deadline = {deadline}
"""
ASSESS = 'org = "{org}"\nsecretary = "m1"\nyear = {year}\ngrade = "good"\n'


@pytest.mark.parametrize("day", ["2026-03-01", "2025-12-20", "2026-12-31"])
def test_letter_filed_right(make_repo, validate, day):
    repo = make_repo({"letters/2026/village.toml": LETTER.format(org="village", day=day)})
    assert validate(repo) == []


def test_letter_org_differs_from_file_name(make_repo, validate):
    path = "letters/2026/village.toml"
    repo = make_repo({path: LETTER.format(org="town", day="2026-03-01")})
    p = validate(repo).one("E-PATH-MISMATCH", path)
    assert p["line"] == 2 and "`org` 'town' differs from the file name 'village'" in p["message"]


@pytest.mark.parametrize("day", ["2025-09-30", "2027-01-02"])
def test_letter_signed_outside_its_year(make_repo, validate, day):
    path = "letters/2026/village.toml"
    repo = make_repo({path: LETTER.format(org="village", day=day)})
    p = validate(repo).one("E-PATH-MISMATCH", path)
    assert p["line"] == 3 and "year folder 2026" in p["message"]


@pytest.mark.parametrize("period", ["2026-h1", "2026-H1"])
def test_report_filed_right(make_repo, validate, period):
    repo = make_repo({"reports/town/2026-h1.toml": REPORT.format(org="town", period=period)})
    assert validate(repo) == []


@pytest.mark.parametrize(
    ("org", "period", "line", "expect"),
    [
        ("village", "2026-h1", 1, "`org` 'village' differs from the folder 'town'"),
        ("town", "2026-h2", 3, "`period` '2026-h2' differs from the file name '2026-h1'"),
        ("town", "2026-Q1", 3, "is not a half-year"),
    ],
)
def test_report_misfiled(make_repo, validate, org, period, line, expect):
    path = "reports/town/2026-h1.toml"
    repo = make_repo({path: REPORT.format(org=org, period=period)})
    p = validate(repo).one("E-PATH-MISMATCH", path)
    assert p["line"] == line and expect in p["message"]


def test_notice_filed_right(make_repo, validate):
    path = "notices/2026/003.toml"
    repo = make_repo({path: NOTICE.format(issued="2026-04-01", deadline="2026-06-30")})
    assert validate(repo) == []


def test_notice_in_wrong_year_folder(make_repo, validate):
    path = "notices/2025/003.toml"
    repo = make_repo({path: NOTICE.format(issued="2026-04-01", deadline="2026-06-30")})
    p = validate(repo).one("E-PATH-MISMATCH", path)
    assert p["line"] == 5 and "filed under the year 2025" in p["message"]


def test_notice_deadline_before_issue(make_repo, validate):
    path = "notices/2026/003.toml"
    repo = make_repo({path: NOTICE.format(issued="2026-04-01", deadline="2026-03-30")})
    p = validate(repo).one("E-ORDER", path)
    assert p["line"] == 6 and "`deadline` 2026-03-30 is before `issued_on`" in p["message"]


def test_assessment_filed_right(make_repo, validate):
    path = "assessments/2025/village.toml"
    repo = make_repo({path: ASSESS.format(org="village", year=2025)})
    assert validate(repo) == []


def test_assessment_misfiled(make_repo, validate):
    path = "assessments/2025/village.toml"
    repo = make_repo({path: ASSESS.format(org="town", year=2026)})
    found = validate(repo).at("E-PATH-MISMATCH", path)
    assert [p["line"] for p in found] == [1, 3]
    assert "`year` 2026 differs from the year folder 2025" in found[1]["message"]
