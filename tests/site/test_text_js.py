"""The page's copy of the characters no published text may hold (``text.js``) run in Node against
:mod:`generator._internal.text`: the same set over every BMP character, and the same words for where the first
one is (counted in code points, so text beyond the BMP before it counts alike)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from generator._internal.text import UNSEEN, first_unseen, unseen_problem
from tests.site.node_runner import NODE, NodeRunner

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")

RUNNER = r"""
import { createInterface } from "node:readline";
import { UNSEEN, unseenProblem } from "./verify/text.js";

for await (const line of createInterface({ input: process.stdin })) {
  const req = JSON.parse(line);
  let reply;
  if (req.op === "source") reply = { value: UNSEEN };
  else if (req.op === "scan") {
    const found = [];
    for (let cp = 0; cp <= 0x10ffff; cp++) if (unseenProblem(String.fromCodePoint(cp)) !== null) found.push(cp);
    reply = { value: found };
  } else reply = { value: req.texts.map(unseenProblem) };
  process.stdout.write(JSON.stringify(reply) + "\n");
}
"""


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NodeRunner]:
    runner = NodeRunner(tmp_path_factory.mktemp("text-js"), RUNNER)
    yield runner
    runner.close()


def _ask(node: NodeRunner, **request: Any) -> Any:
    return node.ask(**request)["value"]


def test_the_same_class_body(node: NodeRunner) -> None:
    assert _ask(node, op="source") == UNSEEN


def test_the_same_characters_over_all_of_unicode(node: NodeRunner) -> None:
    python = [cp for cp in range(0x110000) if first_unseen(chr(cp)) is not None]
    assert _ask(node, op="scan") == python
    assert {0x1B, 0x202E} <= set(python)
    assert not {0x09, 0x0A, 0x0D} & set(python)


TEXTS = [
    "plain text",
    "tab\tand\nline\r\nends",
    "reads \u202ebackwards",
    "\x1b[2J clears",
    "\U0001f4ca\U0001f4ca \u2066isolate",  # two characters beyond the BMP before it: four UTF-16 units
    "lone \ud800 surrogate \u2028",
    "\u0085",
    "",
]


def test_the_same_words(node: NodeRunner) -> None:
    python = [unseen_problem(t) for t in TEXTS]
    assert _ask(node, op="words", texts=TEXTS) == python
    assert python[4] == "holds the invisible or control character U+2066 (character 4)"
