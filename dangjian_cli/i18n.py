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
from dataclasses import dataclass
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


# ---- messages said later ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Message:
    """A message kept as its English template and values, and said when shown.

    Validation problems are found once and then kept (the records cache, git
    snapshots) and compared by their English text; the language is the reader's,
    chosen when they are printed. So a problem keeps its template (``say``), and
    :meth:`text` translates it at the time it is shown. A value may itself be a
    :class:`Message` (a word the sentence needs, such as "an election").
    """

    template: str
    args: tuple[tuple[str, Any], ...] = ()

    def english(self) -> str:
        """The message in English: stable, what JSON's ``message`` and caches hold."""
        return self.template.format(**{k: _value(v, True) for k, v in self.args})

    def text(self) -> str:
        """The message in the language in use."""
        if language() == "en":
            return self.english()
        values = {k: _value(v, False) for k, v in self.args}
        try:
            return _(self.template).format(**values)
        except (KeyError, IndexError, ValueError):  # a broken translation: say it in English
            return self.template.format(**values)

    def __str__(self) -> str:
        return self.text()


@dataclass(frozen=True, slots=True)
class Word:
    """An id of the vocabulary (an org kind, a member status, a meeting kind) in a
    message: English says the id as the record spells it, Chinese its name
    (:func:`kind_name`)."""

    id: str

    def text(self) -> str:
        return self.id if language() == "en" else kind_name(self.id)


def _value(value: Any, english: bool) -> Any:
    if isinstance(value, Message):
        return value.english() if english else value.text()
    if isinstance(value, Word):
        return value.id if english else value.text()
    return value


def say(template: str, /, **args: Any) -> Message:
    """A message to say later in the reader's language (``tools/catalogue.py`` extracts
    the ``say()`` templates as it does ``_()`` messages)."""
    return Message(template, tuple(args.items()))


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
    """An org kind, member status, meeting kind or notice kind as a clerk names it
    (村党支部, 预备党员, 支部党员大会, 通报批评)."""
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
        "applicant": _("applicant"),
        "activist": _("activist"),
        "candidate": _("candidate"),
        "probationary": _("probationary member"),
        "full": _("full member"),
        "transferred_out": _("transferred out"),
        "withdrawn": _("withdrawn"),
        "expelled": _("expelled"),
        "deceased": _("deceased"),
        "praise": _("praise notice"),
        "criticism": _("criticism notice"),
        "admonition": _("admonition notice"),
        "rectification": _("rectification notice"),
        "branch_assembly": _("branch assembly"),
        "branch_committee": _("branch committee meeting"),
        "party_group": _("party group meeting"),
        "party_lesson": _("party lesson"),
        "theme_day": _("theme party day"),
        "org_life": _("organisational life meeting"),
        "democratic_appraisal": _("democratic appraisal"),
        "heart_to_heart": _("heart-to-heart talk"),
        "committee_study": _("committee study of grass-roots work"),
        "supervision": _("supervision visit"),
        "leading_group_regular": _("leading group regular meeting"),
        "joint_meeting": _("joint meeting"),
        "party_congress_annual": _("annual party congress session"),
        "decision_hearing": _("decision hearing"),
        "debriefing": _("debriefing"),
        "volunteer_service": _("volunteer service"),
        "committee_meeting": _("committee meeting"),
        "salary": _("salary earner"),
        "retiree": _("retiree"),
        "farmer": _("farmer"),
        "student": _("student"),
        "unemployed": _("unemployed"),
        "low_income": _("on a low income"),
        "other": _("other"),
    }
    return names.get(kind, kind)
