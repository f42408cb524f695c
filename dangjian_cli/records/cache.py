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

Set ``DANGJIAN_CACHE=0`` to switch it off.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from ..problems import Problem
from . import model as m
from .repository import Records, assemble, build_record, gc_paused, load, parse_file
from .store import FolderStore, Store

#: repositories smaller than this are loaded directly
CACHE_FROM = 2000
#: with more changed files than this share, a full (parallel) load is quicker
REBUILD_SHARE = 0.2
#: 2: problems keep their message templates (said in the reader's language)
_FORMAT = 2
#: files modified this recently are not cached (timestamps have a coarse tick)
RACY_NS = 2_000_000_000
CHUNK = 5000

#: stat data (mtime, ctime, size, inode) in a work tree; (0, blob id) in git
Stamp = tuple[int, int, int, int] | tuple[int, str]
Entry = tuple[Stamp, m.Record | None, list[Problem]]


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


def _stamp(path: str) -> Stamp | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)


def _read(where: Path, fingerprint: str) -> dict[str, Entry]:
    entries: dict[str, Entry] = {}
    try:
        with open(where, "rb") as handle:
            if pickle.load(handle) != (_FORMAT, fingerprint):
                return {}
            while True:
                try:
                    chunk = pickle.load(handle)
                except EOFError:
                    break
                entries.update(chunk)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, ValueError):
        return {}
    return entries


def _write(where: Path, fingerprint: str, entries: dict[str, Entry]) -> None:
    """Replace the cache atomically; a cache that cannot be written is simply not kept.

    Files changed in the last ``RACY_NS`` are left out (as git treats "racily clean"
    files): a second change within the file system's timestamp tick could keep the
    same stamp. Entries are pickled in chunks so that the pickler's memo stays small.
    """
    recent = time.time_ns() - RACY_NS
    keep = [(p, e) for p, e in entries.items() if e[0][0] < recent]
    try:
        where.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=where.parent, prefix=".dangjian-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump((_FORMAT, fingerprint), handle)
                for start in range(0, len(keep), CHUNK):
                    chunk = dict(keep[start : start + CHUNK])
                    pickle.dump(chunk, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, where)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError:
        return


def _save(where: Path, fingerprint: str, entries: dict[str, Entry], behind: bool) -> None:
    """Write the cache now, or from a detached grandchild process (nothing to reap).

    Correctness never depends on the write: a reader that finds no cache, or the
    previous one, parses what it must; the file is replaced atomically.
    """
    if not behind or not hasattr(os, "fork"):
        _write(where, fingerprint, entries)
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
                _write(where, fingerprint, entries)
            finally:
                os._exit(0)
    finally:
        os._exit(0)


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
    root = store.root
    stamps = {p: _stamp(os.path.join(root, p)) for p in paths}
    return load_stamped(
        store, paths, refused, stamps, where or cache_file(root), write_behind=write_behind
    )


def load_stamped(
    store: Store,
    paths: list[str],
    refused: list[Problem],
    stamps: Mapping[str, Stamp | None],
    where: Path,
    prefetch: Callable[[list[str]], None] | None = None,
    write_behind: bool = False,
) -> Records:
    """Load ``paths``, taking each file whose stamp the cache holds from the cache.

    The stamp says a file is unchanged: stat data in a work tree, the blob id in a
    git commit or the index (``gitops.cache``). A file without a stamp (it went
    away while listing) is read and never cached. ``prefetch`` is told the files
    about to be read, so that a git store can ask for them in one batch.
    """
    fingerprint = _fingerprint()
    cached = _read(where, fingerprint)
    stale = [p for p in paths if stamps[p] is None or cached.get(p, (None,))[0] != stamps[p]]
    if len(stale) > REBUILD_SHARE * len(paths):
        records = load(store)
        _save(where, fingerprint, _entries(records, refused, stamps), write_behind)
        return records
    if prefetch is not None:
        prefetch(stale)
    fresh = set(paths).difference(stale)
    entries: dict[str, Entry] = {p: cached[p] for p in paths if p in fresh}
    for path in stale:
        entries[path] = (stamps[path] or (0, 0, 0, 0), *_load_one(store, path))  # type: ignore[assignment]
    by_path: dict[str, m.Record] = {}
    problems: list[Problem] = list(refused)
    for path in paths:
        _, record, found = entries[path]
        problems.extend(found)
        if record is not None:
            by_path[path] = record
    if stale or len(cached) != len(paths):
        kept = {p: e for p, e in entries.items() if stamps[p] is not None}
        _save(where, fingerprint, kept, write_behind)
    return assemble(store, paths, by_path, problems)


def _load_one(store: Store, path: str) -> tuple[m.Record | None, list[Problem]]:
    from .repository import _unreadable

    try:
        data = store.read(path)
    except OSError as exc:
        return None, [_unreadable(path, exc)]
    doc, problems = parse_file(path, data)
    if doc is None:
        return None, problems
    record, built = build_record(path, doc)
    return record, [*problems, *built]


def _entries(
    records: Records, refused: list[Problem], stamps: dict[str, Stamp | None]
) -> dict[str, Entry]:
    """Each file's record and its own problems, from a full load."""
    skip = {id(p) for p in refused}
    own: dict[str, list[Problem]] = {}
    for problem in records.problems:
        if id(problem) not in skip and problem.path in stamps:
            own.setdefault(problem.path, []).append(problem)
    out: dict[str, Entry] = {}
    for path, stamp in stamps.items():
        if stamp is not None:
            out[path] = (stamp, records.by_path.get(path), own.get(path, []))
    return out
