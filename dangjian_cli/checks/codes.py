"""The explanation of every validation code, read from codes.toml (package data).

Codes are explained as data, not in docstrings, so that `dangjian explain`, the
generated docs/codes.md and a test that every reported code has an entry all
read one table, in both languages.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any


@cache
def explanations() -> dict[str, dict[str, Any]]:
    """Code -> its table (severity, title, tests, why, path, example, fix), in file order."""
    text = resources.files(__package__).joinpath("codes.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)
