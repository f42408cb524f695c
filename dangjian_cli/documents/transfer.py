"""The introduction letter of a membership transfer (组织关系介绍信), with its receipt slip.

The letter is made from one ``[[transfers]]`` row of a member (the last by
default). Its number is the row's ``letter`` when the row has one (a letter made
again keeps its number); otherwise the next free number of the issuer's
``transfer`` pattern in ``[numbering]`` (``河党介〔{year}〕{n}号``), counted over
every transfer letter the records hold. The issuer is a sending committee itself,
else the committee above the sending branch (the branch when it has no parent in
the repository). The number,
and ``valid_until`` when the row has none (the receipt deadline of rule
transfer-receipt), are written back into the row, so the transfer-receipt rule
and a later letter see them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ..errors import InputError
from ..records import model as m
from .common import Document, imprint, org_view, person_view, render_docx
from .notice import format_number, number_pattern, number_regex

#: the numbering kind of transfer letters under ``[numbering.<issuer>]``
NUMBERING_KIND = "transfer"


def pick_transfer(member: m.Member, index: int | None) -> tuple[int, m.Transfer]:
    """The row a letter is made from: ``index`` (0-based; negative from the end), else the last."""
    rows = member.transfers
    if not rows:
        raise InputError(f"{member.id} has no [[transfers]] row: record the transfer first")
    i = len(rows) - 1 if index is None else index
    if not -len(rows) <= i < len(rows):
        raise InputError(f"--row {index}: {member.id} has {len(rows)} transfer row(s)")
    i %= len(rows)
    row = rows[i]
    if row.date is None or not row.to:
        raise InputError(f"transfer row {i} of {member.id} has no date or no `to`")
    return i, row


def issuer_of(records: Any, row: m.Transfer) -> str:
    """The org that issues the letter: a sending committee itself, else the sending
    branch's parent (the committee above it), else the branch."""
    sender = records.orgs.get(row.from_ or "")
    if sender is None:
        raise InputError(
            f"the transfer of {row.date} is from {row.from_!r}, not an org of the records: "
            "its letter comes from that org"
        )
    if sender.kind in m.COMMITTEE_KINDS or sender.parent not in records.orgs:
        return sender.id  # a committee issues its own letters
    return sender.parent


def next_number(records: Any, pattern: str, year: int) -> str:
    """The next free letter number of ``pattern`` in ``year`` over every member's transfers."""
    regex = number_regex(pattern, year)
    highest = 0
    for member in records.members.values():
        for row in member.transfers:
            found = regex.match(row.letter or "")
            if found:
                highest = max(highest, int(found.group(1)))
    return format_number(pattern, year, highest + 1)


def _month_words(month: str, lang: str) -> str:
    """``2025-07`` as a clerk writes it: 2025年7月 in Chinese."""
    if lang == "zh" and len(month) == 7 and month[4] == "-" and month[5:].isdigit():
        return f"{month[:4]}年{int(month[5:])}月"
    return month


def _side(records: Any, org_id: str | None) -> dict[str, Any]:
    """An end of the transfer: an org of the records, or a name written in the row."""
    if org_id in records.orgs:
        return org_view(records, org_id)
    return {"id": "", "name": org_id or "", "kind": "", "secretary": "", "parent": ""}


def transfer_context(
    records: Any,
    member_id: str,
    row: m.Transfer,
    number: str,
    valid_until: date | None,
    issuer: str,
    lang: str,
) -> dict[str, Any]:
    """What the template sees (see templates/*/transfer.md.j2)."""
    member = records.members[member_id]
    # months paid by the day of the transfer (a ledger may run on after it)
    paid = sorted(
        d.month
        for d in member.dues
        if d.month and (d.paid_on is None or row.date is None or d.paid_on <= row.date)
    )
    status = member.status_on(row.date) if row.date else None
    return {
        "number": number,
        "member": {
            **person_view(records, member_id),
            "gender": member.gender or "",
            "birth_date": member.birth_date,
            "ethnicity": member.ethnicity or "",
            # probationary or full on the day of the transfer (full: 正式党员)
            "status": status or member.status or "",
            "admitted": member.admitted,
            "full_since": member.full_since,
            "dues_paid_to": _month_words(paid[-1], lang) if paid else "",
        },
        "from_org": _side(records, row.from_),
        "to_org": _side(records, row.to),
        "issuer": org_view(records, issuer),
        "date": row.date,
        "valid_until": valid_until,
        "imprint": imprint(records, org_view(records, issuer)["name"], row.date),
    }


def render_transfer_letter(
    records: Any, root: Any, member_id: str, index: int | None, lang: str
) -> tuple[Document, int, dict[str, Any]]:
    """The letter, the row's index, and the fields to write into the row (may be empty)."""
    from ..rules.catalog import load_rules
    from ..rules.periods import shift

    member = records.members.get(member_id)
    if member is None:
        raise InputError(f"no member {member_id!r}")
    i, row = pick_transfer(member, index)
    issuer = issuer_of(records, row)
    assert row.date is not None
    updates: dict[str, Any] = {}
    number = row.letter
    if not number:
        pattern = number_pattern(records.settings.numbering or {}, issuer, NUMBERING_KIND, lang)
        number = next_number(records, pattern, row.date.year)
        updates["letter"] = number
    valid_until = row.valid_until
    if valid_until is None:
        rule = load_rules(records.settings).get("transfer-receipt")
        span = ((rule.deadline if rule else None) or "+1m").lstrip("+")
        valid_until = shift(row.date, span)
        updates["valid_until"] = valid_until
    context = transfer_context(records, member_id, row, number, valid_until, issuer, lang)
    name = f"transfer-{row.date.isoformat()}-{member_id}.docx"
    return Document(name, render_docx(root, lang, "transfer", context)), i, updates
