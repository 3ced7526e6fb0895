"""The repository is self-contained: third-party test data is vendored byte for byte, and nothing reads beside it.

A clone with nothing next to it must pass `make test` (a fork's CI, a packager, a new contributor). The vendored
sets under tests/fixtures each carry a README.md (source, commit, licence) and a SHA256SUMS of the files as copied.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import CONFORMANCE, FIXTURE_CONTEXTS, REPO

VENDORED = {
    "vc-di-eddsa": (CONFORMANCE / "vc-di-eddsa", 30, "W3C Software and Document"),
    "jcs": (CONFORMANCE / "jcs", 12, "Apache License, Version 2.0"),
    "contexts": (FIXTURE_CONTEXTS, 7, "W3C Software and Document"),
}
NOTES = {"README.md", "SHA256SUMS"}

# A path that leaves the repository for the reference folder beside the developers' checkout: the relative
# spelling, or a pathlib join with that folder's name (the two spellings are spelled out in the last test).
FOLDER = "shared"
OUTSIDE = re.compile(rf"""\.\./{FOLDER}\b|/\s*["']{FOLDER}["']""")
SCANNED = ("tests/", "generator/", "benchmarks/", "scripts/", ".ci/", ".github/", "Makefile", "pyproject.toml")


def _sums(folder: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in (folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ", 1)
        out[name] = digest
    return out


@pytest.mark.parametrize("name", sorted(VENDORED))
def test_vendored_set_is_exactly_what_was_copied(name: str) -> None:
    folder, count, licence = VENDORED[name]
    sums = _sums(folder)
    files = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} - NOTES
    assert files == set(sums), "files added to or missing from the vendored set"
    assert len(sums) == count
    for rel, digest in sums.items():
        assert hashlib.sha256((folder / rel).read_bytes()).hexdigest() == digest, f"{name}/{rel} was modified"
    notice = (folder / "README.md").read_text(encoding="utf-8")
    assert licence in notice
    assert "https://github.com/" in notice


# What the repository's private-key check looks for (built from pieces so this file is not one of its hits).
PRIVATE_KEY = re.compile(
    ("private" + "KeyMultibase|secret" + "KeyMultibase|BEGIN (OPENSSH |ED25519 )?PRIVATE" + " KEY").encode()
)


def test_the_vendored_key_pair_is_where_the_private_key_check_allows_it() -> None:
    # The vectors' key pair is published test data; the check tolerates a private key only under a tests/ path
    # naming conformance or vectors, and nowhere else in the tree.
    holders = [
        path for path in _tracked() if (REPO / path).is_file() and PRIVATE_KEY.search((REPO / path).read_bytes())
    ]
    assert "tests/fixtures/conformance/vc-di-eddsa/keyPair.json" in holders
    assert [p for p in holders if not re.match(r"^tests/.*(conformance|vectors)", p)] == []


def _tracked() -> list[str]:
    out = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout
    return [p for p in out.decode("utf-8").split("\0") if p]


def test_nothing_reads_outside_the_repository() -> None:
    tracked = [p for p in _tracked() if p.startswith(SCANNED) and (REPO / p).is_file()]
    assert "Makefile" in tracked
    assert any(p.startswith("generator/") for p in tracked)
    offenders = []
    for path in tracked:
        data = (REPO / path).read_bytes()
        if b"\0" in data[:4096]:
            continue  # binary: images, fonts
        for number, line in enumerate(data.decode("utf-8", "replace").splitlines(), 1):
            if OUTSIDE.search(line):
                offenders.append(f"{path}:{number}: {line.strip()}")
    assert offenders == [], "reads the workspace's reference folder, which a clone does not have"


# Built from FOLDER so that this file does not match its own scan.
@pytest.mark.parametrize(
    "line", [f'X = REPO.parent / "{FOLDER}"', f"json.load(open('../{FOLDER}/contexts/index.json'))"]
)
def test_the_scan_sees_both_spellings(line: str) -> None:
    assert OUTSIDE.search(line)
