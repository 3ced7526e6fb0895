"""The credential page's recognition section, the endorser pages and the data exports, from the example registry."""

from __future__ import annotations

from pathlib import Path

from generator.render.credential import credential_body
from generator.render.endorsements import endorser_body
from generator.render.model import SiteModel
from generator.render.pages import data_files


def _page(model: SiteModel, ref: str) -> str:
    return credential_body(model, model.entries[ref])


def test_claims_are_worded_by_their_status_and_empty_sections_are_left_out(model: SiteModel) -> None:
    confirmed = _page(model, "brightforge-academy/back-end-development-with-python")
    assert 'data-claim="confirmed"' in confirmed
    assert confirmed.count("data-endorsement=") == 1
    claimed = _page(model, "brightforge-academy/web-development-fundamentals")
    assert 'data-claim="claimed"' in claimed
    assert "Claimed by the issuer, not confirmed" in claimed
    assert "data-endorsement=" not in claimed
    withdrawn = _page(model, "cloud-skills-council/cloud-security-essentials")
    assert 'data-claim="revoked"' in withdrawn
    # The issuer's own accreditation is shown apart from the credential's.
    practitioner = _page(model, "cloud-skills-council/cloud-practitioner")
    assert "Of the issuer, Cloud Skills Council" in practitioner
    nothing = next(
        e for e in model.entries.values() if not e.definition.quality_assurance and not model.recognition.of(
            model.registry.credential_url(e.record.id, e.definition.id))
    )  # fmt: skip
    assert 'id="quality"' not in credential_body(model, nothing)


def test_endorser_page_and_exports(model: SiteModel) -> None:
    page = endorser_body(model, "valencia-tech-employers-network")
    assert page.count("data-endorsement=") == 3
    files = data_files(model)
    api = files["api/credentials/brightforge-academy/full-stack-web-developer.json"]
    assert [e["endorser"] for e in api["endorsements"]] == ["valencia-tech-employers-network"]
    assert api["quality_assurance"][0]["status"] == "confirmed"
    achievement = files["credentials/brightforge-academy/full-stack-web-developer/achievement.json"]
    assert achievement["endorsement"][0]["type"] == ["VerifiableCredential", "EndorsementCredential"]
    assert "https://credreg.dev/contexts/endorsement-v1.jsonld" in achievement["@context"]
    nursing = files["credentials/riverside-health-academy/safe-medicines-administration/ctdl.json"]
    assert nursing["ceterms:approvedBy"][0]["ceterms:name"]["en"] == "National Council for Nursing Education Standards"
    assert any(e["name"] == "Valencia Tech Employers Network" for e in files["api/endorsers.json"]["endorsers"])


def test_an_issuers_own_recognition_is_on_its_page(model: SiteModel) -> None:
    from generator.render.issuer import issuer_body

    page = issuer_body(model, model.registry.issuers["cloud-skills-council"])
    assert 'id="recognition"' in page
    assert page.count("data-endorsement=") == 1
    assert 'id="recognition"' not in issuer_body(model, model.registry.issuers["brightforge-academy"])


def test_a_claim_cannot_word_its_own_verdict_on_the_compare_page(tmp_path: Path) -> None:
    """The compare page showed each claim as one run of text, the registry's verdict appended to the issuer's
    words: "by: Ofqual (Confirmed: signed by the body)" read "Accredited by Ofqual (Confirmed: signed by the
    body) (Claimed by the issuer, not confirmed)", the issuer's imitation first. The verdict now travels apart
    from the claim, and the page draws it as its own badge (tests/browser/test_catalog_compare.py)."""
    import datetime as dt

    from generator.load import load_registry
    from generator.publish.verifydata import AwardStats
    from generator.render.compare import compare_display
    from tests.conftest import make_registry

    root = make_registry(tmp_path / "registry")
    path = root / "registry/issuers/acme-academy/credentials/sql-basics.yaml"
    spoof = "Ofqual (Confirmed: signed by the body)"
    path.write_text(path.read_text() + f'quality_assurance:\n  - kind: accredited\n    by: "{spoof}"\n')
    loaded = load_registry(root)
    assert loaded.registry is not None
    assert not loaded.problems.errors
    model = SiteModel.build(loaded.registry, AwardStats(), {}, dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    shown = compare_display(model, model.entries["acme-academy/sql-basics"])["quality_assurance"]
    assert shown == [
        {
            "claim": f"Accredited by {spoof}",
            "status": "claimed",
            "status_label": "Claimed by the issuer, not confirmed",
        }
    ]


def test_an_endorsers_own_did_is_not_said_to_resolve_here(tmp_path: Path) -> None:
    """An endorser with a DID of its own (``did: did:web:…`` in endorser.yaml) had its page link "did.json" beside
    that DID: the site publishes no such file for it (the body serves its own), so the link was a 404 on a trust
    page, and said this registry resolves a DID it does not. Built with the real site build."""
    import datetime as dt

    from generator.publish.build import build_site
    from tests.conftest import REPO, make_registry

    root = make_registry(tmp_path / "registry")
    source = REPO / "registry/endorsers/valencia-tech-employers-network/endorser.yaml"
    folder = root / "registry/endorsers/valencia-tech-employers-network"
    folder.mkdir(parents=True)
    (folder / "endorser.yaml").write_text(source.read_text() + "did: did:web:valenciatechemployers.example.org\n")
    (root / "registry/endorsers/other-council").mkdir()
    (root / "registry/endorsers/other-council/endorser.yaml").write_text(
        source.read_text()
        .replace("valencia-tech-employers-network", "other-council")
        .replace("Valencia Tech Employers Network", "Other Council")
        .replace("VTEN", "OC")
    )
    site = build_site(root, tmp_path / "site", now=dt.datetime(2026, 11, 1, tzinfo=dt.UTC)).out
    own = site / "endorsers/valencia-tech-employers-network"
    assert not (own / "did.json").exists()
    page = (own / "index.html").read_text()
    assert "did:web:valenciatechemployers.example.org" in page
    assert 'href="did.json"' not in page
    assert "its own DID" in page
    served = site / "endorsers/other-council"
    assert (served / "did.json").is_file()  # the registry's did:web for the body: served, and linked
    assert 'href="did.json"' in (served / "index.html").read_text()


def test_an_endorser_page_says_each_keys_window_and_state_as_an_issuer_page_does(model: SiteModel) -> None:
    # The endorser page listed its keys' ids only: a revoked or rotated-out key read like one in use, though every
    # endorsement it signs after that is refused. It shows the issuer page's table (render/keys.py), one rule.
    import dataclasses
    import datetime as dt

    from generator.registry import Sourced

    endorser = "valencia-tech-employers-network"
    record = model.registry.endorsers[endorser]
    [(key_id, key)] = list(record.keys.items())[:1]
    page = endorser_body(model, endorser)
    row = page[page.index(f"<code>{key_id}</code>") :]
    assert "In use</span>" in row[: row.index("</tr>")]
    revoked = {"revoked_at": model.now - dt.timedelta(days=3), "revocation_reason": "lost laptop"}
    gone = Sourced(key.model.model_copy(update=revoked), key.doc)
    changed = dataclasses.replace(record, keys={key_id: gone})
    registry = dataclasses.replace(model.registry, endorsers={**model.registry.endorsers, endorser: changed})
    page = endorser_body(dataclasses.replace(model, registry=registry), endorser)
    row = page[page.index(f"<code>{key_id}</code>") :]
    row = row[: row.index("</tr>")]
    assert "In use" not in row
    assert "Revoked</span>" in row
    assert "lost laptop" in row


def test_a_claim_and_the_endorsement_that_confirms_it_are_worded_alike() -> None:
    # A credential page read "Recognized by X  Confirmed" over the signed "Recognised by X" that confirmed it, and
    # the catalog's filter "Recognised by": two spellings of one relation on one page.
    from generator.models import QualityAssuranceKind
    from generator.render.endorsements import KIND_LABEL
    from generator.render.labels import QA_KIND

    signed = {
        QualityAssuranceKind.ACCREDITED: "accredits",
        QualityAssuranceKind.RECOGNIZED: "recognises",
        QualityAssuranceKind.ENDORSED: "endorses",
    }
    for claimed, kind in signed.items():
        assert QA_KIND[claimed] == KIND_LABEL[kind]
