"""The page's copy of the rule on a shard read from the data host (``sitedata.js`` ``checkedShard``,
``digestGroup``) run in Node against :func:`generator.publish.verifydata.checked_shard`: the same answer, in the
same words, for a shard the site lists and the data host serves as published, changes, withholds (404), or one
the site does not list (no award: the data host is not even asked), and for a missing or malformed digest file."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.publish.verifydata import ShardError, checked_shard, digest_group
from tests.site.node_runner import NODE, NodeRunner

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")

RUNNER = r"""
import { createInterface } from "node:readline";
import { checkedShard, digestGroup } from "./verify/sitedata.js";

for await (const line of createInterface({ input: process.stdin })) {
  const req = JSON.parse(line);
  let reply;
  if (req.op === "group") reply = { value: req.names.map(digestGroup) };
  else {
    let asked = false;
    const read = async () => {
      asked = true;
      return req.served === null ? null : Uint8Array.from(Buffer.from(req.served, "base64"));
    };
    try {
      const data = await checkedShard(req.digests, req.name, read);
      reply = { value: { data: data === null ? null : Buffer.from(data).toString("base64"), asked } };
    } catch (error) {
      reply = { value: { refused: error.message, asked } };
    }
  }
  process.stdout.write(JSON.stringify(reply) + "\n");
}
"""

SHARD = b'{"shard":"a3","awards":{}}\n'
GOOD = hashlib.sha256(SHARD).hexdigest()


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NodeRunner]:
    runner = NodeRunner(tmp_path_factory.mktemp("shard-digests-js"), RUNNER)
    yield runner
    runner.close()


def _python(digests: Any, name: str, served: bytes | None) -> dict[str, Any]:
    asked = False

    def read() -> bytes | None:
        nonlocal asked
        asked = True
        return served

    try:
        data = checked_shard(digests, name, read)
    except ShardError as exc:
        return {"refused": str(exc), "asked": asked}
    return {"data": None if data is None else base64.b64encode(data).decode(), "asked": asked}


CASES: dict[str, tuple[Any, str, bytes | None]] = {
    "as published": ({"a3": GOOD}, "a3", SHARD),
    "changed": ({"a3": GOOD}, "a3", SHARD.replace(b"{}", b'{"' + b"0" * 64 + b'":{}}')),
    "withheld": ({"a3": GOOD}, "a3", None),
    "added by the data host": ({"a3": GOOD}, "b0", SHARD),
    "no shard at all": ({"a3": GOOD}, "b0", None),
    "no digest file": (None, "a3", SHARD),
    "a digest file that is a list": ([GOOD], "a3", SHARD),
    "a digest that is not a SHA-256": ({"a3": GOOD.upper()}, "a3", SHARD),
    "an inherited name": ({"a3": GOOD}, "constructor", SHARD),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_page_and_credreg_judge_a_served_shard_alike(node: NodeRunner, case: str) -> None:
    digests, name, served = CASES[case]
    python = _python(digests, name, served)
    js = node.ask(
        op="check", digests=digests, name=name, served=None if served is None else base64.b64encode(served).decode()
    )
    assert js["value"] == python
    expected = {
        "as published": "data",
        "changed": "not the one the site published",
        "withheld": "withheld by the data host",
        "no digest file": "is missing",
        "a digest file that is a list": "malformed",
        "a digest that is not a SHA-256": "malformed",
    }.get(case)
    if expected is None:  # unlisted: no award, and the data host is never asked
        assert python == {"data": None, "asked": False}
    elif expected == "data":
        assert python["data"] == base64.b64encode(SHARD).decode()
    else:
        assert expected in python["refused"], python


def test_the_page_and_credreg_group_shards_alike(node: NodeRunner) -> None:
    names = ["0", "f", "00", "a8", "a80", "fff", "abcd", "1234f", "0123456789ab"]
    assert node.ask(op="group", names=names)["value"] == [digest_group(n) for n in names]


_NAMES = ["a3", "b0", "a30", "", "__proto__", "constructor", "toString", "hasOwnProperty", "valueOf"]
_DIGESTS = st.sampled_from(
    [GOOD, GOOD.upper(), GOOD[:63], GOOD + "0", GOOD + "\n", "\n" + GOOD, "g" * 64, "", "\u0660" * 64]
) | st.sampled_from([None, 0, True, [GOOD], {"a3": GOOD}])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    digests=st.none()
    | st.dictionaries(st.sampled_from(_NAMES), _DIGESTS, max_size=4)
    | st.sampled_from([[], "a3", 1, True, [GOOD]]),
    name=st.sampled_from(_NAMES),
    served=st.sampled_from([None, SHARD, b"", SHARD + b"\n"]),
)
def test_generated_digest_files_are_judged_alike(
    node: NodeRunner, digests: Any, name: str, served: bytes | None
) -> None:
    """Digest files and names a data host or a broken build could make (inherited names, digests of another case,
    length or script, a digest file of another JSON type): the same answer, in the same words, from both."""
    js = node.ask(
        op="check", digests=digests, name=name, served=None if served is None else base64.b64encode(served).decode()
    )
    assert js["value"] == _python(digests, name, served), (digests, name, served)
