"""Is a JSON-LD document written in the one compact form its JSON can be read in?

The RDFC proof signs the RDF graph; the checks read JSON keys. JSON-LD lets one graph be written many ways
(IRIs or compact IRIs as keys, typed ``@value`` objects, inline or extra contexts, aliases, ``@graph``,
``@included``, ``@reverse``, ``@nest``, ``@set``/``@list``, one node described twice under the same ``id``…),
and a check that reads ``doc["validUntil"]`` sees nothing in ``{"https://www.w3.org/2018/credentials#validUntil":
{"@value": …}}`` although the signed graph says the credential has expired. So a document whose facts are read
from its JSON must be written in exactly one form: the form JSON-LD compaction gives it back in.

:func:`compact_form_problems` says why a document is not in that form (empty when it is):

0. it holds at most :data:`MAX_OBJECTS` JSON objects and :data:`MAX_VALUES` JSON values (the round trip of rule
   6 costs the page some 4 ms an object and 0.05 ms a value: a 1 MiB file would take a minute or more; a
   credential of an issuer registered here, read by the award profile and rules 1–5 only, is not bounded so),
   at most :data:`MAX_PROOFS` proofs, and no context URL twice; the ``eddsa-rdfc-2022`` proof check asks this
   rule too, before it canonicalizes anything (``verify.policies.ProofPolicy``, policies.js ``rdfcProofPolicy``);
1. its ``@context`` is a list of context URLs the product bundles (no inline context, nothing fetched);
2. no key anywhere is a JSON-LD keyword (``@…``) or an IRI (``…:…``), except ``@context`` at the top and in a
   proof (where the ``eddsa-jcs-2022`` proof repeats it);
3. an object that appears more than once under the same ``id`` says the same thing each time;
4. a proof holds only the properties of a Data Integrity proof;
5. every id, type and other IRI-valued value (of ``id``, ``type`` and every term a bundled context types ``@id``
   or ``@vocab``) is an absolute IRI (an RFC 3987 scheme, ``:``, and no white space or character N-Quads' IRIREF
   excludes) or a blank node (``_:…``), a type or ``@vocab`` value also a term of the credential's own contexts:
   never a relative reference (``badge-1``, ``../x``, ``?x``, ``#x``, ``//host/x``, ``""``), which each JSON-LD
   library resolves against a base of its own (pyld a made-up ``http://example.org/base/``, jsonld.js the page's
   address or none), so that no library decides what it means. A compact IRI ``foo:bar`` is an absolute IRI of
   scheme ``foo``; an inline context (its ``@base``, ``@vocab``) is refused by rule 1;
6. with the proofs left out (they are a separate graph), compacting the expanded document with its own context
   gives the document back (a one-element list and its element are the same JSON-LD value, and so are a node
   written as ``{"id": URL}`` and the ``URL`` compaction gives back for it under a term whose values are ids).

0–5 are JSON rules (:func:`size_problem`, :func:`json_form_problems`), and the browser verifier
(``generator/site/assets/verify/policies.js``) applies them too, reading the contexts' terms from
:func:`context_terms` (``verify/index.json``'s ``contexts``); 6 needs a JSON-LD processor: the page's copy
(``rdfc.js`` ``roundTripProblems``, with its vendored jsonld, loaded only for a credential of an issuer not
registered here, keys in code-point order) says the same in the same words, held equal by the differential corpus
(``tests/site/test_differential.py``; the JSON rules by ``tests/site/test_compactform_js.py``). Pure: contexts come
from a :class:`ContextStore`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from typing import Any

from pyld import jsonld

from generator.crypto.contexts import ContextStore
from generator.crypto.jcs import canonicalize
from generator.errors import CryptoError

__all__ = [
    "MAX_OBJECTS",
    "MAX_PROOFS",
    "MAX_VALUES",
    "PROOF_KEYS",
    "compact_form_problems",
    "context_terms",
    "is_absolute_iri",
    "json_form_problems",
    "size_problem",
]

#: The properties a Data Integrity proof may carry here (``expires``, ``domain``, ``challenge`` and ``nonce``
#: would change what the proof means, and no check reads them).
PROOF_KEYS = frozenset(
    {"id", "type", "cryptosuite", "created", "verificationMethod", "proofPurpose", "proofValue", "@context"}
)

_MAX_REPORTED = 5

#: Rule 0's bounds (policies.js MAX_OBJECTS, MAX_VALUES): the page's round trip of a credential at both takes
#: 1.3–2.1 s, credreg verify's 0.5 s (docs/performance.md); unbounded, a 1.5 MiB file of 20,000 objects took the
#: page 69 s. An Open Badges credential holds some tens of objects.
MAX_OBJECTS = 250
MAX_VALUES = 5_000
#: Proofs a credential may carry (policies.js MAX_PROOFS): each RDFC proof canonicalizes the whole credential
#: again (2,000 copies of one valid proof took the page 21 s); a proof set here is one or two.
MAX_PROOFS = 4

# An absolute IRI: RFC 3987's scheme (ASCII), ":", then no character N-Quads' IRIREF excludes, no control and no
# white space of Python's or JavaScript's \s (jsonld.js and pyld call an IRI holding one relative); a blank node:
# "_:" and a label. policies.js ABSOLUTE_IRI, BLANK_NODE: the same expressions.
_NOT_IN_IRI = r'\x00-\x20<>"{}|^`\\\x7f-\xa0\u1680\u180e\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff'
_ABSOLUTE_IRI = re.compile(f"[A-Za-z][A-Za-z0-9+.-]*:[^{_NOT_IN_IRI}]*")
_BLANK_NODE = re.compile(f"_:[^{_NOT_IN_IRI}]+")
# Either, in one match: what an id or type may be without looking it up among the terms.
_REFERENCE = re.compile(f"{_ABSOLUTE_IRI.pattern}|{_BLANK_NODE.pattern}")


def is_absolute_iri(value: str) -> bool:
    """Whether ``value`` is an absolute IRI (rule 5): no base can change what it names."""
    return _ABSOLUTE_IRI.fullmatch(value) is not None


def _definitions(context: Any) -> Iterator[tuple[str, Any]]:
    """Every term definition in a context, its scoped contexts' too."""
    stack = [context]
    while stack:
        item = stack.pop()
        if isinstance(item, (list, tuple)):
            stack.extend(item)
        elif isinstance(item, Mapping):
            for term, definition in item.items():
                if term.startswith("@"):
                    continue
                yield term, definition
                if isinstance(definition, Mapping) and "@context" in definition:
                    stack.append(definition["@context"])


def _alias(definition: Any) -> str | None:
    """The keyword a term definition aliases (``"id": "@id"``), or None."""
    iri = definition.get("@id") if isinstance(definition, Mapping) else definition
    return iri if isinstance(iri, str) and iri.startswith("@") else None


@functools.cache
def context_terms(store: ContextStore) -> dict[str, dict[str, Any]]:
    """Per context URL, what rule 5 reads of it: ``terms`` (defined at its top, so everywhere in scope: the bundled
    contexts are protected), ``ids`` (``id``, ``@id`` aliases and terms typed ``@id`` anywhere in it) and
    ``vocabs`` (terms typed ``@vocab`` and ``type``/``@type`` aliases, each with the terms its own scoped context
    defines: ``proofPurpose``'s ``assertionMethod``). ``verify/index.json`` hands the same to the page."""
    out: dict[str, dict[str, Any]] = {}
    for url, document in store.items():
        context = document.get("@context", {})
        # (a keyword's alias, ``id`` or ``type``, names no IRI: no type)
        top = sorted(t for t, d in _definitions(context) if t in context and _alias(d) is None)
        ids: set[str] = {"id"}
        vocabs: dict[str, set[str]] = {"type": set()}
        for term, definition in _definitions(context):
            kind = _alias(definition) or (definition.get("@type") if isinstance(definition, Mapping) else None)
            if kind == "@id":
                ids.add(term)
            elif kind in ("@vocab", "@type"):
                scoped = definition.get("@context") if isinstance(definition, Mapping) else None
                vocabs.setdefault(term, set()).update(t for t, _ in _definitions(scoped or {}))
        out[url] = {"terms": top, "ids": sorted(ids), "vocabs": {t: sorted(v) for t, v in sorted(vocabs.items())}}
    return out


@functools.lru_cache(maxsize=64)
def _reference_terms(store: ContextStore, contexts: tuple[str, ...]) -> dict[str, frozenset[str]]:
    """Rule 5's reading of a credential's contexts (``contexts``, all in ``store``): each key whose values are ids
    (no term allowed) or types and ``@vocab`` terms (the contexts' terms and the key's own scoped ones allowed)."""
    tables = context_terms(store)
    terms = frozenset(t for url in contexts for t in tables[url]["terms"])
    vocabs: dict[str, set[str]] = {}
    for url in contexts:
        for term, scoped in tables[url]["vocabs"].items():
            vocabs.setdefault(term, set()).update(scoped)
    none: frozenset[str] = frozenset()
    keys = dict.fromkeys((t for url in contexts for t in tables[url]["ids"]), none)
    keys.update({t: terms | scoped for t, scoped in vocabs.items()})
    return keys


def _allowed(value: Any, terms: frozenset[str]) -> bool:
    """Whether ``value`` (of a key read by rule 5, ``terms`` its allowed terms) holds no relative reference: the
    quick answer for what most are (one IRI, a list of types)."""
    if isinstance(value, str):
        return value in terms or _REFERENCE.fullmatch(value) is not None
    if isinstance(value, list):
        return all(
            not isinstance(v, (str, list)) or (isinstance(v, str) and (v in terms or _REFERENCE.fullmatch(v)))
            for v in value
        )
    return True


def _relative(path: str, value: Any, terms: frozenset[str]) -> list[str]:
    """Rule 5: the paths of the relative references in ``value`` (``terms`` allowed), its lists' lists too (JSON-LD
    flattens a list in a list of a term's values into them)."""
    out: list[str] = []
    stack: list[tuple[str, Any]] = [(path, value)]
    while stack:
        at, item = stack.pop()
        if isinstance(item, list):
            stack.extend((f"{at}[{i}]", v) for i, v in reversed(list(enumerate(item))))
        elif isinstance(item, str) and item not in terms and _REFERENCE.fullmatch(item) is None:
            out.append(at)
    return out


def _walk(value: Any, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every object in ``value`` with its path, depth first (iteratively: hostile nesting is deep), an object's keys
    in code-point order: the page cannot know the order a file writes them in (JavaScript reads an object's
    integer-like keys first), and its copy walks them so too, to say the same in the same words."""
    stack: list[tuple[str, Any]] = [(path, value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, dict):
            yield where, item
            stack.extend((f"{where}.{k}" if where else k, item[k]) for k in sorted(item, reverse=True))
        elif isinstance(item, list):
            stack.extend((f"{where}[{i}]", v) for i, v in reversed(list(enumerate(item))))


def size_problem(document: Any) -> str | None:
    """Rule 0: why ``document`` is too large to be read here as JSON-LD, or None (every value counted: keys are
    not). A credential of an issuer registered here is never read so (its one form is the award profile's, and a
    credential with hundreds of skills makes an award of hundreds of alignments): the rule is the round trip's."""
    objects = values = 0
    stack = [document]
    while stack:
        item = stack.pop()
        values += 1
        if isinstance(item, dict):
            objects += 1
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    for count, limit, what in ((objects, MAX_OBJECTS, "JSON objects"), (values, MAX_VALUES, "JSON values")):
        if count > limit:
            return (
                f"the credential holds {count} {what}, more than the {limit} a credential may hold here: reading "
                "a larger one as JSON-LD would take the page a minute or more"
            )
    proofs = document.get("proof") if isinstance(document, dict) else None
    if isinstance(proofs, list) and len(proofs) > MAX_PROOFS:
        return (
            f"the credential carries {len(proofs)} proofs, more than the {MAX_PROOFS} a credential may carry here: "
            "each is checked over the whole credential"
        )
    # A context URL listed again changes nothing but is processed again (2,000 times: 3 s here, 22 s in the page).
    contexts = document.get("@context") if isinstance(document, dict) else None
    if isinstance(contexts, list):
        seen: set[str] = set()
        for url in contexts:
            if isinstance(url, str) and url in seen:
                times = sum(1 for c in contexts if c == url)
                return f"@context lists {url} {times} times: a context is listed once"
            if isinstance(url, str):
                seen.add(url)
    return None


def json_form_problems(document: Any, store: ContextStore | None = None) -> list[str]:
    """Rules 1–5 of the module docstring: what the JSON alone shows."""
    if not isinstance(document, dict):
        return ["the credential is not a JSON object"]
    store = store if store is not None else ContextStore.bundled()
    out: list[str] = []
    contexts = document.get("@context")
    known = isinstance(contexts, list) and all(isinstance(c, str) and c in store for c in contexts)
    if not known:
        out.append("@context: must be a list of known context URLs (no inline or unknown contexts)")
    proofs = document.get("proof")
    proof_list = proofs if isinstance(proofs, list) else [proofs]
    proof_ids = {id(p) for p in proof_list if isinstance(p, dict)}
    seen: dict[str, bytes] = {}
    bad_keys: list[str] = []
    relative: list[str] = []
    urls = tuple(contexts) if known and isinstance(contexts, list) else None
    references = _reference_terms(store, urls) if urls is not None else {}
    for where, obj in _walk(document, ""):
        is_proof = id(obj) in proof_ids
        for key in sorted(obj):
            terms = references.get(key)
            # (an object's ids are its own keys': the walk reaches them)
            if terms is not None and not isinstance(obj[key], dict) and not _allowed(obj[key], terms):
                relative += _relative(f"{where}.{key}" if where else key, obj[key], terms)
            if key == "@context" and (obj is document or is_proof):
                continue
            if key.startswith("@") or ":" in key:
                bad_keys.append(f"{where}.{key}" if where else key)
        if is_proof:
            extra = sorted(k for k in obj if k not in PROOF_KEYS)
            if extra:
                out.append(f"{where}: a proof may not carry {', '.join(extra)}")
        node_id = obj.get("id")
        if isinstance(node_id, str) and len(obj) > 1:
            try:
                form = canonicalize(obj)
            except (CryptoError, RecursionError):
                continue  # the proofs' canonicalization reports it
            first = seen.setdefault(node_id, form)
            if first != form:
                out.append(f"{where}: {node_id} is described twice, differently")
    if bad_keys:
        more = f" (and {len(bad_keys) - _MAX_REPORTED} more)" if len(bad_keys) > _MAX_REPORTED else ""
        shown = ", ".join(bad_keys[:_MAX_REPORTED])
        out.append(f"keys must be the context's terms, not JSON-LD keywords or IRIs: {shown}{more}")
    if relative:
        more = f" (and {len(relative) - _MAX_REPORTED} more)" if len(relative) > _MAX_REPORTED else ""
        out.append(
            "ids and types must be absolute IRIs (scheme:…), blank nodes (_:…) or, for a type, terms of the "
            "credential's contexts, not relative references each JSON-LD library resolves against a base of its "
            f"own: {', '.join(relative[:_MAX_REPORTED])}{more}"
        )
    return out


def _same_value(a: Any, b: Any) -> bool:
    """Equal as JSON-LD values, ``a`` as written and ``b`` as compaction gives it back: a one-element list is its
    element, and a node written as nothing but its ``id`` (``{"id": URL}``, OB 3.0's ``Criteria`` by its URL, which
    its JSON schema requires as an object) is the bare ``URL`` compaction writes for it under a term whose values
    are ids: one node of the signed graph, and one URL to a check reading either (only for what compaction can
    change)."""
    if isinstance(a, list) and len(a) == 1 and not isinstance(b, list):
        a = a[0]
    if isinstance(b, list) and len(b) == 1 and not isinstance(a, list):
        b = b[0]
    if isinstance(a, dict) and a.keys() == {"id"} and isinstance(b, str):
        a = a["id"]
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same_value(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same_value(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


def compact_form_problems(document: Any, store: ContextStore | None = None) -> list[str]:
    """Why ``document`` is not in the one compact form its JSON is read in (rules 0–6); empty when it is."""
    store = store if store is not None else ContextStore.bundled()
    too_large = size_problem(document)
    if too_large is not None:
        return [too_large]
    out = json_form_problems(document, store)
    if out:
        return out
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    options = {"documentLoader": store.load}
    try:
        expanded = jsonld.expand(unsecured, options)
        compacted = jsonld.compact(expanded, {"@context": unsecured["@context"]}, options)
    except Exception as exc:
        return [f"the credential cannot be processed as JSON-LD: {type(exc).__name__}"]
    compacted.pop("@context", None)
    ours = {k: v for k, v in unsecured.items() if k != "@context"}
    if not _same_value(ours, compacted):
        # A key on one side only differs too (a null, which compaction drops, is no absent key).
        both = ours.keys() & compacted.keys()
        keys = sorted(
            k for k in ours.keys() | compacted.keys() if k not in both or not _same_value(ours[k], compacted[k])
        )
        return [
            "the credential is not in compact form: its JSON does not read as the graph it signs "
            f"(differs at {', '.join(keys[:_MAX_REPORTED])})"
        ]
    return []
