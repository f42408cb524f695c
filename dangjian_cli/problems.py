"""The one problem record that every check, loader and command reports with.

A problem names where it is (``path`` and, once located, ``line``) and what is
wrong. ``key`` is the path of keys inside the TOML file (``("dues", 3, "month")``);
line numbers are found from it only when problems are shown, so that a clean
repository never pays for locating anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ERROR = "error"
WARNING = "warning"

Key = tuple[str | int, ...]


@dataclass(slots=True)
class Problem:
    code: str
    severity: str
    path: str
    message: str
    key: Key = ()
    line: int | None = None
    column: int | None = None
    hint: str | None = None
    related: tuple[str, ...] = field(default=())

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def sort_key(self) -> tuple[str, int, str, str]:
        return (self.path, self.line or 0, self.code, self.message)

    def identity(self) -> tuple[str, str, str, str]:
        """What makes two reports of a problem the same, whatever its line."""
        return (self.code, self.severity, self.path, self.message)

    def as_dict(self) -> dict[str, object]:
        """The problem as shown in JSON: message and hint masked like :meth:`text`."""
        from .privacy import mask_text

        d: dict[str, object] = {
            "path": self.path,
            "line": self.line,
            "severity": self.severity,
            "code": self.code,
            "message": mask_text(self.message),
        }
        if self.column is not None:
            d["column"] = self.column
        if self.hint:
            d["hint"] = mask_text(self.hint)
        return d

    def text(self) -> str:
        """``path:line: severity CODE message (hint)``; a number quoted from a record
        that looks like an ID or phone number is masked (it may be personal data)."""
        from .privacy import mask_text

        where = self.path if self.line is None else f"{self.path}:{self.line}"
        out = f"{where}: {self.severity} {self.code} {mask_text(self.message)}"
        if self.hint:
            out += f" ({mask_text(self.hint)})"
        return out


def error(code: str, path: str, message: str, key: Key = (), **kw: object) -> Problem:
    return Problem(code, ERROR, path, message, key, **kw)  # type: ignore[arg-type]


def warning(code: str, path: str, message: str, key: Key = (), **kw: object) -> Problem:
    return Problem(code, WARNING, path, message, key, **kw)  # type: ignore[arg-type]


def counts(problems: list[Problem]) -> tuple[int, int]:
    errors = sum(1 for p in problems if p.is_error)
    return errors, len(problems) - errors
