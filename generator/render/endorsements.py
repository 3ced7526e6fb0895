"""Recognition on the site: the credential page's section, endorser pages, and the data the browser checks.

Statuses come from :mod:`generator.recognition` (verified at build time); the page only words them. Each
signed endorsement is also published as its file, and the credential page marks it with ``data-endorsement``
so that ``verify/endorsements.js`` checks it again in the reader's browser (the endorsement profile, JCS proof,
the endorser's key, its status list) and says so next to it.
"""

from __future__ import annotations

from typing import Any

from generator._internal.times import parse_time
from generator.publish.did import serves_did
from generator.recognition import ClaimStatus, VerifiedEndorsement
from generator.render import labels
from generator.render.html import esc, external_link, relative
from generator.render.keys import key_table
from generator.render.markdown import render_markdown
from generator.render.model import Entry, SiteModel, credential_path, endorser_path, issuer_path, name_order
from generator.verify.results import Verdict, revoked_because

__all__ = [
    "CLAIM_WORDS",
    "ENDORSEMENT_SCRIPT",
    "KIND_LABEL",
    "achievement_endorsements",
    "endorsement_file_path",
    "endorser_body",
    "endorser_names",
    "endorsers_index_body",
    "issuer_recognition",
    "recognition_section",
]

ENDORSEMENT_SCRIPT = "assets/verify/endorsements.js"

KIND_LABEL = {
    "accredits": "Accredited by",
    "approves-for-regulated-role": "Approved for a regulated role by",
    "counts-towards-qualification": "Counts towards a qualification of",
    "recognises": "Recognised by",
    "endorses": "Endorsed by",
}
#: What stands of an issuer's ``quality_assurance`` claim, wherever the claim is shown: never the claim alone. The
#: credential page's check says them again at view time (endorsements.js CLAIM_WORDS and CLAIM_CSS, the same).
CLAIM_WORDS = {
    ClaimStatus.CONFIRMED: "Confirmed: signed by the body",
    ClaimStatus.REVOKED: "Withdrawn by the body",
    ClaimStatus.CLAIMED: "Claimed by the issuer, not confirmed",
}
_CLAIM_CSS = {
    ClaimStatus.CONFIRMED: "cr-badge cr-badge--active",
    ClaimStatus.REVOKED: "cr-badge cr-badge--revoked",
    ClaimStatus.CLAIMED: "cr-badge cr-badge--deprecated",
}
_VERDICT = {
    Verdict.VALID: "Valid",
    Verdict.EXPIRED: "Expired",
    Verdict.NOT_YET_VALID: "Not yet in force",
}


def endorsement_file_path(item: VerifiedEndorsement) -> str:
    """Where the site publishes the endorsement's file (byte for byte as signed)."""
    folder = "endorsers" if item.found.path.parent.parent.parent.name == "endorsers" else "issuers"
    return f"{folder}/{item.found.owner}/endorsements/{item.found.hash}.json"


def _endorser_href(model: SiteModel, endorser: str, here: str) -> str:
    target = endorser_path(endorser) if endorser in model.registry.endorsers else issuer_path(endorser)
    return relative(here, target)


def endorser_names(model: SiteModel, entry: Entry) -> list[str]:
    """Names of the bodies whose valid signed endorsement the credential (or its issuer) holds."""
    registry = model.registry
    subjects = (registry.credential_url(entry.record.id, entry.definition.id), registry.issuer_did(entry.record.id))
    names = [
        registry.endorser_name(e.endorser)
        for s in subjects
        for e in model.recognition.of(s)
        if e.valid and e.endorser is not None
    ]
    return list(dict.fromkeys(names))


def _endorsement_item(model: SiteModel, item: VerifiedEndorsement, here: str, *, show_subject: bool) -> str:
    doc = item.found.document
    subject = doc.get("credentialSubject", {})
    endorser = item.endorser or item.found.owner
    kind = KIND_LABEL.get(item.kind, item.kind)
    who = f'<a href="{esc(_endorser_href(model, endorser, here))}">{esc(model.registry.endorser_name(endorser))}</a>'
    if show_subject:
        kind = f"{kind.removesuffix(' by').removesuffix(' of')}:"
        who = _subject_link(model, item.subject, here)
    verdict = item.verdict
    # A revoked endorsement says who revoked it and when, in credreg verify's headline, and the endorser's reason
    # beside the badge, quoted as theirs, never in it (as the page's check says it again: endorsements.js
    # verdictWords).
    state = item.result.headline().text if verdict is Verdict.REVOKED else _VERDICT.get(verdict, "Not confirmed")
    status = next((c for c in item.result.checks if c.id == "status"), None)
    because = revoked_because(status.reason) if verdict is Verdict.REVOKED and status is not None else ""
    badge = "cr-badge--active" if verdict is Verdict.VALID else "cr-badge--revoked"
    scope = subject.get("endorsementScope")
    dates = f"In force from {_day(doc.get('validFrom'))}"
    if doc.get("validUntil"):
        dates += f" until {_day(doc.get('validUntil'))}"
    file_href = relative(here, endorsement_file_path(item))
    return (
        f'<li class="cr-endorsement" data-endorsement="{esc(item.found.hash)}" data-file="{esc(file_href)}">'
        f"<p><strong>{esc(kind)}</strong> {who} "
        f'<span class="cr-badge {badge}" data-endorsement-status>{esc(state)}</span></p>'
        f"<blockquote>{esc(str(subject.get('endorsementComment', '')))}</blockquote>"
        + (f'<p class="cr-muted">Scope: {esc(str(scope))}</p>' if scope else "")
        + f'<p class="cr-muted">{esc(dates)} · <a href="{esc(file_href)}">signed file</a> '
        f'<span data-endorsement-check class="cr-muted">{esc(because)}</span></p></li>'
    )


def _day(value: Any) -> str:
    when = parse_time(value)
    return labels.date_label(when) if when is not None else "?"


def _subject_link(model: SiteModel, subject: str, here: str) -> str:
    """A link to what is endorsed: a credential page or an issuer page."""
    registry = model.registry
    for entry in model.entries.values():
        if registry.credential_url(entry.record.id, entry.definition.id) == subject:
            name = f"{entry.definition.name} ({entry.issuer.name})"
            return f'<a href="{esc(relative(here, credential_path(entry.ref)))}">{esc(name)}</a>'
    record = registry.issuer_for_did(subject)
    if record is None:
        return esc(subject)
    return f'<a href="{esc(relative(here, issuer_path(record.id)))}">{esc(record.issuer.name)}</a> (the issuer)'


def recognition_section(model: SiteModel, entry: Entry, here: str) -> str:
    """Claims with their status, then the signed endorsements of the credential and of its issuer. Empty when
    there is nothing to say (the section is then left out)."""
    registry = model.registry
    claims = model.recognition.claims(registry, entry.record.id, entry.definition.id)
    parts = []
    if claims:
        items = []
        for claim in claims:
            qa = claim.claim
            css, words = _CLAIM_CSS[claim.status], CLAIM_WORDS[claim.status]
            since = f' <span class="cr-muted">since {esc(labels.date_label(qa.since))}</span>' if qa.since else ""
            body = (
                f'<a href="{esc(_endorser_href(model, claim.endorser, here))}">{esc(qa.by)}</a>'
                if claim.endorser
                else external_link(qa.url, qa.by)
            )
            # The endorsements that may confirm it, checked again in the reader's browser: the claim's badge then
            # says what stands when the page is read, not when it was built (endorsements.js claimStanding).
            weighed = f' data-claim-endorsements="{esc(" ".join(claim.candidates))}"' if claim.candidates else ""
            items.append(
                f'<li data-claim="{esc(claim.status.value)}"{weighed}>{esc(labels.QA_KIND[qa.kind])} {body}{since} '
                f'<span class="{css}" data-claim-status>{esc(words)}</span></li>'
            )
        parts.append(f'<h3>As the issuer states it</h3><ul class="cr-list">{"".join(items)}</ul>')
    signed = model.recognition.of(registry.credential_url(entry.record.id, entry.definition.id))
    of_issuer = model.recognition.of(registry.issuer_did(entry.record.id))
    shown = [e for e in signed if e.result.authentic]
    if shown:
        listing = "".join(_endorsement_item(model, e, here, show_subject=False) for e in shown)
        parts.append(
            "<h3>Signed endorsements</h3>"
            '<p class="cr-muted">Each is an Open Badges 3.0 EndorsementCredential signed by the body; your browser '
            "checks its signature, the body's registered key and whether it was revoked.</p>"
            f'<ul class="cr-list cr-endorsements">{listing}</ul>'
        )
    issuer_level = [e for e in of_issuer if e.valid]
    if issuer_level:
        listing = "".join(_endorsement_item(model, e, here, show_subject=False) for e in issuer_level)
        parts.append(
            f'<h3>Of the issuer, {esc(entry.issuer.name)}</h3><ul class="cr-list cr-endorsements">{listing}</ul>'
        )
    return "".join(parts)


def issuer_recognition(model: SiteModel, issuer_id: str, here: str) -> str:
    """The valid signed endorsements of an issuer itself (its Profile), for its page; empty when none."""
    items = [e for e in model.recognition.of(model.registry.issuer_did(issuer_id)) if e.valid]
    listing = "".join(_endorsement_item(model, e, here, show_subject=False) for e in items)
    return f'<ul class="cr-list cr-endorsements">{listing}</ul>' if listing else ""


def endorser_body(model: SiteModel, endorser_id: str) -> str:
    """An endorser's page: who it is and what it stands behind."""
    record = model.registry.endorsers[endorser_id]
    e = record.endorser
    here = endorser_path(endorser_id)
    items = [x for x in model.recognition.by(endorser_id) if x.result.authentic]
    listing = "".join(_endorsement_item(model, x, here, show_subject=True) for x in items)
    did = model.registry.endorser_did(endorser_id)
    # A link to did.json only where this site serves it: a body's own DID is resolved by the body.
    resolved = (
        '(resolved from this site: <a href="did.json">did.json</a>)'
        if serves_did(model.registry, endorser_id)
        else "(its own DID, resolved by the body; the registry accepts the keys listed here for it)"
    )
    where = ", ".join(x for x in (e.location.city, e.location.region, e.location.country) if x)
    kind = e.kind.value.replace("-", " ").capitalize()
    return (
        f'<article class="cr-endorser"><h1>{esc(e.name)}</h1><p class="cr-eyebrow">{esc(kind)} · '
        f"{esc(where)}</p>"
        f'<div class="cr-prose">{render_markdown(e.description)}</div>'
        f"<p>{external_link(e.url, e.url)}</p>"
        + (
            f'<section class="cr-section" id="endorsements"><h2>What it stands behind</h2>'
            f'<ul class="cr-list cr-endorsements">{listing}</ul></section>'
            if listing
            else ""
        )
        + f'<section class="cr-section" id="keys"><h2>Signing keys</h2><p>DID <code class="cr-break">{esc(did)}</code> '
        f"{resolved}. An endorsement is accepted only if it was signed by one of these keys while the key was valid."
        f"</p>{key_table(record.keys, model.now)}</section></article>"
    )


def endorsers_index_body(model: SiteModel) -> str:
    rows = []
    endorsers = model.registry.endorsers.items()
    for endorser_id, record in sorted(endorsers, key=lambda x: (name_order(x[1].endorser.name), x[0])):
        count = sum(1 for x in model.recognition.by(endorser_id) if x.valid)
        href = relative("endorsers/", endorser_path(endorser_id))
        kind = record.endorser.kind.value.replace("-", " ")
        rows.append(
            f'<li><a href="{esc(href)}">{esc(record.endorser.name)}</a> <span class="cr-muted">{esc(kind)} · '
            f"{count} endorsement{'s' if count != 1 else ''} in force</span></li>"
        )
    return (
        "<h1>Endorsers</h1><p>Bodies that vouch for credentials and issuers by signing an endorsement: an "
        "accreditation, a recognition, an approval for a regulated role. Each endorsement is checked in your "
        f'browser on the pages that show it.</p><ul class="cr-list">{"".join(rows)}</ul>'
    )


def achievement_endorsements(model: SiteModel, entry: Entry) -> list[dict[str, Any]]:
    """The valid signed endorsements of a credential, as the OB 3.0 Achievement's ``endorsement`` list."""
    subject = model.registry.credential_url(entry.record.id, entry.definition.id)
    return [e.found.document for e in model.recognition.of(subject) if e.valid]
