"""Pausing Python's cycle collector while a command builds a large, long-lived structure.

Loading a registry creates hundreds of thousands of small objects (parsed values, models) that all stay
alive. Each full collection the interpreter starts meanwhile walks every one of them again: for 5,000
credential definitions that was a quarter of the load's CPU time, with nothing to collect. Nothing built there
forms reference cycles that must go early, so the collector waits until the structure is complete.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["frozen_heap", "gc_paused"]


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cycle collection inside the block (restored after, also on error; nested blocks are fine)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def frozen_heap() -> Iterator[None]:
    """Everything alive now is left out of collections inside the block (``gc.freeze``): a build lays out
    thousands of pages around the loaded registry, and the collector need not walk it again for each of them.
    Unfrozen after, so that in a long-lived process (tests, ``mkdocs serve``) it can be collected again."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
