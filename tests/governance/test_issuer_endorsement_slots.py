"""An issuer's endorsements share its award status lists: a slot is held by an award *or* an endorsement, never
both, and an issuer revokes its endorsement as it revokes an award, by a signed line of its revocation log.

On real Git repositories with real keys (tests/governance/conftest.py): acme-academy endorses beta-labs's
credential, then every door is tried: the award allocator, a hand-made award or endorsement in the other's slot
(the pull-request check and the full check), and ``credreg revoke`` on the endorsement (the log line, the full
check, the pull-request check, the verdict the site's pages show).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from generator.awarding.signing import sign_document
from generator.awarding.status import StatusAllocator
from generator.awards import award_hash, render_award
from generator.check import CheckOptions, CheckReport, run_check
from generator.endorsements import (
    FoundEndorsement,
    endorse,
    endorsement_verdict,
    revoke_endorsement,
    unsigned_endorsement,
    verify_endorsement,
)
from generator.errors import UsageError
from generator.models.endorsement import EndorsementKind
from generator.statuslist import parse_list_url
from tests.governance.conftest import ACME, BETA, NOW, Repo, commit_all, errors, shown

TARGET = f"{BETA}/sql-basics"


def _endorse(repo: Repo) -> FoundEndorsement:
    return endorse(
        repo.registry, TARGET, ACME, repo.key(ACME), kind=EndorsementKind.RECOGNISES, comment="Recognised.",
        valid_from=NOW - dt.timedelta(minutes=5),
    )  # fmt: skip


def _slot(repo: Repo, doc: dict[str, Any]) -> tuple[int, int]:
    status = doc["credentialStatus"]
    located = parse_list_url(repo.registry.site_url, status["statusListCredential"])
    assert located is not None
    assert located[0] == ACME
    return located[1], int(status["statusListIndex"])


def _full(repo: Repo) -> CheckReport:
    return run_check(repo.root, CheckOptions(progress=False, jobs=1))


def _rel(repo: Repo, path: Path) -> str:
    return path.relative_to(repo.root).as_posix()


def _award_in(repo: Repo, number: int, index: int) -> str:
    """A new acme award, re-signed into status list ``number`` index ``index``; returns its path."""
    [issued] = repo.award(email="slot@example.org")
    status = dict(issued.award["credentialStatus"])
    url = repo.registry.status_list_url(ACME, number)
    status.update(id=f"{url}#{index}", statusListIndex=str(index), statusListCredential=url)
    return repo.resign(_rel(repo, issued.path), key=repo.key(ACME), credentialStatus=status)


def _endorsement_in(repo: Repo, number: int, index: int) -> str:
    """A new acme endorsement of beta's credential, signed for status list ``number`` index ``index``."""
    registry = repo.registry
    unsigned = unsigned_endorsement(
        registry, ACME, TARGET, kind=EndorsementKind.RECOGNISES, comment="Recognised.", scope=None,
        valid_from=NOW - dt.timedelta(minutes=5), valid_until=None, status_list=number, status_index=index,
    )  # fmt: skip
    signed = sign_document(
        unsigned, repo.key(ACME), f"{registry.endorser_did(ACME)}#key-1", NOW - dt.timedelta(minutes=5)
    )
    rel = f"registry/issuers/{ACME}/endorsements/{award_hash(signed)}.json"
    repo.write(rel, render_award(signed))
    return rel


# --- (a) one slot, one holder ----------------------------------------------------------------------------


def test_the_award_allocator_never_hands_out_a_slot_an_endorsement_holds(repo: Repo) -> None:
    done = _endorse(repo)
    number, index = _slot(repo, done.document)
    used = StatusAllocator.scan(repo.registry, ACME).used
    assert index in used.get(number, set())


def test_an_issuers_endorsement_is_allocated_beside_its_awards(repo: Repo) -> None:
    # The other direction: `credreg endorse` by an issuer draws from the same allocator, awards' slots taken.
    awarded = {
        _slot(repo, json.loads(p.read_text())) for p in repo.root.glob(f"registry/issuers/{ACME}/awards/*/*/*.json")
    }
    assert awarded
    for _ in range(5):
        assert _slot(repo, _endorse(repo).document) not in awarded
    used = StatusAllocator.scan(repo.registry, ACME).used
    assert awarded <= {(n, i) for n, indexes in used.items() for i in indexes}


def test_a_new_award_in_an_endorsements_slot_is_refused(repo: Repo) -> None:
    done = _endorse(repo)
    endorsement = _rel(repo, done.path)
    commit_all(repo.root, "acme endorses beta")
    award = _award_in(repo, *_slot(repo, done.document))
    report = repo.check()
    found = errors(report, "award.duplicate-status-index")
    assert [p.location.path for p in found] == [award], shown(report.problems)
    assert endorsement in found[0].message
    # The full check sees the awards first: it refuses the endorsement, naming the award.
    full = errors(_full(repo))
    assert [(p.code, p.location.path) for p in full] == [("endorsement.duplicate-status-index", endorsement)], shown(
        full
    )
    assert award in full[0].message


def test_a_new_endorsement_in_an_awards_slot_is_refused(repo: Repo) -> None:
    award = repo.files(f"registry/issuers/{ACME}/awards/*/*/*.json")[0]
    endorsement = _endorsement_in(repo, *_slot(repo, json.loads(repo.read(award))))
    report = repo.check()
    found = errors(report, "endorsement.duplicate-status-index")
    assert [p.location.path for p in found] == [endorsement], shown(report.problems)
    assert award in found[0].message
    full = errors(_full(repo), "endorsement.duplicate-status-index")
    assert [p.location.path for p in full] == [endorsement], shown(full)
    assert award in full[0].message


def test_an_endorsement_in_an_endorsements_slot_is_refused(repo: Repo) -> None:
    done = _endorse(repo)
    first = _rel(repo, done.path)
    commit_all(repo.root, "acme endorses beta")
    second = _endorsement_in(repo, *_slot(repo, done.document))
    report = repo.check()
    found = errors(report, "endorsement.duplicate-status-index")
    assert [p.location.path for p in found] == [second], shown(report.problems)
    assert first in found[0].message


# --- (b) an issuer revokes its endorsement by a signed log line -------------------------------------------


def test_an_issuer_revokes_its_endorsement_by_a_signed_log_line(repo: Repo) -> None:
    done = _endorse(repo)
    commit_all(repo.root, "acme endorses beta")
    revoke_endorsement(repo.registry, done.hash, repo.key(ACME), NOW, reason="Withdrawn after review")
    log = repo.read(f"registry/issuers/{ACME}/revocations.jsonl").splitlines()
    entry = json.loads(log[-1])
    assert entry["award"] == done.hash
    assert (entry["statusList"], entry["statusListIndex"]) == _slot(repo, done.document)
    assert entry["reason"] == "Withdrawn after review"
    # The pull request that revokes it, and the full check after it, both accept the bit it sets.
    report = repo.check()
    assert errors(report) == [], shown(report.problems)
    full = _full(repo)
    assert errors(full) == [], shown(full.problems)
    # The verdict the site's pages show (they read the bit).
    assert endorsement_verdict(verify_endorsement(done.document, repo.registry))[0] == "revoked"
    # Twice is refused, before anything is written.
    with pytest.raises(UsageError, match="already revoked"):
        revoke_endorsement(repo.registry, done.hash, repo.key(ACME), NOW, reason="Again")


def test_credreg_revoke_on_an_issuers_endorsement(repo: Repo) -> None:
    done = _endorse(repo)
    commit_all(repo.root, "acme endorses beta")
    key = repo.key_dir / f"{ACME}-key-1.key"
    ran = subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(repo.root), "revoke", done.hash, "--reason", "Withdrawn",
         "--key", str(key)],
        capture_output=True, text=True, check=False, cwd=repo.root,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    full = _full(repo)
    assert errors(full) == [], shown(full.problems)
    assert f"registry/issuers/{ACME}/revocations.jsonl (signed entry appended)" in ran.stdout
    assert json.loads(repo.read(f"registry/issuers/{ACME}/revocations.jsonl").splitlines()[-1])["award"] == done.hash
    report = repo.verify(_rel(repo, done.path))[1]
    assert report["verdict"] == "revoked"
    # The reason its log publishes, as for an award (the page says the same: tests/site/test_endorsements_js.py).
    status = next(c for c in report["checks"] if c["id"] == "status")
    assert re.fullmatch(r"revoked by the endorser on \d{4}-\d{2}-\d{2} for this reason: 'Withdrawn'", status["reason"])


def test_credreg_revoke_completing_an_interrupted_endorsement_revocation_says_so(repo: Repo) -> None:
    """A run that appended its signed line and was stopped before the list was re-signed: the re-run sets the
    bit and keeps the line as signed. It printed "(signed entry appended)", though it appended nothing."""
    from generator._internal.files import append_line
    from generator.awarding.revoke import revocation_entry

    done = _endorse(repo)
    commit_all(repo.root, "acme endorses beta")
    log = repo.root / f"registry/issuers/{ACME}/revocations.jsonl"
    begun = revocation_entry(
        repo.registry.issuer_did(ACME), done.hash, *_slot(repo, done.document), "Withdrawn", repo.key(ACME), NOW
    )
    append_line(log, json.dumps(begun, ensure_ascii=False, separators=(",", ":")))  # the line, not the bit
    logged = log.read_text()
    key = repo.key_dir / f"{ACME}-key-1.key"
    ran = subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(repo.root), "revoke", done.hash, "--reason", "Again",
         "--key", str(key)],
        capture_output=True, text=True, check=False, cwd=repo.root,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    assert log.read_text() == logged, "nothing appended"
    assert f"completed the revocation of endorsement {done.hash} begun on {begun['revoked']}: Withdrawn" in ran.stdout
    assert f"registry/issuers/{ACME}/revocations.jsonl (its signed entry was already there: kept as it is)" in (
        ran.stdout
    )
    assert "appended" not in ran.stdout
    assert f"(bit {begun['statusListIndex']} set, re-signed)" in ran.stdout
    full = _full(repo)
    assert errors(full) == [], shown(full.problems)
    assert endorsement_verdict(verify_endorsement(done.document, repo.registry))[0] == "revoked"


def test_a_log_line_naming_an_endorsement_in_another_slot_is_refused(repo: Repo) -> None:
    done = _endorse(repo)
    commit_all(repo.root, "acme endorses beta")
    revoke_endorsement(repo.registry, done.hash, repo.key(ACME), NOW, reason="Withdrawn")
    rel = f"registry/issuers/{ACME}/revocations.jsonl"
    lines = repo.read(rel).splitlines()
    entry = json.loads(lines[-1])
    entry.pop("proof")
    entry["statusListIndex"] += 1
    from generator.awarding.revoke import revocation_entry

    forged = revocation_entry(
        repo.registry.issuer_did(ACME), entry["award"], entry["statusList"], entry["statusListIndex"],
        entry["reason"], repo.key(ACME), NOW,
    )  # fmt: skip
    repo.write(rel, "\n".join([*lines[:-1], json.dumps(forged, separators=(",", ":"))]) + "\n")
    full = _full(repo)
    assert "revocation.slot-mismatch" in {p.code for p in errors(full)}, shown(full.problems)
    report = repo.check()
    assert "revocation.slot-mismatch" in {p.code for p in errors(report)}, shown(report.problems)
