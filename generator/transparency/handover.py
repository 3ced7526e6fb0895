"""Witness rotation: how a log's witnesses are handed over without letting whoever holds the log's key swap in its own.

A monitor (and a returning visitor) holds the log to the witnesses and quorum it saw cosign it: a later view must be
cosigned by that quorum of those witnesses. Without a hand-over, a registry whose witness shuts down, or whose witness
key leaked, could never remove it. The hand-over is announced **in the log**, before it takes effect:

1. ``registry/governance.yaml`` names the next witnesses and quorum under ``log.handover``. The commit that sets (or
   changes) it is logged as a ``witnesses-announced`` entry whose hash is :func:`policy_hash` of the log's name, the
   next witnesses' keys and the quorum, and the current witnesses' keys and quorum (the set it hands over from:
   :func:`generator.transparency.entries.derive_commits`).
2. The current (old) witnesses cosign a checkpoint that includes that entry. They cosign only a log that extends the
   one they saw, so the announcement is then in the log everyone is shown, for good: it cannot be shown to one
   visitor and hidden from another, and every monitor shows it as an alert, held until its owner acknowledges it.
3. Only then does ``log.witnesses`` / ``log.quorum`` become the announced set (and ``log.handover`` go).

A reader takes up the new set (:func:`handover_problem`) only when it saw, itself, a checkpoint cosigned by the
quorum of the witnesses it holds the log to that includes an announcement of exactly that set, for exactly this log:
the monitor keeps the hashes of the announcements it saw so (``announced`` in ``<save>.policy.json``); the
verification page (``tlog.js`` ``handoverProblem``, the same rule, held equal by a differential test) takes up the
announcement ``log/policy.json`` serves (``handover``, proven in the log) when the checkpoint it remembers for this
log, which the witnesses it remembers cosigned, holds it.

What this does not do: stop a holder of the repository and the log key from announcing witnesses of its own. The old
witnesses vouch that the hand-over is public, not that it is wise (a cosignature says "this log extends what I saw",
nothing of its entries). What it closes is the silent swap: a view cosigned only by witnesses the reader was never
shown announced, a hand-over shown to one reader and not to others, one replayed from another log, or one
the old witnesses never cosigned. Each issuer's monitor names the announcement the day it is published.

**The latest announcement is the one meant.** ``log.handover`` corrected (C in place of B, say because B's key
leaked) is announced again from the same witnesses: a reader that saw both takes up only the later one (the
monitor keeps ``announced`` in the log's order). Taking up either would let whoever holds the repository, the log
key and B's key list B and have B cosign. The page is shown one announcement (``log/policy.json``'s ``handover``,
the last in the log) and cannot tell from it that a later one withdrew it: a host holding the log key and B's key
may serve the withdrawn one to a visitor who last saw the log before the correction. Closing that needs the list
of announcements proven complete (an index line, as keys' retirements have): not done yet.

**Two hand-overs in a row are not followed yet.** A reader that last saw the log under A, back after A→B and
B→C, holds no checkpoint B's quorum cosigned: the B→C announcement (from B) hands nothing over from A, and the
reader fails (the page) or alerts once (a monitor) as on any change. Following the chain needs each later step's
announcement in a checkpoint the previous set's quorum cosigned, served with consistency to the checkpoint served;
the log keeps only its latest checkpoint. Operators leave each step's window open long enough
(docs/transparency-log-operators.md).

**No witness is never a hand-over** (a quorum of 0, or fewer witnesses than the quorum, is refused): a log no witness
cosigns is vouched for by the log key alone, the very holder the witnesses guard against. Taken up from an
announcement, it would let whoever holds the log's key end witnessing by announcing so, and from then on show any
reader any fork. A registry that stops being witnessed tells its readers, who decide (a monitor acknowledges the
alert; a visitor forgets the site's data).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

__all__ = ["ANNOUNCED", "handover_problem", "held_keys", "policy_hash"]

#: The log entry kind of a hand-over's announcement (:mod:`generator.transparency.entries`).
ANNOUNCED = "witnesses-announced"


def held_keys(witnesses: Iterable[str]) -> list[str]:
    """The witnesses a reader holds the log to, as an announcement names them: each verifier key's public key (hex),
    sorted, each once. The page remembers only those (tlog.js), a monitor the verifier keys: a string that is no
    verifier key is kept as it is (it then matches no announcement credreg writes)."""
    from generator.tlog.note import NoteError, parse_vkey

    keys = set()
    for witness in witnesses:
        try:
            keys.add(parse_vkey(witness).public.hex())
        except (NoteError, ValueError):
            keys.add(witness)
    return sorted(keys)


def policy_hash(origin: str, witnesses: Iterable[str], quorum: int, held: Iterable[str], held_quorum: int) -> str:
    """What a ``witnesses-announced`` entry names: SHA-256 of the canonical JSON of the log's name (its origin, the
    log key's name), the witnesses' verifier keys (sorted, each once) and the quorum, and the witnesses and quorum
    handed over from (``from``: :func:`held_keys` of them). The log's name is in it so that an announcement copied
    into another log (another site, or this site's log under another name) names another hash there; the witnesses
    handed over from, so that an old announcement (of a set since retired, its key leaked) hands nothing over from
    the witnesses that replaced it: whoever holds the log's key would else take the retired set back up by serving
    that announcement (the page takes up any its remembered checkpoint holds)."""
    text = json.dumps(
        {
            "from": {"quorum": held_quorum, "witnesses": held_keys(held)},
            "log": origin,
            "quorum": quorum,
            "witnesses": sorted(set(witnesses)),
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
    )
    return hashlib.sha256(text.encode()).hexdigest()


#: The largest integer tlog.js reads exactly (Number.MAX_SAFE_INTEGER): a larger quorum is no number to the page.
_SAFE = 2**53 - 1


def _core(policy: dict[str, Any]) -> str:
    """The policy's log key, witnesses and quorum, as JSON: a quorum of ``1.0`` or ``true`` is not the quorum 1
    (Python's ``==`` says it is; tlog.js compares JSON texts, and reads a ``1.0`` policy.json writes as such)."""
    return json.dumps([policy.get("vkey"), policy.get("witnesses"), policy.get("quorum")], sort_keys=True)


def handover_problem(kept: dict[str, Any], now: dict[str, Any], origin: str) -> str | None:
    """Why ``now`` (``{"vkey", "witnesses", "quorum"}``, the governance's) may not be taken up in place of ``kept``
    (what the reader held the log to, with ``announced``: the hashes of the announcements it saw included in a
    checkpoint cosigned by ``kept``'s quorum of ``kept``'s witnesses, in the log's order), for the log ``origin``;
    None when it may (or when nothing changed).

    Only the **latest** of ``announced`` is taken up: an announcement followed in the log by another, made while
    the same witnesses were held to, was withdrawn (``log.handover`` corrected from B to C, say because B's key
    leaked). Taking up any one seen would let whoever holds the repository, the log key and B's key list B and
    have B cosign. An announcement a reader cannot tell is from its set (the hash names the set handed over from,
    but only the registry knows which sets it meant) also withdraws the earlier one: whoever holds the log key can
    always stall a hand-over (it can stop publishing), never steer one."""
    witnesses, quorum = now.get("witnesses"), now.get("quorum")
    # Before "unchanged": 1.0 and 1.00 are one float to Python and two texts to the page (tlog.js readPolicy).
    if not isinstance(quorum, int) or isinstance(quorum, bool) or abs(quorum) > _SAFE:
        return "the quorum is not a whole number (written 1.0, say, or true, or too large)"
    if _core(kept) == _core(now):
        return None
    if kept.get("vkey") != now.get("vkey"):
        return "the log key changed: a hand-over replaces witnesses, never the log's own key"
    if not isinstance(witnesses, list) or not all(isinstance(w, str) for w in witnesses):
        return "the witnesses do not read"
    if quorum < 1:
        return (
            "a quorum of no witness is never a hand-over: the log key alone would vouch for the log, the holder "
            "the witnesses guard against"
        )
    if len(set(witnesses)) < quorum:
        return f"a quorum of {quorum} of {len(set(witnesses))} witnesses is never reached"
    announced, held, held_quorum = kept.get("announced"), kept.get("witnesses"), kept.get("quorum")
    if not isinstance(held, list) or not all(isinstance(w, str) for w in held) or type(held_quorum) is not int:
        return "the witnesses held to before do not read"
    digest = policy_hash(origin, witnesses, quorum, held, held_quorum)
    if not isinstance(announced, list) or digest not in announced:
        return (
            "no announcement of these witnesses and quorum for this log, from the witnesses held to before (a "
            "witnesses-announced entry), was seen in a checkpoint cosigned by their quorum"
        )
    if announced[-1] != digest:
        return (
            "these witnesses and quorum were announced, then withdrawn: a later announcement, made while the "
            "witnesses held to before were listed, names others (the latest is the one the registry means)"
        )
    return None
