"""The verification cache in the check, with real signatures and real files: warm runs skip RDFC, and no cache
entry ever makes a changed, forged or re-keyed award pass."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from generator.awards import award_filename, award_hash, iter_awards, render_award
from generator.check import CheckOptions, run_check
from generator.crypto import ed25519
from generator.crypto.multibase import b58decode, encode_ed25519_public
from generator.errors import ProblemList
from generator.governance.leaks import RegisteredKeys
from generator.load import load_registry
from generator.verify import cache as cache_module
from generator.verify.cache import VerificationCache
from generator.verify.parallel import award_outcomes
from generator.verify.registry_check import AwardChecker, _profile_statement, check_awards
from tests.conftest import Signer

RDFC = "award.proof:eddsa-rdfc-2022"
JCS = "award.proof:eddsa-jcs-2022"


@pytest.fixture(autouse=True)
def _own_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache_module.SECRET_ENV, "tests-scale-secret")


def _check(signer: Signer) -> tuple[list[str], VerificationCache]:
    """Check every award with the registry's cache (in this process, so the cache's counters are visible)."""
    registry = load_registry(signer.root).registry
    assert registry is not None
    cache = VerificationCache.open(signer.root)
    problems = ProblemList()
    check_awards(registry, problems, outcomes=award_outcomes(registry, jobs=1, cache=cache))
    cache.save(compact=True)
    return [p.code for p in problems], cache


def _with_ects(signer: Signer, credits: float | int) -> Path:
    """An award whose achievement carries a float (ECTS credits, from its definition), signed with both proofs."""
    definition = signer.root / "registry/issuers/acme-academy/credentials/sql-basics.yaml"
    text = definition.read_text()
    definition.write_text(text.replace("  hours: 20\n", f"  hours: 20\n  ects: {credits}\n", 1))
    issued = signer.award()
    assert issued.award["credentialSubject"]["achievement"]["creditsAvailable"] == credits
    return issued.path


def test_warm_check_skips_rdfc_and_still_verifies_jcs(signer: Signer, monkeypatch: pytest.MonkeyPatch) -> None:
    signer.award()
    signer.award(email="b@example.org")
    codes, cache = _check(signer)
    assert codes == []
    assert cache.hits == 0
    assert (signer.root / ".cache" / "credreg" / "verified.tags").is_file()

    # The signatures Ed25519 checks on the warm run: the JCS proofs', every run; RDFC from the cache.
    proofs = [p for source in iter_awards(signer.root) for p in json.loads(source.text)["proof"]]
    jcs_signatures = sorted(b58decode(p["proofValue"][1:]) for p in proofs if p["cryptosuite"] == "eddsa-jcs-2022")
    assert len(jcs_signatures) == 2
    verified: list[bytes] = []
    real = ed25519.verify

    def counting(public: bytes, message: bytes, signature: bytes) -> bool:
        verified.append(signature)
        return real(public, message, signature)

    monkeypatch.setattr(ed25519, "verify", counting)
    codes, cache = _check(signer)
    assert codes == []
    assert sorted(verified) == jcs_signatures
    assert cache.hits == 4 + 1  # per award: its profile check and its RDFC proof; and the key set searched for


def test_check_command_uses_the_cache(signer: Signer) -> None:
    signer.award()
    for _ in range(2):
        report = run_check(signer.root, CheckOptions(progress=False))
        assert [str(p) for p in report.problems] == []
    cache = VerificationCache.open(signer.root)
    assert len(cache) == 2 + 1  # one award: its profile statement and its RDFC proof; the key set searched for


def test_a_changed_award_misses(signer: Signer) -> None:
    issued = signer.award()
    assert _check(signer)[0] == []
    # Reformatted: same JSON value, same award hash, other bytes. It still verifies, but not from the cache.
    doc = json.loads(issued.path.read_text())
    issued.path.write_text(json.dumps(doc, indent=4) + "\n")
    codes, cache = _check(signer)
    assert codes == []
    assert cache.hits == 1  # the key set searched for, not the award


def test_equal_jcs_but_other_bytes_are_checked_again(signer: Signer) -> None:
    # A duplicated member parses (leniently) to the same value: same JCS, same award hash, same valid proofs.
    # A cache keyed by the award hash would vouch for it; keyed by the exact bytes, the strict parser sees it.
    issued = signer.award()
    assert _check(signer)[0] == []
    text = issued.path.read_text()
    name = json.loads(text)["name"]
    issued.path.write_text(text.replace("{", "{" + f'"name": {json.dumps(name)}, ', 1))
    assert json.loads(issued.path.read_text()) == json.loads(text)
    codes, _ = _check(signer)
    assert codes == ["json.duplicate-key"]


def test_floats_take_the_cached_path_too(signer: Signer) -> None:
    _with_ects(signer, 2.5)
    assert _check(signer)[0] == []
    codes, cache = _check(signer)
    assert codes == []
    assert cache.hits == 2 + 1  # the award's profile and RDFC proof; the key set searched for


def test_a_planted_entry_vouches_for_nothing(signer: Signer) -> None:
    issued = signer.award()
    doc = json.loads(issued.path.read_text())
    doc["name"] = "Forged name"  # both signatures now fail
    issued.path.unlink()
    path = award_filename(signer.root, "acme-academy", doc, award_hash(doc))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_award(doc))
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    public = signer.key.public.hex()
    method = doc["proof"][0]["verificationMethod"]
    registry = load_registry(signer.root).registry
    assert registry is not None
    statements = [
        _profile_statement("exact", digest, RegisteredKeys.of(registry).fingerprint),
        f"proof|{digest}|eddsa-rdfc-2022|{method}|{public}",
    ]
    # An attacker without the secret writes the right statements under another secret: nothing changes.
    planted = VerificationCache(b"attacker-secret-0123456789abcdef", path=VerificationCache.open(signer.root).path)
    for statement in statements:
        planted.put(statement, True)
    planted.save()
    # (The forged name also differs from the credential's: "award.credential".)
    assert sorted(_check(signer)[0]) == sorted([RDFC, JCS, "award.credential"])
    # Even an attacker holding the secret cannot make it pass: the JCS proof is verified on every run.
    leaked = VerificationCache.open(signer.root)
    for statement in statements:
        leaked.put(statement, True)
    leaked.save()
    codes, cache = _check(signer)
    assert cache.hits >= 1
    assert sorted(codes) == sorted([JCS, "award.credential"])


def test_a_changed_key_misses(signer: Signer) -> None:
    signer.award()
    assert _check(signer)[0] == []
    # The key file now holds another key: the statements name the old key's bytes, so both proofs are checked
    # again, and both fail.
    key_file = signer.root / "keys" / "acme-academy" / "key-1.json"
    data = json.loads(key_file.read_text())
    data["publicKeyMultibase"] = encode_ed25519_public(ed25519.public_from_seed(ed25519.generate_seed()))
    key_file.write_text(json.dumps(data, indent=2))
    codes, _ = _check(signer)
    assert sorted(codes) == sorted([RDFC, JCS])


def test_the_checker_without_a_cache_is_unchanged(signer: Signer) -> None:
    issued = signer.award()
    registry = load_registry(signer.root).registry
    assert registry is not None
    [source] = list(iter_awards(signer.root))
    outcome = AwardChecker(registry).check(source)
    assert outcome.problems == ()
    assert outcome.digest == issued.hash
