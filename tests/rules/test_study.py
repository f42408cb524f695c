"""Study hours and training at their edges: 31.5 and 32 hours, a party lesson's hours,
who owes a year, a secretary's training and lesson, a candidate's training."""

from __future__ import annotations

from datetime import date

from dangjian_cli.rules.catalog import load_rules
from dangjian_cli.rules.engine import unapplied

ADOPTED = """
name = "Test county"
language = "en"
tracking_since = 2025-01-01
[rules.study-hours]
applies_from = 2025-01-01
[rules.secretary-training]
applies_from = 2025-01-01
[rules.secretary-lesson]
applies_from = 2025-01-01
[rules.candidate-training]
applies_from = 2025-01-01
"""

AFTER_2025 = date(2026, 2, 1)  # the year 2025 judged, its grace week past


def _training(
    day: str,
    hours: str,
    who: dict[str, str | None],
    audience: str = "members",
    organiser: str = "town",
) -> str:
    rows = []
    for member, own in who.items():
        rows.append(
            f'[[participants]]\nmember = "{member}"\n' + (f"hours = {own}\n" if own else "")
        )
    head = (
        f'title = "training"\norganiser = "{organiser}"\nstart = {day}\nend = {day}\n'
        f'hours = {hours}\naudience = "{audience}"\n\n'
    )
    return head + "\n".join(rows)


def _lesson(day: str, who: str, lecturer: str = "m1", org: str = "village") -> str:
    return f'kind = "party_lesson"\ndate = {day}\nlecturer = "{lecturer}"\nattendees = {who}\n'


def _one(ev, rule: str, subject: str, period: str = "2025"):
    found = [ob for ob in ev.all if ob.rule == rule and ob.subject == subject]
    found = [ob for ob in found if ob.period == period]
    assert len(found) <= 1, found
    return found[0] if found else None


def _files(**extra: str | None) -> dict[str, str | None]:
    files: dict[str, str | None] = {"dangjian.toml": ADOPTED}
    files.update(extra)
    return files


# ---- study hours -------------------------------------------------------------------


def test_31_5_hours_are_short_and_32_are_met(evaluated):
    # two party lessons of 2 hours each, and 27.5 / 28 hours of training
    files = _files(
        **{
            "meetings/village/2025-03-10-party_lesson.toml": _lesson("2025-03-10", '["m1", "m2"]'),
            "meetings/village/2025-09-10-party_lesson.toml": _lesson("2025-09-10", '["m1", "m2"]'),
            "trainings/2025/spring.toml": _training("2025-04-02", "28", {"m1": None, "m2": "27.5"}),
        }
    )
    ev = evaluated(files, AFTER_2025)
    met, short = _one(ev, "study-hours", "m1"), _one(ev, "study-hours", "m2")
    assert (met.status, met.found, met.required) == ("met", 32, 32)
    # the hours as counted, not cut to a whole number; a whole number stays an int
    assert (short.status, short.found) == ("overdue", 31.5)
    assert type(met.found) is int and type(short.found) is float
    assert short.deadline == date(2026, 1, 7)  # the year's end and its grace week
    assert _one(ev, "study-hours", "m3").found == 0


def test_a_lesson_counts_the_configured_hours(evaluated):
    lessons = {
        f"meetings/village/2025-{m:02d}-10-party_lesson.toml": _lesson(f"2025-{m:02d}-10", '["m2"]')
        for m in (3, 6, 9, 12)
    }
    files = _files(
        **lessons, **{"trainings/2025/a.toml": _training("2025-04-02", "24", {"m2": None})}
    )
    assert _one(evaluated(files, AFTER_2025), "study-hours", "m2").status == "met"  # 24 + 4*2
    files["dangjian.toml"] = ADOPTED.replace(
        "[rules.study-hours]\n", "[rules.study-hours]\nlesson_hours = 1\n"
    )
    ev = evaluated(files, AFTER_2025)
    assert (_one(ev, "study-hours", "m2").status, _one(ev, "study-hours", "m2").found) == (
        "overdue",
        28,
    )


def test_another_orgs_lesson_and_another_years_training_do_not_count(evaluated):
    files = _files(
        **{
            "orgs/other.toml": 'name = "Other"\nkind = "village_branch"\nparent = "town"\n',
            "meetings/other/2025-03-10-party_lesson.toml": _lesson("2025-03-10", '["m2"]'),
            "trainings/2025/a.toml": _training("2025-04-02", "30", {"m2": None}),
            "trainings/2024/b.toml": _training("2024-12-30", "8", {"m2": None}),
        }
    )
    assert _one(evaluated(files, AFTER_2025), "study-hours", "m2").found == 30


def test_a_member_admitted_during_the_year_owes_from_the_next(evaluated):
    newcomer = (
        'name = "New"\norg = "village"\nstatus = "probationary"\nadmitted = 2025-03-01\n'
        "candidate_since = 2024-01-01\ntraining_hours = 30\n"
    )
    ev = evaluated(_files(**{"members/m4.toml": newcomer}), date(2026, 12, 20))
    assert _one(ev, "study-hours", "m4") is None
    assert _one(ev, "study-hours", "m4", "2026").status == "due"  # due from 1 December


def test_the_current_year_is_upcoming_until_its_last_month(evaluated):
    ev = evaluated(_files(), date(2026, 7, 15))
    assert _one(ev, "study-hours", "m1", "2026").status == "upcoming"
    assert _one(ev, "study-hours", "m1", "2025").status == "overdue"


def test_a_year_begun_before_the_adoption_is_not_judged(evaluated):
    files = _files()
    files["dangjian.toml"] = ADOPTED.replace(
        "applies_from = 2025-01-01", "applies_from = 2025-01-02"
    )
    ev = evaluated(files, date(2026, 12, 20))
    for rule in ("study-hours", "secretary-training", "secretary-lesson"):
        assert _one(ev, rule, "m1") is None  # 2025 was kept only from its second day
        assert _one(ev, rule, "m1", "2026").status == "due"


def test_not_judged_until_adopted(evaluated):
    ev = evaluated(
        {"trainings/2025/a.toml": _training("2025-04-02", "8", {"m1": None})}, AFTER_2025
    )
    judged = {"study-hours", "secretary-training", "secretary-lesson"}
    assert not [ob for ob in ev.all if ob.rule in judged]
    assert judged <= {r.id for r in unapplied(load_rules(ev.records.settings))}


# ---- secretaries ---------------------------------------------------------------------


def test_a_secretary_trained_for_secretaries_and_not_for_members(evaluated):
    members_only = _training("2025-05-02", "40", {"m1": None})
    ev = evaluated(_files(**{"trainings/2025/a.toml": members_only}), AFTER_2025)
    ob = _one(ev, "secretary-training", "m1")
    assert (ob.status, ob.org, ob.found) == ("overdue", "village", 0)
    secretaries = _training("2025-11-20", "16", {"m1": "8"}, audience="secretaries")
    ev = evaluated(_files(**{"trainings/2025/s.toml": secretaries}), AFTER_2025)
    assert _one(ev, "secretary-training", "m1").status == "met"


def test_the_secretary_at_the_years_end_owes_it(evaluated):
    changed = (
        'name = "Test Village Branch"\nkind = "village_branch"\nparent = "town"\n'
        'established = 2000-01-01\nsecretary = "m2"\n\n'
        '[[secretary_changes]]\ndate = 2025-09-20\nfrom = "m1"\nto = "m2"\n'
    )
    trained_m1 = _training("2025-04-02", "16", {"m1": None}, audience="secretaries")
    files = _files(**{"orgs/village.toml": changed, "trainings/2025/s.toml": trained_m1})
    ev = evaluated(files, AFTER_2025)
    assert _one(ev, "secretary-training", "m1") is None
    assert _one(ev, "secretary-training", "m2").status == "overdue"
    # judged in the middle of the year: the secretary then
    mid = evaluated(files, date(2025, 6, 30), since=date(2025, 1, 1))
    assert _one(mid, "secretary-training", "m1").status == "met"


def test_the_secretary_lectures_a_lesson_in_the_branch(evaluated):
    by_other = _lesson("2025-03-10", '["m1", "m2"]', lecturer="m2")
    ev = evaluated(
        _files(**{"meetings/village/2025-03-10-party_lesson.toml": by_other}), AFTER_2025
    )
    assert _one(ev, "secretary-lesson", "m1").status == "overdue"
    by_secretary = _lesson("2025-12-30", '["m1", "m2"]', lecturer="m1")
    files = _files(**{"meetings/village/2025-12-30-party_lesson.toml": by_secretary})
    assert _one(evaluated(files, AFTER_2025), "secretary-lesson", "m1").status == "met"


# ---- a candidate's training ------------------------------------------------------------


def test_candidate_training_counts_trainings_for_candidates_before_admission(evaluated):
    newcomer = (
        'name = "New"\norg = "village"\nstatus = "probationary"\nadmitted = 2025-06-01\n'
        "candidate_since = 2024-05-01\ntraining_hours = 8\n"
    )
    files = _files(
        **{
            "members/m4.toml": newcomer,
            "trainings/2025/c.toml": _training("2025-05-20", "16", {"m4": None}, "candidates"),
            # for members, and after the admission: neither counts
            "trainings/2025/m.toml": _training("2025-05-21", "16", {"m4": None}),
            "trainings/2025/late.toml": _training("2025-06-02", "16", {"m4": None}, "candidates"),
        }
    )
    ob = _one(evaluated(files, AFTER_2025), "candidate-training", "m4")
    assert (ob.status, ob.found) == ("met", 24)
    files["trainings/2025/c.toml"] = _training("2025-05-20", "15.5", {"m4": None}, "candidates")
    ob = _one(evaluated(files, AFTER_2025), "candidate-training", "m4")
    assert (ob.status, ob.found) == ("overdue", 23.5)
