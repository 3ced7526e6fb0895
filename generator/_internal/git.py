"""Git as the checks and the log read it, whatever the user's or the repository's own settings say.

Plumbing output still follows a few settings: ``diff.relative`` limits a diff to the current folder and names
paths from it (a registry kept in a subfolder would lose every change beside it: the workflows, the toolkit);
``log.showRoot=false`` hides the root commit's changes from ``git log`` (a log derived so lacks the whole first
commit, and every later publish refuses it as a rewritten history); ``log.showSignature`` writes a signed
commit's verification into the log's output. Every command the pull-request check and the log run is given the
settings they rely on, so that one operator's configuration never changes a verdict.

Git also reads objects through the repository's ``refs/replace/`` (``git replace``: any commit, tree or blob
silently stands for another in every command) and its ``info/grafts`` file (other parents for a commit): a
log derived through either names a commit by its id while reading other content, and is no longer the one
every other checkout derives. Both are turned off. So are the environment variables that change which
repository, index or objects are read (``GIT_DIR``, ``GIT_INDEX_FILE``…) or how a path is matched
(``GIT_LITERAL_PATHSPECS=1`` made the pull-request check's ``:/`` match nothing: it saw no change at all).

Every listing a check reads runs through :func:`git_output` or :func:`git_stream`: one environment (the layout's
and the leak search's listings once dropped every ``GIT_*`` variable, a CI's ``safe.directory`` given as
``GIT_CONFIG_*`` with them, while the pull-request check kept it), and one answer to a Git that fails. A checkout
Git refuses ("dubious ownership"), a broken repository or a missing ``git`` raise
:class:`~generator.errors.GitFailed` with Git's words: each listing was read as the whole of what is there, so a
failure taken for an empty listing made the full check judge no file's mode and pass.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from generator.errors import GitFailed, UsageError

__all__ = [
    "NEUTRAL",
    "environment_work_trees",
    "git_argv",
    "git_env",
    "git_output",
    "git_stream",
    "in_work_tree",
    "not_read_from_disk",
    "path_identity",
    "said_lines",
]

#: Options given before every command: ``-c`` settings override the user's, the system's and the repository's.
NEUTRAL = (
    "--no-replace-objects",
    "-c",
    "diff.relative=false",
    "-c",
    "log.showRoot=true",
    "-c",
    "log.showSignature=false",
    "-c",
    "core.quotePath=false",
    # GIT_GRAFT_FILE (see git_env) has Git write a deprecation hint, several lines, before any error of its own:
    # a failure's message showed the hint, never its cause.
    "-c",
    "advice.graftFileDeprecated=false",
    # A repository's core.fsmonitor names a command Git runs and believes about which files changed: one that
    # answers "none" has `git status` call a changed file clean (the build's "as committed" rule passed it).
    "-c",
    "core.fsmonitor=false",
)

#: Environment variables dropped: each changes which repository, index or objects Git reads, or what a
#: pathspec or a diff matches. (``GIT_CONFIG_*`` stay: a CI's ``safe.directory`` may come that way, and the
#: command line's ``-c`` wins over them.)
_DROPPED = frozenset(
    {
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_COMMON_DIR",
        "GIT_INDEX_FILE",
        "GIT_OBJECT_DIRECTORY",
        "GIT_ALTERNATE_OBJECT_DIRECTORIES",
        "GIT_QUARANTINE_PATH",
        "GIT_NAMESPACE",
        "GIT_REPLACE_REF_BASE",
        "GIT_NO_REPLACE_OBJECTS",
        "GIT_SHALLOW_FILE",
        "GIT_LITERAL_PATHSPECS",
        "GIT_GLOB_PATHSPECS",
        "GIT_NOGLOB_PATHSPECS",
        "GIT_ICASE_PATHSPECS",
        "GIT_NOTES_REF",
        "GIT_DIFF_OPTS",
        "GIT_EXTERNAL_DIFF",
        # Git 2.40+: read .gitattributes from another tree than the work tree's (the conversions rule's check-attr).
        "GIT_ATTR_SOURCE",
    }
)


#: The variables that place a work tree's repository elsewhere (:func:`in_work_tree` refuses a folder with no .git
#: that they place in a work tree).
_ELSEWHERE = ("GIT_DIR", "GIT_WORK_TREE")


def git_argv(*args: str) -> list[str]:
    """The argument vector of ``git <args>`` with :data:`NEUTRAL` settings."""
    return ["git", *NEUTRAL, *args]


def git_env() -> dict[str, str]:
    """The environment every such command runs in: this process's, without the variables that change what Git
    reads, and with no graft file (``--no-replace-objects`` leaves ``info/grafts`` in force)."""
    env = {name: value for name, value in os.environ.items() if name not in _DROPPED}
    env["GIT_GRAFT_FILE"] = os.devnull
    return env


def in_work_tree(root: Path) -> bool:
    """Whether ``root`` lies in a Git work tree, by what the file system shows (a ``.git`` folder or file at or
    above it), not by whether Git answers: a checkout Git refuses ("dubious ownership") or cannot read is still
    one, and a check must not take it for a plain folder (a tarball, where Git has nothing to say)."""
    here = root.resolve()  # Git looks from the folder itself, links resolved
    if any(os.path.lexists(folder / ".git") for folder in (here, *here.parents)):
        return True
    # No .git, but the environment places the folder in a work tree whose repository is elsewhere (a checkout made
    # with GIT_DIR and GIT_WORK_TREE exported over a bare repository): every command drops those variables
    # (_DROPPED: what is judged is the checkout's own repository, never one a shell names), so such a folder read as
    # a tarball, no file mode judged, and the full check passed having judged nothing while the pull-request check
    # refused it. Refused here, naming the variables, as every reader asks this first. Only a folder the
    # environment's work tree holds (environment_work_trees, the rule secret_holder reads too): a GIT_DIR and
    # GIT_WORK_TREE left exported for dotfiles (a bare ~/.dotfiles, the home its work tree) say nothing of a
    # tarball unpacked elsewhere, which stays a plain copy.
    named = [name for name in _ELSEWHERE if os.environ.get(name)]
    tops = {identity for top in environment_work_trees(here) if (identity := path_identity(top)) is not None}
    if named and any(path_identity(folder) in tops for folder in (here, *here.parents)):
        raise UsageError(
            f"{root} has no .git, and {' and '.join(named)} {'places' if len(named) == 1 else 'place'} it in a "
            "work tree whose repository is elsewhere: credreg reads only "
            "a checkout's own repository (the variables are ignored), so it cannot judge what Git records of these "
            "files (their modes, what is tracked). Check a checkout that holds its .git (git clone, or "
            "git worktree add), or unset the variables to check the folder as a plain copy outside Git"
        )
    return False


def environment_work_trees(cwd: Path | None = None) -> list[Path]:
    """The work tree Git would commit to from ``cwd`` (this process's folder by default) by the environment
    (``GIT_DIR``, ``GIT_WORK_TREE``), if any: asked of Git itself, with the raw environment, which knows how the two
    combine with ``core.worktree`` (``GIT_DIR`` alone: the folder Git runs in, unless the repository is bare)."""
    if not os.environ.get("GIT_DIR") and not os.environ.get("GIT_WORK_TREE"):
        return []
    given = os.environ.get("GIT_WORK_TREE")
    tops = [(cwd or Path.cwd()) / given] if given else []
    try:
        done = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=cwd, capture_output=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return tops
    top = done.stdout.rstrip(b"\n")
    return [*tops, Path(os.fsdecode(top))] if top else tops


def not_read_from_disk(tag: str) -> bool:
    """Whether a ``git ls-files -v`` tag marks a file whose work-tree copy Git does not commit from: ``S``
    skip-worktree (a sparse checkout's too), a lowercase tag assume-unchanged (``git add`` and ``git diff`` look past
    the disk, so the commit keeps the index's blob)."""
    return tag == "S" or tag.islower()


def path_identity(path: Path) -> tuple[int, int] | None:
    """``path``'s device and inode (``None``: it is not there): one folder, whatever spelling or link names it."""
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_dev, info.st_ino


#: Git's refusal of a checkout another user owns names the repository's top (not the registry's subfolder).
_REFUSED = re.compile(r"dubious ownership in repository at '(.+)'")


def said_lines(said: bytes | str) -> list[str]:
    """What Git wrote to its standard error, as lines to show a user (its indenting tab dropped: no ``\\x09``)."""
    text = said.decode("utf-8", "replace") if isinstance(said, bytes) else said
    return [line.strip() for line in text.splitlines() if line.strip()]


def _failed(root: Path, args: tuple[str, ...], said: bytes | str) -> GitFailed:
    text = said.decode("utf-8", "replace") if isinstance(said, bytes) else said
    lines = said_lines(text)
    refused = _REFUSED.search(text)
    if refused is None:
        return GitFailed(
            f"git {' '.join(args[:2])} failed in {root}: what Git does not list cannot be checked",
            [*lines[:6], "the check stops rather than judge nothing; fix what Git says and run it again"],
        )
    # A clone owned by another uid than the one running (a CI container, a shared folder): say how to trust this
    # one checkout, scoped to its path (never safe.directory=*, which trusts every folder's hooks and config).
    top = refused.group(1)
    return GitFailed(
        f"git {' '.join(args[:2])} failed in {root}: Git refuses the checkout {top}, owned by another user "
        "(dubious ownership), and what Git does not list cannot be checked",
        [
            "if you trust this checkout, mark it safe for one command:",
            f"GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=safe.directory GIT_CONFIG_VALUE_0={top} <the command>",
            f"or for good: git config --global --add safe.directory {top}",
            "(make test and make site mark their own checkout so; or run as the checkout's owner)",
        ],
    )


def git_output(root: Path, *args: str, stdin: bytes | None = None) -> bytes | None:
    """What ``git <args>`` (:func:`git_argv`, :func:`git_env`) run at ``root`` writes; ``None`` when ``root`` is in
    no Git work tree (:func:`in_work_tree`). Inside one, a Git that is missing or fails raises :class:`GitFailed`
    naming what Git said: every listing of the checks reads its answer as the whole of what is there, so a failure
    taken for an empty answer made them check nothing and pass."""
    if not in_work_tree(root):
        return None
    try:
        done = subprocess.run(git_argv(*args), cwd=root, env=git_env(), input=stdin, capture_output=True, check=False)
    except OSError as error:
        raise _failed(root, args, f"git could not be run: {error}") from None
    if done.returncode != 0:
        raise _failed(root, args, done.stderr or f"exit status {done.returncode}".encode())
    return done.stdout


def git_stream(root: Path, *args: str, stdin: bytes | None = None) -> Iterator[bytes] | None:
    """:func:`git_output`, read as Git writes it (chunks of its output): for a listing too long to hold whole.
    ``None`` outside a Git work tree; :class:`GitFailed` once the output ends if Git failed. Git is killed if the
    caller stops reading early."""
    if not in_work_tree(root):
        return None
    return _streamed(root, args, stdin)


def _streamed(root: Path, args: tuple[str, ...], stdin: bytes | None = None) -> Iterator[bytes]:
    # stderr to a file, not a pipe: a pipe Git filled while its output was being read would stop both. stdin from
    # a file too: Git answering before it has read all of it would otherwise wait for a reader that is writing.
    with tempfile.TemporaryFile() as errors, tempfile.TemporaryFile() as given:
        given.write(stdin or b"")
        given.seek(0)
        try:
            git = subprocess.Popen(
                git_argv(*args), cwd=root, env=git_env(), stdin=given, stdout=subprocess.PIPE, stderr=errors
            )
        except OSError as error:
            raise _failed(root, args, f"git could not be run: {error}") from None
        out = git.stdout
        assert out is not None  # stdout=PIPE
        with git:  # waits for Git on the way out
            read = False
            try:
                yield from iter(lambda: out.read(1 << 16), b"")
                read = True
            finally:
                if not read and git.poll() is None:  # the caller stopped early, or an interruption: none left running
                    git.kill()
        if git.returncode != 0:
            errors.seek(0)
            raise _failed(root, args, errors.read() or f"exit status {git.returncode}".encode())
