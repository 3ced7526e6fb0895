"""How many worker processes to use, and how to start them."""

from __future__ import annotations

import multiprocessing
import os
import pickle
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.context import ForkContext
from typing import Any, Generic, TypeVar

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
    :meth:`result` waits for it and returns its value or raises its exception, :meth:`cancel` ends it."""

    def __init__(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> None:
        self._conn, child_conn = fork_context().Pipe(duplex=False)
        self._process = fork_context().Process(
            target=_background_child, args=(child_conn, fn, args, kwargs), daemon=True
        )
        self._process.start()
        child_conn.close()

    def result(self) -> T:
        try:
            kind, value = pickle.loads(self._conn.recv_bytes())  # noqa: S301 - our own child's message
        except EOFError:
            code = self._process.exitcode
            kind, value = "error", RuntimeError(f"a background process ended without a result (exit code {code})")
        finally:
            self._conn.close()
            self._process.join()
        if kind == "error":
            raise value
        return value  # type: ignore[no-any-return]

    def cancel(self) -> None:
        """End the process and wait for it: it no longer writes anything once this returns."""
        if self._process.is_alive():
            self._process.kill()
        self._process.join()
        self._conn.close()


def _background_child(conn: Connection, fn: Callable[..., Any], args: Any, kwargs: Any) -> None:
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
