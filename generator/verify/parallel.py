"""Award verification on every core, streamed, with the verification cache.

Layout: the parent process plans *units* of work while it walks the award folders (a few dozen single-award
files, or a slice of a JSON Lines batch of about :data:`UNIT_BYTES`) and hands them to a pool of worker
processes. The pool is forked after the registry is loaded, so every worker inherits the registry, one
:class:`~generator.verify.registry_check.AwardChecker` (built once) and the loaded cache, and nothing of them
is ever pickled. A worker reads its unit's files itself and sends back only compact
:class:`~generator.verify.registry_check.AwardOutcome` s (hash, status slot, location, problems) and the cache
entries it used or added. The parent applies the rules across awards as outcomes arrive, in the order of the
files, so reports are the same as a sequential run's, and memory holds only what those rules need
(:class:`~generator.verify.registry_check.AwardIndex`).

Small registries are checked in the parent process: starting workers costs more than it saves below a few
hundred awards.
"""

from __future__ import annotations

import os
import pickle
import traceback
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from generator import layout
from generator._internal.jobs import default_jobs, fork_context
from generator._internal.progress import Progress
from generator.awards import MAX_AWARD_BYTES, AwardSource, iter_award_names
from generator.errors import ProblemList
from generator.registry import Registry
from generator.verify.cache import VerificationCache
from generator.verify.registry_check import AwardChecker, AwardIndex, AwardOutcome, check_awards

__all__ = [
    "UNIT_BYTES",
    "Unit",
    "award_outcomes",
    "default_jobs",
    "plan_units",
    "unit_awards",
    "unit_sources",
    "verify_all_awards",
]

#: About this many bytes of awards per unit of work: enough to amortize the hand-over, small enough to keep
#: every core busy until the end.
UNIT_BYTES = 256 * 1024
#: Below this many bytes of awards in all, workers are not started.
PARALLEL_THRESHOLD = 1024 * 1024
_SINGLE_FILES_PER_UNIT = 48


@dataclass(frozen=True, slots=True)
class Unit:
    """Awards for one worker: single-award files, or lines ``first_line…`` of a batch at ``offset`` (bytes)."""

    paths: tuple[str, ...] = ()
    batch: str | None = None
    offset: int = 0
    length: int = 0
    first_line: int = 1
    size: int = 0
    """Bytes of award text in the unit (for planning)."""


def plan_units(root: Path, *, unit_bytes: int | None = None) -> Iterator[Unit]:
    """Units covering every award file, in the order of :func:`generator.awards.iter_award_files`
    (``unit_bytes``: default :data:`UNIT_BYTES`, read when called)."""
    unit_bytes = UNIT_BYTES if unit_bytes is None else unit_bytes
    singles: list[str] = []
    size = 0
    # The walk's paths start as ``root / ISSUERS_DIR`` prints: "registry/…" for Path("."), "/x/registry/…" for "/x".
    prefix = len(str(root / layout.ISSUERS_DIR)) - len(layout.ISSUERS_DIR)
    for dirpath, filename in iter_award_names(root):
        full = f"{dirpath}/{filename}"
        rel = full[prefix:]  # the walk starts at root: no need to resolve links
        if filename.endswith(".json"):
            singles.append(rel)
            size += _size(full)
            if len(singles) >= _SINGLE_FILES_PER_UNIT or size >= unit_bytes:
                yield Unit(paths=tuple(singles), size=size)
                singles, size = [], 0
            continue
        if singles:  # keep file order: what came before the batch goes first
            yield Unit(paths=tuple(singles), size=size)
            singles, size = [], 0
        yield from _batch_units(Path(full), rel, unit_bytes)
    if singles:
        yield Unit(paths=tuple(singles), size=size)


def _size(path: Path | str) -> int:
    try:
        return os.stat(path).st_size  # noqa: PTH116 - called for every award file: no path objects
    except OSError:
        return 0


def _batch_units(path: Path, rel: str, unit_bytes: int) -> Iterator[Unit]:
    """Slices of a batch file that end at line ends, with the number of their first line."""
    total = _size(path)
    if total <= unit_bytes:
        yield Unit(batch=rel, offset=0, length=-1, first_line=1, size=total)
        return
    with path.open("rb") as fh:
        offset, line = 0, 1
        while offset < total:
            fh.seek(offset)
            chunk = fh.read(unit_bytes)
            if offset + len(chunk) >= total:
                end = len(chunk)  # the rest of the file
            else:
                end = chunk.rfind(b"\n") + 1
                if end == 0:  # one line longer than a unit: a unit of its own, measured, never held
                    rest, ended = _bytes_to_newline(fh)
                    end = len(chunk) + rest
                    yield Unit(batch=rel, offset=offset, length=end, first_line=line, size=end)
                    line += ended
                    offset += end
                    continue
            yield Unit(batch=rel, offset=offset, length=end, first_line=line, size=end)
            line += chunk.count(b"\n", 0, end)
            offset += end


def _bytes_to_newline(fh: Any) -> tuple[int, bool]:
    """How many bytes from here to the next line end (included) or the end of the file, read in blocks, and
    whether a line end was found."""
    skipped = 0
    while True:
        block: bytes = fh.read(64 * 1024)
        if not block:
            return skipped, False
        cut = block.find(b"\n")
        if cut >= 0:
            return skipped + cut + 1, True
        skipped += len(block)


def unit_awards(root: Path, unit: Unit) -> Iterator[tuple[str, int | None, bytes]]:
    """(path, line, exact bytes) of the awards of a unit, as :func:`generator.awards.read_award_file` reads
    them (a batch's blank lines are skipped)."""
    base = str(root)
    for rel in unit.paths:
        yield rel, None, _read_award(f"{base}/{rel}")
    if unit.batch is None:
        return
    with (root / unit.batch).open("rb") as fh:
        fh.seek(unit.offset)
        if unit.length >= 0 and unit.length <= _WHOLE_UNIT_BYTES:
            lines: Iterator[bytes] = iter(fh.read(unit.length).split(b"\n"))
        else:  # a unit made for one over-long line, or a whole file that may have grown since it was planned
            lines = _bounded_lines(fh, unit.length)
        for number, line in enumerate(lines, start=unit.first_line):
            if line.strip() or len(line) > MAX_AWARD_BYTES:  # as iter_lines: too long is never blank
                # Cut as iter_lines cuts: enough for the parser to refuse it, and the very same text.
                yield unit.batch, number, line if len(line) <= MAX_AWARD_BYTES else line[: MAX_AWARD_BYTES + 1]


#: A unit this size or smaller is read at once (every unit :func:`plan_units` makes of lines no longer than
#: :data:`UNIT_BYTES`); larger ones line by line, each line cut as :func:`generator.awards.iter_lines` cuts it.
_WHOLE_UNIT_BYTES = 4 * UNIT_BYTES


def _bounded_lines(fh: Any, length: int) -> Iterator[bytes]:
    """The lines of the next ``length`` bytes (``-1``: to the end), none longer than ``MAX_AWARD_BYTES + 1``:
    the rest of a longer line is skipped, so the parser refuses it as too large without it ever being held."""
    remaining = length if length >= 0 else None
    while remaining is None or remaining > 0:
        want = MAX_AWARD_BYTES + 1 if remaining is None else min(MAX_AWARD_BYTES + 1, remaining)
        raw: bytes = fh.readline(want)
        if not raw:
            return
        if remaining is not None:
            remaining -= len(raw)
        if not raw.endswith(b"\n"):
            while remaining is None or remaining > 0:  # skip to the line's end, within the unit
                rest: bytes = fh.readline(1 << 20 if remaining is None else min(1 << 20, remaining))
                if not rest:
                    break
                if remaining is not None:
                    remaining -= len(rest)
                if rest.endswith(b"\n"):
                    break
        yield raw.removesuffix(b"\n")


def _read_award(path: str) -> bytes:
    """A single award file's bytes, no more than ``MAX_AWARD_BYTES + 1`` of them (as
    :func:`generator.awards.read_award_file` reads), with plain system calls: a file object per award costs
    more than reading it."""
    fd = os.open(path, os.O_RDONLY)
    try:
        # One call: a regular file's read is short only at its end, and a full one is enough to be refused.
        return os.read(fd, MAX_AWARD_BYTES + 1)
    finally:
        os.close(fd)


def unit_sources(root: Path, unit: Unit) -> Iterator[AwardSource]:
    """The awards of a unit, exactly as :func:`generator.awards.read_award_file` gives them."""
    for path, line, raw in unit_awards(root, unit):
        yield AwardSource(path, line, raw.decode("utf-8", errors="surrogateescape"))


# Worker state: set in the parent just before the pool forks, so workers inherit it (never pickled).
_STATE: dict[str, Any] = {}


def _check_unit(unit: Unit) -> tuple[list[AwardOutcome], tuple[bytes, bytes, int, int] | None]:
    checker: AwardChecker = _STATE["checker"]
    cache: VerificationCache | None = _STATE["cache"]
    outcomes = [checker.check_bytes(*award) for award in unit_awards(checker.registry.root, unit)]
    return outcomes, cache.drain() if cache is not None else None


def award_outcomes(
    registry: Registry, *, jobs: int | None = None, cache: VerificationCache | None = None
) -> Iterator[AwardOutcome]:
    """Every award's outcome, in file order, computed by ``jobs`` worker processes (default: one per core)."""
    jobs = default_jobs() if jobs is None else jobs
    checker = AwardChecker(registry, proof_cache=cache)
    units = plan_units(registry.root)
    head: list[Unit] = []
    planned = 0
    if jobs > 1:
        for unit in units:
            head.append(unit)
            planned += unit.size
            if planned >= PARALLEL_THRESHOLD:
                break
    if jobs <= 1 or planned < PARALLEL_THRESHOLD:
        for unit in _chain(head, units):
            yield from (checker.check_bytes(*award) for award in unit_awards(registry.root, unit))
        return
    _warm(checker, head[0])
    _STATE.update(checker=checker, cache=cache)
    try:
        for outcomes, drained in _in_workers(jobs, _chain(head, units)):
            if drained is not None and cache is not None:
                cache.absorb(*drained)
            yield from outcomes
    finally:
        _STATE.clear()


_UnitResult = tuple[list[AwardOutcome], tuple[bytes, bytes, int, int] | None]
#: Units sent ahead to each worker: one to work on, one waiting, so that no worker waits for the parent.
_AHEAD = 2


def _in_workers(jobs: int, units: Iterator[Unit]) -> Iterator[_UnitResult]:
    """:func:`_check_unit` of every unit, in order, computed by ``jobs`` forked processes.

    Each worker has its own pipe, and the parent hands it the next unit when it returns one. (A
    ``multiprocessing.Pool`` costs the parent more than the outcomes do: its worker-handler thread wakes up
    whenever results wait in the shared result pipe, and its task and result threads contend for the GIL.)"""
    context = fork_context()
    workers: list[tuple[BaseProcess, Connection]] = []
    finished = False
    try:
        for _ in range(jobs):
            ours, theirs = context.Pipe()
            process = context.Process(target=_serve, args=(theirs,), daemon=True)
            process.start()
            theirs.close()
            workers.append((process, ours))
        numbered = enumerate(units)
        busy: dict[Connection, int] = {}
        done: dict[int, _UnitResult] = {}
        sent = received = 0

        def feed(conn: Connection) -> None:
            nonlocal sent
            task = next(numbered, None)
            if task is not None:
                conn.send(task)
                busy[conn] = busy.get(conn, 0) + 1
                sent += 1

        for _ in range(_AHEAD):
            for _, conn in workers:
                feed(conn)
        while received < sent:
            for ready in wait([c for c, n in busy.items() if n]):
                assert isinstance(ready, Connection)
                number, result, error = ready.recv()  # EOFError if the worker died
                busy[ready] -= 1
                if error is not None:
                    raise error
                done[number] = result
                feed(ready)
            while received in done:
                yield done.pop(received)
                received += 1
        finished = True
    finally:
        for worker, conn in workers:
            if finished:
                conn.send(None)
            else:
                worker.terminate()
            conn.close()
        for worker, _ in workers:
            worker.join()


def _serve(conn: Connection) -> None:
    """A worker's loop: units in, results out, until ``None``."""
    cache: VerificationCache | None = _STATE["cache"]
    if cache is not None:
        cache.drain()  # what the parent had not drained when it forked: the parent has it, not to be sent twice
    while (task := conn.recv()) is not None:
        number, unit = task
        try:
            conn.send((number, _check_unit(unit), None))
        except Exception as exc:  # the parent raises it
            error: Exception = exc
            try:
                pickle.dumps(error)
            except Exception:  # what cannot cross the pipe is sent as text
                error = RuntimeError("".join(traceback.format_exception(exc)))
            conn.send((number, None, error))


def _chain(head: list[Unit], rest: Iterable[Unit]) -> Iterator[Unit]:
    yield from head
    yield from rest


def _warm(checker: AwardChecker, unit: Unit) -> None:
    """Process the JSON-LD contexts once in the parent, so that every forked worker starts with them: check
    the first award without recording anything in the cache."""
    cache = checker.verifier.proof_cache
    checker.verifier.proof_cache = None
    try:
        for source in unit_sources(checker.registry.root, unit):
            checker.check(source)
            break
    finally:
        checker.verifier.proof_cache = cache


def verify_all_awards(
    registry: Registry,
    problems: ProblemList,
    *,
    jobs: int | None = None,
    use_cache: bool = True,
    progress: Progress | None = None,
) -> AwardIndex:
    """What ``credreg check`` does with the awards: verify every one (on all cores, with the registry's
    verification cache unless ``use_cache`` is false) and apply the rules across them."""
    cache = VerificationCache.open(registry.root) if use_cache else None
    index = check_awards(
        registry, problems, outcomes=award_outcomes(registry, jobs=jobs, cache=cache), progress=progress
    )
    if cache is not None:
        cache.save(compact=True)
    return index
