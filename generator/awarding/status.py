"""An issuer's status lists in the registry: allocation of indexes, creation and re-signing.

Indexes are drawn at random from the free ones (the Bitstring Status List specification recommends it: a
sequential index would reveal the order of issue, and two pull requests would always collide). A new list
starts when the current one is half full, which keeps random draws cheap.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from generator import layout
from generator._internal.files import all_or_nothing, json_text, write_new
from generator._internal.source import SourceError
from generator.awarding.keys import SigningKey
from generator.awarding.signing import sign_document
from generator.awards import award_hash_or_none, iter_awards, read_revocations, write_award_file
from generator.errors import CredregError, UsageError
from generator.models.award import RevocationEntry
from generator.registry import Registry
from generator.statuslist import (
    MIN_BITS,
    decode_list,
    get_bit,
    index_problem,
    new_bitstring,
    parse_index,
    parse_list_number,
    parse_list_url,
    set_bit,
    status_list_credential,
)
from generator.verify.keys import KeyResolver
from generator.verify.status import EndorserKeys, list_end, owner_problem, read_list_file, signature_problem

__all__ = [
    "LIST_FILL",
    "StatusAllocator",
    "create_list",
    "list_bytes",
    "list_problem",
    "read_signed_list",
    "read_status_list",
    "refuse_lost_lists",
    "revoked_list",
    "signed_status_list",
    "slot_holders",
    "take_set_bits",
]

#: How many slots of a list are allocated before the next list starts (half: random draws stay cheap).
LIST_FILL = MIN_BITS // 2


def read_status_list(path: Path, rel: str) -> tuple[dict[str, Any], bytearray]:
    """A status list file and its bitstring; :class:`UsageError` (naming ``rel``) when it cannot be read."""
    try:
        credential = read_list_file(path, rel).data
        subject = credential.get("credentialSubject") if isinstance(credential, dict) else None
        bits = decode_list(subject.get("encodedList") if isinstance(subject, dict) else None)
    except SourceError as exc:
        raise UsageError(f"cannot read the status list {rel}", [str(p) for p in exc.problems]) from None
    except CredregError as exc:
        raise UsageError(f"cannot read the status list {rel}: {exc}") from None
    return credential, bytearray(bits)


#: Why :func:`read_signed_list` refuses a list it would sign again.
_RESIGNED = "signing it again would sign every bit it holds in {owner}'s name"


def list_problem(registry: Registry, owner: str, number: int, credential: dict[str, Any]) -> tuple[str | None, bool]:
    """Why ``credential`` is not ``owner``'s list ``number`` signed by a key the owner registered, in force when it
    signed (``None`` when it is): :func:`owner_problem` and :func:`signature_problem`, the rule every reader of a
    list applies. And whether it is that list, signed with the owner's own key after that key's end: one an
    issuer's revocation log can make again (:func:`read_signed_list`)."""
    from generator.endorsements import endorsement_list_url  # here: that module signs its lists with this one

    did, keys = registry.endorser_did(owner), EndorserKeys(registry, owner)
    other = owner_problem(credential, endorsement_list_url(registry, owner, number), did, whose=owner)
    problem = other or signature_problem(credential, did, keys)
    late = problem is not None and other is None and signature_problem(credential, did, keys, in_force=False) is None
    return problem, late


def read_signed_list(
    registry: Registry, owner: str, number: int, path: Path, because: str = _RESIGNED, *, rebuild: bool = False
) -> bytearray:
    """The bits of ``owner``'s status list ``number`` (its file ``path``) as its owner signed them, to be set and
    signed again: refused (:class:`UsageError`, saying ``because``) unless the file is that list
    (:func:`owner_problem`) signed by a key the owner registered, in force when it signed
    (:func:`signature_problem`), the rule every reader of a list applies. Anyone can edit the file in a checkout;
    re-signed as read, its every bit would be revoked in the owner's name, or a revocation taken back.

    ``rebuild`` (to sign the list again now): an issuer's list signed with its own key after that key's end
    (revoked as of an earlier time, after a compromise) is made again from the issuer's revocation log instead
    (:func:`_set_logged`): without it, no command could ever sign the list again."""
    rel = layout.relpath(registry.root, path)
    credential, bits = read_status_list(path, rel)
    problem, late = list_problem(registry, owner, number, credential)
    if problem is None:
        return bits
    if late and owner in registry.issuers:
        if rebuild:
            # Signed with the issuer's own key after that key's end: no reader trusts it, and its bits may be
            # whoever held the key's. The issuer's log says which slots are revoked (its lines signed by keys in
            # force, as every reader trusts them), and the check holds a list to exactly those.
            bits = bytearray(len(bits))
            _set_logged(registry, owner, number, bits)
            return bits
        fix = f"sign it again from {owner}'s revocation log: `credreg resign-lists --key <a key in force>`"
    elif late:
        fix = (
            f"an endorser keeps no revocation log to make it again from: restore the last version {owner} signed "
            "before that key's end (`git log -p` of the file; readers trust it as it is), then revoke again what "
            "you revoked since (`credreg revoke HASH`)"
        )
    else:
        fix = "restore it as the registry has it (`git checkout`, or pull) and run `credreg check`"
    raise UsageError(
        f"the status list {rel} is not a list {owner} signed ({problem}): {because.format(owner=owner)}",
        [fix, "nothing was signed"],
    )


def slot_holders(registry: Registry, owner: str, number: int, index: int) -> list[tuple[str, str | None]]:
    """(where, hash) of every award and endorsement of ``owner`` whose status entry names slot (``number``,
    ``index``) of ``owner``'s lists (``hash`` ``None`` when the document has none), signed by ``owner``: whom
    setting that bit revokes. A document its owner never signed (whose signature does not hold: an award copied
    and changed) is no one's award to revoke, and counted it would keep its owner from revoking the one that is
    (its signature asked as :func:`generator.awarding.revoke.revocable` asks it, by :func:`signature_problem`)."""
    from generator.endorsements import endorsement_slots  # here: that module signs its lists with this one

    holders: list[tuple[str, str | None]] = []
    did, keys = registry.endorser_did(owner), EndorserKeys(registry, owner)

    def signed(document: dict[str, Any]) -> bool:
        return signature_problem(document, did, keys, "document", in_force=False) is None

    for where, award, entry in _status_entries(registry, owner):
        located = parse_list_url(registry.site_url, entry.get("statusListCredential"))
        if located == (owner, number) and parse_index(entry.get("statusListIndex")) == index and signed(award):
            holders.append((where, award_hash_or_none(award)))
    for item, held_number, held_index in endorsement_slots(registry, owner):
        if (held_number, held_index) == (number, index) and signed(item.document):
            holders.append((layout.relpath(registry.root, item.path), award_hash_or_none(item.document)))
    return holders


def _status_entries(registry: Registry, owner: str) -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(where, award, its status entry) of each award of ``owner`` that reads and has a status entry."""
    for source in iter_awards(registry.root, owner):
        try:
            award = source.parse(strict=False).data
        except SourceError:
            continue
        entry = award.get("credentialStatus") if isinstance(award, dict) else None
        if isinstance(entry, dict):
            yield source.where, award, entry


def signed_status_list(
    registry: Registry, issuer: str, number: int, bits: bytearray, key: SigningKey, now: dt.datetime
) -> dict[str, Any]:
    unsigned = status_list_credential(
        list_url=registry.status_list_url(issuer, number),
        issuer_did=registry.issuer_did(issuer),
        bitstring=bits,
        valid_from=now,
    )
    return sign_document(unsigned, key, f"{registry.issuer_did(issuer)}#{key.key_id}", now)


@dataclass
class StatusAllocator:
    """Free status list slots of one issuer, from the awards and endorsements already in the registry (an
    issuer's endorsements share its status lists)."""

    registry: Registry
    issuer: str
    used: dict[int, set[int]] = field(default_factory=dict)

    @classmethod
    def scan(cls, registry: Registry, issuer: str) -> StatusAllocator:
        allocator = cls(registry, issuer)
        for source in iter_awards(registry.root, issuer):
            try:
                award = source.parse(strict=False).data
            except SourceError:
                continue  # the check reports malformed awards; allocation only needs the valid ones
            entry = award.get("credentialStatus") if isinstance(award, dict) else None
            if not isinstance(entry, dict):
                continue
            located = parse_list_url(registry.site_url, entry.get("statusListCredential"))
            index = parse_index(entry.get("statusListIndex"))
            if located is not None and located[0] == issuer and index is not None:
                allocator.used.setdefault(located[1], set()).add(index)
        # The issuer's endorsements share its lists: their slots are taken too.
        from generator.endorsements import endorsement_slots  # here: that module signs its lists with this one

        for _, number, index in endorsement_slots(registry, issuer):
            allocator.used.setdefault(number, set()).add(index)
        take_set_bits(registry, issuer, allocator.used)
        return allocator

    def allocate(self) -> tuple[int, int]:
        """A free (list number, index), preferring the newest list until it is half full."""
        number = max(self.used, default=1)
        taken = self.used.setdefault(number, set())
        if len(taken) >= LIST_FILL:
            number += 1
            taken = self.used.setdefault(number, set())
        while True:
            index = secrets.randbelow(MIN_BITS)
            if index not in taken:
                taken.add(index)
                return number, index

    def allocate_many(self, count: int) -> list[tuple[int, int]]:
        """``count`` free slots in random order. A cohort larger than what the current list has left spans two
        lists: handed out in the order drawn, the list number would tell which part of the class list (usually
        sorted by name) each person was in."""
        slots = [self.allocate() for _ in range(count)]
        secrets.SystemRandom().shuffle(slots)
        return slots

    def new_lists(self, key: SigningKey, now: dt.datetime) -> list[tuple[Path, bytes]]:
        """Every allocated list that has no file yet, empty and signed: (file, its bytes), to record
        (:mod:`generator.awarding.record`) and then :func:`create_list`."""
        made = []
        for number in sorted(self.used):
            path = layout.status_list_path(self.registry.root, self.issuer, number)
            if not path.exists():
                credential = signed_status_list(self.registry, self.issuer, number, new_bitstring(), key, now)
                made.append((path, list_bytes(credential)))
        return made


def take_set_bits(registry: Registry, owner: str, used: dict[int, set[int]]) -> None:
    """Add to ``used`` every slot whose bit is set in one of ``owner``'s list files: taken, whoever holds it. A
    checkout without its holder's file (a stale one, or one a change shaped) would hand it out again, to an award
    or endorsement born revoked that shares its slot.

    Each file must be a list its owner signed (:func:`read_signed_list`), else the run is refused: the newest list
    number is where slots are drawn, and a list file there is used as it is (:meth:`StatusAllocator.new_lists`),
    so a file anyone added (``status/7.json``) had awards signed into a list no reader trusts and no revocation can
    re-sign. Only the slots a draw can reach (below :data:`MIN_BITS`) are collected: a list's every bit, up to
    :data:`~generator.statuslist.MAX_BITS`, would be a set of 134 million numbers."""
    folder = layout.owner_dir(registry.root, owner) / "status"
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else ():
        number = parse_list_number(path.stem)
        if number is None:
            continue  # never a list a draw names (the check says what it is)
        bits = read_signed_list(registry, owner, number, path, _DRAWN)
        _refuse_an_end(registry, owner, path)
        taken = used.setdefault(number, set())
        reach = bits[: MIN_BITS // 8]
        taken.update(8 * i + j for i, byte in enumerate(reach) if byte for j in range(8) if byte & (0x80 >> j))


def _refuse_an_end(registry: Registry, owner: str, path: Path) -> None:
    """Refuse (:class:`UsageError`) to draw slots while one of ``owner``'s lists carries an end (``validUntil``,
    which credreg never writes: :data:`~generator.verify.status.ENDLESS`). Drawn into it, an award is read as of
    unknown status once the end passes, and the pull-request check refuses the list; ``resign-lists`` signs it
    again without one."""
    rel = layout.relpath(registry.root, path)
    end = list_end(path, rel)
    if end is not None:
        shown = end if isinstance(end, str) else json.dumps(end)
        raise UsageError(
            f"{rel} ends (its validUntil is {shown}): no reader reads a list once its end has passed, so slots "
            f"drawn in {owner}'s lists now would be signed into awards read as of unknown status",
            [
                f"sign {owner}'s lists again without an end: `credreg resign-lists --key <a key in force>`",
                "nothing was signed",
            ],
        )


#: Why :func:`take_set_bits` refuses a list.
_DRAWN = (
    "slots drawn in it would be signed into a list no reader trusts and no revocation can sign again; "
    "every list file in {owner}'s status folder must be one it signed"
)


def refuse_lost_lists(registry: Registry, owner: str, used: dict[int, set[int]]) -> None:
    """Refuse (:class:`UsageError`) to draw slots when a list that ``owner``'s awards or endorsements already hold
    slots in (``used``, as found before drawing) has no file: the run would sign a new, empty list in its place
    (:meth:`StatusAllocator.new_lists`), taking back every revocation the lost one holds. A run cut short writes
    its lists before its awards (:func:`generator.awarding.issue.issue_awards`), so only a checkout that lost the
    file (deleted by hand, or by anyone's change) has awards without their list."""
    for number in sorted(n for n, taken in used.items() if taken):
        path = layout.owner_dir(registry.root, owner) / "status" / f"{number}.json"
        if not path.exists() and not path.is_symlink():
            held = len(used[number])
            holder = _list_holder(registry, owner, number)
            raise UsageError(
                f"{layout.relpath(registry.root, path)} is missing, though {held} of {owner}'s awards or endorsements "
                f"hold a slot in it ({holder}, the first): a new, empty list signed in its place would take back "
                "every revocation it holds",
                [
                    "restore it as the registry has it (`git checkout`, or pull) and run `credreg check`",
                    f"if the registry never had it, `credreg check` says whether {owner} signed {holder}: "
                    "a file it never signed is no award of its own, and goes in a pull request",
                    "nothing was signed",
                ],
            )


def _list_holder(registry: Registry, owner: str, number: int) -> str:
    """The first file (by path) of ``owner``'s awards and endorsements naming a slot of its list ``number``: what a
    refusal over that list points to (read again only then: the scan keeps no paths for a million awards)."""
    from generator.endorsements import endorsement_slots  # here: that module signs its lists with this one

    for where, _, entry in _status_entries(registry, owner):
        if parse_list_url(registry.site_url, entry.get("statusListCredential")) == (owner, number):
            return where
    for item, held_number, _ in endorsement_slots(registry, owner):
        if held_number == number:
            return layout.relpath(registry.root, item.path)
    return "none found now"


def list_bytes(credential: dict[str, Any]) -> bytes:
    """A status list file's bytes: what the log hashes, so what the signer's record holds."""
    return json_text(credential).encode("utf-8")


def create_list(path: Path, data: bytes) -> bool:
    """Write a new (signed) status list; ``False``, and nothing written, when ``path`` was made since the caller
    found it missing (another award run): that list stands, never replaced, for it may already hold revocations."""
    try:
        write_new(path, data)
    except FileExistsError:
        return False
    return True


def write_signed_files(
    root: Path, lists: Sequence[tuple[Path, bytes]], files: Sequence[tuple[Path, str]], *, earners: Path | None = None
) -> None:
    """Put a run's new status ``lists``, then its award (or endorsement) ``files`` into the registry at ``root``:
    all or nothing. A file that cannot be written (a full disk, a read-only folder) or an interruption (Ctrl-C,
    SIGTERM) takes back what the run had put there (a new list that holds no award the registry has; with a
    cohort's files, the first of them), and the folders it made for them (:func:`all_or_nothing`);
    :class:`UsageError` then says so, and that ``earners``, the earners' folder written first, holds awards never
    published."""
    try:
        with all_or_nothing(root) as make:
            for path, data in lists:
                make(path, lambda: create_list(path, data))  # noqa: B023 - called at once
            for path, text in files:
                make(path, lambda: write_award_file(root, path, text))  # noqa: B023 - called at once
    except UsageError as exc:
        raise UsageError(exc.summary, [*exc.details, *_not_published(earners)]) from None
    except KeyboardInterrupt as exc:  # Ctrl-C, SIGTERM (the CLI's Terminated): told as the CLI says it stopped
        tell_not_published(exc, earners, files)
        raise


def tell_not_published(exc: BaseException, earners: Path | None, files: Sequence[tuple[Path, str]]) -> None:
    """Note on ``exc`` (an interruption, told by the CLI under "interrupted") what :func:`_not_published` says,
    once: a run stopped after its earners' folder was written, before or as its ``files`` went into the registry.
    Not when they are all there (made new, never over another's, they are the run's): the signal came as the
    block that kept them ended, and the earners' links work."""
    if files and all(path.is_file() for path, _ in files):
        return
    for note in _not_published(earners):
        if note not in getattr(exc, "__notes__", ()):
            exc.add_note(note)


def _not_published(earners: Path | None) -> list[str]:
    """What :func:`write_signed_files` says when it took a run's files back: the earners' folder (written first)
    otherwise held links to awards never published, which an issuer would send."""
    said = ["nothing was written to the registry"]
    if earners is not None:
        said.append(f"{earners} holds the files of awards that were not published: delete it")
    return said


def trusted_line(line: dict[str, Any], issuer_did: str, keys: KeyResolver) -> RevocationEntry | None:
    """``line`` of an issuer's revocation log as an entry, when it vouches for a revocation: signed by a key of the
    issuer (``issuer_did``, its ``keys``: :class:`EndorserKeys`) in force when it signed (:func:`signature_problem`,
    the rule by which every reader of a log trusts a line: :func:`generator.verify.status.vouching_line`), and a
    revocation entry by the check's rules (its slot numbers JSON integers, as the check reads them). Any other line
    revokes nothing anyone trusts: it neither answers "already revoked" nor turns into a signed status bit.
    ``None`` otherwise."""
    if signature_problem(line, issuer_did, keys, "revocation"):
        return None
    try:
        return RevocationEntry.model_validate(line)
    except ValidationError:
        return None


def _set_logged(registry: Registry, issuer: str, number: int, bits: bytearray) -> None:
    """Set in ``bits`` (of ``issuer``'s list ``number``) every slot a line of the issuer's revocation log revokes
    and vouches for (:func:`trusted_line`). The list read may be an older one, genuinely signed (a stale copy put
    back): re-signed as read, it would take back every revocation made since, in the issuer's name; the log's
    signed lines say which they are."""
    did, keys = registry.issuer_did(issuer), EndorserKeys(registry, issuer)  # once, not per line
    for _, line in read_revocations(layout.revocations_path(registry.root, issuer)):
        index = line.get("statusListIndex")
        if line.get("statusList") != number or type(index) is not int or index_problem(index, bits) is not None:
            continue  # another list's, or outside this one: no signature to check
        if not get_bit(bits, index) and trusted_line(line, did, keys) is not None:
            set_bit(bits, index)


def revoked_list(
    registry: Registry, issuer: str, number: int, index: int, key: SigningKey, now: dt.datetime
) -> tuple[Path, bytes]:
    """The list with the bit set, re-signed with the issuer's key: (file, its bytes), to record and then write."""
    path = layout.status_list_path(registry.root, issuer, number)
    bits = read_signed_list(registry, issuer, number, path, rebuild=True)
    _set_logged(registry, issuer, number, bits)
    set_bit(bits, index)
    return path, list_bytes(signed_status_list(registry, issuer, number, bits, key, now))
