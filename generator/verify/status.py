"""Revocation status from the registry's own status lists, never from the network.

A status list counts only if it is signed by a key of the credential's issuer; a revocation also counts when
only the issuer's signed revocation log records it (a conservative reading if the two ever disagree, which
``credreg check`` reports).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator import layout
from generator._internal.times import parse_time
from generator.awards import read_revocations
from generator.crypto.dataintegrity import proofs_of, verify_proof
from generator.errors import CryptoError
from generator.registry import Registry
from generator.statuslist import decode_list, get_bit
from generator.verify.keys import KeyResolver, window_problem

__all__ = ["RegistryStatus", "StatusOutcome"]


@dataclass(frozen=True, slots=True)
class StatusOutcome:
    revoked: bool | None
    """``None`` when the status could not be determined (``problem`` says why)."""

    problem: str = ""
    revoked_on: str | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class _List:
    bits: bytes | None
    problem: str


class RegistryStatus:
    """Status lists and revocation logs of the registry at hand, each read and verified once."""

    def __init__(self, registry: Registry, keys: KeyResolver) -> None:
        self._registry = registry
        self._keys = keys
        self._lists: dict[str, _List] = {}
        self._revocations: dict[str, dict[str, dict[str, Any]]] = {}

    def _path_for(self, url: str) -> tuple[str, Path] | None:
        prefix = self._registry.url("issuers/")
        if not url.startswith(prefix):
            return None
        issuer, _, rest = url[len(prefix) :].partition("/status/")
        if issuer not in self._registry.issuers or not rest.endswith(".json") or not rest[:-5].isdigit():
            return None
        return issuer, layout.status_list_path(self._registry.root, issuer, int(rest[:-5]))

    def list_bits(self, url: str, issuer_did: str) -> tuple[bytes | None, str]:
        """The verified bitstring of a status list, or ``None`` and why it cannot be trusted."""
        listed = self._load(url, issuer_did)
        return listed.bits, listed.problem

    def _load(self, url: str, issuer_did: str) -> _List:
        cached = self._lists.get(url)
        if cached is not None:
            return cached
        result = self._read(url, issuer_did)
        self._lists[url] = result
        return result

    def _read(self, url: str, issuer_did: str) -> _List:
        located = self._path_for(url)
        if located is None:
            return _List(None, f"status list {url} is not in this registry (credreg never fetches)")
        _, path = located
        try:
            credential = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return _List(None, f"status list {layout.relpath(self._registry.root, path)} is missing or unreadable")
        if credential.get("id") != url or credential.get("issuer") != issuer_did:
            return _List(None, "the status list does not belong to this credential's issuer")
        proofs = proofs_of(credential)
        if not proofs:
            return _List(None, "the status list is not signed")
        for proof in proofs:
            method = str(proof.get("verificationMethod", "")) if isinstance(proof, dict) else ""
            key = self._keys.resolve(method)
            if key is None or key.controller != issuer_did:
                return _List(None, "the status list is not signed by a key of the issuer")
            if key.record is not None:
                created = parse_time(proof.get("created"))
                problem = window_problem(key.record, created) if created else "its proof has no valid created time"
                if problem:
                    return _List(None, f"the status list's signature is not trusted: {problem}")
            result = verify_proof(credential, proof, key.public)
            if not result:
                return _List(None, f"the status list's signature does not verify: {result.reason}")
        try:
            return _List(decode_list(credential["credentialSubject"]["encodedList"]), "")
        except (CryptoError, KeyError, TypeError) as exc:
            return _List(None, f"the status list cannot be decoded: {exc}")

    def revocations(self, issuer: str) -> dict[str, dict[str, Any]]:
        """Award hash → revocation entry, from the issuer's log (signatures are the check's business)."""
        if issuer not in self._revocations:
            log = layout.revocations_path(self._registry.root, issuer)
            self._revocations[issuer] = {str(e.get("award")): e for _, e in read_revocations(log)}
        return self._revocations[issuer]

    def status(self, entry: Any, issuer_did: str, award_hash: str | None) -> StatusOutcome:
        if not isinstance(entry, dict) or entry.get("type") != "BitstringStatusListEntry":
            return StatusOutcome(None, "credentialStatus is not a BitstringStatusListEntry")
        if entry.get("statusPurpose") != "revocation":
            return StatusOutcome(None, f"status purpose {entry.get('statusPurpose')!r} is not supported")
        url = str(entry.get("statusListCredential", ""))
        try:
            index = int(str(entry.get("statusListIndex")))
        except ValueError:
            return StatusOutcome(None, "statusListIndex is not a number")
        located = self._path_for(url)
        logged = self.revocations(located[0]).get(award_hash or "") if located and award_hash else None
        listed = self._load(url, issuer_did)
        if listed.bits is None:
            if logged:
                return StatusOutcome(True, "", logged.get("revoked"), logged.get("reason"))
            return StatusOutcome(None, listed.problem)
        try:
            bit = get_bit(listed.bits, index)
        except IndexError as exc:
            return StatusOutcome(None, str(exc))
        if bit or logged:
            return StatusOutcome(
                True, "", logged.get("revoked") if logged else None, logged.get("reason") if logged else None
            )
        return StatusOutcome(False)
