"""Writing a site: only pages whose bytes changed, and never into someone else's folder.

A site's folder holds a marker file; a folder that is not empty and has no marker
is refused unless forced (nothing overwritten without --force). Pages that a
previous run wrote and this one did not (an org dissolved, a rule with no
findings left) are removed, but only files this tool could have written.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import Refused
from ..records.write import write_atomic

MARKER = ".dangjian-site"
#: the files (and folders) a site consists of: nothing else is ever removed
OWNED_SUFFIXES = (".html", ".css")
OWNED_FOLDERS = ("", "org", "findings")


def prepare(out: Path, force: bool) -> None:
    """Refuse a non-empty folder that is not a site (unless ``force``); mark it as one."""
    if out.exists() and not out.is_dir():
        raise Refused(f"{out}: not a folder")
    if out.is_dir() and not (out / MARKER).exists() and any(out.iterdir()) and not force:
        raise Refused(f"{out} is not empty and holds no site made by dangjian; use --force")
    out.mkdir(parents=True, exist_ok=True)
    if not (out / MARKER).exists():
        write_atomic(out / MARKER, b"a site made by `dangjian site`; safe to delete\n")


def write_if_changed(out: Path, rel: str, data: bytes) -> bool:
    """Write ``data`` at ``out/rel`` unless the file already holds exactly these bytes."""
    target = out / rel
    try:
        if target.read_bytes() == data:
            return False
    except OSError:
        pass
    write_atomic(target, data)
    return True


def remove_stale(out: Path, written: set[str]) -> list[str]:
    """Remove pages of an earlier run that this run did not make."""
    gone = []
    for folder in OWNED_FOLDERS:
        base = out / folder if folder else out
        if not base.is_dir():
            continue
        for path in base.iterdir():
            if not path.is_file() or path.is_symlink() or path.suffix not in OWNED_SUFFIXES:
                continue
            rel = path.relative_to(out).as_posix()
            if rel not in written:
                path.unlink()
                gone.append(rel)
    return gone
