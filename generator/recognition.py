"""Recognition: which signed endorsements back a credential, and what a ``quality_assurance`` claim is worth.

The one place that decides whether an issuer's claim "accredited by X" is *confirmed* (X is a registered
endorser and a valid endorsement signed by X of this credential backs it), *revoked* (X signed one and has
revoked it), or only *claimed* by the issuer. The full check, the build and the site read these statuses;
none decides on its own.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from generator import layout
from generator._internal.source import format_field
from generator._internal.times import signed_ahead_reason
from generator.endorsements import (
    FoundEndorsement,
    comment_reference_problem,
    endorsement_status_problem,
    endorsement_verdict,
    iter_endorsements,
    status_list_missing,
    verify_endorsement,
)
from generator.errors import ProblemList, Severity
from generator.models import QualityAssurance, QualityAssuranceKind
from generator.registry import Registry
from generator.statuslist import list_file_number
from generator.verify.results import CheckStatus, Verdict, VerificationResult
from generator.verify.status import ENDLESS, list_end

__all__ = [
    "ClaimStatus",
    "QualityClaim",
    "Recognition",
    "VerifiedEndorsement",
    "check_endorsements",
    "claim_standing",
    "collect_recognition",
    "endorser_for_name",
    "endorser_list_problems",
    "name_index",
]

#: Which signed kinds confirm which claimed kind: a claim is confirmed only by at least as strong a statement.
CONFIRMS: dict[QualityAssuranceKind, frozenset[str]] = {
    QualityAssuranceKind.ACCREDITED: frozenset({"accredits"}),
    QualityAssuranceKind.APPROVED: frozenset({"approves-for-regulated-role", "accredits"}),
    QualityAssuranceKind.RECOGNIZED: frozenset({"recognises", "counts-towards-qualification", "accredits"}),
    QualityAssuranceKind.ENDORSED: frozenset(
        {"endorses", "recognises", "counts-towards-qualification", "approves-for-regulated-role", "accredits"}
    ),
}


class ClaimStatus(enum.StrEnum):
    CONFIRMED = "confirmed"
    """A registered endorser signed it, and the endorsement is valid now."""

    REVOKED = "revoked"
    """The endorser signed it and has since revoked (or let expire) every such endorsement."""

    CLAIMED = "claimed"
    """Claimed by the issuer, not confirmed: no signed endorsement backs it (or the body is not registered)."""


@dataclass(frozen=True, slots=True)
class VerifiedEndorsement:
    found: FoundEndorsement
    result: VerificationResult

    @property
    def endorser(self) -> str | None:
        value = self.result.facts.get("endorser")
        return value if isinstance(value, str) else None

    @property
    def subject(self) -> str:
        return str(self.result.facts.get("subject", ""))

    @property
    def kind(self) -> str:
        return str(self.result.facts.get("kind", ""))

    @property
    def valid(self) -> bool:
        return bool(self.result)

    @property
    def verdict(self) -> Verdict:
        return self.result.verdict


@dataclass(frozen=True, slots=True)
class QualityClaim:
    claim: QualityAssurance
    status: ClaimStatus
    endorser: str | None = None
    """The registered endorser the claim names (``None`` when the body is not registered)."""

    endorsement: str | None = None
    """The hash of the endorsement that confirms it (or was revoked)."""

    candidates: tuple[str, ...] = ()
    """The hashes of every endorsement by its body of a kind that confirms it, whatever their verdict: what the
    credential page's check weighs again at view time (:func:`claim_standing`; endorsements.js ``claimStanding``),
    when one may have expired, or come into force, since the site was built."""


@dataclass(slots=True)
class Recognition:
    """Every endorsement in the registry, verified once, by subject (Achievement id or issuer DID).

    The build asks for every credential's claims several times (its page, its API file, the comparison), each
    naming a body: what each subject's endorsements are, and which body a name answers to, are indexed once
    (:meth:`of`, :meth:`claim_status`), not scanned for every question. ``endorsements`` is not changed after
    the first question (nothing appends to it): the index is rebuilt if its length changes all the same."""

    endorsements: list[VerifiedEndorsement] = field(default_factory=list)
    _subjects: dict[str, list[VerifiedEndorsement]] | None = field(default=None, init=False, repr=False, compare=False)
    _indexed: int = field(default=-1, init=False, repr=False, compare=False)
    _names: tuple[Registry, dict[str, str]] | None = field(default=None, init=False, repr=False, compare=False)

    def of(self, subject_id: str) -> list[VerifiedEndorsement]:
        if self._subjects is None or self._indexed != len(self.endorsements):
            subjects: dict[str, list[VerifiedEndorsement]] = {}
            for e in self.endorsements:
                subjects.setdefault(e.subject, []).append(e)
            self._subjects, self._indexed = subjects, len(self.endorsements)
        return list(self._subjects.get(subject_id, ()))

    def by(self, endorser: str) -> list[VerifiedEndorsement]:
        return [e for e in self.endorsements if e.endorser == endorser]

    def claims(self, registry: Registry, issuer: str, slug: str) -> list[QualityClaim]:
        """The status of each ``quality_assurance`` entry of a definition."""
        record = registry.issuers[issuer].credentials[slug]
        subject = registry.credential_url(issuer, slug)
        return [self.claim_status(registry, subject, qa) for qa in record.model.quality_assurance]

    def claim_status(self, registry: Registry, subject: str, qa: QualityAssurance) -> QualityClaim:
        if self._names is None or self._names[0] is not registry:
            self._names = (registry, name_index(registry))
        endorser = self._names[1].get(normalized_name(qa.by))
        if endorser is None:
            return QualityClaim(qa, ClaimStatus.CLAIMED)
        matching = [e for e in self.of(subject) if e.endorser == endorser and e.kind in CONFIRMS[qa.kind]]
        states = [endorsement_verdict(e.result)[0] for e in matching]
        status = claim_standing(states)
        hashes = tuple(e.found.hash for e in matching)
        backing = [e for e, state in zip(matching, states, strict=True) if claim_standing([state]) is status]
        which = backing[0].found.hash if backing and status is not ClaimStatus.CLAIMED else None
        return QualityClaim(qa, status, endorser, which, hashes)


def claim_standing(states: Iterable[str]) -> ClaimStatus:
    """What stands of a claim, from the verdicts (:func:`~generator.endorsements.endorsement_verdict`'s states) of
    the endorsements by its body of a kind that confirms it: confirmed while one is valid, withdrawn when one was
    revoked or has expired, else only claimed. The build's rule, and the credential page's at view time
    (endorsements.js ``claimStanding``, held equal by tests/site/test_endorsements_js.py): a site built before an
    endorsement's ``validUntil`` still says what stands when it is read."""
    seen = set(states)
    if "valid" in seen:
        return ClaimStatus.CONFIRMED
    if seen & {"revoked", "expired"}:
        return ClaimStatus.REVOKED
    return ClaimStatus.CLAIMED


def normalized_name(name: str) -> str:
    """How a ``quality_assurance.by`` and a body's names compare: runs of spaces collapsed, case ignored."""
    return " ".join(name.split()).casefold()


def answered_names(registry: Registry) -> Iterator[tuple[str, list[str]]]:
    """Every registered endorser, then every issuer, with the names a ``quality_assurance.by`` may call it by
    (name, aliases, id). The full check refuses a name or alias that two bodies share, or that
    reads like another body's (:mod:`generator.validate`), so the order decides nothing."""
    for endorser_id, record in registry.endorsers.items():
        yield endorser_id, [record.endorser.name, *record.endorser.aliases, endorser_id]
    for issuer_id, issuer in registry.issuers.items():
        yield issuer_id, [issuer.issuer.name, issuer_id]


def name_index(registry: Registry) -> dict[str, str]:
    """Every name :func:`endorser_for_name` answers (normalized), with the body it answers: the first body that
    holds it, in :func:`answered_names`' order, as the scan finds it."""
    index: dict[str, str] = {}
    for body, names in answered_names(registry):
        for name in names:
            index.setdefault(normalized_name(name), body)
    return index


def endorser_for_name(registry: Registry, name: str) -> str | None:
    """The registered endorser (or issuer) a ``quality_assurance.by`` names: by name, alias or id, ignoring case."""
    wanted = normalized_name(name)
    for body, names in answered_names(registry):
        if wanted in {normalized_name(n) for n in names}:
            return body
    return None


def collect_recognition(
    registry: Registry, *, now: dt.datetime | None = None, problems: ProblemList | None = None
) -> Recognition:
    """Every endorsement file, verified. ``problems``: where files that cannot be read as one are reported."""
    now = now or dt.datetime.now(dt.UTC)
    found = iter_endorsements(registry.root, problems=problems)
    return Recognition([_verified(registry, item, now) for item in found])


def _verified(registry: Registry, found: FoundEndorsement, now: dt.datetime) -> VerifiedEndorsement:
    return VerifiedEndorsement(found, verify_endorsement(found.document, registry, now=now))


def endorsement_file_problems(
    registry: Registry,
    endorsements: Iterable[VerifiedEndorsement],
    problems: ProblemList,
    *,
    now: dt.datetime | None = None,
) -> int:
    """Errors for endorsement files that are not what their endorser signed, or not where they belong; given
    ``now`` (the full check's clock), one signed after it (:func:`_signed_ahead`)."""
    count = 0
    for item in endorsements:
        count += 1
        rel = layout.relpath(registry.root, item.found.path)
        result = item.result
        if result.award_hash is not None and result.award_hash != item.found.hash:
            problems.add(
                rel, f"the file name is not the endorsement's hash {result.award_hash}", code="endorsement.name"
            )
        if item.endorser is not None and item.endorser != item.found.owner:
            problems.add(
                rel,
                f"signed by {item.endorser}, but filed under {item.found.owner}: "
                "an endorsement lives with its endorser",
                code="endorsement.owner",
            )
        # A file of the registry that is not registered here is misnamed or misfiled: said above, in those words.
        blocking = [c for c in result.checks if c.blocks and c.id not in ("status", "validity", "registered")]
        if _unreadable_status(registry, item):
            blocking.extend(c for c in result.checks if c.id == "status")
        if now is not None and _signed_ahead(item, now):
            blocking.extend(c for c in result.checks if c.id == "validity")
        comment = _comment_problem(item)
        if comment is not None:
            where: list[str | int] = ["credentialSubject", "endorsementComment"]
            if item.found.source is not None:
                problems.append(item.found.source.problem(where, comment, code="endorsement.comment-reference"))
            else:
                problems.add(rel, comment, field=format_field(where), code="endorsement.comment-reference")
        for check in blocking:
            message, code = f"{check.label}: {check.reason}", f"endorsement.{check.id}"
            loc = {"structure": result.facts.get("structure_field"), "validity": ["validFrom"]}.get(check.id)
            if loc is not None and item.found.source is not None:
                problems.append(item.found.source.problem(loc, message, code=code))
            else:
                problems.add(rel, message, code=code)
    return count


def _comment_problem(item: VerifiedEndorsement) -> str | None:
    """The registry's rule for a comment it publishes (:func:`generator.endorsements.comment_reference_problem`), on
    an endorsement that fits the profile (else the structure problem says what is wrong)."""
    if item.result.facts.get("structure_field") is not None:
        return None
    subject = item.found.document.get("credentialSubject")
    comment = subject.get("endorsementComment") if isinstance(subject, dict) else None
    return comment_reference_problem(comment) if isinstance(comment, str) else None


def _signed_ahead(item: VerifiedEndorsement, now: dt.datetime) -> bool:
    """Whether the endorsement is not yet in force because it is dated after ``now`` and its signer's clock skew
    (:data:`~generator._internal.times.CLOCK_SKEW`). Its proofs are created at its validFrom (models/endorsement.py
    ``signed_at_valid_from``), so it says it was signed at a time still to come: no body signed it then, and the
    pull-request check refuses it as an unfresh signature (governance/endorsements.py). Its end is another matter:
    an expired endorsement stays, confirming nothing (the full check skips the window for it)."""
    validity = next((c for c in item.result.checks if c.id == "validity"), None)
    if validity is None or validity.status is not CheckStatus.FAILED:
        return False
    return signed_ahead_reason(item.found.document.get("validFrom"), now) is not None


def _unreadable_status(registry: Registry, item: VerifiedEndorsement) -> bool:
    """Whether the endorsement's own status entry keeps it from ever being revoked: it names no list of its
    endorser's, an index past the list's end, or (an endorser's) a list that is not there. Its dates are the body's
    word and a revocation its act, but such an endorsement read "Not confirmed" on its page, confirming nothing,
    while the check and the build (which runs it) took it. A list that is there but untrusted is the list's problem,
    reported on it (:func:`endorser_list_problems`; an issuer's lists, the revocation check's, missing ones too)."""
    status = next((c for c in item.result.checks if c.id == "status"), None)
    if status is None or not status.blocks or item.result.facts.get("revoked"):
        return False
    if status.status is CheckStatus.FAILED:
        return True
    return item.found.owner not in registry.issuers and status_list_missing(registry, item.found.document)


def endorser_list_problems(registry: Registry, problems: ProblemList) -> None:
    """An error for each registered endorser's status list that is not one its endorser signed with a key in force
    when it signed (the rule every reader of a list applies): an endorsement's status read from it would be
    unknown. An issuer's lists, shared with its awards, are the revocation check's."""
    for endorser in sorted(registry.endorsers):
        folder = layout.endorser_dir(registry.root, endorser) / "status"
        paths = sorted(folder.glob("*.json")) if folder.is_dir() else []
        for path in (p for p in paths if list_file_number(p.name) is not None):
            problem = endorsement_status_problem(registry, endorser, path)
            rel = layout.relpath(registry.root, path)
            if problem is not None:
                problems.add(rel, problem.message, field=problem.field, code="status-list.invalid")
            elif list_end(path, rel) is not None:  # read today, its revocations lapse when it ends
                problems.add(rel, ENDLESS, field="validUntil", code="status-list.valid-until")


def check_endorsements(registry: Registry, problems: ProblemList, *, now: dt.datetime | None = None) -> int:
    """The full check's part: every endorsement file, and a warning for each claim its endorser revoked."""
    recognition = collect_recognition(registry, now=now, problems=problems)
    count = endorsement_file_problems(registry, recognition.endorsements, problems, now=now or dt.datetime.now(dt.UTC))
    endorser_list_problems(registry, problems)
    for record, credential in registry.credentials():
        for claim in recognition.claims(registry, record.id, credential.model.id):
            if claim.status is ClaimStatus.REVOKED:
                problems.add(
                    credential.path,
                    f"claims {claim.claim.kind.value} by {claim.claim.by}, but {claim.endorser} has revoked or let "
                    f"expire its endorsement {claim.endorsement}: remove or update the claim",
                    field="quality_assurance",
                    code="recognition.revoked-claim",
                    severity=Severity.WARNING,
                )
    return count
