"""The published site makes a visitor's browser fetch nothing from another server: issuers' https logos and badge
images (tracking pixels, and pictures that can change after review) are shown as the site's own stand-in, every
page's CSP lets images come only from the site, and no HTML, CSS or JS file of a real build names an outside URL
where a browser would fetch it. Awards and the API still carry the URLs as written."""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from generator.publish.build import build_site
from generator.site.plugin import CSP
from tests.conftest import REPO, make_registry

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
TRACKER = "https://tracker.example/"
ISSUER = "acme-academy"


def with_remote_images(root: Path) -> Path:
    """The test registry with its issuer's logo (current and former) and every badge image as https URLs."""
    issuer = root / "registry" / "issuers" / ISSUER
    text = (issuer / "issuer.yaml").read_text()
    (issuer / "issuer.yaml").write_text(
        text + f"logo: {TRACKER}acme.png\n"
        "former_profiles:\n"
        "  - until: 2024-06-30\n"
        "    name: Acme Training\n"
        "    url: https://acme.example\n"
        "    email: credentials@acme.example\n"
        f"    logo: {TRACKER}old.svg?visitor=1\n"
    )
    for credential in (issuer / "credentials").glob("*.yaml"):
        credential.write_text(credential.read_text() + f"image: {TRACKER}{credential.stem}.png\n")
    return root


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("third-party")
    root = with_remote_images(make_registry(base / "registry"))
    return build_site(root, base / "site", now=NOW).out


@pytest.fixture(scope="module", params=["remote-images", "example"])
def any_site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site above, and the example registry's (logos and badges as files, endorsers, a larger catalog)."""
    if request.param == "remote-images":
        built: Path = request.getfixturevalue("site")
        return built
    return build_site(REPO, tmp_path_factory.mktemp("example") / "site", now=NOW).out


# --- what counts as a fetch ------------------------------------------------------------------------------------

#: ``<link rel>`` values a browser does not fetch by itself (navigation and metadata); every other rel may.
_NOT_FETCHED_RELS = {"alternate", "canonical", "author", "license", "help", "next", "prev", "me", "bookmark", "tag"}
#: Attributes whose value a browser loads, whatever the element (``srcset`` holds several; ``ping`` is called
#: when a link is followed).
_FETCHED_ATTRS = {"src", "srcset", "imagesrcset", "poster", "data", "background", "ping"}
#: SVG elements whose ``href`` (or ``xlink:href``) is loaded, not followed.
_SVG_FETCHING = {"image", "use", "feimage", "script", "style"}
_CSS_URL = re.compile(
    r"""url\(\s*(?P<q1>['"]?)(?P<url>.*?)(?P=q1)\s*\)"""
    r"""|@import\s+(?P<q2>['"])(?P<imported>.*?)(?P=q2)"""
    r"""|image-set\(\s*(?P<q3>['"])(?P<set>.*?)(?P=q3)""",
    re.I | re.S,
)


def outside(url: str) -> bool:
    """A URL the browser would fetch from another server: with a scheme or host (``data:`` and ``blob:`` are
    local), or protocol-relative."""
    url = url.strip()
    if url.startswith("//"):
        return True
    parts = urlsplit(url)
    return bool(parts.netloc) or parts.scheme not in ("", "data", "blob")


def css_urls(css: str) -> list[str]:
    """Every URL a stylesheet loads: ``url()``, ``@import`` and ``image-set()`` strings."""
    return [m["url"] if m["url"] is not None else m["imported"] or m["set"] or "" for m in _CSS_URL.finditer(css)]


class _Fetches(HTMLParser):
    """The URLs an HTML document makes the browser fetch: element attributes, ``<link>`` by rel, inline styles,
    ``<style>`` elements and SVG references."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[tuple[str, str]] = []
        self._svg = 0
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "svg":
            self._svg += 1
        if tag == "style":
            self._in_style = True
        for name, value in values.items():
            if name in _FETCHED_ATTRS or (name in ("href", "xlink:href") and self._svg and tag in _SVG_FETCHING):
                candidates = [part.strip().split(" ")[0] for part in value.split(",")] if "srcset" in name else [value]
                candidates = value.split() if name == "ping" else candidates
                self.urls += [(f"<{tag} {name}>", url) for url in candidates if url]
            if name == "style":
                self.urls += [(f"<{tag} style>", url) for url in css_urls(value)]
        if tag == "link" and "href" in values:
            rels = set(values.get("rel", "").lower().split())
            if rels - _NOT_FETCHED_RELS or not rels:
                self.urls.append((f"<link rel={values.get('rel')}>", values["href"]))
        if tag == "base" and "href" in values:
            self.urls.append(("<base href>", values["href"]))  # every relative URL would resolve there
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            self.urls.append(("<meta refresh>", values.get("content", "").partition("url=")[2]))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "svg":
            self._svg -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg":
            self._svg = max(0, self._svg - 1)
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.urls += [("<style>", url) for url in css_urls(data)]


def html_fetches(html: str) -> list[tuple[str, str]]:
    parser = _Fetches()
    parser.feed(html)
    parser.close()
    return parser.urls


#: Absolute URLs that open a JS string literal and are not fetched: identifiers (XML and JSON-LD namespaces,
#: contexts the verifier holds locally), links a reader may follow, a base for parsing relative paths.
_JS_NOT_FETCHED = (
    "http://www.w3.org/",
    "https://www.w3.org/",
    "https://purl.imsglobal.org/",
    "https://credreg.dev/contexts/",
    "https://github.com/zloirock/core-js",  # a licence notice
    "https://www.linkedin.com/profile/add?",  # the verify page's "add to LinkedIn" link, followed only on click
    "https://example.com${",  # Pagefind resolves relative paths against it
    "https://p",  # Pagefind UI, the same
)
#: Fetches Material's bundle makes only when a page asks: GitHub's or GitLab's API for a repository widget
#: (``data-md-component="source"``, from ``repo_url``), mermaid for ``pre.mermaid``, a ResizeObserver polyfill in
#: browsers too old to have one (and the CSP's ``script-src 'self'`` refuses it there).
_THEME_ON_DEMAND = {
    "https://api.github.com/": 'data-md-component="source"',
    "https://${": 'data-md-component="source"',
    "https://unpkg.com/mermaid": "mermaid",
    "https://unpkg.com/resize-observer-polyfill": None,
}
_JS_ABSOLUTE = re.compile(r"""[`'"]((?:https?:)?//[^`'"\s]*)""")


def js_absolute_urls(js: str) -> list[str]:
    return [url for url in _JS_ABSOLUTE.findall(js) if url.startswith("http") or re.match(r"//[\w.-]+\.\w", url)]


# --- the tests -------------------------------------------------------------------------------------------------


def test_the_csp_lets_images_come_only_from_the_site() -> None:
    directives = dict(d.strip().split(" ", 1) for d in CSP.split(";") if d.strip())
    assert directives["img-src"].split() == ["'self'", "data:", "blob:"]
    for name, sources in directives.items():
        tokens = sources.split()
        assert not [t for t in tokens if t in ("https:", "http:", "*") or "://" in t], (name, tokens)


def test_https_logos_and_badge_images_are_shown_as_the_sites_own_stand_in(site: Path) -> None:
    for page in ("issuers/index.html", f"issuers/{ISSUER}/index.html", f"credentials/{ISSUER}/sql-basics/index.html"):
        html = (site / page).read_text()
        assert TRACKER not in html, page  # not as an image, not as a link-preview image
        assert "cr-stand-in" in html, page
    issuers = (site / "issuers" / "index.html").read_text()
    card = issuers[issuers.index('class="cr-issuer-card"') :]
    assert re.match(r'class="cr-issuer-card"><svg class="cr-issuer-card__logo cr-stand-in"', card)
    assert ">AA</text>" in card  # Acme Academy's initials, nothing that pretends to be its logo


def test_awards_and_the_api_still_carry_the_urls_as_written(site: Path) -> None:
    api = json.loads((site / "api" / "issuers" / f"{ISSUER}.json").read_text())
    assert api["logo"] == f"{TRACKER}acme.png"
    assert api["former_profiles"][0]["logo"] == f"{TRACKER}old.svg?visitor=1"
    achievement = json.loads((site / "credentials" / ISSUER / "sql-basics" / "achievement.json").read_text())
    assert f"{TRACKER}sql-basics.png" in json.dumps(achievement)
    ctdl = json.loads((site / "credentials" / ISSUER / "sql-basics" / "ctdl.json").read_text())
    assert f"{TRACKER}sql-basics.png" in json.dumps(ctdl)


def test_no_file_of_the_site_makes_the_browser_fetch_from_another_server(any_site: Path) -> None:
    site = any_site
    pages = [p for p in site.rglob("*") if p.suffix in (".html", ".htm", ".svg")]
    stylesheets = list(site.rglob("*.css"))
    scripts = [p for p in site.rglob("*") if p.suffix in (".js", ".mjs")]
    assert len(pages) > 10
    assert stylesheets
    assert len(scripts) > 10
    html_of_pages = ""
    leaks = []
    for path in pages:
        text = path.read_text(errors="replace")
        if path.suffix != ".svg":
            html_of_pages += text
        leaks += [(path.relative_to(site).as_posix(), where, url) for where, url in html_fetches(text) if outside(url)]
    for path in stylesheets:
        leaks += [(path.relative_to(site).as_posix(), "css", u) for u in css_urls(path.read_text()) if outside(u)]
    on_demand = []
    for path in scripts:
        for url in js_absolute_urls(path.read_text(errors="replace")):
            if url.startswith(_JS_NOT_FETCHED):
                continue
            trigger = next((t for prefix, t in _THEME_ON_DEMAND.items() if url.startswith(prefix)), "")
            if trigger == "" or not path.is_relative_to(site / "assets" / "javascripts"):
                leaks.append((path.relative_to(site).as_posix(), "js", url))
            elif trigger is not None:
                on_demand.append(trigger)
    assert leaks == []
    assert on_demand  # the theme's on-demand fetches were found, so the scan reads the bundle ...
    for trigger in on_demand:  # ... and no page asks for one
        assert trigger not in html_of_pages, trigger


def test_the_scan_sees_every_kind_of_outside_fetch() -> None:
    """The scanner's own check: each fetching position is caught, links and identifiers are not."""
    html = (
        '<img src="https://t.example/a.png"><img srcset="a.png 1x, //t.example/b.png 2x">'
        '<link rel="stylesheet" href="https://t.example/s.css"><link rel="preconnect" href="https://t.example">'
        '<link rel="icon" href="http://t.example/i.ico"><script src="https://t.example/s.js"></script>'
        '<iframe src="https://t.example/f"></iframe><video poster="https://t.example/p.jpg"></video>'
        '<object data="https://t.example/o"></object><div style="background:url(https://t.example/bg.png)"></div>'
        '<style>@import "https://t.example/i.css"; p{background:url("https://t.example/p.png")}</style>'
        '<svg><image href="https://t.example/s.png"/><use xlink:href="https://t.example/u.svg#x"></use></svg>'
        '<base href="https://t.example/"><a href="page/" ping="https://t.example/ping">x</a>'
    )
    assert len([u for _, u in html_fetches(html) if outside(u)]) == 16
    harmless = (
        '<a href="https://elsewhere.example/">x</a><link rel="canonical" href="https://r.example/">'
        '<link rel="alternate" href="https://r.example/feed.xml"><img src="../logo.svg">'
        '<img src="data:image/png;base64,AA"><meta property="og:image" content="https://r.example/i.png">'
        '<form action="https://r.example/"></form><svg><a href="https://r.example/">x</a></svg>'
    )
    assert [u for _, u in html_fetches(harmless) if outside(u)] == []
    assert js_absolute_urls('fetch("https://t.example/x"); const s = "//cdn.example/x.js"; // http comment') == [
        "https://t.example/x",
        "//cdn.example/x.js",
    ]
