"""Skills shared across issuers: a skills-index group (one framework item, or one unaligned name) is shown by
words and links no single issuer chose for the others' credentials, each issuer's wording stays attributed to
its own credentials, and nothing depends on the order the issuers are read in. Built from a real registry in
which an honest issuer and a hostile one label the same framework items differently."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import json
import re
from pathlib import Path
from typing import Any

import pytest

from generator.cli import main as credreg
from generator.load import load_registry
from generator.models import Framework
from generator.publish.verifydata import AwardStats
from generator.render.model import SiteModel
from generator.render.pages import data_files, site_pages
from generator.render.search import search_records
from generator.render.skills import skills_body
from tests.conftest import make_registry

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
SHARED = "ccd0a1d9-afda-43d9-b901-96344886e14d"  # both issuers, labelled differently
AGREED = "7111b95d-0ce3-441a-9d92-4c75d05c4388"  # both issuers, labelled alike (with different links)
ESCO = "http://data.europa.eu/esco/skill/"
HONEST_LABEL, HOSTILE_LABEL = "use spreadsheets software", "Certified by Mallory <b>only</b>"
HOSTILE_URL = "https://mallory.example/esco"
HOSTILE_WORDS = ("Mallory <b>only</b>", "Mallory &lt;b&gt;only", "mallory.example")

CREDENTIAL = """\
id: {slug}
name: {name}
summary: Work with spreadsheets.
description: |
  Learners build spreadsheets.
achievement_type: MicroCredential
criteria:
  narrative: Pass a practical assessment.
  assessment:
    - method: practical-assessment
skills:
  - name: {own}
    alignment:
      framework: ESCO
      code: {shared}
      url: {url}
      name: {label}
  - name: Managing projects
    alignment:
      framework: ESCO
      code: {agreed}
      url: {agreed_url}
      name: manage projects
  - name: {unaligned}
level:
  proficiency: intermediate
effort:
  hours: 20
  duration: P4W
cost: free
delivery: online
languages: [en]
created: 2024-01-01
"""


def _issuer(root: Path, folder: str, name: str, credential: dict[str, str]) -> None:
    acme = root / "registry/issuers/acme-academy"
    target = root / "registry/issuers" / folder
    (target / "credentials").mkdir(parents=True)
    text = (acme / "issuer.yaml").read_text().replace("id: acme-academy", f"id: {folder}")
    (target / "issuer.yaml").write_text(text.replace("Acme Academy", name))
    doc = CREDENTIAL.format(shared=SHARED, agreed=AGREED, **credential)
    (target / "credentials" / f"{credential['slug']}.yaml").write_text(doc)


def _registry(root: Path, honest: str, hostile: str) -> Path:
    """The fixture registry plus an honest and a hostile issuer, in folders ``honest`` and ``hostile``."""
    make_registry(root)
    _issuer(root, honest, "Honest Training", {
        "slug": "spreadsheets", "name": "Spreadsheets at Work", "own": "Working with spreadsheets",
        "url": ESCO + SHARED, "label": HONEST_LABEL, "agreed_url": ESCO + AGREED, "unaligned": "Data cleaning",
    })  # fmt: skip
    _issuer(root, hostile, "Mallory Institute", {
        "slug": "sheets", "name": "Sheets Mastery", "own": "Spreadsheets (Mallory approved)",
        "url": HOSTILE_URL, "label": json.dumps(HOSTILE_LABEL), "agreed_url": HOSTILE_URL + "/pm",
        "unaligned": "DATA-CLEANING!!",
    })  # fmt: skip
    return root


def _model(root: Path) -> SiteModel:
    loaded = load_registry(root)
    assert loaded.registry is not None
    assert not loaded.problems.errors, loaded.problems.errors
    return SiteModel.build(loaded.registry, AwardStats(), {}, NOW)


def _section(page: str, anchor: str) -> str:
    start = page.index(f'<section class="cr-skill-entry" id="{anchor}"')
    return page[start : page.index("</section>", start)]


def _heading(section: str) -> str:
    return html.unescape(re.search(r"<h3[^>]*>(.*?)</h3>", section, re.S).group(1))  # type: ignore[union-attr]


def _item(section: str, credential_name: str) -> str:
    return next(li for li in section.split("<li>") if f">{credential_name}</a>" in li)


@pytest.mark.parametrize(("honest", "hostile"), [("aa-honest", "zz-mallory"), ("zz-honest", "aa-mallory")])
def test_no_issuer_labels_or_links_a_skill_for_another_issuers_credentials(
    tmp_path: Path, honest: str, hostile: str
) -> None:
    """A real build, with the hostile issuer's folder read last, then first: the skills index, the API and the
    catalog's skill filters show neither issuer's label or link as the group's, and each issuer's label next
    to its own credentials only."""
    root = _registry(tmp_path / "root", honest, hostile)
    out = tmp_path / "site"
    assert credreg(["--root", str(root), "build", "--out", str(out)]) == 0
    page = (out / "skills" / "index.html").read_text()
    api = json.loads((out / "api" / "skills.json").read_text())["skills"]

    # The shared framework item: a neutral heading, the link the registry addresses, each wording attributed.
    shared = _section(page, f"esco-{SHARED}")
    assert _heading(shared) == f"ESCO {SHARED}"
    assert f'href="{ESCO}{SHARED}"' in shared
    for words in (*HOSTILE_WORDS, "Use spreadsheets software"):
        assert words not in shared.split("<li>")[0]  # not in the heading, link or meta line
    honest_item, hostile_item = _item(shared, "Spreadsheets at Work"), _item(shared, "Sheets Mastery")
    assert "Honest Training calls it “Use spreadsheets software” and “Working with spreadsheets”" in honest_item
    assert "Mallory" not in honest_item
    assert "Mallory Institute calls it “Certified by Mallory &lt;b&gt;only&lt;/b&gt;”" in hostile_item
    assert "Honest Training" not in hostile_item
    assert "<b>only</b>" not in page
    # Labels that agree are the heading; the link is still the registry's, not the hostile issuer's.
    agreed = _section(page, f"esco-{AGREED}")
    assert _heading(agreed) == "Manage projects"
    assert f'href="{ESCO}{AGREED}"' in agreed
    assert "mallory.example" not in agreed
    # Unaligned names that differ only in case and punctuation: the registry's normalised name heads them.
    cleaning = _section(page, "data-cleaning")
    assert _heading(cleaning) == "Data cleaning"
    assert "Mallory Institute calls it “DATA-CLEANING!!”" in _item(cleaning, "Sheets Mastery")
    assert "DATA-CLEANING" not in _item(cleaning, "Spreadsheets at Work")
    assert "mallory.example" not in page

    group = next(g for g in api if g["code"] == SHARED)
    assert (group["label"], group["label_agreed"], group["url"]) == (f"ESCO {SHARED}", False, ESCO + SHARED)
    called = {c["issuer"]: c["called"] for c in group["credentials"]}
    assert called == {
        honest: [{"label": "Use spreadsheets software", "name": "Working with spreadsheets"}],
        hostile: [{"label": HOSTILE_LABEL, "name": "Spreadsheets (Mallory approved)"}],
    }
    agreed_group = next(g for g in api if g["code"] == AGREED)
    assert (agreed_group["label"], agreed_group["url"]) == ("Manage projects", ESCO + AGREED)
    for g in api:
        assert "Mallory" not in g["label"]
        assert g["url"] is None or g["url"].startswith(ESCO)
    # The compare page's skill rows and the catalog's skill filters: the same neutral headings.
    for ref in (f"{honest}/spreadsheets", f"{hostile}/sheets"):
        display = json.loads((out / "api" / "credentials" / f"{ref}.json").read_text())["display"]
        assert [s["label"] for s in display["skills"]] == [f"ESCO {SHARED}", "Manage projects", "Data cleaning"]
    filters = {r.url: r.filters["skill"] for r in search_records(_model(root))}
    for ref in (f"{honest}/spreadsheets", f"{hostile}/sheets"):
        assert filters[f"/credentials/{ref}/"] == [f"ESCO {SHARED}", "Manage projects", "Data cleaning"]


def _more(root: Path, folder: str, credential: dict[str, str]) -> None:
    """Another credential of the issuer in ``folder``, worded as ``credential`` says (see ``_registry``)."""
    doc = CREDENTIAL.format(shared=SHARED, agreed=AGREED, **credential)
    (root / "registry/issuers" / folder / "credentials" / f"{credential['slug']}.yaml").write_text(doc)


SECOND_HONEST = {
    "slug": "spreadsheets-plus", "name": "Spreadsheets Plus", "own": "Spreadsheet skills", "url": ESCO + SHARED,
    "label": HONEST_LABEL, "agreed_url": ESCO + AGREED, "unaligned": "Data cleaning",
}  # fmt: skip


def test_a_framework_item_is_headed_by_the_wording_most_issuers_give(tmp_path: Path) -> None:
    """Issuers word an ESCO item differently: the heading was "ESCO <uuid>" whenever they did. Two issuers give
    one wording, a third another: a real build heads the item with the two's wording, still says the credentials
    name it differently, and keeps the third's wording beside its own credential only."""
    root = _registry(tmp_path / "root", "aa-honest", "zz-mallory")
    _issuer(root, "mm-second", "Second Honest College", SECOND_HONEST)
    out = tmp_path / "site"
    assert credreg(["--root", str(root), "build", "--out", str(out)]) == 0
    page = (out / "skills" / "index.html").read_text()
    shared = _section(page, f"esco-{SHARED}")
    assert _heading(shared) == "Use spreadsheets software"
    assert "named differently by the credentials certifying it" in shared
    assert "Mallory Institute calls it “Certified by Mallory &lt;b&gt;only&lt;/b&gt;”" in _item(
        shared, "Sheets Mastery"
    )
    assert "Mallory" not in shared.split("<li>")[0]
    api = json.loads((out / "api" / "skills.json").read_text())["skills"]
    group = next(g for g in api if g["code"] == SHARED)
    assert (group["label"], group["label_agreed"]) == ("Use spreadsheets software", False)
    display = json.loads((out / "api" / "credentials" / "zz-mallory/sheets.json").read_text())["display"]
    assert display["skills"][0]["label"] == "Use spreadsheets software"


def test_an_issuer_does_not_name_an_item_by_adding_credentials_or_by_the_alphabet(tmp_path: Path) -> None:
    """One issuer against one: the neutral heading, however many credentials the one words the item in, and
    although its wording comes first in alphabetical order ("Certified…" before "Use…"); against two that
    agree, theirs."""
    root = _registry(tmp_path / "root", "aa-honest", "zz-mallory")
    for n in range(3):
        _more(root, "zz-mallory", {
            "slug": f"sheets-{n}", "name": f"Sheets {n}", "own": "Spreadsheets", "url": HOSTILE_URL,
            "label": json.dumps(HOSTILE_LABEL), "agreed_url": HOSTILE_URL, "unaligned": "Data cleaning",
        })  # fmt: skip
    assert _model(root).skills[f"ESCO\x00{SHARED}"].label == f"ESCO {SHARED}"
    _issuer(root, "mm-second", "Second Honest College", SECOND_HONEST)
    assert _model(root).skills[f"ESCO\x00{SHARED}"].label == "Use spreadsheets software"


def test_one_issuer_wording_an_item_two_ways_is_headed_by_its_most_given_wording(tmp_path: Path) -> None:
    """Only one issuer's credentials name the item, in two wordings: the one more of them give, and on a tie
    the first in alphabetical order (the issuer names it only for its own credentials)."""
    root = _registry(tmp_path / "root", "aa-honest", "zz-mallory")
    (root / "registry/issuers/zz-mallory/credentials/sheets.yaml").unlink()
    _more(root, "aa-honest", {**SECOND_HONEST, "label": "work with spreadsheets"})
    assert _model(root).skills[f"ESCO\x00{SHARED}"].label == "Use spreadsheets software"  # U before W
    _more(root, "aa-honest", {**SECOND_HONEST, "slug": "third", "name": "Third", "label": "work with spreadsheets"})
    group = _model(root).skills[f"ESCO\x00{SHARED}"]
    assert (group.label, group.agreed) == ("Work with spreadsheets", False)


def _outputs(model: SiteModel) -> dict[str, Any]:
    pages = {p.path: p for p in site_pages(model, lambda: "<p>verify</p>")}
    return {
        "skills": skills_body(model),
        "home": pages[""].body(),
        "api": {k: v for k, v in data_files(model).items() if k.startswith("api/")},
        "search": sorted((r.url, r.filters, r.content) for r in search_records(model)),
        "anchors": {k: (g.anchor, g.extra_anchors, g.label, g.url) for k, g in model.skills.items()},
    }


def test_the_skills_data_do_not_depend_on_the_order_issuers_are_read_in(tmp_path: Path) -> None:
    """The same registry read in its folders' order and in reverse gives the same skills index, home page,
    API, catalog filters and anchors."""
    model = _model(_registry(tmp_path / "root", "aa-honest", "zz-mallory"))
    forward = _outputs(model)
    issuers = dict(reversed(model.registry.issuers.items()))
    reversed_registry = dataclasses.replace(model.registry, issuers=issuers)
    backward = _outputs(SiteModel.build(reversed_registry, AwardStats(), {}, NOW))
    assert list(reversed_registry.issuers) != list(model.registry.issuers)
    for part in forward:
        assert forward[part] == backward[part], part


def test_a_group_links_only_to_a_framework_page_the_registry_addresses(tmp_path: Path) -> None:
    """The registry builds the link from codes in the framework's own form (ESCO concept ids, O*NET element
    ids); for any other framework or code the index names the framework and links nowhere, whatever URL the
    issuer gave."""
    root = _registry(tmp_path / "root", "aa-honest", "zz-mallory")
    path = root / "registry/issuers/zz-mallory/credentials/sheets.yaml"
    text = path.read_text().replace("framework: ESCO\n      code: " + SHARED, "framework: Other\n      code: " + SHARED)
    path.write_text(text.replace("framework: ESCO\n      code: " + AGREED, "framework: ESCO\n      code: PM/../x"))
    model = _model(root)
    other, odd = model.skills[f"Other\x00{SHARED}"], model.skills["ESCO\x00PM/../x"]
    assert (other.url, odd.url) == (None, None)
    page = skills_body(model)
    for group in (other, odd):
        section = _section(page, group.anchor)
        assert "href=" not in section.split("<li>")[0]
        assert f"In {group.framework}" in section
    assert "mallory.example" not in page


def test_the_example_registry_keeps_every_framework_link(model: SiteModel) -> None:
    """Every framework item the example registry's credentials name gets the same link the registry builds as
    its issuers gave: the addressed frameworks (ESCO, O*NET) cover it."""
    aligned = [g for g in model.skills.values() if g.framework is not None]
    assert {g.framework for g in aligned} >= {Framework.ESCO, Framework.ONET}
    for group in aligned:
        assert group.agreed, group.key
        assert group.url is not None, group.key
        assert all(s.alignment is not None and s.alignment.url == group.url for _e, s in group.mentions), group.key


SPOOFING_SKILLS = """\
skills:
  - name: Write SQL queries
    alignment:
      framework: ESCO
      code: 598de5b0-5b58-4ea7-8058-a4bc4d18c742
      url: http://data.europa.eu/esco/skill/598de5b0-5b58-4ea7-8058-a4bc4d18c742
  - name: Framework Other
    alignment:
      framework: ESCO
      code: 7111b95d-0ce3-441a-9d92-4c75d05c4388
  - name: Design schemas
    alignment:
      framework: Other
      code: schemas-1
  - name: Framework none
  - name: CR content
  - name: Data cleaning
  - name: Data cleaning H
"""


def test_ids_made_from_skill_names_never_take_the_pages_own(tmp_path: Path) -> None:
    """The skills page gives each skill an id made from its name: a skill named "Framework Other" (its alignment
    without a link, so its name's anchor is kept too) took the id of the "Other frameworks" section, which the
    page's own contents link to, and sat before it; "CR content" took the theme's skip-link target, and "Data
    cleaning H" another skill's heading id (which labels that skill's section). Every id on the page is one
    element's, and the page's own links go where they say. Built with the real site build."""
    from html.parser import HTMLParser

    from generator.publish.build import build_site

    root = make_registry(tmp_path / "registry")
    credential = root / "registry/issuers/acme-academy/credentials/sql-basics.yaml"
    text = credential.read_text()
    start, end = text.index("skills:\n"), text.index("level:\n")
    credential.write_text(text[:start] + SPOOFING_SKILLS + text[end:])
    site = build_site(root, tmp_path / "site", now=NOW).out
    page = (site / "skills/index.html").read_text()

    class Ids(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.ids: list[tuple[str, str]] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.ids += [(value, tag) for name, value in attrs if name == "id" and value is not None]

    parser = Ids()
    parser.feed(page)
    ids = [value for value, _tag in parser.ids]
    assert sorted(i for i in set(ids) if ids.count(i) > 1) == []
    first = dict(reversed(parser.ids))  # the element a link to the id reaches: the first one
    for target in re.findall(r'href="#([^"]+)"', page):
        assert target in first, target
    assert first["framework-other"] == "section"
    assert first["cr-content"] == "div"
    # Each skill's section is labelled by its own heading.
    for labelled in re.findall(r'<section class="cr-skill-entry" id="[^"]+" aria-labelledby="([^"]+)"', page):
        assert first[labelled] == "h3"
    for name in ("Framework Other", "CR content", "Data cleaning H"):
        assert f">{name}<" in page  # each skill still has its section
