"""Everything the site publishes besides its HTML pages, written into the output folder, and the pages to lay
out. One call per build: the registry is read once, and pages render from the resulting model.

Under the site root: ``verify/`` data and ``issuers/<id>/keys.json`` (:mod:`generator.publish.verifydata`),
``issuers/<id>/did.json`` for issuers whose DID the site serves, each issuer's signed status lists copied byte
for byte, issuer images (SVGs made inert), the data files of :func:`generator.render.pages.data_files`, and
the catalog's search index under ``pagefind/`` (built in the background while the pages are written).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from generator import layout
from generator._internal.files import write_json_atomic, write_staged
from generator._internal.svg import sanitize_svg
from generator.errors import ProblemsFound
from generator.load import load_registry
from generator.publish.did import did_document, serves_did
from generator.publish.search import SearchIndexer
from generator.publish.verifydata import write_verification_data
from generator.registry import Registry
from generator.render.model import SiteModel
from generator.render.page import PageSpec
from generator.render.pages import data_files, encode, site_pages
from generator.render.search import search_records
from generator.validate import validate_registry

__all__ = ["PreparedSite", "load_for_build", "prepare_site"]

_STATUS_LIST = re.compile(r"^[0-9]+\.json$")


@dataclass(frozen=True, slots=True)
class PreparedSite:
    model: SiteModel
    pages: list[PageSpec]
    search: SearchIndexer
    """Running: call ``search.finish()`` once the pages are written."""


def load_for_build(root: Path) -> Registry:
    """Load and validate; refuse (raising every error) when the registry has problems."""
    loaded = load_registry(root)
    problems = loaded.problems
    if loaded.registry is not None:
        validate_registry(loaded.registry, problems)
    if loaded.registry is None or problems.errors:
        raise ProblemsFound(problems.errors, "the registry has problems; the site was not built")
    return loaded.registry


def _issuer_files(registry: Registry, out: Path) -> None:
    for issuer_id, record in registry.issuers.items():
        target = out / "issuers" / issuer_id
        status_dir = layout.issuer_dir(registry.root, issuer_id) / "status"
        if status_dir.is_dir():
            for source in sorted(status_dir.iterdir()):
                if _STATUS_LIST.match(source.name):  # signed: copied byte for byte
                    write_staged(target / "status" / source.name, source.read_bytes())
        if serves_did(registry, issuer_id):
            write_json_atomic(target / "did.json", did_document(registry, issuer_id))
        assets = [record.issuer.logo, *(c.model.image for c in record.credentials.values())]
        for value in dict.fromkeys(a for a in assets if a and not a.startswith("https://")):
            relative = PurePosixPath(value)
            source = layout.issuer_dir(registry.root, issuer_id) / relative
            if ".." in relative.parts or not source.is_file():
                continue  # validation reports it
            data: bytes | None = source.read_bytes()
            if relative.suffix.lower() == ".svg":
                data = sanitize_svg(data) if data is not None else None
            if data is not None:
                write_staged(target / relative, data)


def prepare_site(
    registry: Registry, out: Path, verify_fragment: Callable[[], str], *, now: dt.datetime | None = None
) -> PreparedSite:
    """Write every data file into ``out`` and return the model and the pages to lay out."""
    now = now or dt.datetime.now(dt.UTC)
    stats, revocations = write_verification_data(registry, out, now=now)
    _issuer_files(registry, out)
    model = SiteModel.build(registry, stats, revocations, now)
    for path, document in data_files(model).items():
        write_staged(out / path, encode(document))
    search = SearchIndexer(search_records(model), out)
    return PreparedSite(model, site_pages(model, verify_fragment), search)
