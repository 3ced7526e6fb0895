"""The credential page: everything in the definition, in the order an employer reads it."""

from __future__ import annotations

from generator.models import LifecycleStatus
from generator.render import labels
from generator.render.components import (
    award_counts,
    fact_list,
    issuer_link,
    pick_button,
    stat_tiles,
    status_badge,
)
from generator.render.endorsements import recognition_section
from generator.render.html import esc, external_link, relative
from generator.render.markdown import render_markdown
from generator.render.model import Entry, SiteModel, framework_url
from generator.render.pathway import pathway

__all__ = ["asset_src", "credential_body", "site_image"]


def asset_src(here: str, issuer_id: str, value: str) -> str | None:
    """``src`` of an issuer image published under the issuer's folder; ``None`` for an https URL, which the site
    never loads: every visitor's browser would call the issuer's server (a tracking pixel), and the picture
    could change after review. Awards and the API carry such URLs as written."""
    if value.startswith("https://"):
        return None
    return relative(here, f"issuers/{issuer_id}/{value}")


def _initials(name: str) -> str:
    words = [w for w in name.split() if w[:1].isalnum()]
    return "".join(w[0] for w in words[:2]).upper() or "?"


def site_image(here: str, issuer_id: str, value: str | None, name: str, *, cls: str, size: int) -> str:
    """An issuer's logo or a badge image as the page shows it: the published file, or, for an https URL, the
    site's own stand-in (``name``'s initials on a plain tile, hidden from assistive technology like the image it
    replaces, and from search); nothing without an image."""
    if not value:
        return ""
    src = asset_src(here, issuer_id, value)
    if src:
        return f'<img class="{esc(cls)}" src="{esc(src)}" alt="" width="{size}" height="{size}">'
    return (
        f'<svg class="{esc(cls)} cr-stand-in" viewBox="0 0 96 96" width="{size}" height="{size}" '
        'aria-hidden="true" focusable="false" data-pagefind-ignore>'
        '<rect x="1" y="1" width="94" height="94" rx="14"/>'
        f'<text x="48" y="48" dy="0.35em" text-anchor="middle">{esc(_initials(name))}</text></svg>'
    )


def _lifecycle(model: SiteModel, entry: Entry, here: str) -> str:
    d = entry.definition
    notes = []
    if d.status is LifecycleStatus.RETIRED:
        notes.append(
            "This credential is <strong>retired</strong>: it is no longer awarded. "
            "Awards already made stay valid until they expire or are revoked."
        )
    elif d.status is LifecycleStatus.DEPRECATED:
        notes.append("This credential is <strong>deprecated</strong>: it is still valid but no longer recommended.")
    for ref, words in ((entry.superseded_by, "It is replaced by"), (entry.supersedes, "It replaces")):
        other = model.entry(ref) if ref else None
        if other is not None:
            link = f'<a href="{esc(relative(here, other.path))}">{esc(other.definition.name)}</a>'
            notes.append(f"{words} {link}.")
    if not notes:
        return ""
    kind = "warning" if d.status is not LifecycleStatus.ACTIVE else "info"
    return f'<div class="cr-notice cr-notice--{kind}" role="note"><p>{" ".join(notes)}</p></div>'


def _skills(model: SiteModel, entry: Entry, here: str) -> str:
    items = []
    for key, skill in zip(entry.skill_groups, entry.definition.skills, strict=True):
        group = model.skills[key]
        framework = ""
        if skill.alignment is not None:
            a = skill.alignment
            # The framework's own name for the skill (its code means nothing to a reader), linked to the framework's
            # entry as the registry addresses it from framework and code where it can (the skills index's link):
            # "In ESCO: SQL" took the issuer's URL, which may be any page, and the skills index another.
            label = a.name or skill.name
            href = group.url or a.url
            framework = (
                f'<span class="cr-skill__framework">In {esc(a.framework.value)}: {external_link(href, label)}</span>'
            )
        others = len(group.credentials) - 1
        index_link = relative(here, f"skills/#{group.anchor}")
        also = (
            f"{others} other credential{'s' if others != 1 else ''} certif{'y' if others != 1 else 'ies'} this"
            if others
            else "Skills index"
        )
        description = (
            f'<div class="cr-skill__description">{render_markdown(skill.description)}</div>'
            if skill.description
            else ""
        )
        items.append(
            f'<li class="cr-skill"><p class="cr-skill__name"><strong>{esc(skill.name)}</strong></p>'
            f"{framework}{description}"
            f'<a class="cr-skill__index" href="{esc(index_link)}">{esc(also)}</a></li>'
        )
    return f'<ul class="cr-skills">{"".join(items)}</ul>'


def _assessment(entry: Entry) -> str:
    c = entry.definition.criteria
    rows = []
    weighted = any(a.weight is not None for a in c.assessment)
    for part in c.assessment:
        weight = f"<td>{part.weight} %</td>" if weighted else ""
        description = render_markdown(part.description) if part.description else ""
        rows.append(
            f'<tr><th scope="row">{esc(labels.ASSESSMENT[part.method])}</th>{weight}<td>{description}</td></tr>'
        )
    weight_head = '<th scope="col">Weight</th>' if weighted else ""
    table = (
        '<div class="cr-table-wrap" tabindex="0" role="region" aria-label="Assessment">'
        '<table class="cr-table"><caption>Assessment</caption>'
        f'<thead><tr><th scope="col">Method</th>{weight_head}<th scope="col">What the candidate does</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )
    pass_mark = f'<p class="cr-pass"><strong>Pass mark:</strong> {esc(c.pass_mark)}</p>' if c.pass_mark else ""
    return f'<div class="cr-prose" data-i18n="criteria">{render_markdown(c.narrative)}</div>{table}{pass_mark}'


def _occupations(entry: Entry) -> str:
    d = entry.definition
    parts = []
    if d.occupations:
        items = []
        for o in d.occupations:
            where = ""
            if o.alignment is not None:
                a = o.alignment
                label = f"{a.name} in {a.framework.value}" if a.name else f"in {a.framework.value}"
                href = framework_url(a.framework, a.code, occupation=True) or a.url
                where = " · " + external_link(href, label)
            items.append(f'<li>{esc(o.name)}<span class="cr-muted">{where}</span></li>')
        parts.append(f'<h3>Occupations it prepares for</h3><ul class="cr-list">{"".join(items)}</ul>')
    if d.industries:
        chips = "".join(f'<li class="cr-chip">{esc(i)}</li>' for i in d.industries)
        parts.append(f'<h3>Industries</h3><ul class="cr-chips">{chips}</ul>')
    return "".join(parts)


def _validity(entry: Entry) -> str:
    v = entry.definition.validity
    period = (
        f"Awards are valid for <strong>{esc(labels.describe_validity(v.period))}</strong> from the date of award."
        if v.period
        else "Awards do not expire."
    )
    renewal = f'<div class="cr-prose">{render_markdown(v.renewal)}</div>' if v.renewal else ""
    return f"<p>{period}</p>{renewal}"


def _eqf_note(eqf: int | None) -> str:
    """What the EQF number means, right under it: most readers do not know the framework's levels."""
    if eqf is None:
        return ""
    return f'<span class="cr-fact__note">{esc(labels.eqf_explanation(eqf))}</span>'


def _facts(entry: Entry, here: str) -> str:
    d = entry.definition
    languages = ", ".join(esc(labels.language_name(t)) for t in d.languages)
    rows = [
        ("Level", esc(labels.level_label(d)) + _eqf_note(d.level.eqf)),
        ("Effort", esc(labels.effort_label(d))),
        ("Cost", esc(labels.cost_label(d.cost))),
        ("Delivery", esc(labels.DELIVERY[d.delivery])),
        ("Languages", languages),
        ("Assessed by", esc(labels.assessment_label(d))),
        ("Validity", esc(labels.describe_validity(d.validity.period)) if d.validity.period else "Does not expire"),
        ("Issuer", issuer_link(entry, here)),
    ]
    return fact_list(rows, cls="cr-keyfacts cr-keyfacts--key")


def _machine_readable(model: SiteModel, entry: Entry, here: str) -> str:
    links = [
        ("achievement.json", "Open Badges 3.0 Achievement", "what every award of this credential contains"),
        ("ctdl.json", "CTDL JSON-LD", "Credential Engine's Credential Transparency Description Language"),
        (
            relative(here, f"api/credentials/{entry.ref}.json"),
            "Registry API",
            "the definition as the registry holds it",
        ),
    ]
    items = [f'<li><a href="{esc(href)}">{esc(name)}</a> — {esc(why)}</li>' for href, name, why in links]
    items.extend(_statement_item(model, entry, here))
    repository = model.registry.governance.model.repository
    if repository:
        source = (
            f"{repository.rstrip('/')}/blob/HEAD/registry/issuers/{entry.ref.replace('/', '/credentials/', 1)}.yaml"
        )
        items.append(f"<li>{external_link(source, 'Source file')} — the YAML definition and its history</li>")
    return f'<ul class="cr-list">{"".join(items)}</ul>'


def _statement_item(model: SiteModel, entry: Entry, here: str) -> list[str]:
    """The registry's signed "who defines what" statement of this credential, labelled when it is a demo."""
    from generator.statements import DEMO_NOTE, statement_path

    path = statement_path(entry.record.id, entry.definition.id)
    if path not in model.statements.documents:
        return []
    demo = (
        f' <strong class="cr-badge cr-badge--revoked" data-statement-demo>Demo key</strong> '
        f'<span class="cr-muted">{esc(DEMO_NOTE)}</span>'
        if model.statements.demo
        else ""
    )
    return [
        f'<li data-statement><a href="{esc(relative(here, path))}">Who defines it</a> — the registry\'s signed '
        f"statement that {esc(entry.issuer.name)} defines this credential: awards of it by anyone else are refused"
        f"{demo}</li>"
    ]


def _language_links(entry: Entry) -> str:
    """The switch to the credential's other languages: links to their blocks further down."""
    tags = list(entry.definition.translations)
    if not tags:
        return ""
    links = ", ".join(
        f'<a href="#lang-{esc(t)}" hreflang="{esc(t)}" lang="{esc(t)}">{esc(labels.native_language_name(t))}</a>'
        for t in tags
    )
    own = entry.definition.languages[0]
    return (
        f'<nav class="cr-langs" aria-label="Languages" data-own-lang="{esc(own)}" '
        f'data-own-name="{esc(labels.native_language_name(own))}"><p>Also in: {links}</p></nav>'
    )


def _translations(entry: Entry) -> str:
    """Each translation as its own block, marked with its language (``lang``) for browsers and screen readers."""
    d = entry.definition
    blocks = []
    for tag, t in d.translations.items():
        # data-i18n-src: where the language switch (assets/credreg/language.js) takes each text from.
        name = ' data-i18n-src="name"' if t.name else ""
        parts = [f'<h3 id="lang-{esc(tag)}-h"{name}>{esc(t.name or d.name)}</h3>']
        if t.summary:
            parts.append(f'<p class="cr-lead" data-i18n-src="summary">{esc(t.summary)}</p>')
        if t.description:
            parts.append(f'<div class="cr-prose" data-i18n-src="description">{render_markdown(t.description)}</div>')
        if t.criteria:
            parts.append(f'<div class="cr-prose" data-i18n-src="criteria">{render_markdown(t.criteria)}</div>')
        blocks.append(
            f'<section class="cr-translation" id="lang-{esc(tag)}" lang="{esc(tag)}" '
            f'aria-labelledby="lang-{esc(tag)}-h">'
            f'<p class="cr-eyebrow" lang="en">{esc(labels.native_language_name(tag))} '
            f"({esc(labels.language_name(tag))})</p>{''.join(parts)}</section>"
        )
    return "".join(blocks)


def _section(anchor: str, title: str, body: str) -> str:
    if not body:
        return ""
    return (
        f'<section class="cr-section" id="{esc(anchor)}" aria-labelledby="{esc(anchor)}-h">'
        f'<h2 id="{esc(anchor)}-h">{esc(title)}</h2>{body}</section>'
    )


def credential_body(model: SiteModel, entry: Entry) -> str:
    here = entry.path
    d = entry.definition
    image = site_image(here, entry.record.id, d.image, d.name, cls="cr-hero__image", size=96)
    kind = labels.achievement_type_label(d.achievement_type.value)
    eyebrow = f"{issuer_link(entry, here)} · {esc(kind)} · version {esc(d.version)}"
    dates = f"Published {esc(labels.date_label(d.created))}"
    if d.updated:
        dates += f", updated {esc(labels.date_label(d.updated))}"
    hero = (
        f'<header class="cr-hero">{image}<div class="cr-hero__text">'
        f'<p class="cr-eyebrow">{eyebrow}</p>'
        f'<h1><span data-i18n="name">{esc(d.name)}</span> {status_badge(d.status)}</h1>'
        f'<p class="cr-lead" data-i18n="summary">{esc(d.summary)}</p>'
        f'<p class="cr-muted cr-dates">{dates}</p>'
        f"{_language_links(entry)}"
        f"{pick_button(entry.ref, d.name)}"
        "</div></header>"
    )
    verify = relative(here, "verify/")
    revocations = relative(here, f"issuers/{entry.record.id}/#revocations")
    awards = stat_tiles(award_counts(model, entry.ref)) + (
        f'<p>Someone showed you this badge? <a href="{esc(verify)}">Check it on the verification page</a>. '
        f'Revoked awards are listed on the <a href="{esc(revocations)}">issuer\'s page</a>.</p>'
    )
    sections = [
        _section(
            "about",
            "About this credential",
            f'<div class="cr-prose" data-i18n="description">{render_markdown(d.description)}</div>',
        ),
        _section("skills", "Skills certified", _skills(model, entry, here)),
        _section("criteria", "How it is assessed", _assessment(entry)),
        _section("pathway", "Pathway", pathway(model, entry, here)),
        _section("occupations", "Occupations and industries", _occupations(entry)),
        _section("quality", "Recognition and quality assurance", recognition_section(model, entry, here)),
        _section("validity", "Validity and renewal", _validity(entry)),
        _section("awards", "Awards", awards),
        _section("languages", "In other languages", _translations(entry)),
        _section("data", "Machine-readable", _machine_readable(model, entry, here)),
    ]
    return (
        f'<article class="cr-credential">{hero}{_lifecycle(model, entry, here)}'
        f'<section aria-label="Key facts">{_facts(entry, here)}</section>'
        f"{''.join(sections)}</article>"
    )
