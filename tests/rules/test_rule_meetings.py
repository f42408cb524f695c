"""Periodic meeting rules (branch-assembly, theme-day, committee-study ...) at their edges."""

from __future__ import annotations

from datetime import date


def meeting(kind: str, day: str, attendees: str = '["m1", "m2", "m3"]') -> str:
    """The text of a meeting record (of the MINIMAL repository's members)."""
    return f'kind = "{kind}"\ndate = {day}\nattendees = {attendees}\n'


SETTINGS = 'name = "t"\nlanguage = "en"\ntracking_since = {since}\n{extra}'


def settings(since: str = "2025-01-01", extra: str = "") -> dict[str, str]:
    return {"dangjian.toml": SETTINGS.format(since=since, extra=extra)}


VILLAGE = """
name = "Test Village Branch"
kind = "village_branch"
parent = "town"
secretary = "m1"
{extra}
"""


def village(extra: str) -> dict[str, str]:
    return {"orgs/village.toml": VILLAGE.format(extra=extra)}


def test_meeting_on_last_day_of_quarter_counts_for_that_quarter(evaluated):
    ev = evaluated(
        {
            "meetings/village/2026-03-31-branch_assembly.toml": meeting(
                "branch_assembly", "2026-03-31"
            )
        },
        date(2026, 7, 20),
    )
    q = ev.of("branch-assembly", "village")
    assert (q["2026-Q1"].status, q["2026-Q1"].found) == ("met", 1)
    assert (q["2026-Q2"].status, q["2026-Q2"].found) == ("overdue", 0)


def test_meeting_on_first_day_of_quarter_counts_for_the_next(evaluated):
    ev = evaluated(
        {
            "meetings/village/2026-04-01-branch_assembly.toml": meeting(
                "branch_assembly", "2026-04-01"
            )
        },
        date(2026, 7, 20),
    )
    assert ev.status("branch-assembly", "2026-Q1") == "overdue"
    assert ev.status("branch-assembly", "2026-Q2") == "met"
    assert ev.status("branch-assembly", "2026-Q3") == "due"  # current quarter, still short


def test_theme_day_on_29_february(evaluated):
    ev = evaluated(
        {
            **settings("2024-01-01"),
            "meetings/village/2024-02-29-theme_day.toml": meeting("theme_day", "2024-02-29"),
        },
        date(2024, 4, 15),
    )
    months = ev.of("theme-day", "village")
    assert months["2024-02"].status == "met"
    assert months["2024-02"].deadline == date(2024, 3, 7)  # 29 Feb + 7 days of grace
    assert months["2024-01"].status == "overdue"
    assert months["2024-03"].status == "overdue"
    assert months["2024-04"].status == "due"


def test_org_established_mid_period_owes_from_the_next_full_period(evaluated):
    ev = evaluated(village("established = 2026-02-10"), date(2026, 7, 20))
    months = ev.of("theme-day", "village")
    assert "2026-01" not in months and "2026-02" not in months
    assert months["2026-03"].status == "overdue"
    quarters = ev.of("branch-assembly", "village")
    assert "2026-Q1" not in quarters and quarters["2026-Q2"].status == "overdue"


def test_org_dissolved_mid_period_owes_nothing_for_it(evaluated):
    ev = evaluated(village("established = 2000-01-01\ndissolved = 2026-05-20"), date(2026, 7, 20))
    months = ev.of("theme-day", "village")
    assert months["2026-04"].status == "overdue"
    assert "2026-05" not in months and "2026-06" not in months and "2026-07" not in months
    quarters = ev.of("branch-assembly", "village")
    assert quarters["2026-Q1"].status == "overdue" and "2026-Q2" not in quarters


def test_dissolved_on_the_last_day_still_owes_the_period(evaluated):
    ev = evaluated(village("dissolved = 2026-06-30"), date(2026, 7, 20))
    assert ev.status("branch-assembly", "2026-Q2") == "overdue"
    assert ev.status("theme-day", "2026-06") == "overdue"


def test_grace_days_keep_a_just_ended_period_due(evaluated):
    files = {}
    last_day_of_grace = evaluated(files, date(2026, 7, 7))
    assert last_day_of_grace.status("theme-day", "2026-06") == "due"
    day_after = evaluated(files, date(2026, 7, 8))
    assert day_after.status("theme-day", "2026-06") == "overdue"


def test_grace_days_changed_in_settings(evaluated):
    ev = evaluated(settings(extra="[rules.theme-day]\ngrace_days = 0\n"), date(2026, 7, 1))
    assert ev.status("theme-day", "2026-06") == "overdue"
    assert ev.of("theme-day")["2026-06"].deadline == date(2026, 6, 30)


def test_current_period_is_due_or_met(evaluated):
    held = evaluated(
        {"meetings/village/2026-07-03-theme_day.toml": meeting("theme_day", "2026-07-03")},
        date(2026, 7, 20),
    )
    assert held.status("theme-day", "2026-07") == "met"
    assert evaluated({}, date(2026, 7, 20)).status("theme-day", "2026-07") == "due"


def test_meeting_after_as_of_does_not_count_yet(evaluated):
    ev = evaluated(
        {"meetings/village/2026-07-25-theme_day.toml": meeting("theme_day", "2026-07-25")},
        date(2026, 7, 20),
    )
    assert ev.of("theme-day")["2026-07"].found == 0


def test_tracking_since_bounds_the_window(evaluated):
    ev = evaluated(settings("2026-03-01"), date(2026, 7, 20))
    months = ev.of("theme-day")
    assert min(months) == "2026-03"
    # a quarter that ends inside the window is evaluated whole
    assert ev.status("branch-assembly", "2026-Q1") == "overdue"


def test_window_is_twelve_months_back_when_tracking_is_older(evaluated):
    ev = evaluated(settings("2020-01-01"), date(2026, 7, 20))
    months = ev.of("theme-day")
    assert min(months) == "2025-07" and max(months) == "2026-07"
    assert len(months) == 13


def test_since_overrides_the_window(evaluated):
    ev = evaluated(settings("2026-03-01"), date(2026, 7, 20), since=date(2025, 10, 1))
    assert min(ev.of("theme-day")) == "2025-10"


def test_rule_switched_off(evaluated):
    ev = evaluated(settings(extra="[rules.theme-day]\nenabled = false\n"), date(2026, 7, 20))
    assert ev.of("theme-day") == {}
    assert ev.of("branch-assembly")  # the others still run


def test_rule_numbers_changed(evaluated):
    extra = '[rules.party-lesson]\nperiod = "month"\nmin = 2\n'
    ev = evaluated(
        {
            **settings(extra=extra),
            "meetings/village/2026-06-02-party_lesson.toml": meeting("party_lesson", "2026-06-02"),
            "meetings/village/2026-06-30-party_lesson.toml": meeting("party_lesson", "2026-06-30"),
            "meetings/village/2026-05-10-party_lesson.toml": meeting("party_lesson", "2026-05-10"),
        },
        date(2026, 7, 20),
    )
    lessons = ev.of("party-lesson")
    assert lessons["2026-06"].status == "met" and lessons["2026-06"].required == 2
    assert (lessons["2026-05"].status, lessons["2026-05"].found) == ("overdue", 1)


def test_which_kinds_changed(evaluated):
    ev = evaluated(
        settings(extra='[rules.branch-assembly]\nkinds = ["organ_branch"]\n'), date(2026, 7, 20)
    )
    assert ev.of("branch-assembly") == {}


def test_committee_rules_need_a_committee(evaluated):
    assert evaluated({}, date(2026, 7, 20)).of("branch-committee") == {}
    ev = evaluated(
        village('[committee]\nelected = 2025-01-10\nterm_years = 5\nmembers = ["m1", "m2", "m3"]'),
        date(2026, 7, 20),
    )
    assert ev.status("branch-committee", "2026-06", "village") == "overdue"


def test_committee_study_needs_two_a_year(evaluated):
    ev = evaluated(
        {"meetings/town/2025-05-06-committee_study.toml": meeting("committee_study", "2025-05-06")},
        date(2026, 2, 1),
    )
    year = ev.of("committee-study", "town")["2025"]
    assert (year.status, year.required, year.found) == ("overdue", 2, 1)
    assert ev.status("party-congress-annual", "2025", "town") == "overdue"
    assert "2025" not in ev.of("party-congress-annual", "county")  # townships only
