"""The signer's own record of what it signed, for ``credreg log monitor --record``.

Every command that signs or makes something in an owner's name appends a line per thing to a file the signer keeps
outside the repository (by default beside the private key: ``<owner>.signed.txt``)::

    <sha256> <kind> <path in the registry>[#line] <signed at, UTC>

``credreg award`` records its awards and the status lists it starts, ``credreg endorse`` its endorsement (and the
endorser's list it starts), ``credreg revoke`` the line it appends to ``revocations.jsonl`` and the status list it
re-signs, and ``credreg keygen`` the public key file it adds: each with the SHA-256 the public log gives its entry
(:data:`RECORDED_KINDS`). A record starts with a line saying which kinds it holds (:data:`HEADER`); one written
before status lists, revocations and keys were recorded has none, and holds awards and endorsements only
(:data:`FIRST_KINDS`): the monitor holds each record to what it covers.

The public log lists every award and endorsement published in an owner's name. Read against this record, one the
owner never signed (a key that leaked, a push past the pull-request check) is an alert, not one line among the
day's many. The record is written before the registry files, so that a run cut short leaves at most a line for
an award never published (harmless), never a published award missing from it (a false alert).

Nothing in it is secret (every hash is public once published), but it is the owner's word about itself: it
belongs with the key, not in the registry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from generator import layout
from generator._internal.files import append_lines, unwritable_folder
from generator.errors import UsageError

__all__ = [
    "FIRST_KINDS",
    "HEADER",
    "RECORDED_KINDS",
    "RECORD_SUFFIX",
    "SignedEntry",
    "SignedRecord",
    "default_record",
    "file_entry",
    "read_records",
    "record_signed",
    "recorded_lines",
    "usable_record",
]

#: The record's file name beside the key: ``<owner>.signed.txt``.
RECORD_SUFFIX = ".signed.txt"
#: Records are small (a line per award); one larger than this is not one.
MAX_RECORD_BYTES = 1 << 30
_LINE = re.compile(r"([0-9a-f]{64})(?:[ \t].*)?")
#: A line as :meth:`SignedEntry.line` writes it, ending in when it was signed (fixed width: strings sort as times).
_DATED = re.compile(r"[0-9a-f]{64}[ \t].*[ \t]([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z)")
#: The log's entry kinds a record holds every one of (what credreg's own commands make in the owner's name).
RECORDED_KINDS = ("award", "endorsement", "revocation", "status-list", "key-added")
#: What a record without :data:`HEADER` holds: one written before the rest were recorded.
FIRST_KINDS = frozenset({"award", "endorsement"})
#: A record's first line: which kinds it holds.
HEADER = "# credreg record of what was signed; it holds every: " + " ".join(RECORDED_KINDS)
_HEADER = re.compile(r"# credreg record of what was signed; it holds every: ([a-z -]+)")


@dataclass(frozen=True, slots=True)
class SignedEntry:
    """One line of the record: what was signed, and where it went."""

    sha256: str
    kind: str
    """One of :data:`RECORDED_KINDS` (the log's entry kinds)."""
    where: str
    """The file in the registry (``#line`` for a batch's line)."""

    def line(self, at: dt.datetime) -> str:
        return f"{self.sha256} {self.kind} {self.where} {at.astimezone(dt.UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}"


def file_entry(kind: str, root: Path, path: Path, data: bytes, line: int | None = None) -> SignedEntry:
    """The record's line for ``data`` about to be written at ``path`` (``line``: of a JSON Lines file): the SHA-256
    of its bytes, as the log hashes a status list, a revocation line and a key file."""
    where = layout.relpath(root, path) + (f"#{line}" if line is not None else "")
    return SignedEntry(hashlib.sha256(data).hexdigest(), kind, where)


@dataclass(frozen=True, slots=True)
class SignedRecord:
    """What the owner's records say it signed."""

    hashes: frozenset[str]
    kinds: frozenset[str]
    """The entry kinds every record given holds (a record a command did not write for a kind says nothing of it)."""
    signed: Mapping[str, tuple[str, int, int]] = field(default_factory=dict, compare=False)
    """Hash → when it was first signed (``YYYY-MM-DDTHH:MM:SSZ``, UTC), and the record and line number saying so,
    for the lines that give a time: which of two versions of a status list the owner signed first."""

    def signed_before(self, first: str, then: str) -> bool:
        """Whether the records show ``first`` signed before ``then``: dated earlier or, dated the same second (two
        ``credreg revoke`` runs of a script), on an earlier line of the same record, which is appended to as things
        are signed. Not when either is undated, or both are of one second in two records."""
        if first not in self.signed or then not in self.signed:
            return False
        (at, record, line), (other, other_record, other_line) = self.signed[first], self.signed[then]
        return at < other or (at == other and record == other_record and line < other_line)

    def holds(self, kind: str, sha256: str) -> bool | None:
        """Whether the records hold ``sha256``; ``None`` when they do not cover ``kind``."""
        return sha256 in self.hashes if kind in self.kinds else None


def default_record(key_path: Path, owner: str) -> Path:
    """Where the record of what ``owner`` signs with the key at ``key_path`` is kept unless told: beside the key."""
    return key_path.parent / f"{owner}{RECORD_SUFFIX}"


def usable_record(path: Path, root: Path) -> Path:
    """``path``, when a record can be appended there (asked before anything is signed); UsageError if not."""
    path = path.expanduser()
    if layout.checkout_holding(path, root) is not None:
        raise UsageError(
            f"--record {path}: it is inside the registry; keep the record of what you sign with your key",
            ["choose a path outside the repository (default: beside the private key)"],
        )
    if path.exists() and not path.is_file():
        raise UsageError(f"--record {path}: not a file")
    why = unwritable_folder(path) if not path.exists() else None if os.access(path, os.W_OK) else "not writable"
    if why is not None:
        raise UsageError(f"cannot write the record of what you sign, {path}: {why}", ["give --record FILE"])
    return path


def record_signed(path: Path, entries: Iterable[SignedEntry], at: dt.datetime) -> None:
    """Append ``entries`` to the record at ``path`` (durably, before the registry files are written); a new record
    starts with :data:`HEADER`."""
    lines = [entry.line(at) for entry in entries]
    if not lines:
        return
    try:
        new = path.stat().st_size == 0
    except FileNotFoundError:
        new = True
    append_lines(path, [HEADER, *lines] if new else lines)


def read_records(paths: Iterable[Path]) -> SignedRecord:
    """The hashes the records at ``paths`` name, and the kinds all of them hold; UsageError naming the file and
    line of anything else."""
    hashes: set[str] = set()
    signed: dict[str, tuple[str, int, int]] = {}
    kinds = frozenset(RECORDED_KINDS)
    for record, path in enumerate(paths):
        text = _record_text(path)
        header = _HEADER.fullmatch(text.split("\n", 1)[0].strip())
        kinds &= frozenset(header[1].split()) if header is not None else FIRST_KINDS
        for number, line in enumerate(text.split("\n"), 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            match = _LINE.fullmatch(line)
            if match is None:
                raise UsageError(
                    f"--record {path}:{number}: not a line of a record of what was signed",
                    ["each line starts with the SHA-256 of what was signed (64 lowercase hex digits)"],
                )
            hashes.add(match[1])
            dated = _DATED.fullmatch(line)
            if dated is not None and (match[1] not in signed or dated[1] < signed[match[1]][0]):
                signed[match[1]] = (dated[1], record, number)
    return SignedRecord(frozenset(hashes), kinds, signed)


def _record_text(path: Path) -> str:
    """The text of the record at ``path`` (the owner's own file: a link to it is followed), within its bounds."""
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_RECORD_BYTES + 1)
    except OSError as exc:
        raise UsageError(f"--record {path}: cannot read it: {exc.strerror}") from None
    if len(data) > MAX_RECORD_BYTES:
        raise UsageError(f"--record {path}: larger than any record of what was signed can be")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"--record {path}: not a record of what was signed (not UTF-8 text)") from None


def recorded_lines(path: Path | None, kind: str, where: str) -> list[tuple[str, str]]:
    """(SHA-256, signed at) of each line of the record at ``path`` for a ``kind`` written to ``where``, as
    :meth:`SignedEntry.line` writes them, in the order signed; none when there is no record (yet). A file that is no
    record is a UsageError, as for :func:`read_records`."""
    if path is None or not path.is_file():
        return []
    read_records([path])  # every line a record's: UsageError naming the one that is not
    found = []
    for line in _record_text(path).splitlines():
        parts = line.split()
        if len(parts) >= 4 and parts[1] == kind and parts[2] == where:
            found.append((parts[0], parts[3]))
    return found
