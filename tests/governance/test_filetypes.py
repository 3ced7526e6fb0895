"""A pull request brings no symbolic link, no nested repository and no file the layout does not allow, on real
Git repositories: links committed as links, links checked out as plain files (``core.symlinks=false``),
gitlinks; a ``.gitattributes`` outside the registry is flagged for a registry maintainer."""

from __future__ import annotations

import subprocess
import sys

from generator.check import CheckOptions, run_check
from tests.governance.conftest import ACME, Repo, errors, shown, warnings

IMAGES = f"registry/issuers/{ACME}/images"


def check_commit(repo: Repo, actor: str) -> subprocess.CompletedProcess[str]:
    """Commit the working tree and check it against the previous commit, as CI checks a pull request."""
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "pull request")
    return pr_check(repo, actor)


def pr_check(repo: Repo, actor: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(repo.root), "check", "--base", "HEAD~1", "--actor", actor],
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_committed_link_to_a_private_key_is_refused_and_not_read(repo: Repo) -> None:
    (repo.path(IMAGES)).mkdir(parents=True)
    key = repo.key_dir / f"{ACME}-key-1.key"
    repo.path(f"{IMAGES}/badge.png").symlink_to(key)
    assert repo.git("ls-files", "-s", f"{IMAGES}/badge.png") == ""  # not committed yet
    done = check_commit(repo, "acme-lead")
    assert "120000" in repo.git("ls-tree", "HEAD", f"{IMAGES}/badge.png")
    assert done.returncode == 1
    assert f"{IMAGES}/badge.png: is a symbolic link" in done.stdout
    assert key.read_text().split('"seed": "')[1][:20] not in done.stdout + done.stderr
    assert "Traceback" not in done.stderr


def test_a_link_checked_out_as_a_plain_file_is_still_refused(repo: Repo) -> None:
    repo.path(f"registry/issuers/{ACME}/logo.svg").symlink_to("/etc/hostname")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "adds a link")
    repo.git("config", "core.symlinks", "false")
    repo.path(f"registry/issuers/{ACME}/logo.svg").unlink()
    repo.git("checkout", "--", f"registry/issuers/{ACME}/logo.svg")
    assert not repo.path(f"registry/issuers/{ACME}/logo.svg").is_symlink()  # a file holding the link's target
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "--root",
            str(repo.root),
            "check",
            "--base",
            "HEAD~1",
            "--actor",
            "acme-lead",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert f"registry/issuers/{ACME}/logo.svg: is a symbolic link (Git mode 120000)" in done.stdout


def test_a_link_anywhere_in_the_repository_is_refused(repo: Repo) -> None:
    repo.path("docs").mkdir(exist_ok=True)
    repo.path("docs/passwd.md").symlink_to("/etc/passwd")
    report = repo.check("reg-admin")
    assert [(p.location.path, p.code) for p in errors(report)] == [("docs/passwd.md", "governance.symlink")]


def test_a_gitlink_is_refused(repo: Repo) -> None:
    head = repo.git("rev-parse", "HEAD").strip()
    repo.git("update-index", "--add", "--cacheinfo", f"160000,{head},vendor/lib")
    repo.git("commit", "-q", "-m", "adds a submodule")
    repo.path("vendor/lib").mkdir(parents=True)  # what a checkout of the merge commit holds
    done = run_check(repo.root, CheckOptions(base="HEAD~1", actor="reg-admin", progress=False))
    assert ("vendor/lib", "governance.nested-repo") in [(p.location.path, p.code) for p in errors(done)]


def test_stray_files_in_the_registry_are_refused_in_a_pull_request(repo: Repo) -> None:
    repo.write(f"registry/issuers/{ACME}/awards/.gitattributes", "*.json -diff\n")
    repo.write(f"registry/issuers/{ACME}/status/notes.txt", "hello\n")
    found = sorted((p.location.path, p.code) for p in errors(repo.check("acme-lead")))
    assert found == [
        (f"registry/issuers/{ACME}/awards/.gitattributes", "layout.hidden"),
        (f"registry/issuers/{ACME}/status/notes.txt", "layout.unexpected"),
    ]


def test_a_gitattributes_outside_the_registry_is_flagged(repo: Repo) -> None:
    repo.write(".gitattributes", "registry/** -diff linguist-generated\n")
    report = repo.check("reg-admin")
    assert errors(report) == [], shown(report.problems)
    [flag] = warnings(report, "governance.gitattributes")
    assert flag.location.path == ".gitattributes"
    assert report.summary_markdown is not None
    assert "it can hide changes from the diff" in report.summary_markdown
