"""The verification cache itself: HMAC tags bound to a secret and the code, persisted, compacted, refused when
they cannot be trusted. (Its use by the check, with real awards, is tested in tests/scale/.)"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import generator
from generator.verify import cache as cache_module
from generator.verify.cache import VerificationCache, cache_secret, code_fingerprint, fingerprinted_files

SECRET = bytes(range(32))
OTHER = bytes(range(1, 33))


def test_put_then_get_and_only_successes_are_recorded(tmp_path: Path) -> None:
    cache = VerificationCache(SECRET, path=tmp_path / "verified.tags")
    assert cache.get("proof|a") is None
    cache.put("proof|a", True)
    cache.put("proof|b", False)
    assert cache.get("proof|a") is True
    assert cache.get("proof|b") is None
    assert (cache.hits, cache.misses) == (1, 2)


def test_entries_survive_a_reload_with_the_same_secret_only(tmp_path: Path) -> None:
    path = tmp_path / "c" / "verified.tags"
    first = VerificationCache(SECRET, path=path)
    first.put("proof|a", True)
    first.save()
    assert VerificationCache(SECRET, path=path).get("proof|a") is True
    # A file made with another secret (planted, or copied from another cache) vouches for nothing.
    assert VerificationCache(OTHER, path=path).get("proof|a") is None


def test_entries_are_bound_to_the_code(tmp_path: Path) -> None:
    path = tmp_path / "verified.tags"
    old = VerificationCache(SECRET, path=path, namespace=b"old code")
    old.put("proof|a", True)
    old.save()
    assert VerificationCache(SECRET, path=path, namespace=b"old code").get("proof|a") is True
    assert VerificationCache(SECRET, path=path, namespace=b"new code").get("proof|a") is None
    assert len(code_fingerprint()) == 32


def test_file_holds_tags_only(tmp_path: Path) -> None:
    path = tmp_path / "cache" / "verified.tags"
    cache = VerificationCache(SECRET, path=path)
    statement = "proof|" + "ab" * 32 + "|eddsa-rdfc-2022|did:web:x#key-1|" + "cd" * 32
    cache.put(statement, True)
    cache.save()
    data = path.read_bytes()
    assert len(data) == 16 + 16
    assert b"did:web" not in data
    assert b"abab" not in data
    assert (path.parent / ".gitignore").read_text().splitlines()[-1] == "*"


def test_appends_and_a_torn_record_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "verified.tags"
    cache = VerificationCache(SECRET, path=path)
    cache.put("a", True)
    cache.save()
    cache.put("b", True)
    cache.save()
    with path.open("ab") as fh:
        fh.write(b"\x01\x02\x03")  # an append cut short
    again = VerificationCache(SECRET, path=path)
    assert len(again) == 2
    assert again.get("a") is True
    assert again.get("b") is True


def test_a_foreign_file_is_a_cold_cache(tmp_path: Path) -> None:
    path = tmp_path / "verified.tags"
    path.write_bytes(b"not a credreg cache file at all")
    assert len(VerificationCache(SECRET, path=path)) == 0


def test_compaction_keeps_what_was_used_or_added(tmp_path: Path) -> None:
    path = tmp_path / "verified.tags"
    cache = VerificationCache(SECRET, path=path)
    for name in ("kept", "dropped"):
        cache.put(name, True)
    cache.save()
    run = VerificationCache(SECRET, path=path)
    assert run.get("kept") is True
    run.put("new", True)
    run.save(compact=True)
    after = VerificationCache(SECRET, path=path)
    assert (after.get("kept"), after.get("new"), after.get("dropped")) == (True, True, None)


def test_drain_and_absorb_carry_a_workers_work(tmp_path: Path) -> None:
    parent = VerificationCache(SECRET, path=tmp_path / "verified.tags")
    parent.put("known", True)
    parent.save()
    worker = VerificationCache(SECRET, path=tmp_path / "verified.tags")
    assert worker.get("known") is True
    worker.put("fresh", True)
    parent.absorb(*worker.drain())
    assert parent.hits == 1
    parent.save(compact=True)
    final = VerificationCache(SECRET, path=tmp_path / "verified.tags")
    assert final.get("known") is True
    assert final.get("fresh") is True


def test_secret_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(cache_module.SECRET_ENV, "from-ci")
    given = cache_secret(tmp_path / "a")
    assert given is not None
    assert given == cache_secret(tmp_path / "b")
    monkeypatch.setenv(cache_module.SECRET_ENV, "another")
    assert cache_secret(tmp_path / "a") != given


def test_user_secret_is_private_and_per_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(cache_module.SECRET_ENV, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    first = cache_secret(tmp_path / "registry-a" / ".cache")
    assert first is not None
    secret_file = tmp_path / "config" / "credreg" / "cache-secret"
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    assert cache_secret(tmp_path / "registry-a" / ".cache") == first
    assert cache_secret(tmp_path / "registry-b" / ".cache") not in (None, first)
    # A secret others can read could be used to forge entries: no cache then.
    os.chmod(secret_file, 0o644)
    assert cache_secret(tmp_path / "registry-a" / ".cache") is None
    opened = VerificationCache.open(tmp_path / "registry-a")
    assert opened.path is None  # in memory only: nothing is read or written


def test_an_existing_user_secret_is_only_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Every check opens the cache: once the secret exists it is read, never written again. Writing it anew (to
    find it there) synced a file to the disk on every run, a fixed cost of every pull request's check that a
    busy disk made seconds long. A link where the secret should be still gives no secret, made or not."""
    monkeypatch.delenv(cache_module.SECRET_ENV, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    synced: list[int] = []
    real_fsync = os.fsync

    def counted_fsync(fd: int) -> None:
        synced.append(fd)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", counted_fsync)
    first = cache_secret(tmp_path / "registry" / ".cache")
    assert first is not None
    assert synced  # made, whole and synced, on first use
    synced.clear()
    assert cache_secret(tmp_path / "registry" / ".cache") == first
    assert synced == []
    secret_file = tmp_path / "config" / "credreg" / "cache-secret"
    secret_file.unlink()
    secret_file.symlink_to(tmp_path / "elsewhere")  # dangling: nothing may be written through it
    assert cache_secret(tmp_path / "registry" / ".cache") is None
    assert not (tmp_path / "elsewhere").exists()
    (tmp_path / "elsewhere").write_bytes(os.urandom(32))
    os.chmod(tmp_path / "elsewhere", 0o600)
    assert cache_secret(tmp_path / "registry" / ".cache") is None  # not read through a link either


def test_open_uses_the_registry_cache_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(cache_module.SECRET_ENV, "s")
    monkeypatch.delenv(cache_module.CACHE_DIR_ENV, raising=False)
    assert VerificationCache.open(tmp_path).path == tmp_path / ".cache" / "credreg" / "verified.tags"
    monkeypatch.setenv(cache_module.CACHE_DIR_ENV, str(tmp_path / "elsewhere"))
    assert VerificationCache.open(tmp_path).path == tmp_path / "elsewhere" / "verified.tags"


def test_the_fingerprint_covers_every_module_the_verifier_imports() -> None:
    """A cached statement is only as good as the code that made it: every module the award profile, the proofs and
    the checks import is fingerprinted, but the package, problem types, paths and the registry's records (read
    anew on every run). A new module the models import (as ``_internal/text.py`` once was) empties the cache."""
    probe = (
        "import sys, generator.models, generator.verify.registry_check, generator.verify.conformance;"
        "print('\\n'.join(m.__file__ for n, m in sys.modules.items() if n.startswith('generator')))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    package = Path(generator.__file__).resolve().parent
    imported = {Path(f).resolve() for f in done.stdout.split()}
    unrecorded = {package / name for name in ("__init__.py", "errors.py", "layout.py", "registry.py")}
    assert imported - set(fingerprinted_files()) - unrecorded == set()
