"""A genuine Open Badges 3.0 credential from another issuer (issue 15): signed ``eddsa-rdfc-2022`` only, as
1EdTech's own samples are, by a ``did:key`` issuer, with the OB 3.0 context. ``credreg verify`` reports a valid
signature from an unregistered issuer (not "INVALID"); a broken RDFC proof fails. The page, which canonicalizes
RDF with the vendored jsonld, says the same.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import hashlib
import json
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pyld import jsonld

from generator._internal.source import SourceError, parse_json
from generator.awarding.keys import SigningKey
from generator.awarding.signing import sign_document
from generator.crypto import ContextStore, ed25519
from generator.crypto.dataintegrity import RDFC
from generator.crypto.multibase import b58encode, did_key_from_public
from generator.crypto.rdfc import unportable_reason
from generator.load import load_registry
from generator.verify import Verifier
from tests.conftest import REPO, make_registry
from tests.site.test_verify_js import NODE, NOW, Node, publish

SEED = bytes(range(1, 33))


def onedtech_style_sample() -> dict[str, Any]:
    """Shaped like 1EdTech's OB 3.0 examples (issuer profile, achievement with criteria and image, awarded date),
    signed only with eddsa-rdfc-2022 by a did:key."""
    did = did_key_from_public(ed25519.public_from_seed(SEED))
    unsigned = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "http://example.com/credentials/3527",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": did, "type": ["Profile"], "name": "Example Corp"},
        "validFrom": "2010-01-01T00:00:00Z",
        "name": "Teamwork Badge",
        "credentialSubject": {
            "id": "did:example:ebfeb1f712ebc6f1c276e12ec21",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://example.com/achievements/21st-century-skills/teamwork",
                "type": ["Achievement"],
                "criteria": {
                    "narrative": "Team members are nominated for this badge by their peers and recognized upon "
                    "review by Example Corp management."
                },
                "description": "This badge recognizes the development of the capacity to collaborate within a "
                "group environment.",
                "name": "Teamwork",
            },
        },
    }
    method = f"{did}#{did.removeprefix('did:key:')}"
    return sign_document(unsigned, SigningKey("x", "x", SEED), method, dt.datetime(2024, 1, 1, tzinfo=dt.UTC), (RDFC,))


def _broken(sample: dict[str, Any]) -> dict[str, Any]:
    out = json.loads(json.dumps(sample))
    proof = out["proof"][0] if isinstance(out["proof"], list) else out["proof"]  # one proof: not in a list
    value = proof["proofValue"]
    proof["proofValue"] = value[:-3] + ("abc" if value[-3:] != "abc" else "abd")
    return out


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_registry(tmp_path_factory.mktemp("foreign") / "registry-root")


def _cli(root: Path, doc: dict[str, Any], tmp_path: Path) -> tuple[int, dict[str, Any], str]:
    path = tmp_path / "credential.json"
    path.write_text(json.dumps(doc, indent=2))
    run = [sys.executable, "-m", "generator", "--root", str(root), "verify", str(path)]
    as_json = subprocess.run([*run, "--format", "json"], capture_output=True, text=True, check=False)
    text = subprocess.run(run, capture_output=True, text=True, check=False)
    assert not as_json.stderr, as_json.stderr
    assert not text.stderr, text.stderr
    return as_json.returncode, json.loads(as_json.stdout), text.stdout


def test_the_cli_reports_a_genuine_signature_from_an_unregistered_issuer(root: Path, tmp_path: Path) -> None:
    code, result, text = _cli(root, onedtech_style_sample(), tmp_path)
    assert result["headline_kind"] == "issuer not registered"
    assert result["headline"] == "Genuine signature, but its issuer is not registered here."
    assert result["authentic"] is True
    statuses = {c["id"]: c["status"] for c in result["checks"]}
    assert statuses[f"proof:{RDFC}"] == "passed"
    assert statuses["issuer"] == "failed"
    assert code == 1  # not valid here: its issuer is not one this registry vouches for
    assert text.startswith("Genuine signature, but its issuer is not registered here.\n")
    assert "INVALID" not in text


def test_a_broken_rdfc_proof_fails_in_the_cli(root: Path, tmp_path: Path) -> None:
    code, result, text = _cli(root, _broken(onedtech_style_sample()), tmp_path)
    assert (code, result["verdict"], result["headline_kind"]) == (1, "invalid", "changed")
    assert text.startswith("This file was changed after it was issued")


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    runner = Node(tmp_path_factory.mktemp("foreign-js"))
    yield runner
    runner.close()


@pytest.mark.skipif(NODE is None, reason="node is not installed")
@pytest.mark.parametrize("broken", [False, True])
def test_the_page_agrees_with_the_cli(node: Node, root: Path, tmp_path: Path, broken: bool) -> None:
    """The page canonicalizes RDF too: the same headline as credreg verify, for the sample and its broken proof."""
    registry = load_registry(root).registry
    assert registry is not None
    site = publish(registry, tmp_path / "site")
    doc = _broken(onedtech_style_sample()) if broken else onedtech_style_sample()
    reply = node.ask(op="verify", root=f"{site}/", now=NOW.isoformat(), text=json.dumps(doc))
    expected = Verifier(registry).verify(doc, now=NOW)
    assert reply["verdict"] == str(expected.verdict) == ("invalid" if broken else "untrusted")
    lead = expected.headline()
    assert reply["headline"] == {"kind": str(lead.kind), "text": lead.text}
    assert lead.kind == ("changed" if broken else "issuer not registered")
    assert reply["checks"][f"proof:{RDFC}"][0] == ("failed" if broken else "passed")


def test_the_page_s_contexts_are_the_toolkit_s() -> None:
    """One set of JSON-LD contexts: the page's copy (served to rdfc.js) is byte for byte the toolkit's."""
    ours = REPO / "generator/crypto/contexts"
    page = REPO / "generator/site/assets/verify/contexts"
    names = sorted(p.name for p in ours.iterdir())
    assert names == sorted(p.name for p in page.iterdir())
    for name in names:
        assert (page / name).read_bytes() == (ours / name).read_bytes(), name


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_an_unknown_context_is_refused_without_a_request(node: Node, root: Path, tmp_path: Path) -> None:
    registry = load_registry(root).registry
    assert registry is not None
    site = publish(registry, tmp_path / "site")
    doc = onedtech_style_sample()
    doc["@context"] = [*doc["@context"], "https://contexts.example.net/extra.json"]
    reply = node.ask(op="verify", root=f"{site}/", now=NOW.isoformat(), text=json.dumps(doc))
    assert reply["verdict"] == "invalid"
    status, reason = reply["checks"][f"proof:{RDFC}"]
    assert status == "failed"
    assert "unknown JSON-LD context" in reason
    assert str(Verifier(registry).verify(doc, now=NOW).verdict) == "invalid"


NAMESAKES = [
    ("Acme Academy", True),  # the registered issuer's own name
    ("\u0410cme  academy", True),  # a Cyrillic А, another case, two spaces
    ("\uff21\uff43\uff4d\uff45 \u0391cademy", True),  # fullwidth letters and a Greek Α
    ("Acme\u2800Academy\u200d", True),  # a braille blank for the space, a zero-width joiner (shows as nothing)
    ("Acme Academies", False),
    ("Ácme Academy", False),  # an accent reads differently
]


@pytest.mark.parametrize(("name", "alike"), NAMESAKES)
def test_an_unregistered_issuer_named_like_a_registered_one_is_said_to_be_so(
    node: Node, root: Path, tmp_path: Path, name: str, alike: bool
) -> None:
    """A genuine credential whose issuer is not registered here but names itself like one that is: credreg verify
    and the page say, in the same words, whose name it reads like, so a reader is not misled by it. The verdict is
    the same as for any other unregistered issuer."""
    sample = onedtech_style_sample()
    unsigned = {k: v for k, v in sample.items() if k != "proof"}
    unsigned["issuer"] = {**unsigned["issuer"], "name": name}
    did = unsigned["issuer"]["id"]
    doc = sign_document(
        unsigned, SigningKey("x", "x", SEED), f"{did}#{did.removeprefix('did:key:')}",
        dt.datetime(2024, 1, 1, tzinfo=dt.UTC), (RDFC,),
    )  # fmt: skip
    code, result, _ = _cli(root, doc, tmp_path)
    [issuer] = [c for c in result["checks"] if c["id"] == "issuer"]
    words = (
        f"{did} is not an issuer registered in this registry; its name {name!r} reads like that of acme-academy, "
        "a registered issuer ('Acme Academy'), which it is not"
    )
    assert issuer["reason"] == (words if alike else f"{did} is not an issuer registered in this registry")
    assert (code, result["headline_kind"], result["authentic"]) == (1, "issuer not registered", True)
    if NODE is None:
        return
    registry = load_registry(root).registry
    assert registry is not None
    site = publish(registry, tmp_path / "site")
    reply = node.ask(op="verify", root=f"{site}/", now=NOW.isoformat(), text=json.dumps(doc))
    assert reply["checks"]["issuer"] == ["failed", issuer["reason"]]
    assert reply["verdict"] == result["verdict"] == "untrusted"
    assert reply["headline"]["kind"] == "issuer not registered"


def _signed_over(unsigned: dict[str, Any], nquads: Callable[[dict[str, Any]], str]) -> dict[str, Any]:
    """``unsigned`` with an ``eddsa-rdfc-2022`` proof over the N-Quads ``nquads`` gives of it and of its proof
    configuration: a signer that refuses nothing (the registry's own signing refuses these values)."""
    did = unsigned["issuer"]["id"]
    proof = {
        "type": "DataIntegrityProof",
        "cryptosuite": RDFC,
        "created": "2024-01-01T00:00:00Z",
        "verificationMethod": f"{did}#{did.removeprefix('did:key:')}",
        "proofPurpose": "assertionMethod",
    }

    def digest(doc: dict[str, Any]) -> bytes:
        return hashlib.sha256(nquads(copy.deepcopy(doc)).encode()).digest()

    data = digest({**proof, "@context": unsigned["@context"]}) + digest(unsigned)
    return {**unsigned, "proof": {**proof, "proofValue": "z" + b58encode(ed25519.sign(SEED, data))}}


def _stock_pyld(doc: dict[str, Any]) -> str:
    """Stock pyld 3.3.0's N-Quads, as credreg verify computed them before it refused these values."""
    options = {"algorithm": "URDNA2015", "format": "application/n-quads"}
    result: str = jsonld.normalize(doc, {**options, "documentLoader": ContextStore.bundled().load})
    return result


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ECHAR = {"\b": "\\b", "\f": "\\f"}


def _rdf_canonize(doc: dict[str, Any]) -> str:
    """The N-Quads of RDFC-1.0's other implementations (rdf-canonize, under the page's jsonld and Digital Bazaar's
    verifier) for a document whose only difference is a control character in a literal: escaped, and sorted so."""
    lines = _stock_pyld(doc).split("\n")[:-1]  # (not splitlines: U+000B and U+000C end a line there)
    escaped = [_CONTROL.sub(lambda m: _ECHAR.get(m.group(), f"\\u{ord(m.group()):04X}"), line) for line in lines]
    return "".join(f"{line}\n" for line in sorted(escaped))


UNPORTABLE = [
    (9007199254740993, "a number beyond ±(2**53 − 1), which JavaScript reads as another number"),
    (-(2**53 + 1), "a number beyond ±(2**53 − 1), which JavaScript reads as another number"),
    (2**53, "a number beyond ±(2**53 − 1), which JavaScript reads as another number"),
    (1e300, "a number beyond ±(2**53 − 1), which JavaScript reads as another number"),
    (1e-7, "a number below 10**-6, which JavaScript JSON-LD processors canonicalize as 0"),
    (1000000000000000.5, "a number halfway between two 16-digit decimals, which JSON-LD processors round either way"),
    ("Team\x0bwork", "text holding U+000B, which canonical N-Quads write escaped and pyld as it is"),
    ("Team\x7fwork", "text holding U+007F, which canonical N-Quads write escaped and pyld as it is"),
    ("Team\x08work", "text holding U+0008, which canonical N-Quads write escaped and pyld as it is"),
]


@pytest.mark.skipif(NODE is None, reason="node is not installed")
@pytest.mark.parametrize("signer", ["pyld", "rdf-canonize"])
@pytest.mark.parametrize(("value", "problem"), UNPORTABLE)
def test_a_value_canonicalized_otherwise_elsewhere_gets_one_verdict(
    node: Node, root: Path, tmp_path: Path, value: Any, problem: str, signer: str
) -> None:
    """An RDFC proof over a value pyld and rdf-canonize (under the page's jsonld) canonicalize apart held in one and
    failed in the other: ``9007199254740993`` (Python reads it exactly, JavaScript as ``…992``), ``2**53`` (which
    JavaScript cannot tell from it), ``1e-7`` (``0`` in jsonld.js), a double halfway between two 16-digit decimals
    (rounded apart), a control character in text (escaped by rdf-canonize only). credreg verify called a proof
    made over pyld's N-Quads genuine and the page called it changed, and the other way round for a proof over
    rdf-canonize's. Now neither checks a proof over such a value, and both say why in the same words."""
    if signer == "rdf-canonize" and not isinstance(value, str):
        pytest.skip("rdf-canonize's N-Quads are built here for a control character only")
    unsigned = {k: v for k, v in onedtech_style_sample().items() if k != "proof"}
    achievement = unsigned["credentialSubject"]["achievement"]
    key = "name" if isinstance(value, str) else "creditsAvailable"
    achievement[key] = value
    doc = _signed_over(unsigned, _stock_pyld if signer == "pyld" else _rdf_canonize)
    registry = load_registry(root).registry
    assert registry is not None
    site = publish(registry, tmp_path / "site")
    python = Verifier(registry).verify(doc, now=NOW)
    [proof] = [c for c in python.checks if c.id == f"proof:{RDFC}"]
    assert (str(proof.status), proof.reason) == (
        "failed",
        unportable_reason(f"credentialSubject.achievement.{key}", problem),
    )
    if type(value) is int:
        # Beyond ±(2**53 − 1), the text is no JSON either reader reads (source.py _safe_int, jcs.js parseJSON): a
        # file holding it is refused as JSON by credreg verify and by the page alike (the dict above is Python's
        # own check of the value, for a caller that hands over data).
        text = json.dumps(doc)
        with pytest.raises(SourceError, match="number too large"):
            parse_json(text, "award.json")
        refused = node.ask(op="file", bytes=base64.b64encode(text.encode()).decode())
        assert "is too large for JSON canonicalization" in refused["refused"], refused
        return
    reply = node.ask(op="verify", root=f"{site}/", now=NOW.isoformat(), text=json.dumps(doc))
    lead = python.headline()
    assert reply["verdict"] == str(python.verdict) == "invalid"
    assert reply["headline"] == {"kind": str(lead.kind), "text": lead.text}
    assert reply["checks"][f"proof:{RDFC}"] == ["failed", proof.reason]


# --- a node written as nothing but its id: OB 3.0's Criteria by its URL ----------------------------------------------


def _criteria_by_id() -> dict[str, Any]:
    """The sample with its achievement's criteria given by URL only, as OB 3.0's ``Criteria`` allows (``id`` or
    ``narrative``; it has no ``type``): an object, as OB 3.0's JSON schema requires. Compaction writes it as the
    bare URL (``criteria`` is an ``@id`` term), which the schema refuses."""
    unsigned = {k: v for k, v in onedtech_style_sample().items() if k != "proof"}
    unsigned["credentialSubject"]["achievement"]["criteria"] = {
        "id": "https://example.com/achievements/21st-century-skills/teamwork/criteria"
    }
    did = unsigned["issuer"]["id"]
    method = f"{did}#{did.removeprefix('did:key:')}"
    return sign_document(unsigned, SigningKey("x", "x", SEED), method, dt.datetime(2024, 1, 1, tzinfo=dt.UTC), (RDFC,))


def test_a_conformant_credential_naming_its_criteria_by_url_is_well_formed(
    node: Node, root: Path, tmp_path: Path
) -> None:
    """``credreg verify`` called it "not a well-formed award" (its JSON "does not read as the graph it signs"): the
    compact-form rule took ``{"id": URL}`` and the ``URL`` compaction gives back for it for two things, though they
    are one node in the signed graph and the checks read one URL from either. The page said "Genuine signature, but
    its issuer is not registered here.". Both now say that; the criteria's URL is what was signed."""
    doc = _criteria_by_id()
    code, result, text = _cli(root, doc, tmp_path)
    statuses = {c["id"]: c["status"] for c in result["checks"]}
    assert statuses["structure"] == "passed", result["checks"]
    assert text.startswith("Genuine signature, but its issuer is not registered here.\n")
    assert (code, result["headline_kind"], result["authentic"]) == (1, "issuer not registered", True)
    assert statuses[f"proof:{RDFC}"] == "passed"
    # The compact form itself (the bare URL) is still refused by the OB 3.0 structure, in both.
    bare = copy.deepcopy(doc)
    bare["credentialSubject"]["achievement"]["criteria"] = bare["credentialSubject"]["achievement"]["criteria"]["id"]
    assert _cli(root, bare, tmp_path)[1]["headline_kind"] == "malformed"
    if NODE is None:
        return
    registry = load_registry(root).registry
    assert registry is not None
    site = publish(registry, tmp_path / "site")
    reply = node.ask(op="verify", root=f"{site}/", now=NOW.isoformat(), text=json.dumps(doc))
    assert reply["checks"]["structure"][0] == "passed"
    assert reply["headline"] == {"kind": "issuer not registered", "text": result["headline"]}
