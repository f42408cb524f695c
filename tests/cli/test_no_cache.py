"""`dangjian --no-cache`: the records caches are neither read nor written."""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner

from dangjian_cli.cli.main import cli
from dangjian_cli.gitops import cache as gc_
from dangjian_cli.records import cache as rc


@pytest.fixture
def spied(make_repo, monkeypatch):
    """A committed repo whose blob cache is used from one file on, with cache I/O recorded."""
    monkeypatch.setattr(rc, "CACHE_FROM", 1)
    # the flag sets DANGJIAN_CACHE while the command runs, and puts it back
    monkeypatch.setenv("DANGJIAN_CACHE", "1")
    repo = make_repo(git=True)
    repo.write("members/m4.toml", 'name = "Four"\norg = "village"\nstatus = "ful"\n')
    repo.commit("bad member")
    calls: list[str] = []
    opened, save = rc.CacheFile, rc.save

    class SpiedFile(opened):  # type: ignore[misc,valid-type]
        def __init__(self, where, fingerprint=None):
            calls.append("read")
            super().__init__(where, fingerprint)

    def spy_save(where, fingerprint, stamps, entries, old=None, extras=None, write_behind=False):
        calls.append("save")
        # in this process, so the test sees it
        save(where, fingerprint, stamps, entries, old, extras, write_behind=False)

    monkeypatch.setattr(rc, "CacheFile", SpiedFile)
    monkeypatch.setattr(rc, "save", spy_save)
    return repo, calls


def test_no_cache_neither_reads_nor_writes_the_cache(spied):
    repo, calls = spied
    where = repo.root / ".git" / gc_.FILE
    cached = repo.run("validate", "--rev", "HEAD")
    assert calls == ["read", "save"] and where.is_file()  # the cache is in use
    where.unlink()
    calls.clear()

    seen: list[str | None] = []
    enabled = rc.enabled

    def spy_enabled() -> bool:  # what every loader (and a hook's dangjian) sees
        seen.append(os.environ.get("DANGJIAN_CACHE"))
        return enabled()

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rc, "enabled", spy_enabled)
        fresh = CliRunner().invoke(
            cli, ["--no-cache", "-C", str(repo.root), "validate", "--rev", "HEAD"]
        )
    assert calls == []
    assert not where.exists()
    assert seen and set(seen) == {"0"}
    assert os.environ["DANGJIAN_CACHE"] == "1"  # put back: the next command caches again
    assert fresh.exit_code == cached.exit_code == 1
    assert "E-ENUM" in fresh.stdout
    assert fresh.stdout == cached.stdout


def test_without_the_flag_the_setting_is_left_alone(spied):
    repo, calls = spied
    result = repo.run("validate", "--rev", "HEAD")
    assert result.exit_code == 1
    assert os.environ["DANGJIAN_CACHE"] == "1"
    assert "read" in calls
