"""A transparency log as static files: pure code, no I/O.

* :mod:`.merkle` — RFC 6962 / RFC 9162 Merkle tree hashing, roots, inclusion and consistency proofs
  (generate and verify), over any source of complete-subtree hashes.
* :mod:`.tiles` — C2SP tlog-tiles: tile and entry-bundle paths and encodings, incremental appends, and a
  hash source that reads tiles.
* :mod:`.note` — C2SP signed-note (Ed25519), tlog-checkpoint and tlog-cosignature (``cosignature/v1``).

The I/O (Git history, state directories, the CLI) lives in :mod:`generator.transparency`.
"""

from .merkle import (
    EMPTY_ROOT,
    HashSource,
    MemoryTree,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root_hash,
    subtree_hash,
    verify_consistency,
    verify_inclusion,
)

__all__ = [
    "EMPTY_ROOT",
    "HashSource",
    "MemoryTree",
    "consistency_proof",
    "inclusion_proof",
    "leaf_hash",
    "node_hash",
    "root_hash",
    "subtree_hash",
    "verify_consistency",
    "verify_inclusion",
]
