"""``keys/<issuer>/<key-id>.json``: an issuer's Ed25519 public key and its lifecycle.

Only public halves live in the repository. A key's public material never changes; rotation adds a new key
and sets ``valid_until`` on the old one; a compromise sets ``revoked_at`` (signatures made at or after it are
not trusted).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator

from generator.models._base import Instant, PlainText, Slug, StrictModel

__all__ = ["PublicKey"]

MULTIKEY_ED25519_PATTERN = r"^z6Mk[1-9A-HJ-NP-Za-km-z]{44}\Z"


class PublicKey(StrictModel):
    """An Ed25519 verification key in Multikey form."""

    schema_: str | None = Field(default=None, alias="$schema")
    """Path or URL of this file's JSON Schema, for editors."""

    id: Slug
    """Key id; must equal the file name without ``.json``. The verification method is ``<issuer DID>#<id>``."""

    issuer: Slug
    """The issuer the key belongs to; must equal the folder name."""

    type: Literal["Multikey"] = "Multikey"
    """Always ``Multikey``."""

    publicKeyMultibase: str = Field(pattern=MULTIKEY_ED25519_PATTERN)
    """``z`` + base58btc(0xed 0x01 ‖ 32-byte Ed25519 public key): ``z6Mk…``."""

    created: Instant
    """When the key was generated."""

    valid_from: Instant
    """Signatures made before this instant are not accepted."""

    valid_until: Instant | None = None
    """Signatures made after this instant are not accepted (set when the key is rotated out)."""

    revoked_at: Instant | None = None
    """The key was compromised: signatures made at or after this instant are not accepted."""

    revocation_reason: PlainText | None = None
    """Why the key was revoked (required with ``revoked_at``)."""

    model_config = StrictModel.model_config | {"populate_by_name": True}

    @field_validator("valid_until")
    @classmethod
    def _after_valid_from(cls, value: dt.datetime | None, info: ValidationInfo) -> dt.datetime | None:
        start = info.data.get("valid_from")
        if value is not None and start is not None and value <= start:
            raise ValueError(f"must be after valid_from ({start.isoformat()})")
        return value

    @field_validator("revocation_reason")
    @classmethod
    def _reason_with_revocation(cls, value: str | None, info: ValidationInfo) -> str | None:
        revoked = info.data.get("revoked_at")
        if revoked is not None and value is None:
            raise ValueError("a revoked key needs a revocation_reason")
        if revoked is None and value is not None:
            raise ValueError("revocation_reason without revoked_at")
        return value
