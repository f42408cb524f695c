"""`dangjian dues standard` and `dangjian dues statement`: what each member should pay,
and what a year's dues came to (sub-commands of the `dues` group in cli/dues.py).

Both read the records only; the tables come from :mod:`~dangjian_cli.tables.dues`.
A repository that keeps no ``[[dues_base]]`` rows gets one line saying so (on
stderr), not a blank standard per member to puzzle over.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import click

from ..i18n import _
from .common import ISO_DATE, YEAR, file_output_options, read_records

_MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])\Z")
FORMATS = ("table", "json", "csv", "xlsx", "docx")


def _month(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    text = value.strip()
    if not _MONTH.match(text):
        raise click.BadParameter(_("{value!r} is not a month like 2026-06").format(value=value))
    return text


_output_options = file_output_options(
    FORMATS, "Output format (xlsx and docx need --out).", "Write to FILE."
)


def _emit(
    ctx: click.Context, table: Any, unknown: Any, fmt: str, out: Path | None, force: bool
) -> None:
    from .tables import _emit_listing

    if fmt == "docx":
        if out is None:
            raise click.UsageError(_("--format docx needs --out FILE.docx"))
        from ..tables.dues import write_docx
        from ..tables.listing import masked_rows
        from ..tables.sheets import ensure_new

        ensure_new(out, force)
        write_docx(out, table, masked_rows(table, False))
        click.echo(_("wrote {path}").format(path=out), err=True)
    else:
        _emit_listing(ctx, table, fmt, out, force, False)
    line = unknown.line()
    if line:
        click.echo(line, err=True)


@click.command("standard")
@click.option("--org", default=None, help="Only this org (id).")
@click.option("--subtree", is_flag=True, help="With --org: and every org below it.")
@click.option(
    "--month", callback=_month, default=None, help="Month, like 2026-06 (default: this month)."
)
@_output_options
@click.pass_context
def standard(
    ctx: click.Context,
    org: str | None,
    subtree: bool,
    month: str | None,
    fmt: str,
    out: Path | None,
    force: bool,
) -> None:
    """List each member's dues standard for a month (the table a branch posts).

    The standard is found from the member's [[dues_base]] row in force that month
    and the scale of rule dues-standard (docs/rules.md): a share of the income for
    salary and retiree, the amount given for farmer and other, 0.20 for students and
    members without income. Members without a row are listed with no standard.
    """
    from ..tables.dues import standards
    from .tables import _scope

    records = read_records(ctx)
    scope = _scope(records, org, subtree)
    table, unknown = standards(records, scope, month or date.today().strftime("%Y-%m"))
    _emit(ctx, table, unknown, fmt, out, force)


@click.command("statement")
@click.option("--org", required=True, help="The org (id).")
@click.option("--subtree", is_flag=True, help="And every org below it.")
@click.option("--year", required=True, type=YEAR, help="The year.")
@click.option(
    "--as-of",
    "as_of",
    type=ISO_DATE,
    default=None,
    metavar="DATE",
    help="Count payments made by this day (default: today); months not ended are left out.",
)
@_output_options
@click.pass_context
def statement(
    ctx: click.Context,
    org: str,
    subtree: bool,
    year: int,
    as_of: date | None,
    fmt: str,
    out: Path | None,
    force: bool,
) -> None:
    """A year's dues of an org, month by month and member by member, with totals.

    Per member and month: the standard, what was paid by the month's end, what was
    paid late (after it), and the standard left unpaid; a total row closes each
    month and the year. --format docx --out FILE writes it as a Word table.
    """
    from ..tables.dues import statement as make
    from .tables import _scope

    records = read_records(ctx)
    scope = _scope(records, org, subtree)
    table, unknown = make(records, scope, year, as_of or date.today())
    _emit(ctx, table, unknown, fmt, out, force)
