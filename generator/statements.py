"""Who defines what: the registry's signed statement binding each Achievement id to the issuer that owns it.

Open Badges 3.0 lets any issuer name any ``achievement.id``: nothing in an award says that the credential page it
points at belongs to its issuer. The registry closes the gap for its own credentials with one
``EndorsementCredential`` per credential, signed by the registry's own key (``governance.yaml``
``registry_key``, private half in ``$CREDREG_REGISTRY_KEY`` at build time, like the log's key):

* ``issuer``: the registry, ``did:web:<site host>[:<path>]`` (its DID document is published by the build);
* ``credentialSubject.id``: the Achievement id (the credential's page);
* ``credentialSubject.achievementCreator``: the DID of the issuer that defines it (a term of the registry's
  context), also said in words in ``endorsementComment``.

Any OB 3.0 verifier can check a statement. The build also publishes ``statements/index.json`` (the registry's
DID and key, whether it is a demo, and the statement of each Achievement id). ``credreg verify`` and the
verification page apply them by one rule, :mod:`generator.binding` (mirrored by ``verify/binding.js``).

**Demo statements.** A registry that declares no ``registry_key`` (the shipped example) gets, with ``credreg build
--demo-log`` (``make site``), statements signed by a throwaway key made in memory for that one build and never
written anywhere: each says so in its ``name`` and ``endorsementComment``, ``index.json`` says ``"demo": true``,
and the pages label them. A demo shows the format; it proves nothing about who runs the registry. A registry
that declares its key never gets a demo.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from generator.awarding.keys import SigningKey, load_signing_key
from generator.awarding.signing import sign_document
from generator.crypto.dataintegrity import proofs_of, verify_proof
from generator.crypto.multibase import decode_ed25519_public
from generator.errors import UsageError
from generator.models.endorsement import ENDORSEMENT_CONTEXT
from generator.openbadges import timestamp
from generator.registry import Registry

__all__ = [
    "DEMO_NOTE",
    "INDEX_PATH",
    "REGISTRY_KEY_ENV",
    "Statements",
    "binding_statement",
    "registry_did",
    "registry_did_document",
    "registry_did_path",
    "signed_statements",
    "statement_path",
    "verify_statement",
]

REGISTRY_KEY_ENV = "CREDREG_REGISTRY_KEY"
KEY_ID = "registry-key"
INDEX_PATH = "statements/index.json"
DEMO_NOTE = (
    "DEMO: signed with a throwaway key made for one build of this site and then discarded; it shows the format "
    "and proves nothing about who runs this registry."
)


@dataclass(frozen=True, slots=True)
class Statements:
    """What a build signs: site path → signed statement, with the key's public half and whether it is a demo."""

    documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    public_key: str | None = None
    demo: bool = False

    def index(self, registry: Registry) -> dict[str, Any]:
        """``statements/index.json``: the signer, and the statement of each Achievement id."""
        return {
            "registry": registry_did(registry.site_url),
            "publicKeyMultibase": self.public_key,
            "demo": self.demo,
            **({"note": DEMO_NOTE} if self.demo else {}),
            "statements": {doc["credentialSubject"]["id"]: path for path, doc in sorted(self.documents.items())},
        }


def registry_did(site_url: str) -> str:
    """``did:web:<host>[:<path segments>]`` of the registry site itself."""
    parts = urlsplit(site_url)
    segments = [quote(s, safe="") for s in parts.path.split("/") if s]
    return ":".join(["did", "web", quote(parts.netloc, safe=""), *segments])


def registry_did_path(site_url: str) -> str:
    """Where did:web resolves the registry's DID, relative to the site root."""
    return "did.json" if urlsplit(site_url).path.strip("/") else ".well-known/did.json"


def statement_path(issuer_id: str, slug: str) -> str:
    return f"statements/{issuer_id}/{slug}.json"


def registry_did_document(registry: Registry, key: str | None = None) -> dict[str, Any]:
    """The registry's DID document, with its declared key (or ``key``, a demo build's throwaway one)."""
    key = key or registry.governance.model.registry_key
    did = registry_did(registry.site_url)
    methods = (
        [{"id": f"{did}#{KEY_ID}", "type": "Multikey", "controller": did, "publicKeyMultibase": key}] if key else []
    )
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [m["id"] for m in methods],
    }


def binding_statement(
    registry: Registry, issuer_id: str, slug: str, valid_from: dt.datetime, *, demo: bool = False
) -> dict[str, Any]:
    """The unsigned statement that ``issuer_id`` defines credential ``slug`` (``demo``: labelled as a demo)."""
    record = registry.issuers[issuer_id]
    definition = record.credentials[slug].model
    did = registry_did(registry.site_url)
    issuer_did = registry.issuer_did(issuer_id)
    page = registry.credential_url(issuer_id, slug)
    comment = (
        f"{registry.governance.model.name} records that {record.issuer.name} ({issuer_did}) defines this "
        "credential. Only awards issued by that DID are awards of it."
    )
    return {
        "@context": list(ENDORSEMENT_CONTEXT),
        "id": registry.url(statement_path(issuer_id, slug)),
        "type": ["VerifiableCredential", "EndorsementCredential"],
        "name": f"{'DEMO: ' if demo else ''}{definition.name} is defined by {record.issuer.name}",
        "issuer": {"id": did, "type": ["Profile"], "name": registry.governance.model.name, "url": registry.site_url},
        "validFrom": timestamp(valid_from),
        "credentialSubject": {
            "id": page,
            "type": ["EndorsementSubject"],
            "endorsementComment": f"{comment} {DEMO_NOTE}" if demo else comment,
            "achievementCreator": issuer_did,
        },
    }


def _registry_key(registry: Registry) -> SigningKey | None:
    path = os.environ.get(REGISTRY_KEY_ENV)
    if not path:
        return None
    expected = registry.governance.model.registry_key
    if expected is None:
        raise UsageError(f"${REGISTRY_KEY_ENV} is set, but governance.yaml declares no registry_key")
    key = load_signing_key(Path(path), root=registry.root)
    if key.public_multibase != expected:
        raise UsageError(f"${REGISTRY_KEY_ENV} is not the registry_key that governance.yaml declares")
    return key


def signed_statements(registry: Registry, now: dt.datetime, *, demo: bool = False) -> Statements:
    """Every credential's signed statement, with ``$CREDREG_REGISTRY_KEY``; none without it, unless ``demo`` and
    the registry declares no key: then signed with a throwaway key that exists only in this call."""
    key = _registry_key(registry)
    is_demo = key is None and demo and registry.governance.model.registry_key is None
    if is_demo:
        key = SigningKey(issuer="registry", key_id=KEY_ID, seed=secrets.token_bytes(32))
    if key is None:
        return Statements()
    method = f"{registry_did(registry.site_url)}#{KEY_ID}"
    documents = {
        statement_path(record.id, c.model.id): sign_document(
            binding_statement(registry, record.id, c.model.id, now, demo=is_demo), key, method, now
        )
        for record, c in registry.credentials()
    }
    return Statements(documents, key.public_multibase, is_demo)


def statement_problem(document: Any, did: str, key: str) -> str | None:
    """Why ``document`` is not a statement signed by the registry ``did`` with the Multikey ``key`` (``None``
    when it is). Only the form and both proofs: what it says is :func:`binding_problem`'s."""
    if not isinstance(document, dict):
        return "not a JSON object"
    subject = document.get("credentialSubject")
    issuer = document.get("issuer")
    if not isinstance(subject, dict) or not isinstance(issuer, dict) or not isinstance(subject.get("id"), str):
        return "not a statement"
    if not isinstance(subject.get("achievementCreator"), str):
        return "the statement names no achievementCreator"
    if issuer.get("id") != did:
        return "not issued by this registry"
    proofs = proofs_of(document)
    if len(proofs) != 2:
        return "a statement carries both proofs"
    for proof in proofs:
        if proof.get("verificationMethod") != f"{did}#{KEY_ID}":
            return "not signed with the registry's key"
        result = verify_proof(document, proof, decode_ed25519_public(key))
        if not result:
            return f"{proof.get('cryptosuite')}: {result.reason}"
    return None


def verify_statement(document: Any, registry: Registry, key: str | None = None) -> str | None:
    """Why ``document`` is not the registry's valid statement about its subject (``None`` when it is); ``key``:
    the signer's Multikey when the registry declares none (a demo build's)."""
    key = registry.governance.model.registry_key or key
    if key is None:
        return "this registry has no registry_key"
    problem = statement_problem(document, registry_did(registry.site_url), key)
    if problem is not None:
        return problem
    subject = document["credentialSubject"]
    page = subject["id"]
    for record, credential in registry.credentials():
        if registry.credential_url(record.id, credential.model.id) == page:
            owner = registry.issuer_did(record.id)
            return None if subject["achievementCreator"] == owner else f"{page} is defined by {owner}"
    return f"{page} is not a credential of this registry"
