"""The work report's development pipeline and dues standard, read back from the .docx.

Every figure below is counted by hand from the records in ``FILES``: the pipeline
is shown on the period's last day (or the report's day when earlier), each member
with the next deadline the rules judged that day; the dues table sets the standard
owed (from ``[[dues_base]]``) against what was paid on time, paid late and left
unpaid, for the period's months that have ended.
"""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from tests.conftest import RecordsRepo, table_headed

SETTINGS = """
name = "Test county"
language = "zh"
tracking_since = 2025-01-01

[rules.applicant-talk]
applies_from = 2025-01-01

[rules.admission-approval]
applies_from = 2025-01-01

[rules.candidate-training]
applies_from = 2025-01-01
"""


def _dues(amount: str, months: range, paid_on: dict[int, str] | None = None) -> str:
    rows = []
    for mon in months:
        day = (paid_on or {}).get(mon, f"2026-{mon:02d}-10")
        rows.append(f'[[dues]]\nmonth = "2026-{mon:02d}"\namount = "{amount}"\npaid_on = {day}\n')
    return "\n".join(rows)


FULL = 'org = "village"\nstatus = "full"\nbirth_date = 1970-05-01\n'
FILES = {
    "dangjian.toml": SETTINGS,
    # salary 4000: 1 % = 40.00 a month, paid on time January to June
    "members/m1.toml": f'name = "Member One"\n{FULL}admitted = 2000-01-01\n'
    'full_since = 2001-01-01\n\n[[dues_base]]\nsince = "2026-01"\ncategory = "salary"\n'
    'base = "4000"\n\n' + _dues("40.00", range(1, 7)),
    # retiree 6000: 1 % = 60.00 a month; June's paid in July (late)
    "members/m2.toml": f'name = "Member Two"\n{FULL}admitted = 2005-01-01\n'
    'full_since = 2006-01-01\n\n[[dues_base]]\nsince = "2026-01"\ncategory = "retiree"\n'
    'base = "6000"\n\n' + _dues("60.00", range(1, 7), {6: "2026-07-05"}),
    # no base row: pays 1.00 a month, owed an unknown standard
    "members/m3.toml": f'name = "Member Three"\n{FULL}admitted = 2010-01-01\n'
    "full_since = 2011-01-01\n\n" + _dues("1.00", range(1, 7)),
    # applicant since January: the talk was due by 5 February (overdue)
    "members/a0.toml": 'name = "Applicant Zero"\norg = "village"\nstatus = "applicant"\n'
    "birth_date = 1990-01-01\napplied = 2026-01-05\n",
    # applicant since 10 June: the talk is due by 10 July (due from 26 June)
    "members/a1.toml": 'name = "Applicant One"\norg = "village"\nstatus = "applicant"\n'
    "birth_date = 1990-01-01\napplied = 2026-06-10\n",
    # a candidate has no deadline open
    "members/c1.toml": 'name = "Candidate One"\norg = "village"\nstatus = "candidate"\n'
    "birth_date = 1990-01-01\napplied = 2024-01-05\nactivist_since = 2024-03-01\n"
    "candidate_since = 2025-06-01\n",
    # admitted 1 February, no approval by 1 May (overdue); student: 0.20 a month unpaid
    "members/p1.toml": 'name = "Probationer One"\norg = "village"\nstatus = "probationary"\n'
    "birth_date = 1990-01-01\napplied = 2024-01-05\nactivist_since = 2024-03-01\n"
    "candidate_since = 2025-06-01\nadmitted = 2026-02-01\ntraining_hours = 30\n\n"
    '[[dues_base]]\nsince = "2026-02"\ncategory = "student"\n',
}


@pytest.fixture
def repo(make_repo) -> RecordsRepo:
    return make_repo(FILES)


def _report(repo: RecordsRepo, out: Path, *args: str, org: str = "village") -> docx.Document:
    where = ["--org", org] if org == "village" else ["--org", org, "--subtree"]
    result = repo.run("render", "report", *where, "--out", str(out), "--force", *args)
    assert result.exit_code == 0, result.stderr or result.output
    (path,) = [Path(line) for line in result.stdout.split() if line.endswith(".docx")]
    return docx.Document(str(path))


def _text(doc: docx.Document) -> str:
    return "\n".join(p.text for p in doc.paragraphs)


def test_pipeline_on_the_periods_last_day_with_each_next_deadline(repo, tmp_path):
    doc = _report(repo, tmp_path, "--period", "2026-h1", "--as-of", "2026-07-15")
    assert "截至2026年6月30日，发展党员各阶段共4人。" in _text(doc)
    assert table_headed(doc, "阶段", "人数") == [
        ["入党申请人", "2", "1", "1"],
        ["入党积极分子", "0", "0", "0"],
        ["发展对象", "1", "0", "0"],
        ["预备党员", "1", "1", "0"],
        ["合计", "4", "", ""],
    ]
    village = "Test Village Branch"
    # a1's talk is due on 30 June (overdue only on the report's day, 15 July)
    assert table_headed(doc, "党组织", "姓名", "阶段") == [
        [village, "Applicant Zero", "入党申请人", "同入党申请人谈话", "2026年2月5日", "逾期未完成"],
        [village, "Applicant One", "入党申请人", "同入党申请人谈话", "2026年7月10日", "待完成"],
        [village, "Candidate One", "发展对象", "—", "", ""],
        [village, "Probationer One", "预备党员", "接收预备党员审批", "2026年5月1日", "逾期未完成"],
    ]


def test_a_report_of_several_orgs_lists_the_people_a_deadline_presses(repo, tmp_path):
    """The stages count everyone; the list keeps those overdue or due now (a county
    has thousands at a stage): the candidate with nothing open is left out."""
    doc = _report(repo, tmp_path, "--period", "2026-h1", "--as-of", "2026-07-15", org="town")
    assert table_headed(doc, "阶段", "人数")[-1] == ["合计", "4", "", ""]
    assert "下一时限已逾期或到期待办的3人如下表。" in _text(doc)
    rows = table_headed(doc, "党组织", "姓名", "阶段")
    assert [row[1] for row in rows] == ["Applicant Zero", "Applicant One", "Probationer One"]
    single = _report(repo, tmp_path, "--period", "2026-h1", "--as-of", "2026-07-15")
    assert "如下表" not in _text(single)


def test_dues_standard_against_paid_late_and_unpaid(repo, tmp_path):
    doc = _report(repo, tmp_path, "--period", "2026-h1", "--as-of", "2026-07-15")
    # standard 6 x 40.00 + 6 x 60.00 + 5 x 0.20 = 601.00; paid 240 + 360 + 6 = 606.00,
    # of it 60.00 late (m2's June); unpaid: p1's 1.00 (m3 has no standard to fall short of)
    assert table_headed(doc, "党组织", "缴纳人数") == [
        ["Test Village Branch", "3", "601.00", "606.00", "60.00", "1.00"],
        ["合计", "", "601.00", "606.00", "60.00", "1.00"],
    ]
    assert (
        "本期应缴党费601.00元，实缴606.00元（其中按月交纳546.00元、补交60.00元），"
        "未交1.00元；4名党员中有1名未登记党费计算基数，其应缴数未计入。"
    ) in _text(doc)


def test_a_report_before_the_periods_end_counts_to_its_own_day(repo, tmp_path):
    doc = _report(repo, tmp_path, "--period", "2026-h1", "--as-of", "2026-06-20")
    assert "截至2026年6月20日，发展党员各阶段共4人。" in _text(doc)
    rows = table_headed(doc, "党组织", "姓名", "阶段")
    assert rows[1][3:] == ["同入党申请人谈话", "2026年7月10日", "未到期"]
    # January to May only (June has not ended): 200 + 300 + 5 paid, 0.80 unpaid
    assert table_headed(doc, "党组织", "缴纳人数")[-1] == [
        "合计",
        "",
        "500.80",
        "505.00",
        "0.00",
        "0.80",
    ]


def test_english_report_and_a_repository_keeping_no_bases(make_repo, tmp_path):
    files = {
        **FILES,
        "dangjian.toml": SETTINGS.replace('"zh"', '"en"'),
        "members/m1.toml": FILES["members/m1.toml"].split("\n\n[[dues_base]]")[0]
        + "\n\n"
        + _dues("40.00", range(1, 7)),
        "members/m2.toml": None,
        "members/p1.toml": FILES["members/p1.toml"].split("\n\n[[dues_base]]")[0] + "\n",
    }
    doc = _report(make_repo(files), tmp_path, "--period", "2026-h1", "--as-of", "2026-07-15")
    text = _text(doc)
    assert "On 30 June 2026, 4 people were at a stage of becoming members." in text
    assert (
        "Dues paid in the period: 246.00. No member has a dues base recorded, "
        "so what was owed cannot be reckoned."
    ) in text
    assert table_headed(doc, "Stage", "People")[0] == ["Applicant", "2", "1", "1"]
