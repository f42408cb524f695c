"""Hooks that keep invalid records out: pre-commit (the staged snapshot) for a
clerk's clone; pre-receive (every new commit of the protected branch) and
post-receive (keeping the accepted tip's snapshot) for the shared bare repository.

The installed scripts find ``dangjian`` as the user's shell does (on PATH), so a
rebuilt or moved virtualenv does not break every commit; when it is not on the
PATH git gives hooks, they fall back to the Python that installed them while
that still exists and has dangjian, and otherwise say how to install it.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import Refused
from ..i18n import Message, say
from ..problems import Problem
from .run import ZERO, GitError, RepoInfo, git

if TYPE_CHECKING:
    from .snapshot import Snapshot

#: a line every hook we write carries, so that we may replace our own hooks
MARKER = "# installed by `dangjian hooks install`"
#: the branch guarded when the bare repository's HEAD names none
DEFAULT_BRANCH = "main"
#: exit status of a hook that cannot find dangjian (an I/O problem, as for the CLI)
NOT_FOUND = 2

_LAUNCH = "import sys; from dangjian_cli.cli.main import main; sys.argv[0] = 'dangjian'; main()"


def launcher_script(purpose: str, args: str) -> str:
    """A shell script running ``dangjian ARGS``: the one on PATH, else the recorded
    interpreter's (if it still has dangjian), else a message and exit status 2."""
    python = shlex.quote(sys.executable)
    return (
        "#!/bin/sh\n"
        f"{MARKER}\n"
        f"# {purpose}\n"
        "# dangjian is found as your shell finds it (PATH); failing that, with the\n"
        "# Python that installed this hook, while that still exists and has dangjian.\n"
        "if command -v dangjian >/dev/null 2>&1; then\n"
        f"  exec dangjian {args}\n"
        "fi\n"
        f"py={python}\n"
        'if [ -x "$py" ] && "$py" -c \'import dangjian_cli\' </dev/null >/dev/null 2>&1; then\n'
        f'  exec "$py" -c {shlex.quote(_LAUNCH)} {args}\n'
        "fi\n"
        'echo "dangjian: the $(basename "$0") hook cannot find dangjian: it is not on PATH,'
        ' and $py (which installed the hook) is gone or no longer has it." >&2\n'
        'echo "Put the bin folder of an environment that has dangjian on PATH (python3 -m venv'
        " ENV && ENV/bin/pip install DANGJIAN-SOURCE), or run 'dangjian hooks install' again"
        ' with the dangjian you use now." >&2\n'
        f"exit {NOT_FOUND}\n"
    )


def pre_commit_script(prefix: str) -> str:
    folder = shlex.quote("./" + prefix) if prefix else "."
    return launcher_script(
        "Validates the staged records (not the working tree); blocks the commit on errors.",
        f"-C {folder} validate --staged",
    )


def pre_receive_script(branch: str) -> str:
    return launcher_script(
        f"Rejects a push that puts a commit with invalid records on {branch}, rewrites "
        "it or deletes it.",
        f"hooks pre-receive --branch {shlex.quote(branch)}",
    )


def post_receive_script(branch: str) -> str:
    return launcher_script(
        f"Keeps the validation snapshot of {branch}'s accepted tip (speeds up the next push).",
        f"hooks post-receive --branch {shlex.quote(branch)}",
    )


def _write_hook(target: Path, text: str, force: bool) -> Path:
    if target.exists() and not force:
        current = target.read_text(encoding="utf-8", errors="replace")
        if MARKER not in current:
            raise Refused(
                say(
                    "{path} already exists and was not written by dangjian; "
                    "use --force to replace it",
                    path=str(target),
                )
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
        raise GitError(
            say(
                "{root} is a bare repository: install its hook with --pre-receive",
                root=str(root),
            )
        )
    return _write_hook(hook_path(info, "pre-commit"), pre_commit_script(info.prefix), force)


def default_branch(info: RepoInfo) -> str:
    """The branch HEAD names (a bare repository's default branch), else ``main``."""
    out = git(info.root, "symbolic-ref", "-q", "--short", "HEAD", check=False)
    return out.decode().strip() or DEFAULT_BRANCH


def _short(branch: str) -> str:
    return branch.removeprefix("refs/heads/")


def settings_language(info: RepoInfo, rev: str) -> str | None:
    """The ``language`` of the dangjian.toml in commit ``rev``, or None (no such
    commit or file, or it does not parse). A bare repository has no work tree to
    read its settings from, so its commands speak the language of a commit's."""
    from ..records.parse import parse

    if not rev or set(rev) == {"0"}:
        return None
    try:
        data = git(info.root, "cat-file", "blob", f"{rev}:{info.prefix}dangjian.toml")
    except (GitError, OSError):
        return None
    doc, _problems = parse("dangjian.toml", data)
    lang = doc.get("language") if doc is not None else None
    return lang if isinstance(lang, str) else None


def guarded_language(git_dir: Path | str, branch: str | None = None) -> str | None:
    """The ``language`` of the records a bare repository guards: of ``branch``'s
    dangjian.toml (default: the branch HEAD names), else of the default branch's
    (a branch guarded before its first push), else None."""
    try:
        info = RepoInfo(git_dir)
    except GitError:
        return None
    default = default_branch(info)
    for name in dict.fromkeys((_short(branch or default), default)):
        lang = settings_language(info, f"refs/heads/{name}")
        if lang is not None:
            return lang
    return None


@dataclass
class Installed:
    """What ``hooks install --pre-receive`` did, and what the user should know."""

    branch: str
    paths: list[Path]
    #: said when shown (:meth:`Message.text`), in the repository's language
    warnings: list[Message] = field(default_factory=list)


def install_pre_receive(
    git_dir: Path | str, branch: str | None = None, force: bool = False
) -> Installed:
    """The pre-receive hook guarding ``branch`` (default: the branch HEAD names),
    the post-receive hook keeping snapshots of accepted tips, and
    ``receive.denyNonFastForwards``."""
    info = RepoInfo(git_dir)
    branch = _short(branch) if branch else default_branch(info)
    done = Installed(branch, [])
    pre = _write_hook(hook_path(info, "pre-receive"), pre_receive_script(branch), force)
    done.paths.append(pre)
    try:
        post = _write_hook(hook_path(info, "post-receive"), post_receive_script(branch), force)
        done.paths.append(post)
    except Refused as refused:
        done.warnings.append(
            say(
                "{why}: pushes are still checked, but without kept snapshots a large "
                "repository is checked whole each time",
                why=refused.args[0],
            )
        )
    git(info.root, "config", "receive.denyNonFastForwards", "true")
    exists = git(info.root, "rev-parse", "-q", "--verify", f"refs/heads/{branch}", check=False)
    if not exists.strip():
        others = git(info.root, "for-each-ref", "--format=%(refname:short)", "refs/heads/")
        names = others.decode().split()
        done.warnings.append(
            say(
                "branch {branch} does not exist in {root} (branches: {named}): the hook "
                "guards it from its first push; use --branch to guard another",
                branch=branch,
                root=str(info.root),
                named=", ".join(names) if names else say("none yet"),
            )
        )
    return done


@dataclass
class Verdict:
    """What the hook decided about one pushed ref."""

    ref: str
    new: str
    accepted: bool
    problems: list[Problem] = field(default_factory=list)
    #: why it was rejected (or "not validated"), in English
    reason: str = ""
    #: the commit whose records are invalid (the first such of the push)
    commit: str = ""
    #: ``reason`` to be said in the reader's language
    said: Message | None = None

    def reason_text(self) -> str:
        """Why, in the language in use."""
        return self.said.text() if self.said is not None else self.reason


def _verdict(ref: str, new: str, accepted: bool, why: Message) -> Verdict:
    return Verdict(ref, new, accepted, reason=why.english(), said=why)


def _protected(info: RepoInfo, branch: str | None) -> str:
    name = branch or default_branch(info)
    return name if name.startswith("refs/") else f"refs/heads/{name}"


def new_commits(info: RepoInfo, old: str, new: str) -> list[str]:
    """The commits an update of a ref from ``old`` to ``new`` adds, oldest first:
    ``old..new``; for a new ref, those not yet on any ref (and the tip)."""
    spec = [f"{old}..{new}"] if old != ZERO else [new, "--not", "--all"]
    out = git(info.root, "rev-list", "--reverse", "--topo-order", *spec)
    commits = out.decode().split()
    return commits if new in commits else [*commits, new]


def check_push(
    git_dir: Path | str,
    lines: Iterable[str],
    branch: str | None = None,
    day: date | None = None,
) -> list[Verdict]:
    """Judge ``old new ref`` lines. The protected branch (default: HEAD's) may not
    be deleted nor rewritten, and every commit the push adds to it must be valid:
    each is judged from the one before it through snapshots where the repository
    is large. Nothing is stored here (the pushed objects are in quarantine and
    vanish if the push is refused): when every ref is accepted, the protected
    tip's snapshot is left pending for the post-receive hook to keep."""
    from .snapshot import judge_commits, stage

    info = RepoInfo(git_dir)
    protected = _protected(info, branch)
    day = day or date.today()
    verdicts: list[Verdict] = []
    tips: list[Snapshot] = []
    for line in lines:
        parts = line.split()
        if len(parts) != 3:
            continue
        old, new, ref = parts
        if ref != protected:
            verdicts.append(_verdict(ref, new, True, say("not validated")))
            continue
        if new == ZERO:
            refused = say("the protected branch may not be deleted")
            verdicts.append(_verdict(ref, new, False, refused))
            continue
        if old != ZERO and not _is_ancestor(info, old, new):
            why = say(
                "not a fast-forward of {old}: the protected branch's history "
                "may not be rewritten (pull, merge or rebase on it, then push)",
                old=old[:10],
            )
            verdicts.append(_verdict(ref, new, False, why))
            continue
        verdict = Verdict(ref, new, True)
        last = None
        for commit, problems, snap in judge_commits(info, new_commits(info, old, new), day):
            errors = [p for p in problems if p.is_error]
            if errors:
                verdict = Verdict(ref, new, False, errors, commit=commit)
                break
            last = snap
        verdicts.append(verdict)
        if verdict.accepted and last is not None:
            tips.append(last)
    if all(v.accepted for v in verdicts):
        for snap in tips:
            stage(info, snap)
    return verdicts


def _is_ancestor(info: RepoInfo, old: str, new: str) -> bool:
    done = subprocess.run(
        ["git", "merge-base", "--is-ancestor", old, new], cwd=info.root, capture_output=True
    )
    if done.returncode not in (0, 1):
        raise GitError(f"cannot compare {old[:10]} with {new[:10]}: git merge-base failed")
    return done.returncode == 0


def keep_accepted(git_dir: Path | str, lines: Iterable[str], branch: str | None = None) -> int:
    """After a push (post-receive): keep the pending snapshots of the protected
    branch's new tip, whose objects are now in the repository; drop stale pending
    ones. Returns how many were kept."""
    from .snapshot import promote, sweep_pending

    info = RepoInfo(git_dir)
    protected = _protected(info, branch)
    kept = 0
    for line in lines:
        parts = line.split()
        if len(parts) == 3 and parts[2] == protected and parts[1] != ZERO:
            kept += promote(info, parts[1])
    sweep_pending(info)
    return kept
