"""What a pull request changes, read from Git: the working tree compared with a base commit.

Everything goes through plumbing commands (``git diff --name-status -z``, ``git cat-file``): the base is never
checked out, and the working tree counts as it is (committed or not, untracked files included), so an issuer
can run the pull-request check before committing.
"""

from __future__ import annotations

import enum
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from generator._internal.git import NEUTRAL, git_argv, git_env, said_lines
from generator.errors import GitFailed, UsageError
from generator.layout import PathRole, classify

__all__ = ["Change", "ChangeStatus", "GitBase", "WorkingTreeChange", "working_tree_changes"]


class ChangeStatus(enum.StrEnum):
    ADDED = "added"
    MODIFIED = "modified"
    DELETED = "deleted"
    RENAMED = "renamed"


@dataclass(frozen=True, slots=True)
class Change:
    """One changed path. ``path`` is where the file is now (for a deletion: where it was)."""

    status: ChangeStatus
    path: str
    old_path: str | None = None
    """The path at the base, for a rename."""

    @property
    def role(self) -> PathRole:
        return classify(self.path)

    @property
    def old_role(self) -> PathRole:
        return classify(self.old_path or self.path)

    @property
    def base_path(self) -> str | None:
        """Where the file is in the base commit (``None`` for an added file)."""
        if self.status is ChangeStatus.ADDED:
            return None
        return self.old_path or self.path

    @property
    def exists(self) -> bool:
        """Whether the file is in the working tree."""
        return self.status is not ChangeStatus.DELETED


def _git(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[bytes]:
    return _finish(_start(root, *args), check=check)


def _start(root: Path, *args: str) -> subprocess.Popen[bytes]:
    """A git command started (:func:`_finish` waits for it), so that two can run at once."""
    try:
        return subprocess.Popen(
            git_argv(*args), cwd=root, env=git_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
    except FileNotFoundError:
        raise UsageError("--base needs git, and git is not installed") from None


def _finish(process: subprocess.Popen[bytes], *, check: bool = True) -> subprocess.CompletedProcess[bytes]:
    stdout, stderr = process.communicate()
    args = [str(a) for a in process.args] if isinstance(process.args, list) else [str(process.args)]
    if check and process.returncode != 0:
        message = stderr.decode("utf-8", "replace").strip().splitlines()
        raise UsageError(f"git {args[1 + len(NEUTRAL)]} failed", message[:3])
    return subprocess.CompletedProcess(args, process.returncode, stdout, stderr)


@dataclass
class GitBase:
    """The base commit of a comparison, read without checking it out."""

    root: Path
    commit: str
    prefix: str = ""
    """The registry root's path inside the Git work tree (``""`` when it is the top)."""

    _blobs: dict[str, bytes | None] = field(default_factory=dict, repr=False)
    _exists: dict[str, str | None] = field(default_factory=dict, repr=False)

    @classmethod
    def open(cls, root: Path, rev: str) -> GitBase:
        """Resolve ``rev`` to a commit of the repository at ``root``; a usage error explains what is missing."""
        inside = _git(root, "rev-parse", "--is-inside-work-tree", check=False)
        if inside.returncode != 0 or inside.stdout.strip() != b"true":
            raise UsageError(f"--base needs a Git work tree, and {root} is not in one")
        if rev.startswith("-"):
            raise UsageError(f"--base {rev!r} is not a revision")
        resolved = _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}", check=False)
        if resolved.returncode != 0:
            raise UsageError(
                f"--base {rev}: no such commit in this repository",
                [
                    "in CI, fetch the whole history (actions/checkout: fetch-depth: 0): the check reads every "
                    "commit of the range"
                ],
            )
        prefix = _git(root, "rev-parse", "--show-prefix").stdout.decode().strip()
        return cls(root, resolved.stdout.decode().strip(), prefix)

    @property
    def short(self) -> str:
        return self.commit[:12]

    def read(self, path: str) -> bytes | None:
        """The file's content at the base (``None`` when it is not a file there)."""
        if path not in self._blobs:
            result = _git(self.root, "cat-file", "blob", f"{self.commit}:{self.prefix}{path}", check=False)
            if result.returncode == 0:
                self._blobs[path] = result.stdout
            elif self._kind(path) == "blob":
                raise self._unreadable(path, result.stderr)
            else:
                self._blobs[path] = None
        return self._blobs[path]

    def has(self, path: str) -> bool:
        """Whether a file or folder exists at the base (read from its trees: a blob Git cannot read still is)."""
        return self._kind(path) is not None

    def entries(self, folder: str) -> list[str]:
        """Names in a folder at the base (empty when it does not exist)."""
        result = _git(self.root, "ls-tree", "--name-only", "-z", f"{self.commit}:{self.prefix}{folder}", check=False)
        if result.returncode != 0:
            if self._kind(folder) == "tree":
                raise self._unreadable(folder, result.stderr)
            return []
        return [n for n in result.stdout.decode("utf-8", "surrogateescape").split("\0") if n]

    def _kind(self, path: str) -> str | None:
        """What the base's trees hold at ``path`` (``blob``, ``tree``, ``commit``), ``None``: nothing. A failure of
        Git here raises: only this answer, never a failed read, says a file is absent from the base (a missing
        object, a partial clone offline, made a modified file look added, judged against no history)."""
        if path not in self._exists:
            full = f"{self.prefix}{path}".encode("utf-8", "surrogateescape")
            listed = _git(self.root, "ls-tree", "-z", "--full-tree", self.commit, "--", os.fsdecode(full)).stdout
            kinds = [meta.split(b" ")[1].decode() for meta, _, name in (e.partition(b"\t") for e in listed.split(b"\0"))
                     if name == full]  # fmt: skip
            self._exists[path] = kinds[0] if kinds else None
        return self._exists[path]

    def _unreadable(self, path: str, said: bytes) -> GitFailed:
        lines = said_lines(said)
        return GitFailed(
            f"git cannot read {path} at the base {self.short}, which its tree holds: a file the check cannot read "
            "at the base is not absent from it",
            [*lines[:3], "fetch the base's objects (a full clone: actions/checkout fetch-depth: 0) and run it again"],
        )


@dataclass(frozen=True)
class WorkingTreeChange:
    """What the working tree changes against a base commit: the changed paths and their Git modes."""

    base: GitBase
    changes: list[Change]
    """Every path that differs, sorted by path."""
    modes: dict[str, str]
    """The Git mode (``100644``, ``120000`` symbolic link, ``160000`` nested repository…) of every changed path
    the diff reports, as the working tree has it (as the index has it for a link checked out as a file)."""

    @classmethod
    def compare(cls, root: Path, rev: str) -> WorkingTreeChange:
        """The working tree at ``root`` against commit ``rev`` (a usage error when it is not one:
        :meth:`GitBase.open`)."""
        base = GitBase.open(root, rev)
        changes, modes = _compare(base)
        return cls(base, changes, modes)

    def present_paths(self) -> list[str]:
        """The changed paths that are in the working tree (what the change adds or modifies)."""
        return [c.path for c in self.changes if c.exists]


def working_tree_changes(base: GitBase) -> list[Change]:
    """Every path that differs between the base commit and the working tree, sorted by path."""
    return _compare(base)[0]


def _compare(base: GitBase) -> tuple[list[Change], dict[str, str]]:
    """One ``git diff --raw`` (statuses and modes alike) and the untracked files: Git looks at every file of the
    working tree for each, so neither is done twice, and the two run at once.

    The whole work tree is compared, not only the registry's folder: in a repository that keeps the registry in
    a subfolder, a change beside it (the toolkit, the workflows) is still part of the pull request, and must
    still be owned. Such a path is given relative to the registry root (``../.github/workflows/x.yml``): a
    registry-level path, which only a registry maintainer may change."""
    untracked = _start(base.root, "ls-files", "-z", "--others", "--exclude-standard", "--full-name", "--", ":/")
    try:
        diff = _git(
            base.root,
            "diff",
            "--raw",
            "-z",
            "-M",
            "--no-ext-diff",
            "--no-textconv",
            # Every submodule change shown: `ignore = all` in the repository's own .gitmodules (or diff config)
            # would leave a nested repository's addition out of the diff, and out of every rule.
            "--ignore-submodules=none",
            base.commit,
            "--",
            ":/",
        ).stdout
    except UsageError:
        untracked.kill()
        untracked.wait()
        raise
    changes: dict[str, Change] = {}
    modes: dict[str, str] = {}
    outside = "../" * base.prefix.count("/")

    def here(path: str) -> str:
        """A path from the work tree's top, as the registry root sees it."""
        return path[len(base.prefix) :] if path.startswith(base.prefix) else outside + path

    tokens = diff.decode("utf-8", "surrogateescape").split("\0")
    i = 0
    while i < len(tokens) and tokens[i]:
        fields = tokens[i].lstrip(":").split()  # ":<old mode> <new mode> <old id> <new id> <status>"
        letter = fields[-1][0]
        if letter in "RC":
            old, path = here(tokens[i + 1]), here(tokens[i + 2])
            i += 3
            changes[path] = (
                Change(ChangeStatus.RENAMED, path, old) if letter == "R" else Change(ChangeStatus.ADDED, path)
            )
        else:
            path = here(tokens[i + 1])
            i += 2
            status = {"A": ChangeStatus.ADDED, "D": ChangeStatus.DELETED}.get(letter, ChangeStatus.MODIFIED)
            changes[path] = Change(status, path)
        modes[path] = fields[1]
    others = _finish(untracked).stdout
    for name in others.decode("utf-8", "surrogateescape").split("\0"):
        if not name:
            continue
        raw = here(name)
        known = changes.get(raw)
        # Staged as deleted but still on disk (``git rm --cached``): the file is there, so it is a modification.
        changes[raw] = Change(ChangeStatus.MODIFIED if known is not None else ChangeStatus.ADDED, raw)
    return [changes[p] for p in sorted(changes)], modes
