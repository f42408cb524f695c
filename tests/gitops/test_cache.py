"""The blob-id records cache: a commit's unchanged files are not parsed again."""

from __future__ import annotations

from dangjian_cli.checks import validate
from dangjian_cli.gitops import cache
from dangjian_cli.gitops.store import GitStore
from dangjian_cli.records import cache as rc
from dangjian_cli.records import repository


def _texts(records):
    return [p.text() for p in validate(records)]


def test_cached_loads_equal_fresh_loads_across_commits(make_repo, monkeypatch):
    monkeypatch.setattr(rc, "CACHE_FROM", 1)
    repo = make_repo(git=True)
    first = repo.git("rev-parse", "HEAD").strip()
    repo.write("members/m4.toml", 'name = "Four"\norg = "village"\nstatus = "ful"\n')
    repo.commit("bad member")

    fresh = repository.load(GitStore(repo.root, "HEAD"))
    built = cache.load_blobs_cached(GitStore(repo.root, "HEAD"))  # writes the cache
    assert (repo.root / ".git" / cache.FILE).is_file()

    parsed: list[str] = []
    real = rc._load_one
    monkeypatch.setattr(rc, "_load_one", lambda s, p: parsed.append(p) or real(s, p))
    again = cache.load_blobs_cached(GitStore(repo.root, "HEAD"))
    assert parsed == []  # every blob came from the cache
    assert _texts(again) == _texts(built) == _texts(fresh)
    assert any("E-ENUM" in t for t in _texts(again))

    older = cache.load_blobs_cached(GitStore(repo.root, first))
    assert "members/m4.toml" not in older.paths
    assert _texts(older) == _texts(repository.load(GitStore(repo.root, first)))
    assert not any("E-ENUM" in t for t in _texts(older))


def test_a_cache_written_for_the_same_blobs_is_taken_without_its_stamps(make_repo, monkeypatch):
    """The cache names the exact files and blobs it was written for: loading those
    again reads no stamp; any other set of blobs is checked file by file."""
    monkeypatch.setattr(rc, "CACHE_FROM", 1)
    repo = make_repo(git=True)
    first = repo.git("rev-parse", "HEAD").strip()
    repo.write("members/m4.toml", 'name = "Four"\norg = "village"\nstatus = "ful"\n')
    repo.commit("bad member")
    built = cache.load_blobs_cached(GitStore(repo.root, "HEAD"))  # writes the cache

    read: list[int] = []
    real = rc.CacheFile.stamps
    monkeypatch.setattr(rc.CacheFile, "stamps", lambda self, *a: read.append(1) or real(self, *a))
    again = cache.load_blobs_cached(GitStore(repo.root, "HEAD"))
    assert read == []
    assert _texts(again) == _texts(built)
    assert any("E-ENUM" in t for t in _texts(again))

    # another commit: its stamps are compared, and the cache is written for it
    older = cache.load_blobs_cached(GitStore(repo.root, first))
    assert read
    assert "members/m4.toml" not in older.paths
    assert _texts(older) == _texts(repository.load(GitStore(repo.root, first)))
    read.clear()
    assert _texts(cache.load_blobs_cached(GitStore(repo.root, first))) == _texts(older)
    assert read == []
    # the same paths with one blob changed are not taken as they were
    cache.load_blobs_cached(GitStore(repo.root, "HEAD"))
    read.clear()
    repo.write("members/m4.toml", 'name = "Four"\norg = "village"\nstatus = "full"\n')
    repo.commit("member fixed")
    fixed = cache.load_blobs_cached(GitStore(repo.root, "HEAD"))
    assert read
    assert not any("E-ENUM" in t for t in _texts(fixed))
    assert _texts(fixed) == _texts(repository.load(GitStore(repo.root, "HEAD")))
