"""The mkdocs layer: lays out the pages :mod:`generator.render` produced. It renders and decides nothing itself."""

from pathlib import Path

SITE_DIR = Path(__file__).resolve().parent
#: Published as they are: every file under ``assets/`` is copied into the site.
ASSETS_DIR = SITE_DIR / "assets"
#: Included into pages, never published alone: outside ``assets/``, so that the verification page's content is
#: not also served as a page of its own, which nothing links to and whose relative links break.
TEMPLATES_DIR = SITE_DIR / "templates"
VERIFY_FRAGMENT = TEMPLATES_DIR / "verify-page.html"
