"""``registry/issuers/<issuer>/issuer.yaml``: an organisation that defines and awards credentials."""

from __future__ import annotations

import enum

from pydantic import Field, field_validator

from generator.models._base import (
    CountryCode,
    Did,
    GitHubHandle,
    HttpsUrl,
    Markdown,
    PlainText,
    Slug,
    StrictModel,
    require_unique,
)

__all__ = ["Issuer", "IssuerKind", "Location"]

EMAIL_PATTERN = (
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@"
    r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+\Z"
)


class IssuerKind(enum.StrEnum):
    """What sort of organisation the issuer is; employers weigh credentials by it."""

    UNIVERSITY = "university"
    COLLEGE = "college"
    INDUSTRY_BODY = "industry-body"
    PROFESSIONAL_ASSOCIATION = "professional-association"
    TRAINING_PROVIDER = "training-provider"
    BOOTCAMP = "bootcamp"
    EMPLOYER = "employer"
    GOVERNMENT = "government"
    NONPROFIT = "nonprofit"
    OTHER = "other"


class Location(StrictModel):
    """Where the issuer is based."""

    country: CountryCode
    """ISO 3166-1 alpha-2 country code."""

    region: PlainText | None = None
    """State, province or region."""

    city: PlainText | None = None
    """City."""


class Issuer(StrictModel):
    """An organisation registered to define and award credentials."""

    id: Slug
    """Lowercase slug; must equal the issuer's folder name. Part of its ``did:web`` and of every URL."""

    name: PlainText
    """The organisation's name as employers know it."""

    kind: IssuerKind
    """University, industry body, training provider, employer, …"""

    url: HttpsUrl
    """The organisation's website."""

    email: str = Field(pattern=EMAIL_PATTERN, max_length=254)
    """Contact address for questions about its credentials (published)."""

    description: Markdown
    """Who the issuer is (Markdown; rendered without raw HTML)."""

    location: Location
    """Where the issuer is based."""

    logo: str | None = Field(
        default=None, pattern=r"^(?:https://\S+|[A-Za-z0-9_][A-Za-z0-9_.-]*\.(?:png|svg|jpg|jpeg|webp))\Z"
    )
    """A file in the issuer's folder (``logo.svg``) or an https URL."""

    maintainers: list[GitHubHandle] = Field(min_length=1)
    """GitHub handles (users or ``org/team``) who may change this issuer's files and award its credentials."""

    did: Did | None = None
    """The issuer's own DID, when it has one. Without it the issuer is identified as
    ``did:web:<registry host>:issuers:<id>``, served by the registry site."""

    @field_validator("maintainers")
    @classmethod
    def _unique_maintainers(cls, value: list[str]) -> list[str]:
        return require_unique(value, casefold=True)
