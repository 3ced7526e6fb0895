"""Who defines what: a foreign credential that reuses one of the registry's Achievement ids with another issuer is
reported, even when any issuer is accepted (an open gap of OB 3.0, which lets anyone name any achievement)."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

from generator.awarding.keys import SigningKey
from generator.awarding.signing import sign_document
from generator.awards import iter_awards
from generator.crypto import ed25519
from generator.crypto.multibase import did_key_from_public
from generator.load import load_registry
from generator.verify import verify_credential
from tests.conftest import REPO


def _foreign_copy() -> dict[str, object]:
    award = next(iter_awards(REPO, "northbridge-university")).parse(strict=False).data
    seed = bytes(range(32))
    did = did_key_from_public(ed25519.public_from_seed(seed))
    unsigned = {k: v for k, v in award.items() if k not in ("proof", "credentialStatus")}
    unsigned["issuer"] = {"id": did, "type": ["Profile"], "name": "Northbridge Univ. (really someone else)"}
    when = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
    return sign_document(unsigned, SigningKey("x", "x", seed), f"{did}#{did.removeprefix('did:key:')}", when)


def test_reuse_of_an_achievement_id_by_another_issuer_is_reported(tmp_path: Path) -> None:
    registry = load_registry(REPO).registry
    assert registry is not None
    foreign = _foreign_copy()
    result = verify_credential(foreign, registry, any_issuer=True)
    check = result.check("credential")
    assert check is not None
    assert str(check.status) == "failed"
    assert "northbridge-university's credential in this registry" in check.reason
    assert not result
    assert result.authentic  # the signature is fine: the claim is what is wrong

    path = tmp_path / "foreign.json"
    path.write_text(json.dumps(foreign), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(REPO), "verify", str(path), "--any-issuer"],
        capture_output=True, text=True, check=False, env={**os.environ, "PYTHONPATH": str(REPO)},
    )  # fmt: skip
    assert done.returncode == 1
    assert "only its owner awards it" in done.stdout


def _published_statements(tmp_path: Path) -> Path:
    """What `make site` publishes of the example registry's statements (signed by a demo key)."""
    from generator.publish.site import _registry_statements

    registry = load_registry(REPO).registry
    assert registry is not None
    site = tmp_path / "site"
    statements = _registry_statements(registry, site, dt.datetime(2026, 1, 6, tzinfo=dt.UTC), demo=True)
    assert statements.demo
    return site


def test_the_published_statements_give_the_same_verdict_as_the_registry(tmp_path: Path) -> None:
    from generator.binding import PublishedBindings

    registry = load_registry(REPO).registry
    assert registry is not None
    site = _published_statements(tmp_path)
    foreign = _foreign_copy()
    from_data = verify_credential(foreign, registry, any_issuer=True)
    from_statements = verify_credential(foreign, registry, any_issuer=True, bindings=PublishedBindings(site, registry))
    assert from_statements.verdict == from_data.verdict
    check = from_statements.check("credential")
    assert check is not None
    assert str(check.status) == "failed"
    assert "northbridge-university's credential in this registry (the registry's statement, signed with a DEMO" in (
        check.reason
    )
    # The owner's own awards are untouched by the rule.
    own = next(iter_awards(REPO, "northbridge-university")).parse(strict=False).data
    assert verify_credential(own, registry, bindings=PublishedBindings(site, registry)).verdict == (
        verify_credential(own, registry).verdict
    )

    # A statement rewritten to hand the credential to the foreign issuer no longer verifies: refused, and why.
    index = json.loads((site / "statements/index.json").read_text())
    path = site / index["statements"][foreign["credentialSubject"]["achievement"]["id"]]  # type: ignore[index]
    statement = json.loads(path.read_text())
    statement["credentialSubject"]["achievementCreator"] = foreign["issuer"]["id"]  # type: ignore[index]
    path.write_text(json.dumps(statement))
    forged = verify_credential(foreign, registry, any_issuer=True, bindings=PublishedBindings(site, registry))
    check = forged.check("credential")
    assert check is not None
    assert str(check.status) == "failed"
    assert "the registry's statement about this achievement does not verify" in check.reason
    assert "signature" in check.reason or "proof" in check.reason


def test_credreg_verify_reads_the_published_statements(tmp_path: Path) -> None:
    site = _published_statements(tmp_path)
    path = tmp_path / "foreign.json"
    path.write_text(json.dumps(_foreign_copy()), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    base = [sys.executable, "-m", "generator", "--root", str(REPO), "verify", str(path), "--any-issuer"]
    done = subprocess.run([*base, "--statements", str(site)], capture_output=True, text=True, check=False, env=env)
    assert done.returncode == 1, done.stderr
    assert "only its owner awards it" in done.stdout
    assert "DEMO key that proves nothing" in done.stdout
    # Not a site: a clear refusal, not a traceback.
    bad = subprocess.run(
        [*base, "--statements", str(tmp_path / "nowhere")], capture_output=True, text=True, check=False, env=env
    )
    assert bad.returncode == 2
    # It said "is not a statements index" of a file that is not there (a site built with no statements).
    assert f"{tmp_path / 'nowhere' / 'statements/index.json'} is missing: " in bad.stderr
    assert "is not a built site with signed statements" in bad.stderr
    assert "Traceback" not in bad.stderr
    (tmp_path / "nowhere" / "statements").mkdir(parents=True)
    (tmp_path / "nowhere" / "statements" / "index.json").write_text("[]", encoding="utf-8")
    bad = subprocess.run(
        [*base, "--statements", str(tmp_path / "nowhere")], capture_output=True, text=True, check=False, env=env
    )
    assert bad.returncode == 2
    assert "is not a statements index" in bad.stderr


def test_credreg_verify_names_where_a_malformed_statements_index_is(tmp_path: Path) -> None:
    # Read with a bare json.loads, a deeply nested index was a RecursionError traceback.
    site = tmp_path / "site"
    index = site / "statements/index.json"
    index.parent.mkdir(parents=True)
    index.write_text("[" * 30_000 + "]" * 30_000, encoding="utf-8")
    path = tmp_path / "foreign.json"
    path.write_text(json.dumps(_foreign_copy()), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(REPO), "verify", str(path), "--statements", str(site)],
        capture_output=True, text=True, check=False, env={**os.environ, "PYTHONPATH": str(REPO)},
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert f"{index}:1:65: nesting deeper than 64 levels" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_second_subject_hides_no_achievement() -> None:
    """Found by attack: the reused achievement as a second credentialSubject (behind one of the issuer's own)
    was read by no rule, and the credential was VALID with any issuer accepted. Every rule reads one subject:
    a credential with more is malformed (the page's copy: tests/site/test_differential.py)."""
    registry = load_registry(REPO).registry
    assert registry is not None
    award = next(iter_awards(REPO, "northbridge-university")).parse(strict=False).data
    seed = bytes(range(32))
    did = did_key_from_public(ed25519.public_from_seed(seed))
    unsigned = {k: v for k, v in award.items() if k not in ("proof", "credentialStatus", "validUntil")}
    unsigned["validFrom"] = "2026-01-05T00:00:00Z"
    unsigned["issuer"] = {"id": did, "type": ["Profile"], "name": "Someone else"}
    own = json.loads(json.dumps(unsigned["credentialSubject"]))
    own["achievement"]["id"] = "https://elsewhere.example/achievements/own/"
    when = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
    method = f"{did}#{did.removeprefix('did:key:')}"
    alone = sign_document({**unsigned, "credentialSubject": own}, SigningKey("x", "x", seed), method, when)
    assert str(verify_credential(alone, registry, any_issuer=True, now=when).verdict) == "valid"
    for subjects in ([own, unsigned["credentialSubject"]], [own, own]):
        doc = sign_document({**unsigned, "credentialSubject": subjects}, SigningKey("x", "x", seed), method, when)
        result = verify_credential(doc, registry, any_issuer=True, now=when)
        assert str(result.verdict) == "invalid"
        structure = result.check("structure")
        assert structure is not None
        assert structure.reason == "credentialSubject: must be one AchievementSubject, not 2"
    # A list of one subject is that subject.
    listed = sign_document({**unsigned, "credentialSubject": [own]}, SigningKey("x", "x", seed), method, when)
    assert str(verify_credential(listed, registry, any_issuer=True, now=when).verdict) == "valid"
