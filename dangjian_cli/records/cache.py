"""A per-file cache of loaded records for large work trees.

Parsing TOML is most of the cost of reading a large repository (about 0.2 ms a
file: 20 s of CPU for 100,000 files), and between two commands almost no file
changes. This cache keeps each file's typed record and load problems with the
file's stat stamp (mtime, ctime, size, inode); a file whose stamp is unchanged is
not read again. The cache is written only for repositories of ``CACHE_FROM`` files
or more (below that, parsing is quicker than the bookkeeping), and never inside
the records: in ``.git/dangjian-records.cache`` when the repository has a ``.git``
folder, else in the user's cache folder. It is keyed by the Python version and the
source of the modules that shape records, so a new release never reads an old cache.

The file is in sections, each read only when asked for: the stamps, the records
of each top folder (``members``, ``meetings``...), and extras that other modules
keep beside the records (the whole check of a plain folder, ``gitops.folder``).
A command that lists members reads the stamps and the members, not the 100,000
meetings; a section that did not change is copied into the next file as it is.

Set ``DANGJIAN_CACHE=0`` to switch it off.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import pickle
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from ..problems import Problem
from . import model as m
from .repository import (
    LazyRecords,
    Records,
    assemble,
    cores,
    gc_paused,
    load,
    load_file,
    load_paths,
)
from .store import FolderStore, Store

#: repositories smaller than this are loaded directly
CACHE_FROM = 2000
#: with more changed files than this share, a full (parallel) load is quicker
REBUILD_SHARE = 0.2
#: 3: in sections (stamps, records by folder, extras)
_FORMAT = 3
#: files modified this recently are stamped :data:`NEVER` (timestamps have a coarse tick)
RACY_NS = 2_000_000_000
CHUNK = 5000
#: a file's stale files are parsed in two processes from this many
PARALLEL_FROM = 2000

#: stat data (mtime, ctime, size, inode) in a work tree; (0, blob id) in git
Stamp = tuple[int, int, int, int] | tuple[int, str]
#: the stamp of a record kept though its file may change unseen (modified within
#: the timestamp tick): no file has it, so the file is always read again, while
#: the record stays at hand as the one an earlier whole check judged
NEVER: Stamp = (0, 0, 0, 0)
#: a file's record and its load problems
Loaded = tuple[m.Record | None, list[Problem]]
Entry = tuple[Stamp, m.Record | None, list[Problem]]

#: stamps are kept by top folder too: a command reading the members reads theirs
STAMPS = "stamps:"
_RECORDS = "records:"
_EXTRA = "extra:"
#: the extra naming the exact files a cache was written for (:func:`load_stamped`)
EXACT = "exact"


def enabled() -> bool:
    """Whether caches may be read and written (``DANGJIAN_CACHE=0``, ``--no-cache``: not)."""
    return os.environ.get("DANGJIAN_CACHE") != "0"


def code_fingerprint(salt: object, base: Path, names: Iterable[str]) -> str:
    """What a cache of some code's results must match to be read: that code (the
    files ``names`` under ``base``), the cache's format ``salt``, and Python."""
    digest = hashlib.sha256(f"{salt} {sys.version}".encode())
    for name in names:
        digest.update(name.encode())
        with contextlib.suppress(OSError):
            digest.update((base / name).read_bytes())
    return digest.hexdigest()


def _fingerprint() -> str:
    """The code that builds records, and the problems and messages they keep."""
    names = (
        "model.py",
        "schema.py",
        "fast.py",
        "parse.py",
        "repository.py",
        "layout.py",
        "cache.py",
        "../problems.py",
        "../i18n.py",
    )
    return code_fingerprint(_FORMAT, Path(__file__).resolve().parent, names)


def cache_file(root: Path) -> Path:
    """Where the cache of a work tree lives (never among the records themselves)."""
    git = root / ".git"
    if git.is_dir():
        return git / "dangjian-records.cache"
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "dangjian"
    name = hashlib.sha256(os.path.realpath(root).encode()).hexdigest()[:32]
    return base / f"{name}.records"


def stamp_of(path: str) -> Stamp | None:
    """A file's stat stamp (None: it is gone)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)


_stamp = stamp_of


def folder_of(path: str) -> str:
    """The section a record's path is kept in: its top folder."""
    return path.split("/", 1)[0]


# ---- the file ----------------------------------------------------------------------


class CacheFile:
    """A cache file, its sections read when asked for (an absent, foreign or
    damaged file reads as empty: a cache is only a cache)."""

    def __init__(self, where: Path, fingerprint: str | None = None) -> None:
        self.where = where
        self._handle: io.BufferedReader | None = None
        self._index: dict[str, tuple[int, int]] = {}
        self._base = 0
        self._values: dict[str, Any] = {}
        try:
            handle = open(where, "rb")  # noqa: SIM115 - kept open for later sections
        except OSError:
            return
        try:
            if pickle.load(handle) != (_FORMAT, fingerprint or _fingerprint()):
                raise ValueError("another format")
            index = pickle.load(handle)
            if not isinstance(index, dict):
                raise ValueError("no index")
            self._index, self._base, self._handle = index, handle.tell(), handle
        except Exception:
            handle.close()

    def __enter__(self) -> CacheFile:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def names(self) -> list[str]:
        return list(self._index)

    def raw(self, name: str) -> bytes | None:
        """A section's bytes as written (None: not in the file, or unreadable)."""
        where = self._index.get(name)
        if where is None or self._handle is None:
            return None
        try:  # positional: a forked writer shares this file's offset
            data = os.pread(self._handle.fileno(), where[1], self._base + where[0])
        except (OSError, ValueError):
            return None
        return data if len(data) == where[1] else None

    def section(self, name: str) -> Any:
        """A section's value (None: absent or unreadable); a section written in
        chunks of a dict reads as one dict."""
        if name in self._values:
            return self._values[name]
        data = self.raw(name)
        value = None
        if data is not None:
            try:
                value = _decode(data)
            except Exception:
                value = None
        self._values[name] = value
        return value

    def stamps(self, folders: Iterable[str] | None = None) -> dict[str, Stamp]:
        """The stamps kept, of every file or of those in the top ``folders``."""
        names = (
            [n for n in self._index if n.startswith(STAMPS)]
            if folders is None
            else [STAMPS + folder for folder in folders]
        )
        out: dict[str, Stamp] = {}
        for name in names:
            found = self.section(name)
            if isinstance(found, dict):
                out.update(found)
        return out

    def folders(self) -> list[str]:
        return [n[len(_RECORDS) :] for n in self._index if n.startswith(_RECORDS)]

    def records(self, folder: str) -> dict[str, Loaded]:
        """The records kept of one top folder, by path ({} if none or unreadable)."""
        found = self.section(_RECORDS + folder)
        return found if isinstance(found, dict) else {}

    def extra(self, name: str) -> Any:
        return self.section(_EXTRA + name)


def _decode(data: bytes) -> Any:
    buf = io.BytesIO(data)
    first = pickle.load(buf)
    if buf.tell() == len(data):
        return first
    out = dict(first)  # chunks of one dict
    while buf.tell() < len(data):
        out.update(pickle.load(buf))
    return out


def encode(value: Any) -> bytes:
    """A section's bytes; a large dict in chunks, so that the pickler's memo stays small."""
    if isinstance(value, dict) and len(value) > CHUNK:
        items = list(value.items())
        return b"".join(
            pickle.dumps(dict(items[i : i + CHUNK]), protocol=pickle.HIGHEST_PROTOCOL)
            for i in range(0, len(items), CHUNK)
        )
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def record_sections(entries: Mapping[str, Loaded]) -> dict[str, bytes]:
    """Records by top folder, encoded (paths in order within each)."""
    by_folder: dict[str, dict[str, Loaded]] = {}
    for path in sorted(entries):
        by_folder.setdefault(folder_of(path), {})[path] = entries[path]
    return {_RECORDS + folder: encode(found) for folder, found in by_folder.items()}


def extra_section(name: str, value: Any) -> dict[str, bytes]:
    return {_EXTRA + name: encode(value)}


def write(
    where: Path, fingerprint: str, stamps: Mapping[str, Stamp], parts: dict[str, bytes]
) -> None:
    """Replace the cache atomically with ``stamps`` and the encoded sections
    ``parts``; a cache that cannot be written is simply not kept.

    A stamp from the last ``RACY_NS`` becomes :data:`NEVER` (as git treats "racily
    clean" files): a second change within the file system's timestamp tick could
    keep the same stamp, so such a file is read again next time.
    """
    recent = time.time_ns() - RACY_NS
    by_folder: dict[str, dict[str, Stamp]] = {}
    for path in sorted(stamps):
        stamp = stamps[path]
        by_folder.setdefault(folder_of(path), {})[path] = NEVER if stamp[0] >= recent else stamp
    sections = {STAMPS + folder: encode(found) for folder, found in by_folder.items()}
    sections.update(parts)
    index: dict[str, tuple[int, int]] = {}
    offset = 0
    for name, data in sections.items():
        index[name] = (offset, len(data))
        offset += len(data)
    try:
        where.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=where.parent, prefix=".dangjian-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump((_FORMAT, fingerprint), handle)
                pickle.dump(index, handle, protocol=pickle.HIGHEST_PROTOCOL)
                for data in sections.values():
                    handle.write(data)
            os.replace(tmp, where)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError:
        return


def behind(job: Callable[[], None], now: bool = False) -> None:
    """Run ``job`` (a cache write) in a detached grandchild process (nothing to
    reap, the caller goes on), or at once with ``now`` or where there is no fork.

    Correctness never depends on the write: a reader that finds no cache, or the
    previous one, parses what it must; files are replaced atomically.
    """
    if now or not hasattr(os, "fork"):
        job()
        return
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid:
        os.waitpid(pid, 0)  # the child only forks the writer and leaves at once
        return
    try:
        if os.fork() == 0:
            try:
                os.setsid()
                job()
            finally:
                os._exit(0)
    finally:
        os._exit(0)


def _read(where: Path, fingerprint: str) -> dict[str, Entry]:
    """Every entry of the cache whose stamp a file can match (for tests and tools)."""
    with CacheFile(where, fingerprint) as found:
        stamps = found.stamps()
        out: dict[str, Entry] = {}
        for folder in found.folders():
            for path, (record, problems) in found.records(folder).items():
                stamp = stamps.get(path)
                if stamp is not None and stamp != NEVER:
                    out[path] = (stamp, record, problems)
    return out


def save(
    where: Path,
    fingerprint: str,
    stamps: Mapping[str, Stamp],
    entries: Mapping[str, Loaded],
    old: CacheFile | None = None,
    extras: Mapping[str, Any] | None = None,
    write_behind: bool = False,
) -> None:
    """Write the cache: ``stamps`` for every path kept, ``entries`` the records that
    are new or changed; every other path's record is copied from ``old`` (whole
    sections as they are where nothing in them changed). Extras of ``old`` are
    dropped (they describe its records) unless given again."""

    def job() -> None:
        # ``old`` as it was read (its open file, even if another run replaced it since)
        parts = _sections(stamps, entries, old)
        for name, value in (extras or {}).items():
            parts.update(extra_section(name, value))
        write(where, fingerprint, stamps, parts)

    behind(job, now=not write_behind)


def _sections(
    stamps: Mapping[str, Stamp], entries: Mapping[str, Loaded], old: CacheFile | None
) -> dict[str, bytes]:
    wanted: dict[str, list[str]] = {}
    for path in stamps:
        wanted.setdefault(folder_of(path), []).append(path)
    parts: dict[str, bytes] = {}
    for folder, paths in sorted(wanted.items()):
        same = old is not None and not any(p in entries for p in paths)
        if same:
            old_paths = old.stamps([folder])  # type: ignore[union-attr]
            if sorted(old_paths) == sorted(paths):
                raw = old.raw(_RECORDS + folder)  # type: ignore[union-attr]
                if raw is not None:
                    parts[_RECORDS + folder] = raw
                    continue
        kept = old.records(folder) if old is not None else {}
        found: dict[str, Loaded] = {}
        for path in paths:
            if path in entries:
                found[path] = entries[path]
            elif path in kept:
                found[path] = kept[path]
        parts.update(record_sections(found))
    return parts


# ---- loading -----------------------------------------------------------------------


def load_cached(
    store: Store,
    where: Path | None = None,
    threshold: int = CACHE_FROM,
    write_behind: bool = False,
) -> Records:
    """Like :func:`repository.load`, reusing unchanged files' records from the cache.

    With ``write_behind`` the cache is written by a detached process while the
    caller goes on (a command's first run on a large repository need not wait for
    it); otherwise before returning.
    """
    with gc_paused():
        return _load_cached(store, where, threshold, write_behind)


def _load_cached(store: Store, where: Path | None, threshold: int, write_behind: bool) -> Records:
    if not isinstance(store, FolderStore) or not enabled():
        return load(store)
    paths, refused = store.listing()
    if len(paths) < threshold:
        return load(store)
    stamps = folder_stamps(store, paths)
    return load_stamped(
        store, paths, refused, stamps, where or cache_file(store.root), write_behind=write_behind
    )


def folder_stamps(store: FolderStore, paths: list[str]) -> dict[str, Stamp | None]:
    """Each path's stamp (None: gone), each file looked up from the folder's open
    descriptor: no full path to join and walk down for each of 150,000 files (a
    warm run of a county is mostly these calls)."""
    root = str(store.root)
    if os.stat not in os.supports_dir_fd:  # pragma: no cover - not on Linux
        join = os.path.join
        return {p: stamp_of(join(root, p)) for p in paths}
    stat = os.stat
    out: dict[str, Stamp | None] = {}
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for path in paths:
            try:
                st = stat(path, dir_fd=fd)
            except OSError:
                out[path] = None
                continue
            out[path] = (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)
    finally:
        os.close(fd)
    return out


def load_stamped(
    store: Store,
    paths: list[str],
    refused: list[Problem],
    stamps: Mapping[str, Stamp | None],
    where: Path,
    prefetch: Callable[[list[str]], None] | None = None,
    write_behind: bool = False,
    save_cache: bool = True,
    exact: str | None = None,
) -> Records:
    """Load ``paths``, taking each file whose stamp the cache holds from the cache.

    The stamp says a file is unchanged: stat data in a work tree, the blob id in a
    git commit or the index (``gitops.cache``). A file without a stamp (it went
    away while listing) is read and never cached. ``prefetch`` is told the files
    about to be read, so that a git store can ask for them in one batch. Without
    ``save_cache`` the caller writes the cache itself (with an extra section).

    ``exact`` names the paths and their stamps as one digest (:func:`digest`), for
    stamps that change with every change of the file (blob ids): a cache written
    for the same digest holds those files and no others, unchanged, and its
    stamps are not read (a county's 160,000 of them: a fifth of a second).
    """
    fingerprint = _fingerprint()
    with CacheFile(where, fingerprint) as old:
        same = exact is not None and old.extra(EXACT) == exact
        cached = {} if same else old.stamps()
        stale = (
            [] if same else [p for p in paths if stamps[p] is None or cached.get(p) != stamps[p]]
        )
        if len(stale) > REBUILD_SHARE * len(paths):
            records = load(store)
            if save_cache:
                kept = {p: s for p, s in stamps.items() if s is not None}
                entries = own_entries(records, refused, kept)
                save(
                    where,
                    fingerprint,
                    kept,
                    entries,
                    None,
                    _exact(exact, kept, paths),
                    write_behind,
                )
            return records
        if prefetch is not None:
            prefetch(stale)
        entries: dict[str, Loaded] = {}
        for folder in sorted({folder_of(p) for p in paths}):
            entries.update(old.records(folder))
        missing = [p for p in paths if p not in entries and p not in stale]
        stale += missing  # stamped in the cache, but its section did not read
        new = dict(load_many(store, stale))
        entries.update(new)
        by_path: dict[str, m.Record] = {}
        problems: list[Problem] = list(refused)
        for path in paths:
            record, found = entries[path]
            problems.extend(found)
            if record is not None:
                by_path[path] = record
        if save_cache and not same and (stale or len(cached) != len(paths) or exact):
            kept = {p: s for p, s in stamps.items() if s is not None}
            save(where, fingerprint, kept, new, old, _exact(exact, kept, paths), write_behind)
    return assemble(store, paths, by_path, problems)


def _exact(exact: str | None, kept: Mapping[str, Stamp], paths: list[str]) -> dict[str, Any] | None:
    """The extra naming the files a cache is written for, where each has its stamp."""
    return {EXACT: exact} if exact is not None and len(kept) == len(paths) else None


def digest(paths: Iterable[str], stamps: Mapping[str, Stamp | None]) -> str:
    """One name for a list of files and their stamps (see :func:`load_stamped`)."""
    text = "\0".join(f"{p}\0{stamps[p]!r}" for p in paths)
    return hashlib.blake2b(text.encode("utf-8", "surrogateescape"), digest_size=20).hexdigest()


def load_many(store: Store, paths: list[str]) -> list[tuple[str, Loaded]]:
    """Each path's record and load problems: in two processes when there are many."""
    if len(paths) >= PARALLEL_FROM and cores() > 1:
        return [
            (path, (record, found)) for path, record, found, _ in load_paths(store, paths, cores())
        ]
    return [(path, _load_one(store, path)) for path in paths]


def _load_one(store: Store, path: str) -> Loaded:
    from .repository import _unreadable

    try:
        data = store.read(path)
    except OSError as exc:
        return None, [_unreadable(path, exc)]
    return load_file(path, data)


def own_entries(
    records: Records, refused: list[Problem], paths: Iterable[str]
) -> dict[str, Loaded]:
    """Each file's record and its own problems, from a full load."""
    paths = set(paths)
    skip = {id(p) for p in refused}
    own: dict[str, list[Problem]] = {}
    for problem in records.problems:
        if id(problem) not in skip and problem.path in paths:
            own.setdefault(problem.path, []).append(problem)
    return {p: (records.by_path.get(p), own.get(p, [])) for p in paths}


def lazy_stamped(
    store: Store,
    paths: list[str],
    refused: list[Problem],
    stamps: Mapping[str, Stamp | None],
    where: Path,
    read_stale: Callable[[list[str]], list[tuple[str, Loaded]]] | None = None,
) -> LazyRecords:
    """The records of ``paths``, each top folder read from the cache when a command
    first asks for its records (``records.members`` reads the members section
    only); files whose stamp the cache does not hold are parsed then (through
    ``read_stale`` if given). Nothing is written."""
    old = CacheFile(where, _fingerprint())
    load_stale = read_stale or (lambda todo: load_many(store, todo))

    def source(folder: str, wanted: list[str]) -> dict[str, Loaded]:
        cached = old.stamps([folder])
        kept = old.records(folder)
        out = {
            p: kept[p]
            for p in wanted
            if p in kept and stamps[p] is not None and cached.get(p) == stamps[p]
        }
        todo = [p for p in wanted if p not in out]
        out.update(load_stale(todo))
        return out

    return LazyRecords(store, paths, refused, source)


def _fresh(stamp: Stamp | None, cached: Stamp | None) -> bool:
    return stamp is not None and stamp == cached
