"""The one problem record that every check, loader and command reports with.

A problem names where it is (``path`` and, once located, ``line``) and what is
wrong. ``key`` is the path of keys inside the TOML file (``("dues", 3, "month")``);
line numbers are found from it only when problems are shown, so that a clean
repository never pays for locating anything.

``message`` and ``hint`` are English and stable (caches, ``review`` and JSON's
``message`` compare and show them). A check that words its message with
:func:`~dangjian_cli.i18n.say` keeps the template too (``said``, ``hint_said``):
the problem is then said in the reader's language when it is printed, whatever
language the cache that kept it was written in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .i18n import Message

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
    #: the templates of ``message`` and ``hint`` (None: said in English only)
    said: Message | None = None
    hint_said: Message | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def sort_key(self) -> tuple[str, int, str, str]:
        return (self.path, self.line or 0, self.code, self.message)

    def identity(self) -> tuple[str, str, str, str]:
        """What makes two reports of a problem the same, whatever its line."""
        return (self.code, self.severity, self.path, self.message)

    def message_text(self) -> str:
        """The message in the language in use (not masked)."""
        return self.said.text() if self.said is not None else self.message

    def hint_text(self) -> str | None:
        """The hint in the language in use (not masked)."""
        return self.hint_said.text() if self.hint_said is not None else self.hint

    def as_dict(self) -> dict[str, object]:
        """The problem as shown in JSON: ``message`` and ``hint`` in English (stable),
        ``message_text`` and ``hint_text`` in the language in use; all masked like
        :meth:`text`."""
        from .privacy import mask_text

        d: dict[str, object] = {
            "path": self.path,
            "line": self.line,
            "severity": self.severity,
            "code": self.code,
            "message": mask_text(self.message),
            "message_text": mask_text(self.message_text()),
        }
        if self.column is not None:
            d["column"] = self.column
        if self.hint:
            d["hint"] = mask_text(self.hint)
            d["hint_text"] = mask_text(self.hint_text() or "")
        return d

    def text(self, title: str | None = None) -> str:
        """``path:line: severity CODE message (hint)``, in the language in use (in
        Chinese: ``path:line: 错误 CODE 标题：message（hint）`` when a ``title`` of the
        code is given); a number quoted from a record that looks like an ID or phone
        number is masked (it may be personal data)."""
        from .i18n import _, language
        from .privacy import mask_text

        where = self.path if self.line is None else f"{self.path}:{self.line}"
        message = mask_text(self.message_text())
        hint = self.hint_text()
        if language() == "en":
            out = f"{where}: {self.severity} {self.code} {message}"
            return out + (f" ({mask_text(hint)})" if hint else "")
        severity = _("error") if self.is_error else _("warning")
        out = f"{where}: {severity} {self.code} " + (f"{title}：{message}" if title else message)
        return out + (f"（{mask_text(hint)}）" if hint else "")


def error(code: str, path: str, message: str | Message, key: Key = (), **kw: object) -> Problem:
    """An error; a :class:`Message` message or hint is said in the reader's language."""
    return _problem(code, ERROR, path, message, key, kw)


def warning(code: str, path: str, message: str | Message, key: Key = (), **kw: object) -> Problem:
    """A warning; a :class:`Message` message or hint is said in the reader's language."""
    return _problem(code, WARNING, path, message, key, kw)


def _problem(
    code: str, severity: str, path: str, message: str | Message, key: Key, kw: dict[str, object]
) -> Problem:
    if isinstance(message, Message):
        kw["said"] = message
        message = message.english()
    hint = kw.get("hint")
    if isinstance(hint, Message):
        kw["hint_said"] = hint
        kw["hint"] = hint.english()
    return Problem(code, severity, path, message, key, **kw)  # type: ignore[arg-type]


def counts(problems: list[Problem]) -> tuple[int, int]:
    errors = sum(1 for p in problems if p.is_error)
    return errors, len(problems) - errors
