"""``credreg log monitor``: every entry of the log for one issuer, since a checkpoint the monitor saw.

An issuer runs it daily with ``--since`` its saved checkpoint: the new checkpoint must be signed and
consistent with the saved one, every entry read is proven to be in the signed tree, and the issuer's entries
are listed: an award it never made (a leaked key) shows up the day it is published.

Entries that take a revocation back are **alerts** (:data:`ALERTS`): a line of the revocation log removed or
rewritten (``revocation-removed``), a status list that lost a set bit (``status-list-cleared``, e.g. an older
signed list put back). Only a push past the pull-request check makes one, and the award it revoked looks valid
again; ``credreg log monitor`` names each and exits non-zero. A run that shows an entry alert saves no checkpoint
until the owner acknowledges it (``--acknowledge``), so the next run shows it again.

**What the owner signed.** Given the owner's record of what it signed (``--record``, written by ``credreg
award``, ``endorse``, ``revoke`` and ``keygen``: :mod:`generator.awarding.record`), an award, endorsement,
revocation, status list or new key in its name that the record does not hold is an alert too
(:meth:`MonitorResult.unrecorded`): a leaked key's work, or a file pushed past the pull-request check, is then
named, not left as one line among the day's many.

**The index.** The monitor also checks the log's index (:mod:`generator.transparency.logindex`), which verifiers
trust for each status list's latest version and each key's retirements: a checkpoint that commits to another
index is an alert too. It keeps the index beside the checkpoint it saves (``<file>.index.json``), trusted only
when that checkpoint commits to it, so that a daily run reads only the new entries; without it (a first run),
every entry is read.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.awarding.record import RECORDED_KINDS, SignedRecord
from generator.tlog.note import Checkpoint
from generator.transparency.entries import LogEntry
from generator.transparency.log import LogError, VerifiedLog
from generator.transparency.logindex import LogIndex, commitment_problem, resume

__all__ = ["ALERTS", "UNRECORDED", "MonitorResult", "monitor_log"]

#: Entry kinds that take a revocation back, and what the issuer is told.
ALERTS = {
    "revocation-removed": "a line of the revocation log was removed or rewritten: a revocation taken back",
    "status-list-cleared": "the status list lost a bit that was set: a revocation taken back (an older list put back?)",
}


_LEAKED = "not in your record of what you signed: signed with your key elsewhere (a leaked key?)"
#: What the owner is told of an entry its record does not hold, by kind (the record holds the kinds of
#: :data:`generator.awarding.record.RECORDED_KINDS` it says it holds).
UNRECORDED = {kind: _LEAKED for kind in RECORDED_KINDS} | {
    "key-added": "not in your record of what you made: a key added in your name, not made by your credreg keygen"
}


@dataclass(frozen=True, slots=True)
class MonitorResult:
    start: int
    size: int
    entries: list[tuple[int, LogEntry]]
    index_problem: str | None = None
    """What is wrong with the index the checkpoint commits to (None: it is the entries' index)."""
    index: LogIndex | None = None
    """The index of the log's entries, to keep beside the saved checkpoint for the next run."""

    @property
    def alerts(self) -> list[tuple[int, LogEntry]]:
        return [(index, entry) for index, entry in self.entries if entry.kind in ALERTS]

    def unrecorded(self, record: SignedRecord) -> list[tuple[int, LogEntry]]:
        """The entries read of a kind ``record`` (the owner's) holds, whose hash it does not hold."""
        return [(i, entry) for i, entry in self.entries if record.holds(entry.kind, entry.sha256) is False]


def monitor_log(log: VerifiedLog, issuer: str, since: Checkpoint | None = None, kept: object = None) -> MonitorResult:
    """Every entry of ``issuer`` after ``since`` (or all), and the index checked: ``kept`` is the index kept
    beside ``since`` (parsed JSON), read on from there when ``since`` commits to it."""
    start = 0
    if since is not None:
        if since.origin != log.checkpoint.origin:  # another log altogether, not a rewrite of this one
            raise LogError(
                f"the checkpoint you saved is of the log {since.origin!r}, not {log.checkpoint.origin!r}: give "
                "--since a checkpoint saved from this log"
            )
        if not log.consistent_with(since):
            raise LogError(
                f"the log's checkpoint of {log.size} entries is not consistent with the one of {since.size} "
                "you saved: the log was rewritten or shows you a split view"
            )
        start = since.size
    found = []
    # From the kept index on, or from 0 (the tree rebuilt once, and the whole index recomputed).
    whole, read_from = resume(kept, since)
    for index, raw in log.entries(read_from):
        whole.add_raw(index, raw)
        if index < start:
            continue
        try:
            entry = LogEntry.parse(raw)
        except ValueError:
            raise LogError(f"entry {index} of the log is not a credreg entry: {raw[:80]!r}") from None
        if entry.issuer == issuer:
            found.append((index, entry))
    return MonitorResult(start, log.size, found, commitment_problem(log.checkpoint, whole), whole)
