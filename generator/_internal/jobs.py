"""How many worker processes to use, and how to start them."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.context import ForkContext
from typing import Any, Generic, TypeVar

from generator._internal.signals import held_off, release_in_child

__all__ = ["Background", "default_jobs", "fork_context"]

T = TypeVar("T")


def default_jobs() -> int:
    """Worker processes by default: one per core this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def fork_context() -> ForkContext:
    """Forked workers inherit what the parent already built (the registry, the site model, processed
    contexts), so none of it is pickled or rebuilt."""
    return multiprocessing.get_context("fork")


class Background(Generic[T]):
    """``fn(*args, **kwargs)`` in a forked process, while this one goes on: for independent work that would
    leave a core idle. The child inherits everything already built (nothing is pickled but the result);
    :meth:`result` waits for it and returns its value or raises its exception, :meth:`cancel` ends it.

    The child's temporary files (:mod:`tempfile`'s, and those of the programs it runs, by ``TMPDIR``) go into a
    folder of the job's own, which the parent removes once the child has ended: a cancelled child is killed, and
    its own cleanup never runs (every refused or interrupted build left the shard buckets of its verification
    data behind in the system's temporary folder)."""

    def __init__(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> None:
        self._scratch = tempfile.mkdtemp(prefix="credreg-job-")
        self._conn, child_conn = fork_context().Pipe(duplex=False)
        self._process = fork_context().Process(
            target=_background_child, args=(os.getpid(), child_conn, self._scratch, fn, args, kwargs), daemon=True
        )
        self._message: bytes | None = None
        self._reader = threading.Thread(target=self._receive, daemon=True)
        try:
            with held_off():  # the child started, then its group made and its reader too, not one without the other
                self._process.start()
                # The child leads a process group of its own (both sides set it: whichever runs first), so that
                # cancel ends what it started too: the checks' searches run git grep, grep -r, git ls-files, which
                # went on reading the repository for seconds after an interrupted check had killed their parent.
                _own_group(self._process.pid)
                child_conn.close()
                # The result is read as soon as it is sent, not when it is asked for: a result larger than the
                # pipe's buffer kept the child blocked on writing it, a whole process alive beside the work it was
                # meant to overlap (the full check's secret search: 43 MB more at the peak of a 100k-award check).
                self._reader.start()
        except BaseException:  # a Ctrl-C held off meanwhile, raised here: the caller never gets this to cancel
            self.cancel()
            child_conn.close()
            raise

    def _receive(self) -> None:
        try:
            self._message = self._conn.recv_bytes()
        except (EOFError, OSError):  # the child ended without a result (or was cancelled)
            self._message = None

    @property
    def running(self) -> bool:
        """Whether the child process is still alive (it ends once it has sent its result)."""
        return self._process.is_alive()

    def result(self) -> T:
        self._reader.join()
        self._process.join()
        self._conn.close()
        shutil.rmtree(self._scratch, ignore_errors=True)
        if self._message is None:
            code = self._process.exitcode
            raise RuntimeError(f"a background process ended without a result (exit code {code})")
        kind, value = pickle.loads(self._message)  # noqa: S301 - our own child's message
        if kind == "error":
            raise value
        return value  # type: ignore[no-any-return]

    def cancel(self) -> None:
        """End the process and every process it started, and wait for it: nothing it started reads or writes
        anything once this returns."""
        pid = self._process.pid
        if pid is not None and self._process.exitcode is None:
            # Only while the leader is not reaped: its pid names the group then, and no process another may start.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)
            self._process.kill()  # had the group not been made (the pid is the child's at least)
        if pid is not None:
            self._process.join()
        if self._reader.ident is not None:
            self._reader.join()
        self._conn.close()
        shutil.rmtree(self._scratch, ignore_errors=True)  # the group is dead: nothing writes there any more


def _own_group(pid: int | None) -> None:
    """Make the process ``pid`` (0: this one) the leader of a process group of its own."""
    with contextlib.suppress(OSError):  # it has ended already (and then started nothing that runs on)
        os.setpgid(pid or 0, pid or 0)


#: How often a job looks whether its parent is still there (:func:`_end_with_parent`).
_PARENT_WATCH_SECONDS = 0.1


def _end_with_parent(parent: int) -> None:
    """Kill this process's group once ``parent`` has ended. Leading a group of its own took the job out of its
    parent's, which a supervisor kills whole (``timeout -k``, a CI runner's SIGKILL): the job and what it started
    ran on with no one to read the result, writing into a build's staging folder. (A parent that unwinds cancels
    it. Polled: Linux's parent-death signal comes as the forking *thread* ends, and it kills no group.)"""
    while os.getppid() == parent:
        time.sleep(_PARENT_WATCH_SECONDS)
    if os.getpgid(0) == os.getpid():  # its own group, as made: never the one its parent shared with a shell's job
        os.killpg(0, signal.SIGKILL)
    os.kill(os.getpid(), signal.SIGKILL)


def _background_child(
    parent: int, conn: Connection, scratch: str, fn: Callable[..., Any], args: Any, kwargs: Any
) -> None:
    _own_group(0)  # before anything it starts, which joins the group
    tempfile.tempdir = os.environ["TMPDIR"] = scratch
    threading.Thread(target=_end_with_parent, args=(parent,), daemon=True).start()
    release_in_child()  # started while the parent held signals off (publish/site.py), which a fork inherits
    try:
        message: tuple[str, Any] = ("ok", fn(*args, **kwargs))
    except BaseException as exc:  # every failure goes to the parent, which raises it
        message = ("error", exc)
    try:
        data = pickle.dumps(message)
        pickle.loads(data)  # noqa: S301 - an exception whose arguments do not rebuild it fails here, not there
    except Exception as exc:
        data = pickle.dumps(("error", RuntimeError(f"{type(message[1]).__name__}: {message[1]} ({exc})")))
    conn.send_bytes(data)
    conn.close()
