"""Reading registry files never goes through a symbolic link, at any component of the path, and never blocks;
JSON is written as ``json.dumps`` writes it, however fast."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import stat
import subprocess
import sys
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest

from generator._internal import files
from generator._internal.files import (
    append_line,
    json_text,
    read_inside,
    regular_files,
    scratch_folder,
    write_json_staged,
    write_new,
    write_staged,
    write_text_atomic,
)


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


def _nested(depth: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(depth):
        value = [value]
    return value


class _Level(StrEnum):
    HIGH = "high"


#: Values where orjson and ``json`` could part ways: exponents, NaN, huge integers, non-string keys, subclasses,
#: tuples, lone surrogates, deep nesting, escapes and non-ASCII text, empty containers.
_AWKWARD: list[Any] = [
    {"ects": 7.5, "small": 0.0001, "tiny": 1e-05, "big": 1e16, "bigger": 1.5e300, "neg": -0.0},
    {"nan": float("nan"), "inf": float("inf")},
    {"huge": 2**64, "edge": 2**63 - 1, "negative": -(2**63)},
    {1: "integer key"},
    {"level": _Level.HIGH},
    {"tuple": (1, 2)},
    {"surrogate": "\ud800"},
    {"deep": _nested(300)},
    {"text": 'quote " backslash \\ controls \x00\x01\x1f\b\f\n\r\t del \x7f slash / é 日本 😀 \u2028'},
    {"empty": {}, "none": [], "nested": [{}, [], {"a": []}], "flags": [True, False, None], "ints": [0, -1, 2**53]},
    [],
    "just a string",
]


@pytest.mark.parametrize("value", _AWKWARD, ids=range(len(_AWKWARD)))
def test_json_text_is_what_json_dumps_writes(value: Any) -> None:
    expected = json.dumps(value, indent=2, ensure_ascii=False) + "\n"
    assert json_text(value) == expected
    assert json_text(value, indent=None) == json.dumps(value, ensure_ascii=False) + "\n"


def test_write_json_staged_makes_the_folders(tmp_path: Path) -> None:
    write_json_staged(tmp_path / "a" / "b.json", {"x": [1, 2.5]})
    assert (tmp_path / "a" / "b.json").read_text(encoding="utf-8") == '{\n  "x": [\n    1,\n    2.5\n  ]\n}\n'


def test_write_staged_makes_missing_folders_only_when_needed(tmp_path: Path) -> None:
    write_staged(tmp_path / "a" / "b" / "c.json", b"one")
    write_staged(tmp_path / "a" / "b" / "d.json", b"two")  # the folder exists now: written straight away
    write_staged(tmp_path / "a" / "b" / "c.json", b"three")  # an existing file is replaced
    assert sorted(p.name for p in (tmp_path / "a" / "b").iterdir()) == ["c.json", "d.json"]
    assert (tmp_path / "a" / "b" / "c.json").read_bytes() == b"three"
    (tmp_path / "file").write_bytes(b"")
    with pytest.raises(NotADirectoryError):  # a file where a folder should be is an error, not overwritten
        write_staged(tmp_path / "file" / "x.json", b"")
    with pytest.raises(IsADirectoryError):
        write_staged(tmp_path / "a", b"")


def test_scratch_folder_is_private_and_in_memory_unless_tmpdir_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TMPDIR", raising=False)
    folder = scratch_folder("credreg-test-")
    try:
        assert folder.is_dir()
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        if Path("/dev/shm").is_dir() and os.access("/dev/shm", os.W_OK):
            assert folder.parent == Path("/dev/shm")
    finally:
        folder.rmdir()
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    tempfile.tempdir = None  # tempfile reads TMPDIR once: make it read again
    try:
        folder = scratch_folder("credreg-test-")
        assert folder.parent == tmp_path
    finally:
        tempfile.tempdir = None


def test_append_line_ends_an_unterminated_last_line_first(tmp_path: Path) -> None:
    log = tmp_path / "sub" / "revocations.jsonl"
    append_line(log, '{"a":1}')
    assert log.read_text() == '{"a":1}\n'
    log.write_bytes(b'{"a":1}')  # the final newline lost (a hand edit)
    append_line(log, '{"b":2}\n')
    assert log.read_text().splitlines() == ['{"a":1}', '{"b":2}']
    assert [json.loads(line) for line in log.read_text().splitlines()] == [{"a": 1}, {"b": 2}]
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    append_line(empty, "x")
    assert empty.read_text() == "x\n"


def _appending(path: Path, line: str) -> subprocess.Popen[str]:
    """Another process appending ``line`` to ``path`` with :func:`append_line` (what a second checkout's award does
    to the owner's record beside the key)."""
    code = "import sys; from pathlib import Path; from generator._internal.files import append_line; "
    code += "append_line(Path(sys.argv[1]), sys.argv[2])"
    return subprocess.Popen([sys.executable, "-c", code, str(path), line], text=True, env=_env())


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}


def test_an_append_waits_while_another_appender_holds_the_file(tmp_path: Path) -> None:
    """Two appenders of one file holding no common lock (an owner's record signed into from two checkouts, each
    holding its own owner folder): one appended in the middle of the other's line ('abc' + 'def' split by it),
    and one taking back its cut-short write could cut the line the other had just appended. The file is locked
    while appended to: the second waits for the first's whole line."""
    record = tmp_path / "owner.signed.txt"
    record.write_text("first\n")
    with record.open("ab") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        held.write(b"abc")  # the other appender, half-way through its line
        held.flush()
        second = _appending(record, "second")
        try:
            with contextlib.suppress(subprocess.TimeoutExpired):
                second.wait(timeout=1.5)
            assert second.returncode is None, record.read_text()  # still waiting
            assert record.read_text() == "first\nabc"
            held.write(b"def\n")
            held.flush()
        finally:
            fcntl.flock(held.fileno(), fcntl.LOCK_UN)
        assert second.wait(timeout=30) == 0
    assert record.read_text() == "first\nabcdef\nsecond\n"


def test_an_append_waiting_for_a_file_replaced_meanwhile_goes_to_the_new_file(tmp_path: Path) -> None:
    """A file rotated (renamed aside, a new one made) while an append waited for it: the line goes to the file at
    the path, not into the one renamed away."""
    log = tmp_path / "revocations.jsonl"
    log.write_text("old\n")
    rotated = tmp_path / "revocations.jsonl.1"
    with log.open("ab") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        appender = _appending(log, "new")
        try:
            with contextlib.suppress(subprocess.TimeoutExpired):
                appender.wait(timeout=1.5)
            log.rename(rotated)
            log.write_text("")
        finally:
            fcntl.flock(held.fileno(), fcntl.LOCK_UN)
        assert appender.wait(timeout=30) == 0
    assert rotated.read_text() == "old\n"
    assert log.read_text() == "new\n"


def test_link_on_path_looks_under_the_root_only_and_never_leaves_it(tmp_path: Path) -> None:
    """The registry's root reached through a link (``~/src`` a link to another disk) is a checkout like any; a link
    under it is named; a path that could leave the root (``..``) is no registry path, never answered 'no link'."""
    disk = tmp_path / "disk"
    (disk / "registry" / "issuers").mkdir(parents=True)
    (tmp_path / "src").symlink_to(disk)
    root = tmp_path / "src"
    assert files.link_on_path(root, "registry/issuers/acme/issuer.yaml") is None
    (disk / "registry" / "issuers" / "acme").symlink_to(tmp_path)
    assert files.link_on_path(root, "registry/issuers/acme/issuer.yaml") == "registry/issuers/acme"
    for rel in ("../outside/x.yaml", "registry/../../x", "/etc/x", "registry//x", "./x", ""):
        with pytest.raises(ValueError, match="not a path inside the registry"):
            files.link_on_path(root, rel)


def test_write_text_atomic_leaves_no_temporary_file_when_it_fails(tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.mkdir()  # a folder where the file should go: the rename fails
    with pytest.raises(IsADirectoryError):
        write_text_atomic(target, "x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]


def test_write_text_atomic_never_shares_its_temporary_file_with_another_writer(tmp_path: Path) -> None:
    # Another writer of the same file, midway: its temporary file was once `.list.json.tmp` too, and this write
    # would have written into it and renamed it away (then the other's rename failed, or published half a file).
    target = tmp_path / "list.json"
    other = tmp_path / ".list.json.tmp"
    other.write_text("the other writer's half", encoding="utf-8")
    write_text_atomic(target, "mine\n")
    assert target.read_text(encoding="utf-8") == "mine\n"
    assert other.read_text(encoding="utf-8") == "the other writer's half"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".list.json.tmp", "list.json"]


def test_folder_lock_holds_another_process_off_until_released(tmp_path: Path) -> None:
    # flock locks are per open file: a second process (here a child) waits while the folder is held.
    probe = (
        "import fcntl, os, sys; fd = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY)\n"
        "try:\n    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB); print('free')\n"
        "except BlockingIOError:\n    print('held')\n"
    )

    def state() -> str:
        done = subprocess.run([sys.executable, "-c", probe, str(tmp_path)], capture_output=True, text=True, check=True)
        return done.stdout.strip()

    with files.folder_lock(tmp_path):
        assert state() == "held"
    assert state() == "free"
    assert list(tmp_path.iterdir()) == []  # nothing added to the folder


def test_folder_lock_waits_a_bounded_time_then_gives_up_without_running_the_block(tmp_path: Path) -> None:
    # Held by another process (a child): the caller is told once that it waits, then FolderBusy after the timeout.
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, os, sys, time; fd = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY); "
         "fcntl.flock(fd, fcntl.LOCK_EX); print('held', flush=True); time.sleep(60)", str(tmp_path)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        told: list[str] = []
        ran = False
        with (
            pytest.raises(files.FolderBusy),
            files.folder_lock(tmp_path, timeout=0.3, waiting=lambda: told.append("x")),
        ):
            ran = True
        assert (told, ran) == (["x"], False)
    finally:
        holder.kill()
        holder.wait()
    # Its holder gone, however it ended, the folder is free at once; no one is told to wait.
    told.clear()
    with files.folder_lock(tmp_path, timeout=0, waiting=lambda: told.append("x")):
        assert told == []


@pytest.fixture(params=["hard links", "no hard links"])
def link_support(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """write_new on a file system with hard links, and on one without (FAT: link fails with EPERM)."""
    if request.param == "no hard links":

        def no_link(*args: object, **kwargs: object) -> None:
            raise OSError(errno.EPERM, "Operation not permitted")

        monkeypatch.setattr(files.os, "link", no_link)
    return str(request.param)


def test_write_new_creates_a_file_with_its_mode_and_no_leftovers(tmp_path: Path, link_support: str) -> None:
    target = tmp_path / "sub" / "new.json"
    write_new(target, b"{}\n", mode=0o600)
    assert target.read_bytes() == b"{}\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.stat().st_nlink == 1
    assert [p.name for p in target.parent.iterdir()] == ["new.json"]


def test_write_new_never_replaces_a_file_nor_writes_through_a_link(tmp_path: Path, link_support: str) -> None:
    taken = tmp_path / "taken"
    taken.write_bytes(b"someone else's")
    dangling = tmp_path / "dangling"
    dangling.symlink_to(tmp_path / "nowhere")
    for target in (taken, dangling):
        with pytest.raises(FileExistsError):
            write_new(target, b"mine")
    assert taken.read_bytes() == b"someone else's"
    assert not (tmp_path / "nowhere").exists(), "never written through the link"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dangling", "taken"], "no temporary file left"


@pytest.mark.parametrize("unnamed", [True, False], ids=["unnamed-file", "temporary-name"])
def test_write_new_refuses_a_file_made_after_it_began(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, unnamed: bool
) -> None:
    # The race itself: another process creates the file once this one's bytes are written, before it names them,
    # whether it writes an unnamed file first (Linux) or a temporary one.
    target = tmp_path / "award.json"
    real_fsync = os.fsync

    def fsync_then_race(fd: int) -> None:
        real_fsync(fd)
        if not target.exists():
            target.write_bytes(b"the other process's")

    if not unnamed:
        monkeypatch.setattr(files, "_write_unnamed", lambda *_: False)
    monkeypatch.setattr(files.os, "fsync", fsync_then_race)
    with pytest.raises(FileExistsError):
        write_new(target, b"mine")
    assert target.read_bytes() == b"the other process's"
    assert [p.name for p in tmp_path.iterdir()] == ["award.json"]


def test_write_new_under_a_file_is_not_a_taken_name(tmp_path: Path) -> None:
    # mkdir says FileExistsError for a file where a folder should be; to write_new's callers that error means
    # "the name is taken", so it is reported as what it is.
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    with pytest.raises(NotADirectoryError):
        write_new(a_file / "sub" / "new.json", b"{}")


def test_clear_abandoned_removes_only_unheld_folders_and_never_follows_a_link(tmp_path: Path) -> None:
    """What a killed writer left (a folder no process holds) goes; a held folder, a link with such a name (and what
    it points to), a plain file with such a name, and folders of other names stay."""
    from generator._internal.files import Claimed, claim_folder, clear_abandoned

    work = tmp_path / "work"
    work.mkdir()
    held: list[Claimed] = []
    live = claim_folder(work, ".site.building-", held).path
    (live / "page.html").write_text("live\n")
    dead = work / (".site.building-" + "d" * 16)
    dead.mkdir()
    (dead / "page.html").write_text("dead\n")
    target = tmp_path / "precious"
    target.mkdir()
    (target / "keep.txt").write_text("keep\n")
    (work / ".site.building-link").symlink_to(target)
    (work / ".site.building-file").write_text("a file\n")
    (work / "site").mkdir()
    try:
        clear_abandoned(work, (".site.building-",))
        assert sorted(p.name for p in work.iterdir()) == sorted(
            [live.name, ".site.building-link", ".site.building-file", "site"]
        )
        assert (live / "page.html").read_text() == "live\n"
        assert (target / "keep.txt").read_text() == "keep\n"
    finally:
        for claimed in held:
            claimed.release()
    clear_abandoned(work, (".site.building-",))  # released: as if its process had died
    assert not live.exists()


def test_a_file_where_a_folder_of_the_path_goes_is_not_a_folder_not_a_file_that_exists(tmp_path: Path) -> None:
    """`credreg codeowners` with a file named .github said 'cannot write .github/CODEOWNERS: File exists', as if
    CODEOWNERS were there (mkdir's FileExistsError for the folder it could not make). Every writer says what is
    wrong, and where: the file in the way is not a folder."""
    (tmp_path / ".github").write_text("x")
    for write in (write_text_atomic, lambda path, text: write_new(path, text.encode())):
        with pytest.raises(NotADirectoryError) as raised:
            write(tmp_path / ".github" / "CODEOWNERS", "x")
        assert raised.value.filename == str(tmp_path / ".github")
    assert (tmp_path / ".github").read_text() == "x"


def test_an_append_cut_as_its_write_returns_is_taken_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A signal's handler runs between two bytecodes: one that raises (Ctrl-C, credreg's SIGTERM) just as
    ``os.write`` returned, before the call counted what it wrote, left half a record the call did not know of.
    What follows the old end is taken back when it is the start of what was being written, whatever was counted."""
    path = tmp_path / "log"
    path.write_bytes(b"kept\n")
    real_write = os.write

    def write_then_signal(fd: int, data: Any) -> int:
        real_write(fd, bytes(data)[: len(data) // 2])  # the kernel wrote half ...
        raise KeyboardInterrupt  # ... and the handler ran before the count was stored

    monkeypatch.setattr(os, "write", write_then_signal)
    with pytest.raises(KeyboardInterrupt):
        files.append_bytes(path, b"a whole record\n")
    monkeypatch.undo()
    assert path.read_bytes() == b"kept\n"


def test_an_append_leaves_what_another_appender_added(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A writer that takes no lock (another tool) appended after this call's half record: what follows the old end
    is not this call's alone, and is left as it is (taking it back would remove the other's)."""
    path = tmp_path / "log"
    path.write_bytes(b"kept\n")
    real_write = os.write

    def write_then_other(fd: int, data: Any) -> int:
        real_write(fd, bytes(data)[:3])
        with path.open("ab") as other:
            other.write(b"theirs\n")
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "write", write_then_other)
    with pytest.raises(KeyboardInterrupt):
        files.append_bytes(path, b"a whole record\n")
    monkeypatch.undo()
    assert path.read_bytes() == b"kept\na wtheirs\n"


def _syncs(monkeypatch: pytest.MonkeyPatch, fail_folders: int | None = None) -> list[tuple[bool, set[str]]]:
    """Record each real ``fsync``: whether it synced a folder, and the names that folder held then. With
    ``fail_folders``, a folder's fsync fails with that errno instead (a file system that syncs no folders)."""
    seen: list[tuple[bool, set[str]]] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        folder = stat.S_ISDIR(os.fstat(fd).st_mode)
        seen.append((folder, set(os.listdir(fd)) if folder else set()))
        if folder and fail_folders is not None:
            raise OSError(fail_folders, os.strerror(fail_folders))
        real_fsync(fd)

    monkeypatch.setattr(files.os, "fsync", fsync)
    return seen


@pytest.mark.parametrize("write", ["atomic", "new"])
def test_a_durable_write_syncs_its_folder_once_the_name_is_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, write: str
) -> None:
    # The file's bytes were synced, but its name is an entry of the folder: until the folder reaches the disk, a
    # crash can bring back the old file (or none) under the name, after the command said it had written it.
    seen = _syncs(monkeypatch)
    target = tmp_path / "award.json"
    if write == "atomic":
        write_text_atomic(target, "{}\n")
    else:
        write_new(target, b"{}\n")
    assert seen[0][0] is False  # the file first
    assert seen[-1] == (True, {"award.json"})  # then its folder, holding the name and nothing temporary


def test_a_write_not_durable_syncs_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _syncs(monkeypatch)
    files.write_bytes_atomic(tmp_path / "tile", b"x", durable=False)
    assert seen == []


@pytest.mark.parametrize("code", [errno.EINVAL, errno.EOPNOTSUPP])
def test_a_file_system_that_syncs_no_folders_still_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    _syncs(monkeypatch, fail_folders=code)
    write_text_atomic(tmp_path / "a.json", "{}\n")
    write_new(tmp_path / "b.json", b"{}\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "b.json"]


def test_a_folder_sync_that_fails_on_the_disk_is_told(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # An I/O error syncing the folder: the name may not survive a crash, so the write is not reported done.
    _syncs(monkeypatch, fail_folders=errno.EIO)
    with pytest.raises(OSError, match="Input/output error") as caught:
        write_text_atomic(tmp_path / "a.json", "{}\n")
    assert caught.value.filename == os.fspath(tmp_path / "a.json")


def test_held_reads_give_the_bytes_hashed_or_refuse(tmp_path: Path) -> None:
    """While a build holds a registry's reads, read_inside and open_regular give a held folder's file only as it
    was hashed: changed bytes, or a file that was not there, refuse (and are recorded); other folders are free;
    the root named through a link is held too; released, nothing is held."""
    import hashlib

    root = tmp_path / "repo"
    (root / "registry").mkdir(parents=True)
    (root / "docs").mkdir()
    held_file = root / "registry" / "a.json"
    held_file.write_bytes(b'{"a": 1}\n')
    (root / "docs" / "free.md").write_bytes(b"free\n")
    linked = tmp_path / "linked"
    linked.symlink_to(root)
    info = held_file.stat()
    changed = files.hold_reads(
        root,
        ("registry",),
        {"registry/a.json": hashlib.sha256(held_file.read_bytes()).digest()},
        {(info.st_dev, info.st_ino): "registry/a.json"},
    )
    try:
        assert files.read_inside(root, "registry/a.json") == b'{"a": 1}\n'
        with files.open_regular(held_file) as fh:
            assert fh.read() == b'{"a": 1}\n'
        held_file.write_bytes(b'{"a": 2}\n')
        with pytest.raises(files.ChangedSinceVetted):
            files.read_inside(root, "registry/a.json")
        with pytest.raises(files.ChangedSinceVetted), files.open_regular(linked / "registry" / "a.json") as fh:
            fh.read()  # the same file, named through a link to the root: refused once read
        (root / "registry" / "new.json").write_bytes(b"{}\n")
        with pytest.raises(files.ChangedSinceVetted):
            files.open_regular(root / "registry" / "new.json")
        (root / "docs" / "free.md").write_bytes(b"changed\n")
        assert files.read_inside(root, "docs/free.md") == b"changed\n"
        assert changed == ["registry/a.json", "registry/new.json"]
        assert files.held_changes() == changed
    finally:
        files.release_reads(changed)
    assert files.read_inside(root, "registry/a.json") == b'{"a": 2}\n'
    assert files.held_changes() == []


def test_a_held_file_is_streamed_and_its_whole_bytes_still_held(tmp_path: Path) -> None:
    """A held file read by open_regular was read whole into memory first: the build's verification data writer
    read each cohort file of awards so, a 100,000-award cohort (hundreds of MB) at once, where it had streamed it
    line by line. It is streamed now; every byte given out, and at the end the rest, is hashed, and the whole must be
    the bytes hashed before the check: a change anywhere refuses, also past what the reader read."""
    import hashlib
    import tracemalloc

    root = tmp_path / "repo"
    (root / "registry").mkdir(parents=True)
    batch = root / "registry" / "cohort.jsonl"
    line = b'{"award": "' + b"x" * 1000 + b'"}\n'
    batch.write_bytes(line * 40_000)  # 40 MB
    info = batch.stat()
    digest = hashlib.sha256(batch.read_bytes()).digest()
    changed = files.hold_reads(root, ("registry",), {"registry/cohort.jsonl": digest}, {(info.st_dev, info.st_ino): ""})
    try:
        tracemalloc.start()
        with files.open_regular(batch) as fh:
            assert fh.readline() == line
            _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert peak < 8_000_000, f"{peak:,} bytes held to read one line"
        with files.open_regular(batch) as fh:
            count = sum(1 for _ in iter(fh.readline, b""))
        assert count == 40_000
        with files.open_regular(batch) as fh:
            assert fh.read(5) == line[:5]  # a head only: the rest is read to its end and held too
        with batch.open("r+b") as writer:  # one byte changed far past any head a reader takes
            writer.seek(30_000_000)
            writer.write(b"y")
        with pytest.raises(files.ChangedSinceVetted), files.open_regular(batch) as fh:
            fh.read(5)
        with pytest.raises(files.ChangedSinceVetted), files.open_regular(batch) as fh:
            list(iter(fh.readline, b""))  # line by line to the end
        assert changed == ["registry/cohort.jsonl"]
        changed.clear()
        with pytest.raises(ValueError, match="inside"), files.open_regular(batch) as fh:  # noqa: PT012
            fh.read(5)
            raise ValueError("inside")  # an error the reader raised is its own, not the hold's
        assert changed == ["registry/cohort.jsonl"]  # but the change is recorded, for the build's refusal
        changed.clear()

        def first_line() -> bytes:  # a consumer that stops early: the generator is closed at its yield
            with files.open_regular(batch) as fh:
                yield fh.readline()

        lines = first_line()
        assert next(lines) == line
        lines.close()
        assert changed == ["registry/cohort.jsonl"]
    finally:
        files.release_reads(changed)
