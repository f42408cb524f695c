"""The per-file records cache: same records as a fresh load, and every change seen."""

from __future__ import annotations

import os
import time

import pytest

from dangjian_cli.records import cache
from dangjian_cli.records.repository import load
from dangjian_cli.records.store import FolderStore

OLD = time.time() - 3600


def age(root) -> None:
    """Date every file an hour back, so the cache may keep it (fresh files are racy)."""
    for folder, _, files in os.walk(root):
        for name in files:
            os.utime(os.path.join(folder, name), (OLD, OLD))


def view(records) -> tuple:
    return (
        sorted(records.by_path.items(), key=lambda kv: kv[0]),
        sorted(repr(sorted(p.as_dict().items())) for p in records.problems),
        sorted(records.orgs),
        sorted(records.members),
        len(records.meetings),
    )


@pytest.fixture
def cached(repo, tmp_path):
    """Load ``repo`` through the cache (threshold 0), keeping the cache file in tmp."""
    where = tmp_path / "records.cache"
    age(repo.root)

    def run():
        return cache.load_cached(FolderStore(repo.root), where=where, threshold=0)

    return repo, where, run


def test_cached_load_equals_a_fresh_load(cached):
    repo, where, run = cached
    repo.write("members/m9.toml", 'name = "Nine"\norg = "nowhere"\nstatus = "ful"\n')
    age(repo.root)
    first = run()
    assert where.exists()
    second = run()
    fresh = load(FolderStore(repo.root))
    assert view(first) == view(fresh) == view(second)
    assert any(p.code == "E-ENUM" for p in second.problems)  # problems come back too


def test_a_changed_file_is_read_again(cached, monkeypatch):
    repo, _where, run = cached
    run()
    calls = []
    real = cache._load_one
    monkeypatch.setattr(cache, "_load_one", lambda s, p: calls.append(p) or real(s, p))
    assert run().members["m1"].name == "Member One"
    assert calls == []  # nothing changed: nothing parsed
    text = repo.read("members/m1.toml").replace("Member One", "Member 1ne")  # same size
    repo.write("members/m1.toml", text, dedent=False)
    assert run().members["m1"].name == "Member 1ne"
    assert calls == ["members/m1.toml"]


def test_added_and_removed_files(cached):
    repo, _, run = cached
    run()
    (repo.root / "members" / "m3.toml").unlink()
    repo.write("members/m4.toml", 'name = "Four"\norg = "village"\nstatus = "applicant"\n')
    records = run()
    assert sorted(records.members) == ["m1", "m2", "m4"]


def test_a_foreign_or_broken_cache_is_ignored(cached):
    _repo, where, run = cached
    where.write_bytes(b"not a pickle")
    assert sorted(run().members) == ["m1", "m2", "m3"]
    where.write_bytes(b"")
    assert sorted(run().members) == ["m1", "m2", "m3"]


def test_small_repositories_and_switched_off_cache_write_nothing(repo, tmp_path, monkeypatch):
    where = tmp_path / "records.cache"
    age(repo.root)
    cache.load_cached(FolderStore(repo.root), where=where)  # 7 files < CACHE_FROM
    assert not where.exists()
    monkeypatch.setenv("DANGJIAN_CACHE", "0")
    cache.load_cached(FolderStore(repo.root), where=where, threshold=0)
    assert not where.exists()


def test_recently_modified_files_are_not_cached(repo, tmp_path):
    where = tmp_path / "records.cache"
    cache.load_cached(FolderStore(repo.root), where=where, threshold=0)  # all files are new
    assert cache._read(where, cache._fingerprint()) == {}


def test_cache_lives_in_git_folder_or_user_cache(make_repo, tmp_path, monkeypatch):
    git_repo = make_repo(git=True, name="withgit")
    assert cache.cache_file(git_repo.root) == git_repo.root / ".git" / "dangjian-records.cache"
    plain = make_repo(name="plain")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    where = cache.cache_file(plain.root)
    assert where.parent == tmp_path / "xdg" / "dangjian"
    assert not str(where).startswith(str(plain.root))


def test_write_behind_leaves_the_cache_to_a_detached_writer(repo, tmp_path, monkeypatch):
    where = tmp_path / "records.cache"
    age(repo.root)
    store = FolderStore(repo.root)
    first = cache.load_cached(store, where=where, threshold=0, write_behind=True)
    assert first.members["m1"].name == "Member One"  # the caller has its records at once
    deadline = time.monotonic() + 20
    while not where.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert where.exists(), "the detached writer never wrote the cache"
    parsed: list[str] = []
    real = cache._load_one
    monkeypatch.setattr(cache, "_load_one", lambda s, p: parsed.append(p) or real(s, p))
    monkeypatch.setattr(cache, "load", lambda store: pytest.fail("the cache was not used"))
    again = cache.load_cached(FolderStore(repo.root), where=where, threshold=0)
    assert parsed == []
    assert view(again) == view(first)


def test_the_truth_after_edits_touches_branch_switches_and_same_second_rewrites(
    make_repo, tmp_path
):
    """The sequence the scale issue names: each cached read equals a fresh load."""
    repo = make_repo(git=True)
    where = tmp_path / "records.cache"

    def check() -> None:
        got = cache.load_cached(FolderStore(repo.root), where=where, threshold=0)
        assert view(got) == view(load(FolderStore(repo.root)))

    age(repo.root)
    check()
    repo.write("members/m2.toml", repo.read("members/m2.toml").replace("Two", "2"), dedent=False)
    check()  # edited
    os.utime(repo.root / "members/m3.toml")
    check()  # touched, unchanged
    repo.git("checkout", "-q", "-b", "other")
    repo.write("members/m1.toml", 'name = "Other"\norg = "village"\nstatus = "applicant"\n')
    repo.commit("other branch")
    age(repo.root)
    check()
    repo.git("checkout", "-q", "main")  # files change under the cache's feet
    check()
    path = repo.root / "members/m1.toml"
    text = path.read_text(encoding="utf-8")
    for name in ("AAAAAA", "BBBBBB"):  # same size, within one second
        path.write_text(text.replace("Member", name[:6]), encoding="utf-8")
        check()


def test_two_processes_sharing_a_cache_never_read_a_torn_one(cached):
    import multiprocessing

    repo, where, run = cached
    run()
    assert where.exists()

    def churn(n: int) -> None:
        for i in range(n):
            repo.write(f"members/x{i % 3}.toml", f'name = "X{i}"\norg = "village"\n')
            age(repo.root)
            run()

    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=churn, args=(15,)) for _ in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
        assert w.exitcode == 0
    assert view(run()) == view(load(FolderStore(repo.root)))


def test_lazy_records_read_a_folder_when_first_used(cached, monkeypatch):
    """A lazy load reads the stamps and the folders a command touches, nothing else,
    and gives what a fresh load gives (a changed file parsed, not taken stale)."""
    repo, where, run = cached
    run()  # the cache, complete
    repo.write("members/m2.toml", 'name = "Two"\norg = "village"\nstatus = "ful"\n')
    store = FolderStore(repo.root)
    paths, refused = store.listing()
    read: list[str] = []
    real = cache.CacheFile.section

    def section(self, name):
        read.append(name)
        return real(self, name)

    monkeypatch.setattr(cache.CacheFile, "section", section)
    lazy = cache.lazy_stamped(store, paths, refused, cache.folder_stamps(store, paths), where)
    assert read == []
    assert lazy.members["m2"].name == "Two"  # the changed file, parsed
    assert read == ["stamps:members", "records:members"]
    assert view(lazy) == view(load(store))


def test_a_write_copies_unchanged_folders_as_they_were(cached):
    repo, where, run = cached
    run()
    before = cache.CacheFile(where).raw("records:orgs")
    repo.write("members/m1.toml", 'name = "Member 1"\norg = "village"\nstatus = "full"\n')
    age(repo.root)
    assert run().members["m1"].name == "Member 1"
    after = cache.CacheFile(where)
    assert after.raw("records:orgs") == before  # copied, not pickled again
    assert after.records("members")["members/m1.toml"][0].name == "Member 1"


def test_folder_stamps_are_each_files_stat_stamp(repo):
    """Looked up from the folder's descriptor, each stamp is the file's own (a link
    inside the folder followed), and a file gone since the listing has none."""
    os.symlink("m1.toml", repo.root / "members" / "m9.toml")
    store = FolderStore(repo.root)
    paths, _ = store.listing()
    assert "members/m9.toml" in paths
    os.remove(repo.root / "members" / "m2.toml")
    stamps = cache.folder_stamps(store, paths)
    assert stamps["members/m2.toml"] is None
    assert stamps["members/m9.toml"] == stamps["members/m1.toml"]
    assert {p: s for p, s in stamps.items() if s is not None} == {
        p: cache.stamp_of(os.path.join(repo.root, p)) for p in paths if p != "members/m2.toml"
    }
    assert len(stamps) == len(paths)
