"""Concurrent runs of one issuer's (or endorser's) commands: `credreg award` (one recipient or a cohort), `credreg
endorse` and `credreg revoke` hold the owner's folder lock from reading which status slots are taken until the
files are in place, so two runs never hand out one slot; a run that has to wait says so, and gives up after
$CREDREG_LOCK_TIMEOUT seconds naming the folder; a holder that dies releases the lock.

Real processes on a real registry with real keys: forked processes released together by a barrier (library
calls), and the credreg command itself (``subprocess.Popen``).
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from generator._internal.files import folder_lock
from generator.awarding.issue import Recipient, issue_awards
from generator.awarding.keys import load_signing_key
from generator.awarding.lock import LOCK_TIMEOUT_ENV
from generator.check import CheckOptions, run_check
from generator.errors import Severity, UsageError
from generator.load import load_registry
from generator.statuslist import parse_list_url
from tests.conftest import REPO, Signer, make_registry
from tests.governance.conftest import _second_issuer

ACME = "acme-academy"
#: Two cohorts of this size drawing slots from one list of 131072 without seeing each other's collide with a
#: probability of 1 - exp(-COHORT² / 131072): above 99% (without the lock, two awards shared a slot).
COHORT = 800


def _cohort_in_a_process(root: str, key_path: str, tag: str, start: Any) -> None:
    """One `credreg award --csv` run's library call, in its own process, released with the other by ``start``."""
    loaded = load_registry(Path(root))
    assert loaded.registry is not None
    key = load_signing_key(Path(key_path), root=Path(root))
    recipients = [Recipient(f"{tag}{i}@example.org") for i in range(COHORT)]
    start.wait()
    issue_awards(loaded.registry, f"{ACME}/sql-basics", recipients, key, batch=True)


def _slots(root: Path, owner: str = ACME) -> list[tuple[int, int]]:
    """Every status slot an award or endorsement of ``owner`` holds, one per credential (duplicates kept)."""
    found: list[tuple[int, int]] = []
    folder = root / "registry/issuers" / owner
    for path in [*folder.glob("awards/**/*.json*"), *folder.glob("endorsements/*.json")]:
        text = path.read_text(encoding="utf-8")
        docs = (
            [json.loads(line) for line in text.splitlines() if line] if path.suffix == ".jsonl" else [json.loads(text)]
        )
        for doc in docs:
            status = doc["credentialStatus"]
            located = parse_list_url("https://registry.test.example/", status["statusListCredential"])
            assert located is not None
            assert located[0] == owner
            found.append((located[1], int(status["statusListIndex"])))
    return found


def test_two_cohorts_of_one_issuer_at_once_get_distinct_slots(signer: Signer) -> None:
    # Both runs read the taken slots, then sign a big cohort for seconds: without the lock held from that read
    # until the batch is in place, each drew from the same free slots, and the full check refused the duplicates.
    context = mp.get_context("fork")
    start = context.Barrier(2)
    runs = [
        context.Process(target=_cohort_in_a_process, args=(str(signer.root), str(signer.key_path), tag, start))
        for tag in ("a", "b")
    ]
    for run in runs:
        run.start()
    for run in runs:
        run.join(300)
    assert [run.exitcode for run in runs] == [0, 0]
    slots = _slots(signer.root)
    assert len(slots) == 2 * COHORT
    assert len(set(slots)) == len(slots), "two awards share a status slot"
    report = run_check(signer.root, CheckOptions(progress=False, jobs=1))
    assert [str(p) for p in report.problems if p.severity is Severity.ERROR] == []


# --- the credreg command ----------------------------------------------------------------------------------------


def _credreg(env: dict[str, str], root: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "generator", "--root", str(root), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _setup(tmp_path: Path) -> tuple[Path, dict[str, str], str]:
    """A registry with two issuers and acme-academy's key (registered): (root, environment, key path)."""
    root = make_registry(tmp_path / "r")
    (root / "keys" / ACME / "key-2025.json").unlink()
    _second_issuer(root)
    env = {**os.environ, "CREDREG_KEY_DIR": str(tmp_path / "keys"), "PYTHONPATH": str(REPO)}
    made = subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(root), "keygen", ACME, "--key-id", "k1",
         "--valid-from", "2024-01-01"],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    return root, env, str(tmp_path / "keys" / ACME / "k1.key")


def _cohort_csv(path: Path, tag: str, size: int) -> str:
    path.write_text("email\n" + "".join(f"{tag}{i}@example.org\n" for i in range(size)), encoding="utf-8")
    return str(path)


def test_concurrent_award_cohort_and_endorse_runs_of_one_issuer_all_succeed(tmp_path: Path) -> None:
    root, env, key = _setup(tmp_path)
    runs = [
        _credreg(env, root, "award", f"{ACME}/sql-basics", "--csv", _cohort_csv(tmp_path / "a.csv", "a", 300),
                 "--key", key, "--out", str(tmp_path / "earners-a")),
        _credreg(env, root, "award", f"{ACME}/sql-basics", "--csv", _cohort_csv(tmp_path / "b.csv", "b", 300),
                 "--key", key, "--out", str(tmp_path / "earners-b")),
        _credreg(env, root, "award", f"{ACME}/sql-basics", "--recipient", "ada@example.org", "--key", key,
                 "--out", str(tmp_path / "earners-c")),
        _credreg(env, root, "endorse", "beta-labs/sql-basics", "--as", ACME, "--key", key, "--kind", "recognises",
                 "--comment", "Recognised."),
    ]  # fmt: skip
    done = [(run.wait(300), *run.communicate()) for run in runs]
    assert [code for code, _, _ in done] == [0, 0, 0, 0], done
    slots = _slots(root)
    assert len(slots) == 2 * 300 + 2
    assert len(set(slots)) == len(slots), "two credentials share a status slot"
    checked = subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(root), "check", "--jobs", "1"],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stdout + checked.stderr


def _award(env: dict[str, str], root: Path, key: str, out: Path) -> subprocess.Popen[str]:
    return _credreg(env, root, "award", f"{ACME}/sql-basics", "--recipient", "ada@example.org", "--key", key,
                    "--out", str(out))  # fmt: skip


def _awards(root: Path) -> list[Path]:
    return sorted((root / "registry/issuers" / ACME).glob("awards/**/*.json"))


def test_a_run_waits_for_another_that_holds_the_issuers_folder_and_says_so(tmp_path: Path) -> None:
    root, env, key = _setup(tmp_path)
    with folder_lock(root / "registry/issuers" / ACME):  # another run, midway
        run = _award(env | {"CREDREG_LOCK_TIMEOUT": "120"}, root, key, tmp_path / "earners")
        # Until it says it waits (however long a loaded machine takes to get there; it gives up after 120 s).
        assert run.stderr is not None
        said = run.stderr.readline()
        assert "waiting: another credreg run is changing registry/issuers/acme-academy" in said, said
        time.sleep(0.5)
        assert run.poll() is None, run.communicate()
        assert _awards(root) == []
        assert not (root / "registry/issuers" / ACME / "status").exists()
    code, _, err = run.wait(120), *run.communicate()
    assert code == 0, err
    assert len(_awards(root)) == 1


def test_a_run_gives_up_after_the_timeout_naming_the_folder(tmp_path: Path) -> None:
    root, env, key = _setup(tmp_path)
    first = _award(env, root, key, tmp_path / "first")
    assert first.wait(120) == 0, first.communicate()
    [awarded] = _awards(root)
    status = [p.read_bytes() for p in sorted((root / "registry/issuers" / ACME / "status").iterdir())]
    env = env | {"CREDREG_LOCK_TIMEOUT": "1"}
    with folder_lock(root / "registry/issuers" / ACME):
        award = _award(env, root, key, tmp_path / "earners")
        endorse = _credreg(env, root, "endorse", "beta-labs/sql-basics", "--as", ACME, "--key", key, "--kind",
                           "recognises", "--comment", "Recognised.")  # fmt: skip
        revoke = _credreg(env, root, "revoke", awarded.stem, "--reason", "Issued in error", "--key", key)
        done = [(run.wait(120), *run.communicate()) for run in (award, endorse, revoke)]
    for code, _, err in done:
        assert code == 1, err
        assert "Traceback" not in err
        assert (
            "registry/issuers/acme-academy is locked by another credreg run (award, endorse or revoke) "
            "and was not released within 1 s; nothing was written" in err
        ), err
    assert _awards(root) == [awarded]
    assert not (root / "registry/issuers" / ACME / "endorsements").exists()
    assert not (root / "registry/issuers" / ACME / "revocations.jsonl").exists()
    assert [p.read_bytes() for p in sorted((root / "registry/issuers" / ACME / "status").iterdir())] == status
    assert not (tmp_path / "earners").exists()  # the earners' files come after the lock


def _hold_then_die(folder: str, held: Any) -> None:
    with folder_lock(Path(folder)):
        held.set()
        time.sleep(600)


def test_a_run_killed_while_holding_the_lock_does_not_wedge_its_issuer(tmp_path: Path) -> None:
    # flock goes with the process: no lock file is left behind for a later run to wait on.
    root, env, key = _setup(tmp_path)
    context = mp.get_context("fork")
    held = context.Event()
    holder = context.Process(target=_hold_then_die, args=(str(root / "registry/issuers" / ACME), held))
    holder.start()
    assert held.wait(60)
    holder.kill()
    holder.join(60)
    run = _award(env | {"CREDREG_LOCK_TIMEOUT": "5"}, root, key, tmp_path / "earners")
    code, _, err = run.wait(120), *run.communicate()
    assert code == 0, err
    assert len(_awards(root)) == 1


@pytest.mark.parametrize("value", ["soon", "-1", "inf", "nan"])
def test_a_lock_timeout_that_is_not_a_number_of_seconds_is_a_usage_error(
    signer: Signer, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv(LOCK_TIMEOUT_ENV, value)
    with pytest.raises(
        UsageError, match=rf"^\$CREDREG_LOCK_TIMEOUT must be a number of seconds \(0 or more\), not '{value}'$"
    ):
        signer.award()
    assert _awards(signer.root) == []
