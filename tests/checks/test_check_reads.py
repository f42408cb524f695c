"""Each check reads what it declares, and a whole check after a change is the one
before it with what the change touched judged again (``checks.reuse``).

``review`` of a change spread over a county keeps the base's problems of every
check that reads nothing the change touched, and runs a check of one record at
a time on the changed records alone. That is only right if the declarations
hold: a check reads no other kind than ``reads`` names (watched here on every
access to the records and to a member's dues rows), reports on no other, and one
of ``each`` finds on a few records what it finds on them among all the others.
"""

from __future__ import annotations

import random
import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from dangjian_cli import checks
from dangjian_cli.checks import reuse
from dangjian_cli.gitops.local import touched_kinds
from dangjian_cli.records.repository import load
from dangjian_cli.records.store import FolderStore

SAMPLE = Path(__file__).resolve().parents[2] / "sample_repo"
DAY = date(2026, 7, 15)


def _sub(path: Path, pattern: str, repl: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(pattern, repl, text, count=1, flags=re.M), encoding="utf-8")


def _every(root: Path, folder: str, pattern: str, repl: str, every: int, start: int = 0) -> None:
    for i, path in enumerate(sorted((root / folder).rglob("*.toml"))):
        if i % every == start:
            _sub(path, pattern, repl)


@pytest.fixture(scope="module")
def broken(tmp_path_factory) -> Path:
    """The sample county with problems of most checks planted."""
    root = tmp_path_factory.mktemp("reads") / "county"
    shutil.copytree(SAMPLE, root)
    _every(root, "meetings", r"^attendees = \[", 'attendees = ["nobody-here", ', 4)
    _every(root, "meetings", r"^attendees = \[([^,\]]*),.*\]", r"attendees = [\1]", 3, 1)
    _every(root, "meetings", r"^date = (\d{4})", r"date = 1999", 7, 2)
    _every(root, "orgs", r'^secretary = ".*"', 'secretary = "ghost-clerk"', 4)
    _every(root, "members", r'^org = ".*"', 'org = "ghost-branch"', 5)
    _every(root, "members", r'^status = "full"', 'status = "probationary"', 2)
    _every(root, "members", r'^month = "(\d{4})-(\d\d)"', r'month = "\1-13"', 3, 1)
    _every(root, "members", r'^id_number = "(\d{5})', r'id_number = "\g<1>9', 4, 3)
    _every(root, "funds", r'^amount = "?([0-9.]+)"?', 'amount = "900000.00"', 2)
    _every(root, "letters", r'^org = ".*"', 'org = "elsewhere"', 2)
    (root / "members" / "broken.toml").write_text("name = [\n", encoding="utf-8")
    return root


def test_every_check_declares_what_it_reads_and_reports_on_that(broken, watching) -> None:
    records = load(FolderStore(broken))
    codes: set[str] = set()
    for chk in checks.registry():
        assert chk.reads is not None, f"{chk.name} does not say what it reads"
        watch = watching(records)
        found = checks.run_one(checks.Context(watch, DAY), chk)
        read = watch.read
        assert read <= chk.reads, f"{chk.name} reads {sorted(read - chk.reads)} undeclared"
        kinds = {reuse.kind_of(p.path) for p in found}
        assert kinds <= (chk.reads if chk.each is None else {chk.each}), chk.name
        codes |= {p.code for p in found}
    assert len(codes) >= 10  # most checks had something to say


@pytest.mark.parametrize("start", [0, 1, 2])
def test_a_check_of_one_record_at_a_time_finds_alone_what_it_finds_among_all(
    broken, start: int
) -> None:
    records = load(FolderStore(broken))
    each = [chk for chk in checks.registry() if chk.each is not None]
    assert {chk.each for chk in each} >= {"members", "meetings", "funds"}
    for chk in each:
        whole = checks.run_one(checks.Context(records, DAY), chk)
        few = set(records.listed(chk.each)[start::3])
        part = reuse.narrow(records, chk.each, few, chk.reads or ())
        alone = checks.run_one(checks.Context(part, DAY), chk)
        wanted = [p.as_dict() for p in whole if p.path in few]
        assert [p.as_dict() for p in alone] == wanted, chk.name


def test_checks_sharing_a_code_are_grouped() -> None:
    groups = reuse.groups()
    assert sorted(c.name for g in groups for c in g) == sorted(c.name for c in checks.registry())
    for group in groups:
        codes = {code for chk in group for code in chk.codes}
        for other in groups:
            if other is not group:
                assert not codes & {code for chk in other for code in chk.codes}
    refs = next(g for g in groups if any(c.name == "meeting_references" for c in g))
    assert {"org_references", "document_references"} <= {c.name for c in refs}


# ---- a whole check after random edits ------------------------------------------------


def _dues_row(path: Path, rng: random.Random) -> None:
    month = rng.choice(['"2026-05"', '"2026-13"', '"2025-01"'])
    text = path.read_text(encoding="utf-8")
    path.write_text(text + f'\n[[dues]]\nmonth = {month}\namount = "8.00"\n', "utf-8")


EDITS = {
    "members": [
        _dues_row,
        lambda p, rng: _sub(p, r'^status = "full"', 'status = "probationary"'),
        lambda p, rng: _sub(p, r'^org = ".*"', 'org = "ghost-branch"'),
        lambda p, rng: p.unlink(),
    ],
    "meetings": [
        lambda p, rng: _sub(p, r'^topic = "', 'topic = "Revised: '),
        lambda p, rng: _sub(p, r"^attendees = \[([^,\]]*),.*\]", r"attendees = [\1]"),
        lambda p, rng: _sub(p, r"^attendees = \[", 'attendees = ["ghost", '),
        lambda p, rng: p.rename(p.with_name(p.stem + "-2.toml")),
        lambda p, rng: p.unlink(),
    ],
    "orgs": [lambda p, rng: _sub(p, r'^secretary = ".*"', 'secretary = "ghost-clerk"')],
    "funds": [lambda p, rng: _sub(p, r'^amount = "?([0-9.]+)"?', 'amount = "-5.00"')],
    "letters": [lambda p, rng: _sub(p, r'^org = ".*"', 'org = "elsewhere"')],
    "trainings": [lambda p, rng: p.unlink()],
    # the settings: a numbering pattern without its number, the activist year an error
    "dangjian.toml": [
        lambda p, rng: _sub(p, r"^default = .*", 'default = "no number"'),
        lambda p, rng: p.write_text(
            p.read_text("utf-8") + '\n[rules.activist-year]\nseverity = "error"\n', "utf-8"
        ),
    ],
}


@pytest.mark.parametrize("seed", range(12))
def test_a_change_judged_from_the_check_before_it_is_a_whole_check(
    broken, tmp_path, seed: int
) -> None:
    rng = random.Random(seed)
    root = tmp_path / "county"
    shutil.copytree(broken, root)
    base = load(FolderStore(root))
    before = checks.validate(base, DAY, locate=False)
    # a few kinds each time: most of the time some are left alone
    for folder in rng.sample(sorted(EDITS), rng.randrange(1, 4)):
        files = (
            [root / folder] if folder.endswith(".toml") else sorted((root / folder).rglob("*.toml"))
        )
        for path in rng.sample(files, min(len(files), rng.randrange(1, 6))):
            if path.exists():
                rng.choice(EDITS[folder])(path, rng)
    head = load(FolderStore(root))
    changed = {
        p
        for p in set(base.paths) | set(head.paths)
        if p not in base.by_path
        or p not in head.by_path
        or (broken / p).read_bytes() != (root / p).read_bytes()
    }
    touched, by_kind = touched_kinds(base, head, changed)
    loaded = {p.identity() for p in base.problems}
    kept = [p for p in before if p.identity() not in loaded]
    found = [*head.problems, *reuse.rejudge(kept, head, touched, by_kind, DAY)]
    found.sort(key=lambda p: p.sort_key())
    whole = checks.validate(head, DAY, locate=False)
    assert [p.as_dict() for p in found] == [p.as_dict() for p in whole]
