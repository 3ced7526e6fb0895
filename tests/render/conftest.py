from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.load import load_registry
from generator.publish.verifydata import AwardStats
from generator.render.model import SiteModel

REPO = Path(__file__).resolve().parents[2]
NOW = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)  # after every list of the example was signed


@pytest.fixture(scope="session")
def model() -> SiteModel:
    """The example registry's site model (award counts empty: rendering does not need them)."""
    loaded = load_registry(REPO)
    assert loaded.registry is not None
    assert not loaded.problems.errors
    return SiteModel.build(loaded.registry, AwardStats(), {}, NOW)
