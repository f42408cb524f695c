"""`dangjian dues pay`: [[dues]] rows for a month, one checked write for all members."""

from __future__ import annotations

from tests.conftest import minimal_with


def _repo(make_repo, git: bool = False):
    files = {
        "members/m1.toml": minimal_with(
            "members/m1.toml",
            """
            [[dues_base]]
            since = "2026-01"
            category = "salary"
            base = "4200.00"

            [[dues]]
            month = "2026-06"
            amount = "42.00"
            paid_on = 2026-06-03
            """,
        ),
        "members/m2.toml": minimal_with(
            "members/m2.toml",
            """
            [[dues_base]]
            since = "2025-01"
            category = "retiree"
            base = "6000"
            """,
        ),
        "members/m3.toml": minimal_with(
            "members/m3.toml",
            """
            [[dues_base]]
            since = "2026-01"
            category = "student"
            """,
        ),
    }
    return make_repo(files, git=git)


def test_pay_all_skips_the_paid_and_takes_each_standard(make_repo):
    repo = _repo(make_repo)
    paid_before = repo.read("members/m1.toml")
    result = repo.run("dues", "pay", "village", "--month", "2026-06", "--all", "--paid-on",
                      "2026-06-20")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout == "members/m2.toml\nmembers/m3.toml\n"
    assert repo.read("members/m1.toml") == paid_before
    assert result.stderr == "paid 2026-06 already, left out: m1\n"
    assert repo.read("members/m2.toml").endswith(
        '\n[[dues]]\nmonth = "2026-06"\namount = "60.00"\npaid_on = 2026-06-20\n'
    )
    assert 'amount = "0.20"' in repo.read("members/m3.toml")
    assert repo.run("validate").exit_code == 0
    again = repo.run("dues", "pay", "village", "--month", "2026-06", "--all", "--paid-on",
                     "2026-06-21")  # fmt: skip
    assert again.exit_code == 0
    assert again.stdout == ""
    assert "nothing to pay" in again.stderr


def test_pay_named_members_with_an_amount_and_commit(make_repo):
    repo = _repo(make_repo, git=True)
    result = repo.run("dues", "pay", "village", "--month", "2026-05", "--member", "m1,m2",
                      "--paid-on", "2026-05-30", "--amount", "50", "--commit")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert 'month = "2026-05"\namount = 50\npaid_on = 2026-05-30\n' in repo.read("members/m1.toml")
    subject = repo.git("log", "-1", "--format=%s").strip()
    assert subject == "member: pay m1 dues 2026-05 (+1 files)"
    changed = repo.git("show", "--name-only", "--format=", "HEAD").split()
    assert changed == ["members/m1.toml", "members/m2.toml"]
    assert repo.git("status", "--porcelain") == ""


def test_pay_refuses_a_month_paid_already_and_writes_nothing(make_repo):
    repo = _repo(make_repo)
    before = {p: repo.read(p) for p in ("members/m1.toml", "members/m2.toml")}
    result = repo.run("dues", "pay", "village", "--month", "2026-06", "--member", "m2",
                      "--member", "m1", "--paid-on", "2026-06-20")  # fmt: skip
    assert result.exit_code == 1, result.output
    assert "nothing was written" in result.stderr
    assert "members/m1.toml" in result.stderr and "repeated" in result.stderr
    assert {p: repo.read(p) for p in before} == before  # m2 was fine, and is not written either


def test_pay_refuses_a_member_without_a_standard_by_name(make_repo):
    repo = _repo(make_repo)
    repo.write("members/m3.toml", repo.read("members/m3.toml").split("[[dues_base]]")[0])
    before = repo.read("members/m2.toml")
    result = repo.run("dues", "pay", "village", "--month", "2026-07", "--all", "--paid-on",
                      "2026-07-02")  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "dangjian: error: --amount: no dues standard for m3 in 2026-07 "
        "(no [[dues_base]] row in force); give --amount"
    )
    assert repo.read("members/m2.toml") == before
    given = repo.run("dues", "pay", "village", "--month", "2026-07", "--all", "--paid-on",
                     "2026-07-02", "--amount", "1.00")  # fmt: skip
    assert given.exit_code == 0, given.output


def test_pay_usage_errors(make_repo):
    repo = _repo(make_repo)
    cases = [
        (("--month", "2026-13", "--all"), "is not a month like 2026-06"),
        (("--month", "2026-06"), "give --member ID... or --all"),
        (("--month", "2026-06", "--all", "--member", "m1"), "give --member ID... or --all"),
        (("--month", "2026-06", "--member", "nobody"), "no member nobody"),
    ]
    for args, message in cases:
        result = repo.run("dues", "pay", "village", *args, "--paid-on", "2026-06-20")
        assert result.exit_code == 2, (args, result.output)
        assert message in result.stderr
    outside = repo.run("dues", "pay", "town", "--month", "2026-06", "--member", "m1",
                       "--paid-on", "2026-06-20")  # fmt: skip
    assert outside.exit_code == 2
    assert "m1 owes no dues to town in 2026-06" in outside.stderr


def test_installed_command_pays_and_sets_in_a_subprocess(make_repo):
    import os
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    dangjian = shutil.which("dangjian") or str(Path(sys.executable).parent / "dangjian")
    repo = _repo(make_repo)
    env = {**os.environ, "DANGJIAN_LANG": "en"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [dangjian, "-C", str(repo.root), *args], capture_output=True, text=True, env=env
        )

    paid = run("dues", "pay", "village", "--month", "2026-06", "--all", "--paid-on", "2026-06-20")
    assert paid.returncode == 0, paid.stderr
    assert paid.stdout == "members/m2.toml\nmembers/m3.toml\n"
    both = run("set", "m3", "admitted=2012-01-01", "full_since=2011-06-01")
    assert both.returncode == 1, both.stderr  # converted before admitted: refused whole
    assert both.stderr.startswith("dangjian: refused:")
    assert "admitted = 2010-01-01" in repo.read("members/m3.toml")
    zh = run("--lang", "zh", "dues", "pay", "village", "--month", "2026-08", "--member",
             "nobody", "--paid-on", "2026-08-02")  # fmt: skip
    assert zh.returncode == 2
    assert zh.stderr == "dangjian: 错误：--member：没有党员 nobody\n"


def test_pay_follows_the_repositorys_own_scale(make_repo):
    repo = _repo(make_repo)
    settings = repo.read("dangjian.toml")
    repo.write("dangjian.toml", settings + '\n[rules.dues-standard]\nflat = "0.50"\n', dedent=False)
    result = repo.run("dues", "pay", "village", "--month", "2026-06", "--member", "m3",
                      "--paid-on", "2026-06-20")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert 'amount = "0.50"' in repo.read("members/m3.toml")
