"""schemas/ is generated from the models and kept in sync; jsonschema and pydantic agree on real files."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from jsonschema import Draft202012Validator
from pydantic import ValidationError

from generator import layout
from generator._internal.source import SourceError
from generator._internal.text import first_unseen
from generator.cli import main
from generator.load import read_document
from generator.models._base import URL_PORT_PATTERN, ecmascript_pattern, valid_port
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


def test_the_schema_files_show_every_character_they_hold() -> None:
    """A pattern's refused characters include some that show as nothing (the tag characters): written as JSON
    escapes, so a reviewer of the file, or of a diff of it, sees them; the file parses to the same schema."""
    for kind in FileKind:
        text = render_schema(kind)
        assert first_unseen(text) is None, kind
        assert json.loads(text) == json_schema(kind)
    assert "\\udb40\\udc00" in render_schema(FileKind.ISSUER)  # U+E0000, the first tag character


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


# --- the URL port rule: in the models (valid_port) and in the schemas (URL_PORT_PATTERN) --------------------

_REFUSED_PORTS = [":0", ":65536", ":080", ":99999", ":", ":00", ":8o", ":-1", ":+80", ":\uff18\uff10", ":80:81"]
_ACCEPTED_HOSTS = ["r.example:1", "r.example:443", "r.example:65535", "[2001:db8::1]:8443", "[::1]", "r.example"]


def _url_fields() -> list[tuple[FileKind, Path, list[str | int]]]:
    """Every URL field that carries the port rule, in a real file of the example registry that has it."""
    credential = REPO / "registry/issuers/brightforge-academy/credentials/back-end-development-with-python.yaml"
    endorser = next((REPO / "registry/endorsers").glob("*/endorser.yaml"))
    issuer = next((REPO / layout.ISSUERS_DIR).glob("*/issuer.yaml"))
    governance = REPO / layout.GOVERNANCE_PATH
    return [
        (FileKind.GOVERNANCE, governance, ["site_url"]),
        (FileKind.GOVERNANCE, governance, ["repository"]),
        (FileKind.GOVERNANCE, governance, ["verification_data_url"]),
        (FileKind.ISSUER, issuer, ["url"]),
        (FileKind.ISSUER, issuer, ["former_profiles", 0, "url"]),
        (FileKind.ENDORSER, endorser, ["url"]),
        (FileKind.CREDENTIAL, credential, ["skills", 0, "alignment", "url"]),
        (FileKind.CREDENTIAL, credential, ["quality_assurance", 0, "url"]),
    ]


def _with(kind: FileKind, path: Path, where: list[str | int], url: str) -> dict[str, Any]:
    data = json.loads(json.dumps(read_document(path.parent, path).data))
    if where[0] == "former_profiles":
        data["former_profiles"] = [{"until": "2024-01-01", "name": "Old", "url": url, "email": "old@example.org"}]
        return data
    node = data
    for step in where[:-1]:
        node = node[step]
    node[where[-1]] = url
    return data


def _walk(errors: list[Any]) -> list[Any]:
    """The errors and those under them (an optional field's ``anyOf`` holds its branches' errors)."""
    return [d for e in errors for d in [e, *_walk(list(e.context or []))]]


def _committed(kind: FileKind) -> Draft202012Validator:
    """The schema file editors use, as committed in schemas/."""
    return Draft202012Validator(json.loads((REPO / "schemas" / f"{kind.value}.schema.json").read_text()))


@pytest.mark.parametrize(("kind", "path", "where"), _url_fields(), ids=lambda v: str(v) if isinstance(v, list) else "")
def test_the_schemas_refuse_the_ports_the_models_refuse(kind: FileKind, path: Path, where: list[str | int]) -> None:
    """What an editor shows from schemas/ is what the check and the models decide, port by port."""
    model = model_for(kind)
    for host in _ACCEPTED_HOSTS + [f"r.example{port}" for port in _REFUSED_PORTS]:
        data = _with(kind, path, where, f"https://{host}/")
        accepted = host in _ACCEPTED_HOSTS
        errors = list(_committed(kind).iter_errors(data))
        assert (errors == []) is accepted, (host, [e.message for e in errors])
        assert accepted or any(e.validator_value == ecmascript_pattern(URL_PORT_PATTERN) for e in _walk(errors)), host
        assert (schema_errors(kind, data) == []) is accepted, host  # jsonschema-rs, then python-jsonschema
        if accepted and where == ["verification_data_url"] and host.startswith("["):
            # The port is fine; but no Content-Security-Policy can name an IPv6 host (tests/browser).
            with pytest.raises(ValidationError, match="Content-Security-Policy"):
                model.model_validate(data)
        elif accepted:
            model.model_validate(data)
        else:
            with pytest.raises(ValidationError, match="the port must be a number from 1 to 65535"):
                model.model_validate(data)


class _CountingPort:
    """_base._PORT, counting the ports it is asked about."""

    def __init__(self, real: re.Pattern[str]) -> None:
        self.real, self.seen = real, list[str]()

    def match(self, port: str) -> re.Match[str] | None:
        self.seen.append(port)
        return self.real.match(port)


@pytest.mark.parametrize(
    ("kind", "path", "where"),
    [
        *_url_fields(),
        (FileKind.ISSUER, next((REPO / layout.ISSUERS_DIR).glob("*/issuer.yaml")), ["logo"]),
    ],
    ids=lambda v: str(v) if isinstance(v, list) else "",
)
def test_each_url_field_checks_its_port_once(
    kind: FileKind, path: Path, where: list[str | int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The URL types ran valid_port twice (URL_PORT, then plain_url again): one check, with the same verdicts."""
    from generator.models import _base

    counting = _CountingPort(_base._PORT)
    monkeypatch.setattr(_base, "_PORT", counting)
    file = "logo.png" if where == ["logo"] else ""
    model_for(kind).model_validate(_with(kind, path, where, f"https://r.example:4431/{file}"))
    assert counting.seen.count("4431") == 1
    with pytest.raises(ValidationError, match="the port must be a number from 1 to 65535"):
        model_for(kind).model_validate(_with(kind, path, where, f"https://r.example:04431/{file}"))


def _port_corpus() -> list[str]:
    """URLs that differ where valid_port looks: schemes, user info, hosts (IPv6 literals), ports, and what follows."""
    schemes = ["https:", "http:", "HTTPS:", "git+ssh:", "1a:", ""]
    users = ["", "u@", "u:p@", "u:0@", "a@b@", "[::1]@"]
    hosts = ["r.example", "[2001:db8::1]", "[::ffff:127.0.0.1]", "127.0.0.1", ""]
    ports = ["", ":", ":0", ":1", ":9", ":10", ":080", ":443", ":9999", ":10000", ":59999", ":60000", ":64999",
             ":65499", ":65529", ":65530", ":65535", ":65536", ":65540", ":65600", ":66000", ":99999", ":100000",
             ":8o", ":-1", ":\u0661\u0662", ":80:81", ":80@x"]  # fmt: skip
    tails = ["", "/", "/p:0", "?q=:0", "#f:0"]
    urls = [f"{s}//{u}{h}{p}{t}" for s in schemes for u in users for h in hosts for p in ports for t in tails]
    urls += [f"https://r.example:{n}/" for n in range(70_000)]
    urls += [f"https://r.example:0{n}/" for n in (1, 80, 443, 6553)]
    urls += ["r.example:0", "mailto:a@r.example", "https:r.example:0", "x/y://r.example:0", "urn:isbn:0"]
    return urls


def _port_verdict(url: str) -> bool | None:
    """valid_port's verdict; ``None`` when urlsplit refuses the URL itself (a malformed IPv6 literal), which the
    models refuse for that reason whatever the port."""
    try:
        valid_port(url)
    except ValueError as exc:
        return None if "port" not in str(exc) else False
    return True


def test_the_port_pattern_gives_valid_ports_verdict_on_a_corpus_of_urls() -> None:
    urls = _port_corpus()
    verdicts = {url: _port_verdict(url) for url in urls}
    judged = [url for url in urls if verdicts[url] is not None]
    assert len(judged) > 90_000
    assert sum(1 for url in judged if not verdicts[url]) > 10_000
    python = re.compile(URL_PORT_PATTERN)
    schema = re.compile(ecmascript_pattern(URL_PORT_PATTERN))  # as python-jsonschema runs the schema's pattern
    for url in judged:
        assert (python.search(url) is not None) is verdicts[url], url
        assert (schema.search(url) is not None) is verdicts[url], url
    rs = jsonschema_rs.validator_for({"type": "string", "pattern": ecmascript_pattern(URL_PORT_PATTERN)})
    assert [url for url in judged if rs.is_valid(url) is not verdicts[url]] == []


def test_the_port_pattern_is_ecmascript_that_agrees_in_node() -> None:
    """Editors run a schema's pattern as an ECMAScript RegExp (the "u" flag, in VS Code's JSON language service)."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is installed by `make test`")
    urls = [url for url in _port_corpus() if _port_verdict(url) is not None][::7]
    script = (
        "const {pattern, urls} = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "const u = new RegExp(pattern, 'u'), plain = new RegExp(pattern);"
        "process.stdout.write(JSON.stringify(urls.map(s => [u.test(s), plain.test(s)])));"
    )
    pattern = json_schema(FileKind.GOVERNANCE)["properties"]["site_url"]["allOf"][0]["pattern"]
    assert pattern == ecmascript_pattern(URL_PORT_PATTERN)
    done = subprocess.run(
        [node, "-e", script], input=json.dumps({"pattern": pattern, "urls": urls}), capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    for url, (with_u, without_u) in zip(urls, json.loads(done.stdout), strict=True):
        assert with_u is without_u is _port_verdict(url), url


def test_a_schemas_folder_that_cannot_be_written_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`credreg schemas --out` a file (or with a folder where a schema file goes): a usage error naming the path,
    not FileExistsError or IsADirectoryError; --check lists the schema it cannot read as out of date."""
    a_file = tmp_path / "a-file"
    a_file.write_text("mine\n")
    assert main(["schemas", "--out", str(a_file)]) == 2
    assert f"credreg: {a_file}: " in capsys.readouterr().err
    assert a_file.read_text() == "mine\n"
    folder = tmp_path / "schemas"
    (folder / "credential.schema.json").mkdir(parents=True)
    assert main(["schemas", "--check", "--out", str(folder)]) == 1
    assert "schemas/credential.schema.json: out of date" in capsys.readouterr().out
    assert main(["schemas", "--out", str(folder)]) == 2
    assert f"credreg: {folder / 'credential.schema.json'}: " in capsys.readouterr().err
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".")) == []  # no temporary file left


def test_schemas_never_writes_through_a_schemas_folder_that_is_a_symbolic_link(
    registry_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`credreg schemas` (into the registry's schemas/) with schemas/ a symbolic link replaced the files wherever
    it pointed, outside the repository. Refused now, as `credreg new` and `credreg codeowners` refuse one."""
    outside = tmp_path / "outside"
    shutil.move(registry_dir / "schemas", outside)
    stale = outside / "credential.schema.json"
    stale.write_text("theirs\n")
    (registry_dir / "schemas").symlink_to(outside)
    assert main(["--root", str(registry_dir), "schemas"]) == 2
    assert "cannot write schemas/*.schema.json: schemas is a symbolic link" in capsys.readouterr().err
    assert stale.read_text() == "theirs\n"
    assert main(["--root", str(registry_dir), "schemas", "--check"]) == 1  # reading is not writing
    assert main(["schemas", "--out", str(registry_dir / "schemas")]) == 0  # a folder the user names: theirs
