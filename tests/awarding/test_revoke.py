"""Revoking awards: the signed log line, and what a published reason may hold."""

from __future__ import annotations

import pytest

from generator.awarding.revoke import revoke_award
from generator.awards import read_revocations
from generator.errors import UsageError
from generator.layout import revocations_path
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
