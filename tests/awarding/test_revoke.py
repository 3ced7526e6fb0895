"""Revoking awards: the signed log line, and what a published reason may hold."""

from __future__ import annotations

import multiprocessing as mp
from pathlib import Path
from typing import Any

import pytest

from generator.awarding.keys import load_signing_key
from generator.awarding.revoke import revoke_award
from generator.awarding.status import read_status_list
from generator.awards import read_revocations
from generator.check import CheckOptions, run_check
from generator.errors import Severity, UsageError
from generator.layout import revocations_path, status_list_path
from generator.load import load_registry
from generator.statuslist import get_bit
from tests.conftest import Signer


def test_a_revocation_after_a_log_without_its_final_newline_is_a_line_of_its_own(signer: Signer) -> None:
    first, second = signer.award(email="a@example.org"), signer.award(email="b@example.org")
    done = revoke_award(signer.registry, first.hash, "Issued in error", signer.key)
    log = revocations_path(signer.root, "acme-academy")
    assert done.log == log
    log.write_bytes(log.read_bytes().rstrip(b"\n"))  # a hand edit lost the final newline
    revoke_award(signer.registry, second.hash, "Issued twice", signer.key)
    assert [entry["award"] for _, entry in read_revocations(log)] == [first.hash, second.hash]
    assert log.read_bytes().count(b"\n") == 2


@pytest.mark.parametrize(
    "reason",
    [
        "x\x1b[31mRED\x07",  # a terminal escape and a bell
        "nul\x00",
        "del\x7f",
        "c1\x85next",
        "c1\x9b31m",
        "rtl\u202eevil",
        "isolate\u2066x\u2069",
        "line\u2028sep",
        "para\u2029sep",
    ],
)
def test_revoke_refuses_control_characters_in_the_published_reason(signer: Signer, reason: str) -> None:
    issued = signer.award()
    with pytest.raises(UsageError, match=r"--reason: it holds the control character U\+") as info:
        revoke_award(signer.registry, issued.hash, reason, signer.key)
    assert "Traceback" not in info.value.explain()
    assert not revocations_path(signer.root, "acme-academy").exists(), "nothing signed or written"


def test_revoke_folds_ordinary_whitespace_in_a_reason(signer: Signer) -> None:
    issued = signer.award()
    done = revoke_award(signer.registry, issued.hash, "Issued\tin\r\nerror ", signer.key)
    assert done.entry["reason"] == "Issued in error"


# --- two `credreg revoke` runs of one issuer at the same time --------------------------------------------------------
ROUNDS = 6


def _revoke_in_a_process(root: str, key_path: str, digest: str, start: Any) -> None:
    """One run of ``credreg revoke``'s library call, in its own process, released with the other by ``start``."""
    loaded = load_registry(Path(root))
    assert loaded.registry is not None
    key = load_signing_key(Path(key_path), root=Path(root))
    start.wait()
    revoke_award(loaded.registry, digest, "Issued in error", key)


def test_concurrent_revocations_of_one_issuer_lose_nothing(signer: Signer) -> None:
    # Each run reads the issuer's status list, sets its bit and re-signs it: without the issuer's folder locked
    # across that and the log's append, the later write dropped the other's bit (and both wrote one temporary file).
    awards = [signer.award(email=f"r{i}@example.org") for i in range(2 * ROUNDS)]
    context = mp.get_context("fork")
    for n in range(ROUNDS):
        pair = awards[2 * n : 2 * n + 2]
        start = context.Barrier(2)
        runs = [
            context.Process(target=_revoke_in_a_process, args=(str(signer.root), str(signer.key_path), a.hash, start))
            for a in pair
        ]
        for run in runs:
            run.start()
        for run in runs:
            run.join(60)
        assert [run.exitcode for run in runs] == [0, 0], f"round {n}"
        log = revocations_path(signer.root, "acme-academy")
        logged = {entry["award"]: entry for _, entry in read_revocations(log)}
        path = status_list_path(signer.root, "acme-academy", 1)
        _, bits = read_status_list(path, path.name)
        for award in awards[: 2 * n + 2]:
            assert award.hash in logged, f"round {n}: a revocation line was lost"
            assert get_bit(bits, logged[award.hash]["statusListIndex"]), f"round {n}: a revoked bit was lost"
    assert not [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")], "no temporary file left behind"
    report = run_check(signer.root, CheckOptions(progress=False, jobs=1, cache=False))
    assert [str(p) for p in report.problems if p.severity is Severity.ERROR] == []
