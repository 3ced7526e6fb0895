"""Real Git repositories for the pull-request check: one base repository per test session, copied per test.

The base commit holds two issuers with real keys and signed awards: ``acme-academy`` (maintainer
``acme-lead``; keys ``key-1`` current, ``key-0`` retired, ``key-stolen`` revoked yesterday) and ``beta-labs``
(maintainers ``beta-lead`` and the team ``beta-org/reviewers``; key ``key-1``). ``reg-admin`` maintains the
registry. Every test changes a copy of the working tree and checks it against the base commit, as a pull
request would be checked.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from generator.awarding.issue import IssuedAward, Recipient, issue_awards
from generator.awarding.keys import SigningKey, generate_key, load_signing_key
from generator.awarding.revoke import Revocation, revoke_award
from generator.awarding.signing import sign_document
from generator.awards import award_filename, award_hash, render_award
from generator.check import CheckOptions, CheckReport, run_check
from generator.errors import Problem, ProblemList, Severity
from generator.governance import PullRequestCheck, check_pull_request, write_codeowners
from generator.load import load_registry
from generator.registry import Registry
from tests.conftest import EPOCH, make_registry

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
ACME, BETA = "acme-academy", "beta-labs"


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True)
    return done.stdout


def commit_all(root: Path, message: str) -> str:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)
    return git(root, "rev-parse", "HEAD").strip()


def init_repo(root: Path) -> None:
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Test Author")
    git(root, "config", "user.email", "author@example.org")
    git(root, "config", "commit.gpgsign", "false")


@dataclass
class Repo:
    """A registry in a Git repository whose HEAD is the base of the pull request under test."""

    root: Path
    key_dir: Path

    # --- reading and writing files ------------------------------------------------------------------

    def path(self, rel: str) -> Path:
        return self.root / rel

    def read(self, rel: str) -> str:
        return self.path(rel).read_text(encoding="utf-8")

    def write(self, rel: str, text: str) -> Path:
        path = self.path(rel)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def edit(self, rel: str, old: str, new: str) -> None:
        text = self.read(rel)
        assert old in text, f"{old!r} not in {rel}"
        self.write(rel, text.replace(old, new, 1))

    def git(self, *args: str) -> str:
        return git(self.root, *args)

    def files(self, pattern: str) -> list[str]:
        return sorted(p.relative_to(self.root).as_posix() for p in self.root.glob(pattern))

    # --- acting as an issuer --------------------------------------------------------------------------

    @property
    def registry(self) -> Registry:
        loaded = load_registry(self.root)
        assert loaded.registry is not None
        return loaded.registry

    def key(self, issuer: str = ACME, key_id: str = "key-1") -> SigningKey:
        return load_signing_key(self.key_dir / f"{issuer}-{key_id}.key", root=self.root)

    def award(
        self,
        issuer: str = ACME,
        email: str = "ada@example.org",
        *,
        at: dt.datetime | None = None,
        key: SigningKey | None = None,
        emails: Iterable[str] = (),
        slug: str = "sql-basics",
    ) -> list[IssuedAward]:
        recipients = [Recipient(e) for e in (list(emails) or [email])]
        return issue_awards(
            self.registry,
            f"{issuer}/{slug}",
            recipients,
            key or self.key(issuer),
            batch=bool(emails),
            valid_from=at or NOW - dt.timedelta(minutes=1),
        )

    def unrevoked_award(self, issuer: str = ACME) -> str:
        """The hash of a single award of ``issuer`` that is not revoked yet."""
        log = self.read(f"registry/issuers/{issuer}/revocations.jsonl")
        names = [
            p.rsplit("/", 1)[1].removesuffix(".json")
            for p in self.files(f"registry/issuers/{issuer}/awards/*/*/*.json")
        ]
        return next(n for n in names if n not in log)

    def revoke(self, digest: str, issuer: str = ACME, *, at: dt.datetime | None = None) -> Revocation:
        return revoke_award(self.registry, digest, "Issued in error", self.key(issuer), now=at or NOW)

    def resign(self, rel: str, *, key: SigningKey, issuer: str = ACME, key_id: str = "key-1", **changes: object) -> str:
        """Rewrite the award at ``rel`` with ``changes`` applied and new proofs by ``key`` (as ``issuer#key_id``),
        under its new hash; returns the new path."""
        award = json.loads(self.read(rel))
        award.pop("proof")
        award.update(changes)
        did = self.registry.issuer_did(issuer)
        signed = sign_document(award, key, f"{did}#{key_id}", NOW - dt.timedelta(minutes=1))
        self.path(rel).unlink()
        digest = award_hash(signed)
        target = award_filename(self.root, rel.split("/")[2], signed, digest)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(render_award(signed), encoding="utf-8")
        return target.relative_to(self.root).as_posix()

    # --- checking -----------------------------------------------------------------------------------

    def check(self, actor: str | None = "acme-lead") -> CheckReport:
        return run_check(self.root, CheckOptions(base="HEAD", actor=actor, progress=False))

    def verify(self, rel: str) -> tuple[int, dict[str, Any]]:
        """``credreg verify REL --format json`` as a user runs it: its exit code and its JSON report."""
        done = subprocess.run(
            [sys.executable, "-m", "generator", "--root", str(self.root), "verify", rel, "--format", "json"],
            capture_output=True,
            text=True,
            check=False,
            cwd=self.root,
        )
        assert "Traceback" not in done.stderr, done.stderr
        return done.returncode, json.loads(done.stdout)

    def pull_request(
        self, actor: str | None = "acme-lead", now: dt.datetime | None = None
    ) -> tuple[PullRequestCheck, ProblemList]:
        problems = ProblemList()
        result = check_pull_request(self.root, self.registry, "HEAD", problems, actor=actor, now=now)
        return result, problems


def errors(report: CheckReport | ProblemList, code: str | None = None) -> list[Problem]:
    items = report.problems if isinstance(report, CheckReport) else report
    return [p for p in items if p.severity is Severity.ERROR and (code is None or p.code == code)]


def warnings(report: CheckReport, code: str | None = None) -> list[Problem]:
    return [p for p in report.problems if p.severity is Severity.WARNING and (code is None or p.code == code)]


def shown(problems: Iterable[Problem]) -> list[str]:
    return [str(p) for p in problems]


def only(report: CheckReport, code: str) -> Problem:
    """The one error of the report, which must have ``code``."""
    found = errors(report)
    assert len(found) == 1, shown(report.problems)
    assert found[0].code == code, shown(found)
    return found[0]


def _second_issuer(root: Path) -> None:
    acme = root / "registry/issuers" / ACME
    beta = root / "registry/issuers" / BETA
    (beta / "credentials").mkdir(parents=True)
    issuer = (acme / "issuer.yaml").read_text()
    issuer = issuer.replace("id: acme-academy", f"id: {BETA}").replace("Acme Academy", "Beta Labs")
    issuer = issuer.replace("  - acme-lead", "  - beta-lead\n  - beta-org/reviewers")
    (beta / "issuer.yaml").write_text(issuer)
    shutil.copy(acme / "credentials/sql-basics.yaml", beta / "credentials/sql-basics.yaml")


def _build_base(root: Path, key_dir: Path) -> None:
    make_registry(root)
    (root / "keys" / ACME / "key-2025.json").unlink()  # the fixture's sample key has no private half here
    _second_issuer(root)
    registry = load_registry(root).registry
    assert registry is not None
    for issuer, key_id in ((ACME, "key-1"), (ACME, "key-0"), (ACME, "key-stolen"), (BETA, "key-1")):
        generate_key(registry, issuer, key_id=key_id, now=EPOCH, private_path=key_dir / f"{issuer}-{key_id}.key")
    repo = Repo(root, key_dir)
    # key-0 was rotated out long ago; key-stolen was revoked yesterday and signed something just before.
    retired = json.loads(repo.read(f"keys/{ACME}/key-0.json")) | {"valid_until": "2024-06-30T00:00:00Z"}
    repo.write(f"keys/{ACME}/key-0.json", json.dumps(retired, indent=2) + "\n")
    repo.award(email="early@example.org", at=NOW - dt.timedelta(days=3), key=repo.key(ACME, "key-stolen"))
    revoked_at = (NOW - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    stolen = json.loads(repo.read(f"keys/{ACME}/key-stolen.json"))
    stolen |= {"revoked_at": revoked_at, "revocation_reason": "Laptop stolen"}
    repo.write(f"keys/{ACME}/key-stolen.json", json.dumps(stolen, indent=2) + "\n")
    first = repo.award(email="ada@example.org", at=NOW - dt.timedelta(days=2))[0]
    repo.award(email="bob@example.org", at=NOW - dt.timedelta(days=2))
    repo.award(emails=["c1@example.org", "c2@example.org"], at=NOW - dt.timedelta(days=2))
    repo.award(BETA, "zoe@example.org", at=NOW - dt.timedelta(days=2))
    repo.revoke(first.hash, at=NOW - dt.timedelta(hours=12))
    write_codeowners(repo.registry)
    (root / "README.md").write_text("# A test registry\n")
    init_repo(root)
    commit_all(root, "base")


@pytest.fixture(scope="session")
def base_repo(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    """Built once per test session (per xdist worker); never changed by tests."""
    top = tmp_path_factory.mktemp("governance-base")
    key_dir = top / "private-keys"
    _build_base(top / "repo", key_dir)
    report = run_check(top / "repo", CheckOptions(progress=False))
    assert errors(report) == [], shown(report.problems)
    return Repo(top / "repo", key_dir)


@pytest.fixture
def repo(base_repo: Repo, tmp_path: Path) -> Repo:
    """A private copy of the base repository (history included) for one test to change."""
    root = tmp_path / "repo"
    shutil.copytree(base_repo.root, root, symlinks=True)
    return Repo(root, base_repo.key_dir)
