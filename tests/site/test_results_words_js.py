"""The words the page's verdict reads out of a check's reason (``results.js`` ``plainDay``, ``revokedHeadline``,
``revokedBecause``) against :mod:`generator.verify.results`, over the same generated reasons, in Node.

A headline is what a reader takes as the registry's word ("Revoked on 1 June 2026 by its issuer."): a reason
read apart by the two (a date in other digits, a reason spanning lines, "by the endorser" written inside the
signer's words) would have the page and ``credreg verify`` state different facts of one award.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator.verify.results import plain_day, revoked_because, revoked_headline
from tests.site.node_runner import NODE, NodeRunner

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")

RUNNER = r"""
import { createInterface } from "node:readline";
import { plainDay, revokedBecause, revokedHeadline } from "./verify/results.js";
for await (const line of createInterface({ input: process.stdin })) {
  const { text } = JSON.parse(line);
  const reply = { day: plainDay(text), headline: revokedHeadline(text), because: revokedBecause(text) };
  process.stdout.write(JSON.stringify(reply) + "\n");
}
"""

ARABIC_INDIC = "\u0662\u0660\u0662\u0666-\u0660\u0666-\u0660\u0661"  # 2026-06-01 in other digits
FULL_WIDTH = "\uff12\uff10\uff12\uff16-\uff10\uff16-\uff10\uff11"
PIECES = st.sampled_from(
    ["revoked", " by the endorser", " on ", "2026-06-01", "2026-13-01", "2026-00-09", "0000-01-01", ARABIC_INDIC,
     FULL_WIDTH, " for this reason: ", "lost\nkey", "\u2028", "VALID", "-", "1", "9"]
)  # fmt: skip


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NodeRunner]:
    runner = NodeRunner(tmp_path_factory.mktemp("results-words-js"), RUNNER)
    yield runner
    runner.close()


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.lists(PIECES, max_size=7).map("".join))
@example(text="revoked on 2026-06-01 for this reason: lost\nkey")
@example(text="revoked by the endorser on 2026-06-01")
@example(text="revoked on " + ARABIC_INDIC)
@example(text="expired on " + FULL_WIDTH)
def test_the_words_read_out_of_a_reason(node: NodeRunner, text: str) -> None:
    python = {"day": plain_day(text), "headline": revoked_headline(text), "because": revoked_because(text)}
    assert node.ask(text=text) == python, ascii(text)
