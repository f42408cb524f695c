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

    CHUNK = 1000  # 1000 ids x 41 bytes stays below the 64 KiB pipe buffer

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
        for start in range(0, len(names), self.CHUNK):
            chunk = names[start : start + self.CHUNK]
            proc.stdin.write(b"".join(n.encode("utf-8") + b"\n" for n in chunk))
            proc.stdin.flush()
            readline, read = proc.stdout.readline, proc.stdout.read
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


def nul_fields(data: bytes) -> Iterable[str]:
    """The NUL-separated entries of a ``-z`` listing, decoded."""
    for item in data.split(b"\0"):
        if item:
            yield item.decode("utf-8", "surrogateescape")
