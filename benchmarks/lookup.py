"""Figure 4: bytes the verification page fetches for one lookup in a registry of a million awards.

A lookup fetches ``verify/index.json``, the award's shard, its template (for a lean entry), its achievement, the
issuer's ``keys.json`` and its status list (see ``generator/site/assets/verify/sitedata.js``). Everything but
the shard is independent of the number of awards; the shard holds the awards whose hash starts with the same
``shard_bits`` bits.

Measured: the real shard writer (:func:`generator.publish.verifydata.write_verification_data`) run on 10k signed
awards as dense per credential and per issuer as a million awards in 5,000 credentials of 100 issuers are (how
many awards share a template depends on it), with the prefix length forced shorter so that its shards are *denser*
than a million awards' would be (an upper bound, measured). Modelled from the measurements: the largest shard at
one million awards, the heaviest of the shards the writer would make for 1,000,000 uniformly random hashes, each
given an entry drawn at random from those measured; and a status list at its full density.
"""

from __future__ import annotations

import gzip
import json
import math
import random
import shutil
from pathlib import Path

from benchmarks._common import Figure, Workspace
from generator._internal.files import json_text
from generator.demo import DemoResult
from generator.load import load_registry
from generator.publish import verifydata
from generator.registry import Registry
from generator.statuslist import MIN_BITS, encode_list

GOAL_BYTES = 64 * 1024
MILLION = 1_000_000
#: The catalog a million awards are modelled in: 5,000 credentials of 100 issuers (the site figure's), so 200
#: awards per credential and 10,000 per issuer.
CREDENTIALS_AT_MILLION = 5_000
ISSUERS_AT_MILLION = 100


def dense_registry(ws: Workspace, *, awards: int) -> DemoResult:
    """Signed awards as dense per credential and per issuer as at a million awards: what decides how many
    share a template (a credential's few variants: keys, status lists, with or without an end date)."""
    credentials = max(2, round(awards * CREDENTIALS_AT_MILLION / MILLION))
    issuers = max(1, round(awards * ISSUERS_AT_MILLION / MILLION))
    return ws.registry("dense", issuers=issuers, credentials=credentials, awards=awards)


def write_at_million_density(registry: Registry, out: Path, *, awards: int) -> int:
    """The real writer's verification data of ``registry`` (``awards`` awards) into ``out``, with the shard bits
    forced so that its shards are at least as full as a million awards' are; returns the bits used."""
    per_shard_at_million = MILLION / 2 ** verifydata.shard_bits(MILLION)
    forced = max(1, math.floor(math.log2(awards / per_shard_at_million)))
    shutil.rmtree(out, ignore_errors=True)
    original = verifydata.shard_bits
    verifydata.shard_bits = lambda count: forced
    try:
        verifydata.write_verification_data(registry, out)
    finally:
        verifydata.shard_bits = original
    return forced


def _size(path: Path) -> int:
    return path.stat().st_size if path.is_file() else 0


def index_at_million(path: Path) -> bytes:
    """``verify/index.json`` as a million awards of :data:`ISSUERS_AT_MILLION` issuers have it: the measured file,
    its issuers (DID → id, in every lookup) made that many, each named as long as the longest measured one. The
    sample registry has fewer issuers (one at 10k awards), and the index grows with them, not with awards."""
    index = json.loads(path.read_text(encoding="utf-8"))
    did, issuer = max(index["issuers"].items(), key=lambda item: len(item[0]) + len(item[1]))
    issuers = dict(index["issuers"])
    for n in range(ISSUERS_AT_MILLION):
        if len(issuers) >= ISSUERS_AT_MILLION:
            break
        twin = f"{issuer[:-4]}{n:04d}"  # as long as the longest measured id (a one-character id stays longer)
        issuers[did.removesuffix(issuer) + twin] = twin
    return json_text({**index, "issuers": issuers}).encode("utf-8")


def measure(ws: Workspace, *, awards: int) -> Figure:
    ws.log("lookup: bytes fetched by one verification lookup at 1M awards (real shard writer, denser shards)")
    made = dense_registry(ws, awards=awards)
    registry = load_registry(made.root).registry
    assert registry is not None
    real_bits = verifydata.shard_bits(MILLION)
    shards_at_million = 2**real_bits
    out = ws.root / "lookup-site"
    forced = write_at_million_density(registry, out, awards=awards)
    verify = out / "verify"
    shards = sorted((verify / "shards").glob("*.json.gz"))
    counts: list[int] = []
    entries: list[int] = []
    all_entries: list[tuple[str, object]] = []
    for shard in shards:
        awards_in = verifydata.read_gzip_json(shard)["awards"]
        counts.append(len(awards_in))
        entries.extend(len(json.dumps({h: e}, separators=(",", ":"))) - 2 for h, e in awards_in.items())
        all_entries.extend(awards_in.items())
    largest_shard = max(shards, key=_size)
    index_bytes = index_at_million(verify / "index.json")
    index = len(index_bytes)
    achievement = max(_size(p) for p in (verify / "achievements").glob("*.json"))
    template = max((_size(p) for p in (verify / "templates").glob("*.json.gz")), default=0)
    keys = max(_size(p) for p in (out / "issuers").glob("*/keys.json"))
    status_text = _status_list(made.root)
    status = len(status_text)

    # The largest of the writer's shards at one million awards: a million uniformly random hashes, each given an
    # entry drawn from the measured ones (lean ones mostly, full ones as often as in the sample: more often than
    # at a million awards, where each template serves more awards); the shard of the most bytes is the model.
    # Ordered by size (then text), so that the seeded draw gives every run the same sizes: in file order, which
    # follows the freshly signed awards' hashes, the heaviest shard varied by about 1 KB from run to run.
    texts = sorted(
        (json.dumps({h: e}, separators=(",", ":"), ensure_ascii=False)[1:-1] for h, e in all_entries),
        key=lambda t: (len(t.encode()), t),
    )
    sizes = [len(t.encode()) + 1 for t in texts]
    rng = random.Random(1_000_000)
    occupancy = [0] * shards_at_million
    weight = [0] * shards_at_million
    draws = [(rng.getrandbits(real_bits), rng.randrange(len(texts))) for _ in range(MILLION)]
    for shard_no, pick in draws:
        occupancy[shard_no] += 1
        weight[shard_no] += sizes[pick]
    most = max(occupancy)
    heaviest = max(range(shards_at_million), key=weight.__getitem__)
    picked = sorted(texts[pick] for shard_no, pick in draws if shard_no == heaviest)
    name = "0" * -(-real_bits // 4)
    modelled_text = ('{"shard":"' + name + '","awards":{' + ",".join(picked) + "}}\n").encode()
    modelled_stored = gzip.compress(modelled_text, compresslevel=9, mtime=0)  # as the writer stores shards
    modelled_shard = len(modelled_stored)
    entries.sort(reverse=True)
    total_model = index + modelled_shard + template + achievement + keys + status
    total_measured = index + _size(largest_shard) + template + achievement + keys + status
    fetched = [  # plain JSON files, which a static host serves gzipped
        index_bytes,
        max((p.read_bytes() for p in (verify / "achievements").glob("*.json")), key=len),
        max((p.read_bytes() for p in (out / "issuers").glob("*/keys.json")), key=len),
        status_text,
    ]
    # The shard and the template are stored gzipped: served as they are.
    gzipped = sum(len(gzip.compress(data, compresslevel=6)) for data in fetched) + modelled_shard + template
    figure = Figure(
        "lookup_bytes",
        "Bytes fetched by one verification lookup at 1M awards "
        "(index, shard, template, achievement, keys, status list)",
        f"≤ {GOAL_BYTES // 1024} KB",
        value=total_model,
        unit="bytes (modelled at 1M from measured files; shard and template as stored, gzipped)",
        baseline=GOAL_BYTES,
        baseline_unit="bytes (goal)",
        ratio=round(total_model / GOAL_BYTES, 3),
        status="modelled from measurements",
    )
    figure.met = total_model <= GOAL_BYTES
    figure.details = {
        "shard_bits_at_1m": real_bits,
        "shards_at_1m": shards_at_million,
        "mean_awards_per_shard_at_1m": round(MILLION / shards_at_million, 2),
        "largest_shard_occupancy_at_1m_simulated": most,
        "heaviest_shard_awards_at_1m_simulated": len(picked),
        "modelled_largest_shard_bytes_at_1m": modelled_shard,
        "modelled_largest_shard_json_bytes_at_1m": len(modelled_text),
        "measured_shard_bits_forced": forced,
        "measured_mean_awards_per_shard": round(sum(counts) / len(counts), 2),
        "measured_largest_shard_awards": max(counts),
        "measured_largest_shard_bytes": _size(largest_shard),
        "measured_lookup_total_with_largest_dense_shard": total_measured,
        "entry_bytes_mean": round(sum(entries) / len(entries)),
        "entry_bytes_max": entries[0],
        "index_json_bytes_at_1m": index,
        "index_json_bytes_measured": _size(verify / "index.json"),
        "largest_achievement_bytes": achievement,
        "largest_template_bytes": template,
        "largest_keys_json_bytes": keys,
        "status_list_bytes_full_density": status,
        "issuers": len(registry.issuers),
        "gzip_bytes_at_1m": gzipped,
        "gzip_ratio_vs_goal": round(gzipped / GOAL_BYTES, 3),
    }
    figure.notes.append(
        f"as served with gzip (the JSON files at level 6, as static hosts do; shard and template as stored): "
        f"{gzipped:,} bytes ({gzipped / GOAL_BYTES:.2f} of the goal)"
    )
    figure.notes.append(
        f"shards measured at {sum(counts) / len(counts):.1f} awards per shard (a million awards give "
        f"{MILLION / shards_at_million:.1f}); index.json grows with the number of issuers, not awards: modelled "
        f"at {ISSUERS_AT_MILLION} issuers ({index:,} bytes; {_size(verify / 'index.json'):,} measured with "
        f"{len(registry.issuers)})"
    )
    return figure


def _status_list(root: Path) -> bytes:
    """A signed status list at its fullest: half its indexes used (then a new list starts), 2 % of them revoked,
    i.e. the demo's largest signed list with its bitstring replaced by one at that density."""
    lists = sorted(root.glob("registry/issuers/*/status/*.json"), key=_size)
    credential = json.loads(lists[-1].read_text(encoding="utf-8"))
    rng = random.Random(2)
    bits = bytearray(MIN_BITS // 8)
    for index in rng.sample(range(MIN_BITS), int(MIN_BITS / 2 * 0.02)):
        bits[index // 8] |= 0x80 >> (index % 8)
    credential["credentialSubject"]["encodedList"] = encode_list(bits)
    return (json.dumps(credential, indent=2, ensure_ascii=False) + "\n").encode()
