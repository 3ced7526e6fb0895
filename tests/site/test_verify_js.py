"""The verification page's JavaScript, run in Node against the Python implementation it must agree with.

* JCS (``jcs.js``) on the RFC 8785 test data, and on generated JSON against ``generator.crypto.jcs``;
* the verifier (``verifier.js`` and its modules, the same files the page loads) on every award of the example
  registry, by hash and from the file, verdict and check by check against ``generator.verify.Verifier``;
* the same on signed test awards in every state (tampered, expired, not yet valid, revoked, a key used outside
  its window, another issuer's key, a foreign did:key credential, an award that is not published), and on
  published data that was altered after the build (shard, status list, revocation);
* the recipient check (email × recipient key, and the identifier forms of credentials from elsewhere) and the
  parsing of earners' links, against ``RecipientPolicy`` and ``parse_verification_link``.

One Node process serves all requests of the module (JSON lines on stdin/stdout), so the cost is one start-up.
The browser-only parts (page, QR, WebCrypto in Chromium) are in ``tests/browser/test_verify_page.py``.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import gzip
import hashlib
import json
import shutil
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import layout
from generator._internal.source import SourceError, parse_json, read_json_file
from generator.awarding.keys import SigningKey
from generator.awarding.revoke import revocation_entry, revoke_award
from generator.awarding.signing import sign_document
from generator.awards import award_hash, iter_awards, iter_lines, parse_award_text
from generator.crypto import ed25519
from generator.crypto.jcs import canonicalize
from generator.crypto.multibase import did_key_from_public
from generator.errors import CryptoError
from generator.load import load_registry
from generator.openbadges import (
    before_key,
    identity_hash,
    normalize_identifier,
    parse_verification_link,
    quoted_without_key,
)
from generator.publish import verifydata
from generator.publish.verifydata import (
    TARGET_PER_SHARD,
    TemplateError,
    read_entry,
    read_gzip_json,
    rebuild,
    shard_bits,
    shard_name,
    write_verification_data,
)
from generator.registry import Registry
from generator.verify import Verifier
from generator.verify.policies import NOT_SHA256, default_policies
from generator.verify.results import CheckStatus
from tests.conftest import CONFORMANCE, EPOCH, REPO, Signer, object_store, reseal_shard, set_at
from tests.site.node_runner import NODE, NodeRunner

NOW = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")

RUNNER = r"""
import { createInterface } from "node:readline";
import { readFile } from "node:fs/promises";
import { canonicalize, jsonText, parseJSON } from "./verify/jcs.js";
import { DataError, SiteData, rebuild, shardName } from "./verify/sitedata.js";
import { quotedWithoutKey, structureProblems } from "./verify/policies.js";
import { parseVkey } from "./verify/tlog.js";
import {
  InputError, Verifier, beforeKey, cohortLines, conclude, fileText, parseAwardJSON, parseLinkInput,
} from "./verify/verifier.js";
import { headlineOf, verdictOf } from "./verify/results.js";
import { unquote } from "./verify/encoding.js";

const sites = new Map();

async function handle(req) {
  if (req.op === "shard") return { name: shardName(req.hash, req.bits) };
  if (req.op === "rebuild") {
    try { return { award: rebuild(req.template, req.values) }; }
    catch (error) { if (error instanceof DataError) return { refused: error.message }; throw error; }
  }
  if (req.op === "unquote") return { text: unquote(req.text) };
  if (req.op === "before key") return { text: beforeKey(req.text), quoted: quotedWithoutKey(req.text) };
  if (req.op === "link") {
    try { return parseLinkInput(req.text); }
    catch (error) { return { refused: String(error.message) }; }
  }
  if (req.op === "file") {
    try { return { data: parseAwardJSON(fileText(Buffer.from(req.bytes, "base64"))) }; }
    catch (error) { if (error instanceof InputError) return { refused: error.message }; throw error; }
  }
  if (req.op === "cohort") {  // each line the page offers from a cohort file, and what checking it reads
    return {
      lines: cohortLines(req.text).map(({ line, text }) => {
        try { return [line, parseAwardJSON(text)]; }
        catch (error) { if (error instanceof InputError) return [line, null]; throw error; }
      }),
    };
  }
  if (req.op === "structure") return { problems: structureProblems(req.doc) };
  if (req.op === "vkey") {
    try { const v = await parseVkey(req.text); return { name: v.name, type: v.type }; }
    catch (error) { return { refused: String(error.message) }; }
  }
  if (req.op === "jcs") {
    try { return { ok: true, out: canonicalize(parseJSON(req.text)) }; }
    catch (error) { return { ok: false, error: String(error.message) }; }
  }
  if (req.op === "json text") {  // the page's download of a value (verify.js awardText), and JSON.stringify's
    const value = parseJSON(req.text);
    return { text: jsonText(value), stringify: JSON.stringify(value, null, 2) };
  }
  if (req.op === "fetch json") {  // the page's own loader (fetch), from a served site
    const site = new SiteData(req.url);
    const text = await site.text(req.path);
    return { data: await site.json(req.path), bytes: text === null ? null : Buffer.from(text).toString("base64") };
  }
  if (!sites.has(req.root)) {  // one SiteData per published site, as one page keeps one
    const load = async (path, { binary = false } = {}) => {
      try { return binary ? new Uint8Array(await readFile(req.root + path)) : await readFile(req.root + path, "utf8"); }
      catch (error) { if (error.code === "ENOENT") return null; throw error; }
    };
    sites.set(req.root, new SiteData("https://site.test/", load));
  }
  if (req.op === "entry") return { entry: await sites.get(req.root).entry(req.hash) };
  const verifier = new Verifier(sites.get(req.root), () => new Date(req.now));
  const outcome = req.hash ? await verifier.byHash(req.hash) : await verifier.byDocument(parseAwardJSON(req.text));
  if (outcome.kind === "status list") {  // its own checks, no recipient (verifier.js statusList)
    return {
      kind: outcome.kind, verdict: verdictOf(outcome.checks), headline: headlineOf(outcome.checks, outcome.subject),
      facts: outcome.facts, checks: Object.fromEntries(outcome.checks.map((c) => [c.id, [c.status, c.reason]])),
    };
  }
  if (outcome.kind !== "verified") return { kind: outcome.kind };
  const result = await conclude(outcome, req.recipient ?? null, req.recipientKey ?? null);
  return {
    kind: outcome.kind, verdict: result.verdict, headline: result.headline, facts: outcome.facts,
    checks: Object.fromEntries(result.checks.map((c) => [c.id, [c.status, c.reason]])),
  };
}

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  let reply;
  try { reply = await handle(JSON.parse(line)); }
  catch (error) {
    reply = error instanceof DataError
      ? { kind: "data error", error: error.message }
      : { kind: "error", error: String(error && error.stack || error) };
  }
  process.stdout.write(JSON.stringify(reply) + "\n");
}
"""


class Node(NodeRunner):
    def __init__(self, workdir: Path) -> None:
        super().__init__(workdir, RUNNER)


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    runner = Node(tmp_path_factory.mktemp("verify-js"))
    yield runner
    runner.close()


def publish(registry: Registry, out: Path) -> Path:
    """What the site build publishes for the page: verification data, keys and status lists."""
    write_verification_data(registry, out, now=NOW)
    for issuer in registry.issuers:
        status_dir = layout.status_list_path(registry.root, issuer, 1).parent
        if status_dir.is_dir():
            shutil.copytree(status_dir, out / "issuers" / issuer / "status", dirs_exist_ok=True)
    return out


# --- shards ----------------------------------------------------------------------------------------------------


def test_the_page_names_shards_as_the_build_does(node: Node) -> None:
    hashes = [award_hash({"n": i}) for i in range(200)]
    for bits in (4, 5, 7, 8, 11, 16, 18, 21):
        for digest in hashes:
            assert node.ask(op="shard", hash=digest, bits=bits)["name"] == shard_name(digest, bits)
    assert shard_name("ff" * 32, 18) == "ffffc"
    assert shard_name("abcdef" + "0" * 58, 17) == "abcd8"
    for count in (332, 10_000, 1_000_000):  # the fewest bits that keep shards at the target size on average
        bits = shard_bits(count)
        assert count / 2**bits <= TARGET_PER_SHARD < count / 2 ** (bits - 1)


# --- JCS -------------------------------------------------------------------------------------------------------


def _jcs_cases() -> list[str]:
    return sorted(p.name for p in (CONFORMANCE / "jcs" / "input").glob("*.json"))


@pytest.mark.parametrize("name", _jcs_cases())
def test_jcs_matches_the_rfc_8785_test_data(node: Node, name: str) -> None:
    folder = CONFORMANCE / "jcs"
    reply = node.ask(op="jcs", text=(folder / "input" / name).read_text(encoding="utf-8"))
    assert reply["ok"], reply
    assert reply["out"].encode("utf-8") == (folder / "output" / name).read_bytes()


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=json_values)
def test_jcs_matches_python_on_generated_json(node: Node, value: Any) -> None:
    reply = node.ask(op="jcs", text=json.dumps(value))
    assert reply["ok"], reply
    assert reply["out"].encode("utf-8") == canonicalize(value)


def _python_refuses(text: str) -> bool:
    try:
        canonicalize(json.loads(text))
    except (CryptoError, ValueError):
        return True
    return False


@pytest.mark.parametrize("text", ['"\\ud800"', '{"\\udc00": 1}', "1e400", '["a\\ud83d"]'])
def test_jcs_refuses_what_python_refuses(node: Node, text: str) -> None:
    assert _python_refuses(text)
    assert not node.ask(op="jcs", text=text)["ok"]


INTEGER_EDGES = [
    "9007199254740993", "-9007199254740992", "[9007199254740991, -9007199254740991]", '{"n": 12345678901234567890}',
    "100000000000000000000000", "9007199254740993.0", "9007199254740993e0", "1.12345678901234567890",
    "1e-12345678901234567", "-0", '"12345678901234567890"', '{"12345678901234567890": 1}',
    '"\\"12345678901234567890"', '["\\\\", 90071992547409930]',
]  # fmt: skip


@pytest.mark.parametrize("text", INTEGER_EDGES)
def test_the_page_reads_integers_as_python_does_in_any_engine(node: Node, text: str) -> None:
    """An integer beyond ±(2**53 − 1) is exact to Python, whose JCS refuses it, and rounded by JSON.parse. The page
    told them apart by each number's source text (JSON.parse's reviver context, Chromium 114+); an engine without it
    (Node 20, older browsers) read 9007199254740993 as …992 and hashed a value Python never could. Now the text
    itself is searched for such an integer (outside strings, not a fraction's or an exponent's digits), in every
    engine, and the page reads what Python reads."""
    reply = node.ask(op="jcs", text=text)
    if _python_refuses(text):
        assert not reply["ok"], reply
    else:
        assert reply["ok"], reply
        assert reply["out"].encode() == canonicalize(json.loads(text))


@pytest.mark.parametrize(
    "text",
    ['{"a": 1, "a": 2}', '{"x": {"k": 1, "k": 1}}', '[{"\\u0061": 1, "a": 2}]', '{"q\\"": 1, "q\\u0022": 2}'],
)
def test_a_key_written_twice_is_refused_by_both_readers(node: Node, text: str) -> None:
    # JSON.parse keeps the last value, Python's strict reader refuses: a page must not read what Python cannot.
    with pytest.raises(SourceError):
        parse_json(text, "award.json", strict=True)
    assert not node.ask(op="jcs", text=text)["ok"]


@pytest.mark.parametrize("text", ['{"a": {"b": 1}, "c": {"b": 2}}', '["a", "a"]', '{"k": [{"k": 1}, {"k": 2}]}'])
def test_equal_keys_in_different_objects_are_fine(node: Node, text: str) -> None:
    parse_json(text, "award.json", strict=True)
    assert node.ask(op="jcs", text=text)["ok"]


# --- the verifier against the Python verifier ------------------------------------------------------------------

# "hash" is the page's own check. The page canonicalizes RDF too (rdfc.js); where it says an eddsa-rdfc-2022 proof
# "cannot be fully checked here" (blocking), that stands for the CLI's verdict on that proof.
RDFC_CHECK = "proof:eddsa-rdfc-2022"


def assert_agrees(python: Any, js: dict[str, Any], what: str) -> None:
    assert js["kind"] == "verified", (what, js)
    assert js["verdict"] == str(python.verdict), (what, js["checks"], [c.as_dict() for c in python.checks])
    for c in python.checks:
        status = js["checks"][c.id][0]
        if c.id == RDFC_CHECK and status == "not checked" and c.status != "not checked":
            assert "cannot be fully checked here" in js["checks"][c.id][1], (what, js["checks"][c.id])
            continue
        assert status == str(c.status), (what, c.id, js["checks"][c.id], c.reason)


def test_every_example_award_gets_the_python_verdict(node: Node, tmp_path: Path) -> None:
    loaded = load_registry(REPO)
    assert loaded.registry is not None
    registry = loaded.registry
    site = publish(registry, tmp_path / "site")
    # Without the RDFC proof policy, which the page does not run (and `credreg check` keeps passing): much faster.
    policies = [p for p in default_policies() if getattr(p, "suite", None) != "eddsa-rdfc-2022"]
    verifier = Verifier(registry, policies=policies)
    verdicts = set()
    for n, source in enumerate(iter_awards(registry.root)):
        award = json.loads(source.text)
        expected = verifier.verify(award, now=NOW)
        verdicts.add(str(expected.verdict))
        # Every award by hash; every third also from its file (the same checks after the lookup).
        requests = [{"hash": award_hash(award)}] + ([{"text": source.text}] if n % 3 == 0 else [])
        for request in requests:
            reply = node.ask(op="verify", root=f"{site}/", now=NOW.isoformat(), **request)
            assert_agrees(expected, reply, source.where)
            assert reply["checks"]["registered"][0] == "passed"
    assert {"valid", "revoked", "expired"} <= verdicts


TAMPERS: dict[str, Callable[[dict[str, Any]], None]] = {
    "name": set_at(["name"], "SQL Grandmaster"),
    "validUntil": set_at(["validUntil"], "2099-01-01T00:00:00Z"),
    "recipient hash": set_at(["credentialSubject", "identifier", 0, "identityHash"], "sha256$" + "0" * 64),
    "achievement name": set_at(["credentialSubject", "achievement", "name"], "Advanced SQL"),
    "status index": set_at(["credentialStatus", "statusListIndex"], "1"),
    "issuer name": set_at(["issuer", "name"], "Acme University"),
    "jcs proof created": set_at(["proof", 1, "created"], "2025-01-01T00:00:00Z"),
    "unsupported proof": set_at(["proof", 0, "cryptosuite"], "ecdsa-rdfc-2019"),
    "no proof": lambda doc: doc.pop("proof"),
    # Free strings that could name the earner (an IRI signs fine): the profile holds them to what the registry writes.
    "extra type": set_at(["type"], ["VerifiableCredential", "OpenBadgeCredential", "urn:earner:AdaLovelace"]),
    "subject type": set_at(["credentialSubject", "type"], ["AchievementSubject", "mailto:ada@example.org"]),
    "status id": set_at(["credentialStatus", "id"], "urn:earner:AdaLovelace"),
}


@pytest.fixture
def scenarios(signer: Signer, tmp_path: Path) -> dict[str, Any]:
    """Signed awards in every state, the registry they are in, and its published site data."""
    until = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    fresh = signer.award(
        "acme-academy/sql-basics", "ada@example.org", at=dt.datetime(2025, 3, 1, tzinfo=dt.UTC), until=until
    )
    expired = signer.award(at=dt.datetime(2024, 2, 1, tzinfo=dt.UTC), until=dt.datetime(2025, 2, 1, tzinfo=dt.UTC))
    future = signer.award(at=dt.datetime(2026, 9, 1, tzinfo=dt.UTC))
    revoked = signer.award(at=dt.datetime(2025, 1, 2, tzinfo=dt.UTC))
    revoke_award(signer.registry, revoked.hash, "Assessment irregularity", signer.key, now=NOW)
    # A second key, revoked before it signed: "key not valid when it signed".
    key2 = signer.new_key("acme-academy", "key-2", since=EPOCH)
    late = signer.award(key=key2, at=dt.datetime(2025, 6, 1, tzinfo=dt.UTC))
    key_file = signer.root / "keys/acme-academy/key-2.json"
    doc = json.loads(key_file.read_text())
    doc["revoked_at"], doc["revocation_reason"] = "2025-05-01T00:00:00Z", "key compromised"
    key_file.write_text(json.dumps(doc))
    # Another registered issuer's key signing acme-academy's award.
    issuer_yaml = signer.root / "registry/issuers/acme-academy/issuer.yaml"
    (signer.root / "registry/issuers/beta-labs").mkdir()
    (signer.root / "registry/issuers/beta-labs/issuer.yaml").write_text(
        issuer_yaml.read_text().replace("acme-academy", "beta-labs")
    )
    beta = signer.new_key("beta-labs", "beta-1")
    unsigned = {k: v for k, v in fresh.award.items() if k != "proof"}
    # Signed at its validFrom, as the registry signs (Award.signed_at_valid_from): only the key is wrong.
    at = dt.datetime.fromisoformat(unsigned["validFrom"])
    forged = sign_document(unsigned, beta, "did:web:registry.test.example:issuers:beta-labs#beta-1", at)
    # A foreign credential, issued by a did:key.
    seed = ed25519.generate_seed()
    did = did_key_from_public(ed25519.public_from_seed(seed))
    foreign_unsigned = {k: v for k, v in fresh.award.items() if k not in ("proof", "credentialStatus")}
    foreign_unsigned["issuer"] = {"id": did, "type": ["Profile"], "name": "Someone"}
    foreign = sign_document(
        foreign_unsigned, SigningKey("x", "x", seed), f"{did}#{did.removeprefix('did:key:')}", EPOCH
    )

    registry = signer.registry
    site = publish(registry, tmp_path / "site")
    unpublished = signer.award(at=dt.datetime(2025, 4, 1, tzinfo=dt.UTC))  # issued after the build
    return {
        "registry": signer.registry,
        "site": site,
        # The earners' recipient keys; the forged and foreign credentials copy the fresh award's subject.
        "keys": {
            "fresh": fresh.recipient_key,
            "expired": expired.recipient_key,
            "future": future.recipient_key,
            "revoked": revoked.recipient_key,
            "late key": late.recipient_key,
            "other issuer's key": fresh.recipient_key,
            "did:key": fresh.recipient_key,
            "unpublished": unpublished.recipient_key,
        },
        "awards": {
            "fresh": fresh.award,
            "expired": expired.award,
            "future": future.award,
            "revoked": revoked.award,
            "late key": late.award,
            "other issuer's key": forged,
            "did:key": foreign,
            "unpublished": unpublished.award,
        },
    }


def _ask(node: Node, site: Path, **request: Any) -> dict[str, Any]:
    return node.ask(op="verify", root=f"{site}/", now=NOW.isoformat(), **request)


def test_signed_awards_in_every_state_get_the_python_verdict(node: Node, scenarios: dict[str, Any]) -> None:
    verifier = Verifier(scenarios["registry"])
    site = scenarios["site"]
    seen = {}
    for name, award in scenarios["awards"].items():
        if name == "unpublished":
            continue  # signed after the build: see test_an_award_the_build_did_not_publish_is_not_valid_here
        key = scenarios["keys"][name]
        for recipient in (None, "  ADA@example.org", "eve@example.org", "not an email"):
            expected = verifier.verify(award, now=NOW, recipient=recipient, recipient_key=key)
            seen[name, recipient] = str(expected.verdict)
            reply = _ask(node, site, text=json.dumps(award), recipient=recipient, recipientKey=key)
            assert_agrees(expected, reply, f"{name}/{recipient}")
    assert seen["fresh", None] == "valid"
    assert seen["fresh", "  ADA@example.org"] == "valid"
    assert seen["fresh", "eve@example.org"] == "recipient does not match"
    assert {seen["expired", None], seen["future", None], seen["revoked", None]} == {
        "expired",
        "not yet valid",
        "revoked",
    }
    assert seen["late key", None] == seen["other issuer's key", None] == "invalid"
    assert seen["did:key", None] == "untrusted"


def test_an_award_the_build_did_not_publish_is_not_valid_here(node: Node, scenarios: dict[str, Any]) -> None:
    """Signed after the build: the registry holds it (credreg verify: valid), the site does not: the page checks
    both its proofs (they hold) but cannot confirm it is in the registry."""
    award = scenarios["awards"]["unpublished"]
    assert Verifier(scenarios["registry"]).verify(award, now=NOW).verdict == "valid"
    reply = _ask(node, scenarios["site"], text=json.dumps(award))
    assert reply["verdict"] == "untrusted"
    assert reply["checks"]["registered"][0] == "failed"
    assert "cannot be fully checked here" in reply["checks"]["registered"][1]
    assert reply["checks"][RDFC_CHECK][0] == "passed"  # issue 15: RDFC is checked in the browser too


@pytest.mark.parametrize(
    ("awarded", "facts"),
    [
        ("2015-01-01T00:00:00Z", (None, "2015-01-01T00:00:00Z")),  # years before it was valid, or signed
        ("2025-03-01T00:00:00Z", ("2025-03-01T00:00:00Z", None)),  # its validFrom
        ("2025-03-01T00:00:00+00:00", (None, "2025-03-01T00:00:00+00:00")),  # the same instant, written otherwise
        (20150101, (None, None)),  # no date
    ],
)
def test_a_credential_from_elsewhere_shows_its_awarded_date_only_as_its_validfrom(
    node: Node, scenarios: dict[str, Any], awarded: Any, facts: tuple[str | None, str | None]
) -> None:
    """An issuer not registered here signs whatever ``awardedDate`` it likes, and no check reads it (this
    registry's own awards must carry their ``validFrom``): it is the award date only when it is the validFrom, else
    only its issuer's claim, in the one rule of both verifiers (``awarded_facts``, ``awardedFacts``)."""
    seed = ed25519.generate_seed()
    did = did_key_from_public(ed25519.public_from_seed(seed))
    unsigned = {k: v for k, v in scenarios["awards"]["fresh"].items() if k not in ("proof", "credentialStatus")}
    assert unsigned["validFrom"] == "2025-03-01T00:00:00Z"
    unsigned["issuer"] = {"id": did, "type": ["Profile"], "name": "Someone"}
    unsigned["awardedDate"] = awarded
    doc = sign_document(unsigned, SigningKey("x", "x", seed), f"{did}#{did.removeprefix('did:key:')}", EPOCH)
    python = Verifier(scenarios["registry"]).verify(doc, now=NOW)
    reply = _ask(node, scenarios["site"], text=json.dumps(doc))
    assert (python.facts["awarded"], python.facts["awarded_claim"]) == facts
    assert (reply["facts"]["awarded"], reply["facts"]["awardedClaim"]) == facts
    assert python.as_dict()["awarded"] == facts[0]  # credreg verify --format json


def test_page_wording_for_each_state(node: Node, scenarios: dict[str, Any]) -> None:
    site, awards = scenarios["site"], scenarios["awards"]
    revoked = _ask(node, site, hash=award_hash(awards["revoked"]))
    assert revoked["checks"]["status"][1] == "revoked on 2026-06-01 for this reason: 'Assessment irregularity'"
    assert revoked["headline"] == {
        "kind": "revoked",
        "text": "Revoked on 1 June 2026 by its issuer.",
    }
    late = _ask(node, site, text=json.dumps(awards["late key"]))
    assert late["headline"] == {"kind": "key revoked", "text": "Signed with a key its issuer had revoked."}
    assert late["checks"]["key"][1] == "signed on 2025-06-01, after key key-2 was revoked (2025-05-01: key compromised)"
    other = _ask(node, site, text=json.dumps(awards["other issuer's key"]))
    assert other["checks"]["key"][1] == "the key belongs to issuer 'beta-labs', not to the credential's issuer"
    assert other["headline"]["text"] == "Signed with a key its issuer had not registered."
    unpublished = _ask(node, site, text=json.dumps(awards["unpublished"]))
    assert unpublished["checks"]["registered"][0] == "failed"
    assert unpublished["facts"]["verifyUrl"] is None  # nothing to share: the link would find nothing
    fresh = _ask(node, site, hash=award_hash(awards["fresh"]))
    assert fresh["facts"]["verifyUrl"] == f"https://site.test/verify/#{award_hash(awards['fresh'])}"
    assert fresh["facts"]["credentialUrl"] == "https://site.test/credentials/acme-academy/sql-basics/"
    assert fresh["facts"]["issuerUrl"] == "https://site.test/issuers/acme-academy/"
    assert _ask(node, site, hash="0" * 64) == {"kind": "unknown"}


@pytest.mark.parametrize("field", sorted(TAMPERS))
def test_a_changed_award_is_invalid_like_in_python(node: Node, scenarios: dict[str, Any], field: str) -> None:
    award = copy.deepcopy(scenarios["awards"]["fresh"])
    TAMPERS[field](award)
    expected = Verifier(scenarios["registry"]).verify(award, now=NOW)
    reply = _ask(node, scenarios["site"], text=json.dumps(award))
    assert_agrees(expected, reply, field)
    assert reply["verdict"] == "invalid"


def test_a_context_added_to_an_rdfc_proof_is_covered_by_its_signature(node: Node, scenarios: dict[str, Any]) -> None:
    """An eddsa-rdfc-2022 proof's own @context stands in for the document's (Data Integrity EdDSA, Verify Proof),
    as the page reads it: Python used it only for eddsa-jcs-2022 and otherwise ignored it, a proof member no
    signature covered, so adding one left the proof valid in the CLI and broke it on the page."""
    award = copy.deepcopy(scenarios["awards"]["did:key"])
    rdfc = next(p for p in award["proof"] if p["cryptosuite"] == "eddsa-rdfc-2022")
    rdfc["@context"] = award["@context"][:1]
    expected = Verifier(scenarios["registry"]).verify(award, now=NOW)
    reply = _ask(node, scenarios["site"], text=json.dumps(award))
    assert_agrees(expected, reply, "rdfc proof @context")
    assert reply["checks"][RDFC_CHECK][0] == "failed"
    # The document's own @context, repeated: the same canonical document, so the signature holds on both sides.
    rdfc["@context"] = award["@context"]
    expected = Verifier(scenarios["registry"]).verify(award, now=NOW)
    assert_agrees(expected, _ask(node, scenarios["site"], text=json.dumps(award)), "rdfc proof, same @context")
    assert expected.check(RDFC_CHECK).status == "passed"


# --- published data altered after the build: the page must not be fooled --------------------------------------


def _edit_json(path: Path, change: Callable[[Any], None]) -> None:
    data = read_gzip_json(path) if path.suffix == ".gz" else json.loads(path.read_text())
    change(data)
    text = json.dumps(data)
    path.write_bytes(gzip.compress(text.encode())) if path.suffix == ".gz" else path.write_text(text)
    if path.parent.name == "shards":  # the site's own digest too: what is tested is what the page checks beyond it
        reseal_shard(path.parents[2], path)


def _shard(site: Path, digest: str) -> Path:
    index = json.loads((site / "verify" / "index.json").read_text())
    return site / "verify" / "shards" / f"{shard_name(digest, index['shard_bits'])}.json.gz"


def _lean_and_full(site: Path) -> dict[str, str]:
    """An award hash of each kind of shard entry (lean: rebuilt from a template; full: the award itself)."""
    found: dict[str, str] = {}
    for shard in sorted((site / "verify" / "shards").glob("*.json.gz")):
        for digest, entry in read_gzip_json(shard)["awards"].items():
            found.setdefault("lean" if "t" in entry else "full", digest)
    assert set(found) == {"lean", "full"}, found  # the scenarios have both: odd awards, and several alike
    return found


def _alter_entry(entry: dict[str, Any]) -> None:
    if "t" in entry:
        last = entry["v"][-1]  # a signature, stored as it is
        entry["v"][-1] = last[:-1] + ("2" if last.endswith("1") else "1")
    else:
        entry["award"]["name"] = "Changed"


@pytest.mark.parametrize("kind", ["lean", "full"])
def test_an_altered_shard_entry_is_not_the_award(node: Node, scenarios: dict[str, Any], kind: str) -> None:
    site = scenarios["site"]
    digest = _lean_and_full(site)[kind]
    _edit_json(_shard(site, digest), lambda d: _alter_entry(d["awards"][digest]))
    reply = _ask(node, site, hash=digest)
    assert reply["verdict"] == "invalid"
    assert reply["checks"]["hash"][0] == "failed"


@pytest.mark.parametrize("kind", ["lean", "full"])
def test_the_registered_check_names_the_credential_the_award_signed_not_its_shard_entry(
    node: Node, scenarios: dict[str, Any], kind: str
) -> None:
    """The shard entry's ``credential`` is not signed: a host that changes it must not change what "Registered
    here" says the award is (it named the entry's credential), by hash or from the file; and both verifiers say it
    in the same words (policies.py registered_reason)."""
    site = scenarios["site"]
    digest = _lean_and_full(site)[kind]
    _edit_json(_shard(site, digest), lambda d: d["awards"][digest].update(credential="acme-academy/advanced-sql"))
    registry = scenarios["registry"]
    award = next(a for a in (json.loads(x.text) for x in iter_awards(registry.root)) if award_hash(a) == digest)
    expected = Verifier(registry).verify(award, now=NOW).check("registered")
    assert expected is not None
    assert expected.reason == "yes: published in this registry (acme-academy/sql-basics)"
    for request in ({"hash": digest}, {"text": json.dumps(award)}):
        reply = _ask(node, site, **request)
        assert reply["checks"]["registered"] == ["passed", expected.reason], request
        assert reply["facts"]["credentialRef"] == "acme-academy/sql-basics", request


def test_a_host_that_decompresses_the_files_itself_still_serves_the_page(node: Node, scenarios: dict[str, Any]) -> None:
    """A host (or CDN) that sends ``.json.gz`` files with ``Content-Encoding: gzip`` has the browser hand the
    page the JSON itself: the page reads it as such."""
    site = scenarios["site"]
    for path in site.glob("verify/*/*.json.gz"):
        path.write_bytes(gzip.decompress(path.read_bytes()))
    lean = _lean_and_full_plain(site)
    for name in ("fresh", "revoked"):
        expected = Verifier(scenarios["registry"]).verify(scenarios["awards"][name], now=NOW)
        assert_agrees(expected, _ask(node, site, hash=award_hash(scenarios["awards"][name])), name)
    assert _ask(node, site, hash=lean)["checks"]["hash"][0] == "passed"


def _lean_and_full_plain(site: Path) -> str:
    for shard in sorted((site / "verify" / "shards").glob("*.json.gz")):
        for digest, entry in json.loads(shard.read_text())["awards"].items():
            if "t" in entry:
                return str(digest)
    raise AssertionError("no lean entry")


def test_an_altered_template_is_not_the_award(node: Node, scenarios: dict[str, Any]) -> None:
    site = scenarios["site"]
    digest = _lean_and_full(site)["lean"]
    template = read_gzip_json(_shard(site, digest))["awards"][digest]["t"]
    _edit_json(site / "verify" / "templates" / f"{template}.json.gz", lambda d: d["award"].update(name="Changed"))
    reply = _ask(node, site, hash=digest)
    assert reply["verdict"] == "invalid"
    assert reply["checks"]["hash"][0] == "failed"


@pytest.mark.parametrize(
    "hole",
    [
        [["nowhere"], 0],  # a path the skeleton lacks: a template only fills, never adds
        [["proof", 9, "created"], 0],  # an index out of range
        [["id"], 99],  # a value the entry lacks
        [["id"], 1.5],  # neither a string nor an index
        [[], 0],  # no path
    ],
)
def test_a_malformed_template_is_refused_by_both_readers(node: Node, scenarios: dict[str, Any], hole: Any) -> None:
    site = scenarios["site"]
    digest = _lean_and_full(site)["lean"]
    template = read_gzip_json(_shard(site, digest))["awards"][digest]["t"]
    _edit_json(site / "verify" / "templates" / f"{template}.json.gz", lambda d: d["holes"].append(hole))
    reply = _ask(node, site, hash=digest)
    assert reply["kind"] == "data error", reply
    assert "cannot be rebuilt" in reply["error"], reply
    with pytest.raises(TemplateError):
        read_entry(site / "verify", digest)


def test_the_page_rebuilds_every_entry_as_python_does(node: Node, scenarios: dict[str, Any]) -> None:
    site = scenarios["site"]
    for shard in sorted((site / "verify" / "shards").glob("*.json.gz")):
        for digest in read_gzip_json(shard)["awards"]:
            expected = read_entry(site / "verify", digest)
            assert expected is not None
            assert node.ask(op="entry", root=str(site) + "/", hash=digest)["entry"] == expected


def test_the_log_record_passes_through_unchanged(node: Node, scenarios: dict[str, Any], tmp_path: Path) -> None:
    """Task E's hook: an entry-level ``log`` beside the award (never inside it), as the writer was given it: the
    record in the name of the issuer whose folder holds it, not one in another's."""
    site = tmp_path / "with-log"
    registry = scenarios["registry"]
    awards = [scenarios["awards"][name] for name in ("fresh", "revoked")]
    records = {award_hash(a): {"index": n, "path": [f"{n:064x}"], "note": None} for n, a in enumerate(awards)}
    issuers = [registry.issuer_for_did(a["issuer"]["id"]).id for a in awards]
    by_issuer = {
        digest: {"someone-else": {"index": 99}, issuer: record}
        for (digest, record), issuer in zip(records.items(), issuers, strict=True)
    }
    write_verification_data(registry, site, now=NOW, log_records=by_issuer)
    for digest, record in records.items():
        entry = read_entry(site / "verify", digest)
        assert entry is not None
        assert entry["log"] == record
        assert "log" not in entry["award"]
        assert node.ask(op="entry", root=str(site) + "/", hash=digest)["entry"]["log"] == record
    others = _lean_and_full(site)
    assert all("log" not in (read_entry(site / "verify", d) or {}) for d in others.values() if d not in records)


_times = st.datetimes(min_value=dt.datetime(1970, 1, 1), max_value=dt.datetime(9999, 12, 31, 23, 59, 59))


@settings(max_examples=200, deadline=None)
@given(
    when=_times.map(lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")),
    until=_times.map(lambda t: t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")) | st.text(max_size=30),
    uuid=st.uuids().map(str) | st.uuids().map(lambda u: str(u).upper()),
    digest=st.binary(min_size=16, max_size=40).map(bytes.hex) | st.text(alphabet="0123456789abcdefABCDEF"),
    index=st.integers(min_value=0, max_value=10**9).map(str) | st.text(max_size=8),
    proof=st.text(max_size=100),
)
def test_the_page_rebuilds_what_the_writer_splits(
    node: Node, when: str, until: str, uuid: str, digest: str, index: str, proof: str
) -> None:
    """Any strings in the varying places: the writer's template and values (with their compact codecs, where
    they give the string back) rebuild the award exactly, in Python and on the page."""
    award = {
        "id": f"urn:uuid:{uuid}",
        "validFrom": when,
        "validUntil": until,
        "credentialSubject": {"identifier": [{"identityHash": f"sha256${digest}"}]},
        "credentialStatus": {"id": f"https://x.example/status/1.json#{index}", "statusListIndex": index},
        "proof": [{"created": when, "proofValue": proof}, {"created": until, "proofValue": "z" + proof}],
    }
    template, values = verifydata._templated(award, "i", "i/c")
    assert rebuild(template, values) == award
    assert node.ask(op="rebuild", template=template, values=values) == {"award": award}


@pytest.mark.parametrize(
    ("part", "value"),
    [(["time", "Zz"], "x"), (["time", "zzzzzzzzz"], "x"), (["hex", "a="], "x"), (["hex", "AB"], "x"),
     (["uuid", "AAAA"], "x"), (["nope", "x"], "x")],
)  # fmt: skip
def test_a_malformed_compact_value_is_refused_by_both(node: Node, part: list[str], value: str) -> None:
    template = {"award": {"id": None}, "holes": [[["id"], [part[0], 0]]]}
    with pytest.raises(TemplateError):
        rebuild(template, [part[1]])
    assert "refused" in node.ask(op="rebuild", template=template, values=[part[1]])


def test_rebuild_refuses_what_it_cannot_fill() -> None:
    template = {"award": {"a": [None, {"b": None}]}, "holes": [[["a", 1, "b"], "x:", 0]]}
    assert rebuild(template, ["1"]) == {"a": [None, {"b": "x:1"}]}
    assert template["award"] == {"a": [None, {"b": None}]}  # the template itself is untouched
    for values in ([], [1], None):
        with pytest.raises(TemplateError):
            rebuild(template, values)  # type: ignore[arg-type]
    with pytest.raises(TemplateError):
        rebuild({"award": {"a": []}, "holes": [[["a", 0], 0]]}, ["1"])


def test_an_altered_achievement_is_refused(node: Node, scenarios: dict[str, Any]) -> None:
    site, digest = scenarios["site"], award_hash(scenarios["awards"]["fresh"])
    entry = read_entry(site / "verify", digest)
    assert entry is not None
    sha = entry["award"]["credentialSubject"]["achievement"]["$achievement"]
    _edit_json(site / "verify" / "achievements" / f"{sha}.json", lambda d: d.update(name="Changed"))
    reply = _ask(node, site, hash=digest)
    assert reply["verdict"] == "invalid"
    assert "does not match the achievement's hash" in reply["checks"]["hash"][1]


def test_an_unsigned_change_to_the_status_list_is_not_trusted(node: Node, scenarios: dict[str, Any]) -> None:
    site, award = scenarios["site"], scenarios["awards"]["fresh"]
    status = site / "issuers" / "acme-academy" / "status" / "1.json"
    _edit_json(status, lambda d: d.update(validFrom="2020-01-01T00:00:00Z"))
    reply = _ask(node, site, hash=award_hash(award))
    assert reply["checks"]["status"][0] == "not checked"
    assert "signature does not verify" in reply["checks"]["status"][1]
    assert reply["verdict"] == "untrusted"


def test_a_revocation_reason_changed_after_signing_is_not_shown(node: Node, scenarios: dict[str, Any]) -> None:
    site, digest = scenarios["site"], award_hash(scenarios["awards"]["revoked"])
    _edit_json(_shard(site, digest), lambda d: d["awards"][digest]["revocation"].update(reason="Made up"))
    reply = _ask(node, site, hash=digest)
    assert reply["verdict"] == "revoked"  # the issuer's signed status list still says so
    assert "Made up" not in reply["checks"]["status"][1]
    assert "not shown" in reply["checks"]["status"][1]


# The issuer's revocation line against its signed status list: only a line signed by a key of the issuer, in force
# when it signed, vouches for a date and a reason, in `credreg verify` as on the page (status.py
# RegistryStatus.revocation, policies.js publishedRevocation). Each case: the bit (set or clear), the line.
REVOKED = "Assessment irregularity"
REVOCATION_CASES: dict[str, tuple[bool, str, str, str]] = {
    # case: (bit set, line, verdict, the status check's reason)
    "bit set, no line": (
        True,
        "none",
        "revoked",
        "revoked (the issuer's signed status list says so; no reason is published)",
    ),
    "bit set, signed line": (True, "signed", "revoked", f"revoked on 2026-06-01 for this reason: {REVOKED!r}"),
    "bit set, broken line": (
        True,
        "broken",
        "revoked",
        "revoked (the issuer's signed status list says so; the revocation's signature does not verify: {why}, "
        "so its date and reason are not shown)",
    ),
    "bit set, line by a key outside its window": (
        True,
        "late key",
        "revoked",
        "revoked (the issuer's signed status list says so; the revocation's signature is not trusted: signed on "
        "2026-06-01, after key key-3 was revoked (2025-05-01: key compromised), so its date and reason are not "
        "shown)",
    ),
    "bit clear, signed line": (False, "signed", "revoked", f"revoked on 2026-06-01 for this reason: {REVOKED!r}"),
    "bit clear, broken line": (
        False,
        "broken",
        "untrusted",
        "the status list says not revoked, but a revocation is published for it: the revocation's signature does "
        "not verify: {why}",
    ),
}


@pytest.mark.parametrize("case", sorted(REVOCATION_CASES))
def test_a_revocation_line_counts_only_when_its_issuer_signed_it_in_both(
    node: Node, signer: Signer, tmp_path: Path, case: str
) -> None:
    bit, line, verdict, reason = REVOCATION_CASES[case]
    award = signer.award(at=dt.datetime(2025, 1, 2, tzinfo=dt.UTC))
    root, issuer = signer.root, "acme-academy"
    status, log = layout.status_list_path(root, issuer, 1), layout.revocations_path(root, issuer)
    clear_list = status.read_bytes()  # signed, the award's bit clear
    late = signer.new_key(issuer, "key-3", since=EPOCH)  # revoked before it signs the line
    key_file = root / "keys" / issuer / "key-3.json"
    record = json.loads(key_file.read_text())
    record["revoked_at"], record["revocation_reason"] = "2025-05-01T00:00:00Z", "key compromised"
    key_file.write_text(json.dumps(record))
    revoked = revoke_award(signer.registry, award.hash, REVOKED, signer.key, now=NOW)
    entry = revoked.entry
    if line == "none":
        log.write_text("")
    elif line == "broken":
        entry = {**entry, "reason": "Made up by someone else"}
    elif line == "late key":
        did = signer.registry.issuer_did(issuer)
        entry = revocation_entry(did, award.hash, entry["statusList"], entry["statusListIndex"], REVOKED, late, NOW)
    if line != "none":
        log.write_text(json.dumps(entry) + "\n")
    if not bit:
        status.write_bytes(clear_list)
    registry = signer.registry
    site = publish(registry, tmp_path / "site")
    expected = Verifier(registry).verify(award.award, now=NOW)
    reply = _ask(node, site, hash=award.hash)
    assert_agrees(expected, reply, case)
    python = expected.check("status")
    assert python is not None
    assert reply["checks"]["status"] == [str(python.status), python.reason], case
    lead = expected.headline()
    assert reply["headline"] == {"kind": str(lead.kind), "text": lead.text}, case
    assert str(expected.verdict) == verdict, case
    why = python.reason.split("does not verify: ")[-1].split(", so its")[0]
    assert python.reason == reason.format(why=why), case
    assert "Made up" not in python.reason


def test_keys_of_another_issuer_on_the_site_do_not_count(node: Node, scenarios: dict[str, Any]) -> None:
    """A keys.json that lists a key under the wrong DID is refused rather than believed."""
    site, award = scenarios["site"], scenarios["awards"]["fresh"]
    _edit_json(site / "issuers" / "acme-academy" / "keys.json", lambda d: d.update(did="did:web:elsewhere.example"))
    reply = _ask(node, site, hash=award_hash(award))
    assert reply["kind"] == "data error"
    assert "keys.json is malformed" in reply["error"]


# --- the recipient: email × the earner's secret key ---------------------------------------------------------


def test_the_recipient_check_agrees_with_python(node: Node, scenarios: dict[str, Any]) -> None:
    """Right email with the key: confirmed; wrong email or key: refused; no key: cannot confirm."""
    award = scenarios["awards"]["fresh"]
    verifier = Verifier(scenarios["registry"])
    key = scenarios["keys"]["fresh"]
    seen = {}
    headlines = {}
    for recipient in (None, "  ADA@example.org", "eve@example.org", "not an email"):
        for recipient_key in (None, key, f"  {key.upper()} ", "0" * 32, ""):
            expected = verifier.verify(award, now=NOW, recipient=recipient, recipient_key=recipient_key)
            for request in ({"text": json.dumps(award)}, {"hash": award_hash(award)}):
                reply = _ask(node, scenarios["site"], recipient=recipient, recipientKey=recipient_key, **request)
                what = f"{recipient}/{recipient_key}/{sorted(request)}"
                assert_agrees(expected, reply, what)
                python = expected.check("recipient")
                assert python is not None
                # With no email or a malformed one, each says so in its own words (the page asks for one; Python
                # quotes the input with repr).
                own_words = recipient is None or recipient == "not an email"
                reason = reply["checks"]["recipient"][1] if own_words else python.reason
                assert reply["checks"]["recipient"] == [str(python.status), reason], what
                lead = expected.headline()
                assert reply["headline"] == {"kind": str(lead.kind), "text": lead.text}, what
            seen[recipient, recipient_key] = (str(expected.verdict), expected.check("recipient").reason)  # type: ignore[union-attr]
            headlines[recipient, recipient_key] = expected.headline().text
    assert seen["  ADA@example.org", key] == ("valid", "awarded to ada@example.org (the hashed recipient matches)")
    assert seen["  ADA@example.org", f"  {key.upper()} "][0] == "valid"
    assert seen["eve@example.org", key][0] == "recipient does not match"
    assert seen["  ADA@example.org", "0" * 32][0] == "recipient does not match"
    assert seen["  ADA@example.org", None][0] == "untrusted"
    assert seen["  ADA@example.org", None][1].startswith("cannot confirm without the recipient key")
    assert seen[None, key][0] == "valid"
    assert headlines["  ADA@example.org", key] == "Valid: a genuine award, in force, awarded to ada@example.org."
    assert headlines["eve@example.org", key] == "Genuine and in force, but not awarded to this email address."
    assert headlines["  ADA@example.org", None] == (
        "Genuine and in force, but the recipient can only be confirmed with their recipient key."
    )


# Spaces one side's trim() or \s knows and the other's strip() or \s does not: U+FEFF is JavaScript's whitespace,
# not Python's; U+001C-U+001F and U+0085 are Python's, not JavaScript's.
EDGE_SPACES = ["\ufeff", "\x1c", "\x1f", "\x85", "\u3000", "\u2028"]


@pytest.mark.parametrize("control", ["\x00", "\x07", "\x1b", "\x7f", "\x9b"])
def test_an_email_holding_a_control_character_is_no_address_on_either_side(
    node: Node, scenarios: dict[str, Any], control: str
) -> None:
    """NUL, BEL, ESC, DEL and a C1 character in an address were taken as part of it, by the page and by Python
    (a cohort file's stray byte bound an award to an address nobody can type): both now say it is none."""
    award = scenarios["awards"]["fresh"]
    key = scenarios["keys"]["fresh"]
    recipient = f"ada{control}@example.org"
    with pytest.raises(ValueError, match="is not an email address"):
        normalize_identifier(recipient)
    expected = Verifier(scenarios["registry"]).verify(award, now=NOW, recipient=recipient, recipient_key=key)
    python = expected.check("recipient")
    assert python is not None
    assert (str(python.status), python.reason.endswith("is not an email address")) == ("failed", True)
    reply = _ask(node, scenarios["site"], hash=award_hash(award), recipient=recipient, recipientKey=key)
    assert reply["checks"]["recipient"][0] == "failed"
    assert reply["checks"]["recipient"][1].endswith("is not an email address")
    assert reply["verdict"] == str(expected.verdict)


@pytest.mark.parametrize("space", EDGE_SPACES)
def test_an_email_or_key_typed_with_unusual_spaces_gets_python_s_answer(
    node: Node, scenarios: dict[str, Any], space: str
) -> None:
    """The page trimmed the email and key with String.prototype.trim and read the email with JavaScript's \\s,
    Python with str.strip and re's \\s: the same typed text confirmed the recipient on one side only."""
    award = scenarios["awards"]["fresh"]
    verifier = Verifier(scenarios["registry"])
    key = scenarios["keys"]["fresh"]
    for recipient, recipient_key in (
        (f"ada@example.org{space}", key),
        (f"{space}ada@example.org", key),
        (f"ada@exa{space}mple.org", key),
        ("ada@example.org", f"{key}{space}"),
        (space, key),
    ):
        expected = verifier.verify(award, now=NOW, recipient=recipient, recipient_key=recipient_key)
        reply = _ask(node, scenarios["site"], hash=award_hash(award), recipient=recipient, recipientKey=recipient_key)
        python = expected.check("recipient")
        assert python is not None
        assert reply["checks"]["recipient"][0] == str(python.status), (recipient, recipient_key, reply["checks"])
        assert reply["verdict"] == str(expected.verdict), (recipient, recipient_key)


@pytest.mark.parametrize("space", EDGE_SPACES, ids=lambda c: f"U+{ord(c):04X}")
def test_a_uri_or_a_log_key_with_unusual_spaces_gets_python_s_answer(node: Node, space: str) -> None:
    """The page read a credential's id and issuer as URIs with JavaScript's \\S, and trimmed a log's verifier key
    with trim(): a credential whose id ends in U+001C was well-formed to the page only, one ending in U+FEFF to
    Python only."""
    from generator.tlog.note import NoteError, parse_vkey
    from generator.verify.conformance import structure_problems

    base = {
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": "did:example:issuer",
    }  # fmt: skip
    for field, value in (
        ("id", f"urn:uuid:1{space}"),
        ("id", f"urn:uuid:1{space}2"),
        ("issuer", f"did:example:issuer{space}"),
        ("issuer", {"id": f"did:example:{space}x", "type": ["Profile"]}),
    ):
        doc = {**base, field: value}
        python = [p for p in structure_problems(doc) if p.startswith(("id:", "issuer:"))]
        page = [p for p in node.ask(op="structure", doc=doc)["problems"] if p.startswith(("id:", "issuer:"))]
        assert page == python, (field, value)
    from tests.tlog.test_note import SPEC_VKEY

    assert node.ask(op="vkey", text=SPEC_VKEY)["name"] == parse_vkey(SPEC_VKEY).name == "example.com/foo"
    for text in (f"{space}{SPEC_VKEY}", f"{SPEC_VKEY}{space}"):
        try:
            python_vkey: str | None = parse_vkey(text).name
        except NoteError:
            python_vkey = None
        assert node.ask(op="vkey", text=text).get("name") == python_vkey, text


def _with_identifier(award: dict[str, Any], identifier: Any) -> dict[str, Any]:
    changed = copy.deepcopy(award)
    changed["credentialSubject"]["identifier"] = identifier
    return changed


IDENTIFIERS: dict[str, Any] = {
    "published salt": [
        {
            "type": "IdentityObject",
            "identityType": "emailAddress",
            "hashed": True,
            "salt": "pepper",
            "identityHash": identity_hash("ada@example.org", "pepper"),
        },
    ],
    "unsalted": [
        {
            "type": "IdentityObject",
            "identityType": "emailAddress",
            "hashed": True,
            "identityHash": identity_hash("ada@example.org", "").upper().replace("SHA256$", "sha256$"),
        },
    ],
    "plain": [
        {"type": "IdentityObject", "identityType": "emailAddress", "hashed": False, "identityHash": " Ada@Example.org"}
    ],
    "null salt": [
        {
            "type": "IdentityObject",
            "identityType": "emailAddress",
            "hashed": True,
            "salt": None,
            "identityHash": identity_hash("ada@example.org", "None"),
        },
    ],
    "not email": [{"type": "IdentityObject", "identityType": "did", "hashed": False, "identityHash": "did:example:1"}],
    "not a list": {"identityType": "emailAddress"},
}


@pytest.mark.parametrize("form", sorted(IDENTIFIERS))
def test_identifier_forms_of_other_issuers_agree_with_python(node: Node, scenarios: dict[str, Any], form: str) -> None:
    award = _with_identifier(scenarios["awards"]["fresh"], IDENTIFIERS[form])
    verifier = Verifier(scenarios["registry"])
    for recipient in ("ada@example.org", "eve@example.org"):
        for recipient_key in (None, "pepper"):
            expected = verifier.verify(award, now=NOW, recipient=recipient, recipient_key=recipient_key)
            reply = _ask(
                node, scenarios["site"], text=json.dumps(award), recipient=recipient, recipientKey=recipient_key
            )
            python = expected.check("recipient")
            assert python is not None
            assert reply["checks"]["recipient"] == [str(python.status), python.reason], (form, recipient, recipient_key)


@pytest.mark.parametrize(
    ("recipient", "recipient_key"),
    [("ada@example.org", "pepper\ud800"), ("ada\ud800@example.org", "pepper"), ("ada\ud800@example.org", None)],
)
def test_a_lone_surrogate_typed_is_refused_not_hashed_as_u_fffd(
    node: Node, scenarios: dict[str, Any], recipient: str, recipient_key: str | None
) -> None:
    """A typed address or recipient key with a lone surrogate has no UTF-8: credreg refuses it, where the page
    hashed U+FFFD in its place and said "awarded to …" of an identifier hashed so (found by test_recipient_js.py)."""
    replaced = recipient.replace("\ud800", "\ufffd") + (recipient_key or "").replace("\ud800", "\ufffd")
    identifier = {"type": "IdentityObject", "identityType": "emailAddress", "hashed": True}
    identifier["identityHash"] = "sha256$" + hashlib.sha256(replaced.encode()).hexdigest()
    award = _with_identifier(scenarios["awards"]["fresh"], [identifier])
    expected = Verifier(scenarios["registry"]).verify(award, now=NOW, recipient=recipient, recipient_key=recipient_key)
    reply = _ask(node, scenarios["site"], text=json.dumps(award), recipient=recipient, recipientKey=recipient_key)
    python = expected.check("recipient")
    assert python is not None
    assert python.status == CheckStatus.FAILED
    assert reply["checks"]["recipient"] == [str(python.status), python.reason]


# Open Badges 3.0's IdentityHash names its algorithm: "sha256" or "md5". Only SHA-256 is compared here.
OTHER_ALGORITHMS = {
    "md5": "md5$" + hashlib.md5(b"ada@example.orgpepper").hexdigest(),
    "sha512": "sha512$" + hashlib.sha512(b"ada@example.orgpepper").hexdigest(),
    "no algorithm": hashlib.sha256(b"ada@example.orgpepper").hexdigest(),
}


@pytest.mark.parametrize("form", sorted(OTHER_ALGORITHMS))
def test_a_hash_of_another_algorithm_is_not_compared_rather_than_refused(
    node: Node, scenarios: dict[str, Any], form: str
) -> None:
    """An identityHash of another algorithm (Open Badges 3.0 allows md5) was compared as SHA-256 and said "the
    email address does not match the recipient", to its own recipient too: an employer read a true claim as a
    false one. Both sides now say it cannot be confirmed here, for any address, and the verdict is not valid."""
    ident = {"type": "IdentityObject", "identityType": "emailAddress", "hashed": True, "salt": "pepper"}
    award = _with_identifier(scenarios["awards"]["fresh"], [{**ident, "identityHash": OTHER_ALGORITHMS[form]}])
    verifier = Verifier(scenarios["registry"])
    for recipient in ("ada@example.org", "eve@example.org"):
        python = verifier.verify(award, now=NOW, recipient=recipient).check("recipient")
        assert python is not None
        assert (str(python.status), python.reason) == ("not checked", NOT_SHA256), recipient
        reply = _ask(node, scenarios["site"], text=json.dumps(award), recipient=recipient)
        assert reply["checks"]["recipient"] == [str(python.status), python.reason], recipient


# One person's address written two ways Unicode calls the same text (canonically equivalent): composed é (U+00E9)
# or e and a combining acute (U+0301), as macOS and some exports write it; Hangul as syllables or jamo.
SAME_ADDRESS = [
    ("jos\u00e9@example.org", "jose\u0301@example.org"),
    ("JOSE\u0301@EXAMPLE.ORG", "jos\u00e9@example.org"),
    ("\ud55c@example.org", "\u1112\u1161\u11ab@example.org"),
    ("ada@b\u00fccher.de", "ada@bu\u0308cher.de"),
]


@pytest.mark.parametrize(("awarded", "typed"), SAME_ADDRESS)
def test_one_address_in_either_unicode_composition_is_one_recipient_on_both_sides(
    node: Node, scenarios: dict[str, Any], awarded: str, typed: str
) -> None:
    """The address was hashed as typed, composed or not: an award made from a cohort file that wrote "josé" with a
    combining accent did not confirm the "josé" an employer types (and the other way round), on either side. Both
    now hash the address in Unicode's composed form (NFC); a different person still does not match."""
    key = "0123456789abcdef" * 2
    ident = {"type": "IdentityObject", "identityType": "emailAddress", "hashed": True}
    award = _with_identifier(scenarios["awards"]["fresh"], [{**ident, "identityHash": identity_hash(awarded, key)}])
    assert identity_hash(awarded, key) == identity_hash(typed, key)
    verifier = Verifier(scenarios["registry"])
    for recipient, status in ((typed, "passed"), (awarded, "passed"), ("jose@example.org", "failed")):
        python = verifier.verify(award, now=NOW, recipient=recipient, recipient_key=key).check("recipient")
        assert python is not None
        reply = _ask(node, scenarios["site"], text=json.dumps(award), recipient=recipient, recipientKey=key)
        assert str(python.status) == status, (recipient, python.reason)
        assert reply["checks"]["recipient"] == [str(python.status), python.reason], recipient


def test_an_award_hashed_before_addresses_were_composed_still_confirms(node: Node, scenarios: dict[str, Any]) -> None:
    """An award credreg hashed from a decomposed address (before NFC) confirms with that address as written, on
    both sides; another address does not."""
    _hashed_from_confirms(
        node,
        scenarios,
        "jose\u0301@example.org",
        [("JOSE\u0301@example.org", "passed"), ("jose@example.org", "failed")],
    )


def _hashed_from_confirms(node: Node, scenarios: dict[str, Any], hashed: str, typed: list[tuple[str, str]]) -> None:
    """An award whose recipient was hashed from ``hashed`` as it is (as an earlier credreg hashed it): each typed
    address gets its recipient check's status, in the same words from Python and the page."""
    key = "0123456789abcdef" * 2
    legacy = "sha256$" + hashlib.sha256((hashed + key).encode()).hexdigest()
    ident = {"type": "IdentityObject", "identityType": "emailAddress", "hashed": True, "identityHash": legacy}
    award = _with_identifier(scenarios["awards"]["fresh"], [ident])
    verifier = Verifier(scenarios["registry"])
    for recipient, status in typed:
        python = verifier.verify(award, now=NOW, recipient=recipient, recipient_key=key).check("recipient")
        assert python is not None
        reply = _ask(node, scenarios["site"], text=json.dumps(award), recipient=recipient, recipientKey=key)
        assert str(python.status) == status, (recipient, python.reason)
        assert reply["checks"]["recipient"] == [str(python.status), python.reason], recipient


# Letters whose lowercase a newer Unicode than Python's defines (U+A7CB is ɤ's capital in Unicode 16, U+1C89 a
# Cyrillic capital in 16, U+10D50 Garay): the page lowercased them, Python did not, so one typed address hashed
# to two values.
NEWER_LETTERS = ["\ua7cb", "\u1c89", "\U00010d50"]


@pytest.mark.parametrize("letter", NEWER_LETTERS, ids=lambda c: f"U+{ord(c):04X}")
def test_an_address_with_a_letter_python_does_not_know_is_refused_not_hashed(
    node: Node, scenarios: dict[str, Any], letter: str
) -> None:
    """A code point unassigned in Python's Unicode has no case Python knows: an award hashed from it by credreg
    would confirm on one side only (the page lowercases it by its own, newer Unicode). credreg refuses to award
    to it, and neither side confirms it."""
    address = f"ada{letter}@example.org"
    with pytest.raises(ValueError, match="is not an email address"):
        normalize_identifier(address)
    award = scenarios["awards"]["fresh"]
    key = scenarios["keys"]["fresh"]
    expected = Verifier(scenarios["registry"]).verify(award, now=NOW, recipient=address, recipient_key=key)
    reply = _ask(node, scenarios["site"], hash=award_hash(award), recipient=address, recipientKey=key)
    assert reply["checks"]["recipient"][0] == str(expected.check("recipient").status) == "failed"  # type: ignore[union-attr]
    assert reply["verdict"] == str(expected.verdict)


LINKS = [
    "a" * 64,
    "A" * 64 + "  ",
    "sha256:" + "b" * 64,
    "https://site.test/verify/#" + "c" * 64,
    "https://site.test/verify/#" + "c" * 64 + "~" + "0123456789ABCDEF" * 2,
    "https://site.test/verify/#" + "c" * 64 + "%7E" + "f" * 32,
    "https://site.test/verify/#" + "c" * 64 + "~",
    "https://site.test/verify/#" + "c" * 64 + "~Mixed_Case-key",
    "#" + "d" * 64 + "~k~k",
    "d" * 63,
    "not a link",
    "https://site.test/verify/#" + "e" * 64 + "~key/../x",
    # Whitespace of one language only (EDGE_SPACES): after the key, inside it, before the hash.
    *(f"https://site.test/verify/#{'c' * 64}~{'f' * 32}{space}" for space in ("\ufeff", "\x85", "\x1c")),
    *(f"https://site.test/verify/#{'c' * 64}~ab{space}cd" for space in ("\ufeff", "\x85")),
    *(f"x{space}{'c' * 64}" for space in ("\ufeff", "\x85")),
    # Escapes read once, as Python's unquote reads them: a stray "%" or a bad UTF-8 escape elsewhere in the link
    # (decodeURIComponent then decoded nothing), an escape made twice (decoded twice, another hash), a lone
    # surrogate in the key (no key this registry makes).
    "https://site.test/verify/?q=%ZZ#" + "c" * 64 + "%7E" + "f" * 32,
    "https://site.test/verify/?q=%FF#" + "c" * 64 + "%7e" + "f" * 32,
    "https://site.test/verify/#" + "c" * 64 + "~" + "f" * 32 + "%",
    "https://site.test/verify/#" + "c" * 64 + "~" + "f" * 32 + "%FF",
    "https://site.test/verify/#" + "c" * 64 + "~ab%EF%BB%BFcd",
    "https://site.test/verify/#" + "b" * 64 + "%2523" + "c" * 64,
    "https://site.test/verify/#" + "c" * 64 + "%257E" + "f" * 32,
    "https://site.test/verify/#" + "c" * 64 + "~ab%2523cd",
    "https://site.test/verify/#" + "c" * 64 + "~ab\ud800",
]


FILE_BYTES = {
    "plain": b'{"name": "Caf\xc3\xa9"}',
    "byte-order mark": b'\xef\xbb\xbf{"name": "Caf\xc3\xa9"}',
    "byte-order mark inside a string": b'{"name": "\xef\xbb\xbfCaf\xc3\xa9"}',
    "not UTF-8 (Latin-1)": b'{"name": "Caf\xe9"}',
    "a stray continuation byte": b'{"name": "Caf\x80"}',
    "overlong slash": b'{"name": "\xc0\xaf"}',
    "an encoded surrogate (CESU-8)": b'{"name": "\xed\xa0\x80"}',
    "UTF-16": '{"name": "x"}'.encode("utf-16"),
    "trailing whitespace": b'{"name": "x"}\n\t ',
    # A surrogate written as a JSON escape (valid UTF-8 bytes): JSON.parse read it, Python's reader refuses it.
    "a lone surrogate, escaped": b'{"name": "Team\\ud800work"}',
    "a lone low surrogate as a key, escaped": b'{"\\udc00": 1}',
    "a surrogate pair, escaped": b'{"name": "\\ud83d\\ude00"}',
    # Beyond a double: Python's reader refuses it ("number too large"), JSON.parse read Infinity, which the page's
    # RDFC check then called a number beyond 2**53: a file credreg verify cannot read, verified on the page.
    "a number beyond a double": b'{"creditsAvailable": 1E400}',
    "a negative number beyond a double": b'{"n": [-1e999]}',
    "a number below the least double (0)": b'{"n": 1e-400}',
    # Beyond ±(2**53 − 1): Python read it exactly (then no check could pass), JSON.parse as another number, which the
    # page refused in Chromium only (by the number's source text). Refused by both readers now, in any engine.
    "an integer beyond 2**53": b'{"n": 9007199254740993}',
    "a negative integer beyond 2**53": b'{"n": [1, -12345678901234567890]}',
    "a float beyond 2**53 (exact to both)": b'{"n": 9007199254740993.0}',
}


@pytest.mark.parametrize("name", sorted(FILE_BYTES))
def test_a_dropped_file_is_read_as_credreg_verify_reads_it(node: Node, tmp_path: Path, name: str) -> None:
    """The page read a dropped file with Blob.text(), which replaces bytes that are not UTF-8 and drops a byte-order
    mark: it verified files that `credreg verify` refuses. Now the same bytes give the same data, or a refusal."""
    raw = FILE_BYTES[name]
    path = tmp_path / "award.json"
    path.write_bytes(raw)
    try:
        python: Any = read_json_file(path, "award.json").data
    except SourceError:
        python = None
    reply = node.ask(op="file", bytes=base64.b64encode(raw).decode())
    assert reply.get("data") == python, (name, reply)
    readable = (
        "plain",
        "byte-order mark inside a string",
        "trailing whitespace",
        "a surrogate pair, escaped",
        "a number below the least double (0)",
        "a float beyond 2**53 (exact to both)",
    )
    assert (python is None) is (name not in readable)


COHORT_EDGES = ["", " ", "\t", "\r", "\u00a0", "\ufeff", "\u2028", "\u3000", "\x0b", "\x0c", "\x1c", "\x85"]


@pytest.mark.parametrize("edge", COHORT_EDGES)
def test_a_cohort_file_s_lines_are_read_as_credreg_reads_a_batch(node: Node, tmp_path: Path, edge: str) -> None:
    """The page split a cohort file into lines and trimmed each with JavaScript's trim(), which drops a no-break
    space, a byte-order mark, U+2028 and more: it checked lines that credreg's reader of a batch (awards.iter_lines,
    then the strict JSON reader) refuses. Now each line is read as that reader reads it, and what checking it
    reads is what credreg reads (or a refusal on both sides)."""
    awards = [{"n": 1}, {"n": 2, "s": "x y"}]
    text = "".join(f"{edge}{json.dumps(a)}{edge}\n" for a in awards) + f"{edge}\n"
    path = tmp_path / "cohort.jsonl"
    path.write_bytes(text.encode("utf-8"))
    python: list[list[Any]] = []
    for number, line in iter_lines(path):
        try:
            python.append([number, parse_award_text(line, "cohort.jsonl", number).data])
        except SourceError:
            python.append([number, None])
    assert node.ask(op="cohort", text=text)["lines"] == python, repr(edge)
    readable = ("", " ", "\t", "\r")
    assert all(data is not None for _, data in python) is (edge in readable)


PUBLISHED_BYTES = {
    "plain": b'{"n": "caf\xc3\xa9"}\n',
    "a byte-order mark": b'\xef\xbb\xbf{"n": "x"}\n',
    "a byte that is not UTF-8": b'{"n": "caf\xe9"}\n',
    "an encoded surrogate (CESU-8)": b'{"n": "\xed\xa0\x80"}\n',
}


@pytest.mark.parametrize("name", sorted(PUBLISHED_BYTES))
def test_a_published_file_is_read_as_credreg_reads_it(node: Node, tmp_path: Path, name: str) -> None:
    """The page read the site's JSON files (status lists, keys, records, endorsements, the index) with
    response.text(), which drops a byte-order mark and replaces bytes that are not UTF-8: it read files credreg
    refuses, and hashed for the log check (tlog.js, a status list against its logged version) other bytes than the
    host served. Now a file is its exact bytes as UTF-8 text, or refused, as credreg reads one (read_json_bytes)."""
    raw = PUBLISHED_BYTES[name]
    path = tmp_path / "verify-data" / "issuers" / "acme" / "status" / "1.json"
    path.parent.mkdir(parents=True)
    path.write_bytes(raw)
    try:
        python: Any = read_json_file(path, "1.json").data
    except SourceError:
        python = None
    with object_store(tmp_path) as (url, _):
        reply = node.ask(url=url, op="fetch json", path="issuers/acme/status/1.json")
    if python is None:
        assert reply["kind"] == "data error", (name, reply)
        assert "is not UTF-8 text" in reply["error"] or "is not valid JSON" in reply["error"], reply
    else:
        assert reply["data"] == python, (name, reply)
        assert base64.b64decode(reply["bytes"]) == raw  # what the page hashes is what was served
    assert (python is None) is (name != "plain")


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=st.lists(
        st.sampled_from(
            ["%", "%2", "%7e", "%7E", "%25", "%C3", "%A9", "%FF", "%EF%BB%BF", "%F0%9F", "%98%80", "%ED%A0%80"]
        )
        | st.sampled_from(["a", "F", "g", "~", "#", " ", "+", "\xe9", "\ufeff", "\U0001f600", "\x00"]),
        max_size=12,
    ).map("".join)
)
def test_the_page_decodes_escapes_as_python_s_unquote(node: Node, text: str) -> None:
    """parseLinkInput decoded with decodeURIComponent, all or nothing: a link credreg verify read (it decodes with
    urllib.parse.unquote, escape by escape, a bad UTF-8 sequence as U+FFFD) was refused or read otherwise."""
    assert node.ask(op="unquote", text=text) == {"text": urllib.parse.unquote(text)}, text


_LINK_PIECES = st.sampled_from(
    ["", "~", "%7E", "%7e", "%257E", "#", "%23", "/", "?", "&", "=", "%", "%FF", "%20", "%E3%80%80", "x", "f" * 16]
) | st.sampled_from([" ", "\ufeff", "\x85", "\u3000", "\u0661", "\uff43", "\ud800"])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    before=st.lists(_LINK_PIECES, max_size=3).map("".join),
    digest=st.sampled_from(["c" * 64, "C" * 64, "c" * 63, "c" * 65]),
    after=st.lists(_LINK_PIECES, max_size=5).map("".join),
)
def test_generated_links_parse_as_in_python(node: Node, before: str, digest: str, after: str) -> None:
    """Links made of the pieces the two parsers could read apart (escapes, stray "%", either language's spaces,
    look-alike digits, a lone surrogate): the same hash and key, or a refusal, on both."""
    text = f"https://site.test/verify/{before}#{digest}{after}"
    python = parse_verification_link(text)
    reply = node.ask(op="link", text=text)
    if python is None:
        assert "refused" in reply, (text, reply)
    else:
        assert reply == {"hash": python[0], "key": python[1]}, text


_KEY_PIECES = _LINK_PIECES | st.sampled_from(
    ["\uff5e", "%EF%BD%9E", "%ef%bd%9e", "\u223c", "%E2%88%BC", "\u301c", "%E3%80%9C", "\u02dc", "%CB%9C", "\u2053",
     "%E2%81%93", "%7e", "%2525", "\u007e", "\uff5f", "%EF%BD%9F", "%EF%BD", "\u0303", "\u2248", "'", '"', "\\",
     "\n", "@", "0123456789abcdef", "0123456789ABCDEF0123456789abcdef", "f"]
)  # fmt: skip


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.lists(_KEY_PIECES, max_size=8).map("".join))
def test_a_link_is_cut_before_its_key_as_in_python(node: Node, text: str) -> None:
    """What the page leaves in its address of a link it cannot read, and what credreg quotes of one in an error,
    is cut at the same place (one rule: "~", its escapes and look-alikes, decoded once): the page had its own list,
    searched decoded, credreg's searched as written, so "%EF%BD%9E" before a key was cut by one and not the other."""
    assert node.ask(op="before key", text=text) == {"text": before_key(text), "quoted": quoted_without_key(text)}, text


def test_links_parse_as_in_python(node: Node) -> None:
    for text in LINKS:
        python = parse_verification_link(text)
        reply = node.ask(op="link", text=text)
        if python is None:
            assert "refused" in reply, text
        else:
            assert reply == {"hash": python[0], "key": python[1]}, text
    assert parse_verification_link(LINKS[4]) == ("c" * 64, "0123456789abcdef" * 2)
    assert parse_verification_link(LINKS[7]) == ("c" * 64, "Mixed_Case-key")


def test_a_published_award_holding_a_float_beyond_2_53_is_reassembled_as_python_does(
    node: Node, signer: Signer, tmp_path: Path
) -> None:
    """The page read shard entries and templates by their text (the integer scan finds no integer in 1e+16), then
    copied the award it reassembles through JSON.stringify and parseJSON: JavaScript writes the float 1e16 as the
    integer 10000000000000000, which the scan refuses as beyond 2**53. An award Python hashes and shows (its float
    a float to every reader) was an error on the page, by hash only. The copy is now a copy of the value."""
    for at in (dt.datetime(2025, 3, 1, tzinfo=dt.UTC), dt.datetime(2025, 3, 2, tzinfo=dt.UTC)):
        issued = signer.award(at=at)
        award = {**issued.award, "x": [1e16, 9007199254740993.0, -1.5e20]}  # floats: JSON's, and Python's, exactly
        issued.path.unlink()
        issued.path.with_name(f"{award_hash(award)}.json").write_text(json.dumps(award), encoding="utf-8")
    registry = load_registry(signer.root).registry
    assert registry is not None
    site = publish(registry, tmp_path / "site")
    digests = [d for shard in (site / "verify" / "shards").glob("*.json.gz") for d in read_gzip_json(shard)["awards"]]
    assert len(digests) == 2
    for digest in digests:
        expected = read_entry(site / "verify", digest)
        assert expected is not None
        assert node.ask(op="entry", root=str(site) + "/", hash=digest)["entry"] == expected
        reply = _ask(node, site, hash=digest)
        assert reply["kind"] == "verified", reply
        assert reply["checks"]["hash"][0] == "passed", reply["checks"]["hash"]


@pytest.mark.parametrize(
    "text",
    [
        "[1e16, 9007199254740993.0, -1.5e20, 123456789012345680000.0, 1e21, 9007199254740991, -0.0, 0.5, 1e-7]",
        '{"credentialSubject": {"achievement": {"creditsAvailable": 1E+16}}, "name": "x\\u2028\\"", "e": {}, "a": []}',
    ],
)
def test_the_page_s_download_of_an_award_reads_back_as_that_award(node: Node, text: str) -> None:
    """The page wrote the award it found by hash with JSON.stringify, which writes the float 1e16 as the integer
    10000000000000000: a file credreg verify, the page itself and RFC 8785 refuse (beyond 2**53), though the award
    it came from was valid. jsonText writes such a number in exponent form, and everything else as JSON.stringify
    does."""
    value = json.loads(text)
    reply = node.ask(op="json text", text=text)
    written = reply["text"]
    with pytest.raises(SourceError, match="number too large"):  # what the page wrote before
        parse_json(reply["stringify"], "download.json", strict=True)
    assert parse_json(written, "download.json", strict=True).data == value  # credreg verify reads the same value
    assert canonicalize(json.loads(written)) == canonicalize(value)  # and hashes it alike
    assert node.ask(op="jcs", text=written)["ok"]  # the page reads its own download
    assert written == reply["stringify"].replace("10000000000000000", "1e+16").replace(
        "9007199254740992", "9.007199254740992e+15"
    ).replace("-150000000000000000000", "-1.5e+20").replace("123456789012345680000", "1.2345678901234568e+20")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=json_values)
def test_the_page_s_download_is_json_stringify_s_where_that_reads_back(node: Node, value: Any) -> None:
    reply = node.ask(op="json text", text=json.dumps(value))
    assert json.loads(reply["text"]) == json.loads(json.dumps(value))
    if not _python_refuses(reply["stringify"]):
        assert reply["text"] == reply["stringify"]


def _vkey_cases() -> dict[str, str]:
    """Verifier keys the log's policy may hold, each with its key id computed for its name and key (so that only the
    named flaw is one), and the flaws of the parts themselves."""
    import base64
    import hashlib

    from tests.tlog.test_note import SPEC_VKEY

    public = bytes(range(32))

    def vkey(name: str, material: bytes, hexid: str | None = None, encoded: str | None = None) -> str:
        hexid = hexid or hashlib.sha256(name.encode() + b"\n" + material).digest()[:4].hex()
        return f"{name}+{hexid}+{encoded or base64.b64encode(material).decode()}"

    good = vkey("log.example/a", b"\x01" + public)
    name, hexid, material = good.split("+", 2)
    short = b"\x01" + public[:31]  # 32 bytes: base64 with one "=" and two padding bits
    cases = {
        "spec": SPEC_VKEY,
        "good": good,
        "cosigner": vkey("witness.example/w", b"\x04" + public),
        "unicode name": vkey("журнал.example/é", b"\x01" + public),
        "type 0x02": vkey("log.example/a", b"\x02" + public),
        "type 0x00": vkey("log.example/a", b"\x00" + public),
        "32 bytes": vkey("log.example/a", short),
        "34 bytes": vkey("log.example/a", b"\x01" + public + b"\x00"),
        "padding bits set": vkey("log.example/a", short, encoded=base64.b64encode(short).decode()[:-2] + "B="),
        "padding missing": vkey("log.example/a", short, encoded=base64.b64encode(short).decode().rstrip("=")),
        "padding extra": f"{good}==",
        "space inside the base64": f"{name}+{hexid}+{material[:20]} {material[20:]}",
        "newline inside the base64": f"{name}+{hexid}+{material[:20]}\n{material[20:]}",
        "url-safe base64": vkey("log.example/a", b"\x01" + bytes([251] * 32)).replace("+", "-").replace("/", "_"),
        "wrong key id": f"{name}+{'0' * 8 if hexid != '0' * 8 else '1' * 8}+{material}",
        "key id in capitals": f"{name}+{hexid.upper()}+{material}",
        "key id of 7 digits": f"{name}+{hexid[:7]}+{material}",
        "key id of 9 digits": f"{name}+{hexid}0+{material}",
        "empty name": vkey("", b"\x01" + public),
        "no key id": f"{name}+{material}",
        "nothing": "",
        "plus only": "++",
    }
    for label, char in (
        ("space", " "), ("tab", "\t"), ("nbsp", "\u00a0"), ("control", "\x01"), ("delete", "\x7f"),
        ("zero width space", "\u200b"), ("line separator", "\u2028"), ("file separator", "\x1c"),
        ("next line", "\x85"), ("ideographic space", "\u3000"), ("bom", "\ufeff"), ("private use", "\ue000"),
    ):  # fmt: skip
        cases[f"name with {label}"] = vkey(f"log.example/{char}a", b"\x01" + public)
    # Spellings Python's base64 decodes (then refuses as not canonical) or does not, said alike.
    for spelling in ("", "=", "==", "A", "AA", "AA=", "AA==", "AB==", "AAA", "AAA=", "AAA==", "AAAA=", "AAAA==",
                     "AAAA===", "A=AA", "AA\n==", "AA%3D"):  # fmt: skip
        cases[f"base64 {spelling!r}"] = f"{name}+{hexid}+{spelling}"
    return cases


@pytest.mark.parametrize(("label", "text"), list(_vkey_cases().items()), ids=list(_vkey_cases()))
def test_the_page_reads_a_log_verifier_key_as_python_does(node: Node, label: str, text: str) -> None:
    """The page read a log's or a witness's verifier key with a base64 reader that took non-canonical spellings,
    without the key-name rule (a name with a space, a control character), and with any key type: keys the CLI, its
    monitor and its witnesses refuse. It takes the ones note.py ``parse_vkey`` takes, and refuses the rest in its
    words."""
    from generator.tlog.note import NoteError, parse_vkey

    try:
        verifier = parse_vkey(text)
        python: dict[str, Any] = {"name": verifier.name, "type": verifier.sig_type}
    except NoteError as exc:
        python = {"refused": str(exc)}
    assert node.ask(op="vkey", text=text) == python, label


# What nobody types in an address, each side's reason word for word: format characters (zero-width space, joiners,
# soft hyphen, word joiner, bidi controls and isolates, a byte order mark inside, a tag character), the rest of
# Default_Ignorable_Code_Point (variation selectors, Hangul fillers, the combining grapheme joiner), private use,
# BRAILLE PATTERN BLANK, U+FFFD; and a domain with an empty label (a trailing dot is the same mailbox to DNS but
# another string to the hash).
UNTYPABLE_ADDRESSES = [
    *(
        f"ad{char}a@example.org"
        for char in "\u200b\u200c\u200d\u00ad\u2060\ufeff\u202e\u2066\u2069\ufe0f\u3164\u115f\u034f"
        "\ue000\u2800\ufffd\u0600\u180e\U000e0041\U000e0100"
    ),
    "ada@example.org\u200b",
    "ada@example.org.",
    "ada@.example.org",
    "ada@example..org",
    # Dots IDNA reads as a label's end (ideographic, fullwidth, halfwidth ideographic full stop): the same mailbox as
    # with an ASCII dot to a mailer, another string to the hash.
    "ada@mail.example\u3002org",
    "ada@mail\uff0eexample.org",
    "ada@mail\uff61example.org",
    # Compatibility forms in a domain, which IDNA (NFKC) reads as their plain letter: a one dot leader and a small
    # full stop drawn as ".", a fullwidth at sign (``evil.org＠example.org`` reads as two addresses' worth), fullwidth
    # letters (``ｘｎ--`` is an A-label to a mailer), a ligature, a circled letter.
    "ada@mail.example\u2024org",
    "ada@mail\ufe52example.org",
    "ada@evil.org\uff20example.org",
    "ada@\uff45xample.org",
    "ada@\uff58\uff4e--bcher-kva.de",
    "ada@\ufb01ne.example.org",
    "ada@\u24d0da.example.org",
    # A capital sigma, whose small letter (σ or ς) depends on whether the letters around it are cased, which
    # Unicode versions answer differently (U+0295 was cased in Python's Unicode 14, is not in V8's 17): ``ʕΣ@x.org``
    # was hashed as ``ʕς@x.org`` by credreg and compared as ``ʕσ@x.org`` by the page.
    "\u0295\u03a3@example.org",
    "\u0391\u03a3\u0295@example.org",
    "\u039d\u0399\u039a\u039f\u03a3@example.gr",
]


@pytest.mark.parametrize("address", UNTYPABLE_ADDRESSES, ids=ascii)
def test_an_address_holding_what_nobody_types_is_refused_alike_on_both_sides(
    node: Node, scenarios: dict[str, Any], address: str
) -> None:
    """An address with an invisible character or an empty domain label was hashed as typed: a cohort file's stray
    zero-width space bound an award to an address its earner can never type, and the page then said "awarded to
    ada@example.org" of a string that was not that. Both sides now refuse it, saying which code point."""
    with pytest.raises(ValueError, match="is not an email address: "):
        normalize_identifier(address)
    award = scenarios["awards"]["fresh"]
    key = scenarios["keys"]["fresh"]
    python = Verifier(scenarios["registry"]).verify(award, now=NOW, recipient=address, recipient_key=key)
    check = python.check("recipient")
    assert check is not None
    assert str(check.status) == "failed"
    reasons = ("which nobody can type", "empty label", "ASCII full stops", "a mailer reads as", "capital sigma")
    assert any(words in check.reason for words in reasons), check.reason
    reply = _ask(node, scenarios["site"], hash=award_hash(award), recipient=address, recipientKey=key)
    assert reply["checks"]["recipient"] == [str(check.status), check.reason]


def test_an_award_to_an_ascii_domain_is_refused_at_issuance_but_still_confirms(
    node: Node, scenarios: dict[str, Any]
) -> None:
    """``ada@bücher.de`` and ``ada@xn--bcher-kva.de`` are one mailbox and were two hashes. credreg now awards only to
    the domain as its earner types it; an award hashed earlier from the xn-- form still confirms with that form
    typed, on both sides."""
    with pytest.raises(ValueError, match="write it as the earner types it"):
        normalize_identifier("ada@XN--bcher-kva.de")
    assert normalize_identifier("Ada@B\u00fccher.de") == "ada@b\u00fccher.de"
    _hashed_from_confirms(
        node, scenarios, "ada@xn--bcher-kva.de", [("ADA@xn--bcher-kva.de", "passed"), ("ada@b\u00fccher.de", "failed")]
    )
