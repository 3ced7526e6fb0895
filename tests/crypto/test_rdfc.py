"""RDFC-1.0 canonicalization: the cached fast path is byte-identical to stock pyld, safe mode, offline only."""

from __future__ import annotations

import copy
import random
import socket
import time
from typing import Any

import pytest
from pyld import jsonld

from generator.crypto import ContextStore, rdfc
from generator.crypto.rdfc import UnsafeDocumentError, canonize, canonize_stock, unportable_reason
from generator.errors import CryptoError, UnknownContextError
from tests.conftest import run_fresh

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


@pytest.mark.parametrize("n", [2, 12, 40])
def test_poison_dataset_is_refused(n: int) -> None:
    # A complete graph of blank nodes: every node looks the same, and RDFC-1.0 would try (n-1)! permutations
    # per node, recursively. The work limit (rdf-canonize's: one Hash N-Degree Quads call per such node) stops it
    # at once; the page refuses the same graphs (tests/site/test_rdfc_js.py).
    doc = {
        "@context": {"knows": {"@id": "https://ex.org/knows", "@type": "@id"}},
        "@graph": [{"@id": f"_:n{i}", "knows": [f"_:n{j}" for j in range(n) if j != i]} for i in range(n)],
    }
    started = time.monotonic()
    with pytest.raises(CryptoError) as info:
        canonize(doc)
    assert time.monotonic() - started < 2
    assert info.value.summary == rdfc.work_limit_reason(n)


def test_alike_blank_nodes_within_the_work_limit() -> None:
    # Blank nodes that are alike force Hash N-Degree Quads; ordinary credentials (alike alignments, alike
    # identifiers: one call each) stay within the limit, and the result is stock pyld's.
    doc = award()
    doc["credentialSubject"]["achievement"]["alignment"] = [
        {"type": ["Alignment"], "targetName": "same", "targetUrl": "https://ex.org/s"} for _ in range(4)
    ]
    doc["credentialSubject"]["identifier"] = [
        {"type": "IdentityObject", "hashed": False, "identityHash": "same", "identityType": "emailAddress"}
        for _ in range(4)
    ]
    assert canonize(doc) == stock_normalize(doc, ContextStore.bundled())


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
        # (Python's regular expressions count U+001C-U+001F as white space: refused already, as no IRI at all; and a
        # control character is refused wherever it is, before JSON-LD is processed, as rdfc.js refuses it.)
        if char.isprintable():
            assert "which an IRI in N-Quads may not" in info.value.explain(), info.value.explain()
        elif not char.isspace():
            assert "which canonical N-Quads write escaped and pyld as it is" in info.value.explain()


def test_iris_with_any_other_character_are_canonicalized_as_before() -> None:
    for iri in ("https://é.example/ü?q=1&r=[2]#frag", "urn:example:a~b%20c", "did:web:example.org%3A8443:x#k-1"):
        doc = _with_iri("id", iri)
        assert canonize(doc) == stock_normalize(doc, ContextStore.bundled())


BEYOND = "a number beyond ±(2**53 − 1), which JavaScript reads as another number"
TINY = "a number below 10**-6, which JavaScript JSON-LD processors canonicalize as 0"
HALFWAY = "a number halfway between two 16-digit decimals, which JSON-LD processors round either way"
UNPORTABLE: list[tuple[Any, str]] = [
    *((n, BEYOND) for n in (2**53, -(2**53), 9007199254740993, 10**20, 2**60, 10**21, 1e300, -(2.0**53))),
    *((n, TINY) for n in (1e-7, -2e-7, 5e-324, 1.5e-7, 9.99e-7)),
    *((n, HALFWAY) for n in (1000000000000000.5, -1000000000000000.5, 4503599627370495.5)),
    *(
        (f"a{c}b", f"text holding U+{ord(c):04X}, which canonical N-Quads write escaped and pyld as it is")
        for c in ("\x00", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f")
    ),
]


@pytest.mark.parametrize(("value", "problem"), UNPORTABLE)
@pytest.mark.parametrize("where", ["value", "json literal"])
def test_a_value_other_implementations_canonicalize_otherwise_is_refused(value: Any, problem: str, where: str) -> None:
    """pyld 3.3.0 and RDFC-1.0's other implementations (rdf-canonize, under the page's jsonld and Digital Bazaar's
    verifier) write other N-Quads for these values: Python reads ``9007199254740993`` exactly and JavaScript as
    ``…992``; jsonld.js writes ``1e-7`` as ``0``; the two round a double halfway between two 16-digit decimals
    apart; and pyld writes U+000B or U+007F in a literal as it is, where canonical N-Quads escape them. An RDFC
    proof over one held in credreg verify and failed on the page and elsewhere, or the other way round
    (tests/site/test_foreign_ob3.py). Refused wherever the value is, as rdfc.js refuses it."""
    doc = award()
    if where == "value":
        key = "name" if isinstance(value, str) else "creditsAvailable"
        doc["credentialSubject"]["achievement"][key] = value
        field = f"credentialSubject.achievement.{key}"
    else:
        doc["_sd"] = {"counts": [1, value]}  # a term of the VC 2.0 context typed @json
        field = "_sd.counts[1]"
    for fn in (canonize, canonize_stock):
        with pytest.raises(UnsafeDocumentError) as info:
            fn(doc)
        assert info.value.summary == unportable_reason(field, problem)


def test_values_every_implementation_canonicalizes_alike_are_canonicalized_as_before() -> None:
    for value in (2**53 - 1, -(2**53 - 1), 0, 5, 5.0, -0.0, 2.0**53 - 1, 1e-6, 0.1, 0.30000000000000004, 7.5, 1.25e-6):
        doc = award()
        doc["credentialSubject"]["achievement"]["creditsAvailable"] = value
        assert canonize(doc) == stock_normalize(doc, ContextStore.bundled())
    for text in ("tab\there", "line\nend", "cr\r", 'quote " and \\ backslash', "\x80\x9f\u2028 é 😀"):
        doc = award()
        doc["credentialSubject"]["achievement"]["name"] = text
        assert canonize(doc) == stock_normalize(doc, ContextStore.bundled())


XSD_DOUBLE = "http://www.w3.org/2001/XMLSchema#double"


@pytest.mark.parametrize(
    ("value", "refused"),
    [
        ("5abc", True), ("inf", True), ("1_0", True), (" 5", True), ("٥", True), ("1e400", True), ("-0", True),
        ("1000000000000000.5", True), (0, True), (-0.0, True),
        ("2.5", False), ("+.5", False), ("5.", False), ("1e-7", False), ("9007199254740993", False), (7, False),
        (True, False),
    ],
)  # fmt: skip
def test_a_value_typed_double_that_processors_convert_apart_is_refused(value: Any, refused: bool) -> None:
    """pyld converts a value typed xsd:double with float(), jsonld.js (the page, Digital Bazaar's verifier) with
    parseFloat: "5abc" stayed text here and was 5.0E0 there, and a zero is written with its sign by one only
    (tests/site/test_rdfc_js.py compares both). Refused unless both write it alike."""
    doc = award()
    doc["credentialSubject"]["achievement"]["creditsAvailable"] = {"@value": value, "@type": XSD_DOUBLE}
    if not refused:
        assert canonize(doc) == stock_normalize(doc, ContextStore.bundled())
        return
    with pytest.raises(UnsafeDocumentError) as info:
        canonize(doc)
    assert "typed xsd:double" in info.value.summary or "halfway" in info.value.summary
    assert info.value.summary.endswith("a proof over it could hold here only, never in other verifiers")


@pytest.mark.parametrize("char", ["\ufeff", "\x85", "|", "<"])
def test_an_iri_holding_white_space_to_one_regex_dialect_is_refused(char: str) -> None:
    # U+FEFF is white space to JavaScript's \s only (jsonld.js refused the IRI, pyld kept it), U+0085 to Python's.
    doc = _with_iri("id", f"https://x.example/a{char}b")
    with pytest.raises(UnsafeDocumentError):
        canonize(doc)


def test_pyld_is_imported_without_an_http_loader() -> None:
    # A fresh interpreter: importing the crypto layer loads pyld with no HTTP library (the default loader pyld builds
    # at import would otherwise be a requests.Session), its default loader refuses every URL, and requests stays
    # importable for anyone else.
    script = (
        "import sys, generator.crypto\n"
        "from pyld import jsonld\n"
        "assert 'pyld.jsonld' in sys.modules\n"
        "assert 'requests' not in sys.modules and 'urllib3' not in sys.modules, sorted(sys.modules)\n"
        "try:\n"
        "    jsonld._default_document_loader('https://www.w3.org/ns/credentials/v2', {})\n"
        "except jsonld.JsonLdError as e:\n"
        "    assert 'no default document loader' in str(e), e\n"
        "else:\n"
        "    raise AssertionError('the default loader answered')\n"
        "import requests\n"
        "print('ok')\n"
    )
    assert run_fresh(script) == "ok\n"
