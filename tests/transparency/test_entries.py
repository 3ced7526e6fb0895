"""The log's entries follow the Git history: commit order, then path order, then line order."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from generator.awards import award_hash, find_award, iter_awards
from generator.errors import UsageError
from generator.load import load_registry
from generator.statuslist import decode_list, encode_list, get_bit, set_bit
from generator.transparency.entries import LogEntry, derive_entries, head_commit
from generator.transparency.publish import copy_log
from tests.transparency.conftest import LogRepo, award_with, commit_all, cosign, git, imported_key, plant_award


def test_every_record_of_the_example_registry_is_an_entry(log_repo: LogRepo) -> None:
    entries = list(derive_entries(log_repo.root, head=head_commit(log_repo.root)))
    kinds = [e.kind for e in entries]
    assert kinds.count("award") == 332
    assert kinds.count("revocation") == 18
    assert kinds.count("credential") == 35
    assert kinds.count("key-added") == 11  # 7 issuer keys, 4 endorser keys: both are trust anchors
    # The keys added with their end already set (the rotated key-2023, and key-2023b, which re-signed its awards)
    # are retired, last in the commit, after the awards they signed.
    added = {e.path: e.sha256 for e in entries if e.kind == "key-added"}
    ended = ["keys/cloud-skills-council/key-2023.json", "keys/cloud-skills-council/key-2023b.json"]
    assert [(e.kind, e.path, e.sha256) for e in entries if e.kind in ("key-expiry-set", "key-revoked")] == [
        ("key-expiry-set", path, added[path]) for path in ended
    ]
    assert [e.last for e in entries[-2:]] == [True, True]
    # One commit: path order, then line order within a batch.
    placed = entries[:-2]
    assert [(e.path, e.line or 0) for e in placed] == sorted((e.path, e.line or 0) for e in placed)
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


def _set_bits_of(data: bytes) -> list[int]:
    bits = decode_list(json.loads(data)["credentialSubject"]["encodedList"])
    return [i for i in range(len(bits) * 8) if get_bit(bits, i)]


def _set_bits(path: Path) -> list[int]:
    return _set_bits_of(path.read_bytes())


def _rewrite_bits(path: Path, change: dict[int, bool]) -> None:
    doc = json.loads(path.read_text())
    bits = bytearray(decode_list(doc["credentialSubject"]["encodedList"]))
    for index, value in change.items():
        set_bit(bits, index, value)
    doc["credentialSubject"]["encodedList"] = encode_list(bits)
    path.write_text(json.dumps(doc, indent=2) + "\n")


def test_status_lists_and_endorsements_are_entries(log_repo: LogRepo) -> None:
    # Every status list and every endorsement of the example registry (issuers' and endorsers') is an entry, by
    # the hash a verifier recomputes: the list file's bytes, the endorsement hash (its file name).
    root = log_repo.root
    entries = list(derive_entries(root, head=head_commit(root)))
    lists = sorted(root.glob("registry/*/*/status/*.json"))
    endorsements = sorted(root.glob("registry/*/*/endorsements/*.json"))
    assert lists
    assert endorsements
    assert sorted((e.path, e.sha256) for e in entries if e.kind == "status-list") == [
        (p.relative_to(root).as_posix(), hashlib.sha256(p.read_bytes()).hexdigest()) for p in lists
    ]
    assert sorted((e.path, e.sha256) for e in entries if e.kind == "endorsement") == [
        (p.relative_to(root).as_posix(), p.stem) for p in endorsements
    ]
    assert {e.issuer for e in entries if e.kind == "endorsement"} == {p.parent.parent.name for p in endorsements}
    assert not [e for e in entries if e.kind == "status-list-cleared"]
    for entry in entries:
        assert LogEntry.parse(entry.encode()) == entry


def test_a_status_list_that_loses_a_set_bit_is_an_alert_entry(log_repo: LogRepo) -> None:
    # The attack: whoever can push puts back an issuer's earlier signed status list, with the bit of a revoked
    # award clear (a revocation taken back). The log now says so, by the hash of the list that lost the bit, before
    # the entry of the list put back; a list that only gains bits (a revocation) is a plain new version.
    root = log_repo.root
    first = head_commit(root)
    status = root / "registry/issuers/northbridge-university/status/1.json"
    rel = status.relative_to(root).as_posix()
    original = status.read_bytes()
    free = next(i for i in range(1000) if i not in _set_bits(status))
    _rewrite_bits(status, {free: True})
    revoked = status.read_bytes()
    second = commit_all(root, "a revocation")
    assert [(e.kind, e.path, e.sha256) for e in derive_entries(root, head=second, since=first)] == [
        ("status-list", rel, hashlib.sha256(revoked).hexdigest())
    ]
    status.write_bytes(original)  # the earlier list back: bit `free` clear again
    third = commit_all(root, "quietly")
    assert [(e.kind, e.issuer, e.sha256) for e in derive_entries(root, head=third, since=second)] == [
        ("status-list-cleared", "northbridge-university", hashlib.sha256(revoked).hexdigest()),
        ("status-list", "northbridge-university", hashlib.sha256(original).hexdigest()),
    ]
    # Deleting a list with a set bit takes them all back; a list with none set, or that never decoded, adds nothing.
    status.write_bytes(revoked)
    fourth = commit_all(root, "revoked again")
    status.unlink()
    fifth = commit_all(root, "the list deleted")
    assert [e.kind for e in derive_entries(root, head=fifth, since=fourth)] == ["status-list-cleared"]
    endorser_list = sorted(root.glob("registry/endorsers/*/status/1.json"))[0]
    bare = endorser_list.read_bytes()
    endorser_list.write_text("not a list")  # no verifier can read its revocations any more
    sixth = commit_all(root, "an endorser's list unreadable")
    kinds = [e.kind for e in derive_entries(root, head=sixth, since=fifth)]
    assert kinds == (["status-list-cleared", "status-list"] if _set_bits_of(bare) else ["status-list"])
    endorser_list.write_bytes(bare)
    seventh = commit_all(root, "back")
    assert [e.kind for e in derive_entries(root, head=seventh, since=sixth)] == ["status-list"]


@pytest.mark.parametrize(
    "change",
    [
        {"validUntil": "2999-01-01T00:00:00Z"},  # read until then; every revocation it holds lapses with it
        {"validFrom": "2999-01-01T00:00:00Z"},  # read by no reader until then, long after it was signed
        {"credentialSubject.statusPurpose": "suspension"},
        {"ttl": 1000},
        {"@context": ["https://www.w3.org/ns/credentials/v2", "https://example.org/other"]},
    ],
)
def test_a_status_list_with_its_bits_kept_but_that_readers_stop_reading_is_an_alert_entry(
    log_repo: LogRepo, change: dict[str, object]
) -> None:
    # A revocation is taken back without a bit cleared: the list written again with every bit it had, but with an
    # end, another purpose, or a field no reader accepts. Every reader stops reading it (now, or when its end comes)
    # and calls its revoked awards of unknown status; the log said only "status-list", and the monitor nothing.
    root = log_repo.root
    status = next(p for p in sorted(root.glob("registry/*/*/status/1.json")) if _set_bits(p))
    first = head_commit(root)
    before = status.read_bytes()
    doc = json.loads(before)
    for name, value in change.items():
        *parents, leaf = name.split(".")
        target = doc
        for parent in parents:
            target = target[parent]
        target[leaf] = value
    status.write_text(json.dumps(doc, indent=2) + "\n")
    assert _set_bits(status) == _set_bits_of(before)
    second = commit_all(root, "the same bits")
    assert [(e.kind, e.sha256) for e in derive_entries(root, head=second, since=first)] == [
        ("status-list-cleared", hashlib.sha256(before).hexdigest()),
        ("status-list", hashlib.sha256(status.read_bytes()).hexdigest()),
    ]


def test_an_endorsement_rewritten_is_a_new_entry_and_deleted_is_none(log_repo: LogRepo) -> None:
    root = log_repo.root
    first = head_commit(root)
    endorsement = sorted(root.glob("registry/endorsers/*/endorsements/*.json"))[0]
    doc = json.loads(endorsement.read_text())
    doc["endorsementComment"] = "changed"
    endorsement.write_text(json.dumps(doc) + "\n")
    second = commit_all(root, "rewritten")
    assert [(e.kind, e.sha256) for e in derive_entries(root, head=second, since=first)] == [
        ("endorsement", award_hash(doc))
    ]
    endorsement.unlink()
    third = commit_all(root, "deleted")
    assert list(derive_entries(root, head=third, since=second)) == []


def test_a_file_name_that_is_not_utf8_is_logged_by_its_bytes(log_repo: LogRepo, tmp_path: Path) -> None:
    """Git holds a name's bytes, whatever they are: a commit may add an award (or a key) whose name is not
    UTF-8. Its entry names it by those bytes, percent-encoded, and the log is published, not refused."""
    root = log_repo.root
    first = head_commit(root)
    source = log_repo.award_files()[0]
    award = source.parent / os.fsdecode(b"caf\xe9-\xff.json")
    award.write_bytes(source.read_bytes())
    key = root / os.fsdecode(b"keys/northbridge-university/k\xe9y.json")
    key.write_bytes(next(root.glob("keys/northbridge-university/*.json")).read_bytes())
    commit_all(root, "names that are not UTF-8")
    new = list(derive_entries(root, head=head_commit(root), since=first))
    encoded = sorted(e.encode() for e in new)
    assert [e.split()[1] for e in encoded] == [b"award", b"key-added"], encoded
    assert encoded[0].endswith(b"/caf%E9-%FF.json\n"), encoded
    assert encoded[1].endswith(b"/k%E9y.json\n"), encoded
    assert [LogEntry.parse(e.encode()) for e in new] == new  # the bytes of the names come back
    # A registry that loads (the check refuses both names: no file system but Linux's holds them), whose history
    # still has them.
    key.unlink()
    award.unlink()
    commit_all(root, "the names go")
    done = log_repo.publish()
    assert "(+424)" in done.stdout, done.stdout + done.stderr  # the key file's deletion is logged (key-changed)
    registry = load_registry(root).registry
    assert registry is not None
    copy_log(registry, log_repo.state, tmp_path / "site" / "log")  # the build serves it, its index agreeing


def test_a_nested_repository_in_place_of_a_logged_file_is_read_as_no_file(log_repo: LogRepo) -> None:
    # A push past the checks (which refuse a nested repository anywhere) replaces an issuer's revocation log and
    # status list by gitlinks (Git mode 160000: a commit of another repository, checked out as an empty folder).
    # The derivation read each side as a blob and stopped ("git object … is not a blob"), at that commit for good:
    # no publish could pass it again. A gitlink is no file: what it replaces is taken away (each revocation and each
    # set bit, an alert), and one added where an award or a key goes adds nothing, as no file would.
    root = log_repo.root
    first = head_commit(root)
    folder = "registry/issuers/northbridge-university"
    status, revocations = root / folder / "status/1.json", root / folder / "revocations.jsonl"
    lines = [line for line in revocations.read_bytes().split(b"\n") if line.strip()]
    assert _set_bits(status)
    listed = status.read_bytes()

    def gitlink(rel: str) -> None:
        git(root, "rm", "-q", "--cached", "--ignore-unmatch", rel)
        git(root, "update-index", "--add", "--cacheinfo", f"160000,{first},{rel}")

    for rel in (f"{folder}/status/1.json", f"{folder}/revocations.jsonl", f"{folder}/awards/2026/ab/{'ab' * 32}.json"):
        gitlink(rel)
    git(root, "commit", "-q", "-m", "nested repositories")
    second = head_commit(root)
    assert [(e.kind, e.path, e.line, e.sha256) for e in derive_entries(root, head=second, since=first)] == [
        *(
            ("revocation-removed", f"{folder}/revocations.jsonl", n, hashlib.sha256(line).hexdigest())
            for n, line in enumerate(lines, start=1)
        ),
        ("status-list-cleared", f"{folder}/status/1.json", None, hashlib.sha256(listed).hexdigest()),
    ]
    # The files back: each an addition again, as after a deletion.
    for rel in (f"{folder}/status/1.json", f"{folder}/revocations.jsonl"):
        git(root, "rm", "-q", "--cached", rel)
    git(root, "checkout", first, "--", f"{folder}/status/1.json", f"{folder}/revocations.jsonl")
    git(root, "commit", "-q", "-m", "the files back")
    kinds = [e.kind for e in derive_entries(root, head=head_commit(root), since=second)]
    assert kinds == ["revocation"] * len(lines) + ["status-list"]


def test_a_key_added_already_retired_is_retired_after_the_awards_of_its_commit(
    log_repo: LogRepo, tmp_path: Path
) -> None:
    """An issuer brings a key whose end has passed with the awards it signed: they count. Nothing added later
    does: without the retirement, an award signed with that key and dated inside its window (a leaked key, or
    whoever holds the repository) would pass whenever it was added, for no entry ever retired the key."""
    root = log_repo.root
    path, key = imported_key(log_repo, tmp_path, "key-imported", "2023-12-31T23:59:59Z")
    brought = award_with(log_repo, key, dt.datetime(2023, 9, 1, tzinfo=dt.UTC))
    first = commit_all(root, "an issuer brings its older awards and the key that signed them")
    backdated = award_with(log_repo, key, dt.datetime(2023, 10, 1, tzinfo=dt.UTC))
    commit_all(root, "an award signed later with the retired key, dated inside its window")

    log_repo.publish()
    cosign(log_repo, tmp_path / "witness")
    for award, passes in ((brought, True), (backdated, False)):
        done = log_repo.credreg("verify", award.hash, "--log", str(log_repo.state), "--format", "json", ok=None)
        checks = {c["id"]: c for c in json.loads(done.stdout)["checks"]}
        assert checks["key"]["status"] == "passed", checks  # signed inside the key's window: the dates lie
        assert (checks["log"]["status"] == "passed") is passes, checks["log"]
        assert (done.returncode == 0) is passes, done.stdout
    assert f"{path} was logged as expired (valid_until set) before it" in checks["log"]["reason"], checks["log"]

    base = git(root, "rev-list", "--max-parents=0", "HEAD").strip()
    new = list(derive_entries(root, head=first, since=base))
    assert [(e.kind, e.path) for e in new] == [
        ("key-added", path), ("award", brought.path.relative_to(root).as_posix()), ("key-expiry-set", path),
    ]  # fmt: skip


def test_a_key_put_where_no_key_read_is_retired_as_an_added_one_is(log_repo: LogRepo, tmp_path: Path) -> None:
    """A key file that did not read as a key (not JSON, say) and then does, with its end set: as added, not
    merely "changed"."""
    root = log_repo.root
    broken = root / "keys/northbridge-university/key-later.json"
    broken.write_text("not a key\n")
    start = commit_all(root, "a file that is no key")
    broken.unlink()
    path, _ = imported_key(log_repo, tmp_path, "key-later", "2023-12-31T23:59:59Z")
    commit_all(root, "the key, its end set")
    new = list(derive_entries(root, head=head_commit(root), since=start))
    assert [(e.kind, e.path, e.last) for e in new] == [("key-changed", path, False), ("key-expiry-set", path, True)]


def test_the_log_is_derived_alike_whatever_git_is_configured_to_show(log_repo: LogRepo) -> None:
    """``log.showRoot=false`` (a user's or the repository's setting) hid the root commit's changes from ``git log``:
    a log derived so lacked the whole first commit, and the next publish elsewhere refused it as a rewritten
    history. ``diff.relative`` is pinned off too."""
    root = log_repo.root
    head = head_commit(root)
    expected = list(derive_entries(root, head=head))
    for setting, value in (("log.showRoot", "false"), ("diff.relative", "true")):
        git(root, "config", setting, value)
    assert list(derive_entries(root, head=head)) == expected
    assert len(expected) > 400


def test_a_key_file_with_a_byte_order_mark_is_no_key(log_repo: LogRepo, tmp_path: Path) -> None:
    """JSON has no byte order mark. The check read a key file past one (load.read_document) while the log reads it
    strictly, as no key: a key with one, added with its end set, was registered yet never retired in the log, and
    an award signed with it later, dated inside its window, counted whenever it was added. The check refuses it
    now, naming the file, and nothing verifies by it."""
    root = log_repo.root
    path, key = imported_key(log_repo, tmp_path, "key-bom", "2023-12-31T23:59:59Z")
    backdated = award_with(log_repo, key, dt.datetime(2023, 10, 1, tzinfo=dt.UTC))
    file = root / path
    file.write_bytes(b"\xef\xbb\xbf" + file.read_bytes())
    start = head_commit(root)
    commit_all(root, "a key with a byte order mark, its end set; an award it signed, backdated")
    assert [e.kind for e in derive_entries(root, head=head_commit(root), since=start) if e.path == path] == [
        "key-added"
    ]  # no key to the log: never retired
    done = log_repo.credreg("check", ok=False)
    assert f"{path}:1:1: invalid JSON: Unexpected UTF-8 BOM" in done.stdout + done.stderr, done.stdout + done.stderr
    done = log_repo.credreg("verify", backdated.hash, "--format", "json", ok=False)
    checks = {c["id"]: c for c in json.loads(done.stdout)["checks"]}
    assert checks["key"]["status"] != "passed", checks["key"]


def test_the_log_is_derived_from_the_commits_named_not_from_replacements(
    log_repo: LogRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``git replace`` (a ref under ``refs/replace/``) has Git read another object wherever one is named, and a
    graft file gives a commit other parents: the log derived through either named the same commits, but logged
    another award's hash (or lost whole commits), a log no other checkout derives. Both are ignored, and so are
    the environment variables that point Git at other objects or change how its paths match."""
    root = log_repo.root
    (root / "NOTES.md").write_text("a later commit\n")
    head = commit_all(root, "a later commit")
    expected = list(derive_entries(root, head=head))
    award = next(e for e in expected if e.kind == "award" and e.line is None)
    blob = git(root, "rev-parse", f"{head}:{award.path}").strip()
    other = (
        subprocess.run(
            ["git", "hash-object", "-w", "--stdin"], cwd=root, input=b'{"forged": true}\n', capture_output=True
        )
        .stdout.decode()
        .strip()
    )
    git(root, "replace", blob, other)
    git(root, "replace", "--graft", head)  # HEAD as a root commit: every earlier one gone
    assert list(derive_entries(root, head=head)) == expected
    git(root, "replace", "-d", head)
    (root / ".git" / "info").mkdir(exist_ok=True)
    (root / ".git" / "info" / "grafts").write_text(head + "\n")
    assert list(derive_entries(root, head=head)) == expected
    monkeypatch.setenv("GIT_ICASE_PATHSPECS", "1")
    monkeypatch.setenv("GIT_REPLACE_REF_BASE", "refs/replace/")
    assert list(derive_entries(root, head=head)) == expected


def test_a_shallow_clone_derives_no_log(log_repo: LogRepo, tmp_path: Path) -> None:
    """A clone with part of the history (actions/checkout's default, fetch-depth 1) shows its oldest commit as a
    root, every file added by it: the log derived so put every award of the registry in that one commit, a log
    no whole clone derives. It is refused, saying how to fetch the rest."""
    root = log_repo.root
    (root / "NOTES.md").write_text("a later commit\n")
    commit_all(root, "a later commit")
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", root.as_uri(), str(clone))
    with pytest.raises(UsageError, match="shallow") as info:
        list(derive_entries(clone, head=head_commit(clone)))
    assert "--unshallow" in info.value.explain()
    since = head_commit(clone)
    assert list(derive_entries(clone, head=since, since=since)) == []  # after the boundary: nothing missing
    # A demo log (the site preview's, built from a clone of depth 2) reads the history as it is.
    assert len(list(derive_entries(clone, head=since, shallow_ok=True))) > 400


def test_a_git_failure_names_gits_reason_not_the_graft_files_deprecation_hint(log_repo: LogRepo) -> None:
    """Every command runs with GIT_GRAFT_FILE pointing at the null device (a graft file must not give a commit
    other parents), and Git then writes a deprecation hint of its own, several lines long, before its error: the
    three lines a failure showed were that hint, never what went wrong. The hint is turned off."""
    with pytest.raises(UsageError) as failed:
        list(derive_entries(log_repo.root, head="HEAD~50"))
    told = failed.value.explain()
    assert "hint:" not in told, told
    assert "HEAD~50" in told, told


def test_a_key_file_taken_away_is_key_changed_and_no_file_on_either_side_is_nothing(log_repo: LogRepo) -> None:
    # A key file's deletion is "key-changed" (it may come back without its end), and so is a gitlink put in its
    # place. But a gitlink replaced by another has no file before or after: it read as an empty key file *added*
    # ("key-added" of the empty blob's hash), and an empty key file deleted read as added too.
    root = log_repo.root
    first = head_commit(root)
    rel, empty = "keys/northbridge-university/key-2023.json", "keys/northbridge-university/key-empty.json"
    (root / empty).write_bytes(b"")
    commit_all(root, "an empty key file")
    added = head_commit(root)
    git(root, "rm", "-q", "--cached", rel)
    git(root, "update-index", "--add", "--cacheinfo", f"160000,{first},{rel}")
    git(root, "rm", "-q", empty)
    git(root, "commit", "-q", "-m", "the key a nested repository, the empty one gone")
    second = head_commit(root)
    git(root, "update-index", "--cacheinfo", f"160000,{second},{rel}")
    git(root, "commit", "-q", "-m", "another nested repository")
    nothing = hashlib.sha256(b"").hexdigest()
    assert [(e.kind, e.path, e.sha256) for e in derive_entries(root, head=head_commit(root), since=first)] == [
        ("key-added", empty, nothing),
        ("key-changed", rel, nothing),
        ("key-changed", empty, nothing),
    ]
    assert [e.taken_back for e in derive_entries(root, head=head_commit(root), since=added)] == [True, True]


def test_an_issuer_or_endorser_file_giving_up_its_did_is_issuer_changed(log_repo: LogRepo) -> None:
    # The DID a verification method names picks whose key files sign for it: a file that gives its DID up (another
    # declared, one declared in place of the registry's default, the declared one removed, or the file deleted)
    # frees it for a new issuer, whose copy of a revoked key is only a key-added in its name. Any other edit of the
    # file, or a new issuer's file, is nothing (no record a verifier reads).
    root = log_repo.root
    first = head_commit(root)
    a = root / "registry/issuers/northbridge-university/issuer.yaml"
    b = root / "registry/issuers/brightforge-academy/issuer.yaml"
    [endorser] = sorted((root / "registry/endorsers").glob("*/endorser.yaml"))[:1]
    texts = {p: p.read_bytes() for p in (a, b, endorser)}
    a.write_text(a.read_text().replace("name: Northbridge", "did: did:web:nbu.example\nname: Northbridge"))
    commit_all(root, "A declares its own DID (the default given up)")
    a.write_text(a.read_text().replace("name: Northbridge University", "name: Northbridge University (Leeds)"))
    commit_all(root, "A renamed, its DID kept")
    a.write_text(a.read_text().replace("did:web:nbu.example", "did:web:elsewhere.example"))
    commit_all(root, "A's DID moved")
    b.unlink()
    endorser.write_text(endorser.read_text() + "did: did:web:endorser.example\n")
    commit_all(root, "B's file deleted, an endorser declares a DID")
    derived = [
        (e.kind, e.issuer, e.path, e.sha256, e.did_moved)
        for e in derive_entries(root, head=head_commit(root), since=first)
    ]
    rel = {p: p.relative_to(root).as_posix() for p in texts}
    renamed = a.read_text().replace("did:web:elsewhere.example", "did:web:nbu.example").encode()
    assert derived == [
        ("issuer-changed", "northbridge-university", rel[a], hashlib.sha256(texts[a]).hexdigest(), True),
        ("issuer-changed", "northbridge-university", rel[a], hashlib.sha256(renamed).hexdigest(), True),
        (
            "issuer-changed",
            endorser.parent.name,
            rel[endorser],
            hashlib.sha256(texts[endorser]).hexdigest(),
            True,
        ),  # registry/endorsers sorts first
        ("issuer-changed", "brightforge-academy", rel[b], hashlib.sha256(texts[b]).hexdigest(), True),
    ]
    assert all(e.kind != "issuer-changed" for e in derive_entries(root, head=first))  # issuers added: nothing


def test_a_site_url_change_gives_up_every_default_did_and_is_issuer_changed_for_each(log_repo: LogRepo) -> None:
    # An issuer (or endorser) declaring no did answers for did:web:<site host>[:<path>]:issuers:<id>: the
    # governance's site_url moved frees every such DID at once for a newcomer to declare, with a revoked key's copy,
    # so each owner's monitor is told (SHA-256 of the governance file as it was). Another edit of it is nothing.
    root = log_repo.root
    governance = root / "registry/governance.yaml"
    a = root / "registry/issuers/northbridge-university/issuer.yaml"
    a.write_text(a.read_text().replace("name: Northbridge", "did: did:web:nbu.example\nname: Northbridge"))
    commit_all(root, "A declares its own DID")
    first = head_commit(root)
    text = governance.read_text()
    m = re.search(r"^site_url:\s*(\S+)", text, re.M)
    assert m is not None
    governance.write_text(text.replace("name:", "# a comment\nname:", 1))
    commit_all(root, "the governance edited, its site kept")
    before = governance.read_bytes()
    governance.write_text(governance.read_text().replace(m.group(1), "https://moved.example/"))
    commit_all(root, "the site moves")
    derived = [
        (e.kind, e.issuer, e.path, e.sha256, e.did_moved)
        for e in derive_entries(root, head=head_commit(root), since=first)
    ]
    defaults = sorted(
        p.parent.name
        for p in [*root.glob("registry/endorsers/*/endorser.yaml"), *root.glob("registry/issuers/*/issuer.yaml")]
        if p != a and not re.search(r"^did:", p.read_text(), re.M)
    )
    assert "brightforge-academy" in defaults
    sha = hashlib.sha256(before).hexdigest()
    assert sorted(derived) == [("issuer-changed", o, "registry/governance.yaml", sha, True) for o in defaults]


def test_a_public_key_retired_by_another_key_file_is_key_changed_in_each_retirers_name(log_repo: LogRepo) -> None:
    """Which key files bring back a retired public key (:class:`generator.transparency.entries._Retired`): one
    holding a key another file retired, earlier or in the same commit, whoever's folder holds it, is ``key-changed``
    in each retiring issuer's name after its own entries; the retiring file's own edits, and a key never retired,
    are not (their own kinds say what they are); nor is a file taken away and put back at its own path, whose
    deletion was its ``key-changed``."""
    root = log_repo.root
    a, b = "northbridge-university", "brightforge-academy"
    key = root / f"keys/{a}/key-2023.json"
    original = json.loads(key.read_text())

    def write(path: str, doc: dict[str, object]) -> str:
        data = (json.dumps(doc, indent=2) + "\n").encode()
        (root / path).write_bytes(data)
        return hashlib.sha256(data).hexdigest()

    def derived(since: str) -> list[tuple[str, str, str, bool]]:
        return [(e.kind, e.issuer, e.path, e.revived) for e in derive_entries(root, head="HEAD", since=since)]

    start = git(root, "rev-parse", "HEAD").strip()
    write(f"keys/{a}/key-copy.json", original | {"id": "key-copy"})  # a copy of a key never retired: no alert
    commit_all(root, "a copy of an unretired key")
    assert derived(start) == [("key-added", a, f"keys/{a}/key-copy.json", False)]
    (root / f"keys/{a}/key-copy.json").unlink()
    step = commit_all(root, "the copy gone")
    ended = original | {"valid_until": "2024-06-01T00:00:00Z"}
    write(f"keys/{a}/key-2023.json", ended)
    write(f"keys/{b}/key-b.json", original | {"id": "key-b", "issuer": b})  # in the commit that retires it
    commit_all(root, "key-2023 ended, and copied to B at once")
    assert derived(step) == [  # (paths in byte order: B's first)
        ("key-added", b, f"keys/{b}/key-b.json", False),
        ("key-changed", a, f"keys/{b}/key-b.json", True),
        ("key-expiry-set", a, f"keys/{a}/key-2023.json", False),
    ]
    step = git(root, "rev-parse", "HEAD").strip()
    write(f"keys/{a}/key-2023.json", ended | {"revocation_reason": "x", "revoked_at": "2024-07-01T00:00:00Z"})
    write(f"keys/{b}/key-b.json", original | {"id": "key-b", "issuer": b, "valid_until": "2024-05-01T00:00:00Z"})
    commit_all(root, "both retired: their own edits, no copy brought")
    assert [entry for entry in derived(step) if entry[3]] == []
    step = git(root, "rev-parse", "HEAD").strip()
    (root / f"keys/{a}/key-2023.json").unlink()
    commit_all(root, "key-2023 gone")
    write(f"keys/{a}/key-2023.json", original)  # back at its own path: and B retired that key too
    commit_all(root, "key-2023 back")
    assert derived(step) == [
        ("key-changed", a, f"keys/{a}/key-2023.json", False),  # the deletion
        ("key-added", a, f"keys/{a}/key-2023.json", False),
        ("key-changed", b, f"keys/{a}/key-2023.json", True),  # B's key-b retired it: B is told
    ]


def test_a_copy_made_while_its_key_was_valid_is_key_changed_when_the_key_is_retired(log_repo: LogRepo) -> None:
    """The copy first, the retirement later: someone with push access adds another key file (another issuer's
    folder) holding a key still valid, which is one ``key-added`` in that folder's owner's name; when the issuer
    retires its key (compromised), the copy has no end and what the leaked key signs counts through it. The
    retiring commit is ``key-changed`` in the retirer's name for every other key file holding that public key then
    (after the commit's own entries), once; a copy deleted before the retirement is not. A publish from a commit
    on (``since``) logs the same."""
    root = log_repo.root
    a, b = "northbridge-university", "brightforge-academy"
    original = json.loads((root / f"keys/{a}/key-2023.json").read_text())
    start = git(root, "rev-parse", "HEAD").strip()
    copy = root / f"keys/{b}/key-b.json"
    copy.write_text(json.dumps(original | {"id": "key-b", "issuer": b}, indent=2) + "\n")
    gone = root / f"keys/{b}/key-gone.json"
    gone.write_text(json.dumps(original | {"id": "key-gone", "issuer": b}, indent=2) + "\n")
    commit_all(root, "copies of a valid key")
    gone.unlink()
    commit_all(root, "one copy gone")
    since = git(root, "rev-parse", "HEAD").strip()
    ended = original | {"revoked_at": "2024-06-01T00:00:00Z", "revocation_reason": "Key compromise"}
    (root / f"keys/{a}/key-2023.json").write_text(json.dumps(ended, indent=2) + "\n")
    commit_all(root, "key-2023 revoked")
    (root / f"keys/{a}/key-2023.json").write_text(json.dumps(ended | {"valid_until": "2024-05-01T00:00:00Z"}) + "\n")
    commit_all(root, "key-2023 given an end too: its copy was logged already")
    sha = hashlib.sha256(copy.read_bytes()).hexdigest()
    whole = [(e.kind, e.issuer, e.sha256, e.path, e.held) for e in derive_entries(root, head="HEAD", since=start)]
    assert [e for e in whole if e[4]] == [("key-changed", a, sha, f"keys/{b}/key-b.json", True)]
    assert whole[-3:-1] == [
        ("key-revoked", a, whole[-3][2], f"keys/{a}/key-2023.json", False),
        ("key-changed", a, sha, f"keys/{b}/key-b.json", True),
    ]
    tail = [(e.kind, e.issuer, e.sha256, e.path, e.held) for e in derive_entries(root, head="HEAD", since=since)]
    assert tail == whole[-len(tail) :]


def test_key_copies_and_retirements_through_merges_and_renames_derive_alike_from_any_commit(log_repo: LogRepo) -> None:
    """A copy on the main line, the retirement on a merged branch (the merge commit is where the first-parent
    history sees it), then the copy renamed and the original deleted: the merge is ``key-changed`` for the copy in
    the retirer's name, the renamed copy (a new path) is too, and a derivation from any commit on (``since``) logs
    what the whole derivation logs for the commits after it."""
    root = log_repo.root
    a, b = "northbridge-university", "brightforge-academy"
    original = json.loads((root / f"keys/{a}/key-2023.json").read_text())
    start = git(root, "rev-parse", "HEAD").strip()
    main = git(root, "rev-parse", "--abbrev-ref", "HEAD").strip()
    git(root, "checkout", "-q", "-b", "side")
    ended = original | {"revoked_at": "2024-06-01T00:00:00Z", "revocation_reason": "Key compromise"}
    (root / f"keys/{a}/key-2023.json").write_text(json.dumps(ended, indent=2) + "\n")
    commit_all(root, "key-2023 revoked, on a branch")
    git(root, "checkout", "-q", main)
    (root / f"keys/{b}/key-b.json").write_text(json.dumps(original | {"id": "key-b", "issuer": b}) + "\n")
    commit_all(root, "a copy on the main line")
    git(root, "merge", "-q", "--no-ff", "-m", "merge the revocation", "side")
    git(root, "mv", f"keys/{b}/key-b.json", f"keys/{b}/key-c.json")
    (root / f"keys/{b}/key-c.json").write_text(json.dumps(original | {"id": "key-c", "issuer": b}) + "\n")
    commit_all(root, "the copy renamed")
    (root / f"keys/{a}/key-2023.json").unlink()
    commit_all(root, "key-2023 deleted")
    whole = [(e.kind, e.issuer, e.path, e.revived, e.held) for e in derive_entries(root, head="HEAD", since=start)]
    assert [e for e in whole if e[3] or e[4]] == [
        ("key-changed", a, f"keys/{b}/key-b.json", False, True),
        ("key-changed", a, f"keys/{b}/key-c.json", True, False),
    ]
    for since in git(root, "rev-list", "--first-parent", f"{start}..HEAD").split():
        tail = [(e.kind, e.issuer, e.path, e.revived, e.held) for e in derive_entries(root, head="HEAD", since=since)]
        assert tail == (whole[-len(tail) :] if tail else []), since


@pytest.mark.parametrize(
    ("copy_end", "logged"),
    [
        ({"valid_until": "2024-05-31T00:00:00Z"}, False),  # the copy ends earlier: it cuts off no less
        ({"revoked_at": "2024-06-01T00:00:00Z", "revocation_reason": "x"}, False),  # the same instant, as refused
        ({"valid_until": "2024-06-01T00:00:00Z"}, True),  # valid_until accepts its own instant, revoked_at does not
        ({"valid_until": "2099-01-01T00:00:00Z"}, True),  # a later end
    ],
)
def test_a_copy_held_at_a_retirement_is_logged_unless_its_own_end_cuts_off_no_less(
    log_repo: LogRepo, copy_end: dict[str, str], logged: bool
) -> None:
    """A key file holding the public key when another file revokes it at an instant: ``key-changed`` in the
    revoker's name unless the copy's own end refuses every signature the revocation does."""
    root = log_repo.root
    a, b = "northbridge-university", "brightforge-academy"
    original = json.loads((root / f"keys/{a}/key-2023.json").read_text())
    (root / f"keys/{b}/key-b.json").write_text(json.dumps(original | {"id": "key-b", "issuer": b} | copy_end) + "\n")
    since = commit_all(root, "a copy with its own end")
    revoked = {"revoked_at": "2024-06-01T00:00:00Z", "revocation_reason": "Key compromise"}
    (root / f"keys/{a}/key-2023.json").write_text(json.dumps(original | revoked) + "\n")
    commit_all(root, "key-2023 revoked")
    held = [(e.issuer, e.path) for e in derive_entries(root, head="HEAD", since=since) if e.held]
    assert held == ([(a, f"keys/{b}/key-b.json")] if logged else [])


@pytest.mark.parametrize("later", ["retirement-earlier", "copy-end-removed", "copy-end-later"])
def test_a_copy_cut_off_at_the_retirement_is_key_changed_when_either_end_moves_past_it(
    log_repo: LogRepo, later: str
) -> None:
    """A copy whose own end cut off no less than the retirement (not logged then) is ``key-changed`` in the
    retirer's name once either end moves: the retirement taken earlier (a compromise found to start sooner: the
    copy's end now comes after it), or the copy's own end removed or moved later (its own change is in its folder
    owner's name only, whom the retiring issuer's monitor does not watch). Every derivation from a commit on logs
    what the whole derivation logs for the commits after it."""
    root = log_repo.root
    a, b = "northbridge-university", "brightforge-academy"
    original = json.loads((root / f"keys/{a}/key-2023.json").read_text())
    start = git(root, "rev-parse", "HEAD").strip()
    revoked = {"revoked_at": "2024-06-01T00:00:00Z", "revocation_reason": "Key compromise"}
    copy = root / f"keys/{b}/key-b.json"
    copy.write_text(json.dumps(original | {"id": "key-b", "issuer": b} | revoked) + "\n")
    commit_all(root, "a copy ending at the same instant")
    (root / f"keys/{a}/key-2023.json").write_text(json.dumps(original | revoked) + "\n")
    commit_all(root, "key-2023 revoked")
    if later == "retirement-earlier":
        (root / f"keys/{a}/key-2023.json").write_text(
            json.dumps(original | revoked | {"revoked_at": "2024-01-01T00:00:00Z"}) + "\n"
        )
    else:
        end = {} if later == "copy-end-removed" else {"valid_until": "2099-01-01T00:00:00Z"}
        copy.write_text(json.dumps(original | {"id": "key-b", "issuer": b} | end) + "\n")
    commit_all(root, "one end moved")
    sha = hashlib.sha256(copy.read_bytes()).hexdigest()
    whole = [
        (e.kind, e.issuer, e.sha256, e.path, e.held, e.outlasts) for e in derive_entries(root, head="HEAD", since=start)
    ]
    # (the copy's end is a retirement too: the original, unended then, was key-changed in the copy's owner's name)
    assert [e for e in whole if (e[4] or e[5]) and e[1] == a] == [
        ("key-changed", a, sha, f"keys/{b}/key-b.json", False, True)
    ]
    for since in git(root, "rev-list", "--first-parent", f"{start}..HEAD").split():
        tail = [
            (e.kind, e.issuer, e.sha256, e.path, e.held, e.outlasts)
            for e in derive_entries(root, head="HEAD", since=since)
        ]
        assert tail == (whole[-len(tail) :] if tail else []), since


def test_a_copy_past_one_of_an_issuers_retirements_is_told_once_not_again_at_each_touch(log_repo: LogRepo) -> None:
    """Two files of one issuer retire the key (one early, one late) and a copy's end falls between: the copy
    outlasts that issuer's early retirement, told once; a later commit touching the key (the copy reformatted) does
    not tell it again (the late retirement does not count as cutting it off). Derivations from any commit agree."""
    root = log_repo.root
    a, b = "northbridge-university", "brightforge-academy"
    original = json.loads((root / f"keys/{a}/key-2023.json").read_text())
    start = git(root, "rev-parse", "HEAD").strip()
    copy = root / f"keys/{b}/key-b.json"
    copied = original | {"id": "key-b", "issuer": b, "valid_until": "2025-01-01T00:00:00Z"}
    copy.write_text(json.dumps(copied) + "\n")
    commit_all(root, "a copy ending in 2025")
    revoked = {"revoked_at": "2024-06-01T00:00:00Z", "revocation_reason": "Key compromise"}
    (root / f"keys/{a}/key-2023.json").write_text(json.dumps(original | revoked) + "\n")
    (root / f"keys/{a}/key-late.json").write_text(
        json.dumps(original | {"id": "key-late", "revoked_at": "2099-01-01T00:00:00Z", "revocation_reason": "x"}) + "\n"
    )
    commit_all(root, "key-2023 revoked, key-late a copy of its own revoked late")
    copy.write_text(json.dumps(copied, indent=2) + "\n")
    commit_all(root, "the copy reformatted")
    rows = [(e.kind, e.issuer, e.path, e.held, e.outlasts) for e in derive_entries(root, head="HEAD", since=start)]
    told = [r for r in rows if r[1] == a and r[2] == f"keys/{b}/key-b.json"]
    assert told == [("key-changed", a, f"keys/{b}/key-b.json", True, False)]  # at the retirement, once
    for since in git(root, "rev-list", "--first-parent", f"{start}..HEAD").split():
        tail = [(e.kind, e.issuer, e.path, e.held, e.outlasts) for e in derive_entries(root, head="HEAD", since=since)]
        assert tail == (rows[-len(tail) :] if tail else []), since


@pytest.mark.parametrize("name", ["aaa", "zzz"])  # the copy sorted before and after the retiring file
@pytest.mark.parametrize("copy_end", [{}, {"valid_until": "2099-01-01T00:00:00Z"}])
def test_a_copy_made_in_the_retiring_commit_is_told_once_whatever_its_path_order(
    log_repo: LogRepo, name: str, copy_end: dict[str, str]
) -> None:
    """A copy added (or renamed into place: Git's deletion and addition) in the commit that retires its key, in
    the retirer's own folder, sorted before or after the retiring file: one ``key-changed`` in the retirer's name,
    and the copy deleted then added again is one more; derivations from any commit agree."""
    root = log_repo.root
    a = "northbridge-university"
    original = json.loads((root / f"keys/{a}/key-2023.json").read_text())
    start = git(root, "rev-parse", "HEAD").strip()
    revoked = {"revoked_at": "2024-06-01T00:00:00Z", "revocation_reason": "Key compromise"}
    (root / f"keys/{a}/key-2023.json").write_text(json.dumps(original | revoked) + "\n")
    copy = root / f"keys/{a}/{name}.json"
    copy.write_text(json.dumps(original | {"id": name} | copy_end) + "\n")
    commit_all(root, "key-2023 revoked, a copy beside it")
    copy.unlink()
    commit_all(root, "the copy deleted")
    copy.write_text(json.dumps(original | {"id": name} | copy_end) + "\n")
    commit_all(root, "the copy added again")
    rows = [
        (e.kind, e.issuer, e.path, e.revived or e.held or e.outlasts)
        for e in derive_entries(root, head="HEAD", since=start)
    ]
    assert [r for r in rows if r[3]] == [("key-changed", a, f"keys/{a}/{name}.json", True)] * 2  # (not held too)
    for since in git(root, "rev-list", "--first-parent", f"{start}..HEAD").split():
        tail = [
            (e.kind, e.issuer, e.path, e.revived or e.held or e.outlasts)
            for e in derive_entries(root, head="HEAD", since=since)
        ]
        assert tail == (rows[-len(tail) :] if tail else []), since
