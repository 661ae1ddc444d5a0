"""The site's icon as `favicon.ico` (what browsers ask the root for when a page names no icon): one
32×32 PNG image in an ICO file, drawn like `static/favicon.svg` (three lines of a timeline)."""
from __future__ import annotations

import struct
import zlib

SIZE = 32
INK = (0x0B, 0x53, 0x94, 0xFF)      # the theme's accent
PAPER = (0xFF, 0xFF, 0xFF, 0xFF)
BARS = ((7, 11), (14, 18), (21, 25))     # rows of the three lines


def favicon_ico() -> bytes:
    """An ICO file holding one PNG image."""
    png = _png([[_pixel(x, y) for x in range(SIZE)] for y in range(SIZE)])
    header = struct.pack("<HHH", 0, 1, 1)
    entry = struct.pack("<BBBBHHII", SIZE, SIZE, 0, 0, 1, 32, len(png), 6 + 16)
    return header + entry + png


def _pixel(x: int, y: int) -> tuple[int, int, int, int]:
    on_bar = any(top <= y < bottom for top, bottom in BARS) and 6 <= x < 26
    return PAPER if on_bar else INK


def _png(rows: list[list[tuple[int, int, int, int]]]) -> bytes:
    raw = b"".join(b"\x00" + bytes(channel for pixel in row for channel in pixel) for row in rows)
    header = struct.pack(">IIBBBBB", len(rows[0]), len(rows), 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(raw, 9)) + _chunk(b"IEND", b"")


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
