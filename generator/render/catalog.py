"""The catalog: every credential as a plain server-rendered list (paginated, readable without JavaScript),
with search and facets added in the browser from the Pagefind index (``assets/credreg/catalog.js``)."""

from __future__ import annotations

import json
import math

from generator.models import LifecycleStatus
from generator.render import labels
from generator.render.components import card_list
from generator.render.facets import FACETS, facet_order
from generator.render.html import esc, relative
from generator.render.model import Entry, SiteModel
from generator.render.search import MATCH_ALL

__all__ = ["PER_PAGE", "catalog_bodies", "catalog_path", "search_form"]

#: Credentials per page of the JavaScript-free list.
PER_PAGE = 200


def catalog_path(page: int) -> str:
    return "catalog/" if page == 1 else f"catalog/page/{page}/"


def search_form(here: str, *, input_id: str, label: str, value_hint: str = "") -> str:
    """A plain GET form to the catalog, which runs the query; works from any page."""
    hint = value_hint or "e.g. SQL, risk management, infection control"
    return (
        f'<form class="cr-search" role="search" action="{esc(relative(here, "catalog/"))}" method="get">'
        f'<label class="cr-search__label" for="{esc(input_id)}">{esc(label)}</label>'
        f'<div class="cr-search__row"><input class="cr-search__input" id="{esc(input_id)}" name="q" type="search" '
        f'placeholder="{esc(hint)}" autocomplete="off">'
        '<button class="cr-btn" type="submit">Search</button></div></form>'
    )


def _pager(page: int, pages: int, here: str) -> str:
    if pages <= 1:
        return ""
    links = []
    for n in range(1, pages + 1):
        current = ' aria-current="page"' if n == page else ""
        links.append(f'<li><a href="{esc(relative(here, catalog_path(n)))}"{current}>{n}</a></li>')
    return f'<nav class="cr-pager" aria-label="Catalog pages"><ul>{"".join(links)}</ul></nav>'


def _config(model: SiteModel) -> str:
    facets = [{"key": f.key, "label": f.label, "order": list(facet_order(model, f)), "help": f.help} for f in FACETS]
    retired = labels.STATUS[LifecycleStatus.RETIRED]  # the status facet's value the catalog leaves out by default
    return json.dumps({"facets": facets, "matchAll": MATCH_ALL, "retired": retired}, separators=(",", ":"))


def catalog_bodies(model: SiteModel) -> list[tuple[str, str]]:
    """(site path, body) for each page of the catalog."""
    entries: list[Entry] = model.by_name()
    pages = max(1, math.ceil(len(entries) / PER_PAGE))
    issuers = len(model.registry.issuers)
    config = esc(_config(model))
    result = []
    for page in range(1, pages + 1):
        here = catalog_path(page)
        chunk = entries[(page - 1) * PER_PAGE : page * PER_PAGE]
        first, last = (page - 1) * PER_PAGE + 1, (page - 1) * PER_PAGE + len(chunk)
        shown = f"{len(entries):,} credentials" if pages == 1 else f"Credentials {first:,}–{last:,} of {len(entries):,}"
        body = (
            f'<article class="cr-catalog" data-catalog data-config="{config}">'
            "<h1>Catalog</h1>"
            f'<p class="cr-lead">{len(entries):,} credentials from {issuers:,} issuers. '
            "Search by what a holder can do, then narrow by skill, level, how it is assessed, cost, effort and more; "
            f'choose up to four to <a href="{esc(relative(here, "compare/"))}">compare side by side</a>. '
            "Every filtered view has its own address: share it or bookmark it.</p>"
            f"{search_form(here, input_id='catalog-q', label='Search credentials')}"
            '<noscript><p class="cr-notice cr-notice--info">Search and filters need JavaScript. Every credential is '
            "listed below by name.</p></noscript>"
            '<div class="cr-catalog__layout">'
            '<aside class="cr-facets" aria-label="Filters" data-facets hidden></aside>'
            '<section class="cr-results" aria-labelledby="results-count">'
            '<div class="cr-results__bar">'
            '<h2 class="cr-results__count" id="results-count" tabindex="-1" data-count aria-live="polite">'
            f"{esc(shown)}</h2><div data-active></div>"
            '<p class="cr-retired-toggle" data-retired hidden><label><input type="checkbox" name="retired"> '
            "Include retired credentials <span data-retired-count></span></label></p></div>"
            f"<div data-server-list>{card_list(chunk, here)}{_pager(page, pages, here)}</div>"
            '<div data-results hidden><ul class="cr-cards" data-result-list></ul>'
            '<button class="cr-btn cr-btn--secondary" type="button" data-more hidden>Show more</button></div>'
            "</section></div></article>"
        )
        result.append((here, body))
    return result
