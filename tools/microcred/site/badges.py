"""Badge images: a clean generated SVG per credential, a small PNG of the same design, and baking.

Baking follows Open Badges 3.0 (section "Badge baking"): a PNG carries the credential JSON in an
iTXt chunk with keyword ``openbadges``; an SVG carries it in an ``<openbadges:credential>``
element (namespace https://purl.imsglobal.org/ob/v3p0) whose text is the JSON in CDATA.

The PNG is drawn and encoded here with zlib and struct (about 80 lines) rather than with pypng or
Pillow: neither is installed or needed elsewhere, the design is two rings and a few letters, and
the chunk code has to exist anyway to insert the iTXt chunk into an existing PNG.
"""

from __future__ import annotations

import colorsys
import hashlib
import struct
import zlib
from functools import lru_cache

from markupsafe import escape

from .safe import initials

OB3_NS = "https://purl.imsglobal.org/ob/v3p0"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def issuer_colour(org_id: str) -> str:
    """A stable, dark-enough colour for an issuer (white text on it keeps at least 4.5:1)."""
    digest = hashlib.sha256(org_id.encode("utf-8")).digest()
    hue = digest[0] / 255.0
    r, g, b = colorsys.hls_to_rgb(hue, 0.30, 0.55)
    return f"#{int(r * 255):02x}{int(g * 255):02x}{int(b * 255):02x}"


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def badge_svg(title: str, org_id: str, label: str = "") -> str:
    """A self-contained SVG badge: issuer colour, the title's initials, a short label ribbon."""
    colour = issuer_colour(org_id)
    letters = initials(title)
    size = 46 if len(letters) <= 2 else 38
    ribbon = str(escape(_short_label(label))) if label else ""
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 160 160" width="160" height="160" '
        f'role="img" aria-label="{escape(title)} badge">'
        f'<title>{escape(title)}</title>'
        f'<circle cx="80" cy="80" r="76" fill="{colour}"/>'
        '<circle cx="80" cy="80" r="64" fill="none" stroke="#fff" stroke-opacity=".85" stroke-width="3"/>'
        '<circle cx="80" cy="80" r="58" fill="none" stroke="#fff" stroke-opacity=".35" stroke-width="1.5"/>'
        f'<text x="80" y="{80 + size * 0.35:.0f}" text-anchor="middle" fill="#fff" '
        f'font-family="system-ui,-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif" '
        f'font-weight="700" font-size="{size}" letter-spacing="1">{escape(letters)}</text>'
        + (
            '<rect x="26" y="112" width="108" height="18" rx="9" fill="#fff" fill-opacity=".92"/>'
            f'<text x="80" y="125" text-anchor="middle" fill="{colour}" '
            'font-family="system-ui,-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif" '
            f'font-weight="700" font-size="9" letter-spacing=".5">{ribbon}</text>'
            if ribbon
            else ""
        )
        + "</svg>"
    )


def _short_label(label: str, limit: int = 16) -> str:
    """The first words of a label that fit the ribbon (about 16 capitals at this size)."""
    out = ""
    for word in label.upper().split():
        candidate = f"{out} {word}".strip()
        if len(candidate) > limit:
            break
        out = candidate
    return out or label.upper()[:limit]


def bake_svg(svg: str, credential_json: str) -> str:
    """The SVG with the credential JSON embedded as <openbadges:credential> (OB 3.0 baking)."""
    # "]]>" cannot occur inside CDATA; split it across two sections.
    data = credential_json.replace("]]>", "]]]]><![CDATA[>")
    head_end = svg.index(">") + 1
    head = svg[:head_end]
    if "xmlns:openbadges" not in head:
        head = head[:-1] + f' xmlns:openbadges="{OB3_NS}">'
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        + head
        + f"<openbadges:credential><![CDATA[{data}]]></openbadges:credential>"
        + svg[head_end:]
    )


# -- PNG --------------------------------------------------------------------------------------

# A 5x7 bitmap font for initials: each glyph is 7 rows of 5 bits.
_FONT = {
    "A": "01110 10001 10001 11111 10001 10001 10001", "B": "11110 10001 10001 11110 10001 10001 11110",
    "C": "01110 10001 10000 10000 10000 10001 01110", "D": "11110 10001 10001 10001 10001 10001 11110",
    "E": "11111 10000 10000 11110 10000 10000 11111", "F": "11111 10000 10000 11110 10000 10000 10000",
    "G": "01110 10001 10000 10111 10001 10001 01111", "H": "10001 10001 10001 11111 10001 10001 10001",
    "I": "01110 00100 00100 00100 00100 00100 01110", "J": "00111 00010 00010 00010 00010 10010 01100",
    "K": "10001 10010 10100 11000 10100 10010 10001", "L": "10000 10000 10000 10000 10000 10000 11111",
    "M": "10001 11011 10101 10101 10001 10001 10001", "N": "10001 10001 11001 10101 10011 10001 10001",
    "O": "01110 10001 10001 10001 10001 10001 01110", "P": "11110 10001 10001 11110 10000 10000 10000",
    "Q": "01110 10001 10001 10001 10101 10010 01101", "R": "11110 10001 10001 11110 10100 10010 10001",
    "S": "01111 10000 10000 01110 00001 00001 11110", "T": "11111 00100 00100 00100 00100 00100 00100",
    "U": "10001 10001 10001 10001 10001 10001 01110", "V": "10001 10001 10001 10001 10001 01010 00100",
    "W": "10001 10001 10001 10101 10101 10101 01010", "X": "10001 10001 01010 00100 01010 10001 10001",
    "Y": "10001 10001 01010 00100 00100 00100 00100", "Z": "11111 00001 00010 00100 01000 10000 11111",
    "0": "01110 10001 10011 10101 11001 10001 01110", "1": "00100 01100 00100 00100 00100 00100 01110",
    "2": "01110 10001 00001 00010 00100 01000 11111", "3": "11111 00010 00100 00010 00001 10001 01110",
    "4": "00010 00110 01010 10010 11111 00010 00010", "5": "11111 10000 11110 00001 00001 10001 01110",
    "6": "00110 01000 10000 11110 10001 10001 01110", "7": "11111 00001 00010 00100 01000 01000 01000",
    "8": "01110 10001 10001 01110 10001 10001 01110", "9": "01110 10001 10001 01111 00001 00010 01100",
}


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


@lru_cache(maxsize=256)
def badge_png(title: str, org_id: str, size: int = 160) -> bytes:
    """A PNG of the badge design (disc, ring, initials) in the issuer's colour, RGBA, anti-aliased edges."""
    colour = _rgb(issuer_colour(org_id))
    letters = initials(title)
    scale = 6 if len(letters) <= 2 else 5
    glyph_w, gap = 5 * scale, scale
    text_w = len(letters) * glyph_w + (len(letters) - 1) * gap
    x0, y0 = (size - text_w) // 2, (size - 7 * scale) // 2
    ink: set[tuple[int, int]] = set()
    for i, ch in enumerate(letters):
        rows = _FONT.get(ch, _FONT["O"]).split()
        for ry, row in enumerate(rows):
            for rx, bit in enumerate(row):
                if bit == "1":
                    gx, gy = x0 + i * (glyph_w + gap) + rx * scale, y0 + ry * scale
                    ink.update((gx + dx, gy + dy) for dx in range(scale) for dy in range(scale))
    c = (size - 1) / 2
    outer, ring_out, ring_in = size * 0.475, size * 0.40, size * 0.38
    raw = bytearray()
    for y in range(size):
        raw.append(0)  # filter type: none
        for x in range(size):
            d = ((x - c) ** 2 + (y - c) ** 2) ** 0.5
            alpha = max(0.0, min(1.0, outer - d + 0.5))
            if alpha == 0.0:
                raw += b"\0\0\0\0"
                continue
            if (x, y) in ink or ring_in <= d <= ring_out:
                px = (255, 255, 255)
            else:
                px = colour
            raw += bytes((*px, int(alpha * 255)))
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return PNG_SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(bytes(raw), 9)) + _chunk(b"IEND", b"")


def bake_png(png: bytes, credential_json: str) -> bytes:
    """The PNG with an iTXt chunk, keyword "openbadges", holding the credential JSON (uncompressed)."""
    if not png.startswith(PNG_SIGNATURE) or png[-12:-8] != b"\0\0\0\0" or png[-8:-4] != b"IEND":
        raise ValueError("not a PNG ending in IEND")
    # keyword \0 compression-flag compression-method language-tag \0 translated-keyword \0 text
    itxt = b"openbadges\0" + b"\0\0" + b"\0" + b"\0" + credential_json.encode("utf-8")
    return png[:-12] + _chunk(b"iTXt", itxt) + png[-12:]


def read_baked_png(png: bytes) -> str | None:
    """The credential JSON baked into a PNG, or None (used by tests and `microcred verify`)."""
    pos = len(PNG_SIGNATURE)
    while pos + 8 <= len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind = png[pos + 4 : pos + 8]
        data = png[pos + 8 : pos + 8 + length]
        if kind == b"iTXt" and data.startswith(b"openbadges\0"):
            rest = data[len(b"openbadges\0") :]
            flag = rest[0]
            rest = rest[2:]
            _lang, rest = rest.split(b"\0", 1)
            _translated, text = rest.split(b"\0", 1)
            return (zlib.decompress(text) if flag else text).decode("utf-8")
        pos += 12 + length
    return None
