"""Speed and memory of `dangjian overdue` (issue 3: 100,000 records under 6 s and 1 GB).

    .venv/bin/python benchmarks/bench_overdue.py [--records 20000 100000] [--runs 3]

For each size it generates (once, kept under benchmarks/data/synth-<N>k) a
repository with benchmarks/synth.py, then:

* times the installed command end to end, ``overdue --as-of <manifest as_of>
  --format json``, once cold (no records cache: every file parsed, cache written)
  and ``--runs`` times warm, and reads peak memory from each child's rusage;
* checks that what it reports overdue is exactly what synth.py planted
  (``synth-manifest.json``), so that a fast wrong answer cannot pass;
* in a separate process, splits one warm run into load / validate / evaluate, and
  gives the evaluation cost per record, which should stay flat as size grows
  (the engine is linear in records, not records x rules).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
from common import DANGJIAN, dataset, wait_for_cache_writer  # noqa: E402
from common import run_once as _run_once  # noqa: E402
from synth import planted, reported  # noqa: E402  (the manifest's gaps, overdue's findings)

from dangjian_cli.records.cache import cache_file  # noqa: E402


def run_once(args: list[str]) -> tuple[float, float, bytes]:
    """Wall seconds, peak memory in MB and stdout of one run (exit 1: findings)."""
    return _run_once(args, ok_codes=(0, 1))


PHASES = r"""
import json, sys, time
from datetime import date
from dangjian_cli.records.cache import load_cached
from dangjian_cli.records.store import FolderStore
from dangjian_cli.checks import validate
from dangjian_cli.rules.engine import evaluate
import gc
t0 = time.perf_counter()
gc.disable()  # as the obligation commands do (cli/obligations.load_checked)
records = load_cached(FolderStore(sys.argv[1]))
gc.enable()
gc.freeze()
t1 = time.perf_counter()
validate(records)
t2 = time.perf_counter()
obligations = evaluate(records, date.fromisoformat(sys.argv[2]))
t3 = time.perf_counter()
print(json.dumps({"load": t1 - t0, "validate": t2 - t1, "evaluate": t3 - t2,
                  "records": len(records.paths), "obligations": len(obligations)}))
"""


def phases(repo: Path, as_of: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", PHASES, str(repo), as_of], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--records", type=int, nargs="+", default=[20000, 100000])
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    header = (
        f"{'records':>8} {'cold s':>7} {'peak MB':>8} {'warm med':>9} {'min':>6} {'max':>6}"
        f" {'peak MB':>8} {'load':>6} {'valid.':>6} {'eval.':>6} {'eval us/rec':>11}  gaps"
    )
    print(header)
    for size in args.records:
        repo = dataset(size)
        manifest = json.loads((repo / "synth-manifest.json").read_text(encoding="utf-8"))
        as_of = manifest["as_of"]
        cmd = [DANGJIAN, "-C", str(repo), "overdue", "--as-of", as_of, "--format", "json"]
        cache_file(repo).unlink(missing_ok=True)
        cold, cold_peak, out = run_once(cmd)  # parses every file and writes the cache
        wait_for_cache_writer(cache_file(repo).parent)  # written behind, after the command
        walls: list[float] = []
        peaks: list[float] = []
        for _ in range(args.runs):
            wall, peak, out = run_once(cmd)
            walls.append(wall)
            peaks.append(peak)
        expected, got = planted(manifest), reported(json.loads(out))
        gaps = (
            "exact"
            if expected == got
            else f"MISMATCH (+{len(got - expected)} -{len(expected - got)})"
        )
        split = phases(repo, as_of)
        per_record = split["evaluate"] / split["records"] * 1e6
        print(
            f"{split['records']:>8} {cold:7.2f} {cold_peak:8.0f} {statistics.median(walls):9.2f}"
            f" {min(walls):6.2f} {max(walls):6.2f} {max(peaks):8.0f} {split['load']:6.2f}"
            f" {split['validate']:6.2f} {split['evaluate']:6.2f} {per_record:11.1f}"
            f"  {gaps} ({len(expected)})"
        )
    print("targets (100k records): wall < 6 s, peak < 1024 MB")


if __name__ == "__main__":
    main()
