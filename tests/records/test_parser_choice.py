"""The record parser (tomli's compiled build) reads exactly what ``tomllib`` reads:
the same documents, and the same errors with their line and column, on the sample
county and on bad input; and nothing that TOML 1.0 refuses (the reason a faster,
more lenient Rust parser is not used)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from dangjian_cli.records import parse as parse_mod
from dangjian_cli.records.parse import parse

SAMPLE = Path(__file__).resolve().parents[2] / "sample_repo"

#: documents TOML 1.0 refuses and a lenient parser (rtoml 0.14) reads
NOT_TOML_1_0 = {
    "newline in an inline table": "a = {b = 1,\n c = 2}\n",
    "trailing comma in an inline table": "a = {b = 1,}\n",
    "a time without seconds": "a = 07:32\n",
    "a \\x escape": 'a = "\\x41"\n',
}

BAD = [
    "a = 1\na = 2\n",
    'name = "x\n',
    "[a]\nb = 1\n[a]\n",
    "a = [1,\n",
    "a = 012\n",
    "a = " + "[" * 500 + "]" * 500 + "\n",
    *NOT_TOML_1_0.values(),
]


def _outcome(loads, text: str) -> tuple[str, object]:
    try:
        return "ok", loads(text)
    except RecursionError as exc:  # tomli bounds nesting with its own message
        return type(exc).__name__, ""
    except Exception as exc:  # the message carries the line and column
        return type(exc).__name__, str(exc)


def test_the_parser_is_tomli_where_installed() -> None:
    pytest.importorskip("tomli")
    assert parse_mod._toml.__name__ == "tomli"


def test_sample_county_reads_as_with_tomllib() -> None:
    files = sorted(SAMPLE.rglob("*.toml"))
    assert len(files) > 500
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert parse_mod._loads(text) == tomllib.loads(text), path


@pytest.mark.parametrize("text", BAD)
def test_bad_input_fails_as_with_tomllib(text: str) -> None:
    assert _outcome(parse_mod._loads, text) == _outcome(tomllib.loads, text)


@pytest.mark.parametrize("name", sorted(NOT_TOML_1_0))
def test_what_toml_1_0_refuses_is_refused(name: str) -> None:
    doc, problems = parse("members/x.toml", NOT_TOML_1_0[name].encode())
    assert doc is None
    assert [p.code for p in problems] == ["E-TOML"]
    assert problems[0].line == 1
