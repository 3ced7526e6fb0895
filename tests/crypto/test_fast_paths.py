"""The shortcuts the check and the signer take, each proven equal to the straightforward path it replaces."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
from typing import Any

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st
from pyld import jsonld

from generator.crypto import ContextStore, dataintegrity, ed25519, jcs, rdfc
from generator.crypto.dataintegrity import create_proof, hash_data, verify_proof
from generator.crypto.jcs import canonicalize, canonicalize_without, fast_path_kind
from generator.crypto.multibase import b58decode, b58encode
from generator.crypto.rdfc import canonize
from generator.errors import CryptoError

from .conftest import OB, V2, award, award_variations
from .test_jcs import _json

# --- JCS: one pass for the award hash and the unsecured document -------------------------------------------

_objects = st.dictionaries(
    st.sampled_from(["proof", "@context", "id", "a", "zz", "\ufb33", "\U0001f600", "pro", "proofs"]), _json, max_size=7
)


def _outcome(fn: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return fn(*args, **kwargs)
    except CryptoError:
        return "error"


@settings(max_examples=300, deadline=None)
@given(_objects)
def test_canonicalize_without_is_two_canonicalizations(obj: dict[str, Any]) -> None:
    obj.setdefault("proof", {"x": 1.5})
    straight = _outcome(lambda: (canonicalize(obj), canonicalize({k: v for k, v in obj.items() if k != "proof"})))
    assert _outcome(canonicalize_without, obj, "proof") == straight
    kind = _outcome(fast_path_kind, obj)
    if kind != "error":
        # Given the kind (as the cache remembers it for exact bytes), the result is the same.
        assert _outcome(canonicalize_without, obj, "proof", kind=kind) == straight


def test_orjson_escapes_every_character_as_json_dumps_does() -> None:
    # The exact path writes with orjson: for every code point but the surrogates (which take the other path), as a
    # string and as a key, the same bytes as json.dumps (which RFC 8785 agrees with there, see test_jcs.py).
    for cp in (*range(0xD800), *range(0xE000, 0x110000)):
        char = chr(cp)
        assert jcs._fast_dumps(char) == jcs._stdlib_text(char).encode(), hex(cp)
    keys = {chr(cp): cp for cp in (*range(0x3000), *range(0xD700, 0xD800), 0x10000, 0x10FFFF) if cp != 0xD800}
    small_keys = {k: v for k, v in keys.items() if ord(k) < 0xD800}
    assert jcs._fast_dumps(small_keys) == jcs._stdlib_text(small_keys).encode()


@settings(max_examples=400, deadline=None)
@given(_json)
def test_orjson_writes_exact_values_as_json_dumps(value: Any) -> None:
    if jcs._fast_path_is_exact(value):
        assert jcs._fast_dumps(value) == jcs._stdlib_text(value).encode()


def test_nesting_beyond_orjson_falls_back() -> None:
    deep: Any = "x"
    for _ in range(400):
        deep = {"a": [deep]}
    assert canonicalize(deep) == rfc8785.dumps(deep)


_near = st.sampled_from([0, 1, -1, True, False, None, 1.0, 5.0, 1e16, 2**53, 2**53 - 1, 10**16, float("nan"), ""])


@settings(max_examples=500, deadline=None)
@given(st.one_of(_json, _near, st.lists(_near, max_size=3)), st.one_of(_json, _near, st.lists(_near, max_size=3)))
def test_equals_canonical_is_comparing_jcs(value: Any, other: Any) -> None:
    # Including the cases orjson writes unfaithfully or differently: NaN (as null), floats, unsafe integers.
    for reference in (other, value):
        expected = _outcome(canonicalize, reference)
        if expected == "error":
            continue
        assert jcs.equals_canonical(value, expected) == (_outcome(canonicalize, value) == expected)


def test_equals_canonical_cases() -> None:
    assert jcs.equals_canonical({"b": 1, "a": [True]}, canonicalize({"a": [True], "b": 1}))
    assert not jcs.equals_canonical({"a": 1}, canonicalize({"a": True}))
    assert not jcs.equals_canonical([float("nan")], canonicalize([None]))  # orjson writes NaN as null
    assert not jcs.equals_canonical(10**16, canonicalize(1e16))  # the same digits, but JCS refuses the integer
    assert jcs.equals_canonical(5.0, canonicalize(5))
    assert not jcs.equals_canonical("\ud800", canonicalize("\ufffd"))  # a lone surrogate equals nothing


@settings(max_examples=300, deadline=None)
@given(_json)
def test_floats_put_back_are_rfc8785(value: Any) -> None:
    expected: bytes | str
    try:
        expected = rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, UnicodeError):
        expected = "error"
    assert _outcome(canonicalize, value) == expected


def test_a_string_that_looks_like_a_float_marker() -> None:
    marker = jcs._FloatsReplaced._MARKER
    value: dict[str, Any] = {"a": 1.5, "s": f"{marker}0\x00", "t": [2.25, f"{marker}1\x00"]}
    assert canonicalize(value) == rfc8785.dumps(value)
    assert canonicalize_without(value, "t") == (rfc8785.dumps(value), rfc8785.dumps({"a": 1.5, "s": value["s"]}))


def test_award_kinds() -> None:
    plain = award()
    with_credits = award()
    with_credits["credentialSubject"]["achievement"]["creditsAvailable"] = 2.5
    assert fast_path_kind(plain) == "exact"
    assert fast_path_kind(with_credits) == "floats"
    assert fast_path_kind({"big": 2**60}) == "other"
    for doc in (plain, with_credits):
        doc["proof"] = {"type": "DataIntegrityProof", "proofValue": "z1"}
        expected = (rfc8785.dumps(doc), rfc8785.dumps({k: v for k, v in doc.items() if k != "proof"}))
        assert canonicalize_without(doc, "proof") == expected
        assert canonicalize_without(doc, "proof", kind=fast_path_kind(doc)) == expected


# --- Data Integrity: the JCS proof hashes the bytes computed with the award hash ------------------------------


def test_hash_data_with_the_precomputed_document(seed: bytes) -> None:
    doc = award()
    doc["credentialSubject"]["achievement"]["creditsAvailable"] = 5.0
    method = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
    proof = create_proof(
        doc, cryptosuite="eddsa-jcs-2022", seed=seed, verification_method=method, created="2025-01-01T00:00:00Z"
    )
    signed = {**doc, "proof": [proof]}
    _, unsecured = canonicalize_without(signed, "proof")
    assert hash_data(signed, proof, jcs_document=unsecured) == hash_data(signed, proof)
    assert verify_proof(signed, proof, ed25519.public_from_seed(seed), jcs_document=unsecured)
    # A proof whose @context only starts the document's: the document it signs is another, and the bytes given for
    # the whole document are not taken.
    short = {**proof, "@context": doc["@context"][:1]}
    assert hash_data(signed, short, jcs_document=unsecured) == hash_data(signed, short)
    # One that differs from the document's in JSON, though equal in Python (True == 1), is no prefix of it at all.
    odd = {**proof, "@context": [True]}
    other = {**signed, "@context": [1]}
    for precomputed in (unsecured, None):
        with pytest.raises(CryptoError, match="proof @context does not match document @context"):
            hash_data(other, odd, jcs_document=precomputed)


# --- RDFC: proof configurations from a template, memoized expansions, the leaner serializer -----------------


def _stock(doc: dict[str, Any]) -> str:
    options = {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": ContextStore.bundled().load}
    result: str = jsonld.normalize(doc, options)
    return result


def _config_hash(config: dict[str, Any]) -> bytes:
    key = json.dumps(config, sort_keys=True, separators=(",", ":")).encode()
    digest: bytes = dataintegrity._rdfc_config_hash.__wrapped__(key, None)
    return digest


@settings(max_examples=60, deadline=None)
@given(
    st.datetimes(timezones=st.just(dt.UTC)),
    st.sampled_from(["Z", ".5Z", "+02:00", ".123456789-11:30"]),
)
def test_proof_config_from_the_template(when: dt.datetime, zone: str) -> None:
    created = when.strftime("%Y-%m-%dT%H:%M:%S") + zone
    config = {
        "@context": [V2, OB],
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": created,
        "verificationMethod": f"did:web:example.org#key-{created}",
        "proofPurpose": "assertionMethod",
    }
    assert _config_hash(config) == hashlib.sha256(_stock(config).encode()).digest()


def test_template_refused_when_substitution_would_not_be_exact() -> None:
    # The placeholder time also appears as another value: substituting it would change that one too. The
    # template is refused and the configuration is canonicalized in full.
    config = {
        "@context": [V2],
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2025-01-01T00:00:00Z",
        "verificationMethod": "did:web:x#k",
        "proofPurpose": "assertionMethod",
        "name": dataintegrity._PLACEHOLDER,
    }
    template = jcs._fast_dumps({**config, "created": dataintegrity._PLACEHOLDER})
    assert dataintegrity._config_template(template, None) is None
    assert _config_hash(config) == hashlib.sha256(_stock(config).encode()).digest()


def test_shared_subtrees_in_other_places_expand_as_stock() -> None:
    # The same object as issuer, as achievement creator, and inside evidence (another active property and
    # context): each expansion is memoized under its own key.
    store = ContextStore.bundled().with_extra({})
    options = {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": store.load}
    docs = []
    for i in range(4):
        doc = award(id=f"urn:uuid:2f1c7a8e-1111-4a2b-9c3d-{i:012d}")
        profile = copy.deepcopy(doc["issuer"])
        doc["credentialSubject"]["achievement"]["creator"] = profile
        doc["evidence"] = [{"id": f"https://ex.org/e/{i}", "type": ["Evidence"], "name": doc["name"]}]
        docs.append(doc)
    for doc in docs + list(reversed(docs)):
        assert canonize(doc, store) == jsonld.normalize(doc, options)


def test_a_tiny_expansion_memo_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rdfc, "_MAX_MEMOIZED_EXPANSIONS", 2)
    store = ContextStore.bundled().with_extra({})  # a new store: a new, cold cache
    for _name, doc in award_variations():
        assert canonize(doc, store) == _stock(doc)


def test_memoized_expansions_are_copies() -> None:
    doc = award()
    first = canonize(doc)
    for _ in range(3):
        assert canonize(copy.deepcopy(doc)) == first
    assert rdfc._cache_for(ContextStore.bundled()).expansions  # the memo is in use


@pytest.mark.parametrize(
    "value",
    ['quote " and backslash \\', "tab\tnew\nline\rreturn", "plain", "ünïcode ✓", ""],
)
def test_nquad_serializer_matches_pyld(value: str) -> None:
    from pyld.nquads import serialize_nquad

    quads = [
        {"subject": {"type": "IRI", "value": "https://s"}, "predicate": {"type": "IRI", "value": "https://p"},
         "object": {"type": "literal", "value": value, "datatype": "http://www.w3.org/2001/XMLSchema#string"}},
        {"subject": {"type": "blank node", "value": "_:b0"}, "predicate": {"type": "IRI", "value": "https://p"},
         "object": {"type": "literal", "value": value, "datatype": jsonld.RDF_LANGSTRING, "language": "en"}},
        {"subject": {"type": "blank node", "value": "_:b0"}, "predicate": {"type": "IRI", "value": "https://p"},
         "object": {"type": "literal", "value": value, "datatype": "https://t"},
         "name": {"type": "IRI", "value": "https://g"}},
        {"subject": {"type": "IRI", "value": "https://s"}, "predicate": {"type": "IRI", "value": "https://p"},
         "object": {"type": "blank node", "value": "_:b1"}, "name": {"type": "blank node", "value": "_:g"}},
    ]  # fmt: skip
    for quad in quads:
        assert rdfc._nquad(quad) == serialize_nquad(quad)


def test_the_award_variations_stay_identical_to_stock() -> None:
    store = ContextStore.bundled()
    options = {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": store.load}
    for _name, doc in award_variations():
        assert canonize(doc, store) == jsonld.normalize(doc, options)


# --- Ed25519 and base58 -------------------------------------------------------------------------------------


def test_signing_with_a_cached_key_is_the_same_signature(seed: bytes, other_seed: bytes) -> None:
    message = b"m" * 64
    first = ed25519.sign(seed, message)
    assert ed25519.sign(other_seed, message) != first
    assert ed25519.sign(seed, message) == first
    assert ed25519.verify(ed25519.public_from_seed(seed), message, first)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=80))
def test_base58_round_trip(data: bytes) -> None:
    assert b58decode(b58encode(data)) == data


def test_base58_error_names_the_position() -> None:
    with pytest.raises(CryptoError, match="position 23"):
        b58decode("1" * 23 + "0")
    with pytest.raises(CryptoError, match="'é' at position 2"):
        b58decode("zzé1")  # a non-ASCII character is named, at its own position
    long = b"\x01" * 200  # longer than the precomputed powers
    assert b58decode(b58encode(long)) == long


def _shapes() -> list[dict[str, Any]]:
    """JSON-LD that takes every branch of node-map creation: pyld's general code and the inlined one."""
    vocab = {"@vocab": "https://ex.org/v#", "knows": {"@type": "@id"}}
    return [
        {"@context": vocab, "@id": "https://ex.org/a", "knows": ["_:b", "https://ex.org/c"], "name": ["x", "x", "y"]},
        {"@context": vocab, "@id": "_:a", "@type": ["_:T", "Thing"], "name": "n", "empty": {"@set": []}},
        {"@context": {**vocab, "seq": {"@container": "@list"}}, "seq": [1, 2.5, {"@id": "_:x"}, [3]]},
        {"@context": {**vocab, "parent": {"@reverse": "https://ex.org/v#child"}}, "@id": "_:p", "parent": {"n": 1}},
        {"@context": vocab, "@id": "https://ex.org/g", "@graph": [{"@id": "_:i", "name": "in a graph"}]},
        {"@context": {**vocab, "@version": 1.1}, "name": "x", "@included": [{"@id": "_:inc", "name": "included"}]},
        {"@context": {**vocab, "@version": 1.1, "byKey": {"@container": "@index"}}, "byKey": {"k": {"name": "v"}}},
        {"@context": vocab, "@id": "_:v", "val": {"@value": "typed", "@type": "https://ex.org/dt"}},
        {"@context": vocab, "@id": "_:w", "val": [{"@value": "fr", "@language": "fr"}, {"@value": True}]},
        {"@context": vocab, "nested": {"deeper": {"deepest": {"name": "leaf", "knows": "_:nested"}}}},
    ]


@pytest.mark.parametrize("doc", _shapes(), ids=lambda d: str(sorted(k for k in d if k != "@context")))
def test_node_map_shapes_match_stock(doc: dict[str, Any]) -> None:
    assert canonize(doc) == _stock(doc)
