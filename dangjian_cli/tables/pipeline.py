"""The development pipeline of an org on a day: members at each stage with their next
deadline (the earliest unmet one of the member rules), for `status` and the work report.

The deadlines are the engine's obligations, passed in: a stage shows what the
rules already judged (due, overdue, or upcoming), never a second reckoning.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ..records.repository import Records
from ..rules import engine
from .listing import status_on

#: the stages shown, in pipeline order
STAGES = ("applicant", "activist", "candidate", "probationary")
_OPEN = (engine.OVERDUE, engine.DUE, engine.UPCOMING)
#: rules whose deadlines are not a step of the pipeline: a run of unpaid dues is shown
#: with the dues, and would otherwise stand in front of a candidate's next step
NOT_STEPS = frozenset({"dues"})


def next_deadlines(obligations: list[engine.Obligation]) -> dict[str, engine.Obligation]:
    """Member id -> the unmet obligation with the earliest deadline."""
    out: dict[str, engine.Obligation] = {}
    for ob in obligations:
        if ob.status not in _OPEN or ob.deadline is None or ob.rule in NOT_STEPS:
            continue
        best = out.get(ob.subject)
        if best is None or ob.deadline < best.deadline:  # type: ignore[operator]
            out[ob.subject] = ob
    return out


def pipeline(
    records: Records, orgs: set[str], day: date, obligations: list[engine.Obligation]
) -> list[dict[str, Any]]:
    """Per stage: how many members of ``orgs`` are at it on ``day``, and each with the rule,
    deadline and status of their next unmet member deadline (None: nothing open)."""
    nexts = next_deadlines(obligations)
    stages: dict[str, list[dict[str, Any]]] = {s: [] for s in STAGES}
    for mid in sorted(records.members):
        mb = records.members[mid]
        org = mb.org_on(day) if mb.transfers else mb.org
        if org not in orgs:
            continue
        stage = status_on(mb, day)
        if stage not in stages:
            continue
        ob = nexts.get(mid)
        stages[stage].append(
            {
                "member": mid,
                "name": mb.name,
                "org": org,
                "next_rule": ob.rule if ob else None,
                "next_deadline": ob.deadline if ob else None,
                "next_status": ob.status if ob else None,
            }
        )
    return [{"stage": s, "count": len(people), "members": people} for s, people in stages.items()]
