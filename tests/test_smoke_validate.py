from __future__ import annotations


def test_minimal_repository_is_valid(repo):
    result = repo.run("validate")
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("0 errors, 0 warnings in 7 files")


def test_problem_line_points_at_key(repo):
    repo.write("members/m4.toml", 'name = "Four"\norg = "village"\nstatus = "ful"\n')
    result = repo.run("validate")
    assert result.exit_code == 1
    assert "members/m4.toml:3: error E-ENUM `status` has unknown value 'ful'" in result.output
