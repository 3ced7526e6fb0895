"""The timed runs' own accounting: what a run read from the disk, and the read-through that puts a registry in the
page cache before a check (this machine's kernel pages out what it has not touched for about a minute)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from benchmarks._common import read_through, run


def _out_of_the_page_cache(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())  # clean pages only can be dropped
        os.posix_fadvise(handle.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)


def test_a_run_counts_what_it_read_from_the_disk_and_a_read_through_spares_it(tmp_path: Path) -> None:
    data = tmp_path / "registry" / "awards" / "big.bin"
    data.parent.mkdir(parents=True)
    data.write_bytes(os.urandom(8 << 20))
    reader = [sys.executable, "-c", f"open({str(data)!r}, 'rb').read()"]

    _out_of_the_page_cache(data)
    cold = run(reader)
    assert cold.returncode == 0
    assert cold.disk_read_mb >= 7.5  # the 8 MiB came from the disk

    _out_of_the_page_cache(data)
    read_through(tmp_path / "registry")
    warm = run(reader)
    assert warm.disk_read_mb < 1  # the read-through left it in memory


def test_a_read_through_reads_regular_files_only(tmp_path: Path) -> None:
    """A link to a device that never ends, or a FIFO nobody writes, would hang the benchmark."""
    (tmp_path / "a.json").write_text("{}", encoding="utf-8")
    (tmp_path / "zero").symlink_to("/dev/zero")
    os.mkfifo(tmp_path / "fifo")
    read_through(tmp_path, tmp_path / "missing")
