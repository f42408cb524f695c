"""Members: pipeline dates and status, identity numbers, dues months, transfers.

The checks that read rule data (the dues standard, the activist year, probation
extensions) are in rules/member_checks.py; a mobile member owes a transfer by
rule transfer-owed (rules/engine.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from itertools import pairwise
from operator import attrgetter, mul

from ..dates import add_years
from ..i18n import Message, say
from ..problems import Problem, error
from ..records import model as m
from . import Context, check

_MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])\Z")
_MONTH_OF = attrgetter("month")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


@check("E-REQUIRED", reads=("members",), each="members")
def status_dates(ctx: Context) -> Iterator[Problem]:
    """The pipeline date a status implies is given: `admitted` from probationary on,
    `full_since` for a full member.

    People who have left (transferred out, withdrawn...) are not required to have
    them: old files are often incomplete, and the status says enough.
    """
    for mb in ctx.records.members.values():
        for name in m.STATUS_REQUIRES.get(mb.status or "", ()):
            if getattr(mb, name) is None:
                yield error(
                    "E-REQUIRED",
                    mb.path,
                    say("status {status!r} requires `{name}`", status=mb.status, name=name),
                    ("status",),
                )


@check("E-ORDER", reads=("members",), each="members")
def pipeline_order(ctx: Context) -> Iterator[Problem]:
    """Pipeline dates fall in order (applied, activist, candidate, admitted, full),
    none before birth, and `left_on` not before the first of them.

    Equal dates are accepted: a file may record two steps decided the same day.
    """
    for mb in ctx.records.members.values():
        given = [(name, getattr(mb, name)) for name in m.PIPELINE if getattr(mb, name)]
        for (prev, before), (name, day) in pairwise(given):
            if day < before:
                yield error(
                    "E-ORDER",
                    mb.path,
                    say(
                        "`{name}` {day} is before `{prev}` {before}",
                        name=name,
                        day=day,
                        prev=prev,
                        before=before,
                    ),
                    (name,),
                )
        if mb.birth_date:
            for name, day in given:
                if day < mb.birth_date:
                    yield error(
                        "E-ORDER",
                        mb.path,
                        say(
                            "`{name}` {day} is before `birth_date` {born}",
                            name=name,
                            day=day,
                            born=mb.birth_date,
                        ),
                        (name,),
                    )
        if mb.left_on and given and mb.left_on < given[0][1]:
            yield error(
                "E-ORDER",
                mb.path,
                say(
                    "`left_on` {day} is before `{name}` {before}",
                    day=mb.left_on,
                    name=given[0][0],
                    before=given[0][1],
                ),
                ("left_on",),
            )


@check("E-AGE", reads=("members",), each="members")
def applicant_age(ctx: Context) -> Iterator[Problem]:
    """An applicant is at least 18 on the day of applying (party constitution)."""
    for mb in ctx.records.members.values():
        if mb.birth_date and mb.applied and mb.applied < add_years(mb.birth_date, 18):
            age = mb.applied.year - mb.birth_date.year
            if (mb.applied.month, mb.applied.day) < (mb.birth_date.month, mb.birth_date.day):
                age -= 1
            yield error(
                "E-AGE",
                mb.path,
                say(
                    "applied on {day} aged {age}: an applicant must be at least 18",
                    day=mb.applied,
                    age=age,
                ),
                ("applied",),
            )


@check("E-DUES-MONTH", "E-DUES-DUP", heavy=True, reads=("members", "dues"), each="members")
def dues_months(ctx: Context) -> Iterator[Problem]:
    """Each dues row names a real month as "YYYY-MM", and no month is paid twice."""
    months: set[str] = set()  # well-formed months met so far: most rows repeat one
    for mb in ctx.records.members.values():
        if _nothing_new(mb, months):
            continue
        first: dict[str, int] = {}
        for i, row in enumerate(mb.dues):
            if row.month is None:
                continue
            if row.month in months and row.month not in first:
                first[row.month] = i
                continue
            key = ("dues", i, "month")
            if not _MONTH.match(row.month):
                yield error(
                    "E-DUES-MONTH",
                    mb.path,
                    say('dues month {month!r} is not a month written "YYYY-MM"', month=row.month),
                    key,
                )
            elif row.month in first:
                yield error(
                    "E-DUES-DUP",
                    mb.path,
                    say(
                        "dues month {month} is repeated (first in row {row})",
                        month=row.month,
                        row=first[row.month] + 1,
                    ),
                    key,
                )
            else:
                first[row.month] = i
                months.add(row.month)


def _nothing_new(mb: m.Member, months: set[str]) -> bool:
    """Whether :func:`dues_months` finds nothing on a member and learns no month,
    known without going through the rows one by one: each row names a month met
    already (so a well-formed one) and no month twice. Nearly every member of a
    county pays so (a million rows: 0.45 -> 0.1 s)."""
    paid = list(map(_MONTH_OF, mb.dues))
    distinct = set(paid)
    return len(distinct) == len(paid) and distinct <= months


def id_number_problem(number: str, birth: date | None) -> Message | None:
    """Why ``number`` is not a valid GB 11643 resident id, or None when it is.

    A lower-case ``x`` is accepted as the check character (common in typed data).
    The birth date inside the number must be a real date, and the member's
    `birth_date` when that is given: a mismatch is a typing error in one of them.
    The reason names the part that is wrong, never a digit of the number (nor the
    expected check digit, which would complete a number mistyped there): it is
    personal data, and messages end up in terminals, CI logs and review comments.
    """
    if len(number) != 18 or not number[:17].isdigit() or number[17] not in "0123456789Xx":
        return say("must be 18 characters: 17 digits and a digit or X")
    # 17 digits (tested above) times 17 weights, multiplied and added up in C
    total = sum(map(mul, map(int, number[:17]), _ID_WEIGHTS))
    want = _ID_CHECK[total % 11]
    if number[17].upper() != want:
        return say("has a wrong check digit (the last character): a digit is mistyped")
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return say("holds no real birth date (characters 7 to 14)")
    if birth and born != birth:
        return say("holds a birth date (characters 7 to 14) other than `birth_date`")
    return None


@check("E-ID-NUMBER", reads=("members",), each="members")
def id_numbers(ctx: Context) -> Iterator[Problem]:
    """An `id_number`, when given, is a well-formed resident id with the right check digit."""
    for mb in ctx.records.members.values():
        if mb.id_number is None:
            continue
        why = id_number_problem(mb.id_number.strip(), mb.birth_date)
        if why:
            # the number itself stays out of the message: it is personal data
            yield error("E-ID-NUMBER", mb.path, say("`id_number` {why}", why=why), ("id_number",))


@check("E-TRANSFER", reads=("members",), each="members")
def transfer_chain(ctx: Context) -> Iterator[Problem]:
    """Transfers, in date order, chain up (each `from` is the previous `to`), and the
    last `to` is the member's `org` unless the member was transferred out.

    A transfer without `from` is taken as continuing the chain. Two transfers on
    one day are a chain only in file order, so their order is kept as written.
    """
    for mb in ctx.records.members.values():
        moves = [(i, t) for i, t in enumerate(mb.transfers) if t.date]
        moves.sort(key=lambda it: it[1].date)  # type: ignore[arg-type,return-value]
        for (_, prev), (i, t) in pairwise(moves):
            if t.from_ is not None and prev.to is not None and t.from_ != prev.to:
                yield error(
                    "E-TRANSFER",
                    mb.path,
                    say(
                        "transfer of {day} is from {org!r}, "
                        "but the transfer of {before} went to {to!r}",
                        day=t.date,
                        org=t.from_,
                        before=prev.date,
                        to=prev.to,
                    ),
                    ("transfers", i, "from"),
                )
        if not moves or mb.status == "transferred_out":
            continue
        last_i, last = moves[-1]
        if last.to is not None and mb.org is not None and last.to != mb.org:
            yield error(
                "E-TRANSFER",
                mb.path,
                say(
                    "last transfer ({day}) goes to {to!r}, but `org` is {org!r}",
                    day=last.date,
                    to=last.to,
                    org=mb.org,
                ),
                ("transfers", last_i, "to"),
                hint=say("set `org` to the receiving org, or status to transferred_out"),
            )
