"""The shared repository's guard, end to end with a bare server and clerks' clones:
every new commit of the protected branch is checked, history is never rewritten,
a refused push leaves nothing behind that could refuse the next one, and the hooks
find dangjian on PATH (or with the Python that installed them) or say why not.
"""

from __future__ import annotations

import os
import pickle
import stat
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from dangjian_cli.cli.main import cli
from dangjian_cli.gitops import snapshot
from dangjian_cli.gitops.hooks import MARKER, check_push
from dangjian_cli.gitops.run import RepoInfo
from dangjian_cli.records.cache import CACHE_FROM

#: a PATH without the virtualenv: hooks fall back on the Python that installed them
BARE_PATH = "/usr/bin:/bin"
#: the installed console script's folder first, as a clerk's shell has it
VENV_PATH = f"{Path(sys.executable).parent}:{BARE_PATH}"
BAD_MEMBER = 'name = "Broken"\norg = "village"\nstatus = "ful"\n'
GOOD_MEMBER = 'name = "Fine"\norg = "village"\nstatus = "applicant"\n'


def _install(server: Path, *extra: str):
    result = CliRunner().invoke(
        cli, ["-C", str(server), "hooks", "install", "--pre-receive", *extra]
    )
    assert result.exit_code == 0, result.output
    for name in ("pre-receive", "post-receive"):
        hook = server / "hooks" / name
        assert hook.stat().st_mode & stat.S_IXUSR and MARKER in hook.read_text()
    return result


def _tip(server: Path, git_run, branch: str = "main") -> str:
    return git_run(server, "rev-parse", branch).stdout.strip()


def _push(clerk, git_run, *args: str):
    return git_run(clerk.root, "push", "origin", *(args or ("main",)), path_env=BARE_PATH)


# ---- every new commit, no rewriting ----------------------------------------------------


def test_invalid_commit_in_the_middle_of_a_push_is_refused_naming_it(server, clone, git_run):
    _install(server)
    before = _tip(server, git_run)
    clerk = clone("clerk")
    clerk.write("members/a1.toml", GOOD_MEMBER)
    clerk.commit("member: add a1")
    clerk.write("members/bad.toml", BAD_MEMBER)
    bad = clerk.commit("member: add bad")
    clerk.write("members/bad.toml", GOOD_MEMBER)
    clerk.commit("member: fix bad")  # the tip is valid
    refused = _push(clerk, git_run)
    assert refused.returncode != 0
    assert f"rejected refs/heads/main: commit {bad[:10]} has 1 validation error" in refused.stderr
    assert "members/bad.toml:3: error E-ENUM" in refused.stderr
    assert _tip(server, git_run) == before


def test_force_push_and_deletion_of_main_are_refused(server, clone, git_run):
    _install(server)
    assert git_run(server, "config", "receive.denyNonFastForwards").stdout.strip() == "true"
    clerk = clone("clerk")
    clerk.write("members/a1.toml", GOOD_MEMBER)
    clerk.commit("member: add a1")
    assert _push(clerk, git_run).returncode == 0
    pushed = _tip(server, git_run)
    clerk.git("reset", "-q", "--hard", "HEAD~1")  # drop the record, rewrite history
    (clerk.root / "members" / "m3.toml").unlink()
    clerk.commit("drop m3")
    forced = _push(clerk, git_run, "--force", "main")
    assert forced.returncode != 0
    deleted = _push(clerk, git_run, "--delete", "main")
    assert deleted.returncode != 0 and "may not be deleted" in deleted.stderr
    assert _tip(server, git_run) == pushed
    # the hook refuses a rewrite by itself too, whatever the repository's settings
    git_run(server, "config", "receive.denyNonFastForwards", "false")
    forced = _push(clerk, git_run, "--force", "main")
    assert forced.returncode != 0 and "not a fast-forward" in forced.stderr
    assert _tip(server, git_run) == pushed


def test_check_push_refuses_a_rewrite_naming_the_old_tip(server, seed, git_run):
    old = _tip(server, git_run)
    seed.write("members/a1.toml", GOOD_MEMBER)
    seed.git("add", "-A")
    seed.git("commit", "-q", "--amend", "-m", "rewritten")
    assert git_run(seed.root, "push", "-q", str(server), "main:refs/heads/rewrite").returncode == 0
    new = _tip(server, git_run, "rewrite")
    [verdict] = check_push(server, [f"{old} {new} refs/heads/main"], "main")
    assert not verdict.accepted and f"not a fast-forward of {old[:10]}" in verdict.reason


# ---- the branch guarded -----------------------------------------------------------------


def test_init_then_bare_server_guards_main_by_default(tmp_path: Path, git_run, monkeypatch):
    config = tmp_path / "gitconfig"
    config.write_text("[init]\n\tdefaultBranch = master\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    for key in ("GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"):
        monkeypatch.setenv(key, "Test Clerk")
    for key in ("GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL"):
        monkeypatch.setenv(key, "clerk@example.org")
    county = tmp_path / "county"
    made = CliRunner().invoke(cli, ["init", str(county), "--tracking-since", "2025-01-01"])
    assert made.exit_code == 0, made.output
    assert "分支 main" in made.stdout  # init makes a zh repository and says so in Chinese
    server = tmp_path / "server.git"
    assert git_run(tmp_path, "clone", "-q", "--bare", str(county), str(server)).returncode == 0
    installed = _install(server)
    # the server speaks the language of the records it guards, as init did
    assert "保护分支 main（记录库的默认分支）" in installed.stdout
    assert "警告" not in installed.stderr and "warning" not in installed.stderr
    clerk = tmp_path / "clerk"
    assert git_run(tmp_path, "clone", "-q", str(server), str(clerk)).returncode == 0
    (clerk / "members" / "bad.toml").write_text(BAD_MEMBER)
    git_run(clerk, "add", "-A")
    assert git_run(clerk, "commit", "-q", "-m", "bad").returncode == 0
    refused = git_run(clerk, "push", "origin", "HEAD", path_env=BARE_PATH)
    assert refused.returncode != 0 and "E-ENUM" in refused.stderr


def test_install_guards_the_bare_repositorys_head_and_warns_when_it_is_missing(
    tmp_path: Path, git_run
):
    server = tmp_path / "empty.git"
    assert git_run(tmp_path, "init", "-q", "--bare", "-b", "records", str(server)).returncode == 0
    installed = _install(server)
    assert "guarding branch records (the repository's default branch)" in installed.stdout
    assert "warning: branch records does not exist" in installed.stderr
    assert "--branch records" in (server / "hooks" / "pre-receive").read_text()
    chosen = _install(server, "--branch", "main", "--force")
    assert "guarding branch main (as --branch said)" in chosen.stdout
    assert "--branch main" in (server / "hooks" / "pre-receive").read_text()


# ---- snapshots: a refused push leaves nothing behind ----------------------------------------


@pytest.fixture
def big(make_repo):
    """A repository large enough for snapshots (records cache threshold and up)."""
    members = {
        f"members/p{i:04d}.toml": f'name = "Person {i}"\norg = "village"\nstatus = "applicant"\n'
        for i in range(CACHE_FROM)
    }
    return make_repo(members, git=True, name="big")


@pytest.fixture
def big_server(big, tmp_path: Path, git_run) -> Path:
    bare = tmp_path / "big.git"
    assert git_run(tmp_path, "clone", "-q", "--bare", str(big.root), str(bare)).returncode == 0
    _install(bare)
    return bare


def _stored_trees(server: Path) -> list[str]:
    folder = server / snapshot.FOLDER
    if not folder.is_dir():
        return []
    return [p.name for p in folder.iterdir() if not p.name.startswith(".")]


def _stored(server: Path, tree: str) -> tuple[str, snapshot.Snapshot]:
    """A kept snapshot as the hook wrote it: its code fingerprint and itself (read
    without comparing the fingerprint with this process's code)."""
    with open(server / snapshot.FOLDER / tree, "rb") as handle:
        return pickle.load(handle), pickle.load(handle)


def test_refused_push_leaves_no_snapshot_and_the_next_valid_push_passes(
    big, big_server, tmp_path: Path, git_run
):
    server = big_server
    clerk = type(big)(tmp_path / "clerk")
    assert git_run(tmp_path, "clone", "-q", str(server), str(clerk.root)).returncode == 0
    clerk.write("members/a1.toml", GOOD_MEMBER)
    clerk.commit("member: add a1")
    first = _push(clerk, git_run)
    assert first.returncode == 0, first.stderr
    tree = git_run(server, "rev-parse", "main^{tree}").stdout.strip()
    assert _stored_trees(server) == [tree]  # kept by the post-receive hook
    assert not list((server / snapshot.FOLDER / snapshot.PENDING).iterdir())

    for attempt in range(2):  # refused, twice: nothing of it is kept
        clerk.write(f"members/bad{attempt}.toml", BAD_MEMBER)
        clerk.commit("member: add bad")
        refused = _push(clerk, git_run)
        assert refused.returncode != 0 and "E-ENUM" in refused.stderr
        assert _stored_trees(server) == [tree]
        clerk.git("reset", "-q", "--hard", "origin/main")

    # three commits, the middle one invalid: refused naming it, judged from snapshots
    clerk.write("members/a2.toml", GOOD_MEMBER)
    clerk.commit("member: add a2")
    clerk.write("members/a3.toml", BAD_MEMBER)
    bad = clerk.commit("member: add a3")
    clerk.write("members/a3.toml", GOOD_MEMBER)
    clerk.commit("member: fix a3")
    refused = _push(clerk, git_run)
    assert refused.returncode != 0 and f"commit {bad[:10]} has 1 validation error" in refused.stderr
    assert _stored_trees(server) == [tree]

    clerk.git("reset", "-q", "--hard", "origin/main")
    clerk.write("members/a4.toml", GOOD_MEMBER)
    clerk.commit("member: add a4")
    later = _push(clerk, git_run)
    assert later.returncode == 0, later.stderr
    for name in _stored_trees(server):  # every kept snapshot names objects that exist
        assert git_run(server, "cat-file", "-e", f"{name}^{{tree}}").returncode == 0
        assert _stored(server, name)[1].tree == name


def test_a_stale_snapshot_never_refuses_a_valid_push(big, big_server, tmp_path: Path, git_run):
    server = big_server
    clerk = type(big)(tmp_path / "clerk")
    assert git_run(tmp_path, "clone", "-q", str(server), str(clerk.root)).returncode == 0
    clerk.write("members/a1.toml", GOOD_MEMBER)
    clerk.commit("member: add a1")
    assert _push(clerk, git_run).returncode == 0
    # the only snapshot kept now names a tree the repository does not have
    [kept] = _stored_trees(server)
    code, snap = _stored(server, kept)
    snap.tree = "0123456789abcdef" * 2 + "01234567"
    with open(server / snapshot.FOLDER / snap.tree, "wb") as handle:
        pickle.dump(code, handle)
        pickle.dump(snap, handle)
    (server / snapshot.FOLDER / kept).unlink()
    clerk.write("members/a2.toml", GOOD_MEMBER)
    clerk.commit("member: add a2")
    pushed = _push(clerk, git_run)
    assert pushed.returncode == 0, pushed.stderr
    clerk.write("members/bad.toml", BAD_MEMBER)
    clerk.commit("member: add bad")
    assert _push(clerk, git_run).returncode != 0  # and still judged right


def test_nothing_is_stored_from_quarantine(big, monkeypatch, tmp_path: Path):
    info = RepoInfo(big.root)
    commit = big.git("rev-parse", "HEAD").strip()
    tree = big.git("rev-parse", "HEAD^{tree}").strip()
    monkeypatch.setenv("GIT_QUARANTINE_PATH", str(tmp_path / "incoming"))
    snap = snapshot.build(info, commit, tree, date.today())
    snapshot.write(info, snap)
    assert snapshot.promote(info, commit) == 0
    assert not (info.git_dir / snapshot.FOLDER / tree).exists()


# ---- finding dangjian ---------------------------------------------------------------------


def _forget_interpreter(hook: Path, tmp_path: Path) -> None:
    """The hook as if the virtualenv that installed it was rebuilt elsewhere."""
    gone = tmp_path / "gone-venv" / "bin" / "python3"
    lines = [
        f"py={gone}" if line.startswith("py=") else line for line in hook.read_text().splitlines()
    ]
    hook.write_text("\n".join(lines) + "\n")


def test_pre_commit_hook_finds_dangjian_on_path_when_its_python_is_gone(
    make_repo, tmp_path: Path, git_run
):
    repo = make_repo(git=True)
    assert repo.run("hooks", "install").exit_code == 0
    hook = repo.root / ".git" / "hooks" / "pre-commit"
    assert str(Path(sys.executable).parent / "dangjian") not in hook.read_text()
    _forget_interpreter(hook, tmp_path)
    repo.write("members/bad.toml", BAD_MEMBER)
    repo.git("add", "members/bad.toml")

    lost = git_run(repo.root, "commit", "-m", "bad", path_env=BARE_PATH)
    assert lost.returncode != 0
    said = lost.stdout + lost.stderr
    assert "pre-commit hook cannot find dangjian: it is not on PATH" in said
    assert "Put the bin folder of an environment that has dangjian on PATH" in said
    assert git_run(repo.root, "rev-list", "--count", "HEAD").stdout.strip() == "1"

    blocked = git_run(repo.root, "commit", "-m", "bad", path_env=VENV_PATH)
    assert blocked.returncode != 0
    assert "members/bad.toml:3: error E-ENUM" in blocked.stdout + blocked.stderr
    repo.write("members/bad.toml", GOOD_MEMBER)
    repo.git("add", "members/bad.toml")
    done = git_run(repo.root, "commit", "-q", "-m", "fine", path_env=VENV_PATH)
    assert done.returncode == 0, done.stdout + done.stderr


def test_pending_snapshots_are_bounded_and_swept(make_repo):
    info = RepoInfo(make_repo(git=True).root)
    pending = info.git_dir / snapshot.FOLDER / snapshot.PENDING
    start = time.time() - 100
    names = [f"{i:040x}" for i in range(snapshot.KEEP + 2)]
    for i, name in enumerate(names):
        snapshot.stage(info, snapshot.Snapshot(name, {}, {}, [], "2026-01-01", [], {}, {}))
        os.utime(pending / name, (start + i, start + i))
    assert sorted(p.name for p in pending.iterdir()) == names[-snapshot.KEEP :]
    assert snapshot._stored(info) == []  # pending is not kept until promoted
    old = time.time() - snapshot.PENDING_SECONDS - 10
    for path in pending.iterdir():
        os.utime(path, (old, old))
    snapshot.sweep_pending(info)
    assert list(pending.iterdir()) == []


def test_post_receive_never_fails_a_push_that_is_in(tmp_path: Path):
    line = f"{'1' * 40} {'2' * 40} refs/heads/main\n"
    result = CliRunner().invoke(cli, ["-C", str(tmp_path), "hooks", "post-receive"], input=line)
    assert result.exit_code == 0
    assert result.stderr.startswith("dangjian: warning: snapshot not kept:")
