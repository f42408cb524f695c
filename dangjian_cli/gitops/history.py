"""`dangjian log`: the history of one record, field by field, across renames.

One ``git log --follow --name-status`` lists the commits that touched the file
(and the name it had in each); one ``git cat-file --batch`` reads both versions
of every commit, and :mod:`.diff` says which fields each commit changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..records import layout
from ..records.store import FolderStore
from .diff import ADDED, CHANGED, REMOVED, RENAMED, FieldChange, field_changes
from .run import CatFile, GitError, RepoInfo, git
from .sides import parsed_doc as _doc


@dataclass
class Entry:
    """One commit's change to the record."""

    commit: str
    author: str
    email: str
    date: str
    message: str
    change: str
    path: str
    old_path: str | None = None
    fields: list[FieldChange] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "commit": self.commit,
            "author": self.author,
            "email": self.email,
            "date": self.date,
            "message": self.message,
            "change": self.change,
            "path": self.path,
        }
        if self.old_path:
            d["old_path"] = self.old_path
        d["fields"] = [f.as_dict() for f in self.fields]
        return d


_STATUS = {"A": ADDED, "D": REMOVED, "M": CHANGED, "T": CHANGED, "R": RENAMED, "C": ADDED}


def history(root: Path | str, path: str, only_field: str | None = None) -> list[Entry]:
    """Commits that changed the record at ``path`` (newest first), following renames."""
    info = RepoInfo(root)
    if info.bare:
        raise GitError(f"{root} is a bare repository: run `dangjian log` in a clone")
    out = git(
        info.root,
        "log",
        "--follow",
        "--name-status",
        "-z",
        "-M",
        "--format=%x1e%H%x1f%an%x1f%ae%x1f%aI%x1f%s",
        "--",
        path,
        check=False,
    )
    raw: list[tuple[list[str], str, str, str | None]] = []
    for chunk in out.split(b"\x1e")[1:]:
        header, _, rest = chunk.partition(b"\0")
        meta = header.decode("utf-8", "replace").split("\x1f")
        items = [x.decode("utf-8", "surrogateescape") for x in rest.split(b"\0")]
        items = [x.strip("\n") for x in items if x.strip("\n")]
        if not items:
            continue  # a merge commit: its parents' commits tell the story
        status = items[0]
        if status[0] in "RC" and len(items) >= 3:
            raw.append((meta, status[0], items[2], items[1]))
        else:
            raw.append((meta, status[0], items[1], None))
    prefix = info.prefix
    names: list[str] = []
    for meta, status, new, old in raw:
        commit = meta[0]
        names.append(f"{commit}^:{old or new}" if status != "A" else "")
        names.append(f"{commit}:{new}" if status != "D" else "")
    cat = CatFile(info.root)
    wanted = [n for n in names if n]
    blobs = dict(zip(wanted, cat.read_many(wanted), strict=True))
    cat.close()
    entries: list[Entry] = []
    for i, (meta, status, new, old) in enumerate(raw):
        before = blobs.get(names[2 * i]) if names[2 * i] else None
        after = blobs.get(names[2 * i + 1]) if names[2 * i + 1] else None
        rel_new = new.removeprefix(prefix)
        rel_old = old.removeprefix(prefix) if old else None
        fields = field_changes(_doc(rel_old or rel_new, before), _doc(rel_new, after))
        if only_field:
            fields = [
                f for f in fields if f.field == only_field or f.field.startswith(only_field + ".")
            ]
            if not fields:
                continue
        commit, author, email, when, message = (meta + [""] * 5)[:5]
        entries.append(
            Entry(
                commit,
                author,
                email,
                when,
                message,
                _STATUS.get(status, CHANGED),
                rel_new,
                rel_old,
                fields,
            )
        )
    return entries


def resolve(root: Path | str, name: str) -> str:
    """The record path a user means: a path (with or without .toml) or a bare id."""
    root = Path(root)
    given = name.strip()
    if "/" in given or given.endswith(".toml"):
        candidate = Path(given)
        if candidate.is_absolute() or candidate.exists():
            try:
                given = Path(candidate).resolve().relative_to(root.resolve()).as_posix()
            except ValueError:
                raise InputError(f"{name}: not inside the records repository {root}") from None
        return given if given.endswith(".toml") else given + ".toml"
    paths = set(FolderStore(root).listing()[0])
    try:
        tracked = git(root, "ls-files", "-z", check=False)
        paths.update(p for p in tracked.decode("utf-8", "replace").split("\0") if p)
    except GitError:
        pass
    matches = sorted(p for p in paths if layout.is_candidate(p) and p[:-5].rsplit("/")[-1] == given)
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise InputError(
            f"no record named {name!r} (give its path, e.g. members/{name}.toml, "
            "to follow a deleted record)"
        )
    raise InputError(f"{name!r} names several records: {', '.join(matches)}; give the path")
