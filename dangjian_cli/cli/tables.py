"""`dangjian import`, `dangjian list` and `dangjian stats`: spreadsheets in and out.

Import reads a roster (花名册) or a dues sheet (xlsx or CSV), plans the records it
creates or changes (:mod:`~dangjian_cli.records.roster`), lists every row error as
``roster.xlsx:Sheet1!E7: message`` and writes nothing while any is left, unless
``--skip-invalid`` (then the valid rows are written and the others go to an error
workbook). What is written is validated first like every other write.

List and stats show tables in the terminal, as JSON, CSV or an xlsx workbook;
personal data is masked unless ``--show-personal``. openpyxl and pypinyin are
imported only inside these commands.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click

from ..errors import InputError, Refused
from ..i18n import _, ngettext
from .common import (
    ISO_DATE,
    YEAR,
    file_output_options,
    kept_text,
    load_records,
    options,
    read_records,
    repo_root,
)
from .git import WRITTEN, commit_option

LIST_FORMATS = ("table", "json", "csv", "xlsx")
_SHOWN = 50


# ---- import -------------------------------------------------------------------------


@click.group("import")
def import_group() -> None:
    """Read members or dues from an Excel roster (.xlsx) or CSV: checked, then written."""


_import_options = options(
    click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path)),
    click.option(
        "--map",
        "map_file",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help='A TOML table of other headings: `"党员姓名" = "name"`.',
    ),
    click.option("--sheet", default=None, help="Read only this sheet of the workbook."),
    click.option("--org", "default_org", default=None, help="Org of rows that name none."),
    click.option("--dry-run", is_flag=True, help="Show what would change; write nothing."),
    click.option(
        "--skip-invalid",
        is_flag=True,
        help="Write the valid rows; put the others in an error workbook.",
    ),
    click.option(
        "--errors-out",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="The error workbook of --skip-invalid (default: FILE-errors.xlsx).",
    ),
    click.option("--force", is_flag=True, help="Replace an existing error workbook."),
)


def _read_map(path: Path | None, fields: dict[str, Any]) -> dict[str, str]:
    if path is None:
        return {}
    from ..records.parse import DecodeError, loads

    try:
        table = loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, DecodeError) as exc:
        raise InputError(f"{path}: not a TOML file ({exc})") from None
    table = table.get("columns", table)
    out: dict[str, str] = {}
    for heading, name in table.items():
        if not isinstance(name, str) or name not in fields:
            raise InputError(
                f"{path}: {heading!r} maps to {name!r}, not one of {', '.join(fields)}"
            )
        out[heading] = name
    return out


def _rows(file: Path, sheet: str | None, columns: dict[str, Any], extra: dict[str, str]):
    from ..records.roster import heading_index, rows_of
    from ..tables.sheets import read_tables

    index = heading_index(columns, extra)
    rows = []
    found = False
    for title, table, ref in read_tables(file, sheet):
        got = rows_of(table, title, index, ref)
        if got is None:
            continue
        found = True
        rows.extend(got[0])
    if not found:
        names = ", ".join(f"{v[0]} ({k})" for k, v in list(columns.items())[1:5])
        raise InputError(
            _(
                "{file}: no header row found: a row naming 姓名 (name) and other columns "
                "such as {names} (or give --map)"
            ).format(file=file, names=names)
        )
    return rows


def _run_import(ctx: click.Context, kind: str, file: Path, opts: dict[str, Any]) -> list[str]:
    from ..checks import validate as run_checks
    from ..records import roster, write
    from ..records.store import FolderStore

    root = repo_root(ctx)
    store = FolderStore(root)
    columns = roster.MEMBER_COLUMNS if kind == "members" else roster.DUES_COLUMNS
    extra = _read_map(opts["map_file"], columns)
    errors_out = opts["errors_out"] or file.with_name(f"{file.stem}-errors.xlsx")
    if opts["skip_invalid"] and not opts["dry_run"]:
        from ..tables.sheets import ensure_new

        ensure_new(errors_out, opts["force"])
    rows = _rows(file, opts["sheet"], columns, extra)
    records = load_records(ctx, store=store)
    default_org = opts["default_org"]
    if default_org is not None and default_org not in records.orgs:
        raise InputError(
            "--org: " + _("no org {org!r} in the repository{hint}").format(org=default_org, hint="")
        )
    if kind == "members":
        plan = roster.plan_members(rows, records.members, records.orgs, default_org)
    else:
        plan = roster.plan_dues(rows, records.members, records.orgs, default_org, opts.get("month"))
    changes, new = _changes(store, plan, write)
    # what the written records would break, traced back to the rows they came from
    by_path = {p.path: p for p in plan.planned}
    unplaced = 0  # errors in records the import does not write (a meeting's quorum)
    if changes:
        for problem in write.introduced(store, changes, run_checks):
            if not problem.is_error:
                continue
            planned = by_path.get(problem.path)
            if planned is None:
                plan.errors.append(roster.RowError("", problem.text()))
                unplaced += 1
                continue
            field = problem.key[0] if problem.key else "name"
            row = planned.rows[0]
            plan.errors.append(row.error(str(field), f"{problem.message_text()} ({problem.code})"))
    _show_errors(file, plan.errors)
    bad = plan.bad_rows()
    bad_paths = {p.path for p in plan.planned if any((r.sheet, r.number) in bad for r in p.rows)}
    if opts["dry_run"]:
        _show_plan(plan, bad_paths)
        if plan.errors:
            ctx.exit(1)
        return []
    if plan.errors and not opts["skip_invalid"]:
        n = len(bad) or len(plan.errors)
        raise Refused(
            ngettext(
                "refused: {n} row of {file} with errors; nothing was written "
                "(fix them, or --skip-invalid to write the others)",
                "refused: {n} rows of {file} with errors; nothing was written "
                "(fix them, or --skip-invalid to write the others)",
                n,
            ).format(n=n, file=file.name)
        )
    for path in bad_paths:
        changes.pop(path, None)
    new = tuple(p for p in new if p in changes)
    if plan.errors:
        _error_workbook(errors_out, plan, columns)
        click.echo(
            _("errors: {n} rows written to {path}").format(n=len(bad), path=errors_out), err=True
        )
    written: list[str] = []
    if changes:
        write.sweep(root)
        if bad_paths or unplaced:  # what is left is checked again on its own
            write.guard(store, changes, run_checks)
        written = _apply(root, changes, new, write)
    created = sum(1 for p in written if p in new)
    click.echo(
        _(
            "{file}: {rows} rows; {created} created, {changed} changed, "
            "{unchanged} unchanged, {bad} with errors"
        ).format(
            file=file.name,
            rows=plan.rows,
            created=created,
            changed=len(written) - created,
            unchanged=plan.unchanged,
            bad=len(bad),
        )
    )
    ctx.meta[WRITTEN] = (root, written)
    if plan.errors:
        ctx.exit(1)  # rows were left out: not a clean run (the written files are committed)
    return written


def _changes(store: Any, plan: Any, write: Any) -> tuple[dict[str, bytes], tuple[str, ...]]:
    changes: dict[str, bytes] = {}
    new: list[str] = []
    render = _Values()
    for item in plan.planned:
        if item.new:
            changes[item.path] = render.document(item.fields)
            new.append(item.path)
            continue
        data = store.read(item.path)
        for name, (_old, value) in item.changes.items():
            data = write.set_value(item.path, data, write.resolve_field("member", name), value)
        for row in item.dues:
            data = write.append_row(item.path, data, "dues", row)
        changes[item.path] = data
    return changes, tuple(new)


class _Values:
    """A new member's file as ``write.new_document`` makes it (a test keeps them equal),
    each value written by tomlkit, but without building a tomlkit document per member:
    a 40,000-member roster would spend a minute there. Values seen before (statuses,
    orgs, dates) are written once."""

    def __init__(self) -> None:
        import tomlkit

        self.item = tomlkit.item
        self.seen: dict[tuple[type, Any], str] = {}

    def document(self, fields: dict[str, Any]) -> bytes:
        lines = []
        for key, value in fields.items():
            if value is None:
                continue
            cached = self.seen.get((type(value), value))
            if cached is None:
                cached = self.seen[(type(value), value)] = self.item(value).as_string()
            lines.append(f"{key} = {cached}\n")  # keys: MEMBER_ORDER's bare names
        return "".join(lines).encode("utf-8")


def _apply(root: Path, changes: dict[str, bytes], new: tuple[str, ...], write: Any) -> list[str]:
    """``write.apply`` in parallel batches: every file is still written atomically and
    synced, but a thousand files' syncs overlap instead of queueing one by one."""
    from concurrent.futures import ThreadPoolExecutor

    items = list(changes.items())
    fresh = set(new)
    if len(items) < 64:
        return write.apply(root, changes, new)
    # the first file of a folder that does not exist yet is written alone (it makes the folder)
    first: dict[str, bytes] = {}
    for path, data in items:
        folder = path.rsplit("/", 1)[0]
        if not (root / folder).is_dir() and not any(p.startswith(folder + "/") for p in first):
            first[path] = data
    done = write.apply(root, first, [p for p in first if p in fresh]) if first else []
    rest = [(p, d) for p, d in items if p not in first]
    size = max(16, len(rest) // 256)
    batches = [dict(rest[i : i + size]) for i in range(0, len(rest), size)]
    with ThreadPoolExecutor(16) as pool:
        futures = [pool.submit(write.apply, root, b, [p for p in b if p in fresh]) for b in batches]
        for future in futures:
            done.extend(future.result())
    return done


def _show_errors(file: Path, errors: list[Any]) -> None:
    from ..privacy import mask_text

    def order(e: Any) -> tuple[str, int, str]:
        return (e.sheet, e.row, e.ref)

    for e in sorted(errors, key=order):
        where = f"{file.name}:{e.ref}: " if e.ref else f"{file.name}: "
        click.echo(where + mask_text(e.message), err=True)


def _show_plan(plan: Any, bad_paths: set[str]) -> None:
    from ..privacy import mask_field

    created = changed = 0
    for item in plan.planned:
        if item.path in bad_paths:
            continue
        if item.new:
            created += 1
            name = item.fields.get("name")
            click.echo(
                _("create {path}: {name}, {org}").format(
                    path=item.path, name=name, org=item.fields.get("org")
                )
            )
        else:
            changed += 1
            parts = [
                f"{k} {mask_field(k, old) or '-'} -> {mask_field(k, new)}"
                for k, (old, new) in item.changes.items()
            ]
            parts += [
                _("dues {month} {amount}").format(month=d["month"], amount=d["amount"])
                for d in item.dues
            ]
            click.echo(
                _("change {path}: {changes}").format(path=item.path, changes="; ".join(parts))
            )
    click.echo(
        _(
            "dry run: {rows} rows; {created} to create, {changed} to change, "
            "{unchanged} unchanged, {bad} with errors; nothing written"
        ).format(
            rows=plan.rows,
            created=created,
            changed=changed,
            unchanged=plan.unchanged,
            bad=len(plan.bad_rows()),
        )
    )


def _error_workbook(target: Path, plan: Any, columns: dict[str, Any]) -> None:
    """The rows with errors, with their values and what is wrong, as an importable workbook."""
    from datetime import datetime

    from ..i18n import language
    from ..tables.sheets import DATE, TEXT, Sheet, write_xlsx

    zh = language() == "zh"
    messages: dict[tuple[str, int], list[str]] = {}
    for e in plan.errors:
        messages.setdefault((e.sheet, e.row), []).append(f"{e.ref}: {e.message}")
    fields = list(columns)
    heads = [columns[f][0] if zh else f for f in fields]
    heads += ["错误" if zh else "error"]
    out = []
    for key in sorted(messages):
        row = plan.all_rows.get(key)
        values = []
        for f in fields:
            cell = row.cells.get(f) if row else None
            v = cell.value if cell else None
            if isinstance(v, datetime):
                v = v.date()
            if cell is not None and cell.formula:
                v = str(v)
            values.append(v)
        out.append([*values, "; ".join(messages[key])])
    kinds = [
        DATE if f in ("birth_date", "paid_on") or f.endswith("_since") else TEXT for f in fields
    ]
    write_xlsx(target, [Sheet("errors", heads, out, [*kinds, TEXT])])


@import_group.command("members")
@_import_options
@commit_option("import", lambda p: f"from {p['file'].name}")
@click.pass_context
def import_members(ctx: click.Context, file: Path, **opts: Any) -> list[str]:
    """Create and update members from a roster (花名册): FILE.xlsx or FILE.csv.

    Columns are found by their headings, in Chinese or English (README: "Importing
    rosters"); title rows above the heading row and blank rows are skipped. Members
    are matched by ID number, then by name and org; a matched member's fields are
    updated from non-empty cells, and masked cells (***) are left as they are, so
    re-importing a roster changes nothing. New members get ids from their names in
    pinyin. Any row error writes nothing, unless --skip-invalid.
    """
    return _run_import(ctx, "members", file, opts)


@import_group.command("dues")
@_import_options
@click.option("--month", default=None, metavar="YYYY-MM", help="Month of rows that name none.")
@commit_option("import", lambda p: f"from {p['file'].name}")
@click.pass_context
def import_dues(ctx: click.Context, file: Path, **opts: Any) -> list[str]:
    """Add [[dues]] rows from a dues sheet (xlsx or CSV) to the members' records.

    Columns: the member (编号 id, ID number, or name and org), 月份 month, 金额
    amount, 交纳日期 paid_on.

    A month already recorded with the same amount and date is unchanged (re-importing
    changes nothing); with another amount it is an error, never a silent change.
    """
    return _run_import(ctx, "dues", file, opts)


# ---- list ---------------------------------------------------------------------------


def _scope(records: Any, org: str | None, subtree: bool) -> set[str] | None:
    if org is None:
        if subtree:
            raise click.UsageError("--subtree needs --org")
        return None
    from ..records.names import need_org

    org_id = need_org(records, org.strip().removeprefix("orgs/").removesuffix(".toml")).id
    return set(records.subtree(org_id)) if subtree else {org_id}


def _emit(
    ctx: click.Context,
    sheets: list[Any],
    fmt: str,
    out: Path | None,
    force: bool,
    show_personal: bool,
    text: str | None = None,
) -> None:
    """Print or write listings (``sheets`` of :class:`~dangjian_cli.tables.sheets.Sheet`)."""
    if fmt == "xlsx":
        if out is None:
            raise click.UsageError("--format xlsx needs --out FILE.xlsx")
        from ..tables.sheets import ensure_new, write_xlsx

        ensure_new(out, force)
        write_xlsx(out, sheets)
        click.echo(_("wrote {path}").format(path=out), err=True)
        return
    assert text is not None
    if out is not None:
        from ..records.write import write_atomic
        from ..tables.sheets import ensure_new

        ensure_new(out, force)
        write_atomic(out, (text + "\n").encode("utf-8"))
        click.echo(_("wrote {path}").format(path=out), err=True)
        return
    click.echo(text)


_common = options(
    click.option("--org", default=None, help="Only this org (id)."),
    click.option("--subtree", is_flag=True, help="With --org: and every org below it."),
    click.option("--as-of", "as_of", type=ISO_DATE, default=None, metavar="DATE"),
    file_output_options(LIST_FORMATS, "Output format.", "Write to FILE (needed for xlsx)."),
    click.option("--show-personal", is_flag=True, help="Show ID and phone numbers unmasked."),
)


@click.command("list")
@click.argument(
    "what",
    type=click.Choice(
        ("members", "orgs", "meetings", "notices", "dues", "attendance", "study-hours")
    ),
)
@_common
@click.option("--status", default=None, help="members: only this status (full, probationary...).")
@click.option(
    "--year",
    type=YEAR,
    default=None,
    help="attendance, study-hours: the calendar year (default: --as-of's).",
)
@click.pass_context
def list_records(
    ctx: click.Context,
    what: str,
    org: str | None,
    subtree: bool,
    as_of: date | None,
    fmt: str,
    out: Path | None,
    force: bool,
    show_personal: bool,
    status: str | None,
    year: int | None,
) -> None:
    """List members (the roster), orgs, meetings, notices, dues, attendance or study hours.

    `list dues` gives, per member, the months unpaid as of --as-of (default today):
    from admission (or tracking_since) to the last month ended. `list members
    --format xlsx --out roster.xlsx` writes a roster that `import members` reads
    back unchanged. `list attendance --org ID --year Y` gives each member's meetings
    due, attended and excused (an absence with a reason, an approved exemption) and
    the rate. `list study-hours --org ID --year Y` gives each member's hours of
    training and of party lessons against the year's standard (rule study-hours),
    counted to --as-of within the year. ID and phone numbers are masked unless
    --show-personal.
    """
    from ..records import model as m

    if status is not None and status not in m.MEMBER_STATUSES:
        raise click.BadParameter(
            f"{status!r} is not one of {', '.join(m.MEMBER_STATUSES)}", param_hint="--status"
        )
    if fmt == "xlsx":
        table = _listing(read_records(ctx), what, org, subtree, as_of, status, year)
        _emit_listing(ctx, table, fmt, out, force, show_personal)
        return

    def text(found: Any) -> str:
        records = found.records if found is not None else load_records(ctx)
        table = _listing(records, what, org, subtree, as_of, status, year)
        return _listing_text(table, fmt, show_personal)

    asked = ("list", what, org, subtree, as_of, fmt, show_personal, status, year)
    _emit(ctx, [], fmt, out, force, show_personal, kept_text(ctx, None, asked, text))


def _listing(
    records: Any,
    what: str,
    org: str | None,
    subtree: bool,
    as_of: date | None,
    status: str | None,
    year: int | None,
) -> Any:
    """The table `list WHAT` shows (a :class:`~dangjian_cli.tables.listing.Table`)."""
    from ..tables import listing as lst

    scope = _scope(records, org, subtree)
    if what == "members":
        return lst.members(records, scope, as_of, status)
    if what == "orgs":
        return lst.orgs(records, scope, as_of)
    if what == "meetings":
        return lst.meetings(records, scope, as_of)
    if what == "notices":
        return lst.notices(records, scope, as_of)
    if what == "attendance":
        from ..tables import participation as tp

        return tp.attendance(records, scope, year or (as_of or date.today()).year)
    if what == "study-hours":
        from ..tables import participation as tp

        day = as_of or date.today()
        return tp.study_hours(records, scope, year or day.year, day)
    return lst.unpaid_dues(records, scope, as_of or date.today(), status)


def _emit_listing(
    ctx: click.Context, table: Any, fmt: str, out: Path | None, force: bool, show_personal: bool
) -> None:
    from ..tables import listing as lst
    from ..tables.sheets import Sheet

    if fmt == "xlsx":
        rows = lst.masked_rows(table, show_personal)
        sheet = Sheet(table.title, table.headers, rows, table.kinds)
        _emit(ctx, [sheet], fmt, out, force, show_personal)
        return
    _emit(ctx, [], fmt, out, force, show_personal, _listing_text(table, fmt, show_personal))


def _listing_text(table: Any, fmt: str, show_personal: bool) -> str:
    """A listing's table as text in ``fmt`` (table, json or csv)."""
    from ..output import render

    text = render(
        table.rows,
        fmt,
        columns=table.columns,
        headers=table.headers if fmt == "table" else None,
        show_personal=show_personal,
        wrap=table.wrap,
        drop=table.drop,
    )
    if fmt == "table" and not table.rows:
        from ..i18n import _

        text = _("nothing to list")
    return text


# ---- stats --------------------------------------------------------------------------


@click.command("stats")
@_common
@click.pass_context
def stats(
    ctx: click.Context,
    org: str | None,
    subtree: bool,
    as_of: date | None,
    fmt: str,
    out: Path | None,
    force: bool,
    show_personal: bool,
) -> None:
    """Party statistics on a day: members, orgs and the year's changes (totals agree).

    Members by status, gender, age band, education, ethnicity and party standing;
    orgs by kind and by committee; members admitted, converted, transferred in and
    out, and left in the year.

    Every member table counts the same members, so their totals agree; the year's
    changes lead from the members on 1 January to the members on the day.
    """
    from ..tables import stats as st
    from ..tables.sheets import INT, TEXT, Sheet

    day = as_of or date.today()
    if fmt == "xlsx":
        records = read_records(ctx)
        tables = st.compute(records, day, _scope(records, org, subtree))
        sheets = [
            Sheet(t.key, [t.title, _("count")], [[k, n] for k, n in t.rows], [TEXT, INT])
            for t in tables
        ]
        _emit(ctx, sheets, fmt, out, force, show_personal)
        return

    def text(found: Any) -> str:
        records = found.records if found is not None else load_records(ctx)
        tables = st.compute(records, day, _scope(records, org, subtree))
        return _stats_text(tables, fmt, day, org, subtree)

    # kept by the side's exact state, as a listing is (gitops.views)
    asked = ("stats", org, subtree, as_of, fmt)
    _emit(ctx, [], fmt, out, force, show_personal, kept_text(ctx, None, asked, text))


def _stats_text(tables: list[Any], fmt: str, day: date, org: str | None, subtree: bool) -> str:
    """The statistics tables as JSON, CSV or text tables."""
    if fmt == "json":
        import json

        data = {
            "as_of": day.isoformat(),
            "org": org,
            "subtree": subtree,
            "tables": {t.key: [{"value": k, "count": n} for k, n in t.rows] for t in tables},
        }
        return json.dumps(data, ensure_ascii=False, indent=2)
    if fmt == "csv":
        from ..output import render

        rows = [{"table": t.key, "value": k, "count": n} for t in tables for k, n in t.rows]
        return render(rows, "csv", columns=["table", "value", "count"], show_personal=True)
    from tabulate import tabulate

    parts = [
        tabulate(
            [[k, n] for k, n in t.rows],
            headers=[t.title, _("count")],
            tablefmt="simple",
            disable_numparse=True,
        )
        for t in tables
    ]
    return "\n\n".join(parts)
