"""Shared data for the crypto tests: the OB 3.0 award shape and its variations, keys made at test time."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from generator.crypto import ContextStore, ed25519
from tests.conftest import CONFORMANCE, FIXTURE_CONTEXTS

VECTORS = CONFORMANCE / "vc-di-eddsa"
JCS_DATA = CONFORMANCE / "jcs"
EXAMPLES_URL = "https://www.w3.org/ns/credentials/examples/v2"

V2 = "https://www.w3.org/ns/credentials/v2"
OB = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
ISSUER = "did:web:credentials.example.org:issuers:northbridge"

AWARD: dict[str, Any] = {
    "@context": [V2, OB],
    "id": "urn:uuid:2f1c7a8e-1111-4a2b-9c3d-123456789abc",
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "name": "SQL for Data Analysis",
    "issuer": {
        "id": ISSUER,
        "type": ["Profile"],
        "name": "Northbridge University",
        "url": "https://northbridge.example.edu",
    },
    "validFrom": "2025-03-01T00:00:00Z",
    "validUntil": "2028-03-01T00:00:00Z",
    "credentialSubject": {
        "type": ["AchievementSubject"],
        "identifier": [
            {
                "type": "IdentityObject",
                "hashed": True,
                "identityHash": "sha256$5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8",
                "identityType": "emailAddress",
                "salt": "c2FsdHNhbHQ",
            }
        ],
        "achievement": {
            "id": "https://credentials.example.org/credentials/northbridge/sql/",
            "type": ["Achievement"],
            "achievementType": "MicroCredential",
            "name": "SQL",
            "description": "desc",
            "criteria": {"narrative": "Pass exam"},
            "alignment": [
                {
                    "type": ["Alignment"],
                    "targetName": "use SQL",
                    "targetUrl": "http://data.europa.eu/esco/skill/abc",
                    "targetFramework": "ESCO",
                    "targetCode": "abc",
                    "targetType": "ceasn:Competency",
                }
            ],
            "creator": {"id": ISSUER, "type": ["Profile"], "name": "Northbridge"},
        },
    },
    "evidence": [{"id": "https://ex.org/e", "type": ["Evidence"]}],
    "credentialStatus": {
        "id": "https://credentials.example.org/issuers/northbridge/status/1.json#42",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "42",
        "statusListCredential": "https://credentials.example.org/issuers/northbridge/status/1.json",
    },
}


def award(**changes: Any) -> dict[str, Any]:
    """A deep copy of AWARD with top-level members replaced (a value of None removes the member)."""
    doc = copy.deepcopy(AWARD)
    for key, value in changes.items():
        if value is None:
            doc.pop(key, None)
        else:
            doc[key] = value
    return doc


def alignment(i: int) -> dict[str, Any]:
    return {
        "type": ["Alignment"],
        "targetName": f"skill {i}",
        "targetUrl": f"http://data.europa.eu/esco/skill/{i:04d}",
        "targetFramework": "ESCO",
        "targetCode": f"{i:04d}",
        "targetType": "ceasn:Competency",
    }


def award_variations() -> list[tuple[str, dict[str, Any]]]:
    """OB 3.0 awards that exercise different parts of the contexts (all valid)."""
    out: list[tuple[str, dict[str, Any]]] = [("award", award())]
    out.append(("no-evidence", award(evidence=None)))
    out.append(("no-validUntil", award(validUntil=None)))
    out.append(("no-status", award(credentialStatus=None)))
    for n in (0, 2, 5):
        doc = award()
        doc["credentialSubject"]["achievement"]["alignment"] = [alignment(i) for i in range(n)]
        out.append((f"{n}-alignments", doc))
    doc = award()
    doc["credentialSubject"]["achievement"]["alignment"] = [alignment(1), alignment(1)]  # indistinguishable nodes
    out.append(("twin-alignments", doc))
    doc = award(name="Café ✓ — データ分析 🎓 مرحبا", description='Ünïcödé\n"quoted"\ttab \u2028 \U0001f600')
    doc["credentialSubject"]["achievement"]["name"] = "Ελληνικά 𝔘𝔫𝔦𝔠𝔬𝔡𝔢"
    out.append(("unicode", doc))
    doc = award()
    subject = doc["credentialSubject"]
    subject["id"] = "did:example:learner-1"
    subject["achievement"]["resultDescription"] = [
        {
            "id": "urn:uuid:11111111-2222-3333-4444-555555555555",
            "type": ["ResultDescription"],
            "name": "Final grade",
            "resultType": "LetterGrade",
            "allowedValue": ["A", "B", "C"],
        }
    ]
    subject["achievement"]["creditsAvailable"] = 3.5
    subject["achievement"]["image"] = {"id": "https://ex.org/badge.png", "type": "Image", "caption": "badge"}
    subject["achievement"]["tag"] = ["sql", "data"]
    subject["result"] = [
        {
            "type": ["Result"],
            "resultDescription": "urn:uuid:11111111-2222-3333-4444-555555555555",
            "value": "A",
            "status": "Completed",
        }
    ]
    subject["creditsEarned"] = 3.5
    subject["activityStartDate"] = "2025-01-10T00:00:00Z"
    out.append(("results", doc))
    doc = award(evidence=[{"id": f"https://ex.org/e/{i}", "type": ["Evidence"], "name": f"E{i}"} for i in range(3)])
    out.append(("several-evidence", doc))
    doc = award(issuer=ISSUER)
    out.append(("issuer-as-iri", doc))
    doc = award()
    doc["credentialSubject"]["identifier"].append(
        {
            "type": "IdentityObject",
            "hashed": False,
            "identityHash": "learner@example.org",
            "identityType": "emailAddress",
        }
    )
    out.append(("two-identifiers", doc))
    doc = award(
        name={"@value": "SQL für Datenanalyse", "@language": "de"}, _sd=["digest-1", {"nested": [1, 2.5, None]}]
    )
    doc["description"] = [{"@value": "Analyse de données", "@language": "fr-CA"}, "plain"]
    doc["credentialSubject"]["achievement"]["creditsAvailable"] = 4
    out.append(("value-kinds", doc))
    return out


STATUS_LIST = {
    "@context": [V2],
    "id": "https://credentials.example.org/issuers/northbridge/status/1.json",
    "type": ["VerifiableCredential", "BitstringStatusListCredential"],
    "issuer": ISSUER,
    "validFrom": "2025-03-01T00:00:00Z",
    "credentialSubject": {
        "id": "https://credentials.example.org/issuers/northbridge/status/1.json#list",
        "type": "BitstringStatusList",
        "statusPurpose": "revocation",
        "encodedList": "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA",
    },
}

DID_DOCUMENT = {
    "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
    "id": ISSUER,
    "verificationMethod": [
        {
            "id": f"{ISSUER}#key-1",
            "type": "Multikey",
            "controller": ISSUER,
            "publicKeyMultibase": "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
        }
    ],
    "assertionMethod": [f"{ISSUER}#key-1"],
    "authentication": [f"{ISSUER}#key-1"],
}


MULTIKEY_URL = "https://w3id.org/security/multikey/v1"


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def vectors_store() -> ContextStore:
    """The bundled contexts plus those only tests need: the W3C examples context of the vectors, and the
    Multikey context of DID documents (the product publishes DID documents but never canonicalizes one)."""
    return ContextStore.bundled().with_extra(
        {
            EXAMPLES_URL: read_json(FIXTURE_CONTEXTS / "credentials-examples-v2.jsonld"),
            MULTIKEY_URL: read_json(FIXTURE_CONTEXTS / "multikey-v1.jsonld"),
        }
    )


@pytest.fixture(scope="session")
def seed() -> bytes:
    return ed25519.generate_seed()


@pytest.fixture(scope="session")
def other_seed() -> bytes:
    return ed25519.generate_seed()
