"""Rules added by issue 11: committees' quarterly regular meeting, street committees'
letters, the follow-up of a poor debriefing grade."""

from __future__ import annotations

from datetime import date

STREET = {
    "orgs/street.toml": (
        'name = "Street"\nkind = "street_committee"\nparent = "county"\nestablished = 2000-01-01\n'
    ),
    "orgs/community.toml": (
        'name = "Community"\nkind = "community_branch"\nparent = "street"\n'
        "established = 2000-01-01\n"
    ),
}


def test_committees_hold_a_regular_meeting_each_quarter(evaluated):
    files = {
        "meetings/town/2026-02-10-committee_meeting.toml": (
            'kind = "committee_meeting"\ndate = 2026-02-10\nattendees = []\n'
        )
    }
    ev = evaluated(files, date(2026, 7, 15))
    assert ev.status("committee-regular", "2026-Q1", "town") == "met"
    assert ev.status("committee-regular", "2026-Q2", "town") == "overdue"
    assert ev.status("committee-regular", "2026-Q3", "county") == "due"
    assert ev.of("committee-regular", "village") == {}  # not a committee
    # the leading group's rule keeps its meaning
    assert ev.of("leading-group-regular", "town") == {}


def test_street_committees_sign_letters_with_their_children(evaluated):
    ev = evaluated(STREET, date(2026, 4, 1))
    assert ev.status("responsibility-letter", "2026", "community") == "overdue"


def assessment(grade: str, day: str = "2026-01-20") -> dict[str, str]:
    return {
        "assessments/2025/village.toml": (
            f'org = "village"\nsecretary = "m1"\nyear = 2025\ngrade = "{grade}"\n'
            f"assessed_on = {day}\n"
        )
    }


def admonition(day: str, target: str = "village") -> dict[str, str]:
    return {
        "notices/2026/001.toml": (
            f'kind = "admonition"\nnumber = "T1"\nissuer = "town"\ntarget = "{target}"\n'
            f"issued_on = {day}\n"
        )
    }


def test_a_poor_grade_makes_an_admonition_due_within_30_days(evaluated):
    assert evaluated(assessment("good"), date(2026, 3, 1)).of("poor-grade-followup") == {}
    ev = evaluated(assessment("poor"), date(2026, 1, 25))
    ob = ev.of("poor-grade-followup", "village")["2026"]
    assert (ob.status, ob.deadline, ob.org) == ("due", date(2026, 2, 19), "village")
    assert (
        evaluated(assessment("poor"), date(2026, 2, 19)).status(
            "poor-grade-followup", "2026", "village"
        )
        == "due"
    )
    assert (
        evaluated(assessment("poor"), date(2026, 2, 20)).status(
            "poor-grade-followup", "2026", "village"
        )
        == "overdue"
    )


def test_an_admonition_to_the_org_or_its_secretary_meets_it(evaluated):
    for target in ("village", "m1"):
        files = {**assessment("poor"), **admonition("2026-02-01", target)}
        ev = evaluated(files, date(2026, 3, 1))
        assert ev.status("poor-grade-followup", "2026", "village") == "met", target
    # an admonition before the debriefing does not answer it
    early = {**assessment("poor"), **admonition("2026-01-10")}
    ev = evaluated(early, date(2026, 3, 1))
    assert ev.status("poor-grade-followup", "2026", "village") == "overdue"
