"""A review of a change spread over the county, judged from the base's snapshot.

A change touching members and meetings of most orgs is too wide for the scoped
check: the head is judged from the base's whole check (its snapshot, judged on
the review's day), each changed member's own checks and dues found again alone
(``gitops.local``). Its report must be exactly a whole review's (``--no-cache``),
whatever random edits of dues, statuses, ids, meetings and files the change makes.
"""

from __future__ import annotations

import importlib.util
import json
import random
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest

from dangjian_cli import checks
from dangjian_cli.gitops import local, sides, snapshot

SYNTH = Path(__file__).resolve().parents[2] / "benchmarks" / "synth.py"


@pytest.fixture
def county(make_repo, monkeypatch: pytest.MonkeyPatch):
    """A small generated county under git, reviewed as a large one would be: with
    snapshots, and with a spread change too wide for the scoped check."""
    spec = importlib.util.spec_from_file_location("synth_for_review", SYNTH)
    synth = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "synth_for_review", synth)
    spec.loader.exec_module(synth)
    repo = make_repo(name="county")
    args = [str(repo.root), "--force", "--orgs", "12", "--members", "300", "--months", "12"]
    assert synth.main([*args, "--seed", "3"]) == 0
    repo.init_git()
    repo.commit("the county")
    monkeypatch.setattr(snapshot, "SNAPSHOT_FROM", 1)
    monkeypatch.setattr(sides, "CACHE_FROM", 1)
    monkeypatch.setattr(sides, "SCOPED_SHARE", 0.0)
    # on two cores, as a county's: the rules judged beside the checks
    monkeypatch.setattr(checks, "PARALLEL_FROM", 1)
    return repo


def _sub(path: Path, pattern: str, repl: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(pattern, repl, text, count=1, flags=re.M), encoding="utf-8")


def _dues_row(path: Path, rng: random.Random) -> None:
    """A dues row: a new month, a month paid twice, no month at all, a negative
    amount, or a payment after the day of the review."""
    text = path.read_text(encoding="utf-8")
    months = re.findall(r'^month = "([^"]*)"', text, flags=re.M)
    month, amount, paid = "2026-11", "8.00", "2026-11-05"
    kind = rng.randrange(5)
    if kind == 1 and months:
        month = rng.choice(months)
    elif kind == 2:
        month = "2026-13"
    elif kind == 3:
        amount = "-1.00"
    elif kind == 4:
        paid = "2099-01-01"
    row = f'\n[[dues]]\nmonth = "{month}"\namount = "{amount}"\npaid_on = {paid}\n'
    path.write_text(text + row, encoding="utf-8")


def _member_edit(path: Path, rng: random.Random) -> None:
    kind = rng.randrange(6)
    if kind == 0:
        _sub(path, r'^status = "full"', 'status = "probationary"')
    elif kind == 1:
        _sub(path, r'^id_number = "(\d{5})', r'id_number = "\g<1>9')
    elif kind == 2:
        _sub(path, r"^birth_date = \d{4}", "birth_date = 2015")
    elif kind == 3:
        path.unlink()
    elif kind == 4:
        path.rename(path.with_name(f"renamed-{path.name}"))
    else:
        _sub(path, r"^admitted = \d{4}-\d\d-\d\d", "admitted = 2026-12-31")


def _meeting_edit(path: Path, rng: random.Random) -> None:
    kind = rng.randrange(4)
    if kind == 0:
        _sub(path, r'^topic = "', 'topic = "Revised: ')
    elif kind == 1:
        path.rename(path.with_name(path.stem + "-2.toml"))
    elif kind == 2:
        path.unlink()
    else:
        _sub(path, r"^attendees = \[([^,\]]*),.*\]", r"attendees = [\1]")


def spread_change(repo, rng: random.Random, members_too: bool = True) -> None:
    """Every few members and meetings of the county, edited at random (without
    ``members_too``, only dues rows are added to members)."""
    members = sorted((repo.root / "members").rglob("*.toml"))
    meetings = sorted((repo.root / "meetings").rglob("*.toml"))
    step = rng.randrange(3, 7)
    for path in members[rng.randrange(step) :: step]:
        _dues_row(path, rng)
        if members_too and rng.random() < 0.3:
            _member_edit(path, rng)
    for path in meetings[rng.randrange(step) :: step * 2]:
        _meeting_edit(path, rng)
    if not members_too:
        return
    org = sorted((repo.root / "orgs").rglob("*.toml"))[0].stem
    repo.write(
        "members/new-member.toml",
        f"""
        name = "New Member"
        org = "{org}"
        status = "full"
        birth_date = 1980-01-01
        admitted = 2010-01-01
        full_since = 2011-01-01
        """,
    )


@contextmanager
def judged(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[tuple, tuple]]]:
    """The calls of ``gitops.local.judge_head`` made meanwhile: (arguments, answer)."""
    calls: list[tuple[tuple, tuple]] = []
    real = local.judge_head

    def judge_head(*args: object, **kw: object) -> tuple:
        found = real(*args, **kw)  # type: ignore[arg-type]
        calls.append((args, found))
        return found

    with monkeypatch.context() as patch:
        patch.setattr(local, "judge_head", judge_head)
        yield calls


def _review(repo, cache: bool) -> tuple[int, dict]:
    from click.testing import CliRunner

    from dangjian_cli.cli.main import cli

    today = date.today().isoformat()
    args = ["-C", str(repo.root), "review", "main..spread", "--as-of", today, "--format", "json"]
    result = CliRunner().invoke(cli, args, env=None if cache else {"DANGJIAN_CACHE": "0"})
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_spread_change_reviewed_from_the_snapshot_matches_a_whole_review(
    county, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    county.git("checkout", "-q", "-b", "spread")
    spread_change(county, random.Random(seed))
    county.commit("a spread change")
    county.git("checkout", "-q", "main")
    # a clerk's day: the base's snapshot judged today, with today's findings
    assert county.run("overdue", "--format", "json", "--force").exit_code == 0

    whole = _review(county, cache=False)
    with judged(monkeypatch) as calls:
        fast = _review(county, cache=True)
    # judged from the base's snapshot, the head's findings too
    assert [found[1] is not None for _, found in calls] == [True]
    assert fast == whole
    report = fast[1]
    assert len(report["changes"]["changed"]) > 20
    assert report["problems_introduced"] and report["findings_introduced"]


def test_a_spread_change_of_the_settings_too_is_judged_anew(county, monkeypatch) -> None:
    """The settings read by every rule and by the dues checks: a change to them
    leaves no member's problems and no finding of the base standing."""
    county.git("checkout", "-q", "-b", "spread")
    spread_change(county, random.Random(4))
    settings = county.root / "dangjian.toml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(
        text + '\n[rules.activist-year]\nseverity = "error"\n\n[rules.dues]\ngrace_days = 0\n',
        encoding="utf-8",
    )
    county.commit("a spread change, and the settings")
    county.git("checkout", "-q", "main")
    assert county.run("overdue", "--format", "json", "--force").exit_code == 0
    whole = _review(county, cache=False)
    with judged(monkeypatch) as calls:
        fast = _review(county, cache=True)
    assert [found[1] for _, found in calls] == [None], "the head's findings were not made anew"
    assert fast == whole


@pytest.mark.parametrize("seed", [5, 6])
def test_changes_applied_to_loaded_records_are_a_load_of_the_changed_files(
    county, seed: int
) -> None:
    """The head of a spread review is the base's records with the changed files
    parsed (sides.apply_changes): the records a load of the head gives, each
    collection in the order an assembly of them gives."""
    from dangjian_cli.gitops.sides import apply_changes
    from dangjian_cli.records.repository import assemble, load
    from dangjian_cli.records.store import FolderStore, OverlayStore

    base = load(FolderStore(county.root))
    before = {p: (county.root / p).read_bytes() for p in base.paths}
    spread_change(county, random.Random(seed))
    (county.root / "members" / "broken.toml").write_text("name = [\n", encoding="utf-8")
    after = load(FolderStore(county.root))
    changes = {p: (county.root / p).read_bytes() for p in after.paths if p not in before}
    changes |= {p: None for p in before if p not in after.paths}
    for p in before.keys() & set(after.paths):
        data = (county.root / p).read_bytes()
        if data != before[p]:
            changes[p] = data
    head = apply_changes(base, changes)

    def fields(r):
        return {k: getattr(r, k) for k in ("orgs", "members", "by_path", "settings")} | {
            k: sorted(getattr(r, k), key=lambda x: x.path)
            for k in ("meetings", "funds", "letters", "reports", "notices", "trainings")
        }

    assert fields(head) == fields(after)
    assert head.paths == after.paths
    assert sorted(p.as_dict().items() for p in head.problems) == sorted(
        p.as_dict().items() for p in after.problems
    )
    # each collection in assembly order: the base's records, then the changed ones
    by_path = {p: r for p, r in base.by_path.items() if p not in changes}
    by_path |= {p: head.by_path[p] for p in changes if p in head.by_path}
    again = assemble(OverlayStore(base.store, changes), head.paths, by_path, [])
    for name in ("orgs", "members", "meetings", "funds", "letters", "trainings"):
        mine, theirs = getattr(head, name), getattr(again, name)
        assert list(mine) == list(theirs) and [id(x) for x in mine] == [id(x) for x in theirs]
    assert len(changes) > 20


def test_a_review_hands_its_records_to_a_keeper(county) -> None:
    """The console command keeps both sides' records until it ends rather than free
    them object by object (cli.lifetime); the review is the same either way."""
    from dangjian_cli.gitops.review import review
    from dangjian_cli.records.repository import Records

    county.git("checkout", "-q", "-b", "spread")
    spread_change(county, random.Random(9))
    county.commit("a spread change")
    kept: list[object] = []
    day = date.today()
    with_keeper = review(county.root, "main..spread", day, keep=kept.append)
    assert len(kept) == 1
    base, head = kept[0]
    assert isinstance(base, Records) and isinstance(head, Records)
    assert (
        "members/new-member.toml" in head.by_path and "members/new-member.toml" not in base.by_path
    )
    assert review(county.root, "main..spread", day).as_dict() == with_keeper.as_dict()


@pytest.mark.parametrize("days", [-400, 45])
def test_a_spread_change_reviewed_on_another_day_than_its_base_snapshot(
    county, monkeypatch: pytest.MonkeyPatch, days: int
) -> None:
    """The base's snapshot judged on another day (a clerk's first review of the
    day): its problems are made the review's day's by the dated checks, its
    findings for that day worked out beside the head's; the report is a whole
    review's."""
    from datetime import timedelta

    # secretaries who leave in ten days: their terms judged on a later day are wrong
    # (a dated check's problems differ from the day the snapshot was judged)
    leaving = (date.today() + timedelta(days=10)).isoformat()
    for org in sorted((county.root / "orgs").glob("*.toml"))[:6]:
        found = re.search(r'^secretary = "([^"]+)"', org.read_text("utf-8"), flags=re.M)
        member = county.root / "members" / f"{found.group(1)}.toml" if found else None
        if member is not None and member.exists():
            member.write_text(f"left_on = {leaving}\n" + member.read_text("utf-8"), "utf-8")
    county.commit("secretaries leaving")
    county.git("checkout", "-q", "-b", "spread")
    spread_change(county, random.Random(days % 7))
    county.commit("a spread change")
    county.git("checkout", "-q", "main")
    assert county.run("overdue", "--format", "json", "--force").exit_code == 0
    day = (date.today() + timedelta(days=days)).isoformat()
    args = ["review", "main..spread", "--as-of", day, "--format", "json"]
    from click.testing import CliRunner

    from dangjian_cli.cli.main import cli

    def run(cache: bool) -> tuple[int, str]:
        env = None if cache else {"DANGJIAN_CACHE": "0"}
        result = CliRunner().invoke(cli, ["-C", str(county.root), *args], env=env)
        assert result.exit_code in (0, 1), result.output
        return result.exit_code, result.stdout

    whole = run(cache=False)
    with judged(monkeypatch) as calls:
        fast = run(cache=True)
    assert [args[1] for args, _ in calls] == [None]  # the base's findings not kept for the day
    assert fast == whole
    assert json.loads(fast[1])["findings_introduced"] or json.loads(fast[1])["findings_resolved"]


@pytest.mark.parametrize("seed", [7, 8, 9])
def test_a_change_of_dues_and_meetings_alone_judges_the_study_of_those_attending(
    county, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    """Dues rows added and meetings edited, no member otherwise: the study hours are
    judged again for those who attended a changed lesson alone; the review is a
    whole review's."""

    county.git("checkout", "-q", "-b", "spread")
    spread_change(county, random.Random(seed), members_too=False)
    county.commit("dues and meetings")
    county.git("checkout", "-q", "main")
    assert county.run("overdue", "--format", "json", "--force").exit_code == 0
    whole = _review(county, cache=False)
    few: list[int] = []
    real = local._attending

    def attending(*args: object, **kw: object) -> set[str]:
        found = real(*args, **kw)  # type: ignore[arg-type]
        few.append(len(found))
        return found

    with monkeypatch.context() as patch:  # (the study judged in either process)
        patch.setattr(local, "_attending", attending)
        fast = _review(county, cache=True)
    assert fast == whole
    assert few and 0 < few[0] < 300  # some members, not the county's
    assert fast[1]["findings_introduced"] or fast[1]["findings_resolved"]


def test_study_hours_change_only_for_those_attending_a_changed_lesson(county) -> None:
    """What a review of a change of meetings leans on: the study hours of a member
    who attended no changed lesson, on either side, are what they were; and the
    study hours judged for a few members are the whole judgement's of them."""
    from dataclasses import replace
    from decimal import Decimal
    from statistics import median

    from dangjian_cli.gitops.local import _attending
    from dangjian_cli.gitops.sides import apply_changes
    from dangjian_cli.records.repository import load
    from dangjian_cli.records.store import FolderStore
    from dangjian_cli.rules.catalog import load_rules
    from dangjian_cli.rules.engine import evaluate

    base = load(FolderStore(county.root))
    day = date.today()
    study = {k: r for k, r in load_rules(base.settings).items() if r.type == "study-hours"}
    # the standard in the middle of the county's hours: a lesson more or less matters
    hours = [o.found for o in evaluate(base, day, rules=study)]
    study = {k: replace(r, min_hours=Decimal(str(median(hours)))) for k, r in study.items()}
    lessons = [mt for mt in base.meetings if mt.kind == "party_lesson" and len(mt.attendees) > 1]
    rng = random.Random(5)
    changes: dict[str, bytes | None] = {}
    for i, mt in enumerate(rng.sample(lessons, min(len(lessons), 12))):
        text = (county.root / mt.path).read_text(encoding="utf-8")
        if i % 3 == 0:
            changes[mt.path] = None  # the lesson is gone
        else:  # its attendees, but the first (or anyone else too)
            who = mt.attendees[0] if i % 3 == 1 else "ghost"
            new = re.sub(r"(?m)^attendees = \[.*\]", f'attendees = ["{who}"]', text, count=1)
            changes[mt.path] = new.encode("utf-8")
    head = apply_changes(base, changes)
    few = _attending(base, head, {"meetings": set(changes)}, study)

    def judged(records, members=None):
        return [o.as_dict() for o in evaluate(records, day, rules=study, members=members)]

    before, after = judged(base), judged(head)
    moved = {o["subject"] for o in before if o not in after} | {
        o["subject"] for o in after if o not in before
    }
    assert moved, "no member's study hours changed: the test shows nothing"
    assert moved <= few
    assert judged(head, few) == [o for o in after if o["subject"] in few]
    assert judged(base, few) == [o for o in before if o["subject"] in few]


@pytest.mark.parametrize("where", ["sample", "county"])
def test_every_rule_type_reads_what_it_declares(county, where: str, watching) -> None:
    """A review keeps the findings of the rule types that read nothing its change
    touched (rules.engine.READS): each type, evaluated on a county whose records
    are watched, reads no other kind (a member's dues rows watched apart)."""
    import shutil

    from dangjian_cli.records.repository import load
    from dangjian_cli.records.store import FolderStore
    from dangjian_cli.rules import engine
    from dangjian_cli.rules.catalog import load_rules
    from dangjian_cli.rules.participation import EVALUATORS as MORE

    assert set(engine.READS) == set(engine.EVALUATORS) | set(MORE)
    root = county.root
    if where == "sample":
        root = county.root.parent / "sample"
        shutil.copytree(SYNTH.parents[1] / "sample_repo", root)
    records = load(FolderStore(root))
    judged = 0
    for rule_id, rule in load_rules(records.settings).items():
        watch = watching(records)
        for day in (date(2025, 7, 1), date(2026, 7, 15), date.today()):
            judged += len(engine.evaluate(watch, day, rules={rule_id: rule}))
        read = watch.read
        assert read <= engine.READS[rule.type], (rule_id, sorted(read - engine.READS[rule.type]))
    assert judged > 100
