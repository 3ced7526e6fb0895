"""No private key, and no list of recipients, ever enters the repository: every added or changed file (in a pull
request), and every file of the repository but the awards (in the full check), is searched for one.

A private key is recognised, in JSON, YAML or any text, by:

* a ``seed`` field (``seed: …``, ``seed=…``) holding 40 or more base64url characters, not all hex (a digest),
  up to anything but a name's continuation (source code's ``seed=make(…)`` names a value): a credreg private
  key file (an issuer's, a log's or a witness's), named by its ``format`` field, quoted or not, any of its
  characters possibly a JSON escape (``\\/``, ``\\u0063``), or a seed copied alone;
* an Ed25519 private Multikey (``z3u2…``, the multicodec ``ed25519-priv``) anywhere, as a token of its own (the
  end of an escape, ``\\n`` or ``%0A``, may touch it);
* a field of a Multikey or DID document whose name starts ``privateKey`` or ``secretKey`` (its Multibase,
  Base58, … forms) holding a value, or a JWK's ``"d"``, but for the few keys a standard prints as its test
  vectors (:data:`PUBLISHED_TEST_KEY_DIGESTS`);
* PEM armour (``-----BEGIN … PRIVATE KEY-----``: PKCS#8, RSA, EC, OpenSSH, encrypted; its spaces as ``+`` too,
  as a URL's query writes them);
* a file that is nothing but key material: 32 or 64 bytes of binary, or one base64, base64url or base58
  token of 32 or 64 bytes (an Ed25519 seed, or a seed with its public key). Hex is not taken: a SHA-256
  digest alone in a file is common and public.

A list of recipients is a file whose first line is a CSV header with an ``email`` (or ``recipient_key``)
column, and which holds an address below it: a cohort file (``credreg award --csv``) or an earners' mapping
(``recipients.csv``). Published, it names the people the registry publishes only as keyed hashes.

An award (single file or batch line) is searched by :func:`award_secret`, which the award check
(:class:`generator.verify.registry_check.AwardChecker`) applies to every award it reads, in the full check and in
the pull-request check alike: by the same rules, and again with the text's escapes undone (JSON's ``\\u0041``,
``\\"``, ``\\/`` and ``\\\\``, and a URL's ``%41``), so that a key pasted into any string field (an evidence URL,
its query or fragment, a narrative, a name, an extension field) is found however it is written there.

Symbolic links are not followed: a link's target is a path, not content, and following it could read files
outside the repository.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import csv
import hashlib
import json
import os
import re
import subprocess
from pathlib import Path

from generator import layout
from generator.awarding.keys import PRIVATE_KEY_FORMAT
from generator.crypto.multibase import b58decode
from generator.errors import CryptoError, Location, Problem, ProblemList
from generator.governance.context import PullRequest
from generator.governance.git import ChangeStatus
from generator.transparency.keys import NOTE_KEY_FORMAT

__all__ = ["award_secret", "check_private_keys", "private_key_line", "repository_leaks", "secret_in"]

PRIVATE_KEY_CODE = "governance.private-key"

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


#: Where a value ends: at anything but more of it, a call, an index or an attribute (``seed: make_seed(…)``,
#: ``seed=settings.value`` in source code name a value, they do not hold one). So a value ends at a quote, a
#: space, a JSON escape (``\\n``), a URL's next parameter (``&``), fragment (``#``) or folder (``/``), a full stop.
_END = rb"""(?![\w(\[-]|\.\w)"""


def _key_file_patterns(*, escaped: bool) -> tuple[re.Pattern[bytes], tuple[tuple[re.Pattern[bytes], str], ...]]:
    """The ``seed`` field, and the ``format`` fields that name a credreg key file (in JSON, YAML or a mapping in
    source code: the field name's opening quote is not needed to find it)."""

    def field(name: str) -> bytes:
        return _spelt(name, escaped=escaped) + rb"""["']?\s*[:=]\s*["']?"""

    # Not hex: a credreg seed is base64url (43 characters, hex only by a chance of 1 in 10**20), while a SHA-1 or
    # SHA-256 digest in hex (an LMS's ``?seed=`` of a quiz, a commit) is public.
    seed = re.compile(field("seed") + rb"(?![0-9A-Fa-f]{40,}" + _END + rb")([A-Za-z0-9_-]{40,}={0,2})" + _END)
    # Built from the constants, so this module (and any file that merely names the format) is not a match.
    formats = (
        (re.compile(field("format") + _spelt(PRIVATE_KEY_FORMAT, escaped=escaped)), "a credreg private key"),
        (re.compile(field("format") + _spelt(NOTE_KEY_FORMAT, escaped=escaped)), "a transparency-log private key"),
    )
    return seed, formats


_KEY_FILES = {escaped: _key_file_patterns(escaped=escaped) for escaped in (False, True)}
#: (a byte string every match holds, the pattern, what it finds): the pattern is searched for only when the
#: file holds the string, a test ten times faster than a search that cannot start from a literal.
_KEY_PATTERNS = (
    (b"PRIVATE", re.compile(rb"-----BEGIN[ +](?:[A-Z0-9]+[ +])*PRIVATE[ +]KEY-----"), "a PEM private key"),
    (
        b"Key",
        re.compile(
            rb"""(?:private|secret)Key(?:Multibase|Base58|Base64|Base64Url|Hex|Pem)["']?\s*[:=]\s*"""
            rb"""["']?([A-Za-z0-9+/=_-]{32,})""" + _END
        ),
        "a private key (a privateKey field)",
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
    ),
    (b'"d"', re.compile(rb'"d"\s*:\s*"([A-Za-z0-9_-]{32,}={0,2})"'), 'a private key (a JWK\'s "d")'),
)
#: Private keys that are public: printed in a standard as its test vectors (W3C vc-di-eddsa, vendored under
#: tests/fixtures/conformance/), so whoever holds them can sign nothing anyone trusts. Held by their SHA-256, so
#: this module's source holds no key itself.
PUBLISHED_TEST_KEY_DIGESTS = frozenset({"2f542d0414610034680453cc8aab1dd9127036a50ab2ac2f64aa1b5409c555f5"})


def _first_key(data: bytes) -> tuple[int, str] | None:
    """(offset, what) of the first private key in ``data`` by its text (the module's docstring says how)."""
    found: list[tuple[int, str]] = []
    seed_pattern, formats = _KEY_FILES[b"\\u" in data or b"\\/" in data]
    seed = seed_pattern.search(data)
    if seed is not None:
        # A key file by its format marker, when it holds a seed too: text that merely names the format (docs, a
        # test of a damaged file) is not a key.
        marked = [(m.start(), what) for pattern, what in formats if (m := pattern.search(data))]
        found.append(min(marked) if marked else (seed.start(), "a private key seed (a seed field)"))
    for needle, pattern, what in _KEY_PATTERNS:
        if needle not in data:
            continue
        for m in pattern.finditer(data):
            value = m.group(1) if m.groups() else None
            if value is None or hashlib.sha256(value).hexdigest() not in PUBLISHED_TEST_KEY_DIGESTS:
                found.append((m.start(), what))
                break
    return min(found) if found else None


_TOKEN = re.compile(rb"\A[A-Za-z0-9+/_-]{40,90}={0,2}\Z")
_HEX = re.compile(rb"\A[0-9A-Fa-f]+\Z")
_KEY_SIZES = frozenset({32, 64})


def _bare_key(data: bytes) -> str | None:
    """What ``data`` is when it is nothing but key material (see the module's docstring)."""
    if len(data) in _KEY_SIZES:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return "raw key material (a binary file of a key's size)"
        if any(ord(c) < 32 and c not in "\t\n\r" for c in text):
            return "raw key material (a binary file of a key's size)"
    token = data.strip()
    if not _TOKEN.match(token) or _HEX.match(token):
        return None
    decoded: list[bytes] = []
    altchars = b"-_" if b"-" in token or b"_" in token else None
    with contextlib.suppress(binascii.Error, ValueError):
        decoded.append(base64.b64decode(token + b"=" * (-len(token) % 4), altchars=altchars, validate=True))
    with contextlib.suppress(CryptoError):
        decoded.append(b58decode(token.decode("ascii")))
    if any(len(value) in _KEY_SIZES for value in decoded):
        return "a bare private key seed (one token of a key's size, alone in a file)"
    return None


def private_key_line(data: bytes) -> tuple[int, str] | None:
    """(line, what) of the first private key in ``data``, or in its text with its escapes undone (a JSON file's:
    an endorsement's comment, say; see :func:`award_secret`)."""
    found = award_secret(data)
    if found is not None:
        return found
    bare = _bare_key(data)
    return (1, bare) if bare is not None else None


#: An escape a key may hide behind in an award's text: JSON's ``\u`` escape of a printable ASCII character (a
#: key's and every marker's characters are such), ``\"``, ``\/`` and ``\\``, and a URL's ``%`` escape of one.
#: Line breaks are never undone (``\n``, ``%0A``), so lines counted after undoing them are the text's lines.
_ESCAPE = re.compile(rb"""\\u00([2-7][0-9a-fA-F])|\\(["/\\])|%([2-7][0-9a-fA-F])""")
#: Undoing escapes is repeated (a key JSON-escaped twice, or escaped for a URL and then for JSON) a few times.
_UNESCAPE_ROUNDS = 4


def _unescape(match: re.Match[bytes]) -> bytes:
    code = match[1] or match[3]
    return bytes([int(code, 16)]) if code else match[2]


def _undone(data: bytes) -> bytes | None:
    """``data`` with its escapes (:data:`_ESCAPE`) undone; ``None`` when it holds none."""
    # Most awards hold no escape but line breaks (a description's ``\n``): told apart by two counts, far faster
    # than the search for an escape.
    if b"%" not in data and data.count(b"\\") == data.count(b"\\n"):
        return None
    undone = data
    for _ in range(_UNESCAPE_ROUNDS):
        again = _ESCAPE.sub(_unescape, undone)
        if again == undone:
            break
        undone = again
    return undone if undone != data else None


def award_secret(raw: bytes) -> tuple[int, str] | None:
    """(line, what) of the first private key in an award's exact bytes (a file, or a batch's line): the rules of
    :func:`private_key_line` but the bare-file one (an award is never nothing but a key), applied to the text and
    to the text with its escapes undone (as they are for every file). What
    :class:`generator.verify.registry_check.AwardChecker` applies to every award; the pull-request check's search
    of the files a change adds leaves the awards to it."""
    found = _first_key(raw)
    if found is None:
        undone = _undone(raw)
        found = _first_key(undone) if undone is not None else None
        raw = undone if undone is not None else raw
    if found is None:
        return None
    start, what = found
    return raw.count(b"\n", 0, start) + 1, what


def secret_field(data: object) -> list[str | int] | None:
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
        if award_secret(text.encode("utf-8", "surrogateescape")) is not None:
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
_RECIPIENT_COLUMNS = frozenset({"email", "e-mail", "recipient_key"})


def recipients_line(data: bytes) -> int | None:
    """The header's line when ``data`` is a list of recipients: a CSV whose first line names an ``email`` (or
    ``recipient_key``) column, with an address in a later line."""
    if b"@" not in data:  # no address: most files, whose decoding and lines would be most of the search's time
        return None
    text = data.decode("utf-8", errors="replace").lstrip("\ufeff")
    lines = text.splitlines()
    number = next((i for i, line in enumerate(lines) if line.strip()), None)
    if number is None:
        return None
    header = lines[number]
    for delimiter in _HEADER_DELIMITERS:
        try:
            cells = next(csv.reader([header], delimiter=delimiter))
        except csv.Error:
            continue
        names = {cell.strip().strip("'").lower() for cell in cells}
        if names & _RECIPIENT_COLUMNS and any("@" in line for line in lines[number + 1 :]):
            return number + 1
    return None


def secret_in(data: bytes) -> tuple[int, str, str] | None:
    """(line, message, code) of the first secret in a file's bytes: a private key or a list of recipients."""
    hit = private_key_line(data)
    if hit is not None:
        line, what = hit
        return line, private_key_message(what), PRIVATE_KEY_CODE
    header = recipients_line(data)
    if header is not None:
        return (
            header,
            "is a list of recipients (an email column): recipients are never published, only keyed hashes of "
            "their addresses. Remove the file (and it from every commit) and keep cohort files and earners' "
            "mappings outside the repository",
            "governance.recipients",
        )
    return None


def check_private_keys(pr: PullRequest, problems: ProblemList) -> None:
    for change in pr.changes:
        if change.status is ChangeStatus.DELETED:
            continue
        path = pr.root / change.path
        # An added award is searched, escapes undone, by the award check (award_secret); a link is not read as
        # one (governance.new_awards): its text is searched here.
        award = change.status is ChangeStatus.ADDED and layout.classify(change.path).kind in layout.AWARD_KINDS
        if award and not path.is_symlink():
            continue
        try:
            data = str(path.readlink()).encode() if path.is_symlink() else _head(path)
        except OSError:
            continue
        hit = secret_in(data)
        if hit is not None:
            line, message, code = hit
            problems.add(change.path, message, line=line, code=code)


def _head(path: Path) -> bytes:
    with path.open("rb") as fh:
        return fh.read(SCAN_BYTES)


#: The full check's search leaves out the awards (a million files, whose names alone cost seconds to list): the
#: award check reads each one anyway, and searches it (:func:`award_secret`), in the full check and in the
#: pull-request check alike. The few other signed files cost nothing to search here, and are (an endorsement's
#: comment is free text).
def repository_leaks(root: Path) -> list[Problem]:
    """The full check's search: every file Git would commit (tracked, or new and not ignored), or without Git
    every file under ``root``, but the awards."""
    found = []
    for rel in _committable(root):
        path = root / rel
        try:
            if path.is_symlink() or not path.is_file():
                continue
            data = _head(path)
        except OSError:
            continue
        hit = secret_in(data)
        if hit is not None:
            line, message, code = hit
            found.append(Problem(Location(rel, line=line), message, code=code))
    return found


#: Git's listing leaves the awards out itself (by the layout's own rules): at a million awards, their names are most
#: of the repository's and would cost seconds to list, decode and classify here only to be skipped.
_NOT_AWARDS = tuple(f":(exclude,glob){glob}" for glob in layout.AWARD_GLOBS)


def _committable(root: Path) -> list[str]:
    """The repository's committable files but the awards, sorted (a few thousand names, whatever the awards)."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("GIT_")}
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", ".", *_NOT_AWARDS],
            cwd=root,
            env=env,
            capture_output=True,
            check=True,
        ).stdout
        return sorted({os.fsdecode(name) for name in listed.split(b"\0") if name})
    except (OSError, subprocess.CalledProcessError):
        found = []
        for folder, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if d not in (".git", ".cache", "site", ".build")]
            found += [Path(folder, name).relative_to(root).as_posix() for name in files]
        return sorted(rel for rel in found if layout.classify(rel).kind not in layout.AWARD_KINDS)
