"""Structure rules of an Open Badges 3.0 credential on the VC 2.0 data model.

These apply to any credential ``credreg verify`` is given; awards in the registry must in addition fit the
registry's profile (:class:`generator.models.award.Award`).
"""

from __future__ import annotations

import re
from typing import Any

from generator._internal.times import parse_time, validity_window_problem
from generator.openbadges import OB3_CONTEXT_URL, VC2_CONTEXT_URL

__all__ = ["proof_problems", "structure_problems"]

_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+\Z")
OB3_CONTEXT_PREFIX = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0."


def _types(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    return []


def _id_of(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return str(value["id"])
    return None


def structure_problems(doc: Any) -> list[str]:
    """What keeps ``doc`` from being a well-formed OB 3.0 credential (empty when it is)."""
    if not isinstance(doc, dict):
        return ["the credential is not a JSON object"]
    out: list[str] = []
    contexts = doc.get("@context")
    if not isinstance(contexts, list) or not contexts or contexts[0] != VC2_CONTEXT_URL:
        out.append(f"@context: the first context must be {VC2_CONTEXT_URL}")
    elif not any(isinstance(c, str) and c.startswith(OB3_CONTEXT_PREFIX) for c in contexts):
        out.append(f"@context: must include the Open Badges 3.0 context ({OB3_CONTEXT_URL})")
    types = _types(doc.get("type"))
    if "VerifiableCredential" not in types:
        out.append("type: must include VerifiableCredential")
    if not {"OpenBadgeCredential", "AchievementCredential"} & set(types):
        out.append("type: must include OpenBadgeCredential (or AchievementCredential)")
    if "id" in doc and not (isinstance(doc["id"], str) and _URI.match(doc["id"])):
        out.append("id: must be a URI")
    issuer = _id_of(doc.get("issuer"))
    if issuer is None or not _URI.match(issuer):
        out.append("issuer: must be a URI or a Profile with an id")
    elif isinstance(doc["issuer"], dict) and "Profile" not in _types(doc["issuer"].get("type")):
        out.append("issuer.type: must include Profile")
    for name in ("validFrom", "validUntil"):
        value = doc.get(name)
        if value is None and name == "validFrom":
            out.append("validFrom: required (OB 3.0 on VC 2.0)")
        elif value is not None and parse_time(value) is None:
            out.append(f"{name}: must be an XML Schema dateTime with a time zone")
    window = validity_window_problem(doc.get("validFrom"), doc.get("validUntil"), same_allowed=True)
    if window is not None:
        out.append(f"validUntil: {window}")
    if "issuanceDate" in doc or "expirationDate" in doc:
        out.append("issuanceDate/expirationDate are VC 1.1 properties; VC 2.0 uses validFrom/validUntil")
    out.extend(_subject_problems(doc.get("credentialSubject")))
    proofs = doc.get("proof")
    proof_list = proofs if isinstance(proofs, list) else [proofs] if isinstance(proofs, dict) else []
    if not proof_list:
        out.append("proof: the credential carries no Data Integrity proof")
    for i, proof in enumerate(proof_list):
        if not isinstance(proof, dict):
            out.append(f"proof[{i}]: must be an object")
            continue
        for key in ("type", "cryptosuite", "verificationMethod", "proofPurpose", "proofValue"):
            if not isinstance(proof.get(key), str):
                out.append(f"proof[{i}].{key}: required")
        out.extend(f"proof[{i}].{problem}" for problem in proof_problems(proof))
    status = doc.get("credentialStatus")
    if status is not None:
        for i, entry in enumerate(status if isinstance(status, list) else [status]):
            if not isinstance(entry, dict) or not _types(entry.get("type")):
                out.append(f"credentialStatus[{i}]: must be an object with a type")
    return out


def proof_problems(proof: dict[str, Any]) -> list[str]:
    """What a credential's proof says that no verifier may read past, whatever its key (``policies.js``
    ``proofProblems`` is the browser's copy): a ``created`` (optional in Data Integrity) that is not a date-time
    with a time zone. A registry key's window is checked against ``created``; a ``did:key`` has none, but its
    proof's ``created`` is still the signing time a verdict reads. (The proof's purpose is the proof check's:
    :func:`generator.crypto.dataintegrity.verify_proof`.)"""
    if "created" in proof and parse_time(proof["created"]) is None:
        return ["created: must be an XML Schema dateTime with a time zone"]
    return []


def _subject_problems(subject: Any) -> list[str]:
    subjects = subject if isinstance(subject, list) else [subject]
    out: list[str] = []
    if not subjects or not all(isinstance(s, dict) for s in subjects):
        return ["credentialSubject: required, an AchievementSubject object"]
    if len(subjects) > 1:
        # Every rule (the achievement's owner, the recipient) and every page reads one subject: a second one would
        # be signed and shown to no check.
        return [f"credentialSubject: must be one AchievementSubject, not {len(subjects)}"]
    for s in subjects:
        if "AchievementSubject" not in _types(s.get("type")):
            out.append("credentialSubject.type: must include AchievementSubject")
        achievement = s.get("achievement")
        if not isinstance(achievement, dict):
            out.append("credentialSubject.achievement: required, an Achievement object")
        else:
            for key in ("id", "name", "description"):
                if not isinstance(achievement.get(key), str):
                    out.append(f"credentialSubject.achievement.{key}: required")
            if "Achievement" not in _types(achievement.get("type")):
                out.append("credentialSubject.achievement.type: must include Achievement")
            criteria = achievement.get("criteria")
            if not isinstance(criteria, dict) or not ({"id", "narrative"} & set(criteria)):
                out.append("credentialSubject.achievement.criteria: required, with an id or a narrative")
        identifiers = s.get("identifier", [])
        for i, ident in enumerate(identifiers if isinstance(identifiers, list) else [identifiers]):
            if not isinstance(ident, dict):
                out.append(f"credentialSubject.identifier[{i}]: must be an IdentityObject")
                continue
            for key in ("identityHash", "identityType"):
                if not isinstance(ident.get(key), str):
                    out.append(f"credentialSubject.identifier[{i}].{key}: required")
            if not isinstance(ident.get("hashed"), bool):
                out.append(f"credentialSubject.identifier[{i}].hashed: required, true or false")
        if "id" not in s and not identifiers:
            out.append("credentialSubject: needs an id or an identifier naming the recipient")
    return out
