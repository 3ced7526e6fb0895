"""The log dates what was published: an award first logged after its key's revocation is caught."""

from __future__ import annotations

import json
from pathlib import Path

from generator.load import load_registry
from generator.transparency.inclusion import log_check
from generator.transparency.log import LogSource
from generator.transparency.publish import publish_log
from generator.verify.results import CheckStatus
from tests.transparency.conftest import LogRepo, commit_all, cosign, plant_award


def test_an_award_logged_after_its_key_was_revoked_fails_the_log_check(log_repo: LogRepo, tmp_path: Path) -> None:
    registry = load_registry(log_repo.root).registry
    assert registry is not None
    publish_log(log_repo.root, registry, log_repo.state, log_repo.signer)
    cosign(log_repo, tmp_path / "witness")
    existing = log_repo.award_files()[0]
    old = json.loads(existing.read_text())
    check = log_check(registry, LogSource(log_repo.state), existing.stem, old)
    assert check.status is CheckStatus.PASSED

    # The key that signed the planted award's original is revoked, then the award appears (backdated).
    planted_path, planted = plant_award(log_repo, "northbridge-university")
    document = json.loads(planted_path.read_text())
    key_id = document["proof"][0]["verificationMethod"].partition("#")[2]
    planted_path.unlink()
    key = log_repo.root / "keys/northbridge-university" / f"{key_id}.json"
    doc = json.loads(key.read_text())
    doc.update(revoked_at="2026-01-01T00:00:00Z", revocation_reason="key leaked")
    key.write_text(json.dumps(doc, indent=2) + "\n")
    commit_all(log_repo.root, "the key leaked")
    plant_award(log_repo, "northbridge-university")
    commit_all(log_repo.root, "an award, dated before the leak")
    publish_log(log_repo.root, registry, log_repo.state, log_repo.signer)
    cosign(log_repo, tmp_path / "witness")

    check = log_check(registry, LogSource(log_repo.state), planted, document)
    assert check.status is CheckStatus.FAILED
    assert f"its signing key keys/northbridge-university/{key_id}.json was logged as revoked before it" in check.reason
    # An award logged before the revocation is judged as of then: the log does not hold it against it.
    earlier = next(p for p in log_repo.award_files() if json.loads(p.read_text())["proof"][0]["verificationMethod"]
                   .endswith(f"#{key_id}"))  # fmt: skip
    check = log_check(registry, LogSource(log_repo.state), earlier.stem, json.loads(earlier.read_text()))
    assert check.status is CheckStatus.PASSED
