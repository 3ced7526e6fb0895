"""Lists by name (the catalog, its search index's sort, the API's list, the skills page, an issuer's credentials,
the endorsers) order names as they are read: spaces a page does not show (before a name, or two in a row) do not
move a credential to the top of the list, above every name it would follow."""

from __future__ import annotations

from pathlib import Path

from generator.load import load_registry
from generator.publish.verifydata import AwardStats
from generator.render.model import SiteModel
from generator.render.pages import data_files
from generator.render.search import search_records
from tests.conftest import make_registry
from tests.render.conftest import NOW

SQL = "registry/issuers/acme-academy/credentials/sql-basics.yaml"


def test_spaces_a_page_does_not_show_do_not_put_a_name_first(tmp_path: Path) -> None:
    root = make_registry(tmp_path / "registry")
    path = root / SQL
    path.write_text(path.read_text().replace("name: SQL Basics", 'name: "\\t  SQL Basics"'), encoding="utf-8")
    loaded = load_registry(root)
    assert loaded.registry is not None
    assert not loaded.problems.errors
    model = SiteModel.build(loaded.registry, AwardStats(), {}, NOW)
    order = ["Data Analyst Certificate", "Data Reporting", "\t  SQL Basics"]
    assert [e.definition.name for e in model.by_name()] == order
    records = search_records(model)
    assert [r.meta["title"] for r in records] == order
    sort = [r.sort["name"] for r in records]
    assert sort == sorted(sort)  # Pagefind's sort, the same order
    listed = data_files(model)["api/credentials.json"]["credentials"]
    assert [c["name"] for c in listed] == order


def test_a_skill_named_with_spaces_first_is_not_listed_first(tmp_path: Path) -> None:
    root = make_registry(tmp_path / "registry")
    path = root / SQL
    text = path.read_text()
    assert "  - name: Write SQL queries\n" in text
    path.write_text(
        text.replace("  - name: Write SQL queries\n", '  - name: "  Write SQL queries"\n'), encoding="utf-8"
    )
    loaded = load_registry(root)
    assert loaded.registry is not None
    assert not loaded.problems.errors
    model = SiteModel.build(loaded.registry, AwardStats(), {}, NOW)
    labels = [group.label for groups in model.skill_groups_by_framework().values() for group in groups]
    assert labels == sorted(labels, key=lambda label: " ".join(label.split()).casefold())
    listed = [skill["label"] for skill in data_files(model)["api/skills.json"]["skills"]]
    assert listed == sorted(listed, key=lambda label: " ".join(label.split()).casefold())


def test_an_issuers_page_and_the_endorsers_page_list_names_as_they_are_read(tmp_path: Path) -> None:
    # The issuer page's list of credentials (and its API's) and the endorsers page sorted by the raw name: a
    # credential named "\t  SQL Basics", or a body named "  Zeta Body", went to the top, above names it follows.
    from generator.render.api import api_files
    from generator.render.endorsements import endorsers_index_body
    from generator.render.issuer import issuer_body
    from tests.test_endorsements import add_endorser

    root = make_registry(tmp_path / "registry")
    path = root / SQL
    path.write_text(path.read_text().replace("name: SQL Basics", 'name: "\\t  SQL Basics"'), encoding="utf-8")
    add_endorser(root, "zeta-body", '"  Zeta Body"')
    add_endorser(root, "alpha-council", "alpha Council")
    loaded = load_registry(root)
    assert loaded.registry is not None
    assert not loaded.problems.errors
    model = SiteModel.build(loaded.registry, AwardStats(), {}, NOW)
    order = ["Data Analyst Certificate", "Data Reporting", "\t  SQL Basics"]
    assert [e.definition.name for e in model.issuer_entries("acme-academy")] == order
    assert [ref.rpartition("/")[2] for ref in api_files(model)["api/issuers/acme-academy.json"]["credentials"]] == [
        e.definition.id for e in model.issuer_entries("acme-academy")
    ]
    page = issuer_body(model, loaded.registry.issuers["acme-academy"])
    cards = page[page.index('id="credentials"') :]
    assert cards.index(">Data Reporting<") < cards.index(">\t  SQL Basics<")
    endorsers = endorsers_index_body(model)
    assert endorsers.index("alpha Council") < endorsers.index("Zeta Body")


def test_a_filter_value_with_spaces_a_page_does_not_show_is_the_value_it_reads_as(tmp_path: Path) -> None:
    # A facet value kept the spaces a page does not draw: "\t  Finance" was a second "Finance" in the catalog's
    # Industry filter, listed first (spaces sort before letters), and an issuer named "  Zeta" topped the Issuer
    # filter among issuers with as many credentials.
    from generator.render.facets import facet_values

    root = make_registry(tmp_path / "registry")
    folder = root / "registry/issuers/acme-academy/credentials"
    for name, industry in (("sql-basics", '"\\t  Finance"'), ("data-reporting", "Finance")):
        path = folder / f"{name}.yaml"
        path.write_text(path.read_text() + f"industries: [{industry}]\n", encoding="utf-8")
    loaded = load_registry(root)
    assert loaded.registry is not None
    assert not loaded.problems.errors
    model = SiteModel.build(loaded.registry, AwardStats(), {}, NOW)
    assert model.entries["acme-academy/sql-basics"].definition.industries == ["\t  Finance"]
    values = {ref: facet_values(model, entry).get("industry") for ref, entry in model.entries.items()}
    assert values["acme-academy/sql-basics"] == values["acme-academy/data-reporting"] == ["Finance"]
    records = {r.url: r for r in search_records(model)}
    assert records["/credentials/acme-academy/sql-basics/"].filters["industry"] == ["Finance"]
