"""``credreg preview-summary``: the pages a pull request adds, alters or removes, from a real Git history."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO
from tests.governance.conftest import ACME, Repo


def summary(root: Path, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(root), "preview-summary", "--base", "HEAD", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_new_and_renamed_credentials_and_a_guide(repo: Repo) -> None:
    credentials = repo.root / "registry" / "issuers" / ACME / "credentials"
    text = (credentials / "sql-basics.yaml").read_text()
    (credentials / "sql-reporting.yaml").write_text(text.replace("id: sql-basics", "id: sql-reporting"))
    (credentials / "data-reporting.yaml").rename(credentials / "data-reports.yaml")
    (repo.root / "docs").mkdir(exist_ok=True)
    (repo.root / "docs" / "become-an-issuer.md").write_text("# Become an issuer\n")
    out = summary(repo.root, "--artifact-url", "https://github.com/o/r/actions/runs/1/artifacts/2")
    assert "[the **site-preview** artifact](https://github.com/o/r/actions/runs/1/artifacts/2)" in out
    rows = [line for line in out.splitlines() if line.startswith("| `")]
    site = "https://registry.test.example/"
    assert rows == [
        f"| `become-an-issuer/` | added | guide | {site}become-an-issuer/ |",
        f"| `catalog/` | altered | the catalog lists every credential | {site}catalog/ |",
        f"| `credentials/{ACME}/data-reporting/` | removed | definition |  |",
        f"| `credentials/{ACME}/data-reports/` | added | definition | {site}credentials/{ACME}/data-reports/ |",
        f"| `credentials/{ACME}/sql-reporting/` | added | definition | {site}credentials/{ACME}/sql-reporting/ |",
        f"| `issuers/{ACME}/` | altered | its credentials | {site}issuers/{ACME}/ |",
    ]


def test_nothing_changed_and_everything_changed(repo: Repo) -> None:
    assert "No registry page is added, altered or removed." in summary(repo.root)
    governance = repo.root / "registry" / "governance.yaml"
    governance.write_text(governance.read_text() + "\n")
    assert "This pull request changes `registry/governance.yaml`: any page may look different." in summary(repo.root)


def test_new_awards_alter_their_issuers_page_and_the_verify_page(repo: Repo) -> None:
    repo.award(email="new@example.org")
    repo.award(emails=["n1@example.org", "n2@example.org"])
    rows = [line for line in summary(repo.root).splitlines() if line.startswith("| `")]
    assert any(row.startswith(f"| `issuers/{ACME}/` | altered | 2 new award files |") for row in rows), rows
    assert any(row.startswith("| `verify/` | altered | the new awards verify here |") for row in rows), rows


def test_a_file_name_cannot_leave_its_code_span_in_the_summary(repo: Repo, tmp_path: Path) -> None:
    """The job summary is rendered on the pull request's page, and the names of the files it changes are anyone's:
    a backtick closed the code span (the rest read as Markdown: a link of the author's own), a ``|`` ended the table
    cell, a line break began a line of its own. Each is written out, and a guide with such a name gets no link."""
    (repo.root / "docs").mkdir(exist_ok=True)
    (repo.root / "docs" / "x`[get it](evil.example)|y.md").write_text("# Guide\n")
    (repo.root / "generator").mkdir(exist_ok=True)
    (repo.root / "generator" / "a`\n### [Download](evil.example)`.py").write_text("")
    out = tmp_path / "summary.md"
    summary(repo.root, "--summary", str(out))
    text = out.read_text(encoding="utf-8")
    assert "`[get it](evil.example)" not in text, text
    assert "`\n###" not in text, text
    assert "\n### [Download]" not in text, text
    [row] = [line for line in text.splitlines() if line.startswith("| `x")]
    assert row.startswith("| `x\\x60[get it](evil.example)\\x7cy/` | added | guide |  |"), row
    assert "`generator/a\\x60\\x0a### [Download](evil.example)\\x60.py`" in text, text
