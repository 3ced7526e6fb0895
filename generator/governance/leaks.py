"""No private key, and no list of recipients, ever enters the repository: every added or changed file (in a pull
request), and every file of the repository but the awards (in the full check), is searched for one.

A private key is recognised, in JSON, YAML or any text, by:

* a ``seed`` field (``seed: …``, ``seed=…``, the two apart by any spaces or line breaks, as JSON, a URL or HTML
  writes them: ``\\n``, ``%0A``, ``+``, ``&#10;``) holding a base64, base64url or base58 value of 32 or 64 bytes
  (not hex: a digest, as an LMS's ``?seed=`` is; not a share token of another length), up to anything but a name's
  continuation (source code's ``seed=make(…)`` names a value): a credreg private key file (an issuer's, a log's
  or a witness's), named by its ``format`` field, quoted or not, any of its characters possibly a JSON escape
  (``\\/``, ``\\u0063``), or a seed copied alone;
* an Ed25519 private Multikey (``z3u2…``, the multicodec ``ed25519-priv``) anywhere, as a token of its own (the
  end of an escape, ``\\n`` or ``%0A``, may touch it);
* a field of a Multikey or DID document whose name starts ``privateKey`` or ``secretKey`` (its Multibase,
  Base58, … forms) holding a value, or a JWK's ``d`` (``"d": "…"``, ``'d': '…'`` as Python and JavaScript write
  it, ``d: …`` in YAML, and ``d=…`` in a URL whose query names ``kty``, ``crv`` or ``x`` too), but for the few
  keys a standard prints as its test vectors (:data:`PUBLISHED_TEST_KEY_DIGESTS`);
* PEM armour (``-----BEGIN … PRIVATE KEY-----``: PKCS#8, RSA, EC, OpenSSH, encrypted; its spaces as ``+`` too,
  as a URL's query writes them) followed by a key's body: base64 that starts a DER SEQUENCE of a key's length
  or OpenSSH's ``openssh-key-v1`` (past line breaks, comment marks and a legacy encrypted key's headers). Armour
  alone, as a narrative quotes it (``…`` or ``<your key>`` for a body), holds no key;
* a file that is nothing but key material: 32 or 64 bytes of binary, or one base64, base64url or base58
  token of 32 or 64 bytes (an Ed25519 seed, or a seed with its public key). Hex is not taken: a SHA-256
  digest alone in a file is common and public.

With the registry at hand (the award check, and both checks' search of the other files), any token of 32 bytes
(base64, base64url, base58 or hex, either case; no label needed) is a key when it is the seed of a key the
registry registers (an issuer's or an endorser's): its public key, derived, is one of theirs
(:class:`RegisteredKeys`). Such a token cannot be told from a share token by its text; this tells the worst
case, the live key published. Only runs of the exact lengths are decoded, and each value is derived once.

A list of recipients is a file whose first line is a CSV header with an ``email`` (or ``recipient_key``)
column, however named (``Email Address``, ``student_email``), and which holds an address below it: a cohort file
(``credreg award --csv``), an earners' mapping (``recipients.csv``) or a form's or a learning platform's export;
or a list of addresses with no header. Or, anywhere in a file, a list's rows in any common form
(:func:`listed_rows_line`: a Markdown or HTML table, a bullet list, ``mailto:`` links, a CSV below a title line…),
or a JSON or YAML list of bare addresses: three different ones, two under a header naming a column of addresses,
addresses at example domains counting for nothing. Published, it names the people the registry publishes only as
keyed hashes.

An award (single file or batch line) is searched by :func:`award_secret`, which the award check
(:class:`generator.verify.registry_check.AwardChecker`) applies to every award it reads, in the full check and in
the pull-request check alike: by the same rules, and again with the text's escapes undone (JSON's ``\\u0041``,
``\\"``, ``\\/`` and ``\\\\``, and a URL's ``%41``), so that a key pasted into any string field (an evidence URL,
its query or fragment, a narrative, a name, an extension field) is found however it is written there. An HTML
entity of a printable character (``&#47;``, ``&#x2F;``, ``&sol;``) is undone too, and the content of a
``data:…;base64,`` URL is decoded (base64 of base64 again, a few levels deep) and searched by the same rules, the
bare-file one included, hex too there (a data: URL holding nothing but a key's bytes is a key file); so is any
other run of base64 long enough to hold a key's text (:data:`_MIN_BLOB`) that decodes to text.

A compressed file, an archive (an Office or OpenDocument file is one) or a PDF is refused whole (:func:`opaque_kind`):
its contents would be read by none of the rules above.

Symbolic links are not followed: a link's target is a path, not content, and following it could read files
outside the repository.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import csv
import dataclasses
import functools
import hashlib
import html
import itertools
import json
import os
import re
import tomllib
import urllib.parse
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from generator import layout
from generator._internal.files import ChangedSinceVetted, open_regular
from generator._internal.git import git_output, git_stream, not_read_from_disk
from generator._internal.lazyre import LazyPattern
from generator._internal.rasters import extra_content, raster_format, unwalked_format
from generator._internal.source import SourceError, parse_json
from generator._internal.svg import unseen_content
from generator._internal.text import drop_ignored
from generator.awarding.keys import PRIVATE_KEY_FORMAT
from generator.crypto.ed25519 import public_from_seed
from generator.crypto.multibase import b58decode, public_key_bytes
from generator.errors import CryptoError, GitFailed, Location, Problem, ProblemList
from generator.governance.context import PullRequest
from generator.governance.git import ChangeStatus
from generator.models.award import NO_PERSON_AT, READ_AS, RECIPIENT_KEY_IN_TEXT, as_read
from generator.openbadges import mailbox
from generator.transparency.keys import NOTE_KEY_FORMAT

if TYPE_CHECKING:
    from generator.registry import Registry

__all__ = ["award_secret", "check_private_keys", "private_key_line", "repository_leaks", "secret_in"]

PRIVATE_KEY_CODE = "governance.private-key"
OPAQUE_CODE = "governance.opaque-file"
IMAGE_CODE = "governance.image-metadata"

#: Bytes of a file read for the search: a key or a header is near the top, and a large file is not one.
SCAN_BYTES = 4 * 1024 * 1024


def _spelt(text: str, *, escaped: bool) -> bytes:
    """A pattern for ``text``; ``escaped``: with any character possibly written as a JSON ``\\uXXXX`` escape (and
    ``/`` as ``\\/``), as ``json.loads`` reads them. Only a file holding such an escape is searched so: a pattern that
    starts with a literal is found ten times faster."""
    if not escaped:
        return re.escape(text.encode())
    parts = []
    for char in text:
        code = f"{ord(char):04x}"
        escapes = [re.escape(char.encode()), rb"\\u" + b"".join(f"[{c}{c.upper()}]".encode() for c in code)]
        if char == "/":
            escapes.append(rb"\\/")
        parts.append(b"(?:" + b"|".join(escapes) + b")")
    return b"".join(parts)


#: Between a label and its value, or PEM armour and its body: spaces and line breaks however a text writes them (a
#: JSON escape ``\n``, a URL's ``%0A``, ``%20`` or ``+``, an HTML entity ``&#10;``). Line breaks are never undone
#: (:data:`_ESCAPE`), so each pattern reads them itself. Repeated possessively (``*+``): a gap given back to a value
#: beginning with ``+`` would make a long run of them a quadratic search.
_GAP = rb"(?:[\s+]|\\[nrt]|%(?:0[9AaDd]|20)|&#(?:0*(?:9|10|13|32)|[xX]0*(?:[9AaDd]|20));)"

#: Where a value ends: at anything but more of it, a call, an index or an attribute (``seed: make_seed(…)``,
#: ``seed=settings.value`` in source code name a value, they do not hold one). So a value ends at a quote, a
#: space, a JSON escape (``\\n``), a URL's next parameter (``&``), fragment (``#``) or folder (``/``), a full stop.
_END = rb"""(?![\w(\[-]|\.\w)"""


def _key_file_patterns(*, escaped: bool) -> tuple[re.Pattern[bytes], tuple[tuple[re.Pattern[bytes], str], ...]]:
    """The ``seed`` field, and the ``format`` fields that name a credreg key file (in JSON, YAML or a mapping in
    source code: the field name's opening quote is not needed to find it)."""

    def field(name: str) -> bytes:
        return _spelt(name, escaped=escaped) + rb"""["']?""" + _GAP + rb"*+[:=]" + _GAP + rb"""*+["']?"""

    # Its value is told a key by what it decodes to (:func:`_key_sized`): a share or tracking token after
    # ``?seed=`` is not 32 bytes, a SHA-1 or SHA-256 digest in hex (an LMS's ``?seed=`` of a quiz) is public.
    seed = re.compile(field("seed") + rb"([A-Za-z0-9+/_-]{40,}={0,2})" + _END)
    # Built from the constants, so this module (and any file that merely names the format) is not a match.
    formats = (
        (re.compile(field("format") + _spelt(PRIVATE_KEY_FORMAT, escaped=escaped)), "a credreg private key"),
        (re.compile(field("format") + _spelt(NOTE_KEY_FORMAT, escaped=escaped)), "a transparency-log private key"),
    )
    return seed, formats


_KEY_FILES = {escaped: _key_file_patterns(escaped=escaped) for escaped in (False, True)}
#: The start of PEM armour's body when it is a key: a DER SEQUENCE (PKCS#8, encrypted PKCS#8, PKCS#1, SEC1: every
#: PEM private key but OpenSSH's), or OpenSSH's magic. Armour alone (a narrative quoting ``-----BEGIN … KEY-----``,
#: a body of ``...`` or ``<your key>``) holds no key.
_PEM_BODY = re.compile(
    rb"(?:" + _GAP + rb"|#|//|;|>|\*)*+"  # line breaks, and a comment's marks before each line
    rb"(?:(?:Proc-Type|DEK-Info):[^\n\\%]*+(?:" + _GAP + rb"|#|//|;|>|\*)++)*+"  # a legacy encrypted key's headers
    rb"([A-Za-z0-9+/]{4,})"
)
_OPENSSH_MAGIC = b"openssh-key-v1\0"


def _pem_body(data: bytes, match: re.Match[bytes]) -> bool:
    """Whether the armour ``match`` found is followed by a key's body (:data:`_PEM_BODY`)."""
    body = _PEM_BODY.match(data, match.end())
    if body is None:
        return False
    head = base64.b64decode(body[1][:8][: len(body[1][:8]) // 4 * 4])
    # A DER SEQUENCE of a key's length (a short form of 32 or more bytes, or a long form): not a word's letters.
    der = head[:1] == b"\x30" and len(head) > 1 and (0x20 <= head[1] < 0x80 or 0x81 <= head[1] <= 0x83)
    return der or (len(head) >= 3 and _OPENSSH_MAGIC.startswith(head))


def _jwk_query(data: bytes, match: re.Match[bytes]) -> bool:
    """Whether the URL holding ``d=…`` (``match``) is a JWK's (its query or fragment names ``kty``, ``crv`` or
    ``x`` too): a ``d`` alone is a share token's name as often."""
    before = data[max(0, match.start() - 2048) : match.start()]
    start = max(before.rfind(c) for c in (b" ", b"\n", b'"', b"'", b"<", b"\t")) + 1
    after = data[match.end() : match.end() + 2048]
    ends = [i for i in (after.find(c) for c in (b" ", b"\n", b'"', b"'", b"<", b"\t")) if i >= 0]
    url = before[start:] + b"&" + after[: min(ends, default=len(after))]
    return re.search(rb"[?&;#](?:kty|crv|x)=", url) is not None


def _d_value(data: bytes, match: re.Match[bytes]) -> bool:
    return _key_sized(match[1], sizes=_SEED_SIZES)


#: (a byte string every match holds, the pattern, what it finds, a test of a match or None): the pattern is searched
#: for only when the file holds the string, a test ten times faster than a search that cannot start from a literal.
_KEY_PATTERNS: tuple[tuple[bytes, re.Pattern[bytes], str, Callable[[bytes, re.Match[bytes]], bool] | None], ...] = (
    (
        b"PRIVATE",
        re.compile(rb"-----BEGIN[ +](?:[A-Z0-9]+[ +])*PRIVATE[ +]KEY-----"),
        "a PEM private key",
        _pem_body,
    ),
    (
        b"Key",
        re.compile(
            rb"""(?:private|secret)Key(?:Multibase|Base58|Base64|Base64Url|Hex|Pem)["']?"""
            + _GAP
            + rb"*+[:=]"
            + _GAP
            + rb"""*+["']?([A-Za-z0-9+/=_-]{32,})"""
            + _END
        ),
        "a private key (a privateKey field)",
        None,
    ),
    (
        b"z3u2",
        # A token of its own: no base58 character either side, but for the end of an escape before it (a key on a
        # line of its own in a narrative: ``\\nz3u2…``; after a dash, ``\\u2014z3u2…`` or ``%E2%80%94z3u2…``).
        re.compile(
            rb"(?:(?<![1-9A-HJ-NP-Za-km-z])|(?<=\\[nrtbf])|(?<=\\u[0-9A-Fa-f]{4})|(?<=%[0-9A-Fa-f]{2}))"
            rb"(z3u2[1-9A-HJ-NP-Za-km-z]{40,46})(?![1-9A-HJ-NP-Za-km-z])"
        ),
        "an Ed25519 private Multikey (z3u2…)",
        None,
    ),
    # A JWK's "d", in JSON or a Python or JavaScript literal ('d'), and in YAML (a line ``d: …``).
    (
        b'"d"',
        re.compile(rb'"d"' + _GAP + rb"*+[:=]" + _GAP + rb'*+"([A-Za-z0-9_-]{32,}={0,2})"'),
        'a private key (a JWK\'s "d")',
        None,
    ),
    (
        b"'d'",
        re.compile(rb"'d'" + _GAP + rb"*+[:=]" + _GAP + rb"*+'([A-Za-z0-9_-]{32,}={0,2})'"),
        'a private key (a JWK\'s "d")',
        None,
    ),
    (
        b"kty",  # a JWK names its type: the line-start pattern is slow to search every file for
        re.compile(rb"(?m)(?:^|(?<=\\n))[ \t-]*d[ \t]*:[ \t]*[\"']?([A-Za-z0-9_-]{43}=?)[\"']?[ \t]*(?:\r?$|\\[rn])"),
        'a private key (a JWK\'s "d")',
        _d_value,
    ),
    # In a URL's query or fragment, beside the JWK's other members (``?kty=OKP&crv=Ed25519&d=…``).
    (
        b"d=",
        # The literal first, the query's separator behind it: a pattern that starts with a literal is found faster.
        re.compile(rb"d=(?<=[?&;#]d=)([A-Za-z0-9_-]{43}={0,1})(?![A-Za-z0-9_=-])"),
        'a private key (a JWK\'s "d" in a URL)',
        lambda data, match: bool(_d_value(data, match) and _jwk_query(data, match)),
    ),
)
#: Private keys that are public: printed in a standard as its test vectors (W3C vc-di-eddsa, vendored under
#: tests/fixtures/conformance/), so whoever holds them can sign nothing anyone trusts. Held by their SHA-256, so
#: this module's source holds no key itself.
PUBLISHED_TEST_KEY_DIGESTS = frozenset({"2f542d0414610034680453cc8aab1dd9127036a50ab2ac2f64aa1b5409c555f5"})


def _first_key(data: bytes) -> tuple[int, str] | None:
    """(offset, what) of the first private key in ``data`` by its text (the module's docstring says how)."""
    found: list[tuple[int, str]] = []
    seed_pattern, formats = _KEY_FILES[b"\\u" in data or b"\\/" in data]
    seed = next((m for m in seed_pattern.finditer(data) if _key_sized(m[1], sizes=_KEY_SIZES)), None)
    if seed is not None:
        # A key file by its format marker, when it holds a seed too: text that merely names the format (docs, a
        # test of a damaged file) is not a key.
        marked = [(m.start(), what) for pattern, what in formats if (m := pattern.search(data))]
        found.append(min(marked) if marked else (seed.start(), "a private key seed (a seed field)"))
    for needle, pattern, what, test in _KEY_PATTERNS:
        if needle not in data:
            continue
        for m in pattern.finditer(data):
            if test is not None and not test(data, m):
                continue
            value = m.group(1) if m.groups() else None
            if value is None or hashlib.sha256(value).hexdigest() not in PUBLISHED_TEST_KEY_DIGESTS:
                found.append((m.start(), what))
                break
    return min(found) if found else None


_TOKEN = re.compile(rb"\A[A-Za-z0-9+/_-]{40,90}={0,2}\Z")
_HEX = re.compile(rb"\A[0-9A-Fa-f]+\Z")
_BASE58 = re.compile(rb"\A[1-9A-HJ-NP-Za-km-z]+\Z")
_KEY_SIZES = frozenset({32, 64})
#: Base58's lengths of 32 and 64 bytes.
_BASE58_LENGTHS = frozenset({43, 44, 86, 87, 88})
_SEED_SIZES = frozenset({32})


def _decodings(token: bytes, *, base58: bool = True) -> list[bytes]:
    """What a base64, base64url or (for a 32-byte value's length) base58 token decodes to."""
    decoded: list[bytes] = []
    token = token.rstrip(b"=")
    altchars = b"-_" if b"-" in token or b"_" in token else None
    with contextlib.suppress(binascii.Error, ValueError):
        decoded.append(base64.b64decode(token + b"=" * (-len(token) % 4), altchars=altchars, validate=True))
    if base58 and len(token) in _BASE58_LENGTHS:  # a key's only: decoding base58 is quadratic in its length
        with contextlib.suppress(CryptoError, UnicodeDecodeError):
            decoded.append(b58decode(token.decode("ascii")))
    return decoded


def _key_sized(token: bytes, *, sizes: frozenset[int], hex_ok: bool = False) -> bool:
    """Whether ``token`` (or its part before a ``/``, a URL's next folder) decodes to a key's size; hex only when
    ``hex_ok`` (a digest in hex is public and common)."""
    for part in dict.fromkeys((token, token.split(b"/")[0])):
        if _HEX.match(part):
            if hex_ok and len(part) // 2 in sizes and len(part) % 2 == 0 and _whole_key(bytes.fromhex(part.decode())):
                return True
            continue
        if any(len(value) in sizes and _whole_key(value) for value in _decodings(part)):
            return True
    return False


def _whole_key(value: bytes) -> bool:
    """Whether a value of a key's size is one: any 32 bytes may be a seed; 64 bytes are a seed and its public key
    (libsodium's secret key) only when the second half is the first's public key (a 64-byte token is not)."""
    return len(value) != 64 or public_from_seed(value[:32]) == value[32:]


def _bare_key(data: bytes, *, hex_ok: bool = False) -> str | None:
    """What ``data`` is when it is nothing but key material (see the module's docstring); ``hex_ok``: a hex token
    too (a data: URL's content, where a digest alone is no common file)."""
    if len(data) in _KEY_SIZES:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return "raw key material (a binary file of a key's size)"
        if any(ord(c) < 32 and c not in "\t\n\r" for c in text):
            return "raw key material (a binary file of a key's size)"
    token = data.strip()
    lone = _TOKEN.match(token) or (hex_ok and _HEX.match(token))
    if lone and _key_sized(token, sizes=_KEY_SIZES, hex_ok=hex_ok):
        return "a bare private key seed (one token of a key's size, alone in a file)"
    return None


# --- a bare 32-byte token that is the seed of a registered key --------------------------------------------------


def _run_map(chars: str) -> bytes:
    return bytes(b"a"[0] if chr(c).isascii() and (chr(c).isalnum() or chr(c) in chars) else b" "[0] for c in range(256))


#: A text's bytes mapped to ``a`` (a token's characters: base64url, base58 or hex; with ``/``, base64's) or a
#: space (any other): runs of a token's length are then found by ``bytes.find``, ten times faster than a regular
#: expression tries each offset. ``/`` parts a URL's folders, and paths are long: a run with one is a token only
#: when exactly a token's length (standard base64 of a seed).
_RUN_CHARS = _run_map("+_-")
_RUN_CHARS_SLASH = _run_map("+_-/")
_MIN_RUN = 43
#: A token's length in characters: a 32-byte value in base64 (43, unpadded), base58 (43 or 44) or hex (64).
_SEED_LENGTHS = frozenset({43, 44, 64})
#: Characters a token's run may begin with that are not its own: an escape's end (``\\n``, ``%0A``, ``\\u2014``)
#: or ``0x``.
_SKIPS = (0, 1, 2, 5)
_SLASH_LENGTHS = frozenset(n + skip for n in _SEED_LENGTHS for skip in _SKIPS)


def _seed_tokens(text: bytes) -> Iterator[tuple[int, bytes]]:
    """(offset, value) of every token of ``text`` that decodes to 32 bytes, whatever its label (or none): the
    candidates :class:`RegisteredKeys` tests."""
    seen: set[bytes] = set()  # a run repeated (a text quoting a token many times) is decoded once
    for start, run in _runs(text, _RUN_CHARS):
        if run not in seen:
            seen.add(run)
            yield from _token_values(start, run)
    if b"/" in text:
        for start, run in _runs(text, _RUN_CHARS_SLASH):
            if len(run) in _SLASH_LENGTHS and b"/" in run and run not in seen:
                seen.add(run)
                yield from _token_values(start, run)


def _token_values(at: int, run: bytes) -> Iterator[tuple[int, bytes]]:
    for skip in _SKIPS:
        token = run[skip:]
        if len(token) not in _SEED_LENGTHS:
            continue
        if len(token) == 64:
            if _HEX.match(token):
                yield at + skip, bytes.fromhex(token.decode("ascii"))
            continue
        for value in _decodings(token):
            if len(value) == 32:
                yield at + skip, value


def _runs(text: bytes, chars: bytes, least: int = _MIN_RUN) -> Iterator[tuple[int, bytes]]:
    """(offset, run) of each run of ``chars`` (a map such as :data:`_RUN_CHARS`) of ``least`` characters or more."""
    mapped = text.translate(chars)
    window = b"a" * least
    at = mapped.find(window)
    while at >= 0:
        end = mapped.find(b" ", at + least)
        end = len(text) if end < 0 else end
        yield at, text[at:end]
        at = mapped.find(window, end)


class RegisteredKeys:
    """The public keys a registry registers (its issuers' and its endorsers'), to tell whether a token of 32 bytes
    in any text, labelled or not, is the seed of one: such a token cannot be told from a share token by its text,
    but its public key tells it (the worst leak: a live key). Each value is tested once (a check reads many texts)."""

    #: Values tested, kept: a large check's awards hold a digest each (no two alike), so a memo helps only with a
    #: value quoted again soon, and a large one only held memory (13 MB more at the peak of a 100k-award check).
    MEMO = 1 << 10

    def __init__(self, public_keys: Mapping[bytes, str]) -> None:
        self._keys = dict(public_keys)
        self._seen: dict[bytes, str | None] = {}

    @classmethod
    def of(cls, registry: Registry) -> RegisteredKeys:
        keys: dict[bytes, str] = {}
        owners = [(i, r.keys) for i, r in registry.issuers.items()]
        owners += [(e, r.keys) for e, r in registry.endorsers.items()]
        for owner, records in owners:
            for key_id, key in records.items():
                raw = public_key_bytes(getattr(key.model, "publicKeyMultibase", None))  # "same key": by bytes
                if raw is not None:
                    keys.setdefault(raw, f"{owner}/{key_id}")
        return cls(keys)

    def __bool__(self) -> bool:
        return bool(self._keys)

    @property
    def fingerprint(self) -> str:
        """Names this set of keys. A search that found no seed in a text found none of *these* keys' seeds: a key
        registered later makes a token of an award already searched a private key (the verification cache's
        statements about awards name the set they were searched for)."""
        return _fingerprint(self._keys)

    def one_fewer(self) -> Iterator[tuple[str, RegisteredKeys]]:
        """For each key: the fingerprint of this set without it, and that key alone. A text searched for the
        smaller set needs a search for that one key only (a key just registered)."""
        for public, name in self._keys.items():
            yield _fingerprint([k for k in self._keys if k != public]), RegisteredKeys({public: name})

    def owner(self, value: bytes) -> str | None:
        """``owner/key id`` of the registered key whose seed is ``value`` (32 bytes), or ``None``."""
        if value in self._seen:
            return self._seen[value]
        if len(self._seen) >= self.MEMO:
            self._seen.clear()
        found = self._keys.get(public_from_seed(value))
        self._seen[value] = found
        return found

    def first(self, text: bytes) -> tuple[int, str] | None:
        """(offset, what) of the first token of ``text`` that is a registered key's seed."""
        if not self._keys:
            return None
        for at, value in _seed_tokens(text):
            name = self.owner(value)
            if name is not None:
                return at, registered_key_what(name)
        return None


def _fingerprint(public_keys: Iterable[bytes]) -> str:
    return hashlib.sha256(b"".join(sorted(public_keys))).hexdigest()[:32]


def registered_key_what(name: str) -> str:
    return f"the private key of the registered key {name} (a token of 32 bytes, its seed)"


def private_key_line(
    data: bytes, registered: RegisteredKeys | None = None, tokens: list[tuple[int, bytes]] | None = None
) -> tuple[int, str] | None:
    """(line, what) of the first private key in ``data``, or in its text with its escapes undone (a JSON file's:
    an endorsement's comment, say; see :func:`award_secret`)."""
    found = award_secret(data, registered, tokens)
    if found is not None:
        return found
    bare = _bare_key(data)
    return (1, bare) if bare is not None else None


#: An escape a key may hide behind in an award's text: JSON's ``\u`` escape of a printable ASCII character (a
#: key's and every marker's characters are such), ``\"``, ``\/`` and ``\\``, and a URL's ``%`` escape of one; and an
#: HTML entity of one (``&#47;``, ``&#x2F;``, ``&sol;``, :data:`_ENTITY`: searched for only in a text holding one).
#: Line breaks are never undone (``\n``, ``%0A``, ``&#10;``), so lines counted after undoing them are the text's lines.
_ESCAPE = re.compile(rb"""\\u00([2-7][0-9a-fA-F])|\\(["/\\])|%([2-7][0-9a-fA-F])""")
_ENTITY = re.compile(rb"&(?:#0*([3-9][0-9]|1[01][0-9]|12[0-6])|#[xX]0*([2-7][0-9a-fA-F])|([a-z]{2,6}));")
_ENTITIES = {
    b"quot": b'"', b"amp": b"&", b"apos": b"'", b"lt": b"<", b"gt": b">", b"sol": b"/", b"bsol": b"\\",
    b"colon": b":", b"semi": b";", b"equals": b"=", b"plus": b"+", b"minus": b"-", b"hyphen": b"-",
    b"lowbar": b"_", b"period": b".", b"comma": b",", b"num": b"#", b"percnt": b"%", b"quest": b"?",
    b"excl": b"!", b"lpar": b"(", b"rpar": b")", b"lsqb": b"[", b"rsqb": b"]", b"lcub": b"{", b"rcub": b"}",
}  # fmt: skip
#: Undoing escapes is repeated (a key JSON-escaped twice, or escaped for a URL and then for JSON) a few times.
_UNESCAPE_ROUNDS = 4


def _unescape(match: re.Match[bytes]) -> bytes:
    code = match[1] or match[3]
    return bytes([int(code, 16)]) if code else match[2]


def _unentity(match: re.Match[bytes]) -> bytes:
    if match[1]:
        return bytes([int(match[1])]) if int(match[1]) >= 32 else match[0]
    if match[2]:
        return bytes([int(match[2], 16)])
    return _ENTITIES.get(match[3], match[0])


def _has_entity(data: bytes) -> bool:
    return b"&" in data and _ENTITY.search(data) is not None


def _undone(data: bytes) -> bytes | None:
    """``data`` with its escapes (:data:`_ESCAPE`, :data:`_ENTITY`) undone; ``None`` when it holds none."""
    # Most awards hold no escape but line breaks (a description's ``\n``): told apart by a few counts, far faster
    # than the search for an escape.
    if b"%" not in data and data.count(b"\\") == data.count(b"\\n") and not _has_entity(data):
        return None
    undone = data
    for _ in range(_UNESCAPE_ROUNDS):
        again = _ESCAPE.sub(_unescape, undone)
        if _has_entity(again):
            again = _ENTITY.sub(_unentity, again)
        if again == undone:
            break
        undone = again
    return undone if undone != data else None


#: A data: URL holding base64 (RFC 2397), its content up to the first character no base64 (or line break) is.
_DATA_URL = re.compile(rb"data:[^,\s\"'<>]{0,200}?;[Bb][Aa][Ss][Ee]64,((?:[A-Za-z0-9+/=_-]|\s|\\[nrt]|%0[AaDd])+)")
_DATA_GAPS = re.compile(rb"\s|\\[nrt]|%0[AaDd]")
_LINE_BREAKS = re.compile(rb"\r?\n|\\[nr]|%0[AaDd]")
#: A content that is nothing but base64, longer than any key's token: base64 of a file, to decode again.
_LONG_BASE64 = re.compile(rb"\A(?:[A-Za-z0-9+/]{91,}|[A-Za-z0-9_-]{91,})={0,2}\Z")
#: How deep data: URLs (or base64) within a data: URL's content are read: each level is smaller by a quarter.
_DATA_DEPTH = 3


def _data_contents(text: bytes) -> Iterator[tuple[int, bytes]]:
    """(offset, content) of each data: URL of ``text`` that holds base64 of text (or of a key's size of bytes);
    a content that is one long base64 token itself (base64 of base64) is decoded again."""
    if b"ase64," not in text and b"ASE64," not in text:
        return
    for m in _DATA_URL.finditer(text):
        # Its lines joined (base64 wrapped as MIME does), or its first alone (a line of text may follow it).
        content = _DATA_GAPS.sub(b"", m[1])
        first = _DATA_GAPS.split(m[1], maxsplit=1)[0]
        for _ in range(_DATA_DEPTH):
            decoded = _decodings(content)[:1] or _decodings(first)[:1]
            if not decoded:
                break
            content = decoded[0]
            if len(content) not in _KEY_SIZES:
                try:
                    content.decode("utf-8")
                except UnicodeDecodeError:
                    break  # an image's or a font's bytes: no key file
            inner = _LINE_BREAKS.sub(b"", content)  # not spaces: armour's words are base64's letters
            if _HEX.match(inner) or not (_LONG_BASE64.match(inner) and _decodings(inner)):  # hex is read as hex
                yield m.start(), content
                break
            content = first = inner


#: The shortest base64 of a key's text (``seed:`` and a seed's 43 characters): runs as long are decoded, and what
#: decodes to text is searched (a key file given as base64, in a URL's query, say).
_MIN_BLOB = 60


def _blobs(text: bytes) -> Iterator[tuple[int, bytes]]:
    """(offset, text) of each run of base64 (or base64url) of :data:`_MIN_BLOB` characters or more, but hex, that
    decodes to text: digests, signatures and compressed lists decode to bytes that are no UTF-8 text."""
    for start, run in _runs(text, _RUN_CHARS_SLASH, _MIN_BLOB):
        # Neither alphabet's (a path), or base64 in a path's folder: its folders are tried too.
        mixed = (b"-" in run or b"_" in run) and (b"/" in run or b"+" in run)
        parts = [] if mixed else [(start, run)]
        if b"/" in run:
            parts += [(start + i, part) for i, part in _split(run) if len(part) >= _MIN_BLOB]
        for at, blob in parts:
            if _HEX.match(blob):
                continue
            # Its first characters may be an escape's end (``\\n``, ``\\u2014``, ``%0A``).
            before = text[at - 1 : at]
            skips = (0, 1, 5) if before == b"\\" else (0, 2) if before == b"%" else (0,)
            decoded = next((d for skip in skips if (d := _text(_decodings(blob[skip:], base58=False)))), None)
            if decoded is not None:
                yield at, decoded


def _split(run: bytes) -> Iterator[tuple[int, bytes]]:
    at = 0
    for part in run.split(b"/"):
        yield at, part
        at += len(part) + 1


def _text(decoded: list[bytes]) -> bytes | None:
    """The first of ``decoded`` when it is text: UTF-8, and no NUL or other control character (but spaces)."""
    if not decoded:
        return None
    try:
        decoded[0].decode("utf-8")
    except UnicodeDecodeError:
        return None
    return None if any(c < 9 for c in decoded[0][:64]) else decoded[0]


def _views(raw: bytes, depth: int = 0) -> Iterator[tuple[bytes, Callable[[int], int], str]]:
    """The texts a key is searched for in, with how an offset in each maps to a line of ``raw``, and where it is
    (``""``, or the words for a data: URL's content): ``raw``, ``raw`` with its escapes undone (line breaks are
    never undone, so its lines are ``raw``'s), and the content of each data: URL (at that URL's line)."""
    yield raw, lambda at: raw.count(b"\n", 0, at) + 1, ""
    undone = _undone(raw)
    if undone is not None:
        yield undone, lambda at: undone.count(b"\n", 0, at) + 1, ""
    if depth >= _DATA_DEPTH:
        return
    text = undone if undone is not None else raw
    for start, content in _data_contents(text):
        line = text.count(b"\n", 0, start) + 1
        for inner, _, _ in _views(content, depth + 1):
            yield inner, _fixed(line), " (base64 in a data: URL)"
    for start, content in _blobs(text):
        line = text.count(b"\n", 0, start) + 1
        for inner, _, _ in _views(content, depth + 1):
            yield inner, _fixed(line), " (base64)"


def _fixed(line: int) -> Callable[[int], int]:
    return lambda _at: line


def award_secret(
    raw: bytes, registered: RegisteredKeys | None = None, tokens: list[tuple[int, bytes]] | None = None
) -> tuple[int, str] | None:
    """(line, what) of the first private key in an award's exact bytes (a file, or a batch's line): the rules of
    :func:`private_key_line` but the bare-file one (an award is never nothing but a key), applied to the text, to
    the text with its escapes undone (as they are for every file) and to the content of its data: URLs (where the
    bare-file rule applies, hex too); with ``registered``, a token of 32 bytes that is the seed of a registered key
    too. What :class:`generator.verify.registry_check.AwardChecker` applies to every award; the pull-request check's
    search of the files a change adds leaves the awards to it. ``tokens``: where to add (line, value) of each token
    of 32 bytes of a text holding no key, for a registry loaded later (:func:`repository_search`)."""
    for text, line_of, where in _views(raw):
        found = _first_key(text)
        if registered:
            token = registered.first(text)
            found = min(found, token) if found is not None and token is not None else found or token
        if found is None and where:
            bare = _bare_key(text, hex_ok=True)
            found = (0, bare) if bare is not None else None
        if found is not None:
            at, what = found
            return line_of(at), what + where
        if tokens is not None:
            tokens.extend((line_of(at), value) for at, value in _seed_tokens(text))
    return None


def secret_field(data: object, registered: RegisteredKeys | None = None) -> list[str | int] | None:
    """The path of the first field of a parsed award (in document order) whose name and value hold a private key
    by :func:`award_secret`'s rules: where to point the refusal (the value itself is never shown)."""
    stack: list[tuple[list[str | int], object]] = [([], data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            for name, inner in reversed(list(value.items())):
                stack.append(([*path, str(name)], inner))
            continue
        if isinstance(value, list):
            stack.extend(([*path, i], inner) for i, inner in reversed(list(enumerate(value))))
            continue
        if not isinstance(value, str) or not path:
            continue
        last = path[-1]
        text = json.dumps({last: value} if isinstance(last, str) else value, ensure_ascii=False)
        if award_secret(text.encode("utf-8", "surrogateescape"), registered) is not None:
            return path
    return None


def private_key_message(what: str) -> str:
    """The refusal of a file holding a private key (``what``: which kind, as :func:`private_key_line` says)."""
    return (
        f"contains {what}: private keys never enter the repository. Remove the file (and it from every commit), "
        "and treat the key as exposed: revoke it (revoked_at and revocation_reason in its key file) and make "
        "a new one with `credreg keygen`"
    )


_HEADER_DELIMITERS = (",", ";", "\t")
#: Column names that hold recipients' addresses or keys, squeezed (lowercased, no spaces, ``-``, ``_`` or ``.``):
#: any name holding "email" (``Email Address`` as a form export writes it, ``student_email``, ``E-Mail-Adresse``).
_RECIPIENT_NAMES = frozenset({"mail", "recipientkey"})
_SQUEEZE = re.compile(r"[\s_.\-]+")
#: A cell that is an email address and nothing else (quotes aside): a row of a list of addresses. Its top-level
#: domain is two letters or more, in any script (``bo@example.рф`` is an address an award hashes).
_ADDRESS_CELL = re.compile(r"[^@\s,;\"'<>()]+@[^@\s,;\"'<>()]+\.[^\W\d_]{2,}")
#: What a reader reads as an at sign, as bytes, that the search for files holding an address looks for: ``@``,
#: percent-escaped, fullwidth and small commercial at (``@`` to NFKC), and HTML's character references (``&#64;``,
#: ``&#x40;``, ``&commat;``: a web app's export), by their ``&#``. :func:`_as_address` reads each as ``@``.
_AT_SIGN_BYTES = (b"@", b"%40", "\uff20".encode(), "\ufe6b".encode(), b"&#", b"&commat;")
#: A quoted local part (``"bo"@example.org``): its quotes are the address's, not a cell's around it.
_QUOTED_LOCAL = re.compile(r'"[^"]*"@')


def _holds_at_sign(data: bytes) -> bool:
    return any(sign in data for sign in _AT_SIGN_BYTES)


#: What a column's name is made of: a JSON member (``"identityType":"emailAddress"``, a batch line's) or a heading
#: (``# Contact by email``) is no column, whatever words it holds.
_COLUMN_NAME = re.compile(r"[^\W_][\w .\-]{0,39}")


def _recipient_column(cell: str) -> bool:
    raw = cell.strip().strip("'\"")
    name = _SQUEEZE.sub("", raw.lower())
    return bool(_COLUMN_NAME.fullmatch(raw)) and ("email" in name or name in _RECIPIENT_NAMES)


def _cells(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return []


def _as_address(cell: str) -> str:
    """A cell as its address is read: percent-escapes undone (``bo%40example.org``, as a link or a mangled export
    holds it), what shows as nothing dropped (an address split by a zero-width space or a soft hyphen is the same
    address to whoever reads the list; credreg refuses to award to it, but a list of them is still a list), a
    fullwidth at sign read as one, HTML's character references undone (``bo&#64;example.org``), and the quotes
    around it dropped (not a quoted local part's: openbadges.mailbox reads ``"bo"@example.org`` as bo's)."""
    unescaped = urllib.parse.unquote(cell) if "%" in cell else cell
    unescaped = html.unescape(unescaped) if "&" in unescaped else unescaped
    read = drop_ignored(unescaped).strip()
    if not read.isascii():  # str.translate with a table is slow, and most cells are ASCII
        read = read.replace("\uff20", "@").replace("\ufe6b", "@")
    return read if _QUOTED_LOCAL.match(read) else read.strip("'\"").strip()


def _is_address(cell: str) -> bool:
    """Whether ``cell`` is an address as it reads (:func:`_as_address`), or names a mailbox (openbadges.mailbox,
    the awards' one reading: ``bo@example。org``, ``bo@example.org.`` and ``bo@ｅxample.org`` are delivered to
    ``bo@example.org``)."""
    read = _as_address(cell)
    if _ADDRESS_CELL.fullmatch(read) is not None:
        return True
    named = mailbox(read)  # None at once for a cell with no at sign
    return named is not None and _ADDRESS_CELL.fullmatch(named) is not None


def _holds_address(line: str, delimiter: str) -> bool:
    return any(_is_address(cell) for cell in _cells(line, delimiter))


#: Column names (squeezed: :func:`_recipient_column`) of what names a recipient as an address does: a phone number,
#: or a student's or candidate's number at their school. A class list keyed by either is a list of its people.
_PHONE_WORDS = re.compile(r"phone|mobile|whatsapp|telefon|^tel$|^handy$|^cell$")
_ID_COLUMN = re.compile(
    r"(?:student|learner|pupil|candidate|matriculation|matrikel)(?:id|number|no|nr|nummer)|matrikel|matriculation"
)
#: A cell that is a phone number and nothing else: seven to fifteen digits, a leading ``+``, spaces, dots, dashes,
#: slashes and brackets between them.
_PHONE_CELL = re.compile(r"\+?\(?[0-9](?:[ ().\-/]{0,2}[0-9]){6,14}")
#: Where a header naming such a column may be, read before the file is decoded whole (most files have none).
_OTHER_COLUMNS = re.compile(
    rb"(?i)phone|mobile|whatsapp|telefon|tel\b|handy|cell|student|learner|pupil|candidate|matri"
)


def _column_name(cell: str) -> str | None:
    raw = cell.strip().strip("'\"")
    return _SQUEEZE.sub("", raw.lower()) if _COLUMN_NAME.fullmatch(raw) else None


#: A phone column's name that gives the number to a place, not a person: an office's, a switchboard's.
_PLACE_PHONE = re.compile(r"^(?:office|main|business|switchboard|reception|department|dept|helpdesk|support)")
#: Columns that make each row a place (an office directory: ``Office,Phone``): its numbers are the places'.
#: Not a city, a region, a country or a campus: a cohort's list gives each person's.
_PLACE_COLUMN = re.compile(r"office|branch|department|dept|location|site|building|room|store|shop|clinic|venue")
#: A phone column that is a person's whatever the table's rows are: a mobile (an office has a phone).
_MOBILE = re.compile(r"mobile|whatsapp|handy|^cell$")
#: Columns that make each row a person, whatever else the header names (``First name,Office,Phone``).
_PERSON_COLUMN = LazyPattern(
    r"first|last|surname|given|fullname|student|learner|pupil|participant|recipient|earner|person|member|"
    r"employee|staff|candidate|mail|vorname|nachname|teilnehmer"
)
#: A ``Cell`` column is a phone's only when its value is written as one (a ``+``, brackets or digits apart): a cell
#: of a table, a battery or a culture has an id of digits alone.
_WRITTEN_AS_PHONE = re.compile(r"\+.*|.*[ ().\-/].*")


def _other_columns_line(header: str, rest: list[str], delimiter: str) -> bool:
    """Whether ``header`` names a column of a person's phone numbers (a later row holding one there) or of students'
    numbers (a later row holding anything there). A place's number is not a person's: a column named for one
    (``Office Phone``), or any phone column of a table whose rows are places (a column ``Office`` or
    ``Department``, and none naming a person: :data:`_PLACE_COLUMN`, :data:`_PERSON_COLUMN`); but a mobile's
    column is a person's in any table (:data:`_MOBILE`)."""
    names = [_column_name(cell) for cell in _cells(header, delimiter)]
    places = any(n and _PLACE_COLUMN.fullmatch(n) for n in names) and not any(
        n and _PERSON_COLUMN.search(n) for n in names
    )
    phones = [
        i
        for i, n in enumerate(names)
        if n and _PHONE_WORDS.search(n) and (_MOBILE.search(n) or not (places or _PLACE_PHONE.match(n)))
    ]
    ids = [i for i, n in enumerate(names) if n and _ID_COLUMN.fullmatch(n)]
    if not phones and not ids:
        return False
    for line in rest:
        cells = [c.strip().strip("'\"").strip() for c in _cells(line, delimiter)]
        for i in phones:
            value = cells[i] if i < len(cells) else ""
            if _PHONE_CELL.fullmatch(value) and (names[i] != "cell" or _WRITTEN_AS_PHONE.fullmatch(value)):
                return True
        if any(i < len(cells) and cells[i] for i in ids):
            return True
    return False


def recipients_line(data: bytes) -> int | None:
    """The header's line when ``data`` is a list of recipients: a CSV (comma, semicolon or tab) whose first line
    names a column of addresses (``email``, ``Email Address``, ``e-mail``…) or of ``recipient_key``s, with an
    address in a later line, or a column of phone numbers (``Phone``, ``Mobile number``…) with one in a later line,
    or of students' numbers (``Student ID``, ``Matrikelnummer``…) filled in a later line; or a list without a
    header, whose first line and another hold an address as a cell of its own (``Name <address>``, as a
    ``.mailmap`` writes, is no such cell)."""
    # no address (nor an escaped at sign): most files, whose decoding and lines would be most of the search's time
    if not _holds_at_sign(data):
        first = data.lstrip()[:4096].split(b"\n", 1)[0]
        if _OTHER_COLUMNS.search(first) is None:
            return None
    text = data.decode("utf-8", errors="replace").lstrip("\ufeff")
    lines = text.splitlines()
    number = next((i for i, line in enumerate(lines) if line.strip()), None)
    if number is None:
        return None
    header, rest = lines[number], lines[number + 1 :]
    for delimiter in _HEADER_DELIMITERS:
        if any(map(_recipient_column, _cells(header, delimiter))) and any("@" in _as_address(line) for line in rest):
            return number + 1
        if _holds_address(header, delimiter) and any(_holds_address(line, delimiter) for line in rest):
            return number + 1
        if _other_columns_line(header, rest, delimiter):
            return number + 1
    return None


#: Registry records whose every field their model holds to what the registry writes (an issuer's contact address,
#: and its former profiles' addresses, are public by design): never a list of recipients.
_RECORD_KINDS = frozenset({layout.PathKind.ISSUER, layout.PathKind.ENDORSER, layout.PathKind.GOVERNANCE})
_MAIL = re.compile(rb"mail", re.IGNORECASE)


#: The member under which :func:`_every_member` keeps an object's repeated members: not a string, so no name a
#: file writes is it, and no search takes it for a column's name.
_REPEATED = object()


def _every_member(pairs: list[tuple[str, Any]]) -> dict[Any, Any]:
    """A JSON object with every member kept, however often its name is written: the first of each name as usual, the
    others each as an object of its own in a list under :data:`_REPEATED` (flat: a name written a thousand times
    costs no recursion). JSON readers keep the last value of a name written twice, or the first, or refuse the
    text: the file holds them all, and all are searched."""
    out: dict[Any, Any] = {}
    again: list[dict[str, Any]] = []
    for name, value in pairs:
        if name in out:
            again.append({name: value})
        else:
            out[name] = value
    if again:
        out[_REPEATED] = again
    return out


def _json_members(text: str) -> Any:
    """``text`` read as JSON within the reader's bounds (size, nesting: :func:`parse_json`), every member kept."""
    parse_json(text, "", strict=False)
    return json.loads(text, object_pairs_hook=_every_member)


def _structured(text: str) -> Iterator[Any]:
    """``text`` read as JSON, else as JSON Lines (a list of its lines), else as TOML, else as YAML; nothing when it
    is none. JSON's objects keep every member (:func:`_every_member`)."""
    try:
        yield _json_members(text)
        return
    except (SourceError, ValueError, RecursionError):
        pass
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) > 1:
        try:
            yield [_json_members(line) for line in lines]
            return
        except (SourceError, ValueError, RecursionError):
            pass
    try:
        yield tomllib.loads(text)
        return
    except (tomllib.TOMLDecodeError, ValueError, RecursionError):
        pass
    with contextlib.suppress(yaml.YAMLError, ValueError):
        yield _yaml_members(text)


def _yaml_members(text: str) -> Any:
    """``text`` read as YAML as any YAML reader may read it, every value kept: not as a registry file is read
    (source.parse_yaml refuses a key twice, anchors, tags, a second document), since a list of recipients written
    so holds its addresses all the same. Built from the parser's events, with no recursion: scalars stay text, an
    alias is nothing (never expanded: no alias bomb), a mapping keeps each member (:func:`_every_member`), and two
    documents or more are a list of them."""
    documents: list[Any] = []
    stack: list[list[Any]] = []  # [a list, or the pairs of a mapping; the key awaiting its value (mappings)]
    pending = object()

    def attach(value: Any) -> None:
        if not stack:
            documents.append(value)
            return
        frame = stack[-1]
        if frame[1] is None:  # a sequence
            frame[0].append(value)
        elif frame[1] is pending:  # a mapping's key (a key that is no text is no column's name)
            frame[1] = value if isinstance(value, str) else ""
        else:
            frame[0].append((frame[1], value))
            frame[1] = pending

    for event in yaml.parse(text, Loader=yaml.CSafeLoader):
        if isinstance(event, yaml.SequenceStartEvent):
            stack.append([[], None])
        elif isinstance(event, yaml.MappingStartEvent):
            stack.append([[], pending])
        elif isinstance(event, yaml.SequenceEndEvent):
            attach(stack.pop()[0])
        elif isinstance(event, yaml.MappingEndEvent):
            attach(_every_member(stack.pop()[0]))
        elif isinstance(event, yaml.ScalarEvent):
            attach(event.value)
        elif isinstance(event, yaml.AliasEvent):
            attach(None)
    return documents[0] if len(documents) == 1 else documents


def _member_address(value: Any) -> str | None:
    """The first address held, at any depth of ``value``, by a member named as a column of addresses is
    (:func:`_recipient_column`: ``email``, ``E-Mail``, ``student_email``…)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for name, member in item.items():
                held = member.strip() if isinstance(member, str) and isinstance(name, str) else ""
                if held and _recipient_column(name) and _is_address(held):
                    return held
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, list):
            stack.extend(reversed(item))
    return None


#: Members (squeezed: :func:`_recipient_column`) under which a repository's metadata lists its own people, whose
#: addresses are public by their choice: CITATION.cff's ``authors``, package.json's ``author`` and
#: ``contributors``, codemeta.json's and .zenodo.json's ``creators``, a ``maintainers`` list. No list of recipients.
_PROJECT_PEOPLE = frozenset(
    {"author", "authors", "contributor", "contributors", "creator", "creators", "maintainer", "maintainers"}
)


def _may_be_address(item: Any) -> bool:
    """Whether a list's item may be a bare address (:func:`_someones_address`): told by substring tests first, as
    most strings of a JSON or YAML file's lists are words, numbers or paths."""
    return isinstance(item, str) and ("@" in item or "%40" in item or "&" in item or "\\" in item or not item.isascii())


def _listed_address(value: Any) -> str | None:
    """The first address of a list of recipients in ``value``: a list (at any depth, but not under a member naming
    the project's own people: :data:`_PROJECT_PEOPLE`) of which two items or more each hold an address under a
    column's name (:func:`_member_address`), two of them different; or of bare addresses (someone's: not at an
    example domain), three different, or two under a member named as a column of addresses."""
    stack: list[tuple[Any, bool]] = [(value, False)]
    while stack:
        item, under_column = stack.pop()
        if isinstance(item, list):
            found = [a for a in map(_member_address, item) if a is not None]
            if len({a.lower() for a in found}) >= 2:
                return found[0]
            # A list of bare addresses (``["bo@…", "cy@…", …]``, YAML's ``- bo@…``), at the thresholds of a list's
            # rows (:func:`listed_rows_line`): under a member named as a column of addresses (``emails:``), two.
            bare = [(a, named) for a in item if _may_be_address(a) and (named := _someones_address(a)) is not None]
            if len({named for _, named in bare}) >= (_LISTED_UNDER_HEADER if under_column else _LISTED):
                return str(bare[0][0]).strip()
            stack.extend((member, False) for member in reversed(item))
        elif isinstance(item, dict):
            stack.extend(
                reversed(
                    [
                        (member, isinstance(name, str) and _recipient_column(name))
                        for name, member in item.items()
                        if not (isinstance(name, str) and _SQUEEZE.sub("", name.lower()) in _PROJECT_PEOPLE)
                    ]
                )
            )
    return None


#: Domains RFC 2606 and RFC 6761 keep for examples and tests (``example.org``, ``*.example``, ``*.test``,
#: ``*.invalid``, ``*.localhost``): an address at one names nobody, so the docs' example cohorts and placeholders are
#: no list (:func:`listed_rows_line`, and a list of bare addresses in JSON or YAML).
_EXAMPLE_NAMES = r"(?:example\.(?:org|com|net)|example|test|invalid|localhost)"
_EXAMPLE_DOMAIN = re.compile(rf"(?:^|\.){_EXAMPLE_NAMES}$")


#: A mailbox as a mailer takes it (what :func:`_someones_address` asks of openbadges.mailbox's reading, which is
#: laxer: it names ``https://cdn.example.org/badge@2x.png`` too): a local part of no space, colon or slash, and a
#: host name's labels (letters of any script, digits, hyphens) whose last is letters.
_MAILBOX = re.compile(
    r"[^\s@:/<>()\[\],;\\]+@(?:(?:[^\W_](?:[\w-]*[^\W_])?\.)+[^\W\d_]{2,}"
    r"|\[(?:\d{1,3}\.){3}\d{1,3}\])"  # or an IPv4 literal (bo@[198.51.100.7]): credreg awards to one
)


@functools.lru_cache(maxsize=65536)  # a list's lines repeat their cells (one domain, one date); mailbox() is not cheap
def _someones_address(text: str) -> str | None:
    """The mailbox ``text`` is as it reads (award text's reading, :func:`generator.models.award.as_read`: escapes
    and character references undone, look-alikes read as what they look like; then :func:`_as_address`), as
    openbadges.mailbox names it (:data:`_MAILBOX`); None when it names none, or nobody: at an example domain
    (:data:`_EXAMPLE_DOMAIN`), or an ``@`` award text reads as no person's (``badge@2x.png``)."""
    if _AT_IN_LINE.search(text) is None and "\\" not in text:
        return None
    read = _as_address(as_read(text))
    # Told before mailbox() reads it (most cells): a mailbox's shape (its domain's root dot aside), not an example.
    if _MAILBOX.fullmatch(read.removesuffix(".")) is None or NO_PERSON_AT.search(read):
        return None
    if _EXAMPLE_DOMAIN.search(read.rpartition("@")[2].lower().removesuffix(".")):
        return None
    named = mailbox(read)
    if named is None or _MAILBOX.fullmatch(named) is None:
        return None
    return None if _EXAMPLE_DOMAIN.search(named.rpartition("@")[2]) else named


#: What a list of bare addresses holds twice at least before it is read as JSON or YAML: most files with an at sign
#: (source code's decorators, handles) are not read so.
_BARE_ADDRESS = re.compile(rb"[\w.+-]@(?!(?:[\w-]+\.)*" + _EXAMPLE_NAMES.encode() + rb"\b)[\w-]+\.[\w.-]+")


def structured_recipients_line(data: bytes) -> int | None:
    """The line of its first address when ``data`` is a list of recipients written as JSON, JSON Lines, TOML or
    YAML (a cohort, a form's or a platform's export, that is no CSV): a list whose items hold addresses under a
    column's name, two different ones at least (:func:`_listed_address`). Its at signs may be escaped
    (``\\u0040``, ``\\x40``): a file with a backslash is read too."""
    if not _holds_at_sign(data) and b"\\" not in data:
        return None
    # No column of addresses without "mail" in its name; a list of bare addresses holds two such at least.
    if _MAIL.search(data) is None and next(itertools.islice(_BARE_ADDRESS.finditer(data), 1, None), None) is None:
        return None
    text = data.decode("utf-8", errors="replace").lstrip("\ufeff")
    for value in _structured(text):
        first = _listed_address(value)
        if first is not None:
            at = text.find(first)
            return text.count("\n", 0, at) + 1 if at >= 0 else 1
    return None


#: What a list's row may open with, left out before its cells are read: blockquote marks, a bullet or a number
#: (Markdown's, YAML's), a task box.
_ITEM_MARK = re.compile(r"[ \t]*(?:>[ \t]*)*(?:[-*+\u2022][ \t]+|[0-9]{1,9}[.)][ \t]+)?(?:\[[ xX]\][ \t]+)?")
#: An HTML tag, read as a cell's edge (``<li>``, ``<td>``); not an autolink (``<bo@…>``: a tag's name is followed
#: by a space, a ``/`` or its ``>``). Up to the next ``<`` at most: linear on a run of unclosed tags.
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9_.:-]*(?:[\s/][^<>]*)?>")
#: A tag's quoted attribute value (``aria-label="…"``, ``data-who='…'``, ``inkscape:label="…"``).
_ATTRIBUTE_VALUE = re.compile(r"""=\s*(?:"([^"]*)"|'([^']*)')""")
#: A Markdown link (``[Bo](mailto:bo@…)``): its text and its target, each a cell. Neither part crosses a bracket of
#: its kind, so a run of ``[`` is read in linear time.
_MD_LINK = re.compile(r"\[([^\[\]]*)\]\(([^()\s]*)\)")
_MAILTO = re.compile(r"mailto:([^\s\"'<>()\[\]|,;?]+)", re.IGNORECASE)
#: What parts a row's cells: a CSV's or a list's separators, and a Markdown or text table's pipes.
_ROW_CELLS = re.compile(r"[,;\t|]")
#: A line that may hold an address (:data:`_AT_SIGN_BYTES`, as text; an ``@`` after a local part's character: a
#: decorator, a handle, or JSON-LD's ``"@id"`` and ``'@type'`` (a context's every line) is none).
_AT_IN_LINE = re.compile(r"[\w!#$%&*+\-./=?^|}~]@|%40|&#|&commat;|\uff20|\ufe6b|\\[uxUN]")
#: Words of a cell that make a line a sentence, not a row: prose parts its clauses by commas (``…: `bo@…`, the
#: domain as DNS carries it, …``), each an address's neighbour. Under a header, a row's cells are cells whatever
#: their length (a comment column).
_SENTENCE_WORDS = 6
#: Distinct addresses on a list's rows that make a list: under a header naming a column of addresses, in the
#: lines up to the next blank one (a table, a CSV below a title line), two; anywhere else in a file, three. One
#: contact address, or a project's two (help and security), written as a table's or a list's row, is no list.
_LISTED_UNDER_HEADER = 2
_LISTED = 3


def _tag_cells(match: re.Match[str]) -> str:
    """A tag as a cell's edge, each of its attributes' values a cell of its own: no page shows an ``aria-label``,
    a ``title`` until hovered, a ``data-*`` value or an editor's label, and a cohort there is a list as anywhere; a
    link's ``mailto:`` target is its address (``<a href="mailto:…">``)."""
    cells = [target[1] for target in _MAILTO.finditer(match[0])]  # quoted or not (``href=mailto:…``)
    for quoted in _ATTRIBUTE_VALUE.finditer(match[0]):
        value = quoted[1] if quoted[1] is not None else quoted[2]
        if "mailto:" not in value.lower():
            cells.append(value)
    return "|" + "|".join(cells) + "|" if cells else "|"


def _row_cells(line: str) -> list[str]:
    """``line``'s cells as a list's or a table's row reads (:data:`_ITEM_MARK`, :data:`_MD_LINK`, :data:`_TAG`,
    :data:`_ROW_CELLS`), each without its Markdown code or emphasis marks, its autolink's brackets or ``mailto:``.
    ``line`` is read as award text is already (as_read: escapes and references undone, ``&#64;`` holds a ``;``)."""
    line = line[_ITEM_MARK.match(line).end() :]  # type: ignore[union-attr]  # matches the empty string at least
    if "[" in line:
        line = _MD_LINK.sub(r"|\1|\2|", line)
    if "<" in line:
        line = _TAG.sub(_tag_cells, line)
    cells = []
    for cell in _ROW_CELLS.split(line):
        cell = cell.strip().strip("`*_<>").strip()
        if cell[:7].lower() == "mailto:":
            cell = cell[7:].partition("?")[0]
        cells.append(cell)
    return cells


#: What a name's words (:func:`_named_address`) may be wrapped in or followed by, and the words that only part a
#: name from its address (``Ada – ada@…``, ``Ada : ada@…``).
_NAME_MARKS = "\"'()<>[]:,"
_NAME_PARTS = frozenset({"", "-", "\u2013", "\u2014"})


def _is_name_word(word: str) -> bool:
    """A word of a person's name as an export writes it (``Ada``, ``O'Neil``, ``J.``, ``Lind-Ek``): capitalised,
    where prose's neighbours of an address (``to``, ``for``, ``about``) are not."""
    word = word.strip(_NAME_MARKS)
    return word in _NAME_PARTS or (word[0].isupper() and all(c.isalpha() or c in ".'-" for c in word))


def _named_address(cell: str) -> str | None:
    """The mailbox of a cell that names its person beside it, as exports and address books write a recipient:
    ``Ada Lovelace <ada@…>``, ``Ada Lovelace: ada@…``, ``ada@… (Ada Lovelace)``, ``Ada – ada@…``: the address
    first or last, the rest a name's capitalised words (fewer than a sentence's, :data:`_SENTENCE_WORDS`)."""
    words = cell.split()
    if not 2 <= len(words) < _SENTENCE_WORDS:
        return None
    for address, rest in ((words[-1], words[:-1]), (words[0], words[1:])):
        if not all(map(_is_name_word, rest)) or all(w.strip(_NAME_MARKS) in _NAME_PARTS for w in rest):
            continue
        named = _someones_address(address.strip(_NAME_MARKS))
        if named is not None:
            return named
    return None


def _row_addresses(cells: list[str]) -> list[str]:
    """The mailboxes a row names (:func:`_someones_address`): each cell that is one, each cell that is nothing
    but addresses apart by spaces (``bo@… cy@…``), and each that names its person beside it (:func:`_named_address`:
    an earner named is no less a recipient)."""
    found = []
    for cell in cells:
        named = _someones_address(cell)
        if named is not None:
            found.append(named)
        elif " " in cell and _AT_IN_LINE.search(cell):
            words = [_someones_address(word) for word in cell.split()]
            if all(words):
                found += [w for w in words if w]
            elif (named := _named_address(cell)) is not None:
                found.append(named)
    return found


#: Words of a templated line (:func:`_template_line`) that may differ from one of its lines to the next: a name's.
_TEMPLATE_VARYING = 2
_LETTERS = re.compile(r"[^\W\d_]+")
_DIGITS = re.compile(r"\d+")
_AROUND_ADDRESS = "\"'()<>[{}:,;.!?`*_"  # not "]": an IP literal's (bo@[198.51.100.7])
#: A role's mailbox, no person's (RFC 2142's and the common ones): a README's support, security and press addresses
#: in one template are no list of earners (:func:`_template_line`). A local part of these words only (``no-reply``).
_ROLE_WORD = (
    r"(?:help|support|helpdesk|servicedesk|service|security|press|media|info|information|contact|hello|admin|office|"
    r"registrar|registry|webmaster|postmaster|hostmaster|abuse|noc|no|reply|noreply|donotreply|team|sales|billing|"
    r"privacy|legal|dpo|gdpr|compliance|conduct|jobs|careers|feedback|enquiries|inquiries|accessibility|community|"
    r"maintainers|docs|dev|events|news|marketing|finance|hr|admissions|alumni|library|exams|badges|credentials|"
    r"verify|verification|issuers?|accounts?|partners?|reports?|mail|list|announce|ops|it)"
)
_ROLE_MAILBOX = LazyPattern(rf"{_ROLE_WORD}(?:[._+-]?{_ROLE_WORD})*@", re.IGNORECASE)


@dataclasses.dataclass
class _Template:
    """Lines of one shape (:func:`_template_line`): the first line's words, which of them every line repeats, the
    addresses its lines name and the line of its first."""

    words: list[str]
    same: list[bool]
    addresses: set[str]
    first: int


def _template_line(read: str, number: int, templates: dict[str, _Template]) -> int | None:
    """The first line of a list written as lines of one template, each naming one person's address, once the
    third address is read: ``bo lind <bo@…>`` (a name in lower case is no name to :func:`_named_address`), ``Bo Lind
    passed the March course bo@…``, ``Congratulations to Bo (bo@…) for passing.`` (a sentence, no row). Lines are of
    one template when they read alike with every word's letters as one letter and its digits as one digit, and all
    but :data:`_TEMPLATE_VARYING` words (a name's) the same in every one of them: a file of prose naming three
    contacts in three differently worded sentences is none, nor a README's role addresses (``help@…``,
    ``security@…``: :data:`_ROLE_MAILBOX`) in one template. ``templates``: the file's, kept between lines."""
    tokens = read.split()
    found = [
        (i, named)
        for i, token in enumerate(tokens)
        if "@" in token and (named := _someones_address(token.strip(_AROUND_ADDRESS)))
    ]
    if any(_ROLE_MAILBOX.match(named) for _, named in found):
        return None
    if len(found) != 1:
        return None
    at, named = found[0]
    words = [token for i, token in enumerate(tokens) if i != at]
    shape = _DIGITS.sub("0", _LETTERS.sub("a", " ".join([*tokens[:at], "@", *tokens[at + 1 :]])))
    template = templates.get(shape)
    if template is None:
        templates[shape] = _Template(words, [True] * len(words), {named}, number)
        return None
    template.same = [
        same and word == first for same, word, first in zip(template.same, words, template.words, strict=True)
    ]
    template.addresses.add(named)
    if len(template.addresses) >= _LISTED and template.same.count(False) <= _TEMPLATE_VARYING:
        return template.first
    return None


def listed_rows_line(data: bytes) -> int | None:
    """The line where a list of recipients starts when ``data`` holds one as rows in any common form, anywhere in
    the file: a Markdown or text table (``| Bo | bo@… |``), a bullet or numbered list (``- bo@…``, YAML's too), lines
    of addresses apart by pipes, semicolons or spaces, ``mailto:`` links and Markdown's (``[Bo](mailto:bo@…)``), an
    HTML table or list, a CSV below a title line or a comment, a CSV cell quoted over two lines. A row is a line of
    which a cell is an address and nothing else (:func:`_row_cells`), or an address beside a name
    (:func:`_named_address`), so an address in a sentence is none (the project's own people's files are not read:
    :data:`_PEOPLE_FILE`); and lines of one template naming one address each, sentences or not
    (:func:`_template_line`). Its threshold is :data:`_LISTED`
    distinct addresses, :data:`_LISTED_UNDER_HEADER` in the block below a header naming a column of addresses;
    addresses at example domains count for nothing (:data:`_EXAMPLE_DOMAIN`)."""
    if not _holds_at_sign(data) and b"\\" not in data:
        return None
    anywhere: dict[str, int] = {}
    templates: dict[str, _Template] = {}
    header: int | None = None  # the line of the header whose block this line is in
    under: set[str] = set()
    for number, line in enumerate(data.decode("utf-8", errors="replace").lstrip("\ufeff").splitlines(), 1):
        if not line or line.isspace():
            header, under = None, set()  # a blank line ends the header's block
            continue
        # Most lines hold none of these: told by substring tests, much faster than a pattern searched on each.
        if not (
            "@" in line
            or "%40" in line
            or "&" in line
            or "\\" in line
            or "ail" in line
            or "AIL" in line
            or "ecipient" in line
            or "ECIPIENT" in line
            or not line.isascii()
        ):
            continue
        has_at = _AT_IN_LINE.search(line) is not None
        if not has_at and "mail" not in line.lower() and "recipient" not in line.lower():
            continue
        read = as_read(line)
        cells = _row_cells(read)
        # A table's row (pipes, tabs) is a row whatever its cells hold: a notes column reads as a sentence.
        sentence = "|" not in line and "\t" not in line and any(len(cell.split()) >= _SENTENCE_WORDS for cell in cells)
        if not has_at:
            # A header is a row of columns' names (``Columns: name, email.`` is a sentence).
            filled = [cell for cell in cells if cell]
            if not sentence and any(map(_recipient_column, filled)) and all(map(_COLUMN_NAME.fullmatch, filled)):
                header, under = number, set()
            continue
        templated = _template_line(read, number, templates)
        if templated is not None:
            return templated
        if header is None and sentence:
            continue
        for named in _row_addresses(cells):
            anywhere.setdefault(named, number)
            if header is not None:
                under.add(named)
        if header is not None and len(under) >= _LISTED_UNDER_HEADER:
            return header
        if len(anywhere) >= _LISTED:
            return min(anywhere.values())
    return None


#: An earner's verification link (its fragment): an award hash, ``~`` (however escaped: :func:`_undone`) and a recipient
#: key, the rule of :data:`generator.models.award.RECIPIENT_KEY_IN_TEXT`, in bytes.
#: Its ``~`` in bytes, however a file holds it: as typed, or a look-alike (:data:`generator.models.award.READ_AS`) as
#: its UTF-8, percent-escaped or as a JSON escape (``\uff5e``); ASCII escapes of ``~`` itself are :func:`_undone`.
_TILDE_FORMS = [
    b"~",
    *(
        form
        for c in READ_AS["~"]
        for form in (
            re.escape(c.encode()),
            b"(?i:" + b"".join(b"%%%02x" % byte for byte in c.encode()) + b")",
            b"(?i:\\\\u%04x)" % ord(c),
        )
    ),
]
_EARNER_LINK = re.compile(
    RECIPIENT_KEY_IN_TEXT.pattern.encode("ascii").replace(b"~", b"(?:" + b"|".join(_TILDE_FORMS) + b")")
)
#: Whether a file may hold a ``~`` in any of those forms (or an escape to undo): most files are passed by this alone.
_MAYBE_TILDE = re.compile(
    b"|".join([rb"~|%(?:7|[CcEe])|\\u(?:0|2|3|[Ff])|&", *(re.escape(c.encode()) for c in READ_AS["~"])])
)
#: A cell holding a recipient key and nothing else (quotes aside): a row of an earners' mapping without its addresses.
_KEY_CELL = re.compile(r"[0-9A-Fa-f]{32}")


def recipient_key_line(data: bytes) -> int | None:
    """The first line of ``data`` holding an earner's recipient key: an earner's verification link
    (``…/verify/#<hash>~<key>``, or its fragment alone), or a ``recipient_key`` column's value in a CSV whose first
    line names it (an earners' mapping with its addresses taken out). Published, a key lets anyone confirm a guess
    of its earner's address, as if the award published its salt."""
    if _MAYBE_TILDE.search(data) is not None:
        undone = _undone(data)
        for text in (data,) if undone is None else (data, undone):
            found = _EARNER_LINK.search(text)
            if found is not None:  # line breaks are never undone: the lines are the file's
                return text.count(b"\n", 0, found.start()) + 1
    if b"ey" not in data.split(b"\n", 1)[0].lower():  # no header naming a (recipient_)key column
        return None
    lines = data.decode("utf-8", errors="replace").lstrip("\ufeff").splitlines()
    for delimiter in _HEADER_DELIMITERS:
        header = _cells(lines[0], delimiter) if lines else []
        columns = [
            i for i, cell in enumerate(header) if _SQUEEZE.sub("", cell.strip().strip("'\"").lower()) == "recipientkey"
        ]
        if not columns:
            continue
        for number, line in enumerate(lines[1:], 2):
            cells = _cells(line, delimiter)
            if any(i < len(cells) and _KEY_CELL.fullmatch(cells[i].strip().strip("'\"")) for i in columns):
                return number
    return None


#: Containers whose contents the search cannot see, by their first bytes (a name is chosen freely, so it decides
#: nothing): compressed data, archives (Office and OpenDocument files are ZIP archives), old Office compound
#: files and PDF (its text is compressed streams). A recipient list exported as a spreadsheet, or a key file
#: gzipped, would pass every rule above unread, so such a file is refused whole. Images are not among them: the
#: image check (``_internal/rasters.py``) reads a raster's every chunk.
_OPAQUE: tuple[tuple[int, bytes, str], ...] = (
    (0, b"\x1f\x8b", "gzip-compressed file"),
    (0, b"PK\x03\x04", "ZIP archive (or an Office or OpenDocument file)"),
    (0, b"PK\x05\x06", "ZIP archive (or an Office or OpenDocument file)"),
    (0, b"PK\x07\x08", "ZIP archive (or an Office or OpenDocument file)"),
    (0, b"BZh", "bzip2-compressed file"),
    (0, b"\xfd7zXZ\x00", "xz-compressed file"),
    (0, b"\x5d\x00\x00", "LZMA-compressed file"),
    (0, b"\x28\xb5\x2f\xfd", "Zstandard-compressed file"),
    (0, b"\x04\x22\x4d\x18", "LZ4-compressed file"),
    (0, b"LZIP", "lzip-compressed file"),
    (0, b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (0, b"Rar!\x1a\x07", "RAR archive"),
    (0, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Office compound file (an .xls, .doc or .msg)"),
    (0, b"%PDF-", "PDF document"),
    (257, b"ustar", "tar archive"),
    # A zlib stream (deflate, as Python's zlib.compress writes it), by its header's common forms: x followed by a
    # byte no text starts a character with (\x01, ^, \x9c, \xda).
    (0, b"\x78\x01", "zlib-compressed stream"),
    (0, b"\x78\x5e", "zlib-compressed stream"),
    (0, b"\x78\x9c", "zlib-compressed stream"),
    (0, b"\x78\xda", "zlib-compressed stream"),
)


#: A file's path when it lists the project's own people, public by their choice (as :data:`_PROJECT_PEOPLE`'s
#: members do in JSON or YAML): git's .mailmap, an AUTHORS, CONTRIBUTORS or MAINTAINERS text file, a CODEOWNERS
#: file, where a project keeps them (its root, ``docs/``, ``.github/``: where Git and GitHub read them). Its rows
#: are no list of recipients (:func:`listed_rows_line`); anywhere else, or as a table's file (``AUTHORS.csv``),
#: the same rows are: the name alone exempted ``cohorts/march/AUTHORS``, a cohort saved under it.
_PEOPLE_FILE = re.compile(
    r"(?:(?:docs|\.github)/)?(?:\.mailmap|CODEOWNERS|(?:AUTHORS|CONTRIBUTORS|MAINTAINERS)"
    r"(?:\.(?:md|markdown|txt|rst|adoc))?)",
    re.IGNORECASE,
)


def _utf16_as_utf8(data: bytes) -> bytes:
    """``data`` as UTF-8 when its byte order mark says it is UTF-16 text (Excel's "Unicode text", Notepad's
    "Unicode"): read as UTF-8, a NUL parts each of its characters, so no address, header or key would show."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") and len(data) % 2 == 0:
        with contextlib.suppress(UnicodeDecodeError):
            return data.decode("utf-16").encode("utf-8")
    return data


def image_extra(data: bytes) -> str | None:
    """What a PNG, JPEG, WebP or GIF file (by its first bytes) holds besides its picture (text chunks, EXIF, XMP, a
    comment: the registry images' one rule, :func:`generator._internal.rasters.extra_content`), wherever it is
    committed: a screenshot's compressed text or a photo's EXIF author (UTF-16, as Windows writes it) is read by no
    other rule here."""
    fmt = raster_format(data)
    return None if fmt is None else extra_content(data, fmt)


def _inflates(data: bytes) -> bool:
    """Whether ``data`` starts a zlib stream (a cohort's inflates; text that only starts with a zlib header, as
    ``x^2 grows…`` does, does not)."""
    stream = zlib.decompressobj()
    try:
        inflated = stream.decompress(data[:4096], 256)
    except zlib.error:
        return False
    # A stream ends whole or fills the 256 bytes asked of it: the few bytes a line like "x^2" decodes to are none.
    return stream.eof or len(inflated) == 256


def opaque_kind(data: bytes) -> str | None:
    """What container ``data`` is, when it is one whose contents the search cannot read (:data:`_OPAQUE`)."""
    for offset, magic, kind in _OPAQUE:
        if data.startswith(magic, offset):
            # bzip2's "BZh" is followed by its block size digit; without it, it is text that starts so.
            if magic == b"BZh" and not data[3:4].isdigit():
                continue
            # zlib's "x^" is text too ("x^2 grows…"): a zlib header counts when what follows inflates.
            if magic[:1] == b"\x78" and not _inflates(data):
                continue
            return kind
    return None


def secret_in(
    data: bytes,
    registered: RegisteredKeys | None = None,
    tokens: list[tuple[int, bytes]] | None = None,
    rel: str | None = None,
) -> tuple[int, str, str] | None:
    """(line, message, code) of the first secret in a file's bytes: a private key or a list of recipients, or a
    container whose contents cannot be searched for either (``tokens``: see :func:`award_secret`). ``rel``: the
    file's path in the repository (a registry record is no list of recipients in JSON or YAML: its model says
    what it holds)."""
    kind = opaque_kind(data)
    if kind is not None:
        return (
            1,
            f"is a {kind}: what it holds cannot be searched for private keys and lists of recipients, so it is not "
            "accepted. Commit its contents as plain files instead (or keep it outside the repository)",
            OPAQUE_CODE,
        )
    extra = image_extra(data)
    # An issuer's image is told so by its own check (generator._internal.images), once; classified only when it
    # holds more (the full check reads every award here: no second classification each).
    if extra is not None and (rel is None or layout.classify(rel).kind != layout.PathKind.ISSUER_ASSET):
        return (
            1,
            f"is an image that holds {extra} besides its picture: a screenshot's or a camera's metadata can name "
            "people (an author, a comment, a list pasted into it), and the repository publishes it byte for byte. "
            "Commit the picture only (export it again without metadata, e.g. `exiftool -all= FILE`)",
            IMAGE_CODE,
        )
    unwalked = unwalked_format(data)
    if unwalked is not None:
        return (
            1,
            f"is a {unwalked} image, whose metadata (EXIF, XMP, a description, an author) no check here reads and "
            "the repository would publish byte for byte: the registry and its pages use PNG, JPEG, WebP, GIF and "
            "SVG only. Convert it to PNG with its pixels only (e.g. `magick FILE -strip FILE.png`)",
            IMAGE_CODE,
        )
    text = _utf16_as_utf8(data)  # the bytes themselves below: raw key material may start as a BOM does
    # An SVG's comments and metadata (an issuer's SVG is told by its own check, generator._internal.svg, once).
    unseen = unseen_content(text) if b"<svg" in text else None
    if unseen is not None and (rel is None or layout.classify(rel).kind != layout.PathKind.ISSUER_ASSET):
        return (
            1,
            f"is an SVG holding {unseen}: no viewer shows it, it can name people (an author, a list pasted into "
            "it), and the repository publishes it byte for byte. Commit the drawing only (Inkscape's 'Plain SVG', "
            "or `scour --remove-metadata --enable-comment-stripping`)",
            IMAGE_CODE,
        )
    hit = private_key_line(data, registered, tokens)
    if hit is None and text is not data:
        hit = private_key_line(text, registered, tokens)
    if hit is not None:
        line, what = hit
        return line, private_key_message(what), PRIVATE_KEY_CODE
    data = text
    header = recipients_line(data)
    if header is not None:
        return (
            header,
            "is a list of recipients (a column of email addresses, phone numbers or students' numbers): recipients "
            "are never published, only keyed "
            "hashes of their addresses. Remove the file (and it from every commit) and keep cohort files and earners' "
            "mappings outside the repository",
            "governance.recipients",
        )
    record = rel is not None and layout.classify(rel).kind in _RECORD_KINDS
    people = rel is not None and _PEOPLE_FILE.fullmatch(rel) is not None
    rows = None if record or people else listed_rows_line(data)
    if rows is not None:
        return (
            rows,
            "is a list of recipients (three email addresses or more as a table's or a list's rows, or two under a "
            "header naming an email column): recipients are never published, only keyed hashes of their addresses. "
            "Remove the file (and it from every commit) and keep cohort files and earners' mappings outside the "
            "repository. If these are the project's own people, list them in a MAINTAINERS, AUTHORS or "
            "CONTRIBUTORS file (or .mailmap); for examples, use addresses at example.org",
            "governance.recipients",
        )
    listed = None if record else structured_recipients_line(data)
    if listed is not None:
        return (
            listed,
            "is a list of recipients (their email addresses, in a list's items): recipients are never published, "
            "only keyed hashes of their addresses. Remove the file (and it from every commit) and keep cohort files "
            "and earners' mappings outside the repository",
            "governance.recipients",
        )
    linked = recipient_key_line(data)
    if linked is not None:
        return (
            linked,
            "holds an earner's recipient key (a verification link with ~<key>, or a recipient_key column): with it, "
            "anyone can confirm a guess of the earner's email address. Remove it (and it from every commit); publish "
            "only the award hash, the part of the link before ~",
            "governance.recipients",
        )
    return None


def check_private_keys(pr: PullRequest, problems: ProblemList) -> None:
    registered = RegisteredKeys.of(pr.registry) if pr.registry is not None else None
    searched = []
    for change in pr.changes:
        if change.status is ChangeStatus.DELETED:
            continue
        # An added award is searched, escapes undone, by the award check (award_secret); a link is not read as
        # one (governance.new_awards): its text is searched here.
        award = change.status is ChangeStatus.ADDED and layout.classify(change.path).kind in layout.AWARD_KINDS
        if not award or (pr.root / change.path).is_symlink():
            searched.append(change.path)
    history = _BaseHistory(pr)  # the base's authors' and committers' addresses, read once when asked
    check_commit_messages(pr, problems, history)
    for rel in searched:
        if _PEOPLE_FILE.fullmatch(rel) is not None and (pr.root / rel).is_file() and not (pr.root / rel).is_symlink():
            _check_people_file(pr, rel, history, problems)
    # A changed file the work tree does not show as Git commits it (a sparse checkout left it out; skip-worktree,
    # assume-unchanged): the diff names it from Git's index, so its blob is searched, and the disk's copy too when
    # there is one (as repository_search reads them; a link's blob is its target).
    committed = _blobs_not_as_on_disk(pr.root, searched, (":/",), (*_REGULAR, _LINK))
    for rel in searched:
        said: set[tuple[int, str]] = set()
        for data in _texts(pr.root, rel, committed, links=True):
            hit = secret_in(data, registered, rel=rel)
            if hit is not None and (hit[0], hit[2]) not in said:
                said.add((hit[0], hit[2]))
                line, message, code = hit
                problems.add(rel, message, line=line, code=code)


def _addresses(text: str) -> dict[str, int]:
    """The people's addresses ``text`` names (no example or role mailbox), each with its first line: read as the
    list rules read a line (:func:`generator.models.award.as_read`: ``bo＠…``, ``bo&#64;…``, ``bo%40…``)."""
    found: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if _AT_IN_LINE.search(line) is not None or "\\" in line:
            for match in _MAILBOX.finditer(as_read(line)):
                named = _someones_address(match[0].strip(_AROUND_ADDRESS))
                if named is not None and not _ROLE_MAILBOX.match(named):
                    found.setdefault(named.lower(), number)
    return found


class _BaseHistory:
    """The base commit's history as Git has it, read once when first asked: its commits' authors' and committers'
    addresses, and whether that is all of it (a shallow clone, actions/checkout's default, holds the last commits
    only). The base's only: the pull request's own commits are whatever it says (``git -c user.email=… commit``
    makes anyone a committer), so they count for nothing."""

    def __init__(self, pr: PullRequest) -> None:
        self._pr = pr

    @functools.cached_property
    def addresses(self) -> frozenset[str]:
        """Its commits' authors' and committers' addresses, lower-cased (its commits' ids among them, which
        :attr:`whole` reads: no address is one)."""
        listed = git_output(self._pr.root, "log", "--format=%H%n%ae%n%ce%n%aE%n%cE", self._pr.base.commit, "--")
        return frozenset((listed or b"").decode("utf-8", errors="replace").lower().split())

    @functools.cached_property
    def whole(self) -> bool:
        cut = _shallow_commits(self._pr.root)
        return not cut or cut.isdisjoint(self.addresses)


_SHALLOW = (
    "this clone holds only part of the history (a shallow clone: actions/checkout's fetch-depth), so the check "
    "cannot tell. Fetch the whole history (actions/checkout: fetch-depth: 0; locally git fetch --unshallow) and "
    "run the check again"
)


def _shallow_commits(root: Path) -> frozenset[str]:
    """The commits a shallow clone was cut at (Git's ``shallow`` file): none in a whole clone."""
    where = (git_output(root, "rev-parse", "--git-path", "shallow") or b"").decode("utf-8", "replace").strip()
    path = root / where if where else None
    if path is None or not path.is_file():
        return frozenset()
    return frozenset(path.read_text(encoding="ascii", errors="replace").split())


def _unknown_addresses(new: dict[str, int], history: _BaseHistory) -> dict[str, int] | None:
    """The addresses of ``new`` the base's history does not have, when they are :data:`_LISTED` or more."""
    if len(new) < _LISTED:
        return None
    unknown = {address: line for address, line in new.items() if address not in history.addresses}
    return unknown if len(unknown) >= _LISTED else None


def _check_people_file(pr: PullRequest, rel: str, history: _BaseHistory, problems: ProblemList) -> None:
    """A people file (:data:`_PEOPLE_FILE`) names the project's people: the addresses a pull request adds to one
    are the base's history's (a commit's author or committer) or role mailboxes. :data:`_LISTED` others are a list
    of recipients saved under the name (a cohort as the root's AUTHORS)."""
    try:
        text = _head(pr.root / rel).decode("utf-8", errors="replace")
    except OSError:
        return
    before = pr.base.read(rel)
    kept = _addresses(before.decode("utf-8", errors="replace")) if before else {}
    new = {address: line for address, line in _addresses(text).items() if address not in kept}
    unknown = _unknown_addresses(new, history)
    if unknown is None:
        return
    if not history.whole:
        message = (
            f"adds {len(unknown)} addresses that are no commit's author or committer in the part of the history "
            f"this clone holds: a people file lists the project's own people, and whether these are is told by "
            f"the whole history, but {_SHALLOW}"
        )
    else:
        message = (
            f"adds {len(unknown)} addresses that are no commit's author or committer in the base's history (nor "
            "role mailboxes such as security@ or help@; the pull request's own commits do not count): a people "
            "file lists the project's own people, and these read as a list of recipients. Remove them; recipients "
            "are never published, only keyed hashes of their addresses"
        )
    problems.add(rel, message, line=min(unknown.values()), code="governance.recipients")


#: A Git trailer naming a person of the commit (``Co-authored-by: Bo Lind <bo@…>``, ``Signed-off-by:``, ``Cc:``):
#: the commit's own people, as a people file's are (:data:`_PEOPLE_FILE`): its addresses are read by that rule,
#: and the line emptied for the text search, so line numbers stay.
_TRAILER = re.compile(rb"(?im)^(?:[a-z]+-)*by:[^\n]*$|^cc:[^\n]*$")


def _range_cut(pr: PullRequest, shas: list[str]) -> bool:
    """Whether a shallow clone cut the pull request's range: one of its commits is a cut (Git lists none past
    it) whose parents, by its own object, are not the base's history."""
    cut = _shallow_commits(pr.root).intersection(shas)
    if not cut:
        return False
    ancestry = set((git_output(pr.root, "rev-list", pr.base.commit, "--") or b"").decode("ascii", "replace").split())
    for sha in cut:
        raw = git_output(pr.root, "cat-file", "commit", sha) or b""
        head = raw.partition(b"\n\n")[0].decode("ascii", "replace")
        parents = [line[7:] for line in head.splitlines() if line.startswith("parent ")]
        if any(parent not in ancestry for parent in parents):
            return True
    return False


def check_commit_messages(pr: PullRequest, problems: ProblemList, history: _BaseHistory) -> None:
    """Every commit message of the pull request's range is searched by the text rules of :func:`secret_in`: a
    cohort or a key pasted into one (``git commit -F cohort.txt``) is published with the history for good, as a
    file's would be. Each is named ``commit <id>``. Its trailers' addresses are the people file's rule's
    (:func:`_check_people_file`). A range a shallow clone cut is said to be unread, never passed."""
    listed = git_output(pr.root, "log", "-z", "--format=%H %ae %ce%n%B", f"{pr.base.commit}..HEAD", "--") or b""
    entries = [entry.strip(b"\n").partition(b"\n") for entry in listed.split(b"\0") if entry.strip(b"\n")]
    if _range_cut(pr, [head.split(b" ", 1)[0].decode("ascii", "replace") for head, _, _ in entries]):
        problems.add(
            "commit messages",
            "the pull request's commits are not all here to be searched (a cohort or a key in a message is "
            f"published with the history for good): {_SHALLOW}",
            line=None,
            code="governance.recipients",
        )
    for head, _, body in entries:
        if not body:
            continue
        sha, *own = head.decode("utf-8", errors="replace").lower().split(" ")
        where = f"commit {sha[:12]}"
        # The commit's own author and committer (a Signed-off-by of oneself) are in its header already.
        trailers = b"\n".join(match[0] for match in _TRAILER.finditer(body)).decode("utf-8", errors="replace")
        named = {address: line for address, line in _addresses(trailers).items() if address not in own}
        unknown = _unknown_addresses(named, history)
        if unknown is not None:
            problems.add(
                where,
                f"its trailers (Co-authored-by, Cc, …) name {len(unknown)} addresses that are no commit's author "
                "or committer in the base's history (nor role mailboxes): a commit's own people are few, and "
                "these read as a list of recipients, published with the history for good. "
                + (
                    f"Whether they are the project's people is told by the whole history, but {_SHALLOW}"
                    if not history.whole
                    else "Reword the commit (git rebase -i, reword) to name its co-authors only"
                ),
                line=None,
                code="governance.recipients",
            )
        hit = secret_in(_TRAILER.sub(b"", body))
        if hit is None:
            continue
        line, message, code = hit
        problems.add(
            where,
            f"its message (line {line}) {message}. Reword the commit (git rebase -i, reword) so that "
            "no commit of the pull request carries it",
            line=None,
            code=code,
        )


def _texts(root: Path, rel: str, committed: dict[str, bytes], *, links: bool) -> list[bytes]:
    """What a leak search reads of ``rel``: what Git commits of it when the work tree does not show that
    (:func:`_blobs_not_as_on_disk`), then the disk's copy, if any: its first bytes, or a link's target when
    ``links`` (the pull-request check searches what a link names; the full check skips links on disk)."""
    path = root / rel
    texts = [committed[rel]] if rel in committed else []
    try:
        if path.is_symlink():
            if links:
                texts.append(str(path.readlink()).encode())
        elif path.is_file():
            texts.append(_held_head(path))
    except ChangedSinceVetted:  # a build's check: not the bytes the build hashed, so not the ones it would publish
        raise
    except OSError:
        pass
    return texts


def _head(path: Path) -> bytes:
    with path.open("rb") as fh:
        return fh.read(SCAN_BYTES)


def _held_head(path: Path) -> bytes:
    """:func:`_head` of a regular file (a link not followed): while a build holds the registry's reads, of the
    bytes it hashed before its check (:func:`~generator._internal.files.open_regular`), the ones it publishes."""
    with open_regular(path) as fh:
        return fh.read(SCAN_BYTES)


#: The full check's search leaves out the awards (a million files, whose names alone cost seconds to list): the
#: award check reads each one anyway, and searches it (:func:`award_secret`), in the full check and in the
#: pull-request check alike. The few other signed files cost nothing to search here, and are (an endorsement's
#: comment is free text).
def repository_leaks(root: Path, registered: RegisteredKeys | None = None) -> list[Problem]:
    """The full check's search: every file Git would commit (tracked, or new and not ignored), or without Git
    every file under ``root``, but the awards."""
    return repository_search(root).problems(registered)


@dataclass(frozen=True, slots=True)
class RepositorySearch:
    """What :func:`repository_search` found: the secrets, and the tokens of 32 bytes of the other files (each value
    once, at its first place), which are keys only if a registered key is theirs: the search runs in a process of
    its own while the check loads the registry (``credreg check``), so it tests them after, in :meth:`problems`."""

    found: list[Problem]
    tokens: dict[bytes, Location]

    def problems(self, registered: RegisteredKeys | None) -> list[Problem]:
        problems = list(self.found)
        if registered:
            for value, where in self.tokens.items():
                name = registered.owner(value)
                if name is not None:
                    problems.append(
                        Problem(where, private_key_message(registered_key_what(name)), code=PRIVATE_KEY_CODE)
                    )
        return sorted(problems, key=lambda p: (p.location.path, p.location.line or 0))


def repository_search(root: Path) -> RepositorySearch:
    """:func:`repository_leaks`'s search, without the registry: what the full check runs in the background."""
    found = []
    tokens: dict[bytes, Location] = {}
    committable = _committable(root)
    # What Git commits of a file the work tree does not show as it is (left out by a sparse checkout, deleted here,
    # flagged skip-worktree or assume-unchanged) is in every clone all the same: its blob is searched, and the
    # disk's copy too when there is one (the next commit's, once the flag is dropped). Under registry/ and keys/,
    # the layout refuses such files besides: layout.not-checked-out.
    committed = _blobs_not_as_on_disk(root, committable, (".", *_NOT_AWARDS))
    for rel in committable:
        said: set[tuple[int, str]] = set()
        for data in _texts(root, rel, committed, links=False):
            candidates: list[tuple[int, bytes]] = []
            hit = secret_in(data, tokens=candidates, rel=rel)
            if hit is not None:
                line, message, code = hit
                if (line, code) not in said:
                    said.add((line, code))
                    found.append(Problem(Location(rel, line=line), message, code=code))
                continue
            for line, value in candidates:
                if value not in tokens:
                    tokens[value] = Location(rel, line=line)
    return RepositorySearch(found, tokens)


#: Git's listing leaves the awards out itself (by the layout's own rules): at a million awards, their names are most
#: of the repository's and would cost seconds to list, decode and classify here only to be skipped.
_NOT_AWARDS = tuple(f":(exclude,glob){glob}" for glob in layout.AWARD_GLOBS)


#: Git modes whose blob holds text to search: a regular file, and a link (its blob is the link's target, which the
#: pull-request check searches). A nested repository (160000) holds none.
_REGULAR = (b"100644", b"100755")
_LINK = b"120000"


def _blobs_not_as_on_disk(
    root: Path, files: Iterable[str], pathspec: tuple[str, ...], modes: tuple[bytes, ...] = _REGULAR
) -> dict[str, bytes]:
    """The first :data:`SCAN_BYTES` of the index blob of each of ``files`` whose work-tree copy is not what Git
    commits: absent (a sparse checkout's cone, deleted here), or flagged ``skip-worktree`` or ``assume-unchanged``
    (``git add`` and ``git diff`` look past what the disk holds, so the commit keeps the blob). Files of Git mode
    ``modes`` only. One ``git ls-files`` over ``pathspec`` for the flags and blob ids, one ``git cat-file --batch``
    stream for the blobs, read as it comes (a huge blob is never held whole); a blob Git cannot give (a partial
    clone's, offline) raises :class:`GitFailed`: the search would otherwise pass what it never read."""
    wanted = set(files)
    if not wanted:
        return {}
    # -v: the tags of not_read_from_disk.
    listed = git_output(root, "ls-files", "-s", "-v", "-z", "--cached", "--", *pathspec) or b""
    objects: dict[str, str] = {}
    for entry in listed.split(b"\0"):
        meta, _, name = entry.partition(b"\t")
        fields = meta.split()
        rel = os.fsdecode(name)
        if len(fields) != 4 or rel not in wanted or fields[1] not in modes or fields[3] != b"0":
            continue
        if not_read_from_disk(fields[0].decode("ascii", "replace")) or not os.path.lexists(root / rel):
            objects.setdefault(rel, fields[2].decode("ascii"))
    if not objects:
        return {}
    order = sorted(objects)
    chunks = git_stream(root, "cat-file", "--batch", stdin="".join(f"{objects[rel]}\n" for rel in order).encode())
    blobs: dict[str, bytes] = {}
    pending = iter(order)
    current: str | None = next(pending)
    buffer = b""
    left = -1  # bytes of the current blob and its closing newline still to come; -1 while its header is read
    keep = 0  # of which the first bytes to keep: at most SCAN_BYTES, never the newline
    kept: list[bytes] = []
    for chunk in chunks or ():
        buffer += chunk
        while buffer and current is not None:
            if left < 0:
                end = buffer.find(b"\n")
                if end < 0:
                    break
                header = buffer[:end].split()
                if len(header) != 3 or header[1] != b"blob" or not header[2].isdigit():
                    said = buffer[:end].decode("utf-8", "replace") or "no answer"
                    raise GitFailed(
                        f"{current} is not checked out as Git holds it, and Git could not give its content (git "
                        f"cat-file said: {said}): the leak search would pass a file it never read"
                    )
                size = int(header[2])
                left, keep, kept, buffer = size + 1, min(size, SCAN_BYTES), [], buffer[end + 1 :]
                continue
            piece, buffer = buffer[:left], buffer[left:]
            left -= len(piece)
            if keep:
                kept.append(piece[:keep])
                keep -= len(kept[-1])
            if left == 0:
                blobs[current], left, current = b"".join(kept), -1, next(pending, None)
    missing = [name for name in order if name not in blobs]
    if missing:
        raise GitFailed(
            f"{missing[0]} is not checked out as Git holds it, and Git gave no content for it (git cat-file ended "
            "early): the leak search would pass a file it never read"
        )
    return blobs


def _committable(root: Path) -> list[str]:
    """The repository's committable files but the awards, sorted (a few thousand names, whatever the awards)."""
    listed = git_output(root, "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", ".", *_NOT_AWARDS)
    if listed is not None:
        return sorted({os.fsdecode(name) for name in listed.split(b"\0") if name})
    # Outside Git (a tarball): every file could be committed once it is in one. (Inside, a Git that fails raises:
    # its listing is what a commit would take, ignored files aside.)
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in (".git", ".cache", "site", ".build")]
        found += [Path(folder, name).relative_to(root).as_posix() for name in files]
    return sorted(rel for rel in found if layout.classify(rel).kind not in layout.AWARD_KINDS)
