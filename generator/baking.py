"""Baked badge images (Open Badges 3.0, "Baking"): the credential carried inside its badge's PNG or SVG.

PNG: an ``iTXt`` chunk with the keyword ``openbadgecredential``, uncompressed, holding the credential's JSON.
SVG: an ``openbadges:credential`` element (namespace ``https://purl.imsglobal.org/ob/v3p0``) holding the JSON in
CDATA. The page bakes them (assets/verify/baking.js, which reads them the same way); ``credreg verify`` reads
them here. Reading only: no I/O, and bad input is a :class:`BakingError` that says what is wrong.
"""

from __future__ import annotations

import re
import struct
import zlib

__all__ = ["OB3_NAMESPACE", "PNG_KEYWORD", "BakingError", "baked_credential", "is_image"]

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_KEYWORD = b"openbadgecredential"
OB3_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"


class BakingError(ValueError):
    """The image is not a badge with a credential baked in as Open Badges 3.0 says."""


def is_image(data: bytes) -> bool:
    return data.startswith(PNG_SIGNATURE) or _looks_like_svg(data)


def _looks_like_svg(data: bytes) -> bool:
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<") and b"<svg" in data[:65536]


def baked_credential(data: bytes) -> str:
    """The credential's JSON text baked into a PNG or SVG badge image."""
    if data.startswith(PNG_SIGNATURE):
        return _from_png(data)
    if _looks_like_svg(data):
        return _from_svg(data)
    raise BakingError("not a PNG or SVG image")


def _from_png(data: bytes) -> str:
    found: list[str] = []
    at = len(PNG_SIGNATURE)
    while at < len(data):
        if at + 8 > len(data):
            raise BakingError(f"the PNG is cut short at byte {at}")
        length, kind = struct.unpack(">I4s", data[at : at + 8])
        end = at + 12 + length
        if end > len(data):
            raise BakingError(f"the PNG's {kind.decode('latin-1')!r} chunk at byte {at} is cut short")
        body = data[at + 8 : at + 8 + length]
        (crc,) = struct.unpack(">I", data[at + 8 + length : end])
        if zlib.crc32(kind + body) != crc:
            raise BakingError(f"the PNG's {kind.decode('latin-1')!r} chunk at byte {at} is damaged (its CRC fails)")
        if kind == b"iTXt" and body.split(b"\0", 1)[0] == PNG_KEYWORD:
            found.append(_itxt_text(body, at))
        if kind == b"IEND":
            break
        at = end
    if not found:
        raise BakingError("the PNG has no baked credential (no iTXt chunk 'openbadgecredential')")
    if len(found) > 1:
        raise BakingError("the PNG has more than one baked credential")
    return found[0]


def _itxt_text(body: bytes, at: int) -> str:
    _keyword, _, rest = body.partition(b"\0")
    if len(rest) < 2:
        raise BakingError(f"the iTXt chunk at byte {at} is malformed")
    compressed, _method, rest = rest[0], rest[1], rest[2:]
    _language, _, rest = rest.partition(b"\0")
    _translated, _, text = rest.partition(b"\0")
    if compressed:
        raise BakingError(f"the iTXt chunk at byte {at} is compressed; a baked credential is stored uncompressed")
    try:
        return text.decode("utf-8")
    except UnicodeDecodeError:
        raise BakingError(f"the iTXt chunk at byte {at} is not UTF-8 text") from None


_SVG_CREDENTIAL = re.compile(
    r"<(?P<prefix>[A-Za-z_][\w.-]*):credential(?P<attrs>\s[^>]*)?>\s*<!\[CDATA\[(?P<json>.*?)\]\]>\s*"
    r"</(?P=prefix):credential\s*>",
    re.DOTALL,
)


def _from_svg(data: bytes) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise BakingError("the SVG is not UTF-8 text") from None
    found = list(_SVG_CREDENTIAL.finditer(text))
    found = [
        m
        for m in found
        if re.search(rf'xmlns:{re.escape(m["prefix"])}\s*=\s*["\']{re.escape(OB3_NAMESPACE)}["\']', text)
    ]
    if not found:
        raise BakingError(
            f"the SVG has no baked credential (no credential element of the namespace {OB3_NAMESPACE} with the "
            "JSON in CDATA)"
        )
    if len(found) > 1:
        raise BakingError("the SVG has more than one baked credential")
    return found[0]["json"]
