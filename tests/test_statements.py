"""Who defines what: the registry signs, with its own key, which issuer defines each credential; the statement
verifies here and in Digital Bazaar's stack, and a statement naming another issuer does not."""

from __future__ import annotations

import base64
import copy
import datetime as dt
import json
import os
import shutil
import subprocess
from importlib import resources
from pathlib import Path

import pytest

from generator.awarding.keys import PRIVATE_KEY_FORMAT
from generator.crypto import ed25519
from generator.crypto.multibase import encode_ed25519_public
from generator.errors import UsageError
from generator.load import load_registry
from generator.models.endorsement import ENDORSEMENT_CONTEXT_URL
from generator.registry import Registry
from generator.statements import (
    DEMO_NOTE,
    REGISTRY_KEY_ENV,
    registry_did,
    registry_did_document,
    signed_statements,
    verify_statement,
)
from tests.conftest import make_registry
from tests.interop.test_digital_bazaar import NODE_DIR, documents

NOW = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
SEED = bytes(range(1, 33))


def _setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Registry:
    root = make_registry(tmp_path / "r")
    public = encode_ed25519_public(ed25519.public_from_seed(SEED))
    governance = root / "registry/governance.yaml"
    governance.write_text(governance.read_text() + f"registry_key: {public}\n")
    key = tmp_path / "registry.key"
    key.write_text(
        json.dumps(
            {
                "format": PRIVATE_KEY_FORMAT,
                "issuer": "registry",
                "keyId": "registry-key",
                "publicKeyMultibase": public,
                "seed": base64.urlsafe_b64encode(SEED).decode().rstrip("="),
            }
        )
    )
    os.chmod(key, 0o600)
    monkeypatch.setenv(REGISTRY_KEY_ENV, str(key))
    loaded = load_registry(root)
    assert loaded.registry is not None, loaded.problems
    return loaded.registry


def test_statements_bind_each_credential_to_its_issuer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    registry = _setup(tmp_path, monkeypatch)
    signed = signed_statements(registry, NOW, demo=True)  # a declared key is never replaced by a demo one
    assert not signed.demo
    assert signed.public_key == registry.governance.model.registry_key
    statements = signed.documents
    assert sorted(statements) == [
        f"statements/acme-academy/{c}.json" for c in sorted(registry.issuers["acme-academy"].credentials)
    ]
    statement = statements["statements/acme-academy/sql-basics.json"]
    assert statement["issuer"]["id"] == registry_did(registry.site_url) == "did:web:registry.test.example"
    assert statement["credentialSubject"]["achievementCreator"] == registry.issuer_did("acme-academy")
    assert verify_statement(statement, registry) is None

    forged = copy.deepcopy(statement)
    forged["credentialSubject"]["achievementCreator"] = "did:web:elsewhere.example"
    assert verify_statement(forged, registry) is not None

    if shutil.which("node") is None or not (NODE_DIR / "node_modules").is_dir():
        pytest.skip("node and tests/node/node_modules are installed by `make test`")
    docs = documents(registry)
    docs[ENDORSEMENT_CONTEXT_URL] = json.loads(
        resources.files("generator.crypto").joinpath("contexts", "credreg-endorsement-v1.jsonld").read_text()
    )
    docs[registry_did(registry.site_url)] = registry_did_document(registry)
    for credential, verified in ((statement, True), (forged, False)):
        out = json.loads(
            subprocess.run(
                ["node", str(NODE_DIR / "verify-vc.mjs")],
                input=json.dumps({"credential": credential, "documents": docs}),
                capture_output=True, text=True, check=True,
            ).stdout
        )  # fmt: skip
        assert out["verified"] is verified, out


def test_a_key_that_is_not_the_declared_one_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    registry = _setup(tmp_path, monkeypatch)
    governance = registry.root / "registry/governance.yaml"
    other = encode_ed25519_public(ed25519.public_from_seed(bytes(32)))
    text = governance.read_text()
    governance.write_text(text[: text.index("registry_key:")] + f"registry_key: {other}\n")
    reloaded = load_registry(registry.root).registry
    assert reloaded is not None
    with pytest.raises(UsageError, match="not the registry_key"):
        signed_statements(reloaded, NOW)


def test_a_demo_build_signs_with_a_throwaway_key_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(REGISTRY_KEY_ENV, raising=False)
    root = make_registry(tmp_path / "r")
    registry = load_registry(root).registry
    assert registry is not None
    assert registry.governance.model.registry_key is None
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    assert signed_statements(registry, NOW).documents == {}  # not asked for a demo: nothing is signed
    first, second = signed_statements(registry, NOW, demo=True), signed_statements(registry, NOW, demo=True)
    assert first.demo
    assert first.public_key is not None
    assert first.public_key != second.public_key  # made for one build, never kept
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before  # and never written into the registry
    assert len(first.documents) == sum(1 for _ in registry.credentials())
    statement = first.documents["statements/acme-academy/sql-basics.json"]
    assert statement["name"].startswith("DEMO: ")
    assert DEMO_NOTE in statement["credentialSubject"]["endorsementComment"]
    assert verify_statement(statement, registry, first.public_key) is None
    assert verify_statement(statement, registry, second.public_key) is not None
    index = first.index(registry)
    assert index["demo"] is True
    assert index["note"] == DEMO_NOTE
    assert index["statements"][registry.credential_url("acme-academy", "sql-basics")] == (
        "statements/acme-academy/sql-basics.json"
    )


def test_published_statements_are_read_against_the_declared_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.binding import Binding, PublishedBindings
    from generator.publish.site import _registry_statements

    registry = _setup(tmp_path, monkeypatch)
    site = tmp_path / "site"
    assert not _registry_statements(registry, site, NOW, demo=True).demo
    page = registry.credential_url("acme-academy", "sql-basics")
    bindings = PublishedBindings(site, registry)
    assert bindings.lookup(page) == Binding(
        "acme-academy", registry.issuer_did("acme-academy"), "the registry's signed statement"
    )
    # A site whose statements were signed by some other key (a demo build, say) is not this registry's.
    monkeypatch.delenv(REGISTRY_KEY_ENV)
    demo_registry = load_registry(make_registry(tmp_path / "demo")).registry
    assert demo_registry is not None
    _registry_statements(demo_registry, tmp_path / "demo-site", NOW, demo=True)
    with pytest.raises(ValueError, match=r"not the registry_key governance\.yaml declares"):
        PublishedBindings(tmp_path / "demo-site", registry)


def test_a_malformed_statement_file_is_a_located_reason_never_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The statements were read with a bare json.loads: a deeply nested file raised RecursionError (a traceback
    # out of `credreg verify --statements`), and a duplicate key or NaN was read as if it were JSON.
    from generator.binding import PublishedBindings
    from generator.publish.site import _registry_statements

    registry = _setup(tmp_path, monkeypatch)
    site = tmp_path / "site"
    _registry_statements(registry, site, NOW, demo=True)
    page = registry.credential_url("acme-academy", "sql-basics")
    rel = "statements/acme-academy/sql-basics.json"
    statement = (site / rel).read_text(encoding="utf-8")
    cases = {
        "[" * 30_000 + "]" * 30_000: f"{rel}:1:65: nesting deeper than 64 levels",
        '{"id": "a",\n "id": "b"}': f"{rel}:2:2: duplicate key 'id'",
        statement.replace("{", '{"n": NaN, ', 1): f"{rel}:1:7: invalid JSON: NaN",
    }
    for text, reason in cases.items():
        (site / rel).write_text(text, encoding="utf-8")
        found = PublishedBindings(site, registry).lookup(page)
        assert isinstance(found, str)
        assert found.startswith(reason), found
    # The index too: a located error naming the file, which `credreg verify --statements` reports.
    index = site / "statements/index.json"
    index.write_text("{" + '"a":{' * 10_000 + "}" * 10_001, encoding="utf-8")
    with pytest.raises(ValueError, match=rf"^{index}:1:\d+: nesting deeper than 64 levels"):
        PublishedBindings(site, registry)
