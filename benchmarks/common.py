"""What the benchmark scripts share: making data sets and timing commands."""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
DANGJIAN = str(Path(sys.executable).with_name("dangjian"))


def dataset(records: int, *, git: bool = False) -> Path:
    """A synthetic repository of about ``records`` files, generated once and kept."""
    name = f"synth-{records // 1000}k" + ("-git" if git else "")
    out = DATA / name
    if not (out / "dangjian.toml").exists():
        args = [
            sys.executable,
            str(HERE / "synth.py"),
            str(out),
            "--records",
            str(records),
            "--force",
        ]
        if git:
            args.append("--git")
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    return out


def timed(
    args: list[str], runs: int, ok_codes: tuple[int, ...] = (0,), env: dict[str, str] | None = None
) -> dict[str, float]:
    """Wall seconds of ``runs`` runs of a command (median, min, max) and peak memory."""
    times: list[float] = []
    full_env = {**os.environ, **(env or {})}
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=full_env)
        times.append(time.perf_counter() - start)
        if proc.returncode not in ok_codes:
            raise SystemExit(
                f"{' '.join(args)} exited {proc.returncode}: {proc.stderr.decode()[-500:]}"
            )
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {
        "median": statistics.median(times),
        "min": min(times),
        "max": max(times),
        "peak_mb": peak_kb / 1024,
    }


def report(rows: list[tuple[str, dict[str, float], str]]) -> None:
    print(f"machine: {os.cpu_count()} cores")
    print(f"{'figure':48} {'median':>8} {'min':>8} {'max':>8} {'peak MB':>8}  target")
    for name, t, target in rows:
        cells = " ".join(f"{t[k]:8.3f}" for k in ("median", "min", "max"))
        print(f"{name:48} {cells} {t['peak_mb']:8.0f}  {target}")
