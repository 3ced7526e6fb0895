"""``credreg build --log``: the checked log state is served under the site's ``log/``; a damaged one is refused."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest

from generator.awards import iter_awards
from tests.conftest import object_store
from tests.transparency.conftest import LogRepo, commit_all, cosign

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
    # The endorsements' records, the keys' and the status lists' versions (one file per list); the awards' are in:
    assert sorted(p.name for p in (log / "index").iterdir()) == ["endorsements", "keys", "status"]
    served = sorted(p.stem for p in (log / "index/endorsements").iterdir())
    assert served == sorted(p.stem for p in log_repo.root.glob("registry/*/*/endorsements/*.json")), served
    assert len(list((log / "index/status").iterdir())) == len(list(log_repo.root.glob("registry/*/*/status/*.json")))
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


def test_with_a_data_url_the_tiles_are_served_from_there_and_verify_follows(log_repo: LogRepo, tmp_path: Path) -> None:
    """With ``verification_data_url`` the log's bulk (tiles, entry bundles) goes to the data folder's ``log/``;
    the site keeps what a verifier trusts, and ``credreg verify --log SITE/log/`` fetches the tiles from the
    data's address (a local object store here)."""
    store = tmp_path / "store"
    (store / "verify-data").mkdir(parents=True)
    with object_store(store) as (data_url, requests):
        governance = log_repo.root / "registry/governance.yaml"
        governance.write_text(governance.read_text() + f"verification_data_url: {data_url}\n")
        commit_all(log_repo.root, "the verification data moves to object storage")
        log_repo.publish()
        cosign(log_repo, tmp_path / "witness")
        out = tmp_path / "site"
        log_repo.credreg("build", "--out", str(out), "--log", str(log_repo.state))
        data = tmp_path / "site-data"

        served = sorted(p.relative_to(out / "log").as_posix() for p in (out / "log").rglob("*") if p.is_file())
        assert [p for p in served if not p.startswith(("index/keys/", "index/status/", "index/endorsements/"))] == [
            "checkpoint",
            "policy.json",
            "vkey",
        ]
        moved = sorted(p.relative_to(data / "log").as_posix() for p in (data / "log").rglob("*") if p.is_file())
        state = sorted(
            p.relative_to(log_repo.state).as_posix()
            for p in log_repo.state.rglob("*")
            if p.is_file() and p.name not in ("commit", "index.json")  # the publisher's bookkeeping: not served
        )
        assert moved == state  # the data's log/ is a whole log, as published (for witnesses and monitors)
        assert (data / "log/checkpoint").read_bytes() == (out / "log/checkpoint").read_bytes()

        award = log_repo.award_files()[0].stem
        shutil.copytree(data, store / "verify-data", dirs_exist_ok=True)  # the upload
        done = log_repo.credreg("verify", award, "--log", str(out / "log"))
        assert "recorded in the public log as entry" in done.stdout.lower()
        assert "cosigned by 1 of 1 witnesses" in done.stdout
        tiles = [path for path, _ in requests if path.startswith("/verify-data/log/tile/")]
        assert tiles
        assert not [path for path in tiles if "/entries/" in path]  # proofs read hash tiles, never the bundles

        # A data host that withholds the tiles cannot make the award pass: the log check fails.
        shutil.rmtree(store / "verify-data/log/tile")
        done = log_repo.credreg("verify", award, "--log", str(out / "log"), ok=False)
        assert "does not check out" in done.stdout
