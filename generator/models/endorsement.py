"""Endorsements: the registry's profile of an Open Badges 3.0 ``EndorsementCredential``.

An endorser (a registered endorser or issuer) states, signed with its key, that it accredits, recognises,
endorses, approves for a regulated role, or counts towards a qualification a credential definition (the
``Achievement``, whose id is the credential's page) or an issuer (its ``Profile``, whose id is its DID).

The OB 3.0 ``EndorsementSubject`` has ``id`` and ``endorsementComment`` only. The registry's two further
terms, ``endorsementKind`` and ``endorsementScope``, are defined by a small JSON-LD context of the registry
(:data:`ENDORSEMENT_CONTEXT_URL`, bundled in the package and published on the site), appended after the VC
2.0 and OB 3.0 contexts. The credential stays a conformant OB 3.0 ``EndorsementCredential`` that any verifier
can canonicalize (RDFC signs the two terms as real IRIs, not as "issuer-dependent" ones), and a machine can
read the kind without parsing prose.

Like :class:`generator.models.award.Award`, the profile is an allow-list: exact ``@context``, known keys
only, strict JSON types, both proofs by one key.
"""

from __future__ import annotations

import enum
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints, field_validator, model_validator

from generator.crypto.dataintegrity import CRYPTOSUITES
from generator.models._base import ONE_LINE_PATTERN, TEXT_PATTERN, ecmascript_pattern, no_mark_tower
from generator.models.award import (
    AWARD_CONTEXT,
    PUBLISHED_TIME_SCHEMA,
    URN_UUID,
    AwardProof,
    ProfileRef,
    StatusEntry,
    Timestamp,
    _AwardModel,
    _published_form,
    closes_window,
    proof_contexts,
    signed_at_valid_from,
)

__all__ = [
    "ENDORSEMENT_CONTEXT",
    "ENDORSEMENT_CONTEXT_URL",
    "Endorsement",
    "EndorsementKind",
    "EndorsementSubject",
]

#: The registry's context for ``endorsementKind`` and ``endorsementScope`` (a stable id, as the schemas' are).
ENDORSEMENT_CONTEXT_URL = "https://credreg.dev/contexts/endorsement-v1.jsonld"
ENDORSEMENT_CONTEXT = (*AWARD_CONTEXT, ENDORSEMENT_CONTEXT_URL)


class EndorsementKind(enum.StrEnum):
    """What the endorser stands behind, strongest first."""

    ACCREDITS = "accredits"
    APPROVES_FOR_REGULATED_ROLE = "approves-for-regulated-role"
    COUNTS_TOWARDS_QUALIFICATION = "counts-towards-qualification"
    RECOGNISES = "recognises"
    ENDORSES = "endorses"


# Signed text is published on the site and echoed to terminals: no UNSEEN character (bidi controls, escape codes),
# as in registry text. In ECMAScript spelling (``$``): the Rust engine has no ``\Z`` and its ``$`` is the end of
# the text. The comment and scope may hold line ends (the page shows them as spaces); the name is one line.
_TEXT = ecmascript_pattern(TEXT_PATTERN)
_ONE_LINE = ecmascript_pattern(ONE_LINE_PATTERN)
#: Nor a letter carrying more than MAX_MARKS combining marks, as in registry text: a tower of them is drawn over the
#: names and badges around it. After the field's length and pattern (the page's copy: ``markTowerProblem``).
_Comment = Annotated[
    str, StringConstraints(min_length=1, max_length=2000, pattern=_TEXT), AfterValidator(no_mark_tower)
]
_Scope = Annotated[str, StringConstraints(min_length=1, max_length=500, pattern=_TEXT), AfterValidator(no_mark_tower)]
_Name = Annotated[
    str, StringConstraints(min_length=1, max_length=300, pattern=_ONE_LINE), AfterValidator(no_mark_tower)
]


class EndorsementSubject(_AwardModel):
    """What is endorsed (``id``: an Achievement's page URL or an issuer's DID), how and why."""

    id: str = Field(pattern=r"^(?:https://|did:)\S+$")
    type: list[Literal["EndorsementSubject"]] = Field(min_length=1, max_length=1)
    endorsementComment: _Comment
    endorsementKind: EndorsementKind = Field(strict=False)  # the JSON string, read as the enum
    endorsementScope: _Scope | None = None


def _endorsement_form(value: str) -> str:
    return _published_form(value, "endorsement")


#: A time an endorsement publishes: an award's form (models/award.py ``AwardTime``), refused in an endorsement's
#: words (it has no recipient; policies.js ENDORSEMENT_TIME).
EndorsementTime = Annotated[Timestamp, AfterValidator(_endorsement_form), PUBLISHED_TIME_SCHEMA]


class Endorsement(_AwardModel):
    """A signed endorsement as stored in the registry."""

    context: list[str] = Field(alias="@context", min_length=3)
    id: str = Field(pattern=f"^{URN_UUID}$")
    type: list[Literal["VerifiableCredential", "EndorsementCredential"]] = Field(min_length=2, max_length=2)
    name: _Name
    issuer: ProfileRef
    #: Published in the one form of an award's times (whole seconds, UTC), each proof created at validFrom
    #: (``credreg endorse`` signs when it issues): a fraction or an offset is free digits in a signed file.
    validFrom: EndorsementTime
    validUntil: EndorsementTime | None = None
    credentialSubject: EndorsementSubject
    credentialStatus: StatusEntry
    proof: list[AwardProof] = Field(min_length=2, max_length=2)

    _closes_window = field_validator("validUntil")(closes_window)

    @field_validator("context")
    @classmethod
    def _exact_context(cls, value: list[str]) -> list[str]:
        if tuple(value) != ENDORSEMENT_CONTEXT:
            raise ValueError(f"must be exactly {list(ENDORSEMENT_CONTEXT)}")
        return value

    @field_validator("type")
    @classmethod
    def _types(cls, value: list[str]) -> list[str]:
        if value != ["VerifiableCredential", "EndorsementCredential"]:
            raise ValueError("must be exactly ['VerifiableCredential', 'EndorsementCredential']")
        return value

    @field_validator("proof")
    @classmethod
    def _both_suites(cls, value: list[AwardProof]) -> list[AwardProof]:
        if sorted(p.cryptosuite for p in value) != sorted(CRYPTOSUITES):
            raise ValueError(f"the proof set must hold {' and '.join('one ' + s for s in CRYPTOSUITES)} proof")
        if value[0].verificationMethod != value[1].verificationMethod:
            raise ValueError("both proofs must be made by the same key")
        return value

    @model_validator(mode="after")
    def _proof_contexts(self) -> Endorsement:
        proof_contexts(self.proof, ENDORSEMENT_CONTEXT, "endorsement")
        signed_at_valid_from(self.proof, self.validFrom, "endorsement")
        return self
