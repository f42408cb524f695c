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

from ..problems import Problem
from ..records import cache as rc
from ..records.repository import Records, gc_paused, load
from ..records.store import Store
from .store import _BlobStore

FILE = "dangjian-blobs.cache"


def load_blobs_cached(store: Store, write_behind: bool = False) -> Records:
    """Like :func:`records.repository.load`, reusing records of unchanged blobs."""
    if not isinstance(store, _BlobStore) or not rc.enabled():
        return load(store)
    paths, refused = store.listing()
    if len(paths) < rc.CACHE_FROM:
        return load(store)
    with gc_paused():
        return _load(store, paths, refused, write_behind)


def _load(
    store: _BlobStore, paths: list[str], refused: list[Problem], write_behind: bool
) -> Records:
    # (0, blob id) fits the work-tree cache's (mtime, ...) stamp: never "racy"
    stamps = {p: (0, store.blob_id(p)) for p in paths}
    where = store.info.git_dir / FILE
    # a blob id changes with the file: the cache written for these very blobs is
    # known by one digest, its stamps unread
    return rc.load_stamped(
        store,
        paths,
        refused,
        stamps,
        where,
        prefetch=store.prefetch,
        write_behind=write_behind,
        exact=rc.digest(paths, stamps),
    )
