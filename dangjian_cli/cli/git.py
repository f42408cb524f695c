"""`dangjian review`, `dangjian log` and `dangjian hooks`: the records in git.

Thin: the work is in :mod:`dangjian_cli.gitops`; this module parses arguments,
masks personal data, prints text, Markdown or JSON and picks the exit code.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import click

from ..errors import InputError
from ..i18n import _, date_name, language, ngettext, status_name
from .common import ISO_DATE, format_option, repo_root

#: ``ctx.meta`` key under which a writing command leaves (root, paths written)
WRITTEN = "dangjian.written"


# ---- --commit on the writing commands ---------------------------------------------


def commit_option(action: str, detail: Callable[[dict[str, Any]], str] | None = None) -> Callable:
    """``--commit`` for a writing command: commit just the files it wrote.

    The command leaves ``(root, paths)`` in ``ctx.meta[WRITTEN]``; once it
    has finished, the paths are committed with a structured message built from
    the first path (``meeting: add village 2026-03-15 branch_assembly``), ``action``
    and ``detail(params)``.
    """

    def callback(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
        if value:
            ctx.call_on_close(lambda: _commit_written(ctx, action, detail))
        return value

    return click.option(
        "--commit",
        is_flag=True,
        expose_value=False,
        callback=callback,
        help="Commit just the files written (git), with a structured message.",
    )


def _commit_written(
    ctx: click.Context, action: str, detail: Callable[[dict[str, Any]], str] | None
) -> None:
    written = ctx.meta.get(WRITTEN)
    if not written or not written[1]:
        return  # nothing written (refused, or unchanged): nothing to commit
    from ..gitops.commit import commit_paths, message_for

    root, paths = written
    message = message_for(str(paths[0]), action, detail(ctx.params) if detail else "")
    if len(paths) > 1:
        message += f" (+{len(paths) - 1} files)"
    commit = commit_paths(root, paths, message)
    click.echo(_("git: committed {commit} {message}").format(commit=commit[:10], message=message))


def set_detail(params: dict[str, Any]) -> str:
    """``status=full`` for `set`; personal fields are named, their values kept out of git."""
    field = str(params.get("field", ""))
    if params.get("unset"):
        return field
    from ..privacy import mask_text, path_kind

    if path_kind(field):
        return field
    return f"{field}={mask_text(' '.join(params.get('values') or ()))}"


# ---- review -------------------------------------------------------------------------


@click.command()
@click.argument("range_spec", metavar="[BASE..HEAD]", required=False)
@click.option(
    "--as-of",
    type=ISO_DATE,
    default=None,
    help="Date at which obligations are evaluated on both sides (default: today).",
)
@format_option("text", "markdown", "json", default="text")
@click.option("--show-personal", is_flag=True, help="Show id numbers and phones unmasked.")
@click.option(
    "--full",
    is_flag=True,
    help="Load every record on both sides (default: only what the change can affect).",
)
@click.pass_context
def review(
    ctx: click.Context,
    range_spec: str | None,
    as_of: date | None,
    fmt: str,
    show_personal: bool,
    full: bool,
) -> None:
    """What a change does to the records: record changes, problems, findings.

    BASE..HEAD compares two commits; BASE alone compares a commit with the
    working tree (staged and unstaged); BASE...HEAD starts from their merge-base.
    Without a range: from the merge-base with the upstream (or main) to the
    working tree. Exit 1 when the change introduces validation errors.
    """
    from ..gitops.review import review as run_review
    from .lifetime import keep

    result = run_review(repo_root(ctx), range_spec, as_of, full=full, keep=keep)
    if not show_personal:
        _mask_review(result)
    if fmt == "json":
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    elif fmt == "markdown":
        click.echo(_review_markdown(result))
    else:
        click.echo(_review_text(result))
    if result.introduced_errors:
        ctx.exit(1)


def _mask_review(result: Any) -> None:
    """Every value of a review shown to the user, masked (see :mod:`..privacy`)."""
    from dataclasses import replace

    from ..privacy import mask_text

    _mask_changes(result.changes)
    for p in (*result.introduced, *result.fixed):
        p.path = mask_text(p.path)
        p.message = mask_text(p.message)
        p.hint = mask_text(p.hint) if p.hint else p.hint

    def finding(o: Any) -> Any:
        texts = ("subject", "subject_name", "org", "period", "notice")
        return replace(
            o, **{k: mask_text(v) for k in texts if isinstance(v := getattr(o, k, None), str)}
        )

    result.findings_introduced = [finding(o) for o in result.findings_introduced]
    result.findings_resolved = [finding(o) for o in result.findings_resolved]


def _mask_changes(changes: list[Any]) -> None:
    """Field diffs (of review or log entries) masked; paths too, and a log's message."""
    from ..privacy import mask_field, mask_text

    for change in changes:
        change.path = mask_text(change.path)
        if change.old_path:
            change.old_path = mask_text(change.old_path)
        if isinstance(getattr(change, "message", None), str):
            change.message = mask_text(change.message)
        for f in change.fields:
            f.before = mask_field(f.field, f.before)
            f.after = mask_field(f.field, f.after)
            f.added = [mask_field(f.field, v) for v in f.added]
            f.removed = [mask_field(f.field, v) for v in f.removed]
            f.field = mask_text(f.field)


def _finding_text(o: Any) -> str:
    """One finding of a review: ``overdue theme-day village 2026-03: found 0 of 1,
    deadline 2026-04-07 (§7)``; in Chinese with the rule's name, period and date in words."""
    if language() == "en":
        deadline = f", deadline {o.deadline.isoformat()}" if getattr(o, "deadline", None) else ""
        return (
            f"{o.status} {o.rule} {o.subject} {o.period}: found {o.found} of {o.required}"
            f"{deadline} ({o.clause})"
        )
    from .obligations import _rule_names
    from .reference import finding_sentence

    deadline = getattr(o, "deadline", None)
    row = {
        "subject_name": getattr(o, "subject_name", None) or o.subject,
        "period": o.period,
        "rule_name": _rule_names().get(o.rule, o.rule),
        "deadline": deadline.isoformat() if deadline else "",
    }
    text = _("{status}: {finding}").format(
        status=status_name(o.status), finding=finding_sentence(row)
    )
    if o.found:
        text += _(" (found {found} of {required})").format(found=o.found, required=o.required)
    return text


def _side(label: str) -> str:
    """A review side as a clerk reads it (JSON keeps the English label)."""
    if label == "working tree":
        return _("working tree")
    if label.startswith("merge-base with "):
        return _("merge-base with {branch}").format(branch=label.removeprefix("merge-base with "))
    return label


def _kind_title(kind: str) -> str:
    """A review's section of record changes: Added, Removed, Renamed, Changed."""
    return {
        "added": _("Added"),
        "removed": _("Removed"),
        "renamed": _("Renamed"),
        "changed": _("Changed"),
    }.get(kind, kind.capitalize())


def _change_title(change: Any, code: bool = False) -> str:
    def q(path: str) -> str:
        return f"`{path}`" if code else path

    if change.old_path:
        return f"{q(change.old_path)} → {q(change.path)}"
    return q(change.path)


def _summary(result: Any) -> str:
    groups = result.by_kind()
    words = {
        "added": _("{n} added"),
        "removed": _("{n} removed"),
        "renamed": _("{n} renamed"),
        "changed": _("{n} changed"),
    }
    return _(", ").join(words.get(k, "{n} " + k).format(n=len(v)) for k, v in groups.items())


def _problem_lines(problems: list[Any]) -> list[str]:
    """Problems as ``validate`` prints them (in Chinese: severity and message said so)."""
    from .validate import _problem_line

    show = _problem_line()
    return [show(p) for p in problems]


def _review_text(result: Any) -> str:
    head = _side(result.head.label)
    head += f" ({result.head.commit[:10]})" if result.head.commit else ""
    lines = [
        _("review {base} ({commit}) .. {head}, as of {day}").format(
            base=_side(result.base.label),
            commit=(result.base.commit or "")[:10],
            head=head,
            day=date_name(result.as_of),
        ),
        _("records: {summary}").format(summary=_summary(result)),
    ]
    for kind, changes in result.by_kind().items():
        if not changes:
            continue
        lines += ["", _("{title}:").format(title=_kind_title(kind))]
        for change in changes:
            mark = {"added": "+", "removed": "-", "renamed": "~", "changed": "*"}[kind]
            lines.append(f"  {mark} {_change_title(change)}")
            if change.unreadable:
                lines.append("      " + _("(cannot be parsed on one side; see the problems)"))
            for f in change.fields if kind != "added" else []:
                lines.append(f"      {f.text()}")
    lines += _templates_text(result)
    sections = [
        (_("Problems introduced"), _problem_lines(result.introduced)),
        (_("Problems fixed"), _problem_lines(result.fixed)),
        (_("Findings introduced"), [_finding_text(o) for o in result.findings_introduced]),
        (_("Findings resolved"), [_finding_text(o) for o in result.findings_resolved]),
    ]
    for title, items in sections:
        lines += ["", _("{title}: {n}").format(title=title, n=len(items))]
        lines += [f"  {item}" for item in items]
    return "\n".join(lines)


def templates_note() -> str:
    """Why a review lists the template changes on their own."""
    return _(
        "a reviewer should read these: the repository's templates write every clerk's documents"
    )


_TEMPLATE_MARK = {"added": "+", "removed": "-", "changed": "*"}


def _template_change(change: str) -> str:
    return {"added": _("added"), "removed": _("removed"), "changed": _("changed")}.get(
        change, change
    )


def _templates_text(result: Any) -> list[str]:
    """The template changes, in their own section (none: no section)."""
    if not result.templates:
        return []
    lines = [
        "",
        _("Templates changed: {n} ({note})").format(n=len(result.templates), note=templates_note()),
    ]
    return lines + [
        f"  {_TEMPLATE_MARK.get(c, '*')} {p}  [{_template_change(c)}]" for c, p in result.templates
    ]


def _templates_markdown(result: Any) -> list[str]:
    if not result.templates:
        return []
    lines = ["", "#### " + _("Templates changed ({n})").format(n=len(result.templates)), ""]
    lines += [_("**Attention:** {note}.").format(note=templates_note()), ""]
    return lines + [f"- `{p}` ({_template_change(c)})" for c, p in result.templates]


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "&lt;")


def _review_markdown(result: Any) -> str:
    from ..privacy import mask_text

    head = _side(result.head.label)
    head += f" `{result.head.commit[:10]}`" if result.head.commit else ""
    lines = [
        "### " + _("Records review"),
        "",
        _("`{base}` `{commit}` → {head}; obligations as of {day}").format(
            base=_side(result.base.label),
            commit=(result.base.commit or "")[:10],
            head=head,
            day=date_name(result.as_of),
        ),
        "",
        _("**Records:** {summary}").format(summary=_summary(result)),
    ]
    for kind, changes in result.by_kind().items():
        if not changes:
            continue
        lines += ["", f"#### {_kind_title(kind)} ({len(changes)})", ""]
        for change in changes:
            lines.append(f"- {_change_title(change, code=True)}")
            for f in change.fields if kind != "added" else []:
                lines.append(f"  - {_md(f.text())}")
    lines += _templates_markdown(result)
    errors = result.introduced_errors
    verdict = (
        "**"
        + ngettext(
            "{n} validation error introduced", "{n} validation errors introduced", errors
        ).format(n=errors)
        + "**"
        if errors
        else _("No validation errors introduced.")
    )
    lines += ["", "#### " + _("Validation"), "", verdict]
    severity = {"error": _("error"), "warning": _("warning")}
    for title, problems in ((_("Introduced"), result.introduced), (_("Fixed"), result.fixed)):
        if problems:
            lines += ["", _("{title}:").format(title=title), ""]
            lines += [
                f"- `{p.path}:{p.line or 1}` {severity.get(p.severity, p.severity)} {p.code} "
                f"{_md(mask_text(p.message_text()))}"
                for p in problems
            ]
    lines += ["", "#### " + _("Obligations"), ""]
    if not result.findings_introduced and not result.findings_resolved:
        lines.append(_("No change in findings."))
    for title, items in (
        (_("Introduced"), result.findings_introduced),
        (_("Resolved"), result.findings_resolved),
    ):
        if items:
            lines += ["", _("{title}:").format(title=title), ""]
            lines += [f"- {_md(_finding_text(o))}" for o in items]
    return "\n".join(lines)


# ---- log ----------------------------------------------------------------------------


@click.command()
@click.argument("record")
@click.option(
    "--field",
    "only_field",
    default=None,
    metavar="F",
    help="Only commits that changed field F (dotted for nested: committee.elected).",
)
@format_option("text", "table", "json", "csv", default="text")
@click.option("--show-personal", is_flag=True, help="Show id numbers and phones unmasked.")
@click.pass_context
def log(
    ctx: click.Context, record: str, only_field: str | None, fmt: str, show_personal: bool
) -> None:
    """History of one record: commit, author, date, message and fields changed.

    RECORD is a path (with or without .toml) or a bare id. Follows renames.
    """
    from ..gitops.history import history
    from ..output import render

    root = repo_root(ctx)
    path = _resolve(root, record)
    entries = history(root, path, only_field)
    if not show_personal:
        _mask_changes(entries)
    if not entries:
        raise InputError(
            _("{path}: no commits changed field {field}").format(path=path, field=only_field)
            if only_field
            else _("{path}: no commits changed it").format(path=path)
        )
    if fmt == "json":
        click.echo(json.dumps([e.as_dict() for e in entries], ensure_ascii=False, indent=2))
        return
    if fmt in ("table", "csv"):
        rows = []
        for e in entries:
            for f in e.fields or [None]:
                row = {
                    "commit": e.commit[:10] if fmt == "table" else e.commit,
                    "date": e.date[:10] if fmt == "table" else e.date,
                    "author": e.author,
                    "message": e.message,
                    "change": e.change,
                    "path": e.path,
                    "field": f.field if f else "",
                }
                row["value"] = _field_value(f) if f else ""
                rows.append(row)
        # masked above, entry by entry (unless --show-personal): the commit id must stay whole
        headers = None
        if fmt == "table" and language() != "en":
            for row in rows:
                row["change"] = _template_change(row["change"])
            headers = [_log_header(k) for k in rows[0]] if rows else None
        click.echo(render(rows, fmt, headers=headers, show_personal=True))
        return
    zh = language() != "en"
    out: list[str] = []
    for e in entries:
        out.append(f"commit {e.commit}")
        out.append(_("Author: {author} <{email}>").format(author=e.author, email=e.email))
        out.append(_("Date:   {date}").format(date=e.date))
        out.append("")
        out.append(f"    {e.message}")
        out.append("")
        where = f"{e.old_path} → {e.path}" if e.old_path else e.path
        change = _template_change(e.change) if zh else e.change
        out.append(f"  {change} {where}")
        out += [f"    {f.text()}" for f in e.fields]
        out.append("")
    click.echo("\n".join(out).rstrip("\n"))


def _log_header(key: str) -> str:
    return {
        "commit": _("commit"),
        "date": _("date"),
        "author": _("author"),
        "message": _("message"),
        "change": _("change"),
        "path": _("path"),
        "field": _("field"),
        "value": _("value"),
    }.get(key, key)


def _field_value(f: Any) -> str:
    text = f.text()
    return text.split(": ", 1)[1] if ": " in text else text


def _resolve(root: Path, name: str) -> str:
    """The record path: as `set` resolves it in the work tree, else in HEAD, else the path."""
    from ..records.names import resolve
    from ..records.store import FolderStore

    try:
        return resolve(FolderStore(root), name)
    except InputError as first:
        from ..gitops.run import GitError
        from ..gitops.store import GitStore

        try:
            return resolve(GitStore(root, "HEAD"), name)
        except (InputError, GitError):
            raw = name.strip().removeprefix("./")
            if "/" in raw:  # a deleted record, named by its path
                return raw if raw.endswith(".toml") else raw + ".toml"
            raise first from None


# ---- hooks --------------------------------------------------------------------------


@click.group()
def hooks() -> None:
    """Git hooks that keep invalid records out of commits and the shared repository."""


@hooks.command("install")
@click.option("--force", is_flag=True, help="Replace a hook that dangjian did not write.")
@click.option(
    "--pre-receive",
    "pre_receive",
    is_flag=True,
    help="Install the pre-receive hook into a bare shared repository (-C or cwd).",
)
@click.option(
    "--branch",
    default=None,
    help="Protected branch (pre-receive; default: the repository's default branch, its HEAD).",
)
@click.pass_context
def hooks_install(ctx: click.Context, force: bool, pre_receive: bool, branch: str | None) -> None:
    """Write .git/hooks/pre-commit: validate the staged records before each commit.

    With --pre-receive, set up a bare shared repository instead: its pre-receive
    hook rejects a push that adds a commit with invalid records to the protected
    branch, rewrites it or deletes it; its post-receive hook keeps the snapshot
    of the accepted tip; and receive.denyNonFastForwards is set. The hooks find
    dangjian on PATH, else with the Python that installed them.
    """
    from ..gitops.hooks import install_pre_commit, install_pre_receive

    if not pre_receive:
        if branch:
            raise click.UsageError("--branch goes with --pre-receive")
        installed = install_pre_commit(repo_root(ctx), force)  # (the repository's language)
        click.echo(_("installed {path}").format(path=installed))
        return
    _guarded_language(_git_dir(ctx), branch)
    done = install_pre_receive(_git_dir(ctx), branch, force)
    for path in done.paths:
        click.echo(_("installed {path}").format(path=path))
    how = _("as --branch said") if branch else _("the repository's default branch")
    click.echo(
        _("guarding branch {branch} ({how}); receive.denyNonFastForwards = true").format(
            branch=done.branch, how=how
        )
    )
    for warning in done.warnings:
        message = warning.text()
        click.echo("dangjian: " + _("warning: {message}").format(message=message), err=True)


def _guarded_language(git_dir: Path, branch: str | None) -> None:
    """Speak the language of the records a bare repository guards (it has no work
    tree to read dangjian.toml from): the ``language`` of the guarded branch's
    dangjian.toml, else the default branch's, unless --lang or DANGJIAN_LANG chose."""
    from .. import i18n

    if i18n.override() is not None:
        return
    from ..gitops.hooks import guarded_language

    i18n.use_repository(guarded_language(git_dir, branch))


def _pushed_language(git_dir: Path, rejected: list[Any]) -> None:
    """Speak the language of the pushed records (a bare repository has no work tree):
    the ``language`` in the dangjian.toml of the first rejected commit or tip, unless
    --lang or DANGJIAN_LANG chose one."""
    from .. import i18n

    if i18n.override() is not None:
        return
    from ..gitops.hooks import settings_language
    from ..gitops.run import GitError, RepoInfo

    v = rejected[0]
    try:
        info = RepoInfo(git_dir)
    except GitError:
        return
    i18n.use_repository(settings_language(info, v.commit or v.new))


def _git_dir(ctx: click.Context) -> Path:
    given = (ctx.find_root().obj or {}).get("repo")
    return Path(given) if given else Path.cwd()


@hooks.command("pre-receive")
@click.option(
    "--branch", default=None, help="Protected branch (default: the repository's HEAD branch)."
)
@click.pass_context
def hooks_pre_receive(ctx: click.Context, branch: str | None) -> None:
    """The body of a bare repository's pre-receive hook: reads `old new ref` lines.

    Validates every commit the push adds to the protected branch; rejects the
    push (exit 1) naming the first invalid commit and its errors, and rejects
    deleting or rewriting (non-fast-forward) the protected branch. Other
    branches pass.
    """
    from ..gitops.hooks import check_push

    lines = sys.stdin.read().splitlines()
    verdicts = check_push(_git_dir(ctx), lines, branch)
    rejected = [v for v in verdicts if not v.accepted]
    if rejected:
        _pushed_language(_git_dir(ctx), rejected)
    for v in rejected:
        if not v.problems:
            reason = _("rejected {ref}: {reason}").format(ref=v.ref, reason=v.reason_text())
            click.echo(f"dangjian: {reason}", err=True)
            continue
        count = len(v.problems)
        errors = ngettext(
            "commit {commit} has {n} validation error",
            "commit {commit} has {n} validation errors",
            count,
        ).format(commit=v.commit[:10], n=count)
        click.echo(
            "dangjian: " + _("rejected {ref}: {reason}").format(ref=v.ref, reason=errors),
            err=True,
        )
        for line in _problem_lines(v.problems):
            click.echo(f"  {line}", err=True)
    if rejected:
        ctx.exit(1)


@hooks.command("post-receive")
@click.option(
    "--branch", default=None, help="Protected branch (default: the repository's HEAD branch)."
)
@click.pass_context
def hooks_post_receive(ctx: click.Context, branch: str | None) -> None:
    """The body of a bare repository's post-receive hook: reads `old new ref` lines.

    Keeps the validation snapshot the pre-receive hook left for the protected
    branch's accepted tip, so that the next push is checked from it. Never fails
    a push (it is in already): problems are only reported.
    """
    from ..gitops.hooks import keep_accepted

    lines = sys.stdin.read().splitlines()
    try:
        keep_accepted(_git_dir(ctx), lines, branch)
    except InputError as exc:  # the push is in: say so, and carry on
        warning = _("snapshot not kept: {why}").format(why=exc)
        click.echo("dangjian: " + _("warning: {message}").format(message=warning), err=True)
