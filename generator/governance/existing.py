"""What the registry already holds, looked up without verifying it.

The pull-request check verifies only what a change adds; the rules across awards (one award per status list slot, no
duplicates) still compare the new awards with every existing one. These lookups are that comparison's only contact with
the existing awards: they read the issuer's award files with a byte-level pattern (falling back to JSON only for an
award the pattern cannot read).

A pull request asks about a few slots and ids, and reading every award of a large issuer in Python would cost it more
than all else it does, so :func:`existing_status_slots` is told the indexes it is asked about (:func:`find_holders`, the
ids): then Git (``git grep``, in C, on every core) first picks the files that may hold one, and only those are read.
The pick can only be too wide, never too narrow: an award holds index ``i`` when its JSON's ``statusListIndex`` is the
string of ``i``'s canonical digits (an id, when its ``id`` is the id's one spelling), and a JSON string is written
either as those characters between quotes (``"4711"``) or with a ``\\u`` escape in it (``"\\u0034711"``), so every
file holding neither is skipped rightly.

A slot is held by an award *or* an endorsement: an issuer's endorsements share its status lists
(:mod:`generator.endorsements`), so the slot lookups read its ``endorsements/`` folder too, in the same ``git grep`` (an
endorser's lists hold only its endorsements). Ids are looked up registry-wide (:func:`existing_ids`): an award's or
endorsement's ``id`` names one credential, whoever issued it. (A cache keyed by Git blob ids would do as well on a
machine that keeps it, but a pull request's check in CI starts cold: a fork's run has no secret to keep one with.)
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator import layout
from generator._internal.files import regular_files
from generator._internal.git import git_argv, git_env
from generator._internal.source import SourceError
from generator.awards import (
    award_hash,
    award_id_number,
    award_id_text,
    parse_award_text,
    read_award_file,
    recipient_hash_number,
)
from generator.errors import CredregError
from generator.registry import Registry
from generator.statuslist import parse_index, parse_list_number

__all__ = [
    "Holders",
    "IdHolders",
    "Slot",
    "award_at",
    "award_signatures",
    "awards_citing",
    "existing_awards",
    "existing_ids",
    "existing_recipients",
    "existing_status_slots",
    "find_holders",
    "is_same_award",
    "prefetch_holders",
    "single_award_path",
]

Slot = tuple[str, int, int]
"""(issuer, status list number, index)."""

_STATUS_KEY = b'"credentialStatus"'
_URL_VALUE = re.compile(rb'"statusListCredential"\s*:\s*"([^"\\]*)"')
_INDEX_VALUE = re.compile(rb'"statusListIndex"\s*:\s*"([0-9]+)"')
#: Every ``"urn:uuid:…"`` string of an award's text, as an id's one spelling could be (overlapping: a lookahead).
_QUOTED_ID = re.compile(rb'(?="(urn:uuid:[0-9a-f-]{36})")')


_FOLDERS = ("awards", "endorsements")
"""The folders of an owner whose files hold its status slots."""


def _award_files(root: Path, issuer: str) -> Iterator[tuple[str, str]]:
    """(absolute path, repository-relative path) of the issuer's award files, in a stable order. Plain
    strings and ``os.walk``: this runs once per file of a registry that may hold a million awards."""
    return _files_in(root, layout.ISSUERS_DIR, issuer, "awards", (".json", ".jsonl"))


def _holder_files(registry: Registry, owner: str) -> Iterator[tuple[str, str]]:
    """:func:`_award_files`, then the owner's endorsement files: everything that may hold one of its slots."""
    return _owner_files(registry.root, _owner_folder(registry, owner), owner)


def _owner_files(root: Path, folder: str, owner: str) -> Iterator[tuple[str, str]]:
    """:func:`_holder_files` of the owner in ``folder`` (an issuer's or an endorser's)."""
    if folder == layout.ISSUERS_DIR:
        yield from _award_files(root, owner)
    yield from _files_in(root, folder, owner, "endorsements", (".json",))


def _files_in(root: Path, folder: str, owner: str, kind: str, suffixes: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    """(absolute, repository-relative) paths of the files ending in ``suffixes`` under ``folder/owner/kind``."""
    top = str(root)
    if (root / folder / owner).is_symlink():
        return  # never followed: the layout check refuses it
    for dirpath, filename in regular_files(f"{top}/{folder}/{owner}/{kind}"):
        if filename.endswith(suffixes):
            yield f"{dirpath}/{filename}", f"{dirpath[len(top) + 1 :].replace(os.sep, '/')}/{filename}"


def _owner_folder(registry: Registry, owner: str) -> str:
    return layout.ISSUERS_DIR if owner in registry.issuers else layout.ENDORSERS_DIR


def _is_endorsement(rel: str) -> bool:
    return rel.split("/", 4)[3:4] == ["endorsements"]


def _read(path: str) -> bytes:
    with open(path, "rb") as fh:  # noqa: PTH123 - plain strings on the hot path (see _award_files)
        return fh.read()


def _items(path: str, rel: str) -> Iterator[tuple[str, bytes]]:
    """(where, raw award) for a single-award file or each non-empty line of a batch."""
    data = _read(path)
    if rel.endswith(".json"):
        yield rel, data
        return
    for number, line in enumerate(data.split(b"\n"), start=1):
        if line.strip():
            yield f"{rel}:{number}", line


def _loads(raw: bytes) -> Any:
    """An award's data, or ``None`` when it does not parse within the bounds (it was reported when added)."""
    try:
        return parse_award_text(raw.decode("utf-8", "surrogateescape"), "", strict=False).data
    except SourceError:
        return None


def existing_awards(root: Path, issuer: str) -> Iterator[tuple[str, str, Any]]:
    """(file, where, data) of every award of ``issuer`` in the working tree, read leniently (``data`` is
    ``None`` for one that does not parse: it was reported when it was added)."""
    for path, rel in _award_files(root, issuer):
        for where, raw in _items(path, rel):
            yield rel, where, _loads(raw)


def _slot_by_json(raw: bytes, prefix: str) -> tuple[int, int] | None:
    award = _loads(raw)
    entry = award.get("credentialStatus") if isinstance(award, dict) else None
    if not isinstance(entry, dict):
        return None
    url, index = entry.get("statusListCredential"), parse_index(entry.get("statusListIndex"))
    number = (
        parse_list_number(url[len(prefix) : -len(".json")])
        if isinstance(url, str) and url.startswith(prefix) and url.endswith(".json")
        else None
    )
    return None if number is None or index is None else (number, index)


def _slot(raw: bytes, prefix: bytes) -> tuple[int, int] | None:
    """The award's (list, index). Fast path: the one ``credentialStatus`` object is flat, so its fields lie
    between its key and the next ``}``; anything unusual goes to a JSON parser."""
    at = raw.find(_STATUS_KEY)
    if at >= 0 and raw.find(_STATUS_KEY, at + len(_STATUS_KEY)) < 0:
        window = raw[at : raw.find(b"}", at)]
        urls, indexes = _URL_VALUE.findall(window), _INDEX_VALUE.findall(window)
        if len(urls) == 1 and len(indexes) == 1 and urls[0].startswith(prefix) and urls[0].endswith(b".json"):
            number = parse_list_number(urls[0][len(prefix) : -len(b".json")].decode("ascii", "replace"))
            index = parse_index(indexes[0].decode("ascii"))
            if number is not None and index is not None:
                return number, index
    return _slot_by_json(raw, prefix.decode())


def existing_status_slots(
    registry: Registry,
    issuers: Iterable[str],
    *,
    exclude: Collection[str] = (),
    indexes: Collection[int] | None = None,
) -> dict[Slot, str]:
    """Status list slots used by the awards and endorsements of ``issuers`` (or endorsers; not counting files in
    ``exclude``), each with
    where it is used (``path`` or ``path:line``). Awards whose slot cannot be read are skipped: they were
    reported when they were added. ``indexes``: only slots with these indexes are asked for (the answer may
    hold others); then only the files that may hold one are read (see the module's documentation)."""
    slots: dict[Slot, str] = {}
    for issuer in sorted(set(issuers)):
        folder = _owner_folder(registry, issuer)
        prefix = registry.url(f"{folder.removeprefix('registry/')}/{issuer}/status/").encode()
        files = (
            _holder_files(registry, issuer)
            if indexes is None
            else _files_citing(registry, issuer, [f'"{i}"' for i in sorted(set(indexes))])
        )
        for path, rel in files:
            if rel in exclude:
                continue
            items = [(rel, _read(path))] if rel.endswith(".json") else _items(path, rel)
            for where, raw in items:
                slot = _slot(raw, prefix)
                if slot is not None:
                    slots.setdefault((issuer, *slot), where)
    return slots


IdHolders = dict[int, list[tuple[str, str]]]
"""id (or recipient hash) → every (file, where: ``path`` or ``path:line``) that holds it, in :func:`_walk_order`,
awards first."""


@dataclass(frozen=True)
class Holders:
    """What one search of the owners' folders found: who holds each id, and each recipient hash, asked about."""

    ids: IdHolders = field(default_factory=dict)
    """:func:`~generator.awards.award_id_number` → its holders (awards and endorsements)."""
    recipients: IdHolders = field(default_factory=dict)
    """:func:`~generator.awards.recipient_hash_number` → its holders (awards only: an endorsement has none)."""


def existing_ids(
    registry: Registry, ids: Collection[int], *, exclude: Collection[str] = (), known: Holders | None = None
) -> dict[int, str]:
    """Which of ``ids`` (:func:`~generator.awards.award_id_number`) an award or endorsement of the registry (any
    issuer's or endorser's; not counting files in ``exclude``) already has, with where: ``id → path or
    path:line``. ``known``: holders already looked up (:func:`prefetch_holders`, while the registry loaded);
    an id it does not cover is looked up here."""
    owners = [(_owner_folder(registry, o), o) for o in (*sorted(registry.issuers), *sorted(registry.endorsers))]
    # The prefetch searched every owner's folder on disk, before the registry loaded: only the registered owners'
    # files count, as they do here and in the full check.
    registered = tuple({f"{folder}/{owner}/" for folder, owner in owners})
    holders = _known(ids, known.ids if known is not None else None, registered)
    missing = set(ids) - holders.keys()
    if missing:
        holders.update(find_holders(registry.root, list(dict.fromkeys(owners)), ids=missing).ids)
    return _first_holders(holders, exclude)


def existing_recipients(
    registry: Registry,
    issuer: str,
    numbers: Collection[int],
    *,
    exclude: Collection[str] = (),
    known: Holders | None = None,
) -> dict[int, str]:
    """Which of ``numbers`` (:func:`~generator.awards.recipient_hash_number`) an award of ``issuer`` (not counting
    files in ``exclude``) already has as its recipient hash, with where (``path`` or ``path:line``, the first in
    the order the full check walks). ``known``: as for :func:`existing_ids`; a number it does not cover is looked
    up here, in one search of the issuer's files."""
    holders = _known(numbers, known.recipients if known is not None else None, (f"{layout.ISSUERS_DIR}/{issuer}/",))
    missing = set(numbers) - holders.keys()
    if missing:
        owner = [(_owner_folder(registry, issuer), issuer)]
        holders.update(find_holders(registry.root, owner, recipients=missing).recipients)
    return _first_holders(holders, exclude)


def _known(wanted: Collection[int], known: IdHolders | None, under: tuple[str, ...]) -> IdHolders:
    """The holders ``known`` has of each of ``wanted`` (those it covers), keeping only files ``under`` these
    folders."""
    if known is None:
        return {}
    return {n: [(rel, where) for rel, where in known[n] if rel.startswith(under)] for n in wanted if n in known}


def _first_holders(holders: IdHolders, exclude: Collection[str]) -> dict[int, str]:
    """Each number's first holder (in the full check's walk order) outside ``exclude``; numbers with none left
    out."""
    held: dict[int, str] = {}
    for number, found in holders.items():
        where = next((where for rel, where in found if rel not in exclude), None)
        if where is not None:
            held[number] = where
    return held


_RECIPIENT_HEX = re.compile(rb"sha256\$([0-9a-f]{64})")


def find_holders(
    root: Path,
    owners: Sequence[tuple[str, str]],
    *,
    ids: Collection[int] = (),
    recipients: Collection[int] = (),
) -> Holders:
    """Every file of ``owners`` ((folder, owner) pairs) holding one of ``ids`` or (an award's) one of the recipient
    hashes ``recipients``: one ``git grep`` over all their folders picks the files that may hold one, as
    :func:`existing_status_slots` picks them; only those are read."""
    found = Holders({n: [] for n in ids}, {n: [] for n in recipients})
    if not found.ids and not found.recipients:
        return found
    id_texts = {award_id_text(n).encode() for n in found.ids}
    hash_texts = {f"{n:064x}".encode() for n in found.recipients}
    needles = [f'"{award_id_text(n)}"' for n in sorted(found.ids)]
    needles += [f'"sha256${n:064x}"' for n in sorted(found.recipients)]
    for path, rel in _owners_files_citing(root, owners, needles):
        award = not _is_endorsement(rel)
        for where, raw in [(rel, _read(path))] if rel.endswith(".json") else _items(path, rel):
            # The pick, for this award: a set lookup of each quoted id (recipient hash) it holds (a batch of n
            # awards asks about n ids, and n substring searches in each of its n lines took minutes at a few
            # thousand).
            if not (
                b"\\u" in raw
                or any(m[1] in id_texts for m in _QUOTED_ID.finditer(raw))
                or (award and any(m[1] in hash_texts for m in _RECIPIENT_HEX.finditer(raw)))
            ):
                continue
            doc = _loads(raw)
            number = award_id_number(doc.get("id")) if isinstance(doc, dict) else None
            if number in found.ids:
                found.ids[number].append((rel, where))
            recipient = recipient_hash_number(doc) if award else None
            if recipient in found.recipients:
                found.recipients[recipient].append((rel, where))
    return found


def prefetch_holders(root: Path, added: Sequence[str]) -> Holders:
    """:func:`find_holders` of the ids and recipient hashes of the awards and endorsements in ``added``
    (repository-relative paths a change adds), over every owner's folder on disk, before the registry is loaded:
    the pull-request check runs it in a process of its own while it loads (the search reads every award file,
    the one cost of the check that grows with the whole registry). Reads what it can; what it misses,
    :func:`existing_ids` and :func:`existing_recipients` look up."""
    ids: set[int] = set()
    recipients: set[int] = set()
    for rel in added:
        path = root / rel
        try:
            if path.is_symlink() or not path.is_file():
                continue
            for source in read_award_file(root, path):
                doc = _loads(source.text.encode("utf-8", "surrogateescape"))
                number = award_id_number(doc.get("id")) if isinstance(doc, dict) else None
                if number is not None:
                    ids.add(number)
                recipient = recipient_hash_number(doc)
                if recipient is not None:
                    recipients.add(recipient)
        except OSError:
            continue
    owners: list[tuple[str, str]] = []
    for folder in (layout.ISSUERS_DIR, layout.ENDORSERS_DIR):
        top = root / folder
        if top.is_symlink() or not top.is_dir():
            continue
        owners.extend((folder, entry.name) for entry in sorted(top.iterdir(), key=lambda e: e.name) if entry.is_dir())
    return find_holders(root, owners, ids=ids, recipients=recipients)


def _files_citing(registry: Registry, issuer: str, needles: Collection[str]) -> Iterator[tuple[str, str]]:
    """(absolute path, repository-relative path) of the issuer's award and endorsement files (an endorser's
    endorsement files) that may hold one of ``needles`` (quoted JSON strings): those holding one as it is, or any
    ``\\u`` escape. One ``git grep --no-index`` reads the files on disk as :func:`_holder_files` does (no link
    followed, ignored files too)."""
    yield from _owners_files_citing(registry.root, [(_owner_folder(registry, issuer), issuer)], needles)


def _owners_files_citing(
    root: Path, owners: Sequence[tuple[str, str]], needles: Collection[str]
) -> Iterator[tuple[str, str]]:
    """:func:`_files_citing` for every one of ``owners`` ((folder, owner) pairs) at once: one ``git grep`` over
    all their folders."""
    if not needles or not owners:
        return
    searched = []
    for folder, owner in owners:
        for name in _FOLDERS if folder == layout.ISSUERS_DIR else _FOLDERS[1:]:
            rel = f"{folder}/{owner}/{name}"
            parts = rel.split("/")
            if any(root.joinpath(*parts[:n]).is_symlink() for n in range(1, len(parts) + 1)):
                continue  # never followed: the layout check refuses it
            if (root / rel).is_dir():
                searched.append(rel)
    if not searched:
        return
    patterns = "".join(f"{n}\n" for n in needles) + "\\u\n"
    # git grep runs on every core but tries its fixed strings one by one: a pull request adding a cohort of 1,000
    # awards asked about 1,000 ids, and took a minute on a 100k-award registry. grep -F matches them all in one
    # pass (Aho-Corasick) on one core: slower for a few strings, flat for many.
    command = (
        git_argv("grep", "--no-index", "--no-color", "--no-textconv", "-l", "-z", "-F", "-f", "-", "--", *searched)
        if len(needles) <= _GIT_GREP_STRINGS
        else ["grep", "-r", "-l", "--null", "-F", "-f", "-", "--", *searched]
    )
    try:
        found = subprocess.run(
            command,
            cwd=root,
            input=patterns.encode(),
            capture_output=True,
            check=False,
            # Git's environment as every listing's (git_env: no GIT_*PATHSPECS changing what a folder names); bytes,
            # as the JSON is matched, and no locale's slow path. A failure reads every file: never fewer found.
            env={**git_env(), "LC_ALL": "C"},
        )
    except OSError:  # no git or grep: read every file
        found = None
    if found is None or found.returncode not in (0, 1):  # 1: nothing matched
        for folder, owner in owners:
            yield from _owner_files(root, folder, owner)
        return
    named = found.stdout.decode("utf-8", "surrogateescape").split("\0")
    picked = [n for n in named if n.endswith((".json", ".jsonl"))]
    for rel in sorted(picked, key=lambda n: (_is_endorsement(n), _walk_order(n))):  # awards first, as walked
        yield f"{root}/{rel}", rel


#: Up to this many strings, ``git grep`` (every core) picks the files; beyond, ``grep -F`` (one pass for all).
_GIT_GREP_STRINGS = 16


def _walk_order(rel: str) -> list[tuple[int, str]]:
    """Sorts paths as :func:`_award_files` walks them (a folder's files, then its folders), so that the first
    of two awards in one slot is the same either way."""
    *folders, name = rel.split("/")
    return [*((1, f) for f in folders), (0, name)]


def award_at(root: Path, where: str) -> dict[str, Any] | None:
    """The award at ``path`` or ``path:line`` (``None`` when it cannot be read)."""
    path, _, line = where.partition(":")
    try:
        data = (root / path).read_bytes()
        raw = data.split(b"\n")[int(line) - 1] if line else data
    except (OSError, ValueError, IndexError):
        return None
    award = _loads(raw)
    return award if isinstance(award, dict) else None


def is_same_award(root: Path, where: str, digest: str) -> bool:
    """Whether the award at ``where`` has hash ``digest`` (a single file is named after its hash)."""
    path, _, line = where.partition(":")
    if not line:
        return Path(path).stem == digest
    award = award_at(root, where)
    try:
        return award is not None and award_hash(award) == digest
    except CredregError:  # not canonicalizable: not the award of any hash
        return False


def single_award_path(root: Path, issuer: str, digest: str) -> str | None:
    """The single-award file named after ``digest``, in any year (``None`` when there is none)."""
    for candidate in sorted(layout.awards_dir(root, issuer).glob(f"*/{digest[:2]}/{digest}.json")):
        return candidate.relative_to(root).as_posix()
    return None


def awards_citing(root: Path, issuer: str, needle: str, *, limit: int = 3) -> list[str]:
    """Up to ``limit`` awards of ``issuer`` whose text contains the JSON string ``needle`` (e.g. a credential's
    URL as its achievement id)."""
    quoted = json.dumps(needle).encode()
    found: list[str] = []
    for path, rel in _award_files(root, issuer):
        for where, raw in _items(path, rel):
            if quoted in raw:
                found.append(where)
                if len(found) >= limit:
                    return found
    return found


def award_signatures(root: Path, issuer: str, method: str) -> Iterator[tuple[str, object]]:
    """(where, proof ``created``) of every proof by verification method ``method`` in the issuer's awards."""
    needle = method.encode()
    for path, rel in _award_files(root, issuer):
        for where, raw in _items(path, rel):
            if needle not in raw:
                continue
            award = _loads(raw)
            proofs = award.get("proof") if isinstance(award, dict) else None
            for proof in proofs if isinstance(proofs, list) else [proofs]:
                if isinstance(proof, dict) and proof.get("verificationMethod") == method:
                    yield where, proof.get("created")
