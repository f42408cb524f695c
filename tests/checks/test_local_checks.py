"""Checks and rules that judge each member on its own file (checks of ``each``
``members``, rules of a local type).

``review`` of a change spread over a county takes their answers for unchanged
members from the base's whole check and runs them on the changed members alone
(``gitops.local``, ``checks.reuse``): that is only right if each member's answer
is the same alone as among all the others.
"""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from dangjian_cli import checks
from dangjian_cli.checks import reuse
from dangjian_cli.records import layout
from dangjian_cli.records.repository import assemble, load
from dangjian_cli.records.store import FolderStore
from dangjian_cli.rules.catalog import load_rules
from dangjian_cli.rules.engine import LOCAL_TYPES, evaluate

SAMPLE = Path(__file__).resolve().parents[2] / "sample_repo"
DAY = date(2026, 7, 15)


@pytest.fixture(scope="module")
def broken(tmp_path_factory) -> Path:
    """The sample county with problems of every local check planted in some members."""
    root = tmp_path_factory.mktemp("local") / "county"
    shutil.copytree(SAMPLE, root)
    plants = [
        (r'^month = "(\d{4})-(\d\d)"', r'month = "\1-13"'),  # not a month
        (r'^amount = "([0-9.]+)"', 'amount = "-1.00"'),  # not more than zero
        (r'^id_number = "(\d{5})', r'id_number = "\g<1>9'),  # wrong check digit
        (r"^birth_date = \d{4}", "birth_date = 2015"),  # applied too young
        (r"^candidate_since = (\d{4})", "candidate_since = 1990"),  # no activist year
        (r'^status = "full"', 'status = "probationary"'),
    ]
    for i, path in enumerate(sorted((root / "members").glob("*.toml"))):
        pattern, repl = plants[i % len(plants)]
        text = path.read_text(encoding="utf-8")
        if i % 4 == 0:  # a month paid twice
            text += '\n[[dues]]\nmonth = "2025-01"\namount = "0.20"\npaid_on = 2025-01-23\n'
        path.write_text(re.sub(pattern, repl, text, count=1, flags=re.M), "utf-8")
    return root


def _alone(records, path: str):
    """One member with the settings and the orgs: what a local check or rule reads."""
    keep = [p for p in records.paths if p in (path, layout.SETTINGS_FILE) or p.startswith("orgs/")]
    return assemble(records.store, keep, {p: records.by_path[p] for p in keep}, [])


def test_each_member_alone_gets_what_it_gets_among_all(broken) -> None:
    """Each check judging members one by one, on one member at a time (with what
    else it reads, ``checks.reuse.narrow``), finds what it finds among all."""
    records = load(FolderStore(broken))
    ctx = checks.Context(records, DAY)
    each = [chk for chk in checks.registry() if chk.each == "members"]
    assert {c.name for c in each} >= {"dues_months", "dues_standard", "id_numbers"}
    codes: set[str] = set()
    for chk in each:
        whole = checks.run_one(ctx, chk)
        codes |= {p.code for p in whole}
        by_path: dict[str, list[dict]] = {}
        for p in whole:
            by_path.setdefault(p.path, []).append(p.as_dict())
        for mb in records.members.values():
            part = reuse.narrow(records, "members", {mb.path}, chk.reads or ())
            alone = checks.run_one(checks.Context(part, DAY), chk)
            assert [p.as_dict() for p in alone] == by_path.get(mb.path, []), (chk.name, mb.path)
        assert {p.path for p in whole} <= {mb.path for mb in records.members.values()}
    assert len(codes) >= 5  # most of these checks have something to say


@pytest.mark.parametrize("as_of", [DAY, date(2026, 3, 31)])
def test_local_rules_judge_each_member_alone(broken, as_of) -> None:
    records = load(FolderStore(broken))
    rules = {k: r for k, r in load_rules(records.settings).items() if r.type in LOCAL_TYPES}
    assert rules
    whole = evaluate(records, as_of, rules=rules)
    assert len(whole) > 20
    by_subject: dict[str, list[dict]] = {}
    for ob in whole:
        by_subject.setdefault(ob.subject, []).append(ob.as_dict())
    for mb in records.members.values():
        alone = evaluate(_alone(records, mb.path), as_of, rules=rules)
        assert [ob.as_dict() for ob in alone] == by_subject.get(mb.id, []), mb.id
