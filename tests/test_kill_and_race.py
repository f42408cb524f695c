"""Killed and concurrent writers (issue 10 item 11): the installed `dangjian` run as a
clerk runs it, interrupted with SIGKILL at seeded random moments, and raced against
itself on the same files.

Asserted: nothing half-written (every record parses, `validate` is clean), no temp
or lock file left once the next command has run, notice numbers never reused,
nothing lost when two writers meet. Bounded: a fixed number of runs, each a
subprocess; the counts (runs tried, failures) are printed and recorded.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

from tests.conftest import GIT_ENV

DANGJIAN = Path(sys.executable).parent / "dangjian"
SETTINGS = """
    name = "Test county"
    language = "en"
    tracking_since = 2025-01-01
    [numbering.town]
    default = "Town [{year}] No. {n}"
"""
KILLS = 18
SEED = 20261128

pytestmark = pytest.mark.skipif(not DANGJIAN.exists(), reason="dangjian is not installed")


@pytest.fixture
def grepo(make_repo):
    return make_repo({"dangjian.toml": SETTINGS}, git=True)


def _env() -> dict[str, str]:
    return {**os.environ, **GIT_ENV}


def _start(root: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(DANGJIAN), "-C", str(root), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )


def _run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(DANGJIAN), "-C", str(root), *args],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=120,
    )


def _files(root: Path) -> list[Path]:
    """Every file of the repository outside .git."""
    found = []
    for here, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d != ".git"]
        found.extend(Path(here, f) for f in files)
    return found


def _half_written(root: Path) -> list[str]:
    """Records that do not parse, and temp or lock files left behind."""
    bad = []
    for path in _files(root):
        if path.name.endswith(".tmp") or path.name.endswith(".lock"):
            bad.append(f"left behind: {path.relative_to(root)}")
        elif path.suffix == ".toml":
            try:
                tomllib.loads(path.read_text(encoding="utf-8"))
            except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
                bad.append(f"half-written: {path.relative_to(root)}: {exc}")
    return bad


def _notice_numbers(root: Path) -> list[str]:
    folder = root / "notices" / "2026"
    if not folder.exists():
        return []
    return [tomllib.loads(p.read_text(encoding="utf-8"))["number"] for p in folder.glob("*.toml")]


def _report(record_property, text: str) -> None:
    print(text)
    record_property("counts", text)


def test_killed_writers_leave_nothing_half_written(grepo, record_property):
    """`set`, `new` and `render notice --commit` killed at random moments."""
    rng = random.Random(SEED)
    root = grepo.root
    ops = {
        "set": lambda i: ("set", "m1", "phone", f"1380000{i:04d}"),
        "new fund": lambda i: (
            "new", "fund", "village", "--date", f"2026-01-{i % 28 + 1:02d}",
            "--direction", "income", "--source", "fiscal", "--amount", str(100 + i),
        ),
        "new meeting": lambda i: (
            "new", "meeting", "village", "--date", "2026-02-03", "--kind", "theme_day",
            "--attendee", "m1,m2",
        ),
        "new member": lambda i: (
            "new", "member", f"k{i}", "--name", f"Kay {i}", "--org", "village",
            "--status", "full", "--admitted", "2010-01-01", "--full-since", "2011-01-01",
        ),
        "render notice": lambda i: (
            "render", "notice", "--org", "village", "--kind", "praise",
            "--finding", f"Good work {i}", "--as-of", "2026-03-01", "--commit",
        ),
    }  # fmt: skip
    names = list(ops)
    # how long each command takes here, so that the kills fall inside its run
    took = {}
    for name in names:
        started = time.monotonic()
        done = _run(root, *ops[name](100))
        assert done.returncode == 0, (name, done.stderr)
        took[name] = time.monotonic() - started
    tried = killed = failures = 0
    problems: list[str] = []
    for i in range(KILLS):
        name = names[i % len(names)]
        proc = _start(root, *ops[name](i))
        time.sleep(rng.uniform(0.3, 1.0) * took[name])
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            killed += 1
        proc.communicate()
        tried += 1
        # the next command (any writer) clears what the killed one left
        after = _run(root, "set", "m2", "phone", f"1390000{i:04d}")
        if after.returncode != 0:
            problems.append(f"run {i} ({name}): next command failed: {after.stderr.strip()}")
        found = _half_written(root)
        numbers = _notice_numbers(root)
        if len(numbers) != len(set(numbers)):
            found.append(f"notice number reused: {sorted(numbers)}")
        if found:
            problems.extend(f"run {i} ({name}): {line}" for line in found)
        failures += bool(found) or after.returncode != 0
    last = _run(root, *ops["render notice"](KILLS))  # a killed notice never blocks the next
    if last.returncode != 0:
        problems.append(f"notice after the kills failed: {last.stderr.strip()}")
    validate = _run(root, "validate")
    if validate.returncode != 0:
        problems.append(f"validate: {validate.stdout.strip()} {validate.stderr.strip()}")
    numbers = _notice_numbers(root)
    _report(
        record_property,
        f"kill test: {tried} runs tried, {killed} killed mid-run, {failures} failures, "
        f"{len(numbers)} notices issued",
    )
    assert problems == []
    assert len(numbers) == len(set(numbers)) >= 1


def test_eight_notices_at_once_get_distinct_numbers(grepo, record_property):
    root = grepo.root
    before = int(grepo.git("rev-list", "--count", "HEAD"))
    procs = [
        _start(
            root,
            "render",
            "notice",
            "--org",
            "village",
            "--kind",
            "praise",
            "--finding",
            f"Reason {k}",
            "--as-of",
            "2026-03-01",
            "--commit",
        )
        for k in range(8)
    ]
    results = [(p.wait(timeout=180), p.communicate()[1]) for p in procs]
    failed = [err for code, err in results if code != 0]
    numbers = _notice_numbers(root)
    _report(
        record_property,
        f"concurrency test: 8 parallel notices, {len(failed)} failures, "
        f"{len(set(numbers))} distinct numbers",
    )
    assert failed == []
    assert sorted(numbers) == sorted(f"Town [2026] No. {n}" for n in range(1, 9))
    assert len(list((root / "out").glob("notice-2026-*.docx"))) == 8
    assert int(grepo.git("rev-list", "--count", "HEAD")) == before + 8
    assert grepo.git("status", "--porcelain", "--", "notices") == ""
    assert _half_written(root) == []


def _pair(root: Path, first: tuple[str, ...], second: tuple[str, ...]) -> list[tuple[int, str]]:
    procs = [_start(root, *first), _start(root, *second)]
    return [(p.wait(timeout=120), p.communicate()[1]) for p in procs]


ROUNDS = 2


def test_pairs_of_writers_on_one_file_lose_nothing(grepo, record_property):
    root = grepo.root
    tried = failures = 0
    problems: list[str] = []

    def check(what: str, ok: bool, detail: object) -> None:
        nonlocal tried, failures
        tried += 1
        if not ok:
            failures += 1
            problems.append(f"{what}: {detail}")

    for r in range(ROUNDS):
        fund = ("new", "fund", "village", "--date", f"2026-05-0{r + 1}", "--direction",
                "income", "--source", "fiscal", "--amount")  # fmt: skip
        out = _pair(root, (*fund, f"{111 + r}"), (*fund, f"{222 + r}"))
        ledger = tomllib.loads((root / "funds/village/2026.toml").read_text(encoding="utf-8"))
        amounts = sorted(e["amount"] for e in ledger["entry"])
        check(f"new fund round {r}", [c for c, _ in out] == [0, 0] and len(amounts) == 2 * (r + 1)
              and {111 + r, 222 + r} <= set(amounts), (out, amounts))  # fmt: skip

        meeting = ("new", "meeting", "village", "--date", f"2026-06-1{r}", "--kind",
                   "theme_day", "--attendee", "m1")  # fmt: skip
        out = _pair(root, (*meeting, "--topic", "A"), (*meeting, "--topic", "B"))
        files = sorted(p.name for p in (root / "meetings/village").glob(f"2026-06-1{r}-*.toml"))
        topics = sorted(
            tomllib.loads((root / "meetings/village" / f).read_text(encoding="utf-8"))["topic"]
            for f in files
        )
        check(f"new meeting round {r}", [c for c, _ in out] == [0, 0] and files == [
            f"2026-06-1{r}-theme_day-2.toml", f"2026-06-1{r}-theme_day.toml"
        ] and topics == ["A", "B"], (out, files, topics))  # fmt: skip

        member = ("new", "member", f"twin{r}", "--org", "village", "--status", "full",
                  "--admitted", "2010-01-01", "--full-since", "2011-01-01", "--name")  # fmt: skip
        out = _pair(root, (*member, "First"), (*member, "Second"))
        codes = [c for c, _ in out]
        name = tomllib.loads((root / f"members/twin{r}.toml").read_text(encoding="utf-8"))["name"]
        winner = "First" if codes[0] == 0 else "Second"
        check(f"new member round {r}", sorted(codes) == [0, 1] and name == winner
              and "already exists" in out[codes.index(1)][1], (out, name))  # fmt: skip

        out = _pair(
            root,
            ("set", "m3", "phone", f"1370000000{r}"),
            ("set", "m3", "name", f"Member Three {r}"),
        )
        m3 = tomllib.loads((root / "members/m3.toml").read_text(encoding="utf-8"))
        check(f"set round {r}", [c for c, _ in out] == [0, 0]
              and m3.get("phone") == f"1370000000{r}" and m3["name"] == f"Member Three {r}",
              (out, m3))  # fmt: skip
    validate = _run(root, "validate")
    check("validate", validate.returncode == 0, validate.stdout + validate.stderr)
    _report(record_property, f"race test: {tried} pairs and checks tried, {failures} failures")
    assert problems == []
    assert _half_written(root) == []
