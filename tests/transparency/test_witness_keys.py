"""The witnesses registry/governance.yaml lists are as many keys as it names: a quorum counts keys, not names."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from generator.models import Governance
from generator.tlog.note import COSIGNATURE_V1, Checkpoint, NoteSigner, Signature, cosign, sign_note, verify_cosignature

REPO = Path(__file__).resolve().parents[2]
ORIGIN = "credentials.example.org/log"


def _governance(log: NoteSigner, *witnesses: NoteSigner, quorum: int) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((REPO / "registry/governance.yaml").read_text())
    listed = [{"name": f"Witness {n}", "vkey": w.verifier.vkey} for n, w in enumerate(witnesses)]
    return {**data, "log": {"vkey": log.verifier.vkey, "witnesses": listed, "quorum": quorum}}


def _refused(data: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as info:
        Governance.model_validate(data)
    return str(info.value)


def test_one_witness_key_listed_under_two_names_is_refused() -> None:
    """A cosignature signs the checkpoint and its time, not the witness's name: whoever holds the log's key copies
    one witness's cosignature under each name its key is listed with (the key id is the name's), and a quorum of two
    was reached with one witness. Two names of one key (a witness's two key names, or a name a reviewer did not
    compare the key of) passed as two witnesses."""
    log = NoteSigner(ORIGIN, os.urandom(32))
    seed = os.urandom(32)
    first = NoteSigner("witness.example.net/w1", seed, COSIGNATURE_V1)
    again = NoteSigner("witness.example.org/another-name", seed, COSIGNATURE_V1)
    note = sign_note(Checkpoint(ORIGIN, 1, bytes(32)).text(), log)
    one = cosign(note, first, 1_764_000_000)
    copied = note.with_signatures(one, Signature(again.name, again.verifier.id, one.data))
    assert verify_cosignature(copied, first.verifier) == verify_cosignature(copied, again.verifier) == 1_764_000_000

    said = _refused(_governance(log, first, again, quorum=2))
    assert "witnesses 0 and 1 are one key under two names" in said, said
    Governance.model_validate(_governance(log, first, NoteSigner("w.example.net/w2", os.urandom(32), 4), quorum=2))


def test_a_witness_holding_the_log_s_own_key_is_refused() -> None:
    """The log's Ed25519 key listed as a witness's (as a cosigner key: another type, so another vkey): its holder,
    who signs the checkpoints, cosigns them too."""
    log = NoteSigner(ORIGIN, os.urandom(32))
    itself = NoteSigner("witness.example.net/w1", log.seed, COSIGNATURE_V1)
    said = _refused(_governance(log, itself, quorum=1))
    assert "witness 0 holds the log's own key" in said, said
