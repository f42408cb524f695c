"""Checks of member records against rule data (a check family, see checks.FAMILIES).

The dues standard (rule ``dues-standard``), the activist year (rule
``activist-year``) and the probation extension (rule ``probation-conversion``)
are limits a record either keeps or breaks, not deadlines: ``validate`` reports
them, with numbers a repository may change in dangjian.toml. They live under
rules/ because they read the rule catalogue, which the checks below rules/ cannot.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from operator import attrgetter

from ..checks import Context, check
from ..i18n import say
from ..problems import Problem, error, warning
from ..records import model as m
from .catalog import load_rules
from .dues import Scale, base_for, how_found, row_problem, scale_of, standard_of
from .periods import shift


@check(
    "E-DUES-AMOUNT",
    "W-DUES-STANDARD",
    "E-DUES-BASE",
    heavy=True,
    reads=("members", "dues", "settings"),
    each="members",
)
def dues_standard(ctx: Context) -> Iterator[Problem]:
    """A dues payment is more than zero, and (for a member with `[[dues_base]]` rows)
    the standard of its month; each base row gives a standard.

    Members without base rows are judged on the amount's sign only: a repository
    that keeps no bases is not warned once per payment (see `dangjian dues standard`).
    """
    rules = load_rules(ctx.records.settings)
    rule = rules.get("dues-standard")
    scale = scale_of(ctx.records.settings) if rule is not None else None
    for mb in ctx.records.members.values():
        if _plainly_kept(mb, scale):
            continue
        for i, row in enumerate(mb.dues):
            if row.amount is not None and row.amount <= 0:
                yield error(
                    "E-DUES-AMOUNT",
                    mb.path,
                    say(
                        "dues of {month} paid {amount}: a payment is more than zero",
                        month=row.month,
                        amount=row.amount,
                    ),
                    ("dues", i, "amount"),
                    hint=say("a member exempted pays nothing: record no row for the month"),
                )
        if not mb.dues_base or scale is None:
            continue
        for i, base in enumerate(mb.dues_base):
            why = row_problem(base, scale)
            if why:
                yield error(
                    "E-DUES-BASE",
                    mb.path,
                    say("dues base from {since}: {why}", since=base.since, why=why),
                    ("dues_base", i),
                )
        # each base row's standard once, not once per payment (a county has 40,000
        # members paying every month: the Decimal arithmetic was the check's cost)
        standards: dict[int, Decimal | None] = {}
        for i, row in enumerate(mb.dues):
            if row.month is None or row.amount is None or row.amount <= 0:
                continue
            base = base_for(mb, row.month)
            if base is None:
                continue
            key = id(base)
            if key not in standards:
                standards[key] = standard_of(base, scale)
            standard = standards[key]
            if standard is None or standard == row.amount:
                continue
            yield warning(
                "W-DUES-STANDARD",
                mb.path,
                say(
                    "dues of {month} paid {amount}, the standard is {standard} "
                    "({how}, row from {since})",
                    month=row.month,
                    amount=row.amount,
                    standard=standard,
                    how=how_found(base, scale),
                    since=base.since,
                ),
                ("dues", i, "amount"),
            )


_AMOUNT_OF = attrgetter("amount")


def _plainly_kept(mb: m.Member, scale: Scale | None) -> bool:
    """Whether :func:`dues_standard` certainly finds nothing on a member, known
    without going through the rows one by one: every row paid one and the same
    amount above zero, and each base row is sound and gives that amount as its
    standard (or gives none). Nearly every member of a county is so (a million
    rows: 0.7 -> 0.2 s); any other member is gone through row by row, which then
    finds what it always did, in the same order."""
    if not mb.dues:
        return False
    amounts = set(map(_AMOUNT_OF, mb.dues))
    if len(amounts) != 1:
        return False
    (paid,) = amounts
    if paid is None or paid <= 0:
        return False
    if not mb.dues_base or scale is None:
        return True
    for base in mb.dues_base:
        # base_for gives a row only if it has a `since`: the others judge no payment
        if row_problem(base, scale) is not None:
            return False
        if base.since:
            try:
                standard = standard_of(base, scale)
            except Exception:  # left to the rows, which meet it (or not) as ever
                return False
            if standard is not None and standard != paid:
                return False
    return True


@check("W-ACTIVIST-YEAR", "E-ACTIVIST-YEAR", reads=("members", "settings"), each="members")
def activist_year(ctx: Context) -> Iterator[Problem]:
    """At least one year of training as an activist before becoming a candidate
    (rule activist-year: a warning, or an error with severity = "error")."""
    rule = load_rules(ctx.records.settings).get("activist-year")
    if rule is None:
        return
    span = (rule.deadline or "+1y").lstrip("+")
    make, code = (
        (error, "E-ACTIVIST-YEAR")
        if rule.severity == "error"
        else (
            warning,
            "W-ACTIVIST-YEAR",
        )
    )
    for mb in ctx.records.members.values():
        a, c = mb.activist_since, mb.candidate_since
        if a and c and a <= c < shift(a, span):
            yield make(
                code,
                mb.path,
                say(
                    "candidate since {day}, less than {span} after becoming an activist on {since}",
                    day=c,
                    span=span,
                    since=a,
                ),
                ("candidate_since",),
            )


@check("E-PROBATION-EXTENSION", reads=("members", "settings"), each="members")
def probation_extension(ctx: Context) -> Iterator[Problem]:
    """A probation is extended once only, by 6 to 12 months beyond its year
    (rule probation-conversion: `extension_min`, `extension_max`)."""
    rule = load_rules(ctx.records.settings).get("probation-conversion")
    term = ((rule.deadline if rule else None) or "+1y").lstrip("+")
    low = rule.extension_min if rule else "6m"
    high = rule.extension_max if rule else "12m"
    for mb in ctx.records.members.values():
        days = mb.probation_extended_to
        if not days:
            continue
        key = ("probation_extended_to",)
        if len(days) > 1:
            yield error(
                "E-PROBATION-EXTENSION",
                mb.path,
                say(
                    "probation extended {n} times ({days}): a probation is extended once only",
                    n=len(days),
                    days=", ".join(str(d) for d in days),
                ),
                key,
                hint=say("decide the conversion, or end the membership"),
            )
            continue
        if mb.admitted is None:
            continue
        end = shift(mb.admitted, term)
        if not shift(end, low) <= days[0] <= shift(end, high):
            yield error(
                "E-PROBATION-EXTENSION",
                mb.path,
                say(
                    "probation extended to {day}: an extension adds {low} to {high} "
                    "to the year ending {end} ({first} to {last})",
                    day=days[0],
                    low=low,
                    high=high,
                    end=end,
                    first=shift(end, low),
                    last=shift(end, high),
                ),
                key,
            )
