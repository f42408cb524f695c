"""review with trainings: a changed training is judged on the whole repository, and a
changed party lesson is judged with every training of its attendees (study-hours)."""

from __future__ import annotations

from datetime import date

from dangjian_cli.gitops.review import review
from dangjian_cli.gitops.scope import needs_whole

AS_OF = date(2026, 2, 1)
SETTINGS = """
name = "Test county"
language = "en"
tracking_since = 2025-01-01
[rules.study-hours]
applies_from = 2025-01-01
"""
LESSON = "meetings/village/2025-05-10-party_lesson.toml"
TRAINING = "trainings/2025/county.toml"


def _training(m2_hours: str = "") -> str:
    own = f"hours = {m2_hours}\n" if m2_hours else ""
    return (
        'title = "County training"\norganiser = "county"\nstart = 2025-04-01\nhours = 30\n'
        'audience = "members"\n\n[[participants]]\nmember = "m2"\n' + own + "\n"
        '[[participants]]\nmember = "o1"\n'
    )


def _repo(make_repo):
    files = {
        "dangjian.toml": SETTINGS,
        LESSON: 'kind = "party_lesson"\ndate = 2025-05-10\nlecturer = "m1"\n'
        'attendees = ["m1", "m2", "m3"]\n',
        TRAINING: _training(),
        # an org and a member the change does not name
        "orgs/other.toml": 'name = "Other"\nkind = "village_branch"\nparent = "town"\n',
        "members/o1.toml": 'name = "O1"\norg = "other"\nstatus = "full"\nadmitted = 2001-01-01\n'
        "full_since = 2002-01-01\n",
    }
    return make_repo(files, git=True)


def _found(result) -> set[tuple[str, str, str, str]]:
    return {(f.subject, f.rule, f.period, f.status) for f in result.findings_introduced}


def test_fewer_hours_in_a_training_introduce_a_study_hours_finding(make_repo):
    repo = _repo(make_repo)
    repo.write(TRAINING, _training("29.5"))  # 29.5 + one lesson of 2: 31.5
    repo.commit("m2 left the training early")
    assert needs_whole([TRAINING])
    scoped = review(repo.root, "HEAD~1..HEAD", AS_OF)
    full = review(repo.root, "HEAD~1..HEAD", AS_OF, full=True)
    assert ("m2", "study-hours", "2025", "overdue") in _found(scoped)
    assert _found(scoped) == _found(full)


def test_a_lesson_removed_is_judged_with_its_attendees_trainings(make_repo):
    repo = _repo(make_repo)
    (repo.root / LESSON).unlink()  # m2 keeps the training's 30 hours, loses the lesson's 2
    repo.commit("the lesson was recorded by mistake")
    assert not needs_whole([LESSON])
    scoped = review(repo.root, "HEAD~1..HEAD", AS_OF)
    full = review(repo.root, "HEAD~1..HEAD", AS_OF, full=True)
    introduced = _found(scoped)
    assert ("m2", "study-hours", "2025", "overdue") in introduced
    # m1 and m3, without the training, were short before and stay short
    assert not {f for f in introduced if f[0] in ("m1", "m3") and f[1] == "study-hours"}
    assert introduced == _found(full)


def test_with_a_snapshot_its_index_finds_the_attendees_trainings(make_repo, monkeypatch):
    from dangjian_cli.gitops import review as review_module
    from dangjian_cli.gitops import snapshot

    monkeypatch.setattr(snapshot, "SNAPSHOT_FROM", 1)
    monkeypatch.setattr(snapshot, "CHANGED_SHARE", 1.0)
    repo = _repo(make_repo)
    assert repo.run("validate").exit_code == 0  # the snapshot of the base commit
    (repo.root / LESSON).unlink()
    repo.commit("the lesson was recorded by mistake")

    def refuse(*_a: object, **_k: object) -> None:
        raise AssertionError("git grep was run: the snapshot's index was not used")

    with monkeypatch.context() as patch:
        patch.setattr(review_module, "Grep", refuse)
        indexed = review(repo.root, "HEAD~1..HEAD", AS_OF)
    assert ("m2", "study-hours", "2025", "overdue") in _found(indexed)
    assert _found(indexed) == _found(review(repo.root, "HEAD~1..HEAD", AS_OF, full=True))
