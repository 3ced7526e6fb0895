"""A key file's times are read by the one date-time grammar (generator/_internal/times.py), as every other time.

They bound every signature the key made, and the review of a pull request that sets one reads them as written:
pydantic's own reading of a datetime also took Unix seconds in a string (``"1767225600"``), a space or an
underscore for the ``T``, lower-case ``t``/``z``, no seconds, offsets up to +-23:59 and offsets without a colon,
none of which is a date-time of an award or of the page, and each a time a reviewer reads otherwise or not at
all. (A number was already refused by the key file's schema.)
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.check import run_check

KEY = "keys/acme-academy/key-2025.json"


@pytest.mark.parametrize(
    "value",
    [
        1767225600,
        "1767225600",
        1767225600.5,
        "2026-01-01 00:00:00Z",
        "2026-01-01_00:00:00Z",
        "2026-01-01t00:00:00z",
        "2026-01-01T00:00Z",
        "2026-01-01T00:00:00+23:00",
        "2026-01-01T00:00:00+0100",
        "2026-01-01",
    ],
)
@pytest.mark.parametrize("field", ["valid_until", "revoked_at", "valid_from", "created"])
def test_a_key_time_outside_the_grammar_is_refused_naming_its_field(
    registry_dir: Path, field: str, value: object
) -> None:
    path = registry_dir / KEY
    key = json.loads(path.read_text()) | {field: value}
    if field == "revoked_at":
        key["revocation_reason"] = "Leaked"
    path.write_text(json.dumps(key, indent=2) + "\n")
    report = run_check(registry_dir)
    found = [p for p in report.problems if p.location.path == KEY and p.field == field]
    assert len(found) == 1, [str(p) for p in report.problems]
    assert found[0].location.line is not None
    # A number is no text to the schema; a string outside the grammar is no date-time.
    said = "expected text" if isinstance(value, (int, float)) else "not a date-time: a real calendar date and time"
    assert said in found[0].message, str(found[0])


@pytest.mark.parametrize(
    "value", ["2026-01-01T00:00:00Z", "2026-01-01T01:00:00+01:00", "2026-01-01T00:00:00.123456789-00:00"]
)
def test_a_key_time_in_the_grammar_is_read_to_the_microsecond(registry_dir: Path, value: str) -> None:
    path = registry_dir / KEY
    path.write_text(json.dumps(json.loads(path.read_text()) | {"valid_until": value}, indent=2) + "\n")
    report = run_check(registry_dir)
    assert [str(p) for p in report.problems if p.location.path == KEY] == []
