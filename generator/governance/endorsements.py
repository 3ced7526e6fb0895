"""Pull-request rules for endorsements: what a change adds must be signed by the endorser whose folder it is in.

Who may change an endorser's folder is :mod:`generator.governance.ownership`'s rule (its maintainers, as listed
at the base); that endorsements are never edited, renamed or deleted is :mod:`generator.governance.history`'s.
Here: each new endorsement file verifies (profile, a registered key of *its folder's* endorser, the name is
its hash, the subject is not the endorser's own), it is fresh (its proofs are made now with a key in force now,
and its ``validFrom`` is today's, within the awards' backdating window: :mod:`generator.governance.fresh`, so a
stolen or retired key cannot add "historical" endorsements), and (:mod:`generator.governance.status`, as for an
issuer) each endorser status list the change writes is freshly signed by a key of that endorser and keeps every
bit the base had set. Its status slot is free: no award or other endorsement of its owner holds it (an issuer's
endorsements share its award lists; :func:`~generator.governance.existing.existing_status_slots`, the same lookup the
new awards get). An issuer therefore cannot endorse its own credential in another body's name:
a file in the body's folder needs the body's maintainers, and a file anywhere else is refused unless the body's
key signed it and it sits in the body's folder.

What a body has endorsed stays valid: every endorsement carries its endorser's name, which the full check holds
to the registry's record (:func:`~generator.endorsements.endorser_record_problem`). A change to an endorser's
``endorser.yaml``, or to the ``issuer.yaml`` of an issuer that has endorsed, that renames it is refused on its
``name`` (``governance.endorsed-records``): it passed here, and the next full check refused every endorsement the
body had signed, so nothing could be published.

What a body has endorsed stays what it saw: an endorsement of a credential covers its definition as it stood when
signed (:data:`~generator.endorsements.COVERED_FIELDS`, the one list of what that is). A change of those fields is
refused on the first one it changes (``governance.endorsed-records``) while an endorsement in force (not revoked,
not expired) covers the credential, unless the same change revokes it or its body states the same again (kind,
comment, scope, end) in a new one, signed of the new definition. An issuer's ``name``, shown with every
endorsement of it or of its credentials, is held likewise. The rule reads what was signed (each
endorsement, verified) and the base the change is compared with, not the word of whoever holds the repository.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from generator import layout
from generator.awards import award_id_number
from generator.endorsements import (
    FoundEndorsement,
    covered_changes,
    endorsement_slots,
    endorsement_verdict,
    endorser_record_problem,
    iter_endorsements,
    slot_taken_message,
    verify_endorsement,
)
from generator.errors import ProblemList
from generator.governance.context import PullRequest
from generator.governance.existing import existing_ids, existing_status_slots
from generator.governance.fresh import freshness_problem
from generator.governance.git import ChangeStatus
from generator.layout import PathKind
from generator.recognition import VerifiedEndorsement, endorsement_file_problems
from generator.verify.keys import named_key
from generator.verify.registry_check import duplicate_id_message
from generator.verify.results import VerificationResult

__all__ = ["RECORDS_CODE", "check_endorsed_records", "check_new_endorsements"]

RECORDS_CODE = "governance.endorsed-records"


def check_new_endorsements(pr: PullRequest, problems: ProblemList) -> int:
    """Verify every endorsement the change adds; returns how many."""
    registry = pr.registry
    if registry is None:
        return 0
    added = 0
    slotted: list[tuple[FoundEndorsement, int, int]] = []
    ided: list[tuple[FoundEndorsement, str, int]] = []
    for change in pr.changed(PathKind.ENDORSEMENT, statuses=[ChangeStatus.ADDED]):
        owner = change.role.issuer
        path = pr.root / change.path
        if owner is None or not path.is_file():
            continue
        from generator._internal.source import SourceError, read_json_file
        from generator.endorsements import MAX_ENDORSEMENT_BYTES

        try:
            source = read_json_file(path, change.path, max_bytes=MAX_ENDORSEMENT_BYTES, what="the endorsement")
        except SourceError as exc:
            problems.extend(exc.problems)
            continue
        doc = source.data
        if not isinstance(doc, dict):
            problems.add(change.path, "an endorsement is a JSON object", code="endorsement.structure")
            continue
        added += 1
        found = FoundEndorsement(owner, path, path.stem, doc, source)
        slotted.extend(endorsement_slots(registry, owner, [found]))
        number = award_id_number(doc.get("id"))
        if number is not None:
            ided.append((found, change.path, number))
        endorsement_file_problems(
            registry, [VerifiedEndorsement(found, verify_endorsement(doc, registry, now=pr.now))], problems
        )
        stale = _staleness(pr, owner, doc)
        if stale is not None:
            problems.add(change.path, stale[1], field=stale[0], code="governance.fresh-signature")
    _slot_problems(pr, slotted, problems)
    _id_problems(pr, ided, problems)
    return added  # every status list, an endorser's too: generator.governance.status


def _slot_problems(pr: PullRequest, slotted: list[tuple[FoundEndorsement, int, int]], problems: ProblemList) -> None:
    """Each new endorsement's slot is held by nothing else of its owner: revoking one would revoke the other."""
    if not slotted:
        return
    assert pr.registry is not None
    rels = [layout.relpath(pr.root, found.path) for found, _, _ in slotted]
    owners, indexes = {f.owner for f, _, _ in slotted}, {i for _, _, i in slotted}
    slots = existing_status_slots(pr.registry, owners, exclude=set(rels), indexes=indexes)
    for (found, number, index), rel in zip(slotted, rels, strict=True):
        first = slots.setdefault((found.owner, number, index), rel)
        if first == rel:
            continue
        message = slot_taken_message(number, index, first)
        field, code = ["credentialStatus", "statusListIndex"], "endorsement.duplicate-status-index"
        if found.source is not None:
            problems.append(found.source.problem(field, message, code=code))
        else:
            problems.add(rel, message, field=".".join(field), code=code)


def _id_problems(pr: PullRequest, ided: list[tuple[FoundEndorsement, str, int]], problems: ProblemList) -> None:
    """Each new endorsement's id is no other award's or endorsement's, whoever's (the full check's rule:
    :class:`~generator.verify.registry_check.AwardIndex`); the change's new awards are files like any other."""
    if not ided or pr.registry is None:
        return
    held = existing_ids(
        pr.registry, {number for _, _, number in ided}, exclude={rel for _, rel, _ in ided}, known=pr.known_holders
    )
    for found, rel, number in ided:
        first = held.setdefault(number, rel)
        if first == rel:
            continue
        message = duplicate_id_message(number, first, what="endorsement")
        if found.source is not None:
            problems.append(found.source.problem(["id"], message, code="endorsement.duplicate-id"))
        else:
            problems.add(rel, message, field="id", code="endorsement.duplicate-id")


def _staleness(pr: PullRequest, owner: str, doc: dict[str, Any]) -> tuple[str, str] | None:
    """(field, why) when a new endorsement is not fresh: a proof by a key not in force now or dated outside the
    window. Proofs by keys its endorser does not hold are the verifier's to refuse. Its ``validFrom`` needs no rule
    of its own: each proof is created at it (models/endorsement.py ``signed_at_valid_from``, the profile every
    check holds it to), so a fresh proof dates a fresh ``validFrom``, and any other is refused by the profile
    (tests/governance/test_endorsements.py test_a_validfrom_other_than_its_signing_time_is_refused_once_by_the_profile).
    A ``date_problem`` on it could only say that a second time."""
    assert pr.registry is not None
    did, keys = pr.registry.endorser_did(owner), pr.registry.endorser_keys(owner)
    proofs = doc.get("proof")
    for i, proof in enumerate(proofs if isinstance(proofs, list) else [proofs]):
        if not isinstance(proof, dict):
            continue
        record = named_key(keys, did, str(proof.get("verificationMethod", "")))
        if record is None:
            continue
        what = "the endorsement"
        reason = freshness_problem(record.model, proof.get("created"), now=pr.now, rules=pr.rules, what=what)
        if reason is not None:  # both proofs share key and time: one explanation is enough
            return (f"proof.{i}.created" if isinstance(proofs, list) else "proof.created"), reason
    return None


def check_endorsed_records(pr: PullRequest, problems: ProblemList) -> None:
    """Refuse a change to an endorser's (or an endorsing issuer's) record that an endorsement it has already signed
    would no longer match, on the field that breaks it (see the module's documentation)."""
    registry = pr.registry
    if registry is None:
        return
    added = {c.path for c in pr.changes if c.status is not ChangeStatus.MODIFIED}
    refused: set[str] = set()  # the records whose name is refused here: said once
    for change in pr.changed(PathKind.ISSUER, PathKind.ENDORSER, statuses=[ChangeStatus.MODIFIED]):
        owner = change.role.issuer
        if owner is None or not registry.is_endorser(owner):
            continue  # its file does not load: its own problems say why
        broken: list[str] = []
        for found in iter_endorsements(pr.root, owner):
            rel = layout.relpath(pr.root, found.path)
            issuer = found.document.get("issuer")
            name = issuer.get("name") if isinstance(issuer, dict) else None
            if rel not in added and endorser_record_problem(registry, owner, name) is not None:
                broken.append(rel)
        if not broken:
            continue
        count = len(broken)
        examples = ", ".join(broken[:3]) + (f" and {count - 3} more" if count > 3 else "")
        message = (
            f"this change would invalidate {count} endorsement{'s' if count != 1 else ''} {owner} has signed "
            f"({examples}): each carries the name {owner} signed it with, which must be the registry's record of "
            f"{owner}, so that name does not change while {owner} has endorsements"
        )
        _refuse_on(pr, change.path, "name", message, problems)
        refused.add(change.path)
    _endorsed_credentials(pr, added, refused, problems)


def _refuse_on(pr: PullRequest, path: str, field: str, message: str, problems: ProblemList) -> None:
    doc = pr.head_yaml(path)
    if doc is not None and isinstance(doc.data, dict) and field in doc.data:
        problems.append(doc.problem([field], message, code=RECORDS_CODE))
    else:
        problems.add(path, message, field=field, code=RECORDS_CODE)


def _endorsed_credentials(pr: PullRequest, added: set[str], refused: set[str], problems: ProblemList) -> None:
    """Refuse a change of what an endorsement covers (:data:`~generator.endorsements.COVERED_FIELDS`) in a
    credential definition another body's endorsement in force covers, and of the name of an issuer whose credential
    or profile such an endorsement covers. The endorsement names the credential by its page only (the issuer by its
    DID), and was signed of what it stood for then: rewritten by its issuer, whose file it is (its name alone was
    held, and a new ``version`` changed nothing), its page read "Confirmed: signed by the body" of a credential the
    body never saw; renamed, the issuer's name was shown with every endorsement of it ("Recognises: Data Analysis
    (its name)", "Of the issuer, its name"). It may change in a change that revokes every such endorsement, or in
    which each body that holds one signs a new one of it (both the body's act, under its maintainers' approval);
    once an endorsement has expired or been revoked it covers nothing the page shows. Awards hold an awarded
    definition and its issuer to what they carry (:mod:`generator.governance.awarded`); this holds an endorsed one,
    awarded or not. Every endorsement is read once, however many records change."""
    registry = pr.registry
    assert registry is not None
    # Each record the change alters as an endorsement shows it: (file, field refused, what the message says of it,
    # the subjects whose endorsements hold it: exact ids, and prefixes of ids).
    held: list[tuple[str, str, str, set[str], tuple[str, ...]]] = []
    for change in pr.changed(PathKind.CREDENTIAL, statuses=[ChangeStatus.MODIFIED]):
        issuer, slug = change.role.issuer, change.role.name
        head = pr.head_yaml(change.path)
        if issuer is None or slug is None or head is None or not isinstance(head.data, dict):
            continue  # its file does not load: its own problems say why
        changed = covered_changes(pr.base_yaml(change.path), head.data)
        if changed:
            what = (
                f"endorsed it ({{file}}) as it stood, and this changes its {', '.join(changed)}: what an endorsement "
                "in force covers does not change, whatever the version (the body revokes its endorsement, or signs "
                "a new one of the new definition, in this change; or add a new definition, which the body endorses "
                "anew, and retire this one: its `status` and `superseded_by` are yours to change)"
            )
            held.append((change.path, changed[0], what, {registry.credential_url(issuer, slug)}, ()))
    for change in pr.changed(PathKind.ISSUER, statuses=[ChangeStatus.MODIFIED]):
        issuer = change.role.issuer
        head = pr.head_yaml(change.path)
        if issuer not in registry.issuers or change.path in refused or head is None or not isinstance(head.data, dict):
            continue  # its file does not load (its own problems say why), or its name is refused already
        if pr.base_yaml(change.path).get("name") == head.data.get("name"):
            continue
        what = (
            f"endorsed {issuer} or a credential of it ({{file}}), and this changes its name, which is shown with "
            "each: an issuer endorsed keeps its name while an endorsement of it or of its credentials is in force "
            "(the body revokes its endorsement, or signs it again, in this change)"
        )
        # Every page of the issuer's, whether or not its definition loads here.
        pages = (registry.url(f"credentials/{issuer}/"),)
        held.append((change.path, "name", what, {registry.issuer_did(issuer)}, pages))
    if not held:
        return
    of: dict[str, list[FoundEndorsement]] = {}
    for found in iter_endorsements(pr.root):
        subject = found.document.get("credentialSubject")
        subject_id = subject.get("id") if isinstance(subject, dict) else None
        if isinstance(subject_id, str):
            of.setdefault(subject_id, []).append(found)
    verdicts: dict[Path, VerificationResult] = {}  # each endorsement verified once
    for path, field, what, exact, prefixes in held:
        subjects = sorted(exact | ({s for s in of if s.startswith(prefixes)} if prefixes else set()))
        covering = [f for s in subjects for f in of.get(s, [])]
        by = _standing(pr, covering, added, verdicts)
        if by:
            bodies = ", ".join(owner for owner, _ in by)
            message = f"{bodies} {'has' if len(by) == 1 else 'have'} {what.format(file=by[0][1])}"
            _refuse_on(pr, path, field, message, problems)


def _standing(
    pr: PullRequest, endorsements: list[FoundEndorsement], added: set[str], verdicts: dict[Path, VerificationResult]
) -> list[tuple[str, str]]:
    """(body, one file) of each body with a statement in force among ``endorsements`` that the change does not
    sign again (an added endorsement of the same subject stating the same, verified)."""
    assert pr.registry is not None
    held: dict[tuple[str, ...], str] = {}  # each statement in force that covers it → one file of it
    anew: set[tuple[str, ...]] = set()  # the statements its bodies sign again in this change
    for found in endorsements:
        rel = layout.relpath(pr.root, found.path)
        result = verdicts.get(found.path)
        if result is None:
            result = verdicts[found.path] = verify_endorsement(found.document, pr.registry, now=pr.now)
        said = _statement(found)
        if rel in added:
            if result and result.facts.get("endorser") == found.owner:
                anew.add(said)
        elif endorsement_verdict(result)[0] not in ("revoked", "expired"):
            held.setdefault(said, rel)
    standing = {said[0]: rel for said, rel in sorted(held.items(), reverse=True) if said not in anew}
    return sorted(standing.items())


def _statement(found: FoundEndorsement) -> tuple[str, ...]:
    """What an endorsement states: its body, subject, kind, comment, scope and end. A body signs a changed
    credential anew only by stating the same again: a new "endorses" beside its standing "accredits", or one with a
    narrower scope or an earlier end, left the old, stronger statement in force over content it never saw."""
    subject = found.document.get("credentialSubject")
    subject = subject if isinstance(subject, dict) else {}
    said = (
        subject.get("id"),
        subject.get("endorsementKind"),
        subject.get("endorsementComment"),
        subject.get("endorsementScope"),
    )
    return (found.owner, *(str(v) for v in said), str(found.document.get("validUntil")))
