"""What a PNG, JPEG or WebP file holds besides its picture: the one rule that such an image holds nothing else.

The site publishes a raster image byte for byte, and Pillow decodes a file happily whatever its text chunks,
metadata segments or trailing bytes hold: a logo could carry a list of recipients, a page of HTML or an archive
that no check reads and no reviewer sees. So the file's container is walked here, chunk by chunk (segment by
segment for a JPEG), and only what describes pixels passes: no text, no EXIF, XMP or ICC profile, no unknown
or private chunk, nothing after the image's end. The pixels themselves are Pillow's to judge
(:mod:`generator._internal.images`). A container too damaged to walk is left to Pillow, which refuses it.
"""

from __future__ import annotations

__all__ = ["extra_content"]

#: PNG chunks that describe the picture (and APNG's frames): no free text, no embedded file.
_PNG_CHUNKS = frozenset(
    {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"sBIT", b"bKGD", b"pHYs", b"hIST"}
    | {b"cICP", b"acTL", b"fcTL", b"fdAT"}
)
#: WebP chunks of the picture, its alpha and its animation.
_WEBP_CHUNKS = frozenset({b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF"})
_WEBP_FRAME_CHUNKS = frozenset({b"VP8 ", b"VP8L", b"ALPH"})
_AFTER_END = "bytes after the end of the image"
_METADATA = "metadata (EXIF, XMP, an ICC profile or a comment)"


def extra_content(data: bytes, fmt: str) -> str | None:
    """What ``data`` (a file Pillow read as ``fmt``: ``PNG``, ``JPEG`` or ``WEBP``) holds besides its picture, in
    words, or ``None`` when it holds nothing else (or its container cannot be walked: Pillow's to refuse)."""
    if fmt == "PNG":
        return _png(data)
    if fmt == "JPEG":
        return _jpeg(data)
    if fmt == "WEBP":
        return _webp(data)
    return None


def _name(kind: bytes) -> str:
    """A chunk's type for a message: its four letters, or nothing of the file's bytes when they are not letters."""
    return f"its {kind.decode('ascii')} chunk" if kind.isalpha() else "a chunk of an unknown type"


def _png(data: bytes) -> str | None:
    pos = 8  # the signature
    while pos + 12 <= len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8]
        if kind not in _PNG_CHUNKS:
            return f"text in its {kind.decode()} chunk" if kind in (b"tEXt", b"zTXt", b"iTXt") else _name(kind)
        pos += 12 + length
        if kind == b"IEND":
            return _AFTER_END if pos < len(data) else None
    return None


def _jpeg(data: bytes) -> str | None:
    pos = 2  # SOI
    while pos + 1 < len(data):
        if data[pos] != 0xFF:
            return "bytes between its segments"
        marker = data[pos + 1]
        if marker == 0xFF:  # fill
            pos += 1
            continue
        if marker == 0xD9:  # EOI
            return _AFTER_END if pos + 2 < len(data) else None
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # restart markers, TEM: no length
            pos += 2
            continue
        if pos + 4 > len(data):
            return None
        body = data[pos + 4 : pos + 2 + int.from_bytes(data[pos + 2 : pos + 4], "big")]
        if marker == 0xFE or (0xE1 <= marker <= 0xEF and marker != 0xEE) or (marker == 0xE0 and body[:5] != b"JFIF\0"):
            return _METADATA
        if marker == 0xEE and body[:5] != b"Adobe":  # APP14: Adobe's colour transform, a few fixed fields
            return _METADATA
        pos += 2 + int.from_bytes(data[pos + 2 : pos + 4], "big")
        if marker == 0xDA:  # start of scan: entropy-coded data up to the next marker (FF00 is a stuffed FF)
            while True:
                pos = data.find(b"\xff", pos)
                if pos < 0 or pos + 1 >= len(data):
                    return None  # no end of image: truncated, Pillow's to refuse
                follower = data[pos + 1]
                if follower == 0x00 or 0xD0 <= follower <= 0xD7:
                    pos += 2
                    continue
                break
    return None


def _webp_chunks(data: bytes, pos: int, end: int, allowed: frozenset[bytes]) -> str | None:
    while pos + 8 <= end:
        kind = data[pos : pos + 4]
        length = int.from_bytes(data[pos + 4 : pos + 8], "little")
        if kind not in allowed:
            return _METADATA if kind in (b"ICCP", b"EXIF", b"XMP ") else _name(kind)
        if kind == b"ANMF":  # a frame: 16 bytes of placement, then its own chunks
            inner = _webp_chunks(data, pos + 24, min(pos + 8 + length, end), _WEBP_FRAME_CHUNKS)
            if inner is not None:
                return inner
        pos += 8 + length + (length & 1)
    return _AFTER_END if pos < end else None


def _webp(data: bytes) -> str | None:
    if len(data) < 12:
        return None
    end = 8 + int.from_bytes(data[4:8], "little")  # the RIFF header's size: the file ends there
    if end < len(data):
        return _AFTER_END
    return _webp_chunks(data, 12, min(end, len(data)), _WEBP_CHUNKS)
