"""The quick spellings of the roster, the dues months and a listing's views give what
the plain spellings give: a roster's rows and the months of a scope's dues compared
on the sample county (members moved between orgs included), a listing's masked JSON
compared with masking and :func:`output.plain` cell by cell on random values."""

from __future__ import annotations

import random
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from dangjian_cli import i18n
from dangjian_cli.output import json_rows, plain, render
from dangjian_cli.privacy import mask_data, mask_text, mask_value, personal_kind
from dangjian_cli.records.repository import load
from dangjian_cli.records.store import FolderStore
from dangjian_cli.rules.dues import scale_of
from dangjian_cli.tables import listing as lst
from dangjian_cli.tables.dues import month_lines

SAMPLE = Path(__file__).resolve().parents[2] / "sample_repo"


@pytest.fixture(scope="module")
def records():
    return load(FolderStore(SAMPLE))


def test_the_sample_has_moved_members_and_dues(records) -> None:
    """What the comparisons below need to mean anything."""
    moved = [mb for mb in records.members.values() if mb.transfers]
    assert len(moved) >= 3
    assert sum(len(mb.dues) for mb in moved) > 0


@pytest.mark.parametrize("as_of", [date(2025, 6, 30), date(2025, 12, 31), date(2026, 7, 15)])
def test_a_scopes_dues_months_are_the_whole_countys_lines_of_its_orgs(records, as_of) -> None:
    """Members outside the scope are skipped before their dues are read: the lines
    are those of the whole county owed to the scope's orgs, in the same order."""
    scale = scale_of(records.settings)
    months = [f"{as_of.year}-{mon:02d}" for mon in range(1, as_of.month + 1)]
    whole = month_lines(records, None, months, as_of, scale)
    scopes = [{oid} for oid in records.orgs] + [set(records.subtree(oid)) for oid in records.orgs]
    scopes.append({mb.transfers[0].to for mb in records.members.values() if mb.transfers})
    seen = 0
    for scope in scopes:
        got = month_lines(records, scope, months, as_of, scale)
        want = {month: [ln for ln in lines if ln["org"] in scope] for month, lines in whole.items()}
        assert got == want, scope
        seen += sum(len(lines) for lines in got.values())
    assert seen > 0


def _old_roster(records, as_of, status) -> list[dict]:
    """The roster's rows as first spelt (hasattr and getattr, the language asked per row)."""
    cols = [k for k, _kind in lst.ROSTER]
    out = []
    for mid in sorted(records.members):
        mb = records.members[mid]
        st = lst.status_on(mb, as_of)
        if st is None or (st != status if status is not None else st in lst.m.LEFT_STATUSES):
            continue
        org = mb.org_on(as_of) if as_of else mb.org
        row = {k: getattr(mb, k, None) for k in cols if hasattr(mb, k)}
        row["id"] = mid
        row["status"] = lst.status_text(st)
        row["gender"] = lst.gender_text(mb.gender)
        row["org"] = org
        row["org_name"] = records.orgs[org].name if org in records.orgs else None
        out.append(row)
    return out


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("as_of", [None, date(2024, 1, 1), date(2026, 7, 15)])
@pytest.mark.parametrize("status", [None, "full", "probationary", "transferred_out"])
def test_the_roster_rows_are_as_first_spelt(records, monkeypatch, language, as_of, status) -> None:
    monkeypatch.setenv(i18n.ENV, language)
    got = lst.members(records, None, as_of, status).rows
    want = _old_roster(records, as_of, status)
    assert got == want
    assert [list(r) for r in got] == [list(r) for r in want]  # the keys' order too
    if status is None and as_of is None:
        assert len(got) > 50


def _old_json(rows: list[dict], columns: list[str]) -> str:
    """A listing's JSON as first spelt: each cell masked, then made plain."""
    masked = []
    for r in rows:
        row = {}
        for c in columns:
            value, kind = r.get(c), personal_kind(c)
            if kind:
                row[c] = mask_value(value, kind)
            elif type(value) is str:
                row[c] = mask_text(value)
            else:
                row[c] = value if value is None else mask_data(value)
        masked.append(row)
    return json_rows([{c: plain(r.get(c)) for c in columns} for r in masked])


def test_a_listings_json_is_masked_and_plain_as_cell_by_cell() -> None:
    rng = random.Random(17)
    values = [
        None,
        "",
        "王芳",
        "13812345678",
        "call 138 1234 5678",
        "11010119900307123X",
        13812345678,
        7,
        True,
        1.5,
        date(2026, 7, 15),
        datetime(2026, 7, 15, 8, 30),
        Decimal("12"),
        Decimal("0.125"),
        ["13812345678", date(2025, 1, 1)],
        {"phone": "13812345678", "d": Decimal("3.5")},
    ]
    columns = ["id", "name", "phone", "id_number", "joined", "notes"]
    for _ in range(300):
        rows = [
            {c: rng.choice(values) for c in columns if rng.random() < 0.9}
            for _ in range(rng.randrange(0, 5))
        ]
        for show in (False, True):
            text = render(rows, "json", columns=columns, show_personal=show)
            if show:
                want = json_rows([{c: plain(r.get(c)) for c in columns} for r in rows])
            else:
                want = _old_json(rows, columns)
            assert text == want
    assert "13812345678" not in render([{"phone": "13812345678"}], "json")


@pytest.mark.parametrize("upto", [date(2025, 6, 30), date(2026, 7, 15)])
def test_lessons_counted_for_some_members_are_the_whole_countys_counts(records, upto) -> None:
    """``lessons_attended(..., only=)`` counts the given members' lessons as the whole
    county's count does (moved members included), and no one else's."""
    from dangjian_cli.rules.participation import LESSON_KINDS, lessons_attended

    whole = lessons_attended(records, LESSON_KINDS, upto)
    assert sum(whole.values()) > 0
    moved = {mid: mb for mid, mb in records.members.items() if mb.transfers}
    groups = [moved] + [
        {mid: mb for mid, mb in records.members.items() if mb.org == oid} for oid in records.orgs
    ]
    for only in groups:
        got = lessons_attended(records, LESSON_KINDS, upto, only)
        assert got == {k: n for k, n in whole.items() if k[0] in only}


def test_study_rows_are_reckoned_from_the_whole_countys_lessons(records, monkeypatch) -> None:
    """The study-hours rows of each org and of the county equal those reckoned with
    every member's lessons counted (as before the counting was narrowed)."""
    from dangjian_cli.rules import participation as rp
    from dangjian_cli.rules.catalog import load_rules
    from dangjian_cli.tables.participation import _study_rule

    rule = _study_rule(load_rules(records.settings))
    scopes = [[oid] for oid in records.orgs] + [list(records.orgs)]
    day = date(2026, 7, 15)
    narrowed = [
        rp.study_rows(records, orgs, year, rule, day) for orgs in scopes for year in (2025, 2026)
    ]
    real = rp.lessons_attended
    monkeypatch.setattr(
        rp, "lessons_attended", lambda rec, kinds, upto, only=None: real(rec, kinds, upto)
    )
    whole = [
        rp.study_rows(records, orgs, year, rule, day) for orgs in scopes for year in (2025, 2026)
    ]
    assert narrowed == whole
    assert sum(row["lessons"] for rows in whole for row in rows) > 0
