"""The data behind the verification page, laid out so one lookup fetches only a few small files.

``verify/index.json``
    How awards are sharded (``shard_bits``) and which DIDs belong to which registry issuer.
``verify/shards/<name>.json.gz``
    Every award whose hash starts with the same ``shard_bits`` bits. The number of bits is chosen from the
    number of awards so that a shard holds about :data:`TARGET_PER_SHARD` awards whatever the registry's
    size; bits rather than hex digits, so the shard count can double rather than grow sixteenfold. A shard
    is named by the hex digits that hold those bits, with the bits beyond them cleared. Each award's
    ``credentialSubject.achievement`` is replaced by ``{"$achievement": <sha256>}``: the achievement is most
    of an award's bytes and is shared by all awards of one credential version. An entry is *lean*,
    ``{"t": <template id>, "v": [<strings>]}``: what is the same in many awards (the issuer profile, the
    proofs' constant fields, the status list's URL, the name…) is in the template, and only what differs per
    award (id, dates, recipient hash, status index, proof values) is in the entry; or, for an award that no
    shared template expresses exactly, *full*: ``{"issuer", "credential", "award"}``. Either may carry
    ``"revocation"`` (the issuer's record) and ``"log"`` (the public log's record, opaque here).
``verify/digests/<group>.json``
    Always on the site, never with the bulk data: ``{<shard name>: <SHA-256 of its JSON bytes, gunzipped>}`` for
    every shard, grouped by :func:`digest_group` (at most 256 shards a file, ~19 KB; at most 256 files up to 16
    shard bits, a million awards). The site commits to every shard so that a data host can withhold one, never add
    or change one (an award a registered key signed that the registry never published, added whole, included):
    :func:`checked_shard` is the one rule of every reader (the page's ``sitedata.js`` ``checkedShard``).
``verify/templates/<id>.json.gz``
    ``{"issuer", "credential", "award": <skeleton>, "holes": [[<path>, <part>…]…]}``: the award with each
    varying string replaced by ``null`` and, per hole, where it is (keys and array indexes) and what it is made
    of (literal strings and indexes into the entry's values, concatenated). The id is the first
    :data:`TEMPLATE_ID_DIGITS` hex digits of the SHA-256 of the template's JCS form. :func:`rebuild` is the
    one rule (the page's ``sitedata.js`` the same); the writer keeps a lean entry only if it rebuilds the
    award exactly, so nothing is ever guessed, and the page's award-hash check still proves the result.
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
``verify/issuer-names.json``
    Each registered issuer's name by id, read only for a credential of an issuer not registered here, to say when
    its name reads like a registered issuer's (:func:`generator.verify.policies.unregistered_issuer_reason`): apart
    from the index, so that verifying a registered award does not fetch it.
``verify/endorsements.json``
    What the page needs to check an endorsement as ``credreg verify`` does (:func:`endorsement_lookup`): each
    published endorsement's file by hash (so a hash typed on the page finds an endorsement as the CLI's look-up
    does) and the bodies that may endorse.

Shards and templates are stored gzipped (``.json.gz``, served as they are: the page decompresses them), as a
static host counts stored bytes: a million awards' entries take about 275 MB so, 400 MB as plain JSON.

The page also reads ``issuers/<issuer>/status/<n>.json``, the issuer's signed status lists, which the build
copies from the registry byte for byte (the page verifies their ``eddsa-jcs-2022`` proofs). The registry's
``site_url`` only serves to recognise these URLs inside awards; the page always fetches relative to its own
origin, except the bulk of the data (shards, templates, achievements) when the registry sets
``verification_data_url``: those are then written to a separate folder (``data_out``) for object storage,
and ``index.json`` tells the page where they are. Only a shard the site's digest files do not list means "no
award has this hash" (the page does not ask for it); one they list that answers 404 is withheld, an error.

Everything is written in bounded memory: awards are first spread over up to 256 bucket files by hash, then
each bucket is grouped into its shards.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import gzip
import hashlib
import json
import math
import re
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from generator import layout
from generator._internal.files import write_json_staged, write_staged
from generator._internal.source import SourceError
from generator._internal.times import epoch_micros
from generator.awards import iter_awards, read_revocations
from generator.crypto.compactform import context_terms
from generator.crypto.contexts import ContextStore
from generator.crypto.jcs import canonicalize
from generator.errors import CredregError, Location, Problem, ProblemsFound
from generator.models import PublicKey
from generator.models.award import AWARD_CONTEXT
from generator.openbadges import timestamp
from generator.publish.did import instant_text
from generator.registry import Registry
from generator.verify.keys import method_id
from generator.verify.records import published_records
from generator.verify.registry_check import AwardIndex

__all__ = [
    "CHANGED_REFUSED",
    "TARGET_PER_SHARD",
    "TEMPLATE_ID_DIGITS",
    "AwardStats",
    "PublishedAward",
    "ShardError",
    "TemplateError",
    "award_stats",
    "checked_shard",
    "credential_dates",
    "digest_group",
    "expand_entry",
    "key_record",
    "keys_document",
    "read_entry",
    "read_gzip_json",
    "rebuild",
    "shard_bits",
    "shard_name",
    "write_verification_data",
]

#: Average awards per shard, at most. A lean entry is ~0.4 KB of JSON (~0.27 KB gzipped); shard sizes are
#: Poisson-distributed, so at one million awards (2^16 shards, 15.3 awards on average, ~35 in the fullest) a
#: shard stays under 20 KB of JSON, and 65,536 files leave the site far below a static host's file limits
#: (benchmarks/lookup.py, benchmarks/sitesize.py).
TARGET_PER_SHARD = 16

#: Hex digits of a template's SHA-256 that name it: 48 bits, written in every lean entry. The writer refuses
#: two different templates with the same id (it would then write full entries); the page's award-hash check
#: proves whatever the template gives.
TEMPLATE_ID_DIGITS = 12

#: Where, in an award, the strings that differ from award to award are (``*``: any array index). Only these
#: become holes: everything else is the template's. A guess about awards, never about one award: the writer
#: keeps a lean entry only when it rebuilds the award exactly.
_VARYING: tuple[tuple[str, ...], ...] = (
    ("id",),
    ("validFrom",),
    ("validUntil",),
    ("awardedDate",),
    ("issuanceDate",),
    ("expirationDate",),
    ("credentialSubject", "id"),
    ("credentialSubject", "identifier", "*", "identityHash"),
    ("credentialSubject", "identifier", "*", "salt"),
    ("evidence", "*", "id"),
    ("credentialStatus", "id"),
    ("credentialStatus", "statusListIndex"),
    ("proof", "created"),
    ("proof", "proofValue"),
    ("proof", "*", "created"),
    ("proof", "*", "proofValue"),
)

#: Prefixes a varying string often has that stay in the template, so as not to repeat them in every entry; and
#: a URL's folder (evidence in one portfolio; a different folder only makes another template).
_PREFIXES = ("urn:uuid:", "sha256$")


def _prefix(text: str) -> str:
    known = next((p for p in _PREFIXES if text.startswith(p) and len(text) > len(p)), "")
    if not known and text.startswith(("https://", "http://")) and text.rfind("/") > text.find("//") + 2:
        known = text[: text.rfind("/") + 1]
    return known if len(text) > len(known) else ""


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


def digest_group(name: str) -> str:
    """The site file ``verify/digests/<group>.json`` holding shard ``name``'s digest: all but the name's last two
    hex digits (``all`` while there are at most 256 shards), so a file lists at most 256 shards (~19 KB) and there
    are at most 256 files up to 16 shard bits (a million awards)."""
    return name[:-2] or "all"


class ShardError(CredregError):
    """A shard the data host serves that is not the one the site published, or one it withholds."""


def checked_shard(
    digests: Any, name: str, read: Callable[[], bytes | None], where: str = "verify/digests"
) -> bytes | None:
    """The one rule for a shard read from wherever the bulk data is (the page's ``sitedata.js`` ``checkedShard``
    is the same): the site's digest file ``digests`` (parsed; None when the site has none) decides. A shard it
    does not list: None (no award has a hash in it), without reading it, whatever the data host would say. A
    listed one: its bytes (as the reader sees them, gunzipped) from ``read``, which must hash to the listed
    SHA-256; a 404 (``read`` gives None) is the data host withholding it. Else ShardError."""
    if digests is None:
        raise ShardError(f"{where}/{digest_group(name)}.json is missing: the site publishes no digest of shard {name}")
    if not isinstance(digests, dict) or not all(
        isinstance(v, str) and _HEX64.fullmatch(v) is not None for v in digests.values()
    ):
        raise ShardError(f"{where}/{digest_group(name)}.json is malformed")
    want = digests.get(name)
    if want is None:
        return None
    data = read()
    if data is None:
        raise ShardError(f"shard {name} is withheld by the data host: the site publishes it, the data host answers 404")
    if hashlib.sha256(data).hexdigest() != want:
        raise ShardError(
            f"the data host's shard {name} is not the one the site published (its SHA-256 differs; a cache in front "
            "of the data host may still hold an earlier build's copy for a few minutes after the registry is published)"
        )
    return data


_HEX64 = re.compile(r"[0-9a-f]{64}")


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
    keys = [key_record(records[key_id].model, did) for key_id in sorted(records)]
    return {"issuer": issuer_id, "did": did, "keys": keys}


def key_record(key: PublicKey, did: str) -> dict[str, Any]:
    """One key of :func:`keys_document`: what the page reads of the key file. Its window's instants are the key
    file's to the microsecond, as Python compares them (whole seconds would move a revocation at 12:00:00.5 back
    to 12:00:00, and the page would refuse a signature Python trusts)."""
    return {
        "id": key.id,
        "verificationMethod": method_id(did, key.id),
        "publicKeyMultibase": key.publicKeyMultibase,
        "created": timestamp(key.created),
        "valid_from": instant_text(key.valid_from),
        "valid_until": instant_text(key.valid_until) if key.valid_until else None,
        "revoked_at": instant_text(key.revoked_at) if key.revoked_at else None,
        "revocation_reason": key.revocation_reason,
    }


def endorsement_lookup(registry: Registry) -> dict[str, Any]:
    """``verify/endorsements.json``, the registry facts :func:`generator.endorsements.verify_endorsement` reads
    that the page has nowhere else, for its copy of it (endorsements.js ``verifyEndorsement``):

    ``endorsements``: hash → the published file (``<endorsers|issuers>/<owner>/endorsements/<hash>.json``) whose
    document hashes to its name (:func:`~generator.endorsements.is_registered_file`), the first of that name as
    :func:`~generator.endorsements.find_endorsement` finds it; ``endorsers``: who may sign
    one, in :meth:`Registry.endorsers_by_did`'s order (registered endorsers, then issuers), each with the folder
    of its keys and status lists and its registered name: the page takes a DID to the first entry declaring it
    (endorsements.js, tlog.js ``ownerOf`` and ``didOf``, policies.js ``statusListChecks``), which is that rule's
    owner, so the list carries every body and no second map of DIDs. What an endorsement may be of
    (``_subject_owner``: a credential page or an issuer's DID) the page reads from ``index.json``'s issuers and
    ``verify/records/<issuer>.json``'s credentials, so this file grows with the endorsements, not with the
    credentials."""
    from generator.endorsements import is_registered_file, iter_endorsements

    files: dict[str, str] = {}
    for found in iter_endorsements(registry.root):
        if not is_registered_file(found):
            continue  # named by another document's hash: it registers nothing (the check refuses it)
        rel = layout.relpath(registry.root, found.path)
        folder = "endorsers" if rel.startswith(f"{layout.ENDORSERS_DIR}/") else "issuers"
        files.setdefault(found.hash, f"{folder}/{found.owner}/endorsements/{found.hash}.json")
    endorsers = [
        {"id": who, "folder": folder, "did": registry.endorser_did(who), "name": registry.endorser_name(who)}
        for folder, owners in (("endorsers", registry.endorsers), ("issuers", registry.issuers))
        for who in owners
    ]
    return {"endorsements": files, "endorsers": endorsers}


def credential_dates(registry: Registry, issuer_id: str) -> dict[str, Any]:
    """When each credential of the issuer was first published (the bound of its awards' ``validFrom``)."""
    credentials = registry.issuers[issuer_id].credentials
    return {
        "issuer": issuer_id,
        "created": {slug: credentials[slug].model.created.isoformat() for slug in sorted(credentials)},
    }


def _write_json(path: Path, data: Any) -> None:
    # Plain writes: the build writes into a staging folder that replaces the site only once complete.
    write_staged(path, (json.dumps(data, ensure_ascii=False) + "\n").encode("utf-8"))


def _write_gzip(path: Path, text: str) -> None:
    """A file stored compressed (``.json.gz``): a host counts the bytes it stores, and a million awards' entries
    (signatures, hashes) take about two thirds of their size in gzip. The same bytes for the same text."""
    write_staged(path, gzip.compress(text.encode(), compresslevel=9, mtime=0))


def read_gzip_json(path: Path) -> Any:
    """A ``.json.gz`` file the writer wrote (shards, templates)."""
    return json.loads(gzip.decompress(path.read_bytes()).decode("utf-8"))


@dataclass(frozen=True, slots=True)
class _Published:
    """An award the site publishes, with what the statistics and its shard entry need."""

    issuer: str
    award: dict[str, Any]
    digest: str
    ref: str
    revocation: dict[str, Any] | None
    where: Location


def _published_awards(registry: Registry) -> Iterator[_Published]:
    """Every award that parses and canonicalizes, in an issuer's folder, in :func:`iter_awards` order."""
    revocations = _revocations(registry)
    for source in iter_awards(registry.root):
        issuer = layout.classify(source.path).issuer
        try:
            award = source.parse(strict=False).data
            digest = hashlib.sha256(canonicalize(award)).hexdigest()
        except (SourceError, CredregError):
            continue  # the check reports it; an unreadable award is simply not published
        if not isinstance(award, dict) or issuer is None or issuer not in registry.issuers:
            continue
        ref = registry.credential_ref(award) or f"{issuer}/?"
        yield _Published(
            issuer, award, digest, ref, revocations[issuer].get(digest), Location(source.path, source.line)
        )


class _Counts:
    """Award statistics and each issuer's revocations, counted award by award: one rule, whether the awards
    come from a pass over the files or from the check's index."""

    def __init__(self, registry: Registry, now: dt.datetime) -> None:
        self.now = epoch_micros(now)
        self.stats = AwardStats()
        self.revoked: dict[str, list[PublishedAward]] = {issuer: [] for issuer in registry.issuers}

    def add(self, item: _Published) -> None:
        self.count(item.issuer, item.digest, item.ref, item.revocation, epoch_micros(item.award.get("validUntil")))

    def count(
        self, issuer: str, digest: str, ref: str, revocation: dict[str, Any] | None, valid_until: int | None
    ) -> None:
        stats = self.stats
        stats.total += 1
        stats.awarded[ref] += 1
        stats.by_issuer[issuer] += 1
        if revocation is not None:
            stats.revoked[ref] += 1
            self.revoked[issuer].append(
                PublishedAward(digest, ref, str(revocation.get("revoked")), str(revocation.get("reason")))
            )
        elif valid_until is not None and self.now is not None and valid_until < self.now:
            stats.expired[ref] += 1

    def result(self) -> tuple[AwardStats, dict[str, list[PublishedAward]]]:
        for published in self.revoked.values():
            # Newest first; the hash orders revocations of the same instant, whatever order the awards came in.
            published.sort(key=lambda r: (r.revoked, r.hash), reverse=True)
        return self.stats, self.revoked


def _revocations(registry: Registry) -> dict[str, dict[str, dict[str, Any]]]:
    """Issuer → award hash → the issuer's revocation entry."""
    return {
        issuer: {str(e.get("award")): e for _, e in read_revocations(layout.revocations_path(registry.root, issuer))}
        for issuer in registry.issuers
    }


def award_stats(
    registry: Registry, *, now: dt.datetime | None = None, checked: AwardIndex | None = None
) -> tuple[AwardStats, dict[str, list[PublishedAward]]]:
    """What :func:`write_verification_data` returns, without writing anything: a build counts here while
    another process writes the data. ``checked``: the index of the full check that accepted this registry
    (:func:`generator.check.accepted_check`), which saves reading and hashing every award again."""
    counts = _Counts(registry, now or dt.datetime.now(dt.UTC))
    if checked is None:
        for item in _published_awards(registry):
            counts.add(item)
        return counts.result()
    revocations = _revocations(registry)
    for issuer, digest, ref, valid_until in checked.published():
        if issuer in revocations:  # an issuer's folder the registry does not know publishes nothing
            counts.count(issuer, digest, ref or f"{issuer}/?", revocations[issuer].get(digest), valid_until)
    return counts.result()


def write_verification_data(
    registry: Registry,
    out: Path,
    *,
    now: dt.datetime | None = None,
    log_records: Mapping[str, Mapping[str, Any]] | None = None,
    data_out: Path | None = None,
    checked: AwardIndex | None = None,
) -> tuple[AwardStats, dict[str, list[PublishedAward]]]:
    """Write shards, templates, achievements, the index and key documents under ``out``; return award
    statistics and each issuer's revocations (newest first).

    ``log_records``: award hash → issuer → the public log's record of its first entry in that issuer's name
    (:func:`generator.transparency.publish.copy_log`); the one in the name of the issuer whose folder holds the
    award is written beside it as the entry's ``"log"`` (the page reads it as it is). ``data_out``: where shards,
    templates and achievements go when the registry publishes them at its ``verification_data_url`` (default:
    ``<out>-data``); without that URL they are in ``out/verify/``. ``checked``: the index of the full check that
    accepted the registry: an award read here that the check did not verify in its issuer's folder (its file
    written to since), or one it verified that is not read here, refuses the build (``build.changed``), before
    any shard is written."""
    now = now or dt.datetime.now(dt.UTC)
    verify_dir = out / "verify"
    data_url = registry.governance.model.verification_data_url
    data_dir = verify_dir if data_url is None else (data_out or out.with_name(f"{out.name}-data"))
    if data_url is not None and data_dir.exists():
        shutil.rmtree(data_dir)  # the data of one build, whole: nothing stale left to sync
    counts = _Counts(registry, now)
    achievements = _Achievements(data_dir / "achievements")

    # One pass over the awards into 256 buckets by the hash's first byte; the number of shard bits is known
    # only once every award is counted. Buckets are then grouped into shards, one bucket (or, for registries
    # with fewer than 256 shards, one shard's run of buckets) in memory at a time.
    with tempfile.TemporaryDirectory(prefix="credreg-shards-") as tmp:
        templates = _Templates(Path(tmp) / "templates")
        buckets = [Path(tmp) / f"{i:02x}.jsonl" for i in range(256)]
        handles = [b.open("w", encoding="utf-8") for b in buckets]
        read: set[tuple[str, str]] = set()
        unchecked: list[Location] = []
        try:
            for item in _published_awards(registry):
                if checked is not None:
                    read.add((item.issuer, item.digest))
                    if checked.award(item.issuer, item.digest) is None:
                        unchecked.append(item.where)
                counts.add(item)
                digest = item.digest
                entry = _shard_entry(item.award, item.issuer, item.ref, item.revocation, achievements, templates)
                # The record of its entry in the name of the issuer whose folder holds it (the one its verifiers
                # count: transparency/inclusion.py logged_owner), if the log has one.
                record = log_records.get(digest, {}).get(item.issuer) if log_records is not None else None
                if record is not None:
                    entry["log"] = record
                handles[int(digest[:2], 16)].write(json.dumps([digest, entry], separators=(",", ":")) + "\n")
        finally:
            for handle in handles:
                handle.close()
        if checked is not None:
            _refuse_unchecked(registry, checked, read, unchecked)
        bits = shard_bits(counts.stats.total)
        shards_dir = data_dir / "shards"
        if shards_dir.exists():
            shutil.rmtree(shards_dir)
        shards_dir.mkdir(parents=True)
        # The site commits to every shard (docs/hosting.md): a data host can withhold one, never add or change one.
        digests = _Digests(verify_dir / "digests")
        shard_count = 0
        for name, awards in _shards(buckets, bits, templates):
            text = json.dumps({"shard": name, "awards": awards}, separators=(",", ":"), ensure_ascii=False) + "\n"
            _write_gzip(shards_dir / f"{name}.json.gz", text)
            digests.add(name, hashlib.sha256(text.encode()).hexdigest())
            shard_count += 1
        digests.finish(bits)
        templates.publish(data_dir / "templates")

    issuers_by_did = registry.issuer_ids_by_did()  # the page's DID -> issuer rule is Python's
    write_json_staged(
        verify_dir / "index.json",
        {
            "registry": registry.governance.model.name,
            "site_url": registry.site_url,
            "generated": timestamp(now),
            "awards": counts.stats.total,
            "shard_bits": bits,
            "shards": shard_count,
            # Where shards, templates and achievements are (ending in "/"); null: verify/ on this site.
            "data_url": data_url,
            "issuers": issuers_by_did,
            # Whether this site serves a public log (log/): a page with nothing to check does not ask for it.
            "log": log_records is not None,
            # The contexts the verifier knows (never fetched), each with the terms the compact form's rule on
            # references reads (compactform.py context_terms), and the one an award of this registry carries.
            "contexts": context_terms(ContextStore.bundled()),
            "award_context": list(AWARD_CONTEXT),
        },
    )
    write_json_staged(verify_dir / "endorsements.json", endorsement_lookup(registry))
    write_json_staged(
        verify_dir / "issuer-names.json", {i: registry.issuers[i].issuer.name for i in sorted(registry.issuers)}
    )
    for issuer in registry.issuers:
        write_json_staged(out / "issuers" / issuer / "keys.json", keys_document(registry, issuer))
        write_json_staged(verify_dir / "records" / f"{issuer}.json", published_records(registry, issuer))
        write_json_staged(out / "issuers" / issuer / "credential-dates.json", credential_dates(registry, issuer))
    return counts.result()


#: The build's refusal when a registry file changed under it (here, and in publish/site.py's).
CHANGED_REFUSED = "registry files changed during the build; nothing was built"


def _refuse_unchecked(
    registry: Registry, checked: AwardIndex, read: set[tuple[str, str]], unchecked: list[Location]
) -> None:
    """Raise ``build.changed`` naming each award read that the check did not verify (``unchecked``) and each it
    verified that was not ``read`` (issuer, hash): its file was written to between the check's read and this one."""
    for issuer, digest, _, _ in checked.published():
        if issuer in registry.issuers and (issuer, digest) not in read:
            found = checked.award(issuer, digest)
            path, _, line = (found[2] if found else "").partition(":")
            unchecked.append(Location(path, int(line) if line.isdigit() else None))
    if unchecked:
        raise ProblemsFound(
            [
                Problem(
                    where,
                    "changed while the site was built: not the award `credreg check` verified there (written to "
                    "since, or being written); build again once nothing writes to the registry",
                    code="build.changed",
                )
                for where in sorted(set(unchecked), key=lambda w: (w.path, w.line or 0))
            ],
            CHANGED_REFUSED,
        )


class _Digests:
    """The digest files, written as the shards come (in name order, so a group's shards come together): one
    group in memory at a time."""

    def __init__(self, folder: Path) -> None:
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        self.folder = folder
        self.group: str | None = None
        self.digests: dict[str, str] = {}
        self.written: set[str] = set()

    def add(self, name: str, digest: str) -> None:
        if digest_group(name) != self.group:
            self.close()
            self.group = digest_group(name)
        self.digests[name] = digest

    def close(self) -> None:
        if self.group is not None:
            text = json.dumps(self.digests, separators=(",", ":"))
            write_staged(self.folder / f"{self.group}.json", (text + "\n").encode())
            self.written.add(self.group)
        self.group, self.digests = None, {}

    def finish(self, bits: int) -> None:
        """The last group, then an empty one for every group no shard is in (a registry with no awards yet, a
        range of hashes none has): the site says "no shard here", which the page tells from a file withheld."""
        self.close()
        digits = -(-bits // 4)
        groups = {digest_group(f"{i << (4 * digits - bits):0{digits}x}") for i in range(2**bits)}
        for group in sorted(groups - self.written):
            write_staged(self.folder / f"{group}.json", b"{}\n")


class _Achievements:
    """Each distinct achievement written once, named by the SHA-256 of its JCS form."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.digests: dict[bytes, str] = {}
        """:func:`_exact_text` of the achievement as parsed (cheap to make) → digest of the canonical form (not
        cheap): one credential version's awards all carry the same achievement."""
        self.written: set[str] = set()

    def add(self, achievement: dict[str, Any]) -> str:
        key = _exact_text(achievement)
        digest = self.digests.get(key)
        if digest is None:
            digest = self.digests[key] = hashlib.sha256(canonicalize(achievement)).hexdigest()
            if digest not in self.written:
                _write_json(self.folder / f"{digest}.json", achievement)
                self.written.add(digest)
        return digest


class TemplateError(ValueError):
    """A template and values that do not make an award (a malformed or tampered template or entry)."""


def rebuild(template: Mapping[str, Any], values: Any) -> Any:
    """The award a lean entry stands for: the template's skeleton with each hole filled in. The one rule,
    the page's ``sitedata.js`` ``rebuild`` the same; raises :class:`TemplateError` on anything malformed."""
    skeleton, holes = template.get("award"), template.get("holes")
    if not isinstance(holes, list) or not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise TemplateError("a template needs holes and an entry string values")
    award = _copy(skeleton)
    for hole in holes:
        if not isinstance(hole, list) or len(hole) < 2 or not isinstance(hole[0], list) or not hole[0]:
            raise TemplateError(f"malformed hole {hole!r}")
        path, parts = hole[0], hole[1:]
        text: list[str] = []
        for part in parts:
            if isinstance(part, str):
                text.append(part)
            elif type(part) is int and 0 <= part < len(values):
                text.append(values[part])
            elif (
                isinstance(part, list) and len(part) == 2 and isinstance(part[0], str)
                and type(part[1]) is int and 0 <= part[1] < len(values)
            ):  # fmt: skip
                text.append(_decode(part[0], values[part[1]]))
            else:
                raise TemplateError(f"hole part {part!r} is neither a string nor a value's index")
        parent: Any = award
        for step in path[:-1]:
            parent = _step(parent, step)
        _step(parent, path[-1])  # the hole must be there already: a template only fills, never adds
        parent[path[-1]] = "".join(text)
    return award


def _copy(value: Any) -> Any:
    """A deep copy of parsed JSON, by orjson (several times faster than ``copy.deepcopy``, run twice per award).
    What orjson cannot write (huge integers, non-string keys) is copied by ``deepcopy``; what it writes otherwise
    (NaN as null) makes a rebuilt award differ from the signed one, so that entry is written whole."""
    try:
        return orjson.loads(orjson.dumps(value))
    except (orjson.JSONEncodeError, orjson.JSONDecodeError):
        return copy.deepcopy(value)


def _step(node: Any, key: Any) -> Any:
    if isinstance(node, dict) and isinstance(key, str) and key in node:
        return node[key]
    if isinstance(node, list) and type(key) is int and 0 <= key < len(node):
        return node[key]
    raise TemplateError(f"a hole's path step {key!r} is not in the template")


def _varying_leaves(award: dict[str, Any]) -> list[tuple[list[str | int], str]]:
    """The (path, string) of every varying leaf the award has, in pattern order."""
    found: list[tuple[list[str | int], str]] = []

    def walk(node: Any, pattern: tuple[str, ...], path: list[str | int]) -> None:
        if not pattern:
            if isinstance(node, str):
                found.append((path, node))
            return
        head, rest = pattern[0], pattern[1:]
        if head == "*":
            if isinstance(node, list):
                for i, item in enumerate(node):
                    walk(item, rest, [*path, i])
        elif isinstance(node, dict) and head in node:
            walk(node[head], rest, [*path, head])

    for pattern in _VARYING:
        walk(award, pattern, [])
    return found


def _templated(compact: dict[str, Any], issuer: str, ref: str) -> tuple[dict[str, Any], list[str]]:
    """Split an award (achievement already factored out) into a template and its values."""
    leaves = []
    skeleton = _copy(compact)
    for path, text in _varying_leaves(compact):
        parent: Any = skeleton
        for step in path[:-1]:
            parent = parent[step]
        parent[path[-1]] = None
        prefix = _prefix(text)
        leaves.append((path, prefix, text[len(prefix) :]))
    rests = sorted({rest for _, _, rest in leaves})
    inners: dict[str, str | None] = {}

    def made_of(rest: str) -> str | None:
        # A string that is a literal, a separator and another leaf's string (a status entry's id is the list's
        # URL, "#" and its index) repeats only the literal: the same in every award of the list.
        if rest not in inners:
            inner = next((r for r in rests if r and rest.endswith(r) and rest[: -len(r)][-1:] in ("#", "/")), None)
            inners[rest] = None if inner is None or made_of(inner) is not None else inner  # one level only
        return inners[rest]

    values: list[str] = []
    refs: dict[str, Any] = {}  # a string → how a hole names it: its value's index, or [codec, index]
    for _, _, rest in leaves:  # in pattern order, whatever their lengths, so that awards alike share a template
        if made_of(rest) is None and rest not in refs:
            codec, value = _encode(rest)
            refs[rest] = len(values) if codec is None else [codec, len(values)]
            values.append(value)
    holes: list[list[Any]] = []
    for path, prefix, rest in leaves:
        inner = made_of(rest)
        parts: list[Any] = [prefix, refs[rest]] if inner is None else [prefix + rest[: -len(inner)], refs[inner]]
        holes.append([path, *(p for p in parts if p != "")])
    return {"issuer": issuer, "credential": ref, "award": skeleton, "holes": holes}, values


_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_HEX = re.compile(r"(?:[0-9a-f]{2}){16,}")
_BASE36 = re.compile(r"0|[1-9a-z][0-9a-z]*")
_B64URL = re.compile(r"[A-Za-z0-9_-]*")
_LAST_SECOND = 253402300799  # 9999-12-31T23:59:59Z


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    if not _B64URL.fullmatch(text) or len(text) % 4 == 1:
        raise TemplateError("a value is not base64url")
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if _b64(data) != text:
        raise TemplateError("a value is not canonical base64url")
    return data


def _base36(number: int) -> str:
    digits = ""
    while True:
        number, digit = divmod(number, 36)
        digits = "0123456789abcdefghijklmnopqrstuvwxyz"[digit] + digits
        if number == 0:
            return digits


def _decode(codec: str, value: str) -> str:
    """A value stored compactly, as the award has it: ``hex`` (bytes as base64url, written in lowercase hex),
    ``uuid`` (16 bytes as base64url, written 8-4-4-4-12), ``time`` (seconds since 1970 in base 36, written
    ``YYYY-MM-DDTHH:MM:SSZ``). The page's ``sitedata.js`` ``decode`` is the same."""
    if codec == "hex":
        return _unb64(value).hex()
    if codec == "uuid":
        data = _unb64(value)
        if len(data) != 16:
            raise TemplateError("a uuid value is not 16 bytes")
        h = data.hex()
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
    if codec == "time":
        if not _BASE36.fullmatch(value) or int(value, 36) > _LAST_SECOND:
            raise TemplateError("a time value is not base 36 seconds")
        return dt.datetime.fromtimestamp(int(value, 36), dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    raise TemplateError(f"unknown codec {codec!r}")


def _encode(text: str) -> tuple[str | None, str]:
    """The codec and compact value for a string, if one gives it back exactly; else (None, the string)."""
    if _TIME.fullmatch(text):
        try:  # the fields by position (the pattern matched), as strptime would read them but several times faster
            date = dt.datetime(int(text[:4]), int(text[5:7]), int(text[8:10]), tzinfo=dt.UTC)
            seconds = date.replace(hour=int(text[11:13]), minute=int(text[14:16]), second=int(text[17:19])).timestamp()
        except ValueError:
            seconds = -1
        candidate: tuple[str, str] | None = ("time", _base36(int(seconds))) if 0 <= seconds <= _LAST_SECOND else None
    elif _UUID.fullmatch(text):
        candidate = ("uuid", _b64(bytes.fromhex(text.replace("-", ""))))
    elif _HEX.fullmatch(text):
        candidate = ("hex", _b64(bytes.fromhex(text)))
    else:
        candidate = None
    if candidate is not None and _decode(*candidate) == text:
        return candidate
    return None, text


class _Templates:
    """Templates seen so far, on disk (a registry of odd awards could have as many as awards), with how many
    entries use each: one used by a single award is not worth a file, and that entry is written full."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True)
        self.folder = folder
        self.uses: dict[str, int] = defaultdict(int)
        self.ids: dict[bytes, str] = {}
        """Digest of a template's :func:`_exact_text` (cheap) → its id (the JCS form's SHA-256: not cheap)."""
        self.digests: dict[str, str] = {}
        """id → the whole SHA-256, to refuse two templates with one id."""

    def add(self, template: dict[str, Any]) -> str | None:
        key = hashlib.sha256(_exact_text(template)).digest()
        tid = self.ids.get(key)
        if tid is None:
            digest = hashlib.sha256(canonicalize(template)).hexdigest()
            tid = digest[:TEMPLATE_ID_DIGITS]
            if self.digests.setdefault(tid, digest) != digest:
                return None  # two templates, one id: never in practice; the entry is then written full
            self.ids[key] = tid
            text = json.dumps(template, separators=(",", ":"), ensure_ascii=False)
            _write_gzip(self.folder / f"{tid}.json.gz", text + "\n")
        self.uses[tid] += 1
        return tid

    def load(self, tid: str) -> dict[str, Any]:
        return dict(read_gzip_json(self.folder / f"{tid}.json.gz"))

    def publish(self, folder: Path) -> None:
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        for tid, count in self.uses.items():
            if count > 1:
                shutil.copyfile(self.folder / f"{tid}.json.gz", folder / f"{tid}.json.gz")


def _exact_text(value: Any, *, sort_keys: bool = False) -> bytes:
    """JSON text of parsed JSON that tells any two different values apart, types included (1, 1.0 and true),
    as a key or for comparing. orjson writes it ten times faster than ``json``; what it refuses (a huge integer,
    a non-string key, deep nesting) goes to ``json``, behind a byte no JSON text starts with. orjson writes NaN
    and infinities as ``null``; they never get here, as an award that has them cannot be canonicalized and is
    not published."""
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS if sort_keys else 0)
    except orjson.JSONEncodeError:
        return b"\x00" + json.dumps(value, sort_keys=sort_keys, ensure_ascii=False).encode()


def _same(a: Any, b: Any) -> bool:
    # Type-exact JSON equality: Python's == has 1 == 1.0 == True, and the text alone would have NaN == null.
    return bool(a == b) and _exact_text(a, sort_keys=True) == _exact_text(b, sort_keys=True)


def _shard_entry(
    award: dict[str, Any],
    issuer: str,
    ref: str,
    revocation: dict[str, Any] | None,
    achievements: _Achievements,
    templates: _Templates,
) -> dict[str, Any]:
    compact = dict(award)  # the award itself stays as signed; only these two levels are replaced
    subject = compact.get("credentialSubject")
    if isinstance(subject, dict) and isinstance(subject.get("achievement"), dict):
        compact["credentialSubject"] = {
            **subject,
            "achievement": {"$achievement": achievements.add(subject["achievement"])},
        }
    template, values = _templated(compact, issuer, ref)
    tid = templates.add(template) if _same(rebuild(template, values), compact) else None
    entry: dict[str, Any] = (
        {"t": tid, "v": values} if tid is not None else {"issuer": issuer, "credential": ref, "award": compact}
    )
    if revocation is not None:
        entry["revocation"] = revocation
    return entry


def expand_entry(entry: dict[str, Any], template: Callable[[str], Mapping[str, Any] | None]) -> dict[str, Any]:
    """A shard entry as the page reads it: ``{issuer, credential, award, revocation?, log?}``, a lean entry's
    award rebuilt from its template (``template(id)``; achievements stay ``{"$achievement": sha}``)."""
    if "t" not in entry:
        return entry
    found = template(str(entry["t"]))
    if found is None:
        raise TemplateError(f"template {entry['t']} is not published")
    beside = {k: v for k, v in entry.items() if k not in ("t", "v", "issuer", "credential", "award")}
    return {**beside, "issuer": found.get("issuer"), "credential": found.get("credential"),
            "award": rebuild(found, entry.get("v"))}  # fmt: skip


def read_entry(verify_dir: Path, digest: str, *, data_dir: Path | None = None) -> dict[str, Any] | None:
    """The expanded entry of an award hash in published data: the site's ``verify/`` and, when the registry
    publishes it elsewhere, the folder of shards, templates and achievements."""
    data_dir = data_dir or verify_dir
    bits = json.loads((verify_dir / "index.json").read_text(encoding="utf-8"))["shard_bits"]
    shard = data_dir / "shards" / f"{shard_name(digest, bits)}.json.gz"
    if not shard.exists():
        return None
    entry = read_gzip_json(shard)["awards"].get(digest)
    if entry is None:
        return None

    def template(tid: str) -> dict[str, Any] | None:
        path = data_dir / "templates" / f"{tid}.json.gz"
        return dict(read_gzip_json(path)) if path.exists() else None

    return expand_entry(entry, template)


def _shards(buckets: list[Path], bits: int, templates: _Templates) -> Iterator[tuple[str, dict[str, Any]]]:
    """Shards (name → {hash: entry}) in name order, each in hash order. With 8 bits or more a shard lies
    within one bucket; with fewer, a shard is a run of whole buckets. A lean entry whose template no other
    award shares is written full."""
    groups: dict[str, dict[str, Any]] = defaultdict(dict)
    for number, bucket in enumerate(buckets):
        with bucket.open(encoding="utf-8") as fh:
            for line in fh:
                digest, entry = json.loads(line)
                if "t" in entry and templates.uses[entry["t"]] < 2:
                    entry = expand_entry(entry, templates.load)
                groups[shard_name(digest, bits)][digest] = entry
        following = shard_name(f"{number + 1:02x}".ljust(64, "0"), bits) if number + 1 < len(buckets) else None
        for name in sorted(groups):
            if name != following:
                yield name, dict(sorted(groups.pop(name).items()))
