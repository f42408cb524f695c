"""Loading a whole records repository from a store into typed, indexed records."""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..i18n import say
from ..problems import Problem, error
from . import layout
from . import model as m
from .fast import fast_record, prepare
from .parse import Locator, larger_than, limits, parse_unlimited
from .schema import SPECS, Builder
from .store import Store, TooBig


def walk_subtree(root: str, children: Callable[[str], Iterable[str]]) -> list[str]:
    """``root`` and every org below it, breadth first, parents before children;
    an org reached twice (a loop in the parents, reported by the checks) once."""
    out: list[str] = []
    todo = deque([root])
    seen: set[str] = set()
    while todo:
        org = todo.popleft()
        if org in seen:
            continue
        seen.add(org)
        out.append(org)
        todo.extend(children(org))
    return out


@dataclass
class Records:
    """Every record of a repository, by kind, plus what stopped any file loading."""

    store: Store
    settings: m.Settings
    orgs: dict[str, m.Org] = field(default_factory=dict)
    members: dict[str, m.Member] = field(default_factory=dict)
    meetings: list[m.Meeting] = field(default_factory=list)
    funds: list[m.FundLedger] = field(default_factory=list)
    letters: list[m.Letter] = field(default_factory=list)
    reports: list[m.Report] = field(default_factory=list)
    notices: list[m.Notice] = field(default_factory=list)
    assessments: list[m.Assessment] = field(default_factory=list)
    #: weak and lax organisations under rectification (weak/<yyyy>/<org>.toml)
    weak: list[m.Weak] = field(default_factory=list)
    #: trainings and study classes (trainings/<yyyy>/<id>.toml)
    trainings: list[m.Training] = field(default_factory=list)
    by_path: dict[str, m.Record] = field(default_factory=dict)
    #: files that could not be read, parsed or placed; and schema problems
    problems: list[Problem] = field(default_factory=list)
    #: paths of every candidate file, loaded or not
    paths: list[str] = field(default_factory=list)
    #: for records loaded on part of a repository (a change's scope): whether a
    #: candidate file outside the part exists on its side (None: the whole is
    #: loaded). A reference to it is no error there, as in a whole check
    elsewhere: Callable[[str], bool] | None = None

    _meetings_by_org: dict[str, list[m.Meeting]] | None = None
    _listed: dict[str, list[str]] | None = None

    def meetings_of(self, org: str) -> list[m.Meeting]:
        """Meetings of one org, by date (index built on first use)."""
        if self._meetings_by_org is None:
            index: dict[str, list[m.Meeting]] = {}
            for meeting in self.meetings:
                index.setdefault(meeting.org, []).append(meeting)
            # each org's apart: in path order they are (nearly) in date order
            # already, which a sort goes through in one pass (a county: 0.12 -> 0.03 s)
            for found in index.values():
                found.sort(key=_meeting_order)
            self._meetings_by_org = index
        return self._meetings_by_org.get(org, [])

    def listed(self, folder: str) -> list[str]:
        """The candidate files of one top folder (``members``), loaded or not: the
        folder's part of :attr:`paths`, which is what a check reading it depends on
        (the paths by folder made on first use; a file at the top, the settings,
        is its own)."""
        if self._listed is None:
            index: dict[str, list[str]] = {}
            for path in self.paths:
                index.setdefault(path.split("/", 1)[0], []).append(path)
            self._listed = index
        return self._listed.get(folder, [])

    def meeting_refs(self) -> dict[str, m.Meeting]:
        return {layout.meeting_ref(mt.path): mt for mt in self.meetings}

    def children(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for org in self.orgs.values():
            if org.parent:
                out[org.parent].append(org.id)
        return out

    def subtree(self, root: str) -> list[str]:
        """``root`` and every org below it, parents before children."""
        kids = self.children()
        return walk_subtree(root, lambda org: sorted(kids.get(org, ())))

    def locate(self, problems: list[Problem]) -> None:
        """Fill in the line of every problem that has none, reading each file once."""
        files: dict[str, Locator | None] = {}
        for p in problems:
            if p.line is not None:
                continue
            if p.path not in files:
                try:
                    text = self.store.read(p.path).decode("utf-8", "replace")
                    files[p.path] = Locator(text)
                except (OSError, RecursionError, ValueError):
                    files[p.path] = None
            found = files[p.path]
            p.line = found.line(p.key) if found is not None else 1


def _meeting_order(meeting: m.Meeting) -> tuple[date, str]:
    # a meeting without a date (invalid, read with --force) sorts first
    return (meeting.date or date.min, meeting.path)


_FIXED = {
    layout.MEETING: lambda loc: {"org": loc.folder},
    layout.FUND: lambda loc: {"org": loc.folder, "year": int(loc.id)},
    layout.LETTER: lambda loc: {"year": int(loc.folder)},
    layout.NOTICE: lambda loc: {"year": int(loc.folder)},
    layout.WEAK: lambda loc: {"year": int(loc.folder), "org": loc.id},
    layout.TRAINING: lambda loc: {"year": int(loc.folder)},
}

#: the list of :class:`Records` each kind of document record goes to, by its class
_COLLECTION: dict[type, str] = {
    m.Meeting: "meetings",
    m.FundLedger: "funds",
    m.Letter: "letters",
    m.Report: "reports",
    m.Notice: "notices",
    m.Assessment: "assessments",
    m.Weak: "weak",
    m.Training: "trainings",
}


def load_file(path: str, data: bytes) -> tuple[m.Record | None, list[Problem]]:
    """One file's record, and its layout, syntax and schema problems."""
    try:
        loc = layout.classify(path)
    except layout.LayoutError as exc:
        return None, [_misplaced(path, exc)]
    text, doc, problems = parse_unlimited(path, data)
    if doc is None:
        return None, problems
    assert text is not None
    record = _fast(path, loc, doc)  # within the limits whenever it builds
    if record is not None:
        return record, []
    problems = limits(path, text, doc)
    if problems:
        return None, problems
    return _build(path, loc, doc, tried=True)


def _misplaced(path: str, exc: layout.LayoutError) -> Problem:
    code = "E-SLUG" if "legal" in str(exc) else "E-LAYOUT"
    return error(code, path, exc.said, line=1)


def build_record(path: str, doc: dict[str, Any]) -> tuple[m.Record | None, list[Problem]]:
    """The typed record of a parsed document, and its schema problems."""
    return _build(path, layout.classify(path), doc)


def _fast(path: str, loc: layout.Location, doc: dict[str, Any]) -> m.Record | None:
    """The record of a plainly well-formed document, built fast (``records.fast``);
    None: the :class:`Builder` must read it."""
    fixed = _FIXED.get(loc.kind)
    try:
        given = {"path": path, "id": loc.id, **(fixed(loc) if fixed else {})}
    except Exception:
        return None
    return fast_record(loc.kind, doc, given)


def _build(
    path: str, loc: layout.Location, doc: dict[str, Any], tried: bool = False
) -> tuple[m.Record | None, list[Problem]]:
    """The record and its schema problems (``tried``: the fast builder gave up on it)."""
    record = None if tried else _fast(path, loc, doc)
    if record is not None:
        return record, []
    builder = Builder(path)
    fixed = _FIXED.get(loc.kind)
    try:
        record = builder.build(
            SPECS[loc.kind], doc, (), path=path, id=loc.id, **(fixed(loc) if fixed else {})
        )
    except Exception as exc:  # untrusted input never ends a run in a traceback
        # (also in a worker process of a parallel load, whose exception would end the load)
        detail = str(exc).splitlines()[0][:120] if str(exc) else ""
        what = type(exc).__name__ + (f": {detail}" if detail else "")
        return None, [
            error("E-TOML", path, say("cannot read the record ({why})", why=what), line=1)
        ]
    return record, builder.problems


#: one file's outcome: its record (None if it did not load), its problems, and
#: whether it could not be read at all (those problems are listed first)
Loaded = tuple[str, m.Record | None, list[Problem], bool]


@contextmanager
def gc_paused() -> Iterator[None]:
    """Loading makes millions of objects and no garbage cycles worth finding: with
    the collector on, its full passes cost a third of the load of a large repository."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


#: below this many files a second process costs more than it saves
PARALLEL_FROM = 2000
#: files per task of the parallel load (the last tasks smaller, see ``_tasks``):
#: small enough that a worker never holds much, large enough that a task's own
#: cost (a temporary file, two pipe messages) is lost in it
CHUNK = 1000


def load(store: Store, workers: int | None = None) -> Records:
    """Read, parse and index every record the store lists.

    Parsing is most of the cost of a cold run, so on a large repository other
    cores read, parse and build records of part of the files while this process
    does the same for the rest, each taking the next task of one queue (so
    neither side waits long for the other, see :func:`load_paths`). Workers send typed
    records back, not parsed documents: records (their short strings, dates and
    amounts shared, see ``schema``) pickle at a quarter of the cost of the
    ``tomllib`` tables they come from, and neither side ever holds all the bytes
    or all the tables. Full county (155,488 files, 2 cores): peak memory 1.9 GB
    -> 0.3 GB, CPU 29.6 s -> 24.6 s, of which ``tomllib`` is 17.5 s.
    ``workers=1`` keeps it all in this process.
    """
    paths, refused = store.listing()
    if workers is None:
        workers = cores() if len(paths) >= PARALLEL_FROM else 1
    with gc_paused():
        loaded = load_paths(store, paths, workers)
        # comprehensions over a county's 150,000 outcomes, then over the few with
        # problems: half the time of one loop doing both (0.08 s, none in parallel)
        records = {path: record for path, record, _, _ in loaded if record is not None}
        said = [each for each in loaded if each[2]]
        unread = [p for _, _, problems, failed in said if failed for p in problems]
        found = [p for _, _, problems, failed in said if not failed for p in problems]
        return assemble(store, paths, records, [*refused, *unread, *found])


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def _load_one(store: Store, path: str, data: bytes | None = None) -> Loaded:
    if data is None:
        try:
            data = store.read(path)
        except OSError as exc:
            return path, None, [_unreadable(path, exc)], True
    record, problems = load_file(path, data)
    return path, record, problems, False


def _unreadable(path: str, exc: OSError) -> Problem:
    if isinstance(exc, TooBig):
        return error("E-TOO-BIG", path, say("cannot read: {why}", why=larger_than()), line=1)
    return error("E-IO", path, say("cannot read: {why}", why=str(exc.strerror or exc)), line=1)


#: the store of a parallel load, inherited by the forked workers (never pickled)
_forked_store: Store | None = None

#: a task: paths the worker reads itself, or (path, bytes or the read error)
Task = list[str] | list[tuple[str, bytes | OSError]]


def _load_task(task: Task) -> list[Loaded]:
    store = _forked_store
    assert store is not None
    out: list[Loaded] = []
    with store.reading() as read:
        for item in task:
            if isinstance(item, str):
                path = item
                try:
                    data: bytes | OSError = read(path)
                except OSError as exc:
                    data = exc
            else:
                path, data = item
            if isinstance(data, OSError):
                out.append((path, None, [_unreadable(path, data)], True))
            else:
                out.append(_load_one(store, path, data))
    return out


def _received(sent: str) -> list[Loaded]:
    """A worker's outcome of one task, from the temporary file it wrote (removed)."""
    import pickle

    try:
        with open(sent, "rb") as handle:
            return pickle.load(handle)
    finally:
        os.unlink(sent)


def _tasks(store: Store, paths: list[str]) -> list[Task]:
    """The paths in tasks, in order: :data:`CHUNK` files each, smaller towards the
    end (down to a tenth), so that the processes, which take tasks from the front
    in turn, finish nearly together: the last one waits for the others' last task
    at most, not for a task of a thousand members (0.3 s)."""
    tasks: list[Task] = []
    # the queue of task numbers must fit a pipe's buffer (see ``load_paths``)
    chunk = max(CHUNK, -(-len(paths) // 8000))
    start = 0
    while start < len(paths):
        size = max(chunk // 10, 1, min(chunk, (len(paths) - start) // 8))
        part = paths[start : start + size]
        # a work-tree file is read by whoever loads it; other stores (a git pipe)
        # are read here only, and the bytes sent
        tasks.append(part if store.forkable else [(p, _read(store, p)) for p in part])
        start += size
    return tasks


def load_paths(store: Store, paths: list[str], workers: int) -> list[Loaded]:
    """Each path's outcome (path, record, problems, unreadable), in path order,
    loaded here and in ``workers - 1`` forked copies of this process.

    The tasks' numbers wait in a pipe; each process reads the next one until it
    is empty (so no process waits long for another, whatever the files cost). A
    copy pickles each task's outcome to a temporary file and says its name on a
    second pipe, and this process takes those in between its own tasks: sent
    through the pipe itself, an outcome (a megabyte or two) would fill it and the
    copy would wait for this process to read. A copy that cannot write a file,
    or that dies, leaves its tasks to this process, which loads every task no
    copy answered for. Nothing is left behind: a copy leaves by ``os._exit`` once
    the queue is empty, and this process removes the files it did not take.
    """
    if workers <= 1 or not hasattr(os, "fork"):
        return [_load_one(store, path) for path in paths]
    global _forked_store
    prepare()  # the fast builders, written once for every process
    tasks = _tasks(store, paths)
    queue_r, queue_w = os.pipe()
    answer_r, answer_w = os.pipe()
    # two bytes a task, written before any process reads: fewer than 8,200 tasks
    # fit a pipe's usual 64 KiB; where a pipe holds less, the tasks left out are
    # loaded here at the end, as those of a copy that died
    os.set_blocking(queue_w, False)
    with contextlib.suppress(BlockingIOError):
        os.write(queue_w, b"".join(i.to_bytes(2, "little") for i in range(len(tasks))))
    os.close(queue_w)
    _forked_store = store
    sys.stdout.flush()
    sys.stderr.flush()
    copies: list[int] = []
    parent = os.getpid()
    done: dict[int, list[Loaded]] = {}
    pending = bytearray()
    finished = False
    try:
        for _ in range(workers - 1):
            try:
                pid = os.fork()
            except OSError:
                break  # fewer copies: this process loads what they would have
            if pid == 0:  # the copy: never returns
                _copy(tasks, queue_r, answer_r, answer_w, parent)
            copies.append(pid)
        os.close(answer_w)
        answer_w = -1
        os.set_blocking(answer_r, False)
        while (i := _next(queue_r)) is not None:
            done[i] = _load_task(tasks[i])
            tasks[i] = []  # the bytes of a read store are no longer needed
            # the copies' outcomes taken in as they come, between tasks here,
            # rather than all at the end
            _take_answers(answer_r, pending, done)
        os.set_blocking(answer_r, True)
        while _take_answers(answer_r, pending, done):
            pass
        out: list[Loaded] = []
        for i, task in enumerate(tasks):
            # a task no copy answered for (a copy died, could not write a file, or
            # the queue did not hold it)
            out.extend(done.pop(i) if i in done else _load_task(task))
        finished = True
    finally:
        _forked_store = None
        if not finished:  # interrupted: the copies stop after their task
            while _next(queue_r) is not None:
                pass
        os.close(queue_r)
        if answer_w != -1:
            os.close(answer_w)
        for pid in copies:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
        if not finished:  # their files, never taken
            with contextlib.suppress(OSError):
                os.set_blocking(answer_r, True)
                while _take_answers(answer_r, pending, None):
                    pass
        os.close(answer_r)
    return out


def _next(queue: int) -> int | None:
    """The next task's number from the queue (None: it is empty)."""
    index = os.read(queue, 2)
    return int.from_bytes(index, "little") if len(index) == 2 else None


def _copy(tasks: list[Task], queue: int, answer_r: int, answer_w: int, parent: int) -> None:
    """A forked copy's life: load tasks from the queue until it is empty, each
    outcome pickled to a temporary file whose name goes to the answer pipe (one
    write of a few bytes: never mixed with another copy's). A file that cannot
    be written gives the task back (an empty name) and ends the copy; so does
    the end of ``parent`` (killed: nobody would take or remove the files)."""
    import pickle
    import tempfile

    code = 0
    try:
        os.close(answer_r)
        table = m.dues_as_they_are()
        while os.getppid() == parent and (i := _next(queue)) is not None:
            loaded = _load_task(tasks[i])
            # the file made only now: a copy that dies while loading leaves none
            try:
                fd, name = tempfile.mkstemp(prefix="dangjian-load-")
            except OSError:
                os.write(answer_w, _answer(i, ""))
                break
            try:
                with os.fdopen(fd, "wb") as handle:
                    pickler = pickle.Pickler(handle, protocol=pickle.HIGHEST_PROTOCOL)
                    # read at once by the checks: the dues rows not packed (see model)
                    pickler.dispatch_table = table
                    pickler.dump(loaded)
                del loaded
                os.write(answer_w, _answer(i, name))
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(name)
                raise
    except BaseException:  # this process loads what the copy did not answer for
        code = 1
    finally:
        os._exit(code)


def _answer(index: int, name: str) -> bytes:
    encoded = os.fsencode(name)
    return index.to_bytes(2, "little") + len(encoded).to_bytes(2, "little") + encoded


def _take_answers(fd: int, pending: bytearray, done: dict[int, list[Loaded]] | None) -> bool:
    """Read what the answer pipe holds and take each whole answer's outcome into
    ``done`` (None: only remove its file); False once every copy closed the pipe."""
    try:
        data = os.read(fd, 65536)
    except BlockingIOError:
        return True
    if not data:
        return False
    pending += data
    while len(pending) >= 4:
        size = int.from_bytes(pending[2:4], "little")
        if len(pending) < 4 + size:
            break
        index = int.from_bytes(pending[:2], "little")
        name = os.fsdecode(bytes(pending[4 : 4 + size]))
        del pending[: 4 + size]
        if not name:
            continue  # given back: loaded here
        if done is None:
            with contextlib.suppress(OSError):
                os.unlink(name)
        else:
            done[index] = _received(name)
    return True


def _read(store: Store, path: str) -> bytes | OSError:
    try:
        return store.read(path)
    except OSError as exc:
        return exc


def assemble(
    store: Store, paths: list[str], records: dict[str, m.Record], problems: list[Problem]
) -> Records:
    """Index loaded records by kind (shared by the serial, parallel and cached loaders)."""
    settings = _settings(records, paths, problems)
    out = Records(store=store, settings=settings, by_path=records, problems=problems, paths=paths)
    lists = {cls: getattr(out, name) for cls, name in _COLLECTION.items()}
    for record in records.values():
        kind = type(record)
        if kind is m.Org:
            out.orgs[record.id] = record
        elif kind is m.Member:
            out.members[record.id] = record
        elif kind is not m.Settings:
            lists[kind].append(record)
    return out


def _settings(
    records: dict[str, m.Record], paths: list[str], problems: list[Problem]
) -> m.Settings:
    """The settings record (an empty one, and a problem if the file is missing)."""
    settings = records.get(layout.SETTINGS_FILE)
    if not isinstance(settings, m.Settings):
        settings = m.Settings(path=layout.SETTINGS_FILE, id="dangjian")
        if layout.SETTINGS_FILE not in paths:
            problems.append(
                error(
                    "E-SETTINGS",
                    layout.SETTINGS_FILE,
                    say("repository has no dangjian.toml"),
                    line=1,
                    hint=say("run `dangjian init` or add the settings file"),
                )
            )
    return settings


def reassemble(
    base: Records,
    store: Store,
    paths: list[str],
    problems: list[Problem],
    changed: dict[str, m.Record | None],
) -> Records:
    """:func:`assemble` of ``base``'s records with those of the ``changed`` paths taken
    out and their new ones (None: none) put after the rest, in ``changed``'s
    order: the same records in the same order, from ``base``'s collections rather
    than every record sorted by kind again (a county's 160,000, for a few hundred
    changed)."""
    records = dict(base.by_path)
    old: list[m.Record] = []
    for path, record in changed.items():
        gone = records.pop(path, None)
        if gone is not None:
            old.append(gone)
        if record is not None:
            records[path] = record
    new = [r for r in changed.values() if r is not None]
    out = Records(
        store=store,
        settings=_settings(records, paths, problems),
        by_path=records,
        problems=problems,
        paths=paths,
    )
    kinds = {type(r) for r in (*old, *new)}
    for kind, name in ((m.Org, "orgs"), (m.Member, "members")):
        found: dict[str, m.Record] = getattr(out, name)
        found.update(getattr(base, name))
        if kind in kinds:
            for record in old:
                if type(record) is kind and found.get(record.id) is record:
                    del found[record.id]
            found.update((r.id, r) for r in new if type(r) is kind)
    for kind, name in _COLLECTION.items():
        items: list[m.Record] = getattr(out, name)
        if kind not in kinds:
            items.extend(getattr(base, name))
            continue
        dropped = {id(r) for r in old if type(r) is kind}
        items.extend(r for r in getattr(base, name) if id(r) not in dropped)
        items.extend(r for r in new if type(r) is kind)
    return out


def _attribute_folders() -> dict[str, str]:
    """The :class:`Records` attribute each top folder's records go to."""
    out: dict[str, str] = {}
    for folder, (kind, _) in layout.FOLDERS.items():
        cls = SPECS[kind].cls
        out["orgs" if cls is m.Org else "members" if cls is m.Member else _COLLECTION[cls]] = folder
    return out


#: one file's record (None if it did not load) and its load problems
Outcome = tuple[m.Record | None, list[Problem]]


class LazyRecords(Records):
    """Records whose kinds are read when a command first uses them.

    ``source(folder, paths)`` gives the record and load problems of each of a top
    folder's paths (from a cache, parsing what it does not hold). Reading
    ``records.members`` reads the members folder's records only; ``by_path`` and
    ``problems`` read every folder. A command sees the same records as from a
    whole load, whatever it touches: nothing needs to say beforehand what it reads.
    """

    def __init__(
        self,
        store: Store,
        paths: list[str],
        refused: list[Problem],
        source: Callable[[str, list[str]], dict[str, Outcome]],
    ) -> None:
        super().__init__(store=store, settings=m.Settings(path=layout.SETTINGS_FILE, id="dangjian"))
        self.paths = paths
        self._source = source
        self._refused = list(refused)
        self._loaded: dict[str, dict[str, Outcome]] = {}
        self._attributes = _attribute_folders()
        for name in (*self._attributes, "settings", "by_path", "problems"):
            del self.__dict__[name]

    def _folder(self, folder: str) -> dict[str, Outcome]:
        found = self._loaded.get(folder)
        if found is None:
            with gc_paused():
                found = self._source(folder, self.listed(folder))
                # the records live until the command ends: out of the collector's
                # later passes (as a whole load's, ``cli.common.load_records``)
                gc.freeze()
            self._loaded[folder] = found
        return found

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        folder = self._attributes.get(name)
        if folder is not None:
            value: Any = {} if name in ("orgs", "members") else []
            for path in self.listed(folder):
                record = self._folder(folder).get(path, (None, []))[0]
                if record is None:
                    continue
                if isinstance(value, dict):
                    value[record.id] = record
                else:
                    value.append(record)
        elif name == "settings":
            found = self._folder(layout.SETTINGS_FILE).get(layout.SETTINGS_FILE, (None, []))[0]
            value = (
                found
                if isinstance(found, m.Settings)
                else m.Settings(path=layout.SETTINGS_FILE, id="dangjian")
            )
        elif name == "by_path":
            value = {}
            for path in self.paths:
                record = self._folder(path.split("/", 1)[0]).get(path, (None, []))[0]
                if record is not None:
                    value[path] = record
        elif name == "problems":
            value = list(self._refused)
            for path in self.paths:
                value.extend(self._folder(path.split("/", 1)[0]).get(path, (None, []))[1])
            if layout.SETTINGS_FILE not in self.paths:
                value.append(assemble(self.store, self.paths, {}, []).problems[0])
        else:
            raise AttributeError(name)
        setattr(self, name, value)
        return value
