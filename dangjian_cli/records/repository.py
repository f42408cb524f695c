"""Loading a whole records repository from a store into typed, indexed records."""

from __future__ import annotations

import gc
import os
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from ..problems import Problem, error
from . import layout
from . import model as m
from .parse import locate, parse
from .schema import SPECS, Builder
from .store import Store


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
    by_path: dict[str, m.Record] = field(default_factory=dict)
    #: files that could not be read, parsed or placed; and schema problems
    problems: list[Problem] = field(default_factory=list)
    #: paths of every candidate file, loaded or not
    paths: list[str] = field(default_factory=list)

    _meetings_by_org: dict[str, list[m.Meeting]] | None = None

    def meetings_of(self, org: str) -> list[m.Meeting]:
        """Meetings of one org, by date (index built on first use)."""
        if self._meetings_by_org is None:
            index: dict[str, list[m.Meeting]] = defaultdict(list)
            for meeting in sorted(self.meetings, key=_meeting_order):
                index[meeting.org].append(meeting)
            self._meetings_by_org = dict(index)
        return self._meetings_by_org.get(org, [])

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
        out: list[str] = []
        todo = [root]
        seen: set[str] = set()
        while todo:
            org = todo.pop(0)
            if org in seen:
                continue
            seen.add(org)
            out.append(org)
            todo.extend(sorted(kids.get(org, [])))
        return out

    def locate(self, problems: list[Problem]) -> None:
        """Fill in the line of every problem that has none, reading each file once."""
        texts: dict[str, str | None] = {}
        for p in problems:
            if p.line is not None:
                continue
            if p.path not in texts:
                try:
                    texts[p.path] = self.store.read(p.path).decode("utf-8", "replace")
                except OSError:
                    texts[p.path] = None
            text = texts[p.path]
            p.line = locate(text, p.key) if text is not None else 1


def _meeting_order(meeting: m.Meeting) -> tuple[Any, str]:
    return (meeting.date or "", meeting.path)


_FIXED = {
    layout.MEETING: lambda loc: {"org": loc.folder},
    layout.FUND: lambda loc: {"org": loc.folder, "year": int(loc.id)},
    layout.LETTER: lambda loc: {"year": int(loc.folder)},
    layout.NOTICE: lambda loc: {"year": int(loc.folder)},
}

_COLLECTION = {
    layout.MEETING: "meetings",
    layout.FUND: "funds",
    layout.LETTER: "letters",
    layout.REPORT: "reports",
    layout.NOTICE: "notices",
    layout.ASSESSMENT: "assessments",
}


def load_file(path: str, data: bytes) -> tuple[m.Record | None, list[Problem]]:
    """One file's record, and its layout, syntax and schema problems."""
    doc, problems = parse_file(path, data)
    if doc is None:
        return None, problems
    return build_record(path, doc)


def parse_file(path: str, data: bytes) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The parsed document of a file that sits in the layout (the costly half of loading)."""
    try:
        layout.classify(path)
    except layout.LayoutError as exc:
        code = "E-SLUG" if "legal" in str(exc) else "E-LAYOUT"
        return None, [error(code, path, str(exc), line=1)]
    return parse(path, data)


def build_record(path: str, doc: dict[str, Any]) -> tuple[m.Record, list[Problem]]:
    """The typed record of a parsed document, and its schema problems."""
    loc = layout.classify(path)
    builder = Builder(path)
    fixed = _FIXED.get(loc.kind)
    record = builder.build(
        SPECS[loc.kind], doc, (), path=path, id=loc.id, **(fixed(loc) if fixed else {})
    )
    return record, builder.problems


Parsed = list[tuple[str, dict[str, Any] | None, list[Problem]]]


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


def load(store: Store, workers: int | None = None) -> Records:
    """Read, parse and index every record the store lists.

    Parsing is most of the cost of a cold run, so on a large repository other
    cores parse part of the files while this process parses its own part (parsed
    ``tomllib`` documents travel back cheaply; typed records would not); measured
    on 20,000 records with 2 cores: 2.45 s serial, 1.6 s so. ``workers=1`` keeps
    it all in this process.
    """
    paths, refused = store.listing()
    problems: list[Problem] = list(refused)
    blobs: list[tuple[str, bytes]] = []
    for path in paths:
        try:
            blobs.append((path, store.read(path)))
        except OSError as exc:
            problems.append(error("E-IO", path, f"cannot read: {exc.strerror or exc}", line=1))
    if workers is None:
        workers = _cores() if len(blobs) >= PARALLEL_FROM else 1
    records: dict[str, m.Record] = {}
    with gc_paused():
        for path, doc, found in _parse(blobs, workers):
            problems.extend(found)
            if doc is not None:
                record, built = build_record(path, doc)
                problems.extend(built)
                records[path] = record
        return assemble(store, paths, records, problems)


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def _parse_all(blobs: list[tuple[str, bytes]]) -> Parsed:
    return [(path, *parse_file(path, data)) for path, data in blobs]


def _parse(blobs: list[tuple[str, bytes]], workers: int) -> Parsed:
    """Parse every file, this process taking one share and a pool the others."""
    if workers <= 1:
        return _parse_all(blobs)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    try:
        context = multiprocessing.get_context("fork")
    except ValueError:  # pragma: no cover - platforms without fork
        return _parse_all(blobs)
    shares = [blobs[i::workers] for i in range(workers)]
    with ProcessPoolExecutor(max_workers=workers - 1, mp_context=context) as pool:
        futures = [pool.submit(_parse_all, share) for share in shares[1:]]
        out = _parse_all(shares[0])
        for future in futures:
            out.extend(future.result())
    out.sort(key=lambda item: item[0])
    return out


def assemble(
    store: Store, paths: list[str], records: dict[str, m.Record], problems: list[Problem]
) -> Records:
    """Index loaded records by kind (shared by the serial, parallel and cached loaders)."""
    settings = records.get(layout.SETTINGS_FILE)
    if not isinstance(settings, m.Settings):
        settings = m.Settings(path=layout.SETTINGS_FILE, id="dangjian")
        if layout.SETTINGS_FILE not in paths:
            problems.append(
                error(
                    "E-SETTINGS",
                    layout.SETTINGS_FILE,
                    "repository has no dangjian.toml",
                    line=1,
                    hint="run `dangjian init` or add the settings file",
                )
            )
    out = Records(store=store, settings=settings, by_path=records, problems=problems, paths=paths)
    for path, record in records.items():
        if isinstance(record, m.Org):
            out.orgs[record.id] = record
        elif isinstance(record, m.Member):
            out.members[record.id] = record
        elif isinstance(record, m.Settings):
            continue
        else:
            getattr(out, _COLLECTION[layout.classify(path).kind]).append(record)
    return out
