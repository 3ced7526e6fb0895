"""The verification shards of the example registry's 332 signed awards, at shard sizes on both sides of the
bucket size (a byte of the hash): every award in exactly the shard its hash names, in hash order."""

from __future__ import annotations

import dataclasses
import datetime as dt
import gzip
import hashlib
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from generator.awards import iter_awards
from generator.check import CheckOptions, accepted_check
from generator.crypto.jcs import canonicalize
from generator.load import load_registry
from generator.publish import verifydata
from generator.publish.verifydata import (
    TEMPLATE_ID_DIGITS,
    award_stats,
    read_entry,
    read_gzip_json,
    shard_name,
    write_verification_data,
)
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
    files = sorted((tmp_path / "verify" / "shards").glob("*.json.gz"))
    assert index["shards"] == len(files) == len({shard_name(h, bits) for h in hashes})
    # The site commits to every shard: each listed, once, under its group, by the SHA-256 of its JSON bytes.
    listed: dict[str, str] = {}
    for group in (tmp_path / "verify" / "digests").glob("*.json"):
        part = json.loads(group.read_text())
        assert all(verifydata.digest_group(name) == group.stem for name in part)
        listed.update(part)
    assert listed == {
        f.name.removesuffix(".json.gz"): hashlib.sha256(gzip.decompress(f.read_bytes())).hexdigest() for f in files
    }
    seen: set[str] = set()
    for file in files:
        shard = read_gzip_json(file)
        assert shard["shard"] == file.name.removesuffix(".json.gz")
        assert list(shard["awards"]) == sorted(shard["awards"])
        assert all(shard_name(h, bits) == shard["shard"] for h in shard["awards"])
        seen.update(shard["awards"])
    assert seen == hashes
    for digest in (tmp_path / "verify" / "achievements").glob("*.json"):
        assert hashlib.sha256(canonicalize(json.loads(digest.read_text()))).hexdigest() == digest.stem


def test_the_counts_alone_are_the_writer_s(tmp_path: Path) -> None:
    """A build counts with award_stats while a forked process writes the data: the same counts, the same lists."""
    registry = load_registry(REPO).registry
    assert registry is not None
    stats, revoked = write_verification_data(registry, tmp_path)
    assert award_stats(registry) == (stats, revoked)
    assert sum(stats.revoked.values()) == sum(map(len, revoked.values())) > 0


@pytest.mark.parametrize("now", [None, dt.datetime(2100, 1, 1, tzinfo=dt.UTC)], ids=["today", "2100"])
def test_the_check_s_index_counts_as_the_files_do(tmp_path: Path, now: dt.datetime | None) -> None:
    """A build counts from the index of the check that accepted the registry: the same counts and lists as a
    pass over the files (in 2100 every award with a validUntil has expired: that count is compared too)."""
    registry, checked = accepted_check(REPO, CheckOptions(cache=False))
    when = now or dt.datetime.now(dt.UTC)
    from_files = award_stats(registry, now=when)
    assert award_stats(registry, now=when, checked=checked) == from_files
    assert from_files[0].total == checked.count > 0
    if now is not None:
        assert sum(from_files[0].expired.values()) > 0


def _award_of(verify: Path, digest: str, data: Path | None = None) -> dict[str, Any]:
    """The award as the page reassembles it: the entry rebuilt, the achievement substituted back."""
    entry = read_entry(verify, digest, data_dir=data)
    assert entry is not None
    award = entry["award"]
    subject = award["credentialSubject"]
    sha = subject["achievement"]["$achievement"]
    subject["achievement"] = json.loads(((data or verify) / "achievements" / f"{sha}.json").read_text())
    return dict(award)


def test_every_entry_rebuilds_exactly_the_signed_award(tmp_path: Path, hashes: set[str]) -> None:
    registry = load_registry(REPO).registry
    assert registry is not None
    write_verification_data(registry, tmp_path)
    verify = tmp_path / "verify"
    entries = {d: e for f in (verify / "shards").glob("*.json.gz") for d, e in read_gzip_json(f)["awards"].items()}
    assert set(entries) == hashes
    for digest in hashes:
        assert hashlib.sha256(canonicalize(_award_of(verify, digest))).hexdigest() == digest
    lean = [e for e in entries.values() if "t" in e]
    assert len(lean) > len(entries) / 2  # most awards are alike
    # A template is published only when several entries share it; an award alone with its template is full.
    uses = Counter(e["t"] for e in lean)
    published = {p.name.removesuffix(".json.gz") for p in (verify / "templates").glob("*.json.gz")}
    assert published == set(uses)
    assert min(uses.values()) >= 2
    for tid in published:
        template = read_gzip_json(verify / "templates" / f"{tid}.json.gz")
        assert hashlib.sha256(canonicalize(template)).hexdigest().startswith(tid)
        assert len(tid) == TEMPLATE_ID_DIGITS
    # Lean entries carry only strings that differ per award: far smaller than the full ones (revocations aside).
    size: dict[bool, list[int]] = {True: [], False: []}
    for entry in entries.values():
        size["t" in entry].append(len(json.dumps({k: v for k, v in entry.items() if k != "revocation"})))
    assert max(size[True]) * 4 < min(size[False])


def test_an_award_no_template_expresses_is_written_full(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The writer never trusts its split: when rebuilding would not give the award back, the entry is full."""
    registry = load_registry(REPO).registry
    assert registry is not None
    monkeypatch.setattr(verifydata, "rebuild", lambda template, values: {"not": "the award"})
    write_verification_data(registry, tmp_path)
    verify = tmp_path / "verify"
    for shard in (verify / "shards").glob("*.json.gz"):
        for digest, entry in read_gzip_json(shard)["awards"].items():
            assert set(entry) <= {"issuer", "credential", "award", "revocation"}
            assert hashlib.sha256(canonicalize(_award_of(verify, digest))).hexdigest() == digest
    assert not list((verify / "templates").iterdir())


def test_with_a_data_url_the_bulk_of_the_data_goes_to_its_own_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hashes: set[str]
) -> None:
    registry = load_registry(REPO).registry
    assert registry is not None
    url = "https://data.example.org/verify/"
    model = registry.governance.model.model_copy(update={"verification_data_url": url})
    monkeypatch.setattr(registry, "governance", dataclasses.replace(registry.governance, model=model))
    data = tmp_path / "data"
    write_verification_data(registry, tmp_path / "site", data_out=data)
    index = json.loads((tmp_path / "site" / "verify" / "index.json").read_text())
    assert index["data_url"] == url
    assert sorted(p.name for p in (tmp_path / "site" / "verify").iterdir()) == [
        "digests",
        "endorsements.json",
        "index.json",
        "issuer-names.json",
        "records",
    ]
    assert sorted(p.name for p in data.iterdir()) == ["achievements", "shards", "templates"]
    assert len(list((data / "shards").glob("*.json.gz"))) == index["shards"]
    for digest in sorted(hashes)[:20]:
        assert hashlib.sha256(canonicalize(_award_of(tmp_path / "site" / "verify", digest, data))).hexdigest() == digest


def test_the_did_document_revokes_a_key_at_the_instant_keys_json_and_the_check_do(tmp_path: Path) -> None:
    # The registry trusts a signature made before revoked_at to the microsecond (keys.json gives the page that
    # instant); the DID document truncated it to the second, so a verifier that reads its `revoked` as the instant
    # the key stopped refused signatures of the last second the registry trusts.
    from generator.publish.did import did_document
    from tests.conftest import make_registry

    root = make_registry(tmp_path / "r")
    path = root / "keys/acme-academy/key-2025.json"
    key = json.loads(path.read_text(encoding="utf-8"))
    key |= {"revoked_at": "2025-03-01T13:00:00.25+01:00", "revocation_reason": "key compromised"}
    path.write_text(json.dumps(key), encoding="utf-8")
    loaded = load_registry(root)
    assert loaded.registry is not None
    assert not loaded.problems.errors
    [record] = verifydata.keys_document(loaded.registry, "acme-academy")["keys"]
    [method] = did_document(loaded.registry, "acme-academy")["verificationMethod"]
    assert method["revoked"] == record["revoked_at"] == "2025-03-01T12:00:00.25Z"


@pytest.mark.parametrize("bits", [4, 6, 8, 9, 12, 13, 16])
def test_the_digest_files_stay_few_and_small_at_any_size(tmp_path: Path, bits: int) -> None:
    """The digest files of 2**bits shards (16 bits: a million awards), written as the build writes them: at most
    256 files of at most 20 KB each, every shard in one."""
    digests = verifydata._Digests(tmp_path / "digests")
    names = sorted({shard_name(f"{n << (64 * 4 - bits):064x}", bits) for n in range(2**bits)})
    assert len(names) == 2**bits
    for name in names:
        digests.add(name, hashlib.sha256(name.encode()).hexdigest())
    digests.close()
    files = list((tmp_path / "digests").iterdir())
    assert len(files) <= 256
    assert max(f.stat().st_size for f in files) <= 20 * 1024
    assert sum(len(json.loads(f.read_text())) for f in files) == 2**bits
