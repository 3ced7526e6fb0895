"""The compact form's rule on references: an id, a type or any other IRI-valued JSON-LD value is an absolute IRI,
a blank node or (where JSON-LD reads a term) a term of the credential's contexts, never a relative reference that
each JSON-LD library resolves against a base of its own (pyld a made-up http://example.org/base/, jsonld.js the
page's address or none)."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

import pytest
from pyld import jsonld

from generator.crypto.compactform import (
    MAX_OBJECTS,
    MAX_VALUES,
    _alias,
    _definitions,
    compact_form_problems,
    context_terms,
    is_absolute_iri,
    json_form_problems,
    size_problem,
)
from generator.crypto.contexts import ContextStore
from tests.conftest import set_at

VC2 = "https://www.w3.org/ns/credentials/v2"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"

DOC: dict[str, Any] = {
    "@context": [VC2, OB3],
    "id": "urn:uuid:5e2c0c1e-8f0a-4b8e-9a7e-0d5f3c1b2a99",
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "name": "Award",
    "issuer": {"id": "did:example:issuer", "type": ["Profile"], "name": "Issuer"},
    "validFrom": "2025-01-01T00:00:00Z",
    "credentialSubject": {
        "id": "did:example:subject",
        "type": ["AchievementSubject"],
        "achievement": {
            "id": "https://example.org/achievements/1",
            "type": ["Achievement"],
            "name": "A",
            "description": "D",
            "criteria": {"id": "https://example.org/criteria/1"},
        },
    },
    "proof": [
        {
            "type": "DataIntegrityProof",
            "cryptosuite": "eddsa-rdfc-2022",
            "created": "2025-01-01T00:00:00Z",
            "verificationMethod": "did:example:issuer#key-1",
            "proofPurpose": "assertionMethod",
            "proofValue": "z1",
        }
    ],
}


def _set(doc: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    out = copy.deepcopy(doc)
    set_at(path, value)(out)
    return out


def test_the_example_is_in_compact_form() -> None:
    assert json_form_problems(DOC) == []
    assert compact_form_problems(DOC) == []


RELATIVE = ["badge-1", "../x", "./x", "?x", "#x", "//host/x", "", "a/b:c", "2025-01-01T00:00:00Z", "1x:y", "a,b:c"]
RELATIVE += ["_:", "-x:y", "x y:z", "https:// x", "https:/x\u00a0", "urn:x\ufeff", " https://x"]
# White space of either language's \s (Python's and JavaScript's differ), controls, what IRIREF excludes.
ODD = ["\x1f", "\x7f", "\x85", "\xa0", "\u1680", "\u180e", "\u2000", "\u200b", "\u2028", "\u2029", "\u202f"]
ODD += ["\u205f", "\u3000", "\ufeff", "<", ">", '"', "{", "}", "|", "^", "`", "\\"]
RELATIVE += [f"https://x.example/{c}" for c in ODD] + [f"_:b{c}" for c in ODD]


@pytest.mark.parametrize("value", RELATIVE)
@pytest.mark.parametrize(
    ("path", "where"),
    [
        (("id",), "id"),
        (("issuer", "id"), "issuer.id"),
        (("issuer",), "issuer"),  # an @id-typed term written as a bare reference
        (("credentialSubject", "achievement", "criteria", "id"), "credentialSubject.achievement.criteria.id"),
        (("credentialSubject", "achievement", "type", 0), "credentialSubject.achievement.type[0]"),
        (("type", 1), "type[1]"),
        (("proof", 0, "verificationMethod"), "proof[0].verificationMethod"),
        (("proof", 0, "proofPurpose"), "proof[0].proofPurpose"),
        (("proof", 0, "type"), "proof[0].type"),
    ],
)
def test_a_relative_reference_is_refused_by_name(value: str, path: tuple[Any, ...], where: str) -> None:
    problems = json_form_problems(_set(DOC, path, value))
    assert len(problems) == 1, problems
    assert problems[0].startswith("ids and types must be absolute IRIs"), problems
    assert problems[0].endswith(f": {where}"), problems


@pytest.mark.parametrize(
    "value", ["https://x.example/a", "HTTPS://x.example/a", "foo:bar", "urn:uuid:1", "did:web:x", "a+b-c.d:x", "_:b0"]
)
def test_absolute_iris_and_blank_nodes_pass(value: str) -> None:
    assert json_form_problems(_set(DOC, ("issuer", "id"), value)) == []
    assert json_form_problems(_set(DOC, ("credentialSubject", "achievement", "type", 0), value)) == []


def test_a_type_may_be_a_term_only_of_the_credentials_own_contexts() -> None:
    # Achievement is OB 3.0's term: with VC 2.0 alone it is a relative reference.
    assert json_form_problems({**DOC, "@context": [VC2], "type": ["VerifiableCredential", "Achievement"]}) != []
    # A term defined only inside another's scoped context (proofPurpose's) is no term at the top.
    assert json_form_problems(_set(DOC, ("type", 1), "assertionMethod")) != []
    # An id is never read as a term.
    assert json_form_problems(_set(DOC, ("issuer", "id"), "Profile")) != []


@pytest.mark.parametrize(
    ("path", "value", "where"),
    [
        (("issuer",), [["badge-1"]], "issuer[0][0]"),
        (("credentialSubject", "achievement", "criteria"), ["https://x.example/c", [[["c"]]]], "criteria[1][0][0][0]"),
        (("proof", 0, "proofPurpose"), [["x"]], "proof[0].proofPurpose[0][0]"),
    ],
)
def test_a_relative_reference_in_a_list_in_a_list_is_refused(path: tuple[Any, ...], value: Any, where: str) -> None:
    # JSON-LD flattens a list in a list of a term's values (but @list's): pyld read [["badge-1"]] as
    # http://example.org/base/badge-1, jsonld.js as the page's base made it, while rule 5 read only one level.
    (problem,) = json_form_problems(_set(DOC, path, value))
    assert problem.startswith("ids and types must be absolute IRIs"), problem
    assert problem.endswith(where), problem
    assert json_form_problems(_set(DOC, path, [["https://x.example/a"], "_:b0"])) == []


def test_many_are_counted() -> None:
    doc = {**DOC, "type": ["VerifiableCredential", *(f"x{i}" for i in range(7))]}
    (problem,) = json_form_problems(doc)
    assert problem.endswith("type[1], type[2], type[3], type[4], type[5] (and 2 more)"), problem


def test_the_scheme_rule() -> None:
    assert is_absolute_iri("a:")  # an empty hier-part is an absolute IRI (RFC 3987)
    assert not is_absolute_iri("a:b\n")  # Python's $ matches before a final line feed: fullmatch
    assert not is_absolute_iri("é:b")  # a scheme is ASCII


def test_the_contexts_terms_are_read_exactly() -> None:
    """What rule 5 reads of the bundled contexts holds only while no term is typed for ids or terms in one place
    and for text in another (it reads any definition of a term) and no context resets or nulls a term at its top
    (a top-level term is a term everywhere): a newly bundled context that breaks either fails here."""
    store = ContextStore.bundled()
    tables = context_terms(store)
    reads = {t for table in tables.values() for t in [*table["ids"], *table["vocabs"]]}
    for url, document in store.items():
        for term, definition in _definitions(document["@context"]):
            if term in reads:
                kind = _alias(definition) or (definition.get("@type") if isinstance(definition, Mapping) else None)
                assert kind in ("@id", "@vocab", "@type"), (url, term, definition)
        assert document["@context"].get("@protected") is True, url
        assert all(d is not None for d in document["@context"].values()), url
    vc2 = tables[VC2]
    assert "id" not in vc2["terms"]  # keyword aliases name no type
    assert "type" not in vc2["terms"]
    assert json_form_problems(_set(DOC, ("type", 1), "id")) != []


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ([{"id": f"https://x.example/e{i}"} for i in range(MAX_OBJECTS)], "JSON objects, more than the 250"),
        ([f"https://x.example/e{i}" for i in range(MAX_VALUES)], "JSON values, more than the 5000"),
    ],
)
def test_a_credential_too_large_to_read_is_refused_before_its_json_ld_is(extra: list[Any], words: str) -> None:
    (problem,) = compact_form_problems({**DOC, "evidence": extra})  # no round trip
    assert words in problem, problem
    assert size_problem({**DOC, "evidence": extra[: -len(DOC) - 40]}) is None  # within both
    # The JSON rules, which a registered issuer's award meets (with its profile), bound no size: a credential of
    # hundreds of skills makes an award of hundreds of alignments.
    assert json_form_problems({**DOC, "evidence": extra}) == []


_GEN_DELIMS = tuple(":/?#[]@")


def test_no_bundled_context_defines_a_prefix_so_a_compact_iri_means_what_it_says() -> None:
    """Rule 5 passes "sec:x" as an IRI of scheme sec, and the checks read it so: were "sec" a term usable as a
    prefix (a plain IRI ending in a gen-delim, or @prefix true), JSON-LD would expand it to another IRI, and the
    JSON would not say what the signed graph does. A newly bundled context defining one fails here."""
    for url, document in ContextStore.bundled().items():
        for term, definition in _definitions(document["@context"]):
            iri = definition if isinstance(definition, str) else None
            assert not (iri and not iri.startswith("@") and iri.endswith(_GEN_DELIMS)), (url, term, iri)
            assert not (isinstance(definition, Mapping) and definition.get("@prefix")), (url, term)
    # And a compact IRI at an id and a type stays the IRI written, in the graph pyld makes.
    doc = _set(DOC, ("issuer", "id"), "schema:x")
    doc = _set(doc, ("credentialSubject", "achievement", "type"), ["Achievement", "sec:Y"])
    unsigned = {k: v for k, v in doc.items() if k != "proof"}
    quads = jsonld.to_rdf(unsigned, {"documentLoader": ContextStore.bundled().load})
    subjects = {q["subject"]["value"] for quads_ in quads.values() for q in quads_}
    objects = {q["object"]["value"] for quads_ in quads.values() for q in quads_}
    assert "schema:x" in subjects
    assert "sec:Y" in objects
