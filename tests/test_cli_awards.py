"""The award lifecycle through the credreg command, as an issuer and a verifier use it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import make_registry


def credreg(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args], capture_output=True, text=True, env=env, check=False
    )


def test_keygen_award_verify_revoke(tmp_path: Path) -> None:
    root = make_registry(tmp_path / "r")
    (root / "keys/acme-academy/key-2025.json").unlink()
    env = {**os.environ, "CREDREG_KEY_DIR": str(tmp_path / "keys")}
    r = ["--root", str(root)]

    made = credreg(*r, "keygen", "acme-academy", "--key-id", "k1", "--valid-from", "2024-01-01", env=env)
    assert made.returncode == 0, made.stderr
    key = tmp_path / "keys/acme-academy/k1.key"
    assert f"private key: {key}" in made.stdout
    assert "verification method: did:web:registry.test.example:issuers:acme-academy#k1" in made.stdout

    awarded = credreg(
        *r, "award", "acme-academy/sql-basics", "--recipient", "ada@example.org", "--key", str(key), env=env
    )
    assert awarded.returncode == 0, awarded.stderr
    digest = next(line.split()[1] for line in awarded.stdout.splitlines() if line.startswith("hash:"))
    assert f"verify: https://registry.test.example/verify/#{digest}" in awarded.stdout

    ok = credreg(*r, "verify", digest, "--recipient", "ada@example.org", env=env)
    assert ok.returncode == 0, ok.stdout
    assert ok.stdout.startswith("VALID\n  SQL Basics — issued by Acme Academy")
    wrong = credreg(*r, "verify", digest, "--recipient", "eve@example.org", env=env)
    assert wrong.returncode == 1
    assert wrong.stdout.startswith("VALID, but NOT for this recipient")

    as_json = json.loads(credreg(*r, "verify", digest, "--format", "json", env=env).stdout)
    assert as_json["valid"] is True
    assert {c["id"]: c["status"] for c in as_json["checks"]}["proof:eddsa-rdfc-2022"] == "passed"

    revoked = credreg(*r, "revoke", digest, "--reason", "Issued to the wrong person", "--key", str(key), env=env)
    assert revoked.returncode == 0, revoked.stderr
    after = credreg(*r, "verify", digest, env=env)
    assert after.returncode == 1
    assert after.stdout.startswith("REVOKED")
    assert "revoked on" in after.stdout
    assert "Issued to the wrong person" in after.stdout
    again = credreg(*r, "revoke", digest, "--reason", "again", "--key", str(key), env=env)
    assert again.returncode == 2
    assert "was already revoked" in again.stderr

    checked = credreg(*r, "check", env=env)
    assert checked.returncode == 0, checked.stdout
    assert "1 awards, 1 revocations" in checked.stderr


def test_verify_unknown_hash_and_bad_input(tmp_path: Path) -> None:
    root = make_registry(tmp_path / "r")
    env = dict(os.environ)
    unknown = credreg("--root", str(root), "verify", "ab" * 32, env=env)
    assert unknown.returncode == 1
    assert unknown.stdout.startswith("UNKNOWN: no award with hash")
    assert credreg("--root", str(root), "verify", "not-a-hash", env=env).returncode == 2
    bad = tmp_path / "bad.json"
    bad.write_text("{nope")
    result = credreg("--root", str(root), "verify", str(bad), env=env)
    assert result.returncode == 2
    assert "is not a JSON credential" in result.stderr
    assert "Traceback" not in result.stderr


def test_award_refuses_a_group_readable_key(tmp_path: Path) -> None:
    root = make_registry(tmp_path / "r")
    env = {**os.environ, "CREDREG_KEY_DIR": str(tmp_path / "keys")}
    assert credreg("--root", str(root), "keygen", "acme-academy", "--key-id", "k1", env=env).returncode == 0
    key = tmp_path / "keys/acme-academy/k1.key"
    key.chmod(0o640)
    result = credreg(
        "--root",
        str(root),
        "award",
        "acme-academy/sql-basics",
        "--recipient",
        "a@example.org",
        "--key",
        str(key),
        env=env,
    )
    assert result.returncode == 1
    assert "chmod 600" in result.stderr
    assert not (root / "registry/issuers/acme-academy/awards").exists()
