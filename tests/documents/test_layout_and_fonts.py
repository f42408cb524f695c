"""Generated documents read back with python-docx: GB/T 9704 page, faces on every run."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm

from dangjian_cli.documents.chart import bar_chart
from dangjian_cli.documents.check import check_templates, sample_document
from dangjian_cli.documents.templating import KINDS
from dangjian_cli.documents.words import format_date, money


def _close(length, expected) -> bool:
    """Word stores lengths in twips: equal within a tenth of a millimetre."""
    return abs(length - expected) < Mm(0.1)


def _runs(doc):
    for paragraph in doc.paragraphs:
        yield from paragraph.runs
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    yield from paragraph.runs
    for section in doc.sections:
        for part in (section.footer, section.even_page_footer):
            for paragraph in part.paragraphs:
                yield from paragraph.runs


@pytest.mark.parametrize("kind", KINDS)
def test_chinese_page_follows_gbt9704(kind):
    doc = docx.Document(io.BytesIO(sample_document(None, "zh", kind)))
    section = doc.sections[0]
    assert _close(section.page_width, Mm(210)) and _close(section.page_height, Mm(297))
    assert abs(section.top_margin - Mm(37)) < Mm(0.1)
    assert abs(section.bottom_margin - Mm(35)) < Mm(0.1)
    assert abs(section.left_margin - Mm(28)) < Mm(0.1)
    assert abs(section.right_margin - Mm(26)) < Mm(0.1)
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "linesAndChars"
    assert grid.get(qn("w:linePitch")) == "579"  # 28.95 pt: 22 lines in 225 mm
    runs = [r for r in _runs(doc) if r.text or r._r.find(qn("w:fldChar")) is not None]
    assert runs
    for run in runs:
        rfonts = run._r.rPr.rFonts
        assert rfonts is not None and rfonts.get(qn("w:eastAsia")), run.text
        assert rfonts.get(qn("w:eastAsiaTheme")) is None
    # body 仿宋_GB2312 3号, title 小标宋 2号, first heading 黑体
    styles = doc.styles
    assert styles["Normal"].font.size.pt == 16
    assert styles["Title"].font.size.pt == 22
    title = next(p for p in doc.paragraphs if p.style.name == "Title")
    assert title.runs[0]._r.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    body = next(p for p in doc.paragraphs if p.style.name == "Normal" and p.runs)
    assert body.runs[0]._r.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    if kind != "notice":
        heading = next(p for p in doc.paragraphs if p.style.name == "Heading 1")
        assert heading.runs[0]._r.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"


def test_chinese_styles_have_no_theme_fonts():
    doc = docx.Document(io.BytesIO(sample_document(None, "zh", "letter")))
    for rfonts in doc.styles.element.iter(qn("w:rFonts")):
        for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
            assert rfonts.get(qn(f"w:{attr}")) is None


def test_page_numbers_odd_right_even_left():
    doc = docx.Document(io.BytesIO(sample_document(None, "zh", "report")))
    assert doc.settings.odd_and_even_pages_header_footer
    section = doc.sections[0]
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    assert odd.alignment == 2 and even.alignment == 0  # RIGHT, LEFT
    for footer in (odd, even):
        assert "PAGE" in footer._p.xml
        assert footer.text.startswith("— ") and footer.text.endswith(" —")
        assert footer.runs[0].font.size is None or footer.style.font.size.pt == 14


def test_english_is_a4():
    doc = docx.Document(io.BytesIO(sample_document(None, "en", "letter")))
    section = doc.sections[0]
    assert _close(section.page_width, Mm(210)) and _close(section.page_height, Mm(297))


def test_report_holds_the_chart_picture():
    doc = docx.Document(io.BytesIO(sample_document(None, "en", "report")))
    assert len(doc.inline_shapes) == 1
    blob = doc.inline_shapes[0]._inline.graphic.graphicData.pic.blipFill.blip.embed
    assert doc.part.related_parts[blob].blob.startswith(b"\x89PNG")


def test_chart_png_is_well_formed():
    import struct
    import zlib

    png = bar_chart([(1, 2), (3, 3)], width=200, height=100)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (200, 100)
    idat = png[png.index(b"IDAT") + 4 : png.index(b"IEND") - 8]
    assert len(zlib.decompress(idat)) == height * (1 + 3 * width)


def test_words():
    assert format_date(date(2026, 3, 5), "zh") == "2026年3月5日"
    assert format_date(date(2026, 3, 5), "en") == "5 March 2026"
    from decimal import Decimal

    assert money(Decimal("1234.5")) == "1,234.50"
    assert money(Decimal("0.005")) == "0.01"


def test_builtin_templates_pass_the_check():
    problems, checked = check_templates(None, ["en", "zh"])
    assert problems == []
    assert checked == 8


def test_check_catches_a_broken_repository_template(tmp_path: Path):
    own = tmp_path / "templates" / "zh"
    own.mkdir(parents=True)
    (own / "letter.md.j2").write_text("# {{ year }\n", encoding="utf-8")
    (own / "notice.md.j2").write_text("# {{ no_such_value }}\n", encoding="utf-8")
    (own / "report.md.j2").write_text("@frame x\n", encoding="utf-8")
    problems, _ = check_templates(tmp_path, ["zh"])
    text = "\n".join(problems)
    assert f"{own / 'letter.md.j2'}:1:" in text
    assert "no_such_value" in text and "notice.md.j2:1" in text
    assert "unknown directive @frame" in text
    assert not any("funding" in p for p in problems)  # the built-in one still applies
