"""What a pull request changes, read from Git: the working tree compared with a base commit.

Everything goes through plumbing commands (``git diff --name-status -z``, ``git cat-file``): the base is never
checked out, and the working tree counts as it is (committed or not, untracked files included), so an issuer
can run the pull-request check before committing.
"""

from __future__ import annotations

import enum
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import UsageError
from generator.layout import PathRole, classify

__all__ = ["Change", "ChangeStatus", "GitBase", "working_tree_changes"]


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
    try:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, check=check)
    except FileNotFoundError:
        raise UsageError("--base needs git, and git is not installed") from None
    except subprocess.CalledProcessError as exc:
        message = exc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UsageError(f"git {args[0]} failed", message[:3]) from None


@dataclass
class GitBase:
    """The base commit of a comparison, read without checking it out."""

    root: Path
    commit: str
    prefix: str = ""
    """The registry root's path inside the Git work tree (``""`` when it is the top)."""

    _blobs: dict[str, bytes | None] = field(default_factory=dict, repr=False)
    _exists: dict[str, bool] = field(default_factory=dict, repr=False)

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
                ["in CI, fetch enough history to contain it (actions/checkout: fetch-depth: 0, or 2 for a merge)"],
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
            self._blobs[path] = result.stdout if result.returncode == 0 else None
        return self._blobs[path]

    def has(self, path: str) -> bool:
        """Whether a file or folder exists at the base."""
        if path not in self._exists:
            result = _git(self.root, "cat-file", "-e", f"{self.commit}:{self.prefix}{path}", check=False)
            self._exists[path] = result.returncode == 0
        return self._exists[path]

    def entries(self, folder: str) -> list[str]:
        """Names in a folder at the base (empty when it does not exist)."""
        result = _git(self.root, "ls-tree", "--name-only", "-z", f"{self.commit}:{self.prefix}{folder}", check=False)
        if result.returncode != 0:
            return []
        return [n for n in result.stdout.decode("utf-8", "surrogateescape").split("\0") if n]


def working_tree_changes(base: GitBase) -> list[Change]:
    """Every path that differs between the base commit and the working tree, sorted by path."""
    diff = _git(
        base.root,
        "-c",
        "core.quotePath=false",
        "diff",
        "--name-status",
        "-z",
        "-M",
        "--no-ext-diff",
        "--no-textconv",
        "--relative",
        base.commit,
        "--",
    ).stdout
    changes: dict[str, Change] = {}
    tokens = diff.decode("utf-8", "surrogateescape").split("\0")
    i = 0
    while i < len(tokens) and tokens[i]:
        letter = tokens[i][0]
        if letter in "RC":
            old, new = tokens[i + 1], tokens[i + 2]
            i += 3
            if letter == "R":
                changes[new] = Change(ChangeStatus.RENAMED, new, old)
            else:
                changes[new] = Change(ChangeStatus.ADDED, new)
            continue
        path = tokens[i + 1]
        i += 2
        status = {"A": ChangeStatus.ADDED, "D": ChangeStatus.DELETED}.get(letter, ChangeStatus.MODIFIED)
        changes[path] = Change(status, path)
    others = _git(base.root, "ls-files", "-z", "--others", "--exclude-standard").stdout
    for raw in others.decode("utf-8", "surrogateescape").split("\0"):
        if not raw:
            continue
        known = changes.get(raw)
        # Staged as deleted but still on disk (``git rm --cached``): the file is there, so it is a modification.
        changes[raw] = Change(ChangeStatus.MODIFIED if known is not None else ChangeStatus.ADDED, raw)
    return [changes[p] for p in sorted(changes)]


def working_tree_modes(base: GitBase) -> dict[str, str]:
    """The Git mode (``100644``, ``120000`` symbolic link, ``160000`` nested repository…) of every path that
    differs from the base, as the working tree has it (as the index has it for a link checked out as a file)."""
    raw = _git(
        base.root, "-c", "core.quotePath=false", "diff", "--raw", "-z", "--no-renames", "--relative", base.commit, "--"
    ).stdout
    tokens = raw.decode("utf-8", "surrogateescape").split("\0")
    modes: dict[str, str] = {}
    for header, path in zip(tokens[::2], tokens[1::2], strict=False):
        fields = header.lstrip(":").split()
        if len(fields) >= 2:
            modes[path] = fields[1]
    return modes
