"""Records as of a git commit, or as staged in the index, read from git objects.

One ``git ls-tree`` (or ``git ls-files -s``) lists every path with its blob id;
one long-running ``git cat-file --batch`` serves the bytes. Reads that walk the
listing in order (as :func:`records.repository.load` does) are pipelined with a
growing read-ahead, so a whole commit costs two processes; scattered reads (a
review reading only changed files) fetch just what they ask for. The work tree
and the index file are never touched.
"""

from __future__ import annotations

import contextlib
import posixpath
from collections.abc import Iterable
from pathlib import Path

from ..i18n import say
from ..problems import Problem, error
from ..records import layout
from ..records.store import Store
from .run import BlobStream, CatFile, GitError, RepoInfo, git, nul_fields

SYMLINK = "120000"
GITLINK = "160000"
MAX_READ_AHEAD = 4096


class _BlobStore(Store):
    """A store whose files are git blobs: path -> blob id, read through cat-file."""

    def __init__(self, info: RepoInfo) -> None:
        self.info = info
        self.root = info.root
        self._cat = CatFile(info.root)
        self._blobs: dict[str, str] = {}
        self._paths: list[str] = []
        self._positions: dict[str, int] | None = None
        self._refused: list[Problem] = []
        self._ahead: dict[str, bytes] = {}
        self._stream: BlobStream | None = None
        self._last = -1
        self._window = 1

    # ---- building the listing -------------------------------------------------

    def _build(self, entries: Iterable[tuple[str, str, str]]) -> None:
        """Keep the candidate files among (mode, blob id, path) entries, like FolderStore."""
        blobs: dict[str, str] = {}
        links: dict[str, str] = {}
        folders_refused: set[str] = set()
        for mode, oid, path in entries:
            parts = path.split("/")
            if any(p.startswith(".") for p in parts) or parts[0] in layout.IGNORED_TOP:
                continue
            bad = next((i for i, p in enumerate(parts[:-1]) if p.endswith(".toml")), None)
            if bad is not None:
                folders_refused.add("/".join(parts[: bad + 1]))
                continue
            if mode == GITLINK:
                continue
            if mode == SYMLINK:
                links[path] = oid
            else:
                blobs[path] = oid
        for folder in sorted(folders_refused):
            self._refused.append(
                error("E-FOLDER", folder, say("is a folder where a record file should be"))
            )
        if links:
            self._follow_links(blobs, links)
        self._blobs = {p: o for p, o in blobs.items() if layout.is_candidate(p)}
        self._paths = sorted(self._blobs)

    def _follow_links(self, blobs: dict[str, str], links: dict[str, str]) -> None:
        """Resolve symbolic links inside the records folder; refuse those leading out."""
        names = list(links)
        targets = self._cat.read_many([links[n] for n in names])
        folders: dict[str, list[str]] = {}
        for path in blobs:
            head = path
            while "/" in head:
                head = head.rsplit("/", 1)[0]
                folders.setdefault(head, []).append(path)
        resolved = {
            n: (t or b"").decode("utf-8", "surrogateescape")
            for n, t in zip(names, targets, strict=True)
        }
        for name in names:
            target = name
            for _ in range(10):  # a chain of links, as the file system would follow
                raw = resolved[target]
                joined = posixpath.normpath(posixpath.join(posixpath.dirname(target), raw))
                target = joined
                if raw.startswith("/") or joined == ".." or joined.startswith("../"):
                    target = ""
                    break
                if target not in resolved:
                    break
            else:
                target = None  # still a link after ten: the links go round
            if target is None or (target and target not in blobs and target not in folders):
                if name.endswith(".toml"):  # a loop, or a link to nothing
                    self._refused.append(
                        error(
                            "E-SYMLINK",
                            name,
                            say("symbolic link is broken or loops; refused"),
                            hint=say("replace the link with the record file itself"),
                            line=1,
                        )
                    )
                continue
            if not target:
                if name.endswith(".toml"):
                    self._refused.append(
                        error(
                            "E-SYMLINK",
                            name,
                            say("symbolic link leads out of the repository; refused"),
                            hint=say("copy the file into the repository instead"),
                        )
                    )
                continue
            if target in blobs:
                blobs[name] = blobs[target]
            else:
                for inner in folders.get(target, []):
                    blobs[name + inner[len(target) :]] = blobs[inner]

    @property
    def _order(self) -> dict[str, int]:
        """Each path's place in the listing (built on the first read: a few reads of
        a large tree, after a prefetch, never need it)."""
        if self._positions is None:
            self._positions = {p: i for i, p in enumerate(self._paths)}
        return self._positions

    # ---- the Store interface --------------------------------------------------

    def listing(self) -> tuple[list[str], list[Problem]]:
        return self._paths, self._refused

    def exists(self, path: str) -> bool:
        return path in self._blobs

    def blob_id(self, path: str) -> str | None:
        """The git blob id of a listed path (equal ids: equal bytes)."""
        return self._blobs.get(path)

    def blobs(self) -> dict[str, str]:
        return self._blobs

    def read(self, path: str) -> bytes:
        data = self._ahead.pop(path, None)
        if data is not None:
            return data
        oid = self._blobs.get(path)
        if oid is None:
            raise FileNotFoundError(2, "not in this revision", path)
        index = self._order[path]
        if index == 0 and self._stream is None and len(self._paths) > 1:
            # reading from the first file: a whole-repository load; stream it all
            keys = [p for p in self._paths if p not in self._ahead]
            self._stream = BlobStream(self.root, keys, [self._blobs[p] for p in keys])
        if self._stream is not None and path in self._stream.pending:
            data = self._stream.take(path)
            if data is None:
                raise FileNotFoundError(2, "git object missing", path)
            return data
        if index == self._last + 1:  # reading in listing order: fetch ahead, doubling
            self._window = min(self._window * 2, MAX_READ_AHEAD)
        else:
            self._window = 1
        self._last = index
        batch = self._paths[index : index + self._window]
        self.prefetch(batch)
        data = self._ahead.pop(path, None)
        if data is None:
            raise FileNotFoundError(2, "git object missing", path)
        return data

    def prefetch(self, paths: Iterable[str]) -> None:
        """Fetch many files in one pipelined batch; later reads of them cost nothing."""
        wanted = [p for p in paths if p in self._blobs and p not in self._ahead]
        if not wanted:
            return
        for path, data in zip(
            wanted, self._cat.read_many([self._blobs[p] for p in wanted]), strict=True
        ):
            if data is not None:
                self._ahead[path] = data

    def close(self) -> None:
        self._cat.close()
        if self._stream is not None:
            self._stream.close()
            self._stream = None

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self.close()


class GitStore(_BlobStore):
    """The records folder as of commit ``rev`` (any revision git understands)."""

    def __init__(self, root: Path | str, rev: str) -> None:
        info = RepoInfo(root)
        super().__init__(info)
        self.rev = rev
        self.commit = info.commit(rev)
        self.label = f"{rev}:{self.commit[:10]}" if rev != self.commit else self.commit[:10]
        tree = f"{self.commit}:{info.prefix}" if info.prefix else self.commit
        out = git(info.root, "ls-tree", "-r", "-z", "--full-tree", tree, check=False)
        if not out and info.prefix:
            # the records folder did not exist in that commit: an empty listing
            self._build(())
            return
        self._build(_ls_tree(out))


class TreeStore(_BlobStore):
    """A git tree whose listing is already known (kept with a snapshot), so that
    reading a few of its files needs no listing of the whole tree."""

    def __init__(self, info: RepoInfo, tree: str, blobs: dict[str, str]) -> None:
        super().__init__(info)
        self.label = tree[:10]
        self._blobs = blobs
        self._paths = sorted(blobs)


class IndexStore(_BlobStore):
    """The records folder as staged in the index: what the next commit will hold."""

    def __init__(self, root: Path | str) -> None:
        info = RepoInfo(root)
        if info.bare:
            raise GitError(f"{root} is a bare repository: it has no index")
        super().__init__(info)
        self.label = f"{root} (staged)"
        out = git(info.root, "ls-files", "-s", "-z")
        entries: list[tuple[str, str, str]] = []
        unmerged: set[str] = set()
        for item in nul_fields(out):
            meta, path = item.split("\t", 1)
            mode, oid, stage = meta.split(" ")
            if stage != "0":
                unmerged.add(path)
                continue
            entries.append((mode, oid, path))
        self._build(entries)
        for path in sorted(unmerged):
            if layout.is_candidate(path):
                self._refused.append(
                    error(
                        "E-UNMERGED",
                        path,
                        say("file has unresolved merge conflicts in the index"),
                        line=1,
                        hint=say("resolve the conflict and `git add` the file"),
                    )
                )


def _ls_tree(out: bytes) -> Iterable[tuple[str, str, str]]:
    for item in nul_fields(out):
        meta, path = item.split("\t", 1)
        mode, _kind, oid = meta.split(" ")
        yield mode, oid, path


__all__ = ["GitError", "GitStore", "IndexStore", "TreeStore"]
