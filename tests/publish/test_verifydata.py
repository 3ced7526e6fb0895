"""The verification shards of the example registry's 332 signed awards, at shard sizes on both sides of the
bucket size (a byte of the hash): every award in exactly the shard its hash names, in hash order."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from generator.awards import iter_awards
from generator.crypto.jcs import canonicalize
from generator.load import load_registry
from generator.publish import verifydata
from generator.publish.verifydata import shard_name, write_verification_data
from tests.conftest import REPO


@pytest.fixture(scope="module")
def hashes() -> set[str]:
    return {hashlib.sha256(canonicalize(json.loads(a.text))).hexdigest() for a in iter_awards(REPO)}


@pytest.mark.parametrize("bits", [4, 7, 8, 9, 12])
def test_every_award_is_in_the_shard_its_hash_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hashes: set[str], bits: int
) -> None:
    registry = load_registry(REPO).registry
    assert registry is not None
    monkeypatch.setattr(verifydata, "shard_bits", lambda count: bits)
    stats, _ = write_verification_data(registry, tmp_path)
    assert stats.total == len(hashes) == 332
    index = json.loads((tmp_path / "verify" / "index.json").read_text())
    assert index["shard_bits"] == bits
    files = sorted((tmp_path / "verify" / "shards").glob("*.json"))
    assert index["shards"] == len(files) == len({shard_name(h, bits) for h in hashes})
    seen: set[str] = set()
    for file in files:
        shard = json.loads(file.read_text())
        assert shard["shard"] == file.stem
        assert list(shard["awards"]) == sorted(shard["awards"])
        assert all(shard_name(h, bits) == file.stem for h in shard["awards"])
        seen.update(shard["awards"])
    assert seen == hashes
    for digest in (tmp_path / "verify" / "achievements").glob("*.json"):
        assert hashlib.sha256(canonicalize(json.loads(digest.read_text()))).hexdigest() == digest.stem
