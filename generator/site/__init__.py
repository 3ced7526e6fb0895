"""The mkdocs layer: lays out the pages :mod:`generator.render` produced. It renders and decides nothing itself."""

from pathlib import Path

SITE_DIR = Path(__file__).resolve().parent
ASSETS_DIR = SITE_DIR / "assets"
VERIFY_FRAGMENT = ASSETS_DIR / "verify" / "page.html"
