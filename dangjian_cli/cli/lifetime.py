"""What the console command keeps until its process ends, and how it ends.

A cold run of a county loads millions of small objects; freeing them one by one
when the command is done (its records dropped as the function that loaded them
returns, or at the interpreter's shutdown) takes 0.2 s of every such run, for
memory the operating system takes back with the process anyway. So the console
entry point (``main.main``) keeps the loaded records here, and leaves by
``os._exit`` once its output is flushed and the exit handlers have run. Anywhere
else (tests running many commands in one process, the library) nothing is kept.
"""

from __future__ import annotations

import atexit
import os
import sys
import threading
from typing import Any

#: the objects kept (None: not in the console command, nothing is kept)
KEPT: list[Any] | None = None


def keep(value: Any) -> None:
    """Keep ``value`` until the process ends (in the console command only)."""
    if KEPT is not None:
        KEPT.append(value)


def leave(code: Any) -> None:
    """End the process with exit status ``code`` (as ``sys.exit`` says it): when
    records were kept, without freeing them object by object."""
    run_handlers = getattr(atexit, "_run_exitfuncs", None)
    if (
        not KEPT
        or not (code is None or type(code) is int)
        or run_handlers is None
        or threading.active_count() != 1
    ):
        sys.exit(code)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # said the ordinary way (a closed pipe...)
        sys.exit(code)
    run_handlers()
    os._exit(code or 0)
