"""`dangjian render ...` and `dangjian templates ...`: documents read back part by part."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from datetime import date
from decimal import Decimal
from pathlib import Path

import docx
import pytest

from dangjian_cli.records.repository import load
from dangjian_cli.records.store import FolderStore
from dangjian_cli.rules.catalog import applicable_rules, load_rules
from dangjian_cli.rules.engine import OVERDUE, evaluate, findings
from dangjian_cli.rules.wording import basis, finding_sentence

#: the built-in templates of one language, as templates check counts them
BUILT_IN = len(list((Path(__file__).parents[2] / "templates" / "en").glob("*.md.j2")))

TRICKY_NAME = 'Village \\"Star\\" & <Sons>\\nSecond line'
SHOWN_NAME = 'Village "Star" & <Sons>\nSecond line'

FILES = {
    "dangjian.toml": """
        name = "Test county"
        language = "en"
        tracking_since = 2025-01-01

        [numbering.town]
        default = "Town [{year}] No. {n}"
        criticism = "Town Criticism [{year}] No. {n}"
    """,
    "orgs/village.toml": f"""
        name = "{TRICKY_NAME}"
        kind = "village_branch"
        parent = "town"
        established = 2000-01-01
        secretary = "m1"
    """,
    "meetings/village/2025-02-10-branch_assembly.toml": """
        kind = "branch_assembly"
        date = 2025-02-10
        attendees = ["m1", "m2", "m3"]
    """,
    "meetings/village/2025-03-05-theme_day.toml": """
        kind = "theme_day"
        date = 2025-03-05
        attendees = ["m1", "m2"]
    """,
    "funds/village/2025.toml": """
        [[entry]]
        date = 2025-01-05
        direction = "income"
        source = "fiscal"
        amount = "10000.10"

        [[entry]]
        date = 2025-02-01
        direction = "expense"
        source = "fiscal"
        category = "education"
        amount = "1234.55"
        purpose = "Lessons & <books>"

        [[entry]]
        date = 2025-03-01
        direction = "income"
        source = "dues_retained"
        amount = 300

        [[entry]]
        date = 2025-04-01
        direction = "expense"
        source = "dues_retained"
        category = "activity"
        amount = "99.99"
    """,
    "funds/village/2024.toml": """
        [[entry]]
        date = 2024-06-01
        direction = "income"
        source = "fiscal"
        amount = "500.01"
    """,
}


@pytest.fixture
def rrepo(make_repo):
    return make_repo(FILES)


def _doc(path: Path) -> docx.document.Document:
    return docx.Document(str(path))


def _texts(doc) -> list[str]:
    return [p.text for p in doc.paragraphs]


def _table_with(doc, header: str):
    for table in doc.tables:
        if header in [c.text for c in table.rows[0].cells]:
            return [[c.text for c in row.cells] for row in table.rows]
    raise AssertionError(f"no table with header {header!r}")


def test_letter_lists_the_tasks_of_the_rules_that_apply(rrepo, tmp_path):
    out = tmp_path / "out"
    result = rrepo.run("render", "letter", "--year", "2026", "--org", "village", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    path = out / "letter-2026-village.docx"
    assert result.stdout.strip() == str(path)
    doc = _doc(path)
    texts = _texts(doc)
    assert texts[0] == "Party-Building Responsibility Letter 2026"
    records = load(FolderStore(rrepo.root))
    tasks = [r.text("task", "en") for r in applicable_rules(records, "village")]
    assert tasks
    for i, task in enumerate(tasks, start=1):
        assert f"{i}. {task}" in texts
    signatures = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert signatures[1] == ["Test Township Committee", SHOWN_NAME]
    assert signatures[2] == ["Secretary: ____________", "Secretary: Member One"]


def test_a_signed_letter_adds_its_own_tasks_and_date(rrepo, tmp_path):
    rrepo.write(
        "letters/2026/village.toml",
        """
        parent = "town"
        org = "village"
        signed_on = 2026-03-05
        tasks = ["Open the new party service station by June."]
        signatories = ["Member One"]
        """,
    )
    out = tmp_path / "out"
    result = rrepo.run("render", "letter", "--year", "2026", "--org", "village", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    doc = _doc(out / "letter-2026-village.docx")
    texts = _texts(doc)
    own = [t for t in texts if t.endswith(". Open the new party service station by June.")]
    assert len(own) == 1 and own[0].split(".")[0].isdigit()
    signatures = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert any("5 March 2026" in cell for row in signatures for cell in row), signatures


def test_letters_for_every_org_below_a_parent(rrepo, tmp_path):
    out = tmp_path / "out"
    result = rrepo.run(
        "render", "letter", "--year", "2026", "--children-of", "county", "--out", str(out)
    )
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "letter-2026-town.docx",
        "letter-2026-village.docx",
    ]
    town = _doc(out / "letter-2026-town.docx")
    assert [c.text for c in town.tables[0].rows[1].cells] == [
        "Test County Committee",
        "Test Township Committee",
    ]


def test_letter_needs_exactly_one_target(rrepo):
    result = rrepo.run("render", "letter", "--year", "2026")
    assert result.exit_code == 2
    assert "exactly one of --org" in result.stderr


def test_existing_document_is_kept_without_force(rrepo, tmp_path):
    out = tmp_path / "out"
    args = ("render", "funding", "--year", "2025", "--org", "village", "--out", str(out))
    assert rrepo.run(*args).exit_code == 0
    path = out / "funding-2025-village.docx"
    path.write_bytes(b"clerk's edited copy")
    again = rrepo.run(*args)
    assert again.exit_code == 1
    assert "exists" in again.stderr and "--force" in again.stderr
    assert path.read_bytes() == b"clerk's edited copy"
    forced = rrepo.run(*args, "--force")
    assert forced.exit_code == 0
    assert _texts(_doc(path))[0].startswith("Funding Guarantee Report 2025")
    assert [p.name for p in out.iterdir()] == ["funding-2025-village.docx"]  # no temp left


def test_funding_totals_match_the_ledger_to_the_cent(rrepo, tmp_path):
    out = tmp_path / "out"
    result = rrepo.run("render", "funding", "--year", "2025", "--org", "town", "--subtree",
                       "--out", str(out))  # fmt: skip
    assert result.exit_code == 0, result.stderr
    doc = _doc(out / "funding-2025-town-subtree.docx")
    rows = _table_with(doc, "Brought forward")
    ledger = tomllib.loads((rrepo.root / "funds/village/2025.toml").read_text())["entry"]

    def total(direction: str, source: str) -> Decimal:
        return sum(
            (Decimal(str(e["amount"])) for e in ledger
             if e["direction"] == direction and e["source"] == source),
            Decimal(0),
        )  # fmt: skip

    fiscal = next(r for r in rows if r[1] == "Fiscal allocation")
    assert fiscal[0] == SHOWN_NAME
    assert fiscal[2:] == [
        "500.01",
        f"{total('income', 'fiscal'):,.2f}",
        f"{total('expense', 'fiscal'):,.2f}",
        f"{Decimal('500.01') + total('income', 'fiscal') - total('expense', 'fiscal'):,.2f}",
    ]
    assert rows[-1] == ["Total", "", "500.01", "10,300.10", "1,334.54", "9,465.57"]
    purposes = _table_with(doc, "Purpose")
    assert ["Education", "1,234.55", "0.00", "0.00", "1,234.55"] in purposes
    assert purposes[-1][-1] == "1,334.54"


def test_criticism_notice_lists_engine_findings_and_is_recorded(rrepo, tmp_path):
    out = tmp_path / "out"
    args = ("render", "notice", "--org", "village", "--kind", "criticism",
            "--as-of", "2025-06-15", "--days", "20", "--out", str(out))  # fmt: skip
    result = rrepo.run(*args)
    assert result.exit_code == 0, result.stderr
    record_path = rrepo.root / "notices/2025/001.toml"
    record = tomllib.loads(record_path.read_text(encoding="utf-8"))
    assert record["number"] == "Town Criticism [2025] No. 1"
    assert record["kind"] == "criticism" and record["issuer"] == "town"
    assert record["target"] == "village"
    assert record["issued_on"] == date(2025, 6, 15)
    assert record["deadline"] == date(2025, 7, 5)

    records = load(FolderStore(rrepo.root))
    expected = findings(evaluate(records, date(2025, 6, 15), orgs=["village"]), OVERDUE)
    assert expected and len(record["findings"]) == len(expected)
    doc = _doc(out / "notice-2025-001.docx")
    texts = _texts(doc)
    assert "Town Criticism [2025] No. 1" in texts
    assert f"Notice of Criticism: {SHOWN_NAME}" in texts
    assert "Test Township Committee" in texts and "15 June 2025" in texts
    assert any("by 5 July 2025" in t for t in texts)
    rows = _table_with(doc, "Finding")
    rules = load_rules(records.settings)
    assert len(rows) == len(expected) + 1
    assert rows[0] == ["No.", "Finding", "Basis"]
    for row, ob in zip(rows[1:], expected, strict=True):
        # a sentence and its basis in words, never the rule's codes or period labels
        assert row[1] == finding_sentence(ob, rules[ob.rule], "en") + "."
        assert row[2] == basis(ob.clause, "en") and "§" not in row[2]

    second = rrepo.run(*args)
    assert second.exit_code == 0, second.stderr
    again = tomllib.loads((rrepo.root / "notices/2025/002.toml").read_text(encoding="utf-8"))
    assert again["number"] == "Town Criticism [2025] No. 2"
    assert rrepo.run("validate").exit_code == 0


def test_rectification_deadline_is_tracked_by_the_rule(rrepo, tmp_path):
    result = rrepo.run("render", "notice", "--org", "village", "--kind", "rectification",
                       "--as-of", "2025-06-15", "--deadline", "2025-07-01",
                       "--out", str(tmp_path / "out"))  # fmt: skip
    assert result.exit_code == 0, result.stderr
    record = tomllib.loads((rrepo.root / "notices/2025/001.toml").read_text(encoding="utf-8"))
    assert record["number"] == "Town [2025] No. 1"  # the issuer's default pattern
    records = load(FolderStore(rrepo.root))
    late = [ob for ob in evaluate(records, date(2025, 7, 10), orgs=["village"])
            if ob.rule == "rectification"]  # fmt: skip
    assert [(ob.status, ob.deadline) for ob in late] == [("overdue", date(2025, 7, 1))]


def test_praise_takes_its_reasons_from_finding(rrepo, tmp_path):
    out = tmp_path / "out"
    refused = rrepo.run("render", "notice", "--org", "village", "--kind", "praise",
                        "--out", str(out))  # fmt: skip
    assert refused.exit_code == 1
    assert "--finding" in refused.stderr
    assert not (rrepo.root / "notices").exists() or not list(
        (rrepo.root / "notices").rglob("*.toml")
    )
    result = rrepo.run("render", "notice", "--org", "village", "--kind", "praise",
                       "--as-of", "2025-12-01", "--finding", "Clean books & <tidy> \"records\"",
                       "--finding", "Two\nlines", "--out", str(out))  # fmt: skip
    assert result.exit_code == 0, result.stderr
    doc = _doc(out / "notice-2025-001.docx")
    rows = _table_with(doc, "Achievement")
    assert rows[1:] == [["1", 'Clean books & <tidy> "records"'], ["2", "Two\nlines"]]


def test_chinese_notice_dates_and_number(make_repo, tmp_path):
    files = dict(FILES)
    files["dangjian.toml"] = """
        name = "测试县"
        language = "zh"
        tracking_since = 2025-01-01

        [numbering.town]
        criticism = "青组通〔{year}〕{n}号"
    """
    repo = make_repo(files)
    out = tmp_path / "out"
    result = repo.run("render", "notice", "--org", "village", "--kind", "criticism",
                      "--as-of", "2025-06-05", "--out", str(out))  # fmt: skip
    assert result.exit_code == 0, result.stderr
    texts = _texts(_doc(out / "notice-2025-001.docx"))
    assert "青组通〔2025〕1号" in texts
    assert "2025年6月5日" in texts
    assert any("截至2025年6月5日" in t for t in texts)


def test_report_tables_and_chart(rrepo, tmp_path):
    out = tmp_path / "out"
    result = rrepo.run("render", "report", "--org", "town", "--period", "2025-h1", "--subtree",
                       "--as-of", "2025-08-01", "--out", str(out))  # fmt: skip
    assert result.exit_code == 0, result.stderr
    doc = _doc(out / "report-town-2025-h1-subtree.docx")
    assert (
        _texts(doc)[0] == "Party-Building Work Report: Test Township Committee, first half of 2025"
    )
    obligations = _table_with(doc, "Share met")
    assert [r[1] for r in obligations[1:]] == ["Test Township Committee", SHOWN_NAME]
    meetings = _table_with(doc, "Count")
    assert ["Branch assembly", "1"] in meetings and ["Theme party day", "1"] in meetings
    assert meetings[-1] == ["Total", "2"]
    members = _table_with(doc, "Members")
    assert members[1:] == [["Full member", "3"], ["Total", "3"]]
    funds = _table_with(doc, "Expense category")
    assert funds[-1] == ["Total", "", "10,300.10", "1,334.54"]
    # the chart: the township itself, then each org under it (short name, its bars as a
    # picture, held/owed in words)
    rows = _chart_rows(doc)
    assert len(rows) == 2 == len(doc.inline_shapes)
    assert [r[0] for r in rows] == ["Test Township Committee (itself)", SHOWN_NAME]
    assert all(re.fullmatch(r"\d+/\d+", r[-1]) for r in rows)


def _chart_rows(doc) -> list[list[str]]:
    chart = next(t for t in doc.tables if re.fullmatch(r"\d+/\d+", t.rows[0].cells[-1].text))
    return [[c.text for c in row.cells] for row in chart.rows]


def test_report_chart_sums_the_orgs_below_each_child(rrepo, tmp_path):
    """A county's chart has a bar for the county and one for each township with its
    branches summed, not one per org; the tables still list every org."""
    out = tmp_path / "out"
    for org, subtree in (("town", "--subtree"), ("county", "--subtree"), ("town", None)):
        result = rrepo.run("render", "report", "--org", org, "--period", "2025-h1",
                           *([subtree] if subtree else []), "--as-of", "2025-08-01",
                           "--out", str(out / org / str(subtree)))  # fmt: skip
        assert result.exit_code == 0, result.stderr
    town = _chart_rows(_doc(out / "town/--subtree/report-town-2025-h1-subtree.docx"))
    county_doc = _doc(out / "county/--subtree/report-county-2025-h1-subtree.docx")
    county = _chart_rows(county_doc)
    assert [r[0] for r in county] == [
        "Test County Committee (itself)",
        "Test Township Committee (and 1 below)",
    ]
    held, owed = (sum(int(r[-1].split("/")[k]) for r in town) for k in (0, 1))
    assert owed > 0 and county[1][-1] == f"{held}/{owed}"
    assert len(county_doc.inline_shapes) == 2
    obligations = _table_with(county_doc, "Share met")
    assert [r[1] for r in obligations[1:]] == [
        "Test County Committee",
        "Test Township Committee",
        SHOWN_NAME,
    ]
    # a report of one org charts that org alone, without a word added to its name
    alone = _chart_rows(_doc(out / "town/None/report-town-2025-h1.docx"))
    assert [r[0] for r in alone] == ["Test Township Committee"]


def test_bad_arguments_are_one_line_errors(rrepo, tmp_path):
    result = rrepo.run("render", "report", "--org", "town", "--period", "2025-q1")
    assert result.exit_code == 2 and "--period" in result.stderr
    result = rrepo.run("render", "funding", "--year", "2025", "--org", "nowhere")
    assert result.exit_code == 2 and "nowhere" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_org_whose_file_does_not_load_is_named_with_its_problem(rrepo):
    typo = rrepo.run("render", "funding", "--year", "2025", "--org", "vilage")
    assert typo.exit_code == 2
    assert "--org: no org 'vilage' in the repository (did you mean village?)" in typo.stderr
    rrepo.write("orgs/village.toml", 'name = "Village\nkind = "village_branch"\n')
    refused = rrepo.run("render", "letter", "--year", "2025", "--org", "village")
    assert refused.exit_code == 1  # invalid records: refused as the listings refuse them
    assert "records are invalid" in refused.stderr
    assert "orgs/village.toml:1: error E-TOML" in refused.stderr
    result = rrepo.run("render", "letter", "--year", "2025", "--org", "village", "--force")
    assert result.exit_code == 2
    assert "dangjian: error: --org: org 'village' is not loaded: " in result.stderr
    assert "orgs/village.toml:1: error E-TOML" in result.stderr
    status = rrepo.run("status", "village", "--force")
    assert status.exit_code == 2 and "org 'village' is not loaded" in status.stderr


def test_repository_templates_take_precedence(rrepo, tmp_path):
    rrepo.write(
        "templates/en/letter.md.j2",
        "# Our own letter {{ year }}\n@sign {{ parent.name }} | {{ org.name }}\n",
    )
    out = tmp_path / "out"
    assert rrepo.run("render", "letter", "--year", "2026", "--org", "village",
                     "--out", str(out)).exit_code == 0  # fmt: skip
    assert _texts(_doc(out / "letter-2026-village.docx"))[0] == "Our own letter 2026"


def test_broken_template_fails_cleanly_and_writes_nothing(rrepo, tmp_path):
    rrepo.write("templates/en/funding.md.j2", "# {{ year }\n")
    out = tmp_path / "out"
    result = rrepo.run("render", "funding", "--year", "2025", "--org", "village",
                       "--out", str(out))  # fmt: skip
    assert result.exit_code == 2
    assert "funding.md.j2:1" in result.stderr
    assert not out.exists() or list(out.iterdir()) == []
    check = rrepo.run("templates", "check", "--lang", "en")
    assert check.exit_code == 1
    assert "funding.md.j2:1" in check.stdout
    assert f"1 problem in {BUILT_IN} templates" in check.stdout


def test_templates_check_and_copy(rrepo):
    assert rrepo.run("templates", "check").exit_code == 0
    result = rrepo.run("templates", "copy", "--lang", "zh")
    assert result.exit_code == 0, result.stderr
    copied = rrepo.root / "templates/zh/letter.md.j2"
    assert copied.is_file() and (rrepo.root / "templates/zh/reference.docx").is_file()
    copied.write_text("# 改过的\n", encoding="utf-8")
    kept = rrepo.run("templates", "copy", "--lang", "zh")
    assert kept.exit_code == 1 and "kept" in kept.stderr
    assert copied.read_text(encoding="utf-8") == "# 改过的\n"
    assert rrepo.run("validate").exit_code == 0  # templates/ is not records


def test_installed_command_renders(rrepo, tmp_path):
    exe = Path(sys.executable).parent / "dangjian"  # installed beside the running interpreter
    assert exe.exists(), f"{exe} is not installed: pip install -e '.[test]'"
    out = tmp_path / "out"
    proc = subprocess.run(
        [str(exe), "-C", str(rrepo.root), "render", "funding", "--year", "2025",
         "--org", "village", "--out", str(out)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert (out / "funding-2025-village.docx").is_file()


@pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed here"
)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_pdf_of_every_kind(rrepo, tmp_path, lang):
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed here")
    out = tmp_path / "out"
    commands = [
        ("letter", "--year", "2026", "--org", "village"),
        ("notice", "--org", "village", "--kind", "criticism", "--as-of", "2025-06-15"),
        ("report", "--org", "town", "--period", "2025-h1", "--as-of", "2025-08-01"),
        ("funding", "--year", "2025", "--org", "village"),
    ]
    for args in commands:
        result = rrepo.run("render", *args, "--lang", lang, "--pdf", "--out", str(out))
        assert result.exit_code == 0, result.stderr
    pdfs = sorted(out.glob("*.pdf"))
    assert [p.stem for p in pdfs] == sorted(p.stem for p in out.glob("*.docx"))
    expected = {
        "en": {
            "letter": "Responsibility Letter 2026",
            "notice": "Town Criticism [2025] No. 1",
            "report": "Work Report",
            "funding": "10,000.10",
        },
        "zh": {
            "letter": "责任书",
            "notice": "通报批评",
            "report": "工作报告",
            "funding": "10,000.10",
        },
    }[lang]
    for pdf in pdfs:
        text = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        wanted = expected[pdf.stem.split("-")[0]]
        # CJK text comes out of pdftotext with spaces between glyphs: compare without them
        assert "".join(wanted.split()) in "".join(text.split()), (pdf.name, text[:300])
