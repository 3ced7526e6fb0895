"""Words for values: enum labels, language and country names, money, effort, and the facet buckets the
catalog filters by. Pages, the API and the catalog all take their wording from here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.numbers import get_currency_precision

from generator._internal.durations import describe_duration
from generator.models import (
    AssessmentMethod,
    CredentialDefinition,
    DeliveryMode,
    IssuerKind,
    LifecycleStatus,
    Price,
    Proficiency,
    QualityAssuranceKind,
    StackingRule,
)

__all__ = [
    "ASSESSMENT",
    "COST_BUCKETS",
    "DELIVERY",
    "EFFORT_BUCKETS",
    "EQF_LEVELS",
    "ISSUER_KIND",
    "PRACTICAL_SHARE",
    "PROFICIENCY",
    "QA_KIND",
    "STATUS",
    "achievement_type_label",
    "assessment_label",
    "cost_bucket",
    "cost_label",
    "cost_order",
    "country_name",
    "date_label",
    "describe_validity",
    "effort_bucket",
    "effort_label",
    "eqf_explanation",
    "hours_label",
    "language_name",
    "level_label",
    "native_language_name",
    "number",
    "practical_share",
    "stacking_label",
]

ASSESSMENT = {
    AssessmentMethod.EXAM: "Exam",
    AssessmentMethod.PRACTICAL_ASSESSMENT: "Practical assessment",
    AssessmentMethod.PROJECT: "Project",
    AssessmentMethod.PORTFOLIO: "Portfolio",
    AssessmentMethod.OBSERVATION: "Observation",
}
#: Methods where the candidate does the work itself rather than answering questions about it.
PRACTICAL_METHODS = frozenset(
    {
        AssessmentMethod.PRACTICAL_ASSESSMENT,
        AssessmentMethod.PROJECT,
        AssessmentMethod.PORTFOLIO,
        AssessmentMethod.OBSERVATION,
    }
)
#: The "practical share" facet, in the order it is offered.
PRACTICAL_SHARE = (
    "Fully practical",
    "Mostly practical (50–99 %)",
    "Partly practical (1–49 %)",
    "Practical part, share not stated",
    "Exam only",
)
#: What each EQF level corresponds to, in words an employer knows (the EQF's own reference points).
EQF_LEVELS = {
    1: "basic general knowledge and skills, under direct supervision",
    2: "basic factual knowledge; simple tasks with some autonomy",
    3: "knowledge of facts and principles in a field; completing tasks, adapting to circumstances",
    4: "broad factual and theoretical knowledge; the level of upper-secondary or vocational qualifications",
    5: "comprehensive, specialised knowledge; the level of short-cycle higher education and advanced vocational "
    "training",
    6: "advanced knowledge and critical understanding; the level of a bachelor's degree",
    7: "highly specialised knowledge, some at the forefront of a field; the level of a master's degree",
    8: "knowledge at the most advanced frontier of a field; the level of a doctorate",
}
DELIVERY = {DeliveryMode.ONLINE: "Online", DeliveryMode.IN_PERSON: "In person", DeliveryMode.BLENDED: "Blended"}
PROFICIENCY = {
    Proficiency.BEGINNER: "Beginner",
    Proficiency.INTERMEDIATE: "Intermediate",
    Proficiency.ADVANCED: "Advanced",
}
STATUS = {
    LifecycleStatus.ACTIVE: "Active",
    LifecycleStatus.DEPRECATED: "Deprecated",
    LifecycleStatus.RETIRED: "Retired",
}
QA_KIND = {
    QualityAssuranceKind.ACCREDITED: "Accredited by",
    QualityAssuranceKind.APPROVED: "Approved by",
    QualityAssuranceKind.RECOGNIZED: "Recognised by",  # as a signed "recognises" is worded (KIND_LABEL)
    QualityAssuranceKind.ENDORSED: "Endorsed by",
}
ISSUER_KIND = {
    IssuerKind.UNIVERSITY: "University",
    IssuerKind.COLLEGE: "College",
    IssuerKind.INDUSTRY_BODY: "Industry body",
    IssuerKind.PROFESSIONAL_ASSOCIATION: "Professional association",
    IssuerKind.TRAINING_PROVIDER: "Training provider",
    IssuerKind.BOOTCAMP: "Bootcamp",
    IssuerKind.EMPLOYER: "Employer",
    IssuerKind.GOVERNMENT: "Government",
    IssuerKind.NONPROFIT: "Nonprofit",
    IssuerKind.OTHER: "Other",
}

#: Price ranges, in the credential's own currency (the registry has no exchange rates): each filter value names its
#: currency (:func:`cost_bucket`). Upper bounds exclusive.
COST_BUCKETS: tuple[tuple[str, float], ...] = (
    ("Under 100", 100),
    ("100–499", 500),
    ("500–999", 1000),
    ("1,000–2,499", 2500),
    ("2,500 or more", float("inf")),
)
COST_FREE = "Free"
#: Notional learning hours. Upper bounds exclusive.
EFFORT_BUCKETS: tuple[tuple[str, float], ...] = (
    ("Under 10 hours", 10),
    ("10–24 hours", 25),
    ("25–49 hours", 50),
    ("50–99 hours", 100),
    ("100–199 hours", 200),
    ("200 hours or more", float("inf")),
)

_EN = Locale("en")


def achievement_type_label(value: str) -> str:
    """``MicroCredential`` → ``Micro-credential``; ``CertificateOfCompletion`` → ``Certificate of completion``."""
    if value == "MicroCredential":
        return "Micro-credential"
    words: list[str] = []
    for ch in value:
        if ch.isupper() and words:
            words.append(" ")
        words.append(ch)
    text = "".join(words)
    return text[:1] + text[1:].lower()


@lru_cache(maxsize=512)
def language_name(tag: str) -> str:
    """``pt-BR`` → ``Portuguese (Brazil)``; the tag itself when Babel does not know it."""
    try:
        return Locale.parse(tag, sep="-").get_display_name(_EN) or tag
    except (ValueError, UnknownLocaleError):
        return tag


@lru_cache(maxsize=512)
def native_language_name(tag: str) -> str:
    """``de`` → ``Deutsch``: a language named in itself, as readers of it look for it."""
    try:
        locale = Locale.parse(tag, sep="-")
        name = locale.get_display_name(locale) or tag
    except (ValueError, UnknownLocaleError):
        return tag
    return name[:1].upper() + name[1:]


def country_name(code: str) -> str:
    return str(_EN.territories.get(code, code))


def number(value: float, *, grouped: bool = False) -> str:
    """A number of a registry file as the file gives it, whole: never rounded, never in exponent form. Every
    page and export words hours, credits and prices with it, so none can say another figure than the one the
    facets, the API and the check read (``:g`` showed 1234.5678 hours as 1234.57 and 0.00001 as 1e-05, which
    also made the CTDL duration ``PT1e-05H``; ``.2f`` showed a price of 99.999 as 100.00 in the "Under 100"
    filter)."""
    return format(Decimal(repr(float(value))).normalize(), ",f" if grouped else "f")


def money(amount: float, currency: str) -> str:
    """``1,250 EUR``, ``12.50 EUR``, ``12.500 BHD``: a price with a fraction is written to the currency's minor
    unit (ISO 4217, as CLDR gives it: two for most, none for JPY, three for BHD), and to all its decimal places
    when it is given to more; never cut, never rounded. Padding every currency to two places read 12.5 BHD as
    ``12.50 BHD`` (twelve dinars and 500 of their 1000 fils, written as a two-place price) and 12.5 JPY as
    ``12.50 JPY``, a figure with sen the yen does not have."""
    text = number(amount, grouped=True)
    whole, _, fraction = text.partition(".")
    if not fraction:
        return f"{whole} {currency}"
    return f"{whole}.{fraction.ljust(get_currency_precision(currency), '0')} {currency}"


def cost_label(cost: Price | str) -> str:
    """``Free`` (a price of 0 too, as the cost filter files it), or the price with its currency."""
    return COST_FREE if isinstance(cost, str) or cost.amount == 0 else money(cost.amount, cost.currency)


def cost_bucket(cost: Price | str) -> str:
    """The catalog's price range for ``cost``, naming its currency: ``Under 100 USD``. The registry has no
    exchange rates, and a range without its currency filed 99 USD and 99 JPY (under a dollar) as one."""
    if isinstance(cost, str) or cost.amount == 0:
        return COST_FREE
    return f"{next(label for label, upper in COST_BUCKETS if cost.amount < upper)} {cost.currency}"


def cost_order(currencies: Iterable[str]) -> tuple[str, ...]:
    """The order the cost filter offers its values in: free first, then each currency's ranges, lowest first."""
    return (COST_FREE, *(f"{label} {c}" for c in sorted(set(currencies)) for label, _ in COST_BUCKETS))


def effort_bucket(hours: float) -> str:
    return next(label for label, upper in EFFORT_BUCKETS if hours < upper)


def hours_label(hours: float) -> str:
    """``36 hours``, ``1 hour``: notional learning hours, wherever a page or a card gives them."""
    return f"{number(hours)} hour{'s' if hours != 1 else ''}"


def effort_label(definition: CredentialDefinition) -> str:
    """``50 hours over 5 weeks · 2 ECTS``."""
    effort = definition.effort
    text = hours_label(effort.hours)
    if effort.duration:
        text += f" over {describe_duration(effort.duration)}"
    if effort.ects is not None:
        text += f" · {number(effort.ects)} ECTS"
    return text


def level_label(definition: CredentialDefinition) -> str:
    """``Intermediate · EQF 5``."""
    level = definition.level
    parts = []
    if level.proficiency is not None:
        parts.append(PROFICIENCY[level.proficiency])
    if level.eqf is not None:
        parts.append(f"EQF {level.eqf}")
    return " · ".join(parts)


def stacking_label(rule: StackingRule, n: int | None, total: int) -> str:
    """How the stacked components combine, as a heading over them."""
    if rule is StackingRule.ALL_OF:
        return f"Earned by holding all {total} of"
    if rule is StackingRule.ANY_OF:
        return f"Earned by holding any one of these {total}"
    return f"Earned by holding {n} of these {total}"


def date_label(value: dt.date | dt.datetime) -> str:
    """``16 June 2025`` (dates are shown unambiguously, whatever the reader's locale)."""
    return f"{value.day} {value.strftime('%B %Y')}"


def describe_validity(period: str) -> str:
    return describe_duration(period)


def eqf_explanation(level: int) -> str:
    """``EQF 6: advanced knowledge …; the level of a bachelor's degree``: what the number means."""
    return f"EQF {level}: {EQF_LEVELS[level]}"


def assessment_label(definition: CredentialDefinition) -> str:
    """``Exam 30 % · Project 70 %``, or ``Exam · Project`` when the parts carry no weights: each method once, in
    the order it first comes, with the weight of all its parts (an exam of 50 % and another of 50 % are ``Exam
    100 %``: said once each, "Exam 50 %" read as half the result, and the weights shown added up to less than
    100). The words of every card, of the catalog and of the skills index."""
    weights: dict[AssessmentMethod, int | None] = {}
    for part in definition.criteria.assessment:
        before = weights.get(part.method, 0)
        weights[part.method] = None if part.weight is None or before is None else before + part.weight
    return " · ".join(
        ASSESSMENT[method] if weight is None else f"{ASSESSMENT[method]} {weight} %"
        for method, weight in weights.items()
    )


def practical_share(definition: CredentialDefinition) -> str:
    """Which :data:`PRACTICAL_SHARE` bucket the assessment falls in: how much of the result comes from the
    candidate doing the work (a project, portfolio, practical task or observation) rather than an exam."""
    parts = definition.criteria.assessment
    practical = [p for p in parts if p.method in PRACTICAL_METHODS]
    if not practical:
        return PRACTICAL_SHARE[4]
    if len(practical) == len(parts):
        return PRACTICAL_SHARE[0]
    if any(p.weight is None for p in parts):
        return PRACTICAL_SHARE[3]
    share = sum(p.weight or 0 for p in practical)
    return PRACTICAL_SHARE[1] if share >= 50 else PRACTICAL_SHARE[2]
