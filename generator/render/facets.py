"""The catalog's facets: which values each credential has, in words, and the order values are offered in.

The values become Pagefind filters on each credential page, so the browser's facet counts come from the
search index and nothing else has to be downloaded.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.models import LifecycleStatus, Proficiency
from generator.render import labels
from generator.render.endorsements import endorser_names
from generator.render.model import Entry, SiteModel, display_label

__all__ = ["FACETS", "Facet", "facet_order", "facet_values", "skill_label"]


@dataclass(frozen=True, slots=True)
class Facet:
    key: str
    label: str
    order: tuple[str, ...] = ()
    """Fixed order of values (ranges, levels); empty: by count, then alphabetically."""
    help: str = ""


FACETS: tuple[Facet, ...] = (
    Facet("skill", "Skill"),
    Facet("level", "Level", tuple(labels.PROFICIENCY[p] for p in Proficiency)),
    Facet(
        "eqf",
        "EQF level",
        tuple(f"EQF {n}" for n in range(1, 9)),
        "European Qualifications Framework, 1–8: 4 is upper-secondary or vocational, 5 short-cycle higher "
        "education, 6 bachelor's, 7 master's, 8 doctoral level.",
    ),
    Facet(
        "assessment",
        "Assessed by",
        tuple(labels.ASSESSMENT.values()),
        "Every method that counts towards the result.",
    ),
    Facet(
        "practical",
        "Practical assessment",
        labels.PRACTICAL_SHARE,
        "How much of the result comes from doing the work (project, portfolio, practical task, observation).",
    ),
    Facet("type", "Type"),
    Facet("issuer", "Issuer"),
    Facet(
        "recognised",
        "Recognised by",
        (),
        "Bodies that signed an endorsement of the credential or its issuer (accreditation, recognition, approval), "
        "checked when the site was built: claims alone do not count.",
    ),
    Facet("delivery", "Delivery", tuple(labels.DELIVERY.values())),
    Facet(
        "cost",
        "Cost",
        (),  # by currency, then range: the currencies are the registry's (facet_order)
        "Price ranges in each credential's own currency: the registry converts none.",
    ),
    Facet("effort", "Effort", tuple(label for label, _ in labels.EFFORT_BUCKETS)),
    Facet("language", "Language"),
    Facet("industry", "Industry"),
    Facet("occupation", "Occupation"),
    Facet("status", "Status", tuple(labels.STATUS[s] for s in LifecycleStatus)),
)


def facet_order(model: SiteModel, facet: Facet) -> tuple[str, ...]:
    """The order ``facet`` offers its values in: its own, or for the cost filter every range of every currency
    the registry's prices are in (free first, then currency by currency, lowest range first)."""
    if facet.key != "cost":
        return facet.order
    prices = (e.definition.cost for e in model.entries.values())
    return labels.cost_order(p.currency for p in prices if not isinstance(p, str))


def skill_label(label: str) -> str:
    """Framework labels are often lowercase (ESCO): capitalise the first letter for display."""
    return display_label(label)


def facet_values(model: SiteModel, entry: Entry) -> dict[str, list[str]]:
    d = entry.definition
    values: dict[str, list[str]] = {
        "skill": list(dict.fromkeys(skill_label(model.skills[k].label) for k in entry.skill_groups)),
        "level": [labels.PROFICIENCY[d.level.proficiency]] if d.level.proficiency else [],
        "eqf": [f"EQF {d.level.eqf}"] if d.level.eqf is not None else [],
        "assessment": list(dict.fromkeys(labels.ASSESSMENT[a.method] for a in d.criteria.assessment)),
        "practical": [labels.practical_share(d)],
        "type": [labels.achievement_type_label(d.achievement_type.value)],
        "issuer": [entry.issuer.name],
        "recognised": endorser_names(model, entry),
        "delivery": [labels.DELIVERY[d.delivery]],
        "cost": [labels.cost_bucket(d.cost)],
        "effort": [labels.effort_bucket(d.effort.hours)],
        "language": [labels.language_name(t) for t in d.languages],
        "industry": list(d.industries),
        "occupation": list(dict.fromkeys(o.name for o in d.occupations)),
        "status": [labels.STATUS[d.status]],
    }
    # Each value as a page shows it (spaces before it, or two in a row, are not drawn): one industry, occupation or
    # name given with and without them is one value, and spaces do not put a value first in its list of filters.
    shown = {k: list(dict.fromkeys(" ".join(x.split()) for x in v)) for k, v in values.items()}
    return {k: v for k, v in shown.items() if v}
