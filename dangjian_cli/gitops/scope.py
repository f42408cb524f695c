"""Which records a review must load to judge a change: the change and what it touches.

Validation and obligations look across records (a meeting's quorum reads the
org's members, a member names an org, an org's duties count its meetings), so a
review cannot look at the changed files alone; but it need not read a 100,000
record repository twice either. The scope is:

- every org, every notice and the settings (small, and read by most checks);
- the changed files, on both sides;
- the *affected orgs*: every org a changed record names or lives under, their
  parents, and the children of a changed org; all records filed under them
  (meetings, funds, reports, letters, assessments) and every record that
  mentions them or a changed record by id (``git grep`` on the base commit,
  which finds a member of the org and a meeting an changed member attended);
- the trainings that name a member the change names (their study hours, a new
  secretary's training), found by reading the trainings' bytes, not by a search
  for every file naming those members (all the meetings they attended);
- then, until nothing is added, every member, org or meeting a loaded record names.

Both sides are judged on the same scope, so whatever the scope leaves out is the
same on both sides and cancels in the difference. ``review --full`` loads all; so
does a change of the settings (every rule reads them) or of a training (it changes
the study hours of members of any org, each judged with their own org's lessons):
see :func:`needs_whole`.
"""

from __future__ import annotations

import bisect
import re
import subprocess
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from ..records import layout
from .run import RepoInfo

#: a quoted string that may be an id or a ``<org>/<stem>`` meeting reference
_QUOTED = re.compile(rb"[\"']([a-z0-9][a-z0-9._-]*(?:/[a-z0-9][a-z0-9._-]*)?)[\"']")

_PARENT = re.compile(rb"(?m)^\s*parent\s*=\s*[\"']([^\"']+)[\"']")
_ORG_FOLDERS = ("meetings", "funds", "reports")
_YEAR_FOLDERS = ("letters", "assessments", "weak")


def needs_whole(changed: Iterable[str]) -> bool:
    """Whether a change can only be judged on the whole repository: it changes the
    settings (every rule reads them) or a training (its participants belong to any
    org, and their study hours count their own org's party lessons)."""
    return any(p == layout.SETTINGS_FILE or p.startswith("trainings/") for p in changed)


def mentioned(data: bytes) -> set[str]:
    """Quoted strings in a file that look like ids or meeting references."""
    return {m.decode() for m in _QUOTED.findall(data)}


class Reader(Protocol):
    """Bytes of base files by path, fetched in batches and kept."""

    def many(self, paths: Iterable[str]) -> None: ...

    def __call__(self, path: str) -> bytes | None: ...


@dataclass
class Touched:
    """What a change names: the ids of its records and the orgs it affects directly."""

    ids: set[str] = field(default_factory=set)  # how other records name the changed ones
    #: every id the changed files name, on either side (their trainings are loaded)
    named: set[str] = field(default_factory=set)
    orgs: set[str] = field(default_factory=set)  # orgs whose members and files matter
    changed_orgs: set[str] = field(default_factory=set)

    @property
    def words(self) -> set[str]:
        """What to search the base for: records naming these may judge differently."""
        return self.ids | self.orgs


def touched(
    changed: Iterable[str],
    before: Mapping[str, bytes | None],
    after: Mapping[str, bytes | None],
    orgs: set[str],
) -> Touched:
    """The ids and directly affected orgs of the changed files (from paths and bytes)."""
    out = Touched()
    named: set[str] = set()
    for path in changed:
        try:
            loc = layout.classify(path)
        except layout.LayoutError:
            continue
        if loc.kind in (layout.MEMBER, layout.ORG):
            out.ids.add(loc.id)
        if loc.kind == layout.ORG:
            out.changed_orgs.add(loc.id)
        if loc.folder in orgs:
            out.orgs.add(loc.folder)
        if loc.kind in (layout.LETTER, layout.ASSESSMENT, layout.WEAK) and loc.id in orgs:
            out.orgs.add(loc.id)
        for data in (before.get(path), after.get(path)):
            if data:
                named |= mentioned(data)
    out.orgs |= out.changed_orgs | (named & orgs)
    out.named = named
    return out


def known_paths(
    listing: Iterable[str],
    changed: Iterable[str],
    direct: Touched,
    read: Reader,
    limit: float = float("inf"),
    naming: Callable[[set[str]], set[str]] | None = None,
) -> set[str]:
    """What a review must load that needs no search: orgs, notices and settings; the
    changed files; the files of affected orgs; the trainings naming what the change
    names; and what all of those name.

    Folders are found by bisecting the sorted listing: a county lists 150,000
    files, of which a change touches a few hundred. Past ``limit`` files the
    answer is only known to be too many (the caller loads everything instead),
    and what the others name is not followed."""
    ordered = sorted(listing)
    paths = set(ordered)
    org_files = _under(ordered, "orgs/")
    orgs = layout.org_ids(org_files)
    background = {*org_files, *_under(ordered, "notices/")}
    if layout.SETTINGS_FILE in paths:
        background.add(layout.SETTINGS_FILE)
    # the orgs the change names directly may be too many already (a change spread
    # over a county): known before their parents' files are read
    if limit < len(ordered):
        named = _org_files(ordered, direct.orgs)
        if len(background) + len(named) > limit:
            return background | named
    # the parents of affected orgs and the children of changed orgs: an org's duties
    # depend on its parent's kind; their own files (not their members) are loaded
    read.many(sorted(layout.org_path(o) for o in orgs))
    parents: dict[str, str] = {}
    for org in orgs:
        m = _PARENT.search(read(layout.org_path(org)) or b"")
        if m:
            parents[org] = m.group(1).decode()
    affected = set(direct.orgs)
    affected |= {parents[o] for o in direct.orgs if o in parents}
    affected |= {o for o, parent in parents.items() if parent in direct.changed_orgs}

    roots = {p for p in changed if p in paths} | _org_files(ordered, affected)
    if len(background) + len(roots) > limit:  # too many already: no need to look further
        return background | roots
    # the trainings of the members the change names: loaded, not followed (the other
    # members they name are judged alike on both sides, as those notices name are)
    background |= trainings_naming(ordered, direct.named, read, naming)
    if len(background) + len(roots) > limit:
        return background | roots
    return background | close_over_references(roots, paths, read)


def _org_files(ordered: list[str], orgs: set[str]) -> set[str]:
    """The org files of ``orgs`` and every record filed under them (their meetings,
    funds and reports; their letters, assessments and weak records of each year)."""
    out = {layout.org_path(o) for o in orgs}
    for org in orgs:
        for folder in _ORG_FOLDERS:
            out.update(p for p in _under(ordered, f"{folder}/{org}/") if p.count("/") == 2)
    for folder in _YEAR_FOLDERS:
        for path in _under(ordered, f"{folder}/"):
            parts = path.split("/")
            if len(parts) == 3 and parts[2][:-5] in orgs:
                out.add(path)
    return out


def trainings_naming(
    ordered: list[str],
    ids: set[str],
    read: Reader,
    naming: Callable[[set[str]], set[str]] | None = None,
) -> set[str]:
    """The trainings that name one of ``ids``: from an index of who names whom
    (``naming``, a snapshot's) where there is one, else by reading every training's
    bytes (a county's few thousand trainings: a tenth of a second)."""
    trainings = _under(ordered, "trainings/")
    if not trainings or not ids:
        return set()
    if naming is not None:
        return {p for p in naming(ids) if p.startswith("trainings/")}
    read.many(trainings)
    return {p for p in trainings if mentioned(read(p) or b"") & ids}


def _under(ordered: list[str], prefix: str) -> list[str]:
    """The paths of a sorted listing that start with ``prefix``."""
    start = bisect.bisect_left(ordered, prefix)
    end = bisect.bisect_left(ordered, prefix[:-1] + chr(ord(prefix[-1]) + 1), start)
    return ordered[start:end]


def found_paths(listing: Iterable[str], known: set[str], search: Grep, read: Reader) -> set[str]:
    """What the search adds to ``known``: the records naming the change, and what
    those name in turn."""
    paths = set(listing)
    hits = (search.result() & paths) - known
    return close_over_references(hits, paths, read, known) - known


class Search(Protocol):
    """Finds, in the background, the records that mention some ids."""

    def result(self) -> set[str]: ...

    def close(self) -> None: ...


class Grep:
    """``git grep`` for records that mention some ids, run in the background.

    One extended regular expression (an alternation) in one process: git runs
    fixed-string patterns one after another, far slower for thousands of ids.
    Orgs and notices are left out: they are always loaded. Started early, the
    search of the whole base commit overlaps the rest of the review's reading.
    """

    def __init__(self, info: RepoInfo, commit: str, words: Iterable[str]) -> None:
        self.info, self.commit = info, commit
        self.words = set(words)
        self._proc: subprocess.Popen[bytes] | None = None
        alternatives = sorted({w.replace(".", "\\.") for w in self.words})
        if not alternatives:
            return
        pattern = "[\"'](" + "|".join(alternatives) + ")[\"']\n"
        self._proc = subprocess.Popen(
            # one thread: measured faster on a commit's blobs (threads contend for the
            # object store), and it leaves the other core to the review itself
            ["git", "-c", "grep.threads=1", "grep", "-l", "-z", "-E", "--no-color",
             "-f", "-", commit, "--", ".", ":(exclude)orgs", ":(exclude)notices"],
            cwd=info.root,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        self._input = pattern.encode()

    def close(self) -> None:
        """Stop a search whose answer is not needed."""
        if self._proc is not None:
            self._proc.kill()
            self._proc.communicate()
            self._proc = None

    def result(self) -> set[str]:
        """Paths (relative to the records folder) of the files that matched."""
        if self._proc is None:
            return set()
        out, _ = self._proc.communicate(self._input)
        found: set[str] = set()
        head = f"{self.commit}:"
        for item in out.split(b"\0"):
            if item:
                name = item.decode("utf-8", "surrogateescape").removeprefix(head)
                found.add(name.removeprefix(self.info.prefix))
        return found


def close_over_references(
    scope: set[str], paths: set[str], read: Reader, done: set[str] | None = None
) -> set[str]:
    """Add every member, org or meeting a record in scope names, until none is new
    (files in ``done`` are taken as already closed)."""
    scope = set(scope) | (done or set())
    todo = set(scope) - (done or set())
    while todo:
        read.many(sorted(todo))
        new: set[str] = set()
        for path in todo:
            data = read(path)
            if not data:
                continue
            for word in mentioned(data):
                if "/" in word:
                    candidates = (f"meetings/{word}.toml",)
                else:
                    candidates = (layout.member_path(word), layout.org_path(word))
                for candidate in candidates:
                    if candidate in paths and candidate not in scope:
                        new.add(candidate)
        scope |= new
        todo = new
    return scope
