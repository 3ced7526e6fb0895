"""ISO 8601 calendar durations (``P3Y``, ``P6M``, ``P2W``, ``P1Y6M``) added to datetimes."""

from __future__ import annotations

import calendar
import datetime as dt
import re

_DURATION = re.compile(r"^P(?!\Z)(?:(?P<y>[0-9]+)Y)?(?:(?P<m>[0-9]+)M)?(?:(?P<w>[0-9]+)W)?(?:(?P<d>[0-9]+)D)?\Z")

#: The longest duration a file may give, in days counted generously (a year as 366, a month as 30.5): 100 years.
#: Longer is never meant (a credential valid for centuries, a course of decades), and a date plus thousands of
#: years has no calendar date for :func:`add_duration` to give.
MAX_DURATION_DAYS = 100 * 366


def duration_problem(duration: str) -> str | None:
    """Why ``duration`` is not a duration a registry file may give (``None`` when it is): it must be one of the
    grammar's, longer than zero and at most 100 years. The models apply it to every duration they read."""
    m = _DURATION.match(duration)
    if not m:
        return f"{duration!r} is not an ISO 8601 calendar duration"
    half_days = int(m["y"] or 0) * 732 + int(m["m"] or 0) * 61 + (int(m["w"] or 0) * 7 + int(m["d"] or 0)) * 2
    if half_days == 0:
        return f"{duration} is a duration of nothing: give a length such as P6M or P3Y"
    if half_days > 2 * MAX_DURATION_DAYS:
        return f"{duration} is longer than 100 years"
    return None


def add_duration(start: dt.datetime, duration: str) -> dt.datetime:
    """``start`` + ``duration``; a month-end overflow clamps to the month's last day (31 Jan + P1M = 28/29 Feb)."""
    m = _DURATION.match(duration)
    if not m:
        raise ValueError(f"{duration!r} is not an ISO 8601 calendar duration")
    years, months = int(m["y"] or 0), int(m["m"] or 0)
    total = start.month - 1 + months
    year, month = start.year + years + total // 12, total % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    shifted = start.replace(year=year, month=month, day=day)
    return shifted + dt.timedelta(weeks=int(m["w"] or 0), days=int(m["d"] or 0))


def xsd_duration(duration: str) -> str:
    """``duration`` as an ``xsd:duration`` (CTDL's type for durations), which has no weeks: ``P6W`` is ``P42D``,
    ``P1Y2W3D`` is ``P1Y17D``; any other is as written."""
    m = _DURATION.match(duration)
    if not m or not m["w"]:
        return duration
    days = int(m["w"]) * 7 + int(m["d"] or 0)
    return "P" + (f"{m['y']}Y" if m["y"] else "") + (f"{m['m']}M" if m["m"] else "") + f"{days}D"


def describe_duration(duration: str) -> str:
    """``P1Y6M`` → ``1 year 6 months`` (for pages)."""
    m = _DURATION.match(duration)
    if not m:
        return duration
    parts = []
    for key, word in (("y", "year"), ("m", "month"), ("w", "week"), ("d", "day")):
        n = int(m[key] or 0)
        if n:
            parts.append(f"{n} {word}{'s' if n != 1 else ''}")
    return " ".join(parts)
