"""Every listing the checks read from Git (generator._internal.git): a Git that refuses the checkout, fails or is
missing is an error naming what Git said, never an empty listing that makes a check judge nothing and pass."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from generator import layout
from generator._internal.git import git_output, in_work_tree
from generator.errors import GitFailed, UsageError
from generator.governance import leaks
from tests.conftest import GIT_CONFIG_GIVEN, give_away
from tests.governance.conftest import commit_all, init_repo

KEY = "keys/acme/key-0.json"

#: Each listing, and what it says of the repository :func:`_repository` makes.
LISTINGS: dict[str, tuple[Callable[[Path], object], object]] = {
    "modes (layout.executable)": (
        lambda root: [(p.location.path, p.code) for p in layout._executable_files(root)],
        [(KEY, "layout.executable")],
    ),
    "committable files (leaks)": (leaks._committable, [".env.example", KEY, "registry/governance.yaml"]),
    "tracked outside registry/ and keys/": (layout._tracked_outside, [".env.example"]),
    "the registry's folder in Git": (layout._git_prefix, ""),
    "work trees": (lambda root: [p.name for p in layout._work_trees(root)], ["repo"]),
}


def _repository(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "keys/acme").mkdir(parents=True)
    (root / "registry").mkdir()
    (root / "registry/governance.yaml").write_text("version: 1\n")
    (root / KEY).write_text("{}\n")
    (root / KEY).chmod(0o755)
    (root / ".env.example").write_text("A=1\n")
    init_repo(root)
    commit_all(root, "a registry")
    return root


@pytest.mark.parametrize("name", LISTINGS)
def test_each_listing_reads_git(tmp_path: Path, name: str) -> None:
    listing, expected = LISTINGS[name]
    assert listing(_repository(tmp_path)) == expected


@pytest.mark.parametrize("name", LISTINGS)
def test_a_checkout_git_refuses_is_an_error_not_an_empty_listing(
    tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _repository(tmp_path)
    give_away(root, monkeypatch)
    with pytest.raises(GitFailed) as failed:
        LISTINGS[name][0](root)
    said = failed.value.explain()
    assert "dubious ownership" in said, said
    assert str(root) in said, said
    # Told exactly how to mark this one checkout safe, for one command or for good (never every folder: "*").
    assert f"GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=safe.directory GIT_CONFIG_VALUE_0={root}" in said, said
    assert f"git config --global --add safe.directory {root}" in said, said
    assert "\t" not in said, said  # Git indents its advice with a tab, which the terminal shows as \\x09


@pytest.mark.parametrize("name", LISTINGS)
def test_safe_directory_given_by_the_environment_is_honoured(
    tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A CI may declare the checkout safe through GIT_CONFIG_COUNT/KEY/VALUE: the layout's and the leak search's
    # listings dropped every GIT_* variable (that one too) while the pull-request check kept it: two rules.
    root = _repository(tmp_path)
    give_away(root, monkeypatch)
    monkeypatch.setenv("GIT_CONFIG_COUNT", "1")
    monkeypatch.setenv("GIT_CONFIG_KEY_0", "safe.directory")
    monkeypatch.setenv("GIT_CONFIG_VALUE_0", str(root))
    listing, expected = LISTINGS[name]
    assert listing(root) == expected


@pytest.mark.parametrize("name", LISTINGS)
def test_git_missing_in_a_checkout_is_an_error(tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _repository(tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    with pytest.raises(GitFailed) as failed:
        LISTINGS[name][0](root)
    assert "git could not be run" in failed.value.explain()


def test_a_folder_outside_git_lists_what_a_tarball_holds(tmp_path: Path) -> None:
    # No Git work tree (an unpacked tarball): no mode recorded, nothing tracked; the leak search reads every file.
    root = _repository(tmp_path)
    subprocess.run(["rm", "-rf", str(root / ".git")], check=True)
    assert not in_work_tree(root)
    assert git_output(root, "ls-files") is None
    assert list(layout._executable_files(root)) == []
    assert layout._tracked_outside(root) == []
    assert leaks._committable(root) == [".env.example", KEY, "registry/governance.yaml"]


def test_a_broken_repository_is_an_error(tmp_path: Path) -> None:
    root = _repository(tmp_path)
    (root / ".git/HEAD").write_text("garbage\n")
    with pytest.raises(GitFailed) as failed:
        list(layout._executable_files(root))
    assert "not a git repository" in failed.value.explain()


def test_stopping_early_leaves_no_git_running(tmp_path: Path) -> None:
    root = _repository(tmp_path)
    for n in range(3000):
        (root / f"keys/acme/k{n:04}.json").write_text("{}\n")
        (root / f"keys/acme/k{n:04}.json").chmod(0o755)
    commit_all(root, "many")
    found = layout._executable_files(root)
    assert next(found).code == "layout.executable"
    found.close()  # Git killed, no error raised for it


def test_a_sparse_checkout_of_the_registry_is_refused(tmp_path: Path) -> None:
    # The full check reads the work tree: a file Git holds but did not check out (sparse checkout, or
    # `git update-index --skip-worktree`) was never read, named or searched, and the check passed without it.
    root = _repository(tmp_path)
    (root / KEY).chmod(0o644)
    (root / "keys/acme/key-1.json").write_text("{}\n")
    commit_all(root, "plain modes")
    subprocess.run(["git", "sparse-checkout", "set", "--no-cone", "/registry/"], cwd=root, check=True)
    assert not (root / KEY).exists()
    found = [(p.location.path, p.code) for p in layout._executable_files(root)]
    assert found == [(KEY, "layout.not-checked-out")]
    assert "2 files" in next(iter(layout._executable_files(root))).message


def test_a_registry_file_flagged_assume_unchanged_is_refused_as_not_checked_out(tmp_path: Path) -> None:
    # assume-unchanged, like skip-worktree: Git commits the index's blob and git status/diff look past the disk, so
    # the check read (and judged) a copy on disk that is not what the commit holds.
    root = _repository(tmp_path)
    (root / KEY).chmod(0o644)
    commit_all(root, "plain modes")
    subprocess.run(["git", "update-index", "--assume-unchanged", KEY], cwd=root, check=True)
    (root / KEY).write_text("{}\n")
    found = [(p.location.path, p.code) for p in layout._executable_files(root)]
    assert found == [(KEY, "layout.not-checked-out")]
    assert "assume-unchanged" in next(iter(layout._executable_files(root))).message


def test_the_registry_found_is_the_one_holding_the_folder_whatever_the_environment_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # find_root asked Git with the raw environment: GIT_DIR and GIT_WORK_TREE naming another registry's repository
    # (a shell's export) made every command run from this checkout act on that other registry.
    here, there = (_repository(tmp_path / name) for name in ("here", "there"))
    (here / "registry/sub").mkdir()
    monkeypatch.setenv("GIT_DIR", str(there / ".git"))
    monkeypatch.setenv("GIT_WORK_TREE", str(there))
    assert layout.find_root(here / "registry/sub") == here


REPO = Path(__file__).resolve().parents[2]


def _make(root: Path, command: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``command`` run by make in ``root`` as one of the Makefile's recipes would be (its exports in force)."""
    return subprocess.run(
        ["make", "-s", "-C", str(root), "--eval", f"probe: ; @{command}", "probe"],
        capture_output=True,
        text=True,
        check=False,
        # The CI's settings given by GIT_CONFIG_COUNT/KEY/VALUE dropped (each test gives its own); the isolation of
        # give_away (GIT_CONFIG_NOSYSTEM, GIT_CONFIG_GLOBAL) kept.
        env={**{k: v for k, v in os.environ.items() if not k.startswith(GIT_CONFIG_GIVEN)}, **env},
    )


def test_make_marks_its_own_checkout_safe_and_no_other(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `make test` and `make site` load the registry, whose listings stop when Git refuses the checkout: a CI
    # container's clone owned by another uid failed every command. The Makefile trusts its own checkout only.
    root = _repository(tmp_path / "a")
    (root / "Makefile").write_bytes((REPO / "Makefile").read_bytes())
    other = _repository(tmp_path / "b")
    give_away(root, monkeypatch)
    give_away(other, monkeypatch)
    mine = _make(root, "git ls-files -s keys")
    assert mine.returncode == 0, mine.stderr
    assert "100755 " in mine.stdout
    assert KEY in mine.stdout
    theirs = _make(root, f"git -C {other} ls-files")
    assert theirs.returncode != 0
    assert "dubious ownership" in theirs.stderr, theirs.stderr
    # A CI's own GIT_CONFIG_* settings are kept, the checkout's added after them.
    kept = _make(
        root,
        "git config core.abbrev && git ls-files keys",
        GIT_CONFIG_COUNT="1",
        GIT_CONFIG_KEY_0="core.abbrev",
        GIT_CONFIG_VALUE_0="9",
    )
    assert kept.returncode == 0, kept.stderr
    assert kept.stdout.split() == ["9", KEY]


def test_a_base_file_git_cannot_read_is_an_error_not_an_absent_file(tmp_path: Path) -> None:
    # The pull-request check took any failure of `git cat-file` for "no such file at the base": a base blob missing
    # (a partial clone offline, a damaged object store) made a modified file look added, and a file's history
    # (an append-only revocation list, a key) was judged against nothing.
    from generator.governance.git import GitBase

    root = _repository(tmp_path)
    base = GitBase.open(root, "HEAD")
    blob = git_output(root, "rev-parse", f"HEAD:{KEY}")
    assert blob is not None
    name = blob.decode().strip()
    (root / ".git/objects" / name[:2] / name[2:]).unlink()
    assert base.read("registry/nowhere.yaml") is None  # truly absent: None
    assert base.read("registry") is None  # a folder: no file
    with pytest.raises(GitFailed) as failed:
        base.read(KEY)
    assert KEY in failed.value.explain()


def _judged_modes(root: Path) -> list[tuple[str, str | None]]:
    return [(p.location.path, p.code) for p in layout._executable_files(root)]


def test_every_shape_of_a_checkout_is_in_git(tmp_path: Path) -> None:
    # Outside Git no mode is judged: no shape of a real checkout may pass for one. A `.git` file (another work tree,
    # a submodule's gitdir: pointer), a `.git` link, a registry in a subfolder of its repository.
    root = _repository(tmp_path)
    worktree = tmp_path / "second"
    subprocess.run(["git", "-C", str(root), "worktree", "add", "-q", str(worktree)], check=True)
    assert (worktree / ".git").is_file()
    assert _judged_modes(worktree) == [(KEY, "layout.executable")]
    moved = tmp_path / "moved.git"
    (root / ".git").rename(moved)
    (root / ".git").symlink_to(moved)
    assert in_work_tree(root)
    assert _judged_modes(root) == [(KEY, "layout.executable")]
    outer = tmp_path / "outer"
    outer.mkdir()
    (tmp_path / "moved.git").rename(outer / ".git")
    (root / ".git").unlink()
    root.rename(outer / "sub")
    subprocess.run(["git", "-C", str(outer), "add", "-A"], check=True)
    assert _judged_modes(outer / "sub") == [(KEY, "layout.executable")]
    # A `.git` Git cannot use (a dangling link, a broken pointer) is still a checkout: an error, never a tarball.
    (outer / ".git").rename(tmp_path / "gone")
    (outer / ".git").write_text("gitdir: /nowhere\n")
    with pytest.raises(GitFailed):
        _judged_modes(outer / "sub")


def test_a_checkout_whose_repository_is_elsewhere_is_refused_naming_the_variables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A checkout with no .git, its repository a bare one that GIT_DIR/GIT_WORK_TREE name: every command drops those
    # variables, so the full check read it as a tarball (no mode judged: an executable key file passed) while the
    # pull-request check refused it. Now refused by both, the error naming the variables.
    source = _repository(tmp_path)
    bare = tmp_path / "bare.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(source), str(bare)], check=True)
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    subprocess.run(["git", f"--git-dir={bare}", f"--work-tree={checkout}", "checkout", "-q", "-f", "HEAD"], check=True)
    assert (checkout / KEY).stat().st_mode & 0o111
    assert not (checkout / ".git").exists()
    monkeypatch.setenv("GIT_DIR", str(bare))
    monkeypatch.setenv("GIT_WORK_TREE", str(checkout))
    for listing, _ in LISTINGS.values():
        with pytest.raises(UsageError) as refused:
            listing(checkout)
        said = refused.value.explain()
        assert "GIT_DIR and GIT_WORK_TREE place it in a work tree whose repository is elsewhere" in said, said
        assert str(checkout) in said, said
    # GIT_DIR alone: Git's work tree is the folder it runs in, unless the repository is bare (then it has none).
    monkeypatch.delenv("GIT_WORK_TREE")
    assert not in_work_tree(checkout)
    monkeypatch.setenv("GIT_DIR", str(source / ".git"))
    with pytest.raises(UsageError, match="GIT_DIR places it in a work tree"):
        in_work_tree(checkout)
    # Left exported for another folder (a bare ~/.dotfiles, the home its work tree): this folder is in no work tree
    # by them, a plain copy (the refusal had refused every tarball, and credreg's own tests of such a home).
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("GIT_DIR", str(bare))
    monkeypatch.setenv("GIT_WORK_TREE", str(home))
    assert not in_work_tree(checkout)
    with pytest.raises(UsageError, match="place it in a work tree"):
        in_work_tree(home)
    # The variables unset: a plain copy outside Git, as a tarball is read.
    monkeypatch.delenv("GIT_DIR")
    monkeypatch.delenv("GIT_WORK_TREE")
    assert not in_work_tree(checkout)


def test_the_suite_run_from_a_commit_hook_keeps_its_git_to_its_own_repositories(tmp_path: Path) -> None:
    # A pre-commit hook runs with GIT_INDEX_FILE exported (and, by `git --git-dir`, GIT_DIR...): the tests' own git
    # commands (init_repo, commit_all) inherited it, staged every test repository's files into the hook's index,
    # and the checks (which drop it) then found those repositories empty. The suite drops every variable the
    # product drops (generator._internal.git._DROPPED), not only GIT_DIR and GIT_WORK_TREE.
    hooks_index = tmp_path / "hooks-index"
    env = {**os.environ, "GIT_INDEX_FILE": str(hooks_index), "PYTHONPATH": str(Path.cwd())}
    test = "tests/_internal/test_git.py::test_a_sparse_checkout_of_the_registry_is_refused"
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--basetemp={tmp_path / 'inner'}", test],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stdout[-3000:]
    assert not hooks_index.exists()
