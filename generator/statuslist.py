"""W3C Bitstring Status List: every rule about status lists, in one place.

The bitstring and its multibase-GZIP encoding, the list credential, where an issuer's lists live (URL <-> (issuer,
list number)) and what a ``statusListIndex`` may be. The full check, the pull-request check, ``credreg verify``,
``credreg revoke``, allocation and the build all call these; ``generator/site/assets/verify/statuslist.js`` is
the browser's copy, held equal by ``tests/site/test_values_js.py``.

Pure functions: reading and writing the files is the caller's business. Index 0 is the most significant bit
of the first byte, as the specification requires. Numbers are read with ASCII-only patterns: ``int()`` and
``str.isdigit()`` accept digits of every script (``"²"``, ``"١٢"``).
"""

from __future__ import annotations

import datetime as dt
import gzip
import re
import struct
import zlib
from typing import Any

from generator.crypto.multibase import multibase_decode, multibase_encode
from generator.errors import CryptoError
from generator.openbadges import STATUS_LIST_TYPES, VC2_CONTEXT_URL, timestamp

__all__ = [
    "MAX_LIST_BYTES",
    "MAX_LIST_NUMBER",
    "MIN_BITS",
    "NOT_BASE64URL",
    "NOT_DEFLATE",
    "decode_list",
    "encode_list",
    "get_bit",
    "index_problem",
    "list_file_number",
    "list_url",
    "new_bitstring",
    "parse_index",
    "parse_list_number",
    "parse_list_url",
    "set_bit",
    "status_list_credential",
]

#: The specification's minimum size (16 KiB), which gives holders group privacy.
MIN_BITS = 131_072
#: A decoded list larger than this is refused: a gzip bomb must not exhaust memory in a check.
MAX_BITS = 8 * 16 * 1024 * 1024
#: A status list file larger than this is refused before it is parsed.
MAX_LIST_BYTES = 4 * 1024 * 1024
#: Lists are numbered from 1; the bound keeps a slot (list, index) in one machine word.
MAX_LIST_NUMBER = 65_535

# A canonical base-10 integer: ASCII digits, no sign, no leading zero, no space. One spelling per number, so two
# readers can never disagree on which slot an award names.
_INDEX = re.compile(r"0|[1-9][0-9]{0,9}", re.ASCII)
_LIST_NUMBER = re.compile(r"[1-9][0-9]{0,4}", re.ASCII)
_ISSUER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*", re.ASCII)


def parse_index(value: Any) -> int | None:
    """A ``statusListIndex`` (a canonical base-10 string below :data:`MAX_BITS`), or ``None``."""
    if not isinstance(value, str) or not _INDEX.fullmatch(value):
        return None
    index = int(value)
    return index if index < MAX_BITS else None


def parse_list_number(text: str) -> int | None:
    """A list number as written in a file name or URL (``1`` … :data:`MAX_LIST_NUMBER`), or ``None``."""
    if not _LIST_NUMBER.fullmatch(text):
        return None
    number = int(text)
    return number if number <= MAX_LIST_NUMBER else None


def list_file_number(name: str) -> int | None:
    """The number of the status list file named ``name`` (``<number>.json``, the number as :func:`parse_list_number`
    reads it), or ``None``. ``01.json``, ``0.json`` or ``70000.json`` names no list: no check would verify it, so
    the layout refuses it and the build never publishes it."""
    return parse_list_number(name[: -len(".json")]) if name.endswith(".json") else None


def list_url(site_url: str, issuer: str, number: int) -> str:
    """Where the registry publishes list ``number`` of ``issuer`` (``site_url`` ends in ``/``)."""
    return f"{site_url}issuers/{issuer}/status/{number}.json"


def parse_list_url(site_url: str, url: Any, folder: str = "issuers") -> tuple[str, int] | None:
    """(issuer, list number) of a URL :func:`list_url` makes, or ``None`` for any other URL. Whether the issuer
    is registered is the caller's question. ``folder="endorsers"``: an endorser's list, of the same form."""
    prefix = f"{site_url}{folder}/"
    if not isinstance(url, str) or not url.startswith(prefix) or not url.endswith(".json"):
        return None
    issuer, slash, rest = url[len(prefix) : -len(".json")].partition("/status/")
    if not slash or not _ISSUER.fullmatch(issuer) or issuer in (".", ".."):
        return None
    number = parse_list_number(rest)
    return None if number is None else (issuer, number)


def index_problem(index: int, bitstring: bytes | bytearray) -> str | None:
    """Why ``index`` names no entry of the list (``None`` when it does)."""
    size = len(bitstring) * 8
    return None if 0 <= index < size else f"status index {index} is outside the list ({size} entries)"


def new_bitstring(bits: int = MIN_BITS) -> bytearray:
    if bits < MIN_BITS or bits % 8:
        raise ValueError(f"a status list has at least {MIN_BITS} bits, in whole bytes")
    return bytearray(bits // 8)


def get_bit(bitstring: bytes | bytearray, index: int) -> bool:
    if not 0 <= index < len(bitstring) * 8:
        raise IndexError(f"status index {index} is outside the list ({len(bitstring) * 8} entries)")
    return bool(bitstring[index // 8] & (0x80 >> (index % 8)))


def set_bit(bitstring: bytearray, index: int, value: bool = True) -> None:
    if not 0 <= index < len(bitstring) * 8:
        raise IndexError(f"status index {index} is outside the list ({len(bitstring) * 8} entries)")
    mask = 0x80 >> (index % 8)
    if value:
        bitstring[index // 8] |= mask
    else:
        bitstring[index // 8] &= ~mask & 0xFF


def encode_list(bitstring: bytes | bytearray) -> str:
    """``u`` + base64url (no padding) of the GZIP-compressed bitstring. ``mtime=0`` keeps it reproducible."""
    return multibase_encode(gzip.compress(bytes(bitstring), compresslevel=9, mtime=0), "base64url")


#: Why an encodedList is refused, in the registry's words: the decoder's own (zlib's, the browser's
#: DecompressionStream's, which differ between engines) would make credreg verify and the page word one list apart.
NOT_BASE64URL = "encodedList is not canonical base64url after its 'u' (no padding, no other character)"
NOT_DEFLATE = "encodedList cannot be decoded: its compressed data is corrupt or cut short"


def decode_list(encoded: Any) -> bytes:
    """Inverse of :func:`encode_list`, refusing malformed, non-canonical and oversized (bomb) payloads.

    The GZIP framing must be exactly one member (RFC 1952) with no optional header fields, its CRC-32 and size
    must match, and not one byte may follow it: a list then has one reading, here and in the browser (which
    decodes concatenated members and ignores trailing bytes unless told not to)."""
    if not isinstance(encoded, str) or not encoded.startswith("u"):
        raise CryptoError("encodedList is not multibase base64url (it must start with 'u')")
    try:
        data = multibase_decode(encoded)
    except CryptoError:
        raise CryptoError(NOT_BASE64URL) from None
    if len(data) < 18 or data[:3] != b"\x1f\x8b\x08" or data[3] != 0:
        raise CryptoError("encodedList is not one plain GZIP member (no optional header fields)")
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    try:
        bits = inflater.decompress(data[10:], MAX_BITS // 8 + 1)
    except zlib.error:
        raise CryptoError(NOT_DEFLATE) from None
    if len(bits) > MAX_BITS // 8:
        raise CryptoError("encodedList decodes to more than the allowed size")
    if not inflater.eof or len(inflater.unused_data) < 8:
        raise CryptoError(NOT_DEFLATE)
    if len(inflater.unused_data) > 8:
        raise CryptoError("encodedList has bytes after its GZIP member")
    crc, size = struct.unpack("<II", inflater.unused_data)
    if crc != zlib.crc32(bits) or size != len(bits) & 0xFFFFFFFF:
        raise CryptoError("encodedList cannot be decoded: the GZIP checksum or size does not match")
    if len(bits) * 8 < MIN_BITS:
        raise CryptoError(f"encodedList has {len(bits) * 8} entries; the minimum is {MIN_BITS}")
    return bits


def status_list_credential(
    *, list_url: str, issuer_did: str, bitstring: bytes | bytearray, valid_from: dt.datetime
) -> dict[str, Any]:
    """An unsigned ``BitstringStatusListCredential`` for revocation."""
    return {
        "@context": [VC2_CONTEXT_URL],
        "id": list_url,
        "type": list(STATUS_LIST_TYPES),
        "issuer": issuer_did,
        "validFrom": timestamp(valid_from),
        "credentialSubject": {
            "id": f"{list_url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_list(bitstring),
        },
    }
