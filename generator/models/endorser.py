"""``registry/endorsers/<endorser>/endorser.yaml``: a body that vouches for credentials or issuers.

An endorser need not issue anything itself: a sector council, a quality-assurance agency, an employer
network. It signs ``EndorsementCredential`` files (see :mod:`generator.endorsements`) with keys under
``keys/<endorser>/`` (the same key files and rules as issuers), and its ``did:web`` is served by the registry
site at ``/endorsers/<endorser>/did.json``. A registered issuer endorses under its own id, with its own keys.
"""

from __future__ import annotations

import enum

from pydantic import Field, field_validator

from generator.models._base import (
    Did,
    GitHubHandle,
    HttpsUrl,
    Markdown,
    Name,
    Slug,
    StrictModel,
    require_unique,
)
from generator.models.issuer import EMAIL_PATTERN, Location

__all__ = ["Endorser", "EndorserKind"]


class EndorserKind(enum.StrEnum):
    """What sort of body the endorser is: an employer weighs a recognition by who gives it."""

    SECTOR_COUNCIL = "sector-council"
    QA_AGENCY = "qa-agency"
    ACCREDITATION_BODY = "accreditation-body"
    REGULATOR = "regulator"
    PROFESSIONAL_BODY = "professional-body"
    EMPLOYER_CONSORTIUM = "employer-consortium"
    EMPLOYER = "employer"
    UNIVERSITY_CONSORTIUM = "university-consortium"
    GOVERNMENT = "government"
    OTHER = "other"


class Endorser(StrictModel):
    """A body registered to endorse credentials and issuers."""

    id: Slug
    """Lowercase slug; must equal the endorser's folder name and differ from every issuer id."""

    name: Name
    """The body's name, as credential definitions name it in ``quality_assurance``."""

    kind: EndorserKind
    """Sector council, QA agency, accreditation body, employer consortium, …"""

    url: HttpsUrl
    """The body's website."""

    email: str = Field(pattern=EMAIL_PATTERN, max_length=254)
    """Contact address for questions about its endorsements (published)."""

    description: Markdown
    """Who the body is and what its endorsement means (Markdown; rendered without raw HTML)."""

    location: Location
    """Where the body is based."""

    aliases: list[Name] = Field(default_factory=list, max_length=10)
    """Other names issuers use for the body (abbreviations, translations): matched in ``quality_assurance``."""

    maintainers: list[GitHubHandle] = Field(min_length=1)
    """GitHub handles (users or ``org/team``) who may add and revoke this body's endorsements."""

    did: Did | None = None
    """The body's own DID, when it has one. Without it: ``did:web:<registry host>:endorsers:<id>``."""

    @field_validator("maintainers")
    @classmethod
    def _unique_maintainers(cls, value: list[str]) -> list[str]:
        return require_unique(value, casefold=True)
