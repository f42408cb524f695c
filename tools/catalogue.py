"""Keep the message catalogue and the generated reference pages up to date.

Run from the project folder (Babel is in the test extras):

    .venv/bin/python tools/catalogue.py

1. extracts every ``_()`` / ``ngettext()`` / ``say()`` message from dangjian_cli with Babel;
2. updates dangjian_cli/locale/zh/LC_MESSAGES/dangjian.po: new messages are added
   with an empty translation (fill them in, then run this again), translations of
   messages that are gone are dropped;
3. compiles dangjian.mo from the .po;
4. writes docs/rules.md and docs/codes.md from the rule and code data.

tests/test_i18n.py fails on a message without a Chinese translation or a .mo
older than its .po; tests/test_reference_docs.py on a stale docs page.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "dangjian_cli"
PO = PACKAGE / "locale" / "zh" / "LC_MESSAGES" / "dangjian.po"
MO = PO.with_suffix(".mo")
#: say() marks a message said later (a validation problem's template)
KEYWORDS = {"_": None, "ngettext": (1, 2), "say": None}


def extract() -> dict[object, list[str]]:
    """msgid (a str, or a (singular, plural) tuple) -> where it occurs."""
    from babel.messages.extract import extract_from_dir

    found: dict[object, list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(PACKAGE), method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        found.setdefault(message, []).append(f"dangjian_cli/{filename}:{lineno}")
    return found


def read_po() -> object:
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po as babel_read_po

    if not PO.exists():
        return Catalog(locale="zh", domain="dangjian", project="dangjian")
    with PO.open("rb") as handle:
        return babel_read_po(handle, locale="zh", domain="dangjian")


def compiled(catalog: object) -> bytes:
    """The .mo bytes of a catalogue (deterministic: sorted, no timestamps)."""
    from babel.messages.mofile import write_mo

    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    return buf.getvalue()


def update() -> None:
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    old = read_po()
    new = Catalog(locale="zh", domain="dangjian", project="dangjian", fuzzy=False)
    if PO.exists():  # the header stays as it was: a run changes only messages
        new.creation_date = old.creation_date
        new.revision_date = old.revision_date
    for message, places in sorted(extract().items(), key=lambda kv: str(kv[0])):
        key = message[0] if isinstance(message, tuple) else message
        before = old.get(key)
        string = (
            before.string if before is not None else ("", "") if isinstance(message, tuple) else ""
        )
        new.add(
            message,
            string,
            locations=[(p.rsplit(":", 1)[0], int(p.rsplit(":", 1)[1])) for p in places],
        )
    PO.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    write_po(buf, new, omit_header=False, sort_output=True, width=100, no_location=True)
    PO.write_bytes(buf.getvalue())
    MO.write_bytes(compiled(read_po()))
    missing = [m.id for m in read_po() if m.id and not _translated(m)]
    for msgid in missing:
        print(f"untranslated: {msgid!r}", file=sys.stderr)


def _translated(message: object) -> bool:
    string = message.string  # type: ignore[attr-defined]
    if isinstance(string, tuple):
        return all(string)
    return bool(string)


def docs() -> None:
    """docs/rules.md and docs/codes.md: the markdown listings, run outside any repository."""
    dangjian = Path(sys.executable).parent / "dangjian"
    env = {"PATH": "/usr/bin:/bin", "DANGJIAN_LANG": "en", "HOME": str(ROOT)}
    for page, args in (("rules.md", ["rules"]), ("codes.md", ["explain"])):
        out = subprocess.run(
            [str(dangjian), *args, "--format", "markdown"],
            cwd="/",
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        (ROOT / "docs" / page).write_text(out, encoding="utf-8")


if __name__ == "__main__":
    update()
    if "--no-docs" not in sys.argv:
        docs()
