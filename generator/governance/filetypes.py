"""What kinds of file a pull request may bring: never a symbolic link or a nested repository, and a
``.gitattributes`` only with a registry maintainer's eyes on it.

Inside ``registry/`` and ``keys/`` the layout check (:func:`generator.layout.layout_problems`) already refuses
whatever the working tree holds that the layout does not allow. This adds what the working tree may not show:
Git records a symbolic link as mode ``120000`` even where it is checked out as a plain file
(``core.symlinks=false``), and a nested repository as a gitlink (``160000``), and it covers the rest of the
repository, where a link could feed the site's own sources (``docs/``) from outside it. A ``.gitattributes``
anywhere can mark files ``-diff`` or ``linguist-generated`` and so collapse them in the review: it is flagged,
and the summary asks for a registry maintainer's approval.

One that makes Git convert a file of ``registry/`` or ``keys/`` on checkout (``eol=crlf``,
``working-tree-encoding``, ``ident``, ``filter``) is refused outright: CI checks out the merge commit with it and
the build publishes that work tree, while the public log records (and verifiers compare, and the proofs sign) the
committed bytes. A status list served with other line ends is never the log's version of it, so every award's log
check would fail; and Git's diff, which converts the work tree back, shows none of it.
"""

from __future__ import annotations

import os
import stat

from generator import layout
from generator.errors import ProblemList, Severity
from generator.governance.context import PullRequest
from generator.governance.summary import md_code

__all__ = ["check_file_kinds"]

SYMLINK_MODE = "120000"
GITLINK_MODE = "160000"


def _lstat_mode(path: str) -> int | None:
    try:
        return os.lstat(path).st_mode
    except OSError:
        return None


def check_file_kinds(pr: PullRequest, problems: ProblemList) -> None:
    modes = pr.modes
    converted: list[tuple[str, str]] | None = None  # asked once, however many .gitattributes change
    for change in pr.changes:
        if not change.exists:
            continue
        path = change.path.rstrip("/")
        in_registry = path.split("/", 1)[0] in layout.CHECKED_TREES
        mode = _lstat_mode(str(pr.root / path))
        is_link = mode is not None and stat.S_ISLNK(mode)
        git_mode = modes.get(change.path)
        if git_mode == SYMLINK_MODE or is_link:
            if not (in_registry and is_link):  # otherwise the layout check reports the link it sees
                problems.add(
                    path,
                    "is a symbolic link (Git mode 120000): links are never accepted, since whoever reads one follows "
                    "it out of the repository; commit the file itself",
                    code="governance.symlink",
                )
        elif git_mode == GITLINK_MODE or (
            not in_registry and (change.path.endswith("/") or (mode is not None and stat.S_ISDIR(mode)))
        ):
            problems.add(path, "is a nested Git repository (a submodule): remove it", code="governance.nested-repo")
        elif in_registry and git_mode is not None and git_mode != layout.REGULAR_MODE:
            problems.add(path, layout.executable_message(git_mode), code="layout.executable")
        if path.rsplit("/", 1)[-1] == ".gitattributes" and not in_registry:
            pr.need(f"registry maintainer review of {md_code(path)}: it can hide changes from the diff")
            problems.add(
                path,
                "changes .gitattributes, which can hide files from the pull request's diff (-diff, "
                "linguist-generated): a registry maintainer must review it",
                code="governance.gitattributes",
                severity=Severity.WARNING,
            )
            if converted is None:  # every file of the registry: a rule it adds may match one the change leaves
                converted = layout.converted_on_checkout(pr.root)
            if converted:
                problems.add(path, layout.conversion_message(converted), code="governance.gitattributes-conversion")
