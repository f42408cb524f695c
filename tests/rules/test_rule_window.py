"""The window rule at its edge (issue 11, item 7): with as-of before tracking_since,
a period that ends on or after tracking_since is still owed, and shows as due."""

from __future__ import annotations

import json
from datetime import date

SETTINGS = 'name = "T"\nlanguage = "en"\ntracking_since = 2026-03-01\n'


def test_the_running_year_is_due_before_tracking_starts(evaluated):
    ev = evaluated({"dangjian.toml": SETTINGS}, date(2026, 2, 15))
    assert ev.status("org-life", "2026", "village") == "due"
    assert ev.status("branch-assembly", "2026-Q1", "village") == "due"
    # a month that ends before tracking starts is not owed
    assert ev.status("theme-day", "2026-02", "village") is None


def test_nothing_before_tracking_since_in_status(make_repo):
    repo = make_repo({"dangjian.toml": SETTINGS})
    result = repo.run("status", "village", "--as-of", "2026-04-20", "--format", "json")
    assert result.exit_code == 0, result.stderr
    info = json.loads(result.stdout)
    periods = {(f["rule"], f["period"]) for f in info["findings"]}
    assert ("theme-day", "2026-03") in periods
    assert ("theme-day", "2026-01") not in periods and ("theme-day", "2026-02") not in periods
