"""A grouped bar chart as a PNG, drawn with zlib and struct only.

python-docx does not need Pillow and matplotlib would add a heavy dependency for
one picture, so the chart is drawn pixel by pixel: for each org, a bar of
meetings held next to a bar of meetings owed, numbered under the bars; the
document's table beside it names the orgs by the same numbers.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence

HELD = (178, 34, 34)
OWED = (170, 170, 170)
AXIS = (60, 60, 60)
GRID = (225, 225, 225)
WHITE = (255, 255, 255)

# 3x5 digits, rows top to bottom, bits left to right
_DIGITS = {
    "0": ("111", "101", "101", "101", "111"),
    "1": ("010", "110", "010", "010", "111"),
    "2": ("111", "001", "111", "100", "111"),
    "3": ("111", "001", "111", "001", "111"),
    "4": ("101", "101", "111", "001", "001"),
    "5": ("111", "100", "111", "001", "111"),
    "6": ("111", "100", "111", "101", "111"),
    "7": ("111", "001", "010", "010", "010"),
    "8": ("111", "101", "111", "101", "111"),
    "9": ("111", "101", "111", "001", "111"),
}


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

    def number(self, x: int, y: int, value: int, scale: int, color: tuple[int, int, int]) -> None:
        """Draw ``value`` centred on ``x`` with its top at ``y``."""
        digits = str(value)
        width = (len(digits) * 4 - 1) * scale
        left = x - width // 2
        for i, digit in enumerate(digits):
            for row, bits in enumerate(_DIGITS[digit]):
                for col, bit in enumerate(bits):
                    if bit == "1":
                        px = left + (i * 4 + col) * scale
                        py = y + row * scale
                        self.rect(px, py, px + scale, py + scale, color)

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


def bar_chart(pairs: Sequence[tuple[int, int]], width: int = 1200, height: int = 480) -> bytes:
    """PNG of grouped bars: ``pairs`` is (held, owed) per org, in table order."""
    canvas = Canvas(width, height)
    left, right, top, bottom = 70, 20, 20, 50
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max([1, *(max(h, o) for h, o in pairs)])
    step = max(1, -(-peak // 5))  # five grid lines, whole numbers
    peak = step * 5
    for i in range(6):
        y = top + plot_h - plot_h * i // 5
        canvas.rect(left, y, left + plot_w, y + 1, GRID)
        canvas.number(left - 30, y - 7, step * i, 3, AXIS)
    canvas.rect(left, top, left + 2, top + plot_h, AXIS)
    canvas.rect(left, top + plot_h, left + plot_w, top + plot_h + 2, AXIS)
    n = max(1, len(pairs))
    group = plot_w / n
    bar = max(1, int(group * 0.35))
    base = top + plot_h
    for i, (held, owed) in enumerate(pairs):
        x = int(left + group * i + group / 2)
        canvas.rect(x - bar, base - plot_h * held // peak, x, base, HELD)
        canvas.rect(x, base - plot_h * owed // peak, x + bar, base, OWED)
        if n <= 60:
            canvas.number(x, base + 12, i + 1, 3 if n <= 30 else 2, AXIS)
    return canvas.png()
