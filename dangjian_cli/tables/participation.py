"""What `dangjian list attendance` and `list study-hours` show: each member's
meetings due, attended and excused in a year, and the rate."""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal
from typing import Any

from ..i18n import _
from ..records.repository import Records
from .listing import Listing
from .sheets import INT, NUMBER, TEXT


def _rate(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f}%"


#: the meetings attendance counts when no rule names them (self-withdrawal-review's)
_COUNTED = ("branch_assembly", "party_group", "party_lesson", "theme_day")


def _counted(rules: dict[str, Any]) -> tuple[str, ...]:
    """The meetings attendance counts: rule self-withdrawal-review's ``meeting_kinds``."""
    review = rules.get("self-withdrawal-review")
    return review.meeting_kinds if review and review.meeting_kinds else _COUNTED


def _study_rule(rules: dict[str, Any]) -> Any:
    """Rule study-hours, or its built-in standard (32 hours a year, party lessons
    counted) where the catalogue has none."""
    from ..records import model as m
    from ..rules.catalog import Rule
    from ..rules.participation import LESSON_KINDS

    return rules.get("study-hours") or Rule(
        "study-hours", "study-hours", kinds=m.MEMBER_NOW, min_hours=32, meeting_kinds=LESSON_KINDS
    )


def attendance(records: Records, scope: set[str] | None, year: int) -> Listing:
    """Per member of each org in scope: the org's counted meetings (branch assemblies,
    party group meetings, party lessons, theme days) due in ``year``, attended,
    excused (an absence with a reason, an approved exemption) and the attendance
    rate (attended of those not excused)."""
    from ..rules.catalog import load_rules
    from ..rules.participation import attendance_rows

    kinds = _counted(load_rules(records.settings))
    cols = ["org", "member", "name", "due", "attended", "excused", "rate"]
    heads = [
        _("org"),
        _("member"),
        _("name"),
        _("meetings due"),
        _("attended"),
        _("excused"),
        _("attendance rate"),
    ]
    listing = Listing(
        _("Attendance {year}").format(year=year),
        cols,
        heads,
        [TEXT, TEXT, TEXT, INT, INT, INT, TEXT],
        drop=("org",),
    )
    orgs = sorted(scope) if scope is not None else sorted(records.orgs)
    for org_id in orgs:
        for row in attendance_rows(records, org_id, year, kinds):
            row["rate"] = _rate(row["rate"])
            listing.rows.append(row)
    return listing


def study_hours(records: Records, scope: set[str] | None, year: int, upto: date) -> Listing:
    """Per member of each org in scope who owes ``year``'s study hours (a member on its
    first day): hours of training, party lessons attended and the hours they count,
    the total against the standard, and the shortfall (rule study-hours)."""
    from ..rules.catalog import load_rules
    from ..rules.participation import study_rows

    rule = _study_rule(load_rules(records.settings))
    cols = [
        "org",
        "member",
        "name",
        "trainings",
        "lessons",
        "lesson_hours",
        "total",
        "standard",
        "shortfall",
    ]
    heads = [
        _("org"),
        _("member"),
        _("name"),
        _("training hours"),
        _("party lessons"),
        _("lesson hours"),
        _("total hours"),
        _("standard"),
        _("shortfall"),
    ]
    listing = Listing(
        _("Study hours {year}").format(year=year),
        cols,
        heads,
        [TEXT, TEXT, TEXT, NUMBER, INT, INT, NUMBER, INT, NUMBER],
        drop=("org",),
    )
    orgs = sorted(scope) if scope is not None else sorted(records.orgs)
    listing.rows.extend(study_rows(records, orgs, year, rule, upto))
    return listing


# ---- the year's participation per org, for `status` and the work report --------------


def participation(
    records: Records, orgs: list[str], year: int, upto: date, start: date | None = None
) -> dict[str, Any]:
    """How each of ``orgs`` took part in ``year`` (counted to ``upto``), and the totals.

    Per org: attendance at the counted meetings (attended of those not excused), the
    democratic appraisal's grades, online meetings held (these three from ``start``,
    default the year's first day: a half-year report counts its half), the members'
    star ratings (of the latest year rated, at most ``year``), the year's study
    hours to ``upto`` against the standard (rule study-hours), and whether a branch's
    secretary took part in a training for secretaries. ``total`` adds them up over
    all of ``orgs`` (a subtree).
    """
    from ..records import model as m
    from ..rules.catalog import load_rules
    from ..rules.participation import (
        attendance_rows,
        member_trainings,
        secretary_on,
        study_rows,
    )

    rules = load_rules(records.settings)
    kinds = _counted(rules)
    study = _study_rule(rules)
    secretaries_rule = rules.get("secretary-training")
    audiences = set(secretaries_rule.audiences if secretaries_rule else ("secretaries",))
    first, last = date(year, 1, 1), min(date(year, 12, 31), upto)
    counted = (max(start or first, first), last)
    wanted = set(orgs)
    # each org's members (past and present): no pass over every member per org
    pool: dict[str, list[m.Member]] = {o: [] for o in orgs}
    for mb in records.members.values():
        for org in {mb.org, *(t.to for t in mb.transfers), *(t.from_ for t in mb.transfers)}:
            if org in wanted:
                pool[org].append(mb)
    stars_year = max(
        (
            int(y)
            for o in orgs
            for mb in pool[o]
            for y in mb.stars
            if y.isdigit() and int(y) <= year
        ),
        default=None,
    )
    hours: dict[str, list[dict[str, Any]]] = {o: [] for o in orgs}
    for row in study_rows(records, orgs, year, study, last):
        hours[row["org"]].append(row)
    taken = member_trainings(records)
    per_org = []
    for org_id in orgs:
        org = records.orgs.get(org_id)
        rows = attendance_rows(records, org_id, year, kinds, pool[org_id], counted)
        grades: dict[str, str] = {}
        online = 0
        for mt in records.meetings_of(org_id):
            if mt.date is None or not counted[0] <= mt.date <= counted[1]:
                continue
            online += bool(mt.online)
            if mt.kind == "democratic_appraisal":
                grades.update((g.member, g.grade) for g in mt.grades if g.member and g.grade)
        stars: dict[str, int] = {}
        if stars_year is not None:
            for mb in pool[org_id]:
                rated = mb.stars.get(str(stars_year))
                on_roll = mb.org_on(last) == org_id and mb.status_on(last) in m.MEMBER_NOW
                if rated and on_roll:
                    stars[mb.id] = rated
        secretary = secretary_on(org, last) if org is not None and org.is_branch else None
        trained = any(
            first <= day <= last and audience in audiences
            for day, audience, _h in taken.get(secretary or "", ())
        )
        study_rows_ = hours[org_id]
        per_org.append(
            {
                "org": org_id,
                "name": (org.name if org else None) or org_id,
                "attended": sum(r["attended"] for r in rows),
                "owed": sum(r["due"] - r["excused"] for r in rows),
                "grades": Counter(grades.values()),
                "stars": Counter(stars.values()),
                "study_members": len(study_rows_),
                "study_met": sum(1 for r in study_rows_ if not r["shortfall"]),
                "study_hours": sum((Decimal(str(r["total"])) for r in study_rows_), Decimal(0)),
                "online": online,
                "secretaries": int(secretary is not None),
                "secretaries_trained": int(trained),
            }
        )
    total: dict[str, Any] = {"org": "", "name": ""}
    for key in ("attended", "owed", "study_members", "study_met", "online", "secretaries"):
        total[key] = sum(r[key] for r in per_org)
    total["secretaries_trained"] = sum(r["secretaries_trained"] for r in per_org)
    total["study_hours"] = sum((r["study_hours"] for r in per_org), Decimal(0))
    total["grades"] = sum((r["grades"] for r in per_org), Counter())
    total["stars"] = sum((r["stars"] for r in per_org), Counter())
    return {
        "year": year,
        "stars_year": stars_year,
        "standard": study.min_hours,
        "orgs": [_figures(r) for r in per_org],
        "total": _figures(total),
    }


def _figures(raw: dict[str, Any]) -> dict[str, Any]:
    """One org's (or the total's) counts as plain data: rates and averages worked out,
    every grade and star level present (0 where none)."""
    from ..records.model import APPRAISAL_GRADES
    from ..rules.participation import hours_value

    owed, members = raw["owed"], raw["study_members"]
    stars = raw["stars"]
    rated = sum(stars.values())
    return {
        "org": raw["org"],
        "name": raw["name"],
        "attendance": {
            "attended": raw["attended"],
            "owed": owed,
            "rate": round(raw["attended"] / owed, 3) if owed else None,
        },
        "grades": {g: raw["grades"].get(g, 0) for g in APPRAISAL_GRADES},
        "stars": {
            **{str(n): stars.get(n, 0) for n in range(1, 6)},
            "rated": rated,
            "average": round(sum(n * c for n, c in stars.items()) / rated, 2) if rated else None,
        },
        "study": {
            "members": members,
            "met": raw["study_met"],
            "average": round(float(raw["study_hours"]) / members, 1) if members else None,
            "hours": hours_value(raw["study_hours"]),
        },
        "online": raw["online"],
        "secretaries": {"branches": raw["secretaries"], "trained": raw["secretaries_trained"]},
    }


def status_participation(records: Records, org_id: str, day: date) -> dict[str, Any]:
    """`status`'s participation figures of the year to ``day``: the org's own and, for an
    org with orgs below it, their totals with it."""
    orgs = records.subtree(org_id)
    found = participation(records, orgs, day.year, day)
    return {
        "year": found["year"],
        "stars_year": found["stars_year"],
        "standard": found["standard"],
        "org": found["orgs"][0],
        "subtree": found["total"] if len(orgs) > 1 else None,
    }


def participation_lines(info: dict[str, Any]) -> list[str]:
    """The participation figures as `status` prints them: one line per figure, the org's
    own and (where it has orgs below it) the subtree's side by side."""
    from tabulate import tabulate

    columns = [info["org"]] + ([info["subtree"]] if info.get("subtree") else [])
    standard = info["standard"]

    def rate(f: dict[str, Any]) -> str:
        a = f["attendance"]
        if a["rate"] is None:
            return "—"
        return _("{rate} ({attended} of {owed})").format(
            rate=_rate(a["rate"]), attended=a["attended"], owed=a["owed"]
        )

    def grades(f: dict[str, Any]) -> str:
        return " / ".join(str(n) for n in f["grades"].values())

    def stars(f: dict[str, Any]) -> str:
        s = f["stars"]
        if not s["rated"]:
            return "—"
        return _("{average} average of {rated} rated").format(
            average=s["average"], rated=s["rated"]
        )

    def study(f: dict[str, Any]) -> str:
        s = f["study"]
        if not s["members"]:
            return "—"
        return _("{met} of {members} at {standard}, average {average}").format(
            met=s["met"], members=s["members"], standard=standard, average=s["average"]
        )

    def trained(f: dict[str, Any]) -> str:
        s = f["secretaries"]
        if not s["branches"]:
            return "—"
        return _("{trained} of {branches}").format(**s)

    stars_head = (
        _("star rating {year}").format(year=info["stars_year"])
        if info["stars_year"]
        else _("star rating")
    )
    rows = [
        [_("attendance rate"), *(rate(f) for f in columns)],
        [
            _("graded excellent / qualified / basic / unqualified"),
            *(grades(f) for f in columns),
        ],
        [stars_head, *(stars(f) for f in columns)],
        [_("members at the study-hours standard"), *(study(f) for f in columns)],
        [_("online meetings held"), *(str(f["online"]) for f in columns)],
        [_("secretaries trained"), *(trained(f) for f in columns)],
    ]
    heads = [_("Participation {year}").format(year=info["year"]), _("this org")]
    if info.get("subtree"):
        heads.append(_("with the orgs below"))
    return [tabulate(rows, headers=heads, tablefmt="simple", disable_numparse=True)]
