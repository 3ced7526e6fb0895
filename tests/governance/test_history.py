"""Append-only history: awards, logs, keys, ids and names never change once committed."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from generator.awarding.keys import generate_key
from generator.check import CheckOptions, CheckReport, run_check
from tests.governance.conftest import ACME, BETA, NOW, Repo, commit_all, errors, only, shown

AWARDS = f"registry/issuers/{ACME}/awards"
LOG = f"registry/issuers/{ACME}/revocations.jsonl"
KEY = f"keys/{ACME}/key-1.json"


def _single_award(repo: Repo, issuer: str = ACME) -> str:
    return next(p for p in repo.files(f"registry/issuers/{issuer}/awards/*/*/*.json") if "/batches/" not in p)


def _timestamp(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _set_key_fields(repo: Repo, rel: str, **fields: object) -> None:
    key = json.loads(repo.read(rel)) | fields
    repo.write(rel, json.dumps(key, indent=2) + "\n")


# --- awards ----------------------------------------------------------------------------------------------


def test_editing_an_award_is_refused(repo: Repo) -> None:
    rel = _single_award(repo)
    repo.edit(rel, '"name": "SQL Basics"', '"name": "SQL Wizardry"')
    report = repo.check("acme-lead")
    refused = errors(report, "governance.append-only")
    assert [p.location.path for p in refused] == [rel]
    assert refused[0].message == (
        "a committed award never changes (its signature and hash are published); to withdraw an award, revoke it "
        "(`credreg revoke HASH --reason …`), then award a corrected one"
    )


def _make_executable(repo: Repo, rel: str) -> None:
    """What a pull request that sets the executable bit brings: Git records mode 100755, and a checkout of it makes
    the file executable."""
    repo.git("update-index", "--chmod=+x", rel)
    path = repo.path(rel)
    path.chmod(path.stat().st_mode | 0o111)


def test_a_mode_only_change_to_an_award_is_refused_as_one(repo: Repo) -> None:
    """Its bytes are the same, so "never changes (its signature and hash are published)" alone would send its
    issuer looking for an edit that is not there: the message says it is the file's mode, and how to set it back."""
    rel = _single_award(repo)
    [batch] = repo.files(f"{AWARDS}/*/batches/*.jsonl")
    for changed in (rel, batch):
        _make_executable(repo, changed)
    assert repo.git("diff", "--raw", "HEAD").count(":100644 100755 ") == 2  # both, and nothing else
    refused = {p.location.path: p.message for p in errors(repo.check("acme-lead"), "governance.append-only")}
    assert sorted(refused) == sorted([rel, batch])
    for changed in (rel, batch):
        what = "a committed award" if changed == rel else "a committed batch of awards"
        assert refused[changed] == (
            f"only the file's mode changed, not its content: Git now records it as executable (mode 100755); "
            f"{what} never changes, not even its mode: set it back (`git update-index --chmod=-x {changed}` "
            f"and `chmod -x {changed}`)"
        )


def test_editing_another_issuers_award_is_refused_twice(repo: Repo) -> None:
    rel = _single_award(repo)
    repo.edit(rel, '"name": "SQL Basics"', '"name": "SQL Wizardry"')
    report = repo.check("beta-lead")
    assert sorted((p.code, p.location.path) for p in errors(report)) == [
        ("governance.append-only", rel),
        ("governance.ownership", rel),
    ]


def test_deleting_an_award_is_refused(repo: Repo) -> None:
    rel = _single_award(repo)
    repo.path(rel).unlink()
    problem = only(repo.check("acme-lead"), "governance.append-only")
    assert problem.location.path == rel
    assert problem.message.startswith("awards are never deleted: to withdraw an award, revoke it")


def test_a_batch_never_changes_not_even_by_appending(repo: Repo) -> None:
    [batch] = repo.files(f"{AWARDS}/*/batches/*.jsonl")
    lines = repo.read(batch).splitlines()
    repo.write(batch, "\n".join([*lines, lines[0]]) + "\n")
    problem = only(repo.check("acme-lead"), "governance.append-only")
    assert (problem.location.path, problem.location.line) == (batch, 3)
    assert problem.message.startswith("a batch file never changes once committed, not even by appending lines")


# --- the revocation log ---------------------------------------------------------------------------------


def test_revocations_may_be_appended(repo: Repo) -> None:
    repo.revoke(repo.unrevoked_award())
    report = repo.check("acme-lead")
    assert shown(report.problems) == []
    assert report.counts["new revocations"] == 1
    assert report.summary_markdown is not None
    assert "- **Revocations:** 1 added" in report.summary_markdown
    assert f"- **Status lists:** 1 re-signed (`registry/issuers/{ACME}/status/1.json`)" in report.summary_markdown


def test_rewriting_a_revocation_is_refused(repo: Repo) -> None:
    repo.edit(LOG, '"reason":"Issued in error"', '"reason":"Never mind"')
    report = repo.check("acme-lead")
    [history] = errors(report, "governance.append-only")
    assert (history.location.path, history.location.line) == (LOG, 1)
    assert history.message.startswith("the revocation log is append-only: existing lines never change")


def test_deleting_the_revocation_log_or_a_status_list_is_refused(repo: Repo) -> None:
    repo.path(LOG).unlink()
    repo.path(f"registry/issuers/{ACME}/status/1.json").unlink()
    refused = errors(repo.check("acme-lead"), "governance.append-only")
    assert [(p.location.path, p.message.split(":")[0]) for p in refused] == [
        (LOG, "the revocation log is never deleted"),
        (f"registry/issuers/{ACME}/status/1.json", "status lists are never deleted"),
    ]


# --- keys ------------------------------------------------------------------------------------------------


def test_swapping_a_keys_public_material_is_refused(repo: Repo) -> None:
    other = json.loads(repo.read(f"keys/{BETA}/key-1.json"))["publicKeyMultibase"]
    _set_key_fields(repo, KEY, publicKeyMultibase=other)
    report = repo.check("acme-lead")
    [problem] = errors(report, "governance.append-only")
    assert (problem.location.path, problem.location.line, problem.field) == (KEY, 6, "publicKeyMultibase")
    assert problem.message.startswith("a key's public material never changes")


def test_other_key_fields_never_change(repo: Repo) -> None:
    _set_key_fields(repo, KEY, valid_from="2024-02-01T00:00:00Z")
    problem = only(repo.check("acme-lead"), "governance.append-only")
    assert problem.field == "valid_from"
    assert problem.message == (
        "never changes (was '2024-01-01T00:00:00Z'): only valid_until, revoked_at and revocation_reason may be added "
        "to a key file"
    )


def test_retiring_or_revoking_a_key_from_now_on_is_allowed(repo: Repo) -> None:
    _set_key_fields(repo, KEY, valid_until=_timestamp(NOW))
    _set_key_fields(repo, f"keys/{BETA}/key-1.json", revoked_at=_timestamp(NOW), revocation_reason="Leaked")
    report = repo.check("reg-admin")
    assert shown(report.problems) == []
    assert report.summary_markdown is not None
    assert f"1 rotated out (`{KEY}`); 1 revoked (`keys/{BETA}/key-1.json`)" in report.summary_markdown


def test_a_lifecycle_field_once_set_never_changes(repo: Repo) -> None:
    _set_key_fields(repo, f"keys/{ACME}/key-0.json", valid_until="2025-06-30T00:00:00Z")
    problem = only(repo.check("acme-lead"), "governance.append-only")
    assert (problem.field, problem.message) == ("valid_until", "was '2024-06-30T00:00:00Z': once set, it never changes")


def test_a_null_lifecycle_field_is_not_set_and_may_be_set_later(repo: Repo) -> None:
    # The attack: an issuer's maintainer adds `"revoked_at": null` (and `"valid_until": null`) to a key; the null
    # counted as a value that "never changes", so no later change, a registry maintainer's included, could ever
    # revoke or retire the key. A null sets nothing: setting the field later is an addition like any other, and
    # is held to the same rule (it may not cut off signatures already made).
    _set_key_fields(repo, KEY, revoked_at=None, valid_until=None, revocation_reason=None)
    assert shown(repo.check("acme-lead").problems) == []
    commit_all(repo.root, "nulls")
    _set_key_fields(repo, KEY, revoked_at=_timestamp(NOW), revocation_reason="Leaked")
    assert shown(repo.check("reg-admin").problems) == []
    _set_key_fields(
        repo, KEY, revoked_at=None, revocation_reason=None, valid_until=_timestamp(NOW - dt.timedelta(days=5))
    )
    problem = only(repo.check("reg-admin"), "governance.key-window")
    assert (problem.location.path, problem.field) == (KEY, "valid_until")
    # Once a value is set, a null does not take it back.
    _set_key_fields(repo, KEY, valid_until=None, revoked_at=_timestamp(NOW), revocation_reason="Leaked")
    commit_all(repo.root, "revoked")
    _set_key_fields(repo, KEY, revoked_at=None)
    [problem] = errors(repo.check("reg-admin"), "governance.append-only")
    assert (problem.field, problem.message) == ("revoked_at", f"was '{_timestamp(NOW)}': once set, it never changes")


def test_an_end_of_validity_may_not_cut_off_signatures_already_made(repo: Repo) -> None:
    _set_key_fields(repo, KEY, revoked_at=_timestamp(NOW - dt.timedelta(days=5)), revocation_reason="Compromised")
    problem = only(repo.check("acme-lead"), "governance.key-window")
    assert (problem.location.path, problem.field) == (KEY, "revoked_at")
    # Awards (two singles and a batch of two), the revocation entry and the re-signed status list.
    assert problem.message.startswith("would invalidate 6 signed items the registry already holds (registry/issuers/")
    assert problem.message.endswith(
        "and 3 more): signed awards are never removed, so the key must stay valid for "
        "them. Choose a later time; if the key was stolen and misused, ask the registry "
        "maintainers"
    )


def test_deleting_or_renaming_a_key_is_refused(repo: Repo) -> None:
    repo.path(f"keys/{ACME}/key-0.json").unlink()
    repo.git("mv", f"keys/{BETA}/key-1.json", f"keys/{BETA}/key-one.json")
    report = repo.check("reg-admin")
    refused = {p.location.path: p.message for p in errors(report, "governance.append-only")}
    assert refused[f"keys/{ACME}/key-0.json"].startswith("key files are never deleted")
    assert refused[f"keys/{BETA}/key-one.json"].startswith(
        f"renamed from keys/{BETA}/key-1.json: a key file is never renamed"
    )


# --- definitions, issuers, identity ---------------------------------------------------------------------


def test_a_credential_with_awards_is_retired_never_deleted(repo: Repo) -> None:
    rel = f"registry/issuers/{BETA}/credentials/sql-basics.yaml"
    repo.path(rel).unlink()
    problem = next(p for p in errors(repo.check("beta-lead")) if p.code == "governance.append-only")
    assert problem.location.path == rel
    assert problem.message.startswith(f"{BETA}/sql-basics has awards (e.g. registry/issuers/{BETA}/awards/")
    assert problem.message.endswith(
        "a credential with awards is never deleted; set `status: deprecated` (still awarded, not recommended) or "
        "`status: retired` (no longer awarded)"
    )


def test_a_credential_without_awards_may_be_deleted_or_retired(repo: Repo) -> None:
    repo.path(f"registry/issuers/{ACME}/credentials/data-analyst.yaml").unlink()
    repo.edit(f"registry/issuers/{ACME}/credentials/sql-basics.yaml", "created:", "status: deprecated\ncreated:")
    report = repo.check("acme-lead")
    assert errors(report) == [], shown(report.problems)
    assert report.summary_markdown is not None
    assert "1 deleted (`acme-academy/data-analyst`)" in report.summary_markdown


def test_renaming_a_credential_or_an_issuer_folder_is_refused(repo: Repo) -> None:
    repo.git(
        "mv",
        f"registry/issuers/{ACME}/credentials/data-analyst.yaml",
        f"registry/issuers/{ACME}/credentials/analyst.yaml",
    )
    repo.git("mv", f"registry/issuers/{BETA}", "registry/issuers/beta-lab")
    refused = {p.location.path: p.message for p in errors(repo.check("reg-admin"), "governance.append-only")}
    assert refused[f"registry/issuers/{ACME}/credentials/analyst.yaml"] == (
        f"renamed from registry/issuers/{ACME}/credentials/data-analyst.yaml: a credential's file is never renamed "
        "(ids and file names are part of signed awards and published URLs)"
    )
    assert refused["registry/issuers/beta-lab/issuer.yaml"].startswith(
        f"renamed from registry/issuers/{BETA}/issuer.yaml: an issuer's folder is never renamed"
    )
    assert any(path.startswith("registry/issuers/beta-lab/awards/") for path in refused)


def test_the_registry_site_url_never_changes_once_keys_exist(repo: Repo) -> None:
    repo.edit("registry/governance.yaml", "https://registry.test.example/", "https://badges.test.example/")
    report = repo.check("reg-admin")
    [problem] = errors(report, "governance.identity")
    assert (problem.location.path, problem.field) == ("registry/governance.yaml", "site_url")
    assert problem.message.startswith("site_url was https://registry.test.example/: it decides every issuer's did:web")


def test_an_issuer_with_awards_keeps_its_did(repo: Repo) -> None:
    repo.edit(f"registry/issuers/{BETA}/issuer.yaml", "maintainers:", "did: did:web:beta.example\nmaintainers:")
    [problem] = errors(repo.check("beta-lead"), "governance.identity")
    assert (problem.location.path, problem.field) == (f"registry/issuers/{BETA}/issuer.yaml", "did")


def test_an_end_of_validity_may_not_be_set_in_the_future(repo: Repo) -> None:
    # The public log dates a key's retirement by the commit that sets it: every award, endorsement or status list
    # the key signs that is published after that commit fails the log check (on the page and in `credreg verify
    # --log`), whatever date its signature claims. A valid_until set a month ahead kept the key "in force" for the
    # pull-request check, which went on accepting new awards signed with it for a month, each refused by the log.
    later = _timestamp(NOW + dt.timedelta(days=30))
    _set_key_fields(repo, KEY, valid_until=later)
    problem = only(repo.check("acme-lead"), "governance.key-window")
    assert (problem.location.path, problem.field) == (KEY, "valid_until")
    assert problem.message == (
        f"{later} is in the future: a key's end takes effect when the change that sets it is published (the public "
        "log refuses whatever the key signs that is published after it, whatever date its signature claims), so "
        "set it to the time of this change; publish what the key has signed before retiring it"
    )
    _set_key_fields(repo, KEY, valid_until=None, revoked_at=later, revocation_reason="Leaked")
    problem = only(repo.check("acme-lead"), "governance.key-window")
    assert (problem.location.path, problem.field) == (KEY, "revoked_at")
    # Minutes ahead are ahead: an award signed with the key in those minutes would be published after the change.
    soon = _timestamp(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=2))  # NOW is the session's start
    _set_key_fields(repo, KEY, revoked_at=None, revocation_reason=None, valid_until=soon)
    assert errors(repo.check("acme-lead"), "governance.key-window")


def test_a_new_key_may_not_come_with_an_end_in_the_future(repo: Repo, tmp_path: Path) -> None:
    # The same hole through a key file added with its end already written: the public log retires a key added
    # already retired as of the commit that adds it (transparency/entries.py), so a new key "valid until" a month
    # ahead passed this check, which then accepted new awards signed with it for that month, each refused by the log.
    # Retired from the start (an end that has come) stays allowed: the log and the check agree on it.
    later = _timestamp(NOW + dt.timedelta(days=30))
    generate_key(repo.registry, ACME, key_id="key-2", now=NOW, private_path=tmp_path / "key-2.key")
    new = f"keys/{ACME}/key-2.json"
    _set_key_fields(repo, new, valid_until=later)
    problem = only(repo.check("reg-admin"), "governance.key-window")
    assert (problem.location.path, problem.field) == (new, "valid_until")
    assert problem.message.startswith(f"{later} is in the future: a key's end takes effect when the change that sets")
    _set_key_fields(repo, new, valid_until=None, revoked_at=later, revocation_reason="Leaked")
    problem = only(repo.check("reg-admin"), "governance.key-window")
    assert (problem.location.path, problem.field) == (new, "revoked_at")
    _set_key_fields(repo, new, revoked_at=_timestamp(NOW), revocation_reason="Leaked")
    assert not errors(repo.check("reg-admin"), "governance.key-window")


def test_a_new_keys_end_is_read_as_an_instant_whatever_its_offset_and_however_the_pull_request_adds_it(
    repo: Repo, tmp_path: Path
) -> None:
    # Probe of the new-key rule: an end two hours ahead written at -10:00 reads eight hours back on a UTC clock, and
    # one two hours back written at +10:00 reads eight hours ahead; the instant decides. A key added in one commit and
    # given its end in a later one of the same pull request is a key added with an end (base against head).
    base = repo.git("rev-parse", "HEAD").strip()
    generate_key(repo.registry, ACME, key_id="key-2", now=NOW - dt.timedelta(days=1), private_path=tmp_path / "k")
    new = f"keys/{ACME}/key-2.json"
    commit_all(repo.root, "key-2, no end yet")

    def check() -> CheckReport:
        return run_check(repo.root, CheckOptions(base=base, actor="reg-admin", progress=False))

    ahead = (NOW + dt.timedelta(hours=2)).astimezone(dt.timezone(dt.timedelta(hours=-10)))
    _set_key_fields(repo, new, valid_until=ahead.isoformat())
    commit_all(repo.root, "key-2 ends in two hours")
    problem = only(check(), "governance.key-window")
    assert (problem.location.path, problem.field) == (new, "valid_until")
    behind = (NOW - dt.timedelta(hours=2)).astimezone(dt.timezone(dt.timedelta(hours=10)))
    _set_key_fields(repo, new, valid_until=behind.isoformat())
    commit_all(repo.root, "key-2 ended two hours ago")
    assert not errors(check(), "governance.key-window")
