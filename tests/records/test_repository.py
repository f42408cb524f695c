"""Records container: indexes that stay usable on invalid records."""

from __future__ import annotations

from datetime import date

from dangjian_cli.records.repository import load
from dangjian_cli.records.store import FolderStore


def test_meetings_of_an_org_sort_when_some_have_no_date(make_repo) -> None:
    repo = make_repo()
    repo.write(
        "meetings/village/2026-03-01-party_lesson.toml",
        'kind = "party_lesson"\ndate = 2026-03-01\nattendees = ["m1"]\n',
    )
    repo.write(
        "meetings/village/2026-02-01-party_lesson.toml",
        'kind = "party_lesson"\nattendees = ["m1"]\n',  # `date` forgotten
    )
    records = load(FolderStore(repo.root))
    found = records.meetings_of("village")
    assert [mt.date for mt in found] == [None, date(2026, 3, 1)]


def test_status_of_an_org_with_an_undated_meeting_runs_with_force(make_repo) -> None:
    repo = make_repo()
    repo.write(
        "meetings/village/2026-02-01-party_lesson.toml",
        'kind = "party_lesson"\nattendees = ["m1"]\n',
    )
    repo.write(
        "meetings/village/2026-03-01-party_lesson.toml",
        'kind = "party_lesson"\ndate = 2026-03-01\nattendees = ["m1", "m2"]\n',
    )
    result = repo.run("status", "village", "--as-of", "2026-06-30", "--force")
    assert result.exit_code == 0, result.output
    assert "2026-03-01" in result.stdout
