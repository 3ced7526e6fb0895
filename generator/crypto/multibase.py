"""Multibase (base58btc ``z…``, base64url ``u…``), Multikey Ed25519 keys and ``did:key`` identifiers.

Specs: W3C Controlled Identifiers (Multibase, Multikey), the multicodec table (``ed25519-pub`` = 0xed,
``ed25519-priv`` = 0x1300, both as unsigned varints) and the did:key method.
"""

from __future__ import annotations

import base64
import operator
import re

from generator.errors import CryptoError

from .ed25519 import public_key_problem

__all__ = [
    "ED25519_PRIVATE_HEADER",
    "ED25519_PUBLIC_HEADER",
    "b58decode",
    "b58encode",
    "decode_ed25519_private",
    "decode_ed25519_public",
    "did_key_from_public",
    "encode_ed25519_private",
    "encode_ed25519_public",
    "multibase_decode",
    "multibase_encode",
    "public_key_bytes",
    "public_key_from_did_key",
    "verification_method_for",
]

_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")

#: multicodec ``ed25519-pub`` (0xed) as an unsigned varint.
ED25519_PUBLIC_HEADER = b"\xed\x01"
#: multicodec ``ed25519-priv`` (0x1300) as an unsigned varint; the key material is the 32-byte seed.
ED25519_PRIVATE_HEADER = b"\x80\x26"

_DID_KEY = "did:key:"


def b58encode(data: bytes) -> str:
    """Bitcoin base58; every leading zero byte becomes a leading ``1``."""
    zeros = len(data) - len(data.lstrip(b"\0"))
    n = int.from_bytes(data, "big")
    digits = []
    while n:
        n, r = divmod(n, 58)
        digits.append(_ALPHABET[r])
    return "1" * zeros + "".join(reversed(digits))


def b58decode(text: str) -> bytes:
    """Inverse of :func:`b58encode`; raises CryptoError on a character outside the alphabet."""
    # A signature is decoded for every award the check verifies: the digits are looked up by bytes.translate
    # and summed against precomputed powers of 58 by map and sum, with no Python loop over the characters.
    raw = text.encode("ascii", "replace")  # a non-ASCII character becomes "?", outside the alphabet
    digits = raw.translate(_DIGITS)
    bad = digits.find(_NOT_A_DIGIT)
    if bad >= 0:
        raise CryptoError(f"invalid base58btc character {text[bad]!r} at position {bad}")
    powers = _POWERS if len(digits) <= len(_POWERS) else [58**k for k in range(len(digits))]
    n = sum(map(operator.mul, reversed(digits), powers))
    zeros = len(digits) - len(digits.lstrip(b"\0"))
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    return b"\0" * zeros + body


_NOT_A_DIGIT = b"\xff"
_DIGITS = bytes(_ALPHABET.index(chr(c)) if chr(c) in _ALPHABET else 255 for c in range(256))
#: 58**k for the lengths of keys and signatures (a 64-byte signature is at most 88 characters).
_POWERS = [58**k for k in range(128)]


def multibase_encode(data: bytes, base: str = "base58btc") -> str:
    """``z`` + base58btc, or ``u`` + base64url without padding."""
    if base == "base58btc":
        return "z" + b58encode(data)
    if base == "base64url":
        return "u" + base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")
    raise CryptoError(f"unsupported multibase encoding {base!r} (use base58btc or base64url)")


def multibase_decode(text: str) -> bytes:
    """Decode a ``z…`` (base58btc) or ``u…`` (base64url, no padding) multibase string."""
    if not isinstance(text, str) or not text:
        raise CryptoError("a multibase value must be a non-empty string")
    prefix, body = text[0], text[1:]
    if prefix == "z":
        return b58decode(body)
    if prefix == "u":
        if not _BASE64URL.fullmatch(body) or len(body) % 4 == 1:
            raise CryptoError("invalid base64url (no padding) multibase value")
        data = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        # Unused trailing bits must be zero, so that every value has exactly one encoding.
        if multibase_encode(data, "base64url")[1:] != body:
            raise CryptoError("non-canonical base64url multibase value")
        return data
    raise CryptoError(f"unsupported multibase prefix {prefix!r} (expected 'z' base58btc or 'u' base64url)")


def _encode_key(header: bytes, key: bytes, what: str) -> str:
    if not isinstance(key, bytes) or len(key) != 32:
        raise CryptoError(f"an Ed25519 {what} key is 32 bytes")
    return "z" + b58encode(header + key)


def _decode_key(text: str, header: bytes, what: str) -> bytes:
    if not isinstance(text, str) or not text.startswith("z"):
        raise CryptoError(f"an Ed25519 {what} key must be base58btc multibase (starting with 'z')")
    if len(text) > 64:  # 34 bytes are at most 47 characters; base58 decoding is quadratic in the length
        raise CryptoError(f"not an Ed25519 {what} key: {len(text)} characters is far too long")
    data = b58decode(text[1:])
    if data[:2] != header:
        raise CryptoError(
            f"not an Ed25519 {what} key: multicodec header is {data[:2].hex() or 'missing'}, expected {header.hex()}"
        )
    if len(data) != 34:
        raise CryptoError(f"an Ed25519 {what} key is 32 bytes, this one is {len(data) - 2}")
    problem = public_key_problem(data[2:]) if header == ED25519_PUBLIC_HEADER else None
    if problem is not None:
        raise CryptoError(f"not an Ed25519 public key: {problem}")
    return data[2:]


def encode_ed25519_public(raw: bytes) -> str:
    """Multikey ``z6Mk…`` for a 32-byte Ed25519 public key."""
    return _encode_key(ED25519_PUBLIC_HEADER, raw, "public")


def decode_ed25519_public(text: str) -> bytes:
    """The 32-byte key of a Multikey ``z6Mk…``; CryptoError if it is not an Ed25519 public key."""
    return _decode_key(text, ED25519_PUBLIC_HEADER, "public")


def public_key_bytes(text: object) -> bytes | None:
    """What makes two key files hold "the same key": the 32 bytes their ``publicKeyMultibase`` decodes to, not the
    text (None: no Ed25519 public key). The one rule of the full check's ``key.duplicate`` and the log's
    retirements (transparency/entries.py), so that neither can be told two keys apart that the other reads as one.
    The registry accepts one spelling of a key (base58btc, ``z6Mk`` and 44 characters: base58 is positional and a
    leading ``1`` would be a zero byte, never the 0xed header), so decoding yields the text's key and no other
    spelling's; comparing bytes keeps that true should another multibase ever be accepted."""
    if not isinstance(text, str):
        return None
    try:
        return decode_ed25519_public(text)
    except CryptoError:
        return None


def encode_ed25519_private(seed: bytes) -> str:
    """Multikey (``z3u2…``) for a 32-byte Ed25519 seed (the private key)."""
    return _encode_key(ED25519_PRIVATE_HEADER, seed, "private")


def decode_ed25519_private(text: str) -> bytes:
    """The 32-byte seed of an Ed25519 private Multikey; CryptoError if it is not one."""
    return _decode_key(text, ED25519_PRIVATE_HEADER, "private")


def did_key_from_public(raw: bytes) -> str:
    """``did:key:z6Mk…`` for a 32-byte Ed25519 public key."""
    return _DID_KEY + encode_ed25519_public(raw)


def verification_method_for(raw: bytes) -> str:
    """The did:key verification method ``did:key:z6Mk…#z6Mk…`` for a 32-byte Ed25519 public key."""
    multikey = encode_ed25519_public(raw)
    return f"{_DID_KEY}{multikey}#{multikey}"


def public_key_from_did_key(did_or_vm: str) -> bytes:
    """The Ed25519 public key of ``did:key:z6Mk…`` or ``did:key:z6Mk…#z6Mk…`` (the fragment must be the key)."""
    if not isinstance(did_or_vm, str) or not did_or_vm.startswith(_DID_KEY):
        raise CryptoError(f"not a did:key identifier: {did_or_vm!r}")
    did, sep, fragment = did_or_vm.partition("#")
    multikey = did[len(_DID_KEY) :]
    if sep and fragment != multikey:
        raise CryptoError(f"did:key verification method fragment {fragment!r} is not the key {multikey!r}")
    return decode_ed25519_public(multikey)
