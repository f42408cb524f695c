"""`dangjian set RECORD FIELD VALUE`: one field changed, every other byte kept."""

from __future__ import annotations

import tomllib

MEMBER = """\
# Recorded by the village clerk, 2025.
name = "Member Four"    # as on the ID card
org = "village"

status = "probationary"  # admitted at the June assembly
admitted = 2025-06-01

[[dues]]
month = "2026-01"
amount = "12.50"
paid_on = 2026-01-20

[[dues]]
month = "2026-02"
amount = "12.50"
"""


def test_set_keeps_comments_order_and_spacing(repo):
    repo.write("members/m4.toml", MEMBER)
    result = repo.run("set", "m4", "status", "full")
    assert result.exit_code == 1  # full needs full_since: refused
    assert "members/m4.toml:5: error E-REQUIRED" in result.stderr
    assert "`full_since`" in result.stderr
    assert repo.read("members/m4.toml") == MEMBER

    result = repo.run("set", "members/m4", "full_since", "2026-06-01")
    assert result.exit_code == 0, result.output
    assert result.stdout == "members/m4.toml\n"
    result = repo.run("set", "members/m4.toml", "status", "full")
    assert result.exit_code == 0, result.output
    expected = MEMBER.replace('status = "probationary"', 'status = "full"').replace(
        "admitted = 2025-06-01\n", "admitted = 2025-06-01\nfull_since = 2026-06-01\n"
    )
    assert repo.read("members/m4.toml") == expected


def test_set_a_row_field_and_a_list(repo):
    repo.write("members/m4.toml", MEMBER)
    result = repo.run("set", "m4", "dues.-1.paid_on", "2026-02-18")
    assert result.exit_code == 0, result.output
    assert repo.read("members/m4.toml") == MEMBER + "paid_on = 2026-02-18\n"
    repo.write(
        "meetings/village/2026-03-15-theme_day.toml",
        'kind = "theme_day"\ndate = 2026-03-15  # Sunday\nattendees = ["m1"]\n',
    )
    result = repo.run("set", "2026-03-15-theme_day", "attendees", "m1", "m2,m3")
    assert result.exit_code == 0, result.output
    assert repo.read("meetings/village/2026-03-15-theme_day.toml") == (
        'kind = "theme_day"\ndate = 2026-03-15  # Sunday\nattendees = ["m1", "m2", "m3"]\n'
    )


def test_set_a_table_field_creates_the_table(repo):
    result = repo.run("set", "village", "committee.elected", "2024-01-10")
    assert result.exit_code == 0, result.output
    result = repo.run("set", "village", "committee.members", "m1,m2,m3")
    assert result.exit_code == 0, result.output
    text = repo.read("orgs/village.toml")
    assert text.startswith(
        'name = "Test Village Branch"\nkind = "village_branch"\nparent = "town"\n'
    )
    committee = tomllib.loads(text)["committee"]
    assert str(committee["elected"]) == "2024-01-10"
    assert committee["members"] == ["m1", "m2", "m3"]
    assert repo.run("validate").exit_code == 0


def test_set_crlf_file_stays_crlf(repo):
    data = MEMBER.replace("\n", "\r\n").encode()
    repo.write_bytes("members/m4.toml", data)
    result = repo.run("set", "m4", "gender", "female")
    assert result.exit_code == 0, result.output
    out = (repo.root / "members/m4.toml").read_bytes()
    assert out.count(b"\n") == out.count(b"\r\n")
    assert out.startswith(data.split(b"\r\n\r\n[[dues]]")[0])
    assert b'gender = "female"\r\n' in out


def test_refused_change_lists_its_errors_and_leaves_the_file(repo):
    before = (repo.root / "orgs/village.toml").read_bytes()
    result = repo.run("set", "village", "parent", "nowhere")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "dangjian: refused: this change would cause 1 validation error; nothing was written",
        "orgs/village.toml:3: error E-REF-ORG `parent` names unknown org 'nowhere'",
    ]
    assert (repo.root / "orgs/village.toml").read_bytes() == before
    assert sorted(p.name for p in (repo.root / "orgs").iterdir()) == [
        "county.toml",
        "town.toml",
        "village.toml",
    ]


def test_unset(repo):
    result = repo.run("set", "village", "established", "--unset")
    assert result.exit_code == 0, result.output
    assert "established" not in repo.read("orgs/village.toml")
    result = repo.run("set", "village", "name", "--unset")
    assert result.exit_code == 1
    assert "missing required field `name`" in result.stderr
    result = repo.run("set", "village", "poor_village", "--unset")
    assert result.exit_code == 2
    assert "has no field `poor_village` to unset" in result.stderr


def test_names_and_fields_that_cannot_be_used(repo):
    repo.write(
        "members/town.toml", 'name = "A person called Town"\norg = "town"\nstatus = "applicant"\n'
    )
    result = repo.run("set", "town", "name", "X")
    assert result.exit_code == 2
    assert result.stderr == (
        "dangjian: error: 'town' names 2 records: members/town.toml, orgs/town.toml "
        "(name one by its path)\n"
    )
    result = repo.run("set", "vilage", "name", "X")
    assert result.exit_code == 2
    assert result.stderr == (
        "dangjian: error: no record named 'vilage' (did you mean orgs/village.toml?)\n"
    )
    result = repo.run("set", "village", "secretry", "m2")
    assert result.exit_code == 2
    assert "unknown field `secretry` for a org record (did you mean 'secretary'?)" in result.stderr
    result = repo.run("set", "village", "established", "1 May 2000")
    assert result.exit_code == 2
    assert "takes an ISO date" in result.stderr


def test_usage_of_values(repo):
    assert repo.run("set", "village", "name").exit_code == 2
    result = repo.run("set", "village", "name", "X", "--unset")
    assert result.exit_code == 2
    assert "--unset takes no VALUE" in result.stderr
    before = repo.read("orgs/village.toml")
    same = repo.run("set", "village", "name", "Test Village Branch")
    assert same.exit_code == 0
    assert same.stdout == ""
    assert "orgs/village.toml: unchanged" in same.stderr
    assert repo.read("orgs/village.toml") == before


def test_set_settings(repo):
    result = repo.run("set", "dangjian", "tracking_since", "2024-01-01")
    assert result.exit_code == 0, result.output
    assert "tracking_since = 2024-01-01" in repo.read("dangjian.toml")
    result = repo.run("set", "dangjian.toml", "language", "fr")
    assert result.exit_code == 1
    assert "E-ENUM" in result.stderr


def test_a_file_that_cannot_be_read_is_not_edited(repo):
    repo.write("members/m4.toml", 'name = "Four"\nstatus = \n')
    result = repo.run("set", "m4", "status", "full")
    assert result.exit_code == 2
    assert result.stderr.startswith("dangjian: error: cannot edit members/m4.toml:2: TOML syntax")
    assert repo.read("members/m4.toml") == 'name = "Four"\nstatus = \n'


def test_writing_commands_return_the_paths_they_wrote(repo):
    """The --commit seam: each writing command hands back exactly the files it wrote."""
    from dangjian_cli.cli.main import cli

    def run(*args: str):
        return cli.main(["-C", str(repo.root), *args], standalone_mode=False)

    assert run("set", "village", "established", "2001-01-01") == ["orgs/village.toml"]
    assert run("new", "org", "second", "--name", "S", "--kind", "branch", "--parent", "town") == [
        "orgs/second.toml"
    ]
    assert run("set", "village", "established", "2001-01-01") == []  # unchanged
