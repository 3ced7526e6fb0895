"""Is a JSON-LD document written in the one compact form its JSON can be read in?

The RDFC proof signs the RDF graph; the checks read JSON keys. JSON-LD lets one graph be written many ways
(IRIs or compact IRIs as keys, typed ``@value`` objects, inline or extra contexts, aliases, ``@graph``,
``@included``, ``@reverse``, ``@nest``, ``@set``/``@list``, one node described twice under the same ``id``…),
and a check that reads ``doc["validUntil"]`` sees nothing in ``{"https://www.w3.org/2018/credentials#validUntil":
{"@value": …}}`` although the signed graph says the credential has expired. So a document whose facts are read
from its JSON must be written in exactly one form: the form JSON-LD compaction gives it back in.

:func:`compact_form_problems` says why a document is not in that form (empty when it is):

1. its ``@context`` is a list of context URLs the product bundles (no inline context, nothing fetched);
2. no key anywhere is a JSON-LD keyword (``@…``) or an IRI (``…:…``), except ``@context`` at the top and in a
   proof (where the ``eddsa-jcs-2022`` proof repeats it);
3. an object that appears more than once under the same ``id`` says the same thing each time;
4. a proof holds only the properties of a Data Integrity proof;
5. with the proofs left out (they are a separate graph), compacting the expanded document with its own context
   gives the document back (a one-element list and its element are the same JSON-LD value, and so are a node
   written as ``{"id": URL}`` and the ``URL`` compaction gives back for it under a term whose values are ids; an id
   or type written as a relative reference does not come back, pyld resolving it against its made-up base, as it
   is no IRI of the signed graph).

1–4 are JSON rules, and the browser verifier (``generator/site/assets/verify/policies.js``) applies them too; 5
needs a JSON-LD processor: the page's copy (``rdfc.js`` ``roundTripProblems``, with its vendored jsonld, loaded
only for a credential of an issuer not registered here, reading relative references as pyld does and keys in
code-point order) says the same in the same words, held equal by the differential corpus
(``tests/site/test_differential.py``). Pure: contexts come from a :class:`ContextStore`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pyld import jsonld

from generator.crypto.contexts import ContextStore
from generator.crypto.jcs import canonicalize
from generator.errors import CryptoError

__all__ = ["PROOF_KEYS", "compact_form_problems", "json_form_problems"]

#: The properties a Data Integrity proof may carry here (``expires``, ``domain``, ``challenge`` and ``nonce``
#: would change what the proof means, and no check reads them).
PROOF_KEYS = frozenset(
    {"id", "type", "cryptosuite", "created", "verificationMethod", "proofPurpose", "proofValue", "@context"}
)

_MAX_REPORTED = 5


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


def json_form_problems(document: Any, store: ContextStore | None = None) -> list[str]:
    """Rules 1–4 of the module docstring: what the JSON alone shows."""
    if not isinstance(document, dict):
        return ["the credential is not a JSON object"]
    store = store if store is not None else ContextStore.bundled()
    out: list[str] = []
    contexts = document.get("@context")
    if not isinstance(contexts, list) or not all(isinstance(c, str) and c in store for c in contexts):
        out.append("@context: must be a list of known context URLs (no inline or unknown contexts)")
    proofs = document.get("proof")
    proof_list = proofs if isinstance(proofs, list) else [proofs]
    proof_ids = {id(p) for p in proof_list if isinstance(p, dict)}
    seen: dict[str, bytes] = {}
    bad_keys: list[str] = []
    for where, obj in _walk(document, ""):
        is_proof = id(obj) in proof_ids
        for key in sorted(obj):
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
    """Why ``document`` is not in the one compact form its JSON is read in (rules 1–5); empty when it is."""
    store = store if store is not None else ContextStore.bundled()
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
