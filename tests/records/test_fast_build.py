"""The fast builders (records.fast) against schema.Builder, the path they stand in for.

On every well-formed file the fast builder must give the very record the Builder
gives; on anything the Builder has a word to say about (a problem of any kind) it
must give up, so that the Builder says it. Checked on the sample county, a small
synthetic county, and seeded random mutations of their parsed documents, and at
the limits the fast path counts instead of ``parse``.
"""

from __future__ import annotations

import copy
import importlib.util
import pickle
import random
import sys
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest

from dangjian_cli.records import layout
from dangjian_cli.records.fast import fast_record, prepare
from dangjian_cli.records.parse import MAX_TABLES, MAX_VALUES, parse
from dangjian_cli.records.repository import _FIXED, load_file
from dangjian_cli.records.schema import SPECS, Builder
from dangjian_cli.records.store import FolderStore

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_repo"
SYNTH = ROOT / "benchmarks" / "synth.py"
SEED = 20261206


def _fixed(path: str) -> tuple[str, dict[str, Any]]:
    loc = layout.classify(path)
    fixed = _FIXED.get(loc.kind)
    return loc.kind, {"path": path, "id": loc.id, **(fixed(loc) if fixed else {})}


@pytest.fixture(autouse=True, scope="module")
def _written() -> None:
    prepare()  # every kind's builder, not only once many files of the kind were read


def _both(path: str, doc: dict[str, Any]) -> tuple[Any, Any, list]:
    """(fast record or None, Builder's record, Builder's problems) of one document."""
    kind, fixed = _fixed(path)
    fast = fast_record(kind, doc, dict(fixed))
    builder = Builder(path)
    try:
        built = builder.build(SPECS[kind], doc, (), **fixed)
    except Exception:  # the loader turns this into E-TOML; the fast path must give up too
        return fast, None, ["raised"]
    return fast, built, builder.problems


def _agree(path: str, doc: dict[str, Any]) -> bool:
    """Assert that the fast builder agrees with the Builder; whether it built."""
    fast, built, problems = _both(path, doc)
    if problems:
        assert fast is None, (path, problems)
        return False
    if fast is not None:
        assert type(fast) is type(built)
        assert fast == built, path
        assert pickle.dumps(fast) == pickle.dumps(built), path
    return fast is not None


def _documents(root: Path) -> list[tuple[str, dict[str, Any]]]:
    store = FolderStore(root)
    out = []
    for path in store.listing()[0]:
        doc, _ = parse(path, store.read(path))
        if doc is not None:
            out.append((path, doc))
    return out


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    spec = importlib.util.spec_from_file_location("synth", SYNTH)
    module = importlib.util.module_from_spec(spec)
    sys.modules["synth"] = module
    try:
        spec.loader.exec_module(module)
        out = tmp_path_factory.mktemp("county")
        assert module.main([str(out), "--orgs", "12", "--members", "300", "--months", "6"]) == 0
    finally:
        sys.modules.pop("synth", None)
    return out


@pytest.mark.parametrize("where", ["sample", "synthetic"])
def test_every_well_formed_file_is_built_fast_as_the_builder_builds_it(where, request):
    root = SAMPLE if where == "sample" else request.getfixturevalue("synthetic")
    docs = _documents(root)
    assert len(docs) > 300
    long_way = []
    for path, doc in docs:
        fast, _, problems = _both(path, doc)
        if fast is None and not problems:
            long_way.append(path)
        _agree(path, doc)
    # only the settings (free tables) take the Builder's way without a problem to say
    assert long_way == [layout.SETTINGS_FILE]


#: values of every TOML type, and some a field could wrongly hold
ODD = [
    "text",
    "",
    "x" * 80,
    "full",
    "2025-13",
    "12.345",
    "8.00",
    0,
    -3,
    7,
    2001,
    12.5,
    float("inf"),
    float("nan"),
    True,
    False,
    date(2024, 2, 29),
    date(1850, 1, 1),
    date(2300, 1, 1),
    datetime(2024, 1, 1, 8, 0),
    time(8, 30),
    [],
    ["a", "b"],
    ["a", 3],
    [{"x": 1}],
    [date(2024, 1, 1), date(2024, 2, 1)],
    {},
    {"2024": 3},
    {"2024": 9},
    {"twenty": 3},
    {"since": date(2024, 1, 1)},
]


def _containers(doc: Any, out: list) -> list:
    """Every dict of a document (rows included), to mutate in place."""
    if isinstance(doc, dict):
        out.append(doc)
        for value in doc.values():
            _containers(value, out)
    elif isinstance(doc, list):
        for value in doc:
            _containers(value, out)
    return out


def _mutate(rng: random.Random, doc: dict[str, Any]) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    for _ in range(rng.randint(1, 3)):
        table = rng.choice(_containers(doc, []))
        roll = rng.random()
        if roll < 0.2 and table:
            del table[rng.choice(list(table))]  # a required field may go
        elif roll < 0.3:
            table[rng.choice(["extra", "nmae", "Status"])] = copy.deepcopy(rng.choice(ODD))
        elif table:
            key = rng.choice(list(table))
            value = table[key]
            if isinstance(value, list) and value and rng.random() < 0.5:
                value[rng.randrange(len(value))] = copy.deepcopy(rng.choice(ODD))
            else:
                table[key] = copy.deepcopy(rng.choice(ODD))
    return doc


def test_mutated_documents_are_built_fast_only_when_the_builder_has_nothing_to_say(synthetic):
    rng = random.Random(SEED)
    docs = _documents(SAMPLE) + _documents(synthetic)[::7]
    built = gave_up = 0
    for _ in range(3000):
        path, doc = rng.choice(docs)
        if _agree(path, _mutate(rng, doc)):
            built += 1
        else:
            gave_up += 1
    # both sides are exercised: mutations the schema accepts, and ones it does not
    assert built > 200 and gave_up > 1000, (built, gave_up)


def _places(doc: Any, where: tuple = ()) -> list[tuple]:
    """The path of every dict and list of a document, the first row of each list only."""
    out = [where]
    items = doc.items() if isinstance(doc, dict) else list(enumerate(doc))[:1]
    for key, value in items:
        if isinstance(value, dict | list):
            out += _places(value, (*where, key))
    return out


def _at(doc: Any, where: tuple) -> Any:
    for key in where:
        doc = doc[key]
    return doc


def test_every_field_of_every_kind_with_every_odd_value(synthetic):
    """Systematically: one file of each kind, each of its tables and lists, each key
    in it (and every field of its spec) set to each odd value, or removed."""
    seen: dict[str, tuple[str, dict[str, Any]]] = {}
    for path, doc in _documents(SAMPLE) + _documents(synthetic):
        kind = layout.classify(path).kind
        # the richest file of each kind: the most tables and lists to vary
        if kind not in seen or len(_places(doc)) > len(_places(seen[kind][1])):
            seen[kind] = (path, doc)
    built = 0
    for path, doc in seen.values():
        names = set(SPECS[layout.classify(path).kind].fields)
        for where in _places(doc):
            place = _at(doc, where)
            if isinstance(place, list):
                keys: set = {0}
            else:
                keys = set(place) | (names if not where else set())
            for key in keys:
                for value in [*ODD, None]:
                    changed = copy.deepcopy(doc)
                    target = _at(changed, where)
                    if value is not None:
                        target[key] = copy.deepcopy(value)
                    elif isinstance(target, dict) and key in target:
                        del target[key]  # a required field, or any other, gone
                    else:
                        continue
                    built += _agree(path, changed)
    assert built > 300


MEETING = "meetings/branch-a/2025-03-01-branch_assembly.toml"
MEETING_TEXT = 'kind = "branch_assembly"\ndate = 2025-03-01\n'


@pytest.mark.parametrize("over", [0, 1])
def test_the_value_limit_holds_on_the_fast_path(over):
    # attendees: the document's keys plus the list's items, at the limit or one past
    n = MAX_VALUES - 3 + over
    text = MEETING_TEXT + "attendees = [" + ", ".join(f'"m{i}"' for i in range(n)) + "]\n"
    record, problems = load_file(MEETING, text.encode())
    if over:
        assert record is None
        assert [p.code for p in problems] == ["E-TOO-BIG"]
        assert "keys and values" in problems[0].message_text()
    else:
        assert problems == [] and len(record.attendees) == n


@pytest.mark.parametrize("over", [0, 1])
def test_the_table_limit_holds_on_the_fast_path(over):
    rows = "".join(
        f'[[absent]]\nmember = "m{i}"\n' for i in range(MAX_TABLES - 1 + over)
    )  # the document itself is the first table
    text = MEETING_TEXT + 'attendees = ["m1"]\n' + rows
    record, problems = load_file(MEETING, text.encode())
    if over:
        assert record is None
        assert [p.code for p in problems] == ["E-TOO-BIG"]
        assert "tables" in problems[0].message_text()
    else:
        assert problems == [] and len(record.absent) == MAX_TABLES - 1


def test_a_schema_problem_is_still_reported_once_the_fast_path_gives_up():
    text = MEETING_TEXT + 'attendees = ["m1", 2]\nonline = "yes"\n'
    record, problems = load_file(MEETING, text.encode())
    assert sorted(p.code for p in problems) == ["E-TYPE", "E-TYPE"]
    assert record is not None and record.attendees == ["m1"] and record.online is False


def test_a_small_repository_is_built_by_the_builder_alone(monkeypatch):
    from dangjian_cli.records import fast

    monkeypatch.setattr(fast, "_BUILDERS", {})
    monkeypatch.setattr(fast, "_SEEN", {})
    docs = _documents(SAMPLE)
    meetings = [(p, d) for p, d in docs if p.startswith("meetings/")]
    for path, doc in meetings[: fast.WRITE_FROM - 1]:
        assert _both(path, doc)[0] is None  # not worth writing its builder yet
    assert fast._BUILDERS == {}
    assert all(_agree(path, doc) for path, doc in meetings[fast.WRITE_FROM - 1 :])
    assert set(fast._BUILDERS) == {layout.MEETING}
