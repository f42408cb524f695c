"""Org checks: parent required below the top, §6 secretary changes, branch size."""

from __future__ import annotations

import pytest


def org(kind: str, parent: str | None = None, *extra: str) -> str:
    lines = [f'name = "{kind}"', f'kind = "{kind}"']
    if parent:
        lines.append(f'parent = "{parent}"')
    return "\n".join([*lines, *extra]) + "\n"


def full_member(org_id: str) -> str:
    return (
        f'name = "x"\norg = "{org_id}"\nstatus = "full"\n'
        "admitted = 2000-01-01\nfull_since = 2001-01-01\n"
    )


def test_branch_without_parent(make_repo, validate):
    repo = make_repo({"orgs/b.toml": org("organ_branch")})
    p = validate(repo).one("E-REQUIRED", "orgs/b.toml")
    assert p["line"] == 2
    assert "missing required field `parent`" in p["message"]


def test_township_without_parent_below_a_county(make_repo, validate):
    repo = make_repo({"orgs/town.toml": org("township_committee")})
    p = validate(repo).one("E-REQUIRED", "orgs/town.toml")
    assert p["line"] == 2


@pytest.mark.parametrize("top", ["county_committee", "township_committee", "street_committee"])
def test_committee_may_be_the_top(make_repo, validate, top):
    files: dict[str, str | None] = {"orgs/county.toml": None, "orgs/town.toml": org(top)}
    repo = make_repo(files)
    assert validate(repo).of("E-REQUIRED") == []


def test_leading_group_is_never_the_top(make_repo, validate):
    repo = make_repo({"orgs/county.toml": None, "orgs/town.toml": org("leading_group")})
    assert len(validate(repo).at("E-REQUIRED", "orgs/town.toml")) == 1


VILLAGE = """
name = "Test Village Branch"
kind = "village_branch"
parent = "town"
established = 2000-01-01
secretary = "m2"

[committee]
elected = 2024-01-10
term_years = 5
members = ["m1", "m2", "m3"]

[[secretary_changes]]
date = {date}
from = "m1"
to = "m2"
{extra}
"""

TOWN_MEETING = "meetings/town/2025-06-01-committee_meeting.toml"
TOWN_MEETING_TEXT = 'kind = "committee_meeting"\ndate = 2025-06-01\nattendees = []\n'


def _village(date: str, *extra: str) -> str:
    return VILLAGE.format(date=date, extra="\n".join(extra))


def test_secretary_change_at_election_needs_nothing(make_repo, validate):
    repo = make_repo({"orgs/village.toml": _village("2024-01-10")})
    assert validate(repo) == []


def test_secretary_change_on_election_meeting_day_needs_nothing(make_repo, validate):
    repo = make_repo(
        {
            "orgs/village.toml": _village("2025-03-01"),
            "meetings/village/2025-03-01-branch_assembly.toml": (
                'kind = "branch_assembly"\ndate = 2025-03-01\nelection = true\n'
                'attendees = ["m1", "m2", "m3"]\n'
            ),
        }
    )
    assert validate(repo) == []


def test_secretary_change_between_elections_decided_and_approved(make_repo, validate):
    repo = make_repo(
        {
            "orgs/village.toml": _village(
                "2025-06-10",
                'decided_at = "town/2025-06-01-committee_meeting"',
                'approved_by = "county"',
                "approved_on = 2025-06-05",
            ),
            TOWN_MEETING: TOWN_MEETING_TEXT,
        }
    )
    assert validate(repo) == []


def test_secretary_change_between_elections_missing_everything(make_repo, validate):
    repo = make_repo({"orgs/village.toml": _village("2025-06-10")})
    found = validate(repo).at("E-SECRETARY-CHANGE", "orgs/village.toml")
    assert [p["line"] for p in found] == [12, 12, 12]
    text = " | ".join(p["message"] for p in found)
    assert "needs `decided_at`" in text and "`approved_by`" in text and "`approved_on`" in text


@pytest.mark.parametrize(
    ("decided_at", "meeting_path", "expect"),
    [
        ("town/2025-06-01-theme_day", TOWN_MEETING, "names no meeting"),
        (
            "village/2025-06-01-committee_meeting",
            "meetings/village/2025-06-01-committee_meeting.toml",
            "not of the parent org 'town'",
        ),
        (
            "town/2025-06-20-committee_meeting",
            "meetings/town/2025-06-20-committee_meeting.toml",
            "is after the change of 2025-06-10",
        ),
    ],
)
def test_secretary_change_decided_at_wrong(make_repo, validate, decided_at, meeting_path, expect):
    day = meeting_path.rsplit("/", 1)[1][:10]
    repo = make_repo(
        {
            "orgs/village.toml": _village(
                "2025-06-10",
                f'decided_at = "{decided_at}"',
                'approved_by = "county"',
                "approved_on = 2025-06-30",
            ),
            meeting_path: TOWN_MEETING_TEXT.replace("2025-06-01", day),
        }
    )
    p = validate(repo).one("E-SECRETARY-CHANGE", "orgs/village.toml")
    assert p["line"] == 16
    assert expect in p["message"]


def test_secretary_change_approved_by_non_county(make_repo, validate):
    repo = make_repo(
        {
            "orgs/village.toml": _village(
                "2025-06-10",
                'decided_at = "town/2025-06-01-committee_meeting"',
                'approved_by = "town"',
                "approved_on = 2025-06-05",
            ),
            TOWN_MEETING: TOWN_MEETING_TEXT,
        }
    )
    p = validate(repo).one("E-SECRETARY-CHANGE", "orgs/village.toml")
    assert p["line"] == 17
    assert "not the county committee" in p["message"]


def test_secretary_change_of_other_branch_kinds_not_held_to_section_6(make_repo, validate):
    text = _village("2025-06-10").replace('"village_branch"', '"organ_branch"')
    repo = make_repo({"orgs/village.toml": text})
    assert validate(repo).of("E-SECRETARY-CHANGE") == []


def test_small_branch(make_repo, validate):
    repo = make_repo({"members/m3.toml": None})
    p = validate(repo).one("W-SMALL-BRANCH", "orgs/village.toml")
    assert p["line"] == 2 and p["severity"] == "warning"
    assert "only 2 full members" in p["message"]


def test_small_general_branch_or_dissolved_branch_not_warned(make_repo, validate):
    repo = make_repo(
        {
            "orgs/g.toml": org("general_branch", "town"),
            "orgs/old.toml": org("organ_branch", "town", "dissolved = 2020-01-01"),
        }
    )
    assert validate(repo).of("W-SMALL-BRANCH") == []


def test_seven_full_members_without_committee(make_repo, validate):
    files: dict[str, str | None] = {f"members/x{i}.toml": full_member("village") for i in range(4)}
    repo = make_repo(files)
    p = validate(repo).one("W-NO-COMMITTEE", "orgs/village.toml")
    assert p["line"] == 2 and "7 full members but no committee" in p["message"]
    repo.write("orgs/village.toml", VILLAGE.format(date="2024-01-10", extra=""))
    assert validate(repo).of("W-NO-COMMITTEE") == []


def test_six_full_members_need_no_committee(make_repo, validate):
    files: dict[str, str | None] = {f"members/x{i}.toml": full_member("village") for i in range(3)}
    assert validate(make_repo(files)).of("W-NO-COMMITTEE") == []


def test_large_plain_branch(make_repo, validate):
    files: dict[str, str | None] = {
        "orgs/plain.toml": org("branch", "town"),
        "orgs/big.toml": org("organ_branch", "town"),
    }
    for i in range(51):
        files[f"members/p{i}.toml"] = full_member("plain")
        files[f"members/b{i}.toml"] = full_member("big")
    repo = make_repo(files)
    findings = validate(repo)
    p = findings.one("W-LARGE-BRANCH", "orgs/plain.toml")
    assert p["line"] == 2 and p["message"].startswith("51 members in a plain branch")
    assert findings.at("W-LARGE-BRANCH", "orgs/big.toml") == []
    repo.write("members/p0.toml", full_member("town"))
    assert validate(repo).of("W-LARGE-BRANCH") == []
