"""The load and validate stages on real files: every error kind names its file, line, column and field."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from generator.check import run_check
from generator.errors import Problem
from tests.conftest import FIXTURES, make_registry

CRED = "registry/issuers/acme-academy/credentials/sql-basics.yaml"
ISSUER = "registry/issuers/acme-academy/issuer.yaml"

# case → (path, line, col, field, code, words the message must contain)
CASES: dict[str, tuple[str, int | None, int | None, str, str, str]] = {
    "duplicate-key": (CRED, 4, 1, "", "yaml.duplicate-key", "duplicate key 'name' (first defined on line 3)"),
    "yaml-tag": (CRED, 23, 7, "", "yaml.tag", "YAML tags (tag:yaml.org,2002:python/object/apply:os.system)"),
    "yaml-alias-bomb": (CRED, 27, 5, "", "yaml.anchor", "YAML anchors (&a) are not allowed"),
    "not-utf8": (CRED, 4, 19, "", "file.not-utf8", "not valid UTF-8 (byte 0xe9)"),
    "bad-yaml-syntax": (CRED, 26, 8, "", "yaml.syntax", "invalid YAML"),
    "multiple-documents": (CRED, 27, 1, "", "yaml.multiple-documents", "only one YAML document"),
    "id-not-slug": (CRED, 2, 1, "id", "schema.pattern", "'SQL_Basics' is not a lowercase slug"),
    "id-mismatch": (CRED, 2, 1, "id", "id.mismatch", "'sql-fundamentals' does not match the file name 'sql-basics'"),
    "unknown-field": (CRED, 12, 1, "skils", "schema.unknown-field", "unknown field 'skils' (did you mean 'skills'?)"),
    "missing-field": (CRED, 8, 1, "criteria.narrative", "schema.missing-field", "missing required field 'narrative'"),
    "bad-enum": (
        CRED,
        24,
        1,
        "delivery",
        "schema.enum",
        "'remote' is not one of the allowed values: online, in-person, blended",
    ),
    "bad-country": (ISSUER, 10, 3, "location.country", "schema.pattern", "'Norway' is not a two-letter ISO 3166-1"),
    "unknown-prerequisite": (
        CRED,
        27,
        5,
        "prerequisites[0]",
        "ref.unknown-credential",
        "prerequisite 'acme-academy/excel-basics' does not exist (no such credential)",
    ),
    "unknown-issuer-ref": (
        CRED,
        27,
        5,
        "prerequisites[0]",
        "ref.unknown-credential",
        "'ghost-issuer/excel-basics' does not exist (no issuer 'ghost-issuer')",
    ),
    "stacking-cycle": (
        CRED,
        28,
        16,
        "stacking.components[0]",
        "ref.stacking-cycle",
        "stacking cycle: acme-academy/data-analyst → acme-academy/sql-basics → acme-academy/data-analyst",
    ),
    "superseded-but-active": (
        CRED,
        26,
        1,
        "superseded_by",
        "model.value_error",
        "a superseded credential cannot be active",
    ),
    "succession-mismatch": (
        "registry/issuers/acme-academy/credentials/data-reporting.yaml",
        2,
        1,
        "",
        "ref.succession-mismatch",
        "must have supersedes: acme-academy/sql-basics",
    ),
    "scripted-svg": (
        "registry/issuers/acme-academy/logo.svg",
        None,
        None,
        "",
        "asset.image",
        "contains scripts, event handlers",
    ),
    "missing-logo": (
        ISSUER,
        12,
        1,
        "logo",
        "ref.missing-file",
        "file not found: registry/issuers/acme-academy/logo.svg",
    ),
    "issuer-folder-not-slug": ("registry/issuers/Acme_Two", None, None, "", "id.not-slug", "not a lowercase slug"),
    "key-unknown-issuer": ("keys/ghost", None, None, "", "ref.unknown-issuer", "keys for unknown issuer 'ghost'"),
    "key-id-mismatch": (
        "keys/acme-academy/key-2026.json",
        3,
        3,
        "id",
        "id.mismatch",
        "'key-2025' does not match the file name 'key-2026'",
    ),
    "key-bad-multibase": (
        "keys/acme-academy/key-2025.json",
        6,
        3,
        "publicKeyMultibase",
        "schema.pattern",
        "is not an Ed25519 Multikey",
    ),
    "key-duplicate-json-key": ("keys/acme-academy/key-2025.json", 6, 3, "", "json.duplicate-key", "duplicate key 'id'"),
    "key-duplicate-material": (
        "keys/acme-academy/key-2026.json",
        6,
        3,
        "publicKeyMultibase",
        "key.duplicate",
        "already registered as keys/acme-academy/key-2025.json",
    ),
    "key-window": (
        "keys/acme-academy/key-2025.json",
        9,
        3,
        "valid_until",
        "model.value_error",
        "must be after valid_from",
    ),
    "unexpected-file": (
        "registry/issuers/acme-academy/credential",
        None,
        None,
        "",
        "layout.unexpected",
        "unexpected entry in an issuer folder",
    ),
    "wrong-extension": (
        "registry/issuers/acme-academy/credentials/sql-intro.yml",
        None,
        None,
        "",
        "layout.unexpected",
        "credential definitions are <slug>.yaml files",
    ),
}


def test_every_fixture_has_a_case() -> None:
    assert {p.name for p in (FIXTURES / "invalid").iterdir()} == set(CASES)


def test_valid_registry_has_no_problems(registry_dir: Path) -> None:
    report = run_check(registry_dir)
    assert [str(p) for p in report.problems] == []
    assert report.counts == {"issuers": 1, "credentials": 3, "issuer keys": 1, "awards": 0, "revocations": 0}
    # YAML 1.2 core rules: the country code NO stays a string (no "Norway problem").
    assert report.registry is not None
    assert report.registry.issuers["acme-academy"].issuer.location.country == "NO"


@pytest.mark.parametrize("case", sorted(CASES))
def test_invalid_fixture_is_reported_precisely(tmp_path: Path, case: str) -> None:
    root = make_registry(tmp_path / "r", FIXTURES / "invalid" / case)
    report = run_check(root)
    path, line, col, field, code, words = CASES[case]
    assert not report, "the check must fail"
    matching = [p for p in report.problems if p.code == code]
    assert matching, f"no {code} problem in: {[str(p) for p in report.problems]}"
    problem: Problem = matching[0]
    assert (problem.location.path, problem.location.line, problem.location.col) == (path, line, col)
    assert problem.field == field
    assert words in problem.message
    # One mistake, one message: a broken file does not also make every reference to it "unknown".
    assert len(report.problems.errors) == len([p for p in report.problems.errors if p.code == code]) or case in (
        "unknown-field",  # the typo is also a missing required field
    )


def test_oversized_file_is_refused(registry_dir: Path) -> None:
    target = registry_dir / CRED
    target.write_text(target.read_text() + "# padding\n" * 30_000)
    report = run_check(registry_dir)
    [problem] = [p for p in report.problems if p.code == "file.too-large"]
    assert problem.location.path == CRED
    assert "the limit is 262,144 bytes" in problem.message


def test_all_problems_in_one_run(tmp_path: Path) -> None:
    root = make_registry(
        tmp_path / "r",
        FIXTURES / "invalid" / "bad-enum",
        FIXTURES / "invalid" / "bad-country",
        FIXTURES / "invalid" / "key-window",
    )
    codes = sorted(p.code for p in run_check(root).problems)
    assert codes == ["model.value_error", "schema.enum", "schema.pattern"]


def test_retired_component_is_a_warning_not_an_error(registry_dir: Path) -> None:
    path = registry_dir / CRED
    path.write_text(path.read_text() + "status: retired\n")
    report = run_check(registry_dir)
    assert report, [str(p) for p in report.problems]
    warnings = sorted((p.location.path.rsplit("/", 1)[1], p.field, p.code, p.severity) for p in report.problems)
    assert warnings == [
        ("data-analyst.yaml", "stacking.components[0]", "ref.retired", "warning"),
        ("data-reporting.yaml", "prerequisites[0]", "ref.retired", "warning"),
    ]


def test_a_one_line_field_that_only_breaks_near_its_end_is_refused_in_linear_time(registry_dir: Path) -> None:
    # "One line of text" was ^[^\n\r]*\S[^\n\r]*$: on a long value with a line break near its end Python's re
    # tried every split (60,000 characters took 25 s; the 256 KB file limit allowed hours). The schemas'
    # patterns now match in linear time; a subprocess with a deadline keeps a regression from hanging the suite.
    path = registry_dir / "registry/issuers/acme-academy/credentials/sql-basics.yaml"
    text = path.read_text()
    summary = "summary: Query relational data with SQL."
    assert summary in text
    path.write_text(text.replace(summary, 'summary: "' + "a" * 200_000 + '\\rx"'))
    done = subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(registry_dir), "check", "--jobs", "1", "--no-cache"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "registry/issuers/acme-academy/credentials/sql-basics.yaml:" in done.stdout
    assert "summary" in done.stdout
    assert len(done.stdout) < 5_000  # the value is quoted cut short, not echoed whole


@pytest.mark.parametrize("number", ["9" * 4400, "0x" + "f" * 4000, "0o" + "7" * 5000])
def test_huge_yaml_integer_is_a_located_problem(registry_dir: Path, number: str) -> None:
    path = registry_dir / ISSUER
    lines = path.read_text().count("\n")
    path.write_text(path.read_text() + f"x: {number}\n")
    report = run_check(registry_dir)
    [problem] = [p for p in report.problems if p.code == "yaml.number-too-large"]
    assert (problem.location.path, problem.location.line, problem.location.col) == (ISSUER, lines + 1, 4)
    assert problem.field == "x"
    assert "number too large" in problem.message


# The schema's pattern: 'z6Mk' and 44 base58 characters. This one matches it, but its multicodec header is not
# Ed25519's: only decoding tells.
NOT_A_KEY = "z6Mk" + "1" * 44


def test_key_matching_the_pattern_but_not_a_key_is_located_and_the_check_goes_on(registry_dir: Path) -> None:
    import json
    import re

    from tests.test_endorsements import add_endorser

    key_path = registry_dir / "keys/acme-academy/key-2025.json"
    key = json.loads(key_path.read_text())
    assert re.fullmatch(r"z6Mk[1-9A-HJ-NP-Za-km-z]{44}", NOT_A_KEY)
    key_path.write_text(key_path.read_text().replace(key["publicKeyMultibase"], NOT_A_KEY))
    # An endorser's key too.
    add_endorser(registry_dir, "data-council", "Data Council")
    (registry_dir / "keys/data-council").mkdir()
    endorser_key = {**key, "id": "k1", "issuer": "data-council", "publicKeyMultibase": NOT_A_KEY}
    (registry_dir / "keys/data-council/k1.json").write_text(json.dumps(endorser_key, indent=2) + "\n")
    # An unrelated mistake elsewhere: still reported, the run goes on.
    issuer = registry_dir / ISSUER
    issuer.write_text(issuer.read_text() + "x: 1\n")

    report = run_check(registry_dir)
    invalid = sorted((p for p in report.problems if p.code == "key.invalid"), key=lambda p: p.location.path)
    assert [p.location.path for p in invalid] == ["keys/acme-academy/key-2025.json", "keys/data-council/k1.json"]
    for problem in invalid:
        assert problem.field == "publicKeyMultibase"
        assert problem.location.line is not None
        assert "not an Ed25519 public key" in problem.message
    assert any(p.code == "schema.unknown-field" and p.location.path == ISSUER for p in report.problems)


def test_registry_key_matching_the_pattern_but_not_a_key_is_located(registry_dir: Path) -> None:
    from generator.crypto import ed25519
    from generator.crypto.multibase import encode_ed25519_public

    governance = registry_dir / "registry/governance.yaml"
    text = governance.read_text()
    line = text.count("\n") + 1
    governance.write_text(text + f"registry_key: {NOT_A_KEY}\n")
    report = run_check(registry_dir)
    [problem] = [p for p in report.problems if p.code == "key.invalid"]
    assert (problem.location.path, problem.location.line, problem.location.col) == ("registry/governance.yaml", line, 1)
    assert problem.field == "registry_key"
    assert "not an Ed25519 public key" in problem.message
    # A real key passes.
    real = encode_ed25519_public(ed25519.public_from_seed(bytes(32)))
    governance.write_text(text + f"registry_key: {real}\n")
    assert [str(p) for p in run_check(registry_dir).problems] == []


def test_site_url_with_an_impossible_port_is_located(registry_dir: Path) -> None:
    governance = registry_dir / "registry/governance.yaml"
    text = governance.read_text()
    line = text[: text.index("site_url:")].count("\n") + 1
    governance.write_text(text.replace("https://registry.test.example/", "https://x.org:99999/"))
    [problem] = run_check(registry_dir).problems.errors
    assert (problem.location.path, problem.location.line, problem.field) == (
        "registry/governance.yaml",
        line,
        "site_url",
    )
    # The schema refuses it first (editors show the same rule), in words.
    assert problem.message == (
        "'https://x.org:99999/' is not a URL whose port, if it has one, is a number from 1 to 65535 "
        "without leading zeros"
    )


def test_a_key_no_private_key_stands_behind_is_never_registered(registry_dir: Path) -> None:
    """The identity point (and any small-order point, or a non-canonical encoding) decodes as a Multikey, but no
    one holds its private half, and the browser's Ed25519 would accept a forgery for it: refused where the key
    file is read (generator/crypto/ed25519.py public_key_problem)."""
    import json

    from generator.crypto.multibase import encode_ed25519_public

    key_path = registry_dir / "keys/acme-academy/key-2025.json"
    original = key_path.read_text()
    current = json.loads(original)["publicKeyMultibase"]
    for raw in (b"\x01" + bytes(31), bytes(32), (2**255 - 19 + 3).to_bytes(32, "little")):
        key_path.write_text(original.replace(current, encode_ed25519_public(raw)))
        [problem] = [p for p in run_check(registry_dir).problems if p.code == "key.invalid"]
        assert problem.field == "publicKeyMultibase"
        assert "not an Ed25519 public key: a " in problem.message


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("    - acme-academy/data-reporting\n", "    - acme-academy/sql-basics\n", "stacking.components[1]"),
        (
            "stacking:\n",
            "prerequisites: [sql-basics, data-reporting, acme-academy/sql-basics]\nstacking:\n",
            "prerequisites[2]",
        ),
    ],
)
def test_a_credential_named_twice_in_one_list_is_refused_however_it_is_spelled(
    tmp_path: Path, old: str, new: str, field: str
) -> None:
    # "sql-basics" and "acme-academy/sql-basics" are one credential: a stack of both read "Earned by holding all 2
    # of" (one credential), an n-of-m stack could be met by holding one, and its page and CTDL export listed the
    # credential twice, as did the component's "Counts towards". The raw spellings differ, so only the cross-file
    # check, which resolves them, can see it.
    root = make_registry(tmp_path / "registry")
    path = root / "registry/issuers/acme-academy/credentials/data-analyst.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    problems = run_check(root).problems.errors
    assert [(p.field, p.code) for p in problems] == [(field, "ref.duplicate")]
    assert "'acme-academy/sql-basics' is already listed" in problems[0].message


def test_a_reference_to_a_refused_character_is_a_located_problem(registry_dir: Path) -> None:
    # A wallet rendering the Markdown decodes it: the check names the file, line, field and the reference.
    path = registry_dir / ISSUER
    path.write_text(path.read_text().replace("Acme Academy trains analysts.", "Acme &#x202E;Academy trains."))
    report = run_check(registry_dir)
    [problem] = [p for p in report.problems if p.field == "description"]
    assert (problem.location.path, problem.location.line) == (ISSUER, 7)  # the field's key
    assert "'&#x202E;' writes U+202E" in problem.message


@pytest.mark.parametrize(
    ("repeat", "words"),
    [
        # The same ESCO skill in each form `framework_code` reads as it: capitals, its concept URI (http or https).
        ("framework: ESCO\n      code: 598DE5B0-5B58-4EA7-8058-A4BC4D18C742", "ESCO 598de5b0"),
        ("framework: ESCO\n      code: https://data.europa.eu/esco/skill/598de5b0-5b58-4ea7-8058-a4bc4d18c742", "ESCO"),
        ("framework: ESCO\n      code: HTTP://DATA.EUROPA.EU/ESCO/SKILL/598de5b0-5b58-4ea7-8058-a4bc4d18c742", "ESCO"),
    ],
)
def test_a_skill_listed_twice_is_a_located_problem(tmp_path: Path, repeat: str, words: str) -> None:
    # Each skill is an alignment of every signed award: the same skill twice was signed twice into each award and
    # listed twice on the credential's page.
    root = make_registry(tmp_path / "registry")
    path = root / "registry/issuers/acme-academy/credentials/sql-basics.yaml"
    text = path.read_text()
    second = f"  - name: SQL again\n    alignment:\n      {repeat}\nlevel:\n"
    path.write_text(text.replace("level:\n", second, 1), encoding="utf-8")
    [problem] = run_check(root).problems.errors
    assert (problem.location.path, problem.location.line, problem.field) == (
        "registry/issuers/acme-academy/credentials/sql-basics.yaml",
        18,
        "skills[1]",
    )
    assert "repeats skills[0]" in problem.message
    assert words in problem.message


@pytest.mark.parametrize(
    ("path", "old", "line"),
    [
        (ISSUER, "Acme Academy", 3),
        ("registry/governance.yaml", "Test Registry", 2),
    ],
)
def test_a_name_that_writes_a_refused_character_by_reference_is_a_located_problem(
    registry_dir: Path, path: str, old: str, line: int
) -> None:
    # The registry signs each credential's binding statement with the issuer's and the registry's names in its
    # endorsementComment, which Open Badges 3.0 types as Markdown: a wallet would decode '&#x202E;' there.
    from generator.load import load_registry

    file = registry_dir / path
    text = file.read_text()
    assert f"name: {old}\n" in text
    file.write_text(text.replace(f"name: {old}\n", f"name: {old.replace(' ', ' &#x202E;')}\n", 1), encoding="utf-8")
    report = run_check(registry_dir)
    [problem] = [p for p in report.problems.errors if p.field == "name"]
    assert (problem.location.path, problem.location.line) == (path, line)
    assert "'&#x202E;' writes U+202E" in problem.message
    loaded = load_registry(registry_dir).registry  # so no statement is signed with it
    assert loaded is None or "acme-academy" not in loaded.issuers


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        # An ESCO occupation's URI given as a skill's code (http and https are one concept, so never one repeat).
        (
            "skills:\n  - name: Analyst\n    alignment:\n      framework: ESCO\n"
            "      code: http://data.europa.eu/esco/occupation/258e46f9-0075-4a2e-adae-1ff0477e0f30\n",
            "skills[1].alignment.code",
        ),
        # And a skill's URI as an occupation's.
        (
            "occupations:\n  - name: SQL\n    alignment:\n      framework: ESCO\n"
            "      code: https://data.europa.eu/esco/skill/598de5b0-5b58-4ea7-8058-a4bc4d18c742\n",
            "occupations[0].alignment.code",
        ),
    ],
)
def test_an_esco_concept_of_the_wrong_kind_is_a_located_problem(tmp_path: Path, entry: str, field: str) -> None:
    # Signed into every award as a competency's targetCode, it names an occupation as a skill (or the reverse),
    # the skills index cannot link it to ESCO, and its http and https spellings were two different skills.
    root = make_registry(tmp_path / "registry")
    path = root / "registry/issuers/acme-academy/credentials/sql-basics.yaml"
    text = path.read_text()
    if entry.startswith("skills:"):
        text = text.replace("level:\n", entry.removeprefix("skills:\n") + "level:\n", 1)
    else:
        text = text.replace("level:\n", entry + "level:\n", 1)
    path.write_text(text, encoding="utf-8")
    [problem] = run_check(root).problems.errors
    assert (problem.location.path, problem.field) == (
        "registry/issuers/acme-academy/credentials/sql-basics.yaml",
        field,
    )
    assert "ESCO" in problem.message


@pytest.mark.parametrize(
    ("names", "says"),
    [
        (["C", "C++"], "'C++' is linked from each award to skills/#c, as 'C' (skills[1]) is"),
        (["データ分析"], "'データ分析' is linked from each award to skills/#, the skills page's top"),
    ],
)
def test_a_skill_whose_award_link_is_not_its_own_is_a_located_warning(
    tmp_path: Path, names: list[str], says: str
) -> None:
    # An unaligned skill's targetUrl is skills/#<its name's a-z and 0-9>: "C" and "C++" signed at one address,
    # a name in another script at the page's top. Already-signed awards carry it, so it stays; the check warns
    # before more are signed, at the entry.
    root = make_registry(tmp_path / "registry")
    path = root / "registry/issuers/acme-academy/credentials/sql-basics.yaml"
    added = "".join(f"  - name: {name}\n" for name in names)
    path.write_text(path.read_text().replace("level:\n", added + "level:\n", 1), encoding="utf-8")
    report = run_check(root)
    assert report.problems.errors == []
    [warning] = [p for p in report.problems if p.code == "credential.skill-address"]
    assert (warning.location.path, warning.field) == (
        "registry/issuers/acme-academy/credentials/sql-basics.yaml",
        f"skills[{len(names)}]",
    )
    assert says in warning.message
