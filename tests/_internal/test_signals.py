"""Signals held off while a step must not be cut in two, and taken again by the processes started meanwhile."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator._internal.jobs import Background
from generator._internal.signals import HELD_OFF, held_off
from generator.publish.search import SearchIndexer
from generator.render.search import SearchRecord


class _Stopped(Exception):
    pass


@pytest.fixture
def raising_on_term() -> Iterator[None]:
    def on_term(_signum: int, _frame: object) -> None:
        raise _Stopped

    before = signal.signal(signal.SIGTERM, on_term)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)


def _blocked() -> set[int]:
    """The signals this process holds off, as the kernel reports them."""
    line = next(x for x in Path("/proc/self/status").read_text().splitlines() if x.startswith("SigBlk:"))
    mask = int(line.split()[1], 16)
    return {n for n in range(1, 65) if mask >> (n - 1) & 1}


@pytest.mark.usefixtures("raising_on_term")
def test_a_signal_arriving_while_held_off_is_raised_after_the_step() -> None:
    steps: list[str] = []

    def step() -> None:
        with held_off():
            # To this thread: sent to the process, a thread of pytest-xdist's took it, and its handler ran whenever
            # that thread got to it, maybe after the step (the test below sends one to another thread on purpose).
            signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGTERM)
            steps.append("made")  # not cut off: the handler has not run yet
            steps.append("recorded")
        steps.append("after")

    with pytest.raises(_Stopped):
        step()
    assert steps == ["made", "recorded"]
    assert not _blocked() & HELD_OFF


@pytest.mark.usefixtures("raising_on_term")
def test_a_signal_taken_by_another_thread_while_held_off_is_raised_after_the_step() -> None:
    """A process-directed signal goes to any thread that does not block it: with a second thread running (a
    Background's reader, `credreg serve`'s server, pytest-xdist's own), the mask of the thread that held the signals
    off stopped nothing, and Python ran the handler in the main thread as before, mid-step."""
    go, sent = threading.Event(), threading.Event()

    def other_thread() -> None:  # started outside held_off: takes the signals
        go.wait()
        signal.pthread_kill(threading.get_ident(), signal.SIGTERM)  # its handler's part done before this returns
        sent.set()

    other = threading.Thread(target=other_thread)
    other.start()
    steps: list[str] = []

    def step() -> None:
        with held_off():
            go.set()
            sent.wait()  # Python runs the handler in this thread now: here, before held_off noted it
            steps.append("made")
            steps.append("recorded")
        steps.append("after")

    try:
        with pytest.raises(_Stopped):
            step()
    finally:
        go.set()
        other.join()
    assert steps == ["made", "recorded"]
    assert not _blocked() & HELD_OFF
    assert _term_handler() == "on_term", "the handler as it was"


def test_held_off_in_another_thread_changes_no_handler() -> None:
    """Python runs handlers in the main thread only: held off in another thread (a signal module call made there
    raises ValueError), the step runs as it is, signals masked in that thread."""
    seen: list[object] = []

    def run() -> None:
        with held_off():
            seen.append(_blocked_here() >= HELD_OFF)
        seen.append(HELD_OFF & _blocked_here())

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert seen == [True, set()]


def _blocked_here() -> set[int]:
    """The signals the calling thread holds off."""
    return set(signal.pthread_sigmask(signal.SIG_BLOCK, []))


def test_a_background_job_started_while_held_off_takes_signals_again() -> None:
    with held_off():
        job = Background(_blocked)
    assert not _blocked() & HELD_OFF  # the parent takes them again too
    assert not job.result() & HELD_OFF


def _term_handler() -> str:
    return getattr(signal.getsignal(signal.SIGTERM), "__name__", "")


@pytest.mark.usefixtures("raising_on_term")
def test_a_background_job_started_while_held_off_has_the_handlers_from_before() -> None:
    """held_off notes a signal in place of the handler (in the main thread): a forked child would keep that note,
    and swallow every SIGTERM sent to it. It gets the handlers from before held_off."""
    with held_off():
        job = Background(_term_handler)
    assert job.result() == "on_term"


def test_the_search_indexer_started_while_held_off_stops_on_sigterm(tmp_path: Path) -> None:
    """Pagefind starts while signals are held off, which it inherits: without taking them again, a SIGTERM sent
    to it (by a user, or a service manager stopping everything) waited until it had written the whole index."""
    record = SearchRecord("/c/one/", "words", {"title": "One"}, {}, {})
    indexer = SearchIndexer(tmp_path / "site")
    indexer.start([record])
    assert indexer.process is not None
    os.kill(indexer.process.pid, signal.SIGTERM)  # at once: while it starts, with signals still held off
    indexer.process.communicate(timeout=60)
    assert indexer.process.returncode == -signal.SIGTERM
    indexer.cancel()
    assert indexer.source is not None
    assert not indexer.source.exists()


def test_the_search_indexer_may_be_cancelled_twice_and_after_it_finished(tmp_path: Path) -> None:
    """A build's clean-up cancels every writer it started, whichever already ended (finished, or cancelled by an
    inner clean-up): a second cancel raised ValueError from the closed pipe, which hid the interruption."""
    indexer = SearchIndexer(tmp_path / "site")
    indexer.cancel()  # not started: nothing to stop
    indexer.start([SearchRecord("/c/one/", "words", {"title": "One"}, {}, {})])
    indexer.cancel()
    indexer.cancel()
    finished = SearchIndexer(tmp_path / "other")
    finished.start([SearchRecord("/c/one/", "words", {"title": "One"}, {}, {})])
    finished.finish()
    finished.cancel()
    assert (tmp_path / "other" / "pagefind" / "pagefind.js").is_file()


@pytest.mark.usefixtures("raising_on_term")
@pytest.mark.parametrize("taken_by", ["this thread", "another thread"])
def test_a_signal_held_off_while_the_step_fails_is_still_raised(taken_by: str) -> None:
    """A step that fails (a full disk) after a SIGTERM or Ctrl-C arrived: one sent to this thread stayed pending
    in the kernel and was raised as the mask went back, but one another thread took was only noted, and the note
    was dropped with the step's error: a caller that handles the error (a rollback, a loop that reports and goes
    on) never stopped. Either way now the signal's exception is raised, the step's error as its context."""
    main = threading.main_thread().ident or 0
    go, sent = threading.Event(), threading.Event()

    def other_thread() -> None:
        go.wait()
        target = main if taken_by == "this thread" else threading.get_ident()
        signal.pthread_kill(target, signal.SIGTERM)
        sent.set()

    def step() -> None:
        with held_off():
            go.set()
            sent.wait()
            raise OSError(28, "No space left on device")

    other = threading.Thread(target=other_thread)
    other.start()
    try:
        with pytest.raises(_Stopped) as stopped:
            step()
    finally:
        go.set()
        other.join()
    assert isinstance(stopped.value.__context__, OSError)
    assert not _blocked() & HELD_OFF
    with held_off():  # nothing left noted or pending: delivered once, not again
        pass


@pytest.mark.usefixtures("raising_on_term")
@pytest.mark.parametrize("taken_by", ["this thread", "another thread", "either"])
@pytest.mark.parametrize("order", [(signal.SIGINT, signal.SIGTERM), (signal.SIGTERM, signal.SIGINT)])
def test_ctrl_c_and_sigterm_in_one_held_step_end_it_as_sigterm(
    taken_by: str, order: tuple[signal.Signals, signal.Signals]
) -> None:
    """Ctrl-C and a job runner's SIGTERM both during one held step: only the first noted was raised (the second
    was dropped: a clean-up that caught the first, a rollback, ran to its end and the run said "interrupted", 130,
    to the runner that had terminated it), and two sent to this thread came out in the kernel's order. Each is now
    raised, the strongest last: SIGTERM's, which the exit status reports (143), the other as its context."""
    main = threading.main_thread().ident or 0
    go, sent = threading.Event(), threading.Event()

    def other_thread() -> None:
        go.wait()
        for i, signum in enumerate(order):
            here = taken_by == "another thread" or (taken_by == "either" and i == 1)
            signal.pthread_kill(threading.get_ident() if here else main, signum)
        sent.set()

    steps: list[str] = []

    def step() -> None:
        with held_off():
            go.set()
            sent.wait()
            steps.append("made")
        steps.append("after")

    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    other = threading.Thread(target=other_thread)
    other.start()
    try:
        with pytest.raises(_Stopped) as stopped:
            step()
    finally:
        go.set()
        other.join()
        signal.signal(signal.SIGINT, before)
    assert steps == ["made"]
    assert isinstance(stopped.value.__context__, KeyboardInterrupt)
    assert not _blocked() & HELD_OFF
    with held_off():  # nothing left noted or pending: delivered once, not again
        pass


_PRELUDE = """
import queue, signal, sys, threading
from generator._internal.signals import held_off

asked, sent = queue.Queue(), queue.Queue()

def other_thread():  # started before any step: one started inside would inherit the step's mask
    while True:
        signal.pthread_kill(threading.get_ident(), asked.get())
        sent.put(None)

threading.Thread(target=other_thread, daemon=True).start()

def send(signum, here):
    # To this (the main) thread, pending under the mask; or to another, whose handler notes it.
    if here:
        signal.pthread_kill(threading.main_thread().ident, signum)
    else:
        asked.put(signum)
        sent.get()
"""


def _run(script: str) -> subprocess.CompletedProcess[str]:
    root = Path(__file__).parents[2]
    return subprocess.run(
        [sys.executable, "-c", _PRELUDE + script],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("here", [True, False])
def test_a_sighup_ignored_nohup_is_not_raised_after_the_step(here: bool) -> None:
    """Under nohup SIGHUP is ignored: one arriving while held off must stay ignored, not be raised at the end."""
    done = _run(f"""
signal.signal(signal.SIGHUP, signal.SIG_IGN)
with held_off():
    send(signal.SIGHUP, {here})
print("went on")
assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
""")
    assert (done.returncode, done.stdout) == (0, "went on\n"), done.stderr


@pytest.mark.parametrize("here", [True, False])
def test_ctrl_c_then_a_default_sigterm_end_the_process_as_sigterm_its_clean_up_unrun(here: bool) -> None:
    """SIGTERM at its default (a library caller's process): the run ends as SIGTERM says (143), at once, as it
    would have: the Ctrl-C raised first is no KeyboardInterrupt that a caller's clean-up then catches."""
    done = _run(f"""
signal.signal(signal.SIGINT, signal.default_int_handler)
signal.signal(signal.SIGTERM, signal.SIG_DFL)
try:
    with held_off():
        send(signal.SIGINT, {here})
        send(signal.SIGTERM, {here})
        print("made", flush=True)
finally:
    print("clean-up", flush=True)
""")
    assert (done.returncode, done.stdout) == (-signal.SIGTERM, "made\n"), done.stderr


@pytest.mark.parametrize("here", [True, False])
def test_handlers_that_do_not_raise_get_each_signal_once_and_the_run_goes_on(here: bool) -> None:
    """A handler that only records (a server's): every signal noted in the step reaches it once, in strength
    order, and what follows the step runs."""
    done = _run(f"""
seen = []
for signum in (signal.SIGINT, signal.SIGHUP, signal.SIGTERM):
    signal.signal(signum, lambda s, _f: seen.append(signal.Signals(s).name))
with held_off():
    with held_off():  # nested: delivered once, as the outer step ends
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGINT):
            send(signum, {here})
    print("inner", seen, flush=True)
print("outer", seen, flush=True)
with held_off():
    pass
print("again", seen, flush=True)
""")
    names = "['SIGINT', 'SIGHUP', 'SIGTERM']"
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"inner []\nouter {names}\nagain {names}\n"
