"""A registered issuer's key is named exactly as its published DID document names it: ``<DID>#<key id>``.

Found by attack (the signature layer's review): an award whose proofs named acme's key by its multibase value
(``did:web:…:acme-academy#z6Mk…``) passed ``credreg check`` and was VALID in ``credreg verify`` and on the page,
which looked the key up by value too; but the issuer's DID document has no such method, so Digital Bazaar's
verifier (like any that dereferences the method) refused it (tests/interop/test_digital_bazaar.py). Python's
endorsement check accepted the same spelling while the page's did not.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from generator.awarding.signing import sign_document
from generator.awards import award_filename, award_hash, render_award
from generator.check import run_check
from generator.endorsements import unsigned_endorsement
from generator.load import load_registry
from generator.models.endorsement import EndorsementKind
from generator.verify import Verdict, verify_credential
from tests.conftest import ISSUED, Signer

NOW = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)


def by_multibase(signer: Signer) -> tuple[dict[str, object], str]:
    """A fresh award of acme, signed again with its method naming the key by its multibase value, stored in the
    registry in place of the original; and that method."""
    issued = signer.award()
    did = issued.award["proof"][0]["verificationMethod"].partition("#")[0]
    multikey = signer.registry.issuers["acme-academy"].keys["key-1"].model.publicKeyMultibase
    method = f"{did}#{multikey}"
    unsigned = {k: v for k, v in issued.award.items() if k != "proof"}
    signed = sign_document(unsigned, signer.key, method, ISSUED)
    award_filename(signer.root, "acme-academy", issued.award, issued.hash).unlink()
    path = award_filename(signer.root, "acme-academy", signed, award_hash(signed))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_award(signed))
    return signed, method


def test_an_award_naming_its_key_by_value_is_not_valid(signer: Signer) -> None:
    signed, method = by_multibase(signer)
    result = verify_credential(signed, signer.registry, now=NOW)
    assert result.verdict is Verdict.INVALID
    for check_id in ("proof:eddsa-rdfc-2022", "proof:eddsa-jcs-2022"):
        check = result.check(check_id)
        assert check is not None
        assert check.reason == f"verification method {method!r} cannot be resolved offline"
    # As issued (the key by its id), the same award is valid.
    assert verify_credential(signer.award().award, signer.registry, now=NOW).verdict is Verdict.VALID


def test_the_registry_check_refuses_it(signer: Signer) -> None:
    by_multibase(signer)
    problems = [str(p) for p in run_check(signer.root).problems]
    assert any("cannot be resolved offline" in p for p in problems), problems


def test_an_endorsement_naming_its_key_by_value_is_refused(signer: Signer, tmp_path: Path) -> None:
    from tests.test_endorsements import CREDENTIAL, _signing, add_endorser

    root = signer.root
    add_endorser(root, "data-council", "Data Council")
    signing = _signing(root, tmp_path)
    registry = load_registry(root).registry
    assert registry is not None
    did = registry.endorser_did("data-council")
    multikey = registry.endorser_keys("data-council")["k1"].model.publicKeyMultibase
    when = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    unsigned = unsigned_endorsement(
        registry, "data-council", CREDENTIAL, kind=EndorsementKind.RECOGNISES, comment="Recognised.",
        scope="analysts", valid_from=when, valid_until=None, status_list=1, status_index=3,
    )  # fmt: skip
    for method, refused in ((f"{did}#k1", False), (f"{did}#{multikey}", True)):
        signed = sign_document(unsigned, signing, method, when)
        rel = f"registry/endorsers/data-council/endorsements/{award_hash(signed)}.json"
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(render_award(signed), encoding="utf-8")
        problems = [str(p) for p in run_check(root).problems]
        assert any("is not a registered key of data-council" in p for p in problems) is refused, problems
        (root / rel).unlink()
