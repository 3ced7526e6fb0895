"""Shared fixtures: real registries in temporary directories, built from tests/fixtures/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
SHARED = REPO.parent / "shared"


def make_registry(target: Path, *overlays: Path) -> Path:
    """Copy the minimal valid registry (with the repository's current schemas) and apply overlays."""
    shutil.copytree(FIXTURES / "registry", target, dirs_exist_ok=True)
    shutil.copytree(REPO / "schemas", target / "schemas", dirs_exist_ok=True)
    for overlay in overlays:
        shutil.copytree(overlay, target, dirs_exist_ok=True)
    return target


@pytest.fixture
def registry_dir(tmp_path: Path) -> Path:
    """A fresh copy of the minimal valid test registry."""
    return make_registry(tmp_path / "registry-root")
