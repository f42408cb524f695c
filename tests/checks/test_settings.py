"""dangjian.toml: language, tracking_since and [numbering] patterns; [rules] left alone."""

from __future__ import annotations

import pytest

BASE = 'name = "Test county"\nlanguage = "{lang}"\ntracking_since = {since}\n'


def test_numbering_patterns_valid(make_repo, validate):
    text = BASE.format(lang="zh", since="2025-01-01") + (
        '\n[numbering]\ncriticism = "青组通〔{year}〕{n}号"\n\n'
        '[numbering.town]\npraise = "Town Party Committee [{year}] No. {n}"\n'
        "\n[rules.theme-day]\nenabled = false\n"
    )
    repo = make_repo({"dangjian.toml": text})
    assert validate(repo) == []


@pytest.mark.parametrize(
    ("pattern", "expect"),
    [
        ('"青组通〔{year}〕号"', "must contain {n}"),
        ('"No. {n"', "is not a valid pattern"),
        ("7", "must be a string"),
    ],
)
def test_numbering_pattern_wrong(make_repo, validate, pattern, expect):
    text = BASE.format(lang="en", since="2025-01-01") + (
        f'\n[numbering]\npraise = "P {{n}}"\n\n[numbering.town]\ncriticism = {pattern}\n'
    )
    repo = make_repo({"dangjian.toml": text})
    findings = validate(repo)
    p = findings.one("E-SETTINGS", "dangjian.toml")
    assert p["line"] == 9
    assert "`numbering.town.criticism`" in p["message"] and expect in p["message"]
    assert len(findings) == 1


def test_unknown_language(make_repo, validate):
    repo = make_repo({"dangjian.toml": BASE.format(lang="fr", since="2025-01-01")})
    p = validate(repo).one("E-ENUM", "dangjian.toml")
    assert p["line"] == 2 and "`language` has unknown value 'fr'" in p["message"]


def test_tracking_since_not_a_date(make_repo, validate):
    repo = make_repo({"dangjian.toml": BASE.format(lang="en", since='"2025-01-01"')})
    p = validate(repo).one("E-TYPE", "dangjian.toml")
    assert p["line"] == 3 and "`tracking_since` must be a date" in p["message"]


def test_missing_settings_file(make_repo, validate):
    repo = make_repo()
    (repo.root / "dangjian.toml").unlink()
    (repo.root / "members").mkdir(exist_ok=True)
    result = repo.run("validate")
    # without dangjian.toml the repository itself is not found: a usage problem
    assert result.exit_code == 2
    assert "no dangjian.toml" in result.stderr
