"""Is this award in the registry's public log? The check ``credreg verify`` adds to its results.

It finds the award's entry in the signed log, checks its inclusion proof against the checkpoint (signed by
the registry's log key), and counts the cosignatures of the witnesses ``registry/governance.yaml`` lists.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any

from generator.registry import Registry
from generator.tlog import merkle
from generator.tlog.note import NoteError, parse_vkey, verify_cosignature
from generator.transparency.entries import LogEntry
from generator.transparency.log import LogError, LogSource, open_log
from generator.transparency.publish import log_config
from generator.verify.results import Check, CheckStatus

__all__ = ["LogInclusion", "find_award", "log_check"]

CHECK_ID = "log"
LABEL = "Public log"


@dataclass(frozen=True, slots=True)
class LogInclusion:
    index: int
    size: int
    cosigned: int
    quorum: int
    revoked_key_before: tuple[str, int] | None = None
    """(key file, entry) when a key that signed the award was logged as revoked before the award was logged."""


def signing_key_paths(registry: Registry, document: Any) -> set[str]:
    """``keys/<issuer>/<key id>.json`` of every proof's verification method that names a registry issuer."""
    proofs = document.get("proof") if isinstance(document, dict) else None
    paths = set()
    for proof in proofs if isinstance(proofs, list) else [proofs]:
        method = proof.get("verificationMethod") if isinstance(proof, dict) else None
        if isinstance(method, str) and "#" in method:
            did, _, key_id = method.partition("#")
            record = registry.issuer_for_did(did)
            if record is not None:
                paths.add(f"keys/{record.id}/{key_id}.json")
    return paths


def find_award(
    registry: Registry,
    source: LogSource,
    award_hash: str,
    signing_keys: AbstractSet[str] = frozenset(),
) -> LogInclusion | None:
    """The award's entry in the log, with its proof checked; None when the log does not have it.

    With ``signing_keys``, also whether one of them was logged as revoked before the award was logged: the log
    dates the award's publication, which a backdated signature cannot move.
    """
    verifier, origin = log_config(registry)
    config = registry.governance.model.log
    assert config is not None
    log = open_log(source, verifier, origin=origin)
    witnesses = []
    for witness in config.witnesses:
        try:
            witnesses.append(parse_vkey(witness.vkey))
        except NoteError:
            continue
    cosigned = sum(1 for w in witnesses if verify_cosignature(log.note, w) is not None)
    want = award_hash.lower()
    revoked: tuple[str, int] | None = None
    for index, raw in log.entries(0):  # the whole log is hashed: its root is compared to the checkpoint's
        try:
            entry = LogEntry.parse(raw)
        except ValueError:
            continue
        if entry.kind == "key-revoked" and entry.path in signing_keys and revoked is None:
            revoked = (entry.path, index)
        if entry.kind == "award" and entry.sha256 == want:
            if not log.proves(merkle.leaf_hash(raw), index):  # the proof a browser would check, checked here too
                raise LogError(f"the inclusion proof of entry {index} does not verify")
            return LogInclusion(index, log.size, cosigned, config.quorum, revoked)
    return None


def log_check(
    registry: Registry | None, source: LogSource | None, award_hash: str | None, document: Any = None
) -> Check:
    """The verification result line for the public log."""
    if registry is None or award_hash is None or registry.governance.model.log is None:
        return Check(CHECK_ID, LABEL, CheckStatus.NOT_CHECKED, "this registry publishes no transparency log", False)
    if source is None:
        return Check(
            CHECK_ID, LABEL, CheckStatus.NOT_CHECKED, "no log given (--log DIR|URL, e.g. the built site's log/)", False
        )
    try:
        found = find_award(registry, source, award_hash, signing_key_paths(registry, document))
    except LogError as exc:
        return Check(CHECK_ID, LABEL, CheckStatus.FAILED, f"the log does not check out: {exc.explain()}")
    if found is None:
        return Check(CHECK_ID, LABEL, CheckStatus.FAILED, "not recorded in the public log")
    reason = (
        f"recorded in the public log as entry {found.index} of {found.size}, checkpoint signed by the registry "
        f"and cosigned by {found.cosigned} of {found.quorum} witnesses"
    )
    if found.revoked_key_before is not None:
        path, at = found.revoked_key_before
        return Check(
            CHECK_ID,
            LABEL,
            CheckStatus.FAILED,
            f"{reason}; but its signing key {path} was logged as revoked before it (entry {at}): it was published "
            "after the compromise, whatever date its signature claims",
        )
    if found.cosigned < found.quorum:
        return Check(CHECK_ID, LABEL, CheckStatus.FAILED, reason + " (quorum not reached)")
    return Check(CHECK_ID, LABEL, CheckStatus.PASSED, reason)
