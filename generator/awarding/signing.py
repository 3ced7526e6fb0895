"""Signing documents with an issuer key as a Data Integrity proof set."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from generator.awarding.keys import SigningKey
from generator.crypto.dataintegrity import CRYPTOSUITES, add_proofs, create_proof
from generator.openbadges import timestamp

__all__ = ["PROOF_SUITES", "sign_document"]

#: Every award and status list carries both: RDFC for OB 3.0 validators and wallets, JCS for the browser.
PROOF_SUITES = CRYPTOSUITES


def sign_document(
    document: Mapping[str, Any],
    key: SigningKey,
    verification_method: str,
    created: dt.datetime,
    suites: Sequence[str] = PROOF_SUITES,
) -> dict[str, Any]:
    """``document`` with a proof set: one independent proof per suite, all by ``key``."""
    when = timestamp(created)
    proofs = [
        create_proof(
            document,
            cryptosuite=suite,
            seed=key.seed,
            verification_method=verification_method,
            created=when,
        )
        for suite in suites
    ]
    return add_proofs(document, proofs)
