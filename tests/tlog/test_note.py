"""C2SP signed notes, checkpoints and cosignatures, against the specs' own examples."""

from __future__ import annotations

import base64
import hashlib

import pytest

from generator.crypto.ed25519 import public_from_seed, verify
from generator.tlog.note import (
    COSIGNATURE_V1,
    Checkpoint,
    NoteError,
    NoteSigner,
    cosign,
    parse_checkpoint,
    parse_note,
    parse_vkey,
    sign_note,
    verify_cosignature,
    verify_signature,
)

# The example of https://c2sp.org/signed-note (a vkey and a note it signed).
SPEC_VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
SPEC_NOTE = (
    "This is an example message.\n\n"
    "\u2014 example.com/foo "
    "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n"
).encode()
# The checkpoint example of https://c2sp.org/tlog-checkpoint (its body only: its key is not published).
SPEC_CHECKPOINT = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"


def test_the_spec_example_note_verifies() -> None:
    verifier = parse_vkey(SPEC_VKEY)
    assert verifier.vkey == SPEC_VKEY
    note = parse_note(SPEC_NOTE)
    assert note.text == "This is an example message.\n"
    assert verify_signature(note, verifier)
    assert note.encode() == SPEC_NOTE
    tampered = parse_note(SPEC_NOTE.replace(b"example message", b"example massage"))
    assert not verify_signature(tampered, verifier)


def test_the_spec_checkpoint_parses_and_formats_back() -> None:
    cp = parse_checkpoint(SPEC_CHECKPOINT)
    assert (cp.origin, cp.size, base64.b64encode(cp.root).decode()) == (
        "example.com/behind-the-sofa",
        20852163,
        "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=",
    )
    assert cp.text() == SPEC_CHECKPOINT
    for bad in ["a\n1\n", "a\n01\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "a\n1\nAAAA\n", "a\n-1\nx\n"]:
        with pytest.raises(NoteError):
            parse_checkpoint(bad)


def test_key_ids_are_derived_as_the_specs_say() -> None:
    seed = bytes(range(32))
    public = public_from_seed(seed)
    log = NoteSigner("example.org/log", seed).verifier
    witness = NoteSigner("witness.example/w1", seed, COSIGNATURE_V1).verifier
    assert log.id == hashlib.sha256(b"example.org/log\n\x01" + public).digest()[:4]
    assert witness.id == hashlib.sha256(b"witness.example/w1\n\x04" + public).digest()[:4]
    assert parse_vkey(witness.vkey) == witness
    for bad in ["a+b", "a b+00000000+AA==", "x+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"]:
        with pytest.raises(NoteError):
            parse_vkey(bad)


def test_cosignature_signs_the_v1_message_with_a_timestamp() -> None:
    log = NoteSigner("example.org/log", b"\x01" * 32)
    witness = NoteSigner("witness.example/w1", b"\x02" * 32, COSIGNATURE_V1)
    note = sign_note(Checkpoint("example.org/log", 3, b"\x07" * 32).text(), log)
    sig = cosign(note, witness, 1679315147)
    raw = base64.b64decode(sig.line.split(" ")[2])
    assert raw[:4] == witness.verifier.id
    assert int.from_bytes(raw[4:12], "big") == 1679315147
    message = b"cosignature/v1\ntime 1679315147\n" + note.text.encode()
    assert verify(witness.verifier.public, message, raw[12:])  # checked with the bare Ed25519 primitive
    cosigned = parse_note(note.with_signatures(sig).encode())
    assert verify_signature(cosigned, log.verifier)
    assert verify_cosignature(cosigned, witness.verifier) == 1679315147
    assert verify_cosignature(cosigned, NoteSigner("witness.example/w1", b"\x03" * 32, 4).verifier) is None


def test_malformed_notes_are_refused_with_a_reason() -> None:
    for bad in [b"no signatures\n", b"text\n\n", b"text\n\n- name AAAAAAAA\n", b"t\x01\n\n\xe2\x80\x94 a AAAAAAA=\n"]:
        with pytest.raises(NoteError):
            parse_note(bad)


def test_a_signer_never_shows_its_seed() -> None:
    """The log's and witnesses' keys are shown as an issuer's are (SigningKey): name, never the seed."""
    seed = bytes(range(32))
    for shown_as in (repr, str):
        text = shown_as(NoteSigner("log.example/log", seed))
        assert "log.example/log" in text
        assert repr(seed) not in text
        assert seed.hex() not in text
        assert "seed" not in text
