"""Validation: a registry of small named checks over loaded records.

Each check is a function of a :class:`Context` that yields problems, registered
with the stable codes it may report. Adding a check is adding one function (in
the module of its family) and its test; :func:`validate` runs them all.

A check that judges on the day of the check (a secretary's term runs to today, a
dissolved branch stops counting) is registered ``dated``: only dated checks may
read :attr:`Context.today`, so a whole check kept from an earlier day
(``gitops.snapshot``, ``records.cache``) is made today's by running the dated
checks again, not all of them.

Each check says which kinds of record it reads (``reads``), and which it judges
one record at a time (``each``): a whole check after a change is then the one
before it with only what the change touched judged again (:mod:`.reuse`, for a
review of a change spread over a county).
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..problems import Problem
from ..records.repository import Records

#: modules that register checks, imported once by :func:`validate`
FAMILIES = (
    "references",
    "members",
    "meetings",
    "orgs",
    "leaders",
    "funds",
    "documents",
    "settings",
    "dangjian_cli.rules.settings_check",
    "dangjian_cli.rules.member_checks",
)


class DateUnknown(AttributeError):
    """A check not registered ``dated`` read the day of the check."""


@dataclass
class Context:
    records: Records
    _today: date
    #: lookups that several checks use, built by the first that needs them
    shared: dict[str, Any] = field(default_factory=dict)
    #: whether the check running now is dated (may read :attr:`today`)
    dated: bool = True

    @property
    def today(self) -> date:
        """The day of the check, for dated checks only: one that read it without
        being registered ``dated`` would be left stale by a new day."""
        if not self.dated:
            raise DateUnknown("a check that reads the day must be registered dated")
        return self._today


@dataclass(frozen=True)
class Check:
    name: str
    codes: tuple[str, ...]
    run: Callable[[Context], Iterable[Problem]]
    #: judges on the day of the check (reads ``Context.today``)
    dated: bool = False
    #: walks every dues row or every meeting of a county: run first when two
    #: processes share the checks (``split``), so that neither ends long after
    #: the other with a big one
    heavy: bool = False
    #: the kinds of record it reads: top folders (``members``, ``meetings``), and
    #: ``settings`` and ``dues`` (a member's dues rows, apart from the rest of the
    #: member); None: anything. A change to none of them leaves its problems as
    #: they were (:mod:`.reuse`)
    reads: frozenset[str] | None = None
    #: a kind whose records it judges one by one: its problems are on files of that
    #: kind, each found from that record and the other kinds it reads, so that a
    #: change to a few of them is judged on those few (:mod:`.reuse`)
    each: str | None = None

    @property
    def doc(self) -> str:
        return (self.run.__doc__ or "").strip().splitlines()[0] if self.run.__doc__ else ""


REGISTRY: list[Check] = []


def check(
    *codes: str,
    dated: bool = False,
    heavy: bool = False,
    reads: Iterable[str] | None = None,
    each: str | None = None,
) -> Callable[[Callable[[Context], Iterable[Problem]]], Callable]:
    """Register a check function under the codes it reports (``dated``: it judges
    on the day of the check; ``heavy``: it walks every dues row or meeting;
    ``reads``: the kinds of record it reads; ``each``: the kind it judges record
    by record; see :class:`Check`)."""
    kinds = frozenset(reads) if reads is not None else None

    def register(func: Callable[[Context], Iterable[Problem]]) -> Callable:
        REGISTRY.append(Check(func.__name__, codes, func, dated, heavy, kinds, each))
        return func

    return register


def _load_families() -> None:
    for family in FAMILIES:
        # a dotted name is a module of another package (rules/ checks its own settings)
        importlib.import_module(family if "." in family else f"{__name__}.{family}")


def registry() -> list[Check]:
    """Every registered check, its family's module imported."""
    _load_families()
    return REGISTRY


def dated_codes() -> frozenset[str]:
    """The codes dated checks report. No other check, and no load, reports them (a
    test says so), so the problems of these codes in a kept whole check are
    exactly what its dated checks found."""
    _load_families()
    return frozenset(code for chk in REGISTRY if chk.dated for code in chk.codes)


#: a whole check of this many files runs its checks in two processes
PARALLEL_FROM = 20_000


def validate(
    records: Records,
    today: date | None = None,
    locate: bool = True,
    dated_only: bool = False,
) -> list[Problem]:
    """Every problem of the repository: load problems, then each check's, sorted.

    ``locate=False`` leaves lines unknown (None) where no check gave one: finding
    them reads the file again, which a caller comparing two sides (``review``)
    need do only for the few problems it shows. ``dated_only`` runs the dated
    checks alone (their problems, without the load problems): what a new day
    changes in a whole check kept from an earlier day.
    """
    return _validate(records, today, locate, dated_only, None)[0]


#: what :func:`validate_alongside` gives for a job it did not do
NOT_DONE: Any = object()


def validate_alongside(
    records: Records,
    jobs: Sequence[Callable[[], Any]],
    today: date | None = None,
) -> tuple[list[Problem], list[Any]]:
    """:func:`validate`'s problems, and each of ``jobs`` done beside the checks
    where they are shared out between two processes (``overdue`` of a county: the
    engine's findings while the checks run, not after them), their results in
    order. :data:`NOT_DONE` for a job that was not done, or that raised: the caller
    then does it itself, after deciding on the problems (so that a job's error is
    said where it always was). A job must change nothing, and its result must
    pickle.
    """
    return _validate(records, today, True, False, jobs)


def _validate(
    records: Records,
    today: date | None,
    locate: bool,
    dated_only: bool,
    jobs: Sequence[Callable[[], Any]] | None,
) -> tuple[list[Problem], list[Any]]:
    _load_families()
    ctx = Context(records, today or date.today())
    problems = [] if dated_only else list(records.problems)
    chosen = [chk for chk in REGISTRY if chk.dated or not dated_only]
    jobs = jobs or ()
    parallel = len(records.paths) >= PARALLEL_FROM and len(chosen) + len(jobs) > 1
    beside = [Check("alongside", (), _beside(job), heavy=True) for job in jobs] if parallel else []
    # the jobs first: the largest pieces of work are best shared out first
    found = _run_checks(ctx, [*beside, *chosen], parallel)
    results = [NOT_DONE] * len(jobs)
    for i in range(len(beside)):
        done, value = found[i][0]
        results[i] = value if done else NOT_DONE
    for each in found[len(beside) :]:
        problems.extend(each)
    if locate:
        records.locate(problems)
    problems.sort(key=Problem.sort_key)
    return problems, results


def share(records: Records, jobs: Sequence[Callable[[], Any]]) -> list[Any]:
    """Each job's result, the jobs shared out between two processes where a whole
    check of ``records`` would be (:mod:`.split`); a job that raised there is done
    again here, where its error is raised. A job must change nothing, and its
    result must pickle."""
    ctx = Context(records, date.today())
    done = [(False, None)] * len(jobs)
    if len(records.paths) >= PARALLEL_FROM and len(jobs) > 1:
        queue = [Check("alongside", (), _beside(job), heavy=True) for job in jobs]
        done = [found[0] for found in _run_checks(ctx, queue, True)]
    return [value if ok else job() for job, (ok, value) in zip(jobs, done, strict=True)]


def _beside(job: Callable[[], Any]) -> Callable[[Context], list[tuple[bool, Any]]]:
    """A job as one more check of the queue: its one "problem" says whether it
    was done and what it gave."""

    def run(ctx: Context) -> list[tuple[bool, Any]]:
        try:
            return [(True, job())]
        except Exception:  # done again by the caller, whose error it then is
            return [(False, None)]

    return run


def run_one(ctx: Context, chk: Check) -> list[Problem]:
    """One check's problems (:attr:`Context.today` open to it only if it is dated)."""
    ctx.dated = chk.dated
    try:
        return list(chk.run(ctx))
    finally:
        ctx.dated = True


def _run_checks(ctx: Context, checks: list[Check], parallel: bool) -> list[list[Problem]]:
    """Each check's problems, in the order given: on a large repository with a core
    to spare, half of them in a forked copy of this process (see :mod:`.split`)."""
    if parallel:
        from .split import run_split

        found = run_split(ctx, checks)
        if found is not None:
            return found
    return [run_one(ctx, chk) for chk in checks]


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1
