"""A process killed (SIGKILL) while it writes a file leaves nothing behind: no half file under the name, and no
temporary file that would block the registry's check, and with it every later command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from generator.awarding.revoke import revocation_entry, revoke_award
from generator.check import run_check
from generator.load import load_registry
from tests.conftest import ISSUED, REPO, Signer, ctrl_c


def _unnamed_files_named(folder: Path) -> bool:
    """Whether this machine names an unnamed file (O_TMPFILE) through /proc (Linux with /proc; elsewhere every
    write goes through a temporary name, and the check's message is the help)."""
    flag = getattr(os, "O_TMPFILE", None)
    if flag is None:
        return False
    try:
        fd = os.open(folder, flag | os.O_WRONLY, 0o600)
    except OSError:
        return False
    try:
        os.link(f"/proc/self/fd/{fd}", folder / "probe", src_dir_fd=fd, follow_symlinks=True)
    except OSError:
        return False
    finally:
        os.close(fd)
    (folder / "probe").unlink()
    return True


def _need_unnamed_files(tmp_path: Path) -> None:
    if not _unnamed_files_named(tmp_path):
        pytest.skip("this machine cannot name an unnamed file through /proc")


# Run in the child: os.fsync, called once a file's bytes are written and before it is named, kills the process
# when the file it syncs lies under FOLDER, the way `kill -9` or a power cut would at that moment.
_KILL_AT_FSYNC = """
import os, signal, sys
folder = sys.argv.pop(1)
real_fsync = os.fsync
def fsync(fd):
    real_fsync(fd)
    if os.readlink(f"/proc/self/fd/{fd}").startswith(folder):
        os.kill(os.getpid(), signal.SIGKILL)
os.fsync = fsync
"""


def _killed(folder: Path, code: str, *args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _KILL_AT_FSYNC + textwrap.dedent(code), str(folder), *args],
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == -9, done.stderr  # it was killed at the fsync, not ended otherwise


@pytest.mark.parametrize("function", ["write_new", "write_text_atomic"])
def test_a_write_killed_before_the_file_is_named_leaves_nothing(tmp_path: Path, function: str) -> None:
    _need_unnamed_files(tmp_path)
    folder = tmp_path / "status"
    folder.mkdir()
    (folder / "2.json").write_text("old\n")
    code = f"""
        from pathlib import Path
        from generator._internal.files import write_new, write_text_atomic
        target = Path(sys.argv[1])
        write_new(target, b"new\\n") if {function == "write_new"} else write_text_atomic(target, "new\\n")
    """
    _killed(folder, code, str(folder / ("1.json" if function == "write_new" else "2.json")))
    assert sorted(p.name for p in folder.iterdir()) == ["2.json"]
    assert (folder / "2.json").read_text() == "old\n", "the file replaced is whole: the old one"


def test_an_award_run_killed_while_it_writes_the_registry_leaves_it_loadable(signer: Signer, tmp_path: Path) -> None:
    """`credreg award --csv` killed as it writes the cohort's status list: the registry loads (no stray file),
    and the cohort can be awarded again."""
    _need_unnamed_files(tmp_path)
    cohort = tmp_path / "cohort.csv"
    cohort.write_text("email\n" + "".join(f"p{i}@example.org\n" for i in range(20)))
    awards = ["-m", "generator", "--root", str(signer.root), "award", "acme-academy/sql-basics"]
    code = """
        import runpy
        sys.argv = ["credreg", *sys.argv[1:]]
        runpy.run_module("generator", run_name="__main__")
    """
    args = [*awards[2:], "--csv", str(cohort), "--key", str(signer.key_path), "--out", str(tmp_path / "e1")]
    _killed(signer.root / "registry", code, *args)
    loaded = load_registry(signer.root)
    assert [str(p) for p in loaded.problems.errors] == []
    again = [*args[:-1], str(tmp_path / "e2")]
    done = subprocess.run(
        [sys.executable, "-m", "generator", *again],
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "20 awards in" in done.stdout


def test_a_revocation_killed_before_its_status_bit_is_completed_by_running_it_again(
    signer: Signer, tmp_path: Path
) -> None:
    """`credreg revoke` killed after it appended its signed line and before it re-signed the status list: the
    check refuses the line without its bit and says "re-run credreg revoke"; the re-run completes that
    revocation (the bit set, the logged line kept as signed), where it used to answer "already revoked"."""
    _need_unnamed_files(tmp_path)
    issued = signer.award()
    other = signer.award(email="bo@example.org")
    issuer = signer.root / "registry/issuers/acme-academy"
    revoke = ["--root", str(signer.root), "revoke", issued.hash, "--key", str(signer.key_path)]
    code = """
        import runpy
        sys.argv = ["credreg", *sys.argv[1:]]
        runpy.run_module("generator", run_name="__main__")
    """
    _killed(issuer / "status", code, *revoke, "--reason", "Issued in error")
    logged = (issuer / "revocations.jsonl").read_text()
    assert issued.hash in logged, "killed after the line was appended"
    errors = [p for p in run_check(signer.root).problems.errors]
    assert [p.code for p in errors] == ["status-list.missing-bit"], [str(p) for p in errors]
    assert "re-run credreg revoke" in errors[0].message

    done = _credreg(*revoke, "--reason", "A different reason")
    assert done.returncode == 0, done.stderr
    assert f"completed the revocation of {issued.hash}" in done.stdout
    assert "Issued in error" in done.stdout, "the signed line stands, with its reason"
    assert (issuer / "revocations.jsonl").read_text() == logged, "no second line"
    assert [str(p) for p in run_check(signer.root).problems.errors] == []
    verdict = _credreg("--root", str(signer.root), "verify", str(issued.path))
    assert verdict.returncode != 0, verdict.stdout
    assert "revoked" in verdict.stdout.lower(), verdict.stdout

    again = _credreg(*revoke, "--reason", "Once more")
    assert again.returncode == 2, again.stderr
    assert "already revoked" in again.stderr
    assert other.hash not in (issuer / "revocations.jsonl").read_text()


def test_an_unsigned_revocation_line_is_not_turned_into_a_signed_bit(signer: Signer) -> None:
    """Only the issuer's own signed line is completed: a line anyone with write access appended (no valid
    proof) is never signed into the status list on its word by the issuer's re-run. Nor does it answer "already
    revoked" (every reader shows the award not revoked): the issuer's own revocation is made, with its own line."""
    issued = signer.award()
    log = signer.root / "registry/issuers/acme-academy/revocations.jsonl"
    forged = revocation_entry(
        signer.registry.issuer_did("acme-academy"),
        issued.hash,
        1,
        int(issued.award["credentialStatus"]["statusListIndex"]),
        "Forged",
        signer.key,
        ISSUED,
    )
    forged["reason"] = "Changed after signing"
    log.write_text(json.dumps(forged) + "\n")
    revoke_award(signer.registry, issued.hash, "Real reason", signer.key)
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert lines[0] == forged  # left as it was: its words are signed into nothing
    assert [line["reason"] for line in lines[1:]] == ["Real reason"]
    verdict = _credreg("--root", str(signer.root), "verify", str(issued.path))
    assert "revoked" in verdict.stdout.lower(), verdict.stdout


# Run in the child: os.link, which names a file, kills the process when it would give the name PATH: the moment
# between a key's two halves, when the first (private) half is named and the second (public) is not.
_KILL_AT_LINK = """
import os, signal, sys
target = sys.argv.pop(1)
real_link = os.link
def link(src, dst, *args, **kwargs):
    if str(dst) == target:
        os.kill(os.getpid(), signal.SIGKILL)
    return real_link(src, dst, *args, **kwargs)
os.link = link
"""

_CREDREG = """
    import runpy
    sys.argv = ["credreg", *sys.argv[1:]]
    runpy.run_module("generator", run_name="__main__")
"""


def _credreg(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_keygen_killed_before_either_half_is_named_leaves_nothing(signer: Signer, tmp_path: Path) -> None:
    """`credreg keygen` killed as it syncs the public half (the private one written already): no private key
    left in the key folder, not even a temporary file, and no public half in keys/."""
    _need_unnamed_files(tmp_path)
    keys = signer.root / "keys/acme-academy"
    before = sorted(p.name for p in keys.iterdir())
    private = tmp_path / "keys" / "acme-academy" / "key-9.key"
    args = ["--root", str(signer.root), "keygen", "acme-academy", "--key-id", "key-9", "--out", str(private)]
    _killed(keys, _CREDREG, *args)
    # Only the owner's record, written first: a line for a key never published, which no entry will match.
    assert sorted(p.name for p in private.parent.iterdir()) == ["acme-academy.signed.txt"]
    assert sorted(p.name for p in keys.iterdir()) == before
    done = _credreg(*args)
    assert done.returncode == 0, done.stderr
    assert private.is_file()
    assert (keys / "key-9.json").is_file()


def test_a_keygen_killed_between_the_halves_leaves_a_private_key_it_then_explains(
    signer: Signer, tmp_path: Path
) -> None:
    """Killed after it named the private half and before the public one: the private key is whole, never
    registered, and the next run says so and what to do (never a registered key nobody holds)."""
    _need_unnamed_files(tmp_path)
    keys = signer.root / "keys/acme-academy"
    private = tmp_path / "keys" / "acme-academy" / "key-9.key"
    args = ["--root", str(signer.root), "keygen", "acme-academy", "--key-id", "key-9", "--out", str(private)]
    done = subprocess.run(
        [sys.executable, "-c", _KILL_AT_LINK + textwrap.dedent(_CREDREG), str(keys / "key-9.json"), *args],
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == -9, done.stderr
    named = sorted(p.name for p in private.parent.iterdir())
    assert named == ["acme-academy.signed.txt", "key-9.key"], "the private half, whole, by its name (and the record)"
    assert json.loads(private.read_text())["keyId"] == "key-9"
    assert not (keys / "key-9.json").exists()
    again = _credreg(*args)
    assert again.returncode == 1, again.stderr
    assert "without its public half keys/acme-academy/key-9.json" in again.stderr
    assert "was stopped before it wrote that half, so this key was never registered" in again.stderr
    assert f"delete {private} and run `credreg keygen` again" in again.stderr
    private.unlink()
    assert _credreg(*args).returncode == 0
    assert (keys / "key-9.json").is_file()


def test_codeowners_killed_while_it_writes_leaves_the_old_file_whole(signer: Signer, tmp_path: Path) -> None:
    """`credreg codeowners` rewrites .github/CODEOWNERS in the checkout: killed as it writes, the old file stays,
    whole (it wrote in place, so a kill could leave half of the owners: a review rule lost)."""
    _need_unnamed_files(tmp_path)
    owners = signer.root / ".github" / "CODEOWNERS"
    owners.parent.mkdir()
    owners.write_text("# an older CODEOWNERS\n* @registry-admin\n")
    _killed(owners.parent, _CREDREG, "--root", str(signer.root), "codeowners")
    assert sorted(p.name for p in owners.parent.iterdir()) == ["CODEOWNERS"]
    assert owners.read_text() == "# an older CODEOWNERS\n* @registry-admin\n"
    assert _credreg("--root", str(signer.root), "codeowners").returncode == 0
    assert _credreg("--root", str(signer.root), "codeowners", "--check").returncode == 0


def test_an_award_interrupted_as_its_file_is_named_is_taken_back_with_its_new_list(
    signer: Signer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C (a real SIGINT) as the award's file has been named, before the run recorded it (Python raises the
    handler's exception at the next line): the file stood in the registry while the run's clean-up, which takes
    back what an interrupted run wrote, did not know of it. Named and recorded with signals held off now: the
    new status list and the award both go, and the registry is as it was."""
    import signal

    import generator.awarding.status as status

    before = sorted(p.relative_to(signer.root) for p in signer.root.rglob("*"))
    real = status.write_award_file

    def write(root: Path, path: Path, text: str) -> None:
        real(root, path, text)
        ctrl_c()

    monkeypatch.setattr(status, "write_award_file", write)
    handler = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            signer.award()
    finally:
        signal.signal(signal.SIGINT, handler)
    assert sorted(p.relative_to(signer.root) for p in signer.root.rglob("*")) == before
