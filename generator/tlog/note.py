"""C2SP signed notes (https://c2sp.org/signed-note), checkpoints (tlog-checkpoint) and cosignatures
(tlog-cosignature, ``cosignature/v1`` with Ed25519).

A note is text ending in a newline, a blank line, then signature lines ``— <name> <base64(key id || sig)>``.
The key id is SHA-256(name || 0x0A || type || public key)[:4]: type 0x01 for the log's Ed25519 key (signing
the note text), 0x04 for a witness's timestamped cosignature (signing ``cosignature/v1\\ntime <t>\\n`` + text,
and prefixing the 8-byte big-endian timestamp to the signature). A verifier key (*vkey*) is
``<name>+<hex key id>+<base64(type || public key)>``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass, field

from generator.crypto import ed25519

__all__ = [
    "COSIGNATURE_V1",
    "ED25519",
    "Checkpoint",
    "Note",
    "NoteError",
    "NoteSigner",
    "Signature",
    "Verifier",
    "cosign",
    "format_checkpoint",
    "key_id",
    "parse_checkpoint",
    "parse_note",
    "parse_vkey",
    "sign_note",
    "verify_cosignature",
    "verify_signature",
]

ED25519 = 0x01
COSIGNATURE_V1 = 0x04
_DASH = "\u2014 "
#: Verifiers must accept at least 16 signatures; a bound keeps a hostile note small.
MAX_SIGNATURES = 64
MAX_NOTE_BYTES = 64 * 1024


#: The largest tree size read (C2SP allows 2**64 - 1): the page's numbers hold sizes exactly up to 2**53 - 1 only, and
#: no log holds that many entries, so both verifiers refuse a larger one in the same words (tlog.js MAX_TREE_SIZE).
MAX_TREE_SIZE = 2**53 - 1


class NoteError(ValueError):
    """A note, checkpoint or verifier key is malformed."""


def _quoted(text: str, limit: int | None = None) -> str:
    """The first ``limit`` characters of ``text`` quoted as JSON quotes them, in a message: tlog.js ``quoted``
    quotes them alike (a repr it could not)."""
    return json.dumps(text[:limit], ensure_ascii=False)


#: Standard base64 in whole quanta (tlog.js ``noteBase64`` holds the same): what each decoder then takes alike. Left to
#: b64decode, which spellings it decodes (leading or extra "=", missing ones) is CPython's and changes between versions.
_BASE64 = re.compile(r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?")


def _b64decode(text: str) -> bytes:
    if not _BASE64.fullmatch(text):
        raise NoteError(f"not base64: {_quoted(text, 40)}")
    raw = base64.b64decode(text)  # (the pattern took only what it decodes)
    if base64.b64encode(raw).decode() != text:  # the last character's unused bits set
        raise NoteError(f"not canonical base64: {_quoted(text, 40)}")
    return raw


def _check_name(name: str) -> None:
    if not name or any(c.isspace() or c == "+" for c in name) or not name.isprintable():
        raise NoteError(f"a key name is non-empty, without spaces or '+': {_quoted(name)}")


def key_id(name: str, sig_type: int, public: bytes) -> bytes:
    _check_name(name)
    return hashlib.sha256(name.encode() + b"\n" + bytes([sig_type]) + public).digest()[:4]


@dataclass(frozen=True, slots=True)
class Verifier:
    """A public key that can check one kind of note signature."""

    name: str
    sig_type: int
    public: bytes

    @property
    def id(self) -> bytes:
        return key_id(self.name, self.sig_type, self.public)

    @property
    def vkey(self) -> str:
        material = base64.b64encode(bytes([self.sig_type]) + self.public).decode()
        return f"{self.name}+{self.id.hex()}+{material}"


def parse_vkey(vkey: str) -> Verifier:
    """A vkey of an Ed25519 note key (type 0x01) or an Ed25519 cosigner (type 0x04)."""
    parts = vkey.strip().split("+", 2)  # base64 may itself contain "+"
    if len(parts) != 3:
        raise NoteError("a verifier key is <name>+<hex key id>+<base64 key>")
    name, hexid, material = parts
    _check_name(name)
    if not re.fullmatch(r"[0-9a-f]{8}", hexid):
        raise NoteError(f"key id {_quoted(hexid)} is not 8 lowercase hex digits")  # quoted as tlog.js can
    raw = _b64decode(material)
    if len(raw) != 33 or raw[0] not in (ED25519, COSIGNATURE_V1):
        raise NoteError("only Ed25519 keys (type 0x01) and Ed25519 cosigners (type 0x04) are supported")
    verifier = Verifier(name, raw[0], raw[1:])
    if verifier.id.hex() != hexid:
        raise NoteError(f"key id {hexid} does not match the key (expected {verifier.id.hex()})")
    return verifier


@dataclass(frozen=True, slots=True)
class NoteSigner:
    """A private Ed25519 key with its note key name; ``sig_type`` 0x04 makes it a cosigner (witness)."""

    name: str
    seed: bytes = field(repr=False)  # never printed, in a traceback's locals, a log line or a debugger
    sig_type: int = ED25519

    @property
    def verifier(self) -> Verifier:
        return Verifier(self.name, self.sig_type, ed25519.public_from_seed(self.seed))


@dataclass(frozen=True, slots=True)
class Signature:
    name: str
    id: bytes
    data: bytes
    """The signature bytes after the key id (for a cosignature: timestamp, then signature)."""

    @property
    def line(self) -> str:
        return f"{_DASH}{self.name} {base64.b64encode(self.id + self.data).decode()}\n"


@dataclass(frozen=True, slots=True)
class Note:
    text: str
    signatures: tuple[Signature, ...]

    def encode(self) -> bytes:
        return (self.text + "\n" + "".join(s.line for s in self.signatures)).encode()

    def with_signatures(self, *more: Signature) -> Note:
        known = {(s.name, s.id) for s in self.signatures}
        return Note(self.text, self.signatures + tuple(s for s in more if (s.name, s.id) not in known))


def parse_note(data: bytes) -> Note:
    """Split a signed note into text and signature lines; NoteError for anything malformed."""
    if len(data) > MAX_NOTE_BYTES:
        raise NoteError(f"a note is at most {MAX_NOTE_BYTES} bytes")
    try:
        note = data.decode("utf-8")
    except UnicodeDecodeError:
        raise NoteError("a note is UTF-8") from None
    if any(ord(c) < 0x20 and c != "\n" for c in note):
        raise NoteError("a note has no control characters other than newline")
    if not note.endswith("\n"):
        raise NoteError("a note ends with a newline")
    split = note.rfind("\n\n")
    if split < 0:
        raise NoteError("a note has a blank line between its text and its signatures")
    # Lines end at "\n" only (C2SP signed-note; tlog.js parseNote): str.splitlines also splits at U+0085, U+2028,
    # U+2029 and \x1c-\x1e, so a line the page refuses as malformed read here as two signature lines.
    text, lines = note[: split + 1], [line for line in note[split + 2 :].split("\n") if line]
    if not lines:
        raise NoteError("a note has at least one signature")
    if len(lines) > MAX_SIGNATURES:
        raise NoteError(f"a note has at most {MAX_SIGNATURES} signatures")
    signatures = []
    for line in lines:
        if not line.startswith(_DASH):
            raise NoteError(f"a signature line starts with an em dash and a space: {_quoted(line, 60)}")
        name, sep, b64 = line[len(_DASH) :].partition(" ")
        if not sep:
            raise NoteError(f"malformed signature line: {_quoted(line, 60)}")
        _check_name(name)
        raw = _b64decode(b64)
        if len(raw) < 5:
            raise NoteError(f"signature of {name} is too short")
        signatures.append(Signature(name, raw[:4], raw[4:]))
    return Note(text, tuple(signatures))


def sign_note(text: str, signer: NoteSigner) -> Note:
    """A note of ``text`` signed by the log's Ed25519 key (type 0x01)."""
    if signer.sig_type != ED25519:
        raise NoteError("sign_note signs with a note key (type 0x01); witnesses use cosign()")
    if not text.endswith("\n") or "\n\n" in text:
        raise NoteError("note text ends in one newline and has no blank line")
    verifier = signer.verifier
    return Note(text, (Signature(signer.name, verifier.id, ed25519.sign(signer.seed, text.encode())),))


def _find(note: Note, verifier: Verifier) -> Signature | None:
    return next((s for s in note.signatures if s.name == verifier.name and s.id == verifier.id), None)


def verify_signature(note: Note, verifier: Verifier) -> bool:
    """Whether the note carries a valid Ed25519 signature of ``verifier`` (type 0x01)."""
    sig = _find(note, verifier)
    return (
        sig is not None
        and verifier.sig_type == ED25519
        and ed25519.verify(verifier.public, note.text.encode(), sig.data)
    )


def _cosigned_message(text: str, timestamp: int) -> bytes:
    return f"cosignature/v1\ntime {timestamp}\n{text}".encode()


def cosign(note: Note, signer: NoteSigner, timestamp: int) -> Signature:
    """A witness's ``cosignature/v1`` signature line over a checkpoint note (type 0x04)."""
    if signer.sig_type != COSIGNATURE_V1:
        raise NoteError("a cosigner key has signature type 0x04")
    if not 0 <= timestamp < 2**63:
        raise NoteError("a cosignature timestamp is in 0..2**63-1")
    message = _cosigned_message(note.text, timestamp)
    data = timestamp.to_bytes(8, "big") + ed25519.sign(signer.seed, message)
    return Signature(signer.name, signer.verifier.id, data)


def verify_cosignature(note: Note, verifier: Verifier) -> int | None:
    """The timestamp of ``verifier``'s valid cosignature on the note, or None."""
    sig = _find(note, verifier)
    if sig is None or verifier.sig_type != COSIGNATURE_V1 or len(sig.data) != 72:
        return None
    timestamp = int.from_bytes(sig.data[:8], "big")
    if timestamp >= 2**63:
        return None
    if not ed25519.verify(verifier.public, _cosigned_message(note.text, timestamp), sig.data[8:]):
        return None
    return timestamp


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """The note text of a tlog-checkpoint: origin, tree size, root hash, optional extension lines."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def text(self) -> str:
        return format_checkpoint(self)


def format_checkpoint(cp: Checkpoint) -> str:
    if not cp.origin or "\n" in cp.origin or cp.size < 0 or len(cp.root) != 32:
        raise NoteError("a checkpoint has an origin line, a size >= 0 and a 32-byte root")
    if any(not line or "\n" in line for line in cp.extensions):
        raise NoteError("checkpoint extension lines are non-empty single lines")
    lines = [cp.origin, str(cp.size), base64.b64encode(cp.root).decode(), *cp.extensions]
    return "\n".join(lines) + "\n"


def parse_checkpoint(text: str) -> Checkpoint:
    """The checkpoint in a note's text (the signatures are checked separately)."""
    lines = text.split("\n")
    if len(lines) < 4 or lines[-1] != "" or any(not line for line in lines[:-1]):
        raise NoteError("a checkpoint is at least three non-empty lines: origin, tree size, root hash")
    origin, size, root = lines[0], lines[1], lines[2]
    if not re.fullmatch(r"0|[1-9][0-9]{0,19}", size) or int(size) >= 2**64:
        raise NoteError(f"tree size {_quoted(size, 30)} is not a decimal number without leading zeroes")
    if int(size) > MAX_TREE_SIZE:
        raise NoteError(f"tree size {size} is more than any log holds (at most 2**53 - 1 entries)")
    raw = _b64decode(root)
    if len(raw) != 32:
        raise NoteError("the root hash is 32 bytes")
    return Checkpoint(origin, int(size), raw, tuple(lines[3:-1]))
