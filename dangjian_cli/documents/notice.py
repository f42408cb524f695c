"""Praise, criticism and rectification notices (§3), numbered and recorded.

The number is the next free one for the issuer's pattern in ``[numbering]``
(``青组通〔{year}〕{n}号``); the notice is also written as
``notices/<yyyy>/<nnn>.toml`` so the ``rectification`` rule tracks its deadline.
Both are taken under a lock file in ``notices/<yyyy>/`` and the record is created
with an exclusive link, so two clerks issuing at once never share a number.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ..errors import InputError, Refused
from ..records import layout
from ..records.names import need_org
from ..records.parse import parse
from ..records.store import read_inside
from .common import Document, imprint, org_view, render_docx
from .words import basis, finding_sentence, period_words, word

KINDS = ("criticism", "admonition", "rectification", "praise")


def number_pattern(numbering: dict[str, Any], issuer: str, kind: str, lang: str) -> str:
    """The numbering pattern for an issuer and kind: ``[numbering.<issuer>]`` kind or default,
    then a top-level ``[numbering]`` kind or default, then a plain built-in one."""
    pattern: Any = None
    own = numbering.get(issuer)
    if isinstance(own, dict):
        pattern = own.get(kind) or own.get("default")
    elif isinstance(own, str):
        pattern = own
    if not pattern:
        for key in (kind, "default"):
            if isinstance(numbering.get(key), str):
                pattern = numbering[key]
                break
    if not pattern:
        # a number without the issuer's code (〔2026〕1号) cannot go out: say what to add
        raise InputError(
            f"dangjian.toml: [numbering] has no pattern for issuer {issuer!r}; add "
            f'[numbering.{issuer}] with default = "<issuer code>〔{{year}}〕{{n}}号" '
            "(or a top-level [numbering] default) and render again"
        )
    if not isinstance(pattern, str) or "{n}" not in pattern:
        raise InputError(f"dangjian.toml: [numbering] pattern for {issuer}/{kind} needs {{n}}")
    return pattern


def format_number(pattern: str, year: int, n: int) -> str:
    return pattern.replace("{year}", str(year)).replace("{n}", str(n))


def number_regex(pattern: str, year: int) -> re.Pattern[str]:
    parts = [re.escape(p) for p in pattern.replace("{year}", str(year)).split("{n}")]
    return re.compile(r"(\d+)".join(parts) + r"\Z")


@contextlib.contextmanager
def folder_lock(folder: Path, timeout: float = 60.0) -> Iterator[None]:
    """An exclusive lock on a folder (``<folder>/.lock``, see ``records.write.file_lock``).

    The lock is ``flock`` on the file: a process killed while holding it lets go
    at once, so a killed render never blocks the next notice.
    """
    from ..records.write import file_lock

    folder.mkdir(parents=True, exist_ok=True)
    with file_lock(folder / ".lock", timeout, busy="another notice is being issued"):
        yield


@dataclass(slots=True)
class Claim:
    path: str  # notices/<yyyy>/<nnn>.toml
    seq: int
    n: int
    number: str


def next_claim(root: Path, year: int, pattern: str) -> Claim:
    """The next file and number, read from the work tree (call under :func:`folder_lock`)."""
    folder = root / "notices" / str(year)
    regex = number_regex(pattern, year)
    seq = n = 0
    for path in folder.glob("*.toml"):
        if path.stem.isdigit():
            seq = max(seq, int(path.stem))
        try:
            rel = f"notices/{year}/{path.name}"  # a link out, a FIFO: no number, never hangs
            doc, _ = parse(rel, read_inside(root, rel))
        except OSError:
            continue
        number = doc.get("number") if doc is not None else None
        found = regex.match(number.strip()) if isinstance(number, str) else None
        if found:
            n = max(n, int(found.group(1)))
    seq += 1
    return Claim(layout.notice_path(year, seq), seq, n + 1, format_number(pattern, year, n + 1))


def notice_record(
    kind: str,
    number: str,
    issuer: str,
    target: str,
    issued_on: date,
    findings: list[str],
    deadline: date | None,
    entries: list[dict[str, str]] | None = None,
) -> bytes:
    import tomlkit

    doc = tomlkit.document()
    doc["kind"] = kind
    doc["number"] = number
    doc["issuer"] = issuer
    doc["target"] = target
    doc["issued_on"] = issued_on
    items = tomlkit.array()
    items.multiline(True)
    items.extend(findings)
    doc["findings"] = items
    if deadline is not None:
        doc["deadline"] = deadline
    if entries:
        # the findings in the engine's terms, so a rectified notice settles them
        table = tomlkit.aot()
        for item in entries:
            row = tomlkit.table()
            for key in ("subject", "rule", "period", "org", "notice"):
                if item.get(key):
                    row[key] = item[key]
            table.append(row)
        doc["items"] = table
    return tomlkit.dumps(doc).encode("utf-8")


def create_exclusive(path: Path, data: bytes) -> None:
    """Write a new file all at once (mode from the umask); FileExistsError if it is there."""
    from ..records.write import write_atomic

    write_atomic(path, data, exclusive=True)


def finding_rows(records: Any, org_id: str, as_of: date, lang: str) -> list[dict[str, Any]]:
    """Overdue obligations of one org at ``as_of``, one table row each; findings
    settled by a rectified notice are never listed again."""
    from ..rules.catalog import load_rules
    from ..rules.engine import OVERDUE, evaluate, findings
    from ..rules.settle import unsettled

    rules = load_rules(records.settings)
    rows = []
    obligations = evaluate(records, as_of, orgs=[org_id], rules=rules)
    for ob in findings(unsettled(obligations, records.notices, as_of), OVERDUE):
        rule = rules.get(ob.rule)
        title = rule.text("title", lang) if rule else ob.rule
        if ob.notice:  # an unrectified notice: name it by its number
            title = f"{title}（{ob.notice}）" if lang == "zh" else f"{title} ({ob.notice})"
        if ob.subject != org_id:
            title = (
                f"{title}（{ob.subject_name}）" if lang == "zh" else f"{title} ({ob.subject_name})"
            )
        rows.append(
            {
                "title": title,
                "text": finding_sentence(ob, rule, lang),
                "basis": basis(ob.clause, lang),
                "period_words": period_words(ob.period, lang),
                "rule": ob.rule,
                "period": ob.period,
                "required": ob.required,
                "found": ob.found,
                "status": word("finding", ob.status, lang),
                "deadline": ob.deadline,
                "clause": ob.clause,
                "subject": ob.subject,
                "org": ob.org,
                "notice": ob.notice,
            }
        )
    return rows


def notice_items(rows: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The ``[[items]]`` of a notice record: the rows that are engine findings."""
    items = []
    for row in rows:
        if row.get("rule") and row.get("subject") and row.get("period"):
            item = {k: str(row[k]) for k in ("subject", "rule", "period")}
            if row.get("org") and row["org"] != row["subject"]:
                item["org"] = str(row["org"])
            if row.get("notice"):
                item["notice"] = str(row["notice"])
            items.append(item)
    return items


def finding_text(row: dict[str, Any], lang: str) -> str:
    """One finding as the sentence kept in the notice record."""
    return row.get("text") or row["title"]


def notice_context(
    records: Any,
    issuer: str,
    org_id: str,
    kind: str,
    number: str,
    issued_on: date,
    as_of: date,
    deadline: date | None,
    rows: list[dict[str, Any]],
    lang: str,
) -> dict[str, Any]:
    return {
        "kind": kind,
        "kind_label": word("notice", kind, lang),
        "number": number,
        "issuer": org_view(records, issuer),
        "target": org_view(records, org_id),
        "issued_on": issued_on,
        "as_of": as_of,
        "deadline": deadline,
        "findings": [{**row, "no": i} for i, row in enumerate(rows, start=1)],
        "imprint": imprint(records, org_view(records, issuer)["name"], issued_on),
    }


def extra_row(text: str) -> dict[str, Any]:
    """A finding given in words (``--finding``): a table row with only its text."""
    return {
        "title": text,
        "text": text,
        "basis": "",
        "period_words": "",
        "rule": None,
        "period": "",
        "required": "",
        "found": "",
        "status": "",
        "deadline": None,
        "clause": "",
    }


def issue_notice(
    records: Any,
    root: Path,
    *,
    org_id: str,
    kind: str,
    lang: str,
    as_of: date,
    issued_on: date,
    deadline: date | None,
    extra: list[str],
    issuer: str | None,
    write_docx: Callable[[Document], None],
) -> tuple[Document, str]:
    """Number, render and record one notice; ``write_docx`` puts the document in place.

    Returns the document and the path of the notice record written. Nothing is
    written when rendering or ``write_docx`` fails.
    """
    target = need_org(records, org_id)
    issuer = issuer or target.parent
    if not issuer:
        raise InputError(f"--org: {org_id} has no parent to issue the notice; give --issuer")
    need_org(records, issuer, "--issuer")
    # refused (exit 2) before anything is evaluated, written or committed
    pattern = number_pattern(records.settings.numbering or {}, issuer, kind, lang)
    rows: list[dict[str, Any]] = []
    if kind != "praise":
        rows = finding_rows(records, org_id, as_of, lang)
    for text in extra:
        text = text.strip()
        if text:
            rows.append(extra_row(text))
    if not rows:
        what = "overdue obligations" if kind != "praise" else "reasons"
        raise Refused(
            f"no {what} for {org_id} as of {as_of.isoformat()}: nothing to put in the notice "
            "(state one with --finding TEXT)"
        )
    year = issued_on.year
    from ..records.write import safe_target

    # a folder or file that links out of the repository is refused before anything is made
    folder = safe_target(root, f"notices/{year}")
    with folder_lock(folder):
        claim = next_claim(root, year, pattern)
        context = notice_context(
            records, issuer, org_id, kind, claim.number, issued_on, as_of, deadline, rows, lang
        )
        document = Document(
            f"notice-{year}-{claim.seq:03d}.docx", render_docx(root, lang, "notice", context)
        )
        record = notice_record(
            kind,
            claim.number,
            issuer,
            org_id,
            issued_on,
            [finding_text(r, lang) for r in rows],
            deadline,
            notice_items(rows),
        )
        document.record = (claim.path, record)
        write_docx(document)
        try:
            create_exclusive(safe_target(root, claim.path), record)
        except BaseException:
            # the record could not be written: take the document back, leave nothing half-done
            with contextlib.suppress(OSError):
                document_path = getattr(document, "written", None)
                if document_path:
                    os.unlink(document_path)
            raise
    return document, claim.path
