"""`dangjian list attendance`: each member's meetings due, attended, excused, and rate."""

from __future__ import annotations

import json

LESSON = 'kind = "party_lesson"\ndate = {day}\nattendees = {who}\n'


def test_attendance_counts_due_attended_excused(make_repo):
    excused = '[[absent]]\nmember = "m3"\nreason = "ill"\n'
    repo = make_repo(
        {
            "meetings/village/2026-01-10-party_lesson.toml": LESSON.format(
                day="2026-01-10", who='["m1", "m2", "m3"]'
            ),
            "meetings/village/2026-04-10-party_lesson.toml": LESSON.format(
                day="2026-04-10", who='["m1", "m2"]'
            )
            + excused,
            "meetings/village/2026-07-10-party_lesson.toml": LESSON.format(
                day="2026-07-10", who='["m1"]'
            ),
            # another year: not counted
            "meetings/village/2025-07-10-party_lesson.toml": LESSON.format(
                day="2025-07-10", who='["m1"]'
            ),
        }
    )
    result = repo.run(
        "list", "attendance", "--org", "village", "--year", "2026", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    rows = {r["member"]: r for r in json.loads(result.stdout)}
    assert (rows["m1"]["due"], rows["m1"]["attended"], rows["m1"]["rate"]) == (3, 3, "100.0%")
    assert (rows["m2"]["attended"], rows["m2"]["excused"], rows["m2"]["rate"]) == (2, 0, "66.7%")
    assert (rows["m3"]["attended"], rows["m3"]["excused"], rows["m3"]["rate"]) == (1, 1, "50.0%")
    table = repo.run("list", "attendance", "--org", "village", "--year", "2026")
    assert table.exit_code == 0 and "m3" in table.output
