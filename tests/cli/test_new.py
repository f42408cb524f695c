"""`dangjian new ...`: new records from options, refused when they would break the records."""

from __future__ import annotations

import pytest


def assert_valid(repo) -> None:
    result = repo.run("validate")
    assert result.exit_code == 0, result.output


def test_new_org_writes_the_fields_in_order(repo):
    result = repo.run(
        "new", "org", "qingshan-village", "--name", "Qingshan Village Branch",
        "--kind", "village_branch", "--parent", "town", "--established", "2020-01-01",
        "--party-groups", "--poor-village",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout == "orgs/qingshan-village.toml\n"
    assert repo.read("orgs/qingshan-village.toml") == (
        'name = "Qingshan Village Branch"\n'
        'kind = "village_branch"\n'
        'parent = "town"\n'
        "established = 2020-01-01\n"
        "party_groups = true\n"
        "poor_village = true\n"
    )
    # a new branch with no members yet is valid, only warned about
    assert "W-SMALL-BRANCH" in result.stderr
    assert_valid(repo)


def test_new_member_and_refusal_with_the_errors_it_would_cause(repo):
    result = repo.run(
        "new", "member", "vy-a", "--name", "Vy A", "--org", "village", "--status", "full",
        "--birth-date", "1990-02-03", "--admitted", "2020-07-01", "--full-since", "2021-07-01",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert repo.read("members/vy-a.toml") == (
        'name = "Vy A"\nbirth_date = 1990-02-03\norg = "village"\nstatus = "full"\n'
        "admitted = 2020-07-01\nfull_since = 2021-07-01\n"
    )
    assert_valid(repo)

    refused = repo.run(
        "new", "member", "vy-b", "--name", "Vy B", "--org", "vilage", "--status", "full",
        "--admitted", "2020-07-01",
    )  # fmt: skip
    assert refused.exit_code == 1
    assert refused.stdout == ""
    lines = refused.stderr.splitlines()
    assert lines[0] == (
        "dangjian: refused: this change would cause 2 validation errors; nothing was written"
    )
    assert sorted(line.split(" ")[2] for line in lines[1:]) == ["E-REF-ORG", "E-REQUIRED"]
    assert all(line.startswith("members/vy-b.toml:") for line in lines[1:])
    assert not (repo.root / "members/vy-b.toml").exists()


def test_new_refuses_to_overwrite_without_force(repo):
    before = repo.read("members/m2.toml")
    args = ("new", "member", "m2", "--name", "Other", "--org", "village", "--status", "applicant")
    result = repo.run(*args)
    assert result.exit_code == 1
    assert "members/m2.toml already exists" in result.stderr
    assert repo.read("members/m2.toml") == before
    # m2 is not the secretary: forced, it may become an applicant without an error
    forced = repo.run(*args, "--force")
    assert forced.exit_code == 0, forced.output
    assert 'status = "applicant"' in repo.read("members/m2.toml")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("org", "Vy A", "--name", "x", "--kind", "branch"), "is not a legal record id"),
        (("org", "x", "--name", "x", "--kind", "cell"), "'cell' is not one of"),
        (("member", "x", "--name", "x", "--org", "village"), "Missing option '--status'"),
        (("meeting", "village", "--date", "2026-02-30", "--kind", "theme_day"), "ISO date"),
        (("report", "--org", "town", "--period", "2026-q1", "--submitted-on", "2026-04-01"),
         "not a half-year like 2026-h1"),
    ],
)  # fmt: skip
def test_bad_options_are_usage_errors(repo, args, message):
    result = repo.run("new", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_new_meeting_names_the_file_by_date_and_kind(repo):
    args = ("new", "meeting", "village", "--date", "2026-03-15", "--kind", "theme_day")
    result = repo.run(
        *args, "--attendee", "m1", "--attendee", "m2", "--absent", "m3:ill, in hospital",
        "--topic", "Study the rules",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout == "meetings/village/2026-03-15-theme_day.toml\n"
    assert repo.read("meetings/village/2026-03-15-theme_day.toml") == (
        'kind = "theme_day"\n'
        "date = 2026-03-15\n"
        'topic = "Study the rules"\n'
        'attendees = ["m1", "m2"]\n'
        "\n"
        "[[absent]]\n"
        'member = "m3"\n'
        'reason = "ill, in hospital"\n'
    )
    second = repo.run(*args, "--attendee", "m1,m2,m3", "--online")
    assert second.exit_code == 0, second.output
    assert second.stdout == "meetings/village/2026-03-15-theme_day-2.toml\n"
    assert "online = true" in repo.read("meetings/village/2026-03-15-theme_day-2.toml")
    assert_valid(repo)


def test_new_meeting_refused_for_unknown_attendee_and_overlap(repo):
    args = ("new", "meeting", "village", "--date", "2026-03-16", "--kind", "org_life")
    result = repo.run(*args, "--attendee", "m1,m9")
    assert result.exit_code == 1
    assert "E-REF-MEMBER `attendees` names unknown member 'm9'" in result.stderr
    result = repo.run(*args, "--attendee", "m1,m2", "--absent", "m2")
    assert result.exit_code == 1
    details = result.stderr.splitlines()[1:]
    assert any("'m2'" in line and "absent" in line for line in details), result.stderr
    assert not (repo.root / "meetings").exists()


def test_new_fund_appends_entries_and_refuses_a_negative_balance(repo):
    base = ("new", "fund", "village", "--source", "fiscal")
    first = repo.run(*base, "--date", "2026-01-05", "--direction", "income", "--amount", "1000")
    assert first.exit_code == 0, first.output
    assert first.stdout == "funds/village/2026.toml\n"
    spend = ("--direction", "expense", "--category", "activity")
    second = repo.run(
        *base, "--date", "2026-02-05", *spend, "--amount", "120.50", "--purpose", "Theme day"
    )
    assert second.exit_code == 0, second.output
    ledger = repo.read("funds/village/2026.toml")
    assert ledger == (
        "[[entry]]\n"
        "date = 2026-01-05\n"
        'direction = "income"\n'
        'source = "fiscal"\n'
        "amount = 1000\n"
        "\n"
        "[[entry]]\n"
        "date = 2026-02-05\n"
        'direction = "expense"\n'
        'source = "fiscal"\n'
        'category = "activity"\n'
        'amount = "120.50"\n'
        'purpose = "Theme day"\n'
    )
    too_much = repo.run(*base, "--date", "2026-02-06", *spend, "--amount", "900")
    assert too_much.exit_code == 1
    assert "funds/village/2026.toml:" in too_much.stderr
    assert "negative" in too_much.stderr
    assert repo.read("funds/village/2026.toml") == ledger
    bad = repo.run(*base, "--date", "2026-02-06", *spend, "--amount", "1.505")
    assert bad.exit_code == 2
    assert "at most two decimals" in bad.stderr
    # another year goes to its own ledger
    other = repo.run(*base, "--date", "2025-12-01", "--direction", "income", "--amount", "5")
    assert other.stdout == "funds/village/2025.toml\n"
    assert_valid(repo)


def test_new_letter_and_report_default_to_the_orgs_parent(repo):
    letter = repo.run(
        "new", "letter", "--org", "village", "--signed-on", "2026-02-01",
        "--task", "Hold a theme day every month", "--task", "Collect dues",
    )  # fmt: skip
    assert letter.exit_code == 0, letter.output
    assert letter.stdout == "letters/2026/village.toml\n"
    assert repo.read("letters/2026/village.toml") == (
        'parent = "town"\norg = "village"\nsigned_on = 2026-02-01\n'
        'tasks = ["Hold a theme day every month", "Collect dues"]\n'
    )
    report = repo.run(
        "new", "report", "--org", "town", "--period", "2026-H1", "--submitted-on", "2026-07-10",
        "--summary", "All meetings held",
    )  # fmt: skip
    assert report.exit_code == 0, report.output
    assert report.stdout == "reports/town/2026-h1.toml\n"
    assert repo.read("reports/town/2026-h1.toml") == (
        'org = "town"\nto = "county"\nperiod = "2026-h1"\nsubmitted_on = 2026-07-10\n'
        'summary = "All meetings held"\n'
    )
    again = repo.run("new", "report", "--org", "town", "--period", "2026-h1",
                     "--submitted-on", "2026-07-11")  # fmt: skip
    assert again.exit_code == 1
    assert "already exists" in again.stderr
    assert_valid(repo)


def test_new_letter_for_an_unknown_org_is_refused(repo):
    result = repo.run("new", "letter", "--org", "nowhere", "--signed-on", "2026-02-01")
    assert result.exit_code == 1
    assert "E-REF-ORG" in result.stderr
    assert "missing required field `parent`" in result.stderr
    assert not (repo.root / "letters").exists()
