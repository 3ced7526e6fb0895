"""``.github/CODEOWNERS`` generated from governance and issuers, and kept in sync by the check."""

from __future__ import annotations

import dataclasses
import os
import re
from pathlib import Path

import pytest

from generator.check import CheckOptions, run_check
from generator.cli import main
from generator.errors import CredregError
from generator.governance import CODEOWNERS_PATH, codeowners_problems, render_codeowners, write_codeowners
from generator.load import load_registry
from tests.conftest import REPO, make_registry
from tests.governance.conftest import ACME, BETA, Repo, errors, shown


def _rules(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line and not line.startswith("#")]


def test_registry_maintainers_own_everything_and_alone_own_keys(base_repo: Repo) -> None:
    assert _rules(render_codeowners(base_repo.registry)) == [
        "* @reg-admin",
        f"/registry/issuers/{ACME}/ @acme-lead @reg-admin",
        f"/keys/{ACME}/ @reg-admin",
        f"/registry/issuers/{BETA}/ @beta-lead @beta-org/reviewers @reg-admin",
        f"/keys/{BETA}/ @reg-admin",
    ]


def test_issuers_co_own_their_keys_when_new_keys_need_no_registry_maintainer(repo: Repo) -> None:
    repo.edit(
        "registry/governance.yaml",
        "maintainers:",
        "review:\n  new_key_requires_registry_maintainer: false\nmaintainers:\n  - ACME-Lead",
    )
    rules = _rules(render_codeowners(repo.registry))
    assert rules[0] == "* @ACME-Lead @reg-admin"
    # Handles are listed once, compared without case.
    assert f"/keys/{ACME}/ @acme-lead @reg-admin" in rules


def test_a_stale_file_fails_the_check_at_the_first_differing_line(repo: Repo) -> None:
    repo.edit(f"registry/issuers/{BETA}/issuer.yaml", "  - beta-lead", "  - beta-lead\n  - beta-second")
    report = repo.check("reg-admin")
    [problem] = errors(report)
    assert (problem.code, problem.location.path, problem.location.line) == ("codeowners.stale", CODEOWNERS_PATH, 12)
    assert problem.message == (
        "out of date with registry/governance.yaml and the issuers' maintainers: run `credreg codeowners` and "
        "commit the result"
    )


def test_the_command_writes_and_checks_the_file(tmp_path: Path, capsys: object) -> None:
    root = make_registry(tmp_path / "r")
    args = ["--root", str(root), "codeowners"]
    assert main([*args, "--check"]) == 1  # missing
    assert main(args) == 0
    assert main([*args, "--check"]) == 0
    (root / CODEOWNERS_PATH).write_text("* @someone\n")
    assert main([*args, "--check"]) == 1


def test_a_registry_without_the_file_is_not_refused_by_check(tmp_path: Path) -> None:
    registry = load_registry(make_registry(tmp_path / "r")).registry
    assert registry is not None
    assert codeowners_problems(registry) == []
    assert [p.code for p in codeowners_problems(registry, required=True)] == ["codeowners.stale"]


def test_the_example_registry_is_in_sync() -> None:
    registry = load_registry(REPO).registry
    assert registry is not None
    assert shown(codeowners_problems(registry, required=True)) == []


# --- ids and handles that could write rules of their own ------------------------------------------------------


@pytest.mark.parametrize("bad", ["\n", "\r\n", "\r", " ", "\t", "\x00", "\x85", "\u2028"])
def test_the_writer_refuses_an_id_or_handle_with_whitespace_or_a_control_character(base_repo: Repo, bad: str) -> None:
    # The models refuse such values before they get here; the writer refuses them too rather than split a line.
    registry = base_repo.registry
    registry.issuers[ACME + bad] = registry.issuers.pop(ACME)
    with pytest.raises(CredregError, match=re.escape(repr(ACME + bad))):
        render_codeowners(registry)

    registry = base_repo.registry
    record = registry.issuers[BETA]
    issuer = record.issuer.model_copy(update={"maintainers": ["beta-lead", "evil" + bad]})
    record.source = dataclasses.replace(record.source, model=issuer)
    with pytest.raises(CredregError, match=re.escape(repr("evil" + bad))):
        render_codeowners(registry)


ATTACKER = "registry/issuers/acme-academy\n"


def test_a_new_issuer_whose_id_ends_in_a_line_break_cannot_take_over_codeowners(repo: Repo) -> None:
    # The attack: a stranger adds ``acme-academy\n`` (folder and id) listing themselves, and commits the CODEOWNERS
    # the toolkit then writes. Had ``$`` let the id through, that file would end with owner-less rules for
    # /registry/issuers/acme-academy and /keys/acme-academy, after the real ones, and so win over them.
    text = repo.read(f"registry/issuers/{ACME}/issuer.yaml")
    repo.write(
        f"{ATTACKER}/issuer.yaml",
        text.replace("id: acme-academy", 'id: "acme-academy\\n"').replace("  - acme-lead", "  - evil"),
    )
    before = repo.read(CODEOWNERS_PATH)
    write_codeowners(repo.registry)
    assert repo.read(CODEOWNERS_PATH) == before  # the new issuer is not loaded, so it owns nothing
    assert _rules(repo.read(CODEOWNERS_PATH))[-1] == f"/keys/{BETA}/ @reg-admin"
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "a new issuer")
    report = run_check(repo.root, CheckOptions(base="HEAD~1", actor="evil", progress=False))
    found = {(p.code, p.location.path) for p in errors(report)}
    assert ("id.not-slug", ATTACKER) in found, shown(report.problems)
    assert report.problems.errors


@pytest.mark.parametrize("breaks", [b"\r\r", b"\r\n\r\n"])
def test_a_codeowners_file_with_carriage_returns_is_not_the_generated_one(repo: Repo, breaks: bytes) -> None:
    # The attack: anyone may commit CODEOWNERS when it is what `credreg codeowners` writes, and the check read it
    # in text mode, where CR and CR LF are line breaks. GitHub breaks lines at LF only: with the breaks after the
    # header's last comment turned into CRs, the `*` rule is part of that comment, and the registry maintainers
    # own nothing the later rules do not name. The file is compared byte for byte, and the line is named.
    raw = repo.path(CODEOWNERS_PATH).read_bytes()
    assert raw.count(b"\n\n*") == 1
    repo.path(CODEOWNERS_PATH).write_bytes(raw.replace(b"\n\n*", breaks + b"*"))
    report = repo.check("acme-lead")
    found = {(p.code, p.location.path, p.location.line) for p in errors(report)}
    assert found == {("governance.ownership", CODEOWNERS_PATH, None), ("codeowners.stale", CODEOWNERS_PATH, 7)}
    [stale] = errors(report, "codeowners.stale")
    assert stale.message.startswith("holds a carriage return (CR), which GitHub does not read as a line break")


@pytest.mark.parametrize("already", [True, False])
def test_a_codeowners_rename_that_fails_is_done_only_when_the_file_already_says_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, already: bool
) -> None:
    """An error reported by a rename that did not take effect: only a CODEOWNERS that already reads as the new text
    (unchanged, or written so by a concurrent run) counts as done; one with other rules stays as it was and the
    error is raised. Either way no temporary file is left beside it."""
    import errno

    from generator.governance.codeowners import replace_codeowners

    path = tmp_path / ".github" / "CODEOWNERS"
    path.parent.mkdir()
    new = "* @reg-admin\n/registry/issuers/new/ @new-lead @reg-admin\n"
    old = new if already else "* @reg-admin\n"
    path.write_bytes(old.encode())

    def replace(self: Path, target: str | os.PathLike[str]) -> Path:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(Path, "replace", replace)
    if already:
        replace_codeowners(path, new)
    else:
        with pytest.raises(OSError, match="Input/output error"):
            replace_codeowners(path, new)
    monkeypatch.undo()
    assert path.read_bytes() == old.encode()
    assert sorted(p.name for p in path.parent.iterdir()) == ["CODEOWNERS"]
