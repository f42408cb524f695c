"""Hooks that keep invalid records out: pre-commit (the staged snapshot) for a
clerk's clone, pre-receive (the pushed tip) for the shared bare repository.

The installed scripts call this very interpreter by absolute path, so a hook
works when dangjian lives in a virtualenv that is not on the PATH git sees.
"""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Refused
from ..problems import Problem
from .run import ZERO, GitError, RepoInfo, git

#: a line every hook we write carries, so that we may replace our own hooks
MARKER = "# installed by `dangjian hooks install`"

_LAUNCH = "import sys; from dangjian_cli.cli.main import main; sys.argv[0] = 'dangjian'; main()"


def launcher() -> str:
    """Shell words that start dangjian with the interpreter running now."""
    return f"{shlex.quote(sys.executable)} -c {shlex.quote(_LAUNCH)}"


def pre_commit_script(prefix: str) -> str:
    folder = shlex.quote("./" + prefix) if prefix else "."
    return (
        "#!/bin/sh\n"
        f"{MARKER}\n"
        "# Validates the staged records (not the working tree); blocks the commit on errors.\n"
        f"exec {launcher()} -C {folder} validate --staged\n"
    )


def pre_receive_script(branch: str) -> str:
    return (
        "#!/bin/sh\n"
        f"{MARKER}\n"
        f"# Rejects a push whose new tip of {branch} has invalid records.\n"
        f"exec {launcher()} hooks pre-receive --branch {shlex.quote(branch)}\n"
    )


def _write_hook(target: Path, text: str, force: bool) -> Path:
    if target.exists() and not force:
        current = target.read_text(encoding="utf-8", errors="replace")
        if MARKER not in current:
            raise Refused(
                f"{target} already exists and was not written by dangjian; "
                "use --force to replace it"
            )
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp{os.getpid()}")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.chmod(0o755)
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()
    return target


def hook_path(info: RepoInfo, name: str) -> Path:
    """Where git looks for hook ``name`` (honours core.hooksPath)."""
    out = git(info.root, "rev-parse", "--git-path", f"hooks/{name}").decode().strip()
    return Path(info.root, out)


def install_pre_commit(root: Path | str, force: bool = False) -> Path:
    info = RepoInfo(root)
    if info.bare:
        raise GitError(f"{root} is a bare repository: install its hook with --pre-receive")
    return _write_hook(hook_path(info, "pre-commit"), pre_commit_script(info.prefix), force)


def install_pre_receive(git_dir: Path | str, branch: str = "main", force: bool = False) -> Path:
    info = RepoInfo(git_dir)
    return _write_hook(hook_path(info, "pre-receive"), pre_receive_script(branch), force)


@dataclass
class Verdict:
    """What the hook decided about one pushed ref."""

    ref: str
    new: str
    accepted: bool
    problems: list[Problem] = field(default_factory=list)
    reason: str = ""


def check_push(git_dir: Path | str, lines: Iterable[str], branch: str = "main") -> list[Verdict]:
    """Judge ``old new ref`` lines: only the protected branch's new tip is validated."""
    from ..checks import validate
    from ..records.repository import load
    from .snapshot import judge
    from .store import GitStore

    protected = branch if branch.startswith("refs/") else f"refs/heads/{branch}"
    verdicts: list[Verdict] = []
    for line in lines:
        parts = line.split()
        if len(parts) != 3:
            continue
        _old, new, ref = parts
        if ref != protected or new == ZERO:
            verdicts.append(Verdict(ref, new, True, reason="not validated"))
            continue
        judged = judge(git_dir, new)  # from the last push's snapshot, in a large repository
        if judged is not None:
            problems = [p for p in judged.problems if p.is_error]
        else:
            store = GitStore(git_dir, new)
            try:
                problems = [p for p in validate(load(store)) if p.is_error]
            finally:
                store.close()
        verdicts.append(Verdict(ref, new, not problems, problems))
    return verdicts
