"""The registry's issuers in the Digital Credentials Consortium issuer-registry format (issue 15).

The format is that of https://github.com/digitalcredentials/issuer-registry's ``registry.json``: ``meta`` with
``created``/``updated`` (``YYYY-MM-DDTHH:MM:SS+0000``) and ``registry``, a map from issuer DID to ``name``,
``url`` and an optional ``location``. The built site serves it at ``issuers/registry.json``.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema

from generator.awards import iter_awards
from generator.load import load_registry
from generator.publish.build import build_site
from tests.conftest import REPO

DCC_REGISTRY_SCHEMA = {
    "type": "object",
    "required": ["meta", "registry"],
    "additionalProperties": False,
    "properties": {
        "meta": {
            "type": "object",
            "required": ["created", "updated"],
            "additionalProperties": False,
            "properties": {
                "created": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0000$"},
                "updated": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0000$"},
            },
        },
        "registry": {
            "type": "object",
            "minProperties": 1,
            "propertyNames": {"pattern": r"^did:(web|key):\S+$"},
            "additionalProperties": {
                "type": "object",
                "required": ["name", "url"],
                "additionalProperties": False,
                "properties": {
                    "name": {"type": "string", "minLength": 1},
                    "location": {"type": "string"},
                    "url": {"type": "string", "pattern": r"^https://\S+$"},
                },
            },
        },
    },
}


def test_the_site_publishes_every_issuer_in_the_dcc_format(tmp_path: Path) -> None:
    root = REPO  # the example registry: issuers with awards
    registry = load_registry(root).registry
    assert registry is not None
    now = dt.datetime(2026, 6, 1, 12, 30, tzinfo=dt.UTC)
    out = build_site(root, tmp_path / "site", now=now).out
    document = json.loads((out / "issuers" / "registry.json").read_text(encoding="utf-8"))
    jsonschema.validate(document, DCC_REGISTRY_SCHEMA)
    assert document["meta"] == {"created": "2026-06-01T12:30:00+0000", "updated": "2026-06-01T12:30:00+0000"}
    entries = document["registry"]
    assert set(entries) == {registry.issuer_did(i) for i in registry.issuers}
    for issuer_id, record in registry.issuers.items():
        entry = entries[registry.issuer_did(issuer_id)]
        assert entry["name"] == record.issuer.name
        assert entry["url"] == str(record.issuer.url)
        assert record.issuer.location.country in entry["location"]
    # What a DCC verifier looks up: the issuer id of an award.
    issuers = {json.loads(source.text)["issuer"]["id"] for source in iter_awards(root)}
    assert issuers
    assert issuers <= set(entries)


def test_a_did_two_issuers_declare_is_listed_as_its_owners(tmp_path: Path) -> None:
    # Pushed past id.duplicate-did, the listing had written both issuers under the one DID, the last (by id) winning,
    # while every verifier reads the DID as the first's in folder order (Registry.issuers_by_did).
    from generator.publish.dccregistry import dcc_registry
    from tests.conftest import make_registry
    from tests.governance.conftest import _second_issuer

    root = make_registry(tmp_path / "r")
    _second_issuer(root)
    for issuer in ("acme-academy", "beta-labs"):
        path = root / "registry/issuers" / issuer / "issuer.yaml"
        path.write_text(path.read_text(encoding="utf-8") + "did: 'did:web:university.example:people'\n", "utf-8")
    registry = load_registry(root).registry
    assert registry is not None
    entries = dcc_registry(registry, dt.datetime(2026, 6, 1, tzinfo=dt.UTC))["registry"]
    owner = registry.issuers_by_did()["did:web:university.example:people"]
    assert owner.id == "acme-academy"
    assert entries["did:web:university.example:people"]["name"] == owner.issuer.name
