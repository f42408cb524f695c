"""records.names: a record named by path, path tail or bare id."""

from __future__ import annotations

import pytest

from dangjian_cli.errors import InputError
from dangjian_cli.records import layout
from dangjian_cli.records.names import resolve
from dangjian_cli.records.store import FolderStore

FUND = """
    [[entry]]
    date = 2026-01-05
    direction = "income"
    source = "fiscal"
    amount = 100
"""


@pytest.fixture
def store(make_repo):
    repo = make_repo(
        {
            "funds/village/2026.toml": FUND,
            "funds/town/2026.toml": FUND,
            "meetings/village/2026-03-15-theme_day.toml": """
                kind = "theme_day"
                date = 2026-03-15
                attendees = ["m1"]
            """,
        }
    )
    return FolderStore(repo.root)


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("members/m1", "members/m1.toml"),
        ("members/m1.toml", "members/m1.toml"),
        ("./members/m1.toml", "members/m1.toml"),
        ("m1", "members/m1.toml"),
        ("village", "orgs/village.toml"),
        ("2026-03-15-theme_day", "meetings/village/2026-03-15-theme_day.toml"),
        ("village/2026-03-15-theme_day", "meetings/village/2026-03-15-theme_day.toml"),
        ("town/2026", "funds/town/2026.toml"),
        ("dangjian", "dangjian.toml"),
        ("dangjian.toml", "dangjian.toml"),
    ],
)
def test_names_that_resolve(store, name, path):
    assert resolve(store, name) == path


def test_ambiguous_bare_id_lists_the_candidates(store):
    with pytest.raises(InputError) as info:
        resolve(store, "2026")
    assert str(info.value) == (
        "'2026' names 2 records: funds/town/2026.toml, funds/village/2026.toml "
        "(name one by its path)"
    )


def test_unknown_names_suggest_close_ids(store):
    with pytest.raises(InputError) as info:
        resolve(store, "m4")
    assert str(info.value) == (
        "no record named 'm4' (did you mean members/m1.toml, members/m2.toml, members/m3.toml?)"
    )
    with pytest.raises(InputError, match=r"no record named 'members/m9' \(did you mean"):
        resolve(store, "members/m9")
    with pytest.raises(InputError) as info:
        resolve(store, "zzzzzz")
    assert str(info.value) == "no record named 'zzzzzz'"


def test_kinds_narrow_the_search(store):
    # "village" is an org; asked for a member it is unknown
    assert resolve(store, "village", kinds=[layout.ORG]) == "orgs/village.toml"
    with pytest.raises(InputError, match="no member named 'village'"):
        resolve(store, "village", kinds=[layout.MEMBER])
    with pytest.raises(InputError, match="names 2 funds"):
        resolve(store, "2026", kinds=[layout.FUND])
