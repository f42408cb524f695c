"""Every figure of issue 6's target table in one run; writes benchmarks/RESULTS.md.

    .venv/bin/python benchmarks/run.py [--records N] [--runs 3] [--baseline-runs 1]

Without ``--records`` it uses synth.py's full-size default county
(benchmarks/data/synth-full, about 155,000 records, and a git copy,
synth-full-git, for the pre-commit hook); both are generated once and kept.
``--records N`` uses a smaller set for a quick run (RESULTS.md is then written
to RESULTS-<N>k.md unless ``--out`` says otherwise).

Each figure is the installed command, timed end to end ``--runs`` times:

* validate cold: ``DANGJIAN_CACHE=0`` in the plain folder (every file parsed; the OS
  file cache is warm); then warm there (records cache only: no git, no snapshots);
* in the git copy, where clerks keep records: the first validate (HEAD checked
  whole, its snapshot kept), then warm (nothing changed);
* validate after one file changed: before each run a member file in the git copy
  gets a new name (not staged); the file is restored afterwards;
* overdue --as-of 2026-07-01 in the git copy: first run (the window evaluated whole
  and kept with the snapshot), then warm;
* the pre-commit hook: ``validate --staged`` in the git copy with 10 member files
  edited and staged anew before each run; the files and index are restored afterwards;
* ``dangjian --help``;
* the naive baseline: this script with ``--baseline DIR``: every record file
  parsed with tomlkit, references checked in the plainest way.

Between runs it waits for the commands' detached cache writer to finish.
Peak memory is per figure: the largest run (see common.run_once).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from common import DANGJIAN, HERE, dataset, machine, timed, wait_for_cache_writer

AS_OF = "2026-07-01"
STAGED_FILES = 10
PEAK_LIMIT_MB = 1.5 * 1024


def baseline(root: Path) -> int:
    """The plainest validator: tomlkit parses each file, then dangling references.

    Each document is dropped once its references are noted (kept, 155,000 tomlkit
    documents would take about 9 GB).
    """
    import tomlkit

    refs: list[tuple[str, str, str]] = []  # (file, "org" or "member", id it names)
    files = 0
    for folder, dirs, names in os.walk(root):
        if ".git" in dirs:
            dirs.remove(".git")
        for name in names:
            if not name.endswith(".toml"):
                continue
            path = os.path.join(folder, name)
            with open(path, encoding="utf-8") as handle:
                doc = tomlkit.parse(handle.read())
            files += 1
            rel = os.path.relpath(path, root)
            kind = rel.split(os.sep, 1)[0]
            if kind == "members":
                refs.append((rel, "org", str(doc.get("org"))))
            elif kind == "orgs":
                refs += [(rel, "org", str(doc[k])) for k in ("parent",) if k in doc]
                refs += [(rel, "member", str(doc[k])) for k in ("secretary",) if k in doc]
            elif kind == "meetings":
                refs.append((rel, "org", rel.split(os.sep)[1]))
                named = [*doc.get("attendees", []), doc.get("chair"), doc.get("recorder")]
                refs += [(rel, "member", str(m)) for m in named if m]
    known = {
        "org": {p.stem for p in (root / "orgs").glob("*.toml")},
        "member": {p.stem for p in (root / "members").glob("*.toml")},
    }
    dangling = [(rel, what, ident) for rel, what, ident in refs if ident not in known[what]]
    for rel, what, ident in dangling:
        print(f"{rel}: no {what} {ident}")
    print(f"{files} files, {len(refs)} references, {len(dangling)} dangling")
    return 1 if dangling else 0


class Edited:
    """Member files whose name is changed before each run and restored at the end."""

    def __init__(self, repo: Path, count: int, stage: bool = False) -> None:
        self.repo = repo
        self.stage = stage
        files = sorted((repo / "members").glob("*.toml"))
        step = max(1, len(files) // count)
        self.paths = files[::step][:count]
        self.original = {p: p.read_bytes() for p in self.paths}

    def __call__(self, run: int) -> None:
        for path, data in self.original.items():
            lines = data.decode("utf-8").splitlines(keepends=True)
            lines = [
                f'name = "Bench Edit {run}"\n' if line.startswith("name = ") else line
                for line in lines
            ]
            path.write_text("".join(lines), encoding="utf-8")
        self._add()
        wait_for_cache_writer(self.cache_folder)

    def restore(self) -> None:
        for path, data in self.original.items():
            path.write_bytes(data)
        self._add()

    def _add(self) -> None:
        if self.stage:
            rel = [str(p.relative_to(self.repo)) for p in self.paths]
            subprocess.run(["git", "-C", str(self.repo), "add", "--", *rel], check=True)

    @property
    def cache_folder(self) -> Path:
        from dangjian_cli.records.cache import cache_file

        return self.repo / ".git" if self.stage else cache_file(self.repo).parent


def clean_snapshots(git_dir: Path) -> None:
    """Forget the snapshots of earlier runs, so that the first run makes one."""
    from dangjian_cli.gitops.snapshot import FOLDER

    for path in (git_dir / FOLDER).glob("*"):
        path.unlink()


def count_records(root: Path) -> int:
    count = 0
    for _, dirs, files in os.walk(root):
        if ".git" in dirs:
            dirs.remove(".git")
        count += sum(name.endswith(".toml") for name in files)
    return count


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--records", type=int, help="a smaller data set (default: the full county)")
    ap.add_argument("--runs", type=int, default=3, help="timed runs per figure (default 3)")
    ap.add_argument("--baseline-runs", type=int, default=1, help="runs of the slow baseline")
    ap.add_argument("--out", type=Path, help="results file (default benchmarks/RESULTS.md)")
    ap.add_argument("--baseline", type=Path, metavar="DIR", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.baseline:
        raise SystemExit(baseline(args.baseline))

    from dangjian_cli.records.cache import cache_file

    started = time.perf_counter()
    host = machine()
    repo = dataset(args.records)
    git_repo = dataset(args.records, git=True)
    records = count_records(repo)
    dirty = subprocess.run(
        ["git", "-C", str(git_repo), "status", "--porcelain"], capture_output=True, check=True
    ).stdout
    if dirty:  # the warm figures would measure those changes every run
        raise SystemExit(f"{git_repo} has uncommitted changes: `git reset --hard` it first")
    print(
        f"{records} records in {repo.name} ({host['cores']} cores, {host['mem_gb']:.1f} GB, "
        f"load {host['load']:.1f})",
        file=sys.stderr,
    )
    runs = args.runs
    cold = [DANGJIAN, "-C", str(repo), "validate"]
    validate = [DANGJIAN, "-C", str(git_repo), "validate"]
    overdue = [DANGJIAN, "-C", str(git_repo), "overdue", "--as-of", AS_OF, "--format", "json"]
    staged = [DANGJIAN, "-C", str(git_repo), "validate", "--staged"]
    cache_dir = cache_file(repo).parent
    git_dir = git_repo / ".git"
    rows: list[tuple[str, dict[str, float], float | None]] = []

    def figure(name: str, result: dict[str, float], target: float | None) -> None:
        rows.append((name, result, target))
        print(
            f"  {name}: median {result['median']:.3f} s, peak {result['peak_mb']:.0f} MB",
            file=sys.stderr,
        )

    figure("`dangjian --help`", timed([DANGJIAN, "--help"], runs * 3), 0.25)
    figure(
        "`validate`, cold (no cache)",
        timed(cold, runs, (0, 1), env={"DANGJIAN_CACHE": "0"}),
        15.0,
    )
    timed(cold, 1, (0, 1))  # fills the plain folder's records cache
    wait_for_cache_writer(cache_dir)
    figure("`validate`, plain folder (no git), records cache", timed(cold, runs, (0, 1)), None)
    # the git copy: the first run checks HEAD whole and keeps its snapshot
    clean_snapshots(git_dir)
    first = timed(validate, 1, (0, 1))
    wait_for_cache_writer(git_dir)
    figure("`validate`, first run in git (snapshot of HEAD made)", first, None)
    warm = timed(validate, runs, (0, 1))
    figure("`validate`, warm (cache, nothing changed)", warm, 1.5)
    one = Edited(git_repo, 1)
    try:
        figure("`validate` after one file changed", timed(validate, runs, (0, 1), before=one), 1.5)
    finally:
        one.restore()
    figure(
        f"`overdue --as-of {AS_OF}`, first run (window evaluated whole)",
        timed(overdue, 1, (0, 1)),
        None,
    )
    wait_for_cache_writer(git_dir)
    figure(f"`overdue --as-of {AS_OF}`, warm", timed(overdue, runs, (0, 1)), 3.0)
    ten = Edited(git_repo, STAGED_FILES, stage=True)
    try:
        figure(
            f"pre-commit hook (`validate --staged`), {STAGED_FILES} staged files",
            timed(staged, runs, (0, 1), before=ten),
            1.0,
        )
    finally:
        ten.restore()
    base = timed(
        [sys.executable, str(Path(__file__).resolve()), "--baseline", str(repo)],
        args.baseline_runs,
    )
    figure("naive baseline (tomlkit + references)", base, None)
    total = time.perf_counter() - started
    write_results(args, repo, records, host, rows, warm, base, total)


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def write_results(
    args: argparse.Namespace,
    repo: Path,
    records: int,
    host: dict[str, float],
    rows: list[tuple[str, dict[str, float], float | None]],
    warm: dict[str, float],
    base: dict[str, float],
    total: float,
) -> None:
    peak = max(r[1]["peak_mb"] for r in rows if not r[0].startswith("naive"))
    ratio = base["median"] / warm["median"]
    header = "| figure | runs | median s | min s | max s | peak MB | target | |"
    lines = [header, "|---|---|---|---|---|---|---|---|"]
    for name, t, target in rows:
        goal = f"under {target:g} s" if target is not None else "(reference)"
        judged = verdict(t["median"] < target) if target is not None else ""
        lines.append(
            f"| {name} | {t['runs']:.0f} | {t['median']:.3f} | {t['min']:.3f} | {t['max']:.3f}"
            f" | {t['peak_mb']:.0f} | {goal} | {judged} |"
        )
    lines.append(
        f"| peak memory, any of the above | | | | | {peak:.0f} | under 1536 MB"
        f" | {verdict(peak < PEAK_LIMIT_MB)} |"
    )
    lines.append(
        f"| warm `validate` vs the tomlkit baseline | | {ratio:.1f}x | | | | at least 20x"
        f" | {verdict(ratio >= 20)} |"
    )
    table = "\n".join(lines)
    print(table)
    print(f"total run time {total:.0f} s")
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    command = "benchmarks/run.py" + (f" --records {args.records}" if args.records else "")
    text = f"""# Benchmark results (issue 6)

Measured by `.venv/bin/python {command} --runs {args.runs}` on {now}.

- machine: {host["cores"]} cores, {host["mem_gb"]:.1f} GB memory, 1-minute load average
  {host["load"]:.1f} at the start (the cores are shared with other work, so figures vary)
- data set: `benchmarks/data/{repo.name}` ({records:,} record files; its git copy
  `{repo.name}-git` for the hook), made by `benchmarks/synth.py`
- whole run: {total:.0f} s

Times are wall seconds of the installed command, end to end; a target is met when
the median is under it. Peak memory is the largest run's: the command's peak RSS,
or its process group's summed PSS when larger (parsing pool included; the detached
cache writer is not counted). "Cold" means no records cache; the OS file cache is
warm. Rows without a target are for reference (and count for peak memory). The
warm figures are taken in the git copy, where records are kept: there a whole
check of HEAD is kept as a snapshot (`.git/dangjian-snapshots/`) and a run checks
only what differs from it (see dangjian_cli/gitops/snapshot.py); the plain-folder
row shows the records cache alone. The hook figure is `validate --staged` with
{STAGED_FILES} member files edited and staged before each run. The baseline
parses every record file with tomlkit and checks that members' orgs, orgs'
parents and secretaries and meetings' orgs, attendees, chairs and recorders exist.

{table}
"""
    out = args.out or HERE / (
        "RESULTS.md" if args.records is None else f"RESULTS-{args.records // 1000}k.md"
    )
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
