"""The one parser of the date-times credentials carry (``validFrom``, ``validUntil``, proof ``created``, ...).

VC 2.0 requires ``validFrom``/``validUntil`` to be XML Schema 1.1 ``dateTimeStamp`` values, and recommends they
also be RFC 3339 ``date-time`` values; a time with an instant everyone agrees on needs both. So a value is
accepted only when it is valid in both grammars:

* ``YYYY-MM-DDThh:mm:ss[.fraction](Z|+hh:mm|-hh:mm)``: exactly four ASCII year digits (0001-9999), an
  uppercase ``T`` and ``Z``; no lowercase ``t``/``z``, no space, no sign, no week or ordinal dates;
* a real calendar date (``2026-02-30`` and ``2025-02-29`` are refused);
* hours 00-23, minutes and seconds 00-59 (RFC 3339's leap second ``60`` and XSD's ``24:00:00`` are each
  refused by the other grammar, so by this one);
* a time zone, always: ``Z`` or an offset within XSD's bound of +-14:00 (``+99:00`` is refused);
* at most :data:`MAX_TIME_CHARS` characters (a fraction of any length is RFC 3339, but not a megabyte of it).

``generator/site/assets/verify/policies.js`` (``parseTime``) implements the same grammar; a differential test
runs both over generated strings. Fractions beyond the microsecond are truncated here; the browser reads
instants to the millisecond and compares them to the microsecond (``instant``), as here.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Any, Literal

__all__ = [
    "CLOCK_SKEW",
    "DATE_PATTERN",
    "MAX_TIME_CHARS",
    "PUBLISHED_TIME_PATTERN",
    "TIME_PATTERN",
    "Publisher",
    "day",
    "epoch_micros",
    "parse_date",
    "parse_time",
    "published_time_problem",
    "signed_ahead_reason",
    "utc_day",
    "validity_window_problem",
]

#: How far a signer's clock may run ahead of a checker's: a proof's ``created`` (governance/fresh.py), and the
#: ``validFrom`` of a status list a change has just signed (which starts in force when it is signed).
CLOCK_SKEW = dt.timedelta(minutes=5)

MAX_TIME_CHARS = 64

#: A calendar date's one spelling in registry files (ASCII digits only): :func:`parse_date`.
DATE_PATTERN = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", re.ASCII)

#: The grammar's shape (ASCII digits only: ``re.ASCII``); calendar and range rules are checked after it.
TIME_PATTERN = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]+))?(Z|[+-][0-9]{2}:[0-9]{2})",
    re.ASCII,
)

#: The one form of the times an award of the registry publishes (``validFrom``, ``validUntil``, ``awardedDate``,
#: each proof's ``created``): whole seconds in UTC, ``Z``, as ``credreg award`` writes them
#: (``generator.openbadges.timestamp``). Any other form is a choice of the signing tool, and its digits are free:
#: microseconds order a batch's awards as they were signed (a class list's order, which the shuffled batch hides),
#: a fraction can carry any number (a student number), an offset tells where the signer was.
PUBLISHED_TIME_PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z", re.ASCII)

#: What publishes a time in the one form: an award (and a revocation line, beside the award it names), an
#: endorsement, a status list.
Publisher = Literal["award", "endorsement", "status list"]

#: What free digits in a time could say, by what publishes it: an award's could order or name its recipient; an
#: endorsement and a list have none, but free digits beside what they say could still carry a number or a message.
#: policies.js FREE_DIGITS says it in the same words.
_FREE_DIGITS: dict[str, str] = {
    "award": "could order or name an award's recipient",
    "endorsement": "could carry a number or a message beside what the endorsement says",
    "status list": "could carry a number or a message beside the list's bits",
}


def published_time_problem(value: str, what: Publisher = "award") -> str | None:
    """Why ``value`` (a date-time :func:`parse_time` reads) is not in the one form an award (or ``what``)
    publishes (:data:`PUBLISHED_TIME_PATTERN`), or ``None`` when it is; policies.js ``publishedTimeProblem``."""
    if PUBLISHED_TIME_PATTERN.fullmatch(value):
        return None
    return (
        "must be whole seconds in UTC (YYYY-MM-DDThh:mm:ssZ), as the registry writes it: a fraction of a second or "
        f"an offset is free digits that {_FREE_DIGITS[what]} (docs/privacy.md)"
    )


def parse_date(value: Any) -> dt.date | None:
    """A calendar date as registry YAML gives one, or ``None`` when it is not one. The one spelling is
    ``YYYY-MM-DD`` (:data:`DATE_PATTERN`, a real calendar date), for the models (``IsoDate``) and every rule that
    compares dates alike: not a date-time (even at midnight), Unix seconds, or ISO's basic, week and ordinal
    forms, which ``date.fromisoformat`` and pydantic each read in part, so that a date written so was one to the
    model and none to a rule that compares it. A ``date`` object (made in Python) is itself."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    m = DATE_PATTERN.fullmatch(value) if isinstance(value, str) else None
    if m is None:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:  # 2025-02-30, year 0000
        return None


def parse_time(value: Any) -> dt.datetime | None:
    """The instant a ``dateTimeStamp`` value names (timezone-aware), or ``None`` if it is not one."""
    if not isinstance(value, str) or len(value) > MAX_TIME_CHARS:
        return None
    return _parse(value)


# A registry-wide check reads four times per award, and a cohort's awards share their times: each string is
# parsed once (datetimes are immutable, so sharing the result is safe).
@functools.lru_cache(maxsize=4096)
def _parse(value: str) -> dt.datetime | None:
    m = TIME_PATTERN.fullmatch(value)
    if m is None:
        return None
    year, month, day, hour, minute, second = (int(g) for g in m.group(1, 2, 3, 4, 5, 6))
    fraction, zone = m.group(7), m.group(8)
    if zone == "Z":
        tz = dt.UTC
    else:
        hours, minutes = int(zone[1:3]), int(zone[4:6])
        if minutes > 59 or hours > 14 or (hours == 14 and minutes):
            return None
        tz = dt.timezone(dt.timedelta(hours=hours, minutes=minutes) * (-1 if zone[0] == "-" else 1))
    micro = int(fraction[:6].ljust(6, "0")) if fraction else 0
    try:
        parsed = dt.datetime(year, month, day, hour, minute, second, micro, tzinfo=tz)
        if year in (1, 9999):
            parsed.astimezone(dt.UTC)  # an instant outside years 1-9999 in UTC cannot be compared
    except (ValueError, OverflowError):  # year 0000, month 13, 30 February, hour 24, second 60, ...
        return None
    return parsed


def day(value: dt.datetime) -> str:
    """The calendar day of ``value`` in its own offset, as the date-times write it (``YYYY-MM-DD``, four digits of
    year: strftime's ``%Y`` writes year 99 as "99"). The page's ``day`` (policies.js) gives the same words."""
    return value.date().isoformat()


def utc_day(value: dt.datetime) -> str:
    """:func:`day` of ``value`` in UTC: how a key's times are said, since the page reads them from keys.json, which
    gives them in UTC (a key revoked at 2025-03-01T01:00:00+02:00 was revoked on 2025-02-28)."""
    return day(value.astimezone(dt.UTC))


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)


def epoch_micros(value: Any) -> int | None:
    """The instant :func:`parse_time` reads, as whole microseconds since 1970 (exact: no float), or ``None``:
    a compact, picklable form of the same comparison."""
    parsed = parse_time(value) if not isinstance(value, dt.datetime) else value
    return None if parsed is None else (parsed - _EPOCH) // _MICROSECOND


def validity_window_problem(valid_from: Any, valid_until: Any, *, same_allowed: bool = False) -> str | None:
    """Why ``validUntil`` does not close a window opened by ``validFrom``, said of ``validUntil`` (``None`` when it
    does, or when either is absent or unreadable: the date-time rule reports those). Compared as instants:
    offsets count, fractions beyond the microsecond do not (as everywhere else).

    VC 2.0 (section 4.9) requires validUntil to be "temporally the same or later" than validFrom, so only an
    earlier one makes any credential malformed (``same_allowed=True``: what ``credreg verify`` asks of every
    credential). The registry's own awards and endorsements must in addition close the window strictly after it
    opens: validUntil is the last instant at which the credential is valid, so an equal value leaves a window of
    one instant, a credential expired as soon as it is issued (an error of its issuer, never an intent).

    ``policies.js`` (``validityWindowProblem``) is the browser's copy; a differential test holds them equal."""
    if valid_until is None:
        return None
    start, end = parse_time(valid_from), parse_time(valid_until)
    if start is None or end is None or end > start or (same_allowed and end == start):
        return None
    relation = "the same instant as" if end == start else "before"
    return f"{valid_until} is {relation} validFrom {valid_from}: its validity period is empty"


def signed_ahead_reason(value: Any, now: dt.datetime) -> str | None:
    """Why a time a signature says it was made at (an award's or an endorsement's validFrom, a revocation's
    ``revoked``: each proof is created then) lies after ``now`` beyond :data:`CLOCK_SKEW`: no key made it yet. The
    full check's one rule and words for the three (verify/policies.py ``SignedAheadPolicy``, registry_check.py's
    revocations, recognition.py's endorsements); ``None`` when it does not (or cannot be read: the structure or
    schema rules say so)."""
    start = parse_time(value)
    return f"not valid before {value}" if start is not None and start > now + CLOCK_SKEW else None
