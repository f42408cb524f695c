"""Running a whole check on two cores: half of the checks in a forked copy.

After a cold load of a county the checks take a second and a half on one core,
while the other core has nothing to do. A forked copy of this process shares the
loaded records (nothing is pickled but the problems it finds), and the two take
checks from one queue until it is empty, so that neither waits long for the
other whatever the checks cost. The copy hands back each check's problems by
index; the caller puts them in the registry's order, so the result is the same,
problem for problem, as one process gives.

Nothing is left behind: the copy leaves by ``os._exit`` once it has written its
answer, a copy that died (or whose answer does not read) has its checks run here
again, and a copy whose parent is gone dies on its pipe.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import sys
import threading

from ..problems import Problem
from . import Check, Context, cores, run_one


def run_split(ctx: Context, checks: list[Check]) -> list[list[Problem]] | None:
    """Each check's problems in order, found by this process and a forked copy; None
    where no copy can be made (no fork, one core, other threads running: a fork
    copies only this thread, and a lock another one holds would stay locked)."""
    if not hasattr(os, "fork") or cores() < 2 or threading.active_count() != 1:
        return None
    ctx.records.meetings_of("")  # the shared index, built once rather than twice
    queue_r, queue_w = os.pipe()
    answer_r, answer_w = os.pipe()
    # one byte per check: each process reads the next index from the same pipe;
    # the heavy ones first (the longest first share out best), the rest in order
    order = sorted(range(len(checks)), key=lambda i: not checks[i].heavy)
    os.write(queue_w, bytes(order))
    os.close(queue_w)
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        pid = os.fork()
    except OSError:
        for fd in (queue_r, answer_r, answer_w):
            os.close(fd)
        return None
    if pid == 0:  # the copy: never returns
        _copy(ctx, checks, queue_r, answer_r, answer_w)
    os.close(answer_w)
    found: dict[int, list[Problem]] = {}
    try:
        found.update(_take(ctx, checks, queue_r))
    finally:
        os.close(queue_r)
        theirs = _answer(answer_r)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)
    found.update(theirs)
    for i, chk in enumerate(checks):
        if i not in found:  # the copy did not answer for it: run it here
            found[i] = run_one(ctx, chk)
    return [found[i] for i in range(len(checks))]


def _take(ctx: Context, checks: list[Check], queue: int) -> dict[int, list[Problem]]:
    out: dict[int, list[Problem]] = {}
    while index := os.read(queue, 1):
        i = index[0]
        out[i] = run_one(ctx, checks[i])
    return out


def _copy(ctx: Context, checks: list[Check], queue: int, answer_r: int, answer_w: int) -> None:
    code = 0
    try:
        os.close(answer_r)
        out = _take(ctx, checks, queue)
        with os.fdopen(answer_w, "wb") as handle:
            handle.write(pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL))
    except BaseException:  # the parent runs what this did not answer for
        code = 1
    finally:
        os._exit(code)


def _answer(fd: int) -> dict[int, list[Problem]]:
    """The copy's problems by check index ({} if it died or wrote nothing readable)."""
    try:
        with os.fdopen(fd, "rb") as handle:
            data = handle.read()
        out = pickle.loads(data) if data else {}
    except Exception:
        return {}
    return out if isinstance(out, dict) else {}
