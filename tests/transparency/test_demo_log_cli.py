"""`credreg verify --log` on the example registry's demo log (`make site`: `credreg build --demo-log`).

The registry declares no log key, so `--log` alone was "not checked" with no way forward. The demo log's key is
published beside it as `log/demo-vkey`, and `--log-key` says which log key to trust: never one taken from the
log itself unasked, and never another than the one a registry declares."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from generator.publish.build import build_site
from generator.transparency.keys import generate_note_key
from tests.conftest import REPO
from tests.transparency.conftest import LogRepo

pytestmark = pytest.mark.slow

DEMO = "a demo log, signed by a throwaway key made for this build: it guarantees nothing"


def _verify(*args: str, root: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(root), "verify", *args, "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )


def _log_check(done: subprocess.CompletedProcess[str]) -> dict[str, str]:
    assert "Traceback" not in done.stderr
    [check] = [c for c in json.loads(done.stdout)["checks"] if c["id"] == "log"]
    return check  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("demo-log-cli") / "site"
    build_site(REPO, site, demo_log=True)
    return site


def test_the_demo_log_is_checked_against_its_published_key_when_asked(demo_site: Path, tmp_path: Path) -> None:
    policy = json.loads((demo_site / "log/policy.json").read_text())
    assert policy["demo"] is True
    demo_vkey = demo_site / "log/demo-vkey"
    assert demo_vkey.read_text().strip() == policy["vkey"]
    award = str(sorted(REPO.glob("registry/issuers/*/awards/*/*/*.json"))[0])

    # Not asked: not trusted, and the line says how to check it (the log's own key is never taken unasked).
    for given in (demo_site, demo_site / "log"):
        check = _log_check(_verify(award, "--log", str(given)))
        assert check["status"] == "not checked", check
        assert "--log is not checked" in check["reason"]
        assert f"--log-key {demo_site / 'log' / 'demo-vkey'}" in check["reason"], check

    # Asked, by the file or by its text; the site folder or its log/: checked, and labelled a demo.
    for key in (str(demo_vkey), policy["vkey"]):
        for given in (demo_site, demo_site / "log"):
            check = _log_check(_verify(award, "--log", str(given), "--log-key", key))
            assert check["status"] == "passed", check
            assert check["reason"].startswith("recorded in the public log as entry "), check
            assert DEMO in check["reason"], check
            assert "the log key given by --log-key, which registry/governance.yaml does not declare" in check["reason"]
    text = subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(REPO), "verify", award, "--log", str(demo_site),
         "--log-key", str(demo_vkey)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert DEMO in next(line for line in text.stdout.splitlines() if "Public log" in line)

    # Another key of the same name: the checkpoint is not signed by it.
    other = generate_note_key(tmp_path / "other.key", policy["vkey"].split("+")[0], "log").verifier.vkey
    check = _log_check(_verify(award, "--log", str(demo_site), "--log-key", other))
    assert check["status"] == "failed", check
    assert "the log does not check out" in check["reason"]

    for bad, says in (("not-a-vkey", "--log-key not-a-vkey: not a log verifier key"), ("", "needs --log")):
        args = ["--log", str(demo_site), "--log-key", bad] if bad else ["--log-key", str(demo_vkey)]
        done = _verify(award, *args)
        assert done.returncode == 2, done.stderr
        assert says in done.stderr, done.stderr
        assert "Traceback" not in done.stderr


def test_a_declared_log_key_is_never_replaced_by_another(log_repo: LogRepo, tmp_path: Path) -> None:
    log_repo.publish()
    award = str(sorted(log_repo.root.glob("registry/issuers/*/awards/*/*/*.json"))[0])
    other = generate_note_key(tmp_path / "other.key", "credentials.example.org/log", "log").verifier.vkey
    done = _verify(award, "--log", str(log_repo.state), "--log-key", other, root=log_repo.root)
    assert done.returncode == 2, done.stderr
    assert "is not the log key registry/governance.yaml declares" in done.stderr
    # The declared key itself: the same check as without --log-key (quorum not reached: no witness cosigned yet).
    same = _verify(award, "--log", str(log_repo.state), "--log-key", log_repo.signer.verifier.vkey, root=log_repo.root)
    assert _log_check(same) == _log_check(_verify(award, "--log", str(log_repo.state), root=log_repo.root))
    assert _log_check(same)["reason"].startswith("recorded in the public log as entry ")
    assert "--log-key" not in _log_check(same)["reason"]
    assert "demo" not in _log_check(same)["reason"]
