"""``credreg build``: the registry as a static website, built aside and swapped in whole.

load + validate (refusing a registry with errors) → mkdocs with the ``credreg`` plugin, which writes the data
files, starts the search index and lays out the generated pages → the finished site replaces the output
folder. A failed build leaves the previous site as it was.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from generator._internal.files import (
    Claimed,
    claim_existing,
    claim_folder,
    claim_name,
    clear_abandoned,
    folder_lock,
    is_mount_point,
    open_regular,
    resolved,
)
from generator._internal.gcpause import frozen_heap
from generator._internal.signals import held_off
from generator.errors import Location, Problem, ProblemsFound, UsageError
from generator.layout import twin_key
from generator.publish.site import load_for_build
from generator.registry import Registry

__all__ = ["BuildResult", "build_site", "data_folder", "mkdocs_config_file"]

#: The toolkit's own checkout: its mkdocs.yml and docs/ serve registries that have none of their own.
TOOLKIT_ROOT = Path(__file__).resolve().parents[2]


@dataclass
class BuildResult:
    out: Path
    pages: int
    timings: dict[str, float] = field(default_factory=dict)
    uncommitted: tuple[str, ...] = ()
    """A ``preview``'s registry files that are not committed (named in its ``preview.json``)."""


def mkdocs_config_file(root: Path) -> Path:
    own = root / "mkdocs.yml"
    return own if own.is_file() else TOOLKIT_ROOT / "mkdocs.yml"


#: A registry's own folders: an output in one would replace, or sit among, the files the registry is read from.
_REGISTRY_FOLDERS = ("registry", "keys", "schemas", ".git")
#: What a verification data folder holds (``--data-out``): one holding anything else is not one.
_DATA_ENTRIES = frozenset({"achievements", "shards", "templates", "log"})


def output_twins(folder: Path, named: Path) -> list[Problem]:
    """A problem for each path the build wrote into ``folder`` (to be published as ``named``) that is the same path
    as another's where case and Unicode normalisation fold (:func:`generator.layout.twin_key`): a Mac or Windows
    building or copying the site, and a host or CDN that folds case, keep one of the two (whichever was written
    last), so one page would replace another (a documentation page ``Verify.md`` the verification page). Every
    path the build makes from the registry is a slug or a hash and cannot do this: this holds every writer to it,
    the registry's own documentation and the theme's files too. Read on Linux, where both are there to see; a
    build on a Mac is held by :func:`path_twins`, which the plugin asks of every file's name before writing."""
    problems: list[Problem] = []
    for top, dirs, files in os.walk(folder):
        problems += _twins_in(named, Path(top).relative_to(folder).as_posix(), [*dirs, *files])
    return problems


def path_twins(paths: Iterable[str], named: Path) -> list[Problem]:
    """:func:`output_twins` of the files ``paths`` (relative, ``/``-separated) before they are written: what a
    file system that folds would merge cannot be seen on it afterwards."""
    folders: dict[str, set[str]] = {}
    for path in paths:
        parts = path.split("/")
        for depth in range(len(parts)):
            folders.setdefault("/".join(parts[:depth]), set()).add(parts[depth])
    return [problem for folder in sorted(folders) for problem in _twins_in(named, folder, folders[folder])]


def _twins_in(named: Path, folder: str, names: Iterable[str]) -> list[Problem]:
    """The twins among ``names``, the entries of ``folder`` (relative) of the output published as ``named``."""
    problems: list[Problem] = []
    first: dict[str, str] = {}
    for name in sorted(names):
        twin = first.setdefault(twin_key(name), name)
        if twin != name:
            here = named / folder
            problems.append(
                Problem(
                    Location((here / name).as_posix()),
                    f"is the same path as {(here / twin).as_posix()} on a host or file system that ignores case or "
                    "Unicode normalisation (macOS, Windows, some CDNs): one would replace the other there: rename the "
                    "page or file of the registry's documentation or theme that makes one of them",
                    code="site.twin",
                )
            )
    return problems


#: The refusal's summary, the same whichever way the site is built.
TWINS_REFUSED = "the site would have paths that are one path on some hosts; nothing was built"


def _is_site(folder: Path) -> bool:
    return (folder / "verify" / "index.json").is_file()


#: A shard as a build names it (``verifydata.shard_name``): the hex digits of its hashes' leading bits.
_SHARD_FILE = re.compile(r"[0-9a-f]+\.json\.gz")


#: What file browsers leave in folders they show (macOS Finder, its AppleDouble files, Windows Explorer), by name
#: and how the file starts (``None``: any way; a folder's settings are text): an earlier build's data, opened once
#: to look, is still that. By name alone, a user's own ``._notes`` would have made their folder the build's.
_BROWSER_FILES: tuple[tuple[re.Pattern[str], bytes | None], ...] = (
    (re.compile(r"\.DS_Store"), b"\0\0\0\1Bud1"),
    (re.compile(r"\._.+"), b"\0\x05\x16\x07"),  # AppleDouble
    (re.compile(r"Thumbs\.db"), b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"),  # a compound file
    (re.compile(r"desktop\.ini"), None),
)


def _is_data(folder: Path) -> bool:
    """Whether ``folder`` holds what a build writes as verification data: ``shards/`` (every build writes it),
    holding nothing but shard files (``<hex>.json.gz``), and nothing but the data's folders (and what file browsers
    leave, :data:`_BROWSER_FILES`). A folder of one's own holding just a ``log/``, or a ``shards/`` of one's own
    (``shards/eu.db``), is not one."""
    shards = folder / "shards"
    if shards.is_symlink() or not shards.is_dir():
        return False
    with os.scandir(folder) as entries:
        if not all(e.name in _DATA_ENTRIES or _browsers(e) for e in entries):
            return False
    with os.scandir(shards) as entries:
        return all(
            _browsers(e) or (e.is_file(follow_symlinks=False) and _SHARD_FILE.fullmatch(e.name)) for e in entries
        )


def _browsers(entry: os.DirEntry[str]) -> bool:
    """Whether ``entry`` is a file a file browser left (:data:`_BROWSER_FILES`): its name, and how it starts."""
    if not entry.is_file(follow_symlinks=False):
        return False
    for name, magic in _BROWSER_FILES:
        if name.fullmatch(entry.name):
            if magic is None:
                return True
            try:
                with open_regular(Path(entry.path)) as fh:
                    return fh.read(len(magic)) == magic
            except OSError:
                return False
    return False


def output_folder(
    root: Path, given: Path, option: str, built: Callable[[Path], bool] = _is_site, what: str = "a site"
) -> Path:
    """``given`` resolved, once it is a folder the build may replace whole: not the registry or a folder holding
    it (``--out .``, ``--out ~``), not in one of its own folders, and new, empty or a build's output (``built``:
    ``what`` credreg built).
    Anything else is a usage error naming ``option``, before anything is written."""
    out, home = resolved(given), resolved(root)
    if home.is_relative_to(out):
        raise UsageError(f"{option} {given}: it holds the registry ({home}), and the build replaces its output whole")
    for name in _REGISTRY_FOLDERS:
        if out.is_relative_to(home / name):
            raise UsageError(f"{option} {given}: inside the registry's {name}/: give a folder outside it")
    if is_mount_point(out):
        # Renaming a mount point fails (EBUSY), and the build renames the previous folder aside.
        raise UsageError(
            f"{option} {given}: a mount point, and the build replaces its output whole by renaming",
            ["give a folder inside it"],
        )
    if out.is_symlink() or out.exists():
        if not out.is_dir() or out.is_symlink():
            raise UsageError(f"{option} {given}: exists and is not a folder, and the build replaces its output whole")
        if any(out.iterdir()) and not built(out):
            raise UsageError(
                f"{option} {given}: not {what} credreg built, and the build replaces its output whole",
                ["give a new or empty folder (or delete this one first)"],
            )
    return out


def data_folder(root: Path, out: Path, given: Path | None, option: str = "--data-out") -> Path:
    """The verification data's folder (``--data-out``, default ``<out>-data``: beside the site's folder as the user
    named it, ``out``, whether ``credreg build`` or plain ``mkdocs build`` asks), once :func:`output_folder`
    accepts it and it is apart from the site's: the two are replaced whole, one after the other, so one folder for
    both, or one inside the other, would have the second replace (or the first delete) what the other build wrote.
    Both are compared with their symbolic links followed, as both are written through them."""
    # '..' and '.' removed as written, links kept (resolve() would follow them): the name the user gave.
    named = Path(os.path.abspath(out))  # noqa: PTH100
    given = given or named.with_name(f"{named.name}-data")
    out = resolved(out)
    data_out = output_folder(root, given, option, _is_data, "verification data")
    if data_out.is_relative_to(out) or out.is_relative_to(data_out):
        where = "is" if data_out == out else ("is inside" if data_out.is_relative_to(out) else "holds")
        raise UsageError(
            f"{option} {given}: {where} the site's folder ({out}); each is replaced whole",
            ["give the verification data a folder of its own, beside the site (the default: <out>-data)"],
        )
    return data_out


def _staging_prefixes(out: Path) -> tuple[str, ...]:
    """The names of the folders a build of ``out`` makes beside it: staging folders, and the previous site moved
    aside while the new one takes its name."""
    return (f".{out.name}.building-", f".{out.name}.old-")


def _clear_abandoned(out: Path) -> None:
    """Remove what builds of ``out`` killed midway (SIGKILL, a power cut) left beside it; a live build's folders
    are held (:class:`~generator._internal.files.Claimed`) and left alone. A previous site that a build moved aside
    and was killed before replacing goes back under its name, if nothing has it."""
    if out.parent.is_dir():
        old = f".{out.name}.old-"
        clear_abandoned(out.parent, _staging_prefixes(out), lambda name: out if name.startswith(old) else None)


def _replace(*swaps: tuple[Claimed, Path]) -> None:
    """Put the finished folders in place, in order (each ``(stage, out)``): each previous one is moved aside first
    (held, so that another build's :func:`_clear_abandoned` leaves it to us), then deleted. All the renames run
    with every parent folder locked, as :func:`_clear_abandoned` looks only then: another build's clean-up never
    finds an ``out`` free between two renames (it would put a killed build's stale site there, and this build's
    site could not go in), and another build's swaps never come between this build's (its data with this site).
    A swap that fails puts its previous folder back; those already done stay (the data before the site). An
    interruption (Ctrl-C, SIGTERM) takes effect once the renames are done: the new folders are then in place."""
    olds: list[Claimed] = []  # the previous folders, held
    aside: list[Claimed] = []  # those of them moved aside, their new folder in place: deleted however this ends
    try:
        with contextlib.ExitStack() as locks:
            for parent in sorted({out.parent for _, out in swaps}):  # one order: two builds never deadlock
                locks.enter_context(folder_lock(parent))
            previous: list[Claimed | None] = []
            for _, out in swaps:  # claimed first: waiting for a lock is never done with signals held off
                old = claim_existing(out) if out.exists() else None
                if old is not None:
                    olds.append(old)
                previous.append(old)
            # Ctrl-C and SIGTERM held off across the renames: one raised as a rename returned, before it was
            # recorded, left no site under its name (the previous one aside), or the previous one beside the new.
            with held_off():
                for (stage, out), old in zip(swaps, previous, strict=True):
                    if old is not None:
                        old.path = out.with_name(claim_name(f".{out.name}.old-"))
                        out.rename(old.path)
                    try:
                        stage.path.rename(out)
                        stage.path = out
                    except BaseException:  # refused between the two renames: the previous one goes back
                        if old is not None and not out.exists():
                            old.path.rename(out)
                            olds.remove(old)
                            old.release()
                        raise
                    if old is not None:
                        aside.append(old)
                    stage.release()  # in place now: a later build (of `credreg serve`, in this process too) moves it
    finally:
        for old in aside:
            shutil.rmtree(old.path, ignore_errors=True)
        for old in olds:
            old.release()


def _demo_log(
    root: Path, registry: Registry, dest: Path, tiles_dest: Path | None
) -> dict[str, dict[str, list[object]]] | None:
    """Publish the demo log of the repository's history (a throwaway key) and serve it into ``dest`` (its tiles
    into ``tiles_dest``, if given: :func:`generator.transparency.publish.copy_log`)."""
    from generator.transparency.demo import has_history, publish_demo_log
    from generator.transparency.publish import copy_log

    if not has_history(root):
        logging.getLogger(__name__).warning("no Git history at %s: the site is built without a demo log", root)
        return None
    with tempfile.TemporaryDirectory(prefix="credreg-demo-log-") as state:
        demo = publish_demo_log(root, registry, Path(state))
        return copy_log(demo, Path(state), dest, demo=True, tiles_dest=tiles_dest)


def build_site(
    root: Path,
    out: Path,
    *,
    now: dt.datetime | None = None,
    frames: bool = True,
    log_dir: Path | None = None,
    demo_log: bool = False,
    data_out: Path | None = None,
    preview: bool = False,
) -> BuildResult:
    """Build the site of the registry at ``root`` into ``out`` (replaced only when the build succeeds).

    ``frames=False`` has mkdocs lay out every generated page itself (see :mod:`generator.site.frames`).
    ``log_dir``: the transparency log's state, checked against the registry's log key and served as ``log/``.
    ``demo_log``: without ``log_dir``, for a registry that declares no log, serve a demo log of the repository's
    history signed by a throwaway key (:mod:`generator.transparency.demo`), labelled as such; and, for a registry
    that declares no ``registry_key``, "who defines what" statements signed by a throwaway key
    (:mod:`generator.statements`), labelled as such too.
    ``data_out``: when the registry sets ``verification_data_url``, the folder that receives the shards,
    templates and achievements to upload there (default: ``<out>-data``), replaced with the site; and the log's
    tiles and entry bundles, under its ``log/`` (the site's ``log/`` keeps what verifiers trust).
    ``preview``: build from a Git checkout whose registry files are not all committed (refused otherwise,
    :class:`~generator.publish.site.Vetted`); the site names them in ``preview.json``.
    """
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    timings: dict[str, float] = {}
    start = time.perf_counter()
    named, out = out, output_folder(root, out, "--out")  # before anything is read: a refusal costs nothing
    try:
        str(out).encode("utf-8")
    except UnicodeEncodeError:  # found after the whole build, as Pagefind's "invalid UTF-8 … in arguments"
        raise UsageError(
            f"--out {named}: the path is not UTF-8 text, and the search index's builder (Pagefind) takes no other",
            ["give a folder whose path is UTF-8 text"],
        ) from None
    _clear_abandoned(out)  # first: a previous site a killed build left aside is back even if this build is refused
    registry, checked, vetted = load_for_build(root, preview=preview)
    timings["load"] = time.perf_counter() - start
    try:
        if registry.governance.model.verification_data_url is not None:  # refused, too, before anything is written
            data_out = data_folder(root, named, data_out)
            _clear_abandoned(data_out)
        else:
            data_out = None
    except BaseException:
        vetted.release()  # refused after the check: the registry's reads are no longer the build's
        raise
    claimed: list[Claimed] = []
    data_stage = None
    plugin = None
    try:
        stage = claim_folder(out.parent, f".{out.name}.building-", claimed)
        if data_out is not None:
            data_stage = claim_folder(data_out.parent, f".{data_out.name}.building-", claimed)
        logging.getLogger("mkdocs").setLevel(logging.WARNING)
        config = load_config(config_file=str(mkdocs_config_file(root)), site_dir=str(stage.path))
        plugin = config.plugins["credreg"]
        plugin.registry, plugin.now = registry, now  # type: ignore[attr-defined]
        plugin.data_out = data_stage.path if data_stage is not None else None  # type: ignore[attr-defined]
        plugin.checked = checked  # type: ignore[attr-defined]
        plugin.vetted = vetted  # type: ignore[attr-defined]  # confirmed once the build has read everything
        plugin.site_named = named  # type: ignore[attr-defined]  # and the twins of the whole output judged below
        plugin.demo_statements = demo_log  # type: ignore[attr-defined]  # demo "who defines what" statements too
        plugin.config.frames = frames
        # The log first (checked file by file into a folder beside the stage, which mkdocs empties): its award
        # records go into the verification shards the plugin writes.
        log_stage = tiles_stage = None
        if log_dir is not None or (demo_log and registry.governance.model.log is None):
            log_stage = claim_folder(out.parent, f".{out.name}.building-", claimed)
            # With verification_data_url, the log's bulk goes with the verification data (docs/hosting.md).
            if data_stage is not None and data_out is not None:
                tiles_stage = claim_folder(data_out.parent, f".{data_out.name}.building-", claimed)
        tiles = tiles_stage.path if tiles_stage is not None else None
        mark = time.perf_counter()
        if log_dir is not None and log_stage is not None:
            from generator.transparency.publish import copy_log

            records = copy_log(registry, log_dir, log_stage.path, tiles_dest=tiles)
            plugin.log_records = records  # type: ignore[attr-defined]
        elif log_stage is not None:
            plugin.log_records = _demo_log(root, registry, log_stage.path, tiles)  # type: ignore[attr-defined]
        if log_dir is not None or demo_log:
            timings["log"] = time.perf_counter() - mark
        mark = time.perf_counter()
        with frozen_heap():  # the loaded registry is not garbage: no collection during the build walks it
            mkdocs_build(config)
        timings["mkdocs"] = time.perf_counter() - mark
        from generator.publish.dccregistry import write_dcc_registry

        write_dcc_registry(registry, stage.path, now)  # issue 15: the DCC issuer-registry format
        pages = len(plugin.prepared.pages) if plugin.prepared else 0  # type: ignore[attr-defined]
        if log_stage is not None and any(log_stage.path.iterdir()):
            log_stage.path.rename(stage.path / "log")
        if tiles_stage is not None and data_stage is not None and any(tiles_stage.path.iterdir()):
            tiles_stage.path.rename(data_stage.path / "log")
        twins = output_twins(stage.path, named)
        if data_stage is not None and data_out is not None:
            twins += output_twins(data_stage.path, data_out)
        if twins:
            raise ProblemsFound(twins, TWINS_REFUSED)
        # The data first, as docs/hosting.md uploads it before deploying the site: if it cannot go in, the previous
        # site stays, never the new one over the previous data (its index naming shards never written).
        if data_stage is not None and data_out is not None:
            _replace((data_stage, data_out), (stage, out))  # one lock: another build's never come between
        else:
            _replace((stage, out))
    except BaseException:
        # mkdocs tells plugins of an Exception only: interrupted (Ctrl-C, SIGTERM), the search indexer and the
        # verification data's writer would go on writing into the staging folders while they are deleted below,
        # and Pagefind, a process of its own, would make one again after this process ended.
        if plugin is not None:
            plugin.cancel_started()  # type: ignore[attr-defined]
        raise
    finally:
        vetted.release()  # the registry's reads are no longer the build's
        for folder in claimed:  # whatever was not swapped in: the staging folders, or what is left of them
            if folder.path not in (out, data_out):
                shutil.rmtree(folder.path, ignore_errors=True)
            folder.release()
    timings["total"] = time.perf_counter() - start
    return BuildResult(out, pages, timings, vetted.uncommitted)
