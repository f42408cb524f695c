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
