"""The rule catalogue: built-in rules (builtin.toml) merged with a repository's overrides.

Rules are data so that a county can change a number without a release: any key a
built-in rule has may be set again under ``[rules.<id>]`` in dangjian.toml, and
``enabled = false`` switches a rule off. A bad override is a validation problem
(see :func:`settings_problems`); it is then ignored, never half-applied.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from ..i18n import Message, say
from ..problems import Problem, error
from ..records import layout
from ..records import model as m
from .periods import PERIOD_KINDS, parse_span

#: rule types whose subjects are members (their `kinds` are member statuses)
MEMBER_TYPES = (
    "probation",
    "dues",
    "step",
    "training",
    "interval",
    "receipt",
    "mobile",
    "dues-standard",
    "study-hours",
)
#: rule types whose subjects are notices (their `kinds` are notice kinds)
NOTICE_TYPES = ("notice", "followup")
#: extra conditions an org must meet for a rule with `requires`
CONDITIONS = ("committee", "party_groups", "parent", "secretary", "poor_village")
#: types that are evaluated per calendar period
PERIODIC_TYPES = ("meetings", "report", "letter", "assessment", "contact-lesson")


@dataclass(frozen=True, slots=True)
class Rule:
    """One obligation rule, with the repository's overrides applied."""

    id: str
    type: str
    clause: str = ""
    kinds: tuple[str, ...] = ()
    parent_kinds: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()
    counts: str | None = None
    min: int = 1
    period: str | None = None
    grace_days: int = 0
    deadline: str | None = None
    due_before: str = "30d"
    due_months: int = 3
    overdue_months: int = 6
    term_years: int = 3
    long_term_years: int = 5
    long_term_kinds: tuple[str, ...] = ()
    title: dict[str, str] = field(default_factory=dict)
    task: dict[str, str] = field(default_factory=dict)
    #: self-withdrawal-review: months without taking part, and the meetings counted
    months: int = 6
    meeting_kinds: tuple[str, ...] = ()
    #: how much the rule weighs in `rank` (0: not scored); any rule may set it
    weight: int = 1
    #: whether a report, letter or debriefing filed late (met_late) counts as met in `rank`
    late_is_met: bool = True
    #: member rules on the development pipeline and transfers: the member field the
    #: deadline counts from (``start``) and the one that meets it (``done``)
    start: str | None = None
    done: str | None = None
    #: the record field a repository must keep for the rule to be judged, and the day
    #: it is judged from (``applies_from`` in dangjian.toml; unset: one summary line)
    needs: str | None = None
    applies_from: date | None = None
    #: interval rules (checked by validate): warning or error
    severity: str = "warning"
    #: candidate-training: hours before admission; study-hours: hours a year
    min_hours: int = 24
    #: study-hours: the hours a party lesson attended counts
    lesson_hours: int = 2
    #: the trainings counted, by audience (secretary-training: ``secretaries``;
    #: candidate-training: ``candidates``; empty: every training)
    audiences: tuple[str, ...] = ()
    #: probation-conversion: an extension adds from ``extension_min`` to ``extension_max``
    extension_min: str = "6m"
    extension_max: str = "12m"
    #: dues-standard: income limits of the brackets (ascending) and the rate (per
    #: cent) of each bracket, one more rate than limits (the last: above every limit)
    salary_limits: tuple[float, ...] = ()
    salary_rates: tuple[float, ...] = ()
    retiree_limits: tuple[float, ...] = ()
    retiree_rates: tuple[float, ...] = ()
    #: dues-standard: the fixed amount, and the range of a farmer's amount
    flat: str = "0.20"
    farmer_min: str = "0.20"
    farmer_max: str = "1.00"

    def text(self, key: str, language: str = "en") -> str:
        """``title`` or ``task`` in ``language``, falling back to English, then the id."""
        texts: dict[str, str] = getattr(self, key)
        return texts.get(language) or texts.get("en") or self.id

    def applies_to_org(self, org: m.Org, orgs: dict[str, m.Org]) -> bool:
        """Whether an org is a subject of this (org) rule, by kind, parent kind and conditions."""
        if self.kinds and org.kind not in self.kinds:
            return False
        if self.parent_kinds:
            parent = orgs.get(org.parent or "")
            if parent is None or parent.kind not in self.parent_kinds:
                return False
        return all(_meets(org, cond) for cond in self.requires)


def committee_term(org: m.Org, rules: dict[str, Rule]) -> int:
    """The years an org's committee serves: its own ``term_years``, else what rule
    committee-election sets for the org's kind (longer for villages and communities),
    else 3. ``status`` and the site show the term by it."""
    term = org.committee.term_years if org.committee is not None else None
    election = rules.get("committee-election")
    if term is None and election is not None:
        long = org.kind in election.long_term_kinds
        term = election.long_term_years if long else election.term_years
    return term or 3


def _meets(org: m.Org, condition: str) -> bool:
    if condition == "committee":
        return org.committee is not None
    if condition == "party_groups":
        return bool(org.party_groups)
    if condition == "parent":
        return bool(org.parent)
    if condition == "secretary":
        return bool(org.secretary)
    if condition == "poor_village":
        return bool(org.poor_village)
    return False


# ---- the built-in table ---------------------------------------------------------


@cache
def builtin() -> dict[str, dict[str, Any]]:
    """The raw built-in rule tables, read once from the package data."""
    text = resources.files(__package__).joinpath("builtin.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


_LISTS = ("kinds", "parent_kinds", "requires", "long_term_kinds", "meeting_kinds", "audiences")
#: lists of numbers (the dues brackets)
_NUMBERS = ("salary_limits", "salary_rates", "retiree_limits", "retiree_rates")
#: amounts written as text
_AMOUNT_KEYS = ("flat", "farmer_min", "farmer_max")
_INTS = (
    "min",
    "grace_days",
    "due_months",
    "overdue_months",
    "term_years",
    "long_term_years",
    "weight",
    "months",
    "min_hours",
    "lesson_hours",
)
#: keys every rule accepts in dangjian.toml though builtin.toml need not name them
_ANY_RULE = ("enabled", "weight", "late_is_met")


#: the range of each number a rule override may set: wide for any county's
#: practice, narrow enough that no date a rule computes leaves the calendar
INT_RANGES: dict[str, tuple[int, int]] = {
    "min": (1, 100),  # records per period
    "grace_days": (0, 366),
    "due_months": (1, 120),
    "overdue_months": (1, 120),
    "term_years": (1, 20),
    "long_term_years": (1, 20),
    "weight": (0, 100),
    "months": (1, 60),
    "min_hours": (0, 1000),
    "lesson_hours": (0, 8),
}
_AMOUNT = re.compile(r"\d+(\.\d{1,2})?\Z")
#: the longest span of ``due_before`` and of a ``+`` deadline: 10 years
MAX_SPAN = {"d": 3660, "m": 120, "y": 10}


def _make(rule_id: str, table: dict[str, Any]) -> Rule:
    values = {k: v for k, v in table.items() if k != "enabled"}
    for key in (*_LISTS, *_NUMBERS):
        if key in values:
            values[key] = tuple(values[key])
    return Rule(id=rule_id, **values)


# ---- overrides --------------------------------------------------------------------


def _vocabulary(rule_type: str, key: str) -> tuple[Any, ...] | None:
    if key == "audiences":
        return m.TRAINING_AUDIENCES
    if key == "kinds":
        if rule_type in MEMBER_TYPES:
            return m.MEMBER_STATUSES
        if rule_type in NOTICE_TYPES:
            return m.NOTICE_KINDS
        return m.ORG_KINDS
    if key in ("parent_kinds", "long_term_kinds"):
        return m.ORG_KINDS
    if key == "requires":
        return CONDITIONS
    if key == "meeting_kinds":
        return m.MEETING_KINDS
    return None


def _check_value(rule_type: str, key: str, value: Any) -> Message | None:
    """Why ``value`` cannot be the rule's ``key``, or None when it can."""
    if key in ("enabled", "late_is_met"):
        return None if isinstance(value, bool) else say("must be true or false")
    if key in _INTS:
        if isinstance(value, bool) or not isinstance(value, int):
            return say("must be a whole number")
        floor, ceiling = INT_RANGES.get(key, (0, 1000))
        if not floor <= value <= ceiling:
            return say(
                "must be from {floor} to {ceiling}, got {value}",
                floor=floor,
                ceiling=ceiling,
                value=value,
            )
        return None
    if key in _LISTS:
        vocab = _vocabulary(rule_type, key)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return say("must be a list of names")
        bad = [v for v in value if vocab is not None and v not in vocab]
        if bad:
            return say(
                "has unknown value {value!r} (expected one of {known})",
                value=bad[0],
                known=", ".join(vocab or ()),
            )
        return None
    if key == "counts":
        if value not in m.MEETING_KINDS:
            return say("has unknown meeting kind {value!r}", value=value)
        return None
    if key == "period":
        if value not in PERIOD_KINDS:
            return say(
                "has unknown period {value!r} (expected one of {known})",
                value=value,
                known=", ".join(PERIOD_KINDS),
            )
        return None
    if key == "due_before":
        try:
            span = parse_span(value)
        except ValueError:
            return say("{value!r} is not a span like 30d, 6m or 1y", value=value)
        return _span_too_long(value, span)
    if key == "deadline":
        return _check_deadline(value)
    if key in ("extension_min", "extension_max"):
        try:
            span = parse_span(value)
        except (ValueError, TypeError, AttributeError):
            return say("{value!r} is not a span like 6m", value=value)
        return _span_too_long(value, span)
    if key == "applies_from":
        return None if type(value) is date else say("must be a date, like 2026-09-01")
    if key == "severity":
        return None if value in ("warning", "error") else say('must be "warning" or "error"')
    if key in _NUMBERS:
        if not isinstance(value, list) or not all(
            isinstance(v, int | float) and not isinstance(v, bool) and v >= 0 for v in value
        ):
            return say("must be a list of numbers, none below zero")
        if key.endswith("_limits") and value != sorted(value):
            return say("must be in ascending order")
        return None
    if key in _AMOUNT_KEYS:
        if not isinstance(value, str) or not _AMOUNT.match(value):
            return say('must be an amount written as text, like "0.20"')
        return None
    if key == "clause":
        return None if isinstance(value, str) else say("must be text")
    if key in ("title", "task"):
        if not isinstance(value, dict) or not all(
            k in m.LANGUAGES and isinstance(v, str) for k, v in value.items()
        ):
            return say("must be a table of texts by language (en, zh)")
        return None
    return say("cannot be changed")


def _span_too_long(text: str, span: tuple[int, str]) -> Message | None:
    """Why a span (``due_before``, a ``+`` deadline) is too long, or None."""
    n, unit = span
    if n > MAX_SPAN[unit]:
        return say("{value!r} is longer than {years} years", value=text, years=MAX_SPAN["y"])
    return None


def _check_deadline(value: Any) -> Message | None:
    if not isinstance(value, str):
        return say('must be text such as "+31d" or "03-31"')
    if value.startswith("+"):
        try:
            span = parse_span(value[1:])
        except ValueError:
            return say("{value!r} is not an offset like +31d, +6m or +1y", value=value)
        return _span_too_long(value, span)
    try:
        date.fromisoformat(f"2024-{value}")
    except ValueError:
        return say("{value!r} is not a day of the year (MM-DD) or an offset (+31d)", value=value)
    return None


def _read_overrides(settings: m.Settings) -> tuple[dict[str, dict[str, Any]], list[Problem]]:
    """The valid overrides per rule id, and a problem for every invalid one."""
    table = builtin()
    good: dict[str, dict[str, Any]] = {}
    problems: list[Problem] = []
    path = settings.path or layout.SETTINGS_FILE
    for rule_id, given in (settings.rules or {}).items():
        key: tuple[str | int, ...] = ("rules", rule_id)
        if rule_id not in table:
            close = difflib.get_close_matches(rule_id, table, n=1)
            problems.append(
                error(
                    "E-RULE-UNKNOWN",
                    path,
                    say("[rules.{rule}]: no such rule", rule=rule_id),
                    key,
                    hint=say("did you mean {name!r}?", name=close[0])
                    if close
                    else say("see `dangjian rules`"),
                )
            )
            continue
        if not isinstance(given, dict):
            problems.append(
                error("E-RULE-VALUE", path, say("rules.{rule} must be a table", rule=rule_id), key)
            )
            continue
        base = table[rule_id]
        accepted: dict[str, Any] = {}
        for name, value in given.items():
            adoptable = name == "applies_from" and "needs" in base
            if not adoptable and name not in _ANY_RULE and (name not in base or name == "type"):
                allowed = ", ".join([*_ANY_RULE, *(k for k in base if k != "type")])
                problems.append(
                    error(
                        "E-RULE-KEY",
                        path,
                        say("[rules.{rule}]: unknown key `{name}`", rule=rule_id, name=name),
                        (*key, name),
                        hint=say("this rule has: {keys}", keys=allowed),
                    )
                )
                continue
            why = _check_value(base["type"], name, value)
            if why:
                problems.append(
                    error(
                        "E-RULE-VALUE",
                        path,
                        say("rules.{rule}.{name} {why}", rule=rule_id, name=name, why=why),
                        (*key, name),
                    )
                )
                continue
            accepted[name] = value
        for kind in ("salary", "retiree"):  # one rate per bracket, one more above the last
            limits = accepted.get(f"{kind}_limits", base.get(f"{kind}_limits"))
            rates = accepted.get(f"{kind}_rates", base.get(f"{kind}_rates"))
            if limits is not None and rates is not None and len(rates) != len(limits) + 1:
                problems.append(
                    error(
                        "E-RULE-VALUE",
                        path,
                        say(
                            "rules.{rule}.{kind}_rates needs {n} rates "
                            "(one per bracket of {kind}_limits, and one above), got {got}",
                            rule=rule_id,
                            kind=kind,
                            n=len(limits) + 1,
                            got=len(rates),
                        ),
                        (*key, f"{kind}_rates"),
                    )
                )
                accepted.pop(f"{kind}_limits", None)
                accepted.pop(f"{kind}_rates", None)
        good[rule_id] = accepted
    return good, problems


def settings_problems(settings: m.Settings) -> list[Problem]:
    """Every unknown rule id, unknown key and bad value under ``[rules]``."""
    return _read_overrides(settings)[1]


#: merged catalogues by frozen ``[rules]`` table (a process sees one or two)
_MERGED: dict[Any, dict[str, Rule]] = {}
_MERGED_MAX = 32


def load_rules(settings: m.Settings | None = None) -> dict[str, Rule]:
    """Built-in rules merged with the repository's valid overrides; disabled ones left out.

    Merged once per distinct ``[rules]`` table: batch work asks once per org (a
    county's letters). Each call gets its own dict; the rules in it are frozen.
    """
    key = _frozen(settings.rules) if settings is not None else None
    rules = _MERGED.get(key)
    if rules is None:
        if len(_MERGED) >= _MERGED_MAX:
            _MERGED.clear()
        rules = _MERGED[key] = _merge(settings)
    return dict(rules)


def _merge(settings: m.Settings | None) -> dict[str, Rule]:
    overrides = _read_overrides(settings)[0] if settings is not None else {}
    rules: dict[str, Rule] = {}
    for rule_id, table in builtin().items():
        merged = {**table, **overrides.get(rule_id, {})}
        if merged.get("enabled", True) is False:
            continue
        rules[rule_id] = _make(rule_id, merged)
    return rules


def _frozen(value: Any) -> Any:
    """A hashable copy of a TOML value that tells ``1`` from ``True`` and ``1.0``."""
    if isinstance(value, dict):
        return ("{}", tuple((k, _frozen(v)) for k, v in value.items()))
    if isinstance(value, list):
        return ("[]", tuple(_frozen(v) for v in value))
    return (type(value), value)


def applicable_rules(records: Any, org_id: str) -> list[Rule]:
    """The enabled rules that apply to one org, in catalogue order (for letter tasks).

    Member and notice rules apply to every org that keeps members or can be
    named by a notice, so they are listed for branches (members) and not for others
    only by kind; state rules follow their own conditions (a poor village must be
    paired even though villages are not among the helping kinds).
    """
    org = records.orgs.get(org_id)
    if org is None:
        return []
    out: list[Rule] = []
    for rule in load_rules(records.settings).values():
        if rule.type in MEMBER_TYPES:
            if org.is_branch:
                out.append(rule)
        elif rule.type in ("notice", "followup", "weak"):
            continue  # owed only after a notice, a poor grade or a weak record
        elif rule.type == "contact-lesson":
            if org.contact_points:
                out.append(rule)
        elif rule.type == "pairing":
            if rule.applies_to_org(org, records.orgs) or org.poor_village:
                out.append(rule)
        elif rule.applies_to_org(org, records.orgs):
            out.append(rule)
    return out
