"""`--commit` of the writing commands: commit just the files written.

The message is structured (``meeting: add qingshan-village 2026-03-15
branch_assembly``) so that ``git log --oneline`` reads as a register of what was
recorded; :func:`message_for` builds it from a record's path.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from ..errors import Refused
from ..records import layout
from .run import GitError, RepoInfo, first_line, git


def message_for(path: str, action: str = "add", detail: str = "") -> str:
    """``<kind>: <action> <what the path says>[ <detail>]`` for one record path."""
    try:
        loc = layout.classify(path)
    except layout.LayoutError:
        return f"records: {action} {path}{' ' + detail if detail else ''}"
    if loc.kind == layout.MEETING:
        stem = layout.MEETING_STEM.match(loc.id)
        assert stem is not None
        what = f"{loc.folder} {stem['date']} {stem['kind']}"
        if stem["n"]:
            what += f" #{stem['n']}"
    elif loc.kind in (layout.FUND, layout.REPORT):
        what = f"{loc.folder} {loc.id}"
    elif loc.kind in (
        layout.LETTER,
        layout.ASSESSMENT,
        layout.NOTICE,
        layout.WEAK,
        layout.TRAINING,
    ):
        what = f"{loc.folder}/{loc.id}"
    elif loc.kind == layout.SETTINGS:
        what = "dangjian.toml"
    else:
        what = loc.id
    return f"{loc.kind}: {action} {what}{' ' + detail if detail else ''}"


def commit_paths(root: Path | str, paths: Iterable[str | os.PathLike[str]], message: str) -> str:
    """Commit exactly ``paths`` (relative to ``root`` or absolute), nothing else staged.

    Other staged changes stay staged and out of this commit. Returns the new
    commit id; a hook that rejects the commit raises Refused with its output.
    """
    info = RepoInfo(root)
    if info.bare:
        raise GitError(f"{root} is a bare repository: nothing to commit")
    rel: list[str] = []
    for p in paths:
        full = Path(p) if Path(p).is_absolute() else Path(info.root, p)
        try:
            rel.append(os.path.relpath(full, info.root))
        except ValueError:
            raise GitError(f"{p}: not inside {info.root}") from None
    if not rel:
        raise GitError("nothing to commit: no files were written")
    from ..records.write import file_lock

    # one dangjian commit at a time per repository: two clerks' `--commit` would
    # otherwise meet at git's index.lock and one of them fail
    with file_lock(info.git_dir / "dangjian-commit.lock", busy="another commit is running"):
        # a path gone from the work tree and the index (moved away with `git mv`) is
        # nothing to add, and `git add` would refuse it; `commit --only` still records it
        present = [p for p in rel if os.path.lexists(os.path.join(info.root, p))]
        added = (0, "")
        if present:
            added = _retry_index_lock(lambda: _run_git(info.root, ["add", "--all", "--", *present]))
        if added[0] != 0:
            raise GitError(first_line(added[1].encode()) or "git add failed")
        proc = _retry_index_lock(lambda: _run_commit(info.root, message, rel))
    if proc[0] != 0:
        details = [line for line in proc[1].splitlines() if line.strip()]
        raise Refused(f"git commit failed: {first_line(proc[1].encode()) or 'see above'}", details)
    return git(info.root, "rev-parse", "HEAD").decode().strip()


def _run_commit(cwd: Path, message: str, rel: list[str]) -> tuple[int, str]:
    return _run_git(cwd, ["commit", "-q", "--only", "-m", message, "--", *rel])


def _run_git(cwd: Path, args: list[str]) -> tuple[int, str]:
    import subprocess

    proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    return proc.returncode, proc.stderr + proc.stdout


#: how long a commit waits for another git process's index.lock to go
INDEX_LOCK_WAIT = 10.0


def _retry_index_lock(step: Callable[[], tuple[int, str]]) -> tuple[int, str]:
    """Run ``step`` again while git says its index.lock is taken, up to INDEX_LOCK_WAIT.

    A git process still finishing (say, one a killed dangjian started) holds the
    lock for a moment; waiting for it beats failing the clerk's commit.
    """
    import time

    deadline = time.monotonic() + INDEX_LOCK_WAIT
    while True:
        result = step()
        if result[0] == 0 or "index.lock" not in result[1] or time.monotonic() > deadline:
            return result
        time.sleep(0.1)
