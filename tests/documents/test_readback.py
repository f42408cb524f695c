"""Every document kind read back: words a person would write, a 版记, totals that are true.

Documents are rendered by the CLI from a copy of ``sample_repo`` and from a small
repository with awkward values, then read back with python-docx. A few PDF checks
(LibreOffice is slow) measure the layout: title lines, the last page, page count.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from tests.conftest import RecordsRepo

SAMPLE = Path(__file__).resolve().parents[2] / "sample_repo"
ISO_PERIOD = re.compile(r"\b\d{4}-(\d{2}|[QqHh][1-4])\b")
SHORTHAND = re.compile(r"应\s*\d+\s*[，,/]\s*实|应完成\s*\d+\s*/")
PLACEHOLDERS = ("请根据实际情况填写", "年  月  日", "To be completed", "____")


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> RecordsRepo:
    root = tmp_path_factory.mktemp("sample") / "repo"
    shutil.copytree(SAMPLE, root)
    return RecordsRepo(root)


def _render(repo: RecordsRepo, out: Path, *args: str) -> Path:
    result = repo.run("render", *args, "--out", str(out), "--force")
    assert result.exit_code == 0, result.stderr or result.output
    docs = [Path(line) for line in result.stdout.split() if line.endswith(".docx")]
    assert docs, result.stdout
    return docs[0]


def _all_text(path: Path) -> str:
    doc = docx.Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def _imprint(path: Path) -> str:
    """The text of the 版记: a framed paragraph with rules above and below."""
    doc = docx.Document(str(path))
    for p in doc.paragraphs:
        ppr = p._p.pPr
        if ppr is not None and ppr.find(qn("w:framePr")) is not None:
            borders = ppr.find(qn("w:pBdr"))
            assert borders is not None
            assert borders.find(qn("w:top")) is not None
            assert borders.find(qn("w:bottom")) is not None
            return p.text
    raise AssertionError(f"{path.name}: no 版记")


SAMPLE_KINDS = {
    "notice": ("notice", "--org", "hexi-xishan", "--kind", "rectification",
               "--as-of", "2026-07-15"),
    "report": ("report", "--org", "hexi-town", "--period", "2026-h1", "--subtree",
               "--as-of", "2026-07-15"),
    "funding": ("funding", "--org", "qingshan-county", "--year", "2025", "--subtree",
                "--date", "2026-01-20"),
    "letter": ("letter", "--org", "hexi-xishan", "--year", "2026"),
}  # fmt: skip


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("kind", sorted(SAMPLE_KINDS))
def test_sample_documents_read_in_words(sample, tmp_path, kind, lang):
    path = _render(sample, tmp_path, *SAMPLE_KINDS[kind], "--lang", lang)
    text = _all_text(path)
    assert "std" not in text and "§" not in text
    assert not ISO_PERIOD.search(text), ISO_PERIOD.search(text)
    assert not SHORTHAND.search(text)
    for placeholder in PLACEHOLDERS:
        assert placeholder not in text, placeholder
    imprint = _imprint(path)
    assert ("印发" if lang == "zh" else "Printed") in imprint


def test_notice_findings_are_sentences_with_their_basis(sample, tmp_path):
    path = _render(sample, tmp_path, *SAMPLE_KINDS["notice"], "--lang", "zh")
    text = _all_text(path)
    assert "王天佑同志2026年1月至6月连续6个月未交纳党费。" in text
    assert "《党章》及党内有关规定" in text
    imprint = _imprint(path)
    assert imprint.startswith("中共河西镇委员会") and imprint.endswith("2026年7月15日印发")


def test_report_names_periods_and_chart_orgs(sample, tmp_path):
    path = _render(sample, tmp_path, *SAMPLE_KINDS["report"], "--lang", "zh")
    doc = docx.Document(str(path))
    assert doc.paragraphs[0].text == "中共河西镇委员会\n2026年上半年基层党建工作报告"


# ---- a repository with awkward values -------------------------------------------

AWKWARD = {
    "dangjian.toml": """
        name = "Test county"
        language = "zh"
        tracking_since = 2025-01-01

        [numbering.town]
        default = "镇党发〔{year}〕{n}号"

        [documents]
        printed_by = "中共测试镇委员会党建办公室"
    """,
    # died before the period: never counted
    "members/gone.toml": """
        name = "Long Gone"
        org = "village"
        status = "deceased"
        birth_date = 1930-05-01
        admitted = 1960-01-01
        full_since = 1961-01-01
        left_on = 2024-03-01
    """,
    # left during the period: listed apart, not in 合计
    "members/leaver.toml": """
        name = "Leaver"
        org = "village"
        status = "withdrawn"
        birth_date = 1990-05-01
        admitted = 2015-01-01
        full_since = 2016-01-01
        left_on = 2026-04-01
    """,
    # admitted after the period: not yet on the roll
    "members/late.toml": """
        name = "Late Joiner"
        org = "village"
        status = "probationary"
        birth_date = 1998-05-01
        admitted = 2026-08-01
    """,
    # a ledger for the village only: the town still gets its 0.00 row
    "funds/village/2025.toml": """
        [[entry]]
        date = 2025-01-05
        direction = "income"
        source = "fiscal"
        amount = "100.00"

        [[entry]]
        date = 2025-02-05
        direction = "income"
        source = "other"
        amount = "50.50"

        [[entry]]
        date = 2025-03-05
        direction = "expense"
        source = "fiscal"
        category = "education"
        amount = "30.25"
    """,
    "funds/village/2024.toml": """
        [[entry]]
        date = 2024-06-01
        direction = "income"
        source = "fiscal"
        amount = "10.00"
    """,
}


@pytest.fixture
def awkward(make_repo) -> RecordsRepo:
    return make_repo(AWKWARD)


def _table(path: Path, header: str, second: str | None = None) -> list[list[str]]:
    doc = docx.Document(str(path))
    for table in doc.tables:
        head = [c.text for c in table.rows[0].cells]
        if head[0] == header and (second is None or head[1] == second):
            return [[c.text for c in row.cells] for row in table.rows]
    raise AssertionError(f"no table headed {header!r}")


def test_report_counts_the_roll_at_the_end_of_the_period(awkward, tmp_path):
    path = _render(
        awkward,
        tmp_path,
        "report",
        "--org",
        "village",
        "--period",
        "2026-h1",
        "--as-of",
        "2026-07-15",
    )
    members = _table(path, "类别", "人数")
    # hand count: m1, m2, m3 full; gone died in 2024; late joins in August; leaver apart
    assert members[-1] == ["合计", "3"]
    assert ["正式党员", "3"] in members
    assert not any("已去世" in row[0] for row in members)
    assert _table(path, "本期减少") == [["本期减少", "人数"], ["已出党", "1"]]
    assert "在册3人；本期减少1人" in _all_text(path)
    assert _imprint(path) == "中共测试镇委员会党建办公室\t2026年7月15日印发"


def test_funding_lists_every_org_and_adds_up(awkward, tmp_path):
    problems = tmp_path / "problems.txt"
    problems.write_text("经费下拨不够及时。\n\n建议按季度拨付。\n", encoding="utf-8")
    path = _render(
        awkward, tmp_path, "funding", "--org", "town", "--year", "2025", "--subtree",
        "--date", "2026-01-20", "--problems", str(problems),
    )  # fmt: skip
    rows = _table(path, "党组织")
    assert ["Test Township Committee", "—", "0.00", "0.00", "0.00", "0.00"] in rows
    assert rows[-1] == ["合计", "", "10.00", "150.50", "30.25", "130.25"]
    text = _all_text(path)
    # 10.00 + 100.00 + 0.00 + 50.50 - 30.25 = 130.25
    assert (
        "2025年初结余10.00元；全年收入150.50元，其中财政拨款100.00元、留存党费0.00元、"
        "其他50.50元；全年支出30.25元；年末结余130.25元。"
    ) in text
    assert "所属1个党组织" in text
    assert "经费下拨不够及时。" in text and "建议按季度拨付。" in text
    assert "2026年1月20日" in text


def test_funding_without_problems_leaves_the_section_out(awkward, tmp_path):
    path = _render(awkward, tmp_path, "funding", "--org", "village", "--year", "2025")
    assert "存在问题" not in _all_text(path)


# ---- the PDF, measured ------------------------------------------------------------

needs_pdf = pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="LibreOffice (soffice) or pdftotext is not installed here",
)


def _pdf_pages(pdf: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


@needs_pdf
def test_pdf_of_a_long_notice(awkward, tmp_path):
    """A 40-finding notice: balanced title, under 6 pages, text with the signature."""
    findings = [
        f"--finding=第{i}项：某党小组2025年第{i % 4 + 1}季度未按规定召开党小组会，会议记录缺失"
        for i in range(1, 41)
    ]
    awkward.write(
        "orgs/long.toml",
        """
        name = "中共测试镇第一村党支部委员会"
        kind = "village_branch"
        parent = "town"
        established = 2000-01-01
        """,
    )
    result = awkward.run(
        "render", "notice", "--org", "long", "--kind", "criticism", "--as-of", "2026-07-15",
        *findings, "--pdf", "--out", str(tmp_path),
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    pdf = next(tmp_path.glob("*.pdf"))
    pages = _pdf_pages(pdf)
    assert len(pages) < 6
    lines = [line.strip() for line in pages[0].splitlines() if line.strip()]
    start = next(i for i, line in enumerate(lines) if line.startswith("关于"))
    end = next(i for i, line in enumerate(lines) if "：" in line and i > start)
    title = [line.replace(" ", "") for line in lines[start:end]]
    assert len(title) >= 2 and all(len(line) > 2 for line in title), title
    assert "".join(title) == "关于对中共测试镇第一村党支部委员会的通报批评"
    # the signature's page holds body text too: two lines at least before the issuer
    last = [line.strip() for line in pages[-1].splitlines() if line.strip()]
    sign = next(i for i, line in enumerate(last) if line == "Test Township Committee")
    assert sign >= 2, last
    assert "现予以通报批评" in "".join(last[:sign]).replace(" ", "")


def test_status_counts_the_roll_on_the_day(awkward):
    import json

    result = awkward.run("status", "village", "--as-of", "2026-07-15", "--format", "json")
    assert result.exit_code == 0, result.stderr or result.output
    # hand count: m1, m2, m3; the dead, the one who withdrew and the August joiner are not
    assert json.loads(result.stdout)["members"] == {"full": 3}
