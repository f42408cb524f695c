"""records.write: tomlkit edits that keep the file, the validation guard, atomic writes."""

from __future__ import annotations

import os
import tomllib
from datetime import date
from pathlib import Path

import pytest

from dangjian_cli.checks import validate
from dangjian_cli.errors import InputError, Refused
from dangjian_cli.records import layout, write
from dangjian_cli.records.store import FolderStore

MEMBER = b"""\
# kept by the village clerk
name = "Member Four"   # as on the ID card
org = "village"
status = "probationary"  # since the 2025 assembly

admitted = 2025-06-01

[mobile]
since = 2025-09-01   # working in Shenzhen

[[dues]]
month = "2026-01"
amount = "12.50"

[[dues]]
month = "2026-02"
amount = "12.50"
"""


def edit(data: bytes, dotted: str, *values: str, kind: str = layout.MEMBER) -> bytes:
    target = write.resolve_field(kind, dotted)
    return write.set_value("members/m4.toml", data, target, write.parse_value(target, values))


# ---- edits keep the file -------------------------------------------------------


def test_set_replaces_only_the_value_keeping_comments_and_order():
    out = edit(MEMBER, "status", "full")
    expected = MEMBER.replace(b'status = "probationary"', b'status = "full"')
    assert out == expected


def test_set_adds_a_new_top_level_key_before_the_tables():
    out = edit(MEMBER, "full_since", "2026-06-01")
    text = out.decode()
    assert text.startswith(MEMBER.decode().split("[mobile]")[0].rstrip("\n"))
    assert text.index("full_since = 2026-06-01") < text.index("[mobile]")
    assert tomllib.loads(text)["full_since"] == date(2026, 6, 1)
    assert "# working in Shenzhen" in text


def test_set_table_field_and_row_field_by_index():
    out = edit(MEMBER, "mobile.location", "Shenzhen")
    out = edit(out, "dues.-1.paid_on", "2026-02-10")
    out = edit(out, "dues.0.amount", "15")
    doc = tomllib.loads(out.decode())
    assert doc["mobile"] == {"since": date(2025, 9, 1), "location": "Shenzhen"}
    assert doc["dues"][1]["paid_on"] == date(2026, 2, 10)
    assert doc["dues"][0]["amount"] == 15
    assert doc["dues"][1]["amount"] == "12.50"
    assert b"since = 2025-09-01   # working in Shenzhen" in out


def test_set_creates_a_missing_table():
    out = edit(MEMBER, "stars.2025", "4")
    assert tomllib.loads(out.decode())["stars"] == {"2025": 4}
    org = b'name = "V"\nkind = "village_branch"\nparent = "town"\n'
    out = edit(org, "committee.elected", "2024-01-10", kind=layout.ORG)
    out = edit(out, "committee.members", "m1,m2", "m3", kind=layout.ORG)
    assert tomllib.loads(out.decode())["committee"] == {
        "elected": date(2024, 1, 10),
        "members": ["m1", "m2", "m3"],
    }
    assert out.startswith(org)


def test_values_take_the_schema_type():
    def value(kind: str, dotted: str, *values: str):
        return write.parse_value(write.resolve_field(kind, dotted), values)

    assert value(layout.MEMBER, "admitted", "2026-01-05") == date(2026, 1, 5)
    assert value(layout.ORG, "party_groups", "True") is True
    assert value(layout.ORG, "poor_village", "false") is False
    assert value(layout.ORG, "committee.term_years", "5") == 5
    assert value(layout.MEMBER, "dues.0.amount", "12.50") == "12.50"
    assert value(layout.MEMBER, "dues.0.amount", "12") == 12
    assert value(layout.MEETING, "attendees", "a, b", "c") == ["a", "b", "c"]
    assert value(layout.LETTER, "tasks", "Meet, study and serve", "Pay dues") == [
        "Meet, study and serve",
        "Pay dues",
    ]
    assert value(layout.MEETING, "topic", "2026-01-01") == "2026-01-01"  # strings stay strings
    assert value(layout.SETTINGS, "rules.theme-day.min", "2") == 2
    assert value(layout.SETTINGS, "numbering.county", "Qing [{year}] No. {n}") == (
        "Qing [{year}] No. {n}"
    )


@pytest.mark.parametrize(
    ("kind", "dotted", "values", "message"),
    [
        (layout.MEMBER, "admitted", ("2026-02-30",), "ISO date"),
        (layout.ORG, "party_groups", ("yes",), "true or false"),
        (layout.ORG, "committee.term_years", ("five",), "whole number"),
        (layout.MEMBER, "dues.0.amount", ("12.505",), "at most two decimals"),
        (layout.MEMBER, "name", ("a", "b"), "takes one value"),
        (layout.ORG, "committee", ("x",), "is a table: set one of its fields, like committee.e"),
        (
            layout.MEMBER,
            "dues",
            ("x",),
            r"list of rows: set a field of one row, like dues\.0\.month",
        ),
        (layout.MEMBER, "stars", ("4",), "is a table"),
        (layout.MEMBER, "dues.1", ("x",), "whole row"),
    ],
)
def test_bad_values_are_input_errors(kind, dotted, values, message):
    target = write.resolve_field(kind, dotted)
    with pytest.raises(InputError, match=message):
        write.parse_value(target, values)


@pytest.mark.parametrize(
    ("kind", "dotted", "message"),
    [
        (layout.MEMBER, "statuz", "did you mean 'status'"),
        (layout.MEMBER, "dues.paid_on", "name one by its index"),
        (layout.MEMBER, "name.first", "plain value with no fields"),
        (layout.MEMBER, "mobile.town", "unknown field `mobile.town` for a member record"),
        (layout.MEMBER, "stars.last", "takes a year"),
        (layout.MEMBER, "a..b", "not a dotted field path"),
    ],
)
def test_unknown_or_malformed_field_paths(kind, dotted, message):
    with pytest.raises(InputError, match=message):
        write.resolve_field(kind, dotted)


def test_row_index_out_of_range():
    with pytest.raises(InputError, match="has 2 rows; index 5 is out of range"):
        edit(MEMBER, "dues.5.paid_on", "2026-01-01")
    with pytest.raises(InputError, match="no `transfers`"):
        edit(MEMBER, "transfers.0.to", "town")


def test_unset_removes_a_key_a_row_and_an_emptied_table():
    member = layout.MEMBER
    out = write.unset_value("m.toml", MEMBER, write.resolve_field(member, "admitted"))
    assert b"admitted" not in out
    assert out == MEMBER.replace(b"admitted = 2025-06-01\n", b"")
    out = write.unset_value("m.toml", out, write.resolve_field(member, "mobile.since"))
    assert b"[mobile]" not in out
    out = write.unset_value("m.toml", out, write.resolve_field(member, "dues.0"))
    doc = tomllib.loads(out.decode())
    assert doc["dues"] == [{"month": "2026-02", "amount": "12.50"}]
    assert b"# as on the ID card" in out
    with pytest.raises(InputError, match="no field `birth_date`"):
        write.unset_value("m.toml", out, write.resolve_field(member, "birth_date"))


def test_crlf_file_keeps_crlf_everywhere():
    data = MEMBER.replace(b"\n", b"\r\n")
    out = edit(data, "status", "full")
    out = edit(out, "full_since", "2026-06-01")
    out = edit(out, "mobile.location", "Shenzhen")
    assert out.count(b"\n") == out.count(b"\r\n")
    assert b'status = "full"  # since the 2025 assembly\r\n' in out
    assert b"full_since = 2026-06-01\r\n" in out
    assert tomllib.loads(out.decode())["mobile"]["location"] == "Shenzhen"


def test_unreadable_files_cannot_be_edited():
    target = write.resolve_field(layout.MEMBER, "status")
    with pytest.raises(InputError, match=r"m\.toml:1: .*byte-order mark"):
        write.set_value("m.toml", b"\xef\xbb\xbf" + MEMBER, target, "full")
    with pytest.raises(InputError, match=r"m\.toml:2: TOML syntax"):
        write.set_value("m.toml", b'name = "x"\nstatus = \n', target, "full")
    with pytest.raises(InputError, match="not valid UTF-8"):
        write.set_value("m.toml", 'name = "党员"\n'.encode("gbk"), target, "full")


# ---- new documents and appended rows -----------------------------------------------


def test_new_document_leaves_out_empty_values_and_writes_rows():
    data = write.new_document(
        [("kind", "theme_day"), ("date", date(2026, 3, 15)), ("topic", None), ("x", [])],
        {"absent": [{"member": "m3", "reason": None}], "none": []},
    )
    assert data == b'kind = "theme_day"\ndate = 2026-03-15\n\n[[absent]]\nmember = "m3"\n'


def test_append_row_keeps_the_ledger_and_spaces_rows():
    ledger = b"# 2026 ledger\n[[entry]]\ndate = 2026-01-05  # opening\namount = 100\n"
    out = write.append_row("funds/v/2026.toml", ledger, "entry", {"date": date(2026, 2, 1)})
    assert out == ledger + b"\n[[entry]]\ndate = 2026-02-01\n"
    no_newline = ledger.rstrip(b"\n")
    out = write.append_row("f.toml", no_newline, "entry", {"amount": "1.50"})
    assert out == ledger + b'\n[[entry]]\namount = "1.50"\n'
    assert write.append_row("f.toml", None, "entry", {"amount": 3}) == b"[[entry]]\namount = 3\n"
    with pytest.raises(InputError, match=r"not written as \[\[entry\]\] rows"):
        write.append_row("f.toml", b"entry = 1\n", "entry", {"amount": 3})


def test_next_meeting_path_numbers_same_day_meetings(repo):
    store = FolderStore(repo.root)
    day = date(2026, 3, 15)
    first = write.next_meeting_path(store, "village", day, "theme_day")
    assert first == "meetings/village/2026-03-15-theme_day.toml"
    repo.write(first, 'kind = "theme_day"\n')
    repo.write("meetings/village/2026-03-15-theme_day-2.toml", 'kind = "theme_day"\n')
    again = write.next_meeting_path(FolderStore(repo.root), "village", day, "theme_day")
    assert again == "meetings/village/2026-03-15-theme_day-3.toml"


# ---- the guard: problems a change would introduce --------------------------------


def test_guard_reports_exactly_the_errors_a_change_introduces(repo):
    # an error the repository already has is not blamed on the change
    repo.write("members/old.toml", 'name = "Old"\norg = "nowhere"\nstatus = "applicant"\n')
    store = FolderStore(repo.root)
    bad = b'name = "New"\norg = "village"\nstatus = "ful"\n'
    found = write.introduced(store, {"members/new.toml": bad}, validate)
    assert [(p.path, p.code, p.line) for p in found if p.is_error] == [
        ("members/new.toml", "E-ENUM", 3)
    ]
    with pytest.raises(Refused) as info:
        write.guard(store, {"members/new.toml": bad}, validate)
    assert info.value.details == [
        "members/new.toml:3: error E-ENUM `status` has unknown value 'ful' (did you mean 'full'?)"
    ]
    assert "1 validation error" in str(info.value)
    assert not (repo.root / "members/new.toml").exists()


def test_guard_passes_a_clean_change_and_a_removal_that_breaks_references(repo):
    store = FolderStore(repo.root)
    good = b'name = "New"\norg = "village"\nstatus = "applicant"\n'
    assert write.guard(store, {"members/new.toml": good}, validate) == []
    with pytest.raises(Refused) as info:
        write.guard(store, {"members/m1.toml": None}, validate)
    assert any("E-REF-MEMBER" in line and "'m1'" in line for line in info.value.details)


# ---- atomic writes ----------------------------------------------------------------


def test_write_atomic_replaces_and_keeps_permissions(tmp_path: Path):
    target = tmp_path / "orgs" / "a.toml"
    write.write_atomic(target, b"one\n")
    assert target.read_bytes() == b"one\n"
    os.chmod(target, 0o640)
    write.write_atomic(target, b"two\n")
    assert target.read_bytes() == b"two\n"
    assert os.stat(target).st_mode & 0o777 == 0o640
    assert sorted(p.name for p in target.parent.iterdir()) == ["a.toml"]


def test_failed_write_leaves_old_file_and_no_temp_file(tmp_path: Path, monkeypatch):
    target = tmp_path / "orgs" / "a.toml"
    write.write_atomic(target, b"old\n")

    def broken(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(write.os, "replace", broken)
    with pytest.raises(OSError, match="No space"):
        write.write_atomic(target, b"new\n")
    assert target.read_bytes() == b"old\n"
    assert [p.name for p in target.parent.iterdir()] == ["a.toml"]
    # a failed write into new folders removes the folders it made
    fresh = tmp_path / "meetings" / "v" / "2026-01-01-theme_day.toml"
    with pytest.raises(OSError):
        write.write_atomic(fresh, b"x\n")
    assert not (tmp_path / "meetings").exists()


def test_apply_refuses_paths_leading_out_of_the_repository(tmp_path: Path):
    root = tmp_path / "repo"
    root.mkdir()
    (tmp_path / "outside").mkdir()
    (root / "orgs").symlink_to(tmp_path / "outside")
    with pytest.raises(Refused, match="leads out of the repository"):
        write.apply(root, {"orgs/a.toml": b"x\n"})
    with pytest.raises(Refused):
        write.apply(root, {"../evil.toml": b"x\n"})
    assert list((tmp_path / "outside").iterdir()) == []
    assert write.apply(root, {"members/a.toml": b"y\n"}) == ["members/a.toml"]
    assert (root / "members/a.toml").read_bytes() == b"y\n"


def test_scaffold_settings_are_valid_toml_in_both_languages():
    for lang in ("en", "zh"):
        files = write.scaffold('Qing "shan"', lang, date(2025, 1, 1))
        settings = tomllib.loads(files["dangjian.toml"].decode())
        assert settings == {
            "name": 'Qing "shan"',
            "language": lang,
            "tracking_since": date(2025, 1, 1),
            "numbering": {},
        }
        assert set(files) == {"dangjian.toml", ".gitignore"} | {
            f"{folder}/.gitkeep" for folder in layout.FOLDERS
        }
        assert b"out/" in files[".gitignore"].splitlines()


def test_overlay_matches_a_full_load_of_the_changed_repository(repo):
    from dangjian_cli.records.repository import load
    from dangjian_cli.records.store import OverlayStore

    repo.write("members/old.toml", 'name = "Old"\norg = "nowhere"\nstatus = "applicant"\n')
    store = FolderStore(repo.root)
    changes = {
        "members/m1.toml": None,
        "members/new.toml": b'name = "New"\norg = "town"\nstatus = "ful"\n',
        "members/old.toml": b'name = "Old"\norg = "village"\nstatus = "applicant"\n',
        "orgs/Bad Name.toml": b'name = "x"\n',
    }

    def seen(problems):
        return sorted((p.path, p.line, p.code, p.message) for p in problems)

    fast = write.overlay(load(store), changes)
    full = load(OverlayStore(store, changes))
    assert sorted(fast.by_path) == sorted(full.by_path)
    assert seen(validate(fast)) == seen(validate(full))
    codes = {p.code for p in validate(fast)}
    assert {"E-REF-MEMBER", "E-ENUM", "E-SLUG"} <= codes
    assert "E-REF-ORG" not in codes  # the old error is fixed by the change
