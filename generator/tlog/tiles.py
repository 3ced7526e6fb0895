"""C2SP tlog-tiles (https://c2sp.org/tlog-tiles): a Merkle tree served as static tiles of 256 hashes.

The tile at level L, index N holds the hashes MTH(D[(N*256 + i) * 256**L : (N*256 + i + 1) * 256**L]) for
i = 0..255: level 0 holds leaf hashes, each higher level the root of a full tile below. The rightmost tile of
a level is *partial* (``.p/<W>``, W = 1..255 hashes) until it fills. Entry bundles (``tile/entries/<N>``)
hold the entries themselves, each prefixed with its length as a big-endian uint16.

Appending k entries to a log of n rewrites only the tiles that change: the new full tiles and one partial
tile per level, O(k/256 + log n) files, computed from the previous partial tiles alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from .merkle import HASH_SIZE, MemoryTree, leaf_hash

__all__ = [
    "ENTRIES",
    "TILE_HEIGHT",
    "TILE_WIDTH",
    "TileFetch",
    "TileSource",
    "Update",
    "append",
    "decode_bundle",
    "encode_bundle",
    "parse_tile_path",
    "tile_index_path",
    "tile_path",
    "tile_width",
    "tiles_for_size",
]

TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT
#: The pseudo-level of entry bundles in paths: ``tile/entries/<N>``.
ENTRIES = -1
#: The folder of the tiles and entry bundles under a log's prefix.
TILES_DIR = "tile"
MAX_ENTRY = 0xFFFF

#: Reads an existing tile (level, index, width) → its bytes (``ENTRIES`` as level for a bundle).
TileFetch = Callable[[int, int, int], bytes]


def tile_index_path(index: int) -> str:
    """``1234067`` → ``x001/x234/067``: zero-padded groups of three digits, all but the last prefixed ``x``."""
    if index < 0:
        raise ValueError(f"negative tile index {index}")
    groups = [f"{index % 1000:03d}"]
    index //= 1000
    while index:
        groups.append(f"x{index % 1000:03d}")
        index //= 1000
    return "/".join(reversed(groups))


def tile_path(level: int, index: int, width: int = TILE_WIDTH) -> str:
    """``tile/<L>/<N>[.p/<W>]`` (``tile/entries/<N>…`` for level :data:`ENTRIES`), relative to the log prefix."""
    if not 1 <= width <= TILE_WIDTH:
        raise ValueError(f"tile width {width} is not in 1..256")
    if level != ENTRIES and not 0 <= level <= 63:
        raise ValueError(f"tile level {level} is not in 0..63")
    name = "entries" if level == ENTRIES else str(level)
    suffix = "" if width == TILE_WIDTH else f".p/{width}"
    return f"{TILES_DIR}/{name}/{tile_index_path(index)}{suffix}"


_PATH_RE = re.compile(r"^tile/(entries|0|[1-9][0-9]?)/((?:x[0-9]{3}/)*[0-9]{3})(?:\.p/([1-9][0-9]{0,2}))?\Z")


def parse_tile_path(path: str) -> tuple[int, int, int]:
    """(level, index, width) of a tile path; ValueError for anything not in the canonical form."""
    m = _PATH_RE.match(path)
    if not m or (m.group(3) is not None and int(m.group(3)) > TILE_WIDTH - 1):
        raise ValueError(f"not a tile path: {path!r}")
    level = ENTRIES if m.group(1) == "entries" else int(m.group(1))
    if level > 63:
        raise ValueError(f"not a tile path: {path!r}")
    index = int("".join(g.lstrip("x") for g in m.group(2).split("/")))
    if tile_index_path(index) != m.group(2):  # e.g. a leading x000 group
        raise ValueError(f"not a canonical tile path: {path!r}")
    width = int(m.group(3)) if m.group(3) else TILE_WIDTH
    return level, index, width


def tile_width(level: int, index: int, size: int) -> int:
    """Width of tile (level, index) in a tree of ``size``: 256, 1..255 (partial) or 0 (no such tile)."""
    count = size >> (TILE_HEIGHT * max(level, 0))
    return max(0, min(TILE_WIDTH, count - index * TILE_WIDTH))


def tiles_for_size(size: int) -> list[tuple[int, int, int]]:
    """Every (level, index, width) of hash tiles a tree of ``size`` is made of (not entry bundles)."""
    out: list[tuple[int, int, int]] = []
    level = 0
    while (count := size >> (TILE_HEIGHT * level)) > 0:
        out.extend((level, n, tile_width(level, n, size)) for n in range(-(-count // TILE_WIDTH)))
        level += 1
    return out


def encode_bundle(entries: Iterable[bytes]) -> bytes:
    out = bytearray()
    for entry in entries:
        if len(entry) > MAX_ENTRY:
            raise ValueError(f"a log entry is at most {MAX_ENTRY} bytes, this one is {len(entry)}")
        out += len(entry).to_bytes(2, "big") + entry
    return bytes(out)


def decode_bundle(data: bytes) -> list[bytes]:
    """The entries of a bundle; ValueError when it is truncated."""
    entries, i = [], 0
    while i < len(data):
        if i + 2 > len(data):
            raise ValueError("entry bundle ends inside a length prefix")
        n = int.from_bytes(data[i : i + 2], "big")
        if i + 2 + n > len(data):
            raise ValueError("entry bundle ends inside an entry")
        entries.append(data[i + 2 : i + 2 + n])
        i += 2 + n
    return entries


def _split_hashes(data: bytes, width: int) -> list[bytes]:
    if len(data) != width * HASH_SIZE:
        raise ValueError(f"a tile of width {width} has {width * HASH_SIZE} bytes, not {len(data)}")
    return [data[i : i + HASH_SIZE] for i in range(0, len(data), HASH_SIZE)]


def _tile_root(hashes: Sequence[bytes]) -> bytes:
    return MemoryTree(hashes).node(TILE_HEIGHT, 0)


class TileSource:
    """Complete-subtree hashes of a tree of ``size``, read from tiles through ``fetch`` (each tile once)."""

    def __init__(self, fetch: TileFetch, size: int) -> None:
        self.fetch = fetch
        self.size = size
        self._tiles: dict[tuple[int, int], MemoryTree] = {}

    def tile(self, level: int, index: int) -> MemoryTree:
        key = (level, index)
        if key not in self._tiles:
            width = tile_width(level, index, self.size)
            if width == 0:
                raise ValueError(f"tile {level}/{index} is beyond a tree of {self.size}")
            self._tiles[key] = MemoryTree(_split_hashes(self.fetch(level, index, width), width))
        return self._tiles[key]

    def node(self, height: int, index: int) -> bytes:
        level, below = divmod(height, TILE_HEIGHT)
        first = index << below  # position of the node's first hash within the level's tile hashes
        tile = self.tile(level, first // TILE_WIDTH)
        return tile.node(below, (first % TILE_WIDTH) >> below)


@dataclass
class Update:
    """The files an append writes (tile path → bytes), and the new size."""

    size: int
    files: dict[str, bytes] = field(default_factory=dict)


def append(fetch: TileFetch, size: int, entries: Sequence[bytes]) -> Update:
    """Append ``entries`` to a tiled log of ``size``, reading only the previous partial tiles.

    Tiles of a size the log already published are never rewritten: a grown partial tile gets a new
    ``.p/<W>`` path, and the old one stays for clients of the old checkpoint.
    """
    update = Update(size + len(entries))
    if not entries:
        return update
    # Entry bundles: the old partial bundle, then the new entries, cut at multiples of 256.
    start = size - size % TILE_WIDTH
    pending = decode_bundle(fetch(ENTRIES, size // TILE_WIDTH, size % TILE_WIDTH)) if size % TILE_WIDTH else []
    if len(pending) != size % TILE_WIDTH:
        raise ValueError(
            f"partial entry bundle {size // TILE_WIDTH} has {len(pending)} entries, not {size % TILE_WIDTH}"
        )
    pending.extend(entries)
    for offset in range(0, len(pending), TILE_WIDTH):
        chunk = pending[offset : offset + TILE_WIDTH]
        update.files[tile_path(ENTRIES, (start + offset) // TILE_WIDTH, len(chunk))] = encode_bundle(chunk)
    # Hash tiles, level by level: each level's new hashes are the roots of the tiles that filled below.
    new_hashes = [leaf_hash(e) for e in entries]
    level = 0
    while new_hashes:
        old_count = size >> (TILE_HEIGHT * level)
        width = old_count % TILE_WIDTH
        first = old_count // TILE_WIDTH
        hashes = _split_hashes(fetch(level, first, width), width) if width else []
        hashes.extend(new_hashes)
        new_hashes = []
        for offset in range(0, len(hashes), TILE_WIDTH):
            chunk = hashes[offset : offset + TILE_WIDTH]
            update.files[tile_path(level, first + offset // TILE_WIDTH, len(chunk))] = b"".join(chunk)
            if len(chunk) == TILE_WIDTH:
                new_hashes.append(_tile_root(chunk))
        level += 1
    return update
