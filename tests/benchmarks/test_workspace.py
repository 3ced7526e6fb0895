"""Registries kept between benchmark runs (``--keep``) are made by earlier code: reusing one gives it this code's
schemas, or every figure that runs ``credreg check`` on it fails on "schemas out of date"."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from benchmarks._common import Workspace
from benchmarks.pr import commit_registry
from generator.schema import FileKind, render_schema

pytestmark = pytest.mark.xdist_group("scale-demo")


def test_a_kept_registry_gets_this_codes_schemas_committed(tmp_path: Path) -> None:
    sizes = {"issuers": 2, "credentials": 4, "awards": 6}
    made = Workspace(tmp_path, log=lambda _: None).registry("tiny", **sizes)
    commit_registry(made.root)
    stale = made.root / "schemas/issuer.schema.json"
    stale.write_text("{}\n", encoding="utf-8")
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qam", "old"],
                   cwd=made.root, check=True)  # fmt: skip
    logged: list[str] = []
    again = Workspace(tmp_path, log=logged.append).registry("tiny", **sizes)
    assert again.root == made.root
    assert any("reusing the tiny registry" in line for line in logged)
    assert stale.read_text(encoding="utf-8") == render_schema(FileKind.ISSUER)
    status = subprocess.run(["git", "status", "--porcelain"], cwd=made.root, capture_output=True, text=True)
    assert status.stdout == ""  # committed: the pull-request figure's base has them
