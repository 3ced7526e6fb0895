"""Progress for long runs: a live bar on a terminal, silence otherwise (CI logs, pipes)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol


class Progress(Protocol):
    def advance(self, n: int = 1) -> None: ...


class _Silent:
    def advance(self, n: int = 1) -> None:
        pass


class _Bar:
    def __init__(self, bar: object, task: object) -> None:
        self._bar, self._task = bar, task

    def advance(self, n: int = 1) -> None:
        self._bar.advance(self._task, n)  # type: ignore[attr-defined]


@contextmanager
def progress(label: str, total: int | None, *, enabled: bool | None = None) -> Iterator[Progress]:
    """A progress reporter on stderr, shown only when stderr is a terminal (or ``enabled`` says so)."""
    show = sys.stderr.isatty() if enabled is None else enabled
    if not show:
        yield _Silent()
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, TimeElapsedColumn
    from rich.progress import Progress as RichProgress

    with RichProgress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        yield _Bar(bar, bar.add_task(label, total=total))
