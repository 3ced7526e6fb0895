"""The loaded registry: typed models with the source position of every value.

Awards are not held here: a registry may hold a million of them, so stages stream them from disk
(:mod:`generator.awards`). Everything else (governance, issuers, definitions, keys) is small and loaded whole.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar
from urllib.parse import quote, urlsplit

from pydantic import BaseModel

from generator._internal.source import Document
from generator.models import CredentialDefinition, Governance, Issuer, PublicKey
from generator.models.endorser import Endorser

__all__ = [
    "CredentialRecord",
    "EndorserRecord",
    "IssuerRecord",
    "KeyRecord",
    "Registry",
    "Sourced",
    "did_web_for",
    "resolve_ref",
]

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

    def assets(self) -> Iterator[tuple[Document, list[str | int], str | None]]:
        """Every image the issuer's files name (document, field, value: a path in its folder, an https URL, or
        ``None``): its logo, each former profile's logo (the image of awards signed before a rebrand) and each
        credential's image. What the check looks for and what the build publishes."""
        own = self.source.doc
        yield own, ["logo"], self.issuer.logo
        for i, former in enumerate(self.issuer.former_profiles):
            yield own, ["former_profiles", i, "logo"], former.logo
        for credential in self.credentials.values():
            yield credential.doc, ["image"], credential.model.image


@dataclass(slots=True)
class EndorserRecord:
    """A registered endorser with its public keys (``keys/<endorser>/``)."""

    source: Sourced[Endorser]
    keys: dict[str, KeyRecord] = field(default_factory=dict)

    @property
    def endorser(self) -> Endorser:
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
    """Issuers (``issuer``), definitions (``issuer/slug``) and key files (``keys/owner/id.json``) that exist but
    have problems. References to them are not reported again: the file's own problems already say what is
    wrong."""
    endorsers: dict[str, EndorserRecord] = field(default_factory=dict)
    """Registered endorsers (``registry/endorsers/``); an issuer endorses under its own id, not here."""

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

    def issuers_by_did(self) -> dict[str, IssuerRecord]:
        """Each issuer DID's owner: the first issuer (in folder order) declaring it. The one rule by which every
        reader takes a DID to an issuer (the offline key and issuer checks, ``credreg verify --log``, the page
        through verify/index.json's ``issuers``): two issuers declaring one DID (``id.duplicate-did``, pushed past
        the check) must not let the key check find the method's key in one folder while the log check judges
        another's key file."""
        owners: dict[str, IssuerRecord] = {}
        for issuer_id, record in self.issuers.items():
            owners.setdefault(self.issuer_did(issuer_id), record)
        return owners

    def issuer_ids_by_did(self) -> dict[str, str]:
        """:meth:`issuers_by_did`, by issuer id (the page's index)."""
        return {did: record.id for did, record in self.issuers_by_did().items()}

    def issuer_for_did(self, did: str) -> IssuerRecord | None:
        """The issuer whose DID is ``did`` (:meth:`issuers_by_did`)."""
        return self.issuers_by_did().get(did)

    def endorser_did(self, endorser_id: str) -> str:
        """An endorser's DID: a registered endorser's (its own, or its did:web under ``endorsers``), or an
        issuer's when the issuer endorses."""
        record = self.endorsers.get(endorser_id)
        if record is not None:
            return record.endorser.did or did_web_for(self.site_url, endorser_id, "endorsers")
        return self.issuer_did(endorser_id)

    def endorsers_by_did(self) -> dict[str, str]:
        """Each endorsing DID's owner: the first registered endorser, else issuer, (in folder order) whose DID
        (:meth:`endorser_did`) it is. The endorsers' one rule, as :meth:`issuers_by_did` is the issuers': an
        endorsement's signer, an endorser's status list and key file (verify, ``credreg verify --log``, the page
        through verify/endorsements.json's ``endorsers``, read in this order) are the DID's owner's, never a
        second body's declaring it (``id.duplicate-did`` pushed past the check)."""
        owners: dict[str, str] = {}
        for who in [*self.endorsers, *self.issuers]:
            owners.setdefault(self.endorser_did(who), who)
        return owners

    def endorser_for_did(self, did: object) -> str | None:
        """The registered endorser, else the issuer, whose DID is ``did`` (:meth:`endorsers_by_did`)."""
        return self.endorsers_by_did().get(did) if isinstance(did, str) else None

    def owns_its_did(self, folder: str, owner: str) -> bool:
        """Whether ``owner`` of ``folder`` (``issuers`` or ``endorsers``) is registered and owns the DID it
        declares (:meth:`issuers_by_did`, :meth:`endorsers_by_did`): a second body declaring one has nothing of
        its own under it (its status lists are not this registry's), as the page reads it (policies.js
        ``ownsItsDid``)."""
        if folder == "issuers":
            return owner in self.issuers and self.issuer_ids_by_did().get(self.issuer_did(owner)) == owner
        return owner in self.endorsers and self.endorser_for_did(self.endorser_did(owner)) == owner

    def endorser_name(self, endorser_id: str) -> str:
        record = self.endorsers.get(endorser_id)
        return record.endorser.name if record is not None else self.issuers[endorser_id].issuer.name

    def endorser_keys(self, endorser_id: str) -> dict[str, KeyRecord]:
        """The registered keys an endorsement by ``endorser_id`` may be signed with (empty when unknown)."""
        if endorser_id in self.endorsers:
            return self.endorsers[endorser_id].keys
        record = self.issuers.get(endorser_id)
        return record.keys if record is not None else {}

    def is_endorser(self, endorser_id: str) -> bool:
        return endorser_id in self.endorsers or endorser_id in self.issuers

    # URLs on the published site; every page and data file is addressed through these.

    def url(self, path: str) -> str:
        return self.site_url + path.lstrip("/")

    def credential_url(self, issuer_id: str, slug: str) -> str:
        return self.url(f"credentials/{issuer_id}/{slug}/")

    def credential_ref(self, award: Mapping[str, Any]) -> str | None:
        """``issuer/slug`` of the credential an award's achievement id names on this site (``None`` when it names
        none): how the site counts an award towards a credential. The check records it per award, the build
        counts it, so both read it here."""
        subject = award.get("credentialSubject")
        achievement = subject.get("achievement") if isinstance(subject, dict) else None
        url = achievement.get("id", "") if isinstance(achievement, dict) else ""
        prefix = self.url("credentials/")
        if not isinstance(url, str) or not url.startswith(prefix):
            return None
        parts = url[len(prefix) :].strip("/").split("/")
        return "/".join(parts) if len(parts) == 2 else None

    def issuer_url(self, issuer_id: str) -> str:
        return self.url(f"issuers/{issuer_id}/")

    def status_list_url(self, issuer_id: str, number: int) -> str:
        from generator.statuslist import list_url  # here: statuslist imports openbadges, which imports this module

        return list_url(self.site_url, issuer_id, number)

    def verify_url(self, award_hash: str) -> str:
        return self.url(f"verify/#{award_hash}")


def did_web_for(site_url: str, issuer_id: str, folder: str = "issuers") -> str:
    """``did:web:<host>[:<path segments>]:issuers:<issuer>`` for a site URL (port percent-encoded, per did:web);
    ``folder="endorsers"`` for a registered endorser."""
    parts = urlsplit(site_url)
    host = quote(parts.netloc, safe="")  # encodes ':' of a port as %3A
    segments = [s for s in parts.path.split("/") if s]
    return ":".join(["did", "web", host, *(quote(s, safe="") for s in segments), folder, issuer_id])


def resolve_ref(ref: str, issuer_id: str) -> str:
    """``slug`` → ``issuer/slug``; full references are returned as they are."""
    return ref if "/" in ref else f"{issuer_id}/{ref}"


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
