"""E-QUORUM with [[quorum_exempt]]: members away or ill with approval are not due."""

from __future__ import annotations

MEET = "meetings/village/2026-03-10-branch_assembly.toml"
ASSEMBLY = 'kind = "branch_assembly"\ndate = 2026-03-10\nattendees = {who}\n'


def _m3(since: str, until: str = "") -> str:
    rows = [
        'name = "Member Three"',
        'org = "village"',
        'status = "full"',
        "admitted = 2010-01-01",
        "full_since = 2011-01-01",
        "[[quorum_exempt]]",
        f"since = {since}",
        'reason = "away"',
        'approved_by = "village"',
    ]
    if until:
        rows.append(f"until = {until}")
    return "\n".join(rows) + "\n"


def test_an_exempt_member_leaves_the_count_due_to_attend(make_repo, validate):
    # 3 voting members, 1 present: no quorum; with m3 away on approval, 1 of 2 is
    # still not more than half; m3 excused and m2 present: 2 of 2
    repo = make_repo({MEET: ASSEMBLY.format(who='["m1"]')})
    assert "of 3 voting members" in validate(repo).one("E-QUORUM", MEET)["message"]
    repo.write("members/m3.toml", _m3("2026-03-01"))
    assert "of 2 voting members (2); 1 present" in validate(repo).one("E-QUORUM", MEET)["message"]
    repo.write(MEET, ASSEMBLY.format(who='["m1", "m2"]'))
    assert validate(repo).of("E-QUORUM") == []


def test_the_exemption_counts_only_while_it_runs(make_repo, validate):
    repo = make_repo({MEET: ASSEMBLY.format(who='["m1", "m2"]')})
    repo.write("members/m3.toml", _m3("2026-03-11"))  # from the day after
    assert validate(repo).of("E-QUORUM") == []  # 2 of 3 is more than half anyway
    repo.write(
        MEET,
        'kind = "branch_assembly"\ndate = 2026-03-10\nelection = true\nattendees = ["m1", "m2"]\n',
    )
    assert "of 3 voting members" in validate(repo).one("E-QUORUM", MEET)["message"]
    repo.write("members/m3.toml", _m3("2026-01-01", "2026-03-10"))  # to the day itself
    assert validate(repo).of("E-QUORUM") == []


def test_an_exemption_needs_a_known_reason(make_repo, validate):
    repo = make_repo({"members/m3.toml": _m3("2026-03-01").replace('"away"', '"holiday"')})
    assert [p for p in validate(repo) if p["path"] == "members/m3.toml"]
