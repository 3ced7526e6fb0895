"""Messages that teach: each common mistake of a first-time issuer, fed to the real ``credreg check``, gets one
message that names what is allowed and shows an example; one cause that breaks many awards gets one line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Signer

CRED = "registry/issuers/acme-academy/credentials/sql-basics.yaml"
ISSUER = "registry/issuers/acme-academy/issuer.yaml"


def check(root: Path) -> tuple[int, list[str]]:
    done = subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(root), "check", "--jobs", "1"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert "Traceback" not in done.stderr
    return done.returncode, done.stdout.splitlines()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


MISTAKES = {
    "proficiency-capitalised": (
        CRED,
        "proficiency: intermediate",
        "proficiency: Intermediate",
        f"{CRED}:19:3: level.proficiency: 'Intermediate' is not one of the allowed values: beginner, intermediate, "
        "advanced; did you mean 'intermediate'? (example: proficiency: intermediate)",
    ),
    "duration-in-words": (
        CRED,
        "duration: P4W",
        "duration: 6 weeks",
        f"{CRED}:22:3: effort.duration: '6 weeks' is not an ISO 8601 duration such as P3Y, P6M, P8W or P10D "
        "(example: duration: P6W)",
    ),
    "alignment-framework-lowercase": (
        CRED,
        "framework: ESCO",
        "framework: esco",
        f"{CRED}:15:7: skills[0].alignment.framework: 'esco' is not one of the allowed values: ESCO, O*NET, SFIA, "
        "CASE, ISCO, NICE, DigComp, e-CF, Lightcast, Other; did you mean 'ESCO'? (example: framework: ESCO)",
    ),
    "amount-without-currency": (
        CRED,
        "cost: free",
        "cost:\n  amount: 295",
        f"{CRED}:23:1: cost.currency: missing required field 'currency' "
        "(example: cost: free, or cost: {amount: 295, currency: EUR})",
    ),
    "cost-in-words": (
        CRED,
        "cost: free",
        "cost: [295, EUR]",
        f"{CRED}:23:1: cost: expected 'free' or a mapping, got a list "
        "(example: cost: free, or cost: {amount: 295, currency: EUR})",
    ),
    "issuer-kind": (
        ISSUER,
        "kind: training-provider",
        "kind: Training Provider",
        f"{ISSUER}:4:1: kind: 'Training Provider' is not one of the allowed values: university, college, "
        "industry-body, professional-association, training-provider, bootcamp, employer, government, nonprofit, "
        "other; did you mean 'training-provider'? (example: kind: training-provider)",
    ),
}


@pytest.mark.parametrize("case", MISTAKES)
def test_one_mistake_one_message_that_teaches(registry_dir: Path, case: str) -> None:
    path, old, new, expected = MISTAKES[case]
    edit(registry_dir / path, old, new)
    code, lines = check(registry_dir)
    assert code == 1
    assert lines == [expected]
    assert "expected null" not in "\n".join(lines)


def _award_three(signer: Signer) -> None:
    for email in ("ada@example.org", "bo@example.org", "cy@example.org"):
        signer.award(email=email)


def test_renamed_awarded_credential_is_one_cause(signer: Signer) -> None:
    _award_three(signer)
    old = signer.root / CRED
    new = old.with_name("sql-basic.yaml")
    old.rename(new)
    edit(new, "id: sql-basics", "id: sql-basic")
    code, lines = check(signer.root)
    assert code == 1
    undefined = [line for line in lines if "Credential defined" in line]
    assert len(undefined) == 1, lines
    assert (
        "credentialSubject.achievement.id: Credential defined: https://registry.test.example/credentials/"
        "acme-academy/sql-basics/ is not a credential acme-academy defines here: 3 awards refer to credential "
        "acme-academy/sql-basics (was it renamed to 'sql-basic'?). An awarded credential keeps its file name: "
        f"restore {CRED} (the other awards: " in undefined[0]
    )


def test_broken_awarded_definition_reports_its_cause_once(signer: Signer) -> None:
    _award_three(signer)
    edit(signer.root / CRED, "delivery: online", "delivery: remote")
    code, lines = check(signer.root)
    assert code == 1
    assert lines == [
        f"{CRED}: warning: 3 awards depend on this file: they are checked once its problems are fixed",
        f"{CRED}:24:1: delivery: 'remote' is not one of the allowed values: online, in-person, blended "
        "(example: delivery: online)",
    ]


def test_broken_issuer_file_reports_its_cause_once(signer: Signer) -> None:
    _award_three(signer)
    edit(signer.root / ISSUER, "country: NO", "country: Norway")
    code, lines = check(signer.root)
    assert code == 1
    assert len(lines) == 2, lines
    assert lines[0] == f"{ISSUER}: warning: 3 awards depend on this file: they are checked once its problems are fixed"
    assert lines[1].startswith(f"{ISSUER}:10:3: location.country: 'Norway' is not a two-letter ISO 3166-1")
    assert lines[1].endswith("(example: country: GB)")


def test_an_unrelated_award_problem_is_still_reported(signer: Signer) -> None:
    """Folding consequences must not hide a problem that has its own cause."""
    _award_three(signer)
    award = next((signer.root / "registry/issuers/acme-academy/awards").rglob("*.json"))
    edit(award, '"name": "SQL Basics"', '"name": "SQL Basics!"')
    code, lines = check(signer.root)
    assert code == 1
    assert any(line.startswith(award.relative_to(signer.root).as_posix()) for line in lines), lines


def _keep_only_id(path: Path, first_line: str) -> None:
    """The file reduced to its schema comment and its id: every other required field missing at once."""
    head = path.read_text(encoding="utf-8").splitlines()[:2]
    assert head[1] == first_line
    path.write_text("\n".join(head) + "\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("path", "id_line", "missing"),
    [
        (CRED, "id: sql-basics", {"name", "summary", "description", "achievement_type", "criteria", "skills"}),
        (ISSUER, "id: acme-academy", {"name", "kind", "url", "email", "description", "location", "maintainers"}),
    ],
)
def test_each_missing_field_is_reported_once(signer: Signer, path: str, id_line: str, missing: set[str]) -> None:
    """The schema raises one error per missing field, each carrying the whole list: one line per field, not N²
    (a definition reduced to its id reported each of its 12 missing fields 12 times)."""
    _award_three(signer)
    _keep_only_id(signer.root / path, id_line)
    code, lines = check(signer.root)
    assert code == 1
    assert len(lines) == len(set(lines)), lines
    fields = [line.split(": ")[1] for line in lines if "missing required field" in line]
    assert len(fields) == len(set(fields)), lines
    assert missing <= set(fields)
    assert lines[0] == f"{path}: warning: 3 awards depend on this file: they are checked once its problems are fixed"


def test_broken_key_file_reports_its_cause_once(signer: Signer) -> None:
    """Awards signed by a key whose file does not load say so once, at the key file, not three lines per award."""
    _award_three(signer)
    key = signer.root / "keys/acme-academy/key-1.json"
    data = json.loads(key.read_text(encoding="utf-8"))
    key.write_text(json.dumps({"$schema": data["$schema"], "id": data["id"]}), encoding="utf-8")
    code, lines = check(signer.root)
    assert code == 1
    rel = "keys/acme-academy/key-1.json"
    assert lines[0] == f"{rel}: warning: 3 awards depend on this file: they are checked once its problems are fixed"
    assert not [line for line in lines if "/awards/" in line], lines
    assert len(lines) == 6, lines  # the warning, four missing fields, the status list (one line, not per award)
    assert len([line for line in lines if "missing required field" in line]) == 4, lines
