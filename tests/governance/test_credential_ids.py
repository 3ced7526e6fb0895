"""An award's or endorsement's ``id`` names one credential (OB 3.0, VC 2.0): no two in the registry share one,
whoever issued them. Refused by the full check and the pull-request check alike, naming both files."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from generator.awarding.keys import load_signing_key
from generator.awarding.signing import sign_document
from generator.awards import award_hash, award_id_number, render_award
from generator.check import CheckOptions, run_check
from generator.errors import Problem
from generator.governance.existing import prefetch_holders
from tests.governance.conftest import ACME, BETA, NOW, Repo, errors, only, shown
from tests.governance.test_endorsements import DC, _endorse, _setup


def _full(repo: Repo) -> list[Problem]:
    return errors(run_check(repo.root, CheckOptions(progress=False, jobs=1)))


def _acme_award(repo: Repo) -> tuple[str, str]:
    """(path, id) of an award acme-academy already has."""
    rel = repo.files(f"registry/issuers/{ACME}/awards/*/*/*.json")[0]
    return rel, json.loads(repo.read(rel))["id"]


def test_an_award_taking_another_issuers_award_id_is_refused_by_both_checks(repo: Repo) -> None:
    existing, taken = _acme_award(repo)
    [issued] = repo.award(BETA, "zed@example.org")
    rel = repo.resign(issued.path.relative_to(repo.root).as_posix(), key=repo.key(BETA), issuer=BETA, id=taken)
    for problems in (errors(repo.check("beta-lead")), _full(repo)):
        [problem] = [p for p in problems if p.code == "award.duplicate-id"]
        assert (problem.location.path, problem.field) == (rel, "id"), shown(problems)
        assert problem.message == (
            f"the id {taken} is already the id of the credential in {existing}: every award and endorsement in "
            "the registry needs an id of its own, whoever issued it (re-issue this award)"
        )
    assert [p.code for p in errors(repo.check("beta-lead"))] == ["award.duplicate-id"]


def _endorsement_with_id(repo: Repo, keys: Path, rel: str, new_id: str) -> str:
    """The endorsement at ``rel`` signed again by its endorser with ``new_id``, under its new hash."""
    doc = json.loads(repo.read(rel))
    method = doc.pop("proof")[0]["verificationMethod"]
    doc["id"] = new_id
    signed = sign_document(
        doc, load_signing_key(keys / f"{DC}.key", root=repo.root), method, NOW - dt.timedelta(minutes=5)
    )
    repo.path(rel).unlink()
    return (
        repo.write(str(Path(rel).with_name(f"{award_hash(signed)}.json")), render_award(signed))
        .relative_to(repo.root)
        .as_posix()
    )


def test_an_endorsement_taking_an_awards_id_is_refused_by_both_checks(repo: Repo, tmp_path: Path) -> None:
    _setup(repo, tmp_path)
    existing, taken = _acme_award(repo)
    rel = _endorsement_with_id(repo, tmp_path, _endorse(repo, tmp_path, DC), taken)
    problem = only(repo.check(f"{DC}-lead"), "endorsement.duplicate-id")
    assert (problem.location.path, problem.field) == (rel, "id")
    assert problem.message.startswith(f"the id {taken} is already the id of the credential in {existing}: ")
    assert problem.message.endswith("(re-issue this endorsement)")
    [full] = [p for p in _full(repo) if p.code == "endorsement.duplicate-id"]
    assert (full.location.path, full.field, full.message) == (rel, "id", problem.message)


def test_an_award_taking_an_endorsements_id_is_refused(repo: Repo, tmp_path: Path) -> None:
    endorsement = _setup(repo, tmp_path)
    taken = json.loads(repo.read(endorsement))["id"]
    [issued] = repo.award(ACME, "yan@example.org")
    rel = repo.resign(issued.path.relative_to(repo.root).as_posix(), key=repo.key(), id=taken)
    problem = only(repo.check("acme-lead"), "award.duplicate-id")
    assert (problem.location.path, problem.field) == (rel, "id")
    assert f"is already the id of the credential in {endorsement}: " in problem.message


def test_the_pull_request_check_finds_a_taken_id_with_or_without_its_prefetch(repo: Repo) -> None:
    """The pull-request check looks the new ids up in a process of its own while it loads the registry
    (prefetch_holders); with one job it looks them up itself. Both find the same holder, and the prefetch
    finds it alone (the check then reads no award file for ids)."""
    existing, taken = _acme_award(repo)
    [issued] = repo.award(BETA, "zed@example.org")
    rel = repo.resign(issued.path.relative_to(repo.root).as_posix(), key=repo.key(BETA), issuer=BETA, id=taken)
    number = award_id_number(taken)
    assert number is not None
    assert prefetch_holders(repo.root, [rel]).ids[number] == [(existing, existing), (rel, rel)]
    options = [CheckOptions(base="HEAD", actor="beta-lead", progress=False, jobs=jobs) for jobs in (None, 1)]
    found = [[(p.code, p.location.path, p.field, p.message) for p in errors(run_check(repo.root, o))] for o in options]
    assert found[0] == found[1]
    assert [code for code, *_ in found[0]] == ["award.duplicate-id"], found


def test_the_id_lookup_picks_each_holder_however_its_line_is_written(tmp_path: Path) -> None:
    """The pick per award (a set lookup of the quoted ids it holds) finds an id after another string's closing
    quote, written with ``\\u`` escapes, or among many ids of one batch; it skips the lines holding none."""
    from generator.awards import award_id_text
    from generator.governance.existing import find_holders

    ids = [award_id_number(f"urn:uuid:{n:08x}-0000-4000-8000-000000000000") for n in range(2000)]
    texts = [award_id_text(n) for n in ids if n is not None]
    escaped = "".join(f"\\u{ord(c):04x}" for c in texts[1])
    lines = [
        json.dumps({"x": "a", "id": texts[0]}, separators=(",", ":")),
        '{"id": "' + escaped + '"}',
        *(json.dumps({"id": text}) for text in texts[2:]),
        json.dumps({"id": "urn:uuid:ffffffff-0000-4000-8000-000000000000"}),
    ]
    folder = tmp_path / "registry/issuers/acme/awards/2026/batches"
    folder.mkdir(parents=True)
    (folder / "b.jsonl").write_text("\n".join(lines) + "\n")
    rel = "registry/issuers/acme/awards/2026/batches/b.jsonl"
    found = find_holders(tmp_path, [("registry/issuers", "acme")], ids=[n for n in ids if n is not None]).ids
    assert [found[n] for n in ids if n is not None] == [[(rel, f"{rel}:{i}")] for i in range(1, 2001)]


def test_an_id_held_only_outside_every_registered_owner_counts_alike_with_or_without_the_prefetch(repo: Repo) -> None:
    """The prefetch searches every owner folder on disk before the registry loads; a folder no issuer's record
    owns (here one with no issuer.yaml) holds no award of the registry, for the prefetch as for --jobs 1."""
    existing, _ = _acme_award(repo)
    stray_id = "urn:uuid:0b5e55ed-0000-4000-8000-000000000001"
    stray = json.loads(repo.read(existing)) | {"id": stray_id}
    repo.write("registry/issuers/ghost/awards/2026/aa/" + "a" * 64 + ".json", json.dumps(stray))
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "a folder no issuer owns, already in the base")
    [issued] = repo.award(BETA, "zed@example.org")
    repo.resign(issued.path.relative_to(repo.root).as_posix(), key=repo.key(BETA), issuer=BETA, id=stray_id)
    options = [CheckOptions(base="HEAD", actor="beta-lead", progress=False, jobs=jobs) for jobs in (None, 1)]
    found = [[(p.code, p.location.path, p.message) for p in errors(run_check(repo.root, o))] for o in options]
    assert found[0] == found[1]
    assert "award.duplicate-id" not in [code for code, *_ in found[0]], found
