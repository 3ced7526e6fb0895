"""What another OB 3.0 / VC 2.0 tool sees of an award through the built site alone: Digital Bazaar's stack
(tests/node/verify-vc.mjs) resolving the issuer's ``did:web`` to the site's ``did.json`` by the did:web method's
rule, and loading the status list from the site's file at the list's URL. Nothing is fetched.

It pins what that tool reads of key history (docs/how-verification-works.md, "Other verifiers"): a rotated key
stays listed without ``expires``, so earlier awards verify there; a revoked key carries ``revoked`` as an XML
Schema dateTimeStamp, which Digital Bazaar's Data Integrity suites do not consult, so only this registry's
verifiers (which weigh the signing time) refuse an award signed after the revocation."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from generator.awarding.issue import Recipient, issue_awards
from generator.awarding.keys import generate_key, load_signing_key
from generator.awarding.revoke import revoke_award
from generator.awarding.signing import sign_document
from generator.load import load_registry
from generator.models.endorsement import ENDORSEMENT_CONTEXT_URL
from generator.publish.build import build_site
from generator.recognition import collect_recognition
from generator.verify import Verdict, verify_credential
from generator.verify.keys import method_id
from tests.conftest import EPOCH, FIXTURE_CONTEXTS, ISSUED, REPO, Signer, make_registry
from tests.interop.test_digital_bazaar import NODE_DIR, pytestmark  # noqa: F401 - the same skip
from tests.interop.test_endorsements_digital_bazaar import CONTEXT

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
KEY_FILE = "keys/acme-academy/key-1.json"
#: XML Schema 1.1 dateTimeStamp (a date-time with a required time zone), which CID 1.0 asks of ``revoked``.
DATE_TIME_STAMP = re.compile(r"-?\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")


def did_web_url(did: str) -> str:
    """The URL a did:web resolves to (did:web method §3.2): host (a port percent-encoded), then the path's
    segments, then ``did.json``; a DID with no path reads ``/.well-known/did.json``."""
    host, *path = did.removeprefix("did:web:").split(":")
    return f"https://{unquote(host)}/{'/'.join(path) if path else '.well-known'}/did.json"


def site_file(site: Path, site_url: str, url: str) -> Path:
    assert url.startswith(site_url), f"{url} is not served by the site {site_url}"
    return site / url.removeprefix(site_url)


def site_documents(site: Path, site_url: str, dids: list[str]) -> dict[str, Any]:
    """What a verifier loads, read from the built site: the DID documents at their did:web URLs (keyed by the
    DID, as a resolver hands them over) and every status list at its own ``id``."""
    index = json.loads((FIXTURE_CONTEXTS / "index.json").read_text())
    docs: dict[str, Any] = {url: json.loads((FIXTURE_CONTEXTS / f).read_text()) for url, f in index.items()}
    for did in dids:
        document = json.loads(site_file(site, site_url, did_web_url(did)).read_text())
        assert document["id"] == did  # did:web §3.2: a document whose id is not the DID resolved is refused
        docs[did] = document
    for path in site.glob("*/*/status/*.json"):
        status = json.loads(path.read_text())
        assert site_file(site, site_url, status["id"]) == path  # the list is served where its id says
        docs[status["id"]] = status
    return docs


def digital_bazaar(credentials: list[dict[str, Any]], documents: dict[str, Any]) -> list[dict[str, Any]]:
    payload = {"credentials": [{"credential": c} for c in credentials], "documents": documents}
    done = subprocess.run(
        ["node", str(NODE_DIR / "verify-vc.mjs")], input=json.dumps(payload), capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def both_proofs(outcome: dict[str, Any]) -> list[tuple[str, bool]]:
    # Every proof on its own: Digital Bazaar calls a proof set verified when *some* proof holds.
    return sorted((p["cryptosuite"], p["verified"]) for p in outcome["proofs"])


def set_key(signer: Signer, **fields: str) -> None:
    path = signer.root / KEY_FILE
    path.write_text(json.dumps({**json.loads(path.read_text()), **fields}))


def build(signer: Signer, tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    registry = signer.registry
    site = build_site(signer.root, tmp_path / "site", now=NOW).out
    did = registry.issuer_did("acme-academy")
    return site, site_documents(site, registry.site_url, [did])


VERIFIED = ["eddsa-jcs-2022", "eddsa-rdfc-2022"]


def test_an_award_and_its_status_list_verify_through_the_sites_files(signer: Signer, tmp_path: Path) -> None:
    issued = signer.award()
    _, docs = build(signer, tmp_path)
    [status_list] = [d for url, d in docs.items() if url.endswith("/status/1.json")]
    award, listed = digital_bazaar([issued.award, status_list], docs)
    assert (award["error"], award["verified"], award["status"]) == (None, True, {"verified": True, "status": False})
    assert both_proofs(award) == [(s, True) for s in VERIFIED]
    # The status list credential itself, each of its two proofs (checkStatus would accept one holding).
    assert (listed["error"], listed["verified"]) == (None, True)
    assert both_proofs(listed) == [(s, True) for s in VERIFIED]


def test_an_award_signed_before_its_key_was_rotated_verifies_there(signer: Signer, tmp_path: Path) -> None:
    old = signer.award(at=dt.datetime(2024, 6, 1, tzinfo=dt.UTC))
    set_key(signer, valid_until="2024-12-31T23:59:59Z")
    signer.new_key(since=dt.datetime(2024, 12, 1, tzinfo=dt.UTC))
    _, docs = build(signer, tmp_path)
    document = docs[signer.registry.issuer_did("acme-academy")]
    [retired] = [m for m in document["verificationMethod"] if m["id"].endswith("#key-1")]
    # Listed as usable: earlier proofs still hold (``expires`` would refuse them all there).
    assert "expires" not in retired
    assert "revoked" not in retired
    assert retired["id"] in document["assertionMethod"]
    [out] = digital_bazaar([old.award], docs)
    assert (out["verified"], out["status"]) == (True, {"verified": True, "status": False})
    assert both_proofs(out) == [(s, True) for s in VERIFIED]
    assert verify_credential(old.award, signer.registry, now=NOW).verdict is Verdict.VALID


def test_a_revoked_key_is_marked_in_cid_form_but_digital_bazaar_does_not_read_it(
    signer: Signer, tmp_path: Path
) -> None:
    """Digital Bazaar's DataIntegrityProof loads the method and checks the signature, never ``revoked`` (only
    jsonld-signatures' legacy LinkedDataSignature suites refuse a revoked method): an award signed after its key's
    revocation verifies there, and is refused here. Should their stack start reading ``revoked``, this test fails
    and docs/how-verification-works.md ("Other verifiers") must be brought up to date."""
    signer.award()  # before the revocation: the registry's list stays signed before it too
    status = signer.root / "registry/issuers/acme-academy/status/1.json"
    kept = status.read_bytes()
    late = signer.award(at=dt.datetime(2025, 6, 1, tzinfo=dt.UTC))
    # The registry would refuse to publish it (the check rejects it): it circulates only as the earner's copy.
    assert late.line is None
    late.path.unlink()
    status.write_bytes(kept)
    set_key(signer, revoked_at="2025-05-01T00:00:00Z", revocation_reason="key compromised")
    _, docs = build(signer, tmp_path)
    document = docs[signer.registry.issuer_did("acme-academy")]
    [revoked] = [m for m in document["verificationMethod"] if m["id"].endswith("#key-1")]
    assert revoked["revoked"] == "2025-05-01T00:00:00Z"
    assert DATE_TIME_STAMP.fullmatch(revoked["revoked"])
    assert "https://w3id.org/security/multikey/v1" in document["@context"]  # defines revoked as xsd:dateTime
    [out] = digital_bazaar([late.award], docs)
    assert out["verified"] is True
    assert both_proofs(out) == [(s, True) for s in VERIFIED]
    assert verify_credential(late.award, signer.registry, now=NOW).verdict is Verdict.INVALID


def test_did_web_urls() -> None:
    assert did_web_url("did:web:registry.test.example:issuers:acme") == (
        "https://registry.test.example/issuers/acme/did.json"
    )
    assert did_web_url("did:web:localhost%3A8443") == "https://localhost:8443/.well-known/did.json"


@pytest.mark.parametrize(
    "window", [{"validUntil": "2025-12-01T00:00:00Z"}, {"validFrom": "2999-01-01T00:00:00Z"}], ids=["expired", "future"]
)
def test_a_status_list_not_in_force_gives_no_status_there_as_here(
    signer: Signer, tmp_path: Path, window: dict[str, str]
) -> None:
    """Bitstring Status List §3.2 (readable_list): a list outside its own validity period yields no status.
    Digital Bazaar verifies the list as a credential at its own clock, so its status check fails and the award is
    not verified there, though both proofs hold."""
    issued = signer.award()
    revoke_award(
        signer.registry, issued.hash, "Issued in error", signer.key, now=dt.datetime(2025, 2, 1, tzinfo=dt.UTC)
    )
    _, docs = build(signer, tmp_path)
    path = signer.root / "registry/issuers/acme-academy/status/1.json"
    unsigned = {k: v for k, v in json.loads(path.read_text()).items() if k != "proof"} | window
    did = signer.registry.issuer_did("acme-academy")
    key = signer.key
    signed = sign_document(unsigned, key, method_id(did, key.key_id), dt.datetime(2025, 2, 1, tzinfo=dt.UTC))
    # As a copy served elsewhere (or a registry's list before its check refuses it: it publishes no such list).
    path.write_text(json.dumps(signed))
    docs[signed["id"]] = signed
    ours = verify_credential(issued.award, signer.registry, now=NOW)
    [out] = digital_bazaar([issued.award], docs)
    assert both_proofs(out) == [(s, True) for s in VERIFIED]
    assert out["verified"] is False
    assert out["status"] == {"verified": False, "status": None}
    # Here the award still reads as revoked, from the issuer's signed revocation entry (not from the list's bit):
    # both refuse it, neither as valid.
    assert ours.verdict is Verdict.REVOKED


def test_every_example_endorsement_verifies_through_the_sites_files(tmp_path: Path) -> None:
    """Endorsers resolve as issuers do (``did:web:…:endorsers:ID`` to ``endorsers/ID/did.json``), with their
    status lists served at their ids: every example endorsement verifies, revoked exactly when revoked here."""
    registry = load_registry(REPO).registry
    assert registry is not None
    site = build_site(REPO, tmp_path / "site", now=NOW).out
    dids = [registry.issuer_did(i) for i in registry.issuers] + [registry.endorser_did(e) for e in registry.endorsers]
    docs = site_documents(site, registry.site_url, dids) | {ENDORSEMENT_CONTEXT_URL: CONTEXT}
    assert any(url.startswith(f"{registry.site_url}endorsers/") for url in docs)
    items = collect_recognition(registry).endorsements
    outcomes = digital_bazaar([item.found.document for item in items], docs)
    for item, out in zip(items, outcomes, strict=True):
        assert (out["error"], out["verified"]) == (None, True), out
        assert both_proofs(out) == [(s, True) for s in VERIFIED]
        assert out["status"] == {"verified": True, "status": item.verdict is Verdict.REVOKED}


def test_a_site_at_a_port_and_under_a_folder_serves_each_did_where_it_resolves(tmp_path: Path) -> None:
    """A site at ``https://host:8443/reg/``: its issuers' DIDs hold the port percent-encoded and the folder as a
    path segment (did:web:host%3A8443:reg:issuers:…), and the build writes each DID document where a did:web
    resolver looks for that DID (the port's colon decoded, the segments joined by '/'); another tool verifies an
    award, its status list and the registry's own verdict agrees."""
    root = make_registry(tmp_path / "registry-root")
    governance = root / "registry/governance.yaml"
    site_url = "https://registry.test.example:8443/reg/"
    governance.write_text(governance.read_text().replace("https://registry.test.example/", site_url))
    (root / "keys/acme-academy/key-2025.json").unlink()
    registry = load_registry(root).registry
    assert registry is not None
    assert registry.site_url == site_url
    made = generate_key(registry, "acme-academy", key_id="key-1", now=EPOCH, private_path=tmp_path / "k" / "key-1.key")
    key = load_signing_key(made.private_path, root=root)
    registry = load_registry(root).registry
    assert registry is not None
    [issued] = issue_awards(
        registry, "acme-academy/sql-basics", [Recipient("ada@example.org")], key, batch=False, valid_from=ISSUED
    )
    did = registry.issuer_did("acme-academy")
    assert did == "did:web:registry.test.example%3A8443:reg:issuers:acme-academy"
    assert did_web_url(did) == f"{site_url}issuers/acme-academy/did.json"
    site = build_site(root, tmp_path / "site", now=NOW).out
    docs = site_documents(site, site_url, [did])
    assert [m["id"] for m in docs[did]["verificationMethod"]] == [f"{did}#key-1"]
    [out] = digital_bazaar([issued.award], docs)
    assert (out["error"], out["verified"]) == (None, True)
    assert both_proofs(out) == [(s, True) for s in VERIFIED]
    assert verify_credential(issued.award, registry, now=NOW).verdict is Verdict.VALID
