"""Table, JSON and CSV views of any list of rows: one place for every listing command.

Every view masks personal data (:mod:`.privacy`) unless the caller passes
``show_personal``; every spreadsheet cell goes through :func:`safe_cell`, so that a
record value such as ``=HYPERLINK(...)`` is shown as text, never run as a formula.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

FORMATS = ("table", "json", "csv")

#: what makes a spreadsheet (Excel, WPS, LibreOffice) read a cell as a formula:
#: the OWASP CSV-injection list; such a cell gets a leading ``'``
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def plain(value: Any) -> Any:
    """A JSON-friendly value: ISO dates, exact decimal amounts as strings."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}" if value == value.quantize(Decimal("0.01")) else str(value)
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def render(
    rows: Iterable[Mapping[str, Any]],
    fmt: str,
    columns: Sequence[str] | None = None,
    headers: Sequence[str] | None = None,
    show_personal: bool = False,
    wrap: Sequence[str] = (),
    keep: Sequence[str] = (),
    drop: Sequence[str] = (),
) -> str:
    """Rows as text in ``fmt``; ``columns`` picks and orders the fields shown.

    A table is fitted to the terminal (:mod:`.widths`): the columns named in
    ``wrap`` (long text) are wrapped, those in ``keep`` (ids, dates) stay whole,
    the others are shortened with an ellipsis; those in ``drop`` are left out, in
    that order, before any column is shortened.

    Personal data is masked unless ``show_personal``: a listing shows no personal
    field by design, but a free-text value (a name, a topic) may hold a number.
    """
    rows = [dict(r) for r in rows]
    if columns is None:
        columns = list(rows[0]) if rows else []
    if fmt == "json":
        return json_rows(_cells(rows, columns, mask=not show_personal, to_plain=True))
    if not show_personal:
        rows = _cells(rows, columns, mask=True, to_plain=False)
    if fmt == "csv":
        lines = [_csv_row([csv_cell(c) for c in columns])]
        lines += [_csv_row([csv_cell(r.get(c)) for c in columns]) for r in rows]
        return "\n".join(lines)
    if fmt == "table":
        if not rows:
            return ""
        from tabulate import tabulate

        from . import widths

        table = [[_cell(r.get(c)) for c in columns] for r in rows]
        heads = list(headers or columns)
        place = {c: i for i, c in enumerate(columns)}
        heads, table = widths.fit(
            table,
            heads,
            widths.width(),
            wrapped=frozenset(place[c] for c in wrap if c in place),
            keep=frozenset(place[c] for c in keep if c in place),
            drop=tuple(place[c] for c in drop if c in place),
        )
        return tabulate(table, headers=heads, tablefmt="simple", disable_numparse=True)
    if fmt == "markdown":
        from tabulate import tabulate

        table = [[_cell(r.get(c)).replace("|", "\\|") for c in columns] for r in rows]
        return tabulate(
            table, headers=list(headers or columns), tablefmt="github", disable_numparse=True
        )
    raise ValueError(f"unknown format {fmt!r}")


def _cells(
    rows: list[dict[str, Any]], columns: Sequence[str], *, mask: bool, to_plain: bool
) -> list[dict[str, Any]]:
    """Each row's ``columns``, masked as :func:`privacy.mask_data` shows them (if
    ``mask``) and made :func:`plain` (if ``to_plain``), in one pass: the kind of each
    column's key is found once, and the common cells (text, none, a date) skip the
    general functions' type tests: a county's roster has 700,000 cells."""
    from .privacy import mask_data, mask_text, mask_value, personal_kind

    kinds = [(c, personal_kind(c) if mask else None) for c in columns]
    out = []
    for r in rows:
        row: dict[str, Any] = {}
        for c, kind in kinds:
            value = r.get(c)
            if kind:
                value = mask_value(value, kind)
            elif mask and value is not None and type(value) is not date:
                value = mask_text(value) if type(value) is str else mask_data(value)
            if to_plain and value is not None and type(value) is not str:
                value = value.isoformat() if type(value) is date else plain(value)
            row[c] = value
        out.append(row)
    return out


#: a flat row's items one to a line, as ``indent=2`` writes them inside a list
_FLAT = json.JSONEncoder(ensure_ascii=False, separators=(",\n    ", ": "))


#: cell types a flat row holds (tested by type: the quick answer for most rows)
_SCALARS = frozenset({str, int, float, bool, type(None)})


def json_rows(rows: list[dict[str, Any]]) -> str:
    """``json.dumps(rows, ensure_ascii=False, indent=2)``, the same text, written
    with the compiled encoder for rows of plain values (the indenting encoder is
    pure Python: a county's roster took a second)."""
    if not rows:
        return "[]"
    if all(row and {type(v) for v in row.values()} <= _SCALARS for row in rows):
        # all rows at once: the encoder puts ",\n    " between rows as between a
        # row's items, but only between rows does "}" come before it and "{" after
        # (a row holds no table, and text holds no bare line break)
        text = _FLAT.encode(rows)[2:-2]
        return "[\n  {\n    " + text.replace("},\n    {", "\n  },\n  {\n    ") + "\n  }\n]"
    parts = []
    for row in rows:
        if row and (
            {type(v) for v in row.values()} <= _SCALARS
            or not any(isinstance(v, (dict, list, tuple)) for v in row.values())
        ):
            parts.append("  {\n    " + _FLAT.encode(row)[1:-1] + "\n  }")
        else:
            parts.append("  " + json.dumps(row, ensure_ascii=False, indent=2).replace("\n", "\n  "))
    return "[\n" + ",\n".join(parts) + "\n]"


def _cell(value: Any) -> str:
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def safe_cell(value: Any) -> Any:
    """A spreadsheet cell for ``value``: one rule for CSV and any spreadsheet writer.

    Text (anything from a record: names, topics, findings) that begins with a
    character of :data:`FORMULA_START`, also after leading spaces, gets a leading
    ``'``, which spreadsheets show as text and never evaluate; the value stays
    readable (``'=HYPERLINK(...)``). Genuine numbers (``int``, ``float``,
    ``Decimal``; a negative amount ``-5.00``) and dates stay as they are, so that a
    clerk's sums still work: they cannot hold a formula. ``None`` is an empty cell;
    lists are joined with ``, `` as in a table.
    """
    if value is None:
        return ""
    if isinstance(value, (int, float, Decimal, date)) and not isinstance(value, bool):
        return value
    text = _cell(value)
    if text.lstrip(" ").startswith(FORMULA_START):
        return "'" + text
    return text


def csv_cell(value: Any) -> str:
    """The text of a CSV cell: :func:`safe_cell`, numbers and dates written as in JSON."""
    cell = safe_cell(value)
    return cell if isinstance(cell, str) else _cell(cell)


def _csv_row(cells: list[str]) -> str:
    """One CSV line (RFC 4180 quoting). Not the csv module: with ``\\n`` line ends it
    leaves a field holding a carriage return unquoted, which splits the row."""
    if cells == [""]:
        return '""'  # a row of one empty field is not an empty line
    return ",".join(
        '"' + c.replace('"', '""') + '"' if any(ch in c for ch in ',"\r\n') else c for c in cells
    )
