"""base58btc, multibase, Multikey Ed25519 keys and did:key."""

from __future__ import annotations

import pytest

from generator.crypto import ed25519
from generator.crypto.multibase import (
    b58decode,
    b58encode,
    decode_ed25519_private,
    decode_ed25519_public,
    did_key_from_public,
    encode_ed25519_private,
    encode_ed25519_public,
    multibase_decode,
    multibase_encode,
    public_key_from_did_key,
    verification_method_for,
)
from generator.errors import CryptoError

# The W3C vc-di-eddsa test vector's public key (keyPair.json); public keys are fine to keep in tests.
VECTOR_PUBLIC = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"


@pytest.mark.parametrize(
    ("raw", "encoded"),
    [
        (b"", ""),
        (b"\0", "1"),
        (b"\0\0\0", "111"),
        (b"\0\0\x01", "112"),
        (b"\x00\x01\x02", "15T"),
        (b"Hello World!", "2NEpo7TZRRrLZSi2U"),
        (
            b"The quick brown fox jumps over the lazy dog.",
            "USm3fpXnKG5EUBx2ndxBDMPVciP5hGey2Jh4NDv6gmeo1LkMeiKrLJUUBk6Z",
        ),
        (bytes.fromhex("0000287fb4cd"), "11233QC4"),
        (b"\xff" * 4, "7YXq9G"),
    ],
)
def test_base58btc_known_values(raw: bytes, encoded: str) -> None:
    assert b58encode(raw) == encoded
    assert b58decode(encoded) == raw


@pytest.mark.parametrize(
    "raw", [bytes(range(n)) for n in range(0, 40, 3)] + [b"\0" * n + b"\x01\xff" for n in range(5)]
)
def test_base58btc_round_trip(raw: bytes) -> None:
    assert b58decode(b58encode(raw)) == raw


@pytest.mark.parametrize("bad", ["0", "O", "I", "l", "abc+", "z z"])
def test_base58btc_rejects_characters_outside_the_alphabet(bad: str) -> None:
    with pytest.raises(CryptoError, match="base58btc"):
        b58decode(bad)


def test_multibase_prefixes() -> None:
    data = b"\0\x01hello\xff"
    assert multibase_encode(data).startswith("z")
    assert multibase_decode(multibase_encode(data)) == data
    u = multibase_encode(data, "base64url")
    assert u == "uAAFoZWxsb_8"  # no padding, URL-safe alphabet
    assert multibase_decode(u) == data


@pytest.mark.parametrize("bad", ["", "x123", "mAAEC", "uAAFoZWxsb_8=", "uAAFoZWxsb+8", "uA", "uAAFoZWxsb_9", "z0OIl"])
def test_multibase_rejects_invalid(bad: str) -> None:
    with pytest.raises(CryptoError):
        multibase_decode(bad)


def test_multibase_rejects_unknown_encoding_name() -> None:
    with pytest.raises(CryptoError, match="unsupported multibase"):
        multibase_encode(b"x", "base32")


def test_vector_public_key() -> None:
    raw = decode_ed25519_public(VECTOR_PUBLIC)
    assert len(raw) == 32
    assert encode_ed25519_public(raw) == VECTOR_PUBLIC
    assert b58decode(VECTOR_PUBLIC[1:])[:2] == b"\xed\x01"


def test_generated_keys_round_trip() -> None:
    seed = ed25519.generate_seed()
    public = ed25519.public_from_seed(seed)
    multikey = encode_ed25519_public(public)
    assert multikey.startswith("z6Mk")
    assert decode_ed25519_public(multikey) == public
    private = encode_ed25519_private(seed)
    assert private.startswith("z3u2")
    assert decode_ed25519_private(private) == seed


def test_public_and_private_headers_are_not_interchangeable() -> None:
    seed = ed25519.generate_seed()
    with pytest.raises(CryptoError, match="multicodec header is 8026, expected ed01"):
        decode_ed25519_public(encode_ed25519_private(seed))
    with pytest.raises(CryptoError, match="multicodec header is ed01, expected 8026"):
        decode_ed25519_private(encode_ed25519_public(ed25519.public_from_seed(seed)))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("u7QE", "base58btc multibase"),
        ("6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2", "base58btc multibase"),
        ("z" + b58encode(b"\xed\x01" + b"\x01" * 31), "32 bytes, this one is 31"),
        ("z" + b58encode(b"\xed\x01" + b"\x01" * 33), "32 bytes, this one is 33"),
        ("z" + b58encode(b"\xe7\x01" + b"\x01" * 33), "multicodec header is e701"),
        ("z", "header is missing"),
        ("z6Mk" + "2" * 10_000, "far too long"),
    ],
)
def test_decode_public_errors(value: str, message: str) -> None:
    with pytest.raises(CryptoError, match=message):
        decode_ed25519_public(value)


def test_encode_requires_32_bytes() -> None:
    with pytest.raises(CryptoError, match="32 bytes"):
        encode_ed25519_public(b"\x01" * 31)


def test_did_key() -> None:
    raw = decode_ed25519_public(VECTOR_PUBLIC)
    did = did_key_from_public(raw)
    assert did == f"did:key:{VECTOR_PUBLIC}"
    vm = verification_method_for(raw)
    assert vm == f"did:key:{VECTOR_PUBLIC}#{VECTOR_PUBLIC}"
    assert public_key_from_did_key(did) == raw
    assert public_key_from_did_key(vm) == raw


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("did:web:example.org", "not a did:key"),
        (f"did:key:{VECTOR_PUBLIC}#key-1", "fragment 'key-1' is not the key"),
        (f"did:key:{VECTOR_PUBLIC}#z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH", "is not the key"),
        ("did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme", "multicodec header is e701"),
    ],
)
def test_did_key_errors(value: str, message: str) -> None:
    with pytest.raises(CryptoError, match=message):
        public_key_from_did_key(value)
