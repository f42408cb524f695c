"""`cli.common.load_records`: the records a command loads are kept out of the
garbage collector's passes, frozen before it is on again."""

from __future__ import annotations

import gc

from dangjian_cli.records import cache as rc


def test_the_loaded_records_are_frozen_before_the_collector_runs(repo, monkeypatch):
    seen: list[tuple[bool, int]] = []
    real = rc.load_cached

    def spied(store, **kw):
        records = real(store, **kw)
        seen.append((gc.isenabled(), gc.get_freeze_count()))
        return records

    monkeypatch.setattr(rc, "load_cached", spied)
    assert gc.isenabled()
    result = repo.run("validate")
    assert result.exit_code == 0, result.output
    assert len(seen) == 1
    collecting, frozen_before = seen[0]
    # off while loading and until the records are frozen (its first pass would
    # walk every object the load made), then on again
    assert not collecting
    assert gc.get_freeze_count() > frozen_before
    assert gc.isenabled()
