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


def _core(policy: dict[str, Any]) -> tuple[object, object, object]:
    return policy.get("vkey"), policy.get("witnesses"), policy.get("quorum")


def handover_problem(kept: dict[str, Any], now: dict[str, Any], origin: str) -> str | None:
    """Why ``now`` (``{"vkey", "witnesses", "quorum"}``, the governance's) may not be taken up in place of ``kept``
    (what the reader held the log to, with ``announced``: the hashes of the announcements it saw included in a
    checkpoint cosigned by ``kept``'s quorum of ``kept``'s witnesses), for the log ``origin``; None when it may (or
    when nothing changed)."""
    if _core(kept) == _core(now):
        return None
    if kept.get("vkey") != now.get("vkey"):
        return "the log key changed: a hand-over replaces witnesses, never the log's own key"
    witnesses, quorum = now.get("witnesses"), now.get("quorum")
    if not isinstance(witnesses, list) or not all(isinstance(w, str) for w in witnesses):
        return "the witnesses do not read"
    if not isinstance(quorum, int) or isinstance(quorum, bool) or quorum < 1:
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
    return None
