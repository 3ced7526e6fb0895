"""The check figure's library floor does the check's own work per award: the same award hash, the same 64 bytes
the JCS proof signs, and a signature that verifies over them with the issuer's registered key. A floor that
skipped or shortened a step would make the ceiling it reports a promise no check could keep.

Awards with floats (``creditsAvailable: 3.0``) are the exception the floor allows itself: orjson writes
``3.0`` where RFC 8785 writes ``3``, and putting JCS's text back costs the check more, not less. So on those
the floor does less than the check, and the ceiling stays an upper bound."""

from __future__ import annotations

import hmac
import json
from pathlib import Path

import pytest

from benchmarks.check import floor_award, library_floor
from generator.crypto import ed25519
from generator.crypto.dataintegrity import JCS, hash_data
from generator.crypto.jcs import fast_path_kind
from generator.demo import write_demo
from generator.load import load_registry
from generator.verify.parallel import plan_units, unit_awards
from generator.verify.registry_check import AwardChecker

pytestmark = pytest.mark.xdist_group("scale-demo")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("floor")
    return write_demo(base / "registry", issuers=2, credentials=40, awards=60, jobs=1, show_progress=False).root


def test_the_floor_computes_what_the_check_verifies(demo: Path) -> None:
    registry = load_registry(demo).registry
    assert registry is not None
    checker = AwardChecker(registry)
    calls: list[None] = []
    awards = [award for unit in plan_units(demo) for award in unit_awards(demo, unit)]
    assert len(awards) == 60
    exact = 0
    for path, line, raw in awards:
        outcome = checker.check_bytes(path, line, raw)
        assert outcome.problems == ()
        award_hash, signs, signature = floor_award(raw, hmac.new(b"k", digestmod="sha256"), lambda: calls.append(None))
        award = json.loads(raw)
        if fast_path_kind(award) != "exact":
            continue
        exact += 1
        assert award_hash == outcome.digest
        [jcs] = [p for p in award["proof"] if p["cryptosuite"] == JCS]
        assert signs == hash_data(award, jcs)
        key = checker.verifier.keys.resolve(jcs["verificationMethod"])  # the issuer's registered key
        assert key is not None
        assert ed25519.verify(key.public, signs, signature)
    assert len(calls) == len(awards)  # one verify per award, as the check makes
    assert exact >= 5  # credentials without a float in their definition (most, in the benchmark's registry)


def test_the_floor_is_timed_on_the_registrys_awards(demo: Path, tmp_path: Path) -> None:
    floor = library_floor(demo, sample=120, rounds=1)
    assert floor.sample == 120  # the registry's 60 awards, cycled
    assert 0 < floor.hashing_us < floor.library_us  # the library floor hashes the same bytes, and does more
    (tmp_path / "registry" / "issuers").mkdir(parents=True)  # a registry without awards
    with pytest.raises(RuntimeError, match="no awards"):
        library_floor(tmp_path)
