"""ISO 8601 calendar durations (``P3Y``, ``P6M``, ``P2W``, ``P1Y6M``) added to datetimes."""

from __future__ import annotations

import calendar
import datetime as dt
import re

_DURATION = re.compile(r"^P(?!\Z)(?:(?P<y>[0-9]+)Y)?(?:(?P<m>[0-9]+)M)?(?:(?P<w>[0-9]+)W)?(?:(?P<d>[0-9]+)D)?\Z")


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
