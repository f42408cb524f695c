"""`templates check`: render every template on sample records before a clerk needs it.

The sample is a tiny repository built in memory, with names full of what breaks
naive templates (``&``, ``<``, quotes, ``|``, ``#``, newlines, very long text),
pushed through the same context builders and the same builder as real
documents. A template with a syntax error, an unknown value, bad markup, or a
reference document without the styles the markup needs is reported as
``path:line: message``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..records import model as m
from ..records.repository import Records
from ..records.store import OverlayStore, Store
from .templating import KINDS, find, reference_bytes, template_name

TRICKY = "A & B <Branch> \"Red\" 'Star' | #1\n@second line"


class _EmptyStore(Store):
    label = "sample"

    def listing(self) -> tuple[list[str], list[Any]]:
        return [], []

    def read(self, path: str) -> bytes:
        raise FileNotFoundError(path)


def sample_records(lang: str) -> Records:
    """A county, a township and a village branch with meetings, dues and a fund ledger."""
    settings = m.Settings(
        path="dangjian.toml",
        id="dangjian",
        name=TRICKY,
        language=lang,
        tracking_since=date(2025, 1, 1),
    )
    records = Records(store=OverlayStore(_EmptyStore(), {}), settings=settings)
    records.orgs = {
        "county": m.Org(
            "orgs/county.toml",
            "county",
            name="County " + TRICKY,
            kind="county_committee",
            established=date(2000, 1, 1),
            secretary="m1",
        ),
        "town": m.Org(
            "orgs/town.toml",
            "town",
            name="Town " + "长" * 80,
            kind="township_committee",
            parent="county",
            established=date(2000, 1, 1),
            secretary="m1",
        ),
        "village": m.Org(
            "orgs/village.toml",
            "village",
            name="Village " + TRICKY,
            kind="village_branch",
            parent="town",
            established=date(2000, 1, 1),
            secretary="m1",
            committee=m.Committee(date(2024, 1, 1), 5, ["m1"]),
        ),
    }
    records.members = {
        "m1": m.Member(
            "members/m1.toml",
            "m1",
            name='Li <Si> & "Wang"',
            org="village",
            status="full",
            admitted=date(2001, 1, 1),
            full_since=date(2002, 1, 1),
            id_number="110101199003071234",
            dues=[m.Dues("2025-01", Decimal("12.34"), date(2025, 1, 5))],
        ),
    }
    records.meetings = [
        m.Meeting(
            "meetings/village/2025-02-01-branch_assembly.toml",
            "2025-02-01-branch_assembly",
            org="village",
            kind="branch_assembly",
            date=date(2025, 2, 1),
            attendees=["m1"],
        ),
    ]
    records.funds = [
        m.FundLedger(
            "funds/village/2025.toml",
            "2025",
            org="village",
            year=2025,
            entry=[
                m.FundEntry(date(2025, 1, 2), "income", "fiscal", None, Decimal("1000.10")),
                m.FundEntry(
                    date(2025, 3, 2),
                    "expense",
                    "fiscal",
                    "education",
                    Decimal("250.05"),
                    purpose=TRICKY,
                ),
            ],
        ),
    ]
    return records


def sample_document(root: Path | None, lang: str, kind: str) -> bytes:
    """Render one kind of document from the sample records (raises InputError when broken)."""
    from .builder import DocBuilder
    from .funding import funding_context
    from .letter import letter_context
    from .notice import extra_row, notice_context
    from .report import parse_span, report_context
    from .templating import render_blocks

    records = sample_records(lang)
    images = None
    if kind == "letter":
        context = letter_context(records, "village", 2025, lang)
    elif kind == "notice":
        context = notice_context(
            records,
            "town",
            "village",
            "rectification",
            "〔2025〕1号",
            date(2025, 6, 1),
            date(2025, 6, 1),
            date(2025, 7, 1),
            [extra_row(TRICKY)],
            lang,
        )
    elif kind == "report":
        context, chart = report_context(
            records, "town", parse_span("2025-h1"), True, date(2025, 7, 15), lang
        )
        images = {"chart": chart}
    else:
        context = funding_context(records, "town", 2025, True, lang)
    blocks = render_blocks(root, lang, kind, {**context, "lang": lang})
    return DocBuilder(reference_bytes(root, lang), images).add(blocks).to_bytes()


def check_templates(root: Path | None, langs: list[str]) -> tuple[list[str], int]:
    """Problems (``path: message``) and how many templates were checked."""
    from .reference import STYLE_NAMES

    problems: list[str] = []
    checked = 0
    for lang in langs:
        try:
            reference = find(root, lang, "reference.docx")
            import io

            import docx

            names = {s.name for s in docx.Document(io.BytesIO(reference.read_bytes())).styles}
            missing = [s for s in STYLE_NAMES if s not in names]
            if missing:
                problems.append(f"{reference}: missing paragraph styles {', '.join(missing)}")
        except InputError as exc:
            problems.append(str(exc))
        except Exception as exc:  # a file Word cannot open either
            problems.append(f"{root or ''}templates/{lang}/reference.docx: cannot be read: {exc}")
        for kind in KINDS:
            checked += 1
            try:
                find(root, lang, template_name(kind))
                sample_document(root, lang, kind)
            except InputError as exc:
                problems.append(str(exc))
    return problems, checked
