"""The figures a site shows, gathered once from the records through the listings' own code.

Nothing here scores or counts in its own way: findings are the engine's (settled
ones left out, as ``overdue`` and ``due`` list them), shares met come from the
§12 ranking's :func:`~dangjian_cli.rules.ranking.score_orgs`, the bottom of the
ranking is :func:`~dangjian_cli.rules.ranking.rank`, members are the roll on the
day (:func:`~dangjian_cli.records.roll.roll_status`, as ``status``) and dues the
dues statement (:func:`~dangjian_cli.tables.dues.statement`). A township's
figures are the sums over its subtree, so a page's number can be checked against
``--org ID --subtree``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from ..dates import add_months, add_years
from ..records import model as m
from ..records.repository import walk_subtree
from ..records.roll import roll_status
from ..rules import engine, ranking
from ..rules.catalog import Rule, committee_term, load_rules
from ..rules.periods import parse_period
from ..rules.settle import settle

#: org kinds drawn as townships on the map
TOWNSHIP_KINDS = ("township_committee", "street_committee")
#: the share of the bottom of each ranking group shown and marked (as ``rank``'s default)
BOTTOM = ("share", 0.1)
ZERO = Decimal("0")
#: the months the meetings chart covers
CHART_MONTHS = 12


@dataclass
class Tally:
    """Obligations met and owed (met + missed), summed over orgs."""

    met: int = 0
    owed: int = 0
    pending: int = 0

    def add(self, other: Tally) -> None:
        self.met += other.met
        self.owed += other.owed
        self.pending += other.pending

    @property
    def share(self) -> float | None:
        return round(self.met / self.owed, 4) if self.owed else None


@dataclass
class Money:
    """Dues of the year so far: the standard, paid in time, paid late, left unpaid."""

    standard: Decimal = ZERO
    paid: Decimal = ZERO
    paid_late: Decimal = ZERO
    unpaid: Decimal = ZERO
    members: set[str] = field(default_factory=set)

    def add(self, other: Money) -> None:
        self.standard += other.standard
        self.paid += other.paid
        self.paid_late += other.paid_late
        self.unpaid += other.unpaid
        self.members |= other.members


@dataclass
class Figures:
    """Everything the pages of one site show, as plain data (not yet masked)."""

    day: date
    name: str
    rules: dict[str, Rule]
    orgs: dict[str, m.Org]
    children: dict[str, list[str]]
    roots: list[str]
    townships: list[str]
    #: org -> the township (or top org) whose page rolls it up
    township_of: dict[str, str]
    findings: list[engine.Obligation]
    members: dict[str, Counter[str]]
    tally: dict[str, Tally]
    score: dict[str, float | None]
    year: int
    rank_year: int
    rank_day: date
    ranking: list[dict[str, Any]]
    chart_months: list[str]
    chart: dict[str, dict[tuple[str, str], dict[str, Any]]]
    meetings: dict[str, Counter[tuple[str, str]]]
    dues_year: int
    dues: dict[str, Money]
    funds: dict[str, dict[str, Decimal]]
    notices: dict[str, list[dict[str, Any]]]
    committee: dict[str, dict[str, Any] | None]
    secretary: dict[str, tuple[str | None, str | None]]
    #: org -> its own findings (filled from ``findings``: a page sums its subtree's)
    by_org: dict[str, list[engine.Obligation]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.by_org:
            for ob in self.findings:
                self.by_org.setdefault(ob.org, []).append(ob)

    def subtree(self, org_id: str) -> list[str]:
        """``org_id`` and every org below it, parents first."""
        return walk_subtree(org_id, lambda oid: self.children.get(oid, ()))


def years(day: date) -> tuple[int, int]:
    """The years whose obligations the figures of ``day`` read: the last and this."""
    return (day.year - 1, day.year)


def gather(
    records: Any,
    day: date,
    only: str | None = None,
    findings: list[engine.Obligation] | None = None,
    years: dict[int, list[engine.Obligation]] | None = None,
) -> Figures:
    """The figures of the repository (or of ``only``'s subtree) on ``day``.

    ``findings`` (the whole repository's due and overdue on ``day``, in overdue's
    window, not settled) and ``years`` (a year's obligations as the ranking judges
    them on ``day``) are answers a git snapshot keeps (``gitops.queries``); what is
    not given is evaluated here, the same way.
    """
    years = years or {}
    rules = load_rules(records.settings)
    children: dict[str, list[str]] = defaultdict(list)
    for org in sorted(records.orgs.values(), key=lambda o: o.id):
        if org.parent and org.parent in records.orgs:
            children[org.parent].append(org.id)
    roots = [only] if only else sorted(o for o in records.orgs if not _has_parent(records, o))
    keep: list[str] = []
    for root in roots:
        keep.extend(records.subtree(root))
    scope = set(keep)
    orgs = {oid: records.orgs[oid] for oid in keep}
    townships = [o for o in keep if orgs[o].kind in TOWNSHIP_KINDS]
    township_of: dict[str, str] = {}
    for oid in keep:
        township_of[oid] = _township(records, oid, scope)
    scoped = None if only is None else keep

    if findings is None:
        found = engine.evaluate(
            records, day, None, rules=rules, orgs=scoped, statuses=engine.FINDINGS
        )
    else:
        found = [ob for ob in findings if ob.org in scope]
    found = [ob for ob in settle(found, records.notices, day) if ob.is_finding]

    members: dict[str, Counter[str]] = defaultdict(Counter)
    for mb in records.members.values():
        org_id = mb.org_on(day) if mb.transfers else mb.org
        if org_id not in scope:
            continue
        on_roll = roll_status(mb, day)
        if on_roll is not None:
            members[org_id][on_roll] += 1

    year = day.year

    def year_of(y: int) -> list[engine.Obligation]:
        if y in years:
            return [ob for ob in years[y] if ob.org in scope]
        return ranking.evaluate_year(records, y, day, rules, scoped)

    this_year = year_of(year)
    scores = ranking.score_orgs(this_year, records, rules, "kind-group")
    tally = {sc.org: Tally(sc.met, sc.met + sc.missed, sc.pending) for sc in scores}
    score = {sc.org: sc.score for sc in scores}

    tracking = records.settings.tracking_since if records.settings else None
    rank_year = year - 1 if tracking is None or tracking.year <= year - 1 else year
    # judged on the site's day, as `rank --year Y --as-of DAY` (late filings count)
    rank_day = day
    ranked = (
        scores
        if rank_year == year
        else ranking.score_orgs(
            year_of(rank_year),
            records,
            rules,
            "kind-group",
        )
    )
    rows = ranking.rank(ranked, BOTTOM)

    # the chart's 12 months lie in this year and the last: their years' obligations
    # hold every period the chart shows, when they are at hand
    both = [*years[year - 1], *years[year]] if {year - 1, year} <= set(years) else None
    chart_months, chart, meetings = _meetings(records, day, rules, scoped, scope, both)
    dues_year = year if day.month > 1 or day.day > 1 else year - 1
    dues = _dues(records, scope, dues_year, day)
    funds = _funds(records, scope, dues_year)
    notices = _notices(records, scope, day)
    committee = {oid: _committee(orgs[oid], rules) for oid in keep}
    secretary = {
        oid: (
            orgs[oid].secretary,
            records.members[orgs[oid].secretary].name
            if orgs[oid].secretary in records.members
            else None,
        )
        for oid in keep
    }
    name = (records.settings.name if records.settings and records.settings.name else None) or (
        orgs[roots[0]].name if roots else ""
    )
    return Figures(
        day=day,
        name=name or "",
        rules=rules,
        orgs=orgs,
        children=dict(children),
        roots=roots,
        townships=townships,
        township_of=township_of,
        findings=found,
        members=dict(members),
        tally=tally,
        score=score,
        year=year,
        rank_year=rank_year,
        rank_day=rank_day,
        ranking=rows,
        chart_months=chart_months,
        chart=chart,
        meetings=meetings,
        dues_year=dues_year,
        dues=dues,
        funds=funds,
        notices=notices,
        committee=committee,
        secretary=secretary,
    )


def _has_parent(records: Any, org_id: str) -> bool:
    parent = records.orgs[org_id].parent
    return bool(parent) and parent in records.orgs


def _township(records: Any, org_id: str, scope: set[str]) -> str:
    """The nearest township at or above ``org_id``; else the top org of the scope."""
    seen: set[str] = set()
    oid = org_id
    top = org_id
    while oid in records.orgs and oid not in seen:
        seen.add(oid)
        if records.orgs[oid].kind in TOWNSHIP_KINDS:
            return oid
        if oid in scope:
            top = oid
        parent = records.orgs[oid].parent
        if not parent:
            break
        oid = parent
    return top


def _meetings(
    records: Any,
    day: date,
    rules: dict[str, Rule],
    scoped: list[str] | None,
    scope: set[str],
    judged: list[engine.Obligation] | None = None,
) -> tuple[list[str], dict[str, dict[tuple[str, str], dict[str, Any]]], dict]:
    """Meetings held per org, rule and month for the last 12 months, and what was owed.

    ``chart[org][(rule, month)]`` has ``owed`` (what periods ending that month
    required), ``met`` (how many of them were met) and ``status`` (the worst).
    """
    first = add_months(date(day.year, day.month, 1), -(CHART_MONTHS - 1))
    months = [add_months(first, i).strftime("%Y-%m") for i in range(CHART_MONTHS)]
    wanted = {rid: r for rid, r in rules.items() if r.type == "meetings"}
    if judged is None:
        obligations = settle(
            engine.evaluate(records, day, first, rules=wanted, orgs=scoped), records.notices, day
        )
    else:  # already settled (a ranking year's obligations)
        obligations = [ob for ob in judged if ob.rule in wanted and ob.org in scope]
    chart: dict[str, dict[tuple[str, str], dict[str, Any]]] = defaultdict(dict)
    order = {engine.OVERDUE: 4, engine.DUE: 3, engine.UPCOMING: 2, engine.MET_LATE: 1}
    for ob in obligations:
        try:
            period = parse_period(ob.period)
        except (ValueError, TypeError):
            continue
        month = period.end.strftime("%Y-%m")
        if month not in months:
            month = months[-1] if period.end > day else None
        if month is None:
            continue
        cell = chart[ob.org].setdefault(
            (ob.rule, month), {"owed": 0, "met": 0, "status": engine.MET}
        )
        cell["owed"] += ob.required
        cell["met"] += min(ob.found, ob.required)
        if order.get(ob.status, 0) > order.get(cell["status"], 0):
            cell["status"] = ob.status
    kinds = {r.counts: rid for rid, r in wanted.items() if r.counts}
    held: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
    start, end = months[0], months[-1]
    for mt in records.meetings:
        if mt.org not in scope or mt.date is None or mt.date > day or mt.kind not in kinds:
            continue
        month = mt.date.strftime("%Y-%m")
        if start <= month <= end:
            held[mt.org][(kinds[mt.kind], month)] += 1
    return months, dict(chart), dict(held)


def _dues(records: Any, scope: set[str], year: int, day: date) -> dict[str, Money]:
    """The dues statement's rows of ``year`` summed per org (as ``dues statement``)."""
    from ..tables.dues import statement

    listing, _unknown = statement(records, scope, year, day)
    out: dict[str, Money] = defaultdict(Money)
    for row in listing.rows:
        org = row.get("org")
        if not org:
            continue  # a total row
        money = out[org]
        money.standard += row["standard"] or ZERO
        money.paid += row["paid"] or ZERO
        money.paid_late += row["paid_late"] or ZERO
        money.unpaid += row["unpaid"] or ZERO
        money.members.add(row["member"])
    return dict(out)


def _funds(records: Any, scope: set[str], year: int) -> dict[str, dict[str, Decimal]]:
    """Income and expense of each org's ledger for ``year``."""
    out: dict[str, dict[str, Decimal]] = {}
    for ledger in records.funds:
        if ledger.org not in scope or ledger.year != year:
            continue
        sums = out.setdefault(ledger.org, {"income": ZERO, "expense": ZERO})
        for entry in ledger.entry:
            if entry.direction in sums and entry.amount is not None:
                sums[entry.direction] += entry.amount
    return out


def _notices(records: Any, scope: set[str], day: date) -> dict[str, list[dict[str, Any]]]:
    """Notices per target org issued by ``day``, with their state on the day."""
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for nt in sorted(records.notices, key=lambda n: n.path):
        if nt.target not in scope or (nt.issued_on is not None and nt.issued_on > day):
            continue
        if nt.rectified_on is not None and nt.rectified_on <= day:
            state = "rectified"
        elif nt.deadline is None:
            state = "none"
        elif nt.deadline < day:
            state = "late"
        else:
            state = "open"
        out[nt.target].append(
            {
                "number": nt.number or f"{nt.year}/{nt.id}",
                "kind": nt.kind,
                "issued_on": nt.issued_on,
                "deadline": nt.deadline,
                "rectified_on": nt.rectified_on,
                "state": state,
                "items": len(nt.items),
            }
        )
    return dict(out)


def _committee(org: m.Org, rules: dict[str, Rule]) -> dict[str, Any] | None:
    """The committee's election and term (the same rule as ``status``)."""
    if org.committee is None:
        return None
    term = committee_term(org, rules)
    elected = org.committee.elected
    return {
        "elected": elected,
        "term_years": term,
        "term_ends": add_years(elected, term) if elected else None,
        "members": len(org.committee.members),
    }


# ---- sums over a subtree ------------------------------------------------------------


def tally_of(fig: Figures, orgs: list[str]) -> Tally:
    total = Tally()
    for oid in orgs:
        if oid in fig.tally:
            total.add(fig.tally[oid])
    return total


def members_of(fig: Figures, orgs: list[str]) -> Counter[str]:
    total: Counter[str] = Counter()
    for oid in orgs:
        total.update(fig.members.get(oid, {}))
    return total


def dues_of(fig: Figures, orgs: list[str]) -> Money:
    total = Money()
    for oid in orgs:
        if oid in fig.dues:
            total.add(fig.dues[oid])
    return total


def findings_of(fig: Figures, orgs: list[str]) -> list[engine.Obligation]:
    """The findings of ``orgs``, in the order the engine listed them."""
    if len(orgs) == 1:
        return list(fig.by_org.get(orgs[0], ()))
    keep = set(orgs)
    return [ob for ob in fig.findings if ob.org in keep]


def notices_of(fig: Figures, orgs: list[str]) -> list[dict[str, Any]]:
    out = []
    for oid in orgs:
        for row in fig.notices.get(oid, []):
            out.append({**row, "org": oid})
    return out
