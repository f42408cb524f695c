"""Whole-month and whole-year date arithmetic (dangjian_cli/dates.py): one definition
that the checks and the rules share, with the behaviour each had before (the checks'
own copies are the oracles below), and the arrows pointing down: checks and records
import nothing from rules."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dangjian_cli.dates import add_months, add_years

PACKAGE = Path(__file__).resolve().parents[1] / "dangjian_cli"
days = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))


def _years_as_the_checks_had_it(day: date, years: int) -> date:
    """checks/members.py's add_years before it was shared: replace the year, and 28
    February where 29 February does not exist."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _months_as_the_checks_had_it(day: date, months: int) -> date:
    """checks/members.py's add_months before it was shared: the same day, else the
    30th, 29th or 28th of the month reached."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month + 1, d)
        except ValueError:
            continue
    raise AssertionError(day)


@pytest.mark.parametrize(
    ("day", "years", "moved"),
    [
        (date(2024, 2, 29), 1, date(2025, 2, 28)),
        (date(2024, 2, 29), 4, date(2028, 2, 29)),
        (date(2024, 2, 29), -1, date(2023, 2, 28)),
        (date(2008, 2, 29), 18, date(2026, 2, 28)),
        (date(2000, 2, 29), 100, date(2100, 2, 28)),  # 2100 is not a leap year
        (date(2023, 2, 28), 1, date(2024, 2, 28)),  # never moved on to the 29th
        (date(2025, 12, 31), 0, date(2025, 12, 31)),
    ],
)
def test_years_at_their_edges(day, years, moved):
    assert add_years(day, years) == moved == _years_as_the_checks_had_it(day, years)


@pytest.mark.parametrize(
    ("day", "months", "moved"),
    [
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2024, 3, 31), -1, date(2024, 2, 29)),
        (date(2025, 3, 31), -1, date(2025, 2, 28)),
        (date(2026, 5, 31), 1, date(2026, 6, 30)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2026, 1, 15), -1, date(2025, 12, 15)),
        (date(2026, 1, 31), -13, date(2024, 12, 31)),
    ],
)
def test_months_at_their_edges(day, months, moved):
    assert add_months(day, months) == moved == _months_as_the_checks_had_it(day, months)


@given(days, st.integers(min_value=-80, max_value=80))
def test_years_as_the_checks_moved_them(day, years):
    assert add_years(day, years) == _years_as_the_checks_had_it(day, years)


@given(days, st.integers(min_value=-960, max_value=960))
def test_months_as_the_checks_moved_them(day, months):
    assert add_months(day, months) == _months_as_the_checks_had_it(day, months)


def _imports(path: Path) -> set[str]:
    """The modules ``path`` imports, relative ones made absolute within the package."""
    parts = ["dangjian_cli", *path.relative_to(PACKAGE).with_suffix("").parts]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = parts[: len(parts) - node.level] if node.level else []
            name = ".".join([*base, *([node.module] if node.module else [])])
            out.add(name)
            out.update(f"{name}.{alias.name}" for alias in node.names)
    return out


@pytest.mark.parametrize("layer", ["checks", "records"])
def test_the_lower_layers_import_nothing_from_rules(layer):
    upward = {
        f"{path.relative_to(PACKAGE)}: {name}"
        for path in sorted((PACKAGE / layer).glob("*.py"))
        for name in _imports(path)
        if name == "dangjian_cli.rules" or name.startswith("dangjian_cli.rules.")
    }
    assert not upward


def test_one_definition_of_each_date_helper():
    defined = {
        f"{path.relative_to(PACKAGE)}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef) and node.name in ("add_months", "add_years")
    }
    assert defined == {"dates.py"}
