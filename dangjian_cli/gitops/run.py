"""Running git: one helper that turns git's failures into one-line InputErrors,
and a long-running ``git cat-file --batch`` reader that serves many blobs."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..errors import InputError

#: git's id of "no object" (deleted refs in pre-receive input)
ZERO = "0" * 40


class GitError(InputError):
    """git refused: not a repository, unknown revision, failed command."""


def git(
    cwd: str | os.PathLike[str],
    *args: str,
    input: bytes | None = None,
    check: bool = True,
) -> bytes:
    """stdout of ``git ARGS`` run in ``cwd``; GitError with git's first message line."""
    try:
        proc = subprocess.run(
            ["git", *args], cwd=cwd, input=input, capture_output=True, check=False
        )
    except FileNotFoundError:
        raise GitError("git is not installed (needed for --rev, review, log and hooks)") from None
    except NotADirectoryError:
        raise GitError(f"{cwd}: not a folder") from None
    if check and proc.returncode != 0:
        raise GitError(first_line(proc.stderr) or f"git {args[0]} failed")
    return proc.stdout


def first_line(stderr: bytes) -> str:
    for line in stderr.decode("utf-8", "replace").splitlines():
        line = line.strip()
        if line:
            return line.removeprefix("fatal: ").removeprefix("error: ")
    return ""


class RepoInfo:
    """Where a records folder sits in git: the git folder and the records prefix."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        if not self.root.is_dir():
            raise GitError(f"{root}: not a folder")
        try:
            out = git(self.root, "rev-parse", "--is-bare-repository", "--show-prefix", "--git-dir")
        except GitError:
            raise GitError(
                f"{root} is not in a git repository (--rev, --staged, review and log need git)"
            ) from None
        lines = out.decode("utf-8").split("\n")
        self.bare = lines[0] == "true"
        self.prefix = lines[1]  # records folder inside the work tree ("" at the top)
        self.git_dir = Path(self.root, lines[2])

    def commit(self, rev: str) -> str:
        """Full id of the commit ``rev`` names, or a one-line GitError."""
        out = git(self.root, "rev-parse", "--verify", "-q", f"{rev}^{{commit}}", check=False)
        oid = out.decode().strip()
        if not oid:
            raise GitError(f"unknown revision {rev!r} in {self.root}")
        return oid


class CatFile:
    """One ``git cat-file --batch`` process serving blobs by id (or ``rev:path``).

    Requests are pipelined in chunks that fit a pipe buffer, so reading thousands
    of blobs costs a few system calls each and never deadlocks.
    """

    CHUNK_BYTES = 16384  # requests per round stay well below the 64 KiB pipe buffer

    def __init__(self, cwd: str | os.PathLike[str]) -> None:
        self.cwd = cwd
        self._proc: subprocess.Popen[bytes] | None = None

    def _start(self) -> subprocess.Popen[bytes]:
        if self._proc is None:
            self._proc = subprocess.Popen(
                ["git", "cat-file", "--batch"],
                cwd=self.cwd,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        return self._proc

    def read_many(self, names: Sequence[str]) -> list[bytes | None]:
        """Contents of each object name, None for a missing one, in order."""
        out: list[bytes | None] = []
        proc = self._start()
        assert proc.stdin is not None and proc.stdout is not None
        readline, read = proc.stdout.readline, proc.stdout.read
        for chunk in _chunks(names, self.CHUNK_BYTES):
            # the whole request fits the pipe, so writing it cannot wait on our reading
            proc.stdin.write(b"".join(chunk))
            proc.stdin.flush()
            for _ in chunk:
                header = readline()
                if not header:
                    raise GitError("git cat-file stopped unexpectedly")
                if header.endswith(b" missing\n") or header.endswith(b" ambiguous\n"):
                    out.append(None)
                    continue
                size = int(header.rsplit(b" ", 1)[1])
                data = read(size + 1)
                out.append(data[:size])
        return out

    def read(self, name: str) -> bytes | None:
        return self.read_many([name])[0]

    def close(self) -> None:
        if self._proc is not None:
            proc, self._proc = self._proc, None
            if proc.stdin:
                proc.stdin.close()
            if proc.stdout:
                proc.stdout.close()
            proc.wait()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self.close()


class BlobStream:
    """Objects of a known list, read in order by a background thread.

    Loading a whole commit is parse-bound; streaming lets ``git cat-file`` (its own
    process) and the reading thread work while the main thread parses, so a
    commit loads about as fast as a folder. The buffer is bounded.
    """

    LIMIT = 8192  # blobs read ahead of the parser, at most
    BATCH = 64  # blobs handed over per lock

    def __init__(self, cwd: str | os.PathLike[str], keys: list[str], names: list[str]) -> None:
        import threading

        self._proc = subprocess.Popen(
            ["git", "cat-file", "--batch"],
            cwd=cwd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self.pending = set(keys)
        self._buf: dict[str, bytes | None] = {}
        self._cond = threading.Condition()
        self._done = False
        self._closed = False
        self._error: str | None = None
        threading.Thread(target=self._write, args=(names,), daemon=True).start()
        threading.Thread(target=self._read, args=(keys,), daemon=True).start()

    def _write(self, names: list[str]) -> None:
        stdin = self._proc.stdin
        assert stdin is not None
        try:
            for start in range(0, len(names), 4096):
                stdin.write(
                    b"".join(n.encode("utf-8") + b"\n" for n in names[start : start + 4096])
                )
            stdin.close()
        except (OSError, ValueError):
            pass  # closed early: the reader reports what is missing

    def _read(self, keys: list[str]) -> None:
        stdout = self._proc.stdout
        assert stdout is not None
        readline, read = stdout.readline, stdout.read
        batch: dict[str, bytes | None] = {}
        try:
            for key in keys:
                header = readline()
                if not header:
                    raise GitError("git cat-file stopped unexpectedly")
                if header.endswith(b" missing\n"):
                    batch[key] = None
                else:
                    size = int(header.rsplit(b" ", 1)[1])
                    batch[key] = read(size + 1)[:size]
                if len(batch) >= self.BATCH:
                    self._hand_over(batch)
                    batch = {}
            self._hand_over(batch)
        except Exception as exc:  # reported to the reader of the next blob
            self._error = str(exc) or type(exc).__name__
        finally:
            with self._cond:
                self._done = True
                self._cond.notify_all()

    def _hand_over(self, batch: dict[str, bytes | None]) -> None:
        with self._cond:
            while len(self._buf) >= self.LIMIT and not self._closed:
                self._cond.wait()
            if self._closed:
                raise GitError("closed")
            self._buf.update(batch)
            self._cond.notify_all()

    def take(self, key: str) -> bytes | None:
        """The object for ``key`` (waiting for it); each key can be taken once."""
        self.pending.discard(key)
        with self._cond:
            while key not in self._buf and not self._done:
                self._cond.wait()
            if key not in self._buf:
                raise GitError(f"git cat-file: {self._error or 'object not read'}")
            data = self._buf.pop(key)
            if len(self._buf) == self.LIMIT - 1:
                self._cond.notify_all()
            return data

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        if self._proc.poll() is None:
            self._proc.kill()
        self._proc.wait()
        for pipe in (self._proc.stdin, self._proc.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError, ValueError):
                    pipe.close()


def _chunks(names: Sequence[str], limit: int) -> Iterable[list[bytes]]:
    """Request lines grouped so that each group's bytes stay under ``limit``."""
    chunk: list[bytes] = []
    size = 0
    for name in names:
        line = name.encode("utf-8") + b"\n"
        if chunk and size + len(line) > limit:
            yield chunk
            chunk, size = [], 0
        chunk.append(line)
        size += len(line)
    if chunk:
        yield chunk


def nul_fields(data: bytes) -> Iterable[str]:
    """The NUL-separated entries of a ``-z`` listing, decoded."""
    for item in data.split(b"\0"):
        if item:
            yield item.decode("utf-8", "surrogateescape")
