"""Everything the pages need, derived once from the registry: each credential with its relations in both
directions, the skills index, and award statistics. Pages read from here and never reload anything."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from generator.models import CredentialDefinition, Framework, Issuer, Skill
from generator.openbadges import skill_anchor
from generator.publish.verifydata import AwardStats, PublishedAward
from generator.recognition import Recognition, collect_recognition
from generator.registry import IssuerRecord, Registry, resolve_ref
from generator.statements import Statements

__all__ = ["Entry", "SiteModel", "SkillGroup", "credential_path", "endorser_path", "issuer_path"]


def credential_path(ref: str) -> str:
    """Site path of a credential page, from ``issuer/slug``."""
    return f"credentials/{ref}/"


def issuer_path(issuer_id: str) -> str:
    return f"issuers/{issuer_id}/"


def endorser_path(endorser_id: str) -> str:
    """The page of a registered endorser (an issuer that endorses keeps its issuer page)."""
    return f"endorsers/{endorser_id}/"


@dataclass(slots=True)
class Entry:
    """One credential definition and what the registry says around it."""

    record: IssuerRecord
    definition: CredentialDefinition
    ref: str
    prerequisites: list[str] = field(default_factory=list)
    components: list[str] = field(default_factory=list)
    stacks_into: list[str] = field(default_factory=list)
    """Credentials that list this one as a stacking component."""
    required_by: list[str] = field(default_factory=list)
    """Credentials that list this one as a prerequisite."""
    skill_groups: list[str] = field(default_factory=list)
    """Keys into :attr:`SiteModel.skills`, one per skill, in the definition's order."""

    @property
    def issuer(self) -> Issuer:
        return self.record.issuer

    @property
    def path(self) -> str:
        return credential_path(self.ref)

    @property
    def supersedes(self) -> str | None:
        value = self.definition.supersedes
        return resolve_ref(value, self.record.id) if value else None

    @property
    def superseded_by(self) -> str | None:
        value = self.definition.superseded_by
        return resolve_ref(value, self.record.id) if value else None


@dataclass(slots=True)
class SkillGroup:
    """A skill as employers look it up: one framework item (framework + code), or one unaligned skill name.
    Credentials certifying it may word it differently; all their wordings are kept."""

    key: str
    anchor: str
    label: str
    framework: Framework | None = None
    code: str | None = None
    url: str | None = None
    names: list[str] = field(default_factory=list)
    extra_anchors: list[str] = field(default_factory=list)
    """Anchors of skill names that Achievements point at (``skills/#<anchor>``) besides the main one."""
    mentions: list[tuple[Entry, Skill]] = field(default_factory=list)
    credentials: dict[str, Entry] = field(default_factory=dict)
    """The credentials certifying it, by ref, in the order of their first mention (one credential may list
    the skill twice)."""


@dataclass(slots=True)
class SiteModel:
    registry: Registry
    stats: AwardStats
    revocations: dict[str, list[PublishedAward]]
    now: dt.datetime
    entries: dict[str, Entry] = field(default_factory=dict)
    skills: dict[str, SkillGroup] = field(default_factory=dict)
    recognition: Recognition = field(default_factory=Recognition)
    """Every endorsement, verified at build time (:mod:`generator.recognition` decides what it confirms)."""
    statements: Statements = field(default_factory=Statements)
    """The registry's signed "who defines what" statements this build publishes (maybe a demo, or none)."""

    @classmethod
    def build(
        cls,
        registry: Registry,
        stats: AwardStats,
        revocations: dict[str, list[PublishedAward]],
        now: dt.datetime,
    ) -> SiteModel:
        model = cls(registry, stats, revocations, now)
        model.recognition = collect_recognition(registry, now=now)
        for record, credential in registry.credentials():
            ref = f"{record.id}/{credential.model.id}"
            definition = credential.model
            entry = Entry(record, definition, ref)
            entry.prerequisites = [resolve_ref(r, record.id) for r in definition.prerequisites]
            if definition.stacking is not None:
                entry.components = [resolve_ref(r, record.id) for r in definition.stacking.components]
            model.entries[ref] = entry
        for entry in model.entries.values():
            for ref in entry.components:
                if ref in model.entries:
                    model.entries[ref].stacks_into.append(entry.ref)
            for ref in entry.prerequisites:
                if ref in model.entries:
                    model.entries[ref].required_by.append(entry.ref)
            for skill in entry.definition.skills:
                entry.skill_groups.append(model._add_skill(entry, skill))
        model._assign_anchors()
        return model

    def _add_skill(self, entry: Entry, skill: Skill) -> str:
        alignment = skill.alignment
        if alignment is not None:
            key = f"{alignment.framework.value}\x00{alignment.code}"
        else:
            key = f"\x00{skill_anchor(skill.name)}"
        group = self.skills.get(key)
        if group is None:
            if alignment is not None:
                group = SkillGroup(
                    key,
                    anchor="",
                    label=alignment.name or skill.name,
                    framework=alignment.framework,
                    code=alignment.code,
                    url=alignment.url,
                )
            else:
                group = SkillGroup(key, anchor="", label=skill.name)
            self.skills[key] = group
        elif group.url is None and alignment is not None and alignment.url:
            group.url = alignment.url
        if skill.name not in group.names:
            group.names.append(skill.name)
        group.mentions.append((entry, skill))
        group.credentials.setdefault(entry.ref, entry)
        return key

    def _assign_anchors(self) -> None:
        """Unique ids on the skills page. Unaligned skills use ``skill_anchor(name)``, as Achievements link
        them; aligned ones ``<framework>-<code>``, plus the name anchors Achievements use for them when their
        alignment has no URL."""
        taken: set[str] = set()
        ordered = sorted(self.skills.values(), key=lambda g: g.framework is not None)  # name anchors first
        for group in ordered:
            base = (
                skill_anchor(group.names[0])
                if group.framework is None
                else skill_anchor(f"{group.framework.value}-{group.code}")
            )
            anchor, n = base or "skill", 2
            while anchor in taken:
                anchor, n = f"{base}-{n}", n + 1
            group.anchor = anchor
            taken.add(anchor)
        for group in ordered:
            if group.framework is None:
                continue
            for _entry, skill in group.mentions:
                if not (skill.alignment and skill.alignment.url):
                    name_anchor = skill_anchor(skill.name)
                    if name_anchor and name_anchor not in taken:
                        group.extra_anchors.append(name_anchor)
                        taken.add(name_anchor)

    # -- lookups ---------------------------------------------------------------------------------------------

    def entry(self, ref: str) -> Entry | None:
        return self.entries.get(ref)

    def issuer_entries(self, issuer_id: str) -> list[Entry]:
        return sorted((e for e in self.entries.values() if e.record.id == issuer_id), key=lambda e: e.definition.name)

    def newest(self, count: int) -> list[Entry]:
        return sorted(self.entries.values(), key=lambda e: (e.definition.created, e.ref), reverse=True)[:count]

    def by_name(self) -> list[Entry]:
        return sorted(self.entries.values(), key=lambda e: (e.definition.name.casefold(), e.ref))

    def skill_groups_by_framework(self) -> dict[Framework | None, list[SkillGroup]]:
        grouped: dict[Framework | None, list[SkillGroup]] = defaultdict(list)
        for group in self.skills.values():
            grouped[group.framework].append(group)
        for groups in grouped.values():
            groups.sort(key=lambda g: g.label.casefold())
        return grouped
