"""The records cache for commits and the index: entries stamped by git blob id.

The work-tree cache (:mod:`records.cache`) stamps each file with its stat data;
for a commit the blob id is a better stamp: equal ids are equal bytes, so a file
unchanged since the last ``--rev`` (or ``--staged``) load is not parsed again,
whichever commit it is read from. The cache lives in the git folder
(``dangjian-blobs.cache``), in the same format and under the same fingerprint
(code and Python version) as the work-tree cache, and ``DANGJIAN_CACHE=0``
switches it off too.
"""

from __future__ import annotations

import os

from ..problems import Problem
from ..records import cache as rc
from ..records import model as m
from ..records.repository import Records, assemble, gc_paused, load
from ..records.store import Store
from .store import _BlobStore

FILE = "dangjian-blobs.cache"


def load_blobs_cached(store: Store) -> Records:
    """Like :func:`records.repository.load`, reusing records of unchanged blobs."""
    if not isinstance(store, _BlobStore) or os.environ.get("DANGJIAN_CACHE") == "0":
        return load(store)
    paths, refused = store.listing()
    if len(paths) < rc.CACHE_FROM:
        return load(store)
    with gc_paused():
        return _load(store, paths, refused)


def _load(store: _BlobStore, paths: list[str], refused: list[Problem]) -> Records:
    where = store.info.git_dir / FILE
    fingerprint = rc._fingerprint()
    cached = rc._read(where, fingerprint)
    # (0, blob id) fits the work-tree cache's (mtime, ...) stamp: never "racy"
    stamps = {p: (0, store.blob_id(p)) for p in paths}
    stale = [p for p in paths if cached.get(p, (None,))[0] != stamps[p]]
    if len(stale) > rc.REBUILD_SHARE * len(paths):
        records = load(store)
        rc._write(where, fingerprint, rc._entries(records, refused, stamps))  # type: ignore[arg-type]
        return records
    store.prefetch(stale)
    entries = {p: cached[p] for p in paths if p not in set(stale)}
    for path in stale:
        entries[path] = (stamps[path], *rc._load_one(store, path))  # type: ignore[assignment]
    by_path: dict[str, m.Record] = {}
    problems: list[Problem] = list(refused)
    for path in paths:
        _, record, found = entries[path]
        problems.extend(found)
        if record is not None:
            by_path[path] = record
    if stale or len(cached) != len(paths):
        rc._write(where, fingerprint, entries)
    return assemble(store, paths, by_path, problems)
