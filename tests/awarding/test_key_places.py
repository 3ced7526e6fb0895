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
from generator.errors import SecretPlaceRefused, UsageError
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
    with pytest.raises(SecretPlaceRefused, match="inside the registry repository"):
        generate_key(signer.registry, "acme-academy", key_id="key-3", now=EPOCH, private_path=worktree / "k.key")
    with pytest.raises(SecretPlaceRefused, match="inside the registry repository"):
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
    with pytest.raises(SecretPlaceRefused, match="inside the registry repository"):
        generate_key(signer.registry, "acme-academy", key_id="key-3", now=EPOCH, private_path=pages / "k.key")


def test_no_private_key_is_read_from_another_work_tree(signer: Signer, worktree: Path) -> None:
    copy = worktree / "leaked.key"
    shutil.copy(signer.key_path, copy)
    os.chmod(copy, 0o600)
    with pytest.raises(SecretPlaceRefused, match="refusing to read a private key inside the registry repository"):
        load_signing_key(copy, root=signer.root)


def test_a_witness_key_is_never_written_into_a_registry_clone(signer: Signer) -> None:
    # A witness's commands know no registry root: any folder holding registry/governance.yaml is one.
    with pytest.raises(SecretPlaceRefused, match="inside the registry repository"):
        generate_note_key(signer.root / "deep" / "w.key", "witness.example/w1", "witness")
    assert not (signer.root / "deep").exists()


def test_a_witness_key_in_a_registry_clone_is_not_read(signer: Signer, tmp_path: Path) -> None:
    outside = tmp_path / "w.key"
    generate_note_key(outside, "witness.example/w1", "witness")
    inside = signer.root / "w.key"
    shutil.copy(outside, inside)
    os.chmod(inside, 0o600)
    with pytest.raises(SecretPlaceRefused, match="inside the registry repository"):
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
    with pytest.raises(SecretPlaceRefused, match="refusing to read a private key"):
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


# --- any other Git work tree: a dotfiles repository holding ~/.config, another project's clone -----------------


def _work_tree(tmp_path: Path, kind: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """(the top of a real Git work tree of ``kind``, a folder deep inside it where a key would go)."""
    home = tmp_path / "home"
    home.mkdir()
    if kind == "repository":  # `git init` in the home folder, to version the dotfiles
        _git(home, "init", "-q")
        return home, home / ".config" / "credreg" / "keys"
    other = tmp_path / "project"
    other.mkdir()
    _git(other, "init", "-q")
    (other / "README").write_text("x\n")
    _git(other, "add", "-A")
    _git(other, "commit", "-qm", "x")
    if kind == "worktree":  # its .git is a file pointing into the other repository
        _git(other, "worktree", "add", "-q", "--detach", str(home / "tree"))
        assert (home / "tree" / ".git").is_file()
        return home / "tree", home / "tree" / "secrets"
    if kind == "submodule":  # a .git file too, inside a superproject
        _git(home, "init", "-q")
        _git(home, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(other), "sub")
        assert (home / "sub" / ".git").is_file()
        return home / "sub", home / "sub" / "keys"
    assert kind == "environment"  # a bare repository whose work tree only the environment names
    bare = tmp_path / "dotfiles.git"
    _git(tmp_path, "init", "-q", "--bare", str(bare))
    monkeypatch.setenv("GIT_DIR", str(bare))
    monkeypatch.setenv("GIT_WORK_TREE", str(home))
    return home, home / ".config" / "credreg"


@pytest.mark.parametrize("kind", ["repository", "worktree", "submodule", "environment"])
def test_no_private_key_or_earners_folder_goes_into_any_git_work_tree(
    signer: Signer, tmp_path: Path, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    top, inside = _work_tree(tmp_path, kind, monkeypatch)
    refusal = f"inside a Git work tree: {{}} (in {top}, where one `git add` commits it"
    with pytest.raises(SecretPlaceRefused) as refused:
        generate_key(signer.registry, "acme-academy", key_id="key-3", now=EPOCH, private_path=inside / "k.key")
    assert str(refused.value).startswith("refusing to write a private key " + refusal.format(inside / "k.key"))
    assert "choose a folder outside every one" in refused.value.explain()
    for role, name in (("log", "registry.test.example/log"), ("witness", "witness.example/w1")):
        with pytest.raises(SecretPlaceRefused, match="inside a Git work tree"):
            generate_note_key(inside / f"{role}.key", name, role, root=signer.root)
    with pytest.raises(UsageError, match="refusing to write earners' links and keys inside a Git work tree"):
        prepare_earner_dir(inside / "earners", signer.root)
    assert not inside.exists(), "nothing made"
    assert not (signer.root / "keys/acme-academy/key-3.json").exists()


def test_a_link_into_a_git_work_tree_does_not_hide_it(signer: Signer, tmp_path: Path) -> None:
    """The key folder named through a symbolic link, and `credreg keygen` as a user runs it."""
    dotfiles = tmp_path / "dotfiles"
    (dotfiles / "config").mkdir(parents=True)
    _git(dotfiles, "init", "-q")
    alias = tmp_path / "config"
    alias.symlink_to(dotfiles / "config")
    out = alias / "credreg" / "k.key"
    args = ["--root", str(signer.root), "keygen", "acme-academy", "--key-id", "key-3", "--out", str(out)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")} | {"PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True, text=True, env=env)
    assert done.returncode == 2, done.stderr
    assert f"refusing to write a private key inside a Git work tree: {out} (in {dotfiles}," in done.stderr
    assert "Traceback" not in done.stderr
    assert not (dotfiles / "config" / "credreg").exists()
    outside = tmp_path / "plain" / "k.key"  # beside it, in no repository: written
    args[-1] = str(outside)
    assert subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True, env=env).returncode == 0
    assert outside.is_file()


def test_every_refusal_of_a_secrets_place_exits_2_as_a_usage_error(signer: Signer, tmp_path: Path) -> None:
    """`credreg keygen --out` into the checkout exited 1 where `credreg award --out` exited 2 for the same
    refusal. The path the user gave is what is wrong, not the registry: every such refusal is a usage error."""
    root = signer.root
    outside = tmp_path / "cohort.csv"
    outside.write_text("email\nada@example.org\n")
    inside_csv = root / "cohort.csv"
    inside_csv.write_text("email\nada@example.org\n")
    leaked = root / "leaked.key"
    shutil.copy(signer.key_path, leaked)
    os.chmod(leaked, 0o600)
    award = ["award", "acme-academy/sql-basics"]
    refusals = [
        ("write a private key", ["keygen", "acme-academy", "--key-id", "key-3", "--out", str(root / "k.key")]),
        ("write a private key", ["log", "keygen", "--out", str(root / "log.key")]),
        ("write a private key", ["log", "keygen", "--witness", "--name", "w.example/w", "--out", str(root / "w.key")]),
        ("read a private key", [*award, "--recipient", "ada@example.org", "--key", str(leaked)]),
        (
            "write earners' links and keys",
            [*award, "--csv", str(outside), "--key", str(signer.key_path), "--out", str(root / "earners")],
        ),
        ("read a cohort file", [*award, "--csv", str(inside_csv), "--key", str(signer.key_path)]),
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")} | {"PYTHONPATH": str(REPO)}
    for action, args in refusals:
        done = subprocess.run(
            [sys.executable, "-m", "generator", "--root", str(root), *args], capture_output=True, text=True, env=env
        )
        assert f"refusing to {action} inside the registry repository" in done.stderr, (args, done.stderr)
        assert done.returncode == 2, (args, done.stderr)
        assert "Traceback" not in done.stderr
    for made in ("k.key", "log.key", "w.key", "earners", "registry/issuers/acme-academy/awards"):
        assert not (root / made).exists(), made
