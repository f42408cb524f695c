"""The obligations commands: formats, filters, exit codes, --fail-on, --force and errors."""

from __future__ import annotations

import csv
import io
import json
import random
from collections import Counter

import pytest

from dangjian_cli.rules.engine import FIELDS

AS_OF = "2026-07-20"

ASSEMBLY = 'kind = "branch_assembly"\ndate = {day}\nattendees = ["m1", "m2", "m3"]\n'
THEME = 'kind = "theme_day"\ndate = {day}\nattendees = ["m1", "m2"]\ntopic = "{topic}"\n'


@pytest.fixture
def county(make_repo):
    """MINIMAL plus a second branch under the county and some meetings."""
    files = {
        "orgs/organ.toml": """
            name = "County Organ Branch"
            kind = "organ_branch"
            parent = "county"
            established = 2000-01-01
        """,
        "meetings/village/2026-05-12-branch_assembly.toml": ASSEMBLY.format(day="2026-05-12"),
    }
    for month in range(1, 7):
        day = f"2025-{month + 6:02d}-15"
        files[f"meetings/village/{day}-theme_day.toml"] = THEME.format(day=day, topic=f"t{month}")
        day = f"2026-{month:02d}-15"
        files[f"meetings/village/{day}-theme_day.toml"] = THEME.format(day=day, topic=f"u{month}")
    return make_repo(files)


def rows(result) -> list[dict]:
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_overdue_json_has_the_issue_fields_sorted_and_only_overdue(county):
    result = county.run("overdue", "--as-of", AS_OF, "--format", "json")
    found = rows(result)
    # the stable fields, then display names in the repository's language (issue 13)
    assert found and all(list(f) == [*FIELDS, "rule_name", "status_name"] for f in found)
    assert {f["status_name"] for f in found} == {"overdue"}  # an English repository
    assert all(f["status"] == "overdue" for f in found)
    keys = [(f["org"], f["rule"], f["period"], f["subject"]) for f in found]
    assert keys == sorted(keys)
    by_key = {(f["subject"], f["rule"], f["period"]): f for f in found}
    q1 = by_key[("village", "branch-assembly", "2026-Q1")]
    assert (q1["required"], q1["found"], q1["deadline"], q1["clause"]) == (
        1,
        0,
        "2026-04-07",
        "std, §7",
    )
    assert ("village", "branch-assembly", "2026-Q2") not in by_key  # held in May
    assert ("village", "theme-day", "2026-06") not in by_key
    # the summary goes to stderr so stdout stays JSON
    assert result.stderr.startswith(f"{len(found)} overdue as of {AS_OF} (window from 2025-07-20)")
    # the commonest rules first, as many as fit in 100 columns, the rest counted
    counts = Counter(f["rule"] for f in found)
    ordered = [f"{rule} {n}" for rule, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    # (then one line per rule not judged yet: see tests/rules/test_member_rules.py)
    line = result.stderr.splitlines()[0].rstrip()
    assert len(line) <= 100
    shown = line.split(": ", 1)[1].split(", ")
    if shown[-1].endswith(" more"):
        more = int(shown.pop()[1:].split()[0])
        assert len(shown) + more == len(ordered)
    assert shown == ordered[: len(shown)]


def test_overdue_table_and_csv(county):
    table = county.run("overdue", "--as-of", AS_OF)
    assert table.exit_code == 0
    lines = table.stdout.rstrip().splitlines()
    assert lines[0].split()[:6] == ["org", "subject", "subject_name", "rule", "rule_name", "period"]
    assert lines[-1].startswith("overdue") is False and " overdue as of " in lines[-1]
    # stderr holds only the lines about rules not judged yet (their records not kept)
    assert all(" is not judged: " in ln for ln in table.stderr.splitlines())
    text = county.run("overdue", "--as-of", AS_OF, "--format", "csv").stdout
    parsed = list(csv.DictReader(io.StringIO(text)))
    assert parsed and list(parsed[0]) == [*FIELDS, "rule_name", "status_name"]
    assert {r["status"] for r in parsed} == {"overdue"}


def test_due_lists_current_periods_and_within_narrows_by_deadline(county):
    found = rows(county.run("due", "--as-of", AS_OF, "--format", "json"))
    assert {f["status"] for f in found} == {"due"}
    periods = {(f["subject"], f["rule"], f["period"]) for f in found}
    assert ("village", "theme-day", "2026-07") in periods  # deadline 2026-08-07
    assert ("village", "branch-assembly", "2026-Q3") in periods  # deadline 2026-10-07
    soon = rows(county.run("due", "--as-of", AS_OF, "--within", "30d", "--format", "json"))
    kept = {(f["subject"], f["rule"], f["period"]) for f in soon}
    assert ("village", "theme-day", "2026-07") in kept
    assert ("village", "branch-assembly", "2026-Q3") not in kept
    two_weeks = rows(county.run("due", "--as-of", AS_OF, "--within", "2w", "--format", "json"))
    assert all(f["deadline"] is None or f["deadline"] <= "2026-08-03" for f in two_weeks)


def test_fail_on(county):
    assert county.run("overdue", "--as-of", AS_OF).exit_code == 0
    assert county.run("overdue", "--as-of", AS_OF, "--fail-on", "overdue").exit_code == 1
    # only theme-day, all held up to June: July is due, nothing overdue
    only = ("--rule", "theme-day", "--since", "2026-01-01", "--org", "village")
    assert county.run("overdue", "--as-of", AS_OF, *only, "--fail-on", "overdue").exit_code == 0
    assert county.run("overdue", "--as-of", AS_OF, *only, "--fail-on", "due").exit_code == 1
    assert county.run("due", "--as-of", AS_OF, *only, "--fail-on", "due").exit_code == 1


def test_rule_filter_and_bad_rule(county):
    found = rows(county.run("overdue", "--as-of", AS_OF, "--rule", "dues", "--format", "json"))
    assert found and {f["rule"] for f in found} == {"dues"}
    two = rows(
        county.run(
            "overdue", "--as-of", AS_OF, "--rule", "dues", "--rule", "pairing", "--format", "json"
        )
    )
    assert {f["rule"] for f in two} == {"dues", "pairing"}
    bad = county.run("overdue", "--as-of", AS_OF, "--rule", "theme-dya")
    assert bad.exit_code == 2
    assert "no rule 'theme-dya' (did you mean 'theme-day'?)" in bad.stderr
    assert "Traceback" not in bad.output


def test_rule_switched_off_is_not_listed_and_cannot_be_asked_for(make_repo):
    settings = 'name = "t"\ntracking_since = 2025-01-01\n[rules.dues]\nenabled = false\n'
    repo = make_repo({"dangjian.toml": settings})
    found = rows(repo.run("overdue", "--as-of", AS_OF, "--format", "json"))
    assert found and "dues" not in {f["rule"] for f in found}
    asked = repo.run("overdue", "--as-of", AS_OF, "--rule", "dues")
    assert asked.exit_code == 2 and "switched off" in asked.stderr


def test_org_and_subtree(county):
    just_town = rows(county.run("overdue", "--as-of", AS_OF, "--org", "town", "--format", "json"))
    assert {f["org"] for f in just_town} == {"town"}
    below = rows(
        county.run("overdue", "--as-of", AS_OF, "--org", "town", "--subtree", "--format", "json")
    )
    assert {f["org"] for f in below} == {"town", "village"}
    everything = rows(
        county.run("overdue", "--as-of", AS_OF, "--org", "county", "--subtree", "--format", "json")
    )
    assert {"county", "town", "village", "organ"} <= {f["org"] for f in everything}
    as_path = county.run("overdue", "--as-of", AS_OF, "--org", "orgs/town.toml", "--format", "json")
    assert rows(as_path) == just_town


def test_bad_arguments_exit_2_with_one_line(county):
    unknown = county.run("overdue", "--org", "twon")
    assert unknown.exit_code == 2 and "no org 'twon'" in unknown.stderr
    assert "did you mean town" in unknown.stderr
    assert county.run("overdue", "--subtree").exit_code == 2
    bad_date = county.run("overdue", "--as-of", "2026-02-30")
    assert bad_date.exit_code == 2 and "not an ISO date" in bad_date.stderr
    late_since = county.run("overdue", "--as-of", AS_OF, "--since", "2026-08-01")
    assert late_since.exit_code == 2
    assert county.run("due", "--within", "soon").exit_code == 2
    assert county.run("overdue", "--format", "xml").exit_code == 2


def test_invalid_records_stop_the_computation_unless_forced(county):
    county.write("members/m9.toml", 'name = "Nine"\norg = "nowhere"\nstatus = "ful"\n')
    refused = county.run("overdue", "--as-of", AS_OF, "--format", "json")
    assert refused.exit_code == 1
    assert refused.stdout == ""
    assert "records are invalid" in refused.stderr
    assert "members/m9.toml:3: error E-ENUM" in refused.stderr
    forced = county.run("overdue", "--as-of", AS_OF, "--format", "json", "--force")
    assert forced.exit_code == 0
    assert "warning: computing on invalid records" in forced.stderr
    assert json.loads(forced.stdout)


def test_broken_rule_settings_stop_the_computation(make_repo):
    settings = 'name = "t"\ntracking_since = 2025-01-01\n[rules.theme-day]\nmin = "one"\n'
    repo = make_repo({"dangjian.toml": settings})
    result = repo.run("overdue", "--as-of", AS_OF)
    assert result.exit_code == 1 and "E-RULE-VALUE" in result.stderr


def test_overdue_from_a_git_revision(make_repo):
    repo = make_repo(git=True)
    repo.write(
        "orgs/village.toml",
        'name = "V"\nkind = "village_branch"\nparent = "town"\ndissolved = 2025-01-01\n',
    )
    now = rows(repo.run("overdue", "--as-of", AS_OF, "--rule", "theme-day", "--format", "json"))
    assert now == []  # dissolved in the work tree
    then = rows(
        repo.run(
            "overdue", "--as-of", AS_OF, "--rule", "theme-day", "--rev", "HEAD", "--format", "json"
        )
    )
    assert then and {f["subject"] for f in then} == {"village"}


# ---- rank -------------------------------------------------------------------------


def test_rank_scores_orgs_and_marks_the_bottom(county):
    # issue 11 changed the score (rules, not rows), ties (shared ranks) and groups
    result = county.run("rank", "--year", "2025", "--by", "all", "--format", "json")
    ranked = rows(result)
    places = [r["rank"] for r in ranked]
    assert places[0] == 1 and places == sorted(places)
    shares = [r["share"] for r in ranked if r["share"] is not None]
    assert shares == sorted(shares, reverse=True)
    for r in ranked:
        assert r["owed"] == r["met"] + r["missed"]
        scored = [x for x in r["rules"].values() if x["owed"]]
        if scored:
            mean = sum(x["met"] / x["owed"] for x in scored) / len(scored)
            assert r["share"] == pytest.approx(mean, abs=1e-4)
    marked = [r for r in ranked if r["rectify"]]
    assert marked and marked[-1] == ranked[-1]
    assert all(r["share"] == ranked[-1]["share"] for r in marked)  # a tie is marked whole
    two = rows(county.run("rank", "--year", "2025", "--by", "all", "--bottom", "2",
                          "--format", "json"))  # fmt: skip
    assert [r["rectify"] for r in two][-2:] == [True, True]
    assert "marked for rectification" in result.stderr


def test_rank_table_and_bad_bottom(county):
    table = county.run("rank", "--year", "2025")
    assert table.exit_code == 0 and "%" in table.stdout and "rectify" in table.stdout
    assert county.run("rank", "--year", "2025", "--bottom", "ten").exit_code == 2
    assert county.run("rank", "--year", "2025", "--bottom", "150%").exit_code == 2
    assert county.run("rank").exit_code == 2  # --year is required


# ---- sample ---------------------------------------------------------------------


def test_sample_is_reproducible_and_follows_the_documented_draw(county):
    args = ("sample", "--year", "2026", "--count", "3", "--seed", "42", "--format", "json")
    first = rows(county.run(*args))
    assert first == rows(county.run(*args))
    assert len(first) == 3
    # the documented procedure: candidates sorted by path, random.Random(str(seed)).sample
    candidates = sorted(
        str(p.relative_to(county.root)) for p in (county.root / "meetings").rglob("2026-*.toml")
    )
    expected = sorted(random.Random("42").sample(candidates, 3))
    assert [r["path"] for r in first] == expected


def test_sample_kind_count_and_default_seed(county):
    lessons = rows(
        county.run("sample", "--year", "2026", "--count", "50", "--kind", "branch_assembly",
                   "--format", "json")
    )  # fmt: skip
    assert [r["kind"] for r in lessons] == ["branch_assembly"]
    default = county.run("sample", "--year", "2026", "--count", "2", "--format", "json")
    assert "seed '2026'" in default.stderr
    seeded = county.run(
        "sample", "--year", "2026", "--count", "2", "--seed", "2026", "--format", "json"
    )
    assert rows(default) == rows(seeded)
    assert county.run("sample", "--year", "2026", "--count", "0").exit_code == 2
    assert county.run("sample", "--year", "2026", "--count", "1", "--kind", "party").exit_code == 2


# ---- status -------------------------------------------------------------------------


def test_status_text(county):
    result = county.run("status", "village", "--as-of", AS_OF)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert out.startswith("Test Village Branch (village), village_branch")
    assert "secretary:   Member One (m1)" in out
    assert "members:     full 3" in out
    assert "Obligations 2026 as of 2026-07-20:" in out
    assert "branch_assembly  2026-05-12" in out
    assert "theme_day        2026-06-15" in out


def test_status_json_and_unknown_org(county):
    info = json.loads(county.run("status", "village", "--as-of", AS_OF, "--format", "json").stdout)
    assert info["members"] == {"full": 3}
    assert info["last_meetings"]["theme_day"] == "2026-06-15"
    counts = info["obligations"]
    assert counts["overdue"] == sum(1 for f in info["findings"] if f["status"] == "overdue")
    assert counts["met"] >= 6  # six theme days of 2026
    missing = county.run("status", "nowhere")
    assert missing.exit_code == 2 and "no org 'nowhere'" in missing.stderr


def test_fail_on_due_judges_what_within_keeps(county):
    only = ("--rule", "branch-assembly", "--org", "village", "--since", "2026-04-01")
    # 2026-Q2 held, 2026-Q3 due with deadline 2026-10-07: outside 30 days
    assert county.run("due", "--as-of", AS_OF, *only, "--fail-on", "due").exit_code == 1
    narrow = county.run("due", "--as-of", AS_OF, *only, "--within", "30d", "--fail-on", "due")
    assert narrow.exit_code == 0 and narrow.stdout.strip().startswith("0 due")
