"""Where things live in a registry repository. Every stage classifies paths with these functions only.

The layout is an allow-list (:data:`PLACES`): each folder of ``registry/`` and ``keys/`` says which file names
and subfolders it may hold, and :func:`layout_problems` refuses everything else: unknown files, hidden files
(``.gitattributes`` can hide a pull request's diff from its reviewers; ``.git`` is a nested repository),
symbolic links (a link is followed by whoever reads it, out of the repository: into a private key, say) and
special files. Images are also opened and checked to be what their names say
(:mod:`generator._internal.images`). The full check runs it on the whole tree, so nothing else reaches the build;
the pull-request check runs the same rules on every path its change adds or modifies (the rest is the base's).

Every name must also be one that every file system keeps apart and holds as it is (:func:`name_problem`,
:func:`twin_key`): Git stores a path's bytes, but macOS folds case and Unicode normalisation (``café`` written
with a combining accent and with ``é`` are one file there, as ``Badge.png`` and ``badge.png`` are on macOS and
Windows). Two such names would be two files to the check, which runs on Linux, and one file, either of them, in a
contributor's checkout or on a build host that is not Linux; so a name not in NFC, a name that folds to a
sibling's, and a name Windows cannot hold are refused. Why those and no others is in CONTRIBUTING.md ("What your
folder may hold").
"""

from __future__ import annotations

import enum
import hashlib
import os
import re
import stat
import subprocess
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from generator._internal.files import resolved
from generator._internal.git import (
    environment_work_trees,
    git_argv,
    git_env,
    git_output,
    git_stream,
    not_read_from_disk,
)
from generator._internal.git import path_identity as _identity
from generator.errors import Location, Problem, UsageError

__all__ = [
    "GOVERNANCE_PATH",
    "Holder",
    "PathKind",
    "PathRole",
    "checkout_holding",
    "classify",
    "find_root",
    "layout_problems",
    "name_problem",
    "repository_name_problems",
    "secret_holder",
    "twin_key",
]

GOVERNANCE_PATH = "registry/governance.yaml"
ISSUERS_DIR = "registry/issuers"
ENDORSERS_DIR = "registry/endorsers"
KEYS_DIR = "keys"
SCHEMAS_DIR = "schemas"

_SLUG = r"[a-z0-9]+(?:-[a-z0-9]+)*"
_SEG = r"[^/]+"


class PathKind(enum.StrEnum):
    GOVERNANCE = "governance"
    ISSUER = "issuer"
    CREDENTIAL = "credential"
    AWARD = "award"
    AWARD_BATCH = "award-batch"
    REVOCATIONS = "revocations"
    STATUS_LIST = "status-list"
    ISSUER_ASSET = "issuer-asset"
    KEY = "key"
    ENDORSER = "endorser"
    ENDORSEMENT = "endorsement"
    ISSUER_OTHER = "issuer-other"
    KEY_OTHER = "key-other"
    REGISTRY_LEVEL = "registry-level"


@dataclass(frozen=True, slots=True)
class PathRole:
    """What a repository path is, and which issuer owns it (``None`` for registry-level paths)."""

    kind: PathKind
    issuer: str | None = None
    name: str | None = None  # credential slug, key id, award name, status list number

    @property
    def issuer_owned(self) -> bool:
        return self.issuer is not None


_RULES: list[tuple[re.Pattern[str], PathKind]] = [
    (re.compile(rf"^registry/issuers/(?P<issuer>{_SEG})/issuer\.yaml\Z"), PathKind.ISSUER),
    (re.compile(rf"^registry/issuers/(?P<issuer>{_SEG})/credentials/(?P<name>{_SEG})\.yaml\Z"), PathKind.CREDENTIAL),
    (
        re.compile(rf"^registry/issuers/(?P<issuer>{_SEG})/awards/(?:{_SEG}/)*(?P<name>{_SEG})\.jsonl\Z"),
        PathKind.AWARD_BATCH,
    ),
    (re.compile(rf"^registry/issuers/(?P<issuer>{_SEG})/awards/(?:{_SEG}/)*(?P<name>{_SEG})\.json\Z"), PathKind.AWARD),
    (re.compile(rf"^registry/issuers/(?P<issuer>{_SEG})/revocations\.jsonl\Z"), PathKind.REVOCATIONS),
    (re.compile(rf"^registry/issuers/(?P<issuer>{_SEG})/status/(?P<name>[0-9]+)\.json\Z"), PathKind.STATUS_LIST),
    (
        re.compile(rf"^registry/issuers/(?P<issuer>{_SEG})/(?:images/{_SEG}|logo)\.(?:png|svg|jpg|jpeg|webp)\Z"),
        PathKind.ISSUER_ASSET,
    ),
    (re.compile(rf"^registry/issuers/(?P<issuer>{_SEG})/images/(?P<name>{_SEG})\Z"), PathKind.ISSUER_ASSET),
    (re.compile(rf"^registry/issuers/(?P<issuer>{_SEG})/endorsements/(?P<name>{_SEG})\.json\Z"), PathKind.ENDORSEMENT),
    (re.compile(rf"^registry/issuers/(?P<issuer>{_SEG})/.+\Z"), PathKind.ISSUER_OTHER),
    # An endorser's paths are owned by the endorser (``issuer`` names the owner: endorsers and issuers share the
    # ``keys/`` namespace, so their ids never collide).
    (re.compile(rf"^registry/endorsers/(?P<issuer>{_SEG})/endorser\.yaml\Z"), PathKind.ENDORSER),
    (
        re.compile(rf"^registry/endorsers/(?P<issuer>{_SEG})/endorsements/(?P<name>{_SEG})\.json\Z"),
        PathKind.ENDORSEMENT,
    ),
    (re.compile(rf"^registry/endorsers/(?P<issuer>{_SEG})/status/(?P<name>[0-9]+)\.json\Z"), PathKind.STATUS_LIST),
    (re.compile(rf"^registry/endorsers/(?P<issuer>{_SEG})/.+\Z"), PathKind.ISSUER_OTHER),
    (re.compile(rf"^keys/(?P<issuer>{_SEG})/(?P<name>{_SEG})\.json\Z"), PathKind.KEY),
    (re.compile(rf"^keys/(?P<issuer>{_SEG})/.+\Z"), PathKind.KEY_OTHER),
    (re.compile(r"^registry/governance\.yaml\Z"), PathKind.GOVERNANCE),
]

SLUG_RE = re.compile(rf"^{_SLUG}\Z")


def _glob(pattern: re.Pattern[str]) -> str:
    """The Git ``:(glob)`` pathspec matching exactly the paths ``pattern`` matches, for the shapes an award's rule
    uses (a segment, any number of folders, literal text); any other shape is refused here, at import, rather
    than translated loosely. In such a glob ``*`` and ``?`` never match ``/``, and ``**/`` is zero or more folders."""
    text = pattern.pattern.removeprefix("^").removesuffix(r"\Z")
    text = re.sub(rf"\(\?P<\w+>{re.escape(_SEG)}\)", "?*", text)
    text = text.replace(f"(?:{_SEG}/)*", "**/").replace(_SEG, "?*").replace(r"\.", ".")
    if re.search(r"[\\()\[\]{}+|^$]", text):
        raise ValueError(f"no exact glob for the layout pattern {pattern.pattern!r}")
    return text


#: Kinds of path that grow with the awards (a million files), as Git pathspec globs (:func:`_glob`) made from
#: the same rules as :func:`classify`, so a Git command can leave them out before Python sees a name.
#: No earlier rule matches such a path, so a path matches one of these globs iff :func:`classify` says one of them.
AWARD_KINDS = (PathKind.AWARD_BATCH, PathKind.AWARD)
AWARD_GLOBS = tuple(_glob(pattern) for pattern, kind in _RULES if kind in AWARD_KINDS)

#: File name extensions of issuer images: what the models allow for a logo or a badge image.
IMAGE_EXTENSIONS = ("png", "svg", "jpg", "jpeg", "webp")
_IMAGE = rf"[^/]+\.(?:{'|'.join(IMAGE_EXTENSIONS)})"
_IMAGE_EXTENSION = re.compile(rf"\.({'|'.join(IMAGE_EXTENSIONS)})\Z", re.IGNORECASE)


def image_extension(name: str) -> str | None:
    """The image extension ``name`` ends with, lowercased (``svg`` for ``badge.SVG``); ``None`` when it ends with
    none, exactly: ``badge.svg\n`` is no SVG (a ``$`` or a split on the last dot would say it is, or "svg\n")."""
    m = _IMAGE_EXTENSION.search(name)
    return m[1].lower() if m else None


@dataclass(frozen=True, slots=True)
class Place:
    """A folder of the registry and what it may hold (names are matched whole; hidden names never match)."""

    folder: re.Pattern[str]
    """The folder's repository-relative path."""

    files: re.Pattern[str] | None
    folders: re.Pattern[str] | None
    holds: str
    """What belongs here, in words, for the refusal."""

    images: bool = False
    """Whether files here with an image extension are issuer images (their content is checked)."""

    names: Callable[[str], bool] | None = None
    """A rule a file's name must pass besides :attr:`files`, owned by another module (a status list's number)."""

    def holds_file(self, name: str) -> bool:
        """Whether a file named ``name`` belongs here."""
        return self.files is not None and bool(self.files.match(name)) and (self.names is None or self.names(name))


def _place(
    folder: str,
    files: str | None,
    folders: str | None,
    holds: str,
    *,
    images: bool = False,
    names: Callable[[str], bool] | None = None,
) -> Place:
    return Place(
        # Grouped: ``^a|b$`` would anchor only ``a`` at the start and ``b`` at the end (``issuer.yaml.bak`` passed).
        re.compile(rf"\A(?:{folder})\Z"),
        re.compile(rf"\A(?:{files})\Z") if files else None,
        re.compile(rf"\A(?:{folders})\Z") if folders else None,
        holds,
        images,
        names,
    )


def _status_list_name(name: str) -> bool:
    """Whether ``name`` names a status list: only such a file is verified by the checks, so only such a file may
    be in a ``status/`` folder, which the build publishes byte for byte (``01.json`` would go out unread)."""
    from generator.statuslist import list_file_number  # imported here: it imports the models, which import this

    return list_file_number(name) is not None


_LISTS = "status lists are <number>.json files, numbered 1 to 65535 with no leading zero"


_ISSUER = rf"registry/issuers/{_SEG}"
#: Every folder a registry may have, and what each may hold. Slugs are checked by the load stage, which can
#: say which name is wrong; here any visible name of the right kind passes.
PLACES: tuple[Place, ...] = (
    _place(
        "registry", r"governance\.yaml", "issuers|endorsers", "registry/ holds governance.yaml, issuers/ and endorsers/"
    ),
    _place("registry/issuers", None, _SEG, "only issuer folders belong in registry/issuers/"),
    _place(
        _ISSUER,
        rf"issuer\.yaml|revocations\.jsonl|README\.md|logo\.(?:{'|'.join(IMAGE_EXTENSIONS)})",
        "credentials|awards|status|images|endorsements",
        "unexpected entry in an issuer folder (allowed: issuer.yaml, credentials/, awards/, status/, images/, "
        "endorsements/, "
        f"revocations.jsonl, logo.<{'|'.join(IMAGE_EXTENSIONS)}>, README.md)",
        images=True,
    ),
    _place(rf"{_ISSUER}/credentials", r"[^/]+\.yaml", None, "credential definitions are <slug>.yaml files"),
    _place(
        rf"{_ISSUER}/awards(?:/{_SEG})*",
        r"[^/]+\.jsonl?",
        _SEG,
        "awards/ holds award files (<hash>.json) and batches (.jsonl), in folders",
    ),
    _place(rf"{_ISSUER}/status", r"[0-9]+\.json", None, _LISTS, names=_status_list_name),
    _place(rf"{_ISSUER}/endorsements", r"[0-9a-f]{64}\.json", None, "endorsements are <hash>.json files"),
    _place("registry/endorsers", None, _SEG, "only endorser folders belong in registry/endorsers/"),
    _place(
        rf"registry/endorsers/{_SEG}",
        r"endorser\.yaml|README\.md",
        "endorsements|status",
        "unexpected entry in an endorser folder (allowed: endorser.yaml, endorsements/, status/, README.md)",
    ),
    _place(
        rf"registry/endorsers/{_SEG}/endorsements", r"[0-9a-f]{64}\.json", None, "endorsements are <hash>.json files"
    ),
    _place(rf"registry/endorsers/{_SEG}/status", r"[0-9]+\.json", None, _LISTS, names=_status_list_name),
    _place(
        rf"{_ISSUER}/images", _IMAGE, None, f"images/ holds images: .{', .'.join(IMAGE_EXTENSIONS)} files", images=True
    ),
    _place("keys", r"README\.md", _SEG, "only issuer and endorser folders (and README.md) belong in keys/"),
    _place(rf"keys/{_SEG}", r"[^/]+\.json", None, "keys are <key-id>.json files"),
)
#: The trees :data:`PLACES` covers: everything under them is checked.
CHECKED_TREES = ("registry", KEYS_DIR)


def place_of(folder: str) -> Place | None:
    return next((p for p in PLACES if p.folder.match(folder)), None)


def issuer_asset(issuer: str, value: str) -> str | None:
    """The repository path of the image file an issuer's ``logo`` or a credential's ``image`` names (a path in
    the issuer's folder), or ``None`` when the value is no plain path to a file the layout allows there. The
    check and the build both ask this: ``images/./a.png`` or ``images//a.png`` is ``images/a.png`` to a path
    library, so a check that normalised it accepted what the build then refused, breaking every build."""
    rel = f"{ISSUERS_DIR}/{issuer}/{value}"
    if PurePosixPath(value).as_posix() != value or path_problem(rel) is not None:
        return None
    return rel


def path_problem(path: str) -> tuple[str, str] | None:
    """(code, message) when a file may not be at ``path`` (repository-relative; under :data:`CHECKED_TREES`),
    judged by its name alone: for paths that Git reports (the pull-request check)."""
    parts = path.split("/")
    if parts[0] not in CHECKED_TREES:
        return None
    for depth in range(1, len(parts)):
        name = parts[depth]
        hidden = _hidden(name)
        if hidden:
            return hidden
        place = place_of("/".join(parts[:depth]))
        if place is None:
            return None  # an ancestor was refused already
        last = depth == len(parts) - 1
        known = place.holds_file(name) if last else place.folders is not None and bool(place.folders.match(name))
        if not known:
            return "layout.unexpected", place.holds
        unportable = name_problem(name)
        if unportable:
            return unportable
    return None


#: Characters a file system may drop, ignore or refuse in a name, or that a reader cannot see: controls, format
#: characters (HFS+ ignores zero-width joiners and direction marks when it compares names), separators and spaces
#: other than the plain space, unassigned and private-use code points (their case and normalisation may change
#: with the Unicode version, or differ between systems) and lone surrogates (a name that is not UTF-8: Git keeps
#: its bytes, macOS refuses them).
_UNPORTABLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs"})
#: What Windows refuses in a name (Git for Windows then refuses to check the path out at all).
_WINDOWS_FORBIDDEN = re.compile(r'[<>:"\\|?*]')
_WINDOWS_DEVICES = re.compile(
    # Spaces after the device's name do not make another name ("con .svg" is CON too: Git for Windows refuses it).
    r"\A(?:CON|PRN|AUX|NUL|CONIN\$|CONOUT\$|COM[0-9¹²³]|LPT[0-9¹²³]) *(?:\..*)?\Z",
    re.IGNORECASE,
)
#: The shape of an NTFS short (8.3) name: ``<base>~<digits>``, then an extension or nothing, the base without dots.
#: NTFS gives a long name such a second name (``badge-large.svg`` is ``BADGE-~1.SVG`` too), and opening it opens the
#: long one; so on Windows a file of this shape may be another file of its folder (Git, which creates a file only
#: where none is, then cannot write it, and every later read gets the other). Refused whatever its folder holds:
#: which long name gets which short one depends on the order files were made in, and the volume.
_WINDOWS_SHORT = re.compile(r"\A[^.]*~[0-9]+(?:\.|\Z)")


#: The longest repository path (from the Git repository's top, the registry's folder in it included) of a file,
#: in UTF-16 units: Windows' ``MAX_PATH``
#: (259 characters and the NUL) less 55 for the folder a checkout is in (``C:\Users\<name>\source\<repo>\``).
#: The longest a credreg command writes is 192: a batch of awards of a 64-character issuer and credential slug.
MAX_PATH_LENGTH = 200


def _character(ch: str) -> str:
    return f"U+{ord(ch):04X} {unicodedata.name(ch, 'an unnamed character')}"


def twin_key(name: str) -> str:
    """What ``name`` is to a file system that folds case and Unicode normalisation (macOS, Windows, Linux's
    case-insensitive folders): two names of one folder with one key are one file there. NFC, then upper case (what
    NTFS compares: it makes dotless ``ı`` an ``I``, which case folding keeps apart from ``i``; for every other
    character upper-casing first changes nothing), then full case folding (``ß`` is ``ss``: more than NTFS folds,
    which only refuses more), then NFC again (folding can decompose)."""
    if name.isascii():  # every award's name: NFC already, and ASCII folds to its lower case
        return name.lower()
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).upper().casefold())


def name_problem(name: str) -> tuple[str, str] | None:
    """(code, message) when ``name`` (one file or folder name, not hidden) may not be a name in ``registry/`` or
    ``keys/`` because not every file system would hold it as it is; ``None`` when it may."""
    if _PLAIN_NAME.match(name) is None:  # a name of printable ASCII (an award's hash) is in NFC: no per-character look
        problem = _unicode_problem(name)
        if problem is not None:
            return problem
    if _WINDOWS_SHORT.match(name):
        return "layout.name-unportable", (
            "the name is shaped as a Windows short (8.3) name, a tilde and digits ending its first part "
            "(badge-large.svg is BADGE-~1.SVG on Windows too): there it may open another file of its folder; "
            "rename it without the tilde or the digits after it"
        )
    forbidden = _WINDOWS_FORBIDDEN.search(name)
    if forbidden is not None or name.endswith((".", " ")) or _WINDOWS_DEVICES.match(name):
        why = (
            f"holds {forbidden[0]!r}"
            if forbidden is not None
            else "ends with a dot or a space, which Windows drops (so it names another file there)"
            if name.endswith((".", " "))
            else "is a device name on Windows"
        )
        return "layout.name-unportable", f"the name {why}: Git cannot check it out on Windows; rename it"
    return None


#: Printable ASCII only: no character :func:`_unicode_problem` would refuse.
_PLAIN_NAME = re.compile(r"\A[\x20-\x7e]*\Z")


def _unicode_problem(name: str) -> tuple[str, str] | None:
    for ch in name:
        category = unicodedata.category(ch)
        if category == "Cs":  # how a byte that is not UTF-8 reads here (surrogateescape)
            return "layout.name-unportable", (
                "the name is not UTF-8 text: macOS and Windows cannot hold it, and no page can show it; rename it"
            )
        if ch != " " and category in _UNPORTABLE_CATEGORIES:
            return "layout.name-unportable", (
                f"the name holds {_character(ch)}, which readers cannot see and some file systems ignore or refuse "
                "(macOS's HFS+ ignores zero-width and direction characters when it compares names): rename it with "
                "visible characters only"
            )
    nfc = unicodedata.normalize("NFC", name)
    if nfc != name:
        mark = next((ch for ch in name if unicodedata.combining(ch)), None)
        how = f" (it writes {_character(mark)} as a character of its own)" if mark else ""
        return "layout.name-not-nfc", (
            f"the name is not in Unicode normalisation form NFC{how}: macOS takes it for the same name as "
            f"{nfc!r} and Git there reads it back as that, so a Mac and the check would not see the same paths; "
            f"rename it to {nfc!r} (the same letters, composed)"
        )
    return None


def _twin_problem(rel: str, twin: str) -> Problem:
    return Problem(
        Location(rel),
        f"is the same file as {twin} on macOS and Windows (their names differ only in case or Unicode "
        "normalisation): the check reads both, a checkout there only one of them; remove one, or rename it",
        code="layout.twin",
    )


def _twins(folder: str, names: Iterable[str]) -> Iterator[Problem]:
    """A problem for each name of ``folder`` that folds (:func:`twin_key`) to an earlier name's key."""
    first: dict[str, str] = {}
    for name in sorted(names):
        twin = first.setdefault(twin_key(name), name)
        if twin != name:
            yield _twin_problem(f"{folder}/{name}", f"{folder}/{twin}")


#: The temporary names of :mod:`generator._internal.files` (``.<name>.<12 hex>.tmp``).
_TEMPORARY = re.compile(r"\A\..+\.[0-9a-f]{12}\.tmp\Z")


def _hidden(name: str) -> tuple[str, str] | None:
    if name == ".git":
        return "layout.nested-repository", "a nested Git repository does not belong in the registry: remove it"
    if _TEMPORARY.match(name):
        return "layout.hidden", (
            "a temporary file left by a credreg command that was interrupted while writing (killed, or the machine "
            "stopped): delete it; the file it was to become was not written, so run the command again"
        )
    if name.startswith("."):
        return "layout.hidden", (
            "hidden files do not belong in the registry (a .gitattributes could hide a change from reviewers): "
            "remove it"
        )
    return None


#: The one Git mode a file of ``registry/`` or ``keys/`` may have (Git's other for a file is ``100755``).
REGULAR_MODE = "100644"


def executable_message(mode: str) -> str:
    """Why a file of ``registry/`` or ``keys/`` whose Git mode is ``mode`` (not :data:`REGULAR_MODE`) is refused."""
    return (
        f"is executable (Git mode {mode}): registry data is never run, and the public log records a key file's "
        "mode change as a change of the key (key-changed), which its index may count as a retirement; make it a "
        f"plain file ({REGULAR_MODE}: git update-index --chmod=-x, or chmod -x, and commit)"
    )


def _executable_files(root: Path) -> Iterator[Problem]:
    """Every file of ``registry/`` and ``keys/`` Git holds with another mode than :data:`REGULAR_MODE` (links and
    nested repositories aside: the walk refuses what the work tree shows of them). Git's mode, not the work tree's:
    a checkout with ``core.fileMode=false`` (or a file system without the bit) shows none of it, and the log reads
    Git's. Outside a Git work tree (a tarball) no mode is recorded: none to judge. Inside one, a Git that fails
    (a checkout it refuses as of "dubious ownership") raises :class:`~generator.errors.GitFailed`: the check never
    passes having judged no mode.

    The same listing names the files Git holds but left out of the work tree (``S``: a sparse checkout, or
    ``git update-index --skip-worktree``) or flagged ``assume-unchanged`` (a lowercase tag: Git commits the index's
    blob whatever the disk holds): the check reads the work tree, so it never read, named or searched what Git
    commits of them, and would pass a commit it has not seen whole (``layout.not-checked-out``, once, with their
    count)."""
    chunks = git_stream(root, "ls-files", "-s", "-v", "-z", "--", *CHECKED_TREES)
    if chunks is None:
        return
    # Read as it comes, never whole: every award file of the registry is one line (a million awards, some
    # 270,000 lines), and only the few with another mode are kept.
    rest = b""
    skipped, first_skipped = 0, ""
    for chunk in chunks:
        *items, rest = (rest + chunk).split(b"\0")
        for item in items:
            meta, _, name = item.partition(b"\t")  # "<tag> <mode> <id> <stage>"
            tag, mode = (field.decode() for field in meta.split(b" ", 2)[:2])
            if not name:
                continue
            if not_read_from_disk(tag):
                skipped, first_skipped = skipped + 1, first_skipped or os.fsdecode(name)
            if mode not in (REGULAR_MODE, "120000", "160000"):
                yield Problem(Location(os.fsdecode(name)), executable_message(mode), code="layout.executable")
    if skipped:
        yield Problem(
            Location(first_skipped),
            f"is not checked out ({skipped} file{'s' if skipped != 1 else ''} of registry/ and keys/ Git holds are "
            "not, or not as Git commits them: a sparse checkout, or git update-index --skip-worktree or "
            "--assume-unchanged): the check reads the work tree, and would pass what it never read; run it in a full "
            "checkout (git sparse-checkout disable; git update-index --no-skip-worktree --no-assume-unchanged)",
            code="layout.not-checked-out",
        )


#: The attributes by which Git writes other bytes into the work tree than a commit holds, refused whatever the bytes;
#: and those by which ``git archive`` does (a site built from a tarball, which has no .git to ask): ``export-subst``
#: rewrites ``$Format:…$``, ``export-ignore`` leaves a file out (a revocation log: its awards published as valid).
_CONVERSIONS = ("eol", "working-tree-encoding", "ident", "filter", "export-subst", "export-ignore")
#: Files whose size is compared with their blob's per ``git cat-file`` (its input and the ids held at a time).
_SIZE_BATCH = 20_000


def converted_on_checkout(root: Path, paths: Iterable[str] | None = None) -> list[tuple[str, str]]:
    """(path, why) of every file of ``registry/`` and ``keys/`` (``paths``: of these, a folder's files included)
    that Git converts on checkout, first by path. CI checks the commit out and the build publishes that work tree,
    while the public log records (and the proofs sign, and verifiers compare) the committed bytes; Git's diff and
    status, which convert the work tree back, show none of it.

    Two answers. ``git check-attr`` (Git's reading of every rule, pattern and macro, whichever ``.gitattributes``,
    ``info/attributes`` or ``core.attributesFile`` holds it) names each file an ``eol=crlf``,
    ``working-tree-encoding``, ``ident``, ``filter`` (or, in ``git archive``, ``export-subst`` or ``export-ignore``)
    converts, refused whatever it holds now (a rule that converts
    nothing today converts the line a later change adds). Line ends Git's settings convert (``core.autocrlf``, a
    Windows runner's default; ``core.eol=crlf`` with a ``text`` attribute), whatever the settings were when the
    checkout ran, are found by the bytes: every file whose size is not its blob's (a CR written for each LF) and
    which Git's diff does not name as edited. Git's own ``ls-files --eol`` read every blob and file, and took a file
    with a lone CR for binary while ``text`` still converted it. Outside a Git work tree: none."""
    if paths is None:
        pathspec: list[str] = list(CHECKED_TREES)
    else:
        # Pathspecs that match each path itself (no glob or magic), a folder's files with it.
        pathspec = [f":(literal){p.rstrip('/')}" for p in paths if p.split("/", 1)[0] in CHECKED_TREES]
        if not pathspec:
            return []
    listed = git_output(root, "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", *pathspec)
    if not listed:
        return []
    # Git's runner (generator._internal.git): the environment's GIT_DIR, GIT_ATTR_SOURCE… read another repository's
    # or tree's attributes, and a Git that fails is an error, never "nothing converted".
    converted: dict[str, str] = {}
    for file, name, value in _attributes(root, listed):
        # eol=lf (and text) write what LF-only files hold; every other value of these converts.
        if value in (b"unspecified", b"unset") or (name == b"eol" and value != b"crlf"):
            continue
        said = name.decode("ascii", "replace")
        converted.setdefault(
            os.fsdecode(file), said if value == b"set" else f"{said}={value.decode('utf-8', 'replace')}"
        )
    for path in _rewritten(root, pathspec):
        converted.setdefault(path, "checked out with CRLF line ends, not as committed, by core.autocrlf or core.eol")
    return sorted(converted.items())


def _attributes(root: Path, listed: bytes) -> Iterator[tuple[bytes, bytes, bytes]]:
    """``git check-attr``'s (path, attribute, value) of :data:`_CONVERSIONS` for each path of ``listed``, read as
    Git writes them: six answers a file, a million files' whole answer held at once was most of a full check's
    peak memory."""
    chunks = git_stream(root, "check-attr", "-z", "--stdin", *_CONVERSIONS, stdin=listed)
    rest = b""
    for chunk in chunks or ():
        *fields, rest = (rest + chunk).split(b"\0")
        whole = len(fields) - len(fields) % 3
        yield from zip(fields[0:whole:3], fields[1:whole:3], fields[2:whole:3], strict=True)
        rest = b"\0".join([*fields[whole:], rest])


#: ``git ls-files --debug``'s account of an entry's stat data, before the next entry: the size Git recorded of the
#: file it wrote (or last found clean).
_DEBUG = re.compile(rb"  ctime: [^\n]*\n  mtime: [^\n]*\n  dev: [^\n]*\n  uid: [^\n]*\n  size: (\d+)\tflags: \w+\n")


def _rewritten(root: Path, pathspec: list[str]) -> Iterator[str]:
    """Every regular file Git holds under ``pathspec`` that Git wrote other than the blob the index holds (stage 0;
    a file not in the work tree is ``layout.not-checked-out``'s). First by size, which ``git cat-file`` tells
    without reading a blob and ``lstat`` without reading a file (a line-end conversion adds a CR for each LF): a
    file whose size is not its blob's, and is the size Git recorded in the index when it wrote it (another is an
    edit made since, which the commit will hold: no conversion), is hashed as Git hashes a blob, with no filter,
    and compared with it. Git's diff cannot tell the two apart: it converts back by the check's settings, not the
    checkout's, and re-reads a file only when its stat data is in doubt."""
    chunks = git_stream(root, "ls-files", "-s", "-z", "--debug", "--", *pathspec)
    if chunks is None:
        return
    batch: list[tuple[bytes, bytes, int]] = []
    rest, entry = b"", b""
    for chunk in chunks:
        *items, rest = (rest + chunk).split(b"\0")
        for item in items:
            # Each item: the previous entry's stat data, then "<mode> <id> <stage>\t<name>" (a name may hold "\n").
            stats = _DEBUG.match(item)
            if stats is not None:
                batch.extend(_entry(entry, int(stats.group(1))))
                item = item[stats.end() :]
            entry = item
            if len(batch) >= _SIZE_BATCH:
                yield from _resized(root, batch)
                batch = []
    stats = _DEBUG.match(rest)
    if stats is not None:
        batch.extend(_entry(entry, int(stats.group(1))))
    yield from _resized(root, batch)


def _entry(entry: bytes, recorded: int) -> list[tuple[bytes, bytes, int]]:
    meta, _, name = entry.partition(b"\t")  # "<mode> <id> <stage>"
    mode, blob, stage = [*meta.split(b" "), b"", b"", b""][:3]
    return [(name, blob, recorded)] if name and stage == b"0" and mode in (b"100644", b"100755") else []


def _resized(root: Path, batch: list[tuple[bytes, bytes, int]]) -> Iterator[str]:
    if not batch:
        return
    sizes = git_output(
        root, "cat-file", "--batch-check=%(objectsize)", stdin=b"".join(blob + b"\n" for _, blob, _ in batch)
    )
    top = os.fsencode(root) + b"/"  # bytes, not Path: pathlib's parsing was most of the time at 50k files
    for (name, blob, recorded), size in zip(batch, (sizes or b"").split(b"\n"), strict=False):
        file = top + name
        try:
            info = os.lstat(file)
            if not stat.S_ISREG(info.st_mode):  # a link or a folder: the walk's to refuse
                continue
            if (size.isdigit() and int(size) == info.st_size) or info.st_size % (
                1 << 32
            ) != recorded:  # (the index keeps 32 bits)
                continue
            data = Path(os.fsdecode(file)).read_bytes()  # only a file whose size is not its blob's
        except OSError:
            continue
        digest = hashlib.new("sha1" if len(blob) == 40 else "sha256", b"blob %d\0" % len(data))
        digest.update(data)
        if digest.hexdigest().encode() != blob:
            yield os.fsdecode(name)


#: Why a file of the registry Git converts on checkout is refused, whoever says to convert it.
_CONVERTED_WHY = (
    "the site would publish other bytes than the commit holds, which the public log records and the signatures "
    "cover; files of registry/ and keys/ are checked out and archived as committed (no eol=crlf, "
    "working-tree-encoding, ident, filter, export-subst or export-ignore in any .gitattributes, no "
    "core.autocrlf=true or core.eol=crlf: set them false or lf, or mark the registry -text, and check it out again)"
)


def conversion_message(converted: list[tuple[str, str]]) -> str:
    """Why the files ``converted`` (:func:`converted_on_checkout`, not empty) are refused, said of the
    ``.gitattributes`` that converts them."""
    (first, rule), count = converted[0], len(converted)
    return (
        f"makes Git convert {count} file{'s' if count != 1 else ''} of the registry when checking it out ({first}: "
        f"{rule}): {_CONVERTED_WHY}"
    )


def _converted_problems(root: Path, paths: Iterable[str] | None = None) -> Iterator[Problem]:
    """One problem, at the first such file, when :func:`converted_on_checkout` finds any."""
    converted = converted_on_checkout(root, paths)
    if converted:
        (first, rule), others = converted[0], len(converted) - 1
        more = f"; so are {others} other file{'s' if others != 1 else ''} of the registry" if others else ""
        yield Problem(
            Location(first),
            f"is converted by Git when checked out ({first}: {rule}){more}: {_CONVERTED_WHY}",
            code="layout.converted",
        )


_LINK = (
    "layout.symlink",
    "is a symbolic link: links are never followed (one could point outside the repository); put the file itself here",
)


def _windows_length(prefix: str, rel: str) -> int:
    """How long Windows counts the repository path of ``rel`` (``prefix``: the registry's folder in its Git
    repository, :func:`_git_prefix`), a character outside the Basic Multilingual Plane counting two."""
    return len(f"{prefix}{rel}".encode("utf-16-le")) // 2


def _git_prefix(root: Path) -> str:
    """``root``'s folder inside its Git work tree (``sub/dir/``; empty at the top or outside Git): a checkout holds
    the registry there, so its paths are that much longer on Windows."""
    done = git_output(root, "rev-parse", "--show-prefix")
    return "" if done is None else os.fsdecode(done.rstrip(b"\n"))


def _too_long(rel: str, length: int, prefix: str) -> Problem:
    within = f", {prefix} in the repository included" if prefix else ""
    return Problem(
        Location(rel),
        f"the path is {length} characters long (as Windows counts them{within}), more than {MAX_PATH_LENGTH}: Git for "
        "Windows cannot create a file whose whole path, the checkout's folder included, passes 259, so a "
        "checkout there would lack it; shorten the name",
        code="layout.path-too-long",
    )


def _inner_place(place: Place, rel: str, name: str) -> Place | None:
    """The place of the folder ``rel`` (named ``name``) inside ``place``, ``None`` when ``place`` may not hold it."""
    if place.folders is None or not place.folders.match(name):
        return None
    # Folders of awards hold more of the same: their place is the parent's (no lookup per folder).
    return place if place.folder.match(rel) else place_of(rel)


def _file_problem(root: Path, rel: str, name: str, place: Place, *, regular: bool, prefix: str) -> Problem | None:
    """Why a visible, non-link, non-folder entry may not be at ``rel`` in ``place`` (``None`` when it may)."""
    if not regular:
        return Problem(Location(rel), "is not a regular file", code="layout.not-a-file")
    if not place.holds_file(name):
        return Problem(Location(rel), place.holds, code="layout.unexpected")
    unportable = name_problem(name)
    if unportable is not None:
        return Problem(Location(rel), unportable[1], code=unportable[0])
    length = _windows_length(prefix, rel)
    if length > MAX_PATH_LENGTH:
        return _too_long(rel, length, prefix)
    if place.images and image_extension(name) is not None:
        from generator._internal.images import image_problem  # Pillow: only when there are images to check

        problem = image_problem(root, rel)
        if problem is not None:
            return Problem(Location(rel), problem, code="asset.image")
    return None


def _walk(root: Path, folder: str, place: Place, prefix: str) -> Iterator[Problem]:
    """Every problem of the entries under ``folder`` (whose own place is ``place``), depth first."""
    try:
        entries = sorted(os.scandir(f"{root}/{folder}"), key=lambda e: e.name)
    except OSError as exc:
        yield Problem(Location(folder), f"cannot read folder: {exc.strerror}", code="file.unreadable")
        return
    yield from _twins(folder, (e.name for e in entries if not e.name.startswith(".")))
    for entry in entries:
        rel = f"{folder}/{entry.name}"
        refusal = _hidden(entry.name) or (_LINK if entry.is_symlink() else None)
        if refusal is not None:
            yield Problem(Location(rel), refusal[1], code=refusal[0])
        elif entry.is_dir(follow_symlinks=False):
            inner = _inner_place(place, rel, entry.name)
            unportable = name_problem(entry.name) if inner is not None else None
            if inner is None:
                yield Problem(Location(rel), place.holds, code="layout.unexpected")
            elif unportable is not None:
                yield Problem(Location(rel), unportable[1], code=unportable[0])
            else:
                yield from _walk(root, rel, inner, prefix)
        else:
            regular = entry.is_file(follow_symlinks=False)
            problem = _file_problem(root, rel, entry.name, place, regular=regular, prefix=prefix)
            if problem is not None:
                yield problem


def _top_place(root: Path, tree: str) -> Place | Problem | None:
    """The place of a checked tree's top folder, a problem when it is a link, ``None`` when it is missing (the
    load stage's to report) or not a folder."""
    try:
        mode = os.lstat(root / tree).st_mode
    except OSError:
        return None
    if stat.S_ISLNK(mode):
        return Problem(Location(tree), "is a symbolic link: links are never followed", code="layout.symlink")
    return place_of(tree) if stat.S_ISDIR(mode) else None


def layout_problems(root: Path, paths: Iterable[str] | None = None) -> Iterator[Problem]:
    """Every entry of ``registry/`` and ``keys/`` that :data:`PLACES` does not allow, every symbolic link, hidden
    or special file, and every image that is not what its name says. Nothing is followed or read through a link.

    ``paths`` (repository-relative; a trailing ``/`` is Git's mark of an untracked nested repository) limits
    the check to those paths, as the pull-request check passes the paths its change adds or modifies: each
    path is judged component by component, from its tree's top, by the same rules as the walk (a link or a
    hidden, unknown or special entry anywhere on it is refused), and a path that is a folder is walked whole.
    What a change does not touch is the base's, which passed the full check every build runs.

    Every other path Git tracks (``paths``: every other path given) is held to the same name rules by
    :func:`repository_name_problems`.
    """
    if paths is not None:
        paths = list(paths)
        prefix = _git_prefix(root)
        yield from _paths_problems(root, paths, prefix)
        yield from _converted_problems(root, paths)
        yield from repository_name_problems(root, paths, prefix=prefix)
        return
    try:
        with os.scandir(root) as entries:
            tops = sorted(e.name for e in entries)
    except OSError:
        tops = []
    for name in tops:
        yield from _tree_twin(name)
    prefix = _git_prefix(root)
    for tree in CHECKED_TREES:
        top = _top_place(root, tree)
        if isinstance(top, Problem):
            yield top
        elif top is not None:
            yield from _walk(root, tree, top, prefix)
    yield from _executable_files(root)  # (a pull request's: governance.filetypes, from its diff's modes)
    yield from _converted_problems(root)
    yield from repository_name_problems(root, prefix=prefix)


_TREE_KEYS = {twin_key(tree): tree for tree in CHECKED_TREES}


def _tree_twin(name: str) -> Iterator[Problem]:
    """A problem when the top-level ``name`` is not a checked tree but is one on macOS or Windows: ``Registry/`` is
    outside the registry to the check and the build on Linux, and ``registry/`` itself in a checkout there."""
    tree = _TREE_KEYS.get(twin_key(name))
    if tree is not None and name != tree:
        yield Problem(
            Location(name),
            f"is the same folder as {tree}/ on macOS and Windows (the names differ only in case or Unicode "
            f"normalisation): the check reads only {tree}/, a checkout there would merge this into it; remove it",
            code="layout.twin",
        )


def repository_name_problems(
    root: Path, paths: Iterable[str] | None = None, *, prefix: str | None = None
) -> Iterator[Problem]:
    """The name rules of ``registry/`` and ``keys/`` (:func:`name_problem`, twins, :data:`MAX_PATH_LENGTH`) for
    every other path of the repository at ``root``: the site's sources (``docs/``, ``schemas/``, ``mkdocs.yml``),
    the workflows and the toolkit are checked out on a Mac or Windows too (a reviewer's, a maintainer's build),
    where ``docs/Privacy.md`` beside ``docs/privacy.md`` (or ``makefile`` beside ``Makefile``, which ``make`` on
    Linux prefers) is one file, and a name such as ``.g\u200cit`` (``.git`` to HFS+) or ``notes.`` is refused.

    ``paths``: judge only these (a pull request's, untracked ones too), each folder on the way, against every
    name beside it; ``None``: every tracked path. Only what Git tracks is judged (``git ls-files``, a few thousand
    names: ``registry/`` and ``keys/``, which :func:`layout_problems` walks, are left out), nothing outside Git."""
    tracked = _tracked_outside(root)
    if prefix is None:  # ``root``'s folder in its repository (:func:`_git_prefix`), when the caller has not asked Git
        prefix = _git_prefix(root)
    judged = tracked if paths is None else [p.rstrip("/") for p in paths]
    # Not the checked trees (the walk's), nor a path beside a registry kept in a subfolder (``../README.md``).
    judged = [p for p in judged if p and _TREE_KEYS.get(twin_key(p.split("/", 1)[0])) is None and p[:3] != "../"]
    beside: dict[str, dict[str, set[str]]] = {}
    """Each folder's names by :func:`twin_key`: the tracked paths' and the judged ones'."""
    for path in {*tracked, *judged}:
        parts = path.split("/")
        for depth in range(len(parts)):
            folder = "/".join(parts[:depth])
            beside.setdefault(folder, {}).setdefault(twin_key(parts[depth]), set()).add(parts[depth])
    done: set[str] = set()
    for path in sorted(judged):
        parts = path.split("/")
        for depth in range(1, len(parts) + 1):
            rel = "/".join(parts[:depth])
            if rel in done:
                continue
            done.add(rel)
            folder, name = "/".join(parts[: depth - 1]), parts[depth - 1]
            unportable = name_problem(name)
            if unportable is not None:
                yield Problem(Location(rel), unportable[1], code=unportable[0])
                break
            twins = sorted(beside[folder][twin_key(name)])
            # The full check names each twin but the first in order (which the others are named against).
            if len(twins) > 1 and (paths is not None or name != twins[0]):
                twin = next(other for other in twins if other != name)
                yield _twin_problem(rel, f"{folder}/{twin}" if folder else twin)
                break
        else:
            length = _windows_length(prefix, path)
            if length > MAX_PATH_LENGTH:
                yield _too_long(path, length, prefix)


def _tracked_outside(root: Path) -> list[str]:
    """Every path Git tracks under ``root`` but in ``registry/`` and ``keys/``, relative to ``root``; none
    outside a Git work tree (nothing is checked out elsewhere)."""
    excluded = [f":(exclude){tree}" for tree in CHECKED_TREES]
    listed = git_output(root, "ls-files", "-z", "--cached", "--", ".", *excluded)
    if listed is None:
        return []
    return sorted({os.fsdecode(name) for name in listed.split(b"\0") if name})


def _paths_problems(root: Path, paths: Iterable[str], prefix: str) -> Iterator[Problem]:
    reported: set[tuple[str, str | None]] = set()
    for problem in _along_paths(root, paths, prefix):
        if (problem.location.path, problem.code) not in reported:  # a folder walked whole, and a path in it
            reported.add((problem.location.path, problem.code))
            yield problem


def _along_paths(root: Path, paths: Iterable[str], prefix: str) -> Iterator[Problem]:
    keys: dict[str, dict[str, list[str]]] = {}
    """The names of each folder a path is judged in, by :func:`twin_key`: listed once however many paths."""
    seen: dict[str, Place | None] = {}
    """Entries judged already: a folder's place; ``None`` for a file or a refused entry (reported once)."""
    walked: set[str] = set()
    for path in sorted({p.rstrip("/") for p in paths}):
        parts = path.split("/")
        yield from _tree_twin(parts[0])
        if parts[0] not in CHECKED_TREES or "" in parts:
            continue
        if parts[0] not in seen:
            top = _top_place(root, parts[0])
            seen[parts[0]] = top if isinstance(top, Place) else None
            if isinstance(top, Problem):
                yield top
        place = seen[parts[0]]
        for depth in range(2, len(parts) + 1):
            if place is None:
                break
            rel = "/".join(parts[:depth])
            last = depth == len(parts)
            if rel in seen:
                place = seen[rel]
                if last and place is not None and rel not in walked:  # the change brings this folder itself
                    walked.add(rel)
                    yield from _walk(root, rel, place, prefix)
                continue
            name = parts[depth - 1]
            try:
                mode: int | None = os.lstat(f"{root}/{rel}").st_mode
            except OSError:
                mode = None  # gone since Git looked (or under a file): nothing here to judge
            refusal = _hidden(name) or (_LINK if mode is not None and stat.S_ISLNK(mode) else None)
            if refusal is not None:
                yield Problem(Location(rel), refusal[1], code=refusal[0])
                seen[rel] = None
                break
            if mode is None:
                break
            parent = "/".join(parts[: depth - 1])
            twin = _twin_of(root, parent, name, keys)
            if twin is not None:
                yield _twin_problem(rel, f"{parent}/{twin}")
            if stat.S_ISDIR(mode):
                inner = _inner_place(place, rel, name)
                unportable = name_problem(name) if inner is not None else None
                seen[rel] = inner if unportable is None else None
                if inner is None:
                    yield Problem(Location(rel), place.holds, code="layout.unexpected")
                elif unportable is not None:
                    yield Problem(Location(rel), unportable[1], code=unportable[0])
                elif last:  # the change brings a whole folder (a nested repository, say)
                    walked.add(rel)
                    yield from _walk(root, rel, inner, prefix)
            else:
                seen[rel] = None  # nothing lies under a file
                problem = _file_problem(root, rel, name, place, regular=stat.S_ISREG(mode), prefix=prefix)
                if problem is not None:
                    yield problem
            place = seen[rel]


def _twin_of(root: Path, folder: str, name: str, keys: dict[str, dict[str, list[str]]]) -> str | None:
    """The first other visible name in ``folder`` that is one file with ``name`` where case and normalisation
    fold (:func:`twin_key`): the base's file, or another the change brings. ``keys`` caches each folder's names."""
    names = keys.get(folder)
    if names is None:
        names = keys[folder] = {}
        try:
            with os.scandir(f"{root}/{folder}") as entries:
                for entry in entries:
                    if not entry.name.startswith("."):
                        names.setdefault(twin_key(entry.name), []).append(entry.name)
        except OSError:
            pass
    return next((other for other in sorted(names.get(twin_key(name), ())) if other != name), None)


def classify(path: str) -> PathRole:
    """The role of a repository-relative POSIX path."""
    for pattern, kind in _RULES:
        m = pattern.match(path)
        if m:
            groups = m.groupdict()
            return PathRole(kind, groups.get("issuer"), groups.get("name"))
    return PathRole(PathKind.REGISTRY_LEVEL)


def relpath(root: Path, path: Path) -> str:
    """Repository-relative POSIX path for messages."""
    if ".." not in path.parts and path.is_relative_to(root):  # built from root, as nearly all are: no syscalls
        return PurePosixPath(path.relative_to(root)).as_posix()
    try:
        return PurePosixPath(path.resolve().relative_to(root.resolve())).as_posix()
    except (ValueError, RuntimeError, OSError):  # not under root; or links that loop: named as given
        return path.as_posix()


def issuer_dir(root: Path, issuer: str) -> Path:
    return root / ISSUERS_DIR / issuer


def endorser_dir(root: Path, endorser: str) -> Path:
    return root / ENDORSERS_DIR / endorser


def owner_dir(root: Path, owner: str) -> Path:
    """The folder of an issuer or, when no issuer has this id, of an endorser."""
    issuer = issuer_dir(root, owner)
    return issuer if issuer.is_dir() or not endorser_dir(root, owner).is_dir() else endorser_dir(root, owner)


def endorsements_dir(root: Path, owner: str) -> Path:
    return owner_dir(root, owner) / "endorsements"


def credential_path(root: Path, issuer: str, slug: str) -> Path:
    return issuer_dir(root, issuer) / "credentials" / f"{slug}.yaml"


def key_path(root: Path, issuer: str, key_id: str) -> Path:
    return root / KEYS_DIR / issuer / f"{key_id}.json"


def awards_dir(root: Path, issuer: str) -> Path:
    return issuer_dir(root, issuer) / "awards"


def revocations_path(root: Path, issuer: str) -> Path:
    return issuer_dir(root, issuer) / "revocations.jsonl"


def status_list_path(root: Path, issuer: str, number: int) -> Path:
    return issuer_dir(root, issuer) / "status" / f"{number}.json"


def find_root(start: Path | None = None) -> Path:
    """The registry repository containing ``start`` (default: the current directory).

    A registry root is the top of a Git work tree that holds ``registry/governance.yaml``; outside Git, the
    nearest ancestor holding it.
    """
    here = resolved(start or Path.cwd())
    try:
        # Git's environment as every listing's (git_env): a GIT_DIR/GIT_WORK_TREE exported for another repository
        # named its top, and every command run here acted on that registry. (A Git that fails here is no verdict:
        # the folders are searched, and the check's listings then say what Git said.)
        top = subprocess.run(
            git_argv("rev-parse", "--show-toplevel"),
            cwd=here,
            env=git_env(),
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        if top and (Path(top) / GOVERNANCE_PATH).is_file():
            return Path(top)
    except (OSError, subprocess.CalledProcessError):
        pass
    for candidate in (here, *here.parents):
        if (candidate / GOVERNANCE_PATH).is_file():
            return candidate
    raise UsageError(
        f"no registry found at or above {here}",
        [f"a registry root holds {GOVERNANCE_PATH}; pass --root DIR to choose one"],
    )


def checkout_holding(path: Path, root: Path | None = None, published: Iterable[Path] = ()) -> Path | None:
    """The registry checkout that ``path`` lies in, or would once made (``None``: none): where a private key, or
    an earner's file, would be one ``git add`` away from being published.

    A checkout is ``root``, any work tree of ``root``'s Git repository (another worktree; a ``gh-pages`` one is
    a published folder) and any folder holding ``registry/governance.yaml`` (another clone, a submodule).
    Folders are compared by device and inode, not by name: a symbolic link, ``..``, a bind mount or another
    spelling of the name on a case-insensitive file system does not hide one. ``published``: more folders that
    count as checkouts (the log's state, pushed as the repository's ``log`` branch).
    """
    tops: dict[tuple[int, int], Path] = {}
    for top in (*((root, *_work_trees(root)) if root is not None else ()), *published):
        identity = _identity(top)
        if identity is not None:
            tops.setdefault(identity, top)
    target = resolved(path.expanduser())
    for folder in (target, *target.parents):
        identity = _identity(folder)
        if identity is None:
            continue  # not made yet
        if identity in tops:
            return tops[identity]
        if (folder / GOVERNANCE_PATH).is_file():
            return folder
    return None


@dataclass(frozen=True, slots=True)
class Holder:
    """The folder under which a file would be one ``git add`` from being committed (:func:`secret_holder`)."""

    top: Path
    registry: bool
    """The registry's own checkout (or a clone, another work tree of it, a published folder), else any other Git
    work tree (a dotfiles repository holding ``~/.config``, a project's clone)."""

    @property
    def inside(self) -> str:
        """Where it is, for a refusal ("refusing to write … inside …: PATH (DETAIL)")."""
        return "inside the registry repository" if self.registry else "inside a Git work tree"

    @property
    def detail(self) -> str:
        if self.registry:
            return f"in the checkout {self.top}"
        return f"in {self.top}, where one `git add` commits it, even an ignored file with -f"


def secret_holder(path: Path, root: Path | None = None, published: Iterable[Path] = ()) -> Holder | None:
    """Where a secret written at ``path`` (a private key, recipients' addresses and keys) would be one ``git add``
    from being committed (``None``: nowhere), the one rule of every command that writes one: the registry's
    checkouts (:func:`checkout_holding`, with ``root`` and ``published``), and any other Git work tree.

    A Git work tree is a folder holding ``.git`` (a folder; or a file, as in another worktree or a submodule), at
    or above the deepest existing folder of ``path`` once links and ``..`` are resolved (so no spelling of the
    path hides one), and the work tree the environment names (``GIT_WORK_TREE``, or ``GIT_DIR``'s, which Git
    commits from wherever it is run), compared by device and inode. A bare repository whose work tree only its
    own configuration names (``git --git-dir=~/.dotfiles --work-tree=~``) is not found: nothing in the folder
    says so."""
    checkout = checkout_holding(path, root, published)
    if checkout is not None:
        return Holder(checkout, registry=True)
    target = resolved(path.expanduser())
    named = {identity: top for top in environment_work_trees() if (identity := _identity(top)) is not None}
    for folder in (target, *target.parents):
        identity = _identity(folder)
        if identity is None:
            continue  # not made yet
        if identity in named:
            return Holder(named[identity], registry=False)
        if os.path.lexists(folder / ".git"):
            return Holder(folder, registry=False)
    return None


def _work_trees(root: Path) -> list[Path]:
    """Every work tree of the Git repository at ``root`` (none outside Git). Git is asked about ``root`` itself:
    ``GIT_DIR``/``GIT_WORK_TREE`` from the environment would make it answer about another repository."""
    listed = git_output(root, "worktree", "list", "--porcelain", "-z")
    if listed is None:
        return []
    return [Path(os.fsdecode(field[9:])) for field in listed.split(b"\0") if field.startswith(b"worktree ")]
