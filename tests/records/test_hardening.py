"""Pathological input (issue 10): whatever a file holds, reading it ends in one
`path:line: error CODE message`, never a traceback or a hang; special files are
refused by type without being opened; records past the limits are refused whole."""

from __future__ import annotations

import os
import socket
import time

import pytest

from dangjian_cli.records import parse as parse_module
from dangjian_cli.records import repository
from dangjian_cli.records.parse import MAX_DEPTH, MAX_TABLES, MAX_VALUES, Locator, locate, parse
from dangjian_cli.records.repository import load
from dangjian_cli.records.store import MAX_BYTES, FolderStore

MEMBER = (
    'name = "Four"\norg = "village"\nstatus = "full"\nbirth_date = 1980-01-01\n'
    "admitted = 2020-01-01\nfull_since = 2021-01-01\n"
)


def _error_lines(result, path: str) -> list[str]:
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert result.exit_code == 1, result.output
    return [x for x in result.stdout.splitlines() if x.startswith(path + ":")]


@pytest.mark.parametrize(
    ("added", "code", "line", "words"),
    [
        ("x = " + "9" * 5000 + "\n", "E-TOML", 7, "number too long"),
        ("x = " + "[" * 3000 + "]" * 3000 + "\n", "E-TOML", 7, "nested too deeply"),
        ("x = " + "[" * 40 + "]" * 40 + "\n", "E-TOO-BIG", 7, f"nested more than {MAX_DEPTH}"),
        ("x = 0x" + "f" * 5000 + "\n", None, None, None),  # a legal number: a warning
        (
            "birth = 1980-01-01\n[t]\n" + "\n".join(f"k{i} = 1" for i in range(MAX_VALUES)),
            "E-TOO-BIG",
            1,
            "keys",
        ),
        ("".join(f"[t{i}]\na = 1\n" for i in range(MAX_TABLES + 1)), "E-TOO-BIG", 1, "tables"),
    ],
    ids=["long-int", "deep-array", "deep-limit", "huge-hex", "many-keys", "many-tables"],
)
def test_pathological_values_are_one_error(repo, added, code, line, words):
    repo.write("members/m4.toml", MEMBER + added, dedent=False)
    result = repo.run("validate")
    if code is None:
        assert result.exit_code == 0, result.output
        assert "W-UNKNOWN-FIELD" in result.stdout
        return
    lines = _error_lines(result, "members/m4.toml")
    assert len(lines) == 1, result.stdout
    assert lines[0].startswith(f"members/m4.toml:{line}: error {code} "), lines
    assert words in lines[0]


def test_a_huge_number_where_a_date_belongs_is_a_type_error(repo):
    repo.write("members/m4.toml", MEMBER.replace("1980-01-01", "0x" + "f" * 5000), dedent=False)
    lines = _error_lines(repo.run("validate"), "members/m4.toml")
    assert lines == [
        "members/m4.toml:4: error E-TYPE `birth_date` must be a date, got integer "
        "<a number of 20000 bits>"
    ]


def test_file_past_the_size_limit_is_refused_unparsed(repo):
    repo.write("members/m4.toml", MEMBER + "# " + "x" * MAX_BYTES + "\n", dedent=False)
    lines = _error_lines(repo.run("validate"), "members/m4.toml")
    assert len(lines) == 1
    assert lines[0].startswith("members/m4.toml:1: error E-TOO-BIG ")
    assert "larger than 4 MiB" in lines[0]


def test_a_file_past_the_size_limit_is_never_written_back_in_part(repo):
    big = MEMBER + "# " + "x" * MAX_BYTES + "\n"
    repo.write("members/m4.toml", big, dedent=False)
    result = repo.run("set", "members/m4", "name", "Vier")
    assert result.exit_code in (1, 2), result.output
    assert isinstance(result.exception, SystemExit)
    assert "members/m4.toml" in result.output and "larger than 4 MiB" in result.output
    assert repo.read("members/m4.toml") == big


def test_ten_years_of_monthly_dues_are_within_the_limits(repo):
    rows = "".join(
        f'\n[[dues]]\nmonth = "{y}-{mo:02d}"\namount = "12.00"\npaid_on = {y}-{mo:02d}-05\n'
        for y in range(2016, 2026)
        for mo in range(1, 13)
    )
    repo.write("members/m4.toml", MEMBER + '\n[stars]\n"2024" = 4\n' + rows, dedent=False)
    result = repo.run("validate")
    assert result.exit_code == 0, result.output


def test_a_fifo_named_toml_is_refused_without_being_opened(repo):
    os.mkfifo(repo.root / "members" / "m4.toml")
    started = time.monotonic()
    lines = _error_lines(repo.run("validate"), "members/m4.toml")
    assert time.monotonic() - started < 20
    assert lines == [
        "members/m4.toml:1: error E-IO is a FIFO (named pipe), not a record file; refused"
    ]


def test_a_socket_named_toml_is_refused(repo, tmp_path):
    # a socket path must be short: bind in a short folder, then move the socket
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    short = f"/tmp/dj-{os.getpid()}.sock"
    try:
        sock.bind(short)
        os.rename(short, repo.root / "members" / "m4.toml")
        lines = _error_lines(repo.run("validate"), "members/m4.toml")
    finally:
        sock.close()
        if os.path.exists(short):
            os.unlink(short)
    assert lines == ["members/m4.toml:1: error E-IO is a socket, not a record file; refused"]


def test_a_link_to_a_fifo_inside_the_repository_is_refused(repo):
    os.mkfifo(repo.root / "pipe")
    os.symlink("../pipe", repo.root / "members" / "m4.toml")
    lines = _error_lines(repo.run("validate"), "members/m4.toml")
    assert lines == [
        "members/m4.toml:1: error E-IO is a FIFO (named pipe), not a record file; refused"
    ]


@pytest.mark.parametrize("kind", ["loop", "dangling"])
def test_broken_and_looping_links_are_refused(repo, kind):
    folder = repo.root / "members"
    if kind == "loop":
        os.symlink("m5.toml", folder / "m4.toml")
        os.symlink("m4.toml", folder / "m5.toml")
    else:
        os.symlink("nowhere.toml", folder / "m4.toml")
    lines = _error_lines(repo.run("validate"), "members/m4.toml")
    assert lines == [
        "members/m4.toml:1: error E-SYMLINK symbolic link is broken or loops; refused "
        "(replace the link with the record file itself)"
    ]


def test_reading_a_fifo_that_replaced_a_listed_file_does_not_block(repo):
    store = FolderStore(repo.root)
    store.listing()
    target = repo.root / "members" / "m3.toml"
    target.unlink()
    os.mkfifo(target)
    with pytest.raises(OSError, match="not a regular file"):
        store.read("members/m3.toml")
    problems = load(store, workers=1).problems
    assert [(p.code, p.path) for p in problems] == [("E-IO", "members/m3.toml")]


def test_overdue_names_a_link_out_of_the_repository_among_many_errors(repo, tmp_path):
    outside = tmp_path / "secret.toml"
    outside.write_text(MEMBER, encoding="utf-8")
    os.symlink(outside, repo.root / "members" / "m9.toml")
    for i in range(30):  # more errors than the refusal shows
        repo.write(f"members/x{i}.toml", 'name = "X"\norg = "nowhere"\nstatus = "full"\n')
    result = repo.run("overdue")
    assert result.exit_code == 1
    assert "members/m9.toml:1: error E-SYMLINK" in result.output


def test_parse_never_raises_whatever_the_parser_raises(monkeypatch):
    def broken(text: str) -> dict:
        raise OverflowError("some parser limit")

    monkeypatch.setattr(parse_module, "_loads", broken)
    doc, problems = parse("members/a.toml", b'name = "A"\n')
    assert doc is None
    assert [(p.code, p.line) for p in problems] == [("E-TOML", 1)]
    assert "OverflowError: some parser limit" in problems[0].message


def test_a_record_the_builder_cannot_build_is_a_problem_in_worker_processes(repo, monkeypatch):
    """A failure while building a record (here forced) is that file's problem, also
    when the file is loaded in a forked worker of a parallel load."""
    real = repository.Builder.build

    def build(self, spec, data, key=(), **fixed):
        if self.path == "members/m2.toml" and not key:
            raise ValueError("forced")
        return real(self, spec, data, key, **fixed)

    monkeypatch.setattr(repository.Builder, "build", build)
    # the fast builder (records.fast) would build it without the Builder
    monkeypatch.setattr(repository, "fast_record", lambda kind, doc, fixed: None)
    monkeypatch.setattr(repository, "CHUNK", 1)  # several tasks: workers take some
    store = FolderStore(repo.root)
    for workers in (1, 2):
        problems = load(store, workers=workers).problems
        assert [(p.code, p.path, p.message) for p in problems] == [
            ("E-TOML", "members/m2.toml", "cannot read the record (ValueError: forced)")
        ]


def test_locating_many_problems_scans_a_file_once(monkeypatch):
    text = "".join(f"[t{i}]\na = 1\n" for i in range(3000))
    calls = []
    real = parse_module.key_lines
    monkeypatch.setattr(parse_module, "key_lines", lambda t: calls.append(1) or real(t))
    found = Locator(text)
    lines = [found.line((f"t{i}", "a")) for i in range(3000)]
    assert lines == [2 * i + 2 for i in range(3000)]
    assert len(calls) == 1
    # the same answers as the one-key helper: longest prefix spelled out, else 1
    assert found.line(("t5", "b")) == locate(text, ("t5", "b")) == 11
    assert found.line(("nowhere",)) == 1


def test_validate_of_thousands_of_problems_in_one_file_is_quick(repo):
    rows = "".join(f"[[dues]]\nmonth = {i}\namount = 1\n" for i in range(1900))
    repo.write("members/m4.toml", MEMBER + rows, dedent=False)
    started = time.monotonic()
    result = repo.run("validate")
    took = time.monotonic() - started
    assert result.exit_code == 1
    assert result.stdout.count("E-TYPE") == 1900
    assert took < 10, took  # was quadratic: 27 s for 2,000 problems


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1899-12-31", "2200-01-01"])
def test_a_date_outside_the_calendar_of_records_is_refused(repo, day):
    repo.write("members/m4.toml", MEMBER.replace("1980-01-01", day), dedent=False)
    lines = _error_lines(repo.run("validate"), "members/m4.toml")
    assert lines == [
        f"members/m4.toml:4: error E-DATE-RANGE `birth_date` {day} is outside 1900-2199 "
        "(a typo in the year?)"
    ]
    # the listings refuse such records, and compute with --force without a traceback
    assert repo.run("overdue").exit_code == 1
    forced = repo.run("overdue", "--force", "--as-of", "2026-06-30")
    assert forced.exception is None or isinstance(forced.exception, SystemExit), forced.output
    assert forced.exit_code == 0, forced.output


def test_a_grace_of_a_hundred_million_days_is_a_setting_error(repo):
    settings = repo.read("dangjian.toml") + "\n[rules.theme-day]\ngrace_days = 100000000\n"
    repo.write("dangjian.toml", settings, dedent=False)
    lines = _error_lines(repo.run("validate"), "dangjian.toml")
    assert len(lines) == 1
    assert "E-RULE-VALUE rules.theme-day.grace_days must be from 0 to 366" in lines[0]
    result = repo.run("overdue", "--force", "--as-of", "2026-06-30")
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code == 0


@pytest.mark.parametrize(
    "args",
    [
        ("overdue", "--as-of", "9999-12-31"),
        ("overdue", "--as-of", "0001-01-01"),
        ("due", "--since", "0001-01-01"),
        ("rank", "--year", "9999"),
    ],
)
def test_dates_outside_the_calendar_of_records_are_usage_errors(repo, args):
    result = repo.run(*args)
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Invalid value for" in result.output


def test_settings_nested_too_deep_do_not_stop_choosing_the_language(repo):
    settings = repo.read("dangjian.toml") + "deep = " + "[" * 990 + "]" * 990 + "\n"
    repo.write("dangjian.toml", settings, dedent=False)
    lines = _error_lines(repo.run("validate"), "dangjian.toml")
    # the parser's own recursion limit, or the depth limit: which depends on the stack
    assert len(lines) == 1
    assert " error E-TOO-BIG " in lines[0] or " error E-TOML " in lines[0]


def test_new_letter_reads_the_org_default_safely(repo):
    """`new letter` reads the org's parent for its default: an org file nested past
    the parser's limits gives no default, not a traceback."""
    org = repo.read("orgs/village.toml") + "deep = " + "[" * 5000 + "]" * 5000 + "\n"
    repo.write("orgs/village.toml", org, dedent=False)
    result = repo.run("new", "letter", "--org", "village", "--signed-on", "2026-03-01")
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code == 1, result.output
    assert "nothing was written" in result.output  # no default: the letter lacks its parent
    assert not (repo.root / "letters").exists()
