"""The pull request under check: its changes, its author, and what the base commit says about both.

Who may change what is read from the *base* commit, never from the change itself: an author cannot make
themselves a maintainer, relax the review rules or lengthen the backdating window in the same pull request.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from generator import layout
from generator._internal.files import read_inside
from generator._internal.jobs import Background
from generator._internal.source import MAX_FILE_BYTES, Document, SourceError, decode_utf8, parse_yaml
from generator.governance.existing import Holders
from generator.governance.git import Change, ChangeStatus, GitBase
from generator.layout import PathKind
from generator.models import ReviewRules
from generator.registry import Registry

__all__ = ["Maintainers", "PullRequest", "normalize_handle"]


def normalize_handle(handle: str) -> str:
    """GitHub handles compare case-insensitively and may be written with a leading ``@``."""
    return handle.strip().removeprefix("@").casefold()


@dataclass(frozen=True, slots=True)
class Maintainers:
    """A list of maintainers as written: users (``octocat``) and teams (``org/team``)."""

    handles: tuple[str, ...] = ()

    @classmethod
    def of(cls, value: Any) -> Maintainers:
        """From a parsed ``maintainers`` list, keeping only well-formed entries (the base may be malformed)."""
        if not isinstance(value, list):
            return cls()
        return cls(tuple(h.strip().removeprefix("@") for h in value if isinstance(h, str) and h.strip()))

    @property
    def users(self) -> set[str]:
        return {normalize_handle(h) for h in self.handles if "/" not in h}

    @property
    def teams(self) -> list[str]:
        """Team entries: GitHub knows their members, this check does not."""
        return [h for h in self.handles if "/" in h]

    def includes(self, actor: str) -> bool:
        return normalize_handle(actor) in self.users

    def mention(self) -> str:
        return ", ".join(f"@{h}" for h in self.handles) or "nobody"


def _yaml_mapping(raw: bytes | None, path: str) -> dict[str, Any] | None:
    """A YAML file of the base commit read leniently: ``None`` when it is missing or not a mapping."""
    if raw is None:
        return None
    try:
        data = parse_yaml(decode_utf8(raw, path), path).data
    except SourceError:
        return None
    return data if isinstance(data, dict) else None


@dataclass(frozen=True, slots=True)
class BaseIssuer:
    """An issuer as the base commit has it."""

    id: str
    maintainers: Maintainers
    did: str | None


@dataclass
class PullRequest:
    """Everything the governance rules look at. Rules read from it and append problems; none mutates it except
    to record what the pull request needs (``needs``) and remarks for the summary (``notes``)."""

    root: Path
    base: GitBase
    changes: list[Change]
    modes: dict[str, str]
    """Git modes of the changed paths (:attr:`generator.governance.git.WorkingTreeChange.modes`)."""
    actor: str
    """GitHub handle of the author, without ``@`` (pull-request mode always has one, but for a merge queue's
    group: "")."""
    now: dt.datetime
    registry: Registry | None
    """The working tree's registry (``None`` when its governance file does not load)."""

    needs: list[str] = field(default_factory=list)
    """Approvals the pull request needs beyond passing the check, for the summary."""

    notes: list[str] = field(default_factory=list)

    id_prefetch: Background[Holders] | None = field(default=None, repr=False)
    """The holders of the change's new ids and recipient hashes, looked up while the registry loaded
    (``credreg check`` starts it: :func:`generator.governance.existing.prefetch_holders`)."""

    form_files: frozenset[str] = frozenset()
    """Paths the pull-request workflow made again from the issue a ``github-actions[bot]`` pull request's branch
    names, equal to the pull request's: the only files taken as an issue form's (``credreg check --form-file``)."""

    _base_issuers: dict[str, BaseIssuer | None] = field(default_factory=dict, repr=False)

    @functools.cached_property
    def known_holders(self) -> Holders | None:
        """What :attr:`id_prefetch` found (``None`` without one, or when it failed: the ids are then looked up
        in this process, so a failed prefetch costs time, never a missed duplicate)."""
        if self.id_prefetch is None:
            return None
        try:
            return self.id_prefetch.result()
        except Exception:
            return None

    # --- the base commit's governance -------------------------------------------------------------------

    @functools.cached_property
    def base_governance(self) -> dict[str, Any] | None:
        """``registry/governance.yaml`` at the base, read leniently (``None`` when missing or unreadable)."""
        return _yaml_mapping(self.base.read(layout.GOVERNANCE_PATH), layout.GOVERNANCE_PATH)

    @property
    def registry_maintainers(self) -> Maintainers:
        """Registry maintainers at the base (none when the base has no readable governance file)."""
        data = self.base_governance
        return Maintainers.of(data.get("maintainers")) if data else Maintainers()

    @property
    def rules(self) -> ReviewRules:
        """Review rules at the base; the defaults when the base states none (or states them wrongly)."""
        data = self.base_governance
        try:
            return ReviewRules.model_validate((data or {}).get("review") or {})
        except ValidationError:
            return ReviewRules()

    @property
    def base_site_url(self) -> str | None:
        data = self.base_governance
        value = data.get("site_url") if data else None
        return value if isinstance(value, str) else None

    def base_issuer(self, issuer: str) -> BaseIssuer | None:
        """The issuer at the base, or ``None`` when it is new in this pull request."""
        if issuer not in self._base_issuers:
            path = f"{layout.ISSUERS_DIR}/{issuer}/issuer.yaml"
            raw = self.base.read(path)
            if raw is None:  # an endorser owns its folder and keys as an issuer does
                path = f"{layout.ENDORSERS_DIR}/{issuer}/endorser.yaml"
                raw = self.base.read(path)
            if raw is None:
                self._base_issuers[issuer] = None
            else:
                data = _yaml_mapping(raw, path) or {}
                did = data.get("did")
                self._base_issuers[issuer] = BaseIssuer(
                    issuer, Maintainers.of(data.get("maintainers")), did if isinstance(did, str) else None
                )
        return self._base_issuers[issuer]

    def base_yaml(self, path: str) -> dict[str, Any]:
        """The YAML mapping at ``path`` in the base commit, read leniently: empty when it is missing, unreadable
        or not a mapping (the base passed the check when it was merged; what it says is compared, not judged)."""
        return _yaml_mapping(self.base.read(path), path) or {}

    def head_yaml(self, path: str) -> Document | None:
        """The YAML file at ``path`` as the pull request has it, with positions for problems (``None`` when it
        cannot be read or parsed: the file's own check says why). Read inside the checkout, never through a
        link, within the size bound."""
        try:
            return parse_yaml(decode_utf8(read_inside(self.root, path, limit=MAX_FILE_BYTES), path), path)
        except (OSError, SourceError):
            return None

    def has_signed_history(self, issuer: str) -> bool:
        """Whether the issuer had keys or awards at the base: then its identity is part of signed data."""
        return self.base.has(f"{layout.KEYS_DIR}/{issuer}") or self.base.has(f"{layout.ISSUERS_DIR}/{issuer}/awards")

    # --- the actor ----------------------------------------------------------------------------------------

    @property
    def actor_is_registry_maintainer(self) -> bool:
        return self.registry_maintainers.includes(self.actor)

    # --- the changes --------------------------------------------------------------------------------------

    def changed(self, *kinds: PathKind, statuses: Iterable[ChangeStatus] | None = None) -> Iterator[Change]:
        """Changes whose path (now, or at the base for a deletion) is of one of ``kinds``."""
        wanted = set(statuses) if statuses is not None else set(ChangeStatus)
        for change in self.changes:
            if change.status in wanted and change.role.kind in kinds:
                yield change

    def added_paths(self) -> set[str]:
        return {c.path for c in self.changes if c.status in (ChangeStatus.ADDED, ChangeStatus.RENAMED)}

    def need(self, text: str) -> None:
        if text not in self.needs:
            self.needs.append(text)
