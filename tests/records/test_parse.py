from __future__ import annotations

import pytest

from dangjian_cli.records.parse import locate, parse

DOC = '''\
name = "X"   # a comment
minutes = """
kind = "not a key"
"""
attendees = [
  "a",
  "b",
]

[committee]
elected = 2024-01-01

[[dues]]
month = "2026-01"

[[dues]]
month = "2026-02"
"amount" = "12"
'''


@pytest.mark.parametrize(
    ("key", "line"),
    [
        (("name",), 1),
        (("kind",), 1),  # only inside the multi-line string: not a key, falls back to line 1
        (("attendees", 1), 5),
        (("committee", "elected"), 11),
        (("committee", "term_years"), 10),  # missing: the table's header
        (("dues", 0, "month"), 14),
        (("dues", 1, "month"), 17),
        (("dues", 1, "amount"), 18),
        (("dues", 1, "paid_on"), 16),
    ],
)
def test_locate_finds_the_line_of_a_key(key, line):
    assert locate(DOC, key) == line


def test_locate_counts_crlf_lines_like_the_parser():
    text = "a = 1\r\nb = 2\r\n\r\n[t]\r\nc = 3\r\n"
    assert locate(text, ("t", "c")) == 5


def test_parse_reports_line_and_column_of_syntax_error():
    doc, problems = parse("x.toml", b'a = 1\nb = "unterminated\n')
    assert doc is None
    (p,) = problems
    assert (p.code, p.line) == ("E-TOML", 2)
    assert p.column is not None


def test_parse_reports_end_of_file_errors_on_the_last_line():
    _, (p,) = parse("x.toml", b"a = 1\nb = [\n")
    assert p.code == "E-TOML" and p.line == 2 and "end of file" in p.message


def test_parse_refuses_bom_and_gbk_with_line():
    _, (bom,) = parse("x.toml", b"\xef\xbb\xbfa = 1\n")
    assert (bom.code, bom.line) == ("E-ENCODING", 1)
    _, (gbk,) = parse("x.toml", 'a = 1\nname = "青山"\n'.encode("gbk"))
    assert (gbk.code, gbk.line) == ("E-ENCODING", 2)


def test_parse_reports_empty_file():
    _, (p,) = parse("x.toml", b"  \n\n")
    assert p.code == "E-EMPTY"
