"""Write the built-in reference documents: ``python -m dangjian_cli.documents.reference``.

A reference .docx carries what a clerk would otherwise set by hand in Word: A4
page, margins, the character grid, named styles with their faces, and the page
numbers in the footers. Documents are built on a copy of it (:mod:`.builder`), so
a repository can ship its own edited ``templates/<lang>/reference.docx``
(a letterhead in the header, other margins) without touching code.

The committed files under ``templates/<lang>/`` are made by
this script; run it again after changing :mod:`.layout`.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Any

from .layout import EN_EAST_ASIA, LAYOUTS, PT_PER_MM, Face, Layout
from .templating import builtin_root

#: the named paragraph styles the markup uses (markup.py maps blocks to these)
STYLE_NAMES = (
    "Normal",
    "Title",
    "Heading 1",
    "Heading 2",
    "Flush",
    "Centered",
    "Right",
    "Letterhead",
    "Doc Number",
    "Table Text",
    "Imprint",
    "Footer",
)

#: the gap between the document number and the red rule under it: 4 mm
RULE_GAP_PT = 4 * 72 / 25.4

THEME_ATTRS = ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")


def set_fonts(rpr: Any, latin: str, east_asia: str) -> None:
    """Name the faces on an ``rPr`` for every script and drop theme fonts that override them.

    python-docx's ``font.name`` sets only ``w:ascii``/``w:hAnsi``; Word and WPS
    take Chinese text from ``w:eastAsia``, and a theme attribute beats both.
    """
    from docx.oxml.ns import qn

    rfonts = rpr.get_or_add_rFonts()
    for attr in THEME_ATTRS:
        key = qn(f"w:{attr}")
        if key in rfonts.attrib:
            del rfonts.attrib[key]
    rfonts.set(qn("w:ascii"), latin)
    rfonts.set(qn("w:hAnsi"), latin)
    rfonts.set(qn("w:cs"), latin)
    rfonts.set(qn("w:eastAsia"), east_asia)


def build(layout: Layout) -> Any:
    """A python-docx Document holding page setup, styles and footers, with an empty body."""
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt, RGBColor

    doc = docx.Document()
    styles = doc.styles
    # theme fonts override named faces in Word: remove them everywhere in styles.xml
    for rfonts in styles.element.iter(qn("w:rFonts")):
        for attr in THEME_ATTRS:
            rfonts.attrib.pop(qn(f"w:{attr}"), None)

    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width = Mm(210)
    section.page_height = Mm(297)
    top, bottom, left, right = layout.margins_mm
    section.top_margin, section.bottom_margin = Mm(top), Mm(bottom)
    section.left_margin, section.right_margin = Mm(left), Mm(right)
    section.header_distance = Mm(layout.header_mm)
    section.footer_distance = Mm(layout.footer_mm)
    sect_pr = section._sectPr
    for grid in sect_pr.findall(qn("w:docGrid")):
        sect_pr.remove(grid)
    if layout.line_pitch and layout.chars_per_line:
        grid = OxmlElement("w:docGrid")
        # a line grid only: LibreOffice draws a character grid ("linesAndChars")
        # with cells wider than asked (22 characters a line, digits spread out);
        # 28 characters a line come from the body face condensed to the pitch
        grid.set(qn("w:type"), "lines")
        grid.set(qn("w:linePitch"), str(round(layout.line_pitch * 20)))
        pitch = layout.text_width_pt / layout.chars_per_line
        sect_pr.append(grid)
        condense = math.floor((pitch - layout.body.size) * 20) - 1  # twentieths of a point
        normal_rpr = doc.styles["Normal"].element.get_or_add_rPr()
        spacing = OxmlElement("w:spacing")
        spacing.set(qn("w:val"), str(condense))
        normal_rpr.append(spacing)

    east = (lambda face: face.name) if layout.lang == "zh" else (lambda face: EN_EAST_ASIA)

    # document defaults: the body face, Chinese language for zh documents
    defaults = styles.element.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(rpr_default, layout.body.name, east(layout.body))
    # the character grid measures its pitch from the default size: make it the body's
    for tag in ("w:sz", "w:szCs"):
        rpr_default.find(qn(tag)).set(qn("w:val"), str(round(layout.body.size * 2)))
    lang = rpr_default.find(qn("w:lang"))
    if lang is not None and layout.lang == "zh":
        lang.set(qn("w:val"), "zh-CN")
        lang.set(qn("w:eastAsia"), "zh-CN")

    def paragraph_style(
        name: str,
        face: Face,
        *,
        align: Any = None,
        indent_chars: float = 0,
        right_chars: float = 0,
        before: float = 0,
        after: float = 0,
        pitch: float | None = None,
        keep_next: bool = False,
        grid: bool = True,
    ) -> Any:
        try:
            style = styles[name]
        except KeyError:
            style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            style.base_style = styles["Normal"]
            style.quick_style = True
        font = style.font
        font.size = Pt(face.size)
        font.bold = face.bold
        font.italic = False
        font.color.rgb = RGBColor.from_string(face.color) if face.color else RGBColor(0, 0, 0)
        set_fonts(style.element.get_or_add_rPr(), face.name, east(face))
        fmt = style.paragraph_format
        fmt.alignment = align
        fmt.first_line_indent = Pt(indent_chars * layout.body.size) if indent_chars else Pt(0)
        fmt.left_indent = Pt(0)
        fmt.right_indent = Pt(right_chars * layout.body.size) if right_chars else Pt(0)
        fmt.space_before = Pt(before)
        fmt.space_after = Pt(after)
        fmt.keep_with_next = keep_next
        if not grid:
            # display faces larger than the grid would take two cells per character
            snap = OxmlElement("w:snapToGrid")
            snap.set(qn("w:val"), "0")
            style.element.get_or_add_pPr().insert_element_before(
                snap, "w:spacing", "w:ind", "w:jc", "w:rPr"
            )
        if pitch:
            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            fmt.line_spacing = Pt(pitch)
        else:
            fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
        return style

    zh = layout.lang == "zh"
    pitch = layout.line_pitch
    gap = 0 if zh else 6  # English: space between paragraphs instead of a grid
    paragraph_style(
        "Normal",
        layout.body,
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
        indent_chars=layout.indent_chars,
        after=gap,
        pitch=pitch,
    )
    paragraph_style(
        "Title",
        layout.title,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        before=0,
        after=pitch or 12,  # GB/T 9704: one blank line below the title
        pitch=35 if zh else None,
        keep_next=True,
        grid=False,
    )
    # the default template's Title has a bottom border and spacing: keep it plain
    title_ppr = styles["Title"].element.get_or_add_pPr()
    for border in title_ppr.findall(qn("w:pBdr")):
        title_ppr.remove(border)
    paragraph_style(
        "Heading 1",
        layout.heading1,
        align=WD_ALIGN_PARAGRAPH.LEFT,
        indent_chars=layout.indent_chars,
        before=0 if zh else 12,
        after=gap,
        pitch=pitch,
        keep_next=True,
    )
    paragraph_style(
        "Heading 2",
        layout.heading2,
        align=WD_ALIGN_PARAGRAPH.LEFT,
        indent_chars=layout.indent_chars,
        before=0 if zh else 6,
        after=gap,
        pitch=pitch,
        keep_next=True,
    )
    for name in ("Heading 1", "Heading 2"):
        # outline level stays (navigation pane); drop the template's colour and italics
        styles[name].font.italic = False
    paragraph_style("Flush", layout.body, align=WD_ALIGN_PARAGRAPH.LEFT, after=gap, pitch=pitch)
    paragraph_style(
        "Centered", layout.body, align=WD_ALIGN_PARAGRAPH.CENTER, after=gap, pitch=pitch
    )
    # GB/T 9704 §7.3.5: signature and date sit towards the right, date four characters in
    paragraph_style(
        "Right",
        layout.body,
        align=WD_ALIGN_PARAGRAPH.RIGHT,
        right_chars=4 if zh else 0,
        after=0,
        pitch=pitch,
    )
    # GB/T 9704 §7.2.1, §7.2.4: the issuer's mark 35 mm below the top of the type
    # area, the number two lines below it, centred
    paragraph_style(
        "Letterhead",
        layout.letterhead,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        # the line box starts about a fifth of the face's size above the glyphs
        before=max(0.0, layout.letterhead_top_mm * PT_PER_MM - 0.22 * layout.letterhead.size),
        after=(pitch or 12) * (2 if zh else 1),
        pitch=None,
        keep_next=True,
        grid=False,
    )
    number = paragraph_style(
        "Doc Number",
        layout.body,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        after=(pitch or 12) * (2 if zh else 1) - RULE_GAP_PT,
        pitch=pitch,
        keep_next=True,
    )
    # the red rule 4 mm under the document number, the width of the type area
    # (GB/T 9704 §7.2.5); the title follows two lines below it
    ppr = number.element.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom_border = OxmlElement("w:bottom")
    rule = (("val", "single"), ("sz", "8"), ("space", str(round(RULE_GAP_PT))), ("color", "E60012"))
    for key, value in rule:
        bottom_border.set(qn(f"w:{key}"), value)
    borders.append(bottom_border)
    ppr.insert_element_before(
        borders,
        "w:shd",
        "w:tabs",
        "w:suppressAutoHyphens",
        "w:spacing",
        "w:ind",
        "w:jc",
        "w:rPr",
    )
    paragraph_style("Table Text", layout.table, align=WD_ALIGN_PARAGRAPH.LEFT, grid=False)
    # the 版记 (GB/T 9704 §7.4): 4号 body face, no grid, single spacing
    paragraph_style("Imprint", layout.imprint, align=WD_ALIGN_PARAGRAPH.LEFT, grid=False)
    paragraph_style("Footer", layout.page_number, align=WD_ALIGN_PARAGRAPH.CENTER, grid=False)

    _page_numbers(doc, layout)
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    props = doc.core_properties
    props.title = ""
    props.author = "dangjian"
    props.comments = "reference document: python -m dangjian_cli.documents.reference"
    props.language = "zh-CN" if zh else "en-GB"
    return doc


def _page_numbers(doc: Any, layout: Layout) -> None:
    """Footers with a PAGE field: ``— 1 —`` odd right / even left (zh), ``Page 1`` (en)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    section = doc.sections[0]
    before, after = layout.page_number_format
    east = layout.page_number.name if layout.lang == "zh" else EN_EAST_ASIA
    targets = [(section.footer, WD_ALIGN_PARAGRAPH.RIGHT if layout.mirrored_page_numbers else None)]
    if layout.mirrored_page_numbers:
        doc.settings.odd_and_even_pages_header_footer = True
        targets.append((section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT))
    for footer, align in targets:
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        paragraph.style = doc.styles["Footer"]
        if align is not None:
            paragraph.alignment = align
            # one character in from the edge (GB/T 9704 §7.5)
            if align == WD_ALIGN_PARAGRAPH.RIGHT:
                paragraph.paragraph_format.right_indent = Pt(layout.page_number.size)
            else:
                paragraph.paragraph_format.left_indent = Pt(layout.page_number.size)
        _run(paragraph, before, layout, east)
        _field(paragraph, "PAGE", layout, east)
        _run(paragraph, after, layout, east)


def _run(paragraph: Any, text: str, layout: Layout, east: str) -> Any:
    run = paragraph.add_run(text)
    set_fonts(run._r.get_or_add_rPr(), layout.page_number.name, east)
    return run


def _field(paragraph: Any, instruction: str, layout: Layout, east: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def fld(kind: str) -> None:
        run = _run(paragraph, "", layout, east)
        char = OxmlElement("w:fldChar")
        char.set(qn("w:fldCharType"), kind)
        run._r.append(char)

    fld("begin")
    run = _run(paragraph, "", layout, east)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._r.append(instr)
    fld("separate")
    _run(paragraph, "1", layout, east)
    fld("end")


def write_all(root: Path | None = None) -> list[Path]:
    """Write ``<root>/<lang>/reference.docx`` for every language; return the paths."""
    root = root or builtin_root()
    written = []
    for lang, layout in LAYOUTS.items():
        target = root / lang / "reference.docx"
        target.parent.mkdir(parents=True, exist_ok=True)
        build(layout).save(str(target))
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    root = Path(args[0]) if args else None
    for path in write_all(root):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
