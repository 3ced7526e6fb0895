"""What whoever can push past the pull-request check can do with an issuer's key files, and what then sees it.

Each scenario is pushed into a real Git registry, logged, published and verified with ``credreg verify --log``
(real keys made by ``credreg``'s own key generation, real signatures). The pull-request check refuses every one
of these changes (tests/governance/test_history.py); these tests show what is left when a push skips it: the
log's retirements of a key file stay (an end removed, or the file deleted and added again, does not make a late
award pass a log check), a retired public key copied into another key file fails it too (the copy's alert is a
retirement of the copy's path), and what does pass a log check is an alert in the key owner's name.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest

from generator.transparency.entries import derive_entries
from generator.transparency.log import LogError
from generator.transparency.logindex import KEPT_FILE
from tests.transparency.conftest import (
    LogRepo,
    award_with,
    commit_all,
    cosign,
    fails_only_on_the_log,
    git,
    imported_key,
    key_entries,
    set_fields,
    verify_checks,
)

NBU = "northbridge-university"


def test_an_end_removed_or_a_key_file_deleted_and_added_again_keeps_its_logged_retirement(
    log_repo: LogRepo, tmp_path: Path
) -> None:
    """A retired key's end taken out (the key counts again, offline), or its file deleted and added again without
    the end: ``key-changed`` in its owner's name each time, and an award signed with the key afterwards, dated
    inside the window it now shows, still fails the log check: the log's index keeps the key file's retirement."""
    root = log_repo.root
    rel, key = imported_key(log_repo, tmp_path, "key-imported", "2023-12-31T23:59:59Z")
    brought = award_with(log_repo, key, dt.datetime(2023, 9, 1, tzinfo=dt.UTC))
    first = commit_all(root, "an issuer brings an older key, retired, and its awards")

    set_fields(root / rel, valid_until=None)
    commit_all(root, "the key's end removed (pushed past the check)")
    removed = award_with(log_repo, key, dt.datetime(2024, 6, 1, tzinfo=dt.UTC))
    commit_all(root, "an award signed after the old end")
    text = (root / rel).read_text()
    (root / rel).unlink()
    commit_all(root, "the key file deleted")
    (root / rel).write_text(text)
    commit_all(root, "and added again, without its end")
    gap = award_with(log_repo, key, dt.datetime(2024, 7, 1, tzinfo=dt.UTC))
    commit_all(root, "an award dated while the file was gone")

    assert key_entries(log_repo, first) == [
        # The end removed: "key-expiry-set" (the field changed; one more retirement of the path, which only adds
        # to what the index holds against the key) and the alert.
        ("key-expiry-set", NBU, rel, False, False),
        ("key-changed", NBU, rel, True, False),
        ("key-changed", NBU, rel, True, False),  # the file deleted
        ("key-added", NBU, rel, False, False),  # back: its deletion was the alert
    ]
    log_repo.publish()
    cosign(log_repo, tmp_path / "witness")
    code, checks = verify_checks(log_repo, brought.hash)
    assert code == 0, checks
    assert checks["log"]["status"] == "passed", checks
    for award in (removed, gap):
        fails_only_on_the_log(log_repo, award.hash, f"{rel} was logged as expired (valid_until set) before it")


def test_a_key_file_deleted_while_valid_and_added_again_elsewhere_is_an_alert_to_each_folder_owner(
    log_repo: LogRepo, tmp_path: Path
) -> None:
    """A valid key's file deleted (never retired: no retirement follows it anywhere), then its public key added
    in another issuer's folder under another id, with a start moved earlier: the deletion is ``key-changed`` in the
    owner's name, the new file ``key-added`` in the other folder owner's (whose monitor holds no record of it).
    What its holder signs there names the other issuer: the old owner's awards and DID are not reached."""
    root = log_repo.root
    other = "brightforge-academy"
    rel, key = imported_key(log_repo, tmp_path, "key-valid", None)
    start = commit_all(root, "a valid key")
    doc = json.loads((root / rel).read_text())
    (root / rel).unlink()
    moved = f"keys/{other}/key-moved.json"
    (root / moved).write_text(
        json.dumps(doc | {"id": "key-moved", "issuer": other, "valid_from": "2020-01-01T00:00:00Z"}, indent=2) + "\n"
    )
    commit_all(root, "the key moved to another issuer, its start earlier")
    assert key_entries(log_repo, start) == [
        ("key-added", other, moved, False, False),  # (paths in byte order)
        ("key-changed", NBU, rel, True, False),
    ]
    # Signed with the moved key, an award names the other issuer (its DID, its key id): not the old owner's.
    assert git(root, "status", "--porcelain") == ""
    moved_key = dataclasses.replace(key, issuer=other, key_id="key-moved", controller=None)
    issued = award_with(log_repo, moved_key, dt.datetime(2024, 6, 1, tzinfo=dt.UTC), issuer=other)
    assert issued.award["proof"][0]["verificationMethod"].endswith(f":issuers:{other}#key-moved")
    assert issued.award["issuer"]["id"].endswith(f":issuers:{other}")


def test_a_retired_key_brought_back_under_another_path_fails_the_log_check_from_its_alert_on(
    log_repo: LogRepo, tmp_path: Path
) -> None:
    """A retired public key given another file (another id, its end left out) signs awards every offline verifier
    takes as signed by a key in force. The copy's ``key-changed`` (``revived``, in the retirer's name) is logged
    under the *copy's* path, in the commit that brings it back, before that commit's awards (``keys/`` sorts before
    ``registry/``), and the log's index counts it as a retirement of that path: the log's check fails every award
    signed with the copy, one added with it included; an award signed with the old file before its end still
    passes."""
    root = log_repo.root
    rel, key = imported_key(log_repo, tmp_path, "key-old", "2023-12-31T23:59:59Z")
    brought = award_with(log_repo, key, dt.datetime(2023, 9, 1, tzinfo=dt.UTC))
    first = commit_all(root, "an older key, retired, and its awards")
    copy = f"keys/{NBU}/key-again.json"
    doc = json.loads((root / rel).read_text())
    doc.pop("valid_until")
    (root / copy).write_text(json.dumps(doc | {"id": "key-again"}, indent=2) + "\n")
    again = dataclasses.replace(key, key_id="key-again")
    along = award_with(log_repo, again, dt.datetime(2024, 5, 1, tzinfo=dt.UTC))
    commit_all(root, "the retired key again, as key-again, and an award (pushed past the check)")
    late = award_with(log_repo, again, dt.datetime(2024, 6, 1, tzinfo=dt.UTC))
    commit_all(root, "an award signed after the retirement")

    assert [e for e in key_entries(log_repo, first) if e[0] != "award"] == [
        ("key-added", NBU, copy, False, False),
        ("key-changed", NBU, copy, False, True),  # the alert: a key retired by key-old, back, under the copy's path
    ]
    log_repo.publish()
    cosign(log_repo, tmp_path / "witness")
    code, checks = verify_checks(log_repo, brought.hash)
    assert code == 0, checks
    for award in (along, late):
        fails_only_on_the_log(log_repo, award.hash, f"{copy} was logged as changed past the registry's checks")


def test_a_key_file_reformatted_is_key_changed_and_no_retirement(log_repo: LogRepo, tmp_path: Path) -> None:
    """The one ``key-changed`` the pull-request check lets through: a key file's bytes rewritten with the same
    fields (reformatted). It is no alert of a retired key (its hash is not the one its file's last entry logged),
    so the index counts no retirement, and an award signed after it passes the log's check."""
    root = log_repo.root
    rel, key = imported_key(log_repo, tmp_path, "key-valid", None)
    start = commit_all(root, "a valid key")
    (root / rel).write_text(json.dumps(json.loads((root / rel).read_text()), indent=4) + "\n")
    commit_all(root, "the key file reformatted")
    assert key_entries(log_repo, start) == [("key-changed", NBU, rel, False, False)]
    after = award_with(log_repo, key, dt.datetime(2024, 6, 1, tzinfo=dt.UTC))
    commit_all(root, "an award signed after")
    log_repo.publish()
    cosign(log_repo, tmp_path / "witness")
    code, checks = verify_checks(log_repo, after.hash)
    assert code == 0, checks
    assert checks["log"]["status"] == "passed", checks["log"]


def test_a_start_moved_earlier_a_key_id_reused_and_a_key_only_inside_a_merged_branch(
    log_repo: LogRepo, tmp_path: Path
) -> None:
    """A key's ``valid_from`` moved earlier (to cover a back-dated award) is ``key-changed`` in its owner's name;
    its id reused for another public key (the file deleted, a new one at its path) is the deletion's
    ``key-changed`` then a ``key-added``; a key added and removed again inside one branch merged with a merge
    commit is nothing on the first-parent history (it never was in the registry's tree, nor could sign what the
    check accepts there), while merged commit by commit it is ``key-added`` then the deletion's ``key-changed``."""
    root = log_repo.root
    rel, _ = imported_key(log_repo, tmp_path, "key-k", None)
    start = commit_all(root, "a key")
    set_fields(root / rel, valid_from="2019-01-01T00:00:00Z")
    commit_all(root, "its start moved earlier")
    assert key_entries(log_repo, start) == [("key-changed", NBU, rel, False, False)]

    start = git(root, "rev-parse", "HEAD").strip()
    (root / rel).unlink()
    commit_all(root, "the key file deleted")
    imported_key(log_repo, tmp_path / "second", "key-k", None)  # another key pair, the same id and path
    commit_all(root, "another key under its id")
    assert key_entries(log_repo, start) == [
        ("key-changed", NBU, rel, True, False),
        ("key-added", NBU, rel, False, False),
    ]

    start = git(root, "rev-parse", "HEAD").strip()
    main = git(root, "rev-parse", "--abbrev-ref", "HEAD").strip()
    git(root, "checkout", "-q", "-b", "pr")
    brief, _ = imported_key(log_repo, tmp_path / "third", "key-brief", None)
    commit_all(root, "a key for a moment")
    (root / brief).unlink()
    commit_all(root, "gone again")
    git(root, "checkout", "-q", main)
    git(root, "merge", "-q", "--no-ff", "-m", "merge the pull request", "pr")
    assert key_entries(log_repo, start) == []
    git(root, "reset", "-q", "--hard", start)  # (this test's own repository) merged commit by commit instead
    git(root, "merge", "-q", "--ff-only", "pr")
    assert key_entries(log_repo, start) == [
        ("key-added", NBU, brief, False, False),
        ("key-changed", NBU, brief, True, False),
    ]


def test_a_copy_made_while_valid_fails_the_log_check_for_awards_added_with_the_retirement(
    log_repo: LogRepo, tmp_path: Path
) -> None:
    """A valid key copied into another key file (pushed past the check), then the original retired: the copy's
    ``key-changed`` (``held``, in the retirer's name) is logged in the retiring commit, and it must come before
    that commit's awards (after its key files' entries, whose hashes it repeats): an award signed through the copy
    and added with the retirement fails the log's check, as every later one does."""
    root = log_repo.root
    rel, key = imported_key(log_repo, tmp_path, "key-valid", None)
    commit_all(root, "a valid key")
    copy = f"keys/{NBU}/key-twin.json"
    (root / copy).write_text(json.dumps(json.loads((root / rel).read_text()) | {"id": "key-twin"}, indent=2) + "\n")
    start = commit_all(root, "its copy, while it is valid (pushed past the check)")
    set_fields(root / rel, valid_until="2024-01-01T00:00:00Z")
    twin = dataclasses.replace(key, key_id="key-twin")
    along = award_with(log_repo, twin, dt.datetime(2024, 6, 1, tzinfo=dt.UTC))
    commit_all(root, "the key retired, and an award signed through the copy in the same commit")
    late = award_with(log_repo, twin, dt.datetime(2024, 7, 1, tzinfo=dt.UTC))
    commit_all(root, "a later award through the copy")

    logged = [(e.kind, e.path) for e in derive_entries(root, head="HEAD", since=start)]
    assert logged[:3] == [("key-expiry-set", rel), ("key-changed", copy), ("award", logged[2][1])]
    log_repo.publish()
    cosign(log_repo, tmp_path / "witness")
    for award in (along, late):
        fails_only_on_the_log(log_repo, award.hash, f"{copy} was logged as changed past the registry's checks")


def test_a_tampered_kept_hash_hides_no_retirement_from_a_witness(log_repo: LogRepo, tmp_path: Path) -> None:
    """The hashes the publisher keeps between runs (``shas`` in its kept index) are not in the index's commitment:
    a log operator's state edited so that a held copy's alert does not repeat its file's last hash leaves that
    retirement out of the next checkpoint's index; an honest witness, whose own index counts it, refuses to cosign
    (the page and ``credreg verify --log`` want the witnesses' quorum)."""
    root = log_repo.root
    rel, _key = imported_key(log_repo, tmp_path, "key-valid", None)
    copy = f"keys/{NBU}/key-twin.json"
    (root / copy).write_text(json.dumps(json.loads((root / rel).read_text()) | {"id": "key-twin"}, indent=2) + "\n")
    commit_all(root, "a valid key and its copy (pushed past the check)")
    log_repo.publish()
    witness = tmp_path / "witness"
    cosign(log_repo, witness)
    kept = json.loads((log_repo.state / KEPT_FILE).read_text())
    assert kept["shas"][copy]
    kept["shas"][copy] = "0" * 64
    (log_repo.state / KEPT_FILE).write_text(json.dumps(kept) + "\n")
    set_fields(root / rel, valid_until="2024-01-01T00:00:00Z")
    commit_all(root, "the key retired")
    log_repo.publish()
    with pytest.raises(LogError, match="refusing to cosign: the checkpoint commits to an index"):
        cosign(log_repo, witness)
