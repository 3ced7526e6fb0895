"""`credreg build` end to end on real registries: what the site contains, that generated pages stay out of the
navigation, that links are relative, and that a failed build never replaces a good site."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.cli import main as credreg
from generator.errors import CredregError
from generator.publish.search import SearchIndexer
from tests.conftest import make_registry

REPO = Path(__file__).resolve().parents[2]
ISSUERS = REPO / "registry" / "issuers"
CREDENTIALS = sorted(p.relative_to(ISSUERS) for p in ISSUERS.glob("*/credentials/*.yaml"))
HAND_WRITTEN = ("about", "for-employers", "how-verification-works", "performance")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("example") / "site"
    assert credreg(["--root", str(REPO), "build", "--out", str(out)]) == 0
    return out


def _pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if not p.is_relative_to(site / "assets"))


def test_every_credential_has_its_page_and_machine_readable_forms(site: Path) -> None:
    assert (site / "index.html").is_file()
    assert (site / "404.html").is_file()
    for rel in CREDENTIALS:
        issuer, _, name = rel.parts
        folder = site / "credentials" / issuer / Path(name).stem
        for file in ("index.html", "achievement.json", "ctdl.json"):
            assert (folder / file).is_file(), folder / file
        assert (site / "api" / "credentials" / issuer / f"{Path(name).stem}.json").is_file()
    for path in ("catalog", "skills", "issuers", "verify", *HAND_WRITTEN):
        assert (site / path / "index.html").is_file(), path
    for path in ("feed.xml", "sitemap.xml", "sitemap-pages.xml", "api/registry.json", "pagefind/pagefind.js"):
        assert (site / path).is_file(), path


def test_verification_data_keys_dids_and_status_lists(site: Path) -> None:
    assert (site / "verify" / "index.json").is_file()
    assert list((site / "verify" / "shards").glob("*.json.gz"))
    assert list((site / "verify" / "achievements").glob("*.json"))
    for issuer in (REPO / "registry" / "issuers").iterdir():
        assert (site / "issuers" / issuer.name / "keys.json").is_file()
        assert (site / "issuers" / issuer.name / "did.json").is_file()
        for status in (issuer / "status").glob("*.json"):
            assert (site / "issuers" / issuer.name / "status" / status.name).read_bytes() == status.read_bytes()


def test_verify_page_includes_the_fragment_and_its_script(site: Path) -> None:
    from generator.site import VERIFY_FRAGMENT

    html = (site / "verify" / "index.html").read_text()
    fragment = VERIFY_FRAGMENT.read_text()
    assert fragment in html
    assert '<script type="module" src="../assets/verify/verify.js"></script>' in html
    assert (site / "assets" / "verify" / "verify.js").is_file()
    assert "verify.js" not in (site / "index.html").read_text()


def test_the_verify_page_s_forms_name_no_field(site: Path) -> None:
    """The page's script reads each field by its id. A field with a name would go into the query of a form
    submitted without the script (a module that failed to load, an Enter pressed before it ran): the earner's
    address and recipient key in the host's logs and the browser's history."""
    html = (site / "verify" / "index.html").read_text()
    forms = re.findall(r'<form class="cr-form".*?</form>', html, re.S)  # the page's own, not the theme's search
    assert len(forms) == 3
    named = [m for form in forms for m in re.findall(r"<(?:input|textarea|select|button)\b[^>]*\bname=", form)]
    assert named == []


def test_the_verify_page_fragment_is_not_published_on_its_own(site: Path) -> None:
    """The page's fragment sat among the assets and was copied into the site as assets/verify/page.html: a page
    nothing links to, whose relative assets 404 when opened directly. It is in the site once, inside /verify/."""
    from generator.site import ASSETS_DIR, VERIFY_FRAGMENT

    assert not VERIFY_FRAGMENT.is_relative_to(ASSETS_DIR)  # everything under the assets is published
    assert not (site / "assets" / "verify" / "page.html").exists()
    fragment = VERIFY_FRAGMENT.read_text()
    holding = [p.relative_to(site).as_posix() for p in site.rglob("*.html") if fragment in p.read_text()]
    assert holding == ["verify/index.html"]


def test_generated_pages_stay_out_of_the_navigation(site: Path) -> None:
    html = (site / "credentials" / "northbridge-university" / "sql-for-data-analysis" / "index.html").read_text()
    nav = html[html.index('<nav class="md-nav md-nav--primary') :]
    nav = nav[: nav.index("</nav>")]
    assert "credentials/" not in nav
    assert "issuers/cloud" not in nav
    assert len(re.findall(r'class="md-nav__link', nav)) < 20


def test_sitemap_lists_generated_pages(site: Path) -> None:
    text = (site / "sitemap-pages.xml").read_text()
    assert "https://credentials.example.org/credentials/northbridge-university/sql-for-data-analysis/" in text
    assert "https://credentials.example.org/issuers/cloud-skills-council/" in text
    assert "sitemap-pages.xml" in (site / "sitemap.xml").read_text()


def test_pages_link_relatively_carry_a_csp_and_no_inline_script(site: Path) -> None:
    site_url = "https://credentials.example.org/"
    for page in _pages(site):
        if page.name == "404.html":
            continue  # served at any depth: links from the site root
        html = re.sub(r'<link rel="canonical"[^>]*>', "", page.read_text())  # canonical URLs are absolute
        assert '<meta http-equiv="Content-Security-Policy"' in html, page
        for href in re.findall(r'(?:href|src)="([^"]+)"', html):
            assert not href.startswith(("/", site_url)), (page, href)
        for script in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in script or 'type="application/json"' in script, (page, script)


def test_a_registry_with_errors_is_refused_and_the_site_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_registry(tmp_path / "registry")
    out = tmp_path / "site"
    assert credreg(["--root", str(root), "build", "--out", str(out)]) == 0
    before = (out / "index.html").read_bytes()
    (root / "registry/issuers/acme-academy/credentials/sql-basics.yaml").write_text("id: [broken\n")
    assert credreg(["--root", str(root), "build", "--out", str(out)]) == 1
    assert "sql-basics.yaml" in capsys.readouterr().err
    assert (out / "index.html").read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_name_stacking_combining_marks_is_not_published(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Sixty marks on one letter draw a column over the cards above it in the catalog: the build refuses them,
    # naming the file, line and field.
    root = make_registry(tmp_path / "registry")
    definition = root / "registry/issuers/acme-academy/credentials/sql-basics.yaml"
    text = definition.read_text(encoding="utf-8")
    definition.write_text(
        text.replace("name: SQL Basics", "name: SQL" + "\u030d" * 60 + " Basics", 1), encoding="utf-8"
    )
    assert credreg(["--root", str(root), "build", "--out", str(tmp_path / "site")]) == 1
    err = capsys.readouterr().err
    assert "sql-basics.yaml:3:1: name: a letter carries more than 6 combining marks (the 7th is character 10)" in err
    assert not (tmp_path / "site").exists()


def test_a_build_that_fails_midway_leaves_the_previous_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_registry(tmp_path / "registry")
    out = tmp_path / "site"
    assert credreg(["--root", str(root), "build", "--out", str(out)]) == 0
    (out / "marker").write_text("previous build")

    def broken(self: SearchIndexer) -> None:
        raise CredregError("the search index could not be built")

    monkeypatch.setattr(SearchIndexer, "finish", broken)
    assert credreg(["--root", str(root), "build", "--out", str(out)]) != 0
    assert (out / "marker").read_text() == "previous build"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    monkeypatch.undo()
    assert credreg(["--root", str(root), "build", "--out", str(out)]) == 0
    assert not (out / "marker").exists()


def test_a_failed_data_writer_fails_the_build_and_leaves_the_previous_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The verification data is written by a forked process: its failure is the build's."""
    import generator.publish.site as site_module

    root = make_registry(tmp_path / "registry")
    out = tmp_path / "site"
    assert credreg(["--root", str(root), "build", "--out", str(out)]) == 0
    (out / "marker").write_text("previous build")

    def broken(*args: object, **kwargs: object) -> None:
        raise CredregError("the verification data could not be written")

    monkeypatch.setattr(site_module, "write_verification_data", broken)
    assert credreg(["--root", str(root), "build", "--out", str(out)]) == 1
    assert "the verification data could not be written" in capsys.readouterr().err
    assert (out / "marker").read_text() == "previous build"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_reference_in_a_description_publishes_no_character_the_build_refuses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The build refused a bidi override or a mark tower typed into a description, but took one written as a
    # character reference or an autolink's percent-encoding, and the page decoded it: "&#x202E;moc.elpmaxe" read
    # as example.com, reversed. The page now shows it as written, but the award, the API and CTDL carry the Markdown
    # on to readers that decode it: the build refuses it, naming the file, the field and the reference.
    root = make_registry(tmp_path / "registry")
    definition = root / "registry/issuers/acme-academy/credentials/sql-basics.yaml"
    text = definition.read_text(encoding="utf-8")
    for hostile, words in [
        ("Pay at &#x202E;moc.elpmaxe-emca", "its reference '&#x202E;' writes U+202E"),
        ("e" + "&#x301;" * 20, "its references write a letter with more than 6 combining marks ('&#x301;'"),
        ("<https://acme.example/%E2%80%AEexe.txt>", "its reference '%E2%80%AE' writes U+202E"),
    ]:
        assert text.count("\ndescription:") == 1
        definition.write_text(
            re.sub(r"\ndescription:[^\n]*\n", f"\ndescription: >-\n  {hostile}\n", text, count=1), encoding="utf-8"
        )
        out = tmp_path / "site"
        assert credreg(["--root", str(root), "build", "--out", str(out)]) != 0
        err = capsys.readouterr()
        shown = err.out + err.err
        assert "registry/issuers/acme-academy/credentials/sql-basics.yaml" in shown
        assert "description" in shown
        assert words in shown, shown
        assert "Traceback" not in shown
        assert not out.exists()
