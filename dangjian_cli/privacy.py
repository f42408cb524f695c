"""Masking of personal data in documents and listings, unless the user asks otherwise."""

from __future__ import annotations

from typing import Any


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


def mask_field(name: str, value: Any) -> Any:
    """``value`` masked when ``name`` is a personal field (id_number, phone), else as is.

    For messages that quote a value: a clerk's typo (an id number written without
    quotes, so an integer) must not print the number in full.
    """
    if name == "id_number":
        return mask_id_number(str(value))
    if name == "phone":
        return mask_phone(str(value))
    return value
