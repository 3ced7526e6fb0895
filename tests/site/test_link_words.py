"""A link in issuer text whose words read as an address shows where it goes, on the pages `credreg build` writes:
the issuer's page and the credential's (description, criteria, a skill's description)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.cli import main as credreg
from tests.conftest import make_registry

PHISH = "[https://acme.example/verify](https://evil.example/verify)"
OWN = "[acme.example](https://acme.example/about)"
#: Written without the slashes a browser does without: it opens evil.example, the user name before it left out.
SLASHLESS = "[acme.example/verify](https:%2F%2Facme.example@evil.example/verify)"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("link-words")
    root = make_registry(base / "registry")
    issuer = root / "registry/issuers/acme-academy/issuer.yaml"
    said = f"Acme Academy trains analysts. {PHISH} {OWN} {SLASHLESS}"
    issuer.write_text(issuer.read_text().replace("Acme Academy trains analysts.", said))
    credential = root / "registry/issuers/acme-academy/credentials/sql-basics.yaml"
    text = credential.read_text()
    assert "narrative: " in text
    credential.write_text(text.replace("narrative: ", f"narrative: Check your result at {PHISH}. ", 1))
    out = base / "site"
    assert credreg(["--root", str(root), "build", "--out", str(out)]) == 0
    return out


def _links(page: Path) -> list[tuple[str, str]]:
    html = page.read_text(encoding="utf-8")
    return re.findall(r'<a href="([^"]+)" rel="nofollow noopener">([^<]*)</a>', html)


@pytest.mark.parametrize("page", ["issuers/acme-academy/index.html", "credentials/acme-academy/sql-basics/index.html"])
def test_a_link_reading_as_another_address_shows_its_own_on_the_page(site: Path, page: str) -> None:
    links = _links(site / page)
    assert ("https://evil.example/verify", "https://evil.example/verify") in links, links
    assert not any(words == "https://acme.example/verify" for _, words in links), links


def test_a_link_without_slashes_after_its_scheme_shows_where_the_browser_goes(site: Path) -> None:
    links = _links(site / "issuers/acme-academy/index.html")
    assert ("https:%2F%2Facme.example@evil.example/verify", "https://evil.example/verify") in links, links


def test_a_link_reading_as_its_own_address_keeps_its_words(site: Path) -> None:
    assert ("https://acme.example/about", "acme.example") in _links(site / "issuers/acme-academy/index.html")
