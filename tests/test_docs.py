"""Every command has help text and a row in the README's command table."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from dangjian_cli.cli.main import COMMANDS, cli

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _walk(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    ctx = click.Context(group)
    out = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None
        out.append((*prefix, name))
        if isinstance(command, click.Group):
            out.extend(_walk(command, (*prefix, name)))
    return out


ALL = _walk(cli)


def test_every_registered_command_is_built():
    ctx = click.Context(cli)
    for name, (_, short_help) in COMMANDS.items():
        command = cli.get_command(ctx, name)
        assert command is not None, f"{name} is not built"
        first_line = (command.help or "").strip().splitlines()[0]
        assert first_line == short_help, f"update COMMANDS[{name!r}] in cli/main.py"


@pytest.mark.parametrize("path", ALL, ids=" ".join)
def test_command_has_help(path):
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage: " in result.output
    text = result.output.split("Options:")[0]
    assert len(re.sub(r"Usage:.*\n", "", text).strip()) > 20, f"{' '.join(path)} has no help text"


@pytest.mark.parametrize("name", list(COMMANDS))
def test_command_is_in_readme(name):
    assert f"| `dangjian {name}" in README, f"README's command table lacks `dangjian {name}`"


def test_readme_starts_with_the_two_fresh_machine_commands():
    first = README.split("```")[1].strip().splitlines()
    assert first[0] == "sh"
    commands = first[1:]
    assert len(commands) == 2
    assert "dangjian -C sample_repo" in commands[0]
    assert commands[1].endswith("pytest")


def test_every_validation_code_is_in_readme():
    from dangjian_cli.checks import REGISTRY, _load_families

    _load_families()
    codes = {code for chk in REGISTRY for code in chk.codes}
    assert codes, "no checks registered"
    missing = sorted(code for code in codes if f"`{code}`" not in README)
    assert not missing, f"README's validation table lacks {missing}"
