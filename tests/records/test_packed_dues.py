"""A member's many dues rows travel pickled as one packed value and are unpacked when
first read: the member read back equals the member written, whether its rows were
read, written again still packed, copied, or replaced; a roster that never reads the
dues never unpacks them."""

from __future__ import annotations

import copy
import pickle
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from dangjian_cli.records import model as m
from dangjian_cli.records.repository import load
from dangjian_cli.records.store import FolderStore

SAMPLE = Path(__file__).resolve().parents[2] / "sample_repo"


def _raw(member: m.Member):
    """The ``dues`` slot as held, without unpacking it."""
    return m.Member.__dict__["dues"].slot.__get__(member, m.Member)


def _member(rows: int) -> m.Member:
    dues = [
        m.Dues(f"2025-{i % 12 + 1:02d}", Decimal(f"{i}.50"), date(2025, 1, 1 + i % 28))
        for i in range(rows)
    ]
    return m.Member(path="members/a.toml", id="a", name="甲", org="o", dues=dues)


@pytest.mark.parametrize("rows", [0, 1, m.PACK_DUES_FROM - 1, m.PACK_DUES_FROM, 40])
def test_a_member_read_back_equals_the_member_written(rows) -> None:
    mb = _member(rows)
    back = pickle.loads(pickle.dumps(mb, protocol=pickle.HIGHEST_PROTOCOL))
    packed = isinstance(_raw(back), m._PackedDues)
    assert packed == (rows >= m.PACK_DUES_FROM)
    again = pickle.loads(pickle.dumps(back))  # written again while still packed
    assert isinstance(_raw(again), m._PackedDues) == packed
    assert back == mb and again == mb
    assert back.dues == mb.dues and type(back.dues) is list
    assert not isinstance(_raw(back), m._PackedDues)  # unpacked once, kept
    assert copy.deepcopy(again) == mb and repr(again) == repr(mb)


def test_dues_set_and_read_as_a_plain_attribute() -> None:
    mb = pickle.loads(pickle.dumps(_member(30)))
    mb.dues = [m.Dues("2026-01")]
    assert mb.dues == [m.Dues("2026-01")]
    mb.dues.append(m.Dues("2026-02"))
    assert [d.month for d in pickle.loads(pickle.dumps(mb)).dues] == ["2026-01", "2026-02"]
    assert m.Member(path="p", id="b").dues == []


def test_the_sample_countys_members_round_trip_and_a_roster_leaves_dues_packed() -> None:
    from dangjian_cli.tables import listing as lst

    records = load(FolderStore(SAMPLE))
    members = pickle.loads(pickle.dumps(records.members))
    assert sum(isinstance(_raw(mb), m._PackedDues) for mb in members.values()) > 20
    records.members = members
    lst.members(records, None, None, None)
    assert sum(isinstance(_raw(mb), m._PackedDues) for mb in members.values()) > 20
    assert members == load(FolderStore(SAMPLE)).members


@pytest.mark.parametrize("rows", [0, 1, m.PACK_DUES_FROM, 40])
def test_as_they_are_hands_a_member_over_unpacked(rows) -> None:
    """The parallel load's hand-over (``dues_as_they_are``) leaves the rows as they
    are: read back, the member is equal and holds a plain list, never packed."""
    import io

    mb = _member(rows)
    out = io.BytesIO()
    pickler = pickle.Pickler(out, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = m.dues_as_they_are()
    pickler.dump([mb, mb.dues[:1]])
    back, row = pickle.loads(out.getvalue())
    assert type(_raw(back)) is list and back == mb and row == mb.dues[:1]
    packed = pickle.loads(pickle.dumps(mb, protocol=pickle.HIGHEST_PROTOCOL))
    assert isinstance(_raw(packed), m._PackedDues) == (rows >= m.PACK_DUES_FROM)


def test_a_parallel_load_hands_members_over_unpacked(tmp_path, monkeypatch) -> None:
    from dangjian_cli.records import repository

    monkeypatch.setattr(repository, "CHUNK", 2)
    (tmp_path / "members").mkdir()
    (tmp_path / "dangjian.toml").write_text('name = "x"\n', encoding="utf-8")
    rows = "".join(
        f'[[dues]]\nmonth = "2025-{i:02d}"\namount = "8.00"\npaid_on = 2025-{i:02d}-05\n'
        for i in range(1, 13)
    )
    for n in range(20):
        (tmp_path / "members" / f"m{n:02d}.toml").write_text(
            f'name = "P{n}"\norg = "o"\nstatus = "full"\n{rows}', encoding="utf-8"
        )
    one = load(FolderStore(tmp_path), workers=1)
    # this process slowed down, so that the worker surely takes tasks
    import os
    import time

    here, load_task = os.getpid(), repository._load_task

    def slow(task):
        if os.getpid() == here:
            time.sleep(0.05)
        return load_task(task)

    monkeypatch.setattr(repository, "_load_task", slow)
    two = load(FolderStore(tmp_path), workers=2)
    # looked at before anything reads the rows (reading unpacks them)
    assert all(type(_raw(mb)) is list for mb in two.members.values())
    assert list(two.members.items()) == list(one.members.items())
    assert all(len(mb.dues) == 12 for mb in two.members.values())
