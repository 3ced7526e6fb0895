"""The verdict rests on exactly what was signed: no other JSON-LD spelling of a credential is ever VALID.

The RDFC proof signs the RDF graph, which many JSON spellings share; the checks read JSON keys. Reproduced on the
real CLI first (issue 9, item 1): a revoked award with only its RDFC proof and ``credentialStatus`` under its
full IRI, and an expired award with ``validUntil`` under its IRI as a typed ``@value``, both still carry a valid
RDFC signature and were VALID (exit 0). Then every spelling of :mod:`tests.spellings`, on awards of this registry
(the award profile: one spelling, both proofs) and on a foreign credential (the compact form of its own context,
whichever proof verifies).
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from generator.awarding.keys import SigningKey
from generator.awarding.revoke import revoke_award
from generator.awarding.signing import sign_document
from generator.crypto import ed25519
from generator.crypto.compactform import compact_form_problems
from generator.crypto.dataintegrity import JCS, RDFC, verify_proof
from generator.crypto.multibase import did_key_from_public, public_key_from_did_key
from generator.errors import CryptoError
from generator.load import load_registry
from generator.verify import Verdict, Verifier
from tests.conftest import EPOCH, REPO, Signer
from tests.spellings import CRED, ONLY_JCS, ONLY_RDFC, SEC, SPELLINGS

NOW = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)


def cli_verify(root: Path, document: dict[str, Any], tmp_path: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    path = tmp_path / "handed-over.json"
    path.write_text(json.dumps(document, indent=2))
    done = subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(root), "verify", str(path), "--format", "json", *extra],
        capture_output=True,
        text=True,
        check=False,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, json.loads(done.stdout)


@pytest.fixture
def awards(signer: Signer) -> dict[str, dict[str, Any]]:
    """A revoked and an expired award of this registry, and an expired foreign (did:key) credential."""
    revoked = signer.award(at=dt.datetime(2025, 1, 2, tzinfo=dt.UTC), until=dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
    revoke_award(signer.registry, revoked.hash, "Assessment irregularity", signer.key, now=NOW)
    expired = signer.award(at=dt.datetime(2024, 2, 1, tzinfo=dt.UTC), until=dt.datetime(2025, 2, 1, tzinfo=dt.UTC))
    seed = ed25519.generate_seed()
    did = did_key_from_public(ed25519.public_from_seed(seed))
    unsigned = {k: copy.deepcopy(v) for k, v in expired.award.items() if k not in ("proof", "credentialStatus")}
    unsigned["issuer"] = {"id": did, "type": ["Profile"], "name": "Someone"}
    unsigned["credentialSubject"]["achievement"]["creator"] = unsigned["issuer"]
    vm = f"{did}#{did.removeprefix('did:key:')}"
    foreign = sign_document(unsigned, SigningKey("x", "x", seed), vm, EPOCH)
    return {"revoked": revoked.award, "expired": expired.award, "foreign": foreign}


def rdfc_holds(doc: dict[str, Any], public: bytes) -> bool:
    proofs = doc.get("proof")
    proofs = proofs if isinstance(proofs, list) else [proofs]
    return any(isinstance(p, dict) and bool(verify_proof(doc, p, public)) for p in proofs)


# --- reproduction on the real CLI ------------------------------------------------------------------------------


def test_the_two_spellings_of_the_issue_are_not_valid_on_the_cli(
    signer: Signer, awards: dict[str, dict[str, Any]], tmp_path: Path
) -> None:
    revoked = SPELLINGS["credentialStatus under its IRI"](ONLY_RDFC(awards["revoked"]))
    expired = SPELLINGS["validUntil under its IRI as a typed @value"](ONLY_RDFC(awards["expired"]))
    for doc in (revoked, expired):
        assert rdfc_holds(doc, signer.key.public)  # the attack is real: the signed graph did not change
        code, result = cli_verify(signer.root, doc, tmp_path)
        assert (code, result["verdict"], result["valid"]) == (1, "invalid", False), result
        structure = next(c for c in result["checks"] if c["id"] == "structure")
        assert structure["status"] == "failed"
    # As they were signed, the CLI names their real state.
    assert cli_verify(signer.root, awards["revoked"], tmp_path)[1]["verdict"] == "revoked"
    assert cli_verify(signer.root, awards["expired"], tmp_path)[1]["verdict"] == "expired"


def test_a_foreign_credential_in_another_spelling_is_not_valid_on_the_cli(
    signer: Signer, awards: dict[str, dict[str, Any]], tmp_path: Path
) -> None:
    foreign = awards["foreign"]
    code, result = cli_verify(signer.root, foreign, tmp_path, "--any-issuer")
    # It names acme's achievement, so it is no credential of this registry: its dates give no verdict.
    assert result["verdict"] == "untrusted"
    assert result["headline_kind"] == "not published here"
    spelled = SPELLINGS["validUntil under its IRI as a typed @value"](ONLY_RDFC(foreign))
    public = public_key_from_did_key(foreign["issuer"]["id"])
    assert rdfc_holds(spelled, public)
    code, result = cli_verify(signer.root, spelled, tmp_path, "--any-issuer")
    assert (code, result["verdict"]) == (1, "invalid"), result


# --- every spelling ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SPELLINGS))
def test_no_other_spelling_of_a_registry_award_is_valid(
    signer: Signer, awards: dict[str, dict[str, Any]], name: str
) -> None:
    verifier = Verifier(signer.registry)
    for base in ("revoked", "expired"):
        for proofs in (ONLY_RDFC, ONLY_JCS, lambda d: d):
            doc = SPELLINGS[name](proofs(awards[base]))
            result = verifier.verify(doc, now=NOW)
            assert result.verdict is Verdict.INVALID, (base, [c.as_dict() for c in result.checks if c.blocks])
            failed = {c.id for c in result.checks if c.status == "failed"}
            # Where a proof still holds (the signed graph is unchanged), the spelling itself is refused.
            assert "structure" in failed or not any(c.passed for c in result.checks if c.id.startswith("proof:"))


@pytest.mark.parametrize("name", sorted(SPELLINGS))
def test_no_other_spelling_of_a_foreign_credential_is_valid(
    signer: Signer, awards: dict[str, dict[str, Any]], name: str
) -> None:
    """Also when its issuer signed that spelling (only the JCS proof verifies: the JSON is what was signed):
    the meaning must still be unambiguous."""
    verifier = Verifier(signer.registry, any_issuer=True)
    foreign = awards["foreign"]
    assert verifier.verify(foreign, now=NOW).verdict is Verdict.UNTRUSTED  # acme's achievement, expired: not ours
    try:
        docs = [SPELLINGS[name](proofs(foreign)) for proofs in (ONLY_RDFC, ONLY_JCS, lambda d: d)]
    except (KeyError, TypeError):
        pytest.skip("the foreign credential has no such fact")
    seed = bytes(32)
    unsigned = {k: v for k, v in SPELLINGS[name](foreign).items() if k not in ("proof", SEC + "proof")}
    # Signed in that spelling by its issuer (a did:key whose key is its seed here).
    did = did_key_from_public(ed25519.public_from_seed(seed))
    for key in ("issuer", CRED + "issuer", "cred:issuer"):
        if isinstance(unsigned.get(key), dict) and "id" in unsigned[key]:
            unsigned[key] = {**unsigned[key], "id": did}
    with contextlib.suppress(CryptoError):  # not signable at all: the RDFC signer refuses what JSON-LD drops
        docs.append(ONLY_JCS(sign_document(unsigned, SigningKey("x", "x", seed), f"{did}#{did[8:]}", EPOCH)))
    for doc in docs:
        result = verifier.verify(doc, now=NOW)
        # Refused; or, for a spelling compaction gives back as it is (so the same facts), still not ours.
        assert result.verdict in (Verdict.INVALID, Verdict.UNTRUSTED), [c.as_dict() for c in result.checks if c.blocks]
        failed = {c.id for c in result.checks if c.status == "failed"}
        assert (
            (result.verdict is Verdict.UNTRUSTED and result.authentic)
            or "structure" in failed
            or not any(c.passed for c in result.checks if c.id.startswith("proof:"))
        )


def test_the_foreign_rule_accepts_what_compaction_gives_back(awards: dict[str, dict[str, Any]]) -> None:
    assert compact_form_problems(awards["foreign"]) == []
    # A key the contexts do not define is refused: only the bundled contexts decide what a key means.
    assert compact_form_problems({**awards["foreign"], "motto": "Learn"}) != []


def test_every_example_award_is_in_compact_form() -> None:
    """The registry's profile is a subset of the compact form: its one spelling is the one compaction gives."""
    loaded = load_registry(REPO)
    assert loaded.registry is not None
    from generator.awards import iter_awards

    for n, source in enumerate(iter_awards(REPO)):
        if n % 10 == 0:
            assert compact_form_problems(json.loads(source.text)) == [], source.where


def test_suites_are_named_once() -> None:
    assert (RDFC, JCS) == ("eddsa-rdfc-2022", "eddsa-jcs-2022")
