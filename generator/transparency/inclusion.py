"""Is this award (or endorsement) in the registry's public log? The check ``credreg verify`` adds to its results.

It finds the award's entry in the signed log, checks its inclusion proof against the checkpoint (signed by
the registry's log key), and counts the cosignatures of the witnesses ``registry/governance.yaml`` lists. It
judges by log time: an award first logged after its signing key was logged as expired (``valid_until`` set)
or revoked fails, whatever date its signature claims. The same rule runs in the browser (tlog.js).

**The status list.** The status of an award is judged by its issuer's status list: the bytes of the list used
(the registry's file here, the served file on the page) must be the log's *latest* ``status-list`` entry for
that list's path, proven in the signed tree. A list that is not logged, or an older logged version (bits
cleared since: a revocation hidden by a stale or rolled-back file), fails the check. Which version is the latest,
and which entries retired a key, a proof of inclusion cannot show (it shows what is in the log, never what is
not): the site's ``log/index/status/`` and ``log/index/keys/`` files name them, each with the proof of its line
in the index the signed checkpoint commits to (:mod:`generator.transparency.logindex`), so a host can name no
other version and drop no retirement.

**Freshness.** A witness's cosignature carries the time it was made (C2SP tlog-cosignature): the newest one of
a listed witness on the checkpoint says how old this view of the log is at least, so that a host serving a
stale site (an old checkpoint with old lists) is visible. It is shown, not judged: how old is too old is the
reader's call.

**A status list given on its own** (:func:`status_list_log_check`): its file's bytes must be the log's latest
``status-list`` entry for the path its ``id`` names, proven in the signed tree, logged before any of its signing
keys was logged as retired.

**Endorsements.** An endorsement is checked the same way (``kind="endorsement"``): its ``endorsement`` entry
(the endorsement hash), found through the site's ``log/index/endorsements/<hash>.json``, its signing key (an
endorser's or an issuer's) judged by log time, and its endorser's status list bound to the log's latest version.

**In its owner's name.** An entry names its owner by the folder its file was committed in, and an owner's monitor
lists the entries in its name (:func:`generator.transparency.monitor.monitor_log`). An award pushed past the checks
into another issuer's folder is logged in that issuer's name, where its own issuer's monitor never shows it: only
an entry in the name of the owner its ``issuer`` DID names counts (:func:`logged_owner`; tlog.js alike), and one in
another's name is said so (:class:`LoggedElsewhere`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from generator._internal.files import open_regular
from generator._internal.source import SourceError, decode_utf8, parse_json
from generator._internal.times import CLOCK_SKEW
from generator.models.governance import TransparencyLog
from generator.publish.verifydata import (
    ShardError,
    TemplateError,
    checked_shard,
    digest_group,
    expand_entry,
    shard_name,
)
from generator.registry import Registry
from generator.statuslist import MAX_LIST_BYTES, parse_list_url
from generator.tlog import merkle
from generator.tlog.note import Note, NoteError, parse_vkey, verify_cosignature
from generator.tlog.tiles import TILES_DIR
from generator.transparency.entries import LogEntry
from generator.transparency.log import MAX_FILE, LogError, LogSource, VerifiedLog, open_log
from generator.transparency.logindex import (
    CLEARED,
    KEY,
    KEY_LINE_KINDS,
    LIST,
    IndexCommitment,
    LogIndex,
    commitment,
    commitment_problem,
    decode_hashes,
    index_leaf,
    json_integer,
    verify_index_proof,
)
from generator.transparency.publish import (
    award_entry_text,
    endorsement_index_name,
    log_config,
    path_file,
    status_index_name,
)
from generator.verify.results import Check, CheckStatus

__all__ = [
    "ListBinding",
    "LogInclusion",
    "LoggedElsewhere",
    "cosignature_times",
    "find_award",
    "find_status_list",
    "log_check",
    "log_is_demo",
    "logged_owner",
    "quorum_cosignature",
    "signing_key_paths",
    "signing_keys",
    "status_list_log_check",
    "status_list_used",
    "with_path",
]

#: A demo log's label (tlog.js has the same words, held equal by tests/transparency/test_verify_js.py).
DEMO_CLAUSE = " (a demo log, signed by a throwaway key made for this build: it guarantees nothing)"
#: A log no witness cosigned, its policy naming none (quorum 0): said for what it is, not "cosigned by 0 of 0
#: witnesses" (tlog.js has the same words, held equal by tests/transparency/test_verify_js.py).
UNWITNESSED_CLAUSE = "; no witness cosigned it: that signature alone vouches for the log"
CHECK_ID = "log"
LABEL = "Public log"
#: A registry id (an issuer's), as an award's log entry names it without percent-encoding.
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
#: The last second a cosignature's time is read as one (9999-12-31T23:59:59Z): a later one names no date.
_LAST_SECOND = 253402300799
#: What a log check can be about: the kind of its log entry, which is also the word its failures use.
KINDS = ("award", "endorsement", "status-list")
#: A status list given on its own: its entries are its versions (SHA-256 of the file's bytes).
LIST_KIND = "status-list"
#: The folders whose status lists each kind is judged by (an endorsement: its endorser's, or its issuer's).
_LIST_FOLDERS = {"award": ("issuers",), "endorsement": ("issuers", "endorsers")}


@dataclass(frozen=True, slots=True)
class ListBinding:
    """Where the status list an award's status was judged by stands in the log."""

    path: str
    """Its repository path (``registry/issuers/<issuer>/status/<n>.json``)."""
    latest: int | None
    """The entry of the log's latest version of the list (None: the log has none)."""
    holds: bool
    """Whether the bytes used are that version."""
    cleared: int | None = None
    """The log's latest ``status-list-cleared`` entry of the list (a revocation taken back), if any: a list put
    back from before a revocation is the latest version, byte for byte, and only this entry tells it."""


@dataclass(frozen=True, slots=True)
class LogInclusion:
    index: int
    size: int
    cosigned: int
    quorum: int
    retired_key_before: tuple[str, str, int] | None = None
    """(key file, entry kind, entry) when a key that signed the award was logged as expired (``valid_until`` set)
    or revoked before the award was logged."""
    files_read: tuple[str, ...] = ()
    """The files this check read, relative to the log (``../verify/…``: the site's; another host's by their
    address; with a site: O(log n) files, no entry bundle)."""
    status_list: ListBinding | None = None
    cosignatures: tuple[int, ...] = ()
    """The times (Unix seconds) of the listed witnesses' valid cosignatures on the checkpoint: how fresh the view
    is, by :func:`quorum_cosignature` against the reader's clock."""
    demo: bool = False
    """The log's ``policy.json`` says ``"demo": true`` (:mod:`generator.transparency.demo`): a label that only
    lowers what the check is worth, so it is taken from the log as it is."""


def status_list_used(registry: Registry, document: Any, kind: str = "award") -> tuple[str, str] | None:
    """(repository path, SHA-256 of its bytes) of the registry status list an award's status is judged by
    (:class:`generator.verify.status.RegistryStatus` reads the same file; an endorsement's: its endorser's list,
    which :func:`generator.endorsements.verify_endorsement` reads); None when it names none there."""
    status = document.get("credentialStatus") if isinstance(document, dict) else None
    url = status.get("statusListCredential") if isinstance(status, dict) else None
    for folder in _LIST_FOLDERS[kind]:
        located = parse_list_url(registry.site_url, url, folder)
        # An endorser's list is the one its folder holds, if any (as the page reads the served one: the site's
        # index lists issuers only); an endorsement of an unregistered endorser fails before.
        if located is not None and (folder == "endorsers" or located[0] in registry.issuers):
            break
    else:
        return None
    path = f"registry/{folder}/{located[0]}/status/{located[1]}.json"
    try:
        with open_regular(registry.root / path) as handle:  # as every reader of a list (status.py read_list_file)
            data = handle.read(MAX_LIST_BYTES + 1)
    except OSError:
        return None  # no list: the status check says so
    return path, hashlib.sha256(data).hexdigest()


def _owner_of(registry: Registry, did: str, kind: str = "award") -> str | None:
    """The registry id of the owner whose DID is ``did``, as the offline check of a ``kind`` reads it (tlog.js
    ``ownerOf``): an endorsement's, :meth:`Registry.endorser_for_did` (the endorser, else the issuer), which
    :func:`generator.endorsements.verify_endorsement` judges its signing key by; else the issuer, else the endorser.
    One reading on both sides: should an issuer and an endorser declare one DID (``id.duplicate-did``, pushed past
    the check), a log check that read the issuer's key file of an endorsement the offline check holds to the
    endorser's would look for the retirements of a file the log never retired."""
    if kind == "endorsement":
        return registry.endorser_for_did(did)
    record = registry.issuer_for_did(did)
    return record.id if record is not None else registry.endorser_for_did(did)


def signing_keys(registry: Registry, document: Any, kind: str = "award", listed: str | None = None) -> dict[str, str]:
    """Verification method → ``keys/<owner>/<key id>.json``, for every proof whose method names a registry issuer
    or endorser (read as a ``kind``'s: :func:`_owner_of`). ``listed`` (``registry/<folder>/<owner>/status/…``):
    a status list's, whose keys its offline check holds it to (verify/status.py ``verify_status_list``): an
    endorser's list, its folder owner's (``EndorserKeys``) when that endorser owns its DID
    (:meth:`Registry.owns_its_did`; a second endorser declaring it has no list: the owner's keys); an issuer's, the
    registry resolver's, the DID's owner (:meth:`Registry.issuer_ids_by_did`), not the folder's: a second issuer
    declaring the DID signs with the first's keys."""
    folder, owner = listed.split("/")[1:3] if listed is not None else (None, None)
    proofs = document.get("proof") if isinstance(document, dict) else None
    keys = {}
    for proof in proofs if isinstance(proofs, list) else [proofs]:
        method = proof.get("verificationMethod") if isinstance(proof, dict) else None
        if isinstance(method, str) and "#" in method:
            did, _, key_id = method.partition("#")
            mine = (
                folder == "endorsers"
                and owner is not None
                and registry.owns_its_did(folder, owner)
                and registry.endorser_did(owner) == did
            )
            signer = owner if mine else _owner_of(registry, did, kind)
            if signer is not None:
                keys[method] = f"keys/{signer}/{key_id}.json"
    return keys


def logged_owner(registry: Registry, document: Any, kind: str = "award") -> str | None:
    """The owner in whose name an award's or endorsement's entry must be logged: the registry issuer or endorser
    its ``issuer`` DID names (read as a ``kind``'s: :func:`_owner_of`), whose monitor lists it; None without a
    document, or for an owner not registered here (then no entry is held to a name, as no key is to a
    retirement)."""
    issuer = document.get("issuer") if isinstance(document, dict) else None
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    return _owner_of(registry, issuer, kind) if isinstance(issuer, str) else None


class LoggedElsewhere(LogError):
    """The award (or endorsement) is in the log only in another owner's name: committed in that owner's folder, so
    its own owner's monitor does not list it. It counts as not recorded, and the check says where it is."""

    def __init__(self, index: int, owner: str, named: str, kind: str) -> None:
        whose = "issuer" if kind == "award" else "endorser"
        super().__init__(
            f"{NOT_RECORDED} in the name of its {whose} {owner} (entry {index} logs it in the name of {named}, whose "
            f"folder it was published in: {owner}'s monitor does not list it)"
        )


def signing_key_paths(registry: Registry, document: Any) -> set[str]:
    """``keys/<issuer>/<key id>.json`` of every proof's verification method that names a registry issuer."""
    return set(signing_keys(registry, document).values())


class _Counting(LogSource):
    """A source that counts the files it reads (those of another host by their whole address)."""

    def __init__(self, source: LogSource) -> None:
        self.url, self.dir, self.overlay, self.tiles = source.url, source.dir, source.overlay, source.tiles
        self.timeout = source.timeout
        self.files: set[str] = set()

    def read(self, rel: str) -> bytes | None:
        self.files.add(f"{self.tiles}{rel}" if self.tiles is not None and rel.startswith(f"{TILES_DIR}/") else rel)
        return super().read(rel)


def _json(source: LogSource, rel: str) -> Any:
    """A JSON file of the site, read as the page reads it (sitedata.js ``json``): strictly (a key written twice in
    one object is refused, not read as its last value), and only a ``.json.gz`` one (shards, templates)
    decompressed, within the size of any log file, unless the host already did. A ``.json`` file that holds gzip
    bytes is not JSON to the page, so it is not here either."""
    data = _text_bytes(source, rel)
    return None if data is None else _parsed(data, f"{source}/{rel}")


def _text_bytes(source: LogSource, rel: str) -> bytes | None:
    """The bytes of a file as the page parses them: a ``.json.gz`` one decompressed (unless the host did)."""
    data = source.read(rel)
    if data is None:
        return None
    if rel.endswith(".gz") and data.startswith(b"\x1f\x8b"):
        inflate = zlib.decompressobj(wbits=31)
        try:
            data = inflate.decompress(data, MAX_FILE + 1)
        except zlib.error:
            raise LogError(f"{source}/{rel} is not gzip") from None
        if len(data) > MAX_FILE or inflate.unconsumed_tail:
            raise LogError(f"{source}/{rel} is larger than any log file can be")
    return data


def _parsed(data: bytes, where: str) -> Any:
    # Another host's bytes, or a site's: parsed within the bounds every reader keeps (a deep nesting stopped
    # `credreg verify` with a RecursionError), the problem located in the file.
    try:
        return parse_json(decode_utf8(data, where, limit=MAX_FILE), where, max_bytes=MAX_FILE).data
    except SourceError as exc:
        raise LogError(str(exc)) from None


def _proven(log: VerifiedLog, record: Any, where: str, edge: merkle.HashSource | None = None) -> tuple[int, LogEntry]:
    """A key record ``[index, entry text, base64 path]``, its entry proven in the signed tree (the record's
    path below, the tiles above), or LogError. The record is only a hint: the proof decides."""
    # Its index is read by _prove, as the page reads it (tlog.js `proven`): a bad one is a malformed log record.
    if not (isinstance(record, list) and len(record) == 3 and all(isinstance(part, str) for part in record[1:])):
        raise LogError(f"{where}: malformed index record")
    index, text, encoded = record
    below = decode_hashes(encoded)
    if below is None:
        raise LogError(f"{where}: malformed index record")
    return _prove(log, index, text, below, where, edge)


def _prove(
    log: VerifiedLog, given: object, text: str, below: list[bytes], where: str, edge: merkle.HashSource | None
) -> tuple[int, LogEntry]:
    """Entry ``given`` (a site's JSON number: :func:`json_integer`) is ``text`` in the signed tree: ``below``, the
    proof's hashes inside the complete subtree holding it, if given, then the hashes above from the tiles (and the
    frontier); or LogError."""
    try:
        entry = LogEntry.parse(text.encode())
    except ValueError:
        raise LogError(f"{where}: malformed log record") from None
    index = json_integer(given)
    if index is None or not 0 <= index < log.size:
        raise LogError(f"{where}: malformed log record")
    try:
        above = merkle.inclusion_proof(edge or log.tiles, index, log.size, above=len(below))
    except (ValueError, LogError) as exc:
        raise LogError(f"{where}: {exc}") from None
    leaf = merkle.leaf_hash(text.encode())
    if not merkle.verify_inclusion(leaf, index, log.size, below + above, log.checkpoint.root):
        raise LogError(f"the inclusion proof of entry {index} does not verify")
    return index, entry


_TEMPLATE = re.compile(r"[0-9a-f]{1,64}")


def _data_source(site: LogSource, index: Any) -> LogSource | None:
    """Where the site's bulk data is when its index names a ``data_url`` (object storage, docs/hosting.md): the
    shards, templates and achievements, and the log's tiles and entry bundles under its ``log/``; None when
    they are on the site."""
    base = index.get("data_url") if isinstance(index, dict) else None
    if base is None:
        return None
    if isinstance(base, str) and base.startswith(("https://", "http://")) and base.endswith("/"):
        return site.at(base)
    raise LogError(f"{site}/verify/index.json names a malformed data_url")


def _award_record(site: LogSource, index: Any, want: str) -> tuple[Any, Any, str] | None:
    """(issuer, log record, file) of the award from the site's verification shard (where the lookup finds it),
    or None when the site publishes no such award or no log record for it."""
    bits = json_integer(index.get("shard_bits")) if isinstance(index, dict) else None  # as the page reads it
    if bits is None or not 1 <= bits <= 48:
        raise LogError(f"{site}/verify/index.json is missing or malformed")
    name = shard_name(want, bits)
    data = _data_source(site, index)
    source, folder = (site, "verify/") if data is None else (data, "")
    rel = f"{folder}shards/{name}.json.gz"
    # The site's digest file decides which shards exist and what they hold (verifydata.checked_shard, the page's
    # rule): a data host can withhold a shard, never add or change one.
    try:
        served = checked_shard(
            _json(site, f"verify/digests/{digest_group(name)}.json"),
            name,
            lambda: _text_bytes(source, rel),
            f"{site}/verify/digests",
        )
    except ShardError as exc:
        raise LogError(f"{source}/{rel}: {exc}") from None
    shard = None if served is None else _parsed(served, f"{source}/{rel}")
    awards = shard.get("awards") if isinstance(shard, dict) else None
    entry = awards.get(want) if isinstance(awards, dict) else None
    if not isinstance(entry, dict) or "log" not in entry:
        return None

    def template(tid: str) -> dict[str, Any] | None:
        found = _json(source, f"{folder}templates/{tid}.json.gz") if _TEMPLATE.fullmatch(tid) else None
        return found if isinstance(found, dict) else None

    try:  # a lean entry names its issuer through its template, as the page reads it
        issuer = expand_entry(entry, template).get("issuer")
    except TemplateError:
        issuer = None  # then no entry text can be rebuilt: the record fails as malformed
    return issuer, entry["log"], f"{source}/{rel}"


def _proven_award(
    log: VerifiedLog, want: str, issuer: Any, record: Any, where: str, edge: merkle.HashSource
) -> tuple[int, LogEntry]:
    """The award's record ``[index, where]`` (:func:`generator.transparency.publish.award_record`), its entry
    rebuilt and proven from the full tiles holding it up, or LogError."""
    if not (
        isinstance(record, list)
        and len(record) == 2
        and isinstance(record[1], str)
        and isinstance(issuer, str)
        and _ID.fullmatch(issuer)
    ):
        raise LogError(f"{where}: malformed log record")
    at = json_integer(record[0])  # _prove refuses any other, in the page's words
    source = _with_path(log, at, edge) if at is not None else edge
    index, entry = _prove(log, record[0], award_entry_text(issuer, want, record[1]), [], where, source)
    if entry.kind != "award" or entry.sha256 != want:
        raise LogError(f"{where}: entry {index} is not this award")
    return index, entry


def _with_path(log: VerifiedLog, index: int, edge: merkle.HashSource) -> merkle.HashSource:
    """``edge``, with the path file of the level-0 tile holding entry ``index`` read from the site's ``log/``."""
    return with_path(log.source.read, index, log.size, edge)


def with_path(read: Callable[[str], bytes | None], index: int, size: int, edge: merkle.HashSource) -> merkle.HashSource:
    """``edge``, with the hashes of the path file of the level-0 tile holding entry ``index`` when there is one
    (:func:`generator.transparency.publish.tile_paths`): its proof then reads 256 bytes, not a level-1 tile. A
    file missing, unreadable or of another length is left out (the tile is read instead); a wrong hash fails the
    proof."""
    found = path_file(index, size)
    if found is None:
        return edge
    rel, nodes = found
    try:
        data = read(rel)
    except LogError:
        # Unreadable (HTTP 403 or 500, a folder in its place) is as good as withheld: the file only saves reading a
        # level-1 tile, which is then read and proven instead (a host withholding that one fails the proof).
        # tlog.js withPath reads it alike.
        return edge
    if data is None or len(data) != merkle.HASH_SIZE * len(nodes):
        return edge
    hashes = [data[i : i + merkle.HASH_SIZE] for i in range(0, len(data), merkle.HASH_SIZE)]
    return merkle.WithNodes(edge, dict(zip(nodes, hashes, strict=True)))


_Found = tuple[int | None, list[tuple[int, LogEntry]], list[tuple[int, LogEntry]]]


def _scan(
    log: VerifiedLog, want: str, kind: str, keys: Mapping[str, str], list_path: str | None, owner: str | None
) -> _Found:
    """Without a site (a log's state, or a log/ outside its site): every entry, hashed up to the root, and the
    index the checkpoint commits to recomputed from them (a site's answer rests on it: a log whose index is false,
    or missing, fails here as it does there). Only an entry in ``owner``'s name counts (when one is given)."""
    paths = set(keys.values())
    found, retired, versions = None, [], []
    elsewhere: tuple[int, str] | None = None
    whole = LogIndex()
    for index, raw in log.entries(0):
        try:
            entry = LogEntry.parse(raw)
        except ValueError:
            continue
        if whole.add(index, entry) and entry.path in paths:  # a retirement its index line names (logindex.retires)
            retired.append((index, entry))
        if entry.kind in (LIST, CLEARED) and entry.path == list_path:
            versions.append((index, entry))
        if entry.kind == kind and entry.sha256 == want and found is None and kind != LIST_KIND:
            if not log.proves(merkle.leaf_hash(raw), index):  # the proof a browser would check, checked here too
                raise LogError(f"the inclusion proof of entry {index} does not verify")
            if owner is None or entry.issuer == owner:
                found = index
            elif elsewhere is None:
                elsewhere = (index, entry.issuer)
    problem = commitment_problem(log.checkpoint, whole)
    if problem is not None:
        raise LogError(f"{log.source}/checkpoint: {problem}")
    if found is None and elsewhere is not None and owner is not None:
        raise LoggedElsewhere(elsewhere[0], owner, elsewhere[1], kind)
    if kind == LIST_KIND:  # the latest version only, as a site names it: the same answer from both
        found = _latest_if(versions, want)
    return found, retired, versions


def _latest_if(versions: list[tuple[int, LogEntry]], want: str) -> int | None:
    """The entry of the latest version of a list when it is ``want`` (SHA-256 of the bytes given), else None."""
    latest = _last(versions, LIST)
    return latest[0] if latest is not None and latest[1].sha256 == want else None


def _last(versions: list[tuple[int, LogEntry]], kind: str) -> tuple[int, LogEntry] | None:
    """The last of a status list's entries of ``kind`` (``status-list``: its latest version; ``status-list-cleared``:
    the last revocation taken back), of those its index line names or a scan found."""
    return max(((i, e) for i, e in versions if e.kind == kind), key=lambda item: item[0], default=None)


def _frontier(policy: dict[str, Any], size: int) -> list[bytes]:
    """The frontier policy.json gives for this checkpoint's size (none when it is for another size)."""
    given = policy.get("frontier")
    if not isinstance(given, dict) or not isinstance(given.get("hashes"), str):
        return []
    if json_integer(given.get("size")) != size:  # as the page reads it: true is no size
        return []
    return decode_hashes(given["hashes"]) or []


def _lookup(
    log: VerifiedLog,
    site: LogSource,
    index: Any,
    policy: Any,
    want: str,
    kind: str,
    keys: Mapping[str, str],
    list_path: str | None,
    owner: str | None,
) -> _Found:
    """With a site: the award's record from its verification shard (an endorsement's from
    ``index/endorsements/``, a status list's own from ``index/status/``), then, only when it is there, one file per
    signing key and the status list's, and the tiles of their proofs (tlog.js ``checkLog`` reads them in this
    order: the same first failure on both sides)."""
    if not isinstance(policy, dict) or not re.fullmatch(r"[0-9a-f]{64}", want):
        raise LogError(f"{log.source}/policy.json is malformed")
    edge = merkle.WithFrontier(log.tiles, log.size, _frontier(policy, log.size))
    found = None
    versions: list[tuple[int, LogEntry]] = []
    if list_path is not None and kind == LIST_KIND:  # its own entry is its version: the site names only the latest
        versions = _list_versions(log, list_path, edge)
        found = _latest_if(versions, want)
    elif kind == "award":
        award = _award_record(site, index, want)
        if award is not None:
            found, entry = _proven_award(log, want, *award, edge)
            if owner is not None and entry.issuer != owner:
                raise LoggedElsewhere(found, owner, entry.issuer, kind)
    else:
        rel = f"index/endorsements/{endorsement_index_name(want)}.json"
        records = _json(log.source, rel)
        elsewhere: tuple[int, str] | None = None
        for record in records if isinstance(records, list) else []:
            at, entry = _proven(log, record, f"{log.source}/{rel}", edge)
            if entry.kind != kind or entry.sha256 != want:
                raise LogError(f"entry {at} is not this {kind}")  # as the page says it
            if owner is None or entry.issuer == owner:
                found = at if found is None else min(found, at)
            elif elsewhere is None or at < elsewhere[0]:
                elsewhere = (at, entry.issuer)
        if found is None and elsewhere is not None and owner is not None:
            raise LoggedElsewhere(elsewhere[0], owner, elsewhere[1], kind)
    if found is None:  # nothing more to read: not recorded (or not the latest), as the page says it first
        return None, [], versions
    retired = []
    for method, path in sorted(keys.items()):
        rel = f"index/keys/{hashlib.sha256(method.encode()).hexdigest()}.json"
        indexed = _indexed(log, KEY, path, rel, edge)
        if indexed is None:  # every logged key has its file: a missing one is withheld, and proves nothing
            raise LogError(
                f"{log.source}/{rel} is missing: the log's index has no line for the key {path}, so nothing shows "
                "it was not retired"
            )
        retired.extend(indexed)
    if list_path is not None and kind != LIST_KIND:  # the status list an award's status was judged by
        versions = _list_versions(log, list_path, edge)
    return found, retired, versions


def _list_versions(log: VerifiedLog, path: str, edge: merkle.HashSource) -> list[tuple[int, LogEntry]]:
    """The entries of a status list the site's index file names (its latest version, and its last revocation taken
    back if any), proven; none when it has no file."""
    return _indexed(log, LIST, path, f"index/status/{status_index_name(path)}.json", edge) or []


def _index_of(log: VerifiedLog) -> IndexCommitment:
    """The index the log's checkpoint commits to, or LogError (a log published before it was committed to)."""
    given = commitment(log.checkpoint)
    if given is None:
        raise LogError(
            f"{log.source}/checkpoint does not commit to the log's index (a log published by an older credreg): "
            "nothing proves which version of a status list is the latest, or that a key was not retired"
        )
    return given


def _indexed(
    log: VerifiedLog, kind: str, path: str, rel: str, edge: merkle.HashSource
) -> list[tuple[int, LogEntry]] | None:
    """The entries the index line of a key file (its retirements) or a status list (its latest version) names,
    read from the site's ``rel`` and proven: each entry in the log, and the line, made of exactly those entries,
    in the index tree the checkpoint commits to (:mod:`generator.transparency.logindex`). None when the site
    has no such file; LogError when it does not prove what it says."""
    where = f"{log.source}/{rel}"
    content = _json(log.source, rel)
    if content is None:
        return None
    given = _index_of(log)  # first: an older site's files are of another form, and this says why
    records = content.get("records") if isinstance(content, dict) else None
    if not isinstance(records, list):
        raise LogError(f"{where}: malformed index record")
    found = []
    for record in records:
        at, entry = _proven(log, record, where, edge)
        if entry.path != path or (
            entry.kind not in KEY_LINE_KINDS if kind == KEY else entry.kind not in (LIST, CLEARED)
        ):
            what = "a retirement of the key" if kind == KEY else "a version of the status list"
            raise LogError(f"{where}: entry {at} is not {what} {path}")
        found.append((at, entry))
    if not verify_index_proof(given, index_leaf(kind, path, [at for at, _ in found]), content.get("index")):
        raise LogError(
            f"{where}: not the log's index line for {path} (its proof against the index the checkpoint commits "
            "to does not verify): a record dropped, added or replaced"
        )
    return found


def _site_of(source: LogSource) -> LogSource | None:
    """The site whose ``log/`` this is (the award records are in its verification shards), if it is one."""
    if source.url is not None:
        return source.at(source.url[: -len("log/")]) if source.url.endswith("/log/") else None
    assert source.dir is not None
    return source.at(source.dir.resolve().parent)


def find_award(
    registry: Registry,
    source: LogSource,
    award_hash: str,
    signing_keys: Mapping[str, str] | None = None,
    status_list: tuple[str, str] | None = None,
    *,
    kind: str = "award",
    owner: str | None = None,
) -> LogInclusion | None:
    """The award's entry in the log, with its proof checked; None when the log does not have it. With
    ``kind="endorsement"``, the same for an endorsement (its record in the site's ``log/index/endorsements/``).

    With ``owner`` (:func:`logged_owner`), only an entry in that owner's name counts: :class:`LoggedElsewhere` when
    the log has it in another's name only.

    With ``signing_keys`` (method → key file), also whether one of them was logged as expired or revoked
    before the award was logged: the log dates the award's publication, which a backdated signature cannot move.
    A site's ``log/`` is read in O(log n) files (the award's record is in its verification shard, the keys'
    in ``log/index/keys/``); a bare log state is scanned whole.

    With ``status_list`` ((repository path, SHA-256 of the bytes used): :func:`status_list_used`), also where
    that list stands in the log (:class:`ListBinding`).
    """
    return _find(registry, source, award_hash, signing_keys, status_list, kind=kind, owner=owner)[0]


def find_status_list(
    registry: Registry, source: LogSource, path: str, digest: str, signing_keys: Mapping[str, str] | None = None
) -> tuple[LogInclusion | None, ListBinding]:
    """A status list given on its own (``path``: its repository path; ``digest``: SHA-256 of its bytes) in the
    log: its entry, proven, when it is the log's latest version of the list (a site names only that one, so
    neither a site nor a bare log state tells an older version from one never published: one answer from both),
    and where it stands (:class:`ListBinding`). Its signing keys are judged by log time, as an award's."""
    found, binding = _find(registry, source, digest, signing_keys, (path, digest), kind=LIST_KIND)
    assert binding is not None  # a status list given: its binding is always made
    return found, binding


def _find(
    registry: Registry,
    source: LogSource,
    award_hash: str,
    signing_keys: Mapping[str, str] | None,
    status_list: tuple[str, str] | None,
    *,
    kind: str,
    owner: str | None = None,
) -> tuple[LogInclusion | None, ListBinding | None]:
    verifier, origin = log_config(registry)
    config = registry.governance.model.log
    assert config is not None
    counting = _Counting(source)
    log = open_log(counting, verifier, origin=origin)
    times = cosignature_times(log.note, config)
    cosigned = len(times)
    want = award_hash.lower()
    keys = signing_keys or {}
    list_path = status_list[0] if status_list is not None else None
    # Whose name its entry must be in (a status list's is its path's: nothing more to bind).
    owner = owner if kind != LIST_KIND else None
    policy = _json(counting, "policy.json")
    parent = _site_of(source) if policy is not None else None
    site = _Counting(parent) if parent is not None else None
    index = _json(site, "verify/index.json") if site is not None else None
    if site is not None and index is not None:
        data = _data_source(site, index)
        if data is not None:  # the tiles moved with the verification data; what the verifier trusts did not
            counting.tiles = data.at(f"{data}/log/")
        found, retired, versions = _lookup(log, site, index, policy, want, kind, keys, list_path, owner)
    else:  # a bare log state, or a log/ outside its site: every entry is read
        found, retired, versions = _scan(log, want, kind, keys, list_path, owner)
    binding = None
    if status_list is not None:
        latest, cleared = _last(versions, LIST), _last(versions, CLEARED)
        binding = ListBinding(
            status_list[0],
            latest[0] if latest else None,
            latest is not None and latest[1].sha256 == status_list[1],
            cleared[0] if cleared else None,
        )
    if found is None:
        return None, binding
    before = min(((i, e) for i, e in retired if i < found), key=lambda item: item[0], default=None)
    return LogInclusion(
        found,
        log.size,
        cosigned,
        config.quorum,
        (before[1].path, before[1].kind, before[0]) if before else None,
        tuple(sorted(counting.files | {f"../{rel}" for rel in (site.files if site else ())})),
        binding,
        tuple(times),
        _says_demo(policy),
    ), binding


def cosignature_times(note: Note, config: TransparencyLog) -> list[int]:
    """The times of the valid cosignatures on ``note`` of the witnesses ``config`` (registry/governance.yaml) lists:
    what counts towards its quorum, for ``credreg verify --log`` and ``credreg log monitor`` alike."""
    times = []
    for witness in config.witnesses:
        try:
            verifier = parse_vkey(witness.vkey)
        except NoteError:
            continue
        if (time := verify_cosignature(note, verifier)) is not None:
            times.append(time)
    return times


def quorum_cosignature(times: Sequence[int], quorum: int, now: int) -> int | None:
    """The time by which ``quorum`` of the witnesses had cosigned (the quorum-th newest of ``times``; the newest for
    a quorum of 0 or 1, the oldest when fewer cosigned), for :func:`freshness`; ``now`` is the reader's clock (Unix
    seconds). No one witness of a larger quorum is trusted alone, nor for how fresh a view is: the newest time was
    any one witness's word, and one cosigning a stale view again made it look fresh. A time after the clock (beyond
    :data:`CLOCK_SKEW_SECONDS`) or after 9999-12-31 says nothing of when its witness cosigned, so it ranks as the
    oldest, not the newest: ranked by its value, it let the one witness on a stale host's side (cosigning now) set
    the view's age alone, the quorum's other cosignature dated ahead. The answer is then that time (freshness says
    it is after the clock), or None when it names no date (tlog.js ``quorumCosignature`` alike)."""
    horizon = now + CLOCK_SKEW_SECONDS
    ranked = sorted(times, key=lambda t: (t > horizon, t > _LAST_SECOND, -t if t <= horizon else t))
    if not ranked:
        return None
    time = ranked[min(max(quorum, 1), len(ranked)) - 1]
    return time if time <= _LAST_SECOND else None


def _says_demo(policy: Any) -> bool:
    """A log's ``policy.json`` says ``"demo": true``: its writer's word, read only to lower a claim (the page reads
    it alike, tlog.js)."""
    return isinstance(policy, dict) and policy.get("demo") is True


def log_is_demo(source: LogSource) -> bool:
    """The log at ``source`` says it is a demo (:func:`_says_demo`); a policy.json that does not read says not."""
    try:
        return _says_demo(_json(source, "policy.json"))
    except LogError:
        return False


def _age(seconds: int) -> str:
    """A duration in words, rounded down (tlog.js ``age`` is the same)."""
    seconds = max(seconds, 0)
    if seconds < 3600:
        n, unit = seconds // 60, "minute"
    elif seconds < 2 * 86400:
        n, unit = seconds // 3600, "hour"
    else:
        n, unit = seconds // 86400, "day"
    return f"{n} {unit}{'' if n == 1 else 's'}"


#: How far a witness's clock may run ahead of the reader's (seconds) for its time to still say how fresh a view is:
#: the skew every signer's clock is allowed (tlog.js says 300).
CLOCK_SKEW_SECONDS = int(CLOCK_SKEW.total_seconds())


def freshness(times: Sequence[int], now: dt.datetime, quorum: int = 1) -> str:
    """How old this view of the log is, by the time its quorum of witnesses had cosigned it, of the cosignature
    ``times`` (:func:`quorum_cosignature`; "" when none gives a time). A time after the clock (beyond
    :data:`CLOCK_SKEW_SECONDS`) is the witness's word about a moment still to come: read as "0 minutes ago", it made
    a stale view look fresh until the clock caught up, so it is said for what it is. tlog.js ``freshness`` is the
    page's copy."""
    cosigned_at = quorum_cosignature(times, quorum, int(now.timestamp()))
    if cosigned_at is None:
        return ""
    when = dt.datetime.fromtimestamp(cosigned_at, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    elapsed = int(now.timestamp()) - cosigned_at
    if elapsed < -CLOCK_SKEW_SECONDS:
        return (
            f"; a witness's cosignature is dated after this clock ({when}): it says nothing of how old this view "
            "of the log is"
        )
    if quorum > 1:
        return f"; its quorum of {quorum} witnesses had all cosigned its checkpoint since {when} ({_age(elapsed)} ago)"
    return f"; a witness last cosigned its checkpoint {_age(elapsed)} ago ({when})"


def list_clause(binding: ListBinding | None) -> tuple[bool, str]:
    """(whether it holds, the words) for the status list an award's status was judged by (tlog.js has the same)."""
    if binding is None:
        return True, ""
    what = f"its status list {binding.path}"
    if binding.latest is None:
        return False, f"; but {what} is not in the public log"
    if binding.holds:
        return True, f"; {what} is the log's latest version of it (entry {binding.latest}){_beware(binding)}"
    return False, (
        f"; but {what}, as read here, is not the log's latest version of it (entry {binding.latest}): an older "
        "list (a revocation made since hidden) or one never published"
    )


def log_check(
    registry: Registry | None,
    source: LogSource | None,
    award_hash: str | None,
    document: Any = None,
    *,
    now: dt.datetime | None = None,
    kind: str = "award",
    signer: str = "the registry",
) -> Check:
    """The verification result line for the public log, of an award or (``kind="endorsement"``) an endorsement;
    ``signer``: whose key the checkpoint was checked against, in words (the page's: the registry's)."""
    if registry is None or award_hash is None or registry.governance.model.log is None:
        return Check(CHECK_ID, LABEL, CheckStatus.NOT_CHECKED, "this registry publishes no transparency log", False)
    if source is None:
        return Check(
            CHECK_ID, LABEL, CheckStatus.NOT_CHECKED, "no log given (--log DIR|URL, e.g. the built site's log/)", False
        )
    try:
        found = find_award(
            registry,
            source,
            award_hash,
            signing_keys(registry, document, kind),
            status_list_used(registry, document, kind),
            kind=kind,
            owner=logged_owner(registry, document, kind),
        )
    except LoggedElsewhere as exc:
        return Check(CHECK_ID, LABEL, CheckStatus.FAILED, exc.summary)
    except LogError as exc:
        return Check(CHECK_ID, LABEL, CheckStatus.FAILED, f"the log does not check out: {exc.explain()}")
    if found is None:
        return Check(CHECK_ID, LABEL, CheckStatus.FAILED, NOT_RECORDED)
    reason = _recorded(found, signer, now)
    retired = _retired_clause(found)
    if retired:
        return Check(CHECK_ID, LABEL, CheckStatus.FAILED, reason + retired)
    holds, listed = list_clause(found.status_list)
    if not holds:
        return Check(CHECK_ID, LABEL, CheckStatus.FAILED, reason + listed)
    if found.cosigned < found.quorum:
        return Check(CHECK_ID, LABEL, CheckStatus.FAILED, reason + listed + " (quorum not reached)")
    return Check(CHECK_ID, LABEL, CheckStatus.PASSED, reason + listed)


#: The reason of a log check that finds no entry (the status-list headline reads it: results.py).
NOT_RECORDED = "not recorded in the public log"
#: A status list given on its own that is not the log's latest version of its path: an older version or one never
#: published, which the log's index (the latest version only) cannot tell apart (results.py reads the words).
NOT_LATEST = "not the public log's latest version of "
#: A status list read from a badge image: the log records the list's file byte for byte, which an image is not
#: (its bytes would never match: "not the latest" of the very list in force). tlog.js IMAGE_NOT_FILE says it alike.
IMAGE_NOT_FILE = (
    "a badge image carries the list's text, not its file, which the log records byte for byte: give the file "
    "itself to check it"
)


def taken_back(path: str, cleared: int) -> str:
    """The words of a status list with a revocation taken back (tlog.js ``takenBack`` says the same)."""
    return (
        f"; beware: {path} had a revocation taken back (entry {cleared} logs that a bit set before was cleared: an "
        "older list put back, the list withdrawn, or its awards re-issued), which no revocation may be"
    )


def _beware(binding: ListBinding) -> str:
    """A list put back from before a revocation is its latest version byte for byte: said to every reader, never
    only to its owner's monitor. Said, not failed: the log does not show which bit was cleared, nor that it was set
    again, and a registry's awards re-issued clear bits too (the example's did)."""
    return taken_back(binding.path, binding.cleared) if binding.cleared is not None else ""


def _recorded(found: LogInclusion, signer: str, now: dt.datetime | None) -> str:
    """Where the log records it, whose key signed the checkpoint, its witnesses, how fresh, whether a demo."""
    return (
        f"recorded in the public log as entry {found.index} of {found.size}, checkpoint signed by {signer}"
        + (
            UNWITNESSED_CLAUSE
            if found.cosigned == 0 and found.quorum <= 0
            else f" and cosigned by {found.cosigned} of {found.quorum} witnesses"
        )
        + freshness(found.cosignatures, now or dt.datetime.now(dt.UTC), found.quorum)
        + (DEMO_CLAUSE if found.demo else "")
    )


#: How a signing key's retirement is named, by its entry's kind (tlog.js alike).
_RETIRED_AS = {"key-revoked": "revoked", "key-expiry-set": "expired (valid_until set)"}
#: A key-changed its index line names (logindex.retires): a retired public key's copy, or an end taken back.
_CHANGED_AS = "changed past the registry's checks (a copy of a retired key, or its end taken back)"


def _retired_clause(found: LogInclusion) -> str:
    """The words of a signing key logged as retired before the entry ("" when none was)."""
    if found.retired_key_before is None:
        return ""
    path, kind, at = found.retired_key_before
    what = _RETIRED_AS.get(kind, _CHANGED_AS)
    return (
        f"; but its signing key {path} was logged as {what} before it (entry {at}): it was published after the key "
        "was retired, whatever date its signature claims"
    )


def list_path(registry: Registry, document: Any) -> str | None:
    """The repository path of a status list given on its own, as its id names it: a list of a registered issuer
    or endorser (verify/status.py verify_status_list's "list" check), else None."""
    url = document.get("id") if isinstance(document, dict) else None
    for folder, owners in (("issuers", registry.issuers), ("endorsers", registry.endorsers)):
        located = parse_list_url(registry.site_url, url, folder)
        if located is not None:
            return f"registry/{folder}/{located[0]}/status/{located[1]}.json" if located[0] in owners else None
    return None


def status_list_log_check(
    registry: Registry | None,
    source: LogSource | None,
    data: bytes | None,
    document: Any,
    *,
    now: dt.datetime | None = None,
    signer: str = "the registry",
) -> Check:
    """The public-log check of a status list given on its own (``data``: its file's bytes, hashed as the log hashes
    a list: SHA-256 of the bytes; ``None`` for a list read from a badge image, not checked): passed only when they
    are the log's latest version of the list's path, proven against the signed checkpoint, published before any of
    its signing keys was logged as retired, with the witnesses' quorum. Another version logged as the latest: this
    one is older (superseded) or was never published, which a site's index (the latest version only) cannot tell
    apart; no version logged: never published (an issuer's key can sign a list that clears a revocation: only the
    log shows it was never public). tlog.js ``listLogCheck`` is the page's copy, held equal by
    tests/transparency/test_verify_js.py."""
    if registry is None or registry.governance.model.log is None:
        return Check(CHECK_ID, LABEL, CheckStatus.NOT_CHECKED, "this registry publishes no transparency log", False)
    path = list_path(registry, document)
    if path is None:
        return Check(CHECK_ID, LABEL, CheckStatus.NOT_CHECKED, "not a status list of this registry", False)
    if data is None:
        return Check(CHECK_ID, LABEL, CheckStatus.NOT_CHECKED, IMAGE_NOT_FILE, False)
    if source is None:
        return Check(
            CHECK_ID, LABEL, CheckStatus.NOT_CHECKED, "no log given (--log DIR|URL, e.g. the built site's log/)", False
        )
    digest = hashlib.sha256(data).hexdigest()
    try:
        keys = signing_keys(registry, document, LIST_KIND, listed=path)
        found, binding = find_status_list(registry, source, path, digest, keys)
    except LogError as exc:
        return Check(CHECK_ID, LABEL, CheckStatus.FAILED, f"the log does not check out: {exc.explain()}")
    if found is None:
        if binding.latest is None:
            return Check(CHECK_ID, LABEL, CheckStatus.FAILED, NOT_RECORDED)
        return Check(
            CHECK_ID,
            LABEL,
            CheckStatus.FAILED,
            f"{NOT_LATEST}{path} (entry {binding.latest}): an older version, superseded, or one never published",
        )
    reason = _recorded(found, signer, now)
    retired = _retired_clause(found)
    if retired:
        return Check(CHECK_ID, LABEL, CheckStatus.FAILED, reason + retired)
    reason += f"; it is the log's latest version of {path}{_beware(binding)}"
    if found.cosigned < found.quorum:
        return Check(CHECK_ID, LABEL, CheckStatus.FAILED, reason + " (quorum not reached)")
    return Check(CHECK_ID, LABEL, CheckStatus.PASSED, reason)
