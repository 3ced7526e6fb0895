"""Work in a forked process: its value or its exception comes back to the parent, and it can be stopped."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from generator._internal.jobs import Background
from generator.errors import CredregError


def _pid_and(value: int) -> tuple[int, int]:
    return os.getpid(), value * 2


def _fail() -> None:
    raise CredregError("the data could not be written", ["disk full"])


class _Unpicklable(Exception):
    def __init__(self, a: str, b: str) -> None:
        super().__init__(f"{a} {b}")


def _fail_oddly() -> None:
    raise _Unpicklable("odd", "error")


def _write_slowly(folder: Path) -> None:
    for i in range(200):
        (folder / f"{i}.txt").write_text("x")
        time.sleep(0.05)


def test_the_value_comes_back_from_another_process() -> None:
    inherited = {"built": 21}  # made before the fork: the child sees it without pickling
    pid, value = Background(_pid_and, inherited["built"]).result()
    assert pid != os.getpid()
    assert value == 42


def test_the_exception_comes_back_as_it_was() -> None:
    with pytest.raises(CredregError, match="could not be written") as raised:
        Background(_fail).result()
    assert raised.value.details == ["disk full"]


def test_an_exception_that_does_not_pickle_still_says_what_happened() -> None:
    with pytest.raises(RuntimeError, match="_Unpicklable: odd error"):
        Background(_fail_oddly).result()


def test_cancel_stops_the_writes(tmp_path: Path) -> None:
    job = Background(_write_slowly, tmp_path)
    time.sleep(0.3)
    job.cancel()
    written = len(list(tmp_path.iterdir()))
    time.sleep(0.3)
    assert len(list(tmp_path.iterdir())) == written < 200


def _large() -> bytes:
    return b"x" * 1_000_000  # far beyond a pipe's buffer


def test_the_child_ends_once_its_result_is_sent_not_when_it_is_asked_for() -> None:
    # A result larger than the pipe's buffer kept the child blocked on writing it until result() was called: a
    # whole process alive beside the work it was meant to overlap (the full check's peak memory grew by one).
    job = Background(_large)
    deadline = time.monotonic() + 30
    while job.running and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not job.running
    assert job.result() == _large()


def test_cancel_after_the_result_was_sent_is_quiet() -> None:
    job = Background(_large)
    while job.running:
        time.sleep(0.05)
    job.cancel()


def _run_a_reader(pid_file: Path) -> None:
    # What the checks' background searches do: a child process of their own (git grep, grep -r, git ls-files).
    subprocess.run(["sh", "-c", f'echo $$ > "{pid_file}"; exec sleep 60'], check=False)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"  # a zombie has ended; its reaping is its new parent's


def _cancelled_ends_its_reader(job: Background[None], pid_file: Path) -> None:
    """Once ``job`` (running :func:`_run_a_reader`) has started its reader, cancel it: the reader is gone."""
    deadline = time.monotonic() + 30
    while not pid_file.exists() or not pid_file.read_text().strip():
        assert time.monotonic() < deadline
        time.sleep(0.01)
    reader = int(pid_file.read_text())
    job.cancel()
    deadline = time.monotonic() + 5
    while _alive(reader) and time.monotonic() < deadline:
        time.sleep(0.01)
    try:
        assert not _alive(reader)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(reader, signal.SIGKILL)


def test_cancel_ends_the_processes_the_job_started(tmp_path: Path) -> None:
    # An interrupted check cancelled its searches, but a search's own grep went on reading the repository for
    # seconds after the check had ended (the kill reached the job's process only).
    pid_file = tmp_path / "pid"
    job = Background(_run_a_reader, pid_file)
    _cancelled_ends_its_reader(job, pid_file)


_KILLED_PARENT = """
import sys, time
from pathlib import Path
from tests._internal.test_jobs import _run_a_reader
from generator._internal.jobs import Background
job = Background(_run_a_reader, Path(sys.argv[1]))
Path(sys.argv[2]).write_text(str(job._process.pid))
time.sleep(60)
"""


def test_a_job_ends_with_the_process_group_its_parent_was_killed_in(tmp_path: Path) -> None:
    # A job leads a process group of its own (cancel ends what it started), which took it out of its parent's: a
    # supervisor killing the parent's group (timeout -k, a CI runner's SIGKILL) left the job and its grep running,
    # writing on into a build's staging folder or reading the repository with no one to use it.
    pid_file, job_file = tmp_path / "pid", tmp_path / "job"
    parent = subprocess.Popen(
        [sys.executable, "-c", _KILLED_PARENT, str(pid_file), str(job_file)],
        cwd=Path(__file__).parents[2],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])},
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while not all(f.exists() and f.read_text().strip() for f in (pid_file, job_file)):
        assert time.monotonic() < deadline
        assert parent.poll() is None
        time.sleep(0.01)
    reader, job = int(pid_file.read_text()), int(job_file.read_text())
    os.killpg(parent.pid, signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 5
    while (_alive(reader) or _alive(job)) and time.monotonic() < deadline:
        time.sleep(0.01)
    try:
        assert not _alive(job)
        assert not _alive(reader)
    finally:
        for pid in (reader, job):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def _slowly(value: int) -> int:
    time.sleep(0.5)
    return value


def test_a_job_started_by_a_thread_that_ended_runs_on_and_is_cancelled_whole(tmp_path: Path) -> None:
    # Started outside the main thread (held_off there holds the mask only), by a thread that ends before the job
    # does: the job is not ended with the thread (as Linux's parent-death signal would), and cancel still ends what
    # it started.
    jobs: list[Background[Any]] = []
    pid_file = tmp_path / "pid"

    def start() -> None:
        jobs.extend([Background(_slowly, 21), Background(_run_a_reader, pid_file)])

    starter = threading.Thread(target=start)
    starter.start()
    starter.join()
    value, reading = jobs
    assert value.result() == 21
    _cancelled_ends_its_reader(reading, pid_file)


def _scratch_then_wait(told: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="credreg-shards-") as scratch:
        (Path(scratch) / "00.jsonl").write_text("an award's shard entry\n")
        # What the job's own programs are told too (git, grep): their scratch goes the same way.
        told.write_text(f"{scratch}\n{os.environ.get('TMPDIR', '')}")
        time.sleep(60)


def test_a_cancelled_job_leaves_no_scratch_files(tmp_path: Path) -> None:
    # A cancelled job is killed (SIGKILL): its TemporaryDirectory's cleanup never ran, and every refused or
    # interrupted build left the verification data's shard buckets in /tmp, 63 folders after one run of the suite.
    told = tmp_path / "told"
    job = Background(_scratch_then_wait, told)
    deadline = time.monotonic() + 30
    while not (told.exists() and "\n" in told.read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    scratch, tmpdir = told.read_text().split("\n")
    assert Path(scratch).is_dir()
    assert Path(tmpdir).is_dir()
    assert Path(scratch).parent == Path(tmpdir)
    job.cancel()
    assert not Path(scratch).exists()
    assert not Path(tmpdir).exists()


def _scratch_file() -> str:
    handle, path = tempfile.mkstemp()  # not removed by the job: a leak of its own
    os.close(handle)
    return path


def test_a_finished_job_leaves_no_scratch_files() -> None:
    path = Background(_scratch_file).result()
    assert not Path(path).exists()
    assert Path(path).parent != Path(tempfile.gettempdir())
