"""A records repository's templates on the command line: `render` and `templates check`
refuse escapes in one line without a traceback; `review` names template changes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dangjian_cli.documents import templating

#: the built-in templates of one language, as templates check counts them
BUILT_IN = len(list((Path(__file__).parents[2] / "templates" / "en").glob("*.md.j2")))

ESCAPES = {
    "globals": "{{ cycler.__init__.__globals__.os.popen('touch CANARY').read() }}",
    "subclasses": (
        "{% for c in ''.__class__.__mro__[1].__subclasses__() %}"
        "{% if c.__name__ == 'catch_warnings' %}"
        "{{ c()._module.__builtins__['__import__']('os').system('touch CANARY') }}"
        "{% endif %}{% endfor %}"
    ),
    "format string": "{{ '{0.__init__.__globals__}'.format(cycler) }}",
    "include a system file": "{% include '/etc/passwd' %}",
    "huge loop": "{% for i in range(10**9) %}x{% endfor %}",
}
PLAIN = {kind: f"# {kind}\n\nplain words\n" for kind in ("letter", "notice", "report", "funding")}


def _dangjian() -> str:
    found = shutil.which("dangjian") or str(Path(sys.executable).parent / "dangjian")
    assert Path(found).exists()
    return found


def _templates(repo, letter: str) -> Path:
    for kind, text in PLAIN.items():
        repo.write(f"templates/en/{kind}.md.j2", text)
    templating._ENVS.clear()
    return repo.write("templates/en/letter.md.j2", f"# Letter\n\n{letter}\n")


@pytest.mark.parametrize("escape", sorted(ESCAPES))
def test_render_and_check_refuse_an_escape_in_one_line(repo, tmp_path: Path, escape: str):
    canary = tmp_path / "canary"
    letter = _templates(repo, ESCAPES[escape].replace("CANARY", str(canary)))

    rendered = repo.run("render", "letter", "--year", "2026", "--org", "village")
    assert rendered.exit_code == 2, rendered.output
    assert rendered.stderr.startswith(f"dangjian: error: {letter}:3: ")
    assert rendered.stderr.count("\n") == 1 and "Traceback" not in rendered.stderr
    assert isinstance(rendered.exception, SystemExit)  # an exit code, not an exception
    assert not (repo.root / "out").exists() or not list((repo.root / "out").iterdir())

    checked = repo.run("templates", "check", "--lang", "en")
    assert checked.exit_code == 1, checked.output
    lines = checked.stdout.splitlines()
    assert lines[0].startswith(f"{letter}:3: ") and lines[1] == f"1 problem in {BUILT_IN} templates"
    assert not canary.exists()


def test_the_installed_command_refuses_a_special_file_and_an_escape(repo, tmp_path: Path):
    canary = tmp_path / "canary"
    _templates(repo, ESCAPES["globals"].replace("CANARY", str(canary)))
    (repo.root / "templates/en/notice.md.j2").unlink()
    os.mkfifo(repo.root / "templates/en/notice.md.j2")  # opening it would block
    run = subprocess.run(
        [_dangjian(), "-C", str(repo.root), "templates", "check", "--lang", "en"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr + run.stdout
    out = run.stdout.splitlines()
    assert out[0].startswith(f"{repo.root / 'templates/en/letter.md.j2'}:3: access to attribute")
    assert out[1] == f"{repo.root / 'templates/en/notice.md.j2'}: not a regular file"
    assert out[2] == f"2 problems in {BUILT_IN} templates"
    assert not canary.exists()


# ---- review ------------------------------------------------------------------------


def test_review_lists_template_changes_for_a_reviewer(make_repo):
    repo = make_repo({"templates/en/letter.md.j2": "# Letter\n"}, git=True)
    repo.write("templates/en/letter.md.j2", "# Letter {{ year }}\n")
    repo.write("templates/en/notice.md.j2", "# Notice\n")
    repo.write("members/m3.toml", repo.read("members/m3.toml").replace("Three", "Tree"))
    repo.commit("new notice template, letter changed")
    (repo.root / "templates/en/letter.md.j2").unlink()  # the work tree: removed,
    repo.write("templates/zh/report.md.j2", "# 报告\n")  # and one untracked

    text = repo.run("review", "HEAD~1..HEAD", "--as-of", "2026-04-01")
    assert text.exit_code == 0, text.output
    section = text.stdout.split("Templates changed: 2 (", 1)[1].split("\n\n")[0].splitlines()
    assert "a reviewer should read these" in section[0]
    assert section[1:] == [
        "  + templates/en/notice.md.j2  [added]",
        "  * templates/en/letter.md.j2  [changed]",
    ]
    assert "members/m3.toml" in text.stdout.split("Templates changed")[0]

    md = repo.run("review", "HEAD~1..HEAD", "--format", "markdown", "--as-of", "2026-04-01")
    assert "#### Templates changed (2)" in md.stdout
    assert "**Attention:**" in md.stdout
    assert "- `templates/en/notice.md.j2` (added)" in md.stdout

    js = json.loads(
        repo.run("review", "HEAD~1..HEAD", "--format", "json", "--as-of", "2026-04-01").stdout
    )
    assert js["templates_changed"] == [
        {"change": "added", "path": "templates/en/notice.md.j2"},
        {"change": "changed", "path": "templates/en/letter.md.j2"},
    ]

    work = json.loads(repo.run("review", "HEAD", "--format", "json").stdout)
    assert work["templates_changed"] == [
        {"change": "added", "path": "templates/zh/report.md.j2"},
        {"change": "removed", "path": "templates/en/letter.md.j2"},
    ]


def test_review_without_template_changes_has_no_template_section(make_repo):
    repo = make_repo(git=True)
    repo.write("members/m3.toml", repo.read("members/m3.toml").replace("Three", "Tree"))
    text = repo.run("review", "HEAD")
    assert text.exit_code == 0 and "Templates changed" not in text.stdout
    md = repo.run("review", "HEAD", "--format", "markdown")
    assert "Templates changed" not in md.stdout
    assert (
        json.loads(repo.run("review", "HEAD", "--format", "json").stdout)["templates_changed"] == []
    )
