"""The W3C vc-di-eddsa test vectors (Data Integrity EdDSA Cryptosuites v1.0), every intermediate byte for byte.

The vectors and their published test key pair are vendored in tests/fixtures/conformance/vc-di-eddsa (see its
README.md); that key signs nothing of this project.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from generator.crypto import (
    ContextStore,
    add_proofs,
    b58encode,
    canonical_document,
    create_proof,
    decode_ed25519_private,
    decode_ed25519_public,
    ed25519,
    hash_data,
    proof_config,
    verification_method_for,
    verify_proof,
)
from generator.errors import UnknownContextError
from tests.conftest import FIXTURE_CONTEXTS

from .conftest import VECTORS, read_json

CITIZENSHIP_URL = "https://w3id.org/citizenship/v4rc1"
PROOF_OPTION_KEYS = ("type", "cryptosuite", "created", "verificationMethod", "proofPurpose")


@dataclass(frozen=True)
class Vector:
    name: str
    suite: str
    folder: Path
    suffix: str
    unsigned: str

    def text(self, stem: str) -> str:
        return (self.folder / f"{stem}{self.suffix}.txt").read_text(encoding="utf-8")

    def json_text(self, stem: str) -> str:
        return (self.folder / f"{stem}{self.suffix}.json").read_text(encoding="utf-8")

    def document(self) -> dict[str, Any]:
        doc: dict[str, Any] = read_json(VECTORS / self.unsigned)
        return doc

    def options(self) -> dict[str, Any]:
        config = json.loads(self.json_text("proofConfig"))
        return {k: config[k] for k in PROOF_OPTION_KEYS}


VECTOR_CASES = [
    Vector("jcs", "eddsa-jcs-2022", VECTORS / "eddsa-jcs-2022", "JCS", "unsigned.json"),
    Vector("rdfc", "eddsa-rdfc-2022", VECTORS / "eddsa-rdfc-2022", "DataInt", "unsigned.json"),
    Vector("rdfc-employ", "eddsa-rdfc-2022", VECTORS / "eddsa-rdfc-2022" / "employ", "DataInt", "employmentAuth.json"),
]


@pytest.fixture(scope="module")
def key_pair() -> tuple[bytes, bytes]:
    pair = read_json(VECTORS / "keyPair.json")
    seed = decode_ed25519_private(pair["privateKeyMultibase"])
    public = decode_ed25519_public(pair["publicKeyMultibase"])
    return seed, public


def store_for(vector: Vector, vectors_store: ContextStore) -> ContextStore:
    """The store a vector needs; skips the test when a context it uses is not available offline."""
    contexts = vector.document()["@context"]
    if CITIZENSHIP_URL in contexts:
        index = read_json(FIXTURE_CONTEXTS / "index.json")
        if CITIZENSHIP_URL not in index:
            pytest.skip(f"{CITIZENSHIP_URL} is not in {FIXTURE_CONTEXTS}: cannot canonicalize this vector offline")
        return vectors_store.with_extra({CITIZENSHIP_URL: read_json(FIXTURE_CONTEXTS / index[CITIZENSHIP_URL])})
    return vectors_store


def test_key_pair(key_pair: tuple[bytes, bytes]) -> None:
    seed, public = key_pair
    assert ed25519.public_from_seed(seed) == public
    assert verification_method_for(public) == (
        "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
    )


@pytest.mark.parametrize("vector", VECTOR_CASES, ids=lambda v: v.name)
def test_proof_config(vector: Vector) -> None:
    assert proof_config(vector.options(), vector.document()) == json.loads(vector.json_text("proofConfig"))


@pytest.mark.parametrize("vector", VECTOR_CASES, ids=lambda v: v.name)
def test_canonical_proof_config_and_document(vector: Vector, vectors_store: ContextStore) -> None:
    store = store_for(vector, vectors_store)
    config = json.loads(vector.json_text("proofConfig"))
    assert canonical_document(config, vector.suite, store).decode("utf-8") == vector.text("proofCanon")
    assert canonical_document(vector.document(), vector.suite, store).decode("utf-8") == vector.text("canonDoc")


@pytest.mark.parametrize("vector", VECTOR_CASES, ids=lambda v: v.name)
def test_hashes(vector: Vector) -> None:
    proof_hash = hashlib.sha256(vector.text("proofCanon").encode("utf-8")).hexdigest()
    doc_hash = hashlib.sha256(vector.text("canonDoc").encode("utf-8")).hexdigest()
    assert proof_hash == vector.text("proofHash")
    assert doc_hash == vector.text("docHash")
    assert proof_hash + doc_hash == vector.text("combinedHash")


@pytest.mark.parametrize("vector", VECTOR_CASES, ids=lambda v: v.name)
def test_hash_data(vector: Vector, vectors_store: ContextStore) -> None:
    store = store_for(vector, vectors_store)
    assert hash_data(vector.document(), vector.options(), store).hex() == vector.text("combinedHash")


@pytest.mark.parametrize("vector", VECTOR_CASES, ids=lambda v: v.name)
def test_signature(vector: Vector, key_pair: tuple[bytes, bytes]) -> None:
    seed, public = key_pair
    combined = bytes.fromhex(vector.text("combinedHash"))
    signature = ed25519.sign(seed, combined)  # Ed25519 is deterministic
    assert signature.hex() == vector.text("sigHex")
    assert "z" + b58encode(signature) == vector.text("sigBTC58")
    assert ed25519.verify(public, combined, signature)


@pytest.mark.parametrize("vector", VECTOR_CASES, ids=lambda v: v.name)
def test_signed_credential_shape(vector: Vector) -> None:
    # The secured document is the unsigned one plus the proof (for eddsa-jcs-2022 the proof repeats @context).
    options = vector.options()
    proof = {**options, "@context": vector.document()["@context"]} if vector.suite == "eddsa-jcs-2022" else options
    signed = add_proofs(vector.document(), {**proof, "proofValue": vector.text("sigBTC58")})
    assert json.dumps(signed, indent=2, ensure_ascii=False) == vector.json_text("signed")


@pytest.mark.parametrize("vector", VECTOR_CASES, ids=lambda v: v.name)
def test_create_proof_reproduces_the_signed_credential(
    vector: Vector, key_pair: tuple[bytes, bytes], vectors_store: ContextStore
) -> None:
    store = store_for(vector, vectors_store)
    seed, _public = key_pair
    options = vector.options()
    proof = create_proof(
        vector.document(),
        cryptosuite=options["cryptosuite"],
        seed=seed,
        verification_method=options["verificationMethod"],
        created=options["created"],
        proof_purpose=options["proofPurpose"],
        store=store,
    )
    assert proof["proofValue"] == vector.text("sigBTC58")
    signed = add_proofs(vector.document(), proof)
    assert json.dumps(signed, indent=2, ensure_ascii=False) == vector.json_text("signed")


@pytest.mark.parametrize("vector", VECTOR_CASES, ids=lambda v: v.name)
def test_verify_signed_credential(vector: Vector, key_pair: tuple[bytes, bytes], vectors_store: ContextStore) -> None:
    store = store_for(vector, vectors_store)
    _seed, public = key_pair
    signed = json.loads(vector.json_text("signed"))
    result = verify_proof(signed, signed["proof"], public, store=store)
    assert result, result.reason
    assert result.cryptosuite == vector.suite
    assert result.verification_method == signed["proof"]["verificationMethod"]

    tampered = copy.deepcopy(signed)
    tampered["validFrom"] = "2023-01-01T00:00:01Z" if "2023" in tampered["validFrom"] else "2019-12-03T00:00:01Z"
    result = verify_proof(tampered, tampered["proof"], public, store=store)
    assert not result
    assert result.reason == "signature does not match"


def test_employment_vector_needs_a_context_we_do_not_have() -> None:
    # Recorded so that a change in the vendored contexts is noticed: the citizenship context is not available offline,
    # and it is never fetched.
    index = read_json(FIXTURE_CONTEXTS / "index.json")
    if CITIZENSHIP_URL in index:
        pytest.skip("the citizenship context is available: the employ vector is fully checked above")
    with pytest.raises(UnknownContextError, match="citizenship"):
        canonical_document(read_json(VECTORS / "employmentAuth.json"), "eddsa-rdfc-2022")
