"""`dangjian init`: a new records repository that validates, with git and a first commit."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from dangjian_cli.cli.main import cli
from dangjian_cli.records import layout

#: the installed console script, next to the interpreter running the tests
DANGJIAN = Path(sys.executable).parent / "dangjian"
AUTHOR = {
    "GIT_AUTHOR_NAME": "Test Clerk",
    "GIT_AUTHOR_EMAIL": "clerk@example.org",
    "GIT_COMMITTER_NAME": "Test Clerk",
    "GIT_COMMITTER_EMAIL": "clerk@example.org",
    "GIT_CONFIG_NOSYSTEM": "1",
}


@pytest.fixture(autouse=True)
def git_author(monkeypatch):
    for key, value in AUTHOR.items():
        monkeypatch.setenv(key, value)


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, check=True
    ).stdout


def test_init_makes_a_committed_repository_that_validates(tmp_path: Path):
    root = tmp_path / "qingshan"
    result = run(
        "init",
        str(root),
        "--lang",
        "en",
        "--name",
        "Qingshan County",
        "--tracking-since",
        "2025-01-01",
    )
    assert result.exit_code == 0, result.output
    assert f"made records repository {root} (en, tracking since 2025-01-01)" in result.stdout
    settings = tomllib.loads((root / "dangjian.toml").read_text(encoding="utf-8"))
    assert settings["name"] == "Qingshan County"
    assert settings["language"] == "en"
    assert str(settings["tracking_since"]) == "2025-01-01"
    assert "[rules.party-lesson]" in (root / "dangjian.toml").read_text()  # commented example
    for folder in layout.FOLDERS:
        assert (root / folder / ".gitkeep").is_file()
    assert (root / ".gitignore").read_text().splitlines()[-1] == "out/"
    # one commit holding exactly those files, and a clean work tree
    assert git(root, "rev-list", "--count", "HEAD").strip() == "1"
    committed = set(git(root, "ls-files").split())
    assert committed == {"dangjian.toml", ".gitignore"} | {
        f"{folder}/.gitkeep" for folder in layout.FOLDERS
    }
    assert git(root, "status", "--porcelain") == ""
    short = git(root, "rev-parse", "--short", "HEAD").strip()
    assert f"git: first commit {short}" in result.stdout
    check = run("-C", str(root), "validate")
    assert check.exit_code == 0, check.output
    assert check.stdout.strip().endswith("0 errors, 0 warnings in 1 file")


def test_init_in_chinese(tmp_path: Path):
    root = tmp_path / "青山"
    result = run("init", str(root), "--lang", "zh")
    assert result.exit_code == 0, result.output
    text = (root / "dangjian.toml").read_text(encoding="utf-8")
    settings = tomllib.loads(text)
    assert settings["language"] == "zh"
    assert settings["name"] == "青山"  # the folder name by default
    assert "# 生成文书所用语言" in text
    assert "〔{year}〕{n}号" in text


def test_init_branch_is_main_whatever_gits_default(tmp_path: Path, monkeypatch):
    config = tmp_path / "gitconfig"
    config.write_text("[init]\n\tdefaultBranch = master\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    root = tmp_path / "county"
    result = run("init", str(root), "--lang", "en")  # (a zh repository says it in Chinese)
    assert result.exit_code == 0, result.output
    assert "git: new repository, branch main" in result.stdout
    assert git(root, "symbolic-ref", "--short", "HEAD").strip() == "main"
    assert git(root, "branch", "--list").split() == ["*", "main"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_init_numbering_example_works_once_uncommented(tmp_path: Path, lang: str):
    from dangjian_cli.documents.notice import format_number, number_pattern

    root = tmp_path / "county"
    assert run("init", str(root), "--lang", lang).exit_code == 0
    settings = root / "dangjian.toml"
    lines = settings.read_text(encoding="utf-8").splitlines()
    examples = [i for i, line in enumerate(lines) if line.startswith("# county.")]
    assert len(examples) >= 2
    assert lines[examples[0] - 1] == "[numbering]"  # uncommented, they sit in the table
    for i in examples:
        lines[i] = lines[i].removeprefix("# ")
    settings.write_text("\n".join(lines) + "\n", encoding="utf-8")
    check = run("-C", str(root), "validate")
    assert check.exit_code == 0, check.output
    numbering = tomllib.loads(settings.read_text(encoding="utf-8"))["numbering"]
    criticism = number_pattern(numbering, "county", "criticism", lang)
    praise = number_pattern(numbering, "county", "praise", lang)  # from `default`
    assert criticism != praise
    assert format_number(criticism, 2026, 3).endswith("3号" if lang == "zh" else "No. 3")
    if lang == "zh":
        assert criticism == "青组通〔{year}〕{n}号"


def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path):
    root = tmp_path / "busy"
    root.mkdir()
    (root / "notes.txt").write_text("mine\n")
    result = run("init", str(root), "--lang", "en")
    assert result.exit_code == 1
    assert "is not empty (use --force" in result.stderr
    assert "不是空文件夹" in run("init", str(root)).stderr  # zh, the default, says it so
    assert [p.name for p in root.iterdir()] == ["notes.txt"]


def test_init_force_keeps_what_is_there_and_extends_gitignore(tmp_path: Path):
    root = tmp_path / "busy"
    root.mkdir()
    (root / "notes.txt").write_text("mine\n")
    (root / ".gitignore").write_text("*.bak")
    result = run("init", str(root), "--force")
    assert result.exit_code == 0, result.output
    assert (root / "notes.txt").read_text() == "mine\n"
    assert (root / ".gitignore").read_text() == "*.bak\n# generated documents\nout/\n"
    assert "notes.txt" not in git(root, "ls-files").split()  # only our files are committed


def test_init_never_replaces_existing_settings(tmp_path: Path):
    root = tmp_path / "repo"
    root.mkdir()
    (root / "dangjian.toml").write_text('name = "keep me"\n')
    result = run("init", str(root), "--force", "--lang", "en")
    assert result.exit_code == 1
    assert "already holds dangjian.toml" in result.stderr
    assert (root / "dangjian.toml").read_text() == 'name = "keep me"\n'


def test_init_without_git_still_makes_the_folder(tmp_path: Path, monkeypatch):
    empty = tmp_path / "nobin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    root = tmp_path / "plain"
    result = run("init", str(root), "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "git not found" in result.stderr
    assert (root / "dangjian.toml").is_file()
    assert not (root / ".git").exists()


def test_bad_tracking_date_is_a_usage_error(tmp_path: Path):
    result = run("init", str(tmp_path / "x"), "--tracking-since", "2025-13-01")
    assert result.exit_code == 2
    assert "not an ISO date" in result.stderr
    assert not (tmp_path / "x").exists()


def test_installed_command_init_new_validate(tmp_path: Path):
    """The real console script, end to end: init, records written by `new`, validate."""
    env = {**os.environ, **AUTHOR}
    root = tmp_path / "county"

    def dangjian(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(DANGJIAN), *args], cwd=tmp_path, env=env, capture_output=True, text=True
        )

    assert (
        dangjian("init", str(root), "--lang", "en", "--tracking-since", "2025-01-01").returncode
        == 0
    )
    steps: list[list[str]] = [
        ["org", "county", "--name", "County", "--kind", "county_committee"],
        ["org", "town", "--name", "Town", "--kind", "township_committee", "--parent", "county"],
        ["org", "vil", "--name", "Village", "--kind", "village_branch", "--parent", "town"],
    ]
    for i in (1, 2, 3):
        member = ["member", f"m{i}", "--name", f"Member {i}", "--org", "vil", "--status", "full"]
        steps.append([*member, "--admitted", "2010-01-01", "--full-since", "2011-01-01"])
    meeting = ["meeting", "vil", "--date", "2026-03-15", "--kind", "theme_day"]
    steps.append([*meeting, "--attendee", "m1,m2", "--absent", "m3:sick"])
    for step in steps:
        done = dangjian("-C", str(root), "new", *step)
        assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "meetings/vil/2026-03-15-theme_day.toml"
    refused = dangjian("-C", str(root), "new", "member", "m4", "--name", "X", "--org", "nowhere")
    assert refused.returncode == 2  # --status missing: usage error
    refused = dangjian(
        "-C",
        str(root),
        "new",
        "member",
        "m4",
        "--name",
        "X",
        "--org",
        "nowhere",
        "--status",
        "applicant",
    )
    assert refused.returncode == 1
    assert "E-REF-ORG" in refused.stderr
    assert not (root / "members/m4.toml").exists()
    checked = dangjian("-C", str(root), "validate")
    assert checked.returncode == 0, checked.stdout
    assert "0 errors" in checked.stdout
    assert "in 8 files" in checked.stdout
