"""The site's pages: figures in, (relative path, bytes) out.

Pages are jinja2 templates rendered in a sandboxed environment with autoescape
on, so a record value such as ``<script>`` or ``javascript:`` is text on the page,
never markup or a link; every value printed also passes through the privacy
mask (ID and phone numbers in free text). File names come from ids (org ids
follow the record id pattern; anything else is replaced by its position), and
every link is relative, so the site opens from a USB stick with no network.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..i18n import _, date_name, kind_name, language, period_name, pick, status_name
from ..records import model as m
from ..rules import engine
from .figures import (
    Figures,
    Tally,
    dues_of,
    findings_of,
    members_of,
    notices_of,
    tally_of,
)

TEMPLATES = Path(__file__).parent / "templates"
SAFE_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
#: member statuses in pipeline order (the roll on a day has no leavers)
ROLL_ORDER = ("applicant", "activist", "candidate", "probationary", "full")
#: the bottom rows of each ranking group shown on the home page
HOME_BOTTOM = 8


def labels() -> dict[str, str]:
    """Every fixed text of the pages, in the language in use."""
    return {
        "home": _("Overview"),
        "findings": _("Findings"),
        "trends": _("Trends"),
        "as_of": _("as of {day}"),
        "orgs": _("Organisations"),
        "members": _("Members"),
        "overdue": _("Overdue"),
        "due": _("Due"),
        "kpi_overdue": _("overdue findings"),
        "kpi_overdue_sub": _("deadline passed, not done"),
        "kpi_due": _("due findings"),
        "kpi_due_sub": _("still open, deadline ahead"),
        "lead": _(
            "On {day}: {overdue} obligations overdue and {due} due; {share} of this "
            "year's obligations met so far."
        ),
        "behind": _("Furthest behind:"),
        "behind_item": _(" ({share} met, {overdue} overdue)"),
        "list_sep": _("; "),
        "since": _("overdue since {day}"),
        "all_findings": _("All {n} findings of this organisation and those below it"),
        "more_due": _("{n} more due: see the findings page"),
        "notices_open": _("Notices open"),
        "notices_late": _("past deadline"),
        "dues": _("Dues {year}"),
        "dues_collected": _("paid {paid} of {standard}"),
        "dues_late": _(" (of which late {late})"),
        "dues_unknown": _("paid {paid}; no standard known (no dues base recorded)"),
        "share_met": _("Share of obligations met in {year}"),
        "map_help": _(
            "Each block is a township; each small square a branch. Colour: share of "
            "this year's obligations met so far."
        ),
        "legend_none": _("nothing owed yet"),
        "by_rule": _("Findings by rule"),
        "rule": _("rule"),
        "bottom": _("Bottom of the ranking {year} (§12)"),
        "bottom_help": _("The weakest orgs of each group; marked ones are due for rectification."),
        "rank": _("rank"),
        "group": _("group"),
        "org": _("organisation"),
        "score": _("score"),
        "missed": _("missed"),
        "missed_of": _("missed / owed"),
        "share": _("share met"),
        "rectify": _("rectify"),
        "yes": _("yes"),
        "period": _("period"),
        "status": _("status"),
        "deadline": _("deadline"),
        "required": _("required"),
        "found": _("found"),
        "subject": _("subject"),
        "none": _("none"),
        "all": _("all"),
        "township": _("township"),
        "secretary": _("Secretary"),
        "committee": _("Committee term"),
        "elected": _("elected {day}, {years}-year term ends {end}"),
        "no_committee": _("no committee"),
        "meetings_chart": _("Meetings held against owed, last 12 months"),
        "chart_help": _(
            "A white cell: meetings held that month. A coloured cell ends a period: "
            "obligations met of those owed (green all met, red overdue, amber due)."
        ),
        "pipeline": _("Members by status"),
        "dues_table": _("Dues {year} so far"),
        "standard": _("standard"),
        "paid": _("paid"),
        "paid_late": _("paid late"),
        "unpaid": _("unpaid"),
        "funds": _("Funds {year}"),
        "income": _("income"),
        "expense": _("expense"),
        "notices": _("Notices and rectification"),
        "number": _("number"),
        "kind": _("kind"),
        "issued": _("issued"),
        "rectified": _("rectified"),
        "state_open": _("open"),
        "state_late": _("past deadline"),
        "state_rectified": _("rectified"),
        "state_none": _("no deadline"),
        "below": _("Organisations below"),
        "parent": _("Part of"),
        "trend_help": _(
            "Share of each quarter's obligations met, judged on the day after the "
            "quarter from the records as they stood then (git history)."
        ),
        "no_git": _("The records are not kept in git: no history to show."),
        "no_history": _(
            "No commit of the records is older than the end of these quarters: the "
            "shares will show as the history grows."
        ),
        "county": _("county"),
        "quarter": _("quarter"),
        "no_findings": _("Nothing overdue or due."),
        "no_overdue": _("nothing overdue"),
        "filter": _("Show"),
        "total": _("total"),
        "made_by": _("Made by dangjian from the records on {day}. Personal numbers are masked."),
        "skip": _("Skip to content"),
        "st_applicant": _("applicants"),
        "st_activist": _("activists"),
        "st_candidate": _("candidates"),
        "st_probationary": _("probationary"),
        "st_full": _("full members"),
        "g_branches": _("branches"),
        "g_committees": _("township and street committees"),
        "g_others": _("others"),
        "g_all": _("all"),
    }


def share_class(share: float | None) -> str:
    """The colour class of a share met: s4 (best) to s0, sn for nothing owed."""
    if share is None:
        return "sn"
    # obligations are mostly met: the steps lie near the top, where townships differ
    if share >= 0.99:
        return "s4"
    if share >= 0.97:
        return "s3"
    if share >= 0.93:
        return "s2"
    if share >= 0.85:
        return "s1"
    return "s0"


def percent(share: float | None) -> str:
    """A share as a percentage with one decimal, rounded down: 99.96 % met is 99.9 %,
    never 100 % while anything is missed."""
    if share is None:
        return "–"
    tenths = math.floor(Decimal(str(share)) * 1000)
    return f"{tenths / 10:.1f}%"


def money(value: Decimal | None) -> str:
    return "" if value is None else f"{value:,.2f}"


def fmt_quarter(label: str) -> str:
    """The quarter of a label such as 2026-Q2, short enough for a chart's axis (Q2)."""
    return _("Q{n}").format(n=label[-1])


def org_file(org_id: str, index: dict[str, int]) -> str:
    """The page of an org: its id when it is a safe file name, else its position."""
    return f"{org_id}.html" if SAFE_ID.match(org_id) else f"org-{index[org_id]}.html"


def rule_file(rule_id: str, index: dict[str, int]) -> str:
    return f"r-{rule_id}.html" if SAFE_ID.match(rule_id) else f"r-{index[rule_id]}.html"


class Site:
    """The pages of one site, rendered on demand (so a progress bar can follow them)."""

    def __init__(self, fig: Figures, trends: list[dict[str, Any]] | None) -> None:
        from jinja2 import FileSystemLoader, StrictUndefined
        from jinja2.sandbox import SandboxedEnvironment
        from markupsafe import Markup  # a macro's output: its values were masked inside it

        from ..privacy import mask_text

        self.fig = fig
        self.trends = trends
        self.t = labels()
        self.env = SandboxedEnvironment(
            loader=FileSystemLoader(str(TEMPLATES)),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            # every printed value is masked: a phone number typed into a name or a topic
            finalize=lambda v: (
                v if isinstance(v, Markup) or not isinstance(v, str) else mask_text(v)
            ),
        )
        self.org_index = {oid: i for i, oid in enumerate(fig.orgs)}
        rule_ids = sorted({ob.rule for ob in fig.findings})
        self.rule_index = {rid: i for i, rid in enumerate(rule_ids)}
        self.rule_ids = rule_ids
        # words said on thousands of rows: looked up once (the language does not change)
        self.rule_names = {rid: pick(r.title, rid) for rid, r in fig.rules.items()}
        self.status_names = {s: status_name(s) for s in (engine.OVERDUE, engine.DUE)}
        self._words: dict[tuple[str, Any], str] = {}

    # ---- the list of pages -----------------------------------------------------

    def paths(self) -> list[str]:
        """Every page's path, in the order they are made."""
        out = ["style.css", "index.html", "trends.html", "findings/index.html"]
        out += ["findings/s-overdue.html", "findings/s-due.html"]
        out += [f"findings/t-{org_file(t, self.org_index)}" for t in self.fig.townships]
        out += [f"findings/{rule_file(r, self.rule_index)}" for r in self.rule_ids]
        out += [f"org/{org_file(o, self.org_index)}" for o in self.fig.orgs]
        return out

    def pages(self) -> Iterator[tuple[str, bytes]]:
        yield "style.css", (TEMPLATES / "style.css").read_bytes()
        yield "index.html", self.render("home.html.j2", "", self.home())
        yield "trends.html", self.render("trends.html.j2", "", self.trends_page())
        yield "findings/index.html", self.findings_page(None, None, None)
        yield "findings/s-overdue.html", self.findings_page(None, None, engine.OVERDUE)
        yield "findings/s-due.html", self.findings_page(None, None, engine.DUE)
        for town in self.fig.townships:
            yield (
                f"findings/t-{org_file(town, self.org_index)}",
                self.findings_page(town, None, None),
            )
        for rule in self.rule_ids:
            yield (
                f"findings/{rule_file(rule, self.rule_index)}",
                self.findings_page(None, rule, None),
            )
        for org_id in self.fig.orgs:
            yield (
                f"org/{org_file(org_id, self.org_index)}",
                self.render("org.html.j2", "../", self.org_page(org_id)),
            )

    # ---- helpers the templates use --------------------------------------------------

    def render(self, template: str, base: str, context: dict[str, Any]) -> bytes:
        fig = self.fig
        common = {
            "t": self.t,
            "lang": "zh-CN" if language() == "zh" else "en",
            "base": base,
            "site_name": fig.name,
            "day": date_name(fig.day),
            "org_href": lambda oid: f"{base}org/{org_file(oid, self.org_index)}",
            "org_name": self.org_name,
            "fmt": str.format,
        }
        text = self.env.get_template(template).render(**common, **context)
        return text.encode("utf-8")

    def org_name(self, org_id: str) -> str:
        org = self.fig.orgs.get(org_id)
        return (org.name if org is not None and org.name else None) or org_id

    def rule_name(self, rule_id: str) -> str:
        return self.rule_names.get(rule_id, rule_id)

    def said(self, how: str, value: Any) -> str:
        """``period_name``, ``date_name`` or ``status_name`` of a value, remembered."""
        key = (how, value)
        got = self._words.get(key)
        if got is None:
            if how == "period":
                got = period_name(value)
            elif how == "date":
                got = date_name(value)
            else:
                got = status_name(value)
            self._words[key] = got
        return got

    def finding_rows(self, found: list[engine.Obligation]) -> list[dict[str, Any]]:
        """Rows of a findings table: overdue first, the oldest deadline first."""
        ordered = sorted(
            found,
            key=lambda ob: (ob.status != engine.OVERDUE, ob.deadline or self.fig.day, ob.org),
        )
        return [
            {
                "org": ob.org,
                "subject": ob.subject_name or ob.subject,
                "rule": ob.rule,
                "rule_name": self.rule_name(ob.rule),
                "period": self.said("period", ob.period),
                "status": ob.status,
                "status_name": self.said("status", ob.status),
                "required": ob.required,
                "found": ob.found,
                "deadline": self.said("date", ob.deadline),
            }
            for ob in ordered
        ]

    def by_rule(self, found: list[engine.Obligation]) -> list[dict[str, Any]]:
        counts: dict[str, list[int]] = {}
        for ob in found:
            pair = counts.setdefault(ob.rule, [0, 0])
            pair[0 if ob.status == engine.OVERDUE else 1] += 1
        rows = [
            {
                "rule": rid,
                "name": self.rule_name(rid),
                "overdue": o,
                "due": d,
                "href": rule_file(rid, self.rule_index),
            }
            for rid, (o, d) in counts.items()
        ]
        rows.sort(key=lambda r: (-r["overdue"], -r["due"], r["rule"]))
        return rows

    def figures_of(self, orgs: list[str]) -> dict[str, Any]:
        """The headline figures of a set of orgs (the county, a township, one branch)."""
        fig = self.fig
        found = findings_of(fig, orgs)
        members = members_of(fig, orgs)
        notices = notices_of(fig, orgs)
        dues = dues_of(fig, orgs)
        tally = tally_of(fig, orgs)
        return {
            "orgs": len(orgs),
            "members": sum(members.values()),
            "members_by": [
                {"status": s, "name": self.t["st_" + s], "n": members[s]}
                for s in ROLL_ORDER
                if members[s]
            ],
            "overdue": sum(1 for ob in found if ob.status == engine.OVERDUE),
            "due": sum(1 for ob in found if ob.status == engine.DUE),
            "notices_open": sum(1 for n in notices if n["state"] in ("open", "late")),
            "notices_late": sum(1 for n in notices if n["state"] == "late"),
            "dues": {
                "standard": money(dues.standard),
                "paid": money(dues.paid),
                "paid_late": money(dues.paid_late),
                "collected": money(dues.paid + dues.paid_late),
                "late": bool(dues.paid_late),
                "known": bool(dues.standard),
                "unpaid": money(dues.unpaid),
                "share": percent(
                    float((dues.paid + dues.paid_late) / dues.standard) if dues.standard else None
                ),
            },
            "tally": tally,
            "share": percent(tally.share),
            "share_class": share_class(tally.share),
        }

    # ---- the pages ---------------------------------------------------------------------

    def home(self) -> dict[str, Any]:
        fig = self.fig
        everyone = list(fig.orgs)
        blocks = []
        seen: set[str] = set()
        for town in fig.townships:
            sub = fig.subtree(town)
            seen.update(sub)
            blocks.append(self._block(town, sub))
        # the townships furthest behind first: what a leader looks for
        blocks.sort(key=lambda b: (b["tally"].share is None, b["tally"].share or 0, b["org"]))
        behind = [b for b in blocks if b["overdue"] and b["tally"].share is not None][:3]
        rest = [o for o in everyone if o not in seen]
        if rest:  # the county's own organs and any org under no township, last
            blocks.append(self._block(fig.roots[0] if fig.roots else rest[0], rest, top=True))
        bottom = []
        groups: dict[str, list[dict[str, Any]]] = {}
        for row in fig.ranking:
            if row["rank"] is not None:
                groups.setdefault(row["group"], []).append(row)
        for group, rows in groups.items():
            weak = [r for r in rows if r["rectify"] or (r["share"] or 0) < 1]
            for row in weak[-HOME_BOTTOM:]:
                bottom.append(
                    {
                        "rank": row["rank"],
                        "of": len(rows),
                        "group": self.t.get("g_" + group, group),
                        "org": row["org"],
                        "share": percent(row["share"]),
                        "share_class": share_class(row["share"]),
                        "missed": row["missed"],
                        "owed": row["owed"],
                        "rectify": row["rectify"],
                    }
                )
        return {
            "title": fig.name,
            "f": self.figures_of(everyone),
            "by_rule": self.by_rule(fig.findings),
            "blocks": blocks,
            "behind": behind,
            "bottom": bottom,
            "year": fig.year,
            "rank_year": fig.rank_year,
            "dues_year": fig.dues_year,
            "legend": [
                ("s4", "≥ 99%"),
                ("s3", "97–99%"),
                ("s2", "93–97%"),
                ("s1", "85–93%"),
                ("s0", "< 85%"),
                ("sn", self.t["legend_none"]),
            ],
        }

    def _block(self, head: str, orgs: list[str], top: bool = False) -> dict[str, Any]:
        fig = self.fig
        tally = tally_of(fig, orgs)
        cells = []
        for oid in orgs:
            if oid == head:
                continue
            own = fig.tally.get(oid, Tally())
            cells.append(
                {
                    "org": oid,
                    "share": percent(own.share),
                    "share_class": share_class(own.share),
                }
            )
        overdue = [ob for ob in findings_of(fig, orgs) if ob.status == engine.OVERDUE]
        rules = Counter(ob.rule for ob in overdue).most_common()
        since = min((ob.deadline for ob in overdue if ob.deadline is not None), default=None)
        return {
            "org": head,
            "top": top,
            "tally": tally,
            "share": percent(tally.share),
            "share_class": share_class(tally.share),
            "overdue": len(overdue),
            # on what (the rules most often overdue) and since when (the oldest deadline)
            "rules": [
                {"name": self.rule_name(rid), "n": n, "href": rule_file(rid, self.rule_index)}
                for rid, n in rules[:2]
            ],
            "since": self.said("date", since) if since else "",
            "cells": cells,
        }

    def org_page(self, org_id: str) -> dict[str, Any]:
        fig = self.fig
        org = fig.orgs[org_id]
        sub = fig.subtree(org_id)
        found = findings_of(fig, sub)
        chart = self._chart(sub)
        funds = {"income": Decimal(0), "expense": Decimal(0)}
        for oid in sub:
            for k, v in fig.funds.get(oid, {}).items():
                funds[k] += v
        notices = []
        for row in notices_of(fig, sub):
            notices.append(
                {
                    **row,
                    "kind": kind_name(row["kind"] or ""),
                    "issued_on": date_name(row["issued_on"]),
                    "deadline": date_name(row["deadline"]),
                    "rectified_on": date_name(row["rectified_on"]),
                }
            )
        sec_id, sec_name = fig.secretary.get(org_id, (None, None))
        committee = fig.committee.get(org_id)
        if committee is not None:
            committee = {
                **committee,
                "elected": date_name(committee["elected"]) or "?",
                "term_ends": date_name(committee["term_ends"]) or "?",
                "late": committee["term_ends"] is not None and committee["term_ends"] < fig.day,
            }
        children = []
        for c in fig.children.get(org_id, []):
            below = fig.subtree(c)
            share = tally_of(fig, below).share
            children.append(
                {
                    "org": c,
                    "kind": kind_name(fig.orgs[c].kind or ""),
                    "share": percent(share),
                    "share_class": share_class(share),
                    "overdue": sum(
                        1 for ob in findings_of(fig, below) if ob.status == engine.OVERDUE
                    ),
                }
            )
        # the county's and a township's pages list what is overdue; the findings
        # pages (filtered by township) hold the rest, so a page stays readable
        listed = found
        more_href = None
        if org_id in fig.roots or org_id in fig.townships:
            more_href = (
                "../findings/index.html"
                if org_id in fig.roots
                else f"../findings/t-{org_file(org_id, self.org_index)}"
            )
            listed = [ob for ob in found if ob.status == engine.OVERDUE]
        return {
            "title": self.org_name(org_id),
            "org": org_id,
            "kind": kind_name(org.kind or ""),
            "parent": org.parent if org.parent in fig.orgs else None,
            "f": self.figures_of(sub),
            "score": percent(fig.score.get(org_id)),
            "rollup": len(sub) > 1,
            "findings": self.finding_rows(listed),
            "more_href": more_href,
            "overdue_href": more_href and more_href.replace("index.html", "s-overdue.html"),
            "due_href": more_href and more_href.replace("index.html", "s-due.html"),
            "more_due": len(found) - len(listed),
            "all_findings": len(found),
            "by_rule": self.by_rule(found),
            "chart": chart,
            "year": fig.year,
            "dues_year": fig.dues_year,
            "funds": {k: money(v) for k, v in funds.items()},
            "has_funds": any(oid in fig.funds for oid in sub),
            "notices": notices,
            "secretary": {"id": sec_id, "name": sec_name},
            "committee": committee,
            "children": children,
        }

    def _chart(self, orgs: list[str]) -> dict[str, Any]:
        """The meetings chart of a set of orgs: one row per meeting rule owed or held."""
        fig = self.fig
        cells: dict[tuple[str, str], dict[str, Any]] = {}
        for oid in orgs:
            for key, c in fig.chart.get(oid, {}).items():
                got = cells.setdefault(key, {"owed": 0, "met": 0, "status": engine.MET})
                got["owed"] += c["owed"]
                got["met"] += c["met"]
                if _worse(c["status"], got["status"]):
                    got["status"] = c["status"]
        held: dict[tuple[str, str], int] = {}
        for oid in orgs:
            for key, n in fig.meetings.get(oid, {}).items():
                held[key] = held.get(key, 0) + n
        rules = sorted(
            {k[0] for k in (*cells, *held)},
            key=lambda r: list(fig.rules).index(r) if r in fig.rules else 999,
        )
        months = fig.chart_months
        # the rules' names stand in a column of their own that does not scroll: as
        # wide as the longest name (12 px type: a Chinese character about two cells)
        from ..widths import cells as width_of

        names = [self.rule_name(rid) for rid in rules]
        left = min(220, max(80, 10 + 6.4 * max((width_of(n) for n in names), default=0)))
        cw, ch, top = 44, 26, 24
        rows = []
        for i, rid in enumerate(rules):
            row_cells = []
            for j, month in enumerate(months):
                c = cells.get((rid, month))
                n = held.get((rid, month), 0)
                row_cells.append(
                    {
                        "x": j * cw,
                        "y": top + i * ch,
                        "held": n,
                        "owed": c["owed"] if c else None,
                        "met": c["met"] if c else None,
                        "status": c["status"] if c else None,
                        "title": f"{self.rule_name(rid)} {self.said('period', month)}: {n}"
                        + (f" ({c['met']}/{c['owed']})" if c else ""),
                    }
                )
            rows.append(
                {"rule": rid, "name": self.rule_name(rid), "y": top + i * ch, "cells": row_cells}
            )
        return {
            "rows": rows,
            "months": [
                {
                    "x": j * cw + cw / 2,
                    "label": month if j == 0 or month.endswith("-01") else month[5:],
                }
                for j, month in enumerate(months)
            ],
            "left": round(left),
            "width": len(months) * cw,
            "height": top + len(rules) * ch + 4,
            "cw": cw - 4,
            "ch": ch - 4,
        }

    def trends_page(self) -> dict[str, Any]:
        fig = self.fig
        if self.trends is None:
            return {"title": self.t["trends"], "rows": None}
        labels = [self.said("period", r["quarter"]) for r in self.trends]
        county = [_share(r["county"]) for r in self.trends]
        width, height, left, top, step = 640, 210, 44, 12, 72
        # the axis starts at a tenth below the lowest share: shares near the top differ
        known = [s for s in county if s is not None]
        low = max(0.0, math.floor((min(known) - 0.02) * 10) / 10) if known else 0.0
        span = height - 2 * top - 26

        def y(share: float) -> float:
            return top + (1 - (share - low) / (1 - low)) * span

        points = [
            {"x": left + i * step, "y": y(share), "label": percent(share)}
            for i, share in enumerate(county)
            if share is not None
        ]
        towns = []
        for town in fig.townships:
            shares = [_share(r["townships"].get(town)) for r in self.trends]
            towns.append(
                {
                    "org": town,
                    "cells": [{"share": percent(s), "share_class": share_class(s)} for s in shares],
                }
            )
        return {
            "title": self.t["trends"],
            "rows": True,
            "labels": labels,
            "county": [{"share": percent(s), "share_class": share_class(s)} for s in county],
            "points": points,
            "polyline": " ".join(f"{p['x']:.0f},{p['y']:.1f}" for p in points),
            "axis": [{"y": y(v), "label": f"{round(v * 100)}%"} for v in (low, (low + 1) / 2, 1.0)],
            # two lines under the axis: the quarter, and the year where it changes
            "ticks": [
                {
                    "x": left + i * step,
                    "quarter": fmt_quarter(r["quarter"]),
                    "year": r["quarter"][:4]
                    if i == 0 or r["quarter"][:4] != self.trends[i - 1]["quarter"][:4]
                    else "",
                }
                for i, r in enumerate(self.trends)
            ],
            "empty": all(r["county"] is None or not r["county"][1] for r in self.trends),
            "width": max(width, left + len(labels) * step),
            "height": height,
            "left": left,
            "towns": towns,
        }

    def findings_page(self, town: str | None, rule: str | None, status: str | None) -> bytes:
        fig = self.fig
        found = fig.findings
        if town is not None:
            found = findings_of(fig, fig.subtree(town))
        if rule is not None:
            found = [ob for ob in found if ob.rule == rule]
        if status is not None:
            found = [ob for ob in found if ob.status == status]
        title = self.t["findings"]
        if town is not None:
            title += f" · {self.org_name(town)}"
        if rule is not None:
            title += f" · {self.rule_name(rule)}"
        if status is not None:
            title += f" · {status_name(status)}"
        current = (
            f"t-{org_file(town, self.org_index)}"
            if town
            else rule_file(rule, self.rule_index)
            if rule
            else f"s-{status}.html"
            if status
            else "index.html"
        )
        filters = {
            "status": [
                {"href": "index.html", "label": self.t["all"]},
                {"href": "s-overdue.html", "label": status_name(engine.OVERDUE)},
                {"href": "s-due.html", "label": status_name(engine.DUE)},
            ],
            "township": [
                {"href": f"t-{org_file(t, self.org_index)}", "label": self.org_name(t)}
                for t in fig.townships
            ],
            "rule": [
                {"href": rule_file(r, self.rule_index), "label": self.rule_name(r)}
                for r in self.rule_ids
            ],
        }
        return self.render(
            "findings.html.j2",
            "../",
            {
                "title": title,
                "findings": self.finding_rows(found),
                "filters": filters,
                "current": current,
                "count_overdue": sum(1 for ob in found if ob.status == engine.OVERDUE),
                "count_due": sum(1 for ob in found if ob.status == engine.DUE),
            },
        )


_ORDER = {engine.OVERDUE: 4, engine.DUE: 3, engine.UPCOMING: 2, engine.MET_LATE: 1}


def _worse(a: str, b: str) -> bool:
    return _ORDER.get(a, 0) > _ORDER.get(b, 0)


def _share(pair: list[int] | None) -> float | None:
    if not pair or not pair[1]:
        return None
    return round(pair[0] / pair[1], 4)


__all__ = ["Site", "date", "labels", "m"]
