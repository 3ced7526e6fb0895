"""Revoking an award: a signed entry appended to the issuer's revocation log, and the status bit set.

An issuer's endorsement is revoked the same way (:func:`revoke_logged`, called by
:func:`generator.endorsements.revoke_endorsement`): its status entry is in the issuer's award lists, and every
bit of those lists is explained by a line of the log, which names the endorsement's hash as it would an award's.

The entry carries an eddsa-jcs-2022 proof by a key of the award's issuer, and the status list is re-signed by
that key, so write access to the repository alone cannot revoke anyone's badge: the check refuses an entry or
a status bit without a valid issuer signature.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from generator import layout
from generator._internal.files import append_line, open_regular, write_bytes_atomic
from generator._internal.text import first_unseen
from generator._internal.times import parse_time
from generator.awarding.earners import recorded_recipient
from generator.awarding.issue import recipient_named_in, signing_key_problems
from generator.awarding.keys import SigningKey
from generator.awarding.lock import owner_lock
from generator.awarding.record import file_entry, record_signed, recorded_lines
from generator.awarding.status import (
    _set_logged,
    list_bytes,
    list_problem,
    read_signed_list,
    read_status_list,
    revoked_list,
    signed_status_list,
    slot_holders,
    trusted_line,
)
from generator.awards import award_hash, find_award, iter_lines, read_revocations
from generator.crypto.dataintegrity import create_proof, proofs_of
from generator.errors import UsageError
from generator.models.award import RevocationEntry
from generator.openbadges import timestamp
from generator.registry import Registry
from generator.statuslist import get_bit, index_problem, parse_index, parse_list_number, parse_list_url
from generator.verify.registry_check import set_bits
from generator.verify.status import EndorserKeys, readable_list, signature_problem, vouching_line

#: An award's hash, as a revocation line names it (models/award.py AwardHash).
_HASH = re.compile(r"[0-9a-f]{64}")

__all__ = [
    "Revocation",
    "clean_reason",
    "reason_problem",
    "resign_lists",
    "revocable",
    "revocation_entry",
    "revoke_award",
    "revoke_logged",
    "status_position",
    "uncounted_revocations",
]


@dataclass(frozen=True, slots=True)
class Revocation:
    entry: dict[str, Any]
    log: Path
    status_list: Path
    completed: bool = False
    """The log already held this (signed) entry and only its status bit was set now: a revocation interrupted
    between its two writes, completed by this run."""


def status_position(registry: Registry, issuer: str, award: dict[str, Any], *, what: str = "award") -> tuple[int, int]:
    """(list number, index) of an award's (or the issuer's endorsement's) revocation bit in its issuer's lists,
    the index within the list."""
    status = award.get("credentialStatus")
    status = status if isinstance(status, dict) else {}
    url = status.get("statusListCredential")
    located = parse_list_url(registry.site_url, url)
    if located is None or located[0] != issuer:
        raise UsageError(f"the {what}'s status list {url!r} is not one of {issuer}'s lists in this registry")
    index = parse_index(status.get("statusListIndex"))
    if index is None:
        raise UsageError(
            f"the {what}'s statusListIndex {status.get('statusListIndex')!r} is not a canonical base-10 number string"
        )
    path = layout.status_list_path(registry.root, issuer, located[1])
    rel = layout.relpath(registry.root, path)
    if not path.is_file():
        raise UsageError(f"the {what}'s status list {rel} does not exist")
    _, bits = read_status_list(path, rel)
    outside = index_problem(index, bits)
    if outside is not None:
        raise UsageError(f"the {what} cannot be revoked: its {outside} ({rel}); `credreg check` refuses such {what}s")
    return located[1], index


def revocable(
    registry: Registry, owner: str, digest: str, document: dict[str, Any], slot: tuple[int, int], what: str = "award"
) -> None:
    """Refuse (:class:`UsageError`) to revoke ``document`` (``owner``'s award or endorsement, in ``slot``: list
    number, index) unless it is the document ``digest`` names, signed by ``owner``, alone in its slot. Setting a
    slot's bit revokes whoever holds it, and a checkout's files are anyone's to have shaped: a file holding another
    document, an award its owner never signed (its proofs copied from another, of someone else's slot), or a
    second holder of the slot (two runs of one stale checkout) would have the owner sign away someone else's
    award. Every proof must verify with a key the owner registered (whether that key was still in force when it
    signed is not asked: a forgery made with a stolen key is one its owner may well revoke)."""
    number, index = slot
    refused = "nothing was signed"
    if award_hash(document) != digest:
        raise UsageError(f"cannot revoke {what} {digest}: the file found for it holds another document", [refused])
    # Whose signature it is, by the rule every reader of a signed list or log line applies (one rule, one place).
    why = signature_problem(document, registry.endorser_did(owner), EndorserKeys(registry, owner), what, in_force=False)
    if why is not None:
        raise UsageError(
            f"cannot revoke {what} {digest}: it is not signed by {owner} ({why}); setting the bit of its slot "
            f"(status list {number} index {index}) would revoke whoever holds it",
            ["`credreg verify` and `credreg check` say what is wrong with the file", refused],
        )
    others = [(where, held) for where, held in slot_holders(registry, owner, number, index) if held != digest]
    if others:
        where, held = others[0]
        raise UsageError(
            f"cannot revoke {what} {digest}: status list {number} index {index} is also held by {where} ({held}): "
            "setting its bit would revoke both",
            ["`credreg check` reports the two", refused],
        )


def revocation_entry(
    did: str, digest: str, number: int, index: int, reason: str, key: SigningKey, when: dt.datetime
) -> dict[str, Any]:
    """One signed line of an issuer's revocation log: award ``digest`` in slot (``number``, ``index``)."""
    entry: dict[str, Any] = {
        "award": digest,
        "statusList": number,
        "statusListIndex": index,
        "revoked": timestamp(when),
        "reason": reason,
    }
    entry["proof"] = create_proof(
        entry,
        cryptosuite="eddsa-jcs-2022",
        seed=key.seed,
        verification_method=f"{did}#{key.key_id}",
        created=timestamp(when),
    )
    return entry


def reason_problem(reason: str) -> str | None:
    """Why ``reason`` may not be published (None when it may): a character no published text may hold
    (:data:`~generator._internal.text.UNSEEN`: controls, bidi marks, line separators), which would be signed,
    published and echoed to terminals and pages. Tab and line ends fold to a space."""
    at = first_unseen(reason)
    if at is None:
        return None
    return f"it holds the control character U+{ord(reason[at]):04X} (character {at + 1}); write it as plain text"


def clean_reason(reason: str, what: str = "award") -> str:
    """The published reason as it is signed (runs of spaces folded); :class:`UsageError` when it may not be."""
    bad = reason_problem(reason)
    if bad is not None:
        raise UsageError(f"--reason: {bad}")
    reason = " ".join(reason.split())
    if not reason:
        raise UsageError(f"--reason must say why the {what} is revoked (it is published)")
    if len(reason) > 300:
        raise UsageError("--reason is limited to 300 characters")
    return reason


def revoke_award(
    registry: Registry,
    digest: str,
    reason: str,
    key: SigningKey,
    *,
    now: dt.datetime | None = None,
    earners: Path | None = None,
    record: Path | None = None,
) -> Revocation:
    """Revoke the award with hash ``digest`` using its issuer's key. With ``earners`` (the folder of the issuer's
    ``credreg award`` runs), a reason naming the recipient those runs recorded for the award is refused; with
    ``record``, what is signed is recorded there (:func:`revoke_logged`)."""
    reason = clean_reason(reason)
    recorded = recorded_recipient(earners, digest) if earners is not None else None
    named = recipient_named_in(reason, *recorded) if recorded is not None else None
    if named is not None:
        raise UsageError(
            f"--reason names the award's recipient: {named}; the reason is published, and the recipient never is",
            ['say why without saying who, e.g. "Withdrawn at the holder\'s request"; nothing was revoked'],
        )
    found = find_award(registry.root, digest, key.issuer if key.issuer in registry.issuers else None)
    if found is None:
        raise UsageError(f"no award with hash {digest} belongs to issuer {key.issuer!r}")
    source, award = found
    issuer = layout.classify(source.path).issuer
    assert issuer is not None
    return revoke_logged(registry, issuer, digest, award, reason, key, now=now, record=record)


def _bit_missing(registry: Registry, issuer: str, entry: RevocationEntry, number: int, index: int) -> bool:
    """Whether ``entry``, a line of the log vouching for the revocation of an award in slot (``number``,
    ``index``) (:func:`trusted_line`), names that slot, whose bit is not set."""
    if (entry.statusList, entry.statusListIndex) != (number, index):
        return False
    path = layout.status_list_path(registry.root, issuer, number)
    _, bits = read_status_list(path, layout.relpath(registry.root, path))
    return not get_bit(bits, index)


def revoke_logged(
    registry: Registry,
    issuer: str,
    digest: str,
    document: dict[str, Any],
    reason: str,
    key: SigningKey,
    *,
    now: dt.datetime | None = None,
    what: str = "award",
    record: Path | None = None,
) -> Revocation:
    """Append the signed line revoking ``document`` (an award of ``issuer``, or an endorsement it signed, with
    hash ``digest``) to the issuer's log, and set its bit in the issuer's status list (with ``record``, the line
    and the list written there first: :mod:`generator.awarding.record`)."""
    reason = clean_reason(reason, what)
    now = now or dt.datetime.now(dt.UTC)
    refusals = signing_key_problems(registry, issuer, key, now)
    if refusals:
        raise UsageError(f"cannot revoke with this key: {refusals[0]}", refusals[1:])
    log = layout.revocations_path(registry.root, issuer)
    # Another `credreg revoke` of this issuer may run at the same time: the log and the list are read, changed and
    # written with the issuer's folder locked, so neither run's line or bit is lost.
    with owner_lock(registry.root, issuer):
        number, index = status_position(registry, issuer, document, what=what)
        revocable(registry, issuer, digest, document, (number, index), what)
        did, keys = registry.issuer_did(issuer), EndorserKeys(registry, issuer)
        for line, previous in read_revocations(log):
            vouched = trusted_line(previous, did, keys) if previous.get("award") == digest else None
            if vouched is None:
                continue
            if _bit_missing(registry, issuer, vouched, number, index):
                # A run killed after its line and before the list was re-signed (the check then says "re-run
                # credreg revoke"): the signed line stands, with its reason and time; only the bit is set now.
                status_path, data = revoked_list(registry, issuer, number, index, key, now)
                if record is not None:
                    record_signed(record, [file_entry("status-list", registry.root, status_path, data)], now)
                write_bytes_atomic(status_path, data)
                return Revocation(previous, log, status_path, True)
            raise UsageError(
                f"{what} {digest} was already revoked on {previous.get('revoked')} (revocations.jsonl:{line})"
            )
        entry = revocation_entry(registry.issuer_did(issuer), digest, number, index, reason, key, now)
        try:
            # The check's own rules (e.g. no email address in the published reason), before anything is written.
            RevocationEntry.model_validate(entry)
        except ValidationError as exc:
            details = [
                f"{'.'.join(map(str, e['loc']))}: {str(e['msg']).removeprefix('Value error, ')}" for e in exc.errors()
            ]
            raise UsageError("refusing this revocation", details) from None
        line_text = json.dumps(entry, ensure_ascii=False, separators=(",", ":"))
        status_path, data = revoked_list(registry, issuer, number, index, key, now)
        if record is not None:  # before the registry's files (generator.awarding.record)
            revocation = file_entry("revocation", registry.root, log, line_text.encode("utf-8"))
            record_signed(record, [revocation, file_entry("status-list", registry.root, status_path, data)], now)
        append_line(log, line_text)
        try:
            write_bytes_atomic(status_path, data)
        except OSError as exc:  # a full disk: the line stands (signed), the bit is set by the next run
            raise UsageError(
                f"{what} {digest} is revoked in {layout.relpath(registry.root, log)}, but its status list "
                f"{layout.relpath(registry.root, status_path)} could not be written: {exc.strerror or exc}",
                [
                    f"run `credreg revoke {digest} --key … --reason …` again once it can be: it sets the bit of this "
                    "revocation, whose logged reason and time stand (until then `credreg check` refuses the "
                    "registry, and the status list reads as not revoked)"
                ],
            ) from None
    return Revocation(entry, log, status_path)


def resign_lists(
    registry: Registry, issuer: str, key: SigningKey, *, now: dt.datetime | None = None, record: Path | None = None
) -> list[Path]:
    """Sign again, with ``key`` (in force), each of ``issuer``'s status lists that no reader reads: signed with the
    issuer's key after that key's end (``revoked_at`` set as of when a compromise began), or signed in force but
    not in force itself (an end that has passed) or not as the registry writes a list (every reader's rule:
    :func:`~generator.verify.status.readable_list`). Each is made again from the issuer's revocation log
    (:func:`read_signed_list` with ``rebuild``, :func:`_set_logged`). Until then every award in it reads as of
    unknown status. A list readers read is left as it is; one that is not the issuer's (edited without a key) is
    refused, and nothing is signed. The lists written, in order.

    An endorser keeps no log: a list of its signed after its key's end is refused (what it holds may be the key's
    thief's), but one it signed in force that no reader reads is signed again with the bits it signed, its record
    of what it revoked."""
    from generator.endorsements import _signed_list, signing_problems  # here: that module imports this one

    now = now or dt.datetime.now(dt.UTC)
    endorser = issuer not in registry.issuers
    if endorser and issuer not in registry.endorsers:
        raise UsageError(f"{issuer} is neither an issuer nor an endorser registered here")
    refusals = (signing_problems if endorser else signing_key_problems)(registry, issuer, key, now)
    if refusals:
        raise UsageError(f"cannot sign with this key: {refusals[0]}", refusals[1:])
    if not endorser:
        _refuse_shortened_log(registry, issuer, record)
    folder = layout.owner_dir(registry.root, issuer) / "status"
    planned: list[tuple[Path, bytes]] = []
    with owner_lock(registry.root, issuer):  # a revocation at the same time never loses its bit
        for path in sorted(folder.glob("*.json")) if folder.is_dir() else ():
            number = parse_list_number(path.stem)
            if number is None:
                continue
            credential, read = read_status_list(path, layout.relpath(registry.root, path))
            problem, late = list_problem(registry, issuer, number, credential)
            if problem is not None and endorser and late:
                raise UsageError(
                    f"{issuer} keeps no revocation log to make its lists again from: restore the last version of "
                    "each list it signed before its key's end (`git log -p` of the file) and revoke again what was "
                    "revoked since",
                    ["nothing was signed"],
                )
            if problem is not None:
                bits = read_signed_list(registry, issuer, number, path, rebuild=True)
            elif readable_list(credential).at(now)[0] is not None and "validUntil" not in credential:
                continue  # trusted and read as it is, for good (as this list: a copy of list 1 saved as 2.json is not)
            elif endorser:
                # Signed by the endorser with a key in force: its own record of what it revoked, unless its record
                # of what it signed shows a later version of the list (this one put back in the checkout).
                _refuse_older_list(registry, path, credential, record)
                bits = read
            else:
                # The issuer's, signed with a key in force, but read by no reader: not in force (given an end that
                # has passed, or a start ahead of the clock) or not as the registry writes a list. Made again from
                # the log, as a list signed after its key's end is: the check holds a list to exactly its lines.
                bits = bytearray(len(read))
                _set_logged(registry, issuer, number, bits)
                _refuse_lost_revocations(registry, issuer, path, read, bits)
            signed = (_signed_list if endorser else signed_status_list)(registry, issuer, number, bits, key, now)
            planned.append((path, list_bytes(signed)))
        if record is not None and planned:  # before the registry's files (generator.awarding.record)
            record_signed(record, [file_entry("status-list", registry.root, p, d) for p, d in planned], now)
        for path, data in planned:
            write_bytes_atomic(path, data)
    return [path for path, _ in planned]


#: How :func:`resign_lists` ends when it would sign fewer revocations than the owner made.
_NOTHING_SIGNED = "nothing was signed"


def _refuse_lost_revocations(registry: Registry, issuer: str, path: Path, read: bytearray, rebuilt: bytearray) -> None:
    """Refuse to sign ``rebuilt`` (``issuer``'s list at ``path`` made again from its log) when the list it replaces,
    which the issuer signed with a key in force (its own word), has a bit set that the log no longer vouches for: a
    log rewritten or cut short in the checkout would take those revocations back in the issuer's name."""
    lost = [index for index in set_bits(bytes(read)) if not get_bit(rebuilt, index)]
    if not lost:
        return
    rel = layout.relpath(registry.root, path)
    log = layout.relpath(registry.root, layout.revocations_path(registry.root, issuer))
    slots = ", ".join(map(str, lost[:5])) + (f" and {len(lost) - 5} more" if len(lost) > 5 else "")
    raise UsageError(
        f"{rel}, which you signed with a key in force, revokes index {slots}, which no signed line of {log} revokes: "
        "signed again from the log, those revocations would be taken back",
        [f"restore {log} (`git log -p` of the file: it only ever grows) and run resign-lists again", _NOTHING_SIGNED],
    )


def _refuse_shortened_log(registry: Registry, issuer: str, record: Path | None) -> None:
    """Refuse when the owner's record of what it signed holds a line of ``issuer``'s revocation log that the log
    in the checkout no longer has: lists made again from that log would take the revocation back."""
    log = layout.revocations_path(registry.root, issuer)
    rel = layout.relpath(registry.root, log)
    recorded = recorded_lines(record, "revocation", rel)
    if not recorded:
        return
    held = (
        {hashlib.sha256(line.encode("utf-8", "surrogateescape")).hexdigest() for _, line in iter_lines(log)}
        if (log.is_file())
        else set()
    )
    missing = [(sha, at) for sha, at in recorded if sha not in held]
    if missing:
        sha, at = missing[0]
        raise UsageError(
            f"{rel} lacks {len(missing)} revocation line{'s' if len(missing) != 1 else ''} your record {record} says "
            f"you signed (the first signed at {at}, SHA-256 {sha}): lists made again from it would take "
            f"{'them' if len(missing) != 1 else 'it'} back",
            [
                f"restore {rel} (`git log -p` of the file: it only ever grows) and run resign-lists again",
                _NOTHING_SIGNED,
            ],
        )


def _refuse_older_list(registry: Registry, path: Path, credential: dict[str, Any], record: Path | None) -> None:
    """Refuse to sign again an endorser's list at ``path`` as it holds it, when the owner's record of what it signed
    shows another version of that list signed after this one (``created`` of its proofs): an older list put back in
    the checkout, whose bits lack the revocations made since (an endorser keeps no log to make its lists from)."""
    rel = layout.relpath(registry.root, path)
    times = [parse_time(p.get("created")) for p in proofs_of(credential) if isinstance(p, dict)]
    signed = max((t for t in times if t is not None), default=None)
    with open_regular(path) as fh:
        current = hashlib.sha256(fh.read()).hexdigest()
    for sha, at in recorded_lines(record, "status-list", rel):
        when = parse_time(at)
        if sha != current and when is not None and (signed is None or when > signed):
            raise UsageError(
                f"{rel} is not the last version of the list you signed: your record {record} holds one signed at "
                f"{at}, after it (SHA-256 {sha}); signed again as it is, it would take back what you revoked since",
                [
                    f"restore that version of {rel} (`git log -p` of the file) and run resign-lists again",
                    _NOTHING_SIGNED,
                ],
            )


def uncounted_revocations(registry: Registry, issuer: str) -> list[tuple[int, str, str]]:
    """(line number, award hash, why) of each line of ``issuer``'s revocation log signed with a key of the issuer
    whose signature no reader trusts (made after that key's end), for an award no other line revokes: its bit is
    not set in a list made again from the log (:func:`resign_lists`), rightly, since the key's thief could have
    written it; but the issuer may have, before it learnt of the compromise, and it alone can tell and make that
    revocation again. Lines nobody signed with the issuer's key are the check's business. An endorser keeps no
    log: none."""
    if issuer not in registry.issuers:
        return []
    log = layout.revocations_path(registry.root, issuer)
    did, keys = registry.issuer_did(issuer), EndorserKeys(registry, issuer)
    by_award: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for number, line in read_revocations(log):
        award = line.get("award")
        # A line naming no award by its hash revokes nothing (the check says so); its "award" is whatever the
        # line's signer wrote, and the issuer is told to run `credreg revoke <award>`: never text of a thief's.
        if isinstance(award, str) and _HASH.fullmatch(award):
            by_award.setdefault(award, []).append((number, line))
    uncounted = []
    for award, numbered in by_award.items():
        if not vouching_line([line for _, line in numbered], did, keys)[1]:
            continue  # revoked by a line readers trust
        for number, line in numbered:
            if signature_problem(line, did, keys, "revocation", in_force=False) is None:
                why = signature_problem(line, did, keys, "revocation") or ""
                uncounted.append((number, award, why))
                break
    return sorted(uncounted)
