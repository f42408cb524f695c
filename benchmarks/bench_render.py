"""Batch rendering speed (issue 4 target: 500 letters in under 30 s).

    .venv/bin/python benchmarks/bench_render.py [--orgs 600] [--runs 1] [--lang zh]

Renders every responsibility letter below the county of a synthetic repository
(benchmarks/synth.py --orgs N: about N-1 letters) with the installed command, and
a report and a funding report for the whole county. The time includes loading
the repository once (about a sixth of it at 600 orgs).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

from common import DANGJIAN, DATA, HERE, report, timed


def dataset(orgs: int) -> Path:
    """A synthetic county of ``orgs`` orgs (10 members each, 12 months), generated once."""
    out = DATA / f"synth-{orgs}orgs"
    if not (out / "dangjian.toml").exists():
        args = [sys.executable, str(HERE / "synth.py"), str(out), "--orgs", str(orgs),
                "--members", str(orgs * 10), "--months", "12", "--force"]  # fmt: skip
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    return out


def top_org(repo: Path) -> str:
    for path in sorted((repo / "orgs").glob("*.toml")):
        if "parent" not in tomllib.loads(path.read_text(encoding="utf-8")):
            return path.stem
    raise SystemExit(f"{repo}: no top org")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--orgs", type=int, default=600)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--lang", choices=["en", "zh"], default="zh")
    args = ap.parse_args()
    repo = dataset(args.orgs)
    county = top_org(repo)
    out = Path(tempfile.mkdtemp(prefix="bench-render-"))
    try:
        base = [DANGJIAN, "-C", str(repo), "render"]
        common = ["--lang", args.lang, "--out", str(out), "--force"]
        letters = timed(
            [*base, "letter", "--year", "2026", "--children-of", county, *common], args.runs
        )
        count = len(list(out.glob("letter-*.docx")))
        rows = [
            (f"render letter --children-of county ({count} letters)", letters, "500 in < 30 s"),
            (
                "render report --subtree (county, 2026-h1)",
                timed(
                    [*base, "report", "--org", county, "--period", "2026-h1", "--subtree",
                     "--as-of", "2026-07-01", *common],
                    args.runs,
                ),
                "",
            ),
            (
                "render funding --subtree (county, 2025)",
                timed(
                    [*base, "funding", "--year", "2025", "--org", county, "--subtree", *common],
                    args.runs,
                ),
                "",
            ),
        ]  # fmt: skip
        report(rows)
        per = letters["median"] / max(1, count)
        print(f"per letter: {per * 1000:.1f} ms -> 500 letters ≈ {per * 500:.1f} s")
    finally:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
