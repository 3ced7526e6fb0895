"""Ed25519 wrappers: RFC 8032 test vectors and robustness of verify."""

from __future__ import annotations

import pytest

from generator.crypto import ed25519
from generator.errors import CryptoError

# RFC 8032 section 7.1, TEST 1 and TEST 2 (published test keys, not ours).
RFC8032 = [
    (
        "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
        "",
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
    ),
    (
        "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
        "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
        "72",
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
    ),
]


@pytest.mark.parametrize(("seed", "public", "message", "signature"), RFC8032)
def test_rfc8032_vectors(seed: str, public: str, message: str, signature: str) -> None:
    s, p, m, sig = (bytes.fromhex(x) for x in (seed, public, message, signature))
    assert ed25519.public_from_seed(s) == p
    assert ed25519.sign(s, m) == sig
    assert ed25519.verify(p, m, sig)
    assert not ed25519.verify(p, m + b"x", sig)


def test_generated_seed() -> None:
    a, b = ed25519.generate_seed(), ed25519.generate_seed()
    assert len(a) == 32
    assert a != b


def test_round_trip_and_wrong_key() -> None:
    seed, other = ed25519.generate_seed(), ed25519.generate_seed()
    public = ed25519.public_from_seed(seed)
    signature = ed25519.sign(seed, b"hash data")
    assert len(signature) == 64
    assert ed25519.verify(public, b"hash data", signature)
    assert not ed25519.verify(ed25519.public_from_seed(other), b"hash data", signature)


@pytest.mark.parametrize(
    ("public", "signature"),
    [
        (b"\x01" * 31, b"\x00" * 64),
        (b"\x01" * 32, b"\x00" * 63),
        (b"\x01" * 32, b"\x00" * 64),
        (b"\xff" * 32, b"\xff" * 64),  # not a curve point
        ("not bytes", b"\x00" * 64),
        (None, None),
    ],
)
def test_verify_never_raises(public: object, signature: object) -> None:
    assert ed25519.verify(public, b"message", signature) is False  # type: ignore[arg-type]


@pytest.mark.parametrize("seed", [b"", b"\x00" * 31, b"\x00" * 33, "x" * 32])
def test_bad_seed_is_a_crypto_error(seed: object) -> None:
    with pytest.raises(CryptoError, match="32 bytes"):
        ed25519.sign(seed, b"m")  # type: ignore[arg-type]
    with pytest.raises(CryptoError, match="32 bytes"):
        ed25519.public_from_seed(seed)  # type: ignore[arg-type]
