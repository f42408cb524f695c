"""Validation: a registry of small named checks over loaded records.

Each check is a function of a :class:`Context` that yields problems, registered
with the stable codes it may report. Adding a check is adding one function (in
the module of its family) and its test; :func:`validate` runs them all.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..problems import Problem
from ..records.repository import Records

#: modules that register checks, imported once by :func:`validate`
FAMILIES = (
    "references",
    "members",
    "meetings",
    "orgs",
    "leaders",
    "funds",
    "documents",
    "settings",
    "dangjian_cli.rules.settings_check",
    "dangjian_cli.rules.member_checks",
)


@dataclass
class Context:
    records: Records
    today: date
    #: lookups that several checks use, built by the first that needs them
    shared: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Check:
    name: str
    codes: tuple[str, ...]
    run: Callable[[Context], Iterable[Problem]]

    @property
    def doc(self) -> str:
        return (self.run.__doc__ or "").strip().splitlines()[0] if self.run.__doc__ else ""


REGISTRY: list[Check] = []


def check(*codes: str) -> Callable[[Callable[[Context], Iterable[Problem]]], Callable]:
    """Register a check function under the codes it reports."""

    def register(func: Callable[[Context], Iterable[Problem]]) -> Callable:
        REGISTRY.append(Check(func.__name__, codes, func))
        return func

    return register


def _load_families() -> None:
    for family in FAMILIES:
        # a dotted name is a module of another package (rules/ checks its own settings)
        importlib.import_module(family if "." in family else f"{__name__}.{family}")


def validate(records: Records, today: date | None = None, locate: bool = True) -> list[Problem]:
    """Every problem of the repository: load problems, then each check's, sorted.

    ``locate=False`` leaves lines unknown (None) where no check gave one: finding
    them reads the file again, which a caller comparing two sides (``review``)
    need do only for the few problems it shows.
    """
    _load_families()
    ctx = Context(records, today or date.today())
    problems = list(records.problems)
    for chk in REGISTRY:
        problems.extend(chk.run(ctx))
    if locate:
        records.locate(problems)
    problems.sort(key=Problem.sort_key)
    return problems
