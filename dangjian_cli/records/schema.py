"""Field specifications of every record kind, and the one converter that applies them.

The schema is data: a table per kind naming each field's type, whether it is
required and which values it admits. :func:`build` turns a parsed TOML table into
the model object of :mod:`.model`, reporting every wrong type, unknown value and
missing field it meets (not only the first) as problems with a key path.
"""

from __future__ import annotations

import difflib
import math
import re
import sys
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from ..i18n import Message, say
from ..privacy import mask_field
from ..problems import Key, Problem, error, warning
from . import layout
from . import model as m

STR, DATE, BOOL, INT, MONEY, STRS, TABLE, ROW, ROWS, STARS = (
    "string",
    "date",
    "boolean",
    "integer",
    "amount",
    "list of strings",
    "table",
    "row",
    "rows",
    "stars",
)
#: a date, or a list of dates where a record may (wrongly) repeat a step
DATES = "date or list of dates"
#: a number of hours, whole or with a fraction (``31.5``), not below zero
HOURS = "hours"
_PLAIN: dict[str, type] = {STR: str, DATE: date, BOOL: bool}


@dataclass(frozen=True, slots=True)
class Field:
    type: str
    required: bool = False
    choices: tuple[Any, ...] | None = None
    sub: Spec | None = None
    attr: str | None = None  # Python attribute name where it differs (``from``)
    #: the Python type a well-formed value of this field has when it needs no
    #: conversion (str, date, bool): most values of most files take this fast path
    plain: type | None = field(default=None, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "plain", _PLAIN.get(self.type))


@dataclass(frozen=True, slots=True)
class Spec:
    cls: type
    fields: dict[str, Field]
    required: tuple[str, ...] = field(default=(), init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        names = tuple(name for name, f in self.fields.items() if f.required)
        object.__setattr__(self, "required", names)


def F(type_: str, required: bool = False, **kw: Any) -> Field:
    return Field(type_, required, **kw)


def R(cls: type, **fields: Field) -> Spec:
    return Spec(cls, {k.rstrip("_"): v for k, v in fields.items()})


SECRETARY_CHANGE = R(
    m.SecretaryChange,
    date=F(DATE, True),
    from_=F(STR, attr="from_"),
    to=F(STR, True),
    decided_at=F(STR),
    approved_by=F(STR),
    approved_on=F(DATE),
)

SPECS: dict[str, Spec] = {
    layout.SETTINGS: R(
        m.Settings,
        name=F(STR),
        language=F(STR, choices=m.LANGUAGES),
        tracking_since=F(DATE),
        numbering=F(TABLE),
        rules=F(TABLE),
        documents=F(TABLE),
    ),
    layout.ORG: R(
        m.Org,
        name=F(STR, True),
        kind=F(STR, True, choices=m.ORG_KINDS),
        parent=F(STR),
        established=F(DATE),
        dissolved=F(DATE),
        secretary=F(STR),
        secretary_changes=F(ROWS, sub=SECRETARY_CHANGE),
        party_groups=F(BOOL),
        groups=F(
            ROWS,
            sub=R(m.Group, id=F(STR, True), name=F(STR), leader=F(STR), members=F(STRS)),
        ),
        committee=F(
            ROW,
            sub=R(
                m.Committee,
                elected=F(DATE, True),
                term_years=F(INT, choices=(3, 5)),
                members=F(STRS),
            ),
        ),
        poor_village=F(BOOL),
        pairing=F(ROWS, sub=R(m.Pairing, org=F(STR, True), since=F(DATE), until=F(DATE))),
        contact_points=F(
            ROWS, sub=R(m.ContactPoint, cadre=F(STR, True), org=F(STR, True), since=F(DATE))
        ),
        projects=F(
            ROWS,
            sub=R(
                m.Project,
                name=F(STR, True),
                started=F(DATE),
                ended=F(DATE),
                annual_income=F(MONEY),
            ),
        ),
    ),
    layout.MEMBER: R(
        m.Member,
        name=F(STR, True),
        gender=F(STR),
        birth_date=F(DATE),
        id_number=F(STR),
        phone=F(STR),
        ethnicity=F(STR),
        education=F(STR),
        occupation=F(STR),
        org=F(STR, True),
        status=F(STR, True, choices=m.MEMBER_STATUSES),
        applied=F(DATE),
        activist_since=F(DATE),
        candidate_since=F(DATE),
        admitted=F(DATE),
        full_since=F(DATE),
        left_on=F(DATE),
        transfers=F(
            ROWS,
            sub=R(
                m.Transfer,
                date=F(DATE, True),
                from_=F(STR, attr="from_"),
                to=F(STR, True),
                letter=F(STR),
                valid_until=F(DATE),
                received_on=F(DATE),
            ),
        ),
        mobile=F(ROW, sub=R(m.Mobile, since=F(DATE, True), location=F(STR), until=F(DATE))),
        stars=F(STARS),
        quorum_exempt=F(
            ROWS,
            sub=R(
                m.QuorumExempt,
                since=F(DATE, True),
                until=F(DATE),
                reason=F(STR, True, choices=m.EXEMPT_REASONS),
                approved_by=F(STR),
            ),
        ),
        dispositions=F(
            ROWS,
            sub=R(
                m.Disposition,
                date=F(DATE, True),
                kind=F(STR, True, choices=m.DISPOSITION_KINDS),
                until=F(DATE),
                corrected_on=F(DATE),
            ),
        ),
        dues=F(
            ROWS,
            sub=R(m.Dues, month=F(STR, True), amount=F(MONEY, True), paid_on=F(DATE)),
        ),
        dues_base=F(
            ROWS,
            sub=R(
                m.DuesBase,
                since=F(STR, True),
                category=F(STR, True, choices=m.DUES_CATEGORIES),
                base=F(MONEY),
                amount=F(MONEY),
                approved_by=F(STR),
                approved_on=F(DATE),
            ),
        ),
        talked_on=F(DATE),
        training_hours=F(INT),
        admission_approved_on=F(DATE),
        probation_extended_to=F(DATES),
        conversion_approved_on=F(DATE),
        lost_contact_since=F(DATE),
    ),
    layout.MEETING: R(
        m.Meeting,
        kind=F(STR, True, choices=m.MEETING_KINDS),
        date=F(DATE, True),
        topic=F(STR),
        location=F(STR),
        chair=F(STR),
        recorder=F(STR),
        lecturer=F(STR),
        attendees=F(STRS, True),
        absent=F(ROWS, sub=R(m.Absence, member=F(STR, True), reason=F(STR))),
        online=F(BOOL),
        election=F(BOOL),
        minutes=F(STR),
        group=F(STR),
        grades=F(
            ROWS,
            sub=R(
                m.Grade,
                member=F(STR, True),
                grade=F(STR, True, choices=m.APPRAISAL_GRADES),
            ),
        ),
    ),
    layout.FUND: R(
        m.FundLedger,
        entry=F(
            ROWS,
            sub=R(
                m.FundEntry,
                date=F(DATE, True),
                direction=F(STR, True, choices=m.FUND_DIRECTIONS),
                source=F(STR, True, choices=m.FUND_SOURCES),
                category=F(STR, choices=m.FUND_CATEGORIES),
                amount=F(MONEY, True),
                purpose=F(STR),
                voucher=F(STR),
                approved_by=F(STR),
            ),
        ),
    ),
    layout.LETTER: R(
        m.Letter,
        parent=F(STR, True),
        org=F(STR, True),
        signed_on=F(DATE, True),
        tasks=F(STRS),
        signatories=F(STRS),
    ),
    layout.REPORT: R(
        m.Report,
        org=F(STR, True),
        to=F(STR),
        period=F(STR, True),
        submitted_on=F(DATE, True),
        summary=F(STR),
    ),
    layout.NOTICE: R(
        m.Notice,
        kind=F(STR, True, choices=m.NOTICE_KINDS),
        number=F(STR, True),
        issuer=F(STR, True),
        target=F(STR, True),
        issued_on=F(DATE, True),
        findings=F(STRS),
        deadline=F(DATE),
        rectified_on=F(DATE),
        items=F(
            ROWS,
            sub=R(
                m.NoticeItem,
                subject=F(STR, True),
                rule=F(STR, True),
                period=F(STR, True),
                org=F(STR),
                notice=F(STR),
            ),
        ),
    ),
    layout.WEAK: R(
        m.Weak,
        reasons=F(STRS, True),
        measures=F(STRS),
        responsible=F(STR),
        deadline=F(DATE, True),
        rectified_on=F(DATE),
    ),
    layout.TRAINING: R(
        m.Training,
        title=F(STR, True),
        organiser=F(STR, True),
        start=F(DATE, True),
        end=F(DATE),
        hours=F(HOURS, True),
        audience=F(STR, True, choices=m.TRAINING_AUDIENCES),
        participants=F(ROWS, sub=R(m.Participant, member=F(STR, True), hours=F(HOURS))),
    ),
    layout.ASSESSMENT: R(
        m.Assessment,
        org=F(STR, True),
        secretary=F(STR),
        year=F(INT, True),
        grade=F(STR, True, choices=m.GRADES),
        score=F(MONEY),
        assessed_on=F(DATE),
    ),
}

#: the dates a record may hold: wider than any real record's (the oldest members
#: were born in the 1920s), narrow enough that no date arithmetic of the rules and
#: checks (a term of years, a grace of days) can leave the calendar (year 9999)
EARLIEST = date(1900, 1, 1)
LATEST = date(2199, 12, 31)

#: more hours than any training or year of study has (a typo, or a minutes figure)
MAX_HOURS = 2000

_MONEY = re.compile(r"-?\d+(\.\d{1,2})?\Z")


def toml_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "string"
    if isinstance(value, datetime):
        return "date-time"
    if isinstance(value, date):
        return "date"
    if isinstance(value, time):
        return "time"
    if isinstance(value, list):
        return "array"
    return "table"


#: TOML's type names as a message says them (toml_type's words stay English ids)
_TYPE_NAMES = {
    "boolean": say("boolean"),
    "integer": say("integer"),
    "float": say("float"),
    "string": say("string"),
    "date-time": say("date-time"),
    "date": say("date"),
    "time": say("time"),
    "array": say("array"),
    "table": say("table"),
}

#: amounts already converted, by their text: a county's dues are a few amounts
#: written a million times, and one shared (immutable) Decimal each saves memory
_AMOUNTS: dict[str, Decimal] = {}
#: dates already seen: tomllib makes a new object for every date it reads
_DATES: dict[date, date] = {}
#: short strings (ids, months, kinds) are interned; long texts are left alone
SHARE_UP_TO = 64


def money(value: Any) -> Decimal | None:
    """Exact amount of ``value``, or None if it is not a valid amount of money."""
    if type(value) is str:
        amount = _AMOUNTS.get(value)
        if amount is None:
            amount = _money(value)
            if amount is not None and len(_AMOUNTS) < 100_000:
                _AMOUNTS[value] = amount
        return amount
    return _money(value)


def _money(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        text = repr(value)
        if "e" in text or "E" in text or not _MONEY.match(text):
            return None
        return Decimal(text)
    if isinstance(value, str) and _MONEY.match(value.strip()):
        return Decimal(value.strip())
    return None


class Builder:
    """Converts one file's parsed table into its model, collecting problems."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def build(self, spec: Spec, data: dict[str, Any], key: Key = (), **fixed: Any) -> Any:
        values = fixed
        fields = spec.fields
        for name, raw in data.items():
            f = fields.get(name)
            if f is None:
                self._unknown(spec, name, key)
                continue
            t = type(raw)
            if t is f.plain and (f.choices is None or raw in f.choices):
                # a well-formed value as it is (the fast path of ``convert``), shared
                if t is str:
                    if len(raw) <= SHARE_UP_TO:
                        raw = sys.intern(raw)
                elif t is date:
                    if not EARLIEST <= raw <= LATEST:
                        self._out_of_range(raw, (*key, name))
                        continue
                    raw = _DATES.setdefault(raw, raw)
                values[f.attr or name] = raw
                continue
            if t is str and f.type == MONEY and raw in _AMOUNTS:
                values[f.attr or name] = _AMOUNTS[raw]  # an amount seen before
                continue
            value = self.convert(f, raw, (*key, name))
            if value is not None:
                values[f.attr or name] = value
        for name in spec.required:
            if name not in data:
                full = ".".join([*(str(k) for k in key if isinstance(k, str)), name])
                self.problems.append(
                    error(
                        "E-REQUIRED",
                        self.path,
                        say("missing required field `{name}`", name=full),
                        key,
                    )
                )
        try:
            return spec.cls(**values)
        except TypeError as exc:  # pragma: no cover - a schema/model mismatch is our bug
            raise RuntimeError(f"schema of {spec.cls.__name__} does not fit its model") from exc

    def convert(self, f: Field, raw: Any, key: Key) -> Any:
        kind = f.type
        # fast paths for well-formed values: most fields of most files
        t = type(raw)
        if t is str and kind == STR and (f.choices is None or raw in f.choices):
            return raw
        if (t is date and kind == DATE and EARLIEST <= raw <= LATEST) or (
            t is bool and kind == BOOL
        ):
            return raw
        name = _Label(key)
        if kind == STR:
            if not isinstance(raw, str):
                return self._type(name, say("a string"), raw, key)
            if f.choices is not None and raw not in f.choices:
                return self._choice(name, raw, f.choices, key)
            return raw
        if kind == DATE:
            if isinstance(raw, datetime) or not isinstance(raw, date):
                hint = say("write it unquoted, like 2026-03-15") if isinstance(raw, str) else None
                return self._type(name, say("a date"), raw, key, hint)
            if not EARLIEST <= raw <= LATEST:
                return self._out_of_range(raw, key)
            return raw
        if kind == BOOL:
            if not isinstance(raw, bool):
                return self._type(name, say("true or false"), raw, key)
            return raw
        if kind == INT:
            if isinstance(raw, bool) or not isinstance(raw, int):
                return self._type(name, say("a whole number"), raw, key)
            if f.choices is not None and raw not in f.choices:
                return self._choice(name, raw, f.choices, key)
            return raw
        if kind == MONEY:
            amount = money(raw)
            if amount is None:
                self.problems.append(
                    error(
                        "E-MONEY",
                        self.path,
                        say("`{name}` {value!r} is not an exact amount", name=str(name), value=raw),
                        key,
                        hint=say('write "1200.50" or a whole number: at most two decimals'),
                    )
                )
            return amount
        if kind == STRS:
            if not isinstance(raw, list):
                return self._type(name, say("a list of strings"), raw, key)
            ok = []
            for i, item in enumerate(raw):
                if type(item) is str:
                    ok.append(sys.intern(item) if len(item) <= SHARE_UP_TO else item)
                elif isinstance(item, str):
                    ok.append(item)
                else:
                    self._type(f"{name}[{i}]", say("a string"), item, (*key, i))
            return ok
        if kind == TABLE:
            if not isinstance(raw, dict):
                return self._type(name, say("a table"), raw, key)
            return raw
        if kind == ROW:
            if not isinstance(raw, dict):
                return self._type(name, say("a table"), raw, key)
            assert f.sub is not None
            return self.build(f.sub, raw, key)
        if kind == ROWS:
            if not isinstance(raw, list) or not all(isinstance(r, dict) for r in raw):
                return self._type(name, say("rows written as [[{name}]]", name=str(name)), raw, key)
            assert f.sub is not None
            return [self.build(f.sub, row, (*key, i)) for i, row in enumerate(raw)]
        if kind == STARS:
            return self._stars(name, raw, key)
        if kind == HOURS:
            return self._hours(name, raw, key)
        if kind == DATES:
            items = raw if isinstance(raw, list) else [raw]
            days: list[date] = []
            for i, item in enumerate(items):
                where = (*key, i) if isinstance(raw, list) else key
                if isinstance(item, datetime) or not isinstance(item, date):
                    self._type(name, say("a date (or a list of dates)"), item, where)
                elif not EARLIEST <= item <= LATEST:
                    self._out_of_range(item, where)
                else:
                    days.append(item)
            return days
        raise AssertionError(kind)  # pragma: no cover

    def _stars(self, name: object, raw: Any, key: Key) -> dict[str, int] | None:
        if not isinstance(raw, dict):
            return self._type(name, say("a table of year = stars"), raw, key)
        out: dict[str, int] = {}
        for year, stars in raw.items():
            if not layout.YEAR.match(year):
                self.problems.append(
                    error(
                        "E-TYPE",
                        self.path,
                        say("`{name}` key {year!r} is not a year", name=str(name), year=year),
                        (*key, year),
                    )
                )
            elif isinstance(stars, bool) or not isinstance(stars, int) or not 1 <= stars <= 5:
                self.problems.append(
                    error(
                        "E-ENUM",
                        self.path,
                        say(
                            "`{name}.{year}` must be 1 to 5 stars, got {stars!r}",
                            name=str(name),
                            year=year,
                            stars=stars,
                        ),
                        (*key, year),
                    )
                )
            else:
                out[year] = stars
        return out

    def _hours(self, name: object, raw: Any, key: Key) -> Decimal | None:
        """A number of hours as an exact Decimal (``31.5`` stays 31.5 when summed)."""
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            return self._type(name, say("a number of hours"), raw, key)
        if isinstance(raw, float) and not math.isfinite(raw):
            return self._type(name, say("a number of hours"), raw, key)
        if not 0 <= raw <= MAX_HOURS:
            self.problems.append(
                error(
                    "E-TYPE",
                    self.path,
                    say(
                        "`{name}` must be from 0 to {most} hours, got {value}",
                        name=str(name),
                        most=MAX_HOURS,
                        value=_short(raw),
                    ),
                    key,
                )
            )
            return None
        return Decimal(raw) if isinstance(raw, int) else Decimal(repr(raw))

    def _type(
        self, name: object, want: Message, raw: Any, key: Key, hint: Message | None = None
    ) -> None:
        leaf = key[-1] if key else ""
        shown = mask_field(leaf, raw) if isinstance(leaf, str) else raw
        self.problems.append(
            error(
                "E-TYPE",
                self.path,
                say(
                    "`{name}` must be {want}, got {type} {value}",
                    name=str(name),
                    want=want,
                    type=_TYPE_NAMES.get(toml_type(raw), toml_type(raw)),
                    value=_short(shown),
                ),
                key,
                hint=hint,
            )
        )
        return None

    def _out_of_range(self, raw: date, key: Key) -> None:
        self.problems.append(
            error(
                "E-DATE-RANGE",
                self.path,
                say(
                    "`{name}` {day} is outside {first}-{last}",
                    name=str(_Label(key)),
                    day=raw.isoformat(),
                    first=EARLIEST.year,
                    last=LATEST.year,
                ),
                key,
                hint=say("a typo in the year?"),
            )
        )
        return None

    def _choice(self, name: object, raw: Any, choices: tuple[Any, ...], key: Key) -> None:
        close = difflib.get_close_matches(str(raw), [str(c) for c in choices], n=1)
        hint = (
            say("did you mean {name!r}?", name=close[0])
            if close
            else say("one of: {names}", names=", ".join(map(str, choices)))
        )
        self.problems.append(
            error(
                "E-ENUM",
                self.path,
                say("`{name}` has unknown value {value!r}", name=str(name), value=raw),
                key,
                hint=hint,
            )
        )
        return None

    def _unknown(self, spec: Spec, name: str, key: Key) -> None:
        close = difflib.get_close_matches(name, list(spec.fields), n=1)
        self.problems.append(
            warning(
                "W-UNKNOWN-FIELD",
                self.path,
                say("unknown field `{name}`", name=".".join(str(k) for k in (*key, name))),
                (*key, name),
                hint=say("did you mean `{name}`?", name=close[0]) if close else None,
            )
        )


class _Label:
    """A field's dotted name, spelled out only if a message needs it (rarely)."""

    __slots__ = ("key",)

    def __init__(self, key: Key) -> None:
        self.key = key

    def __str__(self) -> str:
        return ".".join(str(k) for k in self.key if isinstance(k, str))

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)


def _short(value: Any) -> str:
    try:
        text = repr(value)
    except (ValueError, RecursionError):  # an integer of thousands of digits (hex in TOML)
        bits = value.bit_length() if isinstance(value, int) else 0
        return f"<a number of {bits} bits>" if bits else "<too large to show>"
    return text if len(text) <= 40 else text[:37] + "..."
