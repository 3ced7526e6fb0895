"""Mutated awards and endorsements, each verified by ``credreg verify``'s code and by the page's in Node: the same
verdict, the same status on every check, the same headline (the rules of tests/site/test_differential.py).

The mutations are those a hostile or careless signer or host makes: a proof field changed, missing or duplicated,
an extra proof, an unknown cryptosuite, another proof purpose, a verification method of another issuer, of a
retired key or of no key; status entries pointing at another issuer's or an endorser's list, at a list that is not
there, at an index out of range or spelled otherwise; endorsements of the wrong target or with another body's list.
A mutation that changes signed content is signed again (by the issuer's key unless the case says otherwise), so
that the rule it probes is reached, not only the signature check.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from generator import layout
from generator._internal.source import SourceError, parse_json
from generator._internal.times import parse_time
from generator.awarding.issue import Recipient, issue_awards
from generator.awarding.keys import SigningKey, generate_key, load_signing_key
from generator.awarding.revoke import revocation_entry, revoke_award
from generator.awarding.signing import sign_document
from generator.awards import award_hash
from generator.check import run_check
from generator.endorsements import verify_endorsement
from generator.errors import CredregError
from generator.load import load_registry
from generator.publish.verifydata import write_verification_data
from generator.report import format_result
from generator.verify import Verifier
from tests.site.node_runner import NODE
from tests.site.test_differential import _compare
from tests.site.test_endorsements_js import ACME, BETA, CREDENTIAL, DC, NOW, OB, Corpus
from tests.site.test_verify_endorsement_js import Node as EndorsementNode
from tests.site.test_verify_endorsement_js import _cli, _page
from tests.site.test_verify_js import Node

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")

SIGNED = NOW - dt.timedelta(days=30)
RDFC = "eddsa-rdfc-2022"
Doc = dict[str, Any]


def _unsigned(doc: Doc) -> Doc:
    return {k: v for k, v in copy.deepcopy(doc).items() if k != "proof"}


class Mutations:
    """The corpus's registry with acme's awards (one revoked) and a retired second key, published."""

    def __init__(self, tmp: Path) -> None:
        self.c = Corpus(tmp)
        registry = self.c.registry
        start = NOW - dt.timedelta(days=200)
        generate_key(registry, ACME, key_id="k2", valid_from=start, private_path=tmp / "keys/k2.key", now=start)
        self.k2 = load_signing_key(tmp / "keys/k2.key", root=self.c.root)
        generate_key(registry, ACME, key_id="k3", valid_from=start, private_path=tmp / "keys/k3.key", now=start)
        self.k3 = load_signing_key(tmp / "keys/k3.key", root=self.c.root)
        key = self.c.keys[ACME]
        self.award, self.revoked = (
            issue_awards(registry, CREDENTIAL, [Recipient(email)], key, batch=False, valid_from=SIGNED)[0]
            for email in ("ada@example.org", "bob@example.org")
        )
        revoke_award(self.c.registry, self.revoked.hash, "Assessment irregularity", key, now=NOW - dt.timedelta(days=2))
        self.genuine = self.c.endorse("genuine")
        self.by_issuer = self.c.endorse("by-issuer", who=ACME, target=f"{BETA}/sql-basics")
        # k2 retired 60 days ago: an award it signed since is refused (and one it signed before stands).
        k2 = self.c.root / "keys" / ACME / "k2.json"
        retired = (NOW - dt.timedelta(days=60)).strftime("%Y-%m-%dT%H:%M:%SZ")
        k2.write_text(json.dumps({**json.loads(k2.read_text()), "valid_until": retired}, indent=2) + "\n")
        # k3 revoked (compromised) 50 days ago.
        k3 = self.c.root / "keys" / ACME / "k3.json"
        revoked = (NOW - dt.timedelta(days=50)).strftime("%Y-%m-%dT%H:%M:%SZ")
        k3.write_text(
            json.dumps({**json.loads(k3.read_text()), "revoked_at": revoked, "revocation_reason": "Leaked"}, indent=2)
            + "\n"
        )
        self.c.publish()
        self.registry = self.c.registry

    def did(self, who: str) -> str:
        return self.registry.endorser_did(who)

    def sign(self, doc: Doc, key: SigningKey | None = None, method: str | None = None, at: dt.datetime = SIGNED) -> Doc:
        key = key or self.c.keys[ACME]
        return sign_document(_unsigned(doc), key, method or f"{self.did(ACME)}#{key.key_id}", at)


@pytest.fixture(scope="module")
def m(tmp_path_factory: pytest.TempPathFactory) -> Mutations:
    return Mutations(tmp_path_factory.mktemp("mutations"))


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    runner = Node(tmp_path_factory.mktemp("mutations-node"))
    yield runner
    runner.close()


def _apply(target: dict[str, Any], change: dict[str, Any]) -> None:
    """``change``'s fields set in ``target`` (a value of None: the field removed)."""
    for name, value in change.items():
        if value is None:
            target.pop(name, None)
        else:
            target[name] = value


def _proof(doc: Doc, suite: str, **change: Any) -> Doc:
    """``doc`` with its proof of ``suite`` changed (a value of None: the field removed)."""
    out = copy.deepcopy(doc)
    for proof in out["proof"]:
        if proof["cryptosuite"] == suite:
            _apply(proof, change)
    return out


def _status(**change: Any) -> Callable[[Doc], Doc]:
    """The status entry changed; its ``id`` follows the list and index changed (the profile holds it to them), so
    what is asked is the list or index, unless the change names the id itself."""

    def mutate(doc: Doc) -> Doc:
        out = copy.deepcopy(doc)
        entry = out["credentialStatus"]
        _apply(entry, change)
        if "id" not in change and isinstance(entry, dict):
            entry["id"] = f"{entry.get('statusListCredential')}#{entry.get('statusListIndex')}"
        return out

    return mutate


def _award_cases(m: Mutations) -> dict[str, Doc]:
    award, revoked = m.award.award, m.revoked.award
    did = m.did(ACME)
    site = m.registry.site_url
    cases: dict[str, Doc] = {"published": award, "published revoked": revoked}
    for suite in ("eddsa-jcs-2022", "eddsa-rdfc-2022"):
        for field in ("type", "cryptosuite", "created", "verificationMethod", "proofPurpose", "proofValue"):
            cases[f"{suite}: {field} missing"] = _proof(award, suite, **{field: None})
        others = {
            "type": ["Ed25519Signature2020", ["DataIntegrityProof"]],
            "cryptosuite": ["eddsa-2022", "ecdsa-rdfc-2019", "EDDSA-JCS-2022"],
            "proofPurpose": ["authentication", "assertionmethod", ["assertionMethod"]],
            "verificationMethod": [
                f"{did}#k2", f"{m.did(DC)}#k1", f"{did}#nokey", did, "#k1", f"{did}#k1#k1", 5,
            ],
            "proofValue": ["z", "u" + award["proof"][0]["proofValue"][1:], 7],
            "previousProof": ["urn:uuid:1"],
            "@context": [["https://www.w3.org/ns/credentials/v2"], "https://example.org/other"],
            "id": ["urn:uuid:2f0c5a3e-0000-4000-8000-000000000001"],
            "expires": ["2020-01-01T00:00:00Z"],
        }  # fmt: skip
        for field, values in others.items():
            for value in values:
                cases[f"{suite}: {field} = {json.dumps(value)}"] = _proof(award, suite, **{field: value})
    proofs = award["proof"]
    cases["one proof duplicated"] = {**award, "proof": [*proofs, proofs[0]]}
    cases["the JCS proof twice, no RDFC"] = {
        **award,
        "proof": [p for p in proofs if p["cryptosuite"] == "eddsa-jcs-2022"] * 2,
    }
    cases["a third proof of an unknown suite"] = {**award, "proof": [*proofs, {**proofs[0], "cryptosuite": "x-2099"}]}
    cases["a third proof, not an object"] = {**award, "proof": [*proofs, "proof"]}
    cases["proof an object (the JCS one)"] = {
        **award,
        "proof": next(p for p in proofs if p["cryptosuite"] == "eddsa-jcs-2022"),
    }
    cases["proof empty"] = {**award, "proof": []}
    cases["a third proof by another body's key"] = {
        **award,
        "proof": [*proofs, *m.sign(award, m.c.keys[DC], f"{m.did(DC)}#k1")["proof"]],
    }
    # Signed again (by acme's k1 unless said): the rule reached is the one named.
    cases["signed by the retired k2 after it retired"] = m.sign(award, m.k2, at=NOW - dt.timedelta(days=10))
    cases["signed by k2 before it retired"] = m.sign(award, m.k2, at=NOW - dt.timedelta(days=100))
    cases["signed by the revoked k3 after its revocation"] = m.sign(award, m.k3, at=NOW - dt.timedelta(days=10))
    cases["signed by k3 before its revocation"] = m.sign(award, m.k3, at=NOW - dt.timedelta(days=100))
    cases["one proof by k1, one by the revoked k3"] = {
        **award,
        "proof": [
            next(p for p in award["proof"] if p["cryptosuite"] == RDFC),
            next(p for p in m.sign(award, m.k3, at=NOW - dt.timedelta(days=10))["proof"] if p["cryptosuite"] != RDFC),
        ],
    }
    cases["signed by another body's key, named as acme's k1"] = m.sign(award, m.c.keys[DC], f"{did}#k1")
    cases["signed by another body, under its own method"] = m.sign(award, m.c.keys[DC], f"{m.did(DC)}#k1")
    cases["signed by acme's key, naming beta as issuer"] = m.sign(
        {**award, "issuer": {**award["issuer"], "id": m.did(BETA)}}
    )
    cases["signed with a proof made for authentication"] = _proof(
        m.sign(award), "eddsa-jcs-2022", proofPurpose="authentication"
    )
    mine = award["credentialStatus"]["statusListCredential"]
    statuses: dict[str, Callable[[Doc], Doc]] = {
        "index out of range": _status(statusListIndex="99999999"),
        "index beyond the list": _status(statusListIndex="131072"),
        "index with a leading zero": _status(statusListIndex="0" + award["credentialStatus"]["statusListIndex"]),
        "index negative": _status(statusListIndex="-1"),
        "index a number": _status(statusListIndex=5),
        "index missing": _status(statusListIndex=None),
        "the revoked award's index": _status(statusListIndex=revoked["credentialStatus"]["statusListIndex"]),
        "list 2 (not published)": _status(statusListCredential=mine.replace("/status/1.json", "/status/2.json")),
        "beta's list": _status(statusListCredential=mine.replace(f"/{ACME}/", f"/{BETA}/")),
        "an endorser's list": _status(statusListCredential=f"{site}endorsers/{DC}/status/1.json"),
        "a list elsewhere": _status(statusListCredential="https://elsewhere.example/status/1.json"),
        "list 01": _status(statusListCredential=mine.replace("/status/1.json", "/status/01.json")),
        "purpose suspension": _status(statusPurpose="suspension"),
        "type another": _status(type="StatusList2021Entry"),
        "list URL a number": _status(statusListCredential=1),
    }
    for name, change in statuses.items():
        try:
            cases[f"status: {name}"] = m.sign(change(award))
        except CredregError:  # no RDFC proof can be made of it (a term its contexts do not define)
            cases[f"status: {name}, the old proofs"] = change(award)
    cases["status: none"] = m.sign({k: v for k, v in award.items() if k != "credentialStatus"})
    cases["status: a list of entries"] = m.sign({**award, "credentialStatus": [award["credentialStatus"]]})
    for suite in ("eddsa-jcs-2022", "eddsa-rdfc-2022"):
        cases[f"{suite}: an unknown field"] = _proof(award, suite, nonce="1")
        cases[f"{suite}: a method with a query"] = _proof(award, suite, verificationMethod=f"{did}?service=x#k1")
    # The id is random (version 4): a name-based one of the address confirms a guess, a time-based one dates
    # each award (models/award.py URN_UUID, policies.js URN_UUID).
    for version, made in {
        "name-based (5) of the address": uuid.uuid5(uuid.NAMESPACE_URL, "mailto:ada@example.org"),
        "name-based (3)": uuid.uuid3(uuid.NAMESPACE_DNS, "ada@example.org"),
        "time-based (1)": uuid.UUID("c232ab00-9414-11ec-b3c8-9f6bdeced846"),
        "time-based (7)": uuid.UUID("01890a5d-ac96-774b-bcce-b302099a8057"),
        "version 4, another variant": uuid.UUID("2f0c5a3e-0000-4000-c000-000000000001"),
        "random (4)": uuid.UUID("2f0c5a3e-0000-4000-b000-000000000001"),
    }.items():
        cases[f"id {version}"] = m.sign({**award, "id": f"urn:uuid:{made}"})
    cases["issuer a string"] = m.sign({**award, "issuer": did})
    cases["signed by k1 before its valid_from"] = m.sign(award, at=NOW - dt.timedelta(days=300))
    cases["signed by k1 in the future"] = m.sign(award, at=NOW + dt.timedelta(days=3))
    return cases


def _disagreements(m: Mutations, node: Node, cases: dict[str, Doc]) -> list[str]:
    verifier = Verifier(m.registry)
    found = []
    for name, doc in cases.items():
        python = verifier.verify(doc, now=NOW)
        js = node.ask(op="verify", root=f"{m.c.site}/", now=NOW.isoformat(), text=json.dumps(doc))
        try:
            assert js.get("kind") == "verified", js
            _compare(python, js, name)
        except AssertionError as exc:
            found.append(f"{name}: {str(exc)[:600]}")
    return found


def test_mutated_awards_get_the_same_verdict_in_python_and_in_the_page(m: Mutations, node: Node) -> None:
    cases = _award_cases(m)
    assert len(cases) > 70
    assert _disagreements(m, node, cases) == []
    # The corpus reaches what it says: the published awards are valid and revoked, and a proof by the retired key
    # after its retirement is refused where one before it is not.
    verdicts = {name: str(Verifier(m.registry).verify(doc, now=NOW).verdict) for name, doc in cases.items()}
    assert (verdicts["published"], verdicts["published revoked"]) == ("valid", "revoked")
    # acme's list, read for acme's award first, is not beta's: Python's cache of lists trusted it for an award
    # naming beta as its issuer (after acme's in one run), where the page did not.
    beta = Verifier(m.registry)
    beta.verify(cases["published"], now=NOW)
    named = beta.verify(cases["signed by acme's key, naming beta as issuer"], now=NOW)
    assert next(c for c in named.checks if c.id == "status").reason == (
        "the status list does not belong to this credential's issuer"
    )
    for digest in (m.award.hash, m.revoked.hash):
        js = node.ask(op="verify", root=f"{m.c.site}/", now=NOW.isoformat(), hash=digest)
        python = Verifier(m.registry).verify(m.award.award if digest == m.award.hash else m.revoked.award, now=NOW)
        assert js["verdict"] == str(python.verdict), js


@pytest.fixture(scope="module")
def enode(m: Mutations, tmp_path_factory: pytest.TempPathFactory) -> Iterator[EndorsementNode]:
    runner = EndorsementNode(tmp_path_factory.mktemp("mutations-endorsement-node"), m.c.site)
    yield runner
    runner.close()


def _endorsement_cases(m: Mutations) -> dict[str, tuple[Doc, str]]:
    """Name → (endorsement, who signs it again: "" for none)."""
    genuine, by_issuer = m.genuine, m.by_issuer
    site = m.registry.site_url
    subject = genuine["credentialSubject"]
    status = genuine["credentialStatus"]

    def changed(doc: Doc, where: str, **change: Any) -> Doc:
        out = copy.deepcopy(doc)
        target = out if where == "" else out[where]
        target.update(change)
        return out

    cases: dict[str, tuple[Doc, str]] = {
        "genuine": (genuine, ""),
        "an issuer's": (by_issuer, ""),
        "of an unknown credential": (changed(genuine, "credentialSubject", id=f"{site}credentials/x/y/"), DC),
        "of an unknown issuer": (changed(genuine, "credentialSubject", id="did:web:nobody.example"), DC),
        "of its signer's own credential": (changed(by_issuer, "credentialSubject", id=subject["id"]), ACME),
        "of its signer itself": (changed(by_issuer, "credentialSubject", id=m.did(ACME)), ACME),
        "of an endorser": (changed(genuine, "credentialSubject", id=m.did(OB)), DC),
        "id name-based (5)": (changed(genuine, "", id=f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, OB)}"), DC),
        "in another body's list": (
            changed(
                genuine,
                "credentialStatus",
                statusListCredential=f"{site}endorsers/{OB}/status/1.json",
                id=f"{site}endorsers/{OB}/status/1.json#{status['statusListIndex']}",
            ),
            DC,
        ),
        "in an issuer's list": (
            changed(
                genuine,
                "credentialStatus",
                statusListCredential=f"{site}issuers/{ACME}/status/1.json",
                id=f"{site}issuers/{ACME}/status/1.json#{status['statusListIndex']}",
            ),
            DC,
        ),
        "in its list 2 (not published)": (
            changed(
                genuine,
                "credentialStatus",
                statusListCredential=f"{site}endorsers/{DC}/status/2.json",
                id=f"{site}endorsers/{DC}/status/2.json#{status['statusListIndex']}",
            ),
            DC,
        ),
        "index beyond the list": (changed(genuine, "credentialStatus", statusListIndex="131072"), DC),
        "index far beyond the list": (changed(genuine, "credentialStatus", statusListIndex="99999999"), DC),
        "signed by the other body under its name": (genuine, OB),
        "an issuer's, signed by its retired key": (by_issuer, "k2"),
        "index with a leading zero": (
            changed(genuine, "credentialStatus", statusListIndex="0" + status["statusListIndex"]),
            DC,
        ),
        "its JCS proof twice": (
            {**genuine, "proof": [p for p in genuine["proof"] if p["cryptosuite"] == "eddsa-jcs-2022"] * 2},
            "",
        ),
        "a proof of an unknown suite": (
            {**genuine, "proof": [genuine["proof"][0], {**genuine["proof"][1], "cryptosuite": "x-2099"}]},
            "",
        ),
        "a proof made for authentication": (
            {**genuine, "proof": [genuine["proof"][0], {**genuine["proof"][1], "proofPurpose": "authentication"}]},
            "",
        ),
        "a proof without created": (
            {
                **genuine,
                "proof": [genuine["proof"][0], {k: v for k, v in genuine["proof"][1].items() if k != "created"}],
            },
            "",
        ),
        "three proofs": ({**genuine, "proof": [*genuine["proof"], genuine["proof"][0]]}, ""),
        "one proof": ({**genuine, "proof": genuine["proof"][0]}, ""),
        "of a credential of another registry": (
            changed(genuine, "credentialSubject", id="https://elsewhere.example/c/"),
            DC,
        ),
    }
    return cases


def test_mutated_endorsements_get_the_same_checks_in_python_and_in_the_page(
    m: Mutations, enode: EndorsementNode
) -> None:
    found = []
    for name, (doc, signer) in _endorsement_cases(m).items():
        if signer == "k2":
            doc = sign_document(_unsigned(doc), m.k2, f"{m.did(ACME)}#k2", NOW - dt.timedelta(days=10))
        elif signer:
            doc = sign_document(_unsigned(doc), m.c.keys[signer], f"{m.did(signer)}#k1", NOW - dt.timedelta(days=1))
        python = verify_endorsement(doc, m.registry, now=NOW)
        page = _page(enode.verify(text=json.dumps(doc)))
        if page != _cli(python):
            found.append(f"{name}: {page} != {_cli(python)}")

    assert found == []


def test_a_revocation_line_with_a_proof_that_does_not_verify_is_not_the_issuers_word_in_either(
    m: Mutations, node: Node, tmp_path: Path
) -> None:
    """An issuer's revocation line is read by its signature, each of its proofs holding (status.py vouching_line):
    a line whose eddsa-jcs-2022 proof holds beside an eddsa-rdfc-2022 proof that does not vouches for nothing in
    Python, where the page skipped the RDFC proof of a line on the site and gave the line's day and reason."""
    root, site = tmp_path / "root", tmp_path / "site"
    shutil.copytree(m.c.root, root)
    shutil.copytree(m.c.site, site)
    log = layout.revocations_path(root, ACME)
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    for line in lines:
        if line["award"] == m.revoked.hash:
            jcs = line["proof"]
            line["proof"] = [jcs, {**jcs, "cryptosuite": "eddsa-rdfc-2022"}]
    log.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    registry = load_registry(root).registry
    assert registry is not None
    write_verification_data(registry, site, now=NOW)
    python = Verifier(registry).verify(m.revoked.award, now=NOW)
    status = next(c for c in python.checks if c.id == "status")
    assert status.reason.startswith("revoked (the issuer's signed status list says so; the revocation's signature"), (
        status
    )
    for request in ({"hash": m.revoked.hash}, {"text": json.dumps(m.revoked.award)}):
        js = node.ask(op="verify", root=f"{site}/", now=NOW.isoformat(), **request)
        assert _compare(python, js, str(request)[:20]) is None
        assert js["checks"]["status"][1].startswith(status.reason.partition(": ")[0]), (js["checks"]["status"], status)


def test_a_status_lists_rdfc_proof_is_not_checked_by_the_page_the_one_deliberate_difference(
    m: Mutations, node: Node, tmp_path: Path
) -> None:
    """policies.js statusListBits: the page checks a list's eddsa-jcs-2022 proof, and of its eddsa-rdfc-2022 proof
    the key and time only (no RDF code for an award's verification). A list whose RDFC proof fails beside a valid
    JCS proof (only its issuer's key makes one; ``credreg check`` refuses it) leaves the status unknown in Python
    and "not revoked" on the page. Pinned here so that a change of either side is seen."""
    root, site = tmp_path / "root", tmp_path / "site"
    shutil.copytree(m.c.root, root)
    shutil.copytree(m.c.site, site)
    rel = f"issuers/{ACME}/status/1.json"
    listed = json.loads((site / rel).read_text(encoding="utf-8"))
    jcs = next(p for p in listed["proof"] if p["cryptosuite"] == "eddsa-jcs-2022")
    for proof in listed["proof"]:
        if proof["cryptosuite"] == "eddsa-rdfc-2022":
            proof["proofValue"] = jcs["proofValue"]
    for path in (root / "registry" / rel, site / rel):
        path.write_text(json.dumps(listed, indent=2) + "\n", encoding="utf-8")
    registry = load_registry(root).registry
    assert registry is not None
    python = Verifier(registry).verify(m.award.award, now=NOW)
    status = next(c for c in python.checks if c.id == "status")
    assert (str(status.status), status.reason.split(": ")[0]) == (
        "not checked",
        "the status list's signature does not verify",
    )
    js = node.ask(op="verify", root=f"{site}/", now=NOW.isoformat(), hash=m.award.hash)
    assert js["checks"]["status"] == ["passed", "not revoked (issuer's signed status list)"]


BADGE_RUNNER = r"""
import { createInterface } from "node:readline";
import { readFile } from "node:fs/promises";
import { checkEndorsement } from "./verify/endorsements.js";
import { SiteData } from "./verify/sitedata.js";

const root = process.argv[2];
const load = async (path, { binary = false } = {}) => {
  try { return binary ? new Uint8Array(await readFile(root + path)) : await readFile(root + path, "utf8"); }
  catch (error) { if (error.code === "ENOENT") return null; throw error; }
};
for await (const line of createInterface({ input: process.stdin })) {
  const req = JSON.parse(line);
  let reply;
  try {
    // A credential page's badge: the site's data, its public log (none here) checked last.
    const url = new URL(req.file, "https://site.test/");
    const doc = JSON.parse(await readFile(root + url.pathname.slice(1), "utf8"));
    reply = await checkEndorsement(doc, req.hash, url, new Date(req.now), new SiteData("https://site.test/", load));
  } catch (error) {
    reply = { kind: "error", error: String((error && error.stack) || error) };
  }
  process.stdout.write(JSON.stringify(reply) + "\n");
}
"""


def test_a_badges_verdict_with_the_log_is_endorsement_verdict_with_the_log_check(m: Mutations, tmp_path: Path) -> None:
    """The badge (checkEndorsement with the site, the log checked last) and endorsement_verdict of credreg verify's
    result with its log check: one verdict. endorsement_verdict read the first check that did not pass, so a
    registry without a public log (its log check not applicable) made every endorsement "unknown", where the
    badge said "valid" (it read only a failed log check)."""
    from generator.endorsements import endorsement_verdict
    from generator.transparency.commands import with_log_check
    from tests.site.node_runner import NodeRunner

    badge = NodeRunner(tmp_path / "badge", BADGE_RUNNER, f"{m.c.site}/")
    try:
        seen = set()
        for name in ("genuine", "by-issuer"):
            rel, doc = m.c.files[name]
            result = with_log_check(verify_endorsement(doc, m.registry, now=NOW), m.registry, None, doc,
                                    kind="endorsement")  # fmt: skip
            python = endorsement_verdict(result)
            page = badge.ask(file=rel.removeprefix("registry/"), hash=award_hash(doc), now=NOW.isoformat())
            assert (page["state"], page["reason"]) == python, (name, page, python)
            seen.add(python[0])
        assert seen == {"valid"}
    finally:
        badge.close()


def _resign_list(m: Mutations, key: SigningKey, method: str, at: dt.datetime, **change: Any) -> Callable[[Doc], Doc]:
    def mutate(listed: Doc) -> Doc:
        # Signed at its validFrom, as credreg signs a list (verify/status.py _times_problem): ``at``, unless changed.
        doc = {**_unsigned(listed), "validFrom": f"{at.astimezone(dt.UTC):%Y-%m-%dT%H:%M:%SZ}", **change}
        return sign_document(doc, key, method, parse_time(doc["validFrom"]) or at)

    return mutate


def _proofs_of_list(keep: Callable[[list[Doc]], list[Doc]]) -> Callable[[Doc], Doc]:
    return lambda listed: {**listed, "proof": keep(listed["proof"])}


_ACME_LIST = f"issuers/{ACME}/status/1.json"


def _copy_with_list(m: Mutations, dest: Path, mutate: Callable[[Doc], Doc] | None) -> tuple[Path, Path]:
    """The corpus's registry and site copied to ``dest``, acme's list 1 replaced by ``mutate``'s (in both)."""
    root, site = dest / "root", dest / "site"
    shutil.copytree(m.c.root, root)
    shutil.copytree(m.c.site, site)
    if mutate is not None:
        listed = json.loads((root / "registry" / _ACME_LIST).read_text(encoding="utf-8"))
        text = json.dumps(mutate(listed), indent=2) + "\n"
        for path in (root / "registry" / _ACME_LIST, site / _ACME_LIST):
            path.write_text(text, encoding="utf-8")
    return root, site


def test_status_lists_and_revocation_lines_signed_otherwise_are_read_alike(
    m: Mutations, node: Node, tmp_path: Path
) -> None:
    """The registry's own status list and revocation log, signed otherwise (by a retired key, another body's key,
    for another list or issuer, with a proof more or less), published: each award's status is read alike by
    credreg verify and the page, for the award given by hash and as a file."""
    did, site_url = m.did(ACME), m.registry.site_url
    k1, late = m.c.keys[ACME], NOW - dt.timedelta(days=1)
    list_changes: dict[str, Callable[[Doc], Doc]] = {
        "list signed by the retired k2 after it retired": _resign_list(m, m.k2, f"{did}#k2", late),
        "list signed by k2 before it retired": _resign_list(m, m.k2, f"{did}#k2", NOW - dt.timedelta(days=100)),
        "list signed by the revoked k3 after its revocation": _resign_list(m, m.k3, f"{did}#k3", late),
        "list signed by another body": _resign_list(m, m.c.keys[DC], f"{m.did(DC)}#k1", late),
        "list signed by another body, named as acme's": _resign_list(m, m.c.keys[DC], f"{did}#k1", late),
        "list of another id": _resign_list(m, k1, f"{did}#k1", late, id=f"{site_url}issuers/{ACME}/status/2.json"),
        "list of another issuer": _resign_list(m, k1, f"{did}#k1", late, issuer=m.did(BETA)),
        "list with a third proof of an unknown suite": _proofs_of_list(lambda p: [*p, {**p[0], "cryptosuite": "x"}]),
        "list with its JCS proof only": _proofs_of_list(lambda p: [q for q in p if q["cryptosuite"] != RDFC]),
        "list with its RDFC proof only": _proofs_of_list(lambda p: [q for q in p if q["cryptosuite"] == RDFC]),
        "list unsigned": lambda listed: _unsigned(listed),
    }

    def line(did_: str, key: SigningKey, **change: Any) -> Callable[[Doc], Doc]:
        def mutate(old: Doc) -> Doc:
            fields = {**old, **change}
            return revocation_entry(
                did_, fields["award"], fields["statusList"], fields["statusListIndex"], fields["reason"], key, late
            )

        return mutate

    line_changes: dict[str, Callable[[Doc], Doc | None]] = {
        "line signed by the retired k2 after it retired": line(did, m.k2),
        "line signed by the revoked k3 after its revocation": line(did, m.k3),
        "line signed by another body": line(m.did(DC), m.c.keys[DC]),
        "line signed by another body, named as acme's": lambda old: {
            **line(m.did(DC), m.c.keys[DC])(old),
            "proof": {**line(m.did(DC), m.c.keys[DC])(old)["proof"], "verificationMethod": f"{did}#k1"},
        },
        "line with another reason": lambda old: {**old, "reason": "Another"},
        "line of another award": line(did, k1, award=m.award.hash),
        "line signed again, another reason": line(did, k1, reason="Another"),
        "line removed": lambda old: None,
    }
    found = []
    for name in {**list_changes, **line_changes}:
        root, site = _copy_with_list(m, tmp_path / name, list_changes.get(name))
        if name not in list_changes:
            log = layout.revocations_path(root, ACME)
            lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
            changed = [line_changes[name](line) if line["award"] == m.revoked.hash else line for line in lines]
            log.write_text("".join(json.dumps(line) + "\n" for line in changed if line is not None), encoding="utf-8")
        registry = load_registry(root).registry
        assert registry is not None
        write_verification_data(registry, site, now=NOW)
        for issued in (m.award, m.revoked):
            python = Verifier(registry).verify(issued.award, now=NOW)
            for request in ({"hash": issued.hash}, {"text": json.dumps(issued.award)}):
                js = node.ask(op="verify", root=f"{site}/", now=NOW.isoformat(), **request)
                what = f"{name}, {'revoked' if issued is m.revoked else 'award'} by {next(iter(request))}"
                try:
                    _compare(python, js, what)
                    assert js["checks"]["status"][1] == next(c.reason for c in python.checks if c.id == "status")
                except AssertionError as exc:
                    found.append(f"{what}: {str(exc)[:400]}")

    assert found == []


def _stamp(at: dt.datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def _list_subject(m: Mutations, **change: Any) -> Callable[[Doc], Doc]:
    """Acme's list with its credentialSubject changed, signed again by acme's key."""

    def mutate(listed: Doc) -> Doc:
        unsigned = _unsigned(listed)
        unsigned["credentialSubject"] = {**unsigned["credentialSubject"], **change}
        at = parse_time(unsigned["validFrom"])  # signed at its validFrom, as credreg signs a list
        return sign_document(unsigned, m.c.keys[ACME], f"{m.did(ACME)}#k1", at or NOW - dt.timedelta(days=1))

    return mutate


def test_a_status_list_out_of_force_or_ill_formed_gives_no_status_in_either(
    m: Mutations, node: Node, tmp_path: Path
) -> None:
    """Bitstring Status List §3.2: a list that is not a valid credential yields no status. A list its issuer signed
    with an end already past, a start to come, dates that cannot be read, another purpose, or its end's IRI for a key
    (one statement with validUntil to an RDFC proof) was read all the same for an award's status, by credreg verify
    and the page ("not revoked"), while the list given on its own was not in force or not well-formed. Now the
    award's status is unknown, in the same words in both, a revocation the issuer's log signs still stands, and the
    full check refuses the list (at the clock's time: the dates lie on the same side of it as of NOW)."""
    did, k1, late = m.did(ACME), m.c.keys[ACME], NOW - dt.timedelta(days=1)
    past, future = _stamp(NOW - dt.timedelta(hours=1)), _stamp(NOW + dt.timedelta(days=3650))
    not_in_force, ill_formed = "the status list is not in force: ", "the status list is not well-formed: "
    cases: dict[str, tuple[Callable[[Doc], Doc], str]] = {
        "ended an hour ago": (_resign_list(m, k1, f"{did}#k1", late, validUntil=past), f"expired on {past}"),
        "starting in ten years": (
            _resign_list(m, k1, f"{did}#k1", late, validFrom=future),
            f"not valid before {future}",
        ),
        "an end that cannot be read": (
            _resign_list(m, k1, f"{did}#k1", late, validUntil="soon"),
            "its dates (validFrom, validUntil) cannot be read",
        ),
        "of another purpose": (
            _list_subject(m, statusPurpose="suspension"),
            "its statusPurpose must be revocation (the only purpose this registry's lists have)",
        ),
        "its end under its IRI": (
            _resign_list(m, k1, f"{did}#k1", late, **{"https://www.w3.org/2018/credentials#validUntil": past}),
            "one of its keys is an IRI or a JSON-LD keyword, not a term's name",
        ),
    }
    found = []
    for name, (mutate, words) in cases.items():
        root, site = _copy_with_list(m, tmp_path / name, mutate)
        registry = load_registry(root).registry
        assert registry is not None
        write_verification_data(registry, site, now=NOW)
        expected = not_in_force if "cannot be read" in words or " on " in words or "before" in words else ill_formed
        expected += words
        for issued, want in ((m.award, ["not checked", expected]), (m.revoked, None)):
            python = Verifier(registry).verify(issued.award, now=NOW)
            status = next(c for c in python.checks if c.id == "status")
            js = node.ask(op="verify", root=f"{site}/", now=NOW.isoformat(), hash=issued.hash)
            got = [str(status.status), status.reason]
            if want is None:  # the issuer's signed revocation line stands whatever its list says
                want = ["failed", got[1]] if got[1].startswith("revoked on ") else ["failed", "revoked on …"]
            if got != want or js["checks"]["status"] != want:
                found.append(f"{name}, {issued.hash[:8]}: python {got}, page {js['checks']['status']}, want {want}")
        refused = [p.message for p in run_check(root).problems.errors if p.location.path == f"registry/{_ACME_LIST}"]
        if not any(expected in message for message in refused):
            found.append(f"{name}: the full check says {refused}")
    assert found == []


def test_status_lists_given_on_their_own_signed_otherwise_are_checked_alike(m: Mutations, node: Node) -> None:
    """A status list given to the page on its own (policies.js statusListChecks, status.py verify_status_list),
    mutated: every check and its words alike."""
    listed = json.loads((m.c.root / "registry/issuers" / ACME / "status/1.json").read_text(encoding="utf-8"))
    did, k1, late = m.did(ACME), m.c.keys[ACME], NOW - dt.timedelta(days=1)
    proofs = listed["proof"]
    cases: dict[str, Doc] = {
        "genuine": listed,
        "signed by the retired k2 after it retired": _resign_list(m, m.k2, f"{did}#k2", late)(listed),
        "signed by another body": _resign_list(m, m.c.keys[DC], f"{m.did(DC)}#k1", late)(listed),
        "its RDFC proof only": {**listed, "proof": [p for p in proofs if p["cryptosuite"] == RDFC]},
        "its JCS proof only": {**listed, "proof": [p for p in proofs if p["cryptosuite"] != RDFC]},
        "a proof twice": {**listed, "proof": [*proofs, proofs[0]]},
        "a proof of an unknown suite": {**listed, "proof": [*proofs, {**proofs[0], "cryptosuite": "x"}]},
        "a proof made for authentication": {**listed, "proof": [{**proofs[0], "proofPurpose": "authentication"}]},
        "a proof without created": {
            **listed,
            "proof": [{k: v for k, v in p.items() if k != "created"} for p in proofs],
        },
        "of another issuer": _resign_list(m, k1, f"{did}#k1", late, issuer=m.did(BETA))(listed),
        "an endorser's id": _resign_list(
            m, k1, f"{did}#k1", late, id=f"{m.registry.site_url}endorsers/{DC}/status/1.json"
        )(listed),
    }
    found = []
    for name, doc in cases.items():
        python = Verifier(m.registry).verify(doc, now=NOW)
        js = node.ask(op="verify", root=f"{m.c.site}/", now=NOW.isoformat(), text=json.dumps(doc))
        want = {c.id: [str(c.status), c.reason] for c in python.checks}
        if js.get("kind") != "status list" or js["checks"] != want or js["verdict"] != str(python.verdict):
            found.append(f"{name}: {js.get('checks')} != {want}")
    assert found == []


def test_dates_of_awards_and_proofs_written_otherwise_are_read_alike(m: Mutations, node: Node) -> None:
    """Date-times as a signer may write them (offsets, fractions, other spellings), signed: read alike. An award
    of an issuer registered here is refused in every form but whole seconds in UTC, its proofs created at its
    validFrom (times.py PUBLISHED_TIME_PATTERN); another issuer's credential (did:key) may write any, and is read
    alike as well."""
    award = m.award.award
    cases: dict[str, Doc] = {}
    for value in (
        "2026-05-01T12:00:00+14:00", "2026-05-01T12:00:00-12:00", "2026-05-01T12:00:00.123456789Z",
        "2026-05-01t12:00:00z", "2026-05-01T12:00:00", "2026-02-29T00:00:00Z", "2026-05-01T24:00:00Z",
        "2026-05-01T23:59:60Z", "2026-05-01 12:00:00Z", "+2026-05-01T12:00:00Z", "2026-05-01T12:00:00+14:01",
        "2026-05-01T12:00:00.5Z", "2026-05-01T12:00:00+00:00",
    ):  # fmt: skip
        for field in ("validFrom", "validUntil"):
            try:
                cases[f"{field} {value}"] = m.sign({**award, field: value})
            except CredregError:
                cases[f"{field} {value}, the old proofs"] = {**award, field: value}
            cases[f"another issuer's {field} {value}"] = _foreign(**{field: value})
        cases[f"created {value}"] = _proof(award, "eddsa-jcs-2022", created=value)
    assert _disagreements(m, node, cases) == []
    verifier = Verifier(m.registry)
    for name, doc in cases.items():
        if not name.startswith("another"):
            assert str(verifier.verify(doc, now=NOW).verdict) == "invalid", name


def test_an_award_signed_at_another_time_than_its_valid_from_is_malformed_in_both(m: Mutations, node: Node) -> None:
    """A proof created at a time of its own (a signing clock's microseconds, an hour later) could order a batch's
    awards as they were signed, or carry a number: the registry signs an award at its validFrom, and each
    verifier refuses any other created with the same words."""
    award = m.award.award
    start = award["validFrom"]
    at = dt.datetime.fromisoformat(start)
    assert m.sign(award, at=at)["proof"][0]["created"] == start
    cases = {
        "signed a second later": m.sign(award, at=at + dt.timedelta(seconds=1)),
        "signed an hour later": m.sign(award, at=at + dt.timedelta(hours=1)),
        "one proof created otherwise": _proof(award, "eddsa-jcs-2022", created=start[:19] + ".000001Z"),
    }
    verifier = Verifier(m.registry)
    found = []
    for name, doc in cases.items():
        python = verifier.verify(doc, now=NOW)
        js = node.ask(op="verify", root=f"{m.c.site}/", now=NOW.isoformat(), text=json.dumps(doc))
        ours = next(c for c in python.checks if c.id == "structure")
        page = js["checks"]["structure"]
        if str(ours.status) != "failed" or "created: must be" not in ours.reason or page != ["failed", ours.reason]:
            found.append(f"{name}: credreg {ours.status} ({ours.reason}), page {page}")
    assert found == [], "\n".join(found)


def _foreign(identifier: list[Any] | None = None, *, signed: bool = True, **fields: Any) -> Doc:
    """A did:key issuer's credential (not registered here) whose subject's identifier is ``identifier``, with
    ``fields`` set (``{"credentialSubject.achievement.name": …}``: a dotted path)."""
    from generator.awarding.keys import SigningKey as Key
    from generator.crypto import ed25519
    from generator.crypto.multibase import did_key_from_public
    from tests.site.test_foreign_ob3 import SEED, onedtech_style_sample

    doc = _unsigned(onedtech_style_sample())
    if identifier is not None:
        doc["credentialSubject"] = {**doc["credentialSubject"], "identifier": identifier}
    for path, value in fields.items():
        *parents, last = path.split(".")
        target = doc
        for part in parents:
            target = target[part]
        target[last] = value
    if not signed:
        return doc
    did = did_key_from_public(ed25519.public_from_seed(SEED))
    method = f"{did}#{did.removeprefix('did:key:')}"
    at = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    try:
        return sign_document(doc, Key("x", "x", SEED), method, at)
    except CredregError:  # its contexts give the value no RDF: signed eddsa-jcs-2022 alone
        return sign_document(doc, Key("x", "x", SEED), method, at, ("eddsa-jcs-2022",))


def test_a_recipient_is_compared_only_by_an_identity_objects_own_json_types_alike(m: Mutations, node: Node) -> None:
    """An IdentityObject's ``hashed`` is a boolean and its ``identityHash`` and ``salt`` are strings (Open Badges
    3.0). Read by truthiness and by each language's text of a value, credreg said "awarded to" where the page
    said not (``"hashed": []`` is false in Python and true in JavaScript; ``"salt": true`` is "True" in one and
    "true" in the other), and a salt holding a lone surrogate crashed ``credreg verify --recipient`` (it has no
    UTF-8 to hash) where the page hashed U+FFFD in its place (now neither reads such a file). An identifier of
    other types is compared by neither: the recipient does not match."""
    import hashlib

    email = "ada@example.org"
    # Each salt that is not a string, with its text in Python and in JavaScript.
    salts = [(True, "True"), (True, "true"), (1, "1"), (1.5, "1.5"), (None, "None"), (None, "null")]
    salts += [(["x"], "['x']"), (["x"], '["x"]')]

    def digest(text: str) -> str:
        return "sha256$" + hashlib.sha256(text.encode()).hexdigest()

    def ident(**fields: Any) -> Doc:
        return {"type": "IdentityObject", "identityType": "emailAddress", **fields}

    refused: dict[str, Doc] = {
        **{f"hashed {json.dumps(v)}, plain": ident(hashed=v, identityHash=email) for v in ([], {}, 0, "", None)},
        **{
            f"hashed {json.dumps(v)}, hashed": ident(hashed=v, identityHash=digest(email))
            for v in ("true", "false", 1, [True], {"a": 1})
        },
        **{
            f"salt {json.dumps(v)} as {text!r}": ident(hashed=True, salt=v, identityHash=digest(email + text))
            for v, text in salts
        },
        "identityHash a list": ident(hashed=False, identityHash=[email]),
        "identityHash a number": ident(hashed=True, identityHash=5),
    }
    cases = {name: _foreign([value]) for name, value in refused.items()}
    cases["plain (matches)"] = _foreign([ident(hashed=False, identityHash=email)])
    cases["hashed, salted (matches)"] = _foreign([ident(hashed=True, salt="s", identityHash=digest(email + "s"))])
    # Not signable (no UTF-8, so no JCS text), and not JSON either reader takes: `credreg verify` refuses the file,
    # and the page the text, before any recipient is compared.
    lone = "\ud800"
    for text in ("\ufffd", ""):
        unread = json.dumps(_foreign([ident(hashed=True, salt=lone, identityHash=digest(email + text))], signed=False))
        with pytest.raises(SourceError, match="surrogate"):
            parse_json(unread, "award.json", strict=True)
        with pytest.raises(AssertionError, match="lone UTF-16 surrogate"):
            node.ask(op="verify", root=f"{m.c.site}/", now=NOW.isoformat(), text=unread, recipient=email)
    verifier = Verifier(m.registry)
    found = []
    for name, doc in cases.items():
        try:
            python = verifier.verify(doc, now=NOW, recipient=email)
        except Exception as exc:  # a traceback, where credreg verify must say why
            found.append(f"{name}: credreg raised {exc!r}")
            continue
        js = node.ask(op="verify", root=f"{m.c.site}/", now=NOW.isoformat(), text=json.dumps(doc), recipient=email)
        ours = next(c for c in python.checks if c.id == "recipient")
        want = "passed" if name.endswith("(matches)") else "failed"
        if js.get("checks", {}).get("recipient") != [str(ours.status), ours.reason] or str(ours.status) != want:
            page = js.get("checks", js).get("recipient", js)
            found.append(f"{name}: credreg {ours.status} ({ours.reason}), page {page}")
    assert found == [], "\n".join(found)


def test_an_awarded_date_other_than_valid_from_is_malformed_in_both(m: Mutations, node: Node) -> None:
    """The page shows an award's ``awardedDate`` ("Awarded", and the issue date it gives LinkedIn), which no check
    read: an issuer could sign one years before its key, or its credential, existed (the rules ``validFrom``
    obeys), and the page showed it. The registry writes the day it awards as both; any other is malformed, in
    ``credreg verify`` and on the page alike, with the same words."""
    award = m.award.award
    start = award["validFrom"]
    other = f"awardedDate: must be the award's validFrom ({start}): the registry awards on the day it is valid from"
    # Written otherwise, it is refused first for its form (times.py PUBLISHED_TIME_PATTERN: free digits).
    form = "awardedDate: must be whole seconds in UTC (YYYY-MM-DDThh:mm:ssZ), as the registry writes it"
    cases = {
        "awarded years before its key": (m.sign({**award, "awardedDate": "2015-01-01T00:00:00Z"}), other),
        "awarded a day after validFrom": (
            m.sign({**award, "awardedDate": (SIGNED + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")}),
            other,
        ),
        "awarded at validFrom, written otherwise": (
            m.sign({**award, "awardedDate": start.replace("Z", "+00:00")}),
            form,
        ),
    }
    verifier = Verifier(m.registry)
    found = []
    for name, (doc, want) in cases.items():
        python = verifier.verify(doc, now=NOW)
        js = node.ask(op="verify", root=f"{m.c.site}/", now=NOW.isoformat(), text=json.dumps(doc))
        ours = next(c for c in python.checks if c.id == "structure")
        page = js["checks"]["structure"]
        if str(ours.status) != "failed" or not ours.reason.startswith(want) or page != ["failed", ours.reason]:
            found.append(f"{name}: credreg {ours.status} ({ours.reason}), page {page}")
    assert found == [], "\n".join(found)
    # As issued, it passes.
    assert str(verifier.verify(award, now=NOW).verdict) == "valid"


def test_what_a_credential_says_it_is_is_read_alike(m: Mutations, node: Node) -> None:
    """The facts both verifiers show (the credential's name, its issuer's name, its dates) are read by one rule:
    text, and the achievement's name unless it is empty. credreg showed a name, an issuer's name or a date of
    any JSON type (a list's Python text) and fell back from an empty achievement name to the credential's,
    where the page showed text only, and an empty name as no name."""
    name = "credentialSubject.achievement.name"
    cases: dict[str, Doc] = {
        "achievement name empty": _foreign(**{name: ""}),
        "achievement name a list": _foreign(**{name: ["Teamwork", "Leadership"]}),
        "achievement name a number, the credential's a list": _foreign(**{name: 5, "name": ["A"]}),
        "issuer name a list": _foreign(**{"issuer.name": ["Example Corp"]}),
        "issuer name a number": _foreign(**{"issuer.name": 7}),
        "validUntil a list": _foreign(validUntil=["2011-01-01T00:00:00Z"]),
        "validFrom a number": _foreign(validFrom=2010, signed=False),
        "as issued": _foreign(),
        # Names as VC 2.0 and OB 3.0 let a file write them (value objects, with languages): every word, in both.
        "achievement name a value object": _foreign(**{name: {"@value": "Teamwork"}}),
        "achievement name in two languages": _foreign(
            **{name: [{"@value": "Teamwork", "@language": "en"}, {"@value": "Teamarbeit", "@language": "de"}]}
        ),
        "achievement name a value object with other keys": _foreign(**{name: {"@value": "T", "@type": "x"}}),
        "achievement name, a value object's language a number": _foreign(**{name: {"@value": "T", "@language": 5}}),
        "achievement name a list, one a value object": _foreign(**{name: ["Teamwork", {"@value": "Lead"}]}),
        "issuer name in a language, right to left": _foreign(
            **{"issuer.name": [{"@value": "Example Corp", "@language": "ar", "@direction": "rtl"}]}
        ),
        # A hostile file's words through a name in languages: its separators, brackets, quotes, controls, bidi and
        # zero-width characters, a key named __proto__, many values: the same words in both, byte for byte.
        "a name's values and tags holding the separators": _foreign(
            **{
                name: [
                    {"@value": "Northbridge University [en] / x", "@language": "en] / [de"},
                    {"@value": "'\"\n\r\t\x00\x1b[31m", "@language": "\u202e\u200b\u2066"},
                    {"@value": "rtl", "@direction": 5},
                ]
            }
        ),
        "a name's value object with a __proto__ key": _foreign(**{name: {"@value": "T", "__proto__": {"x": 1}}}),
        "a name of many values": _foreign(**{name: [{"@value": f"v{i}", "@language": "en"} for i in range(2000)]}),
        "an issuer's name, a value object in a list in a list": _foreign(**{"issuer.name": [[{"@value": "A"}]]}),
        "an issuer's name, an empty list": _foreign(**{"issuer.name": []}),
        # A registered issuer's DID with another name: named by the registry's name, in both (the file's quoted).
        "a registered issuer's DID, another name": m.sign(
            {**m.award.award, "issuer": {**m.award.award["issuer"], "name": "Northbridge University"}}
        ),
        "a registered issuer's DID, a name that is a list": m.sign(
            {**m.award.award, "issuer": {**m.award.award["issuer"], "name": ["Acme Academy"]}}
        ),
        "a registered issuer's award as issued": m.award.award,
        # Its credential renamed, by its own key: the registry's name for it is the one shown, in both.
        "a registered credential, another name": m.sign(
            {
                **m.award.award,
                "credentialSubject": {
                    **m.award.award["credentialSubject"],
                    "achievement": {**m.award.award["credentialSubject"]["achievement"], "name": "MSc Data Science"},
                },
            }
        ),
        "a registered credential, named in two languages": m.sign(
            {
                **m.award.award,
                "credentialSubject": {
                    **m.award.award["credentialSubject"],
                    "achievement": {
                        **m.award.award["credentialSubject"]["achievement"],
                        "name": [{"@value": "SQL Basics", "@language": "en"}, {"@value": "MSc", "@language": "fr"}],
                    },
                },
            }
        ),
    }
    verifier = Verifier(m.registry)
    found = []
    pairs = {"credential_name": "credentialName", "issuer_name": "issuerName", "registry_name": "registryName"}
    pairs["registry_credential_name"] = "registryCredentialName"
    pairs |= {"valid_from": "validFrom", "valid_until": "validUntil"}
    for case, doc in cases.items():
        python = verifier.verify(doc, now=NOW).facts
        page = node.ask(op="verify", root=f"{m.c.site}/", now=NOW.isoformat(), text=json.dumps(doc))["facts"]
        for ours, theirs in pairs.items():
            if python.get(ours) != page.get(theirs):
                found.append(f"{case}: {ours} {python.get(ours)!r} in credreg, {page.get(theirs)!r} on the page")
    assert found == [], "\n".join(found)
    shown = verifier.verify(cases["achievement name empty"], now=NOW).facts
    assert shown["credential_name"] == "Teamwork Badge"  # the credential's own name, when its achievement has none
    posing = verifier.verify(cases["a registered issuer's DID, another name"], now=NOW).facts
    assert (posing["registry_name"], posing["issuer_name"]) == ("Acme Academy", "Northbridge University")
    assert verifier.verify(cases["as issued"], now=NOW).facts["registry_name"] is None  # not registered here
    hostile = verifier.verify(cases["a name's values and tags holding the separators"], now=NOW)
    assert hostile.facts["credential_name"] == (
        "Northbridge University [en] / x [en] / [de] / '\"\n\r\t\x00\x1b[31m [\u202e\u200b\u2066] / rtl"
    )
    # credreg verify's terminal line writes each control, bidi and zero-width character out, as the page does.
    line = next(x for x in format_result(hostile).splitlines() if "Northbridge" in x)
    assert not any(c in line for c in "\n\r\t\x00\x1b\u202e\u200b\u2066"), line
    many = verifier.verify(cases["a name of many values"], now=NOW).facts["credential_name"]
    assert many.count(" / ") == 1999
    languages = verifier.verify(cases["achievement name in two languages"], now=NOW).facts
    assert languages["credential_name"] == "Teamwork [en] / Teamarbeit [de]"
    assert verifier.verify(cases["achievement name a value object"], now=NOW).facts["credential_name"] == "Teamwork"
    assert verifier.verify(cases["achievement name a list, one a value object"], now=NOW).facts["credential_name"] == (
        "Teamwork Badge"  # no name: the credential's own
    )
    both = verifier.verify(cases["a registered credential, named in two languages"], now=NOW).facts
    assert (both["registry_credential_name"], both["credential_name"]) == ("SQL Basics", "SQL Basics [en] / MSc [fr]")
    renamed = verifier.verify(cases["a registered credential, another name"], now=NOW).facts
    assert (renamed["registry_credential_name"], renamed["credential_name"]) == ("SQL Basics", "MSc Data Science")


def test_a_list_signed_by_a_clock_a_little_ahead_is_read_by_both_as_the_check_reads_it(
    m: Mutations, node: Node, tmp_path: Path
) -> None:
    """A list starts in force when it is signed. Its signer's clock may run ahead of the reader's by the skew the
    check allows (times.py CLOCK_SKEW): the check accepted a list starting two minutes ahead, while credreg verify and
    the page, reading strictly at their clock, called every award in it of unknown status until that minute came.
    Beyond the skew, the list is still not in force, in the same words in both."""
    did, k1, late = m.did(ACME), m.c.keys[ACME], NOW - dt.timedelta(days=1)
    genuine = Verifier(m.registry).verify(m.award.award, now=NOW)
    read = next(c for c in genuine.checks if c.id == "status")
    beyond = _stamp(NOW + dt.timedelta(minutes=5, seconds=1))
    cases = {
        "two minutes ahead": (_stamp(NOW + dt.timedelta(minutes=2)), [str(read.status), read.reason]),
        "five minutes ahead": (_stamp(NOW + dt.timedelta(minutes=5)), [str(read.status), read.reason]),
        "beyond the skew": (beyond, ["not checked", f"the status list is not in force: not valid before {beyond}"]),
    }
    found = []
    for name, (start, want) in cases.items():
        root, site = _copy_with_list(m, tmp_path / name, _resign_list(m, k1, f"{did}#k1", late, validFrom=start))
        registry = load_registry(root).registry
        assert registry is not None
        write_verification_data(registry, site, now=NOW)
        python = Verifier(registry).verify(m.award.award, now=NOW)
        status = next(c for c in python.checks if c.id == "status")
        js = node.ask(op="verify", root=f"{site}/", now=NOW.isoformat(), hash=m.award.hash)
        if [str(status.status), status.reason] != want or js["checks"]["status"] != want:
            found.append(f"{name}: python {[str(status.status), status.reason]}, page {js['checks']['status']}")
    assert read.status == "passed"
    assert found == []
