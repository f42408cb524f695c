"""`review` and `log` in a real git repository: personal data masked wherever it is.

A phone written as an integer or as a list, under a misspelt or synonym key, a
nested table, an ID number in a free-text note and in a commit message: none of
it is printed in full unless ``--show-personal``.
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import minimal_with

#: (as written in the records, as it must be shown masked)
NUMBERS = {
    "13812345678": "138****5678",  # phone as an integer
    "13900001111": "139****1111",  # under phone_number, in a list
    "13712345678": "137****5678",  # [contact] tel, an integer in a nested table
    "11010519700501123X": "110105********123X",  # under id_numbr (misspelt)
    "110105197005011230": "110105********1230",  # in a free-text note
    "13600002222": "136****2222",  # phone as a list, in a later commit
    "13512340000": "135****0000",  # in a commit message
}

FIRST_EDIT = minimal_with(
    "members/m1.toml",
    """\
    phone = 13812345678
    id_numbr = "11010519700501123X"
    phone_number = ["13900001111"]
    note = "ID 110105197005011230 checked"

    [contact]
    tel = 13712345678
    """,
)


@pytest.fixture
def history(make_repo):
    """m1 gains personal data in two commits after the initial records."""
    repo = make_repo(git=True)
    repo.write("members/m1.toml", FIRST_EDIT)
    repo.commit("m1: contact details")
    repo.write(
        "members/m1.toml",
        FIRST_EDIT.replace("phone = 13812345678", 'phone = ["13600002222", "13812345678"]'),
    )
    repo.commit("m1: second phone, call 13512340000")
    return repo


def _assert_masked(text: str, *, expect: tuple[str, ...]) -> None:
    for raw in NUMBERS:
        assert raw not in text, f"{raw} shown unmasked"
    for raw in expect:
        assert NUMBERS[raw] in text, f"{NUMBERS[raw]} missing"


def _assert_shown(text: str, *, expect: tuple[str, ...]) -> None:
    for raw in expect:
        assert raw in text, f"{raw} missing with --show-personal"


IN_REVIEW = (
    "13812345678",
    "13900001111",
    "13712345678",
    "11010519700501123X",
    "110105197005011230",
    "13600002222",
)


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_review_masks_every_kind_of_personal_value(history, fmt):
    result = history.run("review", "HEAD~2..HEAD", "--format", fmt, "--as-of", "2026-03-01")
    assert result.exit_code == 1, result.output  # phone must be a string: an error
    _assert_masked(result.stdout, expect=IN_REVIEW)
    if fmt == "json":
        doc = json.loads(result.stdout)
        fields = {f["field"]: f for f in doc["changes"]["changed"][0]["fields"]}
        assert fields["phone"]["added"] == ["136****2222", "138****5678"]
        assert fields["contact.tel"]["after"] == "137****5678"
        assert fields["id_numbr"]["after"] == "110105********123X"
        assert fields["phone_number"]["added"] == ["139****1111"]
        assert fields["note"]["after"] == "ID 110105********1230 checked"
    shown = history.run(
        "review", "HEAD~2..HEAD", "--format", fmt, "--as-of", "2026-03-01", "--show-personal"
    )
    _assert_shown(shown.stdout, expect=IN_REVIEW)


def test_review_of_each_commit_masks_the_integer_and_the_list(history):
    first = history.run("review", "HEAD~2..HEAD~1", "--as-of", "2026-03-01")
    assert 'phone: (none) → "138****5678"' in first.stdout
    # the E-TYPE problem quotes the value: masked too
    assert "got integer '138****5678'" in first.stdout
    second = history.run("review", "HEAD~1..HEAD", "--as-of", "2026-03-01")
    assert 'phone: "138****5678" → ["136****2222", "138****5678"]' in second.stdout
    for out in (first.stdout, second.stdout):
        _assert_masked(out, expect=())


@pytest.mark.parametrize("fmt", ["text", "json", "csv", "table"])
def test_log_masks_fields_and_messages(history, fmt):
    result = history.run("log", "members/m1", "--format", fmt)
    assert result.exit_code == 0, result.output
    _assert_masked(result.stdout, expect=("13812345678", "13600002222", "13512340000"))
    # the commit ids stay whole: they are never taken for numbers
    for commit in history.git("log", "--format=%H").split():
        assert commit[:10] in result.stdout
    shown = history.run("log", "members/m1", "--format", fmt, "--show-personal")
    _assert_shown(shown.stdout, expect=(*IN_REVIEW, "13512340000"))


def test_log_of_one_personal_field(history):
    result = history.run("log", "members/m1", "--field", "contact.tel")
    assert 'contact.tel: (none) → "137****5678"' in result.stdout
    assert "13712345678" not in result.stdout


def test_set_commit_message_keeps_numbers_out_of_git(make_repo):
    repo = make_repo(git=True)
    result = repo.run("set", "members/m1", "name", "Call 13812345678", "--commit")
    assert result.exit_code == 0, result.output
    message = repo.git("log", "-1", "--format=%s")
    assert "138****5678" in message and "13812345678" not in message


def test_documents_mask_numbers_in_record_text(make_repo, tmp_path):
    """What a template prints from a record (a letter's task here) is masked too."""
    import zipfile

    repo = make_repo(
        {
            "letters/2026/village.toml": """
                parent = "town"
                org = "village"
                signed_on = 2026-02-13
                tasks = ["Ask Wang (13812345678, ID 11010519700501123X) for the minutes"]
            """
        }
    )
    out = tmp_path / "out"
    result = repo.run("render", "letter", "--year", "2026", "--org", "village", "--out", str(out))
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out / "letter-2026-village.docx") as z:
        xml = z.read("word/document.xml").decode("utf-8")
    assert "Ask Wang (138****5678, ID 110105********123X) for the minutes" in xml
    assert "13812345678" not in xml and "11010519700501123X" not in xml


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_status_masks_numbers_in_names(make_repo, fmt):
    member = FIRST_EDIT.split("phone =")[0].replace('"Member One"', '"Member One 13812345678"')
    repo = make_repo({"members/m1.toml": member})
    result = repo.run("status", "village", "--as-of", "2026-03-01", "--format", fmt)
    assert result.exit_code == 0, result.output
    assert "Member One 138****5678" in result.stdout and "13812345678" not in result.stdout
