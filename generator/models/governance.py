"""``registry/governance.yaml``: who runs the registry, where it is published, and how changes are reviewed."""

from __future__ import annotations

from urllib.parse import urlsplit

from pydantic import Field, field_validator

from generator.models._base import GitHubHandle, HttpsUrl, Markdown, PlainText, StrictModel, require_unique

__all__ = ["Governance", "ReviewRules"]


class ReviewRules(StrictModel):
    """Review rules the pull-request check applies on top of file ownership.

    Ownership itself is fixed: changes under ``registry/issuers/<issuer>/`` and ``keys/<issuer>/`` need a
    maintainer of that issuer or of the registry; every other path needs a registry maintainer.
    """

    required_approvals: int = Field(default=1, ge=0, le=10)
    """Approvals from code owners a pull request needs before it merges (enforced by branch protection; the
    check's summary states it)."""

    new_issuer_requires_registry_maintainer: bool = True
    """Adding an issuer needs a registry maintainer, even when the issuer's own maintainers propose it."""

    new_key_requires_registry_maintainer: bool = True
    """Adding a signing key needs a registry maintainer: a key decides whose signatures the registry trusts."""

    award_backdating_days: int = Field(default=30, ge=0, le=3650)
    """A new award's proof may be dated at most this many days before the check runs. Limits what a stolen,
    since-revoked key can still add by backdating its signatures."""


class Governance(StrictModel):
    """The registry itself: its name, its public address and its maintainers."""

    name: PlainText
    """Name of the registry, shown in the site header and in feeds."""

    description: Markdown
    """What the registry is and for whom (Markdown), shown on the home page."""

    site_url: HttpsUrl
    """Public address of the site, ending in ``/``. Decides every URL and every issuer's ``did:web`` identifier:
    changing it changes the identity of issuers whose awards are already signed."""

    repository: HttpsUrl | None = None
    """Where the registry's Git repository lives (for "edit this page" and contribution links)."""

    maintainers: list[GitHubHandle] = Field(min_length=1)
    """GitHub handles of the registry maintainers. They may change anything and must approve new issuers and
    new keys."""

    review: ReviewRules = ReviewRules()
    """Review rules for pull requests."""

    @field_validator("site_url")
    @classmethod
    def _site_url_shape(cls, value: str) -> str:
        parts = urlsplit(value)
        if not value.endswith("/"):
            raise ValueError("must end with '/' (e.g. https://credentials.example.org/)")
        if parts.query or parts.fragment:
            raise ValueError("must not have a query or fragment")
        if parts.username or parts.password:
            raise ValueError("must not contain credentials")
        return value

    @field_validator("maintainers")
    @classmethod
    def _unique_maintainers(cls, value: list[str]) -> list[str]:
        return require_unique(value, casefold=True)
