"""What the benchmark scripts share: making data sets and timing commands."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
DANGJIAN = str(Path(sys.executable).with_name("dangjian"))


def dataset(records: int | None, *, git: bool = False) -> Path:
    """A synthetic repository of about ``records`` files, generated once and kept.

    ``records=None`` is synth.py's full-size default county (``synth-full``).
    """
    name = "synth-full" if records is None else f"synth-{records // 1000}k"
    out = DATA / (name + ("-git" if git else ""))
    # synth-manifest.json is written last: a folder without it is an interrupted run
    if not (out / "dangjian.toml").exists() or not (out / "synth-manifest.json").exists():
        print(f"generating {out} ...", file=sys.stderr)
        args = [sys.executable, str(HERE / "synth.py"), str(out), "--force"]
        if records is not None:
            args += ["--records", str(records)]
        if git:
            args.append("--git")
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    return out


def _group_pss_kb(pgid: int) -> int:
    """Proportional memory of every process in a process group (pool workers included).

    PSS rather than RSS: forked workers share their parent's pages, and RSS would
    count those pages once per process.
    """
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
            if int(fields[2]) != pgid:  # fields after "(comm)": state, ppid, pgrp
                continue
            with open(f"/proc/{entry}/smaps_rollup", "rb") as handle:
                for line in handle:
                    if line.startswith(b"Pss:"):
                        total += int(line.split()[1])
                        break
        except (OSError, IndexError, ValueError):
            continue
    return total


def run_once(
    args: list[str], ok_codes: tuple[int, ...] = (0,), env: dict[str, str] | None = None
) -> tuple[float, float, bytes]:
    """Wall seconds, peak memory in MB and stdout of one run of a command.

    Peak memory is the larger of the command's own peak RSS (from its rusage) and
    the largest sum of PSS over its process group, sampled ten times a second (so
    that a parsing pool counts). A detached cache writer (its own session) is not
    counted.
    """
    full_env = {**os.environ, **(env or {})}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(args, stdout=out, stderr=err, env=full_env, start_new_session=True)
        sampled = [0]
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.1):
                sampled[0] = max(sampled[0], _group_pss_kb(proc.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode not in ok_codes:
            err.seek(0)
            raise SystemExit(f"{' '.join(args)} exited {proc.returncode}: {err.read()[-500:]!r}")
        out.seek(0)
        return wall, max(usage.ru_maxrss, sampled[0]) / 1024, out.read()


def timed(
    args: list[str],
    runs: int,
    ok_codes: tuple[int, ...] = (0,),
    env: dict[str, str] | None = None,
    before: Callable[[int], None] | None = None,
) -> dict[str, float]:
    """Wall seconds of ``runs`` runs of a command (median, min, max) and peak memory.

    ``before(i)`` runs untimed before run ``i`` (to change a file, say).
    """
    times: list[float] = []
    peaks: list[float] = []
    for i in range(runs):
        if before is not None:
            before(i)
        wall, peak, _ = run_once(args, ok_codes, env)
        times.append(wall)
        peaks.append(peak)
    return {
        "median": statistics.median(times),
        "min": min(times),
        "max": max(times),
        "peak_mb": max(peaks),
        "runs": runs,
    }


def wait_for_cache_writer(folder: Path, timeout: float = 120.0) -> None:
    """Wait until no detached cache writer has a temporary file in ``folder``.

    The commands write their records cache from a detached process after they
    exit; a benchmark waits for it so that one run's writer does not share the
    cores with the next run (a clerk does not run commands back to back).
    """
    time.sleep(0.3)  # let a writer that is just starting create its file
    end = time.monotonic() + timeout
    snapshots = folder / "dangjian-snapshots"  # a git folder's snapshots, written behind too
    while time.monotonic() < end and (
        any(folder.glob(".dangjian-*.tmp")) or any(snapshots.glob(".tmp-*"))
    ):
        time.sleep(0.1)


def machine() -> dict[str, float]:
    """Cores, memory (GB, from /proc/meminfo) and the 1-minute load average."""
    mem_kb = 0
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemTotal:"):
                    mem_kb = int(line.split()[1])
    except OSError:
        pass
    return {
        "cores": os.cpu_count() or 0,
        "mem_gb": mem_kb / 1024 / 1024,
        "load": os.getloadavg()[0],
    }


def report(rows: list[tuple[str, dict[str, float], str]]) -> None:
    print(f"machine: {os.cpu_count()} cores")
    print(f"{'figure':48} {'median':>8} {'min':>8} {'max':>8} {'peak MB':>8}  target")
    for name, t, target in rows:
        cells = " ".join(f"{t[k]:8.3f}" for k in ("median", "min", "max"))
        print(f"{name:48} {cells} {t['peak_mb']:8.0f}  {target}")
