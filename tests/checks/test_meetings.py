"""Meeting checks: file name vs record, attendance, quorum."""

from __future__ import annotations

MEET = "meetings/village/2026-03-10-branch_assembly.toml"


def meeting(kind: str = "branch_assembly", day: str = "2026-03-10", **extra: str) -> str:
    lines = [f'kind = "{kind}"', f"date = {day}", 'topic = "Quarterly assembly"']
    lines += [f"{k} = {v}" for k, v in extra.items()]
    return "\n".join(lines) + "\n"


def test_meeting_matching_its_file_name_is_valid(make_repo, validate):
    repo = make_repo({MEET: meeting(attendees='["m1", "m2", "m3"]')})
    assert validate(repo) == []


def test_date_differs_from_file_name(make_repo, validate):
    repo = make_repo({MEET: meeting(day="2026-03-11", attendees='["m1", "m2"]')})
    p = validate(repo).one("E-MEETING-DATE", MEET)
    assert p["line"] == 2
    assert "2026-03-11 differs from the file name's date 2026-03-10" in p["message"]


def test_kind_differs_from_file_name(make_repo, validate):
    repo = make_repo({MEET: meeting(kind="theme_day", attendees='["m1"]')})
    p = validate(repo).one("E-MEETING-DATE", MEET)
    assert p["line"] == 1
    assert "'theme_day' differs from the file name's kind 'branch_assembly'" in p["message"]


def test_numbered_meeting_file_matches(make_repo, validate):
    path = "meetings/village/2026-03-10-theme_day-2.toml"
    repo = make_repo({path: meeting(kind="theme_day", attendees='["m1"]')})
    assert validate(repo) == []


ATTEND = """
kind = "theme_day"
date = 2026-03-10
attendees = [
  "m1",
  "m2",
  "m1",
]

[[absent]]
member = "m3"
reason = "ill"

[[absent]]
member = "m2"
reason = "travel"

[[absent]]
member = "m3"
"""


def test_attendance_overlap_and_duplicates(make_repo, validate):
    path = "meetings/village/2026-03-10-theme_day.toml"
    repo = make_repo({path: ATTEND})
    found = validate(repo).at("E-ATTENDANCE", path)
    assert [(p["line"], p["message"]) for p in found] == [
        (3, "'m1' is listed twice in `attendees`"),
        (14, "'m2' is listed both in `attendees` and as absent"),
        (18, "'m3' is listed twice as absent"),
    ]


def test_disjoint_attendance_is_fine(make_repo, validate):
    path = "meetings/village/2026-03-10-theme_day.toml"
    text = ATTEND.replace('  "m1",\n]', "]").split('[[absent]]\nmember = "m2"')[0]
    repo = make_repo({path: text})
    assert validate(repo) == []


def test_assembly_without_quorum(make_repo, validate):
    repo = make_repo({MEET: meeting(attendees='["m1"]')})
    p = validate(repo).one("E-QUORUM", MEET)
    assert p["line"] == 4
    assert p["message"] == (
        "a branch assembly needs more than half of 3 voting members (2); 1 present"
    )


def test_assembly_quorum_counts_only_voting_members(make_repo, validate):
    repo = make_repo(
        {
            "members/p1.toml": 'name = "P"\norg = "village"\nstatus = "probationary"\n'
            "admitted = 2026-01-01\n",
            # admitted after the meeting: not yet a member that day
            "members/late.toml": 'name = "L"\norg = "village"\nstatus = "full"\n'
            "admitted = 2026-04-01\nfull_since = 2026-04-02\n",
            MEET: meeting(attendees='["m1", "p1", "late"]'),
        }
    )
    p = validate(repo).one("E-QUORUM", MEET)
    assert "of 3 voting members (2); 1 present" in p["message"]


def test_transferred_member_counts_where_they_were_that_day(make_repo, validate):
    # m4 moved from town to village on 2026-04-01: before that the village had 3 voters
    m4 = (
        'name = "Four"\norg = "village"\nstatus = "full"\nadmitted = 2000-01-01\n'
        'full_since = 2001-01-01\n[[transfers]]\ndate = 2026-04-01\nfrom = "town"\nto = "village"\n'
    )
    repo = make_repo({"members/m4.toml": m4, MEET: meeting(attendees='["m1", "m2"]')})
    assert validate(repo).of("E-QUORUM") == []
    later = "meetings/village/2026-04-10-branch_assembly.toml"
    repo.write(later, meeting(day="2026-04-10", attendees='["m1", "m2"]'))
    p = validate(repo).one("E-QUORUM", later)
    assert "of 4 voting members (3); 2 present" in p["message"]


def test_election_needs_four_fifths(make_repo, validate):
    repo = make_repo({MEET: meeting(attendees='["m1", "m2"]', election="true")})
    p = validate(repo).one("E-QUORUM", MEET)
    assert p["message"] == "an election needs more than 4/5 of 3 voting members (3); 2 present"
    repo.write(MEET, meeting(attendees='["m1", "m2", "m3"]', election="true"))
    assert validate(repo) == []


VILLAGE_WITH_COMMITTEE = """
name = "Test Village Branch"
kind = "village_branch"
parent = "town"
established = 2000-01-01
secretary = "m1"

[committee]
elected = 2024-01-10
term_years = 5
members = ["m1", "m2", "m3"]
"""


def test_committee_meeting_needs_half_of_committee(make_repo, validate):
    path = "meetings/village/2026-03-10-branch_committee.toml"
    repo = make_repo(
        {
            "orgs/village.toml": VILLAGE_WITH_COMMITTEE,
            path: meeting(kind="branch_committee", attendees='["m1"]'),
        }
    )
    p = validate(repo).one("E-QUORUM", path)
    assert p["line"] == 4
    assert p["message"] == (
        "a committee meeting needs more than half of 3 committee members (2); 1 present"
    )
    repo.write(path, meeting(kind="branch_committee", attendees='["m1", "m3"]'))
    assert validate(repo) == []


def test_committee_meeting_before_election_not_checked(make_repo, validate):
    path = "meetings/village/2023-03-10-branch_committee.toml"
    repo = make_repo(
        {
            "orgs/village.toml": VILLAGE_WITH_COMMITTEE,
            path: meeting(kind="branch_committee", day="2023-03-10", attendees='["m1"]'),
        }
    )
    assert validate(repo).of("E-QUORUM") == []
