"""Fresh signatures: what a pull request signs must be signed now, with a key that is in force now.

The registry-wide check accepts an old signature when the key was valid *when it signed*: that is how awards
outlive a key's rotation. A new signature must meet a stricter test, or a stolen key could keep adding
"historical" awards by backdating them to before its revocation: the key must be unexpired and unrevoked at
check time, and the proof's ``created`` may lie at most ``award_backdating_days`` in the past (and not in the
future, beyond a few minutes of clock skew). :func:`date_problem` is that time rule alone, for other dates a
change sets (an endorsement's ``validFrom``).
"""

from __future__ import annotations

import datetime as dt

from generator._internal.times import CLOCK_SKEW, day, parse_time, utc_day
from generator.models import PublicKey, ReviewRules

__all__ = ["CLOCK_SKEW", "date_problem", "freshness_problem"]


def freshness_problem(
    key: PublicKey, created_value: object, *, now: dt.datetime, rules: ReviewRules, what: str
) -> str | None:
    """Why a signature this change adds is not fresh (``None`` when it is). ``what`` names the signed thing."""
    created = parse_time(created_value)
    if created is None:
        return f"{what}'s proof has no valid 'created' time"
    if now < key.valid_from:
        return f"key {key.id} is not valid before {_utc_minute(key.valid_from)} UTC"
    if key.revoked_at is not None and now >= key.revoked_at:
        return (
            f"key {key.id} was revoked on {utc_day(key.revoked_at)} ({key.revocation_reason}): "
            "nothing new may be signed with it"
        )
    if key.valid_until is not None and now > key.valid_until:
        return f"key {key.id} expired on {utc_day(key.valid_until)}: sign with the issuer's current key"
    return date_problem(created, now=now, rules=rules, what=f"{what} is signed")


def date_problem(when: dt.datetime, *, now: dt.datetime, rules: ReviewRules, what: str) -> str | None:
    """Why a date a change sets is backdated or in the future (``None`` when it is fresh). ``what`` starts the
    sentence: "the award is signed", "the endorsement's validFrom is"."""
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
