"""The sandbox every document template renders in, built-in or from a records repository.

A records repository is untrusted (anyone who can push may change it), and its
own ``templates/`` render on every clerk's machine that writes a document or runs
``templates check``. So templates run in Jinja's ``ImmutableSandboxedEnvironment``
(no attribute starting with ``_``, no ``mro``/``__globals__``/``__subclasses__``, no
``str.format`` reaching into objects, no changing lists or dicts in place), and:

- they are read only from the search folders, never through a link out of the
  repository's ``templates/`` folder, never from a file that is not a regular file
  (a FIFO would hang the reader), never larger than :data:`MAX_TEMPLATE_BYTES`;
- ``{% include %}``, ``{% import %}`` and ``{% extends %}`` name other templates of
  the same search folders (``..``, absolute paths and drive letters do not leave
  them); there is no Python import and no file access from a template at all;
- resources are bounded: ``range`` by Jinja's ``MAX_RANGE`` and a budget per render;
  ``*``, ``+``, ``**``, ``%`` and ``~``, the method calls and the filters that can
  multiply a value's size are checked before they run (:data:`MAX_VALUE`); the
  rendered text is at most :data:`MAX_OUTPUT` characters; and a render that runs
  longer than :data:`RENDER_SECONDS` is stopped (where the platform allows an
  alarm: the main thread of a POSIX process).

A refused access raises ``jinja2.exceptions.SecurityError``; the caller turns it,
like any other error of a template, into one ``file:line: message`` line.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import signal
import stat
import threading
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from jinja2.compiler import CodeGenerator
from jinja2.exceptions import SecurityError, TemplateNotFound
from jinja2.sandbox import MAX_RANGE, ImmutableSandboxedEnvironment

#: the largest template file read (the built-in ones are a few kilobytes)
MAX_TEMPLATE_BYTES = 1_000_000
#: the longest string or list an operator, method or filter of a template may make
#: (some 2,000 pages of text: a macro writing a county's tables stays far below)
MAX_VALUE = 4_000_000
#: the longest rendered document text, in characters (a county report is far below)
MAX_OUTPUT = 16_000_000
#: the largest width, count or repeat a method or filter may be given
MAX_ARG = 10_000
#: the largest integer (in bits) arithmetic may make: far beyond any count or sum
MAX_INT_BITS = 4_096
#: items all the ``range()`` calls of one render may produce together (nested loops)
RANGE_BUDGET = 2_000_000
#: seconds one render may take (a built-in template renders a county in well under one)
RENDER_SECONDS = 20.0

#: printf-style and str.format widths and precisions: ``%0999d``, ``{:>999}``
_PRINTF_WIDTH = re.compile(r"%[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")
_FORMAT_WIDTH = re.compile(r"\{[^{}]*:[^{}]*?(\d+)[^{}]*\}")


class TemplateRefused(SecurityError):
    """A template file that may not be read (a link out, a special file, too large)."""


class RenderTimeout(SecurityError):
    """A render that ran past :data:`RENDER_SECONDS`."""


@dataclass(slots=True)
class Folder:
    """One search folder, and the folder no template read through it may leave."""

    path: Path
    confine: Path


# ---- reading templates -------------------------------------------------------------


def confined_file(folder: Folder, pieces: list[str]) -> Path | None:
    """The file ``pieces`` name in ``folder``, or None when there is none.

    Raises :class:`TemplateRefused` for a file that resolves outside ``folder.confine``
    (a link out of the repository's ``templates/``), one that is not a regular file
    (checked with ``stat``, never opened), or one that is too large.
    """
    candidate = folder.path.joinpath(*pieces)
    try:
        os.lstat(candidate)
    except (OSError, ValueError):
        return None
    try:
        resolved = candidate.resolve(strict=True)
    except (OSError, RuntimeError):
        raise TemplateRefused(f"{candidate}: a broken link or a link loop") from None
    if not resolved.is_relative_to(folder.confine):
        raise TemplateRefused(
            f"{candidate}: leads outside the templates folder {folder.confine} (a link?)"
        )
    info = os.stat(resolved)
    if stat.S_ISDIR(info.st_mode):
        return None
    if not stat.S_ISREG(info.st_mode):
        raise TemplateRefused(f"{candidate}: not a regular file")
    if info.st_size > MAX_TEMPLATE_BYTES:
        raise TemplateRefused(f"{candidate}: larger than {MAX_TEMPLATE_BYTES} bytes")
    return candidate


def template_pieces(name: str) -> list[str]:
    """A template name as path segments; ``..``, backslashes and drive letters refused."""
    pieces = []
    for piece in name.replace("\\", "/").split("/"):
        if piece == ".." or ":" in piece or "\0" in piece:
            raise TemplateNotFound(name)
        if piece and piece != ".":
            pieces.append(piece)
    if not pieces:
        raise TemplateNotFound(name)
    return pieces


def find_in(folders: list[Folder], name: str) -> Path | None:
    """The first confined file named ``name`` in ``folders`` (see :func:`confined_file`)."""
    pieces = template_pieces(name)
    for folder in folders:
        found = confined_file(folder, pieces)
        if found is not None:
            return found
    return None


class ConfinedLoader(jinja2.BaseLoader):
    """Templates from the search folders only, through :func:`confined_file`."""

    def __init__(self, folders: list[Folder]) -> None:
        self.folders = folders

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        path = find_in(self.folders, template)
        if path is None:
            raise TemplateNotFound(template)
        try:
            source = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise TemplateRefused(f"{path}: not UTF-8 text ({exc.reason})") from None
        mtime = path.stat().st_mtime

        def uptodate() -> bool:
            try:
                return path.stat().st_mtime == mtime
            except OSError:
                return False

        return source, str(path), uptodate


# ---- bounding what a template computes ---------------------------------------------


class _Budget:
    def __init__(self) -> None:
        self.range_items = 0


_BUDGET: ContextVar[_Budget | None] = ContextVar("dangjian_template_budget", default=None)


def _too_large(what: str) -> SecurityError:
    return SecurityError(f"{what} would be too large for a document (refused by the sandbox)")


def budget_range(*args: int) -> range:
    """``range`` for templates: at most MAX_RANGE items, and RANGE_BUDGET in one render."""
    if any(isinstance(a, int) and abs(a) > 10**18 for a in args):
        raise _too_large("the range")
    items = range(*args)
    if len(items) > MAX_RANGE:
        raise _too_large(f"a range of {len(items)} items (at most {MAX_RANGE})")
    budget = _BUDGET.get()
    if budget is not None:
        budget.range_items += len(items)
        if budget.range_items > RANGE_BUDGET:
            raise _too_large(f"loops over ranges of more than {RANGE_BUDGET} items in all")
    return items


def _size(value: Any) -> int:
    return len(value) if isinstance(value, str | bytes | list | tuple) else 0


def _check_int(value: Any, what: str) -> None:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_ARG:
        raise _too_large(f"{what} {value}")


def check_format_widths(fmt: Any) -> None:
    """Refuse ``%`` or ``{}`` formats that pad to huge widths (``%0999999999d``)."""
    if not isinstance(fmt, str):
        return
    if "%" in fmt:
        for match in _PRINTF_WIDTH.finditer(fmt):
            for group in match.groups():
                if group == "*" or (group and int(group) > MAX_ARG):
                    raise _too_large(f"the format width {group!r}")
    if "{" in fmt:
        for match in _FORMAT_WIDTH.finditer(fmt):
            if int(match.group(1)) > MAX_ARG:
                raise _too_large(f"the format width {match.group(1)}")


def _check_binop(operator: str, left: Any, right: Any) -> None:
    if operator == "*":
        for seq, times in ((left, right), (right, left)):
            if _size(seq) and isinstance(times, int) and _size(seq) * times > MAX_VALUE:
                raise _too_large("the repeated value")
        both_int = isinstance(left, int) and isinstance(right, int)
        if both_int and left.bit_length() + right.bit_length() > MAX_INT_BITS:
            raise _too_large("the product")
    elif operator == "**":
        if isinstance(left, int) and isinstance(right, int) and right > 0 and abs(left) > 1:
            if right * left.bit_length() > MAX_INT_BITS:
                raise _too_large("the power")
        elif isinstance(right, int | float) and abs(right) > MAX_INT_BITS:
            raise _too_large("the power")
    elif operator == "+":
        if _size(left) + _size(right) > MAX_VALUE:
            raise _too_large("the sum")
    elif operator == "%":
        check_format_widths(left)


def _check_result(value: Any) -> Any:
    if _size(value) > MAX_VALUE:
        raise _too_large(f"a value of {_size(value)} items")
    return value


def _estimate_replace(value: Any, old: Any, new: Any) -> None:
    text, old, new = str(value), str(old), str(new)
    count = len(text) + 1 if not old else text.count(old)
    if len(text) + count * len(new) > MAX_VALUE:
        raise _too_large("the replaced text")


def _check_join(parts: list[Any], separator: Any) -> None:
    total = sum(len(p) if isinstance(p, str) else 1 for p in parts)
    if total + len(parts) * len(str(separator)) > MAX_VALUE:
        raise _too_large("the joined text")


#: methods whose integer arguments are a width or a length to fill
_WIDTH_METHODS = frozenset({"ljust", "rjust", "center", "zfill", "expandtabs", "to_bytes"})


def _check_str_method(owner: Any, name: str, args: tuple[Any, ...], kwargs: dict) -> None:
    """Pre-checks for the methods of strings and numbers that can multiply a size."""
    if name in _WIDTH_METHODS:
        for value in (*args, *kwargs.values()):
            _check_int(value, f"the argument to {name}()")
    if name == "join" and args:
        parts = list(args[0])
        _check_join(parts, owner)
    elif name == "replace" and len(args) >= 2:
        _estimate_replace(owner, args[0], args[1])
    elif name in ("format", "format_map"):
        check_format_widths(owner)
    elif name == "expandtabs" and isinstance(owner, str):
        size = args[0] if args else kwargs.get("tabsize", 8)
        if isinstance(size, int) and owner.count("\t") * size > MAX_VALUE:
            raise _too_large("the expanded text")


# filters whose arguments can multiply a value's size: name -> check(args, kwargs);
# args[0] is the value filtered (after any context argument, which is dropped)
def _filter_center(args: tuple, kwargs: dict) -> None:
    _check_int(args[1] if len(args) > 1 else kwargs.get("width", 80), "the width")


def _filter_indent(args: tuple, kwargs: dict) -> None:
    width = args[1] if len(args) > 1 else kwargs.get("width", 4)
    each = len(width) if isinstance(width, str) else width if isinstance(width, int) else 0
    lines = str(args[0]).count("\n") + 1
    if len(str(args[0])) + lines * each > MAX_VALUE:
        raise _too_large("the indented text")


def _filter_wordwrap(args: tuple, kwargs: dict) -> None:
    wrap = args[4] if len(args) > 4 else kwargs.get("wrapstring") or "\n"
    text = str(args[0])
    if len(text) * (1 + len(str(wrap))) > MAX_VALUE:
        raise _too_large("the wrapped text")


def _filter_replace(args: tuple, kwargs: dict) -> None:
    old = args[1] if len(args) > 1 else kwargs.get("old", "")
    new = args[2] if len(args) > 2 else kwargs.get("new", "")
    _estimate_replace(args[0], old, new)


def _filter_format(args: tuple, kwargs: dict) -> None:
    check_format_widths(args[0])


def _filter_count(position: int, name: str) -> Callable[[tuple, dict], None]:
    def check(args: tuple, kwargs: dict) -> None:
        _check_int(args[position] if len(args) > position else kwargs.get(name), f"the {name}")

    return check


def _filter_sum(args: tuple, kwargs: dict) -> None:
    start = args[2] if len(args) > 2 else kwargs.get("start", 0)
    if not isinstance(start, int | float) and type(start).__name__ != "Decimal":
        raise SecurityError("sum() starts from a number only (refused by the sandbox)")


_FILTER_CHECKS: dict[str, Callable[[tuple, dict], None]] = {
    "center": _filter_center,
    "indent": _filter_indent,
    "wordwrap": _filter_wordwrap,
    "replace": _filter_replace,
    "format": _filter_format,
    "batch": _filter_count(1, "linecount"),
    "slice": _filter_count(1, "slices"),
    "truncate": _filter_count(1, "length"),
    "round": _filter_count(1, "precision"),
    "urlize": _filter_count(1, "trim_url_limit"),
    "sum": _filter_sum,
}
#: filters that receive the context, eval context or environment first
_PASSES = ("context", "eval_context", "environment")


def _guard_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    check = _FILTER_CHECKS.get(name)
    passes = getattr(func, "jinja_pass_arg", None)
    skip = 1 if passes is not None and getattr(passes, "name", "") in _PASSES else 0

    @functools.wraps(func)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if name == "join":
            value = list(args[skip]) if len(args) > skip else []
            separator = args[skip + 1] if len(args) > skip + 1 else kwargs.get("d", "")
            _check_join(value, separator)
            args = (*args[:skip], value, *args[skip + 1 :])
        elif check is not None and len(args) > skip:
            check(args[skip:], kwargs)
        return _check_result(func(*args, **kwargs))

    return guarded


class _Codegen(CodeGenerator):
    """Jinja's code generator with ``~`` (concatenation) checked before it joins."""

    def visit_Concat(self, node: Any, frame: Any) -> None:
        if frame.eval_ctx.volatile:
            join = "(markup_join if context.eval_ctx.volatile else str_join)"
        elif frame.eval_ctx.autoescape:
            join = "markup_join"
        else:
            join = "str_join"
        self.write(f"environment.checked_join({join}, (")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class DocumentSandbox(ImmutableSandboxedEnvironment):
    """The one environment of document templates: sandboxed, confined, bounded."""

    code_generator_class = _Codegen
    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, folders: list[Folder], **options: Any) -> None:
        super().__init__(loader=ConfinedLoader(folders), **options)
        self.globals.pop("lipsum", None)  # makes text of any size; nothing needs it
        self.globals["range"] = budget_range
        for name, func in list(self.filters.items()):
            self.filters[name] = _guard_filter(name, func)

    def add_filter(self, name: str, func: Callable[..., Any]) -> None:
        """Add one of our own filters, under the same guard as Jinja's."""
        self.filters[name] = _guard_filter(name, func)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        _check_binop(operator, left, right)
        return _check_result(super().call_binop(context, operator, left, right))

    def checked_join(self, join: Callable[[Any], str], parts: tuple[Any, ...]) -> str:
        if sum(len(p) for p in parts if isinstance(p, str)) > MAX_VALUE:
            raise _too_large("the joined text")
        return _check_result(join(parts))

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        target = getattr(__obj, "__wrapped__", __obj)  # str.format comes wrapped
        owner = getattr(target, "__self__", None)
        if isinstance(owner, str | bytes | int | float | list | tuple):
            _check_str_method(owner, getattr(target, "__name__", ""), args, kwargs)
        return _check_result(super().call(__context, __obj, *args, **kwargs))


# ---- rendering ----------------------------------------------------------------------


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Raise RenderTimeout in the rendering code after ``seconds`` (POSIX main thread)."""
    usable = (
        seconds > 0
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return

    def on_alarm(signum: int, frame: Any) -> None:
        raise RenderTimeout(
            f"took longer than {seconds:g} s to render (refused by the sandbox: a loop too long?)"
        )

    previous = signal.signal(signal.SIGALRM, on_alarm)
    outer, _ = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer:  # someone else's alarm was running: give it back (at least a moment)
            signal.setitimer(signal.ITIMER_REAL, max(outer - seconds, 0.001))


def render(template: jinja2.Template, context: Mapping[str, Any]) -> str:
    """The text of ``template`` with ``context``, within the sandbox's bounds."""
    budget = _BUDGET.set(_Budget())
    chunks: list[str] = []
    size = 0
    try:
        with _time_limit(RENDER_SECONDS):
            for chunk in template.generate(**context):
                size += len(chunk)
                if size > MAX_OUTPUT:
                    raise _too_large(f"the document text (more than {MAX_OUTPUT} characters)")
                chunks.append(chunk)
    finally:
        _BUDGET.reset(budget)
    return "".join(chunks)
