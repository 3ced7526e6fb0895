"""The parse cache (generator.parse_cache) on real registries: a warm load gives exactly what a cold one gives,
edited files miss, and no cache file (damaged, planted, from another secret) makes a file pass that fails."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from generator import parse_cache
from generator.check import CheckOptions, run_check
from generator.load import LoadResult, load_registry
from generator.parse_cache import ParseCache
from generator.verify import cache as verify_cache
from tests.conftest import FIXTURES, make_registry

CRED = "registry/issuers/acme-academy/credentials/sql-basics.yaml"
INVALID = sorted(p.name for p in (FIXTURES / "invalid").iterdir())


@pytest.fixture(autouse=True)
def _secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(verify_cache.SECRET_ENV, "parse-cache-tests")
    monkeypatch.delenv(verify_cache.CACHE_DIR_ENV, raising=False)


def _cache_file(root: Path) -> Path:
    return root / ".cache" / "credreg" / "parsed.jsonl"


def _count_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths the cache hands to the real parser (a miss, or positions needed after a hit)."""
    parsed: list[str] = []
    real = parse_cache.parse_yaml

    def counting(text: str, path: str) -> Any:
        parsed.append(path)
        return real(text, path)

    monkeypatch.setattr(parse_cache, "parse_yaml", counting)
    return parsed


def _snapshot(result: LoadResult) -> tuple[Any, ...]:
    """Everything a load produced: every model, every document's values, every problem with its position."""
    registry = result.registry
    assert registry is not None
    sources = [registry.governance]
    for record in registry.issuers.values():
        sources += [record.source, *record.credentials.values(), *record.keys.values()]
    return (
        [(s.path, s.model, s.doc.data) for s in sources],
        sorted(registry.unusable),
        [(str(p), p.location, p.field, p.code) for p in result.problems],
    )


def _problems(root: Path, *, cache: bool) -> list[tuple[Any, ...]]:
    report = run_check(root, CheckOptions(cache=cache, jobs=1))
    return [(p.location, p.field, p.code, p.message) for p in report.problems]


def test_a_warm_load_equals_a_cold_one_and_parses_nothing(registry_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cold = _snapshot(load_registry(registry_dir, use_cache=False))
    assert not _cache_file(registry_dir).exists()  # without the cache nothing is written
    parsed = _count_parses(monkeypatch)
    filling = _snapshot(load_registry(registry_dir))
    yaml_files = len(parsed)
    assert yaml_files == 1 + 1 + 3  # governance, the issuer, its three definitions: each parsed once
    assert len(_cache_file(registry_dir).read_bytes().splitlines()) == 1 + yaml_files
    parsed.clear()
    warm = _snapshot(load_registry(registry_dir))
    assert parsed == []
    assert cold == filling == warm


def test_an_edited_file_misses_and_its_new_values_are_used(registry_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load_registry(registry_dir)
    path = registry_dir / CRED
    path.write_text(path.read_text().replace("name: SQL Basics", "name: SQL Basics, edited"))
    parsed = _count_parses(monkeypatch)
    warm = load_registry(registry_dir)
    assert parsed == [CRED]
    assert warm.registry is not None
    assert warm.registry.issuers["acme-academy"].credentials["sql-basics"].model.name == "SQL Basics, edited"
    assert _snapshot(warm) == _snapshot(load_registry(registry_dir, use_cache=False))
    # The cache keeps what the registry uses now: the old version's entry is gone.
    assert len(_cache_file(registry_dir).read_bytes().splitlines()) == 1 + 5


@pytest.mark.parametrize("case", INVALID)
def test_a_file_made_invalid_is_refused_as_without_a_cache(tmp_path: Path, case: str) -> None:
    root = make_registry(tmp_path / "r")
    assert _problems(root, cache=True) == []  # warm: every valid file's values are cached
    shutil.copytree(FIXTURES / "invalid" / case, root, dirs_exist_ok=True)
    cold = _problems(root, cache=False)
    assert cold, "the fixture must fail"
    assert _problems(root, cache=True) == cold  # the edited file misses
    assert _problems(root, cache=True) == cold  # and now hits (if it parses): same problems, same positions


def _plant(root: Path, key: bytes, entry: bytes) -> None:
    """Add an attacker's line to the cache file: ``entry`` (a tag and values) under the key of ``key``'s bytes."""
    digest = parse_cache.hashlib.sha256(key).hexdigest().encode()
    cache = _cache_file(root)
    cache.write_bytes(cache.read_bytes() + digest + b" " + entry + b"\n")


def _entry(root: Path, raw: bytes) -> bytes:
    digest = parse_cache.hashlib.sha256(raw).hexdigest().encode()
    [line] = [line for line in _cache_file(root).read_bytes().splitlines() if line.startswith(digest + b" ")]
    return line.split(b" ", 1)[1]


def test_a_planted_entry_cannot_make_an_invalid_file_pass(registry_dir: Path) -> None:
    copy = registry_dir / "registry/issuers/acme-academy/credentials/sql-copy.yaml"
    valid = (registry_dir / CRED).read_bytes().replace(b"id: sql-basics", b"id: sql-copy")
    copy.write_bytes(valid)
    assert load_registry(registry_dir)  # caches the valid values
    genuine = _entry(registry_dir, valid)
    invalid = valid.replace(b"delivery: online", b"delivery: remote")
    copy.write_bytes(invalid)
    cold = _problems(registry_dir, cache=False)
    assert [code for _, _, code, _ in cold] == ["schema.enum"]
    # The genuine entry moved to the invalid bytes' key: its tag binds it to the valid bytes.
    _plant(registry_dir, invalid, genuine)
    assert _problems(registry_dir, cache=True) == cold
    # An entry made with another secret (a copied or crafted cache file) vouches for nothing either.
    forger = ParseCache(bytes(32), tmp := registry_dir / "forged.jsonl")
    forger.parse(invalid, valid.decode(), "x.yaml")
    forger.save()
    forged = tmp.read_bytes().splitlines()[1].split(b" ", 1)[1]
    tmp.unlink()
    _plant(registry_dir, invalid, forged)
    assert _problems(registry_dir, cache=True) == cold


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: b"",
        lambda data: b"not a cache\n" + data,
        lambda data: data[: len(data) // 2],  # torn
        lambda data: data.replace(b'"SQL Basics"', b'"SQL Basic!"'),  # a value edited in place
        lambda data: data.replace(b"\n", b"\n" + b"0" * 64 + b" 00 {}\n"),  # junk lines
        lambda data: bytes(b ^ 0x5A for b in data),
    ],
)
def test_a_damaged_cache_is_ignored_and_rewritten(registry_dir: Path, damage: Any) -> None:
    cold = _snapshot(load_registry(registry_dir, use_cache=False))
    load_registry(registry_dir)
    cache = _cache_file(registry_dir)
    intact = cache.read_bytes()
    cache.write_bytes(damage(intact))
    assert _snapshot(load_registry(registry_dir)) == cold
    assert sorted(cache.read_bytes().splitlines()) == sorted(intact.splitlines())


def test_entries_are_bound_to_the_code(registry_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load_registry(registry_dir)
    monkeypatch.setattr(parse_cache, "parse_fingerprint", lambda: b"a new parser")
    parsed = _count_parses(monkeypatch)
    load_registry(registry_dir)
    assert len(parsed) == 5  # nothing made by the old code is used


def test_no_secret_no_cache(registry_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(verify_cache.SECRET_ENV)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    (tmp_path / "config" / "credreg").mkdir(parents=True)
    (tmp_path / "config" / "credreg" / "cache-secret").write_bytes(bytes(32))
    (tmp_path / "config" / "credreg" / "cache-secret").chmod(0o644)  # others could read it: not kept
    assert load_registry(registry_dir)
    assert not _cache_file(registry_dir).exists()


def test_the_file_holds_values_not_verdicts(registry_dir: Path) -> None:
    load_registry(registry_dir)
    header, *lines = _cache_file(registry_dir).read_bytes().splitlines()
    assert header == b"credreg-pcache1"
    for line in lines:
        digest, tag, payload = line.split(b" ", 2)
        assert len(digest) == 64
        assert len(tag) == 32
        assert isinstance(json.loads(payload), dict)
    assert (_cache_file(registry_dir).parent / ".gitignore").read_text().splitlines()[-1] == "*"
