"""The rule catalogue: built-in rules as data, dangjian.toml overrides and their validation."""

from __future__ import annotations

import json

import pytest

from dangjian_cli.records import model as m
from dangjian_cli.records.repository import load
from dangjian_cli.records.store import FolderStore
from dangjian_cli.rules.catalog import applicable_rules, builtin, load_rules

DOMAIN_RULES = {
    "branch-assembly", "branch-committee", "party-group", "party-lesson", "theme-day",
    "org-life", "democratic-appraisal", "committee-study", "supervision",
    "leading-group-regular", "half-year-report", "responsibility-letter", "debriefing",
    "party-congress-annual", "decision-hearing", "contact-point-lesson", "pairing",
    "collective-project", "probation-conversion", "dues", "committee-election", "rectification",
}  # fmt: skip
#: issue 11 adds the programme's rules the first 22 left out (§2, §3, §12)
ISSUE_11_RULES = {"committee-regular", "poor-grade-followup", "weak-rectification"}
#: issue 15: the development pipeline, the dues standard and transfers
ISSUE_15_RULES = {
    "applicant-talk", "activist-year", "candidate-training", "admission-approval",
    "conversion-approval", "dues-standard", "transfer-receipt", "transfer-owed", "lost-contact",
}  # fmt: skip
#: issue 16: participation (attendance, appraisal and its follow-up), study and training
ISSUE_16_RULES = {
    "self-withdrawal-review", "appraisal-coverage", "unqualified-followup",
    "study-hours", "secretary-training", "secretary-lesson",
}  # fmt: skip


def test_builtin_holds_the_22_rules_of_domain_3_with_texts_in_both_languages():
    rules = load_rules(m.Settings(path="dangjian.toml", id="dangjian"))
    assert set(rules) == DOMAIN_RULES | ISSUE_11_RULES | ISSUE_15_RULES | ISSUE_16_RULES
    for rule in rules.values():
        for key in ("title", "task"):
            assert rule.text(key, "en") and rule.text(key, "zh") != rule.text(key, "en"), rule.id
        assert rule.clause


def test_overrides_merge_and_switch_off():
    settings = m.Settings(
        path="dangjian.toml",
        id="dangjian",
        rules={"party-lesson": {"period": "month", "min": 2}, "pairing": {"enabled": False}},
    )
    rules = load_rules(settings)
    assert "pairing" not in rules
    assert (rules["party-lesson"].period, rules["party-lesson"].min) == ("month", 2)
    assert rules["party-lesson"].grace_days == builtin()["party-lesson"]["grace_days"]


def test_a_bad_override_is_ignored_not_half_applied():
    settings = m.Settings(
        path="dangjian.toml", id="dangjian", rules={"theme-day": {"min": "two", "grace_days": 3}}
    )
    rule = load_rules(settings)["theme-day"]
    assert (rule.min, rule.grace_days) == (1, 3)


@pytest.mark.parametrize(
    ("table", "code", "text"),
    [
        ("[rules.theme-dya]\nmin = 1\n", "E-RULE-UNKNOWN", "did you mean 'theme-day'"),
        ('[rules.dues]\nperiod = "month"\n', "E-RULE-KEY", "unknown key `period`"),
        ('[rules.theme-day]\nperiod = "weekly"\n', "E-RULE-VALUE", "unknown period 'weekly'"),
        ("[rules.theme-day]\nmin = 0\n", "E-RULE-VALUE", "must be from 1 to 100, got 0"),
        ("[rules.theme-day]\ngrace_days = -1\n", "E-RULE-VALUE", "must be from 0 to 366"),
        ("[rules.theme-day]\ngrace_days = 100000000\n", "E-RULE-VALUE", "from 0 to 366"),
        ("[rules.theme-day]\nmin = 101\n", "E-RULE-VALUE", "must be from 1 to 100"),
        ("[rules.dues]\noverdue_months = 100000\n", "E-RULE-VALUE", "from 1 to 120"),
        ("[rules.committee-election]\nterm_years = 9999\n", "E-RULE-VALUE", "from 1 to 20"),
        (
            '[rules.probation-conversion]\ndue_before = "99999999d"\n',
            "E-RULE-VALUE",
            "longer than 10",
        ),
        (
            '[rules.probation-conversion]\ndeadline = "+11y"\n',
            "E-RULE-VALUE",
            "longer than 10 years",
        ),
        ('[rules.theme-day]\nenabled = "no"\n', "E-RULE-VALUE", "true or false"),
        ('[rules.theme-day]\nkinds = ["villages"]\n', "E-RULE-VALUE", "unknown value 'villages'"),
        ('[rules.responsibility-letter]\ndeadline = "31-03"\n', "E-RULE-VALUE", "not a day"),
        ('[rules.theme-day]\ncounts = "party"\n', "E-RULE-VALUE", "unknown meeting kind"),
        ('[rules.committee-election]\ndue_before = "soon"\n', "E-RULE-VALUE", "not a span"),
    ],
)
def test_validate_reports_bad_rule_settings_with_their_line(make_repo, table, code, text):
    settings = 'name = "t"\nlanguage = "en"\ntracking_since = 2025-01-01\n\n' + table
    repo = make_repo({"dangjian.toml": settings})
    result = repo.run("validate", "--format", "json")
    assert result.exit_code == 1
    problems = [p for p in json.loads(result.stdout) if p["code"] == code]
    assert len(problems) == 1
    assert text in problems[0]["message"] + " " + problems[0].get("hint", "")
    assert problems[0]["path"] == "dangjian.toml"
    assert problems[0]["line"] in (5, 6)  # the table or its key, not the file's first line


def test_valid_overrides_pass_validation(make_repo):
    settings = (
        'name = "t"\ntracking_since = 2025-01-01\n'
        '[rules.party-lesson]\nperiod = "month"\nmin = 2\n'
        "[rules.pairing]\nenabled = false\n"
        '[rules.branch-assembly]\nkinds = ["village_branch"]\ngrace_days = 0\n'
    )
    repo = make_repo({"dangjian.toml": settings})
    result = repo.run("validate")
    assert result.exit_code == 0, result.stdout


def test_applicable_rules_per_org(repo):
    records = load(FolderStore(repo.root))
    village = {r.id for r in applicable_rules(records, "village")}
    assert {"theme-day", "decision-hearing", "collective-project", "dues"} <= village
    assert {"responsibility-letter", "debriefing"} <= village
    assert not {"committee-study", "half-year-report", "branch-committee"} & village
    town = {r.id for r in applicable_rules(records, "town")}
    assert {"committee-study", "half-year-report", "party-congress-annual"} <= town
    assert "theme-day" not in town
    assert applicable_rules(records, "nowhere") == []


def test_merged_rules_follow_the_settings_and_callers_cannot_spoil_them():
    settings = m.Settings(path="dangjian.toml", id="dangjian", rules={"theme-day": {"min": 2}})
    first = load_rules(settings)
    assert first["theme-day"].min == 2
    del first["theme-day"]  # a caller narrowing its own copy
    assert load_rules(settings)["theme-day"].min == 2
    settings.rules["theme-day"]["min"] = 3  # the same object, changed in place
    assert load_rules(settings)["theme-day"].min == 3
    # 2.0 is not a whole number (the override is refused), though 2.0 == 2
    whole = m.Settings(path="dangjian.toml", id="dangjian", rules={"theme-day": {"min": 2}})
    fraction = m.Settings(path="dangjian.toml", id="dangjian", rules={"theme-day": {"min": 2.0}})
    assert load_rules(whole)["theme-day"].min == 2
    assert load_rules(fraction)["theme-day"].min == builtin()["theme-day"]["min"] == 1
