"""JSON Schemas for every registry file kind, generated from the models.

The committed files in ``schemas/`` are what editors (yaml-language-server, VS Code) and other tools use; a
test regenerates them and fails when they drift from the models. Each file is validated against its schema
with jsonschema and then parsed by its model, so the two can never disagree silently.
"""

from __future__ import annotations

import enum
import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema_rs
from pydantic import BaseModel

from generator._internal.files import write_text_atomic
from generator._internal.text import terminal_json
from generator.errors import UsageError
from generator.models import CredentialDefinition, Governance, Issuer, PublicKey
from generator.models._base import ecmascript_pattern
from generator.models.award import Award, RevocationEntry
from generator.models.endorsement import Endorsement
from generator.models.endorser import Endorser

if TYPE_CHECKING:  # python-jsonschema walks only an invalid document (see schema_errors): imported then
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

__all__ = ["SCHEMA_ID_BASE", "FileKind", "check_schemas", "json_schema", "validator", "write_schemas"]

#: Stable identifiers: a schema's $id never depends on where a registry is deployed.
SCHEMA_ID_BASE = "https://credreg.dev/schemas/v1/"


class FileKind(enum.StrEnum):
    """Every kind of file the registry holds, named as its schema file is."""

    GOVERNANCE = "governance"
    ISSUER = "issuer"
    CREDENTIAL = "credential"
    KEY = "key"
    AWARD = "award"
    REVOCATION = "revocation"
    ENDORSER = "endorser"
    ENDORSEMENT = "endorsement"


@dataclass(frozen=True, slots=True)
class _KindInfo:
    model: type[BaseModel]
    title: str
    description: str


_KINDS: dict[FileKind, _KindInfo] = {
    FileKind.GOVERNANCE: _KindInfo(Governance, "Registry governance", "registry/governance.yaml"),
    FileKind.ISSUER: _KindInfo(Issuer, "Issuer", "registry/issuers/<issuer>/issuer.yaml"),
    FileKind.CREDENTIAL: _KindInfo(
        CredentialDefinition, "Credential definition", "registry/issuers/<issuer>/credentials/<slug>.yaml"
    ),
    FileKind.KEY: _KindInfo(PublicKey, "Issuer public key", "keys/<issuer>/<key-id>.json"),
    FileKind.AWARD: _KindInfo(
        Award,
        "Award (Open Badges 3.0 OpenBadgeCredential, registry profile)",
        "registry/issuers/<issuer>/awards/<year>/<hh>/<award-hash>.json, or one per line of a .jsonl batch",
    ),
    FileKind.REVOCATION: _KindInfo(
        RevocationEntry, "Revocation entry", "one line of registry/issuers/<issuer>/revocations.jsonl"
    ),
    FileKind.ENDORSER: _KindInfo(Endorser, "Endorser", "registry/endorsers/<endorser>/endorser.yaml"),
    FileKind.ENDORSEMENT: _KindInfo(
        Endorsement,
        "Endorsement (Open Badges 3.0 EndorsementCredential, registry profile)",
        "registry/endorsers/<endorser>/endorsements/<hash>.json, or registry/issuers/<issuer>/endorsements/<hash>.json",
    ),
}


def model_for(kind: FileKind) -> type[BaseModel]:
    return _KINDS[kind].model


def schema_filename(kind: FileKind) -> str:
    return f"{kind.value}.schema.json"


def _ecmascript(node: Any) -> Any:
    """The schema with every ``pattern`` (and ``patternProperties`` key) written for ECMAScript: the models'
    ``\\Z`` (Python's true end of the string) is ``$`` there."""
    if isinstance(node, dict):
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key == "pattern" and isinstance(value, str):
                out[key] = ecmascript_pattern(value)
            elif key == "patternProperties" and isinstance(value, dict):
                out[key] = {ecmascript_pattern(k): _ecmascript(v) for k, v in value.items()}
            else:
                out[key] = _ecmascript(value)
        return out
    if isinstance(node, list):
        return [_ecmascript(v) for v in node]
    return node


@functools.cache
def json_schema(kind: FileKind) -> dict[str, Any]:
    info = _KINDS[kind]
    body = _ecmascript(info.model.model_json_schema(mode="validation", by_alias=True))
    body.pop("title", None)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID_BASE + schema_filename(kind),
        "title": info.title,
        "$comment": f"Generated from generator.models by `credreg schemas`; do not edit. File: {info.description}",
        **body,
    }


@functools.cache
def validator(kind: FileKind) -> Draft202012Validator:
    """A validator for ``kind``. It runs on a copy with every ``$ref`` inlined: our schemas are not recursive,
    and resolving references on every descent was a third of the validation time."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator(_inline_refs(json_schema(kind)))


@functools.cache
def _fast_validator(kind: FileKind) -> Any:
    return jsonschema_rs.Draft202012Validator(json_schema(kind), validate_formats=False)


def schema_errors(kind: FileKind, data: Any) -> list[ValidationError]:
    """Every way ``data`` breaks the JSON Schema of ``kind``.

    A valid document, the common case, is recognised by jsonschema-rs (compiled; a hundred times faster on
    our schemas); only an invalid one is walked by python-jsonschema, whose errors the loader turns into
    messages. Both implement Draft 2020-12 with formats as annotations; ``tests/test_schema.py`` holds them
    to the same verdict on every valid and invalid file the tests have.
    """
    try:
        if _fast_validator(kind).is_valid(data):
            return []
    except (TypeError, ValueError):  # a value jsonschema-rs cannot take in: let python-jsonschema judge
        pass
    return list(validator(kind).iter_errors(data))


def inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with every local ``$ref`` replaced by what it names (for walking it, and for speed)."""
    return _inline_refs(schema)


def _inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    definitions = schema.get("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                target = walk(definitions[ref.removeprefix("#/$defs/")])
                return {**target, **{k: walk(v) for k, v in node.items() if k != "$ref"}}
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return {k: walk(v) for k, v in schema.items() if k != "$defs"}


def render_schema(kind: FileKind) -> str:
    # The patterns hold characters that show as nothing (the tag characters of UNSEEN are written as themselves,
    # Python and ECMAScript spelling escapes beyond the BMP differently): written as JSON escapes, so the file a
    # reviewer reads and diffs shows them, and it parses to the same schema.
    return terminal_json(json.dumps(json_schema(kind), indent=2, ensure_ascii=False)) + "\n"


def _current(target: Path, text: str) -> bool:
    """Whether ``target`` is a file holding ``text`` (a folder, or a file that cannot be read, is not)."""
    try:
        return target.read_bytes() == text.encode("utf-8")
    except OSError:
        return False


def write_schemas(directory: Path) -> list[Path]:
    """Write every schema into ``directory`` (each file whole: a reader or a killed run never leaves half of one);
    returns the files that changed. A folder that cannot be written is a usage error naming the path."""
    changed = []
    for kind in FileKind:
        target = directory / schema_filename(kind)
        text = render_schema(kind)
        if not _current(target, text):
            try:
                write_text_atomic(target, text)
            except OSError as exc:
                # The schema file, unless the folder itself failed (the temporary file is no name for a user).
                failed = Path(exc.filename) if isinstance(exc.filename, str) else target
                where = target if failed.parent == target.parent else failed
                raise UsageError(f"{where}: {exc.strerror or exc}") from None
            changed.append(target)
    return changed


def check_schemas(directory: Path) -> list[str]:
    """Names of committed schema files that are missing or differ from the models."""
    return [
        f"{directory.name}/{schema_filename(kind)}"
        for kind in FileKind
        if not _current(directory / schema_filename(kind), render_schema(kind))
    ]
