"""``credreg log publish``: append the new history to the log, prove it consistent, sign a new checkpoint.

**State.** The log's state is a directory holding exactly the files served under the site's ``log/``:
``checkpoint`` (signed), ``tile/…`` (tiles and entry bundles), ``vkey``, and ``commit`` (the Git commit the
checkpoint covers, and its size; unsigned bookkeeping that only lets the next publish read the new commits alone). The
publish workflow keeps it on the registry's ``log`` branch (fast-forward only), updates it here, pushes it
back and builds the site with ``credreg build --log DIR``. See docs/transparency-log-operators.md.

**Append-only, enforced.** The previous checkpoint must carry the registry's signature and match the tiles.
When its commit is still on the first-parent chain of ``HEAD``, only the commits after it are read; otherwise
(a rewritten history, or ``--full``) the whole history is derived again and the published entries must be its
prefix. Either way the new tree must pass an RFC 9162 consistency proof against the old signed root, or
nothing is written.

**The index.** The checkpoint also commits to the log's index (:mod:`generator.transparency.logindex`): each
status list's latest version and each key's retirements, recomputed here from every entry. A checkpoint of a
log published before that is signed again, at the same size, with the index line added.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import json
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from generator._internal.files import link_on_path, open_regular, write_bytes_atomic, write_staged, write_text_atomic
from generator.awarding.lock import held
from generator.errors import KeyFileError, UsageError
from generator.registry import Registry
from generator.tlog import merkle
from generator.tlog.note import Checkpoint, NoteSigner, Verifier, parse_vkey, sign_note
from generator.tlog.tiles import TILE_HEIGHT, TILE_WIDTH, TILES_DIR, TileSource, append
from generator.transparency.entries import (
    ENTRY_PREFIX,
    LEGACY_KINDS,
    LogEntry,
    derive_commits,
    derive_entries,
    ended_keys,
    first_parent_ancestor,
    head_commit,
    path_bytes,
)
from generator.transparency.log import LogError, LogSource, VerifiedLog, log_origin, open_log
from generator.transparency.logindex import (
    CLEARED,
    KEPT_FILE,
    KEY,
    KEY_RETIRED,
    LIST,
    LogIndex,
    commitment,
    read_kept,
    resume,
    write_kept,
)

__all__ = [
    "KEY_RETIRED",
    "PATHS_DIR",
    "PublishResult",
    "award_entry_text",
    "award_record",
    "complete_height",
    "copy_log",
    "endorsement_index_name",
    "key_method",
    "log_config",
    "path_file",
    "path_nodes",
    "publish_log",
    "status_index_name",
    "tile_paths",
]


@dataclass(frozen=True, slots=True)
class PublishResult:
    old_size: int
    size: int
    root: bytes
    files_written: int
    commit: str
    full: bool
    """Whether the whole history was derived again (first publish, rewritten history or ``--full``)."""
    reindexed: bool = False
    """Whether the checkpoint was signed again at the same size, to commit to the log's index (a log published
    by an older credreg, without the index line)."""


def log_config(
    registry: Registry,
    whose: str = "the log key registry/governance.yaml declares",
    hints: tuple[str, ...] = (),
) -> tuple[Verifier, str]:
    """The log's verifier key and origin, from ``registry/governance.yaml``; a key named for another log is
    refused in words about ``whose`` it is (``--log-key``'s, for a key a user gave)."""
    config = registry.governance.model.log
    if config is None:
        raise UsageError(
            "registry/governance.yaml has no log: section",
            ["make a log key with `credreg log keygen --out PATH` and add its vkey under log: vkey:"],
        )
    verifier = parse_vkey(config.vkey)
    origin = log_origin(registry.site_url)
    if verifier.name != origin:
        raise UsageError(
            f"{whose} is named {verifier.name!r}, and a log of this registry is named {origin!r}", list(hints)
        )
    return verifier, origin


def _first_difference(log: VerifiedLog, entries: list[LogEntry]) -> str:
    """Which published entry the history no longer has, in words."""
    for n in range(-(-log.size // TILE_WIDTH)):
        for offset, published in enumerate(log.bundle(n)):
            index = n * TILE_WIDTH + offset
            if index >= len(entries) or entries[index].encode() != published:
                now = entries[index].encode().decode().strip() if index < len(entries) else "nothing"
                return f"entry {index} was {published.decode('utf-8', 'replace').strip()!r}; the history now has {now}"
    return "the entries differ"


def _check_partial_bundle(log: VerifiedLog) -> None:
    """The last, partial entry bundle (which the next append extends) holds the entries its tile hashes."""
    last = log.size // TILE_WIDTH
    if log.size % TILE_WIDTH == 0:
        return
    entries = log.bundle(last)
    try:
        tile = log.tiles.tile(0, last)
    except ValueError as exc:
        raise LogError(f"{log.source}: {exc}") from None
    if [merkle.leaf_hash(e) for e in entries] != tile.levels[0]:
        raise LogError(f"{log.source}: entry bundle {last} does not hold the entries its tile hashes")


def _covered_commit(state: Path, size: int) -> str | None:
    """The commit the checkpoint covers, if ``commit`` was written for this very size (a publish interrupted
    between the checkpoint and this file leaves them apart: then the whole history is read again)."""
    try:
        # The state is a checkout of the log branch: a plain file only, read within a bound (open_regular, as
        # LogSource reads the log's own files). A FIFO here blocked the publish for ever, /dev/zero read on.
        with open_regular(state / "commit") as handle:
            commit, recorded = handle.read(256).decode().split()
    except (OSError, ValueError):
        return None
    return commit if recorded == str(size) else None


def _kept_index(state: Path, old: VerifiedLog) -> LogIndex:
    """The index of the published entries: the one kept in the state (not served: the next publish reads only the
    new entries) when the signed checkpoint commits to it, else recomputed from every entry (a first publish since
    the index was committed to, or a damaged state)."""
    index, start = resume(read_kept(state / KEPT_FILE), old.checkpoint)
    for number, raw in old.entries(0) if start == 0 else ():  # every published entry, proven against the root
        index.add_raw(number, raw)
    return index


def _before_coverage(root: Path, head: str, published: list[bytes]) -> list[LogEntry] | None:
    """The history's entries as a log an earlier credreg published holds them; None when the published entries
    are not that: the history no longer holds them.

    Each commit is read in the latest of its forms the published entries hold, never an earlier one than a commit
    before it was (:data:`_FORMS`): every entry, or without what later credregs logged (:data:`_LOGGED_LATER`: status
    lists' and endorsements' entries, the retirements of keys added already retired (:attr:`LogEntry.last`), the
    ``key-changed`` of a retirement taken back or a key file deleted, ``issuer-changed``, the ``key-changed`` of a
    retired public key's copies). The retirements a commit was published without are logged once (caught up), at
    the first publish since: where the published entries hold them next, or where they end.
    """
    entries: list[LogEntry] = []
    retired: set[str] = set()  # key paths with a retirement entry so far
    owed: list[LogEntry] = []  # retirements published without, not yet caught up
    floor = 0

    def add(new: list[LogEntry]) -> None:
        entries.extend(new)
        retired.update(e.path for e in new if e.kind in KEY_RETIRED)

    def catch_up() -> bool:
        due = [e for e in owed if e.path not in retired]
        at = len(entries)
        if due and (at >= len(published) or published[at : at + len(due)] == [e.encode() for e in due]):
            add(due)
            owed.clear()
            return True
        return False

    for _commit, commit_entries in derive_commits(root, head=head):
        if catch_up():
            floor = max(floor, _WITH_LAST)
        at = len(entries)
        if at >= len(published):  # the first publish since: every entry from here on
            add(commit_entries)
            continue
        forms = [form(commit_entries) for form in _FORMS]
        for era in range(len(forms) - 1, floor - 1, -1):
            logged = next(
                (o for o in _orders(forms[era]) if published[at : at + len(o)] == [e.encode() for e in o]), None
            )
            if logged is not None:
                break
        else:
            return None
        if era and forms[era] != forms[era - 1]:  # it holds what an earlier credreg did not log
            floor = era
        owed.extend(e for e in commit_entries if e.last and e not in forms[era])
        add(logged)
    catch_up()
    return entries


#: What each later credreg logged that the one before did not, in the order they came: a commit's form ``i`` (of
#: :data:`_FORMS`) leaves out every entry one of these from the ``i``-th on says, so the forms grow one at a time.
_LOGGED_LATER: tuple[Callable[[LogEntry], bool], ...] = (
    lambda e: e.kind not in LEGACY_KINDS,  # status lists' and endorsements'
    lambda e: e.last,  # the retirements of keys added already retired
    lambda e: e.taken_back,  # the key-changed of a retirement taken back or a key file deleted
    lambda e: e.did_moved,  # issuer-changed
    lambda e: e.revived,  # the key-changed of a retired public key added again in another key file
    lambda e: e.held,  # ... of a key file holding a public key already when another file retired it
    lambda e: e.outlasts,  # ... of such a copy outlasting the retirement once an end moved
)


def _orders(entries: list[LogEntry]) -> list[list[LogEntry]]:
    """A commit's entries in the order credreg logs them, and in the order an earlier credreg did: the alerts of
    copies held when a key was retired (:attr:`LogEntry.held`, :attr:`LogEntry.outlasts`) after every other entry
    but the retirements logged last, where they came after the commit's awards."""
    alerts = [e for e in entries if (e.held or e.outlasts) and not e.last]
    if not alerts:
        return [entries]
    rest = [e for e in entries if e not in alerts]
    cut = next((at for at, e in enumerate(rest) if e.last), len(rest))
    return [entries, rest[:cut] + alerts + rest[cut:]]


def _form(since: int, entries: list[LogEntry]) -> list[LogEntry]:
    """``entries`` without what a credreg logged only after the ``since``-th of :data:`_LOGGED_LATER`."""
    later = _LOGGED_LATER[since:]
    return [e for e in entries if not any(logged_later(e) for logged_later in later)]


#: A commit's entries as each earlier credreg logged them, the earliest first (the last: every entry).
_FORMS = tuple(functools.partial(_form, i) for i in range(len(_LOGGED_LATER) + 1))
#: The first form with the retirements of keys added already retired (what a catch-up logs).
_WITH_LAST = 2


def _keys_unretired(root: Path, head: str, index: LogIndex) -> bool:
    """Whether a key file at ``head`` has its end set and no retirement entry in the log (``index``): a log
    published before keys added already retired were retired, whose publish must catch them up."""
    return any(not index.keys.get(path) for path in ended_keys(root, head))


def publish_log(
    root: Path, registry: Registry, state: Path, signer: NoteSigner, *, full: bool = False, shallow_ok: bool = False
) -> PublishResult:
    """Bring the log in ``state`` up to ``HEAD``; refuses (writing nothing) unless it only grows, and refuses a
    shallow clone's history unless ``shallow_ok`` (:func:`generator.transparency.entries.derive_commits`)."""
    verifier, origin = log_config(registry)
    if signer.verifier != verifier:
        raise KeyFileError(
            "this key is not the registry's log key",
            [f"registry/governance.yaml log.vkey is {verifier.vkey}", f"the key file is {signer.verifier.vkey}"],
        )
    head_commit(root)  # before the state folder is made: a repository with no commit left an empty one behind
    # The outermost folder this run makes (the state, or a folder above it): what a failed first publish removes.
    made: Path | None = next(
        (p for p in reversed([state, *state.parents]) if not p.exists() and not p.is_symlink()), None
    )
    try:
        state.mkdir(parents=True)
    except FileExistsError:
        made = None
    try:
        # Read, extended and written with the state locked: two runs at once (two CI jobs, an add-cosignatures)
        # would each sign a checkpoint from the one they read, and the one written last, maybe the smaller, stood.
        with held(state, str(state), "log publish or log add-cosignatures"):
            return _publish_locked(root, state, signer, verifier, origin, full=full, shallow_ok=shallow_ok)
    except BaseException:
        if made is not None:  # a first publish that failed (a shallow clone, a full disk): no folder left behind
            shutil.rmtree(made, ignore_errors=True)
        raise


def _publish_locked(
    root: Path, state: Path, signer: NoteSigner, verifier: Verifier, origin: str, *, full: bool, shallow_ok: bool
) -> PublishResult:
    source = LogSource(state)
    head = head_commit(root)
    old: VerifiedLog | None = None
    if (state / "checkpoint").exists():
        old = open_log(source, verifier, origin=origin)
        old.check_tiles()
        _check_partial_bundle(old)
        if full:  # also every published tile and bundle, not only the right edge the append builds on
            old.audit()
    old_size = old.size if old else 0
    old_root = old.checkpoint.root if old else merkle.EMPTY_ROOT
    since = _covered_commit(state, old_size) if old else None
    incremental = old is not None and not full and since is not None and first_parent_ancestor(root, since, head)
    index = LogIndex()
    if incremental:
        assert old is not None
        index = _kept_index(state, old)
        new_entries = list(derive_entries(root, head=head, since=since, shallow_ok=shallow_ok))
        for number, entry in enumerate(new_entries, start=old_size):
            index.add(number, entry)
        # A log published before keys added already retired were retired: derived whole, they are caught up.
        incremental = not _keys_unretired(root, head, index)
    if not incremental:
        index = LogIndex()
        everything = list(derive_entries(root, head=head, shallow_ok=shallow_ok))
        if old is not None:
            prefix = merkle.MemoryTree([merkle.leaf_hash(e.encode()) for e in everything[:old_size]])
            if len(everything) < old_size or prefix.root() != old_root:
                # Maybe a log published by an earlier credreg: its commits as it logged them.
                everything = _before_coverage(root, head, [raw for _, raw in old.entries(0)]) or everything
                prefix = merkle.MemoryTree([merkle.leaf_hash(e.encode()) for e in everything[:old_size]])
            if len(everything) < old_size or prefix.root() != old_root:
                raise LogError(
                    "refusing to publish: the Git history no longer contains what the log already published "
                    "(a rewritten or force-pushed history)",
                    [_first_difference(old, everything), "restore the history; the log never drops an entry"],
                )
        new_entries = everything[old_size:]
        for number, entry in enumerate(everything):
            index.add(number, entry)
    try:
        update = append(source.tile, old_size, [e.encode() for e in new_entries])
        source.overlay.update(update.files)
        tiles = TileSource(source.tile, update.size)
        new_root = merkle.root_hash(tiles, update.size)
        proof = merkle.consistency_proof(tiles, old_size, update.size)
    except ValueError as exc:
        raise LogError(f"refusing to publish: the log state is damaged: {exc}") from None
    if not merkle.verify_consistency(old_size, update.size, old_root, new_root, proof):
        raise LogError(
            f"refusing to publish: the new tree of {update.size} is not consistent with the signed {old_size}"
        )
    for rel, data in update.files.items():
        path = state / rel
        # The state is a checkout of the log branch, anyone's who can push to it: a folder of it committed as a
        # symbolic link had the tiles written wherever it points.
        linked = link_on_path(state, rel) or (rel if path.is_symlink() else None)
        if linked is not None:
            raise LogError(
                f"refusing to publish: {linked} is a symbolic link in the log state {state}, and the log's files are "
                "never written through one (it could point anywhere); nothing was written",
                ["put the folder (or file) itself there: check out the log branch again"],
            )
        if path.exists() and (not path.is_file() or path.read_bytes() != data):
            raise LogError(f"refusing to publish: {rel} exists with other content (tiles are immutable)")
    line = index.commitment().line()
    reindexed = old is not None and update.size == old_size and commitment(old.checkpoint) != index.commitment()
    try:  # each file whole (never half of one); the checkpoint after the tiles it signs
        # Each synced before the checkpoint that signs it is written: unsynced, a crash after the checkpoint reached
        # the disk left it signing tiles the disk never got. A handful per publish; thousands only on the first.
        for rel, data in update.files.items():
            write_bytes_atomic(state / rel, data)
        write_text_atomic(state / "vkey", verifier.vkey + "\n")
        if update.size != old_size or old is None or reindexed:
            note = sign_note(Checkpoint(origin, update.size, new_root, (line,)).text(), signer)
            write_bytes_atomic(state / "checkpoint", note.encode())
        write_kept(state / KEPT_FILE, index, update.size, new_root)
        write_text_atomic(state / "commit", f"{head} {update.size}\n")
    except OSError as exc:  # a folder where a state file goes, a full disk: named, not a traceback
        where = exc.filename2 if exc.filename2 is not None else exc.filename
        raise LogError(f"cannot write the log state: {where}: {exc.strerror or exc}") from None
    return PublishResult(old_size, update.size, new_root, len(update.files), head, not incremental, reindexed)


def copy_log(
    registry: Registry, state: Path, dest: Path, *, demo: bool = False, tiles_dest: Path | None = None
) -> dict[str, dict[str, list[object]]]:
    """Serve the log's state under ``dest`` (the site's ``log/``), checking every file against the signed
    checkpoint as it is copied (:meth:`VerifiedLog.audit_files`, one pass); return each logged award's records
    (award hash → issuer → :func:`award_record` of its first entry in that issuer's name), which the build puts in
    the award's verification shard entry: the record in the name of the issuer whose folder holds it. An award
    pushed past the checks into another issuer's folder is logged in that issuer's name too, and a verifier counts
    only an entry in the name of the award's own issuer (:func:`generator.transparency.inclusion.logged_owner`).

    ``tiles_dest`` (the verification data folder's ``log/``, when the registry sets ``verification_data_url``):
    the tiles and entry bundles (``tile/…``, nearly all of the log's bytes) go there instead, with a copy of the
    checkpoint and the vkey, so that the data's ``log/`` is a whole C2SP log for witnesses and monitors. The rest
    stays on the site, whose word a verifier takes: the checkpoint it proves against (a data host cannot show it
    an older one), the policy (vkey, witnesses, quorum) and the keys' records (a data host could withhold a
    key's revocation, and no proof shows an absence). Tiles a data host withholds or alters make a proof fail,
    never pass.

    Only the files of the checkpoint's size are served (partial tiles of earlier sizes are not: a verifier falls
    back to the full tile's prefix). Beside the C2SP files, for verifiers (the verification page and
    ``credreg verify --log``), so that one verification reads a few small files and O(log n) tiles, never the
    entry bundles:

    * ``policy.json``: the log's vkey, the witnesses and the quorum (governance.yaml), and the *frontier* of the
      checkpoint's size (:func:`generator.tlog.merkle.frontier`), from which a proof takes every hash of the
      right edge instead of fetching partial tiles;
    * ``index/keys/<sha256 of the verification method>.json``: ``{"records": [...], "index": [position, base64
      proof]}``, the key's expiry and revocation records (none for a key without: every logged key has its file,
      so a verifier never fetches a 404 page), each ``[entry index, entry text, base64 path]``, the path being
      the entry's inclusion-proof hashes inside the largest complete aligned subtree holding it
      (:func:`generator.tlog.merkle.path_within`, :func:`complete_height`), which never change; and the proof
      of the key's line in the index tree the checkpoint commits to (:mod:`generator.transparency.logindex`),
      which names exactly those entries, so that a host can neither drop a record nor add one;
    * ``index/status/<sha256 of the list's repository path>.json``: the record of the latest logged version of
      a status list (its last ``status-list`` entry) and its index line's proof, in the same form, so that a
      verifier proves the list it judged a status by is that version
      (:func:`generator.transparency.inclusion.find_award`). One record however often the list changed: an
      older version fails as any unlogged one does, and the index proof keeps a host from naming one;
    * ``index/endorsements/<endorsement hash>.json``: the record of an endorsement's first ``endorsement``
      entry in each owner's name (one, unless it was committed in another owner's folder too), as a list of
      records (an endorsement has no verification shard to carry it, as an award's does): the log check of an
      endorsement finds its entry here, and one that is not logged has no file. No index line: a host could only
      name a later entry of it, which dates it later and never helps it pass, or leave out the one in its owner's
      name, which fails it.

    An award's record is not a file here: it travels in the shard entry the lookup fetches anyway, and the
    verifier fetches the tiles of its proof. Nothing a verifier reads is trusted: every record is checked by
    its inclusion proof against the signed checkpoint. The index is recomputed here from the entries and must be
    the one the checkpoint commits to, or nothing is served. On a LogError, ``dest`` is left half written: the build
    writes it in a staging folder.
    """
    verifier, origin = log_config(registry)
    config = registry.governance.model.log
    assert config is not None
    log = open_log(LogSource(state), verifier, origin=origin)
    awards: dict[str, dict[str, list[object]]] = {}
    texts: dict[int, str] = {}  # the entries the index names, by number
    index = LogIndex()
    endorsements: dict[str, dict[str, tuple[int, str]]] = {}
    announced: list[tuple[int, str]] = []  # the last witnesses-announced entry (handover.py), for the page

    def visit(number: int, raw: bytes) -> None:
        if raw.startswith(_AWARD):
            found = award_record(number, raw)
            if found is not None:  # the first in each issuer's name: it dates the publication
                issuer, digest, record = found
                awards.setdefault(digest, {}).setdefault(issuer, record)
        elif raw.startswith((_KEY, _STATUS_LIST, _CLEARED)):  # every logged key gets a file (no 404 page fetched)
            try:
                entry = LogEntry.parse(raw)
            except ValueError:
                return
            if index.add(number, entry) or entry.kind in (LIST, CLEARED):  # what an index line names
                texts[number] = raw.decode()
        elif raw.startswith(_ANNOUNCED):
            with contextlib.suppress(ValueError):
                LogEntry.parse(raw)
                announced[:] = [(number, raw.decode())]
        elif raw.startswith(_ENDORSEMENT):
            try:
                entry = LogEntry.parse(raw)
            except ValueError:
                return
            # The first in each owner's name: it dates the publication.
            endorsements.setdefault(entry.sha256, {}).setdefault(entry.issuer, (number, raw.decode()))

    def sink(rel: str, data: bytes) -> None:  # thousands of files into staging folders: plain writes
        tile = rel.startswith(f"{TILES_DIR}/")
        if tiles_dest is not None and (tile or rel in ("checkpoint", "vkey")):
            write_staged(tiles_dest / rel, data)
        if tiles_dest is None or not tile:
            write_staged(dest / rel, data)

    tiles = log.audit_files(visit, sink)
    committed = commitment(log.checkpoint)
    if committed is None:
        raise LogError(
            f"{state}/checkpoint does not commit to the log's index (a log published by an older credreg)",
            ["run `credreg log publish` once: it signs the checkpoint again with the index line"],
        )
    if committed != index.commitment():
        raise LogError(f"refusing to serve the log: {state}/checkpoint commits to an index that is not its entries'")
    sink("checkpoint", log.note.encode())  # the note as verified
    sink("vkey", (config.vkey + "\n").encode())

    def key_record(number: int, text: str) -> list[object]:
        path = merkle.path_within(tiles, number, complete_height(number, log.size))
        return [number, text, base64.b64encode(b"".join(path)).decode()]

    # Each key's and list's file: the entries of its index line, each with its proof in the log, and the line's
    # proof in the index tree the checkpoint commits to (logindex.py).
    for path, numbers in sorted(index.keys.items()):
        method = key_method(registry, path)
        if method is not None:
            name = hashlib.sha256(method.encode()).hexdigest()
            records = [key_record(n, texts[n]) for n in numbers]
            sink(f"index/keys/{name}.json", _compact({"records": records, "index": index.proof(KEY, path)}))
    # The latest version only, and the latest revocation taken back if any: O(1) however often a list changes.
    for path in index.list_paths():
        records = [key_record(number, texts[number]) for number in index.list_entries(path)]
        sink(
            f"index/status/{status_index_name(path)}.json",
            _compact({"records": records, "index": index.proof(LIST, path)}),
        )
    for rel, data in tile_paths(tiles, log.size):
        sink(rel, data)
    for digest, firsts in sorted(endorsements.items()):
        records = [key_record(*first) for first in sorted(firsts.values())]
        sink(f"index/endorsements/{endorsement_index_name(digest)}.json", _compact(records))
    policy: dict[str, object] = {
        "vkey": config.vkey,
        "witnesses": [{"name": w.name, "vkey": w.vkey} for w in config.witnesses],
        "quorum": config.quorum,
        # The right edge's complete subtrees, for this checkpoint's size: proofs need no partial tile.
        "frontier": {
            "size": log.size,
            "hashes": base64.b64encode(b"".join(merkle.frontier(tiles, log.size))).decode(),
        },
    }
    if announced:
        # The last hand-over announced, proven in the log: a returning visitor takes the witnesses it names up only
        # when the checkpoint it remembers (cosigned by the witnesses it remembers) holds it (tlog.js handoverProblem).
        policy["handover"] = key_record(*announced[0])
    if demo:  # a throwaway key's log (generator.transparency.demo): the page says so
        policy["demo"] = True
        # Its key, under a name that says whose it is: what `credreg verify --log-key` is given to check the demo
        # log (the registry declares no log key, and a key that comes with a log is never trusted unasked).
        sink(DEMO_VKEY_FILE, (config.vkey + "\n").encode())
    sink("policy.json", json.dumps(policy, indent=2).encode() + b"\n")
    return awards


#: The demo log's verifier key, beside it in the site's ``log/`` (``vkey`` is there too, as in every log).
DEMO_VKEY_FILE = "demo-vkey"

_AWARD = b"credreg-log/1 award "
_KEY = b"credreg-log/1 key-"
_STATUS_LIST = b"credreg-log/1 status-list "
_CLEARED = b"credreg-log/1 status-list-cleared "  # a revocation taken back: every reader is told (logindex.py)
_ENDORSEMENT = b"credreg-log/1 endorsement "
_ANNOUNCED = b"credreg-log/1 witnesses-announced "


def endorsement_index_name(digest: str) -> str:
    """The name of an endorsement's file under ``log/index/endorsements/``: its hash (64 lowercase hex digits; any
    other text, which names no logged endorsement, by its SHA-256, so that a name is never a path)."""
    return digest if re.fullmatch(r"[0-9a-f]{64}", digest) else hashlib.sha256(digest.encode()).hexdigest()


def status_index_name(path: str) -> str:
    """The name of a status list's file under ``log/index/status/``: SHA-256 of its repository path."""
    return hashlib.sha256(path_bytes(path)).hexdigest()


#: An award entry whose issuer needs no percent-encoding (a registry id), under its issuer's awards folder.
_AWARD_RE = re.compile(
    rb"credreg-log/1 award ([A-Za-z0-9][A-Za-z0-9._-]*) ([0-9a-f]{64}) registry/issuers/\1/awards/"
    rb"([A-Za-z0-9/._~%-]+(?:#[1-9][0-9]*)?)\n"
)


def award_record(number: int, raw: bytes) -> tuple[str, str, list[object]] | None:
    """(issuer, award hash, record) of an award entry: the record is what a verifier needs besides the award's hash
    and issuer (which the shard entry holding the record gives) to rebuild the entry's text, which it then proves
    in the log.

    The record is ``[entry index, where]``: ``where`` is the entry's path (as the entry spells it, with its
    ``#line``) after ``registry/issuers/<issuer>/awards/``, and for a single award file at the default
    ``<folder>/<first two hex digits>/<award hash>.json`` just ``<folder>/``. An entry that does not fit (an
    issuer id that is percent-encoded in it) keeps its whole text as ``where``. :func:`award_entry_text` is the
    inverse; tlog.js has the same rule. None for what is not an award entry."""
    try:
        entry = LogEntry.parse(raw)
    except ValueError:
        return None
    if entry.kind != "award":
        return None
    m = _AWARD_RE.fullmatch(raw)
    if m is None:
        return entry.issuer, entry.sha256, [number, raw.decode()]
    digest, where = entry.sha256, m.group(3).decode()
    default = f"/{digest[:2]}/{digest}.json"
    if where.endswith(default):
        where = where[: -len(default) + 1]
    return entry.issuer, digest, [number, where]


def award_entry_text(issuer: str, digest: str, where: str) -> str:
    """The text of an award's log entry, from its hash, its issuer and its record's ``where``."""
    if where.startswith(ENTRY_PREFIX + " "):
        return where
    path = f"{where}{digest[:2]}/{digest}.json" if where.endswith("/") else where
    return f"{ENTRY_PREFIX} award {issuer} {digest} registry/issuers/{issuer}/awards/{path}\n"


def _compact(value: object) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode() + b"\n"


def _utf8(text: str) -> bool:
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def key_method(registry: Registry, path: str) -> str | None:
    """``keys/<owner>/<key id>.json`` → the verification method ``<owner DID>#<key id>``, for an issuer's or an
    endorser's key (None if unknown, or if the name is not UTF-8: no verifier can ask for the method it spells)."""
    parts = path.split("/")
    if len(parts) != 3 or parts[0] != "keys" or not parts[2].endswith(".json") or not _utf8(path):
        return None
    if parts[1] in registry.issuers:
        did = registry.issuer_did(parts[1])
    elif parts[1] in registry.endorsers:
        did = registry.endorser_did(parts[1])
    else:
        return None
    return f"{did}#{parts[2].removesuffix('.json')}"


#: Beside the index files: for each level-0 tile inside a complete 65,536-entry block, ``<PATHS_DIR>/<tile number>``
#: holds the hashes its entries' inclusion proofs share at heights 8 to 15 (256 bytes), which a verifier otherwise
#: reads from that block's level-1 tile (8 KiB). They never change once the block is complete.
PATHS_DIR = "index/paths"
_PATH_FROM, _PATH_TO = TILE_HEIGHT, 2 * TILE_HEIGHT


def path_nodes(tile: int) -> list[tuple[int, int]]:
    """The nodes (height, index) whose hashes the path file of level-0 tile ``tile`` holds, in order: the siblings
    at heights 8 to 15 of the height-8 node that tile hashes to (tlog.js ``pathFile`` has the same rule)."""
    return [(height, (tile >> (height - _PATH_FROM)) ^ 1) for height in range(_PATH_FROM, _PATH_TO)]


def path_file(index: int, size: int) -> tuple[str, list[tuple[int, int]]] | None:
    """The path file of entry ``index`` in a tree of ``size`` and the nodes it holds; None when its block is not
    complete (then there is none: the level-1 tile is partial, and read)."""
    if not 0 <= index < size or ((index >> _PATH_TO) + 1) << _PATH_TO > size:
        return None
    tile = index >> TILE_HEIGHT
    return f"{PATHS_DIR}/{tile}", path_nodes(tile)


def tile_paths(tiles: merkle.HashSource, size: int) -> Iterator[tuple[str, bytes]]:
    """(file, hashes) of every path file of a tree of ``size``: one per level-0 tile in a complete block."""
    for tile in range((size >> _PATH_TO) << TILE_HEIGHT):
        yield f"{PATHS_DIR}/{tile}", b"".join(tiles.node(h, i) for h, i in path_nodes(tile))


def complete_height(index: int, size: int) -> int:
    """The height of the largest complete aligned subtree holding ``index`` in a tree of ``size``: the part of the
    entry's inclusion proof that never changes. What is above it is made of the frontier's hashes (policy.json)
    and of complete subtrees to its left, so a recent entry's proof needs no partial tile."""
    height = 0
    while (((index >> (height + 1)) + 1) << (height + 1)) <= size:
        height += 1
    return height
