"""No private key enters the repository, whatever the file and wherever it is."""

from __future__ import annotations

import shutil

from generator.awarding.keys import PRIVATE_KEY_FORMAT
from tests.governance.conftest import ACME, Repo, only, shown

# Assembled at run time, so this test file itself never holds a private key block.
PEM_HEAD = "-----BEGIN " + "OPENSSH PRIVATE KEY-----"


def test_a_credreg_private_key_file_is_refused(repo: Repo) -> None:
    shutil.copy(repo.key_dir / f"{ACME}-key-1.key", repo.path(f"keys/{ACME}/key-1.key.json"))
    report = repo.check("acme-lead")
    problem = next(p for p in report.problems if p.code == "governance.private-key")
    assert (problem.location.path, problem.location.line) == (f"keys/{ACME}/key-1.key.json", 2)
    assert problem.message.startswith("contains a credreg private key: private keys never enter the repository")
    assert "treat the key as exposed: revoke it (revoked_at and revocation_reason in its key file)" in problem.message


def test_a_pem_private_key_anywhere_is_refused(repo: Repo) -> None:
    repo.write("docs/deploy.md", f"# Deploying\n\n{PEM_HEAD}\nb3BlbnNzaC1rZXktdjEAAAAA\n")
    problem = only(repo.check("reg-admin"), "governance.private-key")
    assert (problem.location.path, problem.location.line) == ("docs/deploy.md", 3)
    assert problem.message.startswith("contains a PEM private key")


def test_a_key_pasted_into_a_changed_file_is_found(repo: Repo) -> None:
    rel = f"registry/issuers/{ACME}/credentials/sql-basics.yaml"
    repo.edit(rel, "criteria:", f"# {PEM_HEAD}\ncriteria:")
    problem = only(repo.check("acme-lead"), "governance.private-key")
    assert (problem.location.path, problem.location.line) == (rel, 8)


def test_naming_the_format_or_a_public_key_is_not_a_leak(repo: Repo) -> None:
    repo.write("docs/keys.md", f"Private key files say `{PRIVATE_KEY_FORMAT}` and live outside the repository.\n")
    repo.write("docs/ssh.md", "Paste the line from ~/.ssh/id_ed25519.pub, never the PRIVATE KEY file.\n")
    assert shown(repo.check("reg-admin").problems) == []


def test_ignored_files_are_not_part_of_the_change(repo: Repo) -> None:
    repo.write(".gitignore", "*.key\n")
    repo.git("add", ".gitignore")
    shutil.copy(repo.key_dir / f"{ACME}-key-1.key", repo.path("local.key"))
    assert shown(repo.check("reg-admin").problems) == []
