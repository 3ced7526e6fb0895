"""Signals a user sends to stop a run, held off while a step must not be cut in two."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType
from typing import Any

__all__ = ["HELD_OFF", "held_off", "release_in_child"]

#: What a user (Ctrl-C, a terminal closed) or a job runner (SIGTERM) sends to stop a run.
HELD_OFF = frozenset({signal.SIGINT, signal.SIGTERM, signal.SIGHUP})

#: The handlers the outermost :func:`held_off` replaced, for :func:`release_in_child`.
_BEFORE: dict[int, Any] = {}


@contextlib.contextmanager
def held_off() -> Iterator[None]:
    """Hold :data:`HELD_OFF` off while the body runs; one that arrived meanwhile is delivered at its end.

    Python raises a handler's exception (KeyboardInterrupt, the CLI's Terminated) at whatever line runs next: as a
    function making something (a folder, a process) returns and before its caller has recorded it, which leaves it
    to no one's clean-up. A child process started meanwhile inherits the mask: :func:`release_in_child`.

    The mask alone is not enough: it is the calling thread's, and the kernel gives a signal sent to the process to
    any thread that does not block it (a Background's reader, `credreg serve`'s server, a test runner's), whereupon
    Python runs the handler in the main thread all the same. So in the main thread the handlers are also replaced
    by one that notes the signal, and each noted signal is sent again once the handlers are back, the strongest last
    (:data:`_STRENGTH`)."""
    before = signal.pthread_sigmask(signal.SIG_BLOCK, HELD_OFF)
    if threading.current_thread() is not threading.main_thread():
        try:  # Python runs handlers in the main thread only: nothing is raised here, and no handler can be set
            yield
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, before)
        return
    noted: list[int] = []

    def note(signum: int, _frame: FrameType | None) -> None:
        if signum not in noted:
            noted.append(signum)

    saved: dict[int, Any] = {}
    outermost = not _BEFORE
    try:
        for signum in sorted(HELD_OFF):
            handler = signal.getsignal(signum)
            if handler is not signal.SIG_IGN and handler is not None:  # ignored, or not set from Python: as it is
                saved[signum] = signal.signal(signum, note)
                _BEFORE.setdefault(signum, handler)
        yield
    finally:
        if outermost:
            _BEFORE.clear()
        try:
            _restore(saved, before)
        finally:
            # To the handler the body would have met (SIG_DFL: the process ends, as it would have), the body's own
            # error or not (one another thread took, only noted, was otherwise lost with the error: a caller that
            # handles it, a rollback or a loop that reports and goes on, never stopped). Every one noted, the
            # strongest last: its exception is the one the run ends with, the others its context.
            _deliver(sorted(noted, key=_STRENGTH.index))


def _restore(saved: dict[int, Any], mask: Any) -> None:
    """Put the handlers and the mask back, each of them whatever is raised meanwhile (a handler run from another
    thread's signal as they go back), then raise the first thing raised: a handler left as :func:`held_off`'s note
    would swallow every later Ctrl-C, and a mask left blocking would hold them off for good."""
    raised: BaseException | None = None
    # The mask first, the notes still in place: a signal sent to this thread meanwhile, pending, is noted as it
    # goes back, as one another thread took, and delivered with them (Python ran the handlers of two in the order
    # of their numbers, raising the first: Ctrl-C's over SIGHUP's).
    pending = [(None, mask), *saved.items()]
    while pending:
        try:
            while pending:
                signum, value = pending[0]
                if signum is None:
                    signal.pthread_sigmask(signal.SIG_SETMASK, value)
                else:
                    signal.signal(signum, value)
                pending.pop(0)
        except BaseException as exc:
            raised = raised or exc
            if pending and _done(pending[0]):
                pending.pop(0)
    if raised is not None:
        raise raised


#: The signals of :data:`HELD_OFF`, weakest first. Two in one held step end the run as the strongest says: the exit
#: status (143 for SIGTERM) is read by whoever sent it, a CI runner or a service manager cancelling a job, and a
#: Ctrl-C pressed meanwhile does not turn it into "interrupted" (130). A terminal closing (SIGHUP) stops a run that
#: Ctrl-C stopped alike, and is outranked by a supervisor's SIGTERM.
_STRENGTH = (signal.SIGINT, signal.SIGHUP, signal.SIGTERM)


def _deliver(signums: list[int]) -> None:
    """Raise each signal of ``signums`` in turn, each whatever the one before raised (its exception then the
    next one's context): a handler's exception cut the loop that raised them, and the later signals were lost."""
    if signums:
        try:
            signal.raise_signal(signums[0])
        finally:
            _deliver(signums[1:])


def _done(step: tuple[int | None, Any]) -> bool:
    """Whether ``step`` of :func:`_restore` took effect before something was raised."""
    signum, value = step
    if signum is None:
        return set(signal.pthread_sigmask(signal.SIG_BLOCK, [])) == set(value)
    return signal.getsignal(signum) is value


def release_in_child() -> None:
    """In a process forked inside :func:`held_off`: take the signals again, with the handlers from before it (a
    fork keeps held_off's, which would note every signal and never act on it), as a process started elsewhere."""
    for signum, handler in _BEFORE.items():
        signal.signal(signum, handler)
    _BEFORE.clear()
    signal.pthread_sigmask(signal.SIG_UNBLOCK, HELD_OFF)
