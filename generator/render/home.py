"""The home page: what the registry is and for whom, its size, the newest credentials, and the ways in."""

from __future__ import annotations

from generator.render.catalog import search_form
from generator.render.components import card_list, stat_tiles
from generator.render.facets import skill_label
from generator.render.html import esc, relative
from generator.render.markdown import render_markdown
from generator.render.model import SiteModel, SkillGroup, name_order

__all__ = ["home_body"]

HERE = ""


def _ways_in(endorsers: bool = False) -> str:
    def link(path: str, text: str) -> str:
        return f'<a href="{esc(relative(HERE, path))}">{esc(text)}</a>'

    cards = [
        (
            "Hiring? Compare credentials",
            "Find who certifies a skill, at what level, how it is assessed (exam, project, portfolio, observation) "
            "and what it costs; put up to four side by side.",
            [
                link("catalog/", "Browse the catalog"),
                link("compare/", "Compare credentials"),
                link("skills/", "Skills index"),
                link("for-employers/", "How to read a credential page"),
            ],
        ),
        (
            "Shown a badge? Check it",
            "Paste its hash or link, scan its QR code or drop its file. The check runs in your browser.",
            [link("verify/", "Verify a badge"), link("how-verification-works/", "What the checks mean")],
        ),
        (
            "Who issues here",
            "Universities, industry bodies, training providers and employers, each with its signing keys.",
            [
                link("issuers/", "All issuers"),
                *([link("endorsers/", "Who vouches for them")] if endorsers else []),
                link("about/", "About the registry"),
            ],
        ),
    ]
    items = "".join(
        f'<li class="cr-way"><h2 class="cr-way__title">{esc(title)}</h2><p>{esc(text)}</p>'
        f'<ul class="cr-way__links">{"".join(f"<li>{a}</li>" for a in links)}</ul></li>'
        for title, text, links in cards
    )
    return f'<ul class="cr-ways">{items}</ul>'


def _certifiers(group: SkillGroup) -> int:
    return len(group.credentials)


def _top_skills(model: SiteModel, count: int = 16) -> str:
    groups = sorted(model.skills.values(), key=lambda g: (-_certifiers(g), name_order(g.label), g.key))
    chips = "".join(
        f'<li><a class="cr-chip cr-chip--link" href="{esc(relative(HERE, f"skills/#{g.anchor}"))}">'
        f'{esc(skill_label(g.label))} <span class="cr-chip__count">{_certifiers(g)}</span></a></li>'
        for g in groups[:count]
    )
    return f'<ul class="cr-chips">{chips}</ul>'


def home_body(model: SiteModel) -> str:
    governance = model.registry.governance.model
    credentials = len(model.entries)
    counts = stat_tiles(
        [
            ("Issuers", len(model.registry.issuers), "issuers"),
            ("Credentials", credentials, "credentials"),
            ("Awards", model.stats.total, "awarded"),
        ]
    )
    return (
        '<article class="cr-home">'
        f'<header class="cr-home__hero"><h1>{esc(governance.name)}</h1>'
        f'<div class="cr-home__intro cr-prose">{render_markdown(governance.description)}</div>'
        f"{search_form(HERE, input_id='home-q', label='Search credentials by skill, topic or name')}"
        f"{counts}</header>"
        f"{_ways_in(bool(model.registry.endorsers))}"
        '<section class="cr-section" aria-labelledby="skills-h"><h2 id="skills-h">Most certified skills</h2>'
        f"{_top_skills(model)}"
        f'<p><a href="{esc(relative(HERE, "skills/"))}">All skills, by framework</a></p></section>'
        '<section class="cr-section" aria-labelledby="newest-h"><h2 id="newest-h">Newest credentials</h2>'
        f"{card_list(model.newest(6), HERE)}"
        f'<p><a href="{esc(relative(HERE, "catalog/"))}">All {credentials:,} credentials</a> · '
        f'<a href="{esc(relative(HERE, "feed.xml"))}">Atom feed of new credentials</a></p></section>'
        "</article>"
    )
