"""The annual responsibility letter (§1): parent to child org, the year's tasks, signatures.

Tasks are the sentences (``task.en`` / ``task.zh``) of the rules that apply to
the child org (``rules.catalog.applicable_rules``), followed by any extra tasks
already written into ``letters/<yyyy>/<org>.toml``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..records import layout
from ..records.names import need_org
from .common import Document, imprint, org_view, render_docx


def letter_orgs(records: Any, year: int, org: str | None, children_of: str | None) -> list[str]:
    """The orgs to write letters to: one org, or every org below ``children_of``.

    Below a parent means the whole subtree (a county's letters go to townships
    and to the villages under them, each from its own parent); orgs the
    ``responsibility-letter`` rule leaves out (e.g. branches of a general branch)
    and orgs that did not exist in ``year`` are skipped.
    """
    from ..rules.catalog import load_rules

    if org is not None:
        found = need_org(records, org)
        if not found.parent:
            raise InputError(f"--org: {org} has no parent; a letter goes from a parent to its org")
        return [org]
    need_org(records, children_of or "", "--children-of")
    rule = load_rules(records.settings).get("responsibility-letter")
    first, last = date(year, 1, 1), date(year, 12, 31)
    out = []
    for org_id in records.subtree(children_of)[1:]:
        child = records.orgs[org_id]
        if child.established and child.established > last:
            continue
        if child.dissolved and child.dissolved < first:
            continue
        if rule is not None and not rule.applies_to_org(child, records.orgs):
            continue
        out.append(org_id)
    return out


def letter_context(records: Any, org_id: str, year: int, lang: str) -> dict[str, Any]:
    from ..rules.catalog import applicable_rules

    org = need_org(records, org_id)
    tasks = [rule.text("task", lang) for rule in applicable_rules(records, org_id)]
    signed_on = None
    letter = records.by_path.get(layout.letter_path(year, org_id))  # its own file, if signed
    if letter is not None:
        signed_on = letter.signed_on
        tasks.extend(t for t in letter.tasks if t not in tasks)
    return {
        "year": year,
        "org": org_view(records, org_id),
        "parent": org_view(records, org.parent),
        "tasks": tasks,
        "signed_on": signed_on,
        "imprint": imprint(
            records, org_view(records, org.parent)["name"], signed_on or date.today()
        ),
    }


def render_letter(
    records: Any, org_id: str, year: int, lang: str, repo_root: Path | None
) -> Document:
    context = letter_context(records, org_id, year, lang)
    return Document(f"letter-{year}-{org_id}.docx", render_docx(repo_root, lang, "letter", context))
