"""`credreg build` publishes only what `credreg check` accepts: the same full check (awards verified) runs first,
and a refusal leaves nothing written: no site, no staging folder, the previous site untouched."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from generator.check import accepted_registry, run_check
from tests.conftest import Signer


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True, text=True, check=False)


def tamper(signer: Signer) -> str:
    """Issue an award, then change its achievement's name after signing; returns its repository path."""
    issued = signer.award()
    award = json.loads(issued.path.read_text())
    award["credentialSubject"]["achievement"]["name"] = "MSc Data Science (Distinction)"
    issued.path.write_text(json.dumps(award, indent=2))
    return issued.path.relative_to(signer.root).as_posix()


def test_a_tampered_award_is_refused_and_nothing_is_published(signer: Signer, tmp_path: Path) -> None:
    out = tmp_path / "site"
    first = run("--root", str(signer.root), "build", "--out", str(out))
    assert first.returncode == 0, first.stderr
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    where = tamper(signer)
    assert not run_check(signer.root)  # check refuses it ...
    built = run("--root", str(signer.root), "build", "--out", str(out))
    assert built.returncode == 1  # ... and so does build, with the located problems
    assert "Traceback" not in built.stderr
    assert where in built.stderr
    assert "nothing was built" in built.stderr
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_first_build_of_a_refused_registry_writes_no_folder(signer: Signer, tmp_path: Path) -> None:
    tamper(signer)
    out = tmp_path / "never" / "site"
    built = run("--root", str(signer.root), "build", "--out", str(out))
    assert built.returncode == 1
    assert "Traceback" not in built.stderr
    assert not out.exists()


def test_build_and_check_share_one_verdict(signer: Signer) -> None:
    signer.award()
    registry = accepted_registry(signer.root)
    assert "acme-academy" in registry.issuers
