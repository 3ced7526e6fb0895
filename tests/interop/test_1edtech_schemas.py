"""Every document the registry publishes as Open Badges 3.0 validates against 1EdTech's own OB 3.0 JSON Schemas.

The schemas (tests/fixtures/ob3-schemas/, commit c73e9663 of 1EdTech/openbadges-specification) are what 1EdTech's
validator and its conformance certification apply, so "the same award verifies in other Open Badges 3.0 tools"
includes passing them. They are applied as JSON Schema draft 2019-09 with format checking (``date-time``,
``date``) to: the example registry's awards and endorsements; every document of its built site that claims an
OB 3.0 type (awards as the verification page rebuilds them from shards, Achievements, Profiles, endorsements and
the registry's statements); and awards and endorsements made fresh by ``credreg award`` and ``credreg endorse``
with every option that changes their shape. The badge the page bakes carries the award's own text
(verify.js ``downloadBaked``), so it is covered by the award's check.
"""

from __future__ import annotations

import copy
import csv
import json
import os
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft201909Validator
from referencing import Registry as SchemaRegistry
from referencing import Resource

from generator.awards import award_hash, iter_awards
from generator.cli import main as credreg_main
from generator.endorsements import iter_endorsements
from generator.models.credential import AchievementType, LanguageTag
from generator.publish.verifydata import read_entry
from tests.conftest import OB3_SCHEMAS, REPO, make_registry
from tests.test_endorsements import add_endorser

SCHEMAS = {
    name: json.loads((OB3_SCHEMAS / f"{name}.json").read_text("utf-8"))
    for name in ("achievementcredential", "endorsementcredential", "profile")
}
FORMATS = Draft201909Validator.FORMAT_CHECKER
_RESOURCES = SchemaRegistry().with_resources((s["$id"], Resource.from_contents(s)) for s in SCHEMAS.values())


def _validator(name: str, pointer: str = "") -> Draft201909Validator:
    schema = SCHEMAS[name] if not pointer else {"$ref": f"{SCHEMAS[name]['$id']}#{pointer}"}
    return Draft201909Validator(schema, format_checker=FORMATS, registry=_RESOURCES)


AWARD = _validator("achievementcredential")
ENDORSEMENT = _validator("endorsementcredential")
PROFILE = _validator("profile")
#: An Achievement published on its own (the site's achievement.json): 1EdTech publishes no schema file for it, and
#: the one inside the AchievementCredential schema is the definition its validator applies to an award's.
ACHIEVEMENT = _validator("achievementcredential", "/$defs/Achievement")

#: The schema a document claiming each OB 3.0 type must pass (OpenBadgeCredential is AchievementCredential's alias).
BY_TYPE = {
    "OpenBadgeCredential": AWARD,
    "AchievementCredential": AWARD,
    "EndorsementCredential": ENDORSEMENT,
    "Profile": PROFILE,
    "Achievement": ACHIEVEMENT,
}


def problems(validator: Draft201909Validator, document: Any, where: str = "") -> list[str]:
    """Each schema error as ``where: /json/pointer: message`` (empty: the document is valid)."""
    return [
        f"{where}: /{'/'.join(map(str, e.absolute_path))}: {e.message[:300]}"
        for e in sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))
    ]


def _types(node: dict[str, Any]) -> list[str]:
    types = node.get("type")
    return [t for t in (types if isinstance(types, list) else [types]) if isinstance(t, str)]


def ob3_nodes(node: Any, at: str = "") -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(OB 3.0 type, JSON pointer, object) of every object in ``node`` that claims one of :data:`BY_TYPE`'s types."""
    if isinstance(node, dict):
        for claimed in _types(node):
            if claimed in BY_TYPE:
                yield claimed, at or "/", node
        for key, value in node.items():
            yield from ob3_nodes(value, f"{at}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from ob3_nodes(value, f"{at}/{index}")


def schema_problems(document: Any, where: str) -> tuple[Counter[str], list[str]]:
    """Every OB 3.0 object in ``document`` checked against its type's schema: counts by type, and the errors."""
    seen: Counter[str] = Counter()
    found: list[str] = []
    for claimed, at, node in ob3_nodes(document):
        seen[claimed] += 1
        found += problems(BY_TYPE[claimed], node, f"{where}#{at}")
    return seen, found


# --- the checker checks ------------------------------------------------------------------------------------------


def test_the_schemas_are_valid_2019_09_and_dates_are_really_checked() -> None:
    for schema in SCHEMAS.values():
        Draft201909Validator.check_schema(schema)
    # jsonschema checks date-time only when rfc3339-validator is installed, and otherwise says nothing.
    assert "date-time" in FORMATS.checkers
    assert FORMATS.conforms("2025-03-01T12:00:00Z", "date-time")
    for wrong in ("2025-02-30T00:00:00Z", "2025-03-01", "yesterday", "2025-03-01T12:00:00"):
        assert not FORMATS.conforms(wrong, "date-time"), wrong


def _example_award() -> dict[str, Any]:
    return json.loads(next(iter(iter_awards(REPO))).text)  # type: ignore[no-any-return]


def _example_endorsement() -> dict[str, Any]:
    return copy.deepcopy(next(iter(iter_endorsements(REPO))).document)


def _without(doc: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k != key}


def _set(doc: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(doc)
    *parents, last = path.split("/")
    node: Any = changed
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    node[int(last) if isinstance(node, list) else last] = value
    return changed


AWARD_BREAKAGES = {
    "no validFrom": lambda a: _without(a, "validFrom"),
    "validFrom not a date": lambda a: _set(a, "validFrom", "2025-02-30T00:00:00Z"),
    "validUntil without a zone": lambda a: _set(a, "validUntil", "2030-01-01T00:00:00"),
    "an unknown identityType": lambda a: _set(a, "credentialSubject/identifier/0/identityType", "phoneNumber"),
    "an identifier with an extra field": lambda a: _set(a, "credentialSubject/identifier/0/note", "x"),
    "a VC 1.1 context": lambda a: _set(a, "@context/0", "https://www.w3.org/2018/credentials/v1"),
    "an achievement without criteria": lambda a: _set(
        a, "credentialSubject/achievement", _without(a["credentialSubject"]["achievement"], "criteria")
    ),
    "a language no tag": lambda a: _set(a, "credentialSubject/achievement/inLanguage", "English"),
    "a proof created at no time": lambda a: _set(a, "proof/0/created", "now"),
}


@pytest.mark.parametrize("breakage", sorted(AWARD_BREAKAGES))
def test_a_broken_award_fails_the_schema(breakage: str) -> None:
    award = _example_award()
    assert problems(AWARD, award) == []
    assert problems(AWARD, AWARD_BREAKAGES[breakage](award)) != []


def test_a_broken_endorsement_or_profile_fails_its_schema() -> None:
    endorsement = _example_endorsement()
    assert problems(ENDORSEMENT, endorsement) == []
    assert problems(ENDORSEMENT, _without(endorsement, "validFrom")) != []
    assert problems(ENDORSEMENT, _set(endorsement, "credentialSubject/type", ["AchievementSubject"])) != []
    assert problems(ENDORSEMENT, _set(endorsement, "validFrom", "2025-13-01T00:00:00Z")) != []
    profile = endorsement["issuer"]
    assert problems(PROFILE, profile) == []
    assert problems(PROFILE, _without(profile, "id")) != []
    assert problems(PROFILE, _set(profile, "image", {"id": "https://x.example/a.png"})) != []  # Image needs its type


def _achievement_field(name: str) -> Draft201909Validator:
    return _validator("achievementcredential", f"/$defs/Achievement/properties/{name}")


def test_what_a_definition_may_say_stays_within_the_schema() -> None:
    """An award's achievement is built from its definition (and the checks hold a registered award to it), so the
    definition's vocabularies must stay within what the schema allows where it constrains them: the
    achievement type, and the language tag (the schema's pattern is narrower than BCP 47)."""
    kinds = _achievement_field("achievementType")
    assert [t.value for t in AchievementType if not kinds.is_valid(t.value)] == []
    language = _achievement_field("inLanguage")
    ours = re.compile(LanguageTag.__metadata__[0].pattern)  # the definition model's own rule

    @settings(max_examples=300, deadline=None, derandomize=True)
    @given(st.from_regex(ours, fullmatch=True))
    def within(tag: str) -> None:
        assert language.is_valid(tag), tag

    within()
    assert not language.is_valid("en-gb")
    assert not ours.fullmatch("en-gb")


# --- the example registry and its site ---------------------------------------------------------------------------


def test_every_example_award_and_endorsement_validates() -> None:
    awards = [(s, json.loads(s.text)) for s in iter_awards(REPO)]
    assert len(awards) >= 300
    found = [p for s, a in awards for p in problems(AWARD, a, f"{s.path}:{s.line or 1}")]
    endorsements = list(iter_endorsements(REPO))
    assert len(endorsements) >= 14
    found += [p for e in endorsements for p in problems(ENDORSEMENT, e.document, str(e.path.relative_to(REPO)))]
    assert found == []


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example registry's site, with the demo statements (``make site``)."""
    out = tmp_path_factory.mktemp("ob3-site") / "site"
    assert credreg_main(["--root", str(REPO), "build", "--out", str(out), "--demo-log"]) == 0
    return out


@pytest.mark.slow
def test_every_ob3_document_the_site_publishes_validates(site: Path) -> None:
    """Each JSON file of the site, and every object in it that claims an OB 3.0 type: achievement.json (with its
    endorsements), the page's records and achievements, endorsement files, the registry's statements."""
    seen: Counter[str] = Counter()
    found: list[str] = []
    where: Counter[str] = Counter()
    for path in sorted(site.rglob("*.json")):
        rel = path.relative_to(site).as_posix()
        counts, errors = schema_problems(json.loads(path.read_bytes()), rel)
        seen += counts
        found += errors
        if counts:
            where[rel.split("/")[0] if not rel.startswith("verify/") else "/".join(rel.split("/")[:2])] += 1
    assert found == []
    # Where the site publishes OB 3.0 documents today: a new place is checked too, a lost one is noticed.
    assert set(where) == {"credentials", "endorsers", "statements", "verify/achievements", "verify/records"}
    assert seen["EndorsementCredential"] >= 14 + 35
    assert seen["Achievement"] >= 35


@pytest.mark.slow
def test_every_award_the_site_publishes_validates_as_the_page_rebuilds_it(site: Path) -> None:
    """Awards are published in shards, compacted (templates, the achievement by its hash): each is rebuilt as the
    verification page does, proved to be the award by its hash, and checked."""
    found: list[str] = []
    digests = [award_hash(json.loads(s.text)) for s in iter_awards(REPO)]
    for digest in digests:
        entry = read_entry(site / "verify", digest)
        assert entry is not None, digest
        award = entry["award"]
        subject = award["credentialSubject"]
        sha = subject["achievement"]["$achievement"]
        subject["achievement"] = json.loads((site / "verify/achievements" / f"{sha}.json").read_bytes())
        assert award_hash(award) == digest
        found += problems(AWARD, award, f"verify/shards: {digest}")
    assert len(digests) >= 300
    assert found == []


# --- fresh awards and endorsements, made by credreg's commands ------------------------------------------------------


def credreg(*args: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "generator", *args], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


SHAPE = """\
tags: [sql, databases]
image: https://acme.example/badges/sql-basics.png
validity:
  period: P2Y
translations:
  de:
    name: SQL-Grundlagen
"""


@pytest.mark.slow
def test_fresh_awards_and_endorsements_of_every_shape_validate(tmp_path: Path) -> None:
    root = make_registry(tmp_path / "r")
    (root / "keys/acme-academy/key-2025.json").unlink()
    definition = root / "registry/issuers/acme-academy/credentials/sql-basics.yaml"
    text = definition.read_text("utf-8").replace("  duration: P4W\n", "  duration: P4W\n  ects: 2.5\n")
    definition.write_text(text + SHAPE, encoding="utf-8")
    add_endorser(root, "data-council", "Data Council")
    env = {**os.environ, "CREDREG_KEY_DIR": str(tmp_path / "keys"), "PYTHONPATH": str(REPO)}
    r = ["--root", str(root)]
    for who in ("acme-academy", "data-council"):
        credreg(*r, "keygen", who, "--key-id", "k1", "--valid-from", "2024-01-01", env=env)
    key = str(tmp_path / "keys/acme-academy/k1.key")

    # One award with evidence and an expiry given; one whose expiry is the definition's period.
    credreg(
        *r, "award", "acme-academy/sql-basics", "--recipient", "ada@example.org", "--key", key,
        "--evidence", "https://acme.example/projects/4711", "--evidence", "https://acme.example/projects/4712",
        "--valid-until", "2030-06-30", "--out", str(tmp_path / "earners-1"), env=env,
    )  # fmt: skip
    credreg(*r, "award", "acme-academy/sql-basics", "--recipient", "bo@example.org", "--key", key,
            "--out", str(tmp_path / "earners-2"), env=env)  # fmt: skip
    # A cohort (a batch file, one award a line) of a credential with no period, an unaligned skill, no image.
    cohort = tmp_path / "cohort.csv"
    with cohort.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["email", "name", "evidence", "valid_until"])
        writer.writerow(["cy@example.org", "Cy", "https://acme.example/portfolio/9", "2031-01-31"])
        writer.writerow(["di@example.org", "Di", "", ""])
    credreg(*r, "award", "acme-academy/data-analyst", "--csv", str(cohort), "--key", key,
            "--out", str(tmp_path / "earners-3"), env=env)  # fmt: skip

    endorser_key = str(tmp_path / "keys/data-council/k1.key")
    credreg(
        *r, "endorse", "acme-academy/sql-basics", "--as", "data-council", "--key", endorser_key, "--kind", "recognises",
        "--comment", "Counts for our sector's register.", "--scope", "analyst roles", "--valid-until", "2031-01-01",
        env=env,
    )  # fmt: skip
    credreg(*r, "endorse", "acme-academy", "--as", "data-council", "--key", endorser_key, "--kind", "endorses",
            "--comment", "A provider we trust.", env=env)  # fmt: skip

    awards = [(f"{s.path}:{s.line or 1}", json.loads(s.text)) for s in iter_awards(root)]
    # The earners' own copies (what a recipient imports into a wallet or another OB 3.0 tool).
    copies = sorted(tmp_path.glob("earners-*/*.json"))
    awards += [(str(p.relative_to(tmp_path)), json.loads(p.read_bytes())) for p in copies]
    assert len(awards) == 2 * 4
    # Every shape the options make, present: so each is checked.
    assert sum("evidence" in a for _, a in awards) == 2 * 2
    assert sum("validUntil" in a for _, a in awards) == 2 * 3
    achievements = [a["credentialSubject"]["achievement"] for _, a in awards]
    assert {k for a in achievements for k in a} >= {"image", "tag", "creditsAvailable", "alignment", "inLanguage"}
    assert all(sorted(p["cryptosuite"] for p in a["proof"]) == ["eddsa-jcs-2022", "eddsa-rdfc-2022"] for _, a in awards)
    found = [p for where, a in awards for p in problems(AWARD, a, where)]

    endorsements = list(iter_endorsements(root))
    assert len(endorsements) == 2
    assert {e.document["credentialSubject"]["id"] for e in endorsements} == {
        "https://registry.test.example/credentials/acme-academy/sql-basics/",
        "did:web:registry.test.example:issuers:acme-academy",
    }
    found += [p for e in endorsements for p in problems(ENDORSEMENT, e.document, str(e.path.relative_to(root)))]
    found += [p for e in endorsements for p in problems(PROFILE, e.document["issuer"], str(e.path.relative_to(root)))]
    assert found == []
