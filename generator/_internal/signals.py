"""Signals a user sends to stop a run, held off while a step must not be cut in two."""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator

__all__ = ["HELD_OFF", "held_off", "release_in_child"]

#: What a user (Ctrl-C, a terminal closed) or a job runner (SIGTERM) sends to stop a run.
HELD_OFF = frozenset({signal.SIGINT, signal.SIGTERM, signal.SIGHUP})


@contextlib.contextmanager
def held_off() -> Iterator[None]:
    """Hold :data:`HELD_OFF` off while the body runs; one that arrived meanwhile is delivered at its end.

    Python raises a handler's exception (KeyboardInterrupt, the CLI's Terminated) at whatever line runs next: as a
    function making something (a folder, a process) returns and before its caller has recorded it, which leaves it
    to no one's clean-up. A child process started meanwhile inherits the mask: :func:`release_in_child`."""
    before = signal.pthread_sigmask(signal.SIG_BLOCK, HELD_OFF)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def release_in_child() -> None:
    """In a process started inside :func:`held_off`: take the signals again, as a process started anywhere else."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, HELD_OFF)
