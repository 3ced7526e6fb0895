"""Who defines what, applied: the one rule by which a credential naming one of this registry's Achievement ids
must be issued by the issuer that defines it (an open gap of Open Badges 3.0, which lets anyone name any id).

The source of the binding is the registry's statements (:mod:`generator.statements`), from one of two places:

* :class:`PublishedBindings`: the signed statements a site publishes (``statements/index.json`` and the files it
  names), each verified against the registry's declared ``registry_key`` (or, for a site that declares none, the
  key its index names, which is a *demo* key: it proves nothing about who runs the registry, and the verdict
  says so). A verifier that holds only the published statements reaches the same verdict as one that holds the
  registry (``credreg verify --statements SITE``).
* :class:`RegistryBindings`: the registry's loaded data, i.e. exactly what its build signs (the same
  :func:`generator.statements.binding_statement` content), for a registry checked where it lives.

:func:`binding_problem` is the rule; :class:`generator.verify.policies.CredentialPolicy` applies it to
foreign credentials. The verification page applies the same rule to the site it is served from
(``generator/site/assets/verify/binding.js``, held equal by tests/site/test_binding_js.py and
tests/site/test_binding_differential_js.py): with the site's statements when it publishes them, else from the
achievement's URL, as :class:`RegistryBindings` does.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from generator._internal.files import read_inside
from generator._internal.source import SourceError, decode_utf8, parse_json
from generator.registry import Registry

__all__ = ["NO_ISSUER_ID", "Binding", "BindingSource", "PublishedBindings", "RegistryBindings", "binding_problem"]

MAX_STATEMENT_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class Binding:
    """What the registry states about one Achievement id: the issuer that defines it."""

    owner: str
    """The registry's id of the issuer (``acme-academy``)."""

    owner_did: str
    source: str = ""
    """How the statement was known, said after the verdict ("" for the registry's own data)."""


class BindingSource(Protocol):
    def lookup(self, achievement_id: str) -> Binding | str | None:
        """The binding of ``achievement_id``; a string saying why its statement cannot be trusted; or ``None``
        when the source states nothing about it."""


class RegistryBindings:
    """The bindings the registry's build signs, straight from its loaded data."""

    def __init__(self, registry: Registry) -> None:
        self._by_id = {
            registry.credential_url(record.id, c.model.id): Binding(record.id, registry.issuer_did(record.id))
            for record, c in registry.credentials()
        }

    def lookup(self, achievement_id: str) -> Binding | str | None:
        return self._by_id.get(achievement_id)


class PublishedBindings:
    """The signed statements of a published site (a directory holding ``statements/index.json``)."""

    def __init__(self, site: Path, registry: Registry) -> None:
        from generator.statements import INDEX_PATH, registry_did

        self.site = site
        self.did = registry_did(registry.site_url)
        try:
            index = _read(site, INDEX_PATH, str(site / INDEX_PATH), what="the statements index")
        except SourceError as exc:
            raise ValueError(str(exc)) from None
        if index is None:
            # A site built without statements (no registry_key and no --demo-log) is not a malformed one.
            raise ValueError(
                f"{site / INDEX_PATH} is missing: {site} is not a built site with signed statements (a registry "
                "signs them with its registry_key, or with a demo key under `credreg build --demo-log`)"
            )
        if not isinstance(index, dict) or not isinstance(index.get("statements"), dict):
            raise ValueError(f"{site / INDEX_PATH} is not a statements index")
        declared = registry.governance.model.registry_key
        published = index.get("publicKeyMultibase")
        self.demo = declared is None
        if declared is not None and published not in (None, declared):
            raise ValueError(f"{site / INDEX_PATH} names a key that is not the registry_key governance.yaml declares")
        key = declared or published
        if not isinstance(key, str):
            raise ValueError(f"{site / INDEX_PATH} names no key")
        self.key: str = key
        self.paths: dict[str, str] = {k: v for k, v in index["statements"].items() if isinstance(v, str)}

    def lookup(self, achievement_id: str) -> Binding | str | None:
        from generator.statements import statement_problem

        path = self.paths.get(achievement_id)
        if path is None:
            return None
        parts = path.split("/")
        if len(parts) != 3 or parts[0] != "statements" or not parts[2].endswith(".json"):
            return f"the index names {path!r}, which is not a statement file"
        try:
            document = _read(self.site, path, path, what="the statement")
        except SourceError as exc:
            return str(exc)  # where (the file, line and column) and why
        problem = statement_problem(document, self.did, self.key)
        if problem is not None:
            return f"{path}: {problem}"
        subject = document["credentialSubject"]
        if subject["id"] != achievement_id:
            return f"{path} is about {subject['id']}, not this achievement"
        source = (
            "the registry's statement, signed with a DEMO key that proves nothing about who runs the registry"
            if self.demo
            else "the registry's signed statement"
        )
        return Binding(parts[1], subject["achievementCreator"], source)


def _read(site: Path, rel: str, name: str, *, what: str) -> Any:
    """A JSON file of the site, bounded and never through a link: ``None`` when it cannot be read (as the page,
    which finds nothing there); parsed as strictly as every other file (:func:`parse_json`: no duplicate key,
    NaN or huge number, a bounded nesting), else :class:`SourceError`, located in the file it names ``name``."""
    try:
        raw = read_inside(site, rel, limit=MAX_STATEMENT_BYTES)
    except OSError:
        return None
    return parse_json(
        decode_utf8(raw, name, limit=MAX_STATEMENT_BYTES), name, max_bytes=MAX_STATEMENT_BYTES, what=what
    ).data


#: Who issued a credential with no issuer id, in :func:`binding_problem`'s words (binding.js ``NO_ISSUER_ID``).
NO_ISSUER_ID = "an issuer with no id"


def binding_problem(source: BindingSource, prefix: str, achievement_id: Any, issuer_did: str | None) -> str | None:
    """Why a credential by ``issuer_did`` may not name ``achievement_id`` (``None`` when nothing forbids it).
    ``prefix``: the registry's ``credentials/`` URL; an id under it that no statement covers is still the page
    of the issuer it names."""
    if not isinstance(achievement_id, str):
        return None
    binding = source.lookup(achievement_id)
    if isinstance(binding, str):
        return f"the registry's statement about this achievement does not verify: {binding}"
    if binding is None:
        if not achievement_id.startswith(prefix):
            return None
        owner = achievement_id[len(prefix) :].split("/")[0]
        if not owner:
            return None
        binding = Binding(owner, "")
    # An owner known only by the URL has no DID (""): it matches no issuer, an empty issuer id least of all.
    if binding.owner_did and binding.owner_did == issuer_did:
        return None
    said = f" ({binding.source})" if binding.source else ""
    who = issuer_did or NO_ISSUER_ID  # not "None" or an empty name ("but  issued this")
    return (
        f"the achievement is {binding.owner}'s credential in this registry{said}, but {who} issued this: "
        "only its owner awards it"
    )
