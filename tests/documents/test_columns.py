"""Table column widths (documents/columns.py): names stay readable, figures stay whole,
a long header wraps rather than widens its column, no header leaves a character alone.

Widths are in points for the Chinese table face (小四, 12 pt, Latin in a CJK face:
0.52 em) in the 156 mm type area of GB/T 9704, or the English one (10 pt, 160 mm).
"""

from __future__ import annotations

import math

import pytest

from dangjian_cli.documents.columns import AMOUNT, PAD, column_widths
from dangjian_cli.documents.layout import EN, ZH

SIZE, AVAIL = ZH.table.size, ZH.text_width_pt
NAMES = [
    "中共青山县委员会",
    "中共青山县城关街道工作委员会",
    "青山县委抓基层党建工作领导小组",
    "河西工业园区物流企业联合党支部",
    "松岭中学党支部",
]


def _chars_per_line(width: float, size: float = SIZE) -> int:
    """CJK characters a cell of ``width`` points holds on a line (its margins taken off)."""
    return math.floor((width - PAD) / size + 1e-6)


def _lines(text: str, width: float) -> list[str]:
    """A CJK text broken greedily at a cell of ``width`` points, an em a character."""
    n = max(1, _chars_per_line(width))
    return [text[i : i + n] for i in range(0, len(text), n)]


def _participation(rows: int = 5) -> list[list[str]]:
    head = [
        "党组织",
        "2025年星级评定人数",
        "平均星级",
        "应学党员",
        "学时达标",
        "人均学时",
        "书记参训",
    ]
    body = [
        [NAMES[i % len(NAMES)], str(i), "4.05", str(10 + i), "1", "30.4", "1/1"]
        for i in range(rows)
    ]
    return [head, *body, ["合计", "70", "4.03", "95", "10", "29.5", "10/10"]]


def test_names_keep_their_line_when_the_figures_have_long_headers():
    """Issue 16's second participation table: the names were one or two characters wide."""
    rows = _participation()
    widths = column_widths(rows, SIZE, AVAIL, 0.52)
    assert sum(widths) == pytest.approx(AVAIL)
    longest = max(len(n) for n in NAMES)
    assert _chars_per_line(widths[0]) >= longest - 1  # all but the very longest on one line
    assert _chars_per_line(widths[0]) >= 7
    # a long header wraps rather than widening a column of small figures
    assert widths[1] < 1.05 * len(rows[0][1]) * SIZE
    for c in range(1, 7):  # every figure column holds its widest figure
        assert widths[c] - PAD >= max(len(r[c]) for r in rows[1:]) * 0.52 * SIZE


def test_crowded_tables_never_squeeze_the_names_below_seven_characters():
    head = [
        "党组织",
        "参加率",
        "线上组织生活",
        "优秀",
        "合格",
        "基本合格",
        "不合格",
        "星级评定人数",
    ]
    rows = [head, *([n, "100.0%", "3", "1", "8", "0", "1", "12"] for n in NAMES)]
    widths = column_widths(rows, SIZE, AVAIL, 0.52)
    assert sum(widths) == pytest.approx(AVAIL)
    assert _chars_per_line(widths[0]) >= 7
    assert widths[1] - PAD >= 6 * 0.52 * SIZE  # 100.0% never wrapped


@pytest.mark.parametrize("header", ["线上组织生活", "书记参训", "下一时限已逾期", "基本合格"])
def test_no_header_leaves_a_character_alone_on_its_line(header):
    rows = [["党组织", "参加率", header], *([n, "93.8%", "12/12"] for n in NAMES)]
    widths = column_widths(rows, SIZE, AVAIL, 0.52)
    lines = _lines(header, widths[2])
    assert len(lines) == 1 or len(lines[-1]) > 1, lines


def test_a_latin_header_word_is_never_broken():
    head = ["Organisation", "Excellent", "Qualified", "Basically qualified", "Unqualified"]
    rows = [head, *(["Fengshan Retired Cadres Party Branch", "1", "8", "0", "0"] for _ in range(4))]
    widths = column_widths(rows, EN.table.size, EN.text_width_pt, 0.64)
    assert sum(widths) == pytest.approx(EN.text_width_pt)
    for c, word in ((1, "Excellent"), (3, "Basically"), (4, "Unqualified")):
        assert widths[c] - PAD >= len(word) * 0.64 * EN.table.size
    assert widths[0] > max(widths[1:])  # the names take what the figures leave


def test_a_table_too_wide_gives_way_in_its_long_text_first():
    """Six columns of words: a person's name keeps its line, no column under four characters."""
    head = ["党组织", "姓名", "阶段", "下一时限事项", "时限", "状态"]
    rows = [
        head,
        *(
            [n, "胡可欣", "入党申请人", "同入党申请人谈话", "2025年10月2日", "逾期未完成"]
            for n in NAMES
        ),
    ]
    widths = column_widths(rows, SIZE, AVAIL, 0.52)
    assert sum(widths) == pytest.approx(AVAIL)
    assert _chars_per_line(widths[1]) >= 3  # 胡可欣
    assert all(_chars_per_line(w) >= 4 for w in widths)


def test_a_table_that_fits_keeps_its_long_text_widest():
    """A notice's findings: the finding column takes the room, the basis stays readable."""
    rows = [
        ["序号", "问题", "依据"],
        ["1", "王天佑同志2026年1月至6月连续6个月未交纳党费。", "《党章》及党内有关规定"],
        ["2", "2025年11月未开展固定主题党日活动。", "《实施意见》第七条"],
    ]
    widths = column_widths(rows, SIZE, AVAIL, 0.52)
    assert sum(widths) == pytest.approx(AVAIL)
    assert widths[1] == max(widths)
    assert _chars_per_line(widths[2]) >= 7
    assert _chars_per_line(widths[0]) < 3


def test_ratios_are_figures():
    assert AMOUNT.match("10/10") and AMOUNT.match("0/1") and AMOUNT.match("93.8%")
    assert not AMOUNT.match("2025年10月2日") and not AMOUNT.match("1/1班")


def test_an_empty_header_or_column_is_measured_too():
    widths = column_widths([["", "次数"], ["", "1"], ["", "12"]], SIZE, AVAIL, 0.52)
    assert sum(widths) == pytest.approx(AVAIL) and all(w > 0 for w in widths)


def test_a_name_too_long_for_its_cell_is_broken_by_sense():
    """A name breaks between its words into lines of about equal length; one that fits,
    and a sentence, are left as they are."""
    from dangjian_cli.documents.builder import _fit_cell

    width = 12 * SIZE + PAD  # twelve characters
    assert (
        _fit_cell("河西工业园区物流企业联合党支部", width, SIZE)
        == "河西工业园区物流\n企业联合党支部"
    )
    assert (
        _fit_cell("中共青山县城关街道工作委员会", width, SIZE) == "中共青山县城关\n街道工作委员会"
    )
    assert _fit_cell("河西镇机关党支部", width, SIZE) == "河西镇机关党支部"
    sentence = "王天佑同志2026年1月至6月连续6个月未交纳党费。"
    assert _fit_cell(sentence, width, SIZE) == sentence
    assert _fit_cell("2026年12月31日", 5 * SIZE + PAD, SIZE) == "2026年12月31日"  # a date
    assert _fit_cell("Fengshan Township Agricultural Service Centre", 60, 10) == (
        "Fengshan Township Agricultural Service Centre"
    )
