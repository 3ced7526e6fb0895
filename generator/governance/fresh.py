"""Fresh signatures: what a pull request signs must be signed now, with a key that is in force now.

The registry-wide check accepts an old signature when the key was valid *when it signed*: that is how awards
outlive a key's rotation. A new signature must meet a stricter test, or a stolen key could keep adding
"historical" awards by backdating them to before its revocation: the key must be unexpired and unrevoked at
check time (the key-window rule, :func:`generator.verify.keys.window_problem`, at the check's time), and the
proof's ``created`` may lie at most ``award_backdating_days`` in the past (and not in the future, beyond a few
minutes of clock skew). :func:`date_problem` is that time rule alone. An endorsement's ``validFrom`` and a
revocation's ``revoked`` need no call of their own: their proofs are created at them (the profiles' rule).
"""

from __future__ import annotations

import datetime as dt

from generator._internal.times import CLOCK_SKEW, day, parse_time
from generator.models import PublicKey, ReviewRules
from generator.verify.keys import window_problem

__all__ = ["CLOCK_SKEW", "date_problem", "freshness_problem"]


def freshness_problem(
    key: PublicKey, created_value: object, *, now: dt.datetime, rules: ReviewRules, what: str
) -> str | None:
    """Why a signature this change adds is not fresh (``None`` when it is). ``what`` names the signed thing."""
    created = parse_time(created_value)
    if created is None:
        return f"{what}'s proof has no valid 'created' time"
    # The key-window rule every verdict reads, in its words (verify/keys.py window_problem), with the check's
    # time as the signing time: a copy here said the same thing in other words, and could drift from it.
    window = window_problem(key, now)
    if window is not None:
        return f"{what} is new, so its key is judged at this check: {window}; sign it with the issuer's current key"
    return date_problem(created, now=now, rules=rules, what=f"{what} is signed")


def date_problem(when: dt.datetime, *, now: dt.datetime, rules: ReviewRules, what: str) -> str | None:
    """Why a date a change sets is backdated or in the future (``None`` when it is fresh). ``what`` starts the
    sentence: "the award is signed", "the status list is signed"."""
    if when > now + CLOCK_SKEW:
        return f"{what} in the future ({_utc_minute(when)} UTC)"
    window = dt.timedelta(days=rules.award_backdating_days)
    if when < now - window:
        age = (now - when).days
        return (
            f"{what} {day(when)}, {age} days before this check: new signatures may be dated at "
            f"most {rules.award_backdating_days} days back (review.award_backdating_days); sign it again today"
        )
    return None


def _utc_minute(value: dt.datetime) -> str:
    """``YYYY-MM-DD hh:mm`` of ``value`` in UTC."""
    return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="minutes")
