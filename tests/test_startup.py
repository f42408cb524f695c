"""Start-up stays light: `dangjian --help` must not import docx, git or jinja2."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("docx", "git", "jinja2", "tomlkit", "tabulate")


def _modules_after(args: list[str]) -> set[str]:
    code = (
        "import sys, json\n"
        "from dangjian_cli.cli.main import cli\n"
        "try:\n"
        f"    cli.main({args!r}, prog_name='dangjian', standalone_mode=False)\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_help_imports_no_heavy_library():
    loaded = _modules_after(["--help"])
    assert "dangjian_cli.cli.main" in loaded
    for name in HEAVY:
        assert name not in loaded, f"`dangjian --help` imported {name}"


def test_validate_help_imports_no_heavy_library():
    loaded = _modules_after(["validate", "--help"])
    for name in HEAVY:
        assert name not in loaded, f"`dangjian validate --help` imported {name}"
