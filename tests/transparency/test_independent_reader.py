"""An independent reader of the published log, written from the C2SP specs and RFC 9162 alone.

Nothing here imports the log's own code (generator.tlog, generator.transparency) to *read* the log: the
checkpoint, signature, key id, tile paths, tiles and entry bundles are decoded by the few lines below,
straight from c2sp.org/signed-note, /tlog-checkpoint, /tlog-tiles and RFC 9162 §2.1.1.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import nacl.exceptions
import nacl.signing
import pytest

from generator.awards import award_hash, iter_awards
from generator.load import load_registry
from tests.transparency.conftest import LogRepo


def _sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _mth(leaves: list[bytes]) -> bytes:
    """RFC 9162 §2.1.1: MTH of a list of leaf hashes (split at the largest power of two below n)."""
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return _sha(b"\x01" + _mth(leaves[:k]) + _mth(leaves[k:]))


def _index_path(n: int) -> str:
    """c2sp.org/tlog-tiles: 1234067 → x001/x234/067."""
    digits = f"{n:d}"
    digits = "0" * (-len(digits) % 3) + digits
    groups = [digits[i : i + 3] for i in range(0, len(digits), 3)]
    return "/".join([*("x" + g for g in groups[:-1]), groups[-1]])


def _read_verified_checkpoint(log: Path, vkey: str) -> tuple[str, int, bytes]:
    name, key_hash, material = vkey.split("+", 2)
    raw_key = base64.b64decode(material)
    assert raw_key[0] == 0x01, "an Ed25519 signed-note key"
    key_id = _sha(name.encode() + b"\n" + raw_key)[:4]
    assert key_id.hex() == key_hash
    note = (log / "checkpoint").read_bytes().decode("utf-8")
    text, _, signatures = note.rpartition("\n\n")
    text += "\n"
    verified = False
    for line in signatures.splitlines():
        dash, signer, b64 = line.split(" ")
        assert dash == "\u2014"
        sig = base64.b64decode(b64)
        if signer == name and sig[:4] == key_id:
            nacl.signing.VerifyKey(raw_key[1:]).verify(text.encode(), sig[4:])  # raises if bad
            verified = True
    assert verified, "no signature by the registry's log key"
    origin, size, root, *_extensions = text.split("\n")
    return origin, int(size), base64.b64decode(root)


def _read_tiles(log: Path, size: int) -> list[bytes]:
    """All leaf hashes from the level-0 tiles, each higher level checked to hash the full tiles below it."""
    levels: list[list[bytes]] = []
    level = 0
    while size >> (8 * level):
        count = size >> (8 * level)
        hashes: list[bytes] = []
        for n in range(-(-count // 256)):
            width = min(256, count - 256 * n)
            name = f"tile/{level}/{_index_path(n)}" + ("" if width == 256 else f".p/{width}")
            data = (log / name).read_bytes()
            assert len(data) == 32 * width, name
            hashes += [data[i : i + 32] for i in range(0, len(data), 32)]
        if levels:
            below = levels[-1]
            assert hashes == [_mth(below[256 * i : 256 * i + 256]) for i in range(count)]
        levels.append(hashes)
        level += 1
    return levels[0]


def _read_entries(log: Path, size: int) -> list[bytes]:
    entries: list[bytes] = []
    for n in range(-(-size // 256)):
        width = min(256, size - 256 * n)
        data = (log / (f"tile/entries/{_index_path(n)}" + ("" if width == 256 else f".p/{width}"))).read_bytes()
        i = 0
        while i < len(data):
            length = int.from_bytes(data[i : i + 2], "big")
            entries.append(data[i + 2 : i + 2 + length])
            i += 2 + length
    return entries


def test_an_independent_reader_verifies_the_published_log(log_repo: LogRepo) -> None:
    from generator.transparency.publish import publish_log

    registry = load_registry(log_repo.root).registry
    assert registry is not None
    publish_log(log_repo.root, registry, log_repo.state, log_repo.signer)
    site = log_repo.keys.parent / "site-log"
    from generator.transparency.publish import copy_log

    copy_log(registry, log_repo.state, site)  # what `credreg build --log` serves under log/

    assert _index_path(1234067) == "x001/x234/067"
    vkey = (site / "vkey").read_text().strip()
    assert vkey == registry.governance.model.log.vkey  # type: ignore[union-attr]
    origin, size, root = _read_verified_checkpoint(site, vkey)
    assert origin == "credentials.example.org/log"
    leaves = _read_tiles(site, size)
    assert _mth(leaves) == root
    entries = _read_entries(site, size)
    assert len(entries) == size
    assert [_sha(b"\x00" + e) for e in entries] == leaves

    # The documented entry format: "credreg-log/1 <kind> <issuer> <sha256> <path>[#<line>]".
    logged = {}
    for entry in entries:
        prefix, kind, issuer, digest, where = entry.decode().rstrip("\n").split(" ")
        assert prefix == "credreg-log/1"
        if kind == "award":
            logged[digest] = (issuer, where)
    awards = {award_hash(json.loads(a.text)): a for a in iter_awards(log_repo.root)}
    assert len(awards) == 332
    for digest, award in awards.items():
        assert digest in logged, f"award {digest} ({award.where}) is not in the log"
        assert logged[digest][1] == award.path + (f"#{award.line}" if award.line else "")

    # The reader is not fooled either: one flipped bit in the checkpoint fails the signature.
    checkpoint = site / "checkpoint"
    checkpoint.write_bytes(checkpoint.read_bytes().replace(base64.b64encode(root), base64.b64encode(_sha(b"x"))))
    with pytest.raises(nacl.exceptions.BadSignatureError):
        _read_verified_checkpoint(site, vkey)
