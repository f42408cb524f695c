"""The project's own reference in docs/: generated pages equal what the commands print,
the record format covers every field of the schema, and nothing cites a file outside."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from dangjian_cli.cli.main import cli

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def _printed(tmp_path: Path, monkeypatch, *args: str) -> str:
    """What a command prints outside any records repository, in English."""
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        cli, list(args), env={"DANGJIAN_LANG": "en", "DANGJIAN_WIDTH": "80"}
    )
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize(
    ("page", "args"),
    [
        ("rules.md", ("rules", "--format", "markdown")),
        ("codes.md", ("explain", "--format", "markdown")),
    ],
)
def test_generated_pages_equal_what_the_commands_print(tmp_path, monkeypatch, page, args):
    printed = _printed(tmp_path, monkeypatch, *args)
    assert (DOCS / page).read_text(encoding="utf-8") == printed, (
        f"docs/{page} is stale: run `.venv/bin/python tools/catalogue.py`"
    )


def test_records_page_covers_every_kind_and_field():
    from dangjian_cli.records import layout
    from dangjian_cli.records.schema import SPECS

    text = (DOCS / "records.md").read_text(encoding="utf-8")
    sections = re.split(r"^## ", text, flags=re.M)[1:]
    assert len(sections) == len(SPECS)
    for kind, spec in SPECS.items():
        pattern = layout.PATTERNS.get(kind, layout.SETTINGS_FILE)
        section = next((s for s in sections if f"`{pattern}`" in s.splitlines()[0]), None)
        assert section is not None, f"docs/records.md has no section for {kind}"
        assert "```toml" in section, f"{kind}: no example"

        def names(spec, prefix=""):
            for name, fld in spec.fields.items():
                yield f"{prefix}{name}"
                if fld.sub is not None:
                    yield from names(fld.sub, f"{prefix}{name}.")

        missing = [n for n in names(spec) if f"| `{n}` |" not in section]
        assert not missing, f"docs/records.md, {kind}: run tools/records_doc.py ({missing})"


def test_documents_page_names_every_template():
    text = (DOCS / "documents.md").read_text(encoding="utf-8")
    for template in sorted((ROOT / "templates" / "zh").glob("*.md.j2")):
        assert f"`{template.name}`" in text


def test_readme_links_the_reference():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for page in ("records.md", "rules.md", "codes.md", "documents.md"):
        assert f"(docs/{page})" in readme
        assert (DOCS / page).is_file()


def test_nothing_cites_a_file_outside_the_project():
    cited = re.compile(r"DOMAIN\.md|ARCHITECTURE\.md|STYLE\.md|\.\./shared|DOMAIN §")
    places = ["dangjian_cli", "templates", "tests", "benchmarks", "sample_repo", "docs", "tools"]
    found = []
    for place in places:
        for path in (ROOT / place).rglob("*"):
            if place == "benchmarks" and "data" in path.relative_to(ROOT / place).parts[:1]:
                continue  # generated repositories
            if path.suffix not in (".py", ".md", ".toml", ".j2", ".txt", ".yml", ".yaml", ".po"):
                continue
            if path == Path(__file__).resolve():
                continue
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if cited.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{n}")
    for n, line in enumerate((ROOT / "README.md").read_text(encoding="utf-8").splitlines(), 1):
        if cited.search(line):
            found.append(f"README.md:{n}")
    assert not found, found
