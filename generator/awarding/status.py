"""An issuer's status lists in the registry: allocation of indexes, creation and re-signing.

Indexes are drawn at random from the free ones (the Bitstring Status List specification recommends it: a
sequential index would reveal the order of issue, and two pull requests would always collide). A new list
starts when the current one is half full, which keeps random draws cheap.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator import layout
from generator._internal.files import write_json_atomic
from generator.awarding.keys import SigningKey
from generator.awarding.signing import sign_document
from generator.awards import iter_awards
from generator.registry import Registry
from generator.statuslist import MIN_BITS, decode_list, new_bitstring, set_bit, status_list_credential

__all__ = ["StatusAllocator", "read_status_list", "set_revoked", "signed_status_list"]


def read_status_list(path: Path) -> tuple[dict[str, Any], bytearray]:
    credential = json.loads(path.read_text(encoding="utf-8"))
    return credential, bytearray(decode_list(credential["credentialSubject"]["encodedList"]))


def signed_status_list(
    registry: Registry, issuer: str, number: int, bits: bytearray, key: SigningKey, now: dt.datetime
) -> dict[str, Any]:
    unsigned = status_list_credential(
        list_url=registry.status_list_url(issuer, number),
        issuer_did=registry.issuer_did(issuer),
        bitstring=bits,
        valid_from=now,
    )
    return sign_document(unsigned, key, f"{registry.issuer_did(issuer)}#{key.key_id}", now)


@dataclass
class StatusAllocator:
    """Free status list slots of one issuer, from the awards already in the registry."""

    registry: Registry
    issuer: str
    used: dict[int, set[int]] = field(default_factory=dict)

    @classmethod
    def scan(cls, registry: Registry, issuer: str) -> StatusAllocator:
        allocator = cls(registry, issuer)
        prefix = registry.url(f"issuers/{issuer}/status/")
        for source in iter_awards(registry.root, issuer):
            try:
                entry = json.loads(source.text).get("credentialStatus", {})
                url = str(entry["statusListCredential"])
                number = int(url.removeprefix(prefix).removesuffix(".json"))
                allocator.used.setdefault(number, set()).add(int(entry["statusListIndex"]))
            except (ValueError, KeyError, TypeError, AttributeError):
                continue  # the check reports malformed awards; allocation only needs the valid ones
        return allocator

    def allocate(self) -> tuple[int, int]:
        """A free (list number, index), preferring the newest list until it is half full."""
        number = max(self.used, default=1)
        taken = self.used.setdefault(number, set())
        if len(taken) >= MIN_BITS // 2:
            number += 1
            taken = self.used.setdefault(number, set())
        while True:
            index = secrets.randbelow(MIN_BITS)
            if index not in taken:
                taken.add(index)
                return number, index

    def ensure_lists(self, key: SigningKey, now: dt.datetime) -> list[Path]:
        """Create (empty, signed) every allocated list that has no file yet; returns the files written."""
        written = []
        for number in sorted(self.used):
            path = layout.status_list_path(self.registry.root, self.issuer, number)
            if not path.exists():
                credential = signed_status_list(self.registry, self.issuer, number, new_bitstring(), key, now)
                write_json_atomic(path, credential)
                written.append(path)
        return written


def set_revoked(registry: Registry, issuer: str, number: int, index: int, key: SigningKey, now: dt.datetime) -> Path:
    """Set the bit and re-sign the list with the issuer's key."""
    path = layout.status_list_path(registry.root, issuer, number)
    _, bits = read_status_list(path)
    set_bit(bits, index)
    write_json_atomic(path, signed_status_list(registry, issuer, number, bits, key, now))
    return path
