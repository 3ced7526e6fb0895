"""schemas/ is generated from the models and kept in sync; jsonschema and pydantic agree on real files."""

from __future__ import annotations

import json
from pathlib import Path

from jsonschema import Draft202012Validator

from generator import layout
from generator.load import read_document
from generator.schema import SCHEMA_ID_BASE, FileKind, check_schemas, json_schema, model_for, render_schema, validator
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
