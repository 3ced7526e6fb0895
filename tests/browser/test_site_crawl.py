"""Every page of the built example site, as a visitor on a phone meets it in Chromium: no script error, console
error or Content-Security-Policy refusal, no request that fails, no sideways scrolling at 375 px, no Markdown
shown as text (a code fence, an escaped entity), and every link and anchor to the site itself leads somewhere.

The other browser tests look at a few pages closely; this one walks them all, so a guide page or a generated
page that breaks is caught whichever it is."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag

import pytest

from tests.browser.conftest import page_drawn

#: Shown as text, these are Markdown or HTML the page failed to render.
UNRENDERED = ("```", "&amp;", "&lt;", "&gt;", "&quot;", "&#")

#: Pages whose fragment is the page's own state (an award hash, a filter), not an element's id.
STATEFUL = ("verify/", "catalog/", "compare/")


def _pages(site: Path) -> list[str]:
    """The address of every page, relative to the site's root: every HTML file the site serves is walked (the
    verification page's fragment is no longer among the assets, served as a broken page of its own)."""
    return [path.relative_to(site).as_posix().removesuffix("index.html") for path in sorted(site.rglob("*.html"))]


@pytest.fixture(scope="module")
def walked(browser: Any, built_site: Path, site_url: str) -> dict[str, dict[str, Any]]:
    """Each page's problems, links and element ids, from one walk at a phone's width."""
    context = browser.new_context(viewport={"width": 375, "height": 812})
    seen: dict[str, dict[str, Any]] = {}
    for rel in _pages(built_site):
        page = context.new_page()
        problems: list[str] = []
        page.on("console", lambda m, p=problems: p.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e, p=problems: p.append(f"script error: {e}"))
        page.on("requestfailed", lambda r, p=problems: p.append(f"failed: {r.url} ({r.failure})"))
        page.on("response", lambda r, p=problems: p.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
        page.goto(site_url + rel)
        page.wait_for_load_state("networkidle")
        page_drawn(page)  # the catalog's cards, the compare table: drawn by the page's scripts, maybe after that
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if overflow > 1:
            problems.append(f"scrolls {overflow} px sideways at 375 px")
        text = page.inner_text("body")
        problems += [f"shows {token!r} as text" for token in UNRENDERED if token in text]
        # A fenced block that Markdown did not take for one becomes a paragraph of inline code, its language
        # first: <p><code>sh\ncredreg build …</code></p> (inline code wrapped mid-sentence is not one).
        inline_blocks = page.eval_on_selector_all(
            "p > code",
            """els => els.filter(e => /^\\w*\\n/.test(e.textContent)
                                  && e.parentElement.textContent.trim() === e.textContent.trim()).length""",
        )
        if inline_blocks:
            problems.append(f"{inline_blocks} code block(s) shown as inline code")
        seen[rel] = {
            "problems": problems,
            "links": page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"),
            "ids": set(page.eval_on_selector_all("[id]", "els => els.map(e => e.id)")),
        }
        page.close()
    context.close()
    return seen


def test_the_walk_reaches_every_kind_of_page(walked: dict[str, dict[str, Any]]) -> None:
    kinds = {rel.split("/", 1)[0] for rel in walked}
    assert {"", "catalog", "credentials", "issuers", "endorsers", "skills", "verify", "privacy"} <= kinds
    assert len([rel for rel in walked if rel.startswith("credentials/")]) == 35


def test_no_page_has_errors_failed_requests_overflow_or_unrendered_text(walked: dict[str, dict[str, Any]]) -> None:
    found = {rel: seen["problems"] for rel, seen in walked.items() if seen["problems"]}
    assert found == {}


def test_every_link_within_the_site_leads_to_a_page_and_an_anchor_on_it(
    walked: dict[str, dict[str, Any]], built_site: Path, site_url: str
) -> None:
    broken = []
    for rel, seen in walked.items():
        for href in seen["links"]:
            if not href.startswith(site_url):
                continue
            address, fragment = urldefrag(href)
            target = unquote(address[len(site_url) :].split("?", 1)[0])
            path = built_site / target
            if not (path.is_file() or (path / "index.html").is_file()):
                broken.append(f"{rel or '/'} -> {href}: no such page")
            elif (
                fragment
                and target in walked
                and not target.startswith(STATEFUL)
                and (unquote(fragment) not in walked[target]["ids"])
            ):
                broken.append(f"{rel or '/'} -> {href}: no such anchor")
    assert broken == []


#: What the focused element looks like: nothing when it, or something around it, is transparent or hidden.
FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const box = e.getBoundingClientRect();
  let opacity = 1;
  for (let n = e; n instanceof Element; n = n.parentElement) opacity *= Number(getComputedStyle(n).opacity);
  const style = getComputedStyle(e);
  const shown = box.width > 0 && box.height > 0 && opacity > 0.1 && style.visibility === 'visible';
  // A focus indicator of its own: an outline (Chromium's "auto" ring counts) or a shadow drawn around it.
  const ring = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none';
  return [e.outerHTML.slice(0, 80), shown, ring];
}"""


@pytest.mark.parametrize(
    "path",
    [
        "",
        "catalog/",
        "compare/?ids=cloud-skills-council/cloud-cost-optimisation,northbridge-university/sql-for-data-analysis",
        "credentials/northbridge-university/sql-for-data-analysis/",
        "verify/",
    ],
)
def test_keyboard_focus_never_lands_on_something_nobody_sees(page: Any, site_url: str, path: str) -> None:
    """Tab through the whole page: each stop is a control the person can see, and shows that it has the focus
    (WCAG 2.4.7). Material's stylesheet takes the outline off every input (input{outline:none}): the catalog's
    filter boxes and its search-within-a-filter box took the focus with nothing on screen saying where it was."""
    page.goto(site_url + path)
    page.wait_for_load_state("networkidle")
    page_drawn(page)
    stops: list[str] = []
    unseen: list[str] = []
    unmarked: list[str] = []
    for _ in range(400):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None:
            continue
        if stops and focused[0] == stops[0]:
            break  # round the page once
        stops.append(focused[0])
        if not focused[1]:
            unseen.append(focused[0])
        if not focused[2]:
            unmarked.append(focused[0])
    assert len(stops) > 10
    assert unseen == []
    assert unmarked == [], "keyboard stops that show no focus indicator"
