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
"""

from __future__ import annotations

import os

__all__ = ["NEUTRAL", "git_argv", "git_env"]

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
    }
)


def git_argv(*args: str) -> list[str]:
    """The argument vector of ``git <args>`` with :data:`NEUTRAL` settings."""
    return ["git", *NEUTRAL, *args]


def git_env() -> dict[str, str]:
    """The environment every such command runs in: this process's, without the variables that change what Git
    reads, and with no graft file (``--no-replace-objects`` leaves ``info/grafts`` in force)."""
    env = {name: value for name, value in os.environ.items() if name not in _DROPPED}
    env["GIT_GRAFT_FILE"] = os.devnull
    return env
