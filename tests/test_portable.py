"""The project works from any folder: no file names the folder it was developed in.

A test that runs ``/some/dev/checkout/.venv/bin/dangjian`` passes on one machine
and fails on every fresh clone, so the tests, the code, the benchmarks, CI and
the README are searched for the project's own absolute folder (computed here,
wherever the clone is), and the tests also for absolute paths of a
development machine's home or work folders.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: what is searched for the project's own folder (missing ones are skipped)
SEARCHED = ("tests", "dangjian_cli", "benchmarks", ".ci", "docs", "README.md")
#: folders never searched: generated, installed or cached, not part of the project
SKIPPED = {"__pycache__", ".venv", "data", ".pytest_cache", ".ruff_cache", ".hypothesis"}
#: text files only; documents and images are not where paths hide
SUFFIXES = {".py", ".md", ".toml", ".txt", ".cfg", ".ini", ".yaml", ".yml", ".sh", ".j2", ""}
#: an absolute path into a developer's home or work folder (built from parts, so
#: that this file does not name one itself)
DEV_PATH = re.compile(
    r"(?<![\w.~$}])/(?:" + "|".join(("wo" + "rk", "ho" + "me", "Us" + "ers", "ro" + "ot")) + r")/\w"
)


def _files(*tops: str) -> list[Path]:
    out: list[Path] = []
    for top in tops:
        base = ROOT / top
        if base.is_file():
            out.append(base)
            continue
        for folder, dirs, names in os.walk(base):
            dirs[:] = [d for d in dirs if d not in SKIPPED]
            out += [Path(folder, n) for n in names if Path(n).suffix in SUFFIXES]
    return out


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def _own_folder_names() -> set[str]:
    """The project folder as it may be written: resolved, and as Python was given it
    (through a symbolic link, say)."""
    given = Path(os.path.abspath(__file__)).parents[1]
    return {str(p) for p in (ROOT, given) if len(p.parts) > 2}


def test_no_file_names_the_projects_own_folder():
    names = _own_folder_names()
    assert names, "the project folder is too short a path to search for"
    found = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in _files(*SEARCHED)
        for name in names
        if name in _text(path)
    ]
    assert not found, "absolute paths of this checkout (use paths relative to __file__):\n" + (
        "\n".join(found)
    )


def test_no_test_names_a_development_machines_folder():
    found = [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
        for path in _files("tests")
        for n, line in enumerate(_text(path).splitlines(), 1)
        if DEV_PATH.search(line)
    ]
    assert not found, (
        "absolute paths of a development machine (find the installed command with "
        "Path(sys.executable).parent / 'dangjian' or shutil.which):\n" + "\n".join(found)
    )


@pytest.mark.parametrize(
    "line",
    [
        'DANGJIAN = Path("/' + 'work/main/.venv/bin/dangjian")',
        "exe = '/" + "home/clerk/dangjian/.venv/bin/dangjian'",
    ],
)
def test_the_search_finds_a_hard_coded_path(line: str):
    assert DEV_PATH.search(line)


@pytest.mark.parametrize("line", ['BARE_PATH = "/usr/bin:/bin"', "cwd = tmp_path / 'work'"])
def test_the_search_leaves_ordinary_paths_alone(line: str):
    assert not DEV_PATH.search(line)
