"""One-off deadlines: committee elections and rectification of notices."""

from __future__ import annotations

from datetime import date

VILLAGE = """
name = "Test Village Branch"
kind = "village_branch"
parent = "town"
established = 2000-01-01
secretary = "m1"
[committee]
elected = {elected}
{term}
members = ["m1", "m2", "m3"]
"""


def committee(elected: str, term: int | None) -> dict[str, str]:
    text = VILLAGE.format(elected=elected, term=f"term_years = {term}" if term else "")
    return {"orgs/village.toml": text}


def test_election_due_from_six_months_before_the_term_ends(evaluated):
    files = committee("2023-09-16", 3)
    assert evaluated(files, date(2026, 3, 15)).status("committee-election", "2026") == "upcoming"
    assert evaluated(files, date(2026, 3, 16)).status("committee-election", "2026") == "due"
    assert evaluated(files, date(2026, 9, 16)).status("committee-election", "2026") == "due"
    late = evaluated(files, date(2026, 9, 17)).of("committee-election", "village")["2026"]
    assert (late.status, late.deadline) == ("overdue", date(2026, 9, 16))


def test_election_term_defaults_to_five_years_for_villages(evaluated):
    ob = evaluated(committee("2021-07-01", None), date(2026, 7, 15)).of("committee-election")
    assert ob["2026"].deadline == date(2026, 7, 1) and ob["2026"].status == "overdue"


def test_an_old_expired_term_is_reported_whatever_the_window(evaluated):
    ev = evaluated(committee("2019-01-10", 3), date(2026, 7, 15))
    assert ev.status("committee-election", "2022", "village") == "overdue"


NOTICE = """
kind = "{kind}"
number = "T [2026] No. 1"
issuer = "town"
target = "{target}"
issued_on = 2026-03-20
findings = ["minutes missing"]
deadline = 2026-05-31
{extra}
"""


def notice(kind: str = "rectification", target: str = "village", extra: str = "") -> dict[str, str]:
    return {"notices/2026/001.toml": NOTICE.format(kind=kind, target=target, extra=extra)}


def test_rectification_overdue_the_day_after_its_deadline(evaluated):
    assert (
        evaluated(notice(), date(2026, 5, 31)).status("rectification", "2026", "village") == "due"
    )
    late = evaluated(notice(), date(2026, 6, 1)).of("rectification", "village")["2026"]
    assert (late.status, late.deadline, late.clause) == ("overdue", date(2026, 5, 31), "§3")
    assert evaluated(notice(), date(2026, 4, 30)).status("rectification", "2026") == "upcoming"


def test_rectified_notice_is_met_and_praise_is_no_obligation(evaluated):
    done = notice(extra="rectified_on = 2026-05-20")
    assert evaluated(done, date(2026, 7, 15)).status("rectification", "2026", "village") == "met"
    # rectified after the as-of day: not yet
    assert evaluated(done, date(2026, 5, 10)).status("rectification", "2026") == "due"
    criticism = notice(kind="criticism")
    assert evaluated(criticism, date(2026, 6, 1)).status("rectification", "2026") == "overdue"
    praise = {"notices/2026/001.toml": NOTICE.format(kind="praise", target="village", extra="")}
    assert evaluated(praise, date(2026, 6, 1)).of("rectification") == {}


def test_notice_to_a_member_is_the_member_s_org_s_to_answer(evaluated):
    ob = evaluated(notice(target="m2"), date(2026, 6, 1)).of("rectification", "m2")["2026"]
    assert (ob.org, ob.subject_name) == ("village", "Member Two")
