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
    """One document: ``add(blocks)``, then ``to_bytes()`` or ``save(path)``."""

    def __init__(self, reference: bytes, images: dict[str, bytes] | None = None) -> None:
        import docx

        self.doc = docx.Document(io.BytesIO(reference))
        body = self.doc.element.body
        from docx.oxml.ns import qn

        for child in list(body):
            if child.tag != qn("w:sectPr"):
                body.remove(child)
        self.images = images or {}
        self._fonts: dict[str, tuple[str | None, str | None]] = {}

    # ---- faces ----------------------------------------------------------------

    def faces(self, style_name: str) -> tuple[str | None, str | None]:
        """(latin, east asian) face of a paragraph style, following its base styles."""
        if style_name not in self._fonts:
            from docx.oxml.ns import qn

            latin = east = None
            style = self.doc.styles[style_name] if style_name in self._style_names() else None
            while style is not None and (latin is None or east is None):
                rpr = style.element.rPr
                rfonts = rpr.rFonts if rpr is not None else None
                if rfonts is not None:
                    latin = latin or rfonts.get(qn("w:ascii"))
                    east = east or rfonts.get(qn("w:eastAsia"))
                style = style.base_style
            if latin is None or east is None:
                defaults = self.doc.styles.element.find(qn("w:docDefaults"))
                rfonts = defaults.find(".//" + qn("w:rFonts")) if defaults is not None else None
                if rfonts is not None:
                    latin = latin or rfonts.get(qn("w:ascii"))
                    east = east or rfonts.get(qn("w:eastAsia"))
            self._fonts[style_name] = (latin, east)
        return self._fonts[style_name]

    def _style_names(self) -> set[str]:
        if not hasattr(self, "_names"):
            self._names = {s.name for s in self.doc.styles}
        return self._names

    def _style(self, name: str) -> Any:
        return self.doc.styles[name] if name in self._style_names() else None

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
                paragraph = self.doc.add_paragraph(style=self._style(style))
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
        if header and self._style("Table Grid") is not None:
            table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for r, (row, cells) in enumerate(zip(rows, table.rows, strict=True)):
            if header and r == 0:
                # repeat the header row on every page of a long table
                tr_pr = row_pr = cells._tr.get_or_add_trPr()
                row_pr.append(tr_pr.makeelement(qn("w:tblHeader"), {}))
            for value, cell in zip(row, cells.cells, strict=False):
                paragraph = cell.paragraphs[0]
                paragraph.style = self._style(style_name)
                if header and r > 0 and _AMOUNT.match(value):
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                elif header and r == 0:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                self.run(paragraph, value, style_name, bold=header and r == 0)
        # a gap after the table so the next paragraph does not touch it
        self.doc.add_paragraph(style=self._style("Flush"))

    def _chart(self) -> None:
        from docx.shared import Mm

        png = self.images.get("chart")
        if png is None:
            return
        paragraph = self.doc.add_paragraph(style=self._style("Centered"))
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
