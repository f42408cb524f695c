"""How values read in a document: dates, money, periods, and the names of vocabulary.

Templates get values already in the document's language (a clerk edits
sentences, not date formats); the Chinese forms follow GB/T 9704: Arabic numerals
without leading zeros (2026年3月5日).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from ..rules.wording import (
    basis,
    chinese_number,
    finding_sentence,
    format_date,
    month_span,
    period_words,
    rule_name,
)

__all__ = [
    "basis",
    "chinese_number",
    "finding_sentence",
    "format_date",
    "money",
    "month_span",
    "period_label",
    "period_words",
    "rule_name",
    "word",
]

CENT = Decimal("0.01")


def money(amount: Decimal | int | None) -> str:
    """Exact to the cent, thousands separated: ``12,345.60``."""
    value = Decimal(amount or 0).quantize(CENT, rounding=ROUND_HALF_UP)
    return f"{value:,.2f}"


def period_label(label: str, lang: str) -> str:
    """A period label in words (2026年上半年 / first half of 2026); see :mod:`..rules.wording`."""
    return period_words(label, lang)


VOCAB: dict[str, dict[str, tuple[str, str]]] = {
    "meeting": {
        "branch_assembly": ("Branch assembly", "支部党员大会"),
        "branch_committee": ("Branch committee meeting", "支部委员会会议"),
        "party_group": ("Party group meeting", "党小组会"),
        "party_lesson": ("Party lesson", "党课"),
        "theme_day": ("Theme party day", "主题党日"),
        "org_life": ("Organisational life meeting", "组织生活会"),
        "democratic_appraisal": ("Democratic appraisal", "民主评议党员"),
        "heart_to_heart": ("Heart-to-heart talk", "谈心谈话"),
        "committee_study": ("Committee study of grass-roots work", "专题研究基层党建"),
        "supervision": ("Supervision", "督查指导"),
        "leading_group_regular": ("Leading group regular meeting", "领导小组例会"),
        "joint_meeting": ("Joint meeting", "联席会议"),
        "party_congress_annual": ("Annual party congress session", "党代会年会"),
        "decision_hearing": ("Decision hearing", "决策听证"),
        "debriefing": ("Debriefing", "述职评议"),
        "volunteer_service": ("Volunteer service", "志愿服务"),
        "committee_meeting": ("Committee meeting", "党委会议"),
    },
    "status": {
        "applicant": ("Applicant", "入党申请人"),
        "activist": ("Activist", "入党积极分子"),
        "candidate": ("Candidate", "发展对象"),
        "probationary": ("Probationary member", "预备党员"),
        "full": ("Full member", "正式党员"),
        "transferred_out": ("Transferred out", "已转出"),
        "withdrawn": ("Withdrawn", "已出党"),
        "expelled": ("Expelled", "已开除"),
        "deceased": ("Deceased", "已去世"),
    },
    "source": {
        "fiscal": ("Fiscal allocation", "财政拨款"),
        "dues_retained": ("Retained dues", "留存党费"),
        "other": ("Other", "其他"),
    },
    "category": {
        "education": ("Education", "教育"),
        "training": ("Training", "培训"),
        "activity": ("Activities", "活动"),
        "service": ("Services", "服务"),
        "relief": ("Relief", "帮扶慰问"),
        "facility": ("Facilities", "阵地建设"),
        "subsidy": ("Subsidies", "补贴"),
        "other": ("Other", "其他"),
    },
    "finding": {
        "met": ("met", "已完成"),
        "due": ("due", "待完成"),
        "overdue": ("overdue", "逾期未完成"),
        "upcoming": ("upcoming", "未到期"),
    },
    "notice": {
        "praise": ("praise", "表扬"),
        "criticism": ("criticism", "通报批评"),
        "admonition": ("admonition", "诫勉"),
        "rectification": ("rectification", "限期整改"),
    },
}


def word(group: str, key: str | None, lang: str) -> str:
    """The display name of a vocabulary value; the value itself when none is known."""
    if not key:
        return ""
    names = VOCAB.get(group, {}).get(key)
    if names is None:
        return key
    return names[1] if lang == "zh" else names[0]
