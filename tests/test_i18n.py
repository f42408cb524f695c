"""The message catalogue: complete, compiled, loaded only when needed; language choice."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "dangjian_cli"
PO = PACKAGE / "locale" / "zh" / "LC_MESSAGES" / "dangjian.po"
MO = PO.with_suffix(".mo")

babel = pytest.importorskip("babel", reason="Babel is in the test extras")


def _catalogue():
    from babel.messages.pofile import read_po

    with PO.open("rb") as handle:
        return read_po(handle, locale="zh", domain="dangjian")


def _extracted() -> dict[str, str]:
    """msgid -> first place it is used, as Babel's python extractor finds them."""
    from babel.messages.extract import extract_from_dir

    found: dict[str, str] = {}
    for filename, lineno, message, _c, _x in extract_from_dir(
        str(PACKAGE),
        method_map=[("**.py", "python")],
        keywords={"_": None, "ngettext": (1, 2), "say": None},
    ):
        key = message[0] if isinstance(message, tuple) else message
        found.setdefault(key, f"{filename}:{lineno}")
    return found


def test_every_message_in_the_code_has_a_chinese_translation():
    catalogue = _catalogue()
    extracted = _extracted()
    assert len(extracted) > 50, "the extractor found almost nothing: keywords changed?"
    missing = []
    for msgid, where in sorted(extracted.items()):
        entry = catalogue.get(msgid)
        string = entry.string if entry is not None else ""
        done = all(string) if isinstance(string, tuple) else bool(string)
        if not done or (entry is not None and entry.fuzzy):
            missing.append(f"{where}: {msgid!r}")
    assert not missing, "untranslated (run tools/catalogue.py, then translate):\n" + "\n".join(
        missing
    )


#: a str.format field's name: {n}, {who!r}, {amount:>8}
PLACEHOLDER = r"\{(\w+)(?:![rsa])?(?::[^{}]*)?\}"


def test_translations_keep_their_placeholders():
    for message in _catalogue():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(re.findall(PLACEHOLDER, ids[-1]))
        for string in strings:
            assert set(re.findall(PLACEHOLDER, string)) == wanted, message.id


def test_compiled_catalogue_is_not_stale():
    from babel.messages.mofile import write_mo

    buf = io.BytesIO()
    write_mo(buf, _catalogue(), use_fuzzy=False)
    assert MO.read_bytes() == buf.getvalue(), "dangjian.mo is stale: run tools/catalogue.py"


def test_no_message_hides_in_an_f_string():
    """Babel does not see ``_()`` inside an f-string: such a message is never translated."""
    hidden = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in PACKAGE.rglob("*.py")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\{_\(|\{ngettext\(", line)
    ]
    assert not hidden, hidden


def test_every_problem_is_worded_to_be_said():
    """A problem's message and hint are worded with ``say()`` (or built from one), never
    as a literal or an f-string: problems are cached and said in the reader's language
    when printed, which only a kept template allows."""
    import ast

    literal = (ast.JoinedStr, ast.Constant, ast.BinOp)
    found = []
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            if node.func.id not in ("error", "warning", "make"):
                continue
            said = node.args[2:3] + [k.value for k in node.keywords if k.arg == "hint"]
            for arg in said:
                if isinstance(arg, literal) and not (
                    isinstance(arg, ast.Constant) and arg.value is None
                ):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not found, "messages not worded with say():\n" + "\n".join(found)


def test_catalogues_ship_with_the_package():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["dangjian_cli"]
    from fnmatch import fnmatch

    for path in (PO, MO):
        rel = path.relative_to(PACKAGE).as_posix()
        assert any(fnmatch(rel, p) for p in patterns), f"{rel} is not package data"


def test_the_catalogue_is_loaded_only_for_a_translated_message():
    code = (
        "from dangjian_cli.cli.main import cli\n"
        "from dangjian_cli import i18n\n"
        "for args in (['--help'], ['--lang', 'zh', '--help'], ['rules', '--help']):\n"
        "    try:\n"
        "        cli.main(args, prog_name='dangjian', standalone_mode=False)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "assert i18n._state['catalogues'] == {}, 'a catalogue was read for --help'\n"
        "i18n.set_language('zh', forced=True)\n"
        "assert i18n._('overdue') == '逾期'\n"
        "assert list(i18n._state['catalogues']) == ['zh']\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_period_and_status_names():
    from dangjian_cli import i18n

    try:
        i18n.set_language("zh", forced=True)
        assert i18n.period_name("2026-Q1") == "2026年第一季度"
        assert i18n.period_name("2026-H1") == "2026年上半年"
        assert i18n.period_name("2026-h2") == "2026年下半年"
        assert i18n.period_name("2026-03") == "2026年3月"
        assert i18n.period_name("2026") == "2026年"
        assert i18n.period_name("odd") == "odd"
        assert i18n.date_name("2026-07-07") == "2026年7月7日"
        assert [i18n.status_name(s) for s in ("overdue", "due", "met")] == [
            "逾期",
            "待办",
            "已完成",
        ]
        i18n.set_language("en", forced=True)
        assert i18n.period_name("2026-Q1") == "2026-Q1"
        assert i18n.status_name("overdue") == "overdue"
    finally:
        i18n.reset()


ZH_SETTINGS = 'name = "县"\nlanguage = "zh"\ntracking_since = 2025-01-01\n'


@pytest.mark.parametrize(
    ("setting", "env", "option", "expected"),
    [
        ("en", None, None, "en"),
        ("zh", None, None, "zh"),
        ("zh", "en", None, "en"),
        ("en", "zh", None, "zh"),
        ("zh", "zh", "en", "en"),
        ("en", "en", "zh", "zh"),
    ],
)
def test_language_order_option_env_repository(
    make_repo, monkeypatch, setting, env, option, expected
):
    repo = make_repo(
        {"dangjian.toml": f'name = "c"\nlanguage = "{setting}"\ntracking_since = 2025-01-01\n'}
    )
    if env:
        monkeypatch.setenv("DANGJIAN_LANG", env)
    else:
        monkeypatch.delenv("DANGJIAN_LANG", raising=False)
    args = ["--lang", option] if option else []
    result = repo.run(*args, "validate")
    assert result.exit_code == 0, result.output
    last = result.stdout.strip().splitlines()[-1]
    assert last == (
        "0 errors, 0 warnings in 7 files" if expected == "en" else "0个错误，0个警告，共7个文件"
    )


def test_outside_a_repository_english_is_the_default(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from dangjian_cli.cli.main import cli

    monkeypatch.delenv("DANGJIAN_LANG", raising=False)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["explain", "E-QUORUM"])
    assert result.exit_code == 0
    assert result.stdout.startswith("E-QUORUM (error): Not quorate")


def test_init_makes_a_chinese_repository_unless_asked(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from dangjian_cli.cli.main import cli

    monkeypatch.delenv("DANGJIAN_LANG", raising=False)
    runner = CliRunner()
    zh = tmp_path / "zh"
    assert runner.invoke(cli, ["init", str(zh)]).exit_code == 0
    assert tomllib.loads((zh / "dangjian.toml").read_text(encoding="utf-8"))["language"] == "zh"
    checked = runner.invoke(cli, ["-C", str(zh), "validate"])
    assert checked.stdout.strip().splitlines()[-1] == "0个错误，0个警告，共1个文件"
    en = tmp_path / "en"
    assert runner.invoke(cli, ["--lang", "en", "init", str(en)]).exit_code == 0
    assert tomllib.loads((en / "dangjian.toml").read_text(encoding="utf-8"))["language"] == "en"
