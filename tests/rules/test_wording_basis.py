"""A finding's basis in words: every clause form the built-in rules use is cited as
a person cites it, never as a code (§, std, art.), and none is left out."""

from __future__ import annotations

import pytest

from dangjian_cli.records import model as m
from dangjian_cli.rules.catalog import load_rules
from dangjian_cli.rules.wording import basis


@pytest.mark.parametrize(
    ("clause", "zh", "en"),
    [
        ("std, §7", "《党章》及党内有关规定，《实施意见》第七条",
         "the Party Constitution and standing Party rules; the county programme, clause 7"),
        ("§1, §3", "《实施意见》第一条、第三条", "the county programme, clauses 1, 3"),
        ("§7; 党章 (six months)", "《党章》及党内有关规定，《实施意见》第七条",
         "the Party Constitution and standing Party rules; the county programme, clause 7"),
        ("《中国共产党发展党员工作细则》(2014) art. 7", "《中国共产党发展党员工作细则》第七条",
         "the Work Rules on Recruiting Party Members (2014), article 7"),
        ("《中国共产党发展党员工作细则》(2014), 审批预备党员",
         "《中国共产党发展党员工作细则》（审批预备党员）",
         "the Work Rules on Recruiting Party Members (2014); 审批预备党员"),
        ("《关于中国共产党党费收缴、使用和管理的规定》(2008)",
         "《关于中国共产党党费收缴、使用和管理的规定》", "the Rules on Party Dues (2008)"),
        ("", "", ""),
    ],
)  # fmt: skip
def test_clause_forms(clause, zh, en):
    assert basis(clause, "zh") == zh
    assert basis(clause, "en") == en


def test_every_built_in_rule_cites_something_in_words():
    rules = load_rules(m.Settings(path="dangjian.toml", id="dangjian"))
    for rule in rules.values():
        for lang in ("zh", "en"):
            text = basis(rule.clause, lang)
            assert text, (rule.id, rule.clause)
            assert "§" not in text and "art." not in text and "std" not in text, (rule.id, text)
