"""`dangjian rules [ID]` and `dangjian explain [CODE]`: the tool explains its own rules.

Both read data only (rules/builtin.toml, checks/codes.toml), so they work
outside a records repository; inside one, `rules` shows the repository's
effective values and says which of them dangjian.toml overrides. The markdown
format of each, run outside any repository, is the page in docs/ (rules.md,
codes.md): tests/test_reference_docs.py keeps them equal.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import click

from ..errors import InputError
from ..i18n import _, date_name, kind_name, language, ngettext, period_name, pick, status_name
from .common import format_option

LISTING_FORMATS = ("table", "json", "csv", "markdown")
#: keys of a rule that are its description, not values a repository tunes
_TEXT_KEYS = ("title", "task", "type", "clause")


# ---- the repository, when there is one -----------------------------------------------


def _settings(ctx: click.Context) -> Any:
    """The repository's settings (None outside a repository), its language applied."""
    from ..records.store import find_root
    from .common import apply_language

    given = (ctx.find_root().obj or {}).get("repo")
    start = Path(given) if given else Path.cwd()
    root = find_root(start) if start.is_dir() else None
    if root is None:
        if given:
            raise InputError(f"{given}: no dangjian.toml there")
        return None
    apply_language(root)
    from ..records import layout
    from ..records.repository import load_file
    from ..records.store import read_inside

    path = root / layout.SETTINGS_FILE
    try:
        record, _problems = load_file(layout.SETTINGS_FILE, read_inside(root, layout.SETTINGS_FILE))
    except OSError as exc:
        raise InputError(f"{path}: {exc.strerror or exc}") from None
    return record


def _overrides(settings: Any) -> dict[str, dict[str, Any]]:
    """The valid ``[rules.<id>]`` overrides of the repository (invalid ones are ignored)."""
    if settings is None:
        return {}
    from ..rules.catalog import _read_overrides

    return _read_overrides(settings)[0]


def _labels() -> dict[str, str]:
    """Words the explanations lead their lines with, in the language in use (literal
    ``_()`` calls, so that Babel finds them; f-strings hide calls from it)."""
    return {
        ": ": _(": "),
        "How to fix it": _("How to fix it"),
        "Obligation rules": _("Obligation rules"),
        "Validation codes": _("Validation codes"),
        "What it checks": _("What it checks"),
        "Why": _("Why"),
        "clause": _("clause"),
        "example of a finding": _("example of a finding"),
        "found": _("found"),
        "overridden": _("overridden"),
        "owed by": _("owed by"),
        "period or deadline": _("period or deadline"),
        "required": _("required"),
        "values": _("values"),
    }


# ---- describing one rule ---------------------------------------------------------------


def _period_word(period: str | None) -> str:
    return {
        "month": _("month"),
        "quarter": _("quarter"),
        "half": _("half-year"),
        "year": _("year"),
    }.get(period or "", period or "")


def schedule(values: dict[str, Any]) -> str:
    """When a rule is owed, in a line: 'at least 1 per quarter', 'by 03-31 each year'."""
    kind = values.get("type")
    period = values.get("period")
    deadline = values.get("deadline")
    if kind in ("meetings", "contact-lesson"):
        return _("at least {min} per {period}").format(
            min=values.get("min", 1), period=_period_word(period)
        )
    if kind in ("report", "letter", "assessment"):
        every = _("once per {period}").format(period=_period_word(period))
        if isinstance(deadline, str) and deadline.startswith("+"):
            limit = _("within {span} after the period").format(span=_span_words(deadline[1:]))
        elif isinstance(deadline, str):
            month, _sep, day = deadline.partition("-")
            limit = _("by {month}/{day} of the year").format(month=int(month), day=int(day))
        else:
            limit = ""
        return f"{every}, {limit}" if limit else every
    if kind == "probation":
        return _("within {span} of admission").format(span=_span_words(str(deadline)[1:]))
    if kind == "dues":
        return _("every month; due after {due} months unpaid, overdue after {over}").format(
            due=values.get("due_months"), over=values.get("overdue_months")
        )
    if kind == "election":
        return _("every {term} years ({long} years for villages and communities)").format(
            term=values.get("term_years"), long=values.get("long_term_years")
        )
    if kind == "notice":
        return _("by the notice's deadline")
    if kind == "followup":
        return _("within {span} of the debriefing").format(
            span=_span_words(str(deadline or "+30d")[1:])
        )
    if kind == "weak":
        return _("by the weak record's deadline")
    if kind == "attendance":
        return _("a finding after {months} months without taking part").format(
            months=values.get("months", 6)
        )
    if kind == "appraisal":
        return _("in each year's democratic appraisal")
    if kind == "disposition":
        return _("within {span} of the appraisal; a correction by its `until`").format(
            span=_span_words(str(deadline or "+30d")[1:])
        )
    if kind == "study-hours":
        return _(
            "{hours} hours a calendar year; a party lesson attended counts {lesson} hours"
        ).format(hours=values.get("min_hours", 32), lesson=values.get("lesson_hours", 2))
    if kind == "secretary-training":
        return _("at least {min} training for secretaries each year").format(
            min=values.get("min", 1)
        )
    if kind == "secretary-lesson":
        return _("at least {min} party lesson lectured by the secretary each year").format(
            min=values.get("min", 1)
        )
    if kind == "training":
        return _("{hours} hours of training by the day of admission").format(
            hours=values.get("min_hours", 24)
        )
    return _("at all times")


def _span_words(span: str) -> str:
    from ..rules.periods import parse_span

    try:
        n, unit = parse_span(span)
    except ValueError:
        return span
    if unit == "d":
        return ngettext("{n} day", "{n} days", n).format(n=n)
    if unit == "m":
        return ngettext("{n} month", "{n} months", n).format(n=n)
    return ngettext("{n} year", "{n} years", n).format(n=n)


def _owed_by(values: dict[str, Any]) -> str:
    """Who owes a rule, in the language in use: kinds, parent kinds, conditions."""
    from ..records.model import BRANCH_KINDS, COMMITTEE_KINDS

    if values.get("type") == "followup":
        return _("orgs whose secretary's debriefing was graded poor")
    if values.get("type") == "weak":
        return _("orgs recorded as weak and lax (weak/<yyyy>/<org>.toml)")
    if values.get("type") == "disposition":
        return _("orgs of members graded unqualified in a democratic appraisal")
    given = tuple(values.get("kinds") or ())
    if set(given) == set(BRANCH_KINDS):
        kinds = [_("every branch and general branch")]
    elif set(given) == set(COMMITTEE_KINDS):
        kinds = [_("every party committee (county, township, street)")]
    elif set(COMMITTEE_KINDS) <= set(given):
        rest = [kind_name(k) for k in given if k not in COMMITTEE_KINDS]
        kinds = [_("every party committee (county, township, street)"), *rest]
    else:
        kinds = [kind_name(k) for k in given]
    parts = [", ".join(kinds)] if kinds else []
    parents = [kind_name(k) for k in values.get("parent_kinds") or ()]
    if parents:
        parts.append(_("orgs under a {kinds}").format(kinds=_(" or ").join(parents)))
    conditions = {
        "committee": _("with a committee"),
        "party_groups": _("with party groups"),
        "parent": _("with a higher-level org"),
        "secretary": _("with a secretary"),
        "poor_village": _("poor villages"),
    }
    parts.extend(conditions.get(c, c) for c in values.get("requires") or ())
    if values.get("type") == "contact-lesson":
        parts.append(_("leading cadres with a contact point"))
    return _("; ").join(parts) or _("every org it applies to")


def rule_rows(settings: Any) -> list[dict[str, Any]]:
    """One row per built-in rule, with the repository's effective values."""
    from ..rules.catalog import builtin

    overrides = _overrides(settings)
    rows = []
    for rule_id, table in builtin().items():
        changed = overrides.get(rule_id, {})
        values = {**table, **changed}
        rows.append(
            {
                "id": rule_id,
                "rule_name": pick(table.get("title"), rule_id),
                "name_zh": table.get("title", {}).get("zh", ""),
                "name_en": table.get("title", {}).get("en", ""),
                "clause": table.get("clause", ""),
                "owed_by": _owed_by(values),
                "schedule": schedule(values),
                "enabled": values.get("enabled", True) is not False,
                "overridden": sorted(changed),
                "values": {k: v for k, v in values.items() if k not in _TEXT_KEYS},
            }
        )
    return rows


#: the columns of a listing of rules, and their headers
RULE_COLUMNS = ("id", "name_zh", "name_en", "clause", "owed_by", "schedule", "overridden")


def _rule_headers() -> list[str]:
    return [
        _("id"),
        _("Chinese name"),
        _("English name"),
        _("clause"),
        _("owed by"),
        _("period or deadline"),
        _("overridden"),
    ]


def example_finding(rule_id: str, values: dict[str, Any]) -> dict[str, Any]:
    """A made-up finding of the rule, as `dangjian overdue` would list it."""
    from ..rules.periods import period_of, shift

    kind = values.get("type")
    period_kind = values.get("period")
    subject, subject_name = "hexi-xishan", _("Xishan village party branch, Hexi town")
    if kind in ("probation", "dues", "study-hours", "secretary-training", "secretary-lesson"):
        subject, subject_name = "li-ming", _("Li Ming")
    if period_kind:
        deadline_text = values.get("deadline")
        fixed_day = isinstance(deadline_text, str) and not deadline_text.startswith("+")
        year_day = date(2026 if fixed_day else 2025, 6, 1)
        period = period_of(period_kind, date(2026, 6, 15) if period_kind != "year" else year_day)
        if isinstance(deadline_text, str) and deadline_text.startswith("+"):
            deadline = shift(period.end, deadline_text[1:])
        elif isinstance(deadline_text, str):
            month, _sep, day = deadline_text.partition("-")
            deadline = date(period.start.year, int(month), int(day))
        else:
            deadline = period.end + timedelta(days=int(values.get("grace_days", 0)))
        label = period.label
    else:
        label, deadline = "2026", date(2026, 6, 30)
    required = int(values.get("min", 1))
    if kind == "study-hours":  # a calendar year, judged after its grace week
        label, deadline = "2025", date(2025, 12, 31) + timedelta(days=int(values["grace_days"]))
        required = int(values.get("min_hours", 32))
    return {
        "subject": subject,
        "subject_name": subject_name,
        "org": "hexi-xishan",
        "rule": rule_id,
        "rule_name": pick(values.get("title"), rule_id),
        "period": label,
        "status": "overdue",
        "status_name": status_name("overdue"),
        "required": required,
        "found": 0,
        "deadline": deadline.isoformat(),
        "clause": values.get("clause", ""),
    }


def finding_sentence(row: dict[str, Any]) -> str:
    """A finding as a clerk reads it: who, what, for which period, by when."""
    return _("{who} {period}: {rule} not done (due by {deadline})").format(
        who=row["subject_name"],
        period=period_name(row["period"]),
        rule=row["rule_name"],
        deadline=date_name(row["deadline"]),
    )


def _toml_value(value: Any) -> str:
    """A rule value as dangjian.toml writes it: a date bare (``applies_from =
    2025-01-01``, which JSON cannot say), anything else as JSON writes it."""
    if isinstance(value, date):
        return value.isoformat()
    return json.dumps(value, ensure_ascii=False)


def rule_text(rule_id: str, settings: Any) -> str:
    """The full explanation of one rule (`dangjian rules ID`)."""
    label = _labels()
    from ..rules.catalog import builtin

    table = builtin()[rule_id]
    row = next(r for r in rule_rows(settings) if r["id"] == rule_id)
    values = {**table, **_overrides(settings).get(rule_id, {})}
    lines = [f"{rule_id}: {row['name_zh']} / {row['name_en']}", ""]
    lines.append(pick(table.get("task")))
    lines.append("")
    lines.append(f"{label['clause']}{label[': ']}{row['clause']}")
    lines.append(f"{label['owed by']}{label[': ']}{row['owed_by']}")
    lines.append(f"{label['period or deadline']}{label[': ']}{row['schedule']}")
    if not row["enabled"]:
        lines.append(_("switched off in this repository's dangjian.toml"))
    lines.append("")
    lines.append(
        _("Values (a repository changes them under [rules.{id}] in dangjian.toml):").format(
            id=rule_id
        )
    )
    for key, value in row["values"].items():
        mark = f"  ({label['overridden']})" if key in row["overridden"] else ""
        lines.append(f"  {key} = {_toml_value(value)}{mark}")
    lines.append("")
    lines.append(_("Example of a finding:"))
    example = example_finding(rule_id, values)
    lines.append("  " + finding_sentence(example))
    lines.append(
        "  "
        + f"dangjian overdue: {example['org']}  {rule_id}  {example['period']}  overdue  "
        + f"{label['required']} {example['required']}, {label['found']} {example['found']}"
    )
    return "\n".join(lines)


def rules_markdown(rows: list[dict[str, Any]]) -> str:
    """The rules as a markdown page: a table, then one section per rule."""
    label = _labels()
    from ..output import render

    out = [
        f"# {label['Obligation rules']}",
        "",
        _(
            "Generated by `dangjian rules --format markdown` from the built-in rule data "
            "(dangjian_cli/rules/builtin.toml); a repository changes a value under "
            "`[rules.<id>]` in its dangjian.toml, or switches a rule off with "
            "`enabled = false`. Clauses: `std` is the standing national rules, `§n` the "
            "county programme's section n."
        ),
        "",
        render(_listing(rows), "markdown", list(RULE_COLUMNS), headers=_rule_headers()),
    ]
    from ..rules.catalog import builtin

    for row in rows:
        table = builtin()[row["id"]]
        out += ["", f"## `{row['id']}`: {row['name_zh']} / {row['name_en']}", ""]
        out.append(f"- {table.get('task', {}).get('zh', '')}")
        out.append(f"- {table.get('task', {}).get('en', '')}")
        out.append(f"- {label['clause']}{label[': ']}{row['clause']}")
        out.append(f"- {label['owed by']}{label[': ']}{row['owed_by']}")
        out.append(f"- {label['period or deadline']}{label[': ']}{row['schedule']}")
        values = ", ".join(f"`{k} = {_toml_value(v)}`" for k, v in row["values"].items())
        out.append(f"- {label['values']}{label[': ']}{values}")
        example = example_finding(row["id"], {**table, **row["values"]})
        out.append(f"- {label['example of a finding']}{label[': ']}{finding_sentence(example)}")
    return "\n".join(out)


def _listing(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows for a table, CSV or markdown listing: flat cells, switched-off rules marked."""
    out = []
    for row in rows:
        flat = dict(row)
        flat["overridden"] = ", ".join(row["overridden"])
        if not row["enabled"]:
            rest = [k for k in row["overridden"] if k != "enabled"]
            flat["overridden"] = ", ".join([_("off"), *rest])
        out.append(flat)
    return out


@click.command()
@click.argument("rule_id", metavar="[ID]", required=False)
@format_option(*LISTING_FORMATS)
@click.pass_context
def rules(ctx: click.Context, rule_id: str | None, fmt: str) -> None:
    """The obligation rules: names, clause, who owes them, when; the repository's values.

    With an ID, the full explanation of one rule and an example of a finding.
    Inside a records repository the values are the repository's own (after the
    overrides in its dangjian.toml, which are marked).
    """
    from ..rules.catalog import builtin

    settings = _settings(ctx)
    rows = rule_rows(settings)
    if rule_id is not None:
        if rule_id not in builtin():
            import difflib

            close = difflib.get_close_matches(rule_id, list(builtin()), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise InputError(f"no rule {rule_id!r}{hint}; `dangjian rules` lists them")
        rows = [r for r in rows if r["id"] == rule_id]
        if fmt == "table":
            click.echo(rule_text(rule_id, settings))
            return
    if fmt == "json":
        from ..output import plain

        click.echo(json.dumps(plain(rows), ensure_ascii=False, indent=2))
        return
    if fmt == "markdown" and rule_id is None:
        click.echo(rules_markdown(rows))
        return
    from ..output import render

    columns = ["id", "rule_name", *RULE_COLUMNS[1:]] if fmt == "csv" else list(RULE_COLUMNS)
    headers = None if fmt == "csv" else _rule_headers()
    if fmt == "table" and not any(r["overridden"] or not r["enabled"] for r in rows):
        columns, headers = columns[:-1], (headers or [])[:-1]  # nothing overridden here
    click.echo(
        render(
            _listing(rows),
            fmt,
            columns,
            headers=headers,
            wrap=("owed_by", "schedule"),
            keep=("id", "clause"),
            drop=("name_en",) if language() == "zh" else ("name_zh",),
        )
    )


# ---- explain -------------------------------------------------------------------------


def _code_entry(code: str) -> tuple[str, dict[str, Any]]:
    from ..checks.codes import explanations

    known = explanations()
    wanted = code.strip().upper()
    if wanted not in known:
        import difflib

        close = difflib.get_close_matches(wanted, list(known), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise InputError(f"no validation code {code!r}{hint}; `dangjian explain` lists them")
    return wanted, known[wanted]


def severity_name(severity: str) -> str:
    return {"error": _("error"), "warning": _("warning")}.get(severity, severity)


def code_text(code: str, entry: dict[str, Any]) -> str:
    """The explanation of one validation code, as `ruff rule` explains a lint."""
    label = _labels()
    lines = [f"{code} ({severity_name(entry['severity'])}): {pick(entry['title'])}", ""]
    lines += [f"{label['What it checks']}{label[': ']}{pick(entry['tests'])}", ""]
    lines += [f"{label['Why']}{label[': ']}{pick(entry['why'])}", ""]
    lines.append(_("Example of a bad record ({path}):").format(path=entry["path"]))
    lines += ["", *(f"    {line}" for line in entry["example"].splitlines() or [""]), ""]
    lines.append(f"{label['How to fix it']}{label[': ']}{pick(entry['fix'])}")
    return "\n".join(lines)


def codes_markdown() -> str:
    """Every validation code as a markdown page (docs/codes.md)."""
    label = _labels()
    from ..checks.codes import explanations
    from ..output import render

    known = explanations()
    rows = [
        {"code": f"`{c}`", "severity": severity_name(e["severity"]), "title": pick(e["title"])}
        for c, e in known.items()
    ]
    out = [
        f"# {label['Validation codes']}",
        "",
        _(
            "Generated by `dangjian explain --format markdown` from "
            "dangjian_cli/checks/codes.toml. `dangjian validate` reports each problem "
            "with one of these codes; `dangjian explain CODE` prints its entry. An "
            "error makes the records invalid; a warning is worth a look."
        ),
        "",
        render(
            rows,
            "markdown",
            ["code", "severity", "title"],
            headers=[_("code"), _("severity"), _("title")],
        ),
    ]
    for code, entry in known.items():
        out += ["", f"## `{code}`: {entry['title']['zh']} / {entry['title']['en']}", ""]
        out.append(
            f"- {label['What it checks']}{label[': ']}{entry['tests']['zh']} {entry['tests']['en']}"
        )
        out.append(f"- {label['Why']}{label[': ']}{entry['why']['zh']} {entry['why']['en']}")
        out += ["", _("Example of a bad record ({path}):").format(path=entry["path"]), ""]
        out += ["```toml", *entry["example"].splitlines(), "```", ""]
        out.append(
            f"{label['How to fix it']}{label[': ']}{entry['fix']['zh']} {entry['fix']['en']}"
        )
    return "\n".join(out)


@click.command()
@click.argument("code", required=False)
@format_option(*LISTING_FORMATS)
@click.pass_context
def explain(ctx: click.Context, code: str | None, fmt: str) -> None:
    """Explain a validation code: what it checks, why, a bad record and how to fix it.

    Without CODE, every code with its severity and title (`--format markdown`:
    the whole reference, as in docs/codes.md).
    """
    from ..checks.codes import explanations

    _settings_language(ctx)
    if code is not None:
        found, entry = _code_entry(code)
        if fmt == "json":
            click.echo(json.dumps({"code": found, **entry}, ensure_ascii=False, indent=2))
        else:
            click.echo(code_text(found, entry))
        return
    if fmt == "markdown":
        click.echo(codes_markdown())
        return
    rows = [
        {
            "code": c,
            "severity": e["severity"],
            "severity_name": severity_name(e["severity"]),
            "title": pick(e["title"]),
        }
        for c, e in explanations().items()
    ]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    from ..output import render

    columns = ["code", "severity_name", "title"] if fmt == "table" else list(rows[0])
    headers = [_("code"), _("severity"), _("title")] if fmt == "table" else None
    click.echo(render(rows, fmt, columns, headers=headers))


def _settings_language(ctx: click.Context) -> None:
    """Apply the language of the repository we are in, if any (never an error outside one)."""
    from ..records.store import find_root
    from .common import apply_language

    given = (ctx.find_root().obj or {}).get("repo")
    start = Path(given) if given else Path.cwd()
    root = find_root(start) if start.is_dir() else None
    if root is not None:
        apply_language(root)
