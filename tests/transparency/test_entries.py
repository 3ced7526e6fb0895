"""The log's entries follow the Git history: commit order, then path order, then line order."""

from __future__ import annotations

import hashlib
import json

from generator.awards import award_hash, find_award, iter_awards
from generator.transparency.entries import LogEntry, derive_entries, head_commit
from tests.transparency.conftest import LogRepo, commit_all, plant_award


def test_every_record_of_the_example_registry_is_an_entry(log_repo: LogRepo) -> None:
    entries = list(derive_entries(log_repo.root, head=head_commit(log_repo.root)))
    kinds = [e.kind for e in entries]
    assert kinds.count("award") == 332
    assert kinds.count("revocation") == 18
    assert kinds.count("credential") == 35
    assert kinds.count("key-added") == 10  # 6 issuer keys, 4 endorser keys: both are trust anchors
    # One commit: path order, then line order within a batch.
    assert [(e.path, e.line or 0) for e in entries] == sorted((e.path, e.line or 0) for e in entries)
    hashes = {e.sha256 for e in entries if e.kind == "award"}
    assert hashes == {award_hash(json.loads(a.text)) for a in iter_awards(log_repo.root)}
    for entry in entries:
        assert LogEntry.parse(entry.encode()) == entry
        assert len(entry.encode()) < 300


def test_later_commits_append_key_changes_revocations_and_awards(log_repo: LogRepo) -> None:
    root = log_repo.root
    first = head_commit(root)
    key = next(
        p
        for p in sorted(root.glob("keys/*/*.json"))
        if "valid_until" not in (text := p.read_text()) and "revoked" not in text
    )
    doc = json.loads(key.read_text())
    doc["valid_until"] = "2031-01-01T00:00:00Z"
    key.write_text(json.dumps(doc, indent=2) + "\n")
    revocations = root / "registry/issuers/northbridge-university/revocations.jsonl"
    revocations.write_text(revocations.read_text() + '{"hash": "planted"}\n')
    _, planted = plant_award(log_repo)
    second = commit_all(root, "expiry, a revocation and an award")
    doc["revoked_at"] = "2030-01-01T00:00:00Z"
    key.write_text(json.dumps(doc, indent=2) + "\n")
    third = commit_all(root, "the key is revoked")
    new = list(derive_entries(root, head=third, since=first))
    # Commit order, then path order: keys/ sorts before registry/, awards/ before revocations.jsonl.
    assert [e.kind for e in new] == ["key-expiry-set", "award", "revocation", "key-revoked"]
    assert new[1].sha256 == planted
    assert new[2].line == len(revocations.read_text().splitlines())
    assert new[0].issuer == key.parent.name
    # The whole history gives the first commit's entries, then these: the log only grows.
    everything = list(derive_entries(root, head=third))
    assert everything[-len(new) :] == new
    assert list(derive_entries(root, head=third, since=second)) == new[-1:]


def test_history_is_read_by_the_checks_rules(log_repo: LogRepo) -> None:
    # A commit may hold anything the check would refuse. A key file nested thousands deep stopped deriving the
    # log with a RecursionError; an award nested deeper than any reader reads was logged under an award hash
    # no lookup computes. Both are logged by the raw bytes' kind and hash.
    root = log_repo.root
    first = head_commit(root)
    key = sorted(root.glob("keys/*/*.json"))[0]
    key.write_text("[" * 5000 + "]" * 5000)
    source = next(iter(log_repo.award_files()))
    doc = json.loads(source.read_text())
    nested: list[object] = []
    for _ in range(70):
        nested = [nested]
    doc["nested"] = nested
    digest = award_hash(doc)
    deep = source.parent.parent / digest[:2] / f"{digest}.json"
    deep.parent.mkdir(parents=True, exist_ok=True)
    deep.write_text(json.dumps(doc) + "\n")
    head = commit_all(root, "a deep key file and a deep award")
    new = list(derive_entries(root, head=head, since=first))
    assert [e.kind for e in new] == ["key-changed", "award"]
    assert new[1].sha256 == hashlib.sha256(deep.read_bytes()).hexdigest() != digest
    assert find_award(root, digest) is None, "the registry's own lookup does not know it by that hash either"
