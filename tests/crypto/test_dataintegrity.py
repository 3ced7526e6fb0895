"""Data Integrity EdDSA proofs on an OB 3.0 award: both suites, proof sets, tampering, bad input."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
from collections.abc import Callable
from typing import Any

import pytest

from generator.crypto import (
    CRYPTOSUITES,
    add_proofs,
    b58encode,
    canonical_document,
    create_proof,
    ed25519,
    hash_data,
    proof_config,
    proofs_of,
    verification_method_for,
    verify_proof,
)
from generator.crypto.dataintegrity import JCS, RDFC, ProofResult
from generator.errors import CryptoError
from tests.conftest import set_at

from .conftest import award

CREATED = "2025-03-01T12:00:00Z"


def sign(document: dict[str, Any], seed: bytes, suite: str, **kwargs: Any) -> dict[str, Any]:
    vm = kwargs.pop("verification_method", verification_method_for(ed25519.public_from_seed(seed)))
    return create_proof(document, cryptosuite=suite, seed=seed, verification_method=vm, created=CREATED, **kwargs)


@pytest.fixture(scope="module")
def secured(seed: bytes) -> dict[str, Any]:
    """The award with a proof set: one eddsa-rdfc-2022 and one eddsa-jcs-2022 proof by the same key."""
    doc = award()
    return add_proofs(doc, [sign(doc, seed, RDFC), sign(doc, seed, JCS)])


@pytest.mark.parametrize("suite", CRYPTOSUITES)
def test_round_trip(suite: str, seed: bytes) -> None:
    doc = award()
    proof = sign(doc, seed, suite)
    assert proof["type"] == "DataIntegrityProof"
    assert proof["cryptosuite"] == suite
    assert proof["created"] == CREATED
    assert proof["proofPurpose"] == "assertionMethod"
    assert proof["proofValue"].startswith("z")
    assert ("@context" in proof) == (suite == JCS)
    signed = add_proofs(doc, proof)
    assert signed["proof"] == proof  # one proof: an object
    assert "proof" not in doc  # the input is not changed
    result = verify_proof(signed, proof, ed25519.public_from_seed(seed))
    assert result
    assert result == ProofResult(True, suite, proof["verificationMethod"], "")


def test_proof_set_verifies_each_proof_independently(secured: dict[str, Any], seed: bytes) -> None:
    proofs = proofs_of(secured)
    assert [p["cryptosuite"] for p in proofs] == [RDFC, JCS]
    public = ed25519.public_from_seed(seed)
    for proof in proofs:
        assert verify_proof(secured, proof, public), proof["cryptosuite"]
        # Each proof signs the document without any proof: it also verifies with the other one removed.
        alone = {**secured, "proof": proof}
        assert verify_proof(alone, proof, public)


def test_add_proofs_to_a_document_that_has_one(seed: bytes) -> None:
    doc = award()
    first = add_proofs(doc, sign(doc, seed, RDFC))
    both = add_proofs(first, sign(first, seed, JCS))
    assert isinstance(both["proof"], list)
    assert len(both["proof"]) == 2
    public = ed25519.public_from_seed(seed)
    assert all(verify_proof(both, p, public) for p in both["proof"])


def test_add_proofs_needs_a_proof() -> None:
    with pytest.raises(CryptoError):
        add_proofs(award(), [])


def _remove(key: str) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        del doc[key]

    return change


TAMPERING: dict[str, Callable[[dict[str, Any]], None]] = {
    "name": set_at(("name",), "SQL for Data Analysis!"),
    "validUntil": set_at(("validUntil",), "2099-03-01T00:00:00Z"),
    "issuer.name": set_at(("issuer", "name"), "Southbridge University"),
    "achievement.name": set_at(("credentialSubject", "achievement", "name"), "NoSQL"),
    "alignment.targetCode": set_at(("credentialSubject", "achievement", "alignment", 0, "targetCode"), "xyz"),
    "identityHash": set_at(("credentialSubject", "identifier", 0, "identityHash"), "sha256$00"),
    "hashed": set_at(("credentialSubject", "identifier", 0, "hashed"), False),
    "evidence.id": set_at(("evidence", 0, "id"), "https://ex.org/other"),
    "statusListIndex": set_at(("credentialStatus", "statusListIndex"), "43"),
    "type": set_at(("type",), ["VerifiableCredential", "OpenBadgeCredential", "VerifiablePresentation"]),
    "removed-evidence": _remove("evidence"),
}


@pytest.mark.parametrize("suite", CRYPTOSUITES)
@pytest.mark.parametrize("field", sorted(TAMPERING))
def test_tampering_with_any_field_fails(secured: dict[str, Any], seed: bytes, suite: str, field: str) -> None:
    doc = copy.deepcopy(secured)
    TAMPERING[field](doc)
    proof = next(p for p in proofs_of(doc) if p["cryptosuite"] == suite)
    result = verify_proof(doc, proof, ed25519.public_from_seed(seed))
    assert not result
    assert result.reason == "signature does not match"


@pytest.mark.parametrize("suite", CRYPTOSUITES)
@pytest.mark.parametrize(
    ("member", "value"),
    [
        ("created", "2025-03-01T12:00:01Z"),
        ("verificationMethod", "did:web:credentials.example.org:issuers:northbridge#key-2"),
        ("id", "urn:example:another-proof"),  # (another proofPurpose is refused before the signature)
    ],
)
def test_tampering_with_the_proof_fails(
    secured: dict[str, Any], seed: bytes, suite: str, member: str, value: str
) -> None:
    proof = dict(next(p for p in proofs_of(secured) if p["cryptosuite"] == suite))
    proof[member] = value
    result = verify_proof(secured, proof, ed25519.public_from_seed(seed))
    assert not result
    assert result.reason == "signature does not match"


@pytest.mark.parametrize("suite", CRYPTOSUITES)
def test_wrong_key_fails(secured: dict[str, Any], other_seed: bytes, suite: str) -> None:
    proof = next(p for p in proofs_of(secured) if p["cryptosuite"] == suite)
    result = verify_proof(secured, proof, ed25519.public_from_seed(other_seed))
    assert not result
    assert result.reason == "signature does not match"


def test_proof_of_one_suite_does_not_pass_as_the_other(secured: dict[str, Any], seed: bytes) -> None:
    rdfc_proof, jcs_proof = proofs_of(secured)
    swapped = {**rdfc_proof, "cryptosuite": JCS}
    assert not verify_proof(secured, swapped, ed25519.public_from_seed(seed))
    swapped = {k: v for k, v in jcs_proof.items() if k != "@context"} | {"cryptosuite": RDFC}
    assert not verify_proof(secured, swapped, ed25519.public_from_seed(seed))


def _proof(secured: dict[str, Any], suite: str, **changes: Any) -> dict[str, Any]:
    proof = dict(next(p for p in proofs_of(secured) if p["cryptosuite"] == suite))
    for key, value in changes.items():
        if value is None:
            proof.pop(key, None)
        else:
            proof[key] = value
    return proof


@pytest.mark.parametrize("suite", CRYPTOSUITES)
@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"proofValue": None}, "proofValue is not base58btc multibase"),
        ({"proofValue": 42}, "proofValue is not base58btc multibase"),
        ({"proofValue": "uAAAA"}, "proofValue is not base58btc multibase"),
        ({"proofValue": "z0OIl"}, "proofValue is not base58btc multibase"),
        ({"proofValue": "z"}, "proofValue is not an Ed25519 signature (0 bytes, expected 64)"),
        (
            {"proofValue": "z" + b58encode(b"\x01" * 63)},
            "proofValue is not an Ed25519 signature (63 bytes, expected 64)",
        ),
        ({"proofValue": "z" + b58encode(b"\x01" * 64)}, "signature does not match"),
        ({"proofValue": "z" + "2" * 100_000}, "proofValue is not an Ed25519 signature (100001 characters)"),
        (
            {"type": "Ed25519Signature2020"},
            "unsupported proof type 'Ed25519Signature2020' (expected DataIntegrityProof)",
        ),
        ({"type": None}, "unsupported proof type None (expected DataIntegrityProof)"),
        ({"cryptosuite": "ecdsa-rdfc-2019"}, "unsupported cryptosuite 'ecdsa-rdfc-2019'"),
        ({"cryptosuite": None}, "unsupported cryptosuite None"),
        ({"previousProof": "urn:uuid:1"}, "proof chains (previousProof) are not supported"),
    ],
)
def test_malformed_proofs_fail_without_raising(
    secured: dict[str, Any], seed: bytes, suite: str, changes: dict[str, Any], reason: str
) -> None:
    result = verify_proof(secured, _proof(secured, suite, **changes), ed25519.public_from_seed(seed))
    assert not result
    assert result.reason == reason


def test_jcs_proof_context_must_start_the_document_context(secured: dict[str, Any], seed: bytes) -> None:
    proof = _proof(secured, JCS, **{"@context": ["https://www.w3.org/ns/credentials/v2", "https://example.com/other"]})
    result = verify_proof(secured, proof, ed25519.public_from_seed(seed))
    assert not result
    assert result.reason == "proof @context does not match document @context"


@pytest.mark.parametrize(
    ("proof", "public"),
    [
        ("not a proof", b"\x00" * 32),
        (None, b"\x00" * 32),
        (
            {"type": "DataIntegrityProof", "cryptosuite": RDFC, "proofValue": "z" + b58encode(b"\x01" * 64)},
            b"\x00" * 31,
        ),
        ({"type": "DataIntegrityProof", "cryptosuite": RDFC, "proofValue": "z" + b58encode(b"\x01" * 64)}, "key"),
    ],
)
def test_bad_arguments_fail_without_raising(proof: Any, public: Any) -> None:
    result = verify_proof(award(), proof, public)
    assert not result
    assert result.reason


@pytest.mark.parametrize("suite", CRYPTOSUITES)
def test_canonicalization_errors_become_failed_results(secured: dict[str, Any], seed: bytes, suite: str) -> None:
    doc = copy.deepcopy(secured)
    doc["credentialSubject"]["favouriteColour"] = "blue"
    doc["evidence"][0]["weight"] = float("nan")
    result = verify_proof(doc, _proof(secured, suite), ed25519.public_from_seed(seed))
    assert not result
    if suite == RDFC:
        assert "favouriteColour" in result.reason
        assert "not defined by the JSON-LD contexts" in result.reason
    else:
        assert "RFC 8785" in result.reason


def test_rdfc_refuses_to_sign_undefined_terms(seed: bytes) -> None:
    doc = award()
    doc["credentialSubject"]["favouriteColour"] = "blue"
    with pytest.raises(CryptoError, match="favouriteColour"):
        sign(doc, seed, RDFC)
    # JCS signs JSON as it is: the term is covered by the signature.
    proof = sign(doc, seed, JCS)
    assert verify_proof(add_proofs(doc, proof), proof, ed25519.public_from_seed(seed))


def test_proof_without_document_context(seed: bytes) -> None:
    # eddsa-jcs-2022 over plain JSON (no @context), e.g. a signed log entry.
    entry = {"award": "abc", "revoked": "2025-04-01T00:00:00Z"}
    proof = sign(entry, seed, JCS)
    assert "@context" not in proof
    assert verify_proof({**entry, "proof": proof}, proof, ed25519.public_from_seed(seed))


def test_created_accepts_aware_datetimes(seed: bytes) -> None:
    when = dt.datetime(2025, 3, 1, 13, 0, 0, 123456, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    proof = create_proof(award(), cryptosuite=JCS, seed=seed, verification_method="did:example:1#k", created=when)
    assert proof["created"] == "2025-03-01T12:00:00Z"
    with pytest.raises(CryptoError, match="timezone"):
        create_proof(award(), cryptosuite=JCS, seed=seed, verification_method="x", created=dt.datetime(2025, 3, 1))


def test_unknown_suite_is_refused_when_signing(seed: bytes) -> None:
    with pytest.raises(CryptoError, match="unsupported cryptosuite"):
        create_proof(award(), cryptosuite="eddsa-2022", seed=seed, verification_method="x", created=CREATED)


def test_hash_data_separates_canonicalization_from_signature_check(secured: dict[str, Any], seed: bytes) -> None:
    public = ed25519.public_from_seed(seed)
    for proof in proofs_of(secured):
        data = hash_data(secured, proof)
        assert len(data) == 64
        assert hash_data({k: v for k, v in secured.items() if k != "proof"}, proof) == data
        signature = ed25519.sign(seed, data)
        assert ed25519.verify(public, data, signature)
        config = proof_config(proof, secured)
        assert "proofValue" not in config
        assert config["@context"] == secured["@context"]


@pytest.mark.parametrize("nonce", [1, 1.5, "1", True, None])
def test_rdfc_config_hash_cache_matches_uncached(nonce: Any) -> None:
    # The RDFC proof config hash is cached by canonical JSON; cached or not, it is the same hash.
    doc = award()
    proof = {"type": "DataIntegrityProof", "cryptosuite": RDFC, "created": CREATED, "verificationMethod": "did:ex:1#k"}
    proof["nonce"] = nonce
    expected = hashlib.sha256(canonical_document(proof_config(proof, doc), RDFC)).digest()
    assert hash_data(doc, proof)[:32] == expected
    assert hash_data(doc, dict(proof))[:32] == expected


@pytest.mark.parametrize("suite", CRYPTOSUITES)
def test_a_huge_number_is_a_failed_proof_not_an_exception(secured: dict[str, Any], seed: bytes, suite: str) -> None:
    doc = copy.deepcopy(secured)
    doc["name"] = 10**400  # pyld reads every number as a double: float() overflows
    result = verify_proof(doc, _proof(secured, suite), ed25519.public_from_seed(seed))
    assert not result
    if suite == RDFC:
        assert result.reason.startswith("name: the number is too large for JSON-LD")
    else:
        assert "RFC 8785" in result.reason


@pytest.mark.parametrize(
    ("signed", "shown", "same"), [(True, 1, False), (1, True, False), ({"a": 0}, {"a": False}, False), (1, 1.0, True)]
)
def test_a_proof_context_is_the_documents_only_when_it_is_the_same_json(
    seed: bytes, signed: Any, shown: Any, same: bool
) -> None:
    """The proof's @context must start the document's as JSON values (the page's dataintegrity.js compares their
    RFC 8785 forms): Python's ``True == 1`` let a document whose context says ``1`` pass for one signed with
    ``true``, a proof that held in credreg verify and failed on the page. (``1`` and ``1.0`` are one JSON number.)"""
    doc = award()
    doc["@context"] = [*doc["@context"], {"@version": 1.1, "ex": {"@id": "https://ex.org/x", "@protected": signed}}]
    secured = add_proofs(doc, sign(doc, seed, JCS))
    assert verify_proof(secured, secured["proof"], ed25519.public_from_seed(seed))
    shown_doc = json.loads(json.dumps(secured))  # the proof's @context no longer the document's very list
    shown_doc["@context"][-1]["ex"]["@protected"] = shown
    result = verify_proof(shown_doc, shown_doc["proof"], ed25519.public_from_seed(seed))
    assert bool(result) is same
    if not same:
        assert result.reason == "proof @context does not match document @context"
