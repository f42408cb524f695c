"""Snapshots: validating a changed work tree, index or commit from the last whole
check must report exactly what a whole check reports, line for line.

The sample county is copied into a git repository and edited step by step with
edits a clerk makes (moving a member, breaking a file, deleting an org, spending
money twice...); after every step the answer through snapshots is compared with
a whole check (``--no-cache``), for the work tree, the index and new commits.
"""

from __future__ import annotations

import json
import random
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from dangjian_cli.gitops import snapshot
from dangjian_cli.gitops.scope import mentioned
from dangjian_cli.records import repository
from dangjian_cli.records.mentions import named_ids
from dangjian_cli.records.repository import load
from dangjian_cli.records.store import FolderStore
from tests.conftest import import_every_command

SAMPLE = Path(__file__).resolve().parents[2] / "sample_repo"


@pytest.fixture
def county(make_repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The sample county under git, with snapshots used at any size."""
    repo = make_repo(name="county")
    shutil.rmtree(repo.root)
    shutil.copytree(SAMPLE, repo.root)
    repo.init_git()
    repo.commit("the county")
    monkeypatch.setattr(snapshot, "SNAPSHOT_FROM", 1)
    monkeypatch.setattr(snapshot, "CHANGED_SHARE", 1.0)
    return repo


def _whole(repo, *args: str) -> tuple[int, list[dict]]:
    from click.testing import CliRunner

    from dangjian_cli.cli.main import cli

    result = CliRunner().invoke(
        cli,
        ["-C", str(repo.root), "validate", "--format", "json", *args],
        env={"DANGJIAN_CACHE": "0"},
    )
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def _snapshot(repo, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, list[dict]]:
    """The same, through snapshots only: a whole load would fail the test."""
    from dangjian_cli.cli import validate as command

    def refuse(*_a: object, **_k: object) -> None:
        raise AssertionError("snapshots were not used")

    with monkeypatch.context() as patch:
        patch.setattr(command, "load_records", refuse)
        result = repo.run("validate", "--format", "json", *args)
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


# ---- edits a clerk makes ---------------------------------------------------------


def _files(repo, folder: str) -> list[Path]:
    return sorted((repo.root / folder).rglob("*.toml"))


def _sub(path: Path, pattern: str, repl: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(pattern, repl, text, count=count, flags=re.M), encoding="utf-8")


def move_member(repo, rng: random.Random) -> None:
    orgs = [p.stem for p in _files(repo, "orgs")]
    _sub(rng.choice(_files(repo, "members")), r'^org = ".*"', f'org = "{rng.choice(orgs)}"')


def member_to_unknown_org(repo, rng: random.Random) -> None:
    _sub(rng.choice(_files(repo, "members")), r'^org = ".*"', 'org = "ghost-branch"')


def delete_member(repo, rng: random.Random) -> None:
    rng.choice(_files(repo, "members")).unlink()


def demote_member(repo, rng: random.Random) -> None:
    _sub(rng.choice(_files(repo, "members")), r'^status = "full"', 'status = "probationary"')


def thin_meeting(repo, rng: random.Random) -> None:
    path = rng.choice(_files(repo, "meetings"))
    _sub(path, r"^attendees = \[([^,\]]*),.*\]", r"attendees = [\1]")


def unknown_attendee(repo, rng: random.Random) -> None:
    _sub(rng.choice(_files(repo, "meetings")), r"^attendees = \[", 'attendees = ["nobody-here", ')


def delete_meeting(repo, rng: random.Random) -> None:
    rng.choice(_files(repo, "meetings")).unlink()


def break_syntax(repo, rng: random.Random) -> None:
    path = rng.choice(_files(repo, rng.choice(["meetings", "members", "orgs"])))
    with path.open("a", encoding="utf-8") as handle:
        handle.write("broken = [\n")


def reparent_org(repo, rng: random.Random) -> None:
    orgs = [p.stem for p in _files(repo, "orgs")]
    _sub(rng.choice(_files(repo, "orgs")), r'^parent = ".*"', f'parent = "{rng.choice(orgs)}"')


def delete_org(repo, rng: random.Random) -> None:
    rng.choice(_files(repo, "orgs")).unlink()


def overspend(repo, rng: random.Random) -> None:
    _sub(rng.choice(_files(repo, "funds")), r'^amount = "?([0-9.]+)"?', 'amount = "900000.00"', 3)


def new_member(repo, rng: random.Random) -> None:
    orgs = [p.stem for p in _files(repo, "orgs")]
    n = rng.randrange(10_000)
    repo.write(
        f"members/new-{n}.toml",
        f"""
        name = "New {n}"
        org = "{rng.choice(orgs)}"
        status = "full"
        birth_date = 1980-01-01
        admitted = 2010-01-01
        full_since = 2011-01-01
        """,
    )


def rename_meeting(repo, rng: random.Random) -> None:
    path = rng.choice(_files(repo, "meetings"))
    path.rename(path.with_name("2024-01-01" + path.name[10:]))


def unknown_secretary(repo, rng: random.Random) -> None:
    _sub(rng.choice(_files(repo, "orgs")), r'^secretary = ".*"', 'secretary = "ghost-clerk"')


def repeat_dues(repo, rng: random.Random) -> None:
    _sub(rng.choice(_files(repo, "members")), r'^month = "(\d{4})-(\d\d)"', r'month = "\1-13"')


EDITS: list[Callable] = [
    move_member,
    member_to_unknown_org,
    delete_member,
    demote_member,
    thin_meeting,
    unknown_attendee,
    delete_meeting,
    break_syntax,
    reparent_org,
    delete_org,
    overspend,
    new_member,
    rename_meeting,
    unknown_secretary,
    repeat_dues,
]


# ---- the tests --------------------------------------------------------------------


@pytest.mark.parametrize(("seed", "parallel"), [(1, False), (2, True)])
def test_work_tree_edits_match_a_whole_check(county, monkeypatch, seed, parallel) -> None:
    from dangjian_cli.gitops import sides

    if parallel:  # the scoped load in two processes, as in a county
        monkeypatch.setattr(sides, "PARALLEL_FROM", 1)
    rng = random.Random(seed)
    assert _snapshot(county, monkeypatch) == _whole(county)  # builds HEAD's snapshot
    assert list((county.root / ".git" / snapshot.FOLDER).iterdir())
    for step in range(12):
        edit = rng.choice(EDITS)
        edit(county, rng)
        assert _snapshot(county, monkeypatch) == _whole(county), f"step {step}: {edit.__name__}"


def test_each_edit_alone_matches_a_whole_check(county, monkeypatch) -> None:
    _snapshot(county, monkeypatch)
    for i, edit in enumerate(EDITS):
        edit(county, random.Random(i))
        assert _snapshot(county, monkeypatch) == _whole(county), edit.__name__
        county.git("checkout", "-q", ".")
        county.git("clean", "-q", "-fd")


def test_staged_changes_and_new_commits_match_a_whole_check(county, monkeypatch) -> None:
    rng = random.Random(7)
    _snapshot(county, monkeypatch)
    for step in range(6):
        for _ in range(3):
            rng.choice(EDITS)(county, rng)
        county.git("add", "-A")
        (county.root / "members").joinpath("unstaged-only.toml").write_text("oops = [\n")
        assert _snapshot(county, monkeypatch, "--staged") == _whole(county, "--staged"), step
        (county.root / "members" / "unstaged-only.toml").unlink()
        county.commit(f"step {step}")
        # HEAD moved: its snapshot is carried from the last one
        assert _snapshot(county, monkeypatch) == _whole(county), step
        assert _snapshot(county, monkeypatch, "--rev", "HEAD~1") == _whole(
            county, "--rev", "HEAD~1"
        )


def test_snapshots_are_kept_few_and_never_read_by_other_code(county, monkeypatch) -> None:
    for step in range(snapshot.KEEP + 2):
        move_member(county, random.Random(step))
        county.commit(f"move {step}")
        _snapshot(county, monkeypatch)
    folder = county.root / ".git" / snapshot.FOLDER
    assert len([p for p in folder.iterdir() if not p.name.startswith(".")]) == snapshot.KEEP
    head = county.git("rev-parse", "HEAD:").strip()
    assert (folder / head).exists()
    monkeypatch.setattr(snapshot, "_PRINT", "other code")
    assert snapshot.read(snapshot.RepoInfo(county.root), head) is None


def test_an_unreadable_snapshot_is_rebuilt(county, monkeypatch) -> None:
    expected = _snapshot(county, monkeypatch)
    head = county.git("rev-parse", "HEAD:").strip()
    (county.root / ".git" / snapshot.FOLDER / head).write_bytes(b"not a pickle")
    assert _snapshot(county, monkeypatch) == expected


def test_no_cache_leaves_no_snapshot(county) -> None:
    _whole(county)
    assert not (county.root / ".git" / snapshot.FOLDER).exists()


def test_named_ids_cover_every_id_a_file_quotes() -> None:
    """The index finds what ``git grep`` would: every quoted org or member id."""
    store = FolderStore(SAMPLE)
    records = load(store)
    ids = set(records.orgs) | set(records.members)
    for path, record in records.by_path.items():
        quoted = mentioned(store.read(path)) & ids
        assert quoted <= named_ids(record), path


def test_review_from_a_snapshot_matches_a_search_of_the_base(county, monkeypatch) -> None:
    """With a snapshot of the base, review takes its listing and index (no git grep)."""
    from click.testing import CliRunner

    from dangjian_cli.cli.main import cli
    from dangjian_cli.gitops import review

    _snapshot(county, monkeypatch)  # HEAD's snapshot
    rng = random.Random(3)
    for edit in EDITS:
        edit(county, rng)
    args = ["-C", str(county.root), "review", "HEAD", "--as-of", "2026-07-15", "--format", "json"]
    searched = CliRunner().invoke(cli, args, env={"DANGJIAN_CACHE": "0"})

    def refuse(*_a: object, **_k: object) -> None:
        raise AssertionError("git grep was run")

    with monkeypatch.context() as patch:
        patch.setattr(review, "Grep", refuse)
        indexed = CliRunner().invoke(cli, args)
    assert searched.exit_code == indexed.exit_code
    assert json.loads(indexed.stdout) == json.loads(searched.stdout)
    assert json.loads(indexed.stdout)["problems_introduced"]


def _refuse_whole(*_a: object, **_k: object) -> None:
    raise AssertionError("a whole check where snapshots should serve")


def test_pre_receive_judges_pushes_from_the_last_snapshot(county, monkeypatch, tmp_path) -> None:
    """Pushes of two commits each, every commit judged through snapshots exactly as
    a whole check judges it; only accepted tips' snapshots are kept."""
    from dangjian_cli.gitops.hooks import check_push, keep_accepted

    server = tmp_path / "server.git"
    county.git("clone", "-q", "--bare", str(county.root), str(server))
    county.git("remote", "add", "origin", str(server))
    snapshot.judge(server, "main")  # the server's main, checked once and kept
    first = county.git("rev-parse", "HEAD^{tree}").strip()
    rng = random.Random(11)
    verdicts: list[bool] = []
    accepted: set[str] = set()
    for step in range(4):
        old = county.git("rev-parse", "HEAD").strip()
        for i in range(2):
            (new_member if (step + i) % 2 else rng.choice(EDITS))(county, rng)
            new = county.commit(f"step {step}.{i}")
        county.git("push", "-q", "origin", "+HEAD:refs/heads/draft")  # objects on the server
        line = [f"{old} {new} refs/heads/main"]
        with monkeypatch.context() as patch:
            patch.setenv("DANGJIAN_CACHE", "0")
            whole = check_push(server, line)[0]
        with monkeypatch.context() as patch:  # each commit from the one before it
            patch.setattr(snapshot, "build", _refuse_whole)
            patch.setattr(repository, "load", _refuse_whole)
            judged = check_push(server, line)[0]
        assert (judged.accepted, judged.commit) == (whole.accepted, whole.commit)
        assert [p.as_dict() for p in judged.problems] == [p.as_dict() for p in whole.problems]
        verdicts.append(judged.accepted)
        if judged.accepted:  # as git does, then the post-receive hook
            county.git("update-ref", "refs/heads/main", new, cwd=server)
            assert keep_accepted(server, line) == 1
            accepted.add(county.git("rev-parse", f"{new}^{{tree}}").strip())
        else:  # the clerk starts again from the server's main
            county.git("reset", "-q", "--hard", old)
    assert True in verdicts and False in verdicts, verdicts
    # only snapshots of accepted trees (and of the first main) are kept
    kept = {p.name for p in (server / snapshot.FOLDER).iterdir() if not p.name.startswith(".")}
    assert kept and kept <= accepted | {first}


def _listing(repo, *args: str, whole: bool = False):
    from click.testing import CliRunner

    from dangjian_cli.cli.main import cli

    env = {"DANGJIAN_CACHE": "0"} if whole else {}
    result = CliRunner().invoke(cli, ["-C", str(repo.root), *args], env=env)
    return result.exit_code, result.stdout, result.stderr


def test_overdue_and_due_from_snapshots_match_a_whole_evaluation(county, monkeypatch) -> None:
    from dangjian_cli.cli import obligations as command

    def refuse(*_a: object, **_k: object) -> None:
        raise AssertionError("snapshots were not used")

    queries = [
        ("overdue", "--as-of", "2026-07-15", "--format", "json", "--force"),
        ("due", "--as-of", "2026-07-15", "--format", "csv", "--force"),
        ("overdue", "--as-of", "2026-03-31", "--since", "2025-01-01", "--force"),
        ("overdue", "--as-of", "2026-07-15", "--org", "hexi-town", "--subtree", "--force"),
        (
            "overdue",
            "--as-of",
            "2026-07-15",
            "--rule",
            "dues",
            "--rule",
            "party-lesson",
            "--format",
            "json",
        ),
    ]
    rng = random.Random(5)
    for step in range(5):
        for query in queries:
            with monkeypatch.context() as patch:
                patch.setattr(command, "load_checked", refuse)
                fast = _listing(county, *query)
            assert fast == _listing(county, *query, whole=True), (step, query)
        rng.choice(EDITS)(county, rng)
        if step == 2:
            county.commit("a commit between runs")
    assert json.loads(_listing(county, *queries[0])[1])  # there are findings to compare


def test_branch_switches_and_same_second_rewrites_are_seen(county, monkeypatch) -> None:
    """Snapshots follow what git says differs from HEAD, by content: a branch
    switch, a touch without change and two same-size rewrites in one second."""
    _snapshot(county, monkeypatch)
    county.git("checkout", "-q", "-b", "draft")
    delete_org(county, random.Random(1))
    county.commit("draft: an org goes")
    assert _snapshot(county, monkeypatch) == _whole(county)
    county.git("checkout", "-q", "main")
    assert _snapshot(county, monkeypatch) == _whole(county)
    member = _files(county, "members")[0]
    member.touch()
    assert _snapshot(county, monkeypatch) == _whole(county)
    text = member.read_text(encoding="utf-8")
    for status in ("probationary", "full"):  # the same size twice within the second
        member.write_text(re.sub(r'^status = "\w+"', f'status = "{status[:4]}x"', text, flags=re.M))
        assert _snapshot(county, monkeypatch) == _whole(county)


def test_text_output_and_file_count_match(county, monkeypatch) -> None:
    from click.testing import CliRunner

    from dangjian_cli.cli.main import cli

    _snapshot(county, monkeypatch)
    new_member(county, random.Random(1))
    delete_meeting(county, random.Random(2))
    break_syntax(county, random.Random(3))
    args = ["--lang", "en", "-C", str(county.root), "validate"]  # the county is zh
    whole = CliRunner().invoke(cli, args, env={"DANGJIAN_CACHE": "0"})
    fast = CliRunner().invoke(cli, args)
    assert (fast.exit_code, fast.stdout) == (whole.exit_code, whole.stdout)
    files = sum(1 for p in county.root.rglob("*.toml") if ".git" not in p.parts)
    assert f"in {files} files" in fast.stdout


# ---- the read commands -----------------------------------------------------------------


def _refuse_loads(patch: pytest.MonkeyPatch) -> None:
    """Make any whole load, or a whole check of a new snapshot, fail: the kept
    snapshot must serve."""
    from dangjian_cli.cli import common, obligations, render, tables

    import_every_command()
    for module in (common, obligations, render, tables):
        patch.setattr(module, "load_records", _refuse_whole)
    patch.setattr(snapshot, "build", _refuse_whole)


def _docx_text(folder: Path) -> dict[str, list[str]]:
    """Every paragraph and table cell of each document written to ``folder``."""
    from docx import Document

    out: dict[str, list[str]] = {}
    for path in sorted(folder.glob("*.docx")):
        doc = Document(str(path))
        lines = [p.text for p in doc.paragraphs]
        for table in doc.tables:
            lines += [cell.text for row in table.rows for cell in row.cells]
        out[path.name] = lines
    return out


READS = [
    ("rank", "--year", "2025", "--format", "json", "--force"),
    ("rank", "--year", "2026", "--as-of", "2026-07-15", "--org", "hexi-town", "--subtree",
     "--format", "csv", "--force"),
    ("status", "hexi-dongcun", "--as-of", "2026-07-15", "--format", "json", "--force"),
    ("status", "hexi-town", "--as-of", "2026-03-31", "--force"),
    ("list", "members", "--format", "json"),
    ("list", "orgs", "--as-of", "2026-07-15", "--format", "csv"),
    ("list", "meetings", "--org", "hexi-town", "--subtree", "--format", "json"),
    ("list", "dues", "--as-of", "2026-07-15", "--format", "csv"),
    ("list", "attendance", "--org", "hexi-dongcun", "--year", "2026", "--format", "json"),
    ("stats", "--as-of", "2026-07-15", "--format", "json"),
    ("dues", "statement", "--year", "2026", "--as-of", "2026-07-15", "--format", "json"),
]  # fmt: skip

RENDERS = [
    ("report", "--org", "qingshan-county", "--subtree", "--period", "2026-h1",
     "--as-of", "2026-07-15"),
    ("report", "--org", "hexi-dongcun", "--period", "2025", "--as-of", "2026-02-01"),
    ("funding", "--org", "hexi-town", "--subtree", "--year", "2025", "--date", "2026-03-01"),
]  # fmt: skip


def test_read_commands_from_snapshots_match_a_whole_load(county, monkeypatch, tmp_path) -> None:
    """rank, status, list, stats, dues statement and the reports, read through the
    snapshot (no whole load, no whole check), answer as a whole --no-cache run does
    after every random edit, in the work tree and after a commit."""
    rng = random.Random(13)
    _snapshot(county, monkeypatch)  # HEAD's snapshot, made once
    for step in range(6):
        for query in READS:
            with monkeypatch.context() as patch:
                _refuse_loads(patch)
                fast = _listing(county, *query)
            assert fast == _listing(county, *query, whole=True), (step, query)
        for n, query in enumerate(RENDERS):
            outs = []
            for whole in (False, True):
                out = tmp_path / f"docs-{step}-{n}-{whole}"
                args = ("render", *query, "--out", str(out), "--force")
                with monkeypatch.context() as patch:
                    if not whole:
                        _refuse_loads(patch)
                    code = _listing(county, *args, whole=whole)[0]
                outs.append((code, _docx_text(out)))
            assert outs[0] == outs[1], (step, query)
            assert outs[0][0] == 0 or step, query  # the untouched county renders
        for _ in range(2):
            rng.choice(EDITS)(county, rng)
        if step == 2:
            county.commit("a commit between runs")
    assert json.loads(_listing(county, *READS[0])[1])  # there was something to compare


def test_a_new_day_runs_only_the_dated_checks_again(county, monkeypatch) -> None:
    """Yesterday's snapshot (of another tree, too) is made today's by the dated checks
    alone: no whole check, and the same problems as a whole check on that day."""
    from datetime import date

    from dangjian_cli import checks

    def whole(day: date) -> list[dict]:
        return [p.as_dict() for p in checks.validate(load(FolderStore(county.root)), day)]

    def fast(day: date) -> list[dict]:
        found = snapshot.judge(county.root, snapshot.WORK_TREE, day)
        assert found is not None
        return [p.as_dict() for p in found.problems]

    # a secretary full only from mid-2025: the check's last day is in the message
    _sub(
        county.root / "members" / "zhou-jianping.toml",
        r"^full_since = .*",
        "full_since = 2025-06-01",
    )
    county.commit("a late full member leads")
    days = [date(2025, 3, 1), date(2026, 7, 15), date(2026, 7, 16)]
    assert fast(days[0]) == whole(days[0])
    dated: list[bool] = []
    real = checks.validate

    def spied(records, today=None, locate=True, dated_only=False):
        dated.append(dated_only)
        return real(records, today, locate, dated_only)

    with monkeypatch.context() as patch:
        patch.setattr(snapshot, "build", _refuse_whole)
        patch.setattr(checks, "validate", spied)
        for day in days[1:]:
            assert fast(day) == whole(day), day
        new_member(county, random.Random(4))
        county.commit("and a member joins")  # a new tree, carried from the last day's
        assert fast(days[0]) == whole(days[0])
    assert True in dated and "E-SECRETARY" in {p["code"] for p in whole(days[1])}
    assert whole(days[0]) != whole(days[1])  # the day mattered


def test_a_spread_review_takes_the_base_from_its_snapshot(county, monkeypatch) -> None:
    """A change too spread for a scoped review loads both sides whole; when the base
    commit's snapshot was judged on the review's day, its problems and findings are
    the base's (only the head is checked and evaluated), and the review is the same."""
    from datetime import date

    from dangjian_cli import checks
    from dangjian_cli.checks import reuse
    from dangjian_cli.gitops import sides
    from dangjian_cli.rules import engine

    day = date(2026, 7, 15)
    assert snapshot.judge(county.root, snapshot.WORK_TREE, day, (day.isoformat(), None))
    rng = random.Random(8)
    for _ in range(8):
        rng.choice(EDITS)(county, rng)
    monkeypatch.setattr(sides, "SCOPED_SHARE", 0.0)  # every change is too spread
    monkeypatch.setattr(sides, "CACHE_FROM", 1)
    args = ["review", "HEAD", "--as-of", day.isoformat(), "--format", "json"]
    whole = _listing(county, *args, whole=True)
    checked: list[int] = []
    evaluated: list[tuple[int, int]] = []
    rejudged: list[int] = []
    real_validate, real_evaluate, real_rejudge = checks.validate, engine.evaluate, reuse.rejudge
    with monkeypatch.context() as patch:
        patch.setattr(
            checks,
            "validate",
            lambda *a, **k: checked.append(len(a[0].paths)) or real_validate(*a, **k),
        )
        patch.setattr(
            engine,
            "evaluate",
            lambda *a, **k: evaluated.append((id(a[0]), len(a[0].paths))) or real_evaluate(*a, **k),
        )
        patch.setattr(reuse, "rejudge", lambda *a, **k: rejudged.append(1) or real_rejudge(*a, **k))
        fast = _listing(county, *args)
    assert fast == whole
    # the head's only: its checks from the base's (checks.reuse), its rules whole in
    # two parts, and the changed members alone (gitops.local)
    files = len(county.git("ls-files", "*.toml").split())
    assert not [n for n in checked if n > files // 2], checked
    assert rejudged == [1]
    assert len({side for side, n in evaluated if n > files // 2}) == 1, evaluated
    assert len(evaluated) <= 3, evaluated
    assert json.loads(fast[1])["problems_introduced"]
    for full in (True, False):  # --full, and a review on another day: both sides judged
        other = [*args[:3], "2026-07-16", *args[4:], *(["--full"] if full else [])]
        assert _listing(county, *other) == _listing(county, *other, whole=True)
