"""The overview site of the full synthetic county (issue 18: under 30 s warm).

    .venv/bin/python benchmarks/bench_site.py [--records N] [--runs 3] [--as-of 2026-07-01]

Writes `dangjian site` of the git copy of the full county (benchmarks/data/
synth-full-git, about 155,000 records, a commit per month; made once by synth.py)
into a fresh folder and times:

* the first run into that folder: the trends read eight older commits (each
  quarter's last) and keep their shares in the folder; every page is written;
* warm runs, nothing changed: every page is made again and compared, none written;
* a run after one branch's meeting was added (not committed): the pages it shows on
  are rewritten, the others left alone.

The records are judged as every read command judges them (gitops.snapshot: the
tree's problems and the obligation answers kept with its snapshot, the change in
the work tree applied). The meeting file is removed at the end. `--force`: the
synthetic county may break a check added after it was made; the site is timed
either way.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import DANGJIAN, dataset, machine, report, timed, wait_for_cache_writer

MEETING = """org = "{org}"
kind = "theme_day"
date = {day}
topic = "bench: one meeting added"
attendees = []
"""


def run(args: list[str]) -> tuple[float, str]:
    """Wall seconds and stderr of one run."""
    start = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} exited {done.returncode}: {done.stderr[-800:]}")
    return wall, done.stderr


def changed(stderr: str) -> tuple[int, int]:
    """(pages, pages changed) from the summary line."""
    found = re.search(r"(\d+) pages in .* \((\d+) changed\)", stderr) or re.search(
        r"生成 (\d+) 个页面（(\d+) 个有变化）", stderr
    )
    if found is None:
        raise SystemExit(f"no summary line in: {stderr[-500:]}")
    return int(found.group(1)), int(found.group(2))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--records", type=int, default=None, help="default: the full county")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--as-of", default="2026-07-01")
    args = ap.parse_args()
    repo = dataset(args.records, git=True)
    dirty = subprocess.run(
        ["git", "-C", str(repo), "status", "--porcelain"], capture_output=True, check=True
    ).stdout
    if dirty.strip():
        raise SystemExit(f"{repo} has uncommitted changes: `git reset --hard` it first")
    out = Path(tempfile.mkdtemp(prefix="bench-site-")) / "site"
    cmd = [DANGJIAN, "-C", str(repo), "--lang", "zh", "site", "--out", str(out)]
    cmd += ["--as-of", args.as_of, "--force"]
    from dangjian_cli.records.cache import cache_file

    cache_folder = cache_file(repo).parent
    branch = next(p for p in sorted((repo / "meetings").iterdir()) if "-" in p.name)
    added = branch / f"{args.as_of}-theme_day.toml"
    try:
        first, err = run(cmd)
        pages, written = changed(err)
        wait_for_cache_writer(cache_folder)
        warm = timed(cmd, args.runs, before=lambda _: wait_for_cache_writer(cache_folder))
        _, err = run(cmd)
        assert changed(err)[1] == 0, "a warm run rewrote pages"
        added.write_text(MEETING.format(org=added.parent.name, day=args.as_of), "utf-8")
        wait_for_cache_writer(cache_folder)
        after, err = run(cmd)
        _, rewritten = changed(err)
    finally:
        added.unlink(missing_ok=True)
        shutil.rmtree(out.parent, ignore_errors=True)
    info = machine()
    print(f"{repo.name}: {pages} pages; load average {info['load']:.1f}", file=sys.stderr)
    one = {"min": 0.0, "max": 0.0, "peak_mb": 0.0, "runs": 1}
    report(
        [
            (f"site, first run ({written} pages written)", {**one, "median": first}, ""),
            ("site, warm (nothing changed: 0 written)", warm, "< 30 s"),
            (f"site, one meeting added ({rewritten} rewritten)", {**one, "median": after}, ""),
        ]
    )


if __name__ == "__main__":
    main()
