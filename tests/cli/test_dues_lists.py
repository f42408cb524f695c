"""Dues standard checks and listings: E-DUES-AMOUNT, W-DUES-STANDARD at each bracket edge
and category, a county's own scale, `dues standard` and `dues statement` in every format."""

from __future__ import annotations

import csv
import io
import json

import pytest

BASE = """name = "Four"
org = "village"
status = "full"
birth_date = 1980-01-01
admitted = 2000-01-01
full_since = 2001-01-01

[[dues_base]]
since = "2026-01"
category = "{category}"
{value}

[[dues]]
month = "2026-03"
amount = "{paid}"
paid_on = 2026-03-10
"""


def member(category: str, paid: str, base: str | None = None, amount: str | None = None) -> str:
    value = f'base = "{base}"' if base else (f'amount = "{amount}"' if amount else "")
    return BASE.format(category=category, value=value, paid=paid)


def problems(repo) -> list[dict]:
    result = repo.run("validate", "--format", "json")
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def codes(repo) -> list[str]:
    return [p["code"] for p in problems(repo)]


@pytest.mark.parametrize(
    ("category", "base", "amount", "standard", "how"),
    [
        ("salary", "3000.00", None, "15.00", "salary base 3000.00 x 0.5%"),
        ("salary", "3000.01", None, "30.00", "salary base 3000.01 x 1%"),
        ("salary", "5000", None, "50.00", "x 1%"),
        ("salary", "10000", None, "150.00", "x 1.5%"),
        ("salary", "10000.01", None, "200.00", "x 2%"),
        ("retiree", "5000", None, "25.00", "retiree base 5000 x 0.5%"),
        ("retiree", "5000.01", None, "50.00", "x 1%"),
        ("farmer", None, "0.50", "0.50", "the amount given"),
        ("other", None, "3.00", "3.00", "the amount given"),
        ("student", None, None, "0.20", "a fixed 0.20"),
        ("unemployed", None, None, "0.20", "a fixed 0.20"),
        ("low_income", None, None, "0.20", "a fixed 0.20"),
    ],
)
def test_the_standard_is_checked_at_each_edge_and_category(
    make_repo, category, base, amount, standard, how
):
    ok = make_repo({"members/m4.toml": member(category, standard, base, amount)}, name="ok")
    assert codes(ok) == []
    off = make_repo({"members/m4.toml": member(category, "99.00", base, amount)}, name="off")
    (p,) = problems(off)
    assert (p["code"], p["severity"]) == ("W-DUES-STANDARD", "warning")
    assert f"the standard is {standard}" in p["message"] and how in p["message"]


@pytest.mark.parametrize("paid", ["0.00", "-5.00", "0"])
def test_a_payment_of_nothing_or_less_is_an_error(make_repo, paid):
    text = member("student", paid).replace("[[dues_base]]", "[[old]]").split("[[old]]")[0]
    text += f'[[dues]]\nmonth = "2026-03"\namount = "{paid}"\n'
    repo = make_repo({"members/m4.toml": text})
    assert codes(repo) == ["E-DUES-AMOUNT"]


def test_members_without_a_base_are_not_warned_per_payment(make_repo):
    text = member("student", "5.00").replace(
        '[[dues_base]]\nsince = "2026-01"\ncategory = "student"\n', ""
    )
    assert codes(make_repo({"members/m4.toml": text})) == []


@pytest.mark.parametrize(
    ("category", "base", "amount", "why"),
    [
        ("salary", None, None, "needs `base`"),
        ("farmer", None, "1.50", "from 0.20 to 1.00"),
        ("farmer", None, "0.10", "from 0.20 to 1.00"),
        ("other", None, None, "needs `amount`"),
    ],
)
def test_a_base_row_that_gives_no_standard_is_an_error(make_repo, category, base, amount, why):
    repo = make_repo({"members/m4.toml": member(category, "0.50", base, amount)})
    found = [p for p in problems(repo) if p["code"] == "E-DUES-BASE"]
    assert len(found) == 1 and why in found[0]["message"]


def test_a_county_sets_its_own_scale(make_repo):
    settings = (
        'name = "Test county"\nlanguage = "en"\ntracking_since = 2025-01-01\n'
        "[rules.dues-standard]\nsalary_limits = [4000]\nsalary_rates = [0.5, 1.0]\n"
    )
    repo = make_repo(
        {"dangjian.toml": settings, "members/m4.toml": member("salary", "20.00", "4000")}
    )
    assert codes(repo) == []  # 0.5 % of 4000 under the county's scale (1 % built in)
    bad = settings.replace("[0.5, 1.0]", "[0.5]")
    repo = make_repo({"dangjian.toml": bad}, name="bad")
    assert "E-RULE-VALUE" in codes(repo)


def test_dues_are_owed_from_the_first_base_row(make_repo):
    from datetime import date

    from dangjian_cli.records.repository import load
    from dangjian_cli.records.store import FolderStore
    from dangjian_cli.rules.engine import evaluate

    text = member("student", "0.20").replace('since = "2026-01"', 'since = "2026-03"')
    repo = make_repo({"members/m4.toml": text})
    found = evaluate(load(FolderStore(repo.root)), date(2026, 4, 15))
    (ob,) = [ob for ob in found if ob.rule == "dues" and ob.subject == "m4"]
    assert (ob.required, ob.found, ob.status) == (1, 1, "met")  # March only, paid


def _with_bases(make_repo):
    files = {
        "members/m4.toml": member("salary", "30.00", "4200"),
        "members/m5.toml": member("student", "0.20").replace('"Four"', '"Five"')
        + '\n[[dues]]\nmonth = "2026-04"\namount = "0.20"\npaid_on = 2026-06-01\n',
    }
    return make_repo(files)


def test_dues_standard_lists_each_member_and_says_who_has_none(make_repo):
    repo = _with_bases(make_repo)
    result = repo.run(
        "dues", "standard", "--org", "village", "--month", "2026-03", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    rows = {r["member"]: r for r in json.loads(result.stdout)}
    assert rows["m4"]["standard"] == "42.00" and rows["m4"]["category"] == "salary"
    assert rows["m5"]["standard"] == "0.20"
    assert rows["m1"]["standard"] is None
    assert "3 of 5 members have no [[dues_base]] row in force" in result.stderr


def test_dues_standard_of_a_repository_keeping_no_bases_is_one_line(repo):
    result = repo.run("dues", "standard", "--month", "2026-03")
    assert result.exit_code == 0
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert lines == [
        "3 of 3 members have no [[dues_base]] row in force: their standard is unknown and "
        "their payments are not checked against it (README: adopting the dues standard)"
    ]


def test_dues_statement_month_by_month_with_totals(make_repo):
    repo = _with_bases(make_repo)
    args = ("dues", "statement", "--org", "village", "--year", "2026", "--as-of", "2026-07-01")
    result = repo.run(*args, "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    march = {r["member"]: r for r in rows if r["month"] == "2026-03"}
    assert (march["m4"]["standard"], march["m4"]["paid"], march["m4"]["unpaid"]) == (
        "42.00",
        "30.00",
        "12.00",
    )
    april = {r["member"]: r for r in rows if r["month"] == "2026-04"}
    assert (april["m5"]["paid"], april["m5"]["paid_late"], april["m5"]["unpaid"]) == (
        "0.00",
        "0.20",
        "0.00",
    )
    assert april["total"]["standard"] == "42.20" and april["total"]["unpaid"] == "42.00"
    assert [r["month"] for r in rows if r["member"] == "total"] == [
        "2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06", "2026",
    ]  # fmt: skip
    year = rows[-1]
    assert (year["paid"], year["paid_late"]) == ("30.20", "0.20")


@pytest.mark.parametrize("fmt", ["table", "json", "xlsx", "docx"])
def test_dues_statement_in_every_format(make_repo, tmp_path, fmt):
    repo = _with_bases(make_repo)
    out = tmp_path / f"statement.{fmt}"
    extra = ("--out", str(out)) if fmt in ("xlsx", "docx") else ()
    args = ("dues", "statement", "--org", "village", "--year", "2026", "--as-of", "2026-07-01")
    result = repo.run(*args, "--format", fmt, *extra)
    assert result.exit_code == 0, result.output
    if fmt == "docx":
        from docx import Document

        table = Document(str(out)).tables[0]
        assert [c.text for c in table.rows[0].cells][:2] == ["month", "member"]
        assert any(row.cells[1].text == "m4" and row.cells[4].text == "42.00" for row in table.rows)
    elif fmt == "xlsx":
        import openpyxl

        sheet = openpyxl.load_workbook(out).active
        values = [[c.value for c in row] for row in sheet.iter_rows()]
        assert values[0][:2] == ["month", "member"]
        assert any(v[1] == "m4" and v[4] == 42 for v in values[1:])
    elif fmt == "json":
        assert json.loads(result.stdout)[-1]["member"] == "total"
    else:
        assert "m4" in result.stdout and "42.00" in result.stdout
    again = repo.run(*args, "--format", fmt, *extra)
    if extra:
        assert again.exit_code != 0  # nothing overwritten without --force


def test_docx_needs_out(make_repo):
    result = _with_bases(make_repo).run(
        "dues", "statement", "--org", "village", "--year", "2026", "--format", "docx"
    )
    assert result.exit_code == 2 and "--out" in result.output
