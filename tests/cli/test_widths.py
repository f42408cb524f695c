"""Tables fit the terminal (Chinese characters count double); headers speak the
repository's language; --wide shows everything."""

from __future__ import annotations

import pytest
from wcwidth import wcswidth

from dangjian_cli import widths

AS_OF = "2026-07-20"
LONG = "青山县河西镇西山村第一党支部暨乡村振兴产业联合党委所属党支部"


@pytest.fixture
def county(make_repo):
    """Orgs with long Chinese names and nothing held: every rule has findings."""
    made: list[str] = []

    def make(language: str):
        files: dict[str, str | None] = {
            "dangjian.toml": f'name = "青山县"\nlanguage = "{language}"\n'
            "tracking_since = 2025-07-01\n",
            "orgs/village.toml": f"""
                name = "{LONG}"
                kind = "village_branch"
                parent = "town"
                established = 2000-01-01
                secretary = "m1"
            """,
        }
        for i in range(3):
            files[f"orgs/village-{i}.toml"] = f"""
                name = "{LONG}{i}"
                kind = "community_branch"
                parent = "town"
                established = 2000-01-01
            """
        made.append(language)
        return make_repo(files, name=f"county-{language}-{len(made)}")

    return make


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize("columns", [80, 100, 160])
@pytest.mark.parametrize("language", ["zh", "en"])
def test_overdue_fits_the_terminal(county, monkeypatch, columns, language):
    repo = county(language)
    monkeypatch.setenv("DANGJIAN_WIDTH", str(columns))
    result = repo.run("overdue", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    lines = _lines(result.stdout)
    assert len(lines) > 5
    for line in lines:
        assert wcswidth(line) <= columns, f"{wcswidth(line)} > {columns}: {line}"
    assert wcswidth(lines[-1]) <= 100  # the summary line
    table = "\n".join(lines[:-1])
    if columns < 160:
        assert "…" in table  # the long names were shortened, not wrapped past the edge
    wide = repo.run("--wide", "overdue", "--as-of", AS_OF)
    assert LONG in wide.stdout
    assert max(wcswidth(line) for line in _lines(wide.stdout)[:-1]) > 160


def test_headers_speak_the_repositorys_language(county, monkeypatch):
    monkeypatch.setenv("DANGJIAN_WIDTH", "300")
    zh = county("zh").run("overdue", "--as-of", AS_OF)
    head = zh.stdout.splitlines()[0].split()
    assert head[:3] == ["组织", "对象", "名称"] and "时段" in head and "状态" in head
    assert "逾期" in zh.stdout and "2026年第一季度" in zh.stdout
    assert zh.stdout.splitlines()[-1].startswith("截至2026年7月20日逾期")
    en = county("en").run("overdue", "--as-of", AS_OF)
    assert en.stdout.splitlines()[0].split()[:3] == ["org", "subject", "subject_name"]
    assert "2026-Q1" in en.stdout and " overdue as of 2026-07-20 " in en.stdout
    due = county("zh").run("due", "--as-of", AS_OF)
    assert due.stdout.splitlines()[-1].startswith("截至2026年7月20日待办")
    drawn = county("zh").run("sample", "--year", "2026", "--count", "1")
    assert drawn.stdout.splitlines()[-1].startswith("从2026年的0次会议中抽取0次")


def test_json_keeps_english_keys_and_adds_display_names(county):
    import json

    rows = json.loads(county("zh").run("overdue", "--as-of", AS_OF, "--format", "json").stdout)
    assert rows and {r["status"] for r in rows} == {"overdue"}
    assert {r["status_name"] for r in rows} == {"逾期"}
    theme = next(r for r in rows if r["rule"] == "theme-day")
    assert theme["rule_name"] == "固定主题党日" and theme["period"].startswith("20")


def test_fit_and_shorten_count_chinese_double():
    assert widths.cells("党支部ab") == 8
    assert widths.shorten("河西镇西山村党支部", 7) == "河西镇…"
    assert widths.cells(widths.shorten("河西镇西山村党支部", 8)) <= 8
    heads, table = widths.fit(
        [["河西镇西山村党支部", "a long English text to wrap here", "2026-07-07"]],
        ["name", "text", "deadline"],
        30,
        wrapped=frozenset({1}),
        keep=frozenset({2}),
    )
    assert heads == ["name", "text", "deadline"]
    name, text, day = table[0]
    assert day == "2026-07-07"  # kept whole
    assert name.endswith("…") and "\n" in text
    assert widths.cells(name) + max(widths.cells(x) for x in text.split("\n")) + 10 + 4 <= 30
    heads, table = widths.fit([["x" * 50, "y" * 50]], ["a", "b"], 60, drop=(0,))
    assert heads == ["b"] and table == [["y" * 50]]


def test_a_pipe_is_never_cut_by_columns_alone(county, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")  # exported to children by curses, for one
    monkeypatch.delenv("DANGJIAN_WIDTH", raising=False)
    result = county("zh").run("overdue", "--as-of", AS_OF)
    assert LONG in result.stdout and "…" not in result.stdout


def test_summary_line_counts_what_does_not_fit():
    parts = [f"rule-{i} {i}" for i in range(40)]
    line = widths.summary("40 overdue as of 2026-07-20", parts)
    assert len(line) <= 100 and line.endswith(" more") is False and "+" in line
    assert widths.summary("3 due", ["a 1", "b 2"]) == "3 due: a 1, b 2"
