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


def test_meetings_of_each_org_are_in_date_order_whatever_their_file_names(make_repo) -> None:
    """Files are listed by name; a meeting whose `date` differs from its name (an
    E-MEETING-DATE) still takes its place by date, and a tie goes by path."""
    repo = make_repo()
    days = {
        "village/2026-01-05-party_lesson": "2026-04-01",  # named early, held late
        "village/2026-02-01-party_lesson": "2026-02-01",
        "village/2026-02-01-party_lesson-2": "2026-02-01",
        "village/2026-03-01-party_lesson": "2025-12-31",  # named late, held early
        "town/2026-01-01-party_lesson": "2026-01-01",
    }
    for name, day in days.items():
        repo.write(
            f"meetings/{name}.toml", f'kind = "party_lesson"\ndate = {day}\nattendees = ["m1"]\n'
        )
    records = load(FolderStore(repo.root))
    for org in ("village", "town", "nowhere"):
        mine = [mt for mt in records.meetings if mt.org == org]
        assert records.meetings_of(org) == sorted(mine, key=lambda mt: (mt.date, mt.path))
    assert [mt.path.rsplit("/", 1)[1] for mt in records.meetings_of("village")] == [
        "2026-03-01-party_lesson.toml",
        "2026-02-01-party_lesson-2.toml",  # ("-" sorts before ".")
        "2026-02-01-party_lesson.toml",
        "2026-01-05-party_lesson.toml",
    ]


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
