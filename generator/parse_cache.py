"""A parse cache for the registry's YAML files: each file is parsed once, not on every ``check`` and ``build``.

Parsing YAML through the position-keeping event builder (:func:`generator._internal.source.parse_yaml`) is most
of the cost of loading a registry: about 0.6 ms per credential definition. ``make site`` and CI run
``credreg check`` and then ``credreg build`` on the same files, so the second run (and every later one on
unchanged files) reads the values back instead.

What is cached is only "the bytes with SHA-256 ``h`` parse to these plain values": never a verdict. Schema and
model validation run on the values on every load, exactly as after a fresh parse, so a cache entry cannot make a
file pass a rule it fails. Why an entry cannot substitute other values for a file:

* **Exact bytes.** The key is the SHA-256 of the file's bytes (never a path or a modification time). Change one
  byte and the entry is not found.
* **Authenticated.** Each entry carries ``HMAC-SHA256(secret, fingerprint ‖ h ‖ values)``, with the secret of
  the verification cache (:func:`generator.verify.cache.cache_secret`: kept outside every cache). A planted,
  copied or edited entry does not match and is ignored: the file is parsed again. Without a secret nothing is
  cached.
* **The code.** The fingerprint covers the toolkit's version, the parser's source (and the characters it
  refuses), this module, PyYAML's and Python's versions: a new parser, new cache.
* **Only successes.** A file that does not parse is parsed again on every run (its problems need the parser).

Positions (line and column of each value) are not stored: a document read from the cache re-parses its text
the first time a problem needs one, so messages are the same as after a cold parse.

Layout: ``<cache dir>/parsed.jsonl`` (the verification cache's folder, :func:`default_cache_dir`, ignored by
Git): a header line, then one line per file, ``<sha256 hex> <tag hex> <values as JSON>``. Each load rewrites
it with the entries it used, so it never holds more than the registry's files. A damaged line is a miss.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import importlib.metadata
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from generator import __version__
from generator._internal.source import Document, Positions, parse_yaml
from generator.verify.cache import cache_secret, default_cache_dir, read_cache_file, usable_cache_dir, write_cache_file

__all__ = ["ParseCache", "parse_fingerprint"]

_MAGIC = b"credreg-pcache1\n"
_FILE = "parsed.jsonl"
_TAG_BYTES = 16
_DOMAIN = b"credreg-parse\0"  # the verification cache shares the secret: its statements are another language


@functools.cache
def parse_fingerprint() -> bytes:
    """SHA-256 over what the parsed values depend on: the parser's code and the versions around it."""
    digest = hashlib.sha256(_MAGIC)
    digest.update(f"{sys.version}\0credreg={__version__}\0".encode())
    try:
        digest.update(f"PyYAML={importlib.metadata.version('PyYAML')}\0".encode())
    except importlib.metadata.PackageNotFoundError:
        digest.update(b"PyYAML=absent\0")
    digest.update(f"libyaml={getattr(yaml, '__with_libyaml__', False)}\0".encode())
    package = Path(__file__).resolve().parent
    for part in ("_internal/source.py", "_internal/text.py", "parse_cache.py"):  # text.py: UNSEEN
        digest.update(part.encode() + b"\0" + hashlib.sha256((package / part).read_bytes()).digest())
    return digest.digest()


class _ReparsedPositions(Positions):
    """Positions found by parsing the text again, the first time a problem needs one."""

    __slots__ = ("_path", "_text")

    def __init__(self, text: str, path: str) -> None:
        super().__init__()
        self._text: str | None = text
        self._path = path

    def locate(self, path: Sequence[str | int]) -> tuple[int, int]:
        if self._text is not None:
            self.at.update(parse_yaml(self._text, self._path).positions.at)  # parsed before: it parses again
            self._text = None
        return super().locate(path)


class ParseCache:
    """Parsed values of YAML files by the SHA-256 of their bytes; see the module's documentation."""

    def __init__(self, secret: bytes, path: Path | None = None) -> None:
        if len(secret) < 16:
            raise ValueError("the cache secret must have at least 128 bits")
        self.path = path
        self._key = secret
        self._namespace = _DOMAIN + parse_fingerprint()
        self._entries: dict[str, bytes] = _read_entries(path) if path is not None else {}
        self._used: dict[str, bytes] = {}
        self.hits = 0
        self.misses = 0

    @classmethod
    def open(cls, root: Path, directory: Path | None = None) -> ParseCache | None:
        """The registry's cache, or ``None`` when no secret can be kept safely (then nothing is cached)."""
        directory = directory or default_cache_dir(root)
        secret = cache_secret(directory) if usable_cache_dir(root, directory) else None
        return None if secret is None else cls(secret, directory / _FILE)

    def _tag(self, digest: str, payload: bytes) -> str:
        return hmac.digest(self._key, self._namespace + digest.encode() + b"\0" + payload, "sha256")[:_TAG_BYTES].hex()

    def parse(self, raw: bytes, text: str, rel: str) -> Document:
        """``parse_yaml(text, rel)`` (``text`` is ``raw`` decoded), from the cache when an entry vouches for
        these bytes. Raises :class:`~generator._internal.source.SourceError` as ``parse_yaml`` does."""
        digest = hashlib.sha256(raw).hexdigest()
        line = self._entries.get(digest)
        if line is not None:
            data = self._read(digest, line)
            if data is not None:
                self.hits += 1
                self._used[digest] = line
                return Document(rel, data, _ReparsedPositions(text, rel))
        self.misses += 1
        doc = parse_yaml(text, rel)
        try:
            payload = json.dumps(doc.data, separators=(",", ":")).encode()
        except ValueError:
            return doc  # not expected of parsed YAML; then this file is simply not cached
        self._used[digest] = f"{self._tag(digest, payload)} ".encode() + payload
        return doc

    def _read(self, digest: str, line: bytes) -> Any:
        """The values of an entry whose tag matches, else ``None`` (a damaged or planted entry: a miss)."""
        tag, _, payload = line.partition(b" ")
        if not hmac.compare_digest(tag, self._tag(digest, payload).encode()):
            return None
        try:
            return json.loads(payload)
        except ValueError:  # cannot happen for an entry this code wrote; a miss all the same
            return None

    def save(self) -> None:
        """Keep exactly the entries this load used or added (files removed or changed since drop out)."""
        if self.path is None or self._used == self._entries:
            return
        try:
            body = b"".join(d.encode() + b" " + line + b"\n" for d, line in sorted(self._used.items()))
            write_cache_file(self.path, _MAGIC + body)
        except OSError:
            return  # a cache that cannot be written is only slower next time
        self._entries = dict(self._used)


def _read_entries(path: Path) -> dict[str, bytes]:
    """``sha256 hex → "tag payload"`` lines of the cache file; a missing or foreign file is an empty cache."""
    data = read_cache_file(path)
    if data is None or not data.startswith(_MAGIC):
        return {}
    entries: dict[str, bytes] = {}
    for line in data[len(_MAGIC) :].split(b"\n"):
        digest, _, rest = line.partition(b" ")
        if len(digest) == 64 and rest:  # a torn last line has no tag to match: checked on use
            entries[digest.decode("latin-1")] = rest
    return entries
