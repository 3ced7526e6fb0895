"""The browser and the CLI reach the same verdict on the same file: a differential corpus (issue 9, item 9).

Every case below is verified by the Python :class:`~generator.verify.Verifier` (what ``credreg verify`` runs; a
sample also through the real CLI) and by the page's verifier in Node (the harness of ``test_verify_js.py``),
against one registry and the site data built from it. They must give the same verdict, and the same status on
every check both make (and the same words for a malformed credential), with exactly one documented exception,
where the browser cannot do a check:

* (none since issue 15: the page canonicalizes RDF too, with the vendored jsonld loaded only for a file that is
  not an award the build published as it is, and checks every ``eddsa-rdfc-2022`` proof Python checks. The
  "rdfc" tally below must stay 0: a browser that cannot check such a proof says "cannot be fully checked here".)
* (none either for a credential of an issuer not registered here: the page makes the compact-form rule's JSON-LD
  round trip too, with the same jsonld, and says the same in the same words. It applied only the rule's JSON rules
  until then, and said "Genuine signature, but its issuer is not registered here." of a file Python found not
  well-formed, one whose ``validUntil`` is ``null``, say, which JSON-LD drops from what it signs.)

The corpus: every spelling of :mod:`tests.spellings` (item 1) on a revoked and an expired award of the registry
and on a foreign credential; an issuer posing as another, published and not (item 2); an award of an earlier
definition version; an award carrying its issuer's former profile (a rebrand), published and not; the tamper
cases of ``test_verify_js.py``; altered RDFC and JCS proof values, one proof removed, proofs swapped, proof
values exchanged, a proof re-pointed to another key; and the published awards by hash and by file.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator import layout
from generator.awarding.keys import SigningKey, generate_key
from generator.awarding.revoke import revoke_award
from generator.awarding.signing import sign_document
from generator.awards import award_filename, award_hash, render_award
from generator.crypto import ed25519
from generator.crypto.dataintegrity import CRYPTOSUITES, JCS, RDFC, add_proofs, create_proof
from generator.crypto.multibase import b58encode, did_key_from_public, verification_method_for
from generator.load import load_registry
from generator.verify import Verifier
from generator.verify.results import HeadlineKind
from tests.conftest import EPOCH, Signer, make_registry
from tests.site.test_verify_js import NODE, TAMPERS, Node, publish
from tests.spellings import ONLY_JCS, ONLY_RDFC, SPELLINGS
from tests.verify.test_proof_shape import signed_over_unescaped_iri

NOW = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
#: Awards carrying acme's former profile (used until 2025-05-01), published: each proof's created as written (the
#: award's validFrom the first), and the verdict both give. Written with an offset, or signed at two times, the award
#: is malformed (an award's times are whole seconds in UTC, each proof created at its validFrom: times.py
#: PUBLISHED_TIME_PATTERN); its issuer check still reads the day in UTC, alike (test_a_former_profile_out_...).
_LATE, _EARLY = ("2025-05-01T23:30:00-01:00",) * 2, ("2025-05-02T00:30:00+01:00",) * 2
FORMER_TIMES: dict[str, tuple[tuple[str, str], str]] = {
    "former issuer profile, signed on its until day": (("2025-05-01T23:30:00Z",) * 2, "valid"),
    "former issuer profile, signed the day after its until": (("2025-05-02T00:00:00Z",) * 2, "untrusted"),
    "former issuer profile, signed on its until day but the next in UTC": (_LATE, "invalid"),
    "former issuer profile, signed the next day but its until day in UTC": (_EARLY, "invalid"),
    "former issuer profile, one proof in time and one after": (
        ("2025-04-30T09:00:00Z", "2025-05-02T09:00:00Z"),
        "invalid",
    ),
}
RDFC_CHECK = f"proof:{RDFC}"

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    runner = Node(tmp_path_factory.mktemp("differential-js"))
    yield runner
    runner.close()


def _resigned(
    signer: Signer,
    award: dict[str, Any],
    change: dict[str, Any],
    *,
    store: bool,
    created: tuple[str, str] | None = None,
) -> dict[str, Any]:
    """``award`` changed and signed again with acme's own key (each proof ``created`` as written, when given);
    written into the registry when ``store``."""
    unsigned = copy.deepcopy({k: v for k, v in award.items() if k != "proof"})
    for key, value in change.items():
        if key == "achievement":
            unsigned["credentialSubject"]["achievement"].update(value)
        elif key == "issuer":
            unsigned["issuer"].update(value)
            unsigned["credentialSubject"]["achievement"]["creator"] = unsigned["issuer"]
        else:
            unsigned[key] = value
    vm = award["proof"][0]["verificationMethod"]
    if created is None:  # at its validFrom, as the registry signs (Award.signed_at_valid_from)
        signed = sign_document(unsigned, signer.key, vm, dt.datetime.fromisoformat(unsigned["validFrom"]))
    else:
        unsigned["validFrom"] = unsigned["awardedDate"] = created[0]
        proofs = [
            create_proof(unsigned, cryptosuite=suite, seed=signer.key.seed, verification_method=vm, created=when)
            for suite, when in zip(CRYPTOSUITES, created, strict=True)
        ]
        signed = add_proofs(unsigned, proofs)
    if store:
        digest = award_hash(signed)
        path = award_filename(signer.root, "acme-academy", signed, digest)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render_award(signed))
    return signed


def _with_proof(award: dict[str, Any], index: int, **change: Any) -> dict[str, Any]:
    out = copy.deepcopy(award)
    out["proof"][index].update(change)
    return out


def _flip(value: str) -> str:
    return value[:-3] + ("abc" if value[-3:] != "abc" else "abd")


def _identity_key_forgery(unsigned: dict[str, Any], *, fragment_only: bool = False) -> dict[str, Any]:
    """A credential "signed" by the identity point's did:key: R = identity, S = 0 holds for every message in the
    browser's Ed25519 (and OpenSSL's), not in libsodium's (tests/site/test_ed25519_js.py). ``fragment_only``: the
    proofs name the key as a Multikey fragment of another DID, not as a did:key."""
    identity = b"\x01" + bytes(31)
    did = did_key_from_public(identity)
    multikey = did.removeprefix("did:key:")
    doc = copy.deepcopy(unsigned)
    doc["issuer"] = {**doc["issuer"], "id": did}
    doc["credentialSubject"]["achievement"]["creator"] = doc["issuer"]
    method = f"did:web:elsewhere.example#{multikey}" if fragment_only else f"{did}#{multikey}"
    forged = "z" + b58encode(identity + bytes(32))
    proofs = [
        {
            "type": "DataIntegrityProof",
            "cryptosuite": suite,
            "created": "2024-01-01T00:00:00Z",
            "verificationMethod": method,
            "proofPurpose": "assertionMethod",
            **({"@context": doc["@context"]} if suite == JCS else {}),
            "proofValue": forged,
        }
        for suite in CRYPTOSUITES
    ]
    return {**doc, "proof": proofs}


def _method_spellings(method: str, key: SigningKey) -> dict[str, str]:
    """``method`` (``<did>#key-1``) spelled as other tools might, each naming no registered method."""
    did, _, fragment = method.partition("#")
    host = did.split(":")[2]
    return {
        "with a percent-encoded fragment": f"{did}#{fragment.replace('-', '%2D')}",
        "with its fragment in uppercase": f"{did}#{fragment.upper()}",
        "with a DID query": f"{did}?versionId=1#{fragment}",
        "with a trailing slash": f"{did}#{fragment}/",
        "twice": f"{method}#{fragment}",
        "with the DID's host in uppercase": method.replace(host, host.upper(), 1),
        "with the DID's path percent-encoded": method.replace(":issuers:", ":%69ssuers:", 1),
        "as a did:key": verification_method_for(key.public),
        "under another DID with its Multikey": f"did:web:elsewhere.example#{key.public_multibase}",
    }


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("corpus")
    root = make_registry(tmp / "registry-root")
    (root / "keys" / "acme-academy" / "key-2025.json").unlink()
    loaded = load_registry(root)
    assert loaded.registry is not None
    made = generate_key(loaded.registry, "acme-academy", key_id="key-1", now=EPOCH, private_path=tmp / "k/key-1.key")
    signer = Signer(root, made.private_path, tmp / "k")
    key2 = signer.new_key("acme-academy", "key-2", since=EPOCH)

    fresh = signer.award(at=dt.datetime(2025, 3, 1, tzinfo=dt.UTC), until=dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
    expired = signer.award(at=dt.datetime(2024, 2, 1, tzinfo=dt.UTC), until=dt.datetime(2025, 2, 1, tzinfo=dt.UTC))
    revoked = signer.award(at=dt.datetime(2025, 1, 2, tzinfo=dt.UTC), until=dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
    revoke_award(signer.registry, revoked.hash, "Assessment irregularity", signer.key, now=NOW)
    posing = {"issuer": {"name": "Northbridge University"}, "achievement": {"name": "MSc Data Science (Distinction)"}}
    posing_published = _resigned(signer, fresh.award, posing, store=True)
    older = _resigned(signer, fresh.award, {"achievement": {"version": "0.9", "description": "Then."}}, store=True)
    older_renamed = _resigned(
        signer, fresh.award, {"achievement": {"version": "0.9", "name": "SQL Mastery"}}, store=True
    )
    newer = _resigned(signer, fresh.award, {"achievement": {"version": "2.0", "description": "Later."}}, store=True)
    # acme was "Acme Academy Ltd" until 1 May 2025: an award it signed then carries that profile (issuer and
    # creator), one signed after that day may not (each proof's created, the day in UTC).
    issuer_yaml = root / "registry/issuers/acme-academy/issuer.yaml"
    issuer_yaml.write_text(
        issuer_yaml.read_text()
        + "former_profiles:\n  - until: 2025-05-01\n    name: Acme Academy Ltd\n    url: https://acme.example\n"
        "    email: credentials@acme.example\n"
    )
    former = {"issuer": {"name": "Acme Academy Ltd"}}
    former_published = _resigned(signer, fresh.award, former, store=True)  # signed at its validFrom, 2025-03-01
    late: dict[str, dict[str, Any]] = {}
    for i, (name, (created, _)) in enumerate(FORMER_TIMES.items()):
        award_id = {"id": f"urn:uuid:5e2c0c1e-8f0a-4b8e-9a7e-0d5f3c1b2b{i:02d}"}
        late[name] = _resigned(signer, fresh.award, {**former, **award_id}, store=True, created=created)
    seed = ed25519.generate_seed()
    did = did_key_from_public(ed25519.public_from_seed(seed))
    unsigned = copy.deepcopy({k: v for k, v in expired.award.items() if k not in ("proof", "credentialStatus")})
    unsigned["issuer"] = {"id": did, "type": ["Profile"], "name": "Someone"}
    unsigned["credentialSubject"]["achievement"]["creator"] = unsigned["issuer"]
    foreign = sign_document(unsigned, SigningKey("x", "x", seed), f"{did}#{did.removeprefix('did:key:')}", EPOCH)
    foreign_proofs = {
        f"foreign, its proofs {what}": add_proofs(
            unsigned,
            [
                create_proof(
                    unsigned,
                    cryptosuite=suite,
                    seed=seed,
                    verification_method=f"{did}#{did.removeprefix('did:key:')}",
                    **change,  # type: ignore[arg-type]
                )
                for suite in CRYPTOSUITES
            ],
        )
        for what, change in {
            "made for authentication": {"created": "2024-01-01T00:00:00Z", "proof_purpose": "authentication"},
            "created at no readable time": {"created": "yesterday"},
            "created at a leap second": {"created": "2016-12-31T23:59:60Z"},
        }.items()
    }

    registry = signer.registry
    site = publish(registry, tmp / "site")
    # The issuer's own status list (its revoked award's bit set by revoke_award), as signed and changed: checked as
    # a list in both (tests/site/test_statuslist_js.py has the full corpus of lists).
    status_list = json.loads(
        layout.status_list_path(root, "acme-academy", 1).read_text(encoding="utf-8")  # the revoked award's list
    )
    changed_list = copy.deepcopy(status_list)
    moved = dt.datetime.fromisoformat(status_list["validFrom"]) - dt.timedelta(seconds=1)  # the key in force
    changed_list["validFrom"] = f"{moved:%Y-%m-%dT%H:%M:%SZ}"
    for proof in changed_list["proof"]:  # each proof is created at validFrom (verify/status.py _times_problem)
        proof["created"] = changed_list["validFrom"]
    # Not published: made after the build (not in the registry either).
    posing_unpublished = _resigned(signer, fresh.award, posing, store=False)
    another_id = {**former, "id": "urn:uuid:5e2c0c1e-8f0a-4b8e-9a7e-0d5f3c1b2a99"}
    former_unpublished = _resigned(signer, fresh.award, another_id, store=False)
    base = fresh.award
    rdfc_at, jcs_at = (0, 1) if base["proof"][0]["cryptosuite"] == RDFC else (1, 0)
    cases: dict[str, dict[str, Any]] = {
        "published valid": base,
        "published expired": expired.award,
        "published revoked": revoked.award,
        "foreign": foreign,
        **foreign_proofs,
        "foreign, a second subject": sign_document(
            {**unsigned, "credentialSubject": [unsigned["credentialSubject"], base["credentialSubject"]]},
            SigningKey("x", "x", seed),
            f"{did}#{did.removeprefix('did:key:')}",
            EPOCH,
        ),
        # OB 3.0's Criteria by its URL alone: an object in its JSON schema, the bare URL in compaction's output.
        "foreign, its criteria by URL alone": sign_document(
            _with_criteria(unsigned, {"id": "https://elsewhere.example/criteria"}),
            SigningKey("x", "x", seed),
            f"{did}#{did.removeprefix('did:key:')}",
            EPOCH,
        ),
        "foreign, its criteria a bare URL": sign_document(
            _with_criteria(unsigned, "https://elsewhere.example/criteria"),
            SigningKey("x", "x", seed),
            f"{did}#{did.removeprefix('did:key:')}",
            EPOCH,
        ),
        # An @json literal (VC 2.0's _sd): JSON as it is, a null in it too, signed as one literal; well-formed in both.
        "foreign, an @json literal": sign_document(
            {**unsigned, "_sd": {"b": [1.5, None, {"z": 1, "a": True}], "a": "x"}},
            SigningKey("x", "x", seed),
            f"{did}#{did.removeprefix('did:key:')}",
            EPOCH,
        ),
        # A relative reference (signed by JCS: RDFC refuses it): pyld resolves it against its made-up base, the
        # page's jsonld against its own or none, so the page once found in compact form what credreg verify did not.
        # The JSON rules refuse it, before any JSON-LD library reads it: malformed in both, in the same words,
        # written alone or as a node {"id": …}, holding a ":" too (pyld kept that one; it is no absolute IRI).
        **{
            f"foreign, {what} a relative reference": sign_document(
                change(copy.deepcopy(unsigned)),
                SigningKey("x", "x", seed),
                f"{did}#{did.removeprefix('did:key:')}",
                EPOCH,
                (JCS,),
            )
            for what, change in {
                "its id": lambda d: {**d, "id": "badge-1"},
                "its criteria's id": lambda d: _with_criteria(d, {"id": "criteria"}),
                "its issuer": lambda d: {**d, "issuer": {**d["issuer"], "id": "issuer"}},
                "a type": lambda d: {**d, "type": [*d["type"], "Extra"]},
                "its criteria's id a ':'": lambda d: _with_criteria(d, {"id": "2025-01-01T00:00:00Z"}),
            }.items()
        },
        # Keys a check names in Python's order (sorted(): by code point), not by UTF-16 units (JavaScript's sort()).
        "foreign, keys sorted apart by code point and by UTF-16 unit": sign_document(
            {**unsigned, "\U0001f600": None, "\uff40": None},
            SigningKey("x", "x", seed),
            f"{did}#{did.removeprefix('did:key:')}",
            EPOCH,
            (JCS,),
        ),
        # JavaScript reads an object's integer-like keys first, whatever order the file writes them in: the JSON
        # rules' message listed the keys it refuses in the order each side walked them.
        "foreign, keys refused in an order JavaScript cannot read": sign_document(
            {**unsigned, "z": {"@x": 1}, "5": {"@y": 1}},
            SigningKey("x", "x", seed),
            f"{did}#{did.removeprefix('did:key:')}",
            EPOCH,
            (JCS,),
        ),
        "foreign, a proof carrying keys sorted apart by code point and by UTF-16 unit": {
            **foreign,
            "proof": [{**p, "\U0001f600": 1, "\uff40": 1} for p in foreign["proof"]],
        },
        # A null: JSON-LD drops it from what is signed (the JCS proof signs it); the round trip refuses it in both.
        **{
            f"foreign, {what} null": sign_document(
                change(copy.deepcopy(unsigned)),
                SigningKey("x", "x", seed),
                f"{did}#{did.removeprefix('did:key:')}",
                EPOCH,
            )
            for what, change in {
                "its validUntil": lambda d: {**d, "validUntil": None},
                "its issuer's description": lambda d: {**d, "issuer": {**d["issuer"], "description": None}},
            }.items()
        },
        "foreign, forged for the identity key": _identity_key_forgery(unsigned),
        "foreign, forged for the identity key, proofs naming the key alone": _identity_key_forgery(
            unsigned, fragment_only=True
        ),
        "foreign, its RDFC proof over an IRI N-Quads cannot write": signed_over_unescaped_iri(
            foreign, "https://elsewhere.example/a>b/", seed
        ),
        "issuer posing, published": posing_published,
        "issuer posing, not published": posing_unpublished,
        "former issuer profile, published": former_published,
        "former issuer profile, not published": former_unpublished,
        "former issuer profile changed": _resigned(
            signer, fresh.award, {"issuer": {"name": "Acme Academy Ltd", "email": "x@acme.example"}}, store=False
        ),
        **late,
        "former issuer profile signed after its until, not published": _resigned(
            signer, fresh.award, former, store=False, created=("2025-05-02T00:00:00Z", "2025-05-02T00:00:00Z")
        ),
        "former issuer profile, a proof's created unreadable, not published": _resigned(
            signer, fresh.award, former, store=False, created=("2025-04-30T09:00:00Z", "1 May 2025")
        ),
        # Signed by the issuer's own key but never added: what their dates and list say is no verdict of the
        # registry's ("Expired on …: it was genuine" of an award it never published).
        "expired, not published": _resigned(
            signer, expired.award, {"id": "urn:uuid:5e2c0c1e-8f0a-4b8e-9a7e-0d5f3c1b2a97"}, store=False
        ),
        "revoked slot, not published": _resigned(
            signer, revoked.award, {"id": "urn:uuid:5e2c0c1e-8f0a-4b8e-9a7e-0d5f3c1b2a96"}, store=False
        ),
        "issuer renamed only": _resigned(signer, base, {"issuer": {"name": "Northbridge University"}}, store=False),
        "achievement renamed only": _resigned(
            signer, base, {"achievement": {"name": "MSc Data Science (Distinction)"}}, store=False
        ),
        "earlier definition version, published": older,
        "earlier definition version renamed, published": older_renamed,
        "a definition version that does not exist yet, published": newer,
        "altered RDFC proofValue": _with_proof(base, rdfc_at, proofValue=_flip(base["proof"][rdfc_at]["proofValue"])),
        "altered JCS proofValue": _with_proof(base, jcs_at, proofValue=_flip(base["proof"][jcs_at]["proofValue"])),
        "RDFC proof removed": ONLY_JCS(base),
        "JCS proof removed": ONLY_RDFC(base),
        "proofs swapped": {**base, "proof": list(reversed(base["proof"]))},
        "proof values exchanged": _with_proof(
            _with_proof(base, rdfc_at, proofValue=base["proof"][jcs_at]["proofValue"]),
            jcs_at,
            proofValue=base["proof"][rdfc_at]["proofValue"],
        ),
        "RDFC proof names another key": _with_proof(
            base, rdfc_at, verificationMethod=base["proof"][rdfc_at]["verificationMethod"].replace("#key-1", "#key-2")
        ),
        "both proofs name another key": _with_proof(
            _with_proof(base, 0, verificationMethod=base["proof"][0]["verificationMethod"].replace("#key-1", "#key-2")),
            1,
            verificationMethod=base["proof"][1]["verificationMethod"].replace("#key-1", "#key-2"),
        ),
        "signed by another key of the issuer, unpublished": sign_document(
            {k: v for k, v in base.items() if k != "proof"},
            key2,
            base["proof"][0]["verificationMethod"].replace("#key-1", "#key-2"),
            dt.datetime(2025, 3, 1, tzinfo=dt.UTC),
        ),
        "signed naming its key by its multibase value": sign_document(
            {k: v for k, v in base.items() if k != "proof"},
            signer.key,
            base["proof"][0]["verificationMethod"].replace(
                "#key-1", "#" + registry.issuers["acme-academy"].keys["key-1"].model.publicKeyMultibase
            ),
            dt.datetime(2025, 3, 1, tzinfo=dt.UTC),
        ),
        # The key named otherwise than exactly as the issuer's DID document names it (keys.py named_key): each
        # is no method of that document (or another DID's), refused alike.
        **{
            f"signed naming its key {how}": sign_document(
                {k: v for k, v in base.items() if k != "proof"},
                signer.key,
                method,
                dt.datetime(2025, 3, 1, tzinfo=dt.UTC),
            )
            for how, method in _method_spellings(base["proof"][0]["verificationMethod"], signer.key).items()
        },
        "signed by a key not in the registry": sign_document(
            {k: v for k, v in base.items() if k != "proof"},
            SigningKey("acme-academy", "key-9", ed25519.generate_seed()),
            base["proof"][0]["verificationMethod"].replace("#key-1", "#key-9"),
            dt.datetime(2025, 3, 1, tzinfo=dt.UTC),
        ),
    }
    for name, tamper in TAMPERS.items():
        doc = copy.deepcopy(base)
        tamper(doc)
        cases[f"tamper: {name}"] = doc
    for name, spell in SPELLINGS.items():
        for which, award in (("revoked", revoked.award), ("expired", expired.award), ("foreign", foreign)):
            for proofs, label in ((ONLY_RDFC, "RDFC only"), (lambda d: d, "both proofs")):
                try:
                    cases[f"{name} ({which}, {label})"] = spell(proofs(award))
                except (KeyError, TypeError):
                    continue  # that credential has no such fact
    return {
        "registry": registry,
        "site": site,
        "cases": cases,
        "status lists": {"the issuer's status list": status_list, "the issuer's status list, changed": changed_list},
        "hashes": [fresh.hash, expired.hash, revoked.hash],
    }


def _with_criteria(unsigned: dict[str, Any], criteria: Any) -> dict[str, Any]:
    out = copy.deepcopy(unsigned)
    out["credentialSubject"]["achievement"]["criteria"] = criteria
    return out


def _js(node: Node, site: Path, **request: Any) -> dict[str, Any]:
    reply = node.ask(op="verify", root=f"{site}/", now=NOW.isoformat(), **request)
    assert reply["kind"] == "verified", reply
    return reply


def _cannot_check_here(js: dict[str, Any]) -> bool:
    rdfc = js["checks"][RDFC_CHECK]
    return rdfc[0] == "not checked" and "cannot be fully checked here" in rdfc[1]


def _unconfirmed_here(js: dict[str, Any]) -> bool:
    """The browser says "Cannot be fully checked here" because it could not check an RDFC proof."""
    return _cannot_check_here(js) and js["headline"]["kind"] == "cannot check"


def _exception(python: Any, js: dict[str, Any]) -> str | None:
    """Which documented exception explains a different verdict, if any."""
    if js["verdict"] != "untrusted" or str(python.verdict) == "valid":
        return None
    if _cannot_check_here(js):
        return "rdfc"
    return None


def _compare(python: Any, js: dict[str, Any], what: str) -> str | None:
    exception = None
    if js["verdict"] != str(python.verdict):
        exception = _exception(python, js)
        assert exception is not None, (what, str(python.verdict), js["verdict"], js["checks"], python.as_dict())
    elif not _unconfirmed_here(js):
        # One headline taxonomy: the same plain sentence wherever the verdicts agree and both checked the same
        # proofs (where the browser could not check an RDFC proof, it says "Cannot be fully checked here").
        lead = python.headline()
        assert js["headline"] == {"kind": str(lead.kind), "text": lead.text}, (what, js["checks"], python.as_dict())
    assert js["verdict"] != "valid" or str(python.verdict) == "valid", what
    # The award date, or its issuer's claim of one, by one rule (verify/__init__.py awarded_facts).
    awarded = (python.facts["awarded"], python.facts["awarded_claim"])
    assert (js["facts"]["awarded"], js["facts"]["awardedClaim"]) == awarded, what
    for c in python.checks:
        if c.id == "recipient":
            continue
        status = js["checks"][c.id][0]
        if c.id == "structure" and status == str(c.status) == "failed":
            # The page's copy of the award profile (policies.js) says what pydantic says, error for error.
            assert js["checks"][c.id][1] == c.reason, (what, js["checks"][c.id][1], c.reason)
        if c.id == "registered" and status == str(c.status) == "passed":
            # What the award is, in one rule (policies.py registered_reason): from the signed award, not from a
            # file beside it.
            assert js["checks"][c.id][1] == c.reason, (what, js["checks"][c.id][1], c.reason)
        if status == str(c.status):
            continue
        if c.id == RDFC_CHECK and status == "not checked":
            assert "cannot be fully checked here" in js["checks"][c.id][1], (what, js["checks"][c.id])
            continue
        raise AssertionError((what, c.id, status, js["checks"][c.id], str(c.status), c.reason))
    return exception


def test_every_case_gets_the_same_verdict_in_python_and_in_the_browser(node: Node, corpus: dict[str, Any]) -> None:
    verifier = Verifier(corpus["registry"])
    tally: dict[str, int] = {"same": 0, "rdfc": 0}
    verdicts: dict[str, str] = {}
    headlines: dict[str, int] = {}
    for name, doc in corpus["cases"].items():
        python = verifier.verify(doc, now=NOW)
        exception = _compare(python, _js(node, corpus["site"], text=json.dumps(doc)), name)
        tally[exception or "same"] += 1
        if exception is None and not _unconfirmed_here(_js(node, corpus["site"], text=json.dumps(doc))):
            headlines[str(python.headline().kind)] = headlines.get(str(python.headline().kind), 0) + 1
        verdicts[name] = str(python.verdict)
    for digest in corpus["hashes"]:
        tally["same"] += 1
        reply = _js(node, corpus["site"], hash=digest)
        assert reply["checks"][RDFC_CHECK][0] == "passed"
        assert reply["verdict"] in ("valid", "expired", "revoked")
    # The corpus is what it says.
    assert len(corpus["cases"]) >= 150
    assert (verdicts["published valid"], verdicts["published expired"], verdicts["published revoked"]) == (
        "valid",
        "expired",
        "revoked",
    )
    assert verdicts["earlier definition version, published"] == "valid"
    assert verdicts["earlier definition version renamed, published"] == "untrusted"
    assert verdicts["a definition version that does not exist yet, published"] == "untrusted"
    assert verdicts["issuer posing, published"] == verdicts["issuer posing, not published"] == "untrusted"
    assert verdicts["altered RDFC proofValue"] == "invalid"
    assert verdicts["former issuer profile, published"] == "valid"
    assert verdicts["former issuer profile, not published"] == "untrusted"
    unpublished = verifier.verify(corpus["cases"]["former issuer profile, not published"], now=NOW)
    failed = [c.id for c in unpublished.checks if str(c.status) == "failed"]
    assert failed == ["registered"], unpublished.as_dict()  # its profile is fine: it is only not in the registry
    assert verdicts["former issuer profile changed"] == "untrusted"
    for name, (_, verdict) in FORMER_TIMES.items():
        assert verdicts[name] == verdict, name
    assert verdicts["former issuer profile signed after its until, not published"] == "untrusted"
    for name in ("expired, not published", "revoked slot, not published"):
        assert verdicts[name] == "untrusted", name
        result = verifier.verify(corpus["cases"][name], now=NOW)
        assert result.headline().kind is HeadlineKind.NOT_PUBLISHED, result.as_dict()
    spellings = [n for n in corpus["cases"] if n.startswith("signed naming its key ")]
    assert len(spellings) >= 10
    for name in spellings:  # the same verdict in both (above), and it is a refusal of the key
        checks = {c.id: str(c.status) for c in verifier.verify(corpus["cases"][name], now=NOW).checks}
        assert checks["key"] == "failed", (name, checks)
    assert sum(1 for v in verdicts.values() if v == "valid") == 4
    # A node written as nothing but its id is the id compaction gives back: no round-trip exception (both read it
    # as well-formed); the bare URL OB 3.0's schema refuses is malformed in both.
    for name, kind in (
        ("foreign, its criteria by URL alone", "issuer not registered"),
        ("foreign, an @json literal", "issuer not registered"),
        ("foreign, its criteria a bare URL", "malformed"),
        ("foreign, its id a relative reference", "malformed"),
        ("foreign, its criteria's id a relative reference", "malformed"),
        ("foreign, its issuer a relative reference", "malformed"),
        ("foreign, a type a relative reference", "malformed"),
        ("foreign, its criteria's id a ':' a relative reference", "malformed"),
        ("foreign, keys sorted apart by code point and by UTF-16 unit", "malformed"),
        ("foreign, keys refused in an order JavaScript cannot read", "malformed"),
        ("foreign, a proof carrying keys sorted apart by code point and by UTF-16 unit", "malformed"),
        ("foreign, its validUntil null", "malformed"),
        ("foreign, its issuer's description null", "malformed"),
    ):
        doc = corpus["cases"][name]
        assert _compare(verifier.verify(doc, now=NOW), _js(node, corpus["site"], text=json.dumps(doc)), name) is None
        assert str(verifier.verify(doc, now=NOW).headline().kind) == kind, name
    # It names the key that differs, a null (a key compaction drops) too; it said "(differs at )".
    null = verifier.verify(corpus["cases"]["foreign, its validUntil null"], now=NOW).check("structure")
    assert null.reason.endswith("(differs at validUntil)"), null
    assert tally["rdfc"] == 0  # the browser checks RDFC proofs as Python does (issue 15)
    assert tally["same"] > 4 * tally["rdfc"], tally
    print(f"differential corpus: {len(corpus['cases'])} files + {len(corpus['hashes'])} hashes: {tally}")
    print(f"headlines held equal: {headlines}")
    expected = {"valid", "expired", "revoked", "changed", "malformed", "not published here", "key not registered"}
    assert expected <= set(headlines), headlines


def test_a_former_profile_out_of_its_time_is_refused_in_the_same_words(node: Node, corpus: dict[str, Any]) -> None:
    """The browser reads the published records' ``until`` and each proof's ``created`` as Python does: the same
    status and the same sentence for the issuer and the achievement's creator."""
    verifier = Verifier(corpus["registry"])
    names = [n for n in corpus["cases"] if n.startswith("former issuer profile") and "changed" not in n]
    assert len(names) == 9  # ("changed" differs from every profile: its quotes are each language's repr)
    for name in names:
        doc = corpus["cases"][name]
        python = {c.id: [str(c.status), c.reason] for c in verifier.verify(doc, now=NOW).checks}
        js = _js(node, corpus["site"], text=json.dumps(doc))["checks"]
        for check in ("issuer", "credential"):
            assert js[check] == python[check], (name, check)
    late = _js(
        node, corpus["site"], text=json.dumps(corpus["cases"]["former issuer profile, one proof in time and one after"])
    )
    assert late["checks"]["issuer"] == [
        "failed",
        "the issuer is acme-academy's former profile 'Acme Academy Ltd' (used until 2025-05-01), but the award was "
        "signed on 2025-05-02 (UTC; proof created 2025-05-02T09:00:00Z), after it was replaced: an award carries a "
        "former profile only if it was signed while that profile was current",
    ]


def test_published_records_whose_until_is_not_a_date_are_refused(
    node: Node, corpus: dict[str, Any], tmp_path: Path
) -> None:
    site = tmp_path / "site"
    shutil.copytree(corpus["site"], site)
    records = site / "verify" / "records" / "acme-academy.json"
    data = json.loads(records.read_text())
    data["former_profiles"][0]["until"] = "1 May 2025"
    records.write_text(json.dumps(data))
    doc = corpus["cases"]["former issuer profile, published"]
    reply = node.ask(op="verify", root=f"{site}/", now=NOW.isoformat(), text=json.dumps(doc))
    assert reply["kind"] == "data error", reply
    assert "the published records are malformed" in reply["error"]


@pytest.mark.parametrize(
    ("name", "verdict", "headline"),
    [
        (
            "the issuer's status list",
            "valid",
            "A genuine status list of a registered issuer (the registry's record of what it revoked): "
            "check an award or endorsement by its file, hash or link.",
        ),
        (
            "the issuer's status list, changed",
            "invalid",
            "This status list is not genuine: it was changed after its issuer signed it.",
        ),
    ],
)
def test_a_status_list_is_checked_as_one_in_both_with_no_link(
    node: Node, corpus: dict[str, Any], name: str, verdict: str, headline: str
) -> None:
    """A status list was checked as an award in both (every check an award's, "not an award" whatever they found):
    it is checked as a list, genuine or not, with the same checks and words in Python and the page, and no link
    or award hash in either."""
    doc = corpus["status lists"][name]
    python = Verifier(corpus["registry"]).verify(doc, now=NOW)
    js = node.ask(op="verify", root=f"{corpus['site']}/", now=NOW.isoformat(), text=json.dumps(doc))
    assert js["kind"] == "status list", js
    lead = python.headline()
    assert (str(python.verdict), lead.text) == (verdict, headline)
    assert js["verdict"] == verdict
    assert js["headline"] == {"kind": str(lead.kind), "text": lead.text}
    assert js["checks"] == {c.id: [str(c.status), c.reason] for c in python.checks}
    assert "verify_url" not in python.as_dict()
    assert "hash" not in python.as_dict()
    assert python.facts["registry_issuer"] == "acme-academy"
    assert "verifyUrl" not in js["facts"]


def test_the_altered_rdfc_proof_fails_in_the_browser_as_in_the_cli(node: Node, corpus: dict[str, Any]) -> None:
    """The case of issue 9 ("Valid" in the browser, INVALID in the CLI), then "cannot be fully checked here";
    since issue 15 the browser checks the RDFC proof itself: invalid in both."""
    doc = corpus["cases"]["altered RDFC proofValue"]
    reply = _js(node, corpus["site"], text=json.dumps(doc))
    assert reply["verdict"] == "invalid"
    assert reply["checks"]["proof:" + JCS][0] == "passed"
    # (An altered S may also be no canonical Ed25519 S: the reason then says so after the same words.)
    assert reply["checks"][RDFC_CHECK][0] == "failed"
    assert reply["checks"][RDFC_CHECK][1].startswith("signature does not match")
    assert reply["headline"]["kind"] == "changed"
    assert str(Verifier(corpus["registry"]).verify(doc, now=NOW).headline().kind) == "changed"


@pytest.mark.parametrize(
    "name",
    [
        "altered RDFC proofValue",
        "issuer posing, published",
        "achievement renamed only",
        "credentialStatus under its IRI (revoked, RDFC only)",
        "validUntil under its IRI as a typed @value (expired, RDFC only)",
        "published valid",
    ],
)
def test_the_cli_gives_the_verifier_s_verdict(corpus: dict[str, Any], tmp_path: Path, name: str) -> None:
    doc = corpus["cases"][name]
    path = tmp_path / "award.json"
    path.write_text(json.dumps(doc))
    root = corpus["registry"].root
    done = subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(root), "verify", str(path), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    result = json.loads(done.stdout)
    expected = Verifier(corpus["registry"]).verify(doc)
    assert result["verdict"] == str(expected.verdict)
    assert done.returncode == (0 if expected else 1)
