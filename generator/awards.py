"""Awards on disk: single files and JSON Lines batches, read as a stream.

Layout: ``registry/issuers/<issuer>/awards/<year>/<hh>/<award-hash>.json`` for single awards (the file name is
the award's hash, ``hh`` its first two hex digits, so no folder grows past a few thousand entries), and
``registry/issuers/<issuer>/awards/<year>/batches/<date>-<credential>-<id>.jsonl`` for cohorts, one award per
line. The award hash is hex SHA-256 of the award's JCS (RFC 8785) form: formatting never changes it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator import layout
from generator._internal.files import open_regular, regular_files, write_new
from generator._internal.source import Document, SourceError, parse_json
from generator.crypto.jcs import canonicalize
from generator.errors import CredregError, UsageError
from generator.models.award import URN_UUID

__all__ = [
    "AwardSource",
    "award_filename",
    "award_hash",
    "award_hash_or_none",
    "award_id_number",
    "award_id_text",
    "award_path_problem",
    "award_text_hash",
    "batch_filename",
    "find_award",
    "iter_award_files",
    "iter_award_names",
    "iter_awards",
    "iter_lines",
    "lenient_text_hash",
    "parse_award_text",
    "read_revocations",
    "recipient_hash_number",
    "render_award",
    "write_award_file",
]

#: Bound on one award (a single file or one batch line) and on one revocation line; awards are a few KiB. Every
#: reader applies it before parsing, and reads no more than it of an oversized file or line.
MAX_AWARD_BYTES = 64 * 1024


def award_hash(award: Mapping[str, Any]) -> str:
    """Hex SHA-256 of the JCS form of the signed award: the one value shown everywhere."""
    return hashlib.sha256(canonicalize(award)).hexdigest()


_AWARD_ID = re.compile(rf"{URN_UUID}\Z")


def award_id_number(value: Any) -> int | None:
    """An award's ``id`` in the profile's one spelling (``urn:uuid:`` and lowercase hex) as its 128-bit number,
    or ``None`` for any other value (the profile refuses it). The rule that an issuer gives each award its own
    id compares these: 16 bytes an award, not a 45-character string."""
    if type(value) is not str or _AWARD_ID.match(value) is None:
        return None
    return int(value[9:].replace("-", ""), 16)


_RECIPIENT_HASH = re.compile(r"sha256\$[0-9a-f]{64}\Z")


def recipient_hash_number(award: Any) -> int | None:
    """The award's recipient hash (its one ``identityHash``, ``sha256$`` and 64 lowercase hex digits, as the profile
    has it) as a 256-bit number, or ``None`` when it has no such hash (the profile refuses it). The rule that an
    issuer keys each award's hash afresh compares these."""
    try:
        value = award["credentialSubject"]["identifier"][0]["identityHash"]
    except (TypeError, KeyError, IndexError):
        return None
    if type(value) is not str or _RECIPIENT_HASH.match(value) is None:
        return None
    return int(value[7:], 16)


def award_id_text(number: int) -> str:
    """The ``id`` whose :func:`award_id_number` is ``number``."""
    return f"urn:uuid:{uuid.UUID(int=number)}"


def award_filename(root: Path, issuer: str, award: Mapping[str, Any], digest: str) -> Path:
    year = str(award.get("validFrom", "0000"))[:4]
    return layout.awards_dir(root, issuer) / year / digest[:2] / f"{digest}.json"


def batch_filename(root: Path, issuer: str, credential: str, date: str, batch_id: str) -> Path:
    return layout.awards_dir(root, issuer) / date[:4] / "batches" / f"{date}-{credential}-{batch_id}.jsonl"


#: Below ``awards/``, the names :func:`award_filename` and :func:`batch_filename` write, and nothing else: a year, the
#: hash's first two digits and the hash; or a year, ``batches``, a date, the credential's slug and a random id.
_SINGLE_PATH = re.compile(r"(?P<year>[0-9]{4})/(?P<hh>[0-9a-f]{2})/(?P<hash>[0-9a-f]{64})\.json\Z")
_BATCH_PATH = re.compile(
    r"(?P<year>[0-9]{4})/batches/(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})-(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)-[0-9a-f]{8}"
    r"\.jsonl\Z"
)
#: The day an award's ``validFrom`` names, as written (``credreg award`` names its folder and batch after it).
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?=T)")
_IN_AWARDS = re.compile(r"(?P<folder>registry/issuers/[^/]+/awards)/(?P<rest>.+)\Z")


def award_path_problem(
    path: str, line: int | None, digest: str, credential: str | None, valid_from: object
) -> str | None:
    """Why an award's repository ``path`` (a single file, or a batch holding it at ``line``) is not a name the
    tools write, or ``None``. ``credential`` is the slug of the award's credential (``None`` if it names none),
    ``valid_from`` its ``validFrom`` (any value: one that is no time is the profile's to refuse, and then the year
    and date are held to their shape only).

    A path is published as its bytes are (the repository, its history, the public log's entries): a folder or a
    batch named after a person (``awards/ada-lovelace/…``, ``2026-03-01-ada-and-bo-…jsonl``) or an address would
    publish who the award's hash keeps private. So a path holds only what the award itself says or what is
    random: its year, its hash, the batch's date, its credential and a random id (docs/privacy.md)."""
    where = _IN_AWARDS.match(path)
    if where is None:
        if line is None and not path.endswith(f"/{digest[:2]}/{digest}.json"):
            return f"the file must be named after the award's hash: .../{digest[:2]}/{digest}.json"
        return None
    folder, rest = where["folder"], where["rest"]
    privacy = "a path is published, so it holds nothing else, never a name (docs/privacy.md)"
    # The year and the date are the award's own: any other (a birth year, a birthday, 2026-13-45) is free digits.
    day = _DAY.match(valid_from) if isinstance(valid_from, str) else None
    date = day[0] if day is not None else "<date>"
    year = date[:4] if day is not None else "<year>"
    if line is None:
        single = _SINGLE_PATH.match(rest)
        if (
            single is None
            or single["hash"] != digest
            or single["hh"] != digest[:2]
            or (day is not None and single["year"] != year)
        ):
            return (
                f"the file must be named after the award's hash and the year of its validFrom: {folder}/{year}/"
                f"{digest[:2]}/{digest}.json, as credreg award names it: {privacy}"
            )
        return None
    batch = _BATCH_PATH.match(rest)
    if (
        batch is None
        or (credential is not None and batch["slug"] != credential)
        or batch["year"] != batch["date"][:4]
        or (day is not None and batch["date"] != date)
        or not _real_date(batch["date"])
    ):
        slug = credential if credential is not None else "<credential>"
        return (
            f"a batch must be named as credreg award names it, after the day of its awards' validFrom: {folder}/"
            f"{year}/batches/{date}-{slug}-<8 random hex digits>.jsonl: {privacy}"
        )
    return None


def _real_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def render_award(award: Mapping[str, Any]) -> str:
    """How a single award file is written: readable JSON (the hash does not depend on it)."""
    return json.dumps(award, indent=2, ensure_ascii=False) + "\n"


def write_award_file(root: Path, path: Path, text: str) -> None:
    """Create an award file (a single award, a batch, an endorsement), never replacing one: a name another
    process took after it was chosen is refused (:class:`UsageError`), and what that file holds stands."""
    try:
        write_new(path, text.encode("utf-8"))
    except FileExistsError:
        rel = layout.relpath(root, path)
        raise UsageError(f"{rel} already exists: award and endorsement files are never replaced") from None
    except OSError as exc:
        raise UsageError(f"cannot write {layout.relpath(root, path)}: {exc.strerror or exc}") from None


@dataclass(frozen=True, slots=True)
class AwardSource:
    """One award as found on disk, not yet parsed."""

    path: str
    """Repository-relative path of the file."""

    line: int | None
    """1-based line in a JSON Lines batch; ``None`` for a single-award file."""

    text: str

    @property
    def raw(self) -> bytes:
        """The exact bytes of the award (the file, or the line): ``text`` was decoded with surrogateescape."""
        return self.text.encode("utf-8", "surrogateescape")

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line is not None else self.path

    def parse(self, *, strict: bool = True) -> Document:
        """Parse strictly, within the bounds; raises :class:`generator._internal.source.SourceError` with positions."""
        return parse_award_text(self.text, self.path, self.line, strict=strict)


def parse_award_text(text: str, path: str, line: int | None = None, *, strict: bool = True) -> Document:
    """One award (or revocation line) from its text, refusing more than :data:`MAX_AWARD_BYTES`."""
    offset = (line - 1) if line else 0
    what = "the line" if line else "the award"
    return parse_json(text, path, line_offset=offset, strict=strict, max_bytes=MAX_AWARD_BYTES, what=what)


def _loads(text: str, path: str = "", line: int | None = None, *, strict: bool = False) -> Any:
    """The data of an award or log line, or ``None`` when it does not parse within the bounds (the check reports
    why; readers that only look things up skip it). ``strict``: also ``None`` for what the strict reader refuses
    (a key written twice, a lone surrogate), which the lenient one reads as the last value given."""
    try:
        return parse_award_text(text, path, line, strict=strict).data
    except SourceError:
        return None


def iter_award_files(root: Path, issuer: str | None = None) -> Iterator[Path]:
    """Award files (``.json`` and ``.jsonl``) in a stable order, without listing all of them first."""
    for dirpath, filename in iter_award_names(root, issuer):
        yield Path(dirpath) / filename


def iter_award_names(root: Path, issuer: str | None = None) -> Iterator[tuple[str, str]]:
    """(folder, file name) of :func:`iter_award_files`, as strings (the check plans work for every award file:
    no path objects)."""
    if issuer:
        issuers = [issuer]
    else:
        with os.scandir(root / layout.ISSUERS_DIR) as entries:
            issuers = sorted(e.name for e in entries if e.is_dir(follow_symlinks=False))
    for name in issuers:
        if layout.issuer_dir(root, name).is_symlink():
            continue  # never followed: the layout check refuses it
        for dirpath, filename in regular_files(str(layout.awards_dir(root, name))):
            if filename.endswith((".json", ".jsonl")):
                yield dirpath, filename


def iter_lines(path: Path, limit: int = MAX_AWARD_BYTES) -> Iterator[tuple[int, str]]:
    """(line number, text) of every non-empty line of a JSON Lines file, streamed. A line over ``limit`` bytes
    is cut to ``limit + 1`` bytes (so its parser refuses it as too large) and the rest of it skipped, even when
    what is kept is blank. Raises :class:`OSError` unless ``path`` is a regular file (not a link at its end: see
    :func:`~generator._internal.files.open_regular`)."""
    with open_regular(path) as fh:
        number = 0
        while True:
            raw = fh.readline(limit + 1)
            if not raw:
                return
            number += 1
            over = len(raw) > limit and not raw.endswith(b"\n")
            if over:
                while (rest := fh.readline(1 << 20)) and not rest.endswith(b"\n"):
                    pass
            raw = raw.removesuffix(b"\n")
            if over or raw.strip():  # a blank start does not make a line too long to read blank
                yield number, raw.decode("utf-8", errors="surrogateescape")


def read_award_file(root: Path, path: Path) -> Iterator[AwardSource]:
    """The awards in one file: one for ``.json``, one per non-empty line for ``.jsonl``. No more than
    :data:`MAX_AWARD_BYTES` (+1, so that the parser can say it is too large) is read of any award."""
    rel = layout.relpath(root, path)
    if path.suffix == ".json":
        with path.open("rb") as fh:
            raw = fh.read(MAX_AWARD_BYTES + 1)
        yield AwardSource(rel, None, raw.decode("utf-8", errors="surrogateescape"))
        return
    for number, line in iter_lines(path):
        yield AwardSource(rel, number, line)


def iter_awards(root: Path, issuer: str | None = None) -> Iterator[AwardSource]:
    for path in iter_award_files(root, issuer):
        yield from read_award_file(root, path)


def find_award(root: Path, digest: str, issuer: str | None = None) -> tuple[AwardSource, dict[str, Any]] | None:
    """The award with this hash. Single files are found by name; batch lines are hashed as they stream by."""
    digest = digest.lower()
    for path in iter_award_files(root, issuer):
        if path.suffix == ".json" and path.stem != digest:
            continue
        for source in read_award_file(root, path):
            if lenient_text_hash(source.text) == digest:
                data = _loads(source.text, strict=True)
                if isinstance(data, dict) and award_hash_or_none(data) == digest:
                    return source, data
    return None


def award_text_hash(text: str) -> str | None:
    """The award hash of an award's text (a file or a batch line), as every lookup by hash computes it; ``None``
    when the text does not parse within the bounds, is not a JSON object with a canonical form, or is one the
    strict reader refuses. A key written twice is read as its last value by some JSON readers and as its first by
    others: ``credreg verify FILE``, the check and the page refuse such a text, so no lookup may find it by the
    hash of one of its readings (it would be "valid" by hash and "not JSON" by file)."""
    data = _loads(text, strict=True)
    return award_hash_or_none(data) if isinstance(data, dict) else None


def lenient_text_hash(text: str) -> str | None:
    """:func:`award_text_hash` of a text the strict reader accepts, faster; of one it refuses (a key written
    twice), the hash of its last-wins reading. Only for finding candidates among many texts: a match is
    confirmed by :func:`award_text_hash` (or a strict parse) before it counts."""
    data = _loads(text)
    return award_hash_or_none(data) if isinstance(data, dict) else None


def award_hash_or_none(award: Mapping[str, Any]) -> str | None:
    """:func:`award_hash`, or ``None`` for a document that has none (not canonicalizable): found in a file, it is
    no award or endorsement anyone can name by hash."""
    try:
        return award_hash(award)
    except CredregError:  # not canonicalizable (RFC 8785): not an award anyone can name by hash
        return None


def read_revocations(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """(line number, entry) of every line of a revocation log; malformed lines are the check's business."""
    entries = []
    try:
        for number, line in iter_lines(path):
            data = _loads(line)
            if isinstance(data, dict):
                entries.append((number, data))
    except OSError:  # missing, or not a regular file: the layout check says so
        return []
    return entries
