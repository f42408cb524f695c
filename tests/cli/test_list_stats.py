"""`dangjian list` and `dangjian stats`: listings in every format, workbooks read back
with openpyxl, and a roster that imports back unchanged."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

openpyxl = pytest.importorskip("openpyxl")

ID1 = "11010119800505001X"  # check characters correct (see test_import.idn)
ID2 = "110101197505050011"


def with_people(make_repo, **extra):
    files = {
        "members/m1.toml": f"""
            name = "=HYPERLINK(\\"x\\")"
            gender = "male"
            ethnicity = "汉族"
            education = "大学本科"
            org = "village"
            status = "full"
            birth_date = 1980-05-05
            id_number = "{ID1}"
            phone = "13812345678"
            admitted = 2000-01-01
            full_since = 2001-01-01
        """,
        "members/m2.toml": f"""
            name = "Member Two"
            gender = "female"
            org = "village"
            status = "full"
            birth_date = 1975-05-05
            id_number = "{ID2}"
            admitted = 2005-01-01
            full_since = 2006-01-01

            [[dues]]
            month = "2026-01"
            amount = "12.50"
            paid_on = 2026-01-20
        """,
        "members/m4.toml": """
            name = "Member Four"
            org = "town"
            status = "probationary"
            birth_date = 2000-05-05
            admitted = 2026-03-01
        """,
        "members/gone.toml": """
            name = "Gone"
            org = "village"
            status = "withdrawn"
            admitted = 2000-01-01
            full_since = 2001-01-01
            left_on = 2026-02-01
        """,
        **extra,
    }
    return make_repo(files)


def test_roster_workbook_types_masking_and_no_formula(make_repo, tmp_path):
    repo = with_people(make_repo)
    out = tmp_path / "roster.xlsx"
    result = repo.run("list", "members", "--format", "xlsx", "--out", str(out))
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    ws = book.active
    assert ws.freeze_panes == "A2"
    rows = list(ws.iter_rows(values_only=True))
    head = rows[0]
    assert head[:3] == ("id", "name", "gender")
    by_id = {r[0]: dict(zip(head, r, strict=True)) for r in rows[1:]}
    assert set(by_id) == {"m1", "m2", "m3", "m4"}  # "gone" has left
    m1 = by_id["m1"]
    assert m1["name"] == '\'=HYPERLINK("x")'  # text, never a formula
    assert m1["id_number"] == "110101********001X"
    assert m1["phone"] == "138****5678"
    assert isinstance(m1["birth_date"], datetime) and m1["birth_date"].year == 1980
    assert ws["E2"].number_format == "yyyy-mm-dd"
    for row in ws.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
    assert ws.column_dimensions["B"].width >= 10
    shown = tmp_path / "shown.xlsx"
    assert repo.run("list", "members", "--format", "xlsx", "--out", str(shown),
                    "--show-personal").exit_code == 0  # fmt: skip
    values = list(openpyxl.load_workbook(shown).active.iter_rows(values_only=True))
    assert ID1 in [v for r in values for v in r]
    # nothing is overwritten without --force
    again = repo.run("list", "members", "--format", "xlsx", "--out", str(out))
    assert again.exit_code == 1 and "already exists" in again.stderr


@pytest.mark.parametrize("show", [False, True])
def test_round_trip_list_then_import_changes_nothing(make_repo, tmp_path, show):
    repo = with_people(make_repo, **{"dangjian.toml": 'name = "T"\nlanguage = "zh"\n'})
    out = tmp_path / "roster.xlsx"
    args = ["list", "members", "--format", "xlsx", "--out", str(out)]
    assert repo.run(*args, *(["--show-personal"] if show else [])).exit_code == 0
    assert openpyxl.load_workbook(out).active["B1"].value == "姓名"
    before = {p.name: p.read_bytes() for p in (repo.root / "members").iterdir()}
    result = repo.run("import", "members", str(out))
    assert result.exit_code == 0, result.output
    assert "新建 0，修改 0，未变 4，有错误 0" in result.stdout  # (a zh repository)
    assert {p.name: p.read_bytes() for p in (repo.root / "members").iterdir()} == before


def test_list_formats_keep_english_keys_and_mask(make_repo):
    repo = with_people(make_repo, **{"dangjian.toml": 'name = "T"\nlanguage = "zh"\n'})
    data = json.loads(repo.run("list", "members", "--format", "json").stdout)
    assert {"id", "name", "id_number", "org_name"} <= set(data[0])
    assert data[0]["id_number"] == "110101********001X"
    assert data[0]["status"] == "正式党员"
    csv = repo.run("list", "members", "--format", "csv").stdout
    assert "'=HYPERLINK" in csv and ID1 not in csv
    table = repo.run("list", "members", "--org", "town").stdout
    assert "m4" in table and "m1" not in table
    sub = repo.run("list", "members", "--org", "county", "--subtree", "--format", "json")
    assert len(json.loads(sub.stdout)) == 4
    gone = repo.run("list", "members", "--status", "withdrawn", "--as-of", "2026-06-30")
    assert "gone" in gone.stdout
    orgs = json.loads(repo.run("list", "orgs", "--format", "json").stdout)
    assert {o["id"]: o["members"] for o in orgs}["village"] == 3  # "gone" has left
    assert repo.run("list", "meetings").exit_code == 0
    assert repo.run("list", "notices", "--format", "csv").exit_code == 0


def test_unpaid_dues_list(make_repo, tmp_path):
    repo = with_people(make_repo)
    result = repo.run("list", "dues", "--as-of", "2026-04-15", "--format", "json")
    rows = {r["member"]: r for r in json.loads(result.stdout)}
    # tracking since 2025-01-01: 2025-01..2026-03 owed, 15 months
    assert rows["m2"]["months_unpaid"] == 14
    assert rows["m2"]["unpaid"] == "2025-01..2025-12, 2026-02..2026-03"
    assert rows["m2"]["last_paid"] == "2026-01"
    assert rows["m1"]["months_unpaid"] == 15
    assert rows["m4"]["months_unpaid"] == 1  # admitted 2026-03-01: March owed
    assert "gone" not in rows
    out = tmp_path / "dues.xlsx"
    assert repo.run("list", "dues", "--as-of", "2026-04-15", "--format", "xlsx",
                    "--out", str(out)).exit_code == 0  # fmt: skip
    ws = openpyxl.load_workbook(out).active
    head = [c.value for c in ws[1]]
    amount = ws.cell(row=2 + [r[0].value for r in ws.iter_rows(min_row=2)].index("m2"),
                     column=head.index("last amount") + 1)  # fmt: skip
    assert amount.value == 12.5 and amount.number_format == "0.00"


def test_stats_tables_agree(make_repo, tmp_path):
    repo = with_people(make_repo)
    result = repo.run("stats", "--as-of", "2026-06-30", "--format", "json")
    assert result.exit_code == 0, result.output
    tables = json.loads(result.stdout)["tables"]
    totals = {
        key: sum(r["count"] for r in rows)
        for key, rows in tables.items()
        if key not in ("flows", "org_kind", "org_committee")
    }
    assert set(totals.values()) == {4}, totals  # m1 m2 m3 m4; gone left in February
    flows = {r["value"]: r["count"] for r in tables["flows"]}
    assert flows["members on 1 January"] == 4
    assert flows["newly admitted"] == 1
    assert flows["left (withdrew, expelled, died)"] == -1
    balance = sum(r["count"] for r in tables["flows"][:5])
    assert balance == flows["members on the day"] == 4
    assert sum(r["count"] for r in tables["org_kind"]) == 3
    assert sum(r["count"] for r in tables["org_committee"]) == 3
    gender = {r["value"]: r["count"] for r in tables["gender"]}
    assert gender == {"male": 1, "female": 1, "unknown": 2}
    ages = {r["value"]: r["count"] for r in tables["age"]}
    assert ages == {"≤30": 1, "46-50": 2, "51-55": 1}
    scoped = json.loads(repo.run("stats", "--as-of", "2026-06-30", "--org", "town",
                                 "--format", "json").stdout)["tables"]  # fmt: skip
    assert sum(r["count"] for r in scoped["status"]) == 1
    out = tmp_path / "stats.xlsx"
    assert repo.run("stats", "--as-of", "2026-06-30", "--format", "xlsx",
                    "--out", str(out)).exit_code == 0  # fmt: skip
    book = openpyxl.load_workbook(out)
    assert "status" in book.sheetnames and "flows" in book.sheetnames
    counts = [r[1] for r in book["status"].iter_rows(min_row=2, values_only=True)]
    assert sum(counts) == 4 and all(isinstance(c, int) for c in counts)


def test_xlsx_needs_out(make_repo):
    repo = with_people(make_repo)
    result = repo.run("list", "members", "--format", "xlsx")
    assert result.exit_code == 2 and "--out" in result.output
