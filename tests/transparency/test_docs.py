"""The log's documents are in the site's navigation. (Every command they show parses: tests/governance/test_docs.py,
for every page of docs/, continuation lines joined.)"""

from __future__ import annotations

import yaml

from tests.transparency.conftest import REPO

PAGES = ["transparency-log.md", "transparency-log-operators.md", "transparency-log-issuers.md"]


def test_the_pages_are_in_the_navigation() -> None:
    text = (REPO / "mkdocs.yml").read_text()
    nav = yaml.safe_load(text[text.index("\nnav:") :])["nav"]
    listed = {page for section in nav if isinstance(section, dict) for v in section.values() if isinstance(v, list)
              for item in v for page in item.values()}  # fmt: skip
    assert set(PAGES) <= listed
