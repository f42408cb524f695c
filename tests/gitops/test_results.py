"""Figures kept by a side's exact state (gitops.views.kept_value): a work report's
figures are worked out once per state of the records and question, and never
reused for another state or question."""

from __future__ import annotations

from pathlib import Path

from dangjian_cli.gitops import views
from tests.conftest import import_every_command
from tests.gitops import test_snapshot as whole_checks

# ---- the store ---------------------------------------------------------------------


def test_kept_value_works_out_once_per_name(tmp_path: Path) -> None:
    calls: list[str] = []

    def work(value: str):
        def run() -> dict[str, str]:
            calls.append(value)
            return {"figure": value}

        return run

    first = views.kept_value(tmp_path, "a", work("a"))
    assert views.kept_value(tmp_path, "a", work("never")) == first == {"figure": "a"}
    assert views.kept_value(tmp_path, "b", work("b")) == {"figure": "b"}
    assert calls == ["a", "b"]
    # a damaged file is worked out again, and kept anew
    (tmp_path / views.FOLDER / "a").write_bytes(b"\x80garbage")
    assert views.kept_value(tmp_path, "a", work("again")) == {"figure": "again"}
    assert views.kept_value(tmp_path, "a", work("never")) == {"figure": "again"}
    # figures that do not pickle are returned all the same, and not kept
    unpicklable = views.kept_value(tmp_path, "c", lambda: lambda: 1)
    assert callable(unpicklable) and not (tmp_path / views.FOLDER / "c").exists()


# ---- render report through the snapshot ---------------------------------------------


#: the sample county under git, snapshots used at any size
county = whole_checks.county


REPORT = ("render", "report", "--org", "qingshan-county", "--subtree", "--period", "2026-h1",
          "--as-of", "2026-07-15", "--force")  # fmt: skip


def _document_text(path: Path) -> list[str]:
    from docx import Document

    doc = Document(str(path))
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        lines += [cell.text for row in table.rows for cell in row.cells]
    return lines


def _render(repo, out: Path, env: dict[str, str] | None = None) -> list[str]:
    from click.testing import CliRunner

    from dangjian_cli.cli.main import cli

    result = CliRunner().invoke(cli, ["-C", str(repo.root), *REPORT, "--out", str(out)], env=env)
    assert result.exit_code == 0, result.output
    (document,) = out.glob("*.docx")
    return _document_text(document)


def test_a_report_is_worked_out_once_per_state(county, monkeypatch, tmp_path: Path) -> None:
    """The second report of an unchanged county takes its figures as kept; an edit
    (a payment taken back) is another state, worked out again, and equals a whole
    --no-cache run; the edit undone is the first state again."""
    from dangjian_cli.documents import report as report_module

    import_every_command()
    worked: list[str] = []
    real = report_module.report_context

    def counted(*args, **kwargs):
        worked.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(report_module, "report_context", counted)
    first = _render(county, tmp_path / "1")
    assert _render(county, tmp_path / "2") == first
    assert len(worked) == 1  # kept

    paid = '[[dues]]\nmonth = "2026-03"\n'
    member = next(
        p for p in sorted((county.root / "members").rglob("*.toml")) if paid in p.read_text()
    )
    before = member.read_text(encoding="utf-8")
    start = before.index(paid)
    end = before.index("\n\n", start) + 2
    member.write_text(before[:start] + before[end:], encoding="utf-8")
    edited = _render(county, tmp_path / "3")
    assert len(worked) == 2  # another state
    assert edited == _render(county, tmp_path / "4", env={"DANGJIAN_CACHE": "0"})
    assert edited != first

    member.write_text(before, encoding="utf-8")
    assert _render(county, tmp_path / "5") == first
    assert len(worked) == 3  # the whole run above worked out its own; the undone edit did not


def test_a_funding_report_keeps_its_figures_per_question(county, monkeypatch, tmp_path) -> None:
    """The funding report's figures are kept too, per question: another date of the
    report is worked out again, and a problems file is part of the question."""
    from click.testing import CliRunner

    from dangjian_cli.cli.main import cli
    from dangjian_cli.documents import funding as funding_module

    import_every_command()
    worked: list[tuple] = []
    real = funding_module.funding_context

    def counted(*args, **kwargs):
        worked.append(args[1:])
        return real(*args, **kwargs)

    monkeypatch.setattr(funding_module, "funding_context", counted)
    problems = tmp_path / "problems.txt"
    problems.write_text("经费使用台账不全。", encoding="utf-8")

    def render(n: int, *more: str) -> list[str]:
        args = ["-C", str(county.root), "render", "funding", "--org", "hexi-town", "--subtree",
                "--year", "2025", "--out", str(tmp_path / str(n)), "--force", *more]  # fmt: skip
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0, result.output
        (document,) = (tmp_path / str(n)).glob("*.docx")
        return _document_text(document)

    first = render(1, "--date", "2026-03-01")
    assert render(2, "--date", "2026-03-01") == first and len(worked) == 1
    render(3, "--date", "2026-03-02")
    assert len(worked) == 2
    with_problems = render(4, "--date", "2026-03-01", "--problems", str(problems))
    assert len(worked) == 3
    assert any("经费使用台账不全" in line for line in with_problems)
    assert not any("经费使用台账不全" in line for line in first)


def test_a_kept_report_is_written_again_until_a_template_changes(
    county, monkeypatch, tmp_path: Path
) -> None:
    """Asked again, the kept document is written as it was made (neither figures
    nor document worked out); the repository's own template added is another
    stamp: the document is made again from the kept figures, in the new template."""
    from dangjian_cli.documents import report as report_module
    from dangjian_cli.documents.templating import builtin_root

    import_every_command()
    worked: list[str] = []
    real_context, real_document = report_module.report_context, report_module.report_document

    def context(*args, **kwargs):
        worked.append("figures")
        return real_context(*args, **kwargs)

    def document(*args, **kwargs):
        worked.append("document")
        return real_document(*args, **kwargs)

    monkeypatch.setattr(report_module, "report_context", context)
    monkeypatch.setattr(report_module, "report_document", document)
    first = _render(county, tmp_path / "1")
    assert worked == ["figures", "document"]
    assert _render(county, tmp_path / "2") == first
    assert worked == ["figures", "document"]  # the kept document, as it was

    own = county.root / "templates" / "zh" / "report.md.j2"
    own.parent.mkdir(parents=True)
    builtin = builtin_root() / "zh"
    source = (builtin / "report.md.j2").read_text(encoding="utf-8")
    own.write_text("本县自定的一段开头。\n\n" + source, encoding="utf-8")
    changed = _render(county, tmp_path / "3")
    assert worked == ["figures", "document", "document"]  # figures kept, document anew
    assert any("本县自定的一段开头" in line for line in changed)
    assert not any("本县自定的一段开头" in line for line in first)
