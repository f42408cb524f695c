"""Tables written as WordprocessingML text (documents.builder._table): what a reader
of the saved .docx finds in them — text, line breaks, tabs, spaces, faces, bold
headings, alignment, widths and row properties — and that they stay valid."""

from __future__ import annotations

import io
import random

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from dangjian_cli.documents.builder import DocBuilder
from dangjian_cli.documents.markup import Block
from dangjian_cli.documents.templating import reference_bytes


def _saved(blocks: list[Block], lang: str = "zh") -> Document:
    data = DocBuilder(reference_bytes(None, lang)).add(blocks).to_bytes()
    return Document(io.BytesIO(data))


def test_cells_read_back_as_written() -> None:
    rows = [
        ["组织", "应缴（元）", "说明"],
        ["河西镇东村党支部", "1,234.50", "第一行\n第二行"],
        ["A & B <c>", "12%", "  two spaces first"],
        ["tab\tinside", "—", ""],
    ]
    doc = _saved([Block("table", "", rows)])
    (table,) = doc.tables
    assert [[c.text for c in row.cells] for row in table.rows] == rows
    head = table.rows[0].cells[0].paragraphs[0]
    assert all(run.bold for run in head.runs)
    assert head.alignment == WD_ALIGN_PARAGRAPH.CENTER
    body = table.rows[1].cells
    assert body[0].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.LEFT
    assert body[1].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT  # a figure
    assert not any(run.bold for run in body[0].paragraphs[0].runs)
    # every run carries the faces of the table style, Chinese and Latin
    run = body[0].paragraphs[0].runs[0]._r
    fonts = run.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) and fonts.get(qn("w:ascii"))
    assert body[0].paragraphs[0].style.name == "Table Text"


def test_heading_row_repeats_and_widths_agree() -> None:
    rows = [["序号", "党组织名称", "金额"]] + [
        [str(n), f"第{n}党支部", f"{n * 3.5:.2f}"] for n in range(1, 60)
    ]
    doc = _saved([Block("table", "", rows)])
    tbl = doc.tables[0]._tbl
    first = tbl.tr_lst[0]
    assert first.trPr is not None and first.trPr.find(qn("w:tblHeader")) is not None
    assert all(tr.trPr is None or tr.trPr.find(qn("w:tblHeader")) is None for tr in tbl.tr_lst[1:])
    grid = [int(col.get(qn("w:w"))) for col in tbl.tblGrid.iterchildren(qn("w:gridCol"))]
    for tr in tbl.tr_lst:
        assert [int(tc.tcPr.find(qn("w:tcW")).get(qn("w:w"))) for tc in tr.tc_lst] == grid
    props = tbl.tblPr
    assert len(props.findall(qn("w:tblLayout"))) == 1  # fixed, once
    assert abs(int(props.find(qn("w:tblW")).get(qn("w:w"))) - sum(grid)) <= len(grid)


def test_short_rows_get_empty_cells_and_signature_lines_keep_together() -> None:
    doc = _saved(
        [
            Block("table", "", [["甲", "乙", "丙"], ["只有一格"]]),
            Block("sign", "", [["书记：", "张三"], ["日期：", "2026年7月1日"]]),
        ]
    )
    table, sign = doc.tables
    assert [c.text for c in table.rows[1].cells] == ["只有一格", "", ""]
    keeps = [
        [cell.paragraphs[0].paragraph_format.keep_with_next for cell in row.cells]
        for row in sign.rows
    ]
    assert keeps == [[True, True], [False, False]]
    for tr in sign._tbl.tr_lst:
        assert tr.trPr.find(qn("w:cantSplit")) is not None
    assert sign._tbl.tblPr.find(qn("w:tblStyle")) is None  # no ruled grid


def test_random_text_survives(tmp_path) -> None:
    """Whatever characters a record holds come back from the saved file unchanged."""
    rng = random.Random(5)
    alphabet = "党支部河西&<>\"' \t\n0123456789abcXYZ，。（）%—"
    rows = [["列一", "列二"]]
    for _ in range(40):
        rows.append(
            ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))) for _ in range(2)]
        )
    doc = _saved([Block("table", "", rows)])
    got = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert got[0] == rows[0]
    for want, have in zip(rows[1:], got[1:], strict=True):
        # a long name may be broken into balanced lines: only line breaks are added
        assert [h.replace("\n", "") for h in have] == [w.replace("\n", "") for w in want]
