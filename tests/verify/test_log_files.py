"""JSON Lines files (a revocation log, a batch of awards) that are not plain regular files, or whose lines hide
behind blank bytes, are refused where they are, and never block, loop or read through a link.

Found by probing the check as an attacker: a FIFO or a link to ``/dev/zero`` as ``revocations.jsonl`` hung the
check, a folder gave a traceback, a link to a file outside the repository was parsed, and a line whose first
64 KiB were blank was skipped (its content never checked)."""

from __future__ import annotations

import datetime as dt
import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.awarding.issue import Recipient, issue_awards
from generator.awarding.revoke import revoke_award
from generator.awards import MAX_AWARD_BYTES, iter_lines
from generator.check import CheckOptions, run_check
from generator.verify import parallel
from tests.conftest import EPOCH, Signer

LOG = "registry/issuers/acme-academy/revocations.jsonl"


def _revoked(signer: Signer) -> Path:
    award = signer.award()
    revoke_award(signer.registry, award.hash, "Issued in error", signer.key, now=dt.datetime(2025, 2, 1, tzinfo=dt.UTC))
    return signer.root / LOG


def _check_in_a_subprocess(root: Path) -> subprocess.CompletedProcess[str]:
    # A regression would block or never end: a subprocess with a deadline keeps the suite alive.
    return subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(root), "check", "--jobs", "1", "--no-cache"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("kind", ["fifo", "link to /dev/zero", "folder", "link outside"])
def test_a_revocation_log_that_is_not_a_regular_file_is_refused_without_waiting(
    signer: Signer, tmp_path: Path, kind: str
) -> None:
    log = _revoked(signer)
    outside = tmp_path / "outside.jsonl"
    outside.write_bytes(log.read_bytes().replace(b"Issued in error", b"OUTSIDE-MARKER"))
    log.unlink()
    if kind == "fifo":
        os.mkfifo(log)
    elif kind == "link to /dev/zero":
        log.symlink_to("/dev/zero")
    elif kind == "folder":
        log.mkdir()
    else:
        log.symlink_to(outside)
    done = _check_in_a_subprocess(signer.root)
    assert "Traceback" not in done.stderr
    assert done.returncode == 1
    assert f"{LOG}:" in done.stdout
    assert "OUTSIDE-MARKER" not in done.stdout  # nothing was read through the link


def test_iter_lines_refuses_links_and_special_files(tmp_path: Path) -> None:
    target = tmp_path / "real.jsonl"
    target.write_text('{"a":1}\n')
    assert list(iter_lines(target)) == [(1, '{"a":1}')]
    link = tmp_path / "link.jsonl"
    link.symlink_to(target)
    fifo = tmp_path / "fifo.jsonl"
    os.mkfifo(fifo)
    for path in (link, fifo, tmp_path):
        with pytest.raises(OSError, match=r"symbolic links|not a regular file") as raised:
            list(iter_lines(path))
        assert raised.value.errno in (errno.ELOOP, errno.EINVAL)


def test_a_line_whose_first_64_kib_are_blank_is_refused_as_too_long(
    signer: Signer, monkeypatch: pytest.MonkeyPatch
) -> None:
    issued = issue_awards(
        signer.registry,
        "acme-academy/sql-basics",
        [Recipient("a@example.org"), Recipient("b@example.org")],
        signer.key,
        batch=True,
        valid_from=EPOCH + dt.timedelta(days=3),
    )
    batch = issued[0].path
    with batch.open("ab") as fh:
        fh.write(b"\t" * (MAX_AWARD_BYTES + 1) + b'{"a":1,"a":2}\n')
    rel = str(batch.relative_to(signer.root))

    def too_large(jobs: int) -> list[str]:
        report = run_check(signer.root, CheckOptions(progress=False, jobs=jobs, cache=False))
        return [str(p) for p in report.problems if p.location.path == rel]

    serial = too_large(1)
    assert len(serial) == 1, serial
    assert ":3:" in serial[0]
    assert "over" in serial[0]
    # The workers' reader says the same (a unit of its own for the long line, and one read whole).
    monkeypatch.setattr(parallel, "PARALLEL_THRESHOLD", 0)
    for unit_bytes in (1024, 10 * MAX_AWARD_BYTES):
        monkeypatch.setattr(parallel, "UNIT_BYTES", unit_bytes)
        assert too_large(2) == serial
