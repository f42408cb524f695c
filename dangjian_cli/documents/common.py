"""What every document kind shares: org and person views, rendering a context to .docx bytes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..privacy import mask_id_number, mask_phone
from .templating import reference_bytes, render_blocks


@dataclass(slots=True)
class Document:
    """One rendered document: its file name (from ids and numbers only) and bytes."""

    name: str
    data: bytes
    #: a record the document brings with it (a notice's TOML): repo path and bytes
    record: tuple[str, bytes] | None = None
    #: where the document was written (set by the writer; used to undo on failure)
    written: Path | None = None


def org_view(records: Any, org_id: str | None) -> dict[str, Any]:
    """An org as templates see it: id, name, kind, and its secretary's name."""
    org = records.orgs.get(org_id or "")
    if org is None:
        return {"id": org_id or "", "name": org_id or "", "kind": "", "secretary": ""}
    secretary = records.members.get(org.secretary or "")
    return {
        "id": org.id,
        "name": org.name or org.id,
        "kind": org.kind or "",
        "secretary": (secretary.name or secretary.id) if secretary else "",
        "parent": org.parent or "",
    }


def person_view(records: Any, member_id: str, show_personal: bool = False) -> dict[str, Any]:
    """A member as templates see it; ID number and phone masked unless asked otherwise."""
    member = records.members[member_id]
    id_number = member.id_number if show_personal else mask_id_number(member.id_number)
    phone = member.phone if show_personal else mask_phone(member.phone)
    return {
        "id": member.id,
        "name": member.name or member.id,
        "org": member.org or "",
        "id_number": id_number or "",
        "phone": phone or "",
    }


def render_docx(
    repo_root: Path | None,
    lang: str,
    kind: str,
    context: Mapping[str, Any],
    images: dict[str, bytes] | None = None,
) -> bytes:
    """The .docx bytes of one document: template -> blocks -> builder on the reference.

    Every value a template sees is masked first (:func:`..privacy.mask_data`): an ID
    or phone number in a free-text field (a finding, a name) never reaches a
    document, whatever the template prints.
    """
    from ..privacy import mask_data
    from .builder import DocBuilder

    blocks = render_blocks(repo_root, lang, kind, mask_data({**context, "lang": lang}))
    return DocBuilder(reference_bytes(repo_root, lang), images).add(blocks).to_bytes()


def imprint(records: Any, issuer_name: str, day: Any) -> dict[str, Any]:
    """The 版记 values: the printing org (``[documents] printed_by``, else the issuer)
    and the printing date."""
    documents = getattr(records.settings, "documents", None) or {}
    printed_by = documents.get("printed_by") if isinstance(documents, dict) else None
    return {
        "by": printed_by if isinstance(printed_by, str) and printed_by else issuer_name,
        "on": day,
    }
