"""Writers and links, locks, temp files, modes and invalid records (issue 10 items 6-8,
issue 12 item 7): every write stays in the repository, survives a killed writer and
never replaces another writer's file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import docx
import pytest

from dangjian_cli.errors import InputError, Refused
from dangjian_cli.records import write

NUMBERED = {
    "dangjian.toml": """
        name = "Test county"
        language = "en"
        tracking_since = 2025-01-01
        [numbering.town]
        default = "Town [{year}] No. {n}"
    """,
}
NOTICE = ("render", "notice", "--org", "village", "--kind", "praise", "--finding", "Good work")


@pytest.fixture
def nrepo(make_repo):
    return make_repo(NUMBERED)


def _dead_pid() -> int:
    """The pid of a process that has ended (and been reaped)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


# ---- item 6: no write through a link out of the repository ---------------------------


def test_notice_through_a_notices_folder_linked_outside_is_refused(nrepo, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (nrepo.root / "notices").mkdir()
    (nrepo.root / "notices" / "2026").symlink_to(outside)
    args = (*NOTICE, "--as-of", "2026-03-01", "--out", str(tmp_path / "docs"))
    result = nrepo.run(*args)
    assert result.exit_code == 1  # validation names the link (E-SYMLINK) first
    assert "E-SYMLINK" in result.stderr
    forced = nrepo.run(*args, "--force")
    assert forced.exit_code == 1, forced.stderr
    assert "notices/2026 leads out of the repository" in forced.stderr
    assert list(outside.iterdir()) == []  # not even a lock file
    assert not (tmp_path / "docs").exists() or list((tmp_path / "docs").iterdir()) == []


def test_default_out_folder_linked_outside_is_refused_but_out_option_is_not(nrepo, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (nrepo.root / "out").symlink_to(outside)
    result = nrepo.run("render", "letter", "--year", "2026", "--org", "village")
    assert result.exit_code == 1
    assert "out leads out of the repository" in result.stderr
    assert list(outside.iterdir()) == []
    chosen = nrepo.run(
        "render", "letter", "--year", "2026", "--org", "village", "--out", str(outside)
    )
    assert chosen.exit_code == 0, chosen.stderr  # --out is the user's explicit choice
    assert [p.name for p in outside.iterdir()] == ["letter-2026-village.docx"]


def test_new_fund_into_a_ledger_folder_linked_outside_is_refused(nrepo, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (nrepo.root / "funds").mkdir()
    (nrepo.root / "funds" / "village").symlink_to(outside)
    result = nrepo.run(
        "new", "fund", "village", "--date", "2026-01-05", "--direction", "income",
        "--source", "fiscal", "--amount", "100",
    )  # fmt: skip
    assert result.exit_code == 1
    assert "leads out of the repository" in result.stderr
    assert list(outside.iterdir()) == []


# ---- item 7: stale locks and temp files of killed writers -----------------------------


def test_a_lock_left_by_a_killed_process_is_taken_over_at_once(nrepo):
    folder = nrepo.root / "notices" / "2026"
    folder.mkdir(parents=True)
    # the old O_EXCL lock file of a process that died, just made (not old by time)
    (folder / ".lock").write_text(f"{_dead_pid()}\n")
    started = time.monotonic()
    result = nrepo.run(*NOTICE, "--as-of", "2026-03-01")
    assert result.exit_code == 0, result.stderr
    assert time.monotonic() - started < 10
    assert sorted(p.name for p in folder.iterdir()) == ["001.toml"]  # the lock is gone too


def test_file_lock_waits_for_a_live_holder_and_is_freed_when_it_is_killed(tmp_path):
    lock = tmp_path / ".lock"
    code = (
        "import sys, time\n"
        "from dangjian_cli.records.write import file_lock\n"
        f"with file_lock({str(lock)!r}):\n"
        "    print('held', flush=True)\n"
        "    time.sleep(60)\n"
    )
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(InputError, match="busy"), write.file_lock(lock, timeout=0.3):
            pass
        assert lock.read_text().split()[0] == str(holder.pid)  # pid host time, for a person
        holder.send_signal(signal.SIGKILL)
        holder.wait()
        with write.file_lock(lock, timeout=5):  # the kernel let go of the dead holder's lock
            assert lock.exists()
        assert not lock.exists()
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()


def test_temp_files_of_dead_writers_are_swept_and_never_reported(nrepo):
    members = nrepo.root / "members"
    host = write.temp_prefix("x").split(".")[2].rsplit("-", 1)[0]
    dead = members / f".m1.toml.{host}-{_dead_pid()}.abcd1234.tmp"
    live = members / f".m2.toml.{host}-{os.getpid()}.abcd1234.tmp"
    foreign = members / ".m3.toml.otherhost-12.abcd1234.tmp"
    for path in (dead, live, foreign):
        path.write_text('name = "half')
    validate = nrepo.run("validate")
    assert validate.exit_code == 0 and ".tmp" not in validate.output
    result = nrepo.run("set", "m2", "phone", "13800000000")
    assert result.exit_code == 0, result.stderr
    assert not dead.exists()  # its writer is gone
    assert live.exists()  # a writer still running (this process)
    assert foreign.exists()  # another host's writer: only once it is old
    os.utime(foreign, (time.time() - 2 * write.LOCK_STALE_SECONDS,) * 2)
    assert str(foreign) in write.sweep(nrepo.root)


def test_temp_file_names_carry_host_and_pid(tmp_path):
    target = tmp_path / "a.toml"
    seen: list[str] = []
    real_replace = os.replace

    def spy(src, dst):
        seen.append(Path(src).name)
        real_replace(src, dst)

    write.os.replace = spy  # type: ignore[attr-defined]
    try:
        write.write_atomic(target, b"x = 1\n")
    finally:
        write.os.replace = real_replace  # type: ignore[attr-defined]
    assert seen and seen[0].startswith(".a.toml.") and f"-{os.getpid()}." in seen[0]
    assert write._TEMP.match(seen[0])


# ---- item 8: no replacing another writer's file, modes from the umask --------------


def test_apply_never_replaces_a_file_made_meanwhile(tmp_path):
    (tmp_path / "members").mkdir()
    other = tmp_path / "members" / "a.toml"
    other.write_bytes(b"name = 'theirs'\n")
    with pytest.raises(Refused, match="already exists"):
        write.apply(tmp_path, {"members/a.toml": b"name = 'mine'\n"}, new=["members/a.toml"])
    assert other.read_bytes() == b"name = 'theirs'\n"
    assert [p.name for p in other.parent.iterdir()] == ["a.toml"]


def test_files_are_written_with_the_users_umask(nrepo, tmp_path):
    old = os.umask(0o027)
    try:
        result = nrepo.run(
            "new", "member", "m9", "--name", "Nine", "--org", "village", "--status", "full",
            "--admitted", "2010-01-01", "--full-since", "2011-01-01",
        )  # fmt: skip
        assert result.exit_code == 0, result.stderr
        notice = nrepo.run(*NOTICE, "--as-of", "2026-03-01")
        assert notice.exit_code == 0, notice.stderr
    finally:
        os.umask(old)
    for path in ("members/m9.toml", "notices/2026/001.toml", "out/notice-2026-001.docx"):
        assert os.stat(nrepo.root / path).st_mode & 0o777 == 0o640, path


# ---- item 8: no document from invalid records ------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        (*NOTICE, "--as-of", "2026-03-01"),
        ("render", "letter", "--year", "2026", "--org", "village"),
        ("render", "report", "--org", "town", "--period", "2025-h1", "--as-of", "2025-08-01"),
    ],
)
def test_render_refuses_invalid_records_unless_forced(nrepo, args):
    nrepo.write("members/m2.toml", 'name = "Two"\norg = "nowhere"\nstatus = "full"\n')
    refused = nrepo.run(*args)
    assert refused.exit_code == 1
    assert "records are invalid" in refused.stderr
    assert "members/m2.toml" in refused.stderr
    assert not (nrepo.root / "out").exists() and not (nrepo.root / "notices").exists()
    forced = nrepo.run(*args, "--force")
    assert forced.exit_code == 0, forced.stderr
    assert "computing on invalid records" in forced.stderr


# ---- a notice's document and record as one unit -----------------------------------------


def test_an_orphan_notice_document_does_not_block_the_next_notice(nrepo):
    orphan = nrepo.write("out/notice-2026-001.docx", "half of a document")
    result = nrepo.run(*NOTICE, "--as-of", "2026-03-01")
    assert result.exit_code == 0, result.stderr
    assert "left by a notice that was never recorded" in result.stderr
    texts = [p.text for p in docx.Document(str(orphan)).paragraphs]
    assert "Town [2026] No. 1" in texts
    record = tomllib.loads(nrepo.read("notices/2026/001.toml"))
    assert record["number"] == "Town [2026] No. 1"
    # a document whose record exists is a real notice: never replaced without --force
    (nrepo.root / "notices/2026/001.toml").rename(nrepo.root / "notices/2026/002.toml")
    again = nrepo.run(*NOTICE, "--as-of", "2026-03-02")
    assert again.exit_code == 0, again.stderr  # seq 3 now: nothing in the way
    kept = nrepo.run(*NOTICE, "--as-of", "2026-03-03")
    assert kept.exit_code == 0, kept.stderr
    assert sorted(p.name for p in (nrepo.root / "notices/2026").iterdir()) == [
        "002.toml",
        "003.toml",
        "004.toml",
    ]


# ---- issue 12 item 7: a batch render keeps existing files --------------------------------


def test_batch_letters_keep_existing_files_and_fail_only_on_errors(nrepo, monkeypatch):
    out = nrepo.root / "out"
    kept = nrepo.write("out/letter-2026-village.docx", "the clerk's own copy")
    result = nrepo.run("render", "letter", "--year", "2026", "--children-of", "county")
    assert result.exit_code == 0, result.stderr
    assert f"kept {kept} (exists; --force to overwrite)" in result.stderr
    assert kept.read_text() == "the clerk's own copy"
    assert (out / "letter-2026-town.docx").exists()
    # a letter that fails is named, the others are written, and the exit says so
    (out / "letter-2026-town.docx").unlink()
    kept.unlink()
    from dangjian_cli.documents import letter

    real = letter.render_letter

    def broken(records, org_id, *args, **kwargs):
        if org_id == "town":
            raise Refused("no signatory for town")
        return real(records, org_id, *args, **kwargs)

    monkeypatch.setattr(letter, "render_letter", broken)
    failed = nrepo.run("render", "letter", "--year", "2026", "--children-of", "county")
    assert failed.exit_code == 1
    assert "letter of town: no signatory for town" in failed.stderr
    assert "1 of 2 letters failed: town" in failed.stderr
    assert (out / "letter-2026-village.docx").exists()
    assert os.stat(out / "letter-2026-village.docx").st_mode & 0o777 == 0o666 & ~_umask()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_a_report_sweeps_its_documents_folder_only(nrepo, tmp_path):
    """A read-only render (a report) clears what a killed document writer left in
    the documents folder, and walks nothing else: the records' own temp files are
    the record writers' business."""
    host = write.temp_prefix("x").split(".")[2].rsplit("-", 1)[0]
    out = tmp_path / "docs"
    (out / "old").mkdir(parents=True)
    left = out / f".report-x.docx.{host}-{_dead_pid()}.abcd1234.tmp"
    deeper = out / "old" / left.name
    in_records = nrepo.root / "members" / left.name
    for path in (left, deeper, in_records):
        path.write_bytes(b"PK half a document")
    orgs = sorted(p.stem for p in (nrepo.root / "orgs").rglob("*.toml"))
    result = nrepo.run(
        "render", "report", "--org", orgs[0], "--period", "2026", "--out", str(out), "--force"
    )
    assert result.exit_code == 0, result.output
    assert not left.exists()
    assert deeper.exists() and in_records.exists()
