"""Reading a published log (a directory or an https URL) and checking it against its signed checkpoint."""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
import threading
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from generator._internal.files import open_regular
from generator.errors import CredregError, UsageError
from generator.tlog import merkle
from generator.tlog.note import Checkpoint, Note, NoteError, Verifier, parse_checkpoint, parse_note, verify_signature
from generator.tlog.tiles import (
    ENTRIES,
    TILE_HEIGHT,
    TILE_WIDTH,
    TILES_DIR,
    TileSource,
    decode_bundle,
    encode_bundle,
    tile_path,
    tile_width,
)

__all__ = ["LogError", "LogSource", "VerifiedLog", "log_origin", "open_log"]

#: Bound on any one file of a log (a full tile is 8 KiB; a bundle of 256 entries a few dozen KiB).
MAX_FILE = 4 * 1024 * 1024
#: Seconds another host is given to serve one file of a log, whole (not per read: see :func:`fetch`).
FETCH_TIMEOUT = 30.0


class LogError(CredregError):
    """The log is not what its checkpoint says, or not consistent with an earlier checkpoint."""


def log_origin(site_url: str) -> str:
    """The log's origin (and key name): the scheme-less URL of the site's ``log/``, no trailing slash."""
    parts = urlsplit(site_url)
    return f"{parts.netloc}{parts.path.rstrip('/')}/log"


class LogSource:
    """Files of a log under a directory or an http(s) URL prefix."""

    def __init__(self, location: str | Path, *, timeout: float = FETCH_TIMEOUT) -> None:
        text = str(location)
        self.timeout = timeout
        """Seconds another host is given for each file, whole (:func:`fetch`)."""
        self.url = text.rstrip("/") + "/" if text.startswith(("https://", "http://")) else None
        self.dir = None if self.url else Path(location)
        if self.dir is not None and not self.dir.is_dir():
            raise UsageError(f"{self.dir} is not a directory holding a log (checkpoint, tile/…)")
        self.overlay: dict[str, bytes] = {}
        self.tiles: LogSource | None = None
        """Where the tiles and entry bundles are when not under this prefix: a site that publishes its
        verification data at another address serves them from there (docs/hosting.md)."""

    def __str__(self) -> str:
        # Without its closing slash, as a folder is named: messages add "/<file>" (an address with "//" in it named
        # a file that was never fetched).
        return self.url.removesuffix("/") if self.url else str(self.dir)

    def read(self, rel: str) -> bytes | None:
        if rel in self.overlay:
            return self.overlay[rel]
        if self.tiles is not None and rel.startswith(f"{TILES_DIR}/"):
            return self.tiles.read(rel)
        if self.dir is not None:
            path = self.dir / rel
            try:
                # A log folder is anyone's (a clone of the log branch, a folder handed over): a plain file only, as
                # every reader of the repository's files opens one, and read within the bound. A link to /dev/zero
                # read until memory ran out, a FIFO blocked for ever.
                with open_regular(path) as handle:
                    local = handle.read(MAX_FILE + 1)
            except (FileNotFoundError, NotADirectoryError):
                return None
            except OSError as exc:  # a link, a FIFO, a folder, no permission
                raise LogError(f"cannot read {path}: {exc.strerror or exc}") from None
            if len(local) > MAX_FILE:
                raise LogError(f"{path} is larger than any log file can be")
            return local
        assert self.url is not None
        try:
            data = fetch(self.url + rel, MAX_FILE + 1, self.timeout)
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return None
            raise LogError(f"{self.url}{rel}: HTTP {exc.code}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise LogError(f"cannot fetch {self.url}{rel}: {exc}") from None
        if len(data) > MAX_FILE:
            raise LogError(f"{self.url}{rel} is larger than any log file can be")
        return data

    def at(self, location: str | Path) -> LogSource:
        """Another location read as this one is (its time limit)."""
        return LogSource(location, timeout=self.timeout)

    def tile(self, level: int, index: int, width: int) -> bytes:
        rel = tile_path(level, index, width)
        data = self.read(rel)
        if data is None and width < TILE_WIDTH:
            # A partial tile may be gone once the full one exists: the full one starts with the same content.
            full = self.read(tile_path(level, index))
            if full is not None and level == ENTRIES:
                try:
                    data = encode_bundle(decode_bundle(full)[:width])
                except ValueError as exc:  # the host's bytes: a file that does not read, named, not a traceback
                    raise LogError(f"{str(self.tiles or self).rstrip('/')}/{tile_path(level, index)}: {exc}") from None
            elif full is not None:
                data = full[: width * 32]
        if data is None:  # named by its address, as the page names it (tlog.js TileSource)
            raise LogError(f"{str(self.tiles or self).rstrip('/')}/{rel} is missing")
        return data


class _Deadline:
    """One overall deadline for every connection a fetch makes (one per redirect): at it, each is shut down, which
    ends whatever read is waiting on it (connecting, the headers, a chunk's size line, the body alike)."""

    def __init__(self, timeout: float) -> None:
        self.at = time.monotonic() + timeout
        self.expired = False
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []

    def left(self) -> float:
        return self.at - time.monotonic()

    def add(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                self._shut(sock)

    def expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                self._shut(sock)

    @staticmethod
    def _shut(sock: socket.socket) -> None:
        with contextlib.suppress(OSError):
            # The plain socket's shutdown, under a TLS one too: a blocked read returns, the TLS state untouched.
            socket.socket.shutdown(sock, socket.SHUT_RDWR)


def _opener(deadline: _Deadline) -> urllib.request.OpenerDirector:
    """urlopen's opener (redirects, proxies), its connections registered with ``deadline`` and each given no more
    than what is left of it to connect."""

    def connecting(connection: http.client.HTTPConnection) -> None:
        left = deadline.left()
        if left <= 0:
            raise TimeoutError("the file's time ran out")
        given = connection.timeout
        connection.timeout = min(given, left) if isinstance(given, float | int) else left

    class Plain(http.client.HTTPConnection):
        def connect(self) -> None:
            connecting(self)
            super().connect()
            deadline.add(self.sock)

    class Tls(http.client.HTTPSConnection):
        def connect(self) -> None:
            connecting(self)
            super().connect()
            deadline.add(self.sock)

    class Http(urllib.request.HTTPHandler):
        def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
            return self.do_open(Plain, req)

    class Https(urllib.request.HTTPSHandler):
        def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
            return self.do_open(Tls, req, context=self._context)  # type: ignore[attr-defined]

    class SameOrigin(urllib.request.HTTPRedirectHandler):
        def redirect_request(
            self,
            req: urllib.request.Request,
            fp: Any,
            code: int,
            msg: str,
            headers: Any,
            newurl: str,
        ) -> urllib.request.Request | None:
            # As the page's fetch: its Content-Security-Policy lets it read the site and the data host only, each
            # hop of a redirect checked, so a host that sends it elsewhere (another host, http for https) is an
            # error there. credreg followed it anywhere, and found logged what the page could not read.
            if _origin(newurl) != _origin(req.full_url):
                raise LogError(f"{req.full_url} redirects to {newurl}, another origin: not read, as on the page")
            return super().redirect_request(req, fp, code, msg, headers, newurl)

    return urllib.request.build_opener(Http, Https, SameOrigin)


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


def fetch(url: str, limit: int, timeout: float) -> bytes:
    """Up to ``limit`` bytes of ``url``, all within ``timeout`` seconds: LogError past it.

    urlopen's timeout bounds each read of the socket, not the file: a host sending a byte every 29 s of a 30 s limit
    kept a 4 MiB file coming for weeks, a verifier waiting all along; so could its headers, a chunked body's size
    lines (many reads of the socket in one of the body) and a chain of redirects. Every connection of the fetch is
    shut down at one deadline (:class:`_Deadline`), and nothing read is returned once it has passed (a shut
    connection reads as the end of the file). Only the name's lookup (the system's resolver) is outside it."""
    deadline = _Deadline(timeout)
    late = LogError(f"cannot fetch {url}: not served whole within {timeout:g} s")
    timer = threading.Timer(max(deadline.left(), 0), deadline.expire)
    timer.daemon = True
    timer.start()
    try:
        # Revalidated by any cache on the way (a proxy, a CDN honouring it), as the page's fetches are (sitedata.js
        # REVALIDATE): a copy kept from before a publish lacks its revocations and log entries.
        request = urllib.request.Request(url, headers={"Cache-Control": "no-cache"})  # noqa: S310 (LogSource: http(s) only)
        with _opener(deadline).open(request, timeout=timeout) as response:
            coding = _content_coding(url, response.headers.get_all("Content-Encoding") or [])
            chunks: list[bytes] = []
            total = 0
            while total < limit:
                chunk: bytes = response.read1(min(64 * 1024, limit - total))
                if not chunk:
                    break
                chunks.append(chunk)
                total += len(chunk)
    except (OSError, http.client.HTTPException) as exc:
        # Or past it: each connection's own timeout is what is left of the deadline, and fires with the timer
        # thread, which a loaded machine may run later (the socket's bare "timed out" was said then).
        if deadline.expired or deadline.left() <= 0:
            raise late from None
        if isinstance(exc, http.client.HTTPException):
            raise LogError(f"cannot fetch {url}: {exc!r}") from None
        raise
    finally:
        timer.cancel()
    if deadline.expired:  # a connection shut at the deadline reads as a short file: not the host's file
        raise late
    body = b"".join(chunks)
    return body if coding is None else _decoded(url, body, coding, limit)


#: The Content-Encodings a served file is undone from, as a browser undoes them before the page reads it (gzip, and
#: deflate in its zlib wrapping, RFC 9110 §8.4.1): zlib's window bits for each.
_CODINGS = {"gzip": 31, "x-gzip": 31, "deflate": 15}


def _content_coding(url: str, given: list[str]) -> str | None:
    """The one Content-Encoding to undo (None: the body is the file), or LogError for one credreg cannot undo.

    The file is what a browser hands the verification page (sitedata.js fetchBounded reads it after the browser
    undid the encoding): a data host that sends its stored tiles and shards with ``Content-Encoding: gzip`` (an S3
    object's metadata, sent whatever the client asked) had the page find an award logged and credreg say its tiles
    do not check out."""
    codings = [part.strip().lower() for value in given for part in value.split(",") if part.strip()]
    codings = [c for c in codings if c != "identity"]
    if not codings:
        return None
    if len(codings) == 1 and codings[0] in _CODINGS:
        return codings[0]
    raise LogError(f"{url} is served with Content-Encoding {', '.join(codings)}, which credreg does not undo")


def _decoded(url: str, body: bytes, coding: str, limit: int) -> bytes:
    """``body`` with its Content-Encoding undone: at most ``limit`` bytes (a caller reading ``limit`` bytes finds it
    too large, a small answer that inflates to gigabytes stopping there), or LogError when it is not whole."""
    if len(body) >= limit:  # cut at the bound: what it inflates to is part of a file, and already too large
        return body
    inflate = zlib.decompressobj(wbits=_CODINGS[coding])
    try:
        data = inflate.decompress(body, limit)
    except zlib.error:
        raise LogError(f"{url} is not {coding} as its Content-Encoding says") from None
    if len(data) < limit and not inflate.eof:
        raise LogError(f"{url} is not {coding} as its Content-Encoding says: it ends before its end")
    return data


@dataclass
class VerifiedLog:
    """A log whose checkpoint carries a valid signature of the registry's log key."""

    source: LogSource
    verifier: Verifier
    note: Note
    checkpoint: Checkpoint
    _tiles: TileSource | None = field(default=None, repr=False)

    @property
    def size(self) -> int:
        return self.checkpoint.size

    @property
    def tiles(self) -> TileSource:
        if self._tiles is None:
            self._tiles = TileSource(self.source.tile, self.size)
        return self._tiles

    def bundle(self, index: int) -> list[bytes]:
        return self._bundle(index)[1]

    def _bundle(self, index: int) -> tuple[bytes, list[bytes]]:
        """Entry bundle ``index`` as served, and its entries (as many as the checkpoint's size says)."""
        width = tile_width(0, index, self.size)
        raw = self.source.tile(ENTRIES, index, width)
        try:
            entries = decode_bundle(raw)
        except ValueError as exc:
            raise LogError(f"{self.source}: entry bundle {index}: {exc}") from None
        if len(entries) != width:
            raise LogError(f"{self.source}: entry bundle {index} holds {len(entries)} entries, not {width}")
        return raw, entries

    def entries(self, start: int = 0) -> Iterator[tuple[int, bytes]]:
        """(index, entry) from ``start`` to the checkpoint's size, each proven to be in the signed tree.

        From 0 the whole tree is rebuilt from the entries and its root compared once; from later, every
        entry's inclusion proof is checked (a monitor reads a few new entries, not the whole log).
        """
        rebuild = merkle.MemoryTree() if start == 0 else None
        index = start
        for n in range(start // TILE_WIDTH, -(-self.size // TILE_WIDTH)):
            for entry in self.bundle(n)[index - n * TILE_WIDTH :]:
                leaf = merkle.leaf_hash(entry)
                if rebuild is not None:
                    rebuild.append(leaf)
                elif not self.proves(leaf, index):
                    raise LogError(f"{self.source}: entry {index} is not in the tree the checkpoint signs")
                yield index, entry
                index += 1
        if rebuild is not None and rebuild.root() != self.checkpoint.root:
            raise LogError(f"{self.source}: the entries do not hash to the checkpoint's root")

    def audit(self) -> None:
        """Check that the entries hash to the checkpoint's root and that every hash tile, at every level,
        holds exactly the hashes they produce (what a site serves must be what it signed)."""
        self.audit_files()

    def audit_files(
        self,
        visit: Callable[[int, bytes], None] | None = None,
        sink: Callable[[str, bytes], None] | None = None,
    ) -> TileSource:
        """:meth:`audit` in one pass over the files of the checkpoint's size: each entry bundle against its
        level-0 tile (its leaf hashes), each tile above against the roots of the full tiles below, and the root
        of the tiles against the checkpoint. ``visit(index, entry)`` sees every entry and ``sink(path, bytes)``
        every bundle and tile, as checked (a bundle is not kept); LogError as soon as one does not check out,
        and then what ``sink`` got must be thrown away. Returns the checked hash tiles, held in memory (32 bytes
        per entry), as a :class:`TileSource`."""
        size, tiles = self.size, {}
        below: list[bytes] = []  # the roots of the full tiles of the level below, in order
        for n in range(-(-size // TILE_WIDTH)):
            raw, entries = self._bundle(n)
            width = len(entries)
            rel = tile_path(0, n, width)
            tile = self.source.tile(0, n, width)
            if tile != b"".join(merkle.leaf_hash(e) for e in entries):
                raise LogError(f"{self.source}: {rel} does not hold the log's hashes (of entry bundle {n})")
            if visit is not None:
                for offset, entry in enumerate(entries):
                    visit(n * TILE_WIDTH + offset, entry)
            if sink is not None:
                sink(tile_path(ENTRIES, n, width), raw)
            tiles[rel] = tile
            if width == TILE_WIDTH:
                below.append(_tile_root(tile))
        level = 1
        while (count := size >> (TILE_HEIGHT * level)) > 0:
            roots = []
            for n in range(-(-count // TILE_WIDTH)):
                width = tile_width(level, n, size)
                rel = tile_path(level, n, width)
                tile = self.source.tile(level, n, width)
                if tile != b"".join(below[n * TILE_WIDTH : n * TILE_WIDTH + width]):
                    raise LogError(f"{self.source}: {rel} does not hold the log's hashes")
                tiles[rel] = tile
                if width == TILE_WIDTH:
                    roots.append(_tile_root(tile))
            below, level = roots, level + 1
        checked = TileSource(lambda lv, i, w: tiles[tile_path(lv, i, w)], size)
        if merkle.root_hash(checked, size) != self.checkpoint.root:
            raise LogError(f"{self.source}: the entries do not hash to the checkpoint's root")
        if sink is not None:
            for rel, tile in tiles.items():
                sink(rel, tile)
        return checked

    def proves(self, leaf: bytes, index: int) -> bool:
        try:
            proof = merkle.inclusion_proof(self.tiles, index, self.size)
        except ValueError:
            return False
        return merkle.verify_inclusion(leaf, index, self.size, proof, self.checkpoint.root)

    def check_tiles(self) -> None:
        """The tiles' root is the checkpoint's (reads only the right edge of the tree)."""
        try:
            root = merkle.root_hash(self.tiles, self.size)
        except ValueError as exc:
            raise LogError(f"{self.source}: {exc}") from None
        if root != self.checkpoint.root:
            raise LogError(f"{self.source}: the tiles do not hash to the checkpoint's root")

    def consistent_with(self, old: Checkpoint) -> bool:
        """RFC 9162 consistency of ``old`` with this checkpoint, the proof computed from this log's tiles."""
        if old.origin != self.checkpoint.origin or old.size > self.size:
            return False
        try:
            proof = merkle.consistency_proof(self.tiles, old.size, self.size)
        except (ValueError, LogError):
            return False
        return merkle.verify_consistency(old.size, self.size, old.root, self.checkpoint.root, proof)


def _tile_root(tile: bytes) -> bytes:
    """The root of a full tile's 256 hashes (the hash its parent tile holds for it)."""
    return merkle.MemoryTree([tile[i : i + merkle.HASH_SIZE] for i in range(0, len(tile), merkle.HASH_SIZE)]).root()


def read_note(data: bytes | None, where: str) -> tuple[Note, Checkpoint]:
    if data is None:
        raise LogError(f"{where}: no checkpoint")
    try:
        note = parse_note(data)
        return note, parse_checkpoint(note.text)
    except NoteError as exc:
        raise LogError(f"{where}: {exc}") from None


def open_log(source: LogSource, verifier: Verifier, *, origin: str | None = None) -> VerifiedLog:
    """The log's checkpoint, refused unless signed by ``verifier`` (and for ``origin``, when given)."""
    note, checkpoint = read_note(source.read("checkpoint"), f"{source}/checkpoint")
    if not verify_signature(note, verifier):
        raise LogError(f"{source}/checkpoint is not signed by the log key {verifier.vkey}")
    if checkpoint.origin != (origin or verifier.name):
        wanted = json.dumps(origin or verifier.name, ensure_ascii=False)  # quoted as the page quotes it (tlog.js)
        raise LogError(
            f"{source}/checkpoint is for the log {json.dumps(checkpoint.origin, ensure_ascii=False)}, not {wanted}"
        )
    return VerifiedLog(source, verifier, note, checkpoint)
