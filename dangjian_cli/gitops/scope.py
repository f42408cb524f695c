"""Which records a review must load to judge a change: the change and what it touches.

Validation and obligations look across records (a meeting's quorum reads the
org's members, a member names an org, an org's duties count its meetings), so a
review cannot look at the changed files alone; but it need not read a 100,000
record repository twice either. The scope is:

- every org, every notice and the settings (small, and read by most checks);
- the changed files, on both sides;
- the *affected orgs*: every org a changed record names or lives under, their
  parents, and the children of a changed org; all records filed under them
  (meetings, funds, reports, letters, assessments) and every record that
  mentions them or a changed record by id (``git grep`` on the base commit,
  which finds a member of the org and a meeting an changed member attended);
- then, until nothing is added, every member, org or meeting a loaded record names.

Both sides are judged on the same scope, so whatever the scope leaves out is the
same on both sides and cancels in the difference. ``review --full`` loads all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Protocol

from ..records import layout
from .run import RepoInfo, git

#: a quoted string that may be an id or a ``<org>/<stem>`` meeting reference
_QUOTED = re.compile(rb"[\"']([a-z0-9][a-z0-9._-]*(?:/[a-z0-9][a-z0-9._-]*)?)[\"']")

_PARENT = re.compile(rb"(?m)^\s*parent\s*=\s*[\"']([^\"']+)[\"']")
_ORG_FOLDERS = ("meetings", "funds", "reports")
_YEAR_FOLDERS = ("letters", "assessments")


def mentioned(data: bytes) -> set[str]:
    """Quoted strings in a file that look like ids or meeting references."""
    return {m.decode() for m in _QUOTED.findall(data)}


class Reader(Protocol):
    """Bytes of base files by path, fetched in batches and kept."""

    def many(self, paths: Iterable[str]) -> None: ...

    def __call__(self, path: str) -> bytes | None: ...


def needed_paths(
    info: RepoInfo,
    base_commit: str,
    listing: Iterable[str],
    before: Mapping[str, bytes | None],
    after: Mapping[str, bytes | None],
    read: Reader,
) -> set[str]:
    """Paths (base listing or changed) a review of ``before`` -> ``after`` must load."""
    paths = set(listing)
    orgs = {p[5:-5] for p in paths if p.startswith("orgs/") and p.count("/") == 1}
    background = {
        p for p in paths if p.startswith(("orgs/", "notices/")) or p == layout.SETTINGS_FILE
    }
    changed = set(before) | set(after)

    ids: set[str] = set()  # how other records name the changed ones
    named: set[str] = set()  # what the changed records name
    affected: set[str] = set()
    changed_orgs: set[str] = set()
    for path in changed:
        try:
            loc = layout.classify(path)
        except layout.LayoutError:
            continue
        if loc.kind in (layout.MEMBER, layout.ORG):
            ids.add(loc.id)
        if loc.kind == layout.MEETING:
            ids.add(layout.meeting_ref(path))
        if loc.kind == layout.ORG:
            changed_orgs.add(loc.id)
        if loc.folder in orgs:
            affected.add(loc.folder)
        for data in (before.get(path), after.get(path)):
            if data:
                named |= mentioned(data)
    affected |= changed_orgs | (named & orgs)

    # parents of affected orgs, children of changed orgs (kinds and trees flow down)
    read.many(sorted(f"orgs/{o}.toml" for o in orgs))
    parents: dict[str, str] = {}
    for org in orgs:
        m = _PARENT.search(read(f"orgs/{org}.toml") or b"")
        if m:
            parents[org] = m.group(1).decode()
    affected |= {parents[o] for o in affected if o in parents}
    affected |= {o for o, parent in parents.items() if parent in changed_orgs}

    roots = {p for p in changed if p in paths} | {f"orgs/{o}.toml" for o in affected}
    for path in paths:
        parts = path.split("/")
        if len(parts) != 3:
            continue
        if (parts[0] in _ORG_FOLDERS and parts[1] in affected) or (
            parts[0] in _YEAR_FOLDERS and parts[2][:-5] in affected
        ):
            roots.add(path)
    roots |= grep(info, base_commit, ids | affected) & paths
    return background | close_over_references(roots & paths, paths, read)


def grep(info: RepoInfo, commit: str, words: Iterable[str]) -> set[str]:
    """Files of the base commit that mention any of ``words`` as a quoted string.

    One extended regular expression (an alternation) in one ``git grep``: git
    runs fixed-string patterns one after another, which is far slower for
    thousands of ids. Orgs and notices are left out: they are always loaded.
    """
    alternatives = sorted({w.replace(".", "\\.") for w in words})
    if not alternatives:
        return set()
    pattern = "[\"'](" + "|".join(alternatives) + ")[\"']"
    out = git(
        info.root,
        "grep",
        "-l",
        "-z",
        "-E",
        "--no-color",
        "-f",
        "-",
        commit,
        "--",
        ".",
        ":(exclude)orgs",
        ":(exclude)notices",
        input=pattern.encode() + b"\n",
        check=False,
    )
    found: set[str] = set()
    head = f"{commit}:"
    for item in out.split(b"\0"):
        if not item:
            continue
        name = item.decode("utf-8", "surrogateescape").removeprefix(head)
        found.add(name.removeprefix(info.prefix))
    return found


def close_over_references(scope: set[str], paths: set[str], read: Reader) -> set[str]:
    """Add every member, org or meeting a record in scope names, until none is new."""
    scope = set(scope)
    todo = set(scope)
    while todo:
        read.many(sorted(todo))
        new: set[str] = set()
        for path in todo:
            data = read(path)
            if not data:
                continue
            for word in mentioned(data):
                if "/" in word:
                    candidates = (f"meetings/{word}.toml",)
                else:
                    candidates = (f"members/{word}.toml", f"orgs/{word}.toml")
                for candidate in candidates:
                    if candidate in paths and candidate not in scope:
                        new.add(candidate)
        scope |= new
        todo = new
    return scope
