"""Bad input (issue 2): every broken file gives one `path:line: error CODE message`
line, validation exits 1 without a traceback, and goes on to report everything else."""

from __future__ import annotations

import json
import os

import pytest

from dangjian_cli.checks import validate
from dangjian_cli.records.repository import load
from dangjian_cli.records.store import FolderStore

MEMBER = 'name = "Four"\norg = "village"\nstatus = "full"\nadmitted = 2020-01-01\n'
MEMBER += "full_since = 2021-01-01\n"
CANDIDATE = 'name = "Five"\norg = "village"\nstatus = "candidate"\n'

#: name -> (files to add, code, path, line, words the message holds)
CASES: dict[str, tuple[dict[str, str | bytes], str, str, int, str]] = {
    "malformed toml": (
        {"members/m4.toml": 'name = "Four"\norg = "village\nstatus = "full"\n'},
        "E-TOML",
        "members/m4.toml",
        2,
        "TOML syntax",
    ),
    "wrong type": (
        {"members/m4.toml": MEMBER + "birth_date = 1990\n"},
        "E-TYPE",
        "members/m4.toml",
        6,
        "`birth_date` must be a date, got integer 1990",
    ),
    "unknown enum value": (
        {"orgs/b.toml": 'name = "B"\nkind = "villag_branch"\nparent = "town"\n'},
        "E-ENUM",
        "orgs/b.toml",
        2,
        "`kind` has unknown value 'villag_branch'",
    ),
    "missing required field": (
        {"members/m4.toml": 'name = "Four"\nstatus = "applicant"\n'},
        "E-REQUIRED",
        "members/m4.toml",
        1,
        "missing required field `org`",
    ),
    "dangling reference": (
        {"members/m4.toml": MEMBER.replace('"village"', '"nowhere"')},
        "E-REF-ORG",
        "members/m4.toml",
        2,
        "unknown org 'nowhere'",
    ),
    "duplicate dues month": (
        {
            "members/m4.toml": MEMBER
            + '[[dues]]\nmonth = "2026-01"\namount = 5\n[[dues]]\nmonth = "2026-01"\namount = 5\n'
        },
        "E-DUES-DUP",
        "members/m4.toml",
        10,
        "2026-01 is repeated",
    ),
    "meeting date differs from file name": (
        {
            "meetings/village/2026-03-10-theme_day.toml": (
                'kind = "theme_day"\ndate = 2026-03-01\nattendees = ["m1"]\n'
            )
        },
        "E-MEETING-DATE",
        "meetings/village/2026-03-10-theme_day.toml",
        2,
        "differs from the file name's date",
    ),
    "upper-case file name": (
        {"members/Wang.toml": MEMBER},
        "E-SLUG",
        "members/Wang.toml",
        1,
        "not a legal record id",
    ),
    "spaced file name": (
        {"members/wang li.toml": MEMBER},
        "E-SLUG",
        "members/wang li.toml",
        1,
        "not a legal record id",
    ),
    "gbk-encoded file": (
        {"members/m4.toml": ('name = "王"\n' + MEMBER.split("\n", 1)[1]).encode("gbk")},
        "E-ENCODING",
        "members/m4.toml",
        1,
        "not valid UTF-8",
    ),
    "utf-8 bom": (
        {"members/m4.toml": b"\xef\xbb\xbf" + MEMBER.encode()},
        "E-ENCODING",
        "members/m4.toml",
        1,
        "byte-order mark",
    ),
    "crlf problem at its line": (
        {"members/m4.toml": (MEMBER + '# checked\nid_number = "123"\n').replace("\n", "\r\n")},
        "E-ID-NUMBER",
        "members/m4.toml",
        7,
        "must be 18 characters",
    ),
    "empty file": (
        {"members/m4.toml": ""},
        "E-EMPTY",
        "members/m4.toml",
        1,
        "file is empty",
    ),
    "float amount with three decimals": (
        {"members/m4.toml": MEMBER + '[[dues]]\nmonth = "2026-01"\namount = 10.005\n'},
        "E-MONEY",
        "members/m4.toml",
        8,
        "10.005 is not an exact amount",
    ),
    "impossible date": (
        {"members/m4.toml": MEMBER + "birth_date = 1990-02-30\n"},
        "E-TOML",
        "members/m4.toml",
        6,
        "Invalid date",
    ),
}


def _write(repo, files: dict[str, str | bytes]) -> None:
    for path, content in files.items():
        if isinstance(content, bytes):
            repo.write_bytes(path, content)
        else:
            repo.write(path, content, dedent=False)


def _assert_clean_failure(result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_is_one_line_with_path_and_line(repo, name):
    files, code, path, line, words = CASES[name]
    _write(repo, files)
    result = repo.run("validate")
    _assert_clean_failure(result)
    lines = [x for x in result.stdout.splitlines() if x.startswith(path + ":")]
    assert len(lines) == 1, result.stdout
    assert lines[0].startswith(f"{path}:{line}: error {code} "), lines
    assert words in lines[0]


def test_crlf_file_is_read(repo):
    """CRLF is legal TOML: a clean CRLF record is valid and loads its fields."""
    repo.write("members/m4.toml", MEMBER.replace("\n", "\r\n"), dedent=False)
    result = repo.run("validate")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().endswith("0 errors, 0 warnings in 8 files")


def test_malformed_toml_has_column_in_json(repo):
    repo.write("members/m4.toml", 'name = "Four"\norg = = "village"\n', dedent=False)
    result = repo.run("validate", "--format", "json")
    _assert_clean_failure(result)
    (p,) = json.loads(result.stdout)
    assert (p["path"], p["line"], p["column"], p["code"]) == ("members/m4.toml", 2, 7, "E-TOML")


def test_parent_cycle(repo):
    repo.write("orgs/a.toml", 'name = "A"\nkind = "general_branch"\nparent = "b"\n')
    repo.write("orgs/b.toml", 'name = "B"\nkind = "general_branch"\nparent = "a"\n')
    result = repo.run("validate")
    _assert_clean_failure(result)
    assert "orgs/a.toml:3: error E-CYCLE parents form a cycle: a -> b -> a" in result.stdout


def test_folder_where_a_file_should_be(repo):
    (repo.root / "members" / "m4.toml").mkdir()
    result = repo.run("validate")
    _assert_clean_failure(result)
    assert "members/m4.toml:1: error E-FOLDER is a folder where a record file should be" in (
        result.stdout
    )


def test_symlink_out_of_repository_is_refused(repo, tmp_path):
    outside = tmp_path / "secret.toml"
    outside.write_text(MEMBER, encoding="utf-8")
    os.symlink(outside, repo.root / "members" / "m4.toml")
    result = repo.run("validate")
    _assert_clean_failure(result)
    assert "members/m4.toml:1: error E-SYMLINK symbolic link leads out of the repository" in (
        result.stdout
    )
    # the file behind the link was not taken as a record
    assert result.stdout.splitlines()[-1] == "1 error, 0 warnings in 7 files"


def test_symlink_target_is_never_read(repo, tmp_path, monkeypatch):
    outside = tmp_path / "secret.toml"
    outside.write_text(MEMBER, encoding="utf-8")
    os.symlink(outside, repo.root / "members" / "m4.toml")
    read: list[str] = []
    original = FolderStore.read

    def spy(self, path):
        read.append(path)
        return original(self, path)

    monkeypatch.setattr(FolderStore, "read", spy)
    problems = validate(load(FolderStore(repo.root)))
    assert [(p.code, p.line) for p in problems] == [("E-SYMLINK", 1)]
    assert "members/m4.toml" not in read and "members/m3.toml" in read


def test_symlink_inside_repository_is_followed(repo):
    os.symlink(repo.root / "members" / "m3.toml", repo.root / "members" / "m4.toml")
    result = repo.run("validate")
    assert result.exit_code == 0, result.output


def test_every_problem_reported_in_one_run(repo, tmp_path):
    """Several broken files at once: each one's problem is reported, none hides another."""
    expected = []
    for name in (
        "malformed toml",
        "unknown enum value",
        "upper-case file name",
        "gbk-encoded file",
        "empty file",
        "impossible date",
        "crlf problem at its line",
        "meeting date differs from file name",
        "float amount with three decimals",
    ):
        files, code, path, line, _ = CASES[name]
        # give every member case its own file so none overwrites another
        files = {p.replace("m4", f"m4-{len(expected)}"): c for p, c in files.items()}
        path = path.replace("m4", f"m4-{len(expected)}")
        _write(repo, files)
        expected.append((path, line, code))
    repo.write("orgs/cy-a.toml", 'name = "A"\nkind = "general_branch"\nparent = "cy-b"\n')
    repo.write("orgs/cy-b.toml", 'name = "B"\nkind = "general_branch"\nparent = "cy-a"\n')
    expected.append(("orgs/cy-a.toml", 3, "E-CYCLE"))
    (repo.root / "members" / "folder.toml").mkdir()
    expected.append(("members/folder.toml", 1, "E-FOLDER"))
    os.symlink(tmp_path, repo.root / "orgs" / "away")
    expected.append(("orgs/away", 1, "E-SYMLINK"))

    result = repo.run("validate", "--format", "json")
    _assert_clean_failure(result)
    found = {(p["path"], p["line"], p["code"]) for p in json.loads(result.stdout)}
    assert set(expected) <= found, sorted(set(expected) - found)


def test_json_fields_and_text_summary(repo):
    repo.write("members/m4.toml", MEMBER + "birth_date = 1990\n", dedent=False)
    repo.write(
        "members/m5.toml",
        CANDIDATE + "activist_since = 2025-01-01\ncandidate_since = 2025-06-01\n",
        dedent=False,
    )
    as_json = repo.run("validate", "--format", "json")
    _assert_clean_failure(as_json)
    problems = json.loads(as_json.stdout)
    assert [sorted(p) for p in problems] == [
        ["code", "line", "message", "message_text", "path", "severity"],
        ["code", "line", "message", "message_text", "path", "severity"],
    ]
    # English: the display text is the stable message itself
    assert all(p["message_text"] == p["message"] for p in problems)
    assert [(p["path"], p["line"], p["severity"], p["code"]) for p in problems] == [
        ("members/m4.toml", 6, "error", "E-TYPE"),
        ("members/m5.toml", 5, "warning", "W-ACTIVIST-YEAR"),
    ]
    text = repo.run("validate")
    assert text.stdout.splitlines()[-1] == "1 error, 1 warning in 9 files"
    assert text.stdout.splitlines()[:-1] == [
        f"{p['path']}:{p['line']}: {p['severity']} {p['code']} {p['message']}"
        + (f" ({p['hint']})" if p.get("hint") else "")
        for p in problems
    ]


def test_strict_fails_on_warnings_only(repo):
    repo.write(
        "members/m4.toml",
        CANDIDATE + "activist_since = 2025-01-01\ncandidate_since = 2025-06-01\n",
        dedent=False,
    )
    plain = repo.run("validate")
    assert plain.exit_code == 0
    assert plain.stdout.splitlines()[-1] == "0 errors, 1 warning in 8 files"
    strict = repo.run("validate", "--strict")
    assert strict.exit_code == 1
    assert strict.stdout == plain.stdout
