"""Finding the public key behind a proof's ``verificationMethod``, offline.

Three sources, tried in order: the registry (``<issuer DID>#<key-id>`` of a registered issuer, with the key's
validity window; exactly as its published DID document names the method, and only there for a registered
issuer's DID), ``did:key`` (the key is the identifier), and a Multikey fragment (``…#z6Mk…``). Nothing is ever
fetched: a method none of them resolves is reported as unresolvable.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from generator._internal.times import day, parse_time, utc_day
from generator.crypto.multibase import decode_ed25519_public, public_key_from_did_key
from generator.errors import CryptoError
from generator.models import PublicKey
from generator.registry import KeyRecord, Registry

__all__ = [
    "ChainResolver",
    "DidKeyResolver",
    "KeyResolver",
    "RegistryKeyResolver",
    "ResolvedKey",
    "method_id",
    "named_key",
    "signing_times",
    "window_problem",
]


@dataclass(frozen=True, slots=True)
class ResolvedKey:
    public: bytes
    controller: str
    """The DID that controls the key (the part of the verification method before ``#``)."""

    source: str
    """Where the key came from, in words (``keys/acme/key-2025.json``, ``did:key``)."""

    issuer_id: str | None = None
    """The registry issuer that registered the key."""

    record: PublicKey | None = None
    """The registry's key file (validity window, revocation), when the key comes from the registry."""

    confirmed: bool = True
    """False when the controller's ownership of the key cannot be confirmed offline."""


class KeyResolver(Protocol):
    def resolve(self, verification_method: str) -> ResolvedKey | None: ...


def method_id(did: str, key_id: str) -> str:
    """The id the DID document of ``did`` gives its key ``key_id`` (generator/publish/did.py), the one way a proof
    names a registered key."""
    return f"{did}#{key_id}"


def named_key(keys: Mapping[str, KeyRecord], did: str, method: str) -> KeyRecord | None:
    """The key of ``keys`` (``did``'s registered keys, by id) that ``method`` names, or ``None``.

    A method names a key only as ``did``'s DID document lists it: exactly ``<did>#<key id>``. Any other spelling
    (the key's multibase value, another case, a percent-encoded fragment) is no method of that document, and an
    independent verifier, which dereferences it there, finds no key. The rule of every registered key an award,
    an endorsement, a status list or a revocation is read by; policies.js ``namedKey`` is the page's copy."""
    _, sep, fragment = method.rpartition("#")
    key = keys.get(fragment) if sep else None
    return key if key is not None and method == method_id(did, fragment) else None


class RegistryKeyResolver:
    """Keys of registered issuers, by ``<issuer DID>#<key-id>``."""

    def __init__(self, registry: Registry) -> None:
        # One owner per DID, as every other reader takes it (the log check's key file, the page's index).
        self._by_did = registry.issuers_by_did()

    def owns(self, verification_method: str) -> bool:
        """Whether the method's DID is a registered issuer's: then only this resolver may answer for it."""
        return verification_method.partition("#")[0] in self._by_did

    def resolve(self, verification_method: str) -> ResolvedKey | None:
        did = verification_method.partition("#")[0]
        record = self._by_did.get(did)
        if record is None:
            return None
        # Exactly as the issuer's published DID document names it (named_key): a method that names the key
        # otherwise (by its multibase value, say) is no method of that document, and other verifiers refuse it.
        key = named_key(record.keys, did, verification_method)
        if key is None:
            return None
        try:
            public = decode_ed25519_public(key.model.publicKeyMultibase)
        except CryptoError:
            return None  # not a key at all: the registry check reports the key file (load._check_key_material)
        return ResolvedKey(public, did, key.path, record.id, key.model)


class DidKeyResolver:
    """``did:key:z6Mk…`` (with or without the ``#z6Mk…`` fragment) and bare Multikey fragments."""

    def resolve(self, verification_method: str) -> ResolvedKey | None:
        did, _, fragment = verification_method.partition("#")
        try:
            if did.startswith("did:key:"):
                return ResolvedKey(public_key_from_did_key(verification_method), did, "did:key")
            if fragment.startswith("z6Mk"):
                # The key is in the fragment, but only the controller's DID document could confirm it is theirs.
                return ResolvedKey(decode_ed25519_public(fragment), did, "Multikey fragment", confirmed=False)
        except CryptoError:
            return None
        return None


class ChainResolver:
    def __init__(self, *resolvers: KeyResolver) -> None:
        self._resolvers = resolvers

    def resolve(self, verification_method: str) -> ResolvedKey | None:
        for resolver in self._resolvers:
            found = resolver.resolve(verification_method)
            if found is not None:
                return found
            if isinstance(resolver, RegistryKeyResolver) and resolver.owns(verification_method):
                return None  # a registered issuer's DID: its key is the registry's, or none (no Multikey fragment)
        return None


def window_problem(key: PublicKey, when: dt.datetime) -> str | None:
    """Why the key could not sign at ``when`` (``None`` when it could)."""
    if when < key.valid_from:
        return f"signed on {day(when)}, before key {key.id} became valid ({utc_day(key.valid_from)})"
    if key.valid_until is not None and when > key.valid_until:
        return f"signed on {day(when)}, after key {key.id} was retired ({utc_day(key.valid_until)})"
    if key.revoked_at is not None and when >= key.revoked_at:
        revoked = f"{utc_day(key.revoked_at)}: {key.revocation_reason}"
        return f"signed on {day(when)}, after key {key.id} was revoked ({revoked})"
    return None


def signing_times(proofs: Iterable[Any], method: str | None = None) -> Iterator[tuple[Any, dt.datetime | None]]:
    """When a credential was signed, as every rule on it reads it (the key's window, a former issuer profile's
    ``until``): each proof's ``created`` (of the proofs by ``method``, when given), as written and as the instant
    it names (``None``: not a readable time, which no rule accepts). ``policies.js`` (``signingTimes``) is the
    browser's copy."""
    for proof in proofs:
        if method is None or (isinstance(proof, dict) and proof.get("verificationMethod") == method):
            created = proof.get("created") if isinstance(proof, dict) else None
            yield created, parse_time(created)
