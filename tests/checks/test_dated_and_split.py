"""A whole check on two cores, and the checks that judge on the day of the check.

The forked half of a whole check must report exactly what one process reports;
only checks registered ``dated`` may read the day (a kept whole check is made a
new day's by running them alone), and nothing else reports their codes.
"""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from dangjian_cli import checks
from dangjian_cli.checks import DateUnknown, dated_codes, split
from dangjian_cli.records.repository import load
from dangjian_cli.records.store import FolderStore

SAMPLE = Path(__file__).resolve().parents[2] / "sample_repo"


@pytest.fixture(scope="module")
def broken(tmp_path_factory) -> Path:
    """The sample county with problems of many checks planted."""
    root = tmp_path_factory.mktemp("broken") / "county"
    shutil.copytree(SAMPLE, root)

    def sub(folder: str, pattern: str, repl: str, every: int = 3) -> None:
        for i, path in enumerate(sorted((root / folder).rglob("*.toml"))):
            if i % every == 0:
                text = path.read_text(encoding="utf-8")
                path.write_text(re.sub(pattern, repl, text, count=1, flags=re.M), "utf-8")

    sub("meetings", r"^attendees = \[", 'attendees = ["nobody-here", ')
    sub("orgs", r'^secretary = ".*"', 'secretary = "ghost-clerk"', 4)
    sub("members", r'^org = ".*"', 'org = "ghost-branch"', 5)
    sub("members", r'^status = "full"', 'status = "probationary"', 2)
    sub("funds", r'^amount = "?([0-9.]+)"?', 'amount = "900000.00"', 2)
    (root / "members" / "broken.toml").write_text("name = [\n", encoding="utf-8")
    return root


def _dicts(problems) -> list[dict]:
    return [p.as_dict() for p in problems]


@pytest.mark.parametrize("day", [date(2025, 3, 1), date(2026, 7, 15)])
def test_a_split_check_reports_what_one_process_reports(broken, monkeypatch, day) -> None:
    records = load(FolderStore(broken))
    alone = checks.validate(records, day)
    assert len({p.code for p in alone}) >= 5  # many checks have something to say
    forks: list[int] = []
    real = split.os.fork

    def counted() -> int:
        pid = real()
        if pid:
            forks.append(pid)
        return pid

    monkeypatch.setattr(checks, "PARALLEL_FROM", 1)
    monkeypatch.setattr(split.os, "fork", counted)
    together = checks.validate(load(FolderStore(broken)), day)
    assert forks, "the checks did not run in two processes"
    assert _dicts(together) == _dicts(alone)


def test_a_failing_copy_leaves_its_checks_to_this_process(broken, monkeypatch) -> None:
    """A copy that dies before answering: every check still runs, once, here."""
    records = load(FolderStore(broken))
    alone = checks.validate(records, date(2026, 7, 15))
    monkeypatch.setattr(checks, "PARALLEL_FROM", 1)
    monkeypatch.setattr(split, "_take", _dies_in_the_copy(split._take))
    assert _dicts(checks.validate(load(FolderStore(broken)), date(2026, 7, 15))) == _dicts(alone)


def test_the_heavy_checks_are_taken_first(broken, monkeypatch) -> None:
    """The checks that walk every dues row or meeting go first, so that the two
    processes end close together; their problems still come in registry order."""
    ran: list[str] = []
    real = split.run_one

    def noted(ctx, chk):
        ran.append(chk.name)
        return real(ctx, chk)

    records = load(FolderStore(broken))
    alone = checks.validate(records, date(2026, 7, 15))
    monkeypatch.setattr(checks, "PARALLEL_FROM", 1)
    monkeypatch.setattr(split, "_take", _dies_in_the_copy(split._take))  # all run here
    monkeypatch.setattr(split, "run_one", noted)
    assert _dicts(checks.validate(load(FolderStore(broken)), date(2026, 7, 15))) == _dicts(alone)
    heavy = [chk.name for chk in checks.REGISTRY if chk.heavy]
    assert {"dues_standard", "quorum", "dues_months"} <= set(heavy)
    assert ran[: len(heavy)] == heavy
    assert sorted(ran) == sorted(chk.name for chk in checks.REGISTRY)


def _dies_in_the_copy(take):
    import os

    parent = os.getpid()

    def run(ctx, chosen, queue):
        if os.getpid() != parent:
            os._exit(3)
        return take(ctx, chosen, queue)

    return run


def test_only_dated_checks_read_the_day(broken) -> None:
    """Every undated check runs with the day closed to it (it would raise), and the
    day is open to dated checks."""
    records = load(FolderStore(broken))
    checks.validate(records, date(2026, 7, 15))  # no DateUnknown
    ctx = checks.Context(records, date(2026, 7, 15))
    ctx.dated = False
    with pytest.raises(DateUnknown):
        _ = ctx.today
    assert {c.name for c in checks.REGISTRY if c.dated} >= {"secretaries", "branch_size"}


def test_dated_codes_are_reported_by_dated_checks_alone(broken) -> None:
    codes = dated_codes()
    assert codes
    for chk in checks.REGISTRY:
        if not chk.dated:
            assert not codes & set(chk.codes), chk.name
    records = load(FolderStore(broken))
    assert not {p.code for p in records.problems} & codes  # no load problem either


def test_dated_checks_alone_make_a_check_a_new_days(broken) -> None:
    """Yesterday's whole check with its dated problems replaced by today's dated
    checks is today's whole check."""
    records = load(FolderStore(broken))
    codes = dated_codes()
    for old, new in [(date(2025, 3, 1), date(2026, 7, 15)), (date(2026, 7, 15), date(2024, 1, 1))]:
        kept = checks.validate(records, old)
        redone = [p for p in kept if p.code not in codes]
        redone += checks.validate(records, new, dated_only=True)
        redone.sort(key=lambda p: p.sort_key())
        assert _dicts(redone) == _dicts(checks.validate(records, new))
