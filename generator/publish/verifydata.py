"""The data behind the verification page, laid out so one lookup fetches only a few small files.

``verify/index.json``
    How awards are sharded (``shard_bits``) and which DIDs belong to which registry issuer.
``verify/shards/<name>.json``
    Every award whose hash starts with the same ``shard_bits`` bits. The number of bits is chosen from the
    number of awards so that a shard holds about :data:`TARGET_PER_SHARD` awards whatever the registry's
    size; bits rather than hex digits, so the shard count can double rather than grow sixteenfold. A shard
    is named by the hex digits that hold those bits, with the bits beyond them cleared. Each award's
    ``credentialSubject.achievement`` is replaced by ``{"$achievement": <sha256>}``: the achievement is most
    of an award's bytes and is shared by all awards of one credential version.
``verify/achievements/<sha256>.json``
    Those achievements, once each; the page substitutes them back and the hash proves it is the same one.
``issuers/<issuer>/keys.json``
    The issuer's keys with their validity windows, for the browser's key check.
``verify/records/<issuer>.json``
    What the issuer's awards must say about it and its credentials (its profile, each definition's current
    achievement: :func:`generator.verify.records.published_records`), for the browser's issuer and credential
    checks.
``issuers/<issuer>/credential-dates.json``
    When each of the issuer's credentials was first published: no award is valid from before it.

The page also reads ``issuers/<issuer>/status/<n>.json``, the issuer's signed status lists, which the build
copies from the registry byte for byte (the page verifies their ``eddsa-jcs-2022`` proofs). The registry's
``site_url`` only serves to recognise these URLs inside awards; the page always fetches relative to its own
origin. A shard that does not exist must answer 404 (static hosts do): the page reads it as "no award has
this hash".

Everything is written in bounded memory: awards are first spread over up to 256 bucket files by hash, then
each bucket is grouped into its shards.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator import layout
from generator._internal.files import write_json_atomic
from generator._internal.source import SourceError
from generator._internal.times import parse_time
from generator.awards import iter_awards, read_revocations
from generator.crypto.contexts import ContextStore
from generator.crypto.jcs import canonicalize
from generator.errors import CredregError
from generator.models.award import AWARD_CONTEXT
from generator.openbadges import timestamp
from generator.registry import Registry
from generator.verify.records import published_records

__all__ = [
    "TARGET_PER_SHARD",
    "AwardStats",
    "PublishedAward",
    "credential_dates",
    "keys_document",
    "shard_bits",
    "shard_name",
    "write_verification_data",
]

#: Average awards per shard, at most. A shard entry is ~2.4 KB (achievement factored out); shard sizes are
#: Poisson-distributed, so at one million awards (2^18 shards, 3.8 awards on average) the fullest shard holds
#: ~16 awards and a whole lookup stays under 64 KB.
TARGET_PER_SHARD = 4


def shard_bits(count: int) -> int:
    """Leading bits of the award hash that name a shard: the fewest that keep shards at the target size."""
    if count <= TARGET_PER_SHARD:
        return 4
    return max(4, math.ceil(math.log2(count / TARGET_PER_SHARD) - 1e-9))


def shard_name(digest: str, bits: int) -> str:
    """The shard of an award hash: its first ``bits`` bits, as the hex digits holding them (rest cleared)."""
    digits = -(-bits // 4)
    value = int(digest[:digits], 16) & ~((1 << (4 * digits - bits)) - 1)
    return f"{value:0{digits}x}"


@dataclass
class AwardStats:
    """Counts per credential (``issuer/slug``) and per issuer, for pages and the API."""

    awarded: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    revoked: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    expired: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    by_issuer: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    total: int = 0

    def active(self, ref: str) -> int:
        return self.awarded[ref] - self.revoked[ref] - self.expired[ref]


@dataclass(frozen=True, slots=True)
class PublishedAward:
    """What the page shows about a revoked award in the issuer's public revocation list."""

    hash: str
    credential: str
    revoked: str
    reason: str


def keys_document(registry: Registry, issuer_id: str) -> dict[str, Any]:
    """An issuer's (or a registered endorser's) keys with their validity windows, for the browser."""
    did = registry.endorser_did(issuer_id)
    records = registry.endorser_keys(issuer_id)
    keys = []
    for key_id in sorted(records):
        key = records[key_id].model
        keys.append(
            {
                "id": key.id,
                "verificationMethod": f"{did}#{key.id}",
                "publicKeyMultibase": key.publicKeyMultibase,
                "created": timestamp(key.created),
                "valid_from": timestamp(key.valid_from),
                "valid_until": timestamp(key.valid_until) if key.valid_until else None,
                "revoked_at": timestamp(key.revoked_at) if key.revoked_at else None,
                "revocation_reason": key.revocation_reason,
            }
        )
    return {"issuer": issuer_id, "did": did, "keys": keys}


def credential_dates(registry: Registry, issuer_id: str) -> dict[str, Any]:
    """When each credential of the issuer was first published (the bound of its awards' ``validFrom``)."""
    credentials = registry.issuers[issuer_id].credentials
    return {
        "issuer": issuer_id,
        "created": {slug: credentials[slug].model.created.isoformat() for slug in sorted(credentials)},
    }


def _credential_ref(registry: Registry, award: dict[str, Any]) -> str | None:
    subject = award.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    url = achievement.get("id", "") if isinstance(achievement, dict) else ""
    prefix = registry.url("credentials/")
    if not isinstance(url, str) or not url.startswith(prefix):
        return None
    parts = url[len(prefix) :].strip("/").split("/")
    return "/".join(parts) if len(parts) == 2 else None


def _write_json(path: Path, data: Any) -> None:
    # Plain writes: the build writes into a staging folder that replaces the site only once complete.
    path.write_text(json.dumps(data, ensure_ascii=False) + "\n", encoding="utf-8")


def write_verification_data(
    registry: Registry,
    out: Path,
    *,
    now: dt.datetime | None = None,
    log_records: Mapping[str, Any] | None = None,
) -> tuple[AwardStats, dict[str, list[PublishedAward]]]:
    """Write shards, achievements, the index and key documents under ``out``; return award statistics and
    each issuer's revocations (newest first). ``log_records`` (award hash → its record in the public log,
    :func:`generator.transparency.publish.copy_log`) go into the awards' entries as ``"log"``."""
    now = now or dt.datetime.now(dt.UTC)
    verify_dir = out / "verify"
    revocations = {
        issuer: {str(e.get("award")): e for _, e in read_revocations(layout.revocations_path(registry.root, issuer))}
        for issuer in registry.issuers
    }
    stats = AwardStats()
    revoked_lists: dict[str, list[PublishedAward]] = {issuer: [] for issuer in registry.issuers}
    achievements = _Achievements(verify_dir / "achievements")

    # One pass over the awards into 256 buckets by the hash's first byte; the number of shard bits is known
    # only once every award is counted. Buckets are then grouped into shards, one bucket (or, for registries
    # with fewer than 256 shards, one shard's run of buckets) in memory at a time.
    with tempfile.TemporaryDirectory(prefix="credreg-shards-") as tmp:
        buckets = [Path(tmp) / f"{i:02x}.jsonl" for i in range(256)]
        handles = [b.open("w", encoding="utf-8") for b in buckets]
        try:
            for source in iter_awards(registry.root):
                issuer = layout.classify(source.path).issuer
                try:
                    award = source.parse(strict=False).data
                    digest = hashlib.sha256(canonicalize(award)).hexdigest()
                except (SourceError, CredregError):
                    continue  # the check reports it; an unreadable award is simply not published
                if not isinstance(award, dict) or issuer not in registry.issuers:
                    continue
                ref = _credential_ref(registry, award) or f"{issuer}/?"
                stats.total += 1
                stats.awarded[ref] += 1
                stats.by_issuer[issuer] += 1
                revocation = revocations[issuer].get(digest)
                if revocation is not None:
                    stats.revoked[ref] += 1
                    revoked_lists[issuer].append(
                        PublishedAward(digest, ref, str(revocation.get("revoked")), str(revocation.get("reason")))
                    )
                else:
                    until = parse_time(award.get("validUntil"))
                    if until is not None and until < now:
                        stats.expired[ref] += 1
                entry = _shard_entry(award, issuer, ref, revocation, achievements)
                if log_records is not None and digest in log_records:
                    entry["log"] = log_records[digest]
                handles[int(digest[:2], 16)].write(json.dumps([digest, entry], separators=(",", ":")) + "\n")
        finally:
            for handle in handles:
                handle.close()
        bits = shard_bits(stats.total)
        shards_dir = verify_dir / "shards"
        if shards_dir.exists():
            shutil.rmtree(shards_dir)
        shards_dir.mkdir(parents=True)
        shard_count = 0
        for name, awards in _shards(buckets, bits):
            _write_json(shards_dir / f"{name}.json", {"shard": name, "awards": awards})
            shard_count += 1

    issuers_by_did = {registry.issuer_did(i): i for i in registry.issuers}
    write_json_atomic(
        verify_dir / "index.json",
        {
            "registry": registry.governance.model.name,
            "site_url": registry.site_url,
            "generated": timestamp(now),
            "awards": stats.total,
            "shard_bits": bits,
            "shards": shard_count,
            "issuers": issuers_by_did,
            # The contexts the verifier knows (never fetched) and the one an award of this registry carries.
            "contexts": sorted(ContextStore.bundled()),
            "award_context": list(AWARD_CONTEXT),
        },
    )
    for issuer in registry.issuers:
        write_json_atomic(out / "issuers" / issuer / "keys.json", keys_document(registry, issuer))
        write_json_atomic(verify_dir / "records" / f"{issuer}.json", published_records(registry, issuer))
        write_json_atomic(out / "issuers" / issuer / "credential-dates.json", credential_dates(registry, issuer))
        revoked_lists[issuer].sort(key=lambda r: r.revoked, reverse=True)
    return stats, revoked_lists


class _Achievements:
    """Each distinct achievement written once, named by the SHA-256 of its JCS form."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.digests: dict[str, str] = {}
        """JSON text as parsed (cheap to make) → digest of the canonical form (not cheap): one credential
        version's awards all carry the same achievement."""
        self.written: set[str] = set()

    def add(self, achievement: dict[str, Any]) -> str:
        key = json.dumps(achievement, separators=(",", ":"), ensure_ascii=False)
        digest = self.digests.get(key)
        if digest is None:
            digest = self.digests[key] = hashlib.sha256(canonicalize(achievement)).hexdigest()
            if digest not in self.written:
                _write_json(self.folder / f"{digest}.json", achievement)
                self.written.add(digest)
        return digest


def _shard_entry(
    award: dict[str, Any], issuer: str, ref: str, revocation: dict[str, Any] | None, achievements: _Achievements
) -> dict[str, Any]:
    compact = dict(award)  # the award itself stays as signed; only these two levels are replaced
    subject = compact.get("credentialSubject")
    if isinstance(subject, dict) and isinstance(subject.get("achievement"), dict):
        compact["credentialSubject"] = {
            **subject,
            "achievement": {"$achievement": achievements.add(subject["achievement"])},
        }
    entry: dict[str, Any] = {"issuer": issuer, "credential": ref, "award": compact}
    if revocation is not None:
        entry["revocation"] = revocation
    return entry


def _shards(buckets: list[Path], bits: int) -> Iterator[tuple[str, dict[str, Any]]]:
    """Shards (name → {hash: entry}) in name order, each in hash order. With 8 bits or more a shard lies
    within one bucket; with fewer, a shard is a run of whole buckets."""
    groups: dict[str, dict[str, Any]] = defaultdict(dict)
    for number, bucket in enumerate(buckets):
        with bucket.open(encoding="utf-8") as fh:
            for line in fh:
                digest, entry = json.loads(line)
                groups[shard_name(digest, bits)][digest] = entry
        following = shard_name(f"{number + 1:02x}".ljust(64, "0"), bits) if number + 1 < len(buckets) else None
        for name in sorted(groups):
            if name != following:
                yield name, dict(sorted(groups.pop(name).items()))
