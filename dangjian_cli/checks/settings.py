"""Repository settings (dangjian.toml) beyond what the schema checks.

The schema already reports a `language` other than en/zh (E-ENUM) and a
`tracking_since` that is not a date (E-TYPE) at their lines; repeating them here
would report one mistake twice. This family checks the `[numbering]` patterns.
`[rules.*]` belongs to the obligations engine, which validates its own overrides.
"""

from __future__ import annotations

import string
from collections.abc import Iterator, Mapping
from typing import Any

from ..i18n import Message, say
from ..problems import Key, Problem, error
from ..records import layout
from . import Context, check


def _patterns(table: Mapping[str, Any], key: Key) -> Iterator[tuple[Key, Any]]:
    """Every leaf of `[numbering]`: flat (`criticism = ...`) or by issuer
    (`[numbering.qingshan] criticism = ...`)."""
    for name, value in table.items():
        if isinstance(value, Mapping):
            yield from _patterns(value, (*key, name))
        else:
            yield (*key, name), value


def pattern_problem(value: Any) -> Message | None:
    """Why ``value`` cannot number documents, or None when it can."""
    if not isinstance(value, str):
        return say("must be a string")
    try:
        fields = {f for _, f, _, _ in string.Formatter().parse(value) if f is not None}
    except ValueError as exc:
        return say("is not a valid pattern ({why})", why=str(exc))
    if "n" not in fields:
        return say("must contain {{n}}, where the document's number goes")
    return None


@check("E-SETTINGS", reads=("settings",))
def numbering_patterns(ctx: Context) -> Iterator[Problem]:
    """Each `[numbering]` pattern is a string holding `{n}` (e.g. "青组通〔{year}〕{n}号")."""
    numbering = ctx.records.settings.numbering
    for key, value in _patterns(numbering, ("numbering",)):
        why = pattern_problem(value)
        if why:
            name = ".".join(str(k) for k in key)
            yield error(
                "E-SETTINGS",
                layout.SETTINGS_FILE,
                say("`{name}` {why}, got {value!r}", name=name, why=why, value=value),
                key,
            )
