"""``credreg demo``: a small synthetic registry, signed for real on two processes, that ``credreg check`` passes."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest

from generator import layout
from generator.awards import iter_award_files
from generator.check import CheckOptions, run_check
from generator.cli import main
from generator.demo import write_demo
from generator.errors import UsageError
from generator.load import load_registry
from generator.models import LifecycleStatus

pytestmark = pytest.mark.xdist_group("scale-demo")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("demo")
    made = write_demo(
        base / "registry", issuers=3, credentials=20, awards=150, jobs=2, show_progress=False, revoked_share=0.08
    )
    assert made.awards == 150
    return made.root, made.key_dir


def test_the_demo_registry_passes_the_check(demo: tuple[Path, Path]) -> None:
    root, _ = demo
    report = run_check(root, CheckOptions(progress=False, jobs=2, cache=False))
    assert [str(p) for p in report.problems] == []
    assert report.counts["awards"] == 150
    assert report.counts["issuers"] == 3
    assert report.counts["credentials"] == 20
    assert report.counts["revocations"] > 0


def test_awards_come_as_batches_and_single_files(demo: tuple[Path, Path]) -> None:
    root, _ = demo
    files = list(iter_award_files(root))
    batches = [f for f in files if f.suffix == ".jsonl"]
    singles = [f for f in files if f.suffix == ".json"]
    assert batches
    assert singles
    award = json.loads(singles[0].read_text())
    assert [p["cryptosuite"] for p in award["proof"]] == ["eddsa-rdfc-2022", "eddsa-jcs-2022"]
    # The recipient as `credreg award` writes it: the keyed hash only, the key never published.
    [identity] = award["credentialSubject"]["identifier"]
    assert set(identity) == {"type", "hashed", "identityHash", "identityType"}


def test_definitions_are_varied_and_realistic(demo: tuple[Path, Path]) -> None:
    root, _ = demo
    registry = load_registry(root).registry
    assert registry is not None
    definitions = [c.model for _, c in registry.credentials()]
    assert len({d.name for d in definitions}) == len(definitions)
    assert all(d.skills and d.criteria.assessment for d in definitions)
    assert len({d.level.proficiency for d in definitions}) > 1
    assert any(d.stacking for d in definitions) or any(d.prerequisites for d in definitions)
    assert any(d.status is LifecycleStatus.DEPRECATED and d.superseded_by for d in definitions)
    assert len({record.issuer.kind for record in registry.issuers.values()}) == 3


def test_keys_are_registered_and_private_halves_stay_outside(demo: tuple[Path, Path]) -> None:
    root, key_dir = demo
    assert not key_dir.is_relative_to(root)
    private = list(key_dir.rglob("*.key"))
    assert len(private) == 4  # one per issuer, and the rotating issuer's second key
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in private)
    assert len(list((root / layout.KEYS_DIR).rglob("*.json"))) == 4
    assert not [p for p in root.rglob("*") if p.is_file() and b"credreg-ed25519-private-key" in p.read_bytes()]


def test_revocations_are_signed_and_in_the_status_lists(demo: tuple[Path, Path]) -> None:
    root, _ = demo
    logs = list(root.glob("registry/issuers/*/revocations.jsonl"))
    assert logs
    entry = json.loads(logs[0].read_text().splitlines()[0])
    assert entry["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    assert list(root.glob("registry/issuers/*/status/1.json"))


def test_refuses_a_non_empty_folder_and_keys_inside(tmp_path: Path) -> None:
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    with pytest.raises(UsageError, match="not an empty folder"):
        write_demo(tmp_path / "full", issuers=1, credentials=1, awards=0)
    with pytest.raises(UsageError, match="outside the registry"):
        write_demo(tmp_path / "new", issuers=1, credentials=1, awards=0, key_dir=tmp_path / "new" / "keys")


def test_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cli-demo"
    code = main(["demo", "--issuers", "1", "--credentials", "2", "--awards", "4", "--out", str(out), "--jobs", "1"])
    assert code == 0
    printed = capsys.readouterr().out
    assert "1 issuers, 2 credentials, 4 awards" in printed
    assert str(tmp_path / "cli-demo-keys") in printed
    assert main(["--root", str(out), "check", "--no-cache"]) == 0


def test_the_public_seed_tells_no_recipient(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The seed is public (2026 unless --seed): two demos from it are made to different addresses, and no
    award's published evidence follows from its recipient's address (it once was the address's own number)."""
    import generator.demo as demo_module

    real = demo_module.unsigned_award
    runs: list[list[tuple[str, list[str]]]] = []
    for run in range(2):
        seen: list[tuple[str, list[str]]] = []

        def spy(*args: Any, seen: list[tuple[str, list[str]]] = seen, **kwargs: Any) -> dict[str, Any]:
            seen.append((kwargs["recipient_email"], kwargs["evidence"]))
            return real(*args, **kwargs)

        monkeypatch.setattr(demo_module, "unsigned_award", spy)
        write_demo(tmp_path / f"r{run}", issuers=1, credentials=2, awards=40, key_dir=tmp_path / f"k{run}", jobs=1,
                   show_progress=False)  # fmt: skip
        runs.append(seen)
    first, second = runs
    assert len(first) == len(second) == 40
    assert [e for _, e in first] == [e for _, e in second]  # the shape follows from the seed...
    assert sum(a == b for (a, _), (b, _) in zip(first, second, strict=True)) == 0  # ...the recipients do not
    with_evidence = [(email, evidence) for email, evidence in first if evidence]
    assert with_evidence
    for email, evidence in with_evidence:
        number = int(email.removeprefix("learner").partition("@")[0])
        assert not any(url.endswith(f"/{number:x}") for url in evidence), (email, evidence)


def test_a_file_where_a_folder_goes_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`credreg demo --out FILE` (or --keys FILE) ended in NotADirectoryError: a usage error naming it, and the
    file is left as it was."""
    a_file = tmp_path / "a-file"
    a_file.write_text("mine\n")
    small = ["demo", "--issuers", "1", "--credentials", "1", "--awards", "0"]
    assert main([*small, "--out", str(a_file)]) == 2
    assert f"credreg: {a_file} is not an empty folder" in capsys.readouterr().err
    assert main([*small, "--out", str(tmp_path / "new"), "--keys", str(a_file)]) == 2
    assert f"credreg: {a_file} is not an empty folder" in capsys.readouterr().err
    assert a_file.read_text() == "mine\n"
    assert not (tmp_path / "new").exists()


def _registries_under(folder: Path) -> list[Path]:
    """Every folder under ``folder`` (hidden ones too, two levels down) holding a governance file."""
    return [p.parent.parent for p in folder.glob("*/registry/governance.yaml")] + [
        p.parent.parent for p in folder.glob(".*/registry/governance.yaml")
    ]


def _wait_until_gone(group: int, timeout: float = 60) -> None:
    """Until no process of the process group ``group`` runs (zombies have closed their files). A killed demo's
    workers, forked from it, hold its claimed folders' locks as it did (they may still be writing there); waiting
    for the parent alone, the next run could find a worker still exiting, leave that folder as a live process's,
    and the test saw it left behind."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        running = []
        for entry in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = entry.read_text().rpartition(")")[2].split()
            except OSError:
                continue  # exited meanwhile
            if int(fields[2]) == group and fields[0] != "Z":  # state, ppid, pgrp
                running.append(entry.parent.name)
        if not running:
            return
        assert time.monotonic() < deadline, f"processes {running} of the killed demo still run"
        time.sleep(0.02)


def test_a_demo_killed_midway_leaves_no_half_registry_and_the_next_one_runs(tmp_path: Path) -> None:
    """`credreg demo` killed outright (SIGKILL to it and its workers) while it signs: nothing at --out looks like
    a registry (it left one with some awards and no status lists, which the check refused, and private keys in
    --keys, so a second run refused to start); the next run into the same folders completes, and removes what
    the killed one left beside them."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from tests.conftest import REPO

    out, keys = tmp_path / "demo", tmp_path / "demo-keys"
    args = [sys.executable, "-m", "generator", "demo", "--issuers", "2", "--credentials", "4", "--awards", "20000"]
    proc = subprocess.Popen(
        [*args, "--out", str(out), "--jobs", "2"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        # Signing has begun: an award file is written (wherever the demo writes the registry).
        while not any(
            next(root.glob("registry/issuers/*/awards/**/*.json*"), None) for root in _registries_under(tmp_path)
        ):
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            assert time.monotonic() < deadline
            time.sleep(0.02)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
        _wait_until_gone(proc.pid)
    assert proc.returncode == -signal.SIGKILL
    assert not (out / "registry").exists(), "a half-written registry at --out"
    assert not (keys.exists() and any(keys.iterdir())), "private keys of a registry that was never made"
    assert main([*args[3:5], "1", "--credentials", "2", "--awards", "4", "--out", str(out), "--jobs", "1"]) == 0
    assert main(["--root", str(out), "check", "--no-cache"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo", "demo-keys"]


def test_a_demo_that_cannot_move_its_registry_into_place_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--out gets a file of someone else's while the demo writes: the registry cannot take its place, and the keys,
    moved into --keys just before, go too (no keys of a registry that was never made); the file stays."""
    import generator.demo as demo_module

    out = tmp_path / "out"
    real = demo_module._write_demo

    def write(*args: Any, **kwargs: Any) -> Any:
        made = real(*args, **kwargs)
        out.mkdir(exist_ok=True)
        (out / "mine.txt").write_text("mine\n")
        return made

    monkeypatch.setattr(demo_module, "_write_demo", write)
    with pytest.raises(OSError, match="not empty"):
        write_demo(out, issuers=1, credentials=1, awards=0, jobs=1, show_progress=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert [p.name for p in out.iterdir()] == ["mine.txt"]


@pytest.mark.parametrize("moved", ["keys", "registry"])
def test_a_demo_interrupted_as_a_folder_is_moved_into_place_leaves_both_or_neither(
    tmp_path: Path, interrupt_as_renamed: Any, moved: str
) -> None:
    """Ctrl-C or SIGTERM as the keys' folder, or the registry's, has been moved into place (Python raises it at
    the next line): the keys stood in --keys with no registry at --out (and the next run refused to start), or the
    registry stood at --out and its keys, moved back to be cleaned up, were deleted: a registry no one could award
    in. The two moves are one step now: both are in place, or neither."""
    out, keys = tmp_path / "out", tmp_path / "keys"
    target = {"keys": keys, "registry": out}[moved]
    renamed = interrupt_as_renamed(lambda _source, to: to == target)
    with pytest.raises(KeyboardInterrupt):
        write_demo(out, key_dir=keys, issuers=1, credentials=1, awards=1, jobs=1, show_progress=False)
    assert renamed == [target]
    held = [keys.is_dir() and any(keys.rglob("*.key")), out.is_dir() and (out / "registry").is_dir()]
    assert held in ([True, True], [False, False]), f"keys in place: {held[0]}, registry in place: {held[1]}"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
