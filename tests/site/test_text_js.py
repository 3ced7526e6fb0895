"""The page's copy of the characters no published text may hold (``text.js``) run in Node against
:mod:`generator._internal.text`: the same set over every BMP character, and the same words for where the first
one is (counted in code points, so text beyond the BMP before it counts alike)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import Any

import pytest

from generator._internal.text import UNSEEN, first_unseen, mark_tower, unseen_problem
from tests.site.node_runner import NODE, NodeRunner

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")

RUNNER = r"""
import { createInterface } from "node:readline";
import { UNSEEN, markTower, pyRepr, unseenProblem } from "./verify/text.js";

for await (const line of createInterface({ input: process.stdin })) {
  const req = JSON.parse(line);
  let reply;
  if (req.op === "source") reply = { value: UNSEEN };
  else if (req.op === "scan") {
    const found = [];
    for (let cp = 0; cp <= 0x10ffff; cp++) if (unseenProblem(String.fromCodePoint(cp)) !== null) found.push(cp);
    reply = { value: found };
  } else if (req.op === "repr") reply = { value: req.values.map(pyRepr) };
  else if (req.op === "repr-all") {
    const found = [];
    for (let cp = 0; cp <= 0x10ffff; cp++) if (cp < 0xd800 || cp > 0xdfff) found.push(pyRepr(String.fromCodePoint(cp)));
    reply = { value: found };
  } else if (req.op === "towers") reply = { value: req.texts.map(markTower) };
  else if (req.op === "tower-scan") {
    // Each character after six marks on one letter, and a seventh mark after it: null when it starts a new letter,
    // 7 when it is a mark itself, 8 when the letter's cluster goes on across it.
    const found = [];
    const six = "\u0301".repeat(6);
    for (let cp = 0; cp <= 0x10ffff; cp++)
      if (cp < 0xd800 || cp > 0xdfff) found.push(markTower(`a${six}${String.fromCodePoint(cp)}\u0301`));
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


def test_a_value_quoted_in_a_message_is_quoted_as_python_repr_quotes_it(node: NodeRunner) -> None:
    """A proof's type or cryptosuite in a reason (dataintegrity.js verify, as generator/crypto/dataintegrity.py
    verify_proof says it): quoted by Python's repr on both sides, over every character but the surrogates (the page
    quoted them as JSON: "x" where credreg verify wrote 'x', null for None)."""
    values = ["x", "it's", 'it\'s "both"', 'say "hi"', "back\\slash", "tab\tand\nline", None, True, False, 5, 2.5]
    assert _ask(node, op="repr", values=values) == [repr(v) for v in values]
    everything = [chr(cp) for cp in range(0x110000) if not 0xD800 <= cp <= 0xDFFF]
    js = _ask(node, op="repr-all")
    # Where this Python's Unicode database and Node's assign characters alike: a character assigned in the newer
    # one only is printable there and escaped here (repr follows its own database).
    assigned = [i for i, c in enumerate(everything) if unicodedata.category(c) != "Cn"]
    assert len(assigned) > 250_000
    assert [js[i] for i in assigned] == [repr(everything[i]) for i in assigned]


TOWERS = [
    "plain text",
    "Acme A" + "\u030d" * 7 + "cademy",
    "e" + "\u0301" * 6,
    "\U0001f4ca\U0001f4ca e" + "\u0301" * 7,  # counted in code points: two characters beyond the BMP before it
    "a" + ("\u0301" * 6 + "\u0903") * 2,  # a spacing mark goes on with the letter
    "a" + ("\u0301" * 6 + "\U000e0020") * 2,  # and so does an invisible format character beyond the BMP
    "a" + "\u0301\u200d" * 7,
    "Vie\u0323\u0302t Nam",
    "\u1000\u103c\u103d\u103e\u102d\u102f\u1036\u1037",
    "",
]


def test_the_same_mark_towers(node: NodeRunner) -> None:
    python = [mark_tower(t) for t in TOWERS]
    assert _ask(node, op="towers", texts=TOWERS) == python
    assert python[3] == 10


#: Characters whose category a later Unicode changed between these classes (a mark, going on with the letter,
#: another): U+1171E AHOM CONSONANT SIGN MEDIAL RA, Mn in Unicode 14, Mc since 15.
RECLASSIFIED = {0x1171E}


def test_the_same_marks_over_all_of_unicode(node: NodeRunner) -> None:
    """Which characters are marks, which go on with a letter and which start a new one, over every character:
    where this Python's Unicode database and Node's assign characters alike (a character assigned in the newer
    one only has its category there, and none here)."""
    everything = [chr(cp) for cp in range(0x110000) if not 0xD800 <= cp <= 0xDFFF]
    js = _ask(node, op="tower-scan")
    assigned = [i for i, c in enumerate(everything) if unicodedata.category(c) != "Cn" and ord(c) not in RECLASSIFIED]
    six = "\u0301" * 6
    assert [js[i] for i in assigned] == [mark_tower(f"a{six}{everything[i]}\u0301") for i in assigned]
    assert {js[ord("\u0301")], js[ord("\u0903")], js[ord("b")]} == {7, 8, None}
