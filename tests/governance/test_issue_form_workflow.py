"""The issue-form workflow's own steps, run as GitHub runs them (bash -e -o pipefail) on a real repository with
a real remote: the form becomes a branch and a pull request, event text never runs as code, and a refused form
gets a comment. ``gh`` is replaced by a recorder (no network); everything else is real."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import FIXTURES, REPO, make_registry

WORKFLOW = REPO / ".github" / "workflows" / "issue-form.yml"
PR_WORKFLOW = REPO / ".github" / "workflows" / "pull-request.yml"
GH_RECORDER = """#!/bin/sh
printf '%s\\n' "$*" >> "$GH_LOG"
case "$1 $2" in
  "pr list") exec "$GH_PR_LIST" "$@" ;;
  "api graphql") exec "$GH_API" "$@" ;;
  "api repos/"*) exec "$GH_REST" "$@" ;;
  "issue view") printf '%s\\n' "${GH_ISSUE_STATE:-OPEN}" ;;  # `gh issue view N --json state --jq .state`
esac
"""

# `gh api graphql ... --jq EXPR` for the pull-request workflow's query of one issue, as GitHub answers it: the issue
# is $GH_ISSUE (JSON: author, editor, body, createdAt, state, labels), EXPR applied by jq.
GH_API = """#!/usr/bin/env python3
import json, os, subprocess, sys
args = sys.argv[3:]
if os.environ.get("GH_API_FAIL"):  # what gh says and does when GitHub answers with an error
    print(os.environ["GH_API_FAIL"], file=sys.stderr)
    sys.exit(1)
answer = {"data": {"repository": {"issue": json.loads(os.environ["GH_ISSUE"])}}}
expr = args[args.index("--jq") + 1] if "--jq" in args else "."
sys.stdout.write(subprocess.run(["jq", expr], input=json.dumps(answer), capture_output=True, text=True,
                                check=True).stdout)
"""
#: The day the form's issue was opened (the credential's `created`): a fixed day, not the day a test runs.
OPENED = "2025-06-02T09:30:00Z"

# `gh pr list [--head BRANCH] --json ... --jq EXPR`, as gh answers it: the open pull requests (whose head branch has
# that name, from any repository: a fork's too), with EXPR applied by jq. The pull requests are $GH_PRS (JSON).
GH_PR_LIST = """#!/usr/bin/env python3
import json, os, subprocess, sys
args = sys.argv[3:]
prs = json.loads(os.environ.get("GH_PRS", "[]"))
if "--head" in args:
    prs = [pr for pr in prs if pr["headRefName"] == args[args.index("--head") + 1]]
prs = prs[:int(args[args.index("--limit") + 1]) if "--limit" in args else 30]  # gh lists 30 unless told
expr = args[args.index("--jq") + 1] if "--jq" in args else "."
sys.stdout.write(subprocess.run(["jq", "-r", expr], input=json.dumps(prs), capture_output=True, text=True,
                                check=True).stdout)
"""

# `gh api repos/OWNER/REPO/pulls?state=open&per_page=100 [--paginate] --jq EXPR`, as GitHub's REST API answers it:
# the open pull requests $GH_PRS (newest first, written as gh pr list writes them) in pages of 100, EXPR applied by jq
# to each page; without --paginate, the first page only.
GH_REST = """#!/usr/bin/env python3
import json, os, subprocess, sys
args = sys.argv[2:]
def rest(pr):
    author = pr["author"]
    bot = author["is_bot"] and author["login"] == "app/github-actions"
    home = {"id": 1, "full_name": os.environ["GITHUB_REPOSITORY"]}
    repo = {"id": 2, "full_name": "someone/fork"} if pr["isCrossRepository"] else home
    user = {"login": "github-actions[bot]" if bot else author["login"], "type": "Bot" if author["is_bot"] else "User"}
    return {"number": pr["number"], "head": {"ref": pr["headRefName"], "repo": repo}, "user": user,
            "base": {"ref": "main", "repo": home}}
prs = [rest(pr) for pr in json.loads(os.environ.get("GH_PRS", "[]"))]
pages = [prs[i:i + 100] for i in range(0, len(prs), 100)] or [[]]
expr = args[args.index("--jq") + 1] if "--jq" in args else "."
for page in pages if "--paginate" in args else pages[:1]:
    sys.stdout.write(subprocess.run(["jq", "-r", expr], input=json.dumps(page), capture_output=True, text=True,
                                    check=True).stdout)
"""


def _steps() -> dict[str, dict[str, Any]]:
    workflow = yaml.safe_load(WORKFLOW.read_text())
    return {step.get("name", ""): step for step in workflow["jobs"]["convert"]["steps"]}


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True).stdout


@pytest.fixture
def runner(tmp_path: Path) -> dict[str, Any]:
    seed = make_registry(tmp_path / "seed")
    shutil.copytree(REPO / ".github" / "ISSUE_TEMPLATE", seed / ".github" / "ISSUE_TEMPLATE")
    subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(seed), "codeowners"], check=True, capture_output=True
    )
    _git(seed, "init", "-q", "-b", "main")
    _git(seed, "add", "-A")
    _git(seed, "-c", "user.name=R", "-c", "user.email=r@example.org", "commit", "-q", "-m", "registry")
    origin = tmp_path / "origin.git"
    _git(tmp_path, "clone", "-q", "--bare", str(seed), str(origin))
    work = tmp_path / "work"
    _git(tmp_path, "clone", "-q", str(origin), str(work))
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "credreg").write_text(f'#!/bin/sh\nexec {sys.executable} -m generator "$@"\n')
    (bin_dir / "gh").write_text(GH_RECORDER)
    (bin_dir / "gh-pr-list").write_text(GH_PR_LIST)
    (bin_dir / "gh-api").write_text(GH_API)
    (bin_dir / "gh-rest").write_text(GH_REST)
    for tool in bin_dir.iterdir():
        tool.chmod(0o755)
    temp = tmp_path / "runner-temp"
    temp.mkdir()
    env = {
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "PYTHONPATH": str(REPO),
        "RUNNER_TEMP": str(temp),
        "GITHUB_OUTPUT": str(tmp_path / "github-output"),
        "GITHUB_REPOSITORY": "example/credential-registry",
        "GH_LOG": str(tmp_path / "gh.log"),
        "GH_PR_LIST": str(bin_dir / "gh-pr-list"),
        "GH_API": str(bin_dir / "gh-api"),
        "GH_REST": str(bin_dir / "gh-rest"),
        "ISSUE_CREATED": OPENED,  # the event's issue.created_at
        "GH_TOKEN": "not-a-token",
        "HOME": str(tmp_path),
    }
    return {"work": work, "origin": origin, "env": env, "tmp": tmp_path}


def _run(step: dict[str, Any], runner: dict[str, Any], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        cwd=runner["work"],
        env={**os.environ, **runner["env"], **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_a_form_becomes_a_pushed_branch_and_a_pull_request(runner: dict[str, Any]) -> None:
    steps = _steps()
    body = (FIXTURES / "forms" / "issuer-good.md").read_text()
    # Shell syntax in the event text stays text: it reaches the script only as an environment variable.
    body = body.replace("Our staff page", "$(touch pwned) `touch pwned2` Our staff page")
    event = {"ISSUE_BODY": body, "ISSUE_AUTHOR": "kim-hds", "ISSUE_NUMBER": "12", "FORM": "issuer"}
    done = _run(steps["Turn the form into a registry file"], runner, event)
    assert done.returncode == 0, done.stderr
    outputs = dict(line.split("=", 1) for line in Path(runner["env"]["GITHUB_OUTPUT"]).read_text().splitlines())
    assert outputs["branch"] == "form/12-harbour-data-school"

    opened = _run(
        steps["Open the pull request"],
        runner,
        {"BRANCH": outputs["branch"], "TITLE": outputs["title"], "FILES": outputs["files"], "BASE": "main"},
    )
    assert opened.returncode == 0, opened.stderr
    pushed = _git(runner["origin"], "ls-tree", "-r", "--name-only", "form/12-harbour-data-school")
    assert "registry/issuers/harbour-data-school/issuer.yaml" in pushed.splitlines()
    assert _git(runner["origin"], "log", "-1", "--format=%s", "form/12-harbour-data-school").strip() == (
        "Register issuer: harbour-data-school (from issue #12)"
    )
    calls = Path(runner["env"]["GH_LOG"]).read_text().splitlines()
    assert calls[0] == "auth setup-git"
    assert calls[-1].startswith("pr create --repo example/credential-registry --base main --head form/12-")
    assert not list(runner["tmp"].rglob("pwned*"))


def test_a_refused_form_gets_a_comment(runner: dict[str, Any]) -> None:
    steps = _steps()
    body = (FIXTURES / "forms" / "issuer-path-traversal.md").read_text()
    event = {"ISSUE_BODY": body, "ISSUE_AUTHOR": "kim-hds", "ISSUE_NUMBER": "13", "FORM": "issuer"}
    done = _run(steps["Turn the form into a registry file"], runner, event)
    assert done.returncode == 1
    assert "is not a lowercase slug" in done.stderr
    said = _run(steps["Say what to fix"], runner, {"ISSUE_NUMBER": "13"})
    assert said.returncode == 0, said.stderr
    [call] = Path(runner["env"]["GH_LOG"]).read_text().splitlines()
    assert (
        call
        == f"issue comment 13 --repo example/credential-registry --body-file {runner['tmp']}/runner-temp/comment.md"
    )
    assert _git(runner["work"], "status", "--porcelain") == ""
    # What the comment promises is what the workflow does: the author's edit converts again (a label does not
    # have to be added again, and an issue's author usually cannot add one).
    comment = (runner["tmp"] / "runner-temp" / "comment.md").read_text()
    assert "the conversion runs again when its author saves an edit" in comment, comment
    assert "labelled" not in comment
    workflow = yaml.safe_load(WORKFLOW.read_text())
    assert "edited" in workflow[True]["issues"]["types"]  # PyYAML reads the key `on` as True


def _issue(form: str, body: str, author: str, **changes: Any) -> dict[str, Any]:
    """The issue as GitHub's API answers for it (what the pull-request workflow asks)."""
    label = "new issuer" if form == "issuer" else "new credential"
    issue = {"author": {"__typename": "User", "login": author}, "editor": None, "lastEditedAt": None,
             "body": body, "createdAt": OPENED, "state": "OPEN",
             "labels": {"nodes": [{"name": "triage"}, {"name": label}]}}  # fmt: skip
    return {**issue, **changes}


def _open_form_pr(runner: dict[str, Any], form: str, fixture: str, author: str, issue: str) -> str:
    """The form converted and its pull request's branch pushed, as the workflow does; the base commit's id. The
    issue is then what gh answers for it (``GH_ISSUE``)."""
    steps = _steps()
    body = (FIXTURES / "forms" / fixture).read_text()
    runner["env"]["GH_ISSUE"] = json.dumps(_issue(form, body, author))
    event = {"ISSUE_BODY": body, "ISSUE_AUTHOR": author, "ISSUE_NUMBER": issue, "FORM": form}
    done = _run(steps["Turn the form into a registry file"], runner, event)
    assert done.returncode == 0, done.stderr
    outputs = dict(line.split("=", 1) for line in Path(runner["env"]["GITHUB_OUTPUT"]).read_text().splitlines())
    opened = _run(
        steps["Open the pull request"],
        runner,
        {"BRANCH": outputs["branch"], "TITLE": outputs["title"], "FILES": outputs["files"], "BASE": "main"},
    )
    assert opened.returncode == 0, opened.stderr
    return _git(runner["work"], "rev-parse", "origin/main").strip()


def _pr_steps() -> dict[str, dict[str, Any]]:
    workflow = yaml.safe_load(PR_WORKFLOW.read_text())
    return {step.get("name", ""): step for step in workflow["jobs"]["check"]["steps"]}


def _check_as_the_workflow(
    runner: dict[str, Any],
    base: str,
    head: str | None = None,
    author: str = "github-actions[bot]",
    *,
    made_fails: bool = False,
) -> subprocess.CompletedProcess[str]:
    """The pull-request check as pull-request.yml runs it, its own steps: GitHub's merge commit of the branch
    (``head``, default: the work tree's) into ``base`` checked out in ``pr/``, the base's worktree, the form's
    file made again from the issue gh answers for, then the check; the author GitHub names is the workflow's
    token's. The check's output (stdout; stderr holds every step's)."""
    steps, ws = _pr_steps(), runner["tmp"] / "workspace"
    shutil.rmtree(ws, ignore_errors=True)
    ws.mkdir()
    head = head or _git(runner["work"], "branch", "--show-current").strip()
    pr = ws / "pr"
    _git(ws, "clone", "-q", str(runner["work"]), str(pr))
    _git(pr, "switch", "-q", "--detach", base)
    _git(pr, "-c", "user.name=G", "-c", "user.email=g@example.org", "merge", "-q", "--no-ff", "-m", "merge",
         f"origin/{head}")  # fmt: skip
    outputs = ws / "outputs"
    env = {**os.environ, **runner["env"], "GITHUB_OUTPUT": str(outputs), "GITHUB_STEP_SUMMARY": str(ws / "summary")}
    event = {"PR_BASE_SHA": base, "HEAD_REF": head, "PR_AUTHOR": author, "GH_TOKEN": "not-a-token"}
    errors = ""

    def run(name: str, cwd: Path, more: dict[str, str]) -> subprocess.CompletedProcess[str]:
        nonlocal errors
        outputs.write_text("")
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", steps[name]["run"]],
            cwd=cwd, env={**env, **event, **more}, capture_output=True, text=True, check=False, timeout=300,
        )  # fmt: skip
        errors += done.stderr + (done.stdout if name == "Make the issue form's file again" else "")  # its notices
        return done

    def output(key: str) -> str:
        found = [line.split("=", 1)[1] for line in outputs.read_text().splitlines() if line.startswith(f"{key}=")]
        return found[-1] if found else ""

    assert run("Check out the base commit (the checker)", pr, {}).returncode == 0, errors
    sha = output("sha")
    files = ""
    if author == "github-actions[bot]":  # the step's condition
        made = run("Make the issue form's file again", ws, {"BASE_SHA": sha})
        if made_fails:  # the job stops there (a failed step skips the rest): its words are what the author sees
            assert made.returncode != 0, errors
            return subprocess.CompletedProcess(made.args, made.returncode, made.stdout, errors)
        assert made.returncode == 0, errors
        files = output("files")
    done = run("Check the pull request", ws, {"BASE_SHA": sha, "FORM_FILES": files})
    return subprocess.CompletedProcess(done.args, done.returncode, done.stdout, errors)


@pytest.mark.parametrize(
    ("form", "fixture", "author", "made"),
    [
        ("issuer", "issuer-good.md", "kim-hds", "registry/issuers/harbour-data-school/issuer.yaml"),
        ("credential", "credential-good.md", "acme-lead", "registry/issuers/acme-academy/credentials/"),
    ],
)
def test_an_issue_forms_pull_request_passes_the_check_with_its_code_owners_to_approve(
    runner: dict[str, Any], form: str, fixture: str, author: str, made: str
) -> None:
    """The workflow opens the pull request with its own token, so GitHub names its author github-actions[bot], a
    maintainer of nothing: the ownership rule refused every form's file, and no issue form's pull request could
    pass its check. The converter judged the issue's author against the same rule; the check accepts what a form
    makes, and says that the files' code owners must approve."""
    base = _open_form_pr(runner, form, fixture, author, "12")
    checked = _check_as_the_workflow(runner, base)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "::error" not in checked.stdout, checked.stdout
    assert f"::warning file={made}" in checked.stdout, checked.stdout
    assert "made from an issue form by credreg form-to-pr" in checked.stdout, checked.stdout
    # The issue's author did not open the pull request, so GitHub lets them approve it: the check says theirs is
    # not enough (it cannot see reviews; the reviewers read this).
    assert "and one other than the issue's author" in checked.stdout, checked.stdout


def test_an_issue_forms_pull_request_may_change_nothing_else(runner: dict[str, Any]) -> None:
    """Only what a form makes: anything else on the workflow's branch (pushed there by anyone with write access)
    is judged as any change by an author who maintains nothing."""
    base = _open_form_pr(runner, "credential", "credential-good.md", "acme-lead", "12")
    work = runner["work"]
    issuer = work / "registry/issuers/acme-academy/issuer.yaml"
    issuer.write_text(issuer.read_text().replace("name: Acme Academy", "name: Acme Academy Online"))
    _git(work, "-c", "user.name=M", "-c", "user.email=m@example.org", "commit", "-qam", "more")
    checked = _check_as_the_workflow(runner, base)
    assert checked.returncode == 1
    assert "::error file=registry/issuers/acme-academy/issuer.yaml" in checked.stdout, checked.stdout
    assert "title=governance.ownership" in checked.stdout or "not a maintainer" in checked.stdout, checked.stdout


def test_a_body_edited_by_someone_else_is_not_converted() -> None:
    """The check takes a form's file as proposed by the issue's author, whom the converter judges: the job runs only
    on the author's own events. It ran on anyone's ``labeled`` event, so a body a triager had edited (that edit not
    converted) was converted when they labelled the issue next, attributed to its author."""
    workflow = yaml.safe_load(WORKFLOW.read_text())
    condition = " ".join(workflow["jobs"]["convert"]["if"].split())
    clauses = [c.strip(" ()") for c in condition.split("&&")]
    assert "github.event.sender.login == github.event.issue.user.login" in clauses, condition
    assert "github.event.action" not in condition, condition  # no event of another actor's converts


@pytest.mark.parametrize(
    ("form", "fixture", "author"),
    [("issuer", "issuer-good.md", "kim-hds"), ("credential", "credential-good.md", "acme-lead")],
)
def test_an_issue_forms_pull_request_holds_the_one_file_a_form_makes(
    runner: dict[str, Any], form: str, fixture: str, author: str
) -> None:
    """A form makes one file. The workflow's branch lives in the registry's repository, where anyone with write
    access (every issuer's maintainers: code owners need it) can push to it. A second form-like file pushed there
    (a new credential of acme-academy, which the pusher need not maintain) was accepted like the form's, with only
    a warning, where the same file in the pusher's own pull request is refused: the bot's branch laundered the
    ownership rule. Now only the file the pull-request workflow makes again from the issue is taken as a form's."""
    base = _open_form_pr(runner, form, fixture, author, "12")
    work = runner["work"]
    made = "registry/issuers/acme-academy/credentials/sql-reporting.yaml"
    source = FIXTURES / "registry" / "registry/issuers/acme-academy/credentials"
    template = (work / made) if (work / made).is_file() else next(source.glob("*.yaml"))
    old_id = yaml.safe_load(template.read_text())["id"]
    extra = work / "registry/issuers/acme-academy/credentials/smuggled.yaml"
    extra.write_text(template.read_text().replace(f"id: {old_id}\n", "id: smuggled\n", 1))
    _git(work, "add", "-A")
    _git(work, "-c", "user.name=M", "-c", "user.email=m@example.org", "commit", "-qm", "one more file")
    checked = _check_as_the_workflow(runner, base)
    assert checked.returncode == 1, checked.stdout + checked.stderr
    refused = [line for line in checked.stdout.splitlines() if line.startswith("::error")]
    flagged = {line.removeprefix("::error file=").split("::", 1)[0].split(",", 1)[0] for line in refused}
    assert extra.relative_to(work).as_posix() in flagged, refused
    assert "is not what credreg form-to-pr makes from the issue its branch names" in checked.stdout, checked.stdout


@pytest.mark.skipif(shutil.which("jq") is None, reason="gh's --jq is played by jq")
def test_a_forks_pull_request_on_a_branch_of_the_same_name_does_not_stop_the_forms(runner: dict[str, Any]) -> None:
    """gh's --head matches a branch name in any repository: a fork's pull request from a branch named
    form/12-harbour-data-school (anyone can open one, before the issue is even filed) counted as the form's own,
    and the workflow pushed its branch but never opened the pull request. Only a pull request from this
    repository's branch is the form's."""
    fork = [{"number": 7, "headRefName": "form/12-harbour-data-school", "isCrossRepository": True}]
    runner["env"]["GH_PRS"] = json.dumps(fork)
    _open_form_pr(runner, "issuer", "issuer-good.md", "kim-hds", "12")
    calls = Path(runner["env"]["GH_LOG"]).read_text().splitlines()
    assert calls[-1].startswith("pr create --repo example/credential-registry --base main --head form/12-"), calls

    # Its own pull request, once opened, is found: an edit does not open a second one.
    runner["env"]["GH_PRS"] = json.dumps([*fork, {**fork[0], "number": 8, "isCrossRepository": False}])
    Path(runner["env"]["GH_LOG"]).unlink()
    Path(runner["env"]["GITHUB_OUTPUT"]).unlink()
    _git(runner["work"], "switch", "-q", "main")  # a new run: a fresh checkout of the default branch
    _git(runner["work"], "branch", "-q", "-D", "form/12-harbour-data-school")
    _open_form_pr(runner, "issuer", "issuer-good.md", "kim-hds", "12")
    calls = Path(runner["env"]["GH_LOG"]).read_text().splitlines()
    assert not any(call.startswith("pr create") for call in calls), calls


#: Open pull requests as gh lists them: the workflow's (GitHub names its app ``app/github-actions``), a fork's and a
#: person's, on branches of issue 12 and of issue 120.
BOT = {"login": "app/github-actions", "is_bot": True}
OPEN_PRS = [
    {"number": 7, "headRefName": "form/12-old-school", "isCrossRepository": False, "author": BOT},
    {"number": 8, "headRefName": "form/12-harbour-data-school", "isCrossRepository": False, "author": BOT},
    {"number": 9, "headRefName": "form/120-harbour-data-school", "isCrossRepository": False, "author": BOT},
    {"number": 10, "headRefName": "form/12-old-school", "isCrossRepository": True, "author": BOT},
    {"number": 11, "headRefName": "form/12-mine", "isCrossRepository": False,
     "author": {"login": "kim-hds", "is_bot": False}},
]  # fmt: skip


def _closing() -> dict[str, Any]:
    workflow = yaml.safe_load(WORKFLOW.read_text())
    job: dict[str, Any] = workflow["jobs"]["close"]
    return job


def _close(runner: dict[str, Any], **env: str) -> None:
    [step] = _closing()["steps"]
    done = _run(step, runner, {"ISSUE_NUMBER": "12", "CLOSED": "false", **env})
    assert done.returncode == 0, done.stderr


def _closed(runner: dict[str, Any]) -> list[str]:
    calls = Path(runner["env"]["GH_LOG"]).read_text().splitlines()
    return [call.split()[2] for call in calls if call.startswith("pr close ")]


@pytest.mark.skipif(shutil.which("jq") is None, reason="the fake gh applies --jq with jq")
def test_an_edit_that_makes_another_branch_closes_the_pull_request_of_the_text_before(runner: dict[str, Any]) -> None:
    """An author's edit that changes the id makes another branch (form/<issue>-<id>), and so a second pull request.
    The first stayed open with the checks and approvals it had (GitHub re-runs nothing on an issue's edit): merging
    it published what the issue no longer asked for, a file the pull-request check now refuses as not the issue's.
    The workflow now closes the issue's other form pull requests; the workflow's own only, from this repository."""
    runner["env"]["GH_PRS"] = json.dumps(OPEN_PRS)
    _open_form_pr(runner, "issuer", "issuer-good.md", "kim-hds", "12")
    _close(runner, BRANCH="form/12-harbour-data-school")
    assert _closed(runner) == ["7"], Path(runner["env"]["GH_LOG"]).read_text()
    [said] = [call for call in Path(runner["env"]["GH_LOG"]).read_text().splitlines() if call.startswith("pr close")]
    assert said.startswith("pr close 7 --repo example/credential-registry --comment Closed by the issue-form"), said
    assert "issue #12 no longer makes this pull request's file" in said, said
    assert "and it makes form/12-harbour-data-school now)" in said, said


@pytest.mark.skipif(shutil.which("jq") is None, reason="the fake gh applies --jq with jq")
def test_an_edit_the_converter_refuses_closes_the_issues_pull_requests(runner: dict[str, Any]) -> None:
    """An edit that makes no file (refused: its author is told what to fix) leaves no pull request of the text before
    open: the issue asks for none of them now."""
    runner["env"]["GH_PRS"] = json.dumps(OPEN_PRS)
    steps = _steps()
    body = (FIXTURES / "forms" / "issuer-path-traversal.md").read_text()
    event = {"ISSUE_BODY": body, "ISSUE_AUTHOR": "kim-hds", "ISSUE_NUMBER": "12", "FORM": "issuer"}
    assert _run(steps["Turn the form into a registry file"], runner, event).returncode == 1
    _close(runner, BRANCH="")
    assert _closed(runner) == ["7", "8"], Path(runner["env"]["GH_LOG"]).read_text()
    assert "the converter refuses it: see the issue" in Path(runner["env"]["GH_LOG"]).read_text()
    workflow = yaml.safe_load(WORKFLOW.read_text())
    assert workflow["jobs"]["convert"]["outputs"]["converted"] == "${{ steps.convert.outcome }}"
    condition = " ".join(_closing()["if"].split())
    assert "needs.convert.outputs.converted == 'failure'" in condition  # a refused edit's run closes them too
    assert "needs.convert.outputs.converted == 'success'" in condition
    assert "needs.convert.result" not in condition  # a run that failed before converting closes nothing


@pytest.mark.skipif(shutil.which("jq") is None, reason="the fake gh applies --jq with jq")
def test_a_closed_issue_closes_its_pull_requests(runner: dict[str, Any]) -> None:
    """The pull-request check takes no file from a closed issue, but a check it passed before stays green: closing
    the issue (its author withdrawing it, or anyone) closes its form pull requests, which the workflow did not run
    for (no event but an open issue's converted)."""
    runner["env"]["GH_PRS"] = json.dumps(OPEN_PRS)
    _close(runner, BRANCH="", CLOSED="true")
    assert _closed(runner) == ["7", "8"], Path(runner["env"]["GH_LOG"]).read_text()
    assert "(the issue is closed)" in Path(runner["env"]["GH_LOG"]).read_text()
    workflow = yaml.safe_load(WORKFLOW.read_text())
    assert "closed" in workflow[True]["issues"]["types"]  # PyYAML reads the key `on` as True
    assert "github.event.issue.state == 'closed'" in " ".join(_closing()["if"].split())
    assert "github.event.issue.state == 'open'" in workflow["jobs"]["convert"]["if"]  # converts no closed issue


def _push_onto(runner: dict[str, Any], path: str, text: str) -> None:
    """What anyone with write access can push onto the form's branch: ``text`` at ``path``."""
    work = runner["work"]
    (work / path).parent.mkdir(parents=True, exist_ok=True)
    (work / path).write_text(text)
    _git(work, "add", "-A")
    _git(work, "-c", "user.name=M", "-c", "user.email=m@example.org", "commit", "-qm", "pushed by a writer")


def _acme_credential(runner: dict[str, Any], slug: str) -> tuple[str, str]:
    source = next((FIXTURES / "registry" / "registry/issuers/acme-academy/credentials").glob("*.yaml"))
    old_id = yaml.safe_load(source.read_text())["id"]
    text = source.read_text().replace(f"id: {old_id}\n", f"id: {slug}\n", 1)
    return f"registry/issuers/acme-academy/credentials/{slug}.yaml", text


@pytest.mark.skipif(shutil.which("jq") is None, reason="the workflow reads gh's answer with jq")
@pytest.mark.parametrize(
    "attack",
    ["altered", "another issuer's file", "a branch of the writer's own", "edited by someone else", "issue closed"],
)
def test_a_pull_request_opened_as_the_bot_holds_only_what_its_issue_makes(runner: dict[str, Any], attack: str) -> None:
    """github-actions[bot] as a pull request's author proves nothing: anyone with write access can push a workflow
    of their own to a branch and open a pull request as it (from any branch, with any one file), or push to a
    form's branch and replace its one file: a new issuer's issuer.yaml with themselves added to its maintainers,
    or a credential of an issuer they do not maintain where the form's was. The check accepted any one form-like
    file with a warning (the same file in the writer's own pull request is refused), and the issue's author, who
    GitHub lets approve a pull request they did not open, could approve a file that was not theirs. Now the
    pull-request workflow makes the file again from the issue the branch names (its author's own text, open,
    labelled as a form), and only a file equal to that is taken as a form's."""
    base = _open_form_pr(runner, "issuer", "issuer-good.md", "kim-hds", "12")
    made = "registry/issuers/harbour-data-school/issuer.yaml"
    head = None
    if attack == "altered":
        text = (runner["work"] / made).read_text()
        assert "  - kim-hds\n" in text
        _push_onto(runner, made, text.replace("  - kim-hds\n", "  - kim-hds\n  - mallory-writer\n", 1))
    elif attack == "another issuer's file":
        _git(runner["work"], "rm", "-q", "--cached", made)
        (runner["work"] / made).unlink()
        _push_onto(runner, *_acme_credential(runner, "planted"))
    elif attack == "a branch of the writer's own":  # pushed, and opened as the bot by a workflow of the writer's
        _git(runner["work"], "switch", "-q", "-c", "form/12-harbour-data-school-x", "main")
        _push_onto(runner, *_acme_credential(runner, "planted"))
        head = "form/12-harbour-data-school-x"
    elif attack == "edited by someone else":  # a triager's edit of the body, and their push of what it makes
        issue = json.loads(runner["env"]["GH_ISSUE"])
        runner["env"]["GH_ISSUE"] = json.dumps({**issue, "editor": {"login": "tri-ager"}})
    else:
        issue = json.loads(runner["env"]["GH_ISSUE"])
        runner["env"]["GH_ISSUE"] = json.dumps({**issue, "state": "CLOSED"})
    checked = _check_as_the_workflow(runner, base, head)
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert "is not what credreg form-to-pr makes from the issue its branch names" in checked.stdout, checked.stdout
    assert "::warning" not in checked.stdout or "made from an issue form" not in checked.stdout, checked.stdout


@pytest.mark.skipif(shutil.which("jq") is None, reason="the workflow reads gh's answer with jq")
def test_a_forms_file_is_made_again_on_a_later_day(runner: dict[str, Any]) -> None:
    """A credential's created date was the day of conversion, so the file could not be made again on another day:
    it is the day the issue was opened (the event's issue.created_at, and the API's createdAt)."""
    base = _open_form_pr(runner, "credential", "credential-good.md", "acme-lead", "12")
    changed = _git(runner["work"], "diff", "--name-only", base, "HEAD").split()
    made = runner["work"] / next(p for p in changed if p.startswith("registry/"))
    assert f"created: {OPENED[:10]}\n" in made.read_text()
    checked = _check_as_the_workflow(runner, base)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "made from an issue form by credreg form-to-pr" in checked.stdout, checked.stdout


def _attacked_issue(runner: dict[str, Any], **changes: Any) -> None:
    runner["env"]["GH_ISSUE"] = json.dumps({**json.loads(runner["env"]["GH_ISSUE"]), **changes})


@pytest.mark.skipif(shutil.which("jq") is None, reason="the workflow reads gh's answer with jq")
@pytest.mark.parametrize(
    "attack",
    [
        # A triager edited the body (and pushed what it makes), then deleted their account: GitHub names no editor,
        # though the issue was edited. It passed as never edited, its text taken as the author's.
        "edited by a deleted account",
        # GraphQL names an app's bot 'x[bot]' as 'x': a bot's issue was converted as the person whose handle is x.
        "opened by a bot",
        "edited by a bot",
    ],
)
def test_the_issue_is_its_authors_own_text(runner: dict[str, Any], attack: str) -> None:
    base = _open_form_pr(runner, "issuer", "issuer-good.md", "kim-hds", "12")
    edited = "2025-06-03T10:00:00Z"
    if attack == "edited by a deleted account":
        _attacked_issue(runner, editor=None, lastEditedAt=edited)
    elif attack == "opened by a bot":
        _attacked_issue(runner, author={"__typename": "Bot", "login": "kim-hds"})
    else:
        _attacked_issue(runner, editor={"__typename": "Bot", "login": "kim-hds"}, lastEditedAt=edited)
    checked = _check_as_the_workflow(runner, base)
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert "is not what credreg form-to-pr makes from the issue its branch names" in checked.stdout, checked.stdout
    assert "not an open issue form last edited by its author" in checked.stderr, checked.stderr

    # Edited by its author (after anyone else): the author saved that text, and it is theirs.
    _attacked_issue(runner, author={"__typename": "User", "login": "kim-hds"},
                    editor={"__typename": "User", "login": "Kim-HDS"}, lastEditedAt=edited)  # fmt: skip
    checked = _check_as_the_workflow(runner, base)
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.skipif(shutil.which("jq") is None, reason="the workflow reads gh's answer with jq")
@pytest.mark.parametrize(
    "answer",
    [
        {"GH_API_FAIL": "gh: API rate limit exceeded for installation. (HTTP 403)"},
        {"GH_API_FAIL": "gh: Could not resolve to an Issue with the number of 12."},
        {"GH_ISSUE": "null"},
    ],
)
def test_no_answer_from_githubs_api_stops_the_check_with_words_that_say_so(
    runner: dict[str, Any], answer: dict[str, str]
) -> None:
    """A failed `gh api` (a rate limit, no such issue) or an empty answer stopped the step under `bash -e` with gh's
    or jq's words alone ("Cannot iterate over null"); nothing said what was not known, or what to do."""
    base = _open_form_pr(runner, "issuer", "issuer-good.md", "kim-hds", "12")
    runner["env"].update(answer)
    checked = _check_as_the_workflow(runner, base, made_fails=True)
    assert "::error::GitHub's API gave no answer for issue #12" in checked.stdout, checked.stdout + checked.stderr
    assert "Run the job again" in checked.stdout, checked.stdout


@pytest.mark.skipif(shutil.which("jq") is None, reason="the workflow reads gh's answer with jq")
def test_the_forms_file_is_a_plain_file(runner: dict[str, Any]) -> None:
    """The file made again was compared by content alone: the same bytes committed executable (mode 100755), which
    the converter never writes, were taken as the form's file."""
    base = _open_form_pr(runner, "issuer", "issuer-good.md", "kim-hds", "12")
    made = "registry/issuers/harbour-data-school/issuer.yaml"
    _git(runner["work"], "update-index", "--chmod=+x", made)
    _git(runner["work"], "-c", "user.name=M", "-c", "user.email=m@example.org", "commit", "-qm", "mode")
    checked = _check_as_the_workflow(runner, base)
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert "is not what credreg form-to-pr makes from the issue its branch names" in checked.stdout, checked.stdout


@pytest.mark.skipif(shutil.which("jq") is None, reason="the workflow reads gh's answer with jq")
@pytest.mark.parametrize(
    "branch",
    [
        "form/012-harbour-data-school",
        "form/12",
        "form/\u0661\u0662-harbour-data-school",
        "form/12-harbour-data-school-",
    ],
)
def test_only_the_branch_the_issue_makes_names_it(runner: dict[str, Any], branch: str) -> None:
    """The branch names the issue only when it is exactly the branch the converter makes from that issue: a number
    spelt otherwise, another issue's number, or any tail, and no file is the form's."""
    base = _open_form_pr(runner, "issuer", "issuer-good.md", "kim-hds", "12")
    _git(runner["work"], "switch", "-q", "-c", branch)
    checked = _check_as_the_workflow(runner, base, branch)
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert "is not what credreg form-to-pr makes from the issue its branch names" in checked.stdout, checked.stdout


@pytest.mark.skipif(shutil.which("jq") is None, reason="the fake gh applies --jq with jq")
def test_the_issues_pull_requests_are_found_past_any_number_of_others(runner: dict[str, Any]) -> None:
    """The pull requests were listed with `gh pr list --limit 1000`, newest first: anyone can open pull requests from
    a fork, and a thousand of them opened after a form's kept its stale pull request (green, with the text before)
    out of the list and open. Every page is read now."""
    spam = [
        {"number": 2000 + n, "headRefName": f"spam-{n}", "isCrossRepository": True,
         "author": {"login": "mallory", "is_bot": False}}
        for n in range(1000)
    ]  # fmt: skip
    runner["env"]["GH_PRS"] = json.dumps([*spam, *OPEN_PRS])
    _close(runner, BRANCH="form/12-harbour-data-school")
    assert _closed(runner) == ["7"], Path(runner["env"]["GH_LOG"]).read_text()[-2000:]


@pytest.mark.skipif(shutil.which("jq") is None, reason="the fake gh applies --jq with jq")
def test_an_issue_closed_while_it_was_converted_closes_the_pull_request_the_conversion_made(
    runner: dict[str, Any],
) -> None:
    """An issue closed while a run converted it (by anyone but its author, whose events queue behind each other):
    the closing run listed the pull requests before the conversion opened its own, and the conversion's run closed
    only the others, from its event's view of the issue (open). The closing job asks GitHub for the issue's state
    now: closed, it closes every form pull request of the issue, the one just made too."""
    runner["env"]["GH_PRS"] = json.dumps(OPEN_PRS)
    runner["env"]["GH_ISSUE_STATE"] = "CLOSED"
    _close(runner, BRANCH="form/12-harbour-data-school")
    assert _closed(runner) == ["7", "8"], Path(runner["env"]["GH_LOG"]).read_text()
    assert "(the issue is closed)" in Path(runner["env"]["GH_LOG"]).read_text()


def test_every_run_of_a_closed_issue_closes_its_pull_requests_and_no_other_persons_event_cancels_the_authors() -> None:
    """GitHub keeps one pending run a concurrency group, and cancels it for the next: the run of an issue's
    closing, pending behind a conversion, was cancelled by a later edit or label, and that run (of a closed issue:
    nothing converted) closed nothing, so the form's pull requests stayed open. Likewise a triager's label cancelled
    the author's pending edit, which was never converted. Now any run of a closed issue closes them (the event's
    issue is closed, whatever its action), and the author's events queue apart from everyone else's."""
    workflow = yaml.safe_load(WORKFLOW.read_text())
    condition = " ".join(_closing()["if"].split())
    assert "github.event.action" not in condition
    assert "github.event.issue.state == 'closed'" in condition
    assert _closing()["steps"][0]["env"]["CLOSED"] == "${{ github.event.issue.state == 'closed' }}"
    group = workflow["concurrency"]["group"]
    assert "github.event.issue.number" in group
    assert "github.event.sender.login == github.event.issue.user.login" in group
    assert workflow["concurrency"]["cancel-in-progress"] is False
