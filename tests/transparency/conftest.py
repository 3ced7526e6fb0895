"""A copy of the example registry in a real Git repository, with a log key in its governance, per test."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from generator.awarding.issue import IssuedAward, Recipient, issue_awards
from generator.load import load_registry
from generator.tlog.note import NoteSigner
from generator.transparency.keys import generate_note_key

REPO = Path(__file__).resolve().parents[2]


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout


def commit_all(root: Path, message: str) -> str:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)
    return git(root, "rev-parse", "HEAD").strip()


@dataclass
class LogRepo:
    root: Path
    keys: Path
    log_key: Path
    signer: NoteSigner
    witness_key: Path
    witness: NoteSigner

    @property
    def state(self) -> Path:
        return self.keys.parent / "log-state"

    def credreg(self, *args: str, ok: bool | None = True) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        done = subprocess.run(
            [sys.executable, "-m", "generator", "--root", str(self.root), *args],
            capture_output=True, text=True, env=env, cwd=self.root,
        )  # fmt: skip
        if ok is True:
            assert done.returncode == 0, done.stdout + done.stderr
        elif ok is False:
            assert done.returncode != 0, done.stdout + done.stderr
        return done

    def publish(self, ok: bool | None = True) -> subprocess.CompletedProcess[str]:
        return self.credreg("log", "publish", "--state", str(self.state), "--key", str(self.log_key), ok=ok)

    def monitor(self, *args: str, ok: bool | None = True) -> subprocess.CompletedProcess[str]:
        """``credreg log monitor ARGS``, the state's checkpoint first cosigned by the example witness when it agrees
        to, as a registry serves it: a monitor accepts only a checkpoint the quorum cosigned, as verifiers do."""
        from generator.transparency.log import LogError

        # A rewritten or false log no witness cosigns: the monitor says so too.
        with contextlib.suppress(LogError):
            cosign(self, self.keys.parent / "monitor-witness")
        return self.credreg("log", "monitor", *args, ok=ok)

    def acknowledged(self, *args: str, ok: bool | None = True) -> subprocess.CompletedProcess[str]:
        """``credreg log monitor ARGS`` (with ``--save``), then again acknowledging what that run showed, by the
        receipt it printed: an owner who has read the alerts and dealt with them. The second run's result."""
        shown = self.credreg("log", "monitor", *args, ok=False)
        return self.credreg("log", "monitor", *args, "--acknowledge", receipt(shown.stderr), ok=ok)

    def award_files(self) -> list[Path]:
        return sorted(self.root.glob("registry/issuers/*/awards/*/*/*.json"))


def receipt(stderr: str) -> str:
    """The receipt a monitor run that saved nothing printed, to acknowledge its alerts by."""
    found = re.findall(r"run again with --acknowledge ([0-9a-f]{32}) to save it", stderr)
    assert len(found) == 1, stderr
    return found[0]


def copy_example(base: Path) -> Path:
    for name in ("registry", "keys", "schemas"):
        shutil.copytree(REPO / name, base / name)
    return base


@pytest.fixture(scope="session")
def _example_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_example(tmp_path_factory.mktemp("example"))


@pytest.fixture
def log_repo(tmp_path: Path, _example_copy: Path) -> LogRepo:
    return make_log_repo(tmp_path, _example_copy)


def make_log_repo(tmp_path: Path, example: Path) -> LogRepo:
    """The example registry in a new Git repository, with a log key and one witness in its governance."""
    root = tmp_path / "repo"
    shutil.copytree(example, root)
    keys = tmp_path / "keys"
    log_key, witness_key = keys / "log.key", keys / "witness.key"
    signer = generate_note_key(log_key, "credentials.example.org/log", "log")
    witness = generate_note_key(witness_key, "witness.example.net/w1", "witness")
    governance = root / "registry/governance.yaml"
    governance.write_text(
        governance.read_text()
        + f"log:\n  vkey: {signer.verifier.vkey}\n  witnesses:\n"
        + f"    - name: Example witness\n      vkey: {witness.verifier.vkey}\n  quorum: 1\n"
    )
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Test Author")
    git(root, "config", "user.email", "author@example.org")
    git(root, "config", "commit.gpgsign", "false")
    commit_all(root, "example registry")
    return LogRepo(root, keys, log_key, signer, witness_key, witness)


def plant_award(repo: LogRepo, issuer: str = "northbridge-university", serial: str = "beef") -> tuple[Path, str]:
    """An award its issuer never made (a copy of one of its awards, changed): what a leaked key would add
    (``serial``: hex digits that tell two such awards apart)."""
    from generator.awards import award_hash

    source = next(p for p in repo.award_files() if f"/{issuer}/" in p.as_posix())
    doc = json.loads(source.read_text())
    doc["id"] = f"urn:uuid:00000000-0000-4000-8000-{serial:0>12}"
    digest = award_hash(doc)
    target = source.parent.parent / digest[:2] / f"{digest}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(doc, indent=2) + "\n")
    return target, digest


def serve_log(registry: Any, state: Path, site: Path) -> dict[str, dict[str, list[object]]]:
    """What ``credreg build --log`` serves of a log: ``log/``, each award's log record in its verification
    shard entry (the real writers), and the issuers' and endorsers' status lists as they are in the registry
    (byte for byte, as the build copies them); returns the records (award hash → issuer → record)."""
    from generator.publish.verifydata import write_verification_data
    from generator.transparency.publish import copy_log

    records = copy_log(registry, state, site / "log")
    write_verification_data(registry, site, log_records=records)
    for path in registry.root.glob("registry/*/*/status/*.json"):  # the issuers' and the endorsers
        served = site / path.relative_to(registry.root / "registry")
        served.parent.mkdir(parents=True, exist_ok=True)
        served.write_bytes(path.read_bytes())
    return records


def cosign(repo: LogRepo, witness_state: Path) -> None:
    """The example witness cosigns the state's checkpoint, and the cosignature is added to it."""
    from generator.transparency.log import LogSource, open_log
    from generator.transparency.witness import add_cosignatures, witness_log

    done = witness_log(LogSource(repo.state), witness_state, repo.witness, vkey=repo.signer.verifier.vkey)
    log = open_log(LogSource(repo.state), repo.signer.verifier)
    note, _ = add_cosignatures(log, [repo.witness.verifier], [done.note.encode()])
    (repo.state / "checkpoint").write_bytes(note.encode())


def imported_key(log_repo: LogRepo, tmp_path: Path, key_id: str, until: str | None) -> tuple[str, Any]:
    """A northbridge-university key made on 2023-01-02 (``until``: its end, already set), and its signing half."""
    from generator.awarding.keys import generate_key, load_signing_key

    registry = load_registry(log_repo.root).registry
    assert registry is not None
    made = generate_key(
        registry, "northbridge-university", key_id=key_id, now=dt.datetime(2023, 1, 2, tzinfo=dt.UTC),
        private_path=tmp_path / f"{key_id}.key",
    )  # fmt: skip
    if until is not None:
        path = log_repo.root / f"keys/northbridge-university/{key_id}.json"
        path.write_text(json.dumps({**json.loads(path.read_text()), "valid_until": until}, indent=2) + "\n")
    return f"keys/northbridge-university/{key_id}.json", load_signing_key(made.private_path)


def award_with(log_repo: LogRepo, key: Any, on: dt.datetime, issuer: str = "northbridge-university") -> IssuedAward:
    """An award of ``issuer`` signed with ``key``, dated ``on``."""
    registry = load_registry(log_repo.root).registry
    assert registry is not None
    credential = next(c for c in sorted(registry.issuers[issuer].credentials))
    [issued] = issue_awards(
        registry, f"{issuer}/{credential}", [Recipient("imported@example.org")], key,
        batch=False, valid_from=on,
    )  # fmt: skip
    return issued


def owner_key(log_repo: LogRepo, tmp_path: Path, owner: str, key_id: str, until: str | None) -> tuple[str, Any]:
    """A key of ``owner`` (an endorser or an issuer) made on 2023-01-02 (``until``: its end, already set), and its
    signing half."""
    from generator.awarding.keys import generate_key, load_signing_key

    registry = load_registry(log_repo.root).registry
    assert registry is not None
    made = generate_key(
        registry, owner, key_id=key_id, now=dt.datetime(2023, 1, 2, tzinfo=dt.UTC),
        private_path=tmp_path / f"{owner}-{key_id}.key",
    )  # fmt: skip
    rel = f"keys/{owner}/{key_id}.json"
    if until is not None:
        path = log_repo.root / rel
        path.write_text(json.dumps({**json.loads(path.read_text()), "valid_until": until}, indent=2) + "\n")
    return rel, load_signing_key(made.private_path)


def endorsement_with(
    log_repo: LogRepo,
    key: Any,
    on: dt.datetime,
    endorser: str = "valencia-tech-employers-network",
    target: str = "northbridge-university/data-analysis-foundations",
) -> str:
    """An endorsement of ``target`` by ``endorser`` signed with ``key``, dated ``on`` (``credreg endorse``'s own
    code); its hash."""
    from generator.endorsements import endorse
    from generator.models.endorsement import EndorsementKind

    registry = load_registry(log_repo.root).registry
    assert registry is not None
    found = endorse(
        registry, target, endorser, key, kind=EndorsementKind.RECOGNISES, comment="Counts towards our register.",
        valid_from=on, now=on,
    )  # fmt: skip
    return found.hash


def issuer_declaring(root: Path, issuer: str, did: str) -> Path:
    """A new issuer folder ``issuer`` (brightforge-academy's profile, renamed) declaring ``did``; its folder."""
    folder = root / "registry/issuers" / issuer
    folder.mkdir()
    text = (root / "registry/issuers/brightforge-academy/issuer.yaml").read_text()
    text = text.replace("brightforge-academy", issuer).replace("name: Brightforge Academy", f"name: {issuer}")
    (folder / "issuer.yaml").write_text(text.replace("logo: logo.svg\n", "") + f"did: {did}\n")
    return folder


def verify_checks(log_repo: LogRepo, digest: str, *, log: bool = True) -> tuple[int, dict[str, Any]]:
    """``credreg verify <digest>`` (with ``--log`` the repository's log state, unless ``log`` is false): its exit
    code and its checks by id."""
    args = ("--log", str(log_repo.state)) if log else ()
    done = log_repo.credreg("verify", digest, *args, "--format", "json", ok=None)
    return done.returncode, {c["id"]: c for c in json.loads(done.stdout)["checks"]}


def fails_only_on_the_log(log_repo: LogRepo, digest: str, reason: str, *, key_check: str = "key") -> None:
    """Offline (``credreg verify`` without ``--log``) it passes: the key file its method names holds it. The log's
    check fails it, naming ``reason``."""
    code, checks = verify_checks(log_repo, digest, log=False)
    assert code == 0, checks
    assert checks[key_check]["status"] == "passed", checks
    code, checks = verify_checks(log_repo, digest)
    assert code != 0, checks
    assert checks[key_check]["status"] == "passed", checks
    assert checks["log"]["status"] == "failed", checks["log"]
    assert reason in checks["log"]["reason"], checks["log"]


def key_entries(log_repo: LogRepo, since: str) -> list[tuple[str, str, str, bool, bool]]:
    """The key entries the log derives from the commits after ``since``: kind, owner, path, taken back, revived."""
    from generator.transparency.entries import derive_entries

    return [
        (e.kind, e.issuer, e.path, e.taken_back, e.revived)
        for e in derive_entries(log_repo.root, head="HEAD", since=since)
        if e.kind.startswith("key-")
    ]


def set_fields(path: Path, **fields: Any) -> None:
    """A JSON file's members set (a None removes one), written back as the registry writes it."""
    doc = {k: v for k, v in (json.loads(path.read_text()) | fields).items() if v is not None}
    path.write_text(json.dumps(doc, indent=2) + "\n")


@dataclass(frozen=True)
class ResignedList:
    """A status list signed again with a key retired since (its revocations taken back), dated inside the key's
    window, and committed."""

    key_file: str
    """The retired key's file (``keys/<owner>/key-old.json``)."""
    path: str
    """The list's path in the repository."""
    document: dict[str, Any]
    data: bytes
    """The list's bytes as committed."""


def endorser_list_under_a_declared_did(log_repo: LogRepo, tmp_path: Path) -> ResignedList:
    """valencia-tech-employers-network's older key, retired; an issuer added declaring the endorser's DID (pushed
    past the check); the endorser's list signed again with the old key, backdated."""
    from generator.awarding.status import list_bytes
    from generator.endorsements import _signed_list
    from generator.statuslist import new_bitstring

    root, endorser = log_repo.root, "valencia-tech-employers-network"
    rel, key = owner_key(log_repo, tmp_path, endorser, "key-old", "2023-12-31T23:59:59Z")
    commit_all(root, "an endorser's older key, retired")
    registry = load_registry(root).registry
    assert registry is not None
    issuer_declaring(root, "valencia-panel", registry.endorser_did(endorser))
    listed = f"registry/endorsers/{endorser}/status/1.json"
    signed = _signed_list(registry, endorser, 1, new_bitstring(), key, dt.datetime(2023, 10, 1, tzinfo=dt.UTC))
    (root / listed).write_bytes(data := list_bytes(signed))
    commit_all(root, "an issuer declaring the endorser's DID, and the endorser's list signed again with the old key")
    return ResignedList(rel, listed, signed, data)


def second_issuer_list_under_a_taken_did(log_repo: LogRepo, tmp_path: Path) -> ResignedList:
    """northbridge-university's older key, retired; a newcomer, zz-panel, declaring northbridge's DID (pushed past
    the check), its list signed with northbridge's retired key, backdated."""
    from generator.awarding.status import list_bytes, signed_status_list
    from generator.statuslist import new_bitstring

    root = log_repo.root
    rel, key = imported_key(log_repo, tmp_path, "key-old", "2023-12-31T23:59:59Z")
    commit_all(root, "northbridge's older key, retired")
    registry = load_registry(root).registry
    assert registry is not None
    issuer_declaring(root, "zz-panel", registry.issuer_did("northbridge-university"))
    registry = load_registry(root).registry
    assert registry is not None
    listed = "registry/issuers/zz-panel/status/1.json"
    (root / listed).parent.mkdir(parents=True)
    signed = signed_status_list(registry, "zz-panel", 1, new_bitstring(), key, dt.datetime(2023, 10, 1, tzinfo=dt.UTC))
    (root / listed).write_bytes(data := list_bytes(signed))
    commit_all(root, "an issuer declaring northbridge's DID, its list signed with northbridge's retired key")
    return ResignedList(rel, listed, signed, data)
