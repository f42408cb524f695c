"""The parallel cold load: the same records and problems, in the same order, as one process."""

from __future__ import annotations

import pickle

import pytest

from dangjian_cli.checks import validate
from dangjian_cli.records import repository
from dangjian_cli.records.store import FolderStore, OverlayStore

#: files that load, files that load with schema problems, files that do not load
FILES = {
    **{
        f"members/p{i:02d}.toml": f"""
            name = "Person {i}"
            org = "village"
            status = "full"
            admitted = 2010-01-01
            full_since = 2011-01-01

            [[dues]]
            month = "2026-0{1 + i % 9}"
            amount = "{8 + i}.50"
            paid_on = 2026-0{1 + i % 9}-10
        """
        for i in range(12)
    },
    "members/bad-status.toml": 'name = "X"\norg = "village"\nstatus = "ful"\n',
    "members/bad-money.toml": (
        'name = "Y"\norg = "nowhere"\nstatus = "applicant"\n'
        '[[dues]]\nmonth = "2026-13"\namount = 8.001\n'
    ),
    "members/broken.toml": 'name = "Z\n',
    "members/Bad Name.toml": 'name = "W"\n',
    "meetings/village/2026-03-01-theme_day.toml": """
        kind = "theme_day"
        date = 2026-03-01
        attendees = ["p01", "p02", "ghost", 7]
        extra = 1
    """,
    "stray/x.toml": "a = 1\n",
}


def view(records: repository.Records) -> tuple:
    return (
        list(records.by_path.items()),
        [p.as_dict() for p in records.problems],
        records.paths,
        list(records.members),
        records.meetings,
    )


@pytest.fixture
def mixed(make_repo, monkeypatch):
    """A repository of good and bad files, loaded in tasks of two files."""
    monkeypatch.setattr(repository, "CHUNK", 2)
    return make_repo(FILES)


@pytest.fixture
def slow_here(monkeypatch):
    """This process's tasks slowed down, so that the worker surely takes some:
    ``slow_here()`` from then on."""
    import os
    import time

    here, load_task = os.getpid(), repository._load_task

    def slow(task):
        if os.getpid() == here:
            time.sleep(0.02)
        return load_task(task)

    return lambda: monkeypatch.setattr(repository, "_load_task", slow)


def test_two_processes_load_what_one_does(mixed, slow_here):
    one = repository.load(FolderStore(mixed.root), workers=1)
    slow_here()
    two = repository.load(FolderStore(mixed.root), workers=2)
    assert view(two) == view(one)
    codes = {p.code for p in one.problems}
    assert {"E-ENUM", "E-MONEY", "E-TOML", "E-SLUG", "E-LAYOUT", "E-TYPE"} <= codes
    assert [p.text() for p in validate(two)] == [p.text() for p in validate(one)]


def test_a_store_workers_may_not_read_sends_the_bytes(mixed, slow_here):
    """An overlay (like a git store) is read here only; its changes reach the workers."""
    base = FolderStore(mixed.root)
    changes = {"members/p03.toml": b'name = "Changed"\norg = "village"\nstatus = "full"\n'}
    one = repository.load(OverlayStore(base, changes), workers=1)
    slow_here()
    two = repository.load(OverlayStore(base, changes), workers=2)
    assert view(two) == view(one)
    assert two.members["p03"].name == "Changed"


def test_a_file_gone_before_reading_is_reported_in_either_mode(mixed):
    stores = [FolderStore(mixed.root), FolderStore(mixed.root)]
    for store in stores:
        store.listing()  # listed while the file was there
    (mixed.root / "members/p05.toml").unlink()
    one = repository.load(stores[0], workers=1)
    two = repository.load(stores[1], workers=2)
    assert view(two) == view(one)
    gone = [p for p in two.problems if p.code == "E-IO"]
    assert [p.path for p in gone] == ["members/p05.toml"]


def test_records_pickle_back_equal(mixed):
    """Workers send records pickled by position: every field must come back."""
    records = repository.load(FolderStore(mixed.root), workers=1)
    for record in records.by_path.values():
        again = pickle.loads(pickle.dumps(record))
        assert again == record and type(again) is type(record)
    member = records.members["p03"]
    assert pickle.loads(pickle.dumps(member)).dues[0].amount == member.dues[0].amount


def test_outcomes_come_through_temporary_files_that_are_removed(
    mixed, tmp_path, monkeypatch, slow_here
):
    import tempfile

    handover = tmp_path / "handover"
    handover.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(handover))
    seen: list[str] = []
    received = repository._received

    def spy(sent):
        if isinstance(sent, str):
            seen.append(sent)
        return received(sent)

    monkeypatch.setattr(repository, "_received", spy)
    one = repository.load(FolderStore(mixed.root), workers=1)
    slow_here()
    two = repository.load(FolderStore(mixed.root), workers=2)
    assert view(two) == view(one)
    assert seen and all(name.startswith(str(handover)) for name in seen)
    assert list(handover.iterdir()) == []


def test_files_are_loaded_here_where_no_file_can_be_written(mixed, tmp_path, monkeypatch):
    """A worker that cannot hand its outcome over gives its task back and stops."""
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "no such folder"))
    taken: list[int] = []
    load_task = repository._load_task

    def spy(task):
        taken.append(len(task))
        return load_task(task)

    monkeypatch.setattr(repository, "_load_task", spy)
    one = repository.load(FolderStore(mixed.root), workers=1)
    two = repository.load(FolderStore(mixed.root), workers=2)
    assert view(two) == view(one)
    # every file loaded in this process (the spy counts here only)
    assert sum(taken) == len(one.paths)


def test_a_worker_that_dies_leaves_its_tasks_to_this_process(mixed, monkeypatch, tmp_path):
    """Tasks a worker took and never answered for are loaded here, in their place;
    it leaves no file behind."""
    import os
    import tempfile
    import time

    handover = tmp_path / "handover"
    handover.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(handover))

    load_task = repository._load_task
    parent = os.getpid()
    died: list[int] = []

    def dying(task):
        if os.getpid() != parent:
            (tmp_path / "taken").touch()
            os._exit(3)  # the worker dies on its first task
        died.append(1)
        time.sleep(0.05)  # slowed down, so that the worker surely takes one
        return load_task(task)

    one = repository.load(FolderStore(mixed.root), workers=1)
    monkeypatch.setattr(repository, "_load_task", dying)
    two = repository.load(FolderStore(mixed.root), workers=2)
    assert view(two) == view(one)
    # the worker took a task, and it was loaded here after all
    assert (tmp_path / "taken").exists()
    assert list(handover.iterdir()) == []
    assert len(died) == len(repository._tasks(FolderStore(mixed.root), one.paths))


def test_tasks_shrink_towards_the_end_and_cover_every_path():
    paths = [f"members/m{i:06d}.toml" for i in range(20_000)]
    tasks = repository._tasks(FolderStore("."), paths)
    assert [p for task in tasks for p in task] == paths
    sizes = [len(task) for task in tasks]
    assert sizes[0] == repository.CHUNK
    assert sizes[-1] <= repository.CHUNK // 10
    assert sizes == sorted(sizes, reverse=True)


def test_a_worker_whose_parent_is_gone_stops(mixed, tmp_path, monkeypatch, slow_here):
    """A worker takes no more tasks once the process that forked it is gone (here
    it is told so): no outcome files are left for nobody to take."""
    import os
    import tempfile

    handover = tmp_path / "handover"
    handover.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(handover))
    here = os.getpid()
    real = os.getppid
    monkeypatch.setattr(os, "getppid", lambda: 1 if os.getpid() != here else real())
    received: list[str] = []
    monkeypatch.setattr(repository, "_received", lambda sent: received.append(sent) or [])
    one = repository.load(FolderStore(mixed.root), workers=1)
    slow_here()
    two = repository.load(FolderStore(mixed.root), workers=2)
    assert view(two) == view(one)
    assert received == [] and list(handover.iterdir()) == []
