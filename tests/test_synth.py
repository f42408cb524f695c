"""The benchmark county (benchmarks/synth.py) shows only its planted gaps.

Every benchmark compares the tool's findings with the gaps synth.py plants, so a
rule or check added later that the generator does not satisfy would make every
figure measure a wrong answer. This runs the generator's own ``--check`` on a
small county: its independent cross-checks, then the installed ``dangjian``
(validate finds nothing; overdue finds exactly the planted gaps).
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path

import pytest

SYNTH = Path(__file__).resolve().parent.parent / "benchmarks" / "synth.py"


@pytest.fixture(scope="module")
def synth():
    spec = importlib.util.spec_from_file_location("synth", SYNTH)
    module = importlib.util.module_from_spec(spec)
    sys.modules["synth"] = module
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop("synth", None)


@pytest.fixture(scope="module")
def county(synth, tmp_path_factory):
    out = tmp_path_factory.mktemp("county")
    args = [str(out), "--orgs", "40", "--members", "1500", "--months", "12", "--seed", "7"]
    assert synth.main(args) == 0
    return out


def test_the_county_shows_only_its_planted_gaps(synth, county, capsys):
    capsys.readouterr()
    assert synth.main([str(county), "--check-only"]) == 0
    out = capsys.readouterr().out
    manifest = json.loads((county / "synth-manifest.json").read_text(encoding="utf-8"))
    planted = sum(manifest["planted_gaps"].values())
    assert "check: " in out and ", 0 problems" in out
    assert "verify: dangjian validate: 0 problems" in out
    assert f"{planted} findings, {planted} planted, 0 unplanted, 0 missed" in out
    # the poor grades it writes are answered by admonitions (rule poor-grade-followup)
    poor = [
        p for p in county.glob("assessments/*/*.toml") if 'grade = "poor"' in p.read_text("utf-8")
    ]
    notices = list(county.glob("notices/*/*.toml"))
    assert poor and len(notices) == len(poor)


def test_the_check_finds_an_unanswered_poor_grade(synth, county, capsys, tmp_path):
    # a copy without one admonition: both the generator's check and the tool see it
    copy = tmp_path / "copy"
    shutil.copytree(county, copy)
    notice = sorted(copy.glob("notices/*/*.toml"))[0]
    target = next(
        line.split('"')[1]
        for line in notice.read_text("utf-8").splitlines()
        if line.startswith("target")
    )
    notice.unlink()
    capsys.readouterr()
    assert synth.main([str(copy), "--check-only"]) == 1
    captured = capsys.readouterr()
    assert f"{target}.toml: poor grade and no admonition within 30 days" in captured.err
    assert f"not planted but overdue: {target} poor-grade-followup" in captured.err
    assert "1 unplanted, 0 missed" in captured.out
