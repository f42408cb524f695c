"""The yearly ranking of §12: a fair score per org, the weakest marked for rectification.

Fair, in the ways a plain share of rows was not:

* the year is judged after its last deadline (the second-half report and the
  debriefing fall due on 31 January of the next year), and never before
  ``tracking_since`` — the same window rule as ``overdue``;
* the score weighs rules, not rows: each rule that applies to the org counts
  once, as the share of its obligations met (dues: the share of members paid
  up), weighted by the rule's ``weight`` (``[rules.<id>] weight`` in
  dangjian.toml, 1 by default, 0 leaves a rule out);
* state rules (pairing, collective project) are judged on 31 December of the year
  (or the as-of day when sooner), so a finding of the next year is not lost;
* orgs are ranked within comparable groups (branches; township and street
  committees; others), ties share a rank, an org with nothing scored yet comes
  last without a rank, and ``--bottom`` never marks an org that missed nothing;
* a report, letter or debriefing filed late (``met_late``) counts as met unless
  ``[rules.<id>] late_is_met = false``; the row counts them (``late``);
* findings settled by a rectified notice still count as missed for their year
  (the year's record does not change); the row says how many were rectified.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from ..records import model as m
from .catalog import Rule
from .engine import (
    DUE,
    MET,
    MET_LATE,
    OVERDUE,
    SETTLED,
    Obligation,
    _deadline_of,
    evaluate,
    tracked_from,
)
from .periods import period_of
from .settle import settle

#: rule types judged on one day (the as-of day) rather than per period
STATE_TYPES = ("pairing", "project")
#: `--by kind-group`: which group an org kind is ranked in
GROUPS = {
    "branches": m.BRANCH_KINDS,
    "committees": ("township_committee", "street_committee"),
}
OTHERS = "others"
GROUPINGS = ("kind-group", "all")


def group_of(kind: str | None, by: str) -> str:
    """The comparable group an org kind is ranked in (``all``: one list)."""
    if by == "all":
        return "all"
    for name, kinds in GROUPS.items():
        if kind in kinds:
            return name
    return OTHERS


def last_deadline(rules: dict[str, Rule], year: int) -> date:
    """The day after the last deadline of ``year``'s obligations: when its record is complete.

    Meetings have their grace days after 31 December; reports and debriefings
    their deadline in the next year (31 January by default).
    """
    last = date(year, 12, 31)
    for rule in rules.values():
        if rule.type in ("meetings", "contact-lesson"):
            last = max(last, date(year, 12, 31) + timedelta(days=rule.grace_days))
        elif rule.type in ("report", "letter", "assessment"):
            period = period_of(rule.period or "year", date(year, 12, 31))
            last = max(last, _deadline_of(rule, period))
    return last + timedelta(days=1)


def evaluate_year(
    records: Any,
    year: int,
    as_of: date,
    rules: dict[str, Rule],
    orgs: Iterable[str] | None = None,
) -> list[Obligation]:
    """The obligations of ``year`` (settled ones marked), judged on ``as_of``.

    State rules are judged on ``min(as_of, 31 December)``, dues on ``min(as_of,
    31 January next)`` (so the last month counted is December).
    """
    scope = list(orgs) if orgs is not None else None
    start = tracked_from(records.settings, date(year, 1, 1))
    end = date(year, 12, 31)
    out: list[Obligation] = []
    periodic = {k: r for k, r in rules.items() if r.type not in (*STATE_TYPES, "dues")}
    out.extend(evaluate(records, as_of, start, rules=periodic, orgs=scope))
    state = {k: r for k, r in rules.items() if r.type in STATE_TYPES}
    if state:
        day = min(as_of, end)
        out.extend(evaluate(records, day, min(start, day), rules=state, orgs=scope))
    dues = {k: r for k, r in rules.items() if r.type == "dues"}
    if dues and as_of >= date(year, 2, 1):
        day = min(as_of, date(year + 1, 1, 31))
        out.extend(evaluate(records, day, min(start, day), rules=dues, orgs=scope))
    prefix = str(year)
    mine = [ob for ob in out if ob.period.startswith(prefix)]
    return settle(mine, records.notices, as_of)


@dataclass
class Score:
    """One org's year: obligations per rule by outcome, and the weighted score."""

    org: str
    name: str
    group: str
    met: int = 0
    late: int = 0
    missed: int = 0
    rectified: int = 0
    pending: int = 0
    rules: dict[str, dict[str, Any]] = field(default_factory=dict)
    score: float | None = None


def score_orgs(
    obligations: Iterable[Obligation], records: Any, rules: dict[str, Rule], by: str
) -> list[Score]:
    """Per org, per rule: met / owed; the score is the weighted mean of the rules' shares."""
    scores: dict[str, Score] = {}
    per_rule: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for ob in obligations:
        org = records.orgs.get(ob.org)
        if org is None:
            continue
        sc = scores.get(ob.org)
        if sc is None:
            sc = scores[ob.org] = Score(ob.org, org.name or ob.org, group_of(org.kind, by))
        tally = per_rule[(ob.org, ob.rule)]  # met, owed (scored), pending
        rule = rules.get(ob.rule)
        late_is_met = rule.late_is_met if rule is not None else True
        if ob.status == MET_LATE and not late_is_met:
            sc.late += 1
            sc.missed += 1
            tally[1] += 1
        elif ob.status in (MET, MET_LATE):
            sc.met += 1
            sc.late += ob.status == MET_LATE
            tally[0] += 1
            tally[1] += 1
        elif ob.status in (OVERDUE, SETTLED):
            sc.missed += 1
            sc.rectified += ob.status == SETTLED
            tally[1] += 1
        elif ob.status == DUE:
            sc.pending += 1
            tally[2] += 1
    for (org_id, rule_id), (met, owed, pending) in sorted(per_rule.items()):
        rule = rules.get(rule_id)
        weight = rule.weight if rule is not None else 1
        scores[org_id].rules[rule_id] = {
            "met": met,
            "owed": owed,
            "pending": pending,
            "share": round(met / owed, 4) if owed else None,
            "weight": weight,
        }
    for sc in scores.values():
        weighed = [
            (r["share"], r["weight"]) for r in sc.rules.values() if r["owed"] and r["weight"]
        ]
        total = sum(w for _, w in weighed)
        sc.score = round(sum(s * w for s, w in weighed) / total, 4) if total else None
    return list(scores.values())


def rank(scores: list[Score], bottom: tuple[str, float]) -> list[dict[str, Any]]:
    """Rows ranked within each group, best first; ties share a rank; the bottom marked.

    ``bottom`` is ("share", 0.1) or ("count", 3) per group. An org that missed
    nothing is never marked; when the cut falls inside a tie, the whole tie is
    marked (orgs with the same score cannot be told apart fairly). Orgs with
    nothing scored come last in their group with no rank.
    """
    mode, amount = bottom
    rows: list[dict[str, Any]] = []
    groups: dict[str, list[Score]] = defaultdict(list)
    for sc in scores:
        groups[sc.group].append(sc)
    for group in sorted(groups, key=_group_order):
        members = groups[group]
        scored = sorted(
            (s for s in members if s.score is not None), key=lambda s: (-(s.score or 0), s.org)
        )
        unscored = sorted((s for s in members if s.score is None), key=lambda s: s.org)
        places: list[int] = []
        for i, sc in enumerate(scored):
            same = i and sc.score == scored[i - 1].score
            places.append(places[-1] if same else i + 1)
        n = math.ceil(len(scored) * amount) if mode == "share" else int(amount)
        n = min(n, len(scored))
        marked: set[str] = set()
        if n:
            cut = scored[len(scored) - n].score
            marked = {s.org for s in scored if s.score is not None and s.score <= cut}
        for sc, place in [*zip(scored, places, strict=True), *((s, None) for s in unscored)]:
            rows.append(_row(sc, place, sc.org in marked and sc.missed > 0))
    return rows


def _group_order(group: str) -> tuple[int, str]:
    order = [*GROUPS, OTHERS]
    return (order.index(group) if group in order else len(order), group)


def _row(sc: Score, place: int | None, rectify: bool) -> dict[str, Any]:
    return {
        "rank": place,
        "group": sc.group,
        "org": sc.org,
        "name": sc.name,
        "owed": sc.met + sc.missed,
        "met": sc.met,
        "late": sc.late,
        "missed": sc.missed,
        "rectified": sc.rectified,
        "pending": sc.pending,
        "share": sc.score,
        "rectify": rectify,
        "rules": sc.rules,
    }
