"""Recognition in Chromium, on the built example site: each signed endorsement is checked again in the browser
(valid, revoked, tampered), claims read "confirmed" only when signed, and the catalog filters and searches by the
bodies that vouch for a credential."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from generator.endorsements import find_endorsement, verify_endorsement
from generator.load import load_registry
from generator.recognition import ClaimStatus
from generator.render.endorsements import CLAIM_WORDS
from tests.browser.conftest import serve_dir
from tests.conftest import REPO

BACKEND = "credentials/brightforge-academy/back-end-development-with-python/"
WEBDEV = "credentials/brightforge-academy/web-development-fundamentals/"
SECURITY = "credentials/cloud-skills-council/cloud-security-essentials/"
VTEN = "Valencia Tech Employers Network"


def _verified(page: Any) -> list[str]:
    page.wait_for_function(
        "() => [...document.querySelectorAll('li[data-endorsement]')].every((li) => li.dataset.verified)"
    )
    states: list[str] = page.eval_on_selector_all("li[data-endorsement]", "els => els.map((e) => e.dataset.verified)")
    return states


def test_a_confirmed_claim_and_its_endorsement_verified_in_the_browser(page: Any, site_url: str) -> None:
    page.goto(site_url + BACKEND)
    # The claim is read once the page has weighed it with its endorsement's verdict (restand, in the same turn as
    # the last verdict): before that it holds the build's words, the same, and a wrong weighing went unseen.
    assert _verified(page) == ["valid"]
    claim = page.locator("[data-claim]")
    expect(claim).to_have_attribute("data-claim", "confirmed")
    expect(claim).to_contain_text("Confirmed: signed by the body")
    expect(page.locator("li[data-endorsement] [data-endorsement-status]")).to_have_text(
        "Valid: checked in your browser"
    )


def test_an_unconfirmed_claim_says_so_and_shows_no_endorsement(page: Any, site_url: str) -> None:
    page.goto(site_url + WEBDEV)
    claim = page.locator("[data-claim]")
    expect(claim).to_have_attribute("data-claim", "claimed")
    expect(claim).to_contain_text("Claimed by the issuer, not confirmed")
    expect(page.locator("li[data-endorsement]")).to_have_count(0)


def test_a_revoked_endorsement_is_revoked_in_the_browser(page: Any, site_url: str, built_site: Path) -> None:
    page.goto(site_url + SECURITY)
    assert "revoked" in _verified(page)
    expect(page.locator("[data-claim]")).to_have_attribute("data-claim", "revoked")  # as weighed, not as built
    # The badge is credreg verify's headline, as the build wrote it and as the browser's check says it again (an
    # endorser keeps no revocation log: who revoked it, with no day or reason; an issuer's: tests/site).
    revoked = page.locator("li[data-endorsement][data-verified='revoked']")
    built = (built_site / SECURITY / "index.html").read_text(encoding="utf-8")
    digest = revoked.get_attribute("data-endorsement")
    assert digest is not None
    registry = load_registry(REPO).registry
    assert registry is not None
    found = find_endorsement(registry.root, digest)
    assert found is not None
    headline = verify_endorsement(found.document, registry).headline().text
    assert headline == "Revoked by its endorser."
    assert f"data-endorsement-status>{headline}</span>" in built.split(f'data-endorsement="{digest}"', 1)[1]
    expect(revoked.locator("[data-endorsement-status]")).to_have_text(headline)
    expect(revoked.locator("[data-endorsement-check]")).to_have_text("")


def test_a_tampered_endorsement_is_not_valid(page: Any, built_site: Path, tmp_path: Path) -> None:
    copy = tmp_path / "site"
    shutil.copytree(built_site, copy)
    item = copy / BACKEND / "index.html"
    html = item.read_text(encoding="utf-8")
    digest = html.split('data-endorsement="', 1)[1].split('"', 1)[0]
    path = next(copy.glob(f"endorsers/*/endorsements/{digest}.json"))
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["credentialSubject"]["endorsementKind"] = "accredits"  # a stronger statement than the body signed
    path.write_text(json.dumps(doc), encoding="utf-8")
    with serve_dir(copy) as url:
        page.goto(url + BACKEND)
        assert _verified(page) == ["invalid"]
        expect(page.locator("li[data-endorsement] [data-endorsement-status]")).to_have_text("Not valid")


def test_the_catalog_filters_and_searches_by_endorser(page: Any, site_url: str) -> None:
    page.goto(site_url + "catalog/")
    box = page.locator(f"input[name='recognised'][value='{VTEN}']")
    box.wait_for(state="attached")
    box.check()
    expect(page.locator("[data-count]")).to_have_text("3 credentials match")
    titles = page.locator("[data-result-list] .cr-card__title").all_inner_texts()
    assert "Web Development Fundamentals" not in titles  # claimed, never signed
    page.goto(site_url + "catalog/?q=" + VTEN.replace(" ", "+"))
    expect(page.locator("[data-count]")).to_contain_text("match")
    found = page.locator("[data-result-list] .cr-card__title").all_inner_texts()
    assert "Web Development Fundamentals" in found  # the claim is searchable, as the issuer wrote it
    assert len(found) >= 4


def test_an_endorser_page_lists_what_it_stands_behind(page: Any, site_url: str) -> None:
    page.goto(site_url + "endorsers/accreditation-board-for-personnel-certification/")
    expect(page.locator("h1")).to_have_text("Accreditation Board for Personnel Certification")
    states = _verified(page)
    assert states.count("valid") == 5
    assert states.count("revoked") == 1


#: What an endorsement's badge says, checked or as built (endorsements.js WORDS, revokedHeadline).
STATUS_WORDS = ("Valid: checked", "Revoked by", "Revoked on", "Not valid", "Not confirmed", "Not yet in force")


def _pages_with_endorsements(site: Path) -> list[str]:
    """A credential page, an issuer page and an endorser page of the built site that show endorsements."""
    found = []
    for pattern in ("credentials/*/*/index.html", "issuers/*/index.html", "endorsers/*/index.html"):
        page = next(p for p in sorted(site.glob(pattern)) if "data-endorsement=" in p.read_text(encoding="utf-8"))
        found.append(page.parent.relative_to(site).as_posix() + "/")
    return [BACKEND, *found[1:]]


def test_inside_another_sites_frame_no_endorsement_or_claim_status_is_shown(
    browser: Any, site_url: str, built_site: Path, tmp_path: Path
) -> None:
    # Another site can frame a credential page and cover its name with another credential's, beside the
    # browser's "Valid: checked in your browser" and the claim's "Confirmed": framed, the pages show none of
    # them and link to themselves, as the verification page does (framing.js, one rule).
    pages = _pages_with_endorsements(built_site)
    frames = "".join(f'<iframe src="{site_url}{p}" width="1000" height="700"></iframe>' for p in pages)
    (tmp_path / "index.html").write_text(f"<!doctype html><title>Elsewhere</title>{frames}", encoding="utf-8")
    context = browser.new_context()
    tab = context.new_page()
    try:
        with serve_dir(tmp_path) as other:  # localhost, not 127.0.0.1: another origin than the site's
            tab.goto(other.replace("127.0.0.1", "localhost"))
            for n, path in enumerate(pages):
                frame = tab.frame_locator("iframe").nth(n)
                note = frame.locator("[data-framed]").first
                expect(note).to_contain_text("shown inside another site", timeout=15_000)
                link = note.locator("a")
                assert link.get_attribute("href") == site_url + path
                assert link.get_attribute("target") == "_blank"
                for item in frame.locator("[data-endorsement], [data-claim]").all():
                    expect(item).to_be_hidden()
                states = frame.locator("[data-endorsement]").evaluate_all("els => els.map((e) => e.dataset.verified)")
                assert set(states) == {"framed"}, (path, states)
                shown = frame.locator("article.md-content__inner").inner_text()
                said = [w for w in (*CLAIM_WORDS.values(), *STATUS_WORDS) if w in shown]
                assert not said, (path, said)
    finally:
        context.close()
    # On its own, the same page checks and shows them (the browser tests above).


def test_a_claim_confirmed_when_the_site_was_built_is_withdrawn_once_its_endorsement_expires(
    page: Any, site_url: str
) -> None:
    # The site is built on a push, not as time passes: read after the body's endorsement expired (2028-08-31), the
    # claim it confirmed read "Confirmed: signed by the body" beside its own endorsement's "Expired". The page now
    # weighs the claim again with the verdicts it gives its endorsements (recognition.py claim_standing).
    page.clock.set_fixed_time("2028-09-15T12:00:00Z")
    page.goto(site_url + BACKEND)
    assert _verified(page) == ["expired"]
    claim = page.locator("[data-claim]")
    expect(claim).to_have_attribute("data-claim", "revoked")
    expect(claim.locator("[data-claim-status]")).to_have_text(CLAIM_WORDS[ClaimStatus.REVOKED])


def test_a_claim_is_weighed_once_its_own_endorsements_are_checked_not_every_one_on_the_page(
    page: Any, site_url: str
) -> None:
    # Cloud Practitioner's claim is confirmed by one endorsement; the page also lists the body's endorsement of its
    # issuer. Read after both expired (2028-05-12), with the issuer's file never answered (a stalled request), the
    # claim's own endorsement read "Expired" and the claim "Confirmed: signed by the body" still: the claims were
    # weighed only once every endorsement on the page had been checked.
    practitioner = "credentials/cloud-skills-council/cloud-practitioner/"
    page.clock.set_fixed_time("2028-06-01T12:00:00Z")
    page.goto(site_url + practitioner)  # to learn which endorsement confirms the claim
    claimed = page.locator("[data-claim-endorsements]").first.get_attribute("data-claim-endorsements")
    assert claimed is not None
    assert len(claimed.split()) == 1, claimed
    listed = page.eval_on_selector_all("li[data-endorsement]", "els => els.map((e) => e.dataset.endorsement)")
    others = [h for h in listed if h != claimed]
    assert others, listed
    stalled: list[Any] = []
    for other in others:
        page.route(f"**/endorsements/{other}.json", lambda route: stalled.append(route))  # never answered
    page.goto(site_url + practitioner)
    own = page.locator(f'li[data-endorsement="{claimed}"]')
    expect(own).to_have_attribute("data-verified", "expired", timeout=15_000)
    claim = page.locator("[data-claim-endorsements]").first
    expect(claim).to_have_attribute("data-claim", "revoked")
    expect(claim.locator("[data-claim-status]")).to_have_text(CLAIM_WORDS[ClaimStatus.REVOKED])
    assert stalled  # the other endorsement's file was asked for, and is still unanswered
    page.unroute("**/endorsements/*.json")
