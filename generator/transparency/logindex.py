"""The log's index, committed to by its checkpoint: each status list's latest version and each key's retirements.

A proof of inclusion shows what *is* in a log, never what is not. Two answers a verifier needs are of the second
kind: "this is the *latest* version of the status list" (no later ``status-list`` entry for its path) and "this
key was not retired before" (no ``key-expiry-set`` / ``key-revoked`` entry for it, or only these). Read from a
site's files alone they were the host's word: a host could name an older, genuinely logged version of a list as
the latest, or serve an empty list of a key's retirements.

So the publisher commits to them. The **index** is one line of text per logged key file and per logged status
list, each a function of the log's entries alone::

    credreg-index/1 key <sha256 hex of the key file's path>[ <entry>...]
    credreg-index/1 status-list <sha256 hex of the list's path> <entry>[ <entry>]

(the entries retiring the key, ascending: its ``key-expiry-set`` / ``key-revoked`` entries and the alerts
:func:`retires` counts, a retired public key's copy among them; the list's last ``status-list`` entry and,
when it has one, its last ``status-list-cleared`` entry, ascending). The second is what makes a list *put back*
(an older version, from before a revocation, committed again: the log's latest version, byte for byte the file
served) visible to every reader, not only to its owner's monitor: no one may take a revocation back unseen. The
lines, sorted bytewise, are the leaves of an RFC 9162 Merkle tree, and the checkpoint carries its size and root
as an extension line (C2SP tlog-checkpoint)::

    credreg-index/1 <number of lines> <base64 root>

The registry's log key signs it with the rest of the checkpoint, and witnesses cosign those bytes. A verifier
takes a key's or a list's line from the site's ``log/index/…`` file with its proof in the index tree, proves
each entry the line names in the log, and accepts nothing else. Anyone who reads the whole log (a witness, an
issuer's monitor, the build) recomputes the index from the entries and compares (:func:`index_problem`): a
publisher that committed to a false index is caught there.

Pure functions over entries and hashes; the only I/O is the bookkeeping file a reader keeps the index in
between runs (:func:`read_kept`, :func:`write_kept`), which nobody signs and :func:`resume` trusts only through
the checkpoint's commitment.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from generator._internal.files import open_regular, write_text_atomic
from generator.tlog import merkle
from generator.tlog.note import Checkpoint
from generator.transparency.entries import LogEntry, path_bytes

__all__ = [
    "CLEARED",
    "INDEX_PREFIX",
    "KEY_CHANGED",
    "KEY_LINE_KINDS",
    "KEY_RETIRED",
    "IndexCommitment",
    "LogIndex",
    "commitment",
    "commitment_problem",
    "decode_hashes",
    "index_leaf",
    "index_problem",
    "json_integer",
    "read_kept",
    "resume",
    "retires",
    "verify_index_proof",
    "write_kept",
]

#: The first word of every index line and of the checkpoint's extension line.
INDEX_PREFIX = "credreg-index/1"

#: Key entries after which an award signed by that key is not accepted (the log dates the award).
KEY_RETIRED = ("key-expiry-set", "key-revoked")
#: The alert an index line names too, when it repeats the hash its file's last entry logged (:func:`retires`).
KEY_CHANGED = "key-changed"
#: The kinds of the entries a key's index line may name.
KEY_LINE_KINDS = (*KEY_RETIRED, KEY_CHANGED)

#: The entry kinds the index has a line for.
KEY, LIST = "key", "status-list"
#: A status list's entry that says a bit set before was cleared (a revocation taken back): named on its line too.
CLEARED = "status-list-cleared"


#: The largest integer a JSON number is read as exactly on the page (``Number.MAX_SAFE_INTEGER``).
_MAX_SAFE = 2**53 - 1


def json_integer(value: object) -> int | None:
    """A number read from a site's JSON file as the page reads it (tlog.js: ``Number.isSafeInteger`` after
    ``JSON.parse``, where ``3``, ``3.0`` and ``3e0`` are one value and ``true`` is none); None when it is not one.
    The one rule for every entry index and proof position a verifier takes from a site, so that Python and the
    page accept the same files."""
    if type(value) is float and value.is_integer():
        value = int(value)
    return value if type(value) is int and -_MAX_SAFE <= value <= _MAX_SAFE else None


def decode_hashes(text: str) -> list[bytes] | None:
    """Hashes a site's file gives as one base64 string (a proof, a record's path, the frontier): None when it is
    not base64 of whole 32-byte hashes (tlog.js ``hashesOf`` reads them alike)."""
    try:
        raw = base64.b64decode(text, validate=True)
    except (ValueError, binascii.Error):
        return None
    if len(raw) % merkle.HASH_SIZE:
        return None
    return [raw[i : i + merkle.HASH_SIZE] for i in range(0, len(raw), merkle.HASH_SIZE)]


def _encodable(path: object) -> bool:
    """A path a line can name: one an entry can hold (JSON strings may hold other lone surrogates than a path that
    is not UTF-8 is read with, which have no bytes and so no hash)."""
    try:
        path_bytes(str(path))
    except UnicodeEncodeError:
        return False
    return True


def retires(entry: LogEntry, last_sha: str | None) -> bool:
    """Whether a key file's entry retires it, given the hash its file's previous key entry logged.

    ``key-expiry-set`` and ``key-revoked`` do. So does a ``key-changed`` logged for a file whose bytes it did not
    change (the hash its previous entry logged): that is an alert written beside the file's own entries, or in a
    commit that left the file alone: a copy of a public key another file retired (brought back, held when it was
    retired, or outlasting its retirement: :attr:`LogEntry.revived`, ``held``, ``outlasts``), or an end taken back
    (after its ``key-expiry-set`` / ``key-revoked``). Each is a change the pull-request check refuses; logged
    under the copy's own path, it makes what that file signs afterwards fail the log's check, where the log's
    retirements otherwise follow the path that retired the key. A ``key-changed`` that is the file's own change
    (a new hash: reformatted, which the check accepts; or deleted, start moved, fields edited) retires nothing:
    deleted, the file signs nothing; its retirements stay on its line."""
    return entry.kind in KEY_RETIRED or (entry.kind == KEY_CHANGED and entry.sha256 == last_sha)


def _name(path: str) -> str:
    return hashlib.sha256(path_bytes(path)).hexdigest()


def index_leaf(kind: str, path: str, entries: Iterable[int]) -> bytes:
    """The index line of a key file (``kind="key"``, its retirement entries) or a status list (its latest
    entry, and its latest cleared entry if any: :meth:`LogIndex.list_entries`), by repository path."""
    numbers = "".join(f" {n}" for n in entries)
    return f"{INDEX_PREFIX} {kind} {_name(path)}{numbers}\n".encode()


@dataclass(frozen=True, slots=True)
class IndexCommitment:
    """The index a checkpoint commits to: its number of lines and the root of their tree."""

    size: int
    root: bytes

    def line(self) -> str:
        return f"{INDEX_PREFIX} {self.size} {base64.b64encode(self.root).decode()}"


def commitment(checkpoint: Checkpoint) -> IndexCommitment | None:
    """The index commitment among a checkpoint's extension lines; None when it has none (a log published before
    the index was committed to) or more than one, or one that is malformed: then nothing is proven by it."""
    found = [line for line in checkpoint.extensions if line.startswith(f"{INDEX_PREFIX} ")]
    match = _COMMITMENT.fullmatch(found[0]) if len(found) == 1 else None
    if match is None:
        return None
    root = base64.b64decode(match[2])
    if base64.b64encode(root).decode() != match[2]:  # one spelling of a root: the bits after it are zero
        return None
    size = json_integer(int(match[1]))  # a size the page holds exactly (2**53 - 1 at most)
    return IndexCommitment(size, root) if size is not None else None


#: A hash an entry logs (entries.py writes SHA-256 in lowercase hex).
_SHA256 = re.compile(r"[0-9a-f]{64}")

#: The extension line (tlog.js has the same expression): a size without leading zeroes, a 32-byte root.
_COMMITMENT = re.compile(r"credreg-index/1 (0|[1-9][0-9]{0,15}) ([A-Za-z0-9+/]{43}=)")


@dataclass
class LogIndex:
    """The index of a log, built entry by entry (in log order)."""

    keys: dict[str, list[int]] = field(default_factory=dict)
    """Key file path → the entries retiring it (every key file with an entry has a line, maybe without one)."""
    lists: dict[str, int] = field(default_factory=dict)
    """Status list path → its latest ``status-list`` entry."""
    cleared: dict[str, int] = field(default_factory=dict)
    """Status list path → its latest ``status-list-cleared`` entry (a revocation taken back), if any."""
    shas: dict[str, str] = field(default_factory=dict)
    """Key file path → the hash its latest key entry logged (:func:`retires`)."""
    _tree: tuple[list[bytes], merkle.MemoryTree] | None = field(default=None, repr=False)

    def add(self, number: int, entry: LogEntry) -> bool:
        """Index entry ``number``; whether it retires its key file (its line names it)."""
        retired = False
        if entry.kind.startswith("key-"):
            retirements = self.keys.setdefault(entry.path, [])
            retired = retires(entry, self.shas.get(entry.path))
            if retired:
                retirements.append(number)
            self.shas[entry.path] = entry.sha256
        elif entry.kind == LIST:
            self.lists[entry.path] = number
        elif entry.kind == CLEARED:
            self.cleared[entry.path] = number
        else:
            return False
        self._tree = None
        return retired

    def to_json(self) -> dict[str, object]:
        """What a publisher or a witness keeps between runs (:meth:`from_json`), so that the next run reads only
        the new entries; it is trusted only when its commitment is the one its last signed checkpoint carries."""
        return {"keys": self.keys, "lists": self.lists, "cleared": self.cleared, "shas": self.shas}

    @classmethod
    def from_json(cls, data: object) -> LogIndex | None:
        """The index :meth:`to_json` wrote; None when ``data`` is not one."""
        # One kept before the cleared entries (or the key files' hashes) were indexed lacks them: not this index,
        # every entry read again.
        if not isinstance(data, dict) or set(data) != {"keys", "lists", "cleared", "shas"}:
            return None
        keys, lists, cleared, shas = data["keys"], data["lists"], data["cleared"], data["shas"]
        if not (
            isinstance(keys, dict)
            and isinstance(lists, dict)
            and isinstance(cleared, dict)
            and isinstance(shas, dict)
            # Every key line has its file's last hash (:meth:`add` sets both): the hashes are in no commitment, so
            # one missing or malformed would make a later alert that repeats it no retirement (:func:`retires`).
            and set(shas) == set(keys)
            and all(isinstance(v, str) and _SHA256.fullmatch(v) for v in shas.values())
            and all(isinstance(v, list) and all(type(n) is int for n in v) for v in keys.values())
            and all(type(n) is int for n in [*lists.values(), *cleared.values()])
            and all(_encodable(path) for path in [*keys, *lists, *cleared])
        ):
            return None
        return cls(
            keys={str(k): list(v) for k, v in keys.items()},
            lists={str(k): n for k, n in lists.items()},
            cleared={str(k): n for k, n in cleared.items()},
            shas={str(k): v for k, v in shas.items()},
        )

    def list_entries(self, path: str) -> list[int]:
        """The entries a status list's line names: its latest ``status-list`` entry and its latest
        ``status-list-cleared`` one, if any, ascending (the order of their records in its site file)."""
        return sorted(n for n in (self.lists.get(path), self.cleared.get(path)) if n is not None)

    def list_paths(self) -> list[str]:
        """Every status list with a line (a version logged, or a revocation taken back), sorted."""
        return sorted(self.lists.keys() | self.cleared.keys())

    def add_raw(self, number: int, raw: bytes) -> None:
        """An entry as logged; one that is not a credreg entry has no line."""
        try:
            entry = LogEntry.parse(raw)
        except ValueError:
            return
        self.add(number, entry)

    def _leaves(self) -> tuple[list[bytes], merkle.MemoryTree]:
        if self._tree is None:
            leaves = sorted(
                [index_leaf(KEY, path, numbers) for path, numbers in self.keys.items()]
                + [index_leaf(LIST, path, self.list_entries(path)) for path in self.list_paths()]
            )
            self._tree = leaves, merkle.MemoryTree([merkle.leaf_hash(leaf) for leaf in leaves])
        return self._tree

    def commitment(self) -> IndexCommitment:
        leaves, tree = self._leaves()
        return IndexCommitment(len(leaves), tree.root())

    def proof(self, kind: str, path: str) -> list[object]:
        """``[position, base64 proof]`` of the line of a key file or a status list in the index tree (what a
        site's ``log/index/…`` file carries beside the entries' records)."""
        leaves, tree = self._leaves()
        numbers = self.keys[path] if kind == KEY else self.list_entries(path)
        leaf = index_leaf(kind, path, numbers)
        position = _position(leaves, leaf)
        hashes = merkle.inclusion_proof(tree, position, len(leaves))
        return [position, base64.b64encode(b"".join(hashes)).decode()]


#: The file a publisher's or a witness's state keeps the index in (a monitor: ``<saved checkpoint>.index.json``).
KEPT_FILE = "index.json"


def read_kept(path: Path) -> object:
    """The index kept at ``path`` as parsed JSON (None when there is none or it does not parse: read it all)."""
    try:
        # A plain file only (open_regular): a publisher's state is a checkout of the log branch, anyone's who can
        # push to it, and a FIFO here blocked the publish for ever, a link to /dev/zero read until memory ran out.
        with open_regular(path) as handle:
            return json.loads(handle.read())
    except (OSError, ValueError, RecursionError):  # a deep nesting is no kept index either, not a traceback
        return None


def write_kept(path: Path, index: LogIndex, size: int, root: bytes) -> None:
    """Keep ``index`` as the index of the tree of ``size`` entries and ``root`` (the checkpoint just signed,
    cosigned or saved, whose commitment was found to be ``index``'s)."""
    kept = {"size": size, "root": base64.b64encode(root).decode(), **index.to_json()}
    write_text_atomic(path, json.dumps(kept, separators=(",", ":")) + "\n")


def resume(kept: object, previous: Checkpoint | None) -> tuple[LogIndex, int]:
    """Where a reader that keeps the index between runs (the publisher, a witness, an issuer's monitor) picks up:
    ``kept`` (what :func:`write_kept` wrote, as parsed JSON) and the entry after ``previous`` (the checkpoint it
    last signed, cosigned or saved) when it is the index kept for that very tree and that checkpoint commits to
    it; else an empty index and entry 0, every entry to read again. A kept index is bookkeeping nobody signed:
    only the checkpoint's commitment vouches, and only for its own tree: a checkpoint that repeats an older
    commitment over more entries (a false index: a monitor saves it, with no index) matches an older kept index's
    commitment, which is not the index of its entries."""
    if previous is None or not isinstance(kept, dict):
        return LogIndex(), 0
    rest = dict(kept)
    size, root = rest.pop("size", None), rest.pop("root", None)
    if type(size) is not int or size != previous.size or root != base64.b64encode(previous.root).decode():
        return LogIndex(), 0
    index = LogIndex.from_json(rest)
    if index is not None and commitment(previous) == index.commitment():
        return index, previous.size
    return LogIndex(), 0


def _position(leaves: list[bytes], leaf: bytes) -> int:
    at = bisect_left(leaves, leaf)
    assert leaves[at] == leaf
    return at


def verify_index_proof(given: IndexCommitment, leaf: bytes, proof: object) -> bool:
    """Whether ``proof`` (``[position, base64 hashes]``, as :meth:`LogIndex.proof` makes it) shows ``leaf`` in
    the index tree ``given`` commits to."""
    if not (isinstance(proof, list) and len(proof) == 2 and isinstance(proof[1], str)):
        return False
    position, hashes = json_integer(proof[0]), decode_hashes(proof[1])
    if position is None or hashes is None or not 0 <= position < given.size:
        return False
    return merkle.verify_inclusion(merkle.leaf_hash(leaf), position, given.size, hashes, given.root)


def index_problem(checkpoint: Checkpoint, entries: Iterable[tuple[int, bytes]]) -> str | None:
    """What is wrong with the index ``checkpoint`` commits to, recomputed from every entry of the log (in
    order, from 0); None when it is the index of those entries."""
    index = LogIndex()
    for number, raw in entries:
        index.add_raw(number, raw)
    return commitment_problem(checkpoint, index)


def commitment_problem(checkpoint: Checkpoint, index: LogIndex) -> str | None:
    """What is wrong with the index ``checkpoint`` commits to, given the index of all its log's entries."""
    given = commitment(checkpoint)
    if given is None:
        return "the checkpoint does not commit to the log's index (no well-formed credreg-index/1 line)"
    computed = index.commitment()
    if computed != given:
        return (
            f"the checkpoint commits to an index of {given.size} lines that is not the log's: its entries give "
            f"{computed.size} lines, root {base64.b64encode(computed.root).decode()}"
        )
    return None
