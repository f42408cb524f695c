"""Build a .docx from markup blocks on a copy of the reference document.

Every run gets its faces written out (``w:ascii``, ``w:hAnsi`` and ``w:eastAsia``)
from the face of its paragraph style in the reference, so Word and WPS show
Chinese text in the intended face even where they ignore style inheritance.
"""

from __future__ import annotations

import io
import itertools
import math
import re
from pathlib import Path
from typing import Any

from .columns import AMOUNT as _AMOUNT
from .columns import CJK as _CJK
from .columns import column_widths, text_width
from .markup import STYLES, Block

#: a table cell's left and right margins in the reference document (108 twips each), points
CELL_MARGINS = 10.8
#: twentieths of a point per point, and EMU per point
TWIP = 20
EMU_PT = 12700

# Title lines may break after these (end of a line) or before these (start of the next):
# whole words of the names and phrases official titles are made of.
_BREAK_AFTER = (
    "关于",
    "对",
    "的",
    "委员会",
    "党委",
    "总支部",
    "支部",
    "总支",
    "年度",
    "半年",
    "季度",
    "县",
    "镇",
    "乡",
    "村",
    "街道",
    "社区",
    "和",
    "及",
    "与",
    "、",
)
_BREAK_BEFORE = ("关于", "的", "限期", "基层", "予以", "工作", "调查", "通报", "表扬")


#: words a title line never splits
_WORDS = (
    "上半年",
    "下半年",
    "年度",
    "季度",
    "党支部",
    "党总支",
    "党组织",
    "党委",
    "委员会",
    "基层",
    "党建",
    "工作",
    "报告",
    "通知",
    "通报",
    "批评",
    "整改",
    "限期",
    "调查",
    "经费",
    "保障",
    "情况",
    "诫勉",
    "表扬",
    "责任书",
    # words of org names, which a table cell may break in two
    "有限公司",
    "物流",
    "企业",
    "园区",
    "社会组织",
    "联合",
)


def _break_cost(text: str, i: int) -> float:
    """How badly a line break before ``text[i]`` cuts a word (0: between words)."""
    head, tail = text[:i], text[i:]
    if head[-1].isdigit() and (tail[0].isdigit() or tail[0] in "年月日号"):
        return 100
    if tail[0] in "度）》”，。、":
        return 50
    if head.endswith("年") and tail[0] in "度上下第":
        return 50
    for word in _WORDS:
        start = text.find(word, max(0, i - len(word) + 1))
        if 0 <= start < i < start + len(word):
            return 30
    if any(head.endswith(w) for w in _BREAK_AFTER) or any(
        tail.startswith(w) for w in _BREAK_BEFORE
    ):
        return 0
    return 6


def balance_title(text: str, width: float, size: float) -> str:
    """A CJK title in lines broken by sense and balanced (GB/T 9704 §7.3.3: 词意完整，排列对称).

    A title that fits one line (``width`` points at ``size``) stays on one;
    otherwise the fewest lines that fit, no line shorter than three characters,
    breaks between words preferred and line widths as equal as can be. Lines are
    joined by ``\n``.
    """
    if "\n" in text or text_width(text, size) <= width or not _CJK.search(text):
        return text
    n = len(text)
    widths = [text_width(ch, size) / size for ch in text]
    prefix = [0.0, *itertools.accumulate(widths)]
    total = prefix[-1]
    # the fewest lines that could hold the title, then more only if no break fits
    for lines in range(max(2, math.ceil(total * size / width)), 7):
        cuts = _balanced_cuts(text, prefix, lines, width / size)
        if cuts is not None:
            bounds = [0, *cuts, n]
            return "\n".join(text[a:b] for a, b in itertools.pairwise(bounds))
    return text


def _balanced_cuts(text: str, prefix: list[float], lines: int, room: float) -> list[int] | None:
    """Break positions for ``lines`` lines of at most ``room`` ems, at least three
    characters each, minimising the cost of the breaks plus the difference
    of each line from the average (dynamic programming, so long names stay fast)."""
    n = len(text)
    mean = prefix[-1] / lines
    inf = float("inf")
    # best[k][i]: cost of putting text[:i] on k lines; back[k][i]: where line k starts
    best = [[inf] * (n + 1) for _ in range(lines + 1)]
    back = [[0] * (n + 1) for _ in range(lines + 1)]
    best[0][0] = 0.0
    for k in range(1, lines + 1):
        for end in range(3 * k, n + 1):
            for start in range(3 * (k - 1), end - 2):
                if best[k - 1][start] == inf:
                    continue
                span = prefix[end] - prefix[start]
                if span > room:
                    continue
                cost = best[k - 1][start] + 2 * abs(span - mean)
                if end < n:
                    cost += _break_cost(text, end)
                if cost < best[k][end]:
                    best[k][end], back[k][end] = cost, start
    if best[lines][n] == inf:
        return None
    cuts, end = [], n
    for k in range(lines, 1, -1):
        end = back[k][end]
        cuts.append(end)
    return sorted(cuts)


#: a name or a short phrase (no sentence punctuation, brackets, figures or line breaks)
_NAME_LIKE = re.compile(r"^[^\n。，；：、（）《》()〔〕0-9]{1,24}$")


def _fit_cell(text: str, width: float, size: float) -> str:
    """A Chinese name or phrase too long for its cell, in as many lines as it takes
    anyway, broken by sense and balanced (`河西工业园区物流` / `企业联合党支部`): not
    left to wrap a character or two onto a line of its own (`…联合党支` / `部`) or to
    break a word (`…街道工` / `作委员会`). A sentence wraps as a paragraph does."""
    room = width - CELL_MARGINS
    wide = text_width(text, size, 0.52)
    if not _NAME_LIKE.match(text) or not _CJK.search(text) or wide <= room:
        return text
    lines = math.ceil(wide / room)
    # a little slack: the face drawn may be wider than the one measured
    fitted = balance_title(text, room - size / 4, size)
    return fitted if fitted.count("\n") + 1 == lines else text


#: the WordprocessingML namespace, declared on the table text parsed in one go
_W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_RUN_SPLIT = re.compile(r"([\t\r])")


def _text(value: str) -> str:
    """``value`` as XML character data."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(value: str) -> str:
    """``value`` inside a double-quoted XML attribute (a reference's style or face name)."""
    return _text(value).replace('"', "&quot;")


def _fonts_xml(latin: str | None, east: str | None) -> str:
    """A run's ``w:rFonts``: the faces of its paragraph style written out (see the module)."""
    attrs = ""
    if latin:
        attrs += f' w:ascii="{_attr(latin)}" w:hAnsi="{_attr(latin)}"'
    if east:
        attrs += f' w:eastAsia="{_attr(east)}" w:hint="eastAsia"'
    return f"<w:rFonts{attrs}/>"


def _runs_xml(text: str, fonts: str, bold: bool) -> str:
    """The runs ``DocBuilder.run`` makes of ``text``, as XML text: a run a line (the
    next starts with a break), a tab as ``w:tab``, spaces at the ends preserved."""
    props = f"<w:rPr>{fonts}<w:b/></w:rPr>" if bold else f"<w:rPr>{fonts}</w:rPr>"
    out = []
    for i, line in enumerate(text.split("\n")):
        out.append("<w:r>" + props + ("<w:br/>" if i else ""))
        for piece in _RUN_SPLIT.split(line) if "\t" in line or "\r" in line else (line,):
            if piece == "\t":
                out.append("<w:tab/>")
            elif piece == "\r":
                out.append("<w:br/>")
            elif piece:
                space = ' xml:space="preserve"' if piece.strip() != piece else ""
                out.append(f"<w:t{space}>{_text(piece)}</w:t>")
        out.append("</w:r>")
    return "".join(out)


class DocBuilder:
    """One document: ``add(blocks)``, then ``to_bytes()``."""

    def __init__(self, reference: bytes, images: dict[str, bytes] | None = None) -> None:
        import docx
        from docx.oxml.ns import qn

        self.doc = docx.Document(io.BytesIO(reference))
        body = self.doc.element.body
        for child in list(body):
            if child.tag != qn("w:sectPr"):
                body.remove(child)
        self.images = images or {}
        self.style_ids, self._fonts = _styles_of(reference, self.doc)
        self._letterhead_size: Any = None
        #: the next picture's id (:meth:`_add_picture`), found when first needed
        self._shape_id: int | None = None

    # ---- faces ----------------------------------------------------------------

    def faces(self, style_name: str) -> tuple[str | None, str | None]:
        """(latin, east asian) face of a paragraph style, following its base styles."""
        return self._fonts.get(style_name) or self._fonts.get("Normal") or (None, None)

    def _style(self, name: str) -> str | None:
        """The style id of a style name in the reference (None: the reference lacks it)."""
        return self.style_ids.get(name)

    def _paragraph(self, style_name: str, container: Any = None) -> Any:
        paragraph = (container or self.doc).add_paragraph()
        style_id = self._style(style_name)
        if style_id:
            paragraph._p.style = style_id  # by id: python-docx's by-name lookup is slow
        return paragraph

    def run(self, paragraph: Any, text: str, style_name: str, bold: bool = False) -> None:
        """Add ``text`` (newlines become line breaks) with the style's faces on every run
        (the runs a table cell gets: :func:`_runs_xml`)."""
        from docx.oxml.parser import parse_xml

        runs = _runs_xml(text, _fonts_xml(*self.faces(style_name)), bold)
        paragraph._p.extend(list(parse_xml(f"<w:p {_W_NS}>{runs}</w:p>".encode())))

    # ---- blocks ---------------------------------------------------------------

    def add(self, blocks: list[Block]) -> DocBuilder:
        signing = False  # inside the signature lines at the end
        last_right: Any = None
        for block in blocks:
            if block.kind in ("right", "sign") and not signing:
                # GB/T 9704 §7.3.5: no signature page without text: the last lines of
                # body text go with the signature to its page
                self._keep_body_with_next()
            signing = block.kind in ("right", "sign")
            if block.kind != "right" and last_right is not None:
                last_right.paragraph_format.keep_with_next = None  # the date ends the chain
                last_right = None
            if block.kind == "table":
                self._table(block.rows, header=True)
            elif block.kind == "sign":
                self._table(block.rows, header=False)
            elif block.kind == "imprint":
                self._imprint(*block.rows[0])
            elif block.kind == "chart":
                self._chart()
            elif block.kind == "pagebreak":
                from docx.enum.text import WD_BREAK

                self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            else:
                style = STYLES[block.kind]
                paragraph = self._paragraph(style)
                text = block.text
                if block.kind == "letterhead":
                    self._fit_letterhead(paragraph, text)
                if block.kind == "title":
                    size = self._size("Title") or 22.0
                    # a little slack: the face drawn may be wider than the one measured
                    text = balance_title(text, self._text_width_pt() - size / 2, size)
                if block.kind == "right":
                    paragraph.paragraph_format.keep_with_next = True
                    last_right = paragraph
                self.run(paragraph, text, style if self._style(style) else "Normal")
                if block.kind == "letterhead" and self._letterhead_size is not None:
                    for run in paragraph.runs:
                        run.font.size = self._letterhead_size
        if last_right is not None:
            last_right.paragraph_format.keep_with_next = None
        return self

    def _fit_letterhead(self, paragraph: Any, text: str) -> None:
        """A long issuer's name is set smaller so the mark stays on one line
        (GB/T 9704 §7.2.4: no wider than the type area)."""
        from docx.shared import Pt

        size = self._size("Letterhead")
        width = self._text_width_pt() - 8
        if size and text_width(text, size) > width:
            fitted = max(16.0, math.floor(size * width / text_width(text, size)))
            self._letterhead_size = Pt(fitted)
        else:
            self._letterhead_size = None

    def _text_width_pt(self) -> float:
        section = self.doc.sections[0]
        return (section.page_width - section.left_margin - section.right_margin) / EMU_PT

    def _size(self, style_name: str) -> float | None:
        """The font size in points of a paragraph style, following its base styles."""
        try:
            style = self.doc.styles[style_name]
        except KeyError:
            return None
        while style is not None:
            if style.font.size is not None:
                return style.font.size.pt
            style = style.base_style
        return None

    def _keep_body_with_next(self) -> None:
        """Keep the last body paragraphs (two lines at least) with what follows."""
        from docx.oxml.ns import qn
        from docx.text.paragraph import Paragraph

        kept_chars = 0
        body = self.doc.element.body
        for element in reversed(list(body)):
            if element.tag == qn("w:sectPr"):
                continue
            if element.tag != qn("w:p"):
                break
            text = "".join(t.text or "" for t in element.iter(qn("w:t")))
            if not text.strip():
                continue  # the gap paragraph after a table
            fmt = Paragraph(element, None).paragraph_format  # keeps the schema's order
            fmt.keep_with_next = True
            fmt.widow_control = True
            kept_chars += len(text)
            if kept_chars >= 40:  # comfortably more than one line of 28 characters
                break

    def _table(self, rows: list[list[str]], header: bool) -> None:
        """A table of ``rows``: a ruled grid with a repeated heading row, columns sized
        by content (``header``), or the unruled lines of a signature (not ``header``).

        The rows are written as WordprocessingML text and parsed once: python-docx's
        cell-by-cell calls took ten seconds for a county's 1,200-row tables.
        """
        from docx.enum.table import WD_TABLE_ALIGNMENT
        from docx.oxml.ns import qn
        from docx.oxml.parser import parse_xml
        from docx.shared import Pt

        cols = max(len(r) for r in rows)
        style_name = "Table Text" if header else "Flush"
        if self._style(style_name) is None:
            style_name = "Normal"
        table = self.doc.add_table(rows=0, cols=cols)
        grid = self._style("Table Grid")
        if header and grid:
            table._tbl.tblPr.style = grid
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        size = self._size(style_name) or 12.0
        widths = self._column_widths(rows, size) if header else None
        if widths:
            table.autofit = False  # a fixed layout: Word keeps the widths given
            tbl_w = table._tbl.tblPr.find(qn("w:tblW"))
            tbl_w.set(qn("w:type"), "dxa")
            tbl_w.set(qn("w:w"), str(round(sum(widths) * TWIP)))
            for column, width in zip(table.columns, widths, strict=False):
                column.width = Pt(width)
        twips = [col.get(qn("w:w")) for col in table._tbl.tblGrid.iterchildren(qn("w:gridCol"))]
        cells = [f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{w}"/></w:tcPr>' for w in twips]
        style_id = self._style(style_name)
        p_style = f'<w:pStyle w:val="{_attr(style_id)}"/>' if style_id else ""
        fonts = _fonts_xml(*self.faces(style_name))
        out = [f"<w:tbl {_W_NS}>"]
        last = len(rows) - 1
        for r, row in enumerate(rows):
            if not header:
                # signature lines stay together, on the page of the text above them
                out.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>")
            elif r == 0:
                out.append("<w:tr><w:trPr><w:tblHeader/></w:trPr>")  # repeated on every page
            else:
                out.append("<w:tr>" if widths else "<w:tr><w:trPr><w:cantSplit/></w:trPr>")
            for c in range(cols):
                out.append(cells[c])
                if c >= len(row):
                    out.append("<w:p/></w:tc>")
                    continue
                value = row[c]
                amount = bool(_AMOUNT.match(value))
                if widths and r and c < len(widths) and not amount:
                    value = _fit_cell(value, widths[c], size)
                if not header:
                    keep = "<w:keepNext/>" if r < last else '<w:keepNext w:val="0"/>'
                elif r == 0:
                    keep = '<w:jc w:val="center"/>'
                else:
                    keep = '<w:jc w:val="right"/>' if amount else '<w:jc w:val="left"/>'
                out.append(f"<w:p><w:pPr>{p_style}{keep}</w:pPr>")
                out.append(_runs_xml(value, fonts, bold=header and r == 0))
                out.append("</w:p></w:tc>")
            out.append("</w:tr>")
        out.append("</w:tbl>")
        table._tbl.extend(list(parse_xml("".join(out).encode("utf-8"))))
        # a gap after the table so the next paragraph does not touch it
        self._paragraph("Flush")

    def _column_widths(self, rows: list[list[str]], size: float) -> list[float]:
        """Columns sized by their content (columns.column_widths), spanning the type area."""
        # Latin letters and digits: narrow in a CJK face, wide in DejaVu (Calibri's stand-in)
        latin_face = self.faces("Table Text")[0] or ""
        latin = 0.52 if _CJK.search(latin_face) else 0.64
        return column_widths(rows, size, self._text_width_pt(), latin)

    def _imprint(self, printed_by: str, printed_on: str) -> None:
        """The 版记 (GB/T 9704 §7.4.3): printing org left, printing date right, one
        character in from each side, between two rules the width of the type area,
        in a frame anchored to the foot of the last page's type area."""
        from docx.oxml.ns import qn
        from docx.shared import Pt

        style = "Imprint" if self._style("Imprint") else "Flush"
        paragraph = self._paragraph(style)
        size = self._size(style) or 14.0
        width = self._text_width_pt()
        ppr = paragraph._p.get_or_add_pPr()
        frame = ppr.makeelement(
            qn("w:framePr"),
            {
                qn("w:w"): str(round(width * TWIP)),
                qn("w:wrap"): "notBeside",
                qn("w:vAnchor"): "margin",
                qn("w:hAnchor"): "margin",
                qn("w:xAlign"): "center",
                qn("w:yAlign"): "bottom",
            },
        )
        ppr.insert(0, frame)
        borders = ppr.makeelement(qn("w:pBdr"), {})
        for side in ("top", "bottom"):
            borders.append(
                ppr.makeelement(
                    qn(f"w:{side}"),
                    {
                        qn("w:val"): "single",
                        qn("w:sz"): "8",
                        qn("w:space"): "4",
                        qn("w:color"): "000000",
                    },
                )
            )
        ppr.insert(1, borders)
        fmt = paragraph.paragraph_format
        fmt.left_indent = Pt(size)
        fmt.right_indent = Pt(size)
        fmt.first_line_indent = Pt(0)
        fmt.tab_stops.clear_all()
        from docx.enum.text import WD_TAB_ALIGNMENT

        fmt.tab_stops.add_tab_stop(Pt(width - 2 * size), WD_TAB_ALIGNMENT.RIGHT)
        self.run(paragraph, f"{printed_by}\t{printed_on}", style)
        # LibreOffice anchors a framed paragraph to the paragraph after it; without
        # one it takes the date line along to the frame's page
        anchor = self._paragraph("Flush")
        anchor.paragraph_format.line_spacing = Pt(1)

    def _chart(self) -> None:
        chart = self.images.get("chart")
        if chart is None:
            return
        if isinstance(chart, bytes):
            self._picture(chart)
        else:
            self._chart_rows(chart)

    def _picture(self, png: bytes) -> None:
        from docx.enum.text import WD_LINE_SPACING
        from docx.shared import Mm

        paragraph = self._paragraph("Centered")
        # the style's exact line pitch would clip the picture to one line
        paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        section = self.doc.sections[0]
        width = section.page_width - section.left_margin - section.right_margin
        self._add_picture(paragraph, png, width=min(width, Mm(150)))

    def _add_picture(self, paragraph: Any, png: bytes, width: Any, height: Any = None) -> None:
        """A picture in a run of its own, numbered from a counter: python-docx numbers
        each by searching the whole document for the largest id, which took half a
        second for a county report's chart rows below its long tables."""
        from docx.oxml.shape import CT_Inline

        part = self.doc.part
        if self._shape_id is None:
            self._shape_id = part.next_id
        rid, image = part.get_or_add_image(io.BytesIO(png))
        cx, cy = image.scaled_dimensions(width, height)
        inline = CT_Inline.new_pic_inline(self._shape_id, rid, image.filename, cx, cy)
        self._shape_id += 1
        paragraph.add_run()._r.add_drawing(inline)

    def _chart_rows(self, chart: Any) -> None:
        """The chart as rows: legend, then per org its name, its two bars and its figures."""
        from docx.enum.table import WD_TABLE_ALIGNMENT
        from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
        from docx.oxml.ns import qn
        from docx.shared import Mm, Pt, RGBColor

        from .chart import HELD, OWED, bars_png

        style = "Table Text" if self._style("Table Text") else "Normal"
        size = self._size(style) or 12.0
        legend = self._paragraph("Centered")
        for color, label in zip((HELD, OWED), chart.legend, strict=True):
            self.run(legend, "■", style)
            legend.runs[-1].font.color.rgb = RGBColor(*color)
            self.run(legend, f" {label}　", style)
        legend.paragraph_format.keep_with_next = True
        if not chart.rows:
            return
        peak = max(max(h, o) for _, h, o in chart.rows) or 1
        avail = self._text_width_pt()
        name_w = min(avail * 0.45, max(text_width(n, size) for n, _, _ in chart.rows) + 14)
        figure_w = max(text_width(f"{peak}/{peak}", size), 3 * size) + 12
        bars_w = avail - name_w - figure_w
        table = self.doc.add_table(rows=len(chart.rows), cols=3)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        widths = (name_w, bars_w, figure_w)
        for (name, held, owed), row in zip(chart.rows, table.rows, strict=True):
            tr_pr = row._tr.get_or_add_trPr()
            tr_pr.append(tr_pr.makeelement(qn("w:cantSplit"), {}))
            for c, cell in enumerate(row.cells):
                cell.width = Pt(widths[c])
                paragraph = cell.paragraphs[0]
                style_id = self._style(style)
                if style_id:
                    paragraph._p.style = style_id
                fmt = paragraph.paragraph_format
                fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
                fmt.space_before = fmt.space_after = Pt(2)
                if c == 0:
                    self.run(paragraph, name, style)
                elif c == 1:
                    png = bars_png(held, owed, peak)
                    self._add_picture(paragraph, png, width=Pt(bars_w - 12), height=Mm(6))
                else:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                    self.run(paragraph, f"{held}/{owed}", style)
        for c, column in enumerate(table.columns):
            column.width = Pt(widths[c])

    # ---- output ---------------------------------------------------------------

    def to_bytes(self) -> bytes:
        buf = io.BytesIO()
        self.doc.save(buf)
        return buf.getvalue()


_STYLE_CACHE: dict[int, tuple[bytes, dict[str, str], dict[str, tuple[str | None, str | None]]]] = {}


def _styles_of(
    reference: bytes, doc: Any
) -> tuple[dict[str, str], dict[str, tuple[str | None, str | None]]]:
    """Style ids and faces of a reference document, worked out once per reference."""
    cached = _STYLE_CACHE.get(id(reference))
    if cached is not None and cached[0] is reference:
        return cached[1], cached[2]
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml.ns import qn

    ids: dict[str, str] = {}
    fonts: dict[str, tuple[str | None, str | None]] = {}
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    default_fonts = defaults.find(".//" + qn("w:rFonts")) if defaults is not None else None
    for style in doc.styles:
        ids[style.name] = style.style_id
        if style.type != WD_STYLE_TYPE.PARAGRAPH:
            continue
        latin = east = None
        current = style
        while current is not None and (latin is None or east is None):
            rpr = current.element.rPr
            rfonts = rpr.rFonts if rpr is not None else None
            if rfonts is not None:
                latin = latin or rfonts.get(qn("w:ascii"))
                east = east or rfonts.get(qn("w:eastAsia"))
            current = current.base_style
        if default_fonts is not None:
            latin = latin or default_fonts.get(qn("w:ascii"))
            east = east or default_fonts.get(qn("w:eastAsia"))
        fonts[style.name] = (latin, east)
    _STYLE_CACHE[id(reference)] = (reference, ids, fonts)
    return ids, fonts


def write_atomic(path: Path, data: bytes, force: bool) -> None:
    """Write ``data`` to ``path`` via a temp file in the same folder; never a partial file.

    Without ``force`` an existing file is kept (FileExistsError). The one write
    helper of the records (``records.write.write_atomic``) does the work: temp
    files a killed run leaves are swept by the next, and the mode follows the
    umask (0644 under the usual 022), as git's files do.
    """
    from ..records.write import write_atomic as write_file

    write_file(path, data, exclusive=not force)
