"""``credreg log witness``: cosign a checkpoint only if it is consistent with the last one this witness cosigned.

The witness keeps, in its state directory, the log's verifier key (``log.vkey``, taken from ``--log-key`` or, on
the first run only, from the log's own ``vkey``) and the last checkpoint it cosigned (``checkpoint``). A new
checkpoint must be signed by that key, not be smaller, and pass an RFC 9162 consistency proof (computed from
the log's tiles) against the remembered root; then the witness adds its ``cosignature/v1`` and remembers it.
A log that forked — a history rewritten to drop an award or a revocation — is refused, and the refusal is the
alarm.

It also recomputes the log's index (:mod:`generator.transparency.logindex`: each status list's latest version,
each key's retirements) and refuses a checkpoint that commits to another: a verifier takes those answers from the
index, so a witness vouches for them too. It keeps the index it cosigned (``index.json``) and reads only the new
entries the next time; the first time (or when the kept one is not the cosigned checkpoint's), every entry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from generator._internal.files import write_text_atomic
from generator._internal.text import unseen_problem, workflow_command_problem
from generator.awarding.lock import held
from generator.errors import UsageError
from generator.tlog.note import (
    COSIGNATURE_V1,
    Checkpoint,
    Note,
    NoteError,
    NoteSigner,
    Signature,
    Verifier,
    cosign,
    parse_vkey,
    verify_cosignature,
)
from generator.transparency.log import LogError, LogSource, VerifiedLog, open_log, read_note
from generator.transparency.logindex import (
    KEPT_FILE,
    LogIndex,
    commitment_problem,
    read_kept,
    resume,
    write_kept,
)

__all__ = ["WitnessResult", "add_cosignatures", "witness_log"]


@dataclass(frozen=True, slots=True)
class WitnessResult:
    note: Note
    """The checkpoint with this witness's cosignature added."""
    old_size: int | None
    size: int
    trusted_on_first_use: bool


def witness_log(
    source: LogSource, state: Path, signer: NoteSigner, *, vkey: str | None = None, now: dt.datetime | None = None
) -> WitnessResult:
    if signer.sig_type != COSIGNATURE_V1:
        raise UsageError("a witness signs with a witness key (`credreg log keygen --witness`)")
    state.mkdir(parents=True, exist_ok=True)
    # Read, checked and written with the state locked: two runs at once, each shown another fork consistent with
    # the checkpoint both read, would cosign both (a split view), the later write hiding the first.
    with held(state, str(state), "log witness"):
        return _witness_locked(source, state, signer, vkey, now)


def _witness_locked(
    source: LogSource, state: Path, signer: NoteSigner, vkey: str | None, now: dt.datetime | None
) -> WitnessResult:
    remembered = (state / "log.vkey").read_text().strip() if (state / "log.vkey").is_file() else None
    first_use = False
    if vkey is None:
        vkey = remembered
    if vkey is None:
        served = source.read("vkey")
        if served is None:
            raise UsageError(
                "first run: give the log's verifier key with --log-key (it is in registry/governance.yaml)"
            )
        vkey, first_use = served.decode("utf-8", "replace").strip(), True
    if remembered is not None and vkey != remembered:
        raise LogError(f"this witness follows the log key {remembered}, not {vkey}")
    try:
        verifier = parse_vkey(vkey)
    except NoteError as exc:
        raise UsageError(f"log verifier key: {exc}") from None
    log = open_log(source, verifier)
    # The cosigned note is printed as it is (it is signed: an escape would break it) and handed on to every reader:
    # a line a terminal or a CI log would act on (C0 controls are refused by any note), in the checkpoint or in a
    # signature's key name, is not cosigned. credreg's own checkpoints hold none.
    for number, line in enumerate(log.note.encode().decode().split("\n"), start=1):
        problem = unseen_problem(line) or workflow_command_problem(line)
        if problem is not None:
            raise LogError(f"refusing to cosign: line {number} of the checkpoint's note {problem}")
    old_size = None
    previous: Checkpoint | None = None
    if (state / "checkpoint").is_file():
        _, previous = read_note((state / "checkpoint").read_bytes(), f"{state}/checkpoint")
        old_size = previous.size
        if log.size < previous.size:
            raise LogError(
                f"refusing to cosign: the log shows {log.size} entries; this witness already cosigned {previous.size}",
                ["a log never shrinks: this is a rollback or a split view"],
            )
        if not log.consistent_with(previous):
            raise LogError(
                f"refusing to cosign: the checkpoint of {log.size} entries is not consistent with the one of "
                f"{previous.size} this witness cosigned",
                ["the log was rewritten (an entry dropped or changed) or shows a split view: raise the alarm"],
            )
    else:
        log.check_tiles()
    index = _index_since(state, previous, log)
    problem = commitment_problem(log.checkpoint, index)
    if problem is not None:
        raise LogError(
            f"refusing to cosign: {problem}",
            ["a verifier reads each status list's latest version and each key's retirements from that index: "
             "the publisher committed to a false one (or an older credreg published the log: republish it)"],
        )  # fmt: skip
    timestamp = int((now or dt.datetime.now(dt.UTC)).timestamp())
    cosigned = log.note.with_signatures(cosign(log.note, signer, timestamp))
    write_text_atomic(state / "log.vkey", verifier.vkey + "\n")
    write_text_atomic(state / "checkpoint", cosigned.encode().decode())
    write_kept(state / KEPT_FILE, index, log.size, log.checkpoint.root)
    return WitnessResult(cosigned, old_size, log.size, first_use)


def _index_since(state: Path, previous: Checkpoint | None, log: VerifiedLog) -> LogIndex:
    """The index of the log's entries: the kept one, when the checkpoint this witness cosigned last commits to it,
    with the entries since (each proven in the signed tree); else recomputed from every entry."""
    index, start = resume(read_kept(state / KEPT_FILE), previous)
    for number, raw in log.entries(start):
        index.add_raw(number, raw)
    return index


def add_cosignatures(log: VerifiedLog, witnesses: list[Verifier], notes: list[bytes]) -> tuple[Note, list[str]]:
    """The log's checkpoint with the valid cosignatures, by listed witnesses, found in ``notes``."""
    added: list[Signature] = []
    names: list[str] = []
    for data in notes:
        try:
            note, _ = read_note(data, "cosigned checkpoint")
        except LogError:
            continue
        if note.text != log.note.text:
            continue
        for witness in witnesses:
            if verify_cosignature(note, witness) is not None:
                added.extend(s for s in note.signatures if s.name == witness.name and s.id == witness.id)
                names.append(witness.name)
    return log.note.with_signatures(*added), names
