"""Endorsements through the credreg command and the recognition rules, on real registries with real keys."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator import layout
from generator._internal.times import PUBLISHED_TIME_PATTERN
from generator.awarding.keys import SigningKey, generate_key, load_signing_key
from generator.awarding.signing import sign_document
from generator.awards import award_hash, render_award
from generator.check import CheckOptions, run_check
from generator.endorsements import endorse as endorse_
from generator.endorsements import profile_problem, unsigned_endorsement, verify_endorsement
from generator.errors import Problem, Severity, UsageError
from generator.load import load_registry
from generator.models.endorsement import EndorsementKind
from generator.recognition import (
    CONFIRMS,
    ClaimStatus,
    answered_names,
    collect_recognition,
    endorser_for_name,
    name_index,
    normalized_name,
)
from generator.schema import FileKind, schema_errors
from generator.statuslist import new_bitstring
from generator.verify.results import Verdict, plain_day
from tests.conftest import REPO, make_registry
from tests.governance.conftest import _second_issuer


def test_endorse_refuses_a_window_that_closes_within_the_second_it_opens(
    setup: tuple[Path, dict[str, str], list[str]], tmp_path: Path
) -> None:
    """Later than the start, but not once written to the second: validUntil == validFrom, refused before signing."""
    root, _, _ = setup
    registry = load_registry(root).registry
    assert registry is not None
    key = load_signing_key(tmp_path / "keys/data-council/k1.key", root=root)
    at = dt.datetime(2025, 3, 1, 12, 0, 0, 300_000, tzinfo=dt.UTC)
    with pytest.raises(UsageError, match=r"^--valid-until: 2025-03-01T12:00:00Z is the same instant as validFrom"):
        endorse_(registry, CREDENTIAL, "data-council", key, kind=EndorsementKind.ENDORSES, comment="x",
                 valid_from=at, valid_until=at + dt.timedelta(microseconds=500_000))  # fmt: skip
    assert not list(root.glob("registry/**/endorsements/*.json"))


ENDORSER_YAML = """\
id: {id}
name: {name}
kind: sector-council
url: https://{id}.example
email: office@{id}.example
description: |
  A sector council.
location:
  country: DE
maintainers:
  - {id}-lead
"""
CREDENTIAL = "acme-academy/sql-basics"
PAGE = "https://registry.test.example/credentials/acme-academy/sql-basics/"


def credreg(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args], capture_output=True, text=True, env=env, check=False
    )


def add_endorser(root: Path, endorser_id: str, name: str) -> None:
    folder = root / "registry/endorsers" / endorser_id
    folder.mkdir(parents=True)
    (folder / "endorser.yaml").write_text(ENDORSER_YAML.format(id=endorser_id, name=name), encoding="utf-8")


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, dict[str, str], list[str]]:
    root = make_registry(tmp_path / "r")
    add_endorser(root, "data-council", "Data Council")
    add_endorser(root, "other-body", "Other Body")
    env = {**os.environ, "CREDREG_KEY_DIR": str(tmp_path / "keys"), "PYTHONPATH": str(REPO)}
    r = ["--root", str(root)]
    for who in ("data-council", "other-body"):
        made = credreg(*r, "keygen", who, "--key-id", "k1", "--valid-from", "2024-01-01", env=env)
        assert made.returncode == 0, made.stderr
        assert f"did:web:registry.test.example:endorsers:{who}#k1" in made.stdout
    return root, env, r


def endorse(r: list[str], env: dict[str, str], tmp: Path, *extra: str, who: str = "data-council") -> str:
    done = credreg(
        *r, "endorse", CREDENTIAL, "--as", who, "--key", str(tmp / f"keys/{who}/k1.key"), "--kind", "recognises",
        "--comment", "Counts for our sector's register.", "--scope", "analyst roles", *extra, env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout.split()[1]


def test_endorse_verify_tamper_revoke(setup: tuple[Path, dict[str, str], list[str]], tmp_path: Path) -> None:
    root, env, r = setup
    digest = endorse(r, env, tmp_path)
    path = root / f"registry/endorsers/data-council/endorsements/{digest}.json"
    doc = json.loads(path.read_text())
    assert doc["type"] == ["VerifiableCredential", "EndorsementCredential"]
    assert doc["@context"][-1] == "https://credreg.dev/contexts/endorsement-v1.jsonld"
    assert doc["credentialSubject"]["id"] == PAGE
    assert doc["credentialSubject"]["endorsementKind"] == "recognises"
    assert sorted(p["cryptosuite"] for p in doc["proof"]) == ["eddsa-jcs-2022", "eddsa-rdfc-2022"]

    for target in (str(path), digest):
        ok = credreg(*r, "verify", target, "--format", "json", env=env)
        assert ok.returncode == 0, ok.stdout + ok.stderr
        assert json.loads(ok.stdout)["verdict"] == "valid"

    # Tampering with what the body said: the signature no longer holds.
    for field, value in (("endorsementKind", "accredits"), ("endorsementComment", "We accredit it.")):
        forged = json.loads(path.read_text())
        forged["credentialSubject"][field] = value
        (tmp_path / "forged.json").write_text(json.dumps(forged))
        bad = credreg(*r, "verify", str(tmp_path / "forged.json"), "--format", "json", env=env)
        assert bad.returncode == 1
        assert json.loads(bad.stdout)["verdict"] == "invalid"

    revoked = credreg(
        *r, "revoke", digest, "--reason", "withdrawn", "--key", str(tmp_path / "keys/other-body/k1.key"), env=env
    )
    assert revoked.returncode == 2
    assert "not to the endorser 'data-council'" in revoked.stderr
    revoked = credreg(
        *r, "revoke", digest, "--reason", "withdrawn", "--key", str(tmp_path / "keys/data-council/k1.key"), env=env
    )
    assert revoked.returncode == 0, revoked.stderr
    # An endorser keeps no revocation log: the reason given is dropped, and the run said nothing of it.
    assert "--reason is not recorded: an endorser keeps no revocation log" in revoked.stdout
    after = credreg(*r, "verify", digest, "--format", "json", env=env)
    assert after.returncode == 1
    assert json.loads(after.stdout)["verdict"] == "revoked"


def test_credreg_verify_headlines_an_endorsement_as_an_endorsement(
    setup: tuple[Path, dict[str, str], list[str]], tmp_path: Path
) -> None:
    """credreg verify's first line (and its JSON headline) names what it checked: a valid endorsement was "a genuine
    award", and a changed one "a kind of signature that cannot be checked here"."""
    root, env, r = setup
    digest = endorse(r, env, tmp_path)
    path = root / f"registry/endorsers/data-council/endorsements/{digest}.json"
    forged = json.loads(path.read_text(encoding="utf-8"))
    forged["credentialSubject"]["endorsementKind"] = "accredits"
    (tmp_path / "forged.json").write_text(json.dumps(forged), encoding="utf-8")
    for target, code, kind, first, verdict in (
        (digest, 0, "valid", "Valid: a genuine endorsement, in force.", "VALID"),
        (
            str(tmp_path / "forged.json"),
            1,
            "changed",
            "This file was changed after it was issued: it is not what its endorser signed.",
            "INVALID",
        ),
    ):
        text = credreg(*r, "verify", target, env=env)
        assert (text.returncode, text.stdout.splitlines()[:2]) == (code, [first, f"  verdict: {verdict}"]), text
        report = json.loads(credreg(*r, "verify", target, "--format", "json", env=env).stdout)
        assert (report["headline_kind"], report["headline"]) == (kind, first)


def test_a_revoked_endorsement_is_headlined_with_its_day_and_reason_as_an_award_is(
    setup: tuple[Path, dict[str, str], list[str]], tmp_path: Path
) -> None:
    """credreg verify's first line for a revoked endorsement: the day, and the issuer's published reason under it,
    worded as for its revoked award (one wording, results.py revoked_headline and revoked_because); an endorser
    keeps no log, so only who."""
    root, env, r = setup
    _second_issuer(root)
    made = credreg(*r, "keygen", "acme-academy", "--key-id", "k1", "--valid-from", "2024-01-01", env=env)
    assert made.returncode == 0, made.stderr
    acme_key = str(tmp_path / "keys/acme-academy/k1.key")
    done = credreg(
        *r, "endorse", "beta-labs/sql-basics", "--as", "acme-academy", "--key", acme_key, "--kind", "recognises",
        "--comment", "Recognised.", env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    by_issuer = done.stdout.split()[1]
    awarded = credreg(*r, "award", CREDENTIAL, "--recipient", "ada@example.org", "--key", acme_key,
                      "--out", str(tmp_path / "earners"), env=env)  # fmt: skip
    assert awarded.returncode == 0, awarded.stderr
    award = next(line.split()[1] for line in awarded.stdout.splitlines() if line.startswith("hash:"))
    by_endorser = endorse(r, env, tmp_path)
    for digest, why, key in (
        (by_issuer, "Withdrawn after the review", acme_key),
        (award, "Issued to the wrong person", acme_key),
        (by_endorser, "not published", str(tmp_path / "keys/data-council/k1.key")),
    ):
        revoked = credreg(*r, "revoke", digest, "--reason", why, "--key", key, env=env)
        assert revoked.returncode == 0, revoked.stderr
    assert credreg(*r, "check", "--jobs", "1", env=env).returncode == 0
    log = (root / "registry/issuers/acme-academy/revocations.jsonl").read_text(encoding="utf-8").splitlines()
    day = {entry["award"]: plain_day(entry["revoked"]) for entry in map(json.loads, log)}
    # The reason is the signer's words: quoted and attributed under the verdict, never part of it.
    for digest, first, because in (
        (
            by_issuer,
            f"Revoked on {day[by_issuer]} by its endorser.",
            "Reason given by its endorser: 'Withdrawn after the review'",
        ),
        (award, f"Revoked on {day[award]} by its issuer.", "Reason given by its issuer: 'Issued to the wrong person'"),
        (by_endorser, "Revoked by its endorser.", None),
    ):
        text = credreg(*r, "verify", digest, env=env)
        lead = [first, "  verdict: REVOKED", *([f"  {because}"] if because else [])]
        assert (text.returncode, text.stdout.splitlines()[: len(lead)]) == (1, lead), text.stdout
        if because is None:
            assert "Reason given" not in text.stdout
        report = json.loads(credreg(*r, "verify", digest, "--format", "json", env=env).stdout)
        assert (report["headline_kind"], report["headline"]) == ("revoked", first)
    # The credential page's badge, as built: the same verdict, and the endorser's reason beside it as theirs.
    import html

    from generator.publish.verifydata import AwardStats
    from generator.render.credential import credential_body
    from generator.render.model import SiteModel

    loaded = load_registry(root)
    assert loaded.registry is not None
    model = SiteModel.build(loaded.registry, AwardStats(), {}, dt.datetime.now(dt.UTC))
    page = credential_body(model, model.entries["beta-labs/sql-basics"])
    item = html.unescape(page.split(f'data-endorsement="{by_issuer}"', 1)[1].split("</li>", 1)[0])
    assert f"data-endorsement-status>Revoked on {day[by_issuer]} by its endorser.</span>" in item
    assert (
        "data-endorsement-check class=\"cr-muted\">Reason given by its endorser: 'Withdrawn after the review'" in item
    )


def test_refusals(setup: tuple[Path, dict[str, str], list[str]], tmp_path: Path) -> None:
    root, env, r = setup
    # Another body's key cannot sign in the endorser's name.
    wrong = credreg(
        *r, "endorse", CREDENTIAL, "--as", "data-council", "--key", str(tmp_path / "keys/other-body/k1.key"),
        "--kind", "endorses", "--comment", "x", env=env,
    )  # fmt: skip
    assert wrong.returncode == 2
    assert "belongs to 'other-body'" in wrong.stderr
    # An issuer cannot endorse its own credential.
    made = credreg(*r, "keygen", "acme-academy", "--key-id", "k9", "--valid-from", "2024-01-01", env=env)
    assert made.returncode == 0, made.stderr
    own = credreg(
        *r, "endorse", CREDENTIAL, "--as", "acme-academy", "--key", str(tmp_path / "keys/acme-academy/k9.key"),
        "--kind", "endorses", "--comment", "x", env=env,
    )  # fmt: skip
    assert own.returncode == 2
    assert "cannot endorse its own" in own.stderr
    assert not list(root.glob("registry/**/endorsements/*.json"))


def test_check_refuses_a_file_under_another_endorser(
    setup: tuple[Path, dict[str, str], list[str]], tmp_path: Path
) -> None:
    root, env, r = setup
    digest = endorse(r, env, tmp_path)
    assert credreg(*r, "check", "--jobs", "1", env=env).returncode == 0
    moved = root / "registry/endorsers/other-body/endorsements"
    moved.mkdir(parents=True)
    shutil.move(root / f"registry/endorsers/data-council/endorsements/{digest}.json", moved / f"{digest}.json")
    checked = credreg(*r, "check", "--jobs", "1", env=env)
    assert checked.returncode == 1
    assert "signed by data-council, but filed under other-body" in checked.stdout + checked.stderr
    # That says what is wrong; the "Registered here" check, which finds it in no folder of its endorser, would
    # only repeat it.
    assert "Registered here" not in checked.stdout + checked.stderr


def test_claims_confirmed_claimed_revoked(setup: tuple[Path, dict[str, str], list[str]], tmp_path: Path) -> None:
    root, env, r = setup
    definition = root / "registry/issuers/acme-academy/credentials/sql-basics.yaml"
    text = definition.read_text()
    assert "quality_assurance" not in text
    definition.write_text(
        text + "quality_assurance:\n  - kind: recognized\n    by: data council\n"
        "  - kind: accredited\n    by: Data Council\n  - kind: endorsed\n    by: Nobody Registered\n"
    )
    digest = endorse(r, env, tmp_path)
    registry = load_registry(root).registry
    assert registry is not None
    claims = collect_recognition(registry).claims(registry, "acme-academy", "sql-basics")
    # A recognition confirms the recognized claim, not an accreditation the body never signed.
    assert [c.status for c in claims] == [ClaimStatus.CONFIRMED, ClaimStatus.CLAIMED, ClaimStatus.CLAIMED]
    assert claims[0].endorsement == digest
    credreg(
        *r, "revoke", digest, "--reason", "x", "--key", str(tmp_path / "keys/data-council/k1.key"), env=env
    )  # fmt: skip
    registry = load_registry(root).registry
    assert registry is not None
    claims = collect_recognition(registry).claims(registry, "acme-academy", "sql-basics")
    assert claims[0].status is ClaimStatus.REVOKED
    checked = credreg(*r, "check", "--jobs", "1", env=env)
    assert "has revoked or let expire its endorsement" in checked.stdout + checked.stderr


def test_example_registry_endorsements() -> None:
    registry = load_registry(REPO).registry
    assert registry is not None
    assert len(registry.endorsers) >= 3
    assert len({e.endorser.kind for e in (r for r in registry.endorsers.values())}) >= 3
    recognition = collect_recognition(registry)
    items = recognition.endorsements
    assert len(items) >= 12
    assert len({i.subject for i in items}) >= 10
    assert all(i.result.authentic for i in items)
    assert [i.verdict for i in items].count(Verdict.REVOKED) == 1
    statuses = {
        f"{record.id}/{c.model.id}": [q.status for q in recognition.claims(registry, record.id, c.model.id)]
        for record, c in registry.credentials()
    }
    assert statuses["brightforge-academy/back-end-development-with-python"] == [ClaimStatus.CONFIRMED]
    assert statuses["brightforge-academy/web-development-fundamentals"] == [ClaimStatus.CLAIMED]
    assert statuses["cloud-skills-council/cloud-security-essentials"] == [ClaimStatus.REVOKED]
    # Each file verifies on its own, as credreg verify and the site see it.
    first = items[0].found.document
    assert verify_endorsement(first, registry)


def test_recognition_indexes_answer_as_the_scans_do() -> None:
    """The build asks the indexes (names to bodies, subjects to endorsements) what the scans answered: for every
    name a body answers to, the same name in other case and spacing, every claim's ``by`` and names no body holds;
    and every subject's endorsements, in file order."""
    registry = load_registry(REPO).registry
    assert registry is not None
    index = name_index(registry)
    names = [n for _, ns in answered_names(registry) for n in ns]
    names += [qa.by for _, c in registry.credentials() for qa in c.model.quality_assurance]
    assert len(names) > 20
    variants = [
        v
        for n in names
        for v in (n, n.upper(), n.lower(), n.swapcase(), f"  {n} ", n.replace(" ", "  \t"), f"{n}x", f"x {n}")
    ] + ["Nobody Registered", "", "   "]
    answered = 0
    for name in variants:
        scanned = endorser_for_name(registry, name)
        assert index.get(normalized_name(name)) == scanned, name
        answered += scanned is not None
    assert answered >= 4 * len(names)  # the variants in case and spacing answer, not only the names as written
    recognition = collect_recognition(registry)
    subjects = {e.subject for e in recognition.endorsements} | {registry.issuer_did(i) for i in registry.issuers}
    for subject in subjects:
        assert recognition.of(subject) == [e for e in recognition.endorsements if e.subject == subject]
    assert recognition.of("https://nowhere.example/") == []
    for record, credential in registry.credentials():
        subject = registry.credential_url(record.id, credential.model.id)
        for claim in recognition.claims(registry, record.id, credential.model.id):
            endorser = endorser_for_name(registry, claim.claim.by)
            assert claim.endorser == endorser
            scanned = [e for e in recognition.endorsements if e.subject == subject and e.endorser == endorser]
            assert claim.candidates == (
                tuple(e.found.hash for e in scanned if e.kind in CONFIRMS[claim.claim.kind]) if endorser else ()
            )


def test_layout_and_ids_of_endorsers(tmp_path: Path) -> None:
    root = make_registry(tmp_path / "r")
    add_endorser(root, "data-council", "Data Council")
    (root / "registry/endorsers/data-council/endorsements").mkdir()
    (root / "registry/endorsers/data-council/endorsements/not-a-hash.json").write_text("{}")
    (root / "registry/endorsers/data-council/notes.txt").write_text("x")
    add_endorser(root, "acme-academy", "Acme again")  # an issuer's id: an issuer endorses as itself
    loaded = load_registry(root)
    found = {(p.location.path, p.code) for p in loaded.problems}
    assert ("registry/endorsers/data-council/endorsements/not-a-hash.json", "layout.unexpected") in found
    assert ("registry/endorsers/data-council/notes.txt", "layout.unexpected") in found
    assert ("registry/endorsers/acme-academy", "id.duplicate") in found
    assert loaded.registry is not None
    assert list(loaded.registry.endorsers) == ["data-council"]


def test_endorse_refuses_an_over_long_comment_or_scope_before_signing(
    setup: tuple[Path, dict[str, str], list[str]], tmp_path: Path
) -> None:
    root, env, r = setup
    base = [*r, "endorse", CREDENTIAL, "--as", "data-council", "--key", str(tmp_path / "keys/data-council/k1.key")]
    base += ["--kind", "recognises"]
    for extra, message in (
        (["--comment", "x" * 3000], "--comment is limited to 2000 characters (this one has 3000)"),
        (["--comment", "ok", "--scope", "y" * 501], "--scope is limited to 500 characters (this one has 501)"),
        (["--comment", "ok", "--scope", "   "], "--scope must not be blank"),
        # Signed text the page would show reversed, or a terminal would act on: refused before it is signed.
        (["--comment", "ok \u202eti"], "--comment holds the invisible or control character U+202E (character 4)"),
        (["--comment", "ok", "--scope", "a\x1b[2J"], "--scope holds the invisible or control character U+001B"),
        # A tower of combining marks, drawn over the badges and names around it.
        (
            ["--comment", "ok a" + "\u0301" * 7],
            "--comment: a letter carries more than 6 combining marks (the 7th is character 11)",
        ),
    ):
        result = credreg(*base, *extra, env=env)
        assert result.returncode == 2, result.stderr
        assert message in result.stderr
        assert "Traceback" not in result.stderr
    assert not (root / "registry/endorsers/data-council/endorsements").exists(), "nothing signed"
    assert credreg(*base, "--comment", "x" * 2000, env=env).returncode == 0


@pytest.mark.parametrize(
    ("text", "where", "words"),
    [
        ("{", (1, 2), "invalid JSON"),
        ('[{"a": 1, "a": 2}]]', (1, 19), "invalid JSON: Extra data"),
        ('{"a": 1, "a": 2}', (1, 10), "duplicate key 'a'"),
        ("[1]", (1, 1), "an endorsement is a JSON object"),
    ],
)
def test_an_unreadable_endorsement_file_is_reported_not_skipped(
    tmp_path: Path, text: str, where: tuple[int, int], words: str
) -> None:
    from generator.check import run_check

    root = make_registry(tmp_path / "r")
    add_endorser(root, "data-council", "Data Council")
    folder = root / "registry/endorsers/data-council/endorsements"
    folder.mkdir()
    (folder / f"{'a' * 64}.json").write_text(text, encoding="utf-8")
    report = run_check(root)
    rel = f"registry/endorsers/data-council/endorsements/{'a' * 64}.json"
    [problem] = [p for p in report.problems if p.location.path == rel]
    assert (problem.location.line, problem.location.col) == where
    assert words in problem.message
    assert "recipient" not in problem.message


UNSEEN_TEXTS = [
    ("name", "Data Council recognises: \u202eLQS", "name", "U+202E (character 26)"),
    # (U+009B: the one-byte escape sequence introducer; ESC itself cannot be signed with an eddsa-rdfc-2022 proof.)
    ("endorsementComment", "Recognised.\x9b2J Accredited.", "credentialSubject.endorsementComment", "U+009B"),
    ("endorsementScope", "analysts \u202esreganam", "credentialSubject.endorsementScope", "U+202E (character 10)"),
    ("name", "Data Council recognises:\nSQL", "name", "String should match pattern"),  # the name is one line
]


def _signing(root: Path, tmp: Path, who: str = "data-council") -> SigningKey:
    registry = load_registry(root).registry
    assert registry is not None
    start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    generate_key(registry, who, key_id="k1", valid_from=start, private_path=tmp / f"{who}.key", now=start)
    return load_signing_key(tmp / f"{who}.key", root=root)


def _data_council_endorses(
    tmp_path: Path,
    kind: EndorsementKind,
    comment: str,
    scope: str | None,
    change: Callable[[dict[str, Any]], None],
    when: dt.datetime | None = None,
) -> tuple[Path, str, dict[str, Any], str]:
    """A registry where Data Council endorses :data:`CREDENTIAL` (``kind``, ``comment``, ``scope``), by a file that
    ``change`` edits before it is signed (at ``when``, default a day ago), written in the body's folder: the
    registry's root, the file's path, the signed endorsement and its text."""
    root = make_registry(tmp_path / "r")
    add_endorser(root, "data-council", "Data Council")
    signing = _signing(root, tmp_path)
    registry = load_registry(root).registry
    assert registry is not None
    when = when or dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    unsigned = unsigned_endorsement(
        registry, "data-council", CREDENTIAL, kind=kind, comment=comment,
        scope=scope, valid_from=when, valid_until=None, status_list=1, status_index=3,
    )  # fmt: skip
    change(unsigned)
    signed = sign_document(unsigned, signing, f"{registry.endorser_did('data-council')}#k1", when)
    rel = f"registry/endorsers/data-council/endorsements/{award_hash(signed)}.json"
    rendered = render_award(signed)
    (root / rel).parent.mkdir(parents=True)
    (root / rel).write_text(rendered, encoding="utf-8")
    return root, rel, signed, rendered


def _refused_signed_text(tmp_path: Path, key: str, text: str, field: str) -> tuple[Problem, dict[str, Any]]:
    """An endorsement signed with ``text`` as its ``key`` (the name, or a field of its subject), checked: the one
    structure problem, which names its file, line and ``field``; and the signed endorsement."""
    from generator.check import run_check

    def change(unsigned: dict[str, Any]) -> None:
        (unsigned if key == "name" else unsigned["credentialSubject"])[key] = text

    root, rel, signed, rendered = _data_council_endorses(
        tmp_path, EndorsementKind.RECOGNISES, "Recognised.", "analysts", change
    )

    [problem] = [p for p in run_check(root).problems if p.code == "endorsement.structure"]
    assert (problem.location.path, problem.field) == (rel, field)
    line = 1 + next(i for i, row in enumerate(rendered.splitlines()) if json.dumps(text, ensure_ascii=False) in row)
    assert problem.location.line == line
    return problem, signed


@pytest.mark.parametrize(("key", "text", "field", "words"), UNSEEN_TEXTS)
def test_check_refuses_signed_text_with_an_unseen_character(
    tmp_path: Path, key: str, text: str, field: str, words: str
) -> None:
    problem, signed = _refused_signed_text(tmp_path, key, text, field)
    assert f"{field}: " in problem.message
    assert words in problem.message
    # The published schema refuses it too (its pattern is the model's, in ECMAScript spelling).
    assert schema_errors(FileKind.ENDORSEMENT, signed)


TOWER = "\u0301\u0300\u0302\u0303\u0308\u030a\u0327"  # seven combining marks on one letter

TOWER_TEXTS = [
    ("name", "Data Council recognises: SQL" + TOWER, "name", "character 35)"),
    ("endorsementComment", "Re" + TOWER + "cognised.", "credentialSubject.endorsementComment", "character 9)"),
    ("endorsementScope", "\U0001f4caanalysts" + TOWER, "credentialSubject.endorsementScope", "character 16)"),
]


@pytest.mark.parametrize(("key", "text", "field", "words"), TOWER_TEXTS)
def test_check_refuses_signed_text_with_a_tower_of_combining_marks(
    tmp_path: Path, key: str, text: str, field: str, words: str
) -> None:
    """Registry text is held to six marks on a letter; signed endorsement text, shown on the same pages, too (the
    JSON Schema cannot say it: its patterns name no Unicode category). Counted in code points: the emoji is one."""
    problem, signed = _refused_signed_text(tmp_path, key, text, field)
    assert f"{field}: a letter carries more than 6 combining marks (the 7th is {words}" in problem.message
    assert "Traceback" not in problem.message
    # Six marks on a letter (pointed Hebrew with its accents has five) are text, not a tower (the profile is read
    # before any proof: the changed text needs no signing again).
    six = json.loads(json.dumps(signed))
    (six if key == "name" else six["credentialSubject"])[key] = text.replace(TOWER, TOWER[:6])
    assert profile_problem(six) is None


def test_an_endorsement_comment_may_hold_line_ends(tmp_path: Path) -> None:
    from generator.check import run_check

    root = make_registry(tmp_path / "r")
    add_endorser(root, "data-council", "Data Council")
    signing = _signing(root, tmp_path)
    registry = load_registry(root).registry
    assert registry is not None
    done = endorse_(
        registry, CREDENTIAL, "data-council", signing, kind=EndorsementKind.RECOGNISES,
        comment="Counts for our register.\n\nAnalyst roles only.", scope="analysts,\tjunior and senior",
    )  # fmt: skip
    assert "\n\n" in done.document["credentialSubject"]["endorsementComment"]
    assert not [p for p in run_check(root).problems if p.code.startswith("endorsement.")]


ACME_DID = "did:web:registry.test.example:issuers:acme-academy"
ACME_KEY = "keys/acme-academy/key-2025.json"


def _copy_key(root: Path, source: str, body: str, key_id: str) -> str:
    """``source``'s public key, registered again as ``body``'s ``key_id``."""
    key = json.loads((root / source).read_text(encoding="utf-8"))
    key.update(id=key_id, issuer=body)
    rel = f"keys/{body}/{key_id}.json"
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    (root / rel).write_text(json.dumps(key, indent=2) + "\n", encoding="utf-8")
    return rel


def _line_of(root: Path, rel: str, needle: str) -> int:
    lines = (root / rel).read_text(encoding="utf-8").splitlines()
    return 1 + next(i for i, row in enumerate(lines) if needle in row)


OTHER_BODY = "registry/endorsers/other-body/endorser.yaml"


def _declaring(
    tmp_path: Path, did: str, *, held: str | None = None, site: str | None = None, council: bool = False
) -> tuple[Path, list[Problem]]:
    """A registry where the endorser other-body declares ``did`` as its own (the issuer acme-academy ``held``, the
    site at ``site``, the endorser data-council registered too), and the check's identity problems (``id.*``)."""
    from generator.check import run_check

    root = make_registry(tmp_path / "r")
    if site is not None:
        governance = root / "registry/governance.yaml"
        governance.write_text(governance.read_text(encoding="utf-8").replace("https://registry.test.example/", site))
    if council:
        add_endorser(root, "data-council", "Data Council")
    add_endorser(root, "other-body", "Other Body")
    if held is not None:
        issuer = root / "registry/issuers/acme-academy/issuer.yaml"
        issuer.write_text(issuer.read_text(encoding="utf-8") + f"did: '{held}'\n", "utf-8")
    with (root / OTHER_BODY).open("a", encoding="utf-8") as fh:
        fh.write(f"did: '{did}'\n")
    return root, [p for p in run_check(root).problems if p.code.startswith("id.")]


@pytest.mark.parametrize(
    ("did", "owner"),
    [
        (ACME_DID, "issuer 'acme-academy'"),  # an endorser taking an issuer's DID
        ("did:web:registry.test.example:endorsers:data-council", "endorser 'data-council'"),  # another's did:web
    ],
)
def test_an_endorser_cannot_take_another_bodys_did(tmp_path: Path, did: str, owner: str) -> None:
    root, problems = _declaring(tmp_path, did, council=True)
    [problem] = [p for p in problems if p.code == "id.duplicate-did"]
    assert (problem.location.path, problem.location.line, problem.field) == (
        OTHER_BODY,
        _line_of(root, OTHER_BODY, "did:"),
        "did",
    )
    assert problem.message == f"DID {did} is already used by {owner}"


@pytest.mark.parametrize(
    "did",
    [
        "did:web:university.example%3A443:people",  # the default port, spelled out
        "did:web:university.example:%70eople",  # a percent-encoded path
        "did:web:university.example%3A0443:people",  # the default port, with a leading zero (URL parsers: 443)
        "did:web:university.example.:people",  # the host as a fully qualified name (DNS: the same host)
        "did:web:university.example:x:..:people",  # a dot-segment, which URL parsers remove
        "did:web:university.example:.:people",
        "did:web:university.example:x:%2E%2E:people",  # a percent-encoded one (still a dot-segment to URLs)
    ],
)
def test_an_endorser_cannot_take_another_bodys_own_did_spelled_otherwise(tmp_path: Path, did: str) -> None:
    # Every resolver reads both spellings as one place, https://university.example/people/did.json: the check,
    # comparing them as written, let two bodies hold one identity (the registry's own did:web was compared by
    # place, id.site-did; a body's own was not).
    _, problems = _declaring(tmp_path, did, held="did:web:university.example:people")
    [problem] = [p for p in problems if p.code == "id.duplicate-did"]
    assert (problem.location.path, problem.field) == (OTHER_BODY, "did")
    assert problem.message == (
        f"DID {did} is already used by issuer 'acme-academy', spelled otherwise (one did:web, one place)"
    )


def test_an_endorser_cannot_take_another_bodys_idn_did_spelled_otherwise(tmp_path: Path) -> None:
    # An internationalized host percent-encoded (as did:web writes it) and its ASCII (punycode) form are one host to
    # every resolver: compared as decoded, the two were two places.
    _, problems = _declaring(tmp_path, "did:web:b%C3%BCcher.example", held="did:web:xn--bcher-kva.example")
    [problem] = [p for p in problems if p.code == "id.duplicate-did"]
    assert (problem.location.path, problem.field) == (OTHER_BODY, "did")


@pytest.mark.parametrize(
    "did",
    [
        "did:web:registry.test.example%3A443:endorsers:data-council",  # the default port, spelled out
        "did:web:registry.test.example:endorsers:%64ata-council",  # a percent-encoded path
        "did:web:registry.test.example%3A0443:endorsers:data-council",  # the default port, with a leading zero
        "did:web:registry.test.example.:endorsers:data-council",  # the host as a fully qualified name
        "did:web:registry.test.example:issuers:acme-academy:status",  # a folder of an issuer's
        "did:web:registry.test.example:issuers:someone-new",  # a place the site may serve another body tomorrow
        "did:web:registry.test.example",  # the registry's own (registry/governance.yaml registry_key)
    ],
)
def test_a_body_cannot_declare_a_did_web_on_the_registry_site(tmp_path: Path, did: str) -> None:
    # The registry's site serves the DID documents of the did:web it gives each body (publish/did.py) and its
    # own: a body's own DID there is at best another spelling of one of them, which every resolver dereferences to
    # that body's document while the registry, comparing DIDs as written, took it as a new identity.
    _, problems = _declaring(tmp_path, did, council=True)
    [problem] = [p for p in problems if p.code == "id.site-did"]
    assert (problem.location.path, problem.field) == (OTHER_BODY, "did")
    assert problem.message == (
        f"DID {did} is a place on this registry's site, which serves only the did:web it gives each body: "
        "leave did out to have this body's"
    )


@pytest.mark.parametrize(
    ("held", "did"),
    [
        # Each spelling is the place a resolver fetches for the one before it (W3C did:web: parts decoded and
        # joined by '/', then a WHATWG URL parser and the server): compared by decoded parts alone, each was new.
        ("did:web:university.example:people:staff", "did:web:university.example:people%2Fstaff"),  # an encoded '/'
        ("did:web:university.example:people:staff", "did:web:university.example:people%5Cstaff"),  # '\' is '/'
        ("did:web:university.example:people:staff", "did:web:university.example:people%252Fstaff"),  # the server's
        ("did:web:university.example:people", "did:web:university.example:peo%09ple"),  # a tab, which URLs drop
        ("did:web:university.example:people", "did:web:university.example:people:"),  # an empty segment
        ("did:web:university.example:people", "did:web:university.example:people:did.json%23"),  # a fragment
        ("did:web:university.example:people", "did:web:university.example:people:did.json%3F"),  # a query
        ("did:web:university.example:people", "did:web:someone%40university.example:people"),  # userinfo
        ("did:web:university.example:people", "did:web:university.example%3A:people"),  # an empty port
        ("did:web:university.example", "did:web:university.example:.well-known"),  # the same did.json
        ("did:web:university.example%3A8443", "did:web:university.example%3A08443"),  # a port's leading zero
        ("did:web:127.0.0.1:people", "did:web:0x7f.1:people"),  # IPv4 numbers, as URL parsers read them
        ("did:web:127.0.0.1:people", "did:web:2130706433:people"),
        ("did:web:%5B%3A%3A1%5D:people", "did:web:%5B0%3A0%3A%3A1%5D:people"),  # an IPv6 literal
    ],
)
def test_an_endorser_cannot_take_another_bodys_did_by_a_url_spelling(tmp_path: Path, held: str, did: str) -> None:
    _, problems = _declaring(tmp_path, did, held=held)
    [problem] = [p for p in problems if p.code == "id.duplicate-did"]
    assert (problem.location.path, problem.field) == (OTHER_BODY, "did")


@pytest.mark.parametrize(
    "did",
    [
        "did:web:registry.test.example:reg%2Fissuers:acme-academy",  # the site's own document, an encoded '/'
        "did:web:registry.test.example%2Freg:issuers:acme-academy",  # a '/' in the host: a path on the site's
        "did:web:someone%40registry.test.example:reg:issuers:acme-academy",  # userinfo: the site's host
        "did:web:registry.test.example:x:reg%5C..%5C..:reg:issuers:someone-new",  # '\' dot-segments
    ],
)
def test_a_body_cannot_declare_a_did_web_on_a_registry_site_by_a_url_spelling(tmp_path: Path, did: str) -> None:
    # On a site under a path (https://registry.test.example/reg/), a DID whose decoded parts hold a '/' (or a '\',
    # or the host a userinfo) was outside it to the check and, to every resolver, a document the site serves.
    _, problems = _declaring(tmp_path, did, site="https://registry.test.example/reg/")
    [problem] = [p for p in problems if p.code == "id.site-did"]
    assert (problem.location.path, problem.field) == (OTHER_BODY, "did")


@pytest.mark.parametrize(
    "did",
    [
        "did:web:registry.test.example:other:people",  # another site on the same host
        "did:web:registry.test.example:regional:issuers:acme-academy",  # a path that only starts like the site's
        "did:web:registry.test.example",  # the host's own /.well-known/did.json, outside /reg/
    ],
)
def test_a_body_may_declare_a_did_web_on_the_registry_host_outside_its_site(tmp_path: Path, did: str) -> None:
    assert _declaring(tmp_path, did, site="https://registry.test.example/reg/")[1] == []


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("did:web:university.example:people", "did:web:university.example:People"),  # paths are case-sensitive
        ("did:web:university.example", "did:web:university.example:"),  # /.well-known/did.json is not /did.json
        ("did:web:university.example", "did:web:university.example%3A8443"),  # another port
        ("did:web:university.example:a%253Fb", "did:web:university.example:a"),  # a '?' in a file's name
        ("did:web:university.example:people", "did:web:university.example%3A99999999999999999999:people"),
        ("did:web:university.example:people", "did:web:university.example:people%FF"),  # not UTF-8: no crash
        ("did:web:xn--a.example", "did:web:%FF%FE.example"),  # no IDNA host: no crash
        ("did:web:0x7f.1", "did:web:0x7f.0x100000000"),  # no IPv4 address: no crash
        ("did:web:%5B%3A%3A1%5D", "did:web:%5B%3A%3A%3A1%5D"),  # no IPv6 address: no crash
    ],
)
def test_distinct_did_webs_are_two_places(tmp_path: Path, one: str, other: str) -> None:
    assert _declaring(tmp_path, other, held=one)[1] == []


def test_a_body_may_declare_the_did_web_the_registry_gives_it(tmp_path: Path) -> None:
    from generator.check import run_check

    root = make_registry(tmp_path / "r")
    add_endorser(root, "data-council", "Data Council")
    rel = "registry/endorsers/data-council/endorser.yaml"
    with (root / rel).open("a", encoding="utf-8") as fh:
        fh.write("did: did:web:registry.test.example:endorsers:data-council\n")
    assert [p for p in run_check(root).problems if p.code.startswith("id.")] == []


def test_an_issuer_declaring_an_endorsers_did_web_is_refused_on_the_endorser(tmp_path: Path) -> None:
    from generator.check import run_check

    root = make_registry(tmp_path / "r")
    add_endorser(root, "data-council", "Data Council")
    did = "did:web:registry.test.example:endorsers:data-council"
    issuer = root / "registry/issuers/acme-academy/issuer.yaml"
    issuer.write_text(issuer.read_text(encoding="utf-8") + f"did: {did}\n", encoding="utf-8")
    [problem] = [p for p in run_check(root).problems if p.code == "id.duplicate-did"]
    assert problem.location.path == "registry/endorsers/data-council/endorser.yaml"
    assert problem.message == f"DID {did} (the did:web this registry gives it) is already used by issuer 'acme-academy'"


@pytest.mark.parametrize("source", [ACME_KEY, "keys/data-council/k1.json"])
def test_an_endorser_cannot_register_another_bodys_key(tmp_path: Path, source: str) -> None:
    from generator.check import run_check

    root = make_registry(tmp_path / "r")
    add_endorser(root, "data-council", "Data Council")
    add_endorser(root, "other-body", "Other Body")
    _copy_key(root, ACME_KEY, "data-council", "k0")  # the issuer's key, as data-council's (refused too)
    _signing(root, tmp_path, "data-council")  # data-council's own k1
    rel = _copy_key(root, source, "other-body", "k2")
    found = [p for p in run_check(root).problems if p.code == "key.duplicate"]
    assert [p.location.path for p in found] == ["keys/data-council/k0.json", rel]
    line = _line_of(root, rel, "publicKeyMultibase")
    assert (found[1].location.line, found[1].field) == (line, "publicKeyMultibase")
    assert found[1].message == f"this public key is already registered as {source}"


@pytest.mark.parametrize("closed", ["valid_until", "revoked_at"])
def test_a_revocation_is_not_taken_back_by_a_list_signed_after_the_key_closed(
    setup: tuple[Path, dict[str, str], list[str]], tmp_path: Path, closed: str
) -> None:
    # A retired (or leaked and revoked) key still signs: a version of the endorser's list that clears a revoked
    # endorsement's bit, signed after the key's window closed, is not the endorser's word, as for an issuer's list.
    from generator.endorsements import _signed_list  # how credreg signs an endorser's list

    root, env, r = setup
    digest = endorse(r, env, tmp_path)
    key_file = tmp_path / "keys/data-council/k1.key"
    revoked = credreg(*r, "revoke", digest, "--reason", "withdrawn", "--key", str(key_file), env=env)
    assert revoked.returncode == 0, revoked.stderr
    assert json.loads(credreg(*r, "verify", digest, "--format", "json", env=env).stdout)["verdict"] == "revoked"
    now = dt.datetime.now(dt.UTC)
    public = layout.key_path(root, "data-council", "k1")
    record = json.loads(public.read_text(encoding="utf-8"))
    record[closed] = (now + dt.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    if closed == "revoked_at":
        record["revocation_reason"] = "laptop stolen"
    public.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    registry = load_registry(root).registry
    assert registry is not None
    status_list = root / "registry/endorsers/data-council/status/1.json"
    cleared = new_bitstring()  # every bit clear: the revocation "taken back"
    later = now + dt.timedelta(days=2)
    signed = _signed_list(registry, "data-council", 1, cleared, load_signing_key(key_file, root=root), later)
    status_list.write_text(json.dumps(signed), encoding="utf-8")

    shown = credreg(*r, "verify", digest, "--format", "json", env=env)
    assert shown.returncode == 1, shown.stdout + shown.stderr
    result = json.loads(shown.stdout)
    assert result["verdict"] != "valid", result
    status = next(c for c in result["checks"] if c["id"] == "status")
    what = "retired" if closed == "valid_until" else "revoked"
    assert status["status"] == "not checked", status
    assert status["reason"].startswith(
        f"the status list's signature is not trusted: signed on {later:%Y-%m-%d}, after key k1 was {what}"
    ), status
    # The full check refuses the list file itself, for the same reason.
    checked = credreg(*r, "check", "--jobs", "1", env=env)
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert "registry/endorsers/data-council/status/1.json" in checked.stdout + checked.stderr
    assert "the status list's signature is not trusted" in checked.stdout + checked.stderr


def test_check_s_summary_counts_the_endorsers_keys_apart(setup: tuple[Path, dict[str, str], list[str]]) -> None:
    # It said "1 keys" for a registry holding three: the issuer's, not the two endorsers' (a key each).
    _, env, r = setup
    checked = credreg(*r, "check", "--jobs", "1", env=env)
    assert checked.returncode == 0, checked.stderr
    assert "(1 issuers, 3 credentials, 1 issuer keys, 2 endorsers, 2 endorser keys, 0 awards" in checked.stderr
    as_json = json.loads(credreg(*r, "check", "--jobs", "1", "--format", "json", env=env).stdout)["summary"]
    assert (as_json["issuer keys"], as_json["endorser keys"]) == (1, 2)


@pytest.mark.parametrize(
    ("kind", "stated"),
    [
        ("endorses", None),  # no CTDL term says "endorsed by": it was exported as ceterms:recognizedBy
        ("recognises", "ceterms:recognizedBy"),
        ("counts-towards-qualification", "ceterms:recognizedBy"),
        ("approves-for-regulated-role", "ceterms:approvedBy"),
        ("accredits", "ceterms:accreditedBy"),
    ],
)
def test_ctdl_states_what_a_signed_endorsement_confirms_and_no_more(
    setup: tuple[Path, dict[str, str], list[str]], tmp_path: Path, kind: str, stated: str | None
) -> None:
    """CTDL states a body's valid signed endorsement as the strongest quality-assurance claim it confirms (the one
    rule: recognition.CONFIRMS). A mere "endorses" confirms no claim to recognition, and the credential page says a
    claim "Recognised by" the body is only claimed: CTDL stated it as fact (ceterms:recognizedBy)."""
    from generator.publish.verifydata import AwardStats
    from generator.render.ctdl import ctdl_credential
    from generator.render.model import SiteModel

    root, env, r = setup
    definition = root / "registry/issuers/acme-academy/credentials/sql-basics.yaml"
    definition.write_text(definition.read_text() + "quality_assurance:\n  - kind: recognized\n    by: Data Council\n")
    endorse(r, env, tmp_path, "--kind", kind)
    registry = load_registry(root).registry
    assert registry is not None
    model = SiteModel.build(registry, AwardStats(), {}, dt.datetime.now(dt.UTC))
    [claim] = model.recognition.claims(registry, "acme-academy", "sql-basics")
    doc = ctdl_credential(model, model.entries[CREDENTIAL])
    terms = ("ceterms:accreditedBy", "ceterms:approvedBy", "ceterms:recognizedBy")
    found = {t: [o["ceterms:name"]["en"] for o in doc[t]] for t in terms if t in doc}
    assert found == ({stated: ["Data Council"]} if stated else {}), found
    # The page's word on the claim "Recognised by Data Council" and CTDL's agree.
    assert (claim.status is ClaimStatus.CONFIRMED) == (stated == "ceterms:recognizedBy" or kind == "accredits")


def test_the_api_names_an_endorser_by_its_registered_name_never_the_files(tmp_path: Path) -> None:
    """The JSON API named an endorsement's endorser by the name its file gives ("Ministry of Education", signed with
    the body's key), where the pages, credreg verify and the verification page name it by the name registered for
    the body whose key signed it (the file's name is held to it by the "Endorser as registered" check, which the
    build does not run)."""
    from generator.publish.verifydata import AwardStats
    from generator.render.api import _endorser, _recognition
    from generator.render.model import SiteModel

    def change(unsigned: dict[str, Any]) -> None:
        unsigned["issuer"]["name"] = "Ministry of Education"

    root, *_ = _data_council_endorses(tmp_path, EndorsementKind.ACCREDITS, "Accredited.", None, change)
    registry = load_registry(root).registry
    assert registry is not None
    model = SiteModel.build(registry, AwardStats(), {}, dt.datetime.now(dt.UTC))
    [item] = model.recognition.endorsements
    assert item.result.authentic  # shown
    assert not item.valid  # as not confirmed
    [listed] = _recognition(model, model.entries[CREDENTIAL])["endorsements"]
    [by_body] = _endorser(model, "data-council")["endorsements"]
    assert listed["endorser_name"] == by_body["endorser_name"] == "Data Council", listed


@pytest.mark.parametrize("where", ["missing", "another's", "beyond"])
def test_check_and_build_refuse_an_endorsement_whose_status_cannot_be_read(tmp_path: Path, where: str) -> None:
    """An endorsement whose status entry names no list its endorser signed (none written, another's, an index
    past its end) can never be revoked: its page said "Not confirmed" and it confirmed nothing, yet `credreg check`
    and `credreg build` (the same full check) took it. Both refuse it now, on the file's status entry."""
    from generator.errors import ProblemsFound
    from generator.publish.site import load_for_build

    other = "https://registry.test.example/issuers/acme-academy/status/1.json"

    def change(doc: dict[str, Any]) -> None:
        if where == "another's":
            doc["credentialStatus"].update(id=f"{other}#3", statusListCredential=other)
        if where == "beyond":
            doc["credentialStatus"].update(statusListIndex=str(10**6))
            doc["credentialStatus"]["id"] = doc["credentialStatus"]["id"].replace("#3", f"#{10**6}")

    root, rel, _, _ = _data_council_endorses(tmp_path, EndorsementKind.RECOGNISES, "Recognised.", None, change)
    if where != "missing":  # the body's own list 1, signed, every bit clear
        registry = load_registry(root).registry
        assert registry is not None
        from generator.endorsements import _signed_list

        signing = load_signing_key(tmp_path / "data-council.key", root=root)
        listed = _signed_list(registry, "data-council", 1, new_bitstring(), signing, dt.datetime.now(dt.UTC))
        (root / "registry/endorsers/data-council/status").mkdir()
        (root / "registry/endorsers/data-council/status/1.json").write_text(render_award(listed), encoding="utf-8")
    found = [p for p in run_check(root, CheckOptions(progress=False, cache=False, jobs=1)).problems.errors]
    assert [(p.location.path, p.code) for p in found] == [(rel, "endorsement.status")], found
    assert found[0].message.startswith("Not revoked: ")
    with pytest.raises(ProblemsFound) as refused:
        load_for_build(root)
    assert [p.code for p in refused.value.problems] == ["endorsement.status"]


@pytest.mark.parametrize(
    "spell",
    [
        lambda u: u.rstrip("/"),
        lambda u: u + "/",
        lambda u: u.upper(),
        lambda u: u.replace("/credentials/", "/%63redentials/"),
    ],
    ids=["no-slash", "two-slashes", "upper-case", "percent-encoded"],
)
def test_an_endorsement_naming_a_credential_spelled_otherwise_covers_nothing(
    tmp_path: Path, spell: Callable[[str], str]
) -> None:
    """What a credential's endorsement covers is held by the pull-request rule for its page's id exactly
    (governance/endorsements.py): one naming the page spelled otherwise must neither pass the check nor show on it."""
    ids: list[str] = []

    def change(unsigned: dict[str, Any]) -> None:
        ids.append(unsigned["credentialSubject"]["id"])
        unsigned["credentialSubject"]["id"] = spell(ids[0])

    root, rel, _, _ = _data_council_endorses(tmp_path, EndorsementKind.RECOGNISES, "Recognised.", None, change)
    report = run_check(root, CheckOptions(progress=False, cache=False))
    refused = {p.code for p in report.problems if p.location.path == rel and p.severity is Severity.ERROR}
    assert refused & {"endorsement.subject", "endorsement.structure"}, report.problems
    registry = load_registry(root).registry
    assert registry is not None
    assert collect_recognition(registry).of(ids[0]) == []


# --- an endorsement's published times: one form, signed at its validFrom (times.py PUBLISHED_TIME_PATTERN) --------

_FREE_DIGITS = (
    "must be whole seconds in UTC (YYYY-MM-DDThh:mm:ssZ), as the registry writes it: a fraction of a second or an "
    "offset is free digits that could carry a number or a message beside what the endorsement says "
    "(docs/privacy.md)"
)
_SIGNED_AT = (
    "the registry signs an endorsement when it issues it, and a signing time of its own is free digits beside it "
    "(docs/privacy.md)"
)


@pytest.mark.parametrize(
    ("valid_from", "field", "words"),
    [
        # Free digits: a fraction can carry any number, an offset says where the endorser signed.
        # Its words are an endorsement's: it has no recipient (an award's words said "an award's recipient").
        ("2026-05-01T12:00:00.123456Z", "validFrom", _FREE_DIGITS),
        ("2026-05-01T14:00:00+02:00", "validFrom", _FREE_DIGITS),
        # In the form, but not when it was signed: a signing time of its own is free digits beside it.
        # (a rule of the whole document: its message names the field)
        (None, "", "proof.0.created: must be the endorsement's validFrom ("),
        (None, "", _SIGNED_AT),
    ],
)
def test_check_refuses_an_endorsement_time_in_another_form(
    tmp_path: Path, valid_from: str | None, field: str, words: str
) -> None:
    def change(unsigned: dict[str, Any]) -> None:
        start = dt.datetime.fromisoformat(unsigned["validFrom"]) - dt.timedelta(hours=1)
        unsigned["validFrom"] = valid_from or start.strftime("%Y-%m-%dT%H:%M:%SZ")

    root, rel, _, _ = _data_council_endorses(tmp_path, EndorsementKind.RECOGNISES, "Recognised.", None, change)
    [problem] = [p for p in run_check(root).problems if p.code == "endorsement.structure"]
    assert (problem.location.path, problem.field) == (rel, field)
    assert words in problem.message


def test_endorse_writes_its_times_in_the_one_form_signed_at_valid_from(
    setup: tuple[Path, dict[str, str], list[str]], tmp_path: Path
) -> None:
    """Given a time with microseconds in another zone, ``credreg endorse`` writes whole seconds in UTC, and signs
    its proofs (and a new status list) at exactly that validFrom."""
    root, _, _ = setup
    registry = load_registry(root).registry
    assert registry is not None
    key = load_signing_key(tmp_path / "keys/data-council/k1.key", root=root)
    at = dt.datetime.now(dt.timezone(dt.timedelta(hours=5, minutes=30))).replace(microsecond=654_321)
    found = endorse_(registry, CREDENTIAL, "data-council", key, kind=EndorsementKind.ENDORSES, comment="x",
                     valid_from=at, valid_until=at + dt.timedelta(days=400))  # fmt: skip
    doc = found.document
    for value in (doc["validFrom"], doc["validUntil"], *(p["created"] for p in doc["proof"])):
        assert PUBLISHED_TIME_PATTERN.fullmatch(value), value
    assert {p["created"] for p in doc["proof"]} == {doc["validFrom"]}
    lists = sorted(root.glob("registry/endorsers/data-council/status/*.json"))
    assert lists
    for path in lists:
        written = json.loads(path.read_text(encoding="utf-8"))
        assert PUBLISHED_TIME_PATTERN.fullmatch(written["validFrom"])
        assert {p["created"] for p in written["proof"]} == {written["validFrom"]}


@pytest.mark.parametrize("ahead", [dt.timedelta(hours=2), dt.timedelta(days=365 * 3000)])
def test_check_refuses_an_endorsement_signed_in_the_future(tmp_path: Path, ahead: dt.timedelta) -> None:
    """An endorsement is signed when it is made, valid from then (its proofs created at its validFrom): one dated
    ahead of the check's clock (beyond the skew) says it was signed at a time that has not come. The pull-request
    check refused it (governance.fresh-signature) but the full check, which skips the validity window so that an
    expired endorsement may stay, took it, on main or a checkout the PR check never saw. Refused at its
    validFrom; an expired one (a legitimate end) is still taken."""
    when = (dt.datetime.now(dt.UTC) + ahead).replace(microsecond=0)
    root, rel, signed, _ = _data_council_endorses(tmp_path, EndorsementKind.RECOGNISES, "Recognised.", None,
                                                  lambda _: None, when)  # fmt: skip
    assert signed["validFrom"] == when.strftime("%Y-%m-%dT%H:%M:%SZ")
    [problem] = [p for p in run_check(root).problems if p.code == "endorsement.validity"]
    assert (problem.location.path, problem.field) == (rel, "validFrom")
    assert problem.message == f"In force: not valid before {signed['validFrom']}"


def test_check_takes_an_expired_endorsement(tmp_path: Path) -> None:
    def ended(unsigned: dict[str, Any]) -> None:
        unsigned["validUntil"] = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")

    root, _, _, _ = _data_council_endorses(tmp_path, EndorsementKind.RECOGNISES, "Recognised.", None, ended)
    assert [p for p in run_check(root).problems if p.code == "endorsement.validity"] == []


def test_check_names_the_valid_from_of_an_endorsers_list_signed_in_the_future(tmp_path: Path) -> None:
    """An endorser's list signed ahead of the clock is not in force (its endorsements' status unknown): the full
    check refuses it at its validFrom, as it does an issuer's (recognition.py endorser_list_problems)."""
    from generator.endorsements import endorsement_list_url
    from generator.statuslist import status_list_credential

    root, _, _, _ = _data_council_endorses(tmp_path, EndorsementKind.RECOGNISES, "Recognised.", None, lambda _: None)
    registry = load_registry(root).registry
    assert registry is not None
    when = (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).replace(microsecond=0)
    unsigned = status_list_credential(
        list_url=endorsement_list_url(registry, "data-council", 1), issuer_did=registry.endorser_did("data-council"),
        bitstring=new_bitstring(), valid_from=when,
    )  # fmt: skip
    key = load_signing_key(tmp_path / "data-council.key", root=root)
    signed = sign_document(unsigned, key, f"{registry.endorser_did('data-council')}#k1", when)
    rel = "registry/endorsers/data-council/status/1.json"
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    (root / rel).write_text(render_award(signed), encoding="utf-8")
    [problem] = [p for p in run_check(root).problems if p.code == "status-list.invalid"]
    assert (problem.location.path, problem.field) == (rel, "validFrom")
    assert problem.message == f"the status list is not in force: not valid before {signed['validFrom']}"


#: Comments a Markdown reader decodes into a refused character (Open Badges 3.0 types endorsementComment as Markdown:
#: a wallet renders it), as the registry's Markdown fields refuse them (models._base.no_refused_reference).
REFERENCE_COMMENTS = [
    ("Recognised &#x202E;by us.", "'&#x202E;' writes U+202E"),
    ("Recognised &rlm;by us.", "'&rlm;' writes U+200F"),
    ("Recognised %E2%80%AE by us.", "'%E2%80%AE' writes U+202E"),
    ("Re&#x301;&#x300;&#x302;&#x303;&#x308;&#x30A;&#x327;cognised.", "more than 6 combining marks"),
    ("Re\u0301\u0300\u0302*\u0303\u0308\u030a\u0327*cognised.", "more than 6 combining marks as a Markdown reader"),
]


@pytest.mark.parametrize(("comment", "words"), REFERENCE_COMMENTS)
def test_check_refuses_a_comment_whose_references_decode_to_a_refused_character(
    tmp_path: Path, comment: str, words: str
) -> None:
    """The registry's pages and the verification page show the comment as text, but the signed file goes to wallets
    that render it as Markdown: the check (full and pull request) holds it to the Markdown fields' rule."""

    def change(unsigned: dict[str, Any]) -> None:
        unsigned["credentialSubject"]["endorsementComment"] = comment

    root, rel, signed, rendered = _data_council_endorses(tmp_path, EndorsementKind.RECOGNISES, "x", None, change)
    [problem] = [p for p in run_check(root).problems if p.code == "endorsement.comment-reference"]
    assert (problem.location.path, problem.field) == (rel, "credentialSubject.endorsementComment")
    assert problem.location.line == 1 + next(
        i for i, row in enumerate(rendered.splitlines()) if '"endorsementComment"' in row
    )
    assert words in problem.message
    # The profile, and so `credreg verify` and the page's twin, take it: the rule is the registry's, for what it
    # publishes (the page shows the comment as text).
    assert profile_problem(signed) is None


@pytest.mark.parametrize(("comment", "words"), REFERENCE_COMMENTS)
def test_endorse_refuses_a_comment_whose_references_decode_to_a_refused_character(
    setup: tuple[Path, dict[str, str], list[str]], tmp_path: Path, comment: str, words: str
) -> None:
    root, _, _ = setup
    registry = load_registry(root).registry
    assert registry is not None
    key = load_signing_key(tmp_path / "keys/data-council/k1.key", root=root)
    with pytest.raises(UsageError, match=r"^--comment: ") as info:
        endorse_(registry, CREDENTIAL, "data-council", key, kind=EndorsementKind.ENDORSES, comment=comment)
    assert words in str(info.value)
    assert not list(root.glob("registry/**/endorsements/*.json"))


def test_a_comment_may_name_the_common_references(tmp_path: Path) -> None:
    def change(unsigned: dict[str, Any]) -> None:
        unsigned["credentialSubject"]["endorsementComment"] = "Q&amp;A &lt;SQL&gt; &eacute;t&eacute; 100%."

    root, _, _, _ = _data_council_endorses(tmp_path, EndorsementKind.RECOGNISES, "x", None, change)
    assert not [p for p in run_check(root).problems if p.code == "endorsement.comment-reference"]


def test_one_key_has_one_spelling_and_same_key_is_decided_on_its_bytes(tmp_path: Path) -> None:
    # "The same key" is one rule (multibase.public_key_bytes), the check's key.duplicate and the log's retirements
    # alike: the bytes a Multikey decodes to. The registry accepts one spelling of a key (base58btc z6Mk…): every
    # other multibase form of the same bytes is refused where it is written, so no key file registers a copy that
    # the check, comparing text, would have taken as new.
    import base64

    from generator.check import run_check
    from generator.crypto.multibase import ED25519_PUBLIC_HEADER, public_key_bytes

    root = make_registry(tmp_path / "r")
    written = json.loads((root / ACME_KEY).read_text(encoding="utf-8"))["publicKeyMultibase"]
    raw = public_key_bytes(written)
    assert raw is not None
    assert len(raw) == 32
    body = ED25519_PUBLIC_HEADER + raw
    others = {
        "base64url": "u" + base64.urlsafe_b64encode(body).decode().rstrip("="),
        "base16": "f" + body.hex(),
        "base16 upper": "F" + body.hex().upper(),
        "base58 with a leading zero digit": "z1" + written[1:],
        "base58btc of the key without its header": "z" + written[5:],
    }
    add_endorser(root, "other-body", "Other Body")
    for name, spelling in others.items():
        assert public_key_bytes(spelling) != raw, name  # never the same key: refused, or other bytes
        rel = _copy_key(root, ACME_KEY, "other-body", "k2")
        key = json.loads((root / rel).read_text(encoding="utf-8")) | {"publicKeyMultibase": spelling}
        (root / rel).write_text(json.dumps(key, indent=2) + "\n", encoding="utf-8")
        codes = {p.code for p in run_check(root).problems if p.location.path == rel}
        assert codes & {"schema.pattern", "key.invalid"}, (name, codes)
    # The one spelling, copied: the same bytes, refused as the same key.
    rel = _copy_key(root, ACME_KEY, "other-body", "k2")
    [problem] = [p for p in run_check(root).problems if p.code == "key.duplicate"]
    assert (problem.location.path, problem.message) == (rel, f"this public key is already registered as {ACME_KEY}")
