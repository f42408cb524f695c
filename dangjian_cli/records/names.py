"""How a person names a record on the command line, turned into its repository path.

Accepted, in this order:

- a path in the repository, with or without ``.toml``: ``members/vy-a``,
  ``meetings/village/2026-03-15-theme_day.toml`` (a leading ``./`` is ignored);
- the tail of a path, where only one record ends that way:
  ``village/2026-03-15-theme_day`` (the form ``decided_at`` uses), ``town/2026``;
- a bare id (the file name without ``.toml``) where only one record has it:
  ``vy-a``; ``dangjian`` names the settings file.

Anything else is an :class:`~dangjian_cli.errors.InputError` in one line that
lists the candidates (several matches) or the closest ids (none).

:func:`need_org` finds an org by id among loaded records, for the commands that
take ``--org``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..errors import InputError
from ..i18n import _
from . import layout
from .store import Store

if TYPE_CHECKING:
    from . import model as m
    from .repository import Records

_SHOWN = 8


def resolve(store: Store, name: str, kinds: Iterable[str] | None = None) -> str:
    """The repository path of the one record ``name`` means (optionally of ``kinds``)."""
    wanted = frozenset(kinds) if kinds is not None else None
    paths = [p for p in store.listing()[0] if _kind_ok(p, wanted)]
    raw = name.strip().replace("\\", "/")
    while raw.startswith("./"):
        raw = raw[2:]
    if not raw:
        raise InputError(_("no record named: the name is empty"))
    stem = raw[:-5] if raw.endswith(".toml") else raw
    what = _what(wanted)
    if "/" in stem or raw == layout.SETTINGS_FILE:
        exact = f"{stem}.toml"
        if exact in paths:
            return exact
        matches = [p for p in paths if p.endswith(f"/{exact}")]
        if not matches and raw == layout.SETTINGS_FILE:
            raise InputError(_("no {file} in this repository").format(file=layout.SETTINGS_FILE))
    else:
        matches = [p for p in paths if _stem(p) == stem]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise InputError(
            _("{name!r} names {n} {kind}s: {paths} (name one by its path)").format(
                name=name, n=len(matches), kind=what, paths=_listed(sorted(matches))
            )
        )
    close = _closest(stem, paths)
    hint = _(" (did you mean {names}?)").format(names=_listed(close)) if close else ""
    raise InputError(_("no {kind} named {name!r}{hint}").format(kind=what, name=name, hint=hint))


def need_org(records: Records, org_id: str, option: str | None = "--org") -> m.Org:
    """The org ``org_id`` names, or an InputError that says why there is none.

    An org whose file is there but does not load (a TOML syntax error, an unreadable
    file) is reported with that file's first problem, not as an unknown org.
    """
    where = f"{option}: " if option else ""
    org = records.orgs.get(org_id)
    if org is not None:
        return org
    path = layout.org_path(org_id)
    broken = [p for p in records.problems if p.path == path and p.is_error]
    if broken:
        records.locate(broken[:1])
        more = _(" (and {n} more)").format(n=len(broken) - 1) if len(broken) > 1 else ""
        raise InputError(
            where
            + _(
                "org {org!r} is not loaded: {problem}{more}; "
                "fix the file (`dangjian validate` lists every problem)"
            ).format(org=org_id, problem=broken[0].text(), more=more)
        )
    close = difflib.get_close_matches(org_id, list(records.orgs), n=3)
    hint = _(" (did you mean {names}?)").format(names=", ".join(close)) if close else ""
    raise InputError(
        where + _("no org {org!r} in the repository{hint}").format(org=org_id, hint=hint)
    )


def _kind_ok(path: str, wanted: frozenset[str] | None) -> bool:
    if wanted is None:
        return True
    try:
        return layout.classify(path).kind in wanted
    except layout.LayoutError:
        return False


def _stem(path: str) -> str:
    return path.rsplit("/", 1)[-1][:-5]


def _closest(stem: str, paths: list[str]) -> list[str]:
    """Paths whose id (or, for a path-like name, whole path) is close to ``stem``."""
    if "/" in stem:
        by = {p[:-5]: p for p in paths}
    else:
        by = {}
        for p in paths:
            by.setdefault(_stem(p), p)
    return sorted(by[k] for k in difflib.get_close_matches(stem, list(by), n=3, cutoff=0.5))


def _listed(paths: list[str]) -> str:
    shown = ", ".join(paths[:_SHOWN])
    more = len(paths) - _SHOWN
    return shown + (_(" and {n} more").format(n=more) if more > 0 else "")


def _what(wanted: frozenset[str] | None) -> str:
    """The kind of record asked for, as said (record, member, org...)."""
    kind = next(iter(wanted)) if wanted is not None and len(wanted) == 1 else "record"
    return {
        "record": _("record"),
        layout.ORG: _("org"),
        layout.MEMBER: _("member"),
        layout.MEETING: _("meeting"),
        layout.NOTICE: _("notice"),
        layout.FUND: _("fund"),
        layout.LETTER: _("letter"),
        layout.REPORT: _("report"),
        layout.ASSESSMENT: _("assessment"),
    }.get(kind, kind)
