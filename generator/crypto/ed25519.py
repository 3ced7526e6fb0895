"""Ed25519 (RFC 8032) signatures: thin wrappers over PyNaCl (libsodium)."""

from __future__ import annotations

import functools

import nacl.exceptions
import nacl.signing
import nacl.utils

from generator.errors import CryptoError

__all__ = ["generate_seed", "public_from_seed", "sign", "verify"]


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
