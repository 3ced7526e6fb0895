"""A signing body's keys as its page shows them (issuers and endorsers alike): each key's window in UTC and its
state now, as the check and the verification page take its signatures (``verify/keys.py window_problem``)."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping

from generator.models import PublicKey
from generator.registry import KeyRecord
from generator.render import labels
from generator.render.html import esc
from generator.verify.keys import window_problem


class KeyState(enum.Enum):
    REVOKED = "revoked"
    ROTATED_OUT = "rotated-out"
    NOT_YET_VALID = "not-yet-valid"
    IN_USE = "in-use"


def key_state(key: PublicKey, now: dt.datetime) -> KeyState:
    """Whether signatures made ``now`` by ``key`` are accepted (the check's rule, ``window_problem``), and why not."""
    if window_problem(key, now) is None:
        return KeyState.IN_USE
    if key.revoked_at is not None and now >= key.revoked_at:
        return KeyState.REVOKED
    return KeyState.NOT_YET_VALID if now < key.valid_from else KeyState.ROTATED_OUT


def in_use(keys: Mapping[str, KeyRecord], now: dt.datetime) -> int:
    """How many of ``keys`` sign now."""
    return sum(1 for key in keys.values() if key_state(key.model, now) is KeyState.IN_USE)


def built_day(now: dt.datetime) -> str:
    """The day a page says its keys' states were read (the build's ``now``, in UTC as every key time)."""
    return _day(now)


def _day(value: dt.datetime) -> str:
    """A key's time as a day, in UTC: as keys.json gives it and every verdict says it (keys.py ``utc_day``)."""
    return labels.date_label(value.astimezone(dt.UTC))


def _state_cell(key: PublicKey, now: dt.datetime) -> str:
    match key_state(key, now):
        case KeyState.REVOKED:
            assert key.revoked_at is not None
            return (
                f'<span class="cr-badge cr-badge--revoked">Revoked</span> {esc(_day(key.revoked_at))}: '
                f"{esc(key.revocation_reason or '')}"
            )
        case KeyState.ROTATED_OUT:
            assert key.valid_until is not None
            return f'<span class="cr-badge cr-badge--deprecated">Rotated out</span> {esc(_day(key.valid_until))}'
        case KeyState.NOT_YET_VALID:
            return f'<span class="cr-badge cr-badge--retired">Not yet valid</span> until {esc(_day(key.valid_from))}'
        case KeyState.IN_USE:
            return '<span class="cr-badge cr-badge--active">In use</span>'


def key_table(keys: Mapping[str, KeyRecord], now: dt.datetime) -> str:
    """The keys' table: id, window, state on the day the page was built (said in its heading: a page is read for
    months after, and a key rotated out or revoked since still reads as it stood then; the verification page
    takes each signature against the key's window as keys.json gives it) and public key."""
    rows = []
    for key_id in sorted(keys):
        key = keys[key_id].model
        until = _day(key.valid_until) if key.valid_until else "—"
        rows.append(
            f'<tr><th scope="row"><code>{esc(key.id)}</code></th><td>{esc(_day(key.valid_from))}</td>'
            f"<td>{esc(until)}</td><td>{_state_cell(key, now)}</td>"
            f'<td><code class="cr-break">{esc(key.publicKeyMultibase)}</code></td></tr>'
        )
    if not rows:
        return '<p class="cr-muted">No keys registered yet.</p>'
    return (
        '<div class="cr-table-wrap" tabindex="0" role="region" aria-label="Signing keys">'
        '<table class="cr-table"><caption>Signing keys</caption>'
        '<thead><tr><th scope="col">Key</th>'
        '<th scope="col">Valid from</th><th scope="col">Valid until</th>'
        f'<th scope="col">State on {esc(built_day(now))}</th><th scope="col">Public key (Multikey)</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )
