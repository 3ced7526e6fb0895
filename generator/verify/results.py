"""Verification results: one line per check, and a verdict a person can trust.

A :class:`VerificationResult` is truthy only when every applicable check passed. Checks that do not apply
(no recipient given, no RDFC proof on a foreign credential) are *not checked* and say why; a check that
applies but could not be done (a status list outside this registry, never fetched) blocks a valid verdict.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from generator.crypto.dataintegrity import CRYPTOSUITES

__all__ = [
    "AWARD",
    "BY_ENDORSER",
    "ENDORSEMENT",
    "NOT_OURS",
    "STATUS_LIST",
    "Check",
    "CheckStatus",
    "Headline",
    "Subject",
    "Verdict",
    "VerificationResult",
    "headline",
    "headline_text",
    "revoked_because",
    "revoked_headline",
]


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


#: Checks whose failure means the document is not what its issuer signed ("list": a status list that is not the
#: list of a registered issuer its id names, verify/status.py verify_status_list).
AUTHENTICITY = ("structure", *(f"proof:{suite}" for suite in CRYPTOSUITES), "proof", "key", "list")


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
class Subject:
    """What was verified, as its headline names it: the thing, and who signs it (results.js's AWARD and
    ENDORSEMENT). One wording serves both, so an endorsement is never called an award."""

    noun: str
    signer: str


AWARD = Subject("award", "issuer")
ENDORSEMENT = Subject("endorsement", "endorser")
#: An issuer's Bitstring Status List credential, checked as one (verify/status.py verify_status_list), and a
#: registered endorser's.
STATUS_LIST = Subject("status list", "issuer")
ENDORSER_STATUS_LIST = Subject("status list", "endorser")


@dataclass(frozen=True, slots=True)
class VerificationResult:
    checks: tuple[Check, ...]
    award_hash: str | None = None
    facts: dict[str, Any] = field(default_factory=dict)
    """What the credential says it is: issuer name and id, credential name and reference, dates."""
    subject: Subject = AWARD
    """What the verifier took it for (set by the verifier, never read from the file): its headline's words."""

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
        if failed.intersection(NOT_OURS):
            # Not a credential of this registry: what its dates and status list say is no verdict of the registry's
            # ("Expired on …: it was genuine" of an award it never published).
            return Verdict.UNTRUSTED
        status = self.check("status")
        if status is not None and status.status is CheckStatus.FAILED:
            # A status entry that names no entry of its list is not a revocation: the credential is malformed.
            return Verdict.REVOKED if status.reason.startswith("revoked") else Verdict.INVALID
        validity = self.check("validity")
        if validity is not None and validity.status is CheckStatus.FAILED:
            # Dates that cannot be read are a malformed credential, not an expired one.
            if validity.reason.startswith("not valid before"):
                return Verdict.NOT_YET_VALID
            return Verdict.EXPIRED if validity.reason.startswith("expired on") else Verdict.INVALID
        if "recipient" in failed:
            return Verdict.RECIPIENT_MISMATCH
        if not self:
            return Verdict.UNTRUSTED
        return Verdict.VALID

    def headline(self) -> Headline:
        return headline(self)

    def as_dict(self) -> dict[str, Any]:
        lead = self.headline()
        return {
            "headline": lead.text,
            "headline_kind": lead.kind,
            "valid": bool(self),
            "verdict": str(self.verdict),
            "authentic": self.authentic,
            # A status list has no award hash: nothing names it by one.
            **({} if self.subject.noun == STATUS_LIST.noun else {"hash": self.award_hash}),
            **self.facts,
            "checks": [c.as_dict() for c in self.checks],
        }


# The headline: one plain sentence a layperson understands, before any check. The browser's copy is
# results.js headlineOf, held equal over the differential corpus (tests/site/test_differential.py). It reads
# only the verdict and the checks (their ids, statuses and reasons), which both verifiers produce alike.

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
# ASCII digits only (re.ASCII), as the page's \d reads them: Python's \d also reads other scripts' digits.
_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
#: Who revoked an endorsement, in its status check's reason (policies.py revoked_reason's ``by``).
BY_ENDORSER = " by the endorser"
#: A status reason of policies.py revoked_reason: an award's, or an endorsement's.
_REVOKED = re.compile(
    rf"^revoked(?P<by>{BY_ENDORSER})?(?: on (?P<on>\d{{4}}-\d{{2}}-\d{{2}}))?(?: for this reason: (?P<why>.+))?",
    re.DOTALL | re.ASCII,
)
#: A proof check that could not check its signature because no key answers to its verification method (the
#: reason of policies.py's ProofPolicy, and of policies.js's, which words it for the page).
_KEY_UNKNOWN = re.compile(
    r"^verification method .* cannot be resolved(?: offline|: it is not a key registered here)\Z", re.DOTALL
)


class HeadlineKind(enum.StrEnum):
    VALID = "valid"
    RECIPIENT_CONFIRMED = "recipient confirmed"
    CHANGED = "changed"
    MALFORMED = "malformed"
    UNSUPPORTED = "unsupported proof"
    KEY_NOT_REGISTERED = "key not registered"
    KEY_REVOKED = "key revoked"
    REVOKED = "revoked"
    EXPIRED = "expired"
    NOT_YET_VALID = "not yet valid"
    UNREGISTERED_ISSUER = "issuer not registered"
    NOT_PUBLISHED = "not published here"
    CANNOT_CHECK = "cannot check"
    RECIPIENT_REFUSED = "recipient refused"
    RECIPIENT_UNCONFIRMED = "recipient unconfirmed"
    INVALID = "invalid"
    STATUS_LIST = "status list"
    STATUS_LIST_NOT_GENUINE = "status list not genuine"
    STATUS_LIST_NOT_IN_FORCE = "status list not in force"
    STATUS_LIST_NOT_LATEST = "status list not latest"
    STATUS_LIST_NOT_LOGGED = "status list not logged"


@dataclass(frozen=True, slots=True)
class Headline:
    kind: HeadlineKind
    text: str


def plain_day(text: str) -> str:
    """The first YYYY-MM-DD in ``text`` as "1 February 2025" (the text itself when it has none)."""
    m = _DAY.search(text)
    if m is None or not 1 <= int(m[2]) <= 12:
        return text
    return f"{int(m[3])} {_MONTHS[int(m[2]) - 1]} {int(m[1])}"


def revoked_headline(reason: str) -> str:
    """The headline of a revoked award or endorsement, from its status check's reason: who revoked it, and the day
    its issuer's log records ("Revoked on 1 June 2026 by its issuer."). The one wording of both (the page's
    revokedHeadline: the verification page and the endorsements' badges). The signer's reason is never part of
    it: the headline is the registry's verdict, and a reason reading "VALID: a genuine award" would have read as
    one (:func:`revoked_because` says it apart, quoted and attributed)."""
    m = _REVOKED.match(reason)
    when = f" on {plain_day(m['on'])}" if m and m["on"] else ""
    who = "its endorser" if m and m["by"] else "its issuer"
    return f"Revoked{when} by {who}."


def revoked_because(reason: str) -> str:
    """The reason the signer gave for a revocation, from its status check's reason, as the signer's words: quoted
    there already (policies.py revoked_reason) and attributed ("Reason given by its issuer: 'Issued to the wrong
    person.'"); empty when none was given. Shown beside the headline, never in it (the page's revokedBecause)."""
    m = _REVOKED.match(reason)
    if not m or not m["why"]:
        return ""
    return f"Reason given by {'its endorser' if m['by'] else 'its issuer'}: {m['why']}"


# One wording for every subject: {noun} is what was verified ("award", "endorsement"), {signer} who signs it
# ("issuer", "endorser"); results.js HEADLINES is the page's copy.
_HEADLINES = {
    HeadlineKind.VALID: "Valid: a genuine {noun}, in force.",
    HeadlineKind.RECIPIENT_CONFIRMED: "Valid: a genuine {noun}, in force, awarded to {email}.",
    HeadlineKind.CHANGED: "This file was changed after it was issued: it is not what its {signer} signed.",
    HeadlineKind.MALFORMED: "This file is not a well-formed {noun}, so what it says cannot be trusted.",
    HeadlineKind.UNSUPPORTED: "This file carries a kind of signature that cannot be checked here.",
    HeadlineKind.KEY_NOT_REGISTERED: "Signed with a key its {signer} had not registered.",
    HeadlineKind.KEY_REVOKED: "Signed with a key its {signer} had revoked.",
    HeadlineKind.EXPIRED: "Expired on {when}: it was genuine but is no longer in force.",
    HeadlineKind.NOT_YET_VALID: "Not yet valid: it is genuine, and comes into force on {when}.",
    HeadlineKind.UNREGISTERED_ISSUER: "Genuine signature, but its {signer} is not registered here.",
    HeadlineKind.NOT_PUBLISHED: "Not an {noun} this registry published.",
    HeadlineKind.CANNOT_CHECK: "Cannot be fully checked here.",
    HeadlineKind.RECIPIENT_REFUSED: "Genuine and in force, but not awarded to this email address.",
    HeadlineKind.RECIPIENT_UNCONFIRMED: (
        "Genuine and in force, but the recipient can only be confirmed with their recipient key."
    ),
    HeadlineKind.INVALID: "Not a valid {noun}: its dates or its revocation entry cannot be read.",
    HeadlineKind.STATUS_LIST: (
        "A genuine {noun} of a registered {signer} (the registry's record of what it revoked): "
        "check an award or endorsement by its file, hash or link."
    ),
    HeadlineKind.STATUS_LIST_NOT_GENUINE: "This {noun} is not genuine: {why}.",
    HeadlineKind.STATUS_LIST_NOT_IN_FORCE: "A genuine {noun}, but not in force: {why}.",
    HeadlineKind.STATUS_LIST_NOT_LATEST: (
        "Signed by a registered {signer}, but not in force: the public log records another version of this {noun} "
        "as its latest (this one is older, superseded, or was never published)."
    ),
    HeadlineKind.STATUS_LIST_NOT_LOGGED: (
        "Signed by a registered {signer}, but never published: the public log does not record this {noun}."
    ),
}

#: An endorsement's one signature check ("proof", generator/endorsements.py verify_endorsement), by its reason:
#: a verification method that is no key of its endorser, a key outside its window ("signed on ..., after key k1
#: was revoked"), else a signature that does not hold ("eddsa-jcs-2022: ..."). An award's "proof" check is its
#: other proofs, failed only as "unsupported proof type or cryptosuite: ...".
_UNSUPPORTED = "unsupported proof type or cryptosuite: "
_NOT_ITS_KEY = re.compile(r" is not a registered key of [a-z0-9]+(?:-[a-z0-9]+)*\Z")
#: Checks that find it is not one this registry publishes: an award's credential and registration, an
#: endorsement's subject, its endorser's own credential, and its endorser's name as registered.
NOT_OURS = ("credential", "registered", "subject", "independent", "endorser-record")


def _proof_kind(reason: str) -> HeadlineKind:
    if reason.startswith(_UNSUPPORTED):
        return HeadlineKind.UNSUPPORTED
    if _NOT_ITS_KEY.search(reason):
        return HeadlineKind.KEY_NOT_REGISTERED
    if reason.startswith("signed on "):
        return HeadlineKind.KEY_REVOKED if "was revoked" in reason else HeadlineKind.KEY_NOT_REGISTERED
    return HeadlineKind.CHANGED


def headline_text(kind: HeadlineKind, subject: Subject = AWARD, **values: str) -> str:
    """The headline of ``kind`` for ``subject`` (``values``: the ``email``, the day ``when`` or the ``why`` it
    names)."""
    return _HEADLINES[kind].format(noun=subject.noun, signer=subject.signer, **values)


#: Why a status list is not genuine, by the first of its checks that failed (results.js LIST_WHY).
_LIST_WHY = {"structure": "it is not well-formed", "list": "it is not a status list of an owner registered here"}


def _list_signature_why(reason: str, signer: str) -> str:
    """Why a status list is not genuine, from its signature check's reason (verify/status.py signature_problem)."""
    if reason.endswith(" is not signed"):
        return "it is not signed"
    if " is not signed by a key of " in reason:
        return f"it is not signed by a key its {signer} registered"
    if " is not trusted: " in reason:
        if "was revoked" in reason:
            return f"it was signed with a key its {signer} had revoked"
        return "its signing key was not in force when it signed"
    return f"it was changed after its {signer} signed it"


#: A status list's log check's reasons (transparency/inclusion.py status_list_log_check) that name a headline of
#: their own: not the latest version logged, no version logged (results.js LIST_LOG).
_LIST_LOG = (
    ("not the public log's latest version of ", HeadlineKind.STATUS_LIST_NOT_LATEST),
    ("not recorded in the public log", HeadlineKind.STATUS_LIST_NOT_LOGGED),
)


#: A log check that finds a signing key logged as retired before the entry (inclusion.py _retired_clause).
_LOGGED_RETIRED = re.compile(r"; but its signing key \S+ was logged as .* before it \(entry \d+\)")
_LIST_LOGGED_LATE = "the public log shows it was published after its signing key was retired"


def _list_log_headline(log: Check | None, fixed: Callable[..., Headline]) -> Headline:
    """A genuine list in force that is not valid: by its log check, not the one in force (another version is
    the latest, or none is logged: never called genuine and in force), not genuine when the log dates it after its
    signing key was retired (a backdated signature), else it cannot be fully checked (a log that does not check
    out, a quorum not reached)."""
    if log is not None and log.status is CheckStatus.FAILED:
        for start, kind in _LIST_LOG:
            if log.reason.startswith(start):
                return fixed(kind)
        if log.reason.startswith("recorded in the public log ") and _LOGGED_RETIRED.search(log.reason):
            # Its signature claims a date its key was in force; the log shows it was published after: backdated.
            return fixed(HeadlineKind.STATUS_LIST_NOT_GENUINE, why=_LIST_LOGGED_LATE)
    return fixed(HeadlineKind.CANNOT_CHECK)


def _status_list_headline(result: VerificationResult) -> Headline:
    """A status list's headline: genuine or not, and why not (results.js statusListHeadline)."""
    subject = result.subject

    def fixed(kind: HeadlineKind, **values: str) -> Headline:
        return Headline(kind, headline_text(kind, subject, **values))

    if result.verdict is Verdict.VALID:
        return fixed(HeadlineKind.STATUS_LIST)
    if not result.authentic:
        failed = next((c for c in result.checks if c.status is CheckStatus.FAILED and c.id in AUTHENTICITY), None)
        if failed is None:
            return fixed(HeadlineKind.CANNOT_CHECK)
        why = _LIST_WHY.get(failed.id) or _list_signature_why(failed.reason, subject.signer)
        return fixed(HeadlineKind.STATUS_LIST_NOT_GENUINE, why=why)
    validity = result.check("validity")
    if validity is None or validity.status is not CheckStatus.FAILED:
        return _list_log_headline(result.check("log"), fixed)
    if validity.reason.startswith("expired on "):
        why = f"it expired on {plain_day(validity.reason)}"
    elif validity.reason.startswith("not valid before "):
        why = f"it comes into force on {plain_day(validity.reason)}"
    else:
        why = "its dates cannot be read"
    return fixed(HeadlineKind.STATUS_LIST_NOT_IN_FORCE, why=why)


def headline(result: VerificationResult) -> Headline:
    """The verdict in one plain sentence (see :class:`HeadlineKind`)."""
    verdict = result.verdict
    checks = result.checks
    by_id = {c.id: c for c in checks}

    subject = result.subject

    def fixed(kind: HeadlineKind, **values: str) -> Headline:
        return Headline(kind, headline_text(kind, subject, **values))

    if subject.noun == STATUS_LIST.noun:
        return _status_list_headline(result)

    if verdict is Verdict.INVALID and not result.authentic:
        failed = [c for c in checks if c.status is CheckStatus.FAILED and (c.id in AUTHENTICITY or c.id == "hash")]
        first = failed[0] if failed else None
        if first is None:
            return fixed(HeadlineKind.MALFORMED)
        # The first check that failed, in the order they are made, says what is wrong.
        if first.id.startswith("proof:") and _KEY_UNKNOWN.match(first.reason):
            # No known key to check the signature with: nothing shows the file was changed, but nothing vouches
            # for it either (the key check, made later, says the same).
            return fixed(HeadlineKind.KEY_NOT_REGISTERED)
        if first.id.startswith("proof:") or first.id == "hash":
            return fixed(HeadlineKind.CHANGED)
        if first.id == "key":
            revoked = "was revoked" in first.reason
            return fixed(HeadlineKind.KEY_REVOKED if revoked else HeadlineKind.KEY_NOT_REGISTERED)
        if first.id == "proof":
            return fixed(_proof_kind(first.reason))
        return fixed(HeadlineKind.MALFORMED)
    if verdict is Verdict.INVALID:
        return fixed(HeadlineKind.INVALID)
    if verdict is Verdict.REVOKED:
        return Headline(HeadlineKind.REVOKED, revoked_headline(by_id["status"].reason))
    if verdict is Verdict.EXPIRED:
        return fixed(HeadlineKind.EXPIRED, when=plain_day(by_id["validity"].reason))
    if verdict is Verdict.NOT_YET_VALID:
        return fixed(HeadlineKind.NOT_YET_VALID, when=plain_day(by_id["validity"].reason))
    if verdict is Verdict.RECIPIENT_MISMATCH:
        return fixed(HeadlineKind.RECIPIENT_REFUSED)
    issuer = by_id.get("issuer")
    foreign = (
        issuer is not None and issuer.status is not CheckStatus.PASSED and "not an issuer registered" in (issuer.reason)
    )
    if verdict is Verdict.VALID:
        if foreign:
            return fixed(HeadlineKind.UNREGISTERED_ISSUER)
        recipient = by_id.get("recipient")
        if recipient is not None and recipient.passed and recipient.reason.startswith("awarded to "):
            email = recipient.reason.removeprefix("awarded to ").split(" (")[0]
            return fixed(HeadlineKind.RECIPIENT_CONFIRMED, email=email)
        return fixed(HeadlineKind.VALID)
    # Untrusted: what blocks it, in this order (not the order the checks are listed in, which differs).
    blocking = {c.id: c for c in checks if c.blocks}
    if not result.authentic or any(i.startswith("proof:") for i in blocking):
        return fixed(HeadlineKind.CANNOT_CHECK)
    if "issuer" in blocking:
        return fixed(HeadlineKind.UNREGISTERED_ISSUER if foreign else HeadlineKind.NOT_PUBLISHED)
    for check_id in NOT_OURS:
        if check_id in blocking:
            unchecked = blocking[check_id].status is CheckStatus.NOT_CHECKED
            return fixed(HeadlineKind.CANNOT_CHECK if unchecked else HeadlineKind.NOT_PUBLISHED)
    if "recipient" in blocking and len(blocking) == 1:
        return fixed(HeadlineKind.RECIPIENT_UNCONFIRMED)
    return fixed(HeadlineKind.CANNOT_CHECK)
