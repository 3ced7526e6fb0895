"""Writing files so that a reader, or a crash, never sees half of one."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def write_text_atomic(path: Path, text: str) -> None:
    """Write via a temporary sibling and rename (atomic on POSIX)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(path)


def write_staged(path: Path, data: bytes) -> None:
    """Write into a build's staging folder (swapped in whole once complete): a plain write, parents made."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def write_json_atomic(path: Path, data: Any, *, indent: int | None = 2) -> None:
    write_text_atomic(path, json.dumps(data, indent=indent, ensure_ascii=False) + "\n")


def append_line(path: Path, line: str) -> None:
    """Append one line durably (append-only logs such as revocations.jsonl)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(line.rstrip("\n") + "\n")
        fh.flush()
        os.fsync(fh.fileno())
