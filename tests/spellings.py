"""Other JSON-LD spellings of a signed credential: the same facts (often the same RDF graph, so the same RDFC
signature) written so that a check reading plain JSON keys would miss or misread them.

Each spelling is a function from a credential to a changed copy; :data:`SPELLINGS` names them all, generated over
every fact a verdict uses (issuer, validFrom, validUntil, credentialStatus, credentialSubject, achievement, proof,
type, id). Shared by the Python tests and the differential corpus run through the browser verifier.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

CRED = "https://www.w3.org/2018/credentials#"
OB = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#"
SEC = "https://w3id.org/security#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SCHEMA = "https://schema.org/"
DATA_INTEGRITY_CONTEXT = "https://w3id.org/security/data-integrity/v2"

Spelling = Callable[[dict[str, Any]], dict[str, Any]]

#: Top-level facts and the IRIs their keys stand for.
TOP_LEVEL = {
    "issuer": CRED + "issuer",
    "validFrom": CRED + "validFrom",
    "validUntil": CRED + "validUntil",
    "credentialStatus": CRED + "credentialStatus",
    "credentialSubject": CRED + "credentialSubject",
}


def _changed(change: Callable[[dict[str, Any]], None]) -> Spelling:
    def spell(doc: dict[str, Any]) -> dict[str, Any]:
        out = copy.deepcopy(doc)
        change(out)
        return out

    return spell


def _rename(key: str, new: str, *, where: Callable[[dict[str, Any]], dict[str, Any]] = lambda d: d) -> Spelling:
    def change(doc: dict[str, Any]) -> None:
        target = where(doc)
        target[new] = target.pop(key)

    return _changed(change)


def _typed_value(key: str, new_key: str | None = None, datatype: str | None = XSD + "dateTime") -> Spelling:
    def change(doc: dict[str, Any]) -> None:
        value: dict[str, Any] = {"@value": doc.pop(key)}
        if datatype:
            value["@type"] = datatype
        doc[new_key or key] = value

    return _changed(change)


def _with_context(extra: Any, rename: tuple[str, str] | None = None) -> Spelling:
    def change(doc: dict[str, Any]) -> None:
        doc["@context"] = [*doc["@context"], extra]
        if rename:
            doc[rename[1]] = doc.pop(rename[0])

    return _changed(change)


def _subject(doc: dict[str, Any]) -> dict[str, Any]:
    subject: dict[str, Any] = doc["credentialSubject"]
    return subject


def _achievement(doc: dict[str, Any]) -> dict[str, Any]:
    achievement: dict[str, Any] = doc["credentialSubject"]["achievement"]
    return achievement


def _value_object(target: dict[str, Any], key: str) -> None:
    target[key] = {"@value": target[key]}


def _graph(doc: dict[str, Any]) -> None:
    body = {k: doc.pop(k) for k in list(doc) if k not in ("@context", "proof")}
    doc["@graph"] = [body]


def _included_status(doc: dict[str, Any]) -> None:
    doc["@included"] = [{"id": doc["id"], "credentialStatus": doc.pop("credentialStatus")}]


def _reverse_status(doc: dict[str, Any]) -> None:
    status = doc.pop("credentialStatus")
    doc["@included"] = [{**status, "@reverse": {CRED + "credentialStatus": {"id": doc["id"]}}}]


def _nest(key: str) -> Spelling:
    def change(doc: dict[str, Any]) -> None:
        doc["@nest"] = {key: doc.pop(key)}

    return _changed(change)


def _status_said_elsewhere(doc: dict[str, Any]) -> None:
    # The credential node described a second time, inside the achievement, where the checks never look.
    _achievement(doc)["related"] = [{"id": doc["id"], "credentialStatus": doc.pop("credentialStatus")}]


def _issuer_said_twice(doc: dict[str, Any]) -> None:
    issuer = doc["issuer"]
    _achievement(doc)["creator"] = {**issuer, "name": "Northbridge University"}


def _only(suite: str) -> Spelling:
    def change(doc: dict[str, Any]) -> None:
        doc["proof"] = [p for p in doc["proof"] if p["cryptosuite"] == suite]

    return _changed(change)


def _proof_extra(doc: dict[str, Any]) -> None:
    for proof in doc["proof"]:
        proof["expires"] = "2020-01-01T00:00:00Z"


#: name → spelling. None of these may ever be VALID.
SPELLINGS: dict[str, Spelling] = {
    # The two spellings of the issue.
    "credentialStatus under its IRI": _rename("credentialStatus", CRED + "credentialStatus"),
    "validUntil under its IRI as a typed @value": _typed_value("validUntil", CRED + "validUntil"),
    # Every top-level fact under its IRI, and as a compact IRI with a prefix from an inline context.
    **{f"{key} under its IRI": _rename(key, iri) for key, iri in TOP_LEVEL.items() if key != "credentialStatus"},
    **{
        f"{key} as a compact IRI": _with_context({"cred": CRED}, (key, f"cred:{key}"))
        for key in ("issuer", "validUntil", "credentialStatus")
    },
    # Value objects.
    "validUntil as a typed @value": _typed_value("validUntil"),
    "validFrom as a typed @value": _typed_value("validFrom"),
    "achievement name as a @value": _changed(lambda d: _value_object(_achievement(d), "name")),
    # Aliases from an inline context, and contexts added or reordered.
    "validUntil aliased": _with_context(
        {"expires": {"@id": CRED + "validUntil", "@type": XSD + "dateTime"}}, ("validUntil", "expires")
    ),
    "credentialStatus aliased": _with_context(
        {"state": {"@id": CRED + "credentialStatus", "@type": "@id"}}, ("credentialStatus", "state")
    ),
    "an extra bundled context": _with_context(DATA_INTEGRITY_CONTEXT),
    "contexts reordered": _changed(lambda d: d.update({"@context": list(reversed(d["@context"]))})),
    # Keywords instead of their aliases, and structure keywords.
    "@type instead of type": _rename("type", "@type"),
    "@id instead of id": _rename("id", "@id"),
    "issuer's @id instead of id": _rename("id", "@id", where=lambda d: d["issuer"]),
    "achievement's @type instead of type": _rename("type", "@type", where=_achievement),
    "achievement under its IRI": _rename("achievement", OB + "achievement", where=_subject),
    "achievement name under its IRI": _rename("name", SCHEMA + "name", where=_achievement),
    "issuer name under its IRI": _rename("name", SCHEMA + "name", where=lambda d: d["issuer"]),
    "@graph": _changed(_graph),
    "credentialStatus in @included": _changed(_included_status),
    "credentialStatus by @reverse": _changed(_reverse_status),
    "validUntil in @nest": _nest("validUntil"),
    "credentialStatus in @nest": _nest("credentialStatus"),
    "credentialStatus as @set": _changed(lambda d: d.update(credentialStatus={"@set": [d["credentialStatus"]]})),
    "type as @list": _changed(lambda d: d.update(type={"@list": d["type"]})),
    # Said twice: the credential node again elsewhere; the issuer described differently as the creator.
    "credentialStatus said about the credential elsewhere": _changed(_status_said_elsewhere),
    "issuer said twice, differently": _changed(_issuer_said_twice),
    "the status entry named as the credential": _changed(lambda d: d["credentialStatus"].update(id=d["id"])),
    "evidence named as the achievement": _changed(
        lambda d: d.update(evidence=[{"id": _achievement(d)["id"], "type": ["Evidence"]}])
    ),
    # Proofs.
    "proof under its IRI": _rename("proof", SEC + "proof"),
    "proof with an expiry": _changed(_proof_extra),
}

#: Keep only one proof (the RDFC proof signs the graph, which most spellings leave unchanged).
ONLY_RDFC = _only("eddsa-rdfc-2022")
ONLY_JCS = _only("eddsa-jcs-2022")
