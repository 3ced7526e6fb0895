"""A content-addressed verification cache: an award's RDFC proof is canonicalized once, not on every check.

RDF canonicalization costs milliseconds per award; everything else the check does costs microseconds. The
cache remembers *statements* that were verified, such as "the ``eddsa-rdfc-2022`` proof of the award whose
exact bytes have SHA-256 ``h`` verifies with method ``m`` and public key ``k``", and nothing else: no
verdicts, no award data.

Why a cache entry can never make a changed or forged award pass:

* **Exact bytes.** A statement names the SHA-256 of the exact bytes the award was parsed from (the file, or
  the line of a batch), not the award hash: what is cached includes checks of the bytes themselves (strict
  parsing: a file with a duplicated member has the same JCS, and must still be refused). Change one byte and
  the statement is a different one.
* **Key material.** The verification method and the public key bytes are part of the statement: a key file
  that changes, or a method that now resolves elsewhere, misses. Whether the key was *valid* when it signed
  (its window, revocation, owner) is checked on every run, never cached.
* **The code.** Every statement is bound to a fingerprint of the code it depends on (parsing, models, crypto,
  verification), the bundled JSON-LD contexts, Python's version and the versions of the libraries it relies on
  (:func:`code_fingerprint`). New rules, new cache.
* **A secret.** What is stored is only ``HMAC-SHA256(secret, fingerprint ‖ statement)``, truncated to 128
  bits. Without the secret nobody can write an entry that matches any statement, so a planted or copied cache
  file (even one committed to the repository) vouches for nothing. The secret is per cache, derived from a
  user secret kept *outside* every cache (``~/.config/credreg/cache-secret``, owner-only) and the cache's
  path; CI can give one as ``CREDREG_CACHE_SECRET`` (from a secret pull requests cannot read).
* **Only successes** are recorded, and only for RDFC: the ``eddsa-jcs-2022`` proof is verified on every run,
  so even a cache whose secret leaked could not vouch for an award on its own.

Layout: ``<registry>/.cache/credreg/verified.tags`` (``CREDREG_CACHE_DIR`` moves it; the folder ignores
itself in Git), a header and then 16-byte tags. A full check rewrites it with the tags it used (so it never
grows beyond the registry), other runs append. A torn or foreign file is simply a cold cache.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import importlib.metadata
import os
import secrets
import stat
import sys
from pathlib import Path

from generator._internal.files import append_bytes, link_on_path, open_regular, write_bytes_atomic, write_new

__all__ = [
    "CACHE_DIR_ENV",
    "SECRET_ENV",
    "VerificationCache",
    "cache_secret",
    "code_fingerprint",
    "default_cache_dir",
    "fingerprinted_files",
    "read_cache_file",
    "usable_cache_dir",
    "write_cache_file",
]

CACHE_DIR_ENV = "CREDREG_CACHE_DIR"
SECRET_ENV = "CREDREG_CACHE_SECRET"  # noqa: S105 - the name of the variable, not a secret
TAG_BYTES = 16
_MAGIC = b"credreg-vcache1\n"  # 16 bytes: tags stay aligned after the header
_FILE = "verified.tags"
#: The code the cached statements depend on (parsing, the award profile, the proofs): a change to the site or
#: the governance rules leaves the cache valid, a change here empties it.
#: tests/verify/test_cache.py holds it to every module the verifier imports but those of :data:`_UNRECORDED`.
#: ``governance/leaks.py``: the profile's statement says the bytes hold no private key by its rules.
_CODE = (
    "crypto",
    "verify",
    "models",
    "_internal",
    "awards.py",
    "binding.py",
    "openbadges.py",
    "statuslist.py",
    "governance/leaks.py",
)
#: Modules the verifier imports that no cached statement depends on: the package, problem types, paths, and the
#: registry's records (checked on every run, never cached).
_UNRECORDED = ("__init__.py", "errors.py", "layout.py", "registry.py")
#: Libraries whose behaviour the cached statements depend on.
_LIBRARIES = ("PyLD", "pydantic", "pydantic_core", "rfc8785", "PyNaCl", "orjson")


def default_cache_dir(root: Path) -> Path:
    """``$CREDREG_CACHE_DIR``, else ``<registry>/.cache/credreg`` (gitignored)."""
    explicit = os.environ.get(CACHE_DIR_ENV)
    return Path(explicit).expanduser() if explicit else root / ".cache" / "credreg"


@functools.cache
def code_fingerprint() -> bytes:
    """SHA-256 over the verifier's source, its bundled contexts, Python's and the libraries' versions."""
    digest = hashlib.sha256(_MAGIC)
    digest.update(sys.version.encode())
    for name in _LIBRARIES:
        try:
            version = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            version = "absent"
        digest.update(f"\0{name}={version}".encode())
    package = Path(__file__).resolve().parent.parent
    for path in fingerprinted_files():
        digest.update(b"\0" + path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.digest()


def fingerprinted_files() -> list[Path]:
    """The source files and bundled contexts :func:`code_fingerprint` covers."""
    package = Path(__file__).resolve().parent.parent
    return sorted(
        p
        for part in _CODE
        for p in ((package / part).rglob("*") if (package / part).is_dir() else [package / part])
        if p.is_file() and (p.suffix == ".py" or "contexts" in p.parts)
    )


def _config_dir() -> Path:
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "credreg"


def _user_secret() -> bytes | None:
    """The user's cache secret (``~/.config/credreg/cache-secret``, created on first use, owner-only), or
    ``None`` if it cannot be kept safely."""
    path = _config_dir() / "cache-secret"
    try:
        # Read when there, the common case: writing it anew to find it there synced a file to the disk on every
        # run (seconds, on a busy disk, of every pull request's check).
        with contextlib.suppress(FileNotFoundError):
            return _read_user_secret(path)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Whole or not there (a run killed midway left a short secret, and no cache ever after), never through a link.
        with contextlib.suppress(FileExistsError):  # another run made it meanwhile: theirs is read
            write_new(path, secrets.token_bytes(32), mode=0o600)
        return _read_user_secret(path)
    except OSError:
        return None


def _read_user_secret(path: Path) -> bytes | None:
    """The secret in ``path``, never read through a link (:class:`OSError`), ``None`` when others could read or
    replace it or it is not 32 bytes; :class:`FileNotFoundError` when there is none."""
    with open_regular(path) as fh:
        info = os.fstat(fh.fileno())
        if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO) or info.st_uid != os.getuid():
            return None  # others could read it (and forge entries) or replace it
        secret = fh.read(33)
    return secret if len(secret) == 32 else None


def cache_secret(directory: Path) -> bytes | None:
    """The secret of the cache in ``directory``: ``$CREDREG_CACHE_SECRET`` (e.g. a CI secret) if set, else
    derived from the user's secret and the cache's absolute path, so that no two caches share a key and a cache
    copied from elsewhere is cold here. ``None`` when no secret can be kept safely (then nothing is cached)."""
    given = os.environ.get(SECRET_ENV)
    if given:
        return hashlib.sha256(b"credreg-cache-secret\0" + given.encode()).digest()
    user = _user_secret()
    if user is None:
        return None
    return hmac.digest(user, b"credreg-cache\0" + str(directory.resolve()).encode(), "sha256")


class VerificationCache:
    """Statements that were verified, as HMAC tags. Implements :class:`generator.verify.policies.ProofCache`.

    Lookups and new entries are tracked so that worker processes can report them to the parent
    (:meth:`drain`, :meth:`absorb`) and a full check can keep exactly what the registry still uses. Memory: a
    tag is held as a 16-character ``str`` (CPython compares those without touching their reference counts, so
    forked workers share the parent's set instead of copying it page by page), and tags that were used are
    kept as one byte string (16 bytes each).
    """

    def __init__(self, secret: bytes, *, path: Path | None = None, namespace: bytes | None = None) -> None:
        if len(secret) < 16:
            raise ValueError("the cache secret must have at least 128 bits")
        self.path = path
        # HMAC(secret, namespace ‖ statement): the state after the key and the namespace is computed once and
        # copied for every statement (a check computes two tags per award).
        self._prefix = hmac.new(secret, code_fingerprint() if namespace is None else namespace, "sha256")
        self._tags: set[str] = set()
        self._new = bytearray()
        self._used = bytearray()
        self.hits = 0
        self.misses = 0
        if path is not None:
            self._tags = _read_tags(path)

    @classmethod
    def open(cls, root: Path, directory: Path | None = None) -> VerificationCache:
        """The registry's cache (see :func:`default_cache_dir`); in memory only if no secret can be kept."""
        directory = directory or default_cache_dir(root)
        secret = cache_secret(directory) if usable_cache_dir(root, directory) else None
        if secret is None:
            return cls.in_memory()
        return cls(secret, path=directory / _FILE)

    @classmethod
    def in_memory(cls) -> VerificationCache:
        """A cache for one process tree: a fresh secret, never written."""
        return cls(secrets.token_bytes(32))

    def __len__(self) -> int:
        return len(self._tags)

    def tag(self, statement: str) -> bytes:
        mac = self._prefix.copy()
        mac.update(statement.encode())
        return mac.digest()[:TAG_BYTES]

    # ProofCache protocol -------------------------------------------------------------------------------

    def get(self, key: str) -> bool | None:
        tag = self.tag(key)
        if tag.decode("latin-1") in self._tags:
            self.hits += 1
            self._used += tag
            return True
        self.misses += 1
        return None

    def put(self, key: str, ok: bool) -> None:
        if ok:
            self._add(self.tag(key))

    def _add(self, tag: bytes) -> None:
        text = tag.decode("latin-1")
        if text not in self._tags:
            self._tags.add(text)
            self._new += tag

    # Across processes ----------------------------------------------------------------------------------

    def drain(self) -> tuple[bytes, bytes, int, int]:
        """(new tags, tags used, hits, misses) since the last drain: what a worker reports."""
        out = (bytes(self._new), bytes(self._used), self.hits, self.misses)
        self._new, self._used, self.hits, self.misses = bytearray(), bytearray(), 0, 0
        return out

    def absorb(self, new: bytes, used: bytes, hits: int = 0, misses: int = 0) -> None:
        """Take over what a worker drained."""
        for i in range(0, len(new) - TAG_BYTES + 1, TAG_BYTES):
            self._add(new[i : i + TAG_BYTES])
        self._used += used
        self.hits += hits
        self.misses += misses

    def save(self, *, compact: bool = False) -> None:
        """Write new entries. ``compact``: keep only the entries used or added since loading (a full check,
        which has looked up every award, drops the ones of awards that no longer exist)."""
        if self.path is None:
            return
        try:
            if compact or not self.path.exists():
                keep = _split(self._used + self._new) if compact else {t.encode("latin-1") for t in self._tags}
                write_cache_file(self.path, _MAGIC + b"".join(sorted(keep)))
                if compact:
                    self._tags = {t.decode("latin-1") for t in keep}
                    self._used = bytearray()
            elif self._new:
                append_bytes(self.path, bytes(self._new), follow=False)
        except OSError:
            return  # a cache that cannot be written is only slower next time
        self._new = bytearray()


def write_cache_file(path: Path, data: bytes) -> None:
    """Replace a file of a cache whole, creating the cache's folder (ignored by Git) if need be; OSError if it
    cannot be written (callers treat that as a cache that is only slower next time)."""
    if not path.parent.is_dir():
        path.parent.mkdir(parents=True)
        # Ignored by Git whatever the repository's own .gitignore says (the file ignores itself too).
        with contextlib.suppress(FileExistsError):
            write_new(path.parent / ".gitignore", b"# Created by credreg: a local cache.\n*\n")
    # A new temporary file (never one planted under a guessable name, never through a link) renamed over the
    # cache: a link there is replaced, not written through. Not synced: a cache lost in a crash is only cold.
    write_bytes_atomic(path, data, durable=False)


def usable_cache_dir(root: Path, directory: Path) -> bool:
    """Whether a cache may be written in ``directory``: not when it lies in the registry's checkout under a folder
    that is a symbolic link (``.cache``, committed as one by a pull request), which could point anywhere the
    runner can write. A folder the user chose outside the checkout (``$CREDREG_CACHE_DIR``) is theirs."""
    try:
        rel = directory.relative_to(root)
    except ValueError:
        return True
    return not rel.parts or link_on_path(root, f"{rel.as_posix()}/{_FILE}") is None


def read_cache_file(path: Path) -> bytes | None:
    """The bytes of a cache's file, ``None`` when it cannot be read: never through a link at its end, never a FIFO
    or a device (the checkout holds it: one committed as a FIFO, or a link to /dev/zero, made the check wait, or
    read, for ever)."""
    try:
        with open_regular(path) as fh:
            return fh.read()
    except OSError:
        return None


def _split(data: bytes | bytearray) -> set[bytes]:
    return {bytes(data[i : i + TAG_BYTES]) for i in range(0, len(data) - TAG_BYTES + 1, TAG_BYTES)}


def _read_tags(path: Path) -> set[str]:
    data = read_cache_file(path)
    if data is None or not data.startswith(_MAGIC):
        return set()
    end = len(data) - (len(data) - len(_MAGIC)) % TAG_BYTES  # a torn append leaves a partial record
    return {data[i : i + TAG_BYTES].decode("latin-1") for i in range(len(_MAGIC), end, TAG_BYTES)}
