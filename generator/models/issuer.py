"""``registry/issuers/<issuer>/issuer.yaml``: an organisation that defines and awards credentials."""

from __future__ import annotations

import enum
import itertools
from typing import Annotated

from pydantic import Field, field_validator

from generator.models._base import (
    AssetUrlCheck,
    CountryCode,
    Did,
    GitHubHandle,
    HttpsUrl,
    IsoDate,
    Markdown,
    Name,
    PlainText,
    Slug,
    StrictModel,
    require_unique,
)

__all__ = ["FormerProfile", "Issuer", "IssuerKind", "Location"]

EMAIL_PATTERN = (
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@"
    r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+\Z"
)

# The profile fields every award carries (generator.openbadges.issuer_profile): one type each, for the issuer's
# current profile and its former ones.
Email = Annotated[str, Field(pattern=EMAIL_PATTERN, max_length=254)]
Logo = Annotated[
    str, Field(pattern=r"^(?:https://\S+|[A-Za-z0-9_][A-Za-z0-9_.-]*\.(?:png|svg|jpg|jpeg|webp))\Z"), AssetUrlCheck
]


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


class FormerProfile(StrictModel):
    """A profile the issuer's awards carried before it changed its name, website, email or logo (a rebrand).

    Awards already in the registry keep the profile they were signed with; new awards carry the current one."""

    until: IsoDate
    """The last day this profile was used (the rebrand's date): an award may carry it only if signed (its proofs'
    ``created``) by the end of that day, in UTC."""

    name: Name
    """The organisation's name then."""

    url: HttpsUrl
    """Its website then."""

    email: Email
    """Its contact address then."""

    logo: Logo | None = None
    """Its logo then, as ``logo`` was written: a file in the issuer's folder or an https URL."""


class Issuer(StrictModel):
    """An organisation registered to define and award credentials."""

    id: Slug
    """Lowercase slug; must equal the issuer's folder name. Part of its ``did:web`` and of every URL."""

    name: Name
    """The organisation's name as employers know it."""

    kind: IssuerKind
    """University, industry body, training provider, employer, …"""

    url: HttpsUrl
    """The organisation's website."""

    email: Email
    """Contact address for questions about its credentials (published)."""

    description: Markdown
    """Who the issuer is (Markdown; rendered without raw HTML)."""

    location: Location
    """Where the issuer is based."""

    logo: Logo | None = None
    """A file in the issuer's folder (``logo.svg``) or an https URL. Awards carry either; the site shows only a
    file, and in place of a URL (which every reader's browser would fetch from the issuer's server) the
    issuer's initials."""

    maintainers: list[GitHubHandle] = Field(min_length=1)
    """GitHub handles (users or ``org/team``) who may change this issuer's files and award its credentials."""

    did: Did | None = None
    """The issuer's own DID, when it has one. Without it the issuer is identified as
    ``did:web:<registry host>:issuers:<id>``, served by the registry site."""

    former_profiles: list[FormerProfile] = Field(default_factory=list)
    """Append-only: the profiles the issuer had before, oldest first (in order of ``until``). To rebrand, add the
    current name, url, email and logo here as a new last entry, then change them above."""

    @field_validator("maintainers")
    @classmethod
    def _unique_maintainers(cls, value: list[str]) -> list[str]:
        return require_unique(value, casefold=True)

    @field_validator("former_profiles")
    @classmethod
    def _in_order(cls, value: list[FormerProfile]) -> list[FormerProfile]:
        for before, after in itertools.pairwise(value):
            if after.until < before.until:
                raise ValueError(f"former profiles are in order of `until`: {after.until} is before {before.until}")
        return value
