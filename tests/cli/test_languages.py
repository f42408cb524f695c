"""Every command speaks the repository's language (issue 13).

The same small county is kept twice, once with ``language = "zh"`` and once with
``language = "en"``; its names and ids are English in both, so a Chinese character
in the output can only come from dangjian's own words. Each command is run on both:
its headings, summary lines and messages carry Chinese in the zh repository and
none in the en one, and the English words of the en run's headings do not appear
in the zh run's (ids, codes, paths and options excepted).

Validation problems are worded once and cached (the records cache, git snapshots):
they are said in the language of the run that prints them, and JSON keeps the
stable English ``message`` beside ``message_text``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import MINIMAL, RecordsRepo

AS_OF = "2026-07-20"
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")

THEME = 'kind = "theme_day"\ndate = {day}\nattendees = ["m1", "m2"]\ntopic = "t{n}"\n'
NOTICE = """
number = "N-1"
kind = "criticism"
issuer = "county"
target = "village"
issued_on = 2026-02-01
deadline = 2026-03-31
"""
#: a member file with a field the schema does not know: one warning, nothing refused
WARNED = MINIMAL["members/m2.toml"] + 'nickname = "Two"\n'


def county(root: Path, lang: str) -> RecordsRepo:
    repo = RecordsRepo(root)
    files = {
        **MINIMAL,
        "dangjian.toml": f"""
            name = "Test county"
            language = "{lang}"
            tracking_since = 2025-01-01
            [numbering]
            criticism = "C-{{year}}-{{n}}"
        """,
        "members/m2.toml": WARNED,
        "notices/2026/001.toml": NOTICE,
    }
    for n in (1, 2, 3):
        day = f"2026-0{n}-15"
        files[f"meetings/village/{day}-theme_day.toml"] = THEME.format(day=day, n=n)
    for path, text in files.items():
        repo.write(path, text)
    repo.init_git()
    repo.commit("initial records")
    return repo


@pytest.fixture(scope="module")
def both(tmp_path_factory) -> dict[str, RecordsRepo]:
    return {lang: county(tmp_path_factory.mktemp(lang) / "county", lang) for lang in ("en", "zh")}


@pytest.fixture(autouse=True)
def _no_language_override(monkeypatch):
    monkeypatch.delenv("DANGJIAN_LANG", raising=False)


def _words(text: str) -> set[str]:
    """The English words of a line, leaving out what is not dangjian's wording: codes
    (E-QUORUM), paths, `quoted` names, commit ids, options, emails and the repository's
    own names and ids."""
    text = re.sub(r"`[^`]*`|\[\[?[\w.-]+\]\]?|\S*[/@]\S*|\S+\.(toml|docx|xlsx|csv)\b", " ", text)
    text = re.sub(r"'[^']*'|\b[EW]-[A-Z-]+\b|--[\w-]+|\b[0-9a-f]{7,40}\b", " ", text)
    text = re.sub(r"\b\w+(?:[_-]\w+)+\b|^\s+\w+:", " ", text)  # ids; a field's name
    return {w.lower() for w in re.findall(r"[A-Za-z]{3,}", text)} - DATA


#: words of the county's own names and ids (the data, the same in both languages)
DATA = {
    "test", "county", "committee", "township", "town", "village", "branch", "member",
    "one", "two", "three", "clerk", "initial", "records", "dangjian", "toml", "git",
    "main", "readme", "std",
}  # fmt: skip


def _lines(result, where: str) -> list[str]:
    """The lines a case checks: the heading (first line), the summary (last line),
    every line, or stderr's lines."""
    out = result.stdout if not where.startswith("err") else result.stderr
    lines = [line for line in out.splitlines() if line.strip()]
    if where in ("head", "errhead"):
        return lines[:1]
    if where == "last":
        return lines[-1:]
    if where == "head+last":
        return [lines[0], lines[-1]]
    return lines


#: (arguments, the lines that are dangjian's own words)
CASES: list[tuple[tuple[str, ...], str]] = [
    (("validate",), "all"),
    (("overdue", "--as-of", AS_OF), "head+last"),
    (("overdue", "--as-of", AS_OF), "err"),
    (("due", "--as-of", AS_OF), "head+last"),
    (("rank", "--year", "2026", "--as-of", AS_OF), "head+last"),
    (("sample", "--year", "2026", "--count", "1"), "head+last"),
    (("status", "village", "--as-of", AS_OF), "status"),
    (("list", "members"), "head"),
    (("list", "orgs"), "head"),
    (("list", "meetings"), "head"),
    (("list", "notices"), "head"),
    (("list", "dues", "--as-of", AS_OF), "head"),
    (("list", "attendance", "--org", "village", "--year", "2026"), "head"),
    (("stats", "--as-of", AS_OF), "head"),
    (("dues", "standard"), "head"),
    (("dues", "standard"), "err"),
    (("dues", "statement", "--org", "village", "--year", "2026", "--as-of", AS_OF), "head"),
    (("rules",), "head"),
    (("explain", "E-QUORUM"), "explain"),
    (("templates", "check"), "last"),
    (("review",), "all"),
    (("log", "members/m1.toml"), "log"),
    (("set", "village", "name", "Test Village Branch"), "err"),
    (("overdue", "--org", "nowhere"), "err"),
    (("hooks", "install", "--force"), "all"),
]


def _selected(result, where: str) -> list[str]:
    if where == "status":  # the labels, the counts, and the last meetings' heading
        lines = [line for line in result.stdout.splitlines() if line.strip()]
        return [line for line in lines[1:7]] + [
            line for line in lines if line.startswith(("Last", "各类"))
        ]
    if where == "explain":  # the title and the labelled paragraphs
        return [line for line in result.stdout.splitlines() if line.strip()][:3]
    if where == "log":  # Author, Date and the change; not the commit's own message
        lines = [line for line in result.stdout.splitlines() if line.strip()]
        return [lines[1], lines[2], lines[4]]
    return _lines(result, where)


@pytest.mark.parametrize(
    ("args", "where"), CASES, ids=lambda c: " ".join(c) if isinstance(c, tuple) else c
)
def test_headings_and_messages_are_in_the_repository_language(both, args, where):
    results = {lang: repo.run(*args) for lang, repo in both.items()}
    for lang, result in results.items():
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            lang,
            result.exception,
        )
    en = _selected(results["en"], where)
    zh = _selected(results["zh"], where)
    assert en and zh, (results["en"].output, results["zh"].output)
    for line in en:
        assert not CJK.search(line) or args[0] == "rules", f"Chinese in an English run: {line!r}"
    english = set().union(*(_words(line) for line in en))
    for line in zh:
        assert CJK.search(line), f"no Chinese in a zh run: {line!r}"
        left = _words(line) & english
        assert not left, f"English words {sorted(left)} in a zh run: {line!r}"


def test_init_speaks_the_language_of_the_repository_it_makes(tmp_path):
    from click.testing import CliRunner

    from dangjian_cli.cli.main import cli

    zh = CliRunner().invoke(cli, ["init", str(tmp_path / "zh")])
    en = CliRunner().invoke(cli, ["init", str(tmp_path / "en"), "--lang", "en"])
    assert zh.exit_code == en.exit_code == 0, (zh.output, en.output)
    assert zh.stdout.splitlines()[0].startswith("已建立记录库")
    assert en.stdout.splitlines()[0].startswith("made records repository")
    assert not CJK.search(en.stdout) and all(CJK.search(x) for x in zh.stdout.splitlines())


def test_render_refusal_and_import_are_said_in_chinese(tmp_path):
    repo = county(tmp_path / "county", "zh")
    first = repo.run("render", "letter", "--org", "village", "--year", "2026")
    assert first.exit_code == 0, first.output
    again = repo.run("render", "letter", "--org", "village", "--year", "2026")
    assert again.exit_code == 1 and "已存在（用 --force 覆盖）" in again.stderr
    roster = tmp_path / "people.csv"
    roster.write_text(
        "姓名,性别,人员类别,党组织编号,入党时间,转正时间\n"
        "张三,男,正式,village,2000-01-01,2001-01-01\n"
        "李四,男,干部,village,2000-01-01,2001-01-01\n"
    )
    dry = repo.run("import", "members", str(roster), "--dry-run")
    assert "people.csv:C3: 未知的状态 '干部'；可选：正式党员 (full)" in dry.stderr
    assert dry.stdout.splitlines()[-1].startswith("试运行：共 2 行")
    refused = repo.run("import", "members", str(roster))
    assert refused.exit_code == 1 and "拒绝：people.csv 有 1 行错误" in refused.stderr


# ---- validation problems: worded once, said when printed ---------------------------


def quorum_county(root: Path, lang: str) -> RecordsRepo:
    """A branch assembly of three full members with one present: E-QUORUM."""
    repo = county(root, lang)
    repo.write(
        "meetings/village/2026-05-12-branch_assembly.toml",
        'kind = "branch_assembly"\ndate = 2026-05-12\nattendees = ["m1"]\n',
    )
    return repo


def test_a_problem_is_said_in_the_language_of_the_run(tmp_path):
    repo = quorum_county(tmp_path / "county", "zh")
    zh = repo.run("validate")
    (line,) = [x for x in zh.stdout.splitlines() if "E-QUORUM" in x]
    assert line == (
        "meetings/village/2026-05-12-branch_assembly.toml:3: 错误 E-QUORUM "
        "支部党员大会须有 3 名有表决权党员中的半数以上（2 人）到会，实到 1 人"
    )
    en = repo.run("--lang", "en", "validate")
    assert (
        "error E-QUORUM a branch assembly needs more than half of 3 voting members (2); 1 present"
        in en.stdout
    )
    (problem,) = [p for p in json.loads(repo.run("validate", "--format", "json").stdout)
                  if p["code"] == "E-QUORUM"]  # fmt: skip
    assert problem["message"].startswith("a branch assembly needs more than half")  # stable
    assert problem["message_text"].startswith("支部党员大会须有")
    refused = repo.run("overdue")
    assert refused.exit_code == 1
    assert "记录有错误（1 个校验错误）" in refused.stderr and "错误 E-QUORUM 支部党员大会" in (
        refused.stderr
    )


def test_cached_problems_are_said_in_the_language_asked(tmp_path, monkeypatch):
    """The records cache keeps problems with their templates: an English run writes it,
    a Chinese run reads it back and says the problem in Chinese (and the other way)."""
    from dangjian_cli import i18n
    from dangjian_cli.checks import validate
    from dangjian_cli.records import cache
    from dangjian_cli.records.store import FolderStore

    repo = quorum_county(tmp_path / "county", "en")
    repo.write("members/m3.toml", MINIMAL["members/m3.toml"] + "nicknme = 3\n")
    where = tmp_path / "records.cache"
    from tests.records.test_cache import age

    age(repo.root)
    try:
        i18n.set_language("en", forced=True)
        first = cache.load_cached(FolderStore(repo.root), where=where, threshold=0)
        assert where.exists()
        english = sorted(p.text() for p in validate(first))
        i18n.reset()
        i18n.set_language("zh", forced=True)
        again = cache.load_cached(FolderStore(repo.root), where=where, threshold=0)
        chinese = sorted(p.text() for p in validate(again))
    finally:
        i18n.reset()
    unknown_en = [t for t in english if t.startswith("members/m3.toml")]
    unknown_zh = [t for t in chinese if t.startswith("members/m3.toml")]
    assert unknown_en == ["members/m3.toml:7: warning W-UNKNOWN-FIELD unknown field `nicknme`"]
    assert unknown_zh == ["members/m3.toml:7: 警告 W-UNKNOWN-FIELD 未知字段 `nicknme`"]
    assert len(english) == len(chinese)


def test_an_older_cache_is_not_read(tmp_path):
    """A cache written under another format (problems without templates) is rebuilt."""
    import pickle

    from dangjian_cli.records import cache
    from dangjian_cli.records.store import FolderStore
    from tests.records.test_cache import age

    repo = quorum_county(tmp_path / "county", "en")
    where = tmp_path / "records.cache"
    age(repo.root)
    with where.open("wb") as handle:  # what a release before templates left
        pickle.dump((cache._FORMAT - 1, cache._fingerprint()), handle)
        pickle.dump({"members/m1.toml": None}, handle)
    records = cache.load_cached(FolderStore(repo.root), where=where, threshold=0)
    assert "m1" in records.members  # read afresh, not from the stale entry
    with where.open("rb") as handle:
        assert pickle.load(handle) == (cache._FORMAT, cache._fingerprint())


def test_a_problem_worded_in_english_only_still_prints_with_its_title():
    """A check not yet worded with say() prints its English message after the code's
    Chinese title, so the line still says in Chinese what kind of problem it is."""
    from dangjian_cli import i18n
    from dangjian_cli.cli.validate import _problem_line
    from dangjian_cli.problems import error

    p = error("E-QUORUM", "meetings/x/2026-01-01-branch_assembly.toml", "too few", line=2)
    try:
        i18n.set_language("zh", forced=True)
        assert _problem_line()(p) == (
            "meetings/x/2026-01-01-branch_assembly.toml:2: 错误 E-QUORUM 到会人数不足：too few"
        )
    finally:
        i18n.reset()


def test_masking_applies_to_the_translated_text(tmp_path):
    """A value that looks like a mobile number is masked in the message, in either language
    and in both JSON fields."""
    repo = county(tmp_path / "county", "zh")
    repo.write("members/m3.toml", MINIMAL["members/m3.toml"].replace('"full"', '"13812345678"'))
    zh = repo.run("validate")
    en = repo.run("--lang", "en", "validate")
    as_json = repo.run("validate", "--format", "json")
    for out in (zh.stdout, en.stdout, as_json.stdout):
        assert "13812345678" not in out and "138****5678" in out, out
    (line,) = [x for x in zh.stdout.splitlines() if "E-ENUM" in x]
    assert "不在可选范围内" in line
    (problem,) = [p for p in json.loads(as_json.stdout) if p["code"] == "E-ENUM"]
    assert "138****5678" in problem["message"] and "138****5678" in problem["message_text"]


def test_the_pre_receive_hook_speaks_the_pushed_records_language(tmp_path):
    """A bare server has no work tree: the hook says its verdict in the language of the
    dangjian.toml of the commit it refuses."""
    import os
    import subprocess

    from click.testing import CliRunner

    from dangjian_cli.cli.main import cli
    from tests.conftest import GIT_ENV

    repo = county(tmp_path / "county", "zh")
    old = repo.git("rev-parse", "HEAD").strip()
    server = tmp_path / "server.git"
    env = {**os.environ, **GIT_ENV}
    subprocess.run(
        ["git", "clone", "-q", "--bare", str(repo.root), str(server)], check=True, env=env
    )
    repo.write("members/m3.toml", MINIMAL["members/m3.toml"].replace('"full"', '"ful"'))
    new = repo.commit("member: m3")
    repo.git("push", "-q", str(server), "main")  # (no hook yet: the objects are there)
    lines = f"{old} {new} refs/heads/main\n"
    zh = CliRunner().invoke(cli, ["-C", str(server), "hooks", "pre-receive"], input=lines)
    assert zh.exit_code == 1
    assert f"拒绝 refs/heads/main：提交 {new[:10]} 有 1 个校验错误" in zh.stderr
    assert "members/m3.toml:3: 错误 E-ENUM `status` 的值 'ful' 不在可选范围内" in zh.stderr
    en = CliRunner().invoke(
        cli, ["--lang", "en", "-C", str(server), "hooks", "pre-receive"], input=lines
    )
    assert f"rejected refs/heads/main: commit {new[:10]} has 1 validation error" in en.stderr


def test_installing_the_server_hooks_speaks_the_guarded_records_language(tmp_path):
    """A bare server has no work tree to read dangjian.toml from: `hooks install
    --pre-receive` speaks the language of the guarded branch's dangjian.toml, else of
    the default branch's (a branch guarded before its first push)."""
    import os
    import subprocess

    from click.testing import CliRunner

    from dangjian_cli.cli.main import cli
    from tests.conftest import GIT_ENV

    repo = county(tmp_path / "county", "zh")
    server = tmp_path / "server.git"
    env = {**os.environ, **GIT_ENV}
    subprocess.run(
        ["git", "clone", "-q", "--bare", str(repo.root), str(server)], check=True, env=env
    )

    def install(*before: str):
        args = [*before, "-C", str(server), "hooks", "install", "--pre-receive"]
        return CliRunner().invoke(cli, args)

    done = install()
    assert done.exit_code == 0, done.output
    assert done.stdout.splitlines() == [
        f"已安装 {server / 'hooks' / 'pre-receive'}",
        f"已安装 {server / 'hooks' / 'post-receive'}",
        "保护分支 main（记录库的默认分支）；receive.denyNonFastForwards = true",
    ]
    # a branch not pushed yet: the default branch's language, and its warning translated
    ahead = CliRunner().invoke(
        cli, ["-C", str(server), "hooks", "install", "--pre-receive", "--branch", "records"]
    )
    assert ahead.exit_code == 0, ahead.output
    assert "保护分支 records（按 --branch 指定）" in ahead.stdout
    assert f"警告：分支 records 在 {server} 中尚不存在（现有分支：main）" in ahead.stderr
    # a hook dangjian did not write: refused (pre-receive) or warned about (post-receive)
    (server / "hooks" / "post-receive").write_text("#!/bin/sh\n")
    kept = install()
    assert kept.exit_code == 0, kept.output
    assert kept.stderr.strip() == (
        f"dangjian: 警告：{server / 'hooks' / 'post-receive'} 已存在，且不是 dangjian 写的；"
        "要替换它，用 --force：推送仍会校验，但不保存快照，大的记录库每次都要整体校验"
    )
    (server / "hooks" / "pre-receive").write_text("#!/bin/sh\n")
    refused = install()
    assert refused.exit_code == 1
    assert refused.stderr.strip() == (
        f"dangjian: {server / 'hooks' / 'pre-receive'} 已存在，且不是 dangjian 写的；"
        "要替换它，用 --force"
    )
    english = install("--lang", "en")
    assert english.exit_code == 1 and "was not written by dangjian" in english.stderr

    # the guarded branch's own settings win over the default branch's
    repo.git("checkout", "-q", "-b", "english")
    repo.write("dangjian.toml", repo.read("dangjian.toml").replace('"zh"', '"en"'))
    repo.commit("settings: English")
    repo.git("push", "-q", str(server), "english")
    guarded = CliRunner().invoke(
        cli,
        ["-C", str(server), "hooks", "install", "--pre-receive", "--branch", "english", "--force"],
    )
    assert guarded.exit_code == 0, guarded.output
    assert guarded.stdout.splitlines()[-1] == (
        "guarding branch english (as --branch said); receive.denyNonFastForwards = true"
    )
    assert not CJK.search(guarded.output)
