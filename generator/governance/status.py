"""Revocations and status lists of the issuers a change touches.

New revocation lines (after the base's content: the log is append-only) are verified as the registry-wide
check does, and must be freshly signed. The issuer's status lists must then still have exactly the revoked
awards' bits set, and a re-signed list must carry a fresh signature. Issuers that get new awards are checked
too: their awards point at the lists.

An endorser's lists follow the same rule, with the base commit's signed list as the record of what it revoked
(endorsers keep no log): a list the change writes verifies as the endorser's, is freshly signed, and keeps every
bit the base had set, so a revoked endorsement is never un-revoked.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, TypeGuard

from generator import layout
from generator._internal.source import Document, SourceError, decode_utf8, parse_json
from generator.awards import parse_award_text
from generator.crypto.dataintegrity import proofs_of
from generator.endorsements import endorsement_list_read, endorser_key
from generator.errors import CredregError, Problem, ProblemList
from generator.governance.context import PullRequest
from generator.governance.existing import Slot, award_at, existing_status_slots, is_same_award, single_award_path
from generator.governance.fresh import freshness_problem
from generator.governance.git import ChangeStatus
from generator.governance.new_awards import NewAwards
from generator.layout import PathKind
from generator.models import PublicKey
from generator.models.award import RevocationEntry
from generator.statuslist import decode_list, index_problem, parse_index, parse_list_url
from generator.verify import Verifier
from generator.verify.keys import KeyResolver
from generator.verify.registry_check import (
    list_numbers,
    read_revocation,
    revocation_key_problem,
    revocation_signature_problem,
    set_bits,
    status_bit_problems,
)
from generator.verify.status import ENDLESS, ListProblem, RegistryStatus, read_list_file

__all__ = ["check_revocations_and_lists", "new_log_offset"]


def new_log_offset(base: bytes, current: bytes) -> int | None:
    """Where the lines appended to a log start, or ``None`` when the base content is not kept intact
    (not a byte prefix, or its last line was extended rather than followed by new lines)."""
    if not current.startswith(base):
        return None
    if base and not base.endswith(b"\n") and current[len(base) : len(base) + 1] not in (b"", b"\n"):
        return None
    return len(base)


def _lines(data: bytes) -> Iterator[tuple[int, int, bytes]]:
    """(line number, byte offset, text) of every non-empty line."""
    offset = 0
    for number, line in enumerate(data.split(b"\n"), start=1):
        if line.strip():
            yield number, offset, line
        offset += len(line) + 1


@dataclass
class _Issuer:
    """One issuer's state while its log and lists are checked."""

    id: str
    did: str
    rel_log: str
    revoked: dict[tuple[int, int], int] = field(default_factory=dict)
    """Revoked (list, index) → the log line that revokes it."""
    seen: dict[str, int] = field(default_factory=dict)
    """Revoked award hash → log line."""
    wanted: set[int] = field(default_factory=set)
    """The status list indexes the new log lines name."""
    slots: dict[Slot, str] | None = None


class _StatusCheck:
    def __init__(self, pr: PullRequest, new: NewAwards, problems: ProblemList) -> None:
        assert pr.registry is not None
        self.pr = pr
        self.registry = pr.registry
        self.new = new
        self.problems = problems
        self.keys: KeyResolver = Verifier(self.registry).keys
        self.status = RegistryStatus(self.registry, self.keys)
        self.new_revocations = 0

    def run(self) -> int:
        changed = {
            c.path: c.status
            for c in self.pr.changed(
                PathKind.REVOCATIONS, PathKind.STATUS_LIST, statuses=[ChangeStatus.ADDED, ChangeStatus.MODIFIED]
            )
        }
        touched = {layout.classify(p).issuer for p in changed}
        touched |= {o.issuer for o in self.new.outcomes}
        for issuer in sorted(i for i in touched if i is not None and i in self.registry.issuers):
            state = _Issuer(
                issuer,
                self.registry.issuer_did(issuer),
                layout.relpath(self.registry.root, layout.revocations_path(self.registry.root, issuer)),
            )
            self._log(state, changed.get(state.rel_log))
            self._lists(state, changed)
        for rel in sorted(changed):
            owner = layout.classify(rel).issuer
            if rel.startswith(f"{layout.ENDORSERS_DIR}/") and owner in self.registry.endorsers:
                self._endorser_list(owner, rel)
        return self.new_revocations

    # --- the revocation log ---------------------------------------------------------------------------

    def _log(self, state: _Issuer, status: ChangeStatus | None) -> None:
        path = self.registry.root / state.rel_log
        if not path.is_file():
            return
        current = path.read_bytes()
        if status is ChangeStatus.ADDED:
            start: int | None = 0
        elif status is ChangeStatus.MODIFIED:
            base = self.pr.base.read(state.rel_log)
            start = new_log_offset(base, current) if base is not None else 0
        else:
            start = len(current)
        new: list[tuple[int, Document] | list[Problem]] = []
        for number, offset, raw in _lines(current):
            if start is not None and offset >= start:
                self.new_revocations += 1
                try:
                    new.append(
                        (number, parse_award_text(raw.decode("utf-8", "surrogateescape"), state.rel_log, number))
                    )
                except SourceError as exc:
                    new.append(exc.problems)
            else:
                self._old_line(state, number, raw)
        # Every index the new lines name, so that the existing awards are searched for them all at once.
        for parsed in new:
            data = parsed[1].data if isinstance(parsed, tuple) else None
            if isinstance(data, dict) and _count(data.get("statusListIndex")):
                state.wanted.add(data["statusListIndex"])
        for parsed in new:
            if isinstance(parsed, tuple):
                self._new_line(state, *parsed)
            else:
                self.problems.extend(parsed)

    def _old_line(self, state: _Issuer, number: int, raw: bytes) -> None:
        """A line the base already had: trusted as it was checked then; only its slot counts."""
        try:
            data = parse_award_text(raw.decode("utf-8", "surrogateescape"), state.rel_log, number, strict=False).data
        except SourceError:
            return
        if not isinstance(data, dict):
            return
        listed, index = data.get("statusList"), data.get("statusListIndex")
        if _count(listed) and _count(index):
            state.revoked[(listed, index)] = number
            state.seen.setdefault(str(data.get("award")), number)

    def _new_line(self, state: _Issuer, number: int, doc: Document) -> None:
        problem, entry = self._judge(state, doc)
        if problem is not None:
            self.problems.append(problem)
        elif entry is not None:
            state.seen[entry.award] = number
            state.revoked[(entry.statusList, entry.statusListIndex)] = number
            # The day every verifier shows ("Revoked on …") needs no rule of its own here: the line's proof is
            # created at it (models/award.py signed_at_revoked), and _judge held that proof to the freshness rule,
            # so a line dated in the future or long ago is refused there (tests/governance/test_signatures.py
            # test_a_revocation_dated_other_than_now_is_refused). A second date_problem on it could never fire.

    def _judge(self, state: _Issuer, doc: Document) -> tuple[Problem | None, RevocationEntry | None]:
        problem, entry = read_revocation(doc)
        if entry is None:
            return problem, None
        problem, key = revocation_key_problem(doc, entry, self.keys, state.id, state.did)
        if key is None or key.record is None:
            return problem, None
        stale = freshness_problem(
            key.record, entry.proof.created, now=self.pr.now, rules=self.pr.rules, what="the revocation"
        )
        if stale:
            return doc.problem(["proof"], stale, code="governance.fresh-signature"), None
        bad = revocation_signature_problem(doc, key.public)
        if bad is not None:
            return bad, None
        if entry.award in state.seen:
            message = f"already revoked on line {state.seen[entry.award]}"
            return doc.problem(["award"], message, code="revocation.duplicate"), None
        return self._award_problem(state, doc, entry), entry

    def _award_problem(self, state: _Issuer, doc: Document, entry: RevocationEntry) -> Problem | None:
        """The revoked award (or endorsement of the issuer: they share its lists) must exist and sit in the slot
        the entry names."""
        root = self.registry.root
        slot = (state.id, entry.statusList, entry.statusListIndex)
        single = single_award_path(root, state.id, entry.award)
        endorsement = layout.endorsements_dir(root, state.id) / f"{entry.award}.json"
        if single is None and endorsement.is_file() and not endorsement.is_symlink():
            single = layout.relpath(root, endorsement)
        if single is not None:
            what = "endorsement" if single.startswith(layout.relpath(root, endorsement.parent)) else "award"
            award = award_at(root, single) or {}
            status = award.get("credentialStatus")
            status = status if isinstance(status, dict) else {}
            located = parse_list_url(self.registry.site_url, status.get("statusListCredential"))
            index = parse_index(status.get("statusListIndex"))
            if (located, index) != ((state.id, entry.statusList), entry.statusListIndex):
                message = (
                    f"the {what}'s status slot is {status.get('statusListCredential')} "
                    f"index {status.get('statusListIndex')}"
                )
                return doc.problem(["statusListIndex"], message, code="revocation.slot-mismatch")
            return None
        if state.slots is None:  # every slot the new lines name, looked up once
            state.slots = existing_status_slots(self.registry, [state.id], indexes=state.wanted)
        holder = state.slots.get(slot)
        if holder is not None and is_same_award(root, holder, entry.award):
            return None
        message = (
            f"no award or endorsement of {state.id} has hash {entry.award} at status list {entry.statusList} "
            f"index {entry.statusListIndex}"
        )
        return doc.problem(["award"], message, code="revocation.unknown-award")

    # --- the status lists -----------------------------------------------------------------------------

    def _lists(self, state: _Issuer, changed: dict[str, ChangeStatus]) -> None:
        root = self.registry.root
        present = set(list_numbers(layout.issuer_dir(root, state.id) / "status"))
        used = {o.status_list for o in self.new.outcomes if o.issuer == state.id and o.status_list is not None}
        for number in sorted(present | used | {n for n, _ in state.revoked}):
            rel = layout.relpath(root, layout.status_list_path(root, state.id, number))
            if rel in changed:  # said of a list signed in the future, which is not in force either
                self._fresh_list(rel)
            url = self.registry.status_list_url(state.id, number)
            bits = self.status.reading(url, state.did).read(self.pr.now)
            if isinstance(bits, ListProblem):  # in the full check's words, at its field (registry_check.py)
                self.problems.add(rel, bits.message, field=bits.field, code="status-list.invalid")
                continue
            self._new_awards_within(state.id, number, bits)
            status_bit_problems(rel, number, bits, state.revoked, self.problems)

    def _endorser_list(self, endorser: str, rel: str) -> None:
        """An endorser's list this change writes: the issuers' list rules, the base's bits standing for a log."""
        self._fresh_list(rel)  # said of a list signed in the future, which is not in force either
        bits = endorsement_list_read(self.registry, endorser, self.registry.root / rel, self.pr.now)
        number = layout.classify(rel).name
        if isinstance(bits, ListProblem):  # in the full check's words, at its field (recognition.py)
            self.problems.add(rel, bits.message, field=bits.field, code="status-list.invalid")
            return
        if number is None:  # not reached: endorsement_list_read refuses a list not named <number>.json
            self.problems.add(rel, "a status list is named <number>.json", code="status-list.invalid")
            return
        revoked = {(int(number), i): 0 for i in _base_bits(self.pr, rel)}
        status_bit_problems(
            rel,
            int(number),
            bits,
            revoked,
            self.problems,
            revoked_in=f"{rel} as the base commit signed it (a revoked endorsement stays revoked)",
            unexplained=False,
        )

    def _new_awards_within(self, issuer: str, number: int, bits: bytes) -> None:
        """Every new award's index names an entry of its list: one beyond it could never be revoked."""
        for outcome in self.new.outcomes:
            if outcome.issuer != issuer or outcome.status_list != number or outcome.status_index is None:
                continue
            outside = index_problem(outcome.status_index, bits)
            if outside is not None:
                self.problems.add(
                    outcome.source_path,
                    f"statusListIndex: {outside}: the award could never be revoked; re-issue it",
                    line=outcome.line,
                    field="credentialStatus.statusListIndex",
                    code="award.status-index-range",
                )

    def _key_record(self, method: str) -> PublicKey | None:
        """The registered key a list proof names: an issuer's, or an endorser's."""
        key = self.keys.resolve(method)
        if key is not None:
            return key.record
        record = endorser_key(self.registry, method)
        return record.model if record is not None else None

    def _fresh_list(self, rel: str) -> None:
        """A list this change writes was signed by it: the signature must be fresh, and the list must not end."""
        try:
            credential = read_list_file(self.registry.root / rel, rel).data
        except SourceError:
            return  # the list check says why it cannot be read
        if isinstance(credential, dict) and "validUntil" in credential:
            # Every reader reads a list only while it is in force (status.py _Window): one that ends takes every
            # revocation it holds with it when it does, an endorser's (which no log stands for) read as of unknown
            # status from then on, and nothing this check sees today. credreg never writes one.
            self.problems.add(rel, ENDLESS, field="validUntil", code="status-list.valid-until")
        for proof in proofs_of(credential) if isinstance(credential, dict) else []:
            method = proof.get("verificationMethod") if isinstance(proof, dict) else None
            record = self._key_record(method) if isinstance(method, str) else None
            if record is None:
                continue
            stale = freshness_problem(
                record, proof.get("created"), now=self.pr.now, rules=self.pr.rules, what="the status list"
            )
            if stale:
                self.problems.add(rel, stale, field="proof", code="governance.fresh-signature")
                return


def _base_bits(pr: PullRequest, rel: str) -> Iterator[int]:
    """The set bits of a status list as the base commit has it (none when it is new or unreadable there)."""
    raw = pr.base.read(rel)
    try:
        credential = parse_json(decode_utf8(raw, rel), rel).data if raw is not None else None
        subject = credential.get("credentialSubject") if isinstance(credential, dict) else None
        bits = decode_list(subject.get("encodedList")) if isinstance(subject, dict) else b""
    except (SourceError, CredregError):
        return iter(())
    return set_bits(bits)


def _count(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def check_revocations_and_lists(pr: PullRequest, new: NewAwards, problems: ProblemList) -> int:
    """Check the logs and lists of every issuer the change touches; returns the number of new revocations."""
    return _StatusCheck(pr, new, problems).run()
