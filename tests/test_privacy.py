"""privacy: which keys are personal, and masking of values by key and by shape."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from dangjian_cli.privacy import (
    ID,
    PHONE,
    mask_data,
    mask_field,
    mask_text,
    path_kind,
    personal_kind,
)

PHONE_NUMBER = "13812345678"
ID_NUMBER = "11010519700501123X"


@pytest.mark.parametrize(
    ("key", "kind"),
    [
        ("id_number", ID),
        ("phone", PHONE),
        ("id_numbr", ID),  # misspelt
        ("id_nunber", ID),
        ("ID-Number", ID),
        ("idnumber", ID),
        ("id_card_no", ID),
        ("identity_no", ID),
        ("身份证", ID),
        ("身份证号码", ID),
        ("phone_number", PHONE),
        ("phone_numbr", PHONE),
        ("phnoe", PHONE),
        ("home_phone", PHONE),
        ("home_phnoe", PHONE),
        ("mobile_phone", PHONE),
        ("mobile_no", PHONE),
        ("tel", PHONE),
        ("telephone", PHONE),
        ("手机号", PHONE),
        ("联系电话", PHONE),
    ],
)
def test_personal_keys_and_keys_close_to_them(key, kind):
    assert personal_kind(key) == kind


@pytest.mark.parametrize(
    "key",
    # every field of the record schema that is not personal, and listing columns
    [
        "name", "number", "mobile", "id", "note", "notes", "title", "topic", "location",
        "member", "members", "minutes", "month", "amount", "org", "period", "status",
        "subject", "subject_name", "notice", "found", "required", "clause", "deadline",
        "rank", "share", "owed", "met", "missed", "pending", "value", "field", "message",
        "photo", "phase", "money", "tone", "zone", "identity", "voucher", "purpose", "reason",
    ],
)  # fmt: skip
def test_ordinary_keys_are_not_personal(key):
    assert personal_kind(key) is None


def test_a_dotted_path_is_personal_when_any_part_is():
    assert path_kind("contacts.phone") == PHONE
    assert path_kind("phone.home") == PHONE
    assert path_kind("mobile.location") is None  # a mobile (migrant) member's whereabouts


def test_mask_text_finds_ids_and_mobiles_in_free_text():
    text = f"call {PHONE_NUMBER} or 139 1234 5678; ID {ID_NUMBER} and old 110105700501123."
    masked = mask_text(text)
    assert masked == (
        "call 138****5678 or 139****5678; ID 110105********123X and old 110105*****1123."
    )
    # dates, amounts, longer digit runs and short numbers are left alone
    for plain in ("2026-03-15", "1234.50", "12345678901234567890", "010-12345678", "n = 42"):
        assert mask_text(plain) == plain


def test_mask_data_by_key_whatever_the_type():
    data = {
        "phone": int(PHONE_NUMBER),
        "phone_number": [PHONE_NUMBER, "13900001111"],
        "id_numbr": {"old": ID_NUMBER, "new": [ID_NUMBER]},
        "note": f"reachable at {PHONE_NUMBER}",
        "count": 5,
        "big": int(PHONE_NUMBER),  # an integer that is a mobile number, under any key
        "when": date(2026, 3, 15),
        "amount": Decimal("-5.00"),
        "flag": True,
    }
    masked = mask_data(data)
    assert masked == {
        "phone": "138****5678",
        "phone_number": ["138****5678", "139****1111"],
        "id_numbr": {"old": "110105********123X", "new": ["110105********123X"]},
        "note": "reachable at 138****5678",
        "count": 5,
        "big": "138****5678",
        "when": date(2026, 3, 15),
        "amount": Decimal("-5.00"),
        "flag": True,
    }
    assert mask_data(masked) == masked  # masking twice changes nothing


def test_mask_field_for_messages_and_diffs():
    assert mask_field("members.phone", 13812345678) == "138****5678"
    assert mask_field(("contacts", 0, "tel"), "010-87654321") == "010*****4321"
    assert mask_field("topic", f"ID {ID_NUMBER}") == "ID 110105********123X"
    assert mask_field("topic", "Study session") == "Study session"
    huge = 10**5000  # longer than Python will print: masked without converting it
    assert mask_field("phone", huge) == "********"
    assert mask_field("amount", huge) is huge
