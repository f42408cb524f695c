"""Late submissions (issue 11): met_late with the days late, at the deadline day and
the day after; counted as met in rank unless `late_is_met = false`."""

from __future__ import annotations

import json
from datetime import date

import pytest


def report(submitted: str) -> dict[str, str]:
    return {
        "reports/town/2025-h2.toml": (
            f'org = "town"\nto = "county"\nperiod = "2025-h2"\n'
            f'submitted_on = {submitted}\nsummary = "x"\n'
        )
    }


def test_on_the_deadline_day_is_in_time(evaluated):
    ob = evaluated(report("2026-01-31"), date(2026, 3, 1)).of("half-year-report", "town")
    assert (ob["2025-H2"].status, ob["2025-H2"].days_late) == ("met", None)


def test_the_day_after_is_one_day_late(evaluated):
    ob = evaluated(report("2026-02-01"), date(2026, 3, 1)).of("half-year-report", "town")
    assert (ob["2025-H2"].status, ob["2025-H2"].days_late) == ("met_late", 1)
    assert ob["2025-H2"].as_dict()["days_late"] == 1


def test_late_letter_and_debriefing(evaluated):
    files = {
        "letters/2026/village.toml": 'parent = "town"\norg = "village"\nsigned_on = 2026-04-02\n',
        "assessments/2025/village.toml": (
            'org = "village"\nyear = 2025\ngrade = "good"\nassessed_on = 2026-02-03\n'
        ),
    }
    ev = evaluated(files, date(2026, 5, 1))
    letter = ev.of("responsibility-letter", "village")["2026"]
    debriefing = ev.of("debriefing", "village")["2025"]
    assert (letter.status, letter.days_late) == ("met_late", 2)
    assert (debriefing.status, debriefing.days_late) == ("met_late", 3)


@pytest.mark.parametrize(("setting", "share"), [("", 1.0), ("late_is_met = false\n", 0.0)])
def test_rank_counts_late_as_met_unless_the_repository_says_otherwise(make_repo, setting, share):
    from dangjian_cli.rules.catalog import builtin

    off = "".join(f"[rules.{r}]\nenabled = false\n" for r in builtin() if r != "half-year-report")
    files = {
        "dangjian.toml": (
            'name = "T"\nlanguage = "en"\ntracking_since = 2025-07-01\n'
            f"{off}[rules.half-year-report]\n{setting}"
        ),
        **report("2026-02-01"),
    }
    repo = make_repo(files)
    result = repo.run("rank", "--year", "2025", "--format", "json")
    assert result.exit_code == 0, result.stderr
    town = next(r for r in json.loads(result.stdout) if r["org"] == "town")
    assert (town["late"], town["share"]) == (1, share)
