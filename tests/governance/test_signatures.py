"""What a change signs: verified, fresh, by a key of its own issuer in force now, in a free status slot."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from generator.awards import AwardSource
from generator.check import CheckOptions, CheckReport, run_check
from generator.verify.registry_check import AwardChecker, AwardOutcome
from tests.governance.conftest import ACME, BETA, NOW, Repo, errors, only, shown

AWARDS = f"registry/issuers/{ACME}/awards"
LOG = f"registry/issuers/{ACME}/revocations.jsonl"
STATUS = f"registry/issuers/{ACME}/status/1.json"


def _new_award(repo: Repo, **kwargs: object) -> str:
    [issued] = repo.award(**kwargs)  # type: ignore[arg-type]
    return issued.path.relative_to(repo.root).as_posix()


def test_an_award_signed_now_with_a_current_key_passes(repo: Repo) -> None:
    _new_award(repo)
    report = repo.check("acme-lead")
    assert shown(report.problems) == []
    assert report.counts["new awards"] == 1


def test_a_backdated_award_is_refused(repo: Repo) -> None:
    rel = _new_award(repo, at=NOW - dt.timedelta(days=31))
    problem = only(repo.check("acme-lead"), "governance.fresh-signature")
    assert (problem.location.path, problem.field) == (rel, "proof[0]")
    assert problem.message.startswith(f"the award is signed {NOW - dt.timedelta(days=31):%Y-%m-%d}, 31 days before")
    assert problem.message.endswith(
        "new signatures may be dated at most 30 days back (review.award_backdating_days); sign it again today"
    )


@pytest.mark.parametrize("ahead", [dt.timedelta(hours=1), dt.timedelta(days=365 * 3000)])
def test_an_award_signed_in_the_future_is_refused(repo: Repo, ahead: dt.timedelta) -> None:
    """Refused once, as an unfresh signature: the full check's rule on a validFrom ahead of its clock
    (award.validity) is not asked again of a new award, whose signing time is this rule's."""
    _new_award(repo, at=NOW + ahead)
    problem = only(repo.check("acme-lead"), "governance.fresh-signature")
    assert problem.message.startswith("the award is signed in the future")


def test_a_few_minutes_of_clock_skew_are_allowed(repo: Repo) -> None:
    _new_award(repo, at=NOW + dt.timedelta(minutes=2))
    assert shown(repo.check("acme-lead").problems) == []


def _checked_on(repo: Repo) -> tuple[CheckReport, list[str]]:
    """The pull-request check, and the UTC days its clock can have read: a new award's key is judged at the check's
    time, which a long run leaves minutes after the session's NOW (on the next day, when it crosses midnight)."""
    before = dt.datetime.now(dt.UTC)
    report = repo.check("acme-lead")
    after = dt.datetime.now(dt.UTC)
    return report, sorted({f"{before:%Y-%m-%d}", f"{after:%Y-%m-%d}"})


def test_an_award_signed_with_a_retired_key_is_refused_even_when_dated_inside_its_window(repo: Repo) -> None:
    # key-0 was valid in the first half of 2024: the signature itself is in its window, the key is not in force.
    rel = _new_award(repo, at=dt.datetime(2024, 3, 1, tzinfo=dt.UTC), key=repo.key(ACME, "key-0"))
    report, days = _checked_on(repo)
    problem = only(report, "governance.fresh-signature")
    assert problem.location.path == rel
    assert problem.message in [
        f"the award is new, so its key is judged at this check: signed on {day}, after key key-0 was "
        "retired (2024-06-30); sign it with the issuer's current key"
        for day in days
    ]


def test_an_award_signed_with_a_revoked_key_before_its_revocation_is_refused(repo: Repo) -> None:
    _new_award(repo, at=NOW - dt.timedelta(days=2), key=repo.key(ACME, "key-stolen"))
    report, days = _checked_on(repo)
    problem = only(report, "governance.fresh-signature")
    assert problem.message in [
        f"the award is new, so its key is judged at this check: signed on {day}, after key key-stolen was "
        f"revoked ({NOW - dt.timedelta(days=1):%Y-%m-%d}: Laptop stolen); sign it with the issuer's current key"
        for day in days
    ]


def test_an_award_signed_with_another_issuers_key_is_refused(repo: Repo) -> None:
    rel = _new_award(repo)
    forged = repo.resign(rel, key=repo.key(BETA), issuer=BETA)
    report = repo.check("acme-lead")
    problem = only(report, "award.key")
    assert (problem.location.path, problem.field) == (forged, "proof")
    assert problem.message == "Signing key: the key belongs to issuer 'beta-labs', not to the credential's issuer"


def test_an_award_in_another_issuers_folder_is_refused(repo: Repo) -> None:
    rel = _new_award(repo, issuer=BETA)
    target = rel.replace(f"issuers/{BETA}/", f"issuers/{ACME}/")
    repo.path(target).parent.mkdir(parents=True, exist_ok=True)
    repo.path(rel).rename(repo.path(target))
    report = repo.check("acme-lead")
    assert "award.wrong-folder" in {p.code for p in errors(report)}
    assert {p.location.path for p in errors(report)} == {target}


def test_an_award_reusing_a_status_slot_is_refused(repo: Repo) -> None:
    taken = json.loads(repo.read(repo.files(f"{AWARDS}/*/*/*.json")[0]))["credentialStatus"]
    rel = _new_award(repo)
    status = json.loads(repo.read(rel))["credentialStatus"] | {"statusListIndex": taken["statusListIndex"]}
    status["id"] = f"{status['statusListCredential']}#{status['statusListIndex']}"  # the profile ties the id to it
    moved = repo.resign(rel, key=repo.key(), credentialStatus=status)
    problem = only(repo.check("acme-lead"), "award.duplicate-status-index")
    assert (problem.location.path, problem.field) == (moved, "credentialStatus.statusListIndex")
    assert problem.message.startswith(f"status list 1 index {taken['statusListIndex']} is already used by {AWARDS}/")


def test_an_award_reusing_an_existing_awards_id_is_refused(repo: Repo) -> None:
    """The full check's rule, answered from the few files ``git grep`` picks: a new award may not take the id of
    an award already in the registry, in a single file or a batch line."""
    existing = repo.files(f"{AWARDS}/*/*/*.json")[0]
    taken = json.loads(repo.read(existing))["id"]
    moved = repo.resign(_new_award(repo), key=repo.key(), id=taken)
    problem = only(repo.check("acme-lead"), "award.duplicate-id")
    assert (problem.location.path, problem.field) == (moved, "id")
    assert problem.message.startswith(f"the id {taken} is already the id of the credential in {existing}: ")


def test_two_new_awards_sharing_an_id_are_refused(repo: Repo) -> None:
    first = _new_award(repo)
    taken = json.loads(repo.read(first))["id"]
    second = repo.resign(_new_award(repo, email="b@example.org"), key=repo.key(), id=taken)
    problem = only(repo.check("acme-lead"), "award.duplicate-id")
    assert problem.location.path in {first, second}
    assert problem.field == "id"
    other = first if problem.location.path == second else second
    assert problem.message.startswith(f"the id {taken} is already the id of the credential in {other}: ")


def test_a_copy_of_an_existing_award_is_refused(repo: Repo) -> None:
    existing = next(p for p in repo.files(f"{AWARDS}/*/*/*.json") if "#key-1" in repo.read(p))
    compact = json.dumps(json.loads(repo.read(existing)), separators=(",", ":"))
    day = json.loads(compact)["validFrom"][:10]  # a batch is named after its awards' day (award.filename)
    batch = f"{AWARDS}/{day[:4]}/batches/{day}-sql-basics-c0c0c0c0.jsonl"
    repo.write(batch, compact + "\n")
    problem = only(repo.check("acme-lead"), "award.duplicate")
    assert (problem.location.path, problem.location.line) == (batch, 1)
    assert problem.message == f"the same award is already in {existing}"


def test_a_revocation_with_a_broken_signature_is_refused(repo: Repo) -> None:
    repo.revoke(repo.unrevoked_award())
    lines = repo.read(LOG).splitlines()
    lines[1] = lines[1].replace('"reason":"Issued in error"', '"reason":"Fraud"')
    repo.write(LOG, "\n".join(lines) + "\n")
    report = repo.check("acme-lead")
    problem = next(p for p in errors(report) if p.code == "revocation.signature")
    assert (problem.location.path, problem.location.line, problem.field) == (LOG, 2, "proof")
    # Without a valid revocation, the bit its list now has set is unexplained.
    assert [p.code for p in errors(report) if p.location.path == STATUS] == ["status-list.unexplained-bit"]


def test_a_revocation_must_set_the_status_bit(repo: Repo) -> None:
    repo.revoke(repo.unrevoked_award())
    repo.git("checkout", "HEAD", "--", STATUS)
    problem = only(repo.check("acme-lead"), "status-list.missing-bit")
    assert problem.location.path == STATUS
    assert problem.message.endswith("but its bit is not set: re-run credreg revoke")


def test_a_status_list_given_an_end_is_refused(repo: Repo) -> None:
    # The revocation's own list, signed fresh by the issuer's key with every bit set, in force today, but ending in
    # two days: from then every award in it reads as of unknown status. The registry's lists never end.
    from generator.awarding.signing import sign_document

    repo.revoke(repo.unrevoked_award())
    listed = json.loads(repo.read(STATUS))
    method = listed.pop("proof")[0]["verificationMethod"]
    listed["validUntil"] = (NOW + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    at = NOW - dt.timedelta(minutes=1)
    listed["validFrom"] = f"{at:%Y-%m-%dT%H:%M:%SZ}"  # a list is signed at its validFrom
    signed = sign_document(listed, repo.key(ACME), method, at)
    repo.write(STATUS, json.dumps(signed, indent=2) + "\n")
    problem = only(repo.check("acme-lead"), "status-list.valid-until")
    assert (problem.location.path, problem.field) == (STATUS, "validUntil")


def test_a_revocation_of_an_award_in_a_batch(repo: Repo) -> None:
    [batch] = repo.files(f"{AWARDS}/*/batches/*.jsonl")
    from generator.awards import award_hash

    repo.revoke(award_hash(json.loads(repo.read(batch).splitlines()[1])))
    report = repo.check("acme-lead")
    assert shown(report.problems) == []
    assert report.counts["new revocations"] == 1


def test_only_new_awards_are_verified(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    checked: list[str] = []
    original = AwardChecker.check

    def counting(self: AwardChecker, source: AwardSource) -> AwardOutcome:
        checked.append(source.where)
        return original(self, source)

    monkeypatch.setattr(AwardChecker, "check", counting)
    rel = _new_award(repo)
    result, problems = repo.pull_request("acme-lead")
    assert shown(problems) == []
    assert checked == [rel]
    assert result.counts == {"changed files": 1, "new awards": 1, "new revocations": 0}


def test_freshness_is_judged_at_check_time(repo: Repo) -> None:
    _new_award(repo)
    _, later = repo.pull_request("acme-lead", now=NOW + dt.timedelta(days=40))
    assert [p.code for p in errors(later)] == ["governance.fresh-signature"]


def test_a_new_award_that_publishes_its_salt_is_refused(repo: Repo) -> None:
    """A correctly signed award in the usual OB 3.0 form (salt published next to the hash) makes its recipient
    guessable: the pull request is refused, naming the file and why (docs/privacy.md)."""
    rel = _new_award(repo)
    subject = json.loads(repo.read(rel))["credentialSubject"]
    subject["identifier"][0]["salt"] = "5d41402abc4b2a76b9719d911017c592"
    new = repo.resign(rel, key=repo.key(), credentialSubject=subject)
    problem = only(repo.check("acme-lead"), "award.structure")
    assert problem.location.path == new
    assert "a published salt makes the recipient's address guessable" in problem.message


@pytest.mark.parametrize("written", ["escaped", "spaced"])
def test_a_slot_taken_by_an_award_written_oddly_is_still_taken(repo: Repo, written: str) -> None:
    """The existing awards are searched for the new award's index as text first (``git grep``): an award that
    writes its index with a JSON escape, or spaced out, holds its slot all the same."""
    existing = repo.files(f"{AWARDS}/*/*/*.json")[0]
    text = repo.read(existing)
    index = json.loads(text)["credentialStatus"]["statusListIndex"]
    old = f'"statusListIndex": "{index}"'
    assert old in text
    odd = (
        f'"statusListIndex": "\\u00{ord(index[0]):x}{index[1:]}"'
        if written == "escaped"
        else f'"statusListIndex"  :\n "{index}"'
    )
    repo.write(existing, text.replace(old, odd))
    assert json.loads(repo.read(existing)) == json.loads(text)  # the same award: its proofs still verify
    repo.git("commit", "-q", "-am", "the base holds an award written oddly")
    rel = _new_award(repo)
    status = json.loads(repo.read(rel))["credentialStatus"] | {"statusListIndex": index}
    status["id"] = f"{status['statusListCredential']}#{index}"  # the profile ties the id to the slot
    moved = repo.resign(rel, key=repo.key(), credentialStatus=status)
    problem = only(repo.check("acme-lead"), "award.duplicate-status-index")
    assert problem.location.path == moved
    assert problem.message.startswith(f"status list 1 index {index} is already used by {existing}")


@pytest.mark.parametrize("signed", ["now", "then"])
@pytest.mark.parametrize("days", [-40, 2])
def test_a_revocation_dated_other_than_now_is_refused(repo: Repo, days: int, signed: str) -> None:
    # The date a revocation line gives is the "Revoked on …" every verifier shows; its proof was held to the
    # freshness rule, the date itself was not: a line signed today could say "revoked on" any day, past or future.
    # A line is signed at its date (models/award.py signed_at_revoked): one signed now is refused for the
    # difference, one signed then for the proof's freshness; either way the line explains no bit.
    from generator.crypto.dataintegrity import create_proof

    repo.revoke(repo.unrevoked_award())
    lines = repo.read(LOG).splitlines()
    entry = json.loads(lines[-1])
    proof = entry.pop("proof")
    entry["revoked"] = (NOW + dt.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")
    entry["proof"] = create_proof(
        entry,
        cryptosuite=proof["cryptosuite"],
        seed=repo.key().seed,
        verification_method=proof["verificationMethod"],
        created=proof["created"] if signed == "now" else entry["revoked"],
    )
    lines[-1] = json.dumps(entry, ensure_ascii=False, separators=(",", ":"))
    repo.write(LOG, "\n".join(lines) + "\n")
    found = [p for p in errors(repo.check("acme-lead")) if p.location.path == LOG]
    assert len(found) == 1, shown(found)
    assert found[0].location.line == len(lines)
    if signed == "now":
        assert found[0].message.startswith(f"proof.created: must be the revocation's revoked ({entry['revoked']})")
    else:
        said = "in the future" if days > 0 else "days before this check"
        assert found[0].code == "governance.fresh-signature"
        assert found[0].message.startswith("the revocation is signed "), found[0].message
        assert said in found[0].message, found[0].message


def test_a_revocation_signed_within_the_clock_skew_is_read_from_its_new_list(repo: Repo) -> None:
    # The signer's clock runs two minutes ahead of the checker's: the proofs are fresh (a few minutes of skew are
    # allowed), and so is the list they re-signed, whose validFrom is the signing moment. Read strictly at the
    # checker's clock that list was not yet in force, and the check refused it as an invalid status list.
    repo.revoke(repo.unrevoked_award(), at=NOW + dt.timedelta(minutes=2))
    assert shown(repo.check("acme-lead").problems) == []
    # The full check (main's, right after the merge) reads it alike; a list starting beyond the skew is refused.
    assert shown(errors(run_check(repo.root, CheckOptions(progress=False)))) == []
    # By the clock, not the session's NOW (which a long run leaves minutes behind): the check reads the clock.
    repo.revoke(repo.unrevoked_award(), at=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=30))
    refused = errors(run_check(repo.root, CheckOptions(progress=False)), "status-list.invalid")
    assert [p.message.partition(" before ")[0] for p in refused] == ["the status list is not in force: not valid"]
    # The pull-request check says it in the same words, at the same field (the list's validFrom).
    in_pr = errors(repo.check("acme-lead"), "status-list.invalid")
    assert [(p.location.path, p.field, p.message) for p in in_pr] == [
        (p.location.path, p.field, p.message) for p in refused
    ]
    assert refused[0].field == "validFrom"
