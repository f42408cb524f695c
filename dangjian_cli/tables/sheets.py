"""Spreadsheets in and out: xlsx read with openpyxl, written by .xlsx; CSV by the standard library.

Reading hands over plain cell values with a flag for formula cells, which are never
evaluated (openpyxl reads the formula text; the importer refuses it). Writing makes
typed cells a clerk can sort and sum: dates as dates, ID and phone numbers as text,
money as numbers shown with two decimals; the header row is frozen and columns are
sized to their content. Every text cell goes through :func:`~dangjian_cli.output.safe_cell`,
so a value such as ``=HYPERLINK(...)`` is written as text and no formula is ever written.

openpyxl is imported inside the functions: ``dangjian --help`` must not load it.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..errors import InputError

#: kinds of columns a writer types its cells by (a number: whole or not, like hours)
TEXT, DATE, MONEY, INT, NUMBER = "text", "date", "money", "int", "number"


@dataclass(slots=True)
class Sheet:
    """One table to write: its title, headings, cell kinds and rows of values."""

    title: str
    headers: list[str]
    rows: list[list[Any]]
    kinds: list[str] = field(default_factory=list)


def column_letter(pos: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    out = ""
    n = pos + 1
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def read_tables(path: Path, sheet: str | None = None) -> Iterator[tuple[str, Any, Any]]:
    """(sheet title, rows iterator, cell-reference maker) for each sheet to read.

    Rows are ``(row number, values, formula flags)``. A CSV file is one table whose
    references have no sheet (``E7``). ``sheet`` picks one sheet by name; without it
    every sheet is offered (the caller takes those with a recognisable header).
    """
    suffix = path.suffix.lower()
    if suffix == ".csv":
        yield "", _csv_rows(path), lambda pos, n: f"{column_letter(pos)}{n}"
        return
    if suffix not in (".xlsx", ".xlsm"):
        raise InputError(f"{path}: not an .xlsx or .csv file (save the workbook as .xlsx)")
    import zipfile

    from .xlsx import read_sheets

    try:
        book = read_sheets(path)
    except zipfile.BadZipFile as exc:
        raise InputError(f"{path}: not a readable xlsx workbook ({exc})") from None
    except (KeyError, ValueError, IndexError, SyntaxError):
        book = []
    if not book:  # a workbook the fast reader does not know (strict OOXML...): openpyxl
        yield from _openpyxl_tables(path, sheet)
        return
    titles = [title for title, _rows in book]
    if sheet is not None and sheet not in titles:
        raise InputError(f"{path}: no sheet {sheet!r} (sheets: {', '.join(titles)})")
    for title, rows in book:
        if sheet is not None and title != sheet:
            continue

        def ref(pos: int, n: int, title: str = title) -> str:
            return f"{title}!{column_letter(pos)}{n}"

        yield title, rows, ref


def _openpyxl_tables(path: Path, sheet: str | None) -> Iterator[tuple[str, Any, Any]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InputError(f"{path}: not a readable xlsx workbook ({exc})") from None
    titles = book.sheetnames
    if sheet is not None and sheet not in titles:
        raise InputError(f"{path}: no sheet {sheet!r} (sheets: {', '.join(titles)})")
    for title in [sheet] if sheet else titles:

        def ref(pos: int, n: int, title: str = title) -> str:
            return f"{title}!{column_letter(pos)}{n}"

        yield title, _xlsx_rows(book[title]), ref


def _xlsx_rows(ws: Any) -> Iterator[tuple[int, list[Any], list[bool]]]:
    for n, cells in enumerate(ws.iter_rows(), start=1):
        values = [getattr(c, "value", None) for c in cells]
        formulas = [getattr(c, "data_type", None) == "f" for c in cells]
        yield n, values, formulas


def _csv_rows(path: Path) -> Iterator[tuple[int, list[Any], list[bool]]]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):  # Excel saves CSV as GBK on Chinese Windows
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise InputError(f"{path}: not UTF-8 or GBK text")
    for n, values in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
        yield n, [v if v != "" else None for v in values], [False] * len(values)


def write_xlsx(target: Path | io.BytesIO, sheets: Sequence[Sheet]) -> None:
    """A workbook of ``sheets`` with typed cells, frozen headers and sized columns.

    Written as SpreadsheetML directly (:mod:`.xlsx`), not through openpyxl's
    writer: a county roster has 700,000 cells, which openpyxl's cell objects take
    over a minute to write on a busy machine and this writer a few seconds. The
    tests read every workbook back with openpyxl.
    """
    from ..output import safe_cell
    from ..widths import cells as text_width
    from .xlsx import Workbook

    book = Workbook()
    for sheet in sheets:
        kinds = sheet.kinds or [TEXT] * len(sheet.headers)
        widths = [text_width(str(h)) for h in sheet.headers]
        for row in sheet.rows[:200]:
            for i, v in enumerate(row):
                widths[i] = max(widths[i], text_width(_shown(v, kinds[i])))
        rows: list[list[Any]] = []
        for row in sheet.rows:
            out: list[Any] = []
            for i, value in enumerate(row):
                out.append(_typed(value, kinds[i], safe_cell))
            rows.append(out)
        book.add_sheet(
            _sheet_title(sheet.title),
            [str(safe_cell(str(h))) for h in sheet.headers],
            rows,
            [min(60, w + 2) for w in widths],
        )
    data = book.to_bytes()
    if isinstance(target, Path):
        from ..records.write import write_atomic

        write_atomic(target, data)
    else:
        target.write(data)


def _typed(value: Any, kind: str, safe: Any) -> Any:
    """The cell value as :class:`.xlsx.Workbook` writes it: a date, a Decimal (money),
    an int or float (a number), or text (made safe; never a formula, never read as a number)."""
    if value is None or value == "":
        return None
    if kind == DATE and isinstance(value, date):
        return value
    if kind == MONEY and not isinstance(value, bool):
        try:
            return Decimal(str(value))
        except ArithmeticError:
            pass
    if kind == INT and isinstance(value, int) and not isinstance(value, bool):
        return value
    if kind == NUMBER and isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return str(safe(value if isinstance(value, str) else _text(value)))


def _text(value: Any) -> str:
    from ..output import plain

    value = plain(value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def _shown(value: Any, kind: str) -> str:
    if isinstance(value, date):
        return "0000-00-00"
    if kind == MONEY and value is not None:
        return f"{value}0"
    return _text(value)


def _sheet_title(title: str) -> str:
    bad = set("[]:*?/\\")
    clean = "".join("_" if ch in bad else ch for ch in title).strip("'") or "Sheet"
    return clean[:31]


def ensure_new(path: Path, force: bool) -> None:
    """Refuse to overwrite ``path`` unless ``force``."""
    from ..errors import Refused

    if path.exists() and not force:
        raise Refused(f"refused: {path} already exists (use --force to replace it)")
    if not os.access(path.parent if str(path.parent) else ".", os.W_OK):
        raise InputError(f"{path.parent}: cannot write there")
