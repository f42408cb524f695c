"""E-SECRETARY: secretaries and committee members belong to the org they lead (§4, §6)."""

from __future__ import annotations


def _village(secretary: str, *extra: str) -> str:
    return (
        "\n".join(
            [
                'name = "Test Village Branch"',
                'kind = "village_branch"',
                'parent = "town"',
                "established = 2000-01-01",
                f'secretary = "{secretary}"',
                *extra,
            ]
        )
        + "\n"
    )


OUTSIDER = """
name = "Outsider"
org = "{org}"
status = "{status}"
admitted = 2000-01-01
full_since = 2001-01-01
"""

OTHER_BRANCH = """
name = "Other Branch"
kind = "village_branch"
parent = "town"
established = 2000-01-01
"""


def test_members_of_the_branch_lead_it(make_repo, validate):
    repo = make_repo(
        {
            "orgs/village.toml": _village(
                "m1", "[committee]", "elected = 2024-01-10", 'members = ["m1", "m2", "m3"]'
            )
        }
    )
    assert validate(repo).of("E-SECRETARY") == []


def test_an_applicant_of_another_branch_is_refused_as_secretary(make_repo, validate):
    applicant = 'name = "A"\norg = "other"\nstatus = "applicant"\napplied = 2025-01-01\n'
    repo = make_repo(
        {
            "orgs/other.toml": OTHER_BRANCH,
            "members/a.toml": applicant,
            "orgs/village.toml": _village("a"),
        }
    )
    p = validate(repo).one("E-SECRETARY", "orgs/village.toml")
    assert "'a'" in p["message"] and "not a party member" in p["message"]


def test_a_secretary_who_joined_the_branch_a_day_after_taking_office(make_repo, validate):
    mover = OUTSIDER.format(org="village", status="full") + (
        '[[transfers]]\ndate = 2025-03-02\nfrom = "other"\nto = "village"\n'
    )
    change = '[[secretary_changes]]\ndate = 2025-03-01\nfrom = "m1"\nto = "x"\n'
    repo = make_repo(
        {
            "orgs/other.toml": OTHER_BRANCH,
            "members/x.toml": mover,
            "orgs/village.toml": _village("x", change),
        }
    )
    p = validate(repo).one("E-SECRETARY", "orgs/village.toml")
    assert "belongs to 'other' on 2025-03-01" in p["message"]
    # joined the same day: fine
    repo.write("members/x.toml", mover.replace("2025-03-02", "2025-03-01"))
    assert validate(repo).of("E-SECRETARY") == []


def test_a_probationary_secretary_is_refused_but_may_sit_on_the_committee(make_repo, validate):
    prob = 'name = "P"\norg = "village"\nstatus = "probationary"\nadmitted = 2025-06-01\n'
    committee = ("[committee]", "elected = 2025-07-01", 'members = ["m1", "p"]')
    repo = make_repo({"members/p.toml": prob, "orgs/village.toml": _village("m1", *committee)})
    assert validate(repo).of("E-SECRETARY") == []
    repo.write("orgs/village.toml", _village("p", *committee))
    found = validate(repo).of("E-SECRETARY")
    assert len(found) == 1 and "is probationary" in found[0]["message"]


def test_a_member_of_another_branch_cannot_sit_on_a_committee(make_repo, validate):
    repo = make_repo(
        {
            "orgs/other.toml": OTHER_BRANCH,
            "members/x.toml": OUTSIDER.format(org="other", status="full"),
            "orgs/village.toml": _village(
                "m1", "[committee]", "elected = 2024-01-10", 'members = ["m1", "x"]'
            ),
        }
    )
    p = validate(repo).one("E-SECRETARY", "orgs/village.toml")
    assert "committee member 'x'" in p["message"]


def test_a_committee_secretary_is_a_member_anywhere_in_its_subtree(make_repo, validate):
    town = (
        'name = "Town"\nkind = "township_committee"\nparent = "county"\n'
        'established = 2000-01-01\nsecretary = "m2"\n'
    )
    repo = make_repo({"orgs/town.toml": town})
    assert validate(repo).of("E-SECRETARY") == []
    outside = 'name = "Elsewhere"\nkind = "township_committee"\nparent = "county"\n'
    repo.write("orgs/town2.toml", outside)
    repo.write("orgs/town2.toml", outside + 'secretary = "m2"\n')
    p = validate(repo).one("E-SECRETARY", "orgs/town2.toml")
    assert "an org under 'town2'" in p["message"]
