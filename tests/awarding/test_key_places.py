"""Private keys and earners' files are never put in, or read from, a registry checkout however the path is
spelt: another work tree of the repository, another clone, a bind mount of the checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.awarding.earners import prepare_earner_dir
from generator.awarding.keys import generate_key, load_signing_key
from generator.errors import KeyFileError, UsageError
from generator.transparency.keys import generate_note_key, load_note_key
from tests.conftest import EPOCH, REPO, Signer


def _git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=t@example.org", "-c", "user.name=t", *args], cwd=root, check=True, capture_output=True
    )


@pytest.fixture
def worktree(signer: Signer, tmp_path: Path) -> Path:
    """A second work tree of the registry's repository, outside its folder (as `git worktree add` makes)."""
    _git(signer.root, "init", "-q")
    _git(signer.root, "add", "-A")
    _git(signer.root, "commit", "-qm", "registry")
    _git(signer.root, "worktree", "add", "-q", "--detach", str(tmp_path / "other-tree"))
    return tmp_path / "other-tree"


def test_no_private_key_is_written_into_another_work_tree_of_the_repository(signer: Signer, worktree: Path) -> None:
    with pytest.raises(KeyFileError, match="inside the registry repository"):
        generate_key(signer.registry, "acme-academy", key_id="key-3", now=EPOCH, private_path=worktree / "k.key")
    with pytest.raises(KeyFileError, match="inside the registry repository"):
        generate_note_key(worktree / "log.key", "registry.test.example/log", "log", root=signer.root)
    assert not (worktree / "k.key").exists()
    assert not (worktree / "log.key").exists()
    assert not (signer.root / "keys/acme-academy/key-3.json").exists(), "nothing half-written"


def test_an_orphan_work_tree_without_the_registry_counts_too(signer: Signer, worktree: Path, tmp_path: Path) -> None:
    # A gh-pages-like branch holds no registry/governance.yaml: only Git knows it is the same repository.
    pages = tmp_path / "pages"
    _git(signer.root, "worktree", "add", "-q", "-b", "pages", str(pages))
    _git(pages, "rm", "-rq", ".")
    assert not (pages / "registry").exists()
    with pytest.raises(KeyFileError, match="inside the registry repository"):
        generate_key(signer.registry, "acme-academy", key_id="key-3", now=EPOCH, private_path=pages / "k.key")


def test_no_private_key_is_read_from_another_work_tree(signer: Signer, worktree: Path) -> None:
    copy = worktree / "leaked.key"
    shutil.copy(signer.key_path, copy)
    os.chmod(copy, 0o600)
    with pytest.raises(KeyFileError, match="refusing to read a private key inside the registry repository"):
        load_signing_key(copy, root=signer.root)


def test_a_witness_key_is_never_written_into_a_registry_clone(signer: Signer) -> None:
    # A witness's commands know no registry root: any folder holding registry/governance.yaml is one.
    with pytest.raises(KeyFileError, match="inside the registry repository"):
        generate_note_key(signer.root / "deep" / "w.key", "witness.example/w1", "witness")
    assert not (signer.root / "deep").exists()


def test_a_witness_key_in_a_registry_clone_is_not_read(signer: Signer, tmp_path: Path) -> None:
    outside = tmp_path / "w.key"
    generate_note_key(outside, "witness.example/w1", "witness")
    inside = signer.root / "w.key"
    shutil.copy(outside, inside)
    os.chmod(inside, 0o600)
    with pytest.raises(KeyFileError, match="inside the registry repository"):
        load_note_key(inside, "witness")


def test_earners_files_are_never_written_into_another_work_tree(signer: Signer, worktree: Path) -> None:
    with pytest.raises(UsageError, match="inside the registry repository"):
        prepare_earner_dir(worktree / "earners", signer.root)


def test_a_bind_mount_of_the_checkout_does_not_hide_it(signer: Signer, tmp_path: Path) -> None:
    """The same folder under another name (a bind mount; a case variant on a case-insensitive file system)."""
    if shutil.which("unshare") is None:
        pytest.skip("no unshare")
    alias = tmp_path / "alias"
    alias.mkdir()
    script = (
        f"mount --bind {signer.root} {alias} && exec {sys.executable} -m generator --root {signer.root} "
        f"keygen acme-academy --key-id key-3 --out {alias / 'k.key'}"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    probe = subprocess.run(["unshare", "-rm", "true"], capture_output=True, check=False)
    if probe.returncode != 0:
        pytest.skip("no user namespaces for a bind mount here")
    done = subprocess.run(["unshare", "-rm", "sh", "-c", script], capture_output=True, text=True, env=env, check=False)
    assert done.returncode != 0, done.stdout
    assert "inside the registry repository" in done.stderr
    assert not (signer.root / "k.key").exists()
    assert not (signer.root / "keys/acme-academy/key-3.json").exists()


def test_the_log_key_is_never_read_from_the_log_state_it_publishes(signer: Signer, tmp_path: Path) -> None:
    """`credreg log publish --state DIR` pushes DIR as the log branch: a key in it would go out with it."""
    state = tmp_path / "log-state"
    key = state / "keys" / "log.key"
    generate_note_key(key, "registry.test.example/log", "log")
    with pytest.raises(KeyFileError, match="refusing to read a private key"):
        load_note_key(key, "log", root=signer.root, published=[state])
    done = subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(signer.root), "log", "publish", "--state", str(state)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO), "CREDREG_LOG_KEY": str(key)},
        check=False,
    )
    assert done.returncode != 0
    assert f"refusing to read a private key inside the registry repository: {key}" in done.stderr
    assert "Traceback" not in done.stderr
