"""What several commands share: finding the repository, loading it, common options."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import click

from ..errors import InputError
from ..output import FORMATS
from ..records.repository import Records
from ..records.schema import EARLIEST, LATEST  # the dates records may hold
from ..records.store import FolderStore, Store, find_root


def repo_root(ctx: click.Context) -> Path:
    """The repository the user means: -C, else the nearest dangjian.toml upwards."""
    given = (ctx.find_root().obj or {}).get("repo")
    start = Path(given) if given else Path.cwd()
    if given and not start.is_dir():
        raise InputError(f"{given}: not a folder")
    root = find_root(start)
    if root is None:
        raise InputError(
            f"no dangjian.toml in {start} or any folder above it "
            "(run `dangjian init PATH`, or name the repository with -C)"
        )
    apply_language(root)
    return root


def apply_language(root: Path) -> str:
    """Speak the ``language`` of the repository at ``root`` (unless --lang or
    DANGJIAN_LANG chose one); a settings file that does not parse changes nothing
    (validate reports it)."""
    from .. import i18n

    if i18n.override() is None:
        from ..records.parse import parse
        from ..records.store import read_inside

        try:  # parse never raises: a settings file it refuses has no language
            doc, _ = parse("dangjian.toml", read_inside(root, "dangjian.toml"))
        except OSError:
            doc = None
        lang = doc.get("language") if doc is not None else None
        i18n.use_repository(lang if isinstance(lang, str) else None)
    return i18n.language()


def open_store(ctx: click.Context, rev: str | None = None) -> Store:
    """The records to read: the work tree, or a git commit when ``--rev`` is given."""
    root = repo_root(ctx)
    if rev:
        from ..gitops.store import GitStore  # imported only when asked: git is slow to load

        return GitStore(root, rev)
    return FolderStore(root)


def load_records(ctx: click.Context, rev: str | None = None, store: Store | None = None) -> Records:
    """The records a command works on, through the parse cache where it helps.

    The records live until the command ends, so they are frozen out of the garbage
    collector's later passes.
    """
    import gc

    from ..records.cache import load_cached

    store = store if store is not None else open_store(ctx, rev)
    # frozen before the collector is on again: its first pass would otherwise walk
    # every object the load made (0.2 s for a county) only to keep them all
    collecting = gc.isenabled()
    gc.disable()
    try:
        if isinstance(store, FolderStore):
            records = load_cached(store, write_behind=True)
        else:  # a commit or the index: cached by git blob id
            from ..gitops.cache import load_blobs_cached

            records = load_blobs_cached(store, write_behind=True)
        gc.freeze()
    finally:
        if collecting:
            gc.enable()
    from .lifetime import keep

    keep(records)  # not freed object by object when the command is done
    return records


def judged(
    ctx: click.Context,
    rev: str | None = None,
    staged: bool = False,
    window: Any = None,
    queries: Any = (),
    located: Any = ...,
) -> Any:
    """The records as judged through snapshots of git trees (``gitops.snapshot``),
    or, outside git and where no snapshot serves a work tree, through the whole
    check kept with the records cache (``gitops.folder``): their problems, for
    ``window`` (as-of, since) their findings, the answers to ``queries``
    (``gitops.queries``) and a way to read their records; None where neither
    helps (a small repository, caching off, a large change of a commit or the
    index) and a whole load must do. ``located``: the side as
    ``gitops.snapshot.locate`` found it already (None: it found none)."""
    root = repo_root(ctx)
    from ..records.cache import enabled

    if not enabled():
        # both give None with caching off: not imported (with the engine they
        # import, 0.05 s of a cold run before its load can start)
        return None
    if rev or staged or _in_git(root):
        from ..gitops.snapshot import INDEX, WORK_TREE, judge

        side = INDEX if staged else rev or WORK_TREE
        if located is ...:
            found = judge(root, side, window=window, queries=queries)
        else:
            found = located and judge(root, side, window=window, queries=queries, located=located)
        if found is not None or side != WORK_TREE:
            return found
        # no snapshot serves the work tree (its folder is in no commit, or too much
        # changed): it is judged as a plain folder is
    from ..gitops.folder import judge_folder
    from ..gitops.queries import findings

    asked = list(queries)
    if window is not None:
        as_of, since = window
        asked.append(findings(_day(as_of), _day(since) if since else None))
    found = judge_folder(root, queries=asked)
    if found is not None and window is not None:
        found.obligations = found.answers[asked[-1]]
    return found


def _day(text: str) -> date:
    return date.fromisoformat(text)


def read_records(ctx: click.Context, rev: str | None = None) -> Records:
    """The records a listing reads (``list``, ``stats``): in git, those of the side's
    snapshot, each kind read from the cache when the listing first uses it (a
    roster reads the members, not the meetings); else a whole load through the
    records cache. The same records either way."""
    found = judged(ctx, rev)
    if found is not None:
        return found.records
    return load_records(ctx, rev)


def kept_text(
    ctx: click.Context,
    rev: str | None,
    parts: tuple[object, ...],
    compute: Callable[[Any], str],
    *,
    valid_only: bool = False,
) -> str:
    """The text ``compute(found)`` gives (``found``: the side as :func:`judged` gives
    it), kept for the side's exact records (``gitops.views``), today, the language,
    the width and ``parts`` (the command and its options): asked again, nothing
    changed, it is printed without reading a snapshot or a record. ``valid_only``:
    kept only for records without errors (a command that refuses invalid records,
    or warns on them, then needs no problems to print a kept text). Outside git,
    and where no snapshot serves the side, it is simply computed."""
    root = repo_root(ctx)
    located = None
    if rev or _in_git(root):
        from ..gitops.snapshot import WORK_TREE, locate

        located = locate(root, rev or WORK_TREE)
        if located is None:
            return compute(judged(ctx, rev, located=None))
    if located is None:
        return compute(judged(ctx, rev))
    from .. import i18n, widths
    from ..gitops import views

    name = views.key(
        located.state, (*parts, date.today().isoformat(), i18n.language(), widths.width())
    )
    text = views.read(located.views, name)
    if text is not None:
        return text
    found = judged(ctx, rev, located=located)
    text = compute(found)
    served = getattr(found, "state", None) == located.state  # judged from a snapshot
    if served and not (valid_only and any(p.is_error for p in found.problems)):
        views.write(located.views, name, text)
    return text


def _in_git(root: Path) -> bool:
    """Whether a folder lies in a git work tree (found without running git)."""
    return any((folder / ".git").exists() for folder in (root, *root.resolve().parents))


class IsoDate(click.ParamType):
    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            day = date.fromisoformat(value)
        except ValueError:
            self.fail(f"{value!r} is not an ISO date (YYYY-MM-DD)", param, ctx)
        if not EARLIEST <= day <= LATEST:
            self.fail(f"{value!r} is outside {EARLIEST.year}-{LATEST.year}", param, ctx)
        return day


ISO_DATE = IsoDate()
#: a year option: the years records may hold
YEAR = click.IntRange(EARLIEST.year, LATEST.year)


def options(*decorators: Callable) -> Callable:
    """Several click options as one decorator, in the order listed (as in --help)."""

    def apply(func: Callable) -> Callable:
        for decorator in reversed(decorators):
            func = decorator(func)
        return func

    return apply


def as_of_option(help: str) -> Callable:
    """``--as-of DATE``: the day a command judges the records on."""
    return click.option("--as-of", "as_of", type=ISO_DATE, default=None, metavar="DATE", help=help)


def format_option(*choices: str, default: str = "table", help: str = "Output format.") -> Callable:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices or FORMATS),
        default=default,
        show_default=True,
        help=help,
    )


def file_output_options(formats: tuple[str, ...], format_help: str, out_help: str) -> Callable:
    """``--format``, ``--out FILE`` and ``--force``: a listing printed, or written to a file
    that is never replaced without --force (the writing: cli.tables._emit_listing)."""
    return options(
        format_option(*formats, help=format_help),
        click.option(
            "--out",
            type=click.Path(dir_okay=False, path_type=Path),
            default=None,
            help=out_help,
        ),
        click.option("--force", is_flag=True, help="Replace an existing --out file."),
    )


def rev_option(func: Callable) -> Callable:
    return click.option(
        "--rev", default=None, metavar="REV", help="Read the records as of a git commit."
    )(func)


def is_terminal() -> bool:
    return os.isatty(1)
