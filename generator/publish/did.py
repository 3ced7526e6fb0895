"""did:web documents for issuers identified through the registry site.

``did:web:<host>[:<path>]:issuers:<issuer>`` resolves to ``<site>/issuers/<issuer>/did.json``. Every key the
issuer ever registered is listed, rotated ones included, so third-party verifiers can still check awards
signed before a rotation. A compromised key carries ``revoked`` (an XML Schema date-time, as CID 1.0 and the
Multikey context define it): tools that read it refuse all its signatures, the safe reading, but Digital Bazaar's
Data Integrity suites do not read it at all (tests/interop/test_did_web_site.py; docs/how-verification-works.md,
"Other verifiers"). ``expires`` is deliberately not set for rotated keys, since verifiers read it as "refuse
every signature" rather than "refuse signatures made after"."""

from __future__ import annotations

import datetime as dt
from typing import Any

from generator.openbadges import timestamp
from generator.registry import Registry, did_web_for
from generator.verify.keys import method_id

__all__ = ["DID_CONTEXT", "did_document", "instant_text", "serves_did"]

DID_CONTEXT = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]


def instant_text(value: dt.datetime) -> str:
    """A key file's time as the site publishes it (a DID document's ``revoked``, keys.json's window): in UTC, with
    the fraction of a second when there is one (:func:`~generator.openbadges.timestamp` drops it), so that every
    reader compares the instant the check compares, to the microsecond."""
    if value.microsecond == 0:
        return timestamp(value)
    return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(timespec="microseconds").rstrip("0") + "Z"


def serves_did(registry: Registry, issuer_id: str) -> bool:
    """Whether the registry site is where this issuer's (or endorser's) DID resolves (not for own DIDs)."""
    if issuer_id in registry.endorsers:
        return registry.endorser_did(issuer_id) == did_web_for(registry.site_url, issuer_id, "endorsers")
    return registry.issuer_did(issuer_id) == did_web_for(registry.site_url, issuer_id)


def did_document(registry: Registry, issuer_id: str) -> dict[str, Any]:
    """The DID document of an issuer, or of a registered endorser (same keys, same rules)."""
    did = registry.endorser_did(issuer_id)
    keys = registry.endorser_keys(issuer_id)
    methods = []
    for key_id in sorted(keys):
        key = keys[key_id].model
        method: dict[str, Any] = {
            "id": method_id(did, key.id),  # how a proof must name the key (keys.py named_key)
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": key.publicKeyMultibase,
        }
        if key.revoked_at is not None:
            method["revoked"] = instant_text(key.revoked_at)  # the instant the check and keys.json read
        methods.append(method)
    return {
        "@context": list(DID_CONTEXT),
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [m["id"] for m in methods],
    }
