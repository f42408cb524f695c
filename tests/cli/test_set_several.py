"""`set RECORD FIELD=VALUE...`, `set --append TABLE`, and meetings renamed when re-dated."""

from __future__ import annotations

from tests.conftest import minimal_with

MEETING = {
    "meetings/village/2026-05-18-branch_assembly.toml": """
        kind = "branch_assembly"
        date = 2026-05-18
        attendees = ["m1", "m2", "m3"]
    """,
}

PROBATIONER = {
    "members/m4.toml": """
        name = "Member Four"
        org = "village"
        status = "probationary"
        birth_date = 1990-05-01
        admitted = 2025-04-01
    """,
}


def test_several_fields_in_one_checked_write(make_repo):
    repo = make_repo(PROBATIONER)
    # one at a time, each half of the change is invalid on its own
    alone = repo.run("set", "m4", "status", "full")
    assert alone.exit_code == 1
    assert "nothing was written" in alone.stderr
    result = repo.run("set", "m4", "status=full", "full_since=2026-05-01")
    assert result.exit_code == 0, result.output
    assert result.stdout == "members/m4.toml\n"
    text = repo.read("members/m4.toml")
    assert 'status = "full"' in text and "full_since = 2026-05-01" in text
    assert repo.run("validate").exit_code == 0


def test_several_fields_refused_together_and_usage(make_repo):
    repo = make_repo(PROBATIONER)
    before = repo.read("members/m4.toml")
    refused = repo.run("set", "m4", "status=full", "full_since=2024-01-01")  # before admitted
    assert refused.exit_code == 1
    assert repo.read("members/m4.toml") == before
    mixed = repo.run("set", "m4", "status=full", "full_since")
    assert mixed.exit_code == 2
    assert "'full_since' is not FIELD=VALUE" in mixed.stderr
    unknown = repo.run("set", "m4", "status=full", "ful_since=2026-05-01")
    assert unknown.exit_code == 2
    assert "did you mean 'full_since'" in unknown.stderr
    assert repo.read("members/m4.toml") == before


def test_the_old_form_still_works(make_repo):
    repo = make_repo()
    assert repo.run("set", "village", "name", "New Name").exit_code == 0
    assert 'name = "New Name"' in repo.read("orgs/village.toml")
    assert repo.run("set", "village", "topic=x").exit_code == 2  # not a field of an org


def test_append_a_row(make_repo):
    repo = make_repo()
    result = repo.run("set", "members/m2", "--append", "dues", "month=2026-06", "amount=12.00",
                      "paid_on=2026-06-20")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert repo.read("members/m2.toml").endswith(
        '\n[[dues]]\nmonth = "2026-06"\namount = "12.00"\npaid_on = 2026-06-20\n'
    )
    twice = repo.run("set", "m2", "--append", "dues", "month=2026-06", "amount=12.00")
    assert twice.exit_code == 1  # the month is paid already
    missing = repo.run("set", "m2", "--append", "dues", "amount=12.00")
    assert missing.exit_code == 1 and "E-REQUIRED" in missing.stderr
    wrong = repo.run("set", "m2", "--append", "mobile", "since=2026-01-01")
    assert wrong.exit_code == 2
    assert "has no rows mobile (rows: transfers, " in wrong.stderr
    assert "dues, dues_base" in wrong.stderr
    assert repo.read("members/m2.toml").count("[[dues]]") == 1


def test_redating_an_untracked_meeting_renames_it(make_repo):
    repo = make_repo({**MEETING, "meetings/village/2026-05-20-branch_assembly.toml": """
        kind = "branch_assembly"
        date = 2026-05-20
        attendees = ["m1", "m2", "m3"]
    """})  # fmt: skip
    old = "meetings/village/2026-05-18-branch_assembly"
    result = repo.run("set", old, "date=2026-05-20")
    assert result.exit_code == 0, result.output
    taken = "meetings/village/2026-05-20-branch_assembly-2.toml"
    assert result.stdout == f"{taken}\n"
    assert f"renamed {old}.toml -> {taken}" in result.stderr
    assert not (repo.root / f"{old}.toml").exists()
    assert "date = 2026-05-20" in repo.read(taken)
    rekind = repo.run("set", taken, "kind=branch_committee")
    assert rekind.exit_code == 0, rekind.output
    assert (repo.root / "meetings/village/2026-05-20-branch_committee.toml").exists()
    assert repo.run("validate").exit_code == 0
    moved = "meetings/village/2026-05-20-branch_committee.toml"
    before = repo.read(moved)
    refused = repo.run("set", moved, "kind=cell_meeting", "date=2026-05-21")
    assert refused.exit_code == 1 and "E-ENUM" in refused.stderr
    assert repo.read(moved) == before
    assert sorted(p.name for p in (repo.root / "meetings/village").iterdir()) == [
        "2026-05-20-branch_assembly.toml",
        "2026-05-20-branch_committee.toml",
    ]


def test_redating_a_tracked_meeting_is_a_git_mv_and_commits_as_a_rename(make_repo):
    repo = make_repo(MEETING, git=True)
    old = "meetings/village/2026-05-18-branch_assembly.toml"
    new = "meetings/village/2026-05-20-branch_assembly.toml"
    result = repo.run("set", old, "date=2026-05-20", "--commit")
    assert result.exit_code == 0, result.output
    assert "(git mv)" in result.stderr
    assert repo.git("status", "--porcelain") == ""
    subject = repo.git("log", "-1", "--format=%s").strip()
    assert subject == "meeting: set village 2026-05-18 branch_assembly date=2026-05-20 (+1 files)"
    status = repo.git("show", "--name-status", "--format=", "HEAD").split()
    assert status[0].startswith("R") and status[1:] == [old, new]
    assert "date = 2026-05-20" in repo.read(new)


def test_redating_a_tracked_meeting_without_commit_stages_the_rename(make_repo):
    repo = make_repo(MEETING, git=True)
    old = "meetings/village/2026-05-18-branch_assembly.toml"
    result = repo.run("set", old, "date", "2026-05-19")
    assert result.exit_code == 0, result.output
    status = repo.git("status", "--porcelain").splitlines()
    new = "meetings/village/2026-05-19-branch_assembly.toml"
    assert status[0].startswith("R") and status[0].endswith(f"{old} -> {new}")
    assert "date = 2026-05-19" in repo.read(new)


def test_commit_message_names_the_fields_and_keeps_personal_values_out(make_repo):
    repo = make_repo(PROBATIONER, git=True)
    result = repo.run("set", "m4", "status=full", "full_since=2026-05-01",
                      "phone=13912345678", "--commit")  # fmt: skip
    assert result.exit_code == 0, result.output
    subject = repo.git("log", "-1", "--format=%s").strip()
    assert subject == "member: set m4 status=full full_since=2026-05-01 phone"
    appended = repo.run("set", "m4", "--append", "dues", "month=2026-06", "amount=5",
                        "--commit")  # fmt: skip
    assert appended.exit_code == 0, appended.output
    subject = repo.git("log", "-1", "--format=%s").strip()
    assert subject == "member: set m4 +dues month=2026-06 amount=5"
    assert repo.git("status", "--porcelain") == ""


def test_new_transfer_commit(make_repo):
    repo = make_repo(
        {"orgs/school.toml": 'name = "School Branch"\nkind = "branch"\nparent = "town"\n'},
        git=True,
    )
    result = repo.run("new", "transfer", "m3", "--to", "school", "--date", "2026-03-01",
                      "--commit")  # fmt: skip
    assert result.exit_code == 0, result.output
    subject = repo.git("log", "-1", "--format=%s").strip()
    assert subject == "member: transfer m3 to school 2026-03-01"


def test_a_renamed_meeting_takes_the_references_to_it_along(make_repo):
    repo = make_repo(
        {
            "meetings/town/2026-05-18-branch_committee.toml": """
                kind = "branch_committee"
                date = 2026-05-18
                attendees = ["m1"]
            """,
            "orgs/village.toml": minimal_with(
                "orgs/village.toml",
                """
                [committee]
                elected = 2024-01-10

                [[secretary_changes]]
                date = 2026-06-01
                from = "m2"
                to = "m1"
                decided_at = "town/2026-05-18-branch_committee"
                approved_by = "county"
                approved_on = 2026-05-25
                """,
            ),
        },
        git=True,
    )
    before = repo.run("validate")
    assert before.exit_code == 0, before.output
    result = repo.run(
        "set", "meetings/town/2026-05-18-branch_committee", "date=2026-05-20", "--commit"
    )
    assert result.exit_code == 0, result.output
    assert 'decided_at = "town/2026-05-20-branch_committee"' in repo.read("orgs/village.toml")
    assert repo.run("validate").exit_code == 0
    assert repo.git("status", "--porcelain") == ""
    changed = repo.git("show", "--name-only", "--no-renames", "--format=", "HEAD").split()
    assert sorted(changed) == [
        "meetings/town/2026-05-18-branch_committee.toml",
        "meetings/town/2026-05-20-branch_committee.toml",
        "orgs/village.toml",
    ]
