"""review: record-level changes, problems introduced/fixed, the scoped load."""

from __future__ import annotations

from datetime import date

from dangjian_cli.gitops.diff import field_changes
from dangjian_cli.gitops.review import review

MEETING = """
    kind = "branch_assembly"
    date = 2026-03-15
    topic = "Spring plan"
    attendees = ["m1", "m2", "m3"]
"""
AS_OF = date(2026, 4, 1)


def _base(make_repo):
    repo = make_repo({"meetings/village/2026-03-15-branch_assembly.toml": MEETING}, git=True)
    return repo


def _summary(result):
    return {
        kind: [(c.old_path, c.path) if c.old_path else c.path for c in changes]
        for kind, changes in result.by_kind().items()
    }


def test_rename_field_change_and_deletion_between_commits(make_repo):
    repo = _base(make_repo)
    repo.git("mv", "members/m2.toml", "members/m2b.toml")
    repo.write(
        "meetings/village/2026-03-15-branch_assembly.toml",
        MEETING.replace("Spring plan", "Spring work plan").replace('"m2", ', '"m2b", '),
    )
    repo.write("members/m4.toml", 'name = "Four"\norg = "village"\nstatus = "applicant"\n')
    (repo.root / "orgs" / "town.toml").unlink()
    repo.commit("several changes")

    result = review(repo.root, "HEAD~1..HEAD", AS_OF)
    assert _summary(result) == {
        "added": ["members/m4.toml"],
        "removed": ["orgs/town.toml"],
        "renamed": [("members/m2.toml", "members/m2b.toml")],
        "changed": ["meetings/village/2026-03-15-branch_assembly.toml"],
    }
    changed = result.by_kind()["changed"][0]
    texts = [f.text() for f in changed.fields]
    assert texts == ['attendees: +"m2b", -"m2"', 'topic: "Spring plan" → "Spring work plan"']
    # deleting the township leaves the village's parent dangling: introduced
    introduced = {(p.code, p.path) for p in result.introduced}
    assert ("E-REF-ORG", "orgs/village.toml") in introduced
    assert result.introduced_errors >= 1
    assert result.fixed == []


def test_problems_fixed_and_renamed_problem_not_reported_twice(make_repo):
    bad = MEETING.replace('"m3"]', '"m3", "ghost"]')
    repo = make_repo({"meetings/village/2026-03-15-branch_assembly.toml": bad}, git=True)
    repo.write("meetings/village/2026-03-15-branch_assembly.toml", MEETING)
    repo.commit("drop the unknown attendee")
    result = review(repo.root, "HEAD~1..HEAD", AS_OF)
    assert [(p.code, p.path) for p in result.fixed] == [
        ("E-REF-MEMBER", "meetings/village/2026-03-15-branch_assembly.toml")
    ]
    assert result.introduced == []

    # a record with a problem, moved: the problem is neither introduced nor fixed
    repo.write("members/m5.toml", 'name = "Five"\norg = "nowhere"\nstatus = "applicant"\n')
    repo.commit("m5")
    repo.git("mv", "members/m5.toml", "members/m6.toml")
    repo.commit("rename m5")
    moved = review(repo.root, "HEAD~1..HEAD", AS_OF)
    assert _summary(moved)["renamed"] == [("members/m5.toml", "members/m6.toml")]
    assert moved.introduced == [] and moved.fixed == []


def test_default_range_is_work_tree_staged_unstaged_and_untracked(make_repo):
    repo = _base(make_repo)
    repo.write("members/m1.toml", repo.read("members/m1.toml").replace("One", "Uno"))
    repo.git("add", "members/m1.toml")  # staged
    repo.write("members/m2.toml", repo.read("members/m2.toml").replace("Two", "Dos"))  # unstaged
    repo.write("members/m7.toml", 'name = "Seven"\norg = "village"\nstatus = "applicant"\n')
    result = review(repo.root, None, AS_OF)
    assert result.head.commit is None
    assert result.base.commit == repo.git("rev-parse", "HEAD").strip()
    assert _summary(result) == {
        "added": ["members/m7.toml"],
        "removed": [],
        "renamed": [],
        "changed": ["members/m1.toml", "members/m2.toml"],
    }
    assert result.introduced == []


def test_untracked_copy_of_a_deleted_file_is_a_rename(make_repo):
    repo = _base(make_repo)
    data = repo.read("members/m3.toml")
    (repo.root / "members" / "m3.toml").unlink()
    repo.write("members/m3x.toml", data)  # untracked: git's rename detection cannot see it
    result = review(repo.root, "HEAD", AS_OF)
    assert _summary(result)["renamed"] == [("members/m3.toml", "members/m3x.toml")]
    # the attendee list still names m3: introduced
    assert any(p.code == "E-REF-MEMBER" for p in result.introduced)


def test_scoped_review_reports_what_a_full_review_reports(make_repo):
    files = {"meetings/village/2026-03-15-branch_assembly.toml": MEETING}
    for i in range(4):  # more villages, untouched by the change
        files[f"orgs/v{i}.toml"] = f'name = "V{i}"\nkind = "village_branch"\nparent = "town"\n'
        files[f"members/v{i}m.toml"] = (
            f'name = "P{i}"\norg = "v{i}"\nstatus = "full"\nadmitted = 2001-01-01\n'
            "full_since = 2002-01-01\n"
        )
    repo = make_repo(files, git=True)
    repo.write("members/m3.toml", repo.read("members/m3.toml").replace('"full"', '"withdrawn"'))
    (repo.root / "members" / "v1m.toml").unlink()
    repo.write("orgs/v2.toml", 'name = "V2"\nkind = "village_branch"\nparent = "nowhere"\n')
    repo.commit("mixed")
    scoped = review(repo.root, "HEAD~1..HEAD", AS_OF)
    full = review(repo.root, "HEAD~1..HEAD", AS_OF, full=True)
    ident = lambda ps: sorted(p.identity() for p in ps)  # noqa: E731
    assert ident(scoped.introduced) == ident(full.introduced)
    assert ident(scoped.fixed) == ident(full.fixed)
    assert scoped.introduced  # the change did introduce something to compare
    fkey = lambda fs: sorted((f.subject, f.rule, f.period, f.status) for f in fs)  # noqa: E731
    assert fkey(scoped.findings_introduced) == fkey(full.findings_introduced)
    assert fkey(scoped.findings_resolved) == fkey(full.findings_resolved)


def test_field_changes_flatten_tables_and_compare_lists():
    before = {
        "name": "A",
        "committee": {"elected": date(2024, 1, 1), "members": ["m1"]},
        "dues": [{"month": "2026-01", "amount": 10}],
    }
    after = {
        "name": "A",
        "committee": {"elected": date(2025, 1, 1), "members": ["m1", "m2"]},
        "dues": [{"month": "2026-01", "amount": 10}, {"month": "2026-02", "amount": 10}],
        "mobile": {"since": date(2026, 1, 1)},
    }
    changes = {c.field: c for c in field_changes(before, after)}
    assert sorted(changes) == ["committee.elected", "committee.members", "dues", "mobile.since"]
    assert changes["committee.elected"].text() == "committee.elected: 2024-01-01 → 2025-01-01"
    assert changes["committee.members"].added == ["m2"]
    assert changes["dues"].added == [{"month": "2026-02", "amount": 10}]
    assert changes["dues"].removed == []
    assert changes["mobile.since"].before is None


def test_findings_introduced_and_resolved_at_the_same_as_of(make_repo):
    repo = _base(make_repo)
    path = "meetings/village/2026-03-15-branch_assembly.toml"
    (repo.root / path).unlink()
    repo.commit("drop the assembly")
    later = date(2026, 4, 20)  # Q1 ended more than the 7 grace days ago

    def keys(found):
        return {(o.subject, o.rule, o.period, o.status) for o in found}

    dropped = review(repo.root, "HEAD~1..HEAD", later)
    assert ("village", "branch-assembly", "2026-Q1", "overdue") in keys(dropped.findings_introduced)
    assert dropped.findings_resolved == []
    restored = review(repo.root, "HEAD..HEAD~1", later)
    assert keys(restored.findings_resolved) == keys(dropped.findings_introduced)
    # within the grace days the quarter is still only due, on both sides alike
    early = review(repo.root, "HEAD~1..HEAD", date(2026, 4, 3))
    assert ("village", "branch-assembly", "2026-Q1", "due") in keys(early.findings_introduced)
    assert ("village", "branch-assembly", "2026-Q1", "overdue") not in keys(
        early.findings_introduced
    )


def test_list_delta_is_a_multiset_difference_by_canonical_form():
    """The rows both lists begin with are matched without their canonical form: the
    answer is the plain multiset difference's, items alike but of other types
    (1, 1.0, True) apart, whatever the lists."""
    import random
    from collections import Counter

    from dangjian_cli.gitops.diff import _canon, _list_delta

    def reference(a, b):
        def surplus(xs, other):
            left, seen, out = Counter(_canon(v) for v in other), Counter(), []
            for v in xs:
                seen[_canon(v)] += 1
                if seen[_canon(v)] > left[_canon(v)]:
                    out.append(v)
            return out

        return surplus(b, a), surplus(a, b)

    rng = random.Random(7)
    pool = [1, 1.0, True, "1", {"m": 1}, {"m": 1.0}, {"m": [1, 2]}, {"m": [1, 2.0]}, [1], None]
    for _ in range(2000):
        a = [rng.choice(pool) for _ in range(rng.randrange(6))]
        b = a[: rng.randrange(len(a) + 1)] + [rng.choice(pool) for _ in range(rng.randrange(4))]
        if rng.random() < 0.3:
            rng.shuffle(b)
        assert _list_delta(a, b) == reference(a, b), (a, b)
