"""The `dangjian` command: global options, lazy sub-commands, and the error edge.

Sub-commands are imported only when run (or when help lists them), so start-up
stays fast; heavy libraries (docx, git, jinja2) are imported inside commands.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from .. import __version__
from ..errors import DangjianError, Refused

#: command name -> "module:function" under dangjian_cli.cli, in help order
COMMANDS: dict[str, str] = {
    "validate": "validate:validate",
    "init": "records:init",
    "new": "records:new",
    "set": "records:set_field",
    "overdue": "obligations:overdue",
    "due": "obligations:due",
    "rank": "obligations:rank",
    "sample": "obligations:sample",
    "status": "obligations:status",
    "render": "render:render",
    "templates": "render:templates",
    "review": "git:review",
    "log": "git:log",
    "hooks": "git:hooks",
}


class LazyGroup(click.Group):
    """A group whose commands live in their own modules, imported on demand."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name in COMMANDS if self._load(name) is not None]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self._load(cmd_name)

    def _load(self, name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return None
        module_name, attr = target.split(":")
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
            click.echo(f"dangjian: error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except BrokenPipeError:
            # the reader (``| head``) went away: stop quietly, as Unix tools do
            import os

            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(0)
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"dangjian: error: {where}{exc.strerror or exc}", err=True)
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
@click.version_option(__version__, "--version", prog_name="dangjian")
@click.pass_context
def cli(ctx: click.Context, repo: str | None) -> None:
    """Records, obligations and documents of grass-roots party organisations.

    Records are TOML files in a git repository; see README.md for the layout.
    """
    ctx.obj = {"repo": repo}


def main() -> None:
    """Console entry point."""
    sys.exit(cli.main(prog_name="dangjian", standalone_mode=True))
