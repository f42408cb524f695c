"""Exceptions the library raises for the CLI edge to turn into exit codes.

``InputError`` is the user's argument or file that cannot be used (exit 2);
``Refused`` is a request that was understood but would break the records
(exit 1). Neither ever reaches a user as a traceback.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .i18n import Message


class DangjianError(Exception):
    exit_code = 2


class InputError(DangjianError):
    """A bad argument, a missing file, an unreadable repository."""

    exit_code = 2


class Refused(DangjianError):
    """The command would make records invalid or overwrite without --force."""

    exit_code = 1

    def __init__(self, message: str | Message, details: list[str] | None = None) -> None:
        """``message`` a :class:`~.i18n.Message` is said when shown, in the reader's
        language (str(exc) says it)."""
        super().__init__(message)
        self.details = details or []
