"""A proof is read for what it says, whatever key made it: made to assert the credential, at a readable time.

Found by attack (the signature layer's review): a credential of an issuer not registered here, signed by its
``did:key``, was VALID with ``--any-issuer`` although its proofs were made for ``authentication`` (a key holder
proving who they are, not asserting the credential) or carried a ``created`` of ``"yesterday"``, ``"2025-01-01"``
or a leap second: the purpose was never read, and ``created`` was read only against a registry key's window.
Digital Bazaar's verifier refuses all of them (``tests/interop/test_digital_bazaar.py``); the page's copy of
the rule is held equal by ``tests/site/test_differential.py``.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
from typing import Any

import pytest
from pyld import jsonld

from generator.crypto import ContextStore, ed25519
from generator.crypto.dataintegrity import (
    CRYPTOSUITES,
    JCS,
    RDFC,
    add_proofs,
    canonical_document,
    create_proof,
    hash_data,
    verify_proof,
)
from generator.crypto.multibase import b58encode, did_key_from_public
from generator.verify import Verdict, verify_credential
from tests.conftest import Signer

NOW = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
SEED = bytes(range(32))


def foreign(
    signer: Signer,
    *,
    purpose: str = "assertionMethod",
    created: Any = "2025-01-01T00:00:00Z",
    issuer_name: str = "Someone",
    achievement_name: str | None = None,
) -> dict[str, Any]:
    """A credential of a did:key issuer (not registered here), both proofs made with ``purpose`` at ``created``;
    the issuer and (when given) its achievement named as the caller says."""
    did = did_key_from_public(ed25519.public_from_seed(SEED))
    award = signer.award().award
    unsigned = {k: copy.deepcopy(v) for k, v in award.items() if k not in ("proof", "credentialStatus")}
    unsigned["issuer"] = {"id": did, "type": ["Profile"], "name": issuer_name}
    unsigned["credentialSubject"]["achievement"]["id"] = "https://elsewhere.example/achievements/sql/"
    if achievement_name is not None:
        unsigned["credentialSubject"]["achievement"]["name"] = achievement_name
    unsigned["credentialSubject"]["achievement"]["creator"] = unsigned["issuer"]
    method = f"{did}#{did.removeprefix('did:key:')}"
    proofs = [
        create_proof(
            unsigned, cryptosuite=suite, seed=SEED, verification_method=method, created=created, proof_purpose=purpose
        )
        for suite in CRYPTOSUITES
    ]
    return add_proofs(unsigned, proofs)


def test_the_credential_as_its_issuer_should_sign_it_is_valid(signer: Signer) -> None:
    assert verify_credential(foreign(signer), signer.registry, now=NOW, any_issuer=True).verdict is Verdict.VALID


@pytest.mark.parametrize("purpose", ["authentication", "capabilityInvocation", "keyAgreement"])
def test_a_proof_made_for_another_purpose_does_not_assert_the_credential(signer: Signer, purpose: str) -> None:
    result = verify_credential(foreign(signer, purpose=purpose), signer.registry, now=NOW, any_issuer=True)
    assert result.verdict is Verdict.INVALID
    for suite in CRYPTOSUITES:
        check = result.check(f"proof:{suite}")
        assert check is not None
        assert check.reason == "the proof is not made for assertionMethod (it does not assert what it signs)"


def test_every_signature_check_reads_the_purpose() -> None:
    """The rule is the proof check's, so it holds for whatever the toolkit verifies (status lists, statements,
    endorsements), not only credentials."""
    document = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"]}
    public = ed25519.public_from_seed(SEED)
    for suite in CRYPTOSUITES:
        for purpose, ok in (("assertionMethod", True), ("authentication", False)):
            proof = create_proof(
                document,
                cryptosuite=suite,
                seed=SEED,
                verification_method="did:example:issuer#key-1",
                created="2025-01-01T00:00:00Z",
                proof_purpose=purpose,
            )
            assert bool(verify_proof(document, proof, public)) is ok
        assert not verify_proof(document, {k: v for k, v in proof.items() if k != "proofPurpose"}, public)


@pytest.mark.parametrize(
    "created",
    ["yesterday", "2025-01-01", "2016-12-31T23:59:60Z", "2025-01-01T00:00:00", "2025-01-01t00:00:00z", ""],
)
def test_a_proof_created_at_no_readable_time_is_refused_whatever_the_key(signer: Signer, created: str) -> None:
    result = verify_credential(foreign(signer, created=created), signer.registry, now=NOW, any_issuer=True)
    assert result.verdict is Verdict.INVALID
    structure = result.check("structure")
    assert structure is not None
    assert "created: must be an XML Schema dateTime with a time zone" in structure.reason


def test_a_proof_without_created_is_still_read(signer: Signer) -> None:
    """``created`` is optional in Data Integrity: a proof without one is not refused for that (a registry key's
    window needs it, and says so: tests/verify/test_verify.py)."""
    doc = foreign(signer)
    unsigned = {k: v for k, v in doc.items() if k != "proof"}
    did = doc["issuer"]["id"]
    proofs = []
    for suite in CRYPTOSUITES:
        proof = {
            "type": "DataIntegrityProof",
            "cryptosuite": suite,
            "verificationMethod": f"{did}#{did.removeprefix('did:key:')}",
            "proofPurpose": "assertionMethod",
        }
        if suite == JCS:
            proof["@context"] = unsigned["@context"]
        proof["proofValue"] = "z" + b58encode(ed25519.sign(SEED, hash_data(unsigned, proof)))
        proofs.append(proof)
    result = verify_credential(add_proofs(unsigned, proofs), signer.registry, now=NOW, any_issuer=True)
    assert result.verdict is Verdict.VALID, result.as_dict()


def signed_over_unescaped_iri(credential: dict[str, Any], iri: str, seed: bytes = SEED) -> dict[str, Any]:
    """``credential`` (signed by ``seed``'s did:key) with its achievement id ``iri`` and one RDFC proof by it over
    the N-Quads pyld writes, with ``iri`` unescaped (as this toolkit signed before it refused such IRIs: see
    tests/crypto/test_rdfc.py)."""
    unsigned = {k: copy.deepcopy(v) for k, v in credential.items() if k != "proof"}
    unsigned["credentialSubject"]["achievement"]["id"] = iri
    [proof] = [
        {k: v for k, v in p.items() if k != "proofValue"} for p in credential["proof"] if p["cryptosuite"] == RDFC
    ]
    options = {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": ContextStore.bundled().load}
    nquads = jsonld.normalize(unsigned, options)
    assert f"<{iri}>" in nquads  # written as it is
    config = canonical_document({**proof, "@context": unsigned["@context"]}, RDFC)
    data = hashlib.sha256(config).digest() + hashlib.sha256(nquads.encode()).digest()
    proof["proofValue"] = "z" + b58encode(ed25519.sign(seed, data))
    return {**unsigned, "proof": proof}
