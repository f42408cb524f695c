"""How periods, rules, clauses and findings read in words, in Chinese and English.

One set of wordings for everything a person reads: documents use it now, and
the CLI can use the same functions for Chinese terminal output. Pure functions
over labels and duck-typed obligations and rules; no heavy imports, so any
layer can call them.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from .periods import parse_period

#: the county programme the ``§n`` clauses number, as a document cites it
PROGRAMME = {"zh": "《实施意见》", "en": "the county programme"}
#: what ``std`` stands for: the standing national rules
STANDING = {"zh": "《党章》及党内有关规定", "en": "the Party Constitution and standing Party rules"}

_DIGITS = "零一二三四五六七八九"
_QUARTERS_ZH = ("第一季度", "第二季度", "第三季度", "第四季度")
_QUARTERS_EN = ("first", "second", "third", "fourth")
_MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def chinese_number(n: int) -> str:
    """1..99 in Chinese numerals as clause numbers are written (七, 十二, 二十)."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else _DIGITS[tens]
    return f"{head}十{_DIGITS[ones] if ones else ''}"


def format_date(day: date, lang: str) -> str:
    """A day as a document writes it: 2026年3月5日 (GB/T 9704: no leading zeros) / 5 March 2026."""
    if lang == "zh":
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"


def period_words(label: str, lang: str) -> str:
    """``2026-06`` -> 2026年6月 / June 2026; ``2026-Q1`` -> 2026年第一季度 /
    first quarter of 2026; ``2026-H1`` -> 2026年上半年 / first half of 2026;
    ``2026`` -> 2026年 / 2026. Text that is not a period label is returned as is."""
    try:
        period = parse_period(str(label))
    except ValueError:
        return str(label)
    year, month = period.start.year, period.start.month
    zh = lang == "zh"
    if period.kind == "month":
        return f"{year}年{month}月" if zh else f"{_MONTHS_EN[month - 1]} {year}"
    if period.kind == "quarter":
        q = (month - 1) // 3
        return f"{year}年{_QUARTERS_ZH[q]}" if zh else f"{_QUARTERS_EN[q]} quarter of {year}"
    if period.kind == "half":
        first = month == 1
        if zh:
            return f"{year}年{'上' if first else '下'}半年"
        return f"{'first' if first else 'second'} half of {year}"
    return f"{year}年" if zh else str(year)


def month_span(first: date, last: date, lang: str) -> str:
    """Months ``first``..``last``: 2026年1月至6月, 2025年11月至2026年2月, 2026年3月."""
    zh = lang == "zh"
    if (first.year, first.month) == (last.year, last.month):
        return (
            f"{first.year}年{first.month}月"
            if zh
            else f"{_MONTHS_EN[first.month - 1]} {first.year}"
        )
    if zh:
        tail = f"{last.month}月" if first.year == last.year else f"{last.year}年{last.month}月"
        return f"{first.year}年{first.month}月至{tail}"
    head = _MONTHS_EN[first.month - 1] + ("" if first.year == last.year else f" {first.year}")
    return f"{head} to {_MONTHS_EN[last.month - 1]} {last.year}"


def rule_name(rule: Any, rule_id: str, lang: str) -> str:
    """A rule's title in ``lang`` (固定主题党日); the id only for a rule no longer known."""
    if rule is None:
        return rule_id
    return rule.text("title", lang)


_CLAUSE = re.compile(r"§\s*(\d+)")
#: a national document cited by its title: ``《…》(2014) art. 7``
_BOOK = re.compile(r"(《[^》]+》)\s*(?:\((\d{4})\))?\s*(?:art\.?\s*(\d+))?\s*(.*)")
#: the national documents the built-in rules cite, in English
BOOKS_EN = {
    "《中国共产党发展党员工作细则》": "the Work Rules on Recruiting Party Members",
    "《关于中国共产党党费收缴、使用和管理的规定》": "the Rules on Party Dues",
}


def basis(clause: str | None, lang: str) -> str:
    """A rule's ``clause`` cited in words, each part as a person cites it:
    ``std, §7`` -> 《党章》及党内有关规定，《实施意见》第七条;
    ``《中国共产党发展党员工作细则》(2014) art. 7`` -> 《中国共产党发展党员工作细则》第七条;
    a part in plain words (``流动党员管理``) as it is, after the document it
    follows. Empty when there is no clause."""
    if not clause:
        return ""
    zh = lang == "zh"
    cited: list[str] = []
    numbers: list[int] = []

    def cite(text: str) -> None:
        if text and text not in cited:
            cited.append(text)

    for part in (p.strip() for p in re.split(r"[,;，；]", str(clause))):
        if not part:
            continue
        found = _CLAUSE.findall(part)
        if found:
            numbers.extend(int(n) for n in found)
            if "党章" in part:
                cite(STANDING["zh" if zh else "en"])
        elif part.lower() == "std" or part.startswith("党章"):
            cite(STANDING["zh" if zh else "en"])
        elif book := _BOOK.fullmatch(part):
            title, year, article, rest = book.groups()
            if zh:
                text = title + (f"第{chinese_number(int(article))}条" if article else "")
            else:
                text = BOOKS_EN.get(title, title) + (f" ({year})" if year else "")
                text += f", article {article}" if article else ""
            cite(text + (f"（{rest}）" if zh and rest else f" ({rest})" if rest else ""))
        elif cited and zh and cited[-1].endswith("》"):
            cited[-1] += f"（{part}）"  # a section of the document just cited
        else:
            cite(part)
    if numbers:
        if zh:
            programme = PROGRAMME["zh"] + "、".join(f"第{chinese_number(n)}条" for n in numbers)
        else:
            word = "clause" if len(numbers) == 1 else "clauses"
            listed = ", ".join(str(n) for n in numbers)
            programme = f"{PROGRAMME['en']}, {word} {listed}"
        # the standing rules first, then the programme, then the rest, as before
        at = 1 if cited and cited[0] == STANDING["zh" if zh else "en"] else 0
        cited.insert(at, programme)
    return ("，" if zh else "; ").join(cited)


#: how a missed meeting reads, by rule id: (Chinese verb phrase, English noun phrase)
_ACTIVITY_ZH = {
    "theme-day": "开展固定主题党日活动",
    "party-lesson": "上党课",
    "contact-point-lesson": "讲联系点党课",
    "democratic-appraisal": "开展民主评议党员",
    "supervision": "开展基层党建督导检查",
    "committee-study": "专题研究基层党建工作",
    "decision-hearing": "举行重大事项决策听证",
}


def _activity_zh(rule_id: str, title: str) -> str:
    return _ACTIVITY_ZH.get(rule_id) or f"召开{title}"


def _month_of(index: int) -> date:
    year, month = divmod(index, 12)
    return date(year, month + 1, 1)


def finding_sentence(ob: Any, rule: Any, lang: str) -> str:
    """One finding as a person writes it, without a trailing full stop:
    ``王天佑同志2026年1月至6月连续6个月未交纳党费``,
    ``2025年11月未开展固定主题党日活动``.

    ``ob`` is an obligation (subject, subject_name, org, rule, period, required,
    found, deadline); ``rule`` its rule, or None for a rule no longer known.
    """
    zh = lang == "zh"
    rule_id = ob.rule
    title = rule_name(rule, rule_id, lang)
    kind = getattr(rule, "type", "")
    when = period_words(ob.period, lang)
    person = ob.subject != ob.org
    who = (f"{ob.subject_name}同志" if zh else f"{ob.subject_name} ") if person else ""
    deadline = ob.deadline
    if kind == "dues":
        last = parse_period(ob.period).start
        months = getattr(rule, "overdue_months", 0) or 0
        if deadline is not None and months:
            first = _month_of(deadline.year * 12 + deadline.month - months)
            count = (last.year - first.year) * 12 + last.month - first.month + 1
        else:
            first, count = last, max(ob.required - ob.found, 1)
        span = month_span(first, last, lang)
        if zh:
            return f"{who}{span}连续{count}个月未交纳党费"
        return f"{who}paid no dues for {count} months running ({span})".strip()
    if kind == "meetings":
        if zh:
            if ob.found:
                return (
                    f"{when}{_activity_zh(rule_id, title)}{ob.found}次，少于规定的{ob.required}次"
                )
            if ob.required > 1:
                return f"{when}未{_activity_zh(rule_id, title)}（规定{ob.required}次）"
            return f"{when}未{_activity_zh(rule_id, title)}"
        if ob.found:
            return f"{title} held {ob.found} times in {when}, fewer than the {ob.required} required"
        return f"No {title.lower()} held in {when}"
    due = ""
    if deadline is not None:
        due = (
            f"（期限{format_date(deadline, lang)}）"
            if zh
            else f" (due {format_date(deadline, lang)})"
        )
    if kind == "study-hours":
        if zh:
            return f"{who}{when}学习培训{ob.found}学时，少于规定的{ob.required}学时"
        return f"{who}studied {ob.found} hours in {when}, fewer than the {ob.required} required"
    if kind == "secretary-training":
        return (
            f"{who}{when}未参加书记培训"
            if zh
            else f"{who}took no training for secretaries in {when}"
        )
    if kind == "secretary-lesson":
        return (
            f"{who}{when}未为本支部党员讲党课" if zh else f"{who}lectured no party lesson in {when}"
        )
    if kind == "probation":
        if zh:
            return f"{who}预备期满未按期讨论转正{due}"
        return f"{who}was not considered for full membership when probation ended{due}".strip()
    if kind == "election":
        return f"未按期换届{due}" if zh else f"Committee election not held on time{due}"
    if kind == "notice":
        number = getattr(ob, "notice", None) or ""
        if zh:
            return f"未按期完成{number}通知要求的整改{due}" if number else f"未按期完成整改{due}"
        cited = f" required by notice {number}" if number else ""
        return f"Rectification{cited} not completed{due}"
    if zh:
        prefix = f"{who}{when}" if kind in ("report", "letter", "assessment") else who
        return f"{prefix}{title}未按期完成{due}"
    return f"{who}{title} for {when} not done{due}".strip()
