"""What each earner receives, written outside the repository: their award file and their private link.

The registry publishes an award's recipient only as ``sha256(email + recipient key)`` and never the key (see
docs/privacy.md), so the issuer hands each earner the key privately. ``credreg award`` writes, into a folder
outside the repository (mode 700):

``recipients.csv``
    One row per recipient: email, name (if the cohort gave one), award hash, the earner's verification link
    (the recipient key in its fragment), the earner's award file and the recipient key. Mode 600: it maps
    people to awards, so it is the issuer's private record, to mail-merge from and then keep or delete (see
    "Erasure" in docs/privacy.md).
``<award hash>.json``
    The signed award, a conformant Open Badges 3.0 credential, for the earner's wallet or to drop on the
    verification page (with the key from the link).

The folder is checked before anything is signed, and written before the registry is: an award is never
published whose key was not written down.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import secrets
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator import layout
from generator._internal.files import resolved, unwritable_folder, write_new
from generator.awards import render_award
from generator.errors import SecretPlaceRefused, UsageError
from generator.openbadges import mailbox

__all__ = [
    "EARNER_DIR_ENV",
    "MAPPING_FILE",
    "EarnerCopy",
    "default_earner_base",
    "default_earner_dir",
    "earlier_holders",
    "prepare_earner_dir",
    "recorded_recipient",
    "write_earners",
]

EARNER_DIR_ENV = "CREDREG_EARNER_DIR"
MAPPING_FILE = "recipients.csv"
MAPPING_COLUMNS = ("email", "name", "award_hash", "verification_link", "award_file", "recipient_key")


@dataclass(frozen=True, slots=True)
class EarnerCopy:
    """One recipient's row: who, which award, and what they are sent."""

    email: str
    name: str | None
    award: dict[str, Any]
    award_hash: str
    link: str
    recipient_key: str


def default_earner_base() -> Path:
    """Where the run folders go: ``$CREDREG_EARNER_DIR``, else the user's data directory."""
    explicit = os.environ.get(EARNER_DIR_ENV)
    if explicit:
        return Path(explicit).expanduser()
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "credreg" / "earners"


def default_earner_dir(issuer: str, credential: str, now: dt.datetime) -> Path:
    """:func:`default_earner_base`, then one new folder per run."""
    return default_earner_base() / f"{now:%Y%m%dT%H%M%S}-{issuer}-{credential}-{secrets.token_hex(2)}"


def _refuse_foreign(path: Path, owner: int, done: str) -> None:
    """Refuse (:class:`UsageError`) the earners' folder ``path`` when another user (``owner``) owns it: made
    private (mode 700) before anything is written, it is still its owner's to read, and root writes anywhere."""
    if owner != os.geteuid():
        raise UsageError(
            f"{path} belongs to another user (uid {owner}): the earners' links and keys would be theirs to read",
            ["choose a folder of your own, or a new one (credreg makes it, private to you)", done],
        )


def prepare_earner_dir(path: Path, root: Path) -> Path:
    """Refuse a folder in a Git work tree (:func:`generator.layout.secret_holder`: the registry's checkouts, or
    any other), one already holding files (an earlier run's keys), or one whose path is not UTF-8 (the mapping,
    UTF-8 text, could not name its files)."""
    target = resolved(path.expanduser())
    try:
        str(target).encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError(
            f"{path}: the name is not UTF-8 text, and {MAPPING_FILE} (UTF-8) lists each earner's file by its path",
            ["choose a folder whose name is UTF-8 text", "nothing was signed"],
        ) from None
    holder = layout.secret_holder(target, root)
    if holder is not None:
        where = "the repository" if holder.registry else f"every Git repository (or set {EARNER_DIR_ENV})"
        raise SecretPlaceRefused(
            f"refusing to write earners' links and keys {holder.inside}: {path} ({holder.detail})",
            [f"they identify recipients and must never be published; choose a folder outside {where}"],
        )
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UsageError(
            f"{path} already exists and is not an empty folder: an earlier run's keys are never overwritten"
        )
    if target.exists():
        _refuse_foreign(path, target.stat().st_uid, "nothing was signed")
    # Refused now, before anything is signed, rather than when the files are written.
    why = unwritable_folder(target)
    if why is not None:
        raise UsageError(f"cannot write earners' files to {path}: {why}")
    return target


#: A cell starting with one of these is a formula to a spreadsheet (OWASP, "CSV Injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _neutral(cell: str) -> str:
    """``cell`` as a spreadsheet shows it as text, never runs it: a leading ``'`` before a formula's first
    character (and before a leading ``'``, so that :func:`_unneutral` reads every cell back exactly)."""
    return f"'{cell}" if cell.startswith((*_FORMULA_START, "'")) else cell


def _unneutral(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and cell[1:].startswith((*_FORMULA_START, "'")) else cell


def _mapping(rows: Sequence[EarnerCopy], folder: Path) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(MAPPING_COLUMNS)
    for row in rows:
        file = folder / f"{row.award_hash}.json"
        cells = (row.email, row.name or "", row.award_hash, row.link, str(file), row.recipient_key)
        # A bare CR is not quoted by the csv module with a "\n" line end, and would split the record: as LF.
        writer.writerow([_neutral(cell).replace("\r\n", "\n").replace("\r", "\n") for cell in cells])
    return out.getvalue()


def write_earners(folder: Path, rows: Sequence[EarnerCopy]) -> Path:
    """Write every earner's award file and the mapping; returns the mapping's path.

    Refuses (:class:`UsageError`) when the folder cannot be written; the caller has then written nothing to the
    registry."""
    path = folder
    done = "nothing was written to the registry"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Asked again of the folder as it now is, never through a link: prepare_earner_dir asked it when the run
        # began, and another user may have made it since (a shared /tmp); chmod would follow a link to theirs.
        info = os.lstat(folder)
        if not stat.S_ISDIR(info.st_mode):
            raise UsageError(f"{folder} is not a folder (a link, or a file, put there since the run began)", [done])
        _refuse_foreign(folder, info.st_uid, done)
        folder.chmod(0o700)
        # Created private (never readable by others, even for a moment) and never over a file: another run
        # writing into this folder since it was found empty keeps its keys.
        for row in rows:
            path = folder / f"{row.award_hash}.json"
            write_new(path, render_award(row.award).encode("utf-8"), mode=0o600)
        path = mapping = folder / MAPPING_FILE
        write_new(mapping, _mapping(rows, folder).encode("utf-8"), mode=0o600)
    except FileExistsError:
        raise UsageError(
            f"{path} already exists: an earlier run's keys are never overwritten",
            ["nothing was written to the registry"],
        ) from None
    except OSError as exc:
        raise UsageError(
            f"cannot write earners' files to {folder}: {exc.strerror or exc}",
            ["nothing was written to the registry"],
        ) from None
    return mapping


def _mapping_rows(base: Path) -> Iterator[tuple[dict[str, str], Path]]:
    """Every row of the ``recipients.csv`` files in the run folders under ``base``, with its file."""
    if not base.is_dir():
        return
    for mapping in sorted(base.glob(f"*/{MAPPING_FILE}")):
        try:
            with mapping.open(encoding="utf-8", newline="") as fh:
                rows = list(csv.DictReader(fh))
        except (OSError, UnicodeDecodeError, csv.Error):
            continue  # another program's file, or unreadable: it holds no record of ours
        for row in rows:
            yield {k: _unneutral(v or "").strip() for k, v in row.items() if isinstance(k, str)}, mapping


def _address(cell: str) -> str:
    """A recorded address as the mailbox it names (openbadges.mailbox: a run made before addresses were composed,
    or before the root's dot, fullwidth domains and invisible characters were refused, or a row edited by hand,
    still names the person a new cohort does); a cell that names no mailbox, as is."""
    return mailbox(cell) or cell


def recorded_recipient(base: Path, digest: str) -> tuple[str, str | None] | None:
    """(email, name or None) the issuer's own runs under ``base`` recorded for the award ``digest``."""
    for row, _ in _mapping_rows(base):
        if row.get("award_hash") == digest and row.get("email"):
            return _address(row["email"]), row.get("name") or None
    return None


def earlier_holders(base: Path, emails: Sequence[str], held: set[str]) -> dict[str, list[tuple[str, Path]]]:
    """Which of ``emails`` the issuer's own earlier runs (the ``recipients.csv`` files in the run folders under
    ``base``) mapped to an award in ``held`` (the hashes of the credential's awards in force in the registry).

    Only the issuer can answer this: the registry publishes no recipient that a guess could match, so its
    duplicates are found in the issuer's private records, never in the public ones."""
    wanted = {_address(email): email for email in emails}
    found: dict[str, list[tuple[str, Path]]] = {}
    if not wanted or not held:
        return found
    for row, mapping in _mapping_rows(base):
        email = _address(row.get("email") or "")
        digest = row.get("award_hash") or ""
        if email in wanted and digest in held:
            found.setdefault(wanted[email], []).append((digest, mapping))
    return found
