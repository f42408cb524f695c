"""A plain folder (no git) judged as a snapshot is: its whole check kept with the
records cache, and a change applied to it.

Outside git there is no tree to name, but the records cache already says which
files changed (their stat stamps) and holds each file's record as it was. Beside
the records it keeps the folder's *state* (an extra section of the cache): what
the last whole check found and on which day, the index of which files name which
ids, the orgs, notices and settings, and the answers to obligation questions. A
run then costs the listing, the stamps and the change:

* nothing changed: the kept problems (a new day: the dated checks run again);
* a few files changed: both sides are checked on the records the change can
  affect, as for a git work tree (:func:`snapshot.apply_on`); the old side's
  records are the cache's, its files' old ids are named by their kept records;
* more than :data:`snapshot.CHANGED_SHARE` changed, or the settings or a training:
  a whole check, kept for next time.

The state is written with the records it describes (one file, replaced
atomically, by a detached writer); a load that rewrites the records cache
without it drops it, so a state never describes other records than its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..problems import Problem
from ..records import cache as rc
from ..records import model as m
from ..records.mentions import named_ids
from ..records.repository import Records
from ..records.store import FolderStore, Store
from ..rules.engine import Obligation
from .changes import Change
from .queries import Query, answer
from .snapshot import (
    SNAPSHOT_FROM,
    WINDOWS,
    Judged,
    Snapshot,
    _kept,
    apply_on,
    fingerprint,
    index_words,
    redate,
)

STATE = "state"


@dataclass
class State:
    """What a whole check of the folder's records found, kept with them."""

    #: the package's code it was found by (``snapshot.fingerprint``)
    code: str
    day: str
    #: the problems of the files and checks (the listing's refusals are not kept:
    #: they are found again by every listing)
    problems: list[Problem]
    words: dict[str, bytes]
    numbering: list[str]
    kept: dict[str, tuple[m.Record | None, list[Problem]]]
    obligations: dict[Query, list[Obligation]]


def judge_folder(
    root: Path | str, day: date | None = None, queries: Iterable[Query] = ()
) -> Judged | None:
    """The folder at ``root`` as its kept state judges it, with the answers to
    ``queries``; None for a small folder or with caching off."""
    from . import snapshot

    if not rc.enabled():
        return None
    day = day or date.today()
    asked = list(dict.fromkeys(queries))
    store = FolderStore(root)
    paths, refused = store.listing()
    if len(paths) < SNAPSHOT_FROM:
        return None
    stamps = rc.folder_stamps(store, paths)
    where = rc.cache_file(store.root)
    fp = rc._fingerprint()
    old = rc.CacheFile(where, fp)
    state = old.extra(STATE)
    if not isinstance(state, State) or state.code != fingerprint():
        return _whole(store, paths, refused, stamps, where, fp, day, asked)
    cached = old.stamps()
    current: set[str] = set()
    changed: list[str] = []
    if stamps != cached:  # (equal, the usual warm run: one comparison in C)
        current = {p for p, s in stamps.items() if s is not None}
        changed = sorted(
            {p for p in current if stamps[p] != cached.get(p)} | (cached.keys() - current)
        )
    if len(changed) > snapshot.CHANGED_SHARE * len(cached):
        return _whole(store, paths, refused, stamps, where, fp, day, asked)
    snap = Snapshot(
        "",
        dict.fromkeys(cached, ""),
        state.words,
        state.numbering,
        state.day,
        state.problems,
        state.kept,
        dict(state.obligations),
    )
    new: dict[str, rc.Loaded] = {}
    if changed:
        was = _Kept(old, cached)
        for query in asked:  # asked of the state first, then changed with it
            if query not in snap.obligations:
                snap.obligations[query] = answer(_as_kept(store, cached, was), query)
        before = _Before(store, sorted(cached), _old_bytes(was, changed))
        change = Change(before.changed, _new_bytes(store, changed, current), {})
        applied = apply_on(before, snap, date.fromisoformat(state.day), change, asked, was)
        if applied is None or applied.scoped is None:
            return _whole(store, paths, refused, stamps, where, fp, day, asked)
        head = applied.scoped[1]
        own: dict[str, list[Problem]] = {}
        for problem in head.problems:
            own.setdefault(problem.path, []).append(problem)
        for path in changed:
            if path in current:
                new[path] = (head.by_path.get(path), own.get(path, []))
        snap = applied
    records = rc.lazy_stamped(store, paths, refused, stamps, where)
    if snap.day != day.isoformat():
        snap.problems = redate(snap.problems, records, day)
    for query in asked:
        if query not in snap.obligations:
            snap.obligations[query] = answer(records, query)
    answers = {q: snap.answer(q) or [] for q in asked}
    fresh = (
        bool(changed)
        or state.day != day.isoformat()
        or any(q not in state.obligations for q in asked)
    )
    kept = [(q, v) for q, v in snap.obligations.items() if q not in answers and isinstance(v, list)]
    result = State(
        state.code,
        day.isoformat(),
        snap.problems,
        snap.words,
        snap.numbering,
        snap.kept,
        dict([*kept[len(kept) + len(answers) - WINDOWS :], *answers.items()]),
    )
    if fresh:
        keep = {p: s for p, s in stamps.items() if s is not None}
        rc.save(where, fp, keep, new, old, {STATE: result}, write_behind=True)
    return _judged(store, paths, refused, result, records, answers)


def _judged(
    store: FolderStore,
    paths: list[str],
    refused: list[Problem],
    state: State,
    records: Records,
    answers: dict[Query, list[Obligation]],
) -> Judged:
    def ask(query: Query) -> list[Obligation]:
        # a question not asked beforehand: answered on the folder's records now
        return answer(records, query)

    problems = sorted([*refused, *state.problems], key=Problem.sort_key)
    return Judged(problems, len(paths), store.root, state.kept, None, answers, lambda: records, ask)


def _whole(
    store: FolderStore,
    paths: list[str],
    refused: list[Problem],
    stamps: Mapping[str, rc.Stamp | None],
    where: Path,
    fp: str,
    day: date,
    asked: list[Query],
) -> Judged:
    """A whole check through the records cache, kept as the folder's state."""
    from ..checks import validate

    records = rc.load_stamped(store, paths, refused, stamps, where, save_cache=False)
    skip = {id(p) for p in refused}
    problems = [p for p in validate(records, day) if id(p) not in skip]
    words, numbering = index_words(records)
    answers = {q: answer(records, q) for q in asked}
    state = State(
        fingerprint(), day.isoformat(), problems, words, numbering, _kept(records), answers
    )
    keep = {p: s for p, s in stamps.items() if s is not None}
    entries = rc.own_entries(records, refused, keep)
    rc.save(where, fp, keep, entries, None, {STATE: state}, write_behind=True)
    return _judged(store, paths, refused, state, records, answers)


class _Kept(Mapping[str, "rc.Loaded"]):
    """The records and load problems the state judged, by path, each top folder
    read from the cache when first looked up."""

    def __init__(self, old: rc.CacheFile, cached: Mapping[str, rc.Stamp]) -> None:
        self.old, self.cached = old, cached

    def __getitem__(self, path: str) -> rc.Loaded:
        if path not in self.cached:
            raise KeyError(path)
        return self.old.records(rc.folder_of(path)).get(path, (None, []))

    def __contains__(self, path: object) -> bool:
        return path in self.cached

    def __iter__(self) -> Iterator[str]:
        return iter(self.cached)

    def __len__(self) -> int:
        return len(self.cached)


def _as_kept(store: Store, cached: Mapping[str, rc.Stamp], was: _Kept) -> Records:
    """The records the kept state judged, kind by kind when used."""
    from ..records.repository import LazyRecords

    def source(folder: str, wanted: list[str]) -> dict[str, rc.Loaded]:
        return {p: was[p] for p in wanted}

    return LazyRecords(store, sorted(cached), [], source)


class _Before(Store):
    """The folder as its kept state saw it: unchanged files from the disk, each
    changed one as the ids its kept record names (its old bytes are gone)."""

    def __init__(self, store: Store, paths: list[str], changed: dict[str, bytes | None]) -> None:
        self.store, self.paths, self.changed = store, paths, changed
        self.known = set(paths)
        self.label = store.label

    def listing(self) -> tuple[list[str], list[Problem]]:
        return self.paths, []

    def read(self, path: str) -> bytes:
        if path in self.changed:
            data = self.changed[path]
            if data is None:
                raise FileNotFoundError(2, "not in the kept state", path)
            return data
        return self.store.read(path)

    def exists(self, path: str) -> bool:
        return path in self.known

    def prefetch(self, paths: Iterable[str]) -> None:
        return None

    def close(self) -> None:
        return None


def _old_bytes(was: _Kept, changed: list[str]) -> dict[str, bytes | None]:
    """For each changed path the state knew, text quoting every id its kept record
    names (what a scoped check searches old bytes for); None for a path it did not
    know. An org's parent is written as its own line (the scope reads parents so)."""
    out: dict[str, bytes | None] = {}
    for path in changed:
        if path not in was:
            out[path] = None
            continue
        record = was[path][0]
        lines = []
        if isinstance(record, m.Org) and record.parent:
            lines.append(f'parent = "{record.parent}"')
        if record is not None:
            lines += [f'named = "{name}"' for name in sorted(named_ids(record))]
        out[path] = "\n".join(lines).encode()
    return out


def _new_bytes(
    store: FolderStore, changed: list[str], current: set[str]
) -> dict[str, bytes | None]:
    out: dict[str, bytes | None] = {}
    for path in changed:
        if path not in current:
            out[path] = None
            continue
        try:
            out[path] = store.read(path)
        except OSError:
            out[path] = None  # gone since the listing: absent, as a new listing says
    return out


__all__ = ["State", "judge_folder"]
