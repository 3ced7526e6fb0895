"""The skills index: every skill by framework and code, with the credentials that certify it, their level and
how they assess it. Answers "who certifies X, at what level, and how is it assessed?" on one page."""

from __future__ import annotations

from generator.models import Framework
from generator.render import labels
from generator.render.components import status_badge
from generator.render.facets import skill_label
from generator.render.html import esc, external_link, relative
from generator.render.model import Entry, SiteModel, SkillGroup, framework_anchor, heading_id, name_order

__all__ = ["FRAMEWORK_NAMES", "skills_body"]

HERE = "skills/"

FRAMEWORK_NAMES: dict[Framework | None, str] = {
    Framework.ESCO: "European Skills, Competences, Qualifications and Occupations",
    Framework.ONET: "O*NET, the US Occupational Information Network",
    Framework.SFIA: "Skills Framework for the Information Age",
    Framework.CASE: "Competencies and Academic Standards Exchange",
    Framework.ISCO: "International Standard Classification of Occupations",
    Framework.NICE: "NICE Workforce Framework for Cybersecurity",
    Framework.DIGCOMP: "EU Digital Competence Framework for Citizens",
    Framework.E_CF: "European e-Competence Framework",
    Framework.LIGHTCAST: "Lightcast Open Skills",
    Framework.OTHER: "Other frameworks",
    None: "Skills not aligned to a framework",
}


def _assessed(group: SkillGroup) -> list[tuple[str, str]]:
    """(credential ref, assessment words) per certifying credential, each once."""
    return [(ref, labels.assessment_label(entry.definition)) for ref, entry in group.credentials.items()]


def _wording(group: SkillGroup, entry: Entry) -> str:
    """What this credential's issuer calls the skill, said as theirs: its framework label and its own name for
    the skill, less what the heading already says when every credential agrees on it."""
    words: dict[str, str] = {}
    for label, name in group.wordings(entry.ref):
        for word in (label, name):
            if not (group.agreed and word.casefold() == group.label.casefold()):
                words.setdefault(word.casefold(), word)
    if not words:
        return ""
    quoted = " and ".join(f"“{w}”" for w in words.values())
    return f'<span class="cr-certifier__wording">{esc(entry.issuer.name)} calls it {esc(quoted)}</span>'


def _group(model: SiteModel, group: SkillGroup) -> str:
    code = ""
    if group.framework is not None:
        # A link to the framework's entry, named by the framework (its code means nothing to a reader). The
        # registry addresses it from framework and code: no issuer's link speaks for the others' credentials.
        code = (
            external_link(group.url, f"See it in {group.framework.value}", cls="cr-skill-entry__code")
            if group.url
            else esc(f"In {group.framework.value}")
        )
    differ = (
        " · named differently by the credentials certifying it: each issuer's name is shown with its credentials"
        if not group.agreed
        else ""
    )
    items = []
    ordered = sorted(_assessed(group), key=lambda r: (name_order(model.entries[r[0]].definition.name), r[0]))
    for ref, assessed in ordered:
        entry = model.entries[ref]
        d = entry.definition
        items.append(
            f'<li><a href="{esc(relative(HERE, entry.path))}">{esc(d.name)}</a> {status_badge(d.status)}'
            f'<span class="cr-certifier__meta">{esc(entry.issuer.name)} · <strong>{esc(labels.level_label(d))}</strong>'
            f" · {esc(assessed)}</span>{_wording(group, entry)}</li>"
        )
    extra = "".join(f'<span id="{esc(a)}" class="cr-anchor"></span>' for a in group.extra_anchors)
    return (
        f'<section class="cr-skill-entry" id="{esc(group.anchor)}" aria-labelledby="{esc(heading_id(group.anchor))}">'
        f'{extra}<h3 id="{esc(heading_id(group.anchor))}">{esc(skill_label(group.label))}</h3>'
        f'<p class="cr-skill-entry__meta">{code}{differ}</p>'
        f'<ul class="cr-certifiers" aria-label="Credentials certifying this skill">{"".join(items)}</ul></section>'
    )


def _eqf_legend() -> str:
    levels = "".join(
        f"<div><dt>EQF {n}</dt><dd>{esc(text[:1].upper() + text[1:])}</dd></div>"
        for n, text in labels.EQF_LEVELS.items()
    )
    return (
        '<details class="cr-eqf"><summary>What the levels mean: Beginner to Advanced, and EQF 1–8</summary>'
        "<p>Beginner, Intermediate and Advanced are the issuer's own plain-language levels. EQF levels place a "
        "credential in the European Qualifications Framework, which every EU country maps its qualifications to:"
        f'</p><dl class="cr-eqf__levels">{levels}</dl></details>'
    )


def skills_body(model: SiteModel) -> str:
    grouped = model.skill_groups_by_framework()
    order = [f for f in (*Framework, None) if f in grouped]
    nav = "".join(
        f'<li><a href="#{framework_anchor(f)}">{esc(f.value if f else "Not in a framework")}</a> '
        f'<span class="cr-muted">({len(grouped[f])})</span></li>'
        for f in order
    )
    sections = []
    for framework in order:
        title = framework.value if framework else "Not in a framework"
        sections.append(
            f'<section class="cr-section" id="{framework_anchor(framework)}">'
            f'<h2>{esc(title)} <span class="cr-muted cr-h2-sub">{esc(FRAMEWORK_NAMES[framework])}</span></h2>'
            f'<div class="cr-skill-grid">{"".join(_group(model, g) for g in grouped[framework])}</div></section>'
        )
    total = len(model.skills)
    return (
        '<article class="cr-skills-index"><h1>Skills</h1>'
        f'<p class="cr-lead">The {total:,} skills certified by credentials in this registry, grouped by the public '
        "framework they are aligned to. For each skill: which credentials certify it, at what level, and how it is "
        "assessed.</p>"
        f"{_eqf_legend()}"
        f'<nav class="cr-toc" aria-label="Frameworks"><ul class="cr-chips">{nav}</ul></nav>'
        f"{''.join(sections)}</article>"
    )
