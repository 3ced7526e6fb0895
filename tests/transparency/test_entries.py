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


def test_a_revocation_taken_back_is_an_entry(log_repo: LogRepo) -> None:
    # The attack: whoever can push to main (no pull request, so no check) deletes a revocation line and puts back
    # the issuer's earlier signed status list. The full check passes (the list matches the log again), and the
    # log, which skipped what a commit removes, showed nothing: the revoked award looked valid, unseen. Each
    # line a revocation log loses is now an entry, at its line number before the commit.
    root = log_repo.root
    first = head_commit(root)
    northbridge = root / "registry/issuers/northbridge-university/revocations.jsonl"
    lines = northbridge.read_bytes().split(b"\n")
    assert len([line for line in lines if line]) >= 2
    northbridge.write_bytes(b"\n".join(lines[1:]))  # the first revocation taken back
    second = commit_all(root, "quietly")
    new = list(derive_entries(root, head=second, since=first))
    assert [(e.kind, e.issuer, e.sha256, e.line) for e in new] == [
        ("revocation-removed", "northbridge-university", hashlib.sha256(lines[0]).hexdigest(), 1)
    ]
    # Deleting the whole log takes back every revocation in it; a rewritten line is a removal and an addition.
    others = sorted(p for p in root.glob("registry/issuers/*/revocations.jsonl") if p != northbridge)
    gone = others[0].read_bytes()
    others[0].unlink()
    rewritten = lines[1].replace(b'"', b'"', 1) + b" "
    northbridge.write_bytes(b"\n".join([rewritten, *lines[2:]]))
    third = commit_all(root, "more quietly")
    kinds = [(e.kind, e.path, e.line) for e in derive_entries(root, head=third, since=second)]
    northbridge_rel = northbridge.relative_to(root).as_posix()
    assert kinds == [
        *(
            ("revocation-removed", others[0].relative_to(root).as_posix(), n)
            for n, line in enumerate(gone.split(b"\n"), start=1)
            if line.strip()
        ),
        ("revocation-removed", northbridge_rel, 1),
        ("revocation", northbridge_rel, 1),
    ]
    for entry in derive_entries(root, head=third):
        assert LogEntry.parse(entry.encode()) == entry
