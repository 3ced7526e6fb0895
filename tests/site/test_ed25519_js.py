"""The page refuses exactly the Ed25519 keys and signatures libsodium refuses (generator/crypto/ed25519.py).

Found by attack (the signature layer's review): WebCrypto (Chromium, and Node's, over OpenSSL, as in Digital
Bazaar's verifier) accepts a small-order public key, so the identity point as a ``did:key`` "verifies" the
signature ``R`` = identity, ``S`` = 0 for every message. A credential of anything "signed" that way was
genuine on the page (and in Digital Bazaar's verifier) and invalid in ``credreg verify`` (libsodium refuses it).
``encoding.js`` now states libsodium's rules, run here against the Python module over the edge cases and random
bytes; the forged credential is in the differential corpus (tests/site/test_differential.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.crypto import ed25519
from generator.crypto.ed25519 import GROUP_ORDER, SMALL_ORDER, public_key_problem, signature_problem
from generator.crypto.multibase import decode_ed25519_public, encode_ed25519_public
from generator.errors import CryptoError
from tests.site.node_runner import NODE, NodeRunner

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")

RUNNER = r"""
import { createInterface } from "node:readline";
import { decodeEd25519Public, ed25519KeyProblem, ed25519SignatureProblem, EncodingError } from "./verify/encoding.js";

const bytes = (hex) => Uint8Array.from(Buffer.from(hex, "hex"));

async function handle(req) {
  if (req.op === "key") return { value: ed25519KeyProblem(bytes(req.hex)) };
  if (req.op === "signature") return { value: ed25519SignatureProblem(bytes(req.hex)) };
  if (req.op === "multikey") {
    try { return { value: Buffer.from(decodeEd25519Public(req.text)).toString("hex") }; }
    catch (error) {
      if (error instanceof EncodingError) return { problem: error.message };
      throw error;
    }
  }
  if (req.op === "webcrypto") {
    // What the browser's own Ed25519 says, without the page's rules.
    const key = await crypto.subtle.importKey("raw", bytes(req.key), { name: "Ed25519" }, false, ["verify"]);
    return { value: await crypto.subtle.verify({ name: "Ed25519" }, key, bytes(req.signature), bytes(req.message)) };
  }
  throw new Error(`unknown op ${req.op}`);
}

for await (const line of createInterface({ input: process.stdin })) {
  let reply;
  try { reply = await handle(JSON.parse(line)); }
  catch (error) { reply = { error: String(error && error.stack || error) }; }
  process.stdout.write(JSON.stringify(reply) + "\n");
}
"""


class Ed25519Js(NodeRunner):
    def __init__(self, workdir: Path) -> None:
        super().__init__(workdir, RUNNER)

    def error_of(self, reply: dict[str, Any]) -> str | None:
        return str(reply["error"]) if "error" in reply else None


@pytest.fixture(scope="module")
def js(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ed25519Js]:
    runner = Ed25519Js(tmp_path_factory.mktemp("ed25519-js"))
    yield runner
    runner.close()


def _with_sign_bit(point: bytes) -> bytes:
    return point[:31] + bytes([point[31] | 0x80])


P = 2**255 - 19
# Every small-order point (with either sign bit), every non-canonical encoding below 2**255 (y = p ... 2**255 - 1,
# with either sign bit), honest keys, and the edges around them.
EDGE_KEYS = [
    *SMALL_ORDER,
    *(_with_sign_bit(k) for k in SMALL_ORDER),
    *((P + i).to_bytes(32, "little") for i in range(19)),
    *(_with_sign_bit((P + i).to_bytes(32, "little")) for i in range(19)),
    (P - 2).to_bytes(32, "little"),
    (2).to_bytes(32, "little"),
    *(ed25519.public_from_seed(bytes([i]) * 32) for i in range(8)),
]
L = GROUP_ORDER
HONEST = ed25519.sign(bytes(32), b"message")
EDGE_SIGNATURES = [
    HONEST,
    *(HONEST[:32] + s.to_bytes(32, "little") for s in (0, 1, L - 1, L, L + 1, 2**253 - 1, 2**256 - 1)),
    *(k + HONEST[32:] for k in (*SMALL_ORDER, *(_with_sign_bit(k) for k in SMALL_ORDER))),
    SMALL_ORDER[1] + bytes(32),  # the universal forgery with the identity key
]


def test_the_browser_s_own_ed25519_accepts_the_identity_key_forgery(js: Ed25519Js) -> None:
    """Why the page needs the rule: without it, anything verifies under the identity key."""
    identity = SMALL_ORDER[1]
    reply = js.ask(op="webcrypto", key=identity.hex(), signature=(identity + bytes(32)).hex(), message="c0ffee")
    assert reply["value"] is True
    assert not ed25519.verify(identity, bytes.fromhex("c0ffee"), identity + bytes(32))  # libsodium refuses it


def test_edge_keys_are_refused_alike(js: Ed25519Js) -> None:
    for key in EDGE_KEYS:
        assert js.ask(op="key", hex=key.hex())["value"] == public_key_problem(key), key.hex()
    bad = 2 * len(SMALL_ORDER) + 2 * 19  # every small-order point and non-canonical encoding, then good keys
    assert all(public_key_problem(k) is not None for k in EDGE_KEYS[:bad])
    assert all(public_key_problem(k) is None for k in EDGE_KEYS[bad:])


def test_edge_signatures_are_refused_alike(js: Ed25519Js) -> None:
    for signature in EDGE_SIGNATURES:
        assert js.ask(op="signature", hex=signature.hex())["value"] == signature_problem(signature), signature.hex()
    assert signature_problem(HONEST) is None
    assert signature_problem(SMALL_ORDER[1] + bytes(32)) == "its R is a small-order point"


@settings(max_examples=300, deadline=None)
@given(key=st.binary(min_size=32, max_size=32), signature=st.binary(min_size=64, max_size=64))
def test_random_bytes_are_judged_alike(js: Ed25519Js, key: bytes, signature: bytes) -> None:
    assert js.ask(op="key", hex=key.hex())["value"] == public_key_problem(key)
    assert js.ask(op="signature", hex=signature.hex())["value"] == signature_problem(signature)


def test_a_small_order_multikey_is_no_key_on_either_side(js: Ed25519Js) -> None:
    for key in (*SMALL_ORDER, (P + 5).to_bytes(32, "little")):
        multikey = encode_ed25519_public(key)
        with pytest.raises(CryptoError) as info:
            decode_ed25519_public(multikey)
        assert js.ask(op="multikey", text=multikey) == {"problem": info.value.summary}
    honest = ed25519.public_from_seed(bytes(32))
    assert js.ask(op="multikey", text=encode_ed25519_public(honest)) == {"value": honest.hex()}


def test_a_multikey_too_long_to_be_a_key_is_refused_alike_before_it_is_decoded(js: Ed25519Js) -> None:
    """Python refuses a public Multikey of more than 64 characters before decoding it (34 bytes are at most 47
    characters; base58 decoding is quadratic in the length); the page decoded any length, so a credential naming
    ``did:key:z…`` with a megabyte of digits held the page in BigInt arithmetic, and said another thing than
    Python of a long value (an invalid character past the 64th, where Python said "far too long"). The cap and
    its words are one rule on both sides."""
    honest = encode_ed25519_public(ed25519.public_from_seed(bytes(32)))
    for text in (
        honest + "1" * (64 - len(honest)),
        honest + "1" * (65 - len(honest)),
        "z" + "1" * 64 + "!",
        "z" * 200_001,
        "z" + "\U0001f511" * 40,
        "z" + "\U0001f511" * 64,
    ):
        try:
            expected: dict[str, str] = {"value": decode_ed25519_public(text).hex()}
        except CryptoError as error:
            expected = {"problem": error.summary}
        reply = js.ask(op="multikey", text=text)
        if len(text) <= 64:  # Python's characters: code points (40 keys are 80 UTF-16 units, and not too long)
            assert "problem" in reply, (text, reply)
            assert "problem" in expected, (text, expected)
        else:
            assert (
                reply == expected == {"problem": f"not an Ed25519 public key: {len(text)} characters is far too long"}
            )
