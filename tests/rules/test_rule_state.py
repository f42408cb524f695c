"""State rules (pairing, collective-project) and the contact-point lesson."""

from __future__ import annotations

from datetime import date

ORGAN = """
name = "Township Organ Branch"
kind = "organ_branch"
parent = "town"
established = 2000-01-01
{extra}
"""

VILLAGE = """
name = "Test Village Branch"
kind = "village_branch"
parent = "town"
established = 2000-01-01
secretary = "m1"
{extra}
"""


def organ(extra: str = "") -> dict[str, str]:
    return {"orgs/organ.toml": ORGAN.format(extra=extra)}


def village(extra: str = "") -> dict[str, str]:
    return {"orgs/village.toml": VILLAGE.format(extra=extra)}


def test_helping_branch_must_pair_with_a_village(evaluated):
    unpaired = evaluated(organ(), date(2026, 7, 15)).of("pairing", "organ")["2026"]
    assert (unpaired.status, unpaired.found) == ("overdue", 0)
    paired = evaluated(organ('[[pairing]]\norg = "village"\nsince = 2025-01-01'), date(2026, 7, 15))
    assert paired.status("pairing", "2026", "organ") == "met"


def test_pairing_ended_or_with_a_non_village_does_not_count(evaluated):
    ended = evaluated(
        organ('[[pairing]]\norg = "village"\nsince = 2020-01-01\nuntil = 2026-06-30'),
        date(2026, 7, 15),
    )
    assert ended.status("pairing", "2026", "organ") == "overdue"
    # the state rule judges the as-of day only: before `until` it was met
    assert (
        evaluated(
            organ('[[pairing]]\norg = "village"\nsince = 2020-01-01\nuntil = 2026-06-30'),
            date(2026, 6, 30),
        ).status("pairing", "2026", "organ")
        == "met"
    )
    township = evaluated(organ('[[pairing]]\norg = "town"\nsince = 2020-01-01'), date(2026, 7, 15))
    assert township.status("pairing", "2026", "organ") == "overdue"


def test_poor_village_must_be_paired(evaluated):
    files = village('poor_village = true\n[[projects]]\nname = "tea"\nstarted = 2020-01-01')
    alone = evaluated(files, date(2026, 7, 15))
    assert alone.status("pairing", "2026", "village") == "overdue"
    helped = evaluated(
        {**files, **organ('[[pairing]]\norg = "village"\nsince = 2025-01-01')}, date(2026, 7, 15)
    )
    assert helped.status("pairing", "2026", "village") == "met"
    # an ordinary village is not a pairing subject
    assert evaluated(village(), date(2026, 7, 15)).of("pairing", "village") == {}


def test_village_needs_a_running_collective_project(evaluated):
    none = evaluated(village(), date(2026, 7, 15)).of("collective-project", "village")["2026"]
    assert (none.status, none.found, none.deadline) == ("overdue", 0, None)
    ended = village('[[projects]]\nname = "greenhouse"\nstarted = 2016-03-01\nended = 2022-12-31')
    assert evaluated(ended, date(2026, 7, 15)).status("collective-project", "2026") == "overdue"
    running = village('[[projects]]\nname = "solar"\nstarted = 2019-05-20')
    assert evaluated(running, date(2026, 7, 15)).status("collective-project", "2026") == "met"
    future = village('[[projects]]\nname = "solar"\nstarted = 2026-08-01')
    assert evaluated(future, date(2026, 7, 15)).status("collective-project", "2026") == "overdue"


def test_collective_project_only_for_villages(evaluated):
    ev = evaluated(organ(), date(2026, 7, 15))
    assert {ob.subject for ob in ev.all if ob.rule == "collective-project"} == {"village"}


TOWN = """
name = "Test Township Committee"
kind = "township_committee"
parent = "county"
established = 2000-01-01
[[contact_points]]
cadre = "m2"
org = "village"
since = {since}
"""


def lesson(day: str, lecturer: str) -> str:
    return (
        f'kind = "party_lesson"\ndate = {day}\nattendees = ["m1", "m2", "m3"]\n'
        f'lecturer = "{lecturer}"\n'
    )


def test_contact_point_cadre_lectures_once_a_year(evaluated):
    files = {
        "orgs/town.toml": TOWN.format(since="2024-01-01"),
        "meetings/village/2025-06-10-party_lesson.toml": lesson("2025-06-10", "m2"),
        "meetings/village/2026-03-10-party_lesson.toml": lesson("2026-03-10", "m1"),
    }
    ev = evaluated(files, date(2026, 7, 15))
    lessons = ev.of("contact-point-lesson", "m2")
    assert lessons["2025"].status == "met" and lessons["2025"].org == "town"
    # 2026: a lesson was given, but not by the cadre; the year is still open
    assert (lessons["2026"].status, lessons["2026"].found) == ("due", 0)
    later = evaluated(files, date(2027, 1, 15)).of("contact-point-lesson", "m2")
    assert later["2026"].status == "overdue"


def test_contact_point_set_up_mid_year_owes_from_the_next(evaluated):
    ev = evaluated({"orgs/town.toml": TOWN.format(since="2025-03-01")}, date(2026, 7, 15))
    lessons = ev.of("contact-point-lesson", "m2")
    assert "2025" not in lessons and lessons["2026"].status == "due"
