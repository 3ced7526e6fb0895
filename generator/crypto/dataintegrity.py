"""W3C Data Integrity EdDSA Cryptosuites v1.0: ``eddsa-rdfc-2022`` and ``eddsa-jcs-2022`` DataIntegrityProofs.

Both suites sign ``hashData = SHA-256(canonical proof config) ‖ SHA-256(canonical document without proof)``
with Ed25519. They differ in the canonicalization: RDFC-1.0 N-Quads (:mod:`.rdfc`) or RFC 8785 JSON
(:mod:`.jcs`). A document may carry a proof *set* (several independent proofs, ``proof`` a list); each proof
signs the document without any proof. Proof *chains* (``previousProof``) are not supported and fail
verification with a reason saying so.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from generator.errors import CryptoError

from . import ed25519, jcs, rdfc
from .contexts import ContextStore
from .multibase import b58decode, b58encode

__all__ = [
    "CRYPTOSUITES",
    "JCS",
    "PROOF_PURPOSE",
    "PROOF_TYPE",
    "RDFC",
    "ProofResult",
    "add_proofs",
    "canonical_document",
    "create_proof",
    "hash_data",
    "proof_config",
    "proofs_of",
    "verify_proof",
]

PROOF_TYPE = "DataIntegrityProof"
RDFC = "eddsa-rdfc-2022"
JCS = "eddsa-jcs-2022"
#: The cryptosuites the registry signs with and verifies: the one definition every module imports (awards carry
#: one proof of each, in this order).
CRYPTOSUITES = (RDFC, JCS)
#: What every proof here is made for: asserting the document it signs (Data Integrity's expected proof purpose for
#: a credential, a status list, a statement). A proof made for ``authentication`` or ``capabilityInvocation`` is
#: a key holder proving something else, and other verifiers refuse it as an assertion.
PROOF_PURPOSE = "assertionMethod"
# "z" + base58btc of 64 bytes is at most 89 characters.
_MAX_PROOF_VALUE = 100


@dataclass(frozen=True, slots=True)
class ProofResult:
    """The outcome of checking one proof; true when it verifies. ``reason`` says why not, in plain words."""

    ok: bool
    cryptosuite: str | None
    verification_method: str | None
    reason: str = ""

    def __bool__(self) -> bool:
        return self.ok


def canonical_document(document: Mapping[str, Any], cryptosuite: str, store: ContextStore | None = None) -> bytes:
    """The canonical bytes a suite hashes: RDFC-1.0 N-Quads (UTF-8) or RFC 8785 JSON. Used for proof configs too."""
    if cryptosuite == RDFC:
        return rdfc.canonize(document, store).encode("utf-8")
    if cryptosuite == JCS:
        return jcs.canonicalize(document)
    raise CryptoError(f"unsupported cryptosuite {cryptosuite!r} (supported: {', '.join(CRYPTOSUITES)})")


def proof_config(proof: Mapping[str, Any], document: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The proof configuration a proof signs: the proof without ``proofValue``, with ``document``'s @context.

    ``document`` is the unsecured document (for a proof with its own @context, :func:`hash_data` first checks
    that it starts the document's and puts it in the document's place).
    """
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    if document is not None and "@context" in document:
        config["@context"] = document["@context"]
    return config


def _unsecured(document: Mapping[str, Any], proof: Mapping[str, Any]) -> dict[str, Any]:
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    unsecured.update(_unsecured_context(document, proof))
    return unsecured


def _unsecured_context(document: Mapping[str, Any], proof: Mapping[str, Any]) -> dict[str, Any]:
    """The ``@context`` member of the document ``proof`` signs (none, or one), without copying the document: a
    proof's own ``@context`` replaces the document's, which it must start (Data Integrity EdDSA, Verify Proof, for
    either suite; the page's dataintegrity.js reads it so). Were it ignored for one suite, it would be a member of
    the proof that no signature covers."""
    if "@context" in proof:
        proof_ctx = _as_list(proof["@context"])
        doc_ctx = _as_list(document.get("@context"))
        if not _same_json(doc_ctx[: len(proof_ctx)], proof_ctx):
            raise CryptoError("proof @context does not match document @context")
        return {"@context": proof["@context"]}
    return {"@context": document["@context"]} if "@context" in document else {}


def _same_json(ours: list[Any], theirs: list[Any]) -> bool:
    """Whether two lists are the same JSON (by canonical form: ``1`` and ``True`` are equal in Python, not in JSON,
    and the page's dataintegrity.js compares RFC 8785 forms)."""
    if all(type(c) is str for c in (*ours, *theirs)):
        return ours == theirs  # plain strings: equal in Python exactly when equal in JSON
    return jcs.canonicalize(ours) == jcs.canonicalize(theirs)


def _same_context(unsecured: Mapping[str, Any], document: Mapping[str, Any]) -> bool:
    """Whether the unsecured document kept the document's ``@context`` (by canonical form: ``1`` and ``True``
    are equal in Python, not in JSON)."""
    if ("@context" in unsecured) != ("@context" in document):
        return False
    if "@context" not in document or unsecured["@context"] is document["@context"]:
        return True
    ours, theirs = unsecured["@context"], document["@context"]
    if type(ours) is list and type(theirs) is list and all(type(c) is str for c in (*ours, *theirs)):
        return ours == theirs  # lists of plain strings: equal in Python exactly when equal in JSON
    return jcs.canonicalize(unsecured["@context"]) == jcs.canonicalize(document["@context"])


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def hash_data(
    document: Mapping[str, Any],
    proof: Mapping[str, Any],
    store: ContextStore | None = None,
    *,
    jcs_document: bytes | None = None,
) -> bytes:
    """``SHA-256(canonical proof config) ‖ SHA-256(canonical document)``: the 64 bytes a proof signs.

    ``document`` may be secured: any ``proof`` (object or list) is left out. ``proofValue`` in ``proof`` is
    ignored. Raises CryptoError if either part cannot be canonicalized.

    ``jcs_document``, when given, must be the RFC 8785 bytes of ``document`` without ``proof`` (see
    :func:`generator.crypto.jcs.canonicalize_without`); an ``eddsa-jcs-2022`` proof then hashes them instead
    of canonicalizing the document again, unless its own ``@context`` replaces the document's.
    """
    suite = proof.get("cryptosuite")
    if suite not in CRYPTOSUITES:
        raise CryptoError(f"unsupported cryptosuite {suite!r}")
    context = _unsecured_context(document, proof)  # all the proof configuration takes from the document
    config = proof_config(proof, context)
    if suite == RDFC and (key := _json_key(config)) is not None:
        config_hash = _rdfc_config_hash(key, store)
    else:
        config_hash = hashlib.sha256(canonical_document(config, suite, store)).digest()
    if suite == JCS and jcs_document is not None and _same_context(context, document):
        document_hash = hashlib.sha256(jcs_document).digest()
    else:
        document_hash = hashlib.sha256(canonical_document(_unsecured(document, proof), suite, store)).digest()
    return config_hash + document_hash


# Proofs made in one batch share their configuration (same key, purpose and time), and RDFC costs as much for
# the small config as for a credential. The config's canonical JSON is the cache key, and it is used only when
# its round trip is exact (no floats: 1.0 would come back as 1, an xsd:integer instead of an xsd:double), so
# equal keys mean equal N-Quads. The store is immutable and part of the key.
@functools.lru_cache(maxsize=256)
def _rdfc_config_hash(config_json: bytes, store: ContextStore | None) -> bytes:
    config = json.loads(config_json)
    created = config.get("created")
    if isinstance(created, str) and _TIMESTAMP.match(created) and created != _PLACEHOLDER:
        # Proofs made one by one differ only in their creation time. Canonicalize the configuration once with a
        # placeholder time and put the real one in the N-Quads: see _config_template for why that is exact.
        template = _config_template(jcs._fast_dumps({**config, "created": _PLACEHOLDER}), store)
        if template is not None:
            return hashlib.sha256(template.replace(f'"{_PLACEHOLDER}"', f'"{created}"').encode()).digest()
    return hashlib.sha256(canonical_document(config, RDFC, store)).digest()


# A timestamp needs no N-Quads escaping (digits, '-', ':', 'T', '.', 'Z', '+'), so as a literal it is written as it
# is; the placeholder is one too.
_TIMESTAMP = re.compile(
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,9})?(?:Z|[+-][0-9]{2}:[0-9]{2})\Z"
)
_PLACEHOLDER = "0001-01-01T00:00:00Z"


@functools.lru_cache(maxsize=64)
def _config_template(template_json: bytes, store: ContextStore | None) -> str | None:
    """The canonical N-Quads of a proof configuration whose ``created`` is the placeholder, if substituting another
    timestamp for it gives exactly the N-Quads of that configuration; ``None`` otherwise.

    Substitution is exact when the placeholder literal occurs on exactly one line, no other line starts with that
    line's subject and predicate (so the sorted order, decided before the object, cannot change), and there is at
    most one blank node (so canonical labels, issued without comparing hashes, cannot change). A configuration's
    ``created`` is a plain string in JSON-LD: its value is copied into the literal, whatever the context says its
    datatype is.
    """
    nquads = rdfc.canonize(json.loads(template_json), store)
    lines = nquads.splitlines()
    literal = f'"{_PLACEHOLDER}"'
    holders = [line for line in lines if literal in line]
    if len(holders) != 1 or nquads.count(literal) != 1 or "_:c14n1" in nquads:
        return None
    subject, predicate, _rest = holders[0].split(" ", 2)
    if sum(1 for line in lines if line.startswith(f"{subject} {predicate} ")) != 1:
        return None
    return nquads


def _json_key(value: Any) -> bytes | None:
    return jcs._fast_dumps(value) if jcs._fast_path_is_exact(value) else None


def _timestamp(created: str | datetime) -> str:
    if isinstance(created, str):
        return created
    if created.tzinfo is None:
        raise CryptoError("the proof's created time must be timezone-aware")
    return created.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def create_proof(
    document: Mapping[str, Any],
    *,
    cryptosuite: str,
    seed: bytes,
    verification_method: str,
    created: str | datetime,
    proof_purpose: str = "assertionMethod",
    store: ContextStore | None = None,
) -> dict[str, Any]:
    """A DataIntegrityProof over ``document`` (any existing ``proof`` is left out, as in a proof set).

    The ``eddsa-jcs-2022`` proof repeats the document's ``@context``, as the W3C test vectors do; the
    ``eddsa-rdfc-2022`` proof does not (the document's applies).
    """
    if cryptosuite not in CRYPTOSUITES:
        raise CryptoError(f"unsupported cryptosuite {cryptosuite!r} (supported: {', '.join(CRYPTOSUITES)})")
    proof: dict[str, Any] = {
        "type": PROOF_TYPE,
        "cryptosuite": cryptosuite,
        "created": _timestamp(created),
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }
    if cryptosuite == JCS and "@context" in document:
        proof["@context"] = document["@context"]
    signature = ed25519.sign(seed, hash_data(document, proof, store))
    proof["proofValue"] = "z" + b58encode(signature)
    return proof


def proofs_of(document: Mapping[str, Any]) -> list[Any]:
    """The document's proofs as a list (empty if it has none)."""
    return _as_list(document.get("proof"))


def add_proofs(document: Mapping[str, Any], proofs: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """A new document with ``proofs`` added to its proof set. ``proof`` is an object only if it holds one."""
    new = [dict(proofs)] if isinstance(proofs, Mapping) else [dict(p) for p in proofs]
    if not new:
        raise CryptoError("no proof to add")
    all_proofs = [*proofs_of(document), *new]
    return {**document, "proof": all_proofs[0] if len(all_proofs) == 1 else all_proofs}


def verify_proof(
    document: Mapping[str, Any],
    proof: Mapping[str, Any],
    public_key: bytes,
    *,
    store: ContextStore | None = None,
    jcs_document: bytes | None = None,
) -> ProofResult:
    """Check one proof of a (secured) document against an Ed25519 public key. Never raises for bad input.

    ``jcs_document``: the document's RFC 8785 bytes without ``proof``, if the caller has them (see
    :func:`hash_data`)."""
    if not isinstance(proof, Mapping):
        return ProofResult(False, None, None, "proof is not a JSON object")
    suite = proof.get("cryptosuite")
    method = proof.get("verificationMethod")
    suite_s = suite if isinstance(suite, str) else None
    method_s = method if isinstance(method, str) else None

    def fail(reason: str) -> ProofResult:
        return ProofResult(False, suite_s, method_s, reason)

    if not isinstance(document, Mapping):
        return fail("document is not a JSON object")
    if proof.get("type") != PROOF_TYPE:
        return fail(f"unsupported proof type {proof.get('type')!r} (expected {PROOF_TYPE})")
    if suite not in CRYPTOSUITES:
        return fail(f"unsupported cryptosuite {suite!r}")
    if "previousProof" in proof:
        return fail("proof chains (previousProof) are not supported")
    if proof.get("proofPurpose") != PROOF_PURPOSE:
        return fail(f"the proof is not made for {PROOF_PURPOSE} (it does not assert what it signs)")
    value = proof.get("proofValue")
    if not isinstance(value, str) or not value.startswith("z"):
        return fail("proofValue is not base58btc multibase")
    if len(value) > _MAX_PROOF_VALUE:  # base58 decoding is quadratic: refuse what cannot be a signature
        return fail(f"proofValue is not an Ed25519 signature ({len(value)} characters)")
    try:
        signature = b58decode(value[1:])
    except CryptoError:
        return fail("proofValue is not base58btc multibase")
    if len(signature) != 64:
        return fail(f"proofValue is not an Ed25519 signature ({len(signature)} bytes, expected 64)")
    if (problem := ed25519.signature_problem(signature)) is not None:
        return fail(f"signature does not match: {problem}")
    if not isinstance(public_key, bytes) or len(public_key) != 32:
        return fail("public key is not a 32-byte Ed25519 key")
    if (problem := ed25519.public_key_problem(public_key)) is not None:
        return fail(f"public key is not an Ed25519 key: {problem}")
    try:
        data = hash_data(document, proof, store, jcs_document=jcs_document)
    except CryptoError as exc:
        return fail(exc.summary)
    except (TypeError, ValueError, AttributeError, KeyError, ArithmeticError) as exc:
        # Malformed structure that a library trips over instead of reporting.
        return fail(f"document cannot be canonicalized: {exc!r}")
    if not ed25519.verify(public_key, data, signature):
        return fail("signature does not match")
    return ProofResult(True, suite_s, method_s)
