"""Build a .docx from markup blocks on a copy of the reference document.

Every run gets its faces written out (``w:ascii``, ``w:hAnsi`` and ``w:eastAsia``)
from the face of its paragraph style in the reference, so Word and WPS show
Chinese text in the intended face even where they ignore style inheritance.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from .markup import STYLES, Block

_AMOUNT = re.compile(r"^-?[\d,]+\.\d\d$|^-?\d+$")


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
        """Add ``text`` (newlines become line breaks) with the style's faces on every run."""
        from docx.oxml.ns import qn

        latin, east = self.faces(style_name)
        for i, piece in enumerate(text.split("\n")):
            run = paragraph.add_run(piece)
            if i:
                run._r.insert(0, run._r.makeelement(qn("w:br"), {}))
            if bold:
                run.bold = True
            rfonts = run._r.get_or_add_rPr().get_or_add_rFonts()
            if latin:
                rfonts.set(qn("w:ascii"), latin)
                rfonts.set(qn("w:hAnsi"), latin)
            if east:
                rfonts.set(qn("w:eastAsia"), east)
                rfonts.set(qn("w:hint"), "eastAsia")

    # ---- blocks ---------------------------------------------------------------

    def add(self, blocks: list[Block]) -> DocBuilder:
        for block in blocks:
            if block.kind == "table":
                self._table(block.rows, header=True)
            elif block.kind == "sign":
                self._table(block.rows, header=False)
            elif block.kind == "chart":
                self._chart()
            elif block.kind == "pagebreak":
                from docx.enum.text import WD_BREAK

                self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            else:
                style = STYLES[block.kind]
                paragraph = self._paragraph(style)
                self.run(paragraph, block.text, style if self._style(style) else "Normal")
        return self

    def _table(self, rows: list[list[str]], header: bool) -> None:
        from docx.enum.table import WD_TABLE_ALIGNMENT
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml.ns import qn

        cols = max(len(r) for r in rows)
        style_name = "Table Text" if header else "Flush"
        if self._style(style_name) is None:
            style_name = "Normal"
        table = self.doc.add_table(rows=len(rows), cols=cols)
        grid = self._style("Table Grid")
        if header and grid:
            table._tbl.tblPr.style = grid
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for r, (row, cells) in enumerate(zip(rows, table.rows, strict=True)):
            if header and r == 0:
                # repeat the header row on every page of a long table
                tr_pr = row_pr = cells._tr.get_or_add_trPr()
                row_pr.append(tr_pr.makeelement(qn("w:tblHeader"), {}))
            for value, cell in zip(row, cells.cells, strict=False):
                paragraph = cell.paragraphs[0]
                style_id = self._style(style_name)
                if style_id:
                    paragraph._p.style = style_id
                if header and r > 0 and _AMOUNT.match(value):
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                elif header and r == 0:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                self.run(paragraph, value, style_name, bold=header and r == 0)
        # a gap after the table so the next paragraph does not touch it
        self._paragraph("Flush")

    def _chart(self) -> None:
        from docx.shared import Mm

        png = self.images.get("chart")
        if png is None:
            return
        paragraph = self._paragraph("Centered")
        from docx.enum.text import WD_LINE_SPACING

        # the style's exact line pitch would clip the picture to one line
        paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        section = self.doc.sections[0]
        width = section.page_width - section.left_margin - section.right_margin
        paragraph.add_run().add_picture(io.BytesIO(png), width=min(width, Mm(150)))

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

    Without ``force`` an existing file is kept (FileExistsError).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        if force:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)  # fails if path exists, atomically
            except FileExistsError:
                raise
            except OSError:  # a file system without hard links
                if path.exists():
                    raise FileExistsError(17, "file exists", str(path)) from None
                os.replace(tmp, path)
            else:
                os.unlink(tmp)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
