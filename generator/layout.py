"""Where things live in a registry repository. Every stage classifies paths with these functions only."""

from __future__ import annotations

import enum
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from generator.errors import UsageError

__all__ = [
    "GOVERNANCE_PATH",
    "PathKind",
    "PathRole",
    "classify",
    "find_root",
]

GOVERNANCE_PATH = "registry/governance.yaml"
ISSUERS_DIR = "registry/issuers"
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
    (re.compile(rf"^registry/issuers/(?P<issuer>{_SEG})/issuer\.yaml$"), PathKind.ISSUER),
    (re.compile(rf"^registry/issuers/(?P<issuer>{_SEG})/credentials/(?P<name>{_SEG})\.yaml$"), PathKind.CREDENTIAL),
    (
        re.compile(rf"^registry/issuers/(?P<issuer>{_SEG})/awards/(?:{_SEG}/)*(?P<name>{_SEG})\.jsonl$"),
        PathKind.AWARD_BATCH,
    ),
    (re.compile(rf"^registry/issuers/(?P<issuer>{_SEG})/awards/(?:{_SEG}/)*(?P<name>{_SEG})\.json$"), PathKind.AWARD),
    (re.compile(rf"^registry/issuers/(?P<issuer>{_SEG})/revocations\.jsonl$"), PathKind.REVOCATIONS),
    (re.compile(rf"^registry/issuers/(?P<issuer>{_SEG})/status/(?P<name>[0-9]+)\.json$"), PathKind.STATUS_LIST),
    (
        re.compile(rf"^registry/issuers/(?P<issuer>{_SEG})/(?:images/{_SEG}|logo)\.(?:png|svg|jpg|jpeg|webp)$"),
        PathKind.ISSUER_ASSET,
    ),
    (re.compile(rf"^registry/issuers/(?P<issuer>{_SEG})/images/(?P<name>{_SEG})$"), PathKind.ISSUER_ASSET),
    (re.compile(rf"^registry/issuers/(?P<issuer>{_SEG})/.+$"), PathKind.ISSUER_OTHER),
    (re.compile(rf"^keys/(?P<issuer>{_SEG})/(?P<name>{_SEG})\.json$"), PathKind.KEY),
    (re.compile(rf"^keys/(?P<issuer>{_SEG})/.+$"), PathKind.KEY_OTHER),
    (re.compile(r"^registry/governance\.yaml$"), PathKind.GOVERNANCE),
]

SLUG_RE = re.compile(rf"^{_SLUG}$")


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
    except ValueError:
        return path.as_posix()


def issuer_dir(root: Path, issuer: str) -> Path:
    return root / ISSUERS_DIR / issuer


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
    here = (start or Path.cwd()).resolve()
    try:
        top = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            cwd=here,
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
