"""`templates check`: render every branch of every template before a clerk needs it.

The sample is a tiny repository built in memory, with names full of what breaks
naive templates (``&``, ``<``, quotes, ``|``, ``#``, newlines, very long text),
pushed through the same context builders, the same sandbox and the same builder
as real documents. Each template is rendered in every variant its branches can
meet (:func:`variants`): each notice kind with and without a deadline, empty,
sampled and long lists, orgs with and without a parent or a subtree, signed and
unsigned letters, in each language asked for; with strict undefined values, so a
misspelt ``{{ target.nmae }}`` in any branch fails. A template with a syntax
error, an unknown value, bad markup, a refused access, or a reference document
without the styles the markup needs is reported once, at its first failure, as
``path:line: message [variant]``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..records import model as m
from ..records.repository import Records
from ..records.store import OverlayStore, Store
from .templating import KINDS, find, reference_bytes, template_name

#: items in a "long" list: a table that runs over a page
LONG = 40

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


#: a sample context and the images its document needs (the report's chart)
Variant = tuple[str, dict[str, Any], dict[str, Any] | None]


def _call(func: Callable[..., Any], *args: Any, **optional: Any) -> Any:
    """``func(*args, **optional)``, passing only the optional values ``func`` takes."""
    accepted = inspect.signature(func).parameters
    return func(*args, **{k: v for k, v in optional.items() if k in accepted})


def _lists(context: dict[str, Any], mode: str) -> dict[str, Any]:
    """``context`` with every top-level list empty, or (``long``) repeated to LONG items
    or twice its length, whichever is more; ``sample`` leaves them as built."""
    out = dict(context)
    if mode == "sample":
        return out
    for key, value in context.items():
        if not isinstance(value, list):
            continue
        if mode == "empty":
            out[key] = []
        elif value:
            size = max(LONG, 2 * len(value))
            items = (value * (size // len(value) + 1))[:size]
            out[key] = [
                {**item, "no": i} if isinstance(item, dict) and "no" in item else item
                for i, item in enumerate(items, start=1)
            ]
    return out


def _list_modes(what: str, context: dict[str, Any], images: Any = None) -> Iterator[Variant]:
    for mode in ("sample", "long", "empty"):
        yield f"{what}, {mode} lists", _lists(context, mode), images


def variants(records: Records, lang: str, kind: str) -> Iterator[Variant]:
    """Every sample context of one document kind: ``(what, context, images)``.

    Notice kinds come from ``notice.KINDS``, the one list of the kinds a notice can
    be rendered as: a kind added there is checked here without another word.
    """
    issued, as_of, deadline = date(2025, 6, 1), date(2025, 6, 1), date(2025, 7, 1)
    if kind == "letter":
        from .letter import letter_context

        base = letter_context(records, "village", 2025, lang)
        for signed in (None, date(2025, 3, 1)):
            what = "signed" if signed else "unsigned"
            yield from _list_modes(f"{what} letter", {**base, "signed_on": signed})
    elif kind == "notice":
        from .notice import KINDS as NOTICE_KINDS
        from .notice import extra_row, finding_rows, notice_context

        rows = [*finding_rows(records, "village", as_of, lang), extra_row(TRICKY)]
        for notice_kind in NOTICE_KINDS:
            for due in (None, deadline):
                context = notice_context(
                    records,
                    "town",
                    "village",
                    notice_kind,
                    "〔2025〕1号",
                    issued,
                    as_of,
                    due,
                    rows,
                    lang,
                )
                what = f"{notice_kind} notice, {'with' if due else 'no'} deadline"
                yield from _list_modes(what, context)
    elif kind == "report":
        from .report import parse_span, report_context

        for org, subtree in (("town", True), ("village", False), ("county", False)):
            context, chart = report_context(
                records, org, parse_span("2025-h1"), subtree, date(2025, 7, 15), lang
            )
            what = f"report of {org}{' and below' if subtree else ''}"
            yield from _list_modes(what, context, {"chart": chart})
    elif kind == "transfer":
        from .transfer import transfer_context

        for to, valid in (("town", date(2025, 6, 1)), ("Elsewhere " + TRICKY, None)):
            row = m.Transfer(date(2025, 5, 1), "village", to)
            for status in ("full", "probationary"):
                context = transfer_context(records, "m1", row, "〔2025〕1号", valid, "town", lang)
                context["member"] = {**context["member"], "status": status}
                what = f"transfer letter of a {status} member to {to.split()[0].lower()}"
                yield what, context, None
    else:
        from .funding import funding_context

        for org, subtree in (("town", True), ("village", False), ("county", False)):
            for problems in ([TRICKY], None):
                context = _call(
                    funding_context,
                    records,
                    org,
                    2025,
                    subtree,
                    lang,
                    dated=date(2025, 12, 31),
                    problems=problems,
                )
                what = (
                    f"funding report of {org}{' and below' if subtree else ''}, "
                    f"{'with' if problems else 'no'} problems text"
                )
                yield from _list_modes(what, context)


def sample_document(root: Path | None, lang: str, kind: str) -> bytes:
    """One document of ``kind`` from the sample records, with sample lists (a notice: a
    rectification with a deadline, its fullest form); raises InputError when broken."""
    from .builder import DocBuilder
    from .templating import render_blocks

    for what, context, images in variants(sample_records(lang), lang, kind):
        if kind == "notice" and not what.startswith("rectification notice, with deadline"):
            continue
        blocks = render_blocks(root, lang, kind, {**context, "lang": lang})
        return DocBuilder(reference_bytes(root, lang), images).add(blocks).to_bytes()
    raise InputError(f"no sample {kind}")


def check_template(root: Path | None, lang: str, kind: str) -> str | None:
    """The first failure of one template over all its variants, or None.

    Every variant is rendered in the sandbox and its markup parsed; the first is also
    built into a .docx on the reference (the styles every block kind needs are
    checked on the reference itself, so one build per template is enough).
    """
    from .builder import DocBuilder
    from .templating import render_blocks

    records = sample_records(lang)
    built = False
    try:
        path = find(root, lang, template_name(kind))
        for what, context, images in variants(records, lang, kind):
            try:
                blocks = render_blocks(root, lang, kind, {**context, "lang": lang})
            except InputError as exc:
                return f"{exc} [{what}]"
            if built:
                continue
            built = True
            try:
                DocBuilder(reference_bytes(root, lang), images).add(blocks).to_bytes()
            except InputError:
                raise
            except Exception as exc:  # the builder meets what the reference cannot hold
                return f"{path}: cannot be built into a document: {exc} [{what}]"
    except InputError as exc:
        return str(exc)
    return None


def other_templates(root: Path | None, lang: str) -> list[str]:
    """Problems of the other ``*.j2`` files (macros, parts): each must compile."""
    from .templating import environment, search_path

    names = {template_name(kind) for kind in KINDS}
    problems: list[str] = []
    for folder in search_path(root, lang):
        for path in sorted(folder.glob("*.j2")):
            if path.name in names:
                continue
            names.add(path.name)
            try:
                environment(root, lang).get_template(path.name)
            except Exception as exc:  # syntax error or refused file: one line either way
                line = getattr(exc, "lineno", None)
                where = f"{path}:{line}" if line else str(path)
                message = getattr(exc, "message", None) or str(exc)
                problems.append(f"{where}: {' '.join(message.split())}")
    return problems


def check_templates(root: Path | None, langs: list[str]) -> tuple[list[str], int]:
    """Problems (``path:line: message``) and how many templates were checked."""
    from .reference import STYLE_NAMES

    problems: list[str] = []
    checked = 0
    for lang in langs:
        reference: Path | str = f"templates/{lang}/reference.docx"
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
            problems.append(f"{reference}: cannot be read: {' '.join(str(exc).split())}")
        for kind in KINDS:
            checked += 1
            problem = check_template(root, lang, kind)
            if problem:
                problems.append(problem)
        problems.extend(other_templates(root, lang))
    return problems, checked
