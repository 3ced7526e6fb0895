"""``credreg check``: the whole pipeline up to verification, as one library call.

load → validate → verify (awards, revocations, status lists) → governance (in pull-request mode). The CLI
only formats the :class:`CheckReport` this returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from generator import governance, layout
from generator._internal.jobs import Background
from generator._internal.progress import progress
from generator._internal.signals import held_off
from generator.errors import ProblemList, ProblemsFound, UsageError
from generator.governance.existing import Holders, prefetch_holders
from generator.governance.git import ChangeStatus
from generator.governance.leaks import RegisteredKeys, RepositorySearch, repository_search
from generator.load import load_registry
from generator.registry import Registry
from generator.report import consolidate
from generator.schema import check_schemas
from generator.validate import validate_registry
from generator.verify.parallel import verify_all_awards
from generator.verify.registry_check import AwardIndex, check_revocations_and_lists

__all__ = ["CheckOptions", "CheckReport", "accepted_check", "accepted_registry", "run_check"]


@dataclass(frozen=True, slots=True)
class CheckOptions:
    """What ``credreg check`` does beyond the file checks."""

    base: str | None = None
    """Git revision to compare with (pull-request mode)."""

    actor: str | None = None
    """GitHub handle of the pull request's author: required with ``base`` (a :class:`UsageError` otherwise),
    unless ``merge_group``."""

    merge_group: bool = False
    """With ``base``: the change is a merge queue's group (pull requests merged on top of one another), checked as
    one change against ``base`` by every pull-request rule but ownership, which each pull request's own check
    judged against its author (a group has several)."""

    form_files: frozenset[str] = frozenset()
    """With ``actor`` ``github-actions[bot]``: the paths the pull-request workflow made again from the issue the
    pull request's branch names, and found equal to the pull request's (:func:`generator.governance.ownership
    .check_ownership` takes only these as an issue form's)."""

    progress: bool | None = None
    """Show progress (default: when stderr is a terminal)."""

    jobs: int | None = None
    """Worker processes verifying awards (default: one per core; 1: in this process)."""

    cache: bool = True
    """Use the registry's verification cache (:mod:`generator.verify.cache`) and parse cache
    (:mod:`generator.parse_cache`)."""

    def __post_init__(self) -> None:
        # Refused before any work, not after the file checks.
        if self.merge_group and (self.base is None or self.actor is not None):
            raise UsageError(
                "--merge-group needs --base (the commit the merge queue's group is built on) and no --actor: "
                "a group has several authors, each judged by its own pull request's check"
            )
        if self.base is not None and not self.merge_group:
            governance.pull_request_actor(self.actor)


@dataclass(slots=True)
class CheckReport:
    """Everything a check found, and counts of what it looked at."""

    problems: ProblemList
    registry: Registry | None = None
    counts: dict[str, int] = field(default_factory=dict)
    summary_markdown: str | None = None
    awards: AwardIndex | None = None
    """The full check's index of the awards it verified (hashes, slots, what the site counts)."""

    def __bool__(self) -> bool:
        return not self.problems.errors


def run_check(root: Path, options: CheckOptions = CheckOptions()) -> CheckReport:
    """Check the registry at ``root``; every problem is collected, none is raised (but a usage error: a
    ``base`` that is not a commit of the repository at ``root``)."""
    change: governance.WorkingTreeChange | None = None
    leaks: Background[RepositorySearch] | None = None
    ids: Background[Holders] | None = None
    try:
        if options.base is not None:
            # What the pull request changes, first: the layout rules judge those paths (the rest is the base's).
            change = governance.WorkingTreeChange.compare(root, options.base)
            added = [
                c.path
                for c in change.changes
                if c.status is ChangeStatus.ADDED and c.role.kind in (*layout.AWARD_KINDS, layout.PathKind.ENDORSEMENT)
            ]
            if added and options.jobs != 1:
                # A new award's id must be no other's, whoever's: the search reads every award file of the registry,
                # the one cost of this check that grows with it, so it runs in a process of its own while this one
                # loads the registry.
                with held_off():  # known to the clean-up below as soon as it runs, an interruption's included
                    ids = Background(prefetch_holders, root, added)
        elif options.jobs != 1:
            # The full check searches the whole repository for secrets (generator.governance.leaks): Git's walk of the
            # tree (a second per 100k awards' folders) and the reading, in a process of its own while this one loads
            # and verifies, instead of after.
            with held_off():
                leaks = Background(repository_search, root)
        return _check(root, options, change, leaks, ids)
    except BaseException:  # Ctrl-C, SIGTERM: the process ends now, not once the search (and its Git) has ended
        if leaks is not None:
            leaks.cancel()
        raise
    finally:
        if ids is not None:
            ids.cancel()  # its result read, or never needed (the registry did not load)


def _check(
    root: Path,
    options: CheckOptions,
    change: governance.WorkingTreeChange | None,
    leaks: Background[RepositorySearch] | None,
    ids: Background[Holders] | None = None,
) -> CheckReport:
    loaded = load_registry(root, use_cache=options.cache, layout_paths=change.present_paths() if change else None)
    report = CheckReport(loaded.problems, loaded.registry)
    registry = loaded.registry
    if registry is not None:
        validate_registry(registry, report.problems, changed=change.present_paths() if change else ())
        report.counts.update(
            issuers=len(registry.issuers),
            credentials=sum(len(r.credentials) for r in registry.issuers.values()),
            **{"issuer keys": sum(len(r.keys) for r in registry.issuers.values())},
        )
        if registry.endorsers:  # registered endorsers sign with keys of their own: counted apart, named so
            report.counts["endorsers"] = len(registry.endorsers)
            report.counts["endorser keys"] = sum(len(r.keys) for r in registry.endorsers.values())
        report.problems.extend(governance.codeowners_problems(registry))
    pull: governance.PullRequestCheck | None = None
    if change is not None:
        # Pull-request mode: only what the change adds (and what refers to it) is verified, plus the rules
        # about who changed what; see generator.governance.
        pull = governance.check_pull_request(
            root,
            registry,
            change,
            report.problems,
            actor=options.actor,
            merge_group=options.merge_group,
            id_prefetch=ids,
            form_files=options.form_files,
        )
        report.counts.update(pull.counts)
    elif registry is not None:
        with progress("Verifying awards", None, enabled=options.progress) as bar:
            index = verify_all_awards(
                registry, report.problems, jobs=options.jobs, use_cache=options.cache, progress=bar
            )
        report.counts["awards"] = index.count
        report.awards = index
        report.counts["revocations"] = check_revocations_and_lists(registry, index, report.problems)
        from generator.recognition import check_endorsements

        endorsements = check_endorsements(registry, report.problems)
        if endorsements:
            report.counts["endorsements"] = endorsements
    if change is None:
        # The pull-request check searches what a change adds (generator.governance.leaks); the full check, the
        # whole repository: a key or a recipients list committed by another way, or waiting untracked to be; a
        # token of 32 bytes there is a key when it is the seed of a key the registry registers.
        searched = leaks.result() if leaks is not None else repository_search(root)
        report.problems.extend(searched.problems(RegisteredKeys.of(registry) if registry is not None else None))
    for stale in check_schemas(root / layout.SCHEMAS_DIR):
        report.problems.add(
            stale, "out of date with the models: run `credreg schemas` and commit the result", code="schema.stale"
        )
    report.problems = consolidate(report.problems, registry)  # one cause, one message
    if pull is not None:
        report.summary_markdown = pull.summary_markdown(report.problems)
    return report


def accepted_registry(root: Path, options: CheckOptions = CheckOptions(), *, refusal: str | None = None) -> Registry:
    """The registry at ``root`` when the full ``credreg check`` accepts it, else :class:`ProblemsFound` with
    every error. What may be published is decided here and only here: ``build`` publishes nothing else."""
    registry, _ = accepted_check(root, options, refusal=refusal)
    return registry


def accepted_check(
    root: Path, options: CheckOptions = CheckOptions(), *, refusal: str | None = None
) -> tuple[Registry, AwardIndex]:
    """:func:`accepted_registry`, with the check's index of the awards it accepted (the build counts them
    from it instead of reading them again)."""
    if options.base is not None:
        raise ValueError("only a full check decides what is published")
    report = run_check(root, options)
    if report.registry is None or report.problems.errors or report.awards is None:
        raise ProblemsFound(report.problems.errors, refusal or "the registry has problems: run `credreg check`")
    return report.registry, report.awards
