"""The share of obligations met per quarter, from the records as they stood (git history).

For each of the last eight quarters ended by the site's day, the records are read
from the last commit made before the quarter was over (``GitStore``, the ``--rev``
machinery, through the blob cache) and judged on the day after the quarter ends;
the obligations whose period lies inside the quarter are scored by the §12
ranking's ``score_orgs`` and summed for the county and for each township.

A past quarter read from a fixed commit never changes, so its figures are kept in
a small file in the site's folder, keyed by the commit, the quarter and the code
that judged it: a second run reads them back instead of loading old commits again.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from ..dates import add_months
from ..rules import engine, ranking
from ..rules.catalog import load_rules
from ..rules.periods import parse_period

QUARTERS = 8
CACHE = ".dangjian-site-trends.json"


def quarters(day: date, n: int = QUARTERS) -> list[tuple[str, date, date]]:
    """The last ``n`` quarters ended before ``day``: (label, first day, last day), oldest first."""
    q = (day.month - 1) // 3
    start = date(day.year, q * 3 + 1, 1)
    out = []
    for _ in range(n):
        end = start - timedelta(days=1)
        start = add_months(start, -3)
        out.append((f"{start.year}-Q{(start.month - 1) // 3 + 1}", start, end))
    return out[::-1]


def _code() -> str:
    """A fingerprint of the whole package's code, as snapshots keep (a quarter judged
    by other code is judged again)."""
    from ..gitops.snapshot import fingerprint

    return fingerprint()[:16]


def commit_before(root: Path, day: date) -> str | None:
    """The last commit of HEAD's first-parent line made before ``day`` began."""
    from ..gitops.run import git

    out = git(
        root,
        "rev-list",
        "-1",
        "--first-parent",
        f"--before={day.isoformat()}T00:00:00",
        "HEAD",
        check=False,
    )
    text = out.decode().strip()
    return text or None


def in_git(root: Path) -> bool:
    from ..gitops.run import git

    out = git(root, "rev-parse", "--is-inside-work-tree", check=False)
    return out.decode().strip() == "true"


def trends(
    root: Path,
    day: date,
    townships: list[str],
    cache_dir: Path | None,
    progress: Callable[[], None] | None = None,
) -> list[dict[str, Any]] | None:
    """Per quarter: label, commit, and met/owed for the county and each township.

    None when the records are not kept in git.
    """
    if not in_git(root):
        return None
    cache_path = cache_dir / CACHE if cache_dir is not None else None
    cache = _read_cache(cache_path)
    code = _code()
    out: list[dict[str, Any]] = []
    for label, first, last in quarters(day):
        judge = last + timedelta(days=1)
        commit = commit_before(root, judge)
        row: dict[str, Any] = {"quarter": label, "commit": commit, "county": None, "townships": {}}
        if commit is not None:
            key = f"{commit}:{label}:{code}"
            got = cache.get(key)
            if got is None:
                got = _judge(root, commit, first, last, judge)
                cache[key] = got
            row["county"] = got["county"]
            row["townships"] = {t: got["townships"].get(t) for t in townships}
        out.append(row)
        if progress is not None:
            progress()
    _write_cache(cache_path, cache, {f"{r['commit']}:{r['quarter']}:{code}" for r in out})
    return out


def _judge(root: Path, commit: str, first: date, last: date, judge: date) -> dict[str, Any]:
    """met / owed in the quarter, for the county and per township, at ``commit``."""
    from ..gitops.cache import load_blobs_cached
    from ..gitops.store import GitStore
    from .figures import _township

    store = GitStore(root, commit)
    try:
        records = load_blobs_cached(store)
    finally:
        store.close()
    rules = load_rules(records.settings)
    found = engine.evaluate(records, judge, first, rules=rules)
    inside = []
    for ob in found:
        try:
            period = parse_period(ob.period)
        except (ValueError, TypeError):
            continue
        if period.start >= first and period.end <= last:
            inside.append(ob)
    scores = ranking.score_orgs(inside, records, rules, "kind-group")
    county = [0, 0]
    towns: dict[str, list[int]] = {}
    scope = set(records.orgs)
    for sc in scores:
        owed = sc.met + sc.missed
        county[0] += sc.met
        county[1] += owed
        town = _township(records, sc.org, scope)
        tally = towns.setdefault(town, [0, 0])
        tally[0] += sc.met
        tally[1] += owed
    return {"county": county, "townships": towns}


def _read_cache(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_cache(path: Path | None, cache: dict[str, Any], keep: set[str]) -> None:
    if path is None:
        return
    data = {k: v for k, v in cache.items() if k in keep}
    text = json.dumps(data, sort_keys=True)
    try:
        if path.exists() and path.read_text("utf-8") == text:
            return
        from ..records.write import write_atomic

        write_atomic(path, text.encode("utf-8"))
    except OSError:
        pass  # a cache that cannot be written is only slower next time
