"""credreg check over awards, revocations and status lists: each fault named by file (and line)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from generator.awarding.issue import Recipient, issue_awards
from generator.awarding.revoke import revoke_award
from generator.awarding.signing import sign_document
from generator.awarding.status import revoked_list
from generator.awards import AwardSource, award_filename, award_hash, render_award
from generator.check import CheckOptions, run_check
from generator.crypto.dataintegrity import create_proof
from generator.errors import Problem, ProblemList
from generator.governance.leaks import RegisteredKeys
from generator.verify.cache import VerificationCache
from generator.verify.parallel import plan_units, unit_awards
from generator.verify.registry_check import AwardChecker, AwardIndex, AwardOutcome, _profile_statement
from generator.verify.status import readable_list
from tests.conftest import EPOCH, ISSUED, Signer


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


def test_an_id_two_awards_of_one_issuer_share_is_refused(signer: Signer) -> None:
    """Two different awards, each validly signed, both saying they are ``urn:uuid:…``: one is refused at its
    ``id``, naming the other; the fast path (a warm cache) gives the id as the full path does."""
    first = signer.award()
    second = signer.award(email="b@example.org")
    unsigned = {k: v for k, v in second.award.items() if k != "proof"} | {"id": first.award["id"]}
    method = second.award["proof"][0]["verificationMethod"]
    second.path.unlink()
    _write(signer, sign_document(unsigned, signer.key, method, ISSUED))
    problem = only(signer, "award.duplicate-id")
    assert len(problems(signer)) == 1
    files = {str(p.relative_to(signer.root)) for p in (signer.root / "registry/issuers").rglob("awards/**/*.json")}
    assert problem.location.path in files
    assert problem.field == "id"
    [holder] = files - {problem.location.path}
    assert problem.message == (
        f"the id {first.award['id']} is already the id of the credential in {holder}: every award and endorsement "
        "in the registry needs an id of its own, whoever issued it (re-issue this award)"
    )
    cache = VerificationCache.in_memory()
    checker = AwardChecker(signer.registry, proof_cache=cache)
    units = list(plan_units(signer.root))
    for _ in ("cold", "warm"):
        outcomes = [checker.check_bytes(*award) for unit in units for award in unit_awards(signer.root, unit)]
        assert [o.award_id for o in outcomes] == [int(first.award["id"][9:].replace("-", ""), 16)] * 2


def test_ids_are_distinct_registry_wide() -> None:
    """An id names one credential, whoever issued it: another issuer's award with it is refused too, each naming
    the first. A batch line is named by its line."""
    outcome = AwardOutcome("registry/issuers/x/awards/2025/aa/a.json", None, "aa" * 32, "x", 1, 7, award_id=5)
    other = AwardOutcome("registry/issuers/y/awards/2025/bb/b.json", None, "bb" * 32, "y", 1, 7, award_id=5)
    same = AwardOutcome("registry/issuers/x/awards/2025/cc/c.jsonl", 4, "cc" * 32, "x", 1, 8, award_id=5)
    index, found = AwardIndex(), ProblemList()
    for o in (outcome, other, same):
        index.add(o, found)
    assert [(p.code, p.location.path, p.location.line, p.field) for p in found] == [
        ("award.duplicate-id", "registry/issuers/y/awards/2025/bb/b.json", None, "id"),
        ("award.duplicate-id", "registry/issuers/x/awards/2025/cc/c.jsonl", 4, "id"),
    ]
    for problem in found:
        assert "urn:uuid:00000000-0000-0000-0000-000000000005" in problem.message
        assert "registry/issuers/x/awards/2025/aa/a.json" in problem.message


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
    path, data = revoked_list(signer.registry, "acme-academy", 1, 77, signer.key, EPOCH + dt.timedelta(days=30))
    path.write_bytes(data)
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


def test_a_validity_window_that_never_opens_is_refused_at_its_field(signer: Signer) -> None:
    """Signed by its issuer, but validUntil is before validFrom or the same instant: an incoherent credential, not
    an expired one, located at validUntil. Written in +05:30, a validUntil before validFrom as instants is later as
    text (and refused for its form too: an award's times are in UTC)."""
    start = "validFrom 2025-01-15T09:30:00Z"
    cases = (
        ("2025-01-15T09:29:59Z", f"validUntil: 2025-01-15T09:29:59Z is before {start}"),
        ("2025-01-15T09:30:00Z", f"validUntil: 2025-01-15T09:30:00Z is the same instant as {start}"),
        ("2025-01-15T14:59:59+05:30", f"validUntil: 2025-01-15T14:59:59+05:30 is before {start}"),
        # An equal instant is no empty window to VC 2.0: the profile refuses it first for its form.
        ("2025-01-15T15:00:00+05:30", "validUntil: must be whole seconds in UTC (YYYY-MM-DDThh:mm:ssZ)"),
    )
    for until, said in cases:
        issued = signer.award()
        assert issued.award["validFrom"] == "2025-01-15T09:30:00Z"
        unsigned = {k: v for k, v in issued.award.items() if k != "proof"} | {"validUntil": until}
        method = issued.award["proof"][0]["verificationMethod"]
        _rewrite(signer, issued.path, sign_document(unsigned, signer.key, method, ISSUED))
        problem = only(signer, "award.structure")
        text = (signer.root / problem.location.path).read_text().splitlines()
        assert problem.field == "validUntil"
        assert problem.location.line is not None
        assert '"validUntil"' in text[problem.location.line - 1]
        assert said in problem.message
        (signer.root / problem.location.path).unlink()


# --- the fast path for awards the cache knows: the same outcomes as the full path, for every way to fail ----------


def _fast_path_corpus(signer: Signer) -> tuple[str, list[str]]:
    """Genuine awards (single files, a batch, one with a float) and one award for every way an award can fail;
    returns where the forged one is, and the statements a cache would hold if it had verified it (by the SHA-256
    of its exact bytes)."""
    definition = signer.root / "registry/issuers/acme-academy/credentials/data-reporting.yaml"
    definition.write_text(definition.read_text().replace("  hours: 30\n", "  hours: 30\n  ects: 2.5\n", 1))
    signer.award("acme-academy/data-reporting", at=dt.datetime(2025, 2, 15, tzinfo=dt.UTC))  # kind "floats"
    for i in range(2):
        signer.award(email=f"genuine{i}@example.org")
    method = "did:web:registry.test.example:issuers:acme-academy#key-1"
    batch = issue_awards(
        signer.registry,
        "acme-academy/sql-basics",
        [Recipient(f"cohort{i}@example.org") for i in range(5)],
        signer.key,
        batch=True,
        valid_from=EPOCH + dt.timedelta(days=3),
    )[0].path
    lines = batch.read_text().splitlines()
    lines[1] = lines[1].replace('"name":"SQL Basics"', '"name":"SQL Wizard"', 1)  # a tampered byte
    tampered_rdfc = json.loads(lines[2])  # only the RDFC proof is wrong: the JCS proof still verifies
    tampered_rdfc["proof"][0]["proofValue"] = json.loads(lines[3])["proof"][0]["proofValue"]
    lines[2] = json.dumps(tampered_rdfc, separators=(",", ":"))
    batch.write_text("\n".join(lines) + "\n")
    # Signed with acme's profile of then, but the day after the rebrand below: too late to carry it.
    signer.award(email="late@example.org", at=dt.datetime(2025, 2, 21, tzinfo=dt.UTC))
    # A rebrand: the genuine awards above carry acme's former profile, every award below its current one.
    issuer_yaml = signer.root / "registry/issuers/acme-academy/issuer.yaml"
    issuer_yaml.write_text(
        issuer_yaml.read_text().replace("name: Acme Academy\n", "name: Acme Data School\n")
        + "former_profiles:\n  - until: 2025-02-20\n    name: Acme Academy\n    url: https://acme.example\n"
        "    email: credentials@acme.example\n"
    )

    def resigned(change: Any, *, key: Any = None, method: str = method) -> dict[str, Any]:
        unsigned = {k: v for k, v in signer.award(email="x@example.org").award.items() if k != "proof"}
        for path in signer.root.glob("registry/issuers/acme-academy/awards/2025/*/*.json"):
            if json.loads(path.read_text())["credentialSubject"] == unsigned["credentialSubject"]:
                path.unlink()
        change(unsigned)
        # At its validFrom, as the registry signs (Award.signed_at_valid_from): only the change is wrong.
        return sign_document(unsigned, key or signer.key, method, dt.datetime.fromisoformat(unsigned["validFrom"]))

    swapped = signer.award(email="swapped@example.org")
    doc = json.loads(swapped.path.read_text())
    doc["proof"][1]["proofValue"] = doc["proof"][0]["proofValue"]  # the JCS proof does not match
    _rewrite(signer, swapped.path, doc)
    unknown = signer.award(email="unknown@example.org")
    doc = json.loads(unknown.path.read_text())
    for proof in doc["proof"]:
        proof["verificationMethod"] = proof["verificationMethod"].replace("#key-1", "#key-404")
    _rewrite(signer, unknown.path, doc)
    _add_issuer(signer, "beta-labs")
    beta = signer.new_key("beta-labs", "beta-1")
    beta_method = "did:web:registry.test.example:issuers:beta-labs#beta-1"
    _write(signer, resigned(lambda d: None, key=beta, method=beta_method))  # another issuer's key
    late = signer.new_key("acme-academy", "key-2", since=dt.datetime(2026, 6, 1, tzinfo=dt.UTC))
    _write(signer, resigned(lambda d: None, key=late, method=method.replace("key-1", "key-2")))  # before its window
    # Not the registered profile (nor the achievement's creator, the same node: the structure check refuses it too).
    _write(signer, resigned(lambda d: d["issuer"].update(name="Acme Academy Ltd")))
    _write(signer, resigned(lambda d: d["credentialSubject"]["achievement"].update(description="Other.")))
    _write(signer, resigned(lambda d: d.update(validUntil="2024-12-31T23:59:59Z")))  # before its validFrom
    beta_list = "https://registry.test.example/issuers/beta-labs/status/1.json"
    _write(
        signer,
        resigned(
            lambda d: d["credentialStatus"].update(
                statusListCredential=beta_list, id=f"{beta_list}#{d['credentialStatus']['statusListIndex']}"
            )
        ),
    )
    # A genuine award of beta-labs, on a status list of acme-academy, in acme-academy's folder: only the folder
    # says it does not belong here.
    credentials = signer.root / "registry/issuers/beta-labs/credentials"
    credentials.mkdir()
    (credentials / "sql-basics.yaml").write_text(
        (signer.root / "registry/issuers/acme-academy/credentials/sql-basics.yaml").read_text()
    )
    [theirs] = issue_awards(signer.registry, "beta-labs/sql-basics", [Recipient("b@example.org")], beta, batch=False)
    unsigned = {k: v for k, v in theirs.award.items() if k != "proof"}
    unsigned["credentialStatus"] = signer.award(email="slot@example.org").award["credentialStatus"]
    theirs.path.unlink()
    _write(signer, sign_document(unsigned, beta, beta_method, dt.datetime.fromisoformat(unsigned["validFrom"])))
    # Genuine but signed ahead of the check's clock (its proofs created at its validFrom): refused on both paths.
    signer.award(email="future@example.org", at=dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=1))
    misnamed = signer.award(email="misnamed@example.org")
    misnamed.path.rename(misnamed.path.with_name("misnamed.json"))
    duplicated = signer.award(email="duplicated@example.org")
    text = duplicated.path.read_text()
    duplicated.path.write_text(text.replace("{", '{"name": "SQL Basics", ', 1))
    forged = signer.award(email="forged@example.org")
    doc = json.loads(forged.path.read_text())
    doc["credentialSubject"]["identifier"][0]["identityHash"] = "sha256$" + "0" * 64  # both signatures now fail
    _rewrite(signer, forged.path, doc)
    forged_path = next(
        p for p in signer.root.glob("registry/issuers/acme-academy/awards/*/*/*.json") if "0" * 64 in p.read_text()
    )
    digest = hashlib.sha256(forged_path.read_bytes()).hexdigest()
    key = signer.key.public.hex()
    keyset = RegisteredKeys.of(signer.registry).fingerprint
    planted = [_profile_statement("exact", digest, keyset), f"proof|{digest}|eddsa-rdfc-2022|{method}|{key}"]
    return str(forged_path.relative_to(signer.root)), planted


def _full_path_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Where each award that takes AwardChecker's full path is (the list fills as checks run)."""
    calls: list[str] = []
    real_full = AwardChecker._full

    def counting(self: AwardChecker, source: AwardSource, *args: Any) -> AwardOutcome:
        calls.append(source.where)
        return real_full(self, source, *args)

    monkeypatch.setattr(AwardChecker, "_full", counting)
    return calls


def test_the_fast_path_gives_the_full_paths_outcomes(signer: Signer, monkeypatch: pytest.MonkeyPatch) -> None:
    """Cold and warm, the fast path and the full path give identical outcomes (hash, slot, problems), and the
    fast path is taken for exactly the awards without a problem. A cache whose secret leaked, vouching for a
    forged award's bytes and RDFC proof, changes nothing: the JCS proof is verified from the bytes."""
    forged, planted = _fast_path_corpus(signer)
    registry = signer.registry
    full_calls = _full_path_calls(monkeypatch)

    def outcomes(checker: AwardChecker) -> list[AwardOutcome]:
        units = plan_units(registry.root)
        return [checker.check_bytes(*award) for unit in units for award in unit_awards(registry.root, unit)]

    runs: dict[bool, list[list[AwardOutcome]]] = {}
    for fast in (False, True):
        cache = VerificationCache.in_memory()
        for statement in planted:
            cache.put(statement, True)
        checker = AwardChecker(registry, proof_cache=cache, fast_path=fast)
        runs[fast] = [outcomes(checker), outcomes(checker)]  # cold, then warm
        if fast:
            full_calls.clear()
            warm = outcomes(checker)
            assert warm == runs[fast][1]
            failing = {f"{o.source_path}:{o.line}" if o.line else o.source_path for o in warm if o.problems}
            assert set(full_calls) == failing  # every award with a problem, and only those, took the full path
    assert runs[True] == runs[False]  # cold and warm
    # New awards (the PR check) must carry the current profile: the awards with the former one fail, on both paths.
    new_runs = [outcomes(AwardChecker(registry, proof_cache=cache, new=True, fast_path=f)) for f in (False, True)]
    assert new_runs[0] == new_runs[1]
    former = [o for o in new_runs[0] if "former profile" in " ".join(p.message for p in o.problems)]
    assert len(former) == 9, former  # the four single awards and five batch lines from before the rebrand
    # A new award's signing time is the pull-request check's freshness rule (governance.fresh-signature): not
    # refused twice.
    assert not [p for o in new_runs[0] for p in o.problems if p.code == "award.validity"]
    full_calls.clear()
    uncached = outcomes(AwardChecker(registry))
    # Without a cache, the same, but for the forged award, whose RDFC proof the planted statement vouches for.
    differ = [(o, c) for o, c in zip(uncached, runs[True][1], strict=True) if o != c]
    assert [c.source_path for _, c in differ] == [forged]
    [(without, warm_forged)] = differ
    assert [p.code for p in without.problems] == ["award.proof:eddsa-rdfc-2022", "award.proof:eddsa-jcs-2022"]
    assert [p.code for p in warm_forged.problems] == ["award.proof:eddsa-jcs-2022"]
    [future] = [o for o in runs[True][1] if any(p.code == "award.validity" for p in o.problems)]
    assert [p.field for p in future.problems] == ["validFrom"]
    codes = sorted(p.code for o in uncached for p in o.problems)
    for expected in (
        "award.proof:eddsa-rdfc-2022",
        "award.proof:eddsa-jcs-2022",
        "award.key",
        "award.issuer",
        "award.credential",
        "award.wrong-folder",
        "award.filename",
        "award.status-list",
        "json.duplicate-key",
    ):
        assert expected in codes, codes
    misplaced = [[p.code for p in o.problems] for o in uncached if "award.wrong-folder" in {p.code for p in o.problems}]
    assert misplaced == [["award.wrong-folder"]]  # (its status slot is the one of another award: a cross-award rule)
    assert sum(not o.problems for o in uncached) == 7  # 1 + 2 + 1 single awards, 5 - 2 batch lines (and no more)
    assert {p.message for o in uncached for p in o.problems if "after it was replaced" in p.message} == {
        f"{label}: {who} former profile 'Acme Academy' (used until 2025-02-20), but the award was signed on "
        "2025-02-21 (UTC; proof created 2025-02-21T00:00:00Z), after it was replaced: an award carries a former "
        "profile only if it was signed while that profile was current"
        for label, who in (
            ("Issuer registered", "the issuer is acme-academy's"),
            ("Credential defined", "the achievement's creator is its issuer's"),
        )
    }
    assert {p.message for o in uncached for p in o.problems if p.code == "award.key"} == {
        "Signing key: did:web:registry.test.example:issuers:acme-academy#key-404 cannot be resolved offline",
        "Signing key: the key belongs to issuer 'beta-labs', not to the credential's issuer",
        "Signing key: signed on 2025-01-15, before key key-2 became valid (2026-06-01)",
    }


def test_a_key_file_that_is_not_a_key_is_located_and_awards_are_still_checked(signer: Signer) -> None:
    issued = signer.award()
    key_path = signer.root / "keys/acme-academy/key-1.json"
    key = json.loads(key_path.read_text())
    not_a_key = "z6Mk" + "1" * 44  # matches the schema's pattern; its multicodec header is not Ed25519's
    key_path.write_text(key_path.read_text().replace(key["publicKeyMultibase"], not_a_key))
    found = problems(signer)
    [invalid] = [p for p in found if p.code == "key.invalid"]
    assert (invalid.location.path, invalid.field) == ("keys/acme-academy/key-1.json", "publicKeyMultibase")
    assert invalid.location.line is not None
    assert "not an Ed25519 public key" in invalid.message
    # The rest of the check ran: the award signed with that key is reported, by file.
    rel = issued.path.relative_to(signer.root).as_posix()
    assert any(p.location.path == rel for p in found if p.code.startswith("award.")), [str(p) for p in found]


def test_registry_resolver_skips_a_key_that_is_not_a_key(signer: Signer) -> None:
    from generator.verify.keys import RegistryKeyResolver

    registry = signer.registry
    record = registry.issuers["acme-academy"]
    source = record.keys["key-1"]
    bad = source.model.model_copy(update={"publicKeyMultibase": "z6Mk" + "1" * 44})
    record.keys["key-1"] = type(source)(bad, source.doc)
    method = f"{registry.issuer_did('acme-academy')}#key-1"
    assert RegistryKeyResolver(registry).resolve(method) is None


def test_a_key_registered_since_costs_known_awards_a_search_for_its_seed_not_the_full_path(
    signer: Signer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The cache's statements name the key set they were searched for (a token becomes a private key when its key
    is registered). One key added since: known awards are searched for its seed alone and keep the fast path;
    more than one: every award takes the full path once. Either way the outcomes are those of a cold check."""
    for n in range(3):
        signer.award(email=f"known-{n}@example.org")
    full_calls = _full_path_calls(monkeypatch)
    secret, path = b"0123456789abcdef0123456789abcdef", tmp_path / "cache" / "statements"

    def run() -> list[AwardOutcome]:
        """A full check's use of its cache: loaded, every award looked up, saved keeping only what it used."""
        full_calls.clear()
        registry = signer.registry
        cache = VerificationCache(secret, path=path)
        checker = AwardChecker(registry, proof_cache=cache)
        units = plan_units(registry.root)
        done = [checker.check_bytes(*award) for unit in units for award in unit_awards(registry.root, unit)]
        cache.save(compact=True)
        return done

    cold = run()
    assert len(full_calls) == len(cold) == 3
    assert all(not o.problems for o in cold)
    assert run() == cold
    assert full_calls == []  # warm, and compacted again
    signer.new_key("acme-academy", "key-2")
    assert run() == cold
    assert full_calls == []  # searched for key-2's seed only
    assert run() == cold
    assert full_calls == []
    signer.new_key("acme-academy", "key-3")
    signer.new_key("acme-academy", "key-4")
    assert run() == cold
    assert len(full_calls) == 3  # two keys at once: the full path, once
    assert run() == cold
    assert full_calls == []


def test_an_award_id_that_is_not_random_is_refused(signer: Signer) -> None:
    """An award's id is published; an issuer's own tooling could derive it from the recipient. A name-based UUID
    (version 3 or 5) of the address lets anyone confirm a guess: hash it, look for the id. A time-based one
    (version 1, 6 or 7) carries when each award was made, to the microsecond or millisecond, and so the order of
    a class list that the batch's random line order hides. The check takes version 4 (random) ids only, of the
    RFC 9562 variant, as `credreg award` makes them."""
    email = "ada@example.org"
    guessed = uuid.uuid5(uuid.NAMESPACE_URL, f"mailto:{email}")
    for made in (
        guessed,
        uuid.uuid3(uuid.NAMESPACE_DNS, email),
        uuid.uuid1(),
        uuid.UUID("01890a5d-ac96-774b-bcce-b302099a8057"),  # version 7 (RFC 9562's example)
        uuid.UUID(int=uuid.uuid4().int & ~(0xC << 60)),  # version 4's bits, but not the RFC's variant
    ):
        issued = signer.award()
        unsigned = {k: v for k, v in issued.award.items() if k != "proof"} | {"id": f"urn:uuid:{made}"}
        key = signer.key
        resigned = sign_document(unsigned, key, f"did:web:registry.test.example:issuers:acme-academy#{key.key_id}",
                                 dt.datetime(2025, 1, 15, 9, 30, tzinfo=dt.UTC))  # fmt: skip
        _rewrite(signer, issued.path, resigned)
        if made == guessed:
            # The attack: a guessed address, hashed as the tooling did, finds its award among the published ones.
            published = {p.name for p in signer.root.rglob("awards/**/*.json") if str(guessed) in p.read_text()}
            assert published == {f"{award_hash(resigned)}.json"}
        problem = only(signer, "award.structure")
        assert problem.location.path.startswith("registry/issuers/acme-academy/awards/2025/")
        assert "4[0-9a-f]{3}-[89ab][0-9a-f]{3}" in problem.message, problem.message
        (signer.root / problem.location.path).unlink()
    assert problems(signer) == []


@pytest.mark.parametrize("ahead", [dt.timedelta(days=1), dt.timedelta(days=365 * 7000)])
def test_a_status_list_signed_in_the_future_is_refused_at_its_valid_from(signer: Signer, ahead: dt.timedelta) -> None:
    """A list signed (and valid from) after the check's clock is not in force, so the status of every award on it
    is unknown: refused, at the field that says so (it was named at no field, a reader left to find which date)."""
    signer.award()
    when = (dt.datetime.now(dt.UTC) + ahead).replace(microsecond=0)
    path, data = revoked_list(signer.registry, "acme-academy", 1, 0, signer.key, when)
    path.write_bytes(data)
    problem = only(signer, "status-list.invalid")
    assert (problem.location.path, problem.field) == ("registry/issuers/acme-academy/status/1.json", "validFrom")
    assert problem.message == f"the status list is not in force: not valid before {json.loads(data)['validFrom']}"


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"validFrom": "2025-03-01T00:00:00.5Z"}, "validFrom: must be whole seconds in UTC (YYYY-MM-DDThh:mm:ssZ), "
         "as the registry writes it: a fraction of a second or an offset is free digits that could carry a number "
         "or a message beside the list's bits (docs/privacy.md)"),
        ({"validUntil": "2099-01-01T01:00:00+01:00"}, "validUntil: must be whole seconds in UTC"),
    ],
)  # fmt: skip
def test_a_status_lists_free_digits_are_refused_in_a_lists_words(
    signer: Signer, change: dict[str, str], words: str
) -> None:
    """A list has no recipient: its refusal says what free digits in its times could do to it (the award's words
    said "an award's recipient"). Python's words; policies.js listTimesProblem's are held equal to them by
    tests/site/test_statuslist_js.py."""
    signer.award()
    path = signer.root / "registry/issuers/acme-academy/status/1.json"
    reading = readable_list({**json.loads(path.read_text()), **change})
    assert reading.bits is None
    assert reading.problem == f"the status list is not well-formed: {words}" or words in reading.problem
    assert "recipient" not in reading.problem


@pytest.mark.parametrize("batch", [False, True])
@pytest.mark.parametrize("ahead", [dt.timedelta(hours=2), dt.timedelta(days=365 * 7000)])
def test_an_award_signed_in_the_future_is_refused_at_its_valid_from(
    signer: Signer, ahead: dt.timedelta, batch: bool
) -> None:
    """An award is signed when it is issued, its proofs created at its validFrom: one dated beyond the clock skew
    ahead of the check says it was signed at a time still to come. The pull-request check refused it
    (governance.fresh-signature), but the full check (which gates the build, and runs on main after a push that
    bypassed the pull request) took it. Refused at its validFrom (its line in a batch), cold and warm: the fast
    path refuses it too, and the cache never records the verdict, which depends on the clock."""
    signer.award()  # a genuine award beside it stays accepted
    when = (dt.datetime.now(dt.UTC) + ahead).replace(microsecond=0)
    recipients = [Recipient(f"later{i}@example.org") for i in range(3 if batch else 1)]
    issued = issue_awards(signer.registry, "acme-academy/sql-basics", recipients, signer.key, batch=batch,
                          valid_from=when)  # fmt: skip
    rel = str(issued[0].path.relative_to(signer.root))
    valid_from = issued[0].award["validFrom"]
    assert valid_from == when.strftime("%Y-%m-%dT%H:%M:%SZ")
    for _ in ("cold", "warm"):
        found = problems(signer)
        assert {p.code for p in found} == {"award.validity"}, [str(p) for p in found]
        assert {(p.location.path, p.field) for p in found} == {(rel, "validFrom")}
        if batch:  # each line of the batch, named
            assert sorted(p.location.line for p in found) == [1, 2, 3]
        else:  # the file, at validFrom's line
            [problem] = found
            assert issued[0].path.read_text().splitlines()[problem.location.line - 1].lstrip().startswith('"validFrom"')
        assert {p.message for p in found} == {f"In force: not valid before {valid_from}"}


@pytest.mark.parametrize("shift", [dt.timedelta(minutes=2), -dt.timedelta(days=30)])
def test_an_award_within_the_clock_skew_or_expired_is_accepted(signer: Signer, shift: dt.timedelta) -> None:
    """A few minutes ahead is a signer's clock; an expired award is a legitimate state of an award in the registry
    (``credreg verify`` and the site say so): the full check takes both, cold and warm."""
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    if shift > dt.timedelta(0):
        signer.award(at=now + shift)
    else:
        signer.award(at=now + shift, until=now - dt.timedelta(days=1))
    assert [str(p) for p in problems(signer)] == []
    assert [str(p) for p in problems(signer)] == []


def test_the_award_checker_judges_a_future_award_at_its_own_clock(signer: Signer) -> None:
    """The checker reads the clock once (``now``, pinned here), for the full path and the fast path alike."""
    issued = signer.award(at=dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
    source = AwardSource(str(issued.path.relative_to(signer.root)), None, issued.path.read_text())
    for fast in (False, True):
        cache = VerificationCache.in_memory()
        for now, refused in (
            (dt.datetime(2029, 12, 31, 23, 54, 59, 999999, tzinfo=dt.UTC), True),
            (dt.datetime(2029, 12, 31, 23, 55, tzinfo=dt.UTC), False),  # exactly the clock skew ahead
            (dt.datetime(2029, 12, 31, 23, 55, 0, 1, tzinfo=dt.UTC), False),
        ):
            for _ in ("cold", "warm"):
                checker = AwardChecker(signer.registry, proof_cache=cache, fast_path=fast, now=now)
                assert [p.code for p in checker.check(source).problems] == (["award.validity"] if refused else [])


def test_a_revocation_signed_in_the_future_is_refused_at_its_revoked_date(signer: Signer) -> None:
    """A revocation is signed when it is made, its proof created at its ``revoked`` time: one dated ahead of the
    check's clock (beyond the skew) says the award was revoked at a time still to come, a date the site shows. The
    pull-request check refuses it (governance.fresh-signature); the full check took it when its list was signed
    now. Refused at ``revoked``, as an award or an endorsement dated ahead is."""
    issued = signer.award()
    later = (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).replace(microsecond=0)
    revoke_award(signer.registry, issued.hash, "Issued in error", signer.key, now=later)
    # Its list signed now, the bit set: only the revocation's date is ahead.
    index = int(issued.award["credentialStatus"]["statusListIndex"])
    path, data = revoked_list(signer.registry, "acme-academy", 1, index,
                              signer.key, dt.datetime.now(dt.UTC).replace(microsecond=0))  # fmt: skip
    path.write_bytes(data)
    [problem] = problems(signer)  # one problem: the slot it revokes still explains the list's bit
    assert problem.code == "revocation.validity"
    assert (problem.location.path, problem.location.line, problem.field) == (
        "registry/issuers/acme-academy/revocations.jsonl",
        1,
        "revoked",
    )
    revoked = later.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert problem.message == f"In force: not valid before {revoked}"


def test_the_build_refuses_a_registry_holding_a_future_award_once(signer: Signer) -> None:
    """``credreg build`` runs the full check and publishes nothing when it refuses: one error for the award."""
    from generator.errors import ProblemsFound
    from generator.publish.site import load_for_build

    signer.award()  # its status list signed then (a list first signed ahead is refused too, at its own validFrom)
    load_for_build(signer.root)  # accepted without the future award
    signer.award(at=(dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).replace(microsecond=0))
    with pytest.raises(ProblemsFound) as refused:
        load_for_build(signer.root)
    assert [(p.code, p.field) for p in refused.value.problems] == [("award.validity", "validFrom")]


def test_a_lists_reason_carries_its_field(signer: Signer) -> None:
    """Why a list is not read names the field it is about by itself (status.py ListProblem), so the full check's
    location is never read back out of the message's words."""
    from generator.verify.status import ListProblem

    signer.award()
    path = signer.root / "registry/issuers/acme-academy/status/1.json"
    signed = json.loads(path.read_text())
    now = dt.datetime.now(dt.UTC)
    assert isinstance(readable_list(signed).read(now), bytes)
    ended = {**signed, "validUntil": "2025-02-01T00:00:00Z"}
    assert readable_list(ended).read(now) == ListProblem(
        "the status list is not in force: expired on 2025-02-01T00:00:00Z", "validUntil"
    )
    # (readable_list reads no signature: the proofs' times follow the list's, as a list signed ahead has them.)
    later = [{**proof, "created": "2999-01-01T00:00:00Z"} for proof in signed["proof"]]
    ahead = {**signed, "validFrom": "2999-01-01T00:00:00Z", "proof": later}
    assert readable_list(ahead).read(now) == ListProblem(
        "the status list is not in force: not valid before 2999-01-01T00:00:00Z", "validFrom"
    )
    unreadable = {**signed, "validUntil": 7}
    reason = readable_list(unreadable).read(now)
    assert isinstance(reason, ListProblem)
    assert reason.field == ""
    # The message and the two-part reading every other caller unpacks stay as they were.
    assert readable_list(ended).at(now) == (None, "the status list is not in force: expired on 2025-02-01T00:00:00Z")
