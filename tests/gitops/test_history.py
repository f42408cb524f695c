"""log: one record's history, field by field, following renames."""

from __future__ import annotations

from dangjian_cli.gitops.history import history


def test_history_follows_a_rename_and_names_field_changes(make_repo):
    repo = make_repo(git=True)
    repo.write("members/m1.toml", repo.read("members/m1.toml").replace('"full"', '"withdrawn"'))
    repo.commit("member: set m1 status=withdrawn")
    repo.git("mv", "members/m1.toml", "members/m1-old.toml")
    repo.commit("member: rename m1")
    text = repo.read("members/m1-old.toml") + '[[dues]]\nmonth = "2026-01"\namount = 12\n'
    repo.write("members/m1-old.toml", text)
    repo.commit("member: dues m1-old 2026-01")

    entries = history(repo.root, "members/m1-old.toml")
    assert [e.message for e in entries] == [
        "member: dues m1-old 2026-01",
        "member: rename m1",
        "member: set m1 status=withdrawn",
        "initial records",
    ]
    assert [e.change for e in entries] == ["changed", "renamed", "changed", "added"]
    assert entries[1].old_path == "members/m1.toml" and entries[1].fields == []
    assert [f.text() for f in entries[2].fields] == ['status: "full" → "withdrawn"']
    assert entries[0].fields[0].field == "dues"
    assert entries[0].fields[0].added == [{"month": "2026-01", "amount": 12}]
    assert entries[3].author == "Test Clerk" and len(entries[3].commit) == 40
    assert entries[3].date[:4].isdigit()


def test_field_filter_keeps_only_commits_that_changed_it(make_repo):
    repo = make_repo(git=True)
    org = repo.read("orgs/village.toml")
    repo.write("orgs/village.toml", org.replace("Test Village Branch", "Renamed Village"))
    repo.commit("org: rename village")
    repo.write(
        "orgs/village.toml",
        repo.read("orgs/village.toml") + "\n[committee]\nelected = 2024-01-10\nterm_years = 5\n",
    )
    repo.commit("org: committee")
    only = history(repo.root, "orgs/village.toml", "committee")
    assert [e.message for e in only] == ["org: committee"]
    assert sorted(f.field for f in only[0].fields) == ["committee.elected", "committee.term_years"]
    names = history(repo.root, "orgs/village.toml", "name")
    assert [e.message for e in names] == ["org: rename village", "initial records"]
