"""trainings/<yyyy>/<id>.toml: read, checked against its path, its participants and the
ids it names; found by the snapshot index; committed with a readable message."""

from __future__ import annotations

from decimal import Decimal

from dangjian_cli.gitops.commit import message_for
from dangjian_cli.gitops.scope import needs_whole
from dangjian_cli.records import layout
from dangjian_cli.records.mentions import named_ids
from dangjian_cli.records.repository import load
from dangjian_cli.records.store import FolderStore

PATH = "trainings/2026/spring.toml"


def training(**extra: str) -> str:
    fields = {
        "title": '"2026 spring training"',
        "organiser": '"town"',
        "start": "2026-03-02",
        "end": "2026-03-04",
        "hours": "24",
        "audience": '"members"',
    }
    fields.update(extra)
    head = "\n".join(f"{k} = {v}" for k, v in fields.items() if v)
    rows = '\n[[participants]]\nmember = "m1"\n\n[[participants]]\nmember = "m2"\nhours = 7.5\n'
    return head + "\n" + rows


def test_a_training_loads_with_exact_hours(make_repo):
    repo = make_repo({PATH: training()})
    records = load(FolderStore(repo.root))
    (t,) = records.trainings
    assert (t.year, t.id, t.organiser, t.audience) == (2026, "spring", "town", "members")
    assert t.hours_of("m1") == Decimal(24)
    assert t.hours_of("m2") == Decimal("7.5")
    assert t.hours_of("m3") == 0
    assert named_ids(t) == {"town", "m1", "m2"}


def test_a_valid_training_has_no_problems(make_repo, validate):
    repo = make_repo({PATH: training()})
    assert [p for p in validate(repo) if p["path"] == PATH] == []


def test_unknown_organiser_and_participant(make_repo, validate):
    text = training(organiser='"nowhere"') + '\n[[participants]]\nmember = "ghost"\n'
    repo = make_repo({PATH: text})
    found = validate(repo)
    assert "`organiser` names unknown org 'nowhere'" in found.one("E-REF-ORG", PATH)["message"]
    assert "'ghost'" in found.one("E-REF-MEMBER", PATH)["message"]


def test_a_training_filed_under_another_year(make_repo, validate):
    repo = make_repo({"trainings/2025/spring.toml": training()})
    problem = validate(repo).one("E-PATH-MISMATCH", "trainings/2025/spring.toml")
    assert "filed under the year 2025" in problem["message"]


def test_end_before_start(make_repo, validate):
    repo = make_repo({PATH: training(end="2026-03-01")})
    assert (
        "`end` 2026-03-01 is before `start` 2026-03-02"
        in (validate(repo).one("E-ORDER", PATH)["message"])
    )


def test_a_participant_twice_or_with_more_hours_than_the_training(make_repo, validate):
    text = training() + '\n[[participants]]\nmember = "m1"\n\n[[participants]]\nmember = "m3"\n'
    text += "hours = 24.5\n"
    repo = make_repo({PATH: text})
    messages = sorted(p["message"] for p in validate(repo).at("E-TRAINING", PATH))
    assert len(messages) == 2
    assert "participant 'm1' is listed twice" in messages
    assert "participant 'm3' has 24.5 hours, more than the training's 24" in messages


def test_hours_must_be_a_number_not_below_zero(make_repo, validate):
    repo = make_repo({PATH: training(hours='"24"')})
    assert "`hours` must be a number of hours" in validate(repo).one("E-TYPE", PATH)["message"]
    repo.write(PATH, training(hours="-2"))
    assert "must be from 0 to 2000 hours" in validate(repo).one("E-TYPE", PATH)["message"]


def test_missing_fields_and_an_unknown_audience(make_repo, validate):
    repo = make_repo({PATH: training(hours="", audience='"everyone"')})
    found = validate(repo)
    assert "missing required field `hours`" in found.one("E-REQUIRED", PATH)["message"]
    assert "'everyone'" in found.one("E-ENUM", PATH)["message"]


def test_the_layout_takes_a_year_folder(make_repo, validate):
    assert layout.classify(PATH) == layout.Location(layout.TRAINING, "spring", "2026")
    assert layout.training_path(2026, "spring") == PATH
    repo = make_repo({"trainings/spring/x.toml": training()})
    assert validate(repo).of("E-LAYOUT")


def test_commit_message_and_a_change_judged_whole():
    assert message_for(PATH) == "training: add 2026/spring"
    assert needs_whole([PATH])
    assert needs_whole(["dangjian.toml"])
    assert not needs_whole(["meetings/village/2026-03-02-party_lesson.toml"])
