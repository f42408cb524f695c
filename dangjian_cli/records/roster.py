"""Rosters (花名册) and dues sheets: column recognition and rows turned into member records.

A county's members live in spreadsheets before they live in dangjian. This module
knows what a roster's columns mean (Chinese and English headings, or a clerk's
own through ``--map``), reads each cell as the field it is (dates written four
ways, resident ID numbers that Excel may have spoiled, statuses named in Chinese),
and plans what an import changes: new member files, fields of existing members,
dues rows. It reads no workbook (``dangjian_cli.tables.sheets`` does, and hands
over plain cells) and writes nothing: the command validates and writes the plan.

Nothing here comes from free text paths: a new member's id is made from the name
(pinyin, :func:`member_id`), never from a cell that could hold ``../``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from ..i18n import _
from . import layout
from . import model as m

# ---- columns -----------------------------------------------------------------------

#: member field -> headings recognised for it (compared after :func:`norm_heading`);
#: the first Chinese and English names are the ones ``list members`` writes
MEMBER_COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("编号", "id", "member_id", "党员编号"),
    "name": ("姓名", "name", "full_name"),
    "gender": ("性别", "gender", "sex"),
    "ethnicity": ("民族", "ethnicity", "nation", "nationality"),
    "birth_date": ("出生日期", "birth_date", "出生年月日", "birthday", "date_of_birth", "dob"),
    "id_number": (
        "公民身份号码",
        "id_number",
        "身份证号",
        "身份证号码",
        "身份证",
        "证件号码",
        "resident_id",
    ),
    "education": ("学历", "education", "文化程度", "最高学历"),
    "status": ("人员类别", "status", "党员状态", "党员类别", "类别"),
    "applied": ("申请入党时间", "applied", "申请入党日期"),
    "activist_since": (
        "确定积极分子时间",
        "activist_since",
        "确定为入党积极分子时间",
        "确定入党积极分子时间",
    ),
    "candidate_since": ("确定发展对象时间", "candidate_since", "确定为发展对象时间"),
    "admitted": ("入党时间", "admitted", "入党日期", "加入党组织日期"),
    "full_since": ("转正时间", "full_since", "转正日期"),
    "left_on": ("离开时间", "left_on", "减少时间", "离开日期"),
    "org": ("党组织编号", "org", "org_id"),
    "org_name": ("所在党组织", "org_name", "所在党支部", "党组织", "所在支部", "党组织名称"),
    "phone": ("联系电话", "phone", "手机号码", "手机号", "电话", "手机"),
    "occupation": ("工作单位及职务", "occupation", "工作单位", "职业", "单位及职务"),
}

#: dues sheet field -> headings (the member is found by id, ID number or name and org)
DUES_COLUMNS: dict[str, tuple[str, ...]] = {
    "id": MEMBER_COLUMNS["id"],
    "name": MEMBER_COLUMNS["name"],
    "id_number": MEMBER_COLUMNS["id_number"],
    "org": MEMBER_COLUMNS["org"],
    "org_name": MEMBER_COLUMNS["org_name"],
    "month": ("月份", "month", "所属月份", "交纳月份", "缴纳月份"),
    "amount": ("金额", "amount", "实交金额", "交纳金额", "缴纳金额", "实缴金额", "党费"),
    "paid_on": ("交纳日期", "paid_on", "缴纳日期", "交纳时间", "缴纳时间"),
}

DATE_FIELDS = ("birth_date", "applied", "activist_since", "candidate_since", "admitted")
DATE_FIELDS += ("full_since", "left_on")
#: the member fields an import writes, in the order of a new member's file
MEMBER_ORDER = (
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "id_number",
    "education",
    "occupation",
    "phone",
    "org",
    "status",
    "applied",
    "activist_since",
    "candidate_since",
    "admitted",
    "full_since",
    "left_on",
)

#: status id -> names a roster uses for it (the first is what `list` writes in Chinese)
STATUS_NAMES: dict[str, tuple[str, ...]] = {
    "full": ("正式党员", "正式"),
    "probationary": ("预备党员", "预备"),
    "candidate": ("发展对象",),
    "activist": ("入党积极分子", "积极分子"),
    "applicant": ("入党申请人", "申请人"),
    "transferred_out": ("已转出", "转出"),
    "withdrawn": ("退党", "出党", "自行脱党"),
    "expelled": ("开除党籍", "开除"),
    "deceased": ("死亡", "去世", "已故"),
}
GENDER_NAMES: dict[str, tuple[str, ...]] = {
    "male": ("男", "m", "男性"),
    "female": ("女", "f", "女性"),
}


def norm_heading(text: Any) -> str:
    """A heading as compared: no spaces, line breaks, ``*`` marks or brackets' tails."""
    s = str(text or "").strip().lower()
    s = re.sub(r"[（(].*?[)）]", "", s)  # 出生日期(yyyy-mm-dd)
    s = re.sub(r"[\s*：:]+", "", s.replace("-", "_"))
    return s


def heading_index(columns: Mapping[str, Sequence[str]], extra: Mapping[str, str] | None = None):
    """Normalised heading -> field, from the built-in names and a ``--map`` table."""
    index = {norm_heading(h): f for f, names in columns.items() for h in names}
    index.update({norm_heading(f): f for f in columns})
    for heading, fieldname in (extra or {}).items():
        index[norm_heading(heading)] = fieldname
    return index


def find_header(
    rows: Iterable[tuple[int, Sequence[Any]]], index: Mapping[str, str], look: int = 30
) -> tuple[int, dict[int, str]] | None:
    """The header row among the first ``look`` non-blank rows: the first with a
    recognised name column and one other recognised column (title rows above it,
    merged or not, are skipped). Returns (row number, column position -> field)."""
    seen = 0
    for number, values in rows:
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        seen += 1
        found: dict[int, str] = {}
        for pos, value in enumerate(values):
            f = index.get(norm_heading(value)) if value is not None else None
            if f and f not in found.values():
                found[pos] = f
        if len(found) >= 2 and ("name" in found.values() or "id" in found.values()):
            return number, found
        if seen >= look:
            break
    return None


# ---- cells --------------------------------------------------------------------------


class CellError(ValueError):
    """A cell that cannot be read as its field; the message says why and what to do."""


_DATE_TEXT = re.compile(r"(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?\Z")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})\Z")
_ID18 = re.compile(r"\d{17}[\dX]\Z")
_ID15 = re.compile(r"\d{15}\Z")
_SCI = re.compile(r"\d(\.\d+)?[eE]\+?\d+\Z")
_MONTH = re.compile(r"(\d{4})\s*[-./年]\s*(\d{1,2})\s*月?\Z")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_EXCEL_EPOCH = date(1899, 12, 30)
#: a masked value (as `list` writes without --show-personal): the record keeps its own
MASK = "*"


@dataclass(frozen=True, slots=True)
class Cell:
    """One spreadsheet cell as read: its value (never evaluated) and where it is."""

    value: Any
    ref: str  # "Sheet1!E7" or "E7" for CSV
    formula: bool = False


def unquote(text: str) -> str:
    """Text as a clerk meant it: the ``'`` that ``safe_cell`` puts before ``=`` or ``-``
    (so no spreadsheet evaluates a name) is taken off again."""
    from ..output import FORMULA_START

    if text.startswith("'") and text[1:].lstrip(" ").startswith(FORMULA_START):
        return text[1:]
    return text


def text_of(cell: Cell) -> str | None:
    """The cell as text (None for an empty cell); a formula is refused, not evaluated."""
    if cell.formula:
        raise CellError(
            _(
                "a formula ({formula}): dangjian never evaluates formulas; "
                "paste the value instead (Paste Special > Values)"
            ).format(formula=str(cell.value)[:30])
        )
    v = cell.value
    if v is None:
        return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, (datetime, date)):
        v = (v.date() if isinstance(v, datetime) else v).isoformat()
    text = unquote(str(v).strip())
    return text or None


def parse_date(cell: Cell) -> date | None:
    """A date from an Excel date, an Excel serial number, or text like ``1980-05-05``,
    ``1980.05.05``, ``1980/5/5``, ``1980年5月5日`` or ``19800505``."""
    from .schema import EARLIEST, LATEST

    v = cell.value
    if cell.formula:
        text_of(cell)
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    if isinstance(v, datetime):
        day = v.date()
    elif isinstance(v, date):
        day = v
    elif isinstance(v, (int, float)) and not isinstance(v, bool):
        if not 1 <= v < 2958466:
            raise CellError(_("{value} is not a date").format(value=v))
        day = _EXCEL_EPOCH + timedelta(days=int(v))
    else:
        text = str(v).strip()
        match = _DATE_TEXT.match(text) or _COMPACT.match(text)
        if match is None:
            if _MONTH.match(text):
                raise CellError(
                    _("{text!r} has no day: write the whole date (1980-05-05)").format(text=text)
                )
            raise CellError(
                _("{text!r} is not a date (1980-05-05, 1980.05.05 or 1980年5月5日)").format(
                    text=text
                )
            )
        try:
            day = date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            raise CellError(_("{text!r} is not a date of the calendar").format(text=text)) from None
    if not EARLIEST <= day <= LATEST:
        raise CellError(
            _("{day} is outside {first}-{last}").format(
                day=day.isoformat(), first=EARLIEST.year, last=LATEST.year
            )
        )
    return day


def id_checksum_ok(number: str) -> bool:
    """The check character of an 18-character resident ID (GB 11643)."""
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return "10X98765432"[total % 11] == number[17]


def parse_id_number(cell: Cell) -> str | None:
    """A resident ID number as text; one Excel stored as a number is refused (its last
    digits are lost: Excel keeps 15 significant digits). A masked number (``*``)
    returns :data:`MASK`: the record keeps the number it has."""
    v = cell.value
    if cell.formula:
        text_of(cell)
    if v is None:
        return None
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        raise CellError(
            _(
                "the ID number is stored as a number, so Excel has lost its last digits: "
                "format the column as text and type the number again"
            )
        )
    text = unquote(str(v).strip()).upper().replace(" ", "")
    if not text:
        return None
    if MASK in text:
        return MASK
    if _SCI.match(text):
        raise CellError(
            _(
                "{text!r} is an ID number turned into a number by Excel (digits lost): "
                "format the column as text and type the number again"
            ).format(text=text)
        )
    if _ID15.match(text):
        return text
    if not _ID18.match(text):
        raise CellError(_("not a resident ID number (18 characters: 17 digits and a digit or X)"))
    return text  # the check character is checked where it would be new (plan_members)


def parse_phone(cell: Cell) -> str | None:
    text = text_of(cell)
    if text is None:
        return None
    if MASK in text:
        return MASK
    if not re.fullmatch(r"[0-9+\-() ]{5,20}", text):
        raise CellError(_("not a phone number"))
    return text


def parse_choice(cell: Cell, names: Mapping[str, Sequence[str]], what: str) -> str | None:
    text = text_of(cell)
    if text is None:
        return None
    low = text.strip().lower()
    for value, aliases in names.items():
        if low == value or low in aliases:
            return value
    known = ", ".join(f"{aliases[0]} ({value})" for value, aliases in names.items())
    raise CellError(
        _("unknown {what} {text!r}; one of: {known}").format(
            what={"gender": _("gender"), "status": _("status")}.get(what, what),
            text=text,
            known=known,
        )
    )


def parse_amount(cell: Cell) -> str | None:
    """A dues amount as the records write it (``"12.50"``): at most two decimals."""
    v = cell.value
    if cell.formula:
        text_of(cell)
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    text = repr(v) if isinstance(v, float) else unquote(str(v).strip().replace("¥", ""))
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise CellError(_("{text!r} is not an amount").format(text=text)) from None
    if amount != amount.quantize(Decimal("0.01")):
        raise CellError(_("{text} has more than two decimals").format(text=text))
    return f"{amount:.2f}"


def parse_month(cell: Cell) -> str | None:
    v = cell.value
    if isinstance(v, (datetime, date)):
        return f"{v.year:04d}-{v.month:02d}"
    text = text_of(cell)
    if text is None:
        return None
    match = _MONTH.match(text) or re.fullmatch(r"(\d{4})(\d{2})", text)
    if match is None or not 1 <= int(match[2]) <= 12:
        raise CellError(_("{text!r} is not a month (2026-03)").format(text=text))
    return f"{int(match[1]):04d}-{int(match[2]):02d}"


# ---- ids ----------------------------------------------------------------------------


def slug_of(name: str) -> str:
    """``王天佑`` -> ``wang-tianyou``: family name, then given name, in pinyin."""
    text = name.strip()
    if re.search(r"[\u4e00-\u9fff]", text):
        from pypinyin import Style, lazy_pinyin  # only when an import makes ids

        syllables = [
            s for s in lazy_pinyin(text, style=Style.NORMAL, errors="default") if s.strip()
        ]
        parts = [syllables[0], "".join(syllables[1:])] if syllables else []
        text = "-".join(p for p in parts if p)
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if not slug or not layout.SLUG.match(slug):
        slug = "member"
    return slug[:60].rstrip("-")


def member_id(name: str, taken: set[str], counters: dict[str, int] | None = None) -> str:
    """A new member id from ``name``, not in ``taken`` (``-2``, ``-3``... added); added to it.

    ``counters`` remembers the last number tried per name, so that a county's many
    namesakes cost one step each, not a walk past all the others."""
    base = slug_of(name)
    n = counters.get(base, 1) if counters is not None else 1
    candidate = base if n == 1 else f"{base}-{n}"
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    if counters is not None:
        counters[base] = n
    taken.add(candidate)
    return candidate


# ---- rows -------------------------------------------------------------------------


@dataclass(slots=True)
class RowError:
    ref: str
    message: str
    row: int = 0
    sheet: str = ""


@dataclass(slots=True)
class Row:
    """One data row: its number, sheet, and cells by field."""

    number: int
    sheet: str
    cells: dict[str, Cell]
    raw: list[Any] = field(default_factory=list)

    def ref(self, name: str) -> str:
        cell = self.cells.get(name)
        if cell is not None:
            return cell.ref
        first = next(iter(self.cells.values()), None)
        return first.ref if first is not None else f"{self.sheet}!{self.number}"

    def error(self, name: str, message: str) -> RowError:
        """A problem of this row, placed at its cell of field ``name``."""
        return RowError(self.ref(name), message, self.number, self.sheet)


PARSERS = {
    "id_number": parse_id_number,
    "phone": parse_phone,
    "gender": lambda c: parse_choice(c, GENDER_NAMES, "gender"),
    "status": lambda c: parse_choice(c, STATUS_NAMES, "status"),
    **dict.fromkeys(DATE_FIELDS, parse_date),
    "amount": parse_amount,
    "month": parse_month,
    "paid_on": parse_date,
}


def read_row(row: Row, errors: list[RowError]) -> dict[str, Any] | None:
    """The fields of a row (masked values as :data:`MASK`), or None with its errors added."""
    values: dict[str, Any] = {}
    ok = True
    for name, cell in row.cells.items():
        try:
            value = PARSERS.get(name, text_of)(cell)
        except CellError as exc:
            errors.append(RowError(cell.ref, str(exc), row.number, row.sheet))
            ok = False
            continue
        if value is not None:
            values[name] = value
    return values if ok else None


def _readable(rows: Iterable[Row], plan: Plan) -> Iterator[tuple[Row, dict[str, Any]]]:
    """Each row counted into ``plan`` with its fields; a row whose cells do not read has
    its errors added to the plan and is not handed on."""
    for row in rows:
        plan.rows += 1
        plan.all_rows[(row.sheet, row.number)] = row
        values = read_row(row, plan.errors)
        if values is not None:
            yield row, values


# ---- the import plan ------------------------------------------------------------------


@dataclass(slots=True)
class Planned:
    """One record an import creates or changes, and the rows it came from."""

    path: str
    rows: list[Row]
    new: bool
    fields: dict[str, Any] = field(default_factory=dict)  # new member: every field
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # field: (old, new)
    dues: list[dict[str, Any]] = field(default_factory=list)


@dataclass(slots=True)
class Plan:
    planned: list[Planned] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0
    unchanged: int = 0
    #: every data row read, by (sheet, row number): the error workbook's source
    all_rows: dict[tuple[str, int], Row] = field(default_factory=dict)

    def bad_rows(self) -> set[tuple[str, int]]:
        return {(e.sheet, e.row) for e in self.errors}


class Matcher:
    """Finds the member a row means: by ID number, then by name and org."""

    def __init__(self, members: Mapping[str, m.Member]) -> None:
        self.members = members
        self.by_idn: dict[str, str] = {}
        self.by_name_org: dict[tuple[str, str], list[str]] = {}
        for mid, mb in members.items():
            if mb.id_number:
                self.by_idn.setdefault(mb.id_number.upper(), mid)
            if mb.name and mb.org:
                self.by_name_org.setdefault((mb.name, mb.org), []).append(mid)

    def find(self, values: Mapping[str, Any]) -> tuple[str | None, str | None]:
        """(member id or None, a reason it is ambiguous or None)."""
        idn = values.get("id_number")
        if idn and idn != MASK:
            found = self.by_idn.get(idn)
            if found:
                return found, None
        mid = values.get("id")
        if mid and mid in self.members:
            mb = self.members[mid]
            if mb.name == values.get("name"):
                return mid, None
        name, org = values.get("name"), values.get("org")
        if name and org:
            same = self.by_name_org.get((name, org), [])
            if len(same) == 1:
                return same[0], None
            if len(same) > 1:
                return None, _(
                    "{n} members of {org} are named {name} ({ids}): give their ID numbers"
                ).format(n=len(same), org=org, name=name, ids=", ".join(same))
        return None, None


def resolve_org(
    value: str, orgs: Mapping[str, m.Org], names: Mapping[str, list[str]]
) -> tuple[str | None, str]:
    """An org id from an id or a unique org name; (None, why) otherwise."""
    if value in orgs:
        return value, ""
    ids = names.get(value, [])
    if len(ids) == 1:
        return ids[0], ""
    if ids:
        return None, _("{n} orgs are named {name!r} ({ids}): give its id").format(
            n=len(ids), name=value, ids=", ".join(ids[:4])
        )
    import difflib

    close = difflib.get_close_matches(value, list(orgs), n=2)
    hint = _(" (did you mean {names}?)").format(names=", ".join(close)) if close else ""
    return None, _("no org {org!r} in the repository{hint}").format(org=value, hint=hint)


def _org_of(
    row: Row, values: dict[str, Any], orgs: Mapping[str, m.Org], names, default: str | None
) -> tuple[str | None, RowError | None]:
    given = values.pop("org", None)
    name = values.pop("org_name", None)
    field_ = "org" if given else "org_name"
    value = given or name or default
    if value is None:
        return None, row.error("name", _("no org: fill 所在党组织 (org)"))
    org, why = resolve_org(value, orgs, names)
    if org is None:
        return None, row.error(field_, why)
    return org, None


def org_names(orgs: Mapping[str, m.Org]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for oid, org in orgs.items():
        if org.name:
            out.setdefault(org.name, []).append(oid)
    return out


def plan_members(
    rows: Iterable[Row],
    members: Mapping[str, m.Member],
    orgs: Mapping[str, m.Org],
    default_org: str | None = None,
) -> Plan:
    """What importing roster ``rows`` changes: new members, changed fields, row errors.

    Empty cells and masked values never remove or replace what a record holds.
    Two rows for one person (same ID number, or same name and org) are an error
    on the second.
    """
    plan = Plan()
    matcher = Matcher(members)
    names = org_names(orgs)
    taken = set(members)
    counters: dict[str, int] = {}
    seen_idn: dict[str, str] = {}
    seen_name: dict[tuple[str, str, str | None], str] = {}
    seen_member: dict[str, str] = {}
    for row, values in _readable(rows, plan):
        if not values.get("name"):
            plan.errors.append(row.error("name", _("no name")))
            continue
        org, problem = _org_of(row, values, orgs, names, default_org)
        if problem:
            plan.errors.append(problem)
            continue
        values["org"] = org
        idn = values.get("id_number")
        if idn and idn != MASK:
            if idn in seen_idn:
                plan.errors.append(
                    row.error(
                        "id_number",
                        _("the same ID number as {cell}: one person, two rows").format(
                            cell=seen_idn[idn]
                        ),
                    )
                )
                continue
            seen_idn[idn] = row.ref("id_number")
        # namesakes of one org are told apart by ID number, else by the roster's own id
        key = (values["name"], org, values.get("id"))
        if not (idn and idn != MASK) and key in seen_name:
            plan.errors.append(
                row.error(
                    "name",
                    _(
                        "{name} of {org} is also in {cell}: one person, "
                        "two rows (give ID numbers if they are two people)"
                    ).format(name=values["name"], org=org, cell=seen_name[key]),
                )
            )
            continue
        seen_name.setdefault(key, row.ref("name"))
        found, ambiguous = matcher.find(values)
        if ambiguous:
            plan.errors.append(row.error("name", ambiguous))
            continue
        values.pop("id", None)
        if (
            idn
            and len(idn) == 18
            and not id_checksum_ok(idn)
            and (found is None or (members[found].id_number or "").upper() != idn)
        ):  # a number the records already hold stays, whatever its check character
            plan.errors.append(
                row.error(
                    "id_number", _("the ID number's check character is wrong (a digit mistyped?)")
                )
            )
            continue
        if found is not None:
            if found in seen_member:
                plan.errors.append(
                    row.error(
                        "name",
                        _("member {member} is also in {cell}: one person, two rows").format(
                            member=found, cell=seen_member[found]
                        ),
                    )
                )
                continue
            seen_member[found] = row.ref("name")
            changes = _changes(members[found], values)
            if changes:
                plan.planned.append(
                    Planned(layout.member_path(found), [row], False, changes=changes)
                )
            else:
                plan.unchanged += 1
            continue
        fields = {k: v for k, v in values.items() if v != MASK}
        if "status" not in fields:
            fields["status"] = (
                "full"
                if fields.get("full_since")
                else "probationary"
                if fields.get("admitted")
                else None
            )
            if fields["status"] is None:
                plan.errors.append(
                    row.error(
                        "status",
                        _("no status (人员类别): 正式党员, 预备党员, 发展对象, 入党积极分子..."),
                    )
                )
                continue
        new_id = member_id(fields["name"], taken, counters)
        ordered = {k: fields[k] for k in MEMBER_ORDER if fields.get(k) is not None}
        plan.planned.append(Planned(layout.member_path(new_id), [row], True, fields=ordered))
    return plan


def _changes(member: m.Member, values: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    out: dict[str, tuple[Any, Any]] = {}
    for name in MEMBER_ORDER:
        new = values.get(name)
        if new is None or new == MASK:
            continue
        old = getattr(member, name, None)
        old_cmp = old.upper() if name == "id_number" and isinstance(old, str) else old
        if old_cmp != new:
            out[name] = (old, new)
    return out


def plan_dues(
    rows: Iterable[Row],
    members: Mapping[str, m.Member],
    orgs: Mapping[str, m.Org],
    default_org: str | None = None,
    default_month: str | None = None,
) -> Plan:
    """What importing dues ``rows`` adds: ``[[dues]]`` rows per member.

    A month the member's record already holds with the same amount and date is
    unchanged (re-importing a sheet changes nothing); with another amount or date
    it is an error, never a silent change.
    """
    plan = Plan()
    matcher = Matcher(members)
    names = org_names(orgs)
    by_member: dict[str, Planned] = {}
    seen: dict[tuple[str, str], str] = {}
    for row, values in _readable(rows, plan):
        if values.get("org") or values.get("org_name") or default_org:
            org, problem = _org_of(row, values, orgs, names, default_org)
            if problem:
                plan.errors.append(problem)
                continue
            values["org"] = org
        found, ambiguous = matcher.find(values)
        if found is None and values.get("id") in members and not values.get("name"):
            found = values["id"]
        if found is None:
            who = values.get("name") or values.get("id") or ""
            why = ambiguous or _("no member {who} found (by ID number, or by name and org)").format(
                who=who
            )
            plan.errors.append(row.error("name", why.strip()))
            continue
        month = values.get("month") or default_month
        if not month:
            plan.errors.append(row.error("month", _("no month (月份), or give --month")))
            continue
        amount = values.get("amount")
        if amount is None:
            plan.errors.append(row.error("amount", _("no amount")))
            continue
        paid_on = values.get("paid_on")
        if (found, month) in seen:
            plan.errors.append(
                row.error(
                    "month",
                    _("{member} {month} is also in {cell}: one month, two rows").format(
                        member=found, month=month, cell=seen[(found, month)]
                    ),
                )
            )
            continue
        seen[(found, month)] = row.ref("month")
        existing = [d for d in members[found].dues if d.month == month]
        if existing:
            old = existing[-1]
            if f"{old.amount:.2f}" == amount and (paid_on is None or old.paid_on == paid_on):
                plan.unchanged += 1
                continue
            plan.errors.append(
                row.error(
                    "amount",
                    _(
                        "{member} already has {month}: {amount} paid on {day} "
                        "(change it with `dangjian set`)"
                    ).format(member=found, month=month, amount=old.amount, day=old.paid_on or "-"),
                )
            )
            continue
        entry = by_member.get(found)
        if entry is None:
            entry = by_member[found] = Planned(layout.member_path(found), [], False)
            plan.planned.append(entry)
        entry.rows.append(row)
        entry.dues.append({"month": month, "amount": amount, "paid_on": paid_on})
    return plan


def rows_of(
    table: Iterator[tuple[int, list[Any], list[bool]]],
    sheet: str,
    index: Mapping[str, str],
    ref: Any,
) -> tuple[list[Row], dict[int, str]] | None:
    """Data rows of one sheet: header found, blank rows skipped, cells keyed by field."""
    buffered: list[tuple[int, list[Any], list[bool]]] = []

    def heads() -> Iterator[tuple[int, list[Any]]]:
        for item in table:
            buffered.append(item)
            yield item[0], item[1]

    header = find_header(heads(), index)
    if header is None:
        return None
    number, columns = header
    rows: list[Row] = []

    def add(item: tuple[int, list[Any], list[bool]]) -> None:
        n, values, formulas = item
        if n <= number or all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            return
        cells = {
            f: Cell(values[pos], ref(pos, n), formulas[pos])
            for pos, f in columns.items()
            if pos < len(values)
        }
        rows.append(Row(n, sheet, cells, values))

    for item in buffered:
        add(item)
    for item in table:
        add(item)
    return rows, columns
