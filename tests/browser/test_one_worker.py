"""The browser tests share one xdist worker (``tests/browser/conftest.py`` gives them one ``xdist_group``), so the
example site is built once per run and the crawl walks it once. pytest 9.2 keeps a test's id where
pytest-xdist 3.8's ``--dist loadgroup`` no longer writes its group: silently, the browser tests went to either
worker, and each worker built the site and walked every page (two set-ups of the crawl's 138-second fixture)."""

from __future__ import annotations

from typing import Any

import pytest


def test_the_browser_tests_are_one_xdist_group(request: Any) -> None:
    if not hasattr(request.config, "workerinput"):
        pytest.skip("not run by pytest-xdist's workers")
    if not request.config.getoption("loadgroup", False):
        pytest.skip("not run with --dist loadgroup")
    assert request.node.nodeid.endswith("@browser"), request.node.nodeid
