# ruff: noqa: F811
"""An endorsement's verdict at generated clocks: ``credreg verify`` (:func:`generator.endorsements.verify_endorsement`)
and the page (endorsements.js ``verifyEndorsement`` through the verifier) read the clock alike.

tests/site/test_instants_endorsement_js.py holds five hand-picked dates; here every file of the endorsement corpus
(genuine, revoked, expired, not yet in force, forged, outside its key's window, ...) is checked at clocks around its
own validFrom and validUntil and the times the corpus's status lists are signed: at the instant, a millisecond, a
second, the clock skew credreg allows a signer (times.py ``CLOCK_SKEW``, 5 minutes) and a millisecond either side
of it, a day, and seeded random offsets within a quarter of an hour. Both must give the same checks and headline.

What both hold (pinned by the last test): a verifier applies no clock skew to an endorsement's validFrom, as to an
award's (policies.py ``ValidityPolicy``): one dated a second ahead of the clock is "not yet valid". The skew is the
registry check's tolerance of a signer whose clock runs ahead (recognition.py ``_signed_ahead``), not a verifier's.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from typing import Any

import pytest

from generator._internal.times import CLOCK_SKEW, parse_time
from generator.endorsements import verify_endorsement
from tests.site.node_runner import NODE
from tests.site.test_endorsements_js import NOW, Corpus, corpus  # noqa: F401
from tests.site.test_verify_endorsement_js import Node, _cli, _page, node  # noqa: F401

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")

MS = dt.timedelta(milliseconds=1)
OFFSETS = [
    dt.timedelta(0),
    *(sign * step for sign in (1, -1) for step in (MS, 999 * MS, dt.timedelta(seconds=1), dt.timedelta(days=1))),
    *(sign * (CLOCK_SKEW + d) for sign in (1, -1) for d in (-MS, dt.timedelta(0), MS, dt.timedelta(seconds=1))),
]


def _stamp(at: dt.datetime) -> str:
    """``at`` to the millisecond, as the page's Date holds it."""
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _agree(corpus: Corpus, node: Node, doc: dict[str, Any], now: dt.datetime) -> str:
    cli = _cli(verify_endorsement(doc, corpus.registry, now=now))
    page = _page(node.ask(now=_stamp(now), text=json.dumps(doc)))
    assert page == cli, (doc.get("validFrom"), doc.get("validUntil"), _stamp(now))
    return str(cli["headline"]["kind"])


def _clocks(rng: random.Random, doc: dict[str, Any]) -> list[dt.datetime]:
    anchors = [NOW]
    for field in ("validFrom", "validUntil"):
        at = parse_time(doc.get(field))
        if at is not None:
            anchors.append(at)
    clocks = [a + o for a in anchors for o in OFFSETS]
    clocks += [rng.choice(anchors) + rng.randrange(-900_000, 900_000) * MS for _ in range(6)]
    return sorted(set(clocks))


def test_every_endorsement_gets_one_verdict_at_every_clock(corpus: Corpus, node: Node) -> None:
    rng = random.Random(6060)
    asked = 0
    kinds: set[str] = set()
    for name in sorted(corpus.files):
        doc = corpus.files[name][1]
        for now in _clocks(rng, doc):
            kinds.add(_agree(corpus, node, doc, now))
            asked += 1
    assert asked > 300
    assert {"valid", "not yet valid", "expired", "revoked"} <= kinds, kinds


def test_no_skew_for_a_verifier_on_either_side(corpus: Corpus, node: Node) -> None:
    """A registered, genuine endorsement read a millisecond before its validFrom is not yet valid to both, at its
    validFrom valid: the 5-minute skew the registry check allows its signer is not a verifier's."""
    doc = corpus.files["genuine"][1]
    start = parse_time(doc["validFrom"])
    assert start is not None
    assert _agree(corpus, node, doc, start - MS) == "not yet valid"
    assert _agree(corpus, node, doc, start) == "valid"
    assert _agree(corpus, node, doc, start - CLOCK_SKEW) == "not yet valid"
