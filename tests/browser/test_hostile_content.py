"""Issuer text that tries to run script is shown as text: no dialog, no flag set, no javascript: link and no
event-handler attribute reaches the DOM, on every page the hostile issuer's data appears on."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator._internal.svg import sanitize_svg
from tests.browser.conftest import build, serve_dir
from tests.conftest import FIXTURES, make_registry

PAGES = [
    "",
    "catalog/",
    "catalog/?q=sql",
    "issuers/",
    "issuers/acme-academy/",
    "credentials/acme-academy/sql-basics/",
    "skills/",
    # Drawn in the browser from the credential's API file (compare.js): the hostile name, claims and facts as text.
    "compare/?ids=acme-academy/sql-basics",
]

# Fails loudly if anything tries: every payload sets window.__xss or opens a dialog.
TRAP = (
    "window.__xss = undefined; for (const f of ['alert', 'confirm', 'prompt']) window[f] = () => { window.__xss = f; };"
)

DOM_AUDIT = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      if (attr.name.toLowerCase().startsWith('on')) bad.push(`${el.tagName} ${attr.name}`);
      if (/^\\s*javascript:/i.test(attr.value)) bad.push(`${el.tagName} ${attr.name}=${attr.value}`);
    }
  }
  for (const s of document.querySelectorAll('script')) {
    const external = s.src && new URL(s.src).origin === location.origin;
    if (!external && s.type !== 'application/json') bad.push(`inline script: ${s.textContent.slice(0, 60)}`);
  }
  for (const el of document.querySelectorAll('iframe, object, embed, svg[onload]')) bad.push(el.tagName);
  return bad;
}"""


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    base = tmp_path_factory.mktemp("hostile")
    root = make_registry(base / "registry", FIXTURES / "hostile")
    site = build(root, base / "site")
    with serve_dir(site) as url:
        yield url


@pytest.mark.parametrize("path", PAGES)
def test_hostile_issuer_text_executes_nothing(browser: Any, hostile_url: str, path: str) -> None:
    context = browser.new_context()
    context.add_init_script(TRAP)
    page = context.new_page()
    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.goto(hostile_url + path)
    page.wait_for_load_state("networkidle")
    for link in page.locator("a").all()[:200]:  # hover every link: handlers on mouseover would fire
        if link.is_visible():
            link.hover(timeout=2000)
    assert dialogs == []
    assert page.evaluate("window.__xss") is None
    assert page.evaluate(DOM_AUDIT) == []
    context.close()


def test_hostile_text_is_shown_as_text(browser: Any, hostile_url: str) -> None:
    page = browser.new_page()
    page.goto(hostile_url + "issuers/acme-academy/")
    assert "<script>window.__xss = 'description-script'</script>" in page.inner_text("article")
    assert page.title().startswith('Acme "><script>')
    page.close()


def test_the_comparison_shows_hostile_text_as_text(browser: Any, hostile_url: str) -> None:
    """compare.js draws the table from the credential's API file: the hostile name and claim are its text (so the
    compare page above was audited with the hostile data drawn, not before it arrived)."""
    page = browser.new_page()
    page.goto(hostile_url + "compare/?ids=acme-academy/sql-basics")
    table = page.locator("[data-compare-table] table")
    table.wait_for()
    assert "SQL <script>window.__xss='credential-name'</script>" in table.inner_text()
    assert "<script>window.__xss='qa'</script>" in table.inner_text()
    page.close()


def test_a_search_result_is_the_card_the_server_renders(browser: Any, hostile_url: str) -> None:
    """The catalog's search results come from the Pagefind index: a card built from it shows the hostile name and
    summary as the same text as the server's list, links to the same page, and Pagefind attributes, entities and
    <mark> written in issuer text add no filter value, no metadata and no link of their own (the stand-in pages
    Pagefind reads hold issuer text escaped: generator/publish/search.py)."""
    # The server's list is read with the search index unreachable, so the catalog leaves it shown: otherwise its own
    # search hides it as soon as Pagefind answers, and a hidden card's text has no line breaks (read while that
    # search ran, it had them or not: a failure in CI).
    unsearched = browser.new_context()
    unsearched.route("**/pagefind/**", lambda route: route.abort())
    plain = unsearched.new_page()
    plain.goto(hostile_url + "catalog/")
    card = plain.locator("[data-server-list] .cr-card", has_text="SQL <script>")
    card.get_by_role("button", name="Add to compare").wait_for()
    server = (card.inner_text(), card.locator("a").first.evaluate("a => a.href"))
    unsearched.close()
    page = browser.new_page()
    page.goto(hostile_url + "catalog/?q=sql")
    page.wait_for_selector("[data-result-list] .cr-card")
    card = page.locator("[data-result-list] .cr-card", has_text="SQL <script>")
    assert (card.inner_text(), card.locator("a").first.evaluate("a => a.href")) == server
    index = page.evaluate(
        """async () => {
             const pagefind = await import(new URL("../pagefind/pagefind.js", location.href).href);
             await pagefind.options({ baseUrl: new URL("../", location.href).pathname });
             const found = await pagefind.search("sql");
             const data = await Promise.all(found.results.map((r) => r.data()));
             return { filters: await pagefind.filters(), results: data.map((d) => ({ url: d.url, meta: d.meta })) };
           }"""
    )
    assert "Expert" not in index["filters"].get("level", {})
    for result in index["results"]:
        assert set(result["meta"]) <= {"title", "card"}, result["meta"]
        assert result["url"].startswith("/credentials/"), result["url"]
        assert "Hijacked" not in result["meta"]["title"]
    page.close()


def test_an_issuer_svg_opened_directly_runs_no_script(browser: Any, tmp_path: Path) -> None:
    # `credreg check` refuses this SVG, so no registry that builds can carry it; the build sanitizes anyway, in
    # case a scripted SVG ever slips past the check. Serve exactly what the build would publish.
    hostile = (FIXTURES / "hostile-logo.svg").read_bytes()
    assert b"<script" in hostile
    assert b"onload" in hostile
    cleaned = sanitize_svg(hostile)
    assert cleaned is not None
    (tmp_path / "logo.svg").write_bytes(cleaned)
    context = browser.new_context()
    context.add_init_script(TRAP)
    page = context.new_page()
    with serve_dir(tmp_path) as url:
        page.goto(url + "logo.svg")
        page.wait_for_load_state("load")
        for link in page.locator("a").all():
            link.click(timeout=2000)
        assert page.evaluate("window.__xss") is None
        content = page.content().lower()
    assert "script" not in content
    assert "onload" not in content
    assert "<circle" in content  # the drawing itself survives
    context.close()
