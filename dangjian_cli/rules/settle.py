"""Findings a rectified notice settles (§3: notify, rectify by a date, record it).

A criticism, admonition or rectification notice lists its findings as
``[[items]]`` (subject, rule, period). Once the notice's ``rectified_on`` is set
(on or before the day evaluated), each finding it lists is *settled*: a missed
month can never be held afterwards, so without this it would stay overdue for
ever and be listed again by every new notice. Settled findings are left out of
``overdue`` / ``due`` and new notices, but still count as missed for their year
in ``rank`` — the year's record does not change.

Settling is applied after the engine (not inside it): snapshots cache the
engine's findings per window, and notices are always at hand (they are loaded
with the orgs), so a notice rectified later never invalidates a snapshot.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from typing import Any

from .engine import FINDINGS, SETTLED, Obligation

#: notice kinds whose items are findings to rectify (praise lists none)
SETTLING_KINDS = ("criticism", "admonition", "rectification")

#: (subject, rule, period, notice): the notice for a `rectification` finding, else None
Key = tuple[str, str, str, str | None]


def settled_by(notices: Iterable[Any], as_of: date) -> dict[Key, str]:
    """(subject, rule, period, notice) of every finding settled on ``as_of``, to the number
    of the first notice (by issue date, then path) that settled it."""
    out: dict[Key, str] = {}
    done = [
        n
        for n in notices
        if n.kind in SETTLING_KINDS and n.rectified_on is not None and n.rectified_on <= as_of
    ]
    done.sort(key=lambda n: (n.issued_on or date.min, n.path))
    for notice in done:
        for item in notice.items:
            if item.subject and item.rule and item.period:
                key = (item.subject, item.rule, item.period, item.notice)
                out.setdefault(key, notice.number or notice.path)
    return out


def settle(obligations: list[Obligation], notices: Iterable[Any], as_of: date) -> list[Obligation]:
    """``obligations`` with every finding a rectified notice covers marked ``settled``
    (with the notice's number). New objects for those: the engine's may be cached."""
    covered = settled_by(notices, as_of)
    if not covered:
        return obligations
    out: list[Obligation] = []
    for ob in obligations:
        if ob.status in FINDINGS:
            number = covered.get((ob.subject, ob.rule, ob.period, ob.notice))
            if number is not None:
                ob = replace(ob, status=SETTLED, notice=number)
        out.append(ob)
    return out


def unsettled(
    obligations: list[Obligation], notices: Iterable[Any], as_of: date
) -> list[Obligation]:
    """``obligations`` without the settled findings (what a listing or a notice shows)."""
    return [ob for ob in settle(obligations, notices, as_of) if ob.status != SETTLED]
