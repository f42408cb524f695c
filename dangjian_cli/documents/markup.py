"""The block markup of text templates, and the escaping that keeps values inside their block.

A template renders to lines; each line is one block (blank lines only separate
tables):

=====================  ======================================================
``# text``             the title
``## text``            heading, first level (黑体 in Chinese documents)
``### text``           heading, second level (楷体)
``text``               a body paragraph (indented two characters in Chinese)
``@left text``         a paragraph without indent (the addressee line)
``@center text``       a centred paragraph
``@right text``        a right-aligned paragraph (issuer signature, date)
``@letterhead text``   the issuer's mark: large, red, centred
``@number text``       the document number, centred above a red rule
``| a | b | c |``      a table row; the first row of a run of rows is the header
``@sign a | b``        a row of the signature block (a table without borders)
``@imprint a | b``     the 版记: printing org and printing date between two rules
                       at the foot of the last page
``@chart``             the document's chart picture (reports)
``@pagebreak``         a new page
=====================  ======================================================

Values inserted with ``{{ ... }}`` can never start a block, end a line or split a
table cell: :func:`escape` turns the characters that would do so into private
marks that :func:`text` turns back after the structure is read. A newline inside
a value becomes a line break inside its paragraph or cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: private-use marks standing for characters of values inside rendered text
NEWLINE = "\ue000"
BAR = "\ue001"
GUARD = "\ue002"  # starts every value, so a value at a line start is never a marker

#: characters XML 1.0 cannot hold (python-docx would refuse them)
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SEPARATOR_ROW = re.compile(r"^\|[\s|:\-]*\|?$")

DIRECTIVES = (
    "left",
    "center",
    "right",
    "letterhead",
    "number",
    "sign",
    "imprint",
    "chart",
    "pagebreak",
)
#: block kind -> paragraph style of the reference document
STYLES = {
    "title": "Title",
    "heading1": "Heading 1",
    "heading2": "Heading 2",
    "paragraph": "Normal",
    "left": "Flush",
    "center": "Centered",
    "right": "Right",
    "letterhead": "Letterhead",
    "number": "Doc Number",
}


class MarkupError(ValueError):
    """A rendered template line that is not valid markup; ``line`` counts rendered lines."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


@dataclass(slots=True)
class Block:
    """One paragraph, table, picture or page break of a document."""

    kind: str  # a STYLES key, or "table", "sign", "imprint", "chart", "pagebreak"
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)
    line: int = 0


def escape(value: str) -> str:
    """A value as it may stand inside rendered markup (see the module docstring)."""
    value = _ILLEGAL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    value = value.replace("\t", " ").replace("\n", NEWLINE).replace("|", BAR)
    return GUARD + value


def text(raw: str) -> str:
    """The printable text of a markup fragment: marks back to characters, newlines kept."""
    return raw.replace(GUARD, "").replace(BAR, "|").replace(NEWLINE, "\n").strip()


def _add_row(
    blocks: list[Block], table: Block | None, kind: str, cells: list[str], number: int
) -> Block:
    """Append a row to the open table of ``kind``, or open one; rows keep one width."""
    if table is None or table.kind != kind:
        table = Block(kind, line=number)
        blocks.append(table)
    elif len(cells) != len(table.rows[0]):
        what = (
            "table row has {} cells, its header has {}"
            if kind == "table"
            else ("@sign row has {} parts, the first row has {}")
        )
        raise MarkupError(what.format(len(cells), len(table.rows[0])), number)
    table.rows.append(cells)
    return table


def _cells(raw: str) -> list[str]:
    raw = raw.strip()
    if raw.startswith("|"):
        raw = raw[1:]
    if raw.endswith("|"):
        raw = raw[:-1]
    return [text(cell) for cell in raw.split("|")]


def parse(rendered: str) -> list[Block]:
    """Blocks of a rendered template; MarkupError names the first line that is wrong."""
    blocks: list[Block] = []
    table: Block | None = None
    for number, line in enumerate(rendered.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            table = None
            continue
        if stripped.startswith("|"):
            if _SEPARATOR_ROW.match(stripped):
                continue
            table = _add_row(blocks, table, "table", _cells(stripped), number)
            continue
        if stripped.startswith("@"):
            name, _, rest = stripped[1:].partition(" ")
            if name not in DIRECTIVES:
                raise MarkupError(
                    f"unknown directive @{name} (known: {', '.join('@' + d for d in DIRECTIVES)})",
                    number,
                )
            if name == "sign":
                table = _add_row(blocks, table, "sign", _cells(rest), number)
                continue
            table = None
            if name == "imprint":
                cells = _cells(rest)
                if len(cells) != 2:
                    raise MarkupError("@imprint takes two parts: printing org | date", number)
                blocks.append(Block("imprint", rows=[cells], line=number))
                continue
            if name in ("chart", "pagebreak"):
                if rest.strip():
                    raise MarkupError(f"@{name} takes no text", number)
                blocks.append(Block(name, line=number))
            else:
                blocks.append(Block(name, text(rest), line=number))
            continue
        table = None
        kind = "paragraph"
        for marker, heading in (("### ", "heading2"), ("## ", "heading1"), ("# ", "title")):
            if stripped.startswith(marker):
                kind, stripped = heading, stripped[len(marker) :]
                break
        else:
            if stripped.startswith("#"):
                raise MarkupError("a heading marker needs a space after it ('# Title')", number)
        blocks.append(Block(kind, text(stripped), line=number))
    return blocks
