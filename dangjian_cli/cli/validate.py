"""`dangjian validate`: every check (docs/codes.md), reported as path:line lines."""

from __future__ import annotations

import json
from collections.abc import Callable

import click

from ..checks import validate as run_checks
from ..problems import Problem, counts
from ..records.store import Store
from .common import format_option, judged, load_records, open_store, repo_root, rev_option


@click.command()
@click.option("--strict", is_flag=True, help="Warnings fail validation too (exit 1).")
@format_option("text", "json", default="text")
@rev_option
@click.option(
    "--staged",
    is_flag=True,
    help="Check the records staged in the git index (what the next commit holds).",
)
@click.pass_context
def validate(ctx: click.Context, strict: bool, fmt: str, rev: str | None, staged: bool) -> None:
    """Check every record: schema, references, dates, quorum, money.

    Exit 0 when valid, 1 when there are errors (or warnings with --strict),
    2 when the repository cannot be read.
    """
    if staged and rev:
        raise click.UsageError("--staged and --rev cannot be used together")
    problems, files = _problems(ctx, rev, staged)
    errors, warnings = counts(problems)
    if fmt == "json":
        click.echo(json.dumps([p.as_dict() for p in problems], ensure_ascii=False, indent=2))
    else:
        show = _problem_line()
        for p in problems:
            click.echo(show(p))
        click.echo(summary_line(errors, warnings, files))
    if errors or (strict and warnings):
        ctx.exit(1)


def _problem_line() -> Callable[[Problem], str]:
    """How a problem is printed: ``path:line: error CODE message`` in English; in
    another language the severity is said in it, and so is the message
    (Problem.text); a message that has no translation (worded in English only)
    follows the code's title from docs/codes.md, so the line still says what is wrong."""
    from ..i18n import language

    if language() == "en":
        return Problem.text
    from ..checks.codes import explanations

    known = explanations()

    def show(p: Problem) -> str:
        if p.said is not None:
            return p.text()
        return p.text(known.get(p.code, {}).get("title", {}).get(language()))

    return show


def summary_line(errors: int, warnings: int, files: int) -> str:
    """``2 errors, 1 warning in 3 files``, in the language in use."""
    from ..i18n import _, ngettext

    return _("{errors}, {warnings} in {files}").format(
        errors=ngettext("{n} error", "{n} errors", errors).format(n=errors),
        warnings=ngettext("{n} warning", "{n} warnings", warnings).format(n=warnings),
        files=ngettext("{n} file", "{n} files", files).format(n=files),
    )


def _problems(ctx: click.Context, rev: str | None, staged: bool) -> tuple[list[Problem], int]:
    """Every problem and the number of files: from snapshots of git trees where they
    help (large repositories), else by a whole check."""
    found = judged(ctx, rev, staged)
    if found is not None:
        return found.problems, found.files
    if staged:
        from ..gitops.store import IndexStore

        store: Store = IndexStore(repo_root(ctx))
    else:
        store = open_store(ctx, rev)
    records = load_records(ctx, store=store)
    return run_checks(records), len(records.paths)
