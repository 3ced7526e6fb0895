"""New awards: each verified as the registry-wide check would, signed freshly, in a free status slot and with an id
of its own.

Only the awards a change adds are verified (with :class:`~generator.verify.registry_check.AwardChecker`, the
registry-wide check's own per-award rules); the existing ones are looked up, not re-verified
(:mod:`generator.governance.existing`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator._internal.source import SourceError
from generator.awards import AwardSource, read_award_file
from generator.errors import ProblemList
from generator.governance.context import PullRequest
from generator.governance.existing import (
    Holders,
    Slot,
    existing_ids,
    existing_recipients,
    existing_status_slots,
    is_same_award,
)
from generator.governance.fresh import freshness_problem
from generator.governance.git import ChangeStatus
from generator.layout import PathKind
from generator.registry import Registry
from generator.verify.registry_check import AwardChecker, AwardOutcome, duplicate_id_message, shared_recipient_message

__all__ = ["NewAwards", "check_new_awards"]


@dataclass
class NewAwards:
    """The awards a change adds, as checked."""

    outcomes: list[AwardOutcome]
    files: int
    slots: dict[Slot, str]
    """The new awards' status slots and where each is in use (existing awards first), for the issuers that got
    new awards."""


def _freshness(pr: PullRequest, checker: AwardChecker, source: AwardSource, problems: ProblemList) -> None:
    try:
        doc = source.parse()
    except SourceError:  # the award checker has reported why it does not parse
        return
    proofs = doc.data.get("proof") if isinstance(doc.data, dict) else None
    for i, proof in enumerate(proofs if isinstance(proofs, list) else [proofs]):
        if not isinstance(proof, dict) or not isinstance(proof.get("verificationMethod"), str):
            continue
        key = checker.verifier.keys.resolve(proof["verificationMethod"])
        if key is None or key.record is None:
            continue  # the award checker refuses keys the registry does not hold
        reason = freshness_problem(key.record, proof.get("created"), now=pr.now, rules=pr.rules, what="the award")
        if reason is not None:
            loc: list[str | int] = ["proof", i] if isinstance(proofs, list) else ["proof"]
            problems.append(doc.problem(loc, reason, code="governance.fresh-signature"))
            return  # both proofs share key and time: one explanation is enough


def check_new_awards(pr: PullRequest, problems: ProblemList) -> NewAwards:
    """Verify every award in added award files; compare their status slots and ids with the existing awards'."""
    registry = pr.registry
    assert registry is not None
    added = [
        c.path
        for c in pr.changed(PathKind.AWARD, PathKind.AWARD_BATCH, statuses=[ChangeStatus.ADDED])
        # A link is refused (governance.filetypes) and never read: its target may be outside the repository (a
        # file of the machine that runs the check, whose text the refusals would quote), or a batch the reader
        # refuses with an error.
        if not (pr.root / c.path).is_symlink() and (pr.root / c.path).is_file()
    ]
    checker = AwardChecker(registry, new=True)
    outcomes: list[AwardOutcome] = []
    for path in added:
        for source in read_award_file(registry.root, registry.root / path):
            outcome = checker.check(source)
            outcomes.append(outcome)
            problems.extend(outcome.problems)
            if not outcome.problems:
                _freshness(pr, checker, source, problems)
    issuers = {o.issuer for o in outcomes if o.issuer is not None and o.issuer in registry.issuers}
    indexes = {o.status_index for o in outcomes if o.status_index is not None}
    ids = {o.award_id for o in outcomes if o.award_id is not None and not o.problems}
    slots = existing_status_slots(registry, issuers, exclude=set(added), indexes=indexes)
    _distinct_ids(
        registry.root, outcomes, existing_ids(registry, ids, exclude=set(added), known=pr.known_holders), problems
    )
    _distinct_recipients(registry, outcomes, set(added), problems, pr.known_holders)
    for outcome in outcomes:
        if outcome.issuer not in issuers or outcome.status_list is None or outcome.status_index is None:
            continue
        slot = (outcome.issuer, outcome.status_list, outcome.status_index)
        where = f"{outcome.source_path}:{outcome.line}" if outcome.line else outcome.source_path
        first = slots.get(slot)
        if first is None:
            slots[slot] = where
        elif outcome.digest is not None and is_same_award(registry.root, first, outcome.digest):
            problems.add(
                outcome.source_path, f"the same award is already in {first}", line=outcome.line, code="award.duplicate"
            )
        else:
            problems.add(
                outcome.source_path,
                f"status list {outcome.status_list} index {outcome.status_index} is already used by {first} "
                "(two changes allocated the same index: re-issue one of the awards)",
                line=outcome.line,
                field="credentialStatus.statusListIndex",
                code="award.duplicate-status-index",
            )
    return NewAwards(outcomes, len(added), slots)


def _distinct_recipients(
    registry: Registry,
    outcomes: list[AwardOutcome],
    added: set[str],
    problems: ProblemList,
    known: Holders | None,
) -> None:
    """The full check's rule (:class:`~generator.verify.registry_check.AwardIndex`): no two awards of an issuer
    share a recipient hash. As there, only awards without problems count, and the same award twice is a duplicate
    award (reported with the status slots)."""
    wanted: dict[str, set[int]] = {}
    for outcome in outcomes:
        if outcome.recipient is not None and not outcome.problems and outcome.issuer in registry.issuers:
            wanted.setdefault(outcome.issuer, set()).add(outcome.recipient)
    for issuer, numbers in sorted(wanted.items()):
        held = existing_recipients(registry, issuer, numbers, exclude=added, known=known)
        for outcome in outcomes:
            if outcome.issuer != issuer or outcome.recipient is None or outcome.problems:
                continue
            where = f"{outcome.source_path}:{outcome.line}" if outcome.line else outcome.source_path
            first = held.setdefault(outcome.recipient, where)
            if first == where or (outcome.digest is not None and is_same_award(registry.root, first, outcome.digest)):
                continue
            problems.add(
                outcome.source_path,
                shared_recipient_message(first),
                line=outcome.line,
                field="credentialSubject.identifier",
                code="award.shared-recipient-hash",
            )


def _distinct_ids(root: Path, outcomes: list[AwardOutcome], held: dict[int, str], problems: ProblemList) -> None:
    """The full check's rule (:class:`~generator.verify.registry_check.AwardIndex`): every award and endorsement
    of the registry has an id of its own, whoever issued it. As there, only awards without problems count, and
    the same award twice is a duplicate award (reported with the status slots), not a duplicate id."""
    for outcome in outcomes:
        if outcome.award_id is None or outcome.problems or outcome.issuer is None:
            continue
        where = f"{outcome.source_path}:{outcome.line}" if outcome.line else outcome.source_path
        first = held.setdefault(outcome.award_id, where)
        if first == where or (outcome.digest is not None and is_same_award(root, first, outcome.digest)):
            continue
        problems.add(
            outcome.source_path,
            duplicate_id_message(outcome.award_id, first),
            line=outcome.line,
            field="id",
            code="award.duplicate-id",
        )
