"""Participation rules at their edges: party groups per group, six months without
taking part, every member appraised, an unqualified member disposed of."""

from __future__ import annotations

from datetime import date

SETTINGS = """
name = "Test county"
language = "en"
tracking_since = 2025-01-01
[rules.self-withdrawal-review]
applies_from = 2025-01-01
[rules.appraisal-coverage]
applies_from = 2025-01-01
[rules.unqualified-followup]
applies_from = 2025-01-01
"""


def _of(ev, rule: str, subject: str) -> list:
    return [ob for ob in ev.all if ob.rule == rule and ob.subject == subject]


def _status(ev, rule: str, subject: str) -> str | None:
    found = _of(ev, rule, subject)
    assert len(found) <= 1, found
    return found[0].status if found else None


# ---- party groups ------------------------------------------------------------------

GROUPED = """
name = "Test Village Branch"
kind = "village_branch"
parent = "town"
established = 2000-01-01
secretary = "m1"
party_groups = true

[[groups]]
id = "east"
leader = "m1"
members = ["m1", "m2"]

[[groups]]
id = "west"
leader = "m3"
members = ["m3"]
"""


def _group_meeting(day: str, group: str | None, who: str = '["m1"]') -> str:
    text = f'kind = "party_group"\ndate = {day}\nattendees = {who}\n'
    return text + (f'group = "{group}"\n' if group else "")


def test_a_group_that_did_not_meet_is_short_while_the_other_met(evaluated):
    files = {
        "orgs/village.toml": GROUPED,
        "meetings/village/2026-03-05-party_group.toml": _group_meeting("2026-03-05", "east"),
        "meetings/village/2026-03-06-party_group.toml": _group_meeting(
            "2026-03-06", "west", '["m3"]'
        ),
        "meetings/village/2026-04-05-party_group.toml": _group_meeting("2026-04-05", "east"),
    }
    ev = evaluated(files, date(2026, 5, 20))
    assert ev.status("party-group", "2026-03", "village/east") == "met"
    assert ev.status("party-group", "2026-03", "village/west") == "met"
    assert ev.status("party-group", "2026-04", "village/east") == "met"
    assert ev.status("party-group", "2026-04", "village/west") == "overdue"
    assert ev.of("party-group", "village") == {}  # per group, not per branch


def test_party_groups_without_groups_keep_the_branch_count(evaluated):
    branch = GROUPED.split("[[groups]]")[0]
    files = {
        "orgs/village.toml": branch,
        "meetings/village/2026-04-05-party_group.toml": _group_meeting("2026-04-05", None),
    }
    ev = evaluated(files, date(2026, 5, 20))
    assert ev.status("party-group", "2026-04", "village") == "met"
    assert ev.status("party-group", "2026-03", "village") == "overdue"


# ---- six months without taking part ------------------------------------------------------


def _lesson(day: str, who: str, absent: str = "") -> str:
    return f'kind = "party_lesson"\ndate = {day}\nattendees = {who}\n' + absent


def _attendance(**extra: str) -> dict[str, str]:
    files = {
        "dangjian.toml": SETTINGS,
        # everyone came in January; from then on m3 stays away
        "meetings/village/2026-01-10-party_lesson.toml": _lesson(
            "2026-01-10", '["m1", "m2", "m3"]'
        ),
        "meetings/village/2026-04-10-party_lesson.toml": _lesson("2026-04-10", '["m1", "m2"]'),
    }
    files.update(extra)
    return files


def test_five_months_away_is_due_six_months_overdue(evaluated):
    files = _attendance()
    assert _status(evaluated(files, date(2026, 6, 8)), "self-withdrawal-review", "m3") == "met"
    # 5 months: due (from 30 days before the six months are up)
    assert _status(evaluated(files, date(2026, 6, 10)), "self-withdrawal-review", "m3") == "due"
    assert _status(evaluated(files, date(2026, 7, 9)), "self-withdrawal-review", "m3") == "due"
    six = evaluated(files, date(2026, 7, 10))
    assert _status(six, "self-withdrawal-review", "m3") == "overdue"
    assert _of(six, "self-withdrawal-review", "m3")[0].deadline == date(2026, 7, 9)
    assert _status(six, "self-withdrawal-review", "m1") == "met"


def test_an_absence_with_a_reason_is_excused(evaluated):
    excused = '[[absent]]\nmember = "m3"\nreason = "in hospital"\n'
    files = _attendance(
        **{
            "meetings/village/2026-04-10-party_lesson.toml": _lesson(
                "2026-04-10", '["m1", "m2"]', excused
            )
        }
    )
    assert _status(evaluated(files, date(2026, 7, 10)), "self-withdrawal-review", "m3") == "met"
    # an absence without a reason excuses nothing
    bare = files["meetings/village/2026-04-10-party_lesson.toml"].replace(
        'reason = "in hospital"\n', ""
    )
    files["meetings/village/2026-04-10-party_lesson.toml"] = bare
    ev = evaluated(files, date(2026, 7, 10))
    assert _status(ev, "self-withdrawal-review", "m3") == "overdue"


def test_an_exemption_excuses_while_it_runs(evaluated):
    m3 = (
        'name = "Member Three"\norg = "village"\nstatus = "full"\n'
        "admitted = 2010-01-01\nfull_since = 2011-01-01\n"
        '[[quorum_exempt]]\nsince = 2026-02-01\nuntil = {until}\nreason = "away"\n'
    )
    files = _attendance(**{"members/m3.toml": m3.format(until="2026-05-31")})
    assert _status(evaluated(files, date(2026, 7, 10)), "self-withdrawal-review", "m3") == "met"
    # six months from the end of the exemption, with a lesson missed meanwhile
    files["meetings/village/2026-09-10-party_lesson.toml"] = _lesson("2026-09-10", '["m1"]')
    ev = evaluated(files, date(2026, 12, 1))
    assert _status(ev, "self-withdrawal-review", "m3") == "overdue"
    assert _of(ev, "self-withdrawal-review", "m3")[0].deadline == date(2026, 11, 29)


def test_not_judged_until_adopted(evaluated):
    files = _attendance(**{"dangjian.toml": SETTINGS.split("[rules")[0]})
    ev = evaluated(files, date(2026, 12, 1))
    assert _of(ev, "self-withdrawal-review", "m3") == []


# ---- democratic appraisal --------------------------------------------------------------


def _appraisal(grades: dict[str, str]) -> str:
    rows = "".join(f'[[grades]]\nmember = "{m}"\ngrade = "{g}"\n' for m, g in grades.items())
    return (
        'kind = "democratic_appraisal"\ndate = 2026-01-20\nattendees = ["m1", "m2", "m3"]\n' + rows
    )


APPRAISAL = "meetings/village/2026-01-20-democratic_appraisal.toml"


def test_a_grade_missing_is_a_finding(evaluated):
    files = {
        "dangjian.toml": SETTINGS,
        APPRAISAL: _appraisal({"m1": "excellent", "m2": "qualified"}),
    }
    ev = evaluated(files, date(2026, 1, 25))
    assert _status(ev, "appraisal-coverage", "m3") == "due"  # within the grace week
    ev = evaluated(files, date(2026, 2, 1))
    assert _status(ev, "appraisal-coverage", "m3") == "overdue"
    assert _status(ev, "appraisal-coverage", "m1") == "met"
    files[APPRAISAL] = _appraisal({"m1": "excellent", "m2": "qualified", "m3": "qualified"})
    assert _status(evaluated(files, date(2026, 2, 1)), "appraisal-coverage", "m3") == "met"


def _graded_unqualified(disposition: str = "") -> dict[str, str]:
    m3 = (
        'name = "Member Three"\norg = "village"\nstatus = "full"\n'
        "admitted = 2010-01-01\nfull_since = 2011-01-01\n" + disposition
    )
    grades = {"m1": "qualified", "m2": "qualified", "m3": "unqualified"}
    return {"dangjian.toml": SETTINGS, APPRAISAL: _appraisal(grades), "members/m3.toml": m3}


def test_a_disposition_on_day_30_is_in_time_on_day_31_late(evaluated):
    # graded on 2026-01-20: day 30 is 2026-02-19
    assert (
        _status(evaluated(_graded_unqualified(), date(2026, 2, 19)), "unqualified-followup", "m3")
        == "due"
    )
    assert (
        _status(evaluated(_graded_unqualified(), date(2026, 2, 20)), "unqualified-followup", "m3")
        == "overdue"
    )
    row = '[[dispositions]]\ndate = {day}\nkind = "persuade_withdraw"\n'
    on_time = evaluated(_graded_unqualified(row.format(day="2026-02-19")), date(2026, 3, 1))
    assert _status(on_time, "unqualified-followup", "m3") == "met"
    late = evaluated(_graded_unqualified(row.format(day="2026-02-20")), date(2026, 3, 1))
    (ob,) = _of(late, "unqualified-followup", "m3")
    assert (ob.status, ob.days_late) == ("met_late", 1)


def test_a_correction_not_closed_by_its_until_is_a_finding(evaluated):
    row = '[[dispositions]]\ndate = 2026-02-01\nkind = "correction"\nuntil = 2026-08-01\n'
    ev = evaluated(_graded_unqualified(row), date(2026, 8, 2))
    found = {ob.period: ob.status for ob in _of(ev, "unqualified-followup", "m3")}
    assert found == {"2026": "met", "2026-08": "overdue"}
    closed = evaluated(_graded_unqualified(row + "corrected_on = 2026-07-20\n"), date(2026, 8, 2))
    assert {ob.status for ob in _of(closed, "unqualified-followup", "m3")} == {"met"}
