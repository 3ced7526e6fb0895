"""What the registry already holds, looked up without verifying it.

The pull-request check verifies only what a change adds; the rules across awards (one award per status list
slot, no duplicates) still compare the new awards with every existing one. These lookups are that comparison's
only contact with the existing awards, kept apart so that a cache can back them: today they scan the issuer's
award files with a byte-level pattern (falling back to JSON only for an award the pattern cannot read).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Collection, Iterable, Iterator
from pathlib import Path
from typing import Any

from generator import layout
from generator._internal.files import regular_files
from generator.awards import award_hash
from generator.registry import Registry

__all__ = [
    "Slot",
    "award_at",
    "award_signatures",
    "awards_citing",
    "existing_status_slots",
    "is_same_award",
    "single_award_path",
]

Slot = tuple[str, int, int]
"""(issuer, status list number, index)."""

_STATUS_KEY = b'"credentialStatus"'
_URL_VALUE = re.compile(rb'"statusListCredential"\s*:\s*"([^"\\]*)"')
_INDEX_VALUE = re.compile(rb'"statusListIndex"\s*:\s*"?([0-9]+)"?')


def _award_files(root: Path, issuer: str) -> Iterator[tuple[str, str]]:
    """(absolute path, repository-relative path) of the issuer's award files, in a stable order. Plain
    strings and ``os.walk``: this runs once per file of a registry that may hold a million awards."""
    top = str(root)
    if (root / layout.ISSUERS_DIR / issuer).is_symlink():
        return  # never followed: the layout check refuses it
    for dirpath, filename in regular_files(f"{top}/{layout.ISSUERS_DIR}/{issuer}/awards"):
        if filename.endswith((".json", ".jsonl")):
            yield f"{dirpath}/{filename}", f"{dirpath[len(top) + 1 :].replace(os.sep, '/')}/{filename}"


def _read(path: str) -> bytes:
    with open(path, "rb") as fh:  # noqa: PTH123 - plain strings on the hot path (see _award_files)
        return fh.read()


def _items(path: str, rel: str) -> Iterator[tuple[str, bytes]]:
    """(where, raw award) for a single-award file or each non-empty line of a batch."""
    data = _read(path)
    if rel.endswith(".json"):
        yield rel, data
        return
    for number, line in enumerate(data.split(b"\n"), start=1):
        if line.strip():
            yield f"{rel}:{number}", line


def _slot_by_json(raw: bytes, prefix: str) -> tuple[int, int] | None:
    try:
        entry = json.loads(raw).get("credentialStatus") or {}
        url, index = str(entry["statusListCredential"]), int(str(entry["statusListIndex"]))
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    number = url.removeprefix(prefix).removesuffix(".json") if url.startswith(prefix) else ""
    return (int(number), index) if number.isdigit() else None


def _slot(raw: bytes, prefix: bytes) -> tuple[int, int] | None:
    """The award's (list, index). Fast path: the one ``credentialStatus`` object is flat, so its fields lie
    between its key and the next ``}``; anything unusual goes to a JSON parser."""
    at = raw.find(_STATUS_KEY)
    if at >= 0 and raw.find(_STATUS_KEY, at + len(_STATUS_KEY)) < 0:
        window = raw[at : raw.find(b"}", at)]
        urls, indexes = _URL_VALUE.findall(window), _INDEX_VALUE.findall(window)
        if len(urls) == 1 and len(indexes) == 1 and urls[0].startswith(prefix) and urls[0].endswith(b".json"):
            number = urls[0][len(prefix) : -len(b".json")]
            if number.isdigit():
                return int(number), int(indexes[0])
    return _slot_by_json(raw, prefix.decode())


def existing_status_slots(
    registry: Registry, issuers: Iterable[str], *, exclude: Collection[str] = ()
) -> dict[Slot, str]:
    """Status list slots used by the awards of ``issuers`` (not counting files in ``exclude``), each with
    where it is used (``path`` or ``path:line``). Awards whose slot cannot be read are skipped: they were
    reported when they were added."""
    slots: dict[Slot, str] = {}
    for issuer in sorted(set(issuers)):
        prefix = registry.url(f"issuers/{issuer}/status/").encode()
        for path, rel in _award_files(registry.root, issuer):
            if rel in exclude:
                continue
            if rel.endswith(".json"):  # most awards: no per-line splitting
                slot = _slot(_read(path), prefix)
                if slot is not None:
                    slots.setdefault((issuer, *slot), rel)
                continue
            for where, raw in _items(path, rel):
                slot = _slot(raw, prefix)
                if slot is not None:
                    slots.setdefault((issuer, *slot), where)
    return slots


def award_at(root: Path, where: str) -> dict[str, Any] | None:
    """The award at ``path`` or ``path:line`` (``None`` when it cannot be read)."""
    path, _, line = where.partition(":")
    try:
        data = (root / path).read_bytes()
        raw = data.split(b"\n")[int(line) - 1] if line else data
        award = json.loads(raw)
    except (OSError, ValueError, IndexError):
        return None
    return award if isinstance(award, dict) else None


def is_same_award(root: Path, where: str, digest: str) -> bool:
    """Whether the award at ``where`` has hash ``digest`` (a single file is named after its hash)."""
    path, _, line = where.partition(":")
    if not line:
        return Path(path).stem == digest
    award = award_at(root, where)
    return award is not None and award_hash(award) == digest


def single_award_path(root: Path, issuer: str, digest: str) -> str | None:
    """The single-award file named after ``digest``, in any year (``None`` when there is none)."""
    for candidate in sorted(layout.awards_dir(root, issuer).glob(f"*/{digest[:2]}/{digest}.json")):
        return candidate.relative_to(root).as_posix()
    return None


def awards_citing(root: Path, issuer: str, needle: str, *, limit: int = 3) -> list[str]:
    """Up to ``limit`` awards of ``issuer`` whose text contains the JSON string ``needle`` (e.g. a credential's
    URL as its achievement id)."""
    quoted = json.dumps(needle).encode()
    found: list[str] = []
    for path, rel in _award_files(root, issuer):
        for where, raw in _items(path, rel):
            if quoted in raw:
                found.append(where)
                if len(found) >= limit:
                    return found
    return found


def award_signatures(root: Path, issuer: str, method: str) -> Iterator[tuple[str, object]]:
    """(where, proof ``created``) of every proof by verification method ``method`` in the issuer's awards."""
    needle = method.encode()
    for path, rel in _award_files(root, issuer):
        for where, raw in _items(path, rel):
            if needle not in raw:
                continue
            try:
                award = json.loads(raw)
            except ValueError:
                continue
            proofs = award.get("proof") if isinstance(award, dict) else None
            for proof in proofs if isinstance(proofs, list) else [proofs]:
                if isinstance(proof, dict) and proof.get("verificationMethod") == method:
                    yield where, proof.get("created")
