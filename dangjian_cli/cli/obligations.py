"""`dangjian overdue`, `due`, `rank`, `sample`, `status`: the obligations engine at the CLI.

Every command here computes on valid records only: invalid records stop it with
the validation errors (exit 1) unless ``--force``, which computes anyway with a
warning. Listings go to stdout in the chosen format; the summary line goes to
stdout after a table and to stderr for json / csv, so that stdout stays
machine-readable.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

import click

from ..checks import NOT_DONE
from ..dates import add_years
from ..errors import InputError, Refused
from ..i18n import _, date_name, kind_name, language, ngettext, period_name, pick, status_name
from ..output import render
from ..problems import Problem
from ..records import model as m
from ..records.names import need_org
from ..records.repository import Records
from ..rules import engine
from ..rules.catalog import builtin, committee_term, load_rules
from ..rules.periods import parse_span, shift
from ..rules.settle import settle
from .common import (
    ISO_DATE,
    YEAR,
    as_of_option,
    format_option,
    judged,
    kept_text,
    load_records,
    options,
    repo_root,
    rev_option,
)
from .git import WRITTEN, commit_option

#: the table shows the responsible org first, then the JSON fields in their order
TABLE_COLUMNS = ("org", *(f for f in engine.FIELDS if f != "org"))
#: display fields in the repository's language, after the stable ones in JSON and CSV
DISPLAY_FIELDS = ("rule_name", "status_name")
#: a table of findings: the rule's name beside its id
FINDING_COLUMNS = tuple(
    c for f in TABLE_COLUMNS for c in ((f, "rule_name") if f == "rule" else (f,))
)
#: what a table of findings leaves out first on a narrow terminal (--wide keeps all):
#: in English the rule's id says enough, in Chinese its name does
FINDING_DROP = {
    "en": ("notice", "days_late", "clause", "rule_name", "subject", "org"),
    "zh": ("notice", "days_late", "clause", "rule", "subject", "org"),
}
#: columns never shortened: they are typed back as options (--rule) or compared
FINDING_KEEP = ("period", "status", "required", "found", "deadline")


# ---- shared pieces ----------------------------------------------------------------


def load_checked(ctx: click.Context, rev: str | None, force: bool) -> Records:
    """The records, refused (exit 1) with the validation errors unless ``force``."""
    return checked_side(ctx, rev, force)[0]


def checked_side(
    ctx: click.Context, rev: str | None, force: bool, read: bool = True
) -> tuple[Records, Any]:
    """The records and, in a large git repository, the side as its snapshot judges
    it (``gitops.snapshot.Judged``: its problems kept, not checked again, its
    records read kind by kind when used, its obligations answered from the
    snapshot); refused (exit 1) with the validation errors unless ``force``.
    Without ``read`` a judged side's records are left to ``found.records`` (None
    here): a command whose figures are kept may need none."""
    found = judged(ctx, rev)
    if found is not None:
        refuse_invalid(found.problems, force)
        return (found.records if read else None), found
    return checked_whole(ctx, rev, force), None


def checked_whole(ctx: click.Context, rev: str | None, force: bool) -> Records:
    """The records loaded and checked whole, refused as :func:`checked_side` says."""
    from ..checks import validate

    records = load_records(ctx, rev)
    refuse_invalid(validate(records), force)
    return records


def _checked_with(
    ctx: click.Context, rev: str | None, force: bool, job: Callable[[Records], Any]
) -> tuple[Records, Any]:
    """:func:`load_checked`'s records, and ``job(records)`` done beside their whole
    check where it runs in two processes (else :data:`checks.NOT_DONE`)."""
    found = judged(ctx, rev)
    if found is not None:
        refuse_invalid(found.problems, force)
        return found.records, NOT_DONE
    from ..checks import validate_alongside

    records = load_records(ctx, rev)
    problems, (done,) = validate_alongside(records, [lambda: job(records)])
    refuse_invalid(problems, force)
    return records, done


def refuse_invalid(problems: list[Problem], force: bool) -> None:
    """Stop (exit 1) on validation errors unless ``force``, which only warns."""
    errors = [p for p in problems if p.is_error]
    if errors:
        n = len(errors)
        what = ngettext("{n} validation error", "{n} validation errors", n).format(n=n)
        if not force:
            raise Refused(
                _(
                    "records are invalid ({what}); fix them, or use --force to compute anyway"
                ).format(what=what),
                details=_first_errors(errors),
            )
        warning = _("computing on invalid records ({what})").format(what=what)
        click.echo("dangjian: " + _("warning: {message}").format(message=warning), err=True)


#: files that do not load make many other errors (references to what they held):
#: they come first, and the list stops after ``SHOWN`` lines
ROOT_CAUSES = (
    *("E-TOML", "E-ENCODING", "E-EMPTY", "E-IO", "E-TOO-BIG"),
    *("E-LAYOUT", "E-SLUG", "E-FOLDER", "E-SYMLINK", "E-UNMERGED"),
)
SHOWN = 20


def _first_errors(errors: list[Problem]) -> list[str]:
    ordered = sorted(errors, key=lambda p: p.code not in ROOT_CAUSES)
    lines = [p.text() for p in ordered[:SHOWN]]
    if len(errors) > SHOWN:
        more = _("... and {n} more: run `dangjian validate` for all")
        lines.append(more.format(n=len(errors) - SHOWN))
    return lines


def _org_scope(records: Records, org: str | None, subtree: bool) -> list[str] | None:
    """The org ids a listing keeps (None: all), from ``--org`` and ``--subtree``."""
    if org is None:
        if subtree:
            raise click.UsageError("--subtree needs --org")
        return None
    org_id = _org_id(records, org)
    return records.subtree(org_id) if subtree else [org_id]


def _org_id(records: Records, name: str) -> str:
    """An org named by id or path (``hexi-town``, ``orgs/hexi-town.toml``)."""
    raw = name.strip().removeprefix("orgs/").removesuffix(".toml")
    return need_org(records, raw, option=None).id


def _rules(records: Records, wanted: tuple[str, ...]) -> dict[str, Any]:
    """The repository's rules, narrowed to ``--rule`` ids (each must exist and be on)."""
    rules = load_rules(records.settings)
    if not wanted:
        return rules
    for rule_id in wanted:
        if rule_id not in rules:
            if rule_id in builtin():
                raise InputError(f"rule {rule_id!r} is switched off in dangjian.toml")
            import difflib

            close = difflib.get_close_matches(rule_id, list(builtin()), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise InputError(f"no rule {rule_id!r}{hint}; known: {', '.join(builtin())}")
    return {rule_id: rules[rule_id] for rule_id in rules if rule_id in wanted}


def _summary_line(kind: str, found: list[engine.Obligation], as_of: date, start: date) -> str:
    """``12 overdue as of ...: theme-day 6, dues 4, +3``: the commonest rules first, as
    many as fit in 100 columns (the terminal, when narrower); in Chinese, rule names."""
    from ..widths import summary

    counts = engine.summary(found)
    names = _rule_names() if language() != "en" else {}
    parts = [
        f"{names.get(rule, rule)} {n}"
        for rule, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    heads = {
        "overdue": _("{n} overdue as of {day} (window from {start})"),
        "due": _("{n} due as of {day} (window from {start})"),
    }
    head = heads.get(kind, f"{{n}} {kind} as of {{day}} (window from {{start}})").format(
        n=len(found), day=date_name(as_of), start=date_name(start)
    )
    return summary(head, parts, more=_("+{n} more"), colon=_(": "), comma=_(", "))


def _rule_names() -> dict[str, str]:
    """Rule id -> its name in the language in use."""
    return {rule_id: pick(t.get("title"), rule_id) for rule_id, t in builtin().items()}


def _finding_headers(columns: Iterable[str]) -> list[str] | None:
    """Table headers: the stable field names in English, a clerk's words otherwise."""
    if language() == "en":
        return None
    labels = {
        "org": _("org"),
        "subject": _("subject"),
        "subject_name": _("name"),
        "rule": _("rule"),
        "rule_name": _("rule name"),
        "period": _("period"),
        "status": _("status"),
        "required": _("required"),
        "found": _("found"),
        "deadline": _("deadline"),
        "clause": _("clause"),
        "notice": _("notice"),
        "days_late": _("days late"),
    }
    return [labels.get(c, c) for c in columns]


def _print_listing(
    rows: list[dict[str, Any]], fmt: str, columns: Iterable[str], summary: str
) -> None:
    text = render(rows, fmt, list(columns))
    if text:
        click.echo(text)
    click.echo(summary, err=fmt != "table")


def _print_findings(
    kind: str, found: list[engine.Obligation], fmt: str, as_of: date, start: date
) -> None:
    """``overdue`` and ``due``: the findings (org first in a table), then the summary.

    JSON and CSV keep the stable fields and add ``rule_name`` and ``status_name`` in
    the repository's language; a table shows periods, statuses and dates as a clerk
    reads them (2026年第一季度, 逾期) and fits the terminal.
    """
    names = _rule_names()
    rows = []
    for ob in found:
        row = ob.as_dict()
        row["rule_name"] = names.get(ob.rule, ob.rule)
        row["status_name"] = status_name(ob.status)
        if fmt == "table" and language() != "en":
            row["period"] = period_name(row["period"])
            row["status"] = row["status_name"]
            row["deadline"] = date_name(row["deadline"])
        rows.append(row)
    summary = _summary_line(kind, found, as_of, start)
    if fmt != "table":
        _print_listing(rows, fmt, (*engine.FIELDS, *DISPLAY_FIELDS), summary)
        return
    text = render(
        rows,
        fmt,
        list(FINDING_COLUMNS),
        headers=_finding_headers(FINDING_COLUMNS),
        keep=FINDING_KEEP,
        drop=FINDING_DROP.get(language(), FINDING_DROP["en"]),
    )
    if text:
        click.echo(text)
    click.echo(summary)


def _fail(ctx: click.Context, obligations: list[engine.Obligation], fail_on: str | None) -> None:
    """Exit 1 when ``--fail-on`` names a level that is present (due means due or worse)."""
    if fail_on is None:
        return
    levels = (engine.OVERDUE,) if fail_on == "overdue" else (engine.OVERDUE, engine.DUE)
    if any(ob.status in levels for ob in obligations):
        ctx.exit(1)


#: options shared by `overdue` and `due`
listing_options = options(
    as_of_option("Evaluate on this day (default: today)."),
    click.option(
        "--since",
        type=ISO_DATE,
        default=None,
        metavar="DATE",
        help="Window start (default: the later of tracking_since and as-of minus 12 months).",
    ),
    click.option("--org", default=None, metavar="ID", help="Only obligations of this org."),
    click.option("--subtree", is_flag=True, help="With --org: the org and every org below it."),
    click.option(
        "--rule", "rules", multiple=True, metavar="ID", help="Only this rule (repeatable)."
    ),
    format_option(),
    click.option(
        "--fail-on",
        type=click.Choice(["overdue", "due"]),
        default=None,
        help="Exit 1 if anything is overdue (or due or overdue).",
    ),
    click.option(
        "--include-settled",
        is_flag=True,
        help="Also list findings settled by a rectified notice (status settled).",
    ),
    click.option("--force", is_flag=True, help="Compute even if the records are invalid."),
    rev_option,
)


def _compute(
    ctx: click.Context,
    as_of: date | None,
    since: date | None,
    org: str | None,
    subtree: bool,
    rules: tuple[str, ...],
    force: bool,
    rev: str | None,
) -> tuple[list[engine.Obligation], date, date]:
    day = as_of or date.today()
    if since is not None and since > day:
        raise click.BadParameter("must not be after --as-of", param_hint="--since")
    window = (day.isoformat(), since.isoformat() if since else None)
    found = judged(ctx, rev, window=window)
    if found is not None:  # a large git repository: findings kept with its snapshot
        refuse_invalid(found.problems, force)
        known = found.directory  # its settings and orgs
        scope = _org_scope(known, org, subtree)
        wanted = _rules(known, rules)
        ctx.meta[_UNAPPLIED] = engine.unapplied(wanted)
        keep = set(scope) if scope is not None else None
        obligations = [
            ob for ob in found.obligations if ob.rule in wanted and (keep is None or ob.org in keep)
        ]
        obligations = settle(obligations, known.notices, day)
        return obligations, day, engine.window_start(known.settings, day, since)

    def findings(records: Records) -> list[engine.Obligation]:
        # the listings and --fail-on look at findings only: what is met is never built
        scope = _org_scope(records, org, subtree)
        wanted = _rules(records, rules)
        return engine.evaluate(
            records, day, since, rules=wanted, orgs=scope, statuses=engine.FINDINGS
        )

    # on a county the findings are worked out while the checks run
    records, early = _checked_with(ctx, rev, force, findings)
    _org_scope(records, org, subtree)  # its errors (and the rules'), after the records'
    wanted = _rules(records, rules)
    ctx.meta[_UNAPPLIED] = engine.unapplied(wanted)
    obligations = findings(records) if early is NOT_DONE else early
    obligations = settle(obligations, records.notices, day)
    return obligations, day, engine.window_start(records.settings, day, since)


#: ctx.meta key: the rules of a listing not judged yet (engine.unapplied)
_UNAPPLIED = "dangjian.unapplied"


def _print_unapplied(ctx: click.Context, fmt: str) -> None:
    """One line per rule not judged because the repository does not keep its records yet
    (instead of a finding per member), on stderr: stdout keeps the listing and its summary."""
    names = _rule_names()
    for rule in ctx.meta.get(_UNAPPLIED, ()):
        line = _(
            "{rule} ({name}) is not judged: the records keep no `{field}` yet. "
            "Once they do, set applies_from = DATE under [rules.{rule}] in dangjian.toml "
            "(README: adopting the member rules)"
        ).format(rule=rule.id, name=names.get(rule.id, rule.id), field=rule.needs)
        click.echo(line, err=True)


def _settled(
    obligations: list[engine.Obligation], day: date, past: bool
) -> list[engine.Obligation]:
    """The settled findings ``overdue`` (deadline passed, or none) or ``due`` lists."""
    return [
        ob
        for ob in obligations
        if ob.status == engine.SETTLED and (ob.deadline is None or ob.deadline < day) == past
    ]


# ---- overdue, due ------------------------------------------------------------------


@click.command()
@listing_options
@click.pass_context
def overdue(
    ctx: click.Context,
    as_of: date | None,
    since: date | None,
    org: str | None,
    subtree: bool,
    rules: tuple[str, ...],
    fmt: str,
    fail_on: str | None,
    include_settled: bool,
    force: bool,
    rev: str | None,
) -> None:
    """List what is overdue: periods ended short, deadlines passed (docs/rules.md).

    Sorted by org, rule and period; a summary line counts findings by rule.
    Findings settled by a rectified notice are left out (--include-settled
    lists them too). Exit 0 whatever is listed; 1 with --fail-on when such
    findings exist.
    """
    obligations, day, start = _compute(ctx, as_of, since, org, subtree, rules, force, rev)
    found = engine.findings(obligations, engine.OVERDUE)
    if include_settled:
        found = sorted([*found, *_settled(obligations, day, True)], key=engine.obligation_order)
    _print_findings("overdue", found, fmt, day, start)
    _print_unapplied(ctx, fmt)
    _fail(ctx, obligations, fail_on)


def _within(value: str | None) -> str | None:
    """``--within`` as a span ``shift`` understands (``2w`` becomes ``14d``)."""
    if value is None:
        return None
    text = value.strip().lower()
    try:
        if text.endswith("w"):
            text = f"{int(text[:-1]) * 7}d"
        parse_span(text)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a span like 30d, 2w, 3m or 1y", param_hint="--within"
        ) from None
    return text


@click.command()
@click.option(
    "--within",
    default=None,
    metavar="SPAN",
    help="Only what becomes overdue within this span (30d, 2w, 3m).",
)
@listing_options
@click.pass_context
def due(
    ctx: click.Context,
    within: str | None,
    as_of: date | None,
    since: date | None,
    org: str | None,
    subtree: bool,
    rules: tuple[str, ...],
    fmt: str,
    fail_on: str | None,
    include_settled: bool,
    force: bool,
    rev: str | None,
) -> None:
    """List what is due: current periods still short, deadlines coming up.

    The deadline column is the last day before a finding turns overdue; --within
    keeps those whose deadline falls within the span from --as-of. Exit 0
    whatever is listed; 1 with --fail-on when such findings exist.
    """
    span = _within(within)
    obligations, day, start = _compute(ctx, as_of, since, org, subtree, rules, force, rev)
    found = engine.findings(obligations, engine.DUE)
    if include_settled:
        found = sorted([*found, *_settled(obligations, day, False)], key=engine.obligation_order)
    if span is not None:
        limit = shift(day, span)
        found = [ob for ob in found if ob.deadline is None or ob.deadline <= limit]
    _print_findings("due", found, fmt, day, start)
    _print_unapplied(ctx, fmt)
    # --fail-on judges what is listed (after --within), plus anything already overdue
    _fail(ctx, [*engine.findings(obligations, engine.OVERDUE), *found], fail_on)


# ---- rank ---------------------------------------------------------------------


def _bottom(value: str) -> tuple[str, float]:
    text = value.strip()
    try:
        if text.endswith("%"):
            share = float(text[:-1])
            if not 0 < share <= 100:
                raise ValueError
            return "share", share / 100
        n = int(text)
        if n < 0:
            raise ValueError
        return "count", n
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a share like 10% or a count like 3", param_hint="--bottom"
        ) from None


@click.command()
@click.option("--year", type=YEAR, required=True, help="The year ranked.")
@click.option(
    "--bottom",
    default="10%",
    show_default=True,
    metavar="10%|N",
    help="How many of the weakest orgs of each group to mark for rectification.",
)
@click.option(
    "--by",
    type=click.Choice(["kind-group", "all"]),
    default="kind-group",
    show_default=True,
    help="Rank within comparable groups (branches; township and street committees; "
    "others), or all orgs in one list.",
)
@as_of_option("Evaluate on this day (default: the day after the year's last deadline, or today).")
@click.option("--org", default=None, metavar="ID", help="Rank only this org ...")
@click.option("--subtree", is_flag=True, help="... and every org below it.")
@format_option()
@click.option(
    "--fail-on",
    type=click.Choice(["marked"]),
    default=None,
    help="Exit 1 if any org is marked for rectification.",
)
@click.option(
    "--record",
    is_flag=True,
    help="Write weak/<year>/<org>.toml for each org marked (weak and lax, §12).",
)
@click.option(
    "--deadline",
    type=ISO_DATE,
    default=None,
    metavar="DATE",
    help="With --record: rectify by DATE (default: 31 December of the next year).",
)
@click.option(
    "--force",
    is_flag=True,
    help="Compute even if the records are invalid; with --record, replace existing records.",
)
@commit_option("add", lambda p: f"rank {p['year']}")
@rev_option
@click.pass_context
def rank(
    ctx: click.Context,
    year: int,
    bottom: str,
    by: str,
    as_of: date | None,
    org: str | None,
    subtree: bool,
    fmt: str,
    fail_on: str | None,
    record: bool,
    deadline: date | None,
    force: bool,
    rev: str | None,
) -> None:
    """Rank orgs by the year's obligations met; mark the weakest for rectification (§12).

    Each rule that applies to an org counts once, as the share of its
    obligations met (weighted by `[rules.<id>] weight`); what is still due is
    shown as pending but not scored. Ties share a rank; an org that missed
    nothing is never marked; findings settled by a rectified notice still count
    as missed (column `rectified`). `--format json` explains each score rule by
    rule. --record writes a weak/<year>/<org>.toml record (reasons: the rules
    missed) for each org marked, to be completed with measures and the person
    responsible; the weak-rectification rule then tracks its deadline.
    Exit 0 whatever is listed; 1 with --fail-on marked when an org is marked.
    """
    from ..rules import ranking

    how = _bottom(bottom)
    records, found = checked_side(ctx, rev, force)
    rules = load_rules(records.settings)
    tracking = records.settings.tracking_since if records.settings else None
    if tracking is not None and year < tracking.year:
        raise click.BadParameter(
            f"{year} is before tracking_since ({tracking.isoformat()}): nothing was recorded",
            param_hint="--year",
        )
    day = as_of or min(date.today(), ranking.last_deadline(rules, year))
    if day < date(year, 1, 1):
        raise click.BadParameter(f"must not be before {year}", param_hint="--as-of")
    scope = _org_scope(records, org, subtree)
    if found is not None:  # the county's year, kept with the snapshot
        from ..gitops.queries import year as year_query

        keep = set(scope) if scope is not None else None
        obligations = [
            ob for ob in found.answer(year_query(year, day)) if keep is None or ob.org in keep
        ]
    else:
        obligations = ranking.evaluate_year(records, year, day, rules, scope)
    scores = ranking.score_orgs(obligations, records, rules, by)
    rows = ranking.rank(scores, how)
    marked = sum(1 for r in rows if r["rectify"])
    if record:
        if rev is not None:
            raise click.UsageError("--record writes to the work tree: it cannot be used with --rev")
        when = deadline or date(year + 1, 12, 31)
        written = _record_weak(ctx, records, rules, rows, year, when, force)
        ctx.meta[WRITTEN] = (repo_root(ctx), written)  # for --commit
    columns = [
        "rank",
        "group",
        "org",
        "name",
        "owed",
        "met",
        "late",
        "missed",
        "rectified",
        "pending",
        "share",
        "rectify",
    ]
    if fmt == "json":
        columns.append("rules")
    else:
        for row in rows:
            row.pop("rules")
    if fmt == "table":
        groups = _rank_groups()
        for row in rows:
            row["rank"] = "" if row["rank"] is None else row["rank"]
            row["share"] = "" if row["share"] is None else f"{row['share'] * 100:.1f}%"
            row["rectify"] = _("rectify") if row["rectify"] else ""
            row["group"] = groups.get(row["group"], row["group"])
    ranked = ngettext(
        "{n} org ranked for {year} as of {day}", "{n} orgs ranked for {year} as of {day}", len(rows)
    ).format(n=len(rows), year=year, day=date_name(day))
    marks = (
        _("{n} marked for rectification (bottom {bottom} of each group)")
        if by == "kind-group"
        else _("{n} marked for rectification (bottom {bottom})")
    ).format(n=marked, bottom=bottom)
    summary = _("{ranked}; {marked}").format(ranked=ranked, marked=marks)
    if fmt == "table" and language() != "en":
        text = render(rows, fmt, columns, headers=[_rank_header(c) for c in columns])
        if text:
            click.echo(text)
        click.echo(summary)
    else:
        _print_listing(rows, fmt, columns, summary)
    if fail_on == "marked" and marked:
        ctx.exit(1)


def _rank_groups() -> dict[str, str]:
    """The groups of ``rank --by kind-group`` as a clerk names them."""
    return {
        "branches": _("branches"),
        "committees": _("township and street committees"),
        "others": _("others"),
    }


def _rank_header(column: str) -> str:
    """A heading of the ranking table in the language in use."""
    return {
        "rank": _("rank"),
        "group": _("group"),
        "org": _("org"),
        "name": _("name"),
        "owed": _("owed"),
        "met": _("met"),
        "late": _("late"),
        "missed": _("missed"),
        "rectified": _("rectified"),
        "pending": _("pending"),
        "share": _("share met"),
        "rectify": _("rectify"),
    }.get(column, column)


def _record_weak(
    ctx: click.Context,
    records: Records,
    rules: dict[str, Any],
    rows: list[dict[str, Any]],
    year: int,
    deadline: date,
    force: bool,
) -> list[str]:
    """weak/<year>/<org>.toml for each marked org; refused (nothing written) when one
    exists, unless ``force``. Returns the paths written."""
    import tomlkit

    from ..records import layout
    from ..records.write import safe_target, write_atomic

    root = repo_root(ctx)
    marked = [r for r in rows if r["rectify"]]
    paths = [layout.weak_path(year, r["org"]) for r in marked]
    existing = [p for p in paths if (root / p).exists()]
    if existing and not force:
        raise Refused(f"{existing[0]} exists; use --force to replace it")
    lang = (records.settings.language if records.settings else None) or "en"
    for row, path in zip(marked, paths, strict=True):
        org = records.orgs.get(row["org"])
        doc = tomlkit.document()
        doc.add(
            tomlkit.comment(f"weak and lax organisation, marked by `dangjian rank --year {year}`")
        )
        reasons = tomlkit.array()
        reasons.multiline(True)
        for rule_id, got in sorted(row["rules"].items()):
            if got["owed"] and got["met"] < got["owed"]:
                rule = rules.get(rule_id)
                title = rule.text("title", lang) if rule else rule_id
                reasons.append(f"{title}: {got['met']}/{got['owed']}")
        doc["reasons"] = reasons
        doc["measures"] = tomlkit.array()
        if org is not None and org.parent:
            doc["responsible"] = org.parent
        doc["deadline"] = deadline
        write_atomic(
            safe_target(root, path), tomlkit.dumps(doc).encode("utf-8"), exclusive=not force
        )
        click.echo(_("recorded {path}").format(path=path), err=True)
    return paths


# ---- sample ----------------------------------------------------------------------


def draw(meetings: list[m.Meeting], count: int, seed: str) -> list[m.Meeting]:
    """A reproducible sample: candidates sorted by path, drawn with Random(seed text)."""
    pool = sorted(meetings, key=lambda mt: mt.path)
    picked = random.Random(seed).sample(pool, min(count, len(pool)))
    return sorted(picked, key=lambda mt: mt.path)


@click.command()
@click.option("--year", type=YEAR, required=True, help="Meetings held in this year.")
@click.option("--count", type=click.IntRange(min=1), required=True, help="How many to draw.")
@click.option("--seed", default=None, help="Seed of the draw (default: the year).")
@click.option(
    "--kind", type=click.Choice(m.MEETING_KINDS), default=None, help="Only meetings of this kind."
)
@click.option("--org", default=None, metavar="ID", help="Only meetings of this org ...")
@click.option("--subtree", is_flag=True, help="... and of every org below it.")
@format_option()
@click.option("--force", is_flag=True, help="Sample even if the records are invalid.")
@rev_option
@click.pass_context
def sample(
    ctx: click.Context,
    year: int,
    count: int,
    seed: str | None,
    kind: str | None,
    org: str | None,
    subtree: bool,
    fmt: str,
    force: bool,
    rev: str | None,
) -> None:
    """Draw a random sample of meetings for spot-checks (§7).

    The same seed gives the same sample on any machine (and from any git commit
    with the same meetings).
    """
    records = load_checked(ctx, rev, force)
    scope = _org_scope(records, org, subtree)
    keep = set(scope) if scope is not None else None
    candidates = [
        mt
        for mt in records.meetings
        if mt.date is not None
        and mt.date.year == year
        and (kind is None or mt.kind == kind)
        and (keep is None or mt.org in keep)
    ]
    seed_text = seed if seed is not None else str(year)
    picked = draw(candidates, count, seed_text)
    rows = [
        {
            "path": mt.path,
            "org": mt.org,
            "org_name": (records.orgs[mt.org].name if mt.org in records.orgs else mt.org),
            "date": mt.date,
            "kind": mt.kind,
            "topic": mt.topic,
        }
        for mt in picked
    ]
    summary = _("{n} of {total} meetings of {year} drawn with seed {seed}").format(
        n=len(picked), total=len(candidates), year=year, seed=repr(seed_text)
    )
    if count > len(candidates):
        summary += _(" (fewer than the {count} asked)").format(count=count)
    columns = ["path", "org", "org_name", "date", "kind", "topic"]
    if fmt == "table" and language() != "en":
        from ..documents.words import word

        for row in rows:
            row["kind"] = word("meeting", row["kind"], language())
            row["date"] = date_name(row["date"])
        headers = [_("path"), _("org"), _("name"), _("date"), _("kind"), _("topic")]
        text = render(rows, fmt, columns, headers=headers, keep=("path", "date"), drop=("org",))
        if text:
            click.echo(text)
        click.echo(summary)
        return
    _print_listing(rows, fmt, columns, summary)


# ---- status ------------------------------------------------------------------------


def org_status(
    records: Records, org_id: str, day: date, whole: list[engine.Obligation] | None = None
) -> dict[str, Any]:
    """Everything `status` shows about one org on ``day``, as plain data.

    ``whole``: every obligation of the repository on ``day`` from the year's start
    (as :func:`status_query` asks), when a snapshot keeps them; else evaluated here.
    """
    org = records.orgs[org_id]
    parent = records.orgs.get(org.parent or "")
    secretary = records.members.get(org.secretary or "")
    committee: dict[str, Any] | None = None
    if org.committee is not None:
        term = committee_term(org, load_rules(records.settings))
        elected = org.committee.elected
        committee = {
            "elected": elected,
            "term_years": term,
            "term_ends": add_years(elected, term) if elected else None,
            "members": list(org.committee.members),
        }
    from ..records.roll import roll_status

    # the roll on the day: no one who has died or left, no one not yet admitted
    members: Counter[str] = Counter()
    for mb in records.members.values():
        # org_on sorts the transfers: skip it for the many members without any
        if (mb.org_on(day) if mb.transfers else mb.org) != org_id:
            continue
        on_roll = roll_status(mb, day)
        if on_roll is not None:
            members[on_roll] += 1
    if whole is None:
        obligations = engine.evaluate(records, day, status_start(records, day), orgs=[org_id])
    else:
        obligations = [ob for ob in whole if ob.org == org_id]
    obligations = settle(obligations, records.notices, day)
    this_year = [
        ob
        for ob in obligations
        if ob.period.startswith(str(day.year)) or ob.is_finding or ob.status == engine.SETTLED
    ]
    tally = Counter(ob.status for ob in this_year)
    from ..tables.dues import statement
    from ..tables.participation import status_participation
    from ..tables.pipeline import pipeline

    # the year's dues so far: the standard owed against what was paid (issue 15)
    dues_rows, without_base = statement(records, {org_id}, day.year, day)
    dues_total = dues_rows.rows[-1]
    last: dict[str, date] = {}
    for mt in records.meetings_of(org_id):
        if mt.kind and mt.date and mt.date <= day:
            last[mt.kind] = mt.date
    return {
        "org": org_id,
        "name": org.name,
        "kind": org.kind,
        "parent": org.parent,
        "parent_name": parent.name if parent else None,
        "established": org.established,
        "dissolved": org.dissolved,
        "as_of": day,
        "secretary": org.secretary,
        "secretary_name": secretary.name if secretary else None,
        "committee": committee,
        "members": {s: members[s] for s in m.MEMBER_STATUSES if members[s]},
        "obligations": {s: tally[s] for s in (*engine.STATUSES, engine.SETTLED)},
        # settled findings are shown as such (status settled, with the notice's number)
        "findings": [
            ob.as_dict() for ob in this_year if ob.is_finding or ob.status == engine.SETTLED
        ],
        # met, but after the deadline (with the days late)
        "late": [ob.as_dict() for ob in this_year if ob.status == engine.MET_LATE],
        # weak and lax (§12): this org's records, and how many orgs of its subtree per year
        "weak": [
            {
                "year": w.year,
                "deadline": w.deadline,
                "rectified_on": w.rectified_on,
                "reasons": list(w.reasons),
            }
            for w in sorted(records.weak, key=lambda w: w.path)
            if w.org == org_id
        ],
        "weak_per_year": weak_per_year(records, org_id),
        "last_meetings": {k: last[k] for k in m.MEETING_KINDS if k in last},
        # members at each stage of the development pipeline, with their next deadline
        "pipeline": pipeline(records, {org_id}, day, obligations),
        # attendance, appraisal, stars, study hours, online meetings, secretaries' training
        "participation": status_participation(records, org_id, day),
        "dues": {
            "year": day.year,
            "standard": dues_total["standard"],
            "paid": dues_total["paid"],
            "paid_late": dues_total["paid_late"],
            "unpaid": dues_total["unpaid"],
            "members_without_base": without_base.count,
        },
    }


def status_start(records: Records, day: date) -> date:
    """The window rule of `overdue`: nothing before tracking_since is owed."""
    return engine.tracked_from(records.settings, date(day.year, 1, 1))


def weak_per_year(records: Records, org_id: str | None = None) -> dict[int, int]:
    """How many orgs (of ``org_id``'s subtree, or all) were recorded weak each year."""
    keep = set(records.subtree(org_id)) if org_id else None
    years = Counter(w.year for w in records.weak if keep is None or w.org in keep)
    return dict(sorted(years.items()))


def _status_text(info: dict[str, Any]) -> str:
    """The status screen in the language in use: labels, kinds, statuses and dates as a
    clerk reads them (English keeps ids and ISO dates, as `--format json` has them)."""
    zh = language() != "en"
    day = date_name if zh else _iso
    kind = kind_name if zh else str
    rule = _rule_names() if zh else {}

    def label(text: str) -> str:  # "parent:" padded to line the values up
        width = 14 if zh else 13
        return "  " + _pad(text, width)

    lines = [
        _("{name} ({org}), {kind}").format(
            name=info["name"], org=info["org"], kind=kind(info["kind"] or "")
        )
    ]
    if info["parent"]:
        lines.append(label(_("parent:")) + f"{info['parent_name'] or ''} ({info['parent']})")
    life = label(_("established:")) + (day(info["established"]) or "?")
    if info["dissolved"]:
        life += _(", dissolved {day}").format(day=day(info["dissolved"]))
    lines.append(life)
    sec = info["secretary"]
    lines.append(
        label(_("secretary:")) + (f"{info['secretary_name'] or ''} ({sec})" if sec else _("none"))
    )
    com = info["committee"]
    if com:
        lines.append(
            label(_("committee:"))
            + _("{n} members, elected {elected}, {years}-year term ends {ends}").format(
                n=len(com["members"]),
                elected=day(com["elected"]),
                years=com["term_years"],
                ends=day(com["term_ends"]),
            )
        )
    else:
        lines.append(label(_("committee:")) + _("none"))
    members = _(", ").join(f"{kind(s)} {n}" for s, n in info["members"].items()) or _("none")
    lines.append(label(_("members:")) + members)
    ob = info["obligations"]
    lines.append(
        _(
            "Obligations {year} as of {day}: met {met}, met late {met_late}, due {due}, "
            "overdue {overdue}, upcoming {upcoming}, settled {settled}"
        ).format(year=info["as_of"].year, day=day(info["as_of"]), **ob)
    )
    if info["findings"]:
        lines.append(_findings_table(info["findings"], rule))
    if info["late"]:
        lines.append(_("Filed late:"))
        lines.append(_findings_table(info["late"], rule))
    for w in info["weak"]:
        state = (
            _("rectified {day}").format(day=day(w["rectified_on"]))
            if w["rectified_on"]
            else _("not rectified")
        )
        lines.append(
            _("Weak and lax ({year}): rectify by {deadline}, {state}").format(
                year=w["year"], deadline=day(w["deadline"]), state=state
            )
        )
    if info["weak_per_year"]:
        counts = _(", ").join(f"{y} {n}" for y, n in info["weak_per_year"].items())
        lines.append(
            _("Weak and lax orgs per year (this org and below): {counts}").format(counts=counts)
        )
    stages = [p for p in info.get("pipeline", ()) if p["count"]]
    if stages:
        lines.append(
            _("Pipeline: {stages}").format(
                stages=_(", ").join(f"{kind(p['stage'])} {p['count']}" for p in stages)
            )
        )
        width = max(_width(kind(p["stage"])) for p in stages)
        for p in stages:
            for person in p["members"]:
                nxt = (
                    _("{rule} by {deadline} ({status})").format(
                        rule=rule.get(person["next_rule"], person["next_rule"]),
                        deadline=day(person["next_deadline"]),
                        status=status_name(person["next_status"]) if zh else person["next_status"],
                    )
                    if person["next_rule"]
                    else _("no deadline open")
                )
                lines.append(
                    f"  {_pad(kind(p['stage']), max(width, 12))}  "
                    f"{person['name'] or ''} ({person['member']}): {nxt}"
                )
    dues = info.get("dues")
    if dues:
        line = _(
            "Dues {year} to date: standard {standard}, paid {paid}, paid late {paid_late}, "
            "unpaid {unpaid}"
        ).format(**{k: dues[k] for k in ("year", "standard", "paid", "paid_late", "unpaid")})
        if dues["members_without_base"]:
            line += ngettext(
                " ({n} member without a [[dues_base]] row)",
                " ({n} members without a [[dues_base]] row)",
                dues["members_without_base"],
            ).format(n=dues["members_without_base"])
        lines.append(line)
    if info.get("participation"):
        from ..tables.participation import participation_lines

        lines.extend(participation_lines(info["participation"]))
    lines.append(_("Last meeting of each kind:"))
    if info["last_meetings"]:
        width = max(_width(kind(k)) for k in info["last_meetings"])
        for k, held in info["last_meetings"].items():
            lines.append(f"  {_pad(kind(k), width)}  {day(held)}")
    else:
        lines.append("  " + _("none"))
    return "\n".join(lines)


def _iso(day: Any) -> str:
    """A date as JSON has it (2026-07-20); None stays empty."""
    if day is None:
        return ""
    return day if isinstance(day, str) else day.isoformat()


def _width(text: str) -> int:
    from ..widths import cells

    return cells(text)


def _pad(text: str, width: int) -> str:
    """``text`` padded to ``width`` terminal columns (a CJK character takes two)."""
    return text + " " * max(0, width - _width(text))


def _findings_table(findings: list[dict[str, Any]], rule_names: dict[str, str]) -> str:
    """Status's findings (or late filings) as `overdue` shows them: in English the stable
    fields, in another language the rule's name, period, status and dates in words."""
    columns = list(TABLE_COLUMNS[1:])
    if language() == "en":
        return render(findings, "table", columns)
    rows = []
    for f in findings:
        row = dict(f)
        row["rule_name"] = rule_names.get(f["rule"], f["rule"])
        row["period"] = period_name(f["period"])
        row["status"] = status_name(f["status"])
        row["deadline"] = date_name(f["deadline"])
        rows.append(row)
    shown = [c for c in FINDING_COLUMNS if c not in ("org", "rule")]
    return render(
        rows,
        "table",
        shown,
        headers=_finding_headers(shown),
        keep=FINDING_KEEP,
        drop=FINDING_DROP.get(language(), FINDING_DROP["en"]),
    )


@click.command()
@click.argument("org")
@as_of_option("Show the org as on this day (default: today).")
@format_option("table", "json")
@click.option("--force", is_flag=True, help="Show even if the records are invalid.")
@rev_option
@click.pass_context
def status(
    ctx: click.Context, org: str, as_of: date | None, fmt: str, force: bool, rev: str | None
) -> None:
    """One screen on an org: secretary, committee term, members, this year's obligations."""

    def text(found: Any) -> str:
        if found is not None:
            refuse_invalid(found.problems, force)
            records = found.records
        else:
            records = checked_whole(ctx, rev, force)
        return _status_screen(records, found, org, as_of or date.today(), fmt)

    # kept for valid records only: a kept screen is printed with no refusal or warning
    click.echo(kept_text(ctx, rev, ("status", org, as_of, fmt), text, valid_only=True))


def _status_screen(records: Records, found: Any, org: str, day: date, fmt: str) -> str:
    """The status of ``org`` as text or JSON (``found``: the side as its snapshot
    judges it, whose kept answers spare evaluating the year; or None)."""
    org_id = _org_id(records, org)
    whole = None
    if found is not None:  # the year so far of every org, kept with the snapshot
        from ..gitops.queries import every

        whole = found.answer(every(day, status_start(records, day)))
    from ..privacy import mask_data

    # names and topics are free text: a number typed into one is masked like anywhere
    info = mask_data(org_status(records, org_id, day, whole))
    if fmt == "json":
        import json

        from ..output import plain

        return json.dumps(plain(info), ensure_ascii=False, indent=2)
    return _status_text(info)
