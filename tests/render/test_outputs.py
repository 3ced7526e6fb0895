"""The machine-readable outputs: Achievement, CTDL, API, feed, and the skills index's anchors."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
from pyld import jsonld

from generator._internal.text import first_unseen
from generator.crypto.contexts import document_loader
from generator.load import load_registry
from generator.models import CredentialDefinition, StackingRule
from generator.models._base import TEXT_PATTERN
from generator.models.award import AchievementRef
from generator.models.issuer import FormerProfile
from generator.openbadges import achievement
from generator.publish.verifydata import AwardStats
from generator.registry import IssuerRecord, Sourced
from generator.render import labels
from generator.render.compare import compare_display
from generator.render.components import card_data
from generator.render.credential import credential_body
from generator.render.ctdl import CTDL_CONTEXT, ctdl_credential
from generator.render.facets import facet_values
from generator.render.feed import atom_feed
from generator.render.issuer import issuer_body
from generator.render.model import Entry, SiteModel
from generator.render.pages import data_files, site_pages
from generator.render.search import search_records
from generator.render.skills import skills_body
from tests.conftest import make_registry
from tests.render.conftest import NOW

CTDL_REQUIRED = [
    "@context", "@id", "@type", "ceterms:ctid", "ceterms:name", "ceterms:description", "ceterms:subjectWebpage",
    "ceterms:credentialStatusType", "ceterms:ownedBy", "ceterms:inLanguage", "ceterms:estimatedDuration",
    "ceterms:estimatedCost", "ceterms:learningDeliveryType", "ceterms:versionIdentifier", "ceterms:dateEffective",
]  # fmt: skip


def test_every_credential_has_an_achievement_that_matches_the_awards(model: SiteModel) -> None:
    files = data_files(model)
    for entry in model.entries.values():
        doc = files[f"{entry.path}achievement.json"]
        assert doc["@context"][1].startswith("https://purl.imsglobal.org/spec/ob/v3p0/context")
        # The site's export adds the translations as language maps and the signed endorsements; the rest is the
        # award's Achievement.
        same = {k: v for k, v in doc.items() if k not in ("@context", "nameMap", "descriptionMap", "endorsement")}
        same["criteria"] = {k: v for k, v in same["criteria"].items() if k != "narrativeMap"}
        AchievementRef.model_validate(same)
        assert same == achievement(model.registry, entry.issuer, entry.definition)
        assert doc["id"] == model.registry.credential_url(entry.record.id, entry.definition.id)


def test_ctdl_has_the_required_terms(model: SiteModel) -> None:
    files = data_files(model)
    ctids = set()
    for entry in model.entries.values():
        doc = files[f"{entry.path}ctdl.json"]
        missing = [k for k in CTDL_REQUIRED if k not in doc]
        assert not missing, (entry.ref, missing)
        assert doc["@context"] == CTDL_CONTEXT
        assert doc["@type"].startswith("ceterms:")
        assert re.fullmatch(r"ce-[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}", doc["ceterms:ctid"])
        ctids.add(doc["ceterms:ctid"])
        lang = entry.definition.languages[0]
        assert doc["ceterms:name"][lang] == entry.definition.name
        assert set(doc["ceterms:name"]) == {lang, *entry.definition.translations}
        if entry.definition.stacking is not None:
            assert len(doc["ceterms:hasPart"]) == len(entry.components)
        for ref in entry.stacks_into:
            assert model.registry.credential_url(*ref.split("/")) in doc["ceterms:isPartOf"]
        if entry.prerequisites:
            targets = [t for c in doc["ceterms:requires"] for t in c.get("ceterms:targetCredential", [])]
            assert all(model.registry.credential_url(*r.split("/")) in targets for r in entry.prerequisites)
    assert len(ctids) == len(model.entries)


def test_ctdl_maps_types_lifecycle_and_quality_assurance(model: SiteModel) -> None:
    files = data_files(model)
    by_type = {
        e.definition.achievement_type.value: files[f"{e.path}ctdl.json"]["@type"] for e in model.entries.values()
    }
    assert by_type["MicroCredential"] == "ceterms:MicroCredential"
    assert by_type["Certification"] == "ceterms:Certification"
    retired = next(e for e in model.entries.values() if e.definition.status.value == "retired")
    status = files[f"{retired.path}ctdl.json"]["ceterms:credentialStatusType"]["ceterms:targetNode"]
    assert status == "credentialStat:Deprecated"
    # Signed, valid endorsements are exported; a claim no body signed is not stated as fact.
    accredited = model.entries["cloud-skills-council/cloud-practitioner"]
    doc = files[f"{accredited.path}ctdl.json"]
    names = [o["ceterms:name"]["en"] for o in doc["ceterms:accreditedBy"]]
    assert names == ["Accreditation Board for Personnel Certification"]
    for ref in ("brightforge-academy/web-development-fundamentals", "cloud-skills-council/cloud-security-essentials"):
        doc = files[f"{model.entries[ref].path}ctdl.json"]
        assert not any(k in doc for k in ("ceterms:accreditedBy", "ceterms:approvedBy", "ceterms:recognizedBy"))
    stacked = next(e for e in model.entries.values() if e.definition.stacking)
    assert stacked.definition.stacking is not None
    assert stacked.definition.stacking.rule in StackingRule


def test_api_describes_the_registry(model: SiteModel) -> None:
    files = data_files(model)
    registry = files["api/registry.json"]
    assert registry["counts"]["credentials"] == 35
    assert registry["counts"]["issuers"] == 5
    assert len(files["api/credentials.json"]["credentials"]) == 35
    assert {i["id"] for i in files["api/issuers.json"]["issuers"]} == set(model.registry.issuers)
    for entry in model.entries.values():
        doc = files[f"api/credentials/{entry.ref}.json"]
        assert CredentialDefinition.model_validate(doc["definition"]) == entry.definition
        assert doc["page"] == model.registry.credential_url(entry.record.id, entry.definition.id)
    issuer = files["api/issuers/cloud-skills-council.json"]
    assert issuer["did_document"].endswith("issuers/cloud-skills-council/did.json")
    assert [k["id"] for k in issuer["keys"]] == ["key-2023", "key-2023b", "key-2024"]
    assert files["api/skills.json"]["skills"]


def test_api_gives_logos_as_the_awards_carry_them_former_ones_too(model: SiteModel) -> None:
    record = model.registry.issuers["cloud-skills-council"]
    fields = {"url": "https://old.example", "email": "old@example.org"}
    former = [
        FormerProfile(until=dt.date(2019, 3, 31), name="CSC", logo="old-logo.svg", **fields),
        FormerProfile(until=dt.date(2022, 6, 30), name="CSB", logo="https://cdn.example/csb.png", **fields),
        FormerProfile(until=dt.date(2023, 1, 15), name="CSB", **fields),
    ]
    rebranded = Sourced(record.issuer.model_copy(update={"former_profiles": former}), record.source.doc)
    model.registry.issuers["cloud-skills-council"] = IssuerRecord(rebranded, record.credentials, record.keys)
    try:
        issuer = data_files(model)["api/issuers/cloud-skills-council.json"]
    finally:
        model.registry.issuers["cloud-skills-council"] = record
    base = model.registry.url("issuers/cloud-skills-council/")
    assert issuer["logo"] == base + record.issuer.logo if record.issuer.logo else "logo" not in issuer
    assert [e.get("logo") for e in issuer["former_profiles"]] == [
        base + "old-logo.svg",
        "https://cdn.example/csb.png",
        None,
    ]


def test_feed_lists_newest_credentials_first(model: SiteModel) -> None:
    feed = ET.fromstring(data_files(model)["feed.xml"])
    ns = {"a": "http://www.w3.org/2005/Atom"}
    published = [e.findtext("a:published", default="", namespaces=ns) for e in feed.findall("a:entry", ns)]
    assert len(published) == 35
    assert published == sorted(published, reverse=True)


def test_the_feed_is_well_formed_whatever_text_an_issuer_may_write(model: SiteModel) -> None:
    # XML 1.0 cannot hold U+FFFE or U+FFFF, not even as a character reference, and a feed reader drops a feed
    # that is not well-formed: one credential named "SQL \\uFFFF" (a YAML escape) took the whole registry's feed
    # down. Every character registry text may hold (YAML and JSON refuse lone surrogates) must fit in the feed.
    allowed = "".join(
        ch
        for cp in range(0x110000)
        if not 0xD800 <= cp <= 0xDFFF and first_unseen(ch := chr(cp)) is None and ch not in "\r"
    )
    assert re.fullmatch(TEXT_PATTERN, allowed)  # what the models let registry text hold (\r aside: XML reads it as \n)
    feed = atom_feed(model).replace("</feed>", f"<entry><summary>{escape(allowed)}</summary></entry></feed>")
    assert ET.fromstring(feed)[-1][0].text == allowed
    for char in ("\ufffe", "\uffff", "\ufdd0", "\ufdef"):  # the noncharacters: refused, as unseen characters are
        assert first_unseen(f"SQL {char}") == 4


def test_skill_anchors_used_by_achievements_exist(model: SiteModel) -> None:
    ids = set(re.findall(r'id="([^"]+)"', skills_body(model)))
    prefix = model.registry.url("skills/#")
    for entry in model.entries.values():
        for alignment in achievement(model.registry, entry.issuer, entry.definition)["alignment"]:
            if alignment["targetUrl"].startswith(prefix):
                assert alignment["targetUrl"][len(prefix) :] in ids
    for group in model.skills.values():
        assert group.anchor in ids


def test_search_records_carry_facets_and_cards(model: SiteModel) -> None:
    records = {r.url: r for r in search_records(model)}
    record = records["/credentials/northbridge-university/sql-for-data-analysis/"]
    assert record.filters["level"] == ["Intermediate"]
    assert "SQL" in record.filters["skill"]
    assert json.loads(record.meta["card"])["name"] == "SQL for Data Analysis"
    assert "window functions" in record.content
    assert len(records) == len(model.entries)


def test_credential_page_has_every_section(model: SiteModel) -> None:
    entry = model.entries["northbridge-university/data-analyst-professional-certificate"]
    html = credential_body(model, entry)
    for section in ("about", "skills", "criteria", "pathway", "occupations", "quality", "validity", "awards", "data"):
        assert f'id="{section}"' in html
    assert "Earned by holding all 3 of" in html
    assert "<script" not in html


def test_pages_cover_the_registry(model: SiteModel) -> None:
    pages = site_pages(model, lambda: "<p>verify</p>")
    paths = {p.path for p in pages}
    assert {"", "catalog/", "skills/", "issuers/", "verify/"} <= paths
    assert all(f"credentials/{ref}/" in paths for ref in model.entries)
    assert all(f"issuers/{i}/" in paths for i in model.registry.issuers)


def test_translations_reach_the_page_the_search_and_the_exports(model: SiteModel) -> None:
    ref = "cloud-skills-council/cloud-cost-optimisation"
    entry = model.entries[ref]
    html = credential_body(model, entry)
    assert '<a href="#lang-de" hreflang="de" lang="de">Deutsch</a>' in html
    assert '<section class="cr-translation" id="lang-de" lang="de"' in html
    assert "Cloud-Kostenoptimierung" in html
    record = next(r for r in search_records(model) if r.url == f"/{entry.path}")
    assert "Cloud-Kostenoptimierung" in record.content
    files = data_files(model)
    ctdl = files[f"{entry.path}ctdl.json"]
    assert ctdl["ceterms:name"] == {"en": "Cloud Cost Optimisation", "de": "Cloud-Kostenoptimierung"}
    assert set(ctdl["ceterms:description"]) == {"en", "de"}
    doc = files[f"{entry.path}achievement.json"]
    assert doc["name"] == "Cloud Cost Optimisation"  # the OB 3.0 term stays a string
    assert doc["nameMap"] == {"en": "Cloud Cost Optimisation", "de": "Cloud-Kostenoptimierung"}
    assert doc["criteria"]["narrativeMap"]["de"].startswith("Die Prüfung und das Praxisprojekt bestehen.")
    # As JSON-LD: the maps are language-tagged values of the same properties as the plain terms.
    expanded = jsonld.expand(doc, {"documentLoader": document_loader})[0]
    names = expanded["https://schema.org/name"]
    assert {"@value": "Cloud-Kostenoptimierung", "@language": "de"} in names
    assert {"@value": "Cloud Cost Optimisation"} in names
    criteria = expanded["https://purl.imsglobal.org/spec/vc/ob/vocab.html#Criteria"][0]
    narratives = criteria["https://purl.imsglobal.org/spec/vc/ob/vocab.html#narrative"]
    assert any(n.get("@language") == "de" for n in narratives)
    # A credential without translations is exported exactly as its awards carry it.
    plain = model.entries["northbridge-university/python-for-data-analysis"]
    assert not plain.definition.translations
    assert "nameMap" not in files[f"{plain.path}achievement.json"]
    assert 'id="languages"' not in credential_body(model, plain)


def test_at_least_five_example_credentials_are_translated(model: SiteModel) -> None:
    translated = [e for e in model.entries.values() if e.definition.translations]
    assert len(translated) >= 5
    for entry in translated:
        for tag, text in entry.definition.translations.items():
            assert tag != entry.definition.languages[0]
            assert all((text.name, text.summary, text.description, text.criteria))


def test_assessment_facets_and_card(model: SiteModel) -> None:
    records = {r.url: r for r in search_records(model)}
    cost = records["/credentials/cloud-skills-council/cloud-cost-optimisation/"]
    assert cost.filters["assessment"] == ["Exam", "Project"]
    assert cost.filters["practical"] == ["Mostly practical (50–99 %)"]
    assert json.loads(cost.meta["card"])["assessment"] == "Exam 30 % · Project 70 %"
    fundamentals = records["/credentials/cloud-skills-council/cloud-fundamentals/"]
    assert fundamentals.filters["practical"] == ["Exam only"]
    shares = {r.filters["practical"][0] for r in records.values()}
    assert "Fully practical" in shares


def test_the_compare_data_words_every_fact(model: SiteModel) -> None:
    files = data_files(model)
    doc = files["api/credentials/cloud-skills-council/cloud-cost-optimisation.json"]
    display = doc["display"]
    assert display["page"] == "credentials/cloud-skills-council/cloud-cost-optimisation/"
    assert display["assessment"] == [{"method": "Exam", "weight": "30 %"}, {"method": "Project", "weight": "70 %"}]
    assert display["eqf"].startswith("EQF 5: ")
    assert display["cost"] == "320 USD"
    assert display["pathway"]["counts_towards"][0]["name"] == "Cloud Practitioner"
    # Skill keys are the skills index's anchors: two credentials certifying one framework item share a key.
    anchors = {g.anchor for g in model.skills.values()}
    assert all(s["key"] in anchors for s in display["skills"])
    group = next(g for g in model.skills.values() if len(g.credentials) >= 2)
    for ref in group.credentials:
        keys = {s["key"] for s in files[f"api/credentials/{ref}.json"]["display"]["skills"]}
        assert group.anchor in keys


def test_pages_speak_plainly(model: SiteModel) -> None:
    """Names instead of framework codes, no empty sections, identifiers folded away on issuer pages."""
    entry = model.entries["cloud-skills-council/cloud-infrastructure-operations"]
    html = credential_body(model, entry)
    assert "cc867bee" not in re.sub(r'href="[^"]*"', "", html)  # the ESCO occupation, by name
    alone = next(e for e in model.entries.values() if not e.definition.quality_assurance)
    assert 'id="quality"' not in credential_body(model, alone)
    assert "EQF 4: " in html or "EQF 5: " in html
    skills = skills_body(model)
    assert not re.search(r">(ESCO|O\*NET) [0-9a-f]{8}-", skills)
    assert "EQF 6</dt>" in skills
    record = model.registry.issuers["cloud-skills-council"]
    issuer = issuer_body(model, record)
    folded = issuer[issuer.index('<details class="cr-tech">') :]
    assert "did:web:" not in issuer[: issuer.index('<details class="cr-tech">')]
    assert "did:web:" in folded
    assert "Multikey" in folded
    assert 'tabindex="0" role="region" aria-label="Signing keys"' in folded


def test_an_issuer_page_shows_its_former_names_escaped(model: SiteModel) -> None:
    record = model.registry.issuers["cloud-skills-council"]
    assert "Formerly" not in issuer_body(model, record)
    fields = {"url": "https://old.example", "email": "old@example.org"}
    former = [
        FormerProfile(until=dt.date(2019, 3, 31), name="CSC <b>Founders</b> & Co", **fields),
        FormerProfile(until=dt.date(2022, 6, 30), name="Cloud Skills Board", **fields),
        FormerProfile(until=dt.date(2023, 1, 15), name="Cloud Skills Board", **fields),  # a new website only
        FormerProfile(until=dt.date(2024, 5, 1), name=record.issuer.name, **fields),
    ]
    rebranded = Sourced(record.issuer.model_copy(update={"former_profiles": former}), record.source.doc)
    html = issuer_body(model, IssuerRecord(rebranded, record.credentials, record.keys))
    hero = html[: html.index("</header>")]
    assert re.findall(r'<p class="cr-dates cr-former">(.*?)</p>', hero) == [
        "Formerly Cloud Skills Board, until 15 January 2023",
        "Formerly CSC &lt;b&gt;Founders&lt;/b&gt; &amp; Co, until 31 March 2019",
    ]


def test_an_issuer_page_gives_its_keys_days_in_utc_as_every_verifier_does(model: SiteModel) -> None:
    # keys.json and every verdict (keys.py window_problem, policies.js windowProblem) say a key's days in UTC; the
    # page said them in the key file's own offset: a key revoked at 01:00+02:00 on 1 March read "Revoked 1 March"
    # there and "revoked (2025-02-28 …)" in the verdict of an award it signed that evening.
    record = model.registry.issuers["cloud-skills-council"]
    [(key_id, key)] = list(record.keys.items())[:1]
    times = {
        "valid_from": dt.datetime(2025, 1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=2))),
        "valid_until": dt.datetime(2025, 3, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=2))),
        "revoked_at": dt.datetime(2025, 2, 1, 23, tzinfo=dt.timezone(dt.timedelta(hours=-3))),
        "revocation_reason": "lost",
    }
    moved = Sourced(key.model.model_copy(update=times), key.doc)
    html = issuer_body(model, IssuerRecord(record.source, record.credentials, {key_id: moved}))
    row = html[html.index(f"<code>{key_id}</code>") :]
    row = row[: row.index("</tr>")]
    assert re.findall(r"<td>([^<]*)</td>", row)[:2] == ["31 December 2024", "28 February 2025"]
    assert "Revoked</span> 2 February 2025" in row


def test_an_issuer_page_says_a_key_not_yet_valid_is_not_in_use(model: SiteModel) -> None:
    # Every signature before valid_from is refused, yet the page called the key "In use".
    record = model.registry.issuers["cloud-skills-council"]
    [(key_id, key)] = list(record.keys.items())[:1]
    start = {"valid_from": model.now + dt.timedelta(days=30), "valid_until": None, "revoked_at": None}
    later = Sourced(key.model.model_copy(update=start | {"revocation_reason": None}), key.doc)
    html = issuer_body(model, IssuerRecord(record.source, record.credentials, {key_id: later}))
    row = html[html.index(f"<code>{key_id}</code>") :]
    row = row[: row.index("</tr>")]
    assert "In use" not in row
    assert "Not yet valid</span> until " in row


@pytest.mark.parametrize(
    ("days_from", "days_until", "state"),
    [
        (30, 60, "Not yet valid</span> until "),  # a window still to come: not a key rotated out
        (-30, 30, "In use</span>"),  # valid_until still to come: every signature until then is accepted
        (-60, -30, "Rotated out</span> "),
    ],
)
def test_an_issuer_page_says_a_keys_state_as_its_window_stands_now(
    model: SiteModel, days_from: int, days_until: int, state: str
) -> None:
    # The page called a key "Rotated out" once it had any valid_until, though the check and the verification page
    # accept its signatures until then (and refuse them all before its valid_from).
    record = model.registry.issuers["cloud-skills-council"]
    [(key_id, key)] = list(record.keys.items())[:1]
    window = {
        "valid_from": model.now + dt.timedelta(days=days_from),
        "valid_until": model.now + dt.timedelta(days=days_until),
        "revoked_at": None,
        "revocation_reason": None,
    }
    moved = Sourced(key.model.model_copy(update=window), key.doc)
    html = issuer_body(model, IssuerRecord(record.source, record.credentials, {key_id: moved}))
    row = html[html.index(f"<code>{key_id}</code>") :]
    row = row[: row.index("</tr>")]
    assert state in row
    # The sentence above the table counted keys without a valid_until as in use, whatever their window.
    in_use = 1 if state.startswith("In use") else 0
    assert f"signs its awards with {in_use} key{'' if in_use == 1 else 's'} registered here" in html


_EXAMPLE = "cloud-skills-council/cloud-cost-optimisation"


def _definition(model: SiteModel) -> dict[str, Any]:
    """The example credential's definition as JSON, for a test to change."""
    return model.entries[_EXAMPLE].definition.model_dump(mode="json", exclude_none=True)


def _with_definition(model: SiteModel, doc: dict[str, Any]) -> Entry:
    """The example credential's entry with the definition ``doc`` (validated as a file is)."""
    entry = model.entries[_EXAMPLE]
    return dataclasses.replace(entry, definition=CredentialDefinition.model_validate(doc))


#: ``xsd:duration`` as CTDL's ``timeRequired`` takes it (XML Schema 1.1: only the seconds may hold a fraction).
_XSD_DURATION = re.compile(r"P(?:\d+Y)?(?:\d+M)?(?:\d+D)?(?:T(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d+)?S)?)?")


@pytest.mark.parametrize(
    ("hours", "words", "duration"),
    [
        (1234.5678, "1234.5678 hours", "PT1234H34M4.08S"),
        (0.01, "0.01 hours", "PT36S"),
        (0.0125, "0.0125 hours", "PT45S"),
        (1.5, "1.5 hours", "PT1H30M"),
        (1, "1 hour", "PT1H"),
        (36, "36 hours", "PT36H"),
    ],
)
def test_every_page_and_export_gives_the_hours_the_definition_gives(
    model: SiteModel, hours: float, words: str, duration: str
) -> None:
    # The card and the CTDL export wrote hours with ``:g``: 1234.5678 hours became "1234.57 hours" on the card
    # (the page said the same, the API 1234.5678), 0.00001 became "1e-05 hours" and the CTDL duration "PT1e-05H",
    # which is no xsd:duration (nor is "PT1.5H": only seconds take a fraction); the card said "1 hours".
    doc = _definition(model)
    doc["effort"] = {"hours": hours}
    changed = _with_definition(model, doc)
    assert card_data(changed)["effort"] == words
    assert compare_display(model, changed)["effort"] == words
    assert f"<dd>{words}</dd>" in credential_body(model, changed)
    [profile] = ctdl_credential(model, changed)["ceterms:estimatedDuration"]
    assert profile["ceterms:timeRequired"] == duration
    assert _XSD_DURATION.fullmatch(duration)


@pytest.mark.parametrize(
    ("amount", "words", "bucket"),
    [(99.999, "99.999 USD", "Under 100 USD"), (0.001, "0.001 USD", "Under 100 USD"),
     (12.5, "12.50 USD", "Under 100 USD"),
     (1250, "1,250 USD", "1,000–2,499 USD"), (0, "Free", "Free")],
)  # fmt: skip
def test_every_page_gives_the_price_the_definition_gives(
    model: SiteModel, amount: float, words: str, bucket: str
) -> None:
    # A price of 99.999 read "100.00 USD" on the card, the page and the compare table, filed under "Under 100";
    # 0.001 read "0.00 USD", not free, filed under "Under 100": a figure that no filter and no export gave; a price
    # of 0 read "0 USD" under the "Free" filter.
    doc = _definition(model)
    doc["cost"] = {"amount": amount, "currency": "USD"}
    changed = _with_definition(model, doc)
    assert card_data(changed)["cost"] == words
    assert compare_display(model, changed)["cost"] == words
    assert words in credential_body(model, changed)
    assert facet_values(model, changed)["cost"] == [bucket]
    [cost] = ctdl_credential(model, changed)["ceterms:estimatedCost"]
    assert cost["ceterms:price"] == amount


@pytest.mark.parametrize(
    ("amount", "currency", "words"),
    [(12.5, "BHD", "12.500 BHD"), (1.25, "KWD", "1.250 KWD"), (12.5, "JPY", "12.5 JPY"), (1250, "JPY", "1,250 JPY"),
     (12.5, "EUR", "12.50 EUR"), (0.1234, "EUR", "0.1234 EUR"), (-0.0, "EUR", "Free")],
)  # fmt: skip
def test_a_price_is_written_to_its_currencys_minor_unit(
    model: SiteModel, amount: float, currency: str, words: str
) -> None:
    # Every price with a fraction was padded to two decimal places, whatever its currency: 12.5 Bahraini dinars
    # (1000 fils each) read "12.50 BHD", and 12.5 yen (which has no minor unit) read "12.50 JPY".
    doc = _definition(model)
    doc["cost"] = {"amount": amount, "currency": currency}
    changed = _with_definition(model, doc)
    assert card_data(changed)["cost"] == words
    assert compare_display(model, changed)["cost"] == words
    assert words in credential_body(model, changed)


@pytest.mark.parametrize(
    ("framework", "code", "registry_url"),
    [("O*NET", "13-1111.00", "https://www.onetonline.org/link/summary/13-1111.00"),
     ("ESCO", "a1b2c3d4-0000-4000-8000-00000000abcd",
      "http://data.europa.eu/esco/occupation/a1b2c3d4-0000-4000-8000-00000000abcd"),
     ("SFIA", "13-1111.00", None), ("O*NET", "13-1111.00/../x", None),
     ("ESCO", "a1b2c3d4-0000-4000-8000-00000000abcd?x=1", None)],
)  # fmt: skip
def test_an_occupation_links_the_framework_entry_the_registry_addresses(
    model: SiteModel, framework: str, code: str, registry_url: str | None
) -> None:
    # "Cloud analyst in O*NET" linked the issuer's alignment URL, whatever page it was, and the CTDL export gave it
    # as the occupation's targetNode: the registry builds a skill's framework link from framework and code, and an
    # occupation's link said the same "in O*NET" of any address.
    doc = _definition(model)
    issuers = "https://onet.acme.example/analyst"
    doc["occupations"] = [
        {"name": "Analyst", "alignment": {"framework": framework, "code": code, "url": issuers, "name": "Analysts"}}
    ]
    changed = _with_definition(model, doc)
    page = credential_body(model, changed)
    [occupation] = ctdl_credential(model, changed)["ceterms:occupationType"]
    expected = registry_url or issuers
    assert f'href="{escape(expected)}"' in page
    assert occupation["ceterms:targetNode"] == expected
    if registry_url:
        assert "onet.acme.example" not in page


def test_the_feed_says_which_credentials_are_no_longer_current(model: SiteModel) -> None:
    # Every entry read like a new, current credential: a retired one (no longer awarded) and its successor
    # appeared side by side in a feed reader, which shows the title, with nothing to tell them apart.
    feed = ET.fromstring(atom_feed(model))
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = {e.findtext("a:id", namespaces=ns): e for e in feed.findall("a:entry", ns)}
    scheme = model.registry.url("for-employers/")
    for entry in model.entries.values():
        item = entries[model.registry.credential_url(entry.record.id, entry.definition.id)]
        [state] = [c for c in item.findall("a:category", ns) if c.get("scheme") == scheme]
        assert state.get("term") == entry.definition.status.value
        title = item.findtext("a:title", namespaces=ns)
        if entry.definition.status.value == "active":
            assert title == entry.definition.name
        else:
            successor = model.entries[entry.superseded_by].definition.name if entry.superseded_by else None
            assert title == f"{entry.definition.name} ({state.get('label')}, replaced by {successor})"
    states = {e.definition.status.value for e in model.entries.values()}
    assert states == {"active", "deprecated", "retired"}  # the example has each


def test_a_method_assessed_in_several_parts_is_said_once_with_its_whole_weight(tmp_path: Path) -> None:
    # The card (and the catalog, from it) said each method once with the weight of one of its parts: two exams of
    # 40 % and a project of 20 % read "Exam 40 % · Project 20 %", weights adding up to 60 %, an exam-heavy
    # credential read as mostly something else. The skills index said each part, in words of its own.
    root = make_registry(tmp_path / "registry")
    path = root / "registry/issuers/acme-academy/credentials/sql-basics.yaml"
    text = path.read_text()
    parts = "    - method: practical-assessment\n"
    assert parts in text
    path.write_text(
        text.replace(
            parts,
            "    - {method: exam, weight: 40}\n    - {method: project, weight: 20}\n    - {method: exam, weight: 40}\n",
        ),
        encoding="utf-8",
    )
    loaded = load_registry(root)
    assert loaded.registry is not None
    assert not loaded.problems.errors
    model = SiteModel.build(loaded.registry, AwardStats(), {}, NOW)
    entry = model.entries["acme-academy/sql-basics"]
    said = "Exam 80 % · Project 20 %"
    assert card_data(entry)["assessment"] == said
    assert f"<dt>Assessed by</dt><dd>{said}</dd>" in credential_body(model, entry)  # the page's key facts
    skills = skills_body(model)
    assert f"<strong>{labels.level_label(entry.definition)}</strong> · {said}</span>" in skills
    assert facet_values(model, entry)["assessment"] == ["Exam", "Project"]
    assert [a["weight"] for a in compare_display(model, entry)["assessment"]] == ["40 %", "20 %", "40 %"]  # parts


def test_the_catalog_leaves_out_retired_credentials_by_the_status_value_the_index_holds(model: SiteModel) -> None:
    # catalog.js had the status facet's value "Retired" as a constant of its own: the build's words for it
    # (labels.STATUS) now reach it in the page's configuration, so the two cannot drift apart.
    from html import unescape

    from generator.render.catalog import catalog_bodies

    _here, body = catalog_bodies(model)[0]
    config = json.loads(unescape(re.search(r'data-config="([^"]*)"', body)[1]))
    retired = next(e for e in model.entries.values() if e.definition.status.value == "retired")
    assert facet_values(model, retired)["status"] == [config["retired"]]
    [status] = [f for f in config["facets"] if f["key"] == "status"]
    assert config["retired"] in status["order"]


def test_the_skills_export_says_which_certifying_credentials_are_no_longer_current(model: SiteModel) -> None:
    # The skills page badges a deprecated or retired credential among those certifying a skill; api/skills.json
    # listed it like any other, so a tool read a credential no longer awarded as a current way to the skill.
    listed = {
        c["ref"]: c["status"] for skill in data_files(model)["api/skills.json"]["skills"] for c in skill["credentials"]
    }
    assert listed == {ref: e.definition.status.value for ref, e in model.entries.items() if e.definition.skills}
    assert {"retired", "deprecated"} <= set(listed.values())


def test_a_skill_on_its_credential_page_links_the_framework_entry_the_skills_index_links(tmp_path: Path) -> None:
    # "In ESCO: <label>" on the credential page (and the CTDL export's competency) linked the issuer's alignment
    # URL, whatever page it was, while the skills index links the entry the registry addresses from the framework
    # and code.
    root = make_registry(tmp_path / "registry")
    path = root / "registry/issuers/acme-academy/credentials/sql-basics.yaml"
    text = path.read_text()
    code = "598de5b0-5b58-4ea7-8058-a4bc4d18c742"
    given = f"      url: http://data.europa.eu/esco/skill/{code}\n"
    assert given in text
    path.write_text(text.replace(given, "      url: https://esco.acme.example/sql\n", 1), encoding="utf-8")
    loaded = load_registry(root)
    assert loaded.registry is not None
    assert not loaded.problems.errors
    model = SiteModel.build(loaded.registry, AwardStats(), {}, NOW)
    entry = model.entries["acme-academy/sql-basics"]
    page = credential_body(model, entry)
    esco = f"http://data.europa.eu/esco/skill/{code}"
    assert f'In ESCO: <a href="{esco}"' in page
    assert "esco.acme.example" not in page
    assert f'href="{esco}"' in skills_body(model)
    [criteria] = [r for r in ctdl_credential(model, entry)["ceterms:requires"] if "ceterms:targetCompetency" in r]
    assert [c.get("ceterms:targetNode") for c in criteria["ceterms:targetCompetency"]] == [esco]  # as the pages


def test_every_ctdl_duration_is_an_xsd_duration(model: SiteModel) -> None:
    # CTDL types exactDuration, timeRequired and renewalFrequency as xsd:duration, which has no weeks: the export
    # gave an effort of six weeks as "P6W", as the definition writes it, which no CTDL reader takes.
    weeks = 0
    for entry in model.entries.values():
        doc = ctdl_credential(model, entry)
        given = [v for p in doc["ceterms:estimatedDuration"] for k, v in p.items() if k != "@type"]
        given += [doc["ceterms:renewalFrequency"]] if "ceterms:renewalFrequency" in doc else []
        assert all(_XSD_DURATION.fullmatch(v) for v in given), given
        weeks += "W" in (entry.definition.effort.duration or "")
    assert weeks  # the example gives some efforts in weeks
    doc = _definition(model)
    doc["effort"] = {"hours": 40, "duration": "P1M2W3D"}
    doc["validity"] = {"period": "P2W"}
    changed = _with_definition(model, doc)
    ctdl = ctdl_credential(model, changed)
    assert ctdl["ceterms:estimatedDuration"][0]["ceterms:exactDuration"] == "P1M17D"
    assert ctdl["ceterms:renewalFrequency"] == "P14D"


def test_a_keys_state_says_the_day_it_was_read(model: SiteModel) -> None:
    # A page is built once and read for months: "In use" and "signs its awards with 1 key" were said without a
    # day, though a key rotated out or revoked after the build still read "In use" (the verification page takes
    # each signature against the key's window when it checks, keys.json; the page's table is the build's).
    record = model.registry.issuers["cloud-skills-council"]
    [(key_id, key)] = list(record.keys.items())[:1]
    window = {"valid_from": model.now - dt.timedelta(days=1), "valid_until": model.now + dt.timedelta(days=1)}
    soon = Sourced(key.model.model_copy(update=window | {"revoked_at": None, "revocation_reason": None}), key.doc)
    html = issuer_body(model, IssuerRecord(record.source, record.credentials, {key_id: soon}))
    day = labels.date_label(model.now.astimezone(dt.UTC))
    assert f'<th scope="col">State on {day}</th>' in html
    assert f"signs its awards with 1 key registered here (on {day}, when this page was built)" in html


def test_a_price_of_minus_zero_is_zero_in_every_export(model: SiteModel) -> None:
    # YAML reads "amount: -0.0" as negative zero: the pages said "Free" while the CTDL export and the API gave the
    # price as -0.0, a figure no page shows.
    doc = _definition(model)
    doc["cost"] = {"amount": -0.0, "currency": "EUR"}
    changed = _with_definition(model, doc)
    assert json.dumps(changed.definition.model_dump(mode="json")["cost"]) == '{"amount": 0.0, "currency": "EUR"}'
    [cost] = ctdl_credential(model, changed)["ceterms:estimatedCost"]
    assert json.dumps(cost["ceterms:price"]) == "0.0"
    assert card_data(changed)["cost"] == "Free"


@pytest.mark.parametrize(
    "given",
    ["598DE5B0-5B58-4EA7-8058-A4BC4D18C742", "http://data.europa.eu/esco/skill/598de5b0-5b58-4ea7-8058-a4bc4d18c742",
     "https://data.europa.eu/esco/skill/598DE5B0-5B58-4EA7-8058-A4BC4D18C742"],
)  # fmt: skip
def test_an_esco_code_given_in_capitals_or_as_its_uri_is_the_same_skill(tmp_path: Path, given: str) -> None:
    # The skills index, the catalog's skill filter and every card grouped skills by the code as an issuer typed it:
    # an ESCO concept given in capitals, or as its URI, was a second "Write SQL queries" beside the first, with no
    # link to ESCO (the registry addresses only a code of ESCO's own form), so an employer following one saw half
    # the credentials that certify the skill.
    root = make_registry(tmp_path / "registry")
    path = root / "registry/issuers/acme-academy/credentials/data-reporting.yaml"
    path.write_text(
        path.read_text().replace(
            "  - name: Build dashboards\n",
            f"  - name: SQL queries\n    alignment:\n      framework: ESCO\n      code: {given}\n",
        ),
        encoding="utf-8",
    )
    loaded = load_registry(root)
    assert loaded.registry is not None
    assert not loaded.problems.errors
    model = SiteModel.build(loaded.registry, AwardStats(), {}, NOW)
    code = "598de5b0-5b58-4ea7-8058-a4bc4d18c742"
    [group] = [g for g in model.skills.values() if g.framework is not None]
    assert set(group.credentials) == {"acme-academy/sql-basics", "acme-academy/data-reporting"}
    assert group.code == code
    assert group.url == f"http://data.europa.eu/esco/skill/{code}"
    entry = model.entries["acme-academy/data-reporting"]
    assert f'In ESCO: <a href="http://data.europa.eu/esco/skill/{code}"' in credential_body(model, entry)
    esco = [f for f in ctdl_credential(model, entry)["ceterms:requires"] if "ceterms:targetCompetency" in f]
    assert [c.get("ceterms:targetNode") for c in esco[0]["ceterms:targetCompetency"]] == [group.url]
    # The export's code is ESCO's too: a registry reading codedNotation saw a second skill, or an address as code.
    assert [c.get("ceterms:codedNotation") for c in esco[0]["ceterms:targetCompetency"]] == [code]


@pytest.mark.parametrize(
    "given",
    ["A1B2C3D4-0000-4000-8000-00000000ABCD", "http://data.europa.eu/esco/occupation/a1b2c3d4-0000-4000-8000-00000000abcd"],
)  # fmt: skip
def test_an_esco_occupation_given_in_capitals_or_as_its_uri_links_esco(model: SiteModel, given: str) -> None:
    doc = _definition(model)
    doc["occupations"] = [{"name": "Analyst", "alignment": {"framework": "ESCO", "code": given}}]
    changed = _with_definition(model, doc)
    esco = "http://data.europa.eu/esco/occupation/a1b2c3d4-0000-4000-8000-00000000abcd"
    assert f'href="{esco}"' in credential_body(model, changed)
    [occupation] = ctdl_credential(model, changed)["ceterms:occupationType"]
    assert occupation["ceterms:targetNode"] == esco
    assert occupation["ceterms:codedNotation"] == "a1b2c3d4-0000-4000-8000-00000000abcd"


def test_a_cost_filter_never_files_two_currencies_together(model: SiteModel) -> None:
    # "Under 100" held 99 USD and 99 JPY (under a dollar) alike, and "1,000–2,499" 1,500 JPY beside 1,500 KWD:
    # an employer narrowing to a budget saw prices a thousand times apart as one range. Each range names its
    # currency, and the catalog offers them currency by currency, in range order.
    filed = {}
    for amount, currency in ((99, "USD"), (99, "JPY"), (1500, "JPY"), (1500, "KWD")):
        doc = _definition(model)
        doc["cost"] = {"amount": amount, "currency": currency}
        [filed[amount, currency]] = facet_values(model, _with_definition(model, doc))["cost"]
    assert len(set(filed.values())) == 4
    assert filed[99, "USD"] == "Under 100 USD"
    assert filed[1500, "JPY"] == "1,000–2,499 JPY"
    order = labels.cost_order(["USD", "JPY"])
    assert order[0] == "Free"
    assert order.index("Under 100 JPY") < order.index("2,500 or more JPY") < order.index("Under 100 USD")


def test_a_credential_page_shows_no_character_the_models_refuse_written_as_a_reference(model: SiteModel) -> None:
    # The page decoded "&#x202E;" (ASCII as written): the description read backwards. The models now refuse such a
    # reference (models._base.no_refused_reference); the render shows one as written all the same, should a text
    # reach it unchecked (built here without validation, as no registry file can).
    from generator._internal.text import mark_tower

    entry = model.entries[_EXAMPLE]
    d = entry.definition
    criteria = d.criteria.model_copy(
        update={"narrative": "Pass e" + "&#x301;" * 20 + " and [x](https://acme.example '&#x200B;')"}
    )
    hostile = d.model_copy(
        update={
            "description": "Pay at &#x202E;moc.elpmaxe-emca <https://acme.example/%E2%80%AEexe.txt>",
            "criteria": criteria,
        }
    )
    page = credential_body(model, dataclasses.replace(entry, definition=hostile))
    assert first_unseen(page) is None
    assert mark_tower(page) is None
    assert "Pay at &amp;#x202E;moc.elpmaxe-emca" in page
