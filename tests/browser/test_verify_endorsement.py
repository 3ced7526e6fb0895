"""An endorsement on the verification page (/verify/) in headless Chromium, on the example registry built with
``credreg build``: typed as a hash (each of the example's endorsements) or dropped as a file (genuine, changed,
naming a key its endorser never registered), the page leads with ``credreg verify``'s headline for an endorsement
and lists its checks with the same statuses and reasons (:func:`generator.endorsements.verify_endorsement`).
Fixtures (``site``, ``vpage``, ``registry``) and helpers are test_verify_page.py's."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from generator.endorsements import iter_endorsements, verify_endorsement
from generator.registry import Registry
from generator.transparency.commands import with_log_check
from generator.verify.results import AUTHENTICITY, CheckStatus, VerificationResult
from tests.browser.test_verify_page import (  # noqa: F401 (fixtures)
    Examples,
    Site,
    _drop,
    checks,
    examples,
    open_verify,
    registry,
    site,
    verdict_text,
    vpage,
    wait_for_verdict,
)
from tests.conftest import REPO

pytestmark = pytest.mark.browser


def _sentence(text: str) -> str:
    """The page's reason line (verify.js sentence): capitalised, with a full stop."""
    text = text.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")


def _expected_rows(result: VerificationResult) -> dict[str, tuple[str, str]]:
    """Check id → (the status the page shows, the reason it writes): what a forged file says is a claim."""
    rows = {}
    for c in result.checks:
        claim = not result.authentic and c.status is not CheckStatus.FAILED and c.id not in AUTHENTICITY
        rows[c.id] = ("unverified" if claim else c.status.value, _sentence(c.reason))
    return rows


def _cli_result(document: Any, registry: Registry) -> VerificationResult:  # noqa: F811
    """What ``credreg verify`` gives for an endorsement: its checks, then the public log's (none here)."""
    return with_log_check(verify_endorsement(document, registry), registry, None, document, kind="endorsement")


def _assert_as_cli(page: Any, result: VerificationResult) -> None:
    headline = result.headline()
    assert page.get_attribute("#cr-verdict", "data-headline") == headline.kind.value
    assert page.inner_text("#cr-verdict .cr-verdict-title") == headline.text
    shown = checks(page)
    expected = _expected_rows(result)
    assert list(shown) == list(expected)
    for check_id, (status, reason) in expected.items():
        assert shown[check_id][0] == status, (check_id, shown[check_id])
        assert shown[check_id][1].endswith(reason), (check_id, shown[check_id])


def test_each_endorsement_typed_as_a_hash_reads_as_credreg_verify(
    vpage: Any,  # noqa: F811
    site: Site,  # noqa: F811
    registry: Registry,  # noqa: F811
) -> None:
    found = list(iter_endorsements(registry.root))
    assert len(found) >= 2
    kinds = set()
    open_verify(vpage, site)
    for endorsement in found:
        vpage.fill("#cr-hash", endorsement.hash)
        vpage.click("#cr-hash-form button[type=submit]")
        vpage.wait_for_function(
            "(hash) => document.getElementById('cr-verdict').dataset.verdict !== 'checking'"
            " && document.querySelector('#cr-facts code.cr-hash')?.textContent === hash",
            arg=endorsement.hash,
            timeout=15_000,
        )
        result = _cli_result(endorsement.document, registry)
        _assert_as_cli(vpage, result)
        assert vpage.url.endswith(f"/verify/#{endorsement.hash}")
        assert vpage.inner_text("#cr-result-title") == "This endorsement"
        assert vpage.locator("#cr-share").is_hidden()
        kinds.add(result.headline().kind.value)
    assert {"valid", "revoked"} <= kinds  # the example registry has both


def _valid(registry: Registry) -> Any:  # noqa: F811
    return next(f for f in iter_endorsements(registry.root) if verify_endorsement(f.document, registry))


def test_a_dropped_endorsement_file_reads_as_credreg_verify(
    vpage: Any,  # noqa: F811
    site: Site,  # noqa: F811
    registry: Registry,  # noqa: F811
) -> None:
    endorsement = _valid(registry)
    open_verify(vpage, site)
    _drop(vpage, endorsement.path.read_text(encoding="utf-8"), "endorsement.json")  # the file as published
    assert wait_for_verdict(vpage) == "valid"
    _assert_as_cli(vpage, _cli_result(endorsement.document, registry))
    assert vpage.inner_text("#cr-verdict .cr-verdict-title") == "Valid: a genuine endorsement, in force."
    assert vpage.url.endswith(f"/verify/#{endorsement.hash}")  # a published one gets its link


@pytest.mark.parametrize("mutation", ["changed", "key not registered"])
def test_a_dropped_altered_endorsement_reads_as_credreg_verify(
    vpage: Any,  # noqa: F811
    site: Site,  # noqa: F811
    registry: Registry,  # noqa: F811
    mutation: str,
) -> None:
    doc = copy.deepcopy(_valid(registry).document)
    if mutation == "changed":
        doc["credentialSubject"]["endorsementKind"] = (
            "endorses" if doc["credentialSubject"]["endorsementKind"] != "endorses" else "accredits"
        )
    else:
        for proof in doc["proof"]:
            proof["verificationMethod"] = proof["verificationMethod"].split("#")[0] + "#not-a-key"
    result = _cli_result(doc, registry)
    assert result.headline().kind.value == mutation
    open_verify(vpage, site)
    _drop(vpage, json.dumps(doc, indent=2), "endorsement.json")
    assert wait_for_verdict(vpage) == "invalid"
    _assert_as_cli(vpage, result)
    assert "cr-bad" in str(vpage.get_attribute("#cr-verdict", "class"))
    assert vpage.inner_text("#cr-result-title") == "What this endorsement claims (not verified)"
    assert "#" not in vpage.url  # not published: no link


# --- the page's words: what was given, named as what it is (or neutrally, before it is read) ----------------------


def _type_hash(page: Any, digest: str) -> None:
    page.fill("#cr-hash", digest)
    page.click("#cr-hash-form button[type=submit]")
    page.wait_for_function(
        "(hash) => document.getElementById('cr-verdict').dataset.verdict !== 'checking'"
        " && document.querySelector('#cr-facts code.cr-hash')?.textContent === hash",
        arg=digest,
        timeout=15_000,
    )


def _fact_terms(page: Any) -> list[str]:
    return [str(t) for t in page.eval_on_selector_all("#cr-facts dt", "els => els.map(e => e.textContent)")]


def test_an_endorsement_has_no_recipient_form_and_is_never_called_an_award(
    vpage: Any,  # noqa: F811
    site: Site,  # noqa: F811
    registry: Registry,  # noqa: F811
    examples: Examples,  # noqa: F811
) -> None:
    """The "is it theirs?" form stayed under an endorsement, which has no recipient; its file's name fell back to
    "award". An award checked after it gets the form back."""
    endorsement = _valid(registry)
    open_verify(vpage, site)
    _type_hash(vpage, endorsement.hash)
    assert vpage.locator("#cr-email-form").is_hidden()
    assert vpage.inner_text("#cr-download") == "Download the endorsement file"
    assert "Endorsement hash" in _fact_terms(vpage)
    assert "award" not in vpage.inner_text("#cr-result").lower().replace("awarding", "")
    _type_hash(vpage, examples.valid.hash)
    assert vpage.locator("#cr-email-form").is_visible()
    assert vpage.inner_text("#cr-result-title") == "This award"
    assert vpage.inner_text("#cr-download") == "Download the award file"
    assert "Award hash" in _fact_terms(vpage)


def _drop_size(page: Any, size: int, name: str) -> None:
    """A drop of a file of ``size`` bytes, made in the page (a large file is not sent over the driver)."""
    transfer = page.evaluate_handle(
        """([size, name]) => { const dt = new DataTransfer();
             dt.items.add(new File(["{".padEnd(size, " ")], name, {type: "application/json"})); return dt; }""",
        [size, name],
    )
    page.dispatch_event("#cr-drop", "dragover", {"dataTransfer": transfer})
    page.dispatch_event("#cr-drop", "drop", {"dataTransfer": transfer})


def test_what_is_refused_before_it_is_read_is_named_neutrally(vpage: Any, site: Site) -> None:  # noqa: F811
    """An oversized file, an empty or oversized paste and a typed non-hash said "award", though each may be an
    endorsement; a file of awards (.jsonl), read up to 8 MiB, was said to be read up to 1 MiB."""
    open_verify(vpage, site)
    _drop_size(vpage, 2 * 1024 * 1024, "endorsement.json")
    assert wait_for_verdict(vpage) == "error"
    assert "This file is 2048 KiB; an award or endorsement is a few KiB (at most 1 MiB is read)." in verdict_text(vpage)
    _drop_size(vpage, 9 * 1024 * 1024, "cohort.jsonl")
    vpage.wait_for_function("() => document.getElementById('cr-verdict').textContent.includes('9216 KiB')")
    assert "a file of awards, one a line, is read up to 8 MiB" in verdict_text(vpage)
    vpage.click("#cr-file-section summary")
    vpage.fill("#cr-json", "   ")
    vpage.click("#cr-json-form button[type=submit]")
    vpage.wait_for_function("() => document.getElementById('cr-verdict').textContent.includes('Paste')")
    assert "Paste the JSON of an award or endorsement first." in verdict_text(vpage)
    vpage.evaluate("() => { document.getElementById('cr-json').value = '{' + ' '.repeat(1024 * 1024); }")
    vpage.click("#cr-json-form button[type=submit]")
    vpage.wait_for_function("() => document.getElementById('cr-verdict').textContent.includes('far too long')")
    assert "far too long for an award or endorsement" in verdict_text(vpage)
    vpage.fill("#cr-hash", "not-a-hash")
    vpage.press("#cr-hash", "Enter")
    vpage.wait_for_function("() => document.getElementById('cr-verdict').textContent.includes('not an')")
    assert "That is not an award or endorsement hash" in verdict_text(vpage)


def test_a_dropped_status_list_is_checked_as_a_status_list(
    vpage: Any,  # noqa: F811
    site: Site,  # noqa: F811
    registry: Registry,  # noqa: F811
) -> None:
    """An issuer's status list dropped on the page was checked as an award (every check failing, "not an award"
    whatever they found): it is checked as a list, with credreg verify's headline, checks and reasons, genuine as
    published and not genuine once changed; no recipient form, no link, no hash. In a file of several, its line is
    labelled a status list (it was "not an award", as a line of an award with no name was). An endorser's list is
    checked as the endorser's."""
    from generator.statuslist import decode_list, encode_list, get_bit, set_bit
    from generator.verify import verify_credential

    def as_cli(text: str) -> VerificationResult:
        """credreg verify FILE of a list: its checks, then the public log's (this registry declares none)."""
        doc = json.loads(text)
        return with_log_check(
            verify_credential(doc, registry), registry, None, doc, kind="status-list", data=text.encode()
        )

    path = next(REPO.glob("registry/issuers/*/status/1.json"))
    document = json.loads(path.read_text(encoding="utf-8"))
    expected = as_cli(path.read_text(encoding="utf-8"))
    assert expected.headline().text == (
        "A genuine status list of a registered issuer (the registry's record of what it revoked): "
        "check an award or endorsement by its file, hash or link."
    )
    open_verify(vpage, site)
    _drop(vpage, path.read_text(encoding="utf-8"), "1.json")
    assert wait_for_verdict(vpage) == "valid"
    _assert_as_cli(vpage, expected)
    assert "well-formed" not in vpage.inner_text("#cr-verdict")
    assert vpage.locator("#cr-share").is_hidden()  # no verification link: the page has none for it
    assert vpage.inner_text("#cr-result-title") == "This status list"
    assert vpage.locator("#cr-email-form").is_hidden()
    assert vpage.inner_text("#cr-download") == "Download the status list file"
    assert not any("hash" in term for term in _fact_terms(vpage))  # nothing names a list by a hash
    changed = copy.deepcopy(document)
    bits = bytearray(decode_list(changed["credentialSubject"]["encodedList"]))
    set_bit(bits, 7, not get_bit(bits, 7))
    changed["credentialSubject"]["encodedList"] = encode_list(bits)
    not_genuine = as_cli(json.dumps(changed))
    assert not_genuine.headline().text == "This status list is not genuine: it was changed after its issuer signed it."
    _drop(vpage, json.dumps(changed), "1.json")
    vpage.wait_for_function("() => document.getElementById('cr-verdict').dataset.verdict === 'invalid'")
    _assert_as_cli(vpage, not_genuine)
    assert vpage.inner_text("#cr-result-title") == "What this status list claims (not verified)"
    # A registered endorser's list, read with the keys the build publishes for it (endorsers/<id>/keys.json).
    endorsers = next(REPO.glob("registry/endorsers/*/status/1.json"))
    endorser_list = as_cli(endorsers.read_text(encoding="utf-8"))
    assert endorser_list.headline().text.startswith("A genuine status list of a registered endorser ")
    _drop(vpage, endorsers.read_text(encoding="utf-8"), "1.json")
    vpage.wait_for_function("() => document.getElementById('cr-verdict').dataset.verdict === 'valid'")
    _assert_as_cli(vpage, endorser_list)
    assert "Endorser" in _fact_terms(vpage)
    award = next(REPO.glob("registry/issuers/*/awards/*/*/*.json")).read_text(encoding="utf-8")
    nameless = json.loads(award)
    del nameless["credentialSubject"]["achievement"]["name"]
    nameless.pop("name", None)
    cohort = "\n".join(json.dumps(line) for line in (json.loads(award), document, nameless)) + "\n"
    _drop(vpage, cohort, "cohort.jsonl")
    vpage.wait_for_function("() => document.getElementById('cr-verdict').dataset.verdict === 'cohort'")
    options = vpage.eval_on_selector_all("#cr-cohort-pick option", "els => els.map(e => e.textContent)")
    assert options[2] == "Line 2: a status list"
    assert options[3] == "Line 3: no name"  # an award with no name is still an award
    assert not any("not an award" in option for option in options)
