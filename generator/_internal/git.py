"""Git as the checks and the log read it, whatever the user's or the repository's own settings say.

Plumbing output still follows a few settings: ``diff.relative`` limits a diff to the current folder and names
paths from it (a registry kept in a subfolder would lose every change beside it: the workflows, the toolkit);
``log.showRoot=false`` hides the root commit's changes from ``git log`` (a log derived so lacks the whole first
commit, and every later publish refuses it as a rewritten history). Every command the pull-request check and the
log run is given the settings they rely on, so that one operator's configuration never changes a verdict.
"""

from __future__ import annotations

__all__ = ["NEUTRAL", "git_argv"]

#: ``-c`` settings given before every command: they override the user's, the system's and the repository's.
NEUTRAL = ("-c", "diff.relative=false", "-c", "log.showRoot=true", "-c", "core.quotePath=false")


def git_argv(*args: str) -> list[str]:
    """The argument vector of ``git <args>`` with :data:`NEUTRAL` settings."""
    return ["git", *NEUTRAL, *args]
