"""`templates check` renders every branch: each notice kind, with and without a deadline,
empty and long lists, orgs with and without a parent, signed and unsigned letters, each
language; strict about undefined values; the first failure of each template, one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from dangjian_cli.documents import notice, templating
from dangjian_cli.documents.check import check_template, check_templates, sample_records, variants

NOTICE = """\
# Notice
{% if kind == "praise" %}
Praise for {{ target.name }}.
{% else %}
Findings for {{ target.name }}:
{% endif %}
{% for f in findings %}
| {{ f.no }} | {{ f.title }} |
{% endfor %}
{% if deadline %}
By {{ deadline }}.
{% endif %}
@right {{ issuer.name }}
"""


def _own(tmp_path: Path, lang: str, name: str, text: str) -> Path:
    path = tmp_path / "templates" / lang / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    templating._ENVS.clear()
    return path


def test_a_plain_notice_template_passes_every_variant(tmp_path: Path):
    _own(tmp_path, "en", "notice.md.j2", NOTICE)
    assert check_template(tmp_path, "en", "notice") is None


@pytest.mark.parametrize(
    ("old", "new", "variant"),
    [
        # the case of the issue: only the praise branch misspells a value
        ("Praise for {{ target.name }}", "Praise for {{ target.nmae }}", "praise notice"),
        ("By {{ deadline }}.", "By {{ deadline.nope }}.", "with deadline"),
        (
            "{% endif %}\n@right",
            "{% else %}\n{{ no_deadline_words }}\n{% endif %}\n@right",
            "no deadline",
        ),
        ("{% endfor %}", "{% else %}\n{{ nothing_found }}\n{% endfor %}", "empty lists"),
        (
            "{% endfor %}",
            "{% endfor %}\n{% if findings|length > SAMPLE %}{{ annex }}{% endif %}",
            "long lists",
        ),
        (
            "{% else %}\nFindings",
            '{% elif kind == "admonition" %}\n{{ target.admonished }}\n{% else %}\nFindings',
            "admonition notice",
        ),
    ],
)
def test_a_mistake_in_any_branch_is_found(tmp_path: Path, old: str, new: str, variant: str):
    assert old in NOTICE
    # "long" lists are longer than any list of the sample records
    new = new.replace("SAMPLE", str(max(len(c["findings"]) for _, c, _ in _notices("en"))))
    path = _own(tmp_path, "en", "notice.md.j2", NOTICE.replace(old, new, 1))
    line = NOTICE.replace(old, new, 1)[: NOTICE.replace(old, new, 1).index(new)].count("\n") + 1
    problem = check_template(tmp_path, "en", "notice")
    assert problem is not None
    assert problem.startswith(f"{path}:"), problem
    reported = int(problem[len(f"{path}:") :].split(":", 1)[0])
    assert line <= reported <= line + new.count("\n"), problem
    assert f"[{variant}" in problem or f", {variant}" in problem, problem
    assert "\n" not in problem


def test_notice_kinds_come_from_the_one_list(monkeypatch, tmp_path: Path):
    """A kind added to notice.KINDS is checked without touching the check."""
    monkeypatch.setattr(notice, "KINDS", ("praise", "commendation"))
    kinds = {what.split(" notice")[0] for what, _, _ in variants(_sample("en"), "en", "notice")}
    assert kinds == {"praise", "commendation"}
    text = NOTICE.replace(
        "{% else %}\nFindings",
        '{% elif kind == "commendation" %}\n{{ target.commended }}\n{% else %}\nFindings',
    )
    _own(tmp_path, "en", "notice.md.j2", text)
    problem = check_template(tmp_path, "en", "notice")
    assert problem is not None and "commended" in problem and "[commendation notice" in problem


def test_every_builtin_notice_kind_is_rendered():
    kinds = {what.split(" notice")[0] for what, _, _ in variants(_sample("zh"), "zh", "notice")}
    assert kinds == set(notice.KINDS)
    assert "admonition" in kinds


def _sample(lang: str):
    return sample_records(lang)


def _notices(lang: str):
    return [v for v in variants(_sample(lang), lang, "notice") if "long lists" not in v[0]]


def test_letter_signed_branch_and_report_without_parent(tmp_path: Path):
    letter = _own(
        tmp_path,
        "en",
        "letter.md.j2",
        "# Letter\n{% if signed_on %}\nSigned {{ signed_on.nope }}\n{% endif %}\n",
    )
    problem = check_template(tmp_path, "en", "letter")
    assert (
        problem is not None and problem.startswith(f"{letter}:3:") and "[signed letter" in problem
    )
    report = _own(
        tmp_path,
        "en",
        "report.md.j2",
        "# Report\n{% if not parent.name %}\n{{ top_level_words }}\n{% endif %}\n",
    )
    problem = check_template(tmp_path, "en", "report")
    assert problem is not None and problem.startswith(f"{report}:3:")
    assert "[report of county" in problem


def test_each_language_and_only_the_first_failure_of_a_template(tmp_path: Path):
    _own(tmp_path, "en", "notice.md.j2", NOTICE)
    broken = NOTICE.replace("Praise for {{ target.name }}", "{{ first_mistake }}").replace(
        "By {{ deadline }}", "{{ second_mistake }}"
    )
    zh = _own(tmp_path, "zh", "notice.md.j2", broken)
    for lang in ("en", "zh"):
        for kind in ("letter", "report", "funding", "transfer"):  # plain: the test is on notices
            _own(tmp_path, lang, f"{kind}.md.j2", f"# {kind}\n")
    _own(tmp_path, "zh", "parts.j2", "{% if %}\n")
    problems, checked = check_templates(tmp_path, ["en", "zh"])
    assert checked == 2 * len(templating.KINDS)
    notices = [p for p in problems if "notice.md.j2" in p]
    assert len(notices) == 1 and notices[0].startswith(f"{zh}:")
    assert "mistake" in notices[0]
    parts = tmp_path / "templates/zh/parts.j2"
    assert [p for p in problems if "parts.j2" in p] == [
        f"{parts}:1: Expected an expression, got 'end of statement block'"
    ]
    assert len(problems) == 2


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("kind", ["notice", "letter"])
def test_builtin_templates_pass_every_variant(lang: str, kind: str):
    assert check_template(None, lang, kind) is None


def test_an_unreadable_reference_document_is_named_in_one_line(tmp_path: Path):
    reference = _own(tmp_path, "en", "reference.docx", "not a zip\nat all")
    for kind in ("letter", "notice", "report", "funding"):
        _own(tmp_path, "en", f"{kind}.md.j2", f"# {kind}\n")
    problems, _ = check_templates(tmp_path, ["en"])
    assert problems and problems[0].startswith(f"{reference}: cannot be read: ")
    assert all("\n" not in p for p in problems)
