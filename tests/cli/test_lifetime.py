"""The console command keeps its loaded records until the process ends and leaves
without freeing them one by one (cli.lifetime): its output, exit status and exit
handlers must be exactly as an ordinary exit gives them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from dangjian_cli.cli import lifetime
from dangjian_cli.cli.main import cli

SAMPLE = Path(__file__).resolve().parents[2] / "sample_repo"
#: the console entry point, as the installed ``dangjian`` runs it
MAIN = "from dangjian_cli.cli.main import main; main()"


def _run(code: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DANGJIAN_CACHE": "0", "DANGJIAN_LANG": "en"}
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, timeout=120
    )


def test_output_and_status_of_a_command_that_kept_its_records(tmp_path):
    repo = tmp_path / "county"
    shutil.copytree(SAMPLE, repo)
    valid = _run(MAIN, "-C", str(repo), "validate")
    assert valid.returncode == 0, valid.stderr
    assert valid.stdout.splitlines()[-1] == "0 errors, 0 warnings in 852 files"
    assert valid.stderr == ""
    (repo / "members" / "zz-broken.toml").write_text("name = [\n", encoding="utf-8")
    broken = _run(MAIN, "-C", str(repo), "validate", "--format", "json")
    assert broken.returncode == 1
    assert '"path": "members/zz-broken.toml"' in broken.stdout  # all of it, flushed
    assert broken.stdout.rstrip().endswith("]")
    usage = _run(MAIN, "-C", str(repo), "validate", "--format", "xml")
    assert usage.returncode == 2 and "xml" in usage.stderr


def test_leaving_flushes_the_output_and_runs_the_exit_handlers():
    code = (
        "import atexit\n"
        "from dangjian_cli.cli import lifetime\n"
        "lifetime.KEPT = [list(range(10))]\n"
        "atexit.register(lambda: print('handler ran'))\n"
        "print('buffered', end=' ')\n"
        "lifetime.leave(3)\n"
        "print('never')\n"
    )
    out = _run(code)
    assert out.returncode == 3
    assert out.stdout == "buffered handler ran\n"


def test_an_exit_message_leaves_the_ordinary_way():
    out = _run("from dangjian_cli.cli import lifetime\nlifetime.KEPT = [1]\nlifetime.leave('bye')")
    assert out.returncode == 1 and out.stderr.strip() == "bye"


def test_nothing_is_kept_outside_the_console_command(repo):
    assert lifetime.KEPT is None
    result = CliRunner().invoke(cli, ["-C", str(repo.root), "validate"])
    assert result.exit_code == 0, result.output
    assert lifetime.KEPT is None
