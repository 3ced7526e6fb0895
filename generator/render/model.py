"""Everything the pages need, derived once from the registry: each credential with its relations in both
directions, the skills index, and award statistics. Pages read from here and never reload anything."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field

from generator.models import CredentialDefinition, Framework, Issuer, Skill
from generator.models.credential import ESCO_ID, framework_code
from generator.openbadges import skill_anchor
from generator.publish.verifydata import AwardStats, PublishedAward
from generator.recognition import Recognition, collect_recognition
from generator.registry import IssuerRecord, Registry, resolve_ref
from generator.statements import Statements

__all__ = [
    "Entry",
    "SiteModel",
    "SkillGroup",
    "credential_path",
    "display_label",
    "endorser_path",
    "framework_anchor",
    "framework_code",
    "framework_url",
    "issuer_path",
    "name_order",
    "skill_wording",
]


def credential_path(ref: str) -> str:
    """Site path of a credential page, from ``issuer/slug``."""
    return f"credentials/{ref}/"


def framework_anchor(framework: Framework | None) -> str:
    """The id of a framework's section of the skills page (the page's contents link to it)."""
    return "framework-" + ("none" if framework is None else framework.name.lower().replace("_", "-"))


#: Ids the skills page holds of its own, which no id made from a skill's name may take (the first element with an
#: id is where a link to it goes): its framework sections, and the theme's skip-link target and header search
#: field (``overrides/main.html``, ``partials/header.html``). Material's own ids hold ``_``, which
#: :func:`~generator.openbadges.skill_anchor` never makes.
PAGE_IDS = frozenset({framework_anchor(f) for f in (*Framework, None)} | {"cr-content", "cr-header-q"})


def name_order(name: str) -> str:
    """The key that lists names in the order they are read: case ignored, and spaces a page does not show (before
    a name, or two in a row) ignored too, so none of them moves a name to the top of a list."""
    return " ".join(name.split()).casefold()


def heading_id(anchor: str) -> str:
    """The id of the heading that labels the skill section ``anchor``."""
    return f"{anchor}-h"


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


#: Frameworks whose item pages the registry addresses itself, from the item's code: a group's link to the framework
#: is built here, never taken from an issuer. The code must have the framework's own form (an ESCO concept id,
#: an O*NET descriptor element id), so nothing else can be spliced into the address.
_FRAMEWORK_PAGES: dict[Framework, tuple[re.Pattern[str], str]] = {
    Framework.ESCO: (
        ESCO_ID,
        "http://data.europa.eu/esco/skill/{code}",
    ),
    Framework.ONET: (
        re.compile(r"[1-9](?:\.[0-9A-Za-z]{1,3}){1,6}"),
        "https://www.onetonline.org/find/descriptor/result/{code}",
    ),
}


#: The same for occupations: an ESCO occupation's concept id, an O*NET-SOC code (``15-1252.00``).
_OCCUPATION_PAGES: dict[Framework, tuple[re.Pattern[str], str]] = {
    Framework.ESCO: (
        ESCO_ID,
        "http://data.europa.eu/esco/occupation/{code}",
    ),
    Framework.ONET: (
        re.compile(r"[0-9]{2}-[0-9]{4}\.[0-9]{2}"),
        "https://www.onetonline.org/link/summary/{code}",
    ),
}


def framework_url(framework: Framework, code: str, *, occupation: bool = False) -> str | None:
    """The framework's own page for an item (a skill, or with ``occupation`` an occupation), addressed by the
    registry from the framework and code alone (None for frameworks it cannot address, or a code not in the
    framework's form). Every page and export that links an item links this before the issuer's alignment URL:
    an occupation "in O*NET" linked the issuer's URL, which may be any page."""
    known = (_OCCUPATION_PAGES if occupation else _FRAMEWORK_PAGES).get(framework)
    code = framework_code(framework, code, occupation=occupation)
    if known is None or not known[0].fullmatch(code):
        return None
    return known[1].format(code=code)


def display_label(label: str) -> str:
    """Framework labels are often lowercase (ESCO): capitalise the first letter for display."""
    return label[:1].upper() + label[1:]


def skill_wording(skill: Skill) -> str:
    """What the credential's issuer calls a skill's framework item: the framework's label as the issuer gives it,
    or else the issuer's own name for the skill."""
    return display_label((skill.alignment.name or skill.name) if skill.alignment else skill.name)


@dataclass(slots=True)
class SkillGroup:
    """A skill as employers look it up: one framework item (framework + code), or one unaligned skill name.

    Credentials of several issuers can share a group, each wording it its own way, so the group's own heading
    (:attr:`label`) and link (:attr:`url`) hold only what no single issuer chose for the others: the wording
    every mention agrees on, else the one more issuers give than any other (:meth:`_most_given`), else the
    framework and code (or, unaligned, the name as the registry normalises it); and the framework's page as the
    registry addresses it. Each credential's wording stays with that
    credential (:meth:`wordings`). Nothing here depends on the order issuers are read in."""

    key: str
    anchor: str
    label: str = ""
    agreed: bool = False
    """Whether :attr:`label` is the wording of every mention (else the most given one, or the registry's neutral
    heading)."""
    framework: Framework | None = None
    code: str | None = None
    url: str | None = None
    """The framework's page for the item, derived from framework and code (never an issuer's link)."""
    extra_anchors: list[str] = field(default_factory=list)
    """Anchors of skill names that Achievements point at (``skills/#<anchor>``) besides the main one."""
    mentions: list[tuple[Entry, Skill]] = field(default_factory=list)
    """Every credential's skill in the group, by credential ref, then in the definition's order."""
    credentials: dict[str, Entry] = field(default_factory=dict)
    """The credentials certifying it, by ref (one credential may list the skill twice)."""
    by_credential: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    """Each credential's wordings, by ref (see :meth:`wordings`)."""

    def wordings(self, ref: str) -> list[tuple[str, str]]:
        """(framework label as the issuer words it, the issuer's own skill name) for each of one credential's
        mentions, each once: the credential's issuer's words, to be shown only as theirs."""
        return self.by_credential.get(ref, [])

    def settle(self) -> None:
        """Put the mentions in a reading-order-free order and decide the heading."""
        self.mentions.sort(key=lambda m: m[0].ref)  # stable: a credential's mentions keep their order
        self.credentials = {ref: self.credentials[ref] for ref in sorted(self.credentials)}
        self.by_credential = {}
        for entry, skill in self.mentions:
            said = self.by_credential.setdefault(entry.ref, [])
            if (skill_wording(skill), skill.name) not in said:
                said.append((skill_wording(skill), skill.name))
        wordings = {skill_wording(s) for _e, s in self.mentions}
        if len(wordings) == 1:
            self.label, self.agreed = wordings.pop(), True
        elif self.framework is not None:
            self.label, self.agreed = self._most_given() or f"{self.framework.value} {self.code}", False
        else:
            self.label, self.agreed = display_label(self.key.strip("\x00").replace("-", " ")), False

    def _most_given(self) -> str | None:
        """The wording of a framework item whose issuers word it differently: the one more issuers give than any
        other (an issuer counts once however many credentials it words the item in, and a tie names none, so
        no issuer names the item for another's credentials by adding credentials or by its wording's place in
        the alphabet); when a single issuer words it differently in its own credentials, the one most of them
        give, then the first in alphabetical order. ``None``: no wording is the item's (the heading is then the
        framework and code)."""
        issuers: dict[str, set[str]] = defaultdict(set)
        credentials: dict[str, set[str]] = defaultdict(set)
        for entry, skill in self.mentions:
            issuers[skill_wording(skill)].add(entry.record.id)
            credentials[skill_wording(skill)].add(entry.ref)
        if len({issuer for named in issuers.values() for issuer in named}) == 1:
            return min(credentials, key=lambda w: (-len(credentials[w]), w.casefold(), w))
        first, second = sorted((len(named) for named in issuers.values()), reverse=True)[:2]
        return next(w for w, named in issuers.items() if len(named) == first) if first > second else None


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
        model.skills = {key: model.skills[key] for key in sorted(model.skills)}
        for group in model.skills.values():
            group.settle()
        model._assign_anchors()
        return model

    def _add_skill(self, entry: Entry, skill: Skill) -> str:
        alignment = skill.alignment
        code = framework_code(alignment.framework, alignment.code) if alignment is not None else ""
        if alignment is not None:
            key = f"{alignment.framework.value}\x00{code}"
        else:
            # Names that differ only in case and punctuation are one skill; a name without a letter or digit in
            # a-z and 0-9 (in another script) is only itself.
            key = f"\x00{skill_anchor(skill.name) or chr(0) + skill.name}"
        group = self.skills.get(key)
        if group is None:
            if alignment is not None:
                url = framework_url(alignment.framework, code)
                group = SkillGroup(key, anchor="", framework=alignment.framework, code=code, url=url)
            else:
                group = SkillGroup(key, anchor="")
            self.skills[key] = group
        group.mentions.append((entry, skill))
        group.credentials.setdefault(entry.ref, entry)
        return key

    def _assign_anchors(self) -> None:
        """Unique ids on the skills page. Unaligned skills use ``skill_anchor(name)``, as Achievements link
        them; aligned ones ``<framework>-<code>``, plus the name anchors Achievements use for them when their
        alignment has no URL. None takes an id the page holds of its own (:data:`PAGE_IDS`), nor a skill
        section's heading id (:func:`heading_id`): ids made from issuers' words never move the page's links."""
        taken: set[str] = set(PAGE_IDS)
        ordered = sorted(self.skills.values(), key=lambda g: g.framework is not None)  # name anchors first
        for group in ordered:
            base = (
                skill_anchor(group.key.strip("\x00"))
                if group.framework is None
                else skill_anchor(f"{group.framework.value}-{group.code}")
            )
            anchor, n = base or "skill", 2
            while anchor in taken or heading_id(anchor) in taken:
                anchor, n = f"{base or 'skill'}-{n}", n + 1
            group.anchor = anchor
            taken.update((anchor, heading_id(anchor)))
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
        mine = (e for e in self.entries.values() if e.record.id == issuer_id)
        return sorted(mine, key=lambda e: (name_order(e.definition.name), e.ref))

    def newest(self, count: int) -> list[Entry]:
        return sorted(self.entries.values(), key=lambda e: (e.definition.created, e.ref), reverse=True)[:count]

    def by_name(self) -> list[Entry]:
        return sorted(self.entries.values(), key=lambda e: (name_order(e.definition.name), e.ref))

    def skill_groups_by_framework(self) -> dict[Framework | None, list[SkillGroup]]:
        grouped: dict[Framework | None, list[SkillGroup]] = defaultdict(list)
        for group in self.skills.values():
            grouped[group.framework].append(group)
        for groups in grouped.values():
            groups.sort(key=lambda g: (name_order(g.label), g.key))
        return grouped
