"""Ed25519 (RFC 8032) signatures: thin wrappers over PyNaCl (libsodium).

RFC 8032 leaves verifiers room, and they use it differently: libsodium refuses a public key or a signature's
``R`` that is a small-order point (the identity key "verifies" ``R`` = identity, ``S`` = 0 for every message:
a universal forgery), a key encoded non-canonically and an ``S`` not below the group order; WebCrypto in the
browser and OpenSSL (Node, Digital Bazaar's verifier) accept small-order points. :func:`public_key_problem`
and :func:`signature_problem` state libsodium's rules, so the page (``encoding.js``, held equal by
``tests/site/test_ed25519_js.py``) refuses exactly what it refuses, and a key no one can hold the private half
of is never registered or resolved.
"""

from __future__ import annotations

import functools

import nacl.exceptions
import nacl.signing
import nacl.utils

from generator.errors import CryptoError

__all__ = ["generate_seed", "public_from_seed", "public_key_problem", "sign", "signature_problem", "verify"]


#: libsodium's list of small-order points (``ge25519_has_small_order``), compared without the sign bit of x: the
#: points of order 1, 2, 4 and 8, and the non-canonical encodings of three of them (y = p, p - 1, p + 1).
SMALL_ORDER = tuple(
    bytes.fromhex(h)
    for h in (
        "00" * 32,
        "01" + "00" * 31,
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
        "ec" + "ff" * 30 + "7f",
        "ed" + "ff" * 30 + "7f",
        "ee" + "ff" * 30 + "7f",
    )
)
#: The order of the prime-order subgroup: a signature's ``S`` is below it.
GROUP_ORDER = 2**252 + 27742317777372353535851937790883648493
_P = 2**255 - 19


def _small_order(point: bytes) -> bool:
    unsigned = point[:31] + bytes([point[31] & 0x7F])
    return unsigned in SMALL_ORDER


def public_key_problem(public: bytes) -> str | None:
    """Why 32 bytes are not an Ed25519 public key libsodium verifies with (``None`` when they are one)."""
    if _small_order(public):
        return "a small-order point, which no private key stands behind (any signature could match it)"
    if int.from_bytes(public, "little") & ~(1 << 255) >= _P:
        return "a non-canonical encoding of a point"
    return None


def signature_problem(signature: bytes) -> str | None:
    """Why 64 bytes are not an Ed25519 signature libsodium checks (``None`` when they may be one)."""
    if int.from_bytes(signature[32:], "little") >= GROUP_ORDER:
        return "its S is not below the group order (a non-canonical signature)"
    if _small_order(signature[:32]):
        return "its R is a small-order point"
    return None


def generate_seed() -> bytes:
    """32 random bytes from the operating system: a new Ed25519 private key."""
    seed: bytes = nacl.utils.random(32)
    return seed


def _signing_key(seed: bytes) -> nacl.signing.SigningKey:
    if not isinstance(seed, bytes) or len(seed) != 32:
        raise CryptoError("an Ed25519 seed is 32 bytes")
    return nacl.signing.SigningKey(seed)


def public_from_seed(seed: bytes) -> bytes:
    """The 32-byte public key of a seed."""
    public: bytes = _signing_key(seed).verify_key.encode()
    return public


# Signing a cohort signs thousands of messages with one key: expand each seed once (a few keys at a time).
@functools.lru_cache(maxsize=8)
def _cached_signing_key(seed: bytes) -> nacl.signing.SigningKey:
    return _signing_key(seed)


def sign(seed: bytes, message: bytes) -> bytes:
    """The 64-byte detached signature of ``message``."""
    key = _cached_signing_key(seed) if isinstance(seed, bytes) else _signing_key(seed)
    signature: bytes = key.sign(bytes(message)).signature
    return signature


# An issuer has few keys and a registry verifies many credentials per key: build each VerifyKey once.
@functools.lru_cache(maxsize=1024)
def _verify_key(public: bytes) -> nacl.signing.VerifyKey:
    return nacl.signing.VerifyKey(public)


def verify(public: bytes, message: bytes, signature: bytes) -> bool:
    """True if ``signature`` is ``public``'s signature of ``message``. Never raises for bad input."""
    try:
        if len(public) != 32 or len(signature) != 64:
            return False
        _verify_key(bytes(public)).verify(bytes(message), bytes(signature))
    except (nacl.exceptions.CryptoError, ValueError, TypeError):
        return False
    return True
