"""Links and special files in a work tree judged through snapshots (issue 10): the
answer is the folder's own, E-SYMLINK naming the link, never the outside file's
contents read through it."""

from __future__ import annotations

import os

import pytest

from dangjian_cli.gitops import snapshot

MEMBER = 'name = "Four"\norg = "village"\nstatus = "full"\nadmitted = 2020-01-01\n'


@pytest.fixture
def tracked(make_repo, monkeypatch: pytest.MonkeyPatch):
    repo = make_repo(git=True)
    monkeypatch.setattr(snapshot, "SNAPSHOT_FROM", 1)
    monkeypatch.setattr(snapshot, "CHANGED_SHARE", 1.0)
    assert repo.run("validate").exit_code == 0  # the snapshot of HEAD is made
    return repo


@pytest.mark.parametrize("command", ["validate", "overdue"])
def test_a_link_out_of_the_work_tree_is_refused_through_snapshots(tracked, tmp_path, command):
    outside = tmp_path / "secret.toml"
    outside.write_text(MEMBER, encoding="utf-8")
    os.symlink(outside, tracked.root / "members" / "m4.toml")
    result = tracked.run(command)
    assert result.exit_code == 1, result.output
    assert "members/m4.toml:1: error E-SYMLINK symbolic link leads out of the repository" in (
        result.output
    )


def test_a_folder_replaced_by_a_link_out_is_refused_through_snapshots(tracked, tmp_path):
    moved = tmp_path / "elsewhere"
    os.rename(tracked.root / "members", moved)
    os.symlink(moved, tracked.root / "members")
    result = tracked.run("validate")
    assert result.exit_code == 1, result.output
    assert "members:1: error E-SYMLINK" in result.output


def test_looping_and_broken_links_in_a_commit_are_refused(make_repo):
    repo = make_repo(git=True)
    folder = repo.root / "members"
    os.symlink("m5.toml", folder / "m4.toml")
    os.symlink("m4.toml", folder / "m5.toml")
    os.symlink("nowhere.toml", folder / "m6.toml")
    repo.commit("links")
    result = repo.run("validate", "--rev", "HEAD")
    assert result.exit_code == 1, result.output
    for name in ("m4", "m5", "m6"):
        assert (
            f"members/{name}.toml:1: error E-SYMLINK symbolic link is broken or loops; refused"
            in result.output
        )
