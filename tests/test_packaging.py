"""The package list in pyproject.toml is explicit (for the templates mapping): keep it whole."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_subpackage_is_listed_in_pyproject():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "dangjian_cli").rglob("__init__.py")
    }
    assert found <= listed, f"add to pyproject.toml packages: {sorted(found - listed)}"
    assert config["tool"]["setuptools"]["package-dir"]["dangjian_cli.templates"] == "templates"


def test_builtin_templates_are_at_the_top_of_the_project():
    from dangjian_cli.documents.templating import builtin_root

    assert builtin_root() == ROOT / "templates"
    for lang in ("en", "zh"):
        assert (ROOT / "templates" / lang / "reference.docx").is_file()
        assert (ROOT / "templates" / lang / "letter.md.j2").is_file()
