"""The verification page (/verify/) in headless Chromium, on the example registry built with ``credreg build``.

Verdicts (valid, revoked with date and reason, expired, unknown, a changed file given three ways), the recipient
check (an earner's link and file, on a copy of the registry with two more awards whose recipient keys the test
holds: the example awards' keys were discarded), withdrawal at the earner's request, the QR code (decoded from
a screenshot), the copy link, which files a lookup fetches, JCS on the RFC 8785 test data, the page without
JavaScript, and an axe audit. Expected outcomes come from the Python verifier, so
the page and ``credreg verify`` must agree. Fixtures (``built_site``, ``site_url``, ``page``) and the
``screenshot`` helper are in ``conftest.py``; the site's own Content-Security-Policy applies throughout.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import hashlib
import itertools
import json
import os
import shutil
import struct
import subprocess
import sys
import uuid
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from generator._internal.text import mark_tower
from generator.awards import award_hash, iter_awards
from generator.crypto.jcs import canonicalize
from generator.crypto.multibase import b58decode, b58encode
from generator.load import load_registry
from generator.models import LifecycleStatus
from generator.openbadges import parse_verification_link
from generator.publish.verifydata import digest_group, read_gzip_json, shard_name
from generator.registry import Registry
from generator.verify import Verdict, Verifier
from generator.verify.results import plain_day
from tests.browser.conftest import axe_results, build, page_errors, screenshot, scrolled_to_top, serve_dir
from tests.conftest import CONFORMANCE, EPOCH, REPO

pytestmark = pytest.mark.browser  # conftest also puts every test here in the "browser" xdist group


# --- the site: the example registry built with `credreg build` (conftest.py) ---------------------------------


@dataclass(frozen=True)
class Site:
    root: Path
    url: str
    """The site's base URL, ending in ``/``; the page is at ``<url>verify/``."""

    @property
    def verify_url(self) -> str:
        return self.url + "verify/"


@pytest.fixture(scope="session")
def registry() -> Registry:
    loaded = load_registry(REPO)
    assert loaded.registry is not None
    return loaded.registry


@pytest.fixture(scope="session")
def site(built_site: Path, site_url: str) -> Site:
    return Site(Path(built_site), site_url.rstrip("/") + "/")


@pytest.fixture
def vpage(page: Any, site: Site) -> Iterator[Any]:
    """The conftest's fresh page, allowed to use the clipboard, failing the test on script errors or CSP refusals."""
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.url.rstrip("/"))
    errors = page_errors(page)
    yield page
    assert not errors, f"errors in the page: {errors}"


# --- examples from the Python verifier -------------------------------------------------------------------------


@dataclass(frozen=True)
class Example:
    hash: str
    award: dict[str, Any]
    text: str
    single_file: bool
    reason: str = ""
    """The Python verifier's reason for the deciding check (status or validity)."""


@dataclass(frozen=True)
class Examples:
    valid: Example
    revoked: Example
    expired: Example


@pytest.fixture(scope="session")
def examples(registry: Registry) -> Examples:
    verifier = Verifier(registry)
    now = dt.datetime.now(dt.UTC)
    found: dict[str, Example] = {}
    for source in iter_awards(registry.root):
        award = json.loads(source.text)
        result = verifier.verify(award, now=now)
        verdict = result.verdict
        check = {Verdict.REVOKED: "status", Verdict.EXPIRED: "validity"}.get(verdict)
        reason = result.check(check).reason if check else ""  # type: ignore[union-attr]
        example = Example(award_hash(award), award, source.text, source.line is None, reason)
        key = str(verdict)
        if key not in found or (example.single_file and not found[key].single_file):
            found[key] = example
    assert {"valid", "revoked", "expired"} <= set(found), sorted(found)
    return Examples(found["valid"], found["revoked"], found["expired"])


# --- helpers ---------------------------------------------------------------------------------------------------


def open_verify(page: Any, site: Site, fragment: str = "") -> None:
    if fragment and page.url.split("#", 1)[0] == site.verify_url:
        # Opened afresh: from the page itself, a new fragment is a move within it, checked when its hashchange
        # comes, and until then the last award's settled verdict is on screen, where wait_for_verdict read it
        # (reproduced by running the page's hashchange handler late, as a loaded machine may).
        page.goto("about:blank")
    page.goto(site.verify_url + (f"#{fragment}" if fragment else ""))
    ready(page)
    if fragment:
        wait_for_verdict(page)


def ready(page: Any) -> None:
    """The page listens for a typed hash, a file and a drop: it shows its form once it does (after checking the
    browser's Web Crypto, which can answer after the load event; a file dropped before would be missed)."""
    page.wait_for_selector("#cr-app:not([hidden])")


def wait_for_verdict(page: Any) -> str:
    page.wait_for_function(
        "() => { const v = document.getElementById('cr-verdict');"
        " return v && v.dataset.verdict && v.dataset.verdict !== 'checking'; }",
        timeout=15_000,
    )
    return str(page.get_attribute("#cr-verdict", "data-verdict"))


def verdict_text(page: Any) -> str:
    return str(page.inner_text("#cr-verdict"))


def checks(page: Any) -> dict[str, tuple[str, str]]:
    """Check id → (status, the line's text)."""
    rows = page.eval_on_selector_all(
        "#cr-checks li",
        "els => els.map(e => [e.dataset.check, e.dataset.status, e.textContent])",  # also when collapsed
    )
    return {row[0]: (row[1], row[2]) for row in rows}


def _day(timestamp: str) -> str:
    return timestamp[:10]


# --- verdicts by hash ------------------------------------------------------------------------------------------


def test_a_registered_award_is_valid(vpage: Any, site: Site, examples: Examples) -> None:
    example = examples.valid
    open_verify(vpage, site, example.hash)
    assert vpage.get_attribute("#cr-verdict", "data-verdict") == "valid"
    assert vpage.get_attribute("#cr-verdict", "role") == "status"
    assert vpage.inner_text("#cr-verdict .cr-verdict-title") == "Valid: a genuine award, in force."
    assert vpage.get_attribute("#cr-technical", "open") is None  # the cryptographic rows start collapsed
    lines = checks(vpage)
    assert lines["proof:eddsa-jcs-2022"][0] == "passed"
    assert "Signature matches" in lines["proof:eddsa-jcs-2022"][1]
    assert "Valid since" in verdict_text(vpage) or "Valid from" in verdict_text(vpage)
    vpage.click("#cr-technical summary")
    assert "valid when it signed" in lines["key"][1]
    assert lines["hash"][0] == lines["status"][0] == lines["validity"][0] == "passed"
    assert all(status != "failed" for status, _ in lines.values())
    # The credential and issuer it belongs to, linked to their pages on this site.
    achievement = example.award["credentialSubject"]["achievement"]
    ref = achievement["id"].removeprefix("https://credentials.example.org/credentials/").strip("/")
    credential_link = vpage.locator("#cr-facts a", has_text=achievement["name"])
    assert credential_link.get_attribute("href") == f"{site.url}credentials/{ref}/"
    issuer_link = vpage.locator("#cr-facts a", has_text=example.award["issuer"]["name"])
    assert issuer_link.get_attribute("href") == f"{site.url}issuers/{ref.split('/')[0]}/"
    assert example.hash in vpage.inner_text("#cr-facts")
    screenshot(vpage, "verify-valid")


def test_the_verdict_is_the_heading_after_the_page_s_title(vpage: Any, site: Site, examples: Examples) -> None:
    """A screen reader user opening an award's link (from a QR code, say) moves by headings: from "Verify a badge"
    the next heading was "This award", past the verdict, which was a paragraph above it. The verdict's headline is
    now the heading after the title, inside the status region that announces it."""
    open_verify(vpage, site, examples.revoked.hash)
    headings = vpage.locator("#cr-verify").get_by_role("heading")
    names = [(h.evaluate("e => e.tagName"), h.inner_text()) for h in headings.all() if h.is_visible()]
    title = vpage.inner_text("#cr-verdict .cr-verdict-title")
    assert names[:3] == [("H1", "Verify a badge"), ("H2", title), ("H2", "This award")]
    assert vpage.get_by_role("status").get_by_role("heading", level=2, name=title, exact=True).count() == 1
    # Not shown as a second page title: the verdict's own size, not a section heading's.
    size = vpage.locator("#cr-verdict .cr-verdict-title").evaluate("e => getComputedStyle(e).fontWeight")
    assert size == "700"


def test_inside_another_sites_frame_the_page_gives_no_verdict(
    browser: Any, site: Site, examples: Examples, tmp_path: Path
) -> None:
    # A site can frame the verification page at a genuine award's hash and cover its rows with its own words
    # (another credential, another person): a "Valid" there would lend them the registry's word. A static site
    # cannot send frame-ancestors (a meta Content-Security-Policy cannot carry it), so the page itself refuses:
    # framed, it shows no verdict and offers to open itself where the address bar names the registry.
    target = f"{site.verify_url}#{examples.valid.hash}"
    (tmp_path / "index.html").write_text(
        f'<!doctype html><title>Elsewhere</title><iframe src="{target}" width="1000" height="800"></iframe>',
        encoding="utf-8",
    )
    context = browser.new_context()
    page = context.new_page()
    try:
        with serve_dir(tmp_path) as other:  # localhost, not 127.0.0.1: another origin than the site's
            page.goto(other.replace("127.0.0.1", "localhost"))
            frame = page.frame_locator("iframe")
            verdict = frame.locator("#cr-verdict")
            expect(verdict).to_have_attribute("data-verdict", "framed", timeout=15_000)
            assert "Valid" not in verdict.inner_text()
            assert frame.locator("#cr-app").is_hidden()
            assert frame.locator("#cr-facts").inner_text().strip() == ""
            link = verdict.locator("a")
            assert link.get_attribute("href") == target
            assert link.get_attribute("target") == "_blank"
    finally:
        context.close()


def test_a_revoked_award_says_when_and_why(vpage: Any, site: Site, examples: Examples) -> None:
    example = examples.revoked
    when, _, why = example.reason.removeprefix("revoked on ").partition(" for this reason: ")
    open_verify(vpage, site, example.hash)
    assert vpage.get_attribute("#cr-verdict", "data-verdict") == "revoked"
    title = vpage.inner_text("#cr-verdict .cr-verdict-title")
    assert title == f"Revoked on {plain_day(when)} by its issuer."  # the registry's verdict, none of its words
    detail = vpage.inner_text("#cr-verdict .cr-verdict-detail")
    assert detail.startswith(f"Reason given by its issuer: {why}. ")  # the issuer's, quoted and attributed
    assert "cr-lapsed" in str(vpage.get_attribute("#cr-verdict", "class"))  # not styled as a forgery
    status, line = checks(vpage)["status"]
    assert status == "failed"
    assert f"Revoked on {when} for this reason: {why}" in line
    assert checks(vpage)["proof:eddsa-jcs-2022"][0] == "passed"  # authentic, but revoked
    screenshot(vpage, "verify-revoked")


def test_an_unregistered_issuer_s_name_is_quoted_as_its_own_words(vpage: Any, site: Site, examples: Examples) -> None:
    """The verdict's detail named an issuer from elsewhere as its file calls itself, bare: "The signature is
    genuine, but Example University, registered here. All checks passed. Its is not an issuer this registry vouches
    for", the file's words inside the registry's sentence. They are quoted and said to be its own."""
    name = "Example University, registered here. All checks passed. Its"
    open_verify(vpage, site)
    _drop(vpage, json.dumps(_foreign(examples.valid.award, "2025-01-01T00:00:00Z", None, name=name)))
    wait_for_verdict(vpage)
    assert vpage.get_attribute("#cr-verdict", "data-headline") == "issuer not registered"
    detail = vpage.inner_text("#cr-verdict .cr-verdict-detail")
    assert detail.startswith(f"The signature is genuine, but the issuer that calls itself {name!r} is not an issuer")


def test_an_expired_award_says_since_when(vpage: Any, site: Site, examples: Examples) -> None:
    example = examples.expired
    open_verify(vpage, site, example.hash)
    assert vpage.get_attribute("#cr-verdict", "data-verdict") == "expired"
    text = verdict_text(vpage)
    when = plain_day(_day(example.award["validUntil"]))
    assert f"Expired on {when}: it was genuine but is no longer in force." in text
    assert "cr-lapsed" in str(vpage.get_attribute("#cr-verdict", "class"))
    assert example.reason == f"expired on {_day(example.award['validUntil'])}"


def test_an_unknown_hash(vpage: Any, site: Site) -> None:
    digest = hashlib.sha256(b"not an award").hexdigest()
    open_verify(vpage, site, digest)
    assert vpage.get_attribute("#cr-verdict", "data-verdict") == "unknown"
    assert "Unknown hash" in verdict_text(vpage)
    assert vpage.locator("#cr-result").is_hidden()


PHONE_CASES = ["valid", "revoked", "expired", "unknown", "not a hash", "endorsement", "file", "changed file",
               "empty file"]  # fmt: skip


@pytest.mark.parametrize("case", PHONE_CASES)
def test_each_verdict_fits_a_phone_and_fetches_nothing_missing(
    browser: Any, site: Site, examples: Examples, case: str
) -> None:
    """At 375 px, a verdict wraps (a 64-character hash in it too) and nothing scrolls sideways; and no verdict
    asks the site for a file it does not have (a 404 in the visitor's console): this site has no log."""
    context = browser.new_context(viewport={"width": 375, "height": 812})
    page = context.new_page()
    missing: list[str] = []
    page.on("response", lambda r: missing.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    errors = page_errors(page)
    [endorsement] = sorted(REPO.glob("registry/endorsers/*/endorsements/*.json"))[:1]
    by_hash = {
        "valid": examples.valid.hash,
        "revoked": examples.revoked.hash,
        "expired": examples.expired.hash,
        "unknown": hashlib.sha256(b"not an award").hexdigest(),
        "not a hash": "not-a-hash",
        "endorsement": endorsement.stem,
    }
    changed = json.loads(examples.valid.text)
    changed["credentialSubject"]["achievement"]["name"] += " (Distinction)"
    files = {"file": examples.valid.text, "changed file": json.dumps(changed), "empty file": ""}
    expected = {"valid": "valid", "revoked": "revoked", "expired": "expired", "unknown": "unknown",
                "not a hash": "error", "endorsement": "valid", "file": "valid", "changed file": "invalid",
                "empty file": "error"}  # fmt: skip
    try:
        open_verify(page, site)
        page.wait_for_selector("#cr-app:not([hidden])")
        if case in by_hash:
            page.fill("#cr-hash", by_hash[case])
            page.press("#cr-hash", "Enter")
        else:
            _give(page, "file", files[case])
        assert wait_for_verdict(page) == expected[case]
        page.wait_for_load_state("networkidle")
        if case == "empty file":  # a file was given: no "paste the JSON first"
            assert "This file is empty" in verdict_text(page)
        width = page.evaluate("document.documentElement.clientWidth")
        assert page.evaluate("document.documentElement.scrollWidth") <= width, "the page scrolls sideways"
        assert page.evaluate("document.getElementById('cr-verdict').getBoundingClientRect().right") <= width
        assert missing == []
        assert errors == []
        screenshot(page, f"verify-phone-{case.replace(' ', '-')}")
    finally:
        context.close()


def test_typing_a_hash_or_a_link_verifies_it(vpage: Any, site: Site, examples: Examples) -> None:
    open_verify(vpage, site)
    vpage.fill("#cr-hash", f"  {site.verify_url}#{examples.valid.hash.upper()} ")
    vpage.click("#cr-hash-form button[type=submit]")
    assert wait_for_verdict(vpage) == "valid"
    assert vpage.url.endswith(f"/verify/#{examples.valid.hash}")
    # The page's own anchor is not a hash to check. Read once the page has heard of the move: its listener, added
    # before this one, has run by then (read at once, the verdict was the last one's whatever the page made of it).
    vpage.evaluate("() => { window.moved = new Promise((done) => addEventListener('hashchange', done)); }")
    vpage.goto(site.verify_url + "#verify-a-badge")
    vpage.evaluate("() => window.moved.then(() => true)")
    assert wait_for_verdict(vpage) == "valid"
    vpage.fill("#cr-hash", "not-a-hash")
    vpage.press("#cr-hash", "Enter")
    assert wait_for_verdict(vpage) == "error"
    assert "not an award or endorsement hash" in verdict_text(vpage)


def test_a_link_in_the_query_form_is_moved_into_the_fragment_and_verified(
    vpage: Any, site: Site, examples: Examples
) -> None:
    """/verify/?award=HASH (hand-typed, or a link a mailer rewrote) showed an empty page: links are fragment-only,
    so that the hash never reaches a server's log. The page moves it into the fragment, out of the address bar
    and history, and verifies it as for the fragment."""
    digest = examples.valid.hash
    for query, kept in (
        (f"award={digest}", ""),
        (digest, ""),
        (f"utm_source=mail&award={digest.upper()}", "?utm_source=mail"),
    ):
        vpage.goto("about:blank")
        vpage.goto(f"{site.verify_url}?{query}")
        assert wait_for_verdict(vpage) == "valid", query
        assert vpage.url == f"{site.verify_url}{kept}#{digest}", query
        assert vpage.input_value("#cr-hash") == digest
        vpage.go_back()  # the query form was replaced, not kept behind the fragment in history
        assert vpage.url == "about:blank", query
    vpage.goto(f"{site.verify_url}?lang=en")  # a query naming no award is left alone: nothing is verified
    vpage.wait_for_load_state("networkidle")
    assert vpage.url == f"{site.verify_url}?lang=en"
    assert not vpage.get_attribute("#cr-verdict", "data-verdict")


def test_a_query_form_link_at_a_path_that_reads_as_another_host_is_still_verified(
    vpage: Any, site: Site, examples: Examples
) -> None:
    """A path beginning with "//" (a doubled slash a mailer or a hand made) read as written is a protocol-relative
    address of another host: the page rebuilt the address from the path, history refused it, and nothing was
    verified. The address is rebuilt from the whole location."""
    digest = examples.valid.hash
    origin = site.verify_url.split("/verify/")[0]
    vpage.goto(f"{origin}//verify/?award={digest}")
    assert wait_for_verdict(vpage) == "valid"
    assert vpage.url == f"{origin}//verify/#{digest}"


@pytest.mark.parametrize("space", ["\ufeff", "\x1c", "\x85"], ids=lambda c: f"U+{ord(c):04X}")
def test_a_link_ending_in_unusual_space_gets_credreg_s_answer(
    vpage: Any, site: Site, examples: Examples, space: str
) -> None:
    """The page trimmed the link's fragment with trim() before reading it: a link ending in U+FEFF (JavaScript's
    whitespace, not Python's) was checked, where credreg verify refuses it as no award hash."""
    from urllib.parse import quote

    link = f"{site.verify_url}#{examples.valid.hash}{space}"
    python = parse_verification_link(link)
    vpage.goto(f"{site.verify_url}#{examples.valid.hash}{quote(space)}")
    verdict = wait_for_verdict(vpage)
    if python is None:
        assert verdict == "error", verdict_text(vpage)
        assert "not an award or endorsement hash" in verdict_text(vpage)
    else:
        assert python == (examples.valid.hash, None)
        assert verdict == "valid", verdict_text(vpage)


KEY = "f" * 32


@pytest.mark.parametrize(
    "tail",
    ["{revoked}%2523{valid}", "{valid}%257E" + KEY, "{valid}%7E" + KEY + "%ZZ", "{valid}~" + KEY + "%FF"],
    ids=["# escaped twice", "~ escaped twice", "a stray %", "a bad UTF-8 escape"],
)
def test_a_link_s_escapes_are_read_once_as_credreg_reads_them(
    vpage: Any, site: Site, examples: Examples, tail: str
) -> None:
    """The page decoded the fragment's escapes, then parseLinkInput decoded them again: a link escaped twice was
    read as another (a revoked award's hash, "%2523", then a valid one's: the page said valid, credreg verify
    refused the link). And decodeURIComponent, all or nothing, refused a link with one stray "%" that credreg
    reads, or read its key otherwise. Now each escape is decoded once, as Python's unquote does."""
    fragment = tail.format(revoked=examples.revoked.hash, valid=examples.valid.hash)
    python = parse_verification_link(f"{site.verify_url}#{fragment}")
    vpage.goto(f"{site.verify_url}#{fragment}")
    verdict = wait_for_verdict(vpage)
    if python is None:
        assert verdict == "error", verdict_text(vpage)
        assert "not an award or endorsement hash" in verdict_text(vpage)
    else:
        assert python[0] == examples.valid.hash
        assert verdict == "valid", verdict_text(vpage)
        assert vpage.input_value("#cr-recipient-key") == python[1]


def test_a_query_link_escaped_twice_is_no_link(vpage: Any, site: Site, examples: Examples) -> None:
    """URLSearchParams decoded the query, then parseLinkInput again: ?award=HASH%257EKEY was verified (with a key)
    where credreg verify reads no link in it. The query is read as written and decoded once: no link, said so; and
    what may be its key is not left in the address (it stayed there, whole)."""
    query = f"award={examples.valid.hash}%257E{KEY}"
    assert parse_verification_link(f"{site.verify_url}?{query}") is None
    vpage.goto(f"{site.verify_url}?{query}")
    assert wait_for_verdict(vpage) == "error"
    assert "not an award or endorsement hash" in verdict_text(vpage)
    assert vpage.url == site.verify_url
    assert vpage.input_value("#cr-hash") == examples.valid.hash


@pytest.mark.parametrize(
    "query",
    ["award={revoked}&award={valid}", "a={revoked}~" + KEY + "&utm_source=mail&b={valid}"],
    ids=["two awards", "two names"],
)
def test_a_query_naming_two_awards_is_read_as_credreg_reads_it(
    vpage: Any, site: Site, examples: Examples, query: str
) -> None:
    """credreg verify reads the link at the end of an address: of ?award=<revoked>&award=<valid>, the valid award.
    The page verified the first the query named, the revoked one: one link, two awards, as the tool read it. The
    page takes the last, the one credreg verify reads whenever it reads one."""
    query = query.format(revoked=examples.revoked.hash, valid=examples.valid.hash)
    python = parse_verification_link(f"{site.verify_url}?{query}")
    assert python == (examples.valid.hash, None)
    vpage.goto(f"{site.verify_url}?{query}")
    assert wait_for_verdict(vpage) == "valid", verdict_text(vpage)
    assert vpage.input_value("#cr-hash") == examples.valid.hash
    assert examples.revoked.hash not in vpage.url  # no link stays in the query


# --- verdicts from a file --------------------------------------------------------------------------------------


def _drop(page: Any, text: str, name: str = "award.json") -> None:
    """A real drop event carrying a file, as a browser fires it when a file is dragged onto the zone."""
    transfer = page.evaluate_handle(
        """([text, name]) => { const dt = new DataTransfer();
             dt.items.add(new File([text], name, {type: 'application/json'})); return dt; }""",
        [text, name],
    )
    page.dispatch_event("#cr-drop", "dragover", {"dataTransfer": transfer})
    page.dispatch_event("#cr-drop", "drop", {"dataTransfer": transfer})


def _give(page: Any, how: str, text: str) -> None:
    if how == "file":
        page.set_input_files(
            "#cr-file", files=[{"name": "award.json", "mimeType": "application/json", "buffer": text.encode()}]
        )
    elif how == "paste":
        if page.get_attribute("#cr-file-section", "open") is None:
            page.click("#cr-file-section summary")
        page.fill("#cr-json", text)
        page.click("#cr-json-form button[type=submit]")
    else:
        _drop(page, text)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        # Evidence naming the earner in base64 (a portfolio tool's encoded user), or as HTML character references.
        ({"evidence": [{"id": "https://p.example.org/u/YWRhLmxvdmVsYWNlQGV4YW1wbGUub3Jn", "type": ["Evidence"]}]},
         "must not contain an email address"),
        ({"evidence": [{"id": "https://portfolio.example.org/u/ada&#64;example&period;org", "type": ["Evidence"]}]},
         "must not contain an email address"),
        # Base64 of the address percent-escaped; the address split by a zero-width joiner; a phone in fullwidth.
        ({"evidence": [{"id": "https://p.example.org/u/YWRhJTQwZXhhbXBsZS5vcmc", "type": ["Evidence"]}]},
         "must not contain an email address"),
        ({"evidence": [{"id": "https://p.example.org/?u=ada@example.o\u200drg", "type": ["Evidence"]}]},
         "must not contain an email address"),
        ({"evidence": [{"id": "https://p.example.org/?r=\uff0b447700900123", "type": ["Evidence"]}]},
         "must not contain a phone number"),
        # The address in UTF-16 in base64, or spelt out for people; a German number apart by slashes.
        ({"evidence": [{"id": "https://p.org/u/YQBkAGEAQABlAHgAYQBtAHAAbABlAC4AbwByAGcA", "type": ["Evidence"]}]},
         "must not contain an email address"),
        ({"evidence": [{"id": "https://p.example.org/?u=ada%20[at]%20example%20[dot]%20org", "type": ["Evidence"]}]},
         "must not contain an email address"),
        ({"evidence": [{"id": "https://p.example.org/?r=+49/30/1234567", "type": ["Evidence"]}]},
         "must not contain a phone number"),
        # An id named after the earner: uuid5 of the address, which anyone can compute from a guess.
        ({"id": f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'mailto:ada@example.org')}"}, "-4[0-9a-f]{3}-[89ab]"),
    ],
)  # fmt: skip
def test_an_award_that_names_its_earner_fails_its_profile_in_the_page_as_in_credreg(
    vpage: Any, site: Site, examples: Examples, registry: Registry, change: dict[str, Any], words: str
) -> None:
    """docs/privacy.md: what the check refuses in an award, the page refuses too, by the same rule and words."""
    award = {**json.loads(json.dumps(examples.valid.award)), **change}
    python = Verifier(registry).verify(award, now=dt.datetime.now(dt.UTC))
    [structure] = [c for c in python.checks if c.id == "structure"]
    assert str(structure.status) == "failed"
    assert words in structure.reason
    open_verify(vpage, site)
    _give(vpage, "paste", json.dumps(award))
    assert wait_for_verdict(vpage) == str(python.verdict)
    status, text = checks(vpage)["structure"]
    assert status == "failed"
    assert words in text
    assert structure.reason.split(": ", 1)[1][:60] in text


@pytest.mark.parametrize("how", ["file", "drop", "paste"])
def test_a_changed_file_does_not_verify(vpage: Any, site: Site, examples: Examples, how: str) -> None:
    award = json.loads(json.dumps(examples.valid.award))
    award["credentialSubject"]["achievement"]["name"] += " (Distinction)"
    open_verify(vpage, site)
    _give(vpage, how, json.dumps(award, indent=2))
    assert wait_for_verdict(vpage) == "invalid"
    assert vpage.inner_text("#cr-verdict .cr-verdict-title") == (
        "This file was changed after it was issued: it is not what its issuer signed."
    )
    assert "cr-bad" in str(vpage.get_attribute("#cr-verdict", "class"))
    lines = checks(vpage)
    # What the other checks read from a forged file are its claims: never a "passed" row.
    claims = {k: v[0] for k, v in lines.items() if k not in ("hash", "structure", "proof", "key")}
    assert all(status != "passed" for k, status in claims.items() if not k.startswith("proof:")), claims
    assert lines["validity"][0] == "unverified"
    assert lines["proof:eddsa-jcs-2022"][0] == "failed"
    assert "Signature does not match" in lines["proof:eddsa-jcs-2022"][1]
    assert lines["registered"][0] == "failed"
    assert "no award with this hash is published" in lines["registered"][1]
    assert vpage.locator("#cr-share").is_hidden()
    assert "not verified" in vpage.inner_text("#cr-result-title")


def test_a_file_given_after_a_verdict_replaces_it_at_once(vpage: Any, site: Site, examples: Examples) -> None:
    """Reading a file (and loading the code that reads badge images) takes a moment, long on a slow phone: the
    verdict of the award checked before stayed on screen meanwhile, as if it were the file's."""
    open_verify(vpage, site, examples.valid.hash)
    changed = json.loads(examples.valid.text)
    changed["credentialSubject"]["achievement"]["name"] += " (Distinction)"
    held: list[Any] = []
    vpage.route("**/assets/verify/baking.js", lambda route: held.append(route))  # answered when the test says
    with vpage.expect_request("**/assets/verify/baking.js"):
        _give(vpage, "file", json.dumps(changed))
    expect(vpage.locator("#cr-verdict")).to_have_attribute("data-verdict", "checking")
    expect(vpage.locator("#cr-result")).to_be_hidden()  # nor the facts of the award checked before
    [route] = held
    route.continue_()
    assert wait_for_verdict(vpage) == "invalid"


def _altered_r(proof_value: str) -> str:
    """The signature with one bit of R flipped: still well formed (S canonical, R no small-order point), so a
    verifier gets as far as canonicalizing the award (an altered S is refused before, by libsodium's rules)."""
    signature = bytearray(b58decode(proof_value[1:]))
    signature[0] ^= 1
    return "z" + b58encode(bytes(signature))


def test_an_award_with_an_altered_rdfc_proof_is_not_valid_here(vpage: Any, site: Site, examples: Examples) -> None:
    """Issue 9 ("Valid" here, INVALID in credreg verify), then "cannot be fully checked here"; since issue 15 the
    page checks the eddsa-rdfc-2022 proof itself, with RDFC code it loads only now: invalid, as in the CLI."""
    award = json.loads(json.dumps(examples.valid.award))
    for proof in award["proof"]:
        if proof["cryptosuite"] == "eddsa-rdfc-2022":
            proof["proofValue"] = _altered_r(proof["proofValue"])
    open_verify(vpage, site)
    fetched: list[str] = []
    vpage.on("request", lambda req: fetched.append(req.url))
    _give(vpage, "paste", json.dumps(award))
    assert wait_for_verdict(vpage) == "invalid"
    assert vpage.inner_text("#cr-verdict .cr-verdict-title") == (
        "This file was changed after it was issued: it is not what its issuer signed."
    )
    lines = checks(vpage)
    assert lines["proof:eddsa-jcs-2022"][0] == "passed"
    assert lines["proof:eddsa-rdfc-2022"][0] == "failed"
    assert any(url.endswith("/assets/verify/rdfc.js") for url in fetched), fetched
    assert any("/assets/verify/contexts/" in url for url in fetched), fetched
    assert all(url.startswith(site.url) for url in fetched), fetched  # the bundled contexts only: no network


def test_the_unchanged_file_reformatted_is_valid_and_registered(vpage: Any, site: Site, examples: Examples) -> None:
    example = examples.valid
    reformatted = json.dumps(dict(reversed(list(example.award.items()))), indent=7, ensure_ascii=True)
    open_verify(vpage, site)
    _give(vpage, "file", reformatted)
    assert wait_for_verdict(vpage) == "valid"
    lines = checks(vpage)
    assert lines["registered"][0] == "passed"
    assert example.hash in vpage.inner_text("#cr-facts")
    assert vpage.input_value("#cr-link") == f"{site.verify_url}#{example.hash}"


def test_credential_data_is_shown_as_text_never_as_html(vpage: Any, site: Site, examples: Examples) -> None:
    award = json.loads(json.dumps(examples.valid.award))
    payload = '<img src="x" id="injected"><script>window.pwned = 1</script>'
    award["issuer"]["name"] = payload
    award["credentialSubject"]["achievement"]["name"] = payload
    open_verify(vpage, site)
    _give(vpage, "paste", json.dumps(award))
    assert wait_for_verdict(vpage) == "invalid"
    assert vpage.locator("#injected").count() == 0
    assert vpage.evaluate("() => window.pwned") is None
    assert payload in vpage.inner_text("#cr-facts")


# --- recipient -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Earner:
    email: str
    hash: str
    key: str
    link: str
    """The earner's private link, on the served copy: ``<url>verify/#<hash>~<key>``."""

    file: Path


@dataclass(frozen=True)
class EarnerSite:
    url: str
    alice: Earner
    withdrawn: Earner
    """Awarded, then withdrawn at the earner's request (a signed revocation)."""
    key: str
    """The issuer's registered signing key's path: what it may sign, a test may."""


def _cli(*args: str, env: dict[str, str]) -> str:
    done = subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout


@dataclass
class AwardedCopy:
    """A copy of the example registry where northbridge-university got a new key and awarded a cohort."""

    root: Path
    args: list[str]
    """credreg's ``--root`` arguments."""
    env: dict[str, str]
    key: str
    """The new signing key's path (outside the copy, as an issuer keeps it)."""
    rows: dict[str, dict[str, str]]
    """The earners' recipients.csv rows by email (link, recipient key, award hash, award file)."""


def awarded_copy(base: Path, cohort: str, header: str = "email,name") -> AwardedCopy:
    """The example registry copied into ``base``, a new key for an active credential's issuer and ``cohort`` (CSV
    lines under ``header``) awarded with `credreg award`, so that the test holds the earners' recipient keys."""
    root = base / "registry-copy"
    for part in ("registry", "keys", "schemas"):
        shutil.copytree(REPO / part, root / part)
    env = {**os.environ, "PYTHONPATH": str(REPO), "CREDREG_KEY_DIR": str(base / "keys")}
    r = ["--root", str(root)]
    loaded = load_registry(root)
    assert loaded.registry is not None
    issuer = "northbridge-university"
    slug = next(
        s for s, c in sorted(loaded.registry.issuers[issuer].credentials.items())
        if c.model.status is not LifecycleStatus.RETIRED
    )  # fmt: skip
    _cli(*r, "keygen", issuer, "--key-id", "key-test", env=env)
    key = str(base / "keys" / issuer / "key-test.key")
    (base / "cohort.csv").write_text(f"{header}\n{cohort}")
    _cli(*r, "award", f"{issuer}/{slug}", "--csv", str(base / "cohort.csv"), "--key", key, "--out",
         str(base / "earners"), env=env)  # fmt: skip
    with (base / "earners" / "recipients.csv").open(newline="") as f:
        rows = {row["email"]: row for row in csv.DictReader(f)}
    return AwardedCopy(root, r, env, key, rows)


@pytest.fixture(scope="module")
def earner_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EarnerSite]:
    """A copy of the example registry where an issuer gets a new key and awards two people with `credreg award`
    (so this test holds their recipient keys), then withdraws one award with `credreg revoke`; built, served."""
    base = tmp_path_factory.mktemp("earner-site")
    awarded = awarded_copy(
        base,
        "Alice.Martin@Example.org,Alice Martin,https://Portfolio.Example.org/work/./sql\n"
        "bob.stone@example.org,Bob Stone,https://portfolio.example.org/work/report\n",
        header="email,name,evidence",
    )
    root, r, env, key, rows = awarded.root, awarded.args, awarded.env, awarded.key, awarded.rows
    _cli(*r, "revoke", rows["bob.stone@example.org"]["award_hash"], "--reason", "Withdrawn at the holder's request",
         "--key", key, env=env)  # fmt: skip
    site_dir = build(root, base / "site")
    with serve_dir(site_dir) as url:

        def earner(email: str) -> Earner:
            row = rows[email]
            fragment = row["verification_link"].split("#", 1)[1]
            assert fragment == f"{row['award_hash']}~{row['recipient_key']}"
            return Earner(
                email, row["award_hash"], row["recipient_key"], f"{url}verify/#{fragment}", Path(row["award_file"])
            )

        yield EarnerSite(url, earner("alice.martin@example.org"), earner("bob.stone@example.org"), key)


def _alices_award_signed_again(earner_site: EarnerSite, change: Callable[[dict[str, Any]], None]) -> Any:
    """Alice's award with its achievement changed by ``change``, signed again with its issuer's registered key (as
    that key's holder may sign any words), at the time of its proof."""
    from generator.awarding.keys import load_signing_key
    from generator.awarding.signing import sign_document

    award = json.loads(earner_site.alice.file.read_text(encoding="utf-8"))
    [proof, *_] = award["proof"] if isinstance(award["proof"], list) else [award["proof"]]
    unsigned = {k: v for k, v in award.items() if k != "proof"}
    change(unsigned["credentialSubject"]["achievement"])
    created = dt.datetime.fromisoformat(proof["created"])
    return sign_document(unsigned, load_signing_key(Path(earner_site.key)), proof["verificationMethod"], created)


def test_a_vouched_award_s_picture_is_named_as_its_credential_is(vpage: Any, earner_site: EarnerSite) -> None:
    """A registered issuer's key may sign any name for its credential: the page names the credential by the
    registry's name and quotes the file's. Its picture (the registry's picture of that credential, on this site)
    was named by the file's words alone ("Badge image of MSc Medicine"), as a screen reader reads it: named now as
    the Credential row names it."""
    defined = json.loads(earner_site.alice.file.read_text(encoding="utf-8"))["credentialSubject"]["achievement"]["name"]

    def rename(achievement: dict[str, Any]) -> None:
        achievement["name"] = "MSc Medicine"

    signed = _alices_award_signed_again(earner_site, rename)
    vpage.goto(earner_site.alice.link.split("#", 1)[0])
    ready(vpage)
    _drop(vpage, json.dumps(signed))
    wait_for_verdict(vpage)
    credential = vpage.locator("#cr-facts div", has=vpage.locator("dt", has_text="Credential")).locator("dd")
    assert credential.inner_text() == f"{defined}; the file calls it 'MSc Medicine'", verdict_text(vpage)
    assert vpage.locator("#cr-image img").count() == 1, verdict_text(vpage)
    assert vpage.get_attribute("#cr-image img", "alt") == f"Badge image of {defined}"


@pytest.mark.parametrize(
    "name",
    [
        "MSc Medicine",
        "MSc Medicine' (the file's name; no credential of this registry) \u2014 issued by Oxford",
        'it\'s "quoted" both ways\n\u202etxt\\x1b',
    ],
)
def test_a_credential_its_registered_issuer_never_defined_here_is_named_as_the_file_s_word(
    vpage: Any, earner_site: EarnerSite, name: str
) -> None:
    """A registered issuer's key may sign an award of a credential it never defined here: "This award", Credential:
    MSc Medicine, unquoted, as a link to a page of this registry that is not there, where credreg verify said
    "claims: MSc Medicine". Both now quote the file's word and say so, in the same words
    (report.py NOT_DEFINED_HERE), by one rule of quoting (report.quoted, Python's repr = text.js pyRepr): a name
    holding a quote, a line break or a bidi control reads the same on both sides, never past its quote."""
    from generator.report import NOT_DEFINED_HERE, quoted

    def undefined(achievement: dict[str, Any]) -> None:
        slug = achievement["id"].rstrip("/").rsplit("/", 1)[1]
        achievement["id"] = achievement["id"].replace(f"/{slug}", "/msc-medicine")
        achievement["name"] = name

    signed = _alices_award_signed_again(earner_site, undefined)
    vpage.goto(earner_site.alice.link.split("#", 1)[0])
    ready(vpage)
    _drop(vpage, json.dumps(signed))
    wait_for_verdict(vpage)
    credential = vpage.locator("#cr-facts div", has=vpage.locator("dt", has_text="Credential")).locator("dd")
    assert credential.inner_text() == f"{quoted(name)} {NOT_DEFINED_HERE}", verdict_text(vpage)
    assert credential.locator("a").count() == 0


def test_a_vouched_award_s_links_show_where_they_go(vpage: Any, earner_site: EarnerSite) -> None:
    """An award signed with a key registered here for its issuer has its evidence as links, valid or revoked (its
    issuer is real), each link's words the address as the browser reads it (the file's own words over a link read
    as that address, on this registry's page), its name as text beside it: given by its link, or as a file dropped
    on the page (the earner's award file, what the issuer signed)."""
    for (earner, verdict, address), how in itertools.product(
        (
            (earner_site.alice, "valid", "https://portfolio.example.org/work/sql"),
            (earner_site.withdrawn, "revoked", "https://portfolio.example.org/work/report"),
        ),
        ("link", "file"),
    ):
        vpage.goto("about:blank")
        if how == "link":
            vpage.goto(earner.link)
        else:
            vpage.goto(earner.link.split("#", 1)[0])
            ready(vpage)
            _drop(vpage, earner.file.read_text(encoding="utf-8"))
        assert wait_for_verdict(vpage) == verdict, (how, verdict_text(vpage))
        assert earner.hash in vpage.inner_text("#cr-facts"), how
        links = vpage.locator("#cr-facts .cr-evidence a")
        assert [(a.inner_text(), a.get_attribute("href")) for a in links.all()] == [(address, address)]
        assert "noopener" in str(links.first.get_attribute("rel"))


def test_an_earners_link_in_the_query_form_keeps_its_recipient_key(vpage: Any, earner_site: EarnerSite) -> None:
    alice = earner_site.alice
    assert "#" in alice.link
    vpage.goto(alice.link.replace("#", "?award=", 1))
    assert wait_for_verdict(vpage) == "valid"
    assert vpage.url == alice.link.split("~", 1)[0]  # the public link: the key, read, leaves the address too
    assert vpage.input_value("#cr-recipient-key") == alice.key
    # The key never stays in the query, where every copy of the address would send it to a server: not when the
    # address has a fragment too (it is what the page verifies, and the query's link was kept beside it), nor in
    # a second link (only the first was moved).
    digest, key = alice.hash, alice.key
    base = alice.link.split("#", 1)[0]
    for query, fragment in (
        (f"?award={digest}~{key}#{digest}", digest),
        (f"?award={digest}~{key}&also={digest}~{key}&lang=en", digest),
    ):
        vpage.goto("about:blank")
        vpage.goto(f"{base}{query}")
        wait_for_verdict(vpage)
        kept = "?lang=en" if "lang=en" in query else ""
        assert vpage.url == f"{base}{kept}#{fragment}", query
        assert key not in vpage.url.split("#", 1)[0], query


def test_no_request_carries_the_earners_recipient_key(vpage: Any, earner_site: EarnerSite) -> None:
    """The key in an earner's link lets anyone confirm a guess of their address: no request the page makes
    (its data, the badge image it bakes, a link followed from it) carries it, in its address or its headers
    (a Referer never holds the fragment), and the page stores it nowhere."""
    alice = earner_site.alice
    sent: list[str] = []
    vpage.on("request", lambda req: sent.append(f"{req.url} {req.all_headers()}"))
    vpage.goto(alice.link)
    assert wait_for_verdict(vpage) == "valid"
    vpage.fill("#cr-email", alice.email)
    vpage.wait_for_selector("#cr-checks li[data-check=recipient][data-status=passed]", state="attached")
    vpage.wait_for_selector("#cr-bake:not([hidden])")
    with vpage.expect_download():
        vpage.click("#cr-bake")
    vpage.click("#cr-copy")
    assert alice.key not in vpage.input_value("#cr-link")
    assert alice.key not in str(vpage.get_attribute("#cr-linkedin", "href"))
    stored = vpage.evaluate("() => JSON.stringify([{...localStorage}, {...sessionStorage}, document.cookie])")
    assert alice.key not in stored
    vpage.click("#cr-facts a[href*='/credentials/']")  # a link to the credential's page, followed
    vpage.wait_for_load_state("networkidle")
    assert len(sent) > 5
    assert not [line for line in sent if alice.key in line]
    # Nor the address typed to confirm, as written or escaped, nor a hash of it with the key other than the one
    # the award publishes: the data host's log would tie the award to its earner.
    escaped = alice.email.replace("@", "%40")
    assert not [line for line in sent if alice.email in line.lower() or escaped in line.lower()]
    keyed = hashlib.sha256(f"{alice.email}{alice.key}".encode()).hexdigest()
    assert not [line for line in sent if keyed in line]


def test_the_earners_key_leaves_the_address_bar_and_history_once_read(vpage: Any, earner_site: EarnerSite) -> None:
    """The key stayed in the address bar after the page read it: in what a visitor copies, bookmarks (and syncs),
    shows when sharing their screen, and in the tab's history. Read, it is taken out of the address and its history
    entry (the public link, #<hash>, is left); the tab keeps it for that entry only (history.state), so a reload or
    going back still confirms the address, and the title, the console and the hash box never hold it."""
    alice = earner_site.alice
    public = f"{earner_site.url}verify/#{alice.hash}"
    logged: list[str] = []
    vpage.on("console", lambda message: logged.append(message.text))
    vpage.goto("about:blank")
    for opened in (alice.link, alice.link.replace("#", "?award=", 1), alice.link.replace("~", "%7E")):
        vpage.goto(opened)
        assert wait_for_verdict(vpage) == "valid", opened
        assert vpage.url == public, opened
        assert vpage.input_value("#cr-recipient-key") == alice.key
        assert vpage.evaluate("() => [location.href, document.title, document.getElementById('cr-hash').value]") == [
            public,
            vpage.title(),
            alice.hash,
        ]
    vpage.fill("#cr-email", alice.email)
    vpage.wait_for_selector("#cr-checks li[data-check=recipient][data-status=passed]", state="attached")
    # A reload shows what was shown: the award, its recipient confirmed, and still no key in the address.
    vpage.reload()
    assert wait_for_verdict(vpage) == "valid"
    assert vpage.url == public
    assert vpage.input_value("#cr-recipient-key") == alice.key
    vpage.fill("#cr-email", alice.email)
    vpage.wait_for_selector("#cr-checks li[data-check=recipient][data-status=passed]", state="attached")
    # Back and forward: no entry of the tab's history holds the key, and its own entry still confirms.
    vpage.go_back()
    assert alice.key not in vpage.url
    vpage.go_forward()
    assert wait_for_verdict(vpage) == "valid"
    assert vpage.url == public
    assert vpage.input_value("#cr-recipient-key") == alice.key
    # A private link pasted into the address bar of the open page: read, then taken out too.
    vpage.evaluate(
        "(fragment) => { location.hash = fragment; }", f"{earner_site.withdrawn.hash}~{earner_site.withdrawn.key}"
    )
    vpage.wait_for_function(
        "(hash) => document.getElementById('cr-hash').value === hash", arg=earner_site.withdrawn.hash
    )
    wait_for_verdict(vpage)
    assert vpage.url == f"{earner_site.url}verify/#{earner_site.withdrawn.hash}"
    assert vpage.input_value("#cr-recipient-key") == earner_site.withdrawn.key
    # A link the page cannot read (a hash cut short) keeps no key in the address either.
    vpage.goto(f"{earner_site.url}verify/#{alice.hash[:-1]}~{alice.key}")
    assert wait_for_verdict(vpage) == "error"
    assert alice.key not in vpage.url
    assert alice.key not in vpage.input_value("#cr-hash")
    # A page followed from it: its document.referrer holds no key (nor does any Referer: the test above).
    vpage.goto(alice.link)
    wait_for_verdict(vpage)
    vpage.click("#cr-facts a[href*='/credentials/']")
    vpage.wait_for_load_state("load")
    assert alice.key not in vpage.evaluate("() => document.referrer")
    assert not [line for line in logged if alice.key in line or alice.email in line.lower()]


def test_a_key_typed_for_an_award_is_kept_for_a_reload_and_out_of_the_address(
    vpage: Any, earner_site: EarnerSite
) -> None:
    """A key typed (as it comes with the earner's file) is kept with the tab's entry as a link's is, never in the
    address: a reload still confirms. The file's rerender after each keystroke dropped it."""
    alice = earner_site.alice
    vpage.goto(f"{earner_site.url}verify/")
    ready(vpage)
    _give(vpage, "file", alice.file.read_text(encoding="utf-8"))
    wait_for_verdict(vpage)
    vpage.fill("#cr-email", alice.email)
    vpage.fill("#cr-recipient-key", alice.key)
    # Passed only by a recheck that read the key (the email alone is no proof): drawn in the step that rewrote the
    # address with the entry's state, which this reload then finds.
    vpage.wait_for_selector("#cr-checks li[data-check=recipient][data-status=passed]", state="attached")
    assert vpage.url == f"{earner_site.url}verify/#{alice.hash}"
    vpage.reload()
    wait_for_verdict(vpage)
    assert vpage.input_value("#cr-recipient-key") == alice.key
    assert alice.key not in vpage.url


def test_an_email_or_key_typed_for_one_award_is_not_checked_against_the_next(
    vpage: Any, earner_site: EarnerSite
) -> None:
    """A recruiter checking one candidate's award after another: the email (and, for a file, the key) typed for the
    first stayed in the form and was checked against the next, which was then "not awarded to this email address"
    (the last candidate's) or confirmed by a key that is not its earner's. Another award starts with an empty form."""
    alice, withdrawn = earner_site.alice, earner_site.withdrawn
    vpage.goto(f"{earner_site.url}verify/")
    ready(vpage)
    _give(vpage, "file", alice.file.read_text(encoding="utf-8"))
    wait_for_verdict(vpage)
    vpage.fill("#cr-recipient-key", alice.key)
    _confirmed_then(vpage, alice, lambda: _give(vpage, "file", withdrawn.file.read_text(encoding="utf-8")))
    vpage.wait_for_function("() => document.getElementById('cr-verdict').dataset.verdict === 'revoked'", timeout=15_000)
    _form_is_empty(vpage)
    # By hash: the earner's link gives its own key; the email typed for it is not the next award's.
    vpage.goto(alice.link)
    wait_for_verdict(vpage)
    _confirmed_then(vpage, alice, lambda: _type_hash(vpage, withdrawn.hash))
    vpage.wait_for_function("() => document.getElementById('cr-verdict').dataset.verdict === 'revoked'", timeout=15_000)
    _form_is_empty(vpage)
    # The same award again: nothing typed for it is lost by a second look at it.
    vpage.goto(alice.link)
    wait_for_verdict(vpage)
    answered = _confirmed_then(vpage, alice, lambda: _type_hash(vpage, alice.hash))
    vpage.wait_for_function(
        "(n) => document.getElementById('cr-verdict').dataset.lookupsAnswered === String(Number(n) + 1)",
        arg=answered,
        timeout=15_000,
    )
    assert vpage.input_value("#cr-email") == alice.email
    assert vpage.input_value("#cr-recipient-key") == alice.key
    assert checks(vpage)["recipient"][0] == "passed"


def _confirmed_then(vpage: Any, earner: Earner, then: Callable[[], None]) -> str | None:
    """Type the earner's email, wait until the page confirms it, then ``then()``; the lookups answered before it."""
    vpage.fill("#cr-email", earner.email)
    vpage.wait_for_selector("#cr-checks li[data-check=recipient][data-status=passed]", state="attached")
    answered = vpage.get_attribute("#cr-verdict", "data-lookups-answered")
    then()
    return answered  # type: ignore[no-any-return]


def _type_hash(vpage: Any, digest: str) -> None:
    vpage.fill("#cr-hash", digest)
    vpage.press("#cr-hash", "Enter")


def _form_is_empty(vpage: Any) -> None:
    assert vpage.input_value("#cr-email") == ""
    assert vpage.input_value("#cr-recipient-key") == ""
    assert checks(vpage)["recipient"][0] == "not checked"


def test_the_earners_link_confirms_their_email_and_refuses_another(vpage: Any, earner_site: EarnerSite) -> None:
    alice = earner_site.alice
    vpage.goto(alice.link)
    wait_for_verdict(vpage)
    assert vpage.get_attribute("#cr-verdict", "data-verdict") == "valid"
    assert vpage.input_value("#cr-recipient-key") == alice.key  # from the link's fragment
    assert vpage.input_value("#cr-hash") == alice.hash
    assert checks(vpage)["recipient"][0] == "not checked"
    vpage.fill("#cr-email", "  ALICE.MARTIN@example.org ")
    vpage.click("#cr-email-form button[type=submit]")
    vpage.wait_for_selector("#cr-checks li[data-check=recipient][data-status=passed]", state="attached")
    assert "awarded to alice.martin@example.org" in checks(vpage)["recipient"][1].lower()
    assert vpage.get_attribute("#cr-verdict", "data-verdict") == "valid"
    assert "Valid: a genuine award, in force, awarded to alice.martin@example.org." in verdict_text(vpage)
    screenshot(vpage, "verify-earner-link-confirmed")
    vpage.fill("#cr-email", "bob.stone@example.org")  # checked as the visitor types
    vpage.wait_for_selector("#cr-checks li[data-check=recipient][data-status=failed]", state="attached")
    assert "do not match" in checks(vpage)["recipient"][1]
    assert vpage.get_attribute("#cr-verdict", "data-verdict") == "recipient does not match"
    assert "Genuine and in force, but not awarded to this email address." in verdict_text(vpage)


def test_an_address_pasted_with_an_invisible_character_is_refused_naming_it(
    vpage: Any, earner_site: EarnerSite
) -> None:
    """A pasted address holding a zero-width space was hashed as it was: the page could say "awarded to
    alice.martin@example.org" of a string that is not that one. It now says which character nobody can type, as
    credreg verify does, and confirms nothing."""
    alice = earner_site.alice
    vpage.goto(alice.link)
    wait_for_verdict(vpage)
    vpage.fill("#cr-email", "alice.martin\u200b@example.org")
    vpage.wait_for_selector("#cr-checks li[data-check=recipient][data-status=failed]", state="attached")
    reason = checks(vpage)["recipient"][1]
    assert "is not an email address: it holds an invisible character, U+200B (character 13)" in reason, reason
    assert "\\u200b" in reason, reason  # the address is quoted with the character written out, not drawn as nothing
    assert vpage.get_attribute("#cr-verdict", "data-verdict") != "valid"


def test_without_the_key_the_page_cannot_confirm(vpage: Any, earner_site: EarnerSite) -> None:
    alice = earner_site.alice
    vpage.goto(f"{earner_site.url}verify/#{alice.hash}")  # the public link: no key
    wait_for_verdict(vpage)
    assert vpage.input_value("#cr-recipient-key") == ""
    vpage.fill("#cr-email", alice.email)
    vpage.wait_for_selector(
        "#cr-checks li[data-check=recipient]:has-text('without the recipient key')", state="attached"
    )
    assert checks(vpage)["recipient"][0] == "not checked"
    assert vpage.get_attribute("#cr-verdict", "data-verdict") == "untrusted"
    assert "the recipient can only be confirmed with their recipient key" in verdict_text(vpage)
    # Typing the key (as the earner's file comes with it) confirms.
    vpage.fill("#cr-recipient-key", f" {alice.key.upper()} ")
    vpage.wait_for_selector("#cr-checks li[data-check=recipient][data-status=passed]", state="attached")
    assert vpage.get_attribute("#cr-verdict", "data-verdict") == "valid"


def test_the_earners_file_with_the_key_confirms_their_email(vpage: Any, earner_site: EarnerSite) -> None:
    alice = earner_site.alice
    vpage.goto(f"{earner_site.url}verify/")
    ready(vpage)
    _give(vpage, "file", alice.file.read_text(encoding="utf-8"))
    wait_for_verdict(vpage)
    assert checks(vpage)["registered"][0] == "passed"
    vpage.fill("#cr-email", alice.email)
    vpage.wait_for_selector(
        "#cr-checks li[data-check=recipient]:has-text('without the recipient key')", state="attached"
    )
    vpage.fill("#cr-recipient-key", alice.key)
    vpage.wait_for_selector("#cr-checks li[data-check=recipient][data-status=passed]", state="attached")
    assert vpage.get_attribute("#cr-verdict", "data-verdict") == "valid"
    vpage.fill("#cr-recipient-key", earner_site.withdrawn.key)  # another earner's key
    vpage.wait_for_selector("#cr-checks li[data-check=recipient][data-status=failed]", state="attached")
    assert vpage.get_attribute("#cr-verdict", "data-verdict") == "recipient does not match"


def test_the_email_typed_last_decides_the_recipient_check(vpage: Any, earner_site: EarnerSite) -> None:
    """Two checks of the recipient under way at once (the typing's own and the button's): the one answered last was
    shown, and an email hashed with the key answers after a mistyped one that needs no hashing, so the page said
    "awarded to" an address no longer in the box."""
    alice = earner_site.alice
    vpage.goto(alice.link)
    assert wait_for_verdict(vpage) == "valid"
    vpage.evaluate(
        """(email) => { const form = document.getElementById('cr-email-form');
             const box = document.getElementById('cr-email');
             box.value = email; form.requestSubmit(); box.value = 'not an address'; form.requestSubmit(); }""",
        alice.email,
    )
    row = vpage.locator("#cr-checks li[data-check=recipient]")
    expect(row).to_have_attribute("data-status", "failed")
    # Both checks answered (the first, had it been drawn late, is drawn by then): a sleep here left the test blind
    # whenever hashing took longer than it on a loaded machine.
    vpage.wait_for_selector("#cr-email-form:not([data-concluding])", state="attached")
    expect(row).to_have_attribute("data-status", "failed")
    assert "is not an email address" in checks(vpage)["recipient"][1]
    assert vpage.get_attribute("#cr-verdict", "data-verdict") == "recipient does not match"


def test_a_withdrawn_award_shows_revoked_with_the_reason(vpage: Any, earner_site: EarnerSite) -> None:
    """Erasure: after withdrawal at the earner's request, the public record says so and names no one."""
    bob = earner_site.withdrawn
    vpage.goto(bob.link)
    assert wait_for_verdict(vpage) == "revoked"
    assert "Withdrawn at the holder's request" in verdict_text(vpage)
    assert "bob" not in vpage.inner_text("#cr-verify").lower()


# --- sharing: QR code and copy link ----------------------------------------------------------------------------


def _png_gray(png: bytes) -> tuple[int, int, bytes]:
    """Width, height and 8-bit grey pixels of a non-interlaced 8-bit RGB/RGBA/grey PNG (what Chromium writes)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", b""
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind, body = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert (depth, interlace) == (8, 0)
    assert colour in (0, 2, 6)
    channels = {0: 1, 2: 3, 6: 4}[colour]
    stride = width * channels
    raw = zlib.decompress(idat)
    rows: list[bytearray] = []
    previous = bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 0xFF
        rows.append(line)
        previous = line
    grey = bytearray(width * height)
    for y, line in enumerate(rows):
        for x in range(width):
            grey[y * width + x] = (
                line[x * channels] if channels == 1 else sum(line[x * channels : x * channels + 3]) // 3
            )
    return width, height, bytes(grey)


def test_qr_code_and_copy_link_hold_the_verification_url(vpage: Any, site: Site, examples: Examples) -> None:
    import zxingcpp

    example = examples.valid
    expected = f"{site.verify_url}#{example.hash}"
    open_verify(vpage, site, example.hash)
    width, height, grey = _png_gray(vpage.locator("#cr-qr svg").screenshot())
    image = memoryview(grey).cast("B", (height, width))
    decoded = [b.text for b in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]
    assert decoded == [expected]
    assert vpage.input_value("#cr-link") == expected
    vpage.click("#cr-copy")
    vpage.wait_for_selector("#cr-copied:has-text('Link copied')")
    assert vpage.evaluate("() => navigator.clipboard.readText()") == expected


def test_a_copy_answered_after_another_award_is_given_says_nothing_under_it(
    vpage: Any, site: Site, examples: Examples
) -> None:
    """The clipboard may answer late (a permission prompt): "Link copied." was written when it did, under the verdict
    and link of an award given since, whose link was not the one copied. Said only under the award it copied."""
    open_verify(vpage, site, examples.valid.hash)
    # The browser's clipboard, answering when the test says (as a permission prompt does): what it is given, kept.
    vpage.evaluate(
        """() => { window.copied = []; window.answer = [];
             navigator.clipboard.writeText = (text) => new Promise((resolve) => {
               window.copied.push(text); window.answer.push(resolve); }); }"""
    )
    vpage.click("#cr-copy")
    vpage.wait_for_function("() => window.answer.length === 1")
    vpage.fill("#cr-hash", examples.revoked.hash)
    vpage.press("#cr-hash", "Enter")
    vpage.wait_for_selector(f"#cr-facts code.cr-hash:has-text('{examples.revoked.hash}')")
    assert vpage.input_value("#cr-link") != vpage.evaluate("() => window.copied[0]")
    vpage.evaluate("() => window.answer[0]()")
    copied = vpage.locator("#cr-copied")
    expect(copied).to_have_attribute("data-copies-ended", "1")
    assert copied.inner_text() == ""


# --- what a lookup fetches -------------------------------------------------------------------------------------


def test_a_lookup_fetches_only_the_files_it_needs(vpage: Any, site: Site, examples: Examples) -> None:
    example = examples.revoked  # a revoked award needs every kind of file: its revocation is in the shard
    index = json.loads((site.root / "verify" / "index.json").read_text())
    issuer = index["issuers"][example.award["issuer"]["id"]]
    achievement = example.award["credentialSubject"]["achievement"]
    achievement_sha = hashlib.sha256(canonicalize(achievement)).hexdigest()
    status_file = example.award["credentialStatus"]["statusListCredential"].rsplit("/", 1)[1]
    fetched: list[str] = []

    def record(req: Any) -> None:
        if req.url.startswith(site.url) and req.resource_type in ("fetch", "xhr"):
            fetched.append(req.url.removeprefix(site.url))

    shard = f"verify/shards/{shard_name(example.hash, index['shard_bits'])}.json.gz"
    entry = read_gzip_json(site.root / shard)["awards"][example.hash]
    template = [f"verify/templates/{entry['t']}.json.gz"] if "t" in entry else []  # a lean entry's, once per page
    vpage.on("request", record)
    open_verify(vpage, site, example.hash)
    assert vpage.get_attribute("#cr-verdict", "data-verdict") == "revoked"
    data = sorted(path for path in fetched if path.startswith(("verify/", "issuers/")))
    assert data == sorted(
        [
            "verify/index.json",
            shard,
            # The site's digest of that shard, which the data must match (a data host can only withhold).
            f"verify/digests/{digest_group(shard.rsplit('/', 1)[1].removesuffix('.json.gz'))}.json",
            *template,
            f"verify/achievements/{achievement_sha}.json",
            f"verify/records/{issuer}.json",
            f"issuers/{issuer}/keys.json",
            f"issuers/{issuer}/credential-dates.json",  # no award is valid from before its credential existed
            f"issuers/{issuer}/status/{status_file}",
        ]
    )
    # Anything else is the theme's own (Material reads sitemap.xml), never registry data; and the probe for a
    # public log (log/policy.json: none in the example registry, so nothing more of log/ is read).
    others = [path for path in fetched if path not in data]
    assert all(path.endswith(".xml") or path == "log/policy.json" for path in others), fetched
    # The default hash lookup loads no RDFC code (issue 15's budget): no rdfc.js, no jsonld, no contexts.
    scripts: list[str] = []
    vpage.on("request", lambda req: scripts.append(req.url))
    open_verify(vpage, site, examples.valid.hash)
    assert vpage.get_attribute("#cr-verdict", "data-verdict") == "valid"
    assert not [u for u in scripts if "rdfc" in u or "jsonld" in u or "/contexts/" in u], scripts


# --- JCS in the browser, on the RFC 8785 test data --------------------------------------------------------------


def test_jcs_in_the_browser_matches_the_rfc_8785_test_data(vpage: Any, site: Site) -> None:
    jcs_dir = CONFORMANCE / "jcs"
    cases = {
        p.name: [p.read_text(encoding="utf-8"), (jcs_dir / "output" / p.name).read_bytes()]
        for p in sorted((jcs_dir / "input").glob("*.json"))
    }
    open_verify(vpage, site)
    got = vpage.evaluate(
        """async (cases) => { const jcs = await import(new URL('../assets/verify/jcs.js', location.href));
             const out = {}; for (const [name, [input]] of Object.entries(cases))
               out[name] = Array.from(jcs.canonicalBytes(jcs.parseJSON(input))); return out; }""",
        {k: [v[0]] for k, v in cases.items()},
    )
    assert len(cases) >= 6
    for name, (_, expected) in cases.items():
        assert bytes(got[name]) == expected, name


# --- without JavaScript, and accessibility ---------------------------------------------------------------------


@pytest.mark.parametrize("width", [1280, 375])
def test_without_javascript_the_page_explains_how_to_verify(browser: Any, site: Site, width: int) -> None:
    """Without JavaScript the page says so and gives the commands, whole on a phone too; the empty shell of the
    printable certificate ("Certificate", "Verify it:") was shown under them and read out as a region, because
    only the stylesheet the script loads hid it."""
    context = browser.new_context(java_script_enabled=False, viewport={"width": width, "height": 800})
    try:
        page = context.new_page()
        page.goto(site.verify_url + f"#{'0' * 64}")
        text = page.inner_text("#cr-verify")
        assert "needs JavaScript" in text
        assert "credreg verify HASH" in text
        assert page.locator("#cr-app").is_hidden()
        assert page.locator("#cr-certificate").is_hidden()
        assert "Verify it:" not in text
        assert page.get_by_role("region", name="Printable certificate").count() == 0
        # Every command can be read without scrolling sideways (nothing scrolls a block without a script).
        commands = page.locator(".cr-noscript pre code")
        expect(commands).to_contain_text("--recipient - --recipient-key -")
        cut = commands.evaluate("e => e.scrollWidth - e.clientWidth")
        assert cut <= 1, f"the commands are cut off by {cut} px at {width} px"
        assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 1
    finally:
        context.close()


def test_no_serious_accessibility_violations(vpage: Any, site: Site, examples: Examples) -> None:

    open_verify(vpage, site, examples.revoked.hash)
    vpage.fill("#cr-email", "someone@example.org")
    vpage.fill("#cr-recipient-key", "0" * 32)
    vpage.wait_for_selector("#cr-checks li[data-check=recipient][data-status=failed]", state="attached")
    results = axe_results(vpage)
    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not serious, serious


# --- one plain headline per verdict, as credreg verify says it; axe clean in every state (issue 15) -------------

AXE_SIZES = {"desktop": (1366, 900), "phone": (390, 844)}


def _foreign(
    base: dict[str, Any],
    valid_from: str,
    valid_until: str | None,
    *,
    issuer: dict[str, Any] | None = None,
    name: str = "An Academy Elsewhere",
) -> dict[str, Any]:
    """``base`` signed by a did:key elsewhere (eddsa-jcs-2022 only, which the page checks), or, with ``issuer``,
    by that key while naming a registered issuer."""
    from generator.awarding.keys import SigningKey
    from generator.awarding.signing import sign_document
    from generator.crypto import ed25519
    from generator.crypto.dataintegrity import JCS, RDFC
    from generator.crypto.multibase import did_key_from_public

    seed = hashlib.sha256(b"issue 15: an issuer elsewhere").digest()
    did = did_key_from_public(ed25519.public_from_seed(seed))
    unsigned = json.loads(json.dumps({k: v for k, v in base.items() if k != "proof"}))
    if issuer is None:
        unsigned.pop("credentialStatus", None)
        # An achievement of its own: one that named this registry's would be no credential of an issuer elsewhere
        # but a claim on the registry's (not published here, whatever its dates).
        unsigned["credentialSubject"]["achievement"]["id"] = "https://elsewhere.example/achievements/sql"
    unsigned["issuer"] = issuer or {"id": did, "type": ["Profile"], "name": name}
    unsigned["credentialSubject"]["achievement"]["creator"] = unsigned["issuer"]
    unsigned["validFrom"] = valid_from
    unsigned.pop("validUntil", None)
    if valid_until:
        unsigned["validUntil"] = valid_until
    suites = (JCS,) if issuer is None else (JCS, RDFC)
    key = SigningKey("elsewhere", "key-1", seed)
    # Naming a registered issuer, it is read by the registry's award profile: signed at its validFrom, as the
    # registry's awards are (a signing time of its own would make it malformed, not "key not registered").
    created = dt.datetime.fromisoformat(valid_from) if issuer is not None else dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    return sign_document(unsigned, key, f"{did}#{did.removeprefix('did:key:')}", created, suites=suites)


HEADLINE_CASES = [
    "valid",
    "revoked",
    "expired",
    "changed",
    "issuer not registered",
    "not yet valid",
    "expired elsewhere",
    "key not registered",
    "changed (RDFC proof)",
    "issuer not registered (RDFC proof)",
    "changed (RDFC proof) elsewhere",
]


@pytest.mark.parametrize("case", HEADLINE_CASES)
def test_each_verdict_leads_with_the_cli_s_plain_headline_and_is_axe_clean(
    browser: Any, site: Site, examples: Examples, registry: Registry, case: str
) -> None:

    base = examples.valid.award
    by_hash = {"valid": examples.valid, "revoked": examples.revoked, "expired": examples.expired}.get(case)
    doc: dict[str, Any] = json.loads(json.dumps(base))
    if case == "changed":
        doc["credentialSubject"]["achievement"]["name"] += " (Distinction)"
    elif case == "issuer not registered":
        doc = _foreign(base, "2025-01-01T00:00:00Z", None)
    elif case == "not yet valid":
        doc = _foreign(base, "2099-01-01T00:00:00Z", None)
    elif case == "expired elsewhere":
        doc = _foreign(base, "2020-01-01T00:00:00Z", "2021-01-01T00:00:00Z")
    elif case == "key not registered":
        doc = _foreign(base, base["validFrom"], base.get("validUntil"), issuer=base["issuer"])
    elif case.endswith("(RDFC proof)") and case.startswith("issuer"):
        from tests.site.test_foreign_ob3 import onedtech_style_sample

        doc = onedtech_style_sample()  # 1EdTech-style: eddsa-rdfc-2022 only, a did:key issuer
    elif case == "changed (RDFC proof) elsewhere":
        from tests.site.test_foreign_ob3 import _broken, onedtech_style_sample

        doc = _broken(onedtech_style_sample())
    elif case == "changed (RDFC proof)":
        for proof in doc["proof"]:
            if proof["cryptosuite"] == "eddsa-rdfc-2022":
                proof["proofValue"] = _altered_r(proof["proofValue"])
    python = Verifier(registry).verify(by_hash.award if by_hash else doc).headline()
    expected = (python.kind, python.text)  # the page checks RDFC proofs too (issue 15)
    assert str(python.kind) == case.removesuffix(" elsewhere").removesuffix(" (RDFC proof)"), python
    if "RDFC" in case and by_hash is None:
        assert "not checked" not in str(Verifier(registry).verify(doc).check("proof:eddsa-rdfc-2022"))
    for size, (width, height) in AXE_SIZES.items():
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        try:
            if by_hash:
                open_verify(page, site, by_hash.hash)
            else:
                open_verify(page, site)
                _drop(page, json.dumps(doc, indent=2))
                wait_for_verdict(page)
            title = page.inner_text("#cr-verdict .cr-verdict-title")
            assert (page.get_attribute("#cr-verdict", "data-headline"), title) == (str(expected[0]), expected[1])
            for word in ("None", "ValidFrom", "validFrom is", "{'", "Check("):
                assert word not in page.inner_text("#cr-verdict"), word
            for state in ("collapsed", "open"):
                if state == "open":
                    page.click("#cr-technical summary")
                # The theme's tabs fade out while the page scrolls: audit them at rest, back at the top.
                scrolled_to_top(page)
                results = axe_results(page)
                violations = [
                    f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
                    for v in results.response["violations"]
                ]
                assert violations == [], (case, size, state)
            if size == "desktop":
                screenshot(page, f"verify-headline-{case.replace(' ', '-')}")
        finally:
            context.close()


def test_the_award_file_downloads_exactly_and_everything_it_says_is_shown(
    vpage: Any, site: Site, examples: Examples
) -> None:
    example = examples.valid
    assert example.single_file
    open_verify(vpage, site, example.hash)
    with vpage.expect_download() as got:
        vpage.click("#cr-download")
    assert got.value.suggested_filename == f"{example.hash}.json"
    assert Path(got.value.path()).read_text(encoding="utf-8") == example.text  # the registry's file, byte for byte
    # A credential from elsewhere with evidence, results and a criteria narrative: all shown, the file as given.
    doc = _foreign(example.award, "2025-01-01T00:00:00Z", None)
    unsigned = {k: v for k, v in doc.items() if k != "proof"}
    unsigned["evidence"] = [
        {"id": "https://portfolio.example.org/ada/sql", "type": ["Evidence"], "name": "Project report",
         "narrative": "Designed the schema of a library system."},
        # Words that read as another address (anyone with a key can sign such a file): the link shows where it goes.
        {"id": "https://evil.example/transcript", "type": ["Evidence"], "name": "https://acme.example/transcript"},
        # A user name before the host reads as a host: no link.
        {"id": "https://acme.example@evil.example/t", "type": ["Evidence"], "name": "Transcript"},
    ]  # fmt: skip
    unsigned["credentialSubject"]["result"] = [{"type": ["Result"], "value": "92/100"}]
    # A registered issuer's badge image, at the address this site serves it from (the registry's own, in use).
    picture = unsigned["credentialSubject"]["achievement"]["image"]
    picture["id"] = site.url + picture["id"].split("/", 3)[3]
    doc = _foreign(unsigned, "2025-01-01T00:00:00Z", None)
    text = json.dumps(doc, indent=4) + "\n\n"
    open_verify(vpage, site)
    _drop(vpage, text)
    assert wait_for_verdict(vpage) == "untrusted"
    # Its achievement names a registered issuer's badge image on this site: a credential from elsewhere is not
    # shown with this registry's picture of a badge its issuer does not award (only a registered issuer's award
    # shows one of its issuer's images, from this site's copy; else only a picture it carries, a data: image).
    assert vpage.locator("#cr-image").is_hidden()
    assert vpage.locator("#cr-image img").count() == 0
    facts = vpage.inner_text("#cr-facts")
    # Its awardedDate is not its validFrom: only its issuer's word, which nothing checks, not an award date.
    assert unsigned["awardedDate"] != doc["validFrom"]
    assert f"Awarded\n{unsigned['awardedDate'][:10]} (as its issuer says; not checked)" in facts
    assert "Designed the schema of a library system." in facts
    assert "92/100" in facts
    assert example.award["credentialSubject"]["achievement"]["criteria"]["narrative"].strip()[:40] in facts
    # Its issuer is not registered here: its links are its own word, shown as text, never a link of this page's
    # (a registered issuer's links show the address they go to: test_a_vouched_award_s_links_show_where_they_go).
    assert vpage.locator("#cr-facts .cr-evidence a").count() == 0
    assert "Project report" in facts
    assert "Transcript" in facts
    assert "https://portfolio.example.org/ada/sql" in facts
    assert "https://evil.example/transcript" in facts
    with vpage.expect_download() as got:
        vpage.click("#cr-download")
    assert Path(got.value.path()).read_text(encoding="utf-8") == text


# A picture that says what the page's verdict says: green, a tick, "Verified", "Registered here".
_VERIFIED_PICTURE = (
    "data:image/svg+xml;base64,"
    + base64.b64encode(
        b'<svg xmlns="http://www.w3.org/2000/svg" width="120" height="120"><rect width="120" height="120" '
        b'fill="green"/><text x="10" y="60" fill="white">&#10003; Verified</text></svg>'
    ).decode()
)


def test_a_picture_carried_by_a_file_that_is_not_what_its_issuer_signed_is_never_shown(
    vpage: Any, site: Site, examples: Examples
) -> None:
    """The page showed the badge picture a file carries (a data: image) whatever the verdict: a forged award could
    put a green "Verified" picture beside its claims, under the page's own heading. A picture is what its issuer
    says, as its evidence links are: shown only when the file is what its issuer signed.

    Nor for an issuer that is not registered here, though its signature holds: anyone can make a key and sign a
    file carrying a green "Verified by Northbridge University" picture and links to pages of its own, which were
    shown under "This award" beside the headline that its issuer is not registered. Only an award signed with a key
    registered here for its issuer shows its picture and clickable links (a revoked or expired one too: its issuer
    is real); any other is "What this file claims (not verified)", its links plain text."""
    forged = json.loads(json.dumps(examples.valid.award))
    forged["credentialSubject"]["achievement"]["image"] = {"id": _VERIFIED_PICTURE, "type": "Image"}
    open_verify(vpage, site)
    _drop(vpage, json.dumps(forged))
    assert wait_for_verdict(vpage) == "invalid"
    assert vpage.locator("#cr-image img").count() == 0
    assert vpage.locator("#cr-image").is_hidden()
    assert vpage.inner_text("#cr-result-title") == "What this file claims (not verified)"
    # Signed by an issuer elsewhere, not registered here: its picture and links are its own word, vouched by no one.
    unsigned = {k: v for k, v in examples.valid.award.items() if k != "proof"}
    unsigned = json.loads(json.dumps(unsigned))
    unsigned["credentialSubject"]["achievement"]["image"] = {"id": _VERIFIED_PICTURE, "type": "Image"}
    unsigned["evidence"] = [{"id": "https://verify.example/northbridge", "type": ["Evidence"], "name": "Verified"}]
    signed = _foreign(unsigned, "2025-01-01T00:00:00Z", None, name="Northbridge University")
    _drop(vpage, json.dumps(signed))
    assert wait_for_verdict(vpage) == "untrusted"
    assert vpage.get_attribute("#cr-verdict", "data-headline") == "issuer not registered"
    assert vpage.locator("#cr-image img").count() == 0
    assert vpage.locator("#cr-image").is_hidden()
    assert vpage.locator("#cr-bake").is_hidden()
    assert vpage.inner_text("#cr-result-title") == "What this file claims (not verified)"
    assert vpage.locator("#cr-facts a[href^='https://verify.example']").count() == 0
    assert "https://verify.example/northbridge" in vpage.inner_text("#cr-facts")  # shown, as text
    # A registered issuer's award, revoked: its issuer is real, and its picture is shown as its award's.
    open_verify(vpage, site, examples.revoked.hash)
    assert wait_for_verdict(vpage) == "revoked"
    assert vpage.locator("#cr-image img").count() == 1
    assert vpage.inner_text("#cr-result-title") == "This award"
    # …and a forged copy of the file from elsewhere is not shown either.
    signed["name"] = "Changed"
    _drop(vpage, json.dumps(signed))
    assert wait_for_verdict(vpage) == "invalid"
    assert vpage.locator("#cr-image img").count() == 0


def _reads_left_to_right(page: Any, selector: str, words: str) -> bool:
    """Whether ``words``, a text node's end inside ``selector``, are drawn in reading order: its first character
    left of its last (a right-to-left override before them draws them mirrored, the last first)."""
    return bool(
        page.evaluate(
            """([selector, words]) => {
                 const walker = document.createTreeWalker(document.querySelector(selector), NodeFilter.SHOW_TEXT);
                 for (let node; (node = walker.nextNode()); ) {
                   const at = node.data.lastIndexOf(words);
                   if (at < 0) continue;
                   const box = (i) => { const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 1);
                                        return r.getBoundingClientRect(); };
                   return box(at).left < box(at + words.length - 1).left;
                 }
                 throw new Error(`no text ${words} in ${selector}`);
               }""",
            [selector, words],
        )
    )


def test_a_bidi_override_in_a_file_s_words_never_turns_the_page_s_own_words(
    vpage: Any, site: Site, examples: Examples
) -> None:
    """A right-to-left override in what a file says (its issuer's name, its evidence) ran on into the words the page
    wrote after it in the same line: an issuer elsewhere named "Acme" + U+202E + its claim written backwards showed
    "Acme (registered here as acme-academy)" and the page's "(not registered here)" mirrored into gibberish. Each
    of a file's words is set apart from the page's (its own bidi isolate), and what shows as nothing is written out
    as an escape, as credreg verify quotes it; so are a letter's combining marks beyond the sixth (a tower of them
    was drawn up over the verdict)."""
    claim = " (registered here as acme-academy)"
    unsigned = json.loads(json.dumps({k: v for k, v in examples.valid.award.items() if k != "proof"}))
    evidence = {"id": "https://portfolio.example.org/x", "type": ["Evidence"], "name": "Report\u202e"}
    unsigned["evidence"] = [evidence | {"narrative": "fine print"}]
    # A letter under 300 accents: drawn as a tower up over the verdict.
    unsigned["credentialSubject"]["achievement"]["name"] = "Tower" + "\u0301" * 300
    signed = _foreign(unsigned, "2025-01-01T00:00:00Z", None, name="Acme\u202e" + claim[::-1])
    open_verify(vpage, site)
    _drop(vpage, json.dumps(signed))
    assert wait_for_verdict(vpage) == "untrusted"
    facts = vpage.inner_text("#cr-facts")
    assert "\u202e" not in facts
    assert "Acme\\u202e" in facts  # written out, where it was hidden
    assert _reads_left_to_right(vpage, "#cr-facts", "(not registered here)")
    assert _reads_left_to_right(vpage, "#cr-facts", "fine print")
    assert mark_tower(facts) is None
    assert "Tower\u0301\u0301\u0301\u0301\u0301\u0301\\u0301" in facts


# --- badges that travel: baked images (issue 15) ----------------------------------------------------------------


def _tiny_png() -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    pixels = zlib.compress(b"\x00\xff\x00\x00")  # one red pixel, filter byte 0
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def _cli_verify(path: Path) -> tuple[int, dict[str, Any]]:
    done = subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(REPO), "verify", str(path), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert not done.stderr, done.stderr
    return done.returncode, json.loads(done.stdout)


def test_a_baked_svg_and_png_verify_in_the_page_and_in_the_cli(vpage: Any, site: Site, examples: Examples,
                                                               tmp_path: Path) -> None:  # fmt: skip
    from generator.baking import baked_credential

    example = examples.valid
    open_verify(vpage, site, example.hash)
    vpage.wait_for_selector("#cr-bake:not([hidden])")
    with vpage.expect_download() as got:
        vpage.click("#cr-bake")
    svg = tmp_path / got.value.suggested_filename
    got.value.save_as(svg)
    assert svg.suffix == ".svg"
    data = svg.read_bytes()
    assert baked_credential(data) == example.text  # the award, byte for byte
    assert b'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"' in data
    assert (_cli_verify(svg)[0], _cli_verify(svg)[1]["verdict"]) == (0, "valid")
    # The page bakes a PNG the same way (iTXt, uncompressed); both images verify when dropped back.
    baked_png = vpage.evaluate(
        """async ([png, json]) => {
             const { bakePng } = await import(new URL("../assets/verify/baking.js", location.href).href);
             return Array.from(bakePng(new Uint8Array(png), json)); }""",
        [list(_tiny_png()), example.text],
    )
    png = tmp_path / "badge.png"
    png.write_bytes(bytes(baked_png))
    assert baked_credential(png.read_bytes()) == example.text
    assert b"iTXtopenbadgecredential\x00\x00\x00\x00\x00" in png.read_bytes()
    assert _cli_verify(png)[1]["verdict"] == "valid"
    for path, mime in ((svg, "image/svg+xml"), (png, "image/png")):
        open_verify(vpage, site)
        transfer = vpage.evaluate_handle(
            """([bytes, name, type]) => { const dt = new DataTransfer();
                 dt.items.add(new File([new Uint8Array(bytes)], name, {type})); return dt; }""",
            [list(path.read_bytes()), path.name, mime],
        )
        vpage.dispatch_event("#cr-drop", "dragover", {"dataTransfer": transfer})
        vpage.dispatch_event("#cr-drop", "drop", {"dataTransfer": transfer})
        assert wait_for_verdict(vpage) == "valid", path.name
        assert example.hash in vpage.inner_text("#cr-facts")
    # An image with nothing baked in is refused, clearly.
    open_verify(vpage, site)
    transfer = vpage.evaluate_handle(
        """(bytes) => { const dt = new DataTransfer();
             dt.items.add(new File([new Uint8Array(bytes)], "plain.png", {type: "image/png"})); return dt; }""",
        list(_tiny_png()),
    )
    vpage.dispatch_event("#cr-drop", "drop", {"dataTransfer": transfer})
    assert wait_for_verdict(vpage) == "error"
    assert "carries no award" in verdict_text(vpage)
    assert "scan it with a phone's camera" in verdict_text(vpage)  # a picture of the certificate's QR code


def _baked_png(text: str) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    plain = _tiny_png()
    return plain[:-12] + chunk(b"iTXt", b"openbadgecredential\0\0\0\0\0" + text.encode()) + plain[-12:]


def _drop_bytes(page: Any, data: bytes, name: str, mime: str) -> None:
    transfer = page.evaluate_handle(
        """([bytes, name, type]) => { const dt = new DataTransfer();
             dt.items.add(new File([new Uint8Array(bytes)], name, {type})); return dt; }""",
        [list(data), name, mime],
    )
    page.dispatch_event("#cr-drop", "dragover", {"dataTransfer": transfer})
    page.dispatch_event("#cr-drop", "drop", {"dataTransfer": transfer})


def test_a_baked_credential_over_1_mib_of_utf8_is_refused_by_both(
    vpage: Any, site: Site, examples: Examples, tmp_path: Path
) -> None:
    """The page measured a credential's text in UTF-16 units, credreg verify (and every reader of the registry) in
    UTF-8 bytes: a signed credential of 600,000 accented letters (1.2 MB) baked into a PNG got a verdict on the
    page and was refused by credreg verify. Both refuse it now, for its size."""
    from generator.awarding.keys import SigningKey
    from generator.awarding.signing import sign_document
    from generator.cli import MAX_CREDENTIAL_BYTES
    from generator.crypto import ed25519
    from generator.crypto.multibase import did_key_from_public

    seed = ed25519.generate_seed()
    did = did_key_from_public(ed25519.public_from_seed(seed))
    unsigned = {k: v for k, v in examples.valid.award.items() if k not in ("proof", "credentialStatus")}
    unsigned["issuer"] = {"id": did, "type": ["Profile"], "name": "Someone"}
    unsigned["description"] = "é" * 600_000
    signed = sign_document(unsigned, SigningKey("x", "x", seed), f"{did}#{did.removeprefix('did:key:')}", EPOCH)
    text = json.dumps(signed, ensure_ascii=False)
    assert len(text) < MAX_CREDENTIAL_BYTES < len(text.encode())

    baked = _baked_png(text)
    png = tmp_path / "badge.png"
    png.write_bytes(baked)
    cli = subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(REPO), "verify", str(png)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert cli.returncode == 2, cli.stdout
    assert "the limit is 1,048,576" in cli.stderr
    open_verify(vpage, site)
    _drop_bytes(vpage, baked, png.name, "image/png")
    assert wait_for_verdict(vpage) == "error", verdict_text(vpage)
    assert "at most 1 MiB" in verdict_text(vpage)


def test_a_dropped_image_the_browser_fails_to_read_late_never_covers_a_later_verdict(
    vpage: Any, site: Site, examples: Examples
) -> None:
    """A dropped image is read in two steps (its first 64 KiB, then all of it). When the browser failed the second
    read (a file changed or removed since it was picked: NotReadableError) after a hash was given and answered, the
    image's error replaced that verdict, and retired it. The file here is a File whose whole read the test holds,
    then fails as Chromium fails it; the hash's verdict stays."""
    open_verify(vpage, site)
    vpage.evaluate(
        """(bytes) => {
             const file = new File([new Uint8Array(bytes)], "badge.png", {type: "image/png"});
             file.arrayBuffer = () => new Promise((resolve, reject) => { window.crHeldRead = reject; });
             const drop = new Event("drop", {bubbles: true, cancelable: true});
             Object.defineProperty(drop, "dataTransfer", {value: {types: ["Files"], files: [file]}});
             document.getElementById("cr-drop").dispatchEvent(drop); }""",
        list(_baked_png(examples.revoked.text)),
    )
    vpage.wait_for_function("() => typeof window.crHeldRead === 'function'")  # the whole read is under way
    vpage.fill("#cr-hash", examples.valid.hash)
    vpage.click("#cr-hash-form button[type=submit]")
    assert wait_for_verdict(vpage) == "valid"
    vpage.evaluate(
        """() => new Promise((done) => {
             window.crHeldRead(new DOMException("The requested file could not be read.", "NotReadableError"));
             setTimeout(done, 0); })"""  # the rejection's handlers (microtasks) have all run by then
    )
    assert wait_for_verdict(vpage) == "valid", verdict_text(vpage)
    assert examples.valid.hash in vpage.inner_text("#cr-facts")


def test_a_dropped_file_the_browser_cannot_read_is_said_so(vpage: Any, site: Site, tmp_path: Path) -> None:
    """A file picked from disk, then changed there before it is read, is one Chromium refuses to read
    (NotReadableError). The failure was caught nowhere: "Checking…" stayed on the page for good. It is said."""
    path = tmp_path / "award.json"
    path.write_text("{}")
    open_verify(vpage, site)
    # A file input of the test's own (the page's would verify it at once): its File is the file on disk.
    vpage.evaluate(
        """() => { const input = document.createElement("input"); input.type = "file"; input.id = "test-pick";
             document.body.append(input); }"""
    )
    vpage.set_input_files("#test-pick", str(path))
    # Chromium takes the file's snapshot (its size and time, which a read compares with the disk) when it is first
    # asked for them, not when it is picked: a change made before that was read as the file (a flaky pass of the
    # new bytes). Asking for its size takes it now.
    assert vpage.evaluate('() => document.getElementById("test-pick").files[0].size') == 2
    path.write_text('{"changed": "since it was picked"}')
    vpage.evaluate(
        """() => { const dt = new DataTransfer(); dt.items.add(document.getElementById("test-pick").files[0]);
             document.getElementById("cr-drop").dispatchEvent(
               new DragEvent("drop", {bubbles: true, cancelable: true, dataTransfer: dt})); }"""
    )
    assert wait_for_verdict(vpage) == "error", verdict_text(vpage)
    assert "This file could not be read (NotReadableError): choose it again." in verdict_text(vpage)


@pytest.mark.parametrize(
    "decoy",
    [
        '<credential xmlns="https://purl.imsglobal.org/ob/v3p0"><![CDATA[{}]]></credential>',
        '<x:credential xmlns:x="&#104;ttps://purl.imsglobal.org/ob/v3p0"><![CDATA[{}]]></x:credential>',
    ],
    ids=["default namespace", "namespace written with references"],
)
def test_an_svg_with_a_second_credential_xml_finds_is_refused_by_both(
    vpage: Any, site: Site, examples: Examples, tmp_path: Path, decoy: str
) -> None:
    """An SVG holding a revoked award in a credential element of the default namespace (or under a prefix whose
    namespace is written with character references), then a valid one under openbadges: XML-reading tools take
    the revoked award first, while the page and credreg verify saw only the second element and said "valid"."""
    import xml.etree.ElementTree as ET

    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">'
        + decoy.format(examples.revoked.text)
        + f"<openbadges:credential><![CDATA[{examples.valid.text}]]></openbadges:credential></svg>"
    ).encode()
    found = [e.text for e in ET.fromstring(svg).iter("{https://purl.imsglobal.org/ob/v3p0}credential")]
    assert found == [examples.revoked.text, examples.valid.text]  # what an XML-reading tool sees
    path = tmp_path / "badge.svg"
    path.write_bytes(svg)
    open_verify(vpage, site)
    _drop_bytes(vpage, svg, path.name, "image/svg+xml")
    assert wait_for_verdict(vpage) == "error"
    assert "more than one baked credential" in verdict_text(vpage)
    cli = subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(REPO), "verify", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert cli.returncode == 2, cli.stderr
    assert "more than one baked credential" in cli.stderr


def test_two_credentials_baked_as_lines_are_refused_and_one_award_on_lines_is_verified(
    vpage: Any, site: Site, examples: Examples, tmp_path: Path
) -> None:
    """The page offered a cohort's picker for any text of two or more lines each starting with "{": two awards
    baked into one image as two lines were offered to pick from (one then verified) where credreg verify refuses
    the image as no JSON credential; and one award whose JSON has each line start with "{" (valid JSON, a valid
    signature) was offered as lines none of which is JSON, where credreg verify finds it valid. An image carries
    one credential, and a text that is one JSON value is one credential."""
    compact = {e.hash: json.dumps(e.award, separators=(",", ":")) for e in (examples.valid, examples.revoked)}
    two = tmp_path / "two.png"
    two.write_bytes(_baked_png("\n".join(compact.values())))
    cli = subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(REPO), "verify", str(two)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert cli.returncode == 2, cli.stdout
    assert "the baked credential is not JSON" in cli.stderr
    open_verify(vpage, site)
    _drop_bytes(vpage, two.read_bytes(), two.name, "image/png")
    assert wait_for_verdict(vpage) == "error", verdict_text(vpage)
    assert "not valid JSON" in verdict_text(vpage)

    lines = compact[examples.valid.hash].replace('"credentialSubject":{', '"credentialSubject":\n{', 1)
    assert lines.count("\n") == 1
    assert all(line.startswith("{") for line in lines.splitlines())
    one = tmp_path / "one.json"
    one.write_text(lines, encoding="utf-8")
    assert (_cli_verify(one)[0], _cli_verify(one)[1]["verdict"]) == (0, "valid")
    for data, name, mime in (
        (lines.encode(), one.name, "application/json"),
        (_baked_png(lines), "one.png", "image/png"),
    ):
        open_verify(vpage, site)
        _drop_bytes(vpage, data, name, mime)
        assert wait_for_verdict(vpage) == "valid", (name, verdict_text(vpage))


def test_a_downloaded_badge_image_is_the_one_of_the_award_baked_in(
    vpage: Any, site: Site, examples: Examples, registry: Registry
) -> None:
    """ "Download badge image" read the badge's picture only once its code had loaded: an award checked meanwhile
    (on a slow phone, a second is enough) put its own badge's picture around the first award."""
    from generator.baking import baked_credential

    first = examples.valid
    verifier = Verifier(registry)
    picture = first.award["credentialSubject"]["achievement"].get("image")
    other = next(
        award_hash(award)
        for award in (json.loads(source.text) for source in iter_awards(registry.root))
        if award["credentialSubject"]["achievement"].get("image") not in (None, picture)
        and verifier.verify(award).verdict is Verdict.VALID
    )
    open_verify(vpage, site, other)
    other_image = str(vpage.get_attribute("#cr-image img", "src"))
    vpage.goto("about:blank")
    open_verify(vpage, site, first.hash)
    first_image = str(vpage.get_attribute("#cr-image img", "src"))
    assert first_image.endswith(".svg")
    assert first_image != other_image
    held: list[Any] = []
    vpage.route("**/assets/verify/baking.js", lambda route: held.append(route))  # answered when the test says
    with vpage.expect_request("**/assets/verify/baking.js"):
        vpage.click("#cr-bake")
    vpage.fill("#cr-hash", other)
    vpage.press("#cr-hash", "Enter")
    vpage.wait_for_selector(f"#cr-facts code.cr-hash:has-text('{other}')")
    with vpage.expect_download() as got:
        [route] = held
        route.continue_()
    baked = Path(got.value.path()).read_text(encoding="utf-8")
    assert baked_credential(baked.encode()) == first.text
    around = baked.split("</openbadges:credential>", 1)[1]
    assert (site.root / first_image.removeprefix(site.url)).read_text(encoding="utf-8").endswith(around)
    # Its line ("Badge image downloaded, with the award inside it.") is the first award's: it was written under the
    # other's verdict, as if said of it. The download has ended (verify.js counts each, said or dropped): unsaid.
    status = vpage.locator("#cr-bake-status")
    expect(status).to_have_attribute("data-bakes-ended", "1")
    assert status.inner_text() == ""
    # Nor does a line said of an award stay under the next one's verdict.
    with vpage.expect_download():
        vpage.click("#cr-bake")
    expect(status).to_have_attribute("data-bakes-ended", "2")
    expect(status).to_have_text("Badge image downloaded, with the award inside it.")
    vpage.fill("#cr-hash", first.hash)
    vpage.press("#cr-hash", "Enter")
    vpage.wait_for_selector(f"#cr-facts code.cr-hash:has-text('{first.hash}')")
    assert status.inner_text() == ""


def test_linkedin_link_and_printable_certificate(vpage: Any, site: Site, examples: Examples) -> None:
    from urllib.parse import parse_qs, urlsplit

    example = examples.valid
    open_verify(vpage, site, example.hash)
    vpage.wait_for_selector("#cr-cert-qr svg", state="attached")
    href = str(vpage.get_attribute("#cr-linkedin", "href"))  # built, never fetched
    parts = urlsplit(href)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "www.linkedin.com", "/profile/add")
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    achievement = example.award["credentialSubject"]["achievement"]
    issued = example.award.get("awardedDate") or example.award["validFrom"]
    assert query["startTask"] == "CERTIFICATION_NAME"
    assert query["name"] == achievement["name"]
    assert query["organizationName"] == example.award["issuer"]["name"]
    assert (query["issueYear"], query["issueMonth"]) == (issued[:4], str(int(issued[5:7])))
    assert query["certUrl"] == f"{site.verify_url}#{example.hash}"
    assert query["certId"] == example.hash
    if example.award.get("validUntil"):
        assert query["expirationYear"] == example.award["validUntil"][:4]
    assert vpage.locator("#cr-certificate").is_hidden()  # on screen
    vpage.emulate_media(media="print")
    assert vpage.locator("#cr-certificate").is_visible()
    assert vpage.locator("#cr-verdict").is_hidden()
    text = vpage.inner_text("#cr-certificate")
    assert achievement["name"] in text
    assert f"{site.verify_url}#{example.hash}" in text
    screenshot(vpage, "verify-certificate-print")
    vpage.emulate_media(media="screen")
    # Nothing to put on a profile or print for an award that is not valid.
    open_verify(vpage, site, examples.revoked.hash)
    assert vpage.locator("#cr-linkedin").is_hidden()
    assert vpage.locator("#cr-print").is_hidden()


def test_the_certificate_of_an_award_checked_before_is_never_printed(
    vpage: Any, site: Site, examples: Examples
) -> None:
    """The printable certificate stayed ready after a valid award, under the verdict of whatever was checked next
    when that was no award (an unknown hash, a mistyped one) or not yet answered: printing then gave the earlier
    award's certificate under another verdict."""
    unknown = hashlib.sha256(b"not an award").hexdigest()
    certificate = vpage.locator("#cr-certificate")
    for given, verdict in ((unknown, "unknown"), ("not-a-hash", "error")):
        open_verify(vpage, site, examples.valid.hash)
        expect(certificate).to_have_attribute("data-ready", "true")
        vpage.fill("#cr-hash", given)
        vpage.press("#cr-hash", "Enter")
        expect(vpage.locator("#cr-verdict")).to_have_attribute("data-verdict", verdict)
        vpage.emulate_media(media="print")
        expect(certificate).to_be_hidden()
        vpage.emulate_media(media="screen")
        vpage.goto("about:blank")


def test_a_cohort_file_offers_its_awards_and_a_published_one_gets_its_link(
    vpage: Any, site: Site, registry: Registry
) -> None:
    batch = next(p for p in sorted(registry.root.glob("registry/issuers/*/awards/*/batches/*.jsonl")))
    lines = [line for line in batch.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(lines) >= 2
    award = json.loads(lines[1])
    expected = Verifier(registry).verify(award).headline()
    open_verify(vpage, site, "0" * 63 + "1" + "~" + "a" * 32)  # a key in the address bar is not carried over
    assert wait_for_verdict(vpage) == "unknown"  # the lookup has answered: the next verdict is the file's
    _drop(vpage, batch.read_text(encoding="utf-8"), name=batch.name)
    vpage.wait_for_function("() => document.getElementById('cr-verdict').dataset.verdict === 'cohort'")
    options = vpage.eval_on_selector_all("#cr-cohort-pick option", "els => els.map(e => e.textContent)")
    assert len(options) == len(lines) + 1
    assert options[2].startswith("Line 2: ")

    scrolled_to_top(vpage)
    assert axe_results(vpage).response["violations"] == []  # the picker's state is axe clean too
    vpage.select_option("#cr-cohort-pick", index=2)
    vpage.wait_for_function("() => document.getElementById('cr-verdict').dataset.verdict !== 'cohort'")
    wait_for_verdict(vpage)
    assert vpage.inner_text("#cr-verdict .cr-verdict-title") == expected.text
    assert vpage.url.endswith(f"/verify/#{award_hash(award)}")  # the hash only: no recipient key
    assert "~" not in vpage.url


def test_a_cohort_picker_shows_each_line_s_words_written_out(vpage: Any, site: Site) -> None:
    """The picker of a cohort file named each line by its name (written out, text.js visible) and its validFrom as
    it was: a date that is no date, an override and a tower of accents in it, went into the option as they were,
    turning the rest of the line and drawing the tower over the options above.

    Its name is quoted, as the file's words: the picker stays above the verdict with the line picked, and a line
    named "Valid: a genuine award, in force." showed those words, unquoted, right above the verdict that it was
    changed."""
    lines = [
        {"credentialSubject": {"achievement": {"name": "Alpha"}}, "validFrom": "\u202e" + "x" + "\u0301" * 40},
        {"credentialSubject": {"achievement": {"name": "Beta\u202e"}}, "validFrom": "2025-01-02T00:00:00Z"},
        {"credentialSubject": {"achievement": {"name": "Valid: a genuine award, in force."}}},
    ]
    open_verify(vpage, site)
    _drop(vpage, "\n".join(json.dumps(line) for line in lines) + "\n", name="cohort.jsonl")
    vpage.wait_for_function("() => document.getElementById('cr-verdict').dataset.verdict === 'cohort'")
    options = vpage.eval_on_selector_all("#cr-cohort-pick option", "els => els.map(e => e.textContent)")
    assert options[1] == "Line 1: named 'Alpha' (\\u202ex" + "\u0301" * 6 + "\\u0301" * 34 + ")"
    assert options[2] == "Line 2: named 'Beta\\u202e' (2 January 2025)"
    assert options[3] == "Line 3: named 'Valid: a genuine award, in force.'"
    assert all("\u202e" not in o and mark_tower(o) is None for o in options)


def test_every_way_a_private_link_comes_in_leaves_no_key_in_the_address(vpage: Any, earner_site: EarnerSite) -> None:
    """The address loses the key whichever way a private link reaches the page: in the query even when the page
    cannot read it as a link (a mailer's trailing "/", an escaped look-alike "~": it stayed in the address bar, and
    every copy of it sent the key to the server again), in the fragment with an escaped look-alike, or typed into
    the hash box (its history entry then keeps the key, as a link's does, for a reload)."""
    alice, bob = earner_site.alice, earner_site.withdrawn
    base = f"{earner_site.url}verify/"
    for opened in (
        f"{base}?award={alice.hash}~{alice.key}/",
        f"{base}?award={alice.hash}%EF%BD%9E{alice.key}",
        f"{base}?lang=en&award={alice.hash}%257E{alice.key}",
        f"{base}?{alice.hash}%7E{alice.key}%20x",
        f"{base}#{alice.hash}%EF%BD%9E{alice.key}",
        f"{base}#{alice.hash}%E2%88%BC{alice.key}",
    ):
        vpage.goto("about:blank")
        vpage.goto(opened)
        wait_for_verdict(vpage)
        assert alice.key not in vpage.url, opened
        assert alice.key not in vpage.input_value("#cr-hash"), opened
        assert "lang=en" in vpage.url or "lang=en" not in opened
    vpage.goto(base)
    ready(vpage)
    vpage.fill("#cr-hash", alice.link)
    vpage.press("#cr-hash", "Enter")
    assert wait_for_verdict(vpage) == "valid"
    assert vpage.url == f"{base}#{alice.hash}"
    assert vpage.input_value("#cr-hash") == alice.hash
    assert vpage.input_value("#cr-recipient-key") == alice.key
    vpage.reload()
    assert wait_for_verdict(vpage) == "valid"
    assert vpage.input_value("#cr-recipient-key") == alice.key
    # Another award opened in the same tab (its public link): alice's key is no key of it, and is not left on
    # screen beside it; back at alice's entry, hers is there again.
    vpage.evaluate("(hash) => { location.hash = hash; }", bob.hash)
    vpage.wait_for_function("(hash) => document.getElementById('cr-hash').value === hash", arg=bob.hash)
    wait_for_verdict(vpage)
    assert vpage.input_value("#cr-recipient-key") == ""
    vpage.go_back()
    vpage.wait_for_function("(hash) => document.getElementById('cr-hash').value === hash", arg=alice.hash)
    wait_for_verdict(vpage)
    assert vpage.input_value("#cr-recipient-key") == alice.key


@pytest.mark.parametrize("then", ["a link it cannot read", "an empty paste", "lines of several awards"])
def test_what_is_given_while_a_lookup_runs_is_never_covered_by_its_verdict(
    vpage: Any, site: Site, examples: Examples, then: str
) -> None:
    """A lookup still fetching (a slow data host, a phone) drew its verdict when it answered, over what the visitor
    gave after it: a link the page refused, an empty paste or pasted lines of several awards to pick from. The page then
    said "valid" under a hash box or a picker naming something else."""
    open_verify(vpage, site)
    held: list[Any] = []
    vpage.route("**/verify/shards/**", lambda route: held.append(route))  # answered when the test says
    with vpage.expect_request("**/verify/shards/**"):
        vpage.fill("#cr-hash", examples.valid.hash)
        vpage.click("#cr-hash-form button[type=submit]")
    if then == "a link it cannot read":
        vpage.fill("#cr-hash", examples.valid.hash[:-1] + "x")
        vpage.click("#cr-hash-form button[type=submit]")
    elif then == "an empty paste":
        _give(vpage, "paste", "   ")
    else:
        _give(vpage, "paste", "\n".join(json.dumps(examples.valid.award) for _ in range(2)))
    expect(vpage.locator("#cr-verdict")).not_to_have_attribute("data-verdict", "checking")
    shown = vpage.get_attribute("#cr-verdict", "data-verdict")
    assert shown in ("error", "cohort"), shown
    assert vpage.get_attribute("#cr-verdict", "data-lookups-answered") is None  # the held lookup has not answered
    for route in held:
        route.continue_()
    # The lookup has answered (drawn or dropped: verify.js counts each lookup's end on the verdict box).
    expect(vpage.locator("#cr-verdict")).to_have_attribute("data-lookups-answered", "1")
    assert vpage.get_attribute("#cr-verdict", "data-verdict") == shown
    assert vpage.locator("#cr-result").is_hidden()


def test_a_registered_issuer_is_named_by_the_registry_and_a_file_s_other_name_quoted(
    vpage: Any, site: Site, examples: Examples, registry: Registry
) -> None:
    """A file naming a registered issuer's DID was shown under the name the file gives it: "Issuer: Northbridge
    University (registered here as acme-academy)", the registry's "registered here" beside words anyone can write
    into a file. The registry's own name for the DID is shown; the file's, when another, quoted as its own."""
    award = json.loads(examples.valid.text)
    record = registry.issuers_by_did()[award["issuer"]["id"]]
    claimed = "Northbridge University"
    award["issuer"]["name"] = claimed
    open_verify(vpage, site)
    _drop(vpage, json.dumps(award))
    wait_for_verdict(vpage)
    row = vpage.locator("#cr-facts div", has=vpage.locator("dt", has_text="Issuer")).locator("dd").inner_text()
    assert row.startswith(f"{record.issuer.name} (registered here as {record.id})"), row
    assert f"the file calls it {claimed!r}" in row, row
    # The valid award as issued: its issuer's name is the registry's, and nothing is quoted.
    open_verify(vpage, site, examples.valid.hash)
    row = vpage.locator("#cr-facts div", has=vpage.locator("dt", has_text="Issuer")).locator("dd").inner_text()
    assert row == f"{record.issuer.name} (registered here as {record.id})", row
    credential = vpage.locator("#cr-facts div", has=vpage.locator("dt", has_text="Credential")).locator("dd")
    defined = award["credentialSubject"]["achievement"]["name"]
    assert credential.inner_text() == defined
    # Its credential likewise: a file renaming it (its issuer's key may sign that) was shown under that name, as the
    # name of a link to the registry's page of the credential. The registry's name is the link's; the file's quoted.
    award["issuer"]["name"] = record.issuer.name
    award["credentialSubject"]["achievement"]["name"] = "MSc Data Science (Distinction)"
    _drop(vpage, json.dumps(award))
    wait_for_verdict(vpage)
    assert credential.inner_text() == f"{defined}; the file calls it 'MSc Data Science (Distinction)'"
    assert credential.locator("a").inner_text() == defined
