"""Writing files so that a reader, or a crash, never sees half of one; reading registry files without ever
following a symbolic link."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import hashlib
import json
import os
import re
import secrets
import shutil
import stat
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, NoReturn, cast

import orjson

from generator._internal.plainjson import orjson_writes_as_json
from generator._internal.signals import held_off
from generator._internal.text import terminal_safe
from generator.errors import UsageError


def names_file(text: str) -> bool:
    """Whether ``text`` names a file; text that cannot be a path (a component or the whole too long for the file
    system, a NUL) is not one (a command's argument that may be a file or a key, a hash or a link)."""
    try:
        return Path(text).is_file()
    except (OSError, ValueError):
        return False


def resolved(path: Path) -> Path:
    """``path`` absolute, its symbolic links followed (:meth:`Path.resolve`): the one call for a path a user gives.
    Links that loop (Python 3.11 raises RuntimeError for them, later versions OSError) are a usage error that
    names the path, not a traceback."""
    try:
        return path.resolve()
    except RuntimeError:
        raise UsageError(f"{path}: its symbolic links loop") from None
    except OSError as exc:
        raise UsageError(f"{path}: {exc.strerror or exc}") from None


def option_file_error(option: str, path: str | Path, exc: OSError) -> UsageError:
    """A file named on the command line that cannot be read or written: the option and the path, not a traceback.
    The path is shown escaped (:func:`terminal_safe`): one with a line break would otherwise print a second line
    of its own (``credreg: ok``) under the message."""
    return UsageError(f"{option} {terminal_safe(os.fspath(path))}: {exc.strerror or exc}")


def write_option_file(option: str, path: str | Path, text: str) -> None:
    """Write a file named by ``option`` whole (a reader, or a killed run, never leaves half of it). A FIFO, a
    terminal or a device there (``--pr-body /dev/stdout``, a process substitution) is written to as it is: the
    temporary file renamed over it replaced it (``/dev/stdout`` made a regular file, when run as root), and
    whoever read the FIFO waited for ever."""
    try:
        if _special(Path(path)):
            fd = os.open(path, os.O_WRONLY | os.O_CLOEXEC)
            try:
                with naming(Path(path)):
                    _write_all(fd, text.encode("utf-8"))
            finally:
                os.close(fd)
            return
        write_text_atomic(Path(path), text)
    except OSError as exc:
        raise option_file_error(option, path, exc) from None


def _special(path: Path) -> bool:
    """Whether ``path`` is (or links to) something other than a regular file or a folder."""
    try:
        mode = path.stat().st_mode
    except (OSError, ValueError):
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def write_text_atomic(path: Path, text: str) -> None:
    """Write via a temporary sibling and rename (atomic on POSIX). The temporary name is unique: two writers of
    one file never write into, or rename, each other's. The sibling gets its name only once written
    (:func:`_write_unnamed`): a process killed while writing leaves nothing, and one killed between the two
    calls that name and rename it, a temporary file (refused by the check, which says where it comes from)."""
    write_bytes_atomic(path, text.encode("utf-8"))


def write_bytes_atomic(path: Path, data: bytes, *, durable: bool = True) -> None:
    """:func:`write_text_atomic` of bytes. ``durable=False``: not synced (thousands of a log's tiles, which a
    crash's caller writes again): still whole or not there, and nothing left behind when the write fails."""
    _make_parent(path)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        with naming(path):
            if not durable:
                _write_exclusive(tmp, data, 0o666, sync=False)
            elif not _write_unnamed(tmp, data, 0o666):
                _write_exclusive(tmp, data, 0o666)
            tmp.replace(path)
            if durable:
                _sync_folder(path.parent)
    except BaseException:
        _remove(tmp)  # a failed write leaves nothing behind, not even the temporary file
        raise


#: What ``fsync`` of a folder fails with where the file system syncs no folders (some network and FUSE ones):
#: nothing more to do there.
_NO_FOLDER_SYNC = frozenset({errno.EINVAL, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EBADF, errno.EACCES})


def _sync_folder(folder: Path) -> None:
    """Sync ``folder`` itself: the rename is an entry of the folder, and until the folder reaches the disk a crash
    can bring back the old file (or none) under the name, though the new file's bytes were synced."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as exc:
        if exc.errno in _NO_FOLDER_SYNC:
            return
        raise
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in _NO_FOLDER_SYNC:
            raise
    finally:
        os.close(fd)


@contextlib.contextmanager
def naming(path: Path) -> Iterator[None]:
    """An :class:`OSError` raised while ``path`` is written that names no file (a ``write`` or ``fsync`` failing: a
    full disk, a quota, an I/O error) names ``path``: the command's message then says which file, not only why
    (``credreg: [Errno 28] No space left on device``), and one that names another file (the temporary sibling it
    is written to first, the folder an unnamed file is opened in) names ``path`` instead."""
    try:
        yield
    except OSError as exc:
        # Not the temporary sibling or the folder an unnamed file is opened in either (where the file system
        # makes no unnamed files, ``.name.3f9a….tmp: Read-only file system``): a file the user never named.
        exc.filename, exc.filename2 = os.fspath(path), None
        raise


class FolderBusy(TimeoutError):
    """:func:`folder_lock` gave up: another process held the folder for the whole timeout."""


@contextlib.contextmanager
def folder_lock(
    folder: Path, *, timeout: float | None = None, waiting: Callable[[], None] | None = None
) -> Iterator[None]:
    """Hold an exclusive advisory lock (``flock``) on ``folder`` itself while the block runs: a read-modify-write of
    files in it (a revocation log and status list) is then never interleaved with another process's doing the
    same. The folder is locked, not a lock file in it, so nothing is added that the registry's layout would have
    to allow, and nothing is left behind; the lock goes with the process, however it ends.

    When another process holds it, ``waiting`` is called once, then the lock is waited for: without end, or for
    ``timeout`` seconds and then :class:`FolderBusy` (the block has not run)."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        if not _try_flock(fd):
            if waiting is not None:
                waiting()
            if timeout is None:
                fcntl.flock(fd, fcntl.LOCK_EX)
            else:
                # flock has no timeout of its own: polled, which is cheap beside what a holder does (signing).
                deadline = time.monotonic() + timeout
                while not _try_flock(fd):
                    if time.monotonic() >= deadline:
                        raise FolderBusy(errno.EWOULDBLOCK, "held by another process", str(folder))
                    time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # closing the last descriptor releases the lock


class Claimed:
    """A folder this process is writing (a build's staging folder, a demo registry before it is complete), held by
    an exclusive ``flock`` on the folder itself for as long as :meth:`release` is not called and the process (or
    a child forked from it) lives. The lock goes with the folder's inode through a rename, and with the process
    when it dies, however it dies (SIGKILL too): :func:`clear_abandoned` tells a live writer's folder from the
    leftover of a dead one by trying the lock, never by a process id (which another machine sharing the folder,
    or another PID namespace, does not see)."""

    __slots__ = ("_fd", "path")

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self._fd: int | None = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def claim_folder(parent: Path, prefix: str, held: list[Claimed], *, mode: int = 0o755) -> Claimed:
    """A new folder in ``parent`` (made if missing) named ``prefix`` and a random tail, claimed (:class:`Claimed`)
    and added to ``held`` before anything else can happen (an interruption — Ctrl-C, SIGTERM — included: the
    caller's clean-up of ``held`` then removes it; one before then is cleaned here). It is made and locked while
    ``parent`` is locked, as :func:`clear_abandoned` looks only then: it never sees the folder in the instant
    between its making and its lock."""
    parent.mkdir(parents=True, exist_ok=True)
    # Signals held off from the making to the handing over (the lock is waited for before): one arriving between
    # the two (a SIGTERM sent as the folder appears) left it behind, neither the caller's nor cleaned here.
    with folder_lock(parent), held_off():
        while True:
            path = parent / claim_name(prefix)
            try:
                path.mkdir(mode=0o700)
                break
            except FileExistsError:
                continue
        fd = None
        try:
            fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
            fcntl.flock(fd, fcntl.LOCK_EX)  # new: no one else can hold it
            path.chmod(mode)  # mkdtemp makes it private; a site must be readable by the web server
            claimed = Claimed(path, fd)
            held.append(claimed)
        except BaseException:
            if fd is not None:
                os.close(fd)
            shutil.rmtree(path, ignore_errors=True)
            raise
    return claimed


def claim_name(prefix: str) -> str:
    """A new name of a folder this process claims: ``prefix`` and 16 random hex digits, the only names
    :func:`clear_abandoned` takes for its own (a user's ``.site.old-backup`` is not one)."""
    return prefix + secrets.token_hex(8)


def _claimed_name(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name.startswith(p) and _CLAIM_TAIL.fullmatch(name, len(p)) for p in prefixes)


_CLAIM_TAIL = re.compile(r"[0-9a-f]{16}")


def claim_existing(path: Path) -> Claimed:
    """Claim the existing folder ``path`` (waiting while another process holds it): a published site about to be
    moved aside, so that :func:`clear_abandoned` leaves it alone until this process has deleted it, or died."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return Claimed(path, fd)


def clear_abandoned(
    parent: Path, prefixes: tuple[str, ...], restore: Callable[[str], Path | None] | None = None
) -> None:
    """Remove the folders of ``parent`` named with one of ``prefixes`` and a tail of :func:`claim_name` (no other
    name: a user's folder is not ours) that no live process holds: what a process killed while it wrote them
    (SIGKILL, a power cut) left behind. One that a live process holds
    (:func:`claim_folder`, :func:`claim_existing`) is left alone. ``restore(name)``: where such a folder goes back
    instead, when that path is free (a previous site moved aside by a build killed before the new one replaced
    it); ``None``: deleted. Links and files with such names are not touched. Errors are ignored: this is tidying,
    and a folder that cannot be removed now can be next time."""
    try:
        with folder_lock(parent), os.scandir(parent) as entries:
            names = sorted(
                e.name for e in entries if _claimed_name(e.name, prefixes) and e.is_dir(follow_symlinks=False)
            )
            for name in names:
                try:
                    fd = os.open(parent / name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
                except OSError:
                    continue
                try:
                    if not _try_flock(fd):
                        continue  # a live process's
                    back = restore(name) if restore is not None else None
                    if back is not None and not os.path.lexists(back):
                        (parent / name).rename(back)
                    else:
                        shutil.rmtree(parent / name, ignore_errors=True)
                except OSError:
                    continue
                finally:
                    os.close(fd)
    except OSError:
        return


def _try_flock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def write_new(path: Path, data: bytes, *, mode: int = 0o666) -> None:
    """Create ``path`` holding ``data``, never replacing anything: :class:`FileExistsError` when something has
    the name (a link too, even a dangling one), and then nothing is written. A reader never sees half of it,
    and a process killed while writing leaves nothing behind where the file system makes unnamed files
    (Linux: :func:`_write_unnamed`); elsewhere a temporary file (:func:`stage_new`), which the check refuses."""
    _make_parent(path)
    with naming(path):
        if not _write_unnamed(path, data, mode):
            place_new(stage_new(path, data, mode=mode), path)
        _sync_folder(path.parent)


def _make_parent(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError as exc:  # a file where a folder should be: FileExistsError means "path exists" here
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), exc.filename) from None


#: What opening an unnamed file (``O_TMPFILE``) fails with where the file system or the kernel has none.
_NO_UNNAMED = frozenset({errno.EOPNOTSUPP, errno.ENOTSUP, errno.EISDIR, errno.EINVAL, errno.ENOSYS})


def _write_unnamed(path: Path, data: bytes, mode: int) -> bool:
    """Write ``data`` (synced) to an unnamed file in ``path``'s folder, then give it the name ``path``, never
    replacing anything (:class:`FileExistsError`); ``False``, and nothing written, where unnamed files are not
    supported. The name appears only once the file is complete: a process killed before leaves nothing."""
    fd = _open_unnamed(path.parent, data, mode)
    if fd is None:
        return False
    try:
        return _name_unnamed(fd, path)
    finally:
        os.close(fd)


def _open_unnamed(folder: Path, data: bytes, mode: int) -> int | None:
    """A descriptor of a new unnamed file (``O_TMPFILE``) in ``folder`` holding ``data``, synced; ``None`` where
    unnamed files are not supported. Closing it without :func:`_name_unnamed` leaves nothing behind."""
    flag = getattr(os, "O_TMPFILE", None)
    if flag is None:
        return None
    try:
        fd = os.open(folder, flag | os.O_WRONLY, mode)
    except OSError as exc:
        if exc.errno in _NO_UNNAMED:
            return None
        raise
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _name_unnamed(fd: int, path: Path) -> bool:
    """Give the unnamed file ``fd`` the name ``path``, never replacing anything (:class:`FileExistsError`); ``False``
    where a descriptor cannot be named (no ``/proc``, or a file system without hard links)."""
    try:
        # linkat(AT_SYMLINK_FOLLOW) of the descriptor's /proc entry: never over an existing name or link. A
        # src_dir_fd (ignored for an absolute path) makes Python call linkat: plain link() would link the
        # /proc entry itself, which fails (EXDEV).
        os.link(f"/proc/self/fd/{fd}", path, src_dir_fd=fd, follow_symlinks=True)
    except FileExistsError:
        raise
    except OSError as exc:
        no_proc = exc.errno == errno.ENOENT and not Path("/proc/self/fd").is_dir()
        if no_proc or exc.errno == errno.EXDEV or exc.errno in _NO_HARD_LINKS:
            return False  # written to no name: the other way writes it again
        raise
    return True


@contextlib.contextmanager
def prepared_new(path: Path, data: bytes, *, mode: int = 0o666) -> Iterator[Callable[[], None]]:
    """``path``'s file, complete and synced but not yet named, for files that must appear together (a key's two
    halves): the block gets a function that names it, as :func:`write_new` would (never replacing anything:
    :class:`FileExistsError`). Unnamed where the file system makes unnamed files (Linux): a process killed before
    the name is given leaves nothing; elsewhere a temporary file (:func:`stage_new`), which the check refuses.
    Whatever was not named is gone once the block ends, however it ends."""
    _make_parent(path)
    with naming(path):
        fd = _open_unnamed(path.parent, data, mode)
        staged = stage_new(path, data, mode=mode) if fd is None else None

    def name() -> None:
        if staged is not None:
            place_new(staged, path)
        elif fd is not None and not _name_unnamed(fd, path):
            place_new(stage_new(path, data, mode=mode), path)

    try:
        yield name
    finally:
        if fd is not None:
            os.close(fd)
        if staged is not None:
            _remove(staged)


@contextlib.contextmanager
def all_or_nothing(root: Path) -> Iterator[Callable[[Path, Callable[[], object]], None]]:
    """New files under ``root`` that go in together or not at all: the block gets ``make(path, write)``, which
    calls ``write()`` to create the new file ``path`` (``False`` from it: the file was not made, another process's
    stands). When the block fails (a full disk at a later file, an error, Ctrl-C, SIGTERM), every file made is
    removed, and every folder made for one (missing before, and empty again). Each file is made and recorded with
    signals held off: one raised as the file was named (Python raises it at the next line) left it to no one.

    The caller holds the lock of the folder it writes under (an award run: its owner's, ``awarding.lock``; a new
    issuer: CODEOWNERS's): a folder made meanwhile by a run that does not hold it could be taken back empty between
    that run's ``mkdir`` and its write, which then fails (cleanly: nothing of it is left)."""
    made: list[Path] = []
    folders: set[Path] = set()

    def make(path: Path, write: Callable[[], object]) -> None:
        for folder in path.parents:
            if folder == root or not folder.is_relative_to(root) or folder.exists():
                break
            folders.add(folder)
        with held_off():
            if write() is not False:
                made.append(path)

    try:
        yield make
    except BaseException:
        with held_off():  # a second Ctrl-C never stops the taking back halfway
            for path in reversed(made):
                with contextlib.suppress(OSError):
                    path.unlink()
            for folder in sorted(folders, key=lambda f: len(f.parts), reverse=True):  # deepest first
                with contextlib.suppress(OSError):  # not empty: something else went in meanwhile
                    folder.rmdir()
        raise


def stage_new(path: Path, data: bytes, *, mode: int = 0o666) -> Path:
    """Write ``data`` (synced) to a new temporary file beside ``path``, created with ``mode`` (less the umask)
    and never opened through a link; its path, for :func:`place_new`. Nothing is left behind on failure."""
    _make_parent(path)
    staged = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")  # unique: two writers never share it
    _write_exclusive(staged, data, mode)
    return staged


def _write_exclusive(path: Path, data: bytes, mode: int, *, sync: bool = True) -> None:
    """Create ``path`` (never there before, never through a link) holding ``data``, synced (unless not ``sync``);
    removed on failure."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            if sync:
                os.fsync(fh.fileno())
    except BaseException:
        _remove(path)  # created above: ours to remove
        raise


def _remove(path: Path) -> None:
    """Remove a temporary file this module made. A removal that fails (a read-only file system, an I/O error) is
    left as it is: it must not replace the error that made it necessary with one naming the temporary file."""
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


#: What ``link`` fails with on a file system without hard links (FAT, some network and FUSE ones).
_NO_HARD_LINKS = frozenset({errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.ENOSYS})


def place_new(staged: Path, path: Path) -> None:
    """Give the file ``staged`` (from :func:`stage_new`) the name ``path`` unless something has it already
    (:class:`FileExistsError`); ``staged`` is gone afterwards either way.

    A rename would replace a file made since the caller looked; a hard link never replaces its target, and
    does not follow a link there. Where the file system has no hard links, the bytes are copied into a file
    created with ``O_EXCL``: still never a replaced file, though a reader could then see half of it."""
    try:
        try:
            os.link(staged, path, follow_symlinks=False)
        except OSError as exc:
            if exc.errno not in _NO_HARD_LINKS:
                raise
            _copy_new(staged, path)
    finally:
        _remove(staged)


def _copy_new(staged: Path, path: Path) -> None:
    _write_exclusive(path, staged.read_bytes(), stat.S_IMODE(staged.stat().st_mode))


def write_staged(path: Path, data: bytes) -> None:
    """Write into a staging folder (a build's, a demo registry's: swapped in whole once complete, and synced then
    by :func:`sync_file_system`): a plain write, parents made, never through a link at ``path``.

    The parents are made only when the open says they are missing: a build writes tens of thousands of files
    into a few thousand folders, and a ``mkdir`` before each write is one system call too many."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        fd = os.open(path, flags, 0o666)  # opened apart from the with: a missing folder is told from other errors
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, flags, 0o666)
    with naming(path), os.fdopen(fd, "wb") as fh:
        fh.write(data)


def sync_file_system(folder: Path) -> None:
    """Write to disk what was written to the file system holding ``folder`` (``syncfs``; ``sync`` where there is
    none): one call before a staging folder of thousands of files is renamed into place, where an ``fsync`` of
    each would cost seconds, so that a crash after the rename never leaves empty files under the final name."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        syncfs = getattr(ctypes.CDLL(None, use_errno=True), "syncfs", None)
        if syncfs is None or syncfs(fd) != 0:
            os.sync()
    finally:
        os.close(fd)


def scratch_folder(prefix: str) -> Path:
    """A new private temporary folder for small files written once, read once and deleted (the caller
    removes it): in memory (``/dev/shm``) when the machine has one and ``TMPDIR`` does not say otherwise,
    where making and deleting a file costs a fifth of what it costs on a disk's file system. Only for
    bounded amounts: memory holds it."""
    shm = Path("/dev/shm")  # noqa: S108 - a private mkdtemp folder inside it, as in /tmp
    if "TMPDIR" not in os.environ and shm.is_dir() and os.access(shm, os.W_OK | os.X_OK):
        try:
            return Path(tempfile.mkdtemp(prefix=prefix, dir=shm))
        except OSError:
            pass
    return Path(tempfile.mkdtemp(prefix=prefix))


def write_json_atomic(path: Path, data: Any, *, indent: int | None = 2) -> None:
    write_text_atomic(path, json_text(data, indent=indent))


def write_json_staged(path: Path, data: Any) -> None:
    """:func:`write_json_atomic`'s text, written as :func:`write_staged` writes (no temporary file, no fsync: a
    build's staging folder is swapped in whole, and hundreds of fsyncs cost it a second)."""
    write_staged(path, json_text(data).encode("utf-8"))


def json_text(data: Any, *, indent: int | None = 2) -> str:
    """``json.dumps(data, indent=indent, ensure_ascii=False)`` and a newline. With ``indent=2`` written by orjson
    when it gives the same text (:mod:`generator._internal.plainjson` says when), ten times faster than the
    standard library's indenting encoder (written in Python)."""
    if indent == 2 and orjson_writes_as_json(data, floats=True):
        try:
            return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE).decode("utf-8")
        except orjson.JSONEncodeError:  # nesting beyond orjson's limit
            pass
    return json.dumps(data, indent=indent, ensure_ascii=False) + "\n"


def append_line(path: Path, line: str) -> None:
    """Append one line durably (append-only logs such as revocations.jsonl).

    A file whose last line has no final newline (a hand edit, an editor's setting) gets one first: otherwise the
    new line would be glued onto the last one and both would become unreadable."""
    append_lines(path, [line])


def append_lines(path: Path, lines: list[str]) -> None:
    """:func:`append_line` of several lines, in one write.

    All of them or none: a write cut short (a full disk, a quota, an interruption between two writes of a long
    text) is taken back, so the file is as it was, never ending in half a line that every later reader refuses
    and the next line would be appended to. Taken back only while the file is exactly as this call left it (its
    size).

    The file itself is locked (``flock``) while it is appended to, and taken back: two appenders that hold no
    common lock (an owner's record beside the key, signed into from two checkouts of the registry, each holding
    its own owner folder) never cut each other's line, nor glue theirs onto half of the other's. A file replaced
    (renamed over, rotated) while this call waited for it is opened again: the line goes to the file at ``path``."""
    append_text(path, "".join(line.rstrip("\n") + "\n" for line in lines))


def append_text(path: Path, text: str, *, errors: str = "strict", parents: bool = True) -> None:
    """Append ``text`` (its lines; a final newline is added when it has none) as :func:`append_bytes` does, after a
    newline when the file's last line has none: a registry's log, or a file a CI job names (its step summary, its
    outputs), which other steps append to as well. ``errors``: how characters UTF-8 cannot hold (a path's
    surrogate escapes) are written (:meth:`str.encode`); ``parents``: missing folders are made (not for a file
    the user named: a mistyped folder is an error, not made)."""
    body = text if text.endswith("\n") else text + "\n"
    append_bytes(path, body.encode("utf-8", errors), lines=True, parents=parents)


def append_bytes(path: Path, data: bytes, *, lines: bool = False, follow: bool = True, parents: bool = True) -> None:
    """Append ``data``: whole or not at all (a write cut short is taken back while the file is as this call left
    it), synced, under the file's lock (:func:`append_lines`). The one way a file is appended to.

    ``lines``: after a newline when the file's last line has none. ``follow``: a link at ``path`` is followed, and
    a FIFO or a terminal there (``--summary /dev/stderr``) written to as it is (a file the user named); without
    it, the file must be a regular file and no link (:class:`OSError`: a file of the checkout, such as a cache,
    which a committed link could point anywhere)."""
    if parents:
        _make_parent(path)
    with naming(path):
        fd = _locked_append(path, follow=follow)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            with naming(path):
                if not follow:
                    raise OSError(errno.EINVAL, "not a regular file")
                _write_all(fd, data)  # a FIFO or a terminal: no size to take back, nothing to sync
            return
        start = os.lseek(fd, 0, os.SEEK_END)
        prefix = b"\n" if lines and start > 0 and os.pread(fd, 1, start - 1) != b"\n" else b""
        data = prefix + data
        try:
            with naming(path):
                _write_all(fd, data)
                os.fsync(fd)
        except BaseException:
            _take_back(fd, start, data)
            raise
    finally:
        os.close(fd)  # closing the last descriptor releases the lock


def _take_back(fd: int, start: int, data: bytes) -> None:
    """Cut the file back to ``start`` when what follows it is the start of ``data`` (this call's write, cut short),
    judged by the file, not by a count: a signal's handler raising as ``os.write`` returned left bytes no count
    held. Not when it is anything else (a writer that takes no lock appended meanwhile: taking it back would
    remove theirs too). Signals are held off meanwhile, so a second Ctrl-C cannot stop it halfway."""
    with held_off(), contextlib.suppress(OSError):  # the write's own error is the one to tell
        size = os.fstat(fd).st_size
        if start < size <= start + len(data) and os.pread(fd, size - start, start) == data[: size - start]:
            os.ftruncate(fd, start)
            with contextlib.suppress(OSError):
                os.fsync(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


#: What ``flock`` fails with where the file system has no locks.
_NO_LOCKS = frozenset({errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOTSUP, errno.ENOSYS})


def _locked_append(path: Path, *, follow: bool = True) -> int:
    """A descriptor of the file at ``path`` (made if missing), opened to append and locked (``flock``), still the
    file at ``path`` once the lock is held; never through a link at ``path`` unless ``follow``."""
    flags = os.O_RDWR | os.O_APPEND | os.O_CREAT | (0 if follow else os.O_NOFOLLOW | os.O_NONBLOCK)
    while True:
        fd = os.open(path, flags, 0o666)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
            except OSError as exc:
                if exc.errno not in _NO_LOCKS:
                    raise
                return fd  # a file system without locks (a network share without its lock service): as before
            held, named = os.fstat(fd), path.stat(follow_symlinks=follow)
        except FileNotFoundError:  # removed while this call waited: made again
            os.close(fd)
            continue
        except BaseException:
            os.close(fd)
            raise
        if (held.st_dev, held.st_ino) == (named.st_dev, named.st_ino):
            return fd
        os.close(fd)


#: ``strerror`` of the error :func:`read_inside` raises for a symbolic link on the path.
SYMLINK_REFUSED = "is a symbolic link, or lies under one (links are never followed)"


def read_inside(root: Path, rel: str, *, limit: int | None = None) -> bytes:
    """The bytes of the regular file at ``rel`` (POSIX, relative) under ``root``, never through a symbolic link.

    Every component is opened relative to its parent with ``O_NOFOLLOW``, so a link anywhere on the path, even
    one swapped in during the read, fails instead of reading outside the repository. Raises :class:`OSError`
    (``strerror`` says why) for links, special files (a FIFO would block), ``..`` and files over ``limit``.
    """
    parts = rel.split("/")
    if not rel or rel.startswith("/") or any(p in ("", ".", "..") for p in parts):
        raise OSError(errno.EINVAL, "not a path inside the registry")
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for part in parts[:-1]:
            child = _open_nofollow(part, os.O_RDONLY | os.O_DIRECTORY, fd)
            os.close(fd)
            fd = child
        leaf = _open_nofollow(parts[-1], os.O_RDONLY | os.O_NONBLOCK, fd)
        with os.fdopen(leaf, "rb") as fh:
            info = os.fstat(fh.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise OSError(errno.EINVAL, "not a regular file")
            if limit is not None and info.st_size > limit:
                raise OSError(errno.EFBIG, f"file is {info.st_size:,} bytes; the limit is {limit:,} bytes")
            data = fh.read() if limit is None else fh.read(limit + 1)
            if limit is not None and len(data) > limit:
                raise OSError(errno.EFBIG, f"file is over the limit of {limit:,} bytes")
            _vet(os.path.join(os.path.abspath(root), *parts), info, data)  # noqa: PTH100, PTH118 - as open_regular's
            return data
    finally:
        os.close(fd)


def link_on_path(root: Path, rel: str) -> str | None:
    """The first folder of ``rel`` (POSIX, relative to ``root``) that is a symbolic link, relative to ``root``;
    ``None`` when none is (a missing one is no link: it is made as a folder). What writes a registry file asks it
    first, as :func:`read_inside` reads one: never through a link, which could point outside the repository.

    Only the folders under ``root`` are looked at: ``root`` itself may be reached through links (a checkout under
    ``~/src``, itself a link to another disk). A ``rel`` that could leave ``root`` (``..``, an absolute path, an
    empty or ``.`` component) is :class:`ValueError`: ``..`` after a folder that is a link would be that link's
    target's parent. What remains: a link made between this question and the write is not seen (whoever can make
    one in the checkout can write its files anyway)."""
    parts = rel.split("/")
    if not rel or rel.startswith("/") or any(p in ("", ".", "..") for p in parts):
        raise ValueError(f"{rel!r} is not a path inside the registry")
    for end in range(1, len(parts)):
        folder = "/".join(parts[:end])
        if (root / folder).is_symlink():
            return folder
    return None


def refuse_link_on_path(root: Path, rel: str) -> None:
    """:class:`UsageError` naming the folder of ``rel`` that is a symbolic link (:func:`link_on_path`), if one is:
    asked before anything is written."""
    linked = link_on_path(root, rel)
    if linked is not None:
        raise UsageError(
            f"cannot write {rel}: {linked} is a symbolic link, and a registry's files are never written through one "
            "(it could point outside the repository); nothing was written",
            ["put the folder itself there"],
        )


def is_mount_point(path: Path) -> bool:
    """Whether the folder ``path`` (resolved: links followed) is where something is mounted, which cannot be renamed
    (``EBUSY``). :meth:`Path.is_mount` compares devices and sees no bind mount of a folder of the same file system
    (a container's volume, ``mount --bind``): the kernel's list of this process's mount points
    (``/proc/self/mountinfo``, where there is one) is asked too."""
    if path.is_mount():
        return True
    try:
        with open("/proc/self/mountinfo", "rb") as fh:  # noqa: PTH123 - bytes: a mount point need not be UTF-8
            table = fh.read()
    except OSError:
        return False
    wanted = os.fsencode(path)
    for line in table.splitlines():
        fields = line.split(b" ")
        # The fifth field, with space, tab, newline and backslash written as octal escapes (\040).
        if len(fields) > 4 and _MOUNTINFO_ESCAPE.sub(_unescape, fields[4]) == wanted:
            return True
    return False


_MOUNTINFO_ESCAPE = re.compile(rb"\\([0-7]{3})")


def _unescape(match: re.Match[bytes]) -> bytes:
    return bytes([int(match.group(1), 8)])


def unwritable_folder(path: Path) -> str | None:
    """Why ``path`` could not be made (with its missing folders) and written (``None`` when it could): its
    nearest existing ancestor (a link on the way counts as one) is not a folder, or is not writable. Asked before
    work that must not be wasted or half-done, such as signing or making a key."""
    ancestor = path
    while not ancestor.exists() and not ancestor.is_symlink() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        return f"{ancestor} is not a folder"
    if not os.access(ancestor, os.W_OK | os.X_OK):
        return f"the folder {ancestor} is not writable"
    return None


def open_regular(path: Path) -> BinaryIO:
    """``path`` opened for reading when it is a regular file, not through a symbolic link at its end.

    Raises :class:`OSError` for a link (``ELOOP``), a FIFO, a device or a folder, which would block, never end
    or fail later: ``O_NONBLOCK`` keeps the open itself from waiting on a FIFO."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        fh = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    named = os.path.abspath(path)  # noqa: PTH100 - the path as given, links not followed
    rel = _held(named, info)
    if rel is None:
        return fh
    if _HELD is not None and rel not in _HELD.digests:  # not there at the first look: nothing to stream
        fh.close()
        _refuse(rel)
    return cast(BinaryIO, _HeldFile(fh, rel))


class _HeldFile:
    """A held registry file (:func:`hold_reads`), streamed: every byte given out is hashed, and when the reader is
    done (the ``with`` left without an error of its own) the rest is read and hashed too; the whole must be the
    bytes hashed before the check, or :class:`ChangedSinceVetted` is raised then. Read whole first, a cohort of
    100,000 awards sat in memory at once in the verification data's writer. Raised at the end is in time: nothing a
    build reads is published before its end, and a refusal throws the whole output away."""

    def __init__(self, fh: BinaryIO, rel: str) -> None:
        self._fh = fh
        self._rel = rel
        self._hash = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self._fh.read(size)
        self._hash.update(data)
        return data

    def readline(self, size: int = -1) -> bytes:
        data = self._fh.readline(size)
        self._hash.update(data)
        return data

    def close(self) -> None:
        """Close, refusing unless the file's whole bytes are the held ones."""
        if not self._fh.closed:
            _vet_digest(self._rel, self._rest())

    def _rest(self) -> bytes:
        """The SHA-256 of the whole file: what was given out, then the rest, read to its end; the file closed."""
        with self._fh:
            while chunk := self._fh.read(1 << 20):
                self._hash.update(chunk)
        return self._hash.digest()

    def __enter__(self) -> _HeldFile:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if kind is None:
            self.close()
        elif not self._fh.closed:
            # The reader's own error (or the generator it reads in, closed early by its consumer) is what it raises,
            # but what it gave out may already be in use: a change is recorded all the same, for the build's
            # refusal (Vetted.refuse_changed), not raised over that error.
            with contextlib.suppress(ChangedSinceVetted):
                _vet_digest(self._rel, self._rest())


#: ``strerror`` of :class:`ChangedSinceVetted`.
CHANGED_SINCE_VETTED = (
    "its bytes are not those the build vetted before the check began (written to since, or being written): "
    "the check and the site would not read one file"
)


class ChangedSinceVetted(OSError):
    """A registry file read while a build holds the registry (:func:`hold_reads`) whose bytes are not the ones
    the build hashed before its check began, or one it did not find then."""


@dataclass(slots=True)
class _Held:
    """What :func:`hold_reads` holds reads to."""

    roots: tuple[str, ...]
    """The root as given and with its links resolved (a reader may name a file either way), each ending in ``/``."""
    tops: tuple[str, ...]
    digests: Mapping[str, bytes]
    files: Mapping[tuple[int, int], str]
    """The held files' paths by device and inode: one read under another name (a link to the root) is held too."""
    changed: list[str] = field(default_factory=list)


_HELD: _Held | None = None


def _held(path: str, info: os.stat_result) -> str | None:
    """``path`` (absolute, links not followed; ``info`` its open file's) relative to the held root, if a build holds
    the folder it is in, or the held file it is (by device and inode), however named."""
    held = _HELD
    if held is None:
        return None
    for root in held.roots:
        if path.startswith(root):
            rel = path[len(root) :]
            if rel.split("/", 1)[0] in held.tops:
                return rel
    return held.files.get((info.st_dev, info.st_ino))


def _vet(path: str, info: os.stat_result, data: bytes) -> None:
    """Raise :class:`ChangedSinceVetted` if a build holds ``path`` and ``data`` is not what it hashed of it."""
    rel = _held(path, info)
    if rel is not None:
        _vet_digest(rel, hashlib.sha256(data).digest())


def _vet_digest(rel: str, digest: bytes) -> None:
    """Raise :class:`ChangedSinceVetted` if a build holds reads and ``digest`` is not what it hashed of ``rel``."""
    if _HELD is not None and _HELD.digests.get(rel) != digest:
        _refuse(rel)


def _refuse(rel: str) -> NoReturn:
    if _HELD is not None and rel not in _HELD.changed:
        _HELD.changed.append(rel)
    raise ChangedSinceVetted(errno.ESTALE, CHANGED_SINCE_VETTED, rel)  # named: a forked reader's parent


def hold_reads(
    root: Path, tops: tuple[str, ...], digests: Mapping[str, bytes], files: Mapping[tuple[int, int], str]
) -> list[str]:
    """From now on (in this process and those it forks), every read by :func:`read_inside` and
    :func:`open_regular` of a file under ``root``'s folders ``tops`` (or of one of ``files``, by device and inode,
    however named) gives the bytes whose SHA-256 ``digests`` holds for its path (relative, ``/``-separated), or
    raises :class:`ChangedSinceVetted` (one it has none for too). Returns the list the paths of such reads are
    added to. One hold at a time: a later one replaces it."""
    global _HELD
    named, real = os.path.abspath(root), os.path.realpath(root)  # noqa: PTH100 - as the readers name their paths
    _HELD = _Held(tuple(dict.fromkeys((named + "/", real + "/"))), tops, digests, files)
    return _HELD.changed


def release_reads(changed: list[str]) -> None:
    """End the hold whose list is ``changed`` (:func:`hold_reads`), if it is still the one."""
    global _HELD
    if _HELD is not None and _HELD.changed is changed:
        _HELD = None


def _open_nofollow(name: str, flags: int, dir_fd: int) -> int:
    try:
        return os.open(name, flags | os.O_NOFOLLOW, dir_fd=dir_fd)
    except OSError as exc:
        if exc.errno == errno.ELOOP or (exc.errno == errno.ENOTDIR and _is_link(name, dir_fd)):
            raise OSError(errno.ELOOP, SYMLINK_REFUSED) from None
        raise


def _is_link(name: str, dir_fd: int) -> bool:
    try:
        return stat.S_ISLNK(os.lstat(name, dir_fd=dir_fd).st_mode)
    except OSError:
        return False


def regular_files(top: str) -> Iterator[tuple[str, str]]:
    """(folder, name) of the regular files under ``top``, sorted, never through a symbolic link (links to files
    and to folders are skipped: the layout check reports them). Uses ``scandir``'s file types: no extra calls."""
    if Path(top).is_symlink():
        return iter(())
    return _regular_files(top)


def _regular_files(top: str) -> Iterator[tuple[str, str]]:
    try:
        entries = sorted(os.scandir(top), key=lambda e: e.name)
    except OSError:
        return
    folders = []
    for entry in entries:
        if entry.is_symlink():
            continue
        if entry.is_dir(follow_symlinks=False):
            folders.append(entry.path)
        elif entry.is_file(follow_symlinks=False):
            yield top, entry.name
    for folder in folders:
        yield from _regular_files(folder)


def held_changes() -> list[str]:
    """The paths of the reads the current hold refused (:func:`hold_reads`), in this process."""
    return list(_HELD.changed) if _HELD is not None else []
