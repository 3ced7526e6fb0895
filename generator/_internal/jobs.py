"""How many worker processes to use, and how to start them."""

from __future__ import annotations

import multiprocessing
import os
from multiprocessing.context import ForkContext

__all__ = ["default_jobs", "fork_context"]


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
