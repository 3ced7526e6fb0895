"""C2SP tlog-tiles: paths, bundles, and appends that rewrite only the tiles that change."""

from __future__ import annotations

import pytest

from generator.tlog.merkle import MemoryTree, inclusion_proof, leaf_hash, root_hash, verify_inclusion
from generator.tlog.tiles import (
    ENTRIES,
    TileSource,
    append,
    decode_bundle,
    encode_bundle,
    parse_tile_path,
    tile_path,
    tiles_for_size,
)


def test_paths_follow_the_spec() -> None:
    assert tile_path(0, 1234067) == "tile/0/x001/x234/067"
    assert tile_path(2, 0, 1) == "tile/2/000.p/1"
    assert tile_path(ENTRIES, 1000, 17) == "tile/entries/x001/000.p/17"
    assert parse_tile_path("tile/1/x001/x234/067.p/17") == (1, 1234067, 17)
    assert parse_tile_path("tile/entries/005") == (ENTRIES, 5, 256)
    for bad in ["tile/0/5", "tile/0/x000/005", "tile/01/005", "tile/0/005.p/0", "tile/0/005.p/256", "tile/64/000"]:
        with pytest.raises(ValueError, match="tile path"):
            parse_tile_path(bad)


def test_the_specs_example_of_a_tree_of_70000() -> None:
    partial = [t for t in tiles_for_size(70_000) if t[2] != 256]
    full = [t for t in tiles_for_size(70_000) if t[2] == 256]
    assert partial == [(0, 273, 112), (1, 1, 17), (2, 0, 1)]
    assert sorted({level for level, _, _ in full}) == [0, 1]
    assert len(full) == 274
    assert tiles_for_size(256) == [(0, 0, 256), (1, 0, 1)]


def test_bundles_round_trip_and_refuse_truncation() -> None:
    entries = [b"", b"a", b"x" * 300]
    data = encode_bundle(entries)
    assert data[:2] == b"\x00\x00"
    assert data[2:5] == b"\x00\x01a"
    assert data[5:7] == (300).to_bytes(2, "big")
    assert decode_bundle(data) == entries
    with pytest.raises(ValueError, match="ends inside"):
        decode_bundle(data[:-1])
    with pytest.raises(ValueError, match="at most"):
        encode_bundle([b"x" * 70_000])


@pytest.mark.parametrize("steps", [[1, 255, 1, 300, 2000], [256, 256 * 255], [70_000]])
def test_incremental_appends_match_a_tree_built_at_once(steps: list[int]) -> None:
    files: dict[str, bytes] = {}
    reads: list[str] = []

    def fetch(level: int, index: int, width: int) -> bytes:
        reads.append(tile_path(level, index, width))
        return files[tile_path(level, index, width)]

    tree, size, everything = MemoryTree(), 0, []
    for step in steps:
        entries = [f"entry {size + i}".encode() for i in range(step)]
        reads.clear()
        update = append(fetch, size, entries)
        assert not set(update.files) & set(files), "a published tile was rewritten"
        # Only the previous partial tiles are read, and O(k/256 + log n) tiles are written.
        assert len(reads) <= 4
        assert len(update.files) <= 2 * (step // 256 + 1) + 4
        files.update(update.files)
        size = update.size
        everything += entries
        for entry in entries:
            tree.append(leaf_hash(entry))
        source = TileSource(lambda lv, i, w: files[tile_path(lv, i, w)], size)
        assert root_hash(source, size) == tree.root()
        for index in {0, size // 2, size - 1}:
            proof = inclusion_proof(source, index, size)
            assert proof == inclusion_proof(tree, index, size)
            assert verify_inclusion(leaf_hash(everything[index]), index, size, proof, tree.root())
    bundles = [p for p in files if p.startswith("tile/entries/") and ".p/" not in p]
    assert len(bundles) == size // 256
    assert decode_bundle(files[tile_path(ENTRIES, 0, min(size, 256))])[0] == b"entry 0"
