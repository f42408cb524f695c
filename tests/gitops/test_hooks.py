"""Hooks: the shared bare repository refuses invalid tips; pre-commit checks the index."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from click.testing import CliRunner

from dangjian_cli.cli.main import cli
from dangjian_cli.gitops.hooks import MARKER, check_push

#: a PATH without the virtualenv: hooks must find their interpreter by absolute path
BARE_PATH = "/usr/bin:/bin"
BAD_MEMBER = 'name = "Broken"\norg = "village"\nstatus = "ful"\n'


def _install_server_hook(server: Path, *extra: str) -> None:
    result = CliRunner().invoke(
        cli, ["-C", str(server), "hooks", "install", "--pre-receive", *extra]
    )
    assert result.exit_code == 0, result.output
    hook = server / "hooks" / "pre-receive"
    assert hook.stat().st_mode & stat.S_IXUSR
    assert MARKER in hook.read_text()


def _main(server: Path, git_run) -> str:
    return git_run(server, "rev-parse", "main").stdout.strip()


def test_two_clerks_push_non_conflicting_changes(server, clone, git_run):
    _install_server_hook(server)
    a, b = clone("clerk-a"), clone("clerk-b")
    a.write("members/a1.toml", 'name = "From A"\norg = "village"\nstatus = "applicant"\n')
    a.commit("member: add a1")
    pushed = git_run(a.root, "push", "-q", "origin", "main", path_env=BARE_PATH)
    assert pushed.returncode == 0, pushed.stderr

    b.write("members/b1.toml", 'name = "From B"\norg = "village"\nstatus = "applicant"\n')
    b.commit("member: add b1")
    assert git_run(b.root, "pull", "-q", "--no-rebase", "--no-edit").returncode == 0
    pushed = git_run(b.root, "push", "-q", "origin", "main", path_env=BARE_PATH)
    assert pushed.returncode == 0, pushed.stderr
    tree = git_run(server, "ls-tree", "-r", "--name-only", "main").stdout.split()
    assert "members/a1.toml" in tree and "members/b1.toml" in tree


def test_push_with_invalid_record_is_rejected_and_main_unchanged(server, clone, git_run):
    _install_server_hook(server)
    before = _main(server, git_run)
    clerk = clone("clerk")
    clerk.write("members/bad.toml", BAD_MEMBER)
    bad = clerk.commit("member: add bad")
    pushed = git_run(clerk.root, "push", "origin", "main", path_env=BARE_PATH)
    assert pushed.returncode != 0
    assert f"commit {bad[:10]}" in pushed.stderr
    assert "members/bad.toml:3: error E-ENUM" in pushed.stderr
    assert _main(server, git_run) == before
    # the same commit on another branch is not the protected branch's business
    other = git_run(clerk.root, "push", "-q", "origin", "HEAD:refs/heads/draft", path_env=BARE_PATH)
    assert other.returncode == 0, other.stderr
    # fixed on top: still refused, as the invalid commit would enter main's history
    clerk.write("members/bad.toml", BAD_MEMBER.replace('"ful"', '"applicant"'))
    clerk.commit("member: fix bad")
    pushed = git_run(clerk.root, "push", "origin", "main", path_env=BARE_PATH)
    assert pushed.returncode != 0 and f"commit {bad[:10]}" in pushed.stderr
    # the bad commit itself mended: accepted
    clerk.git("reset", "-q", "--soft", "HEAD~2")
    clerk.commit("member: add bad, mended")
    pushed = git_run(clerk.root, "push", "-q", "origin", "main", path_env=BARE_PATH)
    assert pushed.returncode == 0, pushed.stderr
    assert _main(server, git_run) != before


def test_pre_receive_refuses_deleting_main_and_passes_other_branches(server, git_run):
    tip = _main(server, git_run)
    zero = "0" * 40
    lines = [
        f"{tip} {zero} refs/heads/main",
        f"{zero} {tip} refs/heads/feature",
        f"{tip} {zero} refs/heads/feature",
    ]
    verdicts = check_push(server, lines)  # main: the bare repository's HEAD
    assert [v.accepted for v in verdicts] == [False, True, True]
    assert "may not be deleted" in verdicts[0].reason


def test_configured_branch_is_the_protected_one(server, clone, git_run):
    _install_server_hook(server, "--branch", "records")
    clerk = clone("clerk")
    clerk.write("members/bad.toml", BAD_MEMBER)
    clerk.commit("member: add bad")
    assert git_run(clerk.root, "push", "-q", "origin", "main", path_env=BARE_PATH).returncode == 0
    refused = git_run(clerk.root, "push", "origin", "main:records", path_env=BARE_PATH)
    assert refused.returncode != 0 and "E-ENUM" in refused.stderr


def test_pre_commit_blocks_invalid_staged_file_even_if_fixed_in_work_tree(make_repo, git_run):
    repo = make_repo(git=True)
    result = repo.run("hooks", "install")
    assert result.exit_code == 0, result.output
    repo.write("members/bad.toml", BAD_MEMBER)
    repo.git("add", "members/bad.toml")
    repo.write("members/bad.toml", BAD_MEMBER.replace('"ful"', '"applicant"'))  # not staged
    blocked = git_run(repo.root, "commit", "-m", "member: add bad", path_env=BARE_PATH)
    assert blocked.returncode != 0
    assert "members/bad.toml:3: error E-ENUM" in blocked.stdout + blocked.stderr
    assert git_run(repo.root, "rev-list", "--count", "HEAD").stdout.strip() == "1"
    # staging the fix unblocks it
    repo.git("add", "members/bad.toml")
    done = git_run(repo.root, "commit", "-q", "-m", "member: add bad", path_env=BARE_PATH)
    assert done.returncode == 0, done.stdout + done.stderr


def test_pre_commit_hook_checks_a_records_subfolder(make_repo, tmp_path, git_run):
    inner = make_repo(name="records")
    top = tmp_path / "top"
    top.mkdir()
    inner.root.rename(top / "records")
    repo = type(inner)(top / "records")
    git_run(top, "init", "-q", "-b", "main")
    git_run(top, "add", "-A")
    assert git_run(top, "commit", "-q", "-m", "start").returncode == 0
    assert repo.run("hooks", "install").exit_code == 0
    repo.write("members/bad.toml", BAD_MEMBER)
    git_run(top, "add", "-A")
    blocked = git_run(top, "commit", "-m", "bad", path_env=BARE_PATH)
    assert blocked.returncode != 0 and "members/bad.toml:3" in blocked.stdout + blocked.stderr


def test_install_refuses_a_foreign_hook_without_force(make_repo, git_run):
    repo = make_repo(git=True)
    hook = repo.root / ".git" / "hooks" / "pre-commit"
    hook.parent.mkdir(parents=True, exist_ok=True)
    hook.write_text("#!/bin/sh\necho mine\n")
    refused = repo.run("hooks", "install")
    assert refused.exit_code == 1
    assert "--force" in refused.stderr
    assert hook.read_text() == "#!/bin/sh\necho mine\n"
    # our own hook may be rewritten; a foreign one only with --force
    assert repo.run("hooks", "install", "--force").exit_code == 0
    assert MARKER in hook.read_text()
    assert repo.run("hooks", "install").exit_code == 0
    assert os.access(hook, os.X_OK)
