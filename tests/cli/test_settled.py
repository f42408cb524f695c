"""The accountability loop (§3): a notice lists findings as [[items]]; once it is
rectified they are settled — out of `overdue`, never re-listed by a new notice —
while findings that arise afterwards are listed. Run in a real git repository."""

from __future__ import annotations

import json
import tomllib

import pytest

NUMBERING = """
    name = "Test county"
    language = "en"
    tracking_since = 2025-01-01

    [numbering.town]
    default = "Town [{year}] No. {n}"
"""


@pytest.fixture
def repo(make_repo):
    return make_repo({"dangjian.toml": NUMBERING}, git=True)


def _overdue(repo, day: str, *extra: str) -> list[dict]:
    result = repo.run("overdue", "--org", "village", "--as-of", day, "--format", "json", *extra)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def _keys(rows: list[dict]) -> set[tuple[str, str, str]]:
    return {(r["subject"], r["rule"], r["period"]) for r in rows}


def _notice(repo, kind: str, day: str, tmp_path, *extra: str):
    return repo.run("render", "notice", "--org", "village", "--kind", kind, "--as-of", day,
                    "--out", str(tmp_path / f"out-{kind}-{day}"), "--commit", *extra)  # fmt: skip


def _record(repo, path: str) -> dict:
    return tomllib.loads(repo.read(path))


def test_rectified_notice_settles_its_findings(repo, tmp_path):
    before = _overdue(repo, "2025-06-15")
    assert ("village", "theme-day", "2025-01") in _keys(before)
    result = _notice(repo, "rectification", "2025-06-15", tmp_path, "--deadline", "2025-06-30")
    assert result.exit_code == 0, result.stderr
    record = _record(repo, "notices/2025/001.toml")
    items = {(i["subject"], i["rule"], i["period"]) for i in record["items"]}
    assert items == _keys(before)
    assert repo.git("status", "--porcelain").strip() == ""  # committed

    # not yet rectified: everything still overdue, and the notice's own deadline too
    unrectified = _overdue(repo, "2025-07-15")
    assert _keys(before) <= _keys(unrectified)

    done = repo.run("set", "notices/2025/001.toml", "rectified_on", "2025-06-28", "--commit")
    assert done.exit_code == 0, done.stderr
    assert repo.run("validate").exit_code == 0
    after = _overdue(repo, "2025-07-15")
    assert not _keys(before) & _keys(after)
    # a finding that arose after the notice (June's theme day, overdue from 8 July)
    assert ("village", "theme-day", "2025-06") in _keys(after)

    listed = _overdue(repo, "2025-07-15", "--include-settled")
    settled = [r for r in listed if r["status"] == "settled"]
    assert _keys(settled) == _keys(before)
    assert {r["notice"] for r in settled} == {"Town [2025] No. 1"}

    # a new notice lists only the new findings
    again = _notice(repo, "criticism", "2025-07-15", tmp_path)
    assert again.exit_code == 0, again.stderr
    second = _record(repo, "notices/2025/002.toml")
    listed_again = {(i["subject"], i["rule"], i["period"]) for i in second["items"]}
    assert listed_again == _keys(after)
    assert not listed_again & _keys(before)


def test_settled_only_on_and_after_the_rectification_day(repo, tmp_path):
    assert _notice(repo, "rectification", "2025-06-15", tmp_path).exit_code == 0
    done = repo.run("set", "notices/2025/001.toml", "rectified_on", "2025-07-10")
    assert done.exit_code == 0, done.stderr
    on_day = _keys(_overdue(repo, "2025-07-10"))
    day_before = _keys(_overdue(repo, "2025-07-09"))
    assert ("village", "theme-day", "2025-01") in day_before
    assert ("village", "theme-day", "2025-01") not in on_day


def test_criticism_cites_the_unrectified_notice(repo, tmp_path):
    first = _notice(repo, "rectification", "2025-06-15", tmp_path, "--deadline", "2025-06-30")
    assert first.exit_code == 0, first.stderr
    second = _notice(repo, "criticism", "2025-07-15", tmp_path)
    assert second.exit_code == 0, second.stderr
    record = _record(repo, "notices/2025/002.toml")
    owed = [i for i in record["items"] if i["rule"] == "rectification"]
    assert owed == [
        {"subject": "village", "rule": "rectification", "period": "2025",
         "notice": "Town [2025] No. 1"}
    ]  # fmt: skip
    assert any("Town [2025] No. 1" in line for line in record["findings"])


def test_admonition_renders(repo, tmp_path):
    result = _notice(repo, "admonition", "2025-06-15", tmp_path, "--days", "30")
    assert result.exit_code == 0, result.stderr
    record = _record(repo, "notices/2025/001.toml")
    assert record["kind"] == "admonition" and record["items"]
    import docx

    doc = docx.Document(str(tmp_path / "out-admonition-2025-06-15" / "notice-2025-001.docx"))
    texts = [p.text for p in doc.paragraphs]
    assert any("Admonition" in t for t in texts)


def test_no_numbering_pattern_is_refused_before_anything_is_written(make_repo, tmp_path):
    repo = make_repo(git=True)  # MINIMAL: no [numbering]
    head = repo.git("rev-parse", "HEAD")
    result = _notice(repo, "criticism", "2025-06-15", tmp_path)
    assert result.exit_code == 2
    assert "[numbering.town]" in result.stderr and "Traceback" not in result.stderr
    assert not (repo.root / "notices").exists()
    assert not (tmp_path / "out-criticism-2025-06-15").exists() or not any(
        (tmp_path / "out-criticism-2025-06-15").iterdir()
    )
    assert repo.git("rev-parse", "HEAD") == head


def test_settled_through_snapshots(repo, tmp_path, monkeypatch):
    """A large repository lists findings through cached snapshots: a notice rectified
    in the work tree (not yet committed) settles its findings there too."""
    from dangjian_cli.gitops import snapshot

    monkeypatch.setattr(snapshot, "SNAPSHOT_FROM", 1)
    monkeypatch.setattr(snapshot, "CHANGED_SHARE", 1.0)
    before = _keys(_overdue(repo, "2025-07-15"))
    result = _notice(repo, "rectification", "2025-06-15", tmp_path, "--deadline", "2025-06-30")
    assert result.exit_code == 0, result.stderr
    assert _keys(_overdue(repo, "2025-07-15")) == before | {("village", "rectification", "2025")}
    done = repo.run("set", "notices/2025/001.toml", "rectified_on", "2025-06-28")
    assert done.exit_code == 0, done.stderr
    after = _keys(_overdue(repo, "2025-07-15"))
    assert ("village", "theme-day", "2025-01") not in after
    assert ("village", "theme-day", "2025-06") in after
    assert (repo.root / ".git" / snapshot.FOLDER).exists()  # the snapshot path was taken
    settled = [r for r in _overdue(repo, "2025-07-15", "--include-settled")
               if r["status"] == "settled"]  # fmt: skip
    assert ("village", "theme-day", "2025-01") in _keys(settled)
