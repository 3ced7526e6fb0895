"""The contributor documents: every command CONTRIBUTING.md shows exists, and the GitHub templates are valid."""

from __future__ import annotations

import argparse
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.cli import build_parser
from tests.conftest import REPO

GITHUB = REPO / ".github"


def _commands(markdown: str) -> list[str]:
    """``credreg …`` command lines of the shell blocks (``sh``, and ``console`` lines after a ``$`` prompt), with
    continuation lines joined and a trailing ``# comment`` dropped."""
    blocks = re.findall(r"```(sh|console)\n(.*?)```", markdown, flags=re.DOTALL)
    commands = []
    for kind, block in blocks:
        for line in block.replace("\\\n", " ").splitlines():
            line = line.strip()
            if kind == "console":
                if not line.startswith("$ "):
                    continue
                line = line[2:]
            if line.startswith("credreg "):
                line = re.sub(r"<[^<>]+>", "PLACEHOLDER", line)  # `<award hash>`: one word, as the reader types it
                commands.append(shlex.join(shlex.split(line, comments=True)))
    return commands


def _parses(commands: list[str]) -> None:
    parser = build_parser()
    for command in commands:
        words = [w.replace("$CREDREG_KEY_DIR", "/keys") for w in shlex.split(command)[1:]]
        parser.parse_args(words)  # exits (SystemExit) on an unknown command or option


def test_every_command_in_the_guide_parses() -> None:
    commands = _commands((REPO / "CONTRIBUTING.md").read_text())
    used = {shlex.split(c)[1] for c in commands}
    assert used == {"new", "check", "keygen", "award", "revoke", "endorse", "verify"}
    _parses(commands)


@pytest.mark.parametrize("page", sorted(p.name for p in (REPO / "docs").glob("*.md")))
def test_every_command_on_the_sites_pages_parses(page: str) -> None:
    """The pages' commands too (a witness's, a monitor's, an erasure's), as written, placeholders and all."""
    _parses(_commands((REPO / "docs" / page).read_text()))


def _yaml(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text())
    assert isinstance(data, dict)
    return data


@pytest.mark.parametrize(
    "name",
    ["register-issuer.yml", "propose-credential.yml", "report-credential-problem.yml"],
    ids=lambda n: n.removesuffix(".yml"),
)
def test_issue_forms_are_well_formed(name: str) -> None:
    form = _yaml(GITHUB / "ISSUE_TEMPLATE" / name)
    assert {"name", "description", "body"} <= set(form)
    ids = [item["id"] for item in form["body"] if item["type"] != "markdown"]
    assert len(ids) == len(set(ids))
    for item in form["body"]:
        assert item["type"] in {"markdown", "input", "textarea", "dropdown", "checkboxes"}
        if item["type"] != "markdown":
            assert item["attributes"]["label"]


def test_the_public_problem_report_form_keeps_the_recipient_key_out() -> None:
    """An earner reporting their award would paste its verification link, recipient key and all (after ``~``), into
    a public issue: the form asks for the hash alone, and never calls the recipient hash "salted" (its key is
    secret, not a published salt)."""
    form = _yaml(GITHUB / "ISSUE_TEMPLATE" / "report-credential-problem.yml")
    [notice] = [item["attributes"]["value"] for item in form["body"] if item["type"] == "markdown"]
    [reference] = [item["attributes"] for item in form["body"] if item.get("id") == "reference"]
    assert "recipient key" in notice
    assert "~" in notice
    assert "salted" not in notice
    assert "not what follows ~" in reference["description"]


def test_pull_request_template_and_pre_commit_hooks() -> None:
    assert "credreg check --base upstream/main --actor" in (GITHUB / "PULL_REQUEST_TEMPLATE.md").read_text()
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert [(h["id"], h["entry"]) for h in hooks] == [
        ("credreg-check", "credreg check"),
        ("credreg-pull-request-check", "credreg check --base origin/main"),
    ]
    for hook in hooks:
        assert hook["language"] == "python"
        assert hook["pass_filenames"] is False


def _subcommand(parser: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser:
    [action] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    choice = action.choices[name]
    assert isinstance(choice, argparse.ArgumentParser)
    return choice


def test_the_readme_lists_commands_and_options_that_exist() -> None:
    """The README's command list: each command, and each option it names for it, exists (it had drifted from
    the log commands' options)."""
    [listing] = [b for b in re.findall(r"```sh\n(.*?)```", (REPO / "README.md").read_text(), flags=re.DOTALL)
                 if "credreg check [" in b]  # fmt: skip
    parser = build_parser()
    for line in listing.splitlines():
        synopsis = line.split("  #")[0].split(" | ")[0]
        words = synopsis.split()
        assert words[0] == "credreg", line
        command = _subcommand(parser, words[1])
        if words[1] in {"log", "new"}:
            command = _subcommand(command, words[2])
        options = {o for a in command._actions for o in a.option_strings}
        for option in re.findall(r"(?<![\w-])--[a-z][a-z-]*", synopsis):
            assert option in options, (line, option)
