"""Pull-request rules for endorsements, on real Git repositories with real keys: only an endorser's maintainers
add or revoke its endorsements, nobody edits or deletes one, and nobody endorses in another body's name."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from generator.awarding.keys import generate_key, load_signing_key
from generator.awarding.signing import sign_document
from generator.awards import award_hash, render_award
from generator.check import CheckOptions, run_check
from generator.endorsements import endorse, iter_endorsements, revoke_endorsement
from generator.errors import UsageError
from generator.governance import write_codeowners
from generator.models.endorsement import EndorsementKind
from tests.governance.conftest import ACME, BETA, NOW, Repo, commit_all, errors, only, shown, warnings

ENDORSER = """\
id: {id}
name: {name}
kind: qa-agency
url: https://{id}.example
email: office@{id}.example
description: |
  A quality-assurance agency.
location:
  country: FR
maintainers:
  - {id}-lead
"""
DC, OB = "data-council", "other-body"


def _setup(repo: Repo, keys: Path) -> str:
    """Two endorsers in the base commit, with keys; other-body has endorsed acme's sql-basics. Returns its path."""
    for endorser, name in ((DC, "Data Council"), (OB, "Other Body")):
        repo.write(f"registry/endorsers/{endorser}/endorser.yaml", ENDORSER.format(id=endorser, name=name))
        generate_key(
            repo.registry, endorser, key_id="k1", valid_from=NOW - dt.timedelta(days=400),
            private_path=keys / f"{endorser}.key", now=NOW - dt.timedelta(days=400),
        )  # fmt: skip
    write_codeowners(repo.registry)
    done = _endorse(repo, keys, OB)
    commit_all(repo.root, "endorsers")
    return done


def _endorse(
    repo: Repo, keys: Path, endorser: str, target: str = f"{ACME}/sql-basics", *, at: dt.datetime | None = None
) -> str:
    key = load_signing_key(keys / f"{endorser}.key", root=repo.root)
    done = endorse(
        repo.registry, target, endorser, key, kind=EndorsementKind.RECOGNISES, comment="Recognised.",
        valid_from=at or NOW - dt.timedelta(minutes=5),
    )  # fmt: skip
    return done.path.relative_to(repo.root).as_posix()


def test_an_endorsers_maintainer_adds_and_revokes(repo: Repo, tmp_path: Path) -> None:
    _setup(repo, tmp_path)
    _endorse(repo, tmp_path, DC)
    report = repo.check(actor=f"{DC}-lead")
    assert errors(report) == [], shown(report.problems)


def test_an_issuer_forging_an_endorsers_endorsement_is_refused(repo: Repo, tmp_path: Path) -> None:
    existing = _setup(repo, tmp_path)
    # acme's maintainer signs, with acme's own key, a statement in the Data Council's name.
    forged = json.loads(repo.read(existing))
    forged.pop("proof")
    did = repo.registry.endorser_did(DC)
    forged["issuer"] = {**forged["issuer"], "id": did, "name": "Data Council"}
    forged["credentialSubject"]["endorsementKind"] = "accredits"
    at = dt.datetime.fromisoformat(forged["validFrom"])  # signed at its validFrom, as credreg endorse signs
    signed = sign_document(forged, repo.key(ACME), f"{did}#k1", at)
    digest = award_hash(signed)
    for folder in (f"registry/endorsers/{DC}", f"registry/issuers/{ACME}"):
        repo.write(f"{folder}/endorsements/{digest}.json", render_award(signed))
    report = repo.check(actor="acme-lead")
    found = shown(errors(report))
    assert any("not a maintainer of data-council" in p for p in found), found
    # Wherever it is filed, acme's signature is not the Data Council's.
    for folder in ("registry/endorsers/data-council/", "registry/issuers/acme-academy/"):
        assert any(folder in p and "signature does not match" in p for p in found), found
    assert any("filed under acme-academy" in p for p in found), found


def test_an_endorser_editing_anothers_endorsement_is_refused(repo: Repo, tmp_path: Path) -> None:
    existing = _setup(repo, tmp_path)
    digest = Path(existing).stem
    # Revoking it with the Data Council's key is refused before anything is written.
    with pytest.raises(UsageError, match="not to the endorser 'other-body'"):
        revoke_endorsement(repo.registry, digest, load_signing_key(tmp_path / f"{DC}.key", root=repo.root))
    repo.edit(existing, "Recognised.", "Not recognised any more.")
    report = repo.check(actor=f"{DC}-lead")
    found = shown(errors(report))
    assert any("not a maintainer of other-body" in p for p in found), found
    assert any("endorsements are never changed" in p for p in found), found
    # Edited, the file no longer holds the endorsement its name gives the hash of: that hash revokes nothing.
    with pytest.raises(UsageError, match=f"no endorsement with hash {digest}"):
        revoke_endorsement(repo.registry, digest, load_signing_key(tmp_path / f"{OB}.key", root=repo.root))


def test_a_mode_only_change_to_an_endorsement_is_refused_as_one(repo: Repo, tmp_path: Path) -> None:
    existing = _setup(repo, tmp_path)
    repo.git("update-index", "--chmod=+x", existing)
    repo.path(existing).chmod(0o755)
    [problem] = errors(repo.check(actor=f"{OB}-lead"), "governance.append-only")
    assert problem.location.path == existing
    assert problem.message == (
        "only the file's mode changed, not its content: Git now records it as executable (mode 100755); a committed "
        f"endorsement never changes, not even its mode: set it back (`git update-index --chmod=-x {existing}` and "
        f"`chmod -x {existing}`)"
    )


def test_a_deleted_endorsement_is_refused(repo: Repo, tmp_path: Path) -> None:
    existing = _setup(repo, tmp_path)
    repo.path(existing).unlink()
    report = repo.check(actor=f"{OB}-lead")
    found = shown(errors(report))
    assert any("endorsements are never deleted" in p for p in found), found


def test_revocation_by_the_endorser_passes(repo: Repo, tmp_path: Path) -> None:
    existing = _setup(repo, tmp_path)
    revoke_endorsement(repo.registry, Path(existing).stem, load_signing_key(tmp_path / f"{OB}.key", root=repo.root))
    report = repo.check(actor=f"{OB}-lead")
    assert errors(report) == [], shown(report.problems)
    # The same change by another body's maintainer is refused.
    report = repo.check(actor="data-council-lead")
    assert any("not a maintainer of other-body" in p for p in shown(errors(report)))


@pytest.mark.parametrize(
    ("offset", "says"),
    [
        (dt.timedelta(days=90), "is signed {day}, 90 days before this check"),
        (-dt.timedelta(days=2), "is signed in the future ({day} "),
    ],
    ids=["backdated", "future"],
)
def test_an_endorsement_signed_outside_the_freshness_window_is_refused(
    repo: Repo, tmp_path: Path, offset: dt.timedelta, says: str
) -> None:
    # The key is in force and the endorsement verifies: only its date is wrong (the awards' rule, reused).
    _setup(repo, tmp_path)
    at = NOW - offset
    rel = _endorse(repo, tmp_path, DC, at=at)
    report = repo.check(actor=f"{DC}-lead")
    problems = [p for p in errors(report) if p.code == "governance.fresh-signature"]
    # The status list the same change signs is held to the issuers' rule too: stale alike.
    assert [p.location.path for p in problems] == [f"registry/endorsers/{DC}/status/1.json", rel], shown(problems)
    problems = problems[1:]
    assert problems[0].field == "proof.0.created"
    assert problems[0].message.startswith("the endorsement " + says.format(day=f"{at:%Y-%m-%d}")), problems[0].message
    others = [p.message for p in errors(report) if p.code != "governance.fresh-signature"]
    if offset < dt.timedelta(0):  # the list starts when signed (its validFrom): not in force yet, so read for nothing
        assert [m.partition(" before ")[0] for m in others] == ["the status list is not in force: not valid"], others
        # Located as the full check locates it (recognition.py endorser_list_problems): at the list's validFrom.
        [listed] = errors(report, "status-list.invalid")
        assert (listed.location.path, listed.field) == (f"registry/endorsers/{DC}/status/1.json", "validFrom")
    else:
        assert others == [], shown(report.problems)


@pytest.mark.parametrize("offset", [dt.timedelta(days=45), -dt.timedelta(days=3)], ids=["backdated", "future"])
def test_an_endorsement_whose_validfrom_is_backdated_or_in_the_future_is_refused(
    repo: Repo, tmp_path: Path, offset: dt.timedelta
) -> None:
    # Claiming to be in force since long ago (or only from later): each proof is created at validFrom
    # (models/award.py signed_at_valid_from), so the date is held to the window of a fresh signature.
    _setup(repo, tmp_path)
    rel = _endorse(repo, tmp_path, DC)
    doc = json.loads(repo.read(rel))
    doc.pop("proof")
    doc["validFrom"] = (NOW - offset).strftime("%Y-%m-%dT%H:%M:%SZ")
    key = load_signing_key(tmp_path / f"{DC}.key", root=repo.root)
    signed = sign_document(doc, key, f"{repo.registry.endorser_did(DC)}#k1", NOW - offset)
    repo.path(rel).unlink()
    digest = award_hash(signed)
    new = f"{Path(rel).parent.as_posix()}/{digest}.json"
    repo.write(new, render_award(signed))
    report = repo.check(actor=f"{DC}-lead")
    problem = only(report, "governance.fresh-signature")
    assert problem.location.path == new
    assert problem.field == "proof.0.created"
    expected = "in the future" if offset < dt.timedelta(0) else f"{NOW - offset:%Y-%m-%d}, 45 days before this check"
    assert problem.message.startswith(f"the endorsement is signed {expected}"), problem.message


def test_a_validfrom_other_than_its_signing_time_is_refused_once_by_the_profile(repo: Repo, tmp_path: Path) -> None:
    # Signed now, valid only from three days on: the profile refuses it (each proof is created at validFrom,
    # models/award.py signed_at_valid_from), in every check. A freshness rule on validFrom of its own could only
    # say it a second time: for an endorsement that fits the profile, validFrom is its proofs' created, which the
    # freshness rule reads.
    _setup(repo, tmp_path)
    rel = _endorse(repo, tmp_path, DC)
    doc = json.loads(repo.read(rel))
    doc.pop("proof")
    doc["validFrom"] = (NOW + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    key = load_signing_key(tmp_path / f"{DC}.key", root=repo.root)
    signed = sign_document(doc, key, f"{repo.registry.endorser_did(DC)}#k1", NOW)
    repo.path(rel).unlink()
    new = f"{Path(rel).parent.as_posix()}/{award_hash(signed)}.json"
    repo.write(new, render_award(signed))
    found = [p for p in errors(repo.check(actor=f"{DC}-lead")) if p.location.path == new]
    assert [(p.code, p.field) for p in found] == [("endorsement.structure", "")], shown(found)
    assert "proof.0.created: must be the endorsement's validFrom (" in found[0].message


def test_an_endorsement_signed_today_passes_the_freshness_rule(repo: Repo, tmp_path: Path) -> None:
    _setup(repo, tmp_path)
    _endorse(repo, tmp_path, DC, at=NOW - dt.timedelta(days=29))  # inside the 30-day window
    report = repo.check(actor=f"{DC}-lead")
    assert errors(report) == [], shown(report.problems)


def _resign_list(
    repo: Repo, keys: Path, endorser: str, *, clear: int | None, at: dt.datetime, until: dt.datetime | None = None
) -> str:
    """Re-sign the endorser's status list 1 (with bit ``clear`` cleared) as ``credreg revoke`` signs it (with
    ``until``: a ``validUntil`` added before signing, which credreg never writes)."""
    from generator.endorsements import _signed_list
    from generator.statuslist import decode_list, set_bit

    rel = f"registry/endorsers/{endorser}/status/1.json"
    bits = bytearray(decode_list(json.loads(repo.read(rel))["credentialSubject"]["encodedList"]))
    if clear is not None:
        set_bit(bits, clear, False)
    key = load_signing_key(keys / f"{endorser}.key", root=repo.root)
    listed = _signed_list(repo.registry, endorser, 1, bits, key, at)
    if until is not None:
        listed.pop("proof")
        listed["validUntil"] = until.strftime("%Y-%m-%dT%H:%M:%SZ")
        listed = sign_document(listed, key, f"{repo.registry.endorser_did(endorser)}#{key.key_id}", at)
    repo.write(rel, json.dumps(listed, indent=2) + "\n")
    return rel


def _revoked(repo: Repo, keys: Path) -> tuple[str, int]:
    """other-body's endorsement revoked in a new base commit; returns its list path and index."""
    existing = _setup(repo, keys)
    revoke_endorsement(repo.registry, Path(existing).stem, load_signing_key(keys / f"{OB}.key", root=repo.root))
    commit_all(repo.root, "revoked")
    return f"registry/endorsers/{OB}/status/1.json", int(
        json.loads(repo.read(existing))["credentialStatus"]["statusListIndex"]
    )


def test_an_endorsers_list_re_signed_with_a_revoked_bit_cleared_is_refused(repo: Repo, tmp_path: Path) -> None:
    rel, index = _revoked(repo, tmp_path)
    _resign_list(repo, tmp_path, OB, clear=index, at=NOW - dt.timedelta(minutes=1))
    report = repo.check(actor=f"{OB}-lead")
    problem = only(report, "status-list.missing-bit")
    assert problem.location.path == rel
    assert f"index {index} is revoked in {rel} as the base commit signed it" in problem.message


def test_an_endorsers_list_given_an_end_is_refused(repo: Repo, tmp_path: Path) -> None:
    # Every bit kept, freshly signed, in force today: but once its validUntil passes, no reader reads the list, and
    # the endorsement it revokes (an endorser keeps no log to stand for it) reads as of unknown status, its
    # revocation taken back by the calendar, unseen by this check. The registry's lists never end.
    rel, _ = _revoked(repo, tmp_path)
    _resign_list(repo, tmp_path, OB, clear=None, at=NOW - dt.timedelta(minutes=1), until=NOW + dt.timedelta(days=2))
    report = repo.check(actor=f"{OB}-lead")
    problem = only(report, "status-list.valid-until")
    assert problem.location.path == rel, shown(report.problems)
    assert problem.field == "validUntil"


def test_an_endorsers_list_must_be_freshly_signed(repo: Repo, tmp_path: Path) -> None:
    rel, _ = _revoked(repo, tmp_path)
    _resign_list(repo, tmp_path, OB, clear=None, at=NOW - dt.timedelta(days=90))
    report = repo.check(actor=f"{OB}-lead")
    problem = only(report, "governance.fresh-signature")
    assert problem.location.path == rel, shown(report.problems)
    # Re-signed now, with every bit kept, the same list passes.
    _resign_list(repo, tmp_path, OB, clear=None, at=NOW - dt.timedelta(minutes=1))
    report = repo.check(actor=f"{OB}-lead")
    assert errors(report) == [], shown(report.problems)


def test_an_endorsers_did_never_changes_once_it_has_keys(repo: Repo, tmp_path: Path) -> None:
    # The issuers' identity rule: other-body's did is part of every endorsement it has signed.
    _setup(repo, tmp_path)
    rel = f"registry/endorsers/{OB}/endorser.yaml"
    repo.edit(rel, "name:", "did: did:web:evil.example\nname:")
    report = repo.check(actor=f"{OB}-lead")
    problem = only(report, "governance.identity")
    assert problem.location.path == rel
    assert problem.field == "did"
    assert "never changes once it has keys" in problem.message


def test_an_endorser_with_keys_is_never_removed(repo: Repo, tmp_path: Path) -> None:
    _setup(repo, tmp_path)
    rel = f"registry/endorsers/{OB}/endorser.yaml"
    repo.path(rel).unlink()
    report = repo.check(actor="reg-admin")
    found = [p for p in errors(report) if p.code == "governance.append-only"]
    assert [p.location.path for p in found] == [rel], shown(report.problems)


def _retire(repo: Repo, rel: str, when: dt.datetime) -> None:
    key = json.loads(repo.read(rel)) | {"valid_until": when.strftime("%Y-%m-%dT%H:%M:%SZ")}
    repo.write(rel, json.dumps(key, indent=2) + "\n")


def test_retiring_an_endorsers_key_before_its_endorsements_is_refused(repo: Repo, tmp_path: Path) -> None:
    # The awards' key-window rule: an endorsement is a signature the registry holds, as an award is.
    existing = _setup(repo, tmp_path)
    rel = f"keys/{OB}/k1.json"
    _retire(repo, rel, NOW - dt.timedelta(days=1))
    report = repo.check(actor=f"{OB}-lead")
    problem = only(report, "governance.key-window")
    assert problem.location.path == rel
    assert problem.field == "valid_until"
    assert existing in problem.message, problem.message
    # Retired after them, it passes.
    _retire(repo, rel, NOW)
    report = repo.check(actor=f"{OB}-lead")
    assert errors(report) == [], shown(report.problems)


def test_retiring_an_issuers_key_before_the_endorsements_it_signed_is_refused(repo: Repo, tmp_path: Path) -> None:
    _setup(repo, tmp_path)
    done = endorse(
        repo.registry, "beta-labs/sql-basics", ACME, repo.key(ACME), kind=EndorsementKind.RECOGNISES,
        comment="Recognised.", valid_from=NOW - dt.timedelta(minutes=5),
    )  # fmt: skip
    endorsement = done.path.relative_to(repo.root).as_posix()
    assert endorsement.startswith(f"registry/issuers/{ACME}/endorsements/")
    commit_all(repo.root, "acme endorses")
    rel = f"keys/{ACME}/key-1.json"
    _retire(repo, rel, NOW - dt.timedelta(hours=1))  # after its awards and revocations, before the endorsement
    report = repo.check(actor="acme-lead")
    problem = only(report, "governance.key-window")
    assert problem.location.path == rel
    assert endorsement in problem.message, problem.message


def test_a_new_endorser_needs_a_registry_maintainers_approval_as_a_new_issuer_does(repo: Repo, tmp_path: Path) -> None:
    _setup(repo, tmp_path)
    rel = "registry/endorsers/new-body/endorser.yaml"
    repo.write(rel, ENDORSER.format(id="new-body", name="New Body"))
    write_codeowners(repo.registry)
    report = repo.check(actor="new-body-lead")
    assert errors(report) == [], shown(report.problems)
    [warning] = warnings(report, "governance.approval")
    assert warning.location.path == rel
    assert warning.message == "new endorser new-body: a registry maintainer (@reg-admin) must approve this pull request"
    assert report.summary_markdown is not None
    assert "- registry maintainer approval: new endorser `new-body`" in report.summary_markdown


@pytest.mark.parametrize(
    ("extra", "field", "other"),
    [
        ("aliases:\n  - '  acme   ACADEMY '\n", "aliases[0]", ACME),  # an issuer's name
        ("aliases:\n  - OB\n  - other  BODY\n", "aliases[1]", OB),  # an endorser's name
    ],
    ids=["issuer-name", "endorser-name"],
)
def test_an_endorser_answering_to_another_bodys_name_is_refused(
    repo: Repo, tmp_path: Path, extra: str, field: str, other: str
) -> None:
    _setup(repo, tmp_path)
    rel = "registry/endorsers/new-body/endorser.yaml"
    repo.write(rel, ENDORSER.format(id="new-body", name="New Body") + extra)
    write_codeowners(repo.registry)
    for report in (repo.check(actor="new-body-lead"), run_check(repo.root, CheckOptions(progress=False))):
        [problem] = [p for p in errors(report) if p.location.path == rel]  # the alias only, not its name
        assert problem.code == "endorser.duplicate-name"
        assert problem.field == field
        assert f"is already a name, alias or id of {other}:" in problem.message


def test_an_endorsers_name_taken_by_a_new_endorser_is_refused_on_both(repo: Repo, tmp_path: Path) -> None:
    _setup(repo, tmp_path)
    rel = "registry/endorsers/a-body/endorser.yaml"  # sorts before other-body: the first match by id order
    repo.write(rel, ENDORSER.format(id="a-body", name="Other Body"))
    write_codeowners(repo.registry)
    found = [p for p in errors(repo.check(actor="a-body-lead")) if p.code == "endorser.duplicate-name"]
    assert sorted((p.location.path, p.field) for p in found) == [
        (rel, "name"),
        (f"registry/endorsers/{OB}/endorser.yaml", "name"),
    ], shown(found)


@pytest.mark.parametrize("copied", [ACME, DC])
def test_a_new_endorser_with_another_bodys_did_or_key_is_refused(repo: Repo, tmp_path: Path, copied: str) -> None:
    """One DID and one key name one body, issuer or endorser: else its signatures could be taken for another's."""
    _setup(repo, tmp_path)
    registry = repo.registry
    did = registry.issuer_did(ACME) if copied == ACME else registry.endorser_did(DC)
    source = f"keys/{copied}/{'key-1' if copied == ACME else 'k1'}.json"
    new = "copy-cat"
    repo.write(f"registry/endorsers/{new}/endorser.yaml", ENDORSER.format(id=new, name="Copy Cat") + f"did: {did}\n")
    key = json.loads(repo.read(source))
    key.update(id="k1", issuer=new)
    repo.write(f"keys/{new}/k1.json", json.dumps(key, indent=2) + "\n")
    write_codeowners(repo.registry)
    report = repo.check(actor="reg-admin")
    found = errors(report)
    assert {p.code for p in found} == {"id.duplicate-did", "key.duplicate"}, shown(found)
    by_code = {p.code: p for p in found}
    assert by_code["id.duplicate-did"].location.path == f"registry/endorsers/{new}/endorser.yaml"
    assert by_code["id.duplicate-did"].field == "did"
    owner = f"issuer {ACME!r}" if copied == ACME else f"endorser {DC!r}"
    assert by_code["id.duplicate-did"].message == f"DID {did} is already used by {owner}"
    assert by_code["key.duplicate"].location.path == f"keys/{new}/k1.json"
    assert by_code["key.duplicate"].message == f"this public key is already registered as {source}"


@pytest.mark.parametrize("owner", [OB, ACME])
def test_renaming_a_body_that_has_endorsed_is_refused_on_its_name(repo: Repo, tmp_path: Path, owner: str) -> None:
    # Every endorsement carries its endorser's name, which the full check holds to the registry's record: the
    # pull-request check passed a rename, and the next full check refused every endorsement the body had signed.
    _setup(repo, tmp_path)
    if owner == ACME:  # an issuer endorses under its own id, with its own key
        _endorse_as_acme(repo)
        commit_all(repo.root, "acme endorses")
        rel, old, new = f"registry/issuers/{ACME}/issuer.yaml", "name: Acme Academy", "name: Acme Institute"
        fields = "name: Acme Academy\n    url: https://acme.example\n    email: credentials@acme.example"
        until = (NOW - dt.timedelta(days=1)).date().isoformat()
        repo.write(rel, repo.read(rel) + f"former_profiles:\n  - until: {until}\n    {fields}\n")
    else:
        rel, old, new = f"registry/endorsers/{OB}/endorser.yaml", "name: Other Body", "name: Other Body Renamed"
    full = errors(run_check(repo.root, CheckOptions(progress=False, cache=False)))
    assert full == [], shown(full)
    repo.edit(rel, old, new)
    assert errors(run_check(repo.root, CheckOptions(progress=False, cache=False)))  # what the rule prevents
    problem = only(repo.check(actor=f"{owner}-lead" if owner == OB else "acme-lead"), "governance.endorsed-records")
    assert (problem.location.path, problem.field) == (rel, "name")
    assert "would invalidate 1 endorsement" in problem.message


def _endorse_as_acme(repo: Repo) -> str:
    key = repo.key(ACME)
    done = endorse(
        repo.registry, BETA, ACME, key, kind=EndorsementKind.RECOGNISES, comment="Recognised.",
        valid_from=NOW - dt.timedelta(minutes=5),
    )  # fmt: skip
    return done.path.relative_to(repo.root).as_posix()


def test_deleting_an_endorsed_credential_is_refused(repo: Repo, tmp_path: Path) -> None:
    # An endorsement names its subject, which the full check must find in the registry: the pull-request check let
    # the subject's issuer delete an endorsed credential without awards, and the next full check refused the
    # endorsement another body had signed.
    _setup(repo, tmp_path)
    endorsed = _endorse(repo, tmp_path, DC, f"{ACME}/data-analyst")
    commit_all(repo.root, "data-analyst endorsed")
    rel = f"registry/issuers/{ACME}/credentials/data-analyst.yaml"
    repo.path(rel).unlink()
    assert errors(run_check(repo.root, CheckOptions(progress=False, cache=False)))  # what the rule prevents
    problem = only(repo.check(), "governance.append-only")
    assert problem.location.path == rel
    assert f"endorsed ({endorsed})" in problem.message
    assert "retired" in problem.message


@pytest.mark.parametrize("change", ["delete", "did"])
def test_an_endorsed_issuer_keeps_its_identity_without_keys_or_awards(repo: Repo, tmp_path: Path, change: str) -> None:
    # An issuer without keys or awards may be removed or take another DID, unless a body has endorsed it: the
    # endorsement names its DID, and the full check then refused that body's signed file.
    _setup(repo, tmp_path)
    rel = "registry/issuers/gamma-guild/issuer.yaml"
    text = repo.read(f"registry/issuers/{ACME}/issuer.yaml").replace("id: acme-academy", "id: gamma-guild")
    repo.write(rel, text.replace("name: Acme Academy", "name: Gamma Guild").replace("  - acme-lead", "  - gamma-lead"))
    write_codeowners(repo.registry)
    endorsed = _endorse(repo, tmp_path, DC, "gamma-guild")
    commit_all(repo.root, "gamma endorsed")
    if change == "delete":
        repo.path(rel).unlink()
        repo.path(rel).parent.rmdir()
        write_codeowners(repo.registry)
    else:
        repo.edit(rel, "name:", "did: did:web:gamma.example\nname:")
    assert errors(run_check(repo.root, CheckOptions(progress=False, cache=False)))  # what the rule prevents
    problem = only(
        repo.check(actor="gamma-lead"), "governance.append-only" if change == "delete" else "governance.identity"
    )
    assert problem.location.path == rel
    assert endorsed in problem.message


def test_renaming_a_credential_another_body_has_endorsed_is_refused(repo: Repo, tmp_path: Path) -> None:
    """A body endorsed "Data Analysis" (its signed name says so: "Other Body recognises: Data Analysis"); the
    issuer, whose folder it is, renamed the credential and rewrote it as something else, and the page went on saying
    "Confirmed: signed by the body" of a credential the body never saw. Awards held the name to what they carry;
    a credential with no awards yet was held to nothing."""
    _setup(repo, tmp_path)
    rel = f"registry/issuers/{ACME}/credentials/data-analysis.yaml"
    text = repo.read(f"registry/issuers/{ACME}/credentials/sql-basics.yaml")
    repo.write(rel, text.replace("id: sql-basics", "id: data-analysis").replace("SQL Basics", "Data Analysis"))
    _endorse(repo, tmp_path, OB, f"{ACME}/data-analysis")
    commit_all(repo.root, "an endorsed credential, not yet awarded")
    assert errors(run_check(repo.root, CheckOptions(progress=False))) == []
    repo.write(rel, repo.read(rel).replace("name: Data Analysis", "name: Registered Nurse Practice"))
    report = repo.check(actor="acme-lead")
    problem = only(report, "governance.endorsed-records")
    assert (problem.location.path, problem.field) == (rel, "name"), shown(report.problems)
    assert "other-body has endorsed it" in problem.message, problem.message


def _endorsed_data_analysis(repo: Repo, keys: Path) -> tuple[str, str]:
    """acme's data-analysis (no awards), endorsed by other-body, in the base: its definition and the endorsement."""
    _setup(repo, keys)
    rel = f"registry/issuers/{ACME}/credentials/data-analysis.yaml"
    text = repo.read(f"registry/issuers/{ACME}/credentials/sql-basics.yaml")
    repo.write(rel, text.replace("id: sql-basics", "id: data-analysis").replace("SQL Basics", "Data Analysis"))
    endorsement = _endorse(repo, keys, OB, f"{ACME}/data-analysis")
    commit_all(repo.root, "an endorsed credential, not yet awarded")
    assert errors(run_check(repo.root, CheckOptions(progress=False))) == []
    return rel, endorsement


REWRITES = {  # field → (old text, new text) of a change to what the body vouched for, a new version besides
    "description": ("Learners write `SELECT` queries", "Learners watch a video about"),
    "criteria": ("narrative: Pass a practical SQL assessment.", "narrative: Attend."),
    "level": ("proficiency: intermediate", "proficiency: advanced"),
    "effort": ("hours: 20", "hours: 2"),
}


@pytest.mark.parametrize("field", sorted(REWRITES))
def test_rewriting_a_credential_another_body_has_endorsed_is_refused(repo: Repo, tmp_path: Path, field: str) -> None:
    """Only its name was held: with no awards, the issuer rewrote what the endorsed credential certifies (and gave
    it a new version), and its page went on saying "Confirmed: signed by the body" of content the body never saw."""
    rel, endorsement = _endorsed_data_analysis(repo, tmp_path)
    old, new = REWRITES[field]
    repo.edit(rel, old, new)
    repo.write(rel, repo.read(rel) + "version: '2.0'\n")
    report = repo.check(actor="acme-lead")
    problem = only(report, "governance.endorsed-records")
    assert (problem.location.path, problem.field) == (rel, field), shown(report.problems)
    assert f"other-body has endorsed it ({endorsement})" in problem.message, problem.message
    assert f"its {field}" in problem.message


def test_a_change_an_endorsement_does_not_cover_passes(repo: Repo, tmp_path: Path) -> None:
    rel, _ = _endorsed_data_analysis(repo, tmp_path)
    repo.edit(rel, "cost: free", "cost: {amount: 120, currency: EUR}")
    repo.write(rel, repo.read(rel) + "tags: [sql]\nstatus: deprecated\n")
    report = repo.check(actor="acme-lead")
    assert errors(report) == [], shown(report.problems)


@pytest.mark.parametrize("how", ["revoked", "re-signed"])
def test_an_endorsed_credential_may_change_once_its_body_revokes_or_signs_anew(
    repo: Repo, tmp_path: Path, how: str
) -> None:
    """The change is the body's to vouch for: with its endorsement revoked, or a new one signed of the new content
    in the same change, nothing on the page vouches for what the body never saw."""
    rel, endorsement = _endorsed_data_analysis(repo, tmp_path)
    repo.edit(rel, "name: Data Analysis", "name: Data Analysis with SQL")
    repo.edit(rel, "Learners write `SELECT` queries", "Learners write `SELECT` and `WITH` queries")
    if how == "revoked":
        key = load_signing_key(tmp_path / f"{OB}.key", root=repo.root)
        revoke_endorsement(repo.registry, Path(endorsement).stem, key, NOW - dt.timedelta(minutes=1))
    else:
        _endorse(repo, tmp_path, OB, f"{ACME}/data-analysis")
    report = repo.check(actor="reg-admin")
    assert [p for p in errors(report) if p.code == "governance.endorsed-records"] == [], shown(report.problems)


def test_a_weaker_statement_signed_anew_leaves_the_standing_one_refused(repo: Repo, tmp_path: Path) -> None:
    """A body's new "endorses" of the rewritten credential, beside its standing "recognises" of the old one, left that
    stronger statement in force over content it never saw: signing anew is stating the same again."""
    rel, endorsement = _endorsed_data_analysis(repo, tmp_path)
    repo.edit(rel, "Learners write `SELECT` queries", "Learners watch a video about")
    key = load_signing_key(tmp_path / f"{OB}.key", root=repo.root)
    endorse(
        repo.registry, f"{ACME}/data-analysis", OB, key, kind=EndorsementKind.ENDORSES, comment="Recognised.",
        valid_from=NOW - dt.timedelta(minutes=5),
    )  # fmt: skip
    problem = only(repo.check(actor="reg-admin"), "governance.endorsed-records")
    assert f"other-body has endorsed it ({endorsement})" in problem.message


@pytest.mark.parametrize("subject", ["gamma-guild/data-analysis", "gamma-guild"])
def test_renaming_an_issuer_another_body_has_endorsed_is_refused(repo: Repo, tmp_path: Path, subject: str) -> None:
    """The issuer's name is shown with everything a body endorsed of it ("Recognises: Data Analysis (Gamma Guild)",
    "Of the issuer, Gamma Guild"): with no awards or keys to hold it, the issuer took another institution's name and
    the body's signature went on vouching for it, on the pages and in the catalogue."""
    _setup(repo, tmp_path)
    issuer = "registry/issuers/gamma-guild/issuer.yaml"
    text = repo.read(f"registry/issuers/{ACME}/issuer.yaml").replace("id: acme-academy", "id: gamma-guild")
    repo.write(
        issuer, text.replace("name: Acme Academy", "name: Gamma Guild").replace("  - acme-lead", "  - gamma-lead")
    )
    definition = repo.read(f"registry/issuers/{ACME}/credentials/sql-basics.yaml")
    repo.write(
        "registry/issuers/gamma-guild/credentials/data-analysis.yaml",
        definition.replace("id: sql-basics", "id: data-analysis"),
    )
    write_codeowners(repo.registry)
    endorsement = _endorse(repo, tmp_path, DC, subject)
    commit_all(repo.root, "gamma endorsed")
    assert errors(run_check(repo.root, CheckOptions(progress=False))) == []
    repo.edit(issuer, "name: Gamma Guild", "name: Oxford Data School")
    report = repo.check(actor="gamma-lead")
    problem = only(report, "governance.endorsed-records")
    assert (problem.location.path, problem.field) == (issuer, "name"), shown(report.problems)
    assert endorsement in problem.message, problem.message


def test_an_issuer_whose_endorsements_are_withdrawn_may_take_another_name(repo: Repo, tmp_path: Path) -> None:
    _setup(repo, tmp_path)
    key = load_signing_key(tmp_path / f"{OB}.key", root=repo.root)
    revoke_endorsement(repo.registry, Path(_endorse(repo, tmp_path, OB, BETA)).stem, key, NOW - dt.timedelta(minutes=1))
    commit_all(repo.root, "beta endorsed, then not")
    repo.edit(f"registry/issuers/{BETA}/issuer.yaml", "name: Beta Labs", "name: Beta Laboratories")
    report = repo.check(actor="beta-lead")
    assert [p for p in errors(report) if p.code == "governance.endorsed-records"] == [], shown(report.problems)


def test_every_endorsement_is_read_once_however_many_endorsed_records_change(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rule read every endorsement of the registry again for each changed credential: a pull request touching
    many definitions read (and verified) the whole registry's endorsements as many times."""
    import generator.governance.endorsements as rule

    rel, endorsement = _endorsed_data_analysis(repo, tmp_path)
    reads: list[object] = []

    def counted(*args: object, **kwargs: object) -> object:
        reads.append(args)
        return iter_endorsements(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(rule, "iter_endorsements", counted)
    sql = f"registry/issuers/{ACME}/credentials/sql-basics.yaml"
    repo.edit(rel, "Learners write `SELECT` queries", "Learners watch a video about")
    repo.edit(sql, "Learners write `SELECT` queries", "Learners watch a video about")
    report = repo.check(actor="acme-lead")
    refused = sorted(p.location.path for p in errors(report) if p.code == "governance.endorsed-records")
    assert refused == sorted([rel, sql]), shown(report.problems)
    assert len([r for r in reads if not r[1:]]) == 1  # the registry's endorsements, read once (not one owner's)
    message = next(p.message for p in errors(report) if p.location.path == rel)
    assert f"({endorsement})" in message, message
    assert "`superseded_by`" in message, message


def test_an_endorsed_definition_the_model_now_refuses_is_compared_field_by_field(repo: Repo, tmp_path: Path) -> None:
    """A base definition the model has since tightened (hours 0, once allowed) failed validation as a whole, and was
    compared as written with the new one as read: every nested field with a default read as changed, and the
    refusal named the first of them, not what the change did."""
    rel, _ = _endorsed_data_analysis(repo, tmp_path)
    repo.edit(rel, "hours: 20", "hours: 0")
    commit_all(repo.root, "a base the model now refuses")
    repo.edit(rel, "hours: 0", "hours: 0.5")
    report = repo.check(actor="acme-lead")
    problem = only(report, "governance.endorsed-records")
    assert (problem.location.path, problem.field) == (rel, "effort"), shown(report.problems)
    assert "changes its effort:" in problem.message, problem.message
