"""What the transparency log records, and in which order: derived from the registry's Git history.

One entry per published record, as one line of UTF-8 text::

    credreg-log/1 <kind> <issuer> <sha256> <path>[#<line>]

* ``award`` — an award file, or one line of an award batch; ``sha256`` is the award hash (SHA-256 of its JCS
  form, the value shown everywhere), or of the raw bytes when they are not a JSON object within the bounds
  every award reader applies, read strictly (a key written twice has no award hash: some readers keep its
  first value, others its last; :func:`generator.awards.award_text_hash`).
* ``revocation`` — one line appended to ``revocations.jsonl``; SHA-256 of the line's bytes.
* ``revocation-removed`` — a line ``revocations.jsonl`` held that a commit removes or rewrites (or the file
  deleted): SHA-256 of the line's bytes, at its line number before the commit. The pull-request check refuses
  it, so it is logged only when someone with push access takes a revocation back: the issuer's monitor shows it.
* ``key-added``, ``key-expiry-set``, ``key-revoked`` (``key-changed`` for any other edit, too, and for an end
  already set that is removed or moved: a retirement taken back) — a key file added or given ``valid_until`` /
  ``revoked_at``; SHA-256 of the file. A key *added* with its end already set (or put
  in place of a file that did not read as a key) is retired too: its ``key-expiry-set`` / ``key-revoked`` entry
  comes last in its commit, so that the awards added with it (an issuer bringing its older awards, say) count
  and nothing added later does. Without it, a backdated award signed with such a key would count whenever it was
  added, for no entry would ever have retired the key.
  A key file that brings a public key (compared as its bytes) retired earlier, or in the same commit, by another
  key file (another key id, another issuer's folder) is ``key-changed`` too, after its own
  entries, once in the name of each issuer that retired it: verifiers take a key's end by its file, so the copy
  (without that end, or with a later one) makes what the key signed after its retirement count again, and only
  that issuer's monitor knows the key was retired. The pull-request check refuses a public key registered twice.
  A key file that held the public key already (a copy made while it was valid) is that ``key-changed`` too, in the
  commit that retires it, unless its own end comes no later than the retirement's: it has no end, and the key's
  later signatures count through it. One cut off then is that ``key-changed`` where either end moves so that the
  copy's outlasts the retirement (the retirement taken earlier, the copy's end removed or put later), once until
  it is cut off again.
* ``credential`` — a credential definition added or changed (one entry per version); SHA-256 of the file.
* ``status-list`` — a Bitstring Status List credential (an issuer's or an endorser's ``status/<n>.json``) added
  or changed (one entry per version); SHA-256 of the file's bytes, as served: a verifier hashes the list it
  judged a status by and proves that hash is the log's latest entry for the list's path.
* ``status-list-cleared`` — a status list a commit rewrites so that a bit set before is clear (or that no
  reader reads any more: it no longer decodes, is no well-formed revocation list, or has a ``validUntil``, which
  ends it; or is deleted, while it had a bit set): SHA-256 of the list *before* the commit. A set bit is
  a revocation, so this is a revocation taken back (an older signed list put back in the repository, say): the
  issuer's monitor shows it as an alert, as it does ``revocation-removed``. A list that did not decode before
  had no bit any verifier honoured, and adds nothing. It precedes the ``status-list`` entry of the new version.
* ``endorsement`` — an endorsement file added or changed (an issuer's or an endorser's
  ``endorsements/<hash>.json``); the endorsement hash, computed as an award's (SHA-256 of its JCS form: the
  file's name, the value ``credreg verify`` and the site show), or of the raw bytes when they are not a JSON
  object within the readers' bounds. Deleting one adds nothing: taking recognition down slips nothing in, and
  an endorsement is revoked through its endorser's status list, which is logged.

* ``issuer-changed`` — an issuer's ``issuer.yaml`` (or an endorser's ``endorser.yaml``) that gives up its DID: its
  ``did`` changed, added (the registry's default given up) or removed, or the file deleted (SHA-256 of the file as
  it was). A method ``<DID>#<key-id>`` resolves to the key files of whichever issuer declares the DID, so a DID
  given up may be declared by a newcomer holding a copy of a revoked key without its ``revoked_at`` (only a
  ``key-added`` in the newcomer's name): the issuer's monitor shows it as an alert. No other edit of the file, and
  no file added, is logged: verifiers read no profile from the log. ``registry/governance.yaml``'s ``site_url`` changed
  gives up every default DID (``did:web:<site>:issuers:<id>``): one such entry per issuer and endorser declaring no
  ``did`` then (SHA-256 of the governance file as it was; its path).
* ``witnesses-announced`` — ``registry/governance.yaml``'s ``log.handover`` set, or naming other witnesses or another
  quorum than before: the announcement of a hand-over of the log to other witnesses
  (:mod:`generator.transparency.handover`); ``sha256`` is the announced policy's hash
  (:func:`generator.transparency.handover.policy_hash`), the issuer ``-`` (every issuer's monitor shows it).

The ``status-list``, ``status-list-cleared`` and ``endorsement`` kinds were added later (log format unchanged,
``credreg-log/1``): a log published before them holds none for the commits it covered then, and a publish that
derives the whole history again keeps those commits without them
(:func:`generator.transparency.publish.publish_log`). So does one published before ``issuer-changed`` was logged,
or the ``key-changed`` of a retired public key added again (:attr:`LogEntry.revived`) or held already when it
was retired (:attr:`LogEntry.held`), or of such a copy outlasting the retirement once an end moved
(:attr:`LogEntry.outlasts`).

``path`` is the repository path, percent-encoded outside ``[A-Za-z0-9/._~-]``; ``#<line>`` names a line of a
JSON Lines file. A path is Git's bytes: one that is not UTF-8 (Git holds any) is percent-encoded byte for byte,
so an entry is always ASCII, and held in a ``str`` surrogate-escaped (:func:`path_bytes` gives the bytes back).

**Order.** Commits along the first-parent chain of ``HEAD``, oldest first (a merge counts as one commit: its
difference with its first parent); within a commit, paths in byte order (the key files' first: ``keys/``
sorts before ``registry/``), the alerts of copies held when a key is retired in the commit
(:attr:`LogEntry.held`, :attr:`LogEntry.outlasts`) after the key files' entries and before the awards (an
earlier credreg logged them after the awards), then the retirements of keys added already retired
(:attr:`LogEntry.last`); within a file, line order. A history
that only grows therefore gives a log that only grows, and a rewritten history that drops or changes a record
gives a different prefix, which the publish and every witness refuse. Deleting a file adds nothing (the log
keeps what was once published), except a revocation: losing one would make a revoked award look valid again,
so each line a revocation log loses is an entry of its own, and so is a status list that loses a set bit, and a
key file deleted (``key-changed``: added again later, it may lack the ``revoked_at`` it had). A gitlink
(a nested repository, mode ``160000``, which every check refuses and a checkout leaves as an empty folder) is no
file: one put in a file's place takes the file away, as a deletion does.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import subprocess
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote

from generator._internal.git import git_argv, git_env
from generator._internal.source import SourceError, decode_utf8, parse_json, parse_yaml
from generator._internal.times import CLOCK_SKEW, parse_time
from generator.awards import award_text_hash
from generator.crypto.dataintegrity import proofs_of
from generator.crypto.multibase import public_key_bytes
from generator.errors import CredregError, CryptoError, UsageError
from generator.governance.history import LIFECYCLE_FIELDS
from generator.layout import PathKind, classify
from generator.registry import did_web_for
from generator.statuslist import MAX_LIST_BYTES, decode_list
from generator.verify.status import readable_list

__all__ = [
    "ENTRY_PREFIX",
    "KINDS",
    "LEGACY_KINDS",
    "LogEntry",
    "derive_commits",
    "derive_entries",
    "ended_keys",
    "first_parent_ancestor",
    "head_commit",
    "path_bytes",
]

ENTRY_PREFIX = "credreg-log/1"
KINDS = (
    "award",
    "revocation",
    "revocation-removed",
    "key-added",
    "key-expiry-set",
    "key-revoked",
    "key-changed",
    "credential",
    "status-list",
    "status-list-cleared",
    "endorsement",
    "issuer-changed",
    "witnesses-announced",
)
#: The kinds logged before status lists and endorsements were: a log published then has only these.
LEGACY_KINDS = frozenset(KINDS[:8])
_ENTRY_RE = re.compile(
    r"^credreg-log/1 (?P<kind>[a-z-]+) (?P<issuer>[^ /]+) (?P<sha>[0-9a-f]{64}) (?P<path>[A-Za-z0-9/._~%-]+)"
    r"(?:#(?P<line>[1-9][0-9]*))?\n\Z"
)
_ZERO = "0" * 40
_GITLINK = b"160000"


@dataclass(frozen=True, slots=True)
class LogEntry:
    kind: str
    issuer: str
    sha256: str
    path: str
    line: int | None = None
    last: bool = field(default=False, compare=False)
    """A retirement of a key added already retired, logged last in its commit (not part of the entry's bytes:
    a publish tells a log published before these were logged by it)."""
    taken_back: bool = field(default=False, compare=False)
    """A ``key-changed`` entry an earlier credreg did not log: a key file deleted (or taken away by a gitlink), or
    its end removed or moved with nothing else changed (not part of the entry's bytes either, for the same reason)."""
    did_moved: bool = field(default=False, compare=False)
    """An ``issuer-changed`` entry (an issuer's or endorser's file whose DID changed, or deleted), which an earlier
    credreg did not log (not part of the entry's bytes either)."""
    revived: bool = field(default=False, compare=False)
    """A ``key-changed`` entry for a key file holding a public key retired earlier by another file, in the name of
    whoever retired it, which an earlier credreg did not log (not part of the entry's bytes either)."""
    held: bool = field(default=False, compare=False)
    """A ``key-changed`` entry for a key file that held a public key already when another file retired it, in the
    retirer's name, which an earlier credreg did not log (not part of the entry's bytes either)."""
    outlasts: bool = field(default=False, compare=False)
    """A ``key-changed`` entry for a key file holding a retired public key whose own end came no later than the
    retirement's until one of the two moved (the retirement taken earlier, the copy's end removed or put later), in
    the retirer's name, which an earlier credreg did not log (not part of the entry's bytes either)."""

    def encode(self) -> bytes:
        where = _quote(self.path, "/._~-") + (f"#{self.line}" if self.line is not None else "")
        return f"{ENTRY_PREFIX} {self.kind} {_quote(self.issuer, '')} {self.sha256} {where}\n".encode()

    @classmethod
    def parse(cls, data: bytes) -> LogEntry:
        """The entry ``data`` is; ValueError when it is not one (:meth:`encode` writes only ASCII, so bytes that
        are not, e.g. in a log a forger signed, are no entry: a reader never decodes them)."""
        try:
            text = data.decode("ascii")
        except UnicodeDecodeError:
            raise ValueError(f"not a credreg log entry: {data[:80]!r}") from None
        m = _ENTRY_RE.match(text)
        if not m or m.group("kind") not in KINDS:
            raise ValueError(f"not a credreg log entry: {data[:80]!r}")
        line = int(m.group("line")) if m.group("line") else None
        return cls(m.group("kind"), _unquote(m.group("issuer")), m.group("sha"), _unquote(m.group("path")), line)

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line is not None else self.path


def path_bytes(path: str) -> bytes:
    """A repository path's bytes as Git holds them (a name that is not UTF-8 is read surrogate-escaped)."""
    return path.encode("utf-8", "surrogateescape")


def _quote(text: str, safe: str) -> str:
    return quote(path_bytes(text), safe=safe)


def _unquote(text: str) -> str:
    return unquote(text, errors="surrogateescape")  # the inverse of _quote, for every byte string


def _git(root: Path, *args: str) -> bytes:
    try:
        return subprocess.run(git_argv(*args), cwd=root, env=git_env(), capture_output=True, check=True).stdout
    except FileNotFoundError:
        raise UsageError("the transparency log is derived from Git history, and git is not installed") from None
    except subprocess.CalledProcessError as exc:
        lines = exc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UsageError(f"git {args[0]} failed in {root}", lines[:3]) from None


def head_commit(root: Path) -> str:
    try:
        return _git(root, "rev-parse", "--verify", "HEAD^{commit}").decode().strip()
    except UsageError:
        _git(root, "rev-parse", "--git-dir")  # not a repository: Git's own words say so
        raise UsageError(
            f"{root} has no commits yet: the log is derived from the Git history, so there is nothing to log; "
            "nothing was written",
            ["commit the registry first (git add -A && git commit)"],
        ) from None


def first_parent_ancestor(root: Path, commit: str, head: str) -> bool:
    """Whether ``commit`` is on the first-parent chain of ``head`` (the log's order follows that chain)."""
    if not re.fullmatch(r"[0-9a-f]{40}", commit):
        return False
    chain = _git(root, "rev-list", "--first-parent", head).split()
    return commit.encode() in chain


class _Blobs:
    """Blob contents through one ``git cat-file --batch`` process."""

    def __init__(self, root: Path) -> None:
        self.proc = subprocess.Popen(
            git_argv("cat-file", "--batch"), cwd=root, env=git_env(), stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )

    def read(self, sha: str) -> bytes:
        if sha == _ZERO:
            return b""
        assert self.proc.stdin is not None
        assert self.proc.stdout is not None
        self.proc.stdin.write(sha.encode() + b"\n")
        self.proc.stdin.flush()
        header = self.proc.stdout.readline().split()
        if len(header) != 3 or header[1] != b"blob":
            raise CredregError(f"git object {sha} is not a blob")
        data = self.proc.stdout.read(int(header[2]))
        self.proc.stdout.read(1)
        return data

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait()


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _award_digest(data: bytes) -> str:
    # The award hash as every lookup by hash computes it, so a monitor finds the award by it. A commit may hold
    # anything: read within the bounds every award reader keeps.
    return award_text_hash(data.decode("utf-8", "surrogateescape")) or _sha(data)


def _new_lines(old: bytes, new: bytes) -> Iterator[tuple[int, bytes]]:
    """(line number, bytes) of the non-empty lines of ``new`` that ``old`` did not have (as a multiset)."""
    seen = Counter(line for line in old.split(b"\n") if line.strip())
    for number, line in enumerate(new.split(b"\n"), start=1):
        if not line.strip():
            continue
        if seen[line]:
            seen[line] -= 1
            continue
        yield number, line


def _key_kinds(path: str, old: bytes, new: bytes, *, deleted: bool) -> tuple[list[str], list[str], bool]:
    """The kinds a key file's change is logged as, at its place, and those logged last in its commit; and whether
    its ``key-changed`` is one an earlier credreg did not log (:attr:`LogEntry.taken_back`)."""
    # Read as the check reads a key file (strictly, within its bounds): a blob it would refuse, e.g. deeply nested
    # (which stopped the log with a RecursionError) or with a field given twice, is only "key-changed".
    before, after = _key_doc(path, old), _key_doc(path, new)
    if deleted:  # it may come back without its end
        return ["key-changed"], [], True
    if after is None:
        return ["key-added" if not old else "key-changed"], [], False
    if before is None:
        # Added (or put where no key read): one whose end is already set is retired as of this commit.
        ended = [kind for kind, name in _RETIREMENTS if after.get(name) is not None]
        return ["key-added" if not old else "key-changed"], ended, False
    kinds = [kind for kind, name in _RETIREMENTS if after.get(name) != before.get(name)]
    # Anything but its lifecycle fields changed too (its public key replaced, pushed with an end set far off) is
    # "key-changed" as well: named by the retirement alone, it was no alert to the issuer's monitor. So is an end
    # already set that is removed or moved: a revocation taken back (the signatures made since revoked_at, the
    # compromised weeks', count again), which only a push past the pull-request check makes.
    taken_back = any(before.get(name) is not None and after.get(name) != before.get(name) for _, name in _RETIREMENTS)
    logged_before = not kinds or _rest(before) != _rest(after)
    if logged_before or taken_back:
        kinds.append("key-changed")
    return kinds, [], not logged_before


def _rest(key: dict[str, object]) -> dict[str, object]:
    """A key file's object without the fields the pull-request check lets change (a key's lifecycle)."""
    return {name: value for name, value in key.items() if name not in LIFECYCLE_FIELDS}


#: A key's retirement kinds, and the field each is logged for.
_RETIREMENTS = (("key-expiry-set", "valid_until"), ("key-revoked", "revoked_at"))


def _key_doc(path: str, blob: bytes) -> dict[str, object] | None:
    """A key file's object, read as the check reads one; None when absent or not an object."""
    if not blob:
        return None
    try:
        data = parse_json(blob.decode("utf-8", "surrogateescape"), path).data
    except SourceError:
        return None
    return data if isinstance(data, dict) else None


def _yaml_mapping(path: str, blob: bytes) -> dict[str, object] | None:
    """A registry YAML file's mapping, read as the loader reads it (None: it does not read as one, and no registry
    loads then)."""
    try:
        data = parse_yaml(decode_utf8(blob, path), path).data
    except SourceError:
        return None
    return data if isinstance(data, dict) else None


def _declared_did(path: str, blob: bytes) -> object:
    """An issuer's or endorser's file's ``did`` as written (None: none declared, the registry's default), read as
    the loader reads the file; the file's bytes when it does not read (no registry loads then)."""
    if not blob:
        return None
    data = _yaml_mapping(path, blob)
    return blob if data is None else data.get("did")


def _list_bits(path: str, data: bytes, *, lasting: bool = False) -> bytes | None:
    """The bitstring of a status list file, read as every status reader reads one; None when it is none.

    ``lasting``: only a list every reader reads, and goes on reading (:func:`~generator.verify.status.readable_list`,
    no ``validUntil``): one re-signed with its bits kept but given an end, another purpose or a field no reader
    accepts took its revocations back as surely as a cleared bit, now or when its end came."""
    if not data or len(data) > MAX_LIST_BYTES:
        return None
    try:
        credential = parse_json(data.decode("utf-8", "surrogateescape"), path).data
    except SourceError:
        return None
    if lasting:
        if not isinstance(credential, dict) or "validUntil" in credential or _starts_late(credential):
            return None
        return readable_list(credential).bits
    subject = credential.get("credentialSubject") if isinstance(credential, dict) else None
    try:
        return decode_list(subject.get("encodedList") if isinstance(subject, dict) else None)
    except CryptoError:
        return None


def _starts_late(credential: dict[str, object]) -> bool:
    """Whether a list's ``validFrom`` lies ahead of every signature of it (beyond the clock skew readers allow):
    published, it is read by no reader until then (credreg writes the time it signs)."""
    start = parse_time(credential.get("validFrom"))
    if start is None:
        return credential.get("validFrom") is not None  # unreadable dates: no reader reads it
    signed = [t for t in (parse_time(p.get("created")) for p in proofs_of(credential) if isinstance(p, dict)) if t]
    return not signed or start > max(signed) + CLOCK_SKEW


def _bits_cleared(path: str, old: bytes, new: bytes) -> bool:
    """Whether ``new`` (empty: deleted) clears a bit ``old`` had set: a revocation taken back."""
    before = _list_bits(path, old)
    if before is None:
        return False
    after = _list_bits(path, new, lasting=True) or b""
    # Bits past the new list's end are lost too; int arithmetic keeps a 16 MiB list fast.
    kept = after[: len(before)].ljust(len(before), b"\0")
    return int.from_bytes(before, "big") & ~int.from_bytes(kept, "big") != 0


def _entries_of_change(path: str, old: bytes, new: bytes, *, deleted: bool = False) -> Iterator[LogEntry]:
    role = classify(path)
    issuer = role.issuer or ""
    if role.kind is PathKind.AWARD:
        yield LogEntry("award", issuer, _award_digest(new), path)
    elif role.kind is PathKind.AWARD_BATCH:
        for number, line in _new_lines(old, new):
            yield LogEntry("award", issuer, _award_digest(line), path, number)
    elif role.kind is PathKind.REVOCATIONS:
        for number, line in _new_lines(new, old):  # what the log lost: old's lines new no longer has
            yield LogEntry("revocation-removed", issuer, _sha(line), path, number)
        for number, line in _new_lines(old, new):
            yield LogEntry("revocation", issuer, _sha(line), path, number)
    elif role.kind is PathKind.KEY:
        here, last, taken_back = _key_kinds(path, old, new, deleted=deleted)
        for kind in here:
            yield LogEntry(kind, issuer, _sha(new), path, taken_back=taken_back and kind == "key-changed")
        for kind in last:
            yield LogEntry(kind, issuer, _sha(new), path, last=True)
    elif role.kind is PathKind.CREDENTIAL:
        yield LogEntry("credential", issuer, _sha(new), path)
    elif role.kind is PathKind.STATUS_LIST:
        if old and _bits_cleared(path, old, new):
            yield LogEntry("status-list-cleared", issuer, _sha(old), path)
        if new:
            yield LogEntry("status-list", issuer, _sha(new), path)
    elif role.kind is PathKind.ENDORSEMENT:
        yield LogEntry("endorsement", issuer, _award_digest(new), path)
    elif role.kind in (PathKind.ISSUER, PathKind.ENDORSER) and (
        # The DID a verification method names picks the issuer whose key files sign for it: a DID given up (another
        # declared, the default taken by declaring one, or the file deleted) may be declared next by a new issuer,
        # whose copy of a revoked key, without its revoked_at, is only a key-added in the newcomer's name.
        old and (deleted or _declared_did(path, old) != _declared_did(path, new))
    ):
        yield LogEntry("issuer-changed", issuer, _sha(old), path, did_moved=True)


_LOGGED = (
    PathKind.ISSUER,
    PathKind.ENDORSER,
    PathKind.AWARD,
    PathKind.AWARD_BATCH,
    PathKind.REVOCATIONS,
    PathKind.KEY,
    PathKind.CREDENTIAL,
    PathKind.STATUS_LIST,
    PathKind.ENDORSEMENT,
)
#: Kinds whose deletion is logged: losing a revocation (a line, or a set bit) makes a revoked award valid again; so
#: does losing a key file (``key-changed``), which a later commit may add again without its ``revoked_at``.
#: So does losing an issuer's (or endorser's) file: the DID its keys answered for is free for another to declare.
_DELETION_LOGGED = (PathKind.REVOCATIONS, PathKind.STATUS_LIST, PathKind.KEY, PathKind.ISSUER, PathKind.ENDORSER)


def derive_entries(root: Path, *, head: str, since: str | None = None, shallow_ok: bool = False) -> Iterator[LogEntry]:
    """The log entries of the commits on ``head``'s first-parent chain (after ``since``), in log order."""
    for _commit, entries in derive_commits(root, head=head, since=since, shallow_ok=shallow_ok):
        yield from entries


def derive_commits(
    root: Path, *, head: str, since: str | None = None, shallow_ok: bool = False
) -> Iterator[tuple[str, list[LogEntry]]]:
    """:func:`derive_entries` commit by commit: (commit, its entries), for commits with entries. A shallow
    clone's history is refused where it stops (its oldest commit would add every file), unless ``shallow_ok``
    (a demo log, thrown away with the site preview built from such a clone)."""
    revs = f"{since}..{head}" if since else head
    out = _first_parent_log(root, revs, "registry/issuers", "registry/endorsers", "keys", _GOVERNANCE)
    shallow = set() if shallow_ok else _shallow_commits(root)
    blobs = _Blobs(root)
    try:
        # The public keys retired before ``since`` too: the entries of a commit are the same whatever it follows.
        retired = _Retired()
        if since is not None:
            retired.read_history(root, blobs, since)
        for commit, raw_changes in _raw_commits(out):
            if commit.encode() in shallow:
                raise UsageError(
                    f"the log is derived from the whole first-parent history, and this clone of {root} is shallow: "
                    f"its history stops at {commit[:12]}, whose changes would read as all added there",
                    ["fetch the whole history (`git fetch --unshallow`; actions/checkout: fetch-depth: 0)"],
                )
            changes: list[tuple[bytes, str, str, str]] = []
            defaults: list[LogEntry] = []
            for raw_path, old_sha, new_sha in raw_changes:
                if raw_path == _GOVERNANCE.encode():
                    defaults = _handover_announced(blobs, old_sha, new_sha)
                if raw_path == _GOVERNANCE.encode() and old_sha != _ZERO:
                    defaults += _defaults_given_up(root, blobs, commit, old_sha, new_sha)
                    continue
                kind = classify(raw_path.decode("utf-8", "surrogateescape")).kind
                if kind not in _LOGGED or (new_sha == _ZERO and (kind not in _DELETION_LOGGED or old_sha == _ZERO)):
                    continue  # (a gitlink replaced by another: no file before or after)
                changes.append((raw_path, raw_path.decode("utf-8", "surrogateescape"), old_sha, new_sha))
            retiring: list[tuple[bytes, str]] = []  # (public key, file) retired by that file first in this commit
            for _raw, path, _old_sha, new_sha in changes:  # retired in this commit: a copy beside it is revived too
                if classify(path).kind is PathKind.KEY:
                    retiring += retired.note(path, new_sha, blobs.read(new_sha))
            entries: list[LogEntry] = []
            for _raw, path, old_sha, new_sha in sorted(changes):  # (one file's blobs at a time: a commit may be huge)
                old, new = blobs.read(old_sha), blobs.read(new_sha)
                entries += _entries_of_change(path, old, new, deleted=new_sha == _ZERO)
                entries += retired.revived(path, old, new)
            alerts = retired.held(retiring, blobs)
            last = [e for e in entries if e.last]
            entries = defaults + _alerts_after_keys([e for e in entries if not e.last], alerts) + last
            if entries:
                yield commit, entries
    finally:
        blobs.close()


def _alerts_after_keys(entries: list[LogEntry], alerts: list[LogEntry]) -> list[LogEntry]:
    """A commit's entries (path order) with the alerts of copies held when a key was retired in it
    (:meth:`_Retired.held`) after its key files' entries (``keys/`` sorts first) and before its awards: after them,
    an award the commit adds, signed through the copy, came before the alert that retires the copy's file and
    passed the log's check. After the key files' entries, for an alert repeats the hash of the copy's own entry in
    the commit, if it has one (:func:`generator.transparency.logindex.retires`)."""
    cut = next((at for at, entry in enumerate(entries) if classify(entry.path).kind is not PathKind.KEY), len(entries))
    return entries[:cut] + alerts + entries[cut:]


def _first_parent_log(root: Path, revs: str, *paths: str) -> bytes:
    """The changes to ``paths`` of each commit of ``revs``'s first-parent chain, oldest first, as
    :func:`_raw_commits` reads them (a merge: its difference with its first parent)."""
    return _git(
        root, "log", "--first-parent", "--reverse", "--diff-merges=first-parent",
        "--no-renames", "--raw", "-z", "--no-abbrev", "--relative", "--format=%x01%H", revs, "--", *paths,
    )  # fmt: skip


def _raw_commits(out: bytes) -> Iterator[tuple[str, list[tuple[bytes, str, str]]]]:
    """Each commit of ``git log --raw -z --format=%x01%H`` output: its id, and each path it changes with the blob
    ids before and after (the zero id: none)."""
    for chunk in out.split(b"\x01")[1:]:
        commit, _, rest = chunk.partition(b"\0")
        tokens = rest.lstrip(b"\n").split(b"\0")
        changes = []
        for meta, raw_path in zip(tokens[0::2], tokens[1::2], strict=False):
            fields = meta[1:].split() if meta.startswith(b":") else []
            if len(fields) >= 4:
                # A gitlink (a nested repository's commit, checked out as an empty folder) is no file: read as
                # absent, so that one in place of a file takes it away, as a deletion does.
                old_sha = _ZERO if fields[0] == _GITLINK else fields[2].decode()
                new_sha = _ZERO if fields[1] == _GITLINK else fields[3].decode()
                changes.append((raw_path, old_sha, new_sha))
        yield commit.decode().strip(), changes


_GOVERNANCE = "registry/governance.yaml"


def _public_key(path: str, blob: bytes) -> bytes | None:
    """The Ed25519 public key a key file holds, as bytes (a Multikey compared as written has other spellings:
    the bytes are what signs); None when it holds none the loader registers."""
    doc = _key_doc(path, blob)
    return public_key_bytes(doc.get("publicKeyMultibase")) if doc is not None else None


def _key_end(path: str, blob: bytes) -> tuple[dt.datetime, bool] | None:
    """The earliest end a key file sets, ordered as verifiers cut off (``revoked_at`` refuses its own instant,
    ``valid_until`` only what comes after it: True sorts it later); None when it sets none that reads."""
    doc = _key_doc(path, blob)
    if doc is None:
        return None
    ends = [(parse_time(doc.get(name)), name == "valid_until") for _, name in _RETIREMENTS]
    return min(((at, after) for at, after in ends if at is not None), default=None)


class _Retired:
    """Every public key a key file retired so far (an end set: ``valid_until`` or ``revoked_at``): by which file,
    whose; and which key file holds each public key now.

    Verifiers judge a signature by the key file its method names, whose end is the log's for that path only: the
    same public key in another key file (another key id, another issuer's folder, one that may declare the DID
    given up) without that end, or with a later one, makes what the key signed after its retirement count again.
    The pull-request check refuses a public key registered twice; a push past it was one ``key-added`` in the
    folder owner's name, no alert. It is ``key-changed`` in the name of each issuer that retired the key now:
    where the copy comes (:meth:`revived`), or, for a copy made while the key was still valid, where the key is
    retired (:meth:`held`)."""

    def __init__(self) -> None:
        self.by_key: dict[bytes, dict[str, str]] = {}  # public key → retiring file → its issuer
        self.holders: dict[bytes, dict[str, str]] = {}  # public key → key file holding it now → its blob
        self.held_by: dict[str, bytes] = {}  # key file → the public key it holds now
        self.told: set[tuple[str, str, str]] = set()  # (issuer, key file, its blob) logged in that issuer's name
        self.ends: dict[tuple[bytes, str], tuple[dt.datetime, bool] | None] = {}  # a retirer's end, as it last read
        self.outlasting: dict[str, set[str]] = {}  # key file → issuers told it outlasts their retirement (until not)
        self.touched: set[bytes] = set()  # public keys whose holders or retirers changed in this commit

    def note(self, path: str, new_sha: str, new: bytes) -> list[tuple[bytes, str]]:
        """Take in a key file's new version (``new_sha`` the zero id: deleted); the (public key, ``path``) it
        retires for the first time, if any."""
        gone = self.held_by.pop(path, None)
        if gone is not None:
            self.holders[gone].pop(path, None)
        doc = _key_doc(path, new) if classify(path).kind is PathKind.KEY else None
        key = _public_key(path, new) if doc is not None else None
        if gone is not None and gone != key:
            self.outlasting.pop(path, None)  # no longer a copy of it (one added again: revived tells it anew)
        if doc is None or key is None:
            return []
        self.held_by[path] = key
        self.holders.setdefault(key, {})[path] = new_sha
        retirers = self.by_key.setdefault(key, {})
        self.touched.add(key)
        if path in retirers:
            self.ends[key, path] = _key_end(path, new)
        if path in retirers or not any(doc.get(name) is not None for _, name in _RETIREMENTS):
            return []
        retirers[path] = classify(path).issuer or ""
        self.ends[key, path] = _key_end(path, new)
        return [(key, path)]

    def revived(self, path: str, old: bytes, new: bytes) -> list[LogEntry]:
        """``key-changed`` for each issuer that retired the public key ``new`` holds in another file, when ``new``
        brings that key to ``path`` (this file's own retirement taken back, or the file deleted, is its own
        ``key-changed``)."""
        if classify(path).kind is not PathKind.KEY:
            return []
        key = _public_key(path, new)
        if key is None or key == _public_key(path, old):
            return []  # the same file's key: its own changes are logged by its kinds
        owners = sorted({owner for where, owner in self.by_key.get(key, {}).items() if where != path})
        self.told.update((owner, path, self.holders[key][path]) for owner in owners)
        self.outlasting.setdefault(path, set()).update(owners)
        return [LogEntry("key-changed", owner, _sha(new), path, revived=True) for owner in owners]

    def held(self, retiring: list[tuple[bytes, str]], blobs: _Blobs) -> list[LogEntry]:
        """``key-changed`` in the retirer's name for each other key file that holds a public key when a file first
        retires it (``retiring``, from :meth:`note`): a copy made while the key was valid has no end, and the key's
        later signatures count through it. Once per issuer and version of that file (:meth:`revived` logged it, or an
        earlier retirement did: not again); none for a copy whose own end comes no later than the retirement's."""
        wanted = set()
        for key, by in retiring:
            ends = _key_end(by, blobs.read(self.holders[key][by]))
            for where, sha in self.holders.get(key, {}).items():
                end = _key_end(where, blobs.read(sha))  # a copy ended as early already cuts off no less
                told = (self.by_key[key][by], where, sha) in self.told
                if where != by and not told and not (end and ends and end <= ends):
                    wanted.add((self.by_key[key][by], where, sha))
        self.told |= wanted
        for owner, where, _ in wanted:
            self.outlasting.setdefault(where, set()).add(owner)
        found = [
            LogEntry("key-changed", owner, _sha(blobs.read(sha)), where, held=True)
            for owner, where, sha in sorted(wanted)
        ]
        return found + self._outlasting(blobs)

    def _outlasting(self, blobs: _Blobs) -> list[LogEntry]:
        """``key-changed`` in the retirer's name for each key file holding a public key touched in this commit whose
        end now outlasts a retirement it did not before (:meth:`held` compares them at the first retirement only):
        the retirement taken earlier, or the copy's own end removed or put later (the copy's own ``key-changed`` is
        in its folder owner's name, whom the retirer's monitor does not watch). Once until it is cut off again."""
        outlasts: dict[tuple[str, str, str], bool] = {}  # (retirer's issuer, copy, its blob) → past any of theirs
        for key in sorted(self.touched):
            for by, owner in self.by_key.get(key, {}).items():
                ends = self.ends.get((key, by))
                if ends is None:
                    continue  # (the retirement taken back, or unreadable: the key counts through its own file)
                for where, sha in self.holders.get(key, {}).items():
                    if where != by:
                        end = _key_end(where, blobs.read(sha))
                        past = end is None or end > ends
                        outlasts[owner, where, sha] = outlasts.get((owner, where, sha), False) or past
        self.touched.clear()
        wanted = set()
        for (owner, where, sha), past in outlasts.items():
            told = self.outlasting.setdefault(where, set())
            if not past:
                told.discard(owner)  # cut off again: an end moved past it later is news once more
            elif owner not in told:
                told.add(owner)
                if (owner, where, sha) not in self.told:
                    wanted.add((owner, where, sha))
        self.told |= wanted
        return [
            LogEntry("key-changed", owner, _sha(blobs.read(sha)), where, outlasts=True)
            for owner, where, sha in sorted(wanted)
        ]

    def read_history(self, root: Path, blobs: _Blobs, until: str) -> None:
        """Take in the key files of the first-parent history up to ``until`` as :func:`derive_commits` does (what
        it logged, too: each commit's :meth:`note`, then :meth:`revived` and :meth:`held`)."""
        for _commit, raw_changes in _raw_commits(_first_parent_log(root, until, "keys")):
            changes = [
                (raw_path, path, old_sha, new_sha)
                for raw_path, old_sha, new_sha in raw_changes
                if classify(path := raw_path.decode("utf-8", "surrogateescape")).kind is PathKind.KEY
                and (old_sha != _ZERO or new_sha != _ZERO)
            ]
            retiring = [
                found
                for _raw, path, _old, new_sha in changes
                for found in self.note(path, new_sha, blobs.read(new_sha))
            ]
            for _raw, path, old_sha, new_sha in sorted(changes):
                self.revived(path, blobs.read(old_sha), blobs.read(new_sha))
            self.held(retiring, blobs)


def _site_did(blob: bytes) -> object:
    """The did:web an issuer named ``x`` declaring no DID answers for under the governance file ``blob`` (its
    ``site_url`` read as the loader reads it); the file's bytes when it does not read."""
    data = _yaml_mapping(_GOVERNANCE, blob)
    url = data.get("site_url") if data is not None else None
    return did_web_for(url, "x") if isinstance(url, str) else blob


def _defaults_given_up(root: Path, blobs: _Blobs, commit: str, old_sha: str, new_sha: str) -> list[LogEntry]:
    """``issuer-changed`` for every issuer and endorser (at the commit's parent) declaring no DID, when the
    governance's ``site_url`` moved: each one's default did:web is given up at once, free for a newcomer to declare
    with a revoked key's copy, as when its own file gives it up (SHA-256 of the governance file as it was)."""
    old = blobs.read(old_sha)
    if new_sha != _ZERO and _site_did(old) == _site_did(blobs.read(new_sha)):
        return []
    out = _git(root, "ls-tree", "-r", "-z", f"{commit}^", "--", "registry/issuers", "registry/endorsers")
    given_up = []
    for item in out.split(b"\0"):
        meta, _, raw_path = item.partition(b"\t")
        fields = meta.split()
        path = raw_path.decode("utf-8", "surrogateescape")
        role = classify(path)
        if len(fields) != 3 or fields[1] != b"blob" or role.kind not in (PathKind.ISSUER, PathKind.ENDORSER):
            continue
        if role.issuer is not None and _declared_did(path, blobs.read(fields[2].decode())) is None:
            given_up.append(LogEntry("issuer-changed", role.issuer, _sha(old), _GOVERNANCE, did_moved=True))
    return given_up


def _announced_policy(blob: bytes) -> str | None:
    """The :func:`generator.transparency.handover.policy_hash` of the governance file's ``log.handover`` (the log's
    name read from ``log.vkey``), as the file says it, whether or not the check would pass it: a reader refuses a
    hand-over to no witness whatever is announced. None when it names none, or does not read."""
    from generator.transparency.handover import policy_hash

    data = _yaml_mapping(_GOVERNANCE, blob)
    log = data.get("log") if data is not None else None
    if not isinstance(log, dict):
        return None
    handover, vkey = log.get("handover"), log.get("vkey")
    if not isinstance(handover, dict) or not isinstance(vkey, str):
        return None
    witnesses, quorum = handover.get("witnesses"), handover.get("quorum")
    if not isinstance(witnesses, list) or not isinstance(quorum, int) or isinstance(quorum, bool):
        return None
    keys = [w["vkey"] for w in witnesses if isinstance(w, dict) and isinstance(w.get("vkey"), str)]
    if len(keys) != len(witnesses):
        return None
    # The witnesses handed over from: those the log is held to now (an old announcement hands nothing over from others).
    held, held_quorum = log.get("witnesses", []), log.get("quorum", 0)
    if not isinstance(held, list) or not isinstance(held_quorum, int) or isinstance(held_quorum, bool):
        return None
    held_vkeys = [w["vkey"] for w in held if isinstance(w, dict) and isinstance(w.get("vkey"), str)]
    if len(held_vkeys) != len(held):
        return None
    return policy_hash(vkey.partition("+")[0], keys, quorum, held_vkeys, held_quorum)


def _handover_announced(blobs: _Blobs, old_sha: str, new_sha: str) -> list[LogEntry]:
    """``witnesses-announced`` when the governance's ``log.handover`` is set, or names other witnesses or another
    quorum than before (generator/transparency/handover.py): the announcement the current witnesses must cosign a
    checkpoint of before a reader takes the new set up. Its hash is the announced policy's; it names no issuer
    (``-``: every issuer's monitor shows it)."""
    new = None if new_sha == _ZERO else _announced_policy(blobs.read(new_sha))
    if new is None or (old_sha != _ZERO and _announced_policy(blobs.read(old_sha)) == new):
        return []
    return [LogEntry("witnesses-announced", "-", new, _GOVERNANCE)]


def _shallow_commits(root: Path) -> set[bytes]:
    """The commits a shallow clone holds without their parents (none in a whole clone): Git shows each as a root
    commit, every file it has added by it."""
    shallow = Path(_git(root, "rev-parse", "--git-path", "shallow").decode().strip())
    try:
        return set((root / shallow).read_bytes().split())
    except FileNotFoundError:
        return set()


def ended_keys(root: Path, head: str) -> set[str]:
    """The key files at ``head`` whose end is set (``valid_until`` or ``revoked_at``), by path: each has a
    retirement entry in a log of its history (a log published before keys added already retired were retired
    lacks some: :func:`generator.transparency.publish.publish_log` catches them up)."""
    out = _git(root, "ls-tree", "-r", "-z", head, "--", "keys")
    blobs = _Blobs(root)
    try:
        ended = set()
        for item in out.split(b"\0"):
            meta, _, raw_path = item.partition(b"\t")
            fields = meta.split()
            path = raw_path.decode("utf-8", "surrogateescape")
            if len(fields) != 3 or fields[1] != b"blob" or classify(path).kind is not PathKind.KEY:
                continue
            doc = _key_doc(path, blobs.read(fields[2].decode()))
            if doc is not None and any(doc.get(name) is not None for _, name in _RETIREMENTS):
                ended.add(path)
        return ended
    finally:
        blobs.close()
