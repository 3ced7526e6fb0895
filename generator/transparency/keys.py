"""Private keys of the log and of witnesses: held like an issuer's key, never in the repository.

A key file is JSON ``{"format": "credreg-note-key/1", "role": "log"|"witness", "name": …, "seed": …,
"vkey": …}`` with mode 600. The log's key is given by ``--key PATH`` or ``$CREDREG_LOG_KEY`` (in CI: a
repository secret written to a private file by the workflow).
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterable
from pathlib import Path

from generator._internal.files import unwritable_folder, write_new
from generator.awarding.keys import read_private_key_file, refuse_in_checkout
from generator.crypto import ed25519
from generator.errors import KeyFileError, UsageError
from generator.tlog.note import COSIGNATURE_V1, ED25519, NoteError, NoteSigner, key_id

__all__ = ["LOG_KEY_ENV", "NOTE_KEY_FORMAT", "generate_note_key", "load_note_key"]

NOTE_KEY_FORMAT = "credreg-note-key/1"
LOG_KEY_ENV = "CREDREG_LOG_KEY"
_TYPES = {"log": ED25519, "witness": COSIGNATURE_V1}


def generate_note_key(path: Path, name: str, role: str, *, root: Path | None = None) -> NoteSigner:
    """A new Ed25519 key for the log (role ``log``) or a witness (``witness``), written to ``path`` (mode 600)."""
    if role not in _TYPES:
        raise UsageError(f"a note key's role is log or witness, not {role!r}")
    try:
        key_id(name, _TYPES[role], b"")
    except NoteError as exc:
        raise UsageError(f"key name: {exc}") from None
    refuse_in_checkout(path, root, "write a private key")
    if path.exists():
        raise KeyFileError(f"{path} already exists; not overwriting a private key")
    why = unwritable_folder(path.parent)  # refused before a key is made
    if why is not None:
        raise UsageError(f"cannot write the private key {path}: {why}")
    signer = NoteSigner(name, ed25519.generate_seed(), _TYPES[role])
    doc = {
        "format": NOTE_KEY_FORMAT,
        "role": role,
        "name": name,
        "seed": base64.urlsafe_b64encode(signer.seed).decode().rstrip("="),
        "vkey": signer.verifier.vkey,
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_new(path, (json.dumps(doc, indent=2) + "\n").encode("utf-8"), mode=0o600)
    except FileExistsError:  # made since the check above (or a dangling link): never replaced, never written through
        raise KeyFileError(f"{path} already exists; not overwriting a private key") from None
    except OSError as exc:
        raise UsageError(f"cannot write the private key {path}: {exc.strerror or exc}") from None
    return signer


def load_note_key(
    path: Path | None, role: str, *, root: Path | None = None, published: Iterable[Path] = ()
) -> NoteSigner:
    """Read a key file (``path``, else ``$CREDREG_LOG_KEY`` for the log), refusing one in the repo (or in a
    ``published`` folder: the log's state) or open to others."""
    if path is None and role == "log" and os.environ.get(LOG_KEY_ENV):
        path = Path(os.environ[LOG_KEY_ENV]).expanduser()
    if path is None:
        raise UsageError(f"give the {role} key: --key PATH" + (f" or ${LOG_KEY_ENV}" if role == "log" else ""))
    doc = read_private_key_file(path, root, "a credreg log or witness key file", published)
    try:
        if doc.get("format") != NOTE_KEY_FORMAT:
            raise ValueError(f"not a {NOTE_KEY_FORMAT} file")
        if doc.get("role") != role:
            raise ValueError(f"a {doc.get('role')} key, not a {role} key")
        seed = base64.urlsafe_b64decode(doc["seed"] + "=" * (-len(doc["seed"]) % 4))
        signer = NoteSigner(str(doc["name"]), seed, _TYPES[role])
        if len(seed) != 32 or signer.verifier.vkey != doc.get("vkey"):
            raise ValueError("its seed does not produce its vkey")
    except (ValueError, KeyError, TypeError, NoteError) as exc:
        raise KeyFileError(f"{path} is not a credreg log or witness key file: {exc}") from None
    return signer
