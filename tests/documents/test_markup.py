"""The block markup: structure from template lines, values never able to change it."""

from __future__ import annotations

import pytest

from dangjian_cli.documents.markup import MarkupError, escape, parse


def test_blocks_of_each_kind():
    blocks = parse(
        "# Title\n## One\n### Two\nbody text\n@left To all\n@center mid\n@right Date\n"
        "@letterhead Issuer\n@number No. 1\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        "@sign x | y\n@sign p | q\n@chart\n@pagebreak\n"
    )
    kinds = [b.kind for b in blocks]
    assert kinds == [
        "title", "heading1", "heading2", "paragraph", "left", "center", "right",
        "letterhead", "number", "table", "sign", "chart", "pagebreak",
    ]  # fmt: skip
    table = blocks[9]
    assert table.rows == [["a", "b"], ["1", "2"]]
    assert blocks[10].rows == [["x", "y"], ["p", "q"]]
    assert blocks[0].text == "Title"


def test_value_cannot_start_a_block_or_split_a_cell():
    value = escape("# not a title | still one cell\n@chart")
    blocks = parse(f"{value}\n| h1 | h2 |\n| {value} | x |\n")
    assert blocks[0].kind == "paragraph"
    assert blocks[0].text == "# not a title | still one cell\n@chart"
    assert blocks[1].rows[1] == ["# not a title | still one cell\n@chart", "x"]


def test_control_characters_are_dropped():
    assert parse(escape("a\x00b\x07c"))[0].text == "abc"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("@bogus x", "unknown directive @bogus"),
        ("| a | b |\n| 1 |", "table row has 1 cells, its header has 2"),
        ("@sign a | b\n@sign c", "@sign row has 1 parts, the first row has 2"),
        ("#Title", "needs a space"),
        ("@chart now", "takes no text"),
    ],
)
def test_bad_markup_names_the_line(text, message):
    with pytest.raises(MarkupError, match=message) as caught:
        parse("first line\n" + text)
    assert caught.value.line >= 2
