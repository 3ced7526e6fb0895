"""Pull-request rules for endorsements: what a change adds must be signed by the endorser whose folder it is in.

Who may change an endorser's folder is :mod:`generator.governance.ownership`'s rule (its maintainers, as listed
at the base); that endorsements are never edited, renamed or deleted is :mod:`generator.governance.history`'s.
Here: each new endorsement file verifies (profile, a registered key of *its folder's* endorser, the name is
its hash, the subject is not the endorser's own), and each endorser status list the change writes is signed by
a key of that endorser. An issuer therefore cannot endorse its own credential in another body's name: a file
in the body's folder needs the body's maintainers, and a file anywhere else is refused unless the body's key
signed it and it sits in the body's folder.
"""

from __future__ import annotations

from generator import layout
from generator.endorsements import FoundEndorsement, endorsement_status_problem, verify_endorsement
from generator.errors import ProblemList
from generator.governance.context import PullRequest
from generator.governance.git import ChangeStatus
from generator.layout import PathKind
from generator.recognition import VerifiedEndorsement, endorsement_file_problems

__all__ = ["check_new_endorsements"]


def check_new_endorsements(pr: PullRequest, problems: ProblemList) -> int:
    """Verify every endorsement and endorser status list the change adds or rewrites; returns how many
    endorsements it adds."""
    registry = pr.registry
    if registry is None:
        return 0
    added = 0
    for change in pr.changed(PathKind.ENDORSEMENT, statuses=[ChangeStatus.ADDED]):
        owner = change.role.issuer
        path = pr.root / change.path
        if owner is None or not path.is_file():
            continue
        from generator._internal.source import SourceError, read_json_file
        from generator.endorsements import MAX_ENDORSEMENT_BYTES

        try:
            doc = read_json_file(path, change.path, max_bytes=MAX_ENDORSEMENT_BYTES, what="the endorsement").data
        except SourceError as exc:
            problems.extend(exc.problems)
            continue
        if not isinstance(doc, dict):
            problems.add(change.path, "an endorsement is a JSON object", code="endorsement.structure")
            continue
        added += 1
        found = FoundEndorsement(owner, path, path.stem, doc)
        endorsement_file_problems(
            registry, [VerifiedEndorsement(found, verify_endorsement(doc, registry, now=pr.now))], problems
        )
    for change in pr.changed(PathKind.STATUS_LIST, statuses=[ChangeStatus.ADDED, ChangeStatus.MODIFIED]):
        owner = change.role.issuer
        if owner is None or not change.path.startswith(f"{layout.ENDORSERS_DIR}/") or owner not in registry.endorsers:
            continue  # issuers' lists: generator.governance.status
        problem = endorsement_status_problem(registry, owner, pr.root / change.path)
        if problem:
            problems.add(change.path, problem, code="status-list.invalid")
    return added
