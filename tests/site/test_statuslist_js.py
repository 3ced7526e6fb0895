"""A status list given on its own gets the same verdict, headline and checks from ``credreg verify`` (Python,
generator/verify/status.py verify_status_list) and from the verification page (policies.js statusListChecks, in
Node over the site the build publishes).

The corpus: an issuer's genuine list; its list with another bitstring put in; each of its two proofs altered;
signed by another registered issuer's key; signed by the issuer's retired key and by its revoked key, each after
its window closed; its id another issuer's list, or no list address of this registry; a list of an issuer not
registered here; a subject that is not a revocation list; an encodedList that does not decode; no proof; a
genuine list out of force, and one whose signed end date is renamed to its IRI (its RDFC proof alone holds); and
a registered endorser's list, genuine, signed by an issuer's key and changed, and a list of an endorser not
registered here.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.awarding.issue import Recipient, issue_awards
from generator.awarding.keys import SigningKey, generate_key, load_signing_key
from generator.awarding.signing import sign_document
from generator.crypto import ed25519
from generator.crypto.dataintegrity import CRYPTOSUITES, JCS, RDFC
from generator.load import load_registry
from generator.publish.verifydata import keys_document
from generator.statuslist import encode_list, new_bitstring, set_bit, status_list_credential
from generator.verify import Verifier
from tests.conftest import EPOCH, make_registry
from tests.governance.conftest import _second_issuer
from tests.site.node_runner import NODE, NodeRunner
from tests.site.test_verify_js import publish
from tests.test_endorsements import add_endorser

NOW = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
SIGNED = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)
ACME, BETA, COUNCIL = "acme-academy", "beta-labs", "data-council"

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")

RUNNER = r"""
import { createInterface } from "node:readline";
import { readFile } from "node:fs/promises";
import { SiteData } from "./verify/sitedata.js";
import { headlineOf, isAuthentic, verdictOf } from "./verify/results.js";
import { Verifier, parseAwardJSON } from "./verify/verifier.js";

const sites = new Map();

async function handle(req) {
  if (!sites.has(req.root)) {
    const load = async (path, { binary = false } = {}) => {
      try { return binary ? new Uint8Array(await readFile(req.root + path)) : await readFile(req.root + path, "utf8"); }
      catch (error) { if (error.code === "ENOENT") return null; throw error; }
    };
    sites.set(req.root, new SiteData("https://site.test/", load));
  }
  const verifier = new Verifier(sites.get(req.root), () => new Date(req.now));
  const outcome = await verifier.byDocument(parseAwardJSON(req.text));
  if (outcome.kind !== "status list") return { kind: outcome.kind };
  return {
    kind: outcome.kind,
    verdict: verdictOf(outcome.checks),
    authentic: isAuthentic(outcome.checks),
    headline: headlineOf(outcome.checks, outcome.subject),
    hash: outcome.hash,
    facts: outcome.facts,
    checks: outcome.checks.map((c) => [c.id, c.status, c.reason]),
  };
}

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  let reply;
  try { reply = await handle(JSON.parse(line)); }
  catch (error) { reply = { kind: "error", error: String(error && error.stack || error) }; }
  process.stdout.write(JSON.stringify(reply) + "\n");
}
"""


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NodeRunner]:
    runner = NodeRunner(tmp_path_factory.mktemp("statuslist-js"), RUNNER)
    yield runner
    runner.close()


def _key(root: Path, key_dir: Path, issuer: str, key_id: str, **change: str) -> SigningKey:
    registry = load_registry(root).registry
    assert registry is not None
    made = generate_key(registry, issuer, key_id=key_id, now=EPOCH, private_path=key_dir / f"{issuer}-{key_id}.key")
    if change:
        path = root / "keys" / issuer / f"{key_id}.json"
        path.write_text(json.dumps(json.loads(path.read_text()) | change, indent=2) + "\n")
    return load_signing_key(made.private_path, root=root)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("statuslists")
    root = make_registry(tmp / "registry-root")
    (root / "keys" / ACME / "key-2025.json").unlink()  # the fixture's sample key has no private half here
    _second_issuer(root)
    keys = tmp / "private-keys"
    acme = _key(root, keys, ACME, "key-1")
    beta = _key(root, keys, BETA, "key-1")
    retired = _key(root, keys, ACME, "key-0", valid_until="2024-06-30T00:00:00Z")
    stolen = _key(root, keys, ACME, "key-stolen", revoked_at="2025-02-01T00:00:00Z", revocation_reason="Stolen")
    add_endorser(root, COUNCIL, "Data Council")
    council = _key(root, keys, COUNCIL, "k1")
    loaded = load_registry(root)
    assert not loaded.problems.errors, [str(p) for p in loaded.problems]
    registry = loaded.registry
    assert registry is not None
    site = publish(registry, tmp / "site")
    # What the build publishes of an endorser for the page: its keys (verify/endorsements.json names it).
    (site / "endorsers" / COUNCIL).mkdir(parents=True)
    (site / "endorsers" / COUNCIL / "keys.json").write_text(json.dumps(keys_document(registry, COUNCIL)))
    acme_did, beta_did, council_did = (
        registry.issuer_did(ACME),
        registry.issuer_did(BETA),
        registry.endorser_did(COUNCIL),
    )
    council_list = registry.site_url + f"endorsers/{COUNCIL}/status/1.json"

    def unsigned(
        url: str = registry.status_list_url(ACME, 1), did: str = acme_did, bits: bytes | None = None
    ) -> dict[str, Any]:
        return status_list_credential(
            list_url=url, issuer_did=did, bitstring=bits or new_bitstring(), valid_from=SIGNED
        )

    def signed(
        doc: dict[str, Any],
        key: SigningKey = acme,
        did: str = acme_did,
        suites: tuple[str, ...] = CRYPTOSUITES,
        at: dt.datetime = SIGNED,
    ) -> dict[str, Any]:
        return sign_document(doc, key, f"{did}#{key.key_id}", at, suites)

    genuine = signed(unsigned())
    revoked_bits = new_bitstring()
    set_bit(revoked_bits, 5)
    tampered = copy.deepcopy(genuine)
    tampered["credentialSubject"]["encodedList"] = encode_list(revoked_bits)
    malformed = unsigned()
    malformed["credentialSubject"]["type"] = "StatusList2021"
    undecodable = unsigned()
    undecodable["credentialSubject"]["encodedList"] = encode_list(bytes(1024))  # fewer entries than the minimum
    nobody = registry.site_url + "issuers/nobody/status/1.json"
    stranger = SigningKey("nobody", "key-1", ed25519.generate_seed())
    expired = unsigned() | {"validUntil": "2026-01-01T00:00:00Z"}
    future = unsigned() | {"validFrom": "2027-01-01T00:00:00Z"}

    def altered(suite: str) -> dict[str, Any]:
        doc = copy.deepcopy(genuine)
        proof = next(p for p in doc["proof"] if p["cryptosuite"] == suite)
        proof["proofValue"] = proof["proofValue"][:-3] + ("abc" if proof["proofValue"][-3:] != "abc" else "abd")
        return doc

    # Signed with only its RDFC proof, which signs the RDF: its end date's key renamed to the term's IRI is the
    # same statement, so the proof still verified, and the list was read as having no end (in force).
    renamed = signed(expired, suites=(RDFC,))
    renamed["https://www.w3.org/2018/credentials#validUntil"] = {
        "@value": renamed.pop("validUntil"),
        "@type": "http://www.w3.org/2001/XMLSchema#dateTime",
    }

    cases = {
        "genuine": genuine,
        "genuine, its RDFC proof only": signed(unsigned(), suites=(RDFC,)),
        "its RDFC proof only, its end date's key renamed to its IRI": renamed,
        # The page canonicalizes a given list's RDF, as Python does: each proof is checked, not only the JCS one.
        "altered RDFC proofValue": altered(RDFC),
        "altered JCS proofValue": altered(JCS),
        "genuine, a bit set": signed(unsigned(bits=bytes(revoked_bits))),
        "tampered encodedList": tampered,
        "signed by another issuer's key": signed(unsigned(), beta, beta_did),
        "signed by the issuer's retired key, after it was retired": signed(unsigned(), retired),
        "signed by the issuer's revoked key, after it was revoked": signed(unsigned(), stolen),
        "id of another issuer's list": signed(unsigned(url=registry.status_list_url(BETA, 1))),
        "id of no list of this registry": signed(unsigned(url=registry.site_url + "elsewhere/1.json")),
        "issuer not registered": signed(unsigned(url=nobody, did=acme_did.replace(ACME, "nobody")), stranger),
        "issuer not registered, signed by a registered issuer's key": signed(
            unsigned(url=nobody, did=acme_did.replace(ACME, "nobody"))
        ),
        # (Its subject's type is no term of the VC context: RDF cannot sign it, so only its JCS proof is made.)
        "malformed subject": signed(malformed, suites=(JCS,)),
        "encodedList that does not decode": signed(undecodable),
        "no proof": unsigned(),
        "an endorser's genuine list": signed(unsigned(url=council_list, did=council_did), council, council_did),
        "an endorser's list signed by an issuer's key": signed(unsigned(url=council_list, did=council_did)),
        # Its validFrom and the proofs' created moved together (each proof is created at validFrom).
        "an endorser's list, tampered": _moved(
            signed(unsigned(url=council_list, did=council_did), council, council_did), "2024-06-01T00:00:00Z"
        ),
        "a list of an endorser not registered": signed(
            unsigned(url=council_list.replace(COUNCIL, "nobody"), did=council_did.replace(COUNCIL, "nobody")),
            council,
            council_did.replace(COUNCIL, "nobody"),
        ),
        "expired": signed(expired),
        # Signed at its validFrom, as credreg signs a list: in the future.
        "not yet valid": signed(future, at=dt.datetime(2027, 1, 1, tzinfo=dt.UTC)),
        # The one published form of a time (times.py PUBLISHED_TIME_PATTERN): free digits are refused, signed or
        # not, and each proof is created at the list's validFrom (credreg signs a list when it writes it).
        "validFrom with a fraction": signed(unsigned() | {"validFrom": "2025-03-01T00:00:00.123Z"}),
        "validFrom in +01:00": signed(unsigned() | {"validFrom": "2025-03-01T01:00:00+01:00"}),
        "validUntil with a fraction": signed(unsigned() | {"validUntil": "2099-01-01T00:00:00.5Z"}),
        "signed a second after its validFrom": signed(unsigned(), at=SIGNED + dt.timedelta(seconds=1)),
        "signed at its validFrom with a fraction": _moved(signed(unsigned()), "2025-03-01T00:00:00.000Z", True),
    }
    return {"registry": registry, "site": site, "cases": cases}


def _moved(doc: dict[str, Any], when: str, proofs_only: bool = False) -> dict[str, Any]:
    """``doc`` with its validFrom (unless ``proofs_only``) and each proof's created set to ``when``, after signing."""
    doc = copy.deepcopy(doc)
    if not proofs_only:
        doc["validFrom"] = when
    for proof in doc["proof"]:
        proof["created"] = when
    return doc


def _js(node: NodeRunner, site: Path, doc: dict[str, Any]) -> dict[str, Any]:
    return node.ask(root=f"{site}/", now=NOW.isoformat(), text=json.dumps(doc))


EXPECTED = {
    "genuine": ("valid", "status list", ""),
    "genuine, its RDFC proof only": ("valid", "status list", ""),
    "its RDFC proof only, its end date's key renamed to its IRI": (
        "invalid",
        "status list not genuine",
        "it is not well-formed",
    ),
    "genuine, a bit set": ("valid", "status list", ""),
    "tampered encodedList": ("invalid", "status list not genuine", "it was changed after its issuer signed it"),
    "altered RDFC proofValue": ("invalid", "status list not genuine", "it was changed after its issuer signed it"),
    "altered JCS proofValue": ("invalid", "status list not genuine", "it was changed after its issuer signed it"),
    "signed by another issuer's key": (
        "invalid",
        "status list not genuine",
        "it is not signed by a key its issuer registered",
    ),
    "signed by the issuer's retired key, after it was retired": (
        "invalid",
        "status list not genuine",
        "its signing key was not in force when it signed",
    ),
    "signed by the issuer's revoked key, after it was revoked": (
        "invalid",
        "status list not genuine",
        "it was signed with a key its issuer had revoked",
    ),
    "id of another issuer's list": (
        "invalid",
        "status list not genuine",
        "it is not a status list of an owner registered here",
    ),
    "id of no list of this registry": (
        "invalid",
        "status list not genuine",
        "it is not a status list of an owner registered here",
    ),
    "issuer not registered": (
        "invalid",
        "status list not genuine",
        "it is not a status list of an owner registered here",
    ),
    "issuer not registered, signed by a registered issuer's key": (
        "invalid",
        "status list not genuine",
        "it is not a status list of an owner registered here",
    ),
    "malformed subject": ("invalid", "status list not genuine", "it is not well-formed"),
    "encodedList that does not decode": ("invalid", "status list not genuine", "it is not well-formed"),
    "no proof": ("invalid", "status list not genuine", "it is not signed"),
    "an endorser's genuine list": ("valid", "status list", "A genuine status list of a registered endorser"),
    "an endorser's list signed by an issuer's key": (
        "invalid",
        "status list not genuine",
        "it is not signed by a key its endorser registered",
    ),
    "an endorser's list, tampered": (
        "invalid",
        "status list not genuine",
        "it was changed after its endorser signed it",
    ),
    "a list of an endorser not registered": (
        "invalid",
        "status list not genuine",
        "it is not a status list of an owner registered here",
    ),
    "expired": ("expired", "status list not in force", "it expired on 1 January 2026"),
    "not yet valid": ("not yet valid", "status list not in force", "it comes into force on 1 January 2027"),
    "validFrom with a fraction": ("invalid", "status list not genuine", "it is not well-formed"),
    "validFrom in +01:00": ("invalid", "status list not genuine", "it is not well-formed"),
    "validUntil with a fraction": ("invalid", "status list not genuine", "it is not well-formed"),
    "signed a second after its validFrom": ("invalid", "status list not genuine", "it is not well-formed"),
    "signed at its validFrom with a fraction": ("invalid", "status list not genuine", "it is not well-formed"),
}

#: The words of the structure check, for the time cases (status.py _structure, policies.js statusListStructure).
TIME_WORDS = {
    "validFrom with a fraction": "validFrom: must be whole seconds in UTC (YYYY-MM-DDThh:mm:ssZ)",
    "validFrom in +01:00": "validFrom: must be whole seconds in UTC (YYYY-MM-DDThh:mm:ssZ)",
    "validUntil with a fraction": "validUntil: must be whole seconds in UTC (YYYY-MM-DDThh:mm:ssZ)",
    "signed a second after its validFrom": "proof.0.created: must be the status list's validFrom (2025-03-01T00:00:00Z",
    "signed at its validFrom with a fraction": "proof.0.created: must be whole seconds in UTC",
}


def test_python_and_the_page_give_a_status_list_the_same_verdict_headline_and_checks(
    node: NodeRunner, corpus: dict[str, Any]
) -> None:
    verifier = Verifier(corpus["registry"])
    assert set(corpus["cases"]) == set(EXPECTED)
    for name, doc in corpus["cases"].items():
        python = verifier.verify(doc, now=NOW)
        js = _js(node, corpus["site"], doc)
        assert js["kind"] == "status list", (name, js)
        lead = python.headline()
        verdict, kind, why = EXPECTED[name]
        assert (str(python.verdict), str(lead.kind)) == (verdict, kind), (name, python.as_dict())
        assert why in lead.text, (name, lead.text)
        assert js["verdict"] == verdict, (name, js)
        assert js["headline"] == {"kind": str(lead.kind), "text": lead.text}, name
        assert js["authentic"] == python.authentic, name
        # The same checks, in the same order, with the same outcome and the same words.
        assert js["checks"] == [[c.id, str(c.status), c.reason] for c in python.checks], name
        if name in TIME_WORDS:
            assert TIME_WORDS[name] in python.checks[0].reason, (name, python.checks[0].reason)
        assert js["hash"] is None
        assert "hash" not in python.as_dict(), name  # a status list has no award hash, in either


def test_the_headlines_say_what_it_is_and_whether_it_is_genuine(corpus: dict[str, Any]) -> None:
    verifier = Verifier(corpus["registry"])
    genuine = verifier.verify(corpus["cases"]["genuine"], now=NOW)
    assert genuine.headline().text == (
        "A genuine status list of a registered issuer (the registry's record of what it revoked): "
        "check an award or endorsement by its file, hash or link."
    )
    assert [(c.id, str(c.status)) for c in genuine.checks] == [
        ("structure", "passed"),
        ("list", "passed"),
        ("proof", "passed"),
        ("validity", "passed"),
    ]
    assert genuine.facts["registry_issuer"] == ACME
    tampered = verifier.verify(corpus["cases"]["tampered encodedList"], now=NOW)
    assert tampered.headline().text == "This status list is not genuine: it was changed after its issuer signed it."


def test_a_second_body_declaring_a_did_has_no_status_list_of_its_own_in_either(
    node: NodeRunner, tmp_path: Path
) -> None:
    # Two issuers (and two endorsers) declaring one DID, pushed past id.duplicate-did: the DID is the first's
    # (Registry.issuers_by_did, endorsers_by_did), for every reader. Python had read the second's list as its folder
    # owner's (and judged it by the first's keys); the page said its owner is not registered here.
    root = make_registry(tmp_path / "registry-root")
    (root / "keys" / ACME / "key-2025.json").unlink()
    _second_issuer(root)
    shared = "did:web:university.example:people"
    for issuer in (ACME, BETA):
        path = root / "registry/issuers" / issuer / "issuer.yaml"
        path.write_text(path.read_text(encoding="utf-8") + f"did: '{shared}'\n", "utf-8")
    add_endorser(root, COUNCIL, "Data Council")
    add_endorser(root, "other-body", "Other Body")
    for endorser in (COUNCIL, "other-body"):
        path = root / "registry/endorsers" / endorser / "endorser.yaml"
        path.write_text(path.read_text(encoding="utf-8") + "did: 'did:web:council.example'\n", "utf-8")
    keys = tmp_path / "private-keys"
    signers = {who: _key(root, keys, who, "k1") for who in (ACME, BETA, COUNCIL, "other-body")}
    loaded = load_registry(root)
    registry = loaded.registry
    assert registry is not None
    site = publish(registry, tmp_path / "site")
    for endorser in (COUNCIL, "other-body"):
        (site / "endorsers" / endorser).mkdir(parents=True)
        (site / "endorsers" / endorser / "keys.json").write_text(json.dumps(keys_document(registry, endorser)))
    verifier = Verifier(registry)
    for folder, who, did in (
        ("issuers", ACME, shared),
        ("issuers", BETA, shared),
        ("endorsers", COUNCIL, "did:web:council.example"),
        ("endorsers", "other-body", "did:web:council.example"),
    ):
        url = registry.site_url + f"{folder}/{who}/status/1.json"
        unsigned = status_list_credential(list_url=url, issuer_did=did, bitstring=new_bitstring(), valid_from=SIGNED)
        doc = sign_document(unsigned, signers[who], f"{did}#k1", SIGNED, CRYPTOSUITES)
        python = verifier.verify(doc, now=NOW)
        js = _js(node, site, doc)
        assert js["checks"] == [[c.id, str(c.status), c.reason] for c in python.checks], (who, python.checks, js)
        assert js["headline"] == {"kind": str(python.headline().kind), "text": python.headline().text}, who
        first = who in (ACME, COUNCIL)
        assert str(python.verdict) == ("valid" if first else "invalid"), (who, python.as_dict())
        if not first:
            whose = "an issuer" if folder == "issuers" else "an endorser"
            assert python.checks[1].reason == f"{who} is not {whose} registered here", python.checks


#: The harness's runner, answering for awards too (the page's Verifier.byDocument, whatever it verified).
AWARD_RUNNER = RUNNER.replace('if (outcome.kind !== "status list") return { kind: outcome.kind };', "").replace(
    "await verifier.byDocument(parseAwardJSON(req.text))",
    "await (req.hash ? verifier.byHash(req.hash) : verifier.byDocument(parseAwardJSON(req.text)))",
)


def test_an_award_filed_under_a_second_issuer_of_its_did_is_not_registered_in_either(tmp_path: Path) -> None:
    # beta-labs declared a DID and signed an award with it; acme-academy (first in folder order) then declared the
    # same DID (id.duplicate-did, pushed past). The award's issuer is the DID's owner, acme-academy, for every reader
    # (Registry.issuers_by_did): Python looks for it among acme-academy's awards and says it is not registered; the
    # page found it by hash in beta-labs's shard entry, said "yes: published in this registry", and so passed its
    # eddsa-rdfc-2022 proof as checked by the build, though it does not verify under the owner's key.
    root = make_registry(tmp_path / "registry-root")
    (root / "keys" / ACME / "key-2025.json").unlink()
    _second_issuer(root)
    shared = "did:web:university.example:people"
    beta = root / "registry/issuers" / BETA / "issuer.yaml"
    beta.write_text(beta.read_text(encoding="utf-8") + f"did: '{shared}'\n", "utf-8")
    keys = tmp_path / "private-keys"
    _key(root, keys, ACME, "key-1")
    signer = _key(root, keys, BETA, "key-1")
    registry = load_registry(root).registry
    assert registry is not None
    [issued] = issue_awards(
        registry, f"{BETA}/sql-basics", [Recipient("a@example.org")], signer, batch=False, now=SIGNED
    )
    acme = root / "registry/issuers" / ACME / "issuer.yaml"
    acme.write_text(acme.read_text(encoding="utf-8") + f"did: '{shared}'\n", "utf-8")
    registry = load_registry(root).registry
    assert registry is not None
    site = publish(registry, tmp_path / "site")
    doc = json.loads(Path(issued.path).read_text(encoding="utf-8"))
    python = {c.id: c for c in Verifier(registry).verify(doc, now=NOW).checks}
    runner = NodeRunner(tmp_path / "node", AWARD_RUNNER)
    try:
        # The file given, and the page's lookup by hash (as `credreg verify HASH` finds the file, then verifies it).
        asked = [
            runner.ask(root=f"{site}/", now=NOW.isoformat(), text=json.dumps(doc), hash=h) for h in ("", issued.hash)
        ]
    finally:
        runner.close()
    for answer in asked:
        assert answer["kind"] == "verified", answer
        js = {c[0]: c for c in answer["checks"]}
        for check in ("registered", "proof:eddsa-rdfc-2022", "proof:eddsa-jcs-2022", "key", "issuer", "credential"):
            assert js[check][1] == str(python[check].status), (check, js[check], python[check])
    assert asked[1]["facts"]["registered"] is False
    by_hash = {c[0]: c for c in asked[1]["checks"]}["registered"][2]
    # One wording, in credreg verify and the page, for the file and the hash alike: the award is in the registry,
    # filed under the second issuer ("no award with this hash", from credreg verify and the page's file, hid that).
    by_file = {c[0]: c for c in asked[0]["checks"]}["registered"][2]
    assert python["registered"].reason == by_file == by_hash
    assert by_hash == (
        f"no: no award with this hash is in this registry under {ACME}, whose DID is its issuer's (it is filed under "
        f"{BETA}, which declares the same DID)"
    )
    assert str(python["registered"].status) == "failed"
    assert str(python["proof:eddsa-rdfc-2022"].status) == "failed"
