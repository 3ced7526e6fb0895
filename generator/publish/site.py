"""Everything the site publishes besides its HTML pages, written into the output folder, and the pages to lay
out. One call per build: the registry is read once, and pages render from the resulting model.

Under the site root: ``verify/`` data and ``issuers/<id>/keys.json`` (:mod:`generator.publish.verifydata`),
``issuers/<id>/did.json`` for issuers whose DID the site serves, each issuer's signed status lists copied byte
for byte, issuer images (made again from what was checked: SVGs rebuilt, rasters encoded from their pixels), the
data files of :func:`generator.render.pages.data_files`, and the catalog's search index under ``pagefind/`` (built
in the background while the pages are written). The verification data, the largest part, is written by a forked
process meanwhile too (the pages need only its counts, which come from the index of the check that accepted the
registry).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator import layout
from generator._internal.files import read_inside, regular_files, write_json_staged, write_staged
from generator._internal.images import MAX_IMAGE_BYTES, published_image
from generator._internal.jobs import Background
from generator._internal.signals import held_off
from generator.check import accepted_check
from generator.errors import Location, Problem, ProblemsFound
from generator.publish.did import did_document, serves_did
from generator.publish.search import SearchIndexer
from generator.publish.verifydata import award_stats, write_verification_data
from generator.registry import Registry
from generator.render.model import SiteModel
from generator.render.page import PageSpec
from generator.render.pages import data_files, encode, site_pages
from generator.render.search import search_records
from generator.statements import Statements
from generator.statuslist import list_file_number
from generator.verify.registry_check import AwardIndex

__all__ = ["PreparedSite", "load_for_build", "prepare_site"]


@dataclass(frozen=True, slots=True)
class PreparedSite:
    model: SiteModel
    pages: list[PageSpec]
    search: SearchIndexer
    """Running: call :meth:`finish` once the pages are written."""

    data: Background[None]
    """The verification data, being written."""

    def finish(self) -> None:
        """Wait for the search index and the verification data; raise if either failed."""
        try:
            self.data.result()
        finally:
            self.search.finish()


def load_for_build(root: Path) -> tuple[Registry, AwardIndex]:
    """The registry, when ``credreg check`` accepts it (the same full check, awards verified, cache allowed),
    and the check's index of its awards; raises :class:`~generator.errors.ProblemsFound` with every error
    otherwise, before anything is written."""
    return accepted_check(root, refusal="the registry has problems that `credreg check` refuses; nothing was built")


def _issuer_files(registry: Registry, out: Path) -> None:
    """Status lists and images, read without following links (the check refused any; this holds even if one
    appeared since), each image published only if it still passes the check's image rule."""
    root = registry.root
    for issuer_id, record in registry.issuers.items():
        target = out / "issuers" / issuer_id
        base = f"{layout.ISSUERS_DIR}/{issuer_id}"
        for _, name in regular_files(str(root / base / "status")):
            if list_file_number(name) is not None:  # a list the check verified: copied byte for byte
                write_staged(target / "status" / name, read_inside(root, f"{base}/status/{name}"))
        if serves_did(registry, issuer_id):
            write_json_staged(target / "did.json", did_document(registry, issuer_id))
        assets = (value for _, _, value in record.assets())  # the ones the check looked for
        for value in dict.fromkeys(a for a in assets if a and not a.startswith("https://")):
            rel = layout.issuer_asset(issuer_id, value)
            if rel is None:  # not reached: the check refuses such a value by the same rule
                where = f"{base}/{value}"
                raise ProblemsFound(
                    [Problem(Location(where), "not a file the registry may hold", code="ref.missing-file")]
                )
            # Published made from what was checked: an SVG rebuilt from the allow-list, a raster from its pixels.
            problem, published = published_image(value, read_inside(root, rel, limit=MAX_IMAGE_BYTES))
            if problem is not None:
                raise ProblemsFound([Problem(Location(rel), problem, code="asset.image")])
            write_staged(target / value, published)


def _endorsement_files(registry: Registry, out: Path) -> None:
    """Endorsers' did.json, keys.json and signed status lists, every endorsement file byte for byte (under its
    endorser's folder, or its issuer's), and the registry's JSON-LD context for the endorsement terms."""
    from importlib import resources

    from generator.awards import read_revocations
    from generator.endorsements import iter_endorsements
    from generator.publish.verifydata import keys_document

    root = registry.root
    for endorser_id in registry.endorsers:
        target = out / "endorsers" / endorser_id
        base = f"{layout.ENDORSERS_DIR}/{endorser_id}"
        for _, name in regular_files(str(root / base / "status")):
            if list_file_number(name) is not None:
                write_staged(target / "status" / name, read_inside(root, f"{base}/status/{name}"))
        if serves_did(registry, endorser_id):
            write_json_staged(target / "did.json", did_document(registry, endorser_id))
        write_json_staged(target / "keys.json", keys_document(registry, endorser_id))
    logs: dict[str, dict[str, dict[str, Any]]] = {}
    for found in iter_endorsements(root):
        rel = layout.relpath(root, found.path)
        folder = "endorsers" if rel.startswith(f"{layout.ENDORSERS_DIR}/") else "issuers"
        target = out / folder / found.owner / "endorsements"
        write_staged(target / f"{found.hash}.json", read_inside(root, rel))
        if folder == "issuers" and found.owner in registry.issuers:
            # An issuer revokes its endorsement by a signed line of its log: published beside the file, as an
            # award's is in its shard entry, for the page to say why (endorsements.js).
            if found.owner not in logs:
                log = layout.revocations_path(root, found.owner)
                logs[found.owner] = {str(e.get("award")): e for _, e in read_revocations(log)}
            line = logs[found.owner].get(found.hash)
            if line is not None:
                write_json_staged(target / f"{found.hash}.revocation.json", line)
    context = resources.files("generator.crypto").joinpath("contexts", "credreg-endorsement-v1.jsonld")
    write_staged(out / "contexts" / "endorsement-v1.jsonld", context.read_bytes())


def _registry_statements(registry: Registry, out: Path, now: dt.datetime, *, demo: bool) -> Statements:
    """The registry's DID document (when it declares a registry_key) and, with the key at hand (or a throwaway
    one, for a ``demo`` build of a registry that declares none), its signed statements of who defines each
    credential and their index (:mod:`generator.statements`)."""
    from generator.statements import INDEX_PATH, registry_did_document, registry_did_path, signed_statements

    statements = signed_statements(registry, now, demo=demo)
    if registry.governance.model.registry_key is None and not statements.demo:
        return statements
    document = registry_did_document(registry, statements.public_key)
    write_json_staged(out / registry_did_path(registry.site_url), document)
    for path, statement in statements.documents.items():
        write_json_staged(out / path, statement)
    if statements.documents:
        write_json_staged(out / INDEX_PATH, statements.index(registry))
    return statements


def prepare_site(
    registry: Registry,
    out: Path,
    verify_fragment: Callable[[], str],
    *,
    now: dt.datetime | None = None,
    demo_statements: bool = False,
    data_out: Path | None = None,
    log_records: Mapping[str, Mapping[str, Any]] | None = None,
    checked: AwardIndex | None = None,
    started: list[Background[None] | SearchIndexer] | None = None,
) -> PreparedSite:
    """Write every data file into ``out`` (the bulk of the verification data into ``data_out`` when the registry
    publishes it elsewhere) and return the model and the pages to lay out (``demo_statements``: sign the "who
    defines what" statements with a throwaway key when the registry declares none; ``log_records``: the awards'
    public-log records, for their verification shard entries; ``checked``: the index of the check that accepted
    the registry, which the page counts come from). ``started``: each writer that runs on in the background (the
    verification data's, the search indexer) is added to it as it starts, for the caller to cancel when interrupted
    before this returns (mkdocs tells plugins of an Exception only, not of Ctrl-C or SIGTERM)."""
    now = now or dt.datetime.now(dt.UTC)
    started = [] if started is None else started
    with held_off():  # known to the caller as soon as it runs, an interruption's included
        data = Background(_write_verification_data, registry, out, now=now, data_out=data_out, log_records=log_records)
        started.append(data)
    search = SearchIndexer(out)
    started.append(search)
    try:
        stats, revocations = award_stats(registry, now=now, checked=checked)
        model = SiteModel.build(registry, stats, revocations, now)
        # The search index first (it needs only the model): Pagefind then runs while everything else is written,
        # instead of keeping the build waiting at its end.
        search.start(search_records(model))
        _issuer_files(registry, out)
        _endorsement_files(registry, out)
        model.statements = _registry_statements(registry, out, now, demo=demo_statements)
        for path, document in data_files(model).items():
            write_staged(out / path, encode(document))
        pages = site_pages(model, verify_fragment)
    except BaseException:
        data.cancel()
        search.cancel()
        raise
    return PreparedSite(model, pages, search, data)


def _write_verification_data(registry: Registry, out: Path, **options: Any) -> None:
    write_verification_data(registry, out, **options)  # its counts stay in the forked process: the build has its own
