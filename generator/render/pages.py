"""Every generated page and data file of the site, from one :class:`SiteModel`."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from typing import Any

from generator.models.endorsement import ENDORSEMENT_CONTEXT_URL
from generator.openbadges import OB3_CONTEXT_URL, VC2_CONTEXT_URL, achievement
from generator.render.api import api_files
from generator.render.catalog import catalog_bodies
from generator.render.compare import COMPARE_PATH, compare_body
from generator.render.credential import credential_body
from generator.render.ctdl import ctdl_credential
from generator.render.endorsements import (
    ENDORSEMENT_SCRIPT,
    achievement_endorsements,
    endorser_body,
    endorsers_index_body,
)
from generator.render.feed import atom_feed
from generator.render.home import home_body
from generator.render.issuer import issuer_body, issuers_index_body
from generator.render.model import Entry, SiteModel, endorser_path, issuer_path
from generator.render.page import PageSpec
from generator.render.skills import skills_body

__all__ = [
    "CATALOG_SCRIPT",
    "COMPARE_SCRIPT",
    "LANGUAGE_SCRIPT",
    "PICKER_SCRIPT",
    "VERIFY_SCRIPT",
    "data_files",
    "site_achievement",
    "site_pages",
]

CATALOG_SCRIPT = "assets/credreg/catalog.js"
COMPARE_SCRIPT = "assets/credreg/compare.js"
PICKER_SCRIPT = "assets/credreg/picker.js"
LANGUAGE_SCRIPT = "assets/credreg/language.js"
VERIFY_SCRIPT = "assets/verify/verify.js"


def _image(model: SiteModel, issuer_id: str, value: str | None) -> str | None:
    """The link-preview image: the issuer's published file. Not an https URL: the pages never show one (see
    :func:`generator.render.credential.asset_src`), and a preview would show a picture nobody reviewed."""
    if not value or value.startswith("https://"):
        return None
    return model.registry.url(f"issuers/{issuer_id}/{value}")


def site_pages(model: SiteModel, verify_fragment: Callable[[], str]) -> list[PageSpec]:
    """All generated pages. ``verify_fragment`` returns the verification page's content (a trusted file)."""
    registry = model.registry
    governance = registry.governance.model
    summary = (
        f"{len(model.entries):,} micro-credentials from {len(registry.issuers):,} issuers: what they certify, "
        "how they are assessed, and who vouches for them."
    )
    pages = [
        PageSpec("", governance.name, summary, partial(home_body, model)),
        PageSpec(
            "skills/",
            "Skills",
            "Who certifies which skill, at what level, and how it is assessed.",
            partial(skills_body, model),
        ),
        PageSpec(
            "issuers/",
            "Issuers",
            "Organisations that define and award credentials in this registry.",
            partial(issuers_index_body, model),
        ),
        PageSpec(
            "verify/",
            "Verify a badge",
            "Check a badge's signature, issuer key, revocation and expiry, in your browser.",
            verify_fragment,
            scripts=(VERIFY_SCRIPT,),
            heading=False,
        ),
    ]
    pages.append(
        PageSpec(
            COMPARE_PATH,
            "Compare credentials",
            "Credentials side by side: level, effort, cost, assessment, skills and quality assurance.",
            partial(compare_body, model),
            scripts=(COMPARE_SCRIPT,),
        )
    )
    for path, body in catalog_bodies(model):
        title = "Catalog" if path == "catalog/" else f"Catalog, page {path.rstrip('/').rsplit('/', 1)[-1]}"
        pages.append(PageSpec(path, title, summary, partial(str, body), scripts=(CATALOG_SCRIPT,)))
    for record in registry.issuers.values():
        issuer = record.issuer
        pages.append(
            PageSpec(
                issuer_path(record.id),
                issuer.name,
                f"{issuer.name}: credentials, signing keys and revoked awards.",
                partial(issuer_body, model, record),
                image=_image(model, record.id, issuer.logo),
                og_type="profile",
                scripts=(ENDORSEMENT_SCRIPT,),
            )
        )
    if registry.endorsers:
        pages.append(
            PageSpec(
                "endorsers/",
                "Endorsers",
                "Sector councils, quality-assurance agencies and employer networks that sign what they stand behind.",
                partial(endorsers_index_body, model),
            )
        )
    for endorser_id, endorser in registry.endorsers.items():
        pages.append(
            PageSpec(
                endorser_path(endorser_id),
                endorser.endorser.name,
                f"{endorser.endorser.name}: the credentials and issuers it endorses, with signed endorsements.",
                partial(endorser_body, model, endorser_id),
                og_type="profile",
                scripts=(ENDORSEMENT_SCRIPT,),
            )
        )
    for entry in model.entries.values():
        d = entry.definition
        pages.append(
            PageSpec(
                entry.path,
                d.name,
                d.summary,
                partial(credential_body, model, entry),
                image=_image(model, entry.record.id, d.image),
                og_type="article",
                scripts=(PICKER_SCRIPT, ENDORSEMENT_SCRIPT, LANGUAGE_SCRIPT)
                if d.translations
                else (PICKER_SCRIPT, ENDORSEMENT_SCRIPT),
            )
        )
    return pages


#: JSON-LD terms for a credential's translations in the site's Achievement export: the properties of ``name``,
#: ``description`` and the criteria's ``narrative``, as language maps (the OB 3.0 context defines those terms
#: for single strings, and an award's Achievement stays as OB 3.0 defines it).
TRANSLATION_TERMS = {
    "nameMap": {"@id": "https://schema.org/name", "@container": "@language"},
    "descriptionMap": {"@id": "https://schema.org/description", "@container": "@language"},
    "narrativeMap": {"@id": "https://purl.imsglobal.org/spec/vc/ob/vocab.html#narrative", "@container": "@language"},
}


def site_achievement(model: SiteModel, entry: Entry) -> dict[str, Any]:
    """The credential's OB 3.0 Achievement as the site publishes it: with its translations as language maps
    next to the texts of its first language."""
    d = entry.definition
    doc: dict[str, Any] = {
        "@context": [VC2_CONTEXT_URL, OB3_CONTEXT_URL],
        **achievement(model.registry, entry.issuer, d),
    }
    endorsements = achievement_endorsements(model, entry)
    if endorsements:
        # OB 3.0's Achievement.endorsement: the signed EndorsementCredentials, whole (their proofs still verify).
        doc["@context"].append(ENDORSEMENT_CONTEXT_URL)
        doc["endorsement"] = endorsements
    if not d.translations:
        return doc
    own = d.languages[0]

    def language_map(text: str, field: str) -> dict[str, str] | None:
        other = {t: getattr(x, field).strip() for t, x in d.translations.items() if getattr(x, field)}
        return {own: text, **other} if other else None

    doc["@context"].append(TRANSLATION_TERMS)
    for key, value in (
        ("nameMap", language_map(d.name, "name")),
        ("descriptionMap", language_map(d.description.strip(), "description")),
    ):
        if value:
            doc[key] = value
    narrative = language_map(d.criteria.narrative.strip(), "criteria")
    if narrative:
        doc["criteria"] = {**doc["criteria"], "narrativeMap": narrative}
    return doc


def data_files(model: SiteModel) -> dict[str, Any]:
    """Site path → JSON document or text: achievements, CTDL, API, feed."""
    files: dict[str, Any] = api_files(model)
    for entry in model.entries.values():
        files[f"{entry.path}achievement.json"] = site_achievement(model, entry)
        files[f"{entry.path}ctdl.json"] = ctdl_credential(model, entry)
    files["feed.xml"] = atom_feed(model)
    return files


def encode(document: Any) -> bytes:
    """How data files are written: text as is, JSON compact (listings reach megabytes at scale)."""
    if isinstance(document, str):
        return document.encode("utf-8")
    return (json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
