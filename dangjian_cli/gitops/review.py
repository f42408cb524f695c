"""`dangjian review`: what a change does to the records, their validity and duties.

The base commit is read once, in bulk, and parsed once; the other side is the
base with only the changed files replaced (from a commit, or from the work tree),
so unchanged records are shared rather than read and parsed twice. Validation
and the obligations engine then run on both sides at the same date, and the
difference of their results is what the change introduced or fixed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError
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
)
from ..records.store import OverlayStore, Store
from .cache import load_blobs_cached
from .diff import ADDED, CHANGED, KINDS, REMOVED, RENAMED, RecordChange, field_changes
from .run import CatFile, GitError, RepoInfo, git, nul_fields
from .scope import Grep, touched
from .snapshot import Change, stored_snapshot
from .store import GitStore, TreeStore, _BlobStore

if TYPE_CHECKING:
    from .scope import Search, Touched

WORK_TREE = "working tree"


@dataclass
class Side:
    """One end of the range: a commit id, or None for the work tree."""

    label: str
    commit: str | None


@dataclass
class Review:
    base: Side
    head: Side
    as_of: date
    changes: list[RecordChange] = field(default_factory=list)
    introduced: list[Problem] = field(default_factory=list)
    fixed: list[Problem] = field(default_factory=list)
    findings_introduced: list[Any] = field(default_factory=list)
    findings_resolved: list[Any] = field(default_factory=list)
    #: (change, path) of files under the repository's own templates/: they decide the
    #: words of every clerk's documents, so a reviewer is asked to read them
    templates: list[tuple[str, str]] = field(default_factory=list)

    @property
    def introduced_errors(self) -> int:
        return sum(1 for p in self.introduced if p.is_error)

    def by_kind(self) -> dict[str, list[RecordChange]]:
        return {k: [c for c in self.changes if c.change == k] for k in KINDS}

    def as_dict(self) -> dict[str, Any]:
        return {
            "base": {"label": self.base.label, "commit": self.base.commit},
            "head": {"label": self.head.label, "commit": self.head.commit},
            "as_of": self.as_of.isoformat(),
            "changes": {k: [c.as_dict() for c in v] for k, v in self.by_kind().items()},
            "problems_introduced": [p.as_dict() for p in self.introduced],
            "problems_fixed": [p.as_dict() for p in self.fixed],
            "findings_introduced": [_finding_dict(f) for f in self.findings_introduced],
            "findings_resolved": [_finding_dict(f) for f in self.findings_resolved],
            "templates_changed": [{"change": c, "path": p} for c, p in self.templates],
        }


# ---- the range ---------------------------------------------------------------


def default_base(info: RepoInfo) -> Side:
    """The merge-base of HEAD with its upstream, else with ``main``, else HEAD."""
    head = info.commit("HEAD") if _has_commits(info) else None
    if head is None:
        raise InputError(f"{info.root}: the repository has no commits yet")
    for other in ("@{upstream}", "main", "master"):
        target = git(info.root, "rev-parse", "--verify", "-q", f"{other}^{{commit}}", check=False)
        if not target.strip():
            continue
        base = git(info.root, "merge-base", "HEAD", target.decode().strip(), check=False)
        if base.strip():
            name = "upstream" if other.startswith("@") else other
            return Side(f"merge-base with {name}", base.decode().strip())
    return Side("HEAD", head)


def _has_commits(info: RepoInfo) -> bool:
    return bool(git(info.root, "rev-parse", "--verify", "-q", "HEAD", check=False).strip())


def parse_range(info: RepoInfo, spec: str | None) -> tuple[Side, Side]:
    """``BASE..HEAD``, ``BASE...HEAD`` (from their merge-base), ``BASE`` (to the work tree)."""
    if not spec:
        return default_base(info), Side(WORK_TREE, None)
    if "..." in spec:
        a, b = spec.split("...", 1)
        a, b = a or "HEAD", b or "HEAD"
        ca, cb = info.commit(a), info.commit(b)
        base = git(info.root, "merge-base", ca, cb, check=False).decode().strip()
        if not base:
            raise GitError(f"{a} and {b} have no common ancestor")
        return Side(f"merge-base of {a} and {b}", base), Side(b, cb)
    if ".." in spec:
        a, b = spec.split("..", 1)
        a, b = a or "HEAD", b or "HEAD"
        return Side(a, info.commit(a)), Side(b, info.commit(b))
    return Side(spec, info.commit(spec)), Side(WORK_TREE, None)


# ---- what changed --------------------------------------------------------------


class Unmerged(GitError):
    """The index holds unresolved conflicts: it is no single state to compare."""


def changed_paths(
    info: RepoInfo,
    base: str,
    head: str | None,
    *,
    index: bool = False,
    ignored: bool = False,
) -> tuple[set[str], dict[str, str], tuple[dict[str, str], dict[str, str]]]:
    """Paths (relative to the records folder) that differ, git's renames new -> old,
    and the blob ids of each path on the base and the head side where git names
    them (reading by id spares git a tree walk per file).

    ``head`` None is the work tree (with untracked files, and ignored ones too when
    ``ignored``), or with ``index`` the staged files."""
    args = ["diff", "-z", "--raw", "--no-abbrev", "-M", "--no-ext-diff", "--relative"]
    if index:
        args.append("--cached")
    args.append(base)
    if head:
        args.append(head)
    out = list(nul_fields(git(info.root, *args)))
    changed: set[str] = set()
    renames: dict[str, str] = {}
    old_ids: dict[str, str] = {}
    ids: dict[str, str] = {}
    i = 0
    while i < len(out):
        meta = out[i].split()
        status, old_id, new_id = meta[-1], meta[2], meta[3]
        if status[0] in "RC":
            old, new = out[i + 1], out[i + 2]
            i += 3
            if status[0] == "R":
                changed.add(old)
                renames[new] = old
                if old_id.strip("0"):
                    old_ids[old] = old_id
        else:
            new = out[i + 1]
            i += 2
            if old_id.strip("0"):
                old_ids[new] = old_id
        if index and status[0] == "U":
            raise Unmerged(f"{new}: unresolved merge conflict in the index")
        changed.add(new)
        if (head or index) and new_id.strip("0"):
            ids[new] = new_id
    if head is None and not index:
        exclude = () if ignored else ("--exclude-standard",)
        untracked = git(info.root, "ls-files", "-z", "--others", *exclude)
        changed.update(nul_fields(untracked))
    keep = {p for p in changed if _is_record_path(p)}
    renames = {n: o for n, o in renames.items() if n in keep and o in keep}
    return (
        keep,
        renames,
        (
            {p: i for p, i in old_ids.items() if p in keep},
            {p: i for p, i in ids.items() if p in keep},
        ),
    )


_TEMPLATE_STATUS = {"A": ADDED, "D": REMOVED, "M": CHANGED, "T": CHANGED}


def template_changes(info: RepoInfo, base: str, head: str | None) -> list[tuple[str, str]]:
    """(change, path) of the files under ``templates/`` that differ between ``base`` and
    ``head`` (None: the work tree, untracked files included).

    Templates are not records (``changed_paths`` leaves them out), but a repository's
    templates render on every clerk's machine: a change to them needs a reader.
    """
    args = ["diff", "-z", "--name-status", "--no-renames", "--no-ext-diff", "--relative", base]
    if head:
        args.append(head)
    fields = list(nul_fields(git(info.root, *args, "--", "templates/")))
    pairs = zip(fields[::2], fields[1::2], strict=True)
    out = {path: _TEMPLATE_STATUS.get(status[:1], CHANGED) for status, path in pairs}
    if head is None and not info.bare:
        untracked = git(info.root, "ls-files", "-z", "--others", "--exclude-standard", "templates/")
        out.update(dict.fromkeys(nul_fields(untracked), ADDED))
    return sorted((change, path) for path, change in out.items())


def read_by_id(
    cat: CatFile, paths: Iterable[str], ids: Mapping[str, str]
) -> dict[str, bytes | None]:
    """Bytes of ``paths`` by their blob ids; None where a path has no id (absent)."""
    paths = sorted(paths)
    known = [p for p in paths if p in ids]
    out: dict[str, bytes | None] = dict.fromkeys(paths)
    out.update(zip(known, cat.read_many([ids[p] for p in known]), strict=True))
    return out


def org_ids(info: RepoInfo, commit: str) -> set[str]:
    """Ids of the orgs in ``commit`` (one small tree listing)."""
    out = git(info.root, "ls-tree", "-z", "--name-only", f"{commit}:{info.prefix}orgs", check=False)
    return {n[:-5] for n in nul_fields(out) if n.endswith(".toml")}


def _is_record_path(path: str) -> bool:
    parts = path.split("/")
    return (
        layout.is_candidate(path)
        and not any(p.startswith(".") for p in parts)
        and parts[0] not in layout.IGNORED_TOP
    )


def head_bytes(
    info: RepoInfo,
    cat: CatFile,
    head: str | None,
    paths: Iterable[str],
    ids: Mapping[str, str] | None = None,
) -> dict[str, bytes | None]:
    """The bytes of ``paths`` on the head side (None where the file is gone)."""
    paths = sorted(paths)
    if head is None:
        out: dict[str, bytes | None] = {}
        for path in paths:
            target = Path(info.root, path)
            out[path] = target.read_bytes() if target.is_file() else None
        return out
    ids = ids or {}
    names = [ids.get(p) or f"{head}:{info.prefix}{p}" for p in paths]
    return dict(zip(paths, cat.read_many(names), strict=True))


# ---- loading both sides ---------------------------------------------------------


@dataclass
class Loaded:
    """Per-file load results, so that another side can reuse the unchanged ones."""

    store: Store
    paths: list[str]
    records: dict[str, m.Record]
    problems: dict[str, list[Problem]]
    refused: list[Problem]

    def assemble(self) -> Records:
        problems = list(self.refused)
        for path in self.paths:
            problems.extend(self.problems.get(path, ()))
        return assemble(self.store, list(self.paths), dict(self.records), problems)


#: a file's record and load problems, as loaded before (from the same bytes)
Parsed = Mapping[str, tuple[m.Record | None, list[Problem]]]


#: a scoped load parses in two processes from this many files (a fork costs
#: about as much as parsing 100)
PARALLEL_FROM = 1000


def load_all(store: Store, parsed: Parsed | None = None) -> Loaded:
    paths, refused = store.listing()
    records: dict[str, m.Record] = {}
    problems: dict[str, list[Problem]] = {}
    parsed = dict(parsed or {})
    with gc_paused():
        todo = [p for p in paths if p not in parsed]
        if len(todo) >= PARALLEL_FROM:
            for path, record, found, _ in load_paths(store, todo, cores()):
                parsed[path] = (record, found)
        for path in paths:
            done = parsed.get(path)
            record, found = done if done is not None else _load_one(store, path)
            if found:
                problems[path] = found
            if record is not None:
                records[path] = record
    return Loaded(store, list(paths), records, problems, list(refused))


def _loaded(records: Records) -> Loaded:
    """A whole loaded side, per file (problems of paths not listed were refused)."""
    paths = set(records.paths)
    problems: dict[str, list[Problem]] = {}
    refused: list[Problem] = []
    for problem in records.problems:
        if problem.path in paths:
            problems.setdefault(problem.path, []).append(problem)
        else:
            refused.append(problem)
    return Loaded(records.store, list(records.paths), dict(records.by_path), problems, refused)


def _load_one(store: Store, path: str) -> tuple[m.Record | None, list[Problem]]:
    from ..problems import error

    try:
        data = store.read(path)
    except OSError as exc:
        return None, [error("E-IO", path, f"cannot read: {exc.strerror or exc}", line=1)]
    return _load_bytes(path, data)


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
        record, found = _load_bytes(path, data)
        if found:
            problems[path] = found
        if record is not None:
            records[path] = record
    return Loaded(store, paths, records, problems, list(refused))


# ---- the review -----------------------------------------------------------------


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
    known = known_paths(listing, changes, direct, cache, limit)
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
    return base, head


#: in a repository large enough for the blob cache, a change that touches more than
#: this share of the records is reviewed on the whole base side, read through the
#: cache: parsing that many files is slower than taking them all from the cache
SCOPED_SHARE = 0.1


def review(
    root: Path | str, spec: str | None = None, as_of: date | None = None, full: bool = False
) -> Review:
    """Everything ``dangjian review`` reports for the range ``spec`` in ``root``.

    Unless ``full``, both sides are judged on the records the change can affect
    (see :mod:`.scope`), which makes a review cost the size of the change.
    """
    try:
        return _review(root, spec, as_of, full)
    finally:
        _PARSED.clear()


def _review(root: Path | str, spec: str | None, as_of: date | None, full: bool) -> Review:
    info = RepoInfo(root)
    base_side, head_side = parse_range(info, spec)
    if head_side.commit is None and info.bare:
        raise GitError(f"{root} is a bare repository: name a range BASE..HEAD")
    as_of = as_of or date.today()
    result = Review(base_side, head_side, as_of)
    assert base_side.commit is not None

    paths, renames, ids = changed_paths(info, base_side.commit, head_side.commit)
    cat = CatFile(info.root)
    before = read_by_id(cat, paths, ids[0])
    after = head_bytes(info, cat, head_side.commit, paths, ids[1])
    cat.close()
    change = Change.between(before, after, ids[1])
    changes, before = change.after, change.before

    scoped = not full and layout.SETTINGS_FILE not in changes  # settings: every rule changes
    snap = stored_snapshot(info, base_side.commit) if scoped else None
    base_store: _BlobStore
    search: Search | None = None
    parsed: Parsed | None = None
    if snap is not None:  # the base's listing, index and orgs from its snapshot
        from .snapshot import WordSearch

        direct = touched(changes, before, changes, layout.org_ids(snap.blobs))
        search, parsed = WordSearch(snap, direct.words), snap.kept
        base_store = TreeStore(info, snap.tree, snap.blobs)
    else:
        if scoped:
            direct = touched(changes, before, changes, org_ids(info, base_side.commit))
            search = Grep(info, base_side.commit, direct.words)  # runs while we go on
        base_store = GitStore(info.root, base_side.commit)
    result.changes = record_changes(before, changes, renames)
    result.templates = template_changes(info, base_side.commit, head_side.commit)

    sides = None
    if search is not None:
        listing = base_store.listing()[0]
        sides = scoped_sides(base_store, listing, changes, before, direct, search, parsed)
    if sides is None:  # the whole base side: through the blob cache, unchanged blobs unparsed
        base = _loaded(load_blobs_cached(base_store))
        head = load_changed(base, changes)
    else:
        base, head = sides
    base_records, head_records = base.assemble(), head.assemble()
    renamed = {c.old_path: c.path for c in result.changes if c.change == RENAMED and c.old_path}
    result.introduced, result.fixed = problem_delta(base_records, head_records, as_of, renamed)
    result.findings_introduced, result.findings_resolved = finding_delta(
        base_records, head_records, as_of
    )
    base_store.close()
    return result


def record_changes(
    before: Mapping[str, bytes | None],
    after: Mapping[str, bytes | None],
    renames: Mapping[str, str],
) -> list[RecordChange]:
    """Added, removed, renamed and changed records with their field changes."""
    added = {p for p, d in after.items() if d is not None and before.get(p) is None}
    removed = {p for p, d in before.items() if d is not None and after.get(p) is None}
    pairs: dict[str, str] = {n: o for n, o in renames.items() if n in added and o in removed}
    # git may miss a rename (an untracked new file, a small record much edited):
    # pair what remains by identical content, then by the same kind and id
    for new in sorted(added - pairs.keys()):
        left = removed - set(pairs.values())
        same = [o for o in sorted(left) if before[o] == after[new]]
        if not same:
            ident = _identity(new)
            same = [o for o in sorted(left) if ident is not None and _identity(o) == ident]
        if same:
            pairs[new] = same[0]
    out: list[RecordChange] = []
    for new, old in sorted(pairs.items()):
        out.append(_change(RENAMED, new, before[old], after[new], old))
    paired_old = set(pairs.values())
    for path in sorted(after.keys() | before.keys()):
        if path in pairs or path in paired_old:
            continue
        if path in added:
            out.append(_change(ADDED, path, None, after[path]))
        elif path in removed:
            out.append(_change(REMOVED, path, before[path], None))
        elif before.get(path) is not None:
            out.append(_change(CHANGED, path, before[path], after[path]))
    return out


def _identity(path: str) -> tuple[str, str] | None:
    try:
        loc = layout.classify(path)
    except layout.LayoutError:
        return None
    return (loc.kind, loc.id)


def _change(
    kind: str, path: str, old: bytes | None, new: bytes | None, old_path: str | None = None
) -> RecordChange:
    a = _doc(old_path or path, old, keep=True)
    b = _doc(path, new, keep=True)
    unreadable = (old is not None and a is None) or (new is not None and b is None)
    fields = field_changes(a, b) if not unreadable and kind in (CHANGED, RENAMED) else []
    if kind == ADDED and b is not None:
        fields = field_changes(None, b)
    return RecordChange(kind, path, old_path, fields, unreadable)


#: documents parsed for the field diff, kept for loading the same bytes (parsed once)
_PARSED: dict[tuple[str, bytes], tuple[dict[str, Any] | None, list[Problem]]] = {}


def _doc(path: str, data: bytes | None, keep: bool = False) -> dict[str, Any] | None:
    if data is None:
        return None
    doc, problems = parse(path, data)
    if keep:
        _PARSED[(path, data)] = (doc, problems)
    return doc


def _load_bytes(path: str, data: bytes) -> tuple[m.Record | None, list[Problem]]:
    """:func:`load_file`, reusing a document the diff already parsed."""
    parsed = _PARSED.pop((path, data), None)
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


def problem_delta(
    base: Records, head: Records, as_of: date, renamed: Mapping[str, str]
) -> tuple[list[Problem], list[Problem]]:
    """Problems only the head has (introduced) and only the base has (fixed)."""
    from ..checks import validate

    before = validate(base, as_of, locate=False)
    after = validate(head, as_of, locate=False)

    def ident(p: Problem, moved: Mapping[str, str]) -> tuple[str, ...]:
        code, severity, path, message = p.identity()
        return (code, severity, moved.get(path, path), message)

    old_ids = {ident(p, renamed) for p in before}
    new_ids = {ident(p, {}) for p in after}
    introduced = [p for p in after if ident(p, {}) not in old_ids]
    fixed = [p for p in before if ident(p, renamed) not in new_ids]
    head.locate(introduced)  # lines only for what is shown
    base.locate(fixed)
    introduced.sort(key=Problem.sort_key)
    fixed.sort(key=Problem.sort_key)
    return introduced, fixed


FINDING = ("due", "overdue")


def finding_delta(base: Records, head: Records, as_of: date) -> tuple[list[Any], list[Any]]:
    """Obligation findings (due/overdue) only the head has, and only the base has."""
    from ..rules.engine import evaluate

    def key(o: Any) -> tuple[Any, ...]:
        return (o.subject, o.rule, o.period, o.status)

    before = evaluate(base, as_of, statuses=FINDING)
    after = evaluate(head, as_of, statuses=FINDING)
    old = {key(o) for o in before}
    new = {key(o) for o in after}
    return [o for o in after if key(o) not in old], [o for o in before if key(o) not in new]


def _finding_dict(o: Any) -> dict[str, Any]:
    from ..output import plain

    return plain(o.as_dict())
