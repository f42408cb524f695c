"""commit_paths: commit exactly the files a command wrote, with a structured message."""

from __future__ import annotations

import pytest

from dangjian_cli.errors import InputError, Refused
from dangjian_cli.gitops.commit import commit_paths, message_for


def test_commits_only_the_given_paths(make_repo):
    repo = make_repo(git=True)
    repo.write("members/m1.toml", repo.read("members/m1.toml").replace("One", "Uno"))
    repo.git("add", "members/m1.toml")  # someone else's staged change
    repo.write("members/m4.toml", 'name = "Four"\norg = "village"\nstatus = "applicant"\n')
    commit = commit_paths(repo.root, ["members/m4.toml"], "member: add m4")
    assert repo.git("rev-parse", "HEAD").strip() == commit
    assert repo.git("log", "-1", "--format=%s").strip() == "member: add m4"
    assert repo.git("show", "--name-only", "--format=", "HEAD").split() == ["members/m4.toml"]
    # the other change is still staged, not committed
    assert repo.git("diff", "--cached", "--name-only").split() == ["members/m1.toml"]


def test_commit_blocked_by_the_pre_commit_hook_is_refused(make_repo):
    repo = make_repo(git=True)
    assert repo.run("hooks", "install").exit_code == 0
    repo.write("members/bad.toml", 'name = "Bad"\norg = "village"\nstatus = "ful"\n')
    with pytest.raises(Refused) as caught:
        commit_paths(repo.root, [repo.root / "members/bad.toml"], "member: add bad")
    assert "E-ENUM" in "\n".join(caught.value.details)
    assert repo.git("rev-list", "--count", "HEAD").strip() == "1"


def test_commit_outside_git_is_a_clear_error(make_repo):
    repo = make_repo()
    with pytest.raises(InputError, match="not in a git repository"):
        commit_paths(repo.root, ["members/m1.toml"], "x")


@pytest.mark.parametrize(
    ("path", "action", "detail", "expected"),
    [
        (
            "meetings/qingshan-village/2026-03-15-branch_assembly.toml",
            "add",
            "",
            "meeting: add qingshan-village 2026-03-15 branch_assembly",
        ),
        ("members/vy-a.toml", "set", "status=full", "member: set vy-a status=full"),
        ("notices/2026/007.toml", "add", "", "notice: add 2026/007"),
        ("funds/town/2026.toml", "add", "entry 2026-03-01", "fund: add town 2026 entry 2026-03-01"),
    ],
)
def test_structured_messages(path, action, detail, expected):
    assert message_for(path, action, detail) == expected
