"""Kept views: `list`, `status` and `stats` asked again of the same records print the kept
text, and it is what a whole ``--no-cache`` run prints, after every random edit
of the work tree, after commits, in both languages and for other revisions; a
damaged view is never printed."""

from __future__ import annotations

import random

import pytest

from dangjian_cli.gitops import snapshot, views
from tests.conftest import import_every_command
from tests.gitops import test_snapshot as whole_checks
from tests.gitops.test_snapshot import EDITS, _listing

#: the sample county under git, snapshots used at any size
county = whole_checks.county

READS = [
    ("list", "members", "--format", "json"),
    ("list", "members", "--org", "hexi-town", "--subtree", "--format", "csv"),
    ("list", "members", "--status", "probationary", "--format", "table"),
    ("list", "members", "--as-of", "2026-03-31", "--format", "json", "--show-personal"),
    ("list", "orgs", "--as-of", "2026-07-15", "--format", "csv"),
    ("list", "dues", "--as-of", "2026-07-15", "--format", "json"),
    ("--lang", "zh", "list", "members", "--format", "table"),
    ("status", "hexi-dongcun", "--as-of", "2026-07-15", "--format", "json", "--force"),
    ("status", "hexi-town", "--as-of", "2026-03-31", "--force"),
    ("status", "qingshan-county", "--force"),
    ("status", "hexi-town", "--as-of", "2026-07-15", "--force"),
    ("--lang", "en", "status", "hexi-town", "--as-of", "2026-07-15", "--force"),
    ("--lang", "en", "list", "members", "--format", "table"),
    ("stats", "--as-of", "2026-07-15", "--format", "json"),
    ("stats", "--org", "hexi-town", "--subtree", "--format", "csv"),
    ("--lang", "zh", "stats"),
]  # fmt: skip


def _computing(*_a: object, **_k: object) -> None:
    raise AssertionError("the kept view was not used")


def _from_views(patch: pytest.MonkeyPatch) -> None:
    """Make computing a listing or a status, or reading a snapshot, fail: the kept
    view must serve."""
    from dangjian_cli.cli import obligations, tables
    from dangjian_cli.tables import stats

    import_every_command()
    patch.setattr(tables, "_listing", _computing)
    patch.setattr(stats, "compute", _computing)
    patch.setattr(obligations, "_status_screen", _computing)
    patch.setattr(snapshot, "snapshot_of", _computing)


def _kept_views(repo) -> list:
    where = repo.root / ".git" / snapshot.FOLDER / views.FOLDER
    return sorted(p for p in where.iterdir() if not p.name.startswith("."))


def test_kept_views_match_a_whole_run_after_random_edits(county, monkeypatch) -> None:
    rng = random.Random(17)
    changed = set()
    warnings = 0
    before: dict[tuple[str, ...], tuple] = {}
    for step in range(6):
        for query in READS:
            whole = _listing(county, *query, whole=True)
            first = _listing(county, *query)
            assert first == whole, (step, query)
            # status keeps views of valid records only: on invalid ones it warns each time
            warned = "status" in query and bool(whole[2])
            with monkeypatch.context() as patch:
                if not warned:
                    _from_views(patch)
                again = _listing(county, *query)
            assert again == whole, (step, query)
            warnings += warned
            if query in before and before[query] != whole:
                changed.add(query)
            before[query] = whole
        for _ in range(2):
            rng.choice(EDITS)(county, rng)
        if step == 3:
            county.commit("a commit between runs")
    assert _kept_views(county)
    # the edits changed what most of them print: a stale view would have been seen
    assert len(changed) >= len(READS) // 2, changed
    assert warnings  # some edits made the records invalid


def _served(repo, monkeypatch, *query: str):
    """The run of ``query`` with computing refused: its result and exception."""
    with monkeypatch.context() as patch:
        _from_views(patch)
        result = repo.run(*query)
    return result


def test_another_revision_has_its_own_views(county, monkeypatch) -> None:
    first = county.git("rev-parse", "HEAD").strip()
    query = ("list", "members", "--format", "csv")
    old = _listing(county, *query)
    EDITS[0](county, random.Random(2))  # move a member
    county.commit("moved")
    new = _listing(county, *query)
    assert new != old and new == _listing(county, *query, whole=True)
    assert _served(county, monkeypatch, *query).stdout == new[1]
    # asked of other records (here: another org's), a view is computed, not reused
    other = _served(county, monkeypatch, *query, "--org", "hexi-town")
    assert isinstance(other.exception, AssertionError)
    status = ("status", "hexi-town", "--rev", first, "--force")
    want = _listing(county, *status, whole=True)
    assert _listing(county, *status) == want
    assert _served(county, monkeypatch, *status).stdout == want[1]
    head = ("status", "hexi-town", "--force")
    assert _listing(county, *head) == _listing(county, *head, whole=True)


def test_a_damaged_view_is_computed_again(county, monkeypatch) -> None:
    query = ("list", "members", "--format", "json")
    want = _listing(county, *query, whole=True)
    assert _listing(county, *query) == want
    (kept,) = _kept_views(county)
    data = bytearray(kept.read_bytes())
    data[-3] ^= 1  # one bit of a name
    kept.write_bytes(bytes(data))
    assert isinstance(_served(county, monkeypatch, *query).exception, AssertionError)
    assert _listing(county, *query) == want
    kept.write_bytes(kept.read_bytes()[:-100])  # cut short
    assert isinstance(_served(county, monkeypatch, *query).exception, AssertionError)
    assert _listing(county, *query) == want


def test_views_are_kept_few(county, monkeypatch) -> None:
    monkeypatch.setattr(views, "KEEP", 3)
    for day in range(1, 8):
        _listing(county, "list", "members", "--as-of", f"2026-03-0{day}", "--format", "csv")
    assert len(_kept_views(county)) == 3


def test_no_cache_keeps_no_view(county) -> None:
    _listing(county, "list", "members", "--format", "json", whole=True)
    assert not (county.root / ".git" / snapshot.FOLDER / views.FOLDER).exists()


def test_state_names_the_exact_bytes() -> None:
    tree = "a" * 40
    assert views.state_of(tree, None) == views.state_of(tree, {})
    one = views.state_of(tree, {"members/x.toml": b"a = 1\n"})
    assert one != views.state_of(tree, {"members/x.toml": b"a = 2\n"})
    assert one != views.state_of(tree, {"members/x.toml": None})
    assert one != views.state_of("b" * 40, {"members/x.toml": b"a = 1\n"})
    assert one != views.state_of(tree, {"members/y.toml": b"a = 1\n"})


def test_a_table_fitted_to_another_width_is_another_view(county, monkeypatch) -> None:
    query = ("list", "members", "--format", "table")
    seen = set()
    for width in ("60", "200", "60"):
        monkeypatch.setenv("DANGJIAN_WIDTH", width)
        got = _listing(county, *query)
        assert got == _listing(county, *query, whole=True), width
        seen.add(got[1])
    assert len(seen) == 2
