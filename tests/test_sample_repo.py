"""The main job on the shipped sample repository finds exactly the gaps its README plants."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from dangjian_cli.cli.main import cli

SAMPLE = Path(__file__).resolve().parent.parent / "sample_repo"
AS_OF = "2026-07-15"


def planted_gaps() -> set[tuple[str, str, str]]:
    """(subject, rule, period) rows of the README's "Planted gaps" table."""
    text = (SAMPLE / "README.md").read_text(encoding="utf-8")
    section = text.split("## Planted gaps", 1)[1].split("\n## ", 1)[0]
    rows: set[tuple[str, str, str]] = set()
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 3 or cells[0] in ("subject", "") or set(cells[0]) <= set("-: "):
            continue
        rows.add((cells[0], cells[1], cells[2]))
    return rows


def test_readme_lists_gaps():
    gaps = planted_gaps()
    assert len(gaps) >= 5
    assert all(re.fullmatch(r"\d{4}(-(\d{2}|Q[1-4]|H[12]))?", period) for _, _, period in gaps)


def test_overdue_finds_exactly_the_planted_gaps():
    result = CliRunner().invoke(
        cli, ["--lang", "en", "-C", str(SAMPLE), "overdue", "--as-of", AS_OF, "--format", "json"]
    )
    assert result.exit_code == 0, result.stderr
    findings = json.loads(result.stdout)
    found = {(f["subject"], f["rule"], f["period"]) for f in findings}
    assert found == planted_gaps()
    assert all(f["status"] == "overdue" for f in findings)
    assert result.stderr.startswith(f"{len(found)} overdue as of {AS_OF}")


FAIL = ("--fail-on", "overdue")


def test_installed_command_fails_on_overdue_for_ci():
    exe = Path(sys.executable).parent / "dangjian"
    done = subprocess.run(
        # English (the sample is a zh repository), all columns: the test reads ids
        [str(exe), "--lang", "en", "--wide", "-C", str(SAMPLE), "overdue", "--as-of", AS_OF, *FAIL],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    for subject, rule, period in planted_gaps():
        assert re.search(
            # the rule's name stands between its id and the period
            rf"{re.escape(subject)}\s.*{re.escape(rule)}\s.*\s{re.escape(period)}\s",
            done.stdout,
        )
    assert (
        done.stdout.rstrip()
        .splitlines()[-1]
        .startswith(f"{len(planted_gaps())} overdue as of {AS_OF}")
    )


def test_due_lists_what_the_readme_says_is_due():
    result = CliRunner().invoke(
        cli, ["-C", str(SAMPLE), "due", "--as-of", AS_OF, "--format", "json"]
    )
    assert result.exit_code == 0
    due = {(f["subject"], f["rule"], f["period"]) for f in json.loads(result.stdout)}
    assert ("yang-shugen", "dues", "2026-06") in due
    assert ("han-rui", "probation-conversion", "2026") in due
    assert ("party-building-lg", "leading-group-regular", "2026-Q3") in due
    assert sum(1 for _, rule, p in due if rule == "theme-day" and p == "2026-07") == 10
    assert not due & planted_gaps()
