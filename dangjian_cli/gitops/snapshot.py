"""Validation results of whole git trees, kept so that checking a change costs the
size of the change, not of the repository.

A county's records take seconds to load and check, but between two runs of
``validate`` (or two commits) only a few files differ. A *snapshot* keeps, for
one tree of the records folder, what a full check found (on one day: a few
checks depend on the date), its listing with blob ids, and an index of which
files name which ids. The work tree, the index or another commit is then judged
as the snapshot of HEAD's tree plus the difference ``review`` finds on the few
changed files (:func:`sides.scoped_sides`): both sides are checked on the
records the change can affect, and what changed between them is applied to the
stored problems, path by path. A snapshot of a new tree (after a commit) is made
the same way from the last one, and stored.

Snapshots live in ``.git/dangjian-snapshots/`` (one file per tree, the newest few
kept), are written atomically, and are keyed by the source of the whole package
and the Python version: a new release, or new checks, never read an old one.
``DANGJIAN_CACHE=0`` (``--no-cache``) bypasses them.

A snapshot also keeps the answers to the obligation questions commands asked of
its tree (:mod:`.queries`), changed with the tree as its problems are, and each
read from the file only when asked; and the records of its tree are read from the
blob cache folder by folder as a command uses them (:meth:`Judged.records`). On a
new day the newest snapshot is not checked again whole: only the checks that
judge on the day of the check (``checks.dated_codes``) run again.

A snapshot names git objects, so one is stored only for trees that are in the
repository for good: never while a push is in quarantine (its objects vanish if
it is refused). The pre-receive hook leaves the accepted tip's snapshot pending
(``.pending/``), and the post-receive hook keeps it once the push is in. A
snapshot whose objects are gone all the same is passed over for a whole check.
"""

from __future__ import annotations

import copy
import os
import pickle
import tempfile
import time
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import BinaryIO, TypeVar

from ..problems import Problem
from ..records import layout
from ..records import model as m
from ..records.cache import CACHE_FROM, code_fingerprint
from ..records.cache import enabled as cache_enabled
from ..records.mentions import named_ids
from ..records.repository import LazyRecords, Records, assemble
from ..records.store import FolderStore, OverlayStore, Store
from ..rules.engine import Obligation, obligation_order
from .changes import Change
from .queries import Query, answer
from .queries import findings as findings_query
from .run import CatFile, GitError, RepoInfo, git, nul_fields
from .views import state_of

FOLDER = "dangjian-snapshots"
#: snapshots kept per repository (the newest by use)
KEEP = 4
#: repositories smaller than this are simply checked whole
SNAPSHOT_FROM = CACHE_FROM
#: the work tree or index is judged from a snapshot when at most this share differs
CHANGED_SHARE = 0.05
#: files indexed by path, not by what they name: a scoped check loads them all
_ALWAYS_LOADED = ("orgs/", "notices/")
#: 2: problems keep their message templates (said in the reader's language)
#: 3: questions kept beside the snapshot, read when asked
_FORMAT = 3
WORK_TREE = "work tree"
INDEX = "index"
#: obligation questions kept per snapshot (a clerk asks about a few dates a day)
WINDOWS = 6
#: snapshots of pushes waiting for the post-receive hook to keep them
PENDING = ".pending"
#: a pending snapshot this old belongs to a push that never completed
PENDING_SECONDS = 3600

T = TypeVar("T")

#: (as-of day, since day or None) in ISO: the window of ``overdue`` and ``due``
Window = tuple[str, str | None]


@dataclass(frozen=True)
class _Kept:
    """Where a question's answer lies in the snapshot's file (read when asked)."""

    offset: int
    length: int


@dataclass
class Snapshot:
    tree: str
    #: the tree's record files and their blob ids (its listing)
    blobs: dict[str, str]
    #: id -> the files (outside orgs/ and notices/) naming it, as numbers into
    #: ``numbering`` (an ``array("I")``'s bytes: a county's index stays small)
    words: dict[str, bytes]
    numbering: list[str]
    #: the ISO day the problems were judged on
    day: str
    problems: list[Problem]
    #: orgs, notices and settings as loaded (record, load problems): every scoped
    #: check reads them all, and they name the orgs a command is asked about
    kept: dict[str, tuple[m.Record | None, list[Problem]]]
    #: the answers to the questions asked of this tree (all orgs, every rule on),
    #: by question: in memory, or where they lie in the stored file
    obligations: dict[Query, list[Obligation] | _Kept]
    #: the stored file the kept answers are read from (never pickled)
    source: _Source | None = None
    #: a snapshot made by applying a change: both sides as the scoped check loaded
    #: them, so that another question can be answered the same way (never pickled)
    scoped: tuple[Records, Records] | None = None

    def answer(self, query: Query) -> list[Obligation] | None:
        """The kept answer to ``query`` (None: not kept, or it did not read)."""
        found = self.obligations.get(query)
        if isinstance(found, _Kept):
            data = self.source.read(found) if self.source is not None else None
            try:
                found = pickle.loads(data) if data is not None else None
            except Exception:  # a damaged cache is only a cache
                found = None
            if isinstance(found, list):
                self.obligations[query] = found
            else:
                del self.obligations[query]
        return found if isinstance(found, list) else None

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        state["source"] = state["scoped"] = None
        return state


class _Source:
    """The open file of a stored snapshot, for its answers read when asked."""

    def __init__(self, handle: BinaryIO, base: int) -> None:
        self.handle, self.base = handle, base

    def read(self, kept: _Kept) -> bytes | None:
        try:
            data = os.pread(self.handle.fileno(), kept.length, self.base + kept.offset)
        except (OSError, ValueError):
            return None
        return data if len(data) == kept.length else None


@dataclass
class Judged:
    """A side as the snapshots see it."""

    problems: list[Problem]
    files: int
    root: Path | str
    kept: dict[str, tuple[m.Record | None, list[Problem]]]
    #: every finding (due or overdue) in the window asked for
    obligations: list[Obligation] | None = None
    #: the answers to the questions asked (:mod:`.queries`), whole repository
    answers: dict[Query, list[Obligation]] = field(default_factory=dict)
    #: how the side's records are read (:meth:`records`)
    reader: Callable[[], Records] | None = None
    #: how a question not asked beforehand is answered (:meth:`answer`)
    asker: Callable[[Query], list[Obligation]] | None = None
    #: a digest naming exactly the side's records (:func:`.views.state_of`), and
    #: the folder where output computed from them is kept (:mod:`.views`); None
    #: where no snapshot describes the side
    state: str | None = None
    views: Path | None = None

    def figures(self, question: tuple[str, ...], work: Callable[[], T]) -> T:
        """``work()``'s figures for ``question`` (the command and the arguments they
        depend on) on this side, kept by the side's exact state (:mod:`.views`):
        worked out once per state, whatever the output is made of them."""
        if self.state is None or self.views is None:
            return work()
        from . import views

        return views.kept_value(self.views, views.key(self.state, ("figures", *question)), work)

    def answer(self, query: Query) -> list[Obligation]:
        """The whole side's answer to ``query`` (:mod:`.queries`): kept with the
        snapshot, answered on its tree once otherwise, the change applied."""
        if query not in self.answers:
            if self.asker is None:
                raise ValueError("no answers for this side")
            self.answers[query] = self.asker(query)
        return self.answers[query]

    @cached_property
    def directory(self) -> Records:
        """The side's settings and orgs (and notices): enough to name orgs and read
        rules (built when asked: ``validate`` never needs them)."""
        loaded = {p: rec for p, (rec, _) in self.kept.items() if rec is not None}
        return assemble(FolderStore(self.root), list(self.kept), loaded, [])

    @cached_property
    def records(self) -> Records:
        """The side's records, the same a whole load gives, each top folder read
        from the records cache when first used (their load problems are among
        :attr:`problems`, not in ``records.problems``)."""
        if self.reader is None:
            raise ValueError("no records for this side")
        return self.reader()


# ---- storage ------------------------------------------------------------------------


_PRINT: str | None = None


def fingerprint() -> str:
    """The whole package's source: results of other code are never reused."""
    global _PRINT
    if _PRINT is None:
        package = Path(__file__).resolve().parent.parent
        names = sorted(
            str(p.relative_to(package))
            for p in package.rglob("*")
            if p.suffix in (".py", ".toml") and "__pycache__" not in p.parts
        )
        _PRINT = code_fingerprint(_FORMAT, package, names)
    return _PRINT


def _folder(info: RepoInfo) -> Path:
    return info.git_dir / FOLDER


def read(info: RepoInfo, tree: str) -> Snapshot | None:
    """The stored snapshot of ``tree``, or None (absent, unreadable, other code)."""
    where = _folder(info) / tree
    try:
        handle = open(where, "rb")  # noqa: SIM115 - kept open: answers are read when asked
    except OSError:
        return None
    try:
        if pickle.load(handle) != fingerprint():
            raise ValueError("other code")
        snap = pickle.load(handle)
        if not isinstance(snap, Snapshot) or snap.tree != tree:
            raise ValueError("not this tree's")
        snap.source = _Source(handle, handle.tell())
        os.utime(where)  # newest by use: pruning keeps what is read
    except Exception:  # a damaged cache is only a cache: build anew
        handle.close()
        return None
    return snap


def in_quarantine() -> bool:
    """Whether this runs inside a pre-receive hook whose pushed objects are still
    in quarantine (git sets ``GIT_QUARANTINE_PATH``): they vanish if the push is
    refused, so nothing naming them may be stored."""
    return bool(os.environ.get("GIT_QUARANTINE_PATH"))


#: a snapshot of this many files is written by a detached process (a county's is
#: 20 MB: the command that made it need not wait for the disk)
BEHIND_FROM = 20_000


def write(info: RepoInfo, snap: Snapshot) -> None:
    """Store atomically and keep the newest :data:`KEEP`; a failed write keeps
    nothing, and nothing is stored from quarantine. A large snapshot is written by
    a detached process (a run that finds it not yet written only does more work)."""
    if in_quarantine():
        return

    def job() -> None:
        try:
            _dump(_folder(info), snap)
            _prune(info)
        except OSError:
            return

    from ..records.cache import behind

    behind(job, now=len(snap.blobs) < BEHIND_FROM)


def _dump(folder: Path, snap: Snapshot) -> None:
    """The fingerprint, the snapshot with where each answer lies, then the answers
    (a kept answer not read meanwhile is copied as it was written)."""
    parts: list[bytes] = []
    where: dict[Query, list[Obligation] | _Kept] = {}
    offset = 0
    for query, found in snap.obligations.items():
        data = None
        if isinstance(found, _Kept):
            data = snap.source.read(found) if snap.source is not None else None
        else:
            data = pickle.dumps(found, protocol=pickle.HIGHEST_PROTOCOL)
        if data is None:
            continue
        where[query] = _Kept(offset, len(data))
        parts.append(data)
        offset += len(data)
    stored = copy.copy(snap)
    stored.obligations, stored.source = where, None
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(fingerprint(), handle)
            pickle.dump(stored, handle, protocol=pickle.HIGHEST_PROTOCOL)
            for data in parts:
                handle.write(data)
        os.replace(tmp, folder / snap.tree)
    except BaseException:
        os.unlink(tmp)
        raise


def _prune(info: RepoInfo) -> None:
    for old in _stored(info)[KEEP:]:
        old.unlink(missing_ok=True)


def stage(info: RepoInfo, snap: Snapshot) -> None:
    """Leave a pushed tip's snapshot pending, for :func:`promote` once the push is in
    (the newest :data:`KEEP` pending are kept: without a post-receive hook nothing
    promotes them)."""
    sweep_pending(info)
    try:
        _dump(_folder(info) / PENDING, snap)
        pending = sorted(
            (_folder(info) / PENDING).iterdir(), key=lambda p: p.stat().st_mtime_ns, reverse=True
        )
        for old in pending[KEEP:]:
            old.unlink(missing_ok=True)
    except OSError:
        return


def promote(info: RepoInfo, commit: str) -> int:
    """Keep the pending snapshot of ``commit``'s tree, now that the push that brought
    it was accepted and its objects are in the repository (checked). Returns 1 if
    one was kept, else 0."""
    if in_quarantine():
        return 0
    found = _commit_tree(info, commit)
    if found is None:
        return 0
    tree = found[1]
    pending = _folder(info) / PENDING / tree
    if not pending.is_file():
        return 0
    present = git(info.root, "rev-parse", "-q", "--verify", f"{tree}^{{tree}}", check=False)
    try:
        if present.decode().strip() != tree:
            pending.unlink()
            return 0
        target = _folder(info) / tree
        os.replace(pending, target)
        os.utime(target)  # the newest: the next push starts from it
        _prune(info)
    except OSError:
        return 0
    return 1


def sweep_pending(info: RepoInfo, age: float = PENDING_SECONDS) -> None:
    """Drop pending snapshots of pushes that never completed (refused after the
    pre-receive hook, or interrupted)."""
    now = time.time()
    try:
        for path in (_folder(info) / PENDING).iterdir():
            if now - path.stat().st_mtime > age:
                path.unlink(missing_ok=True)
    except OSError:
        return


def _stored(info: RepoInfo) -> list[Path]:
    """Stored snapshots, newest first."""
    try:
        found = [p for p in _folder(info).iterdir() if not p.name.startswith(".")]
        return sorted(found, key=lambda p: p.stat().st_mtime_ns, reverse=True)
    except OSError:
        return []


# ---- building -----------------------------------------------------------------------


def index_words(records: Records) -> tuple[dict[str, bytes], list[str]]:
    """Which files name each id (files always loaded whole are left out)."""
    found: dict[str, array[int]] = defaultdict(lambda: array("I"))
    numbering: list[str] = []
    for path, record in records.by_path.items():
        if path.startswith(_ALWAYS_LOADED):
            continue
        number = len(numbering)
        numbering.append(path)
        for word in named_ids(record):
            found[word].append(number)
    return {w: a.tobytes() for w, a in found.items()}, numbering


def build(
    info: RepoInfo, commit: str, tree: str, day: date, queries: Iterable[Query] = ()
) -> Snapshot:
    """A snapshot from a whole check of ``commit`` (its unchanged blobs from the cache)."""
    from ..checks import validate
    from .cache import load_blobs_cached
    from .store import GitStore

    store = GitStore(info.root, commit)
    try:
        records = load_blobs_cached(store, write_behind=True)
        problems = validate(records, day)
    finally:
        store.close()
    words, numbering = index_words(records)
    return Snapshot(
        tree,
        dict(store.blobs()),
        words,
        numbering,
        day.isoformat(),
        problems,
        _kept(records),
        {q: answer(records, q) for q in queries},
    )


def _always_loaded(path: str) -> bool:
    return path.startswith(_ALWAYS_LOADED) or path == layout.SETTINGS_FILE


def _kept(records: Records) -> dict[str, tuple[m.Record | None, list[Problem]]]:
    own: dict[str, list[Problem]] = defaultdict(list)
    for problem in records.problems:
        if _always_loaded(problem.path):
            own[problem.path].append(problem)
    return {p: (records.by_path.get(p), own.get(p, [])) for p in records.paths if _always_loaded(p)}


def tree_records(
    info: RepoInfo, tree: str, blobs: dict[str, str], change: Change | None = None
) -> LazyRecords:
    """The records of a tree (with ``change`` applied), each top folder read from the
    blob cache when first used; files the cache does not hold (changed ones) are
    parsed then. Load problems are the snapshot's, not these records'."""
    from ..records.cache import lazy_stamped, load_many
    from .cache import FILE
    from .store import TreeStore

    base = TreeStore(info, tree, blobs)
    store: Store = OverlayStore(base, change.after) if change else base
    changed = change.after if change else {}
    paths = store.listing()[0]
    stamps = {p: (0, blobs[p]) if p in blobs and p not in changed else None for p in paths}

    def read_stale(todo: list[str]) -> list[tuple[str, tuple[m.Record | None, list[Problem]]]]:
        base.prefetch(p for p in todo if p not in changed)
        return load_many(store, todo)

    return lazy_stamped(store, paths, [], stamps, info.git_dir / FILE, read_stale)


def _add_query(info: RepoInfo, snap: Snapshot, query: Query) -> None:
    """Answer a question on the whole tree (its records from the blob cache)."""
    snap.obligations[query] = answer(tree_records(info, snap.tree, snap.blobs), query)
    for old in list(snap.obligations)[:-WINDOWS]:
        if old != query:
            del snap.obligations[old]


def new_day(info: RepoInfo, snap: Snapshot, day: date) -> Snapshot:
    """The snapshot judged on ``day``: only the dated checks run again (on the
    tree's records from the blob cache), their problems replacing the old day's.
    The kept answers stay: each names its own day."""
    records = tree_records(info, snap.tree, snap.blobs)
    try:
        snap.problems = redate(snap.problems, records, day)
    finally:
        close = getattr(records.store, "close", None)
        if close is not None:
            close()
    snap.day = day.isoformat()
    return snap


def redate(problems: list[Problem], records: Records, day: date) -> list[Problem]:
    """A whole check's ``problems`` of another day made ``day``'s: the dated checks'
    problems replaced by what they find on ``day`` (see ``checks.dated_codes``)."""
    from ..checks import dated_codes, validate

    codes = dated_codes()
    dated = validate(records, day, dated_only=True)
    return sorted([p for p in problems if p.code not in codes] + dated, key=Problem.sort_key)


# ---- applying a change ----------------------------------------------------------------


def stored_snapshot(info: RepoInfo, commit: str) -> Snapshot | None:
    """The stored snapshot of a commit's records tree, if any (none is built: its
    listing and index serve whatever the day)."""
    if not cache_enabled():
        return None
    found = _commit_tree(info, commit)
    return read(info, found[1]) if found else None


class WordSearch:
    """The files naming some ids, from a snapshot's index (what ``Grep`` finds by search)."""

    def __init__(self, snap: Snapshot, words: Iterable[str]) -> None:
        self.snap, self.words = snap, set(words)

    def result(self) -> set[str]:
        return self.naming(self.words)

    def naming(self, ids: Iterable[str]) -> set[str]:
        """The files naming any of ``ids``, by the index."""
        numbers = array("I")
        for word in ids:
            numbers.frombytes(self.snap.words.get(word, b""))
        numbering = self.snap.numbering
        return {numbering[i] for i in numbers}

    def close(self) -> None:
        return None


def apply(
    info: RepoInfo, snap: Snapshot, day: date, change: Change, queries: Iterable[Query]
) -> Snapshot | None:
    """The snapshot of the snapshot's tree with ``change`` applied (its problems, and
    the answers to ``queries``), or None when a scoped check cannot judge it (the
    settings changed, or too much did)."""
    from .store import TreeStore

    store = TreeStore(info, snap.tree, snap.blobs)
    try:
        return apply_on(store, snap, day, change, queries)
    finally:
        store.close()


def apply_on(
    store: Store,
    snap: Snapshot,
    day: date,
    change: Change,
    queries: Iterable[Query],
    parsed: Mapping[str, tuple[m.Record | None, list[Problem]]] | None = None,
) -> Snapshot | None:
    """:func:`apply` with the unchanged side's files read from ``store`` (a git tree;
    a plain folder as it was, ``gitops.folder``): both sides are checked on the
    records the change can affect, and the difference applied. ``parsed``: records
    of the unchanged side already at hand (default: the snapshot's orgs, notices
    and settings)."""
    from ..checks import validate
    from .scope import needs_whole, touched
    from .sides import scoped_sides

    if needs_whole(change.after):
        return None  # every rule may read the settings; a training, any org's members
    direct = touched(change.after, change.before, change.after, layout.org_ids(snap.blobs))
    listing = store.listing()[0]
    search = WordSearch(snap, direct.words)
    known = parsed if parsed is not None else snap.kept
    sides = scoped_sides(store, listing, change.after, change.before, direct, search, known)  # type: ignore[arg-type]
    if sides is None:
        return None
    base, head = sides[0].assemble(), sides[1].assemble()
    problems = merge(
        snap.problems,
        validate(base, day, locate=False),
        validate(head, day, locate=False),
        change.after.keys(),
        head,
    )
    obligations: dict[Query, list[Obligation] | _Kept] = {}
    for query in queries:
        kept = snap.answer(query)
        if kept is None:
            return None  # not kept after all (damaged): the caller judges whole
        obligations[query] = merge_obligations(kept, answer(base, query), answer(head, query))
    blobs = dict(snap.blobs)
    kept_records = dict(snap.kept)
    for path, data in change.after.items():
        kept_records.pop(path, None)
        if data is None:
            blobs.pop(path, None)
        elif layout.is_candidate(path):
            blobs[path] = change.blobs.get(path, "")
            if _always_loaded(path):
                kept_records[path] = (sides[1].records.get(path), sides[1].problems.get(path, []))
    words, numbering = _reindex(snap, base, head, change.after.keys())
    out = Snapshot(
        "", blobs, words, numbering, day.isoformat(), problems, kept_records, obligations
    )
    out.scoped = (base, head)
    return out


def merge_obligations(
    old: list[Obligation], before: list[Obligation], after: list[Obligation]
) -> list[Obligation]:
    """``old`` (a whole evaluation) with what a change did: obligations the scoped
    evaluation of the base side found and the head side did not are taken away,
    those only the head side found are added (compared by every field)."""
    kept, added = _delta(old, before, after, _fields)
    out = kept + added
    out.sort(key=obligation_order)
    return out


def _delta(
    old: list[T], before: list[T], after: list[T], key: Callable[[T], Hashable]
) -> tuple[list[T], list[T]]:
    """What stays of ``old`` and what is new, when a change turned ``before`` into
    ``after``: counted by ``key``, as the same item may occur twice."""
    gone = Counter(map(key, before))
    gone.subtract(map(key, after))
    new = Counter(map(key, after))
    new.subtract(map(key, before))
    kept: list[T] = []
    for item in old:
        k = key(item)
        if gone[k] > 0:
            gone[k] -= 1
        else:
            kept.append(item)
    added: list[T] = []
    for item in after:
        k = key(item)
        if new[k] > 0:
            new[k] -= 1
            added.append(item)
    return kept, added


def _fields(ob: Obligation) -> tuple[object, ...]:
    return tuple(ob.as_dict().values())


def merge(
    old: list[Problem],
    before: list[Problem],
    after: list[Problem],
    changed: Iterable[str],
    head: Records,
) -> list[Problem]:
    """``old`` (a whole check) with what a change did: per path, the problems the
    scoped check of the base side found and the head side did not are taken away,
    and those only the head side found are added (counted by identity: the same
    problem may be reported twice). Problems of changed files are re-located."""
    changed = set(changed)
    by_path, b_by, a_by = _by_path(old), _by_path(before), _by_path(after)
    out: list[Problem] = []
    relocate: list[Problem] = []
    for path in set(by_path) | set(b_by) | set(a_by) | changed:
        kept, fresh = by_path.get(path, []), a_by.get(path, [])
        stay, added = _delta(kept, b_by.get(path, []), fresh, Problem.identity)
        if path in changed:
            # a changed file's lines are the head side's: take its reports where it has them
            taken = {id(p) for p in added}
            spare: dict[tuple[str, ...], list[Problem]] = defaultdict(list)
            for p in fresh:
                if id(p) not in taken:
                    spare[p.identity()].append(p)
            located: list[Problem] = []
            for p in stay:
                if spare[p.identity()]:
                    located.append(spare[p.identity()].pop(0))
                else:  # reported by the whole check only: its old line may have moved
                    p.line = p.column = None
                    located.append(p)
            stay = located
        out.extend(stay)
        out.extend(added)
        relocate.extend(p for p in (*stay, *added) if p.line is None)
    head.locate(relocate)
    out.sort(key=Problem.sort_key)
    return out


def _by_path(problems: Iterable[Problem]) -> dict[str, list[Problem]]:
    out: dict[str, list[Problem]] = defaultdict(list)
    for p in problems:
        out[p.path].append(p)
    return out


def _reindex(
    snap: Snapshot, base: Records, head: Records, changed: Iterable[str]
) -> tuple[dict[str, bytes], list[str]]:
    """The index with the changed files' names replaced (numbers of files that went
    away stay in the numbering: a search keeps only listed files)."""
    words, numbering = dict(snap.words), list(snap.numbering)
    number: dict[str, int] | None = None
    for path in changed:
        if path.startswith(_ALWAYS_LOADED):
            continue
        old, new = base.by_path.get(path), head.by_path.get(path)
        was = named_ids(old) if old is not None else set()
        now = named_ids(new) if new is not None else set()
        if was == now:
            continue
        if number is None:
            number = {p: i for i, p in enumerate(numbering)}
        if path not in number:
            number[path] = len(numbering)
            numbering.append(path)
        n = number[path]
        for word in was ^ now:
            files = array("I", words.get(word, b""))
            if word in now:
                files.append(n)
            else:
                files = array("I", (i for i in files if i != n))
            words[word] = files.tobytes()
    return words, numbering


# ---- judging a side ---------------------------------------------------------------------


@dataclass
class Located:
    """A side found in git: its commit, the commit's records tree, and what the work
    tree or index changes against it (None: the tree itself). Enough to name the
    side's records exactly (:attr:`state`) without reading a snapshot."""

    info: RepoInfo
    side: str
    commit: str
    tree: str
    change: Change | None = None
    #: whether :attr:`change` was read (:meth:`changed`)
    known: bool = False

    @property
    def state(self) -> str:
        """The digest naming exactly the side's records (:func:`.views.state_of`)."""
        assert self.known or self.side not in (WORK_TREE, INDEX)
        return state_of(self.tree, self.change.after if self.change is not None else None)

    @property
    def views(self) -> Path:
        """Where output computed from the side's records is kept (:mod:`.views`)."""
        return _folder(self.info)

    def changed(self) -> Located | None:
        """This side with what the work tree or index changes read, or None where
        snapshots do not serve it: an index with conflicts, a work tree git cannot
        read (a link out, a FIFO) or holding links or special files."""
        if self.known or self.side not in (WORK_TREE, INDEX):
            return self
        from .changes import Unmerged

        try:
            change = _side_change(self.info, self.commit, self.side)
        except Unmerged:
            return None  # the staged state is no single tree: the whole check says so
        except GitError:  # a link out, a FIFO: the folder's own reading names each file
            if self.side == WORK_TREE:
                return None
            raise
        if self.side == WORK_TREE and _links_or_special(Path(self.info.root), change.after):
            return None  # the folder's own reading refuses them, naming each file
        return Located(self.info, self.side, self.commit, self.tree, change, True)


def locate(root: Path | str, side: str, *, changes: bool = True) -> Located | None:
    """``side`` (:data:`WORK_TREE`, :data:`INDEX` or a revision) as git names it
    (with its change read unless not ``changes``: :meth:`Located.changed`), or None
    where snapshots never serve it: caching off, not a git repository (for the work
    tree), a bare one (for the work tree or index), no commit or no records folder."""
    if not cache_enabled():
        return None
    try:
        info = RepoInfo(root)
    except GitError:
        if side == WORK_TREE:
            return None
        raise
    if info.bare and side in (WORK_TREE, INDEX):
        return None
    rev = "HEAD" if side in (WORK_TREE, INDEX) else side
    found = _commit_tree(info, rev)
    if found is None:
        return None
    located = Located(info, side, *found)
    return located.changed() if changes else located


def judge(
    root: Path | str,
    side: str,
    day: date | None = None,
    window: Window | None = None,
    queries: Iterable[Query] = (),
    located: Located | None = None,
) -> Judged | None:
    """The records in ``side`` (:data:`WORK_TREE`, :data:`INDEX` or a revision) as
    judged through snapshots: their problems on ``day``, the obligations in
    ``window`` and the answers to ``queries`` when asked, and a way to read the
    side's records. None where snapshots do not help: caching off, not a git
    repository, a small repository, or a change too large. ``located``: the side
    as :func:`locate` found it already."""
    if located is None:
        located = locate(root, side, changes=False)
        if located is None:
            return None
    day = day or date.today()
    asked = list(dict.fromkeys([*queries, *([_window_query(window)] if window else [])]))
    info = located.info
    snap = snapshot_of(info, located.commit, located.tree, day, asked)
    if snap is None:
        return None
    base_snap = snap
    located = located.changed()  # read after the snapshot: a small tree needs none
    if located is None:
        return None
    change = located.change
    if change is not None and change.after:
        if len(change.after) > CHANGED_SHARE * len(snap.blobs):
            return None
        changed = apply(info, snap, day, change, asked)
        if changed is None:
            return None
        snap = changed
    answers: dict[Query, list[Obligation]] = {}
    for query in asked:
        got = snap.answer(query)
        if got is None:
            return None  # a kept answer that does not read: judge whole
        answers[query] = got
    if change is not None and not change.after:
        change = None
    # the sides of the change applied here (not of a carry that made the snapshot)
    scoped = snap.scoped if snap is not base_snap else None

    def ask(query: Query) -> list[Obligation]:
        kept = base_snap.answer(query)
        if kept is None:
            _add_query(info, base_snap, query)
            write(info, base_snap)
            kept = base_snap.answer(query) or []
        if scoped is None:
            return kept
        return merge_obligations(kept, answer(scoped[0], query), answer(scoped[1], query))

    return Judged(
        snap.problems,
        len(snap.blobs),
        root,
        snap.kept,
        answers[_window_query(window)] if window else None,
        answers,
        lambda: tree_records(info, base_snap.tree, base_snap.blobs, change),
        ask,
        located.state,
        located.views,
    )


def _window_query(window: Window) -> Query:
    as_of, since = window
    return findings_query(date.fromisoformat(as_of), date.fromisoformat(since) if since else None)


def _commit_tree(info: RepoInfo, rev: str) -> tuple[str, str] | None:
    """The commit ``rev`` names and its records folder's tree (None: no commit yet,
    or no records folder in it)."""
    if rev == "HEAD":
        out = git(info.root, "rev-parse", "-q", "--verify", "HEAD^{commit}", check=False)
        if not out.strip():
            return None
        commit = out.decode().strip()
    else:
        commit = info.commit(rev)
    out = git(info.root, "rev-parse", "-q", "--verify", f"{commit}:{info.prefix}", check=False)
    tree = out.decode().strip()
    return (commit, tree) if tree else None


def snapshot_of(
    info: RepoInfo, commit: str, tree: str, day: date, queries: Iterable[Query] = ()
) -> Snapshot | None:
    """The snapshot of ``tree`` for ``day`` with ``queries`` answered: stored, carried
    from the newest stored one when few files differ (on a new day only the dated
    checks run again), else built by a whole check. None for a small tree."""
    queries = list(queries)
    snap = read(info, tree)
    fresh = snap is None
    if snap is None:
        for other in _stored(info)[:1]:
            older = read(info, other.name)
            if older is not None:  # carried on its own day, then made today's below
                snap = _carry_safely(info, older, tree, date.fromisoformat(older.day))
    if snap is None:
        if not _large(info, commit):
            return None
        snap = build(info, commit, tree, day, queries)
        if len(snap.blobs) < SNAPSHOT_FROM:
            return None
    snap.tree = tree
    snap.scoped = None  # a carry's sides are done with: the snapshot stands for the tree
    if snap.day != day.isoformat():
        try:
            snap = new_day(info, snap, day)
        except GitError:  # objects gone: the whole check takes over
            snap = build(info, commit, tree, day, queries)
        fresh = True
    for query in queries:
        if snap.answer(query) is None:
            _add_query(info, snap, query)
            fresh = True
    if fresh:
        write(info, snap)
    return snap


def _carry_safely(info: RepoInfo, older: Snapshot, tree: str, day: date) -> Snapshot | None:
    """:func:`_carry`, or None when the older snapshot names objects that are gone
    (a stale snapshot must never stop a check: the whole check takes over)."""
    try:
        return _carry(info, older, tree, day)
    except GitError:
        return None


def judge_commits(
    info: RepoInfo, commits: list[str], day: date
) -> Iterator[tuple[str, list[Problem], Snapshot | None]]:
    """Each commit's problems on ``day``, in the order given, with its snapshot
    (None: checked whole). Each commit is judged from the snapshot of the one
    before it (the first from its parent's or the newest stored one) when few files
    differ, so a push of many commits costs the size of its changes. Nothing is
    stored: this serves a push still in quarantine."""
    from ..checks import validate
    from ..records.repository import load
    from .store import GitStore

    previous: Snapshot | None = None
    for commit in commits:
        snap = None
        if cache_enabled():
            try:
                snap = _next_snapshot(info, commit, previous, day)
            except Exception:  # a stale or damaged snapshot is only a cache: check whole
                snap = None
        if snap is not None:
            previous = snap
            yield commit, snap.problems, snap
            continue
        store = GitStore(info.root, commit)
        try:
            problems = validate(load(store), day)
        finally:
            store.close()
        yield commit, problems, None


def _next_snapshot(
    info: RepoInfo, commit: str, previous: Snapshot | None, day: date
) -> Snapshot | None:
    """The snapshot of ``commit``'s tree (kept in memory only): stored, carried from
    ``previous`` or from a stored one, or built by a whole check of a large tree."""
    found = _commit_tree(info, commit)
    if found is None:
        return None
    tree, today = found[1], day.isoformat()
    if previous is not None and previous.tree == tree:
        return previous
    stored = read(info, tree)
    if stored is not None and stored.day == today:
        return stored
    if previous is not None:
        starts = [previous]
    else:
        parent = _commit_tree(info, f"{commit}^") if _has_parent(info, commit) else None
        starts = [read(info, parent[1])] if parent else []
        starts += [read(info, p.name) for p in _stored(info)[:1]]
    for older in starts:
        if older is not None and older.day == today:
            carried = _carry_safely(info, older, tree, day)
            if carried is not None:
                carried.tree = tree
                return carried
    if not _large(info, commit):
        return None
    built = build(info, commit, tree, day)
    return built if len(built.blobs) >= SNAPSHOT_FROM else None


def _has_parent(info: RepoInfo, commit: str) -> bool:
    out = git(info.root, "rev-parse", "-q", "--verify", f"{commit}^1", check=False)
    return bool(out.strip())


def _large(info: RepoInfo, commit: str) -> bool:
    """Whether the commit holds enough records to be worth a snapshot (counted by
    git, without listing them in Python)."""
    spec = f"{commit}:{info.prefix}" if info.prefix else commit
    out = git(info.root, "ls-tree", "-r", "--name-only", "-z", spec, check=False)
    return out.count(b".toml\0") >= SNAPSHOT_FROM


def _carry(info: RepoInfo, older: Snapshot, tree: str, day: date) -> Snapshot | None:
    """The snapshot of ``tree`` made from an older one by the difference of the trees."""
    from .changes import is_record_path, read_by_id

    out = git(info.root, "diff-tree", "-r", "-z", "--raw", "--no-abbrev", older.tree, tree)
    fields = list(nul_fields(out))
    ids_before: dict[str, str] = {}
    ids_after: dict[str, str] = {}
    for meta, path in zip(fields[::2], fields[1::2], strict=False):
        parts = meta.split()
        old_id, new_id = parts[2], parts[3]
        if parts[0].endswith("120000") or parts[1] == "120000":
            return None  # symbolic links: let the whole check resolve them
        if old_id.strip("0"):
            ids_before[path] = old_id
        if new_id.strip("0"):
            ids_after[path] = new_id
    paths = sorted(p for p in set(ids_before) | set(ids_after) if is_record_path(p))
    if len(paths) > CHANGED_SHARE * len(older.blobs):
        return None
    cat = CatFile(info.root)
    try:
        before = read_by_id(cat, paths, ids_before)
        after = read_by_id(cat, paths, ids_after)
    finally:
        cat.close()
    change = Change.between(before, after, ids_after)
    return apply(info, older, day, change, list(older.obligations))


def _links_or_special(root: Path, paths: Iterable[str]) -> bool:
    """Whether any of ``paths`` in the work tree, or a folder on its way, is a
    symbolic link or not a plain file (git reads a link's target as the file), or a
    records folder is a link (git, seeing the same files through it, sees no change)."""
    import stat

    try:
        with os.scandir(root) as top:
            for entry in top:
                if entry.name.startswith(".") or entry.name in layout.IGNORED_TOP:
                    continue
                if entry.is_symlink():
                    return True
                if entry.is_dir() and entry.name not in ("members", "orgs"):
                    with os.scandir(entry.path) as inner:  # meetings/<org>, letters/<year>...
                        if any(sub.is_symlink() for sub in inner):
                            return True
    except OSError:
        return True
    for path in paths:
        parts = path.split("/")
        for depth in range(1, len(parts) + 1):
            try:
                mode = os.lstat(root.joinpath(*parts[:depth])).st_mode
            except OSError:
                break  # gone: a deletion, which git reports as it is
            if stat.S_ISLNK(mode):
                return True
            if depth == len(parts) and not stat.S_ISREG(mode):
                return True
    return False


def _side_change(info: RepoInfo, commit: str, side: str) -> Change:
    """What the work tree (with untracked and ignored files, as a folder is read) or
    the index changes against ``commit``."""
    from .changes import changed_paths, head_bytes, read_by_id

    index = side == INDEX
    paths, _, (ids_before, ids_after) = changed_paths(
        info, commit, None, index=index, ignored=not index
    )
    cat = CatFile(info.root)
    try:
        before = read_by_id(cat, paths, ids_before)
        after = read_by_id(cat, paths, ids_after) if index else head_bytes(info, cat, None, paths)
    finally:
        cat.close()
    return Change.between(before, after, ids_after)
