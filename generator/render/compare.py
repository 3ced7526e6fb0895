"""Comparing credentials side by side: what each credential's API document carries for the compare page (its
facts in words, ``display``), and the page itself, filled in the browser from those documents
(``assets/credreg/compare.js``) for the credentials named in its address (``compare/?ids=issuer/slug,…``)."""

from __future__ import annotations

from typing import Any

from generator.recognition import QualityClaim, VerifiedEndorsement
from generator.render import labels
from generator.render.components import award_counts
from generator.render.endorsements import CLAIM_WORDS, endorsement_file_path
from generator.render.facets import skill_label
from generator.render.html import esc, relative
from generator.render.model import Entry, SiteModel

__all__ = ["COMPARE_PATH", "MAX_COMPARED", "compare_body", "compare_display"]

COMPARE_PATH = "compare/"
#: More columns than this do not fit side by side, even on a desktop.
MAX_COMPARED = 4


def _names(model: SiteModel, refs: list[str]) -> list[dict[str, str]]:
    return [
        {"ref": ref, "name": model.entries[ref].definition.name, "page": model.entries[ref].path}
        for ref in refs
        if ref in model.entries
    ]


def compare_display(model: SiteModel, entry: Entry) -> dict[str, Any]:
    """The credential's facts as the registry's pages word them (plain strings; site paths from the root)."""
    d = entry.definition
    c = d.criteria
    pathway: dict[str, list[dict[str, str]]] = {
        "prerequisites": _names(model, entry.prerequisites),
        "components": _names(model, entry.components),
        "counts_towards": _names(model, entry.stacks_into),
        "prerequisite_for": _names(model, entry.required_by),
    }
    subject = model.registry.credential_url(entry.record.id, d.id)
    shown = {e.found.hash: e for e in model.recognition.of(subject) if e.result.authentic}
    return {
        "name": d.name,
        "page": entry.path,
        "issuer": entry.issuer.name,
        "type": labels.achievement_type_label(d.achievement_type.value),
        "status": labels.STATUS[d.status],
        "level": labels.level_label(d),
        "eqf": labels.eqf_explanation(d.level.eqf) if d.level.eqf is not None else None,
        "effort": labels.effort_label(d),
        "cost": labels.cost_label(d.cost),
        "delivery": labels.DELIVERY[d.delivery],
        "languages": [labels.language_name(t) for t in d.languages],
        "assessment": [
            {"method": labels.ASSESSMENT[a.method], "weight": f"{a.weight} %" if a.weight is not None else None}
            for a in c.assessment
        ],
        "practical": labels.practical_share(d),
        "pass_mark": c.pass_mark,
        "skills": [
            {"key": model.skills[key].anchor, "label": skill_label(model.skills[key].label), "name": skill.name}
            for key, skill in zip(entry.skill_groups, d.skills, strict=True)
        ],
        "pathway": {k: v for k, v in pathway.items() if v},
        # Each claim with what stands of it, as the credential page says it: side by side, a claim the body
        # withdrew or never signed must not read like one it confirmed. The status is the registry's, apart from
        # the claim's words (the issuer's), so the page shows it as its own badge: appended to them, "by: Ofqual
        # (Confirmed: signed by the body)" read as the verdict of a claim nobody signed.
        "quality_assurance": [
            _claim(claim, shown)
            for claim in model.recognition.claims(model.registry, entry.record.id, entry.definition.id)
        ],
        "validity": labels.describe_validity(d.validity.period) if d.validity.period else "Does not expire",
        "awards": {label: n for label, n, _ in award_counts(model, entry.ref)},
    }


def _claim(claim: QualityClaim, shown: dict[str, VerifiedEndorsement]) -> dict[str, Any]:
    """A claim as the issuer words it, and what stands of it, apart."""
    data: dict[str, Any] = {
        "claim": f"{labels.QA_KIND[claim.claim.kind]} {claim.claim.by}"
        + (f" since {labels.date_label(claim.claim.since)}" if claim.claim.since else ""),
        "status": claim.status.value,
        "status_label": CLAIM_WORDS[claim.status],
    }
    # What the page weighs the claim with again when it is read (compare.js weigh): the published endorsements that
    # may confirm it, as the credential page lists them; the build's words are those of the day it was built.
    weighed = [{"hash": h, "file": endorsement_file_path(shown[h])} for h in claim.candidates if h in shown]
    if weighed:
        data["endorsements"] = weighed
    return data


def compare_body(model: SiteModel) -> str:
    here = COMPARE_PATH
    catalog = relative(here, "catalog/")
    return (
        f'<article class="cr-compare" data-compare data-max="{MAX_COMPARED}">'
        "<h1>Compare credentials</h1>"
        f'<p class="cr-lead">Up to {MAX_COMPARED} credentials side by side: level, effort, cost, how they are '
        "assessed, the skills they certify (shared skills first) and who vouches for them. "
        f'Choose them with "Add to compare" in the <a href="{esc(catalog)}">catalog</a> or on a credential\'s '
        "page; the address of this page names them, so a comparison can be shared, bookmarked or printed.</p>"
        '<noscript><p class="cr-notice cr-notice--info">The comparison is drawn by JavaScript from the '
        f'registry\'s data. Without it, open each credential from the <a href="{esc(catalog)}">catalog</a>.'
        "</p></noscript>"
        '<p class="cr-compare__status" data-compare-status role="status"></p>'
        "<div data-compare-table></div>"
        "</article>"
    )
