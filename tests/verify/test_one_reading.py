"""An award text has one reading, the strict one, wherever it is read: by file, by hash, in the public log.

A text holding a key twice (``"validUntil"`` once expired, once not) is refused by ``credreg verify FILE``,
``credreg check`` and the page (jcs.js parseJSON), while JSON readers that keep the last value read one award and
readers that keep the first read another. The lookups by hash read awards leniently (the last value kept), so the
registry's lookup found such a file by the hash of its last-wins reading: ``credreg verify HASH`` called it
valid, ``credreg verify`` of its last-wins copy called that "registered here", and the log recorded it under
that award hash. Now a text the strict reader refuses has no award hash anywhere (the log records its bytes' hash,
as for any text that is no award).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
import sys
from pathlib import Path

from generator.awards import award_hash, award_text_hash, find_award
from generator.verify import verify_credential
from tests.conftest import Signer

NOW = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
UNTIL = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
EXPIRED = "2001-01-01T00:00:00Z"


def _twice(text: str) -> str:
    """The award's text with ``validUntil`` written once more before the signed one: JSON readers that keep the
    last value read the signed award, readers that keep the first read one that expired in 2001."""
    assert text.startswith("{")
    return '{"validUntil": "' + EXPIRED + '", ' + text[1:]


def _duplicated(signer: Signer) -> tuple[dict[str, object], str, Path]:
    issued = signer.award(until=UNTIL)
    assert issued.line is None
    issued.path.write_text(_twice(issued.path.read_text(encoding="utf-8")), encoding="utf-8")
    return issued.award, issued.hash, issued.path


def test_a_text_with_a_key_twice_has_no_award_hash(signer: Signer) -> None:
    award, digest, path = _duplicated(signer)
    text = path.read_text(encoding="utf-8")
    assert award_hash(json.loads(text)) == digest  # the last-wins reading is the signed award
    assert award_text_hash(text) is None
    assert award_text_hash(json.dumps(award)) == digest


def test_the_lookup_by_hash_does_not_find_a_text_the_strict_reader_refuses(signer: Signer) -> None:
    _, digest, _ = _duplicated(signer)
    assert find_award(signer.root, digest) is None


def test_its_last_wins_copy_is_not_registered_here(signer: Signer) -> None:
    award, _, _ = _duplicated(signer)
    result = verify_credential(award, signer.registry, now=NOW)
    registered = result.check("registered")
    assert registered is not None
    assert str(registered.status) == "failed", registered.reason
    assert not result


def test_credreg_verify_by_hash_reads_the_file_as_verify_by_file_does(signer: Signer) -> None:
    _, digest, path = _duplicated(signer)

    def verify(target: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "generator", "--root", str(signer.root), "verify", target]
        return subprocess.run(command, capture_output=True, text=True, check=False)

    by_file = verify(str(path))
    assert by_file.returncode == 2, by_file.stdout
    assert "duplicate key 'validUntil'" in by_file.stderr
    by_hash = verify(digest)
    assert by_hash.returncode == 1, by_hash.stdout
    assert by_hash.stdout.startswith(f"UNKNOWN: no award or endorsement with hash {digest}")


def test_the_log_records_such_a_text_by_its_bytes(signer: Signer) -> None:
    from generator.transparency.entries import _award_digest

    _, digest, path = _duplicated(signer)
    raw = path.read_bytes()
    assert _award_digest(raw) == hashlib.sha256(raw).hexdigest() != digest


def test_a_batch_line_with_a_key_twice_is_not_registered_either(signer: Signer) -> None:
    issued = signer.award(until=UNTIL)
    batch = issued.path.parent.parent / "batches" / "2025-01-15-sql-basics-0123abcd.jsonl"
    batch.parent.mkdir(parents=True)
    clean = json.dumps(issued.award, separators=(",", ":"))
    batch.write_text(f"{json.dumps({'n': 1})}\n{_twice(clean)}\n", encoding="utf-8")
    issued.path.unlink()
    registered = verify_credential(issued.award, signer.registry, now=NOW).check("registered")
    assert registered is not None
    assert str(registered.status) == "failed", registered.reason
    batch.write_text(f"{_twice(clean)}\n{clean}\n", encoding="utf-8")  # a clean copy of it further on still counts
    registered = verify_credential(issued.award, signer.registry, now=NOW).check("registered")
    assert registered is not None
    assert str(registered.status) == "passed", registered.reason
    assert find_award(signer.root, issued.hash) is not None
