"""``credreg build --demo-log`` (``make site``) on a registry that declares no ``registry_key``: the "who defines
what" statements are published, signed by a throwaway key, and labelled as a demo in their data and on the
credential pages; without the flag nothing is signed."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from generator.load import load_registry
from generator.publish.build import build_site
from generator.statements import DEMO_NOTE, INDEX_PATH, REGISTRY_KEY_ENV, registry_did_path, verify_statement
from tests.conftest import make_registry

NOW = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)


def test_a_demo_build_publishes_labelled_statements(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(REGISTRY_KEY_ENV, raising=False)
    root = make_registry(tmp_path / "r")
    registry = load_registry(root).registry
    assert registry is not None
    plain = build_site(root, tmp_path / "plain", now=NOW).out
    assert not (plain / "statements").exists()
    assert "data-statement" not in (plain / "credentials/acme-academy/sql-basics/index.html").read_text()

    out = build_site(root, tmp_path / "demo", now=NOW, demo_log=True).out
    index = json.loads((out / INDEX_PATH).read_text())
    assert index["demo"] is True
    assert index["note"] == DEMO_NOTE
    did = json.loads((out / registry_did_path(registry.site_url)).read_text())
    assert did["verificationMethod"][0]["publicKeyMultibase"] == index["publicKeyMultibase"]
    credentials = {registry.credential_url(r.id, c.model.id) for r, c in registry.credentials()}
    assert set(index["statements"]) == credentials
    for path in index["statements"].values():
        statement = json.loads((out / path).read_text())
        assert statement["name"].startswith("DEMO: ")
        assert verify_statement(statement, registry, index["publicKeyMultibase"]) is None
    page = (out / "credentials/acme-academy/sql-basics/index.html").read_text()
    assert "data-statement-demo" in page
    assert "proves nothing about who runs this registry" in page
    # The key was made for that build: nothing of it is left in the registry.
    assert not [p for p in root.rglob("*") if "registry-key" in p.name or p.suffix == ".key"]
