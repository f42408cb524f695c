"""Member checks: status dates, pipeline order, age, activist year, dues, id numbers,
transfers (mobile members: rule transfer-owed, tests/rules/test_member_rules.py)."""

from __future__ import annotations

from datetime import date

import pytest

from dangjian_cli.checks.members import id_number_problem
from dangjian_cli.dates import add_months, add_years

M4 = "members/m4.toml"


def member(*lines: str, status: str = "full") -> str:
    """A member file of the village: name, org, status, then ``lines`` from line 4."""
    return "\n".join(['name = "Four"', 'org = "village"', f'status = "{status}"', *lines]) + "\n"


def test_minimal_members_have_no_member_problems(repo, validate):
    assert validate(repo) == []


@pytest.mark.parametrize(
    ("status", "lines", "missing"),
    [
        ("probationary", [], "admitted"),
        ("full", ["admitted = 2020-01-01"], "full_since"),
        ("full", ["full_since = 2021-01-01"], "admitted"),
    ],
)
def test_status_requires_its_pipeline_date(make_repo, validate, status, lines, missing):
    repo = make_repo({M4: member(*lines, status=status)})
    p = validate(repo).one("E-REQUIRED", M4)
    assert p["line"] == 3 and p["severity"] == "error"
    assert f"`{missing}`" in p["message"]


@pytest.mark.parametrize("status", ["applicant", "activist", "candidate", "withdrawn", "deceased"])
def test_other_statuses_need_no_admission_date(make_repo, validate, status):
    repo = make_repo({M4: member(status=status)})
    assert validate(repo).of("E-REQUIRED") == []


def test_pipeline_out_of_order(make_repo, validate):
    repo = make_repo(
        {
            M4: member(
                "birth_date = 1990-01-01",
                "applied = 2015-01-01",
                "activist_since = 2014-06-01",
                "candidate_since = 2016-01-01",
                "admitted = 2017-01-01",
                "full_since = 2016-12-31",
            )
        }
    )
    found = validate(repo).at("E-ORDER", M4)
    assert [(p["line"], p["message"]) for p in found] == [
        (6, "`activist_since` 2014-06-01 is before `applied` 2015-01-01"),
        (9, "`full_since` 2016-12-31 is before `admitted` 2017-01-01"),
    ]


def test_pipeline_in_order_with_equal_dates_is_fine(make_repo, validate):
    repo = make_repo(
        {
            M4: member(
                "birth_date = 1990-01-01",
                "applied = 2010-01-01",
                "activist_since = 2010-01-01",
                "candidate_since = 2011-01-01",
                "admitted = 2012-01-01",
                "full_since = 2013-01-01",
            )
        }
    )
    assert validate(repo) == []


def test_dates_before_birth(make_repo, validate):
    repo = make_repo(
        {M4: member("birth_date = 1990-01-01", "admitted = 1989-01-01", "full_since = 2021-01-01")}
    )
    p = validate(repo).one("E-ORDER", M4)
    assert p["line"] == 5
    assert "before `birth_date` 1990-01-01" in p["message"]


def test_applicant_under_18(make_repo, validate):
    repo = make_repo(
        {M4: member("birth_date = 2008-05-02", "applied = 2026-05-01", status="applicant")}
    )
    p = validate(repo).one("E-AGE", M4)
    assert p["line"] == 5
    assert "aged 17" in p["message"]


def test_applicant_on_18th_birthday_is_fine(make_repo, validate):
    repo = make_repo(
        {M4: member("birth_date = 2008-05-01", "applied = 2026-05-01", status="applicant")}
    )
    assert validate(repo).of("E-AGE") == []


def test_leap_day_birthday_turns_18_on_28_february():
    assert add_years(date(2008, 2, 29), 18) == date(2026, 2, 28)
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)


@pytest.mark.parametrize(("applied", "too_young"), [("2026-02-27", True), ("2026-02-28", False)])
def test_an_applicant_born_on_29_february_is_18_on_28_february(
    make_repo, validate, applied, too_young
):
    born = "birth_date = 2008-02-29"
    repo = make_repo({M4: member(born, f"applied = {applied}", status="applicant")})
    assert bool(validate(repo).of("E-AGE")) is too_young


def test_activist_less_than_a_year(make_repo, validate):
    repo = make_repo(
        {
            M4: member(
                "activist_since = 2025-03-01", "candidate_since = 2026-02-28", status="candidate"
            )
        }
    )
    findings = validate(repo)
    p = findings.one("W-ACTIVIST-YEAR", M4)
    assert p["severity"] == "warning" and p["line"] == 5
    assert findings.of("E-ORDER") == []


def test_activist_exactly_a_year_is_fine(make_repo, validate):
    repo = make_repo(
        {
            M4: member(
                "activist_since = 2025-03-01", "candidate_since = 2026-03-01", status="candidate"
            )
        }
    )
    assert validate(repo) == []


def test_activist_warning_fails_only_with_strict(make_repo):
    repo = make_repo(
        {
            M4: member(
                "activist_since = 2025-03-01", "candidate_since = 2025-09-01", status="candidate"
            )
        }
    )
    assert repo.run("validate").exit_code == 0
    strict = repo.run("validate", "--strict")
    assert strict.exit_code == 1
    assert "members/m4.toml:5: warning W-ACTIVIST-YEAR" in strict.stdout


DUES = """
name = "Four"
org = "village"
status = "full"
admitted = 2020-01-01
full_since = 2021-01-01

[[dues]]
month = "2026-01"
amount = "10.00"

[[dues]]
month = "2026-02"
amount = 10

[[dues]]
month = "2026-01"
amount = 10

[[dues]]
month = "2026-13"
amount = 10

[[dues]]
month = "2026/03"
amount = 10
"""


def test_dues_month_repeated_and_malformed(make_repo, validate):
    repo = make_repo({M4: DUES})
    findings = validate(repo)
    dup = findings.one("E-DUES-DUP", M4)
    assert dup["line"] == 16
    assert "2026-01 is repeated (first in row 1)" in dup["message"]
    bad = findings.at("E-DUES-MONTH", M4)
    assert [p["line"] for p in bad] == [20, 24]
    assert len(findings) == 3


def test_distinct_dues_months_are_fine(make_repo, validate):
    repo = make_repo({M4: DUES.split('[[dues]]\nmonth = "2026-01"\namount = 10')[0]})
    assert validate(repo) == []


@pytest.mark.parametrize(
    ("number", "birth", "why"),
    [
        ("110105197005011230", "1970-05-01", None),
        ("33010619900101115X", "1990-01-01", None),
        ("33010619900101115x", None, None),
        ("110105197005011231", "1970-05-01", "has a wrong check digit"),
        ("11010519700501123", None, "must be 18 characters"),
        ("1101051970050112A0", None, "must be 18 characters"),
        ("440304198502290045", None, "holds no real birth date"),
        (
            "110105197005011230",
            "1970-05-02",
            "other than `birth_date`",
        ),
    ],
)
def test_id_number_rules(number, birth, why):
    problem = id_number_problem(number, date.fromisoformat(birth) if birth else None)
    if why is None:
        assert problem is None
    else:
        assert problem is not None and why in problem.english()
        # no digit of the number: only the fixed words of the rule hold digits
        words = problem.english()
        for fixed in ("18 characters", "17 digits", "7 to 14"):
            words = words.replace(fixed, "")
        assert not any(c.isdigit() for c in words), problem


def test_wrong_id_number_check_digit(make_repo, validate):
    repo = make_repo(
        {
            M4: member(
                "admitted = 2000-01-01",
                "full_since = 2001-01-01",
                'id_number = "110105197005011231"',
            ),
            "members/m5.toml": member(
                "admitted = 2000-01-01",
                "full_since = 2001-01-01",
                'id_number = "110105197005011230"',
            ),
        }
    )
    findings = validate(repo)
    p = findings.one("E-ID-NUMBER", M4)
    assert p["line"] == 6
    assert "110105197005011231" not in p["message"]  # personal data stays out
    assert findings.at("E-ID-NUMBER", "members/m5.toml") == []


TRANSFERS = """
name = "Four"
org = "{org}"
status = "{status}"
admitted = 2020-01-01
full_since = 2021-01-01

[[transfers]]
date = 2023-05-01
from = "Other county"
to = "town"

[[transfers]]
date = 2022-01-01
from = "Elsewhere"
to = "Other county"

[[transfers]]
date = 2024-05-01
from = "{second_from}"
to = "village"
"""


def test_transfer_chain_consistent(make_repo, validate):
    text = TRANSFERS.format(org="village", status="full", second_from="town")
    assert validate(make_repo({M4: text})) == []


def test_transfer_chain_broken(make_repo, validate):
    text = TRANSFERS.format(org="village", status="full", second_from="county")
    p = validate(make_repo({M4: text})).one("E-TRANSFER", M4)
    assert p["line"] == 19
    assert "from 'county', but the transfer of 2023-05-01 went to 'town'" in p["message"]


def test_last_transfer_must_reach_org(make_repo, validate):
    text = TRANSFERS.format(org="town", status="full", second_from="town")
    p = validate(make_repo({M4: text})).one("E-TRANSFER", M4)
    assert p["line"] == 20
    assert "goes to 'village', but `org` is 'town'" in p["message"]


def test_transferred_out_member_may_end_elsewhere(make_repo, validate):
    text = TRANSFERS.format(org="town", status="transferred_out", second_from="town")
    assert validate(make_repo({M4: text})).of("E-TRANSFER") == []
