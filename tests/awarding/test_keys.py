"""Key generation: Multikey public halves in keys/, private halves outside the repository, mode 600."""

from __future__ import annotations

import errno
import json
import os
import signal
import stat
from pathlib import Path
from typing import Any

import pytest

from generator._internal import files
from generator.awarding.keys import PRIVATE_KEY_FORMAT, generate_key, load_signing_key
from generator.crypto.multibase import decode_ed25519_public
from generator.errors import KeyFileError, SecretPlaceRefused, UsageError
from generator.schema import FileKind, validator
from tests.conftest import EPOCH, Signer


def test_keygen_writes_a_valid_multikey_and_a_private_file_outside(signer: Signer) -> None:
    public = json.loads((signer.root / "keys/acme-academy/key-1.json").read_text())
    assert list(validator(FileKind.KEY).iter_errors(public)) == []
    assert public["publicKeyMultibase"].startswith("z6Mk")
    assert len(decode_ed25519_public(public["publicKeyMultibase"])) == 32
    assert public["valid_from"] == "2024-01-01T00:00:00Z"
    mode = stat.S_IMODE(signer.key_path.stat().st_mode)
    assert mode == 0o600
    private = json.loads(signer.key_path.read_text())
    assert private["format"] == PRIVATE_KEY_FORMAT
    assert private["publicKeyMultibase"] == public["publicKeyMultibase"]
    assert signer.key.public_multibase == public["publicKeyMultibase"]
    # The public file holds no secret material.
    assert private["seed"] not in (signer.root / "keys/acme-academy/key-1.json").read_text()


def test_default_private_location_is_the_config_dir(
    signer: Signer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CREDREG_KEY_DIR", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    made = generate_key(signer.registry, "acme-academy", key_id="key-9", now=EPOCH)
    assert made.private_path == tmp_path / "config/credreg/keys/acme-academy/key-9.key"


def test_refuses_private_key_inside_the_repository(signer: Signer) -> None:
    with pytest.raises(SecretPlaceRefused, match="refusing to write a private key inside the registry repository"):
        generate_key(signer.registry, "acme-academy", key_id="key-3", private_path=signer.root / "secret.key")
    assert not (signer.root / "secret.key").exists()
    assert not (signer.root / "keys/acme-academy/key-3.json").exists(), "nothing half-written"


def test_refuses_to_read_a_private_key_from_inside_the_repository(signer: Signer) -> None:
    inside = signer.root / "leaked.key"
    inside.write_bytes(signer.key_path.read_bytes())
    os.chmod(inside, 0o600)
    with pytest.raises(SecretPlaceRefused, match="inside the registry repository"):
        load_signing_key(inside, root=signer.root)


def test_refuses_a_private_key_others_can_read(signer: Signer) -> None:
    os.chmod(signer.key_path, 0o644)
    with pytest.raises(KeyFileError, match=r"accessible by other users \(mode -rw-r--r--\)"):
        load_signing_key(signer.key_path, root=signer.root)


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user (and read it then)")
def test_refuses_a_private_key_another_user_owns(signer: Signer) -> None:
    # Mode 600, but another user's: root reads it all the same, and signed with whatever key was put there.
    os.chown(signer.key_path, 65534, 65534)
    with pytest.raises(KeyFileError, match=r"belongs to another user \(uid 65534, not 0\)"):
        load_signing_key(signer.key_path, root=signer.root)


def test_refuses_a_damaged_private_key(signer: Signer) -> None:
    doc = json.loads(signer.key_path.read_text())
    doc["publicKeyMultibase"] = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
    signer.key_path.write_text(json.dumps(doc))
    with pytest.raises(KeyFileError, match="its seed does not produce its public key"):
        load_signing_key(signer.key_path)


def test_key_ids_are_unique_and_files_never_overwritten(signer: Signer) -> None:
    with pytest.raises(UsageError, match="already exists: key files never change"):
        generate_key(signer.registry, "acme-academy", key_id="key-1", private_path=signer.key_dir / "x.key")
    with pytest.raises(UsageError, match="unknown issuer or endorser 'nobody'"):
        generate_key(signer.registry, "nobody", private_path=signer.key_dir / "y.key")


def _stray(signer: Signer) -> list[str]:
    """Files under the private key folder and keys/acme-academy other than the signer's own key pair."""
    private = [p.name for p in signer.key_dir.rglob("*") if p.is_file() and p != signer.key_path]
    public = [p.name for p in (signer.root / "keys/acme-academy").iterdir() if p.name != "key-1.json"]
    return private + public


def test_an_unwritable_public_key_folder_leaves_no_private_key(signer: Signer) -> None:
    # keys/<endorser> is a file, not a folder: refused before a key is made (was: a private key and a traceback).
    from tests.test_endorsements import add_endorser

    add_endorser(signer.root, "data-council", "Data Council")
    registry = signer.registry
    (signer.root / "keys/data-council").write_text("not a folder\n")
    with pytest.raises(UsageError, match=r"cannot write the public key keys/data-council/key-3\.json"):
        generate_key(registry, "data-council", key_id="key-3", private_path=signer.key_dir / "dc.key")
    assert _stray(signer) == []
    assert not (signer.key_dir / "dc.key").exists()


@pytest.mark.parametrize(
    ("failing", "step"), [("public", "write"), ("private", "write"), ("public", "name"), ("private", "name")]
)
def test_a_failed_write_of_either_half_leaves_neither(
    signer: Signer, monkeypatch: pytest.MonkeyPatch, failing: str, step: str
) -> None:
    # A disk that fills up while writing either half, or while naming it (the private half is named first: a
    # failure to name the public one removes it).
    target = signer.key_dir / "k3.key" if failing == "private" else signer.root / "keys/acme-academy/key-3.json"
    real_open, real_name = files._open_unnamed, files._name_unnamed

    def open_unnamed(folder: Path, data: bytes, mode: int) -> int | None:
        if step == "write" and folder == target.parent:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_open(folder, data, mode)

    def name_unnamed(fd: int, path: Path) -> bool:
        if step == "name" and path == target:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_name(fd, path)

    monkeypatch.setattr(files, "_open_unnamed", open_unnamed)
    monkeypatch.setattr(files, "_name_unnamed", name_unnamed)
    with pytest.raises(UsageError, match=f"cannot write the {failing} key .*No space left on device"):
        generate_key(signer.registry, "acme-academy", key_id="key-3", private_path=signer.key_dir / "k3.key")
    assert _stray(signer) == []


@pytest.mark.parametrize("half", ["private", "public"])
def test_a_key_file_made_by_another_process_meanwhile_is_never_replaced(
    signer: Signer, monkeypatch: pytest.MonkeyPatch, half: str
) -> None:
    # The names are free when keygen checks them; another process takes one while keygen writes the public half
    # (simulated as the public key's folder is made). Its file stands, and this keygen leaves nothing behind.
    private_path = signer.key_dir / "k3.key"
    public_path = signer.root / "keys/acme-academy/key-3.json"
    taken = private_path if half == "private" else public_path
    real_mkdir = Path.mkdir

    def racing_mkdir(self: Path, *args: Any, **kwargs: Any) -> None:
        real_mkdir(self, *args, **kwargs)
        if self == public_path.parent and not taken.exists():
            taken.write_text("the other process's key\n")

    monkeypatch.setattr(Path, "mkdir", racing_mkdir)
    expected = (
        (KeyFileError, rf"{private_path} already exists; not overwriting a private key")
        if half == "private"
        else (UsageError, r"keys/acme-academy/key-3\.json already exists: key files never change")
    )
    with pytest.raises(expected[0], match=expected[1]) as info:
        generate_key(signer.registry, "acme-academy", key_id="key-3", private_path=private_path)
    assert info.value.details == ["no key was made"]
    assert taken.read_text() == "the other process's key\n"
    other = public_path if half == "private" else private_path
    assert not other.exists(), "no half without the other"
    assert sorted(p.name for p in signer.key_dir.rglob("*") if p.is_file() and p != signer.key_path) == (
        ["k3.key"] if half == "private" else []
    ), "no temporary file left"
    assert sorted(p.name for p in public_path.parent.iterdir()) == (
        ["key-1.json"] if half == "private" else ["key-1.json", "key-3.json"]
    )


def _key_text(signer: Signer, field: str, replacement: str) -> str:
    """The signer's key file as written, with the line holding ``field`` replaced."""
    lines = signer.key_path.read_text().splitlines()
    return "\n".join(replacement if f'"{field}"' in line else line for line in lines) + "\n"


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        # A hand-edited copy giving the seed twice: the last one used to win, silently.
        (
            lambda s: s.key_path.read_text().replace('  "seed"', '  "seed": "x",\n  "seed"'),
            ":7:3: duplicate key 'seed'",
        ),
        (lambda s: _key_text(s, "keyId", '  "keyId": NaN,'), ":4:12: invalid JSON: NaN is not valid JSON"),
        (lambda s: _key_text(s, "keyId", '  "keyId": "key-1"'), ":5:3: invalid JSON: Expecting ',' delimiter"),
        (lambda s: "[" * 3000 + "]" * 3000, ":1:65: nesting deeper than 64 levels"),
        (lambda s: '\ufeff{"format": "x"}', ":1:1: invalid JSON: Unexpected UTF-8 BOM"),
    ],
    ids=["duplicate", "nan", "syntax", "deep", "bom"],
)
def test_a_malformed_private_key_file_is_located(signer: Signer, edit: Any, problem: str) -> None:
    signer.key_path.write_text(edit(signer))
    with pytest.raises(KeyFileError) as info:
        load_signing_key(signer.key_path, root=signer.root)
    assert info.value.summary == f"{signer.key_path} is not a credreg private key file"
    assert info.value.details[0].startswith(f"{signer.key_path}{problem}"), info.value.details


def test_a_private_key_that_is_not_a_regular_file_is_refused_without_blocking(signer: Signer, tmp_path: Path) -> None:
    fifo = tmp_path / "k.key"
    os.mkfifo(fifo, 0o600)  # reading it would wait for a writer for ever

    def blocked(*args: object) -> None:
        raise TimeoutError("the read blocked")

    previous = signal.signal(signal.SIGALRM, blocked)
    signal.alarm(10)
    try:
        with pytest.raises(KeyFileError, match=f"cannot read private key {fifo}: not a regular file"):
            load_signing_key(fifo, root=signer.root)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
