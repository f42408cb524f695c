"""Figures a read command works out from a whole side, kept by the exact state of it.

A snapshot keeps a tree's problems and obligation answers and carries them over a
change file by file. Some commands go on to work out figures of their own from the
whole records — a county's work report reads every member's dues rows and every
meeting — and those are worth keeping too, but not worth carrying over a change:
they are kept whole, under a key made of

* the state of the side: the tree its snapshot is of, and the path and bytes of
  every file the work tree or the index changes against that tree;
* the question: the command and every argument its figures depend on (the day and
  the language included);
* the package's source (the snapshot's fingerprint).

Any other state, question or version is another key, and is worked out afresh; a
kept file that does not read is worked out afresh too. The newest :data:`KEEP` are
kept, beside the snapshots in ``.git/dangjian-snapshots/``.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

#: the folder, inside the snapshots' folder (a name their pruning passes over)
FOLDER = ".results"
#: kept figures per repository (the newest by use)
KEEP = 16


def state(tree: str, changed: Mapping[str, bytes | None]) -> str:
    """The state of a side: ``tree`` with the files ``changed`` against it (None:
    deleted), whatever order they come in."""
    digest = hashlib.sha256(tree.encode())
    for path in sorted(changed):
        data = changed[path]
        digest.update(b"\0" + path.encode("utf-8", "surrogateescape") + b"\0")
        digest.update(b"-" if data is None else b"+" + hashlib.sha256(data).digest())
    return digest.hexdigest()


def kept(
    folder: Path, fingerprint: str, side: str, question: tuple[str, ...], work: Callable[[], T]
) -> T:
    """``work()``'s value for ``question`` on the side in state ``side``: read from
    ``folder`` where it was kept, else worked out and kept (a failed write keeps
    nothing; the value is returned all the same)."""
    key = hashlib.sha256(repr((fingerprint, side, question)).encode()).hexdigest()
    where = folder / FOLDER / key
    try:
        with open(where, "rb") as handle:
            found = pickle.load(handle)
        os.utime(where)  # newest by use: pruning keeps what is read
    except Exception:  # absent, or a damaged cache, which is only a cache
        found = None
    if isinstance(found, tuple) and len(found) == 2 and found[0] == question:
        return found[1]
    value = work()
    with contextlib.suppress(OSError, pickle.PicklingError):
        _write(where, pickle.dumps((question, value), protocol=pickle.HIGHEST_PROTOCOL))
    return value


def _write(where: Path, data: bytes) -> None:
    """Write atomically, then keep the newest :data:`KEEP`."""
    where.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=where.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, where)
    except BaseException:
        os.unlink(tmp)
        raise
    found = [p for p in where.parent.iterdir() if not p.name.startswith(".")]
    found.sort(key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in found[KEEP:]:
        old.unlink(missing_ok=True)
