"""What the catalog's search index holds for each credential: its words, its facet values, its sort key and the
card the catalog shows."""

from __future__ import annotations

import json
from dataclasses import dataclass

from generator.render.components import card_data
from generator.render.endorsements import endorser_names
from generator.render.facets import facet_values
from generator.render.model import Entry, SiteModel, name_order

__all__ = ["MATCH_ALL", "SearchRecord", "search_records"]

#: A word every record contains. The catalog searches for it when only facets are chosen: Pagefind answers a
#: search without words by loading its whole word index (megabytes at thousands of credentials), a search for
#: one word by loading only that word's chunk.
MATCH_ALL = "allcredentials"


@dataclass(frozen=True, slots=True)
class SearchRecord:
    url: str
    """Site path from the root, with a leading ``/`` (the catalog script prefixes the site's base path)."""
    content: str
    meta: dict[str, str]
    filters: dict[str, list[str]]
    sort: dict[str, str]


def _content(model: SiteModel, entry: Entry) -> str:
    d = entry.definition
    parts = [d.name, d.summary, entry.issuer.name, d.description, d.criteria.narrative]
    # Who vouches for it, claimed or signed: an employer searches for the body they trust.
    parts += [qa.by for qa in d.quality_assurance]
    parts += endorser_names(model, entry)
    for skill in d.skills:
        parts += [skill.name, skill.description or ""]
        if skill.alignment is not None:
            parts.append(skill.alignment.name or "")
    parts += [a.description or "" for a in d.criteria.assessment]
    parts += [o.name for o in d.occupations]
    parts += [*d.industries, *(t.replace("-", " ") for t in d.tags)]
    for t in d.translations.values():  # readers of other languages search in their words
        parts += [t.name or "", t.summary or "", t.description or "", t.criteria or ""]
    parts.append(MATCH_ALL)
    return "\n".join(p for p in parts if p)


def search_records(model: SiteModel) -> list[SearchRecord]:
    return [
        SearchRecord(
            url=f"/{entry.path}",
            content=_content(model, entry),
            meta={
                "title": entry.definition.name,
                "card": json.dumps(card_data(entry), ensure_ascii=False, separators=(",", ":")),
            },
            filters=facet_values(model, entry),
            sort={"name": name_order(entry.definition.name)},
        )
        for entry in model.by_name()
    ]
