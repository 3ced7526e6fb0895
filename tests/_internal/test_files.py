"""Reading registry files never goes through a symbolic link, at any component of the path, and never blocks."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator._internal.files import read_inside, regular_files


def test_read_inside_never_follows_a_link_on_the_path(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "f.txt").write_text("x")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    (tmp_path / "real" / "l.txt").symlink_to(tmp_path / "real" / "f.txt")
    assert read_inside(tmp_path, "real/f.txt") == b"x"
    for rel in ("link/f.txt", "real/l.txt", "real/../real/f.txt", "/etc/hostname"):
        with pytest.raises(OSError, match=r"symbolic link|not a path inside"):
            read_inside(tmp_path, rel)


def test_read_inside_refuses_special_and_oversized_files(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo")
    with pytest.raises(OSError, match="not a regular file"):
        read_inside(tmp_path, "fifo")  # opened non-blocking: no writer, no hang
    (tmp_path / "big").write_bytes(b"x" * 11)
    with pytest.raises(OSError, match="the limit is 10 bytes"):
        read_inside(tmp_path, "big", limit=10)


def test_regular_files_skips_links_to_files_and_folders(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "1.json").write_text("{}")
    (tmp_path / "a" / "0.json").write_text("{}")
    (tmp_path / "a" / "l.json").symlink_to(tmp_path / "a" / "0.json")
    (tmp_path / "a" / "d").symlink_to(tmp_path / "a" / "b")
    found = [(Path(d).relative_to(tmp_path).as_posix(), n) for d, n in regular_files(str(tmp_path / "a"))]
    assert found == [("a", "0.json"), ("a/b", "1.json")]
    (tmp_path / "top").symlink_to(tmp_path / "a")
    assert list(regular_files(str(tmp_path / "top"))) == []
