"""Who defines what (``binding.js`` bindingProblem against :func:`generator.binding.binding_problem`) over
generated achievement ids and issuer ids, one input to both sides.

The hand-picked verdicts of tests/site/test_binding_js.py go through whole verifiers; here the rule itself is asked
about several hundred seeded inputs around its boundaries: the registry's real ids and the ``credentials/`` prefix
with and without trailing slashes, in other cases, percent-escaped, with look-alike letters, empty, not strings;
issuers that are did:key, did:web with ports and paths, the owner's DID spelt otherwise, empty or absent. Once with
the site's signed statements (:class:`PublishedBindings`, the page reading the same files) and once with a site
that publishes none (the registry's data, the page the URL).
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.binding import PublishedBindings, RegistryBindings, binding_problem
from generator.publish.site import _registry_statements
from generator.statements import REGISTRY_KEY_ENV
from tests.conftest import Signer
from tests.site.node_runner import NODE, NodeRunner
from tests.site.test_verify_js import NOW, publish

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")

RUNNER = r"""
import { createInterface } from "node:readline";
import { readFile } from "node:fs/promises";
import { bindingProblem } from "./verify/binding.js";
import { SiteData } from "./verify/sitedata.js";

const sites = new Map();

function site(root) {
  if (!sites.has(root)) {
    const load = async (path, { binary = false } = {}) => {
      try { return binary ? new Uint8Array(await readFile(root + path)) : await readFile(root + path, "utf8"); }
      catch (error) { if (error.code === "ENOENT") return null; throw error; }
    };
    sites.set(root, new SiteData("https://site.test/", load));
  }
  return sites.get(root);
}

// policies.js credentialPolicy's label: the issuer id, or "None" (Python's str of a missing one).
const label = (id) => (id === null ? "None" : id);

async function handle(req) {
  if (req.op === "binding") {
    const issuer = typeof req.issuer === "string" ? req.issuer : null;
    return { value: await bindingProblem(site(req.root), req.prefix, req.id, issuer, label(issuer)) };
  }
  throw new Error(`unknown op ${req.op}`);
}

for await (const line of createInterface({ input: process.stdin })) {
  let reply;
  try { reply = await handle(JSON.parse(line)); }
  catch (error) { reply = { kind: "error", error: String(error && error.stack || error) }; }
  process.stdout.write(JSON.stringify(reply) + "\n");
}
"""

LOOKALIKES = {"a": "а", "c": "с", "e": "е", "o": "о", "p": "р", "x": "х", "i": "і", "s": "ѕ"}  # Cyrillic


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NodeRunner]:
    runner = NodeRunner(tmp_path_factory.mktemp("binding-diff-js"), RUNNER)
    yield runner
    runner.close()


@pytest.fixture
def sites(signer: Signer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.delenv(REGISTRY_KEY_ENV, raising=False)
    signer.award("acme-academy/sql-basics", "ada@example.org", at=dt.datetime(2025, 3, 1, tzinfo=dt.UTC))
    registry = signer.registry
    bare = publish(registry, tmp_path / "bare")
    signed = tmp_path / "signed"
    shutil.copytree(bare, signed)
    assert _registry_statements(registry, signed, NOW, demo=True).demo
    return {"registry": registry, "bare": bare, "signed": signed}


def _spoilt(rng: random.Random, text: str) -> str:
    """``text`` changed one way a forger (or a careless copy) might."""
    if not text:
        return rng.choice(["", "/", " ", "%2F"])
    i = rng.randrange(len(text))
    how = rng.randrange(10)
    if how == 0:
        return text.rstrip("/") if text.endswith("/") else text + "/"
    if how == 1:
        return text.upper() if rng.random() < 0.5 else text[:i] + text[i:].swapcase()
    if how == 2:  # one character percent-escaped
        return text[:i] + "".join(f"%{b:02X}" for b in text[i].encode()) + text[i + 1 :]
    if how == 3:
        return "".join(LOOKALIKES.get(c, c) if rng.random() < 0.3 else c for c in text)
    if how == 4:
        return text[:i]
    if how == 5:
        return text + rng.choice(["/", "//", "/x/", "?x", "#x", "%2F", " ", "\u200b", "\ud800", "é", "e\u0301"])
    if how == 6:
        return text.replace("https://", rng.choice(["http://", "HTTPS://", "https:///", ""]), 1)
    if how == 7:
        return text.replace("/", "//", 1) if "/" in text else text + "//"
    if how == 8:
        return text[:i] + rng.choice(["/", "%", "..", "./", "\\"]) + text[i:]
    return text


def _ids(rng: random.Random, known: list[str], prefix: str, n: int) -> Iterator[Any]:
    yield from [None, 5, ["x"], {"id": known[0]}, "", prefix, prefix + "/", prefix + "acme-academy", prefix[:-1]]
    yield from known
    bases = [*known, prefix, prefix + "acme-academy/", prefix + "other-issuer/x/", "https://elsewhere.example/a/"]
    for _ in range(n):
        text = rng.choice(bases)
        for _ in range(rng.randrange(1, 3)):
            text = _spoilt(rng, text)
        yield text


def _issuers(rng: random.Random, owners: list[str]) -> list[Any]:
    web = ["did:web:site.test", "did:web:site.test%3A8443", "did:web:site.test:issuers:acme-academy"]
    spelt = [_spoilt(rng, owner) for owner in owners for _ in range(3)]
    return [None, "", "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", *web, *owners, *spelt]


def _agree(node: NodeRunner, source: Any, root: Path, prefix: str, achievement_id: Any, issuer: Any) -> None:
    python = binding_problem(source, prefix, achievement_id, issuer)
    reply = node.ask(op="binding", root=f"{root}/", prefix=prefix, id=achievement_id, issuer=issuer)
    assert reply["value"] == python, (achievement_id, issuer)


def test_both_bind_generated_ids_alike_with_signed_statements(node: NodeRunner, sites: dict[str, Any]) -> None:
    registry = sites["registry"]
    source = PublishedBindings(sites["signed"], registry)
    prefix = registry.url("credentials/")
    known = sorted(source.paths)
    owners = sorted({registry.issuer_did(i) for i in registry.issuers})
    rng = random.Random(4242)
    issuers = _issuers(rng, owners)
    for achievement_id in _ids(rng, known, prefix, 300):
        for issuer in rng.sample(issuers, 3):
            _agree(node, source, sites["signed"], prefix, achievement_id, issuer)
    for achievement_id in known:  # every real id with every issuer
        for issuer in issuers:
            _agree(node, source, sites["signed"], prefix, achievement_id, issuer)


def test_both_bind_generated_ids_alike_without_statements(node: NodeRunner, sites: dict[str, Any]) -> None:
    """A site that publishes no statements: Python reads the registry, the page the URL. The page asks only about
    an issuer not registered here (a registered one is checked against its records), so only those are asked."""
    registry = sites["registry"]
    source = RegistryBindings(registry)
    prefix = registry.url("credentials/")
    known = [registry.credential_url(record.id, c.model.id) for record, c in registry.credentials()]
    owners = sorted({registry.issuer_did(i) for i in registry.issuers})
    rng = random.Random(2424)
    issuers = [i for i in _issuers(rng, owners) if not isinstance(i, str) or registry.issuer_for_did(i) is None]
    for achievement_id in _ids(rng, known, prefix, 300):
        for issuer in rng.sample(issuers, 3):
            _agree(node, source, sites["bare"], prefix, achievement_id, issuer)


@pytest.mark.parametrize("slug", ["sql-basics/", "nope/"])
def test_an_empty_issuer_id_is_no_owner(node: NodeRunner, sites: dict[str, Any], slug: str) -> None:
    """An issuer id "" naming the registry's achievement: the page matched it to the owner it reads from the URL
    (whose DID it does not know, "") and let it pass, as Python did for an id under credentials/ that is no
    credential; both refuse it now."""
    registry = sites["registry"]
    prefix = registry.url("credentials/")
    achievement_id = f"{prefix}acme-academy/{slug}"
    python = binding_problem(RegistryBindings(registry), prefix, achievement_id, "")
    assert (
        python
        == "the achievement is acme-academy's credential in this registry, but an issuer with no id issued this: "
        "only its owner awards it"
    )
    _agree(node, RegistryBindings(registry), sites["bare"], prefix, achievement_id, "")
