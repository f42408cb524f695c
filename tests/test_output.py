"""output: spreadsheet cells that cannot run a formula, masking in every view."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal

import pytest

from dangjian_cli.output import FORMULA_START, csv_cell, render, safe_cell


@pytest.mark.parametrize("lead", ["=", "+", "-", "@", "\t", "\r"])
def test_text_that_a_spreadsheet_would_run_gets_a_quote(lead):
    value = f"{lead}2+3+cmd|' /C calc'!A0"
    assert safe_cell(value) == "'" + value  # readable, shown as text
    assert safe_cell("  " + value) == "'  " + value  # leading spaces do not hide it
    assert csv_cell(value) == "'" + value


def test_formula_start_is_the_owasp_list():
    assert set(FORMULA_START) == {"=", "+", "-", "@", "\t", "\r"}


def test_ordinary_text_and_genuine_numbers_stay_as_they_are():
    assert safe_cell("Test Village Branch") == "Test Village Branch"
    assert safe_cell("a-b=c") == "a-b=c"  # only the first character counts
    # numbers typed as numbers cannot hold a formula; a clerk's sums keep working
    assert safe_cell(Decimal("-5.00")) == Decimal("-5.00")
    assert safe_cell(-3) == -3
    assert safe_cell(date(2026, 3, 15)) == date(2026, 3, 15)
    assert csv_cell(Decimal("-5.00")) == "-5.00"
    assert csv_cell(-3) == "-3"
    assert csv_cell(None) == ""
    # a number written as text in a record is text: neutralised like any text
    assert csv_cell("-5.00") == "'-5.00"
    assert csv_cell(["=a", "b"]) == "'=a, b"


def test_render_csv_neutralises_every_cell_and_masks():
    rows = [
        {"name": '=HYPERLINK("http://x")', "amount": Decimal("-5.00"), "note": "13812345678"},
        {"name": "@SUM(A1)", "amount": 3, "note": "-"},
    ]
    out = list(csv.reader(io.StringIO(render(rows, "csv"))))
    assert out == [
        ["name", "amount", "note"],
        ['\'=HYPERLINK("http://x")', "-5.00", "138****5678"],
        ["'@SUM(A1)", "3", "'-"],
    ]
    shown = list(csv.reader(io.StringIO(render(rows, "csv", show_personal=True))))
    assert shown[1][2] == "13812345678"
    assert json.loads(render(rows, "json"))[0]["note"] == "138****5678"
    assert "138****5678" in render(rows, "table")


def test_csv_rows_survive_line_breaks_and_quotes_in_values():
    """A carriage return inside a value is quoted too (the csv module's writer with
    ``\\n`` line ends leaves it bare, which splits the row in a spreadsheet)."""
    values = ["a\rb", "c\nd", 'say "hi", then go', "", " x"]
    text = render([{"v": v} for v in values], "csv", show_personal=True)
    assert [r[0] for r in csv.reader(io.StringIO(text, newline=""))][1:] == values


def test_json_rows_are_what_the_indenting_encoder_writes() -> None:
    """The compiled-encoder shortcut of a listing's JSON writes the same text as
    ``json.dumps(..., indent=2)``, for flat rows and rows holding lists or tables."""
    import json
    import random

    from dangjian_cli.output import json_rows

    rng = random.Random(7)
    values = [None, True, 0, -3, 1.5, "x", "中文", 'q"uote\\\n\t', "", [1, "a"], {"k": [None]}, {}]
    # text that looks like the seams between rows the shortcut writes and then finds
    values += ["}", "{", "},\n    {", '"},\n    {"', "}, {", 1e300, -0.0]
    for _ in range(500):
        rows = [
            {f"c{i}": rng.choice(values) for i in range(rng.randrange(0, 5))}
            for _ in range(rng.randrange(0, 4))
        ]
        assert json_rows(rows) == json.dumps(rows, ensure_ascii=False, indent=2)
    scalars = [v for v in values if not isinstance(v, (list, dict))]
    for _ in range(300):  # many rows of plain values: the whole list written at once
        rows = [
            {f"c{i}": rng.choice(scalars) for i in range(rng.randrange(1, 5))}
            for _ in range(rng.randrange(1, 30))
        ]
        assert json_rows(rows) == json.dumps(rows, ensure_ascii=False, indent=2)
