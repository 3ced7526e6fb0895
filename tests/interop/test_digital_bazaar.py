"""Our awards verify in an independent OB 3.0 / VC 2.0 implementation: Digital Bazaar's vc library.

The same stack (jsonld-signatures, the eddsa cryptosuites, vc-bitstring-status-list) underlies DCC's
verifier and common wallets. It resolves our issuers through the did:web documents the build publishes and
reads our status lists; a document loader serves only what the test hands it, so nothing is fetched.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from generator.awarding.issue import Recipient, issue_awards
from generator.awarding.revoke import revoke_award
from generator.awards import award_hash, iter_awards, read_revocations
from generator.load import load_registry
from generator.publish.did import did_document
from generator.registry import Registry
from tests.conftest import FIXTURE_CONTEXTS, REPO, Signer

NODE_DIR = REPO / "tests" / "node"
pytestmark = pytest.mark.skipif(
    shutil.which("node") is None or not (NODE_DIR / "node_modules").is_dir(),
    reason="node and tests/node/node_modules are installed by `make test`",
)


def documents(registry: Registry) -> dict[str, Any]:
    """Everything a verifier could load for this registry: contexts, DID documents, status lists."""
    index = json.loads((FIXTURE_CONTEXTS / "index.json").read_text())
    docs: dict[str, Any] = {url: json.loads((FIXTURE_CONTEXTS / f).read_text()) for url, f in index.items()}
    for issuer in registry.issuers:
        docs[registry.issuer_did(issuer)] = did_document(registry, issuer)
        for path in (registry.root / "registry/issuers" / issuer / "status").glob("*.json"):
            status = json.loads(path.read_text())
            docs[status["id"]] = status
    return docs


def digital_bazaar(credential: dict[str, Any], registry: Registry) -> dict[str, Any]:
    payload = json.dumps({"credential": credential, "documents": documents(registry)})
    result = subprocess.run(
        ["node", str(NODE_DIR / "verify-vc.mjs")], input=payload, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_both_proofs_and_the_status_list_verify(signer: Signer) -> None:
    issued = signer.award(until=dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
    out = digital_bazaar(issued.award, signer.registry)
    assert out["error"] is None
    assert out["verified"] is True
    assert sorted((p["cryptosuite"], p["verified"]) for p in out["proofs"]) == [
        ("eddsa-jcs-2022", True),
        ("eddsa-rdfc-2022", True),
    ]
    assert out["status"] == {"verified": True, "status": False}


def test_a_revoked_award_reads_as_revoked(signer: Signer) -> None:
    issued = signer.award()
    revoke_award(
        signer.registry, issued.hash, "Issued in error", signer.key, now=dt.datetime(2025, 2, 1, tzinfo=dt.UTC)
    )
    out = digital_bazaar(issued.award, signer.registry)
    assert out["status"] == {"verified": True, "status": True}


def test_a_tampered_award_fails_there_too(signer: Signer) -> None:
    award = copy.deepcopy(signer.award().award)
    award["credentialSubject"]["achievement"]["name"] = "SQL Grandmaster"
    out = digital_bazaar(award, signer.registry)
    assert out["verified"] is False
    assert all(p["verified"] is False for p in out["proofs"])


def test_every_example_award_verifies_there() -> None:
    """All 332 example awards, each as of its issue date (Digital Bazaar checks validUntil against "now");
    the revoked ones read as revoked from our status lists."""
    loaded = load_registry(REPO)
    assert loaded.registry is not None
    awards = [json.loads(source.text) for source in iter_awards(REPO)]
    assert len(awards) >= 300
    revoked = {
        entry["award"]
        for issuer in loaded.registry.issuers
        for _, entry in read_revocations(REPO / "registry/issuers" / issuer / "revocations.jsonl")
    }
    payload = {
        "credentials": [{"credential": a, "now": a["validFrom"]} for a in awards],
        "documents": documents(loaded.registry),
    }
    result = subprocess.run(
        ["node", str(NODE_DIR / "verify-vc.mjs")], input=json.dumps(payload), capture_output=True, text=True, check=True
    )
    outcomes = json.loads(result.stdout)
    failures = [(award_hash(a), o) for a, o in zip(awards, outcomes, strict=True) if not o["verified"]]
    assert failures == []
    assert all(len(o["proofs"]) == 2 and all(p["verified"] for p in o["proofs"]) for o in outcomes)
    statuses = {award_hash(a): o["status"]["status"] for a, o in zip(awards, outcomes, strict=True)}
    assert {h for h, s in statuses.items() if s} == revoked
    assert len(revoked) == 18


def test_the_earners_file_verifies_there(signer: Signer, tmp_path: Path) -> None:
    """The copy the earner receives (their award file, no salt published: docs/privacy.md) is a conformant
    OB 3.0 credential there: both proofs and the status list verify."""
    [issued] = issue_awards(
        signer.registry, "acme-academy/sql-basics", [Recipient("ada@example.org")], signer.key, batch=False,
        valid_from=dt.datetime(2025, 3, 1, tzinfo=dt.UTC), earner_dir=tmp_path / "earners",
    )  # fmt: skip
    copy_for_earner = json.loads((tmp_path / "earners" / f"{issued.hash}.json").read_text())
    assert "salt" not in copy_for_earner["credentialSubject"]["identifier"][0]
    out = digital_bazaar(copy_for_earner, signer.registry)
    assert out["error"] is None
    assert out["verified"] is True
    assert sorted((p["cryptosuite"], p["verified"]) for p in out["proofs"]) == [
        ("eddsa-jcs-2022", True),
        ("eddsa-rdfc-2022", True),
    ]
    assert out["status"] == {"verified": True, "status": False}


def did_key_document(did: str) -> dict[str, Any]:
    """The DID document a ``did:key`` stands for (the did:key method derives it from the identifier)."""
    multikey = did.removeprefix("did:key:")
    method = f"{did}#{multikey}"
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": [{"id": method, "type": "Multikey", "controller": did, "publicKeyMultibase": multikey}],
        "assertionMethod": [method],
        "authentication": [method],
    }


def test_proofs_made_for_another_purpose_or_at_no_readable_time_are_refused_there_as_here(signer: Signer) -> None:
    """Where the two verifiers' rules on a proof's purpose and ``created`` meet (tests/verify/test_proof_shape.py):
    a did:key credential both accept as signed, and the same credential signed for ``authentication`` or at a
    ``created`` that is no date-time, which both refuse."""
    from generator.verify import Verdict, verify_credential
    from tests.verify.test_proof_shape import NOW, foreign

    cases = {
        "as signed": foreign(signer),
        "authentication": foreign(signer, purpose="authentication"),
        "created yesterday": foreign(signer, created="yesterday"),
        "created a leap second": foreign(signer, created="2016-12-31T23:59:60Z"),
    }
    docs = documents(signer.registry)
    did = cases["as signed"]["issuer"]["id"]
    docs[did] = did_key_document(did)
    payload = {
        "credentials": [{"credential": c, "now": NOW.isoformat()} for c in cases.values()],
        "documents": docs,
        "checkStatus": False,
    }
    result = subprocess.run(
        ["node", str(NODE_DIR / "verify-vc.mjs")], input=json.dumps(payload), capture_output=True, text=True, check=True
    )
    theirs = dict(zip(cases, (o["verified"] for o in json.loads(result.stdout)), strict=True))
    ours = {
        name: verify_credential(doc, signer.registry, now=NOW, any_issuer=True).verdict is Verdict.VALID
        for name, doc in cases.items()
    }
    assert theirs == ours == {name: name == "as signed" for name in cases}


def test_an_rdfc_proof_over_an_iri_n_quads_cannot_write_holds_nowhere(signer: Signer) -> None:
    """An achievement id holding ``>``, signed as pyld writes it unescaped (as this toolkit did): Digital Bazaar's
    rdf-canonize escapes it, so the proof fails there; here it is refused rather than held
    (generator/crypto/rdfc.py, tests/crypto/test_rdfc.py)."""
    from generator.crypto.dataintegrity import RDFC
    from generator.verify import verify_credential
    from tests.verify.test_proof_shape import NOW, foreign, signed_over_unescaped_iri

    credential = signed_over_unescaped_iri(foreign(signer), "https://elsewhere.example/a>b/")

    docs = documents(signer.registry)
    docs[credential["issuer"]["id"]] = did_key_document(credential["issuer"]["id"])
    payload = {"credential": credential, "documents": docs, "now": NOW.isoformat(), "checkStatus": False}
    result = subprocess.run(
        ["node", str(NODE_DIR / "verify-vc.mjs")], input=json.dumps(payload), capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout)["verified"] is False
    ours = verify_credential(credential, signer.registry, now=NOW, any_issuer=True)
    rdfc = ours.check(f"proof:{RDFC}")
    assert rdfc is not None
    assert rdfc.status == "failed"
    assert "which an IRI in N-Quads may not" in rdfc.reason


def test_an_award_naming_its_key_by_value_is_refused_there_as_here(signer: Signer) -> None:
    """The issuer's DID document names its key ``#key-1``; a proof naming it by its multibase value names no
    method there (tests/verify/test_method_names.py)."""
    from generator.verify import Verdict, verify_credential
    from tests.verify.test_method_names import NOW, by_multibase

    signed, _ = by_multibase(signer)
    assert digital_bazaar(signed, signer.registry)["verified"] is False
    assert verify_credential(signed, signer.registry, now=NOW).verdict is Verdict.INVALID


def test_the_awarded_date_rule_is_the_registrys_profile_not_a_refusal_of_other_badges(signer: Signer) -> None:
    """``awardedDate`` must equal ``validFrom`` in a registered issuer's award (models/award.py
    awarded_on_valid_from), a rule of this registry's profile that Digital Bazaar does not know: a re-signed
    award dated otherwise verifies there and is refused here. Another issuer's badge awarded before it is valid
    from, as OB 3.0 allows, verifies in both."""
    from generator.crypto.dataintegrity import CRYPTOSUITES, add_proofs, create_proof
    from generator.verify import Verdict, verify_credential
    from generator.verify.keys import method_id
    from tests.verify.test_proof_shape import NOW, SEED, foreign

    def resigned(doc: dict[str, Any], seed: bytes, method: str) -> dict[str, Any]:
        unsigned = {k: v for k, v in doc.items() if k != "proof"} | {"awardedDate": "2024-12-01T00:00:00Z"}
        assert unsigned["validFrom"] != unsigned["awardedDate"]
        return add_proofs(
            unsigned,
            [
                create_proof(unsigned, cryptosuite=s, seed=seed, verification_method=method, created=doc["validFrom"])
                for s in CRYPTOSUITES
            ],
        )

    key = signer.key
    ours = resigned(signer.award().award, key.seed, method_id(signer.registry.issuer_did("acme-academy"), key.key_id))
    other = foreign(signer)
    theirs = resigned(other, SEED, other["proof"][0]["verificationMethod"])
    docs = documents(signer.registry)
    docs[theirs["issuer"]["id"]] = did_key_document(theirs["issuer"]["id"])
    payload = {"credentials": [{"credential": ours}, {"credential": theirs}], "documents": docs}
    result = subprocess.run(
        ["node", str(NODE_DIR / "verify-vc.mjs")], input=json.dumps(payload), capture_output=True, text=True, check=True
    )
    outcomes = json.loads(result.stdout)
    assert [o["verified"] for o in outcomes] == [True, True], outcomes
    refused = verify_credential(ours, signer.registry, now=NOW)
    assert refused.verdict is Verdict.INVALID
    assert "must be the award's validFrom" in refused.check("structure").reason  # type: ignore[union-attr]
    assert verify_credential(theirs, signer.registry, now=NOW, any_issuer=True).verdict is Verdict.VALID
