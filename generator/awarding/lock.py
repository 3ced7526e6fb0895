"""One issuer's (or endorser's) commands, one at a time: the lock every command that allocates its status slots
or writes into its folder holds (``credreg award``, a cohort included, ``credreg endorse``, ``credreg revoke``).

A run reads which slots are taken, signs, and places its files; another run doing the same in between would draw
from the same free slots (the full check then refuses both holders) or re-sign a status list without the other's
bit. The lock is :func:`generator._internal.files.folder_lock` on the owner's folder: nothing is added to the
registry, and it goes with the process however it ends, so a killed run never wedges its issuer. A run that finds
it held says so and waits, up to ``$CREDREG_LOCK_TIMEOUT`` seconds (default 600), then gives up naming the folder.
The transparency log's state folder, and a witness's, are held the same way (:func:`held`).
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from generator import layout
from generator._internal.files import FolderBusy, folder_lock
from generator._internal.text import terminal_safe
from generator.errors import FolderLocked, UsageError

__all__ = ["LOCK_TIMEOUT_ENV", "held", "owner_lock"]

LOCK_TIMEOUT_ENV = "CREDREG_LOCK_TIMEOUT"
DEFAULT_TIMEOUT = 600.0
"""Seconds: long enough for another run's big cohort to be signed, short enough that a stuck run is noticed."""


def _timeout() -> float:
    value = os.environ.get(LOCK_TIMEOUT_ENV, "").strip()
    if not value:
        return DEFAULT_TIMEOUT
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds < float("inf"):
        raise UsageError(f"${LOCK_TIMEOUT_ENV} must be a number of seconds (0 or more), not {value!r}")
    return seconds


@contextlib.contextmanager
def owner_lock(root: Path, owner: str) -> Iterator[None]:
    """Hold the folder lock of issuer or endorser ``owner`` while the block runs (see the module's docstring)."""
    folder = layout.owner_dir(root, owner)
    with held(folder, layout.relpath(root, folder), "award, endorse or revoke"):
        yield


@contextlib.contextmanager
def held(folder: Path, shown: str, runs: str) -> Iterator[None]:
    """Hold ``folder``'s lock while the block runs, as :func:`owner_lock` does: waiting, saying so, while another
    credreg run (one of ``runs``, as the messages name them) holds it, up to ``$CREDREG_LOCK_TIMEOUT`` seconds;
    then :class:`FolderLocked` naming ``shown`` (the folder as the user knows it), and the block has not run. For
    every read-modify-write of a folder's files that two runs could interleave (the log's state: ``log publish``,
    ``log add-cosignatures``; a witness's)."""
    timeout = _timeout()

    shown = terminal_safe(shown)  # a path the user gave (--state): printed, not obeyed

    def waiting() -> None:
        print(
            f"credreg: waiting: another credreg run is changing {shown} ({runs}); "
            f"up to {timeout:g} s (${LOCK_TIMEOUT_ENV})",
            file=sys.stderr,
            flush=True,
        )

    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(folder_lock(folder, timeout=timeout, waiting=waiting))
        except FolderBusy:
            raise FolderLocked(
                f"{shown} is locked by another credreg run ({runs}) and was not released within "
                f"{timeout:g} s; nothing was written",
                [
                    "run this again when the other run has finished, or wait longer: "
                    f"{LOCK_TIMEOUT_ENV}=SECONDS (the lock goes with the process that holds it, however it ends)"
                ],
            ) from None
        yield
