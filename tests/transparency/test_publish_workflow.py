"""The publish workflow's log job, its own ``run:`` scripts run as GitHub would run them, on real Git repositories:
the first run starts the ``log`` branch, the next appends, and a force-pushed history without an award makes
the job fail, the ``log`` branch unchanged and the key file gone."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.transparency.conftest import REPO, LogRepo, commit_all, git, plant_award

pytestmark = pytest.mark.slow

PUBLISH = REPO / ".github" / "workflows" / "publish.yml"


def _log_steps() -> list[dict[str, Any]]:
    job = yaml.safe_load(PUBLISH.read_text())["jobs"]["log"]
    return [step for step in job["steps"] if "run" in step]


def _run_job(remote: Path, tmp: Path, name: str, log_key: Path) -> tuple[list[str], subprocess.CompletedProcess[str]]:
    """actions/checkout (full history) of the remote's main, then each run: step in order, stopping at the
    first failure as a job does. Returns the names of the steps that ran, and the last step's result."""
    run = tmp / name
    work, temp = run / "workspace", run / "runner-temp"
    temp.mkdir(parents=True)
    git(run, "clone", "-q", "--branch", "main", f"file://{remote}", str(work))
    # "Install" (make .venv/.installed), without the network: .venv/bin/{python,credreg} run this tree's code.
    venv = work / ".venv" / "bin"
    venv.mkdir(parents=True)
    for name, command in (("python", sys.executable), ("credreg", f"{sys.executable} -m generator")):
        (venv / name).write_text(f'#!/bin/sh\nexec {command} "$@"\n')
        (venv / name).chmod(0o755)
    output = run / "github-output"
    output.touch()
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "RUNNER_TEMP": str(temp),
        "GITHUB_OUTPUT": str(output),
        "GITHUB_TOKEN": "ghs_not-a-real-token",  # env: of the state and push steps (unused by a file:// remote)
        "LOG_KEY": log_key.read_text(),  # env: LOG_KEY: ${{ secrets.CREDREG_LOG_KEY }}
    }
    env.pop("CREDREG_LOG_KEY", None)
    ran: list[str] = []
    done = subprocess.CompletedProcess[str]([], 0, "", "")
    for step in [s for s in _log_steps() if s.get("name") != "Install"]:
        if "if" in step:
            assert step["if"] == "steps.config.outputs.enabled == 'true'"
            if "enabled=true" not in output.read_text():
                continue
        ran.append(step["name"])
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=work, env=env, capture_output=True, text=True, check=False, timeout=300,
        )  # fmt: skip
        if done.returncode != 0:
            break
    # The key never outlives its step, whether the publish passed or refused.
    assert list(temp.glob("*.key")) == []
    return ran, done


def _branch(remote: Path, name: str) -> str | None:
    found = git(remote, "for-each-ref", "--format=%(objectname)", f"refs/heads/{name}").strip()
    return found or None


def _served_size(remote: Path) -> int:
    return int(git(remote, "show", "log:checkpoint").splitlines()[1])


def test_the_log_job_publishes_appends_and_refuses_a_force_pushed_history(log_repo: LogRepo, tmp_path: Path) -> None:
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    git(log_repo.root, "remote", "add", "origin", str(remote))
    git(log_repo.root, "push", "-q", "origin", "main")

    # First run: no log branch yet; it is started, and holds a signed checkpoint of the whole history.
    ran, done = _run_job(remote, tmp_path, "run-1", log_repo.log_key)
    assert done.returncode == 0, done.stdout + done.stderr
    assert ran[-1] == "Push the log's state"
    first = _branch(remote, "log")
    assert first is not None
    assert _served_size(remote) == 421
    assert (tmp_path / "run-1" / "github-output").read_text().endswith(f"commit={first}\n")

    # A new award on main: the next run appends one entry, as a fast-forward of the log branch.
    plant_award(log_repo)
    commit_all(log_repo.root, "one more award")
    git(log_repo.root, "push", "-q", "origin", "main")
    ran, done = _run_job(remote, tmp_path, "run-2", log_repo.log_key)
    assert done.returncode == 0, done.stdout + done.stderr
    second = _branch(remote, "log")
    assert second != first
    assert git(remote, "merge-base", "--is-ancestor", first or "", second or "") == ""
    assert _served_size(remote) == 422

    # Someone with push access force-pushes main without one award: the job fails at the publish step, the log
    # branch does not move (and nothing is built or deployed: the build job needs this one).
    attacker = tmp_path / "attacker"
    git(tmp_path, "clone", "-q", "-b", "main", str(remote), str(attacker))
    git(attacker, "config", "user.name", "Mallory")
    git(attacker, "config", "user.email", "mallory@example.org")
    dropped = sorted(attacker.glob("registry/issuers/*/awards/*/*/*.json"))[3]
    git(attacker, "checkout", "-q", "--orphan", "rewritten")
    dropped.unlink()
    commit_all(attacker, "example registry")
    git(attacker, "push", "-q", "--force", "origin", "rewritten:main")
    ran, done = _run_job(remote, tmp_path, "run-3", log_repo.log_key)
    assert done.returncode != 0
    assert ran[-1] == "Publish the log (refuses a rewritten history)"
    assert "no longer contains what the log already published" in done.stderr
    assert dropped.stem in done.stderr
    assert _branch(remote, "log") == second
    assert _served_size(remote) == 422
    assert "commit=" not in (tmp_path / "run-3" / "github-output").read_text()


def test_the_log_job_refuses_without_the_key_secret(log_repo: LogRepo, tmp_path: Path) -> None:
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    git(log_repo.root, "remote", "add", "origin", str(remote))
    git(log_repo.root, "push", "-q", "origin", "main")
    empty = tmp_path / "empty.key"
    empty.write_text("")
    ran, done = _run_job(remote, tmp_path, "run", empty)
    assert (ran[-1], done.returncode) == ("Publish the log (refuses a rewritten history)", 1)
    assert "CREDREG_LOG_KEY" in done.stdout
    assert _branch(remote, "log") is None
