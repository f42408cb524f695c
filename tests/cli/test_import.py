"""`dangjian import members|dues`: rosters made here with openpyxl, awkward on purpose."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

openpyxl = pytest.importorskip("openpyxl")

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)

HEAD = ["序号", "姓名", "性别", "民族", "出生日期", "公民身份号码", "学历", "人员类别"]
HEAD += ["入党时间", "转正时间", "所在党组织", "联系电话", "工作单位及职务"]


def idn(n: int, birth: str = "19800505") -> str:
    """A resident ID number with a correct check character."""
    body = f"110101{birth}{n:03d}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True)) % 11]


def roster(path: Path, rows: list[list], title: bool = True, sheet: str = "花名册") -> Path:
    """A roster as a county keeps it: a merged title row, a blank row, the header."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    if title:
        ws.append(["河西镇西山村党支部党员花名册"])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEAD))
        ws.append([])
    ws.append(HEAD)
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


def person(n: int, name: str, **kw) -> list:
    values = {
        "序号": n,
        "姓名": name,
        "性别": "男",
        "民族": "汉族",
        "出生日期": "1980-05-05",
        "公民身份号码": idn(n),
        "学历": "大学本科",
        "人员类别": "正式党员",
        "入党时间": "2001.07.01",
        "转正时间": "2002年7月1日",
        "所在党组织": "Test Village Branch",
        "联系电话": f"1381234{n:04d}",
        "工作单位及职务": "村民",
    }
    values.update(kw)
    return [values[h] for h in HEAD]


def member_files(repo) -> set[str]:
    return {p.name for p in (repo.root / "members").iterdir() if p.suffix == ".toml"}


def test_a_roster_is_imported_validated_and_reimported_without_change(repo, tmp_path):
    book = roster(
        tmp_path / "roster.xlsx",
        [
            person(1, "王天佑", 出生日期=datetime(1980, 5, 5)),  # an Excel date
            # an Excel serial number: 1980-05-05
            person(2, "李秀英", 性别="女", 出生日期=29346, 所在党组织="village"),
            person(3, "张伟", 出生日期="1980.05.05", 民族="回族"),
            person(4, "陈静", 出生日期="1980年5月5日", 人员类别="预备党员", 转正时间=None,
                   入党时间="2025-12-01"),
        ],
    )  # fmt: skip
    result = repo.run("import", "members", str(book))
    assert result.exit_code == 0, result.output
    assert "4 created, 0 changed, 0 unchanged, 0 with errors" in result.stdout
    assert member_files(repo) >= {"wang-tianyou.toml", "li-xiuying.toml", "zhang-wei.toml"}
    text = repo.read("members/wang-tianyou.toml")
    assert text == (
        'name = "王天佑"\ngender = "male"\nethnicity = "汉族"\nbirth_date = 1980-05-05\n'
        f'id_number = "{idn(1)}"\neducation = "大学本科"\noccupation = "村民"\n'
        'phone = "13812340001"\norg = "village"\nstatus = "full"\n'
        "admitted = 2001-07-01\nfull_since = 2002-07-01\n"
    )
    assert "birth_date = 1980-05-05" in repo.read("members/li-xiuying.toml")
    assert 'status = "probationary"' in repo.read("members/chen-jing.toml")
    assert repo.run("validate").exit_code == 0

    before = {p: (repo.root / "members" / p).read_bytes() for p in member_files(repo)}
    again = repo.run("import", "members", str(book))
    assert again.exit_code == 0, again.output
    assert "0 created, 0 changed, 4 unchanged" in again.stdout
    assert {p: (repo.root / "members" / p).read_bytes() for p in member_files(repo)} == before


def test_row_errors_name_file_sheet_and_cell_and_nothing_is_written(repo, tmp_path):
    bad_id = person(3, "赵敏")
    bad_id[5] = 110101198005050031  # Excel turned the ID number into a number
    formula = person(4, "钱军", 出生日期="=DATE(1980,5,5)")
    book = roster(
        tmp_path / "roster.xlsx",
        [
            person(1, "王天佑"),
            person(2, "王天佑", 公民身份号码=idn(1)),  # the same person twice
            bad_id,
            formula,
            person(5, "孙丽", 所在党组织="No Such Branch"),
            person(6, "周强", 出生日期="1980-13-45"),
            person(7, "吴芳", 公民身份号码="1.10101E+17"),
            person(8, "郑洁", 人员类别="党员"),
        ],
    )
    before = member_files(repo)
    result = repo.run("import", "members", str(book))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[:7] == [
        "roster.xlsx:花名册!F5: the same ID number as 花名册!F4: one person, two rows",
        "roster.xlsx:花名册!F6: the ID number is stored as a number, so Excel has lost its "
        "last digits: format the column as text and type the number again",
        "roster.xlsx:花名册!E7: a formula (=DATE(1980,5,5)): dangjian never evaluates "
        "formulas; paste the value instead (Paste Special > Values)",
        "roster.xlsx:花名册!K8: no org 'No Such Branch' in the repository",
        "roster.xlsx:花名册!E9: '1980-13-45' is not a date of the calendar",
        "roster.xlsx:花名册!F10: '1.10101E+17' is an ID number turned into a number by Excel "
        "(digits lost): format the column as text and type the number again",
        "roster.xlsx:花名册!H11: unknown status '党员'; one of: 正式党员 (full), 预备党员 "
        "(probationary), 发展对象 (candidate), 入党积极分子 (activist), 入党申请人 (applicant), "
        "已转出 (transferred_out), 退党 (withdrawn), 开除党籍 (expelled), 死亡 (deceased)",
    ]
    assert "refused: 7 rows of roster.xlsx with errors; nothing was written" in result.stderr
    assert member_files(repo) == before


def test_skip_invalid_writes_the_valid_rows_and_an_error_workbook(repo, tmp_path):
    book = roster(
        tmp_path / "r.xlsx", [person(1, "王天佑"), person(2, "孙丽", 所在党组织="nowhere")]
    )
    result = repo.run("import", "members", str(book), "--skip-invalid")
    assert result.exit_code == 1
    assert "1 created, 0 changed, 0 unchanged, 1 with errors" in result.stdout
    assert "wang-tianyou.toml" in member_files(repo)
    assert not any("sun" in p for p in member_files(repo))
    errors = openpyxl.load_workbook(tmp_path / "r-errors.xlsx").active
    rows = list(errors.values)
    assert rows[0][-1] == "error"
    assert rows[1][1] == "孙丽"
    assert "花名册!K5: no org 'nowhere'" in rows[1][-1]
    assert repo.run("validate").exit_code == 0
    # the error workbook is not replaced without --force
    again = repo.run("import", "members", str(book), "--skip-invalid")
    assert again.exit_code == 1 and "already exists" in again.stderr


def test_dry_run_prints_what_would_change_and_writes_nothing(repo, tmp_path):
    book = roster(
        tmp_path / "r.xlsx",
        [person(1, "Member One", 所在党组织="village", 学历="大专"), person(2, "王天佑")],
    )
    before = {p: (repo.root / "members" / p).read_bytes() for p in member_files(repo)}
    result = repo.run("import", "members", str(book), "--dry-run")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "change members/m1.toml: " in out and "education - -> 大专" in out
    assert "id_number - -> 110101********" in out  # masked in the plan too
    assert "create members/wang-tianyou.toml: 王天佑, village" in out
    assert "1 to create, 1 to change" in out
    assert {p: (repo.root / "members" / p).read_bytes() for p in member_files(repo)} == before


def test_an_update_that_breaks_the_records_is_refused_on_its_row(repo, tmp_path):
    book = roster(tmp_path / "r.xlsx", [person(1, "Member One", 所在党组织="village",
                                               入党时间="2030-01-01", 转正时间=None)])  # fmt: skip
    result = repo.run("import", "members", str(book))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "r.xlsx:花名册!J4: `full_since` 2001-01-01 is before `admitted` 2030-01-01 (E-ORDER)"
    )
    assert "admitted = 2000-01-01" in repo.read("members/m1.toml")


def test_csv_with_mapped_headings_and_ids_made_unique(repo, tmp_path):
    (tmp_path / "map.toml").write_text('"党员姓名" = "name"\n"支部" = "org"\n', encoding="utf-8")
    csv = tmp_path / "r.csv"
    csv.write_text(
        "党员姓名,支部,人员类别,入党时间,转正时间,公民身份号码\n"
        f"张伟,village,正式党员,2001-07-01,2002-07-01,{idn(1)}\n"
        ",,,,,\n"
        f"张伟,town,正式党员,2001-07-01,2002-07-01,{idn(2)}\n"
        f"'=HYPERLINK(1),village,入党积极分子,,,{idn(3)}\n",
        encoding="utf-8",
    )
    result = repo.run("import", "members", str(csv), "--map", str(tmp_path / "map.toml"))
    assert result.exit_code == 0, result.output
    assert "3 created" in result.stdout
    # text that looks like a formula is text: the quote `list` adds is taken off, nothing runs
    assert 'name = "=HYPERLINK(1)"' in repo.read("members/hyperlink-1.toml")
    assert {"zhang-wei.toml", "zhang-wei-2.toml"} <= member_files(repo)
    assert 'org = "town"' in repo.read("members/zhang-wei-2.toml")


def test_import_dues_and_reimport(repo, tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "2026年1月"
    ws.append(["2026年1月党费收缴表"])
    ws.append(["编号", "姓名", "所在党组织", "月份", "金额", "交纳日期"])
    ws.append(["m1", "Member One", "village", "2026-01", 12.5, datetime(2026, 1, 20)])
    ws.append([None, "Member Two", "village", "2026.01", "0.20", "2026-01-21"])
    path = tmp_path / "dues.xlsx"
    book.save(path)
    result = repo.run("import", "dues", str(path))
    assert result.exit_code == 0, result.output
    assert repo.read("members/m1.toml").endswith(
        '[[dues]]\nmonth = "2026-01"\namount = "12.50"\npaid_on = 2026-01-20\n'
    )
    assert 'amount = "0.20"' in repo.read("members/m2.toml")
    again = repo.run("import", "dues", str(path))
    assert "0 created, 0 changed, 2 unchanged" in again.stdout
    ws["E3"] = 13
    book.save(path)
    clash = repo.run("import", "dues", str(path))
    assert clash.exit_code == 1
    assert "dues.xlsx:2026年1月!E3: m1 already has 2026-01: 12.50 paid on 2026-01-20" in (
        clash.stderr
    )


def test_commit_commits_the_written_files(make_repo, tmp_path):
    repo = make_repo(git=True)
    book = roster(tmp_path / "r.xlsx", [person(1, "王天佑"), person(2, "李秀英")])
    result = repo.run("import", "members", str(book), "--commit")
    assert result.exit_code == 0, result.output
    assert "git: committed" in result.stdout
    assert repo.git("status", "--porcelain").strip() == ""
    assert "member: import wang-tianyou from r.xlsx (+1 files)" in repo.git(
        "log", "-1", "--format=%s"
    )


def test_a_5000_row_roster(repo, tmp_path):
    rows = []
    for i in range(5000):
        year = 1950 + i // 1000
        number = idn(i % 1000, birth=f"{year:04d}0505")
        rows.append(person(i % 1000, f"党员{i}", 公民身份号码=number, 出生日期=date(year, 5, 5)))
    book = roster(tmp_path / "big.xlsx", rows)
    result = repo.run("import", "members", str(book))
    assert result.exit_code == 0, result.output[-2000:]
    assert "5000 created" in result.stdout
    assert len(member_files(repo)) == 5003
    again = repo.run("import", "members", str(book), "--dry-run")
    assert "0 to create, 0 to change, 5000 unchanged, 0 with errors" in again.stdout


def test_new_member_files_are_written_as_new_document_writes_them():
    from dangjian_cli.cli.tables import _Values
    from dangjian_cli.records import write

    fields = {
        "name": '王"天佑\\',
        "gender": "male",
        "birth_date": date(1980, 5, 5),
        "id_number": idn(1),
        "occupation": "西山村\n村民",
        "org": "village",
        "status": "full",
        "admitted": date(2001, 7, 1),
    }
    assert _Values().document(fields) == write.new_document(fields.items())


def test_ids_from_names_are_pinyin_slugs_made_unique():
    from dangjian_cli.records.roster import member_id

    taken = {"wang-tianyou"}
    counters: dict[str, int] = {}
    assert member_id("王天佑", taken, counters) == "wang-tianyou-2"
    assert member_id("王天佑", taken, counters) == "wang-tianyou-3"
    assert member_id("吕 丽", taken, counters) == "lv-li"
    assert member_id("../../etc", taken, counters) == "etc"
    assert member_id("Anna Smith", taken, counters) == "anna-smith"


def test_the_fast_reader_reads_what_openpyxl_reads(tmp_path):
    """The roster reader (tables/xlsx.py) against openpyxl on an awkward workbook: shared
    and inline strings, rich text, dates, serial numbers, formulas, gaps, two sheets."""
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    from dangjian_cli.tables.sheets import _openpyxl_tables, read_tables

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "名册 1"
    ws.append(["标题"])
    ws.append([])
    ws.append(["姓名", None, datetime(1980, 5, 5), 29346, 3.25, "=SUM(D4:E4)", True])
    ws["B4"] = CellRichText("王", TextBlock(InlineFont(b=True), "天佑"))
    ws["H5"] = idn(1)
    book.create_sheet("二")["C2"] = 110101198005050011
    path = tmp_path / "w.xlsx"
    book.save(path)

    def flat(tables):
        return [(title, list(rows)) for title, rows, _ref in tables]

    fast, slow = flat(read_tables(path)), flat(_openpyxl_tables(path, None))

    def trimmed(tables):  # openpyxl pads rows to the sheet's width
        out = []
        for title, rows in tables:
            kept = []
            for n, values, formulas in rows:
                while values and values[-1] is None:
                    values, formulas = values[:-1], formulas[:-1]
                if values:
                    kept.append((n, values, formulas))
            out.append((title, kept))
        return out

    assert trimmed(fast) == trimmed(slow)
    assert trimmed(fast)[0][1][1][1][5] == "=SUM(D4:E4)"
    assert trimmed(fast)[0][1][1][2][5] is True
