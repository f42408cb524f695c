"""`dangjian rank` (§12): a fair ranking — after the year's last deadline, within
comparable groups, ties sharing a rank, rules weighed not rows, every score
explained, settled findings still missed for their year."""

from __future__ import annotations

import json

import pytest

from dangjian_cli.rules.catalog import builtin

THEME = 'kind = "theme_day"\ndate = {day}\nattendees = ["m1", "m2"]\n'


def settings(*keep: str, extra: str = "") -> str:
    off = "\n".join(f"[rules.{r}]\nenabled = false\n" for r in builtin() if r not in keep)
    return f'name = "Test county"\nlanguage = "en"\ntracking_since = 2025-01-01\n{extra}\n{off}'


def branch(name: str, established: str = "2000-01-01") -> str:
    return (
        f'name = "{name}"\nkind = "village_branch"\nparent = "town"\nestablished = {established}\n'
    )


def theme_days(org: str, months: range) -> dict[str, str]:
    return {
        f"meetings/{org}/2025-{m:02d}-10-theme_day.toml": THEME.format(day=f"2025-{m:02d}-10")
        for m in months
    }


@pytest.fixture
def county(make_repo):
    files = {
        "dangjian.toml": settings("theme-day", "committee-study"),
        "orgs/village2.toml": branch("Second Village"),
        "orgs/village3.toml": branch("Third Village"),
        **theme_days("village", range(1, 13)),
        **theme_days("village2", range(1, 13)),
        **theme_days("village3", range(1, 7)),
    }
    return make_repo(files)


def ranked(repo, *args: str) -> list[dict]:
    result = repo.run("rank", "--year", "2025", "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def by_org(rows: list[dict]) -> dict[str, dict]:
    return {r["org"]: r for r in rows}


def test_ties_share_a_rank_and_an_all_met_org_is_never_marked(county):
    rows = by_org(ranked(county, "--bottom", "100%"))
    assert rows["village"]["rank"] == rows["village2"]["rank"] == 1
    assert rows["village3"]["rank"] == 3
    assert rows["village"]["share"] == 1.0 and not rows["village"]["rectify"]
    assert not rows["village2"]["rectify"]
    assert rows["village3"]["rectify"] and rows["village3"]["share"] == 0.5


def test_orgs_are_ranked_within_their_group(county):
    rows = by_org(ranked(county))
    assert rows["town"]["group"] == "committees" and rows["town"]["rank"] == 1
    assert {rows[o]["group"] for o in ("village", "village2", "village3")} == {"branches"}
    one = by_org(ranked(county, "--by", "all"))
    assert one["town"]["rank"] == 4  # 0 % after the three branches


def test_every_score_is_explained_rule_by_rule(county):
    rows = by_org(ranked(county))
    assert rows["village3"]["rules"]["theme-day"] == {
        "met": 6, "owed": 12, "pending": 0, "share": 0.5, "weight": 1
    }  # fmt: skip
    assert rows["town"]["rules"]["committee-study"]["owed"] == 1


def test_weights_from_dangjian_toml(make_repo):
    files = {
        "dangjian.toml": settings("theme-day", "branch-assembly"),
        **theme_days("village", range(1, 13)),
    }
    repo = make_repo(files)
    assert by_org(ranked(repo))["village"]["share"] == 0.5  # 12/12 and 0/4, one each
    weighted = settings("theme-day", "branch-assembly", extra="[rules.theme-day]\nweight = 3\n")
    repo.write("dangjian.toml", weighted)
    assert by_org(ranked(repo))["village"]["share"] == 0.75
    bad = settings("theme-day", extra="[rules.theme-day]\nweight = -1\n")
    repo.write("dangjian.toml", bad)
    assert repo.run("validate").exit_code == 1


def test_a_year_before_tracking_is_refused(county):
    result = county.run("rank", "--year", "2024")
    assert result.exit_code == 2 and "tracking_since" in result.stderr


def test_default_day_is_after_the_last_deadline(make_repo):
    repo = make_repo({"dangjian.toml": settings("half-year-report", "debriefing")})
    result = repo.run("rank", "--year", "2025", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert "as of 2026-02-01" in result.stderr
    rows = by_org(json.loads(result.stdout))
    # the second-half report (due 31 January) and the debriefing are scored, not pending
    assert rows["town"]["rules"]["half-year-report"]["owed"] == 2
    assert rows["village"]["rules"]["debriefing"] == {
        "met": 0, "owed": 1, "pending": 0, "share": 0.0, "weight": 1
    }  # fmt: skip


def test_an_org_with_nothing_scored_comes_last_without_a_rank(make_repo):
    files = {
        "dangjian.toml": settings("theme-day"),
        "orgs/new.toml": branch("New Village", "2025-06-01"),
        **theme_days("village", range(1, 6)),
    }
    repo = make_repo(files)
    rows = ranked(repo, "--as-of", "2025-06-10")
    last = rows[-1]
    assert last["org"] == "new" and last["rank"] is None and last["pending"] == 1
    assert not last["rectify"]


def test_state_rules_are_judged_on_the_last_day_of_the_year(make_repo):
    repo = make_repo({"dangjian.toml": settings("collective-project")})
    rows = by_org(ranked(repo, "--as-of", "2026-03-01"))
    assert rows["village"]["rules"]["collective-project"]["owed"] == 1
    assert rows["village"]["share"] == 0.0


def test_settled_findings_still_count_as_missed(county):
    county.write(
        "notices/2025/001.toml",
        """
        kind = "rectification"
        number = "N1"
        issuer = "town"
        target = "village3"
        issued_on = 2025-08-01
        findings = ["no theme day in July"]
        deadline = 2025-09-01
        rectified_on = 2025-08-20

        [[items]]
        subject = "village3"
        rule = "theme-day"
        period = "2025-07"
        """,
    )
    assert county.run("validate").exit_code == 0
    row = by_org(ranked(county))["village3"]
    assert (row["missed"], row["rectified"], row["share"]) == (6, 1, 0.5)
    listed = county.run("overdue", "--org", "village3", "--as-of", "2025-12-20",
                        "--format", "json")  # fmt: skip
    periods = {r["period"] for r in json.loads(listed.stdout) if r["rule"] == "theme-day"}
    assert "2025-07" not in periods and "2025-08" in periods


def test_fail_on_marked(county):
    assert county.run("rank", "--year", "2025").exit_code == 0
    assert county.run("rank", "--year", "2025", "--fail-on", "marked").exit_code == 1


def test_record_writes_weak_orgs_tracked_by_their_deadline(make_repo):
    files = {
        "dangjian.toml": settings("theme-day", "weak-rectification"),
        "orgs/village2.toml": branch("Second Village"),
        **theme_days("village", range(1, 13)),
        **theme_days("village2", range(1, 4)),
    }
    repo = make_repo(files, git=True)
    args = ("rank", "--year", "2025", "--bottom", "1", "--record", "--deadline", "2026-06-30")
    result = repo.run(*args, "--commit")
    assert result.exit_code == 0, result.stderr
    import tomllib

    weak = tomllib.loads(repo.read("weak/2025/village2.toml"))
    assert weak["deadline"].isoformat() == "2026-06-30" and weak["responsible"] == "town"
    assert weak["reasons"] == ["Party theme day: 3/12"]
    assert not (repo.root / "weak/2025/village.toml").exists()
    assert repo.git("status", "--porcelain").strip() == ""  # committed
    assert repo.run("validate").exit_code == 0
    again = repo.run(*args)
    assert again.exit_code == 1 and "--force" in again.stderr

    late = json.loads(repo.run("overdue", "--as-of", "2026-07-01", "--rule", "weak-rectification",
                               "--format", "json").stdout)  # fmt: skip
    assert [(r["subject"], r["period"]) for r in late] == [("village2", "2026")]
    info = json.loads(repo.run("status", "village2", "--as-of", "2026-07-01",
                               "--format", "json").stdout)  # fmt: skip
    assert info["weak"][0]["deadline"] == "2026-06-30"
    town = json.loads(repo.run("status", "town", "--as-of", "2026-07-01",
                               "--format", "json").stdout)  # fmt: skip
    assert town["weak_per_year"] == {"2025": 1}
    assert repo.run("set", "weak/2025/village2", "rectified_on", "2026-06-20").exit_code == 0
    done = repo.run("overdue", "--as-of", "2026-07-01", "--rule", "weak-rectification")
    assert done.exit_code == 0 and "village2" not in done.stdout
