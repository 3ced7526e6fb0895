"""A full disk met in the middle of a write leaves every file as it was: no half line in the owner's record of what
it signed or in a revocation log (which every later reader would refuse), and a message naming the file, not a
traceback. The disk is a real one: a small tmpfs mounted for the test (skipped where mounting is not permitted)."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator import layout
from generator._internal.files import append_line
from generator.awarding.record import HEADER, read_records
from tests.conftest import REPO, Signer, ctrl_c

PAGE = 4096


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MiB tmpfs (a registry fits) at a new folder, unmounted after the test whatever happens."""
    mount = tmp_path / "small-disk"
    mount.mkdir()
    if shutil.which("mount") is None or os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root and mount(8)")
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", str(mount)], capture_output=True, check=False
    )
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.decode(errors='replace').strip()}")
    try:
        yield mount
    finally:
        if subprocess.run(["umount", str(mount)], check=False).returncode != 0:
            subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(disk: Path) -> None:
    """Take every free page of ``disk`` (a file's last page keeps its free bytes: a write there begins, then fails)."""
    fd = os.open(disk / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while os.statvfs(disk).f_bfree:
            os.write(fd, b"\0" * PAGE)
        with pytest.raises(OSError, match="No space left on device"):
            os.write(fd, b"\0" * PAGE)
    finally:
        os.close(fd)


def _pad_to_page_end(path: Path, head: str, free: int) -> None:
    """``head`` and comment lines, ``free`` bytes short of a page's end (what a full disk still takes of a write)."""
    room = (-(len(head.encode()) + 1) - free) % PAGE
    room += PAGE if room == 1 else 0  # a comment line is 2 bytes at least
    padding = "#" + "-" * (room - 2) + "\n" if room else ""
    path.write_text(head + "\n" + padding)
    assert path.stat().st_size % PAGE == PAGE - free


def test_append_line_on_a_full_disk_leaves_the_file_as_it_was(small_disk: Path) -> None:
    log = small_disk / "revocations.jsonl"
    _pad_to_page_end(log, '{"a":1}', free=20)
    _fill(small_disk)
    before = log.read_bytes()
    with pytest.raises(OSError, match="No space left on device") as raised:
        append_line(log, '{"award":"' + "f" * 64 + '"}')
    assert raised.value.errno == errno.ENOSPC
    assert raised.value.filename == str(log)  # the message names the file
    assert log.read_bytes() == before  # it was '…{"award":"ffffffff' (20 bytes of the line)
    os.unlink(small_disk / "filler")
    append_line(log, '{"b":2}')
    assert log.read_bytes() == before + b'{"b":2}\n'


def test_revoke_with_its_record_on_a_full_disk_leaves_the_record_whole_and_revokes_nothing(
    signer: Signer, small_disk: Path
) -> None:
    """The key and the owner's record on a small volume of their own (a USB stick), full: the record is written
    first, so the revocation fails there, and the record is as it was (it ended in half a line, which `credreg
    log monitor --record` and `resign-lists` refused from then on)."""
    award = signer.award()
    key = small_disk / "acme-academy.key"
    key.write_bytes(signer.key_path.read_bytes())
    key.chmod(0o600)
    record = small_disk / "acme-academy.signed.txt"
    _pad_to_page_end(record, HEADER, free=40)
    _fill(small_disk)
    status = layout.status_list_path(signer.root, "acme-academy", 1)
    log = layout.revocations_path(signer.root, "acme-academy")
    before = (record.read_bytes(), status.read_bytes(), log.exists())
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(signer.root), "revoke", award.hash, "--key", str(key),
         "--reason", "Withdrawn by the issuer"],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert done.returncode != 0, done.stdout
    assert "Traceback" not in done.stderr, done.stderr
    assert f"{record}: No space left on device" in done.stderr, done.stderr
    assert (record.read_bytes(), status.read_bytes(), log.exists()) == before
    read_records([record])  # still a record every reader reads


def test_revoke_whose_status_list_meets_a_full_disk_says_the_revocation_is_logged_and_is_completed_later(
    signer: Signer, small_disk: Path
) -> None:
    """The registry on a full disk with room left in the revocation log's last page: the signed line is appended,
    the re-signed status list cannot be written. The message said only 'status/1.json: No space left on device',
    as if nothing had happened; it now says the revocation is logged and how it is completed, and it is."""
    first, second = signer.award(), signer.award(email="bob@example.org")
    root = small_disk / "registry"
    shutil.copytree(signer.root, root, symlinks=True)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    revoke = [sys.executable, "-m", "generator", "--root", str(root), "revoke", "--key", str(signer.key_path)]
    record = ["--record", str(signer.key_dir / "record.txt")]

    def run(digest: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*revoke, digest, "--reason", "Withdrawn by the issuer", *record],
            capture_output=True, text=True, env=env, check=False,
        )  # fmt: skip

    assert run(first.hash).returncode == 0
    log = layout.revocations_path(root, "acme-academy")
    assert 0 < log.stat().st_size < PAGE // 2  # room for a second line in its page
    _fill(small_disk)
    half = run(second.hash)
    assert "Traceback" not in half.stderr, half.stderr
    assert half.returncode == 2, half.stdout + half.stderr
    told = " ".join(half.stderr.split())
    assert f"award {second.hash} is revoked in registry/issuers/acme-academy/revocations.jsonl" in told, told
    assert "its status list registry/issuers/acme-academy/status/1.json could not be written" in told, told
    assert f"run `credreg revoke {second.hash} --key … --reason …` again" in told, told
    os.unlink(small_disk / "filler")
    done = run(second.hash)
    assert done.returncode == 0, done.stderr
    assert f"completed the revocation of {second.hash}" in done.stdout, done.stdout
    assert len(log.read_text().splitlines()) == 2


@pytest.mark.parametrize("list_is_new", [False, True], ids=["in-its-list", "with-a-new-list"])
def test_an_award_run_that_meets_a_full_disk_leaves_the_registry_as_it_was_and_says_so(
    signer: Signer, small_disk: Path, tmp_path: Path, list_is_new: bool
) -> None:
    """`credreg award --csv` on a full disk (room left for a new status list, not for the cohort's batch): the
    message said only 'cannot write …: No space left on device'. A new status list made by the run stayed in the
    registry, holding no award, and nothing said that the earners' folder holds six links to awards that were never
    published (which an issuer would send). The run is all or nothing now: a list it made goes, and the message
    says that nothing was written to the registry and that the earners' folder is to be deleted."""
    if not list_is_new:
        signer.award()  # the status list exists: this run writes its batch only
    root = small_disk / "registry"
    shutil.copytree(signer.root, root, symlinks=True)
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    cohort = tmp_path / "cohort.csv"
    cohort.write_text("email\n" + "".join(f"p{i}@example.org\n" for i in range(6)))
    earners = tmp_path / "earners"
    _fill(small_disk)
    with open(small_disk / "filler", "r+b") as fh:  # room for a status list (a page), not for a batch of six
        fh.truncate(os.path.getsize(small_disk / "filler") - PAGE)
    done = subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(root), "award", "acme-academy/sql-basics",
         "--csv", str(cohort), "--key", str(signer.key_path), "--out", str(earners)],
        capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO)}, check=False,
    )  # fmt: skip
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 2, done.stdout + done.stderr
    told = " ".join(done.stderr.split())
    assert "/batches/" in told, told
    assert "No space left on device" in told, told
    assert "nothing was written to the registry" in told, told
    assert f"{earners} holds the files of awards that were not published: delete it" in told, told
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before, "the registry as it was"


def test_a_new_issuer_whose_codeowners_meets_a_full_disk_leaves_nothing_and_can_be_made_again(
    registry_dir: Path, small_disk: Path
) -> None:
    """`credreg new issuer` writes the issuer's file, then CODEOWNERS with its row: on a disk with room for the
    first only, the issuer's file stayed (CODEOWNERS without its row, which the check refuses) and running the
    command again, once there was room, was refused ('already exists'). All or nothing now: the issuer's file and
    its folder go, the message says nothing was written, and the same command then succeeds."""
    from tests.scaffold.test_new import ISSUER_FLAGS, NEW_ISSUER

    root = small_disk / "registry"
    shutil.copytree(registry_dir, root, symlinks=True)
    (root / ".github").mkdir(exist_ok=True)
    (root / ".github" / "CODEOWNERS").write_text("# regenerated by credreg codeowners\n")
    subprocess.run([sys.executable, "-m", "generator", "--root", str(root), "codeowners"], check=True,
                   env={**os.environ, "PYTHONPATH": str(REPO)})  # fmt: skip
    before = {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()}
    new = [sys.executable, "-m", "generator", "--root", str(root), "new", "issuer", "harbour-data-school"]
    _fill(small_disk)
    with open(small_disk / "filler", "r+b") as fh:  # room for the issuer's file (a page), not for CODEOWNERS
        fh.truncate(os.path.getsize(small_disk / "filler") - PAGE)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([*new, *ISSUER_FLAGS], capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL,
                          check=False)  # fmt: skip
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode != 0, done.stdout
    told = " ".join(done.stderr.split())
    assert ".github/CODEOWNERS: No space left on device" in told, told
    assert f"{NEW_ISSUER} was not written: nothing was changed" in told, told
    assert {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()} == before
    assert not (root / NEW_ISSUER).parent.exists()
    os.unlink(small_disk / "filler")
    again = subprocess.run([*new, *ISSUER_FLAGS], capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL,
                           check=False)  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert "harbour-data-school" in (root / ".github" / "CODEOWNERS").read_text()


def _award_with_ctrl_c(
    signer: Signer, cohort: Path, earners: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str]:
    """``credreg award`` of ``cohort`` run in this process with Python's own Ctrl-C handler (the test arranges where
    the signal comes): its exit status and what it told, on one line."""
    import signal

    from generator.cli import main

    handler = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        code = main(["--root", str(signer.root), "award", "acme-academy/sql-basics", "--csv", str(cohort),
                     "--key", str(signer.key_path), "--out", str(earners)])  # fmt: skip
    finally:
        signal.signal(signal.SIGINT, handler)
    return code, " ".join(capsys.readouterr().err.split())


@pytest.mark.parametrize("when", ["as its batch goes in", "as the earners' folder is written"])
def test_an_award_run_interrupted_says_the_earners_folder_is_to_be_deleted(
    signer: Signer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], when: str
) -> None:
    """Ctrl-C (or SIGTERM) as the cohort's batch went into the registry: the run took the batch and its new status
    list back, but said only 'credreg: interrupted', while the earners' folder, written first, held six award
    files (with their links) for awards never published, which an issuer would send. It says so now, as a full
    disk's message does; so does one stopped after the earners' folder was written, before the registry."""

    from generator.awarding import issue, status

    cohort = tmp_path / "cohort.csv"
    cohort.write_text("email\n" + "".join(f"p{i}@example.org\n" for i in range(6)))
    earners = tmp_path / "earners"
    before = sorted(p.relative_to(signer.root) for p in signer.root.rglob("*"))
    real = status.write_award_file

    def write_award_file(root: Path, path: Path, text: str) -> None:
        real(root, path, text)
        ctrl_c()

    real_earners = issue.write_earners

    def write_earners(folder: Path, rows: Any) -> Path:
        done = real_earners(folder, rows)
        ctrl_c()
        return done

    if when == "as its batch goes in":
        monkeypatch.setattr(status, "write_award_file", write_award_file)
    else:
        monkeypatch.setattr(issue, "write_earners", write_earners)
    code, told = _award_with_ctrl_c(signer, cohort, earners, capsys)
    assert code == 130, told
    assert sorted(p.relative_to(signer.root) for p in signer.root.rglob("*")) == before, "the registry as it was"
    assert len(list(earners.glob("*.json"))) == 6
    assert "credreg: interrupted" in told, told
    assert "nothing was written to the registry" in told, told
    assert f"{earners} holds the files of awards that were not published: delete it" in told, told


def test_an_award_run_interrupted_once_its_files_are_in_does_not_say_nothing_was_written(
    signer: Signer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ctrl-C as the all-or-nothing block had kept the run's files (Python raises it at the next line, still in
    write_signed_files): the awards are in the registry, and the message must not tell the issuer to delete the
    earners' folder, whose links now work."""
    import contextlib

    from generator.awarding import status

    cohort = tmp_path / "cohort.csv"
    cohort.write_text("email\n" + "".join(f"p{i}@example.org\n" for i in range(3)))
    earners = tmp_path / "earners"
    real = status.all_or_nothing

    @contextlib.contextmanager
    def all_or_nothing(root: Path) -> Iterator[Any]:
        with real(root) as make:
            yield make
        ctrl_c()

    monkeypatch.setattr(status, "all_or_nothing", all_or_nothing)
    code, told = _award_with_ctrl_c(signer, cohort, earners, capsys)
    assert code == 130, told
    assert list((signer.root / "registry").rglob("batches/*")), "the batch is in"
    assert "nothing was written" not in told, told
    assert "delete it" not in told, told
