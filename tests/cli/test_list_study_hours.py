"""`dangjian list study-hours`: each member's hours of training and of party lessons
against the year's standard, in every format (the workbook read back)."""

from __future__ import annotations

import csv
import io
import json

LESSON = 'kind = "party_lesson"\ndate = {day}\nlecturer = "m1"\nattendees = {who}\n'
TRAINING = (
    'title = "Spring"\norganiser = "town"\nstart = 2026-03-02\nhours = 24\n'
    'audience = "members"\n\n[[participants]]\nmember = "m1"\n\n'
    '[[participants]]\nmember = "m2"\nhours = 21.5\n'
)


def _repo(make_repo):
    newcomer = 'name = "New"\norg = "village"\nstatus = "probationary"\nadmitted = 2026-02-01\n'
    return make_repo(
        {
            "trainings/2026/spring.toml": TRAINING,
            "meetings/village/2026-03-10-party_lesson.toml": LESSON.format(
                day="2026-03-10", who='["m1", "m2", "m3", "m4"]'
            ),
            "meetings/village/2026-06-10-party_lesson.toml": LESSON.format(
                day="2026-06-10", who='["m1", "m2"]'
            ),
            # after --as-of: not counted yet
            "meetings/village/2026-09-10-party_lesson.toml": LESSON.format(
                day="2026-09-10", who='["m1", "m2", "m3"]'
            ),
            "members/m4.toml": newcomer,
        }
    )


def test_study_hours_count_trainings_and_lessons(make_repo):
    repo = _repo(make_repo)
    args = ("list", "study-hours", "--org", "village", "--year", "2026", "--as-of", "2026-07-15")
    result = repo.run(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    rows = {r["member"]: r for r in json.loads(result.stdout)}
    assert set(rows) == {"m1", "m2", "m3"}  # m4, admitted in the year, owes from the next
    m1, m2, m3 = rows["m1"], rows["m2"], rows["m3"]
    assert (m1["trainings"], m1["lessons"], m1["total"], m1["shortfall"]) == (24, 2, 28, 4)
    assert (m2["trainings"], m2["lesson_hours"], m2["total"], m2["shortfall"]) == (
        21.5,
        4,
        25.5,
        6.5,
    )
    assert (m3["trainings"], m3["total"], m3["standard"]) == (0, 2, 32)
    later = repo.run(*args[:-2], "--as-of", "2026-12-31", "--format", "csv")
    by_member = {r["member"]: r for r in csv.DictReader(io.StringIO(later.stdout))}
    assert by_member["m3"]["lessons"] == "2" and by_member["m3"]["total"] == "4"


def test_study_hours_table_and_workbook(make_repo, tmp_path):
    repo = _repo(make_repo)
    args = ("list", "study-hours", "--org", "village", "--year", "2026", "--as-of", "2026-07-15")
    table = repo.run(*args)
    assert table.exit_code == 0 and "25.5" in table.stdout and "total hours" in table.stdout
    out = tmp_path / "hours.xlsx"
    assert repo.run(*args, "--format", "xlsx", "--out", str(out)).exit_code == 0
    from openpyxl import load_workbook

    sheet = load_workbook(out).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][3:] == [
        "training hours",
        "party lessons",
        "lesson hours",
        "total hours",
        "standard",
        "shortfall",
    ]
    m2 = next(r for r in rows if r[1] == "m2")
    assert m2[3:] == [21.5, 2, 4, 25.5, 32, 6.5]  # numbers a clerk can sum


def test_chinese_headings(make_repo):
    repo = _repo(make_repo)
    result = repo.run("--lang", "zh", "list", "study-hours", "--org", "village", "--year", "2026")
    assert result.exit_code == 0
    assert "学时" in result.stdout.splitlines()[0]
