"""Masking of personal data in documents and listings, unless the user asks otherwise."""

from __future__ import annotations


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
