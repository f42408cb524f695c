from __future__ import annotations

import pytest

from dangjian_cli.records import layout


@pytest.mark.parametrize(
    ("path", "kind", "id_", "folder"),
    [
        ("dangjian.toml", layout.SETTINGS, "dangjian", ""),
        ("orgs/qingshan.toml", layout.ORG, "qingshan", ""),
        ("members/vy-a.toml", layout.MEMBER, "vy-a", ""),
        ("meetings/qs/2026-03-15-theme_day.toml", layout.MEETING, "2026-03-15-theme_day", "qs"),
        ("meetings/qs/2026-03-15-theme_day-2.toml", layout.MEETING, "2026-03-15-theme_day-2", "qs"),
        ("funds/qs/2026.toml", layout.FUND, "2026", "qs"),
        ("letters/2026/qs.toml", layout.LETTER, "qs", "2026"),
        ("reports/qs/2026-h1.toml", layout.REPORT, "2026-h1", "qs"),
        ("notices/2026/007.toml", layout.NOTICE, "007", "2026"),
        ("assessments/2025/qs.toml", layout.ASSESSMENT, "qs", "2025"),
    ],
)
def test_classify_known_places(path, kind, id_, folder):
    loc = layout.classify(path)
    assert (loc.kind, loc.id, loc.folder) == (kind, id_, folder)


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("orgs/Qingshan.toml", "not a legal record id"),
        ("orgs/qing shan.toml", "not a legal record id"),
        ("misc/x.toml", "outside the records layout"),
        ("orgs/sub/x.toml", "does not match the layout"),
        ("meetings/qs/march.toml", "does not match the layout"),
        ("funds/qs/twenty.toml", "does not match the layout"),
        ("reports/qs/2026-h3.toml", "does not match the layout"),
        ("letters/next/qs.toml", "does not match the layout"),
    ],
)
def test_classify_refuses_with_reason(path, words):
    with pytest.raises(layout.LayoutError, match=words):
        layout.classify(path)


def test_ignored_places_are_not_candidates():
    assert layout.is_candidate("orgs/a.toml")
    assert not layout.is_candidate("templates/zh/x.toml")
    assert not layout.is_candidate("out/x.toml")
    assert not layout.is_candidate(".git/x.toml")
    assert not layout.is_candidate("README.md")
