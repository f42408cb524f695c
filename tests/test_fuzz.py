"""Fuzzing `validate` and `overdue` over the sample county (issue 10).

A seeded loop mutates one file of a copy of ``sample_repo`` at a time (byte flips,
type swaps, huge and deep values, control characters, other encodings, truncation,
extreme dates, too many tables, special files in its place), runs `validate` and
`overdue` on it, and restores it. Every run must end without a traceback, exit 0
or 1 (0 only when validation found no error, and then `overdue` computes), and
print each problem as one `path:line: <severity> CODE message` line naming a file
of the repository on a line it has; a file that is itself unreadable or invalid is
named. A couple of cases run the installed command in a subprocess, with a time
limit (a FIFO must not hang it). The counts (cases tried, failures) are reported in
the test summary; the loop is a fixed number of cases, a few seconds in all.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from dangjian_cli.cli.main import cli
from dangjian_cli.records.repository import load_file

SAMPLE = Path(__file__).resolve().parents[1] / "sample_repo"
SEED = 20261128
CASES = 48
#: meetings of these orgs are kept (the others' meetings only slow each run down;
#: no record refers to them)
MEETINGS_KEPT = ("hexi-xishan", "hexi-town", "songling-township")
AS_OF = "2026-06-30"
PROBLEM = re.compile(r"^(?P<path>[^\s:][^:]*):(?P<line>\d+): \S+ (?P<code>[EW]-[A-Z0-9-]+) \S")
ENV = {"DANGJIAN_CACHE": "0"}

Mutation = Callable[[random.Random, Path, bytes], str]


# ---- mutations: each changes ``target`` (whose bytes were ``data``) and names itself


def byte_flips(rng: random.Random, target: Path, data: bytes) -> str:
    raw = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        if raw:
            raw[rng.randrange(len(raw))] ^= rng.choice((0x01, 0x20, 0x80, 0xFF))
    target.write_bytes(bytes(raw))
    return "byte flips"


SWAPS = (
    '"text"',
    "12",
    "-0",
    "1.5",
    "1e400",
    "nan",
    "inf",
    "true",
    "2026-01-01",
    "2026-01-01T10:00:00+08:00",
    "10:00:00",
    '[1, "a"]',
    "[]",
    "{ a = 1 }",
    '""',
    "0x7fffffffffffffff",
)


def type_swap(rng: random.Random, target: Path, data: bytes) -> str:
    lines = data.decode("utf-8").split("\n")
    assignments = [i for i, line in enumerate(lines) if re.match(r"^[A-Za-z_\"]\S* = ", line)]
    if not assignments:
        return byte_flips(rng, target, data)
    i = rng.choice(assignments)
    swap = rng.choice(SWAPS)
    lines[i] = lines[i].split(" = ", 1)[0] + " = " + swap
    target.write_bytes("\n".join(lines).encode("utf-8"))
    return f"type swap {swap}"


def _append(target: Path, data: bytes, text: str) -> None:
    target.write_bytes(data.rstrip(b"\n") + b"\n" + text.encode("utf-8"))


def huge_value(rng: random.Random, target: Path, data: bytes) -> str:
    kind = rng.choice(("digits", "hex", "string", "float"))
    if kind == "digits":
        value = "9" * rng.choice((4301, 5000, 20000))
    elif kind == "hex":
        value = "0x" + "f" * rng.choice((2000, 6000))
    elif kind == "string":
        value = '"' + "长" * rng.choice((10_000, 300_000)) + '"'
    else:
        value = "1" + "0" * 400 + ".5"
    _append(target, data, f"\nhuge = {value}\n")
    return f"huge {kind}"


def deep_value(rng: random.Random, target: Path, data: bytes) -> str:
    depth = rng.choice((17, 200, 990, 3000, 20000))
    if rng.random() < 0.5:
        value = "[" * depth + "]" * depth
    else:
        value = "{ a = " * depth + "1" + " }" * depth
    _append(target, data, f"\ndeep = {value}\n")
    return f"deep {depth}"


CONTROLS = ("\x00", "\x01", "\x08", "\x1b", "\x7f", "\r", "\u202e", "\ufeff", "\ud7ff", "\x0c")


def control_chars(rng: random.Random, target: Path, data: bytes) -> str:
    text = data.decode("utf-8")
    for _ in range(rng.randint(1, 3)):
        at = rng.randrange(len(text) + 1)
        text = text[:at] + rng.choice(CONTROLS) + text[at:]
    target.write_bytes(text.encode("utf-8", "surrogatepass"))
    return "control characters"


def encoding(rng: random.Random, target: Path, data: bytes) -> str:
    text = data.decode("utf-8")
    name = rng.choice(("gbk", "utf-16", "utf-16-be", "utf-8-sig", "utf-32", "big5", "latin-1"))
    target.write_bytes(text.encode(name, "replace"))
    return f"encoding {name}"


def truncation(rng: random.Random, target: Path, data: bytes) -> str:
    cut = rng.choice((0, 1, rng.randrange(len(data) + 1)))
    target.write_bytes(data[:cut])
    return f"truncated at {cut}"


EXTREME_DATES = ("9999-12-31", "0001-01-01", "1900-01-01", "2199-12-31", "2024-02-29", "2200-01-01")


def extreme_date(rng: random.Random, target: Path, data: bytes) -> str:
    text = data.decode("utf-8")
    dates = list(re.finditer(r"(?<![\d\"-])\d{4}-\d{2}-\d{2}(?![\d\"])", text))
    if not dates:
        return type_swap(rng, target, data)
    by_key: dict[str, list[re.Match[str]]] = {}
    for found in dates:  # each field alike, not mostly the dozens of `paid_on`
        line_start = text.rfind("\n", 0, found.start()) + 1
        by_key.setdefault(text[line_start : found.start()].split("=")[0].strip(), []).append(found)
    found = rng.choice(by_key[rng.choice(sorted(by_key))])
    day = rng.choice(EXTREME_DATES)
    target.write_bytes((text[: found.start()] + day + text[found.end() :]).encode("utf-8"))
    return f"date {day}"


def many_tables(rng: random.Random, target: Path, data: bytes) -> str:
    n = rng.choice((300, 2100))
    _append(target, data, "".join(f"\n[extra{i}]\nvalue = {i}\n" for i in range(n)))
    return f"{n} unknown tables"


SETTINGS = (
    "grace_days = 100000000",
    "grace_days = -5",
    "min = 0",
    'due_before = "99999999999d"',
    'deadline = "+999999y"',
    'deadline = "02-30"',
    "enabled = 1",
    "weight = 1e9",
)


def rule_setting(rng: random.Random, target: Path, data: bytes) -> str:
    """Only for dangjian.toml: an out-of-range rule override."""
    setting = rng.choice(SETTINGS)
    _append(target, data, f"\n[rules.theme-day]\n{setting}\n")
    return f"setting {setting}"


def special_file(rng: random.Random, target: Path, data: bytes) -> str:
    kind = rng.choice(("fifo", "loop", "dangling", "device", "outside", "folder"))
    target.unlink()
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "loop":
        os.symlink(target.name, target)
    elif kind == "dangling":
        os.symlink("nowhere.toml", target)
    elif kind == "device":
        os.symlink("/dev/zero", target)
    elif kind == "outside":
        os.symlink(SAMPLE / "dangjian.toml", target)
    else:
        target.mkdir()
    return f"special {kind}"


MUTATIONS: tuple[Mutation, ...] = (
    byte_flips,
    type_swap,
    huge_value,
    deep_value,
    control_chars,
    encoding,
    truncation,
    extreme_date,
    many_tables,
    special_file,
)


def _restore(target: Path, data: bytes) -> None:
    if target.is_dir() and not target.is_symlink():
        target.rmdir()
    elif target.exists() or target.is_symlink():
        target.unlink()
    target.write_bytes(data)


# ---- what every run must show --------------------------------------------------------


def _failures(result, root: Path, rel: str, own_errors: bool) -> list[str]:
    """What is wrong with one in-process run's output (empty: nothing)."""
    out: list[str] = []
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        return [f"exception {type(result.exception).__name__}: {result.exception}"]
    text = result.output
    if "Traceback" in text:
        return ["traceback in the output"]
    if result.exit_code == 2 and rel == "dangjian.toml" and "no dangjian.toml" in text:
        return []  # no settings file: no repository to speak of (a usage error)
    if result.exit_code not in (0, 1):
        return [f"exit {result.exit_code}: {text[-300:]}"]
    named: set[str] = set()
    for line in text.splitlines():
        m = PROBLEM.match(line)
        if not m:
            continue
        path, number = m["path"], int(m["line"])
        named.add(path)
        where = root / path
        if not (where.exists() or where.is_symlink()):
            out.append(f"names a path that does not exist: {line[:200]}")
        elif where.is_file() and not where.is_symlink() and number > 1:
            lines = where.read_bytes().count(b"\n") + 1
            if number > lines:
                out.append(f"line {number} past the end ({lines} lines): {line[:200]}")
    errors = [x for x in text.splitlines() if PROBLEM.match(x) and " E-" in x]
    if result.exit_code == 1 and not errors:
        out.append(f"exit 1 without an error line naming a file: {text[-300:]}")
    if own_errors and rel not in named:
        out.append(f"the mutated file is not named: {text[-300:]}")
    return out


def _own_errors(root: Path, rel: str) -> bool:
    """Whether the mutated file is invalid by itself (then it must be named)."""
    target = root / rel
    if target.is_symlink() or not target.is_file():
        return True
    _, problems = load_file(rel, target.read_bytes())
    return any(p.is_error for p in problems)


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fuzz") / "county"

    def ignore(folder: str, names: list[str]) -> list[str]:
        if Path(folder).name == "meetings":
            return [n for n in names if n not in MEETINGS_KEPT]
        return []

    shutil.copytree(SAMPLE, root, ignore=ignore)
    return root


def _run(root: Path, *args: str):
    return CliRunner().invoke(cli, ["-C", str(root), *args], env=ENV)


def test_fuzz_validate_and_overdue(county: Path, record_property) -> None:
    base = _run(county, "validate")
    assert base.exit_code == 0, base.output  # every error below comes from the mutation
    rng = random.Random(SEED)
    files = sorted(p.relative_to(county).as_posix() for p in county.rglob("*.toml"))
    by_folder: dict[str, list[str]] = {}
    for rel in files:
        by_folder.setdefault(rel.split("/")[0], []).append(rel)
    tried = 0
    runs = 0
    found: list[str] = []
    kinds: dict[str, int] = {}
    for case in range(CASES):
        rel = rng.choice(by_folder[rng.choice(sorted(by_folder))])
        target = county / rel
        data = target.read_bytes()
        mutate = rule_setting if rel == "dangjian.toml" and case % 2 else rng.choice(MUTATIONS)
        try:
            what = mutate(rng, target, data)
            kinds[mutate.__name__] = kinds.get(mutate.__name__, 0) + 1
            own = _own_errors(county, rel)
            checked = _run(county, "validate")
            runs += 1
            problems = _failures(checked, county, rel, own)
            invalid = checked.exit_code == 1
            if invalid and "E-" not in checked.output:
                problems.append("validate exit 1 without errors")
            # overdue: on every valid mutation (the engine computes), and on some others
            if not invalid or case % 4 == 0:
                listed = _run(county, "overdue", "--as-of", AS_OF)
                runs += 1
                problems += [f"overdue: {p}" for p in _failures(listed, county, rel, own)]
                if listed.exit_code != checked.exit_code:
                    problems.append(f"overdue exit {listed.exit_code}, validate {invalid}")
        finally:
            _restore(target, data)
        tried += 1
        found += [f"case {case} {rel} ({what}): {p}" for p in problems]
    summary = (
        f"fuzz validate/overdue: {tried} cases, {runs} in-process runs, {len(found)} failures; "
        + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items()))
    )
    record_property("counts", summary)
    assert tried == CASES
    assert not found, "\n".join(found[:20])


def _installed() -> Path:
    return Path(sys.executable).parent / "dangjian"


@pytest.mark.parametrize("kind", ["fifo", "deep"])
def test_fuzz_installed_command(county: Path, kind: str, record_property) -> None:
    """The installed command, in its own process: ends in time, exit 1, names the file."""
    rel = "members/" + sorted(os.listdir(county / "members"))[0]
    target = county / rel
    data = target.read_bytes()
    try:
        if kind == "fifo":
            target.unlink()
            os.mkfifo(target)
        else:
            deep = "[" * 5000 + "]" * 5000
            _append(target, data, f"\nx = {deep}\ny = {'7' * 5000}\n")
        failures = []
        for command in ("validate", "overdue"):
            done = subprocess.run(
                [str(_installed()), "-C", str(county), command, "--as-of", AS_OF]
                if command == "overdue"
                else [str(_installed()), "-C", str(county), command],
                capture_output=True,
                text=True,
                timeout=60,
                env={**os.environ, **ENV},
            )
            output = done.stdout + done.stderr
            if done.returncode != 1 or "Traceback" in output or f"{rel}:" not in output:
                failures.append(f"{command}: exit {done.returncode}: {output[-400:]}")
    finally:
        _restore(target, data)
    record_property("counts", f"fuzz installed command ({kind}): 2 runs, {len(failures)} failures")
    assert not failures, "\n".join(failures)
