"""The half-year / annual work report (§2): an org (and its subtree) over a period.

Obligations met and missed per org come from the obligations engine, counting
only the obligations whose period lies inside the report's period; meetings,
members, dues and fund money are read from the records directly. Money is
summed as Decimal, so totals match the ledgers to the cent.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..records.model import (
    FUND_CATEGORIES,
    FUND_SOURCES,
    LEFT_STATUSES,
    MEETING_KINDS,
    MEMBER_STATUSES,
)
from ..records.names import need_org
from ..records.roll import roll
from .chart import Chart, short_names
from .common import Document, imprint, org_view, render_docx
from .words import basis, finding_sentence, period_label, period_words, word


@dataclass(frozen=True, slots=True)
class Span:
    label: str  # 2026-h1 / 2026
    start: date
    end: date


def parse_span(text: str) -> Span:
    from ..rules.periods import parse_period

    label = text.strip().lower()
    try:
        period = parse_period(label)
    except ValueError:
        period = None
    if period is None or period.kind not in ("half", "year"):
        raise InputError(f"--period: {text!r} is not a half-year or year (2026-h1, 2026-h2, 2026)")
    return Span(label, period.start, period.end)


def _inside(label: str, span: Span) -> bool:
    from ..rules.periods import parse_period

    try:
        period = parse_period(label)
    except ValueError:
        return False
    return span.start <= period.start and period.end <= span.end


def _accountability(
    records: Any, obligations: list[Any], orgs: list[str], rules: dict[str, Any], lang: str
) -> dict[str, Any]:
    """What the report says about accountability (§3, §12): reports, letters and
    debriefings filed late (with the days late), the weak and lax organisations
    of the report's orgs, and how many there were each year."""
    from ..rules.engine import MET_LATE
    from ..rules.wording import period_words

    late = []
    for ob in obligations:
        if ob.status == MET_LATE:
            rule = rules.get(ob.rule)
            late.append(
                {
                    "org": org_view(records, ob.org)["name"],
                    "title": rule.text("title", lang) if rule else ob.rule,
                    "period": period_words(ob.period, lang),
                    "days_late": ob.days_late,
                }
            )
    keep = set(orgs)
    weak_records = sorted((w for w in records.weak if w.org in keep), key=lambda w: w.path)
    state = {
        True: "已完成整顿" if lang == "zh" else "rectified",
        False: "整顿中" if lang == "zh" else "under rectification",
    }
    weak = [
        {
            "org": org_view(records, w.org)["name"],
            "year": w.year,
            "deadline": w.deadline,
            "rectified_on": w.rectified_on,
            "state": state[w.rectified_on is not None],
        }
        for w in weak_records
    ]
    years = Counter(w.year for w in weak_records)
    weak_years = [{"year": y, "count": years[y]} for y in sorted(years)]
    return {"late": late, "weak": weak, "weak_years": weak_years}


def _settled_words(ob: Any, lang: str) -> str:
    """What the report adds to a finding settled by a rectified notice."""
    if ob.status != "settled" or not ob.notice:
        return ""
    return f"（已按{ob.notice}整改）" if lang == "zh" else f" (rectified under {ob.notice})"


def report_context(
    records: Any,
    org_id: str,
    span: Span,
    subtree: bool,
    as_of: date,
    lang: str,
    obligations: list[Any] | None = None,
) -> tuple[dict[str, Any], Chart]:
    """The template values of a report, and its chart. ``obligations``: every
    obligation of the repository on ``as_of`` from the span's start (the window
    rule of `overdue` applied), when a snapshot keeps them; else evaluated here."""
    from ..rules.catalog import load_rules
    from ..rules.engine import MET, MET_LATE, OVERDUE, SETTLED, evaluate, tracked_from
    from ..rules.settle import settle

    need_org(records, org_id)
    orgs = records.subtree(org_id) if subtree else [org_id]
    rules = load_rules(records.settings)
    meeting_rules = {rid for rid, rule in rules.items() if rule.type == "meetings"}
    if obligations is None:
        # the window rule of `overdue`: nothing before tracking_since is owed
        obligations_on_day = evaluate(
            records, as_of, tracked_from(records.settings, span.start), rules, orgs
        )
    else:
        keep = set(orgs)
        obligations_on_day = [ob for ob in obligations if ob.org in keep]
    obligations = [
        ob for ob in settle(obligations_on_day, records.notices, as_of) if _inside(ob.period, span)
    ]
    per_org: dict[str, Counter[str]] = {o: Counter() for o in orgs}
    held: Counter[str] = Counter()
    owed: Counter[str] = Counter()
    missed_rows = []
    for ob in obligations:
        # filed late is met (and marked); settled by a rectified notice is still missed
        status = (
            "met"
            if ob.status in (MET, MET_LATE)
            else "missed"
            if ob.status in (OVERDUE, SETTLED)
            else "open"
        )
        per_org[ob.org][status] += 1
        if ob.rule in meeting_rules:
            held[ob.org] += min(ob.found, ob.required)
            owed[ob.org] += ob.required
        if status == "missed":
            rule = rules.get(ob.rule)
            missed_rows.append(
                {
                    "org": org_view(records, ob.org)["name"],
                    "title": rule.text("title", lang) if rule else ob.rule,
                    "text": finding_sentence(ob, rule, lang) + _settled_words(ob, lang),
                    "settled": ob.notice if ob.status == SETTLED else None,
                    "basis": basis(ob.clause, lang),
                    "subject": ob.subject_name if ob.subject != ob.org else "",
                    "period": period_words(ob.period, lang),
                    "required": ob.required,
                    "found": ob.found,
                    "clause": ob.clause,
                }
            )
    obligation_rows = []
    for i, o in enumerate(orgs, start=1):
        c = per_org[o]
        judged = c["met"] + c["missed"]
        share = f"{100 * c['met'] / judged:.0f}%" if judged else "—"
        obligation_rows.append(
            {
                "no": i,
                "org": org_view(records, o)["name"],
                "met": c["met"],
                "missed": c["missed"],
                "open": c["open"],
                "share": share,
                "held": held[o],
                "owed": owed[o],
            }
        )
    chart = _chart(records, org_id, orgs, held, owed, lang)

    keep = set(orgs)
    meetings = Counter(
        mt.kind
        for mt in records.meetings
        if mt.org in keep and mt.date and span.start <= mt.date <= span.end
    )
    meeting_rows = [
        {"kind": word("meeting", k, lang), "count": meetings[k]}
        for k in MEETING_KINDS
        if meetings[k]
    ]
    statuses, leavers = roll(records, keep, span.start, span.end)
    member_rows = [
        {"status": word("status", s, lang), "count": statuses[s]}
        for s in MEMBER_STATUSES
        if statuses[s]
    ]
    leaver_rows = [
        {"status": word("status", s, lang), "count": leavers[s]}
        for s in LEFT_STATUSES
        if leavers[s]
    ]
    dues = _dues(records, orgs, span, as_of)
    money: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    for ledger in records.funds:
        if ledger.org not in keep:
            continue
        for e in ledger.entry:
            if e.date and span.start <= e.date <= span.end and e.amount is not None:
                category = e.category if e.direction == "expense" else ""
                money[(e.source or "other", category or "", e.direction or "")] += e.amount
    fund_rows = []
    for source in FUND_SOURCES:
        for category in ("", *FUND_CATEGORIES):
            income = money.get((source, category, "income"), Decimal(0))
            expense = money.get((source, category, "expense"), Decimal(0))
            if income or expense:
                fund_rows.append(
                    {
                        "source": word("source", source, lang),
                        "category": word("category", category, lang) if category else "",
                        "income": income,
                        "expense": expense,
                    }
                )
    context = {
        "org": org_view(records, org_id),
        "parent": org_view(records, records.orgs[org_id].parent),
        "period": span.label,
        "period_label": period_label(span.label, lang),
        "start": span.start,
        "end": span.end,
        "as_of": as_of,
        "subtree": subtree,
        "obligations": obligation_rows,
        "missed": missed_rows,
        **_accountability(records, obligations, orgs, rules, lang),
        "totals": {
            "met": sum(r["met"] for r in obligation_rows),
            "missed": sum(r["missed"] for r in obligation_rows),
            "open": sum(r["open"] for r in obligation_rows),
        },
        "meetings": meeting_rows,
        "meetings_total": sum(meetings.values()),
        "members": member_rows,
        "members_total": sum(statuses.values()),
        "leavers": leaver_rows,
        "leavers_total": sum(leavers.values()),
        **dues,
        **_pipeline(records, orgs, span, as_of, obligations_on_day, rules, lang),
        **_participation(records, orgs, span, as_of),
        "funds": fund_rows,
        "income_total": sum((r["income"] for r in fund_rows), Decimal(0)),
        "expense_total": sum((r["expense"] for r in fund_rows), Decimal(0)),
        "imprint": imprint(records, org_view(records, org_id)["name"], as_of),
    }
    return context, chart


def _chart(
    records: Any,
    org_id: str,
    orgs: list[str],
    held: Counter[str],
    owed: Counter[str],
    lang: str,
) -> Chart:
    """The chart's rows: the report's org itself, then each org directly under it with
    the meetings of its whole subtree summed, so a county's report charts its
    townships and a township's its branches. One row per org of a county's subtree
    would be 1,200 bars (tens of pages nobody reads, and most of the rendering time);
    the tables keep the figures of every org."""
    keep = set(orgs)
    heads = [org_id, *(o for o in orgs if o != org_id and records.orgs[o].parent == org_id)]
    groups = [[org_id]] + [[o for o in records.subtree(head) if o in keep] for head in heads[1:]]
    names = short_names([org_view(records, o)["name"] for o in heads], "")
    if len(heads) > 1:
        names[0] += "（本级）" if lang == "zh" else " (itself)"
    for i, group in enumerate(groups[1:], start=1):
        if len(group) > 1:
            below = len(group) - 1
            names[i] += f"（含下属{below}个）" if lang == "zh" else f" (and {below} below)"
    legend = ("已开次数", "应开次数") if lang == "zh" else ("held", "owed")
    rows = [
        (names[i], sum(held[o] for o in group), sum(owed[o] for o in group))
        for i, group in enumerate(groups)
    ]
    return Chart(rows, legend)


def _dues(records: Any, orgs: list[str], span: Span, as_of: date) -> dict[str, Any]:
    """The dues part (issue 15): per org, the standard owed for the span's months ended
    by ``as_of`` against what was paid on time, paid late and left unpaid; members
    without a ``[[dues_base]]`` row are counted, their standard not guessed."""
    from ..tables.dues import ZERO, collected

    rows, unknown = collected(records, set(orgs), span.start, span.end, as_of)
    order = {org: i for i, org in enumerate(orgs)}  # the report's order of orgs
    rows.sort(key=lambda r: order[r["org"]])
    view = [
        {
            "org": org_view(records, r["org"])["name"],
            "payers": r["payers"],
            "standard": r["standard"],
            "paid": r["paid"],
            "paid_late": r["paid_late"],
            "amount": r["paid"] + r["paid_late"],
            "unpaid": r["unpaid"],
        }
        for r in rows
    ]

    def total(key: str) -> Decimal:
        return sum((r[key] for r in view), ZERO)

    return {
        "dues": view,
        "dues_total": total("amount"),
        "dues_standard_total": total("standard"),
        "dues_paid_total": total("paid"),
        "dues_late_total": total("paid_late"),
        "dues_unpaid_total": total("unpaid"),
        "dues_members": unknown.total,
        "dues_without_base": unknown.count,
    }


#: the rule types whose obligations are a member's own deadlines (the pipeline's steps)
STEP_TYPES = frozenset({"step", "training", "probation", "receipt", "mobile"})


def _pipeline(
    records: Any,
    orgs: list[str],
    span: Span,
    as_of: date,
    obligations: list[Any],
    rules: dict[str, Any],
    lang: str,
) -> dict[str, Any]:
    """The development pipeline on the span's last day (``as_of`` when earlier), as the
    roll is counted: members at each stage, each with the next deadline the rules judged
    that day (a report of several orgs lists only those whose next deadline is overdue
    or due). ``obligations`` are those evaluated at ``as_of``; another day is judged
    again, with the member rules only."""
    from ..rules.engine import DUE, OVERDUE, evaluate, tracked_from
    from ..tables.pipeline import pipeline

    day = min(as_of, span.end)
    if day != as_of:
        steps = {rid: rule for rid, rule in rules.items() if rule.type in STEP_TYPES}
        start = tracked_from(records.settings, span.start)
        obligations = evaluate(records, day, start, steps, orgs)
    order = {org: i for i, org in enumerate(orgs)}  # the report's order of orgs
    stage_rows, member_rows = [], []
    for stage in pipeline(records, set(orgs), day, obligations):
        people = sorted(stage["members"], key=lambda p: (order[p["org"]], p["member"]))
        stage_rows.append(
            {
                "stage": word("status", stage["stage"], lang),
                "count": stage["count"],
                "overdue": sum(1 for p in people if p["next_status"] == OVERDUE),
                "due": sum(1 for p in people if p["next_status"] == DUE),
            }
        )
        for person in people:
            if len(orgs) > 1 and person["next_status"] not in (OVERDUE, DUE):
                continue  # several orgs: the people a deadline presses (a county has thousands)
            rule = rules.get(person["next_rule"] or "")
            member_rows.append(
                {
                    "no": len(member_rows) + 1,
                    "org": org_view(records, person["org"])["name"],
                    "name": person["name"] or person["member"],
                    "stage": word("status", stage["stage"], lang),
                    # no deadline open: a dash, not an empty cell that reads as missing
                    "next": (rule.text("title", lang) if rule else person["next_rule"]) or "—",
                    "deadline": person["next_deadline"],
                    "state": word("finding", person["next_status"], lang),
                }
            )
    return {
        "pipeline_day": day,
        "pipeline": stage_rows,
        "pipeline_total": sum(r["count"] for r in stage_rows),
        "pipeline_members": member_rows,
        # one org lists everyone at a stage; several only those overdue or due now
        "pipeline_all": len(orgs) == 1,
    }


def _participation(records: Any, orgs: list[str], span: Span, as_of: date) -> dict[str, Any]:
    """How members took part in the period, per org and in total (issue 16): attendance,
    online meetings and appraisal grades in the period; star ratings of the latest
    year rated; the year's study hours and secretaries' training to the period's end
    (or the report's day, if earlier)."""
    from ..tables.participation import participation

    found = participation(records, orgs, span.start.year, min(span.end, as_of), span.start)

    def row(f: dict[str, Any], no: Any) -> dict[str, Any]:
        a, stars, study, sec = f["attendance"], f["stars"], f["study"], f["secretaries"]
        return {
            "no": no,
            "org": org_view(records, f["org"])["name"] if f["org"] else "",
            "attendance": "—" if a["rate"] is None else f"{a['rate'] * 100:.1f}%",
            "attended": a["attended"],
            "owed": a["owed"],
            "online": f["online"],
            **f["grades"],
            "rated": stars["rated"],
            "stars": "—" if stars["average"] is None else f"{stars['average']:.2f}",
            "study_members": study["members"],
            "study_met": study["met"],
            "study_average": "—" if study["average"] is None else f"{study['average']:.1f}",
            "secretaries": sec["branches"],
            "trained": sec["trained"],
        }

    rows = [row(f, i) for i, f in enumerate(found["orgs"], start=1)]
    return {
        "participation": rows,
        "participation_total": row(found["total"], ""),
        "stars_year": found["stars_year"],
        "study_standard": found["standard"],
        "study_day": min(span.end, as_of),
    }


def report_document(
    org_id: str,
    span: Span,
    subtree: bool,
    lang: str,
    repo_root: Path | None,
    context: dict[str, Any],
    chart: Chart,
) -> Document:
    """The report of :func:`report_context`'s values and chart."""
    data = render_docx(repo_root, lang, "report", context, images={"chart": chart})
    suffix = "-subtree" if subtree else ""
    return Document(f"report-{org_id}-{span.label}{suffix}.docx", data)
