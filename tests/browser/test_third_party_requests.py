"""In Chromium, the pages of a registry whose issuer gives its logo and badge images as https URLs request nothing
from another server: the issuer learns nothing of who reads the registry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from generator.publish.build import build_site
from tests.browser.conftest import axe_results, page_drawn, page_errors, serve_dir
from tests.conftest import make_registry
from tests.site.test_third_party import ISSUER, with_remote_images

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def remote_images_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    base = tmp_path_factory.mktemp("remote-images")
    root = with_remote_images(make_registry(base / "registry"))
    with serve_dir(build_site(root, base / "site", now=NOW).out) as url:
        yield url


@pytest.mark.parametrize("path", ["issuers/", f"issuers/{ISSUER}/", f"credentials/{ISSUER}/sql-basics/", "catalog/"])
def test_a_page_requests_nothing_from_another_server(page: Any, remote_images_url: str, path: str) -> None:
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    errors = page_errors(page)
    page.goto(remote_images_url + path)
    page.wait_for_load_state("networkidle")
    # The catalog draws its cards from the search index after the network falls quiet: what they request (and a
    # CSP refusal of it) comes after networkidle, and was never looked at.
    page_drawn(page)
    assert requests[:1] == [remote_images_url + path]
    assert [url for url in requests if not url.startswith((remote_images_url, "data:", "blob:"))] == []
    assert errors == []  # a CSP refusal would show here
    if path == "catalog/":
        # The cards drawn are the search's (no stand-in among them: a card shows no image), and what they were
        # drawn from was requested under the eyes of the check above.
        assert page.locator("[data-result-list] .cr-card").count() > 0
        assert [url for url in requests if "/pagefind/fragment/" in url]
    else:
        assert page.locator(".cr-stand-in").count() >= 1
    assert [v["id"] for v in axe_results(page).response["violations"]] == []  # the stand-in too
