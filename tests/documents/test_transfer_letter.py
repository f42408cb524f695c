"""`render transfer-letter`: numbered from [numbering], the number and valid_until written
into the transfer row, a receipt slip, personal data masked."""

from __future__ import annotations

from docx import Document

SETTINGS = """
name = "Test county"
language = "zh"
tracking_since = 2025-01-01

[numbering.town]
default = "镇党发〔{year}〕{n}号"
transfer = "镇党介〔{year}〕{n}号"
"""

MOVED = """name = "{name}"
org = "village"
status = "full"
birth_date = 1990-03-07
id_number = "110101199003071233"
admitted = 2015-01-01
full_since = 2016-01-01

[[transfers]]
date = 2026-03-{day}
from = "town"
to = "village"

[[dues]]
month = "2026-02"
amount = "5.00"
paid_on = 2026-02-10

[[dues]]
month = "2026-03"
amount = "5.00"
paid_on = 2026-03-20
"""


def _repo(make_repo):
    return make_repo(
        {
            "dangjian.toml": SETTINGS,
            "members/m4.toml": MOVED.format(name="张四", day="02"),
            "members/m5.toml": MOVED.format(name="王五", day="05"),
        },
        git=True,
    )


def _text(path) -> str:
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(parts)


def test_letters_are_numbered_in_turn_and_the_number_is_recorded(make_repo):
    repo = _repo(make_repo)
    first = repo.run("render", "transfer-letter", "m4", "--commit")
    assert first.exit_code == 0, first.output
    text = repo.read("members/m4.toml")
    assert 'letter = "镇党介〔2026〕1号"' in text and "valid_until = 2026-04-02" in text
    assert "transfer letter" in repo.git("log", "-1", "--format=%s")
    second = repo.run("render", "transfer-letter", "members/m5.toml")
    assert second.exit_code == 0, second.output
    assert 'letter = "镇党介〔2026〕2号"' in repo.read("members/m5.toml")
    body = _text(repo.root / "out" / "transfer-2026-03-02-m4.docx")
    assert "镇党介〔2026〕1号" in body and "中国共产党党员组织关系介绍信" in body
    assert "回执" in body and "张四同志" in body
    assert "2026年2月" in body  # dues paid by the day of the letter, not later
    assert "110101199003071233" not in body and "1101" in body  # masked
    assert "有效期至2026年4月2日" in body


def test_a_letter_made_again_keeps_its_number_and_needs_force(make_repo):
    repo = _repo(make_repo)
    assert repo.run("render", "transfer-letter", "m4").exit_code == 0
    before = repo.read("members/m4.toml")
    again = repo.run("render", "transfer-letter", "m4")
    assert again.exit_code == 1 and "已存在（用 --force 覆盖）" in again.output  # a zh repository
    forced = repo.run("render", "transfer-letter", "m4", "--force")
    assert forced.exit_code == 0, forced.output
    assert repo.read("members/m4.toml") == before  # the number stays, nothing rewritten


def test_english_letter(make_repo, tmp_path):
    repo = _repo(make_repo)
    result = repo.run("render", "transfer-letter", "m4", "--lang", "en", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    body = _text(tmp_path / "transfer-2026-03-02-m4.docx")
    assert "Letter of Introduction" in body and "Receipt" in body


def test_refused_without_a_pattern_or_a_transfer(make_repo):
    repo = _repo(make_repo)
    repo.write("dangjian.toml", SETTINGS.split("[numbering.town]")[0])
    result = repo.run("render", "transfer-letter", "m4")
    assert result.exit_code == 2 and "[numbering.town]" in result.output
    assert "letter =" not in repo.read("members/m4.toml")
    result = repo.run("render", "transfer-letter", "m1")
    assert result.exit_code == 2 and "no [[transfers]] row" in result.output
    result = repo.run("render", "transfer-letter", "m4", "--row", "3")
    assert result.exit_code == 2 and "--row 3" in result.output
