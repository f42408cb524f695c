"""Generated documents read back with python-docx: GB/T 9704 page, faces on every run."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm

from dangjian_cli.documents.chart import HELD, bars_png, short_names
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
    assert grid.get(qn("w:type")) == "lines"
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


def test_report_chart_names_its_orgs_with_values_and_a_legend():
    doc = docx.Document(io.BytesIO(sample_document(None, "zh", "report")))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "■ 已开次数" in text and "■ 应开次数" in text  # legend, held first as in the caption
    chart = next(t for t in doc.tables if any(r.cells[-1].text.count("/") == 1 for r in t.rows))
    names = [row.cells[0].text for row in chart.rows]
    assert all(names) and not any(n.isdigit() for n in names)  # names, not numbers
    assert all("/" in row.cells[2].text for row in chart.rows)  # held/owed figures
    pictures = doc.inline_shapes
    assert len(pictures) == len(chart.rows)
    blob = pictures[0]._inline.graphic.graphicData.pic.blipFill.blip.embed
    assert doc.part.related_parts[blob].blob.startswith(b"\x89PNG")


def test_chart_bars_png_is_well_formed_and_scaled():
    import struct
    import zlib

    png = bars_png(3, 6, 6, width=200, height=40)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (200, 40)
    idat = png[png.index(b"IDAT") + 4 : png.index(b"IEND") - 8]
    raw = zlib.decompress(idat)
    assert len(raw) == height * (1 + 3 * width)

    def red_run(y: int) -> int:
        row = raw[y * (1 + 3 * width) + 1 : (y + 1) * (1 + 3 * width)]
        pixels = [tuple(row[i : i + 3]) for i in range(0, len(row), 3)]
        return sum(1 for p in pixels if p == HELD)

    top = max(red_run(y) for y in range(height // 2))
    assert abs(top - width // 2) <= 2  # held 3 of a peak of 6: half the width, on top
    assert max(red_run(y) for y in range(height // 2 + 3, height)) == 0  # owed below, grey


def test_short_names_cut_shared_place_names_only():
    names = ["青山县河西镇党委", "青山县河西镇西山村党支部", "青山县河西镇西岭村党支部"]
    assert short_names(names, "") == ["青山县河西镇党委", "西山村党支部", "西岭村党支部"]


def test_words():
    assert format_date(date(2026, 3, 5), "zh") == "2026年3月5日"
    assert format_date(date(2026, 3, 5), "en") == "5 March 2026"
    from decimal import Decimal

    assert money(Decimal("1234.5")) == "1,234.50"
    assert money(Decimal("0.005")) == "0.01"


def test_builtin_templates_pass_the_check():
    problems, checked = check_templates(None, ["en", "zh"])
    assert problems == []
    assert checked == 2 * len(KINDS)  # every kind in both languages


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
