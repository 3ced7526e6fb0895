"""How ``log publish`` writes its state: every tile and entry bundle on the disk before the checkpoint that signs
them, never through a symbolic link in the state, and nothing at all (not even the folder) when it cannot publish."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from generator.load import load_registry
from generator.tlog.tiles import TILES_DIR
from generator.transparency.log import LogError
from generator.transparency.publish import publish_log
from tests.transparency.conftest import LogRepo, git


def test_every_tile_is_synced_before_the_checkpoint_that_signs_it(
    log_repo: LogRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The tiles were renamed into place unsynced, then the checkpoint written and synced: a crash (a power cut)
    after it could leave a signed checkpoint over tiles the disk never got, a log no one can prove anything in. Each
    file's fsync is told by its inode (a rename keeps it), in the order they happened."""
    registry = load_registry(log_repo.root).registry
    assert registry is not None
    synced: list[tuple[int, int]] = []
    real = os.fsync

    def fsync(fd: int) -> None:
        info = os.fstat(fd)
        synced.append((info.st_dev, info.st_ino))
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    publish_log(log_repo.root, registry, log_repo.state, log_repo.signer)
    monkeypatch.undo()

    def inode(path: Path) -> tuple[int, int]:
        info = path.stat()
        return info.st_dev, info.st_ino

    signed = synced.index(inode(log_repo.state / "checkpoint"))
    tiles = [p for p in (log_repo.state / TILES_DIR).rglob("*") if p.is_file()]
    assert len(tiles) > 3
    unsynced = [p for p in tiles if inode(p) not in synced[:signed]]
    assert not unsynced, unsynced


def test_publish_never_writes_through_a_link_in_the_state(log_repo: LogRepo, tmp_path: Path) -> None:
    """The state is a checkout of the log branch, anyone's who can push to it: a ``tile`` committed there as a
    symbolic link had the publisher write its tiles wherever it points. Refused, naming it; nothing written there
    or in the state."""
    registry = load_registry(log_repo.root).registry
    assert registry is not None
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    log_repo.state.mkdir()
    (log_repo.state / TILES_DIR).symlink_to(elsewhere)
    with pytest.raises(LogError) as raised:
        publish_log(log_repo.root, registry, log_repo.state, log_repo.signer)
    assert f"{TILES_DIR} is a symbolic link" in str(raised.value), raised.value
    assert list(elsewhere.iterdir()) == []
    assert not (log_repo.state / "checkpoint").exists()


def test_publish_in_a_repository_with_no_commits_leaves_nothing_and_says_why(log_repo: LogRepo) -> None:
    """It made the ``--state`` folder, then failed on Git's words ("git rev-parse failed"): an empty folder left
    behind, which the next run took for a state."""
    shutil.rmtree(log_repo.root / ".git")
    git(log_repo.root, "init", "-q", "-b", "main")
    done = log_repo.publish(ok=False)
    assert "Traceback" not in done.stderr, done.stderr
    assert "has no commits" in done.stderr, done.stderr
    assert not log_repo.state.exists()


def test_a_first_publish_that_fails_leaves_no_folder_it_made(log_repo: LogRepo) -> None:
    """A first publish that fails (here a shallow clone) removed the state folder it made, but not the folders it
    made above it (``--state`` under folders that did not exist): those stayed behind."""
    import subprocess

    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=log_repo.root, capture_output=True, text=True, check=True)
    (log_repo.root / ".git" / "shallow").write_text(head.stdout)  # the clone's history stops at its head
    top = log_repo.state.parent / "made-by-publish"
    state = top / "a" / "state"
    done = log_repo.credreg("log", "publish", "--state", str(state), "--key", str(log_repo.log_key), ok=False)
    assert "Traceback" not in done.stderr, done.stderr
    assert "shallow" in done.stderr, done.stderr
    assert not top.exists(), sorted(top.rglob("*"))
