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
