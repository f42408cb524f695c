"""Participation in `status` and the work report (issue 16): attendance, appraisal grades,
stars, study hours against the standard, online meetings, secretaries' training, per org
and for the subtree, read back from the .docx and from `status --format json`.

Every figure is counted by hand from ``FILES``:

- village (m1 secretary, m2, m3): an assembly m3 missed without a reason and a party
  lesson all three attended (online): 5 attended of 6 due, 83.3 %; grades m1
  excellent, m2 qualified, m3 unqualified; stars 2025: m1 5, m2 4 (average 4.50);
  study: 24 hours of training (m3 20) + 2 for the lesson, m1 8 more as a secretary:
  34, 26, 22 (1 of 3 at 32, average 27.3); its secretary trained;
- hamlet (m5 secretary, m4): a theme day m5 missed ill (excused): 1 of 1, 100 %;
  stars m4 3; study 24 and 24 (0 of 2, average 24.0); its secretary not trained;
- together: 6 of 7 (85.7 %), 1 online meeting, grades 1/1/0/1, 3 rated (average
  4.00), 1 of 5 at the standard (average 26.0), 1 of 2 secretaries trained.
"""

from __future__ import annotations

import itertools
import json
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from dangjian_cli.documents.layout import LAYOUTS
from tests.conftest import RecordsRepo, table_headed

SAMPLE = Path(__file__).resolve().parents[2] / "sample_repo"

FULL = 'status = "full"\nbirth_date = 1970-05-01\nadmitted = 2000-01-01\nfull_since = 2001-01-01\n'
FILES = {
    "dangjian.toml": 'name = "Test county"\nlanguage = "zh"\ntracking_since = 2025-01-01\n',
    "orgs/hamlet.toml": 'name = "Hamlet Branch"\nkind = "village_branch"\nparent = "town"\n'
    'established = 2000-01-01\nsecretary = "m5"\n',
    "members/m1.toml": f'name = "Member One"\norg = "village"\n{FULL}\n[stars]\n"2025" = 5\n',
    "members/m2.toml": f'name = "Member Two"\norg = "village"\n{FULL}\n[stars]\n"2025" = 4\n',
    "members/m4.toml": f'name = "Member Four"\norg = "hamlet"\n{FULL}\n[stars]\n"2025" = 3\n',
    "members/m5.toml": f'name = "Member Five"\norg = "hamlet"\n{FULL}',
    "meetings/village/2026-01-10-branch_assembly.toml": 'kind = "branch_assembly"\n'
    'date = 2026-01-10\nattendees = ["m1", "m2"]\n\n[[absent]]\nmember = "m3"\n',
    "meetings/village/2026-03-10-party_lesson.toml": 'kind = "party_lesson"\n'
    'date = 2026-03-10\nlecturer = "m1"\nonline = true\nattendees = ["m1", "m2", "m3"]\n',
    "meetings/village/2026-02-20-democratic_appraisal.toml": 'kind = "democratic_appraisal"\n'
    'date = 2026-02-20\nattendees = ["m1", "m2", "m3"]\n\n'
    '[[grades]]\nmember = "m1"\ngrade = "excellent"\n\n'
    '[[grades]]\nmember = "m2"\ngrade = "qualified"\n\n'
    '[[grades]]\nmember = "m3"\ngrade = "unqualified"\n',
    "meetings/hamlet/2026-04-05-theme_day.toml": 'kind = "theme_day"\ndate = 2026-04-05\n'
    'attendees = ["m4"]\n\n[[absent]]\nmember = "m5"\nreason = "ill"\n',
    "trainings/2026/spring.toml": 'title = "Spring"\norganiser = "town"\nstart = 2026-03-02\n'
    'end = 2026-03-04\nhours = 24\naudience = "members"\n'
    + "".join(f'\n[[participants]]\nmember = "{m}"\n' for m in ("m1", "m2", "m4", "m5"))
    + '\n[[participants]]\nmember = "m3"\nhours = 20\n',
    "trainings/2026/secretaries.toml": 'title = "Secretaries"\norganiser = "county"\n'
    'start = 2026-04-20\nhours = 8\naudience = "secretaries"\n\n'
    '[[participants]]\nmember = "m1"\n',
}


@pytest.fixture
def repo(make_repo) -> RecordsRepo:
    return make_repo(FILES)


def test_report_shows_participation_per_org_and_in_total(repo, tmp_path):
    result = repo.run("render", "report", "--org", "town", "--period", "2026-h1", "--subtree",
                      "--as-of", "2026-07-15", "--out", str(tmp_path))  # fmt: skip
    assert result.exit_code == 0, result.stderr
    doc = docx.Document(str(tmp_path / "report-town-2026-h1-subtree.docx"))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "参加率为85.7%，开展线上组织生活1次" in text
    assert "5名党员中1名本年度学习培训已达32学时，人均26.0学时" in text
    assert "2个党支部中1名书记参加了本年度书记培训" in text
    attendance = table_headed(doc, "党组织", "参加率")
    assert attendance == [
        ["Test Township Committee", "—", "0", "0", "0", "0", "0"],
        ["Hamlet Branch", "100.0%", "0", "0", "0", "0", "0"],
        ["Test Village Branch", "83.3%", "1", "1", "1", "0", "1"],
        ["合计", "85.7%", "1", "1", "1", "0", "1"],
    ]
    study = table_headed(doc, "党组织", "2025年星级评定人数")
    assert study == [
        ["Test Township Committee", "0", "—", "0", "0", "—", "0/0"],
        ["Hamlet Branch", "1", "3.00", "2", "0", "24.0", "0/1"],
        ["Test Village Branch", "2", "4.50", "3", "1", "27.3", "1/1"],
        ["合计", "3", "4.00", "5", "1", "26.0", "1/2"],
    ]


def test_a_report_of_the_first_quarter_counts_only_its_days(repo, tmp_path):
    # as of 1 March: the lesson, the training and the theme day are still to come
    result = repo.run("render", "report", "--org", "village", "--period", "2026-h1",
                      "--as-of", "2026-03-01", "--lang", "en", "--out", str(tmp_path))  # fmt: skip
    assert result.exit_code == 0, result.stderr
    doc = docx.Document(str(tmp_path / "report-village-2026-h1.docx"))
    # in English three tables: the Latin headers are too wide for seven columns
    (row,) = table_headed(doc, "Organisation", "Attendance", "Online", "Star-rated (2025)")
    assert row == ["Test Village Branch", "66.7%", "0", "2", "4.50"]
    (row,) = table_headed(doc, "Organisation", "Excellent")
    assert row == ["Test Village Branch", "1", "1", "0", "1"]
    (row,) = table_headed(doc, "Organisation", "Members to study")
    assert row == ["Test Village Branch", "3", "0", "0.0", "0/1"]


def test_status_shows_the_org_and_its_subtree(repo):
    result = repo.run("status", "town", "--as-of", "2026-07-15", "--format", "json")
    assert result.exit_code == 0, result.stderr
    info = json.loads(result.stdout)["participation"]
    assert (info["year"], info["stars_year"], info["standard"]) == (2026, 2025, 32)
    assert info["org"]["attendance"] == {"attended": 0, "owed": 0, "rate": None}
    total = info["subtree"]
    assert total["attendance"] == {"attended": 6, "owed": 7, "rate": 0.857}
    assert total["grades"] == {
        "excellent": 1,
        "qualified": 1,
        "basically_qualified": 0,
        "unqualified": 1,
    }
    assert (total["stars"]["rated"], total["stars"]["average"], total["stars"]["5"]) == (3, 4.0, 1)
    assert total["study"] == {"members": 5, "met": 1, "average": 26.0, "hours": 130}
    assert (total["online"], total["secretaries"]) == (1, {"branches": 2, "trained": 1})
    village = json.loads(repo.run("status", "village", "--as-of", "2026-07-15",
                                  "--format", "json").stdout)["participation"]  # fmt: skip
    assert village["subtree"] is None
    assert village["org"]["study"] == {"members": 3, "met": 1, "average": 27.3, "hours": 82}


def test_status_text_lines(repo):
    result = repo.run("--lang", "en", "status", "town", "--as-of", "2026-07-15")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith("Participation 2026"))
    assert "with the orgs below" in lines[head]
    table = "\n".join(lines[head : head + 8])
    assert "85.7% (6 of 7)" in table
    assert "1 / 1 / 0 / 1" in table
    assert "1 of 5 at 32, average 26.0" in table
    assert "1 of 2" in table
    zh = repo.run("--lang", "zh", "status", "village", "--as-of", "2026-07-15")
    assert "学时" in zh.stdout and "参加率" in zh.stdout


def test_report_template_values_are_documented():
    root = Path(__file__).resolve().parents[2]
    for lang in ("zh", "en"):
        head = (root / "templates" / lang / "report.md.j2").read_text(encoding="utf-8")
        head = head.split("#}", 1)[0]
        for name in ("participation", "participation_total", "stars_year", "study_standard"):
            assert name in head, (lang, name)


# ---- the participation tables of a county's report, laid out ---------------------

COUNTY = ("report", "--org", "qingshan-county", "--period", "2026-h1", "--subtree",
          "--as-of", "2026-07-15")  # fmt: skip
#: the first header cells of the participation tables, by language
PARTICIPATION = {
    "zh": (("党组织", "参加率"), ("党组织", "2025年星级评定人数")),
    "en": (("Organisation", "Attendance"), ("Organisation", "Excellent"),
           ("Organisation", "Members to study")),
}  # fmt: skip
needs_pdf = pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="LibreOffice (soffice) or pdftotext is not installed here",
)


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> RecordsRepo:
    root = tmp_path_factory.mktemp("sample") / "repo"
    shutil.copytree(SAMPLE, root)
    return RecordsRepo(root)


def _sample_org_names() -> list[str]:
    return [
        tomllib.loads(path.read_text(encoding="utf-8"))["name"]
        for path in sorted((SAMPLE / "orgs").glob("*.toml"))
    ]


def _participation_tables(doc: docx.Document, lang: str) -> list:
    found = []
    for head in PARTICIPATION[lang]:
        found += [t for t in doc.tables if [c.text for c in t.rows[0].cells][:2] == list(head)]
    assert len(found) == len(PARTICIPATION[lang]), [t.rows[0].cells[0].text for t in doc.tables]
    return found


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_org_column_of_the_participation_tables_holds_a_name(sample, tmp_path, lang):
    """The org column was one or two characters wide (a 300-org county: 92 pages);
    it holds ten characters at least, and no figure column is wider than it."""
    result = sample.run("render", *COUNTY, "--lang", lang, "--out", str(tmp_path))
    assert result.exit_code == 0, result.stderr
    doc = docx.Document(str(next(tmp_path.glob("*.docx"))))
    size = LAYOUTS[lang].table.size
    for table in _participation_tables(doc, lang):
        grid = [int(col.get(qn("w:w"))) / 20 for col in table._tbl.tblGrid.iter(qn("w:gridCol"))]
        cell = table.rows[1].cells[0]._tc.tcPr.find(qn("w:tcW"))
        assert int(cell.get(qn("w:w"))) / 20 == pytest.approx(grid[0], abs=0.1)
        margins = 10.8  # the cell's left and right margins
        assert grid[0] - margins >= 10 * size, (lang, table.rows[0].cells[1].text, grid)
        assert grid[0] == max(grid)


def _pdf_text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


@needs_pdf
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_org_names_are_not_broken_into_fragments_on_the_page(sample, tmp_path, lang):
    """On the PDF page, each org of the sample is named in each participation table
    whole on its line or in two parts of three characters at least, and no line of
    the tables is a fragment of one or two Chinese characters."""
    result = sample.run("render", *COUNTY, "--lang", lang, "--pdf", "--out", str(tmp_path))
    assert result.exit_code == 0, result.stderr
    text = _pdf_text(next(tmp_path.glob("*.pdf")))
    start, end = ("参加组织生活和教育培训", "四、党费收缴") if lang == "zh" else (
        "Taking part, study and training", "4. Dues collected")  # fmt: skip
    section = text[text.index(start) : text.index(end)]
    lines = [re.sub(r"\s+", "", line) for line in section.splitlines()]
    fragments = [line for line in lines if re.fullmatch(r"[\u4e00-\u9fff]{1,2}", line)]
    headers = {"生活", "合格", "定人数", "参训", "星级评", "组织"}  # a wrapped header's line
    assert not [f for f in fragments if f not in headers], fragments
    # the org column is the first: each line's leading Chinese words are a name or a part
    firsts = [re.match(r"\s*([\u4e00-\u9fff]*)", line).group(1) for line in section.splitlines()]
    for name in _sample_org_names():
        whole = firsts.count(name)
        halves = sum(
            1
            for a, b in itertools.pairwise(firsts)
            if a + b == name and min(len(a), len(b)) >= 3  # a long name in two, by sense
        )
        assert whole + halves == len(PARTICIPATION[lang]), (name, whole, halves)
        if lang == "zh":
            assert whole >= halves, name  # a Chinese report mostly names an org on one line
