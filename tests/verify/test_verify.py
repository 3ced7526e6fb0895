"""Verification, check by check, on real signed awards."""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest

from generator.awarding.keys import SigningKey
from generator.awarding.revoke import revoke_award
from generator.awarding.signing import sign_document
from generator.awards import award_hash
from generator.crypto import ed25519
from generator.crypto.multibase import did_key_from_public
from generator.errors import VerificationError
from generator.verify import CheckStatus, Verdict, verify_credential, verify_or_raise
from tests.conftest import EPOCH, Signer, set_at

NOW = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)


def _valid_from(award: dict[str, Any]) -> dt.datetime:
    """When the registry signs ``award``: its validFrom (each proof's created must be it)."""
    return dt.datetime.fromisoformat(award["validFrom"])


def statuses(result: Any) -> dict[str, str]:
    return {c.id: str(c.status) for c in result.checks}


def test_a_fresh_award_is_valid_on_every_check(signer: Signer) -> None:
    issued = signer.award(at=dt.datetime(2025, 3, 1, tzinfo=dt.UTC))
    result = verify_credential(
        issued.award, signer.registry, now=NOW, recipient="ADA@example.org ", recipient_key=issued.recipient_key
    )
    assert bool(result)
    assert result.verdict is Verdict.VALID
    assert statuses(result) == {
        "structure": "passed",
        "proof:eddsa-rdfc-2022": "passed",
        "proof:eddsa-jcs-2022": "passed",
        "proof": "not checked",
        "key": "passed",
        "issuer": "passed",
        "credential": "passed",
        "registered": "passed",
        "status": "passed",
        "validity": "passed",
        "recipient": "passed",
    }
    assert result.facts["credential_name"] == "SQL Basics"
    assert result.award_hash == issued.hash
    assert verify_or_raise(issued.award, signer.registry, now=NOW)


TAMPERS: dict[str, Callable[[dict[str, Any]], None]] = {
    "name": set_at(["name"], "SQL Grandmaster"),
    "validFrom": set_at(["validFrom"], "2020-01-01T00:00:00Z"),
    "validUntil": set_at(["validUntil"], "2099-01-01T00:00:00Z"),
    "recipient hash": set_at(["credentialSubject", "identifier", 0, "identityHash"], "sha256$" + "0" * 64),
    "salt added": set_at(["credentialSubject", "identifier", 0, "salt"], "0" * 32),
    "achievement name": set_at(["credentialSubject", "achievement", "name"], "Advanced SQL"),
    "criteria": set_at(["credentialSubject", "achievement", "criteria", "narrative"], "Attend once."),
    "alignment": set_at(["credentialSubject", "achievement", "alignment", 0, "targetCode"], "0000"),
    "status index": set_at(["credentialStatus", "statusListIndex"], "1"),
    "issuer name": set_at(["issuer", "name"], "Acme University"),
    "evidence added": set_at(["evidence"], [{"id": "https://evil.example/e", "type": ["Evidence"]}]),
    "id": set_at(["id"], "urn:uuid:00000000-0000-4000-8000-000000000000"),
}


@pytest.mark.parametrize("field", sorted(TAMPERS))
def test_any_change_of_meaning_fails_both_named_proofs(signer: Signer, field: str) -> None:
    award = copy.deepcopy(signer.award(until=dt.datetime(2030, 1, 1, tzinfo=dt.UTC)).award)
    TAMPERS[field](award)
    result = verify_credential(award, signer.registry, now=NOW)
    assert not result
    assert result.verdict is Verdict.INVALID
    for suite in ("eddsa-rdfc-2022", "eddsa-jcs-2022"):
        check = result.check(f"proof:{suite}")
        assert check is not None
        assert check.status is CheckStatus.FAILED, f"{suite} missed a change to {field}"
        assert check.reason == "signature does not match"


def test_reformatting_is_not_a_change(signer: Signer) -> None:
    award = signer.award().award
    reordered = json.loads(json.dumps(award, sort_keys=True, indent=5))
    reordered = dict(reversed(list(reordered.items())))
    result = verify_credential(reordered, signer.registry, now=NOW)
    assert result.verdict is Verdict.VALID
    assert award_hash(reordered) == award_hash(award)


def test_one_proof_tampered_names_that_proof(signer: Signer) -> None:
    award = copy.deepcopy(signer.award().award)
    award["proof"][1]["proofValue"] = award["proof"][0]["proofValue"]
    result = verify_credential(award, signer.registry, now=NOW)
    assert statuses(result)["proof:eddsa-rdfc-2022"] == "passed"
    assert result.check("proof:eddsa-jcs-2022").reason == "signature does not match"  # type: ignore[union-attr]
    assert result.verdict is Verdict.INVALID


def test_expired_award_is_authentic_but_expired(signer: Signer) -> None:
    issued = signer.award(at=dt.datetime(2024, 2, 1, tzinfo=dt.UTC), until=dt.datetime(2025, 2, 1, tzinfo=dt.UTC))
    result = verify_credential(issued.award, signer.registry, now=NOW)
    assert result.authentic
    assert result.verdict is Verdict.EXPIRED
    assert result.check("validity").reason == "expired on 2025-02-01"  # type: ignore[union-attr]
    with pytest.raises(VerificationError, match="the credential is expired"):
        verify_or_raise(issued.award, signer.registry, now=NOW)


def test_revoked_award_names_date_and_reason(signer: Signer) -> None:
    issued = signer.award()
    revoke_award(signer.registry, issued.hash, "Assessment irregularity", signer.key, now=NOW)
    result = verify_credential(issued.award, signer.registry, now=NOW)
    assert result.authentic
    assert result.verdict is Verdict.REVOKED
    assert result.check("status").reason == "revoked on 2026-06-01 for this reason: 'Assessment irregularity'"  # type: ignore[union-attr]


def test_recipient_mismatch(signer: Signer) -> None:
    issued = signer.award()
    result = verify_credential(
        issued.award, signer.registry, now=NOW, recipient="eve@example.org", recipient_key=issued.recipient_key
    )
    assert result.verdict is Verdict.RECIPIENT_MISMATCH
    reason = "the email address and recipient key do not match the recipient"
    assert result.check("recipient").reason == reason  # type: ignore[union-attr]
    # The right address with another award's key: refused too (keys are per award).
    other = signer.award().recipient_key
    wrong_key = verify_credential(
        issued.award, signer.registry, now=NOW, recipient="ada@example.org", recipient_key=other
    )
    assert wrong_key.verdict is Verdict.RECIPIENT_MISMATCH


def test_without_the_recipient_key_the_recipient_cannot_be_confirmed(signer: Signer) -> None:
    """The registry never publishes the key: an email alone confirms nothing, and the verdict says so."""
    issued = signer.award()
    for email in ("ada@example.org", "eve@example.org"):
        result = verify_credential(issued.award, signer.registry, now=NOW, recipient=email)
        check = result.check("recipient")
        assert check is not None
        assert check.status is CheckStatus.NOT_CHECKED
        assert check.reason.startswith("cannot confirm without the recipient key")
        assert result.verdict is Verdict.UNTRUSTED
        assert not result
    # A credential from elsewhere with an unsalted hash or a published salt is still compared (OB 3.0).
    from generator.openbadges import identity_hash

    for ident in (
        {"identityHash": identity_hash("ada@example.org", "")},
        {"identityHash": identity_hash("ada@example.org", "pepper"), "salt": "pepper"},
    ):
        doc = copy.deepcopy(issued.award)
        doc["credentialSubject"]["identifier"] = [
            {"type": "IdentityObject", "identityType": "emailAddress", "hashed": True, **ident}
        ]
        check = verify_credential(doc, signer.registry, now=NOW, recipient="Ada@example.org").check("recipient")
        assert check is not None
        assert check.status is CheckStatus.PASSED, ident


def test_key_outside_its_window_at_issuance(signer: Signer) -> None:
    issued = signer.award(at=dt.datetime(2025, 6, 1, tzinfo=dt.UTC))
    key_file = signer.root / "keys/acme-academy/key-1.json"
    doc = json.loads(key_file.read_text())
    doc["revoked_at"], doc["revocation_reason"] = "2025-05-01T00:00:00Z", "key compromised"
    key_file.write_text(json.dumps(doc))
    result = verify_credential(issued.award, signer.registry, now=NOW)
    assert result.verdict is Verdict.INVALID
    assert result.check("key").reason == (  # type: ignore[union-attr]
        "signed on 2025-06-01, after key key-1 was revoked (2025-05-01: key compromised)"
    )


def test_rotated_key_keeps_earlier_awards_valid(signer: Signer) -> None:
    old = signer.award(at=dt.datetime(2024, 6, 1, tzinfo=dt.UTC))
    key_file = signer.root / "keys/acme-academy/key-1.json"
    doc = json.loads(key_file.read_text())
    doc["valid_until"] = "2024-12-31T23:59:59Z"
    key_file.write_text(json.dumps(doc))
    assert verify_credential(old.award, signer.registry, now=NOW).verdict is Verdict.VALID


def test_key_of_another_issuer(signer: Signer) -> None:
    issuer_yaml = signer.root / "registry/issuers/acme-academy/issuer.yaml"
    (signer.root / "registry/issuers/beta-labs").mkdir()
    (signer.root / "registry/issuers/beta-labs/issuer.yaml").write_text(
        issuer_yaml.read_text().replace("acme-academy", "beta-labs")
    )
    beta = signer.new_key("beta-labs", "beta-1")
    award = signer.award().award
    unsigned = {k: v for k, v in award.items() if k != "proof"}
    forged = sign_document(unsigned, beta, "did:web:registry.test.example:issuers:beta-labs#beta-1", _valid_from(award))
    result = verify_credential(forged, signer.registry, now=NOW)
    assert result.verdict is Verdict.INVALID
    assert result.check("key").reason == "the key belongs to issuer 'beta-labs', not to the credential's issuer"  # type: ignore[union-attr]


def test_foreign_did_key_credential_is_authentic_but_not_registered(signer: Signer) -> None:
    seed = ed25519.generate_seed()
    did = did_key_from_public(ed25519.public_from_seed(seed))
    award = signer.award().award
    unsigned = {k: v for k, v in award.items() if k not in ("proof", "credentialStatus")}
    unsigned["issuer"] = {"id": did, "type": ["Profile"], "name": "Someone"}
    # Its own achievement: one that reuses this registry's ids is refused (tests/verify/test_reused_achievement.py).
    subject = copy.deepcopy(unsigned["credentialSubject"])
    subject["achievement"]["id"] = "https://elsewhere.example/achievements/sql/"
    unsigned["credentialSubject"] = subject

    credential = sign_document(unsigned, SigningKey("x", "x", seed), f"{did}#{did.removeprefix('did:key:')}", EPOCH)
    result = verify_credential(credential, signer.registry, now=NOW)
    assert result.authentic
    assert statuses(result)["key"] == "passed"
    assert result.check("issuer").status is CheckStatus.FAILED  # type: ignore[union-attr]
    assert result.verdict is Verdict.UNTRUSTED
    lenient = verify_credential(credential, signer.registry, now=NOW, any_issuer=True)
    assert lenient.verdict is Verdict.VALID
    # Without any registry at all: did:key still resolves offline.
    assert verify_credential(credential, None, now=NOW, any_issuer=True).verdict is Verdict.VALID


def test_unknown_credential_and_unresolvable_key(signer: Signer) -> None:
    award = copy.deepcopy(signer.award().award)
    award["proof"][0]["verificationMethod"] = "did:web:elsewhere.example#k1"
    result = verify_credential(award, signer.registry, now=NOW)
    assert "cannot be resolved offline" in result.check("proof:eddsa-rdfc-2022").reason  # type: ignore[union-attr]
    unsigned = {k: v for k, v in signer.award().award.items() if k != "proof"}
    unsigned["credentialSubject"] = {**unsigned["credentialSubject"]}
    unsigned["credentialSubject"]["achievement"] = {
        **unsigned["credentialSubject"]["achievement"],
        "id": "https://registry.test.example/credentials/acme-academy/ghost/",
    }
    # Signed at its validFrom, as every award of the registry is (Award.signed_at_valid_from).
    resigned = sign_document(
        unsigned, signer.key, "did:web:registry.test.example:issuers:acme-academy#key-1", _valid_from(unsigned)
    )
    result = verify_credential(resigned, signer.registry, now=NOW)
    assert result.authentic
    assert result.check("credential").status is CheckStatus.FAILED  # type: ignore[union-attr]
    assert "is not a credential acme-academy defines here" in result.check("credential").reason  # type: ignore[union-attr]


def test_unsupported_and_missing_proofs(signer: Signer) -> None:
    award = copy.deepcopy(signer.award().award)
    award["proof"][0]["cryptosuite"] = "ecdsa-rdfc-2019"
    result = verify_credential(award, signer.registry, now=NOW)
    assert result.check("proof").reason == "unsupported proof type or cryptosuite: ecdsa-rdfc-2019"  # type: ignore[union-attr]
    del award["proof"]
    result = verify_credential(award, signer.registry, now=NOW)
    assert result.verdict is Verdict.INVALID
    assert "carries no Data Integrity proof" in result.check("structure").reason  # type: ignore[union-attr]


def test_an_award_signed_by_a_key_the_registry_does_not_know_says_so(signer: Signer) -> None:
    """Not "changed after it was issued": no known key could check the signature (issue: any failed proof check
    was headlined as a change)."""
    from generator.verify.results import HeadlineKind

    base = signer.award().award
    method = base["proof"][0]["verificationMethod"].replace("#key-1", "#key-9")
    stranger = SigningKey("acme-academy", "key-9", ed25519.generate_seed())
    signed = sign_document({k: v for k, v in base.items() if k != "proof"}, stranger, method, _valid_from(base))
    result = verify_credential(signed, signer.registry, now=NOW)
    assert result.verdict is Verdict.INVALID
    assert result.check("proof:eddsa-rdfc-2022").reason == f"verification method {method!r} cannot be resolved offline"  # type: ignore[union-attr]
    assert result.headline().kind is HeadlineKind.KEY_NOT_REGISTERED
    assert result.headline().text == "Signed with a key its issuer had not registered."
    # A signature that a known key checks and that fails is still a change.
    forged = sign_document(
        {k: v for k, v in base.items() if k != "proof"},
        stranger,
        base["proof"][0]["verificationMethod"],
        _valid_from(base),
    )
    assert verify_credential(forged, signer.registry, now=NOW).headline().kind is HeadlineKind.CHANGED


def test_a_huge_number_fails_both_proofs_without_raising(signer: Signer) -> None:
    award = copy.deepcopy(signer.award().award)
    award["credentialSubject"]["achievement"]["name"] = 10**400
    result = verify_credential(award, signer.registry, now=NOW)
    assert result.verdict is Verdict.INVALID
    check = result.check("proof:eddsa-rdfc-2022")
    assert check is not None
    assert check.status is CheckStatus.FAILED
    assert check.reason.startswith("credentialSubject.achievement.name: the number is too large")
    assert statuses(result)["proof:eddsa-jcs-2022"] == "failed"


@pytest.mark.parametrize("batch", [False, True])
def test_an_award_file_the_check_refuses_is_not_registered(signer: Signer, batch: bool) -> None:
    # Nested deeper than any award reader reads (the check refuses the file), yet hashed by the registered check
    # with a plain json.loads: "yes: in this registry". It is read as every lookup by hash reads it now.
    issued = signer.award(at=dt.datetime(2025, 3, 1, tzinfo=dt.UTC))
    doc = copy.deepcopy(issued.award)
    nested: list[Any] = []
    for _ in range(70):
        nested = [nested]
    doc["nested"] = nested
    digest = award_hash(doc)
    awards = issued.path.parent.parent
    path = awards / "batches/2025-03-01-sql-basics-deep.jsonl" if batch else awards / digest[:2] / f"{digest}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc) + "\n")
    result = verify_credential(doc, signer.registry, now=NOW)
    assert result.award_hash == digest
    [registered] = [c for c in result.checks if c.id == "registered"]
    assert str(registered.status) == "failed", registered
