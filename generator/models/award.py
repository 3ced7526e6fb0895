"""Awards and revocations: the registry's profile of an Open Badges 3.0 ``OpenBadgeCredential``.

Awards in ``registry/issuers/<issuer>/awards/`` must fit this profile (hashed recipient, status entry, the
two-proof set). It is stricter than OB 3.0 itself, which ``credreg verify`` also accepts for credentials from
elsewhere (see :mod:`generator.verify.conformance`).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, AwareDatetime, ConfigDict, Field, StringConstraints, field_validator

from generator._internal.times import parse_time
from generator.models._base import PlainText, StrictModel

__all__ = [
    "AchievementRef",
    "Award",
    "AwardProof",
    "AwardSubject",
    "IdentityObject",
    "ProfileRef",
    "RevocationEntry",
    "StatusEntry",
]

AwardHash = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


def _real_time(value: str) -> str:
    if parse_time(value) is None:
        raise ValueError("not a date-time: a real calendar date and time, with Z or an offset within +-14:00")
    return value


#: The schema's pattern is the grammar's shape; :func:`generator._internal.times.parse_time` is the whole rule.
Timestamp = Annotated[
    str,
    StringConstraints(
        pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?(?:Z|[+-][0-9]{2}:[0-9]{2})$"
    ),
    AfterValidator(_real_time),
]


def _types_including(required: str) -> Any:
    """A ``type`` list that must name ``required`` (OB 3.0 allows further types)."""

    def check(value: list[str]) -> list[str]:
        if required not in value:
            raise ValueError(f"must include {required!r}")
        return value

    return Annotated[list[str], AfterValidator(check), Field(json_schema_extra={"contains": {"const": required}})]


class _Open(StrictModel):
    """OB 3.0 lets issuers extend these objects; the fields we rely on are still checked."""

    model_config = ConfigDict(extra="allow")


class ProfileRef(_Open):
    """The issuer ``Profile``."""

    id: str = Field(pattern=r"^(?:did:|https://)\S+$")
    """The issuer's DID."""

    type: _types_including("Profile")  # type: ignore[valid-type]
    """Includes ``Profile``."""

    name: str | None = None
    """The issuer's name."""


class AchievementRef(_Open):
    """The ``Achievement`` (the credential definition as it was when awarded)."""

    id: str = Field(pattern=r"^https://\S+$")
    """The credential's page on the registry site."""

    type: _types_including("Achievement")  # type: ignore[valid-type]
    """Includes ``Achievement``."""

    name: str
    description: str
    criteria: dict[str, Any]


class IdentityObject(StrictModel):
    """The recipient, as a salted hash of their email address: never the address itself."""

    type: Literal["IdentityObject"]
    hashed: Literal[True]
    """Always hashed: the registry is public."""

    identityHash: str = Field(pattern=r"^sha256\$[0-9a-f]{64}$")
    """``sha256$`` + hex(sha256(lowercased email + salt))."""

    identityType: Literal["emailAddress"]
    salt: str = Field(min_length=16, max_length=128)
    """A fresh random salt per award."""


class AwardSubject(_Open):
    """The ``AchievementSubject``: who earned what."""

    type: _types_including("AchievementSubject")  # type: ignore[valid-type]
    identifier: list[IdentityObject] = Field(min_length=1, max_length=1)
    achievement: AchievementRef


class StatusEntry(StrictModel):
    """Where the award's revocation bit lives."""

    id: str
    type: Literal["BitstringStatusListEntry"]
    statusPurpose: Literal["revocation"]
    statusListIndex: str = Field(pattern=r"^(?:0|[1-9][0-9]{0,9})$")
    statusListCredential: str = Field(pattern=r"^https://\S+/status/[0-9]+\.json$")


class AwardProof(StrictModel):
    """One Data Integrity proof of the set."""

    type: Literal["DataIntegrityProof"]
    cryptosuite: Literal["eddsa-rdfc-2022", "eddsa-jcs-2022"]
    created: Timestamp
    verificationMethod: str = Field(pattern=r"^did:\S+#\S+$")
    proofPurpose: Literal["assertionMethod"]
    proofValue: str = Field(pattern=r"^z[1-9A-HJ-NP-Za-km-z]{80,90}$")
    context: list[str] | None = Field(default=None, alias="@context")

    model_config = StrictModel.model_config | {"populate_by_name": True}


class Award(_Open):
    """A signed award as stored in the registry: one ``OpenBadgeCredential`` with both proofs."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    context: list[str] = Field(alias="@context", min_length=2)
    id: str = Field(pattern=r"^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
    type: _types_including("OpenBadgeCredential")  # type: ignore[valid-type]
    name: str
    issuer: ProfileRef
    validFrom: Timestamp
    validUntil: Timestamp | None = None
    awardedDate: Timestamp | None = None
    credentialSubject: AwardSubject
    evidence: list[dict[str, Any]] | None = None
    credentialStatus: StatusEntry
    proof: list[AwardProof] = Field(min_length=2, max_length=2)

    @field_validator("proof")
    @classmethod
    def _both_suites(cls, value: list[AwardProof]) -> list[AwardProof]:
        suites = sorted(p.cryptosuite for p in value)
        if suites != ["eddsa-jcs-2022", "eddsa-rdfc-2022"]:
            raise ValueError("the proof set must hold one eddsa-rdfc-2022 and one eddsa-jcs-2022 proof")
        if value[0].verificationMethod != value[1].verificationMethod:
            raise ValueError("both proofs must be made by the same key")
        return value


class RevocationEntry(StrictModel):
    """One line of ``revocations.jsonl``: signed by the issuer, so repository write access alone cannot revoke."""

    award: AwardHash
    """Hash of the revoked award."""

    statusList: int = Field(ge=1)
    """Number of the issuer's status list holding the award's bit."""

    statusListIndex: int = Field(ge=0)
    """The award's index in that list."""

    revoked: AwareDatetime
    """When the award was revoked."""

    reason: PlainText
    """Why (published on the site)."""

    proof: AwardProof
    """eddsa-jcs-2022 proof by a key of the award's issuer."""

    @field_validator("proof")
    @classmethod
    def _jcs(cls, value: AwardProof) -> AwardProof:
        if value.cryptosuite != "eddsa-jcs-2022":
            raise ValueError("revocations are signed with eddsa-jcs-2022")
        return value
