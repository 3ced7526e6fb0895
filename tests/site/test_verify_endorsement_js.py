"""The verification page's check of an endorsement (verifier.js ``byDocument``/``byHash`` → endorsements.js
``verifyEndorsement``) run in Node against ``credreg verify``'s (:func:`generator.endorsements.verify_endorsement`).

The corpus is the badges' (tests/site/test_endorsements_js.py: genuine, changed, revoked by an endorser and by an
issuer, expired, not yet in force, signed with a key its endorser had not registered, an issuer endorsing its own
credential, text with an unseen character…), published as the build publishes it. For each file given to the
page as a dropped file, and for each published one typed as a hash, the page's checks (ids, statuses and reasons,
in order) and its headline (subject ENDORSEMENT) equal the CLI's. Which documents are endorsements is one rule
(``is_endorsement``, the page's ``isEndorsement``).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from generator import layout
from generator.awarding.signing import sign_document
from generator.awards import award_hash
from generator.endorsements import (
    endorsement_verdict,
    find_endorsement,
    is_endorsement,
    revoke_endorsement,
    unsigned_endorsement,
    verify_endorsement,
)
from generator.models.endorsement import EndorsementKind
from generator.verify.results import VerificationResult
from tests.site.node_runner import NODE, NodeRunner
from tests.site.test_endorsements_js import (  # noqa: F401 (the corpus fixture)
    ACME,
    BETA,
    CREDENTIAL,
    DC,
    EXPECTED,
    NOW,
    Corpus,
    at_valid_from,
    corpus,
    taken_back,
    taken_back_reason,
)

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")

RUNNER = r"""
import { createInterface } from "node:readline";
import { readFile } from "node:fs/promises";
import { checkEndorsement, isEndorsement } from "./verify/endorsements.js";
import { namedKey } from "./verify/policies.js";
import { ENDORSEMENT, headlineOf } from "./verify/results.js";
import { SiteData } from "./verify/sitedata.js";
import { Verifier, parseAwardJSON } from "./verify/verifier.js";

const root = process.argv[2];
const load = async (path, { binary = false } = {}) => {
  try { return binary ? new Uint8Array(await readFile(root + "/" + path)) : await readFile(root + "/" + path, "utf8"); }
  catch (error) { if (error.code === "ENOENT") return null; throw error; }
};
// The badges' fetch() (a SiteData rooted at the site, as on a credential page): the published site, from disk.
globalThis.fetch = async (url) => {
  try {
    return new Response(await readFile(root + new URL(url).pathname)); // its bytes, as a server sends them
  } catch (error) {
    if (error.code === "ENOENT") return { ok: false, status: 404 };
    throw error;
  }
};

for await (const line of createInterface({ input: process.stdin })) {
  const req = JSON.parse(line);
  let reply;
  try {
    if (req.op === "is") reply = { is: isEndorsement(req.doc) };
    else if (req.op === "named") {
      const keys = JSON.parse(await readFile(`${root}/${req.keys}`, "utf8"));
      reply = { id: namedKey(keys.keys, keys.did, req.method)?.id ?? null };
    }
    else if (req.op === "badge") {
      const url = new URL(req.file, "https://site.test/");
      const doc = JSON.parse(await readFile(root + url.pathname, "utf8"));
      reply = await checkEndorsement(doc, req.hash, url, new Date(req.now));
    }
    else {
      const verifier = new Verifier(new SiteData("https://site.test/", load), () => new Date(req.now));
      const outcome = req.hash ? await verifier.byHash(req.hash) : await verifier.byDocument(parseAwardJSON(req.text));
      reply = { kind: outcome.kind, hash: outcome.hash ?? null };
      if (outcome.kind === "endorsement") {
        reply.endorserName = outcome.facts.endorserName ?? null;
        reply.checks = outcome.checks.map((c) => [c.id, c.label, c.status, c.reason]);
        reply.headline = headlineOf(outcome.checks, ENDORSEMENT);
      }
    }
  } catch (error) {
    reply = { kind: "error", error: String((error && error.stack) || error) };
  }
  process.stdout.write(JSON.stringify(reply) + "\n");
}
"""


class Node(NodeRunner):
    def __init__(self, workdir: Path, site: Path) -> None:
        super().__init__(workdir, RUNNER, str(site))

    def verify(self, **request: Any) -> dict[str, Any]:
        return self.ask(now=NOW.isoformat(), **request)


@pytest.fixture(scope="module")
def node(corpus: Corpus, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:  # noqa: F811
    runner = Node(tmp_path_factory.mktemp("verify-endorsement-node"), corpus.site)
    yield runner
    runner.close()


def _cli(result: VerificationResult) -> dict[str, Any]:
    """What ``credreg verify`` says: each check, and the headline."""
    headline = result.headline()
    return {
        "checks": [[c.id, c.label, c.status.value, c.reason] for c in result.checks],
        "headline": {"kind": str(headline.kind.value), "text": headline.text},
    }


def _page(reply: dict[str, Any]) -> dict[str, Any]:
    assert reply["kind"] == "endorsement", reply
    return {"checks": reply["checks"], "headline": reply["headline"]}


#: The badges' corpus, and what credreg verify's headline says of each (the mutations the page must tell apart).
HEADLINES = {
    "genuine": "valid",
    "tampered": "changed",
    "revoked": "revoked",
    "revoked-by-an-issuer": "revoked",
    "expired": "expired",
    "not-yet-valid": "not yet valid",
    "another-bodys-method": "key not registered",
    "own-credential": "not published here",
    "bidi-name": "malformed",
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_file_given_to_the_page_is_checked_as_credreg_verify_checks_it(
    corpus: Corpus,  # noqa: F811
    node: Node,
    name: str,
) -> None:
    _, doc = corpus.files[name]
    cli = _cli(verify_endorsement(doc, corpus.registry, now=NOW))
    assert _page(node.verify(text=json.dumps(doc))) == cli
    if name in HEADLINES:
        assert cli["headline"]["kind"] == HEADLINES[name], cli


def test_each_published_endorsement_typed_as_a_hash_is_found_and_checked_alike(
    corpus: Corpus,  # noqa: F811
    node: Node,
) -> None:
    registry = corpus.registry
    published = [name for name, (rel, _) in corpus.files.items() if find_endorsement(registry.root, rel[-69:-5])]
    assert {"genuine", "revoked", "revoked-by-an-issuer", "expired", "not-yet-valid"} <= set(published)
    for name in published:
        _, doc = corpus.files[name]
        digest = award_hash(doc)
        found = find_endorsement(registry.root, digest)
        assert found is not None
        reply = node.verify(hash=digest)
        result = verify_endorsement(found.document, registry, now=NOW)
        assert reply["hash"] == result.award_hash  # none for a file that does not fit the profile, on both
        assert _page(reply) == _cli(result), name
    # A hash neither an award nor an endorsement has: unknown, as credreg verify says.
    assert node.verify(hash="0" * 64)["kind"] == "unknown"


def test_a_published_endorsement_altered_on_the_server_is_changed(
    corpus: Corpus,  # noqa: F811
    node: Node,
    tmp_path: Path,
) -> None:
    _, doc = corpus.files["genuine"]
    digest = award_hash(doc)
    path = next(corpus.site.glob(f"*/*/endorsements/{digest}.json"))
    kept = path.read_bytes()
    altered = copy.deepcopy(doc)
    altered["credentialSubject"]["endorsementKind"] = "accredits"
    try:
        path.write_text(json.dumps(altered), encoding="utf-8")
        reply = Node(tmp_path, corpus.site).verify(hash=digest)  # a fresh page: none of the other files cached
        assert reply["checks"][0][:3] == ["hash", "Endorsement hash", "failed"]
        assert reply["headline"]["kind"] == "changed"
    finally:
        path.write_bytes(kept)


@pytest.mark.parametrize(
    "doc",
    [
        {"type": ["VerifiableCredential", "EndorsementCredential"]},
        {"type": ["EndorsementCredential"]},
        {"type": "EndorsementCredential"},  # not a list: Python's rule says no
        {"type": ["VerifiableCredential", "OpenBadgeCredential"]},
        {"type": [["EndorsementCredential"]]},
        {"@type": ["EndorsementCredential"]},
        {},
    ],
)
def test_which_documents_are_endorsements_is_one_rule(node: Node, doc: dict[str, Any]) -> None:
    assert node.ask(op="is", doc=doc)["is"] is is_endorsement(doc)


def test_a_malformed_endorsement_is_not_read_as_an_award(corpus: Corpus, node: Node) -> None:  # noqa: F811
    _, doc = corpus.files["genuine"]
    broken = {k: v for k, v in copy.deepcopy(doc).items() if k != "credentialSubject"}
    cli = _cli(verify_endorsement(broken, corpus.registry, now=NOW))
    assert _page(node.verify(text=json.dumps(broken))) == cli
    assert cli["headline"] == {
        "kind": "malformed",
        "text": "This file is not a well-formed endorsement, so what it says cannot be trusted.",
    }


@pytest.mark.parametrize(
    ("subject", "known"),
    [
        ("{site}credentials/acme-academy/sql-basics/", True),  # a credential of this registry
        ("{site}credentials/acme-academy/no-such-credential/", False),
        ("{site}credentials/acme-academy/sql-basics/extra/", False),
        ("{site}credentials/acme-academy/sql-basics", False),
        ("{site}credentials/acme-academy/sql-basics//", False),  # another spelling of the page, not its id
        ("{site}credentials/acme-academy/sql-basics//extra", False),
        ("{site}credentials/acme-academy/sql%2Dbasics/", False),  # percent-escapes: another id
        ("{site}credentials/Acme-Academy/sql-basics/", False),
        ("{site}credentials/acme-academy/sql-basics/?", False),
        ("{site}credentials/acme-academy/sql-basics/#", False),
        ("{site}credentials/acme-academy/./sql-basics/", False),
        ("{site}credentials/acme-academy/beta-labs/../sql-basics/", False),
        ("{site_upper}credentials/acme-academy/sql-basics/", False),
        ("{beta_upper}", False),
        ("{site}credentials/nobody/sql-basics/", False),
        ("https://other.test/credentials/acme-academy/sql-basics/", False),
        ("{beta}", True),  # an issuer of this registry, by its DID
        ("did:web:nowhere.test", False),
    ],
)
def test_what_an_endorsement_is_of_is_looked_up_alike(
    corpus: Corpus,  # noqa: F811
    node: Node,
    subject: str,
    known: bool,
) -> None:
    registry = corpus.registry
    _, genuine = corpus.files["genuine"]
    unsigned = {k: v for k, v in copy.deepcopy(genuine).items() if k != "proof"}
    beta = registry.issuer_did("beta-labs")
    site_upper = "https://" + registry.site_url.removeprefix("https://").upper()  # the host in capitals
    beta_upper = "did:web:" + beta.removeprefix("did:web:").upper()
    unsigned["credentialSubject"]["id"] = subject.format(
        site=registry.site_url, beta=beta, site_upper=site_upper, beta_upper=beta_upper
    )
    did = registry.endorser_did("data-council")
    signed = sign_document(unsigned, corpus.keys["data-council"], f"{did}#k1", at_valid_from(unsigned))
    cli = _cli(verify_endorsement(signed, registry, now=NOW))
    assert _page(node.verify(text=json.dumps(signed))) == cli
    # (Signed here, never added to the registry: not published here either way; the subject check tells them apart.)
    subject_check = next(check for check in cli["checks"] if check[0] == "subject")
    assert subject_check[2] == ("passed" if known else "failed"), cli


def test_a_badge_says_what_credreg_verify_says_of_an_endorsement_of_something_unknown(
    corpus: Corpus,  # noqa: F811
    node: Node,
) -> None:
    # The badges make the verification page's checks: an endorsement of no credential of this registry, genuinely
    # signed and filed in its endorser's folder, is not valid on a credential page either (it used to read "Valid").
    registry = corpus.registry
    _, genuine = corpus.files["genuine"]
    unsigned = {k: v for k, v in copy.deepcopy(genuine).items() if k != "proof"}
    unsigned["credentialSubject"]["id"] = registry.url("credentials/acme-academy/no-such-credential/")
    did = registry.endorser_did("data-council")
    signed = sign_document(unsigned, corpus.keys["data-council"], f"{did}#k1", at_valid_from(unsigned))
    digest = award_hash(signed)
    rel = f"endorsers/data-council/endorsements/{digest}.json"
    (corpus.site / rel).write_text(json.dumps(signed), encoding="utf-8")
    try:
        python = endorsement_verdict(verify_endorsement(signed, registry, now=NOW))
        assert python == ("invalid", f"{unsigned['credentialSubject']['id']} is unknown")
        reply = node.verify(op="badge", file=rel, hash=digest)
        assert (reply["state"], reply["reason"]) == python
    finally:
        (corpus.site / rel).unlink()


def test_an_unknown_hash_stays_unknown_on_a_site_built_before_endorsements_were_published(
    corpus: Corpus,  # noqa: F811
    tmp_path: Path,
) -> None:
    site = tmp_path / "site"
    shutil.copytree(corpus.site, site)
    (site / "verify" / "endorsements.json").unlink()
    runner = Node(tmp_path / "node", site)
    try:
        assert runner.verify(hash="0" * 64)["kind"] == "unknown"
    finally:
        runner.close()


def _page_says_the_same(tmp_path: Path, site: Path, doc: dict[str, Any], cli: dict[str, Any]) -> None:
    """The page's answer for ``doc`` dropped as a file and typed as a hash, each equal to ``credreg verify``'s."""
    runner = Node(tmp_path / "node", site)
    try:
        assert _page(runner.verify(text=json.dumps(doc))) == cli
        assert _page(runner.verify(hash=award_hash(doc))) == cli
    finally:
        runner.close()


@pytest.mark.parametrize("closed", ["valid_until", "revoked_at"])
def test_a_revoked_endorsement_is_not_made_valid_by_a_list_its_closed_key_signed(tmp_path: Path, closed: str) -> None:
    # Dropped or typed as a hash, on the verification page as in credreg verify: the list version signed after the
    # key was retired or revoked is not trusted, so its clear bit makes nothing valid.
    c, doc = taken_back(tmp_path / "corpus", closed)
    cli = _cli(verify_endorsement(doc, c.registry, now=NOW))
    status = next(check for check in cli["checks"] if check[0] == "status")
    assert status == ["status", "Not revoked", "not checked", taken_back_reason(closed)]
    assert cli["headline"]["kind"] != "valid"
    _page_says_the_same(tmp_path, c.site, doc, cli)


@pytest.mark.parametrize("closed", ["valid_until", "revoked_at"])
def test_an_endorsement_signed_while_its_key_was_in_force_stays_valid_once_the_key_is_closed_alike(
    tmp_path: Path, closed: str
) -> None:
    # A registered endorsement signed while its key was in force, the key retired or revoked (as compromised) since:
    # its proofs are judged by the key's window at their ``created``, as an award's are (policies.py key_problem),
    # so it stays "Valid: a genuine endorsement, in force." on the page as in credreg verify (what whoever holds the
    # key signs later, backdated, is the log's to refuse: tests/transparency/test_endorser_key_tampering.py).
    c = Corpus(tmp_path / "corpus")
    doc = c.endorse("signed-in-force")  # signed ten days before NOW
    c.close_key(DC, closed)
    c.publish()
    cli = _cli(verify_endorsement(doc, c.registry, now=NOW))
    assert cli["headline"]["kind"] == "valid", cli
    assert ["proof", "Signed by the endorser's registered key", "passed", "ok"] in cli["checks"], cli
    _page_says_the_same(tmp_path, c.site, doc, cli)


def test_an_endorser_s_list_out_of_its_own_validity_period_gives_no_status_alike(tmp_path: Path) -> None:
    # Bitstring Status List §3.2 (status.py readable_list, policies.js readableList): the endorser's list, signed by
    # its key in force but ended an hour ago, gave "not revoked" on both sides; the status is now unknown.
    from generator.endorsements import _list_path
    from generator.verify.keys import method_id

    c = Corpus(tmp_path / "corpus")
    doc = c.endorse("lapsed")
    located = _list_path(c.registry, doc["credentialStatus"]["statusListCredential"])
    assert located is not None
    listed = json.loads(located[2].read_text(encoding="utf-8"))
    ended = (NOW - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    unsigned = {k: v for k, v in listed.items() if k != "proof"} | {"validUntil": ended}
    key, did = c.keys[located[0]], c.registry.endorser_did(located[0])
    signed = sign_document(unsigned, key, method_id(did, key.key_id), at_valid_from(unsigned))
    located[2].write_text(json.dumps(signed), encoding="utf-8")
    c.publish()
    cli = _cli(verify_endorsement(doc, c.registry, now=NOW))
    status = next(check for check in cli["checks"] if check[0] == "status")
    assert status == ["status", "Not revoked", "not checked", f"the status list is not in force: expired on {ended}"]
    _page_says_the_same(tmp_path, c.site, doc, cli)


@pytest.mark.parametrize("closed", ["valid_until", "revoked_at"])
def test_an_issuer_s_logged_revocation_stands_on_the_page_when_its_list_is_not_trusted(
    tmp_path: Path, closed: str
) -> None:
    # The awards' rule (status.py status_outcome, policies.js statusOutcome): the issuer's signed log line says it
    # is revoked, with its day and reason, though the list its closed key signed since is not trusted.
    c, doc = taken_back(tmp_path / "corpus", closed, who="acme-academy")
    cli = _cli(verify_endorsement(doc, c.registry, now=NOW))
    status = next(check for check in cli["checks"] if check[0] == "status")
    assert status == [
        "status",
        "Not revoked",
        "failed",
        "revoked by the endorser on 2026-05-27 for this reason: 'Withdrawn'",
    ]
    assert cli["headline"]["kind"] == "revoked"
    _page_says_the_same(tmp_path, c.site, doc, cli)


def _spellings(registry: Any, multikey: str) -> dict[str, tuple[str, str]]:
    """Ways a proof may name the Data Council's key ``k1``, and the headline each gets: only the id the endorser's
    DID document gives the method (generator/publish/did.py: ``<DID>#<key id>``) names it; every other spelling
    names no method of that document, so an independent verifier, which dereferences it there, finds no key."""
    did = registry.endorser_did("data-council")
    host, _, rest = did.removeprefix("did:web:").partition(":")
    refused = "key not registered"
    return {
        # Its key holds; signed again here, it is a file no reviewed change added (the "registered" check).
        "key id": (f"{did}#k1", "not published here"),
        "public key multibase": (f"{did}#{multikey}", refused),
        "another endorser's DID": (f"{registry.endorser_did('other-body')}#k1", refused),
        "an issuer's DID": (f"{registry.issuer_did('acme-academy')}#k1", refused),
        "did:key of the same key": (f"did:key:{multikey}#{multikey}", refused),
        "DID cut short": (f"{did[:-1]}#k1", refused),
        "DID with a trailing colon": (f"{did}:#k1", refused),
        "empty fragment": (f"{did}#", "malformed"),  # the profile wants a fragment
        "no fragment": (did, "malformed"),
        "key id upper case": (f"{did}#K1", refused),
        "method name upper case": (f"did:WEB:{did.removeprefix('did:web:')}#k1", refused),
        "host upper case": (f"did:web:{host.upper()}:{rest}#k1", refused),
        "endorser id upper case": (f"{did.replace('data-council', 'Data-Council')}#k1", refused),
        "percent-encoded fragment": (f"{did}#%6B%31", refused),
        "percent-encoded digit": (f"{did}#k%31", refused),
        "fragment twice": (f"{did}#k1#k1", refused),
        "key id then multibase": (f"{did}#k1#{multikey}", refused),
    }


SPELLINGS = [
    "key id",
    "public key multibase",
    "another endorser's DID",
    "an issuer's DID",
    "did:key of the same key",
    "DID cut short",
    "DID with a trailing colon",
    "empty fragment",
    "no fragment",
    "key id upper case",
    "method name upper case",
    "host upper case",
    "endorser id upper case",
    "percent-encoded fragment",
    "percent-encoded digit",
    "fragment twice",
    "key id then multibase",
]


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_an_endorsement_names_its_key_as_the_endorsers_did_document_does_alike(
    corpus: Corpus,  # noqa: F811
    node: Node,
    spelling: str,
) -> None:
    # The page also took a key named by its public key (…#z6Mk…), which credreg verify refuses (keys.py named_key,
    # policies.js namedKey: one rule, the DID document's method ids).
    registry = corpus.registry
    multikey = registry.endorser_keys("data-council")["k1"].model.publicKeyMultibase
    method, kind = _spellings(registry, multikey)[spelling]
    _, genuine = corpus.files["genuine"]
    unsigned = {k: v for k, v in copy.deepcopy(genuine).items() if k != "proof"}
    # Another id: signed at its validFrom, as credreg signs, it is otherwise the genuine one (published here).
    unsigned["id"] = "urn:uuid:0b8c0c1e-6a0e-4d2a-8f3e-5a1c2b3d4e5f"
    signed = sign_document(unsigned, corpus.keys["data-council"], method, at_valid_from(unsigned))
    cli = _cli(verify_endorsement(signed, registry, now=NOW))
    assert cli["headline"]["kind"] == kind, cli
    if spelling == "key id":
        assert ["proof", "Signed by the endorser's registered key", "passed", "ok"] in cli["checks"]
    assert _page(node.verify(text=json.dumps(signed))) == cli


def test_which_key_a_method_names_is_one_rule_for_every_owner(corpus: Corpus, node: Node) -> None:  # noqa: F811
    # keys.py named_key and policies.js namedKey (the page's lookup of an issuer's key for an award, of an endorser's
    # for its endorsement, its list and an issuer's revocation line), over every owner's keys.json and the spellings.
    from generator.verify.keys import named_key

    registry = corpus.registry
    owners = [("endorsers", e) for e in registry.endorsers] + [("issuers", i) for i in registry.issuers]
    accepted: set[str] = set()
    for folder, owner in owners:
        keys, did = registry.endorser_keys(owner), registry.endorser_did(owner)
        for key_id, record in keys.items():
            methods = [method for method, _ in _spellings(registry, record.model.publicKeyMultibase).values()]
            methods += [f"{did}#{key_id}", f"{did}#{record.model.publicKeyMultibase}", f"{did}#{key_id.upper()}"]
            for method in methods:
                python = named_key(keys, did, method)
                page = node.ask(op="named", keys=f"{folder}/{owner}/keys.json", method=method)["id"]
                assert page == (python.model.id if python else None), (owner, method)
                if python is not None:
                    accepted.add(method)
    assert accepted == {f"{registry.endorser_did(o)}#{k}" for _, o in owners for k in registry.endorser_keys(o)}


def _changed_after_signing(line: dict[str, Any]) -> None:
    line["reason"] = "Made up"


def _second_proof_broken(line: dict[str, Any]) -> None:
    forged = dict(line["proof"], created="2026-05-28T00:00:00Z")  # its signature no longer holds
    line["proof"] = [line["proof"], forged]


@pytest.mark.parametrize("list_trusted", [True, False])
@pytest.mark.parametrize("spoil", [_changed_after_signing, _second_proof_broken], ids=["changed", "second-proof"])
def test_an_issuer_s_revocation_line_whose_signature_does_not_hold_vouches_for_nothing_alike(
    tmp_path: Path, list_trusted: bool, spoil: Callable[[dict[str, Any]], None]
) -> None:
    # As for an award's line (status.py signature_problem, policies.js signedBy): a line of the issuer's log whose
    # signature does not hold says nothing. With its bit set, the endorsement is revoked without a day or a reason;
    # with a list that cannot be trusted, its status is unknown.
    # - changed: credreg verify showed a line changed after it was signed as the issuer's, and let it alone revoke
    #   the endorsement;
    # - second-proof: the page's loggedRevocation checked only the line's first eddsa-jcs-2022 proof, so a line
    #   with a second proof that does not verify revoked the endorsement with its day and reason on the page (with
    #   a list that cannot be trusted: revoked against unknown). Each of a line's proofs must hold.
    if list_trusted:
        c = Corpus(tmp_path / "corpus")
        doc = c.endorse("withdrawn", who=ACME, target=f"{BETA}/sql-basics")
        revoke_endorsement(
            c.registry, award_hash(doc), c.keys[ACME], now=NOW - dt.timedelta(days=5), reason="Withdrawn"
        )
    else:
        c, doc = taken_back(tmp_path / "corpus", "revoked_at", who=ACME)
    log = layout.revocations_path(c.root, ACME)
    lines = []
    for text in log.read_text(encoding="utf-8").splitlines():
        line = json.loads(text)
        if line["award"] == award_hash(doc):
            spoil(line)
        lines.append(json.dumps(line))
    log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    c.publish()
    cli = _cli(verify_endorsement(doc, c.registry, now=NOW))
    status = next(check for check in cli["checks"] if check[0] == "status")
    if list_trusted:
        assert status == ["status", "Not revoked", "failed", "revoked by the endorser"]
    else:
        assert status == ["status", "Not revoked", "not checked", taken_back_reason("revoked_at")]
    _page_says_the_same(tmp_path, c.site, doc, cli)


@pytest.mark.parametrize("closed", [None, "valid_until", "revoked_at"])
def test_an_endorsement_never_added_to_the_registry_is_not_valid_alike(tmp_path: Path, closed: str | None) -> None:
    # A body's key signs an endorsement that no reviewed change added: held back, refused by the pull-request check,
    # or (``closed``) signed by whoever holds a retired or leaked key, dated before its window closed, which the
    # pull-request check's freshness rule keeps out of the registry. Dropped on the page or given to credreg verify
    # without a log, it read "Valid: a genuine endorsement, in force." on both (an award must be registered here).
    c = Corpus(tmp_path / "corpus")
    registry = c.registry
    signed_on = NOW - dt.timedelta(days=10)
    unsigned = unsigned_endorsement(
        registry, DC, CREDENTIAL, kind=EndorsementKind.ACCREDITS, comment="Accredited.", scope=None,
        valid_from=signed_on, valid_until=None, status_list=1, status_index=11,
    )  # fmt: skip
    doc = sign_document(unsigned, c.keys[DC], f"{registry.endorser_did(DC)}#k1", signed_on)
    if closed is not None:
        c.close_key(DC, closed)
    c.endorse("published")  # the Data Council's status list, as published
    c.publish()
    cli = _cli(verify_endorsement(doc, c.registry, now=NOW))
    assert cli["headline"]["kind"] == "not published here", cli
    registered = next(check for check in cli["checks"] if check[0] == "registered")
    assert registered[2] == "failed", registered
    runner = Node(tmp_path / "node", c.site)
    try:
        assert _page(runner.verify(text=json.dumps(doc))) == cli
    finally:
        runner.close()


@pytest.mark.parametrize("spoiled", ["expired", "revoked"])
def test_an_endorsement_signed_in_another_body_s_name_is_shown_as_its_signer_s(tmp_path: Path, spoiled: str) -> None:
    # The Data Council's key signs an endorsement naming the Other Body (a registered body) as its endorser, expired
    # or in a slot of its list whose bit is set: its verdict was "expired" or "revoked" (they came before what is
    # not the registry's), and the page said "It was signed by Other Body, and the signature is genuine.", its facts
    # (the "Endorser" row) and credreg verify's JSON naming the Other Body. Who signed it is the body whose key did,
    # by its registered name (and what it is, not its dates, leads: the test below).
    c = Corpus(tmp_path / "corpus")
    revoked = c.endorse("revoked")
    revoke_endorsement(c.registry, award_hash(revoked), c.keys[DC], now=NOW - dt.timedelta(days=1))
    registry = c.registry
    unsigned = {k: v for k, v in copy.deepcopy(revoked).items() if k != "proof"}
    unsigned["issuer"]["name"] = registry.endorser_name("other-body")
    unsigned["name"] = "Other Body recognises: SQL Basics"
    if spoiled == "expired":
        unsigned["credentialStatus"] = c.endorse("in-force")["credentialStatus"]
        unsigned["validUntil"] = "2026-05-25T00:00:00Z"  # after its validFrom, before NOW
    doc = sign_document(unsigned, c.keys[DC], f"{registry.endorser_did(DC)}#k1", at_valid_from(unsigned))
    c.place("in-another-name", doc, DC)
    c.publish()
    result = verify_endorsement(doc, c.registry, now=NOW)
    assert result.headline().kind == "not published here", _cli(result)
    assert result.as_dict()["endorser_name"] == "Data Council"
    runner = Node(tmp_path / "node", c.site)
    try:
        reply = runner.verify(text=json.dumps(doc))
        assert _page(reply) == _cli(result)
        assert reply["endorserName"] == "Data Council"
    finally:
        runner.close()


@pytest.mark.parametrize("case", ["own credential, expired", "never added, in a revoked slot"])
def test_what_is_no_endorsement_of_this_registry_is_never_read_as_expired_or_revoked(tmp_path: Path, case: str) -> None:
    # Its dates and its status slot come before what it is (their verdicts do): an issuer's endorsement of its own
    # credential whose validUntil has passed read "Expired on …" and "It was signed by Acme Academy, and the
    # signature is genuine."; one never added to the registry, naming a slot whose bit its endorser set for another
    # endorsement, read "Revoked by its endorser." (as if the body had endorsed it, then withdrawn it). Neither was
    # ever an endorsement of this registry, and both now say so; their dates and status are not read.
    c = Corpus(tmp_path / "corpus")
    registry = c.registry
    if case == "own credential, expired":
        unsigned = unsigned_endorsement(
            registry, ACME, CREDENTIAL, kind=EndorsementKind.ACCREDITS, comment="Accredited.", scope=None,
            valid_from=NOW - dt.timedelta(days=20), valid_until=NOW - dt.timedelta(days=5), status_list=1,
            status_index=21,
        )  # fmt: skip
        doc = sign_document(unsigned, c.keys[ACME], f"{registry.endorser_did(ACME)}#k1", at_valid_from(unsigned))
        c.place("own", doc, ACME)
    else:
        revoked = c.endorse("revoked")
        revoke_endorsement(registry, award_hash(revoked), c.keys[DC], now=NOW - dt.timedelta(days=1))
        unsigned = {k: v for k, v in copy.deepcopy(revoked).items() if k != "proof"}
        unsigned["id"] = "urn:uuid:7d3f1d5e-4a3b-4c1e-9a51-2b6f0e9c1a11"
        unsigned["credentialSubject"]["endorsementKind"] = "accredits"
        doc = sign_document(unsigned, c.keys[DC], f"{registry.endorser_did(DC)}#k1", at_valid_from(unsigned))
    c.publish()
    result = verify_endorsement(doc, c.registry, now=NOW)
    cli = _cli(result)
    assert cli["headline"]["kind"] == "not published here", cli
    assert endorsement_verdict(result)[0] == "invalid"
    assert {check[0]: check[2] for check in cli["checks"]}.keys() >= {"validity", "status"}
    assert all(check[2] == "not checked" for check in cli["checks"] if check[0] in ("validity", "status")), cli
    runner = Node(tmp_path / "node", c.site)
    try:
        assert _page(runner.verify(text=json.dumps(doc))) == cli
    finally:
        runner.close()


def test_a_file_named_by_an_endorsement_s_hash_but_holding_other_bytes_registers_nothing_alike(tmp_path: Path) -> None:
    # "Registered here" is the endorser's folder holding a file named by the endorsement's hash whose document
    # hashes to that name (endorsements.py _published). The build's list for the page (verify/endorsements.json)
    # named each file by its name alone: a file named by the hash of an endorsement never added, holding another
    # document (a misnamed copy, a file changed after its name was chosen), made that endorsement "Registered here"
    # on the page, and "Valid: a genuine endorsement, in force.", where credreg verify found it not registered.
    c = Corpus(tmp_path / "corpus")
    registry = c.registry
    signed_on = NOW - dt.timedelta(days=10)
    unsigned = unsigned_endorsement(
        registry, DC, CREDENTIAL, kind=EndorsementKind.ACCREDITS, comment="Accredited.", scope=None,
        valid_from=signed_on, valid_until=None, status_list=1, status_index=12,
    )  # fmt: skip
    doc = sign_document(unsigned, c.keys[DC], f"{registry.endorser_did(DC)}#k1", signed_on)
    other = c.endorse("published")  # the Data Council's status list, as published
    misnamed = layout.endorser_dir(c.root, DC) / "endorsements" / f"{award_hash(doc)}.json"
    misnamed.write_text(json.dumps(other, indent=2) + "\n", encoding="utf-8")
    c.publish()
    cli = _cli(verify_endorsement(doc, c.registry, now=NOW))
    assert cli["headline"]["kind"] == "not published here", cli
    lookup = json.loads((c.site / "verify" / "endorsements.json").read_text(encoding="utf-8"))
    assert award_hash(doc) not in lookup["endorsements"], lookup["endorsements"]
    runner = Node(tmp_path / "node", c.site)
    try:
        assert _page(runner.verify(text=json.dumps(doc))) == cli
    finally:
        runner.close()


@pytest.mark.parametrize(
    "name",
    [
        {"@value": "Acme Academy", "@language": "en"},
        [{"@value": "Acme Academy", "@language": "en"}, {"@value": "Académie Acme", "@language": "fr"}],
        {"@value": "Acme Academy"},
        ["Acme Academy"],
        {"@value": "Acme Academy", "@language": "en", "@direction": "rtl"},
    ],
    ids=["value-object", "two-languages", "no-language", "list-of-text", "other-keys"],
)
@pytest.mark.parametrize("where", ["endorser", "endorsement"])
def test_an_endorsement_s_names_in_languages_are_read_alike(
    corpus: Corpus,  # noqa: F811
    node: Node,
    name: Any,
    where: str,
) -> None:
    """VC 2.0 lets a name be given in languages (value objects, or a list of them). An endorsement's or its
    endorser's so given is read by one rule on both sides: the page and credreg verify give the same checks and
    headline, and name the endorser alike."""
    _, genuine = corpus.files["genuine"]
    doc = json.loads(json.dumps(genuine))
    if where == "endorser":
        doc["issuer"]["name"] = name
    else:
        doc["name"] = name
    python = verify_endorsement(doc, corpus.registry, now=NOW)
    page = node.verify(text=json.dumps(doc))
    assert _page(page) == _cli(python)
    assert page["endorserName"] == python.facts.get("endorser_name")
    # The registry's endorsement profile writes both as text (the endorser's is its registered name, compared as
    # such): any other form is refused by its structure check, on both sides, never read as a name.
    [first, *_] = python.checks
    assert (first.id, first.passed) == ("structure", False), first
