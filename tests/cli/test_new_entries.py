"""`new transfer|project|assessment|notice`: monthly entries, checked, refused whole."""

from __future__ import annotations


def test_new_transfer_moves_the_member_and_keeps_the_chain(make_repo):
    repo = make_repo(
        {"orgs/school.toml": 'name = "School Branch"\nkind = "branch"\nparent = "town"\n'}
    )
    result = repo.run("new", "transfer", "m3", "--to", "school", "--date", "2026-03-01")
    assert result.exit_code == 0, result.output
    assert result.stdout == "members/m3.toml\n"
    text = repo.read("members/m3.toml")
    assert 'org = "school"' in text
    assert text.endswith('\n[[transfers]]\ndate = 2026-03-01\nfrom = "village"\nto = "school"\n')
    assert repo.run("validate").exit_code == 0
    # a second transfer dated before the first breaks the chain: refused, nothing written
    refused = repo.run("new", "transfer", "m3", "--to", "village", "--date", "2025-01-01",
                       "--from", "town")  # fmt: skip
    assert refused.exit_code == 1, refused.output
    assert "nothing was written" in refused.stderr
    assert repo.read("members/m3.toml") == text


def test_new_transfer_out_of_the_repository_takes_out(make_repo):
    repo = make_repo()
    typo = repo.run("new", "transfer", "m3", "--to", "vilage", "--date", "2026-03-01")
    assert typo.exit_code == 2
    assert "no org vilage in this repository" in typo.stderr
    result = repo.run("new", "transfer", "m3", "--to", "邻县某镇党委", "--date", "2026-03-01",
                      "--out", "--letter", "青组转〔2026〕3号",
                      "--valid-until", "2026-04-01")  # fmt: skip
    assert result.exit_code == 0, result.output
    text = repo.read("members/m3.toml")
    assert 'status = "transferred_out"' in text and "left_on = 2026-03-01" in text
    assert text.endswith(
        '\n[[transfers]]\ndate = 2026-03-01\nfrom = "village"\nto = "邻县某镇党委"\n'
        'letter = "青组转〔2026〕3号"\nvalid_until = 2026-04-01\n'
    )


def test_new_project_appends_to_the_org(make_repo):
    repo = make_repo()
    result = repo.run("new", "project", "village", "--name", "Tea garden", "--started",
                      "2025-04-01", "--annual-income", "52000.50")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert repo.read("orgs/village.toml").endswith(
        '\n[[projects]]\nname = "Tea garden"\nstarted = 2025-04-01\nannual_income = "52000.50"\n'
    )
    refused = repo.run("new", "project", "village", "--name", "Mill", "--started", "1800-01-01")
    assert refused.exit_code == 2, refused.output
    assert "Mill" not in repo.read("orgs/village.toml")
    missing = repo.run("new", "project", "nowhere", "--name", "Mill")
    assert missing.exit_code == 2
    assert missing.stderr == "dangjian: error: no record orgs/nowhere.toml\n"
    assert not (repo.root / "orgs/nowhere.toml").exists()


def test_new_assessment_defaults_the_secretary(make_repo):
    repo = make_repo()
    result = repo.run("new", "assessment", "village", "--year", "2025", "--grade", "good",
                      "--score", "91.5", "--assessed-on", "2026-01-20")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert repo.read("assessments/2025/village.toml") == (
        'org = "village"\nsecretary = "m1"\nyear = 2025\ngrade = "good"\nscore = "91.5"\n'
        "assessed_on = 2026-01-20\n"
    )
    again = repo.run("new", "assessment", "village", "--year", "2025", "--grade", "fair")
    assert again.exit_code == 1
    assert "already exists" in again.stderr


def test_new_notice_takes_the_next_number_under_the_lock(make_repo):
    repo = make_repo({
        "dangjian.toml": """
            name = "Test county"
            language = "en"
            tracking_since = 2025-01-01

            [numbering.town]
            default = "Town Org. [{year}] No. {n}"
        """,
    })  # fmt: skip
    args = ("new", "notice", "--kind", "criticism", "--target", "village", "--issued-on",
            "2026-04-02", "--finding", "no theme day in March",
            "--deadline", "2026-05-01")  # fmt: skip
    first = repo.run(*args)
    assert first.exit_code == 0, first.output
    assert first.stdout == "notices/2026/001.toml\n"
    second = repo.run(*args)
    assert second.stdout == "notices/2026/002.toml\n"
    text = repo.read("notices/2026/002.toml")
    assert 'number = "Town Org. [2026] No. 2"' in text
    assert 'issuer = "town"' in text and 'target = "village"' in text
    assert not list((repo.root / "notices/2026").glob(".*lock"))
    assert repo.run("validate").exit_code == 0
    unnumbered = repo.run("new", "notice", "--kind", "praise", "--target", "village",
                          "--issuer", "county", "--issued-on", "2026-04-02")  # fmt: skip
    assert unnumbered.exit_code == 2
    assert "[numbering] has no pattern for issuer 'county'" in unnumbered.stderr
    assert not (repo.root / "notices/2026/003.toml").exists()
