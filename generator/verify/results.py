"""Verification results: one line per check, and a verdict a person can trust.

A :class:`VerificationResult` is truthy only when every applicable check passed. Checks that do not apply
(no recipient given, no RDFC proof on a foreign credential) are *not checked* and say why; a check that
applies but could not be done (a status list outside this registry, never fetched) blocks a valid verdict.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from generator.crypto.dataintegrity import CRYPTOSUITES

__all__ = ["Check", "CheckStatus", "Verdict", "VerificationResult"]


class CheckStatus(enum.StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    NOT_CHECKED = "not checked"


class Verdict(enum.StrEnum):
    """The one-word answer, in the order of precedence used to pick it."""

    INVALID = "invalid"
    """Not authentic: a proof, the key, or the structure failed."""

    REVOKED = "revoked"
    EXPIRED = "expired"
    NOT_YET_VALID = "not yet valid"
    UNTRUSTED = "untrusted"
    """Authentic, but its issuer or credential is not registered here, or something could not be checked."""

    RECIPIENT_MISMATCH = "recipient does not match"
    VALID = "valid"


#: Checks whose failure means the document is not what its issuer signed.
AUTHENTICITY = ("structure", *(f"proof:{suite}" for suite in CRYPTOSUITES), "proof", "key")


@dataclass(frozen=True, slots=True)
class Check:
    """One check: what was checked, its outcome, and the reason in plain words."""

    id: str
    label: str
    status: CheckStatus
    reason: str
    applicable: bool = True
    """A check that is not applicable never blocks a valid verdict (e.g. no recipient was given)."""

    @property
    def passed(self) -> bool:
        return self.status is CheckStatus.PASSED

    @property
    def blocks(self) -> bool:
        return self.status is CheckStatus.FAILED or (self.status is CheckStatus.NOT_CHECKED and self.applicable)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "status": str(self.status), "reason": self.reason}


@dataclass(frozen=True, slots=True)
class VerificationResult:
    checks: tuple[Check, ...]
    award_hash: str | None = None
    facts: dict[str, Any] = field(default_factory=dict)
    """What the credential says it is: issuer name and id, credential name and reference, dates."""

    def __bool__(self) -> bool:
        return not any(c.blocks for c in self.checks)

    def check(self, check_id: str) -> Check | None:
        return next((c for c in self.checks if c.id == check_id), None)

    @property
    def authentic(self) -> bool:
        """Signed by the key it names, which its issuer controlled at the time: regardless of dates or status."""
        relevant = [c for c in self.checks if c.id in AUTHENTICITY or c.id.startswith("proof:")]
        return (
            bool(relevant)
            and not any(c.status is CheckStatus.FAILED for c in relevant)
            and any(c.passed for c in relevant if c.id.startswith("proof"))
        )

    @property
    def verdict(self) -> Verdict:
        if not self.authentic:
            # No proof could be checked and none failed: not shown to be forged, but not confirmed either (the
            # browser's case for a credential with an eddsa-rdfc-2022 proof only; results.js is the same rule).
            relevant = [c for c in self.checks if c.id in AUTHENTICITY or c.id.startswith("proof:")]
            forged = any(c.status is CheckStatus.FAILED for c in relevant)
            return Verdict.INVALID if forged or not relevant else Verdict.UNTRUSTED
        failed = {c.id for c in self.checks if c.status is CheckStatus.FAILED}
        status = self.check("status")
        if status is not None and status.status is CheckStatus.FAILED:
            # A status entry that names no entry of its list is not a revocation: the credential is malformed.
            return Verdict.REVOKED if status.reason.startswith("revoked") else Verdict.INVALID
        validity = self.check("validity")
        if validity is not None and validity.status is CheckStatus.FAILED:
            return Verdict.NOT_YET_VALID if validity.reason.startswith("not valid before") else Verdict.EXPIRED
        if "recipient" in failed:
            return Verdict.RECIPIENT_MISMATCH
        if not self:
            return Verdict.UNTRUSTED
        return Verdict.VALID

    def as_dict(self) -> dict[str, Any]:
        return {
            "valid": bool(self),
            "verdict": str(self.verdict),
            "authentic": self.authentic,
            "hash": self.award_hash,
            **self.facts,
            "checks": [c.as_dict() for c in self.checks],
        }
