"""`new training`: a training and who took part, checked, never replacing a file, and
committed with the record's own message."""

from __future__ import annotations

from dangjian_cli.records.repository import load
from dangjian_cli.records.store import FolderStore

BASE = ("new", "training", "--title", "Spring training", "--organiser", "town",
        "--start", "2026-03-02", "--hours", "24", "--audience", "members")  # fmt: skip


def test_new_training_writes_the_fields_and_participants(repo):
    result = repo.run(*BASE, "--end", "2026-03-04", "--participant", "m1,m2:7.5",
                      "--participant", "m3")  # fmt: skip
    assert result.exit_code == 0, result.output
    path = "trainings/2026/town-2026-03-02.toml"
    assert result.stdout == f"{path}\n"
    assert repo.read(path) == (
        'title = "Spring training"\norganiser = "town"\nstart = 2026-03-02\n'
        'end = 2026-03-04\nhours = 24\naudience = "members"\n\n'
        '[[participants]]\nmember = "m1"\n\n[[participants]]\nmember = "m2"\nhours = 7.5\n\n'
        '[[participants]]\nmember = "m3"\n'
    )
    (training,) = load(FolderStore(repo.root)).trainings
    assert [str(training.hours_of(m)) for m in ("m1", "m2", "m3")] == ["24", "7.5", "24"]
    # the same day again: the next free name, never the first file replaced
    again = repo.run(*BASE, "--participant", "m1")
    assert again.stdout == "trainings/2026/town-2026-03-02-2.toml\n"


def test_members_of_an_org_on_the_first_day(make_repo):
    late = 'name = "Late"\norg = "village"\nstatus = "full"\nadmitted = 2026-04-01\n'
    late += "full_since = 2027-04-01\n"
    repo = make_repo({"members/m4.toml": late})
    result = repo.run(*BASE, "--members-of", "village", "--participant", "m2:3", "spring")
    assert result.exit_code == 0, result.output
    (training,) = load(FolderStore(repo.root)).trainings
    assert [(p.member, p.hours) for p in training.participants] == [
        ("m1", None),
        ("m2", 3),
        ("m3", None),
    ]  # m4, admitted later, is not among them; m2 once, with the hours given


def test_refused_when_invalid_or_when_the_file_exists(repo):
    unknown = repo.run(*BASE, "--participant", "ghost")
    assert unknown.exit_code == 1
    assert "E-REF-MEMBER" in unknown.stderr and "nothing was written" in unknown.stderr
    assert not (repo.root / "trainings" / "2026").exists() or not any(
        (repo.root / "trainings" / "2026").glob("*.toml")
    )
    too_many = repo.run(*BASE, "--participant", "m1:30")
    assert too_many.exit_code == 1 and "E-TRAINING" in too_many.stderr
    assert repo.run(*BASE, "spring").exit_code == 0
    exists = repo.run(*BASE, "spring")
    assert exists.exit_code == 1 and "already exists" in exists.stderr
    assert repo.run(*BASE, "spring", "--force", "--participant", "m1").exit_code == 0
    assert 'member = "m1"' in repo.read("trainings/2026/spring.toml")


def test_bad_hours_and_unknown_org_are_usage_errors(repo):
    bad = repo.run(*BASE[:-4], "--hours", "two", "--audience", "members")
    assert bad.exit_code == 2 and "a number of hours like 24 or 31.5" in bad.stderr
    nowhere = repo.run(*BASE, "--members-of", "nowhere")
    assert nowhere.exit_code == 2 and "no org 'nowhere'" in nowhere.stderr


def test_commit_names_the_training(make_repo):
    repo = make_repo(git=True)
    result = repo.run(*BASE, "spring", "--participant", "m1", "--commit")
    assert result.exit_code == 0, result.output
    assert repo.git("log", "-1", "--format=%s").strip() == "training: add 2026/spring"
    assert repo.git("status", "--porcelain").strip() == ""
