"""A plain folder (no git): the whole check kept with the records cache must report
exactly what a whole check reports, after every edit a clerk makes, and the read
commands must answer from it as a whole --no-cache run does."""

from __future__ import annotations

import json
import os
import random
import shutil
import time
from pathlib import Path

import pytest

from dangjian_cli.gitops import folder, snapshot
from dangjian_cli.records import cache as rc
from tests.conftest import import_every_command

from .test_snapshot import EDITS, READS, SAMPLE, _refuse_whole, new_member


@pytest.fixture
def plain(make_repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The sample county in a plain folder, its cache in tmp, kept at any size."""
    repo = make_repo(name="plain")
    shutil.rmtree(repo.root)
    shutil.copytree(SAMPLE, repo.root)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(snapshot, "SNAPSHOT_FROM", 1)
    monkeypatch.setattr(snapshot, "CHANGED_SHARE", 1.0)
    monkeypatch.setattr(folder, "SNAPSHOT_FROM", 1)
    monkeypatch.setattr(rc, "behind", lambda job, now=False: job())  # write at once
    _age(repo.root)
    return repo


def _age(root: Path) -> None:
    """Files an hour old: the cache stamps them (a file of the last seconds is read
    again every time). Only before the first run: it changes every file's ctime."""
    old = time.time() - 3600
    for base, _, files in os.walk(root):
        for name in files:
            os.utime(os.path.join(base, name), (old, old))


def _run(repo, *args: str, whole: bool = False):
    from click.testing import CliRunner

    from dangjian_cli.cli.main import cli

    env = {"DANGJIAN_CACHE": "0"} if whole else {}
    result = CliRunner().invoke(cli, ["-C", str(repo.root), *args], env=env)
    return result.exit_code, result.stdout, result.stderr


def _kept_only(patch: pytest.MonkeyPatch) -> None:
    """No whole load and no whole check: the kept state must serve."""
    from dangjian_cli.cli import common, obligations, render, tables, validate

    import_every_command()

    for module in (common, obligations, render, tables, validate):
        patch.setattr(module, "load_records", _refuse_whole)
    patch.setattr(folder, "_whole", _refuse_whole)


def test_edits_in_a_plain_folder_match_a_whole_check(plain, monkeypatch) -> None:
    validate = ("validate", "--format", "json")
    assert _run(plain, *validate) == _run(plain, *validate, whole=True)  # kept now
    assert isinstance(rc.CacheFile(rc.cache_file(plain.root)).extra(folder.STATE), folder.State)
    rng = random.Random(21)
    for step in range(10):
        edit = rng.choice(EDITS)
        edit(plain, rng)
        with monkeypatch.context() as patch:
            _kept_only(patch)
            if step % 2:  # and otherwise the edited files are too new to stamp
                patch.setattr(rc, "RACY_NS", 0)
            fast = _run(plain, *validate)
        assert fast == _run(plain, *validate, whole=True), (step, edit.__name__)
    assert json.loads(fast[1])  # there were problems to compare


def test_read_commands_in_a_plain_folder_match_a_whole_load(plain, monkeypatch) -> None:
    rng = random.Random(22)
    _run(plain, "validate")
    for step in range(3):
        for query in (*READS, ("overdue", "--as-of", "2026-07-15", "--format", "json", "--force")):
            with monkeypatch.context() as patch:
                _kept_only(patch)
                fast = _run(plain, *query)
            assert fast == _run(plain, *query, whole=True), (step, query)
        rng.choice(EDITS)(plain, rng)
        new_member(plain, rng)


def test_a_state_of_other_code_or_another_day_is_not_taken_as_it_is(plain, monkeypatch) -> None:
    """Other code: a whole check. Another day: the dated checks run again only."""
    from datetime import date

    from dangjian_cli import checks
    from dangjian_cli.records.repository import load
    from dangjian_cli.records.store import FolderStore

    def whole(day: date) -> list[dict]:
        return [p.as_dict() for p in checks.validate(load(FolderStore(plain.root)), day)]

    def fast(day: date) -> list[dict]:
        found = folder.judge_folder(plain.root, day)
        assert found is not None
        return [p.as_dict() for p in found.problems]

    assert fast(date(2025, 3, 1)) == whole(date(2025, 3, 1))
    with monkeypatch.context() as patch:
        patch.setattr(folder, "_whole", _refuse_whole)
        assert fast(date(2026, 7, 15)) == whole(date(2026, 7, 15))
    monkeypatch.setattr(snapshot, "_PRINT", "other code")
    wholes: list[bool] = []
    real = folder._whole
    monkeypatch.setattr(folder, "_whole", lambda *a: wholes.append(True) or real(*a))
    assert fast(date(2026, 7, 15)) == whole(date(2026, 7, 15))
    assert wholes == [True]


def test_a_records_folder_in_no_commit_of_its_git_repository_is_kept_as_a_folder(
    plain, tmp_path, monkeypatch
) -> None:
    """Records in a folder that git ignores (no snapshot can serve them) are judged
    as a plain folder is, from the whole check kept with the records cache."""
    import subprocess

    outer = tmp_path / "outer"
    outer.mkdir()
    subprocess.run(["git", "init", "-q", str(outer)], check=True)
    (outer / ".gitignore").write_text("county/\n", encoding="utf-8")
    shutil.move(str(plain.root), outer / "county")
    plain.root = outer / "county"
    validate = ("validate", "--format", "json")
    assert _run(plain, *validate) == _run(plain, *validate, whole=True)
    new_member(plain, random.Random(3))
    with monkeypatch.context() as patch:
        _kept_only(patch)
        fast = _run(plain, *validate)
    assert fast == _run(plain, *validate, whole=True)
