"""Every award's recipient hash is keyed with a recipient key of its own (docs/privacy.md): the same hash in two
awards of an issuer says publicly that they are one person's, the one thing a fresh key per award hides. Tooling
that keeps one key per person (or hashes with none) makes exactly that; the full check and the pull-request check
refuse it alike, naming the first award."""

from __future__ import annotations

import datetime as dt
import json

from generator.awarding.signing import sign_document
from generator.awards import award_hash, recipient_hash_number
from generator.check import CheckOptions, run_check
from generator.errors import Problem
from generator.governance.existing import prefetch_holders
from generator.openbadges import identity_hash
from tests.governance.conftest import ACME, BETA, NOW, Repo, commit_all, errors, shown


def _full(repo: Repo) -> list[Problem]:
    return errors(run_check(repo.root, CheckOptions(progress=False, jobs=1)))


def _with_recipient(repo: Repo, rel: str, hashed: str, issuer: str = ACME) -> str:
    """The award at ``rel`` signed again by its issuer, its recipient hash ``hashed``."""
    subject = json.loads(repo.read(rel))["credentialSubject"]
    subject["identifier"][0]["identityHash"] = hashed
    return repo.resign(rel, key=repo.key(issuer), issuer=issuer, credentialSubject=subject)


def test_a_recipient_hash_an_issuers_award_already_has_is_refused_by_both_checks(repo: Repo) -> None:
    # The issuer's tooling keeps one key per person: Ada's two awards carry one hash, which anyone can match.
    per_person = "0f" * 16
    hashed = identity_hash("ada@example.org", per_person)
    [first] = repo.award(ACME, "ada@example.org")
    first_rel = _with_recipient(repo, first.path.relative_to(repo.root).as_posix(), hashed)
    commit_all(repo.root, "ada's first award")
    [second] = repo.award(ACME, "ada@example.org", slug="sql-basics")
    rel = _with_recipient(repo, second.path.relative_to(repo.root).as_posix(), hashed)
    # The pull-request check names the award it adds; the full check, which knows no "new", the second it reads.
    for problems, named, first in (
        (errors(repo.check("acme-lead")), [rel], first_rel),
        (_full(repo), sorted([rel, first_rel]), None),
    ):
        found = [p for p in problems if p.code == "award.shared-recipient-hash"]
        assert len(found) == 1, shown(problems)
        [problem] = found
        assert problem.field == "credentialSubject.identifier"
        assert problem.location.path in named, shown(problems)
        other = first or ({rel, first_rel} - {problem.location.path}).pop()
        assert problem.message.startswith(
            f"its recipient hash (identityHash) is already that of the award in {other}: the two are publicly "
            "one person's"
        ), problem.message
    assert [p.code for p in errors(repo.check("acme-lead"))] == ["award.shared-recipient-hash"]


def test_two_awards_of_one_batch_sharing_a_recipient_hash_are_refused_by_both_checks(repo: Repo) -> None:
    [a, b] = repo.award(ACME, emails=["ada@example.org", "bob@example.org"])
    batch = a.path.relative_to(repo.root).as_posix()
    lines = repo.read(batch).splitlines()
    unkeyed = identity_hash("ada@example.org", "")  # no key at all: sha256 of the address
    # Both lines' hash is the one unkeyed hash; the batch is re-signed line by line by its issuer.
    signed = []
    for line in lines:
        award = json.loads(line)
        method = award.pop("proof")[0]["verificationMethod"]
        award["credentialSubject"]["identifier"][0]["identityHash"] = unkeyed
        signed.append(sign_document(award, repo.key(), method, NOW - dt.timedelta(minutes=1)))
    repo.path(batch).write_text("".join(json.dumps(s, separators=(",", ":")) + "\n" for s in signed))
    assert {recipient_hash_number(s) for s in signed} == {int(unkeyed[7:], 16)}
    assert len({award_hash(s) for s in signed}) == 2
    assert b.path == a.path
    for problems in (errors(repo.check("acme-lead")), _full(repo)):
        found = [p for p in problems if p.code == "award.shared-recipient-hash"]
        assert [(p.location.path, p.location.line) for p in found] == [(batch, 2)], shown(problems)
        assert f"already that of the award in {batch}:1:" in found[0].message


def test_another_issuers_award_with_the_same_hash_is_not_refused(repo: Repo) -> None:
    """Per issuer: another issuer copying a published hash into its own award cannot get this issuer's refused."""
    [ours] = repo.award(ACME, "ada@example.org")
    taken = json.loads(ours.path.read_text())["credentialSubject"]["identifier"][0]["identityHash"]
    commit_all(repo.root, "acme's award")
    [theirs] = repo.award(BETA, "zed@example.org")
    _with_recipient(repo, theirs.path.relative_to(repo.root).as_posix(), taken, issuer=BETA)
    for problems in (errors(repo.check("beta-lead")), _full(repo)):
        assert [p for p in problems if p.code == "award.shared-recipient-hash"] == [], shown(problems)


def test_the_pull_request_check_finds_a_shared_hash_with_or_without_its_prefetch(repo: Repo) -> None:
    """The recipient hashes of the awards a change adds are looked up in the id prefetch's one search of every
    owner's folder (prefetch_holders), while the registry loads; with one job, by a search of the issuer's folder.
    Both name the same first award; the prefetch finds it alone, and another issuer's award with the hash, which
    it also finds, counts for neither."""
    hashed = identity_hash("ada@example.org", "0f" * 16)
    [first] = repo.award(ACME, "ada@example.org")
    first_rel = _with_recipient(repo, first.path.relative_to(repo.root).as_posix(), hashed)
    [other] = repo.award(BETA, "ada@example.org")
    other_rel = _with_recipient(repo, other.path.relative_to(repo.root).as_posix(), hashed, issuer=BETA)
    commit_all(repo.root, "two issuers' awards, one hash")
    [second] = repo.award(ACME, "ada@example.org", slug="sql-basics")
    rel = _with_recipient(repo, second.path.relative_to(repo.root).as_posix(), hashed)
    found = prefetch_holders(repo.root, [rel]).recipients[int(hashed[7:], 16)]
    assert sorted(found) == sorted([(first_rel, first_rel), (other_rel, other_rel), (rel, rel)])
    options = [CheckOptions(base="HEAD", actor="acme-lead", progress=False, jobs=jobs) for jobs in (None, 1)]
    reported = [
        [
            (p.location.path, p.message)
            for p in errors(run_check(repo.root, o))
            if p.code == "award.shared-recipient-hash"
        ]
        for o in options
    ]
    assert reported[0] == reported[1]
    assert [(path, f"award in {first_rel}:" in message) for path, message in reported[0]] == [(rel, True)], reported
