"""Deadline-style periodic rules: half-year reports, responsibility letters, debriefing."""

from __future__ import annotations

from datetime import date


def report(period: str, submitted: str) -> str:
    return (
        f'org = "town"\nto = "county"\nperiod = "{period}"\n'
        f'submitted_on = {submitted}\nsummary = "x"\n'
    )


def test_report_due_from_30_days_before_and_overdue_the_day_after(evaluated):
    # 2026-H1 ends 30 June; deadline 31 July; due from 1 July
    assert (
        evaluated({}, date(2026, 6, 30)).status("half-year-report", "2026-H1", "town") == "upcoming"
    )
    assert evaluated({}, date(2026, 7, 1)).status("half-year-report", "2026-H1", "town") == "due"
    assert evaluated({}, date(2026, 7, 31)).status("half-year-report", "2026-H1", "town") == "due"
    late = evaluated({}, date(2026, 8, 1)).of("half-year-report", "town")["2026-H1"]
    assert (late.status, late.deadline) == ("overdue", date(2026, 7, 31))


def test_report_submitted_counts_even_late_but_not_before_it_is_submitted(evaluated):
    files = {"reports/town/2025-h2.toml": report("2025-h2", "2026-02-09")}
    before = evaluated(files, date(2026, 2, 5)).of("half-year-report", "town")["2025-H2"]
    assert (before.status, before.deadline) == ("overdue", date(2026, 1, 31))
    # issue 11: a late report is met but marked late, with the days late
    late = evaluated(files, date(2026, 2, 9)).of("half-year-report", "town")["2025-H2"]
    assert (late.status, late.days_late) == ("met_late", 9)


def test_reports_only_for_non_branches_with_a_parent(evaluated):
    ev = evaluated({}, date(2026, 8, 1))
    subjects = {ob.subject for ob in ev.all if ob.rule == "half-year-report"}
    assert subjects == {"town"}  # not the county (no parent), not the village (a branch)


def test_letter_by_31_march(evaluated):
    letter = 'parent = "town"\norg = "village"\nsigned_on = 2026-03-20\n'
    assert (
        evaluated({}, date(2026, 3, 1)).status("responsibility-letter", "2026", "village") == "due"
    )
    assert (
        evaluated({}, date(2026, 4, 1)).status("responsibility-letter", "2026", "village")
        == "overdue"
    )
    signed = evaluated({"letters/2026/village.toml": letter}, date(2026, 4, 1))
    assert signed.status("responsibility-letter", "2026", "village") == "met"
    # the letter rule applies to orgs whose parent is a county or township committee
    assert signed.status("responsibility-letter", "2026", "town") == "overdue"
    assert signed.of("responsibility-letter", "county") == {}


def test_letter_deadline_changed_in_settings(evaluated):
    settings = (
        'name = "t"\ntracking_since = 2025-01-01\n'
        '[rules.responsibility-letter]\ndeadline = "02-28"\n'
    )
    ev = evaluated({"dangjian.toml": settings}, date(2026, 3, 1))
    assert ev.of("responsibility-letter", "village")["2026"].deadline == date(2026, 2, 28)
    assert ev.status("responsibility-letter", "2026", "village") == "overdue"


def test_debriefing_by_31_january_for_orgs_with_a_secretary(evaluated):
    files = {"assessments/2025/village.toml": 'org = "village"\nyear = 2025\ngrade = "good"\n'}
    ev = evaluated(files, date(2026, 2, 1))
    assert ev.status("debriefing", "2025", "village") == "met"
    assert ev.of("debriefing", "town") == {}  # the town names no secretary
    missing = evaluated({}, date(2026, 2, 1)).of("debriefing", "village")["2025"]
    assert (missing.status, missing.deadline) == ("overdue", date(2026, 1, 31))
    assert evaluated({}, date(2026, 1, 31)).status("debriefing", "2025", "village") == "due"
