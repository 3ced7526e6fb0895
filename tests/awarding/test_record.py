"""The signer's record of what it signed (generator.awarding.record): written by award and endorse before the
registry's files, read by `credreg log monitor --record` strictly (the monitor's end-to-end test is in
tests/transparency/test_publish.py)."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from generator.awarding.issue import Recipient, issue_awards
from generator.awarding.keys import load_signing_key
from generator.awarding.record import (
    FIRST_KINDS,
    HEADER,
    RECORDED_KINDS,
    SignedRecord,
    default_record,
    read_records,
    usable_record,
)
from generator.awarding.revoke import revoke_award
from generator.endorsements import endorse
from generator.errors import UsageError
from generator.models.endorsement import EndorsementKind
from generator.transparency.monitor import UNRECORDED
from tests.governance.conftest import ACME, NOW, Repo
from tests.governance.test_endorsements import OB, _setup


def test_a_cohort_is_recorded_in_its_files_order_before_its_file_is_written(repo: Repo, tmp_path: Path) -> None:
    record = tmp_path / "signed" / f"{ACME}.signed.txt"
    record.parent.mkdir()
    record.write_text("# kept by hand too\n" + "a" * 64)  # no final newline: the next line is not glued to it
    emails = [f"p{n}@example.org" for n in range(5)]
    issued = issue_awards(
        repo.registry, f"{ACME}/sql-basics", [Recipient(e) for e in emails], repo.key(), batch=True,
        valid_from=NOW, signed_record=record,
    )  # fmt: skip
    lines = record.read_text().splitlines()
    assert lines[:2] == ["# kept by hand too", "a" * 64]  # a record kept before: no header added
    where = issued[0].path.relative_to(repo.root).as_posix()
    by_line = sorted(issued, key=lambda a: a.line or 0)
    awards = [line.split()[:3] for line in lines[2:] if line.split()[1] == "award"]
    assert awards == [[a.hash, "award", f"{where}#{a.line}"] for a in by_line]
    read = read_records([record])
    assert read.hashes >= {"a" * 64, *(a.hash for a in issued)}
    assert read.kinds == FIRST_KINDS  # held to awards and endorsements only


def test_a_new_record_says_what_it_holds_and_holds_the_bytes_written(repo: Repo, tmp_path: Path) -> None:
    """A list an award run starts and a revocation's line and list are recorded by the SHA-256 of the very
    bytes written (what the log's entries carry)."""
    record = tmp_path / f"{ACME}.signed.txt"
    key = repo.key()
    [award] = issue_awards(
        repo.registry,
        f"{ACME}/sql-basics",
        [Recipient("p@example.org")],
        key,
        batch=False,
        valid_from=NOW,
        signed_record=record,
    )
    done = revoke_award(repo.registry, award.hash, "Issued in error", key, now=NOW, record=record)
    lines = record.read_text().splitlines()
    assert lines[0] == HEADER
    recorded = {line.split()[1]: line.split()[0] for line in lines[1:]}
    revocation_line = done.log.read_bytes().splitlines()[-1]
    assert recorded["revocation"] == hashlib.sha256(revocation_line).hexdigest()
    assert recorded["status-list"] == hashlib.sha256(done.status_list.read_bytes()).hexdigest()
    assert read_records([record]) == SignedRecord(
        frozenset(recorded.values()) | {award.hash}, frozenset(RECORDED_KINDS)
    )
    # What the monitor tells the owner of each kind a record holds.
    assert set(UNRECORDED) == set(RECORDED_KINDS)
    # Two records: the kinds both hold.
    old = tmp_path / "old.signed.txt"
    old.write_text("b" * 64 + "\n")
    assert read_records([record, old]).kinds == FIRST_KINDS


def test_an_endorsement_is_recorded(repo: Repo, tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    _setup(repo, keys)
    record = default_record(keys / f"{OB}.key", OB)
    done = endorse(
        repo.registry, f"{ACME}/sql-basics", OB, load_signing_key(keys / f"{OB}.key", root=repo.root),
        kind=EndorsementKind.RECOGNISES, comment="Still recognised.", valid_from=NOW - dt.timedelta(minutes=1),
        record=record,
    )  # fmt: skip
    assert record == keys / f"{OB}.signed.txt"
    header, line, *lists = record.read_text().splitlines()
    assert header == HEADER
    assert line.split()[:3] == [done.hash, "endorsement", done.path.relative_to(repo.root).as_posix()]
    assert all(entry.split()[1] == "status-list" for entry in lists)  # the endorser's list, if this one started it


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("A" * 64 + "\n", ":1: not a line of a record"),  # a hash is written in lowercase
        ("\n\n" + "a" * 63 + "\n", ":3: not a line of a record"),
        ("a" * 64 + "award\n", ":1: not a line of a record"),  # glued: no hash
        (b"\xff\xfe".decode("latin-1"), "not UTF-8"),
    ],
)
def test_a_record_is_read_strictly(tmp_path: Path, text: str, says: str) -> None:
    path = tmp_path / "r.signed.txt"
    path.write_bytes(text.encode("latin-1"))
    with pytest.raises(UsageError, match=says):
        read_records([path])
    with pytest.raises(UsageError, match="cannot read it"):
        read_records([tmp_path / "missing.txt"])
    path.write_text("a" * 64 + "\r\n" + "b" * 64 + "\taward x\n  \n# c\n")
    assert read_records([path]).hashes == {"a" * 64, "b" * 64}


def test_a_record_is_never_kept_in_the_registry(repo: Repo, tmp_path: Path) -> None:
    for inside in (repo.root / "signed.txt", repo.root / "registry" / "x.txt"):
        with pytest.raises(UsageError, match="is inside the registry"):
            usable_record(inside, repo.root)
    folder = tmp_path / "a-folder"
    folder.mkdir()
    with pytest.raises(UsageError, match="not a file"):
        usable_record(folder, repo.root)
    assert usable_record(tmp_path / "new" / "r.txt", repo.root) == tmp_path / "new" / "r.txt"
    kept = tmp_path / "kept.signed.txt"
    kept.write_text("a" * 64 + "\n")
    assert usable_record(kept, repo.root) == kept  # appended to, run after run


@pytest.mark.parametrize("put_back_first", [True, False])
def test_a_list_put_back_signed_the_same_second_as_the_one_it_replaces_is_told_by_the_records_order(
    tmp_path: Path, put_back_first: bool
) -> None:
    """The record dates each line to the second: two versions of a list signed within one (``credreg revoke`` run
    twice by a script, one commit) were of equal date, so the older one put back in place of the newer was no
    alert. A record is appended to as things are signed: in one record, the earlier line was signed first."""
    from generator.transparency.entries import LogEntry
    from generator.transparency.monitor import MonitorResult

    where = "registry/issuers/acme/status/1.json"
    older, newer = hashlib.sha256(b"first").hexdigest(), hashlib.sha256(b"second").hexdigest()
    path = tmp_path / "acme.signed.txt"
    path.write_text(
        f"{HEADER}\n" + "".join(f"{sha} status-list {where} 2026-03-01T10:00:00Z\n" for sha in (older, newer))
    )
    record = read_records([path])
    logged, replaced = (older, newer) if put_back_first else (newer, older)
    result = MonitorResult(0, 9, [(8, LogEntry("status-list", "acme", logged, where))], replaced={8: replaced})
    assert [index for index, *_ in result.put_back(record)] == ([8] if put_back_first else [])
