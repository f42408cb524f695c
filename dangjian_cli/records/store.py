"""Where record bytes come from: one interface, several sources.

A :class:`Store` lists the candidate record paths and reads their bytes. The work
tree is one source; a git commit (``gitops``) and a staged snapshot are others,
and :class:`OverlayStore` lays pending writes over any of them so that a write
can be validated before it touches the disk.
"""

from __future__ import annotations

import errno
import os
import stat
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from ..i18n import Message, say
from ..problems import Problem, error
from . import layout

#: the largest record read, in bytes (a fund ledger of 2,000 entries is ~300 KB);
#: a larger file is refused by ``parse`` (E-TOO-BIG), and never read whole
MAX_BYTES = 4 * 1024 * 1024


class StoreError(OSError):
    """The source itself cannot be read (not a folder, unknown revision...)."""


class TooBig(OSError):
    """A file larger than :data:`MAX_BYTES`: never read, so that nothing works on
    (or writes back) a part of it."""


class Store(ABC):
    """A read-only view of a records repository's files."""

    #: how this source is named in messages ("sample_repo", "HEAD:abc123")
    label: str = ""
    #: whether a forked process may read files through it (no shared pipe or state)
    forkable: bool = False

    @abstractmethod
    def listing(self) -> tuple[list[str], list[Problem]]:
        """Repository-relative paths of candidate record files, and entries refused."""

    @abstractmethod
    def read(self, path: str) -> bytes:
        """Bytes of one file listed by :meth:`listing`."""

    def exists(self, path: str) -> bool:
        paths, _ = self.listing()
        return path in paths

    @contextmanager
    def reading(self) -> Iterator[Callable[[str], bytes]]:
        """:meth:`read`, for reading many files in a row (see :class:`FolderStore`)."""
        yield self.read


class FolderStore(Store):
    """The files of a folder on disk (a git work tree or a plain folder)."""

    forkable = True

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        if not self.root.is_dir():
            raise StoreError(f"{root}: not a folder")
        self.label = str(root)
        self._folder = str(self.root)
        self._real_root = os.path.realpath(self.root)
        self._cache: tuple[list[str], list[Problem]] | None = None

    def listing(self) -> tuple[list[str], list[Problem]]:
        if self._cache is None:
            paths: list[str] = []
            refused: list[Problem] = []
            self._walk(str(self.root), "", paths, refused)
            paths.sort()
            self._cache = (paths, refused)
        return self._cache

    def _walk(self, folder: str, prefix: str, paths: list[str], refused: list[Problem]) -> None:
        try:
            entries = list(os.scandir(folder))
        except OSError as exc:
            where = prefix.rstrip("/") or "."
            refused.append(error("E-IO", where, say("cannot read folder: {why}", why=str(exc))))
            return
        # below the top, whether a .toml here is a candidate is the same for every
        # file (layout.is_candidate, asked once rather than once a file)
        here = layout.is_candidate(prefix + "x.toml") if prefix else None
        for entry in entries:
            name = entry.name
            rel = prefix + name
            if name.startswith(".") or (not prefix and name in layout.IGNORED_TOP):
                continue
            if entry.is_symlink():
                target = os.path.realpath(entry.path)
                if name.endswith(".toml") and not os.path.exists(entry.path):
                    refused.append(
                        error(
                            "E-SYMLINK",
                            rel,
                            say("symbolic link is broken or loops; refused"),
                            hint=say("replace the link with the record file itself"),
                            line=1,
                        )
                    )
                    continue
                if not target.startswith(self._real_root + os.sep):
                    if name.endswith(".toml") or os.path.isdir(entry.path):
                        refused.append(
                            error(
                                "E-SYMLINK",
                                rel,
                                say("symbolic link leads out of the repository; refused"),
                                hint=say("copy the file into the repository instead"),
                                line=1,  # never read the target, not even to find a line
                            )
                        )
                    continue
            if entry.is_dir():
                if name.endswith(".toml"):
                    refused.append(
                        error(
                            "E-FOLDER",
                            rel,
                            say("is a folder where a record file should be"),
                            line=1,
                        )
                    )
                    continue
                self._walk(entry.path, rel + "/", paths, refused)
            elif (name.endswith(".toml") and here) if prefix else layout.is_candidate(rel):
                if entry.is_file():  # the type scandir read with the name: no extra call
                    paths.append(rel)
                else:  # never opened: opening a FIFO waits for a writer forever
                    refused.append(
                        error(
                            "E-IO",
                            rel,
                            say("is {what}, not a record file; refused", what=_special_kind(entry)),
                            line=1,
                        )
                    )

    def read(self, path: str) -> bytes:
        # os-level calls: half the cost of a Path and a buffered file per record,
        # which adds up over a county's 150,000 small files
        return _read_regular(os.path.join(self._folder, path), path)

    @contextmanager
    def reading(self) -> Iterator[Callable[[str], bytes]]:
        """:meth:`read` through the folder's open descriptor, while it is open: each
        file is opened from there, with no full path joined and walked down from
        the top for each of a county's files (a cold load's reads: 9 -> 7 µs a file)."""
        try:
            fd = os.open(self._folder, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:  # read as ever, each file's error said by read
            yield self.read
            return
        try:
            yield lambda path: _read_regular(path, path, fd)
        finally:
            os.close(fd)

    def exists(self, path: str) -> bool:
        return (self.root / path).is_file()


def _read_regular(full: str, path: str, folder: int | None = None) -> bytes:
    """The bytes of a plain file of at most :data:`MAX_BYTES`. Non-blocking, so that
    a file replaced by a FIFO since it was listed cannot hang the run; a file past
    the size limit is refused (one that grows meanwhile is cut one byte past the
    limit, and ``parse`` refuses it)."""
    fd = os.open(full, os.O_RDONLY | os.O_NONBLOCK, dir_fd=folder)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise OSError(errno.EINVAL, "not a regular file", path)
        if st.st_size > MAX_BYTES:
            limit = f"file is larger than {MAX_BYTES // (1024 * 1024)} MiB"
            raise TooBig(errno.EFBIG, limit, path)
        # one read asks for a byte more than the size: getting exactly the size
        # means the end was met, so a file that did not change needs no second call
        # (a county's 150,000 files: 150,000 system calls fewer); a short or long
        # read goes on to the end as before
        first = os.read(fd, st.st_size + 1)
        if len(first) == st.st_size:
            return first
        chunks = [first]
        left = MAX_BYTES + 1 - len(first)
        while left > 0 and (chunk := os.read(fd, min(1 << 16, left))):
            chunks.append(chunk)
            left -= len(chunk)
    finally:
        os.close(fd)
    return b"".join(chunks)


def read_inside(root: str | os.PathLike[str], path: str) -> bytes:
    """One file of a records repository read on its own (the settings, a notice
    being numbered, a file a command is about to edit), as the listing would let
    it be read: refused with ``OSError`` if it is a link out of ``root``, a FIFO,
    a device or a socket, or larger than :data:`MAX_BYTES`."""
    full = os.path.join(root, path)
    real_root = os.path.realpath(root)
    if not os.path.realpath(full).startswith(real_root + os.sep):
        raise OSError(errno.EXDEV, "symbolic link leads out of the repository", path)
    return _read_regular(full, path)


def _special_kind(entry: os.DirEntry[str]) -> Message:
    """What a directory entry that is neither a folder nor a plain file is."""
    try:
        mode = entry.stat().st_mode
    except OSError:
        return say("unreadable")
    if stat.S_ISFIFO(mode):
        return say("a FIFO (named pipe)")
    if stat.S_ISSOCK(mode):
        return say("a socket")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return say("a device")
    return say("a special file")


class OverlayStore(Store):
    """Another store with some files replaced, added (bytes) or removed (None)."""

    def __init__(self, base: Store, changes: Mapping[str, bytes | None]) -> None:
        self.base = base
        self.changes = dict(changes)
        self.label = base.label

    def listing(self) -> tuple[list[str], list[Problem]]:
        paths, refused = self.base.listing()
        out = set(paths)
        for path, data in self.changes.items():
            if data is None:
                out.discard(path)
            elif layout.is_candidate(path):
                out.add(path)
        return sorted(out), refused

    def read(self, path: str) -> bytes:
        if path in self.changes:
            data = self.changes[path]
            if data is None:
                raise FileNotFoundError(path)
            return data
        return self.base.read(path)

    def exists(self, path: str) -> bool:
        if path in self.changes:
            return self.changes[path] is not None
        return self.base.exists(path)


def find_root(start: str | os.PathLike[str]) -> Path | None:
    """The nearest folder upwards from ``start`` that holds ``dangjian.toml``."""
    here = Path(start).resolve()
    for folder in (here, *here.parents):
        if (folder / layout.SETTINGS_FILE).is_file():
            return folder
    return None
