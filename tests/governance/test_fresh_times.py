"""The freshness rule's words name instants in UTC, as they say: a time written in another offset is converted."""

from __future__ import annotations

import datetime as dt

from generator._internal.times import parse_time
from generator.governance.fresh import date_problem, freshness_problem
from generator.models import PublicKey, ReviewRules

NOW = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)
MULTIKEY = "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"


def test_a_future_signature_in_another_offset_is_named_in_utc() -> None:
    # 2026-06-02T10:00+14:00 is 2026-06-01T20:00Z: eight hours ahead, and "10:00 UTC" was said.
    when = parse_time("2026-06-02T10:00:00+14:00")
    assert when is not None
    problem = date_problem(when, now=NOW, rules=ReviewRules(), what="the award is signed")
    assert problem == "the award is signed in the future (2026-06-01 20:00 UTC)"


def test_a_key_not_yet_valid_is_named_in_utc() -> None:
    key = PublicKey.model_validate(
        {
            "id": "key-1",
            "issuer": "acme",
            "publicKeyMultibase": MULTIKEY,
            "created": "2026-06-01T00:00:00Z",
            "valid_from": "2026-06-01T09:00:00-05:00",
        }
    )
    problem = freshness_problem(key, "2026-06-01T11:00:00Z", now=NOW, rules=ReviewRules(), what="the award")
    assert problem == "key key-1 is not valid before 2026-06-01 14:00 UTC"
