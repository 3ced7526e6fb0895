"""``credreg build --log``: the checked log state is served under the site's ``log/``; a damaged one is refused."""

from __future__ import annotations

import contextlib
import gzip
import json
import shutil
from collections.abc import Iterator
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
    with _built_on_object_store(log_repo, tmp_path, store) as (out, requests):
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


def test_a_data_host_that_changes_what_is_outside_the_award_cannot_make_the_log_check_pass(
    log_repo: LogRepo, tmp_path: Path
) -> None:
    """The shard entry's log record and its template's issuer are not part of the award the hash covers: a data
    host that changes them (another issuer, another entry of the log, a key written twice) makes ``credreg verify
    --log`` fail or refuse, as it makes the page's (tests/browser/test_hostile_data_host.py), never pass."""
    from generator.publish.verifydata import read_gzip_json, shard_name

    store = tmp_path / "store"
    with _built_on_object_store(log_repo, tmp_path, store) as (out, _):
        award = log_repo.award_files()[0].stem
        bits = json.loads((out / "verify/index.json").read_text())["shard_bits"]
        shard_rel = f"shards/{shard_name(award, bits)}.json.gz"
        served = store / "verify-data"

        def upload() -> None:
            shutil.rmtree(served)
            shutil.copytree(tmp_path / "site-data", served)

        upload()
        untouched = log_repo.credreg("verify", award, "--log", str(out / "log"))
        assert "recorded in the public log as entry" in untouched.stdout.lower()
        shard = read_gzip_json(served / shard_rel)
        entry = shard["awards"][award]

        def tampered(change: str) -> str:
            upload()
            if change == "issuer":
                template = served / "templates" / f"{entry['t']}.json.gz"
                doc = read_gzip_json(template)
                doc["issuer"] = "someone-else"
                template.write_bytes(gzip.compress(json.dumps(doc).encode()))
            elif change == "index":
                changed = json.loads(json.dumps(shard))
                changed["awards"][award]["log"][0] = entry["log"][0] - 1 or entry["log"][0] + 1  # the entry beside it
                (served / shard_rel).write_bytes(gzip.compress(json.dumps(changed).encode()))
            else:  # the entry written twice: the reader must not pick one
                text = json.dumps(shard).replace(f'"{award}": ', f'"{award}": {json.dumps(entry)}, "{award}": ', 1)
                (served / shard_rel).write_bytes(gzip.compress(text.encode()))
            done = log_repo.credreg("verify", award, "--log", str(out / "log"), ok=False)
            return done.stdout + done.stderr

        for change in ("issuer", "index", "twice"):
            said = tampered(change)
            assert "recorded in the public log as entry" not in said.lower(), (change, said)
            assert "does not check out" in said or "error" in said.lower(), (change, said)
            assert "//shards" not in said  # the file it fetched, named as fetched


@contextlib.contextmanager
def _built_on_object_store(
    log_repo: LogRepo, tmp_path: Path, store: Path
) -> Iterator[tuple[Path, list[tuple[str, str | None]]]]:
    """The log repository with its verification data moved to a local object store serving ``store`` (its
    ``verify-data/`` still empty), published, cosigned and built into ``tmp_path/site`` (and ``site-data``): the
    site's folder and the store's requests, while it serves."""
    (store / "verify-data").mkdir(parents=True)
    with object_store(store) as (data_url, requests):
        governance = log_repo.root / "registry/governance.yaml"
        governance.write_text(governance.read_text() + f"verification_data_url: {data_url}\n")
        commit_all(log_repo.root, "the verification data moves to object storage")
        log_repo.publish()
        cosign(log_repo, tmp_path / "witness")
        out = tmp_path / "site"
        log_repo.credreg("build", "--out", str(out), "--log", str(log_repo.state))
        yield out, requests
