"""References: every id a record names exists; a broken file is reported once."""

from __future__ import annotations

import pytest

VILLAGE = "orgs/village.toml"


@pytest.mark.parametrize(
    ("path", "text", "code", "line"),
    [
        (VILLAGE, None, None, None),  # the valid repository: no reference problem
        (
            "orgs/other.toml",
            'name = "O"\nkind = "village_branch"\nparent = "nowhere"\n',
            "E-REF-ORG",
            3,
        ),
        (
            "orgs/other.toml",
            'name = "O"\nkind = "village_branch"\nparent = "town"\nsecretary = "ghost"\n',
            "E-REF-MEMBER",
            4,
        ),
        (
            "members/m4.toml",
            'name = "Four"\norg = "atlantis"\nstatus = "applicant"\n',
            "E-REF-ORG",
            2,
        ),
        (
            "meetings/village/2026-03-15-theme_day.toml",
            'kind = "theme_day"\ndate = 2026-03-15\nattendees = ["m1", "ghost"]\n',
            "E-REF-MEMBER",
            3,
        ),
        (
            "meetings/nowhere/2026-03-15-theme_day.toml",
            'kind = "theme_day"\ndate = 2026-03-15\nattendees = []\n',
            "E-REF-ORG",
            1,
        ),
        (
            "notices/2026/001.toml",
            'kind = "praise"\nnumber = "N 1"\nissuer = "town"\ntarget = "nobody"\n'
            "issued_on = 2026-03-01\n",
            "E-REF-TARGET",
            4,
        ),
    ],
)
def test_reference_to_a_missing_record(make_repo, validate, path, text, code, line):
    repo = make_repo({path: text} if text else None)
    found = [p for p in validate(repo) if p["code"].startswith("E-REF")]
    if code is None:
        assert found == []
    else:
        assert [(p["path"], p["line"], p["code"]) for p in found] == [(path, line, code)]


def test_lecturer_by_name_is_an_outside_speaker_but_an_id_must_exist(make_repo, validate):
    meeting = 'kind = "party_lesson"\ndate = 2026-03-15\nattendees = ["m1"]\nlecturer = "{}"\n'
    repo = make_repo(
        {
            "meetings/village/2026-03-15-party_lesson.toml": meeting.format("Prof. Li Ming"),
            "meetings/village/2026-03-16-party_lesson.toml": meeting.format("li-ming"),
        }
    )
    found = validate(repo).of("E-REF-MEMBER")
    assert [p["path"] for p in found] == ["meetings/village/2026-03-16-party_lesson.toml"]


def test_a_broken_org_file_is_reported_once_not_by_every_reference(repo, validate):
    repo.write(VILLAGE, 'name = "Test Village Branch\nkind = "village_branch"\n')
    problems = validate(repo)
    assert [(p["path"], p["code"]) for p in problems if p["severity"] == "error"] == [
        (VILLAGE, "E-TOML")
    ]


def test_a_deleted_org_is_still_a_dangling_reference(repo, validate):
    (repo.root / VILLAGE).unlink()
    refs = validate(repo).of("E-REF-ORG")
    assert {p["path"] for p in refs} == {"members/m1.toml", "members/m2.toml", "members/m3.toml"}


def test_a_scoped_load_names_what_lies_beyond_it_without_error(repo) -> None:
    """Records loaded on a change's scope (orgs without their members) make no
    reference errors for files beyond the scope that exist on their side; a file
    gone from that side (a member deleted) is still an unknown reference."""
    from dangjian_cli.checks import validate
    from dangjian_cli.records.repository import assemble, load
    from dangjian_cli.records.store import FolderStore

    whole = load(FolderStore(repo.root))
    assert not [p for p in validate(whole) if p.code.startswith("E-REF")]
    part = [p for p in whole.paths if not p.startswith("members/")]

    def scoped(elsewhere):
        records = {p: whole.by_path[p] for p in part if p in whole.by_path}
        out = assemble(whole.store, list(part), records, [])
        out.elsewhere = elsewhere
        return [(p.code, p.path) for p in validate(out) if p.code.startswith("E-REF")]

    # the village's secretary m1 is not loaded: an error only a partial load makes
    assert scoped(None) == [("E-REF-MEMBER", "orgs/village.toml")]
    assert scoped(set(whole.paths).__contains__) == []
    gone = set(whole.paths) - {"members/m1.toml"}
    assert scoped(gone.__contains__) == [("E-REF-MEMBER", "orgs/village.toml")]
