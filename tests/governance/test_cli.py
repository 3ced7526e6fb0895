"""``credreg check --base`` as CI runs it: exit codes, every output format, and the Markdown summary."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.governance.conftest import ACME, BETA, Repo

CREDENTIAL = f"registry/issuers/{ACME}/credentials/sql-basics.yaml"


def credreg(repo: Repo, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(repo.root), *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=repo.root,
    )


def test_a_refused_pull_request_in_github_format_with_a_summary(repo: Repo, tmp_path: Path) -> None:
    repo.edit(CREDENTIAL, "summary: Query relational data with SQL.", "summary: Query relational data in SQL.")
    award = next(p for p in repo.files(f"registry/issuers/{BETA}/awards/*/*/*.json"))
    repo.path(award).unlink()
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    done = credreg(
        repo, "check", "--base", "HEAD", "--actor", "beta-lead", "--format", "github", "--summary", str(summary)
    )
    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines() == [
        f"::error file={CREDENTIAL}::@beta-lead is not a maintainer of acme-academy: only its maintainers "
        "(@acme-lead, as listed before this change) and the registry maintainers (@reg-admin) may change its files",
        f"::error file={award}::awards are never deleted: to withdraw an award, revoke it "
        "(`credreg revoke HASH --reason …`)",
    ]
    assert "credreg check: 2 errors (2 issuers, 4 credentials, 4 issuer keys, 2 changed files" in done.stderr
    text = summary.read_text()
    assert text.startswith("earlier step\n## credreg pull-request check\n\n❌ **Refused:** 2 problems (listed below).")
    assert "- **Credentials:** 1 changed (`acme-academy/sql-basics`)" in text
    assert f"- `{award}` — awards are never deleted" in text
    assert "(`governance.append-only`)" in text


def test_a_summary_names_a_path_that_is_not_utf8_as_the_terminal_shows_it(repo: Repo, tmp_path: Path) -> None:
    # Git hands such a name over surrogate-escaped; writing it to the summary raised UnicodeEncodeError. (The name
    # is refused, anywhere in the repository: macOS cannot hold it.)
    (repo.root / "docs").mkdir(exist_ok=True)
    (repo.root / "docs").joinpath(b"a\xff.md".decode("utf-8", "surrogateescape")).write_text("x\n")
    summary = tmp_path / "summary.md"
    done = credreg(repo, "check", "--base", "HEAD", "--actor", "reg-admin", "--summary", str(summary))
    assert "Traceback" not in done.stderr
    assert done.returncode == 1, done.stderr
    shown = summary.read_text(encoding="utf-8")
    assert "docs/a\\udcff.md" in shown
    assert "the name is not UTF-8 text" in shown


def test_json_format_names_codes(repo: Repo) -> None:
    repo.edit(CREDENTIAL, "summary: Query relational data with SQL.", "summary: Query relational data in SQL.")
    done = credreg(repo, "check", "--base", "HEAD", "--actor", "nobody", "--format", "json")
    assert done.returncode == 1
    report = json.loads(done.stdout)
    assert report["summary"]["ok"] is False
    assert report["summary"]["changed files"] == 1
    assert [(p["path"], p["code"]) for p in report["problems"]] == [(CREDENTIAL, "governance.ownership")]


def test_a_clean_pull_request_passes(repo: Repo) -> None:
    repo.award()
    done = credreg(repo, "check", "--base", "HEAD", "--actor", "acme-lead")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 new awards" in done.stderr


def test_an_unknown_base_is_a_usage_error(repo: Repo) -> None:
    done = credreg(repo, "check", "--base", "no-such-branch", "--actor", "acme-lead")
    assert done.returncode == 2
    assert done.stderr.startswith("credreg: --base no-such-branch: no such commit in this repository")


def test_outside_git_the_base_cannot_be_read(tmp_path: Path) -> None:
    from tests.conftest import make_registry

    root = make_registry(tmp_path / "plain")
    done = subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(root), "check", "--base", "HEAD", "--actor", "acme-lead"],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 2
    assert "--base needs a Git work tree" in done.stderr


def test_pull_request_mode_without_an_actor_is_a_usage_error(repo: Repo) -> None:
    # A change to another issuer's files: without --actor it must not pass (it once did, unchecked).
    repo.edit(CREDENTIAL, "summary: Query relational data with SQL.", "summary: Query relational data with SQL, well.")
    for extra in ([], ["--actor", ""], ["--actor", "@"]):
        done = credreg(repo, "check", "--base", "HEAD", *extra)
        assert done.returncode == 2, done.stdout + done.stderr
        assert done.stdout == ""
        assert done.stderr.startswith("credreg: --base (pull-request mode) needs --actor HANDLE"), done.stderr
        assert "Traceback" not in done.stderr
    assert credreg(repo, "check", "--base", "HEAD", "--actor", "beta-lead").returncode == 1
    assert credreg(repo, "check").returncode == 0  # the full check needs no actor
