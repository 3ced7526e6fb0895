"""Awards on disk: single files and JSON Lines batches, read as a stream.

Layout: ``registry/issuers/<issuer>/awards/<year>/<hh>/<award-hash>.json`` for single awards (the file name is
the award's hash, ``hh`` its first two hex digits, so no folder grows past a few thousand entries), and
``registry/issuers/<issuer>/awards/<year>/batches/<date>-<credential>-<id>.jsonl`` for cohorts, one award per
line. The award hash is hex SHA-256 of the award's JCS (RFC 8785) form: formatting never changes it.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator import layout
from generator._internal.files import regular_files
from generator._internal.source import Document, parse_json
from generator.crypto.jcs import canonicalize

__all__ = [
    "AwardSource",
    "award_filename",
    "award_hash",
    "batch_filename",
    "find_award",
    "iter_award_files",
    "iter_awards",
    "read_revocations",
    "render_award",
]

#: Bound on one award (a single file or one batch line); awards are a few KiB.
MAX_AWARD_BYTES = 64 * 1024


def award_hash(award: Mapping[str, Any]) -> str:
    """Hex SHA-256 of the JCS form of the signed award: the one value shown everywhere."""
    return hashlib.sha256(canonicalize(award)).hexdigest()


def award_filename(root: Path, issuer: str, award: Mapping[str, Any], digest: str) -> Path:
    year = str(award.get("validFrom", "0000"))[:4]
    return layout.awards_dir(root, issuer) / year / digest[:2] / f"{digest}.json"


def batch_filename(root: Path, issuer: str, credential: str, date: str, batch_id: str) -> Path:
    return layout.awards_dir(root, issuer) / date[:4] / "batches" / f"{date}-{credential}-{batch_id}.jsonl"


def render_award(award: Mapping[str, Any]) -> str:
    """How a single award file is written: readable JSON (the hash does not depend on it)."""
    return json.dumps(award, indent=2, ensure_ascii=False) + "\n"


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

    def parse(self) -> Document:
        """Parse strictly; raises :class:`generator._internal.source.SourceError` with positions."""
        return parse_json(self.text, self.path, line_offset=(self.line - 1) if self.line else 0)


def iter_award_files(root: Path, issuer: str | None = None) -> Iterator[Path]:
    """Award files (``.json`` and ``.jsonl``) in a stable order, without listing all of them first."""
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
                yield Path(dirpath) / filename


def read_award_file(root: Path, path: Path) -> Iterator[AwardSource]:
    """The awards in one file: one for ``.json``, one per non-empty line for ``.jsonl``."""
    rel = layout.relpath(root, path)
    raw = path.read_bytes()
    text = raw.decode("utf-8", errors="surrogateescape")
    if path.suffix == ".json":
        yield AwardSource(rel, None, text)
        return
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
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
            try:
                data = json.loads(source.text)
            except ValueError:
                continue
            if isinstance(data, dict) and award_hash(data) == digest:
                return source, data
    return None


def read_revocations(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """(line number, entry) of every line of a revocation log; malformed lines are the check's business."""
    if not path.exists():
        return []
    entries = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                entries.append((number, json.loads(line)))
            except ValueError:
                continue
    return entries
