"""How fresh the data behind a verdict is (docs/hosting.md "How fresh a verdict is"). Static hosts send cache
headers (GitHub Pages: ``Cache-Control: max-age=600``, CDNs longer): a revocation published while a visitor has the
page open, or within max-age of an earlier visit, must still turn the next verdict to "revoked". The page kept every
file it had read for its whole life (SiteData's memo) and let the browser answer from its HTTP cache: a second lookup
in the same tab, or after a reload, said "valid" for an award its issuer had revoked.

Two builds of one registry (before and after ``credreg revoke``) are served in turn from one address, with
GitHub Pages' headers; the server counts what it sends, for the cost of revalidating every file on each lookup."""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from generator.load import load_registry
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, build, serve_dir
from tests.browser.test_verify_page import _cli, awarded_copy, wait_for_verdict

pytestmark = pytest.mark.browser


@dataclass
class Served:
    """What the server sends: the build it serves (switched by the test) and a record of each answer."""

    root: Path
    sent: list[tuple[str, int, int]] = field(default_factory=list)  # (path, status, body bytes)
    other: dict[str, Path] = field(default_factory=dict)
    """Paths (prefixes) served from another build: a CDN holding some files of one build and some of the next."""
    lock: threading.Lock = field(default_factory=threading.Lock)


class _PagesLike(SimpleHTTPRequestHandler):
    """A static host as GitHub Pages answers: max-age=600 and Last-Modified (a conditional GET gets a 304)."""

    served: Served

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, directory=str(self.served.root), **kwargs)

    def translate_path(self, path: str) -> str:
        self.directory = str(next((r for p, r in self.served.other.items() if path.startswith(p)), self.served.root))
        return super().translate_path(path)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "max-age=600")
        super().end_headers()

    def send_response(self, code: int, message: str | None = None) -> None:
        self._code = code
        super().send_response(code, message)

    def copyfile(self, source: Any, outputfile: Any) -> None:
        data = source.read()
        self._bytes = len(data)
        outputfile.write(data)

    def handle_one_request(self) -> None:
        self._code, self._bytes = 0, 0
        super().handle_one_request()
        if self._code:
            with self.served.lock:
                self.served.sent.append((self.path, self._code, self._bytes))

    def log_message(self, format: str, *args: object) -> None:
        pass


@dataclass
class Registry:
    url: str
    served: Served
    before: Path
    """The build where the award is valid."""
    after: Path
    """The next build: its issuer revoked it."""
    hash: str


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registry]:
    base = tmp_path_factory.mktemp("fresh")
    awarded = awarded_copy(base, "dana.reyes@example.org,Dana Reyes\n")
    root, r, env, key = awarded.root, awarded.args, awarded.env, awarded.key
    digest = awarded.rows["dana.reyes@example.org"]["award_hash"]
    before = build(root, base / "before")
    _cli(*r, "revoke", digest, "--reason", "Issued in error", "--key", key, env=env)
    after = build(root, base / "after")
    served = Served(before)
    server = ThreadingHTTPServer(("127.0.0.1", 0), type("Handler", (_PagesLike,), {"served": served}))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield Registry(f"http://127.0.0.1:{server.server_address[1]}/", served, before, after, digest)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def fresh(registry: Registry) -> Iterator[Registry]:
    """The registry served from its first build, the record of answers cleared."""
    registry.served.root = registry.before
    registry.served.sent.clear()
    registry.served.other.clear()
    yield registry
    registry.served.root = registry.before
    registry.served.other.clear()


def _publish_revocation(registry: Registry) -> None:
    """The registry's next build goes live, as a publish replaces the site's files (each a later mtime)."""
    registry.served.root = registry.after


def _lookup_again(page: Any, digest: str) -> str:
    """A second lookup of the same award in the same tab, as a visitor types its hash again."""
    page.eval_on_selector("#cr-verdict", "v => { v.dataset.verdict = 'before'; }")
    page.fill("#cr-hash", digest)
    page.click("#cr-hash-form button[type=submit]")
    page.wait_for_function(
        "() => !['before', 'checking'].includes(document.getElementById('cr-verdict').dataset.verdict)",
        timeout=15_000,
    )
    return str(page.get_attribute("#cr-verdict", "data-verdict"))


def test_a_revocation_published_while_the_page_is_open_turns_the_next_lookup_revoked(
    page: Any, fresh: Registry
) -> None:
    page.goto(f"{fresh.url}verify/#{fresh.hash}")
    assert wait_for_verdict(page) == "valid"
    _publish_revocation(fresh)
    assert _lookup_again(page, fresh.hash) == "revoked"


def test_a_revocation_published_within_max_age_of_a_visit_turns_a_reload_revoked(page: Any, fresh: Registry) -> None:
    page.goto(f"{fresh.url}verify/#{fresh.hash}")
    assert wait_for_verdict(page) == "valid"
    _publish_revocation(fresh)
    page.goto("about:blank")
    page.goto(f"{fresh.url}verify/#{fresh.hash}")
    assert wait_for_verdict(page) == "revoked"


def _data(sent: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """The answers for the registry's data: not the page, its scripts, styles and sitemap, nor the badge image."""
    return [s for s in sent if s[0].startswith(("/verify/", "/issuers/", "/log/")) and s[0] != "/verify/"
            and not s[0].endswith((".css", ".js", ".svg", ".png"))]  # fmt: skip


def test_what_a_second_lookup_costs_when_nothing_changed(page: Any, fresh: Registry) -> None:
    """Every file of the registry's data is revalidated on each lookup: a 304 of no body for each one unchanged.
    Prints the counts (pytest -s) for docs/hosting.md."""
    page.goto(f"{fresh.url}verify/#{fresh.hash}")
    assert wait_for_verdict(page) == "valid"
    first = _data(list(fresh.served.sent))
    fresh.served.sent.clear()
    assert _lookup_again(page, fresh.hash) == "valid"
    again = _data(list(fresh.served.sent))
    print(f"\nfirst lookup: {len(first)} data requests, {sum(b for _, _, b in first)} body bytes")
    print(f"second lookup: {len(again)} data requests, {sum(b for _, _, b in again)} body bytes, "
          f"{sum(1 for _, s, _ in again if s == 304)} of them 304")  # fmt: skip
    for path, status, size in [*first, ("-- again --", 0, 0), *again]:
        print(f"  {status} {size:>7} {path}")
    revalidated = {path for path, status, _ in again if status == 304}
    assert revalidated, again  # the revocation data was asked again of the server, and answered "unchanged"
    assert any("/status/" in p for p in revalidated), again
    assert all(status == 304 for path, status, _ in again if "/status/" in path or "/shards/" in path), again


@pytest.mark.parametrize(
    ("live", "stale", "verdict"),
    [
        ("after", "/issuers/", "revoked"),  # the new shard's signed revocation, the old status list: revoked
        ("before", "/issuers/", "revoked"),  # the old shard, the new status list (its bit set): revoked
        ("after", "/verify/shards/", "error"),  # the new digests, the old shard: the digest error
        ("before", "/verify/shards/", "error"),  # the old digests, the new shard: the digest error
        ("after", "/verify/index.json", "revoked"),  # an old index: the same shards here, their new content
    ],
)
def test_a_mix_of_two_builds_is_the_right_verdict_or_an_error_never_valid(
    page: Any, fresh: Registry, live: str, stale: str, verdict: str
) -> None:
    """What a CDN may serve after a publish when it holds some files of one build (docs/hosting.md "How fresh a
    verdict is"): ``live`` the build most files come from, the files under ``stale`` from the other one."""
    fresh.served.root = getattr(fresh, live)
    fresh.served.other[stale] = fresh.before if live == "after" else fresh.after
    page.goto(f"{fresh.url}verify/#{fresh.hash}")
    assert wait_for_verdict(page) == verdict, page.inner_text("#cr-verdict")


@pytest.fixture(scope="module")
def bfcache_browser(browser: Any) -> Iterator[Any]:
    """Chromium with its back/forward cache on, as every visitor's is (Playwright turns it off by default)."""
    instance = browser.browser_type.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, ignore_default_args=["--disable-back-forward-cache"]
    )
    yield instance
    instance.close()


def _gone_back(page: Any, away: str, meanwhile: Callable[[], None]) -> None:
    """To the page ``away`` and back, ``meanwhile`` changing what is served; asserts the page was restored from the
    back/forward cache (a flag set on it survives), or the test would not be the one it says."""
    page.evaluate("window.crSamePage = true")
    page.goto(away)
    meanwhile()
    page.go_back(wait_until="commit")  # a page restored from the cache fires no load event
    page.wait_for_function("() => document.readyState === 'complete'")
    assert page.evaluate("window.crSamePage === true"), "not restored from the back/forward cache: not this test"


def _spoil(path: Path) -> Callable[[], None]:
    """An endorsement file changed to say more than its body signed (as any change)."""

    def spoil() -> None:
        doc = json.loads(path.read_text(encoding="utf-8"))
        doc["credentialSubject"]["endorsementKind"] = "accredits"
        path.write_text(json.dumps(doc), encoding="utf-8")

    return spoil


def test_a_verdict_restored_by_going_back_is_given_again(bfcache_browser: Any, fresh: Registry) -> None:
    """Back to the page from another one: the browser restores it whole from its back/forward cache, scripts,
    memory and the verdict on screen as they were (no load, no fetch). A revocation published in between was not
    seen: "valid" stayed, as given before it. The page gives its verdict again when it is shown again."""
    context = bfcache_browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{fresh.url}verify/#{fresh.hash}")
        assert wait_for_verdict(page) == "valid"
        _gone_back(page, f"{fresh.url}index.html", lambda: _publish_revocation(fresh))
        page.wait_for_function(
            "() => !['valid', 'checking'].includes(document.getElementById('cr-verdict').dataset.verdict)",
            timeout=15_000,
        )
        assert page.get_attribute("#cr-verdict", "data-verdict") == "revoked"
    finally:
        context.close()


def test_an_endorsements_badge_restored_by_going_back_is_checked_again(
    bfcache_browser: Any, built_site: Path, tmp_path: Path
) -> None:
    """The credential page's endorsement badges the same: restored from the back/forward cache, "Valid: checked in
    your browser" stood for a file changed since (here made to say more than its body signed, as any change)."""
    copy = tmp_path / "site"
    shutil.copytree(built_site, copy)
    page_path = "credentials/brightforge-academy/back-end-development-with-python/"
    html = (copy / page_path / "index.html").read_text(encoding="utf-8")
    digest = html.split('data-endorsement="', 1)[1].split('"', 1)[0]
    path = next(copy.glob(f"endorsers/*/endorsements/{digest}.json"))
    context = bfcache_browser.new_context()
    try:
        with serve_dir(copy) as url:
            page = context.new_page()
            page.goto(url + page_path)
            page.wait_for_function("() => document.querySelector('li[data-endorsement]').dataset.verified === 'valid'")
            _gone_back(page, f"{url}index.html", _spoil(path))
            page.wait_for_function(
                "() => document.querySelector('li[data-endorsement]').dataset.verified === 'invalid'", timeout=15_000
            )
    finally:
        context.close()


def test_a_comparison_restored_by_going_back_weighs_its_claims_again(
    bfcache_browser: Any, built_site: Path, tmp_path: Path
) -> None:
    """The compare page's claims the same: restored from the back/forward cache, "Confirmed: signed by the body"
    stood on an endorsement changed since; each claim is weighed again with its endorsements' verdicts now."""
    copy = tmp_path / "site"
    shutil.copytree(built_site, copy)
    sql = "northbridge-university/sql-for-data-analysis"
    api = json.loads((copy / "api" / "credentials" / f"{sql}.json").read_text(encoding="utf-8"))
    path = copy / api["display"]["quality_assurance"][0]["endorsements"][0]["file"]
    context = bfcache_browser.new_context()
    try:
        with serve_dir(copy) as url:
            page = context.new_page()
            page.goto(f"{url}compare/?ids={sql},northbridge-university/python-for-data-analysis")
            page.wait_for_selector("[data-claim=confirmed]")
            # Confirmed as the browser weighed it, not in the build's words it is drawn in (the same words): a page
            # left with its weighing still running may not be kept in the back/forward cache at all.
            page.wait_for_function("() => !document.querySelector('[data-weighing]')")
            _gone_back(page, f"{url}index.html", _spoil(path))
            page.wait_for_function("() => !document.querySelector('[data-claim=confirmed]')", timeout=15_000)
    finally:
        context.close()


def test_the_compare_page_asks_again_for_its_credentials(page: Any, fresh: Registry) -> None:
    """The compare page's credential documents (their endorsements and claims) are revalidated on each visit, as
    the verification page's files are: within max-age the browser answered from its copy, asking nothing."""
    registry = load_registry(fresh.before.parent / "registry-copy").registry
    assert registry is not None
    refs = [
        f"{issuer}/{slug}" for issuer, record in sorted(registry.issuers.items()) for slug in sorted(record.credentials)
    ][:2]
    address = f"{fresh.url}compare/?ids={','.join(refs)}"
    for _ in range(2):
        page.goto("about:blank")
        page.goto(address)
        page.wait_for_selector(".cr-compare__remove")
    asked = [(path, status) for path, status, _ in fresh.served.sent if path.startswith("/api/credentials/")]
    assert sorted(asked) == sorted(
        [(f"/api/credentials/{ref}.json", 200) for ref in refs]
        + [(f"/api/credentials/{ref}.json", 304) for ref in refs]
    ), asked
