"""Page and type constants: GB/T 9704-2012 for Chinese, a plain A4 business layout for English.

These numbers go into the reference .docx (:mod:`.reference`); the builder reads
fonts back from the reference's styles, so a clerk's edited reference wins.
"""

from __future__ import annotations

from dataclasses import dataclass

A4_WIDTH_MM = 210
A4_HEIGHT_MM = 297
PT_PER_MM = 72 / 25.4


@dataclass(frozen=True, slots=True)
class Face:
    """A font for one style: the name Word shows and its size in points."""

    name: str
    size: float
    bold: bool = False
    color: str | None = None  # hex RGB


@dataclass(frozen=True, slots=True)
class Layout:
    lang: str
    margins_mm: tuple[float, float, float, float]  # top, bottom, left, right
    header_mm: float
    footer_mm: float
    title: Face
    body: Face
    heading1: Face
    heading2: Face
    table: Face
    page_number: Face
    letterhead: Face
    #: the 版记 (printing org and date at the foot of the last page)
    imprint: Face
    #: distance from the top of the type area to the issuer's mark (GB/T 9704 §7.2.1)
    letterhead_top_mm: float
    #: exact line pitch of body text in points (None: single spacing)
    line_pitch: float | None
    #: characters per line for the character grid (None: no grid)
    chars_per_line: int | None
    #: first-line indent of body paragraphs, in characters of the body face
    indent_chars: int
    #: page number text around the PAGE field, odd pages right / even left when mirrored
    page_number_format: tuple[str, str]
    mirrored_page_numbers: bool

    @property
    def text_width_pt(self) -> float:
        _, _, left, right = self.margins_mm
        return (A4_WIDTH_MM - left - right) * PT_PER_MM

    @property
    def text_height_pt(self) -> float:
        top, bottom, _, _ = self.margins_mm
        return (A4_HEIGHT_MM - top - bottom) * PT_PER_MM


# GB/T 9704-2012 §5.2.1-5.2.4: 22 lines of 28 characters in a 156 x 225 mm text area.
ZH = Layout(
    lang="zh",
    margins_mm=(37, 35, 28, 26),
    header_mm=15,
    footer_mm=25,  # the page number sits about 7 mm below the last line
    title=Face("方正小标宋简体", 22),  # 2号
    body=Face("仿宋_GB2312", 16),  # 3号
    heading1=Face("黑体", 16),
    heading2=Face("楷体_GB2312", 16),
    table=Face("仿宋_GB2312", 12),  # 小四: tables of figures fit the width
    page_number=Face("宋体", 14),  # 4号
    letterhead=Face("方正小标宋简体", 36, color="E60012"),
    imprint=Face("仿宋_GB2312", 14),  # 4号
    letterhead_top_mm=35,
    line_pitch=28.95,
    chars_per_line=28,
    indent_chars=2,
    page_number_format=("— ", " —"),
    mirrored_page_numbers=True,
)

EN = Layout(
    lang="en",
    margins_mm=(25, 25, 25, 25),
    header_mm=12.5,
    footer_mm=12.5,
    title=Face("Calibri", 18, bold=True),
    body=Face("Calibri", 11),
    heading1=Face("Calibri", 13, bold=True),
    heading2=Face("Calibri", 11, bold=True),
    table=Face("Calibri", 10),
    page_number=Face("Calibri", 9),
    letterhead=Face("Calibri", 20, bold=True, color="C00000"),
    imprint=Face("Calibri", 10),
    letterhead_top_mm=0,
    line_pitch=None,
    chars_per_line=None,
    indent_chars=0,
    page_number_format=("Page ", ""),
    mirrored_page_numbers=False,
)

#: East Asian face for CJK text inside English documents (names of Chinese orgs)
EN_EAST_ASIA = "SimSun"

LAYOUTS = {"zh": ZH, "en": EN}
