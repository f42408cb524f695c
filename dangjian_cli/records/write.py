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
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError, Refused
from ..i18n import _, ngettext
from ..problems import Problem
from . import layout
from .parse import DecodeError, loads
from .parse import parse as parse_record
from .repository import Records, assemble, load, load_file
from .schema import (
    BOOL,
    DATE,
    DATES,
    HOURS,
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
    _record, problems = parse_record(path, data)  # same messages as `validate`
    if problems:
        p = problems[0]
        hint = p.hint_text()
        raise InputError(
            _("cannot edit {path}:{line}: {problem}").format(
                path=p.path, line=p.line or 1, problem=p.message_text()
            )
            + (_(" ({hint})").format(hint=hint) if hint else "")
        )
    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    try:
        return tomlkit.parse(data.decode("utf-8"))
    except TOMLKitError as exc:  # pragma: no cover - the parser accepted it above
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
    if f.type == DATES:  # one date; several make the list validation judges
        days = [parse_date(v, name) for v in values]
        return days[0] if len(days) == 1 else days
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
    if f.type == HOURS:
        return parse_hours(text, name)
    raise AssertionError(f.type)  # pragma: no cover


_HOURS = re.compile(r"\d{1,4}(\.\d{1,2})?\Z")


def parse_hours(text: str, name: str = "hours") -> int | float:
    """A number of hours as it will be written: ``24`` an integer, ``31.5`` a float."""
    text = text.strip()
    if not _HOURS.match(text):
        raise InputError(f"`{name}` takes a number of hours like 24 or 31.5, got {text!r}")
    return int(text) if "." not in text else float(text)


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
        return loads(f"v = {text}")["v"]
    except DecodeError:
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
    paths, _refused = store.listing()
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
        raise Refused(
            ngettext(
                "refused: this change would cause {n} validation error; nothing was written",
                "refused: this change would cause {n} validation errors; nothing was written",
                len(errors),
            ).format(n=len(errors)),
            [p.text() for p in errors],
        )
    return [p for p in new if not p.is_error]


def _check(records: Records, check: Validator, today: date | None) -> list[Problem]:
    if today is None:
        return check(records)
    return check(records, today)  # type: ignore[call-arg]


# ---- writing ----------------------------------------------------------------------


def apply(root: str | os.PathLike[str], changes: Changes, new: Iterable[str] = ()) -> list[str]:
    """Write (or, for None, remove) each changed file under ``root``; the paths written.

    Each file is replaced atomically; files are written in the order given. The
    paths in ``new`` must not exist yet: they are created with link semantics
    (never replacing a file another writer made meanwhile), and one that exists
    is refused.
    """
    fresh = set(new)
    done: list[str] = []
    for path, data in changes.items():
        target = safe_target(root, path)
        if data is None:
            with contextlib.suppress(FileNotFoundError):
                target.unlink()
        else:
            try:
                write_atomic(target, data, exclusive=path in fresh)
            except FileExistsError:
                raise Refused(
                    _("refused: {path} already exists (another writer made it just now)").format(
                        path=path
                    )
                ) from None
        done.append(path)
    return done


def safe_target(root: str | os.PathLike[str], path: str) -> Path:
    """The file ``path`` names under ``root``, refusing anything that leads outside it.

    Every writer goes through here: any component of ``path`` that is a link out
    of the repository (``notices/2026`` -> ``/tmp/x``) makes the real path leave
    the repository's real path, and the write is refused before anything is made.
    """
    real_root = os.path.realpath(root)
    target = os.path.realpath(os.path.join(real_root, path))
    if not target.startswith(real_root + os.sep):
        raise Refused(_("refused: {path} leads out of the repository").format(path=path))
    return Path(target)


def write_atomic(target: str | os.PathLike[str], data: bytes, *, exclusive: bool = False) -> None:
    """Put ``data`` at ``target`` all at once: temp file in the same folder, fsync, rename.

    Folders are created as needed; on any failure the temp file and the folders
    made for it are removed, and an existing file is left as it was. With
    ``exclusive`` an existing ``target`` is never replaced (FileExistsError): the
    temp file is hard-linked into place, which fails atomically if a file is there.
    The temp file's name carries this process's host and pid (:func:`temp_prefix`)
    so that the next writer can remove it if this process is killed.
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
        fd, tmp = tempfile.mkstemp(
            prefix=temp_prefix(target.name), suffix=".tmp", dir=target.parent
        )
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _mode_for(target))
        if exclusive:
            _link_into_place(tmp, target)
        else:
            os.replace(tmp, target)
            tmp = None
        _fsync_folder(target.parent)
    except BaseException:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            tmp = None
        for new in made:
            with contextlib.suppress(OSError):
                new.rmdir()
        raise
    finally:
        if tmp is not None:  # the link of an exclusive write is made: drop the temp name
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _link_into_place(tmp: str, target: Path) -> None:
    """``tmp`` becomes ``target`` unless a file is there (FileExistsError)."""
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links: O_EXCL marks the place first
        fd = os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
        os.replace(tmp, target)


# ---- temporary files and locks of writers that were killed ----------------------------

#: a lock older than this is taken over where the pid cannot be checked
#: (another host, or no fcntl); no command holds a lock nearly this long
LOCK_STALE_SECONDS = 600
#: how long a writer waits for a lock held by a live process
LOCK_TIMEOUT = 60.0

_TEMP = re.compile(r"\.(?P<name>.+)\.(?P<host>[A-Za-z0-9_-]+)-(?P<pid>\d+)\.[A-Za-z0-9_]+\.tmp\Z")
_LOCK = re.compile(r"\.(?:.+\.)?lock\Z")


def _host() -> str:
    node = os.uname().nodename if hasattr(os, "uname") else os.environ.get("COMPUTERNAME", "")
    return re.sub(r"[^A-Za-z0-9_-]", "_", node)[:32] or "host"


def temp_prefix(name: str) -> str:
    """``.<name>.<host>-<pid>.``: a temp file's name says which process wrote it."""
    return f".{name}.{_host()}-{os.getpid()}."


def _alive(pid: int) -> bool:
    """Whether process ``pid`` runs on this machine (unknown counts as alive)."""
    if pid == os.getpid():
        return True
    if os.name == "nt":  # pragma: no cover - signal 0 would end the process there
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _stale_temp(name: str, mtime: float) -> bool:
    found = _TEMP.match(name)
    if found is None:
        return False
    if found["host"] == _host():
        return not _alive(int(found["pid"]))
    return time.time() - mtime > LOCK_STALE_SECONDS


def sweep(folder: str | os.PathLike[str], below: bool = True) -> list[str]:
    """Remove what killed writers left under ``folder``: their temp files and lock files.

    A temp file goes when its writer (host and pid in its name) is gone, or, from
    another host, when it is older than :data:`LOCK_STALE_SECONDS`. A lock file goes
    when no process holds it (taken, then unlinked while held: see :func:`file_lock`).
    Hidden folders (``.git``) are not entered, nor any folder without ``below`` (a
    documents folder holds no folders of ours). Returns the paths removed.
    """
    removed: list[str] = []
    for here, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if below and not d.startswith(".")]
        for name in files:
            if not name.startswith(".") or not (name.endswith(".tmp") or name.endswith(".lock")):
                continue
            path = os.path.join(here, name)
            if name.endswith(".lock"):
                if _LOCK.match(name) and _drop_free_lock(Path(path)):
                    removed.append(path)
                continue
            try:
                if _stale_temp(name, os.lstat(path).st_mtime):
                    os.unlink(path)
                    removed.append(path)
            except OSError:
                continue
    return removed


def _drop_free_lock(lock: Path) -> bool:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - the O_EXCL locks clear themselves when stale
        return False
    try:
        fd = os.open(lock, os.O_RDWR | os.O_NOFOLLOW)
    except OSError:
        return False
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False  # held by a live process
        if not _same_file(fd, lock):
            return False
        os.unlink(lock)
        return True
    finally:
        os.close(fd)


def _same_file(fd: int, path: Path) -> bool:
    try:
        st = os.stat(path, follow_symlinks=False)
    except OSError:
        return False
    own = os.fstat(fd)
    return (st.st_ino, st.st_dev) == (own.st_ino, own.st_dev)


@contextlib.contextmanager
def file_lock(
    lock: str | os.PathLike[str], timeout: float = LOCK_TIMEOUT, busy: str = "busy"
) -> Iterator[None]:
    """Hold ``lock`` (a file, made if missing) exclusively for the ``with`` block.

    With fcntl (Linux, macOS) the lock is ``flock`` on the file: the kernel lets
    go of it when the holder dies, however it dies, so a killed writer never
    blocks the next one. The file is unlinked (while still held) on release; a
    taker checks after locking that the path still names the file it locked, so
    two takers can never both hold it. Without fcntl it falls back to O_EXCL
    creation, taking over a lock whose pid is gone or which is older than
    :data:`LOCK_STALE_SECONDS`. The file holds ``pid host time`` for a person
    who finds it. After ``timeout`` seconds of waiting: InputError saying ``busy``.
    """
    lock = Path(lock)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        with _excl_lock(lock, timeout, busy):
            yield
        return
    deadline = time.monotonic() + timeout
    while True:
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o666)
        except FileNotFoundError:  # its folder was removed by a writer that made it for nothing
            lock.parent.mkdir(parents=True, exist_ok=True)
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            if time.monotonic() > deadline:
                raise InputError(f"{lock}: {busy}; try again") from None
            time.sleep(0.02)
            continue
        if _same_file(fd, lock):
            break
        os.close(fd)  # released and unlinked by its holder meanwhile: lock the new one
    try:
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()} {_host()} {int(time.time())}\n".encode())
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(lock)
        os.close(fd)


@contextlib.contextmanager
def _excl_lock(lock: Path, timeout: float, busy: str) -> Iterator[None]:  # pragma: no cover
    deadline = time.monotonic() + timeout
    while True:
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666)
        except FileExistsError:
            if _stale_lock_file(lock):
                aside = lock.with_name(f"{lock.name}.{_host()}-{os.getpid()}.stale")
                with contextlib.suppress(OSError):
                    os.replace(lock, aside)  # one taker moves it; the others find it gone
                    os.unlink(aside)
                continue
            if time.monotonic() > deadline:
                raise InputError(f"{lock}: {busy}; try again") from None
            time.sleep(0.05)
            continue
        os.write(fd, f"{os.getpid()} {_host()} {int(time.time())}\n".encode())
        os.close(fd)
        break
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(lock)


def _stale_lock_file(lock: Path) -> bool:  # pragma: no cover - the fallback's rule
    try:
        text = lock.read_text(encoding="utf-8", errors="replace").split()
        age = time.time() - lock.stat().st_mtime
    except OSError:
        return False
    if age > LOCK_STALE_SECONDS:
        return True
    if len(text) >= 2 and text[0].isdigit() and text[1] == _host():
        return not _alive(int(text[0]))
    return False


@contextlib.contextmanager
def locked(root: str | os.PathLike[str], path: str, *, folder: bool = False) -> Iterator[Path]:
    """Hold the lock of one repository file (``.<name>.lock`` beside it), or with
    ``folder`` of one folder (``<folder>/.lock``), for a read-modify-write.

    The place is checked with :func:`safe_target` first; folders made for the
    lock file are removed again if nothing was written in them. Yields the
    real path of ``path``.
    """
    target = safe_target(root, path)
    where = target if folder else target.parent
    made: list[Path] = []
    here = where
    while not here.exists():
        made.append(here)
        here = here.parent
    where.mkdir(parents=True, exist_ok=True)
    lock = where / (".lock" if folder else f".{target.name}.lock")
    try:
        with file_lock(lock, busy=f"another writer is changing {path}"):
            yield target
    finally:
        for new in made:
            with contextlib.suppress(OSError):
                new.rmdir()


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

# Official document numbers of notices, per issuer (an org id) and kind (praise,
# criticism, admonition, rectification) or `default` for the issuer's other kinds;
# {{year}} and {{n}} are filled in, and every pattern needs {{n}}.
# Example (uncomment the lines under [numbering] and put your org ids):
[numbering]
# county.default = "County Party Committee Organisation Dept. [{{year}}] No. {{n}}"
# county.criticism = "County Organisation Dept. Notice [{{year}}] No. {{n}}"
# county.rectification = "County Organisation Dept. Rectification [{{year}}] No. {{n}}"

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

# 通报的发文字号，按发文单位（组织 id）和文种（praise 表扬、criticism 批评、
# admonition 诫勉、rectification 整改）设置，default 用于其余文种；
# {{year}} 与 {{n}} 自动填写（六角括号，不加虚位），每个字号都须含 {{n}}。
# 示例（去掉 [numbering] 下各行的 # 并改为本县组织的 id）：
[numbering]
# county.default = "青组发〔{{year}}〕{{n}}号"
# county.criticism = "青组通〔{{year}}〕{{n}}号"
# county.rectification = "青组改〔{{year}}〕{{n}}号"

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
