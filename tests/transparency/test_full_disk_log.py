"""The log's state on a full disk: ``credreg log publish`` says which file it could not write, and leaves no half
written temporary file in the state folder. The disk is a real one (a small tmpfs, skipped where mounting is not
permitted)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.awarding.test_full_disk import _fill, small_disk
from tests.transparency.conftest import LogRepo

__all__ = ["small_disk"]  # the fixture, used here by name


def test_log_publish_on_a_full_disk_names_the_file_and_leaves_no_temporary_file(
    log_repo: LogRepo, small_disk: Path
) -> None:
    """The tiles were written by a plain write of a temporary file outside the package's writers: on a full disk
    the message was 'cannot write the log state: None: No space left on device' (the write's error names no file),
    and the half-written ``.<tile>.tmp`` stayed in the state folder."""
    state = small_disk / "log-state"
    state.mkdir()
    _fill(small_disk)
    done = log_repo.credreg("log", "publish", "--state", str(state), "--key", str(log_repo.log_key), ok=False)
    assert "Traceback" not in done.stderr, done.stderr
    assert "No space left on device" in done.stderr, done.stderr
    assert "None:" not in done.stderr, done.stderr
    assert f"cannot write the log state: {state}/" in done.stderr, done.stderr
    assert ".tmp" not in done.stderr, done.stderr
    assert not [p for p in state.rglob("*") if p.name.endswith(".tmp")], sorted(map(str, state.rglob("*")))
    os.unlink(small_disk / "filler")
    shutil.rmtree(state)
    state.mkdir()
    log_repo.credreg("log", "publish", "--state", str(state), "--key", str(log_repo.log_key))
    assert (state / "checkpoint").is_file()


def test_the_builds_plain_writes_on_a_full_disk_name_the_file(log_repo: LogRepo, small_disk: Path) -> None:
    """The verification data's achievement and shard files and the DCC registry file were written by plain
    ``write_text``/``write_bytes`` beside files.py's staging writer: on a full disk the error named no file (the
    build said only 'No space left on device'). They are the build's staging writes (``write_staged``) now."""
    from generator.load import load_registry
    from generator.publish import dccregistry, verifydata

    registry = load_registry(log_repo.root).registry
    assert registry is not None
    dcc = small_disk / dccregistry.DCC_REGISTRY_PATH
    writes = (
        (lambda p: verifydata._write_json(p, {"a": "b" * 9000}), small_disk / "achievements" / "x.json"),
        (lambda p: verifydata._write_gzip(p, os.urandom(9000).hex()), small_disk / "shards" / "0a.json.gz"),
        (lambda _: dccregistry.write_dcc_registry(registry, small_disk), dcc),
    )
    for _, path in writes:
        path.parent.mkdir(parents=True, exist_ok=True)  # as the build makes them
    _fill(small_disk)
    for write, path in writes:
        with pytest.raises(OSError, match="No space left on device") as raised:
            write(path)
        assert raised.value.filename == str(path)
