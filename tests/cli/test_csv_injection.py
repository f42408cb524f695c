"""`overdue`, `due`, `rank`, `sample` --format csv: no cell a spreadsheet would run.

Record values (an org's name, a meeting's topic, a member's name, a notice's
number and findings) that begin with a formula character are written with a
leading ``'`` (the OWASP rule): Excel, WPS and LibreOffice show them as text.
"""

from __future__ import annotations

import csv
import io

import pytest

LEADS = {"=": "=", "+": "+", "-": "-", "@": "@", "tab": "\t", "cr": "\r"}
#: how each is written inside a TOML basic string
ESCAPED = {"\t": "\\t", "\r": "\\r"}
PAYLOAD = "2+3+cmd|' /C calc'!A0"


def _repo(make_repo, lead: str):
    value = ESCAPED.get(lead, lead) + PAYLOAD
    return make_repo(
        {
            "orgs/village.toml": f"""
                name = "{value} village"
                kind = "village_branch"
                parent = "town"
                established = 2000-01-01
                secretary = "m1"
            """,
            "members/m2.toml": f"""
                name = "{value} member"
                org = "village"
                status = "full"
                birth_date = 1975-05-01
                admitted = 2005-01-01
                full_since = 2006-01-01
            """,
            "meetings/village/2026-03-10-branch_assembly.toml": f"""
                kind = "branch_assembly"
                date = 2026-03-10
                topic = "{value} topic"
                attendees = ["m1", "m2", "m3"]
            """,
            "notices/2026/001.toml": f"""
                kind = "rectification"
                number = "{value} notice"
                issuer = "town"
                target = "village"
                issued_on = 2026-02-01
                findings = ["{value} finding"]
                deadline = 2026-03-01
            """,
        }
    )


def _cells(result) -> list[str]:
    assert result.exit_code in (0, 1), result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert len(rows) > 1, result.stdout
    return [cell for row in rows for cell in row]


@pytest.mark.parametrize("lead", list(LEADS.values()), ids=list(LEADS))
def test_listings_neutralise_formula_cells(make_repo, lead):
    repo = _repo(make_repo, lead)
    valid = repo.run("validate")
    assert valid.exit_code == 0, valid.stdout  # the listings compute without --force
    runs = {
        "overdue": repo.run("overdue", "--as-of", "2026-07-15", "--format", "csv"),
        "due": repo.run("due", "--as-of", "2026-07-15", "--format", "csv"),
        "rank": repo.run("rank", "--year", "2026", "--as-of", "2026-07-15", "--format", "csv"),
        "sample": repo.run("sample", "--year", "2026", "--count", "5", "--format", "csv"),
    }
    expected = {
        "overdue": {"village", "member", "notice"},
        "due": {"village"},
        "rank": {"village"},
        "sample": {"village", "topic"},
    }
    for command, result in runs.items():
        cells = _cells(result)
        for cell in cells:  # no cell a spreadsheet would take for a formula
            assert not cell.lstrip(" ").startswith(tuple(LEADS.values())), (command, cell)
        for what in expected[command]:  # each value is there, readable after the quote
            assert f"'{lead}{PAYLOAD} {what}" in cells, (command, what, cells)
    # counts are genuine numbers: written as numbers, without a quote
    findings = list(csv.DictReader(io.StringIO(runs["overdue"].stdout)))
    assert findings and all(r["required"].isdigit() and r["found"].isdigit() for r in findings)
