"""``credreg build --log``: the checked log state is served under the site's ``log/``; a damaged one is refused."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from generator.awards import iter_awards
from tests.transparency.conftest import LogRepo

pytestmark = pytest.mark.slow


def test_build_serves_the_log_and_refuses_a_damaged_one(log_repo: LogRepo, tmp_path: Path) -> None:
    log_repo.publish()
    out = tmp_path / "site"
    log_repo.credreg("build", "--out", str(out), "--log", str(log_repo.state))
    log = out / "log"
    assert (log / "checkpoint").read_bytes() == (log_repo.state / "checkpoint").read_bytes()
    assert (log / "vkey").read_text().strip() == log_repo.signer.verifier.vkey
    assert (log / "tile/entries/000").is_file()
    assert (log / "policy.json").is_file()
    assert [p.name for p in (log / "index").iterdir()] == ["keys"]  # the keys' records; the awards' are in:
    shards = [json.loads(gzip.decompress(p.read_bytes())) for p in (out / "verify/shards").glob("*.json.gz")]
    logged = [e["log"] for s in shards for e in s["awards"].values()]
    assert len(logged) == sum(1 for _ in iter_awards(log_repo.root))  # every award (files and batch lines)
    assert not (log / "commit").exists()  # bookkeeping of the publish job, not served

    (log_repo.state / "tile/0/000").write_bytes(b"\0" * 8192)
    done = log_repo.credreg("build", "--out", str(out), "--log", str(log_repo.state), ok=False)
    assert "tile/0/000 does not hold the log's hashes" in done.stderr
    assert "Traceback" not in done.stderr
    assert (log / "tile/0/000").read_bytes() != b"\0" * 8192  # the previous site is untouched
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".site")) == []  # no staging left
