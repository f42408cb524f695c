#!/usr/bin/env python3
"""Deterministic generator of a synthetic county records repository, for speed measurement.

    python benchmarks/synth.py OUT_DIR [--records N | --orgs N --members N --months N]
                               [--seed S] [--git] [--force] [--check]
    python benchmarks/synth.py OUT_DIR --check-only

The repository follows the layout and the validation rules of docs/records.md and docs/codes.md:
every record is valid by construction, and a known number of gaps is planted for
the obligations engine to find (see the summary line and ``synth-manifest.json``).
Meetings run up to ``LAST_DAY`` (2026-06-30); evaluate obligations with
``--as-of 2026-07-01`` so the planted gaps, and only they, are overdue.

Standard library only. Same arguments and seed -> byte-identical files (and, with
``--git``, identical commit ids).
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import json
import math
import os
import random
import re
import shutil
import subprocess
import sys
import time
import tomllib
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

LAST_DAY = dt.date(2026, 6, 30)
END_YM = LAST_DAY.year * 12 + LAST_DAY.month - 1  # month index: year * 12 + month - 1
DEFAULT_ORGS, DEFAULT_MEMBERS, DEFAULT_MONTHS = 1200, 40000, 24
COUNTY_STAFF, TOWNSHIP_STAFF = 9, 7
AUTHOR = ("County Records Clerk", "clerk@records.invalid")
OUTSIDE = (
    "Baiyun District Party Committee (outside the county)",
    "Lianhua County Party Committee (outside the county)",
    "Provincial Transport Group Party Committee (outside the county)",
)

# branch kind -> (share of branches, id code, (low, mode, high) member count)
BRANCH_KINDS = {
    "village_branch": (0.45, "v", (12, 34, 60)),
    "community_branch": (0.11, "c", (10, 30, 60)),
    "organ_branch": (0.12, "o", (6, 18, 45)),
    "enterprise_branch": (0.09, "e", (5, 18, 48)),
    "institution_branch": (0.08, "i", (8, 25, 50)),
    "social_org_branch": (0.03, "s", (5, 9, 20)),
    "general_branch": (0.05, "g", (45, 85, 150)),
    "branch": (0.07, "b", (5, 16, 45)),
}
PAIRERS = ("organ_branch", "enterprise_branch", "institution_branch")
VILLAGE_LIKE = ("village_branch", "community_branch")
# status of an ordinary branch member, with its weight
STATUSES = (
    ("full", 860),
    ("probationary", 35),
    ("candidate", 25),
    ("activist", 25),
    ("applicant", 20),
    ("transferred_out", 15),
    ("deceased", 12),
    ("withdrawn", 5),
    ("expelled", 3),
)
LEFT = ("transferred_out", "deceased", "withdrawn", "expelled")
DUES_AMOUNTS = (
    ("0.20", 4),
    ("0.50", 6),
    ("1.00", 10),
    ("2.00", 12),
    ("3.50", 10),
    ("5.00", 14),
    ("8.00", 12),
    ("12.50", 14),
    ("15.00", 8),
    ("20.00", 6),
    ("30.00", 4),
)

# member rules that need records a repository starts keeping (issue 15): the county
# keeps them from tracking_since (``[rules.X] applies_from`` in dangjian.toml)
ADOPTED_RULES = (
    "applicant-talk",
    "candidate-training",
    "admission-approval",
    "conversion-approval",
    "transfer-receipt",
    # issue 16: trainings (write_trainings) and every party lesson's lecturer
    "study-hours",
    "secretary-training",
    "secretary-lesson",
)
# a dues amount -> the [[dues_base]] rows whose standard (the 2008 scale of the
# builtin dues-standard rule) is exactly that amount: (category, base, amount)
DUES_BASES = {
    "0.20": (("student", None, None), ("unemployed", None, None), ("low_income", None, None),
             ("farmer", None, "0.20")),
    "0.50": (("farmer", None, "0.50"),),
    "1.00": (("farmer", None, "1.00"), ("other", None, "1.00")),
    "2.00": (("salary", "400.00", None), ("retiree", "400.00", None)),
    "3.50": (("salary", "700.00", None), ("retiree", "700.00", None)),
    "5.00": (("salary", "1000.00", None), ("retiree", "1000.00", None)),
    "8.00": (("salary", "1600.00", None), ("retiree", "1600.00", None)),
    "12.50": (("salary", "2500.00", None), ("retiree", "2500.00", None)),
    "15.00": (("salary", "3000.00", None), ("retiree", "3000.00", None)),
    "20.00": (("retiree", "4000.00", None),),
    "30.00": (("salary", "3000.40", None),),
}  # fmt: skip

SYL_A = [
    "Dong",
    "Xi",
    "Nan",
    "Bei",
    "Shang",
    "Xia",
    "Qing",
    "Hong",
    "Bai",
    "Huang",
    "Jin",
    "Yu",
    "Long",
    "Feng",
    "Shi",
    "Da",
    "Xiao",
    "Chang",
    "Ping",
    "An",
    "Xin",
    "Gu",
    "Tai",
    "He",
    "Liu",
    "Song",
    "Yun",
    "Hua",
    "Fu",
    "Ma",
    "Yang",
    "Zhu",
    "Lian",
    "Gao",
    "Shui",
    "Tian",
]
SYL_B = [
    "shan",
    "he",
    "qiao",
    "ling",
    "tan",
    "zhuang",
    "gou",
    "ping",
    "yuan",
    "hu",
    "ba",
    "kou",
    "tun",
    "wan",
    "lin",
    "tang",
    "po",
    "zhai",
    "cun",
]
SURNAMES = [
    "Wang",
    "Li",
    "Zhang",
    "Liu",
    "Chen",
    "Yang",
    "Zhao",
    "Huang",
    "Zhou",
    "Wu",
    "Xu",
    "Sun",
    "Hu",
    "Zhu",
    "Gao",
    "Lin",
    "He",
    "Guo",
    "Ma",
    "Luo",
    "Liang",
    "Song",
    "Zheng",
    "Xie",
    "Han",
    "Tang",
    "Feng",
    "Yu",
    "Dong",
    "Xiao",
    "Cheng",
    "Cao",
    "Yuan",
    "Deng",
    "Fu",
    "Shen",
    "Zeng",
    "Peng",
    "Lu",
    "Su",
]
GIVEN = [
    "Wei",
    "Fang",
    "Min",
    "Jing",
    "Li",
    "Qiang",
    "Lei",
    "Jun",
    "Yang",
    "Yong",
    "Yan",
    "Jie",
    "Tao",
    "Ming",
    "Chao",
    "Xiu",
    "Hua",
    "Ping",
    "Gang",
    "Gui",
    "Ying",
    "Hong",
    "Lan",
    "Xia",
    "Hui",
    "Bo",
    "Jian",
    "Feng",
    "Lin",
    "Yun",
    "Dan",
    "Ning",
    "Kai",
    "Hao",
    "Rui",
    "Xin",
    "Mei",
    "Qing",
    "Zhi",
    "Bin",
]
ORGAN_UNITS = (
    "Government Office",
    "Finance Office",
    "Agricultural Service Centre",
    "Civil Affairs Office",
    "Judicial Office",
    "Water Station",
    "Culture Station",
    "Tax Branch",
    "Police Station",
)
ENTERPRISE_UNITS = (
    "Tea Company",
    "Building Materials Co.",
    "Agricultural Products Co.",
    "Logistics Co.",
    "Textile Mill",
    "Food Processing Co.",
    "Machinery Co.",
    "Fruit Cooperative",
)
INSTITUTION_UNITS = (
    "Central School",
    "Health Centre",
    "Middle School",
    "Kindergarten",
    "Veterinary Station",
    "Cultural Centre",
)
SOCIAL_UNITS = (
    "Volunteers Association",
    "Elderly Association",
    "Industry Association",
    "Lawyers Office",
    "Accountancy Firm",
)

TOPICS = {
    "theme_day": (
        "Theme day: studying the Party Constitution",
        "Theme day: serving the people",
        "Theme day: rural revitalisation tasks",
        "Theme day: clean governance education",
        "Theme day: revolutionary tradition",
        "Theme day: flood prevention and safety",
        "Theme day: environmental clean-up",
        "Theme day: helping households in difficulty",
    ),
    "branch_assembly": (
        "Quarterly work review and plan",
        "Discussion of applicants and activists",
        "Review of dues and finances",
        "Report of the branch committee",
    ),
    "branch_committee": (
        "Monthly work arrangement",
        "Member development and education",
        "Dues collection and fund use",
        "Village affairs and collective economy",
        "Preparation of the theme day",
    ),
    "party_group": (
        "Party group study session",
        "Party group household visits",
        "Party group discussion of branch tasks",
    ),
    "party_lesson": (
        "Party lesson: history of the Party",
        "Party lesson: grass-roots governance",
        "Party lesson: discipline regulations",
        "Party lesson: the mass line",
    ),
    "org_life": ("Annual organisational life meeting: criticism and self-criticism",),
    "democratic_appraisal": ("Democratic appraisal of party members",),
    "decision_hearing": ("Hearing on decisions over collective affairs",),
    "volunteer_service": (
        "Volunteer service: road cleaning",
        "Volunteer service: visiting elderly residents",
        "Volunteer service: free clinic",
        "Volunteer service: harvest help",
        "Volunteer service: fire safety check",
    ),
    "committee_meeting": (
        "Committee meeting: monthly work",
        "Committee meeting: personnel",
        "Committee meeting: grass-roots party building",
    ),
    "committee_study": ("Study of grass-roots party building work",),
    "supervision": ("Supervision of branch standardisation",),
    "party_congress_annual": ("Annual session of the party congress",),
}
ABSENCE_REASONS = (
    "sick leave",
    "working away",
    "family matter",
    "on duty elsewhere",
    "hospitalised",
    "out of town",
)
EXPENSES = {
    "education": "Study materials and newspapers",
    "training": "Training of members and activists",
    "activity": "Theme day activity costs",
    "service": "Services for residents",
    "relief": "Relief for members in difficulty",
    "facility": "Activity room upkeep",
    "subsidy": "Allowance for branch cadres",
    "other": "Miscellaneous",
}
TASKS = (
    "Hold a theme party day every month",
    "Hold a branch assembly and a party lesson every quarter",
    "Hold the annual organisational life meeting and democratic appraisal",
    "Collect membership dues every month",
    "Develop new members according to plan",
    "Report on grass-roots party building every half year",
)
GRADES = (
    ("excellent", 90, 100, 25),
    ("good", 80, 89, 50),
    ("fair", 65, 79, 20),
    ("poor", 45, 64, 5),
)


# ---------------------------------------------------------------------------- dates


def ym_of(d: dt.date) -> int:
    return d.year * 12 + d.month - 1


def ym_label(ym: int) -> str:
    return f"{ym // 12:04d}-{ym % 12 + 1:02d}"


def ym_day(ym: int, day: int) -> dt.date:
    return dt.date(ym // 12, ym % 12 + 1, day)


def add_years(d: dt.date, n: int) -> dt.date:
    try:
        return d.replace(year=d.year + n)
    except ValueError:  # 29 February
        return d.replace(year=d.year + n, day=28)


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def add_months(d: dt.date, n: int) -> dt.date:
    """``d`` plus ``n`` months, the day kept or the month's last (31 March + 1 = 30 April)."""
    y, m0 = divmod(d.month - 1 + n, 12)
    y += d.year
    nxt = dt.date(y + (m0 + 1) // 12, (m0 + 1) % 12 + 1, 1)
    return dt.date(y, m0 + 1, min(d.day, (nxt - days(1)).day))


def dues_standard(row: dict) -> Decimal | None:
    """The monthly standard of a ``[[dues_base]]`` row on the builtin 2008 scale."""
    category = row["category"]
    if category in ("student", "unemployed", "low_income"):
        return Decimal("0.20")
    if category in ("farmer", "other"):
        return Decimal(row["amount"])
    base = Decimal(row["base"])
    brackets = ((3000, 0.5), (5000, 1.0), (10000, 1.5)) if category == "salary" else ((5000, 0.5),)
    top = 2.0 if category == "salary" else 1.0
    rate = next((r for limit, r in brackets if base <= limit), top)
    return (base * Decimal(str(rate)) / 100).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")


def rand_date(r: random.Random, lo: dt.date, hi: dt.date) -> dt.date:
    return lo + days(r.randint(0, max(0, (hi - lo).days)))


def q(text: str) -> str:
    """A TOML basic string."""
    if '"' in text or "\\" in text:
        text = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def money(cents: int) -> str:
    return f'"{cents // 100}.{cents % 100:02d}"'


# ---------------------------------------------------------------------------- model


class Org:
    __slots__ = (
        "adm",
        "adm_dates",
        "branches",
        "committee",
        "contact_points",
        "election",
        "established",
        "groups",
        "id",
        "kind",
        "meetings",
        "members",
        "name",
        "pairing",
        "parent",
        "party_groups",
        "poor_village",
        "projects",
        "schedule",
        "sec_change",
        "secretary",
        "township",
        "voting_fs",
    )

    def __init__(self, oid: str, name: str, kind: str, parent: Org | None) -> None:
        self.id, self.name, self.kind, self.parent = oid, name, kind, parent
        self.established: dt.date | None = None
        self.secretary: Member | None = None
        self.committee: tuple[dt.date, int, list[Member]] | None = None
        self.party_groups = False
        self.poor_village = False
        self.pairing: list[tuple[Org, dt.date]] = []
        self.contact_points: list[tuple[Member, Org, dt.date]] = []
        self.projects: list[tuple[str, dt.date, dt.date | None, int]] = []
        self.sec_change: tuple | None = None  # (date, from, to, decided_at, approved_on)
        self.members: list[Member] = []
        self.branches: list[Org] = []
        self.groups: list[list[Member]] = []
        self.election: dt.date | None = None
        self.schedule: list[tuple[dt.date, str]] = []
        self.meetings: dict[int, dt.date] = {}
        self.township = self

    @property
    def is_branch(self) -> bool:
        return self.kind in BRANCH_KINDS

    def secretary_on(self, day: dt.date) -> Member:
        if self.sec_change and day < self.sec_change[0]:
            return self.sec_change[1]
        return self.secretary  # type: ignore[return-value]


class Member:
    __slots__ = (
        "activist",
        "admission_approved",
        "admitted",
        "applied",
        "birth",
        "candidate",
        "conversion_approved",
        "dues_amount",
        "dues_base",
        "dues_stop",
        "extended_to",
        "full_since",
        "gender",
        "id",
        "id_number",
        "left_on",
        "letters",
        "lost_contact",
        "mobile",
        "name",
        "old",
        "org",
        "qid",
        "status",
        "talked_on",
        "training_hours",
        "transfers",
    )

    def __init__(self, mid: str, org: Org, status: str) -> None:
        self.id, self.org, self.status = mid, org, status
        self.qid = q(mid)
        self.name = self.gender = self.id_number = ""
        self.birth = self.applied = self.activist = self.candidate = None
        self.admitted: dt.date | None = None
        self.full_since: dt.date | None = None
        self.left_on: dt.date | None = None
        self.transfers: list[tuple[dt.date, str, str]] = []
        self.mobile: tuple[dt.date, dt.date, str] | None = None
        self.dues_amount = "1.00"
        self.dues_stop: int | None = None  # planted gap: no dues from this month on
        self.old = False  # a full member since before the window: may hold office
        # the development pipeline's records and the dues base (issue 15; see _member_records)
        self.talked_on: dt.date | None = None
        self.training_hours: int | None = None
        self.admission_approved: dt.date | None = None
        self.conversion_approved: dt.date | None = None
        self.extended_to: dt.date | None = None
        self.lost_contact: dt.date | None = None
        self.dues_base: tuple[str, str | None, str | None] | None = None
        self.letters: list[tuple[str, dt.date | None, dt.date | None]] = []  # per transfer

    def present(self, day: dt.date) -> bool:
        """Kept by its org as a probationary or full member on ``day``."""
        return self.admitted is not None and self.admitted <= day and self.left_on is None

    def voting(self, day: dt.date) -> bool:
        return self.status == "full" and self.full_since is not None and self.full_since <= day

    def away(self, day: dt.date) -> bool:
        if self.lost_contact is not None and self.lost_contact <= day:
            return True
        return self.mobile is not None and self.mobile[0] <= day <= self.mobile[1]


# ---------------------------------------------------------------------------- plan


class Synth:
    def __init__(
        self,
        seed: int,
        n_orgs: int,
        n_members: int,
        months: int | None,
        target_records: int | None = None,
    ) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.orgs: list[Org] = []
        self.members: list[Member] = []
        self.gaps: dict[str, list[dict]] = {
            "theme-day": [],
            "branch-assembly": [],
            "dues": [],
            "collective-project": [],
        }
        self._plan_orgs(max(3, n_orgs))
        self._plan_members(n_members)
        if months is None:
            months = self._months_for(target_records or 0)
        self.months = max(1, months)
        self.start_ym = END_YM - self.months + 1
        self.start = ym_day(self.start_ym, 1)
        self.years = list(range(self.start.year, LAST_DAY.year + 1))
        self._member_dates()
        self._offices()
        self._member_records()
        self._relations()
        self._schedules()
        self._plant_gaps()

    def sub(self, tag: str, key: str = "") -> random.Random:
        return random.Random(f"{self.seed}:{tag}:{key}")

    # -- structure -------------------------------------------------------------

    def _plan_orgs(self, n_orgs: int) -> None:
        r = self.rng
        n_town = max(1, round((n_orgs - 1) / 41))
        n_branch = max(1, n_orgs - 1 - n_town)
        county = Org("county", "Qingshan County Party Committee", "county_committee", None)
        county.established = dt.date(1949, 10, 1)
        self.county = county
        self.orgs.append(county)
        names = [a + b for a in SYL_A for b in SYL_B]
        r.shuffle(names)
        width = max(2, len(str(n_town)))
        towns = []
        for t in range(n_town):
            base = names[t % len(names)] + (str(t // len(names) + 1) if t >= len(names) else "")
            org = Org(
                f"tw{t + 1:0{width}d}",
                f"{base} Township Party Committee",
                "township_committee",
                county,
            )
            org.established = dt.date(1950 + r.randint(0, 8), r.randint(1, 12), 1)
            towns.append(org)
            self.orgs.append(org)
        kinds = list(BRANCH_KINDS)
        weights = [BRANCH_KINDS[k][0] for k in kinds]
        seq: Counter = Counter()
        for b in range(n_branch):
            town = towns[b * n_town // n_branch]
            # every township has a village first (pairing, §9, needs villages to pair with)
            kind = "village_branch" if not town.branches else r.choices(kinds, weights)[0]
            code = BRANCH_KINDS[kind][1]
            seq[town.id, code] += 1
            oid = f"{town.id}-{code}{seq[town.id, code]:02d}"
            place = r.choice(names)
            tname = town.name.removesuffix(" Township Party Committee")
            name = {
                "village_branch": f"{place} Village Party Branch",
                "community_branch": f"{place} Community Party Branch",
                "organ_branch": f"{tname} Township {r.choice(ORGAN_UNITS)} Party Branch",
                "enterprise_branch": f"{place} {r.choice(ENTERPRISE_UNITS)} Party Branch",
                "institution_branch": f"{tname} {r.choice(INSTITUTION_UNITS)} Party Branch",
                "social_org_branch": f"{tname} {r.choice(SOCIAL_UNITS)} Party Branch",
                "general_branch": f"{place} Industrial Park General Party Branch",
                "branch": f"{tname} Retired Cadres Party Branch",
            }[kind]
            org = Org(oid, name, kind, town)
            org.township = town
            lo = 1995 if kind in ("enterprise_branch", "social_org_branch") else 1952
            org.established = dt.date(r.randint(lo, 2015), r.randint(1, 12), r.randint(1, 28))
            town.branches.append(org)
            self.orgs.append(org)
        self.towns = towns
        self.branches = [o for o in self.orgs if o.is_branch]

    def _plan_members(self, n_members: int) -> None:
        r = self.rng
        target = n_members - COUNTY_STAFF - TOWNSHIP_STAFF * len(self.towns)
        raw = [
            r.triangular(lo, hi, mode)
            for lo, mode, hi in (BRANCH_KINDS[b.kind][2] for b in self.branches)
        ]
        total = sum(raw) or 1
        sizes = [max(5, round(x * target / total)) for x in raw]
        caps = [50 if b.kind == "branch" else 10**9 for b in self.branches]
        sizes = [min(s, c) for s, c in zip(sizes, caps, strict=True)]
        diff = target - sum(sizes)
        order = list(range(len(sizes)))
        while diff != 0 and order:
            r.shuffle(order)
            moved = False
            for i in order:
                if diff > 0 and sizes[i] < caps[i]:
                    sizes[i] += 1
                    diff -= 1
                    moved = True
                elif diff < 0 and sizes[i] > 5:
                    sizes[i] -= 1
                    diff += 1
                    moved = True
                if diff == 0:
                    break
            if not moved:
                break
        statuses = [s for s, _ in STATUSES]
        sweights = [w for _, w in STATUSES]
        amounts = [a for a, _ in DUES_AMOUNTS]
        aweights = [w for _, w in DUES_AMOUNTS]

        def add(org: Org, status: str, old: bool = False) -> Member:
            m = Member(f"m{len(self.members) + 1:06d}", org, status)
            m.old = old
            m.dues_amount = r.choices(amounts, aweights)[0]
            self.members.append(m)
            org.members.append(m)
            return m

        for _ in range(COUNTY_STAFF):
            add(self.county, "full", True)
        for town in self.towns:
            for _ in range(TOWNSHIP_STAFF):
                add(town, "full", True)
        for b, size in zip(self.branches, sizes, strict=True):
            for i in range(size):
                if i < 3:
                    add(b, "full", True)
                else:
                    add(b, r.choices(statuses, sweights)[0])
            n_full = sum(m.status == "full" for m in b.members)
            n_adm = sum(m.status in ("full", "probationary") for m in b.members)
            if n_full >= 7:
                b.committee = (LAST_DAY, 3, [])  # filled in by _offices
            b.party_groups = b.kind == "general_branch" or (n_adm >= 20 and r.random() < 0.45)

    def _months_for(self, target: int) -> int:
        """The number of months of meetings that brings the repository closest to ``target``."""
        best, best_err = 1, None
        for months in range(1, 241):
            n = self.count_records(END_YM - months + 1)
            err = abs(n - target)
            if best_err is None or err < best_err:
                best, best_err = months, err
            if n > target:
                break
        return best

    def count_records(self, start_ym: int) -> int:
        """Records the plan gives for a window starting at ``start_ym`` (gaps not counted)."""
        n_months = END_YM - start_ym + 1
        quarters = END_YM // 3 - start_ym // 3 + 1
        years = END_YM // 12 - start_ym // 12 + 1
        halves = len([h for h in range(start_ym // 6, END_YM // 6 + 1) if h * 6 + 6 <= END_YM])
        n = 1 + len(self.orgs) + len(self.members)
        for o in self.orgs:
            n += years + max(0, years - 1)  # funds, assessments
            if o.is_branch:
                n += years  # letters
                n += n_months * (1 + (o.committee is not None) + o.party_groups)
                n += quarters * 3 + years * (2 + (o.kind in VILLAGE_LIKE))
            else:
                n += n_months + years * 3
                if o.kind == "township_committee":
                    n += years * 2 + halves  # congress, letter, reports
                    n += years  # its branch secretaries' training
            n += years  # the org's members' training (issue 16)
        return n

    # -- members' dates ----------------------------------------------------------

    def _member_dates(self) -> None:
        r = self.sub("members")
        start = self.start
        old_hi = add_years(start, -3)
        full_hi = add_years(LAST_DAY, -1) - days(20)
        for m in self.members:
            st = m.status
            if st == "applicant":
                m.applied = rand_date(r, LAST_DAY - days(700), LAST_DAY - days(10))
            elif st == "activist":
                m.activist = rand_date(r, LAST_DAY - days(330), LAST_DAY - days(5))
            elif st == "candidate":
                m.candidate = rand_date(r, LAST_DAY - days(300), LAST_DAY - days(5))
            elif st == "probationary":
                m.admitted = rand_date(r, LAST_DAY - days(330), LAST_DAY - days(15))
            else:  # full, or left after being full
                hi = old_hi if (m.old or st != "full") else full_hi
                m.admitted = rand_date(r, dt.date(1972, 1, 1), hi)
                m.full_since = add_years(m.admitted, 1)
                m.old = m.full_since < start
            # walk the pipeline backwards from the latest date that is set
            if m.admitted:
                m.candidate = m.admitted - days(r.randint(60, 300))
            if m.candidate:
                m.activist = m.candidate - days(366 + r.randint(0, 240))
            if m.activist:
                m.applied = m.activist - days(r.randint(30, 200))
            m.birth = add_years(m.applied, -r.randint(18, 34)) - days(r.randint(0, 360))
            female = r.random() < 0.38
            m.gender = "female" if female else "male"
            m.name = f"{r.choice(SURNAMES)} {r.choice(GIVEN)}" + (
                r.choice(GIVEN).lower() if r.random() < 0.7 else ""
            )
            if r.random() < 0.7:
                m.id_number = id_number(r, m.birth, female)
            if st in LEFT:
                m.left_on = rand_date(r, m.full_since + days(30), start - days(30))
                if st == "transferred_out":
                    m.transfers.append((m.left_on, m.org.id, r.choice(OUTSIDE)))
        # a few members came over from another branch before the window
        pool = [m for m in self.members if m.org.is_branch and m.status == "full" and m.old]
        for m in r.sample(pool, len(pool) // 30):
            others = m.org.township.branches
            if len(others) > 1:
                src = r.choice([b for b in others if b is not m.org])
                lo = max(m.admitted + days(30), src.established)
                if lo < start - days(60):
                    m.transfers.append((rand_date(r, lo, start - days(60)), src.id, m.org.id))

    def _offices(self) -> None:
        """Secretaries, committees (elected, term), party groups, mobile members."""
        r = self.sub("offices")
        for org in self.orgs:
            old = [m for m in org.members if m.status == "full" and m.old]
            org.secretary = r.choice(old)
            if org.committee is not None:
                term = 5 if org.kind in VILLAGE_LIKE else 3
                n_full = sum(m.status == "full" for m in org.members)
                size = 3 if n_full < 30 else (5 if n_full < 80 else 7)
                others = [m for m in old if m is not org.secretary]
                chosen = [org.secretary, *r.sample(others, min(size - 1, len(others)))]
                if len(chosen) % 2 == 0:
                    chosen.pop()
                elected = LAST_DAY - days(r.randint(60, term * 365 - 100))
                org.committee = (elected, term, chosen)
            adm = sorted(
                (m for m in org.members if m.present(LAST_DAY)), key=lambda m: (m.admitted, m.id)
            )
            org.adm = adm
            org.adm_dates = [m.admitted for m in adm]
            org.voting_fs = sorted(
                m.full_since for m in org.members if m.full_since and m.status != "transferred_out"
            )
        for org in self.branches:
            if org.committee and org.committee[0] >= self.start:
                # an election inside the window needs 4/5 of the voters: all of them attend
                day = org.committee[0]
                voters = bisect.bisect_right(org.voting_fs, day)
                present = sum(m.voting(day) for m in org.adm)
                if present * 5 > voters * 4:
                    org.election = day
                else:
                    org.committee = (self.start - days(r.randint(30, 300)), *org.committee[1:])
            if org.committee:
                self._seat_committee(org)
            if org.party_groups:
                old = [m for m in org.adm if m.old]
                rest = [m for m in org.adm if not m.old]
                n = max(2, min(len(old), math.ceil(len(org.adm) / 8)))
                groups: list[list[Member]] = [[] for _ in range(n)]
                for i, m in enumerate(old + rest):
                    groups[i % n].append(m)
                org.groups = groups
            # mobile members (working away for a while, §8), not in small or electing branches
            if len(org.adm) >= 12 and org.election is None:
                officers = {org.secretary.id, *(g[0].id for g in org.groups)}
                if org.committee:
                    officers.update(m.id for m in org.committee[2])
                for m in org.adm:
                    if m.id not in officers and r.random() < 0.015:
                        since = rand_date(r, self.start, LAST_DAY - days(60))
                        until = min(LAST_DAY, since + days(r.randint(30, 150)))
                        where = f"{r.choice(SYL_A)}{r.choice(SYL_B)} City"
                        m.mobile = (since, until, where)

    def _seat_committee(self, org: Org) -> None:
        """Keep on the branch committee only members who were full members of the branch
        on the day it was elected (E-SECRETARY): one who became full, or came over from
        another branch, after an election before the window gives way to one who was
        there. Should too few be there, the election is dated when the last of them was.
        Its own random stream, so the other draws stay as they were."""
        elected, term, chosen = org.committee
        late = [m for m in chosen if office_from(m, org) > elected]
        if not late:
            return
        r = self.sub("seats", org.id)
        fit = [
            m
            for m in org.members
            if m.status == "full" and m.old and office_from(m, org) <= elected and m not in chosen
        ]
        seated = []
        for m in chosen:
            if m in late and fit:
                m = fit.pop(r.randrange(len(fit)))
            seated.append(m)
        org.secretary = seated[0]
        # left late only when nobody was there: the election was before the window,
        # where every old member is in place, so the new date stays before it too
        elected = max(elected, *(office_from(m, org) for m in seated))
        org.committee = (elected, term, seated)

    def _member_records(self) -> None:
        """What the member rules of issue 15 read, every deadline met: talks within a
        month of applying, 24+ training hours before admission, approvals within three
        months, a few extended probations, receipts of transfers within a month, letter
        numbers, a few members out of contact lately (absent, and their dues stopped
        short of a finding), and a ``[[dues_base]]`` whose standard is the amount paid.
        Its own random stream: the plan and the other records stay as they were."""
        r = self.sub("member-records")
        kept_from = add_years(self.start, -1)  # records kept a year before tracking began
        letter_no: Counter[int] = Counter()
        for m in self.members:
            if m.applied and m.applied >= kept_from:
                talk = m.applied + days(r.randint(3, 28))
                if talk <= LAST_DAY and (m.activist is None or talk <= m.activist):
                    m.talked_on = talk
            if m.status == "candidate" or (m.admitted and m.admitted >= kept_from):
                m.training_hours = r.randint(24, 40)
            if m.admitted and m.admitted >= kept_from:
                approved = m.admitted + days(r.randint(10, 80))
                if approved <= LAST_DAY:
                    m.admission_approved = approved
            if m.status == "full" and m.full_since and m.full_since >= kept_from:
                approved = m.full_since + days(r.randint(10, 80))
                if approved <= LAST_DAY:
                    m.conversion_approved = approved
            if m.status == "probationary" and r.random() < 0.03:
                m.extended_to = add_years(m.admitted, 1) + days(200)  # 6 to 12 months more
            if m.status in ("full", "probationary"):
                m.dues_base = r.choice(DUES_BASES[m.dues_amount])
            for day, _src, dst in m.transfers:
                letter_no[day.year] += 1
                letter = f"Qingshan Org Transfer [{day.year}] No. {letter_no[day.year]}"
                if SLUG_RE.match(dst):  # inside the county: received within the month
                    m.letters.append((letter, day + days(30), day + days(r.randint(1, 25))))
                else:
                    m.letters.append((letter, day + days(60), None))
        # out of contact lately: not an officer, nor away, in a branch large enough
        for org in self.branches:
            if len(org.adm) < 12 or org.election is not None:
                continue
            officers = {org.secretary.id, *(g[0].id for g in org.groups)}
            if org.committee:
                officers.update(m.id for m in org.committee[2])
            for m in org.adm:
                if (
                    m.status == "full"
                    and m.mobile is None
                    and m.id not in officers
                    and r.random() < 0.002
                ):
                    m.lost_contact = LAST_DAY - days(r.randint(20, 75))
                    m.dues_stop = ym_of(m.lost_contact) + 1  # at most two months unpaid

    def _relations(self) -> None:
        """Pairing (§9), poor villages, contact points (§2), collective projects (§10)."""
        r = self.sub("relations")
        start = self.start
        villages = [b for b in self.branches if b.kind in VILLAGE_LIKE]
        pairers = [b for b in self.branches if b.kind in PAIRERS]
        if villages:
            poor = r.sample(villages, min(len(pairers), max(1, len(villages) // 7)))
            for v in poor:
                v.poor_village = v.kind == "village_branch"
            targets = [v for v in poor if v.poor_village]
            for i, p in enumerate(pairers):
                v = targets[i] if i < len(targets) else r.choice(villages)
                p.pairing.append((v, rand_date(r, dt.date(2016, 1, 1), start - days(30))))
        cadres = [m for m in self.county.members]
        for cadre, org in zip(
            cadres, r.sample(self.branches, min(len(cadres), len(self.branches))), strict=False
        ):
            self.county.contact_points.append(
                (cadre, org, rand_date(r, dt.date(2018, 1, 1), start - days(30)))
            )
        for v in self.branches:
            if v.kind != "village_branch":
                continue
            for k in range(1 if r.random() < 0.7 else 2):
                began = rand_date(r, dt.date(2012, 1, 1), start - days(60))
                what = r.choice(
                    (
                        "Tea garden",
                        "Photovoltaic station",
                        "Cold storage",
                        "Fish ponds",
                        "Rural tourism",
                        "Greenhouse vegetables",
                    )
                )
                income = r.randint(30, 400) * 100_00
                v.projects.append((f"{what} {k + 1}", began, None, income))
        # a few village or community secretaries replaced between elections (§6), decided at
        # a township committee meeting and approved by the county
        later = [
            b
            for b in self.branches
            if b.kind in VILLAGE_LIKE and b.committee and b.committee[0] < start
        ]
        for b in r.sample(later, len(later) // 25):
            old = [m for m in b.committee[2] if m is not b.secretary]
            if old:
                b.sec_change = (None, r.choice(old), b.secretary)  # dated once schedules exist

    # -- meetings ------------------------------------------------------------------

    def _schedule(self, org: Org) -> list[tuple[dt.date, str]]:
        r = self.sub("schedule", org.id)
        first, last = self.start_ym, END_YM
        out: list[tuple[dt.date, str]] = []
        add = out.append
        if org.is_branch:
            pref = r.randint(1, 20)
            for ym in range(first, last + 1):
                add((ym_day(ym, min(28, pref + r.randint(0, 6))), "theme_day"))
                if org.committee:
                    add((ym_day(ym, r.randint(1, 28)), "branch_committee"))
                if org.party_groups:
                    add((ym_day(ym, r.randint(1, 28)), "party_group"))
            for qi in range(first // 3, last // 3 + 1):
                span = [ym for ym in range(qi * 3, qi * 3 + 3) if first <= ym <= last]
                for kind in ("branch_assembly", "party_lesson", "volunteer_service"):
                    day = ym_day(r.choice(span), r.randint(1, 28))
                    if (
                        kind == "branch_assembly"
                        and org.election
                        and ym_of(org.election) // 3 == qi
                    ):
                        day = org.election
                    add((day, kind))
            yearly = ["org_life", "democratic_appraisal"]
            if org.kind in VILLAGE_LIKE:
                yearly.append("decision_hearing")
        else:
            for ym in range(first, last + 1):
                add((ym_day(ym, r.randint(1, 25)), "committee_meeting"))
            yearly = ["committee_study", "committee_study", "supervision"]
            if org.kind == "township_committee":
                yearly.append("party_congress_annual")
        for y in range(first // 12, last // 12 + 1):
            span = [ym for ym in range(y * 12, y * 12 + 12) if first <= ym <= last]
            used = set()
            for kind in yearly:
                day = ym_day(r.choice(span), r.randint(1, 28))
                while (day, kind) in used:
                    day = ym_day(r.choice(span), r.randint(1, 28))
                used.add((day, kind))
                add((day, kind))
        out.sort()
        return out

    def _schedules(self) -> None:
        for org in self.orgs:
            org.schedule = self._schedule(org)
            if not org.is_branch:
                org.meetings = {ym_of(d): d for d, k in org.schedule if k == "committee_meeting"}
        r = self.sub("changes")
        for b in self.branches:
            if b.sec_change:
                town = b.township
                ym = r.randint(self.start_ym + 1, END_YM) if self.start_ym < END_YM else END_YM
                meeting = town.meetings[ym]
                approved = min(LAST_DAY, meeting + days(r.randint(1, 6)))
                day = min(LAST_DAY, approved + days(r.randint(0, 3)))
                decided = f"{town.id}/{meeting.isoformat()}-committee_meeting"
                b.sec_change = (day, b.sec_change[1], b.sec_change[2], decided, approved)

    def _plant_gaps(self) -> None:
        """Remove a known set of records: the gaps the obligations engine must report."""
        r = self.sub("gaps")
        lo, hi = END_YM - 11, END_YM - 1  # overdue at 2026-07-01 with up to 30 days' grace
        theme = [
            (b, i)
            for b in self.branches
            for i, (d, k) in enumerate(b.schedule)
            if k == "theme_day" and lo <= ym_of(d) <= hi
        ]
        drop: dict[Org, set[int]] = defaultdict(set)
        for b, i in sorted(
            r.sample(theme, max(1, round(len(theme) * 0.004))) if theme else [],
            key=lambda t: (t[0].id, t[1]),
        ):
            drop[b].add(i)
            self.gaps["theme-day"].append(
                {"org": b.id, "period": ym_label(ym_of(b.schedule[i][0]))}
            )
        qlo, qhi = (END_YM - 11) // 3, END_YM // 3 - 1  # whole quarters ended before the last
        assembly = [
            (b, i)
            for b in self.branches
            for i, (d, k) in enumerate(b.schedule)
            if k == "branch_assembly"
            and qlo <= ym_of(d) // 3 <= qhi
            and d != b.election
            and qlo * 3 >= self.start_ym
        ]
        for b, i in sorted(
            r.sample(assembly, max(1, round(len(assembly) * 0.003))) if assembly else [],
            key=lambda t: (t[0].id, t[1]),
        ):
            drop[b].add(i)
            qi = ym_of(b.schedule[i][0]) // 3
            self.gaps["branch-assembly"].append({"org": b.id, "period": f"{qi // 4}-Q{qi % 4 + 1}"})
        for b, idx in drop.items():
            b.schedule = [s for i, s in enumerate(b.schedule) if i not in idx]
        payers = [
            m
            for m in self.members
            if m.status in ("full", "probationary")
            and m.admitted <= LAST_DAY - days(300)
            and m.org.is_branch
        ]
        if self.months < 6:  # dues are owed only from tracking_since: no run of 6 to plant
            payers = []
        for m in sorted(
            r.sample(payers, max(1, round(len(payers) * 0.005))) if payers else [],
            key=lambda m: m.id,
        ):
            run = r.randint(6, min(9, self.months))
            m.dues_stop = END_YM - run + 1
            self.gaps["dues"].append(
                {"member": m.id, "unpaid_from": ym_label(m.dues_stop), "months": run}
            )
        villages = [b for b in self.branches if b.projects]
        for v in sorted(
            r.sample(villages, max(1, round(len(villages) * 0.02))) if villages else [],
            key=lambda o: o.id,
        ):
            v.projects = [
                (n, s, rand_date(r, self.start, LAST_DAY - days(30)), i)
                for n, s, _, i in v.projects
            ]
            self.gaps["collective-project"].append({"org": v.id, "period": str(LAST_DAY.year)})


def office_from(m: Member, org: Org) -> dt.date:
    """The first day ``m`` is a full member of ``org``: full, and any transfer into it made."""
    day = m.full_since or LAST_DAY
    for when, _src, dst in m.transfers:
        if dst == org.id:
            day = max(day, when)
    return day


def id_number(r: random.Random, birth: dt.date, female: bool) -> str:
    """An 18-character resident ID with a correct GB 11643 check digit."""
    seq = r.randint(0, 49) * 2 + (0 if female else 1)
    body = f"130123{birth:%Y%m%d}{r.randint(0, 9)}{seq:02d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    s = sum(int(c) * w for c, w in zip(body, weights, strict=True))
    return body + "10X98765432"[s % 11]


# ---------------------------------------------------------------------------- writing


class Writer:
    def __init__(self, synth: Synth, out: Path) -> None:
        self.s = synth
        self.out = out
        self.dirs: set[str] = set()
        self.files: list[tuple[str, int, int]] = []  # (path, month of its commit, blob mark)
        self.git: GitSink | None = None
        self.counts: Counter = Counter()
        self.meeting_kinds: Counter = Counter()
        self.notices: Counter[int] = Counter()  # notices filed per year
        self.series: Counter[tuple[str, int]] = Counter()  # per issuer and year

    def put(self, rel: str, text: str, ym: int, kind: str) -> None:
        folder = rel.rpartition("/")[0]
        if folder and folder not in self.dirs:
            os.makedirs(self.out / folder, exist_ok=True)
            self.dirs.add(folder)
        data = text.encode()
        fd = os.open(self.out / rel, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)
        mark = self.git.blob(data) if self.git else 0
        self.files.append((rel, ym, mark))
        self.counts[kind] += 1

    def write_all(self) -> None:
        s = self.s
        first = s.start_ym
        self.put(
            "dangjian.toml",
            f'name = "Qingshan County (synthetic, seed {s.seed})"\nlanguage = "en"\n'
            f"tracking_since = {s.start.isoformat()}\n"
            + "".join(
                f"\n[rules.{rule}]\napplies_from = {s.start.isoformat()}\n"
                for rule in ADOPTED_RULES
            ),
            first,
            "settings",
        )
        for org in s.orgs:
            self.put(f"orgs/{org.id}.toml", self.org_text(org), first, "orgs")
        r = s.sub("write-members")
        for m in s.members:
            self.put(f"members/{m.id}.toml", self.member_text(m, r), first, "members")
        for org in s.orgs:
            self.write_meetings(org)
        r = s.sub("write-docs")
        for org in s.orgs:
            self.write_funds(org, r)
        for org in s.orgs:
            self.write_letters_reports(org, r)
        self.write_trainings()

    # -- orgs and members

    def org_text(self, o: Org) -> str:
        lines = [f"name = {q(o.name)}", f'kind = "{o.kind}"']
        if o.parent:
            lines.append(f'parent = "{o.parent.id}"')
        lines.append(f"established = {o.established.isoformat()}")
        lines.append(f"secretary = {o.secretary.qid}")
        if o.party_groups:
            lines.append("party_groups = true")
        if o.poor_village:
            lines.append("poor_village = true")
        if o.committee:
            elected, term, members = o.committee
            lines += [
                "",
                "[committee]",
                f"elected = {elected.isoformat()}",
                f"term_years = {term}",
                "members = [" + ", ".join(m.qid for m in members) + "]",
            ]
        if o.sec_change:
            day, old, new, decided, approved = o.sec_change
            lines += [
                "",
                "[[secretary_changes]]",
                f"date = {day.isoformat()}",
                f"from = {old.qid}",
                f"to = {new.qid}",
                f'decided_at = "{decided}"',
                'approved_by = "county"',
                f"approved_on = {approved.isoformat()}",
            ]
        for other, since in o.pairing:
            lines += ["", "[[pairing]]", f'org = "{other.id}"', f"since = {since.isoformat()}"]
        for cadre, other, since in o.contact_points:
            lines += [
                "",
                "[[contact_points]]",
                f"cadre = {cadre.qid}",
                f'org = "{other.id}"',
                f"since = {since.isoformat()}",
            ]
        for name, started, ended, income in o.projects:
            lines += ["", "[[projects]]", f"name = {q(name)}", f"started = {started.isoformat()}"]
            if ended:
                lines.append(f"ended = {ended.isoformat()}")
            lines.append(f"annual_income = {money(income)}")
        return "\n".join(lines) + "\n"

    def member_text(self, m: Member, r: random.Random) -> str:
        s = self.s
        lines = [
            f"name = {q(m.name)}",
            f'gender = "{m.gender}"',
            f"birth_date = {m.birth.isoformat()}",
        ]
        if m.id_number:
            lines.append(f'id_number = "{m.id_number}"')
        lines += [f'org = "{m.org.id}"', f'status = "{m.status}"']
        for key, value in (
            ("applied", m.applied),
            ("activist_since", m.activist),
            ("candidate_since", m.candidate),
            ("admitted", m.admitted),
            ("full_since", m.full_since),
            ("left_on", m.left_on),
            ("talked_on", m.talked_on),
            ("admission_approved_on", m.admission_approved),
            ("probation_extended_to", m.extended_to),
            ("conversion_approved_on", m.conversion_approved),
            ("lost_contact_since", m.lost_contact),
        ):
            if value:
                lines.append(f"{key} = {value.isoformat()}")
        if m.training_hours is not None:
            lines.append(f"training_hours = {m.training_hours}")
        if m.status == "full" and m.full_since and m.org.is_branch:
            years = [y for y in s.years[:-1] if m.full_since.year < y]
            if years:
                lines += ["", "[stars]"]
                lines += [f'"{y}" = {r.choices((3, 4, 5, 2), (30, 40, 25, 5))[0]}' for y in years]
        if m.mobile:
            since, until, where = m.mobile
            lines += [
                "",
                "[mobile]",
                f"since = {since.isoformat()}",
                f"location = {q(where)}",
                f"until = {until.isoformat()}",
            ]
        for (day, src, dst), (letter, valid, received) in zip(m.transfers, m.letters, strict=True):
            lines += [
                "",
                "[[transfers]]",
                f"date = {day.isoformat()}",
                f"from = {q(src)}",
                f"to = {q(dst)}",
                f"letter = {q(letter)}",
                f"valid_until = {valid.isoformat()}",
            ]
            if received:
                lines.append(f"received_on = {received.isoformat()}")
        if m.dues_base:
            category, base, fixed = m.dues_base
            lines += [
                "",
                "[[dues_base]]",
                f'since = "{ym_label(max(ym_of(m.admitted), s.start_ym))}"',
            ]
            lines.append(f'category = "{category}"')
            if base:
                lines.append(f'base = "{base}"')
            if fixed:
                lines.append(f'amount = "{fixed}"')
            if category == "other":  # a reduction, approved by the township
                lines += [
                    f'approved_by = "{m.org.township.id}"',
                    f"approved_on = {s.start.isoformat()}",
                ]
        if m.status in ("full", "probationary"):
            first = max(ym_of(m.admitted), s.start_ym)
            stop = m.dues_stop if m.dues_stop is not None else END_YM + 1
            amount = m.dues_amount
            for ym in range(first, stop):
                paid = ym_day(ym, r.randint(1, 28))
                if paid < m.admitted:
                    paid = m.admitted
                lines += [
                    "",
                    "[[dues]]",
                    f'month = "{ym_label(ym)}"',
                    f'amount = "{amount}"',
                    f"paid_on = {paid.isoformat()}",
                ]
        return "\n".join(lines) + "\n"

    # -- meetings

    def write_meetings(self, org: Org) -> None:
        s = self.s
        r = s.sub("write-meetings", org.id)
        topics = TOPICS
        cps = {o.id: c for c, o, _ in s.county.contact_points}
        cadre = cps.get(org.id)
        lesson_years: set[int] = set()
        group_turn = 0
        for day, kind in org.schedule:
            chair = org.secretary_on(day)
            absent: list[tuple[Member, str]] = []
            lecturer = None
            election = kind == "branch_assembly" and day == org.election
            if kind == "branch_committee":
                pool = [m for m in org.committee[2]]
                if chair not in pool:
                    pool.insert(0, chair)
                present = [m for m in pool if not m.away(day)]
                absent = [(m, "working away") for m in pool if m.away(day)]
                if len(pool) >= 5 and r.random() < 0.3:
                    gone = r.choice([m for m in present if m is not chair])
                    present.remove(gone)
                    absent.append((gone, r.choice(ABSENCE_REASONS)))
            elif kind == "party_group":
                group = org.groups[group_turn % len(org.groups)]
                group_turn += 1
                chair = group[0]
                present = [m for m in group if m.present(day) and not m.away(day)]
                if len(present) < 2:
                    present = [m for m in org.adm if m.present(day) and not m.away(day)]
                    chair = org.secretary_on(day)
            else:
                present, absent = self.attendance(org, day, chair, r, 0 if election else 3)
                if kind == "volunteer_service" and len(present) > 4:
                    keep = {chair.id, *(m.id for m in r.sample(present, len(present) * 2 // 3))}
                    present = [m for m in present if m.id in keep]
                    absent = []
            if kind == "party_lesson":
                if cadre and day.year not in lesson_years:
                    lesson_years.add(day.year)
                    lecturer = cadre
                else:
                    lecturer = chair
            present.sort(key=lambda m: m.id)
            others = [m for m in present if m is not chair]
            recorder = r.choice(others) if others else chair
            topic = "Election of the branch committee" if election else r.choice(topics[kind])
            online = r.random() < 0.04
            lines = [
                f'kind = "{kind}"',
                f"date = {day.isoformat()}",
                f"topic = {q(topic)}",
                "location = "
                + ('"Online (video meeting)"' if online else '"Party members\' activity room"'),
                f"chair = {chair.qid}",
                f"recorder = {recorder.qid}",
            ]
            if lecturer:
                lines.append(f"lecturer = {lecturer.qid}")
            if online:
                lines.append("online = true")
            if election:
                lines.append("election = true")
            lines.append("attendees = [" + ", ".join(m.qid for m in present) + "]")
            lines.append(f"minutes = {q(f'{topic}. {len(present)} attended; decisions recorded.')}")
            for m, why in absent:
                lines += ["", "[[absent]]", f"member = {m.qid}", f'reason = "{why}"']
            rel = f"meetings/{org.id}/{day.isoformat()}-{kind}.toml"
            self.put(rel, "\n".join(lines) + "\n", ym_of(day), "meetings")
            self.meeting_kinds[kind] += 1

    def attendance(
        self, org: Org, day: dt.date, chair: Member, r: random.Random, max_absent: int
    ) -> tuple[list[Member], list[tuple[Member, str]]]:
        """Members present and absent; more than half of the voters always attend (quorum)."""
        n = bisect.bisect_right(org.adm_dates, day)
        present, absent = [], []
        for m in org.adm[:n]:
            (
                absent.append((m, "working away (mobile member)"))
                if m.away(day)
                else present.append(m)
            )
        voters = bisect.bisect_right(org.voting_fs, day)
        voting = sum(m.voting(day) for m in present)
        k = r.choice((0, 0, 1, 1, 2, 3))
        for _ in range(min(k, max_absent)):
            cand = [m for m in present if m is not chair]
            if not cand:
                break
            m = r.choice(cand)
            if m.voting(day) and (voting - 1) * 2 <= voters:
                break
            present.remove(m)
            voting -= m.voting(day)
            absent.append((m, r.choice(ABSENCE_REASONS)))
        if chair not in present:  # the secretary chairs whether or not listed as a member here
            present.insert(0, chair)
        return present, absent

    # -- funds, letters, reports, assessments

    def write_funds(self, org: Org, r: random.Random) -> None:
        s = self.s
        size = len(org.members)
        fiscal = {"county_committee": 800_000, "township_committee": 150_000}.get(
            org.kind, 8_000 + 400 * size
        )
        for year in s.years:
            last = LAST_DAY if year == LAST_DAY.year else dt.date(year, 12, 31)
            events: list[tuple[dt.date, int, str, str, int]] = []  # date, order, dir, source, cents
            events.append(
                (
                    dt.date(year, 1, r.randint(2, 8)),
                    0,
                    "income",
                    "fiscal",
                    round(fiscal * r.uniform(0.8, 1.2)) * 100,
                )
            )
            for month in (1, 4, 7, 10):
                d = dt.date(year, month, r.randint(9, 14))
                if d <= last:
                    events.append((d, 0, "income", "dues_retained", size * r.randint(300, 900)))
            if r.random() < 0.3:
                d = rand_date(r, dt.date(year, 2, 1), last)
                events.append((d, 0, "income", "other", r.randint(10, 300) * 10_000))
            for _ in range(r.randint(4, 12)):
                events.append((rand_date(r, dt.date(year, 1, 15), last), 1, "expense", "", 0))
            events.sort(key=lambda e: (e[0], e[1]))
            balance = {"fiscal": 0, "dues_retained": 0, "other": 0}
            lines: list[str] = []
            n = 0
            for d, _, direction, source, cents in events:
                if direction == "expense":
                    funded = [k for k, v in balance.items() if v >= 2_000]
                    if not funded:
                        continue
                    source = r.choice(funded)
                    cents = r.randint(1_000, max(1_000, balance[source] * 35 // 100))
                    cats = [
                        c for c in EXPENSES if not (c == "subsidy" and source == "dues_retained")
                    ]
                    cat = r.choice(cats)
                    balance[source] -= cents
                    extra = [f'category = "{cat}"', f"purpose = {q(EXPENSES[cat])}"]
                else:
                    balance[source] += cents
                    extra = [f"purpose = {q(_income_purpose(source))}"]
                n += 1
                lines += [
                    "[[entry]]",
                    f"date = {d.isoformat()}",
                    f'direction = "{direction}"',
                    f'source = "{source}"',
                    f"amount = {money(cents)}",
                    *extra,
                    f'voucher = "{year}-{n:03d}"',
                    f"approved_by = {org.secretary_on(d).qid}",
                    "",
                ]
            ym = min(ym_of(events[-1][0]), END_YM)
            self.put(f"funds/{org.id}/{year}.toml", "\n".join(lines), ym, "funds")

    def write_letters_reports(self, org: Org, r: random.Random) -> None:
        s = self.s
        parent = org.parent
        for year in s.years:
            if parent is not None:
                signed = dt.date(year, r.randint(1, 3), r.randint(5, 25))
                tasks = TASKS if org.is_branch else (*TASKS[3:], "Guide and supervise branches")
                text = (
                    f'parent = "{parent.id}"\norg = "{org.id}"\n'
                    f"signed_on = {signed.isoformat()}\n"
                    "tasks = [" + ", ".join(q(t) for t in tasks) + "]\n"
                    f"signatories = [{parent.secretary_on(signed).qid}, "
                    f"{org.secretary_on(signed).qid}]\n"
                )
                self.put(f"letters/{year}/{org.id}.toml", text, ym_of(signed), "letters")
            if year < LAST_DAY.year:
                # the county's own secretary is debriefed above the repository: never poor here
                grades = GRADES if parent is not None else GRADES[:-1]
                grade, lo, hi, _ = r.choices(grades, [g[3] for g in grades])[0]
                assessed = dt.date(year + 1, 1, r.randint(10, 25))
                secretary = org.secretary_on(dt.date(year, 12, 31))
                text = (
                    f'org = "{org.id}"\nsecretary = {secretary.qid}'
                    f'\nyear = {year}\ngrade = "{grade}"\nscore = {r.randint(lo, hi)}\n'
                    f"assessed_on = {assessed.isoformat()}\n"
                )
                self.put(f"assessments/{year}/{org.id}.toml", text, year * 12 + 12, "assessments")
                if grade == "poor":  # §3: the parent admonishes the org within 30 days
                    self.write_admonition(org, year, assessed + days(r.randint(3, 28)))
        if org.kind == "township_committee":
            for h in range(s.start_ym // 6, END_YM // 6 + 1):
                end = h * 6 + 5
                if end >= END_YM:
                    continue
                submitted = ym_day(end + 1, r.randint(3, 25))
                period = f"{h // 2}-h{h % 2 + 1}"
                n = sum(1 for d, _ in org.schedule if h * 6 <= ym_of(d) <= end)
                text = (
                    f'org = "{org.id}"\nto = "{org.parent.id}"\nperiod = "{period}"\n'
                    f"submitted_on = {submitted.isoformat()}\n"
                    f'summary = "{len(org.branches)} branches guided; {n} committee '
                    f'meetings and studies held; rules of branch life followed."\n'
                )
                self.put(f"reports/{org.id}/{period}.toml", text, ym_of(submitted), "reports")

    def write_admonition(self, org: Org, year: int, issued: dt.date) -> None:
        """The admonition (诫勉) a poor debriefing grade makes due (rule
        poor-grade-followup): issued by the org's parent to the org, numbered in the
        parent's own series, filed as notices/<yyyy>/<nnn>.toml in a county-wide series."""
        parent = org.parent
        self.notices[issued.year] += 1
        self.series[parent.id, issued.year] += 1
        issuer = parent.name.removesuffix(" Party Committee")
        number = f"{issuer} Admonition [{issued.year}] No. {self.series[parent.id, issued.year]}"
        finding = f"The secretary's debriefing on party building in {year} was graded poor"
        text = (
            f'kind = "admonition"\nnumber = {q(number)}\nissuer = "{parent.id}"\n'
            f'target = "{org.id}"\nissued_on = {issued.isoformat()}\nfindings = [{q(finding)}]\n'
        )
        rel = f"notices/{issued.year}/{self.notices[issued.year]:03d}.toml"
        self.put(rel, text, ym_of(issued), "notices")

    # -- trainings (issue 16)

    def write_trainings(self) -> None:
        """Each year every org's members take part in a training of 32 hours (a branch's
        held by its township, a committee's cadres' by the county), and each township's
        branch secretaries (those in office at the year's end) in a training for
        secretaries: rules study-hours and secretary-training find nothing to report.
        One file per org and per township keeps every file below 2,000 rows."""
        s = self.s
        for year in s.years:
            day = dt.date(year, 3, 10)
            for org in s.orgs:
                who = sorted(m.qid for m in org.members if m.present(day))
                if who:
                    by = org.township if org.is_branch else s.county
                    audience = "members" if org.is_branch else "cadres"
                    title = f"{year} study course of {org.name}"
                    self._training(year, f"{org.id}-study", title, by, day, 32, audience, who)
            day = dt.date(year, 11, 18) if year < LAST_DAY.year else dt.date(year, 4, 20)
            towns: dict[Org, set[str]] = defaultdict(set)
            for b in s.branches:
                towns[b.township].add(b.secretary_on(dt.date(year, 12, 31)).qid)
            for town, who_set in sorted(towns.items(), key=lambda t: t[0].id):
                title = f"{year} training of the branch secretaries of {town.name}"
                rel = f"{town.id}-secretaries"
                self._training(year, rel, title, town, day, 24, "secretaries", sorted(who_set))

    def _training(
        self,
        year: int,
        tid: str,
        title: str,
        by: Org,
        day: dt.date,
        hours: int,
        audience: str,
        who: list[str],
    ) -> None:
        lines = [
            f"title = {q(title)}",
            f'organiser = "{by.id}"',
            f"start = {day.isoformat()}",
            f"end = {(day + days(2)).isoformat()}",
            f"hours = {hours}",
            f'audience = "{audience}"',
        ]
        for qid in who:
            lines += ["", "[[participants]]", f"member = {qid}"]
        self.put(f"trainings/{year}/{tid}.toml", "\n".join(lines) + "\n", ym_of(day), "trainings")


def _income_purpose(source: str) -> str:
    return {
        "fiscal": "Annual operating allocation",
        "dues_retained": "Share of dues retained",
        "other": "Donation for party activities",
    }[source]


# ---------------------------------------------------------------------------- git


def git_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        GIT_AUTHOR_NAME=AUTHOR[0],
        GIT_AUTHOR_EMAIL=AUTHOR[1],
        GIT_COMMITTER_NAME=AUTHOR[0],
        GIT_COMMITTER_EMAIL=AUTHOR[1],
        GIT_AUTHOR_DATE="2026-07-01T09:00:00+08:00",
        GIT_COMMITTER_DATE="2026-07-01T09:00:00+08:00",
        GIT_CONFIG_NOSYSTEM="1",
        HOME=os.environ.get("HOME", "/tmp"),
    )
    return env


class GitSink:
    """Feeds ``git fast-import`` while the files are written: blobs first, then one commit
    per month (settings, orgs and members in the first), with a fixed author and dates."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.env = git_env()
        subprocess.run(["git", "init", "-q", "-b", "main", str(out)], check=True, env=self.env)
        self.proc = subprocess.Popen(
            ["git", "fast-import", "--quiet", "--done"],
            cwd=out,
            env=self.env,
            stdin=subprocess.PIPE,
        )
        assert self.proc.stdin is not None
        self.w = self.proc.stdin
        self.marks = 0

    def blob(self, data: bytes) -> int:
        self.marks += 1
        self.w.write(b"blob\nmark :%d\ndata %d\n" % (self.marks, len(data)) + data + b"\n")
        return self.marks

    def finish(self, files: list[tuple[str, int, int]], start_ym: int) -> int:
        by_month: dict[int, list[tuple[str, int]]] = defaultdict(list)
        for rel, ym, mark in files:
            by_month[min(max(ym, start_ym), END_YM)].append((rel, mark))
        person = f"{AUTHOR[0]} <{AUTHOR[1]}>".encode()
        w = self.w
        commits = 0
        for ym in sorted(by_month):
            stamp = dt.datetime.combine(
                ym_day(ym + 1, 1) - days(1), dt.time(18, 0), dt.timezone(dt.timedelta(hours=8))
            )
            when = b"%d +0800" % int(stamp.timestamp())
            msg = (
                f"Import organisations and members; records of {ym_label(ym)}"
                if commits == 0
                else f"Records of {ym_label(ym)}"
            ).encode()
            w.write(
                b"commit refs/heads/main\nauthor %s %s\ncommitter %s %s\ndata %d\n%s\n"
                % (person, when, person, when, len(msg), msg)
            )
            w.write(
                b"".join(
                    b"M 100644 :%d %s\n" % (mark, rel.encode())
                    for rel, mark in sorted(by_month[ym])
                )
            )
            w.write(b"\n")
            commits += 1
        w.write(b"done\n")
        w.close()
        if self.proc.wait() != 0:
            raise SystemExit("synth: git fast-import failed")
        # index the work tree as it is (the files are already there)
        run = dict(cwd=self.out, env=self.env, check=True)
        subprocess.run(["git", "read-tree", "HEAD"], **run)
        subprocess.run(["git", "update-index", "-q", "--refresh"], **run)
        return commits


# ---------------------------------------------------------------------------- check


MEETING_RE = re.compile(r"(\d{4}-\d{2}-\d{2})-([a-z_]+?)(?:-\d+)?\Z")
SLUG_RE = re.compile(r"[a-z0-9][a-z0-9._-]*\Z")


def full_in(member: dict, oid: str, day: dt.date) -> bool:
    """Whether a member record is a full member of ``oid`` on ``day`` (E-SECRETARY's test
    for a branch secretary and, stricter than it, for a committee member): full since,
    and any transfer into the org made, by then."""
    return (
        member.get("org") == oid
        and member.get("status") == "full"
        and member["full_since"] <= day
        and all(t["date"] <= day for t in member.get("transfers", []) if t["to"] == oid)
    )


def check(out: Path) -> int:
    """Parse every TOML file and check references and the §2 consistency rules we rely on."""
    errors: list[str] = []
    err = errors.append
    data: dict[str, dict] = {}
    for path in sorted(out.rglob("*.toml")):
        rel = path.relative_to(out).as_posix()
        if rel.startswith(".git/"):
            continue
        try:
            with open(path, "rb") as fh:
                data[rel] = tomllib.load(fh)
        except tomllib.TOMLDecodeError as exc:
            err(f"{rel}: {exc}")
    orgs = {p[5:-5]: d for p, d in data.items() if p.startswith("orgs/")}
    members = {p[8:-5]: d for p, d in data.items() if p.startswith("members/")}
    if "dangjian.toml" not in data:
        err("dangjian.toml: missing")
    tops = [o for o, d in orgs.items() if "parent" not in d]
    if len(tops) != 1:
        err(f"orgs: {len(tops)} orgs without parent")
    full_count: Counter = Counter()
    all_count: Counter = Counter()
    voting: dict[str, list[dt.date]] = defaultdict(list)
    for mid, d in members.items():
        p = f"members/{mid}.toml"
        org = d.get("org")
        if org not in orgs:
            err(f"{p}: unknown org {org!r}")
        all_count[org] += 1
        if d["status"] == "full":
            full_count[org] += 1
        if d.get("full_since") and d["status"] != "transferred_out":
            voting[org].append(d["full_since"])
        chain = [
            d.get(k)
            for k in ("applied", "activist_since", "candidate_since", "admitted", "full_since")
        ]
        chain = [c for c in chain if c]
        if chain != sorted(chain):
            err(f"{p}: pipeline dates out of order")
        if d.get("applied") and add_years(d["birth_date"], 18) > d["applied"]:
            err(f"{p}: under 18 when applied")
        if (
            d.get("activist_since")
            and d.get("candidate_since")
            and add_years(d["activist_since"], 1) > d["candidate_since"]
        ):
            err(f"{p}: less than a year from activist to candidate")
        if d["status"] in ("full", "probationary") and not d.get("admitted"):
            err(f"{p}: no admitted date")
        if d["status"] == "full" and d.get("full_since") != add_years(d["admitted"], 1):
            err(f"{p}: full_since is not admitted + 1 year")
        months = [row["month"] for row in d.get("dues", [])]
        if len(months) != len(set(months)):
            err(f"{p}: dues month repeated")
        # issue 15: the development pipeline's deadlines met, the dues standard paid
        for start, done, months_allowed in (
            ("applied", "talked_on", 1),
            ("admitted", "admission_approved_on", 3),
            ("full_since", "conversion_approved_on", 3),
        ):
            if d.get(done) and not d[start] <= d[done] <= add_months(d[start], months_allowed):
                err(f"{p}: {done} not within {months_allowed} months of {start}")
        if d["status"] == "probationary" and d.get("training_hours", 24) < 24:
            err(f"{p}: fewer than 24 training hours")
        bases = d.get("dues_base", [])
        if len(bases) > 1:
            err(f"{p}: more than one dues base row")
        for row in d.get("dues", []) if bases else ():
            if row["month"] < bases[0]["since"]:
                err(f"{p}: dues of {row['month']} before the dues base")
            elif Decimal(row["amount"]) != dues_standard(bases[0]):
                err(f"{p}: dues of {row['month']} differ from the standard")
        for t in d.get("transfers", []):
            for k in ("from", "to"):
                if SLUG_RE.match(t[k]) and t[k] not in orgs:
                    err(f"{p}: transfer names unknown org {t[k]!r}")
            if (
                t["from"] in orgs
                and t["to"] in orgs
                and not t["date"] < t.get("received_on", t["date"]) <= add_months(t["date"], 1)
            ):
                err(f"{p}: transfer of {t['date']} not received within a month")
    for v in voting.values():
        v.sort()
    admonished: dict[str, list[dt.date]] = defaultdict(list)
    for rel, d in data.items():
        if rel.startswith("notices/") and d["kind"] == "admonition":
            admonished[d["target"]].append(d["issued_on"])
    for oid, d in orgs.items():
        p = f"orgs/{oid}.toml"
        if "parent" in d and d["parent"] not in orgs:
            err(f"{p}: unknown parent")
        sec = d.get("secretary")
        if sec not in members or members[sec]["org"] != oid:
            err(f"{p}: secretary {sec!r} missing or not a member here")
        branch = d["kind"] in BRANCH_KINDS
        if branch and full_count[oid] < 3:
            err(f"{p}: fewer than 3 full members")
        if d["kind"] == "branch" and all_count[oid] > 50:
            err(f"{p}: plain branch with more than 50 members")
        if branch and full_count[oid] >= 7 and "committee" not in d:
            err(f"{p}: 7+ full members and no committee")
        for mid in d.get("committee", {}).get("members", []):
            if mid not in members or members[mid]["org"] != oid:
                err(f"{p}: committee member {mid!r} missing or elsewhere")
            elif branch and not full_in(members[mid], oid, d["committee"]["elected"]):
                err(f"{p}: committee member {mid!r} not a full member here when elected")
        if branch and "committee" in d and sec not in d["committee"]["members"]:
            err(f"{p}: secretary {sec!r} not on the committee")
        for ch in d.get("secretary_changes", []):
            if branch and not full_in(members.get(ch["to"], {}), oid, ch["date"]):
                err(f"{p}: new secretary {ch['to']!r} not a full member here on {ch['date']}")
            if f"meetings/{ch['decided_at']}.toml" not in data:
                err(f"{p}: decided_at names no meeting")
            elif data[f"meetings/{ch['decided_at']}.toml"]["date"] > ch["date"]:
                err(f"{p}: decided after the change")
        for row in d.get("pairing", []) + d.get("contact_points", []):
            if row["org"] not in orgs:
                err(f"{p}: unknown org {row['org']!r}")
    for rel, d in data.items():
        parts = rel.split("/")
        top = parts[0]
        if top == "meetings":
            oid, stem = parts[1], parts[2][:-5]
            mm = MEETING_RE.match(stem)
            if oid not in orgs or not mm:
                err(f"{rel}: bad meeting path")
                continue
            if mm.group(1) != d["date"].isoformat() or mm.group(2) != d["kind"]:
                err(f"{rel}: date or kind differs from the file name")
            att = d["attendees"]
            absent = [a["member"] for a in d.get("absent", [])]
            if set(att) & set(absent):
                err(f"{rel}: attendees and absentees overlap")
            for mid in [*att, *absent, d.get("chair"), d.get("recorder"), d.get("lecturer")]:
                if mid is not None and mid not in members:
                    err(f"{rel}: unknown member {mid!r}")
            for mid in [*att, *absent]:
                if mid in members and members[mid]["org"] != oid:
                    err(f"{rel}: {mid} is not a member of {oid}")
            day = d["date"]
            if d["kind"] == "branch_assembly":
                voters = bisect.bisect_right(voting[oid], day)
                present = sum(
                    1
                    for mid in att
                    if members[mid]["status"] == "full" and members[mid]["full_since"] <= day
                )
                need = 4 / 5 if d.get("election") else 1 / 2
                if present <= voters * need:
                    err(f"{rel}: no quorum ({present} of {voters} voters)")
            if d["kind"] == "branch_committee":
                com = orgs[oid]["committee"]["members"]
                if sum(1 for mid in att if mid in com) * 2 <= len(com):
                    err(f"{rel}: committee meeting without quorum")
        elif top == "funds":
            bal: Counter = Counter()
            rows = d.get("entry", [])
            if rows and rows[0]["direction"] != "income":
                err(f"{rel}: first entry is not income")
            for row in sorted(rows, key=lambda e: e["date"]):
                amt = Decimal(row["amount"])
                bal[row["source"]] += amt if row["direction"] == "income" else -amt
                if bal[row["source"]] < 0:
                    err(f"{rel}: {row['source']} balance negative on {row['date']}")
                if row["source"] == "dues_retained" and row.get("category") == "subsidy":
                    err(f"{rel}: dues pay a subsidy")
        elif top == "letters":
            if d["org"] not in orgs or orgs[d["org"]].get("parent") != d["parent"]:
                err(f"{rel}: letter parent/org wrong")
        elif top == "reports":
            if d["org"] not in orgs or d["to"] not in orgs:
                err(f"{rel}: unknown org")
        elif top == "assessments":
            if d["org"] not in orgs or d["secretary"] not in members:
                err(f"{rel}: unknown org or secretary")
            if d["grade"] == "poor":  # §3: admonished within 30 days of the debriefing
                day = d.get("assessed_on", dt.date(d["year"] + 1, 1, 31))
                if not any(
                    day <= issued <= day + days(30)
                    for issued in [
                        *admonished.get(d["org"], ()),
                        *admonished.get(d["secretary"], ()),
                    ]
                ):
                    err(f"{rel}: poor grade and no admonition within 30 days")
        elif top == "notices" and (d["issuer"] not in orgs or d["target"] not in orgs):
            err(f"{rel}: unknown issuer or target")
    for line in errors[:30]:
        print(line, file=sys.stderr)
    print(f"check: {len(data)} files parsed, {len(errors)} problems")
    return 1 if errors else 0


def planted(manifest: dict) -> set[tuple[str, str, str]]:
    """(subject, rule, period) of every gap the manifest lists (a dues gap: period ``*``)."""
    out: set[tuple[str, str, str]] = set()
    for rule, gaps in manifest["gaps"].items():
        for gap in gaps:
            if rule == "dues":
                out.add((gap["member"], rule, "*"))
            else:
                out.add((gap["org"], rule, gap["period"]))
    return out


def reported(findings: list[dict]) -> set[tuple[str, str, str]]:
    """The same triples of ``dangjian overdue --format json``'s findings."""
    return {
        (f["subject"], f["rule"], "*" if f["rule"] == "dues" else f["period"]) for f in findings
    }


def verify(out: Path) -> int:
    """Run the ``dangjian`` command installed beside this Python (or on PATH) on ``out``:
    ``validate`` must find no problem and ``overdue`` exactly the planted gaps. Without
    the command it says so and passes. No cache is read or written (DANGJIAN_CACHE=0)."""
    exe = shutil.which("dangjian", path=str(Path(sys.executable).parent)) or shutil.which(
        "dangjian"
    )
    if exe is None:
        print("verify: no dangjian command found; skipped")
        return 0
    manifest = json.loads((out / "synth-manifest.json").read_text(encoding="utf-8"))
    env = {**os.environ, "DANGJIAN_CACHE": "0"}
    bad = 0

    def run(*args: str) -> list[dict]:
        done = subprocess.run(
            [exe, "-C", str(out), *args, "--format", "json"], capture_output=True, env=env
        )
        if done.returncode not in (0, 1):
            raise SystemExit(f"synth: dangjian {args[0]} failed: {done.stderr.decode()[-500:]}")
        return json.loads(done.stdout)

    problems = run("validate")
    for p in problems[:30]:
        print(f"{p['path']}:{p.get('line') or ''} {p['code']} {p['message']}", file=sys.stderr)
    print(f"verify: dangjian validate: {len(problems)} problems")
    bad += len(problems)
    expected = planted(manifest)
    got = reported(run("overdue", "--as-of", manifest["as_of"], "--force"))
    for triple in sorted(got - expected)[:30]:
        print(f"not planted but overdue: {' '.join(triple)}", file=sys.stderr)
    for triple in sorted(expected - got)[:30]:
        print(f"planted but not overdue: {' '.join(triple)}", file=sys.stderr)
    print(
        f"verify: dangjian overdue --as-of {manifest['as_of']}: {len(got)} findings, "
        f"{len(expected)} planted, {len(got - expected)} unplanted, {len(expected - got)} missed"
    )
    bad += len(got ^ expected)
    return 1 if bad else 0


# ---------------------------------------------------------------------------- CLI


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("out", metavar="OUT_DIR", type=Path)
    ap.add_argument("--records", type=int, help="about this many record files (picks the rest)")
    ap.add_argument("--orgs", type=int, help=f"organisations (default {DEFAULT_ORGS})")
    ap.add_argument("--members", type=int, help=f"members (default {DEFAULT_MEMBERS})")
    ap.add_argument("--months", type=int, help=f"months of meetings (default {DEFAULT_MONTHS})")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--git", action="store_true", help="make it a git repo, one commit a month")
    ap.add_argument("--force", action="store_true", help="empty a non-empty OUT_DIR first")
    ap.add_argument("--check", action="store_true", help="parse and cross-check the output")
    ap.add_argument("--check-only", action="store_true", help="only check an existing OUT_DIR")
    a = ap.parse_args(argv)
    out: Path = a.out
    if a.check_only:
        return max(check(out), verify(out))
    if a.records is not None and (a.orgs or a.members or a.months):
        ap.error("--records and --orgs/--members/--months exclude each other")
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        if not a.force:
            print(
                f"synth: {out} is not empty; use --force to replace its contents", file=sys.stderr
            )
            return 2
        here = Path(__file__).resolve()
        if out.resolve() in (Path("/"), Path.home().resolve()) or out.resolve() in here.parents:
            print(f"synth: refusing to empty {out}", file=sys.stderr)
            return 2
        if out.is_dir():
            for child in out.iterdir():
                shutil.rmtree(
                    child
                ) if child.is_dir() and not child.is_symlink() else child.unlink()
        else:
            out.unlink()
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    if a.records is not None:
        n = max(a.records, 200)
        synth = Synth(a.seed, round(n / 130), round(n / 4), None, n)
    else:
        synth = Synth(
            a.seed, a.orgs or DEFAULT_ORGS, a.members or DEFAULT_MEMBERS, a.months or DEFAULT_MONTHS
        )
    writer = Writer(synth, out)
    if a.git:
        writer.git = GitSink(out)
    writer.write_all()
    gaps = {k: len(v) for k, v in synth.gaps.items()}
    manifest = {
        "generator": "benchmarks/synth.py",
        "seed": a.seed,
        "months": synth.months,
        "tracking_since": synth.start.isoformat(),
        "last_day": LAST_DAY.isoformat(),
        "as_of": "2026-07-01",
        "counts": dict(sorted(writer.counts.items())),
        "meeting_kinds": dict(sorted(writer.meeting_kinds.items())),
        "planted_gaps": gaps,
        "gaps": synth.gaps,
    }
    writer.put("synth-manifest.json", json.dumps(manifest, indent=1) + "\n", END_YM, "manifest")
    t_write = time.perf_counter() - t0
    commits = writer.git.finish(writer.files, synth.start_ym) if writer.git else 0
    elapsed = time.perf_counter() - t0
    skip = ("settings", "manifest")
    records = sum(v for k, v in writer.counts.items() if k not in skip)
    kinds = ", ".join(f"{k} {v}" for k, v in writer.counts.items() if k not in skip)
    mk = ", ".join(f"{k} {v}" for k, v in sorted(writer.meeting_kinds.items()))
    print(f"meetings by kind: {mk}")
    git = f"; git {commits} commits" if a.git else ""
    print(
        f"synth: {records} records in {out} ({kinds}); {synth.months} months "
        f"{ym_label(synth.start_ym)}..{ym_label(END_YM)}, seed {a.seed}; planted gaps: "
        + ", ".join(f"{k} {v}" for k, v in gaps.items())
        + f" (overdue at 2026-07-01); written in {t_write:.1f}s{git}, total {elapsed:.1f}s"
    )
    if a.check:
        return max(check(out), verify(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
