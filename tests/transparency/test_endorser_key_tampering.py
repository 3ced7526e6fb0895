"""What whoever can push past the pull-request check can do with an endorser's key files, and what then sees it.

The endorsers' counterpart of tests/transparency/test_key_tampering.py. An endorser's keys are key files like an
issuer's (``keys/<endorser>/<key id>.json``): one layout, one loader, and the log derives their entries by the same
rule (:class:`generator.transparency.entries._Retired` reads every ``keys/`` folder alike, whoever owns it), so a
retired endorser key copied into another key file (the endorser's own folder, another endorser's, an issuer's) is
the copy's ``key-changed`` alert, which the log's index counts as a retirement of the copy's path. Each scenario is
pushed into a real Git registry with real keys and real signatures (``credreg``'s own key generation and
``endorse``), logged, published, cosigned and verified with ``credreg verify`` with and without ``--log``: the
offline check passes what the copy signs (the copy's own window holds it), the log's check fails it, naming the
copy. The pull-request check refuses each change (``governance.append-only``, ``key.duplicate``,
``id.duplicate-did``: asserted where the scenario makes it); the page's log check is held equal to Python's by
tests/transparency/test_verify_js.py.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from generator.check import CheckOptions, run_check
from generator.load import load_registry
from generator.transparency.entries import derive_entries
from generator.verify import registry_resolver
from tests.transparency.conftest import (
    LogRepo,
    award_with,
    commit_all,
    cosign,
    endorsement_with,
    endorser_list_under_a_declared_did,
    fails_only_on_the_log,
    git,
    imported_key,
    issuer_declaring,
    key_entries,
    owner_key,
    second_issuer_list_under_a_taken_did,
    set_fields,
    verify_checks,
)

NBU = "northbridge-university"
VTEN = "valencia-tech-employers-network"
ABPC = "accreditation-board-for-personnel-certification"


def _passes(log_repo: LogRepo, digest: str) -> None:
    code, checks = verify_checks(log_repo, digest)
    assert code == 0, checks
    assert checks["log"]["status"] == "passed", checks["log"]


def _pr_refuses(log_repo: LogRepo, code: str, rel: str) -> None:
    """The pull-request check of the uncommitted change (against ``HEAD``) refuses it on ``rel`` with ``code``."""
    report = run_check(log_repo.root, CheckOptions(base="HEAD", actor="registry-admin", progress=False))
    assert rel in {p.location.path for p in report.problems if p.code == code}, [str(p) for p in report.problems]


def _copy(log_repo: LogRepo, rel: str, copy: str, **fields: Any) -> None:
    """``rel``'s key file written at ``copy`` (its ``id`` and ``issuer`` the copy's), without its end."""
    owner, key_id = copy.split("/")[1], copy.split("/")[2].removesuffix(".json")
    doc = json.loads((log_repo.root / rel).read_text()) | {"id": key_id, "issuer": owner} | fields
    for end in ("valid_until", "revoked_at", "revocation_reason"):
        doc.pop(end, None)
    (log_repo.root / copy).write_text(json.dumps(doc, indent=2) + "\n")


def _published(log_repo: LogRepo, tmp_path: Path) -> None:
    assert git(log_repo.root, "status", "--porcelain") == ""
    log_repo.publish()
    cosign(log_repo, tmp_path / "witness")


@pytest.mark.parametrize("closed", ["valid_until", "revoked_at"])
def test_an_endorser_key_is_logged_in_the_endorsers_name_and_its_retirement_judges_its_endorsements(
    log_repo: LogRepo, tmp_path: Path, closed: str
) -> None:
    """An endorser's key file is ``key-added`` in the endorser's name, its end ``key-expiry-set`` (or, revoked as
    compromised, ``key-revoked``). An endorsement it signed while in force, logged then, stays valid once the key
    is closed, offline and with the log, as an award signed by an issuer's key before its end does (the key's
    window at the proof's ``created``; the log's retirement after the entry). One logged after the end, dated inside
    the window, passes offline and fails the log's check, naming the key."""
    root = log_repo.root
    start = git(root, "rev-parse", "HEAD").strip()
    rel, key = owner_key(log_repo, tmp_path, VTEN, "key-e", None)
    commit_all(root, "an endorser's key")
    before = endorsement_with(log_repo, key, dt.datetime(2023, 9, 1, tzinfo=dt.UTC))
    commit_all(root, "an endorsement while it is valid")
    end = {"valid_until": "2023-12-31T23:59:59Z"}
    if closed == "revoked_at":
        end = {"revoked_at": "2023-12-31T23:59:59Z", "revocation_reason": "key leaked"}
    set_fields(root / rel, **end)
    commit_all(root, "the key closed")
    late = endorsement_with(log_repo, key, dt.datetime(2023, 10, 1, tzinfo=dt.UTC))
    commit_all(root, "an endorsement dated inside the window, added after the end (pushed past the check)")
    kind, what = ("key-expiry-set", "expired (valid_until set)")
    if closed == "revoked_at":
        kind, what = ("key-revoked", "revoked")
    assert key_entries(log_repo, start) == [("key-added", VTEN, rel, False, False), (kind, VTEN, rel, False, False)]
    _published(log_repo, tmp_path)
    code, checks = verify_checks(log_repo, before, log=False)
    assert code == 0, checks
    _passes(log_repo, before)
    fails_only_on_the_log(log_repo, late, f"{rel} was logged as {what} before it", key_check="proof")


def test_an_endorser_keys_end_removed_or_its_file_deleted_and_added_again_keeps_its_retirement(
    log_repo: LogRepo, tmp_path: Path
) -> None:
    """As an issuer's key file: the end taken out, or the file deleted and added again without it, is
    ``key-changed`` in the endorser's name, and what the key signs afterwards still fails the log's check."""
    root = log_repo.root
    rel, key = owner_key(log_repo, tmp_path, VTEN, "key-e", "2023-12-31T23:59:59Z")
    first = commit_all(root, "an endorser's older key, retired")
    set_fields(root / rel, valid_until=None)
    _pr_refuses(log_repo, "governance.append-only", rel)
    commit_all(root, "the end removed (pushed past the check)")
    removed = endorsement_with(log_repo, key, dt.datetime(2024, 6, 1, tzinfo=dt.UTC))
    commit_all(root, "an endorsement after the old end")
    text = (root / rel).read_text()
    (root / rel).unlink()
    _pr_refuses(log_repo, "governance.append-only", rel)
    commit_all(root, "the key file deleted")
    (root / rel).write_text(text)
    commit_all(root, "and added again, without its end")
    again = endorsement_with(log_repo, key, dt.datetime(2024, 7, 1, tzinfo=dt.UTC))
    commit_all(root, "another endorsement")
    assert key_entries(log_repo, first) == [
        ("key-expiry-set", VTEN, rel, False, False),
        ("key-changed", VTEN, rel, True, False),
        ("key-changed", VTEN, rel, True, False),
        ("key-added", VTEN, rel, False, False),
    ]
    _published(log_repo, tmp_path)
    for digest in (removed, again):
        fails_only_on_the_log(
            log_repo, digest, f"{rel} was logged as expired (valid_until set) before it", key_check="proof"
        )


def test_a_retired_endorser_key_copied_into_another_endorser_key_file_fails_the_log_check(
    log_repo: LogRepo, tmp_path: Path
) -> None:
    """A retired (say compromised: ``revoked_at``) endorser key given another file, in its own folder or another
    endorser's, without its end: each copy is ``key-changed`` (``revived``) in the retirer's name under the copy's
    path, and what the copy signs fails the log's check; the full check refuses the registry (``key.duplicate``)."""
    root = log_repo.root
    rel, key = owner_key(log_repo, tmp_path, VTEN, "key-old", None)
    set_fields(root / rel, revoked_at="2023-12-31T00:00:00Z", revocation_reason="key leaked")
    first = commit_all(root, "an endorser's key, revoked")
    own, other = f"keys/{VTEN}/key-again.json", f"keys/{ABPC}/key-vten.json"
    _copy(log_repo, rel, own)
    _copy(log_repo, rel, other)
    for copy in (own, other):
        _pr_refuses(log_repo, "key.duplicate", copy)
    commit_all(root, "the revoked key again, in two files (pushed past the check)")
    again = dataclasses.replace(key, key_id="key-again")
    by_own = endorsement_with(log_repo, again, dt.datetime(2024, 6, 1, tzinfo=dt.UTC))
    moved = dataclasses.replace(key, issuer=ABPC, key_id="key-vten", controller=None)
    by_other = endorsement_with(log_repo, moved, dt.datetime(2024, 6, 1, tzinfo=dt.UTC), endorser=ABPC)
    commit_all(root, "endorsements signed with the copies")
    assert key_entries(log_repo, first) == [
        ("key-added", ABPC, other, False, False),
        ("key-changed", VTEN, other, False, True),  # in the retirer's name, under the copy's path
        ("key-added", VTEN, own, False, False),
        ("key-changed", VTEN, own, False, True),
    ]
    done = log_repo.credreg("check", ok=False)
    assert "this public key is already registered as" in done.stdout
    _published(log_repo, tmp_path)
    for digest, copy in ((by_own, own), (by_other, other)):
        fails_only_on_the_log(
            log_repo, digest, f"{copy} was logged as changed past the registry's checks", key_check="proof"
        )


def test_a_retired_key_copied_between_an_issuers_and_an_endorsers_folders_fails_the_log_check(
    log_repo: LogRepo, tmp_path: Path
) -> None:
    """An endorser's retired key copied into an issuer's folder signs awards (and the issuer's endorsements); an
    issuer's retired key copied into an endorser's folder signs endorsements: each copy is the retirer's alert under
    its path, and everything signed with it fails the log's check, whichever kind."""
    root = log_repo.root
    e_rel, e_key = owner_key(log_repo, tmp_path, VTEN, "key-old", "2023-12-31T23:59:59Z")
    i_rel, i_key = imported_key(log_repo, tmp_path, "key-old", "2023-12-31T23:59:59Z")
    first = commit_all(root, "an endorser's and an issuer's older keys, retired")
    in_issuer, in_endorser = f"keys/{NBU}/key-from-vten.json", f"keys/{VTEN}/key-from-nbu.json"
    _copy(log_repo, e_rel, in_issuer)
    _copy(log_repo, i_rel, in_endorser)
    for copy in (in_issuer, in_endorser):
        _pr_refuses(log_repo, "key.duplicate", copy)
    commit_all(root, "each retired key copied into the other's folder (pushed past the check)")
    as_issuer = dataclasses.replace(e_key, issuer=NBU, key_id="key-from-vten", controller=None)
    as_endorser = dataclasses.replace(i_key, issuer=VTEN, key_id="key-from-nbu", controller=None)
    award = award_with(log_repo, as_issuer, dt.datetime(2024, 6, 1, tzinfo=dt.UTC))
    by_issuer = endorsement_with(
        log_repo, as_issuer, dt.datetime(2024, 6, 1, tzinfo=dt.UTC), endorser=NBU, target="brightforge-academy"
    )
    by_endorser = endorsement_with(log_repo, as_endorser, dt.datetime(2024, 6, 1, tzinfo=dt.UTC))
    commit_all(root, "an award and endorsements signed with the copies")
    assert key_entries(log_repo, first) == [
        ("key-added", NBU, in_issuer, False, False),
        ("key-changed", VTEN, in_issuer, False, True),
        ("key-added", VTEN, in_endorser, False, False),
        ("key-changed", NBU, in_endorser, False, True),
    ]
    _published(log_repo, tmp_path)
    changed = "was logged as changed past the registry's checks"
    fails_only_on_the_log(log_repo, award.hash, f"{in_issuer} {changed}")
    fails_only_on_the_log(log_repo, by_issuer, f"{in_issuer} {changed}", key_check="proof")
    fails_only_on_the_log(log_repo, by_endorser, f"{in_endorser} {changed}", key_check="proof")


def test_a_key_shared_by_an_issuer_and_an_endorser_fails_once_either_retires_it(
    log_repo: LogRepo, tmp_path: Path
) -> None:
    """A public key registered by an issuer and, while valid, by an endorser (pushed past the check): no alert
    while neither has retired it; the issuer's retirement is the endorser file's ``key-changed`` (``held``, in the
    issuer's name) in the retiring commit, before that commit's endorsements, and what the endorser's copy signs
    from then on fails the log's check."""
    root = log_repo.root
    i_rel, i_key = imported_key(log_repo, tmp_path, "key-shared", None)
    shared = f"keys/{VTEN}/key-shared.json"
    _copy(log_repo, i_rel, shared)
    start = commit_all(root, "one key, an issuer's and an endorser's")
    as_endorser = dataclasses.replace(i_key, issuer=VTEN, controller=None)
    before = endorsement_with(log_repo, as_endorser, dt.datetime(2024, 3, 1, tzinfo=dt.UTC))
    commit_all(root, "an endorsement while it is valid")
    set_fields(root / i_rel, valid_until="2024-04-01T00:00:00Z")
    along = endorsement_with(log_repo, as_endorser, dt.datetime(2024, 6, 1, tzinfo=dt.UTC))
    commit_all(root, "the issuer retires it; an endorsement with the endorser's copy in the same commit")
    late = endorsement_with(log_repo, as_endorser, dt.datetime(2024, 7, 1, tzinfo=dt.UTC))
    commit_all(root, "a later endorsement")
    logged = [(e.kind, e.issuer, e.path) for e in derive_entries(root, head="HEAD", since=start)]
    retiring = logged.index(("key-expiry-set", NBU, i_rel))
    assert logged[retiring + 1] == ("key-changed", NBU, shared)  # the alert, before the commit's endorsement
    assert logged[retiring + 2][0] == "endorsement"
    _published(log_repo, tmp_path)
    _passes(log_repo, before)
    for digest in (along, late):
        fails_only_on_the_log(
            log_repo, digest, f"{shared} was logged as changed past the registry's checks", key_check="proof"
        )


def test_an_issuer_declaring_an_endorsers_did_does_not_move_the_log_check_off_its_keys(
    log_repo: LogRepo, tmp_path: Path
) -> None:
    """A new issuer folder declaring an endorser's DID (pushed past the check: ``id.duplicate-did``; an issuer added
    logs nothing, so nothing in the endorser's name says so), and an endorsement signed with the endorser's retired
    key, backdated, committed in both folders. Every verifier must read the endorsement's DID as one owner's: the
    offline check reads it as the endorser's (:meth:`Registry.endorser_for_did`, endorsers first), and the log's
    check must judge the same owner's key file, whose retirement the log holds, and want the entry in that owner's
    name. Read as the issuer's, the log check looked for ``keys/<issuer>/<key id>.json``, which the log never
    retired, and passed it."""
    root = log_repo.root
    rel, key = owner_key(log_repo, tmp_path, VTEN, "key-old", "2023-12-31T23:59:59Z")
    commit_all(root, "an endorser's older key, retired")
    registry = load_registry(root).registry
    assert registry is not None
    did = registry.endorser_did(VTEN)
    evil = issuer_declaring(root, "valencia-panel", did)
    commit_all(root, "an issuer declaring the endorser's DID (pushed past the check)")
    late = endorsement_with(log_repo, key, dt.datetime(2023, 10, 1, tzinfo=dt.UTC))
    (evil / "endorsements").mkdir()
    made = root / f"registry/endorsers/{VTEN}/endorsements/{late}.json"
    (evil / "endorsements" / made.name).write_bytes(made.read_bytes())
    commit_all(root, "an endorsement with the retired key, backdated, in both folders")
    done = log_repo.credreg("check", ok=False)
    assert "is already used by" in done.stdout, done.stdout
    _published(log_repo, tmp_path)
    fails_only_on_the_log(log_repo, late, f"{rel} was logged as expired (valid_until set) before it", key_check="proof")


def test_an_endorsers_list_signed_by_its_retired_key_is_judged_by_that_key_when_an_issuer_declares_its_did(
    log_repo: LogRepo, tmp_path: Path
) -> None:
    """The status list's counterpart: whoever holds an endorser's retired key signs its list again (dated inside
    the key's window: its revocations taken back), with an issuer added declaring the endorser's DID (pushed past
    the check). The offline check reads the list as its folder's owner's, the endorser's, signed by a key in force
    then; the log's check of the list given on its own must judge that owner's key file, retired before the list
    was logged, and fail it. Read as the issuer's, it looked for a key file the log never retired."""
    resigned = endorser_list_under_a_declared_did(log_repo, tmp_path)
    rel, listed = resigned.key_file, resigned.path
    _published(log_repo, tmp_path)
    code, checks = verify_checks(log_repo, listed, log=False)
    # The endorser owns its DID whoever else declares it (Registry.endorsers_by_did: endorsers first): its list.
    assert code == 0, checks
    code, checks = verify_checks(log_repo, listed)
    assert code != 0, checks
    assert checks["log"]["status"] == "failed", checks["log"]
    assert f"{rel} was logged as expired (valid_until set) before it" in checks["log"]["reason"], checks["log"]


def test_two_issuers_declaring_one_did_are_read_as_one_owner_by_every_check(log_repo: LogRepo, tmp_path: Path) -> None:
    """A newcomer issuer declaring a registered issuer's DID (pushed past ``id.duplicate-did``), its own key
    retired, and an award of the registered issuer signed with that key, backdated, committed after the end. The
    offline check found the method's key in the newcomer's folder (RegistryKeyResolver: the last issuer declaring
    the DID) while the log's check judged ``keys/<first issuer>/<key id>.json`` (``issuer_for_did``: the first),
    which the log never retired: it passed ``credreg verify --log`` against a bare state. One DID, one owner
    (:meth:`Registry.issuer_ids_by_did`, the first declaring it): the newcomer's key is no key of that DID, so the
    award fails offline, and the page's index names the same owner."""
    root = log_repo.root
    registry = load_registry(root).registry
    assert registry is not None
    did = registry.issuer_did(NBU)
    issuer_declaring(root, "zz-panel", did)
    commit_all(root, "an issuer declaring northbridge's DID (pushed past the check)")
    rel, key = owner_key(log_repo, tmp_path, "zz-panel", "key-z", "2023-12-31T23:59:59Z")
    commit_all(root, "the newcomer's key, retired")
    # Signed by credreg's own code: for that long, the key file stands in northbridge's folder too.
    _copy(log_repo, rel, f"keys/{NBU}/key-z.json")
    as_nbu = dataclasses.replace(key, issuer=NBU, controller=None)
    award = award_with(log_repo, as_nbu, dt.datetime(2023, 10, 1, tzinfo=dt.UTC))
    (root / f"keys/{NBU}/key-z.json").unlink()
    commit_all(root, "an award of northbridge signed with the newcomer's retired key, backdated")
    _published(log_repo, tmp_path)
    code, checks = verify_checks(log_repo, award.hash, log=False)
    assert code != 0, checks
    assert checks["key"]["status"] == "failed", checks["key"]
    code, checks = verify_checks(log_repo, award.hash)
    assert code != 0, checks
    loaded = load_registry(root).registry
    assert loaded is not None
    assert loaded.issuer_ids_by_did()[did] == NBU
    assert registry_resolver(loaded).resolve(f"{did}#key-z") is None  # northbridge has no key-z
    from generator.publish.verifydata import write_verification_data

    write_verification_data(loaded, tmp_path / "site")  # the page's did -> issuer index (sitedata.js issuerOf)
    assert json.loads((tmp_path / "site/verify/index.json").read_text())["issuers"][did] == NBU


def test_a_list_in_the_folder_of_a_second_issuer_of_a_did_is_judged_by_the_did_owners_key(
    log_repo: LogRepo, tmp_path: Path
) -> None:
    """A DID is its first issuer's for every reader (Registry.issuers_by_did). A newcomer declaring northbridge's
    DID (pushed past the check) has its list signed by northbridge's retired key, backdated: offline, the list is
    no list of this registry (its folder owner does not own the DID: Registry.owns_its_did, as the page says; it
    had passed, judged by the DID owner's keys), and the log's check judges that key's file, retired before the
    list was logged. It judged ``keys/<folder owner>/<key id>.json`` (the folder owner's DID is the method's),
    which the log never retired, where the page (the index's owner) judged northbridge's."""
    resigned = second_issuer_list_under_a_taken_did(log_repo, tmp_path)
    rel, listed = resigned.key_file, resigned.path
    _published(log_repo, tmp_path)
    code, checks = verify_checks(log_repo, listed, log=False)
    assert code != 0, checks
    assert checks["list"]["reason"] == "zz-panel is not an issuer registered here", checks["list"]
    assert checks["proof"]["status"] == "passed", checks["proof"]  # the owner's key signed it: only the list fails
    code, checks = verify_checks(log_repo, listed)
    assert code != 0, checks
    assert checks["log"]["status"] == "failed", checks["log"]
    assert f"{rel} was logged as expired (valid_until set) before it" in checks["log"]["reason"], checks["log"]
