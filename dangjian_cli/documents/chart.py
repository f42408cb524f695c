"""The report's chart of meetings held against meetings owed: one row for the
report's org itself and one for each org directly under it, its subtree summed.

Words in a picture would need a font rasteriser (and a CJK face on every
machine that renders), so the chart is a borderless table instead: the org's
short name and the figures are text in the document's own face, and each row's
picture holds only its two bars, drawn with zlib and struct: held on top (red),
owed below (grey), all rows on one scale. A legend above names the colours.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

HELD = (178, 34, 34)
OWED = (170, 170, 170)
AXIS = (60, 60, 60)
GRID = (225, 225, 225)
WHITE = (255, 255, 255)


@dataclass(frozen=True, slots=True)
class Chart:
    """What the builder draws for ``@chart``: (short name, held, owed) per row."""

    rows: list[tuple[str, int, int]]
    #: legend words for the held and the owed bar, in that order (top, bottom)
    legend: tuple[str, str]


class Canvas:
    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.pixels = bytearray(bytes(WHITE) * (width * height))

    def rect(self, x0: int, y0: int, x1: int, y1: int, color: tuple[int, int, int]) -> None:
        x0, x1 = max(0, min(x0, x1)), min(self.width, max(x0, x1))
        y0, y1 = max(0, min(y0, y1)), min(self.height, max(y0, y1))
        if x0 >= x1:
            return
        span = bytes(color) * (x1 - x0)
        for y in range(y0, y1):
            start = (y * self.width + x0) * 3
            self.pixels[start : start + len(span)] = span

    def png(self) -> bytes:
        raw = bytearray()
        row = self.width * 3
        for y in range(self.height):
            raw.append(0)  # filter: none
            raw += self.pixels[y * row : (y + 1) * row]

        def chunk(kind: bytes, data: bytes) -> bytes:
            return (
                struct.pack(">I", len(data))
                + kind
                + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
            )

        header = struct.pack(">IIBBBBB", self.width, self.height, 8, 2, 0, 0, 0)
        return (
            b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(bytes(raw), 6))
            + chunk(b"IEND", b"")
        )


def bars_png(held: int, owed: int, peak: int, width: int = 600, height: int = 48) -> bytes:
    """One row of the chart: the held bar above the owed bar, ``peak`` the full width."""
    canvas = Canvas(width, height)
    peak = max(1, peak)
    for i in range(6):  # grid lines at fifths of the scale, the same in every row
        x = min(width - 1, (width - 1) * i // 5)
        canvas.rect(x, 0, x + 1, height, GRID)
    canvas.rect(0, 0, 2, height, AXIS)
    gap = height // 8
    bar = (height - 3 * gap) // 2
    canvas.rect(0, gap, width * held // peak, gap + bar, HELD)
    canvas.rect(0, 2 * gap + bar, width * owed // peak, 2 * gap + 2 * bar, OWED)
    return canvas.png()


def short_names(names: list[str], report_org: str) -> list[str]:
    """Org names without the reporting org's name or the prefix every name shares
    (青山县河西镇西山村党支部 -> 西山村党支部 in 河西镇's report)."""
    if len(names) > 1:
        prefix = names[0]
        for name in names[1:]:
            while not name.startswith(prefix):
                prefix = prefix[:-1]
        # cut only after a place name, never inside one (西山村, 西岭村)
        while prefix and not prefix.endswith(("县", "市", "区", "镇", "乡", "街道", "社区", "村")):
            prefix = prefix[:-1]
    else:
        prefix = ""
    out = []
    for name in names:
        short = name
        for cut in (report_org, prefix):
            if cut and short.startswith(cut) and len(short) > len(cut) + 2:
                short = short[len(cut) :]
        out.append(short or name)
    return out
