"""Pull-request mode of ``credreg check``: the rules that depend on what changed, and who changed it.

The file checks (load, validate, schemas) run as always. Instead of re-verifying every award, this verifies
what the change adds and whatever refers to it, and applies the governance rules: private keys, ownership,
append-only history, fresh signatures. Each rule is a function of the :class:`PullRequest` that appends
problems; they do not depend on each other's results, so every refusal shows up in one run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from generator._internal.jobs import Background
from generator.errors import Problem, ProblemList, UsageError
from generator.governance.awarded import check_awarded_records
from generator.governance.context import PullRequest
from generator.governance.existing import Holders
from generator.governance.filetypes import check_file_kinds
from generator.governance.git import WorkingTreeChange
from generator.governance.history import check_history
from generator.governance.leaks import check_private_keys
from generator.governance.new_awards import NewAwards, check_new_awards
from generator.governance.ownership import check_ownership, record_approvals
from generator.governance.status import check_revocations_and_lists
from generator.governance.summary import ChangeSummary, render_markdown, summarize
from generator.registry import Registry

__all__ = ["AUTHOR_RULES", "PATH_RULES", "PullRequestCheck", "check_pull_request", "pull_request_actor"]

Rule = Callable[[PullRequest, ProblemList], None]

#: Rules that need only the paths, the base commit and the files: they run even when the registry does not load.
PATH_RULES: tuple[Rule, ...] = (
    check_private_keys,
    check_file_kinds,
    check_ownership,
    record_approvals,
    check_history,
)
#: The rules about who changed what: a merge queue's group has several authors, each judged by its own check.
AUTHOR_RULES: tuple[Rule, ...] = (check_ownership, record_approvals)


@dataclass
class PullRequestCheck:
    """What pull-request mode found out, for counts and the Markdown summary."""

    pr: PullRequest
    summary: ChangeSummary

    @property
    def counts(self) -> dict[str, int]:
        return {
            "changed files": len(self.pr.changes),
            "new awards": self.summary.awards,
            "new revocations": self.summary.revocations,
        }

    def summary_markdown(self, problems: Iterable[Problem]) -> str:
        """The summary, listing ``problems`` (pass every problem of the run, not only governance ones)."""
        return render_markdown(self.pr, self.summary, problems)


def pull_request_actor(actor: str | None) -> str:
    """The GitHub handle of a pull request's author, without ``@``.

    Pull-request mode always needs it: without an actor there is no one to check ownership against, and a
    check that skipped ownership would pass a change to another issuer's files. Raises
    :class:`~generator.errors.UsageError` when it is missing or blank.
    """
    handle = (actor or "").strip().removeprefix("@").strip()
    if not handle:
        raise UsageError(
            "--base (pull-request mode) needs --actor HANDLE, the GitHub handle of the change's author: "
            "ownership is checked against it (CI passes the pull request's author)"
        )
    return handle


def check_pull_request(
    root: Path,
    registry: Registry | None,
    base: str | WorkingTreeChange,
    problems: ProblemList,
    *,
    actor: str | None,
    merge_group: bool = False,
    now: dt.datetime | None = None,
    id_prefetch: Background[Holders] | None = None,
    form_files: frozenset[str] = frozenset(),
) -> PullRequestCheck:
    """Check the working tree at ``root`` as a change to commit ``base`` (or as the change already compared)
    made by GitHub user ``actor``; or, with ``merge_group``, as a merge queue's group of pull requests, each of
    which passed its own check: every rule but :data:`AUTHOR_RULES`. So a group is judged as main will hold it:
    a key one pull request retires refuses the awards another signed with it, which the log would refuse after
    the merge.

    Raises :class:`~generator.errors.UsageError` when ``actor`` is missing (:func:`pull_request_actor`), when
    ``root`` is not in a Git work tree or ``base`` is not a commit in it.
    """
    handle = "" if merge_group else pull_request_actor(actor)
    change = base if isinstance(base, WorkingTreeChange) else WorkingTreeChange.compare(root, base)
    pr = PullRequest(
        root=root,
        base=change.base,
        changes=change.changes,
        modes=change.modes,
        actor=handle,
        now=now or dt.datetime.now(dt.UTC),
        registry=registry,
        id_prefetch=id_prefetch,
        form_files=form_files,
    )
    for rule in PATH_RULES:
        if not (merge_group and rule in AUTHOR_RULES):
            rule(pr, problems)
    new = NewAwards([], 0, {})
    revocations = 0
    if registry is not None:
        new = check_new_awards(pr, problems)
        check_awarded_records(pr, problems)
        revocations = check_revocations_and_lists(pr, new, problems)
        from generator.governance.endorsements import check_endorsed_records, check_new_endorsements

        check_new_endorsements(pr, problems)
        check_endorsed_records(pr, problems)
    summary = summarize(pr, awards=len(new.outcomes), award_files=new.files, revocations=revocations)
    return PullRequestCheck(pr, summary)
