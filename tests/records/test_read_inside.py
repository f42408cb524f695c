"""Files read one at a time (the settings for the language, the notices being
numbered, the work tree's side of a review) are read as the folder listing reads
records: never through a link out of the repository, never from a FIFO (which
would wait forever), never past the size limit."""

from __future__ import annotations

import errno
import os

import pytest

from dangjian_cli.records.store import MAX_BYTES, TooBig, read_inside

SECRET = 'name = "outside"\nnumber = "Town Praise [2026] No. 77"\n'


def test_a_plain_file_and_a_link_inside_are_read(tmp_path):
    (tmp_path / "members").mkdir()
    (tmp_path / "members" / "a.toml").write_text('name = "A"\n', encoding="utf-8")
    (tmp_path / "members" / "b.toml").symlink_to("a.toml")
    assert read_inside(tmp_path, "members/a.toml") == b'name = "A"\n'
    assert read_inside(tmp_path, "members/b.toml") == b'name = "A"\n'


def test_a_link_out_is_refused_unread(tmp_path):
    outside = tmp_path / "outside.toml"
    outside.write_text(SECRET, encoding="utf-8")
    repo = tmp_path / "repo"
    (repo / "members").mkdir(parents=True)
    (repo / "members" / "a.toml").symlink_to(outside)
    with pytest.raises(OSError) as caught:
        read_inside(repo, "members/a.toml")
    assert caught.value.errno == errno.EXDEV and "out of the repository" in str(caught.value)


def test_a_fifo_is_refused_without_waiting(tmp_path):
    os.mkfifo(tmp_path / "dangjian.toml")
    with pytest.raises(OSError) as caught:
        read_inside(tmp_path, "dangjian.toml")
    assert "not a regular file" in str(caught.value)


def test_a_giant_is_refused(tmp_path):
    with open(tmp_path / "dangjian.toml", "wb") as fh:
        fh.truncate(MAX_BYTES + 1)
    with pytest.raises(TooBig):
        read_inside(tmp_path, "dangjian.toml")


def test_notice_numbering_skips_a_fifo_and_a_link_out(make_repo, tmp_path):
    repo = make_repo()
    settings = (
        repo.read("dangjian.toml") + '[numbering]\ndefault = "Town Praise [{year}] No. {n}"\n'
    )
    repo.write("dangjian.toml", settings, dedent=False)
    outside = tmp_path / "outside.toml"
    outside.write_text(SECRET, encoding="utf-8")
    (repo.root / "notices" / "2026").mkdir(parents=True)
    os.mkfifo(repo.root / "notices" / "2026" / "001.toml")
    (repo.root / "notices" / "2026" / "002.toml").symlink_to(outside)
    out = tmp_path / "out"
    result = repo.run("render", "notice", "--org", "village", "--kind", "praise",
                      "--as-of", "2026-03-01", "--finding", "Clean books", "--out", str(out),
                      "--force")  # fmt: skip
    # the folder's listing refuses both files (E-IO, E-SYMLINK): render refuses an
    # invalid repository unless --force, and the number is not taken from outside
    assert "Traceback" not in result.stderr
    assert result.exit_code == 0, result.stderr
    record = repo.read("notices/2026/003.toml")
    assert 'number = "Town Praise [2026] No. 1"' in record


def test_review_of_a_work_tree_link_out_is_one_line_refusal(make_repo, tmp_path):
    repo = make_repo(git=True)
    outside = tmp_path / "outside.toml"
    outside.write_text('name = "SECRET-FROM-OUTSIDE"\norg = "village"\nstatus = "full"\n')
    (repo.root / "members" / "m2.toml").unlink()
    (repo.root / "members" / "m2.toml").symlink_to(outside)
    result = repo.run("review")
    assert result.exit_code == 2
    assert "SECRET-FROM-OUTSIDE" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "members/m2.toml" in lines[0] and "refused" in lines[0]
