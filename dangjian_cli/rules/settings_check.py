"""Validation of the ``[rules.<id>]`` overrides in dangjian.toml (a check family).

Registered in :data:`dangjian_cli.checks.FAMILIES` so that `dangjian validate`
reports an unknown rule id or a bad value like any other record problem.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..checks import Context, check
from ..problems import Problem
from .catalog import settings_problems


@check("E-RULE-UNKNOWN", "E-RULE-KEY", "E-RULE-VALUE", reads=("settings",))
def rule_overrides(ctx: Context) -> Iterator[Problem]:
    """Rule overrides name known rules and keys, with values of the right kind."""
    yield from settings_problems(ctx.records.settings)
