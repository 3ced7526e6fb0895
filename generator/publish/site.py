"""Everything the site publishes besides its HTML pages, written into the output folder, and the pages to lay
out. One call per build: the registry is read once, and pages render from the resulting model.

Under the site root: ``verify/`` data and ``issuers/<id>/keys.json`` (:mod:`generator.publish.verifydata`),
``issuers/<id>/did.json`` for issuers whose DID the site serves, each issuer's signed status lists copied byte
for byte, issuer images (made again from what was checked: SVGs rebuilt, rasters encoded from their pixels), the
data files of :func:`generator.render.pages.data_files`, and the catalog's search index under ``pagefind/`` (built
in the background while the pages are written). The verification data, the largest part, is written by a forked
process meanwhile too (the pages need only its counts, which come from the index of the check that accepted the
registry).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator import layout
from generator._internal.files import (
    ChangedSinceVetted,
    held_changes,
    hold_reads,
    read_inside,
    regular_files,
    release_reads,
    write_json_staged,
    write_staged,
)
from generator._internal.git import git_output
from generator._internal.images import MAX_IMAGE_BYTES, published_image
from generator._internal.jobs import Background
from generator._internal.signals import held_off
from generator.check import accepted_check
from generator.errors import Location, Problem, ProblemsFound
from generator.publish.did import did_document, serves_did
from generator.publish.search import SearchIndexer
from generator.publish.verifydata import CHANGED_REFUSED, award_stats, write_verification_data
from generator.registry import Registry
from generator.render.model import SiteModel
from generator.render.page import PageSpec
from generator.render.pages import data_files, encode, site_pages
from generator.render.search import search_records
from generator.statements import Statements
from generator.statuslist import list_file_number
from generator.verify.registry_check import AwardIndex

__all__ = ["VETTED_FOLDERS", "PreparedSite", "Vetted", "load_for_build", "prepare_site"]


@dataclass(frozen=True, slots=True)
class PreparedSite:
    model: SiteModel
    pages: list[PageSpec]
    search: SearchIndexer
    """Running: call :meth:`finish` once the pages are written."""

    data: Background[None]
    """The verification data, being written."""

    def finish(self) -> None:
        """Wait for the search index and the verification data; raise if either failed."""
        try:
            self.data.result()
        except ProblemsFound as refused:  # raised in the forked writer: its summary is not carried over
            if refused.problems and all(p.code == "build.changed" for p in refused.problems):
                raise changed_problems([p.location.path for p in refused.problems]) from None
            raise
        finally:
            self.search.finish()


#: What the check reads and the build publishes or derives from: awards, status lists, revocation logs,
#: endorsements, images, definitions, governance, keys. Every file under them is held to :class:`Vetted`.
VETTED_FOLDERS = ("registry", layout.KEYS_DIR)

#: What a file is on disk: which file (device, inode), its type and size, when it was last written and changed,
#: and the SHA-256 of its bytes (a regular file's). A write, a rename over it or a removal changes one of them, and
#: the change time cannot be set back (``touch`` and ``os.utime`` set the others): a file changed and changed back
#: between two looks is told apart too. The bytes are compared as well: a write through a shared mapping whose page
#: was already written to changes neither time nor size.
_Identity = tuple[int, int, int, int, int, int, bytes]


def _identities(root: Path, *, digests: bool = True) -> dict[str, _Identity]:
    """Every entry under :data:`VETTED_FOLDERS` and the folders themselves (links as links, never followed), by
    relative path (``digests``: with the SHA-256 of each regular file's bytes). Folders too: one renamed aside, a
    forged one read in its place and the original renamed back leaves every file in it as it was, but not the
    folder (a rename sets its change time; its parent's contents changed twice)."""
    found: dict[str, _Identity] = {}
    pending = [root / top for top in VETTED_FOLDERS]
    while pending:
        folder = pending.pop()
        try:
            st = folder.lstat()
        except FileNotFoundError:
            continue
        found[folder.relative_to(root).as_posix()] = _identity(st)
        try:
            entries = list(os.scandir(folder))
        except (NotADirectoryError, FileNotFoundError):  # a link or a file where it was, or gone: its identity says so
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                pending.append(Path(entry.path))
                continue
            try:
                st = entry.stat(follow_symlinks=False)
                digest = _digest(entry.path) if digests and stat.S_ISREG(st.st_mode) else b""
            except FileNotFoundError:
                continue
            found[Path(entry.path).relative_to(root).as_posix()] = _identity(st, digest)
    return found


def _identity(st: os.stat_result, digest: bytes = b"") -> _Identity:
    return (st.st_dev, st.st_ino, st.st_mode, st.st_size, st.st_mtime_ns, st.st_ctime_ns, digest)


def _digest(path: str) -> bytes:
    """The SHA-256 of a regular file's bytes, opened without following a link (one swapped in since its stat:
    an error, which the next look tells apart anyway). The times are not proof: a process holding the file
    mapped for writing changes its bytes with no trace in them once its page has been written to."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        raise  # gone since its stat: the caller leaves it out, as any entry gone
    except OSError:
        return b"unreadable"  # a link or a special file swapped in: its stat differs from the file's
    with os.fdopen(fd, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").digest()


def _uncommitted(root: Path) -> list[str]:
    """The files under :data:`VETTED_FOLDERS` that are not as committed (changed, staged, untracked or ignored),
    sorted; none outside a Git work tree (a plain copy has no commit to compare with)."""
    said = git_output(
        root,
        "status",
        "--porcelain=v1",
        "-z",
        "--untracked-files=all",
        "--ignored=matching",
        "--no-renames",
        "--",
        *VETTED_FOLDERS,
    )
    if said is None:
        return []
    # Git names them from the top of the work tree, which may hold the registry in a folder of its own.
    prefix = (git_output(root, "rev-parse", "--show-prefix") or b"").strip().decode("utf-8", "surrogateescape")
    paths = {entry[3:].decode("utf-8", "surrogateescape") for entry in said.split(b"\0") if entry}
    return sorted(path.removeprefix(prefix) for path in paths)


def changed_problems(paths: list[str]) -> ProblemsFound:
    """The refusal naming ``paths``, registry files that changed, appeared or went while the site was built."""
    return ProblemsFound(
        [
            Problem(
                Location(rel),
                "changed while the site was built, after the build's first look at it: the site would publish "
                "what `credreg check` never read; build again once nothing writes to the registry",
                code="build.changed",
            )
            for rel in sorted(set(paths))
        ],
        CHANGED_REFUSED,
    )


@dataclass(frozen=True, slots=True)
class Vetted:
    """The registry's files as they were when the check began, for the build to publish those and no others.

    The check and the build each read the files from disk (the build copies status lists, endorsements and images
    and derives the verification data from the awards): a file written in between (a CI step, a hook, another
    process) would be published unchecked, and one changed and changed back (through a shared writable mapping:
    no time or size changes) could show the check one version and the build another. So the build takes the
    files' identities and the SHA-256 of their bytes before the check, and from then on every read of a file
    under :data:`VETTED_FOLDERS` by the check and by the build (:func:`~generator._internal.files.read_inside`,
    :func:`~generator._internal.files.open_regular`, in forked processes too) gives those very bytes or refuses
    (:func:`~generator._internal.files.hold_reads`): both read one version, the one hashed. The awards, which the
    check's workers read by other means, are held to the check's index instead: the verification data publishes
    an award only if the check verified one with its hash in that issuer's folder, and every one it verified.
    Once the build has read everything, :meth:`confirm` looks again (identities only, no bytes hashed a second
    time): a file added, removed, renamed or replaced since refuses the build. And in a Git checkout the build
    publishes only what is committed: uncommitted files are refused unless ``preview`` (a local look at one's
    changes), and named in the preview's ``preview.json``."""

    root: Path
    identities: dict[str, _Identity]
    preview: bool
    uncommitted: tuple[str, ...]
    changed: list[str]
    """The files read since :meth:`take` whose bytes were not the ones hashed then (or that were not there)."""

    @classmethod
    def take(cls, root: Path, *, preview: bool = False) -> Vetted:
        identities = _identities(root)
        uncommitted = tuple(_uncommitted(root))  # after the identities: a change in between is caught by confirm
        if uncommitted and not preview:
            raise ProblemsFound(
                [
                    Problem(
                        Location(rel),
                        "not committed (changed, untracked or ignored by Git): the site publishes only what is "
                        "committed; commit it (or remove it), or build with --preview to look at it locally",
                        code="build.uncommitted",
                    )
                    for rel in uncommitted
                ],
                "the registry has changes that are not committed; nothing was built",
            )
        files = {rel: identity for rel, identity in identities.items() if stat.S_ISREG(identity[2])}
        changed = hold_reads(
            root,
            VETTED_FOLDERS,
            {rel: identity[-1] for rel, identity in files.items()},
            {(identity[0], identity[1]): rel for rel, identity in files.items()},
        )
        return cls(root, identities, preview, uncommitted, changed)

    def refuse_changed(self) -> None:
        """Raise the refusal naming every file read since :meth:`take` that was not as hashed then, if any."""
        if self.changed:
            raise changed_problems(self.changed)

    def confirm(self) -> None:
        """Raise :class:`ProblemsFound` naming every file under :data:`VETTED_FOLDERS` that was read other than as
        hashed, or changed, appeared or went since :meth:`take`: the build may have published it as it is now,
        which the check never read. The bytes were held on every read: the second look compares identities only."""
        self.refuse_changed()
        now = _identities(self.root, digests=False)
        before = {rel: (*identity[:-1], b"") for rel, identity in self.identities.items()}
        changed = sorted(rel for rel in before.keys() | now.keys() if before.get(rel) != now.get(rel))
        if changed:
            raise changed_problems(changed)

    def release(self) -> None:
        """End the hold on the registry's reads (the build is over, or refused)."""
        release_reads(self.changed)

    def marker(self) -> dict[str, Any] | None:
        """``preview.json``'s content for a preview of uncommitted files, else ``None``."""
        if not (self.preview and self.uncommitted):
            return None
        return {"preview": True, "uncommitted": list(self.uncommitted)}


def load_for_build(root: Path, *, preview: bool = False) -> tuple[Registry, AwardIndex, Vetted]:
    """The registry, when ``credreg check`` accepts it (the same full check, awards verified, cache allowed),
    the check's index of its awards, and the files' :class:`Vetted` state taken before the check (the build calls
    its :meth:`~Vetted.confirm` once it has read everything, and :meth:`~Vetted.release` once it is over); raises
    :class:`~generator.errors.ProblemsFound` with every error otherwise, before anything is written (a file the
    check read other than as hashed: ``build.changed``)."""
    vetted = Vetted.take(root, preview=preview)
    try:
        registry, index = accepted_check(
            root, refusal="the registry has problems that `credreg check` refuses; nothing was built"
        )
        vetted.refuse_changed()
    except ChangedSinceVetted as changed:  # raised in a process of the check's own (the secret search)
        vetted.release()
        raise changed_problems([*vetted.changed, str(changed.filename)]) from None
    except ProblemsFound:
        vetted.release()
        vetted.refuse_changed()  # the cause, named as such, rather than the check's "cannot be read"
        raise
    except BaseException:
        vetted.release()
        raise
    return registry, index, vetted


def _read(root: Path, rel: str, *, limit: int | None = None) -> bytes:
    """:func:`read_inside`, a file changed since the build's first look refused as such: one whose bytes are not
    those hashed then, and one the check read that cannot be read now (gone, or a link, a folder or a FIFO in its
    place: never followed)."""
    try:
        return read_inside(root, rel, limit=limit)
    except OSError:
        raise changed_problems([rel]) from None


def _issuer_files(registry: Registry, out: Path) -> None:
    """Status lists and images, read without following links (the check refused any; this holds even if one
    appeared since), each image published only if it still passes the check's image rule."""
    root = registry.root
    for issuer_id, record in registry.issuers.items():
        target = out / "issuers" / issuer_id
        base = f"{layout.ISSUERS_DIR}/{issuer_id}"
        for _, name in regular_files(str(root / base / "status")):
            if list_file_number(name) is not None:  # a list the check verified: copied byte for byte
                write_staged(target / "status" / name, _read(root, f"{base}/status/{name}"))
        if serves_did(registry, issuer_id):
            write_json_staged(target / "did.json", did_document(registry, issuer_id))
        assets = (value for _, _, value in record.assets())  # the ones the check looked for
        for value in dict.fromkeys(a for a in assets if a and not a.startswith("https://")):
            rel = layout.issuer_asset(issuer_id, value)
            if rel is None:  # not reached: the check refuses such a value by the same rule
                where = f"{base}/{value}"
                raise ProblemsFound(
                    [Problem(Location(where), "not a file the registry may hold", code="ref.missing-file")]
                )
            # Published made from what was checked: an SVG rebuilt from the allow-list, a raster from its pixels.
            problem, published = published_image(value, _read(root, rel, limit=MAX_IMAGE_BYTES))
            if problem is not None:
                raise ProblemsFound([Problem(Location(rel), problem, code="asset.image")])
            write_staged(target / value, published)


def _endorsement_files(registry: Registry, out: Path) -> None:
    """Endorsers' did.json, keys.json and signed status lists, every endorsement file byte for byte (under its
    endorser's folder, or its issuer's), and the registry's JSON-LD context for the endorsement terms."""
    from importlib import resources

    from generator.awards import read_revocations
    from generator.endorsements import iter_endorsements
    from generator.publish.verifydata import keys_document

    root = registry.root
    for endorser_id in registry.endorsers:
        target = out / "endorsers" / endorser_id
        base = f"{layout.ENDORSERS_DIR}/{endorser_id}"
        for _, name in regular_files(str(root / base / "status")):
            if list_file_number(name) is not None:
                write_staged(target / "status" / name, _read(root, f"{base}/status/{name}"))
        if serves_did(registry, endorser_id):
            write_json_staged(target / "did.json", did_document(registry, endorser_id))
        write_json_staged(target / "keys.json", keys_document(registry, endorser_id))
    logs: dict[str, dict[str, dict[str, Any]]] = {}
    for found in iter_endorsements(root):
        rel = layout.relpath(root, found.path)
        folder = "endorsers" if rel.startswith(f"{layout.ENDORSERS_DIR}/") else "issuers"
        target = out / folder / found.owner / "endorsements"
        write_staged(target / f"{found.hash}.json", _read(root, rel))
        if folder == "issuers" and found.owner in registry.issuers:
            # An issuer revokes its endorsement by a signed line of its log: published beside the file, as an
            # award's is in its shard entry, for the page to say why (endorsements.js).
            if found.owner not in logs:
                log = layout.revocations_path(root, found.owner)
                logs[found.owner] = {str(e.get("award")): e for _, e in read_revocations(log)}
            line = logs[found.owner].get(found.hash)
            if line is not None:
                write_json_staged(target / f"{found.hash}.revocation.json", line)
    context = resources.files("generator.crypto").joinpath("contexts", "credreg-endorsement-v1.jsonld")
    write_staged(out / "contexts" / "endorsement-v1.jsonld", context.read_bytes())


def _registry_statements(registry: Registry, out: Path, now: dt.datetime, *, demo: bool) -> Statements:
    """The registry's DID document (when it declares a registry_key) and, with the key at hand (or a throwaway
    one, for a ``demo`` build of a registry that declares none), its signed statements of who defines each
    credential and their index (:mod:`generator.statements`)."""
    from generator.statements import INDEX_PATH, registry_did_document, registry_did_path, signed_statements

    statements = signed_statements(registry, now, demo=demo)
    if registry.governance.model.registry_key is None and not statements.demo:
        return statements
    document = registry_did_document(registry, statements.public_key)
    write_json_staged(out / registry_did_path(registry.site_url), document)
    for path, statement in statements.documents.items():
        write_json_staged(out / path, statement)
    if statements.documents:
        write_json_staged(out / INDEX_PATH, statements.index(registry))
    return statements


def prepare_site(
    registry: Registry,
    out: Path,
    verify_fragment: Callable[[], str],
    *,
    now: dt.datetime | None = None,
    demo_statements: bool = False,
    data_out: Path | None = None,
    log_records: Mapping[str, Mapping[str, Any]] | None = None,
    checked: AwardIndex | None = None,
    started: list[Background[None] | SearchIndexer] | None = None,
) -> PreparedSite:
    """Write every data file into ``out`` (the bulk of the verification data into ``data_out`` when the registry
    publishes it elsewhere) and return the model and the pages to lay out (``demo_statements``: sign the "who
    defines what" statements with a throwaway key when the registry declares none; ``log_records``: the awards'
    public-log records, for their verification shard entries; ``checked``: the index of the check that accepted
    the registry, which the page counts come from). ``started``: each writer that runs on in the background (the
    verification data's, the search indexer) is added to it as it starts, for the caller to cancel when interrupted
    before this returns (mkdocs tells plugins of an Exception only, not of Ctrl-C or SIGTERM)."""
    now = now or dt.datetime.now(dt.UTC)
    started = [] if started is None else started
    with held_off():  # known to the caller as soon as it runs, an interruption's included
        data = Background(
            _write_verification_data,
            registry,
            out,
            now=now,
            data_out=data_out,
            log_records=log_records,
            checked=checked,
        )
        started.append(data)
    search = SearchIndexer(out)
    started.append(search)
    try:
        stats, revocations = award_stats(registry, now=now, checked=checked)
        model = SiteModel.build(registry, stats, revocations, now)
        # The search index first (it needs only the model): Pagefind then runs while everything else is written,
        # instead of keeping the build waiting at its end.
        search.start(search_records(model))
        _issuer_files(registry, out)
        _endorsement_files(registry, out)
        model.statements = _registry_statements(registry, out, now, demo=demo_statements)
        for path, document in data_files(model).items():
            write_staged(out / path, encode(document))
        pages = site_pages(model, verify_fragment)
    except ChangedSinceVetted:  # a read of a revocation log, an endorsement… not as the check read it
        data.cancel()
        search.cancel()
        raise changed_problems(held_changes()) from None
    except BaseException:
        data.cancel()
        search.cancel()
        raise
    return PreparedSite(model, pages, search, data)


def _write_verification_data(registry: Registry, out: Path, **options: Any) -> None:
    # Its counts stay in this forked process: the build has its own.
    try:
        write_verification_data(registry, out, **options)
    except ChangedSinceVetted:  # an award batch or a revocation log not as the check read it
        raise changed_problems(held_changes()) from None
    if held_changes():  # a read refused and taken for a missing file (a revocation log's reader skips those)
        raise changed_problems(held_changes())
