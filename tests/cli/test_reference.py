"""`dangjian rules [ID]` and `dangjian explain [CODE]`: every rule and every code."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from dangjian_cli.checks.codes import explanations
from dangjian_cli.cli.main import cli
from dangjian_cli.rules.catalog import builtin

PACKAGE = Path(__file__).resolve().parents[2] / "dangjian_cli"
RULES = list(builtin())
CODES = list(explanations())


def outside(tmp_path: Path, *args: str, lang: str | None = None):
    """Run outside any records repository."""
    env = {"DANGJIAN_LANG": lang or ""}
    return CliRunner().invoke(cli, list(args), env=env)


@pytest.fixture(autouse=True)
def _nowhere(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def test_every_code_the_checks_can_report_is_explained():
    """Codes found in the source (``"E-..."`` / ``"W-..."``) all have an entry, and back."""
    found: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        found |= set(re.findall(r"[\"']([EW]-[A-Z][A-Z0-9-]*[A-Z0-9])[\"']", path.read_text()))
    assert len(found) > 30
    assert sorted(found - set(CODES)) == [], "add them to dangjian_cli/checks/codes.toml"
    assert sorted(set(CODES) - found) == [], "codes.toml explains a code nothing reports"


@pytest.mark.parametrize("code", CODES)
def test_explain_every_code_in_both_languages(tmp_path, code):
    entry = explanations()[code]
    assert entry["severity"] == ("error" if code.startswith("E-") else "warning")
    for key in ("title", "tests", "why", "fix"):
        assert entry[key]["en"] and entry[key]["zh"], f"{code}: {key}"
    en = outside(tmp_path, "explain", code.lower(), lang="en")
    assert en.exit_code == 0, en.output
    assert en.stdout.startswith(f"{code} ({entry['severity']}): {entry['title']['en']}")
    for words in ("What it checks: ", "Why: ", "Example of a bad record", "How to fix it: "):
        assert words in en.stdout
    assert entry["path"] in en.stdout
    zh = outside(tmp_path, "--lang", "zh", "explain", code)
    assert zh.exit_code == 0
    assert zh.stdout.startswith(f"{code} (")
    assert entry["title"]["zh"] in zh.stdout and entry["fix"]["zh"] in zh.stdout
    assert "检查内容：" in zh.stdout and "如何改正：" in zh.stdout
    data = json.loads(outside(tmp_path, "explain", code, "--format", "json").stdout)
    assert data["code"] == code


def test_explain_lists_every_code_and_refuses_an_unknown_one(tmp_path):
    listed = outside(tmp_path, "explain", "--format", "csv", lang="en")
    assert [r["code"] for r in csv.DictReader(io.StringIO(listed.stdout))] == CODES
    bad = outside(tmp_path, "explain", "E-QUORM")
    assert bad.exit_code == 2
    assert "no validation code 'E-QUORM' (did you mean 'E-QUORUM'?)" in bad.stderr


@pytest.mark.parametrize("rule_id", RULES)
def test_rules_explains_every_rule_with_an_example_finding(tmp_path, rule_id):
    table = builtin()[rule_id]
    en = outside(tmp_path, "rules", rule_id, lang="en")
    assert en.exit_code == 0, en.output
    first = en.stdout.splitlines()[0]
    assert first == f"{rule_id}: {table['title']['zh']} / {table['title']['en']}"
    assert table["task"]["en"] in en.stdout
    assert f"clause: {table['clause']}" in en.stdout
    assert "Example of a finding:" in en.stdout and "not done (due by " in en.stdout
    zh = outside(tmp_path, "--lang", "zh", "rules", rule_id)
    assert table["task"]["zh"] in zh.stdout
    assert f" 未完成{table['title']['zh']}（应于" in zh.stdout


def test_rules_listing_in_every_format(tmp_path):
    table = outside(tmp_path, "--wide", "rules", lang="en")
    assert table.exit_code == 0
    lines = table.stdout.splitlines()
    assert lines[0].split()[:3] == ["id", "Chinese", "name"]
    assert len(lines) == 2 + len(RULES)
    assert "固定主题党日" in table.stdout and "Party theme day" in table.stdout
    rows = json.loads(outside(tmp_path, "rules", "--format", "json").stdout)
    assert [r["id"] for r in rows] == RULES
    theme = next(r for r in rows if r["id"] == "theme-day")
    assert theme["name_zh"] == "固定主题党日" and theme["rule_name"] == "Party theme day"
    assert theme["values"]["period"] == "month" and theme["overridden"] == []
    parsed = list(csv.DictReader(io.StringIO(outside(tmp_path, "rules", "--format", "csv").stdout)))
    assert [r["id"] for r in parsed] == RULES
    assert list(parsed[0])[:4] == ["id", "rule_name", "name_zh", "name_en"]
    markdown = outside(tmp_path, "rules", "--format", "markdown").stdout
    assert markdown.startswith("# Obligation rules")
    assert all(f"## `{rule_id}`" in markdown for rule_id in RULES)
    zh = outside(tmp_path, "--lang", "zh", "--wide", "rules")
    assert zh.stdout.splitlines()[0].split()[:3] == ["编号", "中文名称", "英文名称"]


def test_rules_show_the_repositorys_overrides(make_repo):
    repo = make_repo(
        {
            "dangjian.toml": """
                name = "县"
                language = "zh"
                tracking_since = 2025-01-01

                [rules.party-lesson]
                period = "month"

                [rules.pairing]
                enabled = false
            """
        }
    )
    rows = {r["id"]: r for r in json.loads(repo.run("rules", "--format", "json").stdout)}
    lesson = rows["party-lesson"]
    assert lesson["overridden"] == ["period"] and lesson["values"]["period"] == "month"
    assert lesson["schedule"] == "每月至少1次"  # the repository's language
    assert lesson["rule_name"] == "党课"
    assert rows["pairing"]["enabled"] is False
    assert rows["theme-day"]["overridden"] == []
    text = repo.run("rules", "party-lesson").stdout
    assert 'period = "month"  (本库修改)' in text
    assert "本记录库的 dangjian.toml 已停用此规则" in repo.run("rules", "pairing").stdout
    table = repo.run("--wide", "rules").stdout
    assert re.search(r"party-lesson .* period\s*$", table, re.M)
    assert re.search(r"^pairing .*已停用\s*$", table, re.M)


def test_rules_show_an_adoption_date_as_toml_writes_it(make_repo):
    settings = 'name = "C"\nlanguage = "en"\n\n[rules.study-hours]\napplies_from = 2025-01-01\n'
    repo = make_repo({"dangjian.toml": settings})
    shown = repo.run("rules", "study-hours")
    assert shown.exit_code == 0, shown.output
    assert "applies_from = 2025-01-01  (overridden)" in shown.stdout
    page = repo.run("rules", "--format", "markdown")
    assert page.exit_code == 0 and "`applies_from = 2025-01-01`" in page.stdout


def test_rules_refuses_an_unknown_rule(tmp_path):
    bad = outside(tmp_path, "rules", "theme-dya")
    assert bad.exit_code == 2
    assert "no rule 'theme-dya' (did you mean 'theme-day'?)" in bad.stderr
    assert "Traceback" not in bad.output
