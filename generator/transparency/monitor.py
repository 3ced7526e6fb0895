"""``credreg log monitor``: every entry of the log for one issuer, since a checkpoint the monitor saw.

An issuer runs it daily with ``--since`` its saved checkpoint: the new checkpoint must be signed and
consistent with the saved one, every entry read is proven to be in the signed tree, and the issuer's entries
are listed: an award it never made (a leaked key) shows up the day it is published. Its entries are those in its
name and those of a file in its folder: one of these in another's name (:attr:`MonitorResult.misnamed`) is an
alert, as verifiers take a status list's latest version and a key's retirements by path.

Entries that take a revocation back are **alerts** (:data:`ALERTS`): a line of the revocation log removed or
rewritten (``revocation-removed``), a status list that lost a set bit (``status-list-cleared``, e.g. an older
signed list put back). Only a push past the pull-request check makes one, and the award it revoked looks valid
again. So is a key file changed other than by its retirement (``key-changed``: its public key replaced?, or a
public key you retired added again in another key file, in your name whoever's folder holds it), and an
issuer file that gives up its DID (``issuer-changed``: another issuer may declare it, with a revoked key revived).
``credreg log monitor`` names each and exits non-zero. A run that shows an entry alert saves no checkpoint
until the owner acknowledges it (``--acknowledge RECEIPT``, the receipt the run printed: :attr:`RunVerdict.receipt`),
so the next run shows it again; a receipt acknowledges exactly the alerts it was printed with, at that checkpoint.

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

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from generator.awarding.record import RECORDED_KINDS, SignedRecord
from generator.layout import classify
from generator.models.governance import TransparencyLog
from generator.tlog import merkle
from generator.tlog.note import Checkpoint
from generator.tlog.tiles import TILE_WIDTH
from generator.transparency.entries import LogEntry
from generator.transparency.handover import ANNOUNCED, handover_problem
from generator.transparency.log import LogError, VerifiedLog
from generator.transparency.logindex import LIST, LogIndex, commitment_problem, resume

__all__ = ["ALERTS", "UNRECORDED", "MonitorResult", "RunVerdict", "held_to", "judge_run", "monitor_log"]

#: Entry kinds that take a revocation back (or may replace a key), and what the issuer is told.
ALERTS = {
    # A DID given up is free for another issuer to declare, with a copy of your revoked key without its revoked_at
    # (logged as key-added in that issuer's name): signatures under your DID made after the revocation count again.
    "issuer-changed": "the issuer file's did changed, or the file was deleted: the DID your keys answered for may "
    "now resolve to another issuer's key files (a revoked key of yours added there without its revocation?)",
    "revocation-removed": "a line of the revocation log was removed or rewritten: a revocation taken back",
    "status-list-cleared": (
        "the status list lost a bit that was set, or no reader reads it any more: a revocation taken back (an older "
        "list put back?)"
    ),
    # The pull-request check refuses every change of a key file but adding valid_until, revoked_at or
    # revocation_reason; the log names only the first two, so anything else (its public key replaced, by a push past
    # the check, signs in your name under the key's id) is this entry.
    "key-changed": "the key's public key replaced, or a retirement taken back? The key file changed other than by "
    "setting valid_until or revoked_at where none was set (one removed or moved, or the file deleted, which may come "
    "back without it, is a retirement taken back: the signatures it cut off count again; a revocation_reason added "
    "later, or the file reformatted, is also logged so); or a public key retired earlier (by you: the entry is in "
    "your name, whoever's folder holds the file) added again in another key file, another key id or another "
    "issuer's folder, without that end (or one made before, while the key was valid, logged where it was retired): "
    "what it signed after its retirement counts again",
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
    replaced: dict[int, str] = field(default_factory=dict)
    """Entry → the hash of the version of its status list it replaces (the list's ``status-list`` entry before)."""
    issuer: str = ""
    """Whose entries these are (in its name, or of a file in its folder)."""
    announced: list[tuple[int, LogEntry]] = field(default_factory=list)
    """The ``witnesses-announced`` entries read (every issuer's: a hand-over of the log's witnesses)."""

    @property
    def alerts(self) -> list[tuple[int, LogEntry]]:
        return [(index, entry) for index, entry in self.entries if entry.kind in ALERTS]

    @property
    def misnamed(self) -> list[tuple[int, LogEntry]]:
        """The entries of a file in the owner's folder logged in another's name: a publisher names the folder's
        owner, so only whoever holds the log's key writes one (verifiers take a status list's latest version, and a
        key's retirement, by its path, whatever name it is logged in)."""
        return [(index, entry) for index, entry in self.entries if entry.issuer != self.issuer]

    def unrecorded(self, record: SignedRecord) -> list[tuple[int, LogEntry]]:
        """The entries read of a kind ``record`` (the owner's) holds, whose hash it does not hold."""
        return [(i, entry) for i, entry in self.entries if record.holds(entry.kind, entry.sha256) is False]

    def put_back(self, record: SignedRecord) -> list[tuple[int, LogEntry, str, str]]:
        """The status list versions logged in place of one the owner signed later (``record`` dates both): an older
        list put back, which takes back the revocations made since. A ``status-list-cleared`` entry says so too,
        but only a publisher that logs it: whoever holds the log's key can leave it out, and the list put back is
        one the owner did sign (its hash is in the record). (index, entry, signed at, the replaced one's)."""
        found = []
        for index, entry in self.entries:
            before = self.replaced.get(index)
            if entry.kind == LIST and before is not None and record.signed_before(entry.sha256, before):
                found.append((index, entry, record.signed[entry.sha256][0], record.signed[before][0]))
        return found


def monitor_log(log: VerifiedLog, issuer: str, since: Checkpoint | None = None, kept: object = None) -> MonitorResult:
    """Every entry of ``issuer`` (in its name, or of a file in its folder) after ``since`` (or all), and the index
    checked: ``kept`` is the index kept beside ``since`` (parsed JSON), read on from there when ``since`` commits to
    it."""
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
    earlier = dict(whole.lists)  # each list's latest version before the entries read
    versions: dict[str, str] = {}  # list path → the hash of its latest version read so far
    replaced = {}
    announced = []
    for index, raw in log.entries(read_from):
        whole.add_raw(index, raw)
        try:
            entry = LogEntry.parse(raw)
        except ValueError:
            if index < start:
                continue
            raise LogError(f"entry {index} of the log is not a credreg entry: {raw[:80]!r}") from None
        if entry.kind == ANNOUNCED:
            if index >= start:
                announced.append((index, entry))
            continue
        # Its name, or its path's owner: an entry of a file of the issuer's logged in another name is still one
        # verifiers take for the file (a list's latest version is its path's), so it is listed (and alerted).
        if entry.issuer != issuer and classify(entry.path).issuer != issuer:
            continue
        if entry.kind == LIST:
            if entry.path not in versions and entry.path in earlier:
                versions[entry.path] = _entry(log, earlier[entry.path]).sha256
            if entry.path in versions:
                replaced[index] = versions[entry.path]
            versions[entry.path] = entry.sha256
        if index >= start:
            found.append((index, entry))
    problem = commitment_problem(log.checkpoint, whole)
    return MonitorResult(start, log.size, found, problem, whole, replaced, issuer, announced)


def held_to(config: TransparencyLog) -> dict[str, Any]:
    """What a run holds the log to, kept beside the checkpoint it saves (``<save>.policy.json``): the log key, the
    witnesses and the quorum of registry/governance.yaml, which is the repository holder's to change (a witness key
    of its own, a lower quorum): a change is an alert, unless it is a hand-over announced in the log that the
    witnesses held to before cosigned (:mod:`generator.transparency.handover`, :func:`judge_run`)."""
    return {"vkey": config.vkey, "witnesses": sorted(w.vkey for w in config.witnesses), "quorum": config.quorum}


@dataclass(frozen=True, slots=True)
class RunVerdict:
    """What a monitor run concludes, beyond the entries it lists: each alert in words (shown as ``ALERT: …``),
    whether the alerts hold the checkpoint until acknowledged, and whether the witnesses' quorum cosigned it."""

    alerts: tuple[str, ...]
    held: bool
    """An alert the next run would not show again if this checkpoint were saved (an entry's, a policy's)."""
    unwitnessed: bool
    """Below the quorum: verifiers do not accept the checkpoint, so it is never saved, acknowledged or not."""
    saved_policy: dict[str, Any] = field(default_factory=dict)
    """What is kept beside the checkpoint when saved (``<save>.policy.json``): the policy held to now, and the hashes
    of the hand-overs announced in a checkpoint its quorum cosigned (``announced``)."""
    handed_over: bool = False
    """The governance's witnesses and quorum differ from those kept, and were taken up as an announced hand-over."""
    receipt: str = ""
    """What ``--acknowledge`` names to save past the held alerts: a digest of the checkpoint and of those alerts'
    words. Acknowledging by a bare flag took whatever the acknowledging run found, and an entry published between
    the run the owner read and the one it acknowledged with was saved past unseen."""

    def may_save(self, acknowledged: str | None) -> bool:
        return not self.unwitnessed and (not self.held or acknowledged == self.receipt)

    @property
    def exit_code(self) -> int:
        return 1 if self.alerts else 0


def judge_run(
    result: MonitorResult,
    record: SignedRecord | None,
    *,
    cosigned: int,
    quorum: int,
    policy: dict[str, Any],
    since: str | None,
    kept_policy: object,
    checkpoint: Checkpoint,
) -> RunVerdict:
    """The alerts of a run over ``result``, read at ``checkpoint``: ``record`` is the owner's record (``--record``),
    ``cosigned`` the checkpoint's valid cosignatures of listed witnesses against ``quorum``, ``policy`` what the run
    holds the log to (:func:`held_to`) and ``kept_policy`` what the run of ``since`` (the ``--since`` file) held it to
    (``None`` when none was kept or it does not read)."""
    alerts: list[str] = []
    # None kept (a job that keeps only the file --since names, a checkpoint an earlier credreg saved, a file that
    # does not read) is an alert too, held like a change: compared with nothing, the governance of the day (a witness
    # key of the holder's own, pulled with it) would be taken in silence, and saved as what the log is held to.
    # A change is taken up without an alert only as a hand-over announced in the log, in a checkpoint the quorum of
    # the witnesses held to then cosigned, which a run saved (handover.py).
    kept = kept_policy if isinstance(kept_policy, dict) else None
    core = {name: policy.get(name) for name in ("vkey", "witnesses", "quorum")}
    changed = kept_policy is not None and (kept is None or {name: kept.get(name) for name in core} != core)
    refused = None
    if changed:
        refused = (
            "the kept record is no object"
            if kept is None
            else _unordered(kept) or handover_problem(kept, policy, checkpoint.origin)
        )
    handed_over = changed and refused is None
    policy_changed = changed and not handed_over
    policy_unknown = since is not None and kept_policy is None
    if policy_changed:
        alerts.append(
            "registry/governance.yaml lists other witnesses than when you saved --since, or another quorum "
            f"or log key (then: {json.dumps(kept_policy)}; now: {json.dumps(policy)}): a change the log does not "
            f"record as a hand-over ({refused}). Check that it was reviewed (git log -p registry/governance.yaml) "
            "and ask the witnesses; once dealt with, acknowledge it with this run's receipt"
        )
    if policy_unknown:
        alerts.append(
            f"no record of the witnesses, quorum and log key beside --since ({since}.policy.json: missing or "
            f"unreadable; --save keeps it with the checkpoint, a credreg before this one did not): the log is held "
            f"to registry/governance.yaml as it is now ({json.dumps(policy)}), unchecked against what it was. Keep "
            "that file with the checkpoint; check that the governance was reviewed (git log -p "
            "registry/governance.yaml), then acknowledge it with this run's receipt"
        )
    # A witness never cosigns two logs that disagree, so a view the quorum cosigned is the one verifiers are shown;
    # one it did not may be a log shown to this monitor alone (a split view: another, cosigned, for everyone else).
    unwitnessed = cosigned < quorum
    below_quorum = (
        f"the checkpoint is cosigned by {cosigned} of the {quorum} witnesses "
        "registry/governance.yaml requires: verifiers do not accept it, and nothing shows it is the log they and "
        "the witnesses are shown (a log shown to you alone, another for everyone else?). It is not saved: run "
        "again once the witnesses have cosigned it; if it stays so, tell the witnesses"
    )
    if unwitnessed:
        alerts.append(below_quorum)
    alerts += [f"entry {index} ({entry.kind}, {entry.where}): {ALERTS[entry.kind]}" for index, entry in result.alerts]
    alerts += [
        f"entry {index} ({entry.kind}, {entry.where}): the registry announces it will hand the log over to other "
        f"witnesses (policy {entry.sha256[:16]}…: registry/governance.yaml's log.handover names them; git log -p "
        "registry/governance.yaml). Once acknowledged and saved, a run under a governance listing exactly those "
        "witnesses and that quorum takes them up without an alert. Ask the witnesses you know whether they agree"
        for index, entry in result.announced
    ]
    alerts += [
        f"entry {index} ({entry.kind}, {entry.where}): logged in the name of {entry.issuer}, for a file "
        "of yours: verifiers take it as yours (a status list's latest version, a key's retirement, go by the "
        "path), and your monitor is shown only what is in your name. A publisher names a file's owner: only "
        "whoever holds the log's key writes such an entry"
        for index, entry in result.misnamed
    ]
    unrecorded = result.unrecorded(record) if record is not None else []
    alerts += [f"entry {index} ({entry.kind}, {entry.where}): {UNRECORDED[entry.kind]}" for index, entry in unrecorded]
    put_back = result.put_back(record) if record is not None else []
    alerts += [
        f"entry {index} ({entry.kind}, {entry.where}): a version of the list you signed before the one it "
        f"replaces (signed {signed_at}, the one it replaces {replaced_at}): a revocation taken back (an older "
        "list put back?)"
        for index, entry, signed_at, replaced_at in put_back
    ]
    if result.index_problem is not None:
        alerts.append(
            f"{result.index_problem}: verifiers would be told another latest status list or other key "
            "retirements than the log holds"
        )
    # An entry alert is shown by the run that reads its entry: a checkpoint saved past it would hide it from the
    # next run, so one missed e-mail from a scheduled job would lose it. It is saved only once acknowledged.
    # (An index alert needs no such hold: each later checkpoint commits to the index again.)
    held = bool(
        result.alerts
        or result.announced
        or result.misnamed
        or unrecorded
        or put_back
        or policy_changed
        or policy_unknown
    )
    # The quorum's alert is no part of the receipt: never saved past, it leaves once the witnesses cosign.
    words = [checkpoint.text(), *(alert for alert in alerts if alert != below_quorum)]
    # 128 bits: whoever holds the log's key and has seen a receipt must not find another checkpoint that matches it.
    receipt = hashlib.sha256("\n\n".join(words).encode()).hexdigest()[:32] if held else ""
    # The announcements this checkpoint holds, vouched for by the quorum that cosigned it (it is saved only so): with
    # those kept while the same policy was held, never across a change (they were vouched for by other witnesses).
    # In the log's order, each once where it was last announced: the latest is the one taken up (handover.py).
    earlier = kept.get("announced") if kept is not None and not changed else None
    announced: list[str] = []
    for digest in [
        *(a for a in (earlier if isinstance(earlier, list) else []) if isinstance(a, str)),
        *(entry.sha256 for _index, entry in result.announced),
    ]:
        if digest in announced:
            announced.remove(digest)
        announced.append(digest)
    # The last is the latest when this run read one (it follows every kept one in the log), or the kept were so.
    ordered = bool(result.announced) or (kept is not None and not changed and _unordered(kept) is None)
    saved = {**policy, "announced": announced} if announced else dict(policy)
    if len(announced) > 1 and ordered:
        saved[ORDERED] = ORDERED_VALUE
    return RunVerdict(tuple(alerts), held, unwitnessed, saved, handed_over, receipt)


#: Beside ``announced`` in ``<save>.policy.json``: the list is in the log's order, its last the latest
#: (handover.py). A credreg before this one kept it sorted by hash, without this key.
ORDERED, ORDERED_VALUE = "announced_order", "log"


def _unordered(kept: dict[str, Any] | None) -> str | None:
    """Why the latest of ``kept``'s announcements cannot be told (None when it can): two or more, kept by a credreg
    that sorted them by hash. Read as the log's order, the last, which may be one the registry withdrew (B, whose key
    leaked, corrected to C), would be taken up."""
    if kept is None or kept.get(ORDERED) == ORDERED_VALUE:
        return None
    announced = kept.get("announced")
    if not isinstance(announced, list) or len(announced) < 2:
        return None
    return (
        f"the {len(announced)} announcements kept beside --since were saved by an earlier credreg, sorted by hash, "
        "not in the log's order: which is the latest (the one the registry means) cannot be told"
    )


def _entry(log: VerifiedLog, index: int) -> LogEntry:
    """Entry ``index`` of the log, proven in the signed tree (one entry bundle read)."""
    raw = log.bundle(index // TILE_WIDTH)[index % TILE_WIDTH]
    if not log.proves(merkle.leaf_hash(raw), index):
        raise LogError(f"{log.source}: entry {index} is not in the tree the checkpoint signs")
    try:
        return LogEntry.parse(raw)
    except ValueError:
        raise LogError(f"entry {index} of the log is not a credreg entry: {raw[:80]!r}") from None
