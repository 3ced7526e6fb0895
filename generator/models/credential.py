"""``registry/issuers/<issuer>/credentials/<slug>.yaml``: what a credential certifies and how.

The fields follow what employers and the micro-credential literature ask of a definition (the EU Council
Recommendation on micro-credentials' standard elements, Credential Engine's CTDL): what is learned and
assessed, at what level, with what effort and cost, what it stacks into, and who vouches for it. The
definition becomes the Open Badges 3.0 ``Achievement`` inside every award.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import unicodedata
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from generator._internal.text import UNSEEN
from generator.models._base import (
    ONE_LINE_PATTERN,
    AssetUrlCheck,
    CredentialRef,
    CurrencyCode,
    IsoDate,
    IsoDuration,
    LanguageTag,
    Markdown,
    Name,
    PlainText,
    Slug,
    StrictModel,
    WebUrl,
    no_mark_tower,
    require_unique,
)

__all__ = [
    "ESCO_ID",
    "MAX_SKILLS",
    "AchievementType",
    "Alignment",
    "Assessment",
    "AssessmentMethod",
    "CredentialDefinition",
    "Criteria",
    "DeliveryMode",
    "Effort",
    "Framework",
    "Level",
    "LifecycleStatus",
    "Occupation",
    "Price",
    "Proficiency",
    "QualityAssurance",
    "QualityAssuranceKind",
    "Skill",
    "Stacking",
    "StackingRule",
    "Translation",
    "Validity",
    "framework_code",
    "same_form",
]


class AchievementType(enum.StrEnum):
    """Open Badges 3.0 ``achievementType`` vocabulary."""

    ACHIEVEMENT = "Achievement"
    APPRENTICESHIP_CERTIFICATE = "ApprenticeshipCertificate"
    ASSESSMENT = "Assessment"
    ASSIGNMENT = "Assignment"
    ASSOCIATE_DEGREE = "AssociateDegree"
    AWARD = "Award"
    BADGE = "Badge"
    BACHELOR_DEGREE = "BachelorDegree"
    CERTIFICATE = "Certificate"
    CERTIFICATE_OF_COMPLETION = "CertificateOfCompletion"
    CERTIFICATION = "Certification"
    COMMUNITY_SERVICE = "CommunityService"
    COMPETENCY = "Competency"
    COURSE = "Course"
    CO_CURRICULAR = "CoCurricular"
    DEGREE = "Degree"
    DIPLOMA = "Diploma"
    DOCTORAL_DEGREE = "DoctoralDegree"
    FIELDWORK = "Fieldwork"
    GENERAL_EDUCATION_DEVELOPMENT = "GeneralEducationDevelopment"
    JOURNEYMAN_CERTIFICATE = "JourneymanCertificate"
    LEARNING_PROGRAM = "LearningProgram"
    LICENSE = "License"
    MEMBERSHIP = "Membership"
    PROFESSIONAL_DOCTORATE = "ProfessionalDoctorate"
    QUALITY_ASSURANCE_CREDENTIAL = "QualityAssuranceCredential"
    MASTER_CERTIFICATE = "MasterCertificate"
    MASTER_DEGREE = "MasterDegree"
    MICRO_CREDENTIAL = "MicroCredential"
    RESEARCH_DOCTORATE = "ResearchDoctorate"
    SECONDARY_SCHOOL_DIPLOMA = "SecondarySchoolDiploma"


class AssessmentMethod(enum.StrEnum):
    """How achievement of the criteria is assessed."""

    EXAM = "exam"
    PRACTICAL_ASSESSMENT = "practical-assessment"
    PROJECT = "project"
    PORTFOLIO = "portfolio"
    OBSERVATION = "observation"


class Framework(enum.StrEnum):
    """Skill and occupation frameworks an alignment can point into."""

    ESCO = "ESCO"
    ONET = "O*NET"
    SFIA = "SFIA"
    CASE = "CASE"
    ISCO = "ISCO"
    NICE = "NICE"
    DIGCOMP = "DigComp"
    E_CF = "e-CF"
    LIGHTCAST = "Lightcast"
    OTHER = "Other"


class Proficiency(enum.StrEnum):
    """Plain-language level."""

    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"


class DeliveryMode(enum.StrEnum):
    """How the learning leading to the credential is delivered."""

    ONLINE = "online"
    IN_PERSON = "in-person"
    BLENDED = "blended"


class StackingRule(enum.StrEnum):
    """How component credentials combine into this one."""

    ALL_OF = "all-of"
    ANY_OF = "any-of"
    N_OF_M = "n-of-m"


class LifecycleStatus(enum.StrEnum):
    """Whether the credential is still awarded."""

    ACTIVE = "active"
    DEPRECATED = "deprecated"
    RETIRED = "retired"


class QualityAssuranceKind(enum.StrEnum):
    """The relationship between the credential and the organisation vouching for it."""

    ACCREDITED = "accredited"
    APPROVED = "approved"
    RECOGNIZED = "recognized"
    ENDORSED = "endorsed"


class Alignment(StrictModel):
    """A pointer into a skills or occupations framework."""

    framework: Framework
    """The framework: ESCO, O*NET, SFIA, CASE, …"""

    # No UNSEEN character (a bidi override, a zero-width space): it is not PlainText, so nothing else refuses one,
    # and the pages and every award (targetCode) show it.
    code: str = Field(min_length=1, max_length=200, pattern=rf"^[^\s{UNSEEN}](?:[^\n{UNSEEN}]*[^\s{UNSEEN}])?\Z")
    """The framework's code for the item (ESCO concept id, O*NET-SOC code, SFIA skill code, …)."""

    url: WebUrl | None = None
    """The item's URI or web page in the framework."""

    name: PlainText | None = None
    """The framework's own label for the item, when it differs from ours."""


#: An ESCO concept's id (skills and occupations alike).
ESCO_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

#: An ESCO concept's URI, by which issuers also give its code (ESCO publishes its concepts under http, and the
#: address is the same concept with https): what follows the kind of concept is the id.
_ESCO_URI = re.compile(r"https?://data\.europa\.eu/esco/(skill|occupation)/(.+)", re.IGNORECASE)


def framework_code(framework: Framework, code: str, *, occupation: bool = False) -> str:
    """An item's code as its framework writes it: an ESCO concept id in small letters (ESCO's hex digits are;
    "598DE5B0-…" is the same concept), and an ESCO concept's URI of the right kind (skill, or with ``occupation``
    occupation) as its id. Every skill group, framework link and export takes the code from here, so the same
    item given two ways is one skill in the skills index and the catalog, linked to ESCO both times; a
    definition's repeated skill is found by it too. Any other code is the issuer's as written."""
    if framework is not Framework.ESCO:
        return code
    uri = _ESCO_URI.fullmatch(code)
    if uri is not None and uri[1].lower() == ("occupation" if occupation else "skill"):
        code = uri[2]
    return code.lower() if ESCO_ID.fullmatch(code.lower()) else code


def _esco_kind(alignment: Alignment | None, *, occupation: bool) -> Alignment | None:
    """An ESCO concept's URI of the other kind (an occupation's given as a skill's code, or the reverse) is refused
    at the alignment's code: signed into every award as a competency's ``targetCode`` it names an occupation as a
    skill, :func:`framework_code` keeps it as written (so the index cannot link it to ESCO, and its http and https
    spellings were two skills), and the item belongs in the other list."""
    if alignment is None or alignment.framework is not Framework.ESCO:
        return alignment
    uri = _ESCO_URI.fullmatch(alignment.code)
    if uri is None or uri[1].lower() == ("occupation" if occupation else "skill"):
        return alignment
    given, wanted = ("a skill", "occupations") if occupation else ("an occupation", "skills")
    message = f"an ESCO {uri[1].lower()} URI: this is {given} in ESCO; list it under {wanted}"
    error = InitErrorDetails(type=PydanticCustomError("esco_kind", message), loc=("code",), input=alignment.code)
    raise ValidationError.from_exception_data("Alignment", [error])


def same_form(text: str) -> str:
    """What two spellings of one code or name share: compatibility forms (a fullwidth "ＰＲＯＧ"), capitals and
    runs of spaces are not a different skill."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _skill_identity(skill: Skill) -> tuple[str, ...]:
    """A skill as a repeat is judged: its framework item (the framework and the code as :func:`framework_code`
    reads it, capitals and spaces aside), or unaligned its name. Not the skills index's grouping of unaligned
    names (render/model.py, by :func:`~generator.openbadges.skill_anchor`, which keeps only a-z and 0-9): "C" and
    "C++" are two skills here, and one group and one award ``targetUrl`` (``skills/#c``) there."""
    if skill.alignment is None:
        return ("name", same_form(skill.name))
    alignment = skill.alignment
    return ("item", alignment.framework.value, same_form(framework_code(alignment.framework, alignment.code)))


#: Skills a credential may certify. Each is an alignment of every award, a blank node for RDF canonicalization, and
#: both verifiers refuse a document of more than ``crypto.rdfc.MAX_BLANK_NODES`` (600) before canonicalizing: a
#: credential of some 600 skills could never be awarded. Well under that, and far over what a micro-credential
#: certifies.
MAX_SKILLS = 200


class Skill(StrictModel):
    """A skill the credential certifies."""

    name: PlainText
    """What the holder can do, in the words an employer would search for."""

    description: Markdown | None = None
    """More detail (Markdown)."""

    alignment: Alignment | None = None
    """The same skill in a public framework."""

    @field_validator("alignment")
    @classmethod
    def _a_skill(cls, value: Alignment | None) -> Alignment | None:
        return _esco_kind(value, occupation=False)


class Occupation(StrictModel):
    """An occupation the credential prepares for."""

    name: PlainText
    """Occupation title."""

    alignment: Alignment | None = None
    """The occupation in a framework (ESCO occupation, O*NET-SOC code, ISCO-08 group)."""

    @field_validator("alignment")
    @classmethod
    def _an_occupation(cls, value: Alignment | None) -> Alignment | None:
        return _esco_kind(value, occupation=True)


class Assessment(StrictModel):
    """One part of how the credential is assessed."""

    method: AssessmentMethod
    """Exam, practical assessment, project, portfolio or observation."""

    description: Markdown | None = None
    """What the candidate does and how it is judged."""

    weight: int | None = Field(default=None, ge=1, le=100)
    """Share of the final result, in percent."""


class Criteria(StrictModel):
    """What a holder had to do to earn the credential."""

    narrative: Markdown
    """The criteria in prose (Markdown). Becomes the OB 3.0 ``criteria.narrative``."""

    assessment: list[Assessment] = Field(min_length=1)
    """How the criteria are assessed."""

    pass_mark: PlainText | None = None
    """What counts as passing, e.g. ``70 % overall and every practical task passed``."""

    @model_validator(mode="after")
    def _weights_sum(self) -> Criteria:
        weights = [a.weight for a in self.assessment if a.weight is not None]
        if weights and (len(weights) != len(self.assessment) or sum(weights) != 100):
            raise ValueError("assessment weights must be given for every part and add up to 100")
        return self


class Level(StrictModel):
    """How advanced the credential is. Give the EQF level, a plain-language level, or both."""

    eqf: int | None = Field(default=None, ge=1, le=8)
    """European Qualifications Framework level, 1–8."""

    proficiency: Proficiency | None = None
    """Beginner, intermediate or advanced."""

    @model_validator(mode="after")
    def _one_of(self) -> Level:
        if self.eqf is None and self.proficiency is None:
            raise ValueError("give eqf, proficiency, or both")
        return self


class Effort(StrictModel):
    """The learner's workload."""

    hours: float = Field(ge=0.01, le=10_000)
    """Notional learning hours, assessment included (at least 0.01: every page gives the figure whole, never in
    exponent form, so a value such as 1e-300 would be written with 300 digits)."""

    duration: IsoDuration | None = None
    """Typical calendar duration, as an ISO 8601 duration (``P6W`` = six weeks)."""

    ects: float | None = Field(default=None, gt=0, le=300)
    """ECTS credits, where the credential carries them (to at most two decimal places)."""

    @field_validator("ects")
    @classmethod
    def _hundredths(cls, value: float | None) -> float | None:
        # Signed into every award as creditsAvailable: a value such as 1e-7 (or one of seventeen digits) is one
        # that other RDFC-1.0 verifiers canonicalize otherwise, so no award could be signed; say so here, at the
        # definition, rather than at the first `credreg award`. Real credits are given in halves or tenths.
        if value is not None and round(value, 2) != value:
            raise ValueError(f"give ECTS credits to at most two decimal places (e.g. 7.5), not {value!r}")
        return value


class Price(StrictModel):
    """What the credential costs the learner."""

    amount: float = Field(ge=0, le=1_000_000)
    """Price, including assessment."""

    currency: CurrencyCode
    """ISO 4217 currency code."""

    @field_validator("amount")
    @classmethod
    def _no_negative_zero(cls, value: float) -> float:
        # YAML reads "-0.0" as negative zero, which ge=0 lets through: the pages said "Free" while the API and the
        # CTDL export gave -0.0. A price of nothing is 0.
        return value + 0.0


class Stacking(StrictModel):
    """This credential is earned by earning others (a stackable pathway)."""

    rule: StackingRule
    """``all-of`` the components, ``any-of`` them, or ``n-of-m``."""

    n: int | None = Field(default=None, ge=1)
    """For ``n-of-m``: how many components are needed."""

    components: list[CredentialRef] = Field(min_length=2)
    """The component credentials (``slug`` of the same issuer or ``issuer/slug``)."""

    @model_validator(mode="after")
    def _rule_shape(self) -> Stacking:
        require_unique(self.components)
        if self.rule is StackingRule.N_OF_M:
            if self.n is None:
                raise ValueError("rule n-of-m needs n")
            if self.n > len(self.components):
                raise ValueError(f"n is {self.n} but there are only {len(self.components)} components")
        elif self.n is not None:
            raise ValueError(f"n only applies to rule n-of-m, not {self.rule.value}")
        return self


class Validity(StrictModel):
    """How long an award stays valid and how it is renewed."""

    period: IsoDuration | None = None
    """How long an award is valid after issue (``P3Y``); absent: it does not expire. Sets ``validUntil``."""

    renewal: Markdown | None = None
    """How a holder renews (Markdown)."""


class QualityAssurance(StrictModel):
    """An organisation that accredits, approves, recognizes or endorses the credential."""

    kind: QualityAssuranceKind
    """Accredited, approved, recognized or endorsed."""

    by: PlainText
    """The organisation."""

    url: WebUrl | None = None
    """Where the statement can be checked."""

    since: IsoDate | None = None
    """Since when."""


BadgeImage = Annotated[
    str, Field(pattern=r"^(?:https://\S+|[A-Za-z0-9_][A-Za-z0-9_./-]*\.(?:png|svg))\Z"), AssetUrlCheck
]
"""A file in the issuer's folder (``images/sql.svg``) or an https URL."""

Summary = Annotated[
    str, StringConstraints(min_length=1, max_length=300, pattern=ONE_LINE_PATTERN), AfterValidator(no_mark_tower)
]
"""One line of plain text."""


class Translation(StrictModel):
    """The definition's texts in another language, for readers of that language. Everything else (skills,
    levels, prices) is language-neutral or worded by the site."""

    name: Name | None = None
    """The credential's name."""

    summary: Summary | None = None
    """One sentence for lists and link previews (plain text)."""

    description: Markdown | None = None
    """What the credential certifies and for whom (Markdown)."""

    criteria: Markdown | None = None
    """The criteria narrative (Markdown)."""

    @model_validator(mode="after")
    def _not_empty(self) -> Translation:
        if not any((self.name, self.summary, self.description, self.criteria)):
            raise ValueError("give at least one of name, summary, description, criteria")
        return self


class CredentialDefinition(StrictModel):
    """A credential an issuer defines and awards."""

    id: Slug
    """Lowercase slug; must equal the file name without ``.yaml``."""

    name: Name
    """The credential's name."""

    summary: Summary
    """One sentence for lists and link previews (plain text)."""

    description: Markdown
    """What the credential certifies and for whom (Markdown)."""

    achievement_type: AchievementType
    """Open Badges 3.0 achievement type: ``MicroCredential``, ``Badge``, ``Certificate``, ``Certification``, …"""

    criteria: Criteria
    """What a holder had to do, and how it is assessed."""

    skills: list[Skill] = Field(min_length=1, max_length=MAX_SKILLS)
    """The skills the credential certifies (at most :data:`MAX_SKILLS`)."""

    level: Level
    """EQF level and/or plain-language level."""

    effort: Effort
    """Workload and calendar duration."""

    cost: Literal["free"] | Price
    """``free``, or a price with currency."""

    delivery: DeliveryMode
    """Online, in person or blended."""

    languages: list[LanguageTag] = Field(min_length=1)
    """Languages the learning and assessment are offered in (BCP 47 tags)."""

    occupations: list[Occupation] = []
    """Occupations the credential prepares for."""

    industries: list[PlainText] = []
    """Industries where the credential is relevant."""

    tags: list[Slug] = []
    """Free keywords (slugs) for search."""

    prerequisites: list[CredentialRef] = []
    """Credentials a candidate must hold first."""

    stacking: Stacking | None = None
    """Present when this credential is earned by stacking others."""

    validity: Validity = Validity()
    """Validity period and renewal."""

    status: LifecycleStatus = LifecycleStatus.ACTIVE
    """``active``, ``deprecated`` (still valid, no longer recommended) or ``retired`` (no longer awarded)."""

    supersedes: CredentialRef | None = None
    """The credential this one replaces."""

    superseded_by: CredentialRef | None = None
    """The credential that replaces this one."""

    version: str = Field(default="1.0", pattern=r"^[0-9]+(?:\.[0-9]+){0,2}\Z")
    """Version of the definition (``1.0``, ``2.1``)."""

    quality_assurance: list[QualityAssurance] = []
    """Who accredits, approves, recognizes or endorses the credential."""

    image: BadgeImage | None = None
    """Badge image: a file in the issuer's folder (``images/sql.svg``) or an https URL. Awards carry either; the
    site shows only a file, and in place of a URL (which every reader's browser would fetch from the issuer's
    server) the credential's initials."""

    created: IsoDate
    """When the definition was first published."""

    updated: IsoDate | None = None
    """When the definition last changed."""

    translations: dict[LanguageTag, Translation] = {}
    """The texts in other languages, by BCP 47 tag (``de``, ``es``, ``pt-BR``); the definition's own texts are
    in its first language (``languages[0]``)."""

    @field_validator("languages", "industries", "tags", "prerequisites")
    @classmethod
    def _unique(cls, value: list[str]) -> list[str]:
        return require_unique(value)

    @field_validator("skills")
    @classmethod
    def _skills_once(cls, value: list[Skill]) -> list[Skill]:
        # Each skill is an alignment of every signed award: one skill twice was signed twice into each award and
        # listed twice on the page. The error is raised at the repeat (pydantic-core prefixes its loc with
        # "skills"), so the check names that entry's line, as it does a list's other entries.
        first: dict[tuple[str, ...], int] = {}
        errors: list[InitErrorDetails] = []
        for i, skill in enumerate(value):
            earlier = first.setdefault(_skill_identity(skill), i)
            if earlier != i:
                what = (
                    f"{skill.alignment.framework.value} "
                    f"{framework_code(skill.alignment.framework, skill.alignment.code)}"
                    if skill.alignment is not None
                    else f"the skill {value[earlier].name!r}"
                )
                message = f"repeats skills[{earlier}] ({what}): list each skill once"
                errors.append(
                    InitErrorDetails(
                        type=PydanticCustomError("skill_repeated", message), loc=(i,), input=skill.model_dump()
                    )
                )
        if errors:
            raise ValidationError.from_exception_data(cls.__name__, errors)
        return value

    @field_validator("supersedes", "superseded_by")
    @classmethod
    def _not_self(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None and value == info.data.get("id"):
            raise ValueError("a credential cannot supersede itself")
        superseded = info.field_name == "superseded_by" and value is not None
        if superseded and info.data.get("status") is LifecycleStatus.ACTIVE:
            raise ValueError("a superseded credential cannot be active: set status to deprecated or retired")
        return value

    @field_validator("translations")
    @classmethod
    def _other_languages(cls, value: dict[str, Translation], info: ValidationInfo) -> dict[str, Translation]:
        languages = info.data.get("languages")
        if languages and languages[0] in value:
            raise ValueError(
                f"{languages[0]!r} is the language of the definition's own texts (languages[0]): "
                "translations are into other languages"
            )
        return value

    @field_validator("updated")
    @classmethod
    def _after_created(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        created = info.data.get("created")
        if value is not None and created is not None and value < created:
            raise ValueError(f"is before created ({created.isoformat()})")
        return value
