"""RDFC-1.0 canonicalization: the cached fast path is byte-identical to stock pyld, safe mode, offline only."""

from __future__ import annotations

import copy
import random
import socket
from typing import Any

import pytest
from pyld import jsonld

from generator.crypto import ContextStore, rdfc
from generator.crypto.rdfc import UnsafeDocumentError, canonize, canonize_stock, unsafe_number_reason
from generator.errors import CryptoError, UnknownContextError

from .conftest import DID_DOCUMENT, OB, STATUS_LIST, V2, VECTORS, award, award_variations, read_json


def stock_normalize(document: dict[str, Any], store: ContextStore) -> str:
    """Plain pyld, exactly as documented, with the same offline loader."""
    options = {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": store.load}
    result: str = jsonld.normalize(document, options)
    return result


def embedded_context_docs() -> list[tuple[str, dict[str, Any]]]:
    """Documents with contexts of their own: these bypass the cache and must still be exact."""
    out = []
    doc = award()
    doc["credentialSubject"]["@context"] = {"favouriteColour": "https://ex.org/vocab#favouriteColour"}
    doc["credentialSubject"]["favouriteColour"] = "blue"
    out.append(("local-term", doc))
    doc = award()
    doc["credentialSubject"]["@context"] = {"@base": "https://base.example/learners/"}
    doc["credentialSubject"]["id"] = "learner-7"
    out.append(("local-base", doc))
    doc = award()
    doc["@context"] = [V2, OB, {"extra": {"@id": "https://ex.org/vocab#extra", "@type": "@id"}}]
    doc["extra"] = "https://ex.org/thing"
    out.append(("context-array-with-object", doc))
    doc = award()
    doc["evidence"][0]["@context"] = {"@vocab": "https://ex.org/evidence-vocab#"}
    doc["evidence"][0]["anything"] = "goes here"
    out.append(("local-vocab", doc))
    doc = award()
    doc["@context"] = [
        V2,
        OB,
        {
            "ex": "https://ex.org/vocab#",
            "score": {"@id": "ex:score", "@type": "http://www.w3.org/2001/XMLSchema#double"},
            "count": "ex:count",
            "flag": "ex:flag",
            "tags": {"@id": "ex:tags", "@container": "@list"},
            "motto": {"@id": "ex:motto", "@language": "la"},
            "blob": {"@id": "ex:blob", "@type": "@json"},
            "big": "ex:big",
        },
    ]
    doc.update(score="1.50", count=42, flag=False, tags=["b", "a", 3, True], motto="Carpe diem", big=-(2**53 - 1))
    doc["blob"] = {"z": [1, 2.5, None], "a": "x"}
    out.append(("typed-values", doc))
    return out


def valid_corpus() -> list[tuple[str, dict[str, Any]]]:
    corpus = [
        ("vector-unsigned", read_json(VECTORS / "unsigned.json")),
        ("vector-signed-rdfc", read_json(VECTORS / "eddsa-rdfc-2022" / "signedDataInt.json")),
        ("vector-signed-jcs", read_json(VECTORS / "eddsa-jcs-2022" / "signedJCS.json")),
        ("vector-proof-config", read_json(VECTORS / "eddsa-rdfc-2022" / "proofConfigDataInt.json")),
        *award_variations(),
        *embedded_context_docs(),
        ("status-list", copy.deepcopy(STATUS_LIST)),
        ("did-document", copy.deepcopy(DID_DOCUMENT)),
    ]
    signed = award()
    signed["proof"] = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2025-03-01T00:00:00Z",
        "verificationMethod": "did:web:credentials.example.org:issuers:northbridge#key-1",
        "proofPurpose": "assertionMethod",
        "proofValue": "z3FXQjecWufY46yg5abdVZsXqLhxhueuSoZgNSARiKBk9czhSePTFehP8c3PGfb6a22gkfUKKFsdEmkKYeHQ5F3hZ",
    }
    corpus.append(("award-with-proof", signed))
    di_only = {
        "@context": "https://w3id.org/security/data-integrity/v2",
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-jcs-2022",
        "created": "2025-03-01T00:00:00Z",
        "verificationMethod": "did:web:credentials.example.org:issuers:northbridge#key-1",
        "proofPurpose": "assertionMethod",
    }
    corpus.append(("data-integrity-context", di_only))
    return corpus


def failing_corpus() -> list[tuple[str, dict[str, Any], type[CryptoError], str]]:
    out: list[tuple[str, dict[str, Any], type[CryptoError], str]] = []
    doc = award()
    doc["credentialSubject"]["favouriteColour"] = "blue"
    out.append(("undefined-term", doc, UnsafeDocumentError, "credentialSubject.favouriteColour"))
    doc = award()
    doc["@context"] = [V2, OB, "https://example.com/unknown-context.json"]
    out.append(("unknown-context", doc, UnknownContextError, "https://example.com/unknown-context.json"))
    doc = award()
    doc["evidence"][0]["id"] = "evidence/1"
    out.append(("relative-id", doc, UnsafeDocumentError, "'evidence/1' is a relative reference"))
    doc = award()
    doc["credentialSubject"]["achievement"]["type"] = ["Achievement", "Widget"]
    out.append(("undefined-type", doc, UnsafeDocumentError, "type 'Widget'"))
    doc = award()
    doc["credentialSubject"]["@context"] = {"name": "https://evil.example/name"}
    out.append(("protected-redefinition", doc, CryptoError, "tried to redefine a protected term"))
    doc = award()
    doc["@context"] = [V2]
    out.append(("missing-ob-context", doc, UnsafeDocumentError, "not defined by the JSON-LD contexts"))
    doc = award(name={"@value": "x", "@language": "ar", "@direction": "rtl"})
    out.append(("direction", doc, UnsafeDocumentError, "@direction"))
    doc = award()
    doc["@foo"] = "bar"
    out.append(("keyword-shaped-key", doc, UnsafeDocumentError, "@foo"))
    doc = award(name={"@value": None})
    out.append(("null-value-object", doc, UnsafeDocumentError, "would be dropped"))
    return out


@pytest.fixture(scope="module")
def corpus() -> list[tuple[str, dict[str, Any]]]:
    """Valid documents; the W3C vector ones need ``vectors_store`` (they use the examples context)."""
    return valid_corpus()


def test_fast_path_is_byte_identical_to_stock_pyld(
    corpus: list[tuple[str, dict[str, Any]]], vectors_store: ContextStore
) -> None:
    # Several passes in different orders through one cache: nothing may carry over from one document to the
    # next (blank node labels, @base, local contexts, type-scoped contexts).
    expected = {name: stock_normalize(doc, vectors_store) for name, doc in corpus}
    rng = random.Random(8785)
    for _ in range(3):
        order = list(corpus)
        rng.shuffle(order)
        for name, doc in order:
            assert canonize(doc, vectors_store) == expected[name], name
            assert canonize_stock(doc, vectors_store) == expected[name], name


def test_fast_path_survives_cache_reset(
    corpus: list[tuple[str, dict[str, Any]]], vectors_store: ContextStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A tiny cache is cleared over and over in the middle of documents; results must not change.
    monkeypatch.setattr(rdfc, "_MAX_CACHED_CONTEXTS", 3)
    monkeypatch.setattr(rdfc, "_MAX_MEMOIZED_TERMS", 5)
    store = ContextStore.bundled().with_extra(dict(vectors_store.items()))  # a new store: a new, cold cache
    for name, doc in corpus:
        assert canonize(doc, store) == stock_normalize(doc, store), name


def test_input_document_is_not_modified(corpus: list[tuple[str, dict[str, Any]]], vectors_store: ContextStore) -> None:
    for name, doc in corpus:
        before = copy.deepcopy(doc)
        canonize(doc, vectors_store)
        assert doc == before, name


@pytest.mark.parametrize(
    ("name", "doc", "error", "message"), [pytest.param(*case, id=case[0]) for case in failing_corpus()]
)
def test_unsafe_documents_fail_in_both_paths(
    name: str, doc: dict[str, Any], error: type[CryptoError], message: str
) -> None:
    for fn in (canonize, canonize_stock):
        with pytest.raises(error) as info:
            fn(doc)
        assert message in info.value.explain(), (fn.__name__, info.value.explain())
    # The fast path keeps working after a failure (nothing half-cached).
    assert canonize(award()) == stock_normalize(award(), ContextStore.bundled())


def test_stock_pyld_silently_drops_what_safe_mode_rejects() -> None:
    # Why safe mode exists: without it the undefined term is simply not signed, and a relative id becomes an
    # IRI pyld makes up.
    doc = award()
    doc["credentialSubject"]["favouriteColour"] = "blue"
    assert stock_normalize(doc, ContextStore.bundled()) == stock_normalize(award(), ContextStore.bundled())
    doc = award()
    doc["evidence"][0]["id"] = "evidence/1"
    assert "<http://example.org/base/evidence/1>" in stock_normalize(doc, ContextStore.bundled())


def test_unknown_context_error_names_the_context() -> None:
    doc = award()
    doc["@context"] = [V2, "https://www.w3.org/ns/credentials/examples/v2"]
    with pytest.raises(UnknownContextError, match="credentials/examples/v2"):
        canonize(doc)


def test_document_must_be_an_object() -> None:
    with pytest.raises(CryptoError, match="JSON object"):
        canonize("https://example.com/doc.json")  # type: ignore[arg-type]


def test_no_network_loader_is_ever_reachable(
    corpus: list[tuple[str, dict[str, Any]]], vectors_store: ContextStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    def tripwire(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"network access attempted: {args!r}")

    # pyld's default loader (requests) and any socket connection blow up the test if touched.
    monkeypatch.setattr(jsonld, "_default_document_loader", tripwire)
    monkeypatch.setattr(socket.socket, "connect", tripwire)
    monkeypatch.setattr(socket, "create_connection", tripwire)
    monkeypatch.setattr(socket, "getaddrinfo", tripwire)
    store = ContextStore.bundled().with_extra(dict(vectors_store.items()))  # cold cache: every context loaded
    for _name, doc in corpus:
        canonize(doc, store)
        canonize_stock(doc, store)
    for _name, doc, error, _message in failing_corpus():
        with pytest.raises(error):
            canonize(doc, store)
        with pytest.raises(error):
            canonize_stock(doc, store)


def test_poison_dataset_is_refused() -> None:
    # A complete graph of blank nodes: every node looks the same, and RDFC-1.0 would try (n-1)! permutations
    # per node, recursively. The work limit stops it quickly.
    n = 12
    doc = {
        "@context": {"knows": {"@id": "https://ex.org/knows", "@type": "@id"}},
        "@graph": [{"@id": f"_:n{i}", "knows": [f"_:n{j}" for j in range(n) if j != i]} for i in range(n)],
    }
    with pytest.raises(CryptoError, match="Hash N-Degree Quads"):
        canonize(doc)


def test_alike_blank_nodes_within_the_work_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    # Blank nodes that are alike force Hash N-Degree Quads; ordinary credentials stay far below the limit.
    doc = award()
    doc["credentialSubject"]["achievement"]["alignment"] = [
        {"type": ["Alignment"], "targetName": "same", "targetUrl": "https://ex.org/s"} for _ in range(4)
    ]
    doc["credentialSubject"]["identifier"] = [
        {"type": "IdentityObject", "hashed": False, "identityHash": "same", "identityType": "emailAddress"}
        for _ in range(4)
    ]
    assert canonize(doc) == stock_normalize(doc, ContextStore.bundled())
    monkeypatch.setattr(rdfc, "_MAX_N_DEGREE_WORK", 2)  # the same document, with almost no budget
    with pytest.raises(CryptoError, match="Hash N-Degree Quads"):
        canonize(doc)


@pytest.mark.parametrize("number", [10**400, -(10**400), 2**1024])
def test_a_number_beyond_a_double_names_its_field(number: int) -> None:
    doc = award()
    doc["credentialSubject"]["achievement"]["name"] = number
    for canonicalize in (canonize, canonize_stock):
        with pytest.raises(CryptoError) as info:
            canonicalize(doc)
        assert info.value.summary.startswith("credentialSubject.achievement.name: the number is too large")


# Every character N-Quads' IRIREF excludes, in each place an IRI is written: a node's id, a type, a property.
_IRIREF_EXCLUDED = ['"', "<", ">", "{", "}", "|", "^", "`", "\\", "\x01", "\x1f"]


def _with_iri(where: str, iri: str) -> dict[str, Any]:
    doc = award()
    achievement = doc["credentialSubject"]["achievement"]
    if where == "id":
        achievement["id"] = iri
    elif where == "type":
        achievement["type"] = ["Achievement", iri]
    else:
        achievement[iri] = "a value"
    return doc


@pytest.mark.parametrize("where", ["id", "type", "property"])
@pytest.mark.parametrize("char", _IRIREF_EXCLUDED)
def test_an_iri_n_quads_cannot_write_as_it_is_is_refused(where: str, char: str) -> None:
    """Written unescaped, ``https://a> <https://p> <https://o`` reads as three terms of a line, and rdf-canonize
    (under the page's jsonld and Digital Bazaar's verifier) escapes such a character instead, so an RDFC proof
    over it would hold here only (tests/interop/test_digital_bazaar.py)."""
    doc = _with_iri(where, f"https://elsewhere.example/a{char}b")
    for fn in (canonize, canonize_stock):
        with pytest.raises(UnsafeDocumentError) as info:
            fn(doc)
        # (Python's regular expressions count U+001C-U+001F as white space: refused already, as no IRI at all.)
        if not char.isspace():
            assert "which an IRI in N-Quads may not" in info.value.explain(), info.value.explain()


def test_iris_with_any_other_character_are_canonicalized_as_before() -> None:
    for iri in ("https://é.example/ü?q=1&r=[2]#frag", "urn:example:a~b%20c", "did:web:example.org%3A8443:x#k-1"):
        doc = _with_iri("id", iri)
        assert canonize(doc) == stock_normalize(doc, ContextStore.bundled())


@pytest.mark.parametrize("number", [2**53, -(2**53), 9007199254740993, 10**20, 2**60, 10**21, 1e300, -(2.0**53)])
@pytest.mark.parametrize("where", ["number", "json literal"])
def test_a_number_javascript_cannot_hold_is_refused(number: float, where: str) -> None:
    """Python reads ``9007199254740993`` exactly; every JavaScript JSON-LD processor (the page's jsonld, Digital
    Bazaar's verifier) reads ``9007199254740992`` and canonicalizes other N-Quads: an RDFC proof over it held in
    ``credreg verify`` and failed on the page and elsewhere (tests/site/test_foreign_ob3.py). JavaScript cannot tell
    how a number beyond ±(2**53 − 1) was written, so the rule is on its value, on both sides."""
    doc = award()
    if where == "number":
        doc["credentialSubject"]["achievement"]["creditsAvailable"] = number
        field = "credentialSubject.achievement.creditsAvailable"
    else:
        doc["_sd"] = {"counts": [1, number]}  # a term of the VC 2.0 context typed @json
        field = "_sd.counts[1]"
    for fn in (canonize, canonize_stock):
        with pytest.raises(UnsafeDocumentError) as info:
            fn(doc)
        assert info.value.summary == unsafe_number_reason(field)
        assert info.value.summary.startswith(f"{field}: a number beyond ±(2**53 − 1)")


def test_the_largest_numbers_javascript_holds_are_canonicalized_as_before() -> None:
    for number in (2**53 - 1, -(2**53 - 1), 0, 5, 5.0, 2.0**53 - 1, 1e-300):
        doc = award()
        doc["credentialSubject"]["achievement"]["creditsAvailable"] = number
        assert canonize(doc) == stock_normalize(doc, ContextStore.bundled())
