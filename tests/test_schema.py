"""schemas/ is generated from the models and kept in sync; jsonschema and pydantic agree on real files."""

from __future__ import annotations

import json
from pathlib import Path

from jsonschema import Draft202012Validator

from generator import layout
from generator._internal.source import SourceError
from generator.load import read_document
from generator.schema import (
    SCHEMA_ID_BASE,
    FileKind,
    check_schemas,
    json_schema,
    model_for,
    render_schema,
    schema_errors,
    validator,
)
from tests.conftest import REPO


def test_committed_schemas_match_the_models() -> None:
    assert check_schemas(REPO / "schemas") == [], "run `credreg schemas` (make schemas) and commit the result"


def test_schemas_are_2020_12_with_stable_ids() -> None:
    for kind in FileKind:
        schema = json_schema(kind)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["$id"] == f"{SCHEMA_ID_BASE}{kind.value}.schema.json"
        assert json.loads(render_schema(kind)) == schema
        assert schema["additionalProperties"] is False


def test_drift_is_detected(tmp_path: Path) -> None:
    for kind in FileKind:
        (tmp_path / f"{kind.value}.schema.json").write_text(render_schema(kind))
    assert check_schemas(tmp_path) == []
    (tmp_path / "credential.schema.json").write_text("{}\n")
    assert check_schemas(tmp_path) == [f"{tmp_path.name}/credential.schema.json"]


def _registry_files() -> list[tuple[Path, FileKind]]:
    files = [(REPO / layout.GOVERNANCE_PATH, FileKind.GOVERNANCE)]
    files += [(p, FileKind.ISSUER) for p in sorted((REPO / layout.ISSUERS_DIR).glob("*/issuer.yaml"))]
    files += [(p, FileKind.CREDENTIAL) for p in sorted((REPO / layout.ISSUERS_DIR).glob("*/credentials/*.yaml"))]
    files += [(p, FileKind.KEY) for p in sorted((REPO / layout.KEYS_DIR).glob("*/*.json"))]
    return files


def test_example_registry_files_pass_schema_and_model() -> None:
    files = _registry_files()
    assert len(files) >= 1
    for path, kind in files:
        doc = read_document(REPO, path)
        errors = [e.message for e in validator(kind).iter_errors(doc.data)]
        assert errors == [], f"{path}: {errors}"
        model_for(kind).model_validate(doc.data)


def test_example_yaml_files_name_their_schema_for_editors() -> None:
    for path, kind in _registry_files():
        if path.suffix != ".yaml":
            continue
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        target = (path.parent / first.split("=", 1)[1]).resolve()
        assert target == REPO / "schemas" / f"{kind.value}.schema.json", path


def test_inlined_validator_reports_what_the_committed_schema_reports() -> None:
    """The validator runs on a copy with $refs inlined (for speed); it must find exactly the same errors."""
    doc = read_document(REPO, next((REPO / layout.ISSUERS_DIR).glob("*/credentials/*.yaml"))).data
    broken = json.loads(json.dumps(doc))
    broken["delivery"] = "remote"
    broken["skills"][0]["alignment"] = {"framework": "X", "extra": 1}
    broken["cost"] = {"amount": -1}
    broken["level"] = {"eqf": 11}
    committed = Draft202012Validator(json_schema(FileKind.CREDENTIAL))
    for data in (doc, broken):
        expected = sorted((list(e.absolute_path), e.message) for e in committed.iter_errors(data))
        found = sorted((list(e.absolute_path), e.message) for e in validator(FileKind.CREDENTIAL).iter_errors(data))
        assert found == expected
    assert len(list(committed.iter_errors(broken))) == 4


def _kind(path: Path) -> FileKind | None:
    parts = path.parts
    if path.name == "governance.yaml":
        return FileKind.GOVERNANCE
    if path.name == "issuer.yaml":
        return FileKind.ISSUER
    if path.suffix == ".yaml" and len(parts) > 1 and parts[-2] == "credentials":
        return FileKind.CREDENTIAL
    if path.suffix == ".json" and "keys" in parts:
        return FileKind.KEY
    return None


def _mutations(data: dict[str, object]) -> list[object]:
    """Ways to break a document: each field removed, given a wrong type, a bad string, a negative number,
    and an unknown field added."""
    out: list[object] = [{**data, "unknown_field": 1}, [], "text", None]
    for key in data:
        out.append({k: v for k, v in data.items() if k != key})
        for wrong in (12345, -1, 1.5, "Not A Slug!", True, None, [], {"x": 1}, [{"x": 1}]):
            out.append({**data, key: wrong})
    return out


def test_the_compiled_validator_gives_python_jsonschemas_verdict() -> None:
    """schema_errors accepts on jsonschema-rs's word: it must never accept what python-jsonschema refuses (or
    the reverse), on every file the tests have and on many broken variants of the example files."""
    cases: list[tuple[FileKind, object]] = []
    sources = [*REPO.glob("registry/**/*.yaml"), *REPO.glob("keys/*/*.json"), *REPO.glob("tests/fixtures/**/*")]
    for path in sorted(sources):
        kind = _kind(path.relative_to(REPO))
        if kind is None or not path.is_file():
            continue
        try:
            data = read_document(path.parent, path).data
        except SourceError:
            continue  # not parseable: never reaches the schema
        cases.append((kind, data))
        if isinstance(data, dict) and path.is_relative_to(REPO / "registry"):
            cases += [(kind, broken) for broken in _mutations(data)]
    assert len(cases) > 2000
    verdicts = {True: 0, False: 0}
    for kind, data in cases:
        expected = validator(kind).is_valid(data)
        assert (schema_errors(kind, data) == []) is expected, (kind, data)
        verdicts[expected] += 1
    assert verdicts[True] > 50
    assert verdicts[False] > 1000
