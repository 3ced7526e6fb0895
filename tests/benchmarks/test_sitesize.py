"""The site-size figure's model of the public log's files is what the log's writer writes."""

from __future__ import annotations

import pytest

from benchmarks.sitesize import log_files
from generator.tlog.tiles import append
from generator.transparency.entries import LogEntry


@pytest.mark.parametrize("size", [1, 255, 256, 600, 65_536 + 300])
def test_the_logs_files_are_counted_as_the_writer_writes_them(size: int) -> None:
    entries = [
        LogEntry("award", f"issuer-{i % 7}", f"{i:064x}", f"registry/issuers/issuer-{i % 7}/awards/{i}.json").encode()
        for i in range(size)
    ]
    written = append(lambda *tile: b"", 0, entries).files  # a first publish of ``size`` entries
    mean = sum(len(e) for e in entries) / size
    total, files = log_files(size, mean)
    assert files == len(written)
    assert total == pytest.approx(sum(len(data) for data in written.values()))
