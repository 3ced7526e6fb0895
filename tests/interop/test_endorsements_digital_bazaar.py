"""Our endorsements verify in Digital Bazaar's stack (@digitalbazaar/vc, both eddsa cryptosuites, the bitstring
status list), with the registry's endorsement context served as the site publishes it; tampered ones fail."""

from __future__ import annotations

import copy
import json
import subprocess
from importlib import resources
from typing import Any

import pytest

from generator.load import load_registry
from generator.models.endorsement import ENDORSEMENT_CONTEXT_URL
from generator.publish.did import did_document
from generator.recognition import collect_recognition
from generator.registry import Registry
from generator.verify.results import Verdict
from tests.conftest import REPO
from tests.interop.test_digital_bazaar import NODE_DIR, documents, pytestmark  # noqa: F401 - the same skip

CONTEXT = json.loads(
    resources.files("generator.crypto").joinpath("contexts", "credreg-endorsement-v1.jsonld").read_text("utf-8")
)


def _documents(registry: Registry) -> dict[str, Any]:
    docs = documents(registry)
    docs[ENDORSEMENT_CONTEXT_URL] = CONTEXT
    for endorser in registry.endorsers:
        docs[registry.endorser_did(endorser)] = did_document(registry, endorser)
        for path in (registry.root / "registry/endorsers" / endorser / "status").glob("*.json"):
            status = json.loads(path.read_text())
            docs[status["id"]] = status
    return docs


def _digital_bazaar(credential: dict[str, Any], registry: Registry) -> dict[str, Any]:
    payload = json.dumps({"credential": credential, "documents": _documents(registry)})
    done = subprocess.run(
        ["node", str(NODE_DIR / "verify-vc.mjs")], input=payload, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def example() -> tuple[Registry, list[Any]]:
    registry = load_registry(REPO).registry
    assert registry is not None
    return registry, collect_recognition(registry).endorsements


def test_every_example_endorsement_verifies_there(example: tuple[Registry, list[Any]]) -> None:
    registry, items = example
    for item in items:
        out = _digital_bazaar(item.found.document, registry)
        assert out["error"] is None, out
        assert out["verified"] is True, out
        assert sorted((p["cryptosuite"], p["verified"]) for p in out["proofs"]) == [
            ("eddsa-jcs-2022", True),
            ("eddsa-rdfc-2022", True),
        ]
        # Revoked there exactly when revoked here.
        assert out["status"] == {"verified": True, "status": item.verdict is Verdict.REVOKED}


def test_a_tampered_endorsement_fails_there(example: tuple[Registry, list[Any]]) -> None:
    registry, items = example
    original = items[0].found.document
    assert original["credentialSubject"]["endorsementKind"] != "endorses"
    for field, value in (("endorsementKind", "endorses"), ("endorsementScope", "every role")):
        forged = copy.deepcopy(original)
        forged["credentialSubject"][field] = value
        out = _digital_bazaar(forged, registry)
        assert out["verified"] is False
        assert all(p["verified"] is False for p in out["proofs"])


def test_every_status_list_verifies_there_by_each_proof(example: tuple[Registry, list[Any]]) -> None:
    """Endorsers' lists and issuers' (which hold the endorsements issuers give): checkStatus takes a list whose
    proof set holds by *some* proof, so each list is verified here on its own, both its proofs."""
    registry, _ = example
    owners = [("endorsers", e) for e in registry.endorsers] + [("issuers", i) for i in registry.issuers]
    lists = [
        json.loads(path.read_text())
        for kind, owner in owners
        for path in sorted((registry.root / "registry" / kind / owner / "status").glob("*.json"))
    ]
    assert {s["id"].split("/")[-3] for s in lists if "/endorsers/" in s["id"]} == set(registry.endorsers)
    for status_list in lists:
        out = _digital_bazaar(status_list, registry)
        assert (out["error"], out["verified"]) == (None, True), status_list["id"]
        assert sorted((p["cryptosuite"], p["verified"]) for p in out["proofs"]) == [
            ("eddsa-jcs-2022", True),
            ("eddsa-rdfc-2022", True),
        ]
