"""The ids a record names in its text: which other records it depends on.

Incremental checks (``gitops.snapshot``) must find, without reading the whole
repository, every record that names a changed member or org: a meeting a
changed member attended, an assessment naming a secretary. They keep an index
built from this function, so it must list every field that holds an org or
member id (or a ``<org>/<meeting>`` reference); a test compares it with the
quoted ids found in each file's text. Ids that a record takes from its path
(a meeting's org folder) are not text, and found by path instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from . import model as m


def _org(o: m.Org) -> Iterable[str | None]:
    yield o.parent
    yield o.secretary
    for ch in o.secretary_changes:
        yield from (ch.from_, ch.to, ch.decided_at, ch.approved_by)
    if o.committee:
        yield from o.committee.members
    for pair in o.pairing:
        yield pair.org
    for cp in o.contact_points:
        yield from (cp.cadre, cp.org)
    for group in o.groups:
        yield group.leader
        yield from group.members


def _member(mb: m.Member) -> Iterable[str | None]:
    yield mb.org
    for t in mb.transfers:
        yield from (t.from_, t.to)
    for ex in mb.quorum_exempt:
        yield ex.approved_by
    for base in mb.dues_base:
        yield base.approved_by


def _meeting(mt: m.Meeting) -> Iterable[str | None]:
    yield from (mt.chair, mt.recorder, mt.lecturer)
    yield from mt.attendees
    for ab in mt.absent:
        yield ab.member
    for grade in mt.grades:
        yield grade.member


def _ledger(ledger: m.FundLedger) -> Iterable[str | None]:
    for e in ledger.entry:
        yield e.approved_by


def _letter(letter: m.Letter) -> Iterable[str | None]:
    yield from (letter.parent, letter.org)
    yield from letter.signatories


def _report(report: m.Report) -> Iterable[str | None]:
    yield from (report.org, report.to)


def _notice(notice: m.Notice) -> Iterable[str | None]:
    yield from (notice.issuer, notice.target)
    for item in notice.items:
        yield from (item.subject, item.org)


def _assessment(a: m.Assessment) -> Iterable[str | None]:
    yield from (a.org, a.secretary)


def _weak(w: m.Weak) -> Iterable[str | None]:
    yield w.responsible  # the org itself is the file name


def _training(t: m.Training) -> Iterable[str | None]:
    yield t.organiser
    for p in t.participants:
        yield p.member


_NAMES: dict[type, Callable[[Any], Iterable[str | None]]] = {
    m.Org: _org,
    m.Member: _member,
    m.Meeting: _meeting,
    m.FundLedger: _ledger,
    m.Letter: _letter,
    m.Report: _report,
    m.Notice: _notice,
    m.Assessment: _assessment,
    m.Weak: _weak,
    m.Training: _training,
}


def named_ids(record: m.Record) -> set[str]:
    """Every id (org, member or meeting reference) the record's fields name."""
    names = _NAMES.get(type(record))
    if names is None:
        return set()
    return {n for n in names(record) if n}
