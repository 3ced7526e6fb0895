"""The bundled JSON-LD contexts and the offline document loader."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from generator.crypto import ContextStore, document_loader
from generator.errors import UnknownContextError
from tests.conftest import FIXTURE_CONTEXTS

from .conftest import EXAMPLES_URL

REQUIRED = {
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    "https://w3id.org/security/data-integrity/v2",
    "https://www.w3.org/ns/did/v1",
}
#: The registry's own context (endorsement kind and scope): published by the registry, not vendored from elsewhere.
OWN = {"https://credreg.dev/contexts/endorsement-v1.jsonld"}


def bundled_index() -> dict[str, str]:
    root = resources.files("generator.crypto").joinpath("contexts")
    index: dict[str, str] = json.loads(root.joinpath("index.json").read_text(encoding="utf-8"))
    return index


def test_bundle_has_exactly_the_product_contexts() -> None:
    assert set(bundled_index()) == REQUIRED | OWN
    assert set(ContextStore.bundled()) == REQUIRED | OWN


def test_examples_context_is_not_bundled() -> None:
    # Its @vocab would turn every undefined term into a signed-but-meaningless IRI.
    assert EXAMPLES_URL not in ContextStore.bundled()
    with pytest.raises(UnknownContextError):
        document_loader(EXAMPLES_URL)


def test_bundled_files_are_byte_identical_to_the_vendored_originals() -> None:
    # The product's copies must be the published documents: the vendored set (tests/fixtures/contexts, with its
    # source and licence) holds every bundled URL, and where the two overlap they agree byte for byte.
    fixture_index = json.loads((FIXTURE_CONTEXTS / "index.json").read_text(encoding="utf-8"))
    root = resources.files("generator.crypto").joinpath("contexts")
    overlap = set(bundled_index()) & set(fixture_index)
    assert overlap == REQUIRED
    for url in sorted(overlap):
        bundled = root.joinpath(bundled_index()[url]).read_bytes()
        assert bundled == (FIXTURE_CONTEXTS / fixture_index[url]).read_bytes(), url


def test_loader_shape_and_fresh_copies() -> None:
    url = "https://www.w3.org/ns/credentials/v2"
    first = document_loader(url)
    assert first["documentUrl"] == url
    assert first["contextUrl"] is None
    assert first["contentType"] == "application/ld+json"
    first["document"]["@context"]["id"] = "tampered"
    # pyld rewrites loaded contexts in place: the next load must not see it.
    assert document_loader(url)["document"]["@context"]["id"] == "@id"
    assert ContextStore.bundled()[url]["@context"]["id"] == "@id"


def test_store_documents_are_read_only() -> None:
    doc = ContextStore.bundled()["https://www.w3.org/ns/credentials/v2"]
    with pytest.raises(TypeError):
        doc["@context"]["id"] = "tampered"


def test_unknown_context_is_an_error_not_a_fetch() -> None:
    with pytest.raises(UnknownContextError, match="never fetched") as info:
        document_loader("https://example.com/context.jsonld")
    assert "https://www.w3.org/ns/credentials/v2" in info.value.explain()


def test_bundled_store_is_loaded_once() -> None:
    assert ContextStore.bundled() is ContextStore.bundled()


def test_with_extra_makes_a_new_store() -> None:
    extra = {EXAMPLES_URL: {"@context": {"@vocab": "https://www.w3.org/ns/credentials/examples#"}}}
    store = ContextStore.bundled().with_extra(extra)
    assert EXAMPLES_URL in store
    assert EXAMPLES_URL not in ContextStore.bundled()
    assert store.load(EXAMPLES_URL)["document"] == extra[EXAMPLES_URL]
    extra[EXAMPLES_URL]["@context"]["@vocab"] = "https://changed.example/"
    assert store[EXAMPLES_URL]["@context"]["@vocab"] == "https://www.w3.org/ns/credentials/examples#"


def test_store_is_read_only() -> None:
    store = ContextStore.bundled()
    with pytest.raises(TypeError):
        store._docs["https://evil.example/"] = {}  # type: ignore[index]
