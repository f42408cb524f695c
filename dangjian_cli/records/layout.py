"""Where each kind of record lives: repository path <-> (kind, id).

The layout is the file-format contract of docs/records.md. Everything here works on
repository-relative POSIX paths (``meetings/qingshan/2026-03-15-theme_day.toml``)
so that the same rules serve a work tree, a git commit and a cache.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..i18n import Message, say

SETTINGS = "settings"
ORG = "org"
MEMBER = "member"
MEETING = "meeting"
FUND = "fund"
LETTER = "letter"
REPORT = "report"
NOTICE = "notice"
ASSESSMENT = "assessment"
WEAK = "weak"
TRAINING = "training"

SETTINGS_FILE = "dangjian.toml"
SLUG = re.compile(r"[a-z0-9][a-z0-9._-]*\Z")
YEAR = re.compile(r"\d{4}\Z")
MEETING_STEM = re.compile(r"(?P<date>\d{4}-\d{2}-\d{2})-(?P<kind>[a-z_]+?)(?:-(?P<n>\d+))?\Z")
REPORT_STEM = re.compile(r"(?P<year>\d{4})-(?P<half>h[12])\Z")
NOTICE_STEM = re.compile(r"\d{1,6}\Z")

#: top-level folders of records, with the kind they hold and how deep files sit
FOLDERS: dict[str, tuple[str, int]] = {
    "orgs": (ORG, 2),
    "members": (MEMBER, 2),
    "meetings": (MEETING, 3),
    "funds": (FUND, 3),
    "letters": (LETTER, 3),
    "reports": (REPORT, 3),
    "notices": (NOTICE, 3),
    "assessments": (ASSESSMENT, 3),
    "weak": (WEAK, 3),
    "trainings": (TRAINING, 3),
}

#: human-readable pattern per kind, for error messages and `dangjian new`
PATTERNS: dict[str, str] = {
    ORG: "orgs/<org>.toml",
    MEMBER: "members/<member>.toml",
    MEETING: "meetings/<org>/<yyyy-mm-dd>-<kind>[-<n>].toml",
    FUND: "funds/<org>/<yyyy>.toml",
    LETTER: "letters/<yyyy>/<org>.toml",
    REPORT: "reports/<org>/<yyyy>-h1.toml or -h2.toml",
    NOTICE: "notices/<yyyy>/<nnn>.toml",
    ASSESSMENT: "assessments/<yyyy>/<org>.toml",
    WEAK: "weak/<yyyy>/<org>.toml",
    TRAINING: "trainings/<yyyy>/<id>.toml",
}

#: top-level names that are never records (left alone by validation)
IGNORED_TOP = frozenset({"templates", "out"})


@dataclass(frozen=True, slots=True)
class Location:
    """What a path says about its record, before the file is read."""

    kind: str
    id: str  # the file name without .toml
    folder: str = ""  # the middle folder (org id or year), where there is one


class LayoutError(ValueError):
    """A path that is not where any record may live; the message says why (in
    English as ``str()``, in the reader's language from ``said``)."""

    def __init__(self, said: Message) -> None:
        super().__init__(said.english())
        self.said = said


def classify(path: str) -> Location:
    """Kind and id of the record at ``path``, or LayoutError saying what is wrong."""
    if path == SETTINGS_FILE:
        return Location(SETTINGS, "dangjian")
    parts = path.split("/")
    name = parts[-1]
    if not name.endswith(".toml"):
        raise LayoutError(say("{path} is not a .toml file", path=path))
    stem = name[:-5]
    spec = FOLDERS.get(parts[0])
    if spec is None:
        raise LayoutError(
            say(
                "{path} is outside the records layout "
                "(records live in {folders}/ and dangjian.toml)",
                path=path,
                folders=", ".join(sorted(FOLDERS)),
            )
        )
    kind, depth = spec
    if len(parts) != depth:
        raise _off_pattern(path, kind)
    folder = parts[1] if depth == 3 else ""
    if not SLUG.match(stem):
        raise LayoutError(
            say(
                "file name {name!r} is not a legal record id "
                "(lower-case letters, digits, '.', '_' and '-', starting with a letter or digit)",
                name=name,
            )
        )
    if folder and not SLUG.match(folder):
        raise LayoutError(say("folder name {name!r} is not a legal id", name=folder))
    if kind == MEETING and not MEETING_STEM.match(stem):
        raise _off_pattern(path, kind)
    if kind == FUND and not YEAR.match(stem):
        raise _off_pattern(path, kind)
    if kind in (LETTER, NOTICE, ASSESSMENT, WEAK, TRAINING) and not YEAR.match(folder):
        raise _off_pattern(path, kind)
    if kind == REPORT and not REPORT_STEM.match(stem):
        raise _off_pattern(path, kind)
    if kind == NOTICE and not NOTICE_STEM.match(stem):
        raise _off_pattern(path, kind)
    return Location(kind, stem, folder)


def _off_pattern(path: str, kind: str) -> LayoutError:
    return LayoutError(
        say("{path} does not match the layout {pattern}", path=path, pattern=PATTERNS[kind])
    )


def is_candidate(path: str) -> bool:
    """Whether validation should look at this path at all (a .toml not in an ignored place)."""
    if not path.endswith(".toml"):
        return False
    top = path.split("/", 1)[0]
    return top not in IGNORED_TOP and not top.startswith(".")


def org_path(org: str) -> str:
    return f"orgs/{org}.toml"


def org_ids(paths: Iterable[str]) -> set[str]:
    """The ids of the org files (``orgs/<id>.toml``) among ``paths``."""
    return {
        p[5:-5]
        for p in paths
        if p.startswith("orgs/") and p.endswith(".toml") and p.count("/") == 1
    }


def member_path(member: str) -> str:
    return f"members/{member}.toml"


def meeting_path(org: str, date_iso: str, kind: str, n: int = 1) -> str:
    suffix = f"-{n}" if n > 1 else ""
    return f"meetings/{org}/{date_iso}-{kind}{suffix}.toml"


def fund_path(org: str, year: int) -> str:
    return f"funds/{org}/{year}.toml"


def letter_path(year: int, org: str) -> str:
    return f"letters/{year}/{org}.toml"


def report_path(org: str, year: int, half: int) -> str:
    return f"reports/{org}/{year}-h{half}.toml"


def assessment_path(year: int, org: str) -> str:
    return f"assessments/{year}/{org}.toml"


def weak_path(year: int, org: str) -> str:
    return f"weak/{year}/{org}.toml"


def training_path(year: int, training: str) -> str:
    """Where a training is filed: the folder of the year it starts in."""
    return f"trainings/{year}/{training}.toml"


def notice_path(year: int, number: int) -> str:
    return f"notices/{year}/{number:03d}.toml"


def meeting_ref(path: str) -> str:
    """``<org>/<file stem>``: how other records name a meeting (``decided_at``)."""
    parts = path.split("/")
    return f"{parts[1]}/{parts[2][:-5]}"
