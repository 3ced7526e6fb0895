"""RFC 9162 (RFC 6962) Merkle trees: leaf hash ``SHA-256(0x00 || entry)``, node hash ``SHA-256(0x01 || l || r)``.

Proofs are generated from a :class:`HashSource`: anything that can give the hash of a *complete* subtree
(``2**height`` leaves, aligned). An in-memory tree provides one, and so do tiles (:mod:`.tiles`); every other
hash a proof needs (the hash of a range that is not a power of two) is combined from those, following the
RFC's split at the largest power of two smaller than the range. Verification follows RFC 9162 §2.1.3.2 and
§2.1.4.2 step by step, and never raises on bad input: it returns False.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Protocol

__all__ = [
    "EMPTY_ROOT",
    "HashSource",
    "MemoryTree",
    "WithFrontier",
    "WithNodes",
    "consistency_proof",
    "frontier",
    "inclusion_proof",
    "leaf_hash",
    "node_hash",
    "path_within",
    "root_hash",
    "subtree_hash",
    "verify_consistency",
    "verify_inclusion",
]

HASH_SIZE = 32
#: MTH({}): the hash of an empty tree is the hash of the empty string.
EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(entry: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


class HashSource(Protocol):
    """Hashes of complete subtrees: ``node(height, index)`` is MTH(D[index * 2**height : (index + 1) * 2**height])."""

    def node(self, height: int, index: int) -> bytes: ...


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (n > 1): where RFC 6962 splits a range of n leaves."""
    return 1 << ((n - 1).bit_length() - 1)


def subtree_hash(source: HashSource, start: int, end: int) -> bytes:
    """MTH(D[start:end]) for a range the RFC's recursion produces (``start`` aligned to the range's split)."""
    size = end - start
    if size <= 0:
        raise ValueError(f"empty range [{start}, {end})")
    if size & (size - 1) == 0 and start % size == 0:
        return source.node(size.bit_length() - 1, start // size)
    k = _split(size)
    return node_hash(subtree_hash(source, start, start + k), subtree_hash(source, start + k, end))


def root_hash(source: HashSource, size: int) -> bytes:
    """The root of the first ``size`` leaves."""
    return EMPTY_ROOT if size == 0 else subtree_hash(source, 0, size)


def inclusion_proof(source: HashSource, index: int, size: int, *, above: int = 0) -> list[bytes]:
    """PATH(index, D[0:size]) of RFC 6962 §2.1.1, leaf-side first.

    With ``above`` = h, only the hashes above height h: those below are the siblings within the aligned
    complete subtree of 2**h leaves holding ``index`` (see :func:`path_within`), which must lie inside the
    tree. As every range the recursion visits is aligned to its split, it reaches exactly that subtree.
    """
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size}")
    if ((index >> above) + 1) << above > size:
        raise ValueError(f"the subtree of height {above} holding leaf {index} is not complete in a tree of {size}")
    proof: list[bytes] = []
    start, end = 0, size
    while end - start > 1 << above:
        k = _split(end - start)
        if index < start + k:
            proof.append(subtree_hash(source, start + k, end))
            end = start + k
        else:
            proof.append(subtree_hash(source, start, start + k))
            start += k
    proof.reverse()
    return proof


def path_within(source: HashSource, index: int, height: int) -> list[bytes]:
    """The first ``height`` hashes of any inclusion proof of ``index`` in a tree holding the whole aligned
    subtree of 2**height leaves around it: the siblings inside that subtree, leaf-side first. They never change
    once that subtree is complete, so they can be published once beside the entry."""
    return [source.node(h, (index >> h) ^ 1) for h in range(height)]


def frontier(source: HashSource, size: int) -> list[bytes]:
    """The roots of the complete subtrees a tree of ``size`` splits into (one per bit set in ``size``, largest
    first). Every hash of the ragged right edge that a proof in this tree needs is one of them or made of them."""
    out, start = [], 0
    for height in reversed(range(size.bit_length())):
        if size >> height & 1:
            out.append(source.node(height, start >> height))
            start += 1 << height
    return out


class WithFrontier:
    """``source``, answering the frontier's nodes (:func:`frontier`) from a given list instead: a verifier then
    needs no partial tile of the right edge. The list is not trusted: a wrong hash makes the proof fail."""

    def __init__(self, source: HashSource, size: int, hashes: Sequence[bytes]) -> None:
        self.source = source
        self.known: dict[tuple[int, int], bytes] = {}
        heights = [h for h in reversed(range(size.bit_length())) if size >> h & 1]
        if len(heights) != len(hashes):
            return  # not this size's frontier: every node from the source
        start = 0
        for height, digest in zip(heights, hashes, strict=True):
            self.known[(height, start >> height)] = digest
            start += 1 << height

    def node(self, height: int, index: int) -> bytes:
        known = self.known.get((height, index))
        return known if known is not None else self.source.node(height, index)


class WithNodes:
    """``source``, answering some nodes from given hashes instead (a proof's hashes published beside the tiles,
    so that a verifier reads them and not the tile they come from). Not trusted: a wrong hash makes the proof
    fail."""

    def __init__(self, source: HashSource, nodes: Mapping[tuple[int, int], bytes]) -> None:
        self.source = source
        self.known = dict(nodes)

    def node(self, height: int, index: int) -> bytes:
        known = self.known.get((height, index))
        return known if known is not None else self.source.node(height, index)


def consistency_proof(source: HashSource, old: int, new: int) -> list[bytes]:
    """PROOF(old, D[0:new]) of RFC 6962 §2.1.2 (empty when ``old`` is 0 or equals ``new``)."""
    if not 0 <= old <= new:
        raise ValueError(f"no consistency proof from {old} to {new}")
    if old == 0 or old == new:
        return []
    proof: list[bytes] = []
    start, end, m, whole = 0, new, old, True
    # SUBPROOF(m, D[start:end], whole), unrolled: each step adds one hash and recurses on one side.
    while m != end - start:
        k = _split(end - start)
        if m <= k:
            proof.append(subtree_hash(source, start + k, end))
            end = start + k
        else:
            proof.append(subtree_hash(source, start, start + k))
            start, m, whole = start + k, m - k, False
    if not whole:
        proof.append(subtree_hash(source, start, end))
    proof.reverse()
    return proof


def _ok_hash(value: object) -> bool:
    return isinstance(value, bytes | bytearray) and len(value) == HASH_SIZE


def verify_inclusion(leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes) -> bool:
    """RFC 9162 §2.1.3.2: does ``proof`` show the leaf hash ``leaf`` at ``index`` in the tree ``root`` of ``size``?"""
    if not (_ok_hash(leaf) and _ok_hash(root) and all(_ok_hash(p) for p in proof)):
        return False
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, bytes(leaf)
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == bytes(root)


def verify_consistency(old: int, new: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]) -> bool:
    """RFC 9162 §2.1.4.2: is the tree ``new_root`` of ``new`` leaves an extension of ``old_root`` of ``old``?"""
    if not (_ok_hash(old_root) and _ok_hash(new_root) and all(_ok_hash(p) for p in proof)):
        return False
    if not 0 <= old <= new:
        return False
    if old == 0:  # the empty tree is a prefix of every tree
        return not proof and bytes(old_root) == EMPTY_ROOT
    if old == new:
        return not proof and bytes(old_root) == bytes(new_root)
    if not proof:
        return False
    path = list(proof)
    if old & (old - 1) == 0:
        path.insert(0, bytes(old_root))
    fn, sn = old - 1, new - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = bytes(path[0])
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == bytes(old_root) and sr == bytes(new_root)


class MemoryTree:
    """Every complete subtree hash of a list of leaf hashes, level by level (for building and for tests)."""

    def __init__(self, leaves: Sequence[bytes] = ()) -> None:
        self.levels: list[list[bytes]] = [[]]
        for leaf in leaves:
            self.append(leaf)

    @property
    def size(self) -> int:
        return len(self.levels[0])

    def append(self, leaf: bytes) -> None:
        """Add one leaf hash; completes the subtrees it closes (amortized O(1))."""
        self.levels[0].append(leaf)
        height = 0
        while len(self.levels[height]) % 2 == 0:
            below = self.levels[height]
            if height + 1 == len(self.levels):
                self.levels.append([])
            self.levels[height + 1].append(node_hash(below[-2], below[-1]))
            height += 1

    def node(self, height: int, index: int) -> bytes:
        try:
            return self.levels[height][index]
        except IndexError:
            raise ValueError(f"no complete subtree of height {height} at {index} in a tree of {self.size}") from None

    def root(self, size: int | None = None) -> bytes:
        return root_hash(self, self.size if size is None else size)
