"""Issuer pages and the issuers index: who the issuer is, which keys sign for it, what it awards and revokes."""

from __future__ import annotations

from generator.publish.did import serves_did
from generator.registry import IssuerRecord
from generator.render import labels
from generator.render.components import card_list, fact_list, stat_tiles
from generator.render.credential import site_image
from generator.render.endorsements import issuer_recognition
from generator.render.html import esc, external_link, mailto_href, relative
from generator.render.keys import built_day, key_table
from generator.render.keys import in_use as signing_now
from generator.render.markdown import render_markdown
from generator.render.model import SiteModel, credential_path, issuer_path, name_order

__all__ = ["REVOCATIONS_ON_PAGE", "issuer_body", "issuers_index_body"]

#: The page lists this many revocations, newest first; the API holds all of them.
REVOCATIONS_ON_PAGE = 200


def _maintainer(handle: str) -> str:
    org, _, team = handle.partition("/")
    url = f"https://github.com/orgs/{org}/teams/{team}" if team else f"https://github.com/{org}"
    return external_link(url, f"@{handle}")


def _location(record: IssuerRecord) -> str:
    loc = record.issuer.location
    parts = [p for p in (loc.city, loc.region, labels.country_name(loc.country)) if p]
    return ", ".join(p for i, p in enumerate(parts) if i == 0 or p != parts[i - 1])  # "Berlin, Berlin" once


def _keys(model: SiteModel, record: IssuerRecord, here: str) -> str:
    did = model.registry.issuer_did(record.id)
    if serves_did(model.registry, record.id):
        where = (
            f'Resolved from this site: <a href="{esc(relative(here, f"issuers/{record.id}/did.json"))}">did.json</a>.'
        )
    else:
        where = "The issuer's own DID, resolved by the issuer; the registry accepts the keys listed here for it."
    table = key_table(record.keys, model.now)
    keys_json = relative(here, f"issuers/{record.id}/keys.json")
    return (
        f'<p>Decentralized identifier: <code class="cr-break">{esc(did)}</code>. {where}</p>'
        "<p>An award is accepted only if it was signed by one of these keys while the key was valid. "
        f'Machine-readable: <a href="{esc(keys_json)}">keys.json</a>.</p>{table}'
    )


def _technical(model: SiteModel, record: IssuerRecord, here: str) -> str:
    """Identifiers, keys and maintainers' GitHub handles: folded away, for those who check signatures by hand."""
    in_use = signing_now(record.keys, model.now)
    maintainers = ", ".join(_maintainer(m) for m in record.issuer.maintainers)
    verify = relative(here, "verify/")
    return (
        f"<p>This issuer signs its awards with {in_use} key{'s' if in_use != 1 else ''} registered here "
        f"(on {esc(built_day(model.now))}, when this page was built). "
        f'The <a href="{esc(verify)}">verification page</a> checks a badge against them for you.</p>'
        '<details class="cr-tech"><summary>Technical details: identifier, signing keys and maintainers</summary>'
        f"{_keys(model, record, here)}"
        f"<p>Maintainers (GitHub accounts allowed to change this issuer's registry entry): {maintainers}.</p>"
        "</details>"
    )


def _revocations(model: SiteModel, record: IssuerRecord, here: str) -> str:
    revoked = model.revocations.get(record.id, [])
    if not revoked:
        return "<p>No award of this issuer has been revoked.</p>"
    rows = []
    for item in revoked[:REVOCATIONS_ON_PAGE]:
        entry = model.entry(item.credential)
        credential = (
            f'<a href="{esc(relative(here, credential_path(item.credential)))}">{esc(entry.definition.name)}</a>'
            if entry
            else esc(item.credential)
        )
        verify = relative(here, f"verify/#{item.hash}")
        rows.append(
            f"<tr><td>{esc(item.revoked[:10])}</td><td>{credential}</td><td>{esc(item.reason)}</td>"
            f'<td><a href="{esc(verify)}"><code>{esc(item.hash[:16])}…</code></a></td></tr>'
        )
    more = ""
    if len(revoked) > REVOCATIONS_ON_PAGE:
        api = relative(here, f"api/issuers/{record.id}.json")
        more = (
            f"<p>Showing the newest {REVOCATIONS_ON_PAGE} of {len(revoked):,}; "
            f'<a href="{esc(api)}">all of them</a>.</p>'
        )
    return (
        f"<p>{len(revoked):,} revoked award{'s' if len(revoked) != 1 else ''}, newest first. Each entry is signed by "
        "the issuer; the award hash opens the award on the verification page.</p>"
        '<div class="cr-table-wrap" tabindex="0" role="region" aria-label="Revoked awards">'
        '<table class="cr-table"><caption>Revoked awards</caption>'
        '<thead><tr><th scope="col">Revoked</th>'
        '<th scope="col">Credential</th><th scope="col">Reason</th><th scope="col">Award</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>{more}"
    )


def issuer_counts(model: SiteModel, issuer_id: str) -> list[tuple[str, int, str]]:
    refs = [e.ref for e in model.entries.values() if e.record.id == issuer_id]
    s = model.stats
    return [
        ("Credentials", len(refs), "credentials"),
        ("Awarded", s.by_issuer.get(issuer_id, 0), "awarded"),
        ("Active", sum(max(s.active(r), 0) for r in refs), "active"),
        ("Expired", sum(s.expired.get(r, 0) for r in refs), "expired"),
        ("Revoked", sum(s.revoked.get(r, 0) for r in refs), "revoked"),
    ]


def _section(anchor: str, title: str, body: str) -> str:
    return (
        f'<section class="cr-section" id="{esc(anchor)}" aria-labelledby="{esc(anchor)}-h">'
        f'<h2 id="{esc(anchor)}-h">{esc(title)}</h2>{body}</section>'
    )


def issuer_logo(record: IssuerRecord, here: str, *, cls: str = "cr-hero__image", size: int = 96) -> str:
    return site_image(here, record.id, record.issuer.logo, record.issuer.name, cls=cls, size=size)


def _former_names(record: IssuerRecord) -> str:
    """ "Formerly …, until …" for each name the issuer had before (newest first; a rebrand that kept the name
    changed only what the profile facts show)."""
    seen = {record.issuer.name}
    lines = []
    for former in reversed(record.issuer.former_profiles):
        if former.name not in seen:
            seen.add(former.name)
            lines.append(f"Formerly {esc(former.name)}, until {esc(labels.date_label(former.until))}")
    return "".join(f'<p class="cr-dates cr-former">{line}</p>' for line in lines)


def issuer_body(model: SiteModel, record: IssuerRecord) -> str:
    here = issuer_path(record.id)
    issuer = record.issuer
    profile = fact_list(
        [
            ("Kind", esc(labels.ISSUER_KIND[issuer.kind])),
            ("Based in", esc(_location(record))),
            ("Website", external_link(issuer.url, issuer.url)),
            ("Contact", external_link(mailto_href(issuer.email), issuer.email)),
        ],
        cls="cr-keyfacts cr-keyfacts--key",
    )
    hero = (
        f'<header class="cr-hero">{issuer_logo(record, here)}<div class="cr-hero__text">'
        f'<p class="cr-eyebrow">{esc(labels.ISSUER_KIND[issuer.kind])} · {esc(_location(record))}</p>'
        f"<h1>{esc(issuer.name)}</h1>{_former_names(record)}</div></header>"
    )
    credentials = card_list(model.issuer_entries(record.id), here) or '<p class="cr-muted">No credentials yet.</p>'
    about = f'<div class="cr-prose">{render_markdown(issuer.description)}</div>'
    recognition = issuer_recognition(model, record.id, here)  # no heading over nothing
    return (
        f'<article class="cr-issuer">{hero}<section aria-label="Profile">{profile}</section>'
        f"{_section('about', 'About', about)}"
        f"{_section('awards', 'Awards', stat_tiles(issuer_counts(model, record.id)))}"
        f"{_section('credentials', 'Credentials', credentials)}"
        f"{_section('recognition', 'Recognition', recognition) if recognition else ''}"
        f"{_section('keys', 'Identity and signing keys', _technical(model, record, here))}"
        f"{_section('revocations', 'Revocation list', _revocations(model, record, here))}"
        "</article>"
    )


def issuers_index_body(model: SiteModel) -> str:
    here = "issuers/"
    items = []
    for record in sorted(model.registry.issuers.values(), key=lambda r: name_order(r.issuer.name)):
        count = len(record.credentials)
        items.append(
            f'<li class="cr-issuer-card">{issuer_logo(record, here, cls="cr-issuer-card__logo", size=56)}<div>'
            f'<h2 class="cr-issuer-card__name"><a href="{esc(relative(here, issuer_path(record.id)))}">'
            f"{esc(record.issuer.name)}</a></h2>"
            f'<p class="cr-muted">{esc(labels.ISSUER_KIND[record.issuer.kind])} · {esc(_location(record))} · '
            f"{count} credential{'s' if count != 1 else ''}</p></div></li>"
        )
    return (
        '<article class="cr-issuers"><h1>Issuers</h1>'
        '<p class="cr-lead">Organisations registered to define and award credentials. Each one\'s page shows its '
        "signing keys and every award it has revoked.</p>"
        f'<ul class="cr-issuer-cards">{"".join(items)}</ul></article>'
    )
