"""The full check's search stays as thorough when Git, not Python, leaves the award files out of it."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from generator import layout
from generator.check import CheckOptions, run_check
from generator.governance import leaks
from tests.governance.conftest import ACME, Repo, commit_all, errors, init_repo

# Assembled at run time, so this test file itself never holds a private key block.
PEM = "-----BEGIN " + "OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n"
AWARDS = f"registry/issuers/{ACME}/awards"


def _full(repo: Repo, jobs: int | None = None) -> list[str]:
    report = run_check(repo.root, CheckOptions(progress=False, jobs=jobs))
    return sorted(p.location.path for p in errors(report) if p.code == "governance.private-key")


@pytest.mark.parametrize("tracked", [True, False], ids=["committed", "untracked"])
@pytest.mark.parametrize(
    "rel",
    [
        f"{AWARDS}/key.pem",  # beside the awards, not an award's name
        f"{AWARDS}/2026/05/notes.json.txt",
        f"{AWARDS}/2026/.json",  # no name before the extension: not an award
        f"registry/issuers/{ACME}/status/1a.json",  # not a status list's number
        "with space/and\nnewline.txt",
    ],
)
def test_a_key_beside_the_awards_or_under_an_odd_name_is_found(repo: Repo, rel: str, tracked: bool) -> None:
    repo.write(rel, PEM)
    if tracked:
        commit_all(repo.root, "a key")
    assert rel in _full(repo)


def test_a_key_under_a_name_that_is_not_utf8_is_found(repo: Repo) -> None:
    name = os.fsencode(AWARDS) + b"/caf\xe9.key"
    with open(os.fsencode(repo.root) + b"/" + name, "wb") as fh:
        fh.write(PEM.encode())
    assert _full(repo) == [os.fsdecode(name)]
    commit_all(repo.root, "a key")
    assert _full(repo) == [os.fsdecode(name)]


def test_the_search_in_this_process_finds_the_same(repo: Repo) -> None:
    """``--jobs 1`` searches after the rest, in the check's own process; otherwise a forked process searches."""
    repo.write(f"{AWARDS}/key.pem", PEM)
    assert _full(repo, jobs=1) == _full(repo) == [f"{AWARDS}/key.pem"]


def test_without_git_every_file_is_searched(repo: Repo) -> None:
    shutil.rmtree(repo.root / ".git")
    repo.write(f"{AWARDS}/key.pem", PEM)
    assert [p.location.path for p in leaks.repository_leaks(repo.root)] == [f"{AWARDS}/key.pem"]


def test_git_leaves_out_exactly_the_paths_classify_names_awards(tmp_path: Path) -> None:
    """The listing's pathspecs come from the layout's rules; a path is left out iff :func:`layout.classify` says
    it is an award or an award batch (whatever its folder depth, dots or characters a glob would read)."""
    paths = [
        f"{AWARDS}/a.json",
        f"{AWARDS}/a.jsonl",
        f"{AWARDS}/2026/05/deep/b.json",
        f"{AWARDS}/[x]*?.json",
        f"{AWARDS}/..json",
        f"{AWARDS}/.json",
        f"{AWARDS}/.jsonl",
        f"{AWARDS}/a.json.txt",
        f"{AWARDS}/a.JSON",
        f"{AWARDS}/a.jsonx",
        f"{AWARDS}/sub/",
        f"registry/issuers/{ACME}/awards.json",
        f"registry/issuers/{ACME}/other/awards/a.json",
        f"registry/issuers/{ACME}/status/1.json",
        f"registry/endorsers/{ACME}/awards/a.json",
        "registry/issuers/awards/a.json",
        "awards/a.json",
    ]
    for rel in paths:
        path = tmp_path / (rel + "keep" if rel.endswith("/") else rel)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("{}\n")
    init_repo(tmp_path)
    listed = set(leaks._committable(tmp_path))  # untracked
    expected = {
        p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file() and ".git" not in p.parts
    }
    awards = {rel for rel in expected if layout.classify(rel).kind in layout.AWARD_KINDS}
    assert awards == {
        f"{AWARDS}/{name}" for name in ("a.json", "a.jsonl", "2026/05/deep/b.json", "[x]*?.json", "..json")
    }
    assert listed == expected - awards
    commit_all(tmp_path, "all")
    assert set(leaks._committable(tmp_path)) == expected - awards  # tracked


def test_a_layout_rule_without_an_exact_glob_is_refused() -> None:
    with pytest.raises(ValueError, match="no exact glob"):
        layout._glob(re.compile(r"^registry/issuers/[^/]+/status/[0-9]+\.json\Z"))
    assert layout.AWARD_GLOBS == ("registry/issuers/?*/awards/**/?*.jsonl", "registry/issuers/?*/awards/**/?*.json")


def test_git_never_lists_the_awards_to_python(repo: Repo) -> None:
    """At a million awards, listing, decoding and classifying their names cost seconds: Git leaves them out."""
    listed = leaks._committable(repo.root)
    assert repo.files(f"{AWARDS}/**/*.json")  # the fixture has awards
    assert not [rel for rel in listed if layout.classify(rel).kind in layout.AWARD_KINDS]
    assert f"registry/issuers/{ACME}/issuer.yaml" in listed


@pytest.mark.parametrize(
    "rel", [f"registry/issuers/{ACME}/endorsements/e.json", f"registry/issuers/{ACME}/status/2.json"]
)
def test_a_key_in_an_endorsement_or_a_status_list_is_found(repo: Repo, rel: str) -> None:
    """Few files, and an endorsement's comment is free text: the full check searches them too."""
    repo.write(rel, json.dumps({"endorsementComment": PEM}))
    commit_all(repo.root, "a key")
    assert _full(repo) == [rel]
