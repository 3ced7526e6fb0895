"""Issuer text makes no markup of its own on any generated page: every element and attribute in every page body is
one the renderer writes itself, whatever a hostile issuer writes in any field (its name, former names, links,
translations, skills, occupations, claims). The browser test (tests/browser/test_hostile_content.py) runs a few of
these pages for script; this reads them all, for every kind of markup: a ``<meta http-equiv="refresh">``, a
``<base>``, a ``<form>``, a ``style`` attribute or an ``<a>`` of the issuer's would each move or deface the page
with no script at all."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from generator.load import load_registry
from generator.publish.verifydata import AwardStats
from generator.render.model import SiteModel
from generator.render.pages import site_pages
from tests.conftest import FIXTURES, make_registry
from tests.render.conftest import NOW

#: The elements the renderer writes (the stand-in image's svg, rect and text among them).
ELEMENTS = {
    "a", "article", "aside", "blockquote", "br", "button", "caption", "code", "dd", "del", "details", "div", "dl",
    "dt", "em", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "img", "input", "label", "li", "nav",
    "noscript", "ol", "p", "pre", "rect", "s", "section", "span", "strong", "sub", "summary", "sup", "svg", "table",
    "tbody", "td", "text", "th", "thead", "tr", "ul",
}  # fmt: skip
#: Attributes whose value is text a reader may see or a tool may read, where the issuer's words belong.
TEXT_ATTRIBUTES = {"alt", "aria-label", "title", "data-compare-name", "data-own-name"}
MARK = "__xss"

# Appended to the hostile fixture's issuer and credential: the fields its files do not try.
ISSUER_EXTRA = """\
former_profiles:
  - until: 2024-06-30
    name: Old "><meta http-equiv="refresh" content="0;url=https://evil.example/">__xss
    url: https://old.example/__xss
    email: old@acme.example
"""
CREDENTIAL_EXTRA = """\
translations:
  de:
    name: SQL <style>*{display:none}</style>__xss
    summary: Daten "><form action="https://evil.example/"><input name=p>__xss
    description: |
      <a href="https://evil.example/" style="position:fixed;inset:0">__xss</a>
      [__xss](javascript:window.__xss='translation-link') {: onclick="window.__xss=1" }
    criteria: "<img src=x onerror=\\"window.__xss='translation-criteria'\\"> {: style=\\"color:red\\" } __xss"
"""


class _Audit(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ELEMENTS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name in ("style", "action", "formaction", "srcdoc", "http-equiv"):
                self.found.append(f"<{tag} {name}>")
            elif value and MARK in value and name not in TEXT_ATTRIBUTES:
                self.found.append(f"<{tag} {name}={value!r}>")


def test_no_issuer_text_becomes_markup_on_any_page(tmp_path: Path) -> None:
    root = make_registry(tmp_path / "registry", FIXTURES / "hostile")
    issuer = root / "registry" / "issuers" / "acme-academy"
    extras = {issuer / "issuer.yaml": ISSUER_EXTRA, issuer / "credentials" / "sql-basics.yaml": CREDENTIAL_EXTRA}
    for path, extra in extras.items():
        path.write_text(path.read_text() + extra)
    loaded = load_registry(root)
    assert not loaded.problems.errors, loaded.problems.errors
    assert loaded.registry is not None
    model = SiteModel.build(loaded.registry, AwardStats(), {}, NOW)
    pages = site_pages(model, lambda: "")
    found: dict[str, list[str]] = {}
    shown = 0
    for spec in pages:
        body = spec.body()
        shown += body.count(MARK)
        audit = _Audit()
        audit.feed(body)
        # Forms the renderer writes itself: the catalog's search box, which submits to the catalog.
        own = [f for f in audit.found if f != "<form action>"]
        if own:
            found[spec.path] = own
    assert found == {}
    assert shown > 20  # the payloads did reach the pages, as text
