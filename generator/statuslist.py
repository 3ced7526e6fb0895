"""W3C Bitstring Status List: the bitstring, its multibase-GZIP encoding, and the list credential.

Pure functions: reading and writing the files is the caller's business. Index 0 is the most significant bit
of the first byte, as the specification requires.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import zlib
from typing import Any

from generator.crypto.multibase import multibase_decode, multibase_encode
from generator.errors import CryptoError
from generator.openbadges import STATUS_LIST_TYPES, VC2_CONTEXT_URL, timestamp

__all__ = [
    "MIN_BITS",
    "decode_list",
    "encode_list",
    "get_bit",
    "new_bitstring",
    "set_bit",
    "status_list_credential",
]

#: The specification's minimum size (16 KiB), which gives holders group privacy.
MIN_BITS = 131_072
#: A decoded list larger than this is refused: a gzip bomb must not exhaust memory in a check.
MAX_BITS = 8 * 16 * 1024 * 1024


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


def decode_list(encoded: str) -> bytes:
    """Inverse of :func:`encode_list`, refusing malformed input and oversized (bomb) payloads."""
    if not encoded.startswith("u"):
        raise CryptoError("encodedList is not multibase base64url (it must start with 'u')")
    compressed = multibase_decode(encoded)
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(compressed)) as fh:
            data = fh.read(MAX_BITS // 8 + 1)
    except (ValueError, OSError, EOFError, zlib.error) as exc:
        raise CryptoError(f"encodedList cannot be decoded: {exc}") from None
    if len(data) > MAX_BITS // 8:
        raise CryptoError("encodedList decodes to more than the allowed size")
    if len(data) * 8 < MIN_BITS:
        raise CryptoError(f"encodedList has {len(data) * 8} entries; the minimum is {MIN_BITS}")
    return data


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
