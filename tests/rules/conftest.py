"""Helpers for the rule tests: evaluate a temp repository and pick obligations out."""

from __future__ import annotations

from datetime import date

import pytest

from dangjian_cli.records.repository import Records, load
from dangjian_cli.records.store import FolderStore
from dangjian_cli.rules.engine import Obligation, evaluate


class Evaluated:
    """The obligations of one repository at one day, with lookups by rule."""

    def __init__(self, records: Records, as_of: date, since: date | None = None) -> None:
        self.records = records
        self.all = evaluate(records, as_of, since)

    def of(self, rule: str, subject: str | None = None) -> dict[str, Obligation]:
        """Obligations of ``rule`` (and ``subject``) by period label."""
        out: dict[str, Obligation] = {}
        for ob in self.all:
            if ob.rule == rule and (subject is None or ob.subject == subject):
                assert ob.period not in out, f"two {rule} obligations for {ob.period}"
                out[ob.period] = ob
        return out

    def status(self, rule: str, period: str, subject: str | None = None) -> str | None:
        ob = self.of(rule, subject).get(period)
        return ob.status if ob else None


@pytest.fixture
def evaluated(make_repo):
    """``evaluated(files, as_of, since=None)``: write a repository (MINIMAL + files), evaluate."""

    count = iter(range(1000))

    def run(files: dict[str, str | None], as_of: date, since: date | None = None) -> Evaluated:
        repo = make_repo(files, name=f"repo{next(count)}")
        return Evaluated(load(FolderStore(repo.root)), as_of, since)

    return run
