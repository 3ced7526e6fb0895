"""The example site as ``make site`` builds it: a demo log of the repository's own history (a throwaway key),
and the verification page shows an example award's log line, labelled as a demo; demo "who defines what"
statements (another throwaway key), labelled on the credential pages and in the page's verdict on a foreign
credential that reuses an Achievement id."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from generator.publish.build import build_site
from tests.browser.conftest import serve_dir
from tests.browser.test_verify_page import _give, checks, ready, wait_for_verdict
from tests.conftest import REPO


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("demo-site") / "site"
    build_site(REPO, target, demo_log=True)
    return target


def test_the_example_sites_verification_page_shows_the_demo_log(browser: Any, demo_site: Path) -> None:
    policy = json.loads((demo_site / "log/policy.json").read_text())
    assert policy["demo"] is True
    assert (policy["witnesses"], policy["quorum"]) == ([], 0)
    # No private key is left anywhere in the site or the repository.
    assert not [p for p in demo_site.rglob("*.key")]
    award = sorted(REPO.glob("registry/issuers/*/awards/*/*/*.json"))[0].stem
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    with serve_dir(demo_site, no_store=True) as url:
        page.goto(f"{url}verify/#{award}")
        wait_for_verdict(page)
        page.wait_for_selector("#cr-checks li[data-check=log]", state="attached")  # in the collapsed details
        status, text = checks(page)["log"]
    page.close()
    assert status == "passed", text
    assert "Recorded in the public log as entry" in text
    assert "no witness cosigned it: that signature alone vouches for the log" in text  # UNWITNESSED_CLAUSE
    assert "a demo log, signed by a throwaway key made for this build: it guarantees nothing" in text
    assert not errors


def test_the_demo_statements_are_labelled_on_the_page_and_in_the_verdict(browser: Any, demo_site: Path) -> None:
    from tests.verify.test_reused_achievement import _foreign_copy

    index = json.loads((demo_site / "statements/index.json").read_text())
    assert index["demo"] is True
    foreign = _foreign_copy()
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    with serve_dir(demo_site, no_store=True) as url:
        achievement = foreign["credentialSubject"]["achievement"]["id"]  # type: ignore[index]
        page.goto(
            url + index["statements"][achievement].replace("statements/", "credentials/").removesuffix(".json") + "/"
        )
        label = page.locator("[data-statement] [data-statement-demo]")
        assert label.text_content() == "Demo key"
        assert "proves nothing about who runs this registry" in page.inner_text("[data-statement]")
        page.goto(f"{url}verify/")
        ready(page)
        _give(page, "file", json.dumps(foreign))
        verdict = wait_for_verdict(page)
        status, text = checks(page)["credential"]
    page.close()
    assert verdict != "valid", verdict
    assert status == "failed", text
    assert "signed with a DEMO key that proves nothing about who runs the registry" in text
    assert not errors


def test_a_status_list_dropped_on_the_page_is_checked_in_the_log(browser: Any, demo_site: Path) -> None:
    """A status list given as a file: its bytes are the log's latest version (passed, valid); the same list, signed
    alike but not those bytes, is not the list in force (credreg verify's headline for it); pasted, its bytes are
    not the file's, so the log check is not made (and does not block); nor is it for a list baked in a badge image."""
    from tests.browser.test_verify_page import _drop

    listed = REPO / "registry/issuers/northbridge-university/status/1.json"
    text = listed.read_text(encoding="utf-8")
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">'
        f"<openbadges:credential><![CDATA[{text}]]></openbadges:credential></svg>"
    ).encode()
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    results = {}
    with serve_dir(demo_site, no_store=True) as url:
        for name, how, given in [("file", "file", text), ("changed", "drop", text + "\n"), ("pasted", "paste", text)]:
            page.goto(f"{url}verify/")
            ready(page)
            if how == "drop":
                _drop(page, given, "1.json")
            else:
                _give(page, how, given)
            verdict = wait_for_verdict(page)
            page.wait_for_selector("#cr-checks li[data-check=log]", state="attached")
            results[name] = (verdict, page.get_attribute("#cr-verdict", "data-headline"), checks(page)["log"])
        # Baked in a badge image (not the list's file either): credreg verify's words, not the paste's.
        page.goto(f"{url}verify/")
        ready(page)
        page.set_input_files("#cr-file", files=[{"name": "list.svg", "mimeType": "image/svg+xml", "buffer": svg}])
        verdict = wait_for_verdict(page)
        page.wait_for_selector("#cr-checks li[data-check=log]", state="attached")
        results["image"] = (verdict, page.get_attribute("#cr-verdict", "data-headline"), checks(page)["log"])
    page.close()
    assert not errors
    verdict, headline, (status, line) = results["file"]
    assert (verdict, headline, status) == ("valid", "status list", "passed"), results["file"]
    # The example's history re-issued its awards, which cleared bits of this list: said (as credreg verify says
    # it), not failed.
    listed_rel = "registry/issuers/northbridge-university/status/1.json"
    said, _, beware = line.removesuffix(".").partition("; beware: ")
    assert said.endswith(f"it guarantees nothing); it is the log's latest version of {listed_rel}"), line
    assert not beware or beware.startswith(f"{listed_rel} had a revocation taken back"), line
    verdict, headline, (status, line) = results["changed"]
    assert (headline, status) == ("status list not latest", "failed"), results["changed"]
    assert verdict != "valid"
    assert "Not the public log's latest version of registry/issuers/northbridge-university/status/1.json" in line
    verdict, headline, (status, line) = results["pasted"]
    assert (verdict, headline, status) == ("valid", "status list", "not checked"), results["pasted"]
    assert "drop the file to check it" in line
    verdict, headline, (status, line) = results["image"]
    assert (verdict, headline, status) == ("valid", "status list", "not checked"), results["image"]
    assert "A badge image carries the list's text, not its file" in line, line
