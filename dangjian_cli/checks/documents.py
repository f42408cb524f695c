"""Letters, reports, notices and assessments: the record agrees with where it is filed,
and its dates follow each other."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..i18n import say
from ..problems import Problem, error
from . import Context, check

_PERIOD = re.compile(r"\d{4}-[hH][12]\Z")


def _stem(path: str) -> str:
    return path.rsplit("/", 1)[-1][:-5]


def _folder(path: str) -> str:
    return path.split("/")[1]


@check("E-PATH-MISMATCH", reads=("letters",), each="letters")
def letters_filed_right(ctx: Context) -> Iterator[Problem]:
    """letters/<yyyy>/<org>.toml holds the letter of that org for that year.

    A letter for a year is signed in that year or in its last quarter before
    (year-end meetings often sign next year's letters); any other `signed_on`
    means the file sits in the wrong year folder.
    """
    for letter in ctx.records.letters:
        stem = _stem(letter.path)
        if letter.org is not None and letter.org != stem:
            yield error(
                "E-PATH-MISMATCH",
                letter.path,
                say("`org` {org!r} differs from the file name {stem!r}", org=letter.org, stem=stem),
                ("org",),
            )
        day = letter.signed_on
        if day is not None and not (
            day.year == letter.year or (day.year == letter.year - 1 and day.month >= 10)
        ):
            yield error(
                "E-PATH-MISMATCH",
                letter.path,
                say(
                    "signed on {day}, which does not fit the year folder {year}",
                    day=day,
                    year=letter.year,
                ),
                ("signed_on",),
            )


@check("E-PATH-MISMATCH", reads=("reports",), each="reports")
def reports_filed_right(ctx: Context) -> Iterator[Problem]:
    """reports/<org>/<yyyy>-h1|h2.toml holds that org's report for that half-year."""
    for report in ctx.records.reports:
        folder, stem = _folder(report.path), _stem(report.path)
        if report.org is not None and report.org != folder:
            yield error(
                "E-PATH-MISMATCH",
                report.path,
                say(
                    "`org` {org!r} differs from the folder {folder!r}",
                    org=report.org,
                    folder=folder,
                ),
                ("org",),
            )
        if report.period is not None:
            if not _PERIOD.match(report.period):
                yield error(
                    "E-PATH-MISMATCH",
                    report.path,
                    say(
                        '`period` {period!r} is not a half-year written like "2026-h1"',
                        period=report.period,
                    ),
                    ("period",),
                )
            elif report.period.lower() != stem:
                yield error(
                    "E-PATH-MISMATCH",
                    report.path,
                    say(
                        "`period` {period!r} differs from the file name {stem!r}",
                        period=report.period,
                        stem=stem,
                    ),
                    ("period",),
                )


@check("E-PATH-MISMATCH", "E-ORDER", reads=("notices",), each="notices")
def notices_filed_right(ctx: Context) -> Iterator[Problem]:
    """notices/<yyyy>/<nnn>.toml is issued in that year; its deadline and
    rectification come after it is issued."""
    for notice in ctx.records.notices:
        issued = notice.issued_on
        if issued is None:
            continue
        if issued.year != notice.year:
            yield error(
                "E-PATH-MISMATCH",
                notice.path,
                say(
                    "issued on {day}, but filed under the year {year}", day=issued, year=notice.year
                ),
                ("issued_on",),
            )
        for name in ("deadline", "rectified_on"):
            day = getattr(notice, name)
            if day is not None and day < issued:
                yield error(
                    "E-ORDER",
                    notice.path,
                    say(
                        "`{name}` {day} is before `issued_on` {issued}",
                        name=name,
                        day=day,
                        issued=issued,
                    ),
                    (name,),
                )


@check("E-PATH-MISMATCH", reads=("assessments",), each="assessments")
def assessments_filed_right(ctx: Context) -> Iterator[Problem]:
    """assessments/<yyyy>/<org>.toml assesses that org's secretary for that year."""
    for a in ctx.records.assessments:
        folder, stem = _folder(a.path), _stem(a.path)
        if a.org is not None and a.org != stem:
            yield error(
                "E-PATH-MISMATCH",
                a.path,
                say("`org` {org!r} differs from the file name {stem!r}", org=a.org, stem=stem),
                ("org",),
            )
        if a.year is not None and str(a.year) != folder:
            yield error(
                "E-PATH-MISMATCH",
                a.path,
                say(
                    "`year` {year} differs from the year folder {folder}",
                    year=a.year,
                    folder=folder,
                ),
                ("year",),
            )


@check("E-PATH-MISMATCH", "E-ORDER", "E-TRAINING", reads=("trainings",), each="trainings")
def trainings_filed_right(ctx: Context) -> Iterator[Problem]:
    """trainings/<yyyy>/<id>.toml starts in that year and ends on or after it starts;
    no participant is listed twice or credited with more hours than the training had
    (either would count hours twice toward study-hours)."""
    for t in ctx.records.trainings:
        if t.start is not None and t.start.year != t.year:
            yield error(
                "E-PATH-MISMATCH",
                t.path,
                say("starts on {day}, but filed under the year {year}", day=t.start, year=t.year),
                ("start",),
            )
        if t.start is not None and t.end is not None and t.end < t.start:
            yield error(
                "E-ORDER",
                t.path,
                say("`end` {day} is before `start` {start}", day=t.end, start=t.start),
                ("end",),
            )
        seen: set[str] = set()
        for i, p in enumerate(t.participants):
            if p.member in seen:
                yield error(
                    "E-TRAINING",
                    t.path,
                    say("participant {id!r} is listed twice", id=p.member),
                    ("participants", i, "member"),
                )
            if p.member:
                seen.add(p.member)
            if p.hours is not None and t.hours is not None and p.hours > t.hours:
                yield error(
                    "E-TRAINING",
                    t.path,
                    say(
                        "participant {id!r} has {hours} hours, more than the training's {most}",
                        id=p.member,
                        hours=p.hours,
                        most=t.hours,
                    ),
                    ("participants", i, "hours"),
                )
