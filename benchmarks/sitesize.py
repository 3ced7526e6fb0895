"""Figure: the site's bytes and files at 1,000,000 awards and 5,000 credentials, against a free static host's
limits (GitHub Pages: a published site of at most 1 GB; the goal leaves room: 600 MB and 300,000 files).

The site has two parts, measured apart and added up:

* **What grows with the catalog** (pages, API, Achievement and CTDL files, search index, achievements, records,
  keys): ``credreg build`` of the benchmark's 5,000-credential registry (the site figure's, or built here),
  measured file by file, less its award-dependent part (shards, templates, status lists) which is modelled
  below at a million awards.
* **What grows with the awards** (shards, templates, status lists): the real writer
  (:func:`generator.publish.verifydata.write_verification_data`) run on 10k signed awards as dense per
  credential and per issuer as at a million (:func:`benchmarks.lookup.dense_registry`), with the shard bits
  forced to make its shards at least as full as a million awards'. Bytes per award in shards (each shard file's
  fixed text set apart), times a million, plus that fixed text once per shard; the shard count at a million is
  the writer's own ``shard_bits``; templates per credential as measured (their awards carry the keys and
  status lists of the sample), times 5,000, and times the ratio of status lists per issuer at a million to
  those in the sample (an award's template names its list); status lists at their fullest size, one per
  ``MIN_BITS / 2`` awards of an issuer.

Sizes are the files' bytes (what a host counts), not disk blocks; shards and templates are stored gzipped.

Not in the total: the public log's tiles and entry bundles (:func:`log_at_million`), which a registry that sets
``verification_data_url`` serves from its data folder (``<out>-data/log/``) with the rest of the bulk; the site
keeps the log's checkpoint, vkey, policy, its key and status list records (a few KB), and its path files (256
bytes per 256 entries, counted). They are a detail of the figure.
"""

from __future__ import annotations

import gzip
import json
import math
from pathlib import Path

from benchmarks._common import Figure, Workspace, credreg, require_ok
from benchmarks.lookup import ISSUERS_AT_MILLION, _status_list, dense_registry, write_at_million_density
from generator.awards import iter_awards
from generator.load import load_registry
from generator.publish import verifydata
from generator.statuslist import MIN_BITS
from generator.tlog import merkle
from generator.tlog.tiles import TILE_WIDTH
from generator.transparency.entries import LogEntry

GOAL_BYTES = 600_000_000
GOAL_FILES = 300_000
MILLION = 1_000_000
#: The award-dependent parts of a built site, modelled at a million awards rather than measured in it.
_PER_AWARD = ("verify/shards/", "verify/templates/")


def _files(folder: Path) -> list[tuple[str, int]]:
    return [(p.relative_to(folder).as_posix(), p.stat().st_size) for p in folder.rglob("*") if p.is_file()]


def _is_status_list(rel: str) -> bool:
    parts = rel.split("/")
    return len(parts) == 4 and parts[0] == "issuers" and parts[2] == "status"


def measure(ws: Workspace, *, awards: int, credentials: int) -> Figure:
    ws.log(f"site size: bytes and files at 1,000,000 awards and {credentials:,} credentials (real writer, sample)")
    # 1. The catalog part, from a real build of the credentials (reused if the site figure built it).
    catalog = ws.registry(
        "catalog", issuers=max(10, credentials // 50), credentials=credentials, awards=2 * credentials
    )
    site = ws.root / "catalog-site"
    if not (site / "verify" / "index.json").is_file():
        require_ok(credreg(catalog.root, "build", "--out", str(site), interval=0.5), "credreg build of catalog")
    kept = [(rel, size) for rel, size in _files(site) if not rel.startswith(_PER_AWARD) and not _is_status_list(rel)]
    catalog_bytes = sum(size for _, size in kept)
    catalog_files = len(kept)

    # 2. The awards part, from the real writer on signed awards at a million awards' shard density.
    sample = dense_registry(ws, awards=awards)
    registry = load_registry(sample.root).registry
    assert registry is not None
    bits_at_million = verifydata.shard_bits(MILLION)
    per_shard_at_million = MILLION / 2**bits_at_million
    out = ws.root / "sitesize-sample"
    forced = write_at_million_density(registry, out, awards=awards)
    verify = out / "verify"
    shards = [p.stat().st_size for p in (verify / "shards").glob("*.json.gz")]
    # A shard's fixed bytes: its name and the gzip framing (an empty shard's file, written as the writer does).
    empty = json.dumps({"shard": "0" * -(-bits_at_million // 4), "awards": {}}, separators=(",", ":")) + "\n"
    shard_overhead = len(gzip.compress(empty.encode(), compresslevel=9, mtime=0))
    bytes_per_award = (sum(shards) - len(shards) * shard_overhead) / awards
    lean = full = 0
    json_bytes = 0
    for shard in (verify / "shards").glob("*.json.gz"):
        content = verifydata.read_gzip_json(shard)
        json_bytes += len(json.dumps(content, separators=(",", ":"), ensure_ascii=False).encode()) + 1
        for entry in content["awards"].values():
            lean, full = (lean + 1, full) if "t" in entry else (lean, full + 1)
    templates = [p.stat().st_size for p in (verify / "templates").glob("*.json.gz")]
    used_credentials = len(_awarded(verify))
    lists_sample = len(list(sample.root.glob("registry/issuers/*/status/*.json")))
    lists_per_issuer_sample = lists_sample / len(registry.issuers)
    issuers_at_million = ISSUERS_AT_MILLION
    lists_per_issuer_million = math.ceil(MILLION / issuers_at_million / (MIN_BITS // 2))
    list_factor = max(1.0, lists_per_issuer_million / lists_per_issuer_sample)
    templates_at_million = min(MILLION, math.ceil(len(templates) / used_credentials * credentials * list_factor))
    template_bytes = sum(templates) / max(1, len(templates))
    status_bytes = len(_status_list(sample.root))
    lists_at_million = lists_per_issuer_million * issuers_at_million
    shards_at_million = round(2**bits_at_million * (1 - math.exp(-per_shard_at_million)))  # non-empty ones

    # The log's path files stay on the site (generator.transparency.publish.tile_paths): one of 256 bytes per
    # level-0 tile in a complete 65,536-entry block of a log of a million entries.
    paths_at_million = (MILLION >> 16) << 8
    award_bytes = (
        MILLION * bytes_per_award
        + shards_at_million * shard_overhead
        + templates_at_million * template_bytes
        + lists_at_million * status_bytes
        + paths_at_million * 256
    )
    award_files = shards_at_million + templates_at_million + lists_at_million + paths_at_million
    total_bytes = catalog_bytes + award_bytes
    total_files = catalog_files + award_files
    figure = Figure(
        "site_size",
        f"Site bytes and files at 1,000,000 awards / {credentials:,} credentials (the goal: a free static host)",
        f"≤ {GOAL_BYTES // 1_000_000} MB and ≤ {GOAL_FILES:,} files",
        value=round(total_bytes / 1e6, 1),
        unit="MB (catalog built, awards extrapolated from the real writer)",
        baseline=GOAL_BYTES / 1e6,
        baseline_unit="MB (goal)",
        ratio=round(total_bytes / GOAL_BYTES, 3),
        status="extrapolated from measurements",
    )
    figure.met = total_bytes <= GOAL_BYTES and total_files <= GOAL_FILES
    figure.details = {
        "total_bytes": round(total_bytes),
        "total_files": total_files,
        "files_ratio_vs_goal": round(total_files / GOAL_FILES, 3),
        "catalog_credentials": catalog.credentials,
        "catalog_bytes": catalog_bytes,
        "catalog_files": catalog_files,
        "award_bytes_at_1m": round(award_bytes),
        "award_files_at_1m": award_files,
        "sample_awards": awards,
        "sample_shard_bits_forced": forced,
        "sample_awards_per_shard": round(awards / len(shards), 2),
        "shard_bits_at_1m": bits_at_million,
        "shards_at_1m": shards_at_million,
        "shard_bytes_per_award": round(bytes_per_award, 1),
        "shard_json_bytes_per_award_uncompressed": round(json_bytes / awards, 1),
        "sample_lean_entries": lean,
        "sample_full_entries": full,
        "sample_templates": len(templates),
        "sample_credentials_awarded": used_credentials,
        "template_bytes_mean": round(template_bytes),
        "templates_at_1m": templates_at_million,
        "status_lists_at_1m": lists_at_million,
        "status_list_bytes_full": status_bytes,
        "log_path_files_at_1m": paths_at_million,
    }
    log_bytes, log_files, entry_bytes = log_at_million(sample.root)
    figure.details.update(
        log_data_bytes_at_1m=log_bytes, log_data_files_at_1m=log_files, log_entry_bytes_mean=round(entry_bytes, 1)
    )
    figure.notes.append(
        f"not in the total: the public log's tiles and entry bundles, {log_bytes / 1e6:.0f} MB in {log_files:,} "
        "files at a million awards, served from the data folder with verification_data_url"
    )
    figure.notes.append(
        f"{total_files:,} files ({total_files / GOAL_FILES:.2f} of {GOAL_FILES:,}); shards "
        f"{bytes_per_award:.0f} B per award ({lean:,} lean and {full:,} full entries in the sample); catalog "
        f"{catalog_bytes / 1e6:.0f} MB in {catalog_files:,} files, measured"
    )
    return figure


def log_at_million(sample: Path) -> tuple[int, int, float]:
    """(bytes, files, mean entry bytes) of a million-award log's tiles and entry bundles, with the award entries
    of the sample's awards as the log writes them (:class:`LogEntry`; the hash's value does not change their
    length)."""
    lengths = [
        len(LogEntry("award", s.path.split("/")[2], "0" * 64, s.path, s.line).encode()) for s in iter_awards(sample)
    ]
    entry_bytes = sum(lengths) / len(lengths)
    total, files = log_files(MILLION, entry_bytes)
    return round(total), files + 2, entry_bytes  # and the checkpoint and vkey


def log_files(size: int, entry_bytes: float) -> tuple[float, int]:
    """(bytes, files) of the tiles and entry bundles a publish of ``size`` entries of ``entry_bytes`` each (on
    average) serves: the bundles, and the hash tiles of every level (a hash per entry, then one per full tile
    below; 32 bytes each), one partial tile per level."""
    total = size * (entry_bytes + 2)  # a bundle holds each entry after its 2-byte length
    files = -(-size // TILE_WIDTH)  # entry bundles
    count = size
    while count > 0:
        total += count * merkle.HASH_SIZE
        files += -(-count // TILE_WIDTH)
        count //= TILE_WIDTH
    return total, files


def _awarded(verify: Path) -> dict[str, int]:
    """Awards per credential in the written sample (from the templates and full entries of its shards)."""
    of_template = {
        p.name.removesuffix(".json.gz"): str(verifydata.read_gzip_json(p)["credential"])
        for p in verify.glob("templates/*.json.gz")
    }
    counts: dict[str, int] = {}
    for shard in verify.glob("shards/*.json.gz"):
        for entry in verifydata.read_gzip_json(shard)["awards"].values():
            ref = of_template[entry["t"]] if "t" in entry else str(entry["credential"])
            counts[ref] = counts.get(ref, 0) + 1
    return counts
