"""The change set between two sides of a records repository: which record files
differ, their bytes on each side, and the unmerged entries that make an index no
single state.

It sits below both :mod:`.review` (what a range does) and :mod:`.snapshot` (a
stored whole check carried over a change): each asks git for the difference here
and judges it in its own way.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..records import layout
from ..records.store import read_inside
from .run import CatFile, GitError, RepoInfo, first_line, git, nul_fields


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
    others = None
    if head is None and not index:  # the untracked files, listed while git diff runs
        exclude = () if ignored else ("--exclude-standard",)
        others = _start(info, "ls-files", "-z", "--others", *exclude)
    try:
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
        if others is not None:
            changed.update(nul_fields(_finish(others)))
    finally:
        if others is not None and others.returncode is None:  # left early: no stray git
            others.kill()
            others.communicate()
    keep = {p for p in changed if is_record_path(p)}
    renames = {n: o for n, o in renames.items() if n in keep and o in keep}
    return (
        keep,
        renames,
        (
            {p: i for p, i in old_ids.items() if p in keep},
            {p: i for p, i in ids.items() if p in keep},
        ),
    )


def _start(info: RepoInfo, *args: str) -> subprocess.Popen[bytes]:
    try:
        return subprocess.Popen(
            ["git", *args], cwd=info.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
    except FileNotFoundError:
        raise GitError("git is not installed (needed for --rev, review, log and hooks)") from None


def _finish(proc: subprocess.Popen[bytes]) -> bytes:
    """The output of a git process started by :func:`_start`, or its one-line error."""
    out, err = proc.communicate()
    if proc.returncode != 0:
        raise GitError(first_line(err) or "git ls-files failed")
    return out


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


def is_record_path(path: str) -> bool:
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
        for path in paths:  # as the folder is read: no link out, no FIFO, no giant
            full = os.path.join(info.root, path)
            if not os.path.lexists(full) or (os.path.isdir(full) and not os.path.islink(full)):
                out[path] = None  # gone, or a folder now (the folder reading names it)
                continue
            try:
                out[path] = read_inside(info.root, path)
            except OSError as exc:
                reason = exc.strerror or str(exc)
                raise GitError(f"{path}: {reason}; refused (put the record file there)") from None
        return out
    ids = ids or {}
    names = [ids.get(p) or f"{head}:{info.prefix}{p}" for p in paths]
    return dict(zip(paths, cat.read_many(names), strict=True))


@dataclass
class Change:
    """Changed files of a side against a snapshot's tree: bytes before and after
    (None: absent), and the new blob ids where git names them."""

    before: dict[str, bytes | None]
    after: dict[str, bytes | None]
    blobs: dict[str, str]

    @classmethod
    def between(
        cls, before: dict[str, bytes | None], after: dict[str, bytes | None], blobs: dict[str, str]
    ) -> Change:
        """The files whose bytes differ (a mode change alone is no change)."""
        changed = [p for p in after if before[p] != after[p]]
        return cls({p: before[p] for p in changed}, {p: after[p] for p in changed}, blobs)
