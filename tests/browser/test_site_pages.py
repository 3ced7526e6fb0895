"""The built example site in Chromium: facets and shareable catalog state, accessibility, a clean
Content-Security-Policy, and screenshots of the main pages (tests/artifacts/screenshots/)."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_results, catalog_shown, screenshot
from tests.browser.test_catalog_compare import _listed, records

CREDENTIAL = "credentials/northbridge-university/sql-for-data-analysis/"
ISSUER = "issuers/cloud-skills-council/"
COMPARE = "compare/?ids=cloud-skills-council/cloud-cost-optimisation,northbridge-university/sql-for-data-analysis"
PAGES = {
    "home": "",
    "catalog": "catalog/",
    "compare": COMPARE,
    "credential": CREDENTIAL,
    "issuer": ISSUER,
    "endorser": "endorsers/valencia-tech-employers-network/",
    "skills": "skills/",
    "verify": "verify/",
}


def _watch(page: Any) -> list[str]:
    """Console errors and page errors (CSP violations are reported as console errors)."""
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    return problems


def _cards(page: Any) -> list[str]:
    titles: list[str] = page.locator("[data-result-list] .cr-card__title").all_inner_texts()
    return titles


def _tick(page: Any, facet: str, value: str) -> None:
    finder = page.locator(f"fieldset:has(input[name='{facet}']) .cr-facet__find")
    if finder.count():  # long facets show their first values; the find box narrows to the rest
        finder.fill(value)
    page.locator(f"input[name='{facet}'][value='{value}']").check()


def _matching(n: int) -> str:
    """The catalog's heading over ``n`` results of a filter."""
    return "1 credential matches" if n == 1 else f"{n} credentials match"


def _narrowing_skill_and_level() -> tuple[str, str, set[str], set[str]]:
    """A skill and a level that narrows it, from the build's search records: the credentials with the skill, and
    those of them at the level (the most credentials first, so the choice is stable while the data grows). The
    SQL credentials are all intermediate: filtering them by level showed the same three cards whether or not the
    level was applied."""
    choices = []
    levels = {level for record in records() for level in record.filters["level"]}
    for skill in {skill for record in records() for skill in record.filters["skill"]}:
        with_skill = _listed({"skill": skill})
        for level in levels:
            at_level = _listed({"skill": skill, "level": level})
            if with_skill > at_level > set():
                choices.append((-len(with_skill), -len(at_level), skill, level, with_skill, at_level))
    assert choices, "no level narrows any skill in the example registry"
    _, _, skill, level, with_skill, at_level = min(choices)
    return skill, level, with_skill, at_level


def test_facets_narrow_the_catalog_and_the_address_restores_them(page: Any, browser: Any, site_url: str) -> None:
    skill, level, with_skill, at_level = _narrowing_skill_and_level()
    page.goto(site_url + "catalog/")
    page.wait_for_selector("[data-facets]:not([hidden]) input[name='skill']")
    expect(page.locator("[data-count]")).to_have_text("34 credentials")  # the retired one is hidden
    _tick(page, "skill", skill)
    catalog_shown(page, re.compile(rf"\?{re.escape(urlencode({'skill': skill}))}$"))
    expect(page.locator("[data-count]")).to_have_text(_matching(len(with_skill)))
    assert set(_cards(page)) == with_skill
    _tick(page, "level", level)
    catalog_shown(page, re.compile(rf"\?{re.escape(urlencode({'skill': skill, 'level': level}))}$"))
    expect(page.locator("[data-count]")).to_have_text(_matching(len(at_level)))
    assert set(_cards(page)) == at_level  # fewer: the level was applied
    screenshot(page, "catalog-filtered")

    restored = page.context.new_page()
    restored.goto(page.url)
    catalog_shown(restored, page.url)
    expect(restored.locator("[data-count]")).to_have_text(_matching(len(at_level)))
    assert set(_cards(restored)) == at_level
    assert restored.locator(f"input[name='skill'][value={json.dumps(skill)}]").is_checked()
    assert restored.locator(f"input[name='level'][value={json.dumps(level)}]").is_checked()
    restored.close()


def test_catalog_search_runs_from_the_header_box(page: Any, site_url: str) -> None:
    page.goto(site_url)
    page.fill("#cr-header-q", "infection control")
    page.press("#cr-header-q", "Enter")
    catalog_shown(page, re.compile(r"/catalog/\?q=infection\+control$"))
    expect(page.locator("[data-count]")).to_contain_text("match")
    assert "Infection Prevention and Control in Clinical Practice" in _cards(page)
    assert "q=infection+control" in page.url


def test_the_catalog_is_a_plain_list_without_javascript(browser: Any, site_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + "catalog/")
    titles = page.locator("[data-server-list] .cr-card__title a").all_inner_texts()
    assert len(titles) == 35
    assert titles == sorted(titles, key=str.casefold)
    assert page.locator("[data-facets]").is_hidden()
    context.close()


SIZES = {"desktop": (1366, 900), "phone": (390, 844)}


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("name", list(PAGES))
def test_pages_have_no_accessibility_violations(browser: Any, site_url: str, name: str, size: str) -> None:
    """axe, every rule and every impact (minor ones included), at a desktop and a phone size."""
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    problems = _watch(page)
    page.goto(site_url + PAGES[name])
    page.wait_for_load_state("networkidle")
    if name == "catalog":
        page.wait_for_selector("[data-facets]:not([hidden])")
        expect(page.locator("[data-result-list] .cr-card").first).to_be_visible()
    if name == "compare":
        page.wait_for_selector(".cr-compare__table")
    screenshot(page, name if size == "desktop" else f"{name}-{size}")
    results = axe_results(page)
    violations = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]
    assert violations == []
    assert problems == [], "console errors (CSP violations show up here)"
    context.close()


@pytest.mark.parametrize("name", ["home", "catalog", "credential"])
def test_pages_work_on_a_phone_screen(browser: Any, site_url: str, name: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1)
    page = context.new_page()
    page.goto(site_url + PAGES[name])
    page.wait_for_load_state("networkidle")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, "the page scrolls sideways on a narrow screen"
    screenshot(page, f"{name}-narrow")
    context.close()


@pytest.mark.parametrize("name", list(PAGES))
def test_pages_reflow_at_320_css_pixels(browser: Any, site_url: str, name: str) -> None:
    """WCAG 1.4.10: at 320 CSS px (a 1280 px window zoomed to 400 %, the narrowest phones) nothing scrolls
    sideways but the comparison table, which scrolls in its own box. The card and skill grids asked for columns
    of at least 17 and 16 rem, wider than the page there: every card stuck out of the screen by 36 px."""
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(site_url + PAGES[name])
    page.wait_for_load_state("networkidle")
    if name == "catalog":
        expect(page.locator("[data-result-list] .cr-card").first).to_be_visible()
    sticking_out = page.evaluate(
        """() => {
          const width = document.documentElement.clientWidth;
          return [...document.querySelectorAll('.md-content *')]
            .filter((e) => e.getBoundingClientRect().width > 0 && e.getBoundingClientRect().right > width + 1)
            .filter((e) => !e.closest('.cr-table-wrap'))
            .map((e) => `${e.tagName.toLowerCase()}.${e.className}`);
        }"""
    )
    assert sorted(set(sticking_out)) == []
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 1
    context.close()
