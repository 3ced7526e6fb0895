"""One reading of a JSON text, in credreg and on the page, over many spellings at once.

`credreg verify FILE` (generator/_internal/source.py read_json_bytes) and the page (verifier.js fileText and
parseAwardJSON, jcs.js parseJSON) must refuse the same texts and read the same data from the others: a text one of
them reads and the other refuses, or reads as other data, is an award with two verdicts. The example tests
(test_verify_js.py) hold each rule at its edge; this one mixes the spellings each rule is about (a key twice, also
escaped; lone surrogates, escaped and raw; numbers beyond a double or 2**53, NaN, leading zeros, "-0", "1.0";
a byte-order mark, NUL, U+2028 and other space around and inside the value; comments, trailing values, nesting
at the bound) into texts at random, seeded, and compares both readers and both RFC 8785 canonicalizers on each.
"""

from __future__ import annotations

import base64
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator._internal.source import MAX_JSON_NESTING, SourceError, read_json_bytes
from generator.crypto.jcs import canonicalize
from generator.errors import CredregError
from tests.site.node_runner import NODE, NodeRunner

RUNNER = r"""
import { createInterface } from "node:readline";
import { canonicalize } from "./verify/jcs.js";
import { fileText, InputError, parseAwardJSON } from "./verify/verifier.js";
for await (const line of createInterface({ input: process.stdin })) {
  const req = JSON.parse(line);
  let reply;
  try {
    const doc = parseAwardJSON(fileText(Buffer.from(req.bytes, "base64")));  // a dropped file, as the page reads it
    reply = { data: doc };
    try { reply.jcs = canonicalize(doc); }  // what the page hashes (verifier.js hashOf)
    catch (error) { reply.jcs = null; }
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    reply = { refused: error.message };
  }
  process.stdout.write(JSON.stringify(reply) + "\n");
}
"""

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")

# Values, each a spelling one reader or another has read its own way: readable ones, and ones at least one refuses.
VALUES = [
    '"a"', '"\\u0061"', '"\\ud83d\\ude00"', '"\\uDBFF\\uDFFF"', '"\u2028\u2029"', '"\\u0000"', '"\x7f"', '"\ufeff"',
    '"\\/"', '"é"', '"e\u0301"', '"\\\\"', '"\\""', "1", "-0", "-0.0", "1.0", "1E2", "0.1e1", "1e-400", "4.9e-324",
    "9007199254740991", "-9007199254740991", "9007199254740993.0", "true", "false", "null", "[]", "{}",
]  # fmt: skip
BAD_VALUES = [
    '"\\ud800"', '"\\udfff\\ud800"', '"\\x41"', '"\\U0041"', '"\\u012"', "'a'", '"\t"', "1e400", "-1e999",
    "9007199254740993", "12345678901234567890", "NaN", "Infinity", "-Infinity", "01", "1.", ".5", "+1", "0x10", "-",
    "True", "None", '"\xed\xa0\x80"',
]  # fmt: skip
# Member names: equal ones (escaped or not) make a key twice; ones equal only in another case, or once composed,
# are two keys (Go's encoding/json matches a struct field in any case: the award models refuse such extra members).
KEYS = [
    '"a"', '"\\u0061"', '"A"', '"a\\u0000"', '""', '"__proto__"', '"constructor"', '"\\"a"', '"a\\/"', '"a/"',
    '"validUntil"', '"valid\\u0055ntil"', '"validuntil"', '"\\u00e9"', '"é"', '"e\u0301"',
]  # fmt: skip
BAD_KEYS = ['"\\ud800"', "a", "'a'", "1"]
# Around a value or a member: JSON's own space, and what is not (NUL, a byte-order mark, U+2028, a comment).
SPACE = ["", "", "", " ", "\n", "\t", "\r", "\r\n"]
BAD_SPACE = ["\u00a0", "\u2028", "\x0b", "\x0c", "\ufeff", "\x00", "/**/", "//\n"]
# After the top value: nothing, space, or something more.
TAILS = ["", "", "\n", " \t\r\n"]
BAD_TAILS = ["\n{}", "1", ",", "\x00", "//", "\ufeff"]


def _pick(rng: random.Random, good: list[str], bad: list[str]) -> str:
    return rng.choice(bad if rng.random() < 0.03 else good)


def _value(rng: random.Random, depth: int) -> str:
    roll = rng.random()
    if depth > 4 or roll < 0.45:
        return _pick(rng, VALUES, BAD_VALUES)
    if roll < 0.8:
        return _object(rng, depth)
    items = [_pick(rng, SPACE, BAD_SPACE) + _value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    return "[" + ",".join(items) + _pick(rng, [""], [","]) + "]"


def _object(rng: random.Random, depth: int) -> str:
    members = [
        _pick(rng, SPACE, BAD_SPACE) + _pick(rng, KEYS, BAD_KEYS) + _pick(rng, ["", " "], BAD_SPACE)
        + _pick(rng, [":"], ["", "="]) + _pick(rng, SPACE, BAD_SPACE) + _value(rng, depth + 1)
        for _ in range(rng.randint(0, 3))
    ]  # fmt: skip
    return "{" + ",".join(members) + _pick(rng, [""], [","]) + "}"


def _texts() -> list[str]:
    rng = random.Random(8785)
    texts = [_pick(rng, SPACE, BAD_SPACE) + _object(rng, 0) + _pick(rng, TAILS, BAD_TAILS) for _ in range(5000)]
    # Nesting at the bound, with brackets inside strings (not nesting) and an unclosed string after them.
    for n in (MAX_JSON_NESTING - 1, MAX_JSON_NESTING, MAX_JSON_NESTING + 1):
        texts += ['{"a":' * n + "1" + "}" * n, '{"a":' + "[" * (n - 1) + "]" * (n - 1) + "}"]
        texts += ['{"a":"' + "[" * 100 + '",' + '"b":' + "[" * (n - 1) + "]" * (n - 1) + "}"]
    texts += ['{"a":"\\' + "[" * 100, '{"a":' + "[" * 100_000]
    return texts


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NodeRunner]:
    runner = NodeRunner(tmp_path_factory.mktemp("one-json-reading"), RUNNER)
    yield runner
    runner.close()


def _credreg(path: Path, raw: bytes) -> dict[str, Any]:
    """What `credreg verify FILE` reads of ``raw`` (cli.py _cmd_verify): an object, or refused."""
    path.write_bytes(raw)
    try:
        data = read_json_bytes(path, "award.json", regular=False)[1].data
    except SourceError as error:
        return {"refused": str(error)}
    if not isinstance(data, dict):
        return {"refused": "a credential is a JSON object"}
    try:
        jcs: str | None = canonicalize(data).decode("utf-8")
    except CredregError:
        jcs = None
    return {"data": data, "jcs": jcs}


def test_credreg_and_the_page_read_every_spelling_alike(node: NodeRunner, tmp_path: Path) -> None:
    path = tmp_path / "award.json"
    apart = []
    refused = 0
    texts = _texts()
    for text in texts:
        raw = text.encode("utf-8", "surrogatepass")  # "\xed\xa0\x80" as its bytes: an encoded surrogate
        python = _credreg(path, raw)
        refused += "refused" in python
        page = node.ask(bytes=base64.b64encode(raw).decode())
        if ("refused" in python) != ("refused" in page):
            apart.append((text[:200], python.get("refused", "read"), page.get("refused", "read")))
        elif "data" in python and (python["data"] != page["data"] or python["jcs"] != page["jcs"]):
            apart.append((text[:200], python, page))
    assert not apart, f"{len(apart)} of {len(texts)} texts read apart, e.g. {apart[:5]}"
    assert 0.2 * len(texts) < refused < 0.9 * len(texts)  # both kinds, many of each: the corpus tests something
