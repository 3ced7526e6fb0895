# ruff: noqa: F811
"""An endorsement that comes into force, or expires, within a millisecond of the clock gets one verdict from
``credreg verify`` and the page (the rule of tests/site/test_instants_js.py, for endorsements)."""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest

from generator.awarding.signing import sign_document
from generator.endorsements import verify_endorsement
from tests.site.node_runner import NODE
from tests.site.test_endorsements_js import NOW, Corpus, corpus  # noqa: F401
from tests.site.test_verify_endorsement_js import Node, _cli, _page, node  # noqa: F401

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")


def _at(seconds: int) -> str:
    return f"{NOW + dt.timedelta(seconds=seconds):%Y-%m-%dT%H:%M:%S}Z"


# An endorsement's times are whole seconds in UTC (models/award.py AwardTime), each proof created at its validFrom:
# its boundaries are a second apart; a millisecond's is a fraction, refused alike.
@pytest.mark.parametrize(
    ("dates", "verdict"),
    [
        ({"validFrom": _at(1)}, "not yet valid"),
        ({"validFrom": _at(0)}, "valid"),
        ({"validFrom": _at(-86400), "validUntil": _at(0)}, "valid"),
        ({"validFrom": _at(-86400), "validUntil": _at(-1)}, "expired"),
        ({"validFrom": _at(-86400), "validUntil": _at(-1).replace("Z", ".9990Z")}, "malformed"),
    ],
)
def test_an_endorsement_at_a_boundary_of_its_window_gets_one_verdict(
    corpus: Corpus, node: Node, dates: dict[str, str], verdict: str
) -> None:
    registry = corpus.registry
    _, genuine = corpus.files["genuine"]
    unsigned = {k: v for k, v in copy.deepcopy(genuine).items() if k not in ("proof", "validUntil")} | dates
    did = registry.endorser_did("data-council")
    at = dt.datetime.fromisoformat(unsigned["validFrom"])
    signed = sign_document(unsigned, corpus.keys["data-council"], f"{did}#k1", at)
    corpus.place(f"instant {sorted(dates.items())}", signed, "data-council")  # registered here, and published
    corpus.publish()
    cli = _cli(verify_endorsement(signed, registry, now=NOW))
    assert cli["headline"]["kind"] == verdict, cli
    assert _page(node.verify(text=json.dumps(signed))) == cli
