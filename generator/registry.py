"""The loaded registry: typed models with the source position of every value.

Awards are not held here: a registry may hold a million of them, so stages stream them from disk
(:mod:`generator.awards`). Everything else (governance, issuers, definitions, keys) is small and loaded whole.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar
from urllib.parse import quote, urlsplit

from pydantic import BaseModel

from generator._internal.source import Document
from generator.models import CredentialDefinition, Governance, Issuer, PublicKey

__all__ = ["CredentialRecord", "IssuerRecord", "KeyRecord", "Registry", "Sourced", "did_web_for", "resolve_ref"]

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class Sourced(Generic[M]):
    """A model and the document it was read from (for positions in later problems)."""

    model: M
    doc: Document

    @property
    def path(self) -> str:
        return self.doc.path


CredentialRecord = Sourced[CredentialDefinition]
KeyRecord = Sourced[PublicKey]


@dataclass(slots=True)
class IssuerRecord:
    """An issuer with its credential definitions and public keys."""

    source: Sourced[Issuer]
    credentials: dict[str, CredentialRecord] = field(default_factory=dict)
    keys: dict[str, KeyRecord] = field(default_factory=dict)

    @property
    def issuer(self) -> Issuer:
        return self.source.model

    @property
    def id(self) -> str:
        return self.source.model.id


@dataclass(slots=True)
class Registry:
    """Governance, issuers, definitions and keys of one registry checkout."""

    root: Path
    governance: Sourced[Governance]
    issuers: dict[str, IssuerRecord] = field(default_factory=dict)
    unusable: set[str] = field(default_factory=set)
    """Issuers (``issuer``) and definitions (``issuer/slug``) whose files exist but have problems. References
    to them are not reported again: the file's own problems already say what is wrong."""

    @property
    def site_url(self) -> str:
        return self.governance.model.site_url

    def credentials(self) -> Iterator[tuple[IssuerRecord, CredentialRecord]]:
        for record in self.issuers.values():
            for credential in record.credentials.values():
                yield record, credential

    def credential(self, ref: str) -> CredentialRecord | None:
        """A definition by full reference ``issuer/slug``."""
        issuer, _, slug = ref.partition("/")
        record = self.issuers.get(issuer)
        return record.credentials.get(slug) if record else None

    def issuer_did(self, issuer_id: str) -> str:
        """The issuer's DID: its own when declared, else its did:web on the registry site."""
        record = self.issuers[issuer_id]
        return record.issuer.did or did_web_for(self.site_url, issuer_id)

    def issuer_for_did(self, did: str) -> IssuerRecord | None:
        for record in self.issuers.values():
            if self.issuer_did(record.id) == did:
                return record
        return None

    # URLs on the published site; every page and data file is addressed through these.

    def url(self, path: str) -> str:
        return self.site_url + path.lstrip("/")

    def credential_url(self, issuer_id: str, slug: str) -> str:
        return self.url(f"credentials/{issuer_id}/{slug}/")

    def issuer_url(self, issuer_id: str) -> str:
        return self.url(f"issuers/{issuer_id}/")

    def status_list_url(self, issuer_id: str, number: int) -> str:
        from generator.statuslist import list_url  # here: statuslist imports openbadges, which imports this module

        return list_url(self.site_url, issuer_id, number)

    def verify_url(self, award_hash: str) -> str:
        return self.url(f"verify/#{award_hash}")


def did_web_for(site_url: str, issuer_id: str) -> str:
    """``did:web:<host>[:<path segments>]:issuers:<issuer>`` for a site URL (port percent-encoded, per did:web)."""
    parts = urlsplit(site_url)
    host = quote(parts.netloc, safe="")  # encodes ':' of a port as %3A
    segments = [s for s in parts.path.split("/") if s]
    return ":".join(["did", "web", host, *(quote(s, safe="") for s in segments), "issuers", issuer_id])


def resolve_ref(ref: str, issuer_id: str) -> str:
    """``slug`` → ``issuer/slug``; full references are returned as they are."""
    return ref if "/" in ref else f"{issuer_id}/{ref}"


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
