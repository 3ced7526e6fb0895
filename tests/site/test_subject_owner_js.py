"""Whose an endorsement's subject is: the page's ``SiteData.subjectOwner`` (sitedata.js) against
:func:`generator.endorsements._subject_owner`, over generated ids.

The "subject" and "independent" checks of an endorsement (an issuer may not endorse its own credential or itself)
rest on this lookup; the endorsement tests compare it on the corpus's few real subjects. Here several hundred seeded
ids around the registry's real ones: its credential pages and issuer DIDs with and without trailing slashes, in
capitals, percent-escaped, with look-alike letters, with a slug or segment more or less, did:web with a port or a
path, an endorser's DID (which owns nothing), empty.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import pytest

from generator.endorsements import _subject_owner
from tests.site.node_runner import NODE, NodeRunner
from tests.site.test_binding_differential_js import _spoilt
from tests.site.test_endorsements_js import DC, OB, Corpus

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")

RUNNER = r"""
import { createInterface } from "node:readline";
import { readFile } from "node:fs/promises";
import { SiteData } from "./verify/sitedata.js";

const root = process.argv[2];
const load = async (path, { binary = false } = {}) => {
  try { return binary ? new Uint8Array(await readFile(root + "/" + path)) : await readFile(root + "/" + path, "utf8"); }
  catch (error) { if (error.code === "ENOENT") return null; throw error; }
};
const site = new SiteData("https://site.test/", load);

for await (const line of createInterface({ input: process.stdin })) {
  let reply;
  try { reply = { owners: await Promise.all(JSON.parse(line).ids.map((id) => site.subjectOwner(id))) }; }
  catch (error) { reply = { kind: "error", error: String((error && error.stack) || error) }; }
  process.stdout.write(JSON.stringify(reply) + "\n");
}
"""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    c = Corpus(tmp_path_factory.mktemp("subject-owner"))
    c.publish()
    return c


@pytest.fixture(scope="module")
def node(corpus: Corpus, tmp_path_factory: pytest.TempPathFactory) -> Iterator[NodeRunner]:
    runner = NodeRunner(tmp_path_factory.mktemp("subject-owner-node"), RUNNER, str(corpus.site))
    yield runner
    runner.close()


def _ids(corpus: Corpus) -> list[Any]:
    registry = corpus.registry
    real = [registry.credential_url(record.id, c.model.id) for record, c in registry.credentials()]
    real += [registry.issuer_did(i) for i in registry.issuers]
    real += [registry.issuer_url(i) for i in registry.issuers]
    real += [registry.endorser_did(e) for e in (DC, OB)]
    prefix = registry.url("credentials/")
    real += [prefix, prefix + "acme-academy/", prefix + "acme-academy/sql-basics/x/", prefix + "nobody/sql-basics/"]
    rng = random.Random(9090)
    generated = []
    for _ in range(600):
        text = rng.choice(real)
        for _ in range(rng.randrange(1, 3)):
            text = _spoilt(rng, text)
        generated.append(text)
    return ["", *real, *generated]


def test_both_find_the_same_owner_of_every_generated_subject(corpus: Corpus, node: NodeRunner) -> None:
    registry = corpus.registry
    ids = _ids(corpus)
    python = [_subject_owner(registry, i) for i in ids]
    page = node.ask(ids=ids)["owners"]
    differ = [(i, p, js) for i, p, js in zip(ids, python, page, strict=True) if p != js]
    assert not differ, f"{len(differ)} of {len(ids)} differ, first: {differ[:5]}"
    owned = sum(p is not None for p in python)
    assert 10 <= owned < len(ids) // 2, owned  # real subjects are found, spelt otherwise mostly not
