"""Helpers for check tests: run `dangjian validate --format json` and pick problems."""

from __future__ import annotations

import json

import pytest


class Findings(list):
    """Problems reported by one `validate` run, as the JSON objects it printed."""

    def of(self, code: str) -> list[dict]:
        return [p for p in self if p["code"] == code]

    def at(self, code: str, path: str) -> list[dict]:
        return [p for p in self if p["code"] == code and p["path"] == path]

    def one(self, code: str, path: str) -> dict:
        found = self.at(code, path)
        assert len(found) == 1, f"expected one {code} in {path}, got {found} of {list(self)}"
        return found[0]


def run_validate(repo) -> Findings:
    result = repo.run("validate", "--format", "json")
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code in (0, 1), result.output
    return Findings(json.loads(result.stdout))


@pytest.fixture
def validate():
    return run_validate


def line_of(repo, path: str, fragment: str) -> int:
    """1-based line of the first line of ``path`` containing ``fragment``."""
    for number, text in enumerate(repo.read(path).splitlines(), start=1):
        if fragment in text:
            return number
    raise AssertionError(f"{fragment!r} not in {path}")
