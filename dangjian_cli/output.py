"""Table, JSON and CSV views of any list of rows: one place for every listing command."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

FORMATS = ("table", "json", "csv")


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
) -> str:
    """Rows as text in ``fmt``; ``columns`` picks and orders the fields shown."""
    rows = [dict(r) for r in rows]
    if columns is None:
        columns = list(rows[0]) if rows else []
    if fmt == "json":
        return json.dumps(
            [{c: plain(r.get(c)) for c in columns} for r in rows], ensure_ascii=False, indent=2
        )
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(columns)
        for r in rows:
            writer.writerow(["" if r.get(c) is None else _cell(r.get(c)) for c in columns])
        return buf.getvalue().rstrip("\n")
    if fmt == "table":
        if not rows:
            return ""
        from tabulate import tabulate

        table = [[_cell(r.get(c)) for c in columns] for r in rows]
        return tabulate(
            table, headers=list(headers or columns), tablefmt="simple", disable_numparse=True
        )
    raise ValueError(f"unknown format {fmt!r}")


def _cell(value: Any) -> str:
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)
