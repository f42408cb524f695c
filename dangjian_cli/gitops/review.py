"""`dangjian review`: what a change does to the records, their validity and duties.

The base commit is read once, in bulk, and parsed once; the other side is the
base with only the changed files replaced (from a commit, or from the work tree),
so unchanged records are shared rather than read and parsed twice. Validation
and the obligations engine then run on both sides at the same date, and the
difference of their results is what the change introduced or fixed.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from ..problems import Problem
from ..records import layout
from ..records.repository import Records, gc_paused
from .cache import load_blobs_cached
from .changes import Change, changed_paths, head_bytes, org_ids, read_by_id
from .diff import ADDED, CHANGED, KINDS, REMOVED, RENAMED, RecordChange, field_changes
from .run import CatFile, GitError, RepoInfo, git, nul_fields
from .scope import Grep, needs_whole, touched
from .sides import (
    Parsed,
    apply_changes,
    forget_parsed,
    parsed_doc,
    scoped_sides,
)
from .snapshot import stored_snapshot
from .store import GitStore, TreeStore, _BlobStore

if TYPE_CHECKING:
    from .scope import Search

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


# ---- loading both sides ---------------------------------------------------------


# ---- the review -----------------------------------------------------------------


def review(
    root: Path | str,
    spec: str | None = None,
    as_of: date | None = None,
    full: bool = False,
    keep: Callable[[Any], None] | None = None,
) -> Review:
    """Everything ``dangjian review`` reports for the range ``spec`` in ``root``.

    Unless ``full``, both sides are judged on the records the change can affect
    (see :mod:`.scope`), which makes a review cost the size of the change.
    ``keep`` is handed both sides' records, for a caller that would rather keep
    them than free them object by object (the console command, ``cli.lifetime``:
    a county's two sides took 0.2 s to free); they are then out of the
    collector's passes too.
    """
    try:
        # both sides' records (a county's millions of objects) hold no garbage cycles
        # worth finding: the collector's full passes over them cost a second
        with gc_paused():
            result, sides = _review(root, spec, as_of, full)
            if keep is not None:
                keep(sides)
                gc.freeze()
            del sides
            return result
    finally:
        forget_parsed()


def _review(
    root: Path | str, spec: str | None, as_of: date | None, full: bool
) -> tuple[Review, tuple[Records, Records]]:
    info = RepoInfo(root)
    base_side, head_side = parse_range(info, spec)
    if head_side.commit is None and info.bare:
        raise GitError(f"{root} is a bare repository: name a range BASE..HEAD")
    as_of = as_of or date.today()
    result = Review(base_side, head_side, as_of)
    assert base_side.commit is not None

    paths, renames, ids = changed_paths(info, base_side.commit, head_side.commit)

    def read() -> tuple[dict[str, bytes | None], dict[str, bytes | None]]:
        cat = CatFile(info.root)
        try:
            return read_by_id(cat, paths, ids[0]), head_bytes(
                info, cat, head_side.commit, paths, ids[1]
            )
        finally:
            cat.close()

    # git reads the changed files while the base's snapshot is read here
    with ThreadPoolExecutor(1) as pool:
        reading = pool.submit(read)
        kept = stored_snapshot(info, base_side.commit)
        before, after = reading.result()
    change = Change.between(before, after, ids[1])
    changes, before = change.after, change.before

    scoped = not full and not needs_whole(changes)  # settings, trainings: see scope
    snap = kept if scoped else None
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
        base_records = load_blobs_cached(base_store)
        head_records = apply_changes(base_records, changes)
    else:
        base_records, head_records = sides[0].assemble(), sides[1].assemble()
    renamed = {c.old_path: c.path for c in result.changes if c.change == RENAMED and c.old_path}
    # the whole base side is what its snapshot keeps, judged on the review's day
    # (another day's made the review's by its dated checks)
    whole = sides is None and kept is not None
    before_problems = after_problems = before_findings = None
    delta = None
    if whole:  # the head from the base's whole check (gitops.local)
        from .local import judge_head
        from .queries import findings
        from .snapshot import redate

        assert kept is not None
        before_problems = kept.problems
        if kept.day != as_of.isoformat():
            before_problems = redate(before_problems, base_records, as_of)
        before_findings = kept.answer(findings(as_of))
        after_problems, delta = judge_head(
            before_problems, before_findings, base_records, head_records, changes, as_of, FINDING
        )
    result.introduced, result.fixed = problem_delta(
        base_records, head_records, as_of, renamed, before_problems, after_problems
    )
    result.findings_introduced, result.findings_resolved = delta or finding_delta(
        base_records, head_records, as_of, before_findings
    )
    base_store.close()
    return result, (base_records, head_records)


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
    a = parsed_doc(old_path or path, old, keep=True)
    b = parsed_doc(path, new, keep=True)
    unreadable = (old is not None and a is None) or (new is not None and b is None)
    fields = field_changes(a, b) if not unreadable and kind in (CHANGED, RENAMED) else []
    if kind == ADDED and b is not None:
        fields = field_changes(None, b)
    return RecordChange(kind, path, old_path, fields, unreadable)


def problem_delta(
    base: Records,
    head: Records,
    as_of: date,
    renamed: Mapping[str, str],
    before: list[Problem] | None = None,
    after: list[Problem] | None = None,
) -> tuple[list[Problem], list[Problem]]:
    """Problems only the head has (introduced) and only the base has (fixed);
    ``before``: the base's problems when a snapshot of its whole tree keeps them,
    ``after`` the head's when found from them (:mod:`.local`)."""
    from ..checks import validate

    if before is None:
        before = validate(base, as_of, locate=False)
    if after is None:
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


def finding_delta(
    base: Records,
    head: Records,
    as_of: date,
    before: list[Any] | None = None,
) -> tuple[list[Any], list[Any]]:
    """Obligation findings (due/overdue) only the head has, and only the base has;
    ``before``: the base's when a snapshot of its whole tree keeps them."""
    from ..rules.engine import evaluate
    from .local import findings_delta

    if before is None:
        before = evaluate(base, as_of, statuses=FINDING)
    return findings_delta(before, evaluate(head, as_of, statuses=FINDING))


def _finding_dict(o: Any) -> dict[str, Any]:
    from ..output import plain

    return plain(o.as_dict())
