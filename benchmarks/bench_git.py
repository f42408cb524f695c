"""Speed of the git commands on the 100,000-record repository (issue 5).

    .venv/bin/python benchmarks/bench_git.py [--records 100000] [--runs 3]

Targets: ``validate --rev HEAD`` within 1.5x of ``validate`` on the work tree;
``review`` of a commit touching 1,000 records under 3 s.

* validate: once each with no records cache (every file parsed), then ``--runs``
  times each, alternately (so that the load of a shared machine falls on both
  alike), with warm caches (the work tree's stamped by stat data, the commit's
  by git blob id); wall time and the CPU time of the command and its git
  children are reported, min and median.
* review: a commit touching 1,000 records (500 members gain a dues row, 300
  meetings get a new topic, 100 meetings are renamed, 100 deleted) is made on the
  branch ``bench-review-<shape>`` with git plumbing and a temporary index (the
  work tree and index of the data set are not touched). Two shapes: ``clustered``
  (the records of a few townships: a typical merge request) and ``spread`` (the
  same number of records drawn from every org: the worst case for the scoped
  load). ``review main..<branch>`` is timed; the report must list 1,000 changes.
  ``review --full`` (everything loaded on both sides) is timed once for comparison.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import DANGJIAN, dataset


def run(args: list[str], ok: tuple[int, ...] = (0,)) -> tuple[float, float, bytes]:
    """Wall seconds, CPU seconds (the command and its children) and stdout of one run."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        before = os.times()
        start = time.perf_counter()
        proc = subprocess.run(args, stdout=out, stderr=err, check=False)
        wall = time.perf_counter() - start
        after = os.times()
        cpu = (after.children_user - before.children_user) + (
            after.children_system - before.children_system
        )
        out.seek(0)
        err.seek(0)
        if proc.returncode not in ok:
            raise SystemExit(f"{' '.join(args)}: exit {proc.returncode}: {err.read()[-400:]!r}")
        return wall, cpu, out.read()


def git(
    repo: Path, *args: str, env: dict[str, str] | None = None, data: bytes | None = None
) -> str:
    proc = subprocess.run(
        ["git", *args],
        cwd=repo,
        input=data,
        capture_output=True,
        check=True,
        env={**os.environ, **(env or {})},
    )
    return proc.stdout.decode()


def make_change(repo: Path, shape: str) -> str:
    """A branch whose tip changes 1,000 records of main; returns the branch name."""
    branch = f"bench-review-{shape}"
    listing = git(repo, "ls-tree", "-r", "main").splitlines()
    blobs = {line.split("\t", 1)[1]: line.split()[2] for line in listing}
    members = sorted(p for p in blobs if p.startswith("members/"))
    meetings = sorted(p for p in blobs if p.startswith("meetings/"))
    if shape == "clustered":  # the orgs of the first townships, as one clerk's work
        towns = ("meetings/tw01", "meetings/tw02", "meetings/tw03")
        meetings = [p for p in meetings if p.startswith(towns)]
        # members of those orgs are spread through the id range: take those that say so
        wanted = [f'org = "{t.split("/")[1]}'.encode() for t in towns]
        texts = _cat(repo, [blobs[p] for p in members])
        members = [p for p, t in zip(members, texts, strict=True) if any(w in t for w in wanted)]
    else:  # every k-th record across the whole county
        members = members[:: max(1, len(members) // 500)]
        meetings = meetings[:: max(1, len(meetings) // 500)]
    members, edits = members[:500], meetings[:300]
    renames, deletes = meetings[300:400], meetings[400:500]
    if len(members) < 500 or len(deletes) < 100:
        raise SystemExit(f"{shape}: not enough records to touch ({len(members)}, {len(deletes)})")
    texts = dict(zip(members + edits, _cat(repo, [blobs[p] for p in members + edits]), strict=True))
    new: dict[str, bytes] = {}
    for path in members:
        new[path] = (
            texts[path] + b'\n[[dues]]\nmonth = "2026-07"\namount = "8.00"\npaid_on = 2026-07-06\n'
        )
    for path in edits:
        text = texts[path].decode()
        new[path] = text.replace('topic = "', 'topic = "Revised: ', 1).encode()
    with tempfile.TemporaryDirectory(prefix="bench-git-") as tmp:
        env = {"GIT_INDEX_FILE": str(Path(tmp, "index"))}
        git(repo, "read-tree", "main", env=env)
        ids = git(repo, "hash-object", "-w", "--stdin-paths", env=env,
                  data="\n".join(_stage(Path(tmp), new)).encode()).split()  # fmt: skip
        lines = [f"100644 {oid}\t{path}" for path, oid in zip(sorted(new), ids, strict=True)]
        for path in renames:
            stem = path[:-5]
            lines.append(f"0 {'0' * 40}\t{path}")
            lines.append(f"100644 {blobs[path]}\t{stem}-2.toml")
        lines += [f"0 {'0' * 40}\t{path}" for path in deletes]
        git(repo, "update-index", "--index-info", env=env, data="\n".join(lines).encode() + b"\n")
        tree = git(repo, "write-tree", env=env).strip()
        commit = git(repo, "commit-tree", tree, "-p", "main", "-m", f"bench: {shape} change",
                     env={"GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "b@example.org",
                          "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "b@example.org",
                          "GIT_AUTHOR_DATE": "2026-07-07T00:00:00", "GIT_COMMITTER_DATE":
                          "2026-07-07T00:00:00"}).strip()  # fmt: skip
        git(repo, "update-ref", f"refs/heads/{branch}", commit)
    return branch


def _stage(folder: Path, new: dict[str, bytes]) -> list[str]:
    """Write the new contents to files in ``folder`` (for hash-object), in path order."""
    out: list[str] = []
    for i, path in enumerate(sorted(new)):
        target = folder / f"{i}.toml"
        target.write_bytes(new[path])
        out.append(str(target))
    return out


def _cat(repo: Path, oids: list[str]) -> list[bytes]:
    data = subprocess.run(
        ["git", "cat-file", "--batch"], cwd=repo, input="\n".join(oids).encode() + b"\n",
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    out: list[bytes] = []
    pos = 0
    for _ in oids:
        end = data.index(b"\n", pos)
        size = int(data[pos:end].rsplit(b" ", 1)[1])
        out.append(data[end + 1 : end + 1 + size])
        pos = end + 1 + size + 1
    return out


def summary(label: str, walls: list[float], cpus: list[float], target: str = "") -> None:
    print(
        f"{label:44} wall min {min(walls):6.2f} s  median {statistics.median(walls):6.2f} s   "
        f"cpu min {min(cpus):6.2f} s  median {statistics.median(cpus):6.2f} s  {target}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--skip-validate", action="store_true")
    args = ap.parse_args()
    repo = dataset(args.records, git=True)
    print(f"data set: {repo} ({os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f})")

    if not args.skip_validate:
        caches = {
            "work tree": repo / ".git" / "dangjian-records.cache",
            "--rev HEAD": repo / ".git" / "dangjian-blobs.cache",
        }
        modes = (("work tree", []), ("--rev HEAD", ["--rev", "HEAD"]))
        for label, extra in modes:  # cold: no records cache yet (every file parsed)
            caches[label].unlink(missing_ok=True)
            wall, cpu, _ = run([DANGJIAN, "-C", str(repo), "validate", *extra], ok=(0, 1))
            summary(f"validate {label}, cold cache", [wall], [cpu])
        warm: dict[str, tuple[list[float], list[float]]] = {m[0]: ([], []) for m in modes}
        for _ in range(args.runs):  # alternately, so machine load falls on both alike
            for label, extra in modes:
                wall, cpu, _ = run([DANGJIAN, "-C", str(repo), "validate", *extra], ok=(0, 1))
                warm[label][0].append(wall)
                warm[label][1].append(cpu)
        for label, _ in modes:
            summary(f"validate {label}, warm cache", *warm[label])
        wt, rev = warm["work tree"], warm["--rev HEAD"]
        print(
            f"{'ratio --rev / work tree (warm)':44} wall (min) {min(rev[0]) / min(wt[0]):.2f}x   "
            f"cpu (min) {min(rev[1]) / min(wt[1]):.2f}x   target <= 1.5x"
        )

    for shape in ("clustered", "spread"):
        branch = make_change(repo, shape)
        walls, cpus = [], []
        for _ in range(args.runs):
            wall, cpu, out = run(
                [DANGJIAN, "-C", str(repo), "review", f"main..{branch}", "--format", "json",
                 "--as-of", "2026-07-10"], ok=(0, 1),
            )  # fmt: skip
            walls.append(wall)
            cpus.append(cpu)
        report = json.loads(out)
        touched = sum(len(v) for v in report["changes"].values())
        summary(f"review, 1,000 records ({shape})", walls, cpus, "target < 3 s")
        print(
            f"{'':44} {touched} record changes; problems +{len(report['problems_introduced'])}"
            f"/-{len(report['problems_fixed'])}; findings +{len(report['findings_introduced'])}"
            f"/-{len(report['findings_resolved'])}"
        )
        if touched != 1000:
            raise SystemExit(f"review listed {touched} changes, expected 1000")
        wall, cpu, full = run(
            [DANGJIAN, "-C", str(repo), "review", f"main..{branch}", "--format", "json",
             "--as-of", "2026-07-10", "--full"], ok=(0, 1),
        )  # fmt: skip
        summary(f"review --full ({shape}), one run", [wall], [cpu])
        same = all(
            sorted(json.dumps(x, sort_keys=True) for x in report[k])
            == sorted(json.dumps(x, sort_keys=True) for x in json.loads(full)[k])
            for k in ("problems_introduced", "problems_fixed", "findings_introduced",
                      "findings_resolved")
        )  # fmt: skip
        print(f"{'':44} scoped review reports the same as --full: {same}")


if __name__ == "__main__":
    main()
