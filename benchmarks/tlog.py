"""Figures of the transparency log (issue #12): appending to a log of a million entries, and the bytes one
verification fetches to check an award's inclusion proof.

Measured on real tile files on disk, written by the log's own code (:func:`generator.tlog.tiles.append`) with
entries of the real format and size. The append is what ``credreg log publish`` does after reading Git: read
the previous partial tiles, write the new ones, recompute the root, prove consistency with the old root, sign
a checkpoint. Its baseline is the same append on a log of a thousand entries, measured in the same run: the
ratio shows what a million entries cost over a thousand (O(log n), not O(n)).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import time
from collections import Counter
from pathlib import Path

from benchmarks._common import Figure, Workspace
from generator.crypto.ed25519 import generate_seed
from generator.tlog import merkle
from generator.tlog.note import Checkpoint, NoteSigner, sign_note
from generator.tlog.tiles import ENTRIES, TILE_WIDTH, TileSource, append, tile_path
from generator.transparency.entries import LogEntry
from generator.transparency.publish import index_digits

MILLION = 1_000_000
GOAL_SECONDS = 2.0
#: The issue's budget is 96 KB for a whole verification; the lookup's own goal (figure "lookup") is 64 KB.
GOAL_LOG_BYTES = (96 - 64) * 1024
ORIGIN = "credentials.example.org/log"


def _entry(i: int) -> bytes:
    """An award entry of the real format, at the length of a batch line's (the longest kind)."""
    digest = hashlib.sha256(i.to_bytes(8, "big")).hexdigest()
    batch = f"2026-05-01-credential-{i % 997:04d}-b{i // 500:05d}.jsonl"
    path = f"registry/issuers/issuer-{i % 40:03d}/awards/2026/batches/{batch}"
    return LogEntry("award", f"issuer-{i % 40:03d}", digest, path, i % 500 + 1).encode()


def _write(base: Path, files: dict[str, bytes]) -> None:
    for rel, data in files.items():
        path = base / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


class _Disk:
    """Tiles read from disk, counting what is read (what a publish or a browser would fetch)."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.read: dict[str, int] = {}

    def __call__(self, level: int, index: int, width: int) -> bytes:
        rel = tile_path(level, index, width)
        data = (self.base / rel).read_bytes()
        self.read[rel] = len(data)
        return data


def _build(base: Path, size: int) -> None:
    shutil.rmtree(base, ignore_errors=True)
    step = 64 * TILE_WIDTH
    done = 0
    while done < size:
        n = min(step, size - done)
        _write(base, append(_Disk(base), done, [_entry(i) for i in range(done, done + n)]).files)
        done += n


def _append_one(base: Path, size: int, signer: NoteSigner) -> tuple[float, int, int]:
    """Seconds, tiles written and tiles read to append one entry and sign the new checkpoint."""
    old_root = merkle.root_hash(TileSource(_Disk(base), size), size)
    disk = _Disk(base)
    start = time.perf_counter()
    update = append(disk, size, [_entry(size)])
    _write(base, update.files)
    tiles = TileSource(disk, update.size)
    root = merkle.root_hash(tiles, update.size)
    proof = merkle.consistency_proof(tiles, size, update.size)
    assert merkle.verify_consistency(size, update.size, old_root, root, proof)
    note = sign_note(Checkpoint(ORIGIN, update.size, root).text(), signer)
    (base / "checkpoint").write_bytes(note.encode())
    return time.perf_counter() - start, len(update.files), len(disk.read)


def measure(ws: Workspace, *, size: int = MILLION) -> list[Figure]:
    ws.log(f"log: building a tiled log of {size:,} entries and one of 1,000…")
    signer = NoteSigner(ORIGIN, generate_seed())
    big, small = ws.root / "log-1m", ws.root / "log-1k"
    mark = time.perf_counter()
    _build(big, size)
    built = time.perf_counter() - mark
    _build(small, 1_000)
    best_big = min((_append_one(big, size + i, signer) for i in range(5)), key=lambda r: r[0])
    best_small = min((_append_one(small, 1_000 + i, signer) for i in range(5)), key=lambda r: r[0])
    levels = len(
        {
            rel.split("/")[1]
            for rel in (p.relative_to(big).as_posix() for p in big.rglob("*"))
            if rel.startswith("tile/")
        }
    )
    append_fig = Figure(
        "log_append",
        "Append 1 entry to a 1M-entry transparency log (tiles, root, consistency proof, signed checkpoint)",
        f"≤ {GOAL_SECONDS:g} s; O(k/256 + log n) tiles rewritten",
        value=round(best_big[0], 4),
        unit="s at 1M entries",
        baseline=round(best_small[0], 4),
        baseline_unit="s at 1k entries",
        ratio=round(best_big[0] / best_small[0], 2) if best_small[0] else None,
    )
    append_fig.met = best_big[0] <= GOAL_SECONDS and best_big[1] <= levels + 1
    append_fig.details = {
        "tiles_written_at_1m": best_big[1],
        "tiles_read_at_1m": best_big[2],
        "tiles_written_at_1k": best_small[1],
        "tile_levels_at_1m": levels,
        "seconds_to_build_1m_log_from_scratch": round(built, 1),
    }
    append_fig.notes.append(
        f"{best_big[1]} tiles written and {best_big[2]} read at 1M entries (Git reading not included: "
        "publish reads only the commits since the last checkpoint)"
    )

    # One verification (tlog.js): log/policy.json, the checkpoint, the award's index shard (its entry index and
    # text, about 16 awards per file), and the tiles its inclusion proof needs. The shard is the real writer's
    # format (generator.transparency.publish.copy_log) filled with the entries whose hash shares the prefix.
    total = size + 5
    index = size // 2 + 12_345
    disk = _Disk(big)
    tiles = TileSource(disk, total)
    proof = merkle.inclusion_proof(tiles, index, total)
    assert proof
    digits = index_digits(size)
    # The fullest shard (an upper bound on what any lookup reads), found by counting every prefix.
    counts = Counter(hashlib.sha256(i.to_bytes(8, "big")).hexdigest()[:digits] for i in range(size))
    prefix = max(counts, key=lambda p: counts[p])
    shard = {}
    for i in range(size):
        digest = hashlib.sha256(i.to_bytes(8, "big")).hexdigest()
        if digest.startswith(prefix):
            shard[digest] = (i, _entry(i).decode())
    shard_bytes = json.dumps(dict(sorted(shard.items())), separators=(",", ":")).encode() + b"\n"
    policy = json.dumps(
        {"vkey": signer.verifier.vkey, "witnesses": [{"name": "A witness", "vkey": "w" * 60}] * 3, "quorum": 2,
         "index_digits": digits},
        indent=2,
    ).encode()  # fmt: skip
    checkpoint = (big / "checkpoint").read_bytes()
    hash_tiles = [(big / rel).read_bytes() for rel in disk.read]
    fetched = [policy, checkpoint, shard_bytes, *hash_tiles]
    raw = sum(len(data) for data in fetched)
    gzipped = sum(len(gzip.compress(data, compresslevel=6)) for data in fetched)
    bundle = (big / tile_path(ENTRIES, index // TILE_WIDTH)).read_bytes()
    bytes_fig = Figure(
        "log_proof_bytes",
        "Bytes one verification fetches to check an award's inclusion in a 1M-entry log (policy, checkpoint, index "
        "shard, proof tiles)",
        f"≤ {GOAL_LOG_BYTES // 1024} KB (the 96 KB budget less the lookup's 64 KB goal)",
        value=raw,
        unit="bytes",
        baseline=GOAL_LOG_BYTES,
        baseline_unit="bytes (goal)",
        ratio=round(raw / GOAL_LOG_BYTES, 3),
    )
    bytes_fig.met = raw <= GOAL_LOG_BYTES
    bytes_fig.details = {
        "files": len(fetched),
        "hash_tiles": len(hash_tiles),
        "hash_tile_bytes": sum(len(t) for t in hash_tiles),
        "proof_hashes": len(proof),
        "proof_bytes_alone": 32 * len(proof),
        "index_digits_at_1m": digits,
        "index_shard_awards_fullest": len(shard),
        "index_shard_awards_mean": round(size / 16**digits, 1),
        "index_shard_bytes": len(shard_bytes),
        "checkpoint_bytes": len(checkpoint),
        "policy_bytes_with_3_witnesses": len(policy),
        "gzip_bytes": gzipped,
        "entry_bundle_bytes_not_fetched": len(bundle),
    }
    bytes_fig.notes.append(f"as served with gzip: {gzipped:,} bytes; the proof itself is {32 * len(proof)} bytes")
    bytes_fig.notes.append(
        f"the entry comes from the index shard (the fullest: {len(shard)} awards), not from its "
        f"{len(bundle):,}-byte entry bundle; it is checked by its inclusion proof"
    )
    return [append_fig, bytes_fig]
