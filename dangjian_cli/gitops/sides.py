"""Loading both sides of a change, file by file, so that the unchanged files are
read and parsed once and shared, and a scoped check loads only the records the
change can affect (see :mod:`.scope`).

Used by :mod:`.review` and :mod:`.snapshot`; it knows nothing of either.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..problems import Problem
from ..records import layout
from ..records import model as m
from ..records.cache import CACHE_FROM
from ..records.parse import parse
from ..records.repository import (
    Records,
    assemble,
    build_record,
    cores,
    gc_paused,
    load_file,
    load_paths,
    reassemble,
)
from ..records.store import OverlayStore, Store
from .store import _BlobStore

if TYPE_CHECKING:
    from .scope import Search, Touched


@dataclass
class Loaded:
    """Per-file load results, so that another side can reuse the unchanged ones."""

    store: Store
    paths: list[str]
    records: dict[str, m.Record]
    problems: dict[str, list[Problem]]
    refused: list[Problem]
    #: loaded on a scope: whether a candidate file beyond it exists on this side
    #: (:attr:`Records.elsewhere`)
    elsewhere: Callable[[str], bool] | None = None

    def assemble(self) -> Records:
        problems = list(self.refused)
        for path in self.paths:
            problems.extend(self.problems.get(path, ()))
        out = assemble(self.store, list(self.paths), dict(self.records), problems)
        out.elsewhere = self.elsewhere
        return out


#: a file's record and load problems, as loaded before (from the same bytes)
Parsed = Mapping[str, tuple[m.Record | None, list[Problem]]]


#: a scoped load parses in two processes from this many files: forking a process
#: that holds a county's snapshot, and taking its records back, costs about what
#: parsing a thousand files does (the pre-commit hook's 1,300 files of ten orgs:
#: 1.00 s parsed here, 1.07 s in two processes)
PARALLEL_FROM = 3000


def load_all(store: Store, parsed: Parsed | None = None) -> Loaded:
    paths, refused = store.listing()
    records: dict[str, m.Record] = {}
    problems: dict[str, list[Problem]] = {}
    # ``parsed`` may read its records when asked (a plain folder's cache): only
    # the paths listed are looked up, never the whole of it
    known = parsed if parsed is not None else {}
    fresh: dict[str, tuple[m.Record | None, list[Problem]]] = {}
    with gc_paused():
        todo = [p for p in paths if p not in known]
        if len(todo) >= PARALLEL_FROM:
            for path, record, found, _ in load_paths(store, todo, cores()):
                fresh[path] = (record, found)
        for path in paths:
            done = fresh.get(path) or known.get(path)
            record, found = done if done is not None else _load_one(store, path)
            if found:
                problems[path] = found
            if record is not None:
                records[path] = record
    return Loaded(store, list(paths), records, problems, list(refused))


def _load_one(store: Store, path: str) -> tuple[m.Record | None, list[Problem]]:
    from ..i18n import say
    from ..problems import error

    try:
        data = store.read(path)
    except OSError as exc:
        why = str(exc.strerror or exc)
        return None, [error("E-IO", path, say("cannot read: {why}", why=why), line=1)]
    return load_bytes(path, data)


def load_more(loaded: Loaded, paths: Iterable[str], like: Loaded | None = None) -> None:
    """Add more unchanged files to a partial load (taken from ``like`` if given)."""
    added = set(paths) - set(loaded.paths)
    for path in sorted(added):
        if like is not None:
            record, found = like.records.get(path), like.problems.get(path, [])
        else:
            record, found = _load_one(loaded.store, path)
        if found:
            loaded.problems[path] = found
        if record is not None:
            loaded.records[path] = record
    loaded.paths = sorted(set(loaded.paths) | added)
    store = loaded.store.base if isinstance(loaded.store, OverlayStore) else loaded.store
    if isinstance(store, _Cached) and store.only is not None:
        store.only |= added


def load_changed(base: Loaded, changes: Mapping[str, bytes | None]) -> Loaded:
    """The base with ``changes`` applied, parsing only the changed files."""
    store = OverlayStore(base.store, changes)
    paths, refused = store.listing()
    records = dict(base.records)
    problems = dict(base.problems)
    for path, data in changes.items():
        records.pop(path, None)
        problems.pop(path, None)
        if data is None or not layout.is_candidate(path):
            continue
        record, found = load_bytes(path, data)
        if found:
            problems[path] = found
        if record is not None:
            records[path] = record
    return Loaded(store, paths, records, problems, list(refused))


def apply_changes(base: Records, changes: Mapping[str, bytes | None]) -> Records:
    """``base`` with ``changes`` made, parsing only the changed files: every other
    record is ``base``'s, and their collections are ``base``'s with the changed
    records put last (:func:`~dangjian_cli.records.repository.reassemble`)."""
    store = OverlayStore(base.store, changes)
    paths, refused = store.listing()
    listed = set(base.paths)
    by_path: dict[str, list[Problem]] = {}
    for problem in base.problems:
        if problem.path in listed:
            by_path.setdefault(problem.path, []).append(problem)
    changed: dict[str, m.Record | None] = {}
    for path, data in changes.items():
        by_path.pop(path, None)
        changed[path] = None
        if data is None or not layout.is_candidate(path):
            continue
        record, found = load_bytes(path, data)
        if found:
            by_path[path] = found
        changed[path] = record
    problems = list(refused)
    for path in paths:
        found = by_path.get(path)
        if found:
            problems.extend(found)
    return reassemble(base, store, paths, problems, changed)


class _Bytes:
    """Base files' bytes by path, fetched from the store in batches and kept."""

    def __init__(self, store: _BlobStore) -> None:
        self.store = store
        self.data: dict[str, bytes | None] = {}

    def many(self, paths: Iterable[str]) -> None:
        missing = [p for p in paths if p not in self.data]
        self.store.prefetch(missing)
        for path in missing:
            self.data[path] = self.store.read(path) if self.store.exists(path) else None

    def __call__(self, path: str) -> bytes | None:
        if path not in self.data:
            self.many([path])
        return self.data[path]


class _Cached(Store):
    """A store answering from bytes already read, then from the base store."""

    def __init__(self, base: _BlobStore, cache: _Bytes, paths: set[str] | None) -> None:
        self.base, self.cache, self.only = base, cache, paths
        self.label = base.label

    def listing(self) -> tuple[list[str], list[Problem]]:
        paths, refused = self.base.listing()
        if self.only is None:
            return paths, refused
        return [p for p in paths if p in self.only], refused

    def read(self, path: str) -> bytes:
        data = self.cache.data.get(path)
        return data if data is not None else self.base.read(path)

    def exists(self, path: str) -> bool:
        return self.base.exists(path)


def scoped_sides(
    base_store: _BlobStore,
    listing: list[str],
    changes: Mapping[str, bytes | None],
    before: Mapping[str, bytes | None],
    direct: Touched,
    search: Search,
    parsed: Parsed | None = None,
) -> tuple[Loaded, Loaded] | None:
    """Both sides of a change, loaded on the scope it can affect (see :mod:`.scope`),
    or None when that scope is so large that a whole load through the cache is quicker.

    What needs no search is loaded while ``search`` (started by the caller) looks
    for the records that name the change.
    """
    from .scope import found_paths, known_paths

    cache = _Bytes(base_store)
    cache.data.update(before)
    large = len(listing) >= CACHE_FROM
    limit = SCOPED_SHARE * len(listing) if large else float("inf")
    # a snapshot's index says which trainings name the change's members (Grep cannot)
    known = known_paths(listing, changes, direct, cache, limit, getattr(search, "naming", None))
    if len(known) > limit:
        search.close()
        return None
    cache.many(sorted(known))
    base = load_all(_Cached(base_store, cache, known), parsed)
    head = load_changed(base, changes)
    extra = found_paths(listing, known, search, cache)
    cache.many(sorted(extra))
    load_more(base, extra)
    load_more(head, extra, like=base)
    # what lies beyond the scope still exists: naming it is no error on either side
    # (a whole check finds none; the scoped checks need not make and drop them)
    listed = set(listing)
    base.elsewhere = listed.__contains__
    head.elsewhere = _beyond(listed, changes)
    return base, head


def _beyond(listed: set[str], changes: Mapping[str, bytes | None]) -> Callable[[str], bool]:
    """Whether a candidate file exists once ``changes`` are made to ``listed``."""

    def exists(path: str) -> bool:
        if path in changes:
            return changes[path] is not None and layout.is_candidate(path)
        return path in listed

    return exists


#: in a repository large enough for the blob cache, a change that touches more than
#: this share of the records is reviewed on the whole base side, read through the
#: cache: parsing that many files is slower than taking them all from the cache
SCOPED_SHARE = 0.1


#: documents parsed for the field diff, kept for loading the same bytes (parsed once)
_KEPT: dict[tuple[str, bytes], tuple[dict[str, Any] | None, list[Problem]]] = {}


def parsed_doc(path: str, data: bytes | None, keep: bool = False) -> dict[str, Any] | None:
    if data is None:
        return None
    doc, problems = parse(path, data)
    if keep:
        _KEPT[(path, data)] = (doc, problems)
    return doc


def load_bytes(path: str, data: bytes) -> tuple[m.Record | None, list[Problem]]:
    """:func:`load_file`, reusing a document the diff already parsed."""
    parsed = _KEPT.pop((path, data), None)
    if parsed is None:
        return load_file(path, data)
    try:
        layout.classify(path)
    except layout.LayoutError:
        return load_file(path, data)  # reports the layout problem
    doc, problems = parsed
    if doc is None:
        return None, problems
    return build_record(path, doc)


def forget_parsed() -> None:
    """Drop the documents kept by :func:`parsed_doc` (the end of one review)."""
    _KEPT.clear()
