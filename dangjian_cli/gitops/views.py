"""Read commands' output kept for the exact records a snapshot describes.

A listing or a status screen of a county is a function of the side's records, the
day, the code, the language and the command's own options; nothing else. When a
side is judged through a snapshot (:func:`.snapshot.judge`), its records are
named exactly by :attr:`.snapshot.Judged.state` (the tree, and the bytes of
every file the work tree or index changes against it). The text a command
printed is kept under a digest of all of these, so that asking again, nothing
changed, prints it without reading a record; any edit, a new day or new code
makes another key, and the text is computed afresh (and kept in its turn).

Views live in ``.git/dangjian-snapshots/.views/`` (the newest :data:`KEEP` by
use), are written atomically and read whole; a damaged one is only a cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

#: the folder beside the snapshots (a dot name: never taken for a snapshot)
FOLDER = ".views"
#: views kept per repository (the newest by use)
KEEP = 12
#: a view this large is written by a detached process (a county's roster is 20 MB)
BEHIND_FROM = 1 << 20
#: the room views may take together (the newest is kept whatever its size)
ROOM = 128 << 20
#: a view larger than this is not kept
LARGEST = ROOM


def state_of(tree: str, after: Mapping[str, bytes | None] | None) -> str:
    """A digest naming exactly the records of ``tree`` with the files of ``after``
    (path -> bytes, None: deleted) put over it."""
    digest = hashlib.sha256(tree.encode())
    for path in sorted(after or {}):
        data = (after or {})[path]
        digest.update(b"\0" + path.encode() + b"\0")
        digest.update(b"-" if data is None else hashlib.sha256(data).digest())
    return digest.hexdigest()


def key(state: str, parts: Iterable[object]) -> str:
    """The name of a view: the side's state, the code, and what the command was asked
    (its options, the day, the language, the width it fits to), each as its repr."""
    from .snapshot import fingerprint

    digest = hashlib.sha256(f"{fingerprint()}\0{state}".encode())
    for part in parts:
        digest.update(b"\0" + repr(part).encode())
    return digest.hexdigest()


def _digest(body: bytes) -> bytes:
    return hashlib.blake2b(body, digest_size=16).digest()


def read(folder: Path, name: str) -> str | None:
    """The kept view ``name``, or None (absent, unreadable, damaged: each view begins
    with the digest of the rest, so a cut or altered file is never printed)."""
    data = read_data(folder, name)
    try:
        return None if data is None else str(data, "utf-8")
    except UnicodeDecodeError:
        return None


def write(folder: Path, name: str, text: str) -> None:
    """Keep ``text`` as the view ``name`` (:func:`write_data`)."""
    write_data(folder, name, text.encode("utf-8"))


def kept_value(folder: Path, name: str, work: Callable[[], T]) -> T:
    """``work()``'s value kept as ``name`` (pickled): read where it was kept, else
    worked out and kept. For figures a command makes its output of (a report's
    values, which its document is built from each time)."""
    data = read_data(folder, name)
    if data is not None:
        try:
            return pickle.loads(data)
        except Exception:  # a cache of other code, which is only a cache
            pass
    value = work()
    # figures that do not pickle are worked out each time
    with contextlib.suppress(pickle.PicklingError, TypeError, AttributeError):
        write_data(folder, name, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    return value


def read_data(folder: Path, name: str) -> bytes | None:
    """The bytes kept as ``name``, or None (absent, unreadable, cut or altered)."""
    where = folder / FOLDER / name
    try:
        data = where.read_bytes()
        body = data[16:]
        if len(data) < 16 or _digest(body) != data[:16]:
            return None
        os.utime(where)  # newest by use: pruning keeps what is read
        return body
    except OSError:
        return None


def write_data(folder: Path, name: str, data: bytes) -> None:
    """Keep ``data`` as ``name`` atomically, and the newest :data:`KEEP` views; a
    large one is written by a detached process. A failed write keeps nothing (the
    next run computes again); nothing is kept from git's quarantine."""
    from .snapshot import in_quarantine

    if in_quarantine() or len(data) > LARGEST:
        return

    def job() -> None:
        try:
            _dump(folder / FOLDER, name, data)
        except OSError:
            return

    from ..records.cache import behind

    behind(job, now=len(data) < BEHIND_FROM)


def _dump(where: Path, name: str, data: bytes) -> None:
    where.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=where, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(_digest(data))
            handle.write(data)
        os.replace(tmp, where / name)
    except BaseException:
        os.unlink(tmp)
        raise
    _prune(where)


def _prune(where: Path) -> None:
    """Keep the newest :data:`KEEP` views by use, and no more than :data:`ROOM` bytes."""
    found = []
    for path in where.iterdir():
        if not path.name.startswith("."):
            try:
                found.append((path.stat(), path))
            except OSError:  # pruned meanwhile by another run
                continue
    found.sort(key=lambda f: f[0].st_mtime_ns, reverse=True)
    used = 0
    for n, (stat, path) in enumerate(found):
        used += stat.st_size
        if n >= KEEP or (n and used > ROOM):
            path.unlink(missing_ok=True)
