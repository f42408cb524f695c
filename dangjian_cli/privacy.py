"""Masking of personal data in documents, listings, reviews and logs: the one place.

Two things are personal: resident ID numbers and phone numbers. They are found

* by key: a value under ``id_number`` or ``phone``, or under a key close to one
  (a typo such as ``id_numbr``, a synonym such as ``phone_number``, ``tel`` or
  ``身份证号``), whatever its type (string, integer, list, nested table); and
* by shape: any string (or integer) that looks like a resident ID (18 characters,
  17 digits and a digit or X; or the old 15 digits) or a mainland mobile number
  (``1[3-9]`` and 9 more digits, also written ``138 1234 5678``), wherever it is.

A clerk's typo or free-text note must not print a number in full; a false
alarm only hides a few digits of something that was not personal. Commands show
the values unmasked only with ``--show-personal``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from datetime import date, datetime, time
from functools import lru_cache
from typing import Any

ID = "id_number"
PHONE = "phone"

#: the record fields that hold personal data, and what a clerk may write instead
SYNONYMS: dict[str, tuple[str, ...]] = {
    ID: (
        "id_number",
        "idnumber",
        "id_no",
        "id_num",
        "id_card",
        "idcard",
        "id_card_number",
        "identity_number",
        "identity_card",
        "resident_id",
        "citizen_id",
        "sfz",
        "身份证",
        "身份证号",
        "身份证号码",
        "证件号",
        "证件号码",
    ),
    PHONE: (
        "phone",
        "phone_number",
        "phone_no",
        "mobile_phone",
        "mobile_number",
        "mobile_no",
        "cellphone",
        "cell_phone",
        "telephone",
        "tel",
        "tel_no",
        "contact_phone",
        "手机",
        "手机号",
        "手机号码",
        "电话",
        "电话号码",
        "联系电话",
    ),
}
#: record fields whose names look personal but are not: ``mobile`` is the table of
#: a mobile (migrant) member's whereabouts (since, location, until), not a phone
NOT_PERSONAL = frozenset({"mobile", "number", "id"})
#: one word of a key that alone makes it a phone key (``home_phone``, ``tel``)
_PHONE_WORDS = frozenset({"phone", "phones", "tel", "telephone", "cellphone", "mobilephone"})
#: how close (difflib ratio) a key must be to a personal key or synonym to count
SIMILARITY = 0.85

_ID_RE = re.compile(r"(?<![0-9])(?:[0-9]{17}[0-9Xx]|[0-9]{15})(?![0-9])")
_THREE_DIGITS = re.compile(r"[0-9]{3}")
_PHONE_RE = re.compile(r"(?<![0-9])1[3-9][0-9][- ]?[0-9]{4}[- ]?[0-9]{4}(?![0-9])")


def mask_id_number(value: str | None) -> str | None:
    """``110101********123X``: region and check part stay, birth date is hidden."""
    if not value:
        return value
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str | None) -> str | None:
    """``138****5678``: the middle four digits of a mobile number are hidden."""
    if not value:
        return value
    digits = value.strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


@lru_cache(maxsize=4096)
def personal_kind(key: str) -> str | None:
    """``"id_number"`` or ``"phone"`` when ``key`` names personal data, else None.

    Exact names and synonyms first, then the words of the key (``home_phone``,
    ``id_card_no``), then a difflib ratio of at least :data:`SIMILARITY` against
    every name (``id_numbr``, ``phnoe``): a misspelt key must not leak its value.
    """
    norm = re.sub(r"[\s\-]+", "_", str(key).strip().lower())
    if not norm or norm in NOT_PERSONAL:
        return None
    for kind, names in SYNONYMS.items():
        if norm in names:
            return kind
    if "身份" in norm or "证件" in norm:
        return ID
    if "手机" in norm or "电话" in norm:
        return PHONE
    words = [w for w in re.split(r"[_.]+", norm) if w]
    if any(w in _PHONE_WORDS for w in words):
        return PHONE
    if "mobile" in words and any(w in ("no", "num", "number", "nr") for w in words):
        return PHONE
    if {"id", "identity"} & set(words) and {"no", "num", "number", "nr", "card"} & set(words):
        return ID
    for w in words:  # a misspelt word of a longer key: ``home_phnoe``
        if len(w) >= 4 and difflib.get_close_matches(w, _PHONE_WORDS, n=1, cutoff=0.8):
            return PHONE
    best, kind_of_best = 0.0, None
    for kind, names in SYNONYMS.items():
        for name in names:
            if len(name) < 4 or not name.isascii():
                continue  # short names (tel, sfz) match too much by ratio
            ratio = difflib.SequenceMatcher(None, norm, name).ratio()
            if ratio > best:
                best, kind_of_best = ratio, kind
    return kind_of_best if best >= SIMILARITY else None


def path_kind(path: str | tuple[Any, ...]) -> str | None:
    """The personal kind of a dotted field path (``contacts.phone``) or key path.

    Any component counts: everything under a personal key is personal.
    """
    parts = path.split(".") if isinstance(path, str) else [p for p in path if isinstance(p, str)]
    for part in parts:
        kind = personal_kind(part)
        if kind:
            return kind
    return None


def mask_value(value: Any, kind: str) -> Any:
    """``value`` (any type) as held under a personal key of ``kind``: every leaf masked."""
    if value is None or isinstance(value, bool) or value == "":
        return value
    if isinstance(value, Mapping):
        return {k: mask_value(v, kind) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [mask_value(v, kind) for v in value]
    if isinstance(value, int) and value.bit_length() > 64:
        return "*" * 8  # too long for any number it could be; str() of it may fail
    text = value.isoformat() if isinstance(value, (date, datetime, time)) else str(value)
    return mask_id_number(text) if kind == ID else mask_phone(text)


def _mask_id_match(match: re.Match[str]) -> str:
    return mask_id_number(match.group(0)) or ""


def _mask_phone_match(match: re.Match[str]) -> str:
    digits = re.sub(r"[- ]", "", match.group(0))
    return digits[:3] + "****" + digits[-4:]


def mask_text(text: str) -> str:
    """``text`` with every resident-ID-like and mobile-like number in it masked."""
    if len(text) < 11 or not _THREE_DIGITS.search(text):
        return text  # the common case (names, topics): nothing that could be a number
    return _PHONE_RE.sub(_mask_phone_match, _ID_RE.sub(_mask_id_match, text))


def mask_data(value: Any, key: str | None = None) -> Any:
    """``value`` with personal data masked wherever it is, for showing to a user.

    Values under a personal key (see :func:`personal_kind`) are masked whatever
    their type; strings anywhere are searched for ID and mobile numbers; an integer
    that is such a number (a number typed without quotes) becomes its masked text.
    Everything else is returned as it is (same type), so it can be shown as before.
    """
    if key is not None:
        kind = personal_kind(key)
        if kind:
            return mask_value(value, kind)
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        if not -(10**19) < value < 10**19:
            return value  # longer than any ID or phone number
        text = str(value)
        masked = mask_text(text)
        return value if masked == text else masked
    if isinstance(value, Mapping):
        return {
            (mask_text(k) if isinstance(k, str) else k): mask_data(
                v, k if isinstance(k, str) else None
            )
            for k, v in value.items()
        }
    if isinstance(value, (list, tuple)):
        return [mask_data(v) for v in value]
    return value


def mask_field(name: str | tuple[Any, ...], value: Any) -> Any:
    """``value`` of the field ``name`` (dotted path or key path) masked for showing.

    For messages that quote a value and for field diffs: a clerk's typo (an id
    number written without quotes, so an integer; a misspelt key) must not print
    the number in full.
    """
    kind = path_kind(name)
    if kind:
        return mask_value(value, kind)
    return mask_data(value)


__all__ = [
    "ID",
    "PHONE",
    "mask_data",
    "mask_field",
    "mask_id_number",
    "mask_phone",
    "mask_text",
    "mask_value",
    "path_kind",
    "personal_kind",
]
