"""The registry as JSON under ``api/``: for tools that want data, not pages. URLs in it are absolute."""

from __future__ import annotations

from typing import Any

from generator.openbadges import issuer_profile, timestamp
from generator.publish.did import serves_did
from generator.publish.verifydata import keys_document
from generator.render import labels
from generator.render.compare import compare_display
from generator.render.endorsements import endorsement_file_path
from generator.render.facets import skill_label
from generator.render.model import Entry, SiteModel, name_order

__all__ = ["api_files"]


def _credential_links(model: SiteModel, ref: str) -> dict[str, str]:
    url = model.registry.url
    return {
        "page": url(f"credentials/{ref}/"),
        "api": url(f"api/credentials/{ref}.json"),
        "achievement": url(f"credentials/{ref}/achievement.json"),
        "ctdl": url(f"credentials/{ref}/ctdl.json"),
    }


def _awards(model: SiteModel, ref: str) -> dict[str, int]:
    s = model.stats
    return {
        "awarded": s.awarded.get(ref, 0),
        "active": max(s.active(ref), 0),
        "expired": s.expired.get(ref, 0),
        "revoked": s.revoked.get(ref, 0),
    }


def _summary(model: SiteModel, entry: Entry) -> dict[str, Any]:
    d = entry.definition
    return {
        "ref": entry.ref,
        "issuer": entry.record.id,
        "name": d.name,
        "summary": d.summary,
        "achievement_type": d.achievement_type.value,
        "status": d.status.value,
        "level": d.level.model_dump(mode="json", exclude_none=True),
        "hours": d.effort.hours,
        "cost": d.cost if isinstance(d.cost, str) else d.cost.model_dump(mode="json"),
        "delivery": d.delivery.value,
        "languages": list(d.languages),
        "skills": [s.name for s in d.skills],
        "created": d.created.isoformat(),
        **_credential_links(model, entry.ref),
    }


def _credential(model: SiteModel, entry: Entry) -> dict[str, Any]:
    return {
        "ref": entry.ref,
        **_credential_links(model, entry.ref),
        "issuer": {
            "id": entry.record.id,
            "name": entry.issuer.name,
            "page": model.registry.issuer_url(entry.record.id),
        },
        "definition": entry.definition.model_dump(mode="json", exclude_none=True),
        "relations": {
            "prerequisites": entry.prerequisites,
            "components": entry.components,
            "stacks_into": entry.stacks_into,
            "prerequisite_for": entry.required_by,
            "supersedes": entry.supersedes,
            "superseded_by": entry.superseded_by,
        },
        "awards": _awards(model, entry.ref),
        "display": compare_display(model, entry),
        **_recognition(model, entry),
    }


def _endorsement(model: SiteModel, item: Any) -> dict[str, Any]:
    doc = item.found.document
    subject = doc.get("credentialSubject", {})
    return {
        "hash": item.found.hash,
        "endorser": item.endorser,
        # The name registered for the body whose key signed it (verify_endorsement's), never the one the file gives.
        "endorser_name": item.result.facts.get("endorser_name"),
        "subject": item.subject,
        "kind": item.kind,
        "comment": subject.get("endorsementComment"),
        "scope": subject.get("endorsementScope"),
        "valid_from": doc.get("validFrom"),
        "valid_until": doc.get("validUntil"),
        "status": str(item.verdict),
        "file": model.registry.url(endorsement_file_path(item)),
    }


def _recognition(model: SiteModel, entry: Entry) -> dict[str, Any]:
    """Signed endorsements of the credential and what each quality-assurance claim is worth."""
    registry = model.registry
    subject = registry.credential_url(entry.record.id, entry.definition.id)
    return {
        "endorsements": [_endorsement(model, e) for e in model.recognition.of(subject) if e.result.authentic],
        "quality_assurance": [
            {"kind": c.claim.kind.value, "by": c.claim.by, "status": c.status.value, "endorser": c.endorser,
             "endorsement": c.endorsement}
            for c in model.recognition.claims(registry, entry.record.id, entry.definition.id)
        ],
    }  # fmt: skip


def _endorser(model: SiteModel, endorser_id: str) -> dict[str, Any]:
    registry = model.registry
    data: dict[str, Any] = registry.endorsers[endorser_id].endorser.model_dump(mode="json", exclude_none=True)
    data["page"] = registry.url(f"endorsers/{endorser_id}/")
    data["did"] = registry.endorser_did(endorser_id)
    data["keys"] = keys_document(registry, endorser_id)["keys"]
    data["endorsements"] = [_endorsement(model, e) for e in model.recognition.by(endorser_id) if e.result.authentic]
    return data


def _issuer(model: SiteModel, issuer_id: str) -> dict[str, Any]:
    registry = model.registry
    record = registry.issuers[issuer_id]
    data: dict[str, Any] = record.issuer.model_dump(mode="json", exclude_none=True)
    data["page"] = registry.issuer_url(issuer_id)
    data["did"] = registry.issuer_did(issuer_id)
    if serves_did(registry, issuer_id):
        data["did_document"] = registry.url(f"issuers/{issuer_id}/did.json")
    # Logos as the awards carry them (full URLs), the current one and each former profile's.
    if record.issuer.logo:
        data["logo"] = issuer_profile(registry, record.issuer)["image"]["id"]
    for entry, former in zip(data.get("former_profiles", []), record.issuer.former_profiles, strict=True):
        if former.logo:
            entry["logo"] = issuer_profile(registry, record.issuer, former)["image"]["id"]
    data["keys"] = keys_document(registry, issuer_id)["keys"]
    data["credentials"] = [e.ref for e in model.issuer_entries(issuer_id)]
    data["awards"] = {"awarded": model.stats.by_issuer.get(issuer_id, 0)}
    data["revocations"] = [
        {
            "award": r.hash,
            "credential": r.credential,
            "revoked": r.revoked,
            "reason": r.reason,
            "verify": registry.verify_url(r.hash),
        }
        for r in model.revocations.get(issuer_id, [])
    ]
    return data


def _skills(model: SiteModel) -> list[dict[str, Any]]:
    """The skills index as data. A group's ``label`` and ``url`` are no issuer's words for another issuer's
    credentials (see :class:`SkillGroup`); what each issuer calls the skill sits with its own credentials."""
    result = []
    for group in sorted(model.skills.values(), key=lambda g: (name_order(g.label), g.key)):
        credentials = []
        for ref, entry in group.credentials.items():
            d = entry.definition
            credentials.append(
                {
                    "ref": ref,
                    "name": d.name,
                    "issuer": entry.record.id,
                    "issuer_name": entry.issuer.name,
                    "status": d.status.value,  # as the skills page badges it: a retired one is not awarded
                    "called": [{"label": label, "name": name} for label, name in group.wordings(ref)],
                    "level": d.level.model_dump(mode="json", exclude_none=True),
                    "assessment": [{"method": a.method.value, "weight": a.weight} for a in d.criteria.assessment],
                }
            )
        result.append(
            {
                "label": skill_label(group.label),
                "label_agreed": group.agreed,
                "framework": group.framework.value if group.framework else None,
                "code": group.code,
                "url": group.url,
                "page": model.registry.url(f"skills/#{group.anchor}"),
                "credentials": credentials,
            }
        )
    return result


def api_files(model: SiteModel) -> dict[str, Any]:
    """Site path → JSON document."""
    registry = model.registry
    governance = registry.governance.model
    files: dict[str, Any] = {
        "api/registry.json": {
            "name": governance.name,
            "description": governance.description,
            "site_url": registry.site_url,
            "repository": governance.repository,
            "maintainers": list(governance.maintainers),
            "generated": timestamp(model.now),
            "counts": {
                "issuers": len(registry.issuers),
                "credentials": len(model.entries),
                "skills": len(model.skills),
                "awards": model.stats.total,
                "revoked": sum(model.stats.revoked.values()),
                "expired": sum(model.stats.expired.values()),
            },
            "links": {
                "issuers": registry.url("api/issuers.json"),
                "credentials": registry.url("api/credentials.json"),
                "skills": registry.url("api/skills.json"),
                "endorsers": registry.url("api/endorsers.json"),
                "feed": registry.url("feed.xml"),
                "verification_index": registry.url("verify/index.json"),
            },
        },
        "api/issuers.json": {
            "issuers": [
                {
                    "id": r.id,
                    "name": r.issuer.name,
                    "kind": r.issuer.kind.value,
                    "kind_label": labels.ISSUER_KIND[r.issuer.kind],
                    "country": r.issuer.location.country,
                    "did": registry.issuer_did(r.id),
                    "credentials": len(r.credentials),
                    "page": registry.issuer_url(r.id),
                    "api": registry.url(f"api/issuers/{r.id}.json"),
                }
                for r in sorted(registry.issuers.values(), key=lambda r: r.id)
            ]
        },
        "api/credentials.json": {"credentials": [_summary(model, e) for e in model.by_name()]},
        "api/skills.json": {"skills": _skills(model)},
    }
    for issuer_id in registry.issuers:
        files[f"api/issuers/{issuer_id}.json"] = _issuer(model, issuer_id)
    if registry.endorsers:
        files["api/endorsers.json"] = {
            "endorsers": [
                {"id": i, "name": r.endorser.name, "kind": r.endorser.kind.value, "did": registry.endorser_did(i),
                 "page": registry.url(f"endorsers/{i}/"), "api": registry.url(f"api/endorsers/{i}.json")}
                for i, r in sorted(registry.endorsers.items())
            ]
        }  # fmt: skip
        for endorser_id in registry.endorsers:
            files[f"api/endorsers/{endorser_id}.json"] = _endorser(model, endorser_id)
    for entry in model.entries.values():
        files[f"api/credentials/{entry.ref}.json"] = _credential(model, entry)
    return files
