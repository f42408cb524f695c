"""Writing records: tomlkit edits that keep a clerk's file, checked before, written atomically.

Three jobs, in the order a command needs them:

1. *Edit* — :func:`set_value`, :func:`unset_value`, :func:`new_document` and
   :func:`append_row` turn bytes into new bytes with tomlkit, so comments, key
   order, spacing and CRLF line ends of everything not touched survive.
2. *Check* — :func:`introduced` validates the repository with the pending changes
   laid over it and returns only the problems the change would add;
   :func:`guard` refuses (``errors.Refused``) when any of them is an error.
3. *Write* — :func:`apply` puts each file in place atomically (temp file in the
   same folder, fsync, ``os.replace``); a failure leaves no temp file behind.

Validation lives in ``checks``, which stands on ``records``; so the check
function is passed in (``checks.validate``) rather than imported here.

What ``set`` can reach (see :func:`resolve_field`): top-level fields
(``status``), fields of a table (``committee.elected``, ``mobile.location``),
a field of an existing row of an array of tables by index, counting from 0 or
from the end with -1 (``dues.-1.paid_on``, ``transfers.0.to``), a year of
``stars`` (``stars.2025``), and free keys under the settings tables
(``numbering.county``, ``rules.theme-day.min``). Rows are added by ``new``
commands (fund entries) or by editing the file; ``unset`` can remove a row.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import re
import tempfile
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError, Refused
from ..problems import Problem
from . import layout
from .parse import parse as parse_record
from .repository import Records, assemble, load, load_file
from .schema import (
    BOOL,
    DATE,
    INT,
    MONEY,
    ROW,
    ROWS,
    SPECS,
    STARS,
    STR,
    STRS,
    TABLE,
    Field,
    Spec,
)
from .store import OverlayStore, Store

if TYPE_CHECKING:  # tomlkit is imported where used: `dangjian --help` must not load it
    import tomlkit
    from tomlkit.items import Table

Changes = Mapping[str, bytes | None]
Validator = Callable[[Records], list[Problem]]

#: lists of sentences, not ids: each value is one item, commas and all
TEXT_LISTS = frozenset({"tasks", "findings", "signatories"})

_MONEY = re.compile(r"-?\d+(\.\d{1,2})?\Z")
_INDEX = re.compile(r"-?\d+\Z")
_LONE_LF = re.compile(rb"(?<!\r)\n")


# ---- reading a document to edit ---------------------------------------------------


def read_document(path: str, data: bytes) -> tomlkit.TOMLDocument:
    """The tomlkit document of a record, or InputError naming why it cannot be edited."""
    _, problems = parse_record(path, data)  # same messages as `validate`
    if problems:
        p = problems[0]
        hint = f" ({p.hint})" if p.hint else ""
        raise InputError(f"cannot edit {p.path}:{p.line or 1}: {p.message}{hint}")
    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    try:
        return tomlkit.parse(data.decode("utf-8"))
    except TOMLKitError as exc:  # pragma: no cover - tomllib accepted it above
        raise InputError(f"cannot edit {path}: {exc}") from None


def dump_document(doc: tomlkit.TOMLDocument, original: bytes | None = None) -> bytes:
    """UTF-8 bytes of ``doc``; a file that used CRLF throughout keeps CRLF in new lines."""
    data = doc.as_string().encode("utf-8")
    if original and b"\r\n" in original and not _LONE_LF.search(original):
        data = _LONE_LF.sub(b"\r\n", data)
    return data


# ---- field paths and values --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Target:
    """Where ``set``/``unset`` acts: the key path in the file and the field's schema.

    ``field`` is None for free keys (inside ``numbering``/``rules``), and for a
    whole row (``dues.2``), which only ``unset`` accepts.
    """

    dotted: str
    key: tuple[str | int, ...]
    field: Field | None


def resolve_field(kind: str, dotted: str) -> Target:
    """The field a dotted name means in a record of ``kind``, or InputError with a hint."""
    parts = dotted.split(".")
    if not dotted or any(not p for p in parts):
        raise InputError(f"field name {dotted!r} is not a dotted field path")
    spec: Spec | None = SPECS[kind]
    key: list[str | int] = []
    field: Field | None = None
    i = 0
    while i < len(parts):
        part = parts[i]
        if spec is None:  # free keys of a settings table
            key.append(part)
            i += 1
            continue
        field = spec.fields.get(part)
        if field is None:
            where = ".".join(str(k) for k in key if isinstance(k, str))
            known = list(spec.fields)
            close = difflib.get_close_matches(part, known, n=1)
            hint = f"did you mean {close[0]!r}?" if close else "known: " + ", ".join(known)
            prefix = f"{where}." if where else ""
            raise InputError(f"unknown field `{prefix}{part}` for a {kind} record ({hint})")
        key.append(part)
        i += 1
        rest = len(parts) - i
        if field.type == ROW:
            spec = field.sub
            if rest == 0:
                return Target(dotted, tuple(key), field)
        elif field.type == ROWS:
            if rest == 0:
                return Target(dotted, tuple(key), field)
            if not _INDEX.match(parts[i]):
                raise InputError(
                    f"`{part}` is a list of rows: name one by its index, "
                    f"like {part}.0.{parts[i]} or {part}.-1.{parts[i]} (the last)"
                )
            key.append(int(parts[i]))
            i += 1
            spec = field.sub
            if i == len(parts):
                return Target(dotted, tuple(key), None)
        elif field.type == TABLE:
            spec = None
            if rest == 0:
                return Target(dotted, tuple(key), field)
        elif field.type == STARS:
            if rest == 0:
                return Target(dotted, tuple(key), field)
            if rest != 1 or not layout.YEAR.match(parts[i]):
                raise InputError(f"`stars` takes a year, like stars.2025, not {dotted!r}")
            key.append(parts[i])
            return Target(dotted, tuple(key), Field(INT, choices=(1, 2, 3, 4, 5)))
        elif rest:
            raise InputError(f"`{part}` is a plain value with no fields inside: {dotted!r}")
        else:
            return Target(dotted, tuple(key), field)
    return Target(dotted, tuple(key), None if spec is None else field)


def parse_value(target: Target, values: Sequence[str]) -> Any:
    """The TOML value a command-line string stands for, by the field's schema.

    Dates from ISO text, booleans from true/false, whole numbers, amounts as
    written ("12.50" stays a string, "12" an integer), lists of ids from several
    values or comma-separated ones (lists of sentences, :data:`TEXT_LISTS`, take
    one item per value); free keys take any TOML literal, else a string.
    """
    f = target.field
    name = target.dotted
    if f is None:
        if target.key and isinstance(target.key[-1], int):
            raise InputError(f"{name!r} is a whole row: set one of its fields, or --unset it")
        literals = [_literal(v) for v in values]
        if len(literals) != 1:
            return literals
        return literals[0]
    if f.type == ROWS:
        first = next(iter(f.sub.fields)) if f.sub else "field"
        raise InputError(
            f"`{name}` is a list of rows: set a field of one row, like {name}.0.{first}"
        )
    if f.type in (ROW, TABLE, STARS):
        example = f", like {name}.{next(iter(f.sub.fields))}" if f.sub else ""
        raise InputError(f"`{name}` is a table: set one of its fields{example}")
    if f.type == STRS:
        if target.key[-1] in TEXT_LISTS:
            return [v.strip() for v in values if v.strip()]
        return [item.strip() for v in values for item in v.split(",") if item.strip()]
    if len(values) != 1:
        raise InputError(f"`{name}` takes one value, got {len(values)}")
    text = values[0]
    if f.type == STR:
        return text
    if f.type == DATE:
        return parse_date(text, name)
    if f.type == BOOL:
        low = text.strip().lower()
        if low not in ("true", "false"):
            raise InputError(f"`{name}` takes true or false, got {text!r}")
        return low == "true"
    if f.type == INT:
        try:
            return int(text.strip())
        except ValueError:
            raise InputError(f"`{name}` takes a whole number, got {text!r}") from None
    if f.type == MONEY:
        return parse_amount(text, name)
    raise AssertionError(f.type)  # pragma: no cover


def parse_date(text: str, name: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"`{name}` takes an ISO date (YYYY-MM-DD), got {text!r}") from None


def parse_amount(text: str, name: str = "amount") -> str | int:
    """An exact amount as it will be written: an integer, or a string with ≤ 2 decimals."""
    text = text.strip()
    if not _MONEY.match(text):
        raise InputError(
            f"`{name}` takes an amount like 1200.50 (at most two decimals), got {text!r}"
        )
    return int(text) if "." not in text else text


def _literal(text: str) -> Any:
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


# ---- edits ----------------------------------------------------------------------


def set_value(path: str, data: bytes, target: Target, value: Any) -> bytes:
    """``data`` with one field set; every other byte of the file is kept."""
    doc = read_document(path, data)
    container: Any = doc
    for depth, part in enumerate(target.key[:-1]):
        container = _step(container, part, target, depth, create=True)
    last = target.key[-1]
    assert isinstance(last, str)
    container[last] = value
    return dump_document(doc, data)


def unset_value(path: str, data: bytes, target: Target) -> bytes:
    """``data`` without one field (or row); a table left empty goes too."""
    doc = read_document(path, data)
    chain: list[Any] = [doc]
    for depth, part in enumerate(target.key[:-1]):
        chain.append(_step(chain[-1], part, target, depth, create=False))
    last = target.key[-1]
    container = chain[-1]
    if isinstance(last, int):
        _check_index(container, last, target)
        del container[last]
    elif last not in container:
        raise InputError(f"{path} has no field `{target.dotted}` to unset")
    else:
        del container[last]
    # drop tables and row lists the removal left empty (but never the document)
    for depth in range(len(chain) - 1, 0, -1):
        node = chain[depth]
        if len(node) != 0:
            break
        del chain[depth - 1][target.key[depth - 1]]
    return dump_document(doc, data)


def _step(container: Any, part: str | int, target: Target, depth: int, *, create: bool) -> Any:
    if isinstance(part, int):
        _check_index(container, part, target)
        return container[part]
    if part not in container:
        if not create or (depth + 1 < len(target.key) and isinstance(target.key[depth + 1], int)):
            shown = ".".join(str(k) for k in target.key[: depth + 1])
            raise InputError(f"the record has no `{shown}`")
        import tomlkit

        container[part] = tomlkit.table()
    node = container[part]
    if not isinstance(node, (dict, list)):  # tomlkit tables and row lists are both
        shown = ".".join(str(k) for k in target.key[: depth + 1])
        raise InputError(f"`{shown}` is a plain value, not a table")
    return node


def _check_index(rows: Any, index: int, target: Target) -> None:
    if not isinstance(rows, list):
        raise InputError(f"`{target.dotted}`: not a list of rows")
    if not -len(rows) <= index < len(rows):
        name = ".".join(str(k) for k in target.key[: target.key.index(index)])
        raise InputError(
            f"`{name}` has {len(rows)} row{'s' * (len(rows) != 1)}; index {index} is out of range"
        )


def new_document(
    fields: Iterable[tuple[str, Any]],
    rows: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
) -> bytes:
    """A new record from (key, value) pairs in order; None values are left out.

    ``rows`` become arrays of tables (``[[absent]]``) after the plain fields.
    """
    import tomlkit

    doc = tomlkit.document()
    for key, value in fields:
        if value is not None and value != []:
            doc[key] = value
    for key, items in (rows or {}).items():
        if items:
            aot = tomlkit.aot()
            for item in items:
                aot.append(_row(item))
            doc[key] = aot
    return dump_document(doc)


def append_row(path: str, data: bytes | None, key: str, row: Mapping[str, Any]) -> bytes:
    """``data`` (or a new file) with one more ``[[key]]`` row at the end of that list."""
    import tomlkit
    from tomlkit.items import AoT

    if data is None:
        return new_document((), {key: [row]})
    doc = read_document(path, data)
    existing = doc.get(key)
    if existing is None:
        aot = tomlkit.aot()
        aot.append(_row(row))
        doc[key] = aot
        return dump_document(doc, data)
    if not isinstance(existing, AoT):
        raise InputError(f"cannot append to {path}: `{key}` is not written as [[{key}]] rows")
    if len(existing):
        last = existing[-1]
        text = last.as_string()
        if not text.endswith("\n"):
            last.add(tomlkit.nl())
            text += "\n"
        if not text.endswith("\n\n"):
            last.add(tomlkit.nl())  # a blank line between rows, as a clerk writes them
    existing.append(_row(row))
    return dump_document(doc, data)


def _row(item: Mapping[str, Any]) -> Table:
    import tomlkit

    table = tomlkit.table()
    for k, v in item.items():
        if v is not None and v != []:
            table[k] = v
    return table


# ---- checking before writing -------------------------------------------------------


def introduced(
    base: Store, changes: Changes, check: Validator, today: date | None = None
) -> list[Problem]:
    """Problems present with ``changes`` laid over ``base`` and absent without them.

    Problems are compared by :meth:`Problem.identity` (code, severity, path,
    message: not the line, which an edit may shift). The repository is read and
    parsed once: the changed view reuses every record the change leaves alone.
    """
    before_records = load(base)
    after_records = overlay(before_records, changes)
    after = _check(after_records, check, today)
    if not after:
        return []
    before = {p.identity() for p in _check(before_records, check, today)}
    return [p for p in after if p.identity() not in before]


def overlay(records: Records, changes: Changes) -> Records:
    """``records`` as they would be with ``changes`` applied, parsing only changed files."""
    store = OverlayStore(records.store, changes)
    paths, _ = store.listing()
    kept = {p: r for p, r in records.by_path.items() if p not in changes}
    problems = [p for p in records.problems if p.path not in changes]
    for path, data in changes.items():
        if data is None or not layout.is_candidate(path):
            continue
        record, found = load_file(path, data)
        problems.extend(found)
        if record is not None:
            kept[path] = record
    return assemble(store, paths, kept, problems)


def guard(
    base: Store, changes: Changes, check: Validator, today: date | None = None
) -> list[Problem]:
    """Refuse (``errors.Refused``) a change that adds errors; return the warnings it adds."""
    new = introduced(base, changes, check, today)
    errors = [p for p in new if p.is_error]
    if errors:
        n = len(errors)
        raise Refused(
            f"refused: this change would cause {n} validation error{'s' * (n != 1)}; "
            "nothing was written",
            [p.text() for p in errors],
        )
    return [p for p in new if not p.is_error]


def _check(records: Records, check: Validator, today: date | None) -> list[Problem]:
    if today is None:
        return check(records)
    return check(records, today)  # type: ignore[call-arg]


# ---- writing ----------------------------------------------------------------------


def apply(root: str | os.PathLike[str], changes: Changes) -> list[str]:
    """Write (or, for None, remove) each changed file under ``root``; the paths written.

    Each file is replaced atomically; files are written in the order given.
    """
    done: list[str] = []
    for path, data in changes.items():
        target = safe_target(root, path)
        if data is None:
            with contextlib.suppress(FileNotFoundError):
                target.unlink()
        else:
            write_atomic(target, data)
        done.append(path)
    return done


def safe_target(root: str | os.PathLike[str], path: str) -> Path:
    """The file ``path`` names under ``root``, refusing anything that leads outside it."""
    real_root = os.path.realpath(root)
    target = os.path.realpath(os.path.join(real_root, path))
    if not target.startswith(real_root + os.sep):
        raise Refused(f"refused: {path} leads out of the repository")
    return Path(target)


def write_atomic(target: str | os.PathLike[str], data: bytes) -> None:
    """Put ``data`` at ``target`` all at once: temp file in the same folder, fsync, rename.

    Folders are created as needed; on any failure the temp file and the folders
    made for it are removed, and an existing file is left as it was.
    """
    target = Path(target)
    made: list[Path] = []
    folder = target.parent
    while not folder.exists():
        made.append(folder)
        folder = folder.parent
    tmp: str | None = None
    try:
        for new in reversed(made):
            new.mkdir()
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _mode_for(target))
        os.replace(tmp, target)
        tmp = None
        _fsync_folder(target.parent)
    except BaseException:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        for new in made:
            with contextlib.suppress(OSError):
                new.rmdir()
        raise


def _mode_for(target: Path) -> int:
    """Keep an existing file's permissions; a new file gets the usual 0666 less umask."""
    try:
        return os.stat(target).st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable where the platform allows it."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - e.g. Windows
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


# ---- where new records go ------------------------------------------------------------


def next_meeting_path(store: Store, org: str, day: date, kind: str) -> str:
    """``meetings/<org>/<date>-<kind>.toml``, or ``-2``, ``-3``... when that is taken."""
    n = 1
    while True:
        path = layout.meeting_path(org, day.isoformat(), kind, n)
        if not store.exists(path):
            return path
        n += 1


# ---- a new repository ---------------------------------------------------------------

_SETTINGS_EN = """\
# Settings of this records repository (dangjian). Every record lives in the
# folders beside this file, one TOML file per record; `dangjian validate` checks them.

# shown on documents and reports
name = {name}
# language of generated documents: "en" or "zh"
language = "{lang}"
# obligations are owed from this date on; earlier periods are not counted
tracking_since = {since}

# Official document numbers, per issuer and kind; {{year}} and {{n}} are filled in.
# Example (uncomment and use your org ids):
# county.rectification = "County Party Committee Organisation Dept. [{{year}}] No. {{n}}"
# county.praise = "County Party Committee [{{year}}] No. {{n}}"
[numbering]

# Change a builtin obligation rule, or switch one off, with a [rules.<rule id>]
# table. Examples:
# [rules.party-lesson]
# period = "month"
# min = 1
#
# [rules.pairing]
# enabled = false
"""

_SETTINGS_ZH = """\
# 本记录库（dangjian）的设置。每条记录是本文件旁各文件夹中的一个 TOML 文件；
# 用 `dangjian validate` 检查全部记录。

# 名称，用于文书和报告
name = {name}
# 生成文书所用语言："zh" 或 "en"
language = "{lang}"
# 自此日起计算各项工作要求；此前的时段不计
tracking_since = {since}

# 发文字号，按发文单位和文种设置；{{year}} 与 {{n}} 自动填写（六角括号，不加虚位）。
# 示例（去掉 # 并改为本县组织的 id）：
# county.rectification = "青组通〔{{year}}〕{{n}}号"
# county.praise = "青组发〔{{year}}〕{{n}}号"
[numbering]

# 用 [rules.<规则 id>] 表调整或停用内置规则。示例：
# [rules.party-lesson]
# period = "month"
# min = 1
#
# [rules.pairing]
# enabled = false
"""

GITIGNORE = "# generated documents\nout/\n"
KEEP = ".gitkeep"


def scaffold(name: str, lang: str, tracking_since: date) -> dict[str, bytes]:
    """The files of a new, empty records repository: settings, ignore file, folders."""
    import tomlkit

    template = _SETTINGS_ZH if lang == "zh" else _SETTINGS_EN
    settings = template.format(
        name=tomlkit.string(name).as_string(), lang=lang, since=tracking_since.isoformat()
    )
    files = {layout.SETTINGS_FILE: settings.encode("utf-8"), ".gitignore": GITIGNORE.encode()}
    for folder in layout.FOLDERS:
        files[f"{folder}/{KEEP}"] = b""
    return files
