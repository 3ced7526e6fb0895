"""The repository is self-contained: third-party test data is vendored byte for byte, and nothing reads beside it.

A clone with nothing next to it must pass `make test` (a fork's CI, a packager, a new contributor). The vendored
sets under tests/fixtures each carry a README.md (source, commit, licence) and a SHA256SUMS of the files as copied.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from pathlib import Path

import pytest

from generator.governance.leaks import PUBLISHED_TEST_KEY_DIGESTS, private_key_line
from tests.conftest import CONFORMANCE, FIXTURE_CONTEXTS, OB3_SCHEMAS, REPO

VENDORED = {
    "vc-di-eddsa": (CONFORMANCE / "vc-di-eddsa", 30, "W3C Software and Document"),
    "jcs": (CONFORMANCE / "jcs", 12, "Apache License, Version 2.0"),
    "contexts": (FIXTURE_CONTEXTS, 7, "W3C Software and Document"),
    "ob3-schemas": (OB3_SCHEMAS, 4, "specification license"),
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


def test_no_tracked_file_holds_a_private_key_but_the_vendored_published_one() -> None:
    # The repository's own rule (generator.governance.leaks): no tracked file holds a private key, but for the
    # vectors' key pair, which a standard publishes (allowed by its value, and vendored under conformance/).
    holders = [path for path in _tracked() if (REPO / path).is_file() and private_key_line((REPO / path).read_bytes())]
    assert holders == []
    vendored = json.loads((REPO / "tests/fixtures/conformance/vc-di-eddsa/keyPair.json").read_bytes())
    [secret] = [value for name, value in vendored.items() if name.startswith("secret") or name.startswith("private")]
    assert hashlib.sha256(secret.encode()).hexdigest() in PUBLISHED_TEST_KEY_DIGESTS


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
