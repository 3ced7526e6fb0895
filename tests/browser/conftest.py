"""Browser fixtures: the example registry built once with the real ``credreg build``, served over HTTP on
127.0.0.1, and driven by Playwright with Debian's Chromium (never a downloaded browser)."""

from __future__ import annotations

import contextlib
import fcntl
import functools
import os
import re
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from generator.cli import main as credreg

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = REPO / "tests" / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test here drives a browser; one xdist worker runs them all, so the site is built once."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.xdist_group("browser"))


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def build(root: Path, out: Path) -> Path:
    """``credreg --root ROOT build --out OUT``, as a user runs it."""
    assert credreg(["--root", str(root), "build", "--out", str(out)]) == 0
    return out


class _NoStoreHandler(_QuietHandler):
    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()


@contextlib.contextmanager
def serve_dir(directory: Path, *, no_store: bool = False) -> Iterator[str]:
    """Serve ``directory`` on a free port of 127.0.0.1; yields the base URL (ending in ``/``).

    ``no_store``: responses say ``Cache-Control: no-store`` (for tests that change files between visits)."""
    handler = functools.partial(_NoStoreHandler if no_store else _QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example registry, built once per test run, however many xdist workers need it.

    xdist's grouping does not keep these tests on one worker with pytest 9, so workers share the build: the
    first one builds under a lock in the run's common temporary directory, the others wait and reuse it.
    """
    base = tmp_path_factory.getbasetemp()
    common = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base  # per-run either way
    target = common / "example-site"
    with (common / "example-site.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (target / "index.html").is_file():
            build(REPO, target)
    return target


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    with serve_dir(built_site) as url:
        yield url


def _slowdown() -> float | None:
    """``CREDREG_BROWSER_SLOWDOWN=N``: every page runs on a CPU N times slower (None: unset, full speed)."""
    value = os.environ.get("CREDREG_BROWSER_SLOWDOWN", "").strip()
    if not value:
        return None
    try:
        rate = float(value)
    except ValueError:
        raise pytest.UsageError(f"CREDREG_BROWSER_SLOWDOWN={value!r}: expected a number such as 6") from None
    if rate < 1:
        raise pytest.UsageError(f"CREDREG_BROWSER_SLOWDOWN={value!r}: expected a number of at least 1")
    return rate


def _throttle_every_page(browser: Any, rate: float) -> None:
    """Throttle the CPU of every page of every context ``browser`` creates, the tests' own contexts included.

    A loaded CI machine is slow where a developer's is not: a page script's late answer can land after the
    test's next key press. Slowing every page down finds such races here rather than in CI."""

    def throttle(page: Any) -> Any:
        session = page.context.new_cdp_session(page)
        session.send("Emulation.setCPUThrottlingRate", {"rate": rate})
        return page

    # The "page" event covers every page (popups too), but its listener runs after new_page() has returned,
    # so a page's first scripts could run at full speed: new_page() itself throttles before returning.
    def on_page(page: Any) -> None:
        try:
            throttle(page)
        except sync_api.Error:
            if not page.is_closed():  # a popup may close before it is throttled: nothing to slow down then
                raise

    def on_context(context: Any) -> None:
        new_page = context.new_page
        context.new_page = lambda *args, **kwargs: throttle(new_page(*args, **kwargs))
        context.on("page", on_page)

    browser.on("context", on_context)
    new_page = browser.new_page  # makes its context inside Playwright, past the patched new_page
    browser.new_page = lambda *args, **kwargs: throttle(new_page(*args, **kwargs))


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (`make chromium` installs Debian's chromium)")
    rate = _slowdown()
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        if rate is not None:
            _throttle_every_page(instance, rate)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page (own context: its own storage) at a desktop size."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    yield tab
    context.close()


def page_errors(page: Any) -> list[str]:
    """A list that fills with the page's script errors and console errors (CSP refusals among them) as they
    happen. Not failed loads: the verification page expects 404s (no shard for an unknown hash's prefix, no log)."""
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and not msg.text.startswith("Failed to load resource")
            else None
        ),
    )
    return errors


def catalog_shown(page: Any, address: str | re.Pattern[str] | None = None) -> None:
    """Wait until the catalog shows the results of the address the page is at, which must match ``address``.

    A heading read after a change may still be the last search's, when both say as much ("7 credentials match"
    twice, or "match" at all): the catalog marks the search its results are for on ``data-shown-for``, in the same
    step it writes the heading and the cards."""
    if address is not None:
        sync_api.expect(page).to_have_url(address)
    search = urlsplit(page.url).query
    sync_api.expect(page.locator("[data-catalog]")).to_have_attribute("data-shown-for", f"?{search}" if search else "")


def page_drawn(page: Any) -> None:
    """Wait until the page's own scripts have drawn what they draw after it loads, by the progress marks they set:
    the catalog its results (``data-shown-for``, :func:`catalog_shown`), the compare page its table
    (``data-comparing``) and each claim's weighing (``data-weighing``), the verification page's e-mail form its
    conclusion (``data-concluding``). A page that sets none returns at once. The network falling quiet says none
    of this: the catalog draws its cards from files it already has, after ``networkidle``."""
    if page.locator("[data-catalog]").count():
        catalog_shown(page)
    for mark in ("data-comparing", "data-weighing", "data-concluding"):
        sync_api.expect(page.locator(f"[{mark}]")).to_have_count(0)


def screenshot(page: Any, name: str) -> Path:
    """Save a full-page screenshot as ``tests/artifacts/screenshots/<name>.png``."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


#: Every finite animation and transition of the page has finished (Material fades its header tabs in one after
#: another on load: axe measuring a tab half-faded found its contrast too low, on a loaded machine only).
_SETTLED = """() => document.getAnimations().every(
  (a) => a.playState !== "running" || a.effect?.getComputedTiming().iterations === Infinity)"""


def scrolled_to_top(page: Any) -> None:
    """Scroll the page to its top and wait until the theme has seen it: Material hides its header tabs (the
    ``hidden`` attribute of ``.md-tabs``) while the page is scrolled, and shows them again, fading, once it is back
    at the top (on a narrow screen they are not shown at all). :func:`axe_results` then waits for that fade to end;
    right after the scroll it has not begun, and a fixed wait for it was too short on a loaded machine."""
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_function(
        """() => {
          const tabs = document.querySelector(".md-tabs");  // not shown at all on a narrow screen
          return window.scrollY === 0 && (!tabs || !tabs.hidden || getComputedStyle(tabs).display === "none");
        }""",
        timeout=15_000,
    )


def axe_results(page: Any) -> Any:
    """axe's audit of the page as it settles: after its animations and transitions end, not during one."""
    from axe_playwright_python.sync_playwright import Axe

    page.wait_for_function(_SETTLED, timeout=15_000)
    return Axe().run(page)
