"""The `dangjian` command: global options, lazy sub-commands, and the error edge.

Sub-commands are imported only when run (or when help lists them), so start-up
stays fast; heavy libraries (docx, git, jinja2) are imported inside commands.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from .. import __version__
from ..errors import DangjianError, Refused

#: command name -> ("module:function" under dangjian_cli.cli, one-line help), in help order.
#: The help is repeated here so that `dangjian --help` imports no command module;
#: tests/test_docs.py keeps it equal to each command's own first help line.
COMMANDS: dict[str, tuple[str, str]] = {
    "validate": (
        "validate:validate",
        "Check every record: schema, references, dates, quorum, money.",
    ),
    "init": (
        "records:init",
        "Make a new records repository at PATH: settings, folders, git, first commit.",
    ),
    "new": (
        "records:new",
        "Write a new record from options (refused if it would make the records invalid).",
    ),
    "set": (
        "records:set_field",
        "Change fields of RECORD (or add a row), keeping the rest of the file as it is.",
    ),
    "dues": (
        "dues:dues",
        "Dues: record the month's payments (the amount from each member's standard).",
    ),
    "overdue": (
        "obligations:overdue",
        "List what is overdue: periods ended short, deadlines passed (docs/rules.md).",
    ),
    "due": (
        "obligations:due",
        "List what is due: current periods still short, deadlines coming up.",
    ),
    "rank": (
        "obligations:rank",
        "Rank orgs by the year's obligations met; mark the weakest for rectification (§12).",
    ),
    "sample": ("obligations:sample", "Draw a random sample of meetings for spot-checks (§7)."),
    "status": (
        "obligations:status",
        "One screen on an org: secretary, committee term, members, this year's obligations.",
    ),
    "render": (
        "render:render",
        "Word documents from the records: letters, notices, reports (see templates/).",
    ),
    "templates": (
        "render:templates",
        "The document templates: check them, or copy the built-in ones to edit.",
    ),
    "import": (
        "tables:import_group",
        "Read members or dues from an Excel roster (.xlsx) or CSV: checked, then written.",
    ),
    "list": (
        "tables:list_records",
        "List members (the roster), orgs, meetings, notices, dues, attendance or study hours.",
    ),
    "stats": (
        "tables:stats",
        "Party statistics on a day: members, orgs and the year's changes (totals agree).",
    ),
    "site": (
        "site:site",
        "Write a static overview site: county, townships, orgs, findings, trends.",
    ),
    "review": (
        "git:review",
        "What a change does to the records: record changes, problems, findings.",
    ),
    "log": ("git:log", "History of one record: commit, author, date, message and fields changed."),
    "hooks": (
        "git:hooks",
        "Git hooks that keep invalid records out of commits and the shared repository.",
    ),
    "rules": (
        "reference:rules",
        "The obligation rules: names, clause, who owes them, when; the repository's values.",
    ),
    "explain": (
        "reference:explain",
        "Explain a validation code: what it checks, why, a bad record and how to fix it.",
    ),
}


class LazyGroup(click.Group):
    """A group whose commands live in their own modules, imported on demand."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List commands from the table above, without importing them."""
        width = formatter.width - 6 - max(len(name) for name in COMMANDS)
        rows = [
            (name, click.utils.make_default_short_help(text, width))
            for name, (_, text) in COMMANDS.items()
        ]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self._load(cmd_name)

    def _load(self, name: str) -> click.Command | None:
        entry = COMMANDS.get(name)
        if entry is None:
            return None
        module_name, attr = entry[0].split(":")
        import importlib

        try:
            module = importlib.import_module(f"{__package__}.{module_name}")
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.startswith(f"{__package__}.{module_name}"):
                return None  # the command is not built yet
            raise
        return getattr(module, attr, None)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except Refused as exc:
            click.echo(f"dangjian: {exc}", err=True)
            for line in exc.details:
                click.echo(line, err=True)
            ctx.exit(exc.exit_code)
        except DangjianError as exc:
            from ..i18n import _

            click.echo("dangjian: " + _("error: {message}").format(message=exc), err=True)
            ctx.exit(exc.exit_code)
        except BrokenPipeError:
            # the reader (``| head``) went away: stop quietly, as Unix tools do
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(0)
        except OSError as exc:
            from ..i18n import _

            where = f"{exc.filename}: " if exc.filename else ""
            message = f"{where}{exc.strerror or exc}"
            click.echo("dangjian: " + _("error: {message}").format(message=message), err=True)
            ctx.exit(2)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "-C",
    "--repo",
    "repo",
    type=click.Path(file_okay=False, path_type=str),
    default=None,
    help="Records repository (default: nearest folder upwards holding dangjian.toml).",
)
@click.option(
    "--no-cache",
    "no_cache",
    is_flag=True,
    help="Parse every record afresh: neither read nor write the records cache.",
)
@click.option(
    "--lang",
    "lang",
    type=click.Choice(["en", "zh"]),
    default=None,
    help="Language of the output (default: DANGJIAN_LANG, else the repository's `language`).",
)
@click.option(
    "--wide",
    is_flag=True,
    help="Show tables whole: no column shortened or wrapped to fit the terminal.",
)
@click.version_option(__version__, "--version", prog_name="dangjian")
@click.pass_context
def cli(ctx: click.Context, repo: str | None, no_cache: bool, lang: str | None, wide: bool) -> None:
    """Records, obligations and documents of grass-roots party organisations.

    Records are TOML files in a git repository; see README.md for the layout.
    """
    ctx.obj = {"repo": repo}
    from .. import i18n

    i18n.reset()  # one process may run many commands (tests): nothing carries over
    if lang:
        i18n.set_language(lang, forced=True)
    from .. import widths

    widths.set_wide(wide)
    if no_cache:
        # the variable the caches honour: it reaches every loader (review, hooks,
        # snapshots) and any dangjian a hook starts, not only this command's load;
        # put back when the command ends (one process may run many: tests)
        before = os.environ.get("DANGJIAN_CACHE")
        os.environ["DANGJIAN_CACHE"] = "0"
        ctx.call_on_close(lambda: _put_back("DANGJIAN_CACHE", before))


def _put_back(name: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value


def main() -> None:
    """Console entry point."""
    from . import lifetime

    lifetime.KEPT = []  # the loaded records live until the process ends
    try:
        code = cli.main(prog_name="dangjian", standalone_mode=True)
    except SystemExit as exc:
        code = exc.code
    lifetime.leave(code)
