"""GitStore and IndexStore: the records of a commit or of the index, from git objects."""

from __future__ import annotations

import os

import pytest

from dangjian_cli.errors import InputError
from dangjian_cli.gitops.run import CatFile
from dangjian_cli.gitops.store import GitStore, IndexStore
from dangjian_cli.records.repository import load
from dangjian_cli.records.store import FolderStore


def test_reads_the_commit_not_the_work_tree(make_repo):
    repo = make_repo(git=True)
    first = repo.git("rev-parse", "HEAD").strip()
    repo.write("members/m1.toml", repo.read("members/m1.toml").replace("Member One", "Renamed"))
    repo.write("members/m9.toml", 'name = "Untracked"\n')
    repo.commit("edit m1")
    repo.write("members/m2.toml", 'name = "work tree only"\n')

    store = GitStore(repo.root, first)
    paths, refused = store.listing()
    assert refused == []
    assert "members/m9.toml" not in paths
    assert b"Member One" in store.read("members/m1.toml")
    assert b"Member Two" in store.read("members/m2.toml")
    head = GitStore(repo.root, "HEAD")
    assert b"Renamed" in head.read("members/m1.toml")
    assert "members/m9.toml" in head.listing()[0]
    assert store.label.startswith(first[:10])


def test_listing_and_bytes_match_the_checked_out_folder(make_repo):
    files = {f"members/x{i:04d}.toml": f'name = "X {i}"\norg = "village"\n' for i in range(1500)}
    files["templates/letter.toml"] = "x = 1\n"  # ignored place
    files[".hidden/a.toml"] = "x = 1\n"
    files["README.md"] = "hello\n"
    repo = make_repo(files, git=True)
    folder, git = FolderStore(repo.root), GitStore(repo.root, "HEAD")
    assert git.listing() == folder.listing()
    # sequential reads go through the read-ahead path and several cat-file chunks
    for path in folder.listing()[0]:
        assert git.read(path) == folder.read(path)
    # scattered reads too
    assert git.read("members/x0007.toml") == folder.read("members/x0007.toml")
    with pytest.raises(FileNotFoundError):
        git.read("members/nope.toml")
    # many long `rev:path` requests in one batch (more than a pipe buffer holds)
    head = repo.git("rev-parse", "HEAD").strip()
    names = [f"{head}:{p}" for p in folder.listing()[0]] * 2
    cat = CatFile(repo.root)
    got = cat.read_many([*names, f"{head}:members/none.toml"])
    cat.close()
    assert got[:-1] == [folder.read(n.split(":", 1)[1]) for n in names]
    assert got[-1] is None


def test_load_from_git_equals_load_from_folder(make_repo):
    repo = make_repo(git=True)
    a, b = load(FolderStore(repo.root)), load(GitStore(repo.root, "HEAD"))
    assert a.paths == b.paths
    assert sorted(a.members) == sorted(b.members)
    assert a.orgs["village"] == b.orgs["village"]


def test_never_touches_work_tree_or_index(make_repo):
    repo = make_repo(git=True)
    repo.write("members/m1.toml", 'name = "dirty"\n')
    repo.git("add", "members/m1.toml")
    repo.write("members/m2.toml", 'name = "dirtier"\n')
    status = repo.git("status", "--porcelain")
    index = repo.root / ".git" / "index"
    before = (index.read_bytes(), index.stat().st_mtime_ns)
    store = GitStore(repo.root, "HEAD")
    for path in store.listing()[0]:
        store.read(path)
    IndexStore(repo.root).read("members/m1.toml")
    assert (index.read_bytes(), index.stat().st_mtime_ns) == before
    assert repo.git("status", "--porcelain") == status
    assert repo.read("members/m2.toml") == 'name = "dirtier"\n'


def test_symlinks_inside_followed_outside_refused(make_repo, tmp_path):
    repo = make_repo()
    outside = tmp_path / "secret.toml"
    outside.write_text('name = "outside"\n')
    os.symlink(outside, repo.root / "members" / "out.toml")
    os.symlink("m1.toml", repo.root / "members" / "alias.toml")
    repo.init_git()
    repo.commit()
    store = GitStore(repo.root, "HEAD")
    paths, refused = store.listing()
    assert [(p.code, p.path) for p in refused] == [("E-SYMLINK", "members/out.toml")]
    assert "members/out.toml" not in paths
    assert store.read("members/alias.toml") == store.read("members/m1.toml")
    assert FolderStore(repo.root).listing()[1][0].code == "E-SYMLINK"


def test_folder_named_like_a_record_is_refused(make_repo):
    repo = make_repo({"orgs/odd.toml/inner.toml": 'name = "x"\n'}, git=True)
    paths, refused = GitStore(repo.root, "HEAD").listing()
    assert [(p.code, p.path) for p in refused] == [("E-FOLDER", "orgs/odd.toml")]
    assert not any(p.startswith("orgs/odd.toml") for p in paths)


def test_records_in_a_subfolder_of_the_git_repository(make_repo, tmp_path):
    outer = make_repo(name="outer")  # records written at outer/
    top = tmp_path / "top"
    top.mkdir()
    (outer.root).rename(top / "records")
    (top / "notes.toml").write_text("x = 1\n")  # outside the records folder
    repo = type(outer)(top)
    repo.init_git()
    repo.commit()
    store = GitStore(top / "records", "HEAD")
    paths, _ = store.listing()
    assert "dangjian.toml" in paths and "notes.toml" not in paths
    assert paths == FolderStore(top / "records").listing()[0]


def test_unknown_revision_is_one_clear_line(make_repo):
    repo = make_repo(git=True)
    with pytest.raises(InputError, match=r"unknown revision 'no-such-branch'"):
        GitStore(repo.root, "no-such-branch")


def test_not_a_git_repository_is_one_clear_line(make_repo):
    repo = make_repo()  # a plain folder
    with pytest.raises(InputError, match="is not in a git repository"):
        GitStore(repo.root, "HEAD")
    with pytest.raises(InputError, match="is not in a git repository"):
        IndexStore(repo.root)


def test_index_store_reads_what_is_staged(make_repo):
    repo = make_repo(git=True)
    repo.write("members/m4.toml", 'name = "Staged"\n')
    repo.git("add", "members/m4.toml")
    repo.write("members/m4.toml", 'name = "Work tree"\n')
    repo.write("members/m5.toml", 'name = "Not staged"\n')
    store = IndexStore(repo.root)
    paths, _ = store.listing()
    assert "members/m4.toml" in paths and "members/m5.toml" not in paths
    assert store.read("members/m4.toml") == b'name = "Staged"\n'
