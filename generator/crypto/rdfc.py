"""RDFC-1.0 canonical N-Quads of a JSON-LD document, via pyld, offline, in safe mode, with a context cache.

What is added to stock pyld (``PyLD==3.3.0``, pinned: the cache relies on its internals):

* **Offline**: contexts come only from a :class:`~generator.crypto.contexts.ContextStore`; pyld's default
  (network) loader is never handed to pyld.
* **Safe mode**: pyld 3.3.0 has no ``safe`` option (it ignores one), and silently drops what the contexts do
  not define, or resolves it against its made-up base ``http://example.org/base/``. Either way the data would
  be left out of, or changed in, what is signed. We fail instead, on the conditions of jsonld.js's safe mode
  (undefined terms, relative ``id``/``type`` references, dropped objects and values, blank-node predicates,
  invalid language tags, ``@direction`` without an RDF encoding). And values other RDFC-1.0 implementations (the
  page's jsonld, Digital Bazaar's verifier) canonicalize otherwise, so that a proof over them would hold here only
  (:func:`_number_problem`, :func:`_text_problem`).
* **A work limit** on RDFC-1.0's Hash N-Degree Quads ("poison" datasets), which pyld lacks: rdf-canonize's, the
  page's (:func:`work_limit_reason`), so that both verifiers refuse the same datasets.
* **Speed** (:func:`canonize`): stock pyld re-resolves and re-processes the same contexts for every document,
  and every type-scoped and property-scoped context at every node. :class:`_CachingProcessor` memoizes
  processed contexts and term expansions by the *identity* of the active context; memoizes the expansion of
  whole subtrees expanded against such contexts (keyed by their exact ``repr``: an issuer's profile or a
  credential's achievement is expanded once, not once per award); trims two copies and a regular expression per
  value out of pyld's RDF conversion; and serializes N-Quads with fewer steps. Its output is proven
  byte-identical to stock ``jsonld.normalize`` by ``tests/crypto/test_rdfc.py`` and
  ``tests/crypto/test_fast_paths.py``; :func:`canonize_stock` is the same safe mode over unmodified pyld
  processing, kept as the reference.
"""

from __future__ import annotations

import json
import marshal
import math
import re
import threading
import weakref
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from pyld import jsonld
from pyld.canon import URDNA2015, permutations
from pyld.context_resolver import ContextResolver
from pyld.identifier_issuer import IdentifierIssuer
from pyld.nquads import escape as _escape

from generator._internal.plainjson import MAX_SAFE_INT
from generator._internal.source import format_field
from generator.errors import CryptoError

from .contexts import ContextStore

__all__ = [
    "MAX_BLANK_NODES",
    "UnsafeDocumentError",
    "blank_nodes_reason",
    "canonize",
    "canonize_stock",
    "work_limit_reason",
]

# "safe" is what jsonld.js calls its safe mode; pyld 3.3.0 ignores it (our own checks below do the work), and it
# is passed so that the intent is on record.
_NORMALIZE_OPTIONS: dict[str, Any] = {"algorithm": "URDNA2015", "format": "application/n-quads", "safe": True}

# pyld resolves relative references against this when no base is given (it is not an error there).
_DEFAULT_BASE = jsonld.DEFAULT_BASE_IRI
_ABSOLUTE_IRI = re.compile(r"^([A-Za-z][A-Za-z0-9+-.]*|_):[^\s]*\Z")
# What N-Quads' IRIREF excludes (RDF 1.1 N-Quads, production [10]): written as is, an IRI holding one reads as
# another line's terms ("<https://a> <https://p> <https://o>" as one IRI), and other RDFC-1.0 implementations
# (rdf-canonize, under the page's jsonld and Digital Bazaar's verifier) escape it instead, so the hashes differ.
# And U+0085 and U+FEFF, white space to one regular expression dialect only: pyld calls an IRI holding U+0085
# relative and jsonld.js one holding U+FEFF, each keeping what the other refuses (rdfc.js NOT_IN_IRIREF).
_NOT_IN_IRIREF = re.compile(r'[\x00-\x20<>"{}|^`\\\x85\ufeff]')
_BCP47 = re.compile(jsonld.REGEX_BCP47)
_KEYWORD_SHAPE = re.compile(jsonld.KEYWORD_PATTERN)
_KEYWORDS = frozenset(jsonld.KEYWORDS)
# Literal datatypes that pyld converts specially (the value is re-serialized).
_SPECIAL_DATATYPES = frozenset({"@json", jsonld.XSD_DOUBLE})
_XSD_STRING = jsonld.XSD_STRING
# Keys of an expanded object that send node-map creation to pyld's general code.
_PLAIN_NODE_KEYS = frozenset({"@list", "@set", "@reverse", "@graph", "@included", "@index"})
_add_value = jsonld.JsonLdProcessor.add_value
_compare_values = jsonld.JsonLdProcessor.compare_values


def _add_unique(subject: dict[str, Any], prop: str, value: Any, memo: dict[int, Any]) -> None:
    """pyld 3.3.0's ``add_value(subject, prop, value, {"propertyIsArray": True, "allowDuplicate": False})`` for a
    value that is not an array, inlined (it runs for every value of every node). pyld compares the value with every
    value already there: 5,000 tags of one credential took 10 s. From :data:`_INDEXED` values on, the comparison is
    a set lookup of :func:`_unique_key` (``memo``, one per document, maps a list's ``id`` to it and its keys)."""
    if prop not in subject:
        subject[prop] = [value]
        return
    existing = subject[prop]
    values = existing["@list"] if type(existing) is dict and "@list" in existing else existing
    key = _unique_key(value)
    entry = memo.get(id(values)) if key is not None and type(values) is list and len(values) >= _INDEXED else None
    if entry is not None and entry[0] is values and entry[2] == len(values):
        present = key in entry[1]
    elif key is not None and type(values) is list and len(values) >= _INDEXED:
        keys = {_unique_key(v) for v in values}
        if None in keys:  # a value only pyld's comparison can tell apart
            present = any(_compare_values(value, v) for v in values)
        else:
            memo[id(values)] = entry = (values, keys, len(values))
            present = key in keys
    else:
        present = (
            any(_compare_values(value, v) for v in values) if type(values) is list else _compare_values(value, values)
        )
    if type(existing) is not list:
        existing = subject[prop] = [existing]
    if not present:
        existing.append(value)
        if entry is not None and existing is values:
            entry[1].add(key)
            memo[id(values)] = (values, entry[1], len(values))


# Values of one property from which _add_unique looks duplicates up in a set (fewer: pyld's own comparison).
_INDEXED = 16


def _unique_key(value: Any) -> tuple[str, Any, Any] | None:
    """A key equal for two values exactly when pyld 3.3.0's ``compare_values`` calls them equal, for strings, value
    objects holding a string, and node references; None for anything else (numbers, booleans, JSON literals)."""
    if type(value) is str:
        return ("s", value, None)
    if type(value) is not dict:
        return None
    if "@value" in value:
        literal = value["@value"]
        if type(literal) is not str:
            return None
        return ("v", literal, (value.get("@type"), value.get("@language"), value.get("@index")))
    node_id = value.get("@id")
    return ("i", node_id, None) if type(node_id) is str else None


_LANGSTRING = jsonld.RDF_LANGSTRING

# Far above what the bundled contexts need (a few dozen); reaching it means something unusual is going on, and
# starting over is always correct.
_MAX_CACHED_CONTEXTS = 4096
_MAX_MEMOIZED_TERMS = 65536
# Expanded subtrees shared by many documents (an issuer's profile, a credential's achievement) are what the
# expansion memo is for; subtrees of one document (its recipient, its status entry) pass through it too, and
# clearing it when full keeps it small (a few MB) at the price of re-expanding the shared ones now and then.
_MAX_MEMOIZED_EXPANSIONS = 4096


def unportable_reason(where: str, problem: str) -> str:
    """Why a value at ``where`` (a path such as ``credentialSubject.achievement.name``) cannot be signed or checked
    by an ``eddsa-rdfc-2022`` proof: ``problem`` says what it holds. rdfc.js ``unportableReason`` gives the same
    words."""
    return f"{where or 'a value'}: {problem}: a proof over it could hold here only, never in other verifiers"


def iri_problem(what: str, iri: str, char: str) -> str:
    """Why the IRI ``iri`` (``what``: an id, type or property) holding ``char`` cannot be canonicalized alike
    everywhere. rdfc.js ``iriProblem`` gives the same words."""
    return (
        f"{what} {json.dumps(iri, ensure_ascii=False)} contains U+{ord(char):04X}, which an IRI in N-Quads may not:"
        " canonical N-Quads would write it unescaped here and escaped elsewhere, or JSON-LD processors read it"
        " apart, so no other verifier would check the proof"
    )


class UnsafeDocumentError(CryptoError):
    """The document has data that RDF canonicalization would drop or change (JSON-LD "safe mode")."""


# ---------------------------------------------------------------------------------------------------------
# Safe mode
# ---------------------------------------------------------------------------------------------------------


class _SafeProcessor(jsonld.JsonLdProcessor):  # type: ignore[misc]
    """Stock pyld processing that raises where pyld would silently drop or invent data."""

    def __init__(self, document: Any) -> None:
        super().__init__(on_property_dropped=self._property_dropped)
        # Kept for error messages only (to say where a term is, and which contexts were in use).
        self._document = document

    def _property_dropped(self, expanded: str | None) -> None:
        doc = self._document
        if expanded is None:
            keys = [k for k in _keys(doc) if _KEYWORD_SHAPE.fullmatch(k[-1]) and k[-1] not in _KEYWORDS]
            where = _paths(keys) or "a key"
            raise UnsafeDocumentError(
                f"{where}: a key shaped like a JSON-LD keyword is not one; it would be dropped from the signed data"
            )
        where = _paths([k for k in _keys(doc) if k[-1] == expanded])
        raise UnsafeDocumentError(
            f"{where or expanded}: term {expanded!r} is not defined by the JSON-LD contexts "
            f"({_context_names(doc)}); it would be dropped from the signed data"
        )

    def _expand(
        self,
        active_ctx: Any,
        active_property: Any,
        element: Any,
        options: Any,
        inside_list: bool = False,
        inside_index: bool = False,
        type_scoped_ctx: Any = None,
    ) -> Any:
        rval = super()._expand(
            active_ctx,
            active_property,
            element,
            options,
            inside_list=inside_list,
            inside_index=inside_index,
            type_scoped_ctx=type_scoped_ctx,
        )
        if rval is None and element is not None:
            # A free-floating value, an object with only @id/@language/@value, or a null @value: it is in the
            # JSON a reader sees, but not in the RDF that is signed.
            shown = json.dumps(element, ensure_ascii=False)
            shown = shown if len(shown) <= 80 else shown[:77] + "..."
            where = f"under {active_property!r}" if active_property else "at the top level"
            raise UnsafeDocumentError(
                f"the value {shown} {where} has no meaning in JSON-LD and would be dropped from the signed data"
            )
        return rval

    def _graph_to_rdf(self, graph: Any, issuer: Any, options: Any) -> list[dict[str, Any]]:
        # pyld 3.3.0's _graph_to_rdf, in safe mode: where pyld skips a subject, predicate or object (relative
        # IRIs, blank-node predicates) we fail, and so do IRIs pyld made up from its default base. The absolute
        # IRI tests (a regular expression each) run once per subject and per property, not once per value.
        triples: list[dict[str, Any]] = []
        generalized = options["produceGeneralizedRdf"]
        checked: set[str] = set()  # IRIs already found absolute (subjects, types and predicates repeat)
        for id_, node in sorted(graph.items()):
            subject_type = "blank node" if id_.startswith("_:") else "IRI"
            if subject_type == "IRI" and id_ not in checked:
                self._check_iri(id_, "id")
                checked.add(id_)
            for prop, items in sorted(node.items()):
                if prop == "@type":
                    for t in items:
                        if t not in checked and not t.startswith("_:"):
                            self._check_iri(t, "type")
                            checked.add(t)
                    prop = jsonld.RDF_TYPE
                elif prop in _KEYWORDS:
                    continue
                predicate_type = "blank node" if prop.startswith("_:") else "IRI"
                if predicate_type == "blank node" and not generalized:
                    raise UnsafeDocumentError(
                        f"property {prop!r} is a blank node, which RDF does not allow as a predicate"
                    )
                if prop not in checked:
                    self._check_iri(prop, "property")
                    checked.add(prop)
                for item in items:
                    if type(item) is not str and ("@value" in item or "@list" in item):
                        self._check_object(item)
                    subject = {"type": subject_type, "value": id_}
                    predicate = {"type": predicate_type, "value": prop}
                    obj = self._object_to_rdf(item, issuer, triples, options)
                    if obj is not None:
                        triples.append({"subject": subject, "predicate": predicate, "object": obj})
        return triples

    def _check_object(self, item: Any) -> None:
        # Node references need no check here: every referenced node is a subject of the graph.
        if "@list" in item:
            for element in item["@list"]:
                self._check_object(element)
            return
        if "@value" not in item:
            return
        datatype = item.get("@type")
        if isinstance(datatype, str) and datatype != "@json":
            self._check_iri(datatype, "type")
        if datatype == jsonld.XSD_DOUBLE:
            problem = _typed_double_problem(item["@value"])
            if problem is not None:
                value = item["@value"]  # (a number is not shown: JavaScript writes -0.0 as 0)
                shown = json.dumps(value, ensure_ascii=False) if type(value) is str else "a number"
                raise UnsafeDocumentError(unportable_reason(shown, problem))
        language = item.get("@language")
        if language is not None and not _BCP47.fullmatch(language):
            raise UnsafeDocumentError(f"{language!r} is not a valid BCP 47 language tag")
        if "@direction" in item:
            raise UnsafeDocumentError(
                f"the value {item['@value']!r} has a @direction, which canonical RDF cannot carry"
                " (it would be dropped from the signed data)"
            )

    def _check_iri(self, iri: str, what: str) -> None:
        if _ABSOLUTE_IRI.match(iri) and not iri.startswith(_DEFAULT_BASE):
            bad = _NOT_IN_IRIREF.search(iri)
            if bad is None:
                return
            raise UnsafeDocumentError(iri_problem(what, iri, bad.group()))
        if not _ABSOLUTE_IRI.match(iri):
            raise UnsafeDocumentError(
                f"{what} {iri!r} is a relative reference (not an absolute IRI); it would be dropped from the"
                " signed data"
            )
        if _DEFAULT_BASE in json.dumps(self._document, ensure_ascii=False):
            return  # the document itself uses pyld's default base IRI: not made up
        # pyld made this IRI up from a relative reference (or an undefined type) and its default base.
        original = iri[len(_DEFAULT_BASE) :]
        hint = " (not defined by the JSON-LD contexts)" if what == "type" else " (not an absolute IRI)"
        raise UnsafeDocumentError(
            f"{what} {original!r} is a relative reference{hint}; in the signed data it would become {iri!r}"
        )


# What pyld 3.3.0 writes in a literal as it is, where canonical N-Quads (RDFC-1.0, and rdf-canonize under the page's
# jsonld and Digital Bazaar's verifier) write an escape (\b, \f, \u000B…): the same text, other N-Quads.
_UNESCAPED_BY_PYLD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Below this, JavaScript writes a number such as 1e-7 in exponent form without a ".", and jsonld.js canonicalizes it
# as the integer 0 (so 1e-7 and 2e-7 are one literal); pyld writes "1.0E-7".
_TINY = 1e-6
# Significant digits of a double's canonical form in both processors (pyld "%1.15E", jsonld.js toExponential(15)).
_DOUBLE_DIGITS = 16
# Text typed xsd:double that both float() (pyld) and parseFloat (jsonld.js) read as the same number: a plain decimal
# (ASCII digits: Python's \d and float() take other scripts' digits too).
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
# An integer of more bits is beyond the largest double.
_DOUBLE_BITS = 1024


def _number_problem(number: float) -> str | None:
    """What makes a number canonicalize otherwise in other RDFC-1.0 implementations (``None``: nothing).

    Python reads an integer such as ``9007199254740993`` exactly; JavaScript (the page's jsonld, Digital Bazaar's)
    reads the nearest double (``…992``), and cannot tell how a number beyond ±(2**53 − 1) was written, so the rule
    is on the value. A non-integer below 10**-6 is 0 in jsonld.js. One halfway between two 16-digit decimals is
    rounded to the even one by pyld and away from zero by jsonld.js."""
    if type(number) is float and not math.isfinite(number):
        return None  # not JSON at all (no reader here makes one): what pyld makes of it is its own error
    if not -MAX_SAFE_INT <= number <= MAX_SAFE_INT:
        if type(number) is int and number.bit_length() > _DOUBLE_BITS:
            return None  # beyond any double: pyld cannot read it at all, and _number_error says so
        return "a number beyond ±(2**53 − 1), which JavaScript reads as another number"
    if type(number) is float and not number.is_integer():
        if abs(number) < _TINY:
            return "a number below 10**-6, which JavaScript JSON-LD processors canonicalize as 0"
        if _halfway(number):
            return "a number halfway between two 16-digit decimals, which JSON-LD processors round either way"
    return None


def _halfway(number: float) -> bool:
    """Whether the finite non-integer ``number`` is halfway between two 16-digit decimals."""
    rest = Decimal(number).as_tuple().digits[_DOUBLE_DIGITS:]
    return bool(rest) and rest[0] == 5 and not any(rest[1:])


def _typed_double_problem(value: object) -> str | None:
    """What makes a value typed ``xsd:double`` canonicalize otherwise in other RDFC-1.0 implementations, which
    convert it to a number and write that (``None``: nothing; the value itself was checked by :func:`_has_unportable`).
    pyld converts text with ``float()`` ("inf", "1_0", " 5 " and "٥" are numbers, "5abc" stays text), jsonld.js with
    ``parseFloat`` ("5abc" is 5, "abc" NaN); and -0 is "-0.0E0" to pyld, "0.0E0" to jsonld.js. rdfc.js
    ``typedDoubleProblem`` finds the same."""
    if type(value) is bool:
        return None  # "true" or "false" to both
    if type(value) is str:
        if not _DECIMAL.fullmatch(value):
            return "text typed xsd:double that is no plain decimal number, which JSON-LD processors read apart"
        number = float(value)
        if math.isinf(number):
            return "text typed xsd:double beyond the largest double, which JSON-LD processors write apart"
        if not number.is_integer() and _halfway(number):
            return "a number halfway between two 16-digit decimals, which JSON-LD processors round either way"
    elif type(value) in (int, float):
        number = value  # type: ignore[assignment]
    else:
        return None
    if number == 0:  # (JavaScript reads -0 where Python reads 0: no zero is one to both)
        return "a zero typed xsd:double, which JSON-LD processors write with or without a sign"
    return None


def _text_problem(text: str) -> str | None:
    found = _UNESCAPED_BY_PYLD.search(text)
    if found is None:
        return None
    return f"text holding U+{ord(found.group()):04X}, which canonical N-Quads write escaped and pyld as it is"


def _has_unportable(document: Any) -> bool:
    """Whether any text (key or value) or number in ``document`` is one other RDFC-1.0 implementations canonicalize
    otherwise (:func:`_number_problem`, :func:`_text_problem`). Checked over the whole document, as rdfc.js checks
    it, before any processing: what JSON-LD would make of each value does not matter. The text is searched in
    one pass (it runs for every document canonicalized)."""
    texts: list[str] = []
    stack = [document]
    pop, push, extend, add = stack.pop, stack.append, stack.extend, texts.append
    while stack:
        item = pop()
        kind = type(item)
        if kind is str:
            add(item)
        elif kind is dict:
            for key, member in item.items():
                add(key)
                push(member)
        elif kind is list:
            extend(item)
        elif (kind is int or kind is float) and _number_problem(item) is not None:
            return True
        elif kind is not bool and item is not None and isinstance(item, Mapping):
            extend(item.keys())
            extend(item.values())
    return _UNESCAPED_BY_PYLD.search(" ".join(texts)) is not None


def _first_unportable(document: Any) -> tuple[str, str] | None:
    """Where the first such value is in ``document``, in document order (a key before its value), and what it
    holds: the reason names it so (rdfc.js ``firstUnportable`` finds the same)."""
    stack: list[tuple[tuple[str | int, ...], Any, bool]] = [((), document, False)]
    while stack:
        path, value, is_key = stack.pop()
        problem = None
        if isinstance(value, str):
            problem = _text_problem(value)
        elif type(value) in (int, float):
            problem = _number_problem(value)
        elif isinstance(value, Mapping) and not is_key:
            for k, v in reversed(_js_order(value)):
                stack.append(((*path, k), v, False))
                stack.append(((*path, k), k, True))
        elif isinstance(value, list):
            stack.extend(((*path, i), v, False) for i, v in reversed(list(enumerate(value))))
        if problem is not None:
            return _paths([path]), problem
    return None


_ARRAY_INDEX = re.compile(r"0|[1-9][0-9]{0,9}")
_MAX_ARRAY_INDEX = 2**32 - 2


def _is_index(key: object) -> bool:
    return isinstance(key, str) and _ARRAY_INDEX.fullmatch(key) is not None and int(key) <= _MAX_ARRAY_INDEX


def _js_order(value: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """``value``'s members in JavaScript's order of an object's keys (``Object.entries``), which rdfc.js walks:
    keys that are array indices ("0", "17") first, by number, then the others as written."""
    items = list(value.items())
    indices = [(k, v) for k, v in items if _is_index(k)]
    if not indices:
        return items
    indices.sort(key=lambda item: int(item[0]))
    return indices + [(k, v) for k, v in items if not _is_index(k)]


def _keys(value: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield (*path, k)
            yield from _keys(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _keys(v, (*path, i))


def _paths(paths: list[tuple[str | int, ...]]) -> str:
    def one(path: tuple[str | int, ...]) -> str:
        out = ""
        for part in path:
            out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
        return out

    return ", ".join(one(p) for p in paths[:5])


def _context_names(document: Any) -> str:
    ctx = document.get("@context") if isinstance(document, dict) else None
    items = ctx if isinstance(ctx, list) else [ctx]
    names = [c if isinstance(c, str) else "an embedded context" for c in items if c is not None]
    return ", ".join(names) or "no @context"


# ---------------------------------------------------------------------------------------------------------
# Canonicalization
# ---------------------------------------------------------------------------------------------------------

# RDFC-1.0 requires a guard against "poison" datasets, whose blank nodes make Hash N-Degree Quads explode
# combinatorially; pyld 3.3.0 has none. The guard is rdf-canonize's (the page's jsonld, Digital Bazaar's verifier),
# at its default ``maxWorkFactor`` 1, so that both verifiers refuse exactly the same datasets: as many Hash N-Degree
# Quads calls (recursive ones included) as there are blank nodes whose first-degree hash is not unique. Every
# permutation tried issues a recursive call for each blank node of its group, so the permutations are bounded too.


#: Blank nodes a dataset may hold (rdfc.js MAX_BLANK_NODES). Within the work limit each Hash N-Degree Quads call
#: still copies an issuer of up to as many identifiers as there are blank nodes, in rdf-canonize as here: a time
#: growing with their square (two blank nodes knowing the same 9,600 took 3.7 s here, and a 1 MiB file naming a
#: registered issuer, which rule 0 does not bound, minutes on the page). And Hash N-Degree Quads recurses as deep as
#: there are blank nodes: a cycle of 1,000 reached Python's recursion limit here ("nested too deeply") where the
#: page said the work limit. A credential holds some tens; an award one per alignment.
MAX_BLANK_NODES = 600


def blank_nodes_reason(count: int) -> str:
    """Why a dataset of ``count`` blank nodes (more than :data:`MAX_BLANK_NODES`) is refused. rdfc.js
    ``blankNodesReason`` gives the same words."""
    return (
        f"RDF canonicalization refused: the document holds {count} blank nodes (objects without an id, or ids"
        f' "_:…"), more than the {MAX_BLANK_NODES} a credential may hold here'
    )


def work_limit_reason(limit: int) -> str:
    """Why a dataset whose blank nodes need more than ``limit`` Hash N-Degree Quads calls is refused. rdfc.js
    ``workLimitReason`` gives the same words (for rdf-canonize's "Maximum deep iterations exceeded")."""
    return (
        "RDF canonicalization gave up: the document's blank nodes are too alike to tell apart in reasonable time"
        f" (Hash N-Degree Quads work limit reached: more than {limit} steps, one per blank node not told apart"
        " by its own statements)"
    )


def _nquad(quad: dict[str, Any]) -> str:
    """pyld 3.3.0's ``serialize_nquad`` for a quad (its graph, if any, in ``name``), with fewer steps: a literal
    is escaped only when it has something to escape, and the line is built in one expression."""
    s, p, o = quad["subject"], quad["predicate"], quad["object"]
    subject = "<" + s["value"] + ">" if s["type"] == "IRI" else s["value"]
    predicate = "<" + p["value"] + ">" if p["type"] == "IRI" else p["value"]
    kind = o["type"]
    if kind == "IRI":
        obj = "<" + o["value"] + ">"
    elif kind == "blank node":
        obj = o["value"]
    else:
        value = o["value"]
        if "\\" in value or '"' in value or "\n" in value or "\r" in value or "\t" in value:
            value = _escape(value)
        obj = '"' + value + '"'
        datatype = o["datatype"]
        if datatype == _LANGSTRING:
            if o.get("language"):
                obj += "@" + o["language"]
        elif datatype != _XSD_STRING:
            obj += "^^<" + datatype + ">"
    name = quad.get("name")
    graph = name["value"] if name is not None else None
    if graph is None:
        return f"{subject} {predicate} {obj} .\n"
    return f"{subject} {predicate} {obj} {graph if graph.startswith('_:') else '<' + graph + '>'} .\n"


class _URDNA2015(URDNA2015):  # type: ignore[misc]
    """pyld's RDFC-1.0 (URDNA2015) with a work limit, without a deep copy per blank-node component, and with a
    leaner N-Quads serializer (:func:`_nquad`; ``main`` and ``hash_first_degree_quads`` are pyld 3.3.0's with
    that serializer)."""

    def __init__(self) -> None:
        super().__init__()
        self._limit = self._remaining = 0

    def main(self, dataset: dict[str, Any], options: dict[str, Any]) -> Any:
        quads = self.quads
        info = self.blank_node_info
        # 2) Every quad, and for every blank node the quads it occurs in.
        for graph_name, triples in dataset.items():
            name = None if graph_name == "@default" else graph_name
            for quad in triples:
                if name is not None:
                    quad["name"] = {"type": "blank node" if name.startswith("_:") else "IRI", "value": name}
                quads.append(quad)
                for key, component in quad.items():
                    if key != "predicate" and component["type"] == "blank node":
                        info.setdefault(component["value"], {"quads": []})["quads"].append(quad)
        if len(info) > MAX_BLANK_NODES:
            raise CryptoError(blank_nodes_reason(len(info)))
        # 3-5) Issue canonical identifiers for blank nodes with a unique first-degree hash, until none is left.
        non_normalized = set(info)
        simple = True
        while simple:
            simple = False
            hashes: dict[str, list[str]] = {}
            self.hash_to_blank_nodes = hashes
            for id_ in non_normalized:
                hashes.setdefault(self.hash_first_degree_quads(id_), []).append(id_)
            for hash_, id_list in sorted(self.hash_to_blank_nodes.items()):
                if len(id_list) > 1:
                    continue
                self.canonical_issuer.get_id(id_list[0])
                non_normalized.remove(id_list[0])
                del self.hash_to_blank_nodes[hash_]
                simple = True
        # 6) The rest, by Hash N-Degree Quads, within rdf-canonize's budget (maxWorkFactor 1): one call per blank
        # node left.
        self._limit = self._remaining = sum(len(id_list) for id_list in self.hash_to_blank_nodes.values())
        for _hash, id_list in sorted(self.hash_to_blank_nodes.items()):
            hash_path_list = []
            for id_ in id_list:
                if self.canonical_issuer.has_id(id_):
                    continue
                issuer = IdentifierIssuer("_:b")
                issuer.get_id(id_)
                hash_path_list.append(self.hash_n_degree_quads(id_, issuer))
            for result in sorted(hash_path_list, key=lambda r: r["hash"]):
                for existing in result["issuer"].order:
                    self.canonical_issuer.get_id(existing)
        # 7) Relabel, serialize, sort.
        prefix = self.canonical_issuer.prefix
        normalized = []
        for quad in quads:
            for key, component in quad.items():
                if (
                    key != "predicate"
                    and component["type"] == "blank node"
                    and not component["value"].startswith(prefix)
                ):
                    component["value"] = self.canonical_issuer.get_id(component["value"])
            normalized.append(_nquad(quad))
        normalized.sort()
        return "".join(normalized)

    def hash_first_degree_quads(self, id_: str) -> Any:
        info = self.blank_node_info[id_]
        if "hash" in info:
            return info["hash"]
        nquads = []
        for quad in info["quads"]:
            copy = {
                key: component if key == "predicate" else self.modify_first_degree_component(id_, component, key)
                for key, component in quad.items()
            }
            nquads.append(_nquad(copy))
        nquads.sort()
        info["hash"] = self.hash_nquads(nquads)
        return info["hash"]

    def modify_first_degree_component(self, id_: str, component: dict[str, Any], key: str) -> dict[str, Any]:
        # Blank-node components are flat {"type", "value"} dicts: a shallow copy is the deep copy.
        if component["type"] != "blank node":
            return component
        return {**component, "value": "_:a" if component["value"] == id_ else "_:z"}

    def hash_n_degree_quads(self, id_: str, issuer: IdentifierIssuer) -> dict[str, Any]:
        """RDFC-1.0's Hash N-Degree Quads as rdf-canonize 5 writes it (its call count is the work limit, so the
        calls must be the same ones): a permutation is skipped as soon as its path sorts after the chosen one (the
        spec's test; pyld also asks the path to be as long), permutations come in rdf-canonize's order (both are
        Steinhaus-Johnson-Trotter over the sorted list), and the issuer is copied, not deep-copied."""
        if self._remaining == 0:
            raise CryptoError(work_limit_reason(self._limit))
        self._remaining -= 1
        md = self.create_hash()
        hash_to_related = self.create_hash_to_related(id_, issuer)
        canonical = self.canonical_issuer
        for hash_, blank_nodes in sorted(hash_to_related.items()):
            md.update(hash_.encode("utf8"))
            chosen_path = ""
            chosen_issuer = None
            for permutation in permutations(blank_nodes):
                issuer_copy = _copy_issuer(issuer)
                path = ""
                recursion_list = []
                skip = False
                for related in permutation:
                    if canonical.has_id(related):
                        path += canonical.get_id(related)
                    else:
                        if not issuer_copy.has_id(related):
                            recursion_list.append(related)
                        path += issuer_copy.get_id(related)
                    if chosen_path and path > chosen_path:
                        skip = True
                        break
                if skip:
                    continue
                for related in recursion_list:
                    result = self.hash_n_degree_quads(related, issuer_copy)
                    path += issuer_copy.get_id(related) + "<" + result["hash"] + ">"
                    issuer_copy = result["issuer"]
                    if chosen_path and path > chosen_path:
                        skip = True
                        break
                if skip:
                    continue
                if not chosen_path or path < chosen_path:
                    chosen_path = path
                    chosen_issuer = issuer_copy
            md.update(chosen_path.encode("utf8"))
            issuer = chosen_issuer
        return {"hash": md.hexdigest(), "issuer": issuer}


def _copy_issuer(issuer: IdentifierIssuer) -> IdentifierIssuer:
    """A copy of ``issuer`` (its identifiers are strings: nothing deeper to copy)."""
    copy = IdentifierIssuer(issuer.prefix)
    copy.counter = issuer.counter
    copy.existing = dict(issuer.existing)
    copy.order = list(issuer.order)
    return copy


# ---------------------------------------------------------------------------------------------------------
# Context cache
# ---------------------------------------------------------------------------------------------------------

_Key = tuple[Any, ...]


class _BoundedDict(dict[str, Any]):
    """A dict that starts over when full: enough for pyld's resolver cache, which is only a speed-up."""

    def __init__(self, maxsize: int) -> None:
        super().__init__()
        self.maxsize = maxsize

    def __setitem__(self, key: str, value: Any) -> None:
        if len(self) >= self.maxsize:
            self.clear()
        super().__setitem__(key, value)


class _ContextCache:
    """Processed active contexts, keyed by identity of (active context, context value) and the flags.

    Only *trusted* inputs are cached: active contexts that are pyld's initial context or results of this cache,
    and context values that are URLs (served by one immutable store) or objects found in the term definitions
    of a trusted context (scoped contexts of the bundled documents). Everything else, like a context embedded
    in a document, goes through stock pyld uncached, so no document's own data is ever shared with another.
    Every entry keeps its active context and context value alive, so an ``id()`` in a key can never be
    reused by another object while the entry exists.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.entries: dict[_Key, tuple[Any, Any, Any]] = {}
        self.active: dict[int, Any] = {}
        self.local: dict[int, Any] = {}
        # pyld's resolver cache for inline contexts met on a cache miss; ours, so pyld's global one is unused.
        self.resolved = _BoundedDict(256)
        # Term → IRI expansions against trusted contexts: (id(active context), value, base) → (context, IRI).
        self.terms: dict[tuple[int, str, str | None], tuple[Any, Any]] = {}
        self.expansions: dict[Any, tuple[Any, Any, Any]] = {}

    def local_key(self, local_ctx: Any) -> Any:
        if isinstance(local_ctx, str):
            return local_ctx
        if local_ctx is None or local_ctx is False:
            return ("null",)
        if self.local.get(id(local_ctx)) is local_ctx:
            return ("obj", id(local_ctx))
        if isinstance(local_ctx, list) and local_ctx and all(isinstance(c, str) for c in local_ctx):
            return tuple(local_ctx)
        return None

    def add(self, key: _Key, active_ctx: Any, local_ctx: Any, result: Any) -> None:
        with self.lock:
            if len(self.entries) >= _MAX_CACHED_CONTEXTS:
                self.entries.clear()
                self.terms.clear()
                self.expansions.clear()
                self.active.clear()
                self.local.clear()
                self.trust_active(jsonld.INITIAL_CONTEXTS.get(key[-1]))
            self.trust_active(result)
            self.entries[key] = (active_ctx, local_ctx, result)

    def trust_active(self, ctx: Any) -> None:
        if ctx is None or self.active.get(id(ctx)) is ctx:
            return
        self.active[id(ctx)] = ctx
        for mapping in ctx["mappings"].values():
            scoped = mapping.get("@context") if mapping else None
            if isinstance(scoped, (dict, list)):
                self.local[id(scoped)] = scoped


_CACHES: weakref.WeakKeyDictionary[ContextStore, _ContextCache] = weakref.WeakKeyDictionary()
_CACHES_LOCK = threading.Lock()


def _cache_for(store: ContextStore) -> _ContextCache:
    cache = _CACHES.get(store)
    if cache is None:
        with _CACHES_LOCK:
            cache = _CACHES.setdefault(store, _ContextCache())
    return cache


class _CachingProcessor(_SafeProcessor):
    """Safe processor whose context processing is memoized across documents (see :class:`_ContextCache`)."""

    def __init__(self, document: Any, cache: _ContextCache) -> None:
        super().__init__(document)
        self._cache = cache
        self._terms = cache.terms
        self._unique: dict[int, Any] = {}  # _add_unique's sets of the document's long value lists

    def _process_context(
        self,
        active_ctx: Any,
        local_ctx: Any,
        options: Any,
        override_protected: bool = False,
        propagate: bool = True,
        validate_scoped: bool = True,
        cycles: Any = None,
    ) -> Any:
        cache = self._cache
        # `cycles` is only passed while pyld validates scoped contexts inside a context being processed.
        cacheable = cycles is None and cache.active.get(id(active_ctx)) is active_ctx
        local_key = cache.local_key(local_ctx) if cacheable else None
        if local_key is None:
            return super()._process_context(
                active_ctx, local_ctx, options, override_protected, propagate, validate_scoped, cycles
            )
        key = (
            id(active_ctx),
            local_key,
            override_protected,
            propagate,
            validate_scoped,
            options.get("base"),
            options.get("processingMode"),
        )
        hit = cache.entries.get(key)
        if hit is not None and hit[0] is active_ctx:
            return hit[2]
        result = super()._process_context(
            active_ctx, local_ctx, options, override_protected, propagate, validate_scoped, cycles
        )
        cache.add(key, active_ctx, local_ctx, result)
        return result

    def _expand(
        self,
        active_ctx: Any,
        active_property: Any,
        element: Any,
        options: Any,
        inside_list: bool = False,
        inside_index: bool = False,
        type_scoped_ctx: Any = None,
    ) -> Any:
        cache = self._cache
        if (
            type(element) is not dict
            or active_property is None
            or cache.active.get(id(active_ctx)) is not active_ctx
            or (type_scoped_ctx is not None and cache.active.get(id(type_scoped_ctx)) is not type_scoped_ctx)
        ):
            return super()._expand(
                active_ctx, active_property, element, options, inside_list, inside_index, type_scoped_ctx
            )
        text = repr(element)
        if "@context" in text:
            return super()._expand(
                active_ctx, active_property, element, options, inside_list, inside_index, type_scoped_ctx
            )
        key = (
            id(active_ctx),
            active_property,
            text,
            inside_list,
            inside_index,
            id(type_scoped_ctx),
            options.get("base"),
            options.get("processingMode"),
            options.get("isFrame"),
        )
        hit = cache.expansions.get(key)
        if hit is not None and hit[0] is active_ctx and hit[1] is type_scoped_ctx:
            return marshal.loads(hit[2])  # noqa: S302 - bytes this process wrote itself (marshal.dumps below)
        rval = super()._expand(
            active_ctx, active_property, element, options, inside_list, inside_index, type_scoped_ctx
        )
        if len(cache.expansions) >= _MAX_MEMOIZED_EXPANSIONS:
            cache.expansions.clear()
        cache.expansions[key] = (active_ctx, type_scoped_ctx, marshal.dumps(rval))
        return rval

    def _create_node_map(
        self,
        input_: Any,
        graph_map: Any,
        active_graph: Any,
        issuer: Any,
        active_subject: Any = None,
        active_property: Any = None,
        list_: Any = None,
    ) -> None:
        # pyld 3.3.0's _create_node_map for what credentials are made of (node objects and value objects under a
        # node), with the type tests inlined; lists, reverse properties, graphs, @included, @index, @set and
        # blank-node datatypes go to pyld.
        if type(input_) is list:
            for element in input_:
                self._create_node_map(element, graph_map, active_graph, issuer, active_subject, active_property, list_)
            return
        if (
            list_ is not None
            or type(input_) is not dict
            or (active_subject is not None and type(active_subject) is not str)
            or not _PLAIN_NODE_KEYS.isdisjoint(input_)
        ):
            super()._create_node_map(input_, graph_map, active_graph, issuer, active_subject, active_property, list_)
            return
        graph = graph_map.setdefault(active_graph, {})
        subject_node = graph.get(active_subject) if active_subject is not None else None
        types = input_.get("@type")
        if "@value" in input_:
            if types is not None and (type(types) is not str or types.startswith("_:")):
                super()._create_node_map(
                    input_, graph_map, active_graph, issuer, active_subject, active_property, list_
                )
                return
            if subject_node:
                _add_unique(subject_node, active_property, input_, self._unique)
            return
        if types is not None:
            if type(types) is not list:
                super()._create_node_map(
                    input_, graph_map, active_graph, issuer, active_subject, active_property, list_
                )
                return
            for type_ in types:
                if type_.startswith("_:"):
                    issuer.get_id(type_)
        id_ = input_.get("@id")
        if "@id" not in input_ or str(id_).startswith("_:"):
            id_ = issuer.get_id(id_)
        node = graph.setdefault(id_, {"@id": id_})
        if active_property and subject_node:
            _add_unique(subject_node, active_property, {"@id": id_}, self._unique)
        for prop, objects in sorted(input_.items()):
            if prop == "@id":
                continue
            if prop != "@type" and prop[:1] == "@" and prop in _KEYWORDS:
                node[prop] = input_[prop]
                continue
            if prop.startswith("_:"):
                prop = issuer.get_id(prop)
            if len(objects) == 0:
                _add_value(node, prop, [], {"propertyIsArray": True})
                continue
            for o in objects:
                if prop == "@type":
                    _add_unique(node, prop, issuer.get_id(o) if o.startswith("_:") else o, self._unique)
                else:
                    self._create_node_map(o, graph_map, active_graph, issuer, active_subject=id_, active_property=prop)

    def _object_to_rdf(self, item: Any, issuer: Any, triples: Any, options: Any) -> Any:
        # pyld 3.3.0's result for the most common objects (node references, @type values, plain and
        # language-tagged strings) computed directly; everything else (numbers, booleans, lists, JSON
        # literals, strings typed xsd:double, base directions) goes to pyld.
        if type(item) is str:  # an @type value
            id_ = item
        elif "@value" in item:
            value, datatype = item["@value"], item.get("@type")
            if type(value) is not str or datatype in _SPECIAL_DATATYPES or "@direction" in item:
                return super()._object_to_rdf(item, issuer, triples, options)
            if "@language" in item:
                language = item["@language"]
                return {"type": "literal", "value": value, "datatype": datatype or _LANGSTRING, "language": language}
            return {"type": "literal", "value": value, "datatype": datatype or _XSD_STRING}
        elif "@list" in item:
            return super()._object_to_rdf(item, issuer, triples, options)
        else:
            id_ = item["@id"]
        if id_.startswith("_:"):
            return {"type": "blank node", "value": id_}
        return {"type": "IRI", "value": id_} if _ABSOLUTE_IRI.match(id_) else None

    def normalize(self, input_: Any, options: Any) -> Any:
        # pyld 3.3.0's normalize for JSON-LD input, URDNA2015 and N-Quads output (all canonize uses), with
        # the canonicalization class above in place of pyld's.
        options = {"base": "", "extractAllScripts": True, "processingMode": "json-ld-1.1", **options}
        options.pop("identifierIssuer", None)
        rdf_options = {k: v for k, v in options.items() if k != "format"}
        rdf_options["produceGeneralizedRdf"] = False
        try:
            dataset = self.to_rdf(input_, rdf_options)
        except jsonld.JsonLdError as cause:
            raise jsonld.JsonLdError(
                "Could not convert input to RDF dataset before normalization.", "jsonld.NormalizeError"
            ) from cause
        return _URDNA2015().main(dataset, options)

    def _expand_iri(
        self,
        active_ctx: Any,
        value: Any,
        base: str | None = None,
        vocab: bool = False,
        local_ctx: Any = None,
        defined: Any = None,
    ) -> Any:
        # Expanding a term (vocab=True) against a processed context is a pure lookup, and expansion does it
        # for every key of every node, several times. Document-relative expansions (vocab=False: ids) are
        # per-document values and are not memoized.
        if not vocab or local_ctx is not None or not isinstance(value, str):
            return super()._expand_iri(active_ctx, value, base, vocab, local_ctx, defined)
        terms = self._terms
        key = (id(active_ctx), value, base)
        hit = terms.get(key)
        if hit is not None and hit[0] is active_ctx:
            return hit[1]
        rval = super()._expand_iri(active_ctx, value, base, vocab)
        if self._cache.active.get(id(active_ctx)) is active_ctx:
            if len(terms) >= _MAX_MEMOIZED_TERMS:
                terms.clear()
            terms[key] = (active_ctx, rval)
        return rval


# ---------------------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------------------


def canonize(document: Mapping[str, Any], store: ContextStore | None = None) -> str:
    """RDFC-1.0 (URDNA2015) canonical N-Quads of a JSON-LD document, with contexts only from ``store``.

    Raises UnknownContextError for a context not in the store, UnsafeDocumentError (a CryptoError) for data the
    contexts do not define, and CryptoError for any other JSON-LD error.
    """
    _check_document(document)
    store = store or ContextStore.bundled()
    cache = _cache_for(store)
    processor = _CachingProcessor(document, cache)
    initial = processor._get_initial_context({"processingMode": "json-ld-1.1"})
    if cache.active.get(id(initial)) is not initial:
        with cache.lock:
            cache.trust_active(initial)
    options = {
        **_NORMALIZE_OPTIONS,
        "documentLoader": store.load,
        "contextResolver": ContextResolver(cache.resolved, store.load),
    }
    return _run(processor, _QuickCopy(document), document, options)


def canonize_stock(document: Mapping[str, Any], store: ContextStore | None = None) -> str:
    """:func:`canonize` without the context cache: stock pyld context processing, the same safe mode.

    The reference the cached path is proven equal to (and what the benchmark compares against).
    """
    _check_document(document)
    store = store or ContextStore.bundled()
    options = {**_NORMALIZE_OPTIONS, "documentLoader": store.load}
    return _run(_SafeProcessor(document), dict(document), document, options)


def _check_document(document: object) -> None:
    if not isinstance(document, Mapping):
        raise CryptoError(f"a JSON-LD document must be a JSON object, not {type(document).__name__}")
    if _has_unportable(document):
        where, problem = _first_unportable(document) or ("", "a value other verifiers canonicalize otherwise")
        raise UnsafeDocumentError(unportable_reason(where, problem))


def _run(processor: _SafeProcessor, given: dict[str, Any], document: Any, options: dict[str, Any]) -> str:
    # `document` is passed to pyld as an object, never as a string: pyld would treat a string as a URL to load.
    try:
        result = processor.normalize(given, options)
    except jsonld.JsonLdError as exc:
        raise _explain(exc, document) from exc
    except RecursionError as exc:
        raise CryptoError("the JSON-LD document is nested too deeply") from exc
    except ArithmeticError as exc:  # pyld's float(v) of an integer beyond a double's range: OverflowError
        raise _number_error(document) from exc
    if not isinstance(result, str):  # pragma: no cover - pyld returns a string for format=application/n-quads
        raise CryptoError("pyld did not return N-Quads")
    return result


def _copy_json(value: Any) -> Any:
    """A deep copy of JSON data (dicts and lists; anything else is shared, as immutable)."""
    if isinstance(value, dict):
        return {k: _copy_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy_json(v) for v in value]
    return value


class _QuickCopy(dict[str, Any]):
    """The input document, with a JSON-only deep copy: pyld's ``expand`` deep-copies its input, and
    ``copy.deepcopy``'s generality costs several times a plain recursive copy of dicts and lists."""

    def __deepcopy__(self, memo: Any) -> dict[str, Any]:
        copied: dict[str, Any] = _copy_json(dict(self))
        return copied


def _number_error(document: Any) -> CryptoError:
    """The CryptoError for a number JSON-LD cannot hold (pyld reads every number as a double), naming the first
    field holding one."""
    stack: list[tuple[tuple[str | int, ...], Any]] = [((), document)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, Mapping):
            stack.extend(((*path, k), v) for k, v in reversed(list(value.items())))
        elif isinstance(value, list):
            stack.extend(((*path, i), v) for i, v in reversed(list(enumerate(value))))
        elif isinstance(value, int) and not isinstance(value, bool):
            try:
                float(value)
            except OverflowError:
                where = format_field(path)
                digits = f"{value.bit_length() * 0.30103:,.0f}"
                return CryptoError(f"{where}: the number is too large for JSON-LD (about {digits} digits)")
    return CryptoError("JSON-LD processing failed: a number is too large for JSON-LD")


def _explain(exc: jsonld.JsonLdError, document: Any) -> CryptoError:
    """Turn pyld's chain of wrapped errors into one readable CryptoError (or the UnknownContextError in it)."""
    chain: list[BaseException] = []
    cause: BaseException | None = exc
    while cause is not None and cause not in chain:
        if isinstance(cause, CryptoError):
            # pyld wrapped our own error (the loader's UnknownContextError): give it back as it was.
            return type(cause)(cause.summary, cause.details)
        if isinstance(cause, ArithmeticError):
            return _number_error(document)
        chain.append(cause)
        cause = cause.__cause__ or cause.__context__
    innermost = next((e for e in reversed(chain) if isinstance(e, jsonld.JsonLdError)), exc)
    message = str(innermost.args[0]) if innermost.args else type(innermost).__name__
    details = innermost.details if isinstance(innermost.details, dict) else {}
    parts = [message.rstrip(".")]
    if "term" in details:
        parts.append(f"term {details['term']!r}")
    elif isinstance(details.get("context"), Mapping):
        # pyld does not always say which term; the context it was processing narrows it down.
        terms = [k for k in details["context"] if isinstance(k, str) and not k.startswith("@")]
        if terms:
            shown = ", ".join(repr(t) for t in terms[:5]) + (", ..." if len(terms) > 5 else "")
            parts.append(f"in a context defining {shown}")
    if "url" in details:
        parts.append(f"context {details['url']!r}")
    if innermost.code:
        parts.append(f"JSON-LD error code: {innermost.code}")
    return CryptoError(
        "JSON-LD processing failed: " + "; ".join(parts),
        [f"document contexts: {_context_names(document)}"],
    )
