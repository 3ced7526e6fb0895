"""RFC 6962 / RFC 9162 Merkle trees: the published reference vectors, then every proof for sizes up to 300."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.tlog.merkle import (
    EMPTY_ROOT,
    MemoryTree,
    WithFrontier,
    consistency_proof,
    frontier,
    inclusion_proof,
    leaf_hash,
    node_hash,
    path_within,
    verify_consistency,
    verify_inclusion,
)

# The Certificate Transparency reference leaves and tree heads (RFC 6962 test data, as published with
# transparency-dev/merkle's testonly constants): data only.
CT_LEAVES = [
    bytes.fromhex(h)
    for h in ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"]
]
CT_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
CT_INCLUSION = [
    (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
]  # fmt: skip
CT_CONSISTENCY = [
    (2, 8, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]  # fmt: skip

CT_TREE = MemoryTree([leaf_hash(d) for d in CT_LEAVES])


def test_hashing_is_rfc6962s() -> None:
    assert EMPTY_ROOT.hex() == hashlib.sha256(b"").hexdigest()
    assert leaf_hash(b"x") == hashlib.sha256(b"\x00x").digest()
    assert node_hash(b"l" * 32, b"r" * 32) == hashlib.sha256(b"\x01" + b"l" * 32 + b"r" * 32).digest()


@pytest.mark.parametrize("size", range(1, 9))
def test_reference_roots(size: int) -> None:
    assert CT_TREE.root(size).hex() == CT_ROOTS[size - 1]


@pytest.mark.parametrize(("index", "size", "proof"), CT_INCLUSION)
def test_reference_inclusion_proofs(index: int, size: int, proof: list[str]) -> None:
    assert [p.hex() for p in inclusion_proof(CT_TREE, index, size)] == proof
    root = bytes.fromhex(CT_ROOTS[size - 1])
    assert verify_inclusion(leaf_hash(CT_LEAVES[index]), index, size, [bytes.fromhex(p) for p in proof], root)


@pytest.mark.parametrize(("old", "new", "proof"), CT_CONSISTENCY)
def test_reference_consistency_proofs(old: int, new: int, proof: list[str]) -> None:
    assert [p.hex() for p in consistency_proof(CT_TREE, old, new)] == proof
    roots = bytes.fromhex(CT_ROOTS[old - 1]), bytes.fromhex(CT_ROOTS[new - 1])
    assert verify_consistency(old, new, *roots, [bytes.fromhex(p) for p in proof])


LEAVES = [leaf_hash(i.to_bytes(2, "big")) for i in range(300)]
TREE = MemoryTree(LEAVES)
ROOTS = [TREE.root(n) for n in range(301)]


def _tampered(proof: list[bytes]) -> list[list[bytes]]:
    """Every way to spoil a proof a little: flip a bit anywhere, drop or add a hash, swap two."""
    out = []
    for i in range(len(proof)):
        flipped = list(proof)
        flipped[i] = bytes([proof[i][0] ^ 1]) + proof[i][1:]
        out.append(flipped)
    if proof:
        out.append(proof[:-1])
    out.append([*proof, b"\xab" * 32])
    if len(proof) >= 2 and proof[0] != proof[1]:
        out.append([proof[1], proof[0], *proof[2:]])
    return out


def test_every_inclusion_proof_verifies_and_no_tampered_one_does() -> None:
    for size in range(1, 301, 7):
        for index in range(size):
            proof = inclusion_proof(TREE, index, size)
            assert verify_inclusion(LEAVES[index], index, size, proof, ROOTS[size])
            for bad in _tampered(proof):
                assert not verify_inclusion(LEAVES[index], index, size, bad, ROOTS[size])
            if size > 1:
                assert not verify_inclusion(LEAVES[index], (index + 1) % size, size, proof, ROOTS[size])
                assert not verify_inclusion(LEAVES[(index + 1) % size], index, size, proof, ROOTS[size])


def test_every_consistency_proof_verifies_and_no_tampered_one_does() -> None:
    for new in range(1, 301, 11):
        for old in range(new + 1):
            proof = consistency_proof(TREE, old, new)
            assert verify_consistency(old, new, ROOTS[old], ROOTS[new], proof)
            if 0 < old < new:
                for bad in _tampered(proof):
                    assert not verify_consistency(old, new, ROOTS[old], ROOTS[new], bad)
                # A tree that differs in one old leaf is not an extension.
                other = MemoryTree([*LEAVES[: old - 1], leaf_hash(b"rewritten"), *LEAVES[old:new]])
                assert not verify_consistency(old, new, ROOTS[old], other.root(), consistency_proof(other, old, new))


@given(st.integers(1, 300), st.data())
def test_proofs_property(size: int, data: st.DataObject) -> None:
    index = data.draw(st.integers(0, size - 1))
    old = data.draw(st.integers(0, size))
    assert verify_inclusion(LEAVES[index], index, size, inclusion_proof(TREE, index, size), ROOTS[size])
    assert verify_consistency(old, size, ROOTS[old], ROOTS[size], consistency_proof(TREE, old, size))
    if size < 300:  # the next tree's root does not take this tree's proof
        assert not verify_inclusion(LEAVES[index], index, size + 1, inclusion_proof(TREE, index, size), ROOTS[size + 1])


def test_verifiers_reject_malformed_input_without_raising() -> None:
    proof = inclusion_proof(TREE, 5, 8)
    assert not verify_inclusion(LEAVES[5][:31], 5, 8, proof, ROOTS[8])
    assert not verify_inclusion(LEAVES[5], 8, 8, proof, ROOTS[8])
    assert not verify_inclusion(LEAVES[5], -1, 8, proof, ROOTS[8])
    assert not verify_consistency(8, 6, ROOTS[8], ROOTS[6], consistency_proof(TREE, 6, 8))
    assert not verify_consistency(6, 8, ROOTS[6], ROOTS[8], [])
    assert verify_consistency(0, 8, EMPTY_ROOT, ROOTS[8], [])
    assert not verify_consistency(0, 8, ROOTS[1], ROOTS[8], [])
    assert not verify_consistency(4, 4, ROOTS[4], ROOTS[5], [])
    with pytest.raises(ValueError, match="not in a tree"):
        inclusion_proof(TREE, 8, 8)


def test_a_proof_is_its_path_within_a_complete_subtree_then_the_hashes_above() -> None:
    """The index publishes the first part (fixed once the subtree is complete); verifiers compute the rest."""
    leaves = [leaf_hash(b"%d" % i) for i in range(300)]
    tree = MemoryTree(leaves)
    for size in (1, 2, 7, 8, 9, 64, 255, 256, 257, 300):
        source = MemoryTree(leaves[:size])
        for index in range(size):
            for height in range(10):
                if ((index >> height) + 1) << height > size:
                    with pytest.raises(ValueError, match="not complete"):
                        inclusion_proof(source, index, size, above=height)
                    continue
                above = inclusion_proof(source, index, size, above=height)
                assert path_within(tree, index, height) + above == inclusion_proof(source, index, size)


class _AboveTiles:
    """Only hashes of height >= 8: what level-1+ tiles hold (no level-0 tile, so no partial one of the edge)."""

    def __init__(self, tree: MemoryTree) -> None:
        self.tree = tree

    def node(self, height: int, index: int) -> bytes:
        assert height >= 8, (height, index)
        return self.tree.node(height, index)


def test_the_frontier_answers_every_right_edge_hash_a_proof_needs() -> None:
    """With the frontier and the path inside its full tile, a proof needs no level-0 tile at all."""
    leaves = [leaf_hash(b"%d" % i) for i in range(700)]
    for size in (1, 5, 256, 257, 391, 700):
        tree = MemoryTree(leaves[:size])
        edge = frontier(tree, size)
        assert len(edge) == bin(size).count("1")
        source = WithFrontier(_AboveTiles(tree), size, edge)
        for index in range(size - size % 256):  # leaves inside full tiles: their path comes with the entry
            proof = path_within(tree, index, 8) + inclusion_proof(source, index, size, above=8)
            assert proof == inclusion_proof(tree, index, size)
        assert WithFrontier(tree, size, edge[1:]).known == {}  # another size's frontier is ignored
