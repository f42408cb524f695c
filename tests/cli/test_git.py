"""The git commands end to end: --rev, --staged, review, log, hooks; clear errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

#: the installed console script, next to the interpreter running the tests
DANGJIAN = Path(sys.executable).parent / "dangjian"
MEETING = """
    kind = "branch_assembly"
    date = 2026-03-15
    topic = "Spring plan"
    attendees = ["m1", "m2", "m3"]
"""


def test_validate_rev_reports_the_errors_that_commit_had(make_repo):
    repo = make_repo(git=True)
    repo.write("members/m4.toml", 'name = "Four"\norg = "village"\nstatus = "ful"\n')
    bad = repo.commit("bad member")
    (repo.root / "members" / "m4.toml").unlink()
    repo.commit("remove it")
    assert repo.run("validate").exit_code == 0
    result = repo.run("validate", "--rev", bad[:8])
    assert result.exit_code == 1
    assert "members/m4.toml:3: error E-ENUM `status` has unknown value 'ful'" in result.stdout
    assert repo.run("validate", "--rev", "HEAD").exit_code == 0


def test_validate_staged_ignores_unstaged_fixes(make_repo):
    repo = make_repo(git=True)
    repo.write("members/m4.toml", 'name = "Four"\norg = "village"\nstatus = "ful"\n')
    repo.git("add", "members/m4.toml")
    repo.write("members/m4.toml", 'name = "Four"\norg = "village"\nstatus = "applicant"\n')
    assert repo.run("validate").exit_code == 0
    staged = repo.run("validate", "--staged")
    assert staged.exit_code == 1 and "members/m4.toml:3" in staged.stdout
    both = repo.run("validate", "--staged", "--rev", "HEAD")
    assert both.exit_code == 2


def test_unknown_revision_and_non_git_folder_are_one_line_errors(make_repo):
    repo = make_repo(git=True)
    result = repo.run("validate", "--rev", "no-such-thing")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"dangjian: error: unknown revision 'no-such-thing' in {repo.root}"
    ]
    plain = make_repo(name="plain")
    for args in (
        ("validate", "--rev", "HEAD"),
        ("review",),
        ("log", "m1"),
        ("validate", "--staged"),
    ):
        result = plain.run(*args)
        assert result.exit_code == 2, args
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "is not in a git repository" in lines[0], args
        assert "Traceback" not in result.output
    assert plain.run("validate").exit_code == 0  # plain-folder reads keep working


def test_review_text_markdown_json_and_exit_code(make_repo):
    repo = make_repo({"meetings/village/2026-03-15-branch_assembly.toml": MEETING}, git=True)
    repo.git("mv", "members/m3.toml", "members/m3b.toml")
    repo.write(
        "meetings/village/2026-03-15-branch_assembly.toml",
        MEETING.replace("Spring plan", "Spring work plan"),
    )
    (repo.root / "members" / "m2.toml").unlink()
    repo.commit("rename, edit, delete")

    text = repo.run("review", "HEAD~1..HEAD", "--as-of", "2026-04-01")
    assert text.exit_code == 1  # the meeting still names m2 and m3: errors introduced
    out = text.stdout
    assert "records: 0 added, 1 removed, 1 renamed, 1 changed" in out
    assert "~ members/m3.toml → members/m3b.toml" in out
    assert "- members/m2.toml" in out
    assert 'topic: "Spring plan" → "Spring work plan"' in out
    assert "E-REF-MEMBER" in out

    md = repo.run("review", "HEAD~1..HEAD", "--format", "markdown", "--as-of", "2026-04-01")
    assert md.stdout.startswith("### Records review")
    assert "#### Renamed (1)" in md.stdout and "validation error" in md.stdout

    js = repo.run("review", "HEAD~1..HEAD", "--format", "json", "--as-of", "2026-04-01")
    data = json.loads(js.stdout)
    assert data["as_of"] == "2026-04-01"
    assert [c["path"] for c in data["changes"]["removed"]] == ["members/m2.toml"]
    assert data["changes"]["renamed"][0]["old_path"] == "members/m3.toml"
    # m2 gone: unknown attendee, too few members left for a quorum and a branch
    codes = {p["code"] for p in data["problems_introduced"]}
    assert {"E-REF-MEMBER", "E-QUORUM", "W-SMALL-BRANCH"} <= codes

    # a harmless change exits 0
    repo.write("orgs/village.toml", repo.read("orgs/village.toml").replace("Test Village", "Tv"))
    ok = repo.run("review", "HEAD", "--as-of", "2026-04-01")
    assert ok.exit_code == 0, ok.output
    assert 'name: "Test Village Branch" → "Tv Branch"' in ok.stdout


def test_review_masks_personal_data_unless_asked(make_repo):
    repo = make_repo(git=True)
    repo.write("members/m1.toml", repo.read("members/m1.toml") + 'phone = "13800001234"\n')
    masked = repo.run("review", "HEAD")
    assert "13800001234" not in masked.stdout and "138****1234" in masked.stdout
    assert "13800001234" in repo.run("review", "HEAD", "--show-personal").stdout


def test_log_by_bare_id_with_field_filter_and_formats(make_repo):
    repo = make_repo(git=True)
    repo.write("members/m2.toml", repo.read("members/m2.toml").replace('"full"', '"withdrawn"'))
    repo.commit("member: set m2 status=withdrawn")
    repo.git("mv", "members/m2.toml", "members/m2x.toml")
    repo.commit("member: rename m2")

    text = repo.run("log", "m2x")
    assert text.exit_code == 0, text.output
    assert text.stdout.count("commit ") == 3
    assert "renamed members/m2.toml → members/m2x.toml" in text.stdout
    status = repo.run("log", "members/m2x", "--field", "status", "--format", "json")
    entries = json.loads(status.stdout)
    assert [e["message"] for e in entries] == [
        "member: set m2 status=withdrawn",
        "initial records",
    ]
    assert entries[0]["fields"] == [{"field": "status", "before": "full", "after": "withdrawn"}]
    csv = repo.run("log", "m2x", "--field", "status", "--format", "csv")
    assert csv.stdout.splitlines()[0] == "commit,date,author,message,change,path,field,value"
    missing = repo.run("log", "nobody")
    assert missing.exit_code == 2 and "no record named 'nobody'" in missing.stderr


def test_installed_command_review_and_rev_in_a_subprocess(make_repo):
    repo = make_repo(git=True)
    repo.write("members/m4.toml", 'name = "Four"\norg = "nowhere"\nstatus = "applicant"\n')
    proc = subprocess.run(
        [str(DANGJIAN), "-C", str(repo.root), "review", "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    assert json.loads(proc.stdout)["changes"]["added"][0]["path"] == "members/m4.toml"
    proc = subprocess.run(
        [str(DANGJIAN), "-C", str(repo.root), "validate", "--rev", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0 and "0 errors" in proc.stdout


def _last_commit(repo) -> tuple[str, list[str]]:
    subject = repo.git("log", "-1", "--format=%s").strip()
    files = repo.git("show", "--name-only", "--format=", "HEAD").split()
    return subject, files


def test_new_meeting_commit_commits_just_that_file(make_repo):
    repo = make_repo(git=True)
    repo.write("notes.txt", "not part of the commit\n")
    result = repo.run(
        "new", "meeting", "village", "--date", "2026-03-15", "--kind", "branch_assembly",
        "--attendee", "m1,m2,m3", "--commit",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert _last_commit(repo) == (
        "meeting: add village 2026-03-15 branch_assembly",
        ["meetings/village/2026-03-15-branch_assembly.toml"],
    )
    assert "git: committed" in result.stdout
    assert "notes.txt" in repo.git("status", "--porcelain")


def test_set_commit_names_the_field_but_keeps_personal_values_out(make_repo):
    repo = make_repo(git=True)  # m2: m1 is the branch secretary, who must stay a full member
    assert repo.run("set", "m2", "status", "withdrawn", "--commit").exit_code == 0
    assert _last_commit(repo) == ("member: set m2 status=withdrawn", ["members/m2.toml"])
    assert repo.run("set", "m2", "phone", "13800001234", "--commit").exit_code == 0
    subject, _ = _last_commit(repo)
    assert subject == "member: set m2 phone"
    # nothing written, nothing committed
    before = repo.git("rev-parse", "HEAD")
    assert repo.run("set", "m2", "status", "withdrawn", "--commit").exit_code == 0
    assert repo.git("rev-parse", "HEAD") == before


def test_refused_write_commits_nothing(make_repo):
    repo = make_repo(git=True)
    before = repo.git("rev-parse", "HEAD")
    result = repo.run("new", "member", "m9", "--name", "X", "--org", "nowhere",
                      "--status", "applicant", "--commit")  # fmt: skip
    assert result.exit_code != 0
    assert repo.git("rev-parse", "HEAD") == before


def test_render_notice_commit_commits_the_notice_record(make_repo, tmp_path):
    repo = make_repo(git=True)
    settings = repo.read("dangjian.toml") + '[numbering]\ndefault = "T〔{year}〕{n}号"\n'
    repo.write("dangjian.toml", settings, dedent=False)
    repo.commit("numbering")
    result = repo.run(
        "render", "notice", "--org", "village", "--kind", "praise", "--as-of", "2026-03-01",
        "--finding", "Clean books", "--out", str(tmp_path / "out"), "--commit",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    subject, files = _last_commit(repo)
    assert files == ["notices/2026/001.toml"]
    assert subject == "notice: add 2026/001 praise village"


def test_pre_commit_framework_hook_entry_checks_the_staged_snapshot(make_repo):
    spec = (Path(__file__).parents[2] / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    entry = next(line.split(":", 1)[1].split() for line in spec.splitlines()
                 if line.strip().startswith("entry:"))  # fmt: skip
    assert entry[0] == "dangjian"
    repo = make_repo(git=True)
    repo.write("members/m4.toml", 'name = "Four"\norg = "village"\nstatus = "ful"\n')
    repo.git("add", "members/m4.toml")
    repo.write("members/m4.toml", 'name = "Four"\norg = "village"\nstatus = "applicant"\n')
    proc = subprocess.run(
        [str(DANGJIAN), *entry[1:]], cwd=repo.root, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 1 and "members/m4.toml:3: error E-ENUM" in proc.stdout
