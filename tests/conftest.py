"""Shared fixtures: real registries in temporary directories, built from tests/fixtures/."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from generator._internal.git import _DROPPED
from generator.awarding.issue import IssuedAward, Recipient, issue_awards
from generator.awarding.keys import SigningKey, generate_key, load_signing_key
from generator.load import load_registry
from generator.registry import Registry

REPO = Path(__file__).resolve().parent.parent


def run_fresh(script: str) -> str:
    """Run ``script`` in a fresh interpreter importing this checkout's package (what a module loads at import,
    unseen by a test process that imported everything already); its standard output, failing on a non-zero exit."""
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


FIXTURES = REPO / "tests" / "fixtures"
# Third-party reference data, vendored byte for byte with each set's source and licence (see their README.md).
CONFORMANCE = FIXTURES / "conformance"
FIXTURE_CONTEXTS = CONFORMANCE / "contexts"
#: 1EdTech's Open Badges 3.0 JSON Schemas (tests/interop/test_1edtech_schemas.py).
OB3_SCHEMAS = FIXTURES / "ob3-schemas"


def make_registry(target: Path, *overlays: Path) -> Path:
    """Copy the minimal valid registry (with the repository's current schemas) and apply overlays."""
    shutil.copytree(FIXTURES / "registry", target, dirs_exist_ok=True)
    shutil.copytree(REPO / "schemas", target / "schemas", dirs_exist_ok=True)
    for overlay in overlays:
        shutil.copytree(overlay, target, dirs_exist_ok=True)
    return target


#: What a test's Git needs of a global configuration, and nothing else (give_away).
ISOLATED_GIT_CONFIG = "[user]\n\tname = Test Author\n\temail = author@example.org\n[commit]\n\tgpgsign = false\n"


#: The environment's settings of Git (GIT_CONFIG_COUNT/KEY_n/VALUE_n, and `git -c`'s), a CI's safe.directory among
#: them: a test that needs Git to refuse a checkout drops them.
GIT_CONFIG_GIVEN = ("GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT", "GIT_CONFIG_KEY_", "GIT_CONFIG_VALUE_")


def give_away(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ``root`` a checkout Git refuses as of "dubious ownership", as a CI container's checkout owned by
    another uid is: every command Git runs there fails. Whatever this machine's Git configuration says: a CI whose
    system or global configuration holds ``safe.directory=*`` (or that passes it through GIT_CONFIG_COUNT) made Git
    accept the checkout and these tests fail, so Git reads no system file and a global file holding only
    :data:`ISOLATED_GIT_CONFIG` for the rest of the test (the code's Git inherits the environment)."""
    if os.geteuid() != 0:
        pytest.skip("needs root to give the checkout to another user")
    config = root.parent / f"{root.name}.isolated.gitconfig"
    config.write_text(ISOLATED_GIT_CONFIG, encoding="utf-8")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    for name in [n for n in os.environ if n.startswith(GIT_CONFIG_GIVEN)]:
        monkeypatch.delenv(name)
    for folder, dirs, files in os.walk(root):
        for name in (folder, *(os.path.join(folder, n) for n in (*dirs, *files))):
            os.lchown(name, 12345, 12345)
    refused = subprocess.run(["git", "ls-files"], cwd=root, capture_output=True, text=True, check=False)
    assert refused.returncode != 0, refused
    assert "dubious ownership" in refused.stderr, refused


@pytest.fixture(autouse=True)
def _earner_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`credreg award` writes earners' files (links, recipient keys) to a default folder in the user's home:
    in tests, to the test's temporary directory (subprocesses inherit the variable)."""
    monkeypatch.setenv("CREDREG_EARNER_DIR", str(tmp_path / "earners-default"))
    # Run from a Git hook (GIT_DIR, GIT_INDEX_FILE… set): every registry a test makes outside Git would be refused
    # (generator/_internal/git.py in_work_tree), and the tests' own git commands (init_repo, commit_all) would stage
    # into the hook's index while the checks, which drop the variables, read the test repository's. Every variable
    # the product drops is dropped here (its one list); a test sets the ones it means to exercise itself.
    for name in _DROPPED:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def registry_dir(tmp_path: Path) -> Path:
    """A fresh copy of the minimal valid test registry."""
    return make_registry(tmp_path / "registry-root")


# --- signing fixtures: real keys, generated per test, private halves outside the registry ----------------


EPOCH = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
#: When test awards are issued unless a test says otherwise: fixed, so verdicts do not depend on the clock.
ISSUED = dt.datetime(2025, 1, 15, 9, 30, tzinfo=dt.UTC)


@dataclass
class Signer:
    """A test registry with one signing key of acme-academy."""

    root: Path
    key_path: Path
    key_dir: Path

    @property
    def registry(self) -> Registry:
        loaded = load_registry(self.root)
        assert not loaded.problems.errors, [str(p) for p in loaded.problems]
        assert loaded.registry is not None
        return loaded.registry

    @property
    def key(self) -> SigningKey:
        return load_signing_key(self.key_path, root=self.root)

    def new_key(self, issuer: str = "acme-academy", key_id: str = "key-2", *, since: dt.datetime = EPOCH) -> SigningKey:
        made = generate_key(
            self.registry, issuer, key_id=key_id, now=since, private_path=self.key_dir / f"{issuer}-{key_id}.key"
        )
        return load_signing_key(made.private_path, root=self.root)

    def award(
        self,
        ref: str = "acme-academy/sql-basics",
        email: str = "ada@example.org",
        *,
        key: SigningKey | None = None,
        at: dt.datetime | None = None,
        until: dt.datetime | None = None,
    ) -> IssuedAward:
        [issued] = issue_awards(
            self.registry, ref, [Recipient(email, (), until)], key or self.key, batch=False, valid_from=at or ISSUED
        )
        return issued


def ctrl_c() -> None:
    """Ctrl-C here: a real SIGINT sent to this thread. Sent to the process (``os.kill``), the kernel may hand it to
    another thread (a test runner's), and Python then runs the handler a little later in this one: after a step
    that holds signals off has ended, not as it ends, so a test of what that step leaves would pass or fail by
    luck."""
    import signal
    import threading

    signal.pthread_kill(threading.get_ident(), signal.SIGINT)


@pytest.fixture
def signer(tmp_path: Path) -> Signer:
    root = make_registry(tmp_path / "registry-root")
    # The fixture's sample key file is replaced by one whose private half this test holds.
    (root / "keys" / "acme-academy" / "key-2025.json").unlink()
    key_dir = tmp_path / "private-keys"
    loaded = load_registry(root)
    assert loaded.registry is not None
    made = generate_key(loaded.registry, "acme-academy", key_id="key-1", now=EPOCH, private_path=key_dir / "key-1.key")
    return Signer(root, made.private_path, key_dir)


def set_at(path: Sequence[Any], value: Any) -> Callable[[dict[str, Any]], None]:
    """A change to a JSON document: put ``value`` at ``path`` (keys and list indexes)."""

    def change(doc: dict[str, Any]) -> None:
        target = doc
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value

    return change


class _CorsHandler(SimpleHTTPRequestHandler):
    """An object store's answers as docs/hosting.md configures them: anyone may read, cached for a while."""

    requests: list[tuple[str, str | None]]

    def end_headers(self) -> None:
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Cache-Control", "public, max-age=300")
        super().end_headers()

    def do_GET(self) -> None:
        self.requests.append((self.path, self.headers.get("Origin")))
        super().do_GET()

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def object_store(directory: Path) -> Iterator[tuple[str, list[tuple[str, str | None]]]]:
    """``directory`` served on a free port of 127.0.0.1 as the object store of a registry's
    ``verification_data_url``: yields that URL (``…/verify-data/``, the folder of that name in ``directory``) and
    the list of (path, Origin header) of the requests it answers."""
    seen: list[tuple[str, str | None]] = []
    handler = functools.partial(type("Handler", (_CorsHandler,), {"requests": seen}), directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/verify-data/", seen
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def interrupt_as_renamed(
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Callable[[Callable[[Path, Path], bool]], list[Path]]]:
    """``interrupt_as_renamed(when)``: Ctrl-C (a real SIGINT, :func:`ctrl_c`) as each :meth:`Path.rename` for
    which ``when(source, target)`` holds has returned. Python raises the handler's KeyboardInterrupt at the next
    line that runs: where an unlucky user's signal lands, the rename done and not yet recorded. Returns the list
    of the targets so renamed."""
    import signal

    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    real = Path.rename

    def arm(when: Callable[[Path, Path], bool]) -> list[Path]:
        renamed: list[Path] = []

        def rename(self: Path, target: str | os.PathLike[str]) -> Path:
            done = real(self, target)
            if when(self, Path(target)):
                renamed.append(Path(target))
                ctrl_c()
            return done

        monkeypatch.setattr(Path, "rename", rename)
        return renamed

    try:
        yield arm
    finally:
        signal.signal(signal.SIGINT, before)


def reseal_shard(site: Path, shard: Path) -> None:
    """List a shard changed in a built site under its new digest (``verify/digests/``), as a build would: a test
    of what the page checks beyond the site's commitment to its shards (the award's hash, the log) edits a shard
    and the digest the site publishes for it alike."""
    import gzip
    import hashlib
    import json

    from generator.publish.verifydata import digest_group

    name = shard.name.removesuffix(".json.gz")
    data = shard.read_bytes()
    if data.startswith(b"\x1f\x8b"):
        data = gzip.decompress(data)
    listing = site / "verify" / "digests" / f"{digest_group(name)}.json"
    digests = json.loads(listing.read_text())
    digests[name] = hashlib.sha256(data).hexdigest()
    listing.write_text(json.dumps(digests))
