"""Verification data on another origin (issue 17): a registry that sets ``verification_data_url`` gets its shards,
templates and achievements written to a separate folder, which an operator uploads to object storage behind a
CDN (docs/hosting.md); the page fetches them from there, cross-origin, and verifies as before. The public log's
tiles and entry bundles go there too (the site keeps its checkpoint, policy and key records): the page proves
an award's log inclusion with tiles from the data's origin.

Here the "object store" is a second local HTTP server on another port answering with CORS headers, as the docs
tell operators to configure; the site is served by a first one."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from generator.awards import award_hash, iter_awards
from generator.load import load_registry
from generator.publish.build import build_site
from generator.publish.verifydata import read_gzip_json, shard_name
from generator.verify import Verdict, Verifier
from tests.browser.conftest import page_errors, serve_dir
from tests.browser.test_verify_page import checks
from tests.conftest import REPO, object_store

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Split:
    site: Path
    data: Path
    site_url: str
    data_url: str
    requests: list[tuple[str, str | None]]


@pytest.fixture(scope="module")
def split(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Split]:
    base = tmp_path_factory.mktemp("data-url")
    root = base / "registry-copy"
    for part in ("registry", "keys", "schemas"):
        shutil.copytree(REPO / part, root / part)
    store = base / "store"
    (store / "verify-data").mkdir(parents=True)
    with object_store(store) as (data_url, requests):
        governance = root / "registry" / "governance.yaml"
        governance.write_text(governance.read_text() + f"verification_data_url: {data_url}\n")
        # Committed, so that the build serves a (demo) log of its history, as `make site` does.
        for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "registry"]):
            git = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false"]
            subprocess.run([*git, *args], cwd=root, check=True, capture_output=True)
        site = build_site(root, base / "site", demo_log=True).out
        data = base / "site-data"  # credreg build's default: beside the site
        shutil.copytree(data, store / "verify-data", dirs_exist_ok=True)  # the upload (`aws s3 sync`)
        with serve_dir(site) as site_url:
            yield Split(site, data, site_url, data_url, requests)


def _lean_valid_award(split: Split) -> str:
    loaded = load_registry(REPO)
    assert loaded.registry is not None
    verifier = Verifier(loaded.registry)
    bits = json.loads((split.site / "verify" / "index.json").read_text())["shard_bits"]
    now = dt.datetime.now(dt.UTC)
    for source in iter_awards(REPO):
        award = json.loads(source.text)
        digest = award_hash(award)
        entry = read_gzip_json(split.data / "shards" / f"{shard_name(digest, bits)}.json.gz")["awards"][digest]
        if "t" in entry and verifier.verify(award, now=now).verdict is Verdict.VALID:
            return digest
    raise AssertionError("no valid award with a lean entry in the example registry")


def test_the_build_writes_the_bulk_of_the_data_apart(split: Split) -> None:
    index = json.loads((split.site / "verify" / "index.json").read_text())
    assert index["data_url"] == split.data_url
    assert not [p for p in ("shards", "templates", "achievements") if (split.site / "verify" / p).exists()]
    assert len(list((split.data / "shards").glob("*.json.gz"))) == index["shards"]
    assert list((split.data / "templates").glob("*.json.gz"))
    csp = (split.site / "verify" / "index.html").read_text()
    assert "connect-src 'self' http://127.0.0.1:" in csp  # the page may fetch from the data's origin
    # The log: its bulk with the data, what the page trusts on the site.
    assert not (split.site / "log" / "tile").exists()
    served = {p.name for p in (split.site / "log").iterdir()}
    assert served == {"checkpoint", "vkey", "demo-vkey", "policy.json", "index"}  # a demo log: its key named so
    assert (split.data / "log" / "tile" / "entries" / "000").is_file()


def test_the_page_verifies_with_data_from_another_origin(page: Any, split: Split) -> None:
    errors = page_errors(page)
    digest = _lean_valid_award(split)
    page.goto(f"{split.site_url}verify/#{digest}")
    page.wait_for_function(
        "() => { const v = document.getElementById('cr-verdict');"
        " return v && v.dataset.verdict && v.dataset.verdict !== 'checking'; }",
        timeout=15_000,
    )
    assert page.get_attribute("#cr-verdict", "data-verdict") == "valid", page.inner_text("#cr-verdict")
    page.wait_for_selector("#cr-checks li[data-check=log]", state="attached")  # in the collapsed details
    status, text = checks(page)["log"]
    assert status == "passed", text
    assert "Recorded in the public log as entry" in text
    assert not errors, errors
    fetched = {path.removeprefix("/verify-data/").split("/")[0] for path, _ in split.requests}
    assert fetched == {"shards", "templates", "achievements", "log"}
    tiles = [path for path, _ in split.requests if path.startswith("/verify-data/log/tile/")]
    assert tiles  # the inclusion proof's tiles came from the data's origin
    assert not [path for path in tiles if "/entries/" in path]
    site_origin = split.site_url.rstrip("/")
    assert all(origin == site_origin for _, origin in split.requests)  # cross-origin requests, allowed by CORS
