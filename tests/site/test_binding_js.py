"""Who defines what on the verification page (``binding.js``) against :mod:`generator.binding`, in Node.

A foreign credential (a did:key issuer) that names one of the registry's Achievement ids is checked by the
Python verifier reading the site's published statements (:class:`generator.binding.PublishedBindings`) and by
the page reading the same site; both must give the same verdict and the same reason: with the demo statements
``make site`` publishes, with a statement altered after the build, with one missing, and with a site that
publishes none (then both fall back to the registry's data: the page from the URL, Python from its records).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.awarding.keys import SigningKey
from generator.awarding.signing import sign_document
from generator.binding import PublishedBindings
from generator.crypto import ed25519
from generator.crypto.multibase import did_key_from_public
from generator.publish.site import _registry_statements
from generator.statements import REGISTRY_KEY_ENV
from generator.verify import Verifier
from tests.conftest import EPOCH, Signer
from tests.site.test_verify_js import NODE, NOW, Node, assert_agrees, publish

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    runner = Node(tmp_path_factory.mktemp("binding-js"))
    yield runner
    runner.close()


def _foreign(award: dict[str, Any], achievement_id: str | None = None) -> dict[str, Any]:
    seed = ed25519.generate_seed()
    did = did_key_from_public(ed25519.public_from_seed(seed))
    unsigned = {k: v for k, v in award.items() if k not in ("proof", "credentialStatus")}
    unsigned["issuer"] = {"id": did, "type": ["Profile"], "name": "Someone else"}
    if achievement_id is not None:
        subject = dict(unsigned["credentialSubject"])
        subject["achievement"] = {**subject["achievement"], "id": achievement_id}
        unsigned["credentialSubject"] = subject
    return sign_document(unsigned, SigningKey("x", "x", seed), f"{did}#{did.removeprefix('did:key:')}", EPOCH)


@pytest.fixture
def setting(signer: Signer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.delenv(REGISTRY_KEY_ENV, raising=False)
    award = signer.award("acme-academy/sql-basics", "ada@example.org", at=dt.datetime(2025, 3, 1, tzinfo=dt.UTC))
    registry = signer.registry
    bare = publish(registry, tmp_path / "bare")  # a site without statements
    site = tmp_path / "site"
    shutil.copytree(bare, site)
    assert _registry_statements(registry, site, NOW, demo=True).demo
    return {"registry": registry, "award": award.award, "bare": bare, "site": site, "tmp": tmp_path}


def _agree(node: Node, setting: dict[str, Any], site: Path, doc: dict[str, Any], *, published: bool) -> str:
    """Both verdicts on ``doc`` (Python reading the statements of ``site`` when ``published``); the reason."""
    registry = setting["registry"]
    bindings = PublishedBindings(site, registry) if published else None
    python = Verifier(registry, bindings=bindings).verify(doc, now=NOW)
    reply = node.ask(op="verify", root=f"{site}/", now=NOW.isoformat(), text=json.dumps(doc))
    assert_agrees(python, reply, "binding")
    check = python.check("credential")
    assert check is not None
    assert reply["checks"]["credential"] == [str(check.status), check.reason]
    return check.reason


def test_a_reused_id_is_refused_by_the_published_demo_statement(node: Node, setting: dict[str, Any]) -> None:
    reason = _agree(node, setting, setting["site"], _foreign(setting["award"]), published=True)
    assert reason.startswith("the achievement is acme-academy's credential in this registry (the registry's statement")
    assert "DEMO key that proves nothing" in reason


def test_without_statements_both_read_the_registry(node: Node, setting: dict[str, Any]) -> None:
    reason = _agree(node, setting, setting["bare"], _foreign(setting["award"]), published=False)
    assert reason.startswith("the achievement is acme-academy's credential in this registry, but did:key:")
    # An id under credentials/ that is no credential: still the named issuer's page.
    prefix = setting["registry"].url("credentials/")
    reason = _agree(
        node, setting, setting["bare"], _foreign(setting["award"], f"{prefix}acme-academy/nope/"), published=False
    )
    assert "acme-academy's credential" in reason


def test_a_statement_changed_or_missing_after_the_build(node: Node, setting: dict[str, Any]) -> None:
    index = json.loads((setting["site"] / "statements/index.json").read_text())
    doc = _foreign(setting["award"])
    path = index["statements"][doc["credentialSubject"]["achievement"]["id"]]
    changed = setting["tmp"] / "changed"
    shutil.copytree(setting["site"], changed)
    statement = json.loads((changed / path).read_text())
    statement["credentialSubject"]["achievementCreator"] = doc["issuer"]["id"]  # handed to the foreign issuer
    (changed / path).write_text(json.dumps(statement))
    reason = _agree(node, setting, changed, doc, published=True)
    assert reason.startswith(f"the registry's statement about this achievement does not verify: {path}: eddsa-")
    missing = setting["tmp"] / "missing"
    shutil.copytree(setting["site"], missing)
    (missing / path).unlink()
    reason = _agree(node, setting, missing, doc, published=True)
    assert reason == f"the registry's statement about this achievement does not verify: {path}: not a JSON object"


def test_a_credential_of_its_own_is_not_concerned(node: Node, setting: dict[str, Any]) -> None:
    own = _foreign(setting["award"], "https://elsewhere.example/achievements/1")
    reason = _agree(node, setting, setting["site"], own, published=True)
    assert reason == "the issuer is not registered here"
