"""credreg check over awards, revocations and status lists: each fault named by file (and line)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from generator.awarding.issue import Recipient, issue_awards
from generator.awarding.revoke import revoke_award
from generator.awarding.signing import sign_document
from generator.awarding.status import set_revoked
from generator.awards import award_filename, award_hash, render_award
from generator.check import CheckOptions, run_check
from generator.crypto.dataintegrity import create_proof
from generator.errors import Problem
from tests.conftest import EPOCH, Signer


def problems(signer: Signer) -> list[Problem]:
    return list(run_check(signer.root, CheckOptions(progress=False)).problems)


def only(signer: Signer, code: str) -> Problem:
    found = problems(signer)
    matching = [p for p in found if p.code == code]
    assert len(matching) == 1, [str(p) for p in found]
    return matching[0]


def test_clean_registry_with_awards_and_revocations(signer: Signer) -> None:
    a = signer.award()
    signer.award(email="b@example.org")
    revoke_award(signer.registry, a.hash, "Issued in error", signer.key, now=dt.datetime(2025, 2, 1, tzinfo=dt.UTC))
    report = run_check(signer.root, CheckOptions(progress=False))
    assert [str(p) for p in report.problems] == []
    assert report.counts["awards"] == 2
    assert report.counts["revocations"] == 1


def test_bad_signature_is_named_by_file(signer: Signer) -> None:
    issued = signer.award()
    doc = json.loads(issued.path.read_text())
    doc["proof"][1]["proofValue"] = doc["proof"][0]["proofValue"]
    _rewrite(signer, issued.path, doc)
    problem = only(signer, "award.proof:eddsa-jcs-2022")
    assert problem.location.path.startswith("registry/issuers/acme-academy/awards/2025/")
    assert problem.field == "proof"
    assert problem.message == "Proof eddsa-jcs-2022: signature does not match"


def test_award_in_a_batch_is_named_by_line(signer: Signer) -> None:
    issued = issue_awards(
        signer.registry,
        "acme-academy/sql-basics",
        [Recipient("a@example.org"), Recipient("b@example.org"), Recipient("c@example.org")],
        signer.key,
        batch=True,
        valid_from=EPOCH + dt.timedelta(days=3),
    )
    path = issued[0].path
    lines = path.read_text().splitlines()
    lines[1] = lines[1].replace('"name":"SQL Basics"', '"name":"SQL Wizard"', 1)
    path.write_text("\n".join(lines) + "\n")
    found = [p for p in problems(signer) if p.code.startswith("award.proof")]
    assert {(p.location.path, p.location.line) for p in found} == {(str(path.relative_to(signer.root)), 2)}


def test_unknown_key(signer: Signer) -> None:
    issued = signer.award()
    doc = json.loads(issued.path.read_text())
    for proof in doc["proof"]:
        proof["verificationMethod"] = proof["verificationMethod"].replace("#key-1", "#key-404")
    _rewrite(signer, issued.path, doc)
    problem = only(signer, "award.key")
    assert "cannot be resolved offline" in problem.message


def test_key_of_another_issuer_in_this_issuers_folder(signer: Signer) -> None:
    _add_issuer(signer, "beta-labs")
    beta = signer.new_key("beta-labs", "beta-1")
    award = signer.award().award
    forged = sign_document(
        {k: v for k, v in award.items() if k != "proof"},
        beta,
        "did:web:registry.test.example:issuers:beta-labs#beta-1",
        EPOCH + dt.timedelta(days=400),
    )
    path = award_filename(signer.root, "acme-academy", forged, award_hash(forged))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_award(forged))
    problem = only(signer, "award.key")
    assert problem.message == "Signing key: the key belongs to issuer 'beta-labs', not to the credential's issuer"
    assert problem.location.path == str(path.relative_to(signer.root))


def test_key_outside_its_validity_window(signer: Signer) -> None:
    signer.award(at=dt.datetime(2025, 6, 1, tzinfo=dt.UTC))
    key_file = signer.root / "keys/acme-academy/key-1.json"
    doc = json.loads(key_file.read_text())
    doc["valid_until"] = "2025-03-31T00:00:00Z"
    key_file.write_text(json.dumps(doc, indent=2))
    problem = only(signer, "award.key")
    assert problem.message == "Signing key: signed on 2025-06-01, after key key-1 was retired (2025-03-31)"


def test_award_for_an_unknown_credential(signer: Signer) -> None:
    issued = signer.award("acme-academy/data-reporting", at=dt.datetime(2025, 2, 15, tzinfo=dt.UTC))
    (signer.root / "registry/issuers/acme-academy/credentials/data-reporting.yaml").unlink()
    analyst = signer.root / "registry/issuers/acme-academy/credentials/data-analyst.yaml"
    analyst.write_text(analyst.read_text().replace("    - acme-academy/data-reporting\n", "    - sql-basics\n"))
    analyst.write_text(
        analyst.read_text().replace("    - sql-basics\n    - sql-basics\n", "    - sql-basics\n    - data-analyst-x\n")
    )
    found = [p for p in problems(signer) if p.code == "award.credential"]
    assert [p.location.path for p in found] == [str(issued.path.relative_to(signer.root))]
    assert "is not a credential acme-academy defines here" in found[0].message


def test_file_name_must_be_the_hash(signer: Signer) -> None:
    issued = signer.award()
    issued.path.rename(issued.path.with_name("renamed.json"))
    assert only(signer, "award.filename").message.startswith("the file must be named after the award's hash")


def test_duplicate_status_index_from_two_pull_requests(signer: Signer) -> None:
    first = signer.award()
    second = signer.award(email="b@example.org")
    unsigned = {k: v for k, v in second.award.items() if k != "proof"}
    unsigned["credentialStatus"] = first.award["credentialStatus"]
    clash = sign_document(unsigned, signer.key, unsigned["issuer"]["id"] + "#key-1", EPOCH + dt.timedelta(days=20))
    second.path.unlink()
    _write(signer, clash)
    problem = only(signer, "award.duplicate-status-index")
    assert "is already used by" in problem.message
    assert problem.field == "credentialStatus.statusListIndex"


def test_revocation_signed_by_a_foreign_key_is_refused(signer: Signer) -> None:
    issued = signer.award()
    _add_issuer(signer, "beta-labs")
    beta = signer.new_key("beta-labs", "beta-1")
    forged_entry = {
        "award": issued.hash,
        "statusList": 1,
        "statusListIndex": 5,
        "revoked": "2025-03-01T00:00:00Z",
        "reason": "x",
    }
    forged_entry["proof"] = create_proof(
        forged_entry,
        cryptosuite="eddsa-jcs-2022",
        seed=beta.seed,
        verification_method="did:web:registry.test.example:issuers:beta-labs#beta-1",
        created="2025-03-01T00:00:00Z",
    )
    log = signer.root / "registry/issuers/acme-academy/revocations.jsonl"
    log.write_text(json.dumps(forged_entry) + "\n")
    problem = only(signer, "revocation.key")
    assert (problem.location.path, problem.location.line) == ("registry/issuers/acme-academy/revocations.jsonl", 1)
    assert "not signed by a key of acme-academy" in problem.message


def test_status_bit_without_a_signed_revocation(signer: Signer) -> None:
    signer.award()
    set_revoked(signer.registry, "acme-academy", 1, 77, signer.key, EPOCH + dt.timedelta(days=30))
    problem = only(signer, "status-list.unexplained-bit")
    assert problem.location.path == "registry/issuers/acme-academy/status/1.json"
    assert problem.message == "index 77 is set but no signed revocation in revocations.jsonl explains it"


def test_status_list_not_signed_by_the_issuer(signer: Signer) -> None:
    signer.award()
    path = signer.root / "registry/issuers/acme-academy/status/1.json"
    doc = json.loads(path.read_text())
    doc["validFrom"] = "2020-01-01T00:00:00Z"
    path.write_text(json.dumps(doc))
    problem = only(signer, "status-list.invalid")
    assert problem.message == "the status list's signature does not verify: signature does not match"


def _add_issuer(signer: Signer, issuer: str) -> None:
    source = signer.root / "registry/issuers/acme-academy/issuer.yaml"
    (signer.root / f"registry/issuers/{issuer}").mkdir()
    (signer.root / f"registry/issuers/{issuer}/issuer.yaml").write_text(
        source.read_text().replace("acme-academy", issuer)
    )


def _rewrite(signer: Signer, old: Path, doc: dict) -> None:  # type: ignore[type-arg]
    old.unlink()
    _write(signer, doc)


def _write(signer: Signer, doc: dict) -> None:  # type: ignore[type-arg]
    path = award_filename(signer.root, "acme-academy", doc, award_hash(doc))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_award(doc))


def test_an_award_that_publishes_its_salt_or_a_name_is_refused(signer: Signer) -> None:
    """Signed by its issuer and otherwise valid, but a published salt (or any recipient data beside the keyed
    hash) would let anyone confirm a guessed address: the check refuses it, naming the file and why."""
    for change, words in (
        (lambda s: s["identifier"][0].update(salt="f" * 32), "a published salt makes the recipient's address"),
        (lambda s: s.update(name="Ada Lovelace"), "holds no recipient data besides the keyed hash"),
    ):
        issued = signer.award()
        unsigned = {k: v for k, v in issued.award.items() if k != "proof"}
        change(unsigned["credentialSubject"])
        key = signer.key
        resigned = sign_document(unsigned, key, f"did:web:registry.test.example:issuers:acme-academy#{key.key_id}",
                                 dt.datetime(2025, 1, 15, 9, 30, tzinfo=dt.UTC))  # fmt: skip
        _rewrite(signer, issued.path, resigned)
        problem = only(signer, "award.structure")
        assert problem.location.path.startswith("registry/issuers/acme-academy/awards/2025/")
        assert words in problem.message, problem.message
        (signer.root / problem.location.path).unlink()
