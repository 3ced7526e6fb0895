"""Two runs that read a log's state, sign from what they read and write it back, one at a time: `log publish` and
`log add-cosignatures` on the log's state, `log witness` on a witness's. Run at once, each signed from the
checkpoint both read, and the one written last stood: a publish's larger checkpoint replaced by a smaller one, a
cosignature added to a checkpoint a publish had replaced, a witness cosigning two forks. Each now waits for the
folder's lock (held here by the test, as another run would), and gives up naming it, having written nothing."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator._internal.files import folder_lock
from tests.transparency.conftest import REPO, LogRepo, commit_all, plant_award

pytestmark = pytest.mark.slow


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _locked_out(repo: LogRepo, folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``credreg ARGS`` while another holder keeps ``folder`` locked: it waits (a second), then gives up."""
    before = _files(folder)
    env = {**os.environ, "PYTHONPATH": str(REPO), "CREDREG_LOCK_TIMEOUT": "1"}
    with folder_lock(folder):
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "generator", "--root", str(repo.root), *args],
            capture_output=True, text=True, env=env, cwd=repo.root, check=False,
        )  # fmt: skip
        waited = time.monotonic() - started
    assert done.returncode != 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    assert f"credreg: waiting: another credreg run is changing {folder}" in done.stderr, done.stderr
    assert f"{folder} is locked by another credreg run" in done.stderr, done.stderr
    assert "nothing was written" in done.stderr
    assert waited >= 1
    assert _files(folder) == before
    return done


def test_log_publish_and_add_cosignatures_wait_for_the_state_another_run_holds(
    log_repo: LogRepo, tmp_path: Path
) -> None:
    log_repo.publish()
    witness_state, cosigned = tmp_path / "witness", tmp_path / "cosigned"
    log_repo.credreg(
        "log", "witness", "--key", str(log_repo.witness_key), "--state", str(witness_state),
        "--vkey", log_repo.signer.verifier.vkey, "--out", str(cosigned), str(log_repo.state),
    )  # fmt: skip
    plant_award(log_repo)
    commit_all(log_repo.root, "one more award")
    publish = ("log", "publish", "--state", str(log_repo.state), "--key", str(log_repo.log_key))
    _locked_out(log_repo, log_repo.state, *publish)
    _locked_out(log_repo, log_repo.state, "log", "add-cosignatures", "--state", str(log_repo.state), str(cosigned))
    witness = ("log", "witness", "--key", str(log_repo.witness_key), "--state", str(witness_state))
    _locked_out(log_repo, witness_state, *witness, str(log_repo.state))
    # Released, each runs as before.
    assert "421 → 422 entries (+1)" in log_repo.credreg(*publish).stdout
    log_repo.credreg(*witness, str(log_repo.state))
