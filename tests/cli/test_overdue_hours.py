"""Hours in findings: a member's 31.5 study hours (or a candidate's 23.5 hours of
training) are listed as 31.5 in every format and in the sentences of a notice, never
cut to 31; whole hours stay whole numbers (``32``, not ``32.0``)."""

from __future__ import annotations

import csv
import io
import json

import docx

SETTINGS = """
name = "Test county"
language = "{lang}"
tracking_since = 2025-01-01
[rules.study-hours]
applies_from = 2025-01-01
[rules.candidate-training]
applies_from = 2025-01-01
[numbering.town]
criticism = "青组通〔{{year}}〕{{n}}号"
"""
LESSON = 'kind = "party_lesson"\ndate = {day}\nlecturer = "m1"\nattendees = ["m1", "m2", "m3"]\n'
TRAINING = (
    'title = "Spring"\norganiser = "town"\nstart = 2025-04-02\nhours = 28\n'
    'audience = "members"\n\n[[participants]]\nmember = "m1"\n\n'
    '[[participants]]\nmember = "m2"\nhours = 27.5\n\n'
    '[[participants]]\nmember = "m3"\nhours = 24\n'
)
CANDIDATES = (
    'title = "Candidates"\norganiser = "town"\nstart = 2025-05-20\nhours = 15.5\n'
    'audience = "candidates"\n\n[[participants]]\nmember = "m4"\n'
)
NEWCOMER = (
    'name = "New"\norg = "village"\nstatus = "probationary"\nadmitted = 2025-06-01\n'
    "candidate_since = 2024-05-01\ntraining_hours = 8\n"
)
ARGS = ("overdue", "--as-of", "2026-02-01", "--rule", "study-hours", "--rule", "candidate-training")


def _repo(make_repo, lang: str = "en"):
    return make_repo(
        {
            "dangjian.toml": SETTINGS.format(lang=lang),
            "meetings/village/2025-03-10-party_lesson.toml": LESSON.format(day="2025-03-10"),
            "meetings/village/2025-09-10-party_lesson.toml": LESSON.format(day="2025-09-10"),
            "trainings/2025/spring.toml": TRAINING,
            "trainings/2025/candidates.toml": CANDIDATES,
            "members/m4.toml": NEWCOMER,
        },
        name=f"repo-{lang}",
    )


def test_json_csv_and_table_show_the_hours_counted(make_repo):
    repo = _repo(make_repo)
    result = repo.run(*ARGS, "--format", "json")
    assert result.exit_code == 0, result.output
    found = {(r["rule"], r["subject"]): r["found"] for r in json.loads(result.stdout)}
    # m2: 27.5 + two lessons of 2 hours; m3: 24 + 4, whole; m4: 8 + 15.5 before admission
    assert found == {
        ("study-hours", "m2"): 31.5,
        ("study-hours", "m3"): 28,
        ("candidate-training", "m4"): 23.5,
    }
    whole = json.loads(result.stdout)
    assert {type(r["found"]) for r in whole if r["subject"] == "m3"} == {int}

    rows = csv.DictReader(io.StringIO(repo.run(*ARGS, "--format", "csv").stdout))
    by_subject = {r["subject"]: r["found"] for r in rows}
    assert by_subject == {"m2": "31.5", "m3": "28", "m4": "23.5"}

    table = repo.run(*ARGS).stdout
    m2 = next(line for line in table.splitlines() if " m2 " in line)
    m3 = next(line for line in table.splitlines() if " m3 " in line)
    assert " 31.5 " in m2 and " 32 " in m2
    assert " 28 " in m3 and "28.0" not in m3


def test_chinese_table_and_notice_sentence_keep_the_half_hour(make_repo, tmp_path):
    repo = _repo(make_repo, "zh")
    table = repo.run(*ARGS)
    assert table.exit_code == 0, table.output
    assert any(" 31.5 " in line for line in table.stdout.splitlines())

    out = tmp_path / "out"
    args = ("render", "notice", "--org", "village", "--kind", "criticism")
    result = repo.run(*args, "--as-of", "2026-02-01", "--out", str(out))
    assert result.exit_code == 0, result.output
    (path,) = out.glob("*.docx")
    text = "\n".join(
        cell.text for table in docx.Document(str(path)).tables for cell in table._cells
    )
    assert "学习培训31.5学时，少于规定的32学时" in text
    assert "学习培训28学时" in text
