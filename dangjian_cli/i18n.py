"""The language of what dangjian prints: message catalogues, status and period names.

Messages are marked in the code with ``_()`` / ``ngettext()`` and translated from
gettext catalogues in ``dangjian_cli/locale/<lang>/LC_MESSAGES/dangjian.mo``
(the ``.po`` beside it is the source; ``tools/catalogue.py`` extracts and compiles
them with Babel, and tests/test_i18n.py fails on a message without a Chinese
translation or a stale ``.mo``). English is the source language, so an English
run never opens a catalogue, and no run opens one before it prints: ``--help``
stays instant.

The language is, first to last: ``--lang``, ``DANGJIAN_LANG``, the ``language`` of
the repository's dangjian.toml, English.

Period and status names live here too (2026年第一季度, 逾期): the listings need
them, and the documents' wording module (documents/words.py) sits above the
rules, where the listings' lower layers cannot reach.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

LANGUAGES = ("en", "zh")
DOMAIN = "dangjian"
LOCALE_DIR = Path(__file__).parent / "locale"
ENV = "DANGJIAN_LANG"

_state: dict[str, Any] = {"lang": "en", "forced": None, "catalogues": {}}


def set_language(lang: str | None, *, forced: bool = False) -> None:
    """Use ``lang`` from now on. ``forced`` (``--lang``) wins over any later unforced call,
    so a repository's ``language`` never overrides what the user asked for."""
    if lang not in LANGUAGES:
        return
    if forced:
        _state["forced"] = lang
    if _state["forced"] is None or forced:
        _state["lang"] = lang


def override() -> str | None:
    """The language the user asked for (``--lang`` or ``DANGJIAN_LANG``), if any."""
    if _state["forced"]:
        return _state["forced"]
    env = os.environ.get(ENV, "").strip().lower()
    return env if env in LANGUAGES else None


def use_repository(lang: str | None) -> str:
    """The repository's ``language``, unless the user chose one; returns the one in use."""
    chosen = override() or (lang if lang in LANGUAGES else None)
    if chosen:
        _state["lang"] = chosen
    return _state["lang"]


def language() -> str:
    """The language in use now."""
    return override() or _state["lang"]


def reset() -> None:
    """Back to English with no override (tests run many commands in one process)."""
    _state["lang"] = "en"
    _state["forced"] = None


def _catalogue(lang: str) -> Any:
    found = _state["catalogues"].get(lang)
    if found is None:
        import gettext  # only when a non-English message is first needed

        found = gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True)
        _state["catalogues"][lang] = found
    return found


def _(message: str) -> str:
    """``message`` in the language in use (English is the message itself)."""
    lang = language()
    if lang == "en":
        return message
    return _catalogue(lang).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n``, in the language in use."""
    lang = language()
    if lang == "en":
        return singular if n == 1 else plural
    return _catalogue(lang).ngettext(singular, plural, n)


def pick(texts: dict[str, str] | None, fallback: str = "") -> str:
    """The entry of a ``{en, zh}`` table (rule titles, code texts) in the language in use."""
    texts = texts or {}
    return texts.get(language()) or texts.get("en") or fallback


# ---- names of stable ids -------------------------------------------------------------


def status_name(status: str) -> str:
    """A finding's status as a clerk says it: overdue -> 逾期."""
    names = {
        "overdue": _("overdue"),
        "due": _("due"),
        "met": _("met"),
        "upcoming": _("upcoming"),
    }
    return names.get(status, status)


_QUARTERS_ZH = ("一", "二", "三", "四")


def period_name(label: str | None) -> str:
    """A period label as read: ``2026-Q1`` -> 2026年第一季度 / Q1 2026 stays ``2026-Q1``.

    English keeps the label a clerk types (``2026-Q1``, ``2026-H1``); Chinese spells it
    out: 2026年3月, 2026年第一季度, 2026年上半年, 2026年. Anything else is returned as is.
    """
    if not label or language() != "zh":
        return label or ""
    year, _sep, part = label.partition("-")
    if not year.isdigit():
        return label
    if not part:
        return f"{year}年"
    upper = part.upper()
    if upper[:1] == "Q" and upper[1:] in ("1", "2", "3", "4"):
        return f"{year}年第{_QUARTERS_ZH[int(upper[1:]) - 1]}季度"
    if upper in ("H1", "H2"):
        return f"{year}年{'上' if upper == 'H1' else '下'}半年"
    if part.isdigit() and 1 <= int(part) <= 12:
        return f"{year}年{int(part)}月"
    return label


def date_name(day: Any) -> str:
    """A date as read: 2026年6月30日 in Chinese, ISO (2026-06-30) in English."""
    if day is None or day == "":
        return ""
    text = day if isinstance(day, str) else day.isoformat()
    if language() != "zh":
        return text
    try:
        y, mo, d = (int(x) for x in text.split("-"))
    except ValueError:
        return text
    return f"{y}年{mo}月{d}日"


def kind_name(kind: str) -> str:
    """An org kind, member status or notice kind as a clerk names it (村党支部)."""
    names = {
        "county_committee": _("county committee"),
        "township_committee": _("township committee"),
        "street_committee": _("street committee"),
        "leading_group": _("leading group"),
        "general_branch": _("general branch"),
        "village_branch": _("village branch"),
        "community_branch": _("community branch"),
        "organ_branch": _("organ branch"),
        "enterprise_branch": _("enterprise branch"),
        "institution_branch": _("institution branch"),
        "social_org_branch": _("social organisation branch"),
        "branch": _("branch"),
        "probationary": _("probationary member"),
        "full": _("full member"),
        "rectification": _("rectification notice"),
        "criticism": _("criticism notice"),
    }
    return names.get(kind, kind)
