"""Issuer signing keys: generation, the public half in ``keys/``, the private half outside the repository.

A private key file never lives inside the registry checkout (refused on write and on read) and is refused when
anyone but its owner can read it, the way ssh treats identity files.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import json
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator import layout
from generator._internal.files import json_text, open_regular, prepared_new, unwritable_folder
from generator._internal.source import SourceError, read_json_file
from generator.awarding.record import default_record, file_entry, record_signed, usable_record
from generator.crypto import ed25519
from generator.crypto.multibase import encode_ed25519_public
from generator.errors import KeyFileError, SecretPlaceRefused, UsageError
from generator.models import PublicKey
from generator.openbadges import timestamp
from generator.registry import Registry

__all__ = [
    "PRIVATE_KEY_FORMAT",
    "GeneratedKey",
    "SigningKey",
    "check_private_key_file",
    "default_key_dir",
    "generate_key",
    "load_signing_key",
    "read_private_key_file",
    "refuse_in_checkout",
]

#: Marks our private key files; the pull-request check refuses any file carrying it.
PRIVATE_KEY_FORMAT = "credreg-ed25519-private-key/1"


@dataclass(frozen=True, slots=True)
class SigningKey:
    """An issuer's private signing key, as loaded from its file."""

    issuer: str
    key_id: str
    seed: bytes
    controller: str | None = None
    """The DID the key was made for (``credreg keygen`` writes it into the file; ``None`` in a file made before)."""
    site: str | None = None
    """The registry's ``site_url`` when the key was made (as ``controller``): its status lists and records live
    there."""

    def identity_problem(self, did: str, site: str) -> str | None:
        """Why this key may not sign as ``did`` in the registry at ``site``, as the checkout names its owner and its
        site (``None`` when it may). Both come from the checkout's files (governance.yaml's ``site_url``, an
        owner's ``did``), which anyone's change may have shaped: an award signed there would name another issuer,
        or status lists and records another site serves (whose owner then says what is revoked). The key file is
        the owner's own, outside the checkout, and says whose key it is and where it signs."""
        for what, made, here in (("DID", self.controller, did), ("registry site", self.site, site)):
            if made is not None and made != here:
                return (
                    f"the key was made for the {what} {made}, but this checkout gives {self.issuer} {here} "
                    "(governance.yaml's site_url, or the owner's did, differs from when the key was made): signing "
                    "here would sign in another name; the registry refuses that change once keys exist "
                    "(governance.identity), so the checkout holds a change nobody reviewed"
                )
        return None

    @property
    def public(self) -> bytes:
        return ed25519.public_from_seed(self.seed)

    @property
    def public_multibase(self) -> str:
        return encode_ed25519_public(self.public)

    def sign(self, message: bytes) -> bytes:
        return ed25519.sign(self.seed, message)

    def __repr__(self) -> str:  # never print key material, even in a debugger
        return f"SigningKey(issuer={self.issuer!r}, key_id={self.key_id!r})"


@dataclass(frozen=True, slots=True)
class GeneratedKey:
    public: PublicKey
    public_path: Path
    private_path: Path
    record: Path | None = None
    """The owner's record of what it signed, which now holds the public key file (:mod:`.record`)."""


def default_key_dir() -> Path:
    """Where private keys go by default: ``$CREDREG_KEY_DIR``, else the user's config directory."""
    explicit = os.environ.get("CREDREG_KEY_DIR")
    if explicit:
        return Path(explicit).expanduser()
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "credreg" / "keys"


def _free_key_id(registry: Registry, issuer: str, today: dt.date) -> str:
    base = f"key-{today.isoformat()}"
    candidate, n = base, 1
    while layout.key_path(registry.root, issuer, candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def generate_key(
    registry: Registry,
    issuer: str,
    *,
    key_id: str | None = None,
    valid_from: dt.datetime | None = None,
    private_path: Path | None = None,
    now: dt.datetime | None = None,
    record: Path | bool = False,
) -> GeneratedKey:
    """Make an Ed25519 key pair: the public half into ``keys/<issuer>/``, the private half outside the repo.
    ``record``: the owner's record of what it signed (:mod:`generator.awarding.record`; ``True``: the one beside
    the private key), which gets the public key file's line before either half is written."""
    if issuer not in registry.issuers and issuer not in registry.endorsers:
        raise UsageError(
            f"unknown issuer or endorser {issuer!r}", [f"registered issuers: {', '.join(sorted(registry.issuers))}"]
        )
    now = now or dt.datetime.now(dt.UTC)
    key_id = key_id or _free_key_id(registry, issuer, now.date())
    if not layout.SLUG_RE.match(key_id):
        raise UsageError(f"key id {key_id!r} is not a lowercase slug")
    public_path = layout.key_path(registry.root, issuer, key_id)
    if public_path.exists():
        raise UsageError(f"{layout.relpath(registry.root, public_path)} already exists: key files never change")
    private_path = private_path or default_key_dir() / issuer / f"{key_id}.key"
    refuse_in_checkout(private_path, registry.root, "write a private key")
    public_rel = layout.relpath(registry.root, public_path)
    if private_path.exists() or private_path.is_symlink():  # a dangling link too: never written through
        raise _existing_private(private_path, issuer, key_id, public_rel)
    for what, path, shown in (("private", private_path, private_path), ("public", public_path, public_rel)):
        why = unwritable_folder(path.parent)  # refused before a key is made
        if why is not None:
            raise UsageError(f"cannot write the {what} key {shown}: {why}")
    record_path = None
    if record is not False:
        record_path = default_record(private_path, issuer) if record is True else record
        record_path = usable_record(record_path, registry.root)

    seed = ed25519.generate_seed()
    public = PublicKey.model_validate(
        {
            "$schema": "../../schemas/key.schema.json",
            "id": key_id,
            "issuer": issuer,
            "type": "Multikey",
            "publicKeyMultibase": encode_ed25519_public(ed25519.public_from_seed(seed)),
            "created": timestamp(now),
            "valid_from": timestamp(valid_from or now),
        }
    )
    private_doc = {
        "format": PRIVATE_KEY_FORMAT,
        "issuer": issuer,
        "keyId": key_id,
        "publicKeyMultibase": public.publicKeyMultibase,
        "seed": base64.urlsafe_b64encode(seed).decode().rstrip("="),
        "controller": registry.endorser_did(issuer),
        "registrySite": registry.site_url,
    }
    # Both halves or neither: each is written whole (and synced) before either is named, and named only if its name
    # is still free (checked above, but another process may have taken it since): nothing is ever replaced. The
    # private half is named first: killed between the two namings (two system calls apart), the machine keeps a
    # private key nobody registered, which the next run recognises (_existing_private), never a registered key
    # nobody holds. Any failure removes what this call named; a kill before the namings leaves nothing.
    public_text = json_text(public.model_dump(mode="json", by_alias=True, exclude_none=True))
    private_text = json.dumps(private_doc, indent=2).encode("utf-8") + b"\n"
    step = f"the private key {private_path}"
    named = False
    try:
        private_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if record_path is not None:  # before either half (generator.awarding.record), into the key's own folder
            step = f"the record {record_path}"
            entry = file_entry("key-added", registry.root, public_path, public_text.encode("utf-8"))
            record_signed(record_path, [entry], now)
            step = f"the private key {private_path}"
        with prepared_new(private_path, private_text, mode=0o600) as name_private:
            step = f"the public key {public_rel}"
            with prepared_new(public_path, public_text.encode("utf-8")) as name_public:
                step = f"the private key {private_path}"
                name_private()
                named = True
                step = f"the public key {public_rel}"
                name_public()
    except OSError as exc:
        if named:
            private_path.unlink(missing_ok=True)
        if isinstance(exc, FileExistsError):  # the same refusals as the checks above, which another process beat
            if step.startswith("the private"):
                raise KeyFileError(
                    f"{private_path} already exists; not overwriting a private key", ["no key was made"]
                ) from None
            raise UsageError(f"{public_rel} already exists: key files never change", ["no key was made"]) from None
        raise UsageError(f"cannot write {step}: {exc.strerror or exc}", ["no key was made"]) from None
    return GeneratedKey(public, public_path, private_path, record_path)


def _existing_private(private_path: Path, issuer: str, key_id: str, public_rel: str) -> KeyFileError:
    """The refusal of a private key file that is already there. When it is this very key's private half (its
    issuer and id, and no public half in ``keys/``), an earlier ``credreg keygen`` was stopped between writing
    the two halves: the key was never registered, so nothing signed with it can be trusted, and it can go."""
    try:
        with open_regular(private_path) as fh:  # never through a link
            doc = json.loads(fh.read(1 << 16))
    except (OSError, ValueError):
        doc = None
    mine = isinstance(doc, dict) and doc.get("format") == PRIVATE_KEY_FORMAT
    if mine and isinstance(doc, dict) and doc.get("issuer") == issuer and doc.get("keyId") == key_id:
        return KeyFileError(
            f"{private_path} already exists, without its public half {public_rel}: an earlier `credreg keygen` "
            "was stopped before it wrote that half, so this key was never registered",
            [f"delete {private_path} and run `credreg keygen` again (or choose another --key-id or --out)"],
        )
    return KeyFileError(f"{private_path} already exists; not overwriting a private key")


def refuse_in_checkout(path: Path, root: Path | None, action: str, published: Iterable[Path] = ()) -> None:
    """Refuse (:class:`SecretPlaceRefused`, a usage error: the path is wrong) to ``action`` (a private key: "write
    a private key") at ``path`` where one ``git add`` would publish it. To write: anywhere
    :func:`generator.layout.secret_holder` names (a registry checkout, however the path is spelt, a ``published``
    folder, or any other Git work tree). To read: a registry checkout or ``published`` folder
    (:func:`generator.layout.checkout_holding`), where the key may already be exposed."""
    reading = action.startswith("read")
    if reading:
        checkout = layout.checkout_holding(path, root, published)
        holder = layout.Holder(checkout, registry=True) if checkout is not None else None
    else:
        holder = layout.secret_holder(path, root, published)
    if holder is None:
        return
    if reading:
        hint = "move it outside the repository (and out of its history) and treat it as exposed"
    elif holder.registry:
        hint = "private keys never belong in the repository; choose a path outside it (default: your config dir)"
    else:
        hint = (
            "private keys never belong in a Git repository, whichever it is; choose a folder outside every one "
            "(--out, or CREDREG_KEY_DIR for credreg keygen)"
        )
    raise SecretPlaceRefused(f"refusing to {action} {holder.inside}: {path} ({holder.detail})", [hint])


def check_private_key_file(path: Path, root: Path | None, published: Iterable[Path] = ()) -> None:
    """Refuse to read a private key (an issuer's, the log's, a witness's) from inside the repository (or a
    ``published`` folder), from a file other users can read, or from one another user owns: each means the key
    may already be exposed, or is not this user's to sign with."""
    with _opened_private_key(path, root, published):
        pass


@contextlib.contextmanager
def _opened_private_key(path: Path, root: Path | None, published: Iterable[Path]) -> Iterator[int]:
    """A descriptor of the private key file ``path``, once :func:`check_private_key_file`'s rules hold for the very
    file opened (asked of the descriptor: a file swapped in after a check by name is never the one read)."""
    refuse_in_checkout(path, root, "read a private key", published)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # a FIFO would block the open for ever
    except OSError as exc:
        raise KeyFileError(f"cannot read private key {path}: {exc.strerror}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):  # a folder; a FIFO would block the read for ever
            raise KeyFileError(f"cannot read private key {path}: not a regular file")
        if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise KeyFileError(
                f"private key {path} is accessible by other users (mode {stat.filemode(info.st_mode)})",
                [f"restrict it first: chmod 600 {path}"],
            )
        if info.st_uid != os.geteuid():
            # Readable here only to root: another user's key (or one they put here to be signed with) is not this
            # user's, as ssh and the verification cache's secret (generator/verify/cache.py) treat theirs.
            raise KeyFileError(
                f"private key {path} belongs to another user (uid {info.st_uid}, not {os.geteuid()})",
                ["sign as the user who owns it; if the key is yours, `chown` it to yourself first"],
            )
        yield fd
    finally:
        os.close(fd)


def read_private_key_file(path: Path, root: Path | None, what: str, published: Iterable[Path] = ()) -> dict[str, Any]:
    """The JSON object in private key file ``path`` (refused by :func:`check_private_key_file` first), read as
    every JSON file is (:mod:`generator._internal.source`): a key file is copied, pasted into CI secrets and
    sometimes edited by hand, so a field given twice, a NaN or a broken line is refused, naming the file, line
    and column. ``what`` names the kind of file in messages."""
    with _opened_private_key(path, root, published) as fd:
        try:
            # The file checked, not the name again: open() takes over (and closes) a copy of the descriptor.
            doc = read_json_file(os.dup(fd), str(path), regular=False).data  # checked above
        except SourceError as exc:
            if exc.problems[0].code == "file.unreadable":
                raise KeyFileError(f"cannot read private key {path}", [str(p) for p in exc.problems]) from None
            raise KeyFileError(f"{path} is not {what}", [str(p) for p in exc.problems]) from None
    if not isinstance(doc, dict):
        raise KeyFileError(f"{path} is not {what}: not a JSON object")
    return doc


def load_signing_key(path: Path, *, root: Path | None = None) -> SigningKey:
    """Read a private key file, refusing one inside the repository or readable by others."""
    doc = read_private_key_file(path, root, "a credreg private key file")
    try:
        if doc.get("format") != PRIVATE_KEY_FORMAT:
            raise ValueError(f"not a {PRIVATE_KEY_FORMAT} file")
        padded = doc["seed"] + "=" * (-len(doc["seed"]) % 4)
        seed = base64.urlsafe_b64decode(padded)
        if len(seed) != 32:
            raise ValueError("the seed is not 32 bytes")
        controller, site = doc.get("controller"), doc.get("registrySite")
        if not all(value is None or isinstance(value, str) for value in (controller, site)):
            raise ValueError("its controller and registrySite are text")
        key = SigningKey(str(doc["issuer"]), str(doc["keyId"]), seed, controller, site)
    except (ValueError, KeyError, TypeError) as exc:
        raise KeyFileError(f"{path} is not a credreg private key file: {exc}") from None
    if key.public_multibase != doc.get("publicKeyMultibase"):
        raise KeyFileError(f"{path} is damaged: its seed does not produce its public key")
    return key
