"""A credential as Credential Engine's CTDL (Credential Transparency Description Language) JSON-LD.

Term choices, from the CTDL vocabulary (``ceterms:``, context ``https://credreg.net/ctdl/schema/context/json``):
the achievement type picks the credential class; effort is a ``DurationProfile`` (``exactDuration`` for the
calendar duration, ``timeRequired`` for the learning hours, both ``xsd:duration``s, which have no weeks: ``P6W`` is
``P42D``); the price an aggregate ``CostProfile``; delivery a
``learningDeliveryType`` concept; prerequisites, stacking and skills go into ``requires`` condition profiles
(``targetCredential``, ``targetCompetency``). Lifecycle maps to ``credentialStat:Active`` or, for deprecated
and retired credentials, ``credentialStat:Deprecated``. CTDL has no "endorsed by": endorsements are published
as ``recognizedBy``. The CTID is derived from the credential's URL, so it is stable across builds.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from generator._internal.durations import xsd_duration
from generator.models import (
    AchievementType,
    Alignment,
    DeliveryMode,
    LifecycleStatus,
    Price,
    QualityAssuranceKind,
    StackingRule,
)
from generator.recognition import CONFIRMS
from generator.render import labels
from generator.render.model import Entry, SiteModel, framework_code, framework_url

__all__ = ["CTDL_CONTEXT", "ctdl_credential", "endorsement_property", "hours_duration"]

CTDL_CONTEXT = "https://credreg.net/ctdl/schema/context/json"

_CLASSES = {
    AchievementType.MICRO_CREDENTIAL: "ceterms:MicroCredential",
    AchievementType.BADGE: "ceterms:DigitalBadge",
    AchievementType.CERTIFICATE: "ceterms:Certificate",
    AchievementType.CERTIFICATE_OF_COMPLETION: "ceterms:CertificateOfCompletion",
    AchievementType.CERTIFICATION: "ceterms:Certification",
    AchievementType.LICENSE: "ceterms:License",
    AchievementType.DIPLOMA: "ceterms:Diploma",
    AchievementType.DEGREE: "ceterms:Degree",
    AchievementType.ASSOCIATE_DEGREE: "ceterms:AssociateDegree",
    AchievementType.BACHELOR_DEGREE: "ceterms:BachelorDegree",
    AchievementType.MASTER_DEGREE: "ceterms:MasterDegree",
    AchievementType.MASTER_CERTIFICATE: "ceterms:MasterCertificate",
    AchievementType.DOCTORAL_DEGREE: "ceterms:DoctoralDegree",
    AchievementType.APPRENTICESHIP_CERTIFICATE: "ceterms:ApprenticeshipCertificate",
    AchievementType.JOURNEYMAN_CERTIFICATE: "ceterms:JourneymanCertificate",
    AchievementType.PROFESSIONAL_DOCTORATE: "ceterms:ProfessionalDoctorate",
    AchievementType.RESEARCH_DOCTORATE: "ceterms:ResearchDoctorate",
    AchievementType.QUALITY_ASSURANCE_CREDENTIAL: "ceterms:QualityAssuranceCredential",
    AchievementType.SECONDARY_SCHOOL_DIPLOMA: "ceterms:SecondarySchoolDiploma",
    AchievementType.GENERAL_EDUCATION_DEVELOPMENT: "ceterms:GeneralEducationDevelopment",
}
#: OB 3.0 types with no CTDL credential class of their own.
_DEFAULT_CLASS = "ceterms:DigitalBadge"

_DELIVERY = {
    DeliveryMode.ONLINE: ("deliveryType:OnlineOnly", "Online Only"),
    DeliveryMode.IN_PERSON: ("deliveryType:InPerson", "In Person Only"),
    DeliveryMode.BLENDED: ("deliveryType:BlendedDelivery", "Blended Delivery"),
}
#: Signed endorsement kinds → CTDL quality-assurance properties.
#: The CTDL term of each quality-assurance claim, strongest first. A claim that a body endorses the credential has
#: none: CTDL's recognizedBy would state a recognition the body never signed.
_QA_PROPERTY = (
    (QualityAssuranceKind.ACCREDITED, "ceterms:accreditedBy"),
    (QualityAssuranceKind.APPROVED, "ceterms:approvedBy"),
    (QualityAssuranceKind.RECOGNIZED, "ceterms:recognizedBy"),
)


def endorsement_property(kind: str) -> str | None:
    """The CTDL term a valid signed endorsement of ``kind`` is stated under: the strongest claim it confirms, by the
    rule the credential page weighs claims with (:data:`generator.recognition.CONFIRMS`); ``None`` when it confirms
    none CTDL has a term for (a mere ``endorses``)."""
    return next((prop for qa, prop in _QA_PROPERTY if kind in CONFIRMS[qa]), None)


def _lang(language: str, text: str) -> dict[str, str]:
    return {language: text}


def _texts(language: str, text: str, translations: dict[str, str | None]) -> dict[str, str]:
    """A language map: the definition's own text and its translations (those that give this text)."""
    result = {language: text}
    result.update((tag, value.strip()) for tag, value in translations.items() if value)
    return result


def _concept(framework: str, framework_name: str, node: str, name: str, language: str) -> dict[str, Any]:
    return {
        "@type": "ceterms:CredentialAlignmentObject",
        "ceterms:framework": framework,
        "ceterms:frameworkName": _lang(language, framework_name),
        "ceterms:targetNode": node,
        "ceterms:targetNodeName": _lang(language, name),
    }


def _alignment(
    name: str, alignment: Alignment | None, language: str, node: str | None = None, *, occupation: bool = False
) -> dict[str, Any]:
    """``node``: the item's address as the registry builds it from framework and code (a skill's, as its pages
    link it), which stands before the issuer's ``url``. The code is the framework's spelling (an ESCO id in small
    letters, not its URI: ``model.framework_code``), as the skills index groups it: a reader of the export would
    otherwise count one item given two ways as two."""
    obj: dict[str, Any] = {
        "@type": "ceterms:CredentialAlignmentObject",
        "ceterms:targetNodeName": _lang(language, name),
    }
    if alignment is not None:
        obj["ceterms:frameworkName"] = _lang(language, alignment.framework.value)
        obj["ceterms:codedNotation"] = framework_code(alignment.framework, alignment.code, occupation=occupation)
        if node or alignment.url:
            obj["ceterms:targetNode"] = node or alignment.url
    return obj


def _occupation_node(alignment: Alignment | None) -> str | None:
    """An occupation's address as the registry builds it and its page links it (``model.framework_url``)."""
    return framework_url(alignment.framework, alignment.code, occupation=True) if alignment else None


def hours_duration(hours: float) -> str:
    """Learning hours as an ``xsd:duration``, which CTDL's ``timeRequired`` is: only its seconds may hold a
    fraction, so 1.5 hours is ``PT1H30M``, never ``PT1.5H``; exactly the hours the pages give
    (:func:`labels.number`), never rounded, never in exponent form (``:g`` wrote 0.00001 hours as ``PT1e-05H``)."""
    seconds = Decimal(labels.number(hours)) * 3600
    whole_hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    text = f"PT{whole_hours:f}H" if whole_hours else "PT"
    text += f"{minutes:f}M" if minutes else ""
    text += f"{format(seconds.normalize(), 'f')}S" if seconds else ""
    return text


def ctid(url: str) -> str:
    return f"ce-{uuid.uuid5(uuid.NAMESPACE_URL, url)}"


def ctdl_credential(model: SiteModel, entry: Entry) -> dict[str, Any]:
    registry = model.registry
    d = entry.definition
    lang = d.languages[0]
    page = registry.credential_url(entry.record.id, d.id)

    def url_of(ref: str) -> str:
        issuer, _, slug = ref.partition("/")
        return registry.credential_url(issuer, slug)

    doc: dict[str, Any] = {
        "@context": CTDL_CONTEXT,
        "@id": page,
        "@type": _CLASSES.get(d.achievement_type, _DEFAULT_CLASS),
        "ceterms:ctid": ctid(page),
        "ceterms:name": _texts(lang, d.name, {t: x.name for t, x in d.translations.items()}),
        "ceterms:description": _texts(
            lang, d.description.strip(), {t: x.description for t, x in d.translations.items()}
        ),
        "ceterms:subjectWebpage": page,
        "ceterms:ownedBy": [registry.issuer_url(entry.record.id)],
        "ceterms:offeredBy": [registry.issuer_url(entry.record.id)],
        "ceterms:inLanguage": list(d.languages),
        "ceterms:credentialStatusType": _concept(
            "https://credreg.net/ctdl/terms/CredentialStatus",
            "Credential Status",
            "credentialStat:Active" if d.status is LifecycleStatus.ACTIVE else "credentialStat:Deprecated",
            "Active" if d.status is LifecycleStatus.ACTIVE else "Deprecated",
            lang,
        ),
        "ceterms:dateEffective": d.created.isoformat(),
        "ceterms:versionIdentifier": [
            {
                "@type": "ceterms:IdentifierValue",
                "ceterms:identifierTypeName": _lang(lang, "Version"),
                "ceterms:identifierValueCode": d.version,
            }
        ],
    }
    duration: dict[str, Any] = {
        "@type": "ceterms:DurationProfile",
        "ceterms:timeRequired": hours_duration(d.effort.hours),
    }
    if d.effort.duration:
        duration["ceterms:exactDuration"] = xsd_duration(d.effort.duration)
    doc["ceterms:estimatedDuration"] = [duration]
    price = d.cost if isinstance(d.cost, Price) else None
    cost: dict[str, Any] = {
        "@type": "ceterms:CostProfile",
        "ceterms:costDetails": page,
        "ceterms:price": price.amount if price else 0,
        "ceterms:directCostType": _concept(
            "https://credreg.net/ctdl/terms/CostType", "Cost Type", "costType:AggregateCost", "Aggregate Cost", lang
        ),
    }
    if price:
        cost["ceterms:currency"] = price.currency
    doc["ceterms:estimatedCost"] = [cost]
    node, name = _DELIVERY[d.delivery]
    doc["ceterms:learningDeliveryType"] = [
        _concept("https://credreg.net/ctdl/terms/Delivery", "Delivery Type", node, name, lang)
    ]
    if d.occupations:
        doc["ceterms:occupationType"] = [
            _alignment(o.name, o.alignment, lang, _occupation_node(o.alignment), occupation=True) for o in d.occupations
        ]
    if d.industries:
        doc["ceterms:industryType"] = [_alignment(i, None, lang) for i in d.industries]
    keywords = list(dict.fromkeys([*d.tags, *(s.name for s in d.skills)]))
    doc["ceterms:keyword"] = {lang: keywords}
    requires: list[dict[str, Any]] = [
        {
            "@type": "ceterms:ConditionProfile",
            "ceterms:name": _lang(lang, "Criteria"),
            "ceterms:description": _texts(
                lang, d.criteria.narrative.strip(), {t: x.criteria for t, x in d.translations.items()}
            ),
            "ceterms:targetCompetency": [
                _alignment(s.name, s.alignment, lang, model.skills[key].url)
                for key, s in zip(entry.skill_groups, d.skills, strict=True)
            ],
        }
    ]
    if entry.prerequisites:
        requires.append(
            {
                "@type": "ceterms:ConditionProfile",
                "ceterms:name": _lang(lang, "Prerequisites"),
                "ceterms:description": _lang(lang, "Hold all of these credentials first."),
                "ceterms:targetCredential": [url_of(r) for r in entry.prerequisites],
            }
        )
    if d.stacking is not None:
        needed = {
            StackingRule.ALL_OF: f"Hold all {len(entry.components)} of these credentials.",
            StackingRule.ANY_OF: "Hold any one of these credentials.",
            StackingRule.N_OF_M: f"Hold {d.stacking.n} of these {len(entry.components)} credentials.",
        }[d.stacking.rule]
        requires.append(
            {
                "@type": "ceterms:ConditionProfile",
                "ceterms:name": _lang(lang, "Stacked credentials"),
                "ceterms:description": _lang(lang, needed),
                "ceterms:targetCredential": [url_of(r) for r in entry.components],
            }
        )
        doc["ceterms:hasPart"] = [url_of(r) for r in entry.components]
    doc["ceterms:requires"] = requires
    if entry.stacks_into:
        doc["ceterms:isPartOf"] = [url_of(r) for r in entry.stacks_into]
    if entry.required_by:
        doc["ceterms:isRequiredFor"] = [
            {
                "@type": "ceterms:ConditionProfile",
                "ceterms:description": _lang(lang, "This credential is a prerequisite of these credentials."),
                "ceterms:targetCredential": [url_of(r) for r in entry.required_by],
            }
        ]
    if entry.superseded_by:
        doc["ceterms:latestVersion"] = url_of(entry.superseded_by)
    if entry.supersedes:
        doc["ceterms:previousVersion"] = url_of(entry.supersedes)
    # Only what a body signed (and still stands behind) is stated as accreditation, recognition or approval, and only
    # as strong as what it signed (endorsement_property); an issuer's unconfirmed claim is not exported as fact.
    subject = registry.credential_url(entry.record.id, d.id)
    for item in model.recognition.of(subject):
        if not item.valid or item.endorser is None:
            continue
        org = {
            "@type": "ceterms:QACredentialOrganization",
            "ceterms:name": _lang(lang, registry.endorser_name(item.endorser)),
            "ceterms:subjectWebpage": registry.url(f"endorsers/{item.endorser}/")
            if item.endorser in registry.endorsers
            else registry.issuer_url(item.endorser),
        }
        prop = endorsement_property(item.kind)
        if prop is not None and org not in doc.get(prop, []):
            doc.setdefault(prop, []).append(org)
    if d.validity.period:
        doc["ceterms:renewalFrequency"] = xsd_duration(d.validity.period)
    if d.image:
        doc["ceterms:image"] = (
            d.image if d.image.startswith("https://") else registry.url(f"issuers/{entry.record.id}/{d.image}")
        )
    return doc
