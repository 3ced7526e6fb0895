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
    # 2026-06-01T21:00-05:00 is 2026-06-02T02:00Z: the key file's own day is the 1st, the UTC day the 2nd. The
    # words are the key-window rule's everywhere (verify/keys.py window_problem), with the check's time as the
    # signing time of what a change signs.
    key = PublicKey.model_validate(
        {
            "id": "key-1",
            "issuer": "acme",
            "publicKeyMultibase": MULTIKEY,
            "created": "2026-06-01T00:00:00Z",
            "valid_from": "2026-06-01T21:00:00-05:00",
        }
    )
    problem = freshness_problem(key, "2026-06-01T11:00:00Z", now=NOW, rules=ReviewRules(), what="the award")
    assert problem == (
        "the award is new, so its key is judged at this check: signed on 2026-06-01, before key key-1 became valid "
        "(2026-06-02); sign it with the issuer's current key"
    )
