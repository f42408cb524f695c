"""Shared fixtures: a temporary records repository with real git and a fixed author."""

from __future__ import annotations

import os
import subprocess
import textwrap
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import settings

from dangjian_cli.cli.main import cli

# Property tests judge results, not speed: a busy CI machine must not fail them on
# hypothesis's per-example deadline.
settings.register_profile("dangjian", deadline=None)
settings.load_profile("dangjian")

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test Clerk",
    "GIT_AUTHOR_EMAIL": "clerk@example.org",
    "GIT_COMMITTER_NAME": "Test Clerk",
    "GIT_COMMITTER_EMAIL": "clerk@example.org",
    "GIT_CONFIG_NOSYSTEM": "1",
}

#: a small valid repository: a county, a township, and a village branch of three
MINIMAL: dict[str, str] = {
    "dangjian.toml": """
        name = "Test county"
        language = "en"
        tracking_since = 2025-01-01
    """,
    "orgs/county.toml": """
        name = "Test County Committee"
        kind = "county_committee"
        established = 2000-01-01
    """,
    "orgs/town.toml": """
        name = "Test Township Committee"
        kind = "township_committee"
        parent = "county"
        established = 2000-01-01
    """,
    "orgs/village.toml": """
        name = "Test Village Branch"
        kind = "village_branch"
        parent = "town"
        established = 2000-01-01
        secretary = "m1"
    """,
    "members/m1.toml": """
        name = "Member One"
        org = "village"
        status = "full"
        birth_date = 1970-05-01
        admitted = 2000-01-01
        full_since = 2001-01-01
    """,
    "members/m2.toml": """
        name = "Member Two"
        org = "village"
        status = "full"
        birth_date = 1975-05-01
        admitted = 2005-01-01
        full_since = 2006-01-01
    """,
    "members/m3.toml": """
        name = "Member Three"
        org = "village"
        status = "full"
        birth_date = 1980-05-01
        admitted = 2010-01-01
        full_since = 2011-01-01
    """,
}


def minimal_with(path: str, more: str) -> str:
    """MINIMAL's record at ``path`` with more TOML after its last line (both dedented):
    a test's variant of a minimal member without a copy of its fields."""
    return textwrap.dedent(MINIMAL[path]).lstrip("\n") + textwrap.dedent(more)


class RecordsRepo:
    """A records repository in a temp folder, with helpers to edit, run and commit."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, path: str, text: str, *, dedent: bool = True) -> Path:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text).lstrip("\n") if dedent else text, encoding="utf-8")
        return target

    def write_bytes(self, path: str, data: bytes) -> Path:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        return target

    def read(self, path: str) -> str:
        return (self.root / path).read_text(encoding="utf-8")

    def run(self, *args: str, input: str | None = None) -> Result:
        """Run `dangjian -C <repo> ARGS` in-process; stdout and stderr are separate."""
        return CliRunner().invoke(cli, ["-C", str(self.root), *args], input=input)

    def git(self, *args: str, cwd: Path | None = None) -> str:
        env = {**os.environ, **GIT_ENV}
        out = subprocess.run(
            ["git", *args],
            cwd=cwd or self.root,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        return out.stdout

    def init_git(self) -> RecordsRepo:
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.name", GIT_ENV["GIT_AUTHOR_NAME"])
        self.git("config", "user.email", GIT_ENV["GIT_AUTHOR_EMAIL"])
        return self

    def commit(self, message: str = "records") -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)
        return self.git("rev-parse", "HEAD").strip()


@pytest.fixture(autouse=True)
def _english_between_tests():
    """Each test starts in English: a command run in-process sets the language of
    the repository it read (a Chinese county's), which would carry over."""
    from dangjian_cli import i18n

    i18n.reset()
    yield
    i18n.reset()


@pytest.fixture
def make_repo(tmp_path: Path):
    """Factory: ``make_repo(files=None, git=False)``; files override MINIMAL (None removes)."""

    def factory(
        files: dict[str, str | None] | None = None, git: bool = False, name: str = "repo"
    ) -> RecordsRepo:
        repo = RecordsRepo(tmp_path / name)
        repo.root.mkdir()
        merged: dict[str, str | None] = {**MINIMAL, **(files or {})}
        for path, text in merged.items():
            if text is not None:
                repo.write(path, text)
        if git:
            repo.init_git()
            repo.commit("initial records")
        return repo

    return factory


@pytest.fixture
def repo(make_repo) -> RecordsRepo:
    return make_repo()


def pytest_terminal_summary(terminalreporter) -> None:
    """Print the counts that fuzz, kill and concurrency tests record (cases tried,
    failures) with ``record_property("counts", ...)``, whatever ``-s`` or ``-q``."""
    lines = [
        str(value)
        for outcome in ("passed", "failed")
        for report in terminalreporter.stats.get(outcome, [])
        if getattr(report, "when", "call") == "call"
        for name, value in getattr(report, "user_properties", [])
        if name == "counts"
    ]
    if lines:
        terminalreporter.section("counts")
        for line in lines:
            terminalreporter.write_line(line)


def import_every_command() -> None:
    """Import every module of ``dangjian_cli.cli`` now. A test that patches a name
    commands import (``load_records``) must call it first: a command module the CLI
    imports lazily while the patch is on would keep the stand-in for good."""
    import importlib
    import pkgutil

    import dangjian_cli.cli

    for info in pkgutil.iter_modules(dangjian_cli.cli.__path__):
        importlib.import_module(f"dangjian_cli.cli.{info.name}")


def table_headed(doc: Any, *head: str) -> list[list[str]]:
    """The body rows (as cell texts) of the first table of a python-docx document
    whose heading row starts with ``head``."""
    for table in doc.tables:
        cells = [c.text for c in table.rows[0].cells]
        if cells[: len(head)] == list(head):
            return [[c.text for c in row.cells] for row in table.rows[1:]]
    raise AssertionError(f"no table headed {head!r}")


#: the methods of Records, by the kind of record they read
READ_BY = {"meetings_of": "meetings", "meeting_refs": "meetings", "children": "orgs"}
READ_BY["subtree"] = "orgs"


class WatchedRecords:
    """Records that note in :attr:`read` which kinds of record are read (as
    ``checks.Check.reads`` names them; ``elsewhere`` says what lies beyond a
    partial load, and is no kind)."""

    def __init__(self, records: Any) -> None:
        self._records = records
        self.read: set[str] = set()

    def listed(self, folder: str) -> list[str]:
        self.read.add(folder)
        return self._records.listed(folder)

    def __getattr__(self, name: str) -> Any:
        if name != "elsewhere":
            self.read.add(READ_BY.get(name, name))
        return getattr(self._records, name)


@pytest.fixture
def watching(monkeypatch: pytest.MonkeyPatch):
    """``watching(records)``: records noting the kinds read through them, a member's
    dues rows (read through any records) as ``dues`` in the last one made."""
    from dangjian_cli.records import model as m

    slot = m.Member.__dict__["dues"]
    made: list[WatchedRecords] = []

    class Noted:
        def __get__(self, obj: Any, owner: Any = None) -> Any:
            if obj is not None and made:
                made[-1].read.add("dues")
            return slot.__get__(obj, owner)

        def __set__(self, obj: Any, value: Any) -> None:
            slot.__set__(obj, value)

    monkeypatch.setattr(m.Member, "dues", Noted())

    def watch(records: Any) -> WatchedRecords:
        made.append(WatchedRecords(records))
        return made[-1]

    return watch
