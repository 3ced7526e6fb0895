"""Every limit, allowance and sentence the page writes out again by hand, against the Python constant it copies.

The page cannot import the Python modules, so a few constants are written twice: a clock-skew allowance, a size
bound, a status list's limits, a sentence a verdict shows. Each is one rule (CONTRIBUTING: one rule, one place);
this test is what keeps the two spellings one, so changing either side alone fails here rather than leaving the
page and `credreg verify` to give two verdicts (e.g. a witness or status list 299 s ahead accepted by one only).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from generator import binding, openbadges, report, statuslist
from generator._internal import source, text, times
from generator.baking import OB3_NAMESPACE
from generator.crypto import compactform, dataintegrity, rdfc
from generator.models import award
from generator.models.award import AWARD_CONTEXT
from generator.publish import verifydata
from generator.render.endorsements import _CLAIM_CSS, CLAIM_WORDS
from generator.tlog import note
from generator.transparency import inclusion, log
from generator.verify import policies
from tests.site.node_runner import NODE, NodeRunner

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")

#: module → the exported names read from it.
NAMES = {
    "statuslist": ["MIN_BITS", "MAX_BITS", "MAX_LIST_NUMBER", "NOT_BASE64URL", "NOT_DEFLATE"],
    "policies": [
        "LIST_CLOCK_SKEW_MS",
        "MAX_TIME_CHARS",
        "MAX_OBJECTS",
        "MAX_VALUES",
        "MAX_PROOFS",
        "NO_RECIPIENT_KEY",
        "NOT_SHA256",
        "NOT_UTF8_KEY",
        "ROUNDS",
        "NESTED",
        "VC2_CONTEXT_URL",
        "OB3_CONTEXT_URL",
    ],
    "tlog": [
        "CLOCK_SKEW_SECONDS",
        "MAX_NOTE_BYTES",
        "MAX_SIGNATURES",
        "MAX_TREE_SIZE",
        "IMAGE_NOT_FILE",
        "LAST_SECOND",
    ],
    "dataintegrity": ["PROOF_TYPE", "PROOF_PURPOSE", "JCS_SUITE", "RDFC_SUITE"],
    "rdfc": ["MAX_BLANK_NODES", "MAX_REPORTED"],
    "text": ["MAX_MARKS"],
    "verifier": ["MAX_JSON_NESTING"],
    "baking": ["OB3_NAMESPACE"],
    "endorsements": ["CLAIM_WORDS", "CLAIM_CSS"],
    "sitedata": ["MAX_READ", "READ_SECONDS", "LAST_SECOND"],
    "binding": ["NO_ISSUER_ID"],
    "results": ["NOT_DEFINED_HERE"],
}

RUNNER = r"""
const names = JSON.parse(process.argv[2]);
const out = {};
for (const [module, exported] of Object.entries(names)) {
  const m = await import(`./verify/${module}.js`);
  for (const name of exported) {
    const value = m[name];
    const json = typeof value === "bigint" ? Number(value) : value;  // exact: below 2**53
    out[`${module}.${name}`] = value === undefined ? "<not exported>" : json;
  }
}
process.stdout.write(JSON.stringify(out) + "\n");
for await (const _ of process.stdin) { /* one answer, then wait to be closed */ }
"""


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    runner = NodeRunner(tmp_path_factory.mktemp("shared-constants"), RUNNER, json.dumps(NAMES))
    assert runner.proc.stdout is not None
    constants: dict[str, Any] = json.loads(runner.proc.stdout.readline())
    yield constants
    runner.close()


def python_constants() -> dict[str, Any]:
    return {
        "statuslist.MIN_BITS": statuslist.MIN_BITS,
        "statuslist.MAX_BITS": statuslist.MAX_BITS,
        "statuslist.MAX_LIST_NUMBER": statuslist.MAX_LIST_NUMBER,
        "statuslist.NOT_BASE64URL": statuslist.NOT_BASE64URL,
        "statuslist.NOT_DEFLATE": statuslist.NOT_DEFLATE,
        "policies.LIST_CLOCK_SKEW_MS": int(times.CLOCK_SKEW.total_seconds() * 1000),
        "policies.MAX_TIME_CHARS": times.MAX_TIME_CHARS,
        "policies.MAX_OBJECTS": compactform.MAX_OBJECTS,
        "policies.MAX_VALUES": compactform.MAX_VALUES,
        "policies.MAX_PROOFS": compactform.MAX_PROOFS,
        "policies.NO_RECIPIENT_KEY": policies.NO_RECIPIENT_KEY,
        "policies.NOT_SHA256": policies.NOT_SHA256,
        "policies.NOT_UTF8_KEY": openbadges.NOT_UTF8_KEY,
        "policies.ROUNDS": award._ROUNDS,
        "policies.NESTED": award._NESTED,
        "policies.VC2_CONTEXT_URL": AWARD_CONTEXT[0],
        "policies.OB3_CONTEXT_URL": AWARD_CONTEXT[1],
        "tlog.CLOCK_SKEW_SECONDS": inclusion.CLOCK_SKEW_SECONDS,
        "tlog.MAX_NOTE_BYTES": note.MAX_NOTE_BYTES,
        "tlog.MAX_SIGNATURES": note.MAX_SIGNATURES,
        "tlog.MAX_TREE_SIZE": note.MAX_TREE_SIZE,
        "tlog.IMAGE_NOT_FILE": inclusion.IMAGE_NOT_FILE,
        "tlog.LAST_SECOND": inclusion._LAST_SECOND,
        "dataintegrity.PROOF_TYPE": dataintegrity.PROOF_TYPE,
        "dataintegrity.PROOF_PURPOSE": dataintegrity.PROOF_PURPOSE,
        "dataintegrity.JCS_SUITE": dataintegrity.JCS,
        "dataintegrity.RDFC_SUITE": dataintegrity.RDFC,
        "rdfc.MAX_BLANK_NODES": rdfc.MAX_BLANK_NODES,
        "rdfc.MAX_REPORTED": compactform._MAX_REPORTED,
        "text.MAX_MARKS": text.MAX_MARKS,
        "verifier.MAX_JSON_NESTING": source.MAX_JSON_NESTING,
        "baking.OB3_NAMESPACE": OB3_NAMESPACE,
        "endorsements.CLAIM_WORDS": {status.value: words for status, words in CLAIM_WORDS.items()},
        "endorsements.CLAIM_CSS": {status.value: css for status, css in _CLAIM_CSS.items()},
        "sitedata.READ_SECONDS": int(log.FETCH_TIMEOUT),
        "sitedata.LAST_SECOND": verifydata._LAST_SECOND,
        "binding.NO_ISSUER_ID": binding.NO_ISSUER_ID,
        "results.NOT_DEFINED_HERE": report.NOT_DEFINED_HERE,
    }


def test_every_constant_the_page_writes_again_is_the_pythons(page: dict[str, Any]) -> None:
    python = python_constants()
    # Not a copy: the page reads up to a bound above every file credreg reads (log.py MAX_FILE, a status list).
    assert page.pop("sitedata.MAX_READ") >= max(log.MAX_FILE, statuslist.MAX_LIST_BYTES)
    assert set(python) == set(page)
    assert {name: page[name] for name in python if page[name] != python[name]} == {}
