"""Endorsements: signed recognition of a credential definition or an issuer by the body that gives it.

One module builds, signs, finds, verifies and revokes ``EndorsementCredential`` files (the profile is
:class:`generator.models.endorsement.Endorsement`). The same rules serve ``credreg endorse``, ``credreg
verify``, ``credreg revoke``, the full check and the build:

* the endorser is a registered endorser (``registry/endorsers/<id>/``) or a registered issuer;
* both proofs are by one registered key of *that* endorser, valid when the proofs were made;
* the subject is a credential of this registry (its Achievement id, the credential page URL) or an issuer
  (its Profile id, the issuer's DID);
* it is registered here: its file is in its endorser's folder (a reviewed change added it, the pull-request
  check holding it to a key in force then), as an award must be. One that is not, or that names its endorser
  otherwise than the registry does, or is of something this registry does not hold or of its endorser's own, is
  no endorsement of this registry: its dates and status are not read (it never reads as expired or revoked);
* it is in force (``validFrom`` ≤ now ≤ ``validUntil``) and not revoked in the endorser's status list.

Files live with their endorser: ``registry/endorsers/<id>/endorsements/<hash>.json`` (status lists in
``registry/endorsers/<id>/status/``), or ``registry/issuers/<id>/endorsements/<hash>.json`` when an issuer
endorses (its status lists are shared with its awards, and allocation sees both).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args

from pydantic import ValidationError

from generator import layout
from generator._internal.files import write_bytes_atomic
from generator._internal.source import Document, SourceError, read_json_file
from generator._internal.text import mark_tower_problem, unseen_problem
from generator._internal.times import parse_time, validity_window_problem
from generator.awarding.keys import SigningKey
from generator.awarding.lock import owner_lock
from generator.awarding.record import SignedEntry, file_entry, record_signed
from generator.awarding.signing import sign_document
from generator.awarding.status import list_bytes, read_signed_list, refuse_lost_lists, take_set_bits, write_signed_files
from generator.awards import award_hash, award_hash_or_none, render_award
from generator.crypto.dataintegrity import proofs_of, verify_proof
from generator.errors import ProblemList, UsageError
from generator.models._base import no_refused_reference
from generator.models.award import error_text
from generator.models.endorsement import ENDORSEMENT_CONTEXT, Endorsement, EndorsementKind, EndorsementSubject
from generator.openbadges import timestamp
from generator.registry import KeyRecord, Registry
from generator.statuslist import (
    MIN_BITS,
    new_bitstring,
    parse_index,
    parse_list_number,
    set_bit,
    status_list_credential,
)
from generator.verify.keys import method_id, named_key, window_problem
from generator.verify.policies import revoked_reason
from generator.verify.results import BY_ENDORSER, ENDORSEMENT, NOT_OURS, Check, CheckStatus, VerificationResult
from generator.verify.status import (
    EndorserKeys,
    ListProblem,
    ListReading,
    logged_lines,
    owner_problem,
    read_list_file,
    readable_list,
    signature_problem,
    status_outcome,
    vouching_line,
)

if TYPE_CHECKING:
    from generator.awarding.revoke import Revocation

__all__ = [
    "COVERED_FIELDS",
    "ENDORSEMENT_TYPES",
    "EndorsementRevocation",
    "FoundEndorsement",
    "comment_reference_problem",
    "covered_changes",
    "endorse",
    "endorsement_list_bits",
    "endorsement_list_read",
    "endorsement_list_url",
    "endorsement_slots",
    "endorsement_status_problem",
    "endorsement_verdict",
    "endorser_key",
    "find_endorsement",
    "is_endorsement",
    "is_registered_file",
    "iter_endorsements",
    "profile_problem",
    "revoke_endorsement",
    "slot_taken_message",
    "status_list_missing",
    "unsigned_endorsement",
    "verify_endorsement",
]

ENDORSEMENT_TYPES = ("VerifiableCredential", "EndorsementCredential")
MAX_ENDORSEMENT_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class FoundEndorsement:
    owner: str
    """The endorser (or issuer) whose folder holds the file."""

    path: Path
    hash: str
    document: dict[str, Any]
    source: Document | None = None
    """The parsed file, to name the line of a problem (``None``: not read from a file)."""


@dataclass(frozen=True, slots=True)
class EndorsementRevocation:
    """What :func:`revoke_endorsement` did."""

    status_list: Path
    """The list whose bit it set and re-signed."""
    logged: Revocation | None = None
    """An issuer's endorsement: its signed line in the issuer's log, appended now or (``completed``) already
    there from a run interrupted before it set the bit; ``None`` for an endorser's, which keeps no log."""


#: What an endorsement of a credential covers: the fields of its definition that say what a holder has shown and
#: what the credential is (its name and texts, their translations, how it is assessed, the skills, level, workload,
#: delivery and languages, the occupations it prepares for, what it requires or stacks, how long it stays valid). A
#: body signs the definition as it stood then; a change of any of these is another credential than the one it saw,
#: whatever ``version`` it is given (:mod:`generator.governance.endorsements` refuses it while an endorsement in force
#: covers it). Not covered: what the issuer may change without changing what is certified (``cost``, ``tags``,
#: ``industries``, ``image``, the lifecycle: ``status``, ``superseded_by``, ``version``, ``updated``), its
#: ``quality_assurance`` claims (each weighed against the endorsements by :mod:`generator.recognition`), and
#: ``created`` (never changes).
COVERED_FIELDS = (
    "name",
    "summary",
    "description",
    "achievement_type",
    "criteria",
    "skills",
    "level",
    "effort",
    "delivery",
    "languages",
    "occupations",
    "prerequisites",
    "stacking",
    "supersedes",
    "validity",
    "translations",
)


def covered_changes(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """The :data:`COVERED_FIELDS` in which two versions of a credential definition (its YAML mappings) differ, as
    the registry reads them (an omitted field is its default: ``occupations: []`` written out is no change). A
    version the model refuses as a whole (a base written before the model was tightened) is read field by field,
    each in the other version's place: compared as written, every nested field given a default read as changed,
    and the refusal named the first of them rather than what the change did."""
    old, new = _read_covered(before, after), _read_covered(after, before)
    return [f for f in COVERED_FIELDS if old.get(f) != new.get(f)]


def _read_covered(data: dict[str, Any], other: dict[str, Any]) -> dict[str, Any]:
    from generator.models.credential import CredentialDefinition

    def dump(mapping: dict[str, Any], fields: set[str]) -> dict[str, Any] | None:
        try:
            return CredentialDefinition.model_validate(mapping).model_dump(mode="json", include=fields)
        except ValidationError:
            return None

    whole = dump(data, set(COVERED_FIELDS))
    if whole is not None:
        return whole
    read: dict[str, Any] = {}
    for f in COVERED_FIELDS:  # each field in the other version: as the model reads it, else as written
        placed = {k: v for k, v in other.items() if k != f} | ({f: data[f]} if f in data else {})
        field = dump(placed, {f})
        read[f] = field[f] if field is not None else data.get(f)
    return read


def is_endorsement(document: Any) -> bool:
    """Whether a credential claims to be an endorsement (and so is verified by :func:`verify_endorsement`)."""
    types = document.get("type") if isinstance(document, dict) else None
    return isinstance(types, list) and "EndorsementCredential" in types


# ---------------------------------------------------------------------------------------------- status lists


def endorsement_list_url(registry: Registry, endorser: str, number: int) -> str:
    """An endorser's status list URL; an issuer's endorsements share its award lists."""
    if endorser in registry.issuers:
        return registry.status_list_url(endorser, number)
    return registry.url(f"endorsers/{endorser}/status/{number}.json")


def _list_path(registry: Registry, url: str) -> tuple[str, int, Path] | None:
    """(owner, number, file) of a status list URL of this registry's issuers or endorsers, else ``None``."""
    for folder, owners in (("issuers", registry.issuers), ("endorsers", registry.endorsers)):
        prefix = registry.url(f"{folder}/")
        if not url.startswith(prefix) or not url.endswith(".json"):
            continue
        owner, slash, rest = url[len(prefix) : -len(".json")].partition("/status/")
        number = parse_list_number(rest) if slash else None
        if owner in owners and number is not None:
            return owner, number, registry.root / "registry" / folder / owner / "status" / f"{number}.json"
    return None


def status_list_missing(registry: Registry, document: dict[str, Any]) -> bool:
    """Whether the endorsement's status entry names a list of this registry's whose file is not there."""
    entry = document.get("credentialStatus")
    located = _list_path(registry, str(entry.get("statusListCredential", ""))) if isinstance(entry, dict) else None
    return located is not None and not located[2].is_file()


def _signed_list(
    registry: Registry, endorser: str, number: int, bits: bytearray, key: SigningKey, now: dt.datetime
) -> dict[str, Any]:
    did = registry.endorser_did(endorser)
    unsigned = status_list_credential(
        list_url=endorsement_list_url(registry, endorser, number), issuer_did=did, bitstring=bits, valid_from=now
    )
    return sign_document(unsigned, key, method_id(did, key.key_id), now)


def endorsement_slots(
    registry: Registry, owner: str, found: Iterable[FoundEndorsement] | None = None
) -> Iterator[tuple[FoundEndorsement, int, int]]:
    """(endorsement, list number, index) of each of ``owner``'s endorsement files (or of ``found``) whose status
    entry names a slot of ``owner``'s own lists. An issuer's lists are shared with its awards: these slots are
    taken for them too (:class:`~generator.awarding.status.StatusAllocator`, the full check's
    :class:`~generator.verify.registry_check.AwardIndex`, the pull-request check's
    :func:`~generator.governance.existing.existing_status_slots`)."""
    for item in iter_endorsements(registry.root, owner) if found is None else found:
        entry = item.document.get("credentialStatus")
        if not isinstance(entry, dict):
            continue
        located = _list_path(registry, str(entry.get("statusListCredential", "")))
        index = parse_index(entry.get("statusListIndex"))
        if located is not None and located[0] == owner and index is not None:
            yield item, located[1], index


def slot_taken_message(number: int, index: int, holder: str) -> str:
    """Why an endorsement may not take a slot its owner's award or other endorsement (at ``holder``) holds: the
    full check's and the pull-request check's words."""
    return (
        f"status list {number} index {index} is already used by {holder}: revoking either would revoke both "
        "(sign the endorsement again with `credreg endorse`, which draws a free slot)"
    )


def _used_indexes(registry: Registry, endorser: str) -> dict[int, set[int]]:
    """The endorser's taken slots; an issuer's awards' and endorsements' (one allocator for both)."""
    if endorser in registry.issuers:
        from generator.awarding.status import StatusAllocator  # here: it reads endorsements through this module

        return StatusAllocator.scan(registry, endorser).used
    used: dict[int, set[int]] = {}
    for _, number, index in endorsement_slots(registry, endorser):
        used.setdefault(number, set()).add(index)
    take_set_bits(registry, endorser, used)
    return used


def _allocate(used: dict[int, set[int]]) -> tuple[int, int]:
    import secrets

    number = max(used, default=1)
    taken = used.setdefault(number, set())
    if len(taken) >= MIN_BITS // 2:
        number += 1
        taken = used.setdefault(number, set())
    while True:
        index = secrets.randbelow(MIN_BITS)
        if index not in taken:
            taken.add(index)
            return number, index


# ---------------------------------------------------------------------------------------------- files


def iter_endorsements(
    root: Path, owner: str | None = None, *, problems: ProblemList | None = None
) -> Iterator[FoundEndorsement]:
    """Every endorsement file (of one owner, or all), parsed as JSON. A file that is not a JSON object is left
    out, and reported in ``problems`` when given (the check gives them)."""
    folders: list[tuple[str, Path]] = []
    for base in (root / layout.ISSUERS_DIR, root / layout.ENDORSERS_DIR):
        if not base.is_dir():
            continue
        for entry in sorted(base.iterdir()):
            if (owner is None or entry.name == owner) and (entry / "endorsements").is_dir():
                folders.append((entry.name, entry / "endorsements"))
    for name, folder in folders:
        for path in sorted(folder.glob("*.json")):
            if path.is_symlink():
                continue
            rel = layout.relpath(root, path)
            try:
                source = read_json_file(path, rel, max_bytes=MAX_ENDORSEMENT_BYTES, what="the endorsement")
            except SourceError as exc:
                if problems is not None:
                    problems.extend(exc.problems)
                continue
            doc = source.data
            if isinstance(doc, dict):
                yield FoundEndorsement(name, path, path.stem, doc, source)
            elif problems is not None:
                problems.add(rel, "an endorsement is a JSON object", line=1, col=1, code="endorsement.form")


def find_endorsement(root: Path, digest: str, owner: str | None = None) -> FoundEndorsement | None:
    """The endorsement whose hash is ``digest``: a file named by it whose document hashes to it and is an
    endorsement, in ``owner``'s folder first (when given), then in any. A file's name is anyone's to choose: one
    named by an award's hash, holding another document, would otherwise be revoked (its slot's bit set and signed)
    by `credreg revoke` of that award. Its content is anyone's to copy: an award, or ``owner``'s endorsement,
    copied into another owner's endorsements had `credreg revoke HASH` take that copy for it and refuse the key
    as another owner's, an owner kept from revoking its own."""
    digest = digest.lower()

    def found(within: str | None) -> FoundEndorsement | None:
        return next(
            (
                f
                for f in iter_endorsements(root, within)
                if f.hash == digest and is_endorsement(f.document) and award_hash_or_none(f.document) == digest
            ),
            None,
        )

    return (found(owner) if owner is not None else None) or found(None)


# ---------------------------------------------------------------------------------------------- signing


def subject_of(registry: Registry, target: str) -> tuple[str, str, str]:
    """(subject id, its name, owning issuer) for ``ISSUER/CREDENTIAL`` (an Achievement) or ``ISSUER`` (a Profile)."""
    issuer_id, slash, slug = target.partition("/")
    record = registry.issuers.get(issuer_id)
    if record is None:
        raise UsageError(
            f"unknown issuer {issuer_id!r}", [f"registered issuers: {', '.join(sorted(registry.issuers))}"]
        )
    if not slash:
        return registry.issuer_did(issuer_id), record.issuer.name, issuer_id
    credential = record.credentials.get(slug)
    if credential is None:
        raise UsageError(f"issuer {issuer_id!r} defines no credential {slug!r}")
    return registry.credential_url(issuer_id, slug), credential.model.name, issuer_id


def endorser_profile(registry: Registry, endorser: str) -> dict[str, Any]:
    """The endorser as an OB 3.0 ``Profile``."""
    if endorser in registry.endorsers:
        model = registry.endorsers[endorser].endorser
        return {
            "id": registry.endorser_did(endorser),
            "type": ["Profile"],
            "name": model.name,
            "url": model.url,
            "email": model.email,
        }
    from generator.openbadges import issuer_profile

    return issuer_profile(registry, registry.issuers[endorser].issuer)


def unsigned_endorsement(
    registry: Registry,
    endorser: str,
    target: str,
    *,
    kind: EndorsementKind,
    comment: str,
    scope: str | None,
    valid_from: dt.datetime,
    valid_until: dt.datetime | None,
    status_list: int,
    status_index: int,
    endorsement_id: str | None = None,
) -> dict[str, Any]:
    subject_id, subject_name, _ = subject_of(registry, target)
    status_url = endorsement_list_url(registry, endorser, status_list)
    subject: dict[str, Any] = {
        "id": subject_id,
        "type": ["EndorsementSubject"],
        "endorsementComment": comment.strip(),
        "endorsementKind": kind.value,
    }
    if scope:
        subject["endorsementScope"] = scope.strip()
    doc: dict[str, Any] = {
        "@context": list(ENDORSEMENT_CONTEXT),
        "id": endorsement_id or f"urn:uuid:{uuid.uuid4()}",
        "type": list(ENDORSEMENT_TYPES),
        "name": f"{registry.endorser_name(endorser)} {kind.value.replace('-', ' ')}: {subject_name}",
        "issuer": endorser_profile(registry, endorser),
        "validFrom": timestamp(valid_from),
    }
    if valid_until is not None:
        doc["validUntil"] = timestamp(valid_until)
    doc["credentialSubject"] = subject
    doc["credentialStatus"] = {
        "id": f"{status_url}#{status_index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(status_index),
        "statusListCredential": status_url,
    }
    return doc


def signing_problems(registry: Registry, endorser: str, key: SigningKey, when: dt.datetime) -> list[str]:
    """Why ``key`` may not sign for ``endorser`` at ``when`` (empty when it may)."""
    if key.issuer != endorser:
        return [f"the key belongs to {key.issuer!r}, not to the endorser {endorser!r}"]
    if (elsewhere := key.identity_problem(registry.endorser_did(endorser), registry.site_url)) is not None:
        return [elsewhere]
    record = registry.endorser_keys(endorser).get(key.key_id)
    if record is None:
        return [f"key {key.key_id!r} is not registered: keys/{endorser}/{key.key_id}.json is missing"]
    if record.model.publicKeyMultibase != key.public_multibase:
        return [f"the private key does not match the registered public key keys/{endorser}/{key.key_id}.json"]
    problem = window_problem(record.model, when)
    return [problem] if problem else []


def endorse(
    registry: Registry,
    target: str,
    endorser: str,
    key: SigningKey,
    *,
    kind: EndorsementKind,
    comment: str,
    scope: str | None = None,
    valid_from: dt.datetime | None = None,
    valid_until: dt.datetime | None = None,
    now: dt.datetime | None = None,
    record: Path | None = None,
) -> FoundEndorsement:
    """Sign an endorsement of ``target`` (``issuer/slug`` or ``issuer``) by ``endorser`` and write it (and, with
    ``record``, a line for it there first: :mod:`generator.awarding.record`)."""
    if not registry.is_endorser(endorser):
        known = sorted([*registry.endorsers, *registry.issuers])
        raise UsageError(f"unknown endorser {endorser!r}", [f"registered endorsers and issuers: {', '.join(known)}"])
    _, _, owner = subject_of(registry, target)
    if owner == endorser:
        raise UsageError(f"{endorser!r} cannot endorse its own credentials or itself: recognition comes from others")
    if not comment.strip():
        raise UsageError("--comment must say what the endorsement means")
    if scope is not None and not scope.strip():
        raise UsageError("--scope must not be blank (leave it out to endorse the whole credential)")
    for option, field, given in (("--comment", "endorsementComment", comment), ("--scope", "endorsementScope", scope)):
        # The profile's limits, on the text as it is signed (stripped): refused here, not by the check.
        limit = _max_length(field)
        if given is not None and limit is not None and len(given.strip()) > limit:
            raise UsageError(f"{option} is limited to {limit} characters (this one has {len(given.strip())})")
    for option, text in (("--comment", comment), ("--scope", scope or "")):
        # Signed and published as given: refused here, not by the check after it is signed.
        if (bad := unseen_problem(text)) is not None:
            raise UsageError(f"{option} {bad}; write it as plain text")
        if (bad := mark_tower_problem(text)) is not None:
            raise UsageError(f"{option}: {bad}")
    if (bad := comment_reference_problem(comment.strip())) is not None:
        raise UsageError(f"--comment: {bad}", ["nothing was signed"])
    issued = valid_from or now or dt.datetime.now(dt.UTC)
    # The profile's rule, on the times as written (to the second), before anything is signed.
    window = validity_window_problem(timestamp(issued), timestamp(valid_until)) if valid_until is not None else None
    if window is not None:
        raise UsageError(f"--valid-until: {window}")
    refusals = signing_problems(registry, endorser, key, issued)
    if refusals:
        raise UsageError(f"cannot sign with this key: {refusals[0]}", refusals[1:])
    # The slot is drawn from those taken when the endorser's folder is locked, and held until the file is in place
    # (an issuer's awards share its lists: one lock for both, generator.awarding.lock).
    with owner_lock(registry.root, endorser):
        used = _used_indexes(registry, endorser)
        refuse_lost_lists(registry, endorser, used)
        number, index = _allocate(used)
        unsigned = unsigned_endorsement(
            registry,
            endorser,
            target,
            kind=kind,
            comment=comment,
            scope=scope,
            valid_from=issued,
            valid_until=valid_until,
            status_list=number,
            status_index=index,
        )
        signed = sign_document(unsigned, key, method_id(registry.endorser_did(endorser), key.key_id), issued)
        Endorsement.model_validate(signed)  # what we write fits the profile the check enforces
        digest = award_hash(signed)
        located = _list_path(registry, endorsement_list_url(registry, endorser, number))
        assert located is not None
        new_list = None
        if not located[2].exists():
            new_list = list_bytes(_signed_list(registry, endorser, number, new_bitstring(), key, issued))
        path = layout.endorsements_dir(registry.root, endorser) / f"{digest}.json"
        if record is not None:  # before the registry's files (generator.awarding.record)
            at = now or dt.datetime.now(dt.UTC)
            entries = [SignedEntry(digest, "endorsement", layout.relpath(registry.root, path))]
            if new_list is not None:
                entries.append(file_entry("status-list", registry.root, located[2], new_list))
            record_signed(record, entries, at)
        lists = [(located[2], new_list)] if new_list is not None else []
        write_signed_files(registry.root, lists, [(path, render_award(signed))])
    return FoundEndorsement(endorser, path, digest, signed)


def revoke_endorsement(
    registry: Registry,
    digest: str,
    key: SigningKey,
    now: dt.datetime | None = None,
    *,
    reason: str | None = None,
    record: Path | None = None,
) -> EndorsementRevocation:
    """Set the endorsement's bit in its endorser's status list and re-sign the list with ``key``.

    An endorser keeps no revocation log (its signed list, as the base commit has it, is the record). An issuer's
    endorsement sits in the issuer's award lists, whose every bit a signed line of ``revocations.jsonl``
    explains: it is revoked as an award is (:func:`generator.awarding.revoke.revoke_logged`), the line naming the
    endorsement's hash and giving ``reason`` (published)."""
    found = find_endorsement(registry.root, digest, key.issuer)
    if found is None:
        raise UsageError(f"no endorsement with hash {digest} is in this registry")
    now = now or dt.datetime.now(dt.UTC)
    refusals = signing_problems(registry, found.owner, key, now)
    if refusals:
        raise UsageError(f"cannot revoke with this key: {refusals[0]}", refusals[1:])
    if found.owner in registry.issuers:
        from generator.awarding.revoke import revoke_logged  # here: it imports the award issuing code

        if reason is None:
            raise UsageError("--reason must say why the endorsement is revoked (an issuer's revocations are published)")
        done = revoke_logged(
            registry, found.owner, digest, found.document, reason, key, now=now, what="endorsement", record=record
        )
        return EndorsementRevocation(done.status_list, done)
    entry = found.document.get("credentialStatus")
    located = _list_path(registry, str(entry.get("statusListCredential", ""))) if isinstance(entry, dict) else None
    index = parse_index(entry.get("statusListIndex")) if isinstance(entry, dict) else None
    if located is None or index is None or located[0] != found.owner:
        raise UsageError("the endorsement has no status entry in its endorser's lists")
    path = located[2]
    from generator.awarding.revoke import revocable  # here: it imports the award issuing code

    with owner_lock(registry.root, found.owner):  # another run's bit is never lost (revoke.py)
        revocable(registry, found.owner, digest, found.document, (located[1], index), "endorsement")
        bits = read_signed_list(registry, found.owner, located[1], path)
        set_bit(bits, index)
        data = list_bytes(_signed_list(registry, found.owner, located[1], bits, key, now))
        if record is not None:  # before the registry's file (generator.awarding.record)
            record_signed(record, [file_entry("status-list", registry.root, path, data)], now)
        write_bytes_atomic(path, data)
    return EndorsementRevocation(path)


# ---------------------------------------------------------------------------------------------- verifying


def _max_length(field: str) -> int | None:
    """The ``max_length`` the endorsement profile gives an ``EndorsementSubject`` field."""
    info = EndorsementSubject.model_fields[field]
    # On the field (a required one), or on its text type (an optional one, ``_Scope | None``).
    metadata = [*info.metadata, *(m for arg in get_args(info.annotation) for m in getattr(arg, "__metadata__", ()))]
    return next((m.max_length for m in metadata if getattr(m, "max_length", None) is not None), None)


def endorser_key(registry: Registry, method: str) -> KeyRecord | None:
    """The registered key a verification method names, of an endorser or an endorsing issuer (``None``: none)."""
    did = method.partition("#")[0]
    endorser = registry.endorser_for_did(did)
    return named_key(registry.endorser_keys(endorser), did, method) if endorser is not None else None


def _list_problem(
    registry: Registry, url: str, endorser: str, now: dt.datetime | None = None
) -> tuple[bytes | None, str]:
    """The verified bitstring of ``endorser``'s status list at ``url``, in force at ``now`` (default: the clock),
    or ``None`` and why not (:func:`_list_reading`)."""
    return _list_reading(registry, url, endorser).at(now)


def _list_reading(registry: Registry, url: str, endorser: str) -> ListReading:
    """``endorser``'s status list at ``url``, read by the rule every reader of a list applies (status.py
    :func:`owner_problem`, :func:`signature_problem`: a key of the endorser, in force when it signed, so a list
    signed after its key was retired or revoked takes no revocation back; :func:`readable_list`: well-formed, and
    in force at the time it is read at)."""
    located = _list_path(registry, url)
    if located is None:
        return ListReading(None, f"status list {url} is not one of this registry's lists (credreg never fetches)")
    path = located[2]
    rel = layout.relpath(registry.root, path)
    if not path.is_file():  # as an award's list is said to be (status.py), and the page says it (listBits)
        return ListReading(None, f"status list {rel} is missing")
    try:
        doc = read_list_file(path, rel).data
    except SourceError as exc:
        return ListReading(None, f"status list {rel} is unreadable: {exc.problems[0].message}")
    did = registry.endorser_did(endorser)
    problem = owner_problem(doc, url, did, whose="this endorser") or signature_problem(
        doc, did, EndorserKeys(registry, endorser)
    )
    if problem:
        return ListReading(None, problem)
    return readable_list(doc)


def _file_reading(registry: Registry, endorser: str, path: Path) -> ListReading:
    number = parse_list_number(path.stem)
    if number is None:
        return ListReading(None, "a status list is named <number>.json")
    return _list_reading(registry, endorsement_list_url(registry, endorser, number), endorser)


def endorsement_list_bits(
    registry: Registry, endorser: str, path: Path, now: dt.datetime | None = None
) -> tuple[bytes | None, str]:
    """The verified bitstring of an endorser's status list file, or ``None`` and why it is not a list signed by
    that endorser, in force at ``now``."""
    read = endorsement_list_read(registry, endorser, path, now)
    return (None, read.message) if isinstance(read, ListProblem) else (read, "")


def endorsement_list_read(
    registry: Registry, endorser: str, path: Path, now: dt.datetime | None = None
) -> bytes | ListProblem:
    """:func:`endorsement_list_bits`, with the field of the list the why is about (a check's location)."""
    return _file_reading(registry, endorser, path).read(now)


def endorsement_status_problem(registry: Registry, endorser: str, path: Path) -> ListProblem | None:
    """Why an endorser's status list file is not a list signed by that endorser, in force now, and the field of the
    list that says so (``None`` when it is)."""
    read = endorsement_list_read(registry, endorser, path)
    return read if isinstance(read, ListProblem) else None


def _public(record: KeyRecord) -> bytes:
    from generator.crypto.multibase import decode_ed25519_public

    return decode_ed25519_public(record.model.publicKeyMultibase)


@dataclass(frozen=True, slots=True)
class _ProfileProblem:
    reason: str
    """The first error, in the words of the page's ``profileProblem``."""

    loc: list[str | int]
    """Where it is in the file: keys and indexes."""


def _profile(document: Any) -> Endorsement | _ProfileProblem:
    try:
        return Endorsement.model_validate(document)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        text = first["input"]
        # A pattern's own words would quote the whole UNSEEN class: say which character (as the page does).
        unseen = unseen_problem(text) if first["type"] == "string_pattern_mismatch" and isinstance(text, str) else None
        return _ProfileProblem(error_text(first, unseen), [p for p in first["loc"] if isinstance(p, (str, int))])


def comment_reference_problem(comment: str) -> str | None:
    """Why the registry does not publish ``comment`` as an endorsement's ``endorsementComment`` (``None``: it does):
    a character reference or percent-encoded run in it decodes to an invisible or control character, or a letter
    carries a tower of combining marks once a Markdown reader decodes its references and drops its markup: the rule
    of the registry's Markdown fields (:func:`~generator.models._base.no_refused_reference`). Open Badges 3.0 types
    the comment as Markdown, so a wallet renders it so, as it does an award's description.

    Not in the profile (``credreg verify``, and the page's ``profileProblem`` that copies it): both show the comment
    as text, never decoded (the page writes it into a ``<bdi>`` as text), and the page checks only endorsements the
    registry published, which the check held to this rule; so the browser needs no Markdown parser and no HTML
    entity table to hold it. ``credreg endorse`` refuses such a comment before signing, the check (full and pull
    request: :func:`generator.recognition.endorsement_file_problems`) a file that carries one."""
    try:
        no_refused_reference(comment)
    except ValueError as exc:
        return str(exc)
    return None


def profile_problem(document: Any) -> str | None:
    """Why ``document`` does not fit the endorsement profile (its first error), as :func:`verify_endorsement`
    reports it and the page's ``profileProblem`` copies it (``None``: it fits)."""
    found = _profile(document)
    return found.reason if isinstance(found, _ProfileProblem) else None


def verify_endorsement(document: Any, registry: Registry, *, now: dt.datetime | None = None) -> VerificationResult:
    """Every check of an endorsement: form, signature by a registered key of its endorser, subject, registered
    here, validity, status. Truthy only when all pass."""
    now = now or dt.datetime.now(dt.UTC)
    checks: list[Check] = []
    facts: dict[str, Any] = {"type": "EndorsementCredential"}

    def add(check_id: str, label: str, problem: str | None, *, unknown: bool = False) -> None:
        if problem is None:
            checks.append(Check(check_id, label, CheckStatus.PASSED, "ok"))
        else:
            status = CheckStatus.NOT_CHECKED if unknown else CheckStatus.FAILED
            checks.append(Check(check_id, label, status, problem))

    model = _profile(document)
    if isinstance(model, _ProfileProblem):
        add("structure", "Registry endorsement profile", model.reason)
        facts["structure_field"] = model.loc  # where the check locates it in the file
        return VerificationResult(tuple(checks), None, facts, ENDORSEMENT)
    add("structure", "Registry endorsement profile", None)
    digest = award_hash(document)
    issuer_did = model.issuer.id
    endorser = registry.endorser_for_did(issuer_did)
    facts.update(
        endorser=endorser,
        endorser_name=model.issuer.name,
        subject=model.credentialSubject.id,
        kind=model.credentialSubject.endorsementKind.value,
        valid_from=model.validFrom,
        valid_until=model.validUntil,
    )
    if endorser is None:
        add("issuer", "Registered endorser", f"{issuer_did} is not a registered endorser or issuer")
        return VerificationResult(tuple(checks), digest, facts, ENDORSEMENT)
    add("issuer", "Registered endorser", None)
    # Who signed it is the body whose key did, by the name the registry has for it: the name it signed is its own
    # word, which the next check holds to that record (a revoked or expired one, whose verdict comes before that
    # check, said "signed by" whichever body it named).
    facts["endorser_name"] = registry.endorser_name(endorser)
    record_problem = endorser_record_problem(registry, endorser, model.issuer.name)
    if record_problem is not None:
        add("endorser-record", "Endorser as registered", record_problem)
    keys = registry.endorser_keys(endorser)
    proof_problem: str | None = None
    # The eddsa-jcs-2022 proof first: it is the one the site's pages check again, so both name the same failure.
    for proof in sorted(proofs_of(document), key=lambda p: p.get("cryptosuite") != "eddsa-jcs-2022"):
        record = named_key(keys, issuer_did, str(proof.get("verificationMethod", "")))
        if record is None:
            proof_problem = f"{proof.get('verificationMethod')} is not a registered key of {endorser}"
            break
        created = parse_time(proof.get("created"))
        window = window_problem(record.model, created) if created else "the proof has no valid created time"
        if window:
            proof_problem = window
            break
        result = verify_proof(document, proof, _public(record))
        if not result:
            proof_problem = f"{proof.get('cryptosuite')}: {result.reason}"
            break
    add("proof", "Signed by the endorser's registered key", proof_problem)
    subject_id = model.credentialSubject.id
    owner = _subject_owner(registry, subject_id)
    facts["subject_issuer"] = owner
    add("subject", "Endorses a credential or issuer of this registry", None if owner else f"{subject_id} is unknown")
    if owner is not None and owner == endorser:
        add("independent", "Given by another body", f"{endorser} cannot endorse its own credentials")
    # As an award must be registered here: an endorsement counts once a reviewed change added it, where the
    # pull-request check holds it to a key in force now (governance/endorsements.py). One only signed, held back or
    # dated before a retired or leaked key's end by whoever holds it, is no endorsement of this registry.
    add("registered", "Registered here", None if _published(registry, endorser, digest) else _UNPUBLISHED)
    if any(c.blocks for c in checks if c.id in NOT_OURS):
        # No endorsement of this registry: its dates and status are not read. Their verdicts come first (an award's
        # rule), so a self-endorsement past its validUntil read "Expired on …: it was genuine", and one never added
        # that named a slot its endorser had revoked for another, "Revoked by its endorser.".
        for check_id, label in (("validity", "In force"), ("status", "Not revoked")):
            checks.append(Check(check_id, label, CheckStatus.NOT_CHECKED, _NOT_READ, applicable=False))
        return VerificationResult(tuple(checks), digest, facts, ENDORSEMENT)
    start, end = parse_time(model.validFrom), parse_time(model.validUntil) if model.validUntil else None
    if start is not None and now < start:
        add("validity", "In force", f"not valid before {model.validFrom}")
    elif end is not None and now > end:
        add("validity", "In force", f"expired on {model.validUntil}")
    else:
        add("validity", "In force", None)
    status_url = model.credentialStatus.statusListCredential
    own_list = _list_path(registry, status_url)
    if own_list is None or own_list[0] != endorser:
        add("status", "Not revoked", "the status entry is not in the endorser's own status list")
    else:
        bits, why = _list_problem(registry, status_url, endorser, now)
        index = int(model.credentialStatus.statusListIndex)
        # The awards' rule (status.py status_outcome): an issuer revokes its endorsement by a signed line of its
        # log, with a published reason, which stands even when its list cannot be trusted; an endorser keeps no
        # log, only its list.
        outcome = status_outcome(bits, why, index, _logged_revocation(registry, endorser, digest))
        if outcome.revoked is None:
            add("status", "Not revoked", outcome.problem, unknown=not outcome.malformed)
        elif outcome.revoked:
            add("status", "Not revoked", revoked_reason(outcome.revoked_on, outcome.reason, by=BY_ENDORSER))
            facts["revoked"] = True
        else:
            add("status", "Not revoked", None)
    return VerificationResult(tuple(checks), digest, facts, ENDORSEMENT)


_UNPUBLISHED = "no: this registry holds no endorsement with this hash in its endorser's folder"
#: Why the dates and status of what is no endorsement of this registry (a check of NOT_OURS failed) are not read.
_NOT_READ = "not read: it is not an endorsement this registry publishes"


def _published(registry: Registry, endorser: str, digest: str) -> bool:
    """Whether the endorser's folder holds the endorsement ``digest``: its file, whose document hashes to it (the
    page's copy reads the build's list of them, verify/endorsements.json, which names each by that rule)."""
    folder = layout.endorser_dir if endorser in registry.endorsers else layout.issuer_dir
    path = folder(registry.root, endorser) / "endorsements" / f"{digest}.json"
    if path.is_symlink() or not path.is_file():  # as iter_endorsements reads the folder
        return False
    try:
        source = read_json_file(path, path.name, max_bytes=MAX_ENDORSEMENT_BYTES, what="the endorsement")
    except SourceError:
        return False
    doc = source.data
    # Not an object: no file of the folder's reading (iter_endorsements), so none the page's list names either.
    return isinstance(doc, dict) and is_registered_file(FoundEndorsement(endorser, path, path.stem, doc, source))


def is_registered_file(found: FoundEndorsement) -> bool:
    """Whether a file of an endorsements folder registers the endorsement its name says: its document hashes to
    its name. The rule of "Registered here" (:func:`_published`) and of the build's list of registered files for
    the page (publish/verifydata.py ``endorsement_lookup``): a file named by one endorsement's hash holding another
    document registers neither."""
    return award_hash_or_none(found.document) == found.hash


def endorser_record_problem(registry: Registry, endorser: str, name: object) -> str | None:
    """Why an endorsement by ``endorser`` that gives ``name`` as its endorser's name does not match the registry's
    record of it (``None`` when it does): the one rule of the checks and of the pull-request rule that keeps a
    change from breaking the endorsements a body has signed (:mod:`generator.governance.endorsements`)."""
    if registry.endorser_name(endorser) != name:
        return f"the name differs from the registry's record of {endorser}"
    return None


def _logged_revocation(registry: Registry, endorser: str, digest: str) -> dict[str, Any] | None:
    """The line of an issuer's revocation log that revokes its endorsement ``digest``, if its signature by a key of
    the issuer, in force when it signed, holds (the rule of an award's line: status.py :func:`vouching_line`;
    endorsements.js ``loggedRevocation``); ``None`` for an endorser, which keeps no log, or when no line does. A
    line that does not hold vouches for nothing: the list alone says whether the endorsement is revoked."""
    if endorser not in registry.issuers:
        return None
    log = layout.revocations_path(registry.root, endorser)
    lines = logged_lines(log).get(digest)
    if not lines:
        return None
    line, problem = vouching_line(lines, registry.endorser_did(endorser), EndorserKeys(registry, endorser))
    return None if problem else line


def endorsement_verdict(result: VerificationResult) -> tuple[str, str]:
    """(state, reason) of a verified endorsement as the site's pages say it: ``valid``, ``revoked``, ``expired``,
    ``not-yet-valid``, ``invalid`` or ``unknown``, with the first check that blocks a valid verdict and its reason,
    as every verdict is read (:attr:`Check.blocks`: a check that does not apply, such as the public log of a
    registry that publishes none, blocks nothing). With its log check (transparency/commands.py
    ``with_log_check``) it is the badges' verdict (the page's ``checkEndorsement``, which checks the log last;
    held equal by tests/site/test_endorsements_js.py and tests/site/test_mutations_js.py)."""
    failed = next((c for c in result.checks if c.blocks), None)
    if failed is None:
        return "valid", ""
    if failed.status is CheckStatus.NOT_CHECKED:
        return "unknown", failed.reason
    if failed.id == "validity":
        return ("not-yet-valid" if failed.reason.startswith("not valid before") else "expired"), failed.reason
    if failed.id == "status" and result.facts.get("revoked"):
        return "revoked", failed.reason
    return "invalid", failed.reason


def _subject_owner(registry: Registry, subject_id: str) -> str | None:
    """The issuer that owns an Achievement id (credential page) or a Profile id (issuer DID) of this registry."""
    for record, credential in registry.credentials():
        if registry.credential_url(record.id, credential.model.id) == subject_id:
            return record.id
    issuer = registry.issuer_for_did(subject_id)
    return issuer.id if issuer is not None else None
