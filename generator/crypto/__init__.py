"""The crypto layer: Ed25519 keys, multibase/did:key, JCS and RDFC-1.0 canonicalization, Data Integrity proofs.

Pure functions; the only I/O is reading the bundled JSON-LD contexts (package data). Nothing is ever fetched.
"""

from . import _offline  # noqa: F401  (first: pyld without its HTTP loader)
from .contexts import ContextStore, document_loader
from .dataintegrity import (
    CRYPTOSUITES,
    PROOF_TYPE,
    ProofResult,
    add_proofs,
    canonical_document,
    create_proof,
    hash_data,
    proof_config,
    proofs_of,
    verify_proof,
)
from .ed25519 import generate_seed, public_from_seed, sign, verify
from .jcs import canonicalize
from .multibase import (
    b58decode,
    b58encode,
    decode_ed25519_private,
    decode_ed25519_public,
    did_key_from_public,
    encode_ed25519_private,
    encode_ed25519_public,
    multibase_decode,
    multibase_encode,
    public_key_from_did_key,
    verification_method_for,
)
from .rdfc import UnsafeDocumentError, canonize

__all__ = [
    "CRYPTOSUITES",
    "PROOF_TYPE",
    "ContextStore",
    "ProofResult",
    "UnsafeDocumentError",
    "add_proofs",
    "b58decode",
    "b58encode",
    "canonical_document",
    "canonicalize",
    "canonize",
    "create_proof",
    "decode_ed25519_private",
    "decode_ed25519_public",
    "did_key_from_public",
    "document_loader",
    "encode_ed25519_private",
    "encode_ed25519_public",
    "generate_seed",
    "hash_data",
    "multibase_decode",
    "multibase_encode",
    "proof_config",
    "proofs_of",
    "public_from_seed",
    "public_key_from_did_key",
    "sign",
    "verification_method_for",
    "verify",
    "verify_proof",
]
