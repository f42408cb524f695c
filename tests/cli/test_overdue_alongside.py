"""`overdue` of a county: the engine's findings are worked out beside the whole
check (checks.validate_alongside), in the forked copy or here, whichever takes
them first. The listing, its exit status and its errors must be what the plain
way gives: check, refuse or warn, then evaluate."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from dangjian_cli import checks
from dangjian_cli.cli.main import cli
from dangjian_cli.records.repository import load
from dangjian_cli.records.store import FolderStore
from dangjian_cli.rules import engine

SAMPLE = Path(__file__).resolve().parents[2] / "sample_repo"
AS_OF = "2026-06-30"


@pytest.fixture(scope="module")
def broken(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("broken") / "county"
    shutil.copytree(SAMPLE, root)
    (root / "members" / "zz-broken.toml").write_text("name = [\n", encoding="utf-8")
    return root


def _run(root: Path, monkeypatch, split: bool, *args: str):
    with monkeypatch.context() as patch:
        patch.setenv("DANGJIAN_CACHE", "0")
        patch.setattr(checks, "PARALLEL_FROM", 1 if split else 10**9)
        result = CliRunner().invoke(cli, ["-C", str(root), "--lang", "en", *args])
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    "args",
    [
        (),
        ("--org", "songling-township", "--subtree"),
        ("--rule", "branch-assembly", "--format", "csv"),
        ("--include-settled", "--since", "2025-01-01"),
    ],
)
def test_overdue_beside_the_check_lists_what_the_plain_way_lists(monkeypatch, args):
    command = ["overdue", "--as-of", AS_OF, "--format", "json", *args]
    plain = _run(SAMPLE, monkeypatch, False, *command)
    assert plain[0] == 0 and plain[1].strip()
    assert _run(SAMPLE, monkeypatch, True, *command) == plain


@pytest.mark.parametrize(
    "args",
    [
        (),  # refused: the records' errors
        ("--force",),  # warned, then computed
        ("--org", "no-such-org"),  # the records' errors come before the option's
        ("--force", "--org", "no-such-org"),  # the option's error, after the warning
        ("--force", "--rule", "no-such-rule"),
    ],
)
def test_errors_come_in_the_same_order_beside_the_check(broken, monkeypatch, args):
    command = ["overdue", "--as-of", AS_OF, *args]
    plain = _run(broken, monkeypatch, False, *command)
    assert "zz-broken" in plain[2] or "validation error" in plain[2]  # said, refused or not
    assert _run(broken, monkeypatch, True, *command) == plain


def test_the_job_is_done_beside_the_checks_or_left_to_the_caller(broken, monkeypatch):
    day = date(2026, 6, 30)
    records = load(FolderStore(broken))
    alone = [p.as_dict() for p in checks.validate(records, day)]
    wanted = engine.evaluate(records, day, statuses=engine.FINDINGS)
    assert wanted

    def job():
        return engine.evaluate(records, day, statuses=engine.FINDINGS)

    def fails():
        raise ValueError("no")

    # one process: nothing is done beside
    problems, done = checks.validate_alongside(records, [job], day)
    assert [p.as_dict() for p in problems] == alone and done == [checks.NOT_DONE]
    monkeypatch.setattr(checks, "PARALLEL_FROM", 1)
    problems, done = checks.validate_alongside(records, [job], day)
    assert [p.as_dict() for p in problems] == alone
    assert done == [wanted]
    # several jobs, each answered in its place, one failing
    problems, done = checks.validate_alongside(records, [fails, job, job], day)
    assert [p.as_dict() for p in problems] == alone
    assert done == [checks.NOT_DONE, wanted, wanted]
