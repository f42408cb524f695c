"""The obligation questions a snapshot keeps answers to, and how each is answered.

Every command that reads obligations asks one of three questions of the whole
repository, and narrows the answer itself (to an org, a rule, a period):

* ``findings``: what is due or overdue on a day, in a window (``overdue``, ``due``,
  ``review``);
* ``all``: every obligation from a day to a day, met ones too (``status``, ``render
  report``);
* ``year``: a year's obligations as the ranking judges them (``rank``, the site).

A snapshot (:mod:`.snapshot`) keeps the answers it was asked for; a change is
applied to them as to problems: the question is answered on both sides of the
change on the records it can affect, and the difference is applied. The engine
leaves out nothing an org's narrowing would keep (``orgs=`` only filters), so an
answer narrowed later equals the narrower question asked of the whole.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ..rules.engine import FINDINGS, Obligation, evaluate

#: (kind, day, day or year, ...) in ISO text: a key that pickles and sorts
Query = tuple[str, ...]

FINDINGS_Q = "findings"
ALL_Q = "all"
YEAR_Q = "year"


def findings(as_of: date, since: date | None = None) -> Query:
    """Due and overdue on ``as_of``, in the window from ``since`` (default: overdue's)."""
    return (FINDINGS_Q, as_of.isoformat(), since.isoformat() if since else "")


def every(as_of: date, since: date) -> Query:
    """Every obligation on ``as_of`` from ``since``, whatever its status."""
    return (ALL_Q, as_of.isoformat(), since.isoformat())


def year(year: int, as_of: date) -> Query:
    """``year``'s obligations judged on ``as_of``, as ``rank`` scores them."""
    return (YEAR_Q, str(year), as_of.isoformat())


def answer(records: Any, query: Query) -> list[Obligation]:
    """The whole repository's answer to ``query`` (every org, every rule on)."""
    kind = query[0]
    if kind == FINDINGS_Q:
        since = date.fromisoformat(query[2]) if query[2] else None
        # the listings want findings only: what is met is never built nor kept
        return evaluate(records, date.fromisoformat(query[1]), since, statuses=FINDINGS)
    if kind == ALL_Q:
        return evaluate(records, date.fromisoformat(query[1]), date.fromisoformat(query[2]))
    if kind == YEAR_Q:
        from ..rules.catalog import load_rules
        from ..rules.ranking import evaluate_year

        rules = load_rules(records.settings)
        return evaluate_year(records, int(query[1]), date.fromisoformat(query[2]), rules)
    raise ValueError(f"unknown question {query!r}")
