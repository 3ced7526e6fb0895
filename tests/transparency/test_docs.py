"""The log's documents: in the site's navigation, and every command they show exists."""

from __future__ import annotations

import re
import shlex

import pytest
import yaml

from generator.cli import build_parser
from tests.transparency.conftest import REPO

PAGES = ["transparency-log.md", "transparency-log-operators.md", "transparency-log-issuers.md"]


def test_the_pages_are_in_the_navigation() -> None:
    text = (REPO / "mkdocs.yml").read_text()
    nav = yaml.safe_load(text[text.index("\nnav:") :])["nav"]
    listed = {page for section in nav if isinstance(section, dict) for v in section.values() if isinstance(v, list)
              for item in v for page in item.values()}  # fmt: skip
    assert set(PAGES) <= listed


@pytest.mark.parametrize("page", PAGES)
def test_every_command_shown_parses(page: str) -> None:
    markdown = (REPO / "docs" / page).read_text()
    commands = [
        line.strip()
        for block in re.findall(r"```sh\n(.*?)```", markdown, flags=re.DOTALL)
        for line in block.splitlines()
        if line.strip().startswith("credreg ")
    ]
    assert commands or page == "transparency-log.md"
    parser = build_parser()
    for command in commands:
        parser.parse_args(shlex.split(command)[1:])  # SystemExit on an unknown command or option
