"""The registry's issuers in the Digital Credentials Consortium's issuer-registry format (issue 15).

DCC's verifier and Learner Credential Wallet recognise an issuer by looking its DID up in "known issuer"
registries (https://github.com/digitalcredentials/issuer-registry, ``registry.json``)::

    {"meta": {"created": "...", "updated": "..."},
     "registry": {"did:web:...": {"name": "...", "location": "City, Region, CC", "url": "https://..."}}}

The site publishes this registry's issuers in that form at ``issuers/registry.json`` (see
docs/how-verification-works.md), so that the list can be added to those registries' sources.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from generator._internal.files import write_staged
from generator.registry import Registry

__all__ = ["DCC_REGISTRY_PATH", "dcc_registry", "write_dcc_registry"]

DCC_REGISTRY_PATH = "issuers/registry.json"


def _stamp(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")  # as DCC's registry.json writes them


def dcc_registry(registry: Registry, now: dt.datetime) -> dict[str, Any]:
    entries: dict[str, dict[str, str]] = {}
    # Each DID's owner (Registry.issuers_by_did): a second issuer declaring one (id.duplicate-did, pushed past the
    # check) had overwritten the first's entry, the last in id order, while every verifier reads the DID as the first's.
    for did, record in sorted(registry.issuers_by_did().items(), key=lambda item: item[1].id):
        issuer = record.issuer
        place = issuer.location
        location = ", ".join(p for p in (place.city, place.region, place.country) if p)
        entries[did] = {"name": issuer.name, "location": location, "url": str(issuer.url)}
    return {"meta": {"created": _stamp(now), "updated": _stamp(now)}, "registry": entries}


def write_dcc_registry(registry: Registry, out: Path, now: dt.datetime | None = None) -> Path:
    path = out / DCC_REGISTRY_PATH
    document = dcc_registry(registry, now or dt.datetime.now(dt.UTC))
    write_staged(path, (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    return path
